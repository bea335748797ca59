"""Results tables in newsletter HTML: each numeric cell becomes a metric named by its column and about its
row's model; layout tables, link tables and the prose around a table are not read as results."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import extract_items
from extractors.metric_tables import is_results_table, table_metrics
from extractors.records import Document, Metric

FIXTURES = Path(__file__).parent / "fixtures_metrics"


def _doc(body: str) -> Document:
    return Document(source="test", key="k", url=None, title="t", body=body)


def _cells(metrics: list[Metric]) -> set[tuple[str | None, str | None, float, str]]:
    return {(m.subject, m.name, round(m.value, 6), m.unit) for m in metrics}


@pytest.fixture(scope="module")
def items():
    return extract_items(_doc((FIXTURES / "results_table.html").read_text(encoding="utf-8")))


def test_each_cell_has_its_rows_subject_and_its_columns_name(items):
    r1 = items[0]
    assert r1.papers[0].arxiv_id == "2501.12948"
    assert _cells(list(r1.metrics)) == {
        ("DeepSeek-R1", "Params", 671e9, "params"),
        ("DeepSeek-R1", "AIME 2024", 79.8, "%"),  # "(%)" in the header, a bold cell
        ("DeepSeek-R1", "MATH-500", 97.3, "%"),
        ("DeepSeek-R1", "LiveCodeBench", 65.9, "%"),
        ("DeepSeek-R1", "MT-Bench", 8.9, "score"),  # the header of a column spanning both header rows
        ("OpenAI-o1-1217", "AIME 2024", 79.2, "%"),
        ("OpenAI-o1-1217", "MATH-500", 96.4, "%"),
        ("OpenAI-o1-1217", "LiveCodeBench", 63.4, "%"),
        ("OpenAI-o1-1217", "MT-Bench", 9.1, "score"),
        ("GPT-4o", "AIME 2024", 9.3, "%"),  # a footnote mark after the number
        ("GPT-4o", "MATH-500", 74.6, "%"),
        ("GPT-4o", "LiveCodeBench", 34.2, "%"),
    }
    (approx,) = [m for m in r1.metrics if m.value == 9.1]
    assert approx.qualifier == "approximate" and approx.kind == "score"
    assert all(m.text.startswith(f"{m.subject} | ") for m in r1.metrics)


def test_the_table_is_not_read_as_prose(items):
    assert "79.8" not in items[0].text and "88.5" not in items[1].text
    # the date in the blurb and the dash cells give nothing
    assert not any(m.value in (20, 2025) for m in items[0].metrics)


def test_a_table_with_benchmarks_down_the_side_is_turned(items):
    v3 = items[1]
    table = [m for m in v3.metrics if m.subject]
    assert _cells(table) == {
        ("DeepSeek-V3", "MMLU", 88.5, "score"),
        ("DeepSeek-V3", "GPQA Diamond", 59.1, "score"),
        ("Qwen2.5-72B", "MMLU", 85.3, "score"),
        ("Qwen2.5-72B", "GPQA Diamond", 49.0, "score"),
    }
    # the link table after it (paper, date) is no results table, and the blurb keeps its own sizes
    assert {(m.value, m.unit) for m in v3.metrics if not m.subject} == {(671e9, "params"), (37e9, "params")}


def test_a_table_outside_any_paper_item_gives_nothing():
    body = """<h2>Leaderboard of the week</h2><table><tr><th>Model</th><th>MMLU</th></tr>
    <tr><td>A-1</td><td>70.1</td></tr><tr><td>B-2</td><td>71.5</td></tr></table>"""
    assert extract_items(_doc(body)) == []


def test_a_layout_table_is_walked_not_read_as_results():
    body = """<table><tr><td><h2><a href="https://arxiv.org/abs/2401.00001">Fast Decoding</a></h2>
    <p>It gives 6x faster decoding.</p></td><td><p>Sidebar</p></td></tr></table>"""
    (item,) = extract_items(_doc(body))
    assert [(m.value, m.unit, m.name) for m in item.metrics] == [(6, "x", "decoding")]


# (rows, expected (subject, name, value, unit, kind, qualifier, direction) per metric), each case a line
TABLES = [
    ([["Model", "MMLU", "GSM8K"], ["A-7B", "70.1", "80.2%"], ["B-13B", "72.0", "—"]],
     {("A-7B", "MMLU", 70.1, "score", "score", None, None), ("A-7B", "GSM8K", 80.2, "%", "score", None, None),
      ("B-13B", "MMLU", 72.0, "score", "score", None, None)}),
    ([["Method", "Speedup ↑", "Δ Acc. (%)"], ["Ours", "2.3x", "+1.5"], ["Prior", "1.0x", "−0.4"]],
     {("Ours", "Speedup", 2.3, "x", "relative", None, None), ("Prior", "Speedup", 1.0, "x", "relative", None, None),
      ("Ours", "Δ Acc.", 1.5, "%", "relative", None, "increase"),
      ("Prior", "Δ Acc.", 0.4, "%", "relative", None, "reduction")}),
    ([["", "Params", "Tokens", "HLE"], ["M-1", "7B", "2T", "≥12.5"], ["M-2", "1.5B", "1T", "<5"]],
     {("M-1", "Params", 7e9, "params", "size", None, None), ("M-1", "Tokens", 2e12, "tokens", "size", None, None),
      ("M-1", "HLE", 12.5, "score", "score", "at least", None), ("M-2", "Params", 1.5e9, "params", "size", None, None),
      ("M-2", "Tokens", 1e12, "tokens", "size", None, None), ("M-2", "HLE", 5, "score", "score", "up to", None)}),
    # a digest's table of papers: popularity is no result, in any language
    ([["Paper", "Upvotes", "Stars"], ["Fast Decoding", "312", "1,204"], ["Slow Decoding", "12", "40"]], set()),
    ([["Post", "Comments", "Likes", "Forks"], ["Fast Decoding", "12", "34", "5"], ["Slow Decoding", "1", "3", "0"]],
     set()),
    ([["논문", "좋아요", "댓글"], ["Fast Decoding", "17", "2"], ["Slow Decoding", "5", "1"]], set()),
    # an empty row on top, a row that names no model
    ([["", ""], ["Model", "MMLU"], ["A-1", "70.1"], ["B-2", "71.0"], ["", "69.0"]],
     {("A-1", "MMLU", 70.1, "score", "score", None, None), ("B-2", "MMLU", 71.0, "score", "score", None, None)}),
    # one model, one row
    ([["Model", "MMLU", "GSM8K"], ["Ours", "70.1", "80.2"]],
     {("Ours", "MMLU", 70.1, "score", "score", None, None), ("Ours", "GSM8K", 80.2, "score", "score", None, None)}),
    # a rank column numbers the rows: not a metric; the model column names them
    ([["Rank", "Model", "Elo"], ["1", "Gemini-2.5", "1,470"], ["2", "GPT-4.1", "1,411 ± 5"]],
     {("Gemini-2.5", "Elo", 1470, "Elo", "score", None, None), ("GPT-4.1", "Elo", 1411, "Elo", "score", None, None)}),
]

# Tables with text columns beside the measured ones, a turned table whose one column of results names no
# model, and cells that count what was solved out of a whole
MIXED_TABLES = [
    ([["Benchmark", "Setting", "Score (%)"], ["MMLU-Pro", "5-shot", "71.2"], ["GPQA Diamond", "pass@1", "55.0"],
      ["LiveCodeBench", "pass@1", "40.3"]],
     {(None, "MMLU-Pro", 71.2, "%", "score", None, None), (None, "GPQA Diamond", 55.0, "%", "score", None, None),
      (None, "LiveCodeBench", 40.3, "%", "score", None, None)}),
    ([["Model", "Budget", "MMLU", "Notes"], ["A-1", "pass@32", "70.1", "open weights"],
      ["B-2", "pass@8", "71.0", "API only"]],
     {("A-1", "MMLU", 70.1, "score", "score", None, None), ("B-2", "MMLU", 71.0, "score", "score", None, None)}),
    ([["Prover", "miniF2F (%)", "Solved"], ["P-1", "57.6", "7 / 644"], ["P-2", "88.9", "49/658"],
      ["P-3", "80.7", "n/a"]],
     {("P-1", "miniF2F", 57.6, "%", "score", None, None), ("P-2", "miniF2F", 88.9, "%", "score", None, None),
      ("P-3", "miniF2F", 80.7, "%", "score", None, None), ("P-1", "Solved", 7, "count", "count", None, None),
      ("P-2", "Solved", 49, "count", "count", None, None)}),
    ([["Model", "MMLU", "Price ($/M tokens)"], ["A-1", "70.1", "0.25"], ["B-2", "71.0", "1.10"]],
     {("A-1", "MMLU", 70.1, "score", "score", None, None), ("B-2", "MMLU", 71.0, "score", "score", None, None)}),
]

NOT_RESULTS = [
    # a table of papers, each row with its own arXiv id: read row by row, not as one table of results
    [["Model", "Paper", "MMLU"], ["A-1", "2502.07640", "70.1"], ["B-2", "2504.11354", "71.0"]],
    [["Paper", "Link"], ["Fast Decoding", "arXiv"], ["Slow Decoding", "PDF"]],
    [["Published", "2024-12-27"], ["Authors", "Wei et al."], ["Venue", "ICLR"]],
    [["Model", "MMLU"], ["A", "70.1"]],  # a single number
    [["Year", "Event"], ["2024", "Launch"], ["2025", "Update"]],  # numbers down the side only
    [["A", "70.1", "80.2"], ["B", "71.1", "81.2"], ["C", "72.1", "82.2"]],  # no header
    [],
]


@pytest.mark.parametrize(("rows", "expected"), TABLES + MIXED_TABLES,
                         ids=[f"table-{i}" for i in range(len(TABLES + MIXED_TABLES))])
def test_table_cells_read_as_metrics(rows, expected):
    got = {(m.subject, m.name, round(m.value, 6), m.unit, m.kind, m.qualifier, m.direction)
           for m in table_metrics(rows)}
    assert got == {(s, n, round(float(v), 6), u, k, q, d) for s, n, v, u, k, q, d in expected}


@pytest.mark.parametrize("rows", NOT_RESULTS, ids=[f"not-{i}" for i in range(len(NOT_RESULTS))])
def test_tables_that_are_not_results(rows):
    assert not is_results_table(rows)
    assert table_metrics(rows) == []


# --- what a table says of its units outside its cells ------------------------------------------------

UNIT_NOTES = [
    pytest.param([["Model", "MMLU", "GSM8K"], ["NovaLM", "71.2", "80.4"]], "Scores in %, as each paper reports",
                 {("MMLU", 71.2, "%"), ("GSM8K", 80.4, "%")}, id="caption-percent"),
    pytest.param([["Model (accuracy, percent)", "ARC-C", "HellaSwag"], ["NovaLM", "61.0", "83.5"]], "",
                 {("ARC-C", 61.0, "%"), ("HellaSwag", 83.5, "%")}, id="corner-cell-percent"),
    pytest.param([["Model", "Params (B)", "Context (K tokens)"], ["NovaLM", "7", "128"]], "",
                 {("Params", 7e9, "params"), ("Context", 128e3, "tokens")}, id="header-scales"),
    pytest.param([["Model", "Parameters (in billions)", "Training tokens (T)"], ["NovaLM", "1.3", "2"]], "",
                 {("Parameters", 1.3e9, "params"), ("Training tokens", 2e12, "tokens")}, id="header-scale-words"),
    pytest.param([["Model", "MMLU", "GSM8K"], ["NovaLM", "71.2", "80.4"]], "Results on the public split",
                 {("MMLU", 71.2, "score"), ("GSM8K", 80.4, "score")}, id="caption-without-unit"),
]


@pytest.mark.parametrize(("rows", "caption", "expected"), UNIT_NOTES)
def test_a_caption_corner_cell_or_header_gives_the_cells_their_unit(rows, caption, expected):
    assert {(m.name, round(m.value, 6), m.unit) for m in table_metrics(rows, caption)} == expected
