"""What is known about a paper when alerts are planned: `PaperFacts` with its newsletter mentions
(`MentionFact`) and metrics (`MetricFact`). Loaded by storage/ledger.py, matched and summarised by
alerts/. Frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MentionFact:
    """One newsletter item that named the paper."""

    source: str
    role: str
    item_title: str | None
    item_text: str | None
    doc_title: str | None
    doc_url: str | None
    link: str | None
    seen_at: datetime | None
    ingest_mode: str | None



@dataclass(frozen=True)
class MetricFact:
    name: str | None
    value: float
    unit: str
    kind: str | None
    qualifier: str | None
    source: str
    seen_at: datetime | None = None  # its newsletter's date (published, else first fetched); None from arXiv
    ordinal: int = 0  # its place among its item's metrics
    direction: str | None = None  # "increase" | "reduction", where the text says
    snippet: str | None = None  # the sentence it came from



@dataclass(frozen=True)
class PaperFacts:
    """Everything the rules and the summary may use; arXiv fields are None/empty until enriched."""

    arxiv_id: str
    title: str | None
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    pdf_url: str | None = None
    latest_version: int | None = None
    arxiv_ingest_mode: str | None = None
    mentions: tuple[MentionFact, ...] = ()
    code_urls: tuple[str, ...] = ()
    metrics: tuple[MetricFact, ...] = ()

    @property
    def n_sources(self) -> int:
        return len({m.source for m in self.mentions})

    @property
    def primary_mentions(self) -> tuple[MentionFact, ...]:
        """Items about this paper; a passing mention's item is about another paper."""
        return tuple(m for m in self.mentions if m.role == "primary")

    @property
    def blurb(self) -> str:
        """The text of the items about it, oldest first, as newsletters wrote it."""
        return "\n".join(m.item_text for m in self.primary_mentions if m.item_text)

    @property
    def display_title(self) -> str:
        return self.title or next((m.item_title for m in self.primary_mentions if m.item_title), None) or self.arxiv_id

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"

