"""Prefect flows `deliver-alerts` (instant alerts, run after each poll) and `deliver-digest` (digests,
on their own schedule): match rules, record the ledger, send to Slack and email.

One task to plan, one task per channel (sent one after the other: Slack allows about one message
per second per channel, and DuckDB one writer). A channel that fails does not stop the others, but
the run ends Failed so that it shows in Prefect, after telling the ops channel when one is set.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from alerts.delivery import (
    ChannelResult,
    Plan,
    deliver_channel,
    make_summariser,
    notify_ops,
    plan_deliveries,
)
from config.alerts import ChannelConfig
from config.settings import Settings, load_settings
from records.messages import Alert


class AlertDeliveryFailed(Exception):
    """At least one channel failed; the ledger keeps its alerts for the next run."""


@task(cache_policy=NO_CACHE)
def match_rules(settings: Settings, modes: tuple[str, ...]) -> Plan:
    """Rules matched, new ledger rows saved; what is due per channel."""
    plan = plan_deliveries(settings, modes=modes, summariser=make_summariser(settings.alerts))
    get_run_logger().info("%d new matches (%d suppressed); due: %s", plan.new_rows, plan.suppressed,
                          {name: len(alerts) for name, alerts in plan.due.items()} or "nothing")
    return plan


@task(task_run_name="send-{channel.name}", cache_policy=NO_CACHE)
def send_channel(settings: Settings, channel: ChannelConfig, alerts: list[Alert],
                 planned_at: datetime | None) -> ChannelResult:
    """Send one channel's due alerts; errors are recorded in the ledger and the result."""
    result = deliver_channel(settings, channel, alerts, planned_at=planned_at)
    logger = get_run_logger()
    for error in result.errors:
        logger.error("%s", error)
    return result


@task(cache_policy=NO_CACHE)
def tell_ops(settings: Settings, results: list[ChannelResult]) -> None:
    error = notify_ops(settings, results)
    if error:
        get_run_logger().warning("ops channel not notified: %s", error)


def render_markdown(results: list[ChannelResult], plan: Plan) -> str:
    lines = [f"{plan.new_rows} new matches, {plan.suppressed} suppressed (backfill or first poll).", "",
             "| channel | messages | alerts | recovered | possible duplicates | errors |",
             "|---|---:|---:|---:|---:|---|"]
    for r in results:
        errors = "<br>".join(e.replace("|", "/") for e in r.errors)
        lines.append(f"| {r.channel} | {r.messages} | {r.alerts} | {r.recovered} | {r.possible_duplicates} "
                     f"| {errors} |")
    return "\n".join(lines)


def deliver(settings: Settings, modes: tuple[str, ...], artifact_key: str) -> dict:
    plan = match_rules(settings, modes)
    configured = {c.name for c in settings.alerts.channels}
    results = [send_channel(settings, settings.alerts.channel(name), alerts, plan.started_at)
               for name, alerts in plan.due.items() if name in configured]
    tell_ops(settings, results)
    create_markdown_artifact(key=artifact_key, markdown=render_markdown(results, plan),
                             description="What this run delivered, per channel")
    failed = [r for r in results if r.errors]
    if failed:
        raise AlertDeliveryFailed("; ".join(f"{r.channel}: {r.errors[0]}" for r in failed))
    return {"new_rows": plan.new_rows, "suppressed": plan.suppressed,
            "channels": {r.channel: {"messages": r.messages, "alerts": r.alerts, "recovered": r.recovered}
                         for r in results}}


@flow(name="deliver-alerts", log_prints=False)
def deliver_alerts(config: str | None = None) -> dict:
    """Instant alerts for papers that newly match a rule, and source-health notices."""
    return deliver(load_settings(config), ("instant",), "deliver-alerts-summary")


@flow(name="deliver-digest", log_prints=False)
def deliver_digest(config: str | None = None) -> dict:
    """Digests of the papers queued for digest rules whose scheduled time (digest_cron, timezone) has passed."""
    return deliver(load_settings(config), ("digest",), "deliver-digest-summary")
