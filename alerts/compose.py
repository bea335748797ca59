"""What to send, given the facts: which ledger rows are due, the `Alert` for each, and the messages
(`Outgoing`) a channel gets for them. Pure: no clock (times are passed in), no I/O, no database.

Called by the delivery orchestrator (flows/pipeline/delivery.py), which loads the ledger and the
paper facts, sends the messages and records the outcome. Instant alerts go one message each;
digest alerts one digest per run; both are capped per rule per run (`max_per_run`), the rest going
out as one "and N more" message. A source-health notice is never capped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from cronsim import CronSim

from alerts import render_email as email_render
from alerts import render_slack as slack_render
from alerts.paper_summary import Summariser, summarise_paper
from config.alerts import ChannelConfig, RuleConfig
from records.facts import PaperFacts
from records.ledger import LedgerRow
from records.messages import Alert

log = logging.getLogger(__name__)
MODES = ("instant", "digest")


@dataclass(frozen=True)
class Outgoing:
    """One message to send: a Slack message or an email, and the ledger keys it delivers."""

    keys: tuple[str, ...]
    slack: slack_render.SlackMessage | None = None
    email: EmailMessage | None = None
    resend: bool = False

    @property
    def payload(self) -> slack_render.SlackMessage | EmailMessage:
        return self.email if self.email is not None else self.slack


def is_due(row: LedgerRow, rules: Sequence[RuleConfig], modes: Sequence[str], now: datetime) -> bool:
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


def make_alert(row: LedgerRow, paper: PaperFacts | None, health: dict[str, dict],
               summariser: Summariser) -> Alert | None:
    """The alert a due row stands for; None when its paper is gone (removed by a re-extraction)."""
    resend = row.status == "sending"
    if row.kind == "source":
        name = row.alert_key.split(":")[1]
        return Alert(row, notice=source_notice(name, health.get(name)), resend=resend)
    if paper is None:
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


def ops_message(ops: ChannelConfig, failures: Sequence[tuple[str, list[str]]]) -> Outgoing:
    """The notice for the ops channel: which routes failed, with the first error of each."""
    text = "Paper Radar could not deliver alerts: " + "; ".join(
        f"{channel}: {errors[0]}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        for channel, errors in failures)
    row = LedgerRow(ops.name, "ops:delivery", "source", None, ("ops",), "instant", "pending")
    return _render(ops, [Alert(row, notice=text)], "Paper Radar: delivery failed")[0]
