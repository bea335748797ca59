"""Issue 14 defect 8e: a source's expected errors (an HTTP error, a malformed feed, a timeout) are one
clear line each, with no traceback: in a Prefect flow run's log (read back from the session's API)
and on the stderr of `radar poll` run in this process."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.newsletters import poll_newsletters
from radar.cli import app
from tests.flows.test_run_logs import run_logs

DEMO = Path(__file__).resolve().parents[2] / "demo"
FAILING = ("missing", "junk", "slow")


def config_with_failing_sources(tmp_path: Path, server) -> Path:
    server.route("/sparse.xml", (DEMO / "feeds/sparse_gradients.xml").read_bytes(),
                 headers={"Content-Type": "application/rss+xml"})
    server.route("/junk.xml", b"<html><body>Service unavailable</body></html>",
                 headers={"Content-Type": "application/rss+xml"})
    server.route("/slow.xml", b"late", delay=3.0)
    sources = {"sparse": "/sparse.xml", "missing": "/gone.xml", "junk": "/junk.xml", "slow": "/slow.xml"}
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n[fetch]\ntimeout_seconds = 1\nretries = 0\n' + "".join(
        f'[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "{server.url(path)}"\n' for name, path in sources.items()),
        encoding="utf-8")
    return config


def test_expected_source_errors_are_one_line_without_a_traceback_in_the_flow_run_log(tmp_path, http_server):
    state = poll_newsletters(config=str(config_with_failing_sources(tmp_path, http_server)), return_state=True)
    assert state.is_completed()
    logs = run_logs(state)
    assert not [line for line in logs if "Traceback" in line], "\n".join(logs)
    for name in FAILING:
        [line] = [line for line in logs if f"source {name} failed" in line]
        assert "\n" not in line.strip(), line


def test_expected_source_errors_are_one_line_without_a_traceback_in_process(tmp_path, http_server, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(app, ["poll", "--config", str(config_with_failing_sources(tmp_path, http_server))],
                                env={"COLUMNS": "400"})
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr, result.stderr
    for name in FAILING:
        assert len([line for line in result.stderr.splitlines() if f"source {name} failed" in line]) == 1
