"""Running on a Prefect server: the work pool and limits the deployments need, and `radar serve`.

`ensure_server_objects` is what `radar setup` runs against PREFECT_API_URL: it creates, when missing,
the process work pool named in prefect.yaml and the global concurrency limit that serialises every
DuckDB writer across flows and processes. It never changes objects that already exist, so running it
again is harmless.

`serve_deployments` is the single-process alternative to a work pool and worker: it reads the same
prefect.yaml (one source of truth for names, schedules and parameters) and serves every flow with
its schedules from this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.common import DB_WRITER_LIMIT

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


def ensure_server_objects(pools: set[str]) -> list[str]:
    """Create the work pools and the DuckDB writer limit where missing; return what was created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    created = []
    with get_client(sync_client=True) as client:
        for pool in sorted(pools):
            try:
                client.read_work_pool(pool)
            except ObjectNotFound:
                client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
                created.append(f"work pool {pool} (process)")
        try:
            client.read_global_concurrency_limit_by_name(DB_WRITER_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=DB_WRITER_LIMIT, limit=1))
            created.append(f"global concurrency limit {DB_WRITER_LIMIT} (1 slot)")
    return created


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
