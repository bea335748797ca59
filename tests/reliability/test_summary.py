"""docs/reliability.md's summary line and table of bad inputs, against what this session's run saw.

Collected after every test that records into tests/reliability/results.py (tests/reliability/
conftest.py orders it last). The line is computed from the records (results.summary_line()); a
comparison means something only when the whole suite ran, so a session that ran a part of it
(a -k selection, one test id, a stop at the first failure) fails here saying so, rather than
comparing a partial count. `RADAR_UPDATE_DOCS=1` rewrites the line and the table from a whole run.
"""

from __future__ import annotations

import os

import pytest

from tests.reliability import document, results
from tests.reliability.conftest import incomplete_recorders
from tests.reliability.corpus import load_corpus


def test_the_summary_line_and_table_match_the_document(request):
    corpus = load_corpus()
    missing = [c.name for c in corpus if c.name not in results.BAD_INPUTS]
    partial = incomplete_recorders(request.session)
    if missing or partial:
        pytest.fail("cannot compare with docs/reliability.md: only part of the reliability suite ran in this session "
                    f"({len(corpus) - len(missing)} of {len(corpus)} bad inputs"
                    + (f"; not run in full: {', '.join(partial)}" if partial else "")
                    + "). Run the whole of tests/reliability (CI does).")
    line = results.summary_line()
    handled = {name: b.handled for name, b in results.BAD_INPUTS.items()}
    table = document.table(corpus, handled, results.OBSERVED)
    text = document.read()
    if os.environ.get("RADAR_UPDATE_DOCS") == "1":
        text = document.replace_block(text, "summary", document.summary_block(line))
        document.write(document.replace_block(text, "cases", table))
        text = document.read()
    assert document.block(text, "summary") == document.summary_block(line), (
        f"docs/reliability.md's summary line differs from this run's:\n  run: {line}\n"
        f"  doc: {document.block(text, 'summary')}\n(RADAR_UPDATE_DOCS=1 rewrites it from a whole run)")
    in_doc = document.table_rows(document.block(text, "cases") or "")
    assert in_doc == document.table_rows(table), (
        "docs/reliability.md's table of bad inputs differs from the corpus and this run's verdicts "
        "(RADAR_UPDATE_DOCS=1 rewrites it)")
