"""One row of the delivery ledger (the `alerts` table): `LedgerRow`. Written and read by
storage/ledger.py, planned by alerts/rules.py. Frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LedgerRow:
    """One row of the `alerts` table: one paper (or source-health event) on one channel."""

    channel: str
    alert_key: str
    kind: str  # "paper" | "source"
    arxiv_id: str | None
    rules: tuple[str, ...]
    mode: str  # "instant" | "digest"
    status: str  # "pending" | "sending" | "sent" | "failed" | "suppressed"
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None
    possible_duplicate: bool = False
    created_at: datetime | None = None
    sending_at: datetime | None = None
    thread_ts: str | None = None  # the Slack thread it was (or is being) posted in

