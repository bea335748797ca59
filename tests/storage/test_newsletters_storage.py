"""Storage on both backends (a temporary DuckDB file, a fresh DuckLake): idempotent saves, re-extraction
replacing rows, keys upheld without key constraints, schema upkeep; and the embedded file's own traits."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from records.documents import CodeLink, Document, Extraction, Item, Metric, PaperRef
from storage.db import STORAGE_COMPATIBILITY, DatabaseLocked, open_db, schema_version
from storage.newsletters import load_documents, save_extractions, table_counts
from storage.schema import KEYS, MIGRATIONS, TABLES

NOW = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)


def doc(key: str, body: str = "<p>body</p>") -> Document:
    return Document(source="weekly", key=key, url=f"https://example.org/{key}", title=f"Issue {key}", body=body,
                    published=datetime(2025, 11, 1, tzinfo=UTC))


def item(key: str, position: int, arxiv_id: str, *extra_papers: str, metrics=(), code=()) -> Item:
    papers = (PaperRef(arxiv_id, 2, f"https://arxiv.org/abs/{arxiv_id}v2"),)
    papers += tuple(PaperRef(p, role="mention") for p in extra_papers)
    return Item(document_key=key, position=position, title=f"Paper {arxiv_id}", text="blurb", links=("https://x",),
                papers=papers, code=tuple(CodeLink(c, "github.com") for c in code), metrics=tuple(metrics))


def batch() -> list[Extraction]:
    return [
        Extraction(doc("a"), (
            item("a", 0, "2401.00001", "2312.00752", metrics=[Metric(56.0, "%", "HellaSwag", "56% on HellaSwag")],
                 code=["https://github.com/o/r"]),
            item("a", 1, "2401.00002", metrics=[Metric(6.0, "x", None, "6x faster")]),
        )),
        Extraction(doc("b"), (item("b", 0, "2401.00001", code=["https://github.com/o/r"]),)),
    ]


def snapshot(conn) -> dict[str, list]:
    return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}


@pytest.fixture
def db_path(backend, tmp_path):
    """The store each test writes: the embedded file, or a fresh lake."""
    return backend.store(tmp_path / "radar.duckdb")


def assert_keys_unique(conn) -> None:
    """What a PRIMARY KEY would hold, checked on every table (a lake has no key constraints)."""
    for table, key in KEYS.items():
        total, distinct = conn.execute(f"SELECT count(*), count(DISTINCT ({', '.join(key)})) FROM {table}").fetchone()
        assert total == distinct, f"{table}: {total} rows, {distinct} distinct keys"


def test_second_identical_save_inserts_nothing(db_path):
    with open_db(db_path) as conn:
        first = save_extractions(conn, batch(), fetched_at=NOW)
        assert first.new_documents == 2
        assert first.inserted == {"documents": 2, "items": 3, "papers": 3, "mentions": 4, "code_links": 2,
                                  "metrics": 2}
        before = snapshot(conn)
        second = save_extractions(conn, batch(), fetched_at=datetime.now(UTC))
    assert second.new_documents == 0 and second.unchanged_documents == 2
    assert set(second.inserted.values()) == {0}
    with open_db(db_path) as conn:
        assert snapshot(conn) == before  # not even timestamps moved
        assert_keys_unique(conn)


def test_reextraction_with_a_fixed_extractor_replaces_rows(db_path):
    with open_db(db_path) as conn:
        save_extractions(conn, batch(), fetched_at=NOW)
        # The "fixed" extractor no longer sees the passing mention nor the 6x metric.
        fixed = [
            Extraction(doc("a"), (item("a", 0, "2401.00001"), item("a", 1, "2401.00002"))),
            Extraction(doc("b"), (item("b", 0, "2401.00001", code=["https://github.com/o/r"]),)),
        ]
        result = save_extractions(conn, fixed, fetched_at=NOW, replace_unchanged=True)
        assert result.unchanged_documents == 2
        papers = {r[0] for r in conn.execute("SELECT arxiv_id FROM papers").fetchall()}
        assert papers == {"2401.00001", "2401.00002"}  # 2312.00752 is gone with its only mention
        assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM code_links").fetchone()[0] == 1


def test_changed_document_replaces_its_items_only(db_path):
    with open_db(db_path) as conn:
        save_extractions(conn, batch(), fetched_at=NOW)
        edited = [Extraction(doc("a", body="<p>edited</p>"), (item("a", 0, "2401.00003"),))]
        result = save_extractions(conn, edited, fetched_at=NOW)
        assert (result.new_documents, result.changed_documents) == (0, 1)
        items = conn.execute("SELECT doc_key, position, title FROM items ORDER BY ALL").fetchall()
        assert items == [("a", 0, "Paper 2401.00003"), ("b", 0, "Paper 2401.00001")]
        body = conn.execute("SELECT body FROM documents WHERE doc_key = 'a'").fetchone()[0]
        assert body == "<p>edited</p>"
        papers = {r[0] for r in conn.execute("SELECT arxiv_id FROM papers").fetchall()}
        assert papers == {"2401.00001", "2401.00003"}


def test_duplicate_keys_in_one_batch_are_merged(db_path):
    twice = batch() + batch()
    with open_db(db_path) as conn:
        result = save_extractions(conn, twice, fetched_at=NOW)
        assert result.new_documents == 2
        assert table_counts(conn)["documents"] == 2
        assert_keys_unique(conn)


def test_paper_keeps_latest_version_and_first_seen(db_path):
    with open_db(db_path) as conn:
        save_extractions(conn, batch(), fetched_at=NOW)
        row = conn.execute(
            "SELECT latest_version, title, first_seen_at FROM papers WHERE arxiv_id = '2401.00001'"
        ).fetchone()
    assert row[0] == 2 and row[1] == "Paper 2401.00001"
    assert row[2] == datetime(2025, 11, 1, tzinfo=UTC)


def test_raw_documents_round_trip_for_reextraction(db_path):
    with open_db(db_path) as conn:
        save_extractions(conn, batch(), fetched_at=NOW)
        docs = load_documents(conn, "weekly")
    assert [d.key for d in docs] == ["a", "b"]
    assert docs[0] == doc("a")


def test_schema_is_migrated_once(db_path):
    with open_db(db_path) as conn:
        assert schema_version(conn) == MIGRATIONS[-1][0]
    with open_db(db_path) as conn:  # re-opening applies nothing twice
        assert conn.execute("SELECT count(*), count(DISTINCT version) FROM schema_version").fetchone() == (
            len(MIGRATIONS), len(MIGRATIONS))


def test_schema_is_migrated_once_and_readable_by_duckdb_1_4(tmp_path):
    db_path = tmp_path / "radar.duckdb"
    with open_db(db_path) as conn:
        assert schema_version(conn) == MIGRATIONS[-1][0]
    with open_db(db_path) as conn:  # re-opening applies nothing twice
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
        save_extractions(conn, batch(), fetched_at=NOW)  # data and views must not need a newer format
        version = conn.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE path = ?", [str(db_path)]
        ).fetchone()[0]
    assert version.startswith(STORAGE_COMPATIBILITY)
    with open_db(db_path, read_only=True) as conn:  # as a reader finds it, views and macros included
        assert conn.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE path = ?", [str(db_path)]
        ).fetchone()[0].startswith(STORAGE_COMPATIBILITY)
        assert conn.execute("SELECT count(*) FROM papers_overview").fetchone()[0] == 3


def test_a_locked_database_names_the_holder(tmp_path):
    db_path = tmp_path / "radar.duckdb"
    with open_db(db_path):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            conn = duckdb.connect({str(db_path)!r})
            print("held", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLocked) as info:
            with open_db(db_path):
                pass
        assert str(db_path) in str(info.value) and f"process {holder.pid}" in str(info.value)
    finally:
        holder.communicate("\n", timeout=10)
    with open_db(db_path) as conn:  # released: writable again, by this process
        conn.execute("CREATE TABLE after_release AS SELECT 42 AS answer")
    with open_db(db_path, read_only=True) as conn:
        assert conn.execute("SELECT answer FROM after_release").fetchall() == [(42,)]



def test_migration_9_takes_the_keys_off_a_documents_rows_and_keeps_every_row(tmp_path, monkeypatch):
    """A file saved at schema 8 (every table keyed), then opened by this version: the same rows and views,
    PRIMARY KEYs left on the upserted tables only, and saving the same documents again adds nothing."""
    import storage.db

    db_path = tmp_path / "radar.duckdb"
    with monkeypatch.context() as released:
        released.setattr(storage.db, "MIGRATIONS", MIGRATIONS[:8])
        with open_db(db_path) as conn:
            save_extractions(conn, batch(), fetched_at=NOW)
            before = snapshot(conn), conn.execute("SELECT * FROM papers_overview ORDER BY ALL").fetchall()
            assert "items" in primary_keyed(conn)
    with open_db(db_path) as conn:
        assert schema_version(conn) == 9
        assert (snapshot(conn), conn.execute("SELECT * FROM papers_overview ORDER BY ALL").fetchall()) == before
        assert primary_keyed(conn) == {"sources", "documents", "papers", "arxiv_cursors", "backfill_checkpoints",
                                       "source_health_warnings", "alerts", "schema_version"}
        again = save_extractions(conn, batch(), fetched_at=NOW)
        assert set(again.inserted.values()) == {0} and snapshot(conn) == before[0]
        assert_keys_unique(conn)


def primary_keyed(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = "
                                       "'PRIMARY KEY' AND database_name = current_database()").fetchall()}
