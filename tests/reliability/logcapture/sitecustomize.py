"""Loaded by every Python process the secrets sweep starts (this folder is put first on its PYTHONPATH):
each log record any logger emits, after that logger's own filters and whether or not a handler then
shows it (a run in this process shows warnings only; the same code in a Prefect flow run sends INFO
to the API), is appended to the file $RADAR_SWEEP_LOG_RECORDS as its message, exception and stack.
"""

from __future__ import annotations

import logging
import os
import threading

_PATH = os.environ.get("RADAR_SWEEP_LOG_RECORDS")
_lock = threading.Lock()


def _text(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception as e:  # a record whose arguments do not fit its format: keep both
        message = f"{record.msg!r} % {record.args!r} ({e})"
    parts = [f"{record.name} {record.levelname} {message}"]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    parts += [p for p in (record.exc_text, record.stack_info) if p]
    return "\n".join(parts)


if _PATH:
    _call_handlers = logging.Logger.callHandlers

    def callHandlers(self: logging.Logger, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        with _lock, open(_PATH, "a", encoding="utf-8", errors="backslashreplace") as f:
            f.write(_text(record) + "\n")
        _call_handlers(self, record)

    logging.Logger.callHandlers = callHandlers
