"""A temporary Prefect server that dies with the process that started it.

Prefect starts a temporary ("ephemeral") API server in a child process whenever flows, tasks or
blocks are used with no PREFECT_API_URL (a flow called from Python, a Secret block read by `radar
alerts send`, the test harness). It stops that server at exit, but a parent killed with SIGKILL
never gets there, and the server (~200 MB) ran on. `tie_temporary_servers_to_this_process` makes
Prefect start it through this module instead:

    python -m flows.server_guard PARENT_PID -m uvicorn ...

which watches its parent once a second and ends itself (SIGTERM: uvicorn's own clean shutdown,
then a hard exit) when the parent is gone, then runs uvicorn as Prefect asked. PR_SET_PDEATHSIG
would not do: it fires when the *thread* that started the child ends, and Prefect may start it
from a short-lived thread. flows/prefect_runtime.py installs it on import.
"""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import threading
import time
from typing import Any

POLL_SECONDS = 1.0
GRACE_SECONDS = 10.0
_lock = threading.Lock()
_tied = False


def tie_temporary_servers_to_this_process() -> None:
    """Every temporary Prefect server this process starts from now on ends when this process does."""
    global _tied
    with _lock:
        if _tied:
            return
        _tied = True
    from prefect.server.api import server

    start = server.SubprocessASGIServer._run_uvicorn_command

    def guarded(self: Any) -> subprocess.Popen[Any]:
        # Prefect's method builds the command and environment; only its Popen is routed through the guard.
        server.subprocess = _Guarded()  # type: ignore[assignment]
        try:
            return start(self)
        finally:
            server.subprocess = subprocess

    server.SubprocessASGIServer._run_uvicorn_command = guarded


class _Guarded:
    """`subprocess` as prefect.server.api.server sees it while it starts the server: Popen runs the guard."""

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:  # noqa: N802 (subprocess's name)
        if list(args[1:3]) != ["-m", "uvicorn"]:
            return subprocess.Popen(args, **kwargs)
        return subprocess.Popen([args[0], "-m", "flows.server_guard", str(os.getpid()), *args[1:]], **kwargs)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def main(argv: list[str]) -> None:
    parent, module, rest = int(argv[0]), argv[2], argv[3:]
    if os.getppid() != parent:  # the parent died before we got here
        sys.exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
