"""Issue 15's bar for what an alert shows, as checks the demo and the layouts corpus tests share.

A TL;DR is whole sentences: at most two pieces, each found verbatim in a blurb or the abstract,
ending where a sentence ends (`. ! ?`, or a Korean ending such as 다. 요. 함) and not where the source
goes on, with no ellipsis, 400 characters at most. It states a named result when one of the paper's
texts has a sentence with one. Every chip names what it measures; a paper with a named score shows a
chip. These checks look at the text as a reader would, apart from the product's splitter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from alerts.chips import chip_name
from alerts.paper_summary import TLDR_CHARS, states_metric
from alerts.sentences import is_sentence, language, split_sentences
from records.facts import MetricFact, PaperFacts

_ENDS = re.compile(r"""(?:[.!?]|[\uac00-\ud7a3](?:다|요|함|임|됨|음|줌|냄)[.!?]?)["'”’)\]]*$""")
_NUMBER_FREE = re.compile(r"^[\s\d.,%x×+\-–↓↑/]*$")
_LONE_NUMBER = re.compile(r"(?<![\w-])\d+(?:[.,]\d+)*")
_NOT_A_NAME = {"about", "at", "least", "up", "to", "total", "active"}


def sources(paper: PaperFacts) -> list[str]:
    texts = [m.item_text for m in paper.primary_mentions if m.item_text]
    return [" ".join(t.split()) for t in [*texts, *([paper.abstract] if paper.abstract else [])]]


def whole_pieces(tldr: str, texts: Sequence[str]) -> list[str] | None:
    """The TL;DR as one or two whole sentences of the texts, or None when it is not that."""
    if "…" in tldr or len(tldr) > TLDR_CHARS:
        return None
    if _whole(tldr, texts):
        return [tldr]
    for k, ch in enumerate(tldr):
        if ch == " " and _whole(tldr[:k], texts) and _whole(tldr[k + 1:], texts):
            return [tldr[:k], tldr[k + 1:]]
    return None


def _whole(piece: str, texts: Sequence[str]) -> bool:
    if not piece or not _ENDS.search(piece) or piece[0].islower() and not re.search(r"[\uac00-\ud7a3]", piece):
        return False
    for text in texts:
        at = text.find(piece)
        while at != -1:
            after = text[at + len(piece):at + len(piece) + 1]
            if not after or after.isspace():
                return True
            at = text.find(piece, at + 1)
    return False


def named_results(metrics: Iterable[MetricFact]) -> list[MetricFact]:
    return [m for m in metrics if (m.kind in ("score", "relative") or m.direction) and chip_name(m)]


def has_result_sentence(paper: PaperFacts) -> bool:
    """A sentence of a blurb or the abstract (one a TL;DR could take) states a named result."""
    named = named_results(paper.metrics)
    return any(is_sentence(s, TLDR_CHARS) and any(states_metric(s.text, m) for m in named)
               for text in sources(paper) for s in split_sentences(text))


def states_result(tldr: str, paper: PaperFacts) -> bool:
    """It states a named result, or translates a sentence that does (most of the same numbers, another language)."""
    named = named_results(paper.metrics)
    if any(states_metric(tldr, m) for m in named):
        return True
    stating = [s for text in sources(paper) for s in split_sentences(text) if any(states_metric(s.text, m)
                                                                                for m in named)]
    return any(s.language != language(tldr) and _translates(tldr, s.text) for s in stating)


def _translates(tldr: str, sentence: str) -> bool:
    ours, theirs = set(_LONE_NUMBER.findall(tldr)), set(_LONE_NUMBER.findall(sentence))
    return len(ours & theirs) >= 2 and len(ours & theirs) >= 0.8 * len(theirs)


def chip_is_named(chip: str) -> bool:
    """Something besides the number, its qualifier and its direction: "60.1% MMLU", "7B params", "AIME: 77.5"."""
    words = [w for w in re.findall(r"[^\W\d_][\w@'’.-]*", chip) if w.casefold() not in _NOT_A_NAME]
    return bool(words) and not _NUMBER_FREE.match(chip)


def problems(paper: PaperFacts, tldr: str, chips: Sequence[str]) -> list[str]:
    """Every way this paper's TL;DR and chips miss the bar (empty when they meet it)."""
    found = []
    texts = sources(paper)
    if tldr and whole_pieces(tldr, texts) is None:
        found.append(f"not whole sentences (or over {TLDR_CHARS} characters): {tldr!r}")
    if has_result_sentence(paper) and not states_result(tldr, paper):
        found.append(f"a text states a named result, the TL;DR does not: {tldr!r}")
    found += [f"chip without a name: {c!r}" for c in chips if not chip_is_named(c)]
    if any(m.kind == "score" and chip_name(m) for m in paper.metrics) and not chips:
        found.append("a named score, but no chip")
    return found
