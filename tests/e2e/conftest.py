"""A real `prefect server start` for end-to-end tests, with a process worker, torn down after.

The server gets its own PREFECT_HOME and a free port on 127.0.0.1; analytics are off. Every process
started here is started in its own session and killed with its whole group at teardown, so nothing
is left behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.alerts.fakes import TOKEN as SLACK_TOKEN

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class PrefectServer:
    api_url: str
    env: dict[str, str]
    home: Path

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
        response = httpx.request(method, self.api_url + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response


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


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[PrefectServer]:
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url, "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_URL": f"http://127.0.0.1:{port}",
           "PREFECT_UI_API_URL": api_url, "RADAR_E2E_SLACK_TOKEN": SLACK_TOKEN}
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
        yield PrefectServer(api_url, env, home)
    finally:
        stop(server)


@pytest.fixture(scope="module")
def deployed(prefect_server: PrefectServer, tmp_path_factory) -> Iterator[PrefectServer]:
    """`radar setup`, every deployment of prefect.yaml deployed paused, and a process worker."""
    prefect_server.run("radar", "setup")
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    for deployment in spec["deployments"]:
        for schedule in deployment.get("schedules") or []:
            schedule["active"] = False  # nothing fires on its own mid-test
    paused = tmp_path_factory.mktemp("deploy") / "prefect.yaml"
    paused.write_text(yaml.safe_dump(spec, sort_keys=False))
    prefect_server.run("prefect", "--no-prompt", "deploy", "--all", "--prefect-file", str(paused))
    pools = {d["work_pool"]["name"] for d in spec["deployments"]}
    workers = [start([str(BIN / "prefect"), "worker", "start", "--pool", pool, "--type", "process"],
                     prefect_server.env, prefect_server.home / f"worker-{pool}.log") for pool in pools]
    try:
        yield prefect_server
    finally:
        for worker in workers:
            stop(worker)
