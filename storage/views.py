"""Views and macros for ad-hoc SQL: what users query instead of joining the raw tables themselves.

They live in the database file (created by migration 2 in storage/schema.py), so every client sees
them: `radar sql`, the DuckDB CLI, DBeaver, a notebook. `VIEWS_V1` is that migration's released
text: never edit it; to change a view, append a migration with `CREATE OR REPLACE VIEW`. The
snapshot (storage/snapshot.py) copies the definitions from the database catalog with
`catalog_definitions`, so it always matches what the file holds. docs/schema.md documents every
column; tests/storage/test_schema_doc.py keeps it true.

A paper's mention is dated by its newsletter: `published_at`, else when the document was first
fetched. Fetch time alone would make a first poll of an old archive look like this week's news.

The view is called `paper_code`, not `code_links` as the issue suggests, because the table
`code_links` (one row per repository link in an item) already has that name.
"""

from __future__ import annotations

import re

import duckdb

VIEWS = ("paper_code", "papers_overview", "trending", "metrics_by_benchmark", "source_health")
MACROS = ("format_metric", "trending_since")

#: Migration 2, as released.
VIEWS_V1 = """
-- "60.1%", "up to 3x", "7.3B params", "17.9 pp": a metric as a reader would write it.
CREATE OR REPLACE MACRO format_metric(value, unit, qualifier) AS
    CASE qualifier WHEN 'approximate' THEN 'about ' WHEN 'at least' THEN 'at least ' WHEN 'up to' THEN 'up to '
                   ELSE '' END
    || CASE WHEN abs(value) >= 1e12 THEN printf('%gT', round(value / 1e12, 2))
            WHEN abs(value) >= 1e9 THEN printf('%gB', round(value / 1e9, 2))
            WHEN abs(value) >= 1e6 THEN printf('%gM', round(value / 1e6, 2))
            ELSE printf('%g', round(value, 3)) END
    || CASE WHEN unit IN ('%', 'x') THEN unit WHEN unit IS NULL OR unit IN ('', 'count') THEN '' ELSE ' ' || unit END;

-- The window ends at the newest mention (not now()), so a paused database, like the demo, still
-- shows its last week; least() keeps a future-dated newsletter from moving the window.
CREATE OR REPLACE MACRO trending_since(days) AS TABLE
    WITH seen AS (
        SELECT m.arxiv_id, m.source, coalesce(d.published_at, d.first_seen_at) AS seen_at
        FROM mentions m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    ), anchor AS (
        SELECT least(max(seen_at), now()) AS window_end FROM seen
    )
    SELECT s.arxiv_id, p.title, count(DISTINCT s.source) AS n_sources,
           list(DISTINCT s.source ORDER BY s.source) AS sources, count(*) AS n_mentions,
           max(s.seen_at) AS last_seen_at
    FROM seen s CROSS JOIN anchor a LEFT JOIN papers p ON p.arxiv_id = s.arxiv_id
    WHERE s.seen_at > a.window_end - to_days(CAST(days AS INTEGER))
    GROUP BY s.arxiv_id, p.title
    ORDER BY n_sources DESC, n_mentions DESC, last_seen_at DESC, s.arxiv_id;

CREATE OR REPLACE VIEW trending AS SELECT * FROM trending_since(7);

CREATE OR REPLACE VIEW paper_code AS
    SELECT c.arxiv_id, c.repo_url, min(c.host) AS host, count(DISTINCT c.source) AS n_sources,
           count(*) AS n_mentions, min(coalesce(d.published_at, d.first_seen_at)) AS first_seen_at,
           list(DISTINCT c.source ORDER BY c.source) AS sources
    FROM code_links c JOIN documents d ON d.source = c.source AND d.doc_key = c.doc_key
    WHERE c.arxiv_id IS NOT NULL
    GROUP BY c.arxiv_id, c.repo_url
    ORDER BY c.arxiv_id, n_sources DESC, n_mentions DESC, first_seen_at, c.repo_url;

-- Headline metrics: scores first, then relative gains, sizes, counts; a number several
-- newsletters report ranks higher; at most three.
CREATE OR REPLACE VIEW papers_overview AS
    WITH seen AS (
        SELECT arxiv_id, count(DISTINCT source) AS n_sources, count(*) AS n_mentions,
               list(DISTINCT source ORDER BY source) AS sources
        FROM mentions GROUP BY arxiv_id
    ), code AS (
        SELECT arxiv_id, list(repo_url ORDER BY n_sources DESC, n_mentions DESC, first_seen_at, repo_url) AS urls
        FROM paper_code GROUP BY arxiv_id
    ), metric_text AS (
        SELECT m.arxiv_id,
               format_metric(m.value, m.unit, m.qualifier)
                   || CASE WHEN m.name IS NOT NULL AND m.kind IN ('score', 'relative', 'count')
                           THEN ' ' || m.name ELSE '' END AS text,
               min(CASE m.kind WHEN 'score' THEN 0 WHEN 'relative' THEN 1 WHEN 'size' THEN 2 ELSE 3 END) AS rank,
               count(DISTINCT m.source) AS n_sources,
               min(coalesce(d.published_at, d.first_seen_at)) AS first_at, min(m.ordinal) AS ordinal
        FROM metrics m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
        WHERE m.arxiv_id IS NOT NULL
        GROUP BY m.arxiv_id, text
    ), headline AS (
        SELECT arxiv_id,
               array_to_string(list(text ORDER BY rank, n_sources DESC, first_at, ordinal, text)[1:3], '; ')
                   AS headline_metrics
        FROM metric_text GROUP BY arxiv_id
    )
    SELECT p.arxiv_id, p.title, p.latest_version, p.first_seen_at, p.last_seen_at,
           coalesce(s.n_sources, 0) AS n_sources, coalesce(s.n_mentions, 0) AS n_mentions,
           coalesce(s.sources, []::VARCHAR[]) AS sources,
           c.urls[1] AS code_url, coalesce(c.urls, []::VARCHAR[]) AS code_urls,
           h.headline_metrics, 'https://arxiv.org/abs/' || p.arxiv_id AS abs_url
    FROM papers p
    LEFT JOIN seen s ON s.arxiv_id = p.arxiv_id
    LEFT JOIN code c ON c.arxiv_id = p.arxiv_id
    LEFT JOIN headline h ON h.arxiv_id = p.arxiv_id
    ORDER BY p.last_seen_at DESC, p.arxiv_id;

-- Leaderboard rows: named scores only; sizes, counts and relative gains stay in `metrics`.
CREATE OR REPLACE VIEW metrics_by_benchmark AS
    SELECT m.name AS benchmark, m.value, m.unit, m.qualifier, m.subject, m.arxiv_id, p.title AS paper_title,
           m.source, d.url AS document_url, d.title AS document_title,
           coalesce(d.published_at, d.first_seen_at) AS published_at, m.snippet
    FROM metrics m
    JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    LEFT JOIN papers p ON p.arxiv_id = m.arxiv_id
    WHERE m.kind = 'score' AND m.name IS NOT NULL
    ORDER BY lower(m.name), m.unit, m.value DESC, published_at DESC;

-- Newsletters are weekly at most: two missed issues (14 days without a new document) is stale.
CREATE OR REPLACE VIEW source_health AS
    SELECT name, kind, location, last_attempt_at, last_success_at, last_new_document_at,
           consecutive_failures, last_error,
           round(date_diff('second', last_success_at, now()) / 3600.0, 1) AS hours_since_success,
           round(date_diff('second', last_new_document_at, now()) / 3600.0, 1) AS hours_since_new_document,
           CASE WHEN last_success_at IS NULL THEN 'never succeeded'
                WHEN consecutive_failures > 0 THEN 'failing'
                WHEN last_new_document_at IS NULL OR last_new_document_at < now() - INTERVAL 14 DAY THEN 'stale'
                ELSE 'ok' END AS status
    FROM sources
    ORDER BY status = 'ok', name;
"""


