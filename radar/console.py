"""What every `radar` command shares: the consoles, the one way to load the config and to fail.

`load_config` reads the settings once per command (they are then passed down, never read again) and
turns a bad config into `fail`'s one clear error. `run_flow` runs a pipeline: through the Prefect
server at PREFECT_API_URL when set (as its flow, so the run shows in the UI), else in this process
with a `PlainRuntime` (no server, no Prefect import), with a progress bar for long work, and turns
the errors a user can fix into one line.
Errors are printed as written: TOML keys such as [[alerts.channels]] are not rich markup.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from config.redact import redact
from config.secrets import SecretError
from config.settings import ConfigError, Settings, load_settings
from sources.errors import SourceError
from storage.db import StorageError

if TYPE_CHECKING:
    from flows.pipeline.runtime import Runtime

T = TypeVar("T")
out = Console()
err = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file (default: $RADAR_CONFIG or ./radar.toml).")
]
#: Errors whose message tells the user what to fix: printed as one line, no traceback.
USER_ERRORS = (ConfigError, StorageError, SourceError, SecretError)


def fail(message: str, code: int = 2, *, one_line: bool = False) -> NoReturn:
    """Print `error: MESSAGE` on stderr and exit; `one_line` folds a multi-line message (for log files)."""
    text = redact(" ".join(message.split()) if one_line else message)
    err.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_config(config: Path | None, *, one_line: bool = False) -> Settings:
    """The settings for this command, or a clear error naming the file and key."""
    try:
        return load_settings(config)
    except ConfigError as e:
        fail(str(e), one_line=one_line)


def run(fn: Callable[[], T], label: str | None = None) -> T:
    """`fn()`, with the errors a user can fix printed as one clear line (prefixed with `label`)."""
    try:
        return fn()
    except USER_ERRORS as e:
        fail(f"{label}: {e}" if label else str(e))


#: The loggers a run in this process logs on: the PlainRuntime's, and the project's modules'.
RUN_LOGGERS = ("paper_radar", "flows", "sources", "extractors", "storage", "alerts", "config")


class _ConsoleLog(logging.Handler):
    """A run's warnings and errors as `warning: ...` lines on stderr (above the progress bar)."""

    def emit(self, record: logging.LogRecord) -> None:
        colour = "red" if record.levelno >= logging.ERROR else "yellow"
        err.print(f"[{colour}]{record.levelname.lower()}:[/] {escape(record.getMessage())}", highlight=False,
                  soft_wrap=True)


@contextmanager
def _run_logs_printed() -> Iterator[None]:
    handler = _ConsoleLog(logging.WARNING)
    loggers = [logging.getLogger(name) for name in RUN_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.propagate = False  # printed once, here, not also by Python's last-resort handler
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate


def prefect_server_configured() -> bool:
    """Whether runs go through a Prefect server: PREFECT_API_URL set in the environment (read without
    importing Prefect, which alone costs seconds; a URL kept only in a Prefect profile does not count)."""
    return bool(os.environ.get("PREFECT_API_URL"))


def run_flow(in_process: Callable[[Runtime], T], on_server: Callable[[], T], label: str | None = None, *,
             heartbeats: bool, what: str | None = None) -> T:
    """Run a pipeline, with a progress bar fed by flows/progress.py, and map its errors to one line.

    With PREFECT_API_URL set, `on_server()` calls the Prefect flow, so the run goes through that server
    and shows in its UI; it sends Prefect's flow-run heartbeats only if `heartbeats` (`[prefect]
    cli_flow_heartbeats`). Without it, `in_process(runtime)` calls the same pipeline function with a
    `PlainRuntime` in this process: no temporary server, no Prefect import, and the run's warnings
    printed on stderr. A flow run that failed as a whole (`RunFailed`) still returns its summary. Any
    other failure (a bug, Prefect itself) is reported as `what` (default: `label`) "did not run to the end".
    """
    from flows.pipeline.report import RunFailed
    from flows.progress import listening

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        bars: dict[str, Any] = {}

        def update(description: str, advance: int, total: int | None) -> None:
            if description not in bars:
                bars[description] = progress.add_task(description, total=total)
            progress.update(bars[description], advance=advance, **({"total": total} if total is not None else {}))

        def call() -> T:
            if prefect_server_configured():
                from flows.prefect_runtime import flow_heartbeats

                with flow_heartbeats(heartbeats):
                    return on_server()
            from flows.pipeline.runtime import PlainRuntime

            with _run_logs_printed():
                return in_process(PlainRuntime())

        with listening(update):
            try:
                return run(call, label)
            except typer.Exit:
                raise
            except RunFailed as e:
                return e.summary  # type: ignore[return-value]
            except Exception as e:  # a bug or Prefect's own failure: one line, not a traceback
                fail(f"{what or label or 'the run'} did not run to the end: {type(e).__name__}: {e}")
