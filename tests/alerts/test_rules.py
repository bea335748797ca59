"""Rule matching and planning: pure functions on `PaperFacts`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from alerts.rules import matches, plan_alerts
from config.alerts import AlertSettings, RuleConfig
from records.facts import MentionFact, MetricFact, PaperFacts
from storage.schema import ALERTABLE_INGEST_MODES


def mention(source="import-ai", mode="poll", role="primary", title="SWE-agent", text="An agent for SWE-bench."):
    return MentionFact(source, role, title, text, f"{source} 401", f"https://{source}.example.org/401", None,
                       datetime(2026, 11, 20, tzinfo=UTC), mode)


PAPER = PaperFacts(
    arxiv_id="2405.15793", title="SWE-agent: Agent-Computer Interfaces",
    abstract="We build an agent. It resolves 12.5%.",
    authors=("John Yang", "Carlos E. Jimenez"), categories=("cs.SE", "cs.CL"),
    mentions=(mention(), mention("llm-watch")), code_urls=("https://github.com/SWE-agent/SWE-agent",),
    metrics=(MetricFact("SWE-bench", 12.5, "%", "score", None, "import-ai"),),
)


def rule(**kw) -> RuleConfig:
    return RuleConfig(name="r", routes=["c"], **kw)


@pytest.mark.parametrize("kw, expected", [
    ({}, True),
    ({"keywords": ["swe-bench"]}, True),
    ({"keywords": ["agen"]}, False),  # whole words, not substrings
    ({"keywords": ["agent-computer"], "fields": ["title"]}, True),
    ({"keywords": ["resolves"], "fields": ["title"]}, False),
    ({"regex": r"resolves \d+(\.\d+)?%"}, True),
    ({"categories": ["cs.CL"]}, True),
    ({"categories": ["cs.*"]}, True),
    ({"categories": ["stat.ML"]}, False),
    ({"authors": ["jimenez"]}, True),
    ({"authors": ["Hinton"]}, False),
    ({"has_code": True}, True),
    ({"has_code": False}, False),
    ({"min_sources": 2}, True),
    ({"min_sources": 3}, False),
    ({"metrics": [{"name": "swe-bench", "min": 10, "unit": "%"}]}, True),
    ({"metrics": [{"name": "swe-bench", "min": 50}]}, False),
    ({"metrics": [{"name": "swe-bench", "max": 20}]}, True),
    ({"metrics": [{"name": "mmlu"}]}, False),
    ({"keywords": ["swe-bench"], "has_code": True, "min_sources": 2, "categories": ["cs.SE"]}, True),
])
def test_rule_conditions_are_anded(kw, expected):
    assert matches(rule(**kw), PAPER) is expected


def test_unenriched_paper_matches_text_rules_but_not_arxiv_ones():
    bare = PaperFacts("2401.00001", None, mentions=(mention(text="A new SWE-bench record."),))
    assert matches(rule(keywords=["SWE-bench"]), bare)
    assert not matches(rule(categories=["cs.SE"]), bare)
    assert not matches(rule(authors=["Yang"]), bare)


def test_a_passing_mention_does_not_lend_its_item_text():
    passing = PaperFacts("2312.00752", "Mamba", mentions=(mention(role="mention"),))
    assert not matches(rule(keywords=["SWE-bench"]), passing)


def test_plan_gives_one_row_per_channel_and_paper_and_suppresses_archive_only_papers():
    rules = [RuleConfig(name="a", keywords=["swe-bench"], routes=["x", "y"]),
             RuleConfig(name="b", has_code=True, routes=["x"], mode="digest")]
    old = {"title": "Old news", "text": "Nothing to see."}
    archive = PaperFacts("2401.00002", "Old", mentions=(mention(mode="first_poll", **old),
                                                        mention("b", mode="backfill", **old)),
                         code_urls=("https://github.com/a/b",))
    rows = plan_alerts(rules, [PAPER, archive], known={("y", PAPER.arxiv_id)}, alertable_modes=ALERTABLE_INGEST_MODES)
    got = {(r.channel, r.alert_key): (r.rules, r.mode, r.status) for r in rows}
    assert got == {
        ("x", PAPER.arxiv_id): (("a", "b"), "instant", "pending"),
        ("x", "2401.00002"): (("b",), "digest", "suppressed"),
    }
    arxiv_alert = PaperFacts("2401.00003", "New", arxiv_ingest_mode="backfill_alert", code_urls=("https://g/a",))
    assert plan_alerts(rules, [arxiv_alert], set(), ALERTABLE_INGEST_MODES)[0].status == "pending"


def test_config_is_validated_with_clear_messages():
    with pytest.raises(ValidationError, match="no channel named 'nowhere'"):
        AlertSettings(rules=[{"name": "r", "routes": ["nowhere"]}])
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        rule(regex="(")
    with pytest.raises(ValidationError, match="unknown time zone"):
        rule(timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="not a valid cron"):
        rule(digest_cron="at eight")
    with pytest.raises(ValidationError, match="exactly one of `env`"):
        AlertSettings(channels=[{"name": "s", "kind": "slack", "slack_channel": "C1", "token": {}}])
    with pytest.raises(ValidationError, match="needs smtp_host"):
        AlertSettings(channels=[{"name": "m", "kind": "email", "from": "a@b.c", "to": ["d@e.f"]}])


@pytest.mark.parametrize("text, keyword, expected", [
    ("언어 모델 에이전트에게 편집 명령을 줍니다.", "에이전트", True),  # a particle written onto the word
    ("SWE-agent: 에이전트와 컴퓨터 사이의 인터페이스", "에이전트", True),
    ("새 벤치마크는 에이전트들의 성능을 잽니다.", "에이전트", True),
    ("에이전트 방식을 제안합니다.", "에이전트", True),
    ("멀티에이전트 시스템을 다룹니다.", "에이전트", False),  # still a whole word, not inside another
    ("모델링 기법을 바꿉니다.", "모델", False),  # not a particle: another word
])
def test_korean_keywords_match_with_a_particle_attached(text, keyword, expected):
    paper = PaperFacts("2405.15793", "t", mentions=(mention(text=text, title=""),))
    assert matches(rule(keywords=[keyword], fields=["blurb"]), paper) is expected


# The matcher compiles each rule once and filters keywords with a substring test on casefolded text
# before the word pattern runs. It must decide exactly as the plain reading of a rule does: a keyword
# matches as a whole word, case-insensitively (with a Korean particle attached after Hangul).
_WORDS = ["KV cache", "kv-cache", "Agent", "agents", "MoE", "에이전트", "에이전트에게", "Straße", "STRASSE", "x",
          "A.I."]


def _reference_has_word(text: str, keyword: str) -> bool:
    import re

    from alerts.textmatch import _PARTICLE

    particle = _PARTICLE if re.search(r"[\uac00-\ud7a3]$", keyword) else ""
    return re.search(r"(?<!\w)" + re.escape(keyword.casefold()) + particle + r"(?!\w)", text.casefold()) is not None


_TITLES = _WORDS + [" ".join(_WORDS), "an agent's KV-cache", "(kv cache)", "에이전트들은 빠르다"]


@pytest.mark.parametrize("keyword", ["KV cache", "agent", "에이전트", "straße", "A.I."])
@pytest.mark.parametrize("title", _TITLES)
def test_compiled_keywords_decide_as_the_plain_reading(keyword, title):
    paper = PaperFacts(arxiv_id="2401.00001", title=title)
    assert matches(rule(keywords=[keyword], fields=["title"]), paper) == _reference_has_word(title, keyword)


def test_planning_skips_rules_whose_channels_all_know_the_paper():
    rules = [RuleConfig(name="a", routes=["c1"], keywords=["agent"]), RuleConfig(name="b", routes=["c1", "c2"])]
    rows = plan_alerts(rules, [PAPER], {("c1", PAPER.arxiv_id)}, ALERTABLE_INGEST_MODES)
    assert [(r.channel, r.rules) for r in rows] == [("c2", ("b",))]
