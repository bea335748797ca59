"""The README's "Shared store" section, followed as written on a fresh PostgreSQL: the extra, `createdb`,
the [storage] block, `radar migrate-storage`, a poll while a notebook (the README's snippet) holds the
lake open, and `radar sql` answering the section's queries and the README's SQL section on the lake.

The commands run from a work folder laid out like a checkout (`radar.toml` with the demo sources, `demo/`,
and `.venv` linked to this test run's virtual environment), with PGHOST/PGPORT naming the test server
and PGPASSWORD set as step 2 says. The poll runs with `lock_wait_seconds = 0`: had the notebook's
connection held any lock, the poll would fail at once instead of waiting.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from tests.backends import lake_missing, skip_or_fail
from tests.demo import save_demo
from tests.postgres import PASSWORD, PostgresServer

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Shared store"):README.index("\n## ", README.index("## Shared store") + 5)]
pytestmark = pytest.mark.timeout(600)
LATER_SOURCE = "tensor-tuesday"


def shell_lines() -> list[str]:
    """The section's indented command lines, in order."""
    return [line.strip() for line in SECTION.splitlines() if re.match(r"^ {7}\S", line) and not
            line.strip().startswith(("[", "backend", "catalog", "data_path"))]


def block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", SECTION, flags=re.S)
    assert found, f"no {language} block in the Shared store section"
    return textwrap.dedent(found.group(1))


@pytest.fixture(scope="module")
def server():
    reason = lake_missing()
    if reason:
        skip_or_fail(reason)
    pg = PostgresServer()
    yield pg
    pg.stop()


@pytest.fixture(scope="module")
def work(tmp_path_factory, server) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("checkout")
    shutil.copytree(ROOT / "demo", folder / "demo")
    (folder / ".venv").symlink_to(Path(sys.prefix))
    config = (ROOT / "radar.toml").read_text(encoding="utf-8").replace(
        'database = "data/radar.duckdb"', 'database = "data/radar.duckdb"\nlock_wait_seconds = 0')
    (folder / "radar.toml").write_text(config + "\n" + block("toml"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RADAR_", "PG"))}
    env.update(PGHOST="127.0.0.1", PGPORT=str(server.port), PGPASSWORD=PASSWORD, COLUMNS="200",
               PATH=f"{server.bin}:{env.get('PATH', '/usr/bin:/bin')}")
    # What one person's embedded file held before: the demo but its email source, which the poll adds
    # while the notebook reads.
    save_demo(folder / "data" / "radar.duckdb", leave_out=(LATER_SOURCE,))
    return folder, env


def argv(command: str, folder: Path) -> list[str]:
    """The command as the shell in `folder` would run it (a relative program path is the folder's)."""
    args = shlex.split(command)
    return [str(folder / args[0]) if args[0].startswith(".venv/") else args[0], *args[1:]]


def run(command: str, folder: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv(command, folder), cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
    assert PASSWORD not in proc.stdout + proc.stderr
    return proc


def test_the_section_names_the_extra_the_project_declares():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["lake"]
    assert shell_lines()[0] == ".venv/bin/pip install -q -e '.[lake]'"
    assert {re.split(r"[=<>\[]", e)[0] for e in extras} == {
        "duckdb-ext-ducklake", "duckdb-ext-postgres", "duckdb-ext-sqlite", "duckdb-ext-httpfs", "psycopg"}


def test_following_the_section_polls_into_the_lake_while_a_notebook_reads_it_and_radar_sql_answers(work):
    folder, env = work
    createdb, export, migrate, poll, *queries = shell_lines()[1:]
    assert createdb.startswith("createdb ") and export.startswith("export PGPASSWORD=")
    run(createdb, folder, env)
    copied = run(migrate, folder, env)
    assert "Every table's row count and key set match" in copied.stdout

    notebook = subprocess.Popen(
        [sys.executable, "-c", block("python") + textwrap.dedent("""
            import select, sys
            print("open", con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
            reads = 0
            while not select.select([sys.stdin], [], [], 0.2)[0]:  # a query every 0.2 s until told to stop
                reads += 1
                con.execute("SELECT count(*) FROM papers_overview").fetchone()
            print("reads", reads, con.execute("SELECT count(*) FROM documents").fetchone()[0],
                  con.execute("SELECT count(*) FROM trending").fetchone()[0], flush=True)
        """)],
        cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        shown = ""
        while "\nopen " not in "\n" + shown:  # the snippet's own output (trending as a table), then "open"
            line = notebook.stdout.readline()
            assert line, f"the notebook snippet failed: {notebook.stderr.read()}"
            shown += line
        assert "arxiv_id" in shown and "n_sources" in shown
        polled = subprocess.Popen(argv(poll, folder), cwd=folder, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        out, err = polled.communicate(timeout=300)  # the notebook keeps reading on its open connection
        assert polled.returncode == 0, out + err
        added = re.search(r"Rows added: documents (\d+)", out)  # the copy lacked this source's email
        assert added and int(added.group(1)) > 0, out
        last, _ = notebook.communicate("stop\n", timeout=60)
    finally:
        if notebook.poll() is None:
            notebook.kill()
    before = int(re.search(r"^open (\d+)$", shown, flags=re.M).group(1))
    reads, after, trending = (int(n) for n in re.search(r"reads (\d+) (\d+) (\d+)", last).groups())
    # it read throughout, and its open connection sees the poll's commit (a new snapshot) once it is made
    assert reads > 0 and before > 0 and after == before + int(added.group(1)) and trending > 0

    overview, snapshots, at = queries
    assert "papers_overview" in overview and snapshots.endswith("--snapshots") and "--at 2" in at
    assert "row" in run(overview, folder, env).stdout
    assert "snapshot_id" in run(snapshots, folder, env).stdout
    assert re.search(r"│\s+\d+\s+│", run(at, folder, env).stdout)

    # and the README's SQL section, on the lake
    queries = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
    queries += [shlex.split(c)[0] for c in re.findall(r"^\s*\.venv/bin/radar sql (\".*\")\s*$", README, flags=re.M)]
    assert len(queries) >= 3
    for sql in queries:
        proc = run(f".venv/bin/radar sql --format json -- {shlex.quote(sql)}", folder, env)
        assert proc.stdout.strip() not in ("", "[]"), sql
