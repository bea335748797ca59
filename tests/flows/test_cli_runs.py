"""`radar poll` and `radar arxiv enrich` run in this process without PREFECT_API_URL (no flow run on
any server, the run's warnings on stderr), and as flow runs on the server when it is set, with Prefect's
flow-run heartbeats only when `[prefect] cli_flow_heartbeats` asks for them."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL
from typer.testing import CliRunner

from radar.cli import app
from tests.arxiv_api import FakeArxiv

ROOT = Path(__file__).resolve().parents[2]


def flow_runs(name: str) -> int:
    with get_client(sync_client=True) as client:
        return len(client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name]))))


def demo_with_a_missing_source(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    config = tmp_path / "radar.toml"
    config.write_text((ROOT / "radar.toml").read_text(encoding="utf-8")
                      + '\n[[sources]]\nname = "gone"\nkind = "feed"\npath = "demo/feeds/gone.xml"\n',
                      encoding="utf-8")
    return config


def test_a_poll_without_a_server_runs_in_process_and_prints_its_warnings(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config = demo_with_a_missing_source(tmp_path)
    before = flow_runs("poll-newsletters")
    result = CliRunner().invoke(app, ["poll", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 1  # one source failed, the others were saved
    assert "Rows added: documents 5" in result.stdout
    assert "warning: source gone failed:" in result.stderr and "gone.xml" in result.stderr
    assert flow_runs("poll-newsletters") == before


def test_with_prefect_api_url_a_poll_is_a_flow_run_on_that_server(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    config = demo_with_a_missing_source(tmp_path)
    before = flow_runs("poll-newsletters")
    result = CliRunner().invoke(app, ["poll", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "Rows added: documents 5" in result.stdout
    assert flow_runs("poll-newsletters") == before + 1


def test_an_enrichment_that_failed_on_the_server_still_prints_its_summary(tmp_path, monkeypatch, http_server):
    from tests.flows.test_run_logs import arxiv_config, newsletter_papers

    api = FakeArxiv(http_server)
    api.script += [FakeArxiv.unavailable()] * 3
    newsletter_papers(tmp_path, ["2511.00001"])
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    result = CliRunner().invoke(app, ["arxiv", "enrich", "--config", arxiv_config(tmp_path, api)])
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Asked arXiv about 0 papers in 3 requests" in result.stdout
    assert "1 papers to look up, none looked up: 3 requests sent, 3 failed" in result.stderr


def latest_flow_run_id(name: str) -> str:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])),
                                     sort=FlowRunSort.START_TIME_DESC, limit=1)
    return str(runs[0].id)


def events_of(flow_run_id: str, *names: str) -> list[str]:
    body = {"filter": {"event": {"name": list(names)}, "resource": {"id": [f"prefect.flow-run.{flow_run_id}"]},
                       "occurred": {"since": "2020-01-01T00:00:00Z"}}, "limit": 50}
    response = httpx.post(f"{PREFECT_API_URL.value()}/events/filter", json=body, timeout=10)
    response.raise_for_status()
    return [event["event"] for event in response.json()["events"]]


def test_a_cli_run_on_a_server_sends_heartbeats_only_when_the_config_asks(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    config = tmp_path / "radar.toml"
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    base = (ROOT / "radar.toml").read_text(encoding="utf-8")
    runs = {}
    for send in (False, True):
        config.write_text(base + f"\n[prefect]\ncli_flow_heartbeats = {str(send).lower()}\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["poll", "--config", str(config)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.stdout + result.stderr
        runs[send] = latest_flow_run_id("poll-newsletters")
    assert runs[False] != runs[True]
    # Events reach the server's store a little later: wait for the heartbeat of the run that sends them
    # (its first one goes out as the run starts) and for the other run's end.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sent = events_of(runs[True], "prefect.flow-run.heartbeat")
        ended = events_of(runs[False], "prefect.flow-run.Completed")
        if sent and ended:
            break
        time.sleep(0.5)
    assert sent == ["prefect.flow-run.heartbeat"] and ended == ["prefect.flow-run.Completed"]
    assert events_of(runs[False], "prefect.flow-run.heartbeat") == []
