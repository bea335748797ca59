"""Issue 11, round 6: links written as their bare address ("STaR https://arxiv.org/abs/2203.14465 bootstraps
...", "code at https://github.com/x/y"), the way chats and comments link. The name written right before a
paper's bare address (a coined word: "STaR", "AutoGen") is a name the paper goes by, and a bare-address code
link belongs to the paper of its own clause, found where the words before it stand (its text, the address,
is not in the text that is read for names). A labelled line ("Paper: ...", "논문 링크: ...") ends the related
reading above it: the paper it links is the story's own, not a further read."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_A = ("2203.14465", "https://github.com/ezelikman/STaR")
_B = ("2308.08155", "https://github.com/microsoft/autogen")


def _items(page: str) -> dict[str, list[str]]:
    doc = Document(source="t", key="k", url="https://chat.example/c/2", title="#papers", body=page)
    return {i.papers[0].arxiv_id: [c.url for c in i.code] for i in extract_items(doc)}


def _bare(pid: str) -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">https://arxiv.org/abs/{pid}</a>'


def _repo(url: str) -> str:
    return f'<a href="{url}">{url}</a>'


@pytest.mark.parametrize(
    "text",
    [
        f"Two for this week. STaR {_bare(_A[0])} bootstraps rationales and keeps the right ones. AutoGen "
        f"{_bare(_B[0])} is the systems side, code at {_repo(_B[1])}.",
        f"I paired them: STaR {_bare(_A[0])} retrains on its own rationales, while AutoGen {_bare(_B[0])} wires "
        f"agents together; its repo is {_repo(_B[1])}.",
        f"My picks. **STaR** {_bare(_A[0])} learns from its own reasoning. **AutoGen** {_bare(_B[0])} lets agents "
        f"talk, and {_repo(_B[1])} has the framework.",
    ],
    ids=["code-at", "its-repo", "has-the-framework"],
)
def test_a_bare_code_address_belongs_to_the_paper_of_its_clause(text: str) -> None:
    got = _items(f"<html><body><div class='msg'><p>{text}</p></div></body></html>")
    assert got.get(_B[0]) == [_B[1]] and not got.get(_A[0])


@pytest.mark.parametrize("label", ["논문 링크", "Paper", "Links"])
@pytest.mark.parametrize("related", ["더 읽어보기", "Further reading", "See also"])
def test_a_labelled_line_ends_the_related_reading_above_it(label: str, related: str) -> None:
    page = ("<html><body><h2>5. Holistic evaluation</h2><p>Seven metrics over sixteen core scenarios.</p>"
            f"<p><strong>{related}</strong></p><p>For code benchmarks, start with the Codex paper "
            '(<a href="https://arxiv.org/abs/2107.03374">arxiv.org/abs/2107.03374</a>).</p>'
            f'<p>{label}: <a href="https://arxiv.org/abs/2211.09110">arxiv.org/abs/2211.09110</a> · code: '
            '<a href="https://github.com/stanford-crfm/helm">github.com/stanford-crfm/helm</a></p></body></html>')
    doc = Document(source="t", key="k", url="https://n.example/5", title="Benchmarks", body=page)
    (item,) = extract_items(doc)
    assert item.papers[0].arxiv_id == "2211.09110"
    assert [c.url for c in item.code] == ["https://github.com/stanford-crfm/helm"]
