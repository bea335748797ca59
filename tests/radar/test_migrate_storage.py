"""`radar migrate-storage`: the embedded file copied into a lake and back, every table equal, twice harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from radar.cli import app
from records.ledger import LedgerRow
from storage.db import open_db
from storage.ledger import save_planned
from storage.newsletters import save_extractions
from storage.schema import KEYS
from storage.views import VIEWS
from tests.backends import new_lake
from tests.storage.sample import NOW, extractions, make_sample_db

COPIED = [t for t in KEYS if t != "schema_version"]


def contents(target) -> dict[str, list]:
    with open_db(target, read_only=True) as conn:
        tables = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in COPIED}
        views = {v: sorted(map(repr, conn.execute(f"SELECT * EXCLUDE (hours_since_success, hours_since_new_document)"
                                                  f" FROM {v}" if v == "source_health" else f"SELECT * FROM {v}"
                                                  ).fetchall())) for v in VIEWS}
    return {**tables, **views}


def migrate(config: Path, to: str):
    return CliRunner().invoke(app, ["migrate-storage", "--to", to, "--config", str(config)], catch_exceptions=False)


@pytest.fixture
def lake_config(tmp_path, postgres):
    db = make_sample_db(tmp_path / "radar.duckdb")
    with open_db(db) as conn:  # the ledger too
        save_planned(conn, [LedgerRow("research", "2310.06770", "paper", "2310.06770", ("swe",), "instant",
                                      "pending")], NOW)
    lake = new_lake(postgres.get(), tmp_path)
    config = tmp_path / "radar.toml"
    config.write_text(f'database = "radar.duckdb"\n[storage]\ncatalog = "{lake.catalog}"\ndata_path = "lake-data/"\n')
    return config, db, lake


def test_a_copy_into_the_lake_holds_every_row_and_a_second_run_copies_nothing(lake_config):
    config, db, lake = lake_config
    first = migrate(config, "ducklake")
    assert first.exit_code == 0, first.stderr
    assert "Copied" in first.stdout and "Every table's row count and key set match" in first.stdout
    assert 'Set `backend = "ducklake"`' in first.stdout  # the config still says duckdb
    assert contents(lake) == contents(db)
    with open_db(lake, read_only=True) as conn:
        snapshots = conn.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0]
    again = migrate(config, "ducklake")
    assert again.exit_code == 0 and "Already copied" in again.stdout and "Nothing was copied" in again.stdout
    with open_db(lake, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0] == snapshots


def test_a_lake_copies_back_into_a_new_file(lake_config, tmp_path):
    config, db, lake = lake_config
    assert migrate(config, "ducklake").exit_code == 0
    back = tmp_path / "back"
    back.mkdir()
    (back / "radar.toml").write_text(config.read_text().replace('"lake-data/"', f'"{lake.data_path}"'))
    result = migrate(back / "radar.toml", "duckdb")
    assert result.exit_code == 0, result.stderr
    assert contents(back / "radar.duckdb") == contents(db)


def test_a_destination_holding_other_rows_is_refused_and_left_alone(lake_config):
    config, db, lake = lake_config
    with open_db(lake) as conn:
        save_extractions(conn, extractions()[:1], fetched_at=NOW)
    before = contents(lake)
    result = migrate(config, "ducklake")
    assert result.exit_code == 2 and "must be empty" in result.stderr and "documents: 4 in the source, 1 here" in (
        " ".join(result.stderr.split()))
    assert contents(lake) == before


def test_without_a_lake_in_the_config_it_says_what_is_missing(tmp_path):
    make_sample_db(tmp_path / "radar.duckdb")
    (tmp_path / "radar.toml").write_text('database = "radar.duckdb"\n')
    result = migrate(tmp_path / "radar.toml", "ducklake")
    assert result.exit_code == 2 and "[storage] needs `catalog` and `data_path`" in result.stderr
