"""`PrefectRuntime`: what a pipeline gets from Prefect inside a flow run (see flows/pipeline/runtime.py).

Steps become tasks (named, one per batch, query, day or channel, never per item; no caching, no
task retries: the pipelines retry network calls under their own policy), the log is the flow run's
logger, artifacts and progress are Prefect artifacts, arXiv requests also take the server's arXiv
rate limit when it exists, and Secret blocks are read through the Prefect API. Writes hold no Prefect
slot: the store's own lock serialises them (flows/pipeline/runtime.py's `open_writer`).

What the layers below log on their module loggers (sources/, storage/, alerts/, ...) reaches the run's
log too: `PrefectRuntime` attaches Prefect's API log handler to the project's loggers once per process
(what PREFECT_LOGGING_EXTRA_LOGGERS does), so a skipped arXiv entry or a refused recipient shows in
the UI beside the run's own lines. `flow_settings` is how every flow finds its config.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import rate_limit
from prefect.context import SettingsContext, get_run_context, get_settings_context
from prefect.exceptions import MissingContextError
from prefect.logging.handlers import APILogHandler
from prefect.tasks import Task
from prefect.utilities.annotations import quote

from config import redact
from config.arxiv import ArxivSettings
from config.settings import ConfigError, Settings, load_settings
from flows.prefect_setup import arxiv_rate_limit
from flows.server_guard import tie_temporary_servers_to_this_process

T = TypeVar("T")
# Whatever in this process uses Prefect without PREFECT_API_URL starts a temporary server: it ends with us.
tie_temporary_servers_to_this_process()

#: The project's module loggers, whose records inside a flow run are sent to the run's log.
PROJECT_LOGGERS = ("flows", "sources", "extractors", "storage", "alerts", "config")
#: ... except these: a third-party SDK's own logger kept under our name may print secrets (webhook URLs).
NOT_SENT = ("alerts.slack_sdk",)
_sending = threading.Lock()
_sent_loggers: list[str] = []
#: One Prefect task per step function, made once: making a Task reads its function's source (to key it),
#: about 15 ms each on this machine, so a step made per call (a batch, a day, a channel) paid it every
#: time. Each run's name comes from `_run_name`, set around the call.
_tasks: dict[Callable[..., object], Task] = {}
_run_name: ContextVar[str] = ContextVar("radar_task_run_name")


def _current_run_name() -> str:
    return _run_name.get()


def _task_of(fn: Callable[..., T]) -> Task[..., T]:
    """`fn`'s Prefect task (no caching: a step's result is never reused), named after it; its runs are
    named by `_run_name`."""
    made = _tasks.get(fn)
    if made is None:
        made = _tasks[fn] = task(fn, name=fn.__name__.replace("_", "-"), task_run_name=_current_run_name,
                                 cache_policy=NO_CACHE)
    return made


def flow_settings(config: str | None, settings: Settings | None) -> Settings:
    """The settings of a flow run: those the CLI loaded, else the `config` parameter (which `radar deploy
    --config FILE` sets on every deployment), else $RADAR_CONFIG. Never whatever radar.toml the working
    directory happens to hold: a run with no config fails, saying how to give it one."""
    if settings is not None:
        return settings
    if not config and not os.environ.get("RADAR_CONFIG"):
        raise ConfigError("no config file for this run: deploy with `radar deploy --config FILE` (it sets every "
                          "deployment's `config` parameter), or run the deployment with -p config=FILE")
    return load_settings(config)


@contextmanager
def flow_heartbeats(send: bool) -> Iterator[None]:
    """Flow runs started inside this block send Prefect's flow-run heartbeats only if `send` (`[prefect]
    cli_flow_heartbeats`, for runs the CLI starts in its own process). Prefect 3.9 sends them from a thread
    that sleeps in whole seconds and is joined when the run ends, which holds every run up to a second
    longer; a None frequency is Prefect's own "no heartbeats" (its engine skips the thread)."""
    current = get_settings_context()
    if send or current.settings.flows.heartbeat_frequency is None:
        yield
        return
    # A copy that changes this one field: Prefect's `temporary_settings` rebuilds (and re-reads) every
    # setting, about 0.1 s a call, which was a third of a no-change poll's cost.
    flows = current.settings.flows.model_copy(update={"heartbeat_frequency": None})
    with SettingsContext(profile=current.profile, settings=current.settings.model_copy(update={"flows": flows})):
        yield


def _in_a_run(record: logging.LogRecord) -> bool:
    if record.name.startswith(NOT_SENT):
        return False
    try:
        get_run_context()
    except MissingContextError:
        return False  # the CLI before or after its run, a serving process between runs
    return True


def send_project_logs_to_runs() -> None:
    """Once per process: the project's module loggers also go to the Prefect API, attached to the flow or
    task run they are emitted in (INFO and up). Records emitted outside a run only go where they went."""
    with _sending:
        if _sent_loggers:
            return
        handler = APILogHandler()
        handler.addFilter(_in_a_run)
        for name in PROJECT_LOGGERS:
            logger = logging.getLogger(name)
            if logger.level == logging.NOTSET or logger.level > logging.INFO:
                logger.setLevel(logging.INFO)
            logger.addHandler(handler)
            _sent_loggers.append(name)


def load_secret_block(name: str) -> object:
    """A Prefect Secret block's value (config/secrets.py calls it for `{secret = "..."}` references)."""
    from prefect.blocks.system import Secret

    return Secret.load(name).get()


class ProgressArtifact:
    """A Prefect progress artifact that follows flows/progress.py's reports, so a long backfill shows how
    far it got on its run page while it runs."""

    def __init__(self, description: str) -> None:
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
        update_progress_artifact(self.id, progress=percent)


class PrefectRuntime:
    """Create it inside a flow run."""

    load_secret_block = staticmethod(load_secret_block)

    def __init__(self) -> None:
        redact.install()  # every record of the run, Prefect's and the libraries' too, with secrets masked
        self.log = get_run_logger()
        send_project_logs_to_runs()

    def step(self, fn: Callable[..., T], name: str) -> Callable[..., T]:
        def call(*args: Any, **kwargs: Any) -> T:
            token = _run_name.set(name)
            try:  # quoted: Prefect would otherwise walk every object of a batch looking for futures
                return _task_of(fn)(*(quote(a) for a in args), **{k: quote(v) for k, v in kwargs.items()})
            finally:
                _run_name.reset(token)

        return call

    def arxiv_turn(self, settings: ArxivSettings) -> Callable[[], None] | None:
        name = arxiv_rate_limit(settings, self.log)
        return (lambda: rate_limit(name, timeout_seconds=600)) if name else None

    def artifact(self, key: str, markdown: str, description: str) -> None:
        create_markdown_artifact(key=key, markdown=markdown, description=description)

    def progress(self, description: str) -> ProgressArtifact:
        return ProgressArtifact(description)
