"""Email: one `EmailMessage` with a plain-text part and an HTML part (inline styles, no scripts). Pure.

Feed text reaches headers only through `header_text`, which drops line breaks and control
characters, so no newsletter title can inject a header. The HTML part is the Jinja2 template
templates/email.html.j2 with autoescaping on: every feed string is HTML-escaped where it is
written, and only http(s) URLs become links. Tables and inline styles, because common mail clients
(Outlook, Gmail) ignore <style> blocks and external CSS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
    overflow: Mapping[str, Sequence[Alert]] | None = None, contents: bool = False,
) -> EmailMessage:
    """The message for `alerts` (one paper, or a digest). Its Message-ID is set here, so the ledger can store it.

    A folded run (`contents`) opens with the numbered list of its papers and ends with the papers past
    their rule's `max_per_run` (`overflow`), listed by title.
    """
    overflow = overflow or {}
    resend = any(a.resend for a in alerts) or any(a.resend for e in overflow.values() for a in e)
    msg = EmailMessage()
    msg["Subject"] = header_text(("[possible duplicate] " if resend else "") + title)
    msg["From"] = header_text(sender)
    msg["To"] = ", ".join(header_text(r) for r in recipients)
    msg["Message-ID"] = make_msgid("paper-radar", domain=domain)
    if resend:
        msg["X-Paper-Radar-Possible-Duplicate"] = "yes"
    keys = [a.row.alert_key for a in alerts] + [a.row.alert_key for e in overflow.values() for a in e]
    msg["X-Paper-Radar-Keys"] = header_text(" ".join(keys), 900)
    msg.set_content(render_plain(alerts, title, resend, overflow=overflow, contents=contents))
    msg.add_alternative(render_html(alerts, title, resend, overflow=overflow, contents=contents), subtype="html")
    return msg


def render_plain(alerts: Sequence[Alert], title: str, resend: bool = False, *,
                 overflow: Mapping[str, Sequence[Alert]] | None = None, contents: bool = False) -> str:
    lines = [title, "=" * min(len(title), 72), ""]
    if resend:
        lines += [f"Note: {DUPLICATE_NOTE}.", ""]
    if contents:
        lines += [f"{n}. {a.summary.title}" + (f" ({a.summary.metrics[0]})" if a.summary.metrics else "")
                  for n, a in enumerate(alerts, 1) if a.summary] + [""]
    for a in alerts:
        if a.summary is None:
            lines += [f"! {a.notice or a.row.alert_key}", ""]
            continue
        s = a.summary
        lines += [s.title, f"  {s.tldr}"] if s.tldr else [s.title]
        if s.metrics:
            lines.append("  Key numbers: " + "; ".join(s.metrics))
        lines += [f"  {lk.label}: {lk.url}" for lk in s.links]
        lines += [f"  Mentioned in {n.label}" + (f": {n.url}" if n.url else "") for n in s.newsletters]
        lines.append("")
    for rule, extra in (overflow or {}).items():
        lines += [f"...and {len(extra)} more for {rule}:"]
        lines += [f"  {a.summary.title}: {a.summary.links[0].url}" for a in extra if a.summary] + [""]
    lines.append("-- Paper Radar")
    return "\n".join(lines) + "\n"


def render_html(alerts: Sequence[Alert], title: str, resend: bool = False, *,
                overflow: Mapping[str, Sequence[Alert]] | None = None, contents: bool = False) -> str:
    """The HTML part, from templates/email.html.j2 (autoescaped)."""
    return _TEMPLATE.render(alerts=alerts, title=title, resend=resend, font=Markup(FONT), duplicate_note=DUPLICATE_NOTE,
                            overflow=overflow or {}, contents=contents)
