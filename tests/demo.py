"""The bundled demo newsletters (radar.toml's sources) as a database, saved the way a poll saves them
but without Prefect: for tests that need realistic rows quickly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from config.settings import load_settings
from extractors import extract_items, parse_document_bytes
from sources.local import read_path
from storage.db import open_db
from storage.newsletters import Extraction, save_extractions

ROOT = Path(__file__).resolve().parents[1]


def save_demo(db: Path) -> Path:
    extractions = []
    for source in load_settings(ROOT / "radar.toml").sources:
        for fetched in read_path(source.path, source=source.name):
            for doc in parse_document_bytes(fetched.content, fetched.url, fetched.content_type, source=source.name):
                extractions.append(Extraction(doc, tuple(extract_items(doc))))
    with open_db(db) as conn:
        save_extractions(conn, extractions, fetched_at=datetime.now(UTC))
    return db
