"""Kill points: `radar poll`, `radar arxiv poll`, `radar arxiv enrich`, `radar backfill` and `radar alerts
send` killed with SIGKILL at named points (config/faults.py), then run again; nothing lost, nothing twice.

For each point the real CLI runs in a subprocess with RADAR_FAULT set, against the fakes of
tests/reliability/harness.py on 127.0.0.1, and must die by SIGKILL exactly there (the point writes a
mark first). Then the same command runs again without the fault, and:

* the store equals the clean run's: the same keys in every table, the same content hashes (values
  that belong to one run, such as timestamps, compared only by being set; harness.PER_RUN);
* a kill inside a transaction left nothing of it (the store right after the kill equals the store
  right after a kill just before that transaction began), and the read snapshot the rerun published
  equals the store;
* no process of the killed run is left (everything in its session), and on a DuckLake no PostgreSQL
  session of it either;
* no alert was delivered twice beyond the README's crash window (bot-token Slack: never; webhook and
  email: one resend, marked as a possible duplicate), and every message of the clean run was delivered.

One clean reference run per scenario, shared by its points. The points run two at a time (each in
its own folder with its own fakes); each test then checks and records its point in
tests/reliability/results.py's KILL_POINTS.
"""

from __future__ import annotations

import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config.faults import POINTS
from storage.db import open_db
from tests.alerts.conftest import channels_toml
from tests.backends import new_lake
from tests.behaviour import arxiv_papers
from tests.postgres import PASSWORD, PostgresServer
from tests.reliability.harness import (
    ROOT,
    Deliveries,
    Fakes,
    Run,
    deliveries,
    differences,
    dump_connection,
    dump_store,
    run_cli,
)
from tests.reliability.results import KILL_POINTS, KillPoint

pytestmark = pytest.mark.timeout(900)  # the module's points run in its first test's setup

DB = Path("data/radar.duckdb")
FEEDS = {"sparse-gradients": "demo/feeds/sparse_gradients.xml", "attention-span": "demo/feeds/attention_span.atom"}
LOCAL_SOURCES = """
[[sources]]
name = "model-notes"
kind = "page"
path = "demo/pages/model_notes_42.html"

[[sources]]
name = "tensor-tuesday"
kind = "email"
path = "demo/mail"
"""
RULES = """
[[alerts.rules]]
name = "everything"
min_sources = 1
routes = ["research"]
max_per_run = 8

[[alerts.rules]]
name = "agents"
keywords = ["SWE-bench", "agent"]
routes = ["hook", "mail"]

[[alerts.rules]]
name = "strong-scores"
metrics = [{name = "", min = 50, unit = "%"}]
routes = ["mail"]
max_per_run = 2
"""


def config_text(fakes: Fakes, *, feeds_over_http: bool) -> str:
    """The demo's four sources (two feeds over HTTP, or all four as files), arXiv, three channels, rules."""
    feeds = "".join(
        f'\n[[sources]]\nname = "{name}"\nkind = "feed"\n'
        + (f'url = "{fakes.http.url("/" + path)}"\n' if feeds_over_http else f'path = "{path}"\n')
        for name, path in FEEDS.items())
    return f"""database = "{DB}"
lock_wait_seconds = 5

[fetch]
timeout_seconds = 5
retries = 0
batch_documents = 2  # the demo's five documents in three batches: a poll killed between its transactions
{feeds}{LOCAL_SOURCES}
[arxiv]
api_url = "{fakes.arxiv.url}"
enrich = true
delay_seconds = 0
backoff_seconds = 0.01
retries = 1
page_size = 4
id_batch_size = 1
rate_limit_name = ""

[[arxiv.queries]]
name = "cl"
categories = ["cs.CL"]

[alerts]
alert_first_poll = true
max_attempts = 5

{channels_toml(fakes.slack, fakes.smtp.port)}
{RULES}"""


