"""The last stage of the metric reader: what the words around a number say about it besides its name. The
model the sentence is about ("DeepSeek-R1 scores 79.8%", not the baseline "than GPT-4"), the number's
qualifier ("about", "up to", "more than", "이상", "가량") and its direction ("faster", "cuts ... by",
"an improvement of", "줄어듭니다").

Runs inside `extractors.metrics`, once per metric; pure. Every function reads a window of the text chosen by
the caller. The words are in `extractors.metric_words`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from extractors import metric_benchmarks as benchmarks
from extractors.metric_spans import MAX_NAME, clause_end
from extractors.metric_units import TIME_UNITS
from extractors.metric_words import (
    AS_MORE,
    BASELINE_PHRASES,
    BASELINE_VERBS,
    BASELINE_WORDS,
    DEGREE_WORDS,
    DIRECTION_BEFORE,
    DURING_WORDS,
    INCREASE_WORDS,
    KO_INCREASE_STEMS,
    KO_NOT_SUBJECT_PARTICLES,
    KO_REDUCTION_STEMS,
    KO_VERSUS,
    MODEL_FAMILIES,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    RANGE_QUALIFIERS,
    REDUCTION_WORDS,
    SUBJECT_BREAKS,
    alternation,
    change_verb_forms,
)
from extractors.prefilter import ends_near, ends_with, first_words, last_words, may_hold, stems

# --- subject --------------------------------------------------------------------------------------------

# (whole words: "whereas" does not end with the baseline word "as")
_NOT_SUBJECT_BEFORE = re.compile(
    rf"(?:(?<![A-Za-z])(?:{alternation(BASELINE_WORDS)}))\s+$|{alternation(BASELINE_PHRASES)}", re.IGNORECASE
)
_POSSESSOR = re.compile(r"(?<![A-Za-z])[A-Z][\w.-]*['’]s\s+$")
_BASELINE_VERB_NEAR = re.compile(
    rf"(?<![A-Za-z])(?:{alternation(BASELINE_VERBS)})\s+(?:[A-Za-z][\w-]*\s+){{1,3}}$", re.IGNORECASE
)
_BASELINE_VERB_WORDS = stems(BASELINE_VERBS)  # (one is in every match of _BASELINE_VERB_NEAR)
# (what `_NOT_SUBJECT_BEFORE` can end with, lowered, or hold anywhere)
_BASELINE_ENDINGS = last_words(BASELINE_WORDS)
_BASELINE_PHRASE_WORDS = first_words(BASELINE_PHRASES)
# (a name before a signed change in parentheses is the benchmark changed on: "AQuA (+12.2%)")
_NOT_SUBJECT_AFTER = re.compile(
    rf"^(?:\s\d+(?:\.\d+)?[BM])?(?:{alternation(KO_NOT_SUBJECT_PARTICLES)}|\s?(?:{alternation(KO_VERSUS)})"
    r"|['’]s\b)|^\s?\(\s?[+−-]\d"
)


# (a break word between spaces: "while", not "meanwhile")
_PART_MARKS = tuple(f" {b} " if b.isalpha() else b for b in SUBJECT_BREAKS)
_PARENTHESIS_AFTER = re.compile(r"\s?\(([^()]{2,40})\)")


def subject_after(text: str, end: int) -> str | None:
    """A model named in parentheses right after a score: "72.7% (Claude Opus 4), 69.1% (o3)"."""
    if text[end : end + 2].lstrip()[:1] != "(":
        return None
    m = _PARENTHESIS_AFTER.match(text, end)
    inside = m.group(1).strip() if m else ""
    head = inside.split()[0] if inside else ""
    named = head[:1].isalpha() and (benchmarks.looks_like_model(head) or head in MODEL_FAMILIES)
    return inside[:MAX_NAME] if named and not benchmarks.is_known_benchmark(inside) else None


def subject(text: str, start: int, end: int, sentence_end: int | None = None) -> str | None:
    """The model a sentence reports on: the first model-like name before `end` that is not a baseline, in the
    part of the sentence that opens with its last break before `end` if one is named there ("A has 235B total
    parameters; B solves 49 of 658 problems", "GPT-4o gets 53.6% while o1 gets 83.3%"). Pass `sentence_end`
    when asking for several numbers of one sentence: the sentence is then read once."""
    stop = end if sentence_end is None else sentence_end
    part = _last_part_start(text, start, end)
    if part > start and (found := _first_subject(text, part, stop, start)) is not None and found[0] <= end:
        return found[1]
    found = _first_subject(text, start, stop, start)
    return found[1] if found is not None and found[0] <= end else None


def _last_part_start(text: str, start: int, end: int) -> int:
    """Where the last part of text[start:end] opened by one of `SUBJECT_BREAKS` starts, or `start`."""
    ends = [at + len(mark) for mark in _PART_MARKS if (at := text.rfind(mark, start, end)) >= 0]
    return max(ends, default=start)


@lru_cache(maxsize=256)  # str hashes are cached, so a long text costs nothing to look up again
def _first_subject(text: str, start: int, end: int, sentence_start: int) -> tuple[int, str] | None:
    """The first model in text[start:end] that is not a baseline (the words before it are read back to
    `sentence_start`: "beats GPT-4 and |Claude-3" is still a baseline)."""
    for at, name_end, end_with_size, name in benchmarks.models(text, start, end):
        if _after_baseline_word(text, max(sentence_start, at - 40), at):
            continue
        if _NOT_SUBJECT_AFTER.match(text[name_end : name_end + 8]):
            continue
        return end_with_size, name[:MAX_NAME]
    return None


def _after_baseline_word(text: str, start: int, end: int) -> bool:
    """Whether the model at `end` is a baseline: a baseline word right before it (an owner's name between
    does not count: "as OpenAI's o1"), a baseline verb a few words before it ("beats the much larger
    GPT-4"), or a comparison earlier in its clause ("compared to")."""
    before = _POSSESSOR.sub("", text[start:end])  # ("Zhipu's GLM-4.5" is Zhipu's, and no baseline)
    if may_hold(before, _BASELINE_VERB_WORDS) and _BASELINE_VERB_NEAR.search(before):
        return True
    at_end = before[-1:].isspace() and ends_with(before, _BASELINE_ENDINGS)
    if not at_end and not may_hold(before, _BASELINE_PHRASE_WORDS):
        return False
    # ("Compared to o1, Qwen2.5 reaches 56%": a comparison in a clause of its own names no baseline of this one)
    return _NOT_SUBJECT_BEFORE.search(before, _last_clause_break(before)) is not None


def _last_clause_break(text: str) -> int:
    return max(text.rfind(","), text.rfind(";"), text.rfind(":")) + 1


# --- qualifier ------------------------------------------------------------------------------------------


def _before(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A qualifier's phrases as the end of the text before a number; a word starts at a word boundary."""
    words = [p for p in phrases if p[0].isascii() and p[0].isalpha()]
    signs = [p for p in phrases if p not in words]
    return re.compile(rf"(?:{alternation(signs)}|\b(?:{alternation(words)}))\s*$", re.IGNORECASE)


def _after(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """A qualifier's phrases right after a number; a word ends at a word boundary."""
    words = [p for p in phrases if p.isascii()]
    others = [p for p in phrases if p not in words]
    return re.compile(rf"\s*(?:(?:{alternation(words)})\b|{alternation(others)})" if words else
                      rf"\s*(?:{alternation(others)})")


_QUALIFIERS_BEFORE = tuple((_before(phrases), found) for found, phrases in QUALIFIERS_BEFORE.items())
_QUALIFIERS_AFTER = tuple((_after(phrases), found) for found, phrases in QUALIFIERS_AFTER.items())
# How a text before a number must end for any of those patterns to match (they end there, case-blind):
# looking at the end first spares most numbers the three searches.
_QUALIFIER_ENDINGS = last_words(p for phrases in QUALIFIERS_BEFORE.values() for p in phrases)
_QUALIFIER_AFTER_OPENERS = frozenset(p[0] for phrases in QUALIFIERS_AFTER.values() for p in phrases)


def qualifier(text: str, number: tuple[int, int], phrase_end: int, sentence_start: int, unit: str) -> str | None:
    """"about 3x", "up to 27%", "more than 400", "100+ languages", "50% 이상", "3배가량"."""
    start, end = number
    before = text[max(sentence_start, start - 30) : start]
    if ends_with(before, _QUALIFIER_ENDINGS):
        best: tuple[int, str] | None = None  # the longest phrase: "no more than" over the "more than" in it
        for pattern, found in _QUALIFIERS_BEFORE:
            m = pattern.search(before)
            # "trained over 54 days", "under 8 hours" say when, not how much more or less
            if m and not (unit in TIME_UNITS and m.group().strip().lower() in DURING_WORDS):
                best = (m.start(), found) if best is None or m.start() < best[0] else best
        if best is not None:
            return best[1]
    if text[end : end + 1] == "+":
        return "at least"
    rest = text[phrase_end : phrase_end + 8].lstrip()
    if rest and rest[0] not in _QUALIFIER_AFTER_OPENERS:
        return None  # (what every qualifier after a number opens with, past spaces: most numbers have none)
    for pattern, found in _QUALIFIERS_AFTER:
        if pattern.match(text, phrase_end):
            return found
    return None


# --- direction ------------------------------------------------------------------------------------------

_LATIN_WORD = re.compile(r"[A-Za-z][\w-]*")
_HANGUL_WORD = re.compile(r"[가-힣]+")
_BY_OF_END = re.compile(rf"(?:\bby|\bof)\s+(?:(?:{alternation(RANGE_QUALIFIERS)})\s+)?$", re.IGNORECASE)
# (the stem of a verb of change opens its every form and its noun: "improves", "an improvement of")
_INCREASE_STEMS = stems(change_verb_forms("increase"))
_REDUCTION_STEMS = stems(change_verb_forms("reduction"))
_INCREASE_VERB = re.compile(rf"\b(?:{alternation(_INCREASE_STEMS)})\w*", re.IGNORECASE)
_REDUCTION_VERB = re.compile(rf"\b(?:{alternation(_REDUCTION_STEMS)})\w*", re.IGNORECASE)


def direction(text: str, phrase: tuple[int, int], clause_start: int, next_start: int, unit: str) -> str | None:
    """"5x higher", "50% fewer", "improves throughput by 2-4x", "an improvement of 7%", "3배 줄어듭니다"."""
    start, end = phrase
    after = text[end : clause_end(text, end, next_start)]
    words = [m.group() for m in islice(_LATIN_WORD.finditer(after), 2)]
    first = words[1] if len(words) == 2 and words[0].lower() in DEGREE_WORDS else words[0] if words else ""
    if first.lower() in INCREASE_WORDS or (first.lower() == "as" and words[1:] and words[1].lower() in AS_MORE):
        return "increase"
    if first.lower() in REDUCTION_WORDS:
        return "reduction"
    for word in (m.group() for m in islice(_HANGUL_WORD.finditer(after), 3)):
        if word.startswith(KO_INCREASE_STEMS):
            return "increase"
        if word.startswith(KO_REDUCTION_STEMS):
            return "reduction"
    return _direction_before(text[clause_start:start], unit) or _sign(text, start) or _up_or_down(text, start)


def _up_or_down(text: str, start: int) -> str | None:
    """"up 4.2 points from its predecessor", "down 12% year over year"."""
    word = text[max(0, start - 6) : start].rstrip().rsplit(None, 1)[-1:]
    return DIRECTION_BEFORE.get(word[0].lower()) if word and word[0].isalpha() else None


def _direction_before(before: str, unit: str) -> str | None:
    """"cuts the KV cache by 93%", "an improvement of 7%": the last verb of change in the clause. A
    multiplier needs no "by" ("boosts throughput 5.76 times"), but a score does: "beats GPT-4 with 56%"
    reports a score, not a gain."""
    # ("by" or "of" is one of the last three words: a qualifier after it has at most two)
    if not (ends_near(before, ("by", "of"), case_blind=True) and _BY_OF_END.search(before)):
        if unit != "x":
            return None
        before = " ".join(before.split()[-5:])
    # (a stem is in every match: looking for the stems first spares most clauses the case-blind scans)
    verbs: list[tuple[int, str]] = []
    if may_hold(before, _INCREASE_STEMS):
        verbs += [(m.start(), "increase") for m in _INCREASE_VERB.finditer(before)]
    if may_hold(before, _REDUCTION_STEMS):
        verbs += [(m.start(), "reduction") for m in _REDUCTION_VERB.finditer(before)]
    return max(verbs)[1] if verbs else None


def _sign(text: str, start: int) -> str | None:
    if start and text[start - 1] == "+":
        return "increase"
    if start and text[start - 1] in "−-" and (start == 1 or text[start - 2] in " ("):
        return "reduction"
    return None
