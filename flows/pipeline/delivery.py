"""The one delivery orchestrator: match rules, record the ledger, send, record again, tell ops.

Used by the Prefect flows `deliver-alerts` and `deliver-digest` (flows/delivery.py) and by `radar
alerts send|preview` (in this process, without Prefect). It opens the database; alerts/ is given
facts and never opens it.

`match_rules` loads the paper facts and the ledger, lets alerts/rules.py plan new ledger rows
(`pending`, or `suppressed` for papers only seen in backfills and first polls), records them (not in
a dry run) and returns what is due per channel. `send_channel` sends one channel's messages, each
bracketed by two short ledger writes: `sending` (committed before the send, and only if no other
run touched the rows since this one read the ledger: the ledger claim) and `sent` with the Slack ts
or Message-ID. A row found `sending` at the next run was interrupted between the two: with a Slack
bot token the channel history is searched for the message's metadata and the row is closed without
resending; webhooks and email cannot be asked, so the message is sent again, labelled as a possible
duplicate (at-least-once). A channel that fails does not stop the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from alerts.compose import MODES, Outgoing, is_due, make_alert, ops_message, render_channel
from alerts.errors import DeliveryError
from alerts.paper_summary import Summariser, make_summariser
from alerts.rules import plan_alerts, plan_source_health
from alerts.senders import HistorySender, Sender, channel_secret, make_sender
from config.alerts import ChannelConfig, SecretRef
from config.secrets import SecretError, resolve_secret
from config.settings import Settings
from extractors.links import clean_url
from flows.pipeline.report import ChannelResult, DeliveryReport, render_delivery_report
from flows.pipeline.runtime import PlainRuntime, Runtime, open_writer
from records.facts import MentionFact, PaperFacts
from records.messages import Alert
from storage.db import open_db
from storage.ledger import (
    load_due,
    load_ledger,
    load_paper_facts,
    load_source_health,
    mark_failed,
    mark_sending,
    mark_sent,
    save_planned,
)
from storage.schema import ALERTABLE_INGEST_MODES


@dataclass(frozen=True)
class Plan:
    new_rows: int
    suppressed: int
    due: dict[str, list[Alert]]
    started_at: datetime | None = None  # wall clock before the ledger was read: rows changed since are not ours


def match_rules(settings: Settings, runtime: Runtime, *, modes: Sequence[str] = MODES, now: datetime | None = None,
                dry_run: bool = False, summariser: Summariser | None = None, rule: str | None = None) -> Plan:
    """Match rules, record new ledger rows (not in a dry run) and return the alerts due per channel."""
    cfg, started_at = settings.alerts, datetime.now(UTC)
    now = now or started_at
    rules = [r for r in cfg.rules if rule is None or r.name == rule]
    alertable = (*ALERTABLE_INGEST_MODES, *(("first_poll",) if cfg.alert_first_poll else ()))
    with (open_db(settings.store, read_only=True, lock_wait_seconds=settings.lock_wait_seconds) if dry_run
          else open_writer(settings, runtime)) as conn:
        papers = {p.arxiv_id: clean_links(p) for p in load_paper_facts(conn)}
        ledger = load_ledger(conn)
        health = load_source_health(conn)
        planned = plan_alerts(rules, papers.values(), ledger.keys(), alertable)
        if rule is None:
            planned += plan_source_health(cfg.source_health, health, ledger.keys(), now)
        if dry_run:
            due = load_due(conn, cfg.max_attempts) + [r for r in planned if r.status == "pending"]
        else:
            save_planned(conn, planned, now)
            due = load_due(conn, cfg.max_attempts)
    due = [r for r in due if (rule is None or rule in r.rules) and is_due(r, cfg.rules, modes, now)]
    summariser = summariser or make_summariser(cfg.llm, _secret(cfg.llm.api_key, runtime))
    health_by_name = {h["name"]: h for h in health}
    grouped: dict[str, list[Alert]] = {}
    for row in due:
        alert = make_alert(row, papers.get(row.arxiv_id or ""), health_by_name, summariser)
        if alert is not None:
            grouped.setdefault(row.channel, []).append(alert)
    runtime.log.info("%d new matches (%d suppressed); due: %s", len(planned),
                     sum(r.status == "suppressed" for r in planned),
                     {name: len(alerts) for name, alerts in grouped.items()} or "nothing")
    return Plan(new_rows=len(planned), suppressed=sum(r.status == "suppressed" for r in planned), due=grouped,
                started_at=started_at)


def clean_links(paper: PaperFacts) -> PaperFacts:
    """Stored newsletter links cleaned once more of tracking parameters before any message shows them."""
    def clean(m: MentionFact) -> MentionFact:
        return replace(m, doc_url=clean_url(m.doc_url) if m.doc_url else m.doc_url,
                       link=clean_url(m.link) if m.link else m.link)

    return replace(paper, mentions=tuple(clean(m) for m in paper.mentions))


def _secret(ref: SecretRef | None, runtime: Runtime) -> str | None:
    return resolve_secret(ref, runtime.load_secret_block) if ref is not None else None


def sender_for(settings: Settings, runtime: Runtime, channel: ChannelConfig) -> Sender:
    """The channel's sender, with its secret read now (SecretError if it is missing)."""
    return make_sender(channel, _secret(channel_secret(channel), runtime),
                       history_limit=settings.alerts.slack_history_limit)


