"""The benchmark command's parts: its generated inputs, the frozen naive baseline, the child-process memory
probe and the results check. Timings are not tested here (see docs/performance.md); `.ci/run` runs
`python -m benchmarks --quick` after the tests, which fails when any line of the table stops running."""

from __future__ import annotations

import json
import re
import sys

import pytest

from benchmarks import naive, synth
from benchmarks.__main__ import EXPECTED, check_results, child
from config.settings import load_settings
from extractors import parse_document_bytes

ARXIV = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?!\d)")


def test_archive_is_every_issue_once_in_the_corpus_shapes(tmp_path):
    config = synth.write_archive(tmp_path, 25, sources=2)
    settings = load_settings(config)
    assert {s.kind for s in settings.sources} == {"feed", "page", "email"}
    docs = [d for p in synth.archive_files(tmp_path) for d in parse_document_bytes(p.read_bytes(), str(p))]
    assert len(docs) == 25
    assert len({d.key for d in docs}) == 25  # one identity per issue
    ids = [set(ARXIV.findall(d.body)) for d in docs]
    assert all(ids)  # every issue names papers ...
    assert len(set().union(*ids)) > 5 * max(len(i) for i in ids)  # ... and the issues name different ones


def test_archive_is_deterministic(tmp_path):
    a = synth.write_archive(tmp_path / "a", 10, sources=2, seed=1).parent
    b = synth.write_archive(tmp_path / "b", 10, sources=2, seed=1).parent
    files = [p.relative_to(a) for p in synth.archive_files(a)]
    assert files == [p.relative_to(b) for p in synth.archive_files(b)]
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)


def test_arxiv_page_is_what_the_arxiv_source_reads():
    from sources.arxiv import parse_page

    page = parse_page(synth.arxiv_page(12))
    assert len(page.results) == 12
    assert page.results[0].entry_id.endswith("v1")


def test_naive_baseline_counts_the_dev_corpus(tmp_path):
    counts = naive.scan(sorted(synth.CORPUS.glob("*.xml")) + sorted(synth.CORPUS.glob("*.html")))
    assert counts["documents"] == 4  # 2 + 1 feed entries and the page
    assert counts["papers"] >= 10 and counts["repos"] >= 8 and counts["numbers"] >= 10


def test_child_peak_rss_is_the_childs_own():
    _, small, _ = child(["-c", "print(1)"])
    _, big, out = child(["-c", "x = bytearray(300 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); print(2)"])
    assert out.strip() == "2"
    assert big - small > 250 * 1024 * 1024
    assert small < 200 * 1024 * 1024


def test_child_failure_names_the_command():
    with pytest.raises(RuntimeError, match="exited 3"):
        child(["-c", "import sys; sys.exit(3)"])


def _result(keys: list[str]) -> dict:
    line = {"samples": [1.0, 2.0, 3.0], "median": 2.0, "n": 3, "met": False, "unit": "x"}
    return {"run_at": "now", "sizes": {}, "machine": {}, "wall_seconds": 1.0,
            "lines": [{**line, "key": k} for k in keys]}


def test_results_check_accepts_every_line_and_names_what_is_wrong():
    groups = list(EXPECTED)
    every = [k for g in groups for k in EXPECTED[g]]
    assert check_results(_result(every), groups) == []
    assert check_results(_result(every[1:]), groups) == [f"line {every[0]!r} missing"]
    broken = _result(every)
    broken["lines"][0]["samples"] = [float("nan")]
    assert "not positive finite numbers" in check_results(broken, groups)[0]
    assert check_results(json.loads(json.dumps(_result(every))), ["save"])[0].startswith("unexpected line")


def test_naive_is_frozen_and_short():
    # The baseline of issue 16 is frozen at about 30 lines: a change to it changes every "vs naive" figure.
    assert len(open(naive.__file__).read().splitlines()) <= 40
    assert sys.modules["benchmarks.naive"].ARXIV.pattern.startswith("(?:arxiv")
