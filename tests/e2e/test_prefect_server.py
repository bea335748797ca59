"""End to end on a real Prefect server: setup, `prefect deploy --all`, a process worker, and the
newsletter deployment run against feeds served over real HTTP. Checks what lands in DuckDB and that
the run's summary artifact agrees with it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.alerts.fakes import FakeSlack, everything_to_slack
from tests.alerts.test_email_chromium import FLAGS, ink, need_chromium
from tests.e2e.conftest import ROOT, PrefectServer

DEMO = ROOT / "demo"
pytestmark = pytest.mark.timeout(600)  # generous: server start-up alone may take 120 s on a loaded machine


def run_deployment(server: PrefectServer, name: str, **params: object) -> dict:
    """Trigger a deployment, wait for its end, and return the flow run as the API reports it."""
    args = ["prefect", "deployment", "run", name, "--watch", "--watch-timeout", "300"]
    for key, value in params.items():
        args += ["--param", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
    proc = server.run(*args, check=False, timeout=400)
    match = re.search(r"UUID: ([0-9a-f-]{36})", proc.stdout)
    assert match, proc.stdout + proc.stderr
    return server.api("GET", f"/flow_runs/{match.group(1)}").json()


def latest_artifact(server: PrefectServer, key: str, flow_run_id: str) -> dict:
    body = {"artifacts": {"key": {"any_": [key]}, "flow_run_id": {"any_": [flow_run_id]}}, "limit": 1}
    artifacts = server.api("POST", "/artifacts/filter", json=body).json()
    assert artifacts, f"no artifact {key} for flow run {flow_run_id}"
    return artifacts[0]


SCREENSHOTS = ROOT / "docs" / "img"


def screenshot_ui(server: PrefectServer, path: str, png: Path, tmp_path: Path) -> Path:
    """Headless Chromium on the server's UI page; `RADAR_UPDATE_DOCS=1` also refreshes docs/img."""
    chromium = need_chromium()
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1400,900",
                           "--virtual-time-budget=20000", f"--screenshot={png}", server.ui_url + path],
                          capture_output=True, text=True, timeout=120)
    assert png.exists(), f"chromium made no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    assert ink(png) > 0.02, f"{path}: the screenshot looks blank"
    if os.environ.get("RADAR_UPDATE_DOCS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, SCREENSHOTS / png.name)
    return png


def test_newsletter_deployment_on_a_real_server(deployed: PrefectServer, http_server, tmp_path):
    for path, file, kind in (("/sparse.xml", "feeds/sparse_gradients.xml", "application/rss+xml"),
                             ("/span.atom", "feeds/attention_span.atom", "application/atom+xml"),
                             ("/notes.html", "pages/model_notes_42.html", "text/html; charset=utf-8")):
        http_server.route(path, (DEMO / file).read_bytes(), headers={"Content-Type": kind}, etag=f'"{path}"')
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[[sources]]
name = "sparse"
kind = "feed"
url = "{http_server.url('/sparse.xml')}"
[[sources]]
name = "span"
kind = "feed"
url = "{http_server.url('/span.atom')}"
[[sources]]
name = "notes"
kind = "page"
url = "{http_server.url('/notes.html')}"
""")
    run = run_deployment(deployed, "poll-newsletters/hourly", config=str(config))
    assert run["state"]["type"] == "COMPLETED", run["state"]

    with duckdb.connect(str(tmp_path / "radar.duckdb"), read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "items", "papers", "mentions", "code_links", "metrics")}
    assert counts["documents"] == 4 and counts["papers"] >= 10

    artifact = latest_artifact(deployed, "poll-newsletters-summary", run["id"])
    summary = artifact["data"]
    rows_added = dict(re.findall(r"(\w+): (\d+)", summary.split("Rows added:")[1].splitlines()[0]))
    assert {k: int(v) for k, v in rows_added.items()} == counts
    for source in ("sparse", "span", "notes"):
        assert f"| {source} | ok |" in summary

    again = run_deployment(deployed, "poll-newsletters/hourly", config=str(config))
    assert again["state"]["type"] == "COMPLETED"
    summary = latest_artifact(deployed, "poll-newsletters-summary", again["id"])["data"]
    assert "| sparse | unchanged |" in summary and "documents: 0" in summary

    screenshot_ui(deployed, "/deployments", tmp_path / "prefect-deployments.png", tmp_path)
    screenshot_ui(deployed, f"/runs/flow-run/{run['id']}", tmp_path / "prefect-run.png", tmp_path)
    screenshot_ui(deployed, f"/artifacts/artifact/{artifact['id']}", tmp_path / "prefect-run-artifact.png", tmp_path)


def test_alerts_deployment_posts_new_papers_to_slack_once(deployed: PrefectServer, http_server, tmp_path):
    slack = FakeSlack(http_server)
    feed = (DEMO / "feeds/sparse_gradients.xml").read_text(encoding="utf-8")
    http_server.route("/sparse.xml", feed.encode(), headers={"Content-Type": "application/rss+xml"})
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[[sources]]
name = "sparse"
kind = "feed"
url = "{http_server.url('/sparse.xml')}"
""" + everything_to_slack(slack, "RADAR_E2E_SLACK_TOKEN"))
    assert run_deployment(deployed, "poll-newsletters/hourly", config=str(config))["state"]["type"] == "COMPLETED"
    # A new issue arrives after the first poll (whose archive is never alerted on).
    item = feed[feed.index("<item>"):feed.index("</item>") + len("</item>")]
    new_item = (item.replace("sparsegradients-issue-12", "sparsegradients-issue-13")
                .replace("https://arxiv.org/abs/2305.18290v2", "https://arxiv.org/abs/2312.00752"))
    http_server.route("/sparse.xml", feed.replace("<item>", new_item + "\n<item>", 1).encode(),
                      headers={"Content-Type": "application/rss+xml"})
    assert run_deployment(deployed, "poll-newsletters/hourly", config=str(config))["state"]["type"] == "COMPLETED"

    delivered = run_deployment(deployed, "deliver-alerts/instant", config=str(config))
    assert delivered["state"]["type"] == "COMPLETED", delivered["state"]
    # The new issue's papers (Mamba, new; Toolformer, seen before only in the first poll's archive)
    # go out; papers only the archive mentioned (chain-of-thought, issue 11) do not.
    posted = json.dumps(slack.posts)
    assert len(slack.posts) == 2 and "2312.00752" in posted and "2302.04761" in posted
    assert "2201.11903" not in posted and not slack.violations
    again = run_deployment(deployed, "deliver-alerts/instant", config=str(config))
    assert again["state"]["type"] == "COMPLETED" and len(slack.posts) == 2


