"""`radar sql`: ad-hoc read-only SQL on the Paper Radar database, printed as a table, CSV, JSON or Markdown.

The query runs on a read-only connection opened for that query only (storage/query.py), so it can
neither change the store nor keep the scheduled writer out for longer than it runs; on a DuckLake
the same, on the lake of `[storage]`. The views and macros it can use are documented in
docs/schema.md; `EXAMPLES` are the queries `--examples` lists. `--at` reads a past state (a lake's
snapshot, or an embedded file's retained read snapshot), `--snapshots` lists what `--at` can name,
and `--setup` prints the statements that open the store read-only in another DuckDB session.
`sql_command` is registered by radar/cli.py as `radar sql`; `sql_app` runs it standalone (tests).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from radar.console import fail, load_config
from storage.db import StorageError, Target
from storage.query import QueryError, Rows, load_snapshots, reader_script, run_readonly_query

__all__ = ["EXAMPLES", "Example", "OutputFormat", "QueryError", "render", "run_query", "sql_app", "sql_command"]

#: Table output shortens longer values (CSV, JSON and Markdown keep them whole).
MAX_TABLE_CELL = 200


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Example(NamedTuple):
    name: str
    description: str
    sql: str


EXAMPLES: list[Example] = [
    Example("trending", "Papers that 3+ newsletters mentioned in the last week of data",
            "SELECT arxiv_id, title, n_sources, sources FROM trending WHERE n_sources >= 3;"),
    Example("most-mentioned", "Papers by number of newsletters mentioning them, with code and headline numbers",
            "SELECT arxiv_id, title, n_sources, code_url, headline_metrics\n"
            "FROM papers_overview ORDER BY n_sources DESC, last_seen_at DESC LIMIT 20;"),
    Example("with-code", "Papers with a code repository, most-cited repository first",
            "SELECT arxiv_id, repo_url, n_sources, first_seen_at FROM paper_code\n"
            "ORDER BY n_sources DESC, first_seen_at DESC;"),
    Example("best-scores", "Best reported SWE-bench and MMLU scores in the latest 30 days of data",
            "SELECT benchmark, max(value) AS best, arg_max(subject, value) AS subject,\n"
            "       arg_max(arxiv_id, value) AS arxiv_id, arg_max(source, value) AS source\n"
            "FROM metrics_by_benchmark\n"
            "WHERE (benchmark ILIKE '%swe-bench%' OR benchmark ILIKE '%mmlu%') AND unit = '%'\n"
            "  AND published_at > (SELECT max(published_at) FROM metrics_by_benchmark) - INTERVAL 30 DAY\n"
            "GROUP BY benchmark ORDER BY best DESC;"),
    Example("stale-sources", "Sources that are failing, stale, or have never succeeded",
            "SELECT name, status, consecutive_failures, hours_since_success, hours_since_new_document, last_error\n"
            "FROM source_health WHERE status <> 'ok';"),
    Example("paper-metrics", "Every number reported about one paper (here SWE-bench, 2310.06770)",
            "SELECT format_metric(value, unit, qualifier) AS value, name, kind, subject, source, snippet\n"
            "FROM metrics WHERE arxiv_id = '2310.06770' ORDER BY source, doc_key, position, ordinal;"),
    Example("weekly", "Distinct papers and newsletters per week",
            "SELECT date_trunc('week', coalesce(d.published_at, d.first_seen_at)) AS week,\n"
            "       count(DISTINCT m.arxiv_id) AS papers, count(DISTINCT m.source) AS newsletters\n"
            "FROM mentions m JOIN documents d USING (source, doc_key) GROUP BY week ORDER BY week DESC;"),
]


def run_query(
    target: Target, sql: str, *, params: Sequence[Any] | dict[str, Any] | None = None, lock_wait_seconds: float = 0,
    at: str | None = None,
) -> tuple[list[str], Rows]:
    """Run `sql` read-only on the store (a database path, or a lake's settings); QueryError or StorageError."""
    return run_readonly_query(target, sql, params=params, lock_wait_seconds=lock_wait_seconds, at=at)


def render(columns: Sequence[str], rows: Rows, fmt: OutputFormat | str, *, width: int = 120) -> str:
    """The result as text: a table (rich, `width` columns), CSV, JSON (a list of objects) or Markdown."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        objects = [dict(zip(columns, map(_jsonable, row), strict=True)) for row in rows]
        return json.dumps(objects, ensure_ascii=False, indent=2) + "\n"
    if fmt is OutputFormat.csv:
        return _render_csv(columns, rows)
    if fmt is OutputFormat.markdown:
        return _render_markdown(columns, rows)
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(rich_table(columns, rows))
    return console.file.getvalue()


def rich_table(columns: Sequence[str], rows: Rows) -> Table:
    table = Table(caption=f"{len(rows)} row{'s' if len(rows) != 1 else ''}", caption_justify="left")
    for n, col in enumerate(columns):
        numeric = bool(rows) and all(isinstance(r[n], int | float | Decimal) for r in rows if r[n] is not None)
        table.add_column(col, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(_table_cell(v) for v in row))
    return table


def _table_cell(value: Any) -> Text:
    if value is None:
        return Text("NULL", style="dim")
    text = _plain(value)
    return Text(text if len(text) <= MAX_TABLE_CELL else text[: MAX_TABLE_CELL - 1] + "…")


def _render_csv(columns: Sequence[str], rows: Rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow("" if v is None else _plain(v) for v in row)
    return buffer.getvalue()


def _render_markdown(columns: Sequence[str], rows: Rows) -> str:
    def cell(value: Any) -> str:
        text = "" if value is None else _plain(value)
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    """A cell as text: lists and structs as JSON, dates ISO, numbers as Python writes them."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    jsonable = _jsonable(value)
    return "" if jsonable is None else str(jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or Infinity
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # UUID, and whatever else DuckDB may hand back


def render_examples() -> str:
    """The examples as one SQL script: a comment line each, so the output can be saved and edited."""
    return "\n".join(f"-- {e.name}: {e.description}\n{e.sql}\n" for e in EXAMPLES)


def read_sql(query: str | None, file: Path | None) -> str:
    """The SQL to run: the argument, or the file (`-` is standard input). Raises ValueError if unclear."""
    if query is not None and file is not None:
        raise ValueError("give a query or --file, not both")
    if file is not None:
        try:
            return sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ValueError(f"{file}: cannot read the SQL file: {e}") from None
    if query is None:
        raise ValueError('give a query, e.g. radar sql "SELECT * FROM papers_overview LIMIT 5" (see --examples)')
    return query


def sql_command(
    query: Annotated[str | None, typer.Argument(help="SQL to run (read-only). See --examples.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the SQL from this file ('-': stdin).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    examples: Annotated[bool, typer.Option("--examples", help="List example queries and exit.")] = False,
    at: Annotated[str | None, typer.Option(
        "--at", help="Read a past state: a lake's snapshot id or timestamp, or a read snapshot's name.")] = None,
    snapshots: Annotated[bool, typer.Option("--snapshots", help="List what --at can name, newest first.")] = False,
    setup: Annotated[bool, typer.Option(
        "--setup", help="Print the DuckDB statements that open the store read-only (for a notebook).")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file (default: $RADAR_CONFIG or ./radar.toml).")
    ] = None,
) -> None:
    """Run read-only SQL on the database. Tables and views (papers_overview, trending, ...): docs/schema.md."""
    if examples:
        sys.stdout.write(render_examples())
        return
    # Errors on one line: stderr may be a log file, and a wrapped line is harder to grep.
    sql = ""
    if not (setup or snapshots):
        try:
            sql = read_sql(query, file)
        except ValueError as e:
            fail(str(e), one_line=True)
    settings = load_config(config, one_line=True)
    try:
        if setup:
            sys.stdout.write(reader_script(settings.store))
            return
        if snapshots:
            columns, rows = load_snapshots(settings.store)
        else:
            columns, rows = run_query(settings.store, sql, lock_wait_seconds=settings.lock_wait_seconds, at=at)
    except StorageError as e:  # QueryError is a StorageError
        fail(str(e), one_line=True)
    if format is OutputFormat.table:
        Console().print(rich_table(columns, rows))
    else:
        sys.stdout.write(render(columns, rows, format))


sql_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
sql_app.command()(sql_command)
