"""`radar alerts preview` and `radar alerts send`: alert delivery from the command line, in this process.

Both run the same steps as the `deliver-alerts` flow (alerts/delivery.py) without Prefect, so they
are quick and cron-friendly. `preview` and `send --dry-run` change nothing: no ledger rows, no
messages. Secrets are never printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from config.settings import ConfigError, Settings, load_settings
from storage.db import StorageError

alerts_app = typer.Typer(help="Alerts to Slack and email: preview what is due, send it.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file (default: $RADAR_CONFIG or ./radar.toml).")
]


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        settings = load_settings(config)
    except ConfigError as e:
        _fail(str(e))
    if not settings.alerts.channels:
        _fail(f"{settings.config_file}: no [[alerts.channels]] configured (see radar.example.toml)")
    return settings


@alerts_app.command()
def preview(
    config: ConfigOption = None,
    rule: Annotated[str | None, typer.Option("--rule", "-r", help="Only this rule's matches.")] = None,
    html: Annotated[Path, typer.Option("--html", help="Where to write the email HTML.")] = Path("alerts-preview.html"),
) -> None:
    """Show what is due per channel, as Slack text and email subjects; write the email HTML to a file."""
    from alerts.delivery import deliver_channel, make_summariser, plan_deliveries
    from alerts.render_email import render_html

    settings = _settings(config)
    if rule is not None and rule not in {r.name for r in settings.alerts.rules}:
        _fail(f"{settings.config_file}: no rule named {rule!r}")
    plan = _run(lambda: plan_deliveries(settings, dry_run=True, rule=rule,
                                        summariser=make_summariser(settings.alerts)))
    configured = {c.name for c in settings.alerts.channels}
    due = {name: alerts for name, alerts in plan.due.items() if name in configured}
    if not due:
        out.print("Nothing is due: no new matches, nothing pending.")
        return
    for name, alerts in due.items():
        _print_previews(deliver_channel(settings, settings.alerts.channel(name), alerts, dry_run=True))
    unique = list({a.row.alert_key: a for alerts in due.values() for a in alerts}.values())
    html.write_text(render_html(unique, f"Paper Radar preview: {len(unique)} alerts"), encoding="utf-8")
    out.print(f"Email HTML written to {html}")


@alerts_app.command()
def send(
    config: ConfigOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; change nothing.")] = False,
) -> None:
    """Match rules, then send what is due (instant alerts, and digests whose time has come). Exit 1 on a failure."""
    from alerts.delivery import run_delivery

    settings = _settings(config)
    report = _run(lambda: run_delivery(settings, dry_run=dry_run))
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
            err.print(f"[red]failed:[/] {escape(str(e))}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _run(fn):
    from alerts.secrets import SecretError

    try:
        return fn()
    except (ConfigError, StorageError, SecretError) as e:
        _fail(str(e))


def _print_previews(result) -> None:
    out.print(f"[bold]{result.channel}[/]: {result.messages} messages, {result.alerts} alerts", highlight=False)
    for o in result.previews:
        if o.email is not None:
            out.print(f"  email: {o.email['Subject']}  ({len(o.keys)} papers)", highlight=False, markup=False)
        else:
            out.print(f"  slack: {o.slack.text[:200]}  ({len(o.slack.blocks)} blocks)", highlight=False, markup=False)
