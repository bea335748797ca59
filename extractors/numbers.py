"""Numbers as newsletters write them, found in running text: digits with separators and magnitudes
("1,000", "1.7B", "52 billion", "32k", "6710억", "278.8만"), sizes spelled with a number word and a magnitude
("five trillion"), and the few number words that carry a multiplier ("two times", "threefold", "twice", "두 배").

Runs inside `extractors.metrics`; pure. It only finds and values numbers: what a number measures is
decided by `extractors.metric_units`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

from extractors.metric_words import (
    CURRENCY_SIGNS,
    DOUBLE_BEFORE,
    KO_MAGNITUDES,
    KO_NUMBER_WORDS,
    MAGNITUDE_SUFFIXES,
    MAGNITUDE_WORDS,
    NUMBER_WORDS,
    TWICE_BEFORE,
    alternation,
)
from extractors.prefilter import has_case_blind_extras

_SCALES = {**{s.lower(): v for s, v in MAGNITUDE_SUFFIXES.items()}, **MAGNITUDE_WORDS}
_MAGNITUDE_WORD = alternation(MAGNITUDE_WORDS)
_SUFFIX = alternation(MAGNITUDE_SUFFIXES)
_SPACED_SUFFIX = "".join(s for s in MAGNITUDE_SUFFIXES if len(s) == 1 and s.isupper())  # "7 B parameters"

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+(?=\s?%)"  # ".5%" drops its zero
_KOREAN_MAGNITUDE = r"[천백]?[만억조]|천"  # (the magnitudes of KO_MAGNITUDES that open a number's scale)
# A number glued to a letter, a version dot, a time or a currency sign is part of something else:
# "H100", "Qwen2.5", "3:12", "pass@1", "#118", "$5M", "arXiv:2401.15077".
_DIGIT_QUANTITY = (
    rf"(?<![A-Za-z0-9_.,@#/:^{re.escape(CURRENCY_SIGNS)}])(?P<num>{_DIGITS})"
    r"(?:\s?[×x*]\s?10\^(?P<exp>[-−]?\d{1,2})|\^(?P<pow>\d{1,2})|e(?P<e>[+-]?\d{1,2})(?![A-Za-z0-9]))?"
    rf"(?:(?P<ko>(?:{_KOREAN_MAGNITUDE})(?:\s?\d+(?:\.\d+)?(?:{_KOREAN_MAGNITUDE}))?"
    r"(?:\s?(?:\d{1,3}(?:,\d{3})+|\d{1,4})(?![\d.,]|\s?년))?)"  # "5만 9,400": units after the last magnitude
    rf"|(?P<suffix>{_SUFFIX})(?![A-Za-z0-9])"
    # "7 B parameters", "a 1.5 B model": a spaced magnitude only before what it sizes
    rf"|\s(?P<spaced>[{_SPACED_SUFFIX}])(?=[\s-](?:param|token|model|LLM|context))"
    rf"|[\s-](?P<word>(?i:{_MAGNITUDE_WORD}))\b)?"
    r"(?![:/]\d|\.\d|\d)"  # (and never the first digits of a longer number: "7" of "72.1/80.3")
)
_RANGE_START = re.compile(rf"[(\[~≈]*(?:\d[\d.,]*(?:[xX×%]|{_SUFFIX})?[-–—·])+")  # (or a list's middle dot: "7B·14B")
_WORD_QUANTITY = (
    rf"\b(?P<w>{alternation(NUMBER_WORDS)})"
    rf"(?:\s(?P<scale>{_MAGNITUDE_WORD}))?(?P<fold>fold)?\b"
)
_DIGIT = re.compile(_DIGIT_QUANTITY)
_WORD = re.compile(_WORD_QUANTITY, re.IGNORECASE)
# Neither pattern opens with something the regex engine can look for quickly, so the scans look for where a
# number can start first: a run of digits, dots and commas (the digit pattern never starts after one of these,
# so only where a run starts), and a number word in the lowered text.
_DIGIT_RUN = re.compile(r"[\d.](?:(?<=\d)|(?=\d))[\d.,]*")  # (a dot only before a digit: ".5%")
# Korean number words are only multipliers here ("두 배"): elsewhere 세/네/열 are ordinary words.
_KOREAN_WORD_QUANTITY = re.compile(rf"(?<![가-힣])(?P<w>{alternation(KO_NUMBER_WORDS)})(?=\s?배)")
# "twice" and "double" are multipliers only before what they multiply: "double quantization" is not.
_DECIMAL_PAIR = re.compile(r"(?<![\w.,/])(\d{1,4}\.\d{1,3})\s?/\s?(\d{1,4}\.\d{1,3})(?![\w.,/]|\d)")
_TWICE = re.compile(
    rf"\b(?:twice(?=\s+(?:{alternation(TWICE_BEFORE)})\b)"
    rf"|doubl(?:e|es|ed|ing)(?=\s+(?:{alternation(DOUBLE_BEFORE)})\b))",
    re.IGNORECASE,
)
_TWICE_WORDS = ("twice", "doubl")  # (what every match of `_TWICE` opens with, lowered)


class Quantity(NamedTuple):
    """A number found in text. `scale` is the magnitude it was written with (1e9 for "B"), 1 if none.
    (A named tuple, not a dataclass: a blurb holds dozens, and a tuple is made several times faster.)"""

    start: int
    end: int
    value: float
    scale: float = 1.0
    word: bool = False  # written as a word without a magnitude ("two"), so it can only be a multiplier
    unit_hint: str | None = None  # the unit the word itself carries ("twice", "threefold" -> "x")


def looks_like_year(q: Quantity, text: str) -> bool:
    """"2024 papers" is a year far more often than a count; "2,048 GPUs" is not a year."""
    return text[q.start : q.end].isdigit() and 1900 <= q.value <= 2039


def parse_digits(raw: str) -> float:
    """"1,000" -> 1000.0, "2.5" -> 2.5."""
    return float(raw.replace(",", "") if "," in raw else raw)


_KOREAN_PART = re.compile(rf"(?P<n>\d+(?:\.\d+)?)?(?P<m>[{''.join(KO_MAGNITUDES)}]+)")


_KOREAN_UNITS = re.compile(r"\s?(\d{1,3}(?:,\d{3})+|\d{1,4})$")


def korean_value(value: float, magnitude: str) -> tuple[float, float]:
    """Value and leading scale of 6710 + "억", or of a compound such as 1 + "조 2000억" or 5 + "만 9,400"
    (units after the last magnitude count only when fewer than that magnitude: "5만 9,400" is 59,400)."""
    total, lead, last = 0.0, 0.0, 0.0
    for part in _KOREAN_PART.finditer(magnitude):
        scale = 1.0
        for ch in part.group("m"):
            scale *= KO_MAGNITUDES[ch]
        n = float(part.group("n")) if part.group("n") else value
        total += n * scale
        lead, last = lead or scale, scale
    if (units := _KOREAN_UNITS.search(magnitude)) and parse_digits(units.group(1)) < last:
        total += parse_digits(units.group(1))
    return total, lead


def _digit_quantity(m: re.Match[str]) -> Quantity:
    # (the groups in one call: most numbers have none but "num", and a blurb holds dozens of numbers)
    num, exp, e, power, ko, suffix, spaced, word = m.group("num", "exp", "e", "pow", "ko", "suffix", "spaced", "word")
    number = parse_digits(num)
    if exponent := exp or e:  # "3.8 × 10^25", "3.8e25"
        number *= 10.0 ** int(exponent.replace("−", "-"))
    elif power and number in (2, 10):  # "10^25", "2^20"
        number **= int(power)
    start, end = m.span()
    if ko:
        value, scale = korean_value(number, ko)
        return Quantity(start, end, value, scale)
    written = suffix or spaced or word
    scale = _SCALES[written.lower()] if written else 1.0
    return Quantity(start, end, number * scale, scale)


def _word_quantity(m: re.Match[str]) -> Quantity:
    value = float(NUMBER_WORDS[m.group("w").lower()])
    if m.group("scale"):  # "five trillion tokens", "seven billion parameters": a size as "5 trillion" is
        scale = _SCALES[m.group("scale").lower()]
        return Quantity(m.start(), m.end(), value * scale, scale)
    return Quantity(m.start(), m.end(), value, word=True, unit_hint="x" if m.group("fold") else None)


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _inside_name(text: str, start: int) -> bool:
    """A number inside a hyphenated name ("GPT-3", "s1-32B", "Llama-3-8B"), as opposed to the high end of a
    range ("2-4x", "2x-3x", "1.5B–70B") or of a list ("7B·14B"); an opening bracket ends a name."""
    if start == 0 or text[start - 1].isspace():
        return False  # most numbers: nothing is glued to them
    # (the last run of non-space before `start`, which is not a space: what `\S*$` finds, without trying it at
    # every position of the window)
    chunk = text[max(0, start - 40) : start].rsplit(None, 1)[-1]
    chunk = chunk[max(chunk.rfind("("), chunk.rfind("["), chunk.rfind("（")) + 1 :]  # "Proof-Pile-2(550억 토큰)"
    return _LATIN_LETTER.search(chunk) is not None and not _RANGE_START.fullmatch(chunk)


def _matches_from(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that can only match from one of `starts` (ascending): tried
    there and nowhere else."""
    found: list[re.Match[str]] = []
    end = 0
    for at in starts:
        if at >= end and (m := pattern.match(text, at)):
            found.append(m)
            end = m.end()
    return found


