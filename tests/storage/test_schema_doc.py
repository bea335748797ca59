"""docs/schema.md against a freshly migrated database: every table, view, macro and column documented
with its type, and nothing documented that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storage.db import open_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"
KINDS = {"Tables": "table", "Views": "view", "Macros": "macro"}
# The doc writes types as the DDL does; DuckDB reports some by their long names.
ALIASES = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}


def documented() -> dict[tuple[str, str], dict[str, str] | list[str]]:
    """{(kind, name): {column: type}} for tables and views, {("macro", name): [parameters]}."""
    found: dict = {}
    kind = current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind, current = KINDS.get(line[3:].strip()), None
        elif line.startswith("### `") and kind:
            heading = re.fullmatch(r"### `(\w+)(?:\(([^)]*)\))?`", line.strip())
            assert heading, f"unreadable heading: {line!r}"
            current = (kind, heading.group(1))
            assert current not in found, f"{current} documented twice"
            found[current] = [p.strip() for p in heading.group(2).split(",")] if kind == "macro" else {}
        elif current and current[0] != "macro" and (row := re.match(r"\| `(\w+)` \| ([A-Z][A-Z0-9 \[\]]*) \|", line)):
            assert row.group(1) not in found[current], f"{current}: column {row.group(1)} documented twice"
            found[current][row.group(1)] = row.group(2).strip()
    return found


def live(tmp_path: Path) -> dict[tuple[str, str], dict[str, str] | list[str]]:
    with open_db(tmp_path / "fresh.duckdb") as conn:
        columns = conn.execute(
            """
            SELECT CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END, c.table_name, c.column_name, c.data_type
            FROM duckdb_columns() c
            LEFT JOIN duckdb_views() v ON v.view_name = c.table_name AND v.database_name = c.database_name
            WHERE c.database_name = current_database() AND c.schema_name = 'main'
            ORDER BY c.table_name, c.column_index
            """
        ).fetchall()
        macros = conn.execute(
            """
            SELECT function_name, parameters FROM duckdb_functions()
            WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
              AND function_type IN ('macro', 'table_macro')
            """
        ).fetchall()
    found: dict = {("macro", name): list(params) for name, params in macros}
    for kind, table, column, data_type in columns:
        found.setdefault((kind, table), {})[column] = ALIASES.get(data_type, data_type)
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    return documented(), live(tmp_path_factory.mktemp("doc"))


def test_every_object_is_documented_and_nothing_else(both):
    doc, db = both
    assert sorted(set(db) - set(doc)) == [], "in the database but not in docs/schema.md"
    assert sorted(set(doc) - set(db)) == [], "in docs/schema.md but not in the database"


def test_every_column_is_documented_with_its_type(both):
    doc, db = both
    wrong = {name: (doc[name], cols) for name, cols in db.items() if name in doc and doc[name] != cols}
    assert wrong == {}, "docs/schema.md disagrees with the database (documented, live)"


def test_every_column_has_a_meaning():
    empty = [line for line in DOC.read_text(encoding="utf-8").splitlines()
             if re.match(r"\| `\w+` \| [^|]+ \|\s*\|", line)]
    assert empty == []
