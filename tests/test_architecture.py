"""The architecture as checked contracts (docs/architecture.md draws it):

* the import-linter contracts in pyproject.toml: the layer order (radar > flows > sources | extractors |
  storage | alerts > config | records, no package cycles), Prefect only in the CLI and flows' Prefect
  side, duckdb only in storage, no cycles between a package's modules;
* `radar --help`, `radar extract` and `radar sql` load no Prefect module (they stay quick), nor does
  `radar poll` without PREFECT_API_URL: it runs the pipeline in process, so no Prefect server can start;
* no block of 8 or more lines repeated between the project's modules (pylint's duplicate-code check;
  tests and the released migration texts aside).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ["radar", "flows", "sources", "extractors", "storage", "alerts", "config", "records", "benchmarks"]


def test_import_contracts_hold():
    proc = subprocess.run([str(BIN / "lint-imports"), "--no-cache", "--config", "pyproject.toml"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout and "4 kept" in proc.stdout, proc.stdout


# Runs each command in this one process, then lists the Prefect modules it loaded.
_COMMANDS = """
import json, sys
from radar.cli import app
loaded = {}
for args in json.loads(sys.argv[1]):
    try:
        app(args)
    except SystemExit as e:
        assert e.code in (0, None), (args, e.code)
    loaded[args[0]] = sorted(m for m in sys.modules if m == "prefect" or m.startswith("prefect."))
print(json.dumps(loaded))
"""


def test_help_extract_sql_and_a_serverless_poll_load_no_prefect(tmp_path):
    from tests.demo import save_demo

    db = save_demo(tmp_path / "radar.duckdb")
    config = tmp_path / "radar.toml"
    config.write_text(f'database = "{db}"\n', encoding="utf-8")
    demo = tmp_path / "demo-copy"
    shutil.copytree(ROOT / "demo", demo / "demo")
    shutil.copy(ROOT / "radar.toml", demo / "radar.toml")
    commands = [["--help"], ["extract", str(ROOT / "demo/feeds/sparse_gradients.xml")],
                ["sql", "SELECT count(*) FROM papers_overview", "--config", str(config)],
                ["poll", "--config", str(demo / "radar.toml")]]
    home = tmp_path / "prefect-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-c", _COMMANDS, json.dumps(commands)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == {"--help": [], "extract": [], "sql": [], "poll": []}
    assert '"papers"' in proc.stdout and "13" in proc.stdout  # extract printed its JSON, sql its count
    assert "Rows added: documents 5" in proc.stdout  # the poll ran
    assert list(home.iterdir()) == []  # and no Prefect server ever made its database there


def test_no_duplicated_blocks_outside_tests_and_migrations():
    proc = subprocess.run([sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code",
                           "--min-similarity-lines=8", "--score=n", *PACKAGES], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "R0801" not in proc.stdout, proc.stdout + proc.stderr
