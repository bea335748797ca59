"""Email: one `EmailMessage` with a plain-text part and an HTML part (inline styles, no scripts). Pure.

Feed text reaches headers only through `header_text`, which drops line breaks and control
characters, so no newsletter title can inject a header. In the HTML, every feed string is
HTML-escaped and only http(s) URLs become links. Tables and inline styles, because common mail
clients (Outlook, Gmail) ignore <style> blocks and external CSS.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from alerts.render_slack import DUPLICATE_NOTE
from records.messages import Alert, Summary

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK KR',Arial,sans-serif"


def header_text(text: str, limit: int = 200) -> str:
    """A single-line header value: no CR/LF or other control characters, clipped."""
    clean = " ".join(_CONTROL.sub(" ", text).split())
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def render_email(
    alerts: Sequence[Alert], *, title: str, sender: str, recipients: Sequence[str], domain: str = "paper-radar.local",
) -> EmailMessage:
    """The message for `alerts` (one paper, or a digest). Its Message-ID is set here, so the ledger can store it."""
    resend = any(a.resend for a in alerts)
    msg = EmailMessage()
    msg["Subject"] = header_text(("[possible duplicate] " if resend else "") + title)
    msg["From"] = header_text(sender)
    msg["To"] = ", ".join(header_text(r) for r in recipients)
    msg["Message-ID"] = make_msgid("paper-radar", domain=domain)
    if resend:
        msg["X-Paper-Radar-Possible-Duplicate"] = "yes"
    msg["X-Paper-Radar-Keys"] = header_text(" ".join(a.row.alert_key for a in alerts), 900)
    msg.set_content(render_plain(alerts, title, resend))
    msg.add_alternative(render_html(alerts, title, resend), subtype="html")
    return msg


def render_plain(alerts: Sequence[Alert], title: str, resend: bool = False) -> str:
    lines = [title, "=" * min(len(title), 72), ""]
    if resend:
        lines += [f"Note: {DUPLICATE_NOTE}.", ""]
    for a in alerts:
        if a.summary is None:
            lines += [f"! {a.notice or a.row.alert_key}", ""]
            continue
        s = a.summary
        lines += [s.title, f"  {s.tldr}"] if s.tldr else [s.title]
        if s.metrics:
            lines.append("  Key numbers: " + "; ".join(s.metrics))
        lines += [f"  {lk.label}: {lk.url}" for lk in s.links]
        lines += [f"  Mentioned in {n.label}: {n.url}" for n in s.newsletters]
        lines.append("")
    lines.append("-- Paper Radar")
    return "\n".join(lines) + "\n"


def _a(url: str, label: str, style: str = "color:#1a56db;text-decoration:none") -> str:
    if not url.startswith(("http://", "https://")):
        return html.escape(label)
    return f'<a href="{html.escape(url, quote=True)}" style="{style}">{html.escape(label)}</a>'


def _paper_html(s: Summary, rules: Sequence[str]) -> str:
    metrics = "".join(
        f'<span style="display:inline-block;margin:0 6px 6px 0;padding:2px 8px;border-radius:10px;'
        f'background:#eef2ff;color:#3730a3;font-size:13px">{html.escape(m)}</span>' for m in s.metrics)
    buttons = " ".join(
        _a(lk.url, lk.label, "display:inline-block;margin:0 6px 6px 0;padding:5px 12px;border-radius:4px;"
                             "background:#1a56db;color:#ffffff;text-decoration:none;font-size:13px")
        for lk in s.links)
    newsletters = ", ".join(_a(n.url, n.label) for n in s.newsletters)
    authors = html.escape(", ".join(s.authors[:6]) + (" et al." if len(s.authors) > 6 else ""))
    title = _a(s.links[0].url, s.title, "color:#111827;text-decoration:none")
    meta = " · ".join(filter(None, [authors, html.escape(" ".join(s.categories[:3])),
                                   "rules: " + html.escape(", ".join(rules)) if rules else ""]))
    return (
        '<tr><td style="padding:16px 20px;border-bottom:1px solid #e5e7eb">'
        f'<div style="font-size:17px;font-weight:bold;margin:0 0 6px">{title}</div>'
        f'<div style="font-size:14px;line-height:1.5;color:#374151;margin:0 0 8px">{html.escape(s.tldr)}</div>'
        f'<div>{metrics}</div><div style="margin:4px 0">{buttons}</div>'
        + (f'<div style="font-size:12px;color:#6b7280">Mentioned in {newsletters}</div>' if newsletters else "")
        + (f'<div style="font-size:12px;color:#9ca3af">{meta}</div>' if meta else "")
        + "</td></tr>"
    )


def render_html(alerts: Sequence[Alert], title: str, resend: bool = False) -> str:
    rows = []
    for a in alerts:
        if a.summary is None:
            notice = html.escape(a.notice or "")
            rows.append(f'<tr><td style="padding:12px 20px;color:#b45309">&#9888; {notice}</td></tr>')
        else:
            rows.append(_paper_html(a.summary, a.row.rules))
    note = (f'<tr><td style="padding:8px 20px;background:#fef3c7;color:#92400e;font-size:13px">'
            f'{html.escape(DUPLICATE_NOTE)}</td></tr>') if resend else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        f'<body style="margin:0;padding:24px 0;background:#f3f4f6;{FONT}">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="max-width:640px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px">'
        f'<tr><td style="padding:18px 20px;background:#111827;color:#ffffff;font-size:20px;font-weight:bold;'
        f'border-radius:8px 8px 0 0">{html.escape(title)}</td></tr>'
        f"{note}{''.join(rows)}"
        '<tr><td style="padding:12px 20px;font-size:11px;color:#9ca3af">Sent by Paper Radar.</td></tr>'
        "</table></body></html>"
    )