def catalog_definitions(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, CREATE OR REPLACE statement) of every macro and view in the open database, oldest first.

    Read from the catalog rather than from `VIEWS_V1`, so that later migrations are included.
    """
    macros = conn.execute(
        """
        SELECT function_name, function_type, parameters, macro_definition, function_oid
        FROM duckdb_functions()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
          AND function_type IN ('macro', 'table_macro')
        """
    ).fetchall()
    views = conn.execute(
        """
        SELECT view_name, sql, view_oid FROM duckdb_views()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
        """
    ).fetchall()
    found = [(oid, name, _macro_statement(name, kind, params, body)) for name, kind, params, body, oid in macros]
    found += [(oid, name, _or_replace(sql)) for name, sql, oid in views]
    # A lake stores no macros: give its readers the released ones, as the embedded file does.
    released = [] if macros else [(name, statement) for name, statement in MACRO_STATEMENTS]
    return released + [(name, statement) for _, name, statement in sorted(found)]


def _macro_statement(name: str, kind: str, params: list[str], body: str) -> str:
    # The catalog keeps parameter names but not defaults: our macros have none.
    table = "TABLE " if kind == "table_macro" else ""
    return f"CREATE OR REPLACE MACRO {name}({', '.join(params)}) AS {table}{body};"


def _or_replace(create_view_sql: str) -> str:
    head, _, rest = create_view_sql.partition("CREATE VIEW ")
    return f"{head}CREATE OR REPLACE VIEW {rest}" if not head else create_view_sql


#: Migration 4: `paper_code` also lists the repositories arXiv abstracts and comments give (rows in
#: `code_links` with source 'arxiv', which have no newsletter document), dated by the paper's v1.
PAPER_CODE_V4 = """
CREATE OR REPLACE VIEW paper_code AS
    SELECT c.arxiv_id, c.repo_url, min(c.host) AS host, count(DISTINCT c.source) AS n_sources,
           count(*) AS n_mentions,
           min(coalesce(d.published_at, d.first_seen_at, p.published_at, p.first_seen_at)) AS first_seen_at,
           list(DISTINCT c.source ORDER BY c.source) AS sources
    FROM code_links c
    LEFT JOIN documents d ON d.source = c.source AND d.doc_key = c.doc_key
    LEFT JOIN papers p ON c.source = 'arxiv' AND p.arxiv_id = c.arxiv_id
    WHERE c.arxiv_id IS NOT NULL AND (d.doc_key IS NOT NULL OR c.source = 'arxiv')
    GROUP BY c.arxiv_id, c.repo_url
    ORDER BY c.arxiv_id, n_sources DESC, n_mentions DESC, first_seen_at, c.repo_url;
