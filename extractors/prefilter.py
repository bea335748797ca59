"""Quick tests that tell where a slow regex cannot match, so that it is tried only where it can.

Each is a necessary condition only: where it says "maybe", the pattern itself decides. Pure.
"""

from __future__ import annotations

#: Letters a case-blind pattern matches besides the ASCII cases ("ſ" for "s", Kelvin "K" for "k", "ı" and
#: "İ" for "i"): where one is in a text, its lowered form misses words that the pattern finds.
CASE_BLIND_EXTRAS = "ſKıİ"


def has_case_blind_extras(text: str) -> bool:
    """Whether `text` holds one of `CASE_BLIND_EXTRAS` (never an ASCII text)."""
    return not text.isascii() and any(c in text for c in CASE_BLIND_EXTRAS)


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether a case-blind pattern every match of which holds one of `words` (lowercase) can match `text`."""
    if has_case_blind_extras(text):
        return True
    lower = text.lower()
    return any(word in lower for word in words)
