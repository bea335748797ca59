"""The newsletter record types, one per stage: `Document`, then `Item`s carrying `PaperRef`, `CodeLink`
and `Metric` records.

sources/ produce `Fetched` (bytes from the network or disk); extractors/ turn those into `Document`s
(`parse_*`) and each document into `Item`s (`extract_*`); storage/ saves them. All are frozen: a stage
never edits what an earlier stage made. `EXTRACTOR_VERSION` is stamped on every row storage/ saves
from them: the extractors' maintainers bump it here whenever extraction output changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Bumped whenever extraction output changes, so stored rows say which extractor made them.
EXTRACTOR_VERSION = "15"


@dataclass(frozen=True)
class Document:
    """One newsletter post: a feed entry, a web page or an email.

    `key` is its natural key (feed GUID, else link; canonical page URL; email Message-ID), unique
    within its source. `body` is the raw HTML (or plain text when `body_type == "text"`) kept in the
    database so that extraction can be re-run after an extractor fix.
    """

    source: str
    key: str
    url: str | None
    title: str
    body: str
    body_type: str = "html"  # "html" | "text"
    published: datetime | None = None
    author: str | None = None


@dataclass(frozen=True)
class PaperRef:
    """An arXiv paper named in an item. `arxiv_id` carries no version and no prefix."""

    arxiv_id: str
    version: int | None = None
    url: str | None = None  # the link as cleaned (no tracking parameters), None for plain-text mentions
    role: str = "primary"  # "primary": the section is about it; "mention": named in passing


@dataclass(frozen=True)
class CodeLink:
    """A code repository, normalised to the repo (`https://github.com/owner/repo`)."""

    url: str
    host: str
    path: str | None = None  # what followed the repo, e.g. "tree/main/sub", kept as an attribute


@dataclass(frozen=True)
class Metric:
    """A number the text reports. `value` is normalised (1.7B -> 1.7e9; percentages stay 0-100)."""

    value: float
    unit: str  # "%", "pp", "x", "params", "tokens", "count", ... or the unit as written ("GB", "Elo")
    name: str | None = None  # benchmark or what is measured
    text: str = ""  # the source snippet
    kind: str | None = None  # "score" | "relative" | "size" | "count"
    qualifier: str | None = None  # "approximate" | "at least" | "up to" | "range-low" | "range-high"
    direction: str | None = None  # "increase" | "reduction", where the text says so
    subject: str | None = None  # the model or system the number is about, where stated


@dataclass(frozen=True)
class Item:
    """One paper-bearing section of a document: its heading, blurb text and links."""

    document_key: str
    position: int
    title: str
    text: str
    links: tuple[str, ...] = ()
    papers: tuple[PaperRef, ...] = ()
    code: tuple[CodeLink, ...] = ()
    metrics: tuple[Metric, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """A document and the items extracted from it: the unit that is saved (and spooled) together."""

    document: Document
    items: tuple[Item, ...]