def _digit_run_starts(text: str) -> list[int]:
    """Where each run of digits of `text` starts (`_DIGIT_RUN`): the only places `_DIGIT` and `_DECIMAL_PAIR` can
    match from, as each opens with a digit (or a dot before one) that no digit, dot or comma precedes."""
    return [run.start() for run in _DIGIT_RUN.finditer(text)]


def _word_start_matches(pattern: re.Pattern[str], words: Iterable[str], text: str,
                        lower: str) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a case-blind pattern that opens with a word boundary and then one of `words`
    (lowered: `_WORD` and the number words, `_TWICE` and `_TWICE_WORDS`), tried only where the lowered text
    (`lower`) holds one of them at the start of a word: such a pattern tried at every position costs more than
    the rest of the number scan."""
    if len(lower) != len(text) or has_case_blind_extras(text):
        return list(pattern.finditer(text))  # lowering moved or missed letters: scan the whole text
    starts = []
    for word in words:
        at = lower.find(word)
        while at >= 0:
            # (the pattern opens with a word boundary: a candidate inside a word, "ten" in "attention", never matches)
            if not at or not (lower[at - 1].isalnum() or lower[at - 1] == "_"):
                starts.append(at)
            at = lower.find(word, at + 1)
    return _matches_from(pattern, text, sorted(starts))


# The times sign of a size: glued to both sides ("3x3", "256×256") or spaced from both ("1024 x 768"); not "3.6x 16
# languages", a multiplier and a count. (It opens with the sign, so that the scan jumps from one sign to the next.)
_BY = re.compile(r"[×xX*](?:(?<=\d[×xX*])(?=\d)|(?<=\d\s[×xX*])(?=\s\d))")


def _dimension_sides(text: str) -> tuple[set[int], set[int]] | None:
    """Where the sides of sizes written "256×256", "1024 x 768" or "3x3" end and start (a resolution or a
    kernel: neither side is a quantity), or None where the text has none."""
    ends, starts = set(), set()
    for m in _BY.finditer(text):
        gap = 0 if text[m.start() - 1].isdigit() else 1  # (1: spaced from both sides)
        ends.add(m.start() - gap)
        starts.add(m.end() + gap)
    return (ends, starts) if ends else None


def find_quantities(text: str) -> list[Quantity]:
    """Every number in `text`, in order, none overlapping another."""
    sides = _dimension_sides(text)
    runs = _digit_run_starts(text)  # (scanned once, for the digits and the decimal pairs)
    found = [_digit_quantity(m) for m in _matches_from(_DIGIT, text, runs) if not _inside_name(text, m.start())
             and not (sides and (m.end() in sides[0] or m.start() in sides[1]))]
    lower = text.lower()
    extra = len(found)
    found += [_word_quantity(m) for m in _word_start_matches(_WORD, NUMBER_WORDS, text, lower)]
    # the rarer forms are looked for only where their telltale is in the text: a whole-text scan costs more
    if "배" in text:
        found += [
            Quantity(m.start(), m.end(), float(KO_NUMBER_WORDS[m.group("w")]), word=True)
            for m in _KOREAN_WORD_QUANTITY.finditer(text)
        ]
    if any(word in lower for word in _TWICE_WORDS):
        found += [Quantity(m.start(), m.end(), 2.0, word=True, unit_hint="x")
                  for m in _word_start_matches(_TWICE, _TWICE_WORDS, text, lower)]
    if "/" in text:  # "1.8/3.3 WER", "72.1/80.3%": two decimals split by a slash are two results (not a fraction)
        for m in _matches_from(_DECIMAL_PAIR, text, runs):
            found += [Quantity(m.start(g), m.end(g), float(m.group(g))) for g in (1, 2)]
    if len(found) == extra:
        return _restated(found, text)  # digits only: in order, none overlapping
    found.sort(key=lambda q: (q.start, -q.end))
    kept: list[Quantity] = []
    for q in found:
        if not kept or q.start >= kept[-1].end:
            kept.append(q)
    return _restated(kept, text)


# What stands between a number and its restatement in brackets, and after it: "60억(6B)", "5 million (5M)"
_RESTATE_OPEN = re.compile(r"\s?[(（]\s?")
_RESTATE_CLOSE = re.compile(r"\s?[)）]")


def _restated(found: list[Quantity], text: str) -> list[Quantity]:
    """The quantities with each one restated right after it in brackets, as another writing of the same value
    ("60억(6B) 파라미터", "five million (5M) tokens", "1.25조(1.25T) 토큰"), made one quantity that ends after the
    bracket: the unit after the bracket is the number's, and the restatement is no number of its own."""
    if "(" not in text and "（" not in text:
        return found
    out: list[Quantity] = []
    for q in found:
        last = out[-1] if out else None
        if (last is not None and math.isclose(last.value, q.value, rel_tol=1e-9) and _RESTATE_OPEN.fullmatch(
                text, last.end, q.start) and (close := _RESTATE_CLOSE.match(text, q.end))):
            out[-1] = last._replace(end=close.end())
        else:
            out.append(q)
    return out
