"""Results tables as metrics: a table of models (rows) by benchmarks (columns) gives one metric per
numeric cell, named by its column's header and about its row's model ("GPT-4o | MMLU | 88.7").

Runs inside item extraction, on the cell texts that `extractors.html_blocks` reads from a `<table>`;
pure. Owns what a results table is (as opposed to an email's layout table or a table of links), where
its header rows end, which column names the rows, and how a cell reads ("88.7", "88.7%", "~2.3x",
"+1.5", "7B" under "Params"). The snippet of a table metric is the row, column and cell as written,
joined: a table has no sentence to quote.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from extractors.metric_benchmarks import is_known_benchmark, known_benchmarks_in
from extractors.metric_spans import short_name
from extractors.metric_words import (
    CASED_SCORE_UNITS,
    COUNTER_NOUNS,
    KO_COUNTER_NOUNS,
    MAGNITUDE_SUFFIXES,
    MAGNITUDE_WORDS,
    QUALIFIERS_BEFORE,
    SCORE_UNIT_WORDS,
    alternation,
    plural,
)
from records.documents import Metric

# A qualifier sign before a cell's number ("~2.3x", "≥12.5"), and the magnitudes a cell may carry ("7B")
_QUALIFIERS = {sign: found for found, phrases in QUALIFIERS_BEFORE.items() for sign in phrases
               if len(sign) == 1 and not sign.isalnum()}
_SCALES = {suffix: scale for suffix, scale in MAGNITUDE_SUFFIXES.items() if len(suffix) == 1 and suffix.isupper()}
_CELL = re.compile(
    rf"(?P<q>[{re.escape(''.join(_QUALIFIERS))}]\s?)?(?P<sign>[+\-−–])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
    rf"\s?(?P<unit>%|[xX×]|[{''.join(_SCALES)}](?![A-Za-z]))?"
    # what may follow a number in a cell: a spread ("± 0.3", "(+2.1)"), a footnote mark, an arrow
    r"\s*(?:\(?\s*(?:±|\+/-|[+\-−])\s?\d*\.?\d+\s*%?\s*\)?)?\s*[†‡*§¹²³↑↓▲▼]*"
    # or the count it was computed from: "32.0 (96 / 300)"
    r"(?:\s*\(\s*\d{1,3}(?:,\d{3})*\s?/\s?\d{1,3}(?:,\d{3})*\s*\))?"
)
# An arXiv id in a "Paper" column is a link's text, not a number; "49 / 658" solved out of a whole is a count
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_FRACTION = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)\s?/\s?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)")
_PERCENT_HEADER = re.compile(r"\(\s*%\s*\)|%|\bpercent(?:ages?)?\b(?!\s+points)", re.IGNORECASE)
_HEADER_NOISE = re.compile(r"\(\s*%\s*\)|[↑↓▲▼†‡*]|\(\s*(?:higher|lower)\s+is\s+better\s*\)", re.IGNORECASE)
_PARAMS_HEADER = re.compile(r"\b(?:#\s?)?(?:params|parameters|model\s+size|size)\b", re.IGNORECASE)
_TOKENS_HEADER = re.compile(r"\b(?:tokens|context(?:\s+length)?)\b", re.IGNORECASE)
# Columns that number or date the rows, or count a paper's popularity, rather than measure a result
_COUNTERS = (*COUNTER_NOUNS, *map(plural, COUNTER_NOUNS), *KO_COUNTER_NOUNS)
# (a header that is only "#" or "No.", or opens with one of the words: "Price ($/M tokens)", "Stars ⭐")
_NOT_MEASURED = re.compile(
    rf"(?:#|no\.?)$|(?:rank(?:ing)?|id|year|date|released?|order|{alternation(_COUNTERS)}|cited\s+by|authors?|pages?"
    r"|papers?|arxiv|code|links?|prices?|costs?)(?![A-Za-z0-9])|\$",
    re.IGNORECASE,
)
# The header of a column of results that names no model ("Score (%)", "Result", "Accuracy")
_GENERIC_HEADER = re.compile(r"scores?|results?|accuracy|value|performance|metric|%|percent", re.IGNORECASE)
# A header that names its unit ("Elo", "BLEU", "ROUGE-L"): one of the score units written after a number
_SCORE_WORDS = alternation(w for w, unit in SCORE_UNIT_WORDS.items() if unit not in ("points", "ROUGE", "ROUGE-L"))
_SCORE_HEADER = re.compile(rf"((?i:ROUGE(?:-\w+)?|{_SCORE_WORDS})|{alternation(CASED_SCORE_UNITS)})\b")
# "(B)", "(K tokens)", "(in billions)": a magnitude in a header's parentheses, one of the magnitude letters
# or words the metric reader knows
_LETTER_SCALES = {letter: scale for letter, scale in MAGNITUDE_SUFFIXES.items() if len(letter) == 1}
_SCALE_IN_PARENS = (rf"\(\s*(?:in\s+)?(?:(?P<letter>{alternation(_LETTER_SCALES)})(?![A-Za-z])"
                    rf"|(?i:(?P<word>{alternation(MAGNITUDE_WORDS)})s?\b))")
_HEADER_SCALE = re.compile(_SCALE_IN_PARENS)
_SCALE_NOTE = re.compile(rf"\s*{_SCALE_IN_PARENS}(?:\s+\w+)?\s*\)")
_MAX_CELLS = 2000  # a table this large is a data dump, not a results table


def is_number_cell(cell: str) -> bool:
    cell = cell.strip()
    if _ARXIV_ID.fullmatch(cell):
        return False
    return _CELL.fullmatch(cell) is not None or _FRACTION.fullmatch(cell) is not None


def is_results_table(rows: list[list[str]]) -> bool:
    """A header row over data rows, two columns or more, and at least one measured column (numbers in most
    of its cells), two numbers at least. Other columns may hold text beside them: a benchmark's setting, a
    sampling budget, a paper's link ("Benchmark | Setting | Score (%)")."""
    shape = _shape(rows)
    if shape is None:
        return False
    header_rows, label_column, body = shape
    if any(_paper_ids(body, c) for c in range(max(map(len, body)))):
        return False  # each row is a paper of its own, with its own links: a table of papers, read row by row
    numbers = sum(len(_measured_cells(body, c)) for c in _measured_columns(body, label_column))
    return numbers >= 2


