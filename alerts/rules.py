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
    return _Matcher(rule)(_PaperText(paper))


class _PaperText:
    """A paper's facts, with the text of each set of fields joined (and casefolded) once for all rules."""

    __slots__ = ("paper", "n_sources", "_texts", "_metrics")

    def __init__(self, paper: PaperFacts) -> None:
        self.paper = paper
        self.n_sources = paper.n_sources
        self._texts: dict[tuple[str, ...], tuple[str, str]] = {}
        self._metrics: list[tuple[str, str, float]] | None = None

    def metrics(self) -> list[tuple[str, str, float]]:
        """(casefolded name, unit, value) of each metric."""
        if self._metrics is None:
            self._metrics = [((m.name or "").casefold(), m.unit, m.value) for m in self.paper.metrics]
        return self._metrics

    def text(self, fields: tuple[str, ...]) -> tuple[str, str]:
        """(text, casefolded text) of `fields`, in that order."""
        if fields not in self._texts:
            text = "\n".join(filter(None, (self._field(f) for f in fields)))
            self._texts[fields] = (text, text.casefold())
        return self._texts[fields]

    def _field(self, name: str) -> str | None:
        p = self.paper
        if name == "title":
            return "\n".join(filter(None, [p.title, *(m.item_title for m in p.primary_mentions)]))
        return p.blurb if name == "blurb" else p.abstract


class _Matcher:
    """One rule, compiled: the cheap conditions first, then the text, with each keyword's pattern built once.

    Keywords match as words on the casefolded text ("KV cache" finds "kv CACHE"), so a plain substring test
    (`in`) on the same text is a sound first filter: the pattern runs only where the keyword occurs.
    """

    def __init__(self, rule: RuleConfig) -> None:
        self.rule = rule
        self.fields = tuple(rule.fields)
        self.keywords = [(kw.casefold(), _word_pattern(kw.casefold())) for kw in rule.keywords]
        self.regex = re.compile(rule.regex, re.IGNORECASE) if rule.regex else None
        self.categories = tuple(rule.categories)
        self.authors = tuple(a.casefold() for a in rule.authors)

    def __call__(self, paper: _PaperText) -> bool:
        rule, facts = self.rule, paper.paper
        if paper.n_sources < rule.min_sources:
            return False
        if rule.has_code is not None and bool(facts.code_urls) != rule.has_code:
            return False
        if self.categories and not any(_category(c, facts.categories) for c in self.categories):
            return False
        if self.authors and not any(a in au.casefold() for a in self.authors for au in facts.authors):
            return False
        if rule.metrics and not all(_metric_holds(cond, paper.metrics()) for cond in rule.metrics):
            return False
        if self.keywords or self.regex:
            text, folded = paper.text(self.fields)
            if self.keywords and not any(kw in folded and pattern.search(folded) for kw, pattern in self.keywords):
                return False
            if self.regex and not self.regex.search(text):
                return False
        return True


#: Korean particles written onto the word before them ("에이전트에게", "모델은"): a keyword ending in
#: Hangul still matches as a word with one of them attached.
_KO_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "으로", "로", "와", "과", "도", "만",
                 "까지", "부터", "처럼", "보다", "들", "들이", "들은", "들을", "들의", "에는", "에서는", "으로는",
                 "이라는", "라는", "이나", "나", "인", "이다", "입니다", "이며")
_PARTICLE = "(?:" + "|".join(sorted(_KO_PARTICLES, key=len, reverse=True)) + ")?"


def _word_pattern(keyword: str) -> re.Pattern[str]:
    particle = _PARTICLE if re.search(r"[\uac00-\ud7a3]$", keyword) else ""
    return re.compile(r"(?<!\w)" + re.escape(keyword) + particle + r"(?!\w)")


def _category(wanted: str, categories: Iterable[str]) -> bool:
    if wanted.endswith(".*"):
        return any(c.startswith(wanted[:-1]) for c in categories)
    return wanted in categories


def _metric_holds(cond: MetricCondition, metrics: list[tuple[str, str, float]]) -> bool:
    name, low, high = cond.name.casefold(), cond.min, cond.max
    return any(
        name in named
        and (cond.unit is None or unit == cond.unit)
        and (low is None or value >= low)
        and (high is None or value <= high)
        for named, unit, value in metrics
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
    active = [_Matcher(r) for r in rules if r.enabled]
    for paper in papers:
        by_channel: dict[str, list[RuleConfig]] = {}
        text = _PaperText(paper)
        for matcher in active:
            if all((channel, paper.arxiv_id) in known for channel in matcher.rule.routes):
                continue  # nothing it could add: the paper has a row on each of its channels
            if matcher(text):
                rule = matcher.rule
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
