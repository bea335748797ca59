"""The README's SQL section, run as written against a database loaded from the bundled demo."""

from __future__ import annotations

import re
import shlex
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors import extract_items, parse_document_bytes
from radar.settings import load_settings
from radar.sql import run_query
from sources.local import read_path
from storage.db import open_db
from storage.newsletters import Extraction, save_extractions

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo config's sources, extracted and saved the way a poll saves them (without Prefect)."""
    db = tmp_path_factory.mktemp("demo") / "radar.duckdb"
    extractions = []
    for source in load_settings(ROOT / "radar.toml").sources:
        for fetched in read_path(source.path, source=source.name):
            for doc in parse_document_bytes(fetched.content, fetched.url, fetched.content_type, source=source.name):
                extractions.append(Extraction(doc, tuple(extract_items(doc))))
    with open_db(db) as conn:
        save_extractions(conn, extractions, fetched_at=datetime.now(UTC))
    return db


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
