"""An arXiv entry as a record: the paper's metadata (`ArxivPaper`) and the code links and metrics its
abstract and comments give (`ArxivEntry`). Built by extractors/arxiv_entries.py, saved by
storage/arxiv.py. Frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from records.documents import CodeLink, Metric


@dataclass(frozen=True)
class ArxivPaper:
    """One arXiv entry's metadata (its latest version), keyed by the version-less id."""

    arxiv_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    primary_category: str
    categories: tuple[str, ...]  # primary first
    published: datetime
    updated: datetime
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    pdf_url: str | None = None


@dataclass(frozen=True)
class ArxivEntry:
    """A paper as arXiv lists it, with the code links and metrics its abstract and comments give."""

    paper: ArxivPaper
    code: tuple[CodeLink, ...] = ()
    metrics: tuple[Metric, ...] = ()
