"""The settings object: one TOML file (`radar.toml`), overridable by environment variables.

Loaded once per process by the CLI or a flow (`load_settings`) and passed down; helpers never read
the environment themselves. Relative paths in the file resolve against the file's folder, so a
config works whatever the working directory. A bad file raises `ConfigError`, whose message names
the file, the key and what is wrong.

Environment overrides use the prefix `RADAR_` and `__` for nesting: `RADAR_DATABASE=/tmp/r.duckdb`,
`RADAR_FETCH__TIMEOUT_SECONDS=5`. `RADAR_CONFIG` names the file when `--config` is not given.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from config.alerts import AlertSettings
from config.arxiv import ArxivSettings
from config.storage import StorageSettings

DEFAULT_CONFIG = "radar.toml"
KIND_ALIASES = {"rss": "feed", "atom": "feed", "html": "page", "eml": "email"}


class ConfigError(Exception):
    """The config file is missing, is not valid TOML, or has a bad value. The message says where."""


class SourceConfig(BaseModel):
    """One newsletter source: a feed, a web page, or an email file/folder."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)
    kind: Literal["feed", "page", "email"]
    url: str | None = None
    path: Path | None = None
    enabled: bool = True

    @field_validator("kind", mode="before")
    @classmethod
    def _alias_kind(cls, value: Any) -> Any:
        return KIND_ALIASES.get(value, value) if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL (use `path` for files)")
        return value

    @model_validator(mode="after")
    def _url_or_path(self) -> SourceConfig:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of `url` or `path`")
        return self

    @property
    def location(self) -> str:
        return self.url if self.url is not None else str(self.path)


class FetchSettings(BaseModel):
    """Limits for fetching sources over HTTP (and reading them from disk)."""

    model_config = ConfigDict(extra="forbid")

    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    # The whole of one fetch (connect, headers, body): a server trickling bytes cannot hold a poll.
    deadline_seconds: float | None = Field(default=None, gt=0, le=3600)
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=30)
    retries: int = Field(default=2, ge=0, le=10)
    retry_delay_seconds: float = Field(default=5.0, ge=0)
    # The longest Retry-After (429, 503) a run waits for before retrying; a longer one defers the source.
    max_retry_after_seconds: float = Field(default=60.0, ge=0, le=3600)
    user_agent: str | None = None
    max_entries_per_feed: int = Field(default=200, gt=0)
    # Sources fetched at once (threads: fetching is waiting on the network); each is parsed as the
    # batch cut reaches it.
    concurrency: int = Field(default=8, ge=1, le=64)
    # Documents a poll holds, extracts and writes at once (one transaction per batch, across sources).
    batch_documents: int = Field(default=500, gt=0, le=100_000)
    # The folders local sources may read from (a source's `path`, and every file a folder source
    # lists, symbolic links followed); by default the config file's folder. Resolved by load_settings.
    local_roots: list[Path] | None = None

    @property
    def deadline(self) -> float:
        """`deadline_seconds`, by default three times the read timeout."""
        return self.deadline_seconds if self.deadline_seconds is not None else 3 * self.timeout_seconds


class PrefectSettings(BaseModel):
    """How the deployed flows spread over a work pool (README "Scale out")."""

    model_config = ConfigDict(extra="forbid")

    # Sources per run of the newsletter poll's fan-out: a deployed `poll-newsletters` run with more enabled
    # sources than this starts one `poll-newsletter-group/group` run per group of this many (in config
    # order), which any worker of the pool picks up, and waits for them. 0: one run polls every source.
    poll_group_size: int = Field(default=0, ge=0, le=10_000)
    # How long the poll waits for its group runs before it fails saying which are unfinished.
    poll_group_timeout_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    # Whether a flow run started from the CLI (`radar poll`, `radar arxiv ...`, `radar backfill` with
    # PREFECT_API_URL set) sends Prefect's flow-run heartbeats. Prefect reads them only to mark a run Crashed
    # when its process died, through an automation you create; a worker's runs always send them (every
    # PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds, 180 by default). Off, a CLI run ends when its work does:
    # Prefect 3.9's heartbeat thread otherwise holds every run about one second longer.
    cli_flow_heartbeats: bool = False


