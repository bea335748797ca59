"""Sending email with smtplib: STARTTLS, SSL or plain by config, always with a timeout.

Every message gets its `Date:` header here, at the moment it is handed to the server (an
`EmailMessage` has none unless set, and a message resent by a later run is dated then, not when it
was first rendered).

smtplib's errors become `DeliveryError`: refused recipients or sender, failed login and other
permanent (5xx) answers are not retryable; a server that is down, hangs up or answers 4xx is, and so
is a message the server refuses at DATA (its content, not the route: the other messages go on).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from alerts.errors import DeliveryError
from config.alerts import ChannelConfig
from config.faults import fault_point

log = logging.getLogger(__name__)


class EmailSender:
    """One SMTP connection per message (digests are rare; a long-lived connection would time out)."""

    def __init__(self, channel: ChannelConfig, password: str | None = None) -> None:
        self.channel, self.password = channel, password

    def send(self, message: EmailMessage) -> str:
        c = self.channel
        where = f"email channel {c.name} ({c.smtp_host}:{c.port})"
        del message["Date"]
        message["Date"] = formatdate(localtime=True)
        try:
            with self._connect() as smtp:
                if c.security == "starttls":
                    smtp.starttls(context=self._tls())
                if c.username:
                    smtp.login(c.username, self.password or "")
                refused = smtp.send_message(message)
                fault_point("smtp.after_data")
        except smtplib.SMTPRecipientsRefused as e:
            raise DeliveryError(f"{where}: every recipient refused: {_codes(e.recipients)}", retryable=False) from None
        except smtplib.SMTPSenderRefused as e:
            raise DeliveryError(f"{where}: sender refused: {e.smtp_code} {_text(e.smtp_error)}",
                                retryable=False) from None
        except smtplib.SMTPAuthenticationError as e:
            raise DeliveryError(f"{where}: login failed: {e.smtp_code} {_text(e.smtp_error)}",
                                retryable=False) from None
        except smtplib.SMTPDataError as e:
            # The server took the envelope and refused this message's content (550 at DATA: too big, spam,
            # policy): the message fails, the channel's other messages may still be accepted.
            raise DeliveryError(f"{where}: message {message['Message-ID']} refused at DATA: {e.smtp_code} "
                                f"{_text(e.smtp_error)}", retryable=True) from None
        except smtplib.SMTPResponseException as e:
            raise DeliveryError(f"{where}: server answered {e.smtp_code} {_text(e.smtp_error)}",
                                retryable=e.smtp_code < 500) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
            raise DeliveryError(f"{where}: {type(e).__name__}: {e}", retryable=True) from None
        if refused:  # some got it: resending would duplicate for them, so it counts as sent
            log.warning("%s: some recipients refused: %s", where, _codes(refused))
        return str(message["Message-ID"])

    def _tls(self) -> ssl.SSLContext:
        ca_file = self.channel.ca_file
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        c = self.channel
        if c.security == "ssl":
            return _SMTPSSL(c.smtp_host, c.port, timeout=c.timeout_seconds, context=self._tls())
        return _SMTP(c.smtp_host, c.port, timeout=c.timeout_seconds)


class _FaultPoints:
    """A fault point after each recipient the server accepted (config/faults.py): the envelope is open,
    DATA not sent."""

    def rcpt(self, recip: str, options: tuple = ()) -> tuple[int, bytes]:
        reply = super().rcpt(recip, options)  # type: ignore[misc]
        fault_point("smtp.after_rcpt")
        return reply


class _SMTP(_FaultPoints, smtplib.SMTP):
    pass


class _SMTPSSL(_FaultPoints, smtplib.SMTP_SSL):
    pass


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _codes(refused: dict) -> str:
    return ", ".join(f"{addr} ({code} {_text(msg)})" for addr, (code, msg) in refused.items())