def serve(fakes: Fakes) -> None:
    """The demo feeds over HTTP (with validators, so a rerun may get 304), and the fake arXiv's papers."""
    for n, path in enumerate(FEEDS.values()):
        body = (ROOT / path).read_bytes()
        kind = "application/atom+xml" if path.endswith(".atom") else "application/rss+xml"
        validators = ({"etag": '"demo-v1"'} if n == 0 else {"last_modified": "Mon, 03 Nov 2025 10:00:00 GMT"})
        fakes.http.route("/" + path, body, headers={"Content-Type": kind}, **validators)
    for query, papers in arxiv_papers().items():
        fakes.arxiv.add(*papers, query=query)


@dataclass(frozen=True)
class Scenario:
    command: tuple[str, ...]
    seed: str  # the store the command starts from: "empty", "polled" (a clean poll), "spooled" (see seed_spooled)
    feeds_over_http: bool = False
    publishes: bool = False  # the command publishes the read snapshot
    exit_code: int = 0
    lake: bool = False  # the store is a fresh DuckLake on the session's PostgreSQL, not the embedded file


SCENARIOS = {
    "poll": Scenario(("poll",), "empty", feeds_over_http=True, publishes=True),
    "poll-lake": Scenario(("poll",), "empty", feeds_over_http=True, publishes=True, lake=True),
    "spool": Scenario(("poll",), "spooled", publishes=True),
    "arxiv-poll": Scenario(("arxiv", "poll"), "empty"),
    "enrich": Scenario(("arxiv", "enrich"), "polled"),
    "backfill": Scenario(("backfill", "--from", "2025-11-03", "--to", "2025-11-05", "--source", "arxiv",
                          "--source", "sparse-gradients"), "polled"),
    "alerts": Scenario(("alerts", "send"), "polled"),
}

#: (scenario, the faults of the killed runs in order); each point then gets one clean rerun.
KILLS: list[tuple[str, tuple[str, ...]]] = [
    ("poll", ("poll.before_fetch",)),
    ("poll", ("poll.after_fetch@2",)),
    ("poll", ("poll.before_save",)),
    ("poll", ("newsletters.mid_write@1",)),
    ("poll", ("newsletters.mid_write@3",)),
    ("poll", ("newsletters.before_source_state@1",)),
    ("poll", ("poll.after_source@2",)),
    ("poll", ("poll.before_publish",)),
    ("poll", ("snapshot.mid_export@4",)),
    ("poll", ("snapshot.before_rename",)),
    ("poll", ("snapshot.before_current",)),
    ("poll-lake", ("newsletters.mid_write@2",)),
    ("spool", ("spool.before_remove@1",)),
    ("spool", ("newsletters.mid_write@2",)),
    ("arxiv-poll", ("arxiv.after_fetch",)),
    ("arxiv-poll", ("arxiv_save.mid_write@1",)),
    ("arxiv-poll", ("arxiv.before_cursor",)),
    ("arxiv-poll", ("arxiv.before_health",)),
    ("enrich", ("enrich.after_lookup@1",)),
    ("enrich", ("arxiv_save.mid_write@1",)),
    ("enrich", ("enrich.before_mark_unknown@1",)),
    ("enrich", ("enrich.after_chunk@1",)),
    ("backfill", ("backfill.after_fetch@2",)),
    ("backfill", ("arxiv_save.mid_write@2",)),
    ("backfill", ("backfill.before_checkpoint@2",)),
    ("backfill", ("backfill.after_day@1",)),
    ("backfill", ("backfill.before_newsletters",)),
    ("backfill", ("newsletters.mid_write@1",)),
    ("alerts", ("delivery.after_plan",)),
    ("alerts", ("delivery.after_claim@1",)),
    ("alerts", ("webhook.after_post@1",)),
    ("alerts", ("delivery.after_sent@1",)),
    ("alerts", ("smtp.after_rcpt@1",)),
    ("alerts", ("smtp.after_data@1",)),
    ("alerts", ("smtp.after_data@3",)),
    ("alerts", ("slack.after_post@1",)),
    ("alerts", ("delivery.after_parent",)),
    ("alerts", ("delivery.after_threaded",)),
    ("alerts", ("slack.after_post@3",)),
    ("alerts", ("slack.after_post@3", "delivery.before_recovered")),
]


