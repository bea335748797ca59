"""Which paper of a paragraph is its clause's subject (extractors/attribution.py, extractors/item_links.py
`mention_names`): a paper named in a parenthetical aside does not take the rest of its clause; a paper the
sentence introduces as its predicate is what the sentences after it are about; a Korean particle after a name
does not hide the name; a code link whose repository is named after one paper is that paper's; a heading over
two papers names each of them; a title on the line before its bare address names its paper."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.item_links import abbreviates
from records.documents import Document, Item

A, B = "2501.00011", "2501.00022"
GH_A, GH_B = "https://github.com/lab-a/fastkv", "https://github.com/lab-b/tinylm"


def _items(body: str, body_type: str = "html") -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type=body_type))


def _owned(items: list[Item]) -> dict[str, tuple[list[tuple[float, str]], list[str]]]:
    return {i.papers[0].arxiv_id: (sorted((m.value, m.unit) for m in i.metrics), [c.url for c in i.code])
            for i in items}


def _a(pid: str, text: str) -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text}</a>'


def _gh(url: str, text: str = "code") -> str:
    return f'<a href="{url}">{text}</a>'


# The aside names B in passing; A's numbers and code after it, in the same clause or the next, stay A's
ASIDES = [
    f"<p>{_a(A, 'FastKV')} is what I would use: it stores TinyLM keys in fewer bits ({_a(B, 'TinyLM')} itself is a "
    f"year older), which cuts the cache by 75%; on one card it also decodes 3x faster ({_gh(GH_A)}).</p>",
    f"<p>Our pick is {_a(A, 'FastKV')}, which prunes the TinyLM heads (see {_a(B, 'TinyLM')} for where they "
    f"come from) and so saves 75% of the memory; decoding gets 3x faster too ({_gh(GH_A, 'repo')}).</p>",
    f"<p>{_a(A, 'FastKV')}는 TinyLM 방식의 어댑터를 씁니다({_a(B, 'TinyLM')} 자체는 작년에 나왔습니다). "
    f"그래서 캐시를 75% 줄이고, 디코딩도 3배 빨라졌습니다({_gh(GH_A)}).</p>",
]


@pytest.mark.parametrize("body", ASIDES)
def test_a_paper_named_in_an_aside_does_not_take_the_rest_of_its_clause(body: str) -> None:
    assert _owned(_items(body)) == {A: ([(3, "x"), (75, "%")], [GH_A])}


def test_a_number_inside_the_aside_is_the_aside_paper_s() -> None:
    body = (f"<p>{_a(A, 'FastKV')} stores keys in fewer bits ({_a(B, 'TinyLM')} had reached 3x with wider keys), which "
            f"cuts the cache by 75%.</p>")
    assert _owned(_items(body)) == {A: ([(75, "%")], []), B: ([(3, "x")], [])}


# B is introduced as the predicate ("the other one is B"): the sentences after it are about B, not A
INTRODUCED = [
    f"<p>{_a(A, 'FastKV')} set the baseline at 75% memory saved. The follow-up that everyone cites is "
    f"{_a(B, 'TinyLM')}. With fewer layers, decoding becomes 3x faster ({_gh(GH_B)}).</p>",
    f"<p>{_a(A, 'FastKV')} saves 75% of the cache. Two months later the same lab presents {_a(B, 'TinyLM')}. "
    f"On phones the distilled model decodes 3x faster ({_gh(GH_B)}).</p>",
    f"<p>출발점은 {_a(A, 'FastKV')}이며 캐시를 75% 줄였습니다. 같은 팀이 층을 줄인 것이 {_a(B, 'TinyLM')}로, "
    f"구조를 단순하게 했습니다. 그 결과 휴대폰에서 디코딩이 3배 빨라졌습니다({_gh(GH_B)}).</p>",
    f"<p>{_a(A, 'FastKV')}로 캐시를 75% 줄인 다음 해, 작은 모델 쪽에서는 {_a(B, 'TinyLM')}가 나왔습니다. 층 수를 "
    f"절반으로 줄이자 디코딩이 3배 빨라졌습니다({_gh(GH_B)}).</p>",
]


@pytest.mark.parametrize("body", INTRODUCED)
def test_the_sentences_after_an_introduced_paper_are_about_it(body: str) -> None:
    assert _owned(_items(body)) == {A: ([(75, "%")], []), B: ([(3, "x")], [GH_B])}


# Korean glues its particles onto a Latin name: "TinyLM은" still names TinyLM (no link in that sentence)
PARTICLES = [
    f"<p>{_a(A, 'FastKV')}와 {_a(B, 'TinyLM')}을 함께 봅니다. FastKV는 캐시를 75% 줄였고, TinyLM은 3배 빠릅니다.</p>",
    f"<p>이번 주는 {_a(A, 'FastKV')}, {_a(B, 'TinyLM')} 두 편입니다. 메모리는 FastKV가 75% 아꼈습니다. 속도에서는 "
    f"TinyLM이 3배 앞섭니다.</p>",
    f"<p>{_a(A, 'FastKV')} 그리고 {_a(B, 'TinyLM')}. FastKV의 캐시 절감은 75%입니다. TinyLM의 디코딩은 3배 "
    f"빨라졌습니다.</p>",
]


@pytest.mark.parametrize("body", PARTICLES)
def test_a_name_with_a_korean_particle_glued_on_is_a_mention(body: str) -> None:
    assert _owned(_items(body)) == {A: ([(75, "%")], []), B: ([(3, "x")], [])}


# The repository is named after B (its name, or its first word, is B's name): B's code, whatever the clause
REPOS = [
    (f"<p>{_a(A, 'FastKV')} cuts the cache by 75% and {_a(B, 'TinyLM')} decodes 3x faster; both are open "
     f"({_gh('https://github.com/lab-b/tinylm')}).</p>", "https://github.com/lab-b/tinylm"),
    (f"<p>{_a(B, 'TinyLM')} decodes 3x faster, and {_a(A, 'FastKV')} cuts the cache by 75% "
     f"({_gh('https://github.com/lab-b/TinyLM-src', 'lab-b/TinyLM-src')}).</p>", "https://github.com/lab-b/TinyLM-src"),
    (f"<p>{_a(A, 'FastKV')}와 {_a(B, 'TinyLM')}을 함께 봅니다. 캐시는 75% 줄고 속도는 3배입니다(코드: "
     f"{_gh('https://github.com/lab-b/tiny_lm', '저장소')}).</p>", "https://github.com/lab-b/tiny_lm"),
]


@pytest.mark.parametrize(("body", "repo"), REPOS)
def test_a_repository_named_after_one_paper_is_that_paper_s_code(body: str, repo: str) -> None:
    owned = _owned(_items(body))
    assert owned[B][1] == [repo]
    assert owned.get(A, ([], []))[1] == []


# Two papers under one heading that names both: each name of the heading goes to its own paper
HEADINGS = [
    f"<h2>ViT, then MAE</h2><p>It starts with {_a(A, 'An Image is Worth 16x16 Words')}. The follow-up, "
    f"{_a(B, 'Masked Autoencoders Are Scalable Vision Learners')}, hides patches. MAE reaches 87.8% here.</p>",
    f"<h2>패치 두 편: ViT와 MAE</h2><p>먼저 {_a(A, 'An Image is Worth 16x16 Words')}. 다음은 "
    f"{_a(B, 'Masked Autoencoders Are Scalable Vision Learners')}. MAE는 87.8%에 도달했습니다.</p>",
    f"<h2>From ViT to MAE</h2><p>{_a(A, 'An Image is Worth 16x16 Words')} came first; "
    f"{_a(B, 'Masked Autoencoders Are Scalable Vision Learners')} came later. In the table, MAE gets 87.8%.</p>",
]


@pytest.mark.parametrize("body", HEADINGS)
def test_a_heading_over_two_papers_names_each_of_them(body: str) -> None:
    owned = _owned(_items(body))
    assert owned[B][0] == [(87.8, "%")]
    assert (87.8, "%") not in owned.get(A, ([], []))[0]


@pytest.mark.parametrize(("short", "long", "expected"), [
    ("MAE", "Masked Autoencoders Are Scalable Vision Learners", True),
    ("ViT", "Vision Transformers for Dense Prediction", True),
    ("LLM", "Large Language Models Are Zero-Shot Reasoners", True),
    ("ViT", "Masked Autoencoders Are Scalable Vision Learners", False),
    ("MAE", "An Image is Worth 16x16 Words", False),
    ("Qwen과", "Qwen Technical Report", False),
])
def test_an_acronym_is_made_of_the_opening_words_letters(short: str, long: str, expected: bool) -> None:
    assert abbreviates(short, long) is expected


# A title on its line, its address alone on the next (as a plain-text part turned into HTML writes them); the
# text later calls the paper by the title's short name (before its colon, or the compound it opens with)
TITLE_LINES = [
    "<h2>이번 주의 두 편</h2><p>▶ 논문: FastKV: Pruned Caches for Long Context<br>   https://arxiv.org/abs/2501.00011"
    "<br>▶ 논문: Tiny-Decoders Run Language Models on Phones<br>   https://arxiv.org/abs/2501.00022</p>"
    "<p>두 편을 묶었습니다. FastKV는 캐시를 75% 줄였습니다. Tiny-Decoders는 디코딩이 3배 빠릅니다.</p>",
    "<h2>Two papers</h2><p>Paper: FastKV: Pruned Caches for Long Context<br>https://arxiv.org/abs/2501.00011<br>"
    "Paper: Tiny-Decoders Run Language Models on Phones<br>https://arxiv.org/abs/2501.00022</p><p>Read together. "
    "With FastKV the cache shrinks by 75%. Tiny-Decoders, on the other hand, decode 3x faster.</p>",
    "<h3>Read together</h3><p>[1] FastKV: Pruned Caches for Long Context<br>https://arxiv.org/abs/2501.00011<br>"
    "[2] Tiny-Decoders Run Language Models on Phones<br>https://arxiv.org/abs/2501.00022</p><p>Both this week. "
    "FastKV reports a 75% smaller cache. Tiny-Decoders are 3x faster on a phone.</p>",
]


@pytest.mark.parametrize("body", TITLE_LINES)
def test_a_title_on_the_line_before_a_bare_address_names_its_paper(body: str) -> None:
    assert _owned(_items(body)) == {A: ([(75, "%")], []), B: ([(3, "x")], [])}
