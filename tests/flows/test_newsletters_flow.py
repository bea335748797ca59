"""The poll-newsletters flow through Prefect, against feeds served by a real local HTTP server, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.newsletters import poll_newsletters
from storage.schema import TABLES

DEMO = Path(__file__).resolve().parents[2] / "demo"


@pytest.fixture
def served(http_server):
    """The demo newsletters over HTTP (with ETags), plus a failing and a malformed source."""
    http_server.route("/sparse.xml", (DEMO / "feeds/sparse_gradients.xml").read_bytes(),
                      headers={"Content-Type": "application/rss+xml; charset=utf-8"}, etag='"sg-1"')
    http_server.route("/span.atom", (DEMO / "feeds/attention_span.atom").read_bytes(),
                      headers={"Content-Type": "application/atom+xml"}, last_modified="Wed, 05 Nov 2025 09:00:00 GMT")
    http_server.route("/notes.html", (DEMO / "pages/model_notes_42.html").read_bytes(),
                      headers={"Content-Type": "text/html; charset=utf-8"}, etag='"mn-42"')
    http_server.route("/broken", b"oops", status=500)
    http_server.route("/junk.xml", b"<html><body><h1>Service unavailable</h1></body></html>",
                      headers={"Content-Type": "application/rss+xml"})
    return http_server


def write_config(tmp_path: Path, server, *, extra: str = "") -> Path:
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[fetch]
timeout_seconds = 5
retries = 1
retry_delay_seconds = 0
local_roots = ["{DEMO}"]  # the config is kept apart from the demo mail it reads
[[sources]]
name = "sparse"
kind = "feed"
url = "{server.url('/sparse.xml')}"
[[sources]]
name = "span"
kind = "feed"
url = "{server.url('/span.atom')}"
[[sources]]
name = "notes"
kind = "page"
url = "{server.url('/notes.html')}"
[[sources]]
name = "mail"
kind = "email"
path = "{DEMO / 'mail'}"
{extra}
""", encoding="utf-8")
    return config


def counts(backend, db: Path) -> dict[str, int]:
    with backend.read(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_poll_saves_every_source_and_second_run_adds_nothing(backend, tmp_path, served):
    config = write_config(tmp_path, served)
    first = poll_newsletters(config=str(config))
    assert first["failures"] == []
    by_source = {s["source"]: s for s in first["sources"]}
    assert by_source["sparse"]["new_documents"] == 2
    assert by_source["mail"]["new_documents"] == 1
    after_first = counts(backend, tmp_path / "radar.duckdb")
    assert after_first["papers"] >= 12 and after_first["code_links"] >= 6 and after_first["metrics"] >= 10
    assert first["totals"]["papers"] == after_first["papers"]

    second = poll_newsletters(config=str(config))
    assert counts(backend, tmp_path / "radar.duckdb") == after_first
    assert set(second["totals"].values()) == {0}
    statuses = {s["source"]: s["status"] for s in second["sources"]}
    assert statuses == {"sparse": "unchanged", "span": "unchanged", "notes": "unchanged",
                        "mail": "unchanged"}
    conditional = [r for r in served.requests if r.path == "/sparse.xml"]
    assert conditional[-1].headers.get("if-none-match") == '"sg-1"'


def test_failing_sources_are_recorded_and_do_not_stop_the_others(backend, tmp_path, served):
    extra = f"""
[[sources]]
name = "broken"
kind = "feed"
url = "{served.url('/broken')}"
[[sources]]
name = "junk"
kind = "feed"
url = "{served.url('/junk.xml')}"
"""
    config = write_config(tmp_path, served, extra=extra)
    summary = poll_newsletters(config=str(config))
    failed = {f["source"]: f["error"] for f in summary["failures"]}
    assert set(failed) == {"broken", "junk"}
    assert failed["broken"] == f"source 'broken': {served.url('/broken')} answered HTTP 500 Internal Server Error"
    assert failed["junk"] == f"{served.url('/junk.xml')}: not a readable feed (no RSS, Atom or RDF feed element)"
    assert len([r for r in served.requests if r.path == "/broken"]) == 2  # 5xx is retried once
    ok = {s["source"] for s in summary["sources"] if s["status"] == "ok"}
    assert ok == {"sparse", "span", "notes", "mail"}
    with backend.read(tmp_path / "radar.duckdb") as conn:
        rows = dict(conn.execute("SELECT name, consecutive_failures FROM sources").fetchall())
    assert rows["broken"] == 1 and rows["junk"] == 1 and rows["sparse"] == 0


def test_first_poll_of_a_source_is_marked_so_it_never_floods_alerts(backend, tmp_path, served):
    config = write_config(tmp_path, served)
    poll_newsletters(config=str(config))
    # The feed publishes a new issue: that one is news, the archive seen on the first poll is not.
    feed = (DEMO / "feeds/sparse_gradients.xml").read_text(encoding="utf-8")
    new_entry = feed[feed.index("<item>"):feed.index("</item>") + len("</item>")]
    new_entry = new_entry.replace("sparsegradients-issue-12", "sparsegradients-issue-13")
    served.route("/sparse.xml", feed.replace("<item>", new_entry + "\n<item>", 1).encode(),
                 headers={"Content-Type": "application/rss+xml; charset=utf-8"}, etag='"sg-2"')
    summary = poll_newsletters(config=str(config))
    assert {s["source"]: s["new_documents"] for s in summary["sources"]}["sparse"] == 1
    with backend.read(tmp_path / "radar.duckdb") as conn:
        modes = dict(conn.execute("SELECT doc_key, ingest_mode FROM documents WHERE source = 'sparse'").fetchall())
    assert modes == {"sparsegradients-issue-11": "first_poll", "sparsegradients-issue-12": "first_poll",
                     "sparsegradients-issue-13": "poll"}
