"""The `radar` command as a user runs it: a subprocess, real files, real output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RADAR = Path(sys.executable).with_name("radar")


def radar(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    # A temporary local Prefect server per command, as a new user gets; its home outside the repo.
    home = tempfile.mkdtemp(prefix="radar-cli-prefect-")
    full_env = {**os.environ, "PREFECT_HOME": home, **(env or {})}
    full_env.pop("PREFECT_SERVER_ANALYTICS_ENABLED", None)  # as a user's shell has it: unset
    return subprocess.run([str(RADAR), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)


def test_extract_json_stdout_is_only_json():
    proc = radar("extract", str(ROOT / "demo/feeds/sparse_gradients.xml"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    items = [i for d in data["documents"] for i in d["items"]]
    papers = {p for i in items for p in i["papers"]}
    assert {"2305.18290", "2302.04761", "2201.11903", "2203.11171", "2305.10601"} <= papers
    dpo = next(i for i in items if "2305.18290" in i["papers"])
    assert dpo["code"] == ["https://github.com/eric-mitchell/direct-preference-optimization"]
    assert all(isinstance(m["value"], float) and m["unit"] for i in items for m in i["metrics"])


def test_extract_table_and_folder():
    proc = radar("extract", str(ROOT / "demo/mail"), "--format", "table", env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "2310.06770" in proc.stdout and "github.com/SWE-bench/SWE-bench" in proc.stdout


def test_extract_missing_file_is_one_clear_line():
    proc = radar("extract", "/nonexistent/feed.xml")
    assert proc.returncode == 2
    assert "/nonexistent/feed.xml" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_config_names_file_and_key(tmp_path):
    config = tmp_path / "radar.toml"
    config.write_text('[[sources]]\nname = "x"\nkind = "feed"\nurl = "gopher://x"\n')
    proc = radar("poll", "--config", str(config))
    assert proc.returncode == 2
    assert str(config) in proc.stderr and "sources[0].url" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_demo_poll_twice_second_adds_nothing(tmp_path):
    """The Quick start's main job, on a copy of the shipped config and demo data."""
    shutil.copy(ROOT / "radar.toml", tmp_path / "radar.toml")
    shutil.copytree(ROOT / "demo", tmp_path / "demo")
    first = radar("poll", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "sparse-gradients" in first.stdout and "Rows added:" in first.stdout
    assert "Traceback" not in first.stderr and "Error" not in first.stderr
    second = radar("poll", cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Nothing new: 0 rows added in every table." in second.stdout
    assert "Traceback" not in second.stderr
    assert (tmp_path / "data" / "radar.duckdb").is_file()


def test_error_messages_keep_their_brackets(tmp_path):
    """TOML keys such as [[alerts.channels]] in an error must reach the user as written, not as markup."""
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n')
    proc = radar("alerts", "preview", "--config", str(config))
    assert proc.returncode == 2
    assert "[[alerts.channels]]" in proc.stderr and "Traceback" not in proc.stderr
