"""prefect.yaml's deployments, with the user's config: read (`load_deployments`, for the work pools
`radar setup` creates), deployed (`deploy`, `radar deploy`), served from this process
(`serve_deployments`, `radar serve`), and run by hand (`start_run`, `wait_for_run`, `run_reports`:
`radar run`).

prefect.yaml is the one source of truth for names, schedules, parameters and work pools, but names
no config file: `deploy` and `serve_deployments` give every deployment the absolute path of the
config they are given as its `config` parameter (shown in the UI, overridable per run with
`-p config=...`), and `deploy` points the pull step at the project folder, so a scheduled run never
depends on the worker's working directory holding the right radar.toml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_POOL = "paper-radar"
#: Flow run states after which nothing more happens.
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml, as much of it as `radar serve` needs."""

    name: str
    entrypoint: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    schedules: tuple[dict[str, Any], ...] = ()
    work_pool: str = DEFAULT_POOL


def load_deployments(prefect_yaml: Path) -> list[DeploymentSpec]:
    data = yaml.safe_load(prefect_yaml.read_text(encoding="utf-8")) or {}
    return [
        DeploymentSpec(
            name=d["name"], entrypoint=d["entrypoint"], description=d.get("description", ""),
            parameters=dict(d.get("parameters") or {}), tags=tuple(d.get("tags") or ()),
            schedules=tuple(d.get("schedules") or ()),
            work_pool=(d.get("work_pool") or {}).get("name", DEFAULT_POOL),
        )
        for d in data.get("deployments", [])
    ]


def with_config(prefect_yaml: Path, config: Path, project_dir: Path) -> dict[str, Any]:
    """prefect.yaml's content with `config` (absolute) as every deployment's `config` parameter and the
    pull step pointed at `project_dir` (where the flows' modules are imported from)."""
    data = yaml.safe_load(prefect_yaml.read_text(encoding="utf-8")) or {}
    for deployment in data.get("deployments", []):
        deployment["parameters"] = {**(deployment.get("parameters") or {}), "config": str(config)}
    data["pull"] = [{"prefect.deployments.steps.set_working_directory": {"directory": str(project_dir)}}]
    return data


def deploy(prefect_yaml: Path, config: Path, project_dir: Path) -> subprocess.CompletedProcess:
    """`prefect deploy --all` of prefect.yaml, every deployment running with `config`; returns the process."""
    with tempfile.TemporaryDirectory(prefix="radar-deploy-") as folder:
        spec = Path(folder) / "prefect.yaml"
        spec.write_text(yaml.safe_dump(with_config(prefect_yaml, config, project_dir), sort_keys=False),
                        encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all",
                               "--prefect-file", str(spec)], cwd=project_dir, capture_output=True, text=True,
                              env={**os.environ, "PWD": str(project_dir)}, timeout=600)


def serve_deployments(prefect_yaml: Path, config: Path) -> None:
    """Serve every deployment of prefect.yaml, with its schedules and `config`, from this process (blocks)."""
    from prefect import serve

    serve(*runner_deployments(prefect_yaml, config))


def deployed_to_work_pools(prefect_yaml: Path) -> list[str]:
    """prefect.yaml's deployments that exist on the server deployed to a work pool (`radar deploy`).

    Serving one of them would leave a deployment whose runs try to load the flow from the storage
    `prefect deploy` recorded, and crash: delete those first, or run a worker instead."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    found = []
    with get_client(sync_client=True) as client:
        for spec in load_deployments(prefect_yaml):
            name = f"{flow_name(spec.entrypoint)}/{spec.name}"
            try:
                if client.read_deployment_by_name(name).work_pool_name:
                    found.append(name)
            except ObjectNotFound:
                pass
    return found


def flow_name(entrypoint: str) -> str:
    """The flow's name for an entrypoint ("flows.arxiv:poll_arxiv" -> "poll-arxiv"), without importing it."""
    return entrypoint.split(":")[1].replace("_", "-")


def runner_deployments(prefect_yaml: Path, config: Path) -> list:
    """What `serve_deployments` serves: prefect.yaml's deployments as Prefect RunnerDeployments."""
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.deployments.runner import EntrypointType
    from prefect.flows import load_flow_from_entrypoint

    deployments = []
    for spec in load_deployments(prefect_yaml):
        flow = load_flow_from_entrypoint(spec.entrypoint)
        schedules = [CronSchedule(cron=s["cron"], timezone=s.get("timezone", "UTC"))
                     for s in spec.schedules if s.get("active", True) and "cron" in s]
        # A module path ("flows.backfill.backfill"), as in prefect.yaml: with the default file path, a
        # run would load flows/backfill.py as a script with flows/ on sys.path, where flows/arxiv.py
        # shadows the `arxiv` package and the run crashes on a circular import.
        deployments.append(flow.to_deployment(name=spec.name, description=spec.description,
                                              parameters={**spec.parameters, "config": str(config)},
                                              tags=list(spec.tags), schedules=schedules or None,
                                              entrypoint_type=EntrypointType.MODULE_PATH))
    return deployments


def start_run(name: str, parameters: dict[str, Any]):
    """Create a flow run of deployment `name` ("flow/deployment") with `parameters`; return it (not waiting)."""
    from prefect.deployments import run_deployment

    return run_deployment(name, parameters=parameters, timeout=0)


def wait_for_run(flow_run_id, on_state: Callable[[str, float], None], *, timeout: float, poll: float = 1.0):
    """Poll the flow run until it ends (or `timeout` seconds pass); `on_state(state name, seconds)` hears
    every poll. Returns the flow run as last read."""
    from prefect.client.orchestration import get_client

    started = time.monotonic()
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(flow_run_id)
            on_state(run.state.name if run.state else "Pending", time.monotonic() - started)
            if (run.state and run.state.type.value in FINAL_STATES) or time.monotonic() - started > timeout:
                return run
            time.sleep(poll)


def run_reports(flow_run_id) -> list[tuple[str, str]]:
    """The flow run's markdown artifacts (its run report), as (key, markdown), oldest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterType

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), type=ArtifactFilterType(any_=["markdown"])))
    artifacts.sort(key=lambda a: a.created.timestamp() if a.created else 0.0)
    return [(a.key or "", str(a.data)) for a in artifacts]


def run_url(flow_run_id) -> str:
    """The flow run's page in the Prefect UI."""
    from prefect.settings import PREFECT_UI_URL

    return f"{(PREFECT_UI_URL.value() or '').rstrip('/')}/runs/flow-run/{flow_run_id}"
