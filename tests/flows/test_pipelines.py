"""The plain pipelines (flows/pipeline/), run in this process without Prefect, on both backends: their error
isolation (one bad document, source or query never costs the others), a backfill's extraction happening
with the database closed, and a poll locked out at write time losing nothing."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import flows.pipeline.extract
from config.settings import load_settings
from flows.pipeline.arxiv import poll_arxiv
from flows.pipeline.backfill import backfill
from flows.pipeline.newsletters import poll_newsletters, reextract
from flows.pipeline.runtime import PlainRuntime
from storage.db import open_db
from tests.arxiv_api import FakeArxiv, paper

ROOT = Path(__file__).resolve().parents[2]
BAD = "sparsegradients-issue-12"  # one of the demo feed's two entries


@pytest.fixture
def demo(tmp_path):
    """A copy of the shipped config and demo newsletters."""
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    shutil.copy(ROOT / "radar.toml", tmp_path / "radar.toml")
    return tmp_path / "radar.toml"


def items_per_document(settings) -> dict[str, int]:
    """{"source/doc_key": number of items}"""
    with open_db(settings.store, read_only=True) as conn:
        return dict(conn.execute("SELECT d.source || '/' || d.doc_key, count(i.position) FROM documents d "
                                 "LEFT JOIN items i USING (source, doc_key) GROUP BY ALL").fetchall())


def failing_on(key: str, monkeypatch):
    real = flows.pipeline.extract.extract_items

    def extract_items(doc):
        if doc.key == key:
            raise RuntimeError("an extractor bug")
        return real(doc)

    monkeypatch.setattr(flows.pipeline.extract, "extract_items", extract_items)


def test_a_document_the_extractors_fail_on_is_kept_without_items_and_logged(backend, demo, monkeypatch, caplog):
    failing_on(BAD, monkeypatch)
    settings = load_settings(demo)
    with caplog.at_level(logging.WARNING, logger="paper_radar"):
        summary = poll_newsletters(settings, PlainRuntime())
    assert summary["failures"] == []
    counts = items_per_document(settings)
    bad = f"sparse-gradients/{BAD}"
    assert counts[bad] == 0 and len(counts) == 5
    assert all(n > 0 for key, n in counts.items() if key != bad), counts
    assert f"kept without items: {bad}: RuntimeError: an extractor bug" in caplog.text

    monkeypatch.undo()  # the extractor fixed: re-extraction fills it in, with the same policy for the others
    page = next(key for key in counts if key.startswith("model-notes/"))
    failing_on(page.split("/", 1)[1], monkeypatch)
    done = reextract(settings, PlainRuntime())
    assert done["documents"] == 5 and done["failed"] == [f"{page}: RuntimeError: an extractor bug"]
    after = items_per_document(settings)
    assert after[bad] > 0 and after[page] == 0 and all(n > 0 for k, n in after.items() if k != page)


def test_an_unexpected_error_on_one_source_does_not_stop_the_others(backend, demo, monkeypatch):
    import flows.pipeline.newsletters as pipeline

    real = pipeline.parse_fetched

    def parse_fetched(source, fetched):
        if source.name == "attention-span":
            raise KeyError("a parser bug")
        return real(source, fetched)

    monkeypatch.setattr(pipeline, "parse_fetched", parse_fetched)
    summary = poll_newsletters(load_settings(demo), PlainRuntime())
    assert summary["failures"] == [{"source": "attention-span", "error": "unexpected KeyError: 'a parser bug'"}]
    assert {s["source"] for s in summary["sources"] if s["status"] == "ok"} == {
        "sparse-gradients", "model-notes", "tensor-tuesday"}


def test_one_failing_arxiv_query_does_not_cost_the_others(backend, tmp_path, http_server):
    api = FakeArxiv(http_server)
    api.add(paper("2511.00001", day=date(2025, 11, 3)), query="cat:cs.LG")
    api.script += [FakeArxiv.unavailable()] * 2  # the first query's two attempts
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[arxiv]
api_url = "{api.url}"
delay_seconds = 0
backoff_seconds = 0.01
retries = 1
rate_limit_name = ""
[[arxiv.queries]]
name = "cl"
categories = ["cs.CL"]
[[arxiv.queries]]
name = "lg"
categories = ["cs.LG"]
""", encoding="utf-8")
    summary = poll_arxiv(load_settings(config), PlainRuntime())
    assert [(q["query"], q["status"], q["fetched"]) for q in summary["queries"]] == [("cl", "failed", 0),
                                                                                      ("lg", "ok", 1)]
    assert "503" in summary["failures"][0]["error"]


