"""What every `radar` command shares: the consoles, the one way to load the config and to fail.

`load_config` reads the settings once per command (they are then passed down, never read again) and
turns a bad config into `fail`'s one clear error. `run_flow` runs a Prefect flow in this process
(against PREFECT_API_URL when set, else a temporary local server that starts and stops with the
command), with a progress bar for long work, and turns the errors a user can fix into one line.
Errors are printed as written: TOML keys such as [[alerts.channels]] are not rich markup.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from config.secrets import SecretError
from config.settings import ConfigError, Settings, load_settings
from sources.errors import SourceError
from storage.db import StorageError

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
    text = " ".join(message.split()) if one_line else message
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


def prepare_local_prefect() -> None:
    """Settings for the temporary Prefect server a CLI run starts when PREFECT_API_URL is unset.

    Call before importing prefect. Its telemetry heartbeat races the run for its SQLite file and its
    event recorder is cancelled mid-flush at shutdown: both log tracebacks ("database is locked",
    "Error flushing ... events") that say nothing about the run, so the temporary server's own
    logger only reports critical errors. Its default 20 s start-up allowance is too short on a busy
    2-core machine. Explicit settings in the environment win.
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def run_flow(flow_call: Callable[[], T], label: str | None = None, *, what: str | None = None) -> T:
    """Run a flow in this process with a progress bar fed by flows/progress.py; map errors to one line.

    `flow_call` imports its flow when called, after the temporary server's settings are in place. A
    failure of Prefect itself (its server did not start, ...) is reported as `what` (default: `label`)
    "did not run to the end".
    """
    prepare_local_prefect()
    from flows.progress import listening

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        bars: dict[str, Any] = {}

        def update(description: str, advance: int, total: int | None) -> None:
            if description not in bars:
                bars[description] = progress.add_task(description, total=total)
            progress.update(bars[description], advance=advance, **({"total": total} if total is not None else {}))

        with listening(update):
            try:
                return run(flow_call, label)
            except typer.Exit:
                raise
            except Exception as e:  # Prefect's own failures: one line, not a traceback
                fail(f"{what or label or 'the run'} did not run to the end: {type(e).__name__}: {e}")
