"""`radar migrate-storage --to ducklake|duckdb`: copy every table between the embedded file and the lake.

`--to ducklake` copies the file named by `database` into the lake of `[storage]` (its `catalog` and
`data_path`); `--to duckdb` copies that lake into `database`. The destination must be empty (or
already a copy: then nothing is done). Every table's row count and key set are checked before the
copy commits (storage/copy_store.py), and printed. The backend in use is whatever `[storage]
backend` says: switch it after the copy.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from radar.console import ConfigOption, fail, load_config, out, run
from storage.copy_store import copy_store


class Backend(StrEnum):
    ducklake = "ducklake"
    duckdb = "duckdb"


def migrate_storage_command(
    to: Annotated[Backend, typer.Option("--to", help="The backend to copy into.")],
    config: ConfigOption = None,
) -> None:
    """Copy every table from the embedded file into the configured lake (or back), then check counts and keys."""
    settings = load_config(config)
    if not settings.storage.lake_configured:
        fail(f"{settings.config_file}: [storage] needs `catalog` and `data_path` to name the lake to copy "
             f"{'into' if to is Backend.ducklake else 'from'} (see README, 'Shared store')")
    lake = settings.storage.as_lake()
    source, destination = (settings.database, lake) if to is Backend.ducklake else (lake, settings.database)
    if to is Backend.ducklake and not settings.database.exists():
        fail(f"{settings.database}: no database file to copy")
    copied, tables = run(lambda: copy_store(source, destination, lock_wait_seconds=settings.lock_wait_seconds))
    table = Table(title=f"{'Copied' if copied else 'Already copied'}: {source} -> {destination}", title_justify="left")
    for column in ("table", "source rows", "copied rows", "keys"):
        table.add_column(column, justify="left" if column in ("table", "keys") else "right")
    for t in tables:
        table.add_row(t.table, str(t.source_rows), str(t.copied_rows), "match" if t.keys_match else "DIFFER")
    out.print(table)
    out.print(f"Every table's row count and key set match ({sum(t.copied_rows for t in tables)} rows)."
              + ("" if copied else " Nothing was copied: the destination already held them."))
    if settings.storage.backend != to.value:
        out.print(f'Set `backend = "{to.value}"` under [storage] in {settings.config_file} to use it.')
