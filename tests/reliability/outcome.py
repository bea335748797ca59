"""What one bad-input case showed, and the checks shared by every kind of case.

A case is `handled` when every check passed; `crashed` when the CLI printed a traceback, was killed
(a timeout) or exited otherwise than expected; `rows_lost` counts the rows of a clean run (the good
source's, channel's or query's) missing after the case's run, plus the bad source's own rows that
should have been kept (a valid email beside a bad one in a folder).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.reliability.cli import Ran
from tests.reliability.corpus import Case
from tests.reliability.results import BadInput


@dataclass
class Outcome:
    case: Case
    ran: list[Ran] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows_lost: int = 0
    observed: str = ""  # one line for docs/reliability.md, without ports or temporary paths
    rss_limit: int = 0

    @property
    def crashed(self) -> bool:
        last = self.ran[-1] if self.ran else None
        return any(r.traceback or r.timed_out for r in self.ran) or last is None or last.exit != self.case.exit

    @property
    def handled(self) -> bool:
        return not self.problems and not self.crashed and self.rows_lost == 0

    def record(self) -> BadInput:
        return BadInput(handled=self.handled, crashed=self.crashed, rows_lost=self.rows_lost)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)

    def check_run(self, ran: Ran, *, expected_exit: int | None = None) -> None:
        """No traceback, not killed, the expected exit status, RSS within the limit."""
        self.ran.append(ran)
        want = self.case.exit if expected_exit is None else expected_exit
        self.check(not ran.timed_out,
                   f"`radar {' '.join(ran.args[:2])}` still running after {ran.seconds:.0f} s: killed")
        self.check(not ran.traceback, f"a traceback in the output of `radar {ran.args[0]}`:\n{tail(ran.output)}")
        self.check(ran.exit == want, f"exit status {ran.exit}, expected {want}:\n{tail(ran.output)}")
        self.check(ran.rss <= self.rss_limit, f"peak RSS {ran.rss / 2**20:.0f} MiB, over the limit "
                   f"{self.rss_limit / 2**20:.0f} MiB (twice the demo poll's)")

    def check_words(self, text: str | None, words: Iterable[str], where: str) -> None:
        flat = one_line(text or "")
        missing = [w for w in words if w.lower() not in flat.lower()]
        self.check(not missing, f"{where} lacks {missing}: {flat[:400]!r}")


_ENTRY = re.compile(r"^(?:failed|skipped|deferred|warning|error|kept without items):? ")


def summary_entries(stderr: str, prefix: str) -> list[str]:
    """The run's stderr lines that start with `prefix` ("failed: bad: "), each joined with the lines a narrow
    console wrapped it onto."""
    entries: list[str] = []
    for line in stderr.splitlines():
        if _ENTRY.match(line) or not entries:
            entries.append(line)
        else:
            entries[-1] += " " + line.strip()
    return [e for e in entries if e.startswith(prefix)]


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


def one_line(text: str) -> str:
    return " ".join(text.split())


def lost(reference: Counter, found: Counter) -> int:
    """Rows of `reference` (a multiset of row tuples) missing from `found`."""
    return sum((reference - found).values())


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


_VOLATILE = [
    (re.compile(r"http://127\.0\.0\.1:\d+"), "http://127.0.0.1:PORT"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"http://127\.0\.0\.1:PORT/api/query\?\S*"), "<arXiv API query>"),
    (re.compile(r"(?:/[\w.+-]+)*/pytest-\d+/[\w.+-]+/"), "<tmp>/"),
    (re.compile(r"/tmp/[\w./+-]*?/(?=[\w.-]+(?:\s|$|'|\"|:|,))"), "<tmp>/"),
    (re.compile(r"\d+\.\d+ s\b"), "N s"),
]


def normalise(text: str, *paths: Path) -> str:
    """Text for the document: ports, temporary folders and timings replaced, so a rerun writes the same."""
    text = one_line(text)
    for path in paths:
        text = text.replace(str(path), "<case>")
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text.replace("|", "/")
