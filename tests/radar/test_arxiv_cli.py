"""`radar arxiv ...` and `radar backfill` mistakes a user can make: one clear line, no traceback, no Prefect."""

from __future__ import annotations

from tests.radar.test_cli import radar


def test_backfill_rejects_a_bad_date():
    proc = radar("backfill", "--from", "2025-13-01", "--to", "2025-11-07")
    assert proc.returncode == 2
    assert "2025-13-01" in proc.stderr and "Traceback" not in proc.stderr


def test_arxiv_poll_without_queries_says_so(tmp_path):
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n', encoding="utf-8")
    proc = radar("arxiv", "poll", "--config", str(config))
    assert proc.returncode == 2 and "no [[arxiv.queries]] configured" in proc.stderr


def test_a_too_short_delay_against_arxiv_is_a_config_error(tmp_path):
    config = tmp_path / "radar.toml"
    config.write_text('[arxiv]\ndelay_seconds = 1\n', encoding="utf-8")
    proc = radar("arxiv", "enrich", "--config", str(config))
    assert proc.returncode == 2 and "arxiv: delay_seconds must be at least 3" in proc.stderr
    assert "Traceback" not in proc.stderr
