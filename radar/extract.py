"""`radar extract`: read one target, run the extractors, and shape the result as the JSON contract.

The contract (what ../shared/corpus/score.py reads) is:
{"documents": [{"title", "url", "items": [{"title", "papers", "code", "metrics": [{name, value, unit,
text, ...}]}]}]}; extra keys are allowed and carry the rest of each record.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from flows.pipeline.extract import extract_target as extract
from records.documents import Document, Item

log = logging.getLogger("paper_radar.extract")


def extract_target(target: str) -> dict:
    """Fetch or read `target` (URL, file or folder) and return the contract dict."""
    extracted = extract(target, log)
    return {"documents": [render_document(e.document, list(e.items)) for e in extracted.extractions]}


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
