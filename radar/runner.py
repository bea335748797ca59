"""Running the pipeline from the CLI, in this process.

`run_poll` runs the Prefect flow (against PREFECT_API_URL when set, else a temporary local server
that Prefect starts and stops). `run_reextract` needs no network and no Prefect: it re-runs the
extractors on the raw documents already stored and replaces their rows.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from config.settings import Settings
from extractors import extract_items
from storage.db import open_db
from storage.newsletters import Extraction, load_documents, save_extractions, table_counts

log = logging.getLogger(__name__)


def prepare_local_prefect() -> None:
    """Settings for the temporary Prefect server a CLI run starts when PREFECT_API_URL is unset.

    Call before importing prefect. Its telemetry heartbeat races the run for its SQLite file and its
    event recorder is cancelled mid-flush at shutdown: both log tracebacks ("database is locked",
    "Error flushing ... events") that say nothing about the run, so the temporary server's own
    logger only reports critical errors. Its default 20 s start-up allowance is too short on a busy
    2-core machine. Explicit settings in the environment win.
    """
    if os.environ.get("PREFECT_API_URL"):
        return
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def run_poll(settings: Settings) -> dict:
    prepare_local_prefect()
    from flows.newsletters import poll_newsletters

    return poll_newsletters(config=str(settings.config_file))


def run_reextract(settings: Settings, source: str | None = None) -> dict:
    """Re-extract stored documents; return row counts per table before and after, and skipped keys."""
    if source is not None:
        settings.source(source)  # an unknown name is a config error, not an empty run
    with open_db(settings.database) as conn:
        documents = load_documents(conn, source)
        extractions, skipped = [], []
        for doc in documents:
            try:
                extractions.append(Extraction(doc, tuple(extract_items(doc))))
            except Exception as e:  # keep the stored rows of a document the extractor now chokes on
                log.warning("skipped %s/%s: %s: %s", doc.source, doc.key, type(e).__name__, e)
                skipped.append(f"{doc.source}/{doc.key}")
        before = table_counts(conn)
        save_extractions(conn, extractions, fetched_at=datetime.now(UTC), replace_unchanged=True)
        after = table_counts(conn)
    return {"documents": len(documents), "before": before, "after": after, "skipped": skipped}
