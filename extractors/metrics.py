"""Metric extraction: the numbers a paper's blurb reports ("56% on HellaSwag", "6x faster decoding",
"1.7B parameters", "6710억 개의 매개변수"), as `Metric` records.

Runs once per item, on its blurb text (plain visible text, English or Korean), from item extraction.
Pure: no network, no clock. The reader is a pipeline of stages, each a module with its own tests:

1. find the numbers: `extractors.numbers` ("1,000", "1.7B", "6710억", "two times");
2. read their units: `extractors.metric_units` (the unit after a number, or said before it);
3. make drafts: `extractors.metric_drafts` (ranges, bare sizes given their neighbours' unit, and what only
   looks like a metric dropped: a size inside a model's name, a year, a price);
4. name them: `extractors.metric_names` (the benchmark a score is on, the quantity a multiplier measures; in
   a list of scores, the benchmarks listed with them, "56% and 70% on MMLU and GSM8K", or the name right before
   each, "Cora 81.5%, Citeseer 70.3%");
5. read the rest of their context: `extractors.metric_context` (the subject, the qualifier, the direction).

Every word list the stages use is in `extractors.metric_words`; the windows they read (sentences, clauses)
come from `extractors.metric_spans`. This module runs the stages and keeps one metric per (name, value, unit).
"""

from __future__ import annotations

import math
from bisect import bisect_left

from extractors import metric_context as context
from extractors.metric_benchmarks import LIST_JOIN, listed_name_before, listed_name_between
from extractors.metric_drafts import Draft, read_drafts
from extractors.metric_names import name_metric, respective_names
from extractors.metric_spans import clause_start, sentence_of, sentences, short_name, snippet
from extractors.metric_units import is_score_unit
from extractors.numbers import find_quantities
from records.documents import Metric


def extract_metrics(text: str) -> list[Metric]:
    """Every metric `text` reports, in order of appearance, one per (name, value, unit)."""
    return [metric for _, _, metric in locate_metrics(text)]


def locate_metrics(text: str) -> list[tuple[int, int, Metric]]:
    """`extract_metrics` with where each metric's phrase sits in `text` (start, end offsets, both ends of a
    range for its two records), so a caller can tell which clause, and so which paper, a number belongs to."""
    quantities = find_quantities(text)
    if not quantities:
        return []
    spans = sentences(text)
    drafts = read_drafts(text, quantities, spans)
    metrics: list[tuple[int, int, Metric]] = []
    seen: set[tuple[str, float, str]] = set()
    consumed = 0  # where the last benchmark name taken by a score ended
    respective = _respective(text, drafts, spans)
    for i, window in enumerate(_windows(drafts)):
        metric, consumed = _metric(text, drafts[i], window, spans, consumed, respective.get(drafts[i].start))
        key = ((metric.name or "").lower(), round(metric.value, 9), metric.unit)
        if metric.unit in ("points", "score") and not metric.name and not metric.direction:
            continue  # "3 points" or "a score of 8" with nothing scored is not a result
        if not math.isfinite(metric.value):
            continue  # a run of 400 digits is no measurement
        if key not in seen:
            seen.add(key)
            metrics.append((drafts[i].start, drafts[i].end, metric))
    return metrics


def _respective(text: str, drafts: list[Draft], spans: list[tuple[int, int]]) -> dict[int, tuple[str, int]]:
    """The benchmark of each score listed with others in a sentence that lists as many benchmarks."""
    runs: list[list[tuple[int, int]]] = []
    for prev, d in zip([None, *drafts], drafts, strict=False):  # (each draft with the one before it)
        if not is_score_unit(d.unit) or d.role == "range-high":
            continue
        joined = prev is not None and is_score_unit(prev.unit) and LIST_JOIN.fullmatch(text, prev.end, d.start)
        if joined and runs and runs[-1][-1][1] == prev.end and sentence_of(spans, prev.start) == sentence_of(
                spans, d.start):
            runs[-1].append((d.start, d.end))
        else:
            runs.append([(d.start, d.end)])
    names: dict[int, tuple[str, int]] = {}
    for run in (r for r in runs if len(r) > 1):
        names.update(respective_names(text, [run], sentence_of(spans, run[0][0])))
    names.update(_listed(text, drafts, spans))
    return names


