"""Quick tests that tell where a slow regex cannot match, so that it is tried only where it can.

Each is a necessary condition only: where it says "maybe", the pattern itself decides. Each is derived
from the word list the pattern is built from (`extractors.metric_words`), never kept by hand beside it:
`stems` and `last_words` derive the words, `may_hold`, `ends_with` and `ends_near` test them. Pure.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

#: Letters a case-blind pattern matches besides the ASCII cases ("ſ" for "s", Kelvin "K" for "k", "ı" and
#: "İ" for "i"): where one is in a text, its lowered form misses words that the pattern finds.
CASE_BLIND_EXTRAS = "\u017f\u212a\u0131\u0130"  # ſ, Kelvin sign, ı, İ


def has_case_blind_extras(text: str) -> bool:
    """Whether `text` holds one of `CASE_BLIND_EXTRAS` (never an ASCII text)."""
    return not text.isascii() and any(c in text for c in CASE_BLIND_EXTRAS)


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether a case-blind pattern every match of which holds one of `words` (lowercase) can match `text`."""
    if has_case_blind_extras(text):
        return True
    lower = text.lower()
    for word in words:  # (a loop, not `any` over a generator: this is asked a few times for every block and number)
        if word in lower:
            return True
    return False


def ends_with(text: str, endings: tuple[str, ...]) -> bool:
    """Whether a case-blind pattern that ends with one of `endings` (lowercase), then only whitespace, can
    match at the end of `text`."""
    return text.rstrip().lower().endswith(endings) or has_case_blind_extras(text)


def ends_near(text: str, endings: tuple[str, ...], *, case_blind: bool = False) -> bool:
    """Whether whitespace ends `text` and one of its last three words ends with one of `endings`: a pattern
    that ends with such a word and at most two more before the end of the text can match only then."""
    if not text[-1:].isspace():
        return False
    if any((w.lower() if case_blind else w).endswith(endings) for w in text.split()[-3:]):
        return True
    return case_blind and has_case_blind_extras(text)


def stems(words: Iterable[str]) -> tuple[str, ...]:
    """The first word of each phrase in `words`, lowered, with the forms of one word (those sharing their
    first four letters) cut to what they have in common: "improves", "improved" -> "improve". Every match of
    an alternation of `words` holds one of them."""
    groups: dict[str, list[str]] = {}
    for word in words:
        first = word.split()[0].lower()
        groups.setdefault(first[:4], []).append(first)
    found = {os.path.commonprefix(forms) for forms in groups.values()}
    # ("cut" holds "cuts" and "cutting": a text with either holds it)
    return tuple(sorted(s for s in found if not any(o != s and s.startswith(o) for o in found)))


def last_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """The last word of each phrase, lowered: what a text must end with for a pattern that ends with one of
    the phrases to match there."""
    return tuple(sorted({phrase.split()[-1].lower() for phrase in phrases}))


def first_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """The first word of each phrase, lowered, but a word that holds another ("evaluation" holds "eval"): one
    of them is in every match of an alternation of the phrases."""
    words = {phrase.split()[0].lower() for phrase in phrases}
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))
