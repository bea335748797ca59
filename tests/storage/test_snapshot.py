"""The read snapshot: complete whenever a reader looks, and its views.sql answers like the live views; on
both backends (a lake's snapshot gets the released macros, which the lake itself cannot store)."""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import storage.snapshot
from records.documents import Document, Extraction, Item, PaperRef
from storage.db import StorageError, open_db
from storage.newsletters import save_extractions
from storage.snapshot import CURRENT, PREFIX, publish_snapshot, snapshot_dir_for
from storage.views import MACROS_SQL, VIEWS
from tests.storage.sample import NOW, make_sample_db

# now() moves between the live query and the snapshot's: compare these without the hour counts.
VOLATILE = {"source_health": "EXCLUDE (hours_since_success, hours_since_new_document)"}


def read_views_sql(snapshot_dir: Path) -> duckdb.DuckDBPyConnection:
    reader = duckdb.connect()
    reader.execute((snapshot_dir / CURRENT / "views.sql").read_text())
    return reader


def view_rows(conn, view: str) -> list:
    return sorted(map(repr, conn.execute(f"SELECT * {VOLATILE.get(view, '')} FROM {view}").fetchall()))


def one_more_paper(n: int) -> Extraction:
    doc = Document(source="extra", key=f"e{n}", url=None, title=f"Extra {n}", body=f"<p>{n}</p>",
                   published=NOW - timedelta(hours=n))
    return Extraction(doc, (Item(f"e{n}", 0, f"Paper {n}", "text", papers=(PaperRef(f"2501.{n:05d}"),)),))


def test_views_sql_matches_the_live_views(backend, tmp_path):
    db = tmp_path / "radar.duckdb"
    store = make_sample_db(backend.store(db))
    with open_db(store) as conn:
        published = publish_snapshot(conn, store, snapshot_dir_for(db))
        if backend.lake:
            conn.execute(MACROS_SQL)
        live = {v: view_rows(conn, v) for v in VIEWS}
        trending_30 = conn.execute("SELECT * FROM trending_since(30)").fetchall()
    assert published.name.startswith(PREFIX) and (snapshot_dir_for(db) / CURRENT).resolve() == published
    reader = read_views_sql(snapshot_dir_for(db))
    for view in VIEWS:
        assert view_rows(reader, view) == live[view], view
    assert reader.execute("SELECT * FROM trending_since(30)").fetchall() == trending_30
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["tables"]["papers"] == 4 and manifest["schema_version"] >= 2


def test_readers_never_see_a_partial_snapshot(backend, tmp_path):
    db = tmp_path / "radar.duckdb"
    store = make_sample_db(backend.store(db))
    snapshots = snapshot_dir_for(db)
    with open_db(store) as conn:
        publish_snapshot(conn, store, snapshots)
    problems: list[str] = []
    seen: set[str] = set()
    stop = threading.Event()
    reader = threading.Thread(target=_read_until, args=(snapshots, stop, problems, seen))
    reader.start()
    try:
        with open_db(store) as conn:
            for n in range(1, 6):  # five publishes under the reader
                save_extractions(conn, [one_more_paper(n)], fetched_at=datetime.now(UTC))
                publish_snapshot(conn, store, snapshots)
    finally:
        stop.set()
        reader.join(timeout=30)
    assert problems == []
    assert len(seen) >= 2  # the reader did see the snapshot change under it
    assert not [p for p in snapshots.iterdir() if p.name.startswith(".")]  # no staging folder or link left
    assert read_views_sql(snapshots).execute("SELECT count(*) FROM papers_overview").fetchone()[0] == 4 + 5


def _read_until(snapshots: Path, stop: threading.Event, problems: list[str], seen: set[str]) -> None:
    """Resolve `current` once, then check that generation is whole: the manifest's tables, all readable.

    Meanwhile a DuckDB session that ran views.sql once keeps querying its generation, and another
    re-reads views.sql every time, as a dashboard refreshing itself would.
    """
    pinned, refreshing = read_views_sql(snapshots), duckdb.connect()
    while not stop.is_set():
        try:
            pinned.execute("SELECT count(*) FROM papers_overview").fetchone()
            refreshing.execute((snapshots / CURRENT / "views.sql").read_text())
            refreshing.execute("SELECT count(*) FROM papers_overview").fetchone()
            generation = Path(os.path.realpath(snapshots / CURRENT))
            manifest = json.loads((generation / "manifest.json").read_text())
            for table, rows in manifest["tables"].items():
                if pq.read_table(generation / f"{table}.parquet").num_rows != rows:
                    problems.append(f"{generation.name}/{table}: row count differs from the manifest")
            seen.add(generation.name)
        except Exception as e:  # any error is a reader seeing a half-made snapshot
            problems.append(f"{type(e).__name__}: {e}")


def test_replaced_generations_are_kept_for_a_while_then_pruned(tmp_path):
    db = make_sample_db(tmp_path / "radar.duckdb")
    snapshots = snapshot_dir_for(db)
    with open_db(db) as conn:
        for _ in range(3):
            publish_snapshot(conn, db, snapshots)
        assert len(list(snapshots.glob(f"{PREFIX}*"))) == 3  # replaced less than 24 hours ago
        newest = publish_snapshot(conn, db, snapshots, retain_hours=0)
    kept = sorted(p.name for p in snapshots.glob(f"{PREFIX}*"))
    assert len(kept) == 2 and kept[-1] == newest.name  # the previous one always stays
    assert (snapshots / CURRENT).resolve() == newest


def test_a_failed_publish_leaves_the_current_snapshot_alone(tmp_path, monkeypatch):
    db = make_sample_db(tmp_path / "radar.duckdb")
    snapshots = snapshot_dir_for(db)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with open_db(db) as conn:
        first = publish_snapshot(conn, db, snapshots)
        monkeypatch.setattr(storage.snapshot, "_write_manifest", disk_full)  # after the Parquet files
        with pytest.raises(StorageError, match="No space left"):
            publish_snapshot(conn, db, snapshots)
    assert (snapshots / CURRENT).resolve() == first
    assert sorted(p.name for p in snapshots.iterdir()) == sorted([CURRENT, first.name])  # staging removed
