"""Migration texts of the delivery ledger: the `alerts` table and its readable view `alerts_log`
(migration 5), and the Slack thread a reply was posted in (migration 6).

Kept apart from storage/ledger.py (the ledger's reads and writes) so that storage/schema.py can
import it without importing the connection code. Released text: never edit; append a migration.
"""

from __future__ import annotations

#: Migration 5, as released.
ALERTS_V5 = """
CREATE TABLE alerts (
    channel VARCHAR NOT NULL,
    alert_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    arxiv_id VARCHAR,
    rules VARCHAR[] NOT NULL,
    mode VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR,
    external_id VARCHAR,
    possible_duplicate BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sending_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    PRIMARY KEY (channel, alert_key)
);

-- What was sent where, newest first, with the paper's title: the answer to "did we tell anyone?".
CREATE OR REPLACE VIEW alerts_log AS
    SELECT a.channel, a.alert_key, a.kind, a.arxiv_id, p.title, a.rules, a.mode, a.status, a.attempts,
           a.last_error, a.external_id, a.possible_duplicate, a.created_at, a.sent_at,
           coalesce(a.sent_at, a.updated_at) AS last_change_at
    FROM alerts a LEFT JOIN papers p ON p.arxiv_id = a.arxiv_id
    ORDER BY last_change_at DESC, a.channel, a.alert_key;
"""

#: Migration 6: alerts delivered as replies in a Slack thread (a run with more alerts than a channel's
#: `fold_after`) record the parent message's ts; `alerts_log` shows it.
ALERTS_THREADS_V6 = """
ALTER TABLE alerts ADD COLUMN thread_ts VARCHAR;

CREATE OR REPLACE VIEW alerts_log AS
    SELECT a.channel, a.alert_key, a.kind, a.arxiv_id, p.title, a.rules, a.mode, a.status, a.attempts,
           a.last_error, a.external_id, a.possible_duplicate, a.created_at, a.sent_at,
           coalesce(a.sent_at, a.updated_at) AS last_change_at, a.thread_ts
    FROM alerts a LEFT JOIN papers p ON p.arxiv_id = a.arxiv_id
    ORDER BY last_change_at DESC, a.channel, a.alert_key;
"""
