"""Prefect flows `deliver-alerts` (instant alerts, run after each poll) and `deliver-digest` (digests, on
their own schedule): thin wrappers over the delivery orchestrator, flows/pipeline/delivery.py.

A channel that fails does not stop the others, but the run ends Failed so that it shows in Prefect,
after telling the ops channel when one is set.
"""

from __future__ import annotations

from prefect import flow

from config.settings import Settings
from flows.pipeline.delivery import deliver
from flows.prefect_runtime import PrefectRuntime, flow_settings


class AlertDeliveryFailed(Exception):
    """At least one channel failed; the ledger keeps its alerts for the next run."""


def _run(settings: Settings, modes: tuple[str, ...], artifact_key: str) -> dict:
    runtime = PrefectRuntime()
    report = deliver(settings, runtime, modes=modes, artifact_key=artifact_key)
    failed = [r for r in report.results if r.errors]
    for error in (e for r in failed for e in r.errors):
        runtime.log.error("%s", error)
    if report.ops_error:
        runtime.log.warning("ops channel not notified: %s", report.ops_error)
    if failed:
        raise AlertDeliveryFailed("; ".join(f"{r.channel}: {r.errors[0]}" for r in failed))
    return report.summary()


@flow(name="deliver-alerts", log_prints=False)
def deliver_alerts(config: str | None = None, settings: Settings | None = None) -> dict:
    """Instant alerts for papers that newly match a rule, and source-health notices."""
    return _run(flow_settings(config, settings), ("instant",), "deliver-alerts-summary")


@flow(name="deliver-digest", log_prints=False)
def deliver_digest(config: str | None = None, settings: Settings | None = None) -> dict:
    """Digests of the papers queued for digest rules whose scheduled time (digest_cron, timezone) has passed."""
    return _run(flow_settings(config, settings), ("digest",), "deliver-digest-summary")
