"""Run reports: what each pipeline run did, as data (returned to the CLI and tests) and as the markdown
of its Prefect artifact. Pure: built from what the pipelines counted, no I/O.

    poll-newsletters   SourceReport per source, `poll_summary`, `render_poll_report`
    poll-arxiv         QueryReport per query, `render_arxiv_poll_report`; enrich-arxiv `render_enrich_report`
    backfill           DayResult per query and day, `render_backfill_report`
    deliver-*          ChannelResult per channel, DeliveryReport, `render_delivery_report`
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from config.storage import StorageSettings
from storage.newsletters import SaveResult


class RunFailed(Exception):
    """A run that had work to do and got none of it done (every arXiv query failed; no lookup succeeded).

    The Prefect flows raise it once the run's report is published, so the run ends Failed in the UI;
    `summary` is that report, for whoever called the flow.
    """

    def __init__(self, message: str, summary: dict) -> None:
        super().__init__(message)
        self.summary = summary

    def __reduce__(self):  # Prefect may pickle a flow's exception: keep the summary across the trip
        return (type(self), (str(self), self.summary))


def raise_if_failed(summary: dict, what: str) -> dict:
    """`summary`, unless its run failed as a whole: then RunFailed naming what was tried and the last error."""
    if summary.get("status") == "failed":
        raise RunFailed(f"{what} failed: {render_requests(summary)}", summary)
    return summary


#: The status of an arXiv run the config does not ask for (no queries, enrichment off): nothing was sent.
NOT_CONFIGURED = "not configured"
ROW_TABLES = ("documents", "items", "papers", "mentions", "code_links", "metrics")


@dataclass(frozen=True)
class SourceReport:
    source: str
    status: str  # "ok" | "unchanged" | "failed" | "deferred" (asked to wait past the cap: next run)
    fetched: int = 0  # documents parsed from what was fetched
    new_documents: int = 0
    changed_documents: int = 0
    items: int = 0
    papers: int = 0
    mentions: int = 0
    code_links: int = 0
    metrics: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()  # what a successful source left out: a bad file, a cut-off entry, a date

    @classmethod
    def from_save(cls, source: str, status: str, fetched: int, result: SaveResult,
                  warnings: tuple[str, ...] = ()) -> SourceReport:
        ins = result.inserted
        return cls(source, status, fetched, result.new_documents, result.changed_documents, ins["items"],
                   ins["papers"], ins["mentions"], ins["code_links"], ins["metrics"], warnings=warnings)

    @classmethod
    def failed(cls, source: str, error: str) -> SourceReport:
        return cls(source, "failed", error=error)


def poll_summary(reports: list[SourceReport], database: Path | StorageSettings) -> dict:
    totals = {"documents": sum(r.new_documents for r in reports)}
    for key in ("items", "papers", "mentions", "code_links", "metrics"):
        totals[key] = sum(getattr(r, key) for r in reports)
    return {
        "database": str(database),
        "sources": [asdict(r) for r in reports],
        "totals": totals,
        "failures": [{"source": r.source, "error": r.error} for r in reports if r.status == "failed"],
        "warnings": [{"source": r.source, "warning": w} for r in reports for w in r.warnings],
        "deferred": [{"source": r.source, "error": r.error} for r in reports if r.status == "deferred"],
    }


def render_poll_report(summary: dict) -> str:
    lines = [
        "| source | status | fetched | new docs | changed | items | papers | code links | metrics |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summary["sources"]:
        lines.append(f"| {s['source']} | {s['status']} | {s['fetched']} | {s['new_documents']} | "
                     f"{s['changed_documents']} | {s['items']} | {s['papers']} | {s['code_links']} | {s['metrics']} |")
    totals = ", ".join(f"{k}: {v}" for k, v in summary["totals"].items())
    lines += ["", f"Rows added: {totals}"]
    lines += [f"- **failed** `{f['source']}`: {f['error']}" for f in summary["failures"]]
    lines += [f"- **deferred** `{d['source']}`: {d['error']}" for d in summary.get("deferred", [])]
    lines += [f"- **warning** `{w['source']}`: {w['warning']}" for w in summary.get("warnings", [])]
    return "\n".join(lines)


@dataclass(frozen=True)
class QueryReport:
    query: str
    status: str  # "ok" | "failed"
    fetched: int = 0
    new_papers: int = 0
    updated_papers: int = 0
    code_links: int = 0
    metrics: int = 0
    error: str | None = None


def render_requests(summary: dict) -> str:
    """"5 requests to URL, all failed; last error: ..." (attempts and retries count as requests)."""
    sent, failed = summary["requests"], summary["failed_requests"]
    outcome = "all failed" if sent and failed == sent else f"{failed} failed"
    last = f"; last error: {summary['last_error']}" if summary.get("last_error") else ""
    return f"{sent} request{'' if sent == 1 else 's'} to {summary['api_url']}, {outcome}{last}"


def render_arxiv_poll_report(summary: dict) -> str:
    if summary["status"] == NOT_CONFIGURED:
        lines = [summary["message"] + "."]
    else:
        lines = [("**Failed**: no query could be polled. " if summary["status"] == "failed" else "")
                 + f"arXiv: {render_requests(summary)}.", "",
                 "| query | status | fetched | new papers | updated | code links | metrics |",
                 "|---|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {q['query']} | {q['status']} | {q['fetched']} | {q['new_papers']} | {q['updated_papers']} | "
                  f"{q['code_links']} | {q['metrics']} |" for q in summary["queries"]]
    lines += [f"- **failed** `{f['query']}`: {f['error']}" for f in summary["failures"]]
    lines += [f"- **warning** {w['message']}" for w in summary["warnings"]]
    return "\n".join(lines)


def render_enrich_report(summary: dict) -> str:
    if summary["status"] == NOT_CONFIGURED:
        return summary["message"] + "."
    if not summary["to_look_up"]:
        return "Nothing to look up: every paper the newsletters named has its arXiv metadata (or is resting)."
    head = "**Failed**: no paper could be looked up. " if summary["status"] == "failed" else ""
    lines = [f"{head}{summary['to_look_up']} papers to look up; arXiv: {render_requests(summary)}.", ""]
    lines += [f"- {k}: {summary[k]}" for k in ("asked", "found", "unknown", "code_links", "metrics")]
    lines += [f"- **failed**: {f}" for f in summary["failures"]]
    return "\n".join(lines)


@dataclass(frozen=True)
class DayResult:
    query: str
    day: date
    entries: int
    new_papers: int
    skipped: bool = False  # checkpointed by an earlier run


def render_backfill_report(summary: dict) -> str:
    lines = [f"Backfill {summary['from']} to {summary['to']} ({summary['ingest_mode']})", "",
             "| query | day | entries | new papers | |", "|---|---|---:|---:|---|"]
    lines += [f"| {d['query']} | {d['day']} | {d['entries']} | {d['new_papers']} | "
              f"{'already done' if d['skipped'] else ''} |" for d in summary["arxiv"]]
    lines.append(f"\nNewsletter documents re-extracted: {summary['reextracted_documents']}")
    if summary["archive"]:
        lines.append(f"Archive: {summary['archive']}")
    lines += [f"- **failed**: {f}" for f in summary["failures"]]
    return "\n".join(lines)


@dataclass
class ChannelResult:
    """One channel's share of a delivery run."""

    channel: str
    messages: int = 0  # sent (or, in a dry run, that would be sent)
    alerts: int = 0
    recovered: int = 0  # found already posted after a crash, not sent again
    possible_duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    previews: list = field(default_factory=list)  # in a dry run: the alerts.compose.Outgoing messages
    due: list = field(default_factory=list)  # in a dry run: the records.messages.Alert they stand for


@dataclass
class DeliveryReport:
    new_rows: int
    suppressed: int
    results: list[ChannelResult]
    ops_error: str | None = None

    @property
    def failed(self) -> bool:
        return any(r.errors for r in self.results)

    def summary(self) -> dict:
        return {"new_rows": self.new_rows, "suppressed": self.suppressed,
                "channels": {r.channel: {"messages": r.messages, "alerts": r.alerts, "recovered": r.recovered}
                             for r in self.results}}


def render_delivery_report(report: DeliveryReport) -> str:
    lines = [f"{report.new_rows} new matches, {report.suppressed} suppressed (backfill or first poll).", "",
             "| channel | messages | alerts | recovered | possible duplicates | errors |",
             "|---|---:|---:|---:|---:|---|"]
    for r in report.results:
        errors = "<br>".join(e.replace("|", "/") for e in r.errors)
        lines.append(f"| {r.channel} | {r.messages} | {r.alerts} | {r.recovered} | {r.possible_duplicates} "
                     f"| {errors} |")
    return "\n".join(lines)
