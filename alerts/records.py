"""Record types for alerting: what is known about a paper (`PaperFacts`, loaded by storage/alerts.py),
its summary (`Summary`), one ledger row (`LedgerRow`) and one thing to deliver (`Alert`). Frozen."""

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


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Summary:
    """A paper as a message shows it. Every string is raw text from feeds: renderers escape it."""

    arxiv_id: str
    title: str
    tldr: str
    metrics: tuple[str, ...]
    links: tuple[Link, ...]  # paper, PDF, code
    newsletters: tuple[Link, ...]  # every newsletter issue that mentioned it
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class LedgerRow:
    """One row of the `alerts` table: one paper (or source-health event) on one channel."""

    channel: str
    alert_key: str
    kind: str  # "paper" | "source"
    arxiv_id: str | None
    rules: tuple[str, ...]
    mode: str  # "instant" | "digest"
    status: str  # "pending" | "sending" | "sent" | "failed" | "suppressed"
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None
    possible_duplicate: bool = False
    created_at: datetime | None = None
    sending_at: datetime | None = None


@dataclass(frozen=True)
class Alert:
    """One paper (or source-health notice) to deliver on one channel."""

    row: LedgerRow
    summary: Summary | None = None  # None for source-health notices
    notice: str | None = None  # the text of a source-health notice
    resend: bool = False  # a crash left it 'sending': this may be a duplicate
