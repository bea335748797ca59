"""Which papers go where: the config's rules matched against `PaperFacts`. Pure: no clock, no I/O.

`plan_alerts` turns matches into ledger rows, one per (channel, paper) however many rules matched
(their names are listed on the row). A paper that only arrived through a backfill or a new source's
first poll gets `suppressed` rows: it is recorded, never sent.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from alerts.textmatch import RegexCondition, TextIndex, word_pattern
from config.alerts import MetricCondition, RuleConfig, SourceHealthRule
from records.facts import PaperFacts
from records.ledger import LedgerRow


def matches(rule: RuleConfig, paper: PaperFacts) -> bool:
    """Every condition the rule gives must hold; within a list (keywords, categories, authors), any one."""
    return bool(_Matcher(rule).select(_Papers([paper]), [0]))


class _Papers:
    """The candidate papers, with what rules read of them derived once for all rules, when a rule first needs
    it: source counts, the papers meeting each metric condition, and a `TextIndex` per set of fields."""

    __slots__ = ("facts", "_n_sources", "_indexes", "_metrics", "_metric_hits")

    def __init__(self, facts: Sequence[PaperFacts]) -> None:
        self.facts = facts
        self._n_sources: list[int] | None = None
        self._indexes: dict[tuple[str, ...], TextIndex] = {}
        self._metrics: list[tuple[int, str, str, float]] | None = None
        self._metric_hits: dict[tuple, frozenset[int]] = {}

    def n_sources(self) -> list[int]:
        if self._n_sources is None:
            self._n_sources = [p.n_sources for p in self.facts]
        return self._n_sources

    def meeting(self, cond: MetricCondition, chosen: list[int]) -> list[int]:
        """The papers among `chosen` one of whose metrics meets `cond`, decided once per condition for all
        papers in one pass over every paper's metrics."""
        key = (cond.name.casefold(), cond.min, cond.max, cond.unit)
        if key not in self._metric_hits:
            self._metric_hits[key] = _metric_hits(key, self._all_metrics())
        hits = self._metric_hits[key]
        return [i for i in chosen if i in hits]

    def _all_metrics(self) -> list[tuple[int, str, str, float]]:
        """(paper, casefolded name, unit, value) of every metric of every paper."""
        if self._metrics is None:
            metrics = [(i, m.name or "", m.unit, m.value) for i, p in enumerate(self.facts) for m in p.metrics]
            folded = {name: name.casefold() for name in {m[1] for m in metrics}}
            self._metrics = [(i, folded[name], unit, value) for i, name, unit, value in metrics]
        return self._metrics

    def index(self, fields: tuple[str, ...]) -> TextIndex:
        if fields not in self._indexes:
            self._indexes[fields] = TextIndex([_text(p, fields) for p in self.facts])
        return self._indexes[fields]


def _text(p: PaperFacts, fields: tuple[str, ...]) -> str:
    """The fields joined by newlines: the title with its newsletter items' titles, the text of the items about
    it (as `PaperFacts.blurb`), the abstract."""
    primary = [m for m in p.mentions if m.role == "primary"]
    parts = []
    for name in fields:
        if name == "title":
            part = "\n".join(filter(None, [p.title, *(m.item_title for m in primary)]))
        else:
            part = "\n".join(m.item_text for m in primary if m.item_text) if name == "blurb" else p.abstract
        if part:
            parts.append(part)
    return "\n".join(parts)


class _Matcher:
    """One rule, compiled once, applied to a whole list of papers a condition at a time: the structured
    conditions first, so the text conditions (alerts/textmatch.py) see only the papers that passed them."""

    def __init__(self, rule: RuleConfig) -> None:
        self.rule = rule
        self.fields = tuple(rule.fields)
        self.keywords = [(kw.casefold(), word_pattern(kw.casefold())) for kw in rule.keywords]
        self.regex = RegexCondition(rule.regex) if rule.regex else None
        self.categories = tuple(rule.categories)
        self.authors = tuple(a.casefold() for a in rule.authors)

    def select(self, papers: _Papers, candidates: list[int]) -> list[int]:
        """The candidates (indices into `papers`, in order) that meet every condition."""
        rule, facts, chosen = self.rule, papers.facts, candidates
        if rule.min_sources:
            n_sources = papers.n_sources()
            chosen = [i for i in chosen if n_sources[i] >= rule.min_sources]
        if rule.has_code is not None:
            chosen = [i for i in chosen if bool(facts[i].code_urls) == rule.has_code]
        if self.categories:
            chosen = [i for i in chosen if facts[i].categories
                      and any(_category(c, facts[i].categories) for c in self.categories)]
        if self.authors:
            chosen = [i for i in chosen if facts[i].authors
                      and any(a in au.casefold() for a in self.authors for au in facts[i].authors)]
        for cond in rule.metrics:
            chosen = papers.meeting(cond, chosen)
        if self.keywords and chosen:
            chosen = self._with_keyword(papers.index(self.fields), chosen)
        if self.regex and chosen:
            chosen = self._with_regex(papers.index(self.fields), chosen)
        return chosen

    def _with_keyword(self, index: TextIndex, chosen: list[int]) -> list[int]:
        """Keywords match as words on the casefolded text ("KV cache" finds "kv CACHE")."""
        hits = frozenset().union(*(index.word_hits(kw, pattern) for kw, pattern in self.keywords))
        return [i for i in chosen if i in hits]

    def _with_regex(self, index: TextIndex, chosen: list[int]) -> list[int]:
        hits = index.regex_hits(self.regex)
        if hits is None:
            return [i for i in chosen if self.regex(index.raw[i], index.folded[i])]
        return [i for i in chosen if i in hits]


