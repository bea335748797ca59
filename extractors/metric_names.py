"""The naming stage of the metric reader: what a number is named by. A score by its benchmark ("97.3% on
MATH-500", "MMLU: 56%", "On HellaSwag, it reaches 89%"; a from-to pair by the benchmark right before its "from",
"took SVAMP from 63.7% to 79.3% and AQuA from ...", before any named after it); a multiplier or a size by
the quantity it measures, written after it ("5x higher inference throughput", "배의 속도 향상") or before it
("improves throughput by 2-4x", "GPU 메모리 요구량은 3배").

Runs inside `extractors.metrics`, once per metric; pure. Every function reads a window (start, end) of the
text chosen by the caller, so that nothing is taken from across another metric or another sentence.
"""

from __future__ import annotations

import re

from extractors import metric_benchmarks as benchmarks
from extractors.metric_spans import MAX_NAME, clause_end, clause_start, last_words
from extractors.metric_units import is_score_unit, strip_particle
from extractors.metric_words import (
    CHANGE_NOUNS,
    DEGREE_WORDS,
    INCREASE_WORDS,
    KO_NOT_NOUN_ENDINGS,
    KO_TOPIC_PARTICLES,
    MEASURE_PREPOSITIONS,
    PHRASE_VERBS,
    POSITION_COMPARATIVES,
    REDUCTION_WORDS,
    STOPWORDS,
    alternation,
    change_verb_forms,
)
from extractors.prefilter import ends_near, may_hold, stems

# Words that follow one another with only spaces between: a phrase ends at punctuation or Hangul.
_AFTER_WORD = re.compile(r"\s*([A-Za-z][\w/'’.-]*[\w/]|[A-Za-z])(?=[\s.,;:!?)]|$)")
# "GPU 메모리 요구량은 3배": the last topic noun, with at most one noun-like word before it (a word ending
# in a particle or a verb ending is not part of the noun: "얻었고 처리량은") and an English word before that.
_KOREAN_TOPIC = re.compile(rf"[가-힣]+[{KO_TOPIC_PARTICLES}](?=\s|$)")
_KOREAN_MODIFIER = re.compile(rf"(?:[A-Za-z0-9]+\s)?(?:[가-힣]*[^\s{KO_NOT_NOUN_ENDINGS}\W]\s)?$")
_KOREAN_OF = re.compile(r"\s?의\s([가-힣]+(?:\s[가-힣]+)?)")  # "3배의 속도 향상"
# "boosts generation throughput 5.76 times": what follows a verb of change is what changed
_OBJECT_VERBS = change_verb_forms(takes="object")
_AFTER_VERB = re.compile(
    rf"\b(?:{alternation(_OBJECT_VERBS)})(?:\s+up)?\s+(?:the\s+)?"
    r"(?P<np>(?:[A-Za-z][\w'’/-]*\s+){1,3})(?:by\s+)?(?:\S+\s+)?$",
    re.IGNORECASE,
)
AFTER_VERB_WORDS = stems(_OBJECT_VERBS)  # (one is in every match of _AFTER_VERB)
# "improves throughput by", "an Elo rating of", "average accuracy of about"
_BEFORE_PREPOSITION = re.compile(
    rf"(?P<np>(?:[A-Za-z][\w'’/-]*\s+){{1,4}})(?:{alternation(MEASURE_PREPOSITIONS)})\s+(?:\S+\s+){{0,2}}$"
)
_CHANGE_WORDS = INCREASE_WORDS | REDUCTION_WORDS
_EARLIER_REACH = 240  # characters back from a score that a benchmark named earlier in its sentence may be


def name_metric(text: str, unit: str, noun: str | None, span: tuple[int, int], window: tuple[int, int],
                sentence_start: int, consumed: int, *, solved: bool = False) -> tuple[str | None, int]:
    """The name of the metric whose phrase is `span`, read within `window` (from the end of the metric before
    it to the start of the one after it, inside its sentence). Scores are named by their benchmark; sizes,
    counts and multipliers by what they measure (`noun`, read with the unit, first). A count of problems
    solved out of a whole (`solved`: "49 of the 658 problems") is named like a score where a benchmark is
    named. Also returns how far benchmark names have been used up (`consumed`): a name taken by a score
    after it is not taken again, by the next score or by one later in the sentence."""
    start, end = span
    prev_end, next_start = window

    # The phrases around the number are read only where no better name is found first (all are pure).
    def after() -> str | None:
        return phrase_after(text, end, next_start)

    def before() -> str | None:
        return phrase_before(text, clause_start(text, prev_end, start), start)

    def earlier() -> str | None:
        """A benchmark named earlier in the sentence and not taken by a score after it: "On MATH, A goes from
        58.8% to 90.0% and B from 41.4% to 86.4%", "GSM8K에서 5.9%→10.9%". Not for a change of some
        quantity ("and costs 40% less"): the benchmark does not name what changed."""
        if _changes_quantity(text, end):
            return None
        # (a name far back in a long run of text, a table's cells read as prose, is no clue; and the window
        # before this score, from the previous one on, was read already and holds none)
        reach = max(sentence_start, consumed, start - _EARLIER_REACH)
        return benchmarks.benchmark_before(text, reach, prev_end) if reach < prev_end else None

    if is_score_unit(unit) or solved:
        if adjacent := benchmarks.benchmark_adjacent(text, prev_end, start) or benchmarks.benchmark_before_from(
                text, prev_end, start):
            return adjacent, consumed
        if found := benchmarks.benchmark_after(text, end, next_start):
            return found
        if found := benchmarks.benchmark_before(text, prev_end, start) or earlier():
            return found, consumed
        return (noun if solved else after() or before()), consumed
    if unit == "x":
        if phrase := after() or before():
            # "1.9x faster decoding on MT-Bench": what was measured, and where, if that is a known benchmark (a
            # speedup is as often measured on a model or a machine: "on T5-XXL", "on an A100")
            where = benchmarks.known_benchmark_after(text, end, next_start)
            return (f"{phrase} on {where}" if where and where not in phrase else phrase), consumed
        found = benchmarks.benchmark_after(text, end, next_start)
        return (found[0] if found else None), consumed
    return noun or after(), consumed


