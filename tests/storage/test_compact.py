"""Compacting the embedded file after a run that wrote a large share of it: a copy that holds the same rows,
keys, views and macros, swapped in atomically; nothing on a lake, nothing after a small write."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from records.documents import Document, Extraction, Item, PaperRef
from storage.batch import Part, save_batch
from storage.compact import compact_if_grown
from storage.db import open_db
from storage.schema import TABLES
from tests.storage.sample import NOW, make_sample_db


def documents(n: int, prefix: str) -> list[Extraction]:
    return [Extraction(Document(source="archive", key=f"{prefix}{k}", url=None, title=f"Issue {k}",
                                body=f"<p>{'words ' * 200}{k}</p>", published=NOW - timedelta(days=k)),
                       (Item(f"{prefix}{k}", 0, f"Paper {k}", "text", papers=(PaperRef(f"2501.{k:05d}"),)),))
            for k in range(n)]


def contents(conn) -> dict:
    tables = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in TABLES}
    views = conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
    macros = conn.execute("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'macro'"
                          " AND NOT internal ORDER BY 1").fetchall()
    return {"tables": tables, "views": views, "macros": macros}


def test_a_database_grown_by_many_small_transactions_is_compacted_to_the_same_contents(tmp_path):
    db = make_sample_db(tmp_path / "radar.duckdb")
    for batch in range(6):  # as a poll writes an archive: a connection and a transaction per batch
        with open_db(db) as conn:
            save_batch(conn, [Part(documents(300, f"b{batch}-"), NOW)])
    with open_db(db) as conn:
        before, size = contents(conn), db.stat().st_size
        assert compact_if_grown(conn, db, written_documents=1800)  # the run that wrote the archive
    assert db.stat().st_size < size
    assert not db.with_name(db.name + ".compacting").exists()
    with open_db(db) as conn:
        assert contents(conn) == before
        with pytest.raises(duckdb.ConstraintException):  # the keys came along
            conn.execute("INSERT INTO documents SELECT * FROM documents LIMIT 1")
        save_batch(conn, [Part(documents(3, "after-"), NOW)])  # and it is written to as before
        assert conn.execute("SELECT count(*) FROM documents WHERE doc_key LIKE 'after-%'").fetchone()[0] == 3


def test_a_small_write_or_a_lake_is_left_alone(backend, tmp_path):
    store = make_sample_db(backend.store(tmp_path / "radar.duckdb"))
    with open_db(store) as conn:
        save_batch(conn, [Part(documents(400, "a"), NOW)])
    with open_db(store) as conn:
        assert not compact_if_grown(conn, store, written_documents=1)  # 1 of 404, a few free blocks
        assert compact_if_grown(conn, store, written_documents=400) is (backend.lake is None)


def test_a_file_with_many_free_blocks_is_compacted_after_any_write(tmp_path):
    """Free blocks count once there are MIN_FREE_BLOCKS of them and they are a COMPACT_SHARE of the file."""
    from storage.compact import MIN_FREE_BLOCKS

    db = make_sample_db(tmp_path / "radar.duckdb")
    with open_db(db) as conn:  # 30 MiB written, more after it, then the 30 MiB freed (a file's end is given back)
        for table, rows in (("scratch", 500_000), ("kept", 20_000)):
            conn.execute(f"CREATE TABLE {table} AS SELECT md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s"
                         f" FROM range({rows}) t(i)")
            conn.execute("CHECKPOINT")
        conn.execute("DROP TABLE scratch")
        conn.execute("CHECKPOINT")
        total, free = conn.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
        assert free >= MIN_FREE_BLOCKS and free >= 0.2 * total
        before = contents(conn)
        assert compact_if_grown(conn, db, written_documents=1)
    with open_db(db) as conn:
        assert contents(conn) == before
        total, free = conn.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
        assert free < MIN_FREE_BLOCKS