def test_a_backfill_extracts_with_the_database_closed(backend, demo, monkeypatch):
    settings = load_settings(demo)
    poll_newsletters(settings, PlainRuntime())
    real = flows.pipeline.extract.extract_items
    held: list[bool] = []
    # can another process open the store for writing right now (the file, or the lake's writer lock)?
    probe_code = ("from config.settings import load_settings; from storage.db import open_db; "
                  f"open_db(load_settings({str(demo)!r}).store).__enter__()")

    def extract_items(doc):
        if not held:
            probe = subprocess.run([sys.executable, "-c", probe_code], capture_output=True, text=True, timeout=60)
            held.append(probe.returncode != 0)
        return real(doc)

    monkeypatch.setattr(flows.pipeline.extract, "extract_items", extract_items)
    archive = demo.parent / "archive"
    archive.mkdir()
    shutil.copy(demo.parent / "demo/pages/model_notes_42.html", archive)
    for kwargs in ({"sources": ["sparse-gradients"]}, {"sources": ["model-notes"], "archive": str(archive)}):
        held.clear()
        summary = backfill(settings, PlainRuntime(), date(2025, 10, 1), date(2025, 11, 30), **kwargs)
        assert summary["failures"] == [] and held == [False], kwargs
    assert summary["archive"]["in_range"] == 1


def test_a_poll_locked_out_at_write_time_spools_and_the_next_poll_writes_it(backend, demo, monkeypatch):
    """A notebook holding the embedded file, or another writer holding a lake's writer lock."""
    from storage.db import DatabaseLocked
    from storage.spool import load_spooled, spool_dir_for
    from tests.storage.test_concurrency import reader_process
    from tests.storage.test_lake import holding

    text = demo.read_text(encoding="utf-8").replace('database = "data/radar.duckdb"',
                                                    'database = "data/radar.duckdb"\nlock_wait_seconds = 0.5')
    demo.write_text(text, encoding="utf-8")
    settings = load_settings(demo)
    real, holders = flows.pipeline.extract.extract_items, []

    def extract_items(doc):  # the store is taken while the poll is extracting
        if not holders:
            holder = holding(backend.lake, read_only=False) if backend.lake else reader_process(settings.database)
            holders.append(holder)
            holders[0].__enter__()
        return real(doc)

    monkeypatch.setattr(flows.pipeline.extract, "extract_items", extract_items)
    with pytest.raises(DatabaseLocked):
        poll_newsletters(settings, PlainRuntime())
    holders[0].__exit__(None, None, None)
    assert len(load_spooled(spool_dir_for(settings.database))) == 4  # one batch per source
    monkeypatch.undo()

    summary = poll_newsletters(settings, PlainRuntime())  # writes the spool first: nothing new after it
    assert load_spooled(spool_dir_for(settings.database)) == [] and summary["totals"]["documents"] == 0
    counts = items_per_document(settings)
    assert len(counts) == 5 and all(n > 0 for n in counts.values())


def test_a_snapshot_that_cannot_be_published_does_not_fail_the_poll(backend, demo, caplog):
    from storage.snapshot import snapshot_dir_for

    settings = load_settings(demo)
    settings.database.parent.mkdir(parents=True)
    snapshot_dir_for(settings.database).write_text("a file where the snapshot folder should be")
    with caplog.at_level(logging.WARNING, logger="paper_radar"):
        summary = poll_newsletters(settings, PlainRuntime())
    assert summary["failures"] == [] and summary["totals"]["documents"] == 5
    assert "read snapshot not published" in caplog.text


