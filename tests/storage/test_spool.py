"""The spool: a batch that could not be written survives as a file and comes back equal."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from records.documents import Document, Extraction, Item, Metric, PaperRef
from storage.db import open_db
from storage.newsletters import table_counts
from storage.spool import FetchState, load_spooled, remove_spooled, save_spooled, spool_batch, spool_dir_for
from tests.storage.sample import extractions

STATE = FetchState(kind="feed", location="https://import-ai.example.org/feed",
                   fetched_at=datetime(2025, 11, 5, 12, 30, 1, 250, tzinfo=UTC), etag='W/"42"', last_modified=None)


def test_round_trip_gives_equal_records(tmp_path):
    odd = Extraction(
        Document(source="import-ai", key="odd", url=None, title="Ünïcode \ud800 lone surrogate", body="x\u2028y",
                 body_type="text", published=None),
        (Item("odd", 3, "t", "", papers=(PaperRef("hep-th/9901001", 1, None, "mention"),),
              metrics=(Metric(1.7e9, "params", qualifier="at least"), Metric(56, "%"))),),
    )
    batch = [*extractions(), odd]
    path = spool_batch(tmp_path, "import-ai", batch, STATE)
    (loaded,) = load_spooled(tmp_path)
    assert loaded.path == path and loaded.source == "import-ai"
    assert loaded.fetch_state == STATE
    assert list(loaded.extractions) == batch


def test_batches_come_back_oldest_first_and_go_away(tmp_path):
    first = spool_batch(tmp_path, "a", extractions()[:1], STATE)
    second = spool_batch(tmp_path, "b/../c", extractions()[1:2], STATE)  # odd names make safe file names
    batches = load_spooled(tmp_path)
    assert [b.path for b in batches] == [first, second] and second.parent == tmp_path
    assert [b.source for b in batches] == ["a", "b/../c"]
    remove_spooled(batches[0])
    assert [b.path for b in load_spooled(tmp_path)] == [second]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unreadable_files_are_kept_and_logged(tmp_path, caplog):
    spool_batch(tmp_path, "a", extractions()[:1], STATE)
    (tmp_path / "20990101T000000000000Z-x-deadbeef.json").write_text('{"format": 1, "source": "x"')
    (tmp_path / ".20990101T000000000000Z-x.json.tmp").write_text("half a write")
    with caplog.at_level(logging.WARNING, logger="storage.spool"):
        assert [b.source for b in load_spooled(tmp_path)] == ["a"]
    assert "cannot be read back" in caplog.text
    assert (tmp_path / "20990101T000000000000Z-x-deadbeef.json").exists()
    assert load_spooled(tmp_path / "missing") == []


def test_save_spooled_is_idempotent(backend, tmp_path):
    db = tmp_path / "radar.duckdb"
    spool = spool_dir_for(db)
    assert spool == tmp_path / "radar.spool"
    spool_batch(spool, "import-ai", extractions(), STATE)
    spool_batch(spool, "import-ai", extractions(), STATE)  # the same batch twice: saved once
    with open_db(backend.store(db)) as conn:
        first, second = save_spooled(conn, spool)
        assert first[1].new_documents == len(extractions()) and second[1].unchanged_documents == len(extractions())
        assert table_counts(conn)["documents"] == len(extractions())
        row = conn.execute("SELECT etag, last_success_at, consecutive_failures FROM sources").fetchone()
    assert row == ('W/"42"', STATE.fetched_at, 0)
    assert load_spooled(spool) == []


def test_a_batch_and_its_fetch_state_commit_together(backend, tmp_path, monkeypatch):
    """A failure while recording the fetch state leaves none of the batch's documents: saved on their own,
    they made the rerun find them unchanged and never set the source's last_new_document_at (a source
    reported stale the moment it first brought something)."""
    import storage.batch
    from storage.spool import save_source_batch

    real = storage.batch.save_source_attempts
    calls = []

    def broken_once(conn, attempts):
        calls.append(attempts)
        if len(calls) == 1:
            conn.execute("SELECT * FROM no_such_table")
        real(conn, attempts)

    db = backend.store(tmp_path / "radar.duckdb")
    monkeypatch.setattr(storage.batch, "save_source_attempts", broken_once)
    with open_db(db) as conn:
        result = save_source_batch(conn, "import-ai", extractions(), STATE)
        assert result.error is not None and "no_such_table" in result.error
        assert table_counts(conn)["documents"] == 0  # rolled back with the state
        assert conn.execute("SELECT consecutive_failures FROM sources").fetchone() == (1,)  # the failure is recorded
    monkeypatch.undo()
    with open_db(db) as conn:
        assert table_counts(conn)["documents"] == 0
        save_source_batch(conn, "import-ai", extractions(), STATE)
        row = conn.execute("SELECT last_success_at, last_new_document_at FROM sources").fetchone()
    assert row == (STATE.fetched_at, STATE.fetched_at)