def _paper_ids(body: list[list[str]], column: int) -> bool:
    """Whether most rows hold an arXiv id in `column`."""
    return sum(column < len(row) and _ARXIV_ID.fullmatch(row[column].strip()) is not None for row in body) \
        >= max(2, 0.6 * len(body))


def _measured_columns(body: list[list[str]], label_column: int) -> list[int]:
    """The columns, other than the one naming the rows, with numbers in most of their non-empty cells."""
    width = max(map(len, body))
    measured = []
    for c in range(width):
        cells = [row[c] for row in body if c < len(row) and row[c].strip()]
        if c != label_column and cells and len(_measured_cells(body, c)) >= 0.6 * len(cells):
            measured.append(c)
    return measured


def _measured_cells(body: list[list[str]], column: int) -> list[str]:
    return [row[column] for row in body if column < len(row) and is_number_cell(row[column])]


def table_metrics(rows: list[list[str]], caption: str = "") -> list[Metric]:
    """One metric per numeric cell of a results table, in reading order; [] for any other table. The table's
    `caption` ("Scores in %, as reported") gives the unit of cells that no header gives one."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not is_results_table(rows):
        return []
    header_rows, label_column, body = _shape(rows) or (0, 0, [])
    turned = _benchmarks_down_the_side(rows, header_rows, label_column)
    if turned:  # its one header row is the benchmarks that named its rows; every other row is data
        rows = _transpose(rows, header_rows, label_column)
        header_rows, label_column, body = 1, 0, rows[1:]
    names = _column_names(rows[:header_rows], max(map(len, rows)))
    corner = rows[0][label_column] if header_rows and label_column < len(rows[0]) else ""
    percent = bool(_PERCENT_HEADER.search(caption) or _PERCENT_HEADER.search(corner))
    # the one benchmark the caption (or the heading over the table) names: what a "Resolved (%)" column measures
    named = known_benchmarks_in(caption)
    benchmark = named[0] if len(named) == 1 else None
    metrics: list[Metric] = []
    for row in body:
        label = row[label_column].strip() if label_column < len(row) else ""
        if not label:
            continue  # a row that names no model: its numbers would be about nothing
        # a turned table's rows were its columns: "Score (%)" says the unit, and names no model
        subject = None if turned and _GENERIC_HEADER.fullmatch(_HEADER_NOISE.sub("", label).strip(" :")) else label
        for c, cell in enumerate(row):
            if c == label_column or not names[c] or _NOT_MEASURED.match(names[c]):
                continue
            metric = _cell_metric(cell.strip(), names[c], label if turned else "", subject, label, percent)
            if metric is not None and benchmark and metric.unit in ("%", "score") and not turned \
                    and not is_known_benchmark(names[c]):
                metric = replace(metric, name=benchmark)
            if metric is not None:
                metrics.append(metric)
    return metrics


def _shape(rows: list[list[str]]) -> tuple[int, int, list[list[str]]] | None:
    """(number of header rows, the column that names the rows, the data rows), or None when the table
    has no header above its numbers or is too small or too large to be a results table."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2 or sum(map(len, rows)) > _MAX_CELLS or max(map(len, rows)) < 2:
        return None
    header_rows = 0
    while header_rows < len(rows) and not any(is_number_cell(cell) for cell in rows[header_rows][1:]):
        header_rows += 1
    body = rows[header_rows:]
    if not 1 <= header_rows <= 3 or not body:
        return None
    width = max(map(len, body))
    labels = [c for c in range(width) if sum(_is_label(row, c) for row in body) >= 0.6 * len(body)]
    return (header_rows, labels[0], body) if labels else None