#: A kill inside a transaction leaves the store as a kill just before that transaction began does.
ATOMIC = {
    ("poll", "newsletters.mid_write@1"): ("poll", "poll.before_save"),
    ("spool", "newsletters.mid_write@2"): ("spool", "spool.before_remove@1"),
    ("arxiv-poll", "arxiv_save.mid_write@1"): ("arxiv-poll", "arxiv.after_fetch"),
    ("enrich", "arxiv_save.mid_write@1"): ("enrich", "enrich.after_lookup@1"),
    ("backfill", "arxiv_save.mid_write@2"): ("backfill", "backfill.after_fetch@2"),
    ("backfill", "newsletters.mid_write@1"): ("backfill", "backfill.before_newsletters"),
}


def point_id(scenario: str, faults: tuple[str, ...]) -> str:
    return f"{scenario}:{'+'.join(faults)}"


# --- seeds and runs ----------------------------------------------------------------------------------


def prepare(seed: Path, work: Path, fakes: Fakes, scenario: Scenario) -> Path:
    """A copy of the seed in `work`, and its config for these fakes."""
    shutil.copytree(seed, work, symlinks=True)
    serve(fakes)
    config = work / "radar.toml"
    config.write_text(config_text(fakes, feeds_over_http=scenario.feeds_over_http), encoding="utf-8")
    return config


def seed_polled(folder: Path) -> None:
    """The demo folder after one clean `radar poll` of its four sources as files."""
    shutil.copytree(ROOT / "demo", folder / "demo")
    with Fakes() as fakes:
        serve(fakes)
        config = folder / "radar.toml"
        config.write_text(config_text(fakes, feeds_over_http=False), encoding="utf-8")
        run = run_cli(["poll", "--config", str(config)], folder, fakes.env())
    assert run.returncode == 0, run.describe()
    config.unlink()


def seed_spooled(folder: Path) -> None:
    """The demo folder with each file source's batch in the spool, as a poll leaves it when the database
    stayed locked past lock_wait_seconds (storage/spool.py), and no database yet."""
    import logging
    from concurrent.futures import Future

    from config.settings import load_settings
    from flows.pipeline.batches import SourceRun, cut_batches
    from flows.pipeline.extract import parse_fetched
    from flows.pipeline.newsletters import extract_batch, fetch_source
    from storage.spool import spool_batch, spool_dir_for

    shutil.copytree(ROOT / "demo", folder / "demo")
    with Fakes() as fakes:
        config = folder / "radar.toml"
        config.write_text(config_text(fakes, feeds_over_http=False), encoding="utf-8")
        settings = load_settings(config)
    log = logging.getLogger(__name__)
    sources = settings.enabled_sources
    fetching = {}
    for source in sources:  # as the poll's fetch steps hand them over (files on disk: no HTTP client)
        fetching[source.name] = Future()
        fetching[source.name].set_result(fetch_source(source, settings.fetch, None, None, log))
    runs = {s.name: SourceRun(s) for s in sources}
    for batch in cut_batches(sources, fetching, {}, runs, parse_fetched, 200, log):
        for chunk in extract_batch(batch, log):
            assert chunk.error is None, chunk.error
            spool_batch(spool_dir_for(settings.database), chunk.source.name, chunk.extractions, chunk.state)
    config.unlink()


def seed_empty(folder: Path) -> None:
    shutil.copytree(ROOT / "demo", folder / "demo")


SEEDS = {"empty": seed_empty, "polled": seed_polled, "spooled": seed_spooled}


@dataclass
class Outcome:
    """What one scenario run (a reference, or a point's killed runs and rerun) left."""

    runs: list[Run]
    store: dict[str, dict[str, str]]
    delivered: Deliveries
    killed_store: dict[str, dict[str, str]] | None  # right after the first kill
    problems: list[str] = field(default_factory=list)  # inconsistencies found along the way
    left_behind: list[str] = field(default_factory=list)


def folders(work: Path, seed: Path) -> dict[str, Path]:
    return {"<work>": work, "<seed>": seed}