class Settings(BaseSettings):
    """Everything a run needs. Built by `load_settings`, never read piecemeal from the environment."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", env_nested_delimiter="__", extra="forbid")

    config_file: Path | None = None
    # The embedded file (backend "duckdb"); with any backend, the spool and the read snapshot sit beside it.
    database: Path = Path("data/radar.duckdb")
    # How long the writer (and `radar sql`) waits for another process's lock on the database file, or
    # for the DuckLake writer lock.
    lock_wait_seconds: float = Field(default=60.0, ge=0, le=3600)
    storage: StorageSettings = StorageSettings()
    fetch: FetchSettings = FetchSettings()
    sources: list[SourceConfig] = []
    arxiv: ArxivSettings = ArxivSettings()
    alerts: AlertSettings = AlertSettings()
    prefect: PrefectSettings = PrefectSettings()

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        seen: set[str] = set()
        for i, source in enumerate(self.sources):
            if source.name in seen:
                raise ValueError(f"sources[{i}].name: {source.name!r} is used by another source")
            seen.add(source.name)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init kwargs; the environment overrides it.
        return env_settings, init_settings

    @property
    def store(self) -> Path | StorageSettings:
        """What storage/ opens: the embedded file, or the DuckLake of `[storage]`."""
        return self.storage if self.storage.backend == "ducklake" else self.database

    @property
    def enabled_sources(self) -> list[SourceConfig]:
        return [s for s in self.sources if s.enabled]

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"{self.config_file}: no source named {name!r}")


def config_path(explicit: str | Path | None = None) -> Path:
    """The config file to use: the one given, else $RADAR_CONFIG, else ./radar.toml."""
    return Path(explicit or os.environ.get("RADAR_CONFIG") or DEFAULT_CONFIG).expanduser().resolve()


def load_settings(path: str | Path | None = None) -> Settings:
    """Read, validate and resolve the config file; raise ConfigError naming the file and key."""
    file = config_path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found (pass --config or set RADAR_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{file}: cannot read the config file: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{file}: not valid TOML: {e}") from None
    try:
        settings = Settings(**data, config_file=file)
    except ValidationError as e:
        raise ConfigError(_describe(file, e)) from None
    settings = _resolve_paths(settings, file.parent)
    _check_confined(settings, file)
    return settings


def _describe(file: Path, error: ValidationError) -> str:
    lines = [f"{file}: invalid config"]
    for err in error.errors():
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"  {key or '(top level)'}: {message}")
    return "\n".join(lines)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def resolve(p: Path) -> Path:
        return p if p.is_absolute() else (base / p).resolve()

    sources = [s.model_copy(update={"path": resolve(s.path)}) if s.path else s for s in settings.sources]
    given = settings.fetch.local_roots
    roots = [resolve(r.expanduser()) for r in given] if given is not None else [base.resolve()]
    return settings.model_copy(update={"database": resolve(settings.database.expanduser()), "sources": sources,
                                       "storage": settings.storage.with_paths_resolved(base),
                                       "fetch": settings.fetch.model_copy(update={"local_roots": roots})})


def _check_confined(settings: Settings, file: Path) -> None:
    """Every local source's path (symbolic links followed) lies under one of `[fetch] local_roots`: a
    config cannot make a poll copy /etc/passwd into the database and its published snapshot."""
    roots = settings.fetch.local_roots or []
    for i, source in enumerate(settings.sources):
        if source.path is not None and not is_under(source.path, roots):
            where = ", ".join(str(r) for r in roots)
            raise ConfigError(f"{file}: invalid config\n  sources[{i}].path: {source.path} lies outside the local "
                              f"roots ({where}); list its folder in [fetch] local_roots to allow it")


def is_under(path: Path, roots: list[Path]) -> bool:
    """Whether `path`, with every symbolic link followed, is one of `roots` or inside one."""
    real = path.resolve()
    return any(real.is_relative_to(root.resolve()) for root in roots)