def test_enrichment_keeps_what_earlier_chunks_saved_when_a_later_one_fails(backend, tmp_path, http_server):
    from datetime import UTC, datetime

    from flows.pipeline.arxiv import enrich_arxiv
    from records.documents import Document, Extraction, Item, PaperRef
    from storage.newsletters import save_extractions

    api = FakeArxiv(http_server)
    ids = [f"2511.{n:05d}" for n in range(25)]
    api.add(*(paper(i) for i in ids))
    config = tmp_path / "radar.toml"
    config.write_text(f'database = "radar.duckdb"\n[arxiv]\napi_url = "{api.url}"\nenrich = true\ndelay_seconds = 0\n'
                      'backoff_seconds = 0.01\nretries = 1\nid_batch_size = 2\nrate_limit_name = ""\n',
                      encoding="utf-8")
    settings = load_settings(config)
    doc = Document("news", "issue-1", None, "Issue", "<p/>", published=datetime(2025, 11, 4, tzinfo=UTC))
    with open_db(settings.store) as conn:
        item = Item("issue-1", 0, "Item", "text", papers=tuple(map(PaperRef, ids)))
        save_extractions(conn, [Extraction(doc, (item,))], fetched_at=datetime.now(UTC))
    api.script += [None] * 10 + [FakeArxiv.unavailable()] * 2  # the first chunk (10 requests), then 503s
    summary = enrich_arxiv(settings, PlainRuntime())
    assert summary["asked"] == 20 and summary["found"] == 20 and "503" in summary["failures"][0]
    with open_db(settings.store, read_only=True) as conn:
        statuses = dict(conn.execute("SELECT coalesce(arxiv_status, 'not asked'), count(*) FROM papers "
                                     "GROUP BY 1").fetchall())
    assert statuses == {"ok": 20, "not asked": 5}


def snapshot_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and link of the read snapshot: (inode, mtime in ns)."""
    return {str(p.relative_to(folder)): (p.lstat().st_ino, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


def lake_changes_since(backend, database: Path, snapshot: int) -> set[str]:
    """The names of the tables a lake's commits after `snapshot` changed."""
    ids = dict((str(i), name) for name, i in backend.query(
        database, "SELECT table_name, table_id FROM ducklake_table_info('lake')"))
    rows = backend.query(database, f"SELECT changes FROM lake.snapshots() WHERE snapshot_id > {snapshot}")
    return {ids.get(t, t) for (changes,) in rows for key, tables in changes.items() if key.startswith("tables_")
            for t in tables}


def test_a_poll_where_nothing_changed_writes_only_the_sources_fetch_state(backend, demo):
    from storage.schema import TABLES
    from storage.snapshot import snapshot_dir_for

    settings = load_settings(demo)
    poll_newsletters(settings, PlainRuntime())
    snapshots = snapshot_dir_for(settings.database)
    files = snapshot_files(snapshots)
    assert any(name.endswith("papers.parquet") for name in files)
    db = settings.database
    tables = {t: sorted(map(repr, backend.query(db, f"SELECT * FROM {t}"))) for t in TABLES if t != "sources"}
    attempts = backend.query(db, "SELECT name, last_attempt_at FROM sources ORDER BY name")
    lake_snapshot = backend.query(db, "SELECT max(snapshot_id) FROM lake.snapshots()")[0][0] if backend.lake else 0

    summary = poll_newsletters(settings, PlainRuntime())
    assert {s["status"] for s in summary["sources"]} == {"unchanged"} and set(summary["totals"].values()) == {0}
    assert snapshot_files(snapshots) == files  # not re-published: no new generation, no file rewritten
    assert {t: sorted(map(repr, backend.query(db, f"SELECT * FROM {t}"))) for t in tables} == tables
    later = backend.query(db, "SELECT name, last_attempt_at FROM sources ORDER BY name")
    assert [n for n, _ in later] == [n for n, _ in attempts]
    assert all(b > a for (_, a), (_, b) in zip(attempts, later, strict=True))  # each source's attempt recorded
    if backend.lake:  # what the lake's own log says the poll committed
        assert lake_changes_since(backend, db, lake_snapshot) == {"sources"}


