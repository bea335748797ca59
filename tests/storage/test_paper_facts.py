"""`load_paper_facts` reads what a plain row-by-row reading of the tables and the `paper_code` view gives."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from records.arxiv import ArxivEntry, ArxivPaper
from records.documents import CodeLink, Metric
from records.facts import MentionFact, MetricFact, PaperFacts
from storage.arxiv import save_arxiv_entries
from storage.db import open_db
from storage.ledger import load_paper_facts
from tests.storage.sample import FLASH, FORK, OFFICIAL, SWE, save_sample


def _arxiv(arxiv_id: str, repo: str) -> ArxivEntry:
    at = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
    paper = ArxivPaper(arxiv_id, 2, "A title", ("Ada", "Alan"), "An abstract.", "cs.CL", ("cs.CL", "cs.LG"), at,
                       at + timedelta(days=1))
    return ArxivEntry(paper, (CodeLink(repo, "github.com"),), (Metric(61.2, "%", "GSM8K", kind="score"),))


def _plain_reading(conn) -> list[PaperFacts]:
    """Each table row by row with `fetchall`, code links from the `paper_code` view, grouped in dicts."""
    def utc(value):
        return None if value is None else value.astimezone(UTC)

    mentions, code, metrics = defaultdict(list), defaultdict(list), defaultdict(list)
    for a, *rest in conn.execute(
            "SELECT m.arxiv_id, m.source, m.role, i.title, i.text, d.title, d.url, m.url, "
            "coalesce(d.published_at, d.first_seen_at), d.ingest_mode FROM mentions m JOIN documents d "
            "ON d.source = m.source AND d.doc_key = m.doc_key LEFT JOIN items i ON i.source = m.source "
            "AND i.doc_key = m.doc_key AND i.position = m.position "
            "ORDER BY m.arxiv_id, coalesce(d.published_at, d.first_seen_at), m.source, m.doc_key, m.position"
    ).fetchall():
        mentions[a].append(MentionFact(*rest[:7], utc(rest[7]), rest[8]))
    for a, url in conn.execute("SELECT arxiv_id, repo_url FROM paper_code "
                               "ORDER BY arxiv_id, n_sources DESC, n_mentions DESC, repo_url").fetchall():
        code[a].append(url)
    for a, *rest in conn.execute(
            "SELECT m.arxiv_id, m.name, m.value, m.unit, m.kind, m.qualifier, m.source, "
            "coalesce(d.published_at, d.first_seen_at), m.ordinal, m.direction, m.snippet FROM metrics m "
            "LEFT JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key WHERE m.arxiv_id IS NOT NULL "
            "ORDER BY m.arxiv_id, m.source, m.doc_key, m.position, m.ordinal").fetchall():
        metrics[a].append(MetricFact(*rest[:6], utc(rest[6]), *rest[7:]))
    return [PaperFacts(a, t, ab, tuple(au or ()), tuple(c or ()), pdf, v, mode, tuple(mentions[a]), tuple(code[a]),
                       tuple(metrics[a]))
            for a, t, ab, au, c, pdf, v, mode in conn.execute(
                "SELECT arxiv_id, title, abstract, authors, categories, pdf_url, latest_version, arxiv_ingest_mode "
                "FROM papers ORDER BY last_seen_at DESC, arxiv_id").fetchall()]


def test_facts_are_the_plain_reading_of_tables_and_view(backend, tmp_path):
    with open_db(backend.store(tmp_path / "radar.duckdb")) as conn:
        save_sample(conn)
        # links only arXiv gives: one first in the alphabet but least cited, one for a paper with another link
        save_arxiv_entries(conn, [_arxiv(SWE, "https://github.com/AAA/swe-mirror"),
                                  _arxiv(FLASH, "https://github.com/arxiv-only/flash")],
                           at=datetime(2026, 11, 28, tzinfo=UTC), ingest_mode="poll")
        facts = load_paper_facts(conn)
        assert facts == _plain_reading(conn)
        assert repr(facts) == repr(_plain_reading(conn))  # the same types too (no 1 for 1.0)
    by_id = {p.arxiv_id: p for p in facts}
    assert by_id[SWE].code_urls == (OFFICIAL, "https://github.com/AAA/swe-mirror", FORK)  # most cited first
    assert "https://github.com/arxiv-only/flash" in by_id[FLASH].code_urls
    assert by_id[SWE].n_sources == 3 and all(m.seen_at.tzinfo is not None for m in by_id[SWE].mentions)
