"""Run the real `radar` CLI in a child process and measure its own peak RSS.

Linux carries a forking parent's RSS high-water mark into the child (it starts as a copy of the
parent), so a CLI started straight from the test process would report the test process's peak. It is
started instead through a few-MB stub that posix_spawns it and reads its `ru_maxrss` from wait4, as
benchmarks/__main__.py does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_STUB = """import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""
TRACEBACK = "Traceback (most recent call last)"


@dataclass(frozen=True)
class Ran:
    args: tuple[str, ...]
    exit: int  # negative: killed by that signal (a timeout kills it)
    stdout: str
    stderr: str
    rss: int  # the CLI's own peak RSS, bytes
    seconds: float
    timed_out: bool = False

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.output


def run_radar(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> Ran:
    """`radar ARGS` in `cwd`, in a clean environment (no Prefect server, wide lines, no RADAR_ variables
    but those in `env`)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RADAR_") and k != "PREFECT_API_URL"}
    environment |= {"COLUMNS": "250", "NO_COLOR": "1", **(env or {})}
    rss_file = cwd / f".rss-{time.monotonic_ns()}"
    command = [sys.executable, "-c", _STUB, str(rss_file), sys.executable, "-m", "radar.cli", *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)  # the stub and the CLI: its own session, nothing else
        stdout, stderr = process.communicate()
        timed_out = True
    seconds = time.perf_counter() - start
    rss = int(rss_file.read_text() or 0) * 1024 if rss_file.exists() else 0
    rss_file.unlink(missing_ok=True)
    return Ran(tuple(args), process.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
               rss, seconds, timed_out)
