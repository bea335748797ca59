"""What a number measures: the unit written after it ("%", "x", "6배", "parameters", "GB", "H100 GPUs",
"매개변수", "8개의 전문가"), normalised to the units `Metric` records carry, and the numbers that are
never metrics (prices, dates, durations of a reading, ordinals).

The reader's second stage: runs inside `extractors.metrics`, once per number that `extractors.numbers`
found; pure. The words are in `extractors.metric_words`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from extractors import metric_benchmarks as benchmarks
from extractors.metric_words import (
    BACK_REFERENCES,
    CASED_SCORE_UNITS,
    CONTEXT_BEFORE,
    CONTEXT_NOUNS,
    COPULAS,
    COUNT_UNITS,
    COUNTER_NOUNS,
    DISCOUNT_WORDS,
    FLOP_UNIT,
    INCREASE_WORDS,
    KO_ACTIVE,
    KO_CONTEXT_NOUNS,
    KO_COUNTER_NOUNS,
    KO_COUNTER_QUALIFIERS,
    KO_COUNTERS,
    KO_DURATION_AFTER,
    KO_DURATION_COUNTERS,
    KO_MODEL_NOUNS,
    KO_NOT_BAE,
    KO_NOT_COUNTED_AFTER,
    KO_NOT_METRIC,
    KO_NOUN_COUNTERS,
    KO_OVER_PHRASES,
    KO_PARTICLES,
    KO_PER_SUFFIXES,
    KO_TOPIC_PARTICLES,
    KO_UNIT_NOUNS,
    MEASURE_UNITS,
    MEASURES_BEFORE,
    MODEL_NOUNS,
    MOE_PART_WORDS,
    MULTIPLIER_SPELLINGS,
    NOT_COUNT_PLURALS,
    NOT_COUNTED,
    NOT_DURATION_AFTER,
    NOT_METRIC_NOUNS,
    PERCENT_SPELLINGS,
    POINT_MODIFIERS,
    POINT_SPELLINGS,
    RANGE_QUALIFIERS,
    REDUCTION_WORDS,
    SCORE_PREPOSITIONS,
    SCORE_UNIT_WORDS,
    SIZE_COMPARATIVES,
    SIZE_NOUNS,
    STOPWORDS,
    TIME_NOUNS,
    TIMES_BEFORE,
    TIMES_END_WORDS,
    alternation,
    change_verb_forms,
    plural,
)
from extractors.numbers import Quantity, looks_like_year
from extractors.prefilter import ends_with, last_words, stems

#: Units that score a result, as opposed to sizing or counting something.
SCORE_UNITS = frozenset({"%", "pp", "score", *SCORE_UNIT_WORDS.values(), *CASED_SCORE_UNITS.values()})


@lru_cache(maxsize=256)  # pure; every stage asks again about the same few units, and most take the pattern
def is_score_unit(unit: str | None) -> bool:
    """A unit that scores a result: one of `SCORE_UNITS`, or a ranking or detection score ("nDCG@10", "top-1")."""
    return unit in SCORE_UNITS or (unit is not None and _RANKED_SCORE.fullmatch(" " + unit) is not None)
TIME_UNITS = frozenset({*TIME_NOUNS.values(), "GPU hours"})

_PP = re.compile(r"\s?(?:%\s?p(?![A-Za-z])|%\s?포인트|퍼센트\s?포인트|percentage[\s-]points?\b|pp\b|p\.p\.)")
_PERCENT = re.compile(r"\s?(?:%|percent\b|per\s?cent\b|퍼센트)")
_X = re.compile(r"(?:[xX]|\s?×)(?![\w×])(?!\s?\d)")
_GPU_WORDS = r"(?:[AHBLV]\d{2,3}|GPU|TPU)s?"  # "16 H100s", "8 GPUs"
_X_GPUS = re.compile(rf"[xX×]\s+(?={_GPU_WORDS}\b)")
_FOLD = re.compile(r"-?fold\b")
_TIMES = re.compile(rf"\s+times\b(?=\s+(?:{alternation(INCREASE_WORDS | REDUCTION_WORDS | set(TIMES_BEFORE))})\b)",
                    re.IGNORECASE)
_TIMES_AT_END = re.compile(rf"\s+times\b(?=\s*(?:[.,;)]|$|(?:{alternation(TIMES_END_WORDS)})\b))", re.IGNORECASE)
# (a verb whose object is what it changes, in any form: "boosts throughput 5.76 times")
_CHANGE_VERB = re.compile(
    rf"\b(?:{alternation(stems(change_verb_forms(takes='object')))})\w*\s+(?:\S+\s+){{0,4}}$", re.IGNORECASE
)
# (... or "by" after it, however long the object: "cuts the number of trainable parameters by 10,000 times")
_TIMES_WORD = re.compile(r"\s+times\b", re.IGNORECASE)
_CHANGE_BY = re.compile(
    rf"\b(?:{alternation(stems(change_verb_forms(takes='object')))})\w*\s+(?:[^\s.;:]+\s+){{0,12}}?by\s+$",
    re.IGNORECASE,
)
_BAE = re.compile(rf"\s?배(?![{KO_NOT_BAE}])")
# What the percent and multiplier patterns open with, after at most one space (after any, for a multiplier):
# most numbers are neither, and are turned away on one character.
_PERCENT_OPENERS = frozenset(c for s in PERCENT_SPELLINGS + POINT_SPELLINGS for c in (s[0], s[0].upper()))
_MULTIPLIER_OPENERS = frozenset(c for s in MULTIPLIER_SPELLINGS for c in (s[0], s[0].upper()))
_DISCOUNT = re.compile(rf"\s*(?:off\b(?!-)|{alternation(DISCOUNT_WORDS)})", re.IGNORECASE)

_NEXT_WORD = re.compile(r"\+?[\s-]{0,2}(?P<w>[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z]+)?)(?![A-Za-z0-9])")
# "11 min read", "3 days ago": the time it takes to read the post, or since something happened
_NOT_DURATION = re.compile(rf"[\s-]+(?:{alternation(NOT_DURATION_AFTER)})\b", re.IGNORECASE)
_PER_SECOND = re.compile(r"\s*(?:per\s+second|/\s?s(?:ec)?\b|a\s+second)", re.IGNORECASE)
_NEXT_HANGUL = re.compile(r"\s?(?P<w>[가-힣]+)")
# "32B 세 가지 크기", "72B까지 다양한 크기", "14B 등 여러 규모": a size noun past a few words that only say how many
# kinds ("세 가지", "다양한", "여러", "등") or close a range ("까지")
_KO_SIZE_AHEAD = re.compile(
    r"\s?(?:까지|부터)?\s?(?:등\s)?(?:다양한\s|여러\s|(?:[가-힣]{1,2}|\d+)\s?가지\s?)?(?:의\s?)?"
    rf"(?:{alternation(n for n in KO_MODEL_NOUNS if n != '모델')})"
)
# "7B 일본어 수학 모델": a model noun past one or two nouns that say what kind of model (no particle ends them)
_KO_MODEL_AHEAD = re.compile(r"(?:\s[가-힣]+(?<![은는을를과와도에])){1,2}\s모델")
_MEASURE_UNIT = re.compile(rf"^(?:{FLOP_UNIT}|{'|'.join(MEASURE_UNITS)})$")
# Units whose noun phrase says what is measured ("total parameters", "pre-training tokens").
_NAMED_UNITS = frozenset({"params", "tokens", "bytes", "epochs", "steps"})
_KO_COUNTERS = re.compile(rf"\s?(?:{alternation(KO_COUNTERS)})")
# The counted noun follows the counter after "의", "넘는" or a space ("8개의 전문가", "1,000개 이상의 문제",
# "130억 개가 넘는 파라미터", "10개 언어"); a particle glued to the counter ("2개를") means it came before.
_COUNTED_AFTER = re.compile(
    rf"(?:\s?(?:{alternation(KO_COUNTER_QUALIFIERS)})?의\s?|\s?(?:{alternation(KO_OVER_PHRASES)})\s|\s)"
    r"([가-힣]+|[A-Za-z][A-Za-z0-9-]*(?:\s[A-Z][A-Za-z0-9]*)?)"
)
_KO_NOT_METRIC = re.compile(rf"\s?(?:{alternation(KO_NOT_METRIC)})")
_KO_PARTICLES = re.compile(rf"(?:{alternation(KO_PARTICLES)})$")
_GPU_BEFORE = re.compile(r"GPU[^.\n]{0,12}$")
# Retrieval, ranking, detection and code-generation scores ("nDCG@10", "MRR@10", "Recall@5", "recall-at-5",
# "top-1", "box AP", "AP50", "pass@1"), written after their number (`_RANKED_SCORE`) or before it ("an MRR@10 of
# 36.0", `_MEASURE_BEFORE`)
_RANKED_UNITS = (
    r"(?i:n?dcg|mrr|map|recall|r|hits?|p|precision|acc|success|pass)(?:@|-at-)\d{1,4}|(?i:top)-[1-5](?![0-9])"
    r"|(?i:box|mask) AP(?:50|75)?|AP(?:50|75)|mAP@[\d.:]+"
)
# A unit said before the number: "an Elo rating of 2,029", "a BLEU score of 41.2", "a speedup of 2.3", "an
# MRR@10 of 36.0", "COCO에서 AP 42.0", "GLUE 점수 80.5" ...
# ... and the high side of a change of one: "FID from 18.65 to 1.73", "perplexity drops from 12.3 to 9.8"
_MEASURE_BEFORE = re.compile(
    rf"\b(?P<m>ROUGE(?:-\w+)?|{_RANKED_UNITS}|(?-i:{alternation(CASED_SCORE_UNITS)})"
    rf"|{alternation(set(MEASURES_BEFORE) - {'rouge'})})(?:\s+(?:score|rating))?[{KO_TOPIC_PARTICLES}]?\s+"
    r"(?:(?:[a-z]+\s+)?(?:of|to|from(?:\s+\d[\d.,]*\s+(?:to|->|→))?)\s+)?"
    rf"(?:(?:{alternation(RANGE_QUALIFIERS)})\s+)?$",
    re.IGNORECASE,
)
# "the context from 16K to 128K", "a context window of 128K", "context length: 32K", "컨텍스트 길이 128K"
_CONTEXT_BEFORE = re.compile(
    rf"(?:\b(?i:{alternation(CONTEXT_BEFORE)}))(?:[은는을를이가]|\s*[:=]|\s+(?:of|from|to|is|up\s+to))?\s*"
    r"(?:\d[\d.,]*[KkMB]?\s*(?:to|에서|->|→)\s*)?$"
)
# "the 94th percentile", "a 96th-percentile rating", "94번째 백분위": a rank among people, a score
_PERCENTILE = re.compile(r"(?:st|nd|rd|th)[\s-]percentile\b", re.IGNORECASE)
_KO_PERCENTILE = re.compile(r"\s?번째\s?백분위")
_KO_DURATION = re.compile(
    rf"\s?(?P<c>{alternation(KO_DURATION_COUNTERS)})\s?(?:{alternation(KO_DURATION_AFTER)})"
)
# ... and a time counter after a number with a fraction, alone or before a particle ("3.5일 학습", "2.5분이")
_KO_FRACTION_TIME = re.compile(
    rf"\s?(?P<c>{alternation(KO_DURATION_COUNTERS)})(?:(?![가-힣])|(?=[이을로과와은는도만에입]))"
)
# "단계" after a number is a count of steps where the sentence says how many it takes ("4단계로", "8단계 만에",
# "2단계 이내"); elsewhere it names a stage ("1단계: 정렬 학습", "2단계에서는")
_KO_STEPS = re.compile(r"\s?단계(?=\s?(?:으?로[도는만]?|만에|만으로|이내|안에|까지)(?![가-힣]))")
# "일" after a number, alone or before a particle ("675일 대", "400일이"), not opening a word ("일부", "일반")
_KO_MANY_DAYS = re.compile(r"\s?일(?![가-힣])|\s?일(?=[이의을로과와은는도만에입])")
_AFTER_COMMA = re.compile(r",\s(?=[A-Za-z])")
# Counters after a number ("1 comment", "12 comments"), before it ("Likes: 34", "Views 1.2K": plural only, since
# "gains like 5%" is no counter), and in Korean before it, bare or with 수 or a particle ("조회수 1.2만", "공유가 9")
_COUNTERS_AFTER = frozenset({*COUNTER_NOUNS, *map(plural, COUNTER_NOUNS)})
_COUNTERS_BEFORE = frozenset(map(plural, COUNTER_NOUNS))
_KO_COUNTERS_BEFORE = frozenset(
    {*KO_COUNTER_NOUNS, *(n + "수" for n in KO_COUNTER_NOUNS), *(n + p for n in KO_COUNTER_NOUNS for p in "가이는은도")}
)
_ON = re.compile(rf"\s+(?:{alternation(SCORE_PREPOSITIONS)})\s+(?:the\s+)?")
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:\d[\d.,]*\s+(?:to|->|→)\s+)?$")
_SCORE_END = re.compile(r"\s*(?:[,;)]|\.(?!\d)|$|\s(?:and|on|vs\.?|versus|while|with)\b)")
_GPU = re.compile(_GPU_WORDS, re.IGNORECASE)


class Reading(NamedTuple):
    """The unit read after a number. `unit is None` when nothing was written; `excluded` when what
    was written says the number is not a metric (a price, a date, a discount). (A named tuple: one is
    made for every number.)"""

    unit: str | None
    kind: str | None = None
    noun: str | None = None  # the measured noun phrase as written: "total parameters", "H100 GPUs"
    end: int = 0
    excluded: bool = False
    explicit: bool = True  # False when only implied ("a 7B model" -> params)


def is_plural_noun(word: str) -> bool:
    lower = word.lower()
    if lower in STOPWORDS or lower in NOT_COUNT_PLURALS or lower in NOT_METRIC_NOUNS or lower in NOT_COUNTED:
        return False
    if _GPU.fullmatch(word) and lower.endswith("s"):
        return True  # "8 A100s", "16 GPUs"
    # "corpus", "bonus", "basis" are singular; "GPUs", "LLMs" are not
    singular = lower.endswith("ss") or (word.islower() and lower.endswith(("us", "is")))
    return len(word) >= 3 and word.isalpha() and lower.endswith("s") and not singular


def strip_particle(word: str) -> str:
    # 이/가 are also the last syllable of many nouns (전문가), so they are only cut from longer words.
    if len(word) >= 4 and word[-1] in "이가":
        return word[:-1]
    stripped = _KO_PARTICLES.sub("", word)
    return stripped if len(stripped) >= 2 else word


def read_unit(text: str, q: Quantity) -> Reading:
    """What `q` measures, read from the text right after it (`read_unit_before` reads what is before it)."""
    if q.unit_hint:
        return Reading(q.unit_hint, "relative", end=q.end)
    readers = (_multiplier,) if q.word else (_percent, _multiplier, _korean, _ranked_score, _benchmark_unit, _english)
    reading = next((r for r in (reader(text, q) for reader in readers) if r is not None), None)
    if reading is None or (reading.unit is None and not reading.excluded):
        if not q.word and _changed_on_benchmark(text, q):
            return Reading("score", "score", end=q.end)
    return reading or Reading(None, end=q.end)


def _changed_on_benchmark(text: str, q: Quantity) -> bool:
    """A bare decimal a benchmark changes from or to, both ends of the pair: "MultiArith from 78.7 to 82.0" (the
    one reading of what is before a number that comes first: a pair of numbers pairs on their readings)."""
    if "." not in text[q.start : q.end] or not (m := _FROM_BEFORE.search(text, max(0, q.start - 24), q.start)):
        return False
    name = benchmarks.benchmark_before_from(text, max(0, m.start() - 64), m.start() + 4)
    # (a measure is no benchmark: "FID from 18.65 to 1.73" is read by the measure before it)
    return name is not None and _MEASURE_BEFORE.fullmatch(name + " ") is None


def read_unit_before(text: str, q: Quantity, r: Reading) -> Reading:
    """Where nothing after `q` (read as `r`) says its unit: a unit said before the number or by the benchmark
    around it, "an Elo rating of 2,029", "a speedup of 2.3", "scores 8.9 on MT-Bench", "MMLU: 70.1"."""
    if r.excluded or q.word:
        return r
    # (a counter's name before its number matters where the number counts something or is a bare size, which
    # may take a neighbour's unit: "Views 1.2K", "조회수 1.2만")
    if (r.unit == "count" or (r.unit is None and q.scale > 1)) and _after_counter(text, q.start):
        return Reading(None, end=q.end, excluded=True)
    if r.unit is None and q.scale >= 1e3 and _CONTEXT_BEFORE.search(text, max(0, q.start - 40), q.start):
        return Reading("tokens", "size", noun="context", end=q.end)
    if r.unit is not None or q.scale > 1:
        return r
    if m := _MEASURE_BEFORE.search(text, max(0, q.start - 60), q.start):
        measure = m.group("m")
        unit = CASED_SCORE_UNITS.get(measure) or MEASURES_BEFORE.get(measure.lower()) or (
            measure if _RANKED_SCORE.fullmatch(measure) else measure.upper())
        return Reading(unit, "relative" if unit == "x" else "score", end=q.end)
    number = text[q.start : q.end]
    on = _ON.match(text, q.end)
    if on and benchmarks.starts_with_benchmark(text, on.end()) and not looks_like_year(q, text):
        return Reading("score", "score", end=q.end)
    # a bare decimal right after a known benchmark: "MMLU 70.1, GSM8K 80.2"
    scored = "." in number and _SCORE_END.match(text, q.end)
    if scored and benchmarks.benchmark_adjacent(text, max(0, q.start - 40), q.start):
        return Reading("score", "score", end=q.end)
    return r


def _after_counter(text: str, start: int) -> bool:
    """Whether the word right before a number (past a colon, a dot or a bar) names a counter: "Likes: 34"."""
    before = text[max(0, start - 16) : start].rstrip(" :·|\t")
    if not before or not before[-1].isalpha():
        return False  # (most numbers follow a space after a digit, a sign or punctuation)
    word = before.rsplit(None, 1)[-1]
    return word.lower() in _COUNTERS_BEFORE or word in _KO_COUNTERS_BEFORE


def _next_char(text: str, pos: int, spaces: int | None = None) -> str:
    """The first character at or after `pos` that is not whitespace, looking past at most `spaces` of it."""
    char = text[pos : pos + 1]
    if not char.isspace():
        return char  # (most numbers: their unit is glued to them, or nothing is)
    end = len(text) if spaces is None else min(len(text), pos + spaces)
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos : pos + 1]


def _percent(text: str, q: Quantity) -> Reading | None:
    if _next_char(text, q.end, 1) not in _PERCENT_OPENERS:
        return None  # (what both patterns open with, after at most one space: most numbers are not percentages)
    if m := _PP.match(text, q.end):
        return Reading("pp", "relative", end=m.end())
    if m := _PERCENT.match(text, q.end):
        excluded = _DISCOUNT.match(text, m.end()) is not None
        return Reading("%", "score", end=m.end(), excluded=excluded)
    return None


def _multiplier(text: str, q: Quantity) -> Reading | None:
    if _next_char(text, q.end) not in _MULTIPLIER_OPENERS:
        return None  # (what every pattern below opens with, after any spaces)
    if not q.word and (m := _X_GPUS.match(text, q.end)):
        gpus = _NEXT_WORD.match(text, m.end())
        return Reading("count", "count", noun=gpus.group("w") if gpus else None, end=m.end())
    for pattern in (_X, _FOLD, _TIMES, _BAE):
        if (m := pattern.match(text, q.end)) and not (q.word and pattern is _X):
            return Reading("x", "relative", end=m.end())
    # "boosts throughput 5.76 times.": bare "times" is a multiplier only after a verb of change
    if (m := _TIMES_AT_END.match(text, q.end)) and _CHANGE_VERB.search(text, max(0, q.start - 60), q.start):
        return Reading("x", "relative", end=m.end())
    if (m := _TIMES_WORD.match(text, q.end)) and _CHANGE_BY.search(text, max(0, q.start - 100), q.start):
        return Reading("x", "relative", end=m.end())  # "by 10,000 times and ...": "by" makes it a multiplier
    return None


def _korean(text: str, q: Quantity) -> Reading | None:
    rest = text[q.end : q.end + 2].lstrip()
    if not rest or not ("가" <= rest[0] <= "힣"):
        return None
    if m := _KO_PERCENTILE.match(text, q.end):
        return Reading("percentile", "score", end=m.end())
    if (m := _KO_DURATION.match(text, q.end)) or (not q.value.is_integer() and (m := _KO_FRACTION_TIME.match(
            text, q.end))):
        # "3일 만에", "7분이면", "3.5일": a duration, not the 3rd, nor a fraction
        return Reading(KO_DURATION_COUNTERS[m.group("c")], "size", end=m.end("c"))
    if m := _KO_STEPS.match(text, q.end):
        return Reading("steps", "count", noun="단계", end=m.end())  # "4단계로 줄어든다": how many steps it takes
    if q.value > 31 and (m := _KO_MANY_DAYS.match(text, q.end)):
        return Reading("days", "size", end=m.end())  # "675일": no month has that day, so a number of days
    if q.scale >= 1e6 and _KO_SIZE_AHEAD.match(text, q.end):
        return Reading("params", "size", noun="parameters", end=q.end, explicit=False)  # "32B 세 가지 크기"
    if q.scale >= 1e6 and _KO_MODEL_AHEAD.match(text, q.end) and not _counted(text, q.end) and _korean_noun(
            text, q.end, q) is None:
        return Reading("params", "size", noun="parameters", end=q.end, explicit=False)  # "7B 일본어 수학 모델"
    if _KO_NOT_METRIC.match(text, q.end):
        return Reading(None, end=q.end, excluded=True)
    if noun := _korean_noun(text, q.end, q):
        return noun
    if m := _KO_COUNTERS.match(text, q.end):
        if (counter := m.group().strip()) in KO_NOUN_COUNTERS:
            return Reading("count", "count", noun=counter, end=m.end())  # "5문제": the counter names what it counts
        return _korean_count(text, q, m.end())
    return Reading(None, end=q.end)


def _counted(text: str, pos: int) -> bool:
    """A Korean counter stands alone right after the number ("17억 개 파라미터"), not the start of a word ("일본어")."""
    m = _KO_COUNTERS.match(text, pos)
    return m is not None and not ("가" <= text[m.end():m.end() + 1] <= "힣")


def _korean_noun(text: str, pos: int, q: Quantity) -> Reading | None:
    m = _NEXT_HANGUL.match(text, pos)
    if not m:
        return None
    if q.scale >= 1e3 and m.group("w").startswith(KO_CONTEXT_NOUNS):
        return Reading("tokens", "size", noun=m.group("w")[:4].rstrip("의로에"), end=m.end())
    if q.scale >= 1e6 and m.group("w").startswith(KO_MODEL_NOUNS):
        return Reading("params", "size", noun="parameters", end=q.end, explicit=False)
    for noun, unit, kind in KO_UNIT_NOUNS:
        if m.group("w").startswith(noun):
            if unit == "hours" and _GPU_BEFORE.search(text, max(0, q.start - 24), q.start):
                unit = "GPU hours"
            return Reading(unit, kind, noun=noun, end=m.start("w") + len(noun))
    return None


_LAST_WORD = re.compile(r"([가-힣A-Za-z]+)\s*$")
# (the singular of each unit noun whose plural is one too: "parameter", "param", "token", "epoch")
_UNIT_NOUNS = {**SIZE_NOUNS, **COUNT_UNITS}
# The stopwords that are no unit, no comparative and no word of the scan's own: one of them after a number ends
# the scan with no unit
_PLAIN_STOPWORDS = STOPWORDS - {*SIZE_NOUNS, *TIME_NOUNS, *COUNT_UNITS, *SCORE_UNIT_WORDS, *CONTEXT_NOUNS, *MODEL_NOUNS,
                                *NOT_METRIC_NOUNS, *MOE_PART_WORDS, *SIZE_COMPARATIVES, *_COUNTERS_AFTER}
_SINGULAR_NOUNS = tuple(n for n in _UNIT_NOUNS if _UNIT_NOUNS.get(n + "s") == _UNIT_NOUNS[n])
_SINGULAR_END = re.compile(rf"\b({alternation(_SINGULAR_NOUNS)})$", re.IGNORECASE)
# (what a noun must end with for `_SINGULAR_END` to match: a case-blind pattern tried at every word boundary
# costs more than looking at the end first)
_SINGULAR_ENDINGS = last_words(_SINGULAR_NOUNS)


def _korean_count(text: str, q: Quantity, end: int) -> Reading:
    """"전문가 2개", "매개변수는 370억 개", "8개의 전문가", "10개 언어": the noun after the counter says what
    is counted, else the noun before it."""
    after = _COUNTED_AFTER.match(text, end)
    if after and (after.group(1) in KO_NOT_COUNTED_AFTER or after.group(1).startswith(KO_ACTIVE)):
        after = None  # "8개 중 2개": "among" counts nothing; "220억 개 활성": what is active is for the drafts
    before = _LAST_WORD.search(text[max(0, q.start - 30) : q.start])
    if before and before.group(1).endswith(KO_PER_SUFFIXES):
        # "토큰당 220억 개": the noun a rate is per is not what is counted; the word before it may be
        before = _LAST_WORD.search(text[max(0, q.start - 30) : q.start - len(before.group(0))])
    if before and before.group(1) in KO_NOT_COUNTED_AFTER:
        before = None
    for candidate in (after, before):
        if candidate is None:
            continue
        word = strip_particle(candidate.group(1))
        for noun, unit, kind in KO_UNIT_NOUNS:
            if word.startswith(noun):
                return Reading(unit, kind, noun=noun, end=end)
    counted = after or before
    noun = strip_particle(counted.group(1)) if counted else None
    if noun and noun.startswith(KO_COUNTER_NOUNS):
        return Reading(None, end=end, excluded=True)
    return Reading("count", "count", noun=noun if noun and len(noun) >= 2 else None, end=end)


# The ranked scores written after their number: "81.3 nDCG@10", "39.7 MRR@10", "87.3 top-1", "52.4 AP50"
_RANKED_SCORE = re.compile(rf" ?(?P<u>{_RANKED_UNITS})(?![A-Za-z0-9@])")


def _ranked_score(text: str, q: Quantity) -> Reading | None:
    if not (m := _RANKED_SCORE.match(text, q.end)) or q.value > 100:
        return None  # (these scores are at most 100: "AIME 2024 pass@1" names a year's problems)
    return Reading(m.group("u"), "score", end=m.end())


# A score unit after a benchmark's name ("0.47 WikiText-2 perplexity", "3.1 MMLU points", "1.2 COCO AP")
_UNIT_AFTER_NAME = re.compile(
    rf"\s+(?:(?i:{alternation(SCORE_UNIT_WORDS)})|{alternation(CASED_SCORE_UNITS)}|{_RANKED_UNITS})(?![\w@-])"
)


def _benchmark_unit(text: str, q: Quantity) -> Reading | None:
    """A score whose benchmark stands between the number and its unit: "0.47 WikiText-2 perplexity". The
    reading ends at the number, so that the naming stage finds the benchmark right after it."""
    if text[q.end : q.end + 1] != " " or (name_end := benchmarks.known_benchmark_at(text, q.end + 1)) is None:
        return None  # (most numbers: no curated name follows)
    if not (m := _UNIT_AFTER_NAME.match(text, name_end)):
        return None
    unit = m.group().strip()
    unit = CASED_SCORE_UNITS.get(unit) or SCORE_UNIT_WORDS.get(unit.lower(), unit)
    return Reading(unit, "score", end=q.end)


def _english(text: str, q: Quantity) -> Reading | None:
    """Scan up to four words after the number: modifiers ("total", "H100", "pre-training", "licensed,
    privacy-respecting") then a unit."""
    pos, words = q.end, []
    while len(words) < 4 and (m := _NEXT_WORD.match(text, pos) or _after_modifier_comma(text, pos, words)):
        word, glued = m.group("w"), m.start("w") == q.end
        words.append(word)
        lower = word.lower()
        if lower == "of" and not words[1:] and (counted := _back_reference(text, m.end())):
            return Reading("count", "count", end=counted)  # "240K of them", "6 of those 15"
        if lower in _PLAIN_STOPWORDS and not glued and "-" not in text[pos : m.start("w")]:
            after = _NEXT_WORD.match(text, m.end()) if len(words) == 1 and lower in POINT_MODIFIERS else None
            if after and SCORE_UNIT_WORDS.get(_head(after.group("w"))) == "points":
                pos = m.end()  # "15 absolute points": the word says how points are counted
                continue
            return Reading(None, end=q.end)  # ("56 on", "2024 and": most numbers; what follows is no unit)
        if glued and not words[1:] and (rank := _PERCENTILE.match(text, q.end)):
            return Reading("percentile", "score", end=rank.end())
        head = _head(word)
        if head in NOT_METRIC_NOUNS or (head in TIME_NOUNS and _NOT_DURATION.match(text, m.end())):
            return Reading(None, end=q.end, excluded=True)
        if len(words) == 1 and lower in _COUNTERS_AFTER:
            return Reading(None, end=q.end, excluded=True)  # "12 comments", "1.2K views": a popularity counter
        if found := _classify(words, q):
            unit, kind, explicit = found
            if unit == "tokens" and (per := _PER_SECOND.match(text, m.end())):
                return Reading("tokens/s", "size", end=per.end())
            first = _NEXT_WORD.match(text, q.end)
            noun = text[first.start("w") : m.end("w")] if kind == "count" or unit in _NAMED_UNITS else None
            parts = [w.lower() for w in words if w.lower() in MOE_PART_WORDS]
            noun = noun if explicit else f"{parts[0]} parameters" if parts else "parameters"  # "a 3B-active model"
            return Reading(unit, kind, noun=_plural_head(noun), end=m.end(), explicit=explicit)
        hyphenated = len(words) == 1 and "-" in text[q.end : m.start("w")]
        if lower in SIZE_COMPARATIVES and not glued and (n := _NEXT_WORD.match(text, m.end())) \
                and _head(n.group("w")) in SIZE_NOUNS:
            pos = m.end()  # "6 trillion more tokens": a comparative between a size and its unit
            continue
        if len(words) == 1 and lower in MOE_PART_WORDS and not glued and q.scale >= 1e6:
            # "355B total / 32B active", "a 3B-active model": a bare size the drafts stage may make parameters
            pos = m.end()
            continue
        if glued or hyphenated or not _is_modifier(word):
            # a letter glued to the number that is no unit ("3D", "4o", "2nd") makes it part of a name, and
            # a hyphen makes it an adjective ("a 3-part series", "4-bit weights"): neither is a quantity
            return Reading(None, end=q.end, excluded=glued or hyphenated)
        pos = m.end()
    return None


def _back_reference(text: str, pos: int) -> int | None:
    """Where "them", "these" or "those" ends after "N of", when it points back to what is counted ("2.3 billion
    of them in English"); not where a part of a mixture of experts follows ("45.9B of them (are) active"), which the
    drafts stage reads as parameters."""
    pronoun = _NEXT_WORD.match(text, pos)
    if pronoun is None or pronoun.group("w").lower() not in BACK_REFERENCES:
        return None
    # (the part may follow a copula: "12 billion of them are active")
    after = _NEXT_WORD.match(text, pronoun.end())
    if after and after.group("w").lower() in COPULAS:
        after = _NEXT_WORD.match(text, after.end())
    return None if after and after.group("w").lower() in MOE_PART_WORDS else pronoun.end()


def _after_modifier_comma(text: str, pos: int, words: list[str]) -> re.Match[str] | None:
    """The next word past a comma between two modifiers ("11 million licensed, privacy-respecting images")."""
    if not words or not (comma := _AFTER_COMMA.match(text, pos)):
        return None
    return _NEXT_WORD.match(text, comma.end())


def _plural_head(noun: str | None) -> str | None:
    """"65B parameter model" is about parameters: the name says so."""
    if noun and not ends_with(noun, _SINGULAR_ENDINGS):
        return noun
    return _SINGULAR_END.sub(r"\1s", noun) if noun else None


def _head(word: str) -> str:
    """The noun of a hyphenated word: "GPU-hours" -> "hours", "context-window" -> "window"."""
    return word.lower().rsplit("-", 1)[-1]


def _classify(words: list[str], q: Quantity) -> tuple[str, str, bool] | None:
    word, head, position = words[-1], _head(words[-1]), len(words) - 1
    if head in SIZE_NOUNS:
        return (SIZE_NOUNS[head], "size", True)
    if _MEASURE_UNIT.match(word):
        return (word, "size", True)
    if head in TIME_NOUNS and position <= 2:
        gpu = any(_GPU.fullmatch(part) for w in words for part in w.split("-"))
        return ("GPU hours" if gpu and head.startswith("h") else TIME_NOUNS[head], "size", True)
    if position == 0 and (unit := CASED_SCORE_UNITS.get(word) or SCORE_UNIT_WORDS.get(head)):
        return (unit, "score", True)
    if position == 1 and words[0].lower() in POINT_MODIFIERS and SCORE_UNIT_WORDS.get(head) == "points":
        return ("points", "score", True)  # "15 absolute points"
    if head in COUNT_UNITS:
        return (COUNT_UNITS[head], "count", True)
    if q.scale >= 1e3 and head in CONTEXT_NOUNS:
        return ("tokens", "size", True)
    if q.scale >= 1e6 and head in MODEL_NOUNS and position <= 2:
        return ("params", "size", False)  # "a 7B (legal) model"; its name is "parameters", set by the caller
    if position <= 3 and is_plural_noun(word) and q.value.is_integer():
        return ("count", "count", True)
    return None


def _is_modifier(word: str) -> bool:
    lower = word.lower()
    return lower not in STOPWORDS and lower not in INCREASE_WORDS and lower not in REDUCTION_WORDS
