"""`python -m benchmarks --only scale`: issue 18's lines, on a PostgreSQL server of its own (tests/postgres.py).

- `poll_two_workers_lake`: a poll of `scale_feeds` served feeds into a fresh lake by one process, vs the
  same feeds split into two groups polled by two processes at once into one fresh lake (what two workers
  running a fanned-out poll's two group runs do, without Prefect's own start-up: that is measured by
  tests/e2e/test_scale_out.py). The ratio is the two-process wall time over the one-process one; below 1
  is a speed-up. Both write under the store's writer lock, so the commits stay one at a time.
- `hourly_during_backfill_file` / `_lake`: an hourly poll (`HOURLY_FEEDS` feeds of new entries) while a
  `sizes.issues`-issue archive import (the backfill's bulk, the plain pipeline in a child) writes to the
  same store, vs the same hourly poll on that store alone just before; on the embedded file and on a lake.

Every poll is a child process (benchmarks/__main__.py's `child`); each hourly poll names feeds it has
never seen, so every one of them writes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.__main__ import ROOT, Line, child, spread

HOURLY_FEEDS = 4
HOURLY_ENTRIES = 5


def _lake_toml(pg, name: str, data: Path) -> str:
    return f'[storage]\nbackend = "ducklake"\ncatalog = "{pg.create_database(name)}"\ndata_path = "{data}/"\n'


def _with(config: Path, extra: str, database: Path | None = None) -> Path:
    text = config.read_text(encoding="utf-8")
    if database is not None:
        text = text.replace('database = "radar.duckdb"', f'database = "{database}"', 1)
    config.write_text(text + "\n" + extra, encoding="utf-8")
    return config


def line_scale(sizes, work: Path) -> list[Line]:
    from benchmarks import synth
    from tests.httpserver import LocalServer
    from tests.postgres import PASSWORD, PostgresServer

    pg = PostgresServer()
    env = {"PGPASSWORD": PASSWORD}
    t = synth.Templates.load()
    try:
        with LocalServer() as server:
            def serve(prefix: str, count: int, entries: int, seed: int) -> list[str]:
                for i, body in enumerate(synth.feeds(count, entries, seed=seed, t=t)):
                    server.route(f"/{prefix}/{i}.xml", body, headers={"Content-Type": "application/rss+xml"})
                return [server.url(f"/{prefix}/{i}.xml") for i in range(count)]

            lines = [_two_workers(sizes, work / "workers", pg, env, serve)]
            lines += [_during_backfill(sizes, work / kind, kind, pg, env, serve) for kind in ("file", "lake")]
    finally:
        pg.stop()
    return lines


def _two_workers(sizes, work: Path, pg, env: dict, serve) -> Line:
    from benchmarks import synth

    one, two = [], []
    for rep in range(min(sizes.reps, 3)):
        urls = serve(f"w{rep}", sizes.scale_feeds, sizes.scale_entries, seed=10 + rep)
        half = len(urls) // 2
        for name in (["one", "two"] if rep % 2 == 0 else ["two", "one"]):
            folder = work / f"{name}-{rep}"
            lake = _lake_toml(pg, f"bench_{name}_{rep}", folder / "lake")
            if name == "one":
                config = _with(synth.feed_config(folder, urls), lake)
                wall, _, _ = child(["-m", "benchmarks.child", "poll", str(config)], env=env)
                one.append(wall)
                continue
            configs = [_with(synth.feed_config(folder / g, part), lake, folder / "radar.duckdb")
                       for g, part in (("a", urls[:half]), ("b", urls[half:]))]
            started = time.perf_counter()
            procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.child", "poll", str(c)], cwd=ROOT,
                                      env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in configs]
            errors = [p.communicate()[1] for p in procs]
            if any(p.returncode for p in procs):
                raise RuntimeError("a group poll failed:\n" + "\n".join(e[-2000:] for e in errors))
            two.append(time.perf_counter() - started)
    ratio = [b / a for a, b in zip(one, two, strict=True)]
    return Line("poll_two_workers_lake", f"poll of {sizes.scale_feeds} feeds x {sizes.scale_entries} entries into a "
                "lake: two processes (two groups) vs one", "(issue 18)", "< 1x (a speed-up), reported", "x", ratio,
                "the same feeds polled by one process into a fresh lake, same run",
                details={"one_process_s": spread(one), "two_processes_s": spread(two), "cores": os.cpu_count(),
                         "load_average": os.getloadavg()})


def _during_backfill(sizes, work: Path, kind: str, pg, env: dict, serve) -> Line:
    from benchmarks import synth

    archive = synth.write_archive(work / "archive", sizes.issues, sizes.sources, seed=21)
    store = work / "archive" / "radar.duckdb"
    lake = _lake_toml(pg, "bench_backfill", work / "lake") if kind == "lake" else ""
    _with(archive, lake)
    hourly = iter(range(100))

    def hourly_poll() -> float:
        n = next(hourly)
        urls = serve(f"{kind}-h{n}", HOURLY_FEEDS, HOURLY_ENTRIES, seed=100 + n)
        config = _with(synth.feed_config(work / f"hourly-{n}", urls), lake, store)
        return child(["-m", "benchmarks.child", "poll", str(config)], env=env)[0]

    alone = [hourly_poll() for _ in range(2)]  # the first creates the store
    backfill = subprocess.Popen([sys.executable, "-m", "benchmarks.child", "poll", str(archive)], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    started = time.perf_counter()
    time.sleep(2)  # the import under way (its fetches and first commits)
    during, overlapped = [], []
    while True:
        during.append(hourly_poll())
        overlapped.append(backfill.poll() is None)
        if not overlapped[-1] or len(during) >= min(sizes.reps, 3):
            break
    error = backfill.communicate()[1]
    if backfill.returncode:
        raise RuntimeError(f"the archive import failed:\n{error[-3000:]}")
    base = statistics.median(alone[1:])
    ratio = [d / base for d in during]
    return Line(f"hourly_during_backfill_{kind}", f"hourly poll ({HOURLY_FEEDS} feeds x {HOURLY_ENTRIES} new entries) "
                f"while a {sizes.issues}-issue import writes the {'embedded file' if kind == 'file' else 'lake'}, "
                "vs alone", "(issue 18)", "reported", "x", ratio, "the same hourly poll on the same store alone, "
                "just before the import", details={"alone_s": alone[1:], "during_s": during,
                                                   "import_still_running_after_each": overlapped,
                                                   "import_s": round(time.perf_counter() - started, 1),
                                                   "load_average": os.getloadavg()})
