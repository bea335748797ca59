"""The one extract step: documents in, `Extraction`s out, with one error policy.

Every path that extracts newsletter documents goes through `extract_documents`: a poll's fetched
entries, `radar reextract`, a backfill's stored documents and archives, `radar extract`. A document
the extractors fail on is kept without items and logged, and the other documents go on: its raw
body is stored all the same, so `radar reextract` can redo it after a fix. Runs outside any database
connection: extraction takes CPU time, and the writer's lock is for writing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from config.settings import SourceConfig
from extractors import extract_items, parse_document_bytes, parse_email_messages, parse_feed_entries, parse_page
from records.documents import Document, Extraction
from sources.http import Fetched, fetch_url, make_client
from sources.local import read_path

Logger = logging.Logger | logging.LoggerAdapter


@dataclass(frozen=True)
class Extracted:
    """Every document with its items; `failed` names those kept without items, with the reason."""

    extractions: list[Extraction]
    failed: list[str] = field(default_factory=list)


def extract_documents(documents: Iterable[Document], log: Logger) -> Extracted:
    """Each document's items; a document whose extraction raises is kept with no items (see the module)."""
    extractions, failed = [], []
    for doc in documents:
        try:
            extractions.append(Extraction(doc, tuple(extract_items(doc))))
        except Exception as e:  # one document's bug must not cost the batch its other documents
            reason = f"{doc.source}/{doc.key}: {type(e).__name__}: {e}"
            log.warning("extraction failed, document kept without items: %s", reason)
            failed.append(reason)
            extractions.append(Extraction(doc, ()))
    return Extracted(extractions, failed)


@dataclass(frozen=True)
class Parsed:
    """A source's documents, and what was left out of them or changed (each line names the file or entry)."""

    documents: list[Document]
    problems: list[str] = field(default_factory=list)


def parse_fetched(source: SourceConfig, fetched: Fetched) -> Parsed:
    """A configured source's documents: its kind decides the parser (an HTML error page served as a feed
    is a bad feed, not a page). Entries a truncated feed broke off inside are left out, and said so."""
    if source.kind == "feed":
        entries = parse_feed_entries(fetched.content, fetched.url, fetched.parser_headers, source=source.name)
        return Parsed(entries.documents, entries.skipped)
    if source.kind == "page":
        return Parsed([parse_page(fetched.content, fetched.url, source=source.name)])
    return Parsed(parse_email_messages(fetched.content, fetched.url, source=source.name))


#: Publication dates outside [EARLIEST_DATE, now + FUTURE_SLACK] are a feed's mistake (a placeholder year
#: 2100, 9999, the Unix epoch): stored as unknown, so they neither sort first nor hide a paper from "recent".
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def plausible_dates(documents: list[Document], now: datetime) -> Parsed:
    """The documents with implausible publication dates set to None, one line per date dropped."""
    kept, problems = [], []
    for doc in documents:
        if doc.published is not None and not EARLIEST_DATE <= doc.published <= now + FUTURE_SLACK:
            problems.append(f"entry {doc.title!r} ({doc.key}): date {doc.published:%Y-%m-%d %H:%M} is before 1990 "
                            "or more than a day ahead: stored without a date")
            doc = replace(doc, published=None)
        kept.append(doc)
    return Parsed(kept, problems)


def local_name(fetched: Fetched) -> str:
    """A fetched file's path (a URL as it is): how messages name it."""
    parts = urlsplit(fetched.url)
    return unquote(parts.path) if parts.scheme == "file" else fetched.url


def parse_any(fetched: Iterable[Fetched], source: str) -> list[Document]:
    """Documents of files or pages whose kind is not configured (archives, `radar extract`): sniffed."""
    return [d for f in fetched for d in parse_document_bytes(f.content, f.url, f.content_type, source=source)]


def extract_target(target: str, log: Logger) -> Extracted:
    """`radar extract`: a URL, file or folder, read, parsed (kind sniffed) and extracted; no database."""
    if target.startswith(("http://", "https://")):
        with make_client() as client:
            fetched = [fetch_url(client, target, source="cli")]
    else:
        fetched = read_path(Path(target), source="cli")
    return extract_documents(parse_any(fetched, "cli"), log)
