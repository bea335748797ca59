"""Slack messages: Block Kit plus a plain `text` fallback, within Slack's limits. Pure.

Feed text never carries Slack formatting. Where Block Kit allows it, feed text goes in `plain_text`
objects, which Slack shows as written (the header gets the raw title, `&` and all; the TL;DR,
chips, authors and rule names are plain text too). Where it must be mrkdwn (link labels, the
fallback `text`, the list of a thread's parent), `neutralise` escapes `&`, `<` and `>` (so no
newsletter can ping `<!channel>` or disguise a link) and writes `*`, `_`, `~` and `` ` ``, which mrkdwn
has no escape for, as the look-alikes `∗ ˍ ∼ ˋ`: not a marker is left, so no reading of Slack's
rules can make bold, italics, strike-through or code of them. (A zero-width joiner beside the
marker would keep the character, but whether it stops the formatting depends on how Slack classes
the joiner, which cannot be tested here.) A block quote opens a line with `>`, escaped or not:
feed text is made one line, and a `>` it opens with is written `›`. Every mrkdwn object is
`verbatim`, so Slack does not turn a bare URL, `#channel` or `@here` in feed text into a link or a
mention either. Link targets are only the http(s) URLs we stored.

A digest is split into several messages when it would pass 50 blocks or ~12,000 characters of blocks
(Slack answers `msg_blocks_too_long` around 13k). Each message carries the ledger keys it delivers,
which also travel as message metadata (see alerts/send_slack.py). A thread's parent (`render_parent`)
delivers no key itself: it lists the papers whose details follow as replies in its thread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from records.messages import Alert, Summary

MAX_BLOCKS = 50
MAX_BLOCK_CHARS = 12_000
SECTION_CHARS = 3_000
HEADER_CHARS = 150
CONTEXT_CHARS = 300
BUTTON_CHARS = 75
MAX_NEWSLETTERS = 8
MAX_LISTED = 40
TEXT_CHARS = 3_000
DUPLICATE_NOTE = "possible duplicate: resent after an interrupted delivery"
#: mrkdwn's markers and the look-alikes feed text shows instead (asterisk operator, modifier letter low
#: macron, tilde operator, modifier letter grave accent).
LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_QUOTE_MARKS = re.compile(r"^(?:&gt;\s*)+")  # what a block quote opens with, once escaped


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage / webhook call: its text fallback, blocks, the ledger keys it delivers, the keys
    it lists for its thread (a parent), and the thread it is a reply in (set by the orchestrator)."""

    text: str
    blocks: tuple[dict, ...]
    keys: tuple[str, ...]
    listed: tuple[str, ...] = ()
    thread_ts: str | None = None

    def payload(self) -> dict:
        body = {"text": self.text, "blocks": list(self.blocks), "unfurl_links": False, "unfurl_media": False}
        return body | ({"thread_ts": self.thread_ts} if self.thread_ts else {})


