"""prefect.yaml's deployments: read (`load_deployments`, for the work pools `radar setup` creates) and
served from this process (`serve_deployments`, `radar serve`).

Serving is the single-process alternative to a work pool and worker: it reads the same prefect.yaml
(one source of truth for names, schedules and parameters) and serves every flow with its schedules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_POOL = "paper-radar"


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


def serve_deployments(prefect_yaml: Path) -> None:
    """Serve every deployment of prefect.yaml, with its schedules, from this process (blocks)."""
    from prefect import serve
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.flows import load_flow_from_entrypoint

    deployments = []
    for spec in load_deployments(prefect_yaml):
        flow = load_flow_from_entrypoint(spec.entrypoint)
        schedules = [CronSchedule(cron=s["cron"], timezone=s.get("timezone", "UTC"))
                     for s in spec.schedules if s.get("active", True) and "cron" in s]
        deployments.append(flow.to_deployment(name=spec.name, description=spec.description,
                                              parameters=spec.parameters, tags=list(spec.tags),
                                              schedules=schedules or None))
    serve(*deployments)
