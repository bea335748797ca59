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


class ProgressArtifact:
    """A Prefect progress artifact that follows `report` calls, so a long backfill shows how far it
    got on its run page while it runs. Create it inside a flow run and pass it to `listening`."""

    def __init__(self, description: str) -> None:
        from prefect.artifacts import create_progress_artifact

        self.done, self.total = 0, None
        self.id = create_progress_artifact(progress=0.0, description=description)

    def __call__(self, description: str, advance: int, total: int | None) -> None:
        if total is not None:
            self.total = total
        self.done += advance
        if self.total:
            self._set(min(100.0, 100.0 * self.done / self.total))

    def finish(self) -> None:
        self._set(100.0)

    def _set(self, percent: float) -> None:
        from prefect.artifacts import update_progress_artifact

        update_progress_artifact(self.id, progress=percent)
