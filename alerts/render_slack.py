"""Slack messages: Block Kit plus a plain `text` fallback, within Slack's limits. Pure.

Everything taken from feeds is escaped (`&`, `<`, `>`: the only characters Slack's mrkdwn treats
specially), so no newsletter can ping `<!channel>` or smuggle a link; link targets are only the
http(s) URLs we stored. A digest is split into several messages when it would pass 50 blocks or
~12,000 characters of blocks (Slack answers `msg_blocks_too_long` around 13k). Each message carries
the ledger keys it delivers, which also travel as message metadata (see alerts/send_slack.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from records.messages import Alert, Summary

MAX_BLOCKS = 50
MAX_BLOCK_CHARS = 12_000
SECTION_CHARS = 3_000
HEADER_CHARS = 150
CONTEXT_CHARS = 300
BUTTON_CHARS = 75
MAX_NEWSLETTERS = 8
TEXT_CHARS = 3_000
DUPLICATE_NOTE = "possible duplicate: resent after an interrupted delivery"


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage / webhook call: its text fallback, blocks, and the ledger keys it delivers."""

    text: str
    blocks: tuple[dict, ...]
    keys: tuple[str, ...]

    def payload(self) -> dict:
        return {"text": self.text, "blocks": list(self.blocks), "unfurl_links": False, "unfurl_media": False}


def escape(text: str) -> str:
    """Slack mrkdwn escaping: only &, < and > (in that order)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """`<url|label>` for an http(s) URL; just the escaped label for anything else."""
    if not url.startswith(("http://", "https://")):
        return escape(label)
    safe = escape(url).replace("|", "%7C").replace(" ", "%20")
    return f"<{safe}|{escape(label).replace('|', '/')}>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": _clip(text, SECTION_CHARS)}


def paper_blocks(summary: Summary, rules: Sequence[str] = ()) -> list[dict]:
    """header, TL;DR, metrics as fields, context (newsletters, authors, rules), link buttons."""
    abs_url = summary.links[0].url
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(escape(summary.title), HEADER_CHARS)}},
        {"type": "section", "text": _mrkdwn(f"{link(abs_url, summary.arxiv_id)}  {escape(summary.tldr)}")},
    ]
    if summary.metrics:
        blocks.append({"type": "section", "fields": [_mrkdwn(f"*{escape(m)}*") for m in summary.metrics[:10]]})
    context = []
    if summary.newsletters:
        shown = ", ".join(link(n.url, n.label) for n in summary.newsletters[:MAX_NEWSLETTERS])
        more = len(summary.newsletters) - MAX_NEWSLETTERS
        context.append(f"Mentioned in {shown}" + (f" and {more} more" if more > 0 else ""))
    if summary.authors:
        authors = ", ".join(summary.authors[:6]) + (" et al." if len(summary.authors) > 6 else "")
        context.append(escape(authors))
    if rules:
        context.append("Rules: " + escape(", ".join(rules)))
    if context:
        blocks.append({"type": "context", "elements": [_mrkdwn(_clip(c, CONTEXT_CHARS * 4)) for c in context]})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": _clip(escape(lk.label), BUTTON_CHARS)},
         "url": lk.url} for lk in summary.links if lk.url.startswith(("http://", "https://"))]})
    return blocks


def _fallback(summary: Summary) -> str:
    return f"{escape(summary.title)}: {escape(summary.tldr)} {summary.links[0].url}"


def _alert_blocks(alert: Alert) -> tuple[list[dict], str]:
    if alert.summary is None:
        text = escape(alert.notice or alert.row.alert_key)
        return [{"type": "section", "text": _mrkdwn(f":warning: {text}")}], text
    return paper_blocks(alert.summary, alert.row.rules), _fallback(alert.summary)


def _mark_duplicate(blocks: list[dict], text: str, resend: bool) -> tuple[list[dict], str]:
    if not resend:
        return blocks, text
    note = {"type": "context", "elements": [_mrkdwn(f":warning: {DUPLICATE_NOTE}")]}
    return [note, *blocks], f"[{DUPLICATE_NOTE}] {text}"


def render_instant(alert: Alert) -> SlackMessage:
    blocks, text = _mark_duplicate(*_alert_blocks(alert), alert.resend)
    return SlackMessage(_clip(text, TEXT_CHARS), tuple(blocks), (alert.row.alert_key,))


def render_digest(alerts: Sequence[Alert], title: str) -> list[SlackMessage]:
    """One digest, as few messages as Slack's limits allow; each part says which part it is."""
    groups = [(a, _alert_blocks(a)) for a in alerts]
    parts: list[list[tuple[Alert, list[dict], str]]] = [[]]
    for alert, (blocks, text) in groups:
        candidate = parts[-1] + [(alert, blocks, text)]
        if parts[-1] and not _fits(_digest_blocks(candidate, title, resend=True)):
            parts.append([(alert, blocks, text)])
        else:
            parts[-1] = candidate
    messages = []
    for n, part in enumerate(parts, 1):
        label = title if len(parts) == 1 else f"{title} ({n}/{len(parts)})"
        resend = any(a.resend for a, _, _ in part)
        blocks = _digest_blocks(part, label, resend=resend)
        text = f"{label}: " + "; ".join(escape(a.summary.title if a.summary else a.notice or "") for a, _, _ in part)
        if resend:
            text = f"[{DUPLICATE_NOTE}] {text}"
        keys = tuple(a.row.alert_key for a, _, _ in part)
        messages.append(SlackMessage(_clip(text, TEXT_CHARS), tuple(blocks), keys))
    return messages


def _digest_blocks(part: list[tuple[Alert, list[dict], str]], title: str, *, resend: bool) -> list[dict]:
    header = {"type": "plain_text", "text": _clip(escape(title), HEADER_CHARS)}
    blocks: list[dict] = [{"type": "header", "text": header}]
    if resend:
        blocks.append({"type": "context", "elements": [_mrkdwn(f":warning: {DUPLICATE_NOTE}")]})
    for i, (_, paper, _) in enumerate(part):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(paper)
    return blocks


def render_overflow(alerts: Sequence[Alert], rule: str) -> list[SlackMessage]:
    """The papers past a rule's per-run cap: one compact "and N more" list (split only if huge)."""
    lines = [f"• {link(a.summary.links[0].url, a.summary.title)}" if a.summary else f"• {escape(a.notice or '')}"
             for a in alerts]
    title = f"…and {len(alerts)} more for {rule}"
    messages, chunk, keys = [], [], []
    for line, alert in zip(lines, alerts, strict=True):
        if chunk and (len("\n".join(chunk + [line])) > SECTION_CHARS - 100 or len(chunk) >= 40):
            messages.append((chunk, keys))
            chunk, keys = [], []
        chunk.append(line)
        keys.append(alert.row.alert_key)
    messages.append((chunk, keys))
    out = []
    for lines_, keys_ in messages:
        blocks = [{"type": "section", "text": _mrkdwn(f"*{escape(title)}*\n" + "\n".join(lines_))}]
        out.append(SlackMessage(_clip(f"{title}: " + ", ".join(keys_), TEXT_CHARS), tuple(blocks), tuple(keys_)))
    return out


def _fits(blocks: list[dict]) -> bool:
    return len(blocks) <= MAX_BLOCKS and len(json.dumps(blocks, ensure_ascii=False)) <= MAX_BLOCK_CHARS