class Store:
    """The store a scenario's runs write: the embedded file in the work folder, or a fresh DuckLake."""

    def __init__(self, work: Path, pg: PostgresServer | None) -> None:
        self.work, self.pg = work, pg
        self.lake = new_lake(pg, work) if pg is not None else None

    def env(self) -> dict[str, str]:
        if self.lake is None:
            return {}
        return {"RADAR_STORAGE__BACKEND": "ducklake", "RADAR_STORAGE__CATALOG": self.lake.catalog or "",
                "RADAR_STORAGE__DATA_PATH": self.lake.data_path or "", "PGPASSWORD": PASSWORD}

    def dump(self, seen: dict[str, Path]) -> dict[str, dict[str, str]]:
        if self.lake is None:
            return dump_store(self.work / DB, folders=seen) if (self.work / DB).exists() else {}
        with open_db(self.lake, read_only=True) as conn:
            return dump_connection(conn, folders=seen)

    def sessions_left(self) -> list[str]:
        """The catalog database's PostgreSQL sessions, once PostgreSQL noticed a killed client (a few seconds)."""
        if self.pg is None:
            return []
        name = urlsplit(self.lake.catalog).path.lstrip("/")
        deadline = time.monotonic() + 10
        while True:
            rows = self.pg.execute(f"SELECT pid, application_name, state FROM pg_stat_activity "
                                   f"WHERE datname = '{name}'")
            if not rows or time.monotonic() > deadline:
                return [f"PostgreSQL session {row}" for row in rows]
            time.sleep(0.2)


def play(scenario: Scenario, seed: Path, work: Path, faults: tuple[str, ...], reruns: int,
         pg: PostgresServer | None = None) -> Outcome:
    """Copy the seed, run the command killed at each of `faults`, then `reruns` times without a fault."""
    with Fakes() as fakes:
        config = prepare(seed, work, fakes, scenario)
        store = Store(work, pg if scenario.lake else None)
        env = fakes.env() | store.env()
        args = [*scenario.command, "--config", str(config)]
        seen = folders(work, seed)
        runs, problems, left, killed_store = [], [], [], None
        for n, fault in enumerate(faults):
            run = run_cli(args, work, env, fault=fault)
            runs.append(run)
            left += run.left_behind + store.sessions_left()
            name, _, nth = fault.partition("@")
            if not run.killed or run.mark != f"{name}@{nth or 1}":
                problems.append(f"run {n + 1} was to die at {fault}: mark {run.mark!r}; {run.describe()}")
            if n == 0:
                killed_store = store.dump(seen)
        for _ in range(reruns):
            run = run_cli(args, work, env)
            runs.append(run)
            left += run.left_behind + store.sessions_left()
            if run.returncode != scenario.exit_code or "Traceback" in run.stderr:
                problems.append(f"rerun: {run.describe()}")
        final = store.dump(seen)
        if scenario.publishes:
            problems += snapshot_problems(work, final, seen)
        return Outcome(runs, final, deliveries(fakes), killed_store, problems, left)


def snapshot_problems(work: Path, store: dict[str, dict[str, str]], seen: dict[str, Path]) -> list[str]:
    """The read snapshot `current` points at must be complete and hold what the store holds."""
    import json

    import duckdb

    current = (work / DB).with_suffix(".snapshot") / "current"
    if not current.is_dir():
        return [f"no read snapshot at {current}"]
    tables = list(json.loads((current / "manifest.json").read_text())["tables"])
    with duckdb.connect() as conn:
        conn.execute((current / "views.sql").read_text())
        published = dump_connection(conn, folders=seen, tables=tables)
    return [f"read snapshot: {d}" for d in differences(store, published)]


