"""A lake's schema (storage/lake_schema.py's baseline, then the later migrations as written) is the embedded
file's (the released migrations), column for column: types, nullability and defaults; the views are the
same text. And what a plain connection to a lake gets: every view, no macros."""

from __future__ import annotations

import duckdb
import pytest

from storage.db import open_db, schema_version
from storage.lake_schema import LAKE_BASELINE_VERSION, released_views
from storage.schema import KEYS, MIGRATIONS
from storage.views import MACROS, VIEWS
from tests.backends import new_lake

CATALOG = """
    SELECT c.table_name, c.column_index, c.column_name, c.data_type, c.is_nullable, c.column_default,
           v.view_name IS NOT NULL AS is_view
    FROM duckdb_columns() c
    LEFT JOIN duckdb_views() v ON v.view_name = c.table_name AND v.database_name = c.database_name
    WHERE c.database_name = current_database() AND c.schema_name = 'main'
    ORDER BY c.table_name, c.column_index
"""


def describe(conn: duckdb.DuckDBPyConnection) -> dict:
    columns: dict[str, list] = {}
    for table, _, column, data_type, nullable, default, is_view in conn.execute(CATALOG).fetchall():
        value = None if default is None else conn.execute(f"SELECT CAST({default} AS {data_type})").fetchone()[0]
        columns.setdefault(table, []).append((column, data_type, nullable, value, is_view))
    views = dict(conn.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
    ).fetchall())
    return {"columns": columns, "views": views}


@pytest.fixture(scope="module")
def both(tmp_path_factory, postgres):
    folder = tmp_path_factory.mktemp("schemas")
    lake = new_lake(postgres.get(), folder)
    with open_db(folder / "radar.duckdb") as embedded, open_db(lake) as lake_conn:
        yield describe(embedded), describe(lake_conn), lake_conn


def test_every_table_and_view_has_the_same_columns_types_nullability_and_defaults(both):
    embedded, lake, _ = both
    assert sorted(lake["columns"]) == sorted(embedded["columns"])
    for name, columns in embedded["columns"].items():
        assert lake["columns"][name] == columns, name


def test_the_views_are_the_same_text(both):
    embedded, lake, _ = both
    assert lake["views"] == embedded["views"] and set(VIEWS) | {"alerts_log"} == set(embedded["views"])


def test_the_baseline_stands_for_the_migrations_it_replaces(both):
    *_, conn = both
    assert schema_version(conn) == MIGRATIONS[-1][0]
    recorded = conn.execute("SELECT version, description FROM schema_version ORDER BY version").fetchall()
    assert recorded == [(v, d) for v, d, _ in MIGRATIONS]


def test_the_baseline_views_are_macro_free_and_every_table_has_a_key():
    assert not [v for v in released_views(LAKE_BASELINE_VERSION) if any(f"{m}(" in v for m in MACROS)]
    assert LAKE_BASELINE_VERSION <= MIGRATIONS[-1][0]
    assert set(KEYS) == {"schema_version", "sources", "documents", "items", "papers", "mentions", "code_links",
                         "metrics", "arxiv_cursors", "backfill_checkpoints", "source_health_warnings", "alerts"}


def test_a_plain_lake_connection_has_every_view_and_no_macros(both):
    """What a notebook that attaches the lake itself gets (README, 'Shared store')."""
    *_, conn = both
    for view in VIEWS:
        conn.execute(f"SELECT * FROM {view}").fetchall()
    with pytest.raises(duckdb.CatalogException, match="format_metric"):
        conn.execute("SELECT format_metric(1.0, '%', NULL)")
    with pytest.raises(duckdb.CatalogException, match="trending_since"):
        conn.execute("SELECT * FROM trending_since(30)")
