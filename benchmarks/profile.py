"""Where the time of a benchmark line goes: cProfile's top entries for the lines that miss their targets most.

    python -m benchmarks.profile save [SOURCES DOCS]   # a poll's save: SOURCES transactions of DOCS documents
    python -m benchmarks.profile poll [ISSUES]         # the plain pipeline's poll of a generated archive
    python -m benchmarks.profile alerts [PAPERS]       # reading the facts of PAPERS papers, then planning 20 rules

Prints the top entries by cumulative time, then by own time (cProfile adds overhead to every Python call, so
read the shares, not the seconds). The inputs are those of `python -m benchmarks` (benchmarks/synth.py).
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import sys
import tempfile
from pathlib import Path


def _report(profile: cProfile.Profile, top: int = 18) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def profile_save(sources: int, docs: int, work: Path) -> str:
    from benchmarks.__main__ import _base_extractions, _empty_db, _extractions, _poll_save

    batches = _extractions(sources * docs, sources, "src", _base_extractions(work))
    db = _empty_db(work / "save.duckdb")
    profile = cProfile.Profile()
    profile.runcall(_poll_save, db, batches)
    return _report(profile)


def profile_poll(issues: int, work: Path) -> str:
    from benchmarks import synth
    from config.settings import load_settings
    from flows.pipeline.newsletters import poll_newsletters
    from flows.pipeline.runtime import PlainRuntime

    settings = load_settings(synth.write_archive(work / "archive", issues, sources=10, seed=3))
    profile = cProfile.Profile()
    profile.runcall(poll_newsletters, settings, PlainRuntime())
    return _report(profile)


def profile_alerts(papers: int, work: Path) -> str:
    from alerts.rules import plan_alerts
    from benchmarks.__main__ import Sizes, _alerts_db, _rules
    from storage.db import open_db
    from storage.ledger import load_paper_facts

    db, rules = _alerts_db(Sizes(papers=papers), work), _rules(20)
    profile = cProfile.Profile()
    with open_db(db, read_only=True) as conn:
        profile.runcall(lambda: plan_alerts(rules, load_paper_facts(conn), set(), ("poll", "backfill")))
    return _report(profile)


def main(argv: list[str]) -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="radar-profile-") as tmp:
        if argv[:1] == ["save"]:
            print(profile_save(int(argv[1]) if len(argv) > 1 else 50, int(argv[2]) if len(argv) > 2 else 20,
                               Path(tmp)))
        elif argv[:1] == ["poll"]:
            print(profile_poll(int(argv[1]) if len(argv) > 1 else 1000, Path(tmp)))
        elif argv[:1] == ["alerts"]:
            print(profile_alerts(int(argv[1]) if len(argv) > 1 else 10_000, Path(tmp)))
        else:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
