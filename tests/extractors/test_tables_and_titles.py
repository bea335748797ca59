"""Tables whose rows are different papers (one item per paper row, its own cells only), and item titles: a
paper's title is its heading, bold lead or card title, with the paper's name added where the title does not
name it; never a section label."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document, Item

A, B, C = "2408.08152", "2502.07640", "2504.11354"


def _items(body: str) -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type="html"))


def _a(pid: str, text: str = "arXiv") -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text}</a>'


def _gh(repo: str, text: str = "GitHub") -> str:
    return f'<a href="https://github.com/{repo}">{text}</a>'


PAPER_TABLES = [
    pytest.param("<table><tr><th>Model</th><th>Paper</th><th>Code</th><th>miniF2F (%)</th></tr>"
                 f"<tr><td>Prover-A</td><td>{_a(A)}</td><td>{_gh('lab/a')}</td><td>63.5</td></tr>"
                 f"<tr><td>Prover-B</td><td>{_a(B)}</td><td>{_gh('lab/b')}</td><td>57.6</td></tr>"
                 f"<tr><td>Prover-C</td><td>{_a(C)}</td><td>{_gh('lab/c')}</td><td>80.7</td></tr></table>",
                 id="links-in-their-own-columns"),
    pytest.param("<table><thead><tr><td>System</td><td>miniF2F (%)</td><td>Budget</td></tr></thead><tbody>"
                 f"<tr><td>{_a(A, 'Prover-A')} ({_gh('lab/a', 'code')})</td><td>63.5</td><td>pass@32</td></tr>"
                 f"<tr><td>{_a(B, 'Prover-B')} ({_gh('lab/b', 'code')})</td><td>57.6</td><td>pass@32</td></tr>"
                 f"<tr><td>{_a(C, 'Prover-C')} ({_gh('lab/c', 'code')})</td><td>80.7</td><td>pass@8</td></tr>"
                 "</tbody></table>", id="name-is-the-link-text-column"),
    pytest.param("<table><tr><th>Name</th><th>miniF2F (%)</th><th>Links</th></tr>"
                 f"<tr><td>Prover-A</td><td>63.5</td><td>{_a(A, 'paper')} · {_gh('lab/a', 'repo')}</td></tr>"
                 "<tr><td>GPT-4 (baseline)</td><td>23.0</td><td>-</td></tr>"
                 f"<tr><td>Prover-B</td><td>57.6</td><td>{_a(B, 'paper')} · {_gh('lab/b', 'repo')}</td></tr>"
                 f"<tr><td>Prover-C</td><td>80.7</td><td>{_a(C, 'paper')} · {_gh('lab/c', 'repo')}</td></tr></table>",
                 id="links-last-and-a-baseline-row"),
]


@pytest.mark.parametrize("table", PAPER_TABLES)
def test_a_table_of_papers_gives_each_paper_its_own_row(table: str) -> None:
    items = _items(f"<h2>Open provers compared</h2><p>One row each.</p>{table}")
    assert [(i.papers[0].arxiv_id, [c.url.rsplit('/', 1)[-1] for c in i.code], [(m.value, m.unit) for m in i.metrics])
            for i in items] == [(A, ["a"], [(63.5, "%")]), (B, ["b"], [(57.6, "%")]), (C, ["c"], [(80.7, "%")])]
    assert [i.title for i in items] == ["Prover-A", "Prover-B", "Prover-C"]


TITLES = [
    pytest.param(f"<h2>Features without labels</h2><p>{_a(A, 'DINOv2: Learning Robust Visual Features')}</p>",
                 "Features without labels — DINOv2: Learning Robust Visual Features", id="heading-not-naming-it"),
    pytest.param(f"<h2>DINOv2: features that just work</h2><p>{_a(A, 'DINOv2: Learning Robust Visual Features')}</p>",
                 "DINOv2: features that just work", id="heading-naming-it-by-its-short-name"),
    pytest.param(f"<p><strong>TL;DR</strong></p><p>It reaches 86.5%.</p><p>{_a(A, 'DINOv2: Robust Features')}</p>",
                 "DINOv2: Robust Features", id="label-is-never-the-title"),
    pytest.param('<aside class="onebox" data-onebox-src="https://arxiv.org/abs/2408.08152"><article>'
                 "<h3>[2408.08152] DeepSeek-Prover-V1.5</h3><p>Abstract.</p></article></aside>",
                 "DeepSeek-Prover-V1.5", id="card-title"),
]


@pytest.mark.parametrize(("body", "title"), TITLES)
def test_an_items_title_is_its_papers_heading_lead_or_card(body: str, title: str) -> None:
    (item,) = _items(body)
    assert item.title == title


def test_a_title_shared_by_two_papers_gets_each_papers_name() -> None:
    for lead in ("Pruning, twice.", "Two ways to quantise:", "This week's pair"):
        body = (f"<ul><li><strong>{lead}</strong> {_a(A, 'SparseGPT')} prunes to 50% sparsity. "
                f"{_a(B, 'Wanda')} is 300x faster.</li></ul>")
        first, second = _items(body)
        assert first.title.startswith(lead.rstrip(":")) and first.title.endswith("SparseGPT"), lead
        assert second.title == "Wanda", lead
