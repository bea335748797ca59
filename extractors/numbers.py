"""Numbers as newsletters write them, found in running text: digits with separators and magnitudes
("1,000", "1.7B", "52 billion", "32k", "6710억", "278.8만"), and the few number words that carry a
multiplier ("two times", "threefold", "twice", "두 배").

Runs inside `extractors.metrics`; pure. It only finds and values numbers: what a number measures is
decided by `extractors.metric_units`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractors.prefilter import has_case_blind_extras

_SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
    "t": 1e12, "trillion": 1e12,
}
_KOREAN_SCALES = {"십": 1e1, "백": 1e2, "천": 1e3, "만": 1e4, "억": 1e8, "조": 1e12}
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100,
}
_KOREAN_WORD_NUMBERS = {
    "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10,
}

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+(?=\s?%)"  # ".5%" drops its zero
_KOREAN_MAGNITUDE = r"[천백]?[만억조]|천"
# A number glued to a letter, a version dot, a time or a currency sign is part of something else:
# "H100", "Qwen2.5", "3:12", "pass@1", "#118", "$5M", "arXiv:2401.15077".
_DIGIT_QUANTITY = (
    rf"(?<![A-Za-z0-9_.,@#/:^$€£¥₩])(?P<num>{_DIGITS})"
    r"(?:\s?[×x*]\s?10\^(?P<exp>[-−]?\d{1,2})|\^(?P<pow>\d{1,2})|e(?P<e>[+-]?\d{1,2})(?![A-Za-z0-9]))?"
    rf"(?:(?P<ko>(?:{_KOREAN_MAGNITUDE})(?:\s?\d+(?:\.\d+)?(?:{_KOREAN_MAGNITUDE}))?)"
    r"|(?P<suffix>[KkMBT]|bn)(?![A-Za-z0-9])"
    # "7 B parameters", "a 1.5 B model": a spaced magnitude only before what it sizes
    r"|\s(?P<spaced>[KMBT])(?=[\s-](?:param|token|model|LLM|context))"
    r"|[\s-](?P<word>thousand|million|billion|trillion)\b)?"
    r"(?![:/]\d|\.\d)"
)
_RANGE_START = re.compile(r"[(\[~≈]*\d[\d.,]*(?:[xX×%]|[KkMBT]|bn)?[-–—]")
_WORD_QUANTITY = (
    r"\b(?P<w>" + "|".join(_WORD_NUMBERS) + r")"
    r"(?:\s(?P<scale>thousand|million|billion))?(?P<fold>fold)?\b"
)
_DIGIT = re.compile(_DIGIT_QUANTITY)
_WORD = re.compile(_WORD_QUANTITY, re.IGNORECASE)
# Neither pattern opens with something the regex engine can look for quickly, so the scans look for where a
# number can start first: a run of digits, dots and commas (the digit pattern never starts after one of these,
# so only where a run starts), and a number word in the lowered text.
_DIGIT_RUN = re.compile(r"[\d.](?:(?<=\d)|(?=\d))[\d.,]*")  # (a dot only before a digit: ".5%")
# Korean number words are only multipliers here ("두 배"): elsewhere 세/네/열 are ordinary words.
_KOREAN_WORD_QUANTITY = re.compile(r"(?<![가-힣])(?P<w>" + "|".join(_KOREAN_WORD_NUMBERS) + r")(?=\s?배)")
# "twice" and "double" are multipliers only before what they multiply: "double quantization" is not.
_TWICE = re.compile(
    r"\b(?:twice(?=\s+(?:as|the|its|their|that|more|faster|larger|bigger|higher)\b)"
    r"|doubl(?:e|es|ed|ing)(?=\s+(?:the|its|their|that)\b))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A number found in text. `scale` is the magnitude it was written with (1e9 for "B"), 1 if none."""

    start: int
    end: int
    value: float
    scale: float = 1.0
    word: bool = False  # written as a word ("two"), so it can only be a multiplier
    unit_hint: str | None = None  # the unit the word itself carries ("twice", "threefold" -> "x")


def parse_digits(raw: str) -> float:
    """"1,000" -> 1000.0, "2.5" -> 2.5."""
    return float(raw.replace(",", ""))


