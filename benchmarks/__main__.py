"""`python -m benchmarks`: every line of issue 16's table, each a ratio against a baseline measured in the same
run, over interleaved repetitions; prints the table and writes benchmarks/results.json.

    python -m benchmarks                 # the full run (10k issues; under 20 minutes on 2 idle cores)
    python -m benchmarks --quick         # a smoke run with tiny sizes: every line runs, results.json is valid
    python -m benchmarks --issues 2000 --reps 3 --only save,alerts --out /tmp/r.json

The inputs are generated (benchmarks/synth.py): newsletter issues in the dev corpus's shapes, feeds served
with ETags by a real HTTP server on 127.0.0.1 (tests/httpserver.py), and the Prefect lines run on a real
`prefect server start` on 127.0.0.1, stopped at the end. Memory is the peak RSS of a child process
(os.wait4's rusage), never of this one. Each repetition runs the baseline and the measured side back to back
(alternating which goes first), so that machine noise falls on both; a line reports the median ratio and its
min-max over the repetitions. See docs/performance.md for the last full run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results.json"
MiB = 1024 * 1024


@dataclasses.dataclass
class Sizes:
    issues: int = 10_000  # the archive of the "10k issues" lines (and 1/10 of it for "1k")
    sources: int = 10  # source folders of that archive
    save_sources: int = 50  # a poll's save: this many sources, each one transaction ...
    save_docs: int = 20  # ... of this many documents
    nochange_feeds: int = 50
    nochange_entries: int = 5
    first_entries: int = 1_000  # the first poll through the flow: 10 feeds of first_entries / 10
    papers: int = 10_000  # alert planning: candidate papers ...
    rules: int = 20  # ... and rules
    extract_repeat: int = 20  # dev corpus passes per repetition of the extraction line
    reps: int = 5  # repetitions of the cheap lines
    heavy_reps: int = 1  # repetitions of the 10k-issue child processes (each one costs minutes)
    base_issues: int = 0  # issues extracted to clone the save lines' documents from (0: 25, or 15 for file/alerts)
    scale_feeds: int = 10  # issue 18's two-worker poll: this many served feeds ...
    scale_entries: int = 50  # ... of this many entries

    @classmethod
    def quick(cls) -> Sizes:
        return cls(issues=60, sources=3, save_sources=4, save_docs=3, nochange_feeds=3, nochange_entries=2,
                   first_entries=20, papers=200, rules=20, extract_repeat=1, reps=1, heavy_reps=1,
                   base_issues=5, scale_feeds=4, scale_entries=3)


@dataclasses.dataclass
class Line:
    key: str
    what: str
    now: str  # issue 16's "now" column
    target: str  # its "target" column
    unit: str  # of the median: "x" (ratio), "s", "MiB"
    samples: list[float]
    baseline: str  # what the ratio is against
    met: bool | None = None
    details: dict = dataclasses.field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_json(self) -> dict:
        return {"key": self.key, "what": self.what, "now": self.now, "target": self.target, "unit": self.unit,
                "median": self.median, "min": min(self.samples), "max": max(self.samples), "n": len(self.samples),
                "samples": self.samples, "baseline": self.baseline, "met": self.met, "details": self.details}


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def timed(fn: Callable, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


# A tiny go-between: Linux carries the forking process's RSS high-water mark into a child's rusage (the
# child starts as a copy of it), so a child spawned straight from this process would report this process's
# peak. Spawned from this few-MB stub instead, the measured child's ru_maxrss is its own.
_RSS_STUB = """import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def child(args: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int, str]:
    """Run `python ARGS` as a child; (wall seconds, its peak RSS in bytes, its stdout). Fails on a non-zero exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        code = subprocess.run([sys.executable, "-c", _RSS_STUB, rss.name, sys.executable, *args], cwd=cwd, env=env,
                              stdout=out, stderr=err).returncode
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise RuntimeError(f"{' '.join(args)} exited {code}:\n{err.read()[-4000:]}")
        return wall, int(rss.read()) * 1024, out.read()


# --- the lines --------------------------------------------------------------------------------------------

def line_extract(sizes: Sizes, work: Path) -> list[Line]:
    """benchmarks/extract_speed.py's measure, once per repetition (it interleaves its three timings)."""
    from benchmarks.extract_speed import measure

    timings = [measure(sizes.extract_repeat) for _ in range(sizes.reps)]
    raw = [t.full_ratio for t in timings]
    parsed = [t.ratio for t in timings]
    return [
        Line("extract_raw", "extraction from raw bytes vs get_text", "2.91x", "<= 2.0x", "x", raw,
             "BeautifulSoup(body, 'lxml').get_text() on the same documents", met=statistics.median(raw) <= 2.0,
             details={"documents": timings[0].documents, "passes_per_rep": sizes.extract_repeat,
                      "parsed_only_ratio": spread(parsed),
                      "parse_bytes_vs_get_text": spread([t.read / t.get_text for t in timings])}),
    ]


