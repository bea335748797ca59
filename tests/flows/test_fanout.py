"""The newsletter poll's fan-out, the plain part (flows/pipeline/fanout.py): which sources go together,
a group run's settings, and the groups' summaries merged. The fan-out on a real server with two workers
is tests/e2e/test_scale_out.py."""

from __future__ import annotations

import pytest

from config.settings import ConfigError, Settings
from flows.pipeline.fanout import for_sources, merge_summaries, source_groups


def settings(size: int, names: list[str], disabled: tuple[str, ...] = ()) -> Settings:
    return Settings(prefect={"poll_group_size": size},
                    sources=[{"name": n, "kind": "feed", "url": f"http://127.0.0.1:9/{n}.xml",
                              "enabled": n not in disabled} for n in names])


def test_groups_are_the_enabled_sources_in_config_order_size_at_a_time():
    assert source_groups(settings(2, ["a", "b", "c", "d", "e"])) == [["a", "b"], ["c", "d"], ["e"]]
    assert source_groups(settings(2, ["a", "b", "c", "d", "e"], disabled=("b",))) == [["a", "c"], ["d", "e"]]


@pytest.mark.parametrize(("size", "names"), [(0, ["a", "b", "c"]), (3, ["a", "b", "c"]), (10, ["a"]), (2, [])])
def test_a_config_with_no_more_sources_than_a_group_is_one_group_as_today(size, names):
    assert source_groups(settings(size, names)) == [names]


def test_a_group_run_polls_exactly_its_sources_and_refuses_names_it_does_not_have():
    config = settings(2, ["a", "b", "c"], disabled=("c",))
    assert [s.name for s in for_sources(config, ["b"]).enabled_sources] == ["b"]
    with pytest.raises(ConfigError, match="not an enabled source of this config: c, zz"):
        for_sources(config, ["c", "zz"])


def test_merged_summaries_add_up_and_keep_every_source_failure_and_warning():
    one = {"sources": [{"source": "a"}], "totals": {"documents": 2, "papers": 3},
           "failures": [{"source": "a", "error": "HTTP 500"}], "warnings": [], "deferred": []}
    two = {"sources": [{"source": "b"}, {"source": "c"}], "totals": {"documents": 1, "papers": 0},
           "failures": [], "warnings": [{"source": "c", "warning": "cut off"}], "deferred": []}
    merged = merge_summaries([one, two], "lake")
    assert merged["totals"] == {"documents": 3, "papers": 3}
    assert [s["source"] for s in merged["sources"]] == ["a", "b", "c"]
    assert merged["failures"] == one["failures"] and merged["warnings"] == two["warnings"]
