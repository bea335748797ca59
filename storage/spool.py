"""The spool: batches that were fetched and extracted but could not be written, kept for the next run.

Nothing fetched is lost when the writer cannot get the database (another process holds the lock
past `lock_wait_seconds`): the flow hands the source's batch to `spool_batch`, which writes it as
one JSON file, atomically (temporary file, fsync, rename). The next run calls `save_spooled` before
it loads the sources' fetch state: each batch is saved with its own fetch time and validators, then
its file removed, oldest first. Saving is idempotent, so a crash between the save and the removal
only means the batch is saved again, changing nothing.

A file that cannot be read back (edited by hand, or from an incompatible version) is left in place
and logged on every run rather than deleted: it still holds fetched data.

Layout: `radar.spool/` beside `radar.duckdb`, one `<spool time>-<source>-<random>.json` per batch.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from config.faults import fault_point
from records.documents import CodeLink, Document, Extraction, Item, Metric, PaperRef
from storage.batch import Part, SaveResult, save_batch
from storage.db import StorageError
from storage.source_state import SourceAttempt

log = logging.getLogger(__name__)

SPOOL_FORMAT = 1


@dataclass(frozen=True)
class FetchState:
    """What the source's fetch state will be once the batch is written (see save_source_attempts).

    `complete` is False for a part of a source's documents that more parts follow (a large archive,
    written in batches): its validators are recorded only with the last part, so that a run stopped
    between parts fetches the source again rather than taking it as unchanged.
    """

    kind: str
    location: str
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    ingest_mode: str = "poll"  # storage.schema.INGEST_MODES: how the batch's new documents came in
    warning: str | None = None  # what the source's good batch left out (a bad file, a cut-off entry)
    unchanged: bool = False  # nothing new (304, or an untouched folder): the last success's warning still holds
    complete: bool = True

    def part(self, source: str, extractions: Sequence[Extraction]) -> Part:
        """The batch part that writes `extractions` and, when complete, records this state on `source`."""
        attempt = (SourceAttempt(source, self.kind, self.location, self.fetched_at, etag=self.etag,
                                 last_modified=self.last_modified, warning=self.warning, unchanged=self.unchanged)
                   if self.complete else None)
        return Part(extractions, self.fetched_at, self.ingest_mode, attempt)


@dataclass(frozen=True)
class SpooledBatch:
    """One spooled source batch, as read back from `path`."""

    path: Path
    source: str
    fetch_state: FetchState
    extractions: tuple[Extraction, ...]


def spool_dir_for(db_path: Path) -> Path:
    """The default spool folder: `radar.spool/` beside `radar.duckdb`."""
    return Path(db_path).with_suffix(".spool")


def spool_batch(
    spool_dir: Path, source: str, extractions: Sequence[Extraction], fetch_state: FetchState
) -> Path:
    """Write one source's batch to the spool atomically; return the file."""
    spool_dir = Path(spool_dir)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", source)[:80]
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{safe}-{uuid.uuid4().hex[:8]}.json"
    text = json.dumps(_encode(source, extractions, fetch_state))  # ASCII: lone surrogates survive
    temporary = spool_dir / f".{name}.tmp"
    try:
        spool_dir.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, spool_dir / name)
        _fsync_dir(spool_dir)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise StorageError(f"{spool_dir}: cannot spool the batch of source {source!r}: {e}") from None
    return spool_dir / name


def load_spooled(spool_dir: Path) -> list[SpooledBatch]:
    """Every readable spooled batch, oldest first; unreadable files are logged and left alone."""
    spool_dir = Path(spool_dir)
    if not spool_dir.is_dir():
        return []
    batches = []
    for path in sorted(p for p in spool_dir.glob("*.json") if not p.name.startswith(".")):
        try:
            batches.append(_decode(path, json.loads(path.read_text(encoding="ascii"))))
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.warning("spooled batch %s cannot be read back and is kept for inspection: %s", path, e)
    return batches


def remove_spooled(batch: SpooledBatch) -> None:
    """Delete a batch's file once it has been written to the database."""
    batch.path.unlink(missing_ok=True)
    _fsync_dir(batch.path.parent)


def save_source_batch(
    conn: duckdb.DuckDBPyConnection, source: str, extractions: Sequence[Extraction], state: FetchState
) -> SaveResult:
    """Write one source's batch and its fetch state in one transaction (a failure is recorded on the source).

    Together, because the state says what the documents brought: written after them on its own, a
    crash in between left a source whose new documents were saved but whose `last_new_document_at`
    was not, so the rerun (finding them unchanged) marked the source stale (`source_health`).
    """
    [result] = save_batch(conn, [state.part(source, extractions)])
    return result


def save_spooled(conn: duckdb.DuckDBPyConnection, spool_dir: Path) -> list[tuple[SpooledBatch, SaveResult]]:
    """Write every spooled batch (documents and the source's fetch state) and remove its file; a batch that
    cannot be written is kept (and its error recorded on its source)."""
    saved = []
    for batch in load_spooled(spool_dir):
        result = save_source_batch(conn, batch.source, batch.extractions, batch.fetch_state)
        if result.error is not None:
            log.warning("spooled batch %s could not be written and is kept for the next run: %s", batch.path,
                        result.error)
            continue
        fault_point("spool.before_remove")
        remove_spooled(batch)
        saved.append((batch, result))
    return saved


def _encode(source: str, extractions: Sequence[Extraction], state: FetchState) -> dict[str, Any]:
    return {
        "format": SPOOL_FORMAT,
        "source": source,
        "fetch_state": {**asdict(state), "fetched_at": state.fetched_at.isoformat()},
        "extractions": [
            {"document": {**asdict(e.document), "published": _iso(e.document.published)},
             "items": [asdict(item) for item in e.items]}
            for e in extractions
        ],
    }


def _decode(path: Path, data: dict[str, Any]) -> SpooledBatch:
    if data.get("format") != SPOOL_FORMAT:
        raise ValueError(f"unknown spool format {data.get('format')!r}")
    state = data["fetch_state"]
    extractions = tuple(
        Extraction(Document(**{**e["document"], "published": _datetime(e["document"]["published"])}),
                   tuple(_item(i) for i in e["items"]))
        for e in data["extractions"]
    )
    fetch_state = FetchState(**{**state, "fetched_at": datetime.fromisoformat(state["fetched_at"])})
    return SpooledBatch(path, data["source"], fetch_state, extractions)


def _item(data: dict[str, Any]) -> Item:
    return Item(
        **{**data, "links": tuple(data["links"]),
           "papers": tuple(PaperRef(**p) for p in data["papers"]),
           "code": tuple(CodeLink(**c) for c in data["code"]),
           "metrics": tuple(Metric(**m) for m in data["metrics"])},
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _fsync_dir(folder: Path) -> None:
    # The rename (or unlink) is durable only once the folder itself is synced.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
