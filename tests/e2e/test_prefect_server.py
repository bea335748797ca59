"""End to end on a real Prefect server, set up as the README says (tests/e2e/conftest.py): `radar setup`,
`radar deploy --config` with a config outside the repository, a process worker, `radar run`.

The first test runs every deployment once as the deployed config (the bundled demo) and checks that
each scheduled and triggered run used that file and that no process (server, worker, flow runs)
looked up or contacted any host but localhost; the last does the same with `radar serve --config`
instead of the worker. Both then poll a config naming a real host, to show the guard was there to
catch it. The others run the newsletter, alert and backfill deployments against feeds
and a Slack fake served over real HTTP, passing their own config per run, and check what lands in
DuckDB and in the runs' artifacts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.alerts.fakes import FakeSlack, everything_to_slack
from tests.alerts.test_email_chromium import FLAGS, ink, need_chromium
from tests.e2e.conftest import BIN, ROOT, Deployed, PrefectServer, start, stop

DEMO = ROOT / "demo"
pytestmark = pytest.mark.timeout(600)  # generous: server start-up alone may take 120 s on a loaded machine
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def radar_run(server: PrefectServer, name: str, **params: object) -> dict:
    """`radar run NAME -p KEY=VALUE ...`: the flow run as the API reports it, with what the command printed."""
    args = ["radar", "run", name]
    for key, value in params.items():
        args += ["--param", f"{key}={json.dumps(value) if not isinstance(value, str) else value}"]
    proc = server.run(*args, check=False, timeout=700)
    match = re.search(r"/runs/flow-run/([0-9a-f-]{36})", proc.stdout)
    assert match, proc.stdout + proc.stderr
    run = server.api("GET", f"/flow_runs/{match.group(1)}").json()
    assert (proc.returncode == 0) == (run["state"]["type"] == "COMPLETED"), proc.stdout + proc.stderr
    return run | {"printed": proc.stdout}


def latest_artifact(server: PrefectServer, key: str, flow_run_id: str) -> dict:
    body = {"artifacts": {"key": {"any_": [key]}, "flow_run_id": {"any_": [flow_run_id]}}, "limit": 1}
    artifacts = server.api("POST", "/artifacts/filter", json=body).json()
    assert artifacts, f"no artifact {key} for flow run {flow_run_id}"
    return artifacts[0]


def run_log(server: PrefectServer, flow_run_id: str, expect: str | None = None, timeout: float = 60) -> str:
    """The run's log as the API has it. A run's state can read COMPLETED before its process has sent its
    last batch of log lines (the handler sends them in the background), so with `expect` this waits up to
    `timeout` seconds for that line to arrive and then returns whatever is there."""
    deadline = time.monotonic() + timeout
    while True:
        logs = server.api("POST", "/logs/filter", json={"logs": {"flow_run_id": {"any_": [flow_run_id]}},
                                                         "sort": "TIMESTAMP_ASC", "limit": 200}).json()
        text = "\n".join(f"{log['name']}: {log['message']}" for log in logs)
        if expect is None or expect in text or time.monotonic() > deadline:
            return text
        time.sleep(1)


def schedule_one_run(server: PrefectServer, deployment: dict) -> str:
    """One run from the deployment's own schedule, due in the past (what the scheduler service creates)."""
    now = datetime.now(UTC)
    server.api("POST", f"/deployments/{deployment['id']}/schedule",
               json={"start_time": (now - timedelta(days=4)).isoformat(), "end_time": now.isoformat(),
                     "min_runs": 1, "max_runs": 1})
    runs = server.api("POST", "/flow_runs/filter", json={"flow_runs": {
        "deployment_id": {"any_": [deployment["id"]]}, "state": {"type": {"any_": ["SCHEDULED"]}}}}).json()
    assert len(runs) == 1 and runs[0]["auto_scheduled"], runs
    return runs[0]["id"]


