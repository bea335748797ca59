"""What a flow run did is in its Prefect run logs and artifact, as the UI shows them (read back from the
session's Prefect API): each arXiv request's retry and failure, lock waits, one line per source,
what the modules below the flows log, and "arXiv not configured" when the config asks nothing of
arXiv (then no request is sent). A run whose arXiv requests all failed ends Failed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
from prefect.logging.handlers import APILogHandler

from flows.arxiv import enrich_arxiv, poll_arxiv
from flows.newsletters import poll_newsletters
from storage.snapshot import STAGING_PREFIX
from tests.arxiv_api import FakeArxiv, paper
from tests.flows.test_pipelines import demo  # noqa: F401  (fixture: a copy of the shipped demo)
from tests.storage.test_concurrency import reader_process

DEMO = Path(__file__).resolve().parents[2] / "demo"


def run_logs(state) -> list[str]:
    """The run's log lines as the API has them (the handler sends them in the background: flush first)."""
    APILogHandler().flush()
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [f"{log.name}: {log.message}" for log in logs]


def artifact(state, key: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    return next(a.data for a in found if a.key == key)


def arxiv_config(tmp_path: Path, api: FakeArxiv, *, queries: bool = True, enrich: bool = True) -> str:
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[arxiv]
api_url = "{api.url}"
enrich = {str(enrich).lower()}
delay_seconds = 0
backoff_seconds = 0.01
retries = 2
rate_limit_name = ""
""" + ('[[arxiv.queries]]\nname = "dlm"\ncategories = ["cs.CL"]\n' if queries else ""), encoding="utf-8")
    return str(config)


def newsletter_papers(tmp_path: Path, ids: list[str]) -> None:
    from datetime import UTC, datetime

    from records.documents import Document, Extraction, Item, PaperRef
    from storage.db import open_db
    from storage.newsletters import save_extractions

    doc = Document("news", "issue-1", None, "Issue", "<p/>", published=datetime(2025, 11, 4, tzinfo=UTC))
    with open_db(tmp_path / "radar.duckdb") as conn:
        item = Item("issue-1", 0, "Item", "text", papers=tuple(map(PaperRef, ids)))
        save_extractions(conn, [Extraction(doc, (item,))], fetched_at=datetime.now(UTC))


def test_an_arxiv_poll_whose_requests_all_fail_ends_failed_and_logs_each_retry(tmp_path, http_server):
    api = FakeArxiv(http_server)
    api.script += [FakeArxiv.unavailable()] * 3
    state = poll_arxiv(config=arxiv_config(tmp_path, api), return_state=True)
    assert state.is_failed(), state
    logs = "\n".join(run_logs(state))
    assert "retry 1 of 2" in logs and "retry 2 of 2" in logs and "503" in logs, logs
    assert "request given up after 3 attempts" in logs and "arXiv query dlm failed" in logs, logs
    report = artifact(state, "poll-arxiv-summary")
    assert "**Failed**" in report and f"3 requests to {api.url}, all failed; last error:" in report, report
    assert len(api.requests) == 3


def test_an_enrichment_whose_requests_all_fail_ends_failed_and_never_says_0_requests(tmp_path, http_server):
    api = FakeArxiv(http_server)
    newsletter_papers(tmp_path, ["2511.00001", "2511.00002"])
    api.script += [FakeArxiv.unavailable()] * 3
    state = enrich_arxiv(config=arxiv_config(tmp_path, api), return_state=True)
    assert state.is_failed(), state
    report = artifact(state, "enrich-arxiv-summary")
    assert "2 papers to look up" in report and "3 requests to" in report and "all failed" in report, report
    assert "503" in report and "0 requests" not in report and "requests: 0" not in report, report
    assert "retry 2 of 2" in "\n".join(run_logs(state))


def test_arxiv_not_configured_sends_nothing_and_says_so(tmp_path, http_server):
    api = FakeArxiv(http_server)
    api.add(paper("2511.00001"))
    newsletter_papers(tmp_path, ["2511.00001"])
    config = arxiv_config(tmp_path, api, queries=False, enrich=False)
    polled = poll_arxiv(config=config, return_state=True)
    enriched = enrich_arxiv(config=config, return_state=True)
    assert polled.is_completed() and enriched.is_completed()
    assert api.requests == []
    for state, key, missing in ((polled, "poll-arxiv-summary", "no [[arxiv.queries]]"),
                                (enriched, "enrich-arxiv-summary", "no `enrich = true` under [arxiv]")):
        expected = f"arXiv not configured: {missing} in {config}; no request sent"
        assert any(expected in line for line in run_logs(state)), run_logs(state)
        assert expected in artifact(state, key)


def test_lock_waits_per_source_results_and_module_logs_reach_the_run_log(demo, tmp_path):  # noqa: F811
    db = demo.parent / "data" / "radar.duckdb"
    db.parent.mkdir()
    from storage.db import open_db

    with open_db(db):
        pass
    leftover = demo.parent / "data" / "radar.snapshot" / f"{STAGING_PREFIX}19700101T000000Z-deadbeef"
    leftover.mkdir(parents=True)
    os.utime(leftover, (0, 0))  # a publish that died long ago: storage/snapshot.py logs its removal
    with reader_process(db) as holder:
        result: dict = {}
        run = threading.Thread(
            target=lambda: result.update(state=poll_newsletters(config=str(demo), return_state=True)))
        run.start()
        time.sleep(3)  # the run waits for the lock meanwhile
    run.join(timeout=120)
    state = result["state"]
    assert state.is_completed(), state
    logs = run_logs(state)
    assert any(f"waiting for the database lock on {db} held by PID {holder.pid}, 0 s of 60 s" in line
               for line in logs), logs
    for source, documents in (("sparse-gradients", 2), ("attention-span", 1), ("model-notes", 1),
                              ("tensor-tuesday", 1)):
        assert any(f"source {source}: ok, {documents} documents ({documents} new, 0 changed)" in line
                   for line in logs), logs
    assert any(line.startswith("storage.snapshot: removing") and "left over from a publish" in line
               for line in logs), logs


@pytest.fixture(autouse=True)
def _no_config_in_the_environment(monkeypatch):
    monkeypatch.delenv("RADAR_CONFIG", raising=False)
