"""Secrets kept out of every log record and every error the CLI prints.

Every secret the config names (Slack bot token, webhook URL and its secret path, SMTP password, LLM
API key) is registered here when config/secrets.py reads it, and anything that looks like a Slack
token is masked whether registered or not. `install` wraps the logging module's record factory, so
each record of every logger (ours, slack_sdk's, httpx's, urllib3's, Prefect's) has its message, and
its traceback text, masked when it is created, before any handler, filter or the Prefect API sees
it. Entry points install it (the CLI before every command, `PrefectRuntime` in every flow run);
registering a secret installs it too, so no path that holds a secret logs without it.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urlsplit

MASK = "[redacted]"
#: Slack tokens (bot, user, app, refresh, configuration): masked even when no config named them.
_SLACK_TOKEN = re.compile(r"\bxox[a-z]-[A-Za-z0-9-]{6,}|\bxapp-[A-Za-z0-9-]{6,}")
_MIN_LENGTH = 6  # shorter values ("x", "1234") would mask ordinary text and protect nothing
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def register(value: str) -> None:
    """Mask `value` from now on in this process; for a URL, also its path (a webhook's secret part)."""
    parts = [value.strip()]
    try:
        path = urlsplit(parts[0]).path
    except ValueError:  # not a URL at all: the value as given is masked
        path = ""
    if len(path.strip("/")) >= 12:
        parts.append(path)
    with _lock:
        _secrets.update(p for p in parts if len(p) >= _MIN_LENGTH)
    install()


def redact(text: str) -> str:
    """`text` with every registered secret and every Slack-token-looking string masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)  # the whole URL before its path
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return _SLACK_TOKEN.sub(MASK, text) if "xox" in text or "xapp-" in text else text


def install() -> None:
    """Mask secrets in every log record this process creates from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _mask(record)
        return record

    logging.setLogRecordFactory(masked_record)


def _mask(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports it itself when the record is emitted
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        clean = redact(text)
        if clean != text:
            record.exc_text = clean  # formatters print exc_text when it is set, instead of formatting again
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
