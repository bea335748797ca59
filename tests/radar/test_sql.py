"""`radar sql`: read-only queries on the sample database, the four output formats, and one-line errors; on both
backends (the lake named by a [storage] section), with time travel (`--at`), `--snapshots` and `--setup`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.settings import load_settings
from radar.sql import EXAMPLES, OutputFormat, QueryError, render, run_query, sql_app
from storage.db import open_db
from storage.newsletters import save_extractions
from storage.snapshot import publish_snapshot, snapshot_dir_for
from tests.backends import BACKENDS, new_lake
from tests.storage.sample import SWE, extractions, make_sample_db

COLUMNS = ["arxiv_id", "n", "seen", "sources", "note"]
ROWS = [("2310.06770", 3, datetime(2025, 11, 4, 7, tzinfo=UTC), ["a", "b"], 'pipe | and "quotes"'),
        ("2403.08295", 1, None, [], None)]


@pytest.fixture(scope="module", params=BACKENDS)
def config(request, tmp_path_factory, postgres) -> Path:
    folder = tmp_path_factory.mktemp("sql")
    storage = ""
    if request.param == "duckdb":
        make_sample_db(folder / "radar.duckdb")
    else:
        lake = make_sample_db(new_lake(postgres.get(), folder))  # its data in folder/lake-data/
        storage = f'\n[storage]\nbackend = "ducklake"\ncatalog = "{lake.catalog}"\ndata_path = "lake-data/"\n'
    (folder / "radar.toml").write_text('database = "radar.duckdb"\nlock_wait_seconds = 1\n' + storage)
    return folder / "radar.toml"


def store(config: Path):
    return load_settings(config).store


def invoke(*args: str):
    return CliRunner().invoke(sql_app, list(args), catch_exceptions=False)


def test_run_query_reads_the_views(config):
    columns, rows = run_query(store(config), "SELECT arxiv_id, n_sources FROM trending LIMIT ?",
                              params=[1])
    assert columns == ["arxiv_id", "n_sources"] and rows == [(SWE, 3)]


@pytest.mark.parametrize("sql, expected", [
    ("SELEC 1", ['Parser Error: syntax error at or near "SELEC" at line 1 in query: SELEC 1']),
    ("-- a comment\nSELECT nope\nFROM papers",  # the query's first line, comments skipped
     ['Binder Error: Referenced column "nope" not found', "at line 2 in query: SELECT nope"]),
    ("DELETE FROM papers", ["read-only: `radar sql` cannot change the database (DELETE refused)"]),
    ("CREATE TABLE x (a INT)", ["(CREATE refused) in query: CREATE TABLE x (a INT)"]),
    ("   ", ["empty query"]),
])
def test_errors_are_one_clear_line(config, sql, expected):
    with pytest.raises(QueryError) as info:
        run_query(store(config), sql)
    assert all(part in str(info.value) for part in expected), str(info.value)
    assert "\n" not in str(info.value)


def test_render_json_is_a_list_of_objects_with_iso_dates():
    assert json.loads(render(COLUMNS, ROWS, "json")) == [
        {"arxiv_id": "2310.06770", "n": 3, "seen": "2025-11-04T07:00:00+00:00", "sources": ["a", "b"],
         "note": 'pipe | and "quotes"'},
        {"arxiv_id": "2403.08295", "n": 1, "seen": None, "sources": [], "note": None},
    ]


def test_render_csv_and_markdown():
    parsed = list(csv.reader(io.StringIO(render(COLUMNS, ROWS, OutputFormat.csv))))
    assert parsed[0] == COLUMNS and parsed[1] == ["2310.06770", "3", "2025-11-04T07:00:00+00:00", '["a", "b"]',
                                                  'pipe | and "quotes"']
    assert parsed[2][2] == "" and parsed[2][3] == "[]"
    markdown = render(COLUMNS, ROWS, "markdown").splitlines()
    assert markdown[0] == "| arxiv_id | n | seen | sources | note |" and markdown[1] == "|---|---|---|---|---|"
    assert markdown[2].endswith('| pipe \\| and "quotes" |')


def test_render_table_shortens_long_values():
    text = render(["body"], [("x" * 1000,)], "table", width=400)
    assert "x" * 199 + "…" in text and "x" * 200 not in text and "1 row" in text


def test_command_formats(config):
    result = invoke("SELECT arxiv_id, n_sources, sources FROM trending ORDER BY n_sources DESC LIMIT 1",
                    "--format", "json", "--config", str(config))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [{"arxiv_id": SWE, "n_sources": 3,
                                          "sources": ["import-ai", "llm-watch", "tensor-tuesday"]}]
    table = invoke("SELECT status FROM source_health", "-c", str(config))
    assert "never succeeded" in table.stdout and "6 rows" in table.stdout


def test_command_reads_a_file_and_rejects_ambiguity(config, tmp_path):
    query = tmp_path / "q.sql"
    query.write_text("-- stale feeds\nSELECT name FROM source_health WHERE status = 'stale';\n")
    result = invoke("--file", str(query), "-f", "csv", "-c", str(config))
    assert result.stdout == "name\nquiet-weekly\n"
    both = invoke("SELECT 1", "--file", str(query), "-c", str(config))
    assert both.exit_code == 2 and "not both" in both.stderr


def test_every_example_runs(config):
    listing = invoke("--examples")
    assert listing.exit_code == 0
    for example in EXAMPLES:
        assert f"-- {example.name}: {example.description}\n{example.sql}" in listing.stdout
        run_query(store(config), example.sql)


def test_examples_return_rows_on_the_sample(config):
    results = {e.name: run_query(store(config), e.sql)[1] for e in EXAMPLES}
    assert [r[0] for r in results["trending"]] == [SWE]
    assert results["best-scores"][0][:3] == ("MMLU", 64.3, None) and results["best-scores"][1][1] == 49.0
    assert {r[0] for r in results["stale-sources"]} == {"model-notes", "quiet-weekly", "gone-dark"}


def test_a_user_error_is_one_line_on_stderr_without_traceback(config):
    proc = subprocess.run(
        [sys.executable, "-c", "from radar.sql import sql_app; sql_app()", "SELECT * FROM nowhere",
         "--config", str(config)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: Catalog Error: Table with name nowhere does not exist!")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_a_missing_database_says_to_poll_first(tmp_path):
    (tmp_path / "radar.toml").write_text('database = "none.duckdb"\n')
    result = invoke("SELECT 1", "-c", str(tmp_path / "radar.toml"))
    assert result.exit_code == 2 and "no database yet (run `radar poll` first)" in result.stderr


def test_the_query_leaves_the_file_to_the_writer(config):
    run_query(store(config), "SELECT count(*) FROM papers")
    with open_db(store(config), lock_wait_seconds=0) as conn:  # read-write open succeeds: nothing held
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 4


def test_at_reads_a_past_state_that_snapshots_lists(backend, tmp_path):
    """A lake: a snapshot id from `--snapshots`; the embedded file: a retained read snapshot's name."""
    db = tmp_path / "radar.duckdb"
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n')
    with open_db(backend.store(db)) as conn:
        save_extractions(conn, extractions()[:1], fetched_at=datetime.now(UTC))
        publish_snapshot(conn, backend.store(db), snapshot_dir_for(db))
    listed = json.loads(invoke("--snapshots", "-f", "json", "-c", str(config)).stdout)
    past = str(listed[0]["snapshot_id" if backend.lake else "snapshot"])
    with open_db(backend.store(db)) as conn:
        save_extractions(conn, extractions()[1:], fetched_at=datetime.now(UTC))
    now = invoke("SELECT count(*) AS n FROM documents", "-f", "csv", "-c", str(config))
    then = invoke("SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM papers_overview) AS p",
                  "--at", past, "-f", "csv", "-c", str(config))
    assert now.stdout == f"n\n{len(extractions())}\n"
    assert then.exit_code == 0, then.stderr
    documents, papers = then.stdout.splitlines()[1].split(",")
    assert documents == "1" and int(papers) > 0
    missing = invoke("SELECT 1", "--at", "424242" if backend.lake else "snapshot-nope", "-c", str(config))
    assert missing.exit_code == 2 and "--snapshots" in missing.stderr


def test_setup_opens_the_store_read_only_in_a_plain_duckdb_session(backend, tmp_path):
    """What a notebook runs: the printed statements, then any query, format_metric and trending_since included."""
    db = tmp_path / "radar.duckdb"
    make_sample_db(backend.store(db))
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n')
    script = invoke("--setup", "-c", str(config)).stdout
    notebook = ("import sys, duckdb; con = duckdb.connect(); con.execute(sys.stdin.read()); "
                "print(con.execute(\"SELECT arxiv_id, format_metric(3.0, 'x', 'up to') FROM trending LIMIT 1\")"
                ".fetchall(), con.execute('SELECT count(*) FROM trending_since(30)').fetchone()[0])")
    proc = subprocess.run([sys.executable, "-c", notebook], input=script, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"[('{SWE}', 'up to 3x')] 4"
