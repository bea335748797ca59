"""The shortcuts of alerts/textmatch.py decide exactly as a full `re` search of each text does."""

from __future__ import annotations

import re
import string
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.textmatch import (
    RegexCondition,
    TextIndex,
    has_word,
    leading_pieces,
    regex_fold,
    required_pieces,
    word_pattern,
)

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


def test_casefold_then_regex_fold_gives_the_ascii_character_re_matches_case_insensitively():
    """Checked for every code point: the soundness of a case-insensitive piece looked up in folded text."""
    for ascii_char in string.printable:
        for found in re.finditer(re.escape(ascii_char), EVERY_CHARACTER, re.IGNORECASE):
            c = found.group()
            assert regex_fold(c.casefold()) == ascii_char.lower(), (hex(ord(c)), ascii_char)
            if len(c.casefold()) == 1 and c.casefold() != "ı":  # where TextIndex counts a text as aligned
                assert c.casefold() == ascii_char.lower(), (hex(ord(c)), ascii_char)


def test_casefold_never_drops_a_character():
    assert all(c.casefold() for c in EVERY_CHARACTER)


@pytest.mark.parametrize("regex, required, leading", [
    (r"(?i)\b(attention|mixture)\b", (("attention", True), ("mixture", True)),
     (("attention", True), ("mixture", True))),
    (r"resolves \d+(\.\d+)?%", (("resolves ", True),), (("resolves ", True),)),
    (r"(?-i:GPT)-\d", (("GPT", False),), (("GPT", False),)),
    (r"\w+ing\b", (("ing", True),), None),
    (r"(?<!x)(foo|bar)+baz", (("baz", True),), (("bar", True), ("foo", True))),
    (r"a?b", (("b", True),), None),
    (r"x|", None, None),
    (r"[A-Z]{2,}", None, None),
    (r"에이전트", None, None),  # non-ASCII under IGNORECASE: searched in full
    (r"^KV[- ]cache$", (("cache", True),), (("kv", True),)),
])
def test_pieces_read_from_the_parse(regex, required, leading):
    assert required_pieces(regex) == required
    assert leading_pieces(regex) == leading


#: Characters that make case-insensitive and word-boundary matching differ from a naive reading.
_TRICKY = "aAeEiInNoOtTsSkKrRmMxXuU _-\n\x00İıſKßẞﬁ\u0307에이전트는들을.,:%0123456789"
_REGEXES = [r"(?i)\b(attention|mixture)\b", r"\bkv[- ]cache\b", r"(?-i:KV) cache", r"ai|agents?", r"^\w+ion",
            r"(?<=\s)mix(ture)?\b", r"s[tk]+", r"tion$", r"(t)\1", r"에이전트(는|들)", r"(?i:ﬁ)nn", r"ß|ss"]
_WORDS = ["attention", "mixture", "kv cache", "ai", "에이전트", "straße", "ﬁn", "ion"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_TRICKY, max_size=40), min_size=1, max_size=6),
       st.lists(st.sampled_from(["attention", "ATTENTİON", "attentıon", "miXture", "KV cache", "KV-Cache",
                                 "에이전트는", "diffuſion", "straße", "STRASSE", "ﬁnetuning"]), max_size=4))
def test_conditions_and_index_agree_with_a_full_search(noise, words):
    texts = [n + " " + " ".join(words[: i % (len(words) + 1)]) + n[::-1] for i, n in enumerate(noise)]
    index = TextIndex(texts)
    for regex in _REGEXES:
        condition = RegexCondition(regex)
        expected = {i for i, t in enumerate(texts) if re.search(regex, t, re.IGNORECASE)}
        assert {i for i, t in enumerate(texts) if condition(t, t.casefold())} == expected, regex
        hits = index.regex_hits(condition)
        assert hits is None or hits == expected, regex
    for word in _WORDS:
        pattern = word_pattern(word.casefold())
        expected = {i for i, t in enumerate(texts) if pattern.search(t.casefold())}
        assert {i for i, t in enumerate(texts) if has_word(t.casefold(), word.casefold(), pattern)} == expected
        assert index.word_hits(word.casefold(), pattern) == expected, word