def wait_for(server: PrefectServer, run_ids: list[str], timeout: float = 400) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        runs = server.api("POST", "/flow_runs/filter", json={"flow_runs": {"id": {"any_": run_ids}}}).json()
        if all(r["state"]["type"] in FINAL for r in runs) or time.monotonic() > deadline:
            return runs
        time.sleep(2)


def test_every_deployment_runs_with_the_deployed_config_and_contacts_nothing_but_localhost(deployed: Deployed,
                                                                                          tmp_path):
    server, config = deployed.server, deployed.config
    readme_run = next(out for line, out in deployed.outputs.items() if line.startswith(".venv/bin/radar run"))
    assert "poll-newsletters/hourly: Completed" in readme_run and "sparse-gradients" in readme_run, readme_run
    deployments = server.api("POST", "/deployments/filter", json={}).json()
    assert {d["name"]: d["parameters"].get("config") for d in deployments} == {
        d["name"]: str(config) for d in deployments}

    flows = {f["id"]: f["name"] for f in server.api("POST", "/flows/filter", json={}).json()}
    scheduled = {f"{flows[d['flow_id']]}/{d['name']}": schedule_one_run(server, d) for d in deployments
                 if d["schedules"]}
    assert set(scheduled) == {"poll-newsletters/hourly", "poll-arxiv/daily", "enrich-arxiv/enrich",
                              "deliver-alerts/instant", "deliver-digest/digest"}
    backfill = radar_run(server, "backfill/manual", start="2025-11-01", end="2025-11-07")
    runs = {r["id"]: r for r in wait_for(server, list(scheduled.values()))} | {backfill["id"]: backfill}
    assert {r["state"]["type"] for r in runs.values()} == {"COMPLETED"}, {
        n: runs[i]["state"] for n, i in scheduled.items()}
    assert {r["parameters"]["config"] for r in runs.values()} == {str(config)}

    with duckdb.connect(str(config.parent / "data" / "radar.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    assert not (ROOT / "data" / "radar.duckdb").exists() or (
        (ROOT / "data" / "radar.duckdb").stat().st_mtime < deployed.started), "a run wrote the repository's database"
    for name, missing in (("poll-arxiv/daily", "no [[arxiv.queries]]"),
                          ("enrich-arxiv/enrich", "no `enrich = true` under [arxiv]")):
        expected = f"arXiv not configured: {missing} in {config}; no request sent"
        log = run_log(server, scheduled[name], expect=expected)
        assert expected in log, log
    # The README's `radar run` polled first: the scheduled poll found the same files unchanged.
    unchanged = "source sparse-gradients: unchanged, 0 documents"
    log = run_log(server, scheduled["poll-newsletters/hourly"], expect=unchanged)
    assert unchanged in log, log

    events = server.netguard_events()
    assert [e for e in events if e["event"] == "refused"] == []
    guarded = {e["flow_run_id"] for e in events if e["event"] == "loaded"}
    assert set(runs) <= guarded, "a flow-run process ran without the resolver guard"
    loaded = {e["pid"] for e in events if e["event"] == "loaded"}
    assert {server.pid, *(w.pid for w in server.processes)} <= loaded, "the server or worker ran unguarded"

    guard_catches_a_leak(server, tmp_path)


def guard_catches_a_leak(server: PrefectServer, tmp_path: Path) -> None:
    """The guard would have caught a lookup: a config naming a real host fails that source, loudly, in
    the flow-run process, and the refusal is recorded under that flow run (a control for the checks above)."""
    control = tmp_path / "leak" / "radar.toml"
    control.parent.mkdir()
    control.write_text('database = "radar.duckdb"\n[[sources]]\nname = "remote"\nkind = "feed"\n'
                       'url = "https://feeds.example.com/feed"\n', encoding="utf-8")
    seen = len(server.netguard_events())
    leak = radar_run(server, "poll-newsletters/hourly", config=str(control))
    assert leak["state"]["type"] == "COMPLETED"  # a failed source does not fail the run
    refused = [e for e in server.netguard_events()[seen:] if e["event"] == "refused"]
    assert refused and {(e["flow_run_id"], e["host"]) for e in refused} == {(leak["id"], "feeds.example.com")}
    assert "failed" in leak["printed"] and "netguard" in leak["printed"], leak["printed"]


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


def test_newsletter_deployment_on_a_real_server(deployed: Deployed, http_server, tmp_path):
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
    run = radar_run(deployed.server, "poll-newsletters/hourly", config=str(config))
    assert run["state"]["type"] == "COMPLETED", run["state"]

    with duckdb.connect(str(tmp_path / "radar.duckdb"), read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "items", "papers", "mentions", "code_links", "metrics")}
    assert counts["documents"] == 4 and counts["papers"] >= 10

    artifact = latest_artifact(deployed.server, "poll-newsletters-summary", run["id"])
    summary = artifact["data"]
    rows_added = dict(re.findall(r"(\w+): (\d+)", summary.split("Rows added:")[1].splitlines()[0]))
    assert {k: int(v) for k, v in rows_added.items()} == counts
    for source in ("sparse", "span", "notes"):
        assert f"| {source} | ok |" in summary

    again = radar_run(deployed.server, "poll-newsletters/hourly", config=str(config))
    assert again["state"]["type"] == "COMPLETED"
    summary = latest_artifact(deployed.server, "poll-newsletters-summary", again["id"])["data"]
    assert "| sparse | unchanged |" in summary and "documents: 0" in summary

    server = deployed.server
    screenshot_ui(server, "/deployments", tmp_path / "prefect-deployments.png", tmp_path)
    screenshot_ui(server, f"/runs/flow-run/{run['id']}", tmp_path / "prefect-run.png", tmp_path)
    screenshot_ui(server, f"/artifacts/artifact/{artifact['id']}", tmp_path / "prefect-run-artifact.png", tmp_path)


