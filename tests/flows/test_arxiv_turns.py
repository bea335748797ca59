"""arXiv's one request every 3 s holds across processes (storage/turns.py), measured at the server.

Two `radar arxiv poll` processes start at once on one store (the embedded file, then a lake on
PostgreSQL), each paging through the same query against the fake arXiv API on 127.0.0.1 with arXiv's
own `delay_seconds = 3`. Each process's own limiter alone would let both send at once; the server's
arrival times must show one request at a time, at least 3 s apart, and the store one row per paper.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.arxiv_api import FakeArxiv, paper

pytestmark = pytest.mark.timeout(300)
BIN = Path(sys.executable).parent
DELAY = 3.0


def write_config(tmp_path: Path, api: FakeArxiv) -> Path:
    config = tmp_path / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
lock_wait_seconds = 120
[arxiv]
api_url = "{api.url}"
delay_seconds = {DELAY}
backoff_seconds = 0.01
retries = 1
page_size = 2
rate_limit_name = ""
[[arxiv.queries]]
name = "dlm"
categories = ["cs.CL"]
""", encoding="utf-8")
    return config


def test_two_processes_never_send_arxiv_more_than_one_request_per_3_s(backend, tmp_path, http_server):
    api = FakeArxiv(http_server)
    api.add(*[paper(f"2511.{i:05d}", day=date(2025, 11, 3), minute=i) for i in range(6)])
    config = write_config(tmp_path, api)
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)  # in this process, as a worker-less CLI runs
    procs = [subprocess.Popen([str(BIN / "radar"), "arxiv", "poll", "--config", str(config)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    times = sorted(api.times)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    print(f"{backend.name}: {len(times)} arXiv requests from 2 processes, gaps at the server "
          f"{min(gaps):.2f} to {max(gaps):.2f} s")
    assert len(times) >= 4  # both processes asked (3 pages each unless the later one found the cursor)
    assert min(gaps) >= DELAY - 0.01, gaps
    assert backend.query(tmp_path / "radar.duckdb", "SELECT count(*), count(DISTINCT arxiv_id) FROM papers") == [
        (6, 6)]