"""

#: Migration 4: `papers_overview` as in migration 2, plus the arXiv metadata columns at the end.
PAPERS_OVERVIEW_V4 = """
-- Headline metrics: scores first, then relative gains, sizes, counts; a number several
-- newsletters report ranks higher; at most three.
CREATE OR REPLACE VIEW papers_overview AS
    WITH seen AS (
        SELECT arxiv_id, count(DISTINCT source) AS n_sources, count(*) AS n_mentions,
               list(DISTINCT source ORDER BY source) AS sources
        FROM mentions GROUP BY arxiv_id
    ), code AS (
        SELECT arxiv_id, list(repo_url ORDER BY n_sources DESC, n_mentions DESC, first_seen_at, repo_url) AS urls
        FROM paper_code GROUP BY arxiv_id
    ), metric_text AS (
        SELECT m.arxiv_id,
               format_metric(m.value, m.unit, m.qualifier)
                   || CASE WHEN m.name IS NOT NULL AND m.kind IN ('score', 'relative', 'count')
                           THEN ' ' || m.name ELSE '' END AS text,
               min(CASE m.kind WHEN 'score' THEN 0 WHEN 'relative' THEN 1 WHEN 'size' THEN 2 ELSE 3 END) AS rank,
               count(DISTINCT m.source) AS n_sources,
               min(coalesce(d.published_at, d.first_seen_at)) AS first_at, min(m.ordinal) AS ordinal
        FROM metrics m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
        WHERE m.arxiv_id IS NOT NULL
        GROUP BY m.arxiv_id, text
    ), headline AS (
        SELECT arxiv_id,
               array_to_string(list(text ORDER BY rank, n_sources DESC, first_at, ordinal, text)[1:3], '; ')
                   AS headline_metrics
        FROM metric_text GROUP BY arxiv_id
    )
    SELECT p.arxiv_id, p.title, p.latest_version, p.first_seen_at, p.last_seen_at,
           coalesce(s.n_sources, 0) AS n_sources, coalesce(s.n_mentions, 0) AS n_mentions,
           coalesce(s.sources, []::VARCHAR[]) AS sources,
           c.urls[1] AS code_url, coalesce(c.urls, []::VARCHAR[]) AS code_urls,
           h.headline_metrics, 'https://arxiv.org/abs/' || p.arxiv_id AS abs_url,
           p.authors, p.primary_category, p.categories, p.published_at AS arxiv_published_at, p.arxiv_status
    FROM papers p
    LEFT JOIN seen s ON s.arxiv_id = p.arxiv_id
    LEFT JOIN code c ON c.arxiv_id = p.arxiv_id
    LEFT JOIN headline h ON h.arxiv_id = p.arxiv_id
    ORDER BY p.last_seen_at DESC, p.arxiv_id;