def test_alerts_deployment_posts_new_papers_to_slack_once(deployed: Deployed, http_server, tmp_path):
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
    assert radar_run(deployed.server, "poll-newsletters/hourly", config=str(config))["state"]["type"] == "COMPLETED"
    # A new issue arrives after the first poll (whose archive is never alerted on).
    item = feed[feed.index("<item>"):feed.index("</item>") + len("</item>")]
    new_item = (item.replace("sparsegradients-issue-12", "sparsegradients-issue-13")
                .replace("https://arxiv.org/abs/2305.18290v2", "https://arxiv.org/abs/2312.00752"))
    http_server.route("/sparse.xml", feed.replace("<item>", new_item + "\n<item>", 1).encode(),
                      headers={"Content-Type": "application/rss+xml"})
    assert radar_run(deployed.server, "poll-newsletters/hourly", config=str(config))["state"]["type"] == "COMPLETED"

    delivered = radar_run(deployed.server, "deliver-alerts/instant", config=str(config))
    assert delivered["state"]["type"] == "COMPLETED", delivered["state"]
    # The new issue's papers (Mamba, new; Toolformer, seen before only in the first poll's archive)
    # go out; papers only the archive mentioned (chain-of-thought, issue 11) do not.
    posted = json.dumps(slack.posts)
    assert len(slack.posts) == 2 and "2312.00752" in posted and "2302.04761" in posted
    assert "2201.11903" not in posted and not slack.violations
    again = radar_run(deployed.server, "deliver-alerts/instant", config=str(config))
    assert again["state"]["type"] == "COMPLETED" and len(slack.posts) == 2


