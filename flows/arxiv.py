"""Prefect flows `poll-arxiv` and `enrich-arxiv`: thin wrappers over flows/pipeline/arxiv.py.

A run whose arXiv requests got nothing done (every query failed; no lookup succeeded) ends Failed,
after its report artifact says what was sent and the last error.
"""

from __future__ import annotations

from prefect import flow

from config.settings import Settings
from flows.pipeline import arxiv
from flows.pipeline.report import raise_if_failed
from flows.prefect_runtime import PrefectRuntime, flow_settings


@flow(name="poll-arxiv", log_prints=False)
def poll_arxiv(config: str | None = None, settings: Settings | None = None) -> dict:
    """Fetch what is new for every enabled arXiv query, save it, and check sources for silent misses."""
    return raise_if_failed(arxiv.poll_arxiv(flow_settings(config, settings), PrefectRuntime()), "arXiv poll")


@flow(name="enrich-arxiv", log_prints=False)
def enrich_arxiv(config: str | None = None, settings: Settings | None = None) -> dict:
    """arXiv metadata for papers newsletters named; ids arXiv does not know are marked and rested."""
    return raise_if_failed(arxiv.enrich_arxiv(flow_settings(config, settings), PrefectRuntime()), "arXiv enrichment")
