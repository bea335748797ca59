"""Issue 11, round 9: a story whose paper is linked only at the end of its section. A story's title heads
sub-sections ("What it does", "How fast", "Where to read") and the paper's line of links comes in the last one,
after the numbers: the numbers are the story's own paper's, never the paper's before it, and the title is the
heading over the sub-sections, not the last sub-heading. Block editors draw such headings as divs whose block type
or class names the level (`data-block-type="heading2"`, `heading-h3`, `role="heading" aria-level="2"` around
inner divs): those are headings too."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.html_blocks import html_blocks
from extractors.records import Document

_SPARSE = ("2401.00001", "https://github.com/a/sparse")
_DRAFT = ("2402.00002", "https://github.com/b/draft")


def _items(body: str) -> list[tuple[str, str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Letter", body=f"<html><body>{body}</body></html>")
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc) if i.papers]


def _links(paper: tuple[str, str], texts: tuple[str, str], sep: str) -> str:
    return (f'<p><a href="https://arxiv.org/abs/{paper[0]}">{texts[0]}</a>{sep}'
            f'<a href="{paper[1]}">{texts[1]}</a></p>')


# (heading tags of the title and of its sub-sections, the sub-headings of each story, the links' texts)
_SECTIONS = [
    ("h2", "h3", (("What it does", "How fast", "Where to read"), ("Gist", "Measured", "Pointers")),
     ("arxiv.org/abs/{id}", "github"), " · "),
    ("h3", "h4", (("Motivation", "Evidence", "Sources"), ("The trick", "Speed-ups", "Find it")),
     ("Paper", "Repository"), " | "),
    ("h2", "h4", (("In one line", "Reported gains", "Follow up"), ("Core move", "Their figures", "Go read")),
     ("the preprint", "the code"), " / "),
]


@pytest.mark.parametrize(("title", "sub", "heads", "texts", "sep"), _SECTIONS)
def test_a_story_linked_at_the_end_of_its_section_keeps_its_numbers(
        title: str, sub: str, heads: tuple[tuple[str, ...], ...], texts: tuple[str, str], sep: str) -> None:
    stories = [("Sparse kernels for long inputs", _SPARSE, "The method splits the sequence into tiles and never "
                "visits the empty ones.", "It runs 3.5x faster than dense attention."),
               ("Cheaper draft models", _DRAFT, "A small model proposes tokens and the large one checks a whole "
                "run of them at once.", "Decoding gets 2.7x quicker with no loss in quality.")]
    body = "<h1>Notes for the reading group</h1>"
    for (name, paper, idea, numbers), (first, second, third) in zip(stories, heads, strict=True):
        link_texts = (texts[0].format(id=paper[0]), texts[1])
        body += (f"<{title}>{name}</{title}><{sub}>{first}</{sub}><p>{idea}</p><{sub}>{second}</{sub}>"
                 f"<p>{numbers}</p><{sub}>{third}</{sub}>{_links(paper, link_texts, sep)}")
    assert _items(body) == [
        (_SPARSE[0], "Sparse kernels for long inputs", [_SPARSE[1]], [3.5]),
        (_DRAFT[0], "Cheaper draft models", [_DRAFT[1]], [2.7]),
    ]


def test_a_sub_section_that_is_a_papers_own_story_is_not_folded_into_the_heading_above() -> None:
    # the last sub-section tells its paper's story itself (not only links): a title of its own
    body = ("<h2>Elsewhere this week</h2><h3>A chip export rule</h3><p>The new rule limits shipments of accelerators "
            "to 12 countries from next quarter onwards.</p><h3>Tiled attention, again</h3><p>The authors split the "
            f"sequence into tiles and get 3.5x over dense attention: <a href='https://arxiv.org/abs/{_SPARSE[0]}'>"
            "paper</a>.</p>")
    assert [(pid, title, values) for pid, title, _, values in _items(body)] == [
        (_SPARSE[0], "Tiled attention, again", [3.5])]


# block editors' headings: a block type or a class that names the level, or a role, around inner divs
_EDITOR_HEADINGS = [
    ('<div data-block-type="heading{n}"><div class="heading"><span>{text}</span></div></div>'),
    ('<div class="block editor-heading-{n}-block"><div class="inner"><span>{text}</span></div></div>'),
    ('<div role="heading" aria-level="{n}"><div class="line"><span>{text}</span></div></div>'),
]


@pytest.mark.parametrize("shape", _EDITOR_HEADINGS)
def test_block_editor_headings_are_headings_at_their_level(shape: str) -> None:
    body = (shape.format(n=2, text="Kernels closer to the ceiling")
            + "<div><p>Better work partitioning gives about 2x over the first version.</p></div>"
            + shape.format(n=3, text="Where to read")
            + f"<div><p><a href='https://arxiv.org/abs/{_SPARSE[0]}'>Paper</a></p></div>")
    headings = [(b.text, b.level) for b in html_blocks(f"<html><body>{body}</body></html>") if b.kind == "heading"]
    assert headings == [("Kernels closer to the ceiling", 2), ("Where to read", 3)]
    assert [(pid, title, values) for pid, title, _, values in _items(body)] == [
        (_SPARSE[0], "Kernels closer to the ceiling", [2.0])]


@pytest.mark.parametrize("classes", ["subheading-2", "heading", "col-2 heading-wrapper"])
def test_classes_that_name_no_heading_level_make_no_heading(classes: str) -> None:
    body = f'<div class="{classes}"><div><span>Kernels closer to the ceiling</span></div></div><p>Some text.</p>'
    assert [b.kind for b in html_blocks(f"<html><body>{body}</body></html>")] == ["para", "para"]
