"""Metrics are written and ranked twice: by the database (the `format_metric` macro and
`papers_overview.headline_metrics`, for SQL users) and by alerts/chips.py (`headline_text` and
`rank_metrics`, which the chips of messages are picked from). This holds the two equal on every
metric and paper of the demo newsletters and the sample week."""

from __future__ import annotations

import pytest

from alerts.chips import headline_text, rank_metrics
from records.facts import MetricFact
from storage.db import open_db
from storage.ledger import load_paper_facts

#: The text papers_overview builds per metric (migration 4's view), as one query.
SQL_TEXT = """
SELECT m.value, m.unit, m.qualifier, m.name, m.kind,
       format_metric(m.value, m.unit, m.qualifier)
           || CASE WHEN m.name IS NOT NULL AND m.kind IN ('score', 'relative', 'count') THEN ' ' || m.name ELSE '' END
FROM metrics m
"""


#: (database fixture, at least this many metrics, at least this many papers with metrics)
DATABASES = {"demo": ("demo_alert_db", 25, 8), "sample": ("sample_alert_db", 5, 3)}


@pytest.fixture(params=sorted(DATABASES))
def database(request):
    fixture, metrics, papers = DATABASES[request.param]
    return request.getfixturevalue(fixture), metrics, papers


def test_python_writes_every_metric_as_the_sql_macro_does(database):
    path, at_least, _ = database
    with open_db(path, read_only=True) as conn:
        rows = conn.execute(SQL_TEXT).fetchall()
    assert len(rows) >= at_least
    written = [(headline_text(MetricFact(name, value, unit, kind, qualifier, "s")), sql)
               for value, unit, qualifier, name, kind, sql in rows]
    assert [python for python, _ in written] == [sql for _, sql in written]


def test_python_ranks_headline_metrics_as_papers_overview_does(database):
    path, _, at_least = database
    with open_db(path, read_only=True) as conn:
        papers = load_paper_facts(conn)
        headlines = dict(conn.execute("SELECT arxiv_id, headline_metrics FROM papers_overview").fetchall())
    with_metrics = [p for p in papers if p.metrics]
    assert len(with_metrics) >= at_least
    # papers_overview ranks newsletters' metrics only (it dates each by its issue).
    newsletter = {p.arxiv_id: [m for m in p.metrics if m.seen_at is not None] for p in with_metrics}
    assert {a: "; ".join(text for text, _ in rank_metrics(ms)[:3]) for a, ms in newsletter.items()} == {
        p.arxiv_id: headlines[p.arxiv_id] for p in with_metrics}
