"""Does a reader holding a DuckLake connection delay a poll? The poll's wall time with and without one.

Runs by hand (`.venv/bin/python -m benchmarks.lake_reader [ROUNDS]`, 5 rounds by default); needs the
`lake` extra and PostgreSQL's binaries (it starts its own server, tests/postgres.py). Each round polls
the bundled demo (its four sources, through the plain pipeline, without Prefect) into a fresh lake on
that server, four times, in turn (and once into a fresh embedded file, for scale):

- alone: no other process;
- idle reader: another process has the lake attached (the README's notebook) and holds it, open and idle;
- busy reader: that process queries `papers_overview` in a tight loop throughout the poll;
- CPU burner: no reader, but a process spinning in pure Python throughout the poll, which is what
  the busy reader costs a 2-core machine apart from any lock (the baseline for "busy reader").

Every poll runs with `lock_wait_seconds = 0`, so a reader holding any lock would fail it. The medians
and the ratios to "alone" are printed. For contrast, the embedded file with a reader holding it
read-only: the poll cannot write at all (DatabaseLocked), and waits until the reader lets go.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from config.settings import load_settings
from flows.pipeline.newsletters import poll_newsletters
from flows.pipeline.runtime import PlainRuntime
from storage.db import DatabaseLocked, open_db
from tests.backends import new_lake
from tests.postgres import PASSWORD, PostgresServer

ROOT = Path(__file__).resolve().parents[1]
READER = textwrap.dedent("""
    import select, sys
    if sys.argv[1] == "burn":
        print("open", flush=True)
        while not select.select([sys.stdin], [], [], 0)[0]:
            sum(range(10000))
        sys.exit()
    from config.storage import StorageSettings
    from storage.db import open_db
    busy = sys.argv[1] == "busy"
    with open_db(StorageSettings(backend="ducklake", catalog=sys.argv[2], data_path=sys.argv[3]), read_only=True) as c:
        print("open", flush=True)
        if busy:
            while not select.select([sys.stdin], [], [], 0)[0]:
                c.execute("SELECT count(*) FROM papers_overview").fetchone()
        sys.stdin.readline()
""")


def demo_config(folder: Path, storage: str) -> Path:
    shutil.copytree(ROOT / "demo", folder / "demo", dirs_exist_ok=True)
    text = (ROOT / "radar.toml").read_text().replace('database = "data/radar.duckdb"',
                                                     'database = "data/radar.duckdb"\nlock_wait_seconds = 0')
    (folder / "radar.toml").write_text(text + storage)
    return folder / "radar.toml"


def timed_poll(pg: PostgresServer, folder: Path, reader: str | None) -> float:
    if reader == "file":  # the embedded file, alone
        config = demo_config(folder, "")
        with open_db(load_settings(config).database):
            pass
        reader = None
    else:
        lake = new_lake(pg, folder)
        with open_db(lake):
            pass  # the lake's schema exists before the clock starts
        config = demo_config(folder, f'\n[storage]\nbackend = "ducklake"\ncatalog = "{lake.catalog}"\n'
                                     f'data_path = "{lake.data_path}"\n')
    holder = None
    if reader:
        holder = subprocess.Popen([sys.executable, "-c", READER, reader, lake.catalog or "", lake.data_path or ""],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert holder.stdout.readline().strip() == "open"
    try:
        started = time.perf_counter()
        summary = poll_newsletters(load_settings(config), PlainRuntime())
        elapsed = time.perf_counter() - started
        assert summary["failures"] == [] and summary["totals"]["documents"] == 5, summary
    finally:
        if holder:
            holder.communicate("\n", timeout=60)
    return elapsed


def embedded_contrast(folder: Path) -> str:
    config = demo_config(folder, "")
    settings = load_settings(config)
    with open_db(settings.database):
        pass
    code = (f"import duckdb, sys; c = duckdb.connect({str(settings.database)!r}, read_only=True); "
            "print('open', flush=True); sys.stdin.readline()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    holder.stdout.readline()
    try:
        poll_newsletters(settings, PlainRuntime())
        return "the poll wrote (unexpected)"
    except DatabaseLocked as e:
        return f"DatabaseLocked: {str(e)[:90]}..."
    finally:
        holder.communicate("\n", timeout=60)


def main(rounds: int) -> None:
    pg = PostgresServer()
    os.environ["PGPASSWORD"] = PASSWORD
    variants = (("alone", None), ("idle reader", "idle"), ("busy reader", "busy"), ("CPU burner", "burn"),
                ("file, alone", "file"))
    times: dict[str, list[float]] = {label: [] for label, _ in variants}
    try:
        for n in range(rounds):
            for label, reader in variants:
                with tempfile.TemporaryDirectory() as folder:
                    times[label].append(timed_poll(pg, Path(folder), reader))
            print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
        with tempfile.TemporaryDirectory() as folder:
            contrast = embedded_contrast(Path(folder))
    finally:
        pg.stop()
    base = statistics.median(times["alone"])
    for label, values in times.items():
        median = statistics.median(values)
        print(f"{label:12s} median {median:.2f} s (min {min(values):.2f}, max {max(values):.2f}), "
              f"{median / base:.2f}x alone")
    print(f"embedded file with a read-only reader holding it: {contrast}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
