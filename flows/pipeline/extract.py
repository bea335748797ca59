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
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import SourceConfig
from extractors import extract_items, parse_document_bytes, parse_email, parse_feed, parse_page
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


def parse_fetched(source: SourceConfig, fetched: Fetched) -> list[Document]:
    """A configured source's documents: its kind decides the parser (an HTML error page served as a feed
    is a bad feed, not a page)."""
    if source.kind == "feed":
        return parse_feed(fetched.content, fetched.url, fetched.parser_headers, source=source.name)
    if source.kind == "page":
        return [parse_page(fetched.content, fetched.url, source=source.name)]
    return [parse_email(fetched.content, fetched.url, source=source.name)]


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
