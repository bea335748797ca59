"""Tables of papers as a leaderboard writes them: a rank column before the name, the unit in a note above the
table, the benchmark in the heading over it, a score with the count it came from."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.metric_tables import is_number_cell
from extractors.records import Document


def _metrics(html: str) -> dict[str, list[tuple[str | None, float, str]]]:
    doc = Document(source="t", key="k", url=None, title="T", body=f"<html><body>{html}</body></html>")
    return {it.papers[0].arxiv_id: [(m.name, m.value, m.unit) for m in it.metrics]
            for it in extract_items(doc) if it.papers}


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


A, B, C = ("<a href='https://arxiv.org/abs/2401.00001'>arXiv</a>", "<a href='https://arxiv.org/abs/2402.00002'>paper"
           "</a>", "<a href='https://arxiv.org/abs/2403.00003'>link</a>")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # "#" over rank numbers, the model's name in the next column
        ("<h2>HumanEval</h2><table><tr><th>#</th><th>Model</th><th>Paper</th><th>Pass@1 (%)</th></tr>"
         + _row("1", "Coder-A", A, "88.4") + _row("2", "Coder-B", B, "81.0") + "</table>",
         {"2401.00001": [("HumanEval", 88.4, "%")], "2402.00002": [("HumanEval", 81.0, "%")]}),
        # "Rank" with "#1"-style cells, and a "No." variant with "1." cells
        ("<table><tr><th>Rank</th><th>System</th><th>Link</th><th>MMLU</th></tr>"
         + _row("#1", "Big-LM", C, "79.5") + _row("#2", "Small-LM", A, "70.2") + "</table>",
         {"2403.00003": [("MMLU", 79.5, "score")], "2401.00001": [("MMLU", 70.2, "score")]}),
        ("<table><tr><th>No.</th><th>Approach</th><th>Ref</th><th>GSM8K (%)</th></tr>"
         + _row("1.", "Self-check", B, "91.1") + _row("2.", "Plain CoT", C, "84.0") + "</table>",
         {"2402.00002": [("GSM8K", 91.1, "%")], "2403.00003": [("GSM8K", 84.0, "%")]}),
    ],
)
def test_a_rank_column_does_not_name_the_rows(html: str, expected: dict) -> None:
    got = _metrics(html)
    assert {pid: got.get(pid) for pid in expected} == expected


@pytest.mark.parametrize(
    ("note", "unit"),
    [
        ("<p>pass@1, %, as reported by each paper.</p>", "%"),
        ("<p><small>All scores are percentages.</small></p>", "%"),
        ("<p>Scores in percent; higher is better.</p>", "%"),
        # a long paragraph above the table is prose, not the table's note
        ("<p>We ran every model three times and report the mean, which in a few cases differs from the % that "
         "the authors published because our harness trims long answers.</p>", "score"),
    ],
)
def test_a_short_note_right_above_a_table_gives_its_unit(note: str, unit: str) -> None:
    html = (note + "<table><tr><th>Model</th><th>Paper</th><th>Average</th></tr>" + _row("M-1", A, "61.5")
            + _row("M-2", B, "58.0") + "</table>")
    assert _metrics(html)["2401.00001"] == [("Average", 61.5, unit)]


@pytest.mark.parametrize(
    ("heading", "column", "name"),
    [
        ("<h2>🛠 SWE-bench Verified</h2>", "Resolved (%)", "SWE-bench Verified"),
        ("<h3>This week on GPQA Diamond</h3>", "Accuracy", "GPQA Diamond"),
        ("<h2>Text embeddings (MTEB, English)</h2>", "Average", "MTEB"),
        # a column that names its own benchmark keeps it; a heading naming two names neither
        ("<h2>SWE-bench Lite</h2>", "HumanEval", "HumanEval"),
        ("<h2>MMLU and GSM8K</h2>", "Average", "Average"),
    ],
)
def test_a_generic_column_is_named_by_the_benchmark_of_the_heading_over_the_table(
        heading: str, column: str, name: str) -> None:
    html = (heading + f"<table><tr><th>Model</th><th>Paper</th><th>{column}</th></tr>" + _row("M-1", A, "61.5")
            + _row("M-2", B, "58.0") + "</table>")
    assert _metrics(html)["2401.00001"][0][0] == name


@pytest.mark.parametrize("cell", ["32.00 (96 / 300)", "41.2 (412/1,000)", "12.5% (25 / 200)"])
def test_a_score_with_the_count_it_came_from_is_a_number_cell(cell: str) -> None:
    assert is_number_cell(cell)
