"""The reliability suite's fixtures, and its order: test_summary.py runs after every test that records
into tests/reliability/results.py, whatever order the files were named in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.corpus import load_corpus
from tests.reliability.runner import Runner

SUMMARY = "test_summary.py"


def pytest_collection_modifyitems(session, config, items) -> None:
    items.sort(key=lambda item: item.path.name == SUMMARY and item.path.parent.name == "reliability")


@pytest.fixture(scope="session")
def corpus_runner(request, tmp_path_factory) -> Iterator[Runner]:
    chosen = {item.callspec.params["case"].name for item in request.session.items
              if item.path.name == "test_bad_inputs.py" and hasattr(item, "callspec")}
    runner = Runner(tmp_path_factory.mktemp("bad-inputs"), [c for c in load_corpus() if c.name in chosen])
    yield runner
    runner.close()


#: The files that record into results.py; each must run in full for the summary to be compared.
RECORDERS = ("test_bad_inputs.py", "test_kill_points.py", "test_secrets.py")
_deselected: list = []
_ran: set[str] = set()


def pytest_deselected(items) -> None:
    _deselected.extend(items)


def pytest_runtest_logreport(report) -> None:
    if report.when == "call" or report.skipped:
        _ran.add(report.nodeid)


def incomplete_recorders(session) -> list[str]:
    """The recording files of this folder that did not run in full this session: not collected, partly
    deselected (-k, -m), narrowed to some test ids, or stopped before their last test (-x)."""
    from pathlib import Path

    here = Path(__file__).parent
    narrowed = any("::" in str(arg) and "reliability" in str(arg) for arg in session.config.args)
    problems = []
    for name in RECORDERS:
        if not (here / name).exists():
            continue  # not in this branch (yet): nothing of it can be in the summary
        items = [i for i in session.items if i.path == here / name]
        if not items or narrowed or any(i.path == here / name for i in _deselected) \
                or any(i.nodeid not in _ran for i in items):
            problems.append(name)
    return problems
