"""Prefect flow `backfill`: a thin wrapper over flows/pipeline/backfill.py."""

from __future__ import annotations

from datetime import date

from prefect import flow

from config.settings import Settings
from flows.pipeline import backfill as pipeline
from flows.prefect_runtime import PrefectRuntime, flow_settings


@flow(name="backfill", log_prints=False)
def backfill(start: date, end: date, sources: list[str] | None = None, alert: bool = False,
             archive: str | None = None, config: str | None = None, settings: Settings | None = None) -> dict:
    """Backfill [start, end] (GMT days, inclusive) from arXiv and newsletters, checkpointed per day."""
    return pipeline.backfill(flow_settings(config, settings), PrefectRuntime(), start, end, sources=sources,
                             alert=alert, archive=archive)
