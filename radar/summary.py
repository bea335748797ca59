"""Run summaries: what a poll did per source, as data (for the CLI and tests) and as markdown
(for the Prefect artifact). Pure."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from storage.newsletters import SaveResult

ROW_TABLES = ("documents", "items", "papers", "mentions", "code_links", "metrics")


@dataclass(frozen=True)
class SourceReport:
    source: str
    status: str  # "ok" | "unchanged" | "failed"
    fetched: int = 0  # documents parsed from what was fetched
    new_documents: int = 0
    changed_documents: int = 0
    items: int = 0
    papers: int = 0
    mentions: int = 0
    code_links: int = 0
    metrics: int = 0
    error: str | None = None

    @classmethod
    def from_save(cls, source: str, status: str, fetched: int, result: SaveResult) -> SourceReport:
        ins = result.inserted
        return cls(source, status, fetched, result.new_documents, result.changed_documents, ins["items"],
                   ins["papers"], ins["mentions"], ins["code_links"], ins["metrics"])

    @classmethod
    def failed(cls, source: str, error: str) -> SourceReport:
        return cls(source, "failed", error=error)


def summarise(reports: list[SourceReport], database: Path) -> dict:
    totals = {"documents": sum(r.new_documents for r in reports)}
    for key in ("items", "papers", "mentions", "code_links", "metrics"):
        totals[key] = sum(getattr(r, key) for r in reports)
    return {
        "database": str(database),
        "sources": [asdict(r) for r in reports],
        "totals": totals,
        "failures": [{"source": r.source, "error": r.error} for r in reports if r.status == "failed"],
    }


def render_markdown(summary: dict) -> str:
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
    return "\n".join(lines)
