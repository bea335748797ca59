"""The quick tests in front of slow patterns never turn away a text the pattern matches: each is derived
from the word list its pattern is built from (extractors/metric_words.py), and is checked here on every
word of that list and on random mixes of them."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors import items, metric_benchmarks, metric_context, metric_names, metric_units
from extractors.metric_words import (
    BASELINE_PHRASES,
    BASELINE_WORDS,
    BENCHMARK_NOUNS,
    MEASURE_PREPOSITIONS,
    MULTIPLIER_SPELLINGS,
    PERCENT_SPELLINGS,
    POINT_SPELLINGS,
    QUALIFIERS_BEFORE,
    change_verb_forms,
)
from extractors.numbers import find_quantities
from extractors.prefilter import (
    CASE_BLIND_EXTRAS,
    ends_near,
    ends_with,
    has_case_blind_extras,
    last_words,
    may_hold,
    stems,
)

# pieces of the patterns' own words, in any case and with the letters a case-blind match also takes
_PIECES = ["unsubscribe", "manage your preferences", "You are receiving this", "구독 취소", "수신거부",
           "improves", "speeds up", "REDUCES", "boosting", "the", "throughput", "by", " ", "ſ", "K", "ı", "İ", "x",
           "about", "at least", "up to", "than", "compared", "relative to", "Versus", "GPT-4", "~", "≥", "of",
           "beats", "the much", "larger", "Outperformed", "MATCHES"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


@given(_TEXT)
def test_footer_words_let_every_footer_through(text: str) -> None:
    assert items._FOOTER.search(text) is None or may_hold(text, items._FOOTER_WORDS)


@given(_TEXT)
def test_change_verbs_let_every_verb_phrase_through(text: str) -> None:
    assert metric_names._AFTER_VERB.search(text) is None or may_hold(text, metric_names.AFTER_VERB_WORDS)


@given(_TEXT)
def test_qualifier_endings_let_every_qualifier_through(text: str) -> None:
    matched = any(p.search(text) for p, _ in metric_context._QUALIFIERS_BEFORE)
    assert not matched or ends_with(text, metric_context._QUALIFIER_ENDINGS)


@given(_TEXT)
def test_baseline_words_let_every_baseline_through(text: str) -> None:
    if metric_context._NOT_SUBJECT_BEFORE.search(text):
        at_end = text[-1:].isspace() and ends_with(text, metric_context._BASELINE_ENDINGS)
        assert at_end or may_hold(text, metric_context._BASELINE_PHRASE_WORDS)


@pytest.mark.parametrize("form", change_verb_forms(takes="object"))
def test_every_object_verb_is_read_and_let_through(form: str) -> None:
    tail = f"It {form} decoding throughput by "
    assert metric_names._AFTER_VERB.search(tail) and may_hold(tail, metric_names.AFTER_VERB_WORDS)


def test_stems_hold_every_form() -> None:
    forms = change_verb_forms()
    assert all(any(form.startswith(stem) for stem in stems(forms)) for form in forms)
    assert stems(["cut", "cuts", "cutting", "improves", "improved"]) == ("cut", "improve")


@pytest.mark.parametrize(("found", "phrase"), [(f, p) for f, ps in QUALIFIERS_BEFORE.items() for p in ps])
def test_every_qualifier_before_a_number_is_read_and_let_through(found: str, phrase: str) -> None:
    before = f"It gets {phrase} "
    assert ends_with(before, metric_context._QUALIFIER_ENDINGS)
    assert metric_context.qualifier(before + "40%", (len(before), len(before) + 2), len(before) + 3, 0, "%") == found


@given(_TEXT)
def test_baseline_verb_words_let_every_baseline_verb_through(text: str) -> None:
    matched = metric_context._BASELINE_VERB_NEAR.search(text) is not None
    assert not matched or may_hold(text, metric_context._BASELINE_VERB_WORDS)


@pytest.mark.parametrize("word", BASELINE_WORDS + BASELINE_PHRASES)
def test_every_baseline_word_is_read_and_let_through(word: str) -> None:
    assert metric_context._after_baseline_word(f"It is better {word} ", 0, len(f"It is better {word} "))


@pytest.mark.parametrize("word", MEASURE_PREPOSITIONS)
def test_every_measure_preposition_is_read_and_let_through(word: str) -> None:
    tail = f"the decoding throughput {word} "
    assert ends_near(tail, MEASURE_PREPOSITIONS) and metric_names._BEFORE_PREPOSITION.search(tail)


@pytest.mark.parametrize("noun", BENCHMARK_NOUNS)
def test_every_benchmark_noun_is_read_and_let_through(noun: str) -> None:
    text = f"It reaches 56% on the Quokka {noun}."
    assert metric_benchmarks.benchmark_after(text, text.index("%") + 1, len(text))[0] == "Quokka"


@pytest.mark.parametrize(("spellings", "unit"), [(PERCENT_SPELLINGS, "%"), (POINT_SPELLINGS, "pp"),
                                                 (MULTIPLIER_SPELLINGS, "x")])
def test_every_unit_spelling_is_read_and_let_through(spellings: tuple[str, ...], unit: str) -> None:
    for spelling in spellings:  # written glued to the number, or after a space ("3x", "3 times", "3 %")
        texts = [f"It is 3{gap}{spelling} faster" for gap in ("", " ")]
        assert any(metric_units.read_unit(t, find_quantities(t)[0]).unit == unit for t in texts), spelling


def test_the_case_blind_extras_are_the_non_ascii_letters_a_case_blind_ascii_pattern_takes() -> None:
    # (an ASCII letter here would send every text holding it, and any non-ASCII character, down the slow path)
    for extra in CASE_BLIND_EXTRAS:
        assert not extra.isascii() and any(re.fullmatch(a, extra, re.I) for a in string.ascii_letters), extra
    assert not has_case_blind_extras("a 128K context — “quoted”") and has_case_blind_extras("a 128\u212a context —")


def test_last_words_are_what_a_phrase_ends_with() -> None:
    assert last_words(["close to", "about", "An estimated"]) == ("about", "estimated", "to")