def _extractions(count: int, sources: int, prefix: str, base: list) -> list[list]:
    """`count` extractions over `sources` sources, cloned from `base` with new keys and new arXiv ids."""
    from records.documents import Extraction, PaperRef

    def paper(ref: PaperRef, k: int) -> PaperRef:
        yymm, _, num = ref.arxiv_id.partition(".")
        if not num.isdigit():
            return ref
        new = f"{yymm}.{(int(num) + 7919 * k) % 10 ** len(num):0{len(num)}d}"
        return dataclasses.replace(ref, arxiv_id=new, url=ref.url.replace(ref.arxiv_id, new) if ref.url else None)

    out: list[list] = [[] for _ in range(sources)]
    for k in range(count):
        e = base[k % len(base)]
        key = f"{e.document.key}#{prefix}{k}"
        doc = dataclasses.replace(e.document, source=f"{prefix}{k % sources:03d}", key=key,
                                  url=f"{e.document.url}#{prefix}{k}", body=e.document.body + f"<!-- {k} -->")
        items = tuple(dataclasses.replace(i, document_key=key, papers=tuple(paper(p, k) for p in i.papers))
                      for i in e.items)
        out[k % sources].append(Extraction(doc, items))
    return out


def _base_extractions(work: Path, issues: int = 25) -> list:
    from benchmarks import synth
    from extractors import parse_document_bytes
    from flows.pipeline.extract import extract_documents

    folder = work / "base"
    synth.write_archive(folder, issues, sources=1, seed=7)
    docs = [d for p in synth.archive_files(folder) for d in parse_document_bytes(p.read_bytes(), str(p))]
    import logging
    return extract_documents(docs, logging.getLogger("benchmarks")).extractions


def _poll_batches(batches: list[list]) -> list[list]:
    """The per-source batches cut as a poll cuts them (flows/pipeline/batches.py): sources in order, at most
    BATCH_DOCUMENTS documents per batch, a source cut across batches recording its fetch state last."""
    from flows.pipeline.batches import BATCH_DOCUMENTS
    from storage.spool import FetchState

    out: list[list] = [[]]
    room = BATCH_DOCUMENTS
    for i, batch in enumerate(batches):
        state = FetchState(kind="feed", location=f"http://127.0.0.1/{i}", fetched_at=datetime.now(UTC))
        rest = list(batch)
        while len(rest) > room:
            out[-1].append(dataclasses.replace(state, complete=False).part(rest[0].document.source, rest[:room]))
            out.append([])
            rest, room = rest[room:], BATCH_DOCUMENTS
        out[-1].append(state.part(batch[0].document.source, rest))
        room -= len(rest)
    return out


def _poll_save(db: Path, batches: list[list]) -> float:
    """Saving the sources' batches as a poll does (flows/pipeline/newsletters.py's Writer): per bounded batch,
    the database opened, one `save_batch` transaction, the database closed (the close checkpoints the batch's
    write-ahead log into the file). The run's later steps (compaction, the read snapshot) are not timed."""
    from storage.batch import save_batch
    from storage.db import open_db

    cut = _poll_batches(batches)
    start = time.perf_counter()
    for parts in cut:
        with open_db(db) as conn:
            save_batch(conn, parts)
    return time.perf_counter() - start


