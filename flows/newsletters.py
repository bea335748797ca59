"""Prefect flows `poll-newsletters` and `poll-newsletter-group`: thin wrappers over
flows/pipeline/newsletters.py, and the poll's fan-out over a work pool (flows/fanout.py).

A deployed `poll-newsletters` run whose config has more enabled sources than `[prefect]
poll_group_size` fans out: one `poll-newsletter-group/group` run per group, on any worker of the
pool, waited for and reported as one poll. Otherwise (one group, a flow called from the CLI, or no
group deployment on the server) it polls every source itself, as it always did.
"""

from __future__ import annotations

from prefect import flow
from prefect.runtime import deployment

from config.settings import Settings
from flows import fanout
from flows.pipeline import newsletters
from flows.pipeline.fanout import for_sources, source_groups
from flows.prefect_runtime import PrefectRuntime, flow_settings


@flow(name="poll-newsletters", log_prints=False)
def poll_newsletters(config: str | None = None, settings: Settings | None = None) -> dict:
    """Fetch every enabled source, extract papers, code links and metrics, and save them to DuckDB.

    `config` is the config file's path (`radar deploy --config` sets it on every deployment); `settings`,
    already loaded, spares loading it twice.
    """
    settings = flow_settings(config, settings)
    runtime = PrefectRuntime()
    groups = source_groups(settings)
    if len(groups) > 1 and deployment.id:
        if fanout.group_deployment_exists():
            return fanout.fan_out(settings, groups, runtime.log)
        runtime.log.warning("deployment %s is not on the server (radar deploy): polling all %d groups in this run",
                            fanout.GROUP_DEPLOYMENT, len(groups))
    return newsletters.poll_newsletters(settings, runtime)


@flow(name="poll-newsletter-group", log_prints=False)
def poll_newsletter_group(sources: list[str], group: str = "", config: str | None = None,
                          settings: Settings | None = None) -> dict:
    """Poll the named sources of the config (one group of a fanned-out `poll-newsletters` run, `group` of n)."""
    summary = newsletters.poll_newsletters(for_sources(flow_settings(config, settings), sources), PrefectRuntime())
    fanout.publish_group_result(summary)
    return summary
