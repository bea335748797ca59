"""arXiv cases (`radar arxiv poll`, `radar backfill`): one bad query beside a good one on the fake API.

The fake (tests/arxiv_api.FakeArxiv, real HTTP on 127.0.0.1) answers the good query `cat:cs.CL` with
three papers, two a page; every request for the bad query `cat:bad.XX` gets the case's misbehaviour
(tests/reliability/servers.bad_arxiv_reply: `error_entry`, `empty_page`, `too_many_long`,
`unavailable`, `garbage`), named by the input file. Queries have no `source_health` row (that view
is the newsletters'): their state is `arxiv_cursors` (a poll) and `backfill_checkpoints` (a
backfill), and neither may move for the bad query; the error must be in the run summary, naming it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from tests.arxiv_api import paper
from tests.httpserver import LocalServer
from tests.reliability.cli import run_radar
from tests.reliability.corpus import Case
from tests.reliability.outcome import Outcome, lost, normalise, rows, summary_entries
from tests.reliability.servers import BadQueryArxiv

DAY = date(2025, 11, 3)
GOOD_PAPERS = [paper(f"2511.0000{n}", day=DAY, minute=n, title=f"Good paper {n}") for n in (1, 2, 3)]
BAD_PAPERS = [paper(f"2511.0001{n}", day=DAY, minute=n, title=f"Bad query's paper {n}") for n in (1, 2, 3)]


def arxiv_config(folder: Path, api_url: str, queries: list[str]) -> Path:
    config = folder / "radar.toml"
    text = (f'database = "{folder / "radar.duckdb"}"\nlock_wait_seconds = 10\n\n[arxiv]\napi_url = "{api_url}"\n'
            'delay_seconds = 0\nbackoff_seconds = 0.01\nmax_backoff_seconds = 5\nretries = 1\ntimeout_seconds = 5\n'
            'rate_limit_name = ""\npage_size = 2\n')
    for name in queries:
        text += f'\n[[arxiv.queries]]\nname = "{name}"\nquery = "{"cat:cs.CL" if name == "good" else "cat:bad.XX"}"\n'
    config.write_text(text, encoding="utf-8")
    return config


def command(case_command: str, config: Path) -> list[str]:
    if case_command == "backfill":
        return ["backfill", "--from", DAY.isoformat(), "--to", DAY.isoformat(), "--source", "arxiv",
                "--config", str(config)]
    return ["arxiv", "poll", "--config", str(config)]


def papers(db: Path) -> Counter:
    return Counter(rows(db, "SELECT arxiv_id, latest_version, title, abstract, CAST(authors AS VARCHAR), "
                            "CAST(categories AS VARCHAR) FROM papers"))


def arxiv_reference(folder: Path, case_command: str) -> Counter:
    with LocalServer() as server:
        api = BadQueryArxiv(server, "bad.XX", "unavailable")
        api.add(*GOOD_PAPERS, query="cat:cs.CL")
        ran = run_radar(command(case_command, arxiv_config(folder, api.url, ["good"])), cwd=folder)
    assert ran.exit == 0 and not ran.traceback, ran.output
    found = papers(folder / "radar.duckdb")
    assert len(found) == len(GOOD_PAPERS), found
    return found


def run_arxiv_case(case: Case, folder: Path, data: bytes, references, outcome: Outcome) -> None:
    behaviour = data.decode().strip()
    with LocalServer() as server:
        api = BadQueryArxiv(server, "bad.XX", behaviour)
        api.add(*GOOD_PAPERS, query="cat:cs.CL")
        api.add(*BAD_PAPERS, query="cat:bad.XX")
        ran = run_radar(command(case.command, arxiv_config(folder, api.url, ["bad", "good"])), cwd=folder)
        outcome.check_run(ran)
        outcome.check(api.bad_requests <= case.options.get("max_bad_requests", 2),
                      f"{api.bad_requests} requests for the bad query (at most the retries allow)")
    db = folder / "radar.duckdb"
    outcome.rows_lost += lost(references.get(f"arxiv-{case.command}"), papers(db))
    failed = next(iter(summary_entries(ran.stderr, "failed:")), "")
    outcome.check_words(failed, ["bad", *case.error], "the run's failed line")
    if case.command == "arxiv":
        cursors = dict(rows(db, "SELECT query_name, newest_updated_at FROM arxiv_cursors"))
        outcome.check("bad" not in cursors and cursors.get("good") is not None, f"arxiv_cursors: {cursors}")
    else:
        done = rows(db, "SELECT query_name FROM backfill_checkpoints")
        outcome.check(done == [("good",)], f"backfill_checkpoints: {done}")
    outcome.observed = normalise(f"exit {ran.exit}; {len(papers(db))} papers saved; {failed}", folder)[:300]
