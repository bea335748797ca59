"""Which papers go where: the config's rules matched against `PaperFacts`. Pure: no clock, no I/O.

`plan_alerts` turns matches into ledger rows, one per (channel, paper) however many rules matched
(their names are listed on the row). A paper that only arrived through a backfill or a new source's
first poll gets `suppressed` rows: it is recorded, never sent.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from config.alerts import MetricCondition, RuleConfig, SourceHealthRule
from records.facts import PaperFacts
from records.ledger import LedgerRow


def matches(rule: RuleConfig, paper: PaperFacts) -> bool:
    """Every condition the rule gives must hold; within a list (keywords, categories, authors), any one."""
    text = "\n".join(filter(None, _fields(paper, rule.fields)))
    if rule.keywords and not any(_has_word(text, kw) for kw in rule.keywords):
        return False
    if rule.regex and not re.search(rule.regex, text, re.IGNORECASE):
        return False
    if rule.categories and not any(_category(c, paper.categories) for c in rule.categories):
        return False
    if rule.authors and not any(a.casefold() in au.casefold() for a in rule.authors for au in paper.authors):
        return False
    if rule.has_code is not None and bool(paper.code_urls) != rule.has_code:
        return False
    if paper.n_sources < rule.min_sources:
        return False
    return all(_metric_holds(cond, paper) for cond in rule.metrics)


def _fields(paper: PaperFacts, fields: Sequence[str]) -> list[str | None]:
    values = {"title": "\n".join(filter(None, [paper.title, *(m.item_title for m in paper.primary_mentions)])),
              "blurb": paper.blurb, "abstract": paper.abstract}
    return [values[f] for f in fields]


#: Korean particles written onto the word before them ("에이전트에게", "모델은"): a keyword ending in
#: Hangul still matches as a word with one of them attached.
_KO_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "으로", "로", "와", "과", "도", "만",
                 "까지", "부터", "처럼", "보다", "들", "들이", "들은", "들을", "들의", "에는", "에서는", "으로는",
                 "이라는", "라는", "이나", "나", "인", "이다", "입니다", "이며")
_PARTICLE = "(?:" + "|".join(sorted(_KO_PARTICLES, key=len, reverse=True)) + ")?"


def _has_word(text: str, keyword: str) -> bool:
    particle = _PARTICLE if re.search(r"[\uac00-\ud7a3]$", keyword) else ""
    return re.search(r"(?<!\w)" + re.escape(keyword) + particle + r"(?!\w)", text, re.IGNORECASE) is not None


def _category(wanted: str, categories: Iterable[str]) -> bool:
    if wanted.endswith(".*"):
        return any(c.startswith(wanted[:-1]) for c in categories)
    return wanted in categories


def _metric_holds(cond: MetricCondition, paper: PaperFacts) -> bool:
    return any(
        cond.name.casefold() in (m.name or "").casefold()
        and (cond.unit is None or m.unit == cond.unit)
        and (cond.min is None or m.value >= cond.min)
        and (cond.max is None or m.value <= cond.max)
        for m in paper.metrics
    )


def is_alertable(paper: PaperFacts, alertable_modes: Collection[str]) -> bool:
    """Came in through a regular poll (or a backfill run with --alert), not only as archive."""
    return paper.arxiv_ingest_mode in alertable_modes or any(m.ingest_mode in alertable_modes
                                                              for m in paper.mentions)


def plan_alerts(
    rules: Sequence[RuleConfig], papers: Iterable[PaperFacts], known: Collection[tuple[str, str]],
    alertable_modes: Collection[str],
) -> list[LedgerRow]:
    """New ledger rows for papers that match a rule on a channel they have no row on yet."""
    planned: list[LedgerRow] = []
    active = [r for r in rules if r.enabled]
    for paper in papers:
        by_channel: dict[str, list[RuleConfig]] = {}
        for rule in active:
            if matches(rule, paper):
                for channel in rule.routes:
                    by_channel.setdefault(channel, []).append(rule)
        status = "pending" if is_alertable(paper, alertable_modes) else "suppressed"
        for channel, matched in by_channel.items():
            if (channel, paper.arxiv_id) in known:
                continue
            mode = "instant" if any(r.mode == "instant" for r in matched) else "digest"
            planned.append(LedgerRow(channel, paper.arxiv_id, "paper", paper.arxiv_id,
                                     tuple(r.name for r in matched), mode, status))
    return planned


def source_health_key(health: dict) -> str:
    """One key per outage: the source, its status, and the last success it is measured from."""
    since = health["last_success_at"].isoformat() if health.get("last_success_at") else "never"
    return f"source:{health['name']}:{health['status']}:{since}"


def plan_source_health(
    rule: SourceHealthRule, health: Iterable[dict], known: Collection[tuple[str, str]], now: datetime
) -> list[LedgerRow]:
    """Ledger rows for sources failing `min_consecutive_failures` times in a row or stale too long."""
    planned = []
    for h in health:
        failing = h["status"] in ("failing", "never succeeded") and (
            h["consecutive_failures"] >= rule.min_consecutive_failures)
        newest = h.get("last_new_document_at")
        stale = h["status"] == "stale" and (newest is None or (now - newest).total_seconds() > rule.stale_days * 86400)
        if not (failing or stale):
            continue
        key = source_health_key(h)
        planned += [LedgerRow(channel, key, "source", None, ("source_health",), "instant", "pending")
                    for channel in rule.routes if (channel, key) not in known]
    return planned