"""

#: Migration 7: `metrics_by_benchmark` also lists the scores arXiv abstracts and comments report (rows
#: in `metrics` with source 'arxiv', which have no newsletter document), with `origin` saying which:
#: 'newsletter' or 'arxiv'. An arXiv row's document is the abstract page, dated by the paper's v1.
METRICS_BY_BENCHMARK_V7 = """
-- Leaderboard rows: named scores only; sizes, counts and relative gains stay in `metrics`.
CREATE OR REPLACE VIEW metrics_by_benchmark AS
    SELECT m.name AS benchmark, m.value, m.unit, m.qualifier, m.subject, m.arxiv_id, p.title AS paper_title,
           m.source,
           CASE WHEN d.doc_key IS NULL THEN 'https://arxiv.org/abs/' || m.arxiv_id ELSE d.url END AS document_url,
           d.title AS document_title,
           coalesce(d.published_at, d.first_seen_at, p.published_at, p.first_seen_at) AS published_at, m.snippet,
           CASE WHEN d.doc_key IS NULL THEN 'arxiv' ELSE 'newsletter' END AS origin
    FROM metrics m
    LEFT JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    LEFT JOIN papers p ON p.arxiv_id = m.arxiv_id
    WHERE m.kind = 'score' AND m.name IS NOT NULL AND (d.doc_key IS NOT NULL OR m.source = 'arxiv')
    ORDER BY lower(m.name), m.unit, m.value DESC, published_at DESC;
"""

#: Migration 8: the two views that called a macro, with the macro's body written out, so that every
#: view is one text on both backends (DuckLake stores no macros: "DuckLake does not support
#: functions", and a view calling a connection's TEMP macro fails on every other connection). Same
#: columns and rows as before. The macros stay in the embedded file for ad-hoc SQL; on a lake
#: `radar sql` creates them for its connection (`MACROS_SQL`).
VIEWS_WITHOUT_MACROS_V8 = """
CREATE OR REPLACE VIEW trending AS
    WITH seen AS (
        SELECT m.arxiv_id, m.source, coalesce(d.published_at, d.first_seen_at) AS seen_at
        FROM mentions m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    ), anchor AS (
        SELECT least(max(seen_at), now()) AS window_end FROM seen
    )
    SELECT s.arxiv_id, p.title, count(DISTINCT s.source) AS n_sources,
           list(DISTINCT s.source ORDER BY s.source) AS sources, count(*) AS n_mentions,
           max(s.seen_at) AS last_seen_at
    FROM seen s CROSS JOIN anchor a LEFT JOIN papers p ON p.arxiv_id = s.arxiv_id
    WHERE s.seen_at > a.window_end - to_days(7)
    GROUP BY s.arxiv_id, p.title
    ORDER BY n_sources DESC, n_mentions DESC, last_seen_at DESC, s.arxiv_id;