def _poll_save_one_connection(db: Path, batches: list[list]) -> float:
    """The same batches' `save_batch` calls on one open connection, its open and close not timed (how this line
    was timed before it timed what the poll's writer does)."""
    from storage.batch import save_batch
    from storage.db import open_db

    cut = _poll_batches(batches)
    with open_db(db) as conn:
        return timed(lambda: [save_batch(conn, parts) for parts in cut])


def _poll_write(db: Path, batches: list[list]) -> None:
    """Writing the sources' batches as poll_newsletters does: a connection and a transaction per batch, then the
    compaction a run that wrote a large share of the database gets (storage/compact.py)."""
    from storage.batch import save_batch
    from storage.compact import compact_if_grown
    from storage.db import open_db

    written = 0
    for parts in _poll_batches(batches):
        with open_db(db) as conn:
            written += sum(r.new_documents + r.changed_documents for r in save_batch(conn, parts))
    with open_db(db) as conn:
        compact_if_grown(conn, db, written)


def _one_call(db: Path, batches: list[list]) -> float:
    """All the rows in one save call, timed like `_poll_save` (open, save, close)."""
    from storage.db import open_db
    from storage.newsletters import save_extractions

    rows = [e for b in batches for e in b]
    start = time.perf_counter()
    with open_db(db) as conn:
        save_extractions(conn, rows, fetched_at=datetime.now(UTC))
    return time.perf_counter() - start


def _arrow_floor(saved: Path, db: Path) -> tuple[float, float]:
    """A plain Arrow `INSERT ... SELECT` of the rows the save wrote (read back as Arrow) into empty tables without
    keys, in one transaction; timed like the save, from the connection's open to its close (its checkpoint).
    (seconds to the close, seconds to the COMMIT)."""
    import duckdb

    with duckdb.connect(str(saved), read_only=True) as src:
        tables = [r[0] for r in src.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                            "AND table_name NOT LIKE '\\_%' ESCAPE '\\'").fetchall()]
        arrow = {t: src.sql(f'SELECT * FROM "{t}"').to_arrow_table() for t in tables}
    with duckdb.connect(str(db)) as conn:
        for t, a in arrow.items():
            conn.register(f"arrow_{t}", a)
            conn.execute(f'CREATE TABLE "{t}" AS SELECT * FROM arrow_{t} WHERE false')
    start = time.perf_counter()
    with duckdb.connect(str(db)) as conn:
        for t, a in arrow.items():
            conn.register(f"arrow_{t}", a)
        begin = time.perf_counter()
        conn.execute("BEGIN")
        for t in arrow:
            conn.execute(f'INSERT INTO "{t}" SELECT * FROM arrow_{t}')
        conn.execute("COMMIT")
        committed = time.perf_counter() - begin
    return time.perf_counter() - start, committed


def _empty_db(db: Path) -> Path:
    from storage.db import open_db

    with open_db(db):
        pass  # schema created before any clock starts
    return db


