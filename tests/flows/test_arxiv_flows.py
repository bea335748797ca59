"""poll-arxiv, enrich-arxiv and backfill through Prefect, against the fake arXiv API on 127.0.0.1, on both
backends."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from config.arxiv import ArxivSettings
from flows.arxiv import enrich_arxiv, poll_arxiv
from flows.backfill import backfill
from flows.pipeline.backfill import _in_range
from flows.prefect_setup import arxiv_rate_limit, ensure_arxiv_rate_limit
from records.documents import Document, Extraction, Item, PaperRef
from storage.db import open_db
from storage.newsletters import save_extractions
from tests.arxiv_api import FakeArxiv, bump, paper

DEMO = Path(__file__).resolve().parents[2] / "demo"
NOV3 = date(2025, 11, 3)


@pytest.fixture
def api(http_server) -> FakeArxiv:
    return FakeArxiv(http_server)


def write_config(tmp_path: Path, api: FakeArxiv, *, rate_limit: str = "", delay: float = 0) -> str:
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[fetch]
local_roots = ["{DEMO}"]  # the config is kept apart from the demo pages it reads
[[sources]]
name = "notes"
kind = "page"
path = "{DEMO / 'pages'}"
[arxiv]
api_url = "{api.url}"
enrich = true
delay_seconds = {delay}
backoff_seconds = 0.01
retries = 2
page_size = 5
rate_limit_name = "{rate_limit}"
[[arxiv.queries]]
name = "dlm"
categories = ["cs.CL"]
""", encoding="utf-8")
    return str(config)


@pytest.fixture
def query(backend, tmp_path):
    """Rows of `sql` on the test's store."""
    return lambda sql: backend.query(tmp_path / "radar.duckdb", sql)


def test_poll_stops_at_the_cursor_and_keeps_one_row_per_paper(backend, tmp_path, api, query):
    config = write_config(tmp_path, api)
    papers = [paper(f"2511.{i:05d}", day=NOV3, minute=i) for i in range(12)]
    papers[0] = paper("2511.00000", day=NOV3, comment="Code: github.com/acme/dlm-fast",
                      abstract="Our sampler decodes 4x faster.")
    api.add(*papers)

    first = poll_arxiv(config=config)
    assert [(q["query"], q["fetched"], q["new_papers"]) for q in first["queries"]] == [("dlm", 12, 12)]
    assert len(api.requests) == 3  # ceil(12 / 5) pages, newest first
    assert query("SELECT DISTINCT arxiv_ingest_mode FROM papers") == [("first_poll",)]
    assert query("SELECT repo_url FROM code_links WHERE source = 'arxiv'") == [
        ("https://github.com/acme/dlm-fast",)]

    second = poll_arxiv(config=config)
    assert second["queries"][0]["fetched"] == 0 and len(api.requests) == 4  # one page, stopped at the cursor

    api.add(bump(papers[3]), paper("2511.00100", day=date(2025, 11, 5)))
    third = poll_arxiv(config=config)
    assert (third["queries"][0]["new_papers"], third["queries"][0]["updated_papers"]) == (1, 1)
    assert query("SELECT count(*), count(DISTINCT arxiv_id) FROM papers") == [(13, 13)]
    assert query("SELECT latest_version, title, arxiv_ingest_mode FROM papers "
                           "WHERE arxiv_id = '2511.00003'") == [(2, "A Paper (revised)", "first_poll")]
    assert query("SELECT arxiv_ingest_mode FROM papers WHERE arxiv_id = '2511.00100'") == [("poll",)]


def test_a_query_gone_quiet_is_recorded_as_a_health_warning(backend, tmp_path, api, query):
    config = write_config(tmp_path, api)
    with open_db(backend.store(tmp_path / "radar.duckdb")) as conn:
        conn.execute("INSERT INTO arxiv_cursors VALUES ('dlm', 'cat:cs.CL', '2025-11-01', '2025-11-20', "
                     "'2025-11-01', 9, 3)")
    summary = poll_arxiv(config=config)
    assert [w["subject"] for w in summary["warnings"]] == ["arxiv:dlm"]
    assert query("SELECT subject, kind, resolved_at FROM source_health_warnings") == [
        ("arxiv:dlm", "arxiv_silent", None)]


def test_enriching_1000_newsletter_papers_takes_10_requests_and_unknown_ids_rest(backend, tmp_path, api, query):
    config = write_config(tmp_path, api)
    ids = [f"2511.{n:05d}" for n in range(1000)]
    api.add(*(paper(i) for i in ids[:-1]))  # arXiv has never heard of the last one
    doc = Document("news", "issue-1", None, "Issue", "<p/>", published=datetime(2025, 11, 4, tzinfo=UTC))
    refs = tuple(PaperRef(i) for i in ids)
    with open_db(backend.store(tmp_path / "radar.duckdb")) as conn:
        save_extractions(conn, [Extraction(doc, (Item("issue-1", 0, "Item", "text", papers=refs),))],
                         fetched_at=datetime.now(UTC))

    summary = enrich_arxiv(config=config)
    assert (summary["requests"], summary["found"], summary["unknown"]) == (10, 999, 1)
    assert len(api.requests) == 10
    assert query("SELECT arxiv_status, count(*) FROM papers GROUP BY 1 ORDER BY 1") == [
        ("ok", 999), ("unknown", 1)]
    assert query("SELECT count(*) FROM papers WHERE authors = ['A. Author', 'B. Author'] "
                           "AND primary_category = 'cs.CL' AND arxiv_ingest_mode IS NULL") == [(999,)]
    assert enrich_arxiv(config=config)["requests"] == 0 and len(api.requests) == 10


