"""The quick tests in front of slow patterns never turn away a text the pattern matches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractors import items, metric_names
from extractors.prefilter import may_hold

# pieces of the patterns' own words, in any case and with the letters a case-blind match also takes
_PIECES = ["unsubscribe", "manage your preferences", "You are receiving this", "구독 취소", "수신거부",
           "improves", "speeds up", "REDUCES", "the", "throughput", "by", " ", "ſ", "K", "ı", "İ", "x"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


@given(_TEXT)
def test_footer_words_let_every_footer_through(text: str) -> None:
    assert items._FOOTER.search(text) is None or may_hold(text, items._FOOTER_WORDS)


@given(_TEXT)
def test_change_verbs_let_every_verb_phrase_through(text: str) -> None:
    assert metric_names._AFTER_VERB.search(text) is None or may_hold(text, metric_names.AFTER_VERB_WORDS)
