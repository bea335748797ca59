"""A batch's records as Arrow tables, column by column: what storage/batch.py stages and writes.

Pure (no database): documents become the staged `documents` rows (with the content hash that tells a
changed document from an unchanged one), their items the `items`, `mentions`, `code_links` and
`metrics` rows. Every staged row carries `part`, the index of the batch part (one source's share) it
came from, so the write can attribute what it inserted to each part without counting tables. Built
as columns (`pa.Table.from_pydict`), not as one dict per row: on a 30k-row batch that is several
times faster, and the staging is on every poll's path.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from records.documents import EXTRACTOR_VERSION, Document, Extraction, Item

TS = pa.timestamp("us", tz="UTC")
PART = ("part", pa.int32())
DOC_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("url", pa.string()), ("title", pa.string()),
    ("author", pa.string()), ("published_at", TS), ("body", pa.string()), ("body_type", pa.string()),
    ("content_hash", pa.string()), ("fetched_at", TS), ("ingest_mode", pa.string()), PART,
])
ITEM_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()), ("title", pa.string()),
    ("text", pa.string()), ("links", pa.list_(pa.string())),
])
MENTION_SCHEMA = pa.schema([
    ("arxiv_id", pa.string()), ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()),
    ("role", pa.string()), ("version", pa.int32()), ("url", pa.string()), ("title", pa.string()),
    ("seen_at", TS), PART,
])
CODE_SCHEMA = pa.schema([
    ("repo_url", pa.string()), ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()),
    ("arxiv_id", pa.string()), ("host", pa.string()), ("path", pa.string()),
])
METRIC_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()), ("ordinal", pa.int32()),
    ("arxiv_id", pa.string()), ("name", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
    ("kind", pa.string()), ("qualifier", pa.string()), ("direction", pa.string()), ("subject", pa.string()),
    ("snippet", pa.string()), ("extractor_version", pa.string()),
])
#: The tables whose rows belong to one document and are replaced with it.
ROW_TABLES = ("items", "mentions", "code_links", "metrics")


def content_hash(doc: Document) -> str:
    h = hashlib.sha256()
    for part in (doc.title, doc.url or "", doc.body_type, doc.body):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def documents_table(part: int, docs: Sequence[Document], fetched_at: datetime, ingest_mode: str) -> pa.Table:
    """One part's documents as staged `documents` rows (with `fetched_at`, `ingest_mode` and `part`)."""
    n = len(docs)
    return pa.Table.from_pydict({
        "source": [d.source for d in docs], "doc_key": [d.key for d in docs], "url": [d.url for d in docs],
        "title": [d.title for d in docs], "author": [d.author for d in docs],
        "published_at": [d.published for d in docs], "body": [d.body for d in docs],
        "body_type": [d.body_type for d in docs], "content_hash": [content_hash(d) for d in docs],
        "fetched_at": [fetched_at] * n, "ingest_mode": [ingest_mode] * n, "part": [part] * n,
    }, schema=DOC_SCHEMA)


@dataclass
class Rows:
    """The row tables of some documents, and how many rows of each table each part staged."""

    tables: dict[str, pa.Table]
    per_part: dict[str, Counter] = field(default_factory=dict)


def row_tables(part: int, extractions: Sequence[Extraction], fetched_at: datetime) -> Rows:
    """One part's items, mentions, code links and metrics as staged rows.

    An item position given twice keeps its last item; in an item, a paper named twice keeps its first
    reference and a repository its first link; a mention's `seen_at` is its document's date (else the
    fetch time), its `title` the item's title when the paper is the item's primary one.
    """
    items, mentions, code, metrics = [], [], [], []
    for e in extractions:
        source, key = e.document.source, e.document.key
        seen_at = e.document.published or fetched_at
        for item in _unique_positions(e.items):
            position, primary = item.position, _primary(item)
            items.append((source, key, position, item.title, item.text, list(item.links)))
            mentions += [(ref.arxiv_id, source, key, position, ref.role, ref.version, ref.url,
                          item.title if ref.role == "primary" else None, seen_at, part)
                         for ref in {p.arxiv_id: p for p in reversed(item.papers)}.values()]
            code += [(c.url, source, key, position, primary, c.host, c.path)
                     for c in {c.url: c for c in reversed(item.code)}.values()]
            metrics += [(source, key, position, n, primary, m.name, float(m.value), m.unit, m.kind, m.qualifier,
                         m.direction, m.subject, m.text, EXTRACTOR_VERSION) for n, m in enumerate(item.metrics)]
    tables = {"items": _table(items, ITEM_SCHEMA), "mentions": _table(mentions, MENTION_SCHEMA),
              "code_links": _table(code, CODE_SCHEMA), "metrics": _table(metrics, METRIC_SCHEMA)}
    return Rows(tables, {t: Counter({part: table.num_rows}) for t, table in tables.items()})


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                                schema=schema)


def concat(parts: Sequence[Rows]) -> Rows:
    """Several parts' rows as one set of tables."""
    tables = {t: pa.concat_tables([p.tables[t] for p in parts]) for t in ROW_TABLES}
    per_part = {t: sum((p.per_part[t] for p in parts), Counter()) for t in ROW_TABLES}
    return Rows(tables, per_part)


def _unique_positions(items: Sequence[Item]) -> list[Item]:
    return list({i.position: i for i in items}.values())


def _primary(item: Item) -> str | None:
    primary = [p.arxiv_id for p in item.papers if p.role == "primary"]
    return primary[0] if primary else (item.papers[0].arxiv_id if item.papers else None)
