"""The newsletter poll's fan-out, the plain part: which sources go together, one group's settings, and
the group runs' summaries merged into the poll's (flows/fanout.py starts and waits for the runs).

Groups are the enabled sources in config order, `[prefect] poll_group_size` at a time, so the same
config always gives the same groups (a re-run polls the same sources together). A group's run polls
exactly its sources, through the same pipeline as a whole poll (flows/pipeline/newsletters.py): its
fetch and extraction run wherever its worker is, its commits take the store's lock like any writer.
"""

from __future__ import annotations

from config.settings import ConfigError, Settings


def source_groups(settings: Settings) -> list[list[str]]:
    """The enabled sources' names in groups of `poll_group_size`; one group when it is 0 or not exceeded."""
    names = [s.name for s in settings.enabled_sources]
    size = settings.prefect.poll_group_size
    if size == 0 or len(names) <= size:
        return [names]
    return [names[i:i + size] for i in range(0, len(names), size)]


def for_sources(settings: Settings, names: list[str]) -> Settings:
    """`settings` with only the named sources (a group run's); an unknown or disabled name is a ConfigError."""
    enabled = {s.name for s in settings.enabled_sources}
    unknown = [n for n in names if n not in enabled]
    if unknown:
        raise ConfigError(f"{settings.config_file}: not an enabled source of this config: {', '.join(unknown)}")
    wanted = set(names)
    return settings.model_copy(update={"sources": [s for s in settings.sources if s.name in wanted]})


def merge_summaries(summaries: list[dict], database: str) -> dict:
    """One poll summary from the groups' (flows/pipeline/report.py's `poll_summary` shape), sources in order."""
    merged: dict = {"database": database, "sources": [], "totals": {}, "failures": [], "warnings": [], "deferred": []}
    for summary in summaries:
        for key in ("sources", "failures", "warnings", "deferred"):
            merged[key] += summary.get(key, [])
        for key, value in summary.get("totals", {}).items():
            merged["totals"][key] = merged["totals"].get(key, 0) + value
    return merged
