"""End to end on a real Prefect server: setup, `prefect deploy --all`, a process worker, and the
newsletter deployment run against feeds served over real HTTP. Checks what lands in DuckDB and that
the run's summary artifact agrees with it."""

from __future__ import annotations

import json
import re

import duckdb
import pytest
import yaml

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


def latest_artifact(server: PrefectServer, key: str, flow_run_id: str) -> str:
    body = {"artifacts": {"key": {"any_": [key]}, "flow_run_id": {"any_": [flow_run_id]}}, "limit": 1}
    artifacts = server.api("POST", "/artifacts/filter", json=body).json()
    assert artifacts, f"no artifact {key} for flow run {flow_run_id}"
    return artifacts[0]["data"]


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

    summary = latest_artifact(deployed, "poll-newsletters-summary", run["id"])
    rows_added = dict(re.findall(r"(\w+): (\d+)", summary.split("Rows added:")[1].splitlines()[0]))
    assert {k: int(v) for k, v in rows_added.items()} == counts
    for source in ("sparse", "span", "notes"):
        assert f"| {source} | ok |" in summary

    again = run_deployment(deployed, "poll-newsletters/hourly", config=str(config))
    assert again["state"]["type"] == "COMPLETED"
    summary = latest_artifact(deployed, "poll-newsletters-summary", again["id"])
    assert "| sparse | unchanged |" in summary and "documents: 0" in summary


def test_deployments_cover_every_flow(deployed: PrefectServer):
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    deployed_names = {d["name"] for d in deployed.api("POST", "/deployments/filter", json={}).json()}
    assert deployed_names == {d["name"] for d in spec}
    flow_files = {f"flows/{p.name}" for p in (ROOT / "flows").glob("*.py") if "\n@flow(" in p.read_text()}
    assert flow_files <= {d["entrypoint"].split(":")[0] for d in spec}
    for d in spec:
        assert d["work_pool"]["name"] and d.get("description") and d.get("tags"), d["name"]