def _is_label(row: list[str], column: int) -> bool:
    return column < len(row) and bool(row[column].strip()) and not is_number_cell(row[column])


def _benchmarks_down_the_side(rows: list[list[str]], header_rows: int, label_column: int) -> bool:
    """A table turned the other way: benchmarks name the rows, models head the columns."""
    side = [row[label_column] for row in rows[header_rows:] if label_column < len(row)]
    top = [cell for row in rows[:header_rows] for c, cell in enumerate(row) if c != label_column and cell.strip()]
    return _benchmark_share(side) >= 0.5 > _benchmark_share(top)


def _benchmark_share(cells: list[str]) -> float:
    cells = [cell.strip() for cell in cells if cell.strip()]
    return sum(map(is_known_benchmark, cells)) / len(cells) if cells else 0.0


def _transpose(rows: list[list[str]], header_rows: int, label_column: int) -> list[list[str]]:
    """Models become rows: the header row (its last line) turns into the label column."""
    width = max(map(len, rows))
    grid = [row + [""] * (width - len(row)) for row in rows]
    head, body = grid[header_rows - 1], grid[header_rows:]
    columns = [c for c in range(width) if c != label_column]
    return [[head[label_column], *(row[label_column] for row in body)]] + [
        [head[c], *(row[c] for row in body)] for c in columns
    ]


def _column_names(header: list[list[str]], width: int) -> list[str]:
    """Each column's name: its lowest non-empty header cell; a group header above it ("Math" over
    "AIME 2024") is left out, since the lower cell names the benchmark."""
    names = []
    for c in range(width):
        cells = [row[c].strip() for row in header if c < len(row) and row[c].strip()]
        names.append(cells[-1] if cells else "")
    return names


def _header_scale(header: str) -> float:
    """The magnitude a header gives its cells: "Params (B)", "Context (K tokens)", "Size (in billions)"."""
    m = _HEADER_SCALE.search(header)
    if m is None:
        return 1.0
    return _LETTER_SCALES[m["letter"]] if m["letter"] else MAGNITUDE_WORDS[m["word"].lower()]


def _cell_metric(cell: str, header: str, hint: str, subject: str | None, label: str,
                 percent: bool = False) -> Metric | None:
    """The metric of one cell under `header` (its column's name), in the row `label`; `hint` is the row's
    label where it was a column's header (a turned table: "Score (%)"); `percent`: the table's caption says
    its scores are percentages (a cell whose header gives it another unit keeps that one)."""
    if _ARXIV_ID.fullmatch(cell):
        return None
    name = short_name(_HEADER_NOISE.sub("", _SCALE_NOTE.sub("", header)).strip(" :")) or None
    if fraction := _FRACTION.fullmatch(cell):  # "49 / 658": solved out of a whole
        value = float(fraction.group("num").replace(",", ""))
        return Metric(value=value, unit="count", name=name, text=f"{label} | {header} | {cell}", kind="count",
                      subject=short_name(subject))
    m = _CELL.fullmatch(cell)
    if m is None or not math.isfinite(float(m.group("num").replace(",", ""))):
        return None
    value = float(m.group("num").replace(",", ""))
    suffix = m.group("unit") or ""
    kind, unit = "score", "score"
    if suffix == "%" or _PERCENT_HEADER.search(header) or _PERCENT_HEADER.search(hint):
        unit = "%"
    elif scored := _SCORE_HEADER.match(header):  # the unit as written: "Elo", "BLEU"
        unit = scored.group(1)
    elif suffix in ("x", "X", "×"):
        kind, unit = "relative", "x"
    elif suffix in _SCALES or _PARAMS_HEADER.search(header) or _TOKENS_HEADER.search(header):
        value *= _SCALES.get(suffix, 1.0) if suffix else _header_scale(header)
        unit = "params" if _PARAMS_HEADER.search(header) else "tokens" if _TOKENS_HEADER.search(header) else ""
        kind = "size"
    if not unit:
        return None  # "1.2M" under a header that says nothing of what it counts
    if unit == "score" and percent:
        unit = "%"
    direction = None
    if m.group("sign"):
        direction = "increase" if m.group("sign") == "+" else "reduction"
        kind = "relative"
    qualifier = _QUALIFIERS.get((m.group("q") or "").strip())
    return Metric(
        value=value,
        unit=unit,
        name=name,
        text=f"{label} | {header} | {cell}",
        kind=kind,
        qualifier=qualifier,
        direction=direction,
        subject=short_name(subject),
    )
