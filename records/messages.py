"""A paper as a message shows it (`Summary`, `Link`) and one thing to deliver on one channel
(`Alert`). Built by alerts/, rendered by alerts/render_*.py. Frozen."""

from __future__ import annotations

from dataclasses import dataclass

from records.ledger import LedgerRow


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
    newsletters: tuple[Link, ...]  # every newsletter issue that mentioned it (url "" when it has none)
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()



@dataclass(frozen=True)
class Alert:
    """One paper (or source-health notice) to deliver on one channel."""

    row: LedgerRow
    summary: Summary | None = None  # None for source-health notices
    notice: str | None = None  # the text of a source-health notice
    resend: bool = False  # a crash left it 'sending': this may be a duplicate
    #: Sorts most important first: its first rule's place in the config, then more newsletters, has
    #: code, has results (alerts/compose.py `importance`).
    importance: tuple = ()
