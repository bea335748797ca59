"""prefect.yaml's deployments carry the config they are deployed or served with, never a relative one,
and a flow run given no config fails saying how to give it one instead of reading the working
directory's radar.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from flows.deployments import load_deployments, runner_deployments, with_config
from flows.newsletters import poll_newsletters

ROOT = Path(__file__).resolve().parents[2]
PREFECT_YAML = ROOT / "prefect.yaml"


def test_prefect_yaml_names_no_config_file():
    assert all("config" not in d.parameters for d in load_deployments(PREFECT_YAML))


def test_deploying_gives_every_deployment_the_absolute_config_and_the_project_folder(tmp_path):
    config = tmp_path / "srv" / "radar.toml"
    data = with_config(PREFECT_YAML, config, ROOT)
    assert [d["parameters"]["config"] for d in data["deployments"]] == [str(config)] * len(data["deployments"])
    assert data["pull"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    backfill = next(d for d in data["deployments"] if d["name"] == "manual")
    assert backfill["parameters"] == {"alert": False, "config": str(config)}
    original = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    assert [d["schedules"] if "schedules" in d else None for d in data["deployments"]] == [
        d.get("schedules") for d in original["deployments"]]


def test_served_deployments_carry_the_config(tmp_path):
    config = tmp_path / "radar.toml"
    served = runner_deployments(PREFECT_YAML, config)
    assert {d.name for d in served} == {d.name for d in load_deployments(PREFECT_YAML)}
    assert {d.parameters["config"] for d in served} == {str(config)}
    assert {d.name for d in served if d.schedules} == {"hourly", "daily", "enrich", "instant", "digest"}


# What a served run's process does first: load its deployment's flow from the entrypoint, in a fresh process.
_LOAD = ("import sys; from prefect.flows import load_flow_from_entrypoint as load; "
         "print(load(sys.argv[1], use_placeholder_flow=False).name)")


def test_every_served_flow_loads_in_a_fresh_process(tmp_path):
    """Served entrypoints are module paths: a file path would load e.g. flows/backfill.py as a script with
    flows/ on sys.path, where flows/arxiv.py shadows the `arxiv` package (an ImportError, the run Crashed)."""
    served = runner_deployments(PREFECT_YAML, tmp_path / "radar.toml")
    for deployment in served:
        assert ":" not in deployment.entrypoint and deployment.entrypoint.startswith("flows."), deployment.entrypoint
        proc = subprocess.run([sys.executable, "-c", _LOAD, deployment.entrypoint], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert proc.stdout.split()[-1] == deployment.flow_name, proc.stdout


def test_a_run_without_a_config_fails_instead_of_reading_the_working_directory(tmp_path, monkeypatch):
    shutil.copy(ROOT / "radar.toml", tmp_path / "radar.toml")
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RADAR_CONFIG", raising=False)
    state = poll_newsletters(return_state=True)
    assert state.is_failed()
    assert "no config file for this run: deploy with `radar deploy --config FILE`" in state.message
    assert not (tmp_path / "data").exists()

    monkeypatch.setenv("RADAR_CONFIG", str(tmp_path / "radar.toml"))  # a worker's environment may name it
    assert poll_newsletters(return_state=True).is_completed()
    assert (tmp_path / "data" / "radar.duckdb").exists()
