"""Prefect flows `poll-arxiv` and `enrich-arxiv`: thin wrappers over flows/pipeline/arxiv.py."""

from __future__ import annotations

from prefect import flow

from config.settings import Settings, load_settings
from flows.pipeline import arxiv
from flows.prefect_runtime import PrefectRuntime


@flow(name="poll-arxiv", log_prints=False)
def poll_arxiv(config: str | None = None, settings: Settings | None = None) -> dict:
    """Fetch what is new for every enabled arXiv query, save it, and check sources for silent misses."""
    return arxiv.poll_arxiv(settings or load_settings(config), PrefectRuntime())


@flow(name="enrich-arxiv", log_prints=False)
def enrich_arxiv(config: str | None = None, settings: Settings | None = None) -> dict:
    """arXiv metadata for papers newsletters named; ids arXiv does not know are marked and rested."""
    return arxiv.enrich_arxiv(settings or load_settings(config), PrefectRuntime())
