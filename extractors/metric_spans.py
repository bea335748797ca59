"""The windows of text the metric reader looks in: sentences, clauses, a metric's snippet, a name's length.

Runs inside `extractors.metrics` and its stages; pure. Every stage reads a window (start, end) of the blurb
chosen with these, so that nothing is taken from across another sentence or clause.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right

from extractors.sentences import SNIPPET_END, SNIPPET_STOP_END

MAX_NAME = 60
_MAX_SNIPPET = 200
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d)|\s[–—-]\s|\.\s")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, in order, covering it."""
    # (SNIPPET_STOP_END takes the full stop along: a sentence ends one character into its match)
    ends, stop = (SNIPPET_END, 0) if "\n" in text else (SNIPPET_STOP_END, 1)
    spans, start = [], 0
    for m in ends.finditer(text):
        spans.append((start, m.start() + stop))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def sentence_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence of `spans` that holds `pos`."""
    return spans[max(0, bisect_right(spans, (pos, math.inf)) - 1)]


def clause_start(text: str, start: int, end: int) -> int:
    """Where the clause that ends at `end` begins, not before `start`."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, end)]
    return breaks[-1] if breaks else start


def clause_end(text: str, start: int, end: int) -> int:
    """Where the clause that starts at `start` ends, not after `end`."""
    m = _CLAUSE_BREAK.search(text, start, end)
    return m.start() if m else end


def short_name(name: str | None) -> str | None:
    """Names are labels, not sentences: at most MAX_NAME characters, cut between words."""
    if not name or len(name) <= MAX_NAME:
        return name
    return name[: MAX_NAME + 1].rsplit(" ", 1)[0][:MAX_NAME] or None


def snippet(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The sentence around a metric's phrase (start, end), cut to about 200 characters at word boundaries."""
    s_start, s_end = sentence
    if s_end - s_start > _MAX_SNIPPET:
        room = max(0, (_MAX_SNIPPET - (end - start)) // 2)
        s_start, s_end = max(s_start, start - room), min(s_end, end + room)
        while 0 < s_start < start and not text[s_start - 1].isspace():
            s_start += 1
        while end < s_end < len(text) and not text[s_end].isspace():
            s_end -= 1
    return text[s_start:s_end].strip()


def last_words(window: str, count: int = 10) -> str:
    """The end of `window` from the whitespace before its last `count` words on: a pattern that ends at the
    window's end and spans fewer words finds the same phrase there, sooner."""
    head = window.rsplit(None, count)
    return window[len(head[0]):] if len(head) > count else window
