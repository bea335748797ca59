"""Progress of long runs (backfills, enrichment), for a progress bar in the CLI that started them.

A pipeline reports units of work done (`report`); whoever runs it in this process may listen
(`listening`): the CLI's progress bar, a Prefect progress artifact (flows/prefect_runtime.py). Nothing
listens in a deployment but the artifact, so reporting costs next to nothing. A plain module global
rather than a context variable, because Prefect runs tasks in worker threads.
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
