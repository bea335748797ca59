"""Runs the corpus's cases, two at a time, each in its own folder with its own servers.

The test of each case asks for its outcome; the first ask starts every case selected in this session
(so a run of the whole suite overlaps them, and a selected subset runs only its own). What several
cases share is made once per session, when first needed: the generated inputs, the demo poll's peak
RSS (the limit is twice it), the demo database for deliveries, and one clean reference run per kind
of case.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.reliability import arxiv_cases, delivery_cases, poll_cases
from tests.reliability.checks import CANARY, CHECKS
from tests.reliability.cli import run_radar
from tests.reliability.corpus import ROOT, Case
from tests.reliability.generators import GENERATORS
from tests.reliability.outcome import Outcome

JOBS = int(os.environ.get("RADAR_RELIABILITY_JOBS", "2"))


class Once:
    """Values made at most once per session, on first use, safely from several threads."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        self._make, self._values, self._locks, self._lock = make, {}, {}, threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                try:
                    self._values[key] = (self._make(key), None)
                except Exception as e:  # every case that needs it fails with the first error, not a new one
                    self._values[key] = (None, e)
            value, error = self._values[key]
            if error is not None:
                raise error
            return value


class Runner:
    def __init__(self, work: Path, cases: list[Case]) -> None:
        self.work, self.cases = work, cases
        self._pool = ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="bad-input")
        self._futures: dict[str, Future[Outcome]] = {}
        self._lock = threading.Lock()
        self.generated = Once(self._generate)
        self.references = Once(self._reference)
        self.shared = Once(self._shared)
        self.timings: dict[str, float] = {}

    def outcome(self, case: Case) -> Outcome:
        with self._lock:
            if not self._futures:  # start them all, the big generated ones first: cases overlap
                for c in sorted(self.cases, key=lambda c: c.generator is None):
                    self._futures[c.name] = self._pool.submit(self._run, c)
            if case.name not in self._futures:  # a case the session did not select up front
                self._futures[case.name] = self._pool.submit(self._run, case)
            future = self._futures[case.name]
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if path := os.environ.get("RADAR_RELIABILITY_TIMES"):  # where the time goes, slowest first
            Path(path).write_text("".join(f"{s:6.1f} s  {n}\n" for n, s in sorted(
                self.timings.items(), key=lambda kv: -kv[1])), encoding="utf-8")

    def _folder(self, name: str) -> Path:
        folder = self.work / name
        folder.mkdir(parents=True)
        return folder

    def _generate(self, name: str) -> Path:
        path = self.work / "generated" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(GENERATORS[name]())
        return path

    def _shared(self, key: str) -> Any:
        if key == "rss-limit":  # twice the peak RSS of the demo poll (the Quick start's), measured here
            folder = self._folder("demo-poll")
            shutil.copytree(ROOT / "demo", folder / "demo")
            shutil.copy(ROOT / "radar.toml", folder / "radar.toml")
            ran = run_radar(["poll", "--config", str(folder / "radar.toml")], cwd=folder)
            assert ran.exit == 0 and ran.rss > 0, ran.output
            return 2 * ran.rss
        if key == "demo-db":
            from tests.demo import save_demo

            return save_demo(self._folder("demo-db") / "radar.duckdb")
        raise KeyError(key)

    def _reference(self, kind: str) -> Any:
        folder = self._folder(f"reference-{kind}")
        if kind == "poll":
            return poll_cases.poll_reference(folder)
        if kind.startswith("delivery-"):
            return delivery_cases.delivery_reference(folder, self.shared.get("demo-db"), kind.removeprefix("delivery-"))
        if kind == "hostile-feed":
            return delivery_cases.hostile_reference(folder)
        if kind.startswith("arxiv-"):
            return arxiv_cases.arxiv_reference(folder, kind.removeprefix("arxiv-"))
        raise KeyError(kind)

    def _run(self, case: Case) -> Outcome:
        outcome = Outcome(case, rss_limit=self.shared.get("rss-limit"))
        folder = self._folder(case.name)
        (folder / "secret.txt").write_text(CANARY, encoding="utf-8")  # what an XXE would try to read
        data = case.read_input(self.generated.get(case.generator) if case.generator else None)
        try:
            if case.command == "poll":
                poll_cases.run_poll_case(case, folder, data, self.references.get("poll"), outcome, CHECKS)
            elif case.command == "config":
                poll_cases.run_config_case(case, folder, data, outcome)
            elif case.command == "alerts":
                delivery_cases.run_delivery_case(case, folder, data, self.shared.get("demo-db"), self.references,
                                                 outcome, CHECKS)
            elif case.command == "poll+alerts":
                delivery_cases.run_hostile_feed_case(case, folder, data, self.references, outcome, CHECKS)
            else:
                arxiv_cases.run_arxiv_case(case, folder, data, self.references, outcome)
        finally:
            self.timings[case.name] = sum(r.seconds for r in outcome.ran)
            if outcome.handled:  # keep a failed case's folder (database, config) to look at
                shutil.rmtree(folder, ignore_errors=True)
        return outcome