def send_channel(settings: Settings, runtime: Runtime, channel: ChannelConfig, alerts: list[Alert], *,
                 sender: Sender | None = None, dry_run: bool = False, now: datetime | None = None,
                 planned_at: datetime | None = None) -> ChannelResult:
    """Send one channel's due alerts; a failure is recorded on its rows and in the result, never raised."""
    result, now = ChannelResult(channel.name), now or datetime.now(UTC)
    if dry_run:
        result.previews, result.due = render_channel(channel, alerts, settings.alerts.rules, now), alerts
        result.messages, result.alerts = len(result.previews), sum(len(o.keys) for o in result.previews)
        return result
    try:
        sender = sender or sender_for(settings, runtime, channel)
        alerts = recover(settings, runtime, channel, sender, alerts, result)
    except (SecretError, DeliveryError) as e:
        result.errors.append(str(e))
        return result
    for message in render_channel(channel, alerts, settings.alerts.rules, now):
        if not send_message(settings, runtime, channel, sender, message, result, planned_at):
            break
    return result


def send_message(settings: Settings, runtime: Runtime, channel: ChannelConfig, sender: Sender, message: Outgoing,
                 result: ChannelResult, planned_at: datetime | None) -> bool:
    """Claim, send, record one message; False when the route is broken for this run (stop sending)."""
    with open_writer(settings, runtime) as conn:
        claimed = mark_sending(conn, channel.name, message.keys, datetime.now(UTC), unchanged_since=planned_at)
    if not claimed:  # another run claimed or sent them since this one planned: leave them to it
        runtime.log.warning("channel %s: %s taken by another run; skipped", channel.name, ", ".join(message.keys))
        return True
    try:
        external_id = sender.send(message.payload)
    except DeliveryError as e:
        with open_writer(settings, runtime) as conn:
            mark_failed(conn, channel.name, message.keys, str(e), datetime.now(UTC))
        result.errors.append(str(e))
        return e.retryable  # a bad token or unknown channel fails every message: stop, don't loop
    with open_writer(settings, runtime) as conn:
        mark_sent(conn, channel.name, message.keys, external_id, datetime.now(UTC), possible_duplicate=message.resend)
    result.messages += 1
    result.alerts += len(message.keys)
    result.possible_duplicates += len(message.keys) if message.resend else 0
    return True


def recover(settings: Settings, runtime: Runtime, channel: ChannelConfig, sender: Sender, alerts: list[Alert],
            result: ChannelResult) -> list[Alert]:
    """Rows a crash left `sending`: close those the channel's history shows were posted."""
    crashed = [a for a in alerts if a.resend]
    if not crashed or not isinstance(sender, HistorySender):
        return alerts
    since = min(a.row.sending_at or datetime.now(UTC) for a in crashed)
    found = sender.find_sent([a.row.alert_key for a in crashed], since)
    by_ts: dict[str, list[str]] = {}
    for key, ts in found.items():
        by_ts.setdefault(ts, []).append(key)
    with open_writer(settings, runtime) as conn:
        for ts, keys in by_ts.items():
            mark_sent(conn, channel.name, keys, ts, datetime.now(UTC))
    result.recovered = len(found)
    # Not in the history: never posted, so sending now is not a duplicate.
    return [Alert(a.row, a.summary, a.notice, resend=False) if a.resend else a
            for a in alerts if a.row.alert_key not in found]


def notify_ops(settings: Settings, runtime: Runtime, results: Sequence[ChannelResult], *,
               sender: Sender | None = None) -> str | None:
    """Tell the ops channel which routes failed (best effort, not in the ledger); returns an error or None."""
    ops = settings.alerts.ops_channel
    failed = [(r.channel, r.errors) for r in results if r.errors and r.channel != ops]
    if not ops or not failed:
        return None
    channel = settings.alerts.channel(ops)
    try:
        sender = sender or sender_for(settings, runtime, channel)
        sender.send(ops_message(channel, failed).payload)
    except (SecretError, DeliveryError) as e:
        runtime.log.warning("ops channel %s not notified: %s", ops, e)
        return str(e)
    return None


def deliver(settings: Settings, runtime: Runtime | None = None, *, modes: Sequence[str] = MODES,
            now: datetime | None = None, dry_run: bool = False, rule: str | None = None,
            summariser: Summariser | None = None, senders: dict[str, Sender] | None = None,
            artifact_key: str | None = None) -> DeliveryReport:
    """The whole delivery: plan, one step per channel (one after the other: Slack allows about one message
    per second per channel, and DuckDB one writer), then the ops notice and the run's report."""
    runtime = runtime or PlainRuntime()
    senders = senders or {}
    plan = runtime.step(match_rules, "match-rules")(settings, runtime, modes=modes, now=now, dry_run=dry_run,
                                                    summariser=summariser, rule=rule)
    names = {c.name for c in settings.alerts.channels}
    results = []
    for name, alerts in plan.due.items():
        if name not in names:
            runtime.log.warning("%d alerts are due on channel %s, which is no longer configured", len(alerts), name)
            continue
        step = runtime.step(send_channel, f"send-{name}")
        results.append(step(settings, runtime, settings.alerts.channel(name), alerts, sender=senders.get(name),
                            dry_run=dry_run, now=now, planned_at=plan.started_at))
    ops_error = None if dry_run else notify_ops(settings, runtime, results,
                                                sender=senders.get(settings.alerts.ops_channel or ""))
    report = DeliveryReport(plan.new_rows, plan.suppressed, results, ops_error)
    if artifact_key:
        runtime.artifact(artifact_key, render_delivery_report(report), "What this run delivered, per channel")
    return report