def test_backfill_deployment_twice_over_overlapping_ranges(deployed: PrefectServer, http_server, tmp_path):
    slack = FakeSlack(http_server)
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(DEMO / "pages/model_notes_42.html", archive / "42.html")
    shutil.copy(DEMO / "mail/tensor_tuesday_2025-11-04.eml", archive / "tt.eml")
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
[[sources]]
name = "notes"
kind = "page"
path = "{archive}"
""" + everything_to_slack(slack, "RADAR_E2E_SLACK_TOKEN"))
    first = run_deployment(deployed, "backfill/manual", config=str(config), start="2025-11-01", end="2025-11-05",
                           sources=["notes"], archive=str(archive))
    assert first["state"]["type"] == "COMPLETED", first["state"]
    db = tmp_path / "radar.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "papers")}
        modes = {r[0] for r in conn.execute("SELECT DISTINCT ingest_mode FROM documents").fetchall()}
    assert counts["documents"] == 2 and counts["papers"] >= 4 and modes == {"backfill"}
    second = run_deployment(deployed, "backfill/manual", config=str(config), start="2025-11-03", end="2025-11-07",
                            sources=["notes"], archive=str(archive))
    assert second["state"]["type"] == "COMPLETED", second["state"]
    with duckdb.connect(str(db), read_only=True) as conn:
        assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts} == counts
        duplicates = conn.execute("SELECT count(*) - count(DISTINCT arxiv_id) FROM papers").fetchone()[0]
    assert duplicates == 0
    # The regular alert delivery must not send what the backfills brought in either.
    delivered = run_deployment(deployed, "deliver-alerts/instant", config=str(config))
    assert delivered["state"]["type"] == "COMPLETED", delivered["state"]
    assert slack.posts == []
    with duckdb.connect(str(db), read_only=True) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM alerts GROUP BY ALL").fetchall())
    assert set(statuses) == {"suppressed"} and statuses["suppressed"] >= 4


def test_deployments_cover_every_flow(deployed: PrefectServer):
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    deployed_names = {d["name"] for d in deployed.api("POST", "/deployments/filter", json={}).json()}
    assert deployed_names == {d["name"] for d in spec}
    flow_files = {f"flows/{p.name}" for p in (ROOT / "flows").glob("*.py") if "\n@flow(" in p.read_text()}
    assert flow_files <= {d["entrypoint"].split(":")[0].replace(".", "/") + ".py" for d in spec}
    for d in spec:
        assert d["work_pool"]["name"] and d.get("description") and d.get("tags"), d["name"]
