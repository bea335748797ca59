"""`radar arxiv poll|enrich` and `radar backfill`: the arXiv and backfill commands.

Each runs its pipeline (radar/console.py's `run_flow`: in this process, or as its Prefect flow
through the server at PREFECT_API_URL when that is set), with a rich progress bar for long work, and
prints a summary. Registered on the main app in radar/cli.py; pipelines and flows are imported inside
the commands so that `radar --help` stays fast and free of Prefect.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from radar.console import ConfigOption, err, fail, load_config, out, run_flow

if TYPE_CHECKING:
    from flows.pipeline.runtime import Runtime

arxiv_app = typer.Typer(help="arXiv: poll the configured queries, enrich newsletter papers.", no_args_is_help=True)


@arxiv_app.command("poll")
def poll_command(config: ConfigOption = None) -> None:
    """Fetch new submissions for every enabled [[arxiv.queries]] and save them; check for silent misses."""
    settings = load_config(config)
    if not settings.arxiv.enabled_queries:
        fail(f"{settings.config_file}: no [[arxiv.queries]] configured")

    def in_process(runtime: Runtime) -> dict:
        from flows.pipeline.arxiv import poll_arxiv

        return poll_arxiv(settings, runtime)

    def on_server() -> dict:
        from flows.arxiv import poll_arxiv

        return poll_arxiv(settings=settings)

    summary = run_flow(in_process, on_server, "arxiv poll", heartbeats=settings.prefect.cli_flow_heartbeats)
    table = Table(title=f"arXiv poll  ({summary['database']})", title_justify="left")
    for col in ("query", "status", "fetched", "new", "updated", "code", "metrics"):
        table.add_column(col, justify="left" if col in ("query", "status") else "right")
    for q in summary["queries"]:
        table.add_row(q["query"], q["status"], *(str(q[k]) for k in
                                                 ("fetched", "new_papers", "updated_papers", "code_links", "metrics")))
    out.print(table)
    for w in summary["warnings"]:
        err.print(f"[yellow]warning:[/] {escape(w['message'])}", highlight=False)
    for f in summary["failures"]:
        err.print(f"[red]failed:[/] {f['query']}: {escape(f['error'])}", highlight=False)
    if summary["failures"]:
        raise typer.Exit(1)


@arxiv_app.command("enrich")
def enrich_command(config: ConfigOption = None) -> None:
    """Look up arXiv metadata (title, authors, abstract, categories, dates) for papers newsletters named."""
    settings = load_config(config)
    if not settings.arxiv.enrich:
        fail(f"{settings.config_file}: arXiv enrichment is off: set `enrich = true` under [arxiv] to turn it on")

    def in_process(runtime: Runtime) -> dict:
        from flows.pipeline.arxiv import enrich_arxiv

        return enrich_arxiv(settings, runtime)

    def on_server() -> dict:
        from flows.arxiv import enrich_arxiv

        return enrich_arxiv(settings=settings)

    s = run_flow(in_process, on_server, "arxiv enrich", heartbeats=settings.prefect.cli_flow_heartbeats)
    out.print(f"Asked arXiv about {s['asked']} papers in {s['requests']} requests: {s['found']} found, "
              f"{s['unknown']} unknown (not asked again for {settings.arxiv.recheck_unknown_days} days).")
    if s["status"] == "failed":
        err.print(f"[red]failed:[/] {s['to_look_up']} papers to look up, none looked up: {s['requests']} requests "
                  f"sent, {s['failed_requests']} failed", highlight=False)
    for f in s["failures"]:
        err.print(f"[red]failed:[/] {escape(f)}", highlight=False)
    if s["failures"]:
        raise typer.Exit(1)


def _day(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2025-11-01") from None


def backfill_command(
    start: Annotated[str, typer.Option("--from", help="First day (GMT), e.g. 2025-11-01.")],
    end: Annotated[str, typer.Option("--to", help="Last day (GMT), inclusive.")],
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="arxiv, arxiv:QUERY or a newsletter source; repeat for several (default: all).")] = None,
    alert: Annotated[bool, typer.Option("--alert", help="Let what this backfill ingests trigger alerts.")] = False,
    archive: Annotated[Path | None, typer.Option(
        "--archive", help="A folder of .html/.eml posts, or a file of post URLs, to ingest under --source.")] = None,
    config: ConfigOption = None,
) -> None:
    """Backfill a date range from arXiv (one day per request window, resumable) and newsletters."""
    settings = load_config(config)
    first, last = _day(start), _day(end)

    options = {"sources": source or None, "alert": alert, "archive": str(archive) if archive else None}

    def in_process(runtime: Runtime) -> dict:
        from flows.pipeline.backfill import backfill

        return backfill(settings, runtime, first, last, **options)

    def on_server() -> dict:
        from flows.backfill import backfill

        return backfill(first, last, **options, settings=settings)

    s = run_flow(in_process, on_server, "backfill", heartbeats=settings.prefect.cli_flow_heartbeats)
    days = s["arxiv"]
    if days:
        table = Table(title=f"Backfill {s['from']} to {s['to']}  (ingest mode: {s['ingest_mode']})",
                      title_justify="left")
        for col in ("query", "day", "entries", "new papers", "status"):
            table.add_column(col, justify="right" if col in ("entries", "new papers") else "left")
        for d in days:
            table.add_row(d["query"], d["day"], str(d["entries"]), str(d["new_papers"]),
                          "already done" if d["skipped"] else "fetched")
        out.print(table)
    done = [d for d in days if not d["skipped"]]
    out.print(f"arXiv: {len(done)} query-days fetched, {len(days) - len(done)} already done; "
              f"{sum(d['entries'] for d in done)} entries, {sum(d['new_papers'] for d in done)} new papers.")
    if s["reextracted_documents"]:
        out.print(f"Newsletter documents re-extracted: {s['reextracted_documents']}")
    if s["archive"]:
        a = s["archive"]
        out.print(f"Archive: {a['documents']} documents, {a['in_range']} in range, {a['new_documents']} new")
    for f in s["failures"]:
        err.print(f"[red]failed:[/] {escape(f)} (run the same command again to resume)", highlight=False)
    if s["failures"]:
        raise typer.Exit(1)
