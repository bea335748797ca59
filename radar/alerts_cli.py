"""`radar alerts preview` and `radar alerts send`: alert delivery from the command line, in this process.

Both run the delivery orchestrator (flows/pipeline/delivery.py) that the `deliver-alerts` flow runs,
without Prefect, so they are quick and cron-friendly. `preview` and `send --dry-run` change nothing:
no ledger rows, no messages. Secrets are never printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from config.redact import redact
from config.settings import Settings
from radar.console import ConfigOption, err, fail, load_config, out, run

alerts_app = typer.Typer(help="Alerts to Slack and email: preview what is due, send it.", no_args_is_help=True)


def _settings(config: Path | None) -> Settings:
    settings = load_config(config)
    if not settings.alerts.channels:
        fail(f"{settings.config_file}: no [[alerts.channels]] configured (see radar.example.toml)")
    return settings


def _runtime():
    """In this process; a `{secret = ...}` reference is read from a Prefect Secret block (imported then only)."""
    from flows.pipeline.runtime import PlainRuntime

    def load_secret_block(name: str) -> object:
        from flows.prefect_runtime import load_secret_block as load

        return load(name)

    return PlainRuntime(load_secret_block=load_secret_block)


@alerts_app.command()
def preview(
    config: ConfigOption = None,
    rule: Annotated[str | None, typer.Option("--rule", "-r", help="Only this rule's matches.")] = None,
    html: Annotated[Path, typer.Option("--html", help="Where to write the email HTML.")] = Path("alerts-preview.html"),
) -> None:
    """Show what is due per channel, as Slack text and email subjects; write the email HTML to a file."""
    from alerts.render_email import render_html
    from flows.pipeline.delivery import deliver

    settings = _settings(config)
    if rule is not None and rule not in {r.name for r in settings.alerts.rules}:
        fail(f"{settings.config_file}: no rule named {rule!r}")
    report = run(lambda: deliver(settings, _runtime(), dry_run=True, rule=rule))
    if not report.results:
        out.print("Nothing is due: no new matches, nothing pending.")
        return
    for result in report.results:
        _print_previews(result)
    unique = list({a.row.alert_key: a for r in report.results for a in r.due}.values())
    html.write_text(render_html(unique, f"Paper Radar preview: {len(unique)} alerts"), encoding="utf-8")
    out.print(f"Email HTML written to {html}")


@alerts_app.command()
def send(
    config: ConfigOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; change nothing.")] = False,
) -> None:
    """Match rules, then send what is due (instant alerts, and digests whose time has come). Exit 1 on a failure."""
    from flows.pipeline.delivery import deliver

    settings = _settings(config)
    report = run(lambda: deliver(settings, _runtime(), dry_run=dry_run))
    if dry_run:
        for result in report.results:
            _print_previews(result)
        if not report.results:
            out.print("Nothing to send.")
        return
    table = Table(title="Alerts sent", title_justify="left")
    for col in ("channel", "messages", "alerts", "recovered", "possible duplicates", "errors"):
        table.add_column(col, justify="left" if col == "channel" else "right")
    for r in report.results:
        table.add_row(r.channel, str(r.messages), str(r.alerts), str(r.recovered), str(r.possible_duplicates),
                      str(len(r.errors)))
    out.print(table if report.results else "Nothing to send.")
    if report.new_rows:
        out.print(f"{report.new_rows} new matches recorded ({report.suppressed} suppressed: backfill or first poll).")
    for r in report.results:
        for e in r.errors:
            err.print(f"[red]failed:[/] {escape(redact(str(e)))}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _print_previews(result) -> None:
    out.print(f"[bold]{result.channel}[/]: {result.messages} messages, {result.alerts} alerts", highlight=False)
    for o in result.previews:
        if o.email is not None:
            out.print(f"  email: {o.email['Subject']}  ({len(o.keys)} papers)", highlight=False, markup=False)
        else:
            out.print(f"  slack: {o.slack.text[:200]}  ({len(o.slack.blocks)} blocks)", highlight=False, markup=False)
