"""Alert delivery: compute (rules -> ledger rows), render, send, record. Used by flows/alerts.py and
`radar alerts send|preview`.

`plan_deliveries` matches the rules, records new ledger rows (`pending`, or `suppressed` for papers
only seen in backfills and first polls) and returns what is due per channel. `deliver_channel` sends
one channel's messages, each bracketed by two short ledger writes: `sending` (committed before the
send) and `sent` with the Slack ts / Message-ID. A row found `sending` at the next run was
interrupted between the two: with a Slack bot token the channel history is searched for the
message's metadata and the row is closed without resending; webhooks and email cannot be asked, so
the message is sent again, labelled as a possible duplicate (at-least-once).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import httpx
from cronsim import CronSim

from alerts import render_email as email_render
from alerts import render_slack as slack_render
from alerts.errors import DeliveryError
from alerts.rules import plan_alerts, plan_source_health
from alerts.secrets import SecretError, resolve_secret
from alerts.send_email import EmailSender
from alerts.send_slack import SlackBotSender, SlackWebhookSender, make_web_client, make_webhook_client
from alerts.summary import ExtractiveSummariser, LlmSummariser, Summariser, summarise_paper
from config.alerts import AlertSettings, ChannelConfig, RuleConfig
from config.settings import Settings
from records.facts import PaperFacts
from records.ledger import LedgerRow
from records.messages import Alert
from storage.alerts import (
    load_due,
    load_ledger,
    load_paper_facts,
    load_source_health,
    mark_failed,
    mark_sending,
    mark_sent,
    save_planned,
)
from storage.db import Connection, open_db
from storage.schema import ALERTABLE_INGEST_MODES

log = logging.getLogger(__name__)
MODES = ("instant", "digest")


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a Slack message or an email, and the ledger keys it delivers."""

    keys: tuple[str, ...]
    slack: slack_render.SlackMessage | None = None
    email: EmailMessage | None = None
    resend: bool = False


@dataclass
class ChannelResult:
    channel: str
    messages: int = 0  # sent (or, in a dry run, that would be sent)
    alerts: int = 0
    recovered: int = 0  # found already posted after a crash, not sent again
    possible_duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    previews: list[Outgoing] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    new_rows: int
    suppressed: int
    due: dict[str, list[Alert]]
    started_at: datetime | None = None  # wall clock before the ledger was read: rows changed since are not ours


@contextmanager
def _db(settings: Settings, read_only: bool = False) -> Iterator[Connection]:
    with open_db(settings.database, read_only=read_only, lock_wait_seconds=settings.lock_wait_seconds) as conn:
        yield conn


def plan_deliveries(
    settings: Settings, *, modes: Sequence[str] = MODES, now: datetime | None = None, dry_run: bool = False,
    summariser: Summariser | None = None, rule: str | None = None,
) -> Plan:
    """Match rules, record new ledger rows (not in a dry run) and return the alerts due per channel."""
    cfg, started_at = settings.alerts, datetime.now(UTC)
    now = now or started_at
    rules = [r for r in cfg.rules if rule is None or r.name == rule]
    alertable = (*ALERTABLE_INGEST_MODES, *(("first_poll",) if cfg.alert_first_poll else ()))
    with _db(settings, read_only=dry_run) as conn:
        papers = {p.arxiv_id: p for p in load_paper_facts(conn)}
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
    if rule is not None:
        due = [r for r in due if rule in r.rules]
    due = [r for r in due if _is_due(r, cfg.rules, modes, now)]
    summariser = summariser or ExtractiveSummariser()
    health_by_name = {h["name"]: h for h in health}
    grouped: dict[str, list[Alert]] = {}
    for row in due:
        alert = _alert(row, papers.get(row.arxiv_id or ""), health_by_name, summariser)
        if alert is not None:
            grouped.setdefault(row.channel, []).append(alert)
    return Plan(new_rows=len(planned), suppressed=sum(r.status == "suppressed" for r in planned), due=grouped,
                started_at=started_at)


def _is_due(row: LedgerRow, rules: Sequence[RuleConfig], modes: Sequence[str], now: datetime) -> bool:
    """Instant rows always; digest rows once their rule's latest digest time has passed since they were queued."""
    if row.mode not in modes:
        return False
    if row.mode == "instant" or row.status == "sending":
        return True
    digest_rules = [r for r in rules if r.name in row.rules and r.mode == "digest"]
    queued = row.created_at or now
    return any(queued <= last_tick(r, now) for r in digest_rules) or not digest_rules


def last_tick(rule: RuleConfig, now: datetime) -> datetime:
    """The latest time at or before `now` at which the rule's digest is scheduled."""
    local = now.astimezone(ZoneInfo(rule.timezone)).replace(microsecond=0)
    return next(CronSim(rule.digest_cron, local, reverse=True)).astimezone(UTC)


def _alert(row: LedgerRow, paper: PaperFacts | None, health: dict[str, dict], summariser: Summariser) -> Alert | None:
    resend = row.status == "sending"
    if row.kind == "source":
        name = row.alert_key.split(":")[1]
        return Alert(row, notice=source_notice(name, health.get(name)), resend=resend)
    if paper is None:  # removed by a re-extraction since it was queued
        log.warning("alert %s on %s: the paper is no longer in the database; skipped", row.alert_key, row.channel)
        return None
    return Alert(row, summary=summarise_paper(paper, summariser), resend=resend)


