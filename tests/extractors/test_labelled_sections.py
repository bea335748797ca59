"""Issue 11, round 7: a post reviewing several papers, one section each under a heading that does not link its
paper ("PiSSA 다시 보기", "Cheaper adapters"), where labelled sub-headings open and divide each section ("논문
소개", "Paper", "주요 결과", "Key results", "요약"). The labels are sub-headings, not stories, and the line of
links under a section's first label (the paper and its code) is the heading's own paper, as it would be right
under the heading: each section is its paper's story, titled by its heading, with its own numbers, even where
the post's introduction links another paper in passing."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_INTROS = [
    '<p>After <a href="https://arxiv.org/abs/2106.09685">LoRA</a> became the default, variants keep coming.</p>',
    '<p><a href="https://arxiv.org/abs/2106.09685">LoRA</a> 이후 나온 변형 두 가지를 정리했습니다.</p>',
    '<p>Two follow-ups to <a href="https://arxiv.org/abs/2106.09685">Hu et al.</a>, read this week.</p>',
]
# (label over the links, label over the results) for each wording
_LABELS = [("Paper", "Key results"), ("논문 소개", "주요 결과"), ("Links", "요약")]
_SECTIONS = [
    ("Cheaper adapters by quantising", "2305.14314", "artidoro/qlora",
     ["It fine-tunes a 65B model on a single 48 GB GPU.", "65B 모델을 48 GB GPU 한 장으로 미세조정합니다.",
      "One 48 GB card is enough for a 65B model."], [65e9, 48.0]),
    ("Half the memory for the optimiser", "2403.03507", "jiaweizzhao/GaLore",
     ["Memory for optimizer states drops by 65.5%.", "옵티마이저 상태 메모리가 65.5% 줄어듭니다.",
      "The optimizer states take 65.5% less memory."], [65.5]),
]


def _page(n: int) -> str:
    links, results = _LABELS[n]
    parts = [f"<h1>Review #{n + 4}</h1>", _INTROS[n]]
    for heading, pid, repo, sentences, _ in _SECTIONS:
        parts += [f"<h2>{heading}</h2>", f"<h3>{links}</h3>",
                  f'<p><a href="https://arxiv.org/abs/{pid}">The paper</a> · '
                  f'<a href="https://github.com/{repo}">{repo}</a></p>',
                  f"<h3>{results}</h3>", f"<p>{sentences[n]}</p>"]
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


@pytest.mark.parametrize("n", range(len(_LABELS)))
def test_labelled_sub_headings_divide_a_papers_section(n: int) -> None:
    doc = Document(source="t", key="k", url="https://blog.example/review", title=f"Review #{n + 4}", body=_page(n))
    got = {i.papers[0].arxiv_id: i for i in extract_items(doc)}
    for heading, pid, repo, _, values in _SECTIONS:
        item = got[pid]
        assert item.title.startswith(heading)
        assert [c.url for c in item.code] == [f"https://github.com/{repo}"]
        assert sorted(m.value for m in item.metrics) == sorted(values)
    assert not got.get("2106.09685") or not got["2106.09685"].metrics  # the paper the introduction names in passing