# --- the points, two at a time -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome | BaseException]:
    """Every selected point's outcome, and each scenario's clean reference (key: the scenario's name)."""
    wanted = [item.callspec.params["kill"] for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec") and "kill" in item.callspec.params]
    wanted += [(s, (f,)) for s, f in (ATOMIC[k[0], k[1][0]] for k in wanted if (k[0], k[1][0]) in ATOMIC)
               if (s, (f,)) not in wanted]
    base = tmp_path_factory.mktemp("kill-points")
    scenarios = sorted({scenario for scenario, _ in wanted})
    seeds = {}
    for kind in sorted({SCENARIOS[s].seed for s in scenarios}):
        seeds[kind] = base / f"seed-{kind}"
        SEEDS[kind](seeds[kind])
    pg = request.getfixturevalue("postgres").get() if any(SCENARIOS[s].lake for s in scenarios) else None
    jobs = {name: (SCENARIOS[name], seeds[SCENARIOS[name].seed], base / f"reference-{name}", (), 1, pg)
            for name in scenarios}
    for n, (scenario, faults) in enumerate(wanted):
        jobs[point_id(scenario, faults)] = (SCENARIOS[scenario], seeds[SCENARIOS[scenario].seed],
                                            base / f"point-{n:02d}", faults, 1, pg)

    def attempt(job: tuple) -> Outcome | BaseException:
        try:
            return play(*job)
        except Exception as e:  # reported by the point's own test
            return e

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(attempt, jobs.values()), strict=True))


@pytest.mark.parametrize("kill", KILLS, ids=[point_id(*k) for k in KILLS])
def test_killed_then_rerun_equals_a_clean_run(kill, outcomes):
    scenario, faults = kill
    reference, outcome = outcomes[scenario], outcomes[point_id(*kill)]
    if isinstance(reference, BaseException):
        raise reference
    if isinstance(outcome, BaseException):
        raise outcome
    assert not reference.problems, reference.problems
    inconsistencies = outcome.problems + differences(reference.store, outcome.store)
    if (scenario, faults[0]) in ATOMIC:
        before = outcomes[point_id(ATOMIC[scenario, faults[0]][0], (ATOMIC[scenario, faults[0]][1],))]
        assert isinstance(before, Outcome), before
        inconsistencies += [f"killed inside its transaction, unlike just before it: {d}"
                            for d in differences(before.killed_store, outcome.killed_store)]
    inconsistencies += outcome.delivered.lost_or_unexpected(reference.delivered)
    duplicates = outcome.delivered.duplicates_beyond_window()
    KILL_POINTS[point_id(*kill)] = KillPoint(len(inconsistencies), duplicates, len(outcome.left_behind))
    assert not inconsistencies, "\n".join(inconsistencies[:30])
    assert duplicates == 0, outcome.delivered.received
    assert not outcome.left_behind, outcome.left_behind


def test_every_fault_point_in_the_code_is_listed_and_killed_at():
    """config/faults.py's POINTS is every point the code has, and this module kills at each of them."""
    called = set()
    for package in ("radar", "flows", "sources", "extractors", "storage", "alerts", "config", "records"):
        for path in (ROOT / package).rglob("*.py"):
            called |= set(re.findall(r'fault_point\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert called == set(POINTS)
    killed = {fault.partition("@")[0] for _, faults in KILLS for fault in faults}
    assert killed == set(POINTS), set(POINTS) - killed
    assert len(POINTS) >= 24 and len(KILLS) >= 24


def test_a_fault_point_is_inert_unless_named(tmp_path, monkeypatch):
    """Unset, or naming another point or another visit, a point returns; only its own name kills."""
    import subprocess
    import sys

    from config.faults import fault_point

    monkeypatch.delenv("RADAR_FAULT", raising=False)
    fault_point("poll.before_fetch")
    monkeypatch.setenv("RADAR_FAULT", "poll.after_fetch")
    fault_point("poll.before_fetch")
    mark = tmp_path / "mark"
    code = ("from config.faults import fault_point as f\n"
            "f('a.b'); f('a.b'); print('second visit survived', flush=True)\nf('a.b')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"RADAR_FAULT": "a.b@3", "RADAR_FAULT_MARK": str(mark), "PATH": ""})
    assert proc.returncode == -9 and proc.stdout == "second visit survived\n", proc
    assert mark.read_text() == "a.b@3\n"
