"""What the reliability suite saw, gathered for the summary line of docs/reliability.md.

The bad-input corpus (test_bad_inputs.py), the kill points (test_kill_points.py) and the secrets sweep
(test_secrets.py) each record one entry per case they ran; test_summary.py, collected last, computes
the line from these entries and compares it with the document. Nothing here is hand-counted: a case
that did not run is not in the line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadInput:
    handled: bool  # the expected outcome was met (clear error against the source, others unaffected, ...)
    crashed: bool  # a traceback or an exit status other than the expected one
    rows_lost: int  # rows of the good sources (or of the case itself) missing against a clean run


@dataclass(frozen=True)
class KillPoint:
    inconsistencies: int  # keys or content hashes differing from a clean run's, after the rerun
    duplicate_alerts: int  # alerts delivered twice beyond the README's documented window
    processes_left: int  # processes of the killed run still alive afterwards


BAD_INPUTS: dict[str, BadInput] = {}
KILL_POINTS: dict[str, KillPoint] = {}
SECRETS_FOUND: dict[str, int] = {}  # output searched (stdout, a table, a snapshot file, ...) -> secrets seen


def summary_line() -> str:
    bad = BAD_INPUTS.values()
    kills = KILL_POINTS.values()
    return (
        f"{len(BAD_INPUTS)} bad inputs tried, {sum(b.handled for b in bad)} handled, "
        f"{sum(b.crashed for b in bad)} crashes, {sum(b.rows_lost for b in bad)} rows lost; "
        f"{len(KILL_POINTS)} kill points, {sum(k.inconsistencies for k in kills)} inconsistencies, "
        f"{sum(k.duplicate_alerts for k in kills)} duplicate alerts, "
        f"{sum(k.processes_left for k in kills)} processes left; "
        f"{sum(SECRETS_FOUND.values())} secrets in outputs"
    )