def source_notice(name: str, health: dict | None) -> str:
    if health is None:
        return f"Newsletter source {name} had a problem (it is no longer in the sources table)."
    if health["status"] == "stale":
        since = health["last_new_document_at"]
        return f"Newsletter source {name} is stale: no new issue since {since:%Y-%m-%d}." if since else (
            f"Newsletter source {name} is stale: it never brought a new issue.")
    error = health.get("last_error") or "no error recorded"
    return (f"Newsletter source {name} is {health['status']}: {health['consecutive_failures']} failed polls in a "
            f"row. Last error: {error}")


def make_summariser(cfg: AlertSettings, client: httpx.Client | None = None) -> Summariser:
    """The LLM summariser when `[alerts.llm]` is enabled (falling back to extractive), else extractive."""
    if not cfg.llm.enabled:
        return ExtractiveSummariser()
    api_key = resolve_secret(cfg.llm.api_key) if cfg.llm.api_key else None
    client = client or httpx.Client(timeout=cfg.llm.timeout_seconds)
    return LlmSummariser(client, cfg.llm.url, cfg.llm.model, api_key=api_key, max_words=cfg.llm.max_words)


def make_sender(channel: ChannelConfig, history_limit: int = 200):
    """The sender for a channel, with its secret read now (SecretError if it is missing)."""
    if channel.kind == "slack":
        client = make_web_client(resolve_secret(channel.token), base_url=channel.slack_base_url,
                                 timeout=channel.timeout_seconds)
        return SlackBotSender(client, channel.name, channel.slack_channel, history_limit=history_limit)
    if channel.kind == "slack_webhook":
        return SlackWebhookSender(make_webhook_client(resolve_secret(channel.webhook_url),
                                                      timeout=channel.timeout_seconds), channel.name)
    return EmailSender(channel, resolve_secret(channel.password) if channel.password else None)


def render_channel(channel: ChannelConfig, alerts: Sequence[Alert], rules: Sequence[RuleConfig],
                   now: datetime) -> list[Outgoing]:
    """Instant alerts one message each and digest alerts in one digest, both capped per rule per run."""
    caps = {r.name: r.max_per_run for r in rules}
    out: list[Outgoing] = []
    for mode in MODES:
        chosen = [a for a in alerts if a.row.mode == mode]
        if not chosen:
            continue
        shown, overflow = _cap(chosen, caps)
        if mode == "instant":
            for a in shown:
                out += _render(channel, [a], _title(a))
        elif shown:
            out += _render(channel, shown, f"Paper Radar digest, {now:%Y-%m-%d}: {len(shown)} papers")
        for rule_name, extra in overflow.items():
            out += _render_overflow(channel, extra, rule_name)
    return [o for o in out if o.keys]


def _cap(alerts: list[Alert], caps: dict[str, int]) -> tuple[list[Alert], dict[str, list[Alert]]]:
    """Counted against the first rule that matched (in config order); source notices are never capped."""
    shown, overflow, used = [], {}, {}
    for a in alerts:
        rule = next((r for r in a.row.rules if r in caps), None)
        if rule is None:
            shown.append(a)
            continue
        used[rule] = used.get(rule, 0) + 1
        (shown if used[rule] <= caps[rule] else overflow.setdefault(rule, [])).append(a)
    return shown, overflow


def _title(alert: Alert) -> str:
    return f"Paper Radar: {alert.summary.title}" if alert.summary else "Paper Radar: source health"


def _render(channel: ChannelConfig, alerts: list[Alert], title: str) -> list[Outgoing]:
    """One email; one Slack message, or several when a digest passes Slack's limits (each with its keys)."""
    keys, resend = tuple(a.row.alert_key for a in alerts), any(a.resend for a in alerts)
    if channel.kind == "email":
        return [Outgoing(keys, email=email_render.render_email(alerts, title=title, sender=channel.from_addr or "",
                                                               recipients=channel.to), resend=resend)]
    if len(alerts) == 1 and alerts[0].row.mode == "instant":
        return [Outgoing(keys, slack=slack_render.render_instant(alerts[0]), resend=resend)]
    return [Outgoing(p.keys, slack=p, resend=resend) for p in slack_render.render_digest(alerts, title)]


def _render_overflow(channel: ChannelConfig, alerts: list[Alert], rule: str) -> list[Outgoing]:
    if channel.kind == "email":
        return _render(channel, alerts, f"Paper Radar: and {len(alerts)} more for {rule}")
    resend = any(a.resend for a in alerts)
    return [Outgoing(m.keys, slack=m, resend=resend) for m in slack_render.render_overflow(alerts, rule)]