def test_backfill_deployment_twice_over_overlapping_ranges(deployed: Deployed, http_server, tmp_path):
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
    first = radar_run(deployed.server, "backfill/manual", config=str(config), start="2025-11-01", end="2025-11-05",
                           sources=["notes"], archive=str(archive))
    assert first["state"]["type"] == "COMPLETED", first["state"]
    db = tmp_path / "radar.duckdb"
    with duckdb.connect(str(db), read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "papers")}
        modes = {r[0] for r in conn.execute("SELECT DISTINCT ingest_mode FROM documents").fetchall()}
    assert counts["documents"] == 2 and counts["papers"] >= 4 and modes == {"backfill"}
    second = radar_run(deployed.server, "backfill/manual", config=str(config), start="2025-11-03", end="2025-11-07",
                            sources=["notes"], archive=str(archive))
    assert second["state"]["type"] == "COMPLETED", second["state"]
    with duckdb.connect(str(db), read_only=True) as conn:
        assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts} == counts
        duplicates = conn.execute("SELECT count(*) - count(DISTINCT arxiv_id) FROM papers").fetchone()[0]
    assert duplicates == 0
    # The regular alert delivery must not send what the backfills brought in either.
    delivered = radar_run(deployed.server, "deliver-alerts/instant", config=str(config))
    assert delivered["state"]["type"] == "COMPLETED", delivered["state"]
    assert slack.posts == []
    with duckdb.connect(str(db), read_only=True) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM alerts GROUP BY ALL").fetchall())
    assert set(statuses) == {"suppressed"} and statuses["suppressed"] >= 4


def test_deployments_cover_every_flow(deployed: Deployed):
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    deployed_names = {d["name"] for d in deployed.server.api("POST", "/deployments/filter", json={}).json()}
    assert deployed_names == {d["name"] for d in spec}
    flow_files = {f"flows/{p.name}" for p in (ROOT / "flows").glob("*.py") if "\n@flow(" in p.read_text()}
    assert flow_files <= {d["entrypoint"].split(":")[0].replace(".", "/") + ".py" for d in spec}
    for d in spec:
        assert d["work_pool"]["name"] and d.get("description") and d.get("tags"), d["name"]


def test_served_deployments_run_with_the_config_and_contact_nothing_but_localhost(deployed: Deployed, tmp_path):
    """`radar serve --config` instead of a worker (it takes over the deployments of the same names: last)."""
    server, config = deployed.server, deployed.config
    for worker in server.processes:
        stop(worker)  # the served process alone runs what is scheduled now
    refused = server.run("radar", "serve", "--config", str(config), check=False, timeout=120)
    assert refused.returncode == 2 and "already deployed to a work pool on this server" in refused.stderr
    for d in server.api("POST", "/deployments/filter", json={}).json():
        server.api("DELETE", f"/deployments/{d['id']}")  # as the refusal says
    before = {e["pid"] for e in server.netguard_events()}
    log = server.home / "serve.log"
    serving = start([str(BIN / "radar"), "serve", "--config", str(config)], server.env, log)
    server.processes.append(serving)
    deadline = time.monotonic() + 180
    while "Your deployments are being served" not in log.read_text() and time.monotonic() < deadline:
        assert serving.poll() is None, log.read_text()
        time.sleep(1)
    deployments = server.api("POST", "/deployments/filter", json={}).json()
    assert {d["parameters"].get("config") for d in deployments} == {str(config)}
    assert len(deployments) == 7, [d["name"] for d in deployments]
    scheduled = [schedule_one_run(server, d) for d in deployments if d["schedules"]]
    backfill = radar_run(server, "backfill/manual", start="2025-11-01", end="2025-11-07")
    runs = wait_for(server, scheduled) + [backfill]
    assert len(runs) == 6 and {r["state"]["type"] for r in runs} == {"COMPLETED"}, [r["state"] for r in runs]
    assert {r["parameters"]["config"] for r in runs} == {str(config)}
    events = [e for e in server.netguard_events() if e["pid"] not in before]
    assert serving.pid in {e["pid"] for e in events if e["event"] == "loaded"}
    assert {r["id"] for r in runs} <= {e["flow_run_id"] for e in events if e["event"] == "loaded"}
    assert [e for e in events if e["event"] == "refused"] == []
    guard_catches_a_leak(server, tmp_path)
