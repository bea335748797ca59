"""Email: one `EmailMessage` with a plain-text part and an HTML part (inline styles, no scripts). Pure.

Feed text reaches headers only through `header_text`, which drops line breaks and control
characters, so no newsletter title can inject a header. The HTML part is the Jinja2 template
templates/email.html.j2 with autoescaping on: every feed string is HTML-escaped where it is
written, and only http(s) URLs become links. Tables and inline styles, because common mail clients
(Outlook, Gmail) ignore <style> blocks and external CSS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from alerts.render_slack import DUPLICATE_NOTE
from records.messages import Alert

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_TEMPLATE = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True,
                        undefined=StrictUndefined, keep_trailing_newline=False).get_template("email.html.j2")
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


def render_html(alerts: Sequence[Alert], title: str, resend: bool = False) -> str:
    """The HTML part, from templates/email.html.j2 (autoescaped)."""
    return _TEMPLATE.render(alerts=alerts, title=title, resend=resend, font=Markup(FONT), duplicate_note=DUPLICATE_NOTE)
