"""`norm` and the HTML walk's `_squash` skip the split-and-join where a text holds no whitespace to fold:
the quick path must give what the slow one gives, for every kind of Unicode whitespace."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractors.blocks import norm
from extractors.html_blocks import _squash

# letters, and spaces of every kind str.split knows (no-break, em, ideographic, line separator, NEL, ...)
_TEXT = st.text(alphabet=st.sampled_from("ab é\n\t\r\xa0\u2003\u3000\u2028\x85\x1c\u200b\xad"), max_size=12)


@given(_TEXT)
def test_norm_folds_whitespace_like_split_and_join(text: str) -> None:
    assert norm(text) == " ".join(text.split())


@given(_TEXT.filter(bool))
def test_squash_keeps_one_space_at_either_end(text: str) -> None:
    inner = " ".join(text.split())
    expected = (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() and inner else "")
    assert _squash(text) == (expected or " ")
