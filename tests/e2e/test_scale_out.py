"""The README's "Scale out" block, followed: two process workers on one pool writing one lake at once.

A real `prefect server start` kept in PostgreSQL, two `prefect worker start --pool paper-radar --type
process` workers, a DuckLake whose catalog is on the same local PostgreSQL, feeds, the arXiv API and
Slack served on 127.0.0.1, every process under the netguard. After a first poll (the feeds' archive),
the feeds grow, and at the same time: a fanned-out poll of two groups of sources (`poll_group_size =
2`; the groups name some of the same new papers, so their commits race for the same new keys), a
backfill of two days (arXiv day windows, and the stored newsletters re-extracted), an instant
delivery, `radar alerts send` in another process (two deliverers on one ledger), and a notebook-style
reader running SQL in a loop on the lake through the `radar sql --setup` statements.

Expected, and printed for the record: 0 rows lost, 0 duplicate rows, 0 duplicate alerts (the Slack
fake counts posts), 0 reader errors; afterwards every table's keys (and the documents' content
hashes) equal those of the same work done one step after another on a second lake.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from config.settings import load_settings
from flows.pipeline.backfill import backfill
from flows.pipeline.delivery import deliver
from flows.pipeline.newsletters import poll_newsletters
from flows.pipeline.runtime import PlainRuntime
from storage.db import open_db
from storage.schema import KEYS
from tests.alerts.fakes import TOKEN as SLACK_TOKEN
from tests.alerts.fakes import FakeSlack, everything_to_slack
from tests.arxiv_api import FakeArxiv, paper
from tests.e2e.conftest import BIN, README, README_CONFIG, PrefectServer, serving, start, stop
from tests.httpserver import LocalServer
from tests.postgres import PASSWORD

pytestmark = pytest.mark.timeout(600)

SOURCES = ("alpha", "beta", "gamma", "delta")  # groups of 2: (alpha, beta), (gamma, delta)
START, END = "2025-11-03", "2025-11-04"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
#: What the README block may hold; anything else fails the test (the block and the test agree).
KNOWN = ("export PREFECT_SERVER_DATABASE_CONNECTION_URL=", ".venv/bin/prefect server start",
         "export PREFECT_API_URL=", ".venv/bin/radar setup --config", ".venv/bin/radar deploy --config",
         ".venv/bin/prefect worker start", ".venv/bin/radar run poll-newsletters/hourly",
         ".venv/bin/radar run backfill/manual", ".venv/bin/radar run deliver-alerts/instant", ".venv/bin/radar sql")


def readme_scale_out_commands() -> list[str]:
    section = README.read_text(encoding="utf-8").split("\n## Scale out\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n\n((?: {4}\S.*\n)+)", section)
    assert block, "README: no command block in 'Scale out'"
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines()]
    unknown = [line for line in lines if not line.startswith(KNOWN)]
    assert not unknown, f"README 'Scale out' commands the test does not know: {unknown}"
    return lines


# --- the inputs -------------------------------------------------------------------------------------------

def paper_id(n: int) -> str:
    return f"2511.{10000 + n:05d}"


def issue(source: str, n: int, papers: list[int]) -> str:
    stories = "".join(
        f'<h3>Paper {p}: a study of sparse decoding number {p}</h3>'
        f'<p>(<a href="https://arxiv.org/abs/{paper_id(p)}">paper</a> / '
        f'<a href="https://github.com/lab{p}/sparse-{p}">code</a>)</p>'
        f'<p>It reaches {40 + p % 50}% on HellaSwag and decodes {2 + p % 5}x faster.</p><div><hr></div>'
        for p in papers)
    day = 3 + n % 2
    return (f"<item><title>{source} #{n}</title><link>https://{source}.example.org/p/{n}</link>"
            f'<guid isPermaLink="false">{source}-{n}</guid><pubDate>{"Mon" if day == 3 else "Tue"}, '
            f"0{day} Nov 2025 08:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[<p>Issue {n}.</p><div><hr></div>{stories}]]></content:encoded></item>")


def feed(source: str, issues: int) -> bytes:
    """`issues` issues of `source`; each names papers of its own and one shared with the other group's feed."""
    k = SOURCES.index(source)
    partner = {0: 2, 1: 3, 2: 0, 3: 1}[k]  # alpha-gamma, beta-delta: in different groups
    shared = 500 + 10 * min(k, partner)
    items = "".join(issue(source, n, [100 * k + 3 * n, 100 * k + 3 * n + 1, shared + n])
                    for n in range(issues, 0, -1))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{source}</title><link>https://{source}.example.org</link><description>demo</description>"
            f"{items}</channel></rss>").encode()