def line_save(sizes: Sizes, work: Path) -> list[Line]:
    from storage.db import open_db
    from storage.newsletters import save_extractions, table_counts

    base = _base_extractions(work, sizes.base_issues or 25)
    batches = _extractions(sizes.save_sources * sizes.save_docs, sizes.save_sources, "src", base)
    big = [e for b in _extractions(10 * sizes.save_sources * sizes.save_docs, sizes.save_sources, "old", base)
           for e in b]
    populated = work / "populated.duckdb"
    with open_db(populated) as conn:
        save_extractions(conn, big, fetched_at=datetime.now(UTC))
    poll, one, bigger, before, rows = [], [], [], [], 0
    for rep in range(sizes.reps):
        d = work / f"save{rep}"
        d.mkdir()
        shutil.copy(populated, d / "big.duckdb")
        runs = {"poll": lambda d=d: _poll_save(_empty_db(d / "poll.duckdb"), batches),
                "one": lambda d=d: _one_call(_empty_db(d / "one.duckdb"), batches),
                "big": lambda d=d: _poll_save(d / "big.duckdb", batches),
                "before": lambda d=d: _poll_save_one_connection(_empty_db(d / "before.duckdb"), batches)}
        order = list(runs) if rep % 2 == 0 else list(runs)[::-1]
        t = {name: runs[name]() for name in order}
        floor, floor_commit = _arrow_floor(d / "poll.duckdb", d / "arrow.duckdb")
        with open_db(d / "poll.duckdb", read_only=True) as conn:
            rows = sum(v for k, v in table_counts(conn).items() if k != "sources")
        poll.append(t["poll"] / floor)
        one.append(t["one"] / floor)
        bigger.append(t["big"] / t["poll"])
        before.append(t["before"] / floor_commit)
        shutil.rmtree(d)
    n_docs = sizes.save_sources * sizes.save_docs
    return [
        Line("poll_save", "a poll's save vs Arrow insert of the same rows", "19.2x", "<= 3x", "x", poll,
             "INSERT ... SELECT of the same rows from Arrow into empty tables without keys, one transaction",
             met=statistics.median(poll) <= 3,
             details={"sources": sizes.save_sources, "documents": n_docs, "rows": rows,
                      "one_call_vs_arrow": spread(one), "one_call_now": "2.1x",
                      "timed": "each side from opening the database to closing it (the close checkpoints the "
                               "write-ahead log into the file): per batch for the poll's save, as the poll's writer "
                               "does; once for the floor's one transaction",
                      "as_timed_before_vs_floor_to_commit": spread(before),
                      "as_timed_before": "the save_batch calls alone on one open connection (no open, no close) vs "
                                         "the floor from BEGIN to COMMIT"}),
        Line("save_bigger_db", "the same save into a 10x larger database", "2.9x", "<= 1.3x", "x", bigger,
             "the same poll save into an empty database", met=statistics.median(bigger) <= 1.3,
             details={"populated_documents": len(big)}),
    ]