def _category(wanted: str, categories: Iterable[str]) -> bool:
    if wanted.endswith(".*"):
        return any(c.startswith(wanted[:-1]) for c in categories)
    return wanted in categories


def _metric_hits(cond: tuple[str, float | None, float | None, str | None],
                 metrics: list[tuple[int, str, str, float]]) -> frozenset[int]:
    """The papers with a metric whose name contains the condition's (both casefolded), in its unit, in range."""
    name, low, high, wanted_unit = cond
    return frozenset(i for i, named, unit, value in metrics
                     if name in named and (wanted_unit is None or unit == wanted_unit)
                     and (low is None or value >= low) and (high is None or value <= high))


def is_alertable(paper: PaperFacts, alertable_modes: Collection[str]) -> bool:
    """Came in through a regular poll (or a backfill run with --alert), not only as archive."""
    return paper.arxiv_ingest_mode in alertable_modes or any(m.ingest_mode in alertable_modes
                                                              for m in paper.mentions)


def plan_alerts(
    rules: Sequence[RuleConfig], papers: Iterable[PaperFacts], known: Collection[tuple[str, str]],
    alertable_modes: Collection[str],
) -> list[LedgerRow]:
    """New ledger rows for papers that match a rule on a channel they have no row on yet.

    Rule by rule over all papers (each rule compiled once, each paper's texts built once), then paper by
    paper in the order given, the rules that matched it in config order. Nothing built here holds a reference
    cycle, so the cyclic garbage collector is paused meanwhile (as `storage.ledger.load_paper_facts` does)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        facts = list(papers)
        candidates = _Papers(facts)
        active = [r for r in rules if r.enabled]
        matched: dict[int, list[int]] = {}
        for n, rule in enumerate(active):
            for i in _Matcher(rule).select(candidates, _unplanned(rule, facts, known)):
                matched.setdefault(i, []).append(n)
        layouts: dict[tuple[int, ...], list[tuple[str, tuple[str, ...], str]]] = {}
        planned: list[LedgerRow] = []
        for i in sorted(matched):
            key = tuple(matched[i])
            if key not in layouts:
                layouts[key] = _layout([active[n] for n in key])
            planned += _rows(facts[i], layouts[key], known, alertable_modes)
        return planned
    finally:
        if collecting:
            gc.enable()


def _unplanned(rule: RuleConfig, facts: list[PaperFacts], known: Collection[tuple[str, str]]) -> list[int]:
    """Papers the rule could add a row for: those without a row on each of its channels yet."""
    if not known:
        return list(range(len(facts)))
    return [i for i, p in enumerate(facts) if not all((channel, p.arxiv_id) in known for channel in rule.routes)]


def _layout(matched: list[RuleConfig]) -> list[tuple[str, tuple[str, ...], str]]:
    """(channel, rule names, mode) of each channel the matching rules route to, in their order: worked out
    once for each set of rules that match some paper."""
    by_channel: dict[str, list[RuleConfig]] = {}
    for rule in matched:
        for channel in rule.routes:
            by_channel.setdefault(channel, []).append(rule)
    return [(channel, tuple(r.name for r in rules), "instant" if any(r.mode == "instant" for r in rules) else "digest")
            for channel, rules in by_channel.items()]


def _rows(paper: PaperFacts, layout: list[tuple[str, tuple[str, ...], str]], known: Collection[tuple[str, str]],
          alertable_modes: Collection[str]) -> list[LedgerRow]:
    """One row per channel of the layout the paper has no row on yet."""
    status = "pending" if is_alertable(paper, alertable_modes) else "suppressed"
    key = paper.arxiv_id
    return [LedgerRow(channel, key, "paper", key, names, mode, status) for channel, names, mode in layout
            if (channel, key) not in known]


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
