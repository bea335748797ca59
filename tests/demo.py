"""The bundled demo newsletters (radar.toml's sources) as a database, saved the way a poll saves them
but without Prefect and with every document in ingest mode `poll` (alertable): for tests that need
realistic rows quickly."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from config.settings import load_settings
from flows.pipeline.extract import extract_documents, parse_any
from sources.local import read_path
from storage.db import open_db
from storage.newsletters import save_extractions

ROOT = Path(__file__).resolve().parents[1]


def save_demo(db: Path, *, leave_out: tuple[str, ...] = ()) -> Path:
    """`leave_out`: sources (by name) not saved, for a later poll to add."""
    documents = [d for source in load_settings(ROOT / "radar.toml").sources if source.name not in leave_out
                 for d in parse_any(read_path(source.path, source=source.name), source.name)]
    extracted = extract_documents(documents, logging.getLogger(__name__))
    with open_db(db) as conn:
        save_extractions(conn, extracted.extractions, fetched_at=datetime.now(UTC))
    return db
