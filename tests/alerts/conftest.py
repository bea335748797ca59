"""Fixtures for alert tests: a sample database per test, the Slack fake, SMTP servers, a config writer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from tests.alerts.fakes import TOKEN, FakeSlack, SmtpServer, slack_channel_toml
from tests.demo import save_demo
from tests.storage.sample import make_sample_db


@pytest.fixture(scope="session")
def sample_alert_db(tmp_path_factory) -> Path:
    return make_sample_db(tmp_path_factory.mktemp("alerts-sample") / "radar.duckdb")


@pytest.fixture(scope="session")
def demo_alert_db(tmp_path_factory) -> Path:
    """The bundled demo newsletters (radar.toml's sources), saved as a regular poll saves them."""
    return save_demo(tmp_path_factory.mktemp("alerts-demo") / "radar.duckdb")


@pytest.fixture
def db(tmp_path, sample_alert_db) -> Path:
    """A private copy of the sample week (every document ingested by a regular poll)."""
    return Path(shutil.copy(sample_alert_db, tmp_path / "radar.duckdb"))


@pytest.fixture
def slack(http_server, monkeypatch) -> FakeSlack:
    fake = FakeSlack(http_server)
    monkeypatch.setenv("RADAR_TEST_SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("RADAR_TEST_WEBHOOK", fake.webhook_url)
    return fake


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


ROOT = Path(__file__).resolve().parents[2]

RULES = """
[[alerts.rules]]
name = "swe-agents"
keywords = ["SWE-bench"]
routes = {routes}
"""


def channels_toml(slack: FakeSlack | None = None, smtp_port: int | None = None) -> str:
    parts = []
    if slack is not None:
        parts.append(slack_channel_toml(slack, "RADAR_TEST_SLACK_TOKEN") + """
[[alerts.channels]]
name = "hook"
kind = "slack_webhook"
webhook_url = {env = "RADAR_TEST_WEBHOOK"}
timeout_seconds = 5
""")
    if smtp_port is not None:
        parts.append(f"""
[[alerts.channels]]
name = "mail"
kind = "email"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
security = "plain"
from = "Paper Radar <radar@example.org>"
to = ["team@example.org"]
timeout_seconds = 5
""")
    return "\n".join(parts)


FIXTURES = Path(__file__).with_name("fixtures")


def save_files(db: Path, *files: Path) -> Path:
    """Newsletter files parsed, extracted and saved as a regular poll saves them (ingest mode `poll`)."""
    import logging
    from datetime import UTC, datetime

    from flows.pipeline.extract import extract_documents, parse_any
    from sources.local import read_path
    from storage.db import open_db
    from storage.newsletters import save_extractions

    documents = [d for f in files for d in parse_any(read_path(f, source=f.stem), f.stem.replace("_", "-"))]
    extracted = extract_documents(documents, logging.getLogger(__name__))
    with open_db(db) as conn:
        save_extractions(conn, extracted.extractions, fetched_at=datetime.now(UTC))
    return db


@pytest.fixture(scope="session")
def ten_paper_db(tmp_path_factory) -> Path:
    """One Korean issue of ten papers (tests/alerts/fixtures/tensor_weekly_ko_12.xml) and a second newsletter
    that mentions three of them."""
    return save_files(tmp_path_factory.mktemp("ten-papers") / "radar.duckdb",
                      FIXTURES / "tensor_weekly_ko_12.xml", FIXTURES / "side_notes_7.xml")


def enriched_demo(tmp_path: Path, demo_db: Path, http_server, body: str) -> Settings:
    """Settings for a copy of the demo database whose papers the behaviour snapshot's fake arXiv knows
    (tests/behaviour.py) have been enriched with their abstracts, plus the config `body` (channels, rules)."""
    from flows.pipeline.arxiv import enrich_arxiv
    from flows.pipeline.runtime import PlainRuntime
    from tests.arxiv_api import FakeArxiv
    from tests.behaviour import arxiv_papers

    db = Path(shutil.copy(demo_db, tmp_path / "demo.duckdb"))
    api = FakeArxiv(http_server)
    api.add(*arxiv_papers()["demo-papers"], query="demo-papers")
    config = write_config(tmp_path, db, body)
    config.write_text(config.read_text(encoding="utf-8") + f'[arxiv]\napi_url = "{api.url}"\nenrich = true\n'
                      'delay_seconds = 0\nbackoff_seconds = 0.01\nretries = 1\nrate_limit_name = ""\n',
                      encoding="utf-8")
    settings = load_settings(config)
    assert enrich_arxiv(settings, PlainRuntime())["found"] == 3
    return settings


def write_config(tmp_path: Path, db: Path, body: str, *, head: str = "") -> Path:
    config = tmp_path / "radar.toml"
    config.write_text(f'database = "{db}"\nlock_wait_seconds = 5\n\n[alerts]\nmax_attempts = 3\n{head}\n{body}\n',
                      encoding="utf-8")
    return config


def settings_for(tmp_path: Path, db: Path, body: str, *, head: str = "") -> Settings:
    return load_settings(write_config(tmp_path, db, body, head=head))
