"""Metric extraction: the numbers a paper's blurb reports ("56% on HellaSwag", "6x faster decoding",
"1.7B parameters", "6710억 개의 매개변수"), as `Metric` records.

Runs once per item, on its blurb text (plain visible text, English or Korean), from item extraction.
Pure: no network, no clock. This module owns the pipeline and the rules for what is *not* a metric of
the paper even though it has a unit (a size inside a model's name such as "Llama 2 70B", a year, a
price); `extractors.numbers` finds the numbers, `extractors.metric_units` reads their units and
`extractors.metric_context` their names, qualifiers and directions.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from extractors import metric_context as context
from extractors.metric_units import SCORE_UNITS, STOPWORDS, Reading, read_unit
from extractors.numbers import Quantity, find_quantities
from records.documents import Metric

_RANGE_GAP = re.compile(rf"(?:\s?[-–—~]\s?|\s+(?:to|and)\s+(?:{context.QUALIFIER_WORDS}\s+)?|에서\s*(?:최대\s*)?)$")
# A unit said before the number: "an Elo rating of 2,029", "a BLEU score of 41.2", "a speedup of 2.3".
_MEASURE_BEFORE = re.compile(
    r"\b(?P<m>Elo|BLEU|F1|ROUGE(?:-\w+)?|perplexity|score|rating|speed-?up)(?:\s+(?:score|rating))?\s+"
    rf"(?:of\s+)?(?:{context.QUALIFIER_WORDS}\s+)?$",
    re.IGNORECASE,
)
_MEASURES = {
    "elo": "Elo", "bleu": "BLEU", "f1": "F1", "rouge": "ROUGE", "perplexity": "perplexity", "score": "score",
    "rating": "score", "speedup": "x", "speed-up": "x",
}
_ON = re.compile(r"\s+(?:on|in)\s+(?:the\s+)?")
_SCORE_END = re.compile(r"\s*(?:[,;)]|\.(?!\d)|$|\s(?:and|on|vs\.?|versus|while|with)\b)")
_INHERITABLE = {"params": "parameters", "tokens": "tokens", "bytes": "bytes"}
# "of which only 12B are active", "12 billion of them are activated", "37B activated per token"
_ACTIVE = re.compile(r"\s+(?:\w+\s+){0,3}?(?:(?:are|is|were|being)\s+(?:\w+\s+)?)?activ", re.IGNORECASE)
_PART_AFTER = re.compile(
    r"\s+(?:of\s+(?:them|those|these|which)\b|(?:are|is|were|was|being|get|gets|remain)\b|activ)", re.IGNORECASE
)
_PART_BEFORE = re.compile(r"\b(?:of\s+which|of\s+them|whereas|while|but|with)\s+(?:only\s+|just\s+)?$", re.IGNORECASE)
_KO_AMONG = re.compile(r"(?<![가-힣])중\s*$")
_SIZE_IN_PARENS = re.compile(r"(?P<model>[A-Za-z][\w.-]*[\dA-Z][\w.-]*)\s?\($")
_MAGNITUDE_WORD = re.compile(r"(?:thousand|million|billion|trillion)$")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)$")
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₩]|\b(?:USD|EUR|US\$))\s?$")
_CURRENCY_SIGNS = "$€£¥₩"  # (one of these, "USD" or "EUR" is in every match)
# "top 10 papers" ranks and "Table 4 lists" labels: neither counts anything
_LABEL_BEFORE = re.compile(
    r"\b(?:top|part|step|stage|phase|chapter|section|figure|fig\.|table|version|issue|episode|no\.|number|round|"
    r"level|day|week|season)[\s-]+$",
    re.IGNORECASE,
)
_MODEL_NAME_BEFORE = re.compile(r"(?P<prev>[A-Za-z][\w.-]*)(?:\s+(?P<version>\d+(?:\.\d+)?))?\s+$")
_SIZE_SUFFIX = re.compile(r"[\d.]+[KMBT]\b")
# (the lookahead, what either branch opens with, only lets the scan pass over most positions quicker)
_SENTENCE_END = re.compile(r"(?=[\s\"'”’)])(?:(?<=[.!?。])[\"'”’)]*\s+(?=[^a-z])|\n+)")
# The same ends in a text with no line break (every blurb, whitespace made single spaces), with the full stop
# taken along: a pattern that opens with a character class is scanned several times faster.
_STOP_END = re.compile(r"[.!?。][\"'”’)]*\s+(?=[^a-z])")
_MAX_SNIPPET = 200


@dataclass(frozen=True)
class _Draft:
    """A metric before its context is read. `start`/`end` span the whole phrase (both ends of a range);
    `unit` is "" for a bare size ("12B") still waiting for a unit from its neighbours."""

    value: float
    unit: str
    kind: str
    start: int
    end: int
    number: Quantity
    noun: str | None = None
    role: str | None = None  # "range-low" | "range-high"
    implied: bool = False  # the unit was not written next to the number: "a 7B model", "of which 12B"
    subject: str | None = None  # the model a size belongs to, where the text pins it: "DeepSeek-V3 (671B)"


def extract_metrics(text: str) -> list[Metric]:
    """Every metric `text` reports, in order of appearance, one per (name, value, unit)."""
    return [metric for _, _, metric in locate_metrics(text)]


def locate_metrics(text: str) -> list[tuple[int, int, Metric]]:
    """`extract_metrics` with where each metric's phrase sits in `text` (start, end offsets, both ends of a
    range for its two records), so a caller can tell which clause, and so which paper, a number belongs to."""
    quantities = find_quantities(text)
    readings = [read_unit(text, q) for q in quantities]
    sentences = _sentences(text)
    drafts = _keep(text, _inherit(text, _drafts(text, quantities, readings), sentences))
    metrics: list[tuple[int, int, Metric]] = []
    seen: set[tuple[str, float, str]] = set()
    consumed = 0  # where the last benchmark name taken by a score ended
    for i in range(len(drafts)):
        metric, consumed = _metric(text, drafts, i, sentences, consumed)
        key = ((metric.name or "").lower(), round(metric.value, 9), metric.unit)
        if metric.unit in ("points", "score") and not metric.name and not metric.direction:
            continue  # "3 points" or "a score of 8" with nothing scored is not a result
        if not math.isfinite(metric.value):
            continue  # a run of 400 digits is no measurement
        if key not in seen:
            seen.add(key)
            metrics.append((drafts[i].start, drafts[i].end, metric))
    return metrics


# --- numbers with their units ----------------------------------------------------------------------------


def _drafts(text: str, quantities: list[Quantity], readings: list[Reading]) -> list[_Draft]:
    drafts: list[_Draft] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        if i + 1 < len(quantities) and (pair := _range(text, q, readings[i], quantities[i + 1], readings[i + 1])):
            drafts += pair
            i += 2
            continue
        r = _implied(text, q, readings[i])
        if r.unit is not None and not r.excluded:
            drafts.append(_Draft(q.value, r.unit, r.kind or "size", q.start, r.end, q, r.noun, implied=not r.explicit))
        elif r.unit is None and not r.excluded and q.scale > 1:
            drafts.append(_Draft(q.value, "", "size", q.start, q.end, q, implied=True))
        i += 1
    return drafts


def _implied(text: str, q: Quantity, r: Reading) -> Reading:
    """A unit said before the number or by the benchmark: "an Elo rating of 2,029", "a speedup of 2.3",
    "scores 8.9 on MT-Bench", "MMLU: 70.1"."""
    if r.unit is not None or r.excluded or q.word or q.scale > 1:
        return r
    if m := _MEASURE_BEFORE.search(text, max(0, q.start - 60), q.start):
        unit = _MEASURES.get(m.group("m").lower(), m.group("m").upper())
        return Reading(unit, "relative" if unit == "x" else "score", end=q.end)
    number = text[q.start : q.end]
    on = _ON.match(text, q.end)
    if on and context.starts_with_benchmark(text, on.end()) and not _is_year(q, number):
        return Reading("score", "score", end=q.end)
    # a bare decimal right after a known benchmark: "MMLU 70.1, GSM8K 80.2"
    scored = "." in number and _SCORE_END.match(text, q.end)
    if scored and context.benchmark_adjacent(text, max(0, q.start - 40), q.start):
        return Reading("score", "score", end=q.end)
    return r


def _range(text: str, low: Quantity, lr: Reading, high: Quantity, hr: Reading) -> list[_Draft] | None:
    """"50-73%", "2.7x to 3.5x", "between 2.2 and 3.6 times", "5 to 500 billion", "2.7배에서 최대 3.5배"."""
    if hr.unit is None or hr.excluded or lr.excluded or lr.unit not in (None, hr.unit):
        return None
    gap = text[lr.end if lr.unit else low.end : high.start]
    if not _RANGE_GAP.match(gap) or (gap.strip() == "and" and not text[: low.start].rstrip().endswith("between")):
        return None
    # "5 to 500 billion tokens": the low end is in billions too
    low_value = low.value * high.scale if lr.unit is None and low.scale == 1 and not low.word else low.value
    if low_value > high.value:
        return None
    kind = hr.kind or "size"
    return [
        _Draft(low_value, hr.unit, kind, low.start, hr.end, low, hr.noun, "range-low"),
        _Draft(high.value, hr.unit, kind, low.start, hr.end, high, hr.noun, "range-high"),
    ]


def _inherit(text: str, drafts: list[_Draft], sentences: list[tuple[int, int]]) -> list[_Draft]:
    """A bare "12B" takes its unit from its neighbours: from the next size in a list ("7B, 13B and 70B
    parameters"), from the size it is part of ("52B total parameters, of which only 12B are active"), from
    the model it follows in parentheses ("DeepSeek-V3 (671B)"), or, written "8 trillion", from an earlier
    size of that magnitude in its sentence.
    Any other bare size is dropped: in "LLaMA3 8B" it names a model."""
    drafts = list(drafts)
    for i in range(len(drafts) - 2, -1, -1):
        d, after = drafts[i], drafts[i + 1]
        if not d.unit and after.unit in _INHERITABLE and _LIST_GAP.match(text[d.end : after.start]):
            drafts[i] = replace(d, unit=after.unit, noun=after.noun)
    for i, d in enumerate(drafts):
        model = _SIZE_IN_PARENS.search(text, max(0, d.start - 40), d.start) if not d.unit else None
        if model and d.number.scale >= 1e6 and text[d.end : d.end + 1] == ")":  # "DeepSeek-V3 (671B)"
            drafts[i] = replace(d, unit="params", noun="parameters", implied=False, subject=model.group("model"))
            continue
        # "6710억 개의 매개변수 중 370억 개만": a bare Korean count among a size is part of it
        part_of = d.unit == "count" and d.noun is None and _KO_AMONG.search(text, max(0, d.start - 4), d.start)
        if not part_of and (d.unit or not (
                _PART_AFTER.match(text, d.end) or _PART_BEFORE.search(text, max(0, d.start - 40), d.start))):
            continue
        sentence_start = _sentence_of(sentences, d.start)[0]
        whole = next((o for o in reversed(drafts[:i]) if o.unit in _INHERITABLE and o.start >= sentence_start), None)
        if whole is not None:
            active = whole.unit == "params" and _ACTIVE.match(text, d.end)
            noun = "active parameters" if active else whole.noun if part_of else _INHERITABLE[whole.unit]
            drafts[i] = replace(d, unit=whole.unit, kind=whole.kind, noun=noun)
    # "27B trained on 13 trillion tokens, the 9B model on 8 trillion": a size with its magnitude as a word and
    # nothing after it says the unit of the last size of that magnitude written before it in its sentence
    for i, d in enumerate(drafts):
        if d.unit or not _MAGNITUDE_WORD.search(text, d.number.start, d.number.end):
            continue
        sentence_start = _sentence_of(sentences, d.start)[0]
        like = next((o for o in reversed(drafts[:i]) if o.unit in _INHERITABLE and not o.implied
                     and o.start >= sentence_start and o.number.scale == d.number.scale), None)
        if like is not None:
            drafts[i] = replace(d, unit=like.unit, kind=like.kind, noun=like.noun)
    return [d for d in drafts if d.unit]


# --- what only looks like a metric ----------------------------------------------------------------------


def _keep(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """Drop a size inside a model's name, a year or a label taken for a count, and prices."""
    kept = []
    for d in drafts:
        q = d.number
        near = text[max(0, q.start - 5) : q.start]
        priced = any(c in near for c in _CURRENCY_SIGNS) or "USD" in near or "EUR" in near
        if priced and _CURRENCY_BEFORE.search(near):
            continue
        if (d.implied or d.unit == "count") and _after_model_name(text, q.start):
            continue
        if d.unit == "count" and (_LABEL_BEFORE.search(text, max(0, q.start - 12), q.start) or _is_year(q, text)):
            continue
        kept.append(d)
    return kept


def _is_year(q: Quantity, text: str) -> bool:
    """"2024 papers" is a year far more often than a count; "2,048 GPUs" is not a year."""
    return text[q.start : q.end].isdigit() and 1900 <= q.value <= 2039


def _last_two_words_at(text: str) -> int:
    """Where the whitespace before the last two words of `text` starts (0 if it has fewer): a match of
    `_MODEL_NAME_BEFORE`, a word and perhaps a version number, starts after it."""
    head = text.rsplit(None, 2)
    return len(head[0]) if len(head) > 2 else 0


def _after_model_name(text: str, pos: int) -> bool:
    """True for "Llama 2 70B", "LLaMA3 8B", "Mistral 7B": the number is part of the model's name."""
    before = text[max(0, pos - 40) : pos]
    m = _MODEL_NAME_BEFORE.search(before, _last_two_words_at(before))
    if not m:
        return False
    prev = m.group("prev")
    if context.looks_like_model(prev):
        return True
    if not prev[0].isupper() or prev.lower() in STOPWORDS or prev.lower() in ("top", "my"):
        return False
    # A capital opening a sentence may be any word ("Using 16 GPUs"), but not one before a version or a "7B".
    at_start = re.search(r"(?:^|[.!?]\s+)$", before[: m.start()]) is not None
    return not at_start or m.group("version") is not None or _SIZE_SUFFIX.match(text, pos) is not None


# --- the words around a metric ----------------------------------------------------------------------------


def _metric(text: str, drafts: list[_Draft], i: int, sentences: list[tuple[int, int]],
            consumed: int) -> tuple[Metric, int]:
    d = drafts[i]
    s_start, s_end = _sentence_of(sentences, d.start)
    prev_end = max([o.end for o in drafts[:i] if o.end <= d.start] + [s_start, consumed])
    next_start = min([o.start for o in drafts[i + 1 :] if o.start >= d.end] + [s_end])
    name, consumed = _name(text, d, prev_end, next_start, consumed)
    direction = None
    if d.unit in SCORE_UNITS or d.unit == "x":  # a size or a count neither grows nor shrinks anything
        clause_start = context.clause_start(text, s_start, d.start)
        direction = context.direction(text, (d.start, d.end), clause_start, next_start, d.unit)
    qualifier = d.role or context.qualifier(text, (d.number.start, d.number.end), d.end, s_start, d.unit)
    return Metric(
        value=d.value,
        unit=d.unit,
        name=context.short_name(name),
        text=_snippet(text, (s_start, s_end), d.start, d.end),
        kind="relative" if d.unit == "%" and direction else d.kind,
        qualifier=qualifier,
        direction=direction,
        subject=d.subject or context.subject(text, s_start, d.start, s_end),
    ), consumed


def _name(text: str, d: _Draft, prev_end: int, next_start: int, consumed: int) -> tuple[str | None, int]:
    """Scores are named by their benchmark; sizes, counts and multipliers by what they measure. Also
    returns how far benchmark names have been used up, so the next score does not take the same one."""
    # The phrases around the number are read only where no better name is found first (both are pure).
    def after() -> str | None:
        return context.phrase_after(text, d.end, next_start)

    def before() -> str | None:
        return context.phrase_before(text, context.clause_start(text, prev_end, d.start), d.start)

    if d.unit in SCORE_UNITS:
        if adjacent := context.benchmark_adjacent(text, prev_end, d.start):
            return adjacent, consumed
        if found := context.benchmark_after(text, d.end, next_start):
            return found
        return context.benchmark_before(text, prev_end, d.start) or after() or before(), consumed
    if d.unit == "x":
        if phrase := after() or before():
            return phrase, consumed
        found = context.benchmark_after(text, d.end, next_start)
        return (found[0] if found else None), consumed
    return d.noun or after(), consumed


def _sentences(text: str) -> list[tuple[int, int]]:
    # (_STOP_END takes the full stop along: a sentence ends one character into its match)
    ends, stop = (_SENTENCE_END, 0) if "\n" in text else (_STOP_END, 1)
    spans, start = [], 0
    for m in ends.finditer(text):
        spans.append((start, m.start() + stop))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    return sentences[max(0, bisect_right(sentences, (pos, math.inf)) - 1)]


def _snippet(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The sentence around the metric, cut to about 200 characters at word boundaries."""
    s_start, s_end = sentence
    if s_end - s_start > _MAX_SNIPPET:
        room = max(0, (_MAX_SNIPPET - (end - start)) // 2)
        s_start, s_end = max(s_start, start - room), min(s_end, end + room)
        while 0 < s_start < start and not text[s_start - 1].isspace():
            s_start += 1
        while end < s_end < len(text) and not text[s_end].isspace():
            s_end -= 1
    return text[s_start:s_end].strip()