def korean_value(value: float, magnitude: str) -> tuple[float, float]:
    """Value and leading scale of 6710 + "억", or of a compound such as 1 + "조 2000억"."""
    total, lead = 0.0, 0.0
    for part in re.finditer(r"(?P<n>\d+(?:\.\d+)?)?(?P<m>[십백천만억조]+)", magnitude):
        scale = 1.0
        for ch in part.group("m"):
            scale *= _KOREAN_SCALES[ch]
        n = float(part.group("n")) if part.group("n") else value
        total += n * scale
        lead = lead or scale
    return total, lead


def _digit_quantity(m: re.Match[str]) -> Quantity:
    number = parse_digits(m.group("num"))
    if exponent := m.group("exp") or m.group("e"):  # "3.8 × 10^25", "3.8e25"
        number *= 10.0 ** int(exponent.replace("−", "-"))
    elif m.group("pow") and number in (2, 10):  # "10^25", "2^20"
        number **= int(m.group("pow"))
    if m.group("ko"):
        value, scale = korean_value(number, m.group("ko"))
        return Quantity(m.start(), m.end(), value, scale)
    written = m.group("suffix") or m.group("spaced") or m.group("word")
    scale = _SCALES[written.lower()] if written else 1.0
    return Quantity(m.start(), m.end(), number * scale, scale)


def _word_quantity(m: re.Match[str]) -> Quantity:
    value = float(_WORD_NUMBERS[m.group("w").lower()])
    if m.group("scale"):
        value *= _SCALES[m.group("scale").lower()]
    return Quantity(m.start(), m.end(), value, word=True, unit_hint="x" if m.group("fold") else None)


_LAST_CHUNK = re.compile(r"\S*$")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _inside_name(text: str, start: int) -> bool:
    """A number inside a hyphenated name ("GPT-3", "s1-32B", "Llama-3-8B"), as opposed to the high end of a
    range ("2-4x", "2x-3x", "1.5B–70B")."""
    if start == 0 or text[start - 1].isspace():
        return False  # most numbers: nothing is glued to them
    chunk = _LAST_CHUNK.search(text[max(0, start - 40) : start]).group()
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


def _digit_matches(text: str) -> list[re.Match[str]]:
    """`_DIGIT.finditer(text)`, trying the pattern only where a run of digits starts."""
    return _matches_from(_DIGIT, text, (run.start() for run in _DIGIT_RUN.finditer(text)))


def _word_matches(text: str) -> list[re.Match[str]]:
    """`_WORD.finditer(text)`, trying the pattern only where the lowered text holds a number word."""
    lower = text.lower()
    if len(lower) != len(text) or has_case_blind_extras(text):
        return list(_WORD.finditer(text))  # lowering moved or missed letters: scan the whole text
    starts = []
    for word in _WORD_NUMBERS:
        at = lower.find(word)
        while at >= 0:
            starts.append(at)
            at = lower.find(word, at + 1)
    return _matches_from(_WORD, text, sorted(starts))


def find_quantities(text: str) -> list[Quantity]:
    """Every number in `text`, in order, none overlapping another."""
    found = [_digit_quantity(m) for m in _digit_matches(text) if not _inside_name(text, m.start())]
    words = _word_matches(text)
    extra = len(found)
    found += [_word_quantity(m) for m in words]
    # the rarer forms are looked for only where their telltale is in the text: a whole-text scan costs more
    if "배" in text:
        found += [
            Quantity(m.start(), m.end(), float(_KOREAN_WORD_NUMBERS[m.group("w")]), word=True)
            for m in _KOREAN_WORD_QUANTITY.finditer(text)
        ]
    lower = text.lower()
    if "twice" in lower or "doubl" in lower:
        found += [Quantity(m.start(), m.end(), 2.0, word=True, unit_hint="x") for m in _TWICE.finditer(text)]
    if len(found) == extra:
        return found  # digits only: in order, none overlapping
    found.sort(key=lambda q: (q.start, -q.end))
    kept: list[Quantity] = []
    for q in found:
        if not kept or q.start >= kept[-1].end:
            kept.append(q)
    return kept
