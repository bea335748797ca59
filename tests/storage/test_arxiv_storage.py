"""storage/arxiv.py and storage/health.py: idempotent upserts, latest version wins, cursors, warnings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from records.arxiv import ArxivEntry, ArxivPaper
from records.documents import CodeLink, Document, Extraction, Item, Metric, PaperRef
from storage.arxiv import (
    load_cursors,
    load_done_days,
    load_ids_to_enrich,
    mark_unknown,
    save_arxiv_entries,
    save_checkpoint,
    save_cursor,
)
from storage.db import open_db
from storage.health import HealthWarning, save_health, stalled_feeds
from storage.newsletters import save_extractions

T0 = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
REPO = CodeLink("https://github.com/acme/dlm", "github.com")


def entry(arxiv_id: str = "2511.00001", version: int = 1, **kw) -> ArxivEntry:
    paper = ArxivPaper(arxiv_id, version, kw.pop("title", f"Title v{version}"), ("Ada", "Alan"), "Abstract.",
                       "cs.CL", ("cs.CL", "cs.LG"), T0, T0 + timedelta(days=version - 1), **kw)
    return ArxivEntry(paper, (REPO,), (Metric(61.2, "%", "GSM8K", kind="score"),))


@pytest.fixture
def conn(backend, tmp_path):
    with open_db(backend.store(tmp_path / "radar.duckdb")) as conn:
        yield conn


def rows(conn, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_saving_twice_adds_nothing(conn):
    first = save_arxiv_entries(conn, [entry(), entry("2511.00002")], at=T0, ingest_mode="poll")
    assert (first.new_papers, first.code_links, first.metrics) == (2, 2, 2)
    before = rows(conn, "SELECT * FROM papers ORDER BY arxiv_id")
    again = save_arxiv_entries(conn, [entry(), entry("2511.00002")], at=T0 + timedelta(hours=1), ingest_mode="poll")
    assert again.new_papers == 0
    assert rows(conn, "SELECT count(*) FROM papers") == [(2,)]
    assert rows(conn, "SELECT count(*) FROM code_links WHERE source = 'arxiv'") == [(2,)]
    assert rows(conn, "SELECT count(*) FROM metrics WHERE source = 'arxiv'") == [(2,)]
    assert [r[:3] for r in rows(conn, "SELECT * FROM papers ORDER BY arxiv_id")] == [r[:3] for r in before]


def test_v1_then_v2_is_one_row_with_version_2_and_an_old_listing_never_rolls_back(conn):
    save_arxiv_entries(conn, [entry(version=1)], at=T0, ingest_mode="backfill")
    save_arxiv_entries(conn, [entry(version=2)], at=T0, ingest_mode="poll")
    save_arxiv_entries(conn, [entry(version=1)], at=T0, ingest_mode="poll")  # an old listing replayed
    assert rows(conn, "SELECT arxiv_id, latest_version, title, arxiv_ingest_mode, arxiv_status FROM papers") == [
        ("2511.00001", 2, "Title v2", "backfill", "ok")]
    # Both versions in one batch: the later wins.
    save_arxiv_entries(conn, [entry("2511.00009", 3), entry("2511.00009", 2)], at=T0, ingest_mode="poll")
    assert rows(conn, "SELECT latest_version FROM papers WHERE arxiv_id = '2511.00009'") == [(3,)]


def test_arxiv_code_links_and_metadata_show_in_the_views(conn):
    save_arxiv_entries(conn, [entry()], at=T0, ingest_mode="poll")
    assert rows(conn, "SELECT arxiv_id, repo_url, sources FROM paper_code") == [
        ("2511.00001", REPO.url, ["arxiv"])]
    assert rows(conn, "SELECT code_url, authors, categories, arxiv_status FROM papers_overview") == [
        (REPO.url, ["Ada", "Alan"], ["cs.CL", "cs.LG"], "ok")]


def test_enrichment_fills_newsletter_papers_and_rests_unknown_ids(conn):
    doc = Document("news", "issue-1", None, "Issue 1", "<p>x</p>", published=T0)
    item = Item("issue-1", 0, "Item", "text", papers=(PaperRef("2511.00001", 1), PaperRef("2511.77777")))
    save_extractions(conn, [Extraction(doc, (item,))], fetched_at=T0)
    assert load_ids_to_enrich(conn, now=T0, recheck_unknown_days=30) == ["2511.00001", "2511.77777"]
    save_arxiv_entries(conn, [entry()], at=T0, ingest_mode=None)
    mark_unknown(conn, ["2511.77777"], at=T0)
    assert load_ids_to_enrich(conn, now=T0 + timedelta(days=1), recheck_unknown_days=30) == []
    assert load_ids_to_enrich(conn, now=T0 + timedelta(days=31), recheck_unknown_days=30) == ["2511.77777"]
    assert rows(conn, "SELECT arxiv_id, arxiv_status, arxiv_ingest_mode, first_seen_at = ? FROM papers "
                      "ORDER BY 1".replace("?", f"'{T0.isoformat()}'")) == [
        ("2511.00001", "ok", None, True), ("2511.77777", "unknown", None, True)]


def test_cursor_counts_empty_weekday_polls_only(conn):
    monday, saturday = datetime(2025, 11, 3, 12, tzinfo=UTC), datetime(2025, 11, 8, 12, tzinfo=UTC)
    save_cursor(conn, query_name="q", search_query="cat:cs.CL", newest=T0, polled_at=monday, entries=5)
    for day in range(1, 4):  # Tuesday to Thursday: nothing
        save_cursor(conn, query_name="q", search_query="cat:cs.CL", newest=None,
                    polled_at=monday + timedelta(days=day), entries=0)
    cursor = save_cursor(conn, query_name="q", search_query="cat:cs.CL", newest=None, polled_at=saturday, entries=0)
    assert (cursor.consecutive_empty_weekday_polls, cursor.polls_with_entries, cursor.newest_updated_at) == (3, 1, T0)
    cursor = save_cursor(conn, query_name="q", search_query="cat:cs.CL", newest=T0 + timedelta(days=9),
                         polled_at=saturday + timedelta(days=2), entries=1)
    assert cursor.consecutive_empty_weekday_polls == 0 and cursor.newest_updated_at == T0 + timedelta(days=9)
    assert list(load_cursors(conn)) == ["q"]


def test_checkpoints_are_per_query_text(conn):
    save_checkpoint(conn, search_query="cat:cs.CL", query_name="q", day=T0.date(), entries=3, at=T0)
    save_checkpoint(conn, search_query="cat:cs.CL", query_name="q", day=T0.date(), entries=3, at=T0)
    assert load_done_days(conn, "cat:cs.CL") == {T0.date(): 3}
    assert load_done_days(conn, "cat:cs.LG") == {}


def test_warnings_open_refresh_resolve_and_reopen(conn):
    w = HealthWarning("arxiv:q", "arxiv_silent", "quiet")
    save_health(conn, [w], checked=[("arxiv:q", "arxiv_silent")], at=T0)
    save_health(conn, [replace(w, message="still quiet")], checked=[("arxiv:q", "arxiv_silent")],
                at=T0 + timedelta(days=1))
    assert rows(conn, "SELECT message, first_seen_at = last_seen_at, resolved_at FROM source_health_warnings") == [
        ("still quiet", False, None)]
    save_health(conn, [], checked=[("arxiv:q", "arxiv_silent")], at=T0 + timedelta(days=2))
    assert rows(conn, "SELECT resolved_at IS NOT NULL FROM source_health_warnings") == [(True,)]
    save_health(conn, [w], checked=[], at=T0 + timedelta(days=3))
    assert rows(conn, "SELECT resolved_at IS NULL, first_seen_at FROM source_health_warnings") == [
        (True, T0 + timedelta(days=3))]


def test_a_weekly_feed_silent_for_a_month_is_stalled(conn):
    docs = [Document("weekly", f"i{n}", None, f"Issue {n}", "<p/>", published=T0 - timedelta(days=7 * n))
            for n in range(5)]
    save_extractions(conn, [Extraction(d, ()) for d in docs], fetched_at=T0)
    assert stalled_feeds(conn, factor=3, now=T0 + timedelta(days=14)) == []
    [warning] = stalled_feeds(conn, factor=3, now=T0 + timedelta(days=30))
    assert warning.subject == "weekly" and "7.0 days" in warning.message


def test_a_polled_paper_survives_a_reextraction_that_drops_its_newsletter_mention(conn):
    save_arxiv_entries(conn, [entry()], at=T0, ingest_mode="poll")
    doc = Document("news", "issue-1", None, "Issue 1", "<p>x</p>", published=T0)
    item = Item("issue-1", 0, "Item", "text", papers=(PaperRef("2511.00001"), PaperRef("2511.00002")))
    save_extractions(conn, [Extraction(doc, (item,))], fetched_at=T0)
    save_extractions(conn, [Extraction(doc, ())], fetched_at=T0, replace_unchanged=True)
    assert rows(conn, "SELECT arxiv_id, title FROM papers") == [("2511.00001", "Title v1")]
