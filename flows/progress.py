"""Progress of long flows (backfills, enrichment), for a progress bar in the CLI that started them.

A flow reports units of work done; whoever runs it in this process may listen (`listening`). Nothing
listens in a deployment, so reporting costs nothing there. A plain module global rather than a
context variable, because Prefect runs tasks in worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str, int, int | None], None]  # (description, units done now, new total or None)

_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def report(description: str, advance: int = 0, total: int | None = None) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(description, advance, total)
