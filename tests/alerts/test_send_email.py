"""Every email carries a `Date:` header stamped when it is sent (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from alerts.send_email import EmailSender
from config.alerts import ChannelConfig
from tests.alerts.fakes import SmtpServer


def message(subject: str, date: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, "radar@example.org", "team@example.org"
    if date is not None:
        msg["Date"] = date
    msg.set_content("body")
    return msg


def test_every_message_gets_a_parseable_date_of_when_it_was_sent():
    with SmtpServer() as server:
        channel = ChannelConfig(name="mail", kind="email", smtp_host="127.0.0.1", smtp_port=server.port,
                                security="plain", **{"from": "radar@example.org"}, to=["team@example.org"])
        sender = EmailSender(channel)
        before = datetime.now(UTC)
        sender.send(message("fresh"))
        sender.send(message("rendered last week, resent now", date="Mon, 03 Nov 2025 08:00:00 +0000"))
        after = datetime.now(UTC)
    received = [email.message_from_bytes(raw, policy=policy.default) for raw in server.handler.messages]
    assert [m["Subject"] for m in received] == ["fresh", "rendered last week, resent now"]
    for m in received:
        assert len(m.get_all("Date")) == 1
        sent = parsedate_to_datetime(m["Date"])
        assert sent.tzinfo is not None
        assert before - timedelta(seconds=1) <= sent <= after + timedelta(seconds=1), m["Date"]
