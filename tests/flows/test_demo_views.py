"""Every view returns rows on the bundled demo data: a real demo poll (the Quick start's job), then a
real alert delivery to a fake Slack so that the ledger view has rows too."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.delivery import deliver_alerts
from flows.newsletters import poll_newsletters
from tests.alerts.fakes import TOKEN, FakeSlack, everything_to_slack

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ("papers_overview", "trending", "paper_code", "metrics_by_benchmark", "source_health", "alerts_log")


def test_every_view_has_rows_on_the_demo(backend, tmp_path, http_server, monkeypatch):
    slack = FakeSlack(http_server)
    monkeypatch.setenv("RADAR_DEMO_SLACK_TOKEN", TOKEN)
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    config = tmp_path / "radar.toml"
    config.write_text((ROOT / "radar.toml").read_text() + everything_to_slack(slack, "RADAR_DEMO_SLACK_TOKEN"))
    assert poll_newsletters(config=str(config))["failures"] == []
    deliver_alerts(config=str(config))
    assert slack.posts == []  # the demo sources' first poll is their archive: suppressed, not sent
    with backend.read(tmp_path / "data" / "radar.duckdb") as conn:
        counts = {v: conn.execute(f"SELECT count(*) FROM {v}").fetchone()[0] for v in VIEWS}
    assert all(counts.values()), counts
