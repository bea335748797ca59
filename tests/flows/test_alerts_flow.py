"""The deliver-alerts flow through Prefect: a delivered run, and a failed delivery ending the run Failed."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.delivery import deliver_alerts, deliver_digest
from tests.alerts.conftest import RULES, channels_toml, write_config
from tests.alerts.fakes import TOKEN, FakeSlack
from tests.httpserver import Reply
from tests.storage.sample import SWE, make_sample_db


def test_deliver_alerts_flow_sends_then_a_failure_ends_the_run_failed(backend, tmp_path, http_server, monkeypatch):
    slack = FakeSlack(http_server)
    monkeypatch.setenv("RADAR_TEST_SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("RADAR_TEST_WEBHOOK", slack.webhook_url)
    db = tmp_path / "radar.duckdb"
    make_sample_db(backend.store(db))
    config = write_config(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))

    summary = deliver_alerts(config=str(config))
    assert summary["channels"] == {"research": {"messages": 1, "alerts": 1, "recovered": 0}}
    assert [p["metadata"]["event_payload"]["keys"] for p in slack.posts] == [[SWE]]
    assert deliver_digest(config=str(config))["channels"] == {}

    other = db if backend.lake else Path(shutil.copy(db, tmp_path / "other.duckdb"))  # a lake: the same one
    config = write_config(tmp_path, other, channels_toml(slack) + RULES.format(routes='["hook"]'))
    slack.fail_next("webhook", Reply(403, b"invalid_token"))
    state = deliver_alerts(config=str(config), return_state=True)
    assert state.is_failed()
    assert "slack webhook hook: HTTP 403: invalid_token" in state.message
    assert slack.webhook_url not in state.message
