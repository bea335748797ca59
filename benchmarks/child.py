"""What `python -m benchmarks` runs in child processes, so that their peak RSS is theirs alone.

    python -m benchmarks.child poll CONFIG             # the plain pipeline's poll (no Prefect), once
    python -m benchmarks.child flows NOCHANGE FIRST N  # on the Prefect server named by PREFECT_API_URL

`flows` times, N times interleaved, a no-change poll of NOCHANGE's feeds (already polled once) through the
plain pipeline and through the `poll-newsletters` flow, and a first poll of FIRST's feeds (its database
removed before each) the same two ways, alternating which goes first; and an empty flow run, the fixed cost of
any flow run on this server, with Prefect's default heartbeats and without. It prints one JSON object.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _poll_plain(config: str) -> dict:
    from config.settings import load_settings
    from flows.pipeline.newsletters import poll_newsletters
    from flows.pipeline.runtime import PlainRuntime

    return poll_newsletters(load_settings(config), PlainRuntime())


def _poll_flow(config: str) -> dict:
    """The poll as `radar poll` runs it on a server: the flow, called in this process, with the CLI's
    heartbeat setting (radar/console.py's `run_flow`)."""
    from config.settings import load_settings
    from flows.newsletters import poll_newsletters
    from flows.prefect_runtime import flow_heartbeats

    settings = load_settings(config)
    with flow_heartbeats(settings.prefect.cli_flow_heartbeats):
        return poll_newsletters(settings=settings)


def _generations(config: str) -> set[str]:
    folder = Path(config).parent / "radar.snapshot"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _fresh(config: str) -> None:
    folder = Path(config).parent
    for name in ("radar.duckdb", "radar.duckdb.wal"):
        (folder / name).unlink(missing_ok=True)
    for name in ("radar.snapshot", "radar.spool"):
        shutil.rmtree(folder / name, ignore_errors=True)


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _nothing() -> None:
    """The body of the empty flow."""


@functools.cache
def _empty() -> Callable[[], None]:
    from prefect import flow  # here, not at the top: the `poll` command's child never imports Prefect

    return flow(name="benchmark-empty-flow")(_nothing)


def _empty_flow() -> None:
    """A flow run that does nothing: what any flow run costs on this server and Prefect version (with
    Prefect's default heartbeats, as a worker's runs send them)."""
    _empty()()


def _empty_flow_without_heartbeats() -> None:
    from flows.prefect_runtime import flow_heartbeats

    with flow_heartbeats(False):
        _empty()()


def flows(nochange: str, first: str, reps: int) -> dict:
    out: dict = {"nochange_plain": [], "nochange_flow": [], "first_plain": [], "first_flow": [],
                 "nochange_snapshot_published": [], "empty_flow": [], "empty_flow_no_heartbeats": []}
    _poll_flow(nochange)  # warm up: the flow's first call in a process registers it with the server
    _empty_flow()
    for rep in range(reps):
        out["empty_flow"].append(_timed(_empty_flow))
        out["empty_flow_no_heartbeats"].append(_timed(_empty_flow_without_heartbeats))
        order = [("plain", _poll_plain), ("flow", _poll_flow)]
        for name, fn in order if rep % 2 == 0 else order[::-1]:
            before = _generations(nochange)
            out[f"nochange_{name}"].append(_timed(fn, nochange))
            out["nochange_snapshot_published"].append(_generations(nochange) != before)
        for name, fn in order if rep % 2 == 0 else order[::-1]:
            _fresh(first)
            out[f"first_{name}"].append(_timed(fn, first))
    return out


def main(argv: list[str]) -> None:
    import logging

    logging.disable(logging.WARNING)  # the pipeline's warnings are not what is measured
    if argv[0] == "poll":
        summary = _poll_plain(argv[1])
        print(json.dumps({"totals": summary["totals"], "failures": summary.get("failures", [])}))
    elif argv[0] == "flows":
        print(json.dumps(flows(argv[1], argv[2], int(argv[3]))))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
