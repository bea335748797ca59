"""Stories held by an element that titles them: a `<details>` disclosure (its `<summary>`), a definition list
(`<dt>` over `<dd>`); the container's end ends its last story. And repositories that are someone else's
version of a paper's code."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document


def _items(html: str) -> list[tuple[str, list[str], list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Page", body=f"<html><body>{html}</body></html>")
    return [(it.title, [p.arxiv_id for p in it.papers], [c.url for c in it.code], [m.value for m in it.metrics])
            for it in extract_items(doc) if it.papers]


def _arxiv(pid: str, text: str = "arXiv") -> str:
    return f"<a href='https://arxiv.org/abs/{pid}'>{text}</a>"


@pytest.mark.parametrize(
    "html",
    [
        # the paper's link comes last in its disclosure
        "<h2>Objectives</h2>"
        "<details><summary>Contrastive preference learning</summary><p>Learns from regret.</p>"
        f"<p>It wins 61% of comparisons.</p><p>Link: {_arxiv('2310.13639')}</p></details>"
        "<details><summary>Sequence likelihood calibration</summary><p>Calibrates likelihoods.</p>"
        f"<p>Up 4.5 points on summarisation. {_arxiv('2210.00045', 'preprint')}</p></details>",
        # a paper named only by its id in the text, the disclosures straight under the page
        "<details><summary>Contrastive preference learning</summary><p>See arXiv:2310.13639. It wins 61% of "
        "comparisons.</p></details><details><summary>Sequence likelihood calibration</summary>"
        "<p>arXiv 2210.00045: up 4.5 points on summarisation.</p></details>",
        # definition list: the title is the term, the link and the numbers in the description
        f"<dl><dt>Contrastive preference learning from regret</dt><dd><p>It wins 61% of comparisons.</p>"
        f"<p>{_arxiv('2310.13639', 'export')}</p></dd><dt>Sequence likelihood calibration for generation</dt>"
        f"<dd>Up 4.5 points on summarisation ({_arxiv('2210.00045', 'abs')}).</dd></dl>",
    ],
)
def test_each_disclosure_or_term_is_a_story_titled_by_it(html: str) -> None:
    got = _items(html)
    assert [(t.split()[0], p, m) for t, p, _, m in got] == [
        ("Contrastive", ["2310.13639"], [61.0]), ("Sequence", ["2210.00045"], [4.5])]


@pytest.mark.parametrize(
    "after",
    [
        "<p>Next month: 6 sessions in room B-214.</p>",
        "<div class='admonition tip'><p>Reading order: it takes about 3 evenings.</p></div>",
        "<p>We have 37 notes so far and 4 contributors.</p>",
    ],
)
def test_what_follows_the_container_is_not_its_last_story(after: str) -> None:
    for html in (f"<details><summary>Sequence likelihood calibration</summary><p>Up 4.5 points. "
                 f"{_arxiv('2210.00045')}</p></details>{after}",
                 f"<dl><dt>Sequence likelihood calibration for generation</dt><dd>Up 4.5 points. "
                 f"{_arxiv('2210.00045')}</dd></dl>{after}"):
        assert [m for _, _, _, m in _items(html)] == [[4.5]]


def test_a_short_term_is_a_field_name_not_a_title() -> None:
    html = (f"<h3>Sequence likelihood calibration</h3><dl><dt>Paper</dt><dd>{_arxiv('2210.00045')}</dd>"
            "<dt>Code</dt><dd><a href='https://github.com/ex/slic'>ex/slic</a></dd></dl>")
    assert _items(html) == [("Sequence likelihood calibration", ["2210.00045"], ["https://github.com/ex/slic"], [])]


@pytest.mark.parametrize(
    "sentence",
    [
        "There is no official code; an unofficial reimplementation is at {repo}.",
        "A third-party implementation lives in {repo}, 2x slower than the paper's numbers.",
        "Community port to JAX: {repo}",
        "비공식 구현: {repo}",
        "We used a re-implementation ({repo}) for our runs.",
    ],
)
def test_someone_elses_version_of_the_code_is_not_the_papers_code(sentence: str) -> None:
    repo = "<a href='https://github.com/someone/port'>someone/port</a>"
    html = (f"<h3>Neural codec language models</h3><p>Zero-shot TTS from codec tokens. {_arxiv('2301.02111')}</p>"
            f"<p>{sentence.format(repo=repo)}</p>")
    assert _items(html)[0][2] == []


def test_the_papers_own_code_beside_a_port_is_kept() -> None:
    html = (f"<h3>Neural codec language models</h3><p>{_arxiv('2301.02111')} Code: "
            "<a href='https://github.com/lab/codec-lm'>lab/codec-lm</a>. An unofficial port: "
            "<a href='https://github.com/someone/port'>someone/port</a>.</p>")
    assert _items(html)[0][2] == ["https://github.com/lab/codec-lm"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ArXiv ID:", "2310.01889"),
        ("Arxiv Id", "2310.01889"),
        ("DOI:", "10.48550/arXiv.2310.01889"),
    ],
)
def test_a_record_field_is_a_label_not_the_title(field: str, value: str) -> None:
    html = (f"<p><strong>1. Ring Attention with Blockwise Transformers</strong></p><p><strong>{field}</strong> "
            f"{value}</p><p><strong>Abstract:</strong> Context over 500 times longer.</p>"
            f"<p><strong>2. Train Short, Test Long</strong></p><p><strong>{field}</strong> "
            f"{value.replace('2310.01889', '2108.12409')}</p><p><strong>Abstract:</strong> 11% faster.</p>")
    assert [(t, p, m) for t, p, _, m in _items(html)] == [
        ("1. Ring Attention with Blockwise Transformers", ["2310.01889"], [500.0]),
        ("2. Train Short, Test Long", ["2108.12409"], [11.0])]


@pytest.mark.parametrize("count", ["34 pages, 12 figures", "9 pages and 5 tables", "with 3 appendices"])
def test_a_papers_own_parts_are_not_its_results(count: str) -> None:
    html = f"<h3>Hyena Hierarchy</h3><p>{_arxiv('2302.10866')} 100x faster at 64K. Comment: {count}.</p>"
    assert _items(html)[0][3] == [100.0]
