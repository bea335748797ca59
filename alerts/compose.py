"""What to send, given the facts: which ledger rows are due, the `Alert` for each, and the messages a
channel gets for them. Pure: no clock (times are passed in), no I/O, no database.

Called by the delivery orchestrator (flows/pipeline/delivery.py), which loads the ledger and the
paper facts, sends the messages and records the outcome. A channel's papers go most important first
(`importance`: the first matching rule's place in the config, then more newsletters, has code, has
results). Each rule shows at most `max_per_run` of them in full per run; the rest are listed in one
"and N more" message. Then, per channel:

- up to `fold_after` papers in full: instant alerts one message each, digest alerts one digest;
- more than that: the run is folded. With a Slack bot token, one parent message lists them all (the
  rules' "and N more" lines included) and the details go as replies in its thread (`Thread`); with
  a webhook, the list opens one digest with the details below it; by email, one email does the same.

Alerts whose rows already carry a thread (replies a crash or a failure left unsent) go into that
thread, without a new parent. A source-health notice is never capped or folded.
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
from alerts.paper_summary import Summariser, has_results, summarise_paper
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


@dataclass(frozen=True)
class Thread:
    """A parent message that lists papers, then one reply per paper in its thread (Slack, bot token).
    Without a parent, the replies go into the existing thread `thread_ts`."""

    parent: Outgoing | None
    replies: tuple[Outgoing, ...]
    thread_ts: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for r in self.replies for k in r.keys)

    @property
    def messages(self) -> list[Outgoing]:
        return ([self.parent] if self.parent else []) + list(self.replies)


Delivery = Outgoing | Thread


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


def make_alert(row: LedgerRow, paper: PaperFacts | None, health: dict[str, dict], summariser: Summariser,
               rules: Sequence[RuleConfig] = ()) -> Alert | None:
    """The alert a due row stands for; None when its paper is gone (removed by a re-extraction)."""
    resend = row.status == "sending"
    if row.kind == "source":
        name = row.alert_key.split(":")[1]
        return Alert(row, notice=source_notice(name, health.get(name)), resend=resend)
    if paper is None:
        log.warning("alert %s on %s: the paper is no longer in the database; skipped", row.alert_key, row.channel)
        return None
    return Alert(row, summary=summarise_paper(paper, summariser), resend=resend,
                 importance=importance(row, paper, rules))


def importance(row: LedgerRow, paper: PaperFacts, rules: Sequence[RuleConfig]) -> tuple[int, int, bool, bool, str]:
    """Sorts most important first: the first of its rules in config order, more newsletters, code, results
    (then by arXiv id, so that equals keep one order)."""
    order = [r.name for r in rules]
    rank = min((order.index(r) for r in row.rules if r in order), default=len(order))
    return (rank, -paper.n_sources, not paper.code_urls, not has_results(paper), paper.arxiv_id)


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
                   now: datetime, fold_after: int = 5) -> list[Delivery]:
    """A channel's due alerts as deliveries, most important first (see the module docstring)."""
    out: list[Delivery] = [m for a in alerts if a.summary is None for m in _render(channel, [a], _title(a))]
    papers = sorted((a for a in alerts if a.summary is not None), key=lambda a: a.importance)
    threads: dict[str, list[Alert]] = {}
    for a in papers:
        if a.row.thread_ts and channel.kind == "slack":  # (a channel turned into a webhook starts afresh)
            threads.setdefault(a.row.thread_ts, []).append(a)
    out += [Thread(None, tuple(_reply(a) for a in group), thread_ts=ts) for ts, group in threads.items()]
    fresh = [a for a in papers if not (a.row.thread_ts and channel.kind == "slack")]
    shown, overflow = _cap(fresh, {r.name: r.max_per_run for r in rules})
    if len(shown) > fold_after:
        out += _fold(channel, shown, overflow, now)
        return [o for o in out if o.keys]
    for mode in MODES:
        chosen = [a for a in shown if a.row.mode == mode]
        if mode == "instant":
            for a in chosen:
                out += _render(channel, [a], _title(a))
        elif chosen:
            out += _render(channel, chosen, f"Paper Radar digest, {now:%Y-%m-%d}: {len(chosen)} papers")
    for rule_name, extra in overflow.items():
        out += _render_overflow(channel, extra, rule_name)
    return [o for o in out if o.keys]


def _cap(alerts: list[Alert], caps: dict[str, int]) -> tuple[list[Alert], dict[str, list[Alert]]]:
    """Counted against the first rule that matched (in config order)."""
    shown, overflow, used = [], {}, {}
    for a in alerts:
        rule = next((r for r in a.row.rules if r in caps), None)
        if rule is None:
            shown.append(a)
            continue
        used[rule] = used.get(rule, 0) + 1
        (shown if used[rule] <= caps[rule] else overflow.setdefault(rule, [])).append(a)
    return shown, overflow


def _fold(channel: ChannelConfig, shown: list[Alert], overflow: dict[str, list[Alert]], now: datetime
          ) -> list[Delivery]:
    """One list for the run, with the details in its thread (bot token) or below it (webhook, email)."""
    total = len(shown) + sum(len(e) for e in overflow.values())
    digest = all(a.row.mode == "digest" for a in shown)
    title = f"Paper Radar digest, {now:%Y-%m-%d}: {total} papers" if digest else f"Paper Radar: {total} new papers"
    if channel.kind == "email":
        everything = shown + [a for e in overflow.values() for a in e]
        message = email_render.render_email(shown, title=title, sender=channel.from_addr or "", recipients=channel.to,
                                            overflow=overflow, contents=True)
        return [Outgoing(tuple(a.row.alert_key for a in everything), email=message,
                         resend=any(a.resend for a in everything))]
    if channel.kind == "slack_webhook":
        lines = slack_render.listing(shown, overflow, "below")
        parts = slack_render.render_digest(shown, title, lines=lines)
        return [Outgoing(p.keys, slack=p, resend=any(a.resend for a in shown)) for p in parts] + [
            o for rule, extra in overflow.items() for o in _render_overflow(channel, extra, rule)]
    parent = slack_render.render_parent(shown, overflow, title)
    extras = [Outgoing(m.keys, slack=m) for rule, extra in overflow.items()
              for m in slack_render.render_overflow(extra, rule)]
    return [Thread(Outgoing((), slack=parent), tuple(_reply(a) for a in shown) + tuple(extras))]


def _reply(alert: Alert) -> Outgoing:
    return Outgoing((alert.row.alert_key,), slack=slack_render.render_instant(alert), resend=alert.resend)


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


def flatten(deliveries: Sequence[Delivery]) -> list[Outgoing]:
    """Every message of the deliveries, in sending order (a dry run's preview)."""
    return [m for d in deliveries for m in (d.messages if isinstance(d, Thread) else [d])]


def ops_message(ops: ChannelConfig, failures: Sequence[tuple[str, list[str]]]) -> Outgoing:
    """The notice for the ops channel: which routes failed, with the first error of each."""
    text = "Paper Radar could not deliver alerts: " + "; ".join(
        f"{channel}: {errors[0]}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        for channel, errors in failures)
    row = LedgerRow(ops.name, "ops:delivery", "source", None, ("ops",), "instant", "pending")
    return _render(ops, [Alert(row, notice=text)], "Paper Radar: delivery failed")[0]
