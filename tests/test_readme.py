"""The README's SQL section, run as written against a database loaded from the bundled demo."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from radar.sql import run_query
from tests.demo import save_demo

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo config's sources, extracted and saved the way a poll saves them (without Prefect)."""
    return save_demo(tmp_path_factory.mktemp("demo") / "radar.duckdb")


def readme_queries() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
    commands = re.findall(r"^\s*\.venv/bin/radar sql (\".*\")\s*$", README, flags=re.M)
    return blocks + [shlex.split(c)[0] for c in commands]


def test_readme_has_queries():
    assert len(readme_queries()) >= 2


@pytest.mark.parametrize("sql", readme_queries())
def test_readme_query_returns_rows_on_the_demo(demo_db, sql):
    columns, rows = run_query(demo_db, sql)
    assert columns and rows, sql
