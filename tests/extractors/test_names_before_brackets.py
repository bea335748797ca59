"""Issue 11, round 12: a story titled by a section's heading (one over two papers, or over one) names its paper by
the word written right before the bracket that opens with the paper's link ("Tulip (paper, code)"), where the
link's text names nothing ("paper", "arXiv") or is the paper's address and the word opens its clause or is what
the sentence is about; that name follows the heading in the paper's item title. A word a preposition governs
("from DeepMind (paper)") or the last word of a longer name ("... Prompting (pdf)") names nothing."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document


def _titles(body: str) -> list[tuple[str, str]]:
    doc = Document(source="t", key="k", url=None, title="Issue 4", body=f"<html><body>{body}</body></html>")
    return [(it.papers[0].arxiv_id, it.title) for it in extract_items(doc) if it.papers]


@pytest.mark.parametrize(
    ("first", "second", "one", "two"),
    [
        ('First up, <strong>Tulip</strong> (<a href="https://arxiv.org/abs/2501.00011">paper</a>, '
         '<a href="https://github.com/ex/tulip">code</a>), a planner that keeps a scratchpad and wins 14% more '
         'episodes.',
         'The follow-up, <strong>Marigold</strong> (<a href="https://arxiv.org/abs/2501.00022">arXiv</a>), '
         'prunes the scratchpad and solves 31% of the hard split.',
         "Tulip", "Marigold"),
        ('Our pick: <b>Orca-Planner</b> [<a href="https://arxiv.org/abs/2502.00033">pdf</a>] '
         'which solves 64.0% of the easy split.',
         '<b>Heron</b> [<a href="https://arxiv.org/abs/2502.00044">abs</a>] adds a '
         'critic and gets 72.5% on the test tasks.',
         "Orca-Planner", "Heron"),
        ('If you read one, make it <em>SKETCH</em> (<a href="https://arxiv.org/abs/2503.00055">link</a>): it '
         'reaches 48.2 BLEU with a tenth of the data.',
         'Its rival, <em>Quill</em> (<a href="https://arxiv.org/abs/2503.00066">here</a>), stays at 45.9 BLEU.',
         "SKETCH", "Quill"),
    ],
)
def test_the_name_before_a_papers_bracketed_link_follows_the_heading(first: str, second: str, one: str,
                                                                     two: str) -> None:
    got = _titles(f"<h2>What we read this week</h2><p>{first} {second}</p><h2>Elsewhere</h2>"
                  '<p>A story about <a href="https://arxiv.org/abs/2504.00077">Some Other Paper Title</a>.</p>')
    titles = dict(got)
    assert any(t == f"What we read this week — {one}" for t in titles.values()), got
    assert any(t == f"What we read this week — {two}" for t in titles.values()), got


@pytest.mark.parametrize(
    "sentence",
    [
        'Evaluation is the hard part. <b>Lantern</b> (<a href="https://arxiv.org/abs/2505.00099">'
        'arxiv.org/abs/2505.00099</a>) is 800 tasks judged against checklists.',
        '<i>Kestrel-2</i> (<a href="https://arxiv.org/abs/2505.00099">https://arxiv.org/abs/2505.00099</a>) '
        'scores 81.5% on the hard split.',
        'The one to read is <strong>PLUMB</strong> (<a href="https://arxiv.org/abs/2505.00099">paper</a>), '
        'with 0.93 correlation to human votes.',
    ],
)
def test_a_lone_paper_under_a_heading_is_named_by_the_word_before_its_link(sentence: str) -> None:
    name = next(w for w in ("Lantern", "Kestrel-2", "PLUMB") if w in sentence)
    assert _titles(f"<h2>Checking the results</h2><p>{sentence}</p>") == [
        ("2505.00099", f"Checking the results — {name}")]


@pytest.mark.parametrize(
    "sentence",
    [
        'Trained on one A100 GPU (<a href="https://arxiv.org/abs/2505.00088">paper</a>), it gets 12% more wins.',
        'A follow-up to the planner from DeepMind (<a href="https://arxiv.org/abs/2505.00088">arXiv</a>) gets '
        '12% more wins.',
        'Plan-and-Solve Prompting (<a href="https://arxiv.org/abs/2505.00088">pdf</a>) gets 12% more wins.',
    ],
)
def test_a_word_governed_or_cut_from_a_longer_name_names_nothing(sentence: str) -> None:
    assert _titles(f"<h2>What we read this week</h2><p>{sentence}</p>") == [
        ("2505.00088", "What we read this week")]
