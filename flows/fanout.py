"""The newsletter poll's fan-out on a work pool: one `poll-newsletter-group/group` run per group of
sources, started with `run_deployment`, waited for, and reported as one poll.

Runs inside a deployed `poll-newsletters` run whose config has more enabled sources than
`[prefect] poll_group_size` (flows/newsletters.py decides; the groups come from
flows/pipeline/fanout.py). The group runs go to the group deployment's work pool, so any worker of it
picks them up; each is linked to the poll as a subflow. A group run's idempotency key is the poll's
run id and its group, so a retried poll finds the runs it started rather than starting them again
(and a new poll, polling again, is idempotent like any poll). Each group run leaves its summary as a
`poll-group-result` artifact (JSON), which the poll reads back through the API: no result storage
need be shared between workers. The poll fails, after its report, when a group run did not complete.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run

from config.settings import Settings
from flows.deployments import FINAL_STATES
from flows.pipeline.fanout import merge_summaries
from flows.pipeline.report import render_poll_report
from flows.pipeline.runtime import Logger

GROUP_DEPLOYMENT = "poll-newsletter-group/group"
RESULT_KEY = "poll-group-result"
WAIT_POLL_SECONDS = 2.0


class PollGroupsFailed(Exception):
    """A group run of the poll did not complete; the poll's report says which and why."""


@dataclass
class GroupRun:
    index: int
    sources: list[str]
    flow_run_id: str
    name: str
    state: str = "Scheduled"
    summary: dict | None = None


def group_deployment_exists() -> bool:
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(GROUP_DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


def start_groups(settings: Settings, groups: list[list[str]], log: Logger) -> list[GroupRun]:
    parent, parent_name = str(flow_run.id), flow_run.name or "poll"
    runs = []
    for i, names in enumerate(groups, 1):
        label = f"{i} of {len(groups)}"
        run = run_deployment(GROUP_DEPLOYMENT, timeout=0, idempotency_key=f"{parent}-group-{label}",
                             flow_run_name=f"{parent_name}-group-{i}",
                             parameters={"config": str(settings.config_file), "sources": names, "group": label})
        log.info("group %s: %d sources (%s), run %s", label, len(names), ", ".join(names), run.name)
        runs.append(GroupRun(i, names, str(run.id), run.name))
    return runs


def wait_for_groups(runs: list[GroupRun], timeout: float) -> None:
    """Every run's final state (or its state when `timeout` passed), and each completed run's summary."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        pending = list(runs)
        while pending:
            for run in list(pending):
                state = client.read_flow_run(run.flow_run_id).state
                run.state = state.name if state else "Pending"
                if state and state.type.value in FINAL_STATES:
                    pending.remove(run)
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(WAIT_POLL_SECONDS)
        for run in runs:
            if run.state == "Completed":
                run.summary = _group_result(client, run.flow_run_id)


def _group_result(client, flow_run_id: str) -> dict | None:
    found = client.read_artifacts(artifact_filter=ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]), key=ArtifactFilterKey(any_=[RESULT_KEY])))
    for artifact in found:
        text = str(artifact.data)
        return json.loads(text[text.index("{"):text.rindex("}") + 1])
    return None


def publish_group_result(summary: dict) -> None:
    """A group run's summary, for the poll that started it to read back (see the module)."""
    create_markdown_artifact(key=RESULT_KEY, markdown="```json\n" + json.dumps(summary, default=str) + "\n```",
                             description="This group's poll summary, read by the poll that started it")


def fan_out(settings: Settings, groups: list[list[str]], log: Logger) -> dict:
    """Start the group runs, wait for them, report them as one poll; PollGroupsFailed when one did not complete."""
    runs = start_groups(settings, groups, log)
    wait_for_groups(runs, settings.prefect.poll_group_timeout_seconds)
    summary = merge_summaries([r.summary for r in runs if r.summary], str(settings.store))
    summary["groups"] = [{"group": r.index, "run": r.name, "state": r.state, "sources": r.sources} for r in runs]
    lines = ["| group | run | state | sources |", "|---:|---|---|---|"]
    lines += [f"| {r.index} | {r.name} | {r.state} | {', '.join(r.sources)} |" for r in runs]
    create_markdown_artifact(key="poll-newsletters-summary", markdown="\n".join(lines) + "\n\n" +
                             render_poll_report(summary), description="What this poll's groups fetched and saved")
    failed = [r for r in runs if r.state != "Completed" or r.summary is None]
    for r in runs:
        (log.error if r in failed else log.info)("group %d (%s): %s", r.index, r.name, r.state)
    if failed:
        raise PollGroupsFailed("; ".join(f"group {r.index} ({', '.join(r.sources)}): run {r.name} ended {r.state}"
                                         if r.state != "Completed" else f"group {r.index}: run {r.name} left no summary"
                                         for r in failed))
    return summary
