"""`radar arxiv setup`: the arXiv rate limit on a Prefect server.

The arXiv rate limit is a Prefect global concurrency limit with one slot whose slot decays
in `delay_seconds`, which every process's arXiv client takes before each request, so that two flows
running at once still send one request every 3 s. Without a Prefect API (`PREFECT_API_URL` unset)
there is nothing to set up: each process's own limiter applies.
"""

from __future__ import annotations

import logging

from config.arxiv import ArxivSettings

log = logging.getLogger(__name__)


def prefect_api_configured() -> bool:
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def ensure_arxiv_rate_limit(settings: ArxivSettings) -> str:
    """Create the arXiv rate limit on the Prefect server when missing; say what was done."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

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


def arxiv_rate_limit(settings: ArxivSettings) -> str | None:
    """The Prefect rate limit the arXiv client should take, or None (no API, disabled, or not set up)."""
    if not settings.rate_limit_name or not prefect_api_configured():
        return None
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(settings.rate_limit_name)
    except ObjectNotFound:
        _logger().warning("Prefect rate limit %r is missing (run `radar arxiv setup`): only this process's "
                          "limiter applies", settings.rate_limit_name)
        return None
    return settings.rate_limit_name


def _logger() -> logging.Logger | logging.LoggerAdapter:
    """The flow run's logger inside a run (so the warning shows in the Prefect UI), else this module's."""
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return log
