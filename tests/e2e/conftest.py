"""A real `prefect server start` for the end-to-end tests, set up by following the README, torn down after.

One server per test session, with its own PREFECT_HOME and a free port on 127.0.0.1, analytics off.
`deployed` follows the README's "Run on a Prefect server" section command by command (the test fails
when the section holds a command it does not know), with the config file it names replaced by a copy
of the bundled demo config outside the repository. The server's scheduler service is off, so no run
fires on its own mid-test: the tests create scheduled runs from the deployments' own schedules
through the API (what the scheduler does) when they want them. The worker looks for runs every 2 s
instead of 10 s, so waiting for it does not dominate the tests.

Every Python process started here (server, worker, and the flow-run processes the worker spawns) has
tests/e2e/netguard on its PYTHONPATH: its `sitecustomize` refuses and records any DNS lookup or
connection to a host but localhost. The test process installs the same guard for each e2e test.
Every process is started in its own session and killed with its whole group at teardown.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.alerts.fakes import TOKEN as SLACK_TOKEN
from tests.e2e.netguard import sitecustomize as netguard

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NETGUARD = Path(netguard.__file__).parent
README = ROOT / "README.md"
#: The config file the README's commands name; the tests put theirs in its place.
README_CONFIG = "/srv/radar/radar.toml"


@dataclass
class PrefectServer:
    api_url: str
    env: dict[str, str]
    home: Path
    netguard_log: Path
    pid: int  # the `prefect server start` process
    processes: list[subprocess.Popen] = field(default_factory=list)  # workers

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One API call; a 503 (the server's SQLite busy under load) is tried again, as Prefect's client does."""
        for attempt in range(5):
            response = httpx.request(method, self.api_url + path, timeout=30, **kwargs)
            if response.status_code != 503 or attempt == 4:
                break
            time.sleep(1 + attempt)
        response.raise_for_status()
        return response

    def netguard_events(self) -> list[dict]:
        if not self.netguard_log.exists():
            return []
        return [json.loads(line) for line in self.netguard_log.read_text(encoding="utf-8").splitlines()]


@dataclass(frozen=True)
class Deployed:
    """The server after the README's section: every deployment deployed with `config` (outside the repo)."""

    server: PrefectServer
    config: Path
    outputs: dict[str, str]  # each README command run, and what it printed
    started: float  # time.time() before the first command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def guarded_test_process() -> Iterator[None]:
    """The guard in this process too, for each end-to-end test (and only for them)."""
    netguard.install()
    try:
        yield
    finally:
        netguard.uninstall()


@contextmanager
def serving(home: Path, extra_env: dict[str, str] | None = None) -> Iterator[PrefectServer]:
    """`prefect server start` on a free port with its own PREFECT_HOME, until the block ends."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log = home / "netguard.jsonl"
    env = {**os.environ, "PREFECT_HOME": str(home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_URL": f"http://127.0.0.1:{port}", "PREFECT_UI_API_URL": api_url,
           "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false", "RADAR_E2E_SLACK_TOKEN": SLACK_TOKEN,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(NETGUARD), os.environ.get("PYTHONPATH")])),
           "RADAR_NETGUARD_LOG": str(log), "COLUMNS": "200", "PREFECT_WORKER_QUERY_SECONDS": "2",
           **(extra_env or {})}
    env.pop("PREFECT_API_URL", None)
    env.pop("RADAR_CONFIG", None)
    server = start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                   env, home / "server.log")
    try:
        deadline = time.monotonic() + 120  # a loaded 2-core machine can be slow to start it
        while True:
            try:
                if httpx.get(api_url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("prefect server did not start:\n" + (home / "server.log").read_text())
            time.sleep(0.5)
        running = PrefectServer(api_url, {**env, "PREFECT_API_URL": api_url}, home, log, server.pid)
        try:
            yield running
        finally:
            for proc in running.processes:
                stop(proc)
    finally:
        stop(server)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Iterator[PrefectServer]:
    with serving(tmp_path_factory.mktemp("prefect-home")) as server:
        yield server


def readme_server_commands() -> list[str]:
    """The command lines of the README's "Run on a Prefect server" block, without their comments."""
    section = README.read_text(encoding="utf-8").split("\n## Run on a Prefect server\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n\n((?: {4}\S.*\n)+)", section)
    assert block, "README: no command block in 'Run on a Prefect server'"
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines()]


def site_config(folder: Path) -> Path:
    """The bundled demo config and newsletters, copied outside the repository (the demo names no host)."""
    shutil.copytree(ROOT / "demo", folder / "demo")
    shutil.copy(ROOT / "radar.toml", folder / "radar.toml")
    return folder / "radar.toml"


@pytest.fixture(scope="session")
def deployed(prefect_server: PrefectServer, tmp_path_factory) -> Deployed:
    """The README's section, followed: setup, deploy with the outside config, a worker, a run."""
    config = site_config(tmp_path_factory.mktemp("srv-radar"))
    started = time.time()
    outputs: dict[str, str] = {}
    for line in readme_server_commands():
        args = shlex.split(line.replace(README_CONFIG, str(config)))
        if args[:3] == [".venv/bin/prefect", "server", "start"]:
            continue  # the fixture's server, on a free port
        if args[0] == "export":
            assert args[1] == "PREFECT_API_URL=http://127.0.0.1:4200/api", line
            continue  # the fixture's env carries this server's URL
        assert args[0].startswith(".venv/bin/"), f"README command the e2e test does not know: {line}"
        args[0] = args[0].removeprefix(".venv/bin/")
        if args[:3] == ["prefect", "worker", "start"]:
            prefect_server.processes.append(start([str(BIN / "prefect"), *args[1:]], prefect_server.env,
                                                  prefect_server.home / "worker.log"))
            continue
        outputs[line] = prefect_server.run(*args, timeout=600).stdout
    assert any(a.startswith(".venv/bin/radar deploy --config") for a in outputs), outputs
    return Deployed(prefect_server, config, outputs, started)