-- Headline metrics: scores first, then relative gains, sizes, counts; a number several
-- newsletters report ranks higher; at most three. The metric is written as format_metric writes it.
CREATE OR REPLACE VIEW papers_overview AS
    WITH seen AS (
        SELECT arxiv_id, count(DISTINCT source) AS n_sources, count(*) AS n_mentions,
               list(DISTINCT source ORDER BY source) AS sources
        FROM mentions GROUP BY arxiv_id
    ), code AS (
        SELECT arxiv_id, list(repo_url ORDER BY n_sources DESC, n_mentions DESC, first_seen_at, repo_url) AS urls
        FROM paper_code GROUP BY arxiv_id
    ), metric_text AS (
        SELECT m.arxiv_id,
               CASE m.qualifier WHEN 'approximate' THEN 'about ' WHEN 'at least' THEN 'at least '
                                WHEN 'up to' THEN 'up to ' ELSE '' END
                   || CASE WHEN abs(m.value) >= 1e12 THEN printf('%gT', round(m.value / 1e12, 2))
                           WHEN abs(m.value) >= 1e9 THEN printf('%gB', round(m.value / 1e9, 2))
                           WHEN abs(m.value) >= 1e6 THEN printf('%gM', round(m.value / 1e6, 2))
                           ELSE printf('%g', round(m.value, 3)) END
                   || CASE WHEN m.unit IN ('%', 'x') THEN m.unit WHEN m.unit IS NULL OR m.unit IN ('', 'count') THEN ''
                           ELSE ' ' || m.unit END
                   || CASE WHEN m.name IS NOT NULL AND m.kind IN ('score', 'relative', 'count')
                           THEN ' ' || m.name ELSE '' END AS text,
               min(CASE m.kind WHEN 'score' THEN 0 WHEN 'relative' THEN 1 WHEN 'size' THEN 2 ELSE 3 END) AS rank,
               count(DISTINCT m.source) AS n_sources,
               min(coalesce(d.published_at, d.first_seen_at)) AS first_at, min(m.ordinal) AS ordinal
        FROM metrics m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
        WHERE m.arxiv_id IS NOT NULL
        GROUP BY m.arxiv_id, text
    ), headline AS (
        SELECT arxiv_id,
               array_to_string(list(text ORDER BY rank, n_sources DESC, first_at, ordinal, text)[1:3], '; ')
                   AS headline_metrics
        FROM metric_text GROUP BY arxiv_id
    )
    SELECT p.arxiv_id, p.title, p.latest_version, p.first_seen_at, p.last_seen_at,
           coalesce(s.n_sources, 0) AS n_sources, coalesce(s.n_mentions, 0) AS n_mentions,
           coalesce(s.sources, []::VARCHAR[]) AS sources,
           c.urls[1] AS code_url, coalesce(c.urls, []::VARCHAR[]) AS code_urls,
           h.headline_metrics, 'https://arxiv.org/abs/' || p.arxiv_id AS abs_url,
           p.authors, p.primary_category, p.categories, p.published_at AS arxiv_published_at, p.arxiv_status
    FROM papers p
    LEFT JOIN seen s ON s.arxiv_id = p.arxiv_id
    LEFT JOIN code c ON c.arxiv_id = p.arxiv_id
    LEFT JOIN headline h ON h.arxiv_id = p.arxiv_id
    ORDER BY p.last_seen_at DESC, p.arxiv_id;
"""


def _macro_statements() -> list[tuple[str, str]]:
    found = []
    for statement in duckdb.extract_statements(VIEWS_V1):
        match = re.search(r"^CREATE OR REPLACE MACRO (\w+)", statement.query, flags=re.M)
        if match:
            found.append((match.group(1), statement.query.strip() + ";"))
    return found


#: (name, CREATE OR REPLACE MACRO statement) of format_metric and trending_since as migration 2 released them.
MACRO_STATEMENTS = _macro_statements()

#: The same as TEMP macros, for a connection whose database has none (a lake): created in the
#: connection's temporary catalog, which every query on that connection can call.
MACROS_SQL = "\n".join(s.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO", 1)
                       for _, s in MACRO_STATEMENTS) + "\n"
