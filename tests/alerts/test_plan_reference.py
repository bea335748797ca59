"""`plan_alerts` plans exactly the rows a plain reading of the rules gives, paper by paper and rule by rule.

The planner evaluates rule by rule over all papers with shortcuts (alerts/textmatch.py, shared answers for
repeated conditions); the reference below searches each paper's full text with each rule's pattern, as the
rules are documented (config/alerts.py). Papers are generated with text that trips naive matching: case
variants `re` folds differently from `str.casefold`, Korean particles, words run into other words, NULs.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest

from alerts.rules import matches, plan_alerts
from alerts.textmatch import word_pattern
from benchmarks.__main__ import _rules as benchmark_rules
from config.alerts import MetricCondition, RuleConfig
from records.facts import MentionFact, MetricFact, PaperFacts
from records.ledger import LedgerRow
from storage.schema import ALERTABLE_INGEST_MODES

_PHRASES = ["reasoning", "Attention", "ATTENTİON", "attentıon", "mixture-of-experts", "Mixture", "quantization",
            "speculative decoding", "agents", "an agent's", "retrieval", "diffuſion", "Diffusion", "KV cache",
            "kv-cache", "KV cache", "finetuning", "ﬁnetuning", "Straße", "STRASSE", "에이전트에게", "에이전트",
            "에이전트들은", "추측 디코딩(speculative decoding)", "GPT-4", "gpt-4", "SWE-bench", "x_attention",
            "attention_", "attention2", "\x00", "56% on HellaSwag", "(논문/코드)", "KV-캐시를"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_PHRASES) for _ in range(n))


def _mention(rng: random.Random, i: int) -> MentionFact:
    source = rng.choice(["import-ai", "llm-watch", "ko-digest", "the-batch"])
    return MentionFact(source, rng.choice(["primary", "primary", "mention"]),
                       rng.choice([None, "", _text(rng, 3)]), rng.choice([None, _text(rng, 12)]), f"{source} {i}",
                       f"https://{source}.example.org/{i}", None, datetime(2026, 11, 1 + i % 28, tzinfo=UTC),
                       rng.choice(["poll", "first_poll", "backfill"]))


def _metric(rng: random.Random) -> MetricFact:
    return MetricFact(rng.choice([None, "HellaSwag", "SWE-bench Verified", "speedup", "parameters"]),
                      rng.choice([0.5, 12.5, 50.0, 56.0, 2.0, 6.0, 1.7e9]), rng.choice(["%", "x", "params", "pp"]),
                      "score", None, "import-ai")


def _papers(n: int, seed: int = 16) -> list[PaperFacts]:
    rng = random.Random(seed)
    return [PaperFacts(
        f"2501.{i:05d}", rng.choice([None, _text(rng, 4)]), rng.choice([None, _text(rng, 20)]),
        authors=tuple(rng.sample(["Jane Doe", "Kim Min-jun", "Ada Lovelace"], rng.randint(0, 2))),
        categories=tuple(rng.sample(["cs.CL", "cs.LG", "stat.ML", "cs.AI"], rng.randint(0, 2))),
        arxiv_ingest_mode=rng.choice([None, "poll", "backfill"]),
        mentions=tuple(_mention(rng, i + k) for k in range(rng.randint(0, 3))),
        code_urls=tuple(rng.sample(["https://github.com/a/b", "https://github.com/c/d"], rng.randint(0, 2))),
        metrics=tuple(_metric(rng) for _ in range(rng.randint(0, 3))),
    ) for i in range(n)]


def _rule(name: str, **kw) -> RuleConfig:
    return RuleConfig(name=name, routes=kw.pop("routes", ["c1"]), **kw)


RULES = [
    _rule("kw", keywords=["attention", "KV cache"]),
    _rule("kw_title", keywords=["agent", "diffusion"], fields=["title"], routes=["c1", "c2"]),
    _rule("kw_ko", keywords=["에이전트", "KV-캐시"], mode="digest", routes=["c2"]),
    _rule("kw_fold", keywords=["STRASSE", "finetuning"], fields=["abstract", "blurb"]),
    _rule("re_b", regex=r"\b(attention|mixture)\b", routes=["c3"]),
    _rule("re_case", regex=r"(?-i:GPT)-\d", routes=["c2", "c3"]),
    _rule("re_noprefix", regex=r"\w+ion\b", fields=["title"]),
    _rule("re_look", regex=r"(?<=\s)(KV|kv)[- ]cache", mode="digest"),
    _rule("re_anchor", regex=r"^\s*reasoning", fields=["blurb"]),
    _rule("re_ko", regex=r"에이전트(에게|들은)", routes=["c3"]),
    _rule("re_unicode", regex=r"diffusion|ATTENTION", fields=["abstract"]),
    _rule("metric", metrics=[MetricCondition(name="", min=50, unit="%")], has_code=True),
    _rule("metric_range", metrics=[MetricCondition(name="swe-bench", min=10, max=60)], routes=["c2"]),
    _rule("metric_both", metrics=[MetricCondition(name="speed", unit="x"), MetricCondition(min=1e9)]),
    _rule("trending", min_sources=2, keywords=["reasoning"], routes=["c3"]),
    _rule("cats", categories=["cs.CL", "stat.*"], keywords=["retrieval"]),
    _rule("authors", authors=["min-jun"], has_code=False, routes=["c2"]),
    _rule("off", keywords=["attention"], enabled=False),
    _rule("all", routes=["c4"], mode="digest"),
    _rule("kw_again", keywords=["KV cache", "attention"], routes=["c2"]),  # the same condition as "kw"
]


def _reference_matches(rule: RuleConfig, p: PaperFacts) -> bool:
    primary = [m for m in p.mentions if m.role == "primary"]
    fields = {"title": "\n".join(filter(None, [p.title, *(m.item_title for m in primary)])),
              "blurb": "\n".join(m.item_text for m in primary if m.item_text), "abstract": p.abstract}
    text = "\n".join(filter(None, (fields[f] for f in rule.fields)))
    checks = [
        len({m.source for m in p.mentions}) >= rule.min_sources,
        rule.has_code is None or bool(p.code_urls) == rule.has_code,
        not rule.categories or any(c == w or (w.endswith(".*") and c.startswith(w[:-1]))
                                   for w in rule.categories for c in p.categories),
        not rule.authors or any(a.casefold() in au.casefold() for a in rule.authors for au in p.authors),
        all(any(cond.name.casefold() in (m.name or "").casefold() and cond.unit in (None, m.unit)
                and (cond.min is None or m.value >= cond.min) and (cond.max is None or m.value <= cond.max)
                for m in p.metrics) for cond in rule.metrics),
        not rule.keywords or any(word_pattern(kw.casefold()).search(text.casefold()) for kw in rule.keywords),
        not rule.regex or re.search(rule.regex, text, re.IGNORECASE) is not None,
    ]
    return all(checks)


def _reference_plan(rules, papers, known, modes) -> list[LedgerRow]:
    rows = []
    for p in papers:
        by_channel: dict[str, list[RuleConfig]] = {}
        for rule in (r for r in rules if r.enabled):
            if not all((c, p.arxiv_id) in known for c in rule.routes) and _reference_matches(rule, p):
                for channel in rule.routes:
                    by_channel.setdefault(channel, []).append(rule)
        alertable = p.arxiv_ingest_mode in modes or any(m.ingest_mode in modes for m in p.mentions)
        rows += [LedgerRow(c, p.arxiv_id, "paper", p.arxiv_id, tuple(r.name for r in matched),
                           "instant" if any(r.mode == "instant" for r in matched) else "digest",
                           "pending" if alertable else "suppressed")
                 for c, matched in by_channel.items() if (c, p.arxiv_id) not in known]
    return rows


PAPERS = _papers(600)


@pytest.mark.parametrize("rules", [RULES, benchmark_rules(20)], ids=["every-kind", "benchmark"])
def test_plan_is_the_plain_reading_of_the_rules(rules):
    expected = _reference_plan(rules, PAPERS, set(), ALERTABLE_INGEST_MODES)
    assert plan_alerts(rules, PAPERS, set(), ALERTABLE_INGEST_MODES) == expected
    assert {r.rules for r in expected} and {r.status for r in expected} == {"pending", "suppressed"}
    # every rule with conditions matched some papers and missed others: each was decided both ways
    counts = {r.name: sum(_reference_matches(r, p) for p in PAPERS) for r in rules if r.enabled and r.name != "all"}
    assert all(0 < n < len(PAPERS) for n in counts.values()), counts


def test_plan_with_a_ledger_is_the_plain_reading_too():
    known = {(r.channel, r.alert_key) for r in _reference_plan(RULES, PAPERS, set(), ALERTABLE_INGEST_MODES)[::3]}
    assert plan_alerts(RULES, PAPERS, known, ALERTABLE_INGEST_MODES) == _reference_plan(
        RULES, PAPERS, known, ALERTABLE_INGEST_MODES)


def test_matches_one_paper_as_the_plain_reading():
    for rule in RULES:
        assert [matches(rule, p) for p in PAPERS[:150]] == [_reference_matches(rule, p) for p in PAPERS[:150]]
