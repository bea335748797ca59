"""The views and macros for ad-hoc SQL, on a realistic saved week (tests/storage/sample.py), on both backends.

A lake stores no macros: its connection here gets them as `radar sql`'s does (storage.views.MACROS_SQL)."""

from __future__ import annotations

import os
import subprocess

import pytest

import storage.db
from config.storage import StorageSettings
from storage.db import open_db, schema_version
from storage.schema import MIGRATIONS, TABLES
from storage.views import MACROS, MACROS_SQL, VIEWS
from tests.storage.sample import FLASH, FORK, GEMMA, MAMBA, OFFICIAL, SWE, make_sample_db, save_sample


@pytest.fixture(scope="module")
def conn(sample_db):
    with open_db(sample_db, read_only=True) as c:
        if isinstance(sample_db, StorageSettings):
            c.execute(MACROS_SQL)
        yield c


def rows(conn, sql: str, *params) -> list[dict]:
    result = conn.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_returns_rows(conn, view):
    assert conn.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0


def test_views_and_macros_are_there(conn):
    names = {r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    macros = {r[0] for r in conn.execute("SELECT function_name FROM duckdb_functions() WHERE NOT internal").fetchall()}
    assert set(VIEWS) <= names and set(MACROS) <= macros


def test_papers_overview_one_row_per_paper(conn):
    papers = {r["arxiv_id"]: r for r in rows(conn, "SELECT * FROM papers_overview")}
    assert set(papers) == {SWE, GEMMA, FLASH, MAMBA}
    swe = papers[SWE]
    assert (swe["n_sources"], swe["n_mentions"], swe["latest_version"]) == (3, 3, 2)
    assert swe["sources"] == ["import-ai", "llm-watch", "tensor-tuesday"]
    assert swe["code_url"] == OFFICIAL and swe["code_urls"] == [OFFICIAL, FORK]  # most-cited repository first
    assert swe["headline_metrics"] == "33.2% SWE-bench Verified; 49% SWE-bench Verified"  # first reported first
    assert papers[GEMMA]["headline_metrics"] == "64.3% MMLU; 7B params"  # the score before the size
    assert papers[FLASH]["headline_metrics"] == "up to 3x"
    assert papers[MAMBA]["code_url"] is None and papers[MAMBA]["code_urls"] == []


def test_trending_counts_distinct_sources_in_the_last_week(conn):
    trending = rows(conn, "SELECT * FROM trending")
    assert trending[0]["arxiv_id"] == SWE and trending[0]["n_sources"] == 3
    assert FLASH not in {r["arxiv_id"] for r in trending}  # its issue is three weeks old
    wider = {r["arxiv_id"] for r in rows(conn, "SELECT * FROM trending_since(30)")}
    assert FLASH in wider


def test_metrics_by_benchmark_is_a_leaderboard_of_scores(conn):
    board = rows(conn, "SELECT benchmark, value, subject, source, paper_title FROM metrics_by_benchmark")
    swe = [r for r in board if r["benchmark"] == "SWE-bench Verified"]
    assert [(r["value"], r["subject"]) for r in swe] == [(49.0, "Claude"), (33.2, "GPT-4o")]
    assert {r["benchmark"] for r in board} == {"MMLU", "SWE-bench Verified"}  # sizes and gains are not scores
    assert swe[0]["paper_title"].startswith("SWE-bench")


def test_paper_code_counts_sources_per_repository(conn):
    code = {(r["arxiv_id"], r["repo_url"]): r for r in rows(conn, "SELECT * FROM paper_code")}
    assert code[(SWE, OFFICIAL)]["n_sources"] == 2 and code[(SWE, FORK)]["n_sources"] == 1
    assert code[(SWE, OFFICIAL)]["host"] == "github.com"


def test_source_health_statuses(conn):
    health = {r["name"]: r for r in rows(conn, "SELECT * FROM source_health")}
    status = {name: r["status"] for name, r in health.items()}
    assert status == {"import-ai": "ok", "llm-watch": "ok", "tensor-tuesday": "ok", "model-notes": "failing",
                      "quiet-weekly": "stale", "gone-dark": "never succeeded"}
    assert health["quiet-weekly"]["hours_since_new_document"] == pytest.approx(30 * 24, abs=1)
    assert health["model-notes"]["last_error"].startswith("HTTP 503")


@pytest.mark.parametrize("value, unit, qualifier, text", [
    (60.1, "%", None, "60.1%"), (3.0, "x", "up to", "up to 3x"), (7.3e9, "params", None, "7.3B params"),
    (2e12, "tokens", None, "2T tokens"), (17.9, "pp", None, "17.9 pp"), (2294.0, "count", None, "2294"),
    (61.0, "%", "approximate", "about 61%"), (1.25e6, "Elo", None, "1.25M Elo"),
])
def test_format_metric(conn, value, unit, qualifier, text):
    assert conn.execute("SELECT format_metric(?, ?, ?)", [value, unit, qualifier]).fetchone()[0] == text


def test_a_version_1_database_with_data_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(storage.db, "MIGRATIONS", MIGRATIONS[:1])
    with open_db(path) as conn:
        assert schema_version(conn) == 1
        conn.execute("""INSERT INTO documents (source, doc_key, title, body, body_type, content_hash,
                        first_seen_at, fetched_at) VALUES ('old', 'k', 't', 'b', 'html', 'h', now(), now())""")
    monkeypatch.undo()
    with open_db(path) as conn:
        assert schema_version(conn) == MIGRATIONS[-1][0]
        assert conn.execute("SELECT ingest_mode FROM documents").fetchall() == [("poll",)]
        save_sample(conn)
        assert conn.execute("SELECT n_sources FROM trending LIMIT 1").fetchone()[0] == 3


def test_views_survive_a_resave(backend, tmp_path):
    path = make_sample_db(backend.store(tmp_path / "radar.duckdb"))
    with open_db(path) as conn:  # idempotent: saving the same week again changes no view
        before = conn.execute("SELECT * FROM papers_overview").fetchall()
        save_sample(conn)
        assert conn.execute("SELECT * FROM papers_overview").fetchall() == before


@pytest.mark.skipif(not os.environ.get("DUCKDB_1_4_PYTHON"),
                    reason="set DUCKDB_1_4_PYTHON to a Python that has duckdb 1.4 installed")
def test_a_duckdb_1_4_client_reads_every_table_and_view(tmp_path):
    """The storage version test (test_newsletters_storage.py) with a real 1.4 client, views included."""
    sample_db = make_sample_db(tmp_path / "radar.duckdb")
    script = ("import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); "
              "counts = [c.execute(f'SELECT count(*) FROM {t}').fetchone()[0] for t in sys.argv[2:]]; "
              "print(duckdb.__version__, *counts)")
    proc = subprocess.run([os.environ["DUCKDB_1_4_PYTHON"], "-c", script, str(sample_db), *TABLES, *VIEWS],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    version, *counts = proc.stdout.split()
    assert version.startswith("1.4.") and all(int(n) > 0 for n in counts)


def test_metrics_by_benchmark_lists_scores_only_an_arxiv_abstract_gives_with_their_origin(backend, tmp_path):
    """The README's best-score query finds a score that only the paper's abstract states."""
    import re
    from datetime import UTC, datetime
    from pathlib import Path

    from records.arxiv import ArxivEntry, ArxivPaper
    from records.documents import Metric
    from storage.arxiv import save_arxiv_entries

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    query = next(q for q in re.findall(r"```sql\n(.*?)```", readme, flags=re.S) if "metrics_by_benchmark" in q)
    at = datetime(2025, 11, 3, 10, tzinfo=UTC)
    paper = ArxivPaper("2511.00009", 1, "Abstract Only", ("Ada",), "It reaches 71.5% on MMLU.", "cs.CL", ("cs.CL",),
                       at, at)
    path = make_sample_db(backend.store(tmp_path / "radar.duckdb"))
    with open_db(path) as c:
        save_arxiv_entries(c, [ArxivEntry(paper, (), (Metric(71.5, "%", "MMLU", "It reaches 71.5% on MMLU.",
                                                             kind="score"),))], at=at, ingest_mode="poll")
        best = rows(c, query)
        origins = {r["origin"] for r in rows(c, "SELECT origin FROM metrics_by_benchmark")}
        arxiv_row = rows(c, "SELECT * FROM metrics_by_benchmark WHERE origin = 'arxiv'")
    assert (best[0]["value"], best[0]["origin"], best[0]["source"]) == (71.5, "arxiv", "arxiv")
    assert [r["origin"] for r in best[1:]] == ["newsletter"] * (len(best) - 1) and len(best) >= 2
    assert origins == {"arxiv", "newsletter"}
    assert arxiv_row[0]["document_url"] == "https://arxiv.org/abs/2511.00009"
    assert arxiv_row[0]["published_at"] == at and arxiv_row[0]["paper_title"] == "Abstract Only"