def serve_feeds(server: LocalServer, issues: int) -> None:
    for source in SOURCES:
        server.route(f"/{source}.xml", feed(source, issues), headers={"Content-Type": "application/rss+xml"},
                     etag=f'"{source}-{issues}"')


def write_config(folder: Path, feeds: LocalServer, api: FakeArxiv, slack: FakeSlack, catalog: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sources = "".join(f'[[sources]]\nname = "{s}"\nkind = "feed"\nurl = "{feeds.url(f"/{s}.xml")}"\n'
                      for s in SOURCES)
    config = folder / "radar.toml"
    config.write_text(f"""
database = "radar.duckdb"
lock_wait_seconds = 300
[storage]
backend = "ducklake"
catalog = "{catalog}"
data_path = "{folder / 'lake'}/"
[fetch]
retry_delay_seconds = 0.2
[prefect]
poll_group_size = 2
[arxiv]
api_url = "{api.url}"
delay_seconds = 0.5
backoff_seconds = 0.05
retries = 1
rate_limit_name = ""
[[arxiv.queries]]
name = "dlm"
categories = ["cs.CL"]
{sources}""" + everything_to_slack(slack, "RADAR_E2E_SLACK_TOKEN"), encoding="utf-8")
    return config


READER = textwrap.dedent("""
    import json, pathlib, subprocess, sys, time
    import duckdb
    setup = subprocess.run([sys.argv[1], "sql", "--setup", "--config", sys.argv[2]], capture_output=True,
                           text=True, check=True).stdout
    con = duckdb.connect()
    con.execute(setup)
    queries, errors, papers = 0, [], []
    while not pathlib.Path(sys.argv[3]).exists():
        try:
            papers.append(con.execute("SELECT count(*) FROM papers").fetchone()[0])
            con.execute("SELECT arxiv_id, n_sources, code_url FROM papers_overview ORDER BY arxiv_id").fetchall()
            queries += 2
        except Exception as e:  # counted: the test expects none
            errors.append(repr(e))
        time.sleep(0.2)
    print(json.dumps({"queries": queries, "errors": errors, "papers_seen": sorted(set(papers))}))
""")


def contents(config: Path) -> dict[str, list]:
    """Every table's keys (the documents' with their content hash), sorted, and the rows per key."""
    with open_db(load_settings(config).store, read_only=True) as conn:
        found = {}
        for table, key in KEYS.items():
            cols = ", ".join(key) + (", content_hash" if table == "documents" else "")
            found[table] = sorted(conn.execute(f"SELECT {cols} FROM {table}").fetchall())
        found["alerts sent"] = sorted(conn.execute("SELECT channel, alert_key FROM alerts WHERE status = 'sent'"
                                                   ).fetchall())
    return found


def posts_per_paper(slack: FakeSlack) -> Counter:
    """How many alerts each paper got: a delivery posts a parent listing its papers, then one reply per paper
    in its thread (alerts/compose.py), so a paper alerted twice has two replies."""
    return Counter(i for post in slack.posts if post.get("thread_ts")
                   for i in set(re.findall(r"2511\.\d{5}", json.dumps(post))))


# --- the test ---------------------------------------------------------------------------------------------

def test_two_workers_poll_backfill_and_alert_into_one_lake_while_a_reader_reads(postgres, tmp_path, http_server,
                                                                               monkeypatch):
    commands = readme_scale_out_commands()
    pg = postgres.get()
    api = FakeArxiv(http_server)
    api.add(*[paper(paper_id(n), day=date(2025, 11, 3 + n % 2), minute=n) for n in (0, 1, 100, 101, 900, 901)])
    serve_feeds(http_server, 2)
    with LocalServer() as slack_server, LocalServer() as sequential_slack_server:
        slack, sequential_slack = FakeSlack(slack_server), FakeSlack(sequential_slack_server)
        config = write_config(tmp_path / "srv", http_server, api, slack, pg.create_database("lake_scale"))
        sequential = write_config(tmp_path / "seq", http_server, api, sequential_slack,
                                  pg.create_database("lake_sequential"))
        monkeypatch.setenv("RADAR_E2E_SLACK_TOKEN", SLACK_TOKEN)
        for c in (config, sequential):  # the feeds' archive, first seen (never alerted on)
            poll_newsletters(load_settings(c), PlainRuntime())
        serve_feeds(http_server, 5)  # three new issues per feed, naming new papers

        prefect_db = pg.create_database("prefect_scale").replace("postgresql://", "postgresql+asyncpg://", 1)
        home = tmp_path / "prefect-home"
        home.mkdir()
        with serving(home, {"PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db, "PGPASSWORD": PASSWORD}) as server:
            counts = run_concurrently(server, commands, config, tmp_path)
            assert not [e for e in server.netguard_events() if e["event"] == "refused"], "a host but localhost"

        # The same work one step after another, in this process, on the second lake.
        settings = load_settings(sequential)
        poll_newsletters(settings, PlainRuntime())
        backfill(settings, PlainRuntime(), date.fromisoformat(START), date.fromisoformat(END))
        deliver(settings, PlainRuntime(), modes=("instant",))

        concurrent, expected = contents(config), contents(sequential)
        rows = {t: len(v) for t, v in concurrent.items()}
        lost = {t: len(set(expected[t]) - set(concurrent[t])) for t in expected}
        extra = {t: len(set(concurrent[t]) - set(expected[t])) for t in expected}
        duplicates = {t: len(v) - len(set(v)) for t, v in concurrent.items()}
        alerts, alerts_expected = posts_per_paper(slack), posts_per_paper(sequential_slack)
        counts |= {"rows": rows, "rows lost": sum(lost.values()), "rows not in the sequential run": sum(extra.values()),
                   "duplicate rows": sum(duplicates.values()), "slack posts": len(slack.posts),
                   "slack posts sequential": len(sequential_slack.posts),
                   "duplicate alerts": sum(n - 1 for n in alerts.values() if n > 1)}
        print("\nscale-out counts:", json.dumps(counts, indent=1))
        assert counts["reader errors"] == 0, counts["reader error texts"]
        assert lost == dict.fromkeys(expected, 0), lost
        assert extra == dict.fromkeys(expected, 0), extra
        assert duplicates == dict.fromkeys(concurrent, 0), duplicates
        assert concurrent == expected
        assert alerts == alerts_expected and set(alerts.values()) == {1} and len(alerts) >= 12, alerts
        assert not slack.violations
        assert counts["group runs"] == 2 and min(counts["runs per worker"]) >= 1, counts


def run_concurrently(server: PrefectServer, commands: list[str], config: Path, tmp_path: Path) -> dict:
    """The README block with the fixture's server; the runs it names started together, with a reader."""
    concurrent_runs: list[list[str]] = []
    workers: list[subprocess.Popen] = []
    for line in commands:
        args = shlex.split(line.replace(README_CONFIG, str(config)))
        if args[0] == "export" or args[:3] == [".venv/bin/prefect", "server", "start"]:
            continue  # the fixture's server, kept in PostgreSQL, on a free port
        args[0] = args[0].removeprefix(".venv/bin/")
        if args[:3] == ["prefect", "worker", "start"]:
            workers.append(start([str(BIN / "prefect"), *args[1:]], server.env,
                                 server.home / f"worker-{len(workers) + 1}.log"))
            server.processes.append(workers[-1])
        elif args[:2] == ["radar", "run"] or args[:2] == ["radar", "sql"]:
            concurrent_runs.append(args)
        else:
            server.run(*args, timeout=300)
    assert len(workers) == 2, commands
    stop_file = tmp_path / "reader.stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(BIN / "radar"), str(config), str(stop_file)],
                              env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    alerts_cli = [str(BIN / "radar"), "alerts", "send", "--config", str(config)]
    procs = [subprocess.Popen([str(BIN / a[0]), *a[1:]], cwd=tmp_path, env=server.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for a in concurrent_runs]
    procs.append(subprocess.Popen(alerts_cli, env={k: v for k, v in server.env.items() if k != "PREFECT_API_URL"},
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    names = [" ".join(a[:3]) for a in concurrent_runs] + ["radar alerts send"]
    outputs, took = [""] * len(procs), {}

    def finish(i: int) -> None:
        outputs[i] = procs[i].communicate(timeout=500)[0]
        took[names[i]] = round(time.monotonic() - started, 1)

    waiting = [threading.Thread(target=finish, args=(i,)) for i in range(len(procs))]
    for w in waiting:
        w.start()
    for w in waiting:
        w.join()
    concurrent_seconds = time.monotonic() - started
    stop_file.touch()
    read = json.loads(reader.communicate(timeout=60)[0].strip().splitlines()[-1])
    assert [p.returncode for p in procs] == [0] * len(procs), "\n\n".join(outputs)
    flush = server.run("radar", "run", "deliver-alerts/instant", timeout=300)  # what the first left for later
    assert "Completed" in flush.stdout, flush.stdout

    runs = server.api("POST", "/flow_runs/filter", json={}).json()
    groups = [r for r in runs if r["name"].count("-group-")]
    assert {r["state"]["type"] for r in runs} == {"COMPLETED"}, [(r["name"], r["state"]["name"]) for r in runs]
    for w in workers:
        stop(w)
    logs = [(server.home / f"worker-{i}.log").read_text(errors="replace") for i in (1, 2)]
    ran = [set(re.findall(r"submitting flow run '([0-9a-f-]{36})'", log))
           - set(re.findall(r"Aborted submission of flow run '([0-9a-f-]{36})'", log)) for log in logs]
    assert ran[0].isdisjoint(ran[1]) and ran[0] | ran[1] == {r["id"] for r in runs}, ran
    per_worker = [len(r) for r in ran]
    return {"concurrent phase seconds": round(concurrent_seconds, 1), "flow runs": len(runs),
            "run seconds": {r["name"]: round(r["total_run_time"], 1) for r in runs},
            "seconds until each command had ended": took,
            "group runs": len(groups), "runs per worker": per_worker, "reader queries": read["queries"],
            "reader errors": len(read["errors"]), "reader error texts": read["errors"][:3],
            "papers the reader saw grow through": read["papers_seen"]}


def test_the_readme_scale_out_block_is_what_the_concurrency_test_runs():
    commands = readme_scale_out_commands()
    assert sum(c.startswith(".venv/bin/prefect worker start --pool paper-radar --type process") for c in commands) == 2
    assert any(c.startswith(".venv/bin/radar run poll-newsletters/hourly") for c in commands)
    assert any(c.startswith(f".venv/bin/radar run backfill/manual -p start={START} -p end={END}") for c in commands)
    assert any(c.startswith(".venv/bin/radar deploy --config " + README_CONFIG) for c in commands)
    assert all(README_CONFIG in c for c in commands if c.startswith((".venv/bin/radar sql", ".venv/bin/radar setup")))
