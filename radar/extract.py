"""`radar extract`: read one target, run the extractors, and shape the result as the JSON contract.

The contract (what ../shared/corpus/score.py reads) is:
{"documents": [{"title", "url", "items": [{"title", "papers", "code", "metrics": [{name, value, unit,
text, ...}]}]}]}; extra keys are allowed and carry the rest of each record.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from extractors import extract_items, parse_document_bytes
from records.documents import Document, Item
from sources.http import Fetched, fetch_url, make_client
from sources.local import read_path


def extract_target(target: str) -> dict:
    """Fetch or read `target` (URL, file or folder) and return the contract dict."""
    documents: list[dict] = []
    for fetched in _read(target):
        for doc in parse_document_bytes(
            fetched.content, fetched.url, content_type=fetched.content_type, source="cli"
        ):
            documents.append(render_document(doc, extract_items(doc)))
    return {"documents": documents}


def _read(target: str) -> list[Fetched]:
    if target.startswith(("http://", "https://")):
        with make_client() as client:
            return [fetch_url(client, target, source="cli")]
    return read_path(Path(target), source="cli")


def render_document(doc: Document, items: list[Item]) -> dict:
    return {
        "title": doc.title,
        "url": doc.url,
        "key": doc.key,
        "published": doc.published.isoformat() if doc.published else None,
        "items": [render_item(i) for i in items],
    }


def render_item(item: Item) -> dict:
    return {
        "title": item.title,
        "papers": [p.arxiv_id for p in item.papers],
        "code": [c.url for c in item.code],
        "metrics": [asdict(m) for m in item.metrics],
        "paper_refs": [asdict(p) for p in item.papers],
        "code_links": [asdict(c) for c in item.code],
        "links": list(item.links),
    }
