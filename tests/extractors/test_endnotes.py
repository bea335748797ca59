"""Endnotes cited by bare superscript numbers: the n-th item of a numbered list under an endnotes label
("Sources", "References", "출처") lends its links to every `<sup>n</sup>` in the text."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document


def _items(html: str) -> list[tuple[str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Letter", body=f"<html><body>{html}</body></html>")
    return [(it.title, [p.arxiv_id for p in it.papers], [m.value for m in it.metrics])
            for it in extract_items(doc) if it.papers]


def _notes(label: str, ids: list[str]) -> str:
    return f"<p><strong>{label}</strong></p><ol>" + "".join(
        f"<li>Author et al., a paper. <a href='https://arxiv.org/abs/{pid}?utm_source=hs_email'>arxiv.org/abs/{pid}"
        "</a></li>" for pid in ids) + "</ol>"


@pytest.mark.parametrize(
    ("stories", "label"),
    [
        ("<p><b>Paged caches</b></p><p>Blocks of KV cache, 2-4x the throughput.<sup>1</sup></p>"
         "<p><b>Kernels again</b></p><p>About 2x faster than before<sup>2</sup>, 73% of peak.</p>", "Sources"),
        ("<h3>Paged caches</h3><p>Throughput rises 4x<sup>[1]</sup>.</p>"
         "<h3>Kernels again</h3><p>It reaches 73% of peak <sup>(2)</sup>.</p>", "References:"),
        ("<p><b>Paged caches</b></p><p>처리량이 4배 늘었습니다.<sup>1</sup></p>"
         "<p><b>Kernels again</b></p><p>최대 성능의 73%에 도달합니다.<sup>2</sup></p>", "출처"),
    ],
)
def test_a_superscript_number_cites_the_endnote_of_that_number(stories: str, label: str) -> None:
    got = _items(stories + _notes(label, ["2309.06180", "2307.08691"]))
    assert [(t, p) for t, p, _ in got] == [("Paged caches", ["2309.06180"]), ("Kernels again", ["2307.08691"])]
    assert 73.0 in got[1][2] and 73.0 not in got[0][2]


def test_a_list_without_an_endnotes_label_lends_nothing() -> None:
    html = ("<h3>Paged caches</h3><p>Throughput rises 4x<sup>1</sup>.</p>"
            + _notes("Further picks this week", ["2309.06180"]).replace("<p><strong>Further picks this week"
                                                                         "</strong></p>", "<h3>More</h3>"))
    assert [t for t, _, _ in _items(html)] != ["Paged caches"]


def test_an_exponent_is_not_a_marker() -> None:
    html = ("<h3>Paged caches</h3><p>About 10<sup>2</sup> requests per second.</p>"
            + _notes("Sources", ["2309.06180", "2307.08691"]))
    assert all(t != "Paged caches" for t, _, _ in _items(html))
