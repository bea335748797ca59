"""A batch spanning sources, on both backends: one transaction that saves what saving the sources one after
another would, counts what it wrote from its staged rows, and isolates a source whose rows cannot be saved."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from records.documents import Extraction, Metric
from storage.batch import Part, save_batch
from storage.db import open_db
from storage.newsletters import table_counts
from storage.schema import KEYS, TABLES
from storage.source_state import SourceAttempt
from tests.backends import new_lake
from tests.storage.sample import NOW, extractions

SOURCES = ("import-ai", "llm-watch", "tensor-tuesday")


@pytest.fixture
def store(backend, tmp_path):
    return backend.store(tmp_path / "radar.duckdb")


def parts(records: list[Extraction] | None = None) -> list[Part]:
    """The sample week as one part per source, each recording its fetch attempt."""
    records = records if records is not None else extractions()
    return [Part([e for e in records if e.document.source == name], NOW, "poll",
                 SourceAttempt(name, "feed", f"https://{name}.example.org/feed", NOW, etag=f'"{name}"'))
            for name in SOURCES]


def contents(conn) -> dict[str, list]:
    """Every table, rows sorted, without the columns a write stamps with the clock."""
    clock = {"documents": " EXCLUDE (extracted_at)", "sources": " EXCLUDE (last_attempt_at)"}
    return {t: sorted(map(repr, conn.execute(f"SELECT *{clock.get(t, '')} FROM {t}").fetchall())) for t in TABLES}


def assert_keys_unique(conn) -> None:
    for table in TABLES:
        key = ", ".join(KEYS[table])
        total, distinct = conn.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {table}").fetchone()
        assert total == distinct, table


def with_metric(records: list[Extraction], source: str, metric: Metric) -> list[Extraction]:
    """`source`'s first item given one more metric."""
    out = []
    for e in records:
        if e.document.source == source and e.items:
            first = dataclasses.replace(e.items[0], metrics=e.items[0].metrics + (metric,))
            e = Extraction(e.document, (first, *e.items[1:]))
        out.append(e)
    return out


def test_one_batch_saves_what_saving_the_sources_one_by_one_saves(backend, postgres, tmp_path):
    one = backend.store(tmp_path / "one.duckdb")
    each = new_lake(postgres.get(), tmp_path / "each") if backend.lake else tmp_path / "each.duckdb"
    with open_db(one) as conn:
        together = save_batch(conn, parts())
        saved_together = contents(conn)
    with open_db(each) as conn:
        alone = [r for p in parts() for r in save_batch(conn, [p])]
        saved_alone = contents(conn)
    assert saved_together == saved_alone  # SWE-bench's title: the first source's, as one by one
    assert together == alone
    assert [r.new_documents for r in together] == [1, 1, 2]
    assert [r.inserted["papers"] for r in together] == [2, 1, 1]  # SWE-bench credited to the first source naming it


def test_counts_are_the_rows_each_source_added(store):
    records = extractions()
    with open_db(store) as conn:
        steps = [parts(records), parts(records)]  # new, then unchanged
        fewer = [Extraction(e.document.__class__(**{**dataclasses.asdict(e.document), "body": "<p>edited</p>"}),
                            e.items[:1]) if e.document.source == "llm-watch" else e for e in records]
        steps.append(parts(fewer))  # llm-watch changed: one item, one paper and two metrics fewer
        steps.append(parts(records))  # and back
        for batch in steps:
            before = table_counts(conn)
            results = save_batch(conn, batch)
            after = table_counts(conn)
            for table in ("documents", "items", "mentions", "code_links", "metrics", "papers"):
                assert sum(r.inserted[table] for r in results) == max(after[table] - before[table], 0), table
        assert [r.changed_documents for r in results] == [0, 1, 0]
        assert results[1].inserted["items"] == 1 and results[1].inserted["metrics"] == 2


@pytest.mark.parametrize("bad", [Metric(1.0, None), Metric("one", "%")],  # type: ignore[arg-type]
                         ids=["refused-by-the-database", "cannot-be-staged"])
def test_a_source_whose_rows_cannot_be_saved_fails_alone(store, bad):
    records = with_metric(extractions(), "llm-watch", bad)
    with open_db(store) as conn:
        results = save_batch(conn, parts(records))
        assert [r.error is None for r in results] == [True, False, True]
        assert "llm-watch" not in {s for (s,) in conn.execute("SELECT DISTINCT source FROM documents").fetchall()}
        assert [r.new_documents for r in results] == [1, 0, 2]
        state = dict((n, (e, f, err)) for n, e, f, err in conn.execute(
            "SELECT name, etag, consecutive_failures, last_error FROM sources").fetchall())
        assert state["import-ai"] == ('"import-ai"', 0, None) and state["tensor-tuesday"][:2] == ('"tensor-tuesday"', 0)
        etag, failures, error = state["llm-watch"]
        assert etag is None and failures == 1 and ("NOT NULL" in error or "cannot be saved" in error), error
        fixed = save_batch(conn, parts())  # the source fixed: it is saved, the others are unchanged
        assert [r.new_documents for r in fixed] == [0, 1, 0] and all(r.error is None for r in fixed)
        again = save_batch(conn, parts())
        assert {v for r in again for v in r.inserted.values()} == {0}
        assert_keys_unique(conn)


def test_a_part_without_an_attempt_records_nothing_on_its_source(store):
    first, rest = extractions()[2:3], extractions()[3:]  # tensor-tuesday cut in two
    with open_db(store) as conn:
        save_batch(conn, [Part(first, NOW)])
        assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
        later = NOW + timedelta(minutes=1)
        save_batch(conn, [Part(rest, later, attempt=SourceAttempt("tensor-tuesday", "email", "/mail", later,
                                                                     last_modified="local:abc"))])
        row = conn.execute("SELECT last_modified, last_success_at, last_new_document_at FROM sources").fetchone()
    assert row == ("local:abc", later, later)


def test_a_source_whose_documents_an_interrupted_run_wrote_still_gets_its_last_new_document_time(store):
    """A run stopped between two parts of a source wrote documents but no fetch state (that goes with the
    last part). The next run finds those documents unchanged, and still records when the source last
    brought new ones: the first time they were stored, as a run that had not stopped would have."""
    records = [e for e in extractions() if e.document.source == "llm-watch"]
    later = NOW + timedelta(hours=1)
    attempt = SourceAttempt("llm-watch", "feed", "https://llm-watch.example.org/feed", later, etag='"v2"')
    with open_db(store) as conn:
        save_batch(conn, [Part(records, NOW, "poll", None)])  # interrupted: its documents, no state
        (result,) = save_batch(conn, [Part(records, later, "poll", attempt)])  # the rerun: nothing new
        row = conn.execute("SELECT etag, last_success_at, last_new_document_at FROM sources").fetchall()
    assert result.new_documents == 0 and result.unchanged_documents == len(records)
    assert row == [('"v2"', later, NOW)]
    with open_db(store) as conn:  # and a later attempt that adds nothing keeps it
        save_batch(conn, [Part(records, later + timedelta(hours=1), "poll",
                               dataclasses.replace(attempt, at=later + timedelta(hours=1)))])
        assert conn.execute("SELECT last_new_document_at FROM sources").fetchall() == [(NOW,)]