def test_backfill_is_per_day_resumable_and_idempotent(backend, tmp_path, api, query):
    config = write_config(tmp_path, api)
    api.add(*(paper(f"2511.{i:05d}", day=NOV3, minute=i) for i in range(12)))
    api.add(*(paper(f"2511.{i:05d}", day=date(2025, 11, 5), minute=i) for i in range(50, 57)))
    api.script += [None, None, None] + [FakeArxiv.unavailable()] * 3  # day 2 fails past the retries

    failed = backfill(date(2025, 11, 3), date(2025, 11, 5), sources=["arxiv"], config=config)
    assert failed["failures"] and "503" in failed["failures"][0]
    assert query("SELECT day, entries FROM backfill_checkpoints") == [(NOV3, 12)]
    assert len(api.requests) == 3 + 3

    resumed = backfill(date(2025, 11, 3), date(2025, 11, 5), sources=["arxiv"], alert=True, config=config)
    assert resumed["failures"] == []
    assert [(d["day"], d["entries"], d["skipped"]) for d in resumed["arxiv"]] == [
        ("2025-11-03", 12, True), ("2025-11-04", 0, False), ("2025-11-05", 7, False)]
    assert len(api.requests) == 6 + 1 + 2  # an empty day is one request; 7 entries are two pages of 5
    assert query("SELECT arxiv_ingest_mode, count(*) FROM papers GROUP BY 1 ORDER BY 1") == [
        ("backfill", 12), ("backfill_alert", 7)]

    again = backfill(date(2025, 11, 3), date(2025, 11, 5), sources=["arxiv"], config=config, return_state=True)
    assert all(d["skipped"] for d in again.result()["arxiv"]) and len(api.requests) == 9
    assert query("SELECT count(*), count(DISTINCT arxiv_id) FROM papers") == [(19, 19)]
    assert progress_of(again.state_details.flow_run_id) == [100.0]


def progress_of(flow_run_id) -> list[float]:
    """The progress artifacts a flow run left, as the Prefect API returns them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterType

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), type=ArtifactFilterType(any_=["progress"])))
    return [a.data for a in artifacts]


def test_newsletter_archive_backfill_is_marked_and_idempotent(backend, tmp_path, api, query):
    config = write_config(tmp_path, api)
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(DEMO / "mail" / "tensor_tuesday_2025-11-04.eml", archive)
    shutil.copy(DEMO / "pages" / "model_notes_42.html", archive)

    first = backfill(date(2025, 11, 1), date(2025, 11, 7), sources=["notes"], archive=str(archive), config=config)
    assert first["archive"]["new_documents"] == 2 and first["arxiv"] == [] and api.requests == []
    assert query("SELECT DISTINCT source, ingest_mode FROM documents") == [("notes", "backfill")]
    counts = query("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM papers)")
    second = backfill(date(2025, 11, 1), date(2025, 11, 7), sources=["notes"], archive=str(archive), config=config)
    assert second["archive"]["new_documents"] == 0
    assert query("SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM papers)") == counts


def test_archive_documents_count_when_dated_in_range_or_undated():
    assert _in_range(datetime(2025, 11, 4, 23, tzinfo=UTC), date(2025, 11, 1), date(2025, 11, 4))
    assert not _in_range(datetime(2025, 11, 5, tzinfo=UTC), date(2025, 11, 1), date(2025, 11, 4))
    assert _in_range(None, date(2025, 11, 1), date(2025, 11, 4))


def test_the_prefect_rate_limit_is_created_by_setup_and_used(tmp_path, api):
    settings = ArxivSettings(api_url=api.url, delay_seconds=0.05, rate_limit_name="arxiv-test")
    assert arxiv_rate_limit(settings) is None  # missing: only the in-process limiter applies
    assert "created" in ensure_arxiv_rate_limit(settings)
    assert "exists" in ensure_arxiv_rate_limit(settings)
    assert arxiv_rate_limit(settings) == "arxiv-test"

    api.add(*(paper(f"2511.{i:05d}", day=NOV3, minute=i) for i in range(12)))
    config = write_config(tmp_path, api, rate_limit="arxiv-test", delay=0.05)
    summary = poll_arxiv(config=config)
    assert summary["queries"][0]["fetched"] == 12 and len(api.requests) == 3
    assert min(b - a for a, b in zip(api.times, api.times[1:], strict=False)) >= 0.05
