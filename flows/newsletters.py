"""Prefect flow `poll-newsletters`: a thin wrapper over flows/pipeline/newsletters.py."""

from __future__ import annotations

from prefect import flow

from config.settings import Settings
from flows.pipeline import newsletters
from flows.prefect_runtime import PrefectRuntime, flow_settings


@flow(name="poll-newsletters", log_prints=False)
def poll_newsletters(config: str | None = None, settings: Settings | None = None) -> dict:
    """Fetch every enabled source, extract papers, code links and metrics, and save them to DuckDB.

    `config` is the config file's path (`radar deploy --config` sets it on every deployment); `settings`,
    already loaded, spares loading it twice.
    """
    return newsletters.poll_newsletters(flow_settings(config, settings), PrefectRuntime())