#: Columns stamped with the clock of the run: left out when two runs' tables are compared.
CLOCK = {"documents": "first_seen_at, fetched_at, extracted_at", "papers": "first_seen_at, last_seen_at",
         "sources": "last_attempt_at, last_success_at, last_new_document_at"}


def saved_rows(backend, database: Path) -> dict[str, list]:
    from storage.schema import TABLES

    return {t: sorted(map(repr, backend.query(database, f"SELECT * {f'EXCLUDE ({CLOCK[t]})' if t in CLOCK else ''} "
                                                        f"FROM {t}"))) for t in TABLES}


def test_sources_are_cut_into_bounded_batches_and_saved_as_one_poll_would(backend, postgres, demo, tmp_path,
                                                                          monkeypatch):
    import flows.pipeline.newsletters as pipeline
    from tests.backends import new_lake

    settings = load_settings(demo)
    whole = poll_newsletters(settings, PlainRuntime())
    saved_whole = saved_rows(backend, settings.database)
    shutil.rmtree(settings.database.parent)
    if backend.lake:  # the same poll into a fresh lake
        lake = new_lake(postgres.get(), tmp_path / "again")
        monkeypatch.setenv("RADAR_STORAGE__CATALOG", lake.catalog)
        monkeypatch.setenv("RADAR_STORAGE__DATA_PATH", lake.data_path)
        settings = load_settings(demo)
    monkeypatch.setenv("RADAR_FETCH__BATCH_DOCUMENTS", "2")
    settings = load_settings(demo)
    sizes: list[list[tuple[str, int]]] = []
    real = pipeline.extract_batch

    def extract_batch(batch, log):
        sizes.append([(c.source.name, len(c.documents)) for c in batch if c.documents])
        return real(batch, log)

    monkeypatch.setattr(pipeline, "extract_batch", extract_batch)
    cut = poll_newsletters(settings, PlainRuntime())
    assert sizes == [[("sparse-gradients", 2)], [("attention-span", 1), ("model-notes", 1)], [("tensor-tuesday", 1)]]
    assert cut["sources"] == whole["sources"] and cut["totals"] == whole["totals"]
    assert saved_rows(backend, settings.database) == saved_whole


def test_a_source_cut_across_batches_records_its_validators_only_with_its_last_batch(backend, demo, monkeypatch):
    import flows.pipeline.newsletters as pipeline
    from storage.db import StorageError

    monkeypatch.setenv("RADAR_FETCH__BATCH_DOCUMENTS", "1")
    real, written = pipeline.save_batch, []

    def save_batch(conn, parts):  # the run stops after its first batch: the first of sparse-gradients' two entries
        if written:
            raise StorageError("the disk filled up")
        written.append(parts)
        return real(conn, parts)

    monkeypatch.setattr(pipeline, "save_batch", save_batch)
    settings = load_settings(demo)
    with pytest.raises(StorageError):
        poll_newsletters(settings, PlainRuntime())
    assert backend.query(settings.database, "SELECT count(*) FROM documents") == [(1,)]
    assert backend.query(settings.database, "SELECT count(*) FROM sources") == [(0,)]  # no validator stored
    monkeypatch.undo()
    summary = poll_newsletters(settings, PlainRuntime())  # reads the source again, whole
    by_source = {s["source"]: s for s in summary["sources"]}
    assert by_source["sparse-gradients"]["fetched"] == 2 and by_source["sparse-gradients"]["new_documents"] == 1
    assert summary["totals"]["documents"] == 4
    assert backend.query(settings.database, "SELECT count(*), count(DISTINCT doc_key) FROM documents") == [(5, 5)]