def respective_names(text: str, runs: list[list[tuple[int, int]]], sentence: tuple[int, int]
                     ) -> dict[int, tuple[str, int]]:
    """Scores listed together and benchmarks listed together in one sentence pair up in order: "56% and 70%
    on MMLU and GSM8K", "on ALFWorld and WebShop it beats them by 34% and 10%", "MMLU와 GSM8K에서 각각 70.1%와
    80.2%". `runs` are the (start, end) spans of each list of scores; the answer maps a score's start to its
    benchmark and where the name ends. The list right after a run is read first, then the last one before it;
    only a list of as many names counts."""
    names: dict[int, tuple[str, int]] = {}
    s_start, s_end = sentence
    for run in runs:
        after = benchmarks.benchmark_lists(text, run[-1][1], clause_end(text, run[-1][1], s_end))
        before = benchmarks.benchmark_lists(text, s_start, run[0][0])
        chosen = next((b for b in (after[:1] + before[-1:]) if len(b) == len(run)), None)
        if chosen is not None:
            names.update({score[0]: (name[2], name[1]) for score, name in zip(run, chosen, strict=True)})
    return names


def _changes_quantity(text: str, end: int) -> bool:
    """Whether a comparative or a noun of change follows a number: "40% less", "a 10% gain"."""
    m = _AFTER_WORD.match(text, end)
    return m is not None and m.group(1).lower() in _CHANGE_WORDS


def phrase_after(text: str, start: int, end: int) -> str | None:
    """What a number measures, written right after it: "higher inference throughput", "the throughput of",
    "of the theoretical maximum FLOPs/s", "improvement in latency", "배의 속도 향상"."""
    window = text[start : clause_end(text, start, end)][:120]
    if korean := _KOREAN_OF.match(window):
        return strip_particle(korean.group(1))
    words, pos = [], 0
    while m := _AFTER_WORD.match(window, pos):
        words.append(m.group(1))
        pos = m.end()
    i = 1 if words and words[0].lower() in DEGREE_WORDS else 0
    if i < len(words) and words[i].lower() in POSITION_COMPARATIVES:
        return None  # "7.6 points above the previous best": what follows is the baseline
    if i < len(words) and words[i].lower() in _CHANGE_WORDS:
        i += 1
        # "improvement in latency" names what improved; "faster on consumer hardware" says where
        if words[i - 1].lower() in CHANGE_NOUNS and i < len(words) and words[i].lower() in ("in", "of", "on"):
            i += 1
    while i < len(words) and words[i].lower() in ("of", "the"):
        i += 1
    return _noun_phrase(words[i : i + 4])


def phrase_before(text: str, start: int, end: int) -> str | None:
    """What a number measures, written before it: "improves throughput by", "GPU 메모리 요구량은"."""
    window = text[start:end]
    if korean := _korean_topic(window):
        return korean
    # (both patterns end at the window's end and span at most eight words)
    tail = last_words(window)
    # Each pattern is tried only where its words are at the end of the window: both are slow to fail.
    m = (_BEFORE_PREPOSITION.search(tail) if ends_near(tail, MEASURE_PREPOSITIONS) else None) or (
        _AFTER_VERB.search(tail) if may_hold(tail, AFTER_VERB_WORDS) else None)
    if not m:
        return None
    kept: list[str] = []
    for word in reversed(m.group("np").split()):
        lower = word.lower()
        if lower in STOPWORDS or lower in PHRASE_VERBS or lower in _CHANGE_WORDS:
            break
        if benchmarks.looks_like_model(word):
            return None  # "exceeds o1-preview by 27%": the baseline is not what is measured
        kept.insert(0, word)
    return _noun_phrase(kept)


def _korean_topic(window: str) -> str | None:
    topics = list(_KOREAN_TOPIC.finditer(window))
    if not topics or len(window[topics[-1].end() :].split()) > 3:
        return None
    topic = topics[-1]
    modifier = _KOREAN_MODIFIER.search(window, 0, topic.start())
    return strip_particle(window[modifier.start() : topic.end()])


def _noun_phrase(words: list[str]) -> str | None:
    """The leading words that can belong to a noun phrase, whole words only, at most MAX_NAME characters."""
    phrase = ""
    for word in words:
        lower = word.lower()
        if lower in STOPWORDS or lower in INCREASE_WORDS or lower in REDUCTION_WORDS or lower.isdigit():
            break
        longer = f"{phrase} {word.rstrip('.’')}".strip()
        if len(longer) > MAX_NAME:
            break
        phrase = longer
    return phrase or None