def deliver_channel(
    settings: Settings, channel: ChannelConfig, alerts: list[Alert], *, sender=None, dry_run: bool = False,
    now: datetime | None = None, planned_at: datetime | None = None,
) -> ChannelResult:
    """Send one channel's due alerts; a failure is recorded on its rows and in the result, never raised."""
    result, now = ChannelResult(channel.name), now or datetime.now(UTC)
    if dry_run:
        result.previews = render_channel(channel, alerts, settings.alerts.rules, now)
        result.messages, result.alerts = len(result.previews), sum(len(o.keys) for o in result.previews)
        return result
    try:
        sender = sender or make_sender(channel, settings.alerts.slack_history_limit)
        alerts = _recover(settings, channel, sender, alerts, result)
    except (SecretError, DeliveryError) as e:
        result.errors.append(str(e))
        return result
    for message in render_channel(channel, alerts, settings.alerts.rules, now):
        with _db(settings) as conn:
            claimed = mark_sending(conn, channel.name, message.keys, datetime.now(UTC), unchanged_since=planned_at)
        if not claimed:  # another run claimed or sent them since this one planned: leave them to it
            log.warning("channel %s: %s taken by another run; skipped", channel.name, ", ".join(message.keys))
            continue
        try:
            external_id = sender.send(message.email if message.email is not None else message.slack)
        except DeliveryError as e:
            with _db(settings) as conn:
                mark_failed(conn, channel.name, message.keys, str(e), datetime.now(UTC))
            result.errors.append(str(e))
            if not e.retryable:
                break  # a bad token or unknown channel fails every message: stop, don't loop
            continue
        with _db(settings) as conn:
            mark_sent(conn, channel.name, message.keys, external_id, datetime.now(UTC),
                      possible_duplicate=message.resend)
        result.messages += 1
        result.alerts += len(message.keys)
        result.possible_duplicates += len(message.keys) if message.resend else 0
    return result


def _recover(settings: Settings, channel: ChannelConfig, sender, alerts: list[Alert],
             result: ChannelResult) -> list[Alert]:
    """Rows a crash left `sending`: close those the channel's history shows were posted."""
    crashed = [a for a in alerts if a.resend]
    if not crashed or not hasattr(sender, "find_sent"):
        return alerts
    since = min(a.row.sending_at or datetime.now(UTC) for a in crashed)
    found = sender.find_sent([a.row.alert_key for a in crashed], since)
    by_ts: dict[str, list[str]] = {}
    for key, ts in found.items():
        by_ts.setdefault(ts, []).append(key)
    with _db(settings) as conn:
        for ts, keys in by_ts.items():
            mark_sent(conn, channel.name, keys, ts, datetime.now(UTC))
    result.recovered = len(found)
    # Not in the history: never posted, so sending now is not a duplicate.
    return [Alert(a.row, a.summary, a.notice, resend=False) if a.resend else a
            for a in alerts if a.row.alert_key not in found]


def notify_ops(settings: Settings, results: Sequence[ChannelResult], *, sender=None) -> str | None:
    """Tell the ops channel which routes failed (best effort, not in the ledger); returns an error or None."""
    ops = settings.alerts.ops_channel
    failed = [r for r in results if r.errors and r.channel != ops]
    if not ops or not failed:
        return None
    text = "Paper Radar could not deliver alerts: " + "; ".join(
        f"{r.channel}: {r.errors[0]}" + (f" (+{len(r.errors) - 1} more)" if len(r.errors) > 1 else "") for r in failed)
    channel = settings.alerts.channel(ops)
    row = LedgerRow(ops, "ops:delivery", "source", None, ("ops",), "instant", "pending")
    message = _render(channel, [Alert(row, notice=text)], "Paper Radar: delivery failed")[0]
    try:
        sender = sender or make_sender(channel, settings.alerts.slack_history_limit)
        sender.send(message.email if message.email is not None else message.slack)
    except (SecretError, DeliveryError) as e:
        log.warning("could not notify the ops channel %s: %s", ops, e)
        return str(e)
    return None


@dataclass
class DeliveryReport:
    new_rows: int
    suppressed: int
    results: list[ChannelResult]
    ops_error: str | None = None

    @property
    def failed(self) -> bool:
        return any(r.errors for r in self.results)


def run_delivery(
    settings: Settings, *, modes: Sequence[str] = MODES, now: datetime | None = None, dry_run: bool = False,
    rule: str | None = None, summariser: Summariser | None = None, senders: dict | None = None,
) -> DeliveryReport:
    """The whole delivery in this process, without Prefect: `radar alerts send|preview` and tests."""
    summariser = summariser or make_summariser(settings.alerts)
    plan = plan_deliveries(settings, modes=modes, now=now, dry_run=dry_run, summariser=summariser, rule=rule)
    results = []
    names = {c.name for c in settings.alerts.channels}
    for name, alerts in plan.due.items():
        if name not in names:
            log.warning("%d alerts are due on channel %s, which is no longer configured", len(alerts), name)
            continue
        results.append(deliver_channel(settings, settings.alerts.channel(name), alerts, dry_run=dry_run, now=now,
                                       sender=(senders or {}).get(name), planned_at=plan.started_at))
    ops_error = None if dry_run else notify_ops(settings, results, sender=(senders or {}).get(
        settings.alerts.ops_channel or ""))
    return DeliveryReport(plan.new_rows, plan.suppressed, results, ops_error)
