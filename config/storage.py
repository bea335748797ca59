"""The `[storage]` section of radar.toml: where the data lives.

`backend = "duckdb"` (the default) is the embedded file named by the top-level `database` key.
`backend = "ducklake"` is a DuckLake: its catalog in a database (`catalog`) and its rows as Parquet
files in a folder (`data_path`; every machine must mount it at the same path; an s3:// bucket is not
supported yet). Three catalogs:

    catalog = "postgresql://radar@db.internal:5432/radar"   PostgreSQL (also "postgres:dbname=... host=...",
                                                             or a libpq "key=value ..." string): many
                                                             processes on many machines
    catalog = "sqlite:/srv/radar/catalog.sqlite"             SQLite: many processes on one machine
    catalog = "duckdb:/srv/radar/catalog.ducklake"           a DuckDB file: one process at a time, readers
                                                             included (like the embedded file)

A password never goes in the file: DuckDB repeats connection strings in its error messages, so a
password there would reach logs. libpq reads it from `PGPASSWORD` or `~/.pgpass` (`PGPASSFILE`), for
DuckDB's PostgreSQL extension and the writer lock's client alike. A catalog string that holds one is
a config error. With backend "duckdb", `catalog` and `data_path` may still name a lake: `radar
migrate-storage` copies to and from it. `Settings.store` (config/settings.py) is what storage/ opens.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

CatalogKind = Literal["postgres", "sqlite", "duckdb"]

_URI = re.compile(r"^postgres(?:ql)?://", re.I)
_URI_PASSWORD = re.compile(r"^postgres(?:ql)?://[^/@:]*:[^/@]*@", re.I)
_KEYWORD_PASSWORD = re.compile(r"(?:^|\s)password\s*=", re.I)
_QUERY_PASSWORD = re.compile(r"[?&]password=", re.I)


class StorageSettings(BaseModel):
    """`[storage]`: the backend, and for a DuckLake its catalog and data path."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["duckdb", "ducklake"] = "duckdb"
    catalog: str | None = None
    data_path: str | None = None

    @model_validator(mode="after")
    def _lake_keys(self) -> StorageSettings:
        # With backend "duckdb" a lake may still be configured: `radar migrate-storage` copies to or from it.
        if self.backend == "duckdb" and self.catalog is None and self.data_path is None:
            return self
        if not self.catalog or not self.catalog.strip():
            raise ValueError('a DuckLake needs `catalog` (e.g. "postgresql://radar@db-host/radar")')
        if not self.data_path or not self.data_path.strip():
            raise ValueError('a DuckLake needs `data_path` (a shared folder, or s3://bucket/prefix/)')
        if "://" in self.data_path:
            raise ValueError("`data_path` must be a folder: s3:// and other remote data paths are not supported yet "
                             "(see README, 'Shared store'); use a folder every machine mounts at the same path")
        if _holds_password(self.catalog):
            raise ValueError("`catalog` must not hold a password (DuckDB repeats it in error messages): "
                             "set PGPASSWORD or use ~/.pgpass instead")
        catalog_parts(self.catalog)  # raises ValueError for an unreadable one
        return self

    @property
    def lake_configured(self) -> bool:
        return self.catalog is not None and self.data_path is not None

    def as_lake(self) -> StorageSettings:
        """These settings with backend "ducklake": the lake they describe, whatever the backend in use."""
        return self if self.backend == "ducklake" else self.model_copy(update={"backend": "ducklake"})

    @property
    def catalog_kind(self) -> CatalogKind:
        return catalog_parts(self.catalog or "")[0]

    @property
    def catalog_target(self) -> str:
        """The PostgreSQL connection string, or the SQLite / DuckDB catalog file's path."""
        return catalog_parts(self.catalog or "")[1]

    def with_paths_resolved(self, base: Path) -> StorageSettings:
        """File catalogs and a local data path made absolute against the config file's folder."""
        if not self.lake_configured:
            return self
        kind, target = catalog_parts(self.catalog or "")
        catalog = self.catalog
        if kind != "postgres":
            catalog = f"{kind}:{_absolute(target, base)}"
        data_path = str(_absolute(self.data_path or "", base))
        if not data_path.endswith("/"):
            data_path += "/"  # DuckLake joins file names to it as text
        return self.model_copy(update={"catalog": catalog, "data_path": data_path})

    def __str__(self) -> str:
        kind, target = catalog_parts(self.catalog or "")
        where = _redacted(target) if kind == "postgres" else target
        return f"DuckLake (catalog: {kind} {where}; data: {self.data_path})"


def catalog_parts(catalog: str) -> tuple[CatalogKind, str]:
    """("postgres", connection string) | ("sqlite", path) | ("duckdb", path); ValueError if unreadable."""
    text = catalog.strip()
    for kind in ("sqlite", "duckdb"):
        if text.lower().startswith(f"{kind}:"):
            path = text[len(kind) + 1:].strip()
            if not path:
                raise ValueError(f"`catalog` {catalog!r}: give the {kind} catalog file's path after '{kind}:'")
            return kind, path  # type: ignore[return-value]
    if text.lower().startswith("postgres:"):
        text = text[len("postgres:"):].strip()
    if _URI.match(text) or "=" in text:
        return "postgres", text
    raise ValueError(f"`catalog` {catalog!r}: expected a PostgreSQL connection string "
                     "(postgresql://user@host:port/db or 'dbname=... host=...'), sqlite:PATH or duckdb:PATH")


def _holds_password(catalog: str) -> bool:
    text = catalog.strip()
    if text.lower().startswith("postgres:"):
        text = text[len("postgres:"):].strip()
    return bool(_URI_PASSWORD.match(text) or _QUERY_PASSWORD.search(text)
                or (not _URI.match(text) and _KEYWORD_PASSWORD.search(text)))


def _redacted(dsn: str) -> str:
    """A connection string safe to print: a password, were one there, replaced."""
    dsn = re.sub(r"(?i)(password\s*=\s*)('[^']*'|\S+)", r"\1***", dsn)
    return re.sub(r"(?i)^(postgres(?:ql)?://[^/@:]*:)[^/@]*@", r"\1***@", dsn)


def _absolute(path: str, base: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base / p).resolve()
