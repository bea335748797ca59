"""`radar arxiv poll|enrich|setup` and `radar backfill`: the arXiv and backfill commands.

Each runs its Prefect flow in this process (radar/console.py's `run_flow`: against PREFECT_API_URL
when set, else a temporary local server), with a rich progress bar for long work, and prints a
summary. Registered on the main app in radar/cli.py; flows are imported inside the commands so that
`radar --help` stays fast and free of Prefect.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from radar.console import ConfigOption, err, fail, load_config, out, run_flow

arxiv_app = typer.Typer(help="arXiv: poll the configured queries, enrich newsletter papers.", no_args_is_help=True)


@arxiv_app.command("poll")
def poll_command(config: ConfigOption = None) -> None:
    """Fetch new submissions for every enabled [[arxiv.queries]] and save them; check for silent misses."""
    settings = load_config(config)
    if not settings.arxiv.enabled_queries:
        fail(f"{settings.config_file}: no [[arxiv.queries]] configured")

    def poll_flow() -> dict:
        from flows.arxiv import poll_arxiv

        return poll_arxiv(settings=settings)

    summary = run_flow(poll_flow, "arxiv poll")
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

    def enrich_flow() -> dict:
        from flows.arxiv import enrich_arxiv

        return enrich_arxiv(settings=settings)

    s = run_flow(enrich_flow, "arxiv enrich")
    out.print(f"Asked arXiv about {s['asked']} papers in {s['requests']} requests: {s['found']} found, "
              f"{s['unknown']} unknown (not asked again for {settings.arxiv.recheck_unknown_days} days).")
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

    def backfill_flow() -> dict:
        from flows.backfill import backfill

        return backfill(first, last, sources=source or None, alert=alert, archive=str(archive) if archive else None,
                        settings=settings)

    s = run_flow(backfill_flow, "backfill")
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


@arxiv_app.command("setup")
def setup_command(config: ConfigOption = None) -> None:
    """Create on the Prefect server (PREFECT_API_URL), when missing, the arXiv rate limit every process shares."""
    settings = load_config(config)
    from flows.prefect_setup import ensure_arxiv_rate_limit

    try:
        out.print(ensure_arxiv_rate_limit(settings.arxiv), highlight=False)
    except Exception as e:  # the Prefect client's errors (server down, refused) as one line
        fail(f"setup: {type(e).__name__}: {e}")
