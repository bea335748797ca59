"""The one delivery orchestrator: match rules, record the ledger, send, record again, tell ops.

Used by the Prefect flows `deliver-alerts` and `deliver-digest` (flows/delivery.py) and by `radar
alerts send|preview` (in this process, without Prefect). It opens the database; alerts/ is given
facts and never opens it.

`match_rules` loads the paper facts and the ledger, lets alerts/rules.py plan new ledger rows
(`pending`, or `suppressed` for papers only seen in backfills and first polls), records them (not in
a dry run) and returns what is due per channel. `send_channel` sends one channel's messages, each
bracketed by two short ledger writes: `sending` (committed before the send, and only if no other
run touched the rows since this one read the ledger: the ledger claim) and `sent` with the Slack ts
or Message-ID. A folded run on a Slack bot channel (alerts/compose.py) is one `Thread`: its rows are
claimed together, the parent is posted and its ts recorded on them (`thread_ts`), then each reply
is sent and recorded; a reply that fails stays in that thread for the next run.

A row found `sending` at the next run was interrupted: with a Slack bot token the channel history
(and a thread's replies) is searched for the message's metadata and the row is closed without
resending, or, for a parent that is there without all its replies, the missing replies go into its
thread; webhooks and email cannot be asked, so the message is sent again, labelled as a possible
duplicate (at-least-once). A channel that fails does not stop the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from alerts.compose import MODES, Outgoing, Thread, flatten, is_due, make_alert, ops_message, render_channel
from alerts.errors import DeliveryError
from alerts.paper_summary import OncePerPaper, Summariser, make_summariser
from alerts.rules import plan_alerts, plan_source_health
from alerts.senders import HistorySender, Sender, channel_secret, make_sender
from config.alerts import ChannelConfig, SecretRef
from config.faults import fault_point
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
    mark_threaded,
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
    once = OncePerPaper(summariser or make_summariser(cfg.llm, _secret(cfg.llm.api_key, runtime)))
    health_by_name = {h["name"]: h for h in health}
    grouped: dict[str, list[Alert]] = {}
    try:
        for row in due:
            alert = make_alert(row, papers.get(row.arxiv_id or ""), health_by_name, once, cfg.rules)
            if alert is not None:
                grouped.setdefault(row.channel, []).append(alert)
    finally:
        if summariser is None:  # ours to close (an LLM summariser's HTTP client)
            once.close()
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
    fold_after = settings.alerts.fold_after_for(channel)
    if dry_run:
        result.previews = flatten(render_channel(channel, alerts, settings.alerts.rules, now, fold_after))
        result.due = alerts
        result.messages, result.alerts = len(result.previews), sum(len(o.keys) for o in result.previews)
        return result
    try:
        sender = sender or sender_for(settings, runtime, channel)
        alerts = recover(settings, runtime, channel, sender, alerts, result)
    except (SecretError, DeliveryError) as e:
        result.errors.append(str(e))
        return result
    for delivery in render_channel(channel, alerts, settings.alerts.rules, now, fold_after):
        send = send_thread if isinstance(delivery, Thread) else send_message
        if not send(settings, runtime, channel, sender, delivery, result, planned_at):
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
    fault_point("delivery.after_claim")
    try:
        external_id = sender.send(message.payload)
    except DeliveryError as e:
        with open_writer(settings, runtime) as conn:
            mark_failed(conn, channel.name, message.keys, str(e), datetime.now(UTC))
        result.errors.append(str(e))
        return e.retryable  # a bad token or unknown channel fails every message: stop, don't loop
    with open_writer(settings, runtime) as conn:
        mark_sent(conn, channel.name, message.keys, external_id, datetime.now(UTC), possible_duplicate=message.resend)
    fault_point("delivery.after_sent")
    result.messages += 1
    result.alerts += len(message.keys)
    result.possible_duplicates += len(message.keys) if message.resend else 0
    return True


def send_thread(settings: Settings, runtime: Runtime, channel: ChannelConfig, sender: Sender, thread: Thread,
                result: ChannelResult, planned_at: datetime | None) -> bool:
    """Claim a thread's rows, post its parent (unless the thread exists) and record its ts on them, then send
    and record each reply; False when the route is broken for this run (stop sending)."""
    keys = thread.keys
    with open_writer(settings, runtime) as conn:
        claimed = mark_sending(conn, channel.name, keys, datetime.now(UTC), unchanged_since=planned_at)
    if not claimed:
        runtime.log.warning("channel %s: %s taken by another run; skipped", channel.name, ", ".join(keys))
        return True
    fault_point("delivery.after_claim")
    thread_ts = thread.thread_ts
    if thread.parent is not None:
        try:
            thread_ts = sender.send(thread.parent.payload)
        except DeliveryError as e:
            return _failed(settings, runtime, channel, keys, e, result)
        fault_point("delivery.after_parent")
        with open_writer(settings, runtime) as conn:
            mark_threaded(conn, channel.name, keys, str(thread_ts))
        fault_point("delivery.after_threaded")
        result.messages += 1
    for n, reply in enumerate(thread.replies):
        try:
            reply_ts = sender.send(replace(reply.slack, thread_ts=thread_ts))
        except DeliveryError as e:
            if not _failed(settings, runtime, channel, reply.keys, e, result):
                rest = [k for r in thread.replies[n + 1:] for k in r.keys]
                return _failed(settings, runtime, channel, rest, e, None) if rest else False
            continue
        with open_writer(settings, runtime) as conn:
            mark_sent(conn, channel.name, reply.keys, reply_ts, datetime.now(UTC), thread_ts=thread_ts)
        fault_point("delivery.after_sent")
        result.messages += 1
        result.alerts += len(reply.keys)
    return True


def _failed(settings: Settings, runtime: Runtime, channel: ChannelConfig, keys: Sequence[str], error: DeliveryError,
            result: ChannelResult | None) -> bool:
    """Record a failed send on its rows; whether the route is still worth trying this run."""
    with open_writer(settings, runtime) as conn:
        mark_failed(conn, channel.name, keys, str(error), datetime.now(UTC))
    if result is not None:
        result.errors.append(str(error))
    return error.retryable


def recover(settings: Settings, runtime: Runtime, channel: ChannelConfig, sender: Sender, alerts: list[Alert],
            result: ChannelResult) -> list[Alert]:
    """Rows a crash left `sending`: close those the channel's history (or their thread) shows were posted;
    the rest are sent again, into the thread their parent started if it was posted."""
    crashed = [a for a in alerts if a.resend]
    if not crashed or not isinstance(sender, HistorySender):
        return alerts
    since = min(a.row.sending_at or datetime.now(UTC) for a in crashed)
    posted = sender.find_posted([a.row.alert_key for a in crashed if not a.row.thread_ts], since)
    threads = {a.row.alert_key: a.row.thread_ts for a in crashed if a.row.thread_ts} | posted.listed
    found = dict(posted.sent)
    for ts in set(threads.values()):
        found |= {key: reply for key, reply in sender.find_replies(ts, [k for k, t in threads.items() if t == ts]
                                                                    ).items() if key not in found}
    fault_point("delivery.before_recovered")
    with open_writer(settings, runtime) as conn:
        for key, ts in found.items():
            mark_sent(conn, channel.name, [key], ts, datetime.now(UTC), thread_ts=threads.get(key))
        for key, ts in posted.listed.items():
            if key not in found:
                mark_threaded(conn, channel.name, [key], ts)
    result.recovered = len(found)
    # Not in the history: never posted, so sending now is not a duplicate; in a thread, into that thread.
    return [replace(a, resend=False, row=replace(a.row, thread_ts=threads.get(a.row.alert_key))) if a.resend
            else a for a in alerts if a.row.alert_key not in found]


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
    fault_point("delivery.after_plan")
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
