"""The `radar` command line.

`radar extract` runs the pure extractors on one file, folder or URL and prints what would be stored,
without Prefect and without a database. `radar poll` runs the newsletter pipeline: in this process,
or as its Prefect flow through the server at PREFECT_API_URL when that is set (radar/console.py).
Errors the user can fix (a bad config, an unreachable URL, a locked database) are printed as one
clear line, not a traceback. `radar --help`, `radar extract`, `radar sql` and, without a server,
`radar poll` import no Prefect: flows and the Prefect setup are imported inside the commands that
need them.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from config import redact
from radar.alerts_cli import alerts_app
from radar.arxiv_cli import arxiv_app, backfill_command
from radar.console import ConfigOption, err, fail, load_config, out, run, run_flow
from radar.server_cli import deploy, run_deployment, serve, setup
from radar.sql import sql_command
from radar.storage_cli import migrate_storage_command

if TYPE_CHECKING:
    from flows.pipeline.runtime import Runtime

app = typer.Typer(help="Paper Radar: papers, code and metrics from AI newsletters, into DuckDB.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


@app.callback()
def _every_command() -> None:
    """Paper Radar: papers, code and metrics from AI newsletters, into DuckDB."""
    redact.install()  # before any command logs: no record of any logger carries a secret


class Format(StrEnum):
    json = "json"
    table = "table"


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="A feed/page/email file, a folder of them, or an http(s) URL.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="json (the scorer's contract) or table.")] = (
        Format.json
    ),
) -> None:
    """Print the papers, code links and metrics that would be stored for TARGET."""
    from radar.extract import extract_target  # keeps `radar --help` fast

    try:
        results = extract_target(target)
    except Exception as e:  # mapped errors from sources/ and extractors/ (ParseError) carry clear messages
        fail(str(e))
    if format is Format.json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_extract_table(results)


def human_number(value: float) -> str:
    """1.7e9 -> "1.7B", 256000 -> "256K", 97.3 -> "97.3": as a newsletter would write it."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e4, "K")):
        if abs(value) >= scale:
            scaled = value / (scale if suffix != "K" else 1e3)
            return f"{scaled:.4g}{suffix}"
    return f"{value:g}"


def _print_extract_table(results: dict) -> None:
    for doc in results["documents"]:
        table = Table(title=f"{doc['title']}  ({doc['url'] or 'no url'})", show_lines=True, title_justify="left")
        for col in ("#", "item", "papers", "code", "metrics"):
            table.add_column(col, overflow="fold")
        for n, item in enumerate(doc["items"]):
            metrics = "\n".join(_metric_line(m) for m in item["metrics"])
            table.add_row(str(n), item["title"], "\n".join(item["papers"]), "\n".join(item["code"]), metrics)
        out.print(table)


_QUALIFIER_MARKS = {"approximate": "~", "at least": "≥", "up to": "≤", "range-low": "", "range-high": "…"}
_DIRECTION_MARKS = {"increase": " ↑", "reduction": " ↓"}


def _metric_line(m: dict) -> str:
    """"≤6 x ↑  decoding  @DeepSeek-V3": qualifier, value, unit, direction, then name and subject dimmed."""
    value = f"{_QUALIFIER_MARKS.get(m.get('qualifier') or '', '')}{human_number(m['value'])}"
    if m.get("qualifier") == "range-low":
        value += "…"
    line = f"{value} {m['unit']}{_DIRECTION_MARKS.get(m.get('direction') or '', '')}"
    context = "  ".join(filter(None, [m.get("name"), f"@{m['subject']}" if m.get("subject") else None]))
    return line + (f"  [dim]{escape(context)}[/]" if context else "")


@app.command()
def poll(config: ConfigOption = None) -> None:
    """Poll every enabled source once: fetch, extract, save to DuckDB, print a summary."""
    settings = load_config(config)

    def in_process(runtime: Runtime) -> dict:
        from flows.pipeline.newsletters import poll_newsletters

        return poll_newsletters(settings, runtime)

    def on_server() -> dict:
        from flows.newsletters import poll_newsletters

        return poll_newsletters(settings=settings)

    summary = run_flow(in_process, on_server, heartbeats=settings.prefect.cli_flow_heartbeats, what="the poll")
    _print_poll_summary(summary)
    if summary["failures"]:
        raise typer.Exit(1)


@app.command()
def reextract(
    config: ConfigOption = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source's documents.")] = None,
) -> None:
    """Re-run extraction on stored raw documents (after an extractor fix) and replace their rows."""
    settings = load_config(config)
    if source is not None:
        run(lambda: settings.source(source))  # an unknown name is a config error, not an empty run
    from flows.pipeline.newsletters import reextract as reextract_stored
    from flows.pipeline.runtime import PlainRuntime

    result = run(lambda: reextract_stored(settings, PlainRuntime(), [source] if source else None))
    table = Table(title=f"Re-extracted {result['documents']} documents", title_justify="left")
    for col in ("table", "rows before", "rows after"):
        table.add_column(col, justify="left" if col == "table" else "right")
    for name, before in result["before"].items():
        table.add_row(name, str(before), str(result["after"][name]))
    out.print(table)
    for reason in result["failed"]:
        err.print(f"[yellow]kept without items[/] {escape(reason)} (run `radar reextract` again after a fix)",
                  highlight=False)


def _print_poll_summary(summary: dict) -> None:
    table = Table(title=f"Poll summary  ({summary['database']})", title_justify="left")
    table.add_column("source", overflow="fold")
    table.add_column("status", no_wrap=True)
    counts = ("fetched", "new_documents", "items", "papers", "code_links", "metrics")
    for header in ("docs", "new", "items", "papers", "code", "metrics"):
        table.add_column(header, justify="right", min_width=len(header))
    for s in summary["sources"]:
        table.add_row(s["source"], s["status"], *(str(s[c]) for c in counts))
    out.print(table)
    totals = summary["totals"]
    if not any(totals.values()):
        out.print("Nothing new: 0 rows added in every table.")
    else:
        out.print("Rows added: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    changed = sum(s["changed_documents"] for s in summary["sources"])
    if changed:
        out.print(f"{changed} documents changed since the last poll: their rows were replaced.")
    for w in summary.get("warnings", []):
        err.print(f"[yellow]skipped:[/] {escape(w['source'])}: {escape(w['warning'])}", highlight=False)
    for d in summary.get("deferred", []):
        err.print(f"[yellow]deferred:[/] {escape(d['source'])}: {escape(str(d['error']))}", highlight=False)
    for f in summary["failures"]:
        err.print(f"[red]failed:[/] {escape(f['source'])}: {escape(str(f['error']))}", highlight=False)


app.command("sql")(sql_command)
app.command("migrate-storage")(migrate_storage_command)
app.add_typer(alerts_app, name="alerts")
app.add_typer(arxiv_app, name="arxiv")
app.command("backfill")(backfill_command)
app.command("setup")(setup)
app.command("deploy")(deploy)
app.command("serve")(serve)
app.command("run")(run_deployment)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
