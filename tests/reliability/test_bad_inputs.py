"""The bad-input corpus (tests/fixtures/bad/) through the real CLI, each case beside a good source.

One test per case: tests/reliability/runner.py runs it (cases overlap, two at a time) and the test
records what it showed into results.BAD_INPUTS, for the summary line of docs/reliability.md, before
it fails on any problem.
"""

from __future__ import annotations

import pytest

from tests.reliability import results
from tests.reliability.corpus import Case, load_corpus

CORPUS = load_corpus()


def test_the_corpus_has_every_kind_of_case():
    assert len(CORPUS) >= 45
    assert {c.command for c in CORPUS} == {"poll", "config", "alerts", "poll+alerts", "arxiv", "backfill"}
    assert sum(c.generator is not None for c in CORPUS) >= 5


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_bad_input(case: Case, corpus_runner) -> None:
    outcome = corpus_runner.outcome(case)
    results.BAD_INPUTS[case.name] = outcome.record()
    results.OBSERVED[case.name] = outcome.observed
    assert not outcome.problems and not outcome.crashed and not outcome.rows_lost, (
        f"{case.name} ({case.input}): expected {case.expected}\nobserved: {outcome.observed}\n"
        f"rows lost: {outcome.rows_lost}\n" + "\n".join(f"- {p}" for p in outcome.problems))
