"""Property tests: on any text or HTML the metric extractor does not raise, gives finite values, and quotes
only what it was given."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors import extract_items
from extractors.metric_tables import table_metrics
from extractors.metrics import extract_metrics
from extractors.records import Document

# Pieces that reach the number, unit and context rules, mixed with arbitrary characters.
_PIECES = [
    "56%", ".5%", "1.7B", "7 B", "6x", "×", "2.2-3.6x", "between 2 and 3", "two times", "10^25", "1e9", "3.8 × 10^",
    "~", ">", "≥", "up to", "about", "at least", "pp", "%p", "percentage points", "params", "parameters", "tokens",
    "epochs", "hours", "GPU", "H100", "faster", "less", "cuts", "by", "on", "MMLU", "AIME 2024", "SWE-bench",
    "IMO-AnswerBench", "DeepSeek-V3", "(671B)", "Qwen2.5", "2025", "$5", "17억", "1.5조", "6710억 개의 매개변수",
    "매개변수는", "370억 개", "최대", "약", "이상", "배", "두 배", "토큰", "에폭", "시간", "개", "편", "줄", "%",
    "9" * 400, "1,000,000,000,000,000", ",", ".", "-", "–", "(", ")", ":", "\n", " ",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=5)), max_size=40).map(" ".join),
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
)
_TAGS = ["<p>", "</p>", "<h2>", "</h2>", "<table>", "</table>", "<tr>", "<td>", "<th>", "</td>", "<li>", "<ul>",
         "<hr>", "<br>", "<b>", "</b>", '<a href="https://arxiv.org/abs/2501.12948">', "</a>",
         '<a href="https://github.com/a/b">', "<td colspan=3>", "<!--", "-->", "<div class='sponsor'>"]
htmls = st.lists(st.one_of(st.sampled_from(_TAGS), texts), max_size=30).map("".join)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(texts)
@example("It reaches " + "9" * 400 + "% on MMLU, " + "9" * 400 + "B parameters.")
@example("9" * 400 + " cuts")  # an infinite count before a plural noun (found by hypothesis)
@example("")
def test_extract_metrics_never_raises_and_quotes_its_input(text):
    for m in extract_metrics(text):
        assert math.isfinite(m.value)
        assert m.text in text
        assert m.unit


@_SETTINGS
@given(st.lists(st.lists(texts.map(lambda t: t[:20]), max_size=5), max_size=6))
@example([["Model", "MMLU"], ["A", "9" * 400], ["B", "1e999"]])
def test_table_metrics_never_raise(rows):
    for m in table_metrics(rows):
        assert math.isfinite(m.value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(htmls)
# two items of one paper made one (the link's "0%" and the text after the rule): the number keeps its quote
@example('<a href="https://arxiv.org/abs/2501.12948">0%<hr>-->')
def test_extract_items_never_raises_on_any_html(html):
    for body_type in ("html", "text"):
        doc = Document(source="test", key="k", url=None, title="t", body=html, body_type=body_type)
        for item in extract_items(doc):
            for m in item.metrics:
                assert math.isfinite(m.value)
                # prose metrics quote the item's text; table metrics quote their row, column and cell
                assert m.text in item.text or (m.text.count(" | ") >= 2 and m.kind in ("score", "relative",
                                                                                       "size", "count"))
