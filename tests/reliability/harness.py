"""What the kill-point test and the secrets sweep share: the fakes a run talks to, the real `radar` CLI in
a subprocess, the processes a run left behind, and the store reduced to keys and content hashes.

* `Fakes`: one LocalServer (feeds, the fake arXiv API and the fake Slack Web API + webhook on it) and
  one aiosmtpd server, all on 127.0.0.1; each kill point gets its own, so deliveries are counted per
  point.
* `run_cli`: `.venv/bin/radar ARGS` in its own session, stdout and stderr to files (a leftover child
  holding a pipe open would hang the test), with RADAR_FAULT set when a fault is asked for; afterwards
  every process still in that session (a child of the run: a temporary server, a worker) is
  recorded, then killed.
* `dump_store`: every table as {key: hash of its content}. Values assigned per run (timestamps,
  Slack ts and Message-IDs, counters of runs and attempts) are compared by whether they are set, not
  by value; the run's folder and the fakes' ports are replaced by placeholders.
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from email import policy
from pathlib import Path
from typing import Any

import duckdb

from storage.schema import KEYS
from tests.alerts.fakes import TOKEN, FakeSlack, SmtpServer
from tests.arxiv_api import FakeArxiv
from tests.httpserver import LocalServer

ROOT = Path(__file__).resolve().parents[2]
RADAR = Path(sys.executable).parent / "radar"

#: Columns whose value belongs to one run, not to the data: compared by being set or not (a Slack ts or a
#: Message-ID is new on every send). Timestamps of every table are treated so too (see `_normalised`).
PER_RUN = {"alerts": {"external_id", "thread_ts"}}
#: Left out of the comparison: counts of runs and attempts (a killed run is one run fewer, or one more
#: claim; a rerun that finds nothing new is one more empty poll), and the possible_duplicate mark, which
#: a resend over a webhook or email gets by design (README, "Delivered once: the ledger and the crash
#: window"): `Deliveries` counts what the fakes received instead.
IGNORED = {"alerts": {"attempts", "possible_duplicate"},
           "arxiv_cursors": {"polls_with_entries", "consecutive_empty_weekday_polls"}}
_PORT = re.compile(r"127\.0\.0\.1:\d+")
_LOCAL_TOKEN = re.compile(r"^local:[0-9a-f]{32}$")


class Fakes:
    """The servers one run talks to: feeds, arXiv, Slack (API and webhook) on one LocalServer; SMTP."""

    def __init__(self) -> None:
        self.http = LocalServer()
        self.slack = FakeSlack(self.http)
        self.arxiv = FakeArxiv(self.http)
        self.smtp = SmtpServer()

    def __enter__(self) -> Fakes:
        self.http.start()
        self.smtp.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.smtp.__exit__(*exc)
        self.http.stop()

    def env(self) -> dict[str, str]:
        """The secrets the alert channels of channels_toml() read."""
        return {"RADAR_TEST_SLACK_TOKEN": TOKEN, "RADAR_TEST_WEBHOOK": self.slack.webhook_url}


@dataclass(frozen=True)
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    mark: str | None  # what the fault point wrote before the kill (NAME@N), or None
    left_behind: list[str] = field(default_factory=list)  # "PID command" of processes the run left
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def describe(self) -> str:
        return f"radar {' '.join(self.args)} exited {self.returncode}\n{self.stdout[-3000:]}\n{self.stderr[-3000:]}"


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without a Prefect server or RADAR_ settings, with a fixed console width."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RADAR_", "PREFECT_API_URL")) and k not in ("PGPASSWORD",)}
    env |= {"COLUMNS": "160", "NO_COLOR": "1", "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return env | (extra or {})


def run_cli(args: list[str], work: Path, env: dict[str, str], *, fault: str | None = None,
            timeout: float = 120) -> Run:
    """`radar ARGS` in `work`, in a session of its own; with `fault`, RADAR_FAULT=fault."""
    tag = uuid.uuid4().hex[:8]
    out, err, mark = (work / f".run-{tag}.{name}" for name in ("stdout", "stderr", "mark"))
    env = base_env(env) | ({"RADAR_FAULT": fault, "RADAR_FAULT_MARK": str(mark)} if fault else {})
    started = time.monotonic()
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([str(RADAR), *args], cwd=work, env=env, stdout=stdout, stderr=stderr,
                                start_new_session=True)
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise AssertionError(f"radar {' '.join(args)} did not finish in {timeout} s:\n"
                                 f"{out.read_text()[-2000:]}\n{err.read_text()[-2000:]}") from None
    left = session_processes(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)  # the session the run started: its leftovers are ours to end
    run = Run(args, returncode, out.read_text(errors="replace"), err.read_text(errors="replace"),
              mark.read_text().strip() if mark.exists() else None, left, time.monotonic() - started)
    for path in (out, err, mark):
        path.unlink(missing_ok=True)
    return run


def session_processes(sid: int) -> list[str]:
    """Live processes of session `sid` (the run's own session), as "PID command line"."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(f"{stat.parent.name} {cmdline.strip()[:200]}")
    return found


def dump_store(db: Path, *, folders: dict[str, Path]) -> dict[str, dict[str, str]]:
    """Every table of the embedded file as {key: content hash}; see the module docstring."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return dump_connection(conn, folders=folders)


def dump_connection(conn: duckdb.DuckDBPyConnection, *, folders: dict[str, Path],
                    tables: list[str] | None = None) -> dict[str, dict[str, str]]:
    conn.execute("SET TimeZone = 'UTC'")
    if tables is None:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
            "AND database_name = current_database() ORDER BY 1").fetchall()]
    dumped = {}
    for table in tables:
        result = conn.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in result.description]
        key_columns = KEYS.get(table, tuple(columns))
        rows: dict[str, str] = {}
        for row in result.fetchall():
            record = {c: _normalised(table, c, v, folders) for c, v in zip(columns, row, strict=True)}
            key = json.dumps([record[c] for c in key_columns], ensure_ascii=False, default=str)
            content = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
            digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            # a key held twice (no PRIMARY KEY stops that on a lake, nor on a document's rows) shows as a difference
            rows[key] = f"{rows[key]} and again {digest}" if key in rows else digest
        dumped[table] = rows
    return dumped


def _normalised(table: str, column: str, value: Any, folders: dict[str, Path]) -> Any:
    if column in IGNORED.get(table, ()):
        return "<ignored>"
    if column in PER_RUN.get(table, ()) or isinstance(value, datetime):
        return None if value is None else "<set>"
    if isinstance(value, str):
        for placeholder, folder in folders.items():
            value = value.replace(str(folder), placeholder)
        return _LOCAL_TOKEN.sub("local:<mtimes>", _PORT.sub("127.0.0.1:<port>", value))
    if isinstance(value, list | tuple):
        return [_normalised(table, column, v, folders) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def differences(expected: dict[str, dict[str, str]], actual: dict[str, dict[str, str]]) -> list[str]:
    """Per table: keys missing, keys extra, keys whose content differs."""
    found = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table, {}), actual.get(table, {})
        found += [f"{table}: missing {k}" for k in sorted(set(want) - set(got))]
        found += [f"{table}: extra {k}" for k in sorted(set(got) - set(want))]
        found += [f"{table}: changed {k}" for k in sorted(set(want) & set(got)) if want[k] != got[k]]
    return found


# --- deliveries on the fakes -------------------------------------------------------------------------

AT_MOST_ONCE_MORE = ("webhook", "email")  # the README's crash window: one resend, marked possible duplicate
_ARXIV_LINK = re.compile(r"arxiv\.org/abs/(\d{4}\.\d{4,5})")


@dataclass(frozen=True)
class Deliveries:
    """Every alert the fakes received, as (route, alert key) -> [marked as a possible duplicate, ...] for each
    message that delivered it. A folded Slack run's parent lists its papers: route "slack-list <channel>"."""

    received: dict[tuple[str, str], list[bool]]

    def duplicates_beyond_window(self) -> int:
        """Bot-token Slack: any second delivery. Webhook and email: a second unmarked one, or a second resend."""
        extra = 0
        for (route, _), marks in self.received.items():
            if route.startswith(AT_MOST_ONCE_MORE):
                extra += max(0, marks.count(False) - 1) + max(0, marks.count(True) - 1)
            else:
                extra += max(0, len(marks) - 1)
        return extra

    def lost_or_unexpected(self, reference: Deliveries) -> list[str]:
        """Messages the clean run delivered that this one never did, and messages only this one delivered."""
        want, got = set(reference.received), set(self.received)
        return [f"never delivered: {k}" for k in sorted(want - got)] + [f"unexpected: {k}" for k in sorted(got - want)]


def deliveries(fakes: Fakes) -> Deliveries:
    received: dict[tuple[str, str], list[bool]] = {}

    def got(route: str, keys: list[str], marked: bool) -> None:
        for key in dict.fromkeys(keys):
            received.setdefault((route, key), []).append(marked)

    for post in fakes.slack.posts:
        payload = (post.get("metadata") or {}).get("event_payload") or {}
        marked = post["text"].startswith("[possible duplicate")
        got(f"slack {post['channel']}", payload.get("keys") or [], marked)
        got(f"slack-list {post['channel']}", payload.get("listed") or [], marked)
    for post in fakes.slack.webhook_posts:  # a webhook message carries no keys: the papers it links to
        got("webhook", _ARXIV_LINK.findall(json.dumps(post)), post["text"].startswith("[possible duplicate"))
    for raw in fakes.smtp.handler.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        got("email", str(message["X-Paper-Radar-Keys"]).split(), message["X-Paper-Radar-Possible-Duplicate"] == "yes")
    return Deliveries(received)


def counted(items: list[str]) -> str:
    return ", ".join(f"{k} x{n}" if n > 1 else k for k, n in Counter(items).items())