def escape(text: str) -> str:
    """Slack mrkdwn escaping: only &, < and > (in that order)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralise(text: str) -> str:
    """Feed text for mrkdwn: one line, escaped, every *, _, ~ and ` written as its look-alike, and a leading
    `>` (a block quote wherever the text opens a line) as `›`."""
    text = escape(" ".join(text.split())).translate(LOOKALIKES)
    return _QUOTE_MARKS.sub(lambda m: m.group(0).replace("&gt;", "\u203a"), text)


def link(url: str, label: str) -> str:
    """`<url|label>` for an http(s) URL; just the neutralised label for anything else."""
    if not url.startswith(("http://", "https://")):
        return neutralise(label)
    safe = escape(url).replace("|", "%7C").replace(" ", "%20")
    return f"<{safe}|{neutralise(label).replace('|', '/')}>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": _clip(text, SECTION_CHARS), "verbatim": True}


def _plain(text: str, limit: int = SECTION_CHARS) -> dict:
    return {"type": "plain_text", "text": _clip(text, limit), "emoji": False}


def paper_blocks(summary: Summary, rules: Sequence[str] = ()) -> list[dict]:
    """header, TL;DR, chips as fields, context (arXiv id, newsletters, authors, rules), link buttons."""
    abs_url = summary.links[0].url
    blocks: list[dict] = [{"type": "header", "text": _plain(summary.title, HEADER_CHARS)}]
    if summary.tldr:
        blocks.append({"type": "section", "text": _plain(summary.tldr)})
    if summary.metrics:
        blocks.append({"type": "section", "fields": [_plain(m) for m in summary.metrics[:10]]})
    context = [_mrkdwn(link(abs_url, f"arXiv:{summary.arxiv_id}"))]
    if summary.newsletters:
        shown = ", ".join(link(n.url, n.label) for n in summary.newsletters[:MAX_NEWSLETTERS])
        more = len(summary.newsletters) - MAX_NEWSLETTERS
        context.append(_mrkdwn(_clip(f"Mentioned in {shown}" + (f" and {more} more" if more > 0 else ""),
                                     CONTEXT_CHARS * 4)))
    if summary.authors:
        context.append(_plain(", ".join(summary.authors[:6]) + (" et al." if len(summary.authors) > 6 else ""),
                              CONTEXT_CHARS))
    if rules:
        context.append(_plain("Rules: " + ", ".join(rules), CONTEXT_CHARS))
    blocks.append({"type": "context", "elements": context})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "text": _plain(lk.label, BUTTON_CHARS), "url": lk.url}
        for lk in summary.links if lk.url.startswith(("http://", "https://"))]})
    return blocks


def _fallback(summary: Summary) -> str:
    return f"{neutralise(summary.title)}: {neutralise(summary.tldr)} {summary.links[0].url}"


def _alert_blocks(alert: Alert) -> tuple[list[dict], str]:
    if alert.summary is None:
        text = neutralise(alert.notice or alert.row.alert_key)
        return [{"type": "section", "text": _mrkdwn(f":warning: {text}")}], text
    return paper_blocks(alert.summary, alert.row.rules), _fallback(alert.summary)


def _mark_duplicate(blocks: list[dict], text: str, resend: bool) -> tuple[list[dict], str]:
    if not resend:
        return blocks, text
    note = {"type": "context", "elements": [_mrkdwn(f":warning: {DUPLICATE_NOTE}")]}
    return [note, *blocks], f"[{DUPLICATE_NOTE}] {text}"


def render_instant(alert: Alert) -> SlackMessage:
    """One alert as its own message (or as a reply in a thread)."""
    blocks, text = _mark_duplicate(*_alert_blocks(alert), alert.resend)
    return SlackMessage(_clip(text, TEXT_CHARS), tuple(blocks), (alert.row.alert_key,))


def listing(alerts: Sequence[Alert], overflow: Mapping[str, Sequence[Alert]], where: str,
            budget: int = MAX_BLOCK_CHARS // 2) -> list[str]:
    """The numbered lines a folded run opens with: title and first chip per paper (at most `MAX_LISTED`, and
    no more than `budget` characters of blocks), then a line per rule whose papers past `max_per_run` are
    listed `where`."""
    lines = []
    for n, a in enumerate(alerts[:MAX_LISTED], 1):
        s = a.summary
        url, title = (s.links[0].url, s.title) if s else ("", a.notice or "")
        chip = f" · {neutralise(s.metrics[0])}" if s and s.metrics else ""
        line = f"{n}. {link(url, _clip(title, HEADER_CHARS))}{chip}"
        if len(json.dumps(_list_sections([*lines, line]), ensure_ascii=False)) > budget:
            break
        lines.append(line)
    if len(alerts) > len(lines):
        lines.append(f"…and {len(alerts) - len(lines)} more {where}")
    lines += [f"…and {len(extra)} more for {neutralise(rule)}, listed {where}" for rule, extra in overflow.items()]
    return lines


def _list_sections(lines: Sequence[str]) -> list[dict]:
    sections, chunk = [], []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > SECTION_CHARS - 100:
            sections.append({"type": "section", "text": _mrkdwn("\n".join(chunk))})
            chunk = []
        chunk.append(line)
    return sections + ([{"type": "section", "text": _mrkdwn("\n".join(chunk))}] if chunk else [])


def render_parent(alerts: Sequence[Alert], overflow: Mapping[str, Sequence[Alert]], title: str) -> SlackMessage:
    """A folded run's parent message: the list, most important first; the details follow in its thread."""
    listed = tuple(a.row.alert_key for a in alerts) + tuple(a.row.alert_key for e in overflow.values() for a in e)
    resend = any(a.resend for a in alerts) or any(a.resend for e in overflow.values() for a in e)
    blocks = [{"type": "header", "text": _plain(title, HEADER_CHARS)},
              *_list_sections(listing(alerts, overflow, "in the thread")),
              {"type": "context", "elements": [_plain("Details of each paper in the thread.")]}]
    text = f"{neutralise(title)}: " + "; ".join(neutralise(a.summary.title if a.summary else "") for a in alerts)
    blocks, text = _mark_duplicate(blocks, text, resend)
    return SlackMessage(_clip(text, TEXT_CHARS), tuple(blocks), (), listed=listed)


def render_digest(alerts: Sequence[Alert], title: str, *, lines: Sequence[str] = ()) -> list[SlackMessage]:
    """One digest, as few messages as Slack's limits allow; each part says which part it is. `lines`
    (a folded run's listing) open the first part."""
    groups = [(a, _alert_blocks(a)) for a in alerts]
    opening = _list_sections(lines)
    parts: list[list[tuple[Alert, list[dict], str]]] = [[]]
    for alert, (blocks, text) in groups:
        candidate = parts[-1] + [(alert, blocks, text)]
        if parts[-1] and not _fits(_digest_blocks(candidate, title, resend=True,
                                                  opening=opening if len(parts) == 1 else [])):
            parts.append([(alert, blocks, text)])
        else:
            parts[-1] = candidate
    messages = []
    for n, part in enumerate(parts, 1):
        label = title if len(parts) == 1 else f"{title} ({n}/{len(parts)})"
        resend = any(a.resend for a, _, _ in part)
        blocks = _digest_blocks(part, label, resend=resend, opening=opening if n == 1 else [])
        text = f"{neutralise(label)}: " + "; ".join(
            neutralise(a.summary.title if a.summary else a.notice or "") for a, _, _ in part)
        if resend:
            text = f"[{DUPLICATE_NOTE}] {text}"
        keys = tuple(a.row.alert_key for a, _, _ in part)
        messages.append(SlackMessage(_clip(text, TEXT_CHARS), tuple(blocks), keys))
    return messages


def _digest_blocks(part: list[tuple[Alert, list[dict], str]], title: str, *, resend: bool,
                   opening: Sequence[dict] = ()) -> list[dict]:
    blocks: list[dict] = [{"type": "header", "text": _plain(title, HEADER_CHARS)}]
    if resend:
        blocks.append({"type": "context", "elements": [_mrkdwn(f":warning: {DUPLICATE_NOTE}")]})
    blocks.extend(opening)
    for i, (_, paper, _) in enumerate(part):
        if i or opening:
            blocks.append({"type": "divider"})
        blocks.extend(paper)
    return blocks


def render_overflow(alerts: Sequence[Alert], rule: str) -> list[SlackMessage]:
    """The papers past a rule's per-run cap: one compact "and N more" list (split only if huge)."""
    lines = [f"• {link(a.summary.links[0].url, a.summary.title)}" if a.summary else f"• {neutralise(a.notice or '')}"
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
        blocks = [{"type": "section", "text": _mrkdwn(f"*{neutralise(title)}*\n" + "\n".join(lines_))}]
        out.append(SlackMessage(_clip(f"{neutralise(title)}: " + ", ".join(keys_), TEXT_CHARS), tuple(blocks),
                                tuple(keys_)))
    return out


def _fits(blocks: list[dict]) -> bool:
    return len(blocks) <= MAX_BLOCKS and len(json.dumps(blocks, ensure_ascii=False)) <= MAX_BLOCK_CHARS