def line_flows(sizes: Sizes, work: Path) -> list[Line]:
    from benchmarks import synth
    from tests.e2e.conftest import free_port, start, stop
    from tests.httpserver import LocalServer

    t = synth.Templates.load()
    n_first = max(sizes.first_entries // 10, 1)
    with LocalServer() as server:
        for i, body in enumerate(synth.feeds(sizes.nochange_feeds, sizes.nochange_entries, seed=1, t=t)):
            server.route(f"/nochange/{i}.xml", body, headers={"Content-Type": "application/rss+xml"},
                         etag=f'"v{i}"')
        for i, body in enumerate(synth.feeds(10, n_first, seed=2, t=t)):
            server.route(f"/first/{i}.xml", body, headers={"Content-Type": "application/rss+xml"}, etag=f'"f{i}"')
        nochange = synth.feed_config(work / "nochange",
                                     [server.url(f"/nochange/{i}.xml") for i in range(sizes.nochange_feeds)])
        first = synth.feed_config(work / "first", [server.url(f"/first/{i}.xml") for i in range(10)])
        child(["-m", "benchmarks.child", "poll", str(nochange)])  # the first poll: ETags stored
        home = work / "prefect-home"
        home.mkdir()
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api, "DO_NOT_TRACK": "1",
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
        started = time.perf_counter()
        prefect = start([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                         "--port", str(port)], env, home / "server.log")
        try:
            _wait_healthy(api, prefect, home / "server.log")
            server_start = time.perf_counter() - started
            _, _, out = child(["-m", "benchmarks.child", "flows", str(nochange), str(first), str(sizes.reps)],
                              env=env)
        finally:
            stop(prefect)
    r = json.loads(out)
    nochange_ratio = [f / p for f, p in zip(r["nochange_flow"], r["nochange_plain"], strict=True)]
    first_ratio = [f / p for f, p in zip(r["first_flow"], r["first_plain"], strict=True)]
    published = any(r["nochange_snapshot_published"])
    return [
        Line("nochange_poll", f"no-change poll of {sizes.nochange_feeds} feeds (304), flow on a running server "
             "(as `radar poll` runs it) vs plain pipeline", "1.1 s vs 9.3 s (8.5x)",
             "<= 2x; no snapshot when nothing changed", "x",
             nochange_ratio, "the plain pipeline (PlainRuntime), same feeds, same process",
             met=statistics.median(nochange_ratio) <= 2 and not published,
             details={"plain_s": spread(r["nochange_plain"]), "flow_s": spread(r["nochange_flow"]),
                      "empty_flow_s": spread(r["empty_flow"]),
                      "empty_flow_no_heartbeats_s": spread(r["empty_flow_no_heartbeats"]),
                      "snapshot_published_when_nothing_changed": published,
                      "prefect_server_start_s": round(server_start, 2)}),
        Line("first_poll_flow", f"first poll of {10 * n_first} entries, flow vs plain", "1.49x", "<= 1.25x", "x",
             first_ratio, "the plain pipeline, same feeds, fresh database each time",
             met=statistics.median(first_ratio) <= 1.25,
             details={"plain_s": spread(r["first_plain"]), "flow_s": spread(r["first_flow"])}),
    ]


def _wait_healthy(api: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(api + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("prefect server did not start:\n" + log.read_text()[-4000:])
        time.sleep(0.5)


def line_archive(sizes: Sizes, work: Path) -> list[Line]:
    """The 10k and 1k archives polled by the plain pipeline in a child; `radar reextract`; the naive script."""
    from benchmarks import synth

    small_n = max(sizes.issues // 10, 1)
    big = synth.write_archive(work / "big", sizes.issues, sizes.sources, seed=3)
    small = synth.write_archive(work / "small", small_n, sizes.sources, seed=4)
    raw_bytes = sum(p.stat().st_size for p in synth.archive_files(big.parent))
    t_small, t_big, rss_small, rss_big, naive_t, naive_rss, re_t, re_rss = ([] for _ in range(8))
    totals: dict = {}
    for rep in range(sizes.heavy_reps):
        for cfg in (big, small):
            for name in ("radar.duckdb", "radar.duckdb.wal"):
                (cfg.parent / name).unlink(missing_ok=True)
            shutil.rmtree(cfg.parent / "radar.snapshot", ignore_errors=True)
        steps = [("small", small), ("big", big), ("naive", None)]
        for name, cfg in steps if rep % 2 == 0 else steps[::-1]:
            if name == "naive":
                wall, rss, out = child(["-m", "benchmarks.naive", str(big.parent)])
                naive_t.append(wall)
                naive_rss.append(rss)
                totals["naive"] = json.loads(out)
                continue
            wall, rss, out = child(["-m", "benchmarks.child", "poll", str(cfg)])
            (t_big if name == "big" else t_small).append(wall)
            (rss_big if name == "big" else rss_small).append(rss)
            if name == "big":
                totals["radar"] = json.loads(out)["totals"]
        wall, rss, _ = child(["-m", "radar.cli", "reextract", "--config", str(big)], cwd=big.parent)
        re_t.append(wall)
        re_rss.append(rss)
    floor = timed(_get_text_all, synth.archive_files(big.parent))
    ratio = [b / s for b, s in zip(t_big, t_small, strict=True)]
    faster = [n / b for n, b in zip(naive_t, t_big, strict=True)]
    big_mib = [r / MiB for r in rss_big]
    return [
        Line("archive_10k_time", f"{sizes.issues} issues vs {small_n}, time", "10.2x", "<= 11x", "x", ratio,
             f"the same poll (plain pipeline, child process) of {small_n} issues",
             met=statistics.median(ratio) <= 11,
             details={"big_s": spread(t_big), "small_s": spread(t_small), "raw_bytes": raw_bytes,
                      "rows": totals.get("radar")}),
        Line("archive_10k_rss", f"{sizes.issues} issues, peak RSS of the poll", "1.42 GiB", "<= 400 MB", "MiB",
             big_mib, "absolute; the naive script's peak on the same files is in details",
             met=statistics.median(big_mib) <= 400 * 1e6 / MiB,
             details={"small_MiB": spread([r / MiB for r in rss_small]), "naive_MiB": spread(
                 [r / MiB for r in naive_rss]), "vs_naive": spread([b / n for b, n in zip(rss_big, naive_rss,
                                                                                         strict=True)]),
                      "KB_per_document": statistics.median(rss_big) / 1000 / max(sizes.issues, 1)}),
        Line("reextract_rss", f"`radar reextract` on {sizes.issues} issues, peak RSS", "1.23 GiB", "<= 400 MB",
             "MiB", [r / MiB for r in re_rss], "absolute (child process: the real CLI)",
             met=statistics.median(re_rss) <= 400e6, details={"wall_s": spread(re_t)}),
        Line("vs_naive", f"{sizes.issues} issues, the project vs the naive feedparser+regex script (x faster)",
             "2.0x faster", ">= 3x faster", "x", faster, "benchmarks/naive.py on the same files (child process)",
             met=statistics.median(faster) >= 3,
             details={"naive_s": spread(naive_t), "naive_counts": totals.get("naive"),
                      "get_text_s": round(floor, 2), "naive_vs_get_text": round(statistics.median(naive_t) / floor, 2),
                      "get_text": "BeautifulSoup(raw, 'lxml').get_text() once on every file of the archive, in the "
                                  "benchmark's process: 3x faster than the script would be 1/3 of naive_s"}),
    ]


def _get_text_all(paths: list[Path]) -> None:
    """The floor the extraction line compares with, on every file of an archive, one at a time."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for path in paths:
            BeautifulSoup(path.read_bytes(), "lxml").get_text()


def line_file_growth(sizes: Sizes, work: Path) -> list[Line]:
    from storage.db import open_db
    from storage.newsletters import save_extractions

    base = _base_extractions(work, sizes.base_issues or 15)
    half = max(sizes.issues // 2, 1)
    first = [e for b in _extractions(half, sizes.sources, "a", base) for e in b]
    second = _extractions(half, sizes.sources, "b", base)
    growth = []
    for rep in range(max(sizes.reps // 2, 1)):
        fresh, grown = work / f"fresh{rep}.duckdb", work / f"grown{rep}.duckdb"
        with open_db(fresh) as conn:
            save_extractions(conn, first + [e for b in second for e in b], fetched_at=datetime.now(UTC))
        with open_db(grown) as conn:
            save_extractions(conn, first, fetched_at=datetime.now(UTC))
        _poll_write(grown, second)  # a later poll, writing as a poll writes
        growth.append(grown.stat().st_size / fresh.stat().st_size)
        sizes_mib = {"fresh_MiB": fresh.stat().st_size / MiB, "grown_MiB": grown.stat().st_size / MiB}
        fresh.unlink()
        grown.unlink()
    return [Line("file_growth", f"file after upserting {half} new documents into a {half}-document database, vs "
                 f"a fresh bulk load of all {2 * half}", "2.8x growth seen on doubling", "<= 1.2x", "x", growth,
                 "the file of one bulk load of the same documents", met=statistics.median(growth) <= 1.2,
                 details=sizes_mib)]


def _rules(n: int) -> list:
    from config.alerts import MetricCondition, RuleConfig

    words = ["reasoning", "attention", "mixture", "quantization", "decoding", "agent", "retrieval", "diffusion",
             "KV cache", "finetuning"]
    rules = []
    for i in range(n):
        kind = i % 5
        kw = {0: {"keywords": [words[i % len(words)], words[(i + 3) % len(words)]]},
              1: {"regex": rf"(?i)\b({words[i % len(words)]}|{words[(i + 1) % len(words)]})\b"},
              2: {"metrics": [MetricCondition(name="", min=50, unit="%")], "has_code": True},
              3: {"min_sources": 2, "keywords": [words[i % len(words)]]},
              4: {"categories": ["cs.CL", "cs.LG"], "keywords": [words[(i + 5) % len(words)]]}}[kind]
        rules.append(RuleConfig(name=f"rule{i}", routes=[f"ch{i % 3}"], **kw))
    return rules


def _alerts_db(sizes: Sizes, work: Path) -> Path:
    """A database of about `sizes.papers` papers, from documents cloned from the extracted dev corpus."""
    from storage.db import open_db
    from storage.newsletters import save_extractions

    base = _base_extractions(work, sizes.base_issues or 15)
    per_doc = max(1, sum(len({p.arxiv_id for i in e.items for p in i.papers}) for e in base) // len(base))
    docs = [e for b in _extractions(max(sizes.papers // per_doc, 1), 10, "p", base) for e in b]
    db = work / "alerts.duckdb"
    with open_db(db) as conn:
        save_extractions(conn, docs, fetched_at=datetime.now(UTC))
    return db


def line_alerts(sizes: Sizes, work: Path) -> list[Line]:
    """load_paper_facts + plan_alerts on a database of `papers` papers, against load_paper_facts alone."""
    from alerts.rules import plan_alerts
    from storage.db import open_db
    from storage.ledger import load_paper_facts

    db = _alerts_db(sizes, work)
    rules = _rules(sizes.rules)
    total, ratio, planned = [], [], 0
    with open_db(db, read_only=True) as conn:
        papers = len(load_paper_facts(conn))
        for _ in range(sizes.reps):
            read = timed(load_paper_facts, conn)
            start = time.perf_counter()
            facts = load_paper_facts(conn)
            planned = len(plan_alerts(rules, facts, set(), ("poll", "backfill")))
            t = time.perf_counter() - start
            total.append(t)
            ratio.append(t / read)
    return [Line("alert_planning", f"alert planning, {papers} papers x {sizes.rules} rules (s)", "2.6 s", "<= 1 s",
                 "s", total, "absolute; ratio to reading the papers' facts alone in details",
                 met=statistics.median(total) <= 1.0,
                 details={"papers": papers, "planned_rows": planned, "vs_load_paper_facts": spread(ratio)})]


def line_arxiv(sizes: Sizes, work: Path) -> list[Line]:
    """Parsing one arXiv API Atom page (sources/arxiv.py) against feedparser on the same bytes."""
    import feedparser

    from benchmarks import synth
    from sources.arxiv import parse_page

    page = synth.arxiv_page(100 if sizes.reps > 2 else 10)
    ratio = []
    for _ in range(sizes.reps):
        floor = timed(feedparser.parse, page)
        ratio.append(timed(parse_page, page) / floor)
    return [Line("arxiv_page", "parsing an arXiv Atom page (sources.arxiv) vs feedparser.parse", "(not in the issue)",
                 "(none)", "x", ratio, "feedparser.parse on the same bytes", met=None)]


def line_scale(sizes: Sizes, work: Path) -> list[Line]:
    """Issue 18's lines: benchmarks/scale.py (imported here, when asked for: it needs PostgreSQL)."""
    from benchmarks.scale import line_scale as run

    return run(sizes, work)


LINES: dict[str, Callable[[Sizes, Path], list[Line]]] = {
    "extract": line_extract, "save": line_save, "flows": line_flows, "archive": line_archive,
    "file": line_file_growth, "alerts": line_alerts, "arxiv": line_arxiv, "scale": line_scale,
}


def machine() -> dict:
    import importlib.metadata as md

    mem = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None)
    versions = {}
    for pkg in ("duckdb", "pyarrow", "feedparser", "beautifulsoup4", "lxml", "prefect", "httpx"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = None
    return {"cores": os.cpu_count(), "memory_GiB": round(mem / 2**30, 1) if mem else None,
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "load_average_start": os.getloadavg()}


def render(lines: list[Line]) -> str:
    rows = ["| what | now (issue) | measured: median (min-max, n) | target | met |", "|---|---|---|---|---|"]
    for x in lines:
        fmt = "{:.0f}" if x.unit == "MiB" else "{:.2f}"
        u = {"x": "x", "s": " s", "MiB": " MiB"}[x.unit]
        low, high = fmt.format(min(x.samples)), fmt.format(max(x.samples))
        measured = f"{fmt.format(x.median)}{u} ({low}-{high}, n={len(x.samples)})"
        met = {True: "yes", False: "**no**", None: "-"}[x.met]
        rows.append(f"| {x.what} | {x.now} | {measured} | {x.target} | {met} |")
    return "\n".join(rows)


#: Every line key each group yields: a quick run checks that all of them came out, with finite figures.
EXPECTED = {"extract": ["extract_raw"], "save": ["poll_save", "save_bigger_db"],
            "flows": ["nochange_poll", "first_poll_flow"],
            "archive": ["archive_10k_time", "archive_10k_rss", "reextract_rss", "vs_naive"],
            "file": ["file_growth"], "alerts": ["alert_planning"], "arxiv": ["arxiv_page"],
            "scale": ["poll_two_workers_lake", "hourly_during_backfill_file", "hourly_during_backfill_lake"]}


def check_results(data: dict, groups: list[str]) -> list[str]:
    """What is wrong with a results file: missing or extra lines, non-finite or empty figures, bad fields."""
    problems = []
    for field in ("run_at", "sizes", "machine", "wall_seconds", "lines"):
        if field not in data:
            problems.append(f"no {field!r}")
    lines = {x.get("key"): x for x in data.get("lines", [])}
    wanted = [k for g in groups for k in EXPECTED[g]]
    problems += [f"line {k!r} missing" for k in wanted if k not in lines]
    problems += [f"unexpected line {k!r}" for k in lines if k not in wanted]
    for k, x in lines.items():
        samples = x.get("samples") or []
        if not samples or not all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in samples):
            problems.append(f"line {k!r}: samples {samples!r} are not positive finite numbers")
        elif x.get("median") != statistics.median(samples) or x.get("n") != len(samples):
            problems.append(f"line {k!r}: median or n disagrees with its samples")
        if x.get("met") not in (True, False, None):
            problems.append(f"line {k!r}: met is {x.get('met')!r}")
        if x.get("unit") not in ("x", "s", "MiB"):
            problems.append(f"line {k!r}: unit {x.get('unit')!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that every line runs")
    parser.add_argument("--only", help=f"comma-separated groups of lines: {','.join(LINES)}")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results.json; with --quick, "
                        "paper-radar-benchmarks-quick.json in the temp folder, so the full run's file is kept)")
    for f in dataclasses.fields(Sizes):
        parser.add_argument("--" + f.name.replace("_", "-"), type=int, dest=f.name)
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    out = args.out or (Path(tempfile.gettempdir()) / "paper-radar-benchmarks-quick.json" if args.quick else RESULTS)
    for f in dataclasses.fields(Sizes):
        if getattr(args, f.name) is not None:
            setattr(sizes, f.name, getattr(args, f.name))
    groups = args.only.split(",") if args.only else list(LINES)
    unknown = set(groups) - set(LINES)
    if unknown:
        parser.error(f"unknown line groups {sorted(unknown)}; known: {', '.join(LINES)}")
    started, lines, timings, errors = time.perf_counter(), [], {}, {}
    info = machine()

    def write() -> None:  # after every group: a run stopped midway keeps what it measured
        result = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
                  "sizes": dataclasses.asdict(sizes), "machine": {**info, "load_average_end": os.getloadavg()},
                  "wall_seconds": round(time.perf_counter() - started, 1), "group_seconds": timings,
                  "errors": errors, "lines": [x.as_json() for x in lines]}
        out.write_text(json.dumps(result, indent=2) + "\n")

    with tempfile.TemporaryDirectory(prefix="radar-bench-") as tmp:
        for name in groups:
            work = Path(tmp) / name
            work.mkdir()
            t0 = time.perf_counter()
            print(f"[{name}] ...", file=sys.stderr, flush=True)
            try:
                lines += LINES[name](sizes, work)
            except Exception as e:  # one broken group must not cost the others their figures
                import traceback

                traceback.print_exc()
                errors[name] = f"{type(e).__name__}: {e}"
            timings[name] = round(time.perf_counter() - t0, 1)
            print(f"[{name}] {timings[name]} s", file=sys.stderr, flush=True)
            write()
    print(render(lines))
    print(f"\n{len(lines)} lines in {round(time.perf_counter() - started, 1)} s; written to {out}")
    problems = [f"group {g!r} failed: {e}" for g, e in errors.items()]
    problems += check_results(json.loads(out.read_text()), groups)
    for problem in problems:
        print(f"error: {out}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
