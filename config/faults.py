"""Named fault points: where the reliability tests kill a run, exactly, instead of after a guessed delay.

`fault_point("poll.before_save")` does nothing unless the environment variable RADAR_FAULT names
that point; then the process kills itself there with SIGKILL, as a power cut or the OOM killer
would: no `finally`, no atexit, no flush. `RADAR_FAULT=NAME@N` kills at the N-th time the point is
reached in the process (the second source, the third reply). Before dying it writes `NAME@N` to the
file RADAR_FAULT_MARK names, when set, so the test knows the run got that far.
tests/reliability/test_kill_points.py kills `radar poll`, `radar backfill`, `radar arxiv poll|enrich`
and `radar alerts send` at every point in `POINTS` and checks that a rerun repairs everything.

A leaf like the rest of config/: every layer may call it. Unset (always, outside those tests) a
point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

#: Every fault point in the code, by layer; the kill-point test fails on a point that is missing here
#: or never reached.
POINTS = (
    # radar poll (flows/pipeline/newsletters.py, storage/)
    "poll.before_fetch", "poll.after_fetch", "poll.before_save", "newsletters.mid_write",
    "newsletters.before_source_state", "poll.after_source", "poll.before_publish", "snapshot.mid_export",
    "snapshot.before_rename", "snapshot.before_current", "spool.before_remove",
    # arXiv (flows/pipeline/arxiv.py, flows/pipeline/backfill.py, storage/arxiv.py)
    "arxiv.after_fetch", "arxiv.before_cursor", "arxiv.before_health", "arxiv_save.mid_write",
    "enrich.after_lookup", "enrich.before_mark_unknown", "enrich.after_chunk",
    "backfill.after_fetch", "backfill.before_checkpoint", "backfill.after_day", "backfill.before_newsletters",
    # radar alerts send (flows/pipeline/delivery.py, alerts/)
    "delivery.after_plan", "delivery.after_claim", "delivery.after_parent", "delivery.after_threaded",
    "delivery.after_sent", "delivery.before_recovered", "slack.after_post", "webhook.after_post",
    "smtp.after_rcpt", "smtp.after_data",
)

_reached: Counter[str] = Counter()


def fault_point(name: str) -> None:
    """Die here with SIGKILL when RADAR_FAULT names this point (and this is its N-th visit)."""
    wanted = os.environ.get("RADAR_FAULT")
    if not wanted:
        return
    point, _, nth = wanted.partition("@")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] != int(nth or 1):
        return
    mark = os.environ.get("RADAR_FAULT_MARK")
    if mark:
        fd = os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, f"{name}@{_reached[name]}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
