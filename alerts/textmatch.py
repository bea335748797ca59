"""The text conditions of alert rules (keywords and regexes), with a cheap necessary test run before each search.

Planning matches every rule against every candidate paper on each delivery run (issue 16: 10k papers x 20
rules). A Python `re` search that starts with a case-insensitive literal, a word boundary or a lookbehind
gets no literal fast path: it tries the pattern at every character of a paper's text. Both shortcuts here
only skip searches that cannot match, so every answer is the full search's:

- a keyword's pattern can only match where the keyword itself occurs, so `has_word` tries the pattern at
  those places (`str.find`) instead of scanning;
- a rule's regex is parsed once for the literal pieces any match must contain (`required_pieces`); a text
  containing none of them is never searched; where every match starts with one (`leading_pieces`), the
  pattern is tried only at those places;
- `TextIndex` joins all papers' texts into one string, so each keyword or leading piece is found across all
  papers with one `str.find` scan, once per run however many rules name it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

try:  # the parser `re` compiles from; without it (a future Python), regexes are searched in full
    from re import _constants as _sre_ops
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover
    _sre_ops = _sre_parser = None

#: Korean particles written onto the word before them ("에이전트에게", "모델은"): a keyword ending in
#: Hangul still matches as a word with one of them attached.
_KO_PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "으로", "로", "와", "과", "도", "만",
                 "까지", "부터", "처럼", "보다", "들", "들이", "들은", "들을", "들의", "에는", "에서는", "으로는",
                 "이라는", "라는", "이나", "나", "인", "이다", "입니다", "이며")
_PARTICLE = "(?:" + "|".join(sorted(_KO_PARTICLES, key=len, reverse=True)) + ")?"

Piece = tuple[str, bool]  # (literal, folded?): folded pieces are looked for in `regex_fold(text.casefold())`


def word_pattern(keyword: str) -> re.Pattern[str]:
    """The casefolded keyword as a whole word (plus a Korean particle after Hangul), for casefolded text."""
    particle = _PARTICLE if re.search(r"[\uac00-\ud7a3]$", keyword) else ""
    return re.compile(r"(?<!\w)" + re.escape(keyword) + particle + r"(?!\w)")


def has_word(folded: str, keyword: str, pattern: re.Pattern[str]) -> bool:
    """`pattern.search(folded)`, tried only where `keyword` starts: every match of `word_pattern` starts there."""
    at = folded.find(keyword)
    while at >= 0:
        if pattern.match(folded, at):
            return True
        at = folded.find(keyword, at + 1)
    return False


def regex_fold(folded: str) -> str:
    """A casefolded text in which each character `re` matches to an ASCII letter case-insensitively is that
    letter: casefold leaves dotless "ı" and gives "İ" a combining dot (U+0307), both mended here. Applied
    character by character, so a case-insensitive ASCII match in the text is a substring of the result
    (tests/alerts/test_textmatch.py checks every code point)."""
    if folded.isascii():
        return folded
    return folded.replace("\u0307", "").replace("ı", "i")


class RegexCondition:
    """A rule's regex, searched case-insensitively in the raw text: only at the places a match can start
    (`leading_pieces`) where the text lines up with its casefolded form, else in full, and only when a
    required piece is there."""

    __slots__ = ("pattern", "pieces", "leading")

    def __init__(self, regex: str) -> None:
        self.pattern = re.compile(regex, re.IGNORECASE)
        self.pieces = required_pieces(regex)
        self.leading = leading_pieces(regex)

    def __call__(self, text: str, folded: str) -> bool:
        if self.leading is not None and _aligned(text, folded):
            return any(self._starts_at(text, folded if fold else text, piece) for piece, fold in self.leading)
        if self.pieces is not None:
            folded = regex_fold(folded)
            if not any((piece in folded) if fold else (piece in text) for piece, fold in self.pieces):
                return False
        return self.pattern.search(text) is not None

    def _starts_at(self, text: str, haystack: str, piece: str) -> bool:
        """Whether the pattern matches at some place `piece` occurs (`match` at a position sees the text
        before it, as `search` does there)."""
        at = haystack.find(piece)
        while at >= 0:
            if self.pattern.match(text, at):
                return True
            at = haystack.find(piece, at + 1)
        return False


def _aligned(text: str, folded: str) -> bool:
    """Whether each character of `text` casefolds to exactly one (casefold never gives none), at the same
    index, and to its ASCII letter wherever `re` would match one case-insensitively (dotless "ı" does not)."""
    return len(folded) == len(text) and "ı" not in folded


def required_pieces(regex: str) -> tuple[Piece, ...] | None:
    """Literals one of which every match of `regex` (compiled with IGNORECASE) contains; None when the parse
    shows none (an optional or class-only pattern) or cannot be read. Case-insensitive pieces are ASCII only
    and lowercased: `regex_fold` is exact for those."""
    parsed = _parse(regex)
    if parsed is None:
        return None
    best = _sequence(parsed, bool(parsed.state.flags & re.IGNORECASE))
    return tuple(sorted(best)) if best else None


def leading_pieces(regex: str) -> tuple[Piece, ...] | None:
    """Literals one of which every match of `regex` (compiled with IGNORECASE) starts with, after zero-width
    assertions (anchors, word boundaries, lookarounds); None when the parse shows none or cannot be read."""
    parsed = _parse(regex)
    if parsed is None:
        return None
    leading = _leading(parsed, bool(parsed.state.flags & re.IGNORECASE))
    return tuple(sorted(leading)) if leading else None


def _parse(regex: str):
    if _sre_parser is None:  # pragma: no cover
        return None
    try:
        return _sre_parser.parse(regex, re.IGNORECASE)
    except (re.error, TypeError, ValueError, AttributeError):
        return None


def _leading(items, ignore_case: bool) -> frozenset[Piece] | None:
    run: list[str] = []
    for op, av in items:
        if op is _sre_ops.LITERAL and (not ignore_case or chr(av).isascii()):
            run.append(chr(av).lower() if ignore_case else chr(av))
        elif run:
            break
        elif op not in (_sre_ops.AT, _sre_ops.ASSERT, _sre_ops.ASSERT_NOT):
            return _nested(_leading, op, av, ignore_case)
    return frozenset({("".join(run), ignore_case)}) if run else None


def _sequence(items, ignore_case: bool) -> frozenset[Piece] | None:
    """The most selective choice among the alternatives each mandatory element of a sequence requires."""
    choices: list[frozenset[Piece]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre_ops.LITERAL and (not ignore_case or chr(av).isascii()):
            run.append(chr(av).lower() if ignore_case else chr(av))
            continue
        if run:
            choices.append(frozenset({("".join(run), ignore_case)}))
            run = []
        required = _element(op, av, ignore_case)
        if required:
            choices.append(required)
    if run:
        choices.append(frozenset({("".join(run), ignore_case)}))
    return max(choices, key=lambda c: (min(len(p) for p, _ in c), -len(c)), default=None)


def _element(op, av, ignore_case: bool) -> frozenset[Piece] | None:
    return _nested(_sequence, op, av, ignore_case)


def _nested(of, op, av, ignore_case: bool) -> frozenset[Piece] | None:
    """What one element requires (`of` = `_sequence`) or starts with (`of` = `_leading`): a group's or a
    repeat's (at least once) content, or any branch's. Anything else (classes, anchors, lookarounds,
    back-references, optional parts) gives nothing here."""
    if op is _sre_ops.SUBPATTERN:
        _, add, remove, content = av
        return of(content, (ignore_case or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
    if op is _sre_ops.ATOMIC_GROUP:
        return of(av, ignore_case)
    if op in (_sre_ops.MAX_REPEAT, _sre_ops.MIN_REPEAT, _sre_ops.POSSESSIVE_REPEAT):
        low, _, content = av
        return of(content, ignore_case) if low >= 1 else None
    if op is _sre_ops.BRANCH:
        branches = [of(b, ignore_case) for b in av[1]]
        return None if not all(branches) else frozenset().union(*branches)
    return None


#: Between two papers' texts in `TextIndex`: no keyword or piece containing it is looked up across papers.
_SEP = "\x00"


class TextIndex:
    """One set of fields of all candidate papers: each text raw and casefolded, and each list joined with
    `_SEP` between papers. An occurrence of a keyword or piece without `_SEP` in a joined string lies within
    one paper's text, found by its offset; the pattern is then tried on that paper's own text."""

    def __init__(self, texts: list[str]) -> None:
        self.raw = texts
        self.folded = [t.casefold() for t in texts]
        self._joined = {False: (_SEP.join(self.raw), _offsets(self.raw)),
                        True: (_SEP.join(self.folded), _offsets(self.folded))}
        self.unaligned = frozenset(i for i, (t, f) in enumerate(zip(texts, self.folded, strict=True))
                                   if not _aligned(t, f))
        self._hits: dict[tuple[str, str], frozenset[int]] = {}

    def word_hits(self, keyword: str, pattern: re.Pattern[str]) -> frozenset[int]:
        """The papers whose casefolded text has `keyword` (casefolded) as a word (`has_word`)."""
        if ("word", keyword) not in self._hits:
            if _SEP in keyword:
                hits = frozenset(i for i, f in enumerate(self.folded) if has_word(f, keyword, pattern))
            else:
                hits = self._scan(keyword, True, lambda i, at: pattern.match(self.folded[i], at) is not None)
            self._hits["word", keyword] = hits
        return self._hits["word", keyword]

    def regex_hits(self, condition: RegexCondition) -> frozenset[int] | None:
        """The papers whose raw text the regex matches, found from its leading pieces; None without them."""
        pieces = condition.leading
        if pieces is None or any(_SEP in piece for piece, _ in pieces):
            return None
        key = ("regex", condition.pattern.pattern)
        if key not in self._hits:
            def starts_at(i: int, at: int) -> bool:
                return condition.pattern.match(self.raw[i], at) is not None

            def aligned_starts_at(i: int, at: int) -> bool:
                return i not in self.unaligned and starts_at(i, at)

            found = set().union(*(self._scan(p, fold, aligned_starts_at if fold else starts_at) for p, fold in pieces))
            found.update(i for i in self.unaligned if condition(self.raw[i], self.folded[i]))
            self._hits[key] = frozenset(found)
        return self._hits[key]

    def _scan(self, piece: str, folded: bool, matches_at: Callable[[int, int], bool]) -> frozenset[int]:
        """Papers where `matches_at(paper, offset in its text)` holds at an occurrence of `piece` (in the
        casefolded texts if `folded`); after a paper matches, the scan goes on at the next paper."""
        joined, offsets = self._joined[folded]
        hits: set[int] = set()
        at = joined.find(piece)
        while at >= 0:
            i = bisect_right(offsets, at) - 1
            if matches_at(i, at - offsets[i]):
                hits.add(i)
                at = joined.find(piece, offsets[i + 1]) if i + 1 < len(offsets) else -1
            else:
                at = joined.find(piece, at + 1)
        return frozenset(hits)


def _offsets(texts: list[str]) -> list[int]:
    """Where each text starts in `_SEP.join(texts)`."""
    offsets, at = [], 0
    for text in texts:
        offsets.append(at)
        at += len(text) + 1
    return offsets
