"""Prefect setup: the server objects the flows use, created by `radar setup`, looked up by the flows.

* The arXiv rate limit (`[arxiv] rate_limit_name`, default `arxiv-api`): a global concurrency limit
  with one slot decaying in `delay_seconds`, taken before each arXiv request by every process, so that
  two flows running at once still send one request every 3 s.
* The process work pools prefect.yaml names.

`ensure_server_objects` and `ensure_arxiv_rate_limit` create what is missing and never change what
exists, so running `radar setup` again is harmless. Without a Prefect API (`PREFECT_API_URL` unset)
there is nothing to set up: each process's own limiter applies.
"""

from __future__ import annotations

import logging

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL

from config.arxiv import ArxivSettings

log = logging.getLogger(__name__)

def prefect_api_configured() -> bool:
    return bool(PREFECT_API_URL.value())


def ensure_server_objects(pools: set[str]) -> list[str]:
    """Create the work pools where missing; return what was created."""
    created = []
    with get_client(sync_client=True) as client:
        for pool in sorted(pools):
            try:
                client.read_work_pool(pool)
            except ObjectNotFound:
                client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
                created.append(f"work pool {pool} (process)")
    return created


def ensure_arxiv_rate_limit(settings: ArxivSettings) -> str:
    """Create the arXiv rate limit on the Prefect server when missing; say what was done."""
    name = settings.rate_limit_name
    if not name:
        return "arXiv rate limit: disabled in the config (rate_limit_name = \"\")"
    if not prefect_api_configured():
        return "arXiv rate limit: no Prefect API configured (PREFECT_API_URL): each process limits itself"
    decay = 1.0 / settings.delay_seconds if settings.delay_seconds > 0 else 1000.0
    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(name)
            return (f"arXiv rate limit {name!r}: exists (limit {limit.limit}, "
                    f"slot decay {limit.slot_decay_per_second:g}/s)")
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=decay))
            return f"arXiv rate limit {name!r}: created (limit 1, slot decay {decay:.3g}/s)"


def arxiv_rate_limit(settings: ArxivSettings, logger: logging.Logger | logging.LoggerAdapter = log) -> str | None:
    """The Prefect rate limit arXiv requests should take, or None (no API, disabled, or not set up)."""
    if not settings.rate_limit_name or not prefect_api_configured():
        return None
    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(settings.rate_limit_name)
    except ObjectNotFound:
        logger.warning("Prefect rate limit %r is missing (run `radar setup`): only this process's "
                       "limiter applies", settings.rate_limit_name)
        return None
    return settings.rate_limit_name
