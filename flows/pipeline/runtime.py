"""How a pipeline run reaches its surroundings: a small interface, so the pipelines import no Prefect.

A `Runtime` gives a pipeline:

* `log`: the run's logger (in a Prefect flow run, the run logger: the lines show in the UI);
* `step(fn, name)`: `fn` as one named unit of work (a Prefect task in a flow run), called like `fn`;
* `writer_slot()`: held around every database write (on a Prefect server, the global concurrency
  limit that lets one writer at a time at the DuckDB file across processes);
* `arxiv_turn(settings)`: what each arXiv request waits on besides this process's own limiter (on a
  Prefect server, the global rate limit shared by every process), or None;
* `artifact(key, markdown, description)`: the run's report, published;
* `progress(description)`: a listener for flows/progress.py that shows how far a long run got;
* `load_secret_block`: reads a Prefect Secret block (config/secrets.py), or None where there is none.

`PlainRuntime` runs everything in this process, one step after another, with none of the server's
extras; flows/prefect_runtime.py's `PrefectRuntime` is the Prefect one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from config.arxiv import ArxivSettings
from config.secrets import BlockLoader
from config.settings import Settings
from storage.db import Connection, open_db

T = TypeVar("T")
Logger = logging.Logger | logging.LoggerAdapter


class Progress(Protocol):
    def __call__(self, description: str, advance: int, total: int | None) -> None: ...

    def finish(self) -> None: ...


class Runtime(Protocol):
    log: Logger
    load_secret_block: BlockLoader | None

    def step(self, fn: Callable[..., T], name: str) -> Callable[..., T]: ...


    def writer_slot(self) -> AbstractContextManager[None]: ...

    def arxiv_turn(self, settings: ArxivSettings) -> Callable[[], None] | None: ...

    def artifact(self, key: str, markdown: str, description: str) -> None: ...

    def progress(self, description: str) -> Progress: ...


class _NoProgress:
    def __call__(self, description: str, advance: int, total: int | None) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class PlainRuntime:
    """In this process, without Prefect: steps are plain calls, there is no server to share limits with."""

    log: Logger = field(default_factory=lambda: logging.getLogger("paper_radar"))
    load_secret_block: BlockLoader | None = None

    def step(self, fn: Callable[..., T], name: str) -> Callable[..., T]:
        return fn

    def writer_slot(self) -> AbstractContextManager[None]:
        return nullcontext()

    def arxiv_turn(self, settings: ArxivSettings) -> Callable[[], None] | None:
        return None

    def artifact(self, key: str, markdown: str, description: str) -> None:
        pass

    def progress(self, description: str) -> Progress:
        return _NoProgress()


@contextmanager
def open_writer(settings: Settings, runtime: Runtime) -> Iterator[Connection]:
    """The database for one short write, holding the runtime's writer slot meanwhile.

    Writers are serialised twice over: by the slot (across processes, on a Prefect server), and by
    DuckDB's own file lock (or a lake's writer lock), which `open_db` waits on for `lock_wait_seconds`
    (a notebook holding the file, say), saying so on the run's log while it waits.
    """
    with runtime.writer_slot(), open_db(settings.store, lock_wait_seconds=settings.lock_wait_seconds,
                                        logger=runtime.log) as conn:
        yield conn