def _listed(text: str, drafts: list[Draft], spans: list[tuple[int, int]]) -> dict[int, tuple[str, int]]:
    """The name of each score in a list of scores that each follow a name of their own: "Cora 81.5%, Citeseer
    70.3% and Pubmed 79.0%" (every score of the list has one, each different)."""
    runs: list[list[tuple[Draft, str]]] = []
    prev_end = 0  # where the draft before ends
    for d in drafts:
        if is_score_unit(d.unit) and d.role != "range-high":
            last = runs[-1][-1][0] if runs else None
            name = listed_name_between(text, last.end, d.start) if last is not None and last.end == prev_end else None
            if name is not None:
                runs[-1].append((d, name))
            elif first := listed_name_before(text, max(prev_end, sentence_of(spans, d.start)[0]), d.start):
                runs.append([(d, first)])
        prev_end = max(prev_end, d.end)
    names: dict[int, tuple[str, int]] = {}
    for run in runs:
        if len(run) > 1 and len({name.lower() for _, name in run}) == len(run):
            names.update({d.start: (name, d.start) for d, name in run})
    return names


def _windows(drafts: list[Draft]) -> list[tuple[int, int | None]]:
    """For each draft, where the drafts before it end and the drafts after it start (the other end of a
    range, which shares its span, is neither): the window its words are read in."""
    starts = [d.start for d in drafts]
    windows = []
    latest = 0  # the latest end of the drafts so far
    for i, d in enumerate(drafts):
        # (drafts overlap only where two share a phrase: then the ends before this one are looked at one by one)
        prev_end = latest if latest <= d.start else max((o.end for o in drafts[:i] if o.end <= d.start), default=0)
        after = bisect_left(starts, d.end, i + 1)  # (drafts are in order of their start)
        windows.append((prev_end, starts[after] if after < len(drafts) else None))
        latest = max(latest, d.end)
    return windows


def _metric(text: str, d: Draft, window: tuple[int, int | None], spans: list[tuple[int, int]],
            consumed: int, respective: tuple[str, int] | None = None) -> tuple[Metric, int]:
    """The metric of draft `d`: named (stage 4), then its subject, qualifier and direction read (stage 5),
    each within its sentence and between the drafts before and after it (`window`)."""
    s_start, s_end = sentence_of(spans, d.start)
    prev_end = max(window[0], s_start, consumed)
    next_start = s_end if window[1] is None else min(window[1], s_end)
    if respective is not None:  # "56% and 70% on MMLU and GSM8K": one of a list of scores on a list of benchmarks
        name, consumed = respective[0], max(consumed, respective[1])
    else:
        name, consumed = name_metric(text, d.unit, d.noun, (d.start, d.end), (prev_end, next_start), s_start,
                                     consumed, solved=d.out_of is not None)
    direction = None
    if is_score_unit(d.unit) or d.unit == "x":  # a size or a count neither grows nor shrinks anything
        direction = context.direction(text, (d.start, d.end), clause_start(text, s_start, d.start), next_start, d.unit)
    qualifier = d.role or context.qualifier(text, (d.number.start, d.number.end), d.end, s_start, d.unit)
    return Metric(
        value=d.value,
        unit=d.unit,
        name=short_name(name),
        text=snippet(text, (s_start, s_end), d.start, d.end),
        kind="relative" if d.unit == "%" and direction else d.kind,
        qualifier=qualifier,
        direction=direction,
        subject=d.subject or context.subject_after(text, d.end) or context.subject(text, s_start, d.start, s_end),
    ), consumed
