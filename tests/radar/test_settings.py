"""The config file: loading, env overrides, path resolution, and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings

GOOD = """
database = "db/radar.duckdb"
[fetch]
timeout_seconds = 3
[[sources]]
name = "feed-a"
kind = "rss"
url = "http://127.0.0.1:9/feed"
[[sources]]
name = "mail"
kind = "email"
path = "inbox"
"""


def write(tmp_path: Path, text: str, name: str = "radar.toml") -> Path:
    path = tmp_path / "conf" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_relative_paths_resolve_against_the_config_folder(tmp_path, monkeypatch):
    config = write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)  # a working directory other than the config's folder
    settings = load_settings(config)
    assert settings.database == tmp_path / "conf" / "db" / "radar.duckdb"
    assert settings.source("mail").path == tmp_path / "conf" / "inbox"
    assert settings.source("feed-a").kind == "feed"  # "rss" is an alias


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    config = write(tmp_path, GOOD)
    monkeypatch.setenv("RADAR_FETCH__TIMEOUT_SECONDS", "7.5")
    monkeypatch.setenv("RADAR_DATABASE", "/srv/other.duckdb")
    settings = load_settings(config)
    assert settings.fetch.timeout_seconds == 7.5
    assert settings.database == Path("/srv/other.duckdb")


def test_radar_config_env_names_the_file(tmp_path, monkeypatch):
    config = write(tmp_path, GOOD)
    monkeypatch.setenv("RADAR_CONFIG", str(config))
    assert load_settings().config_file == config


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD.replace('kind = "rss"', 'kind = "podcast"'), "sources[0].kind"),
        (GOOD.replace('url = "http://127.0.0.1:9/feed"', 'url = "ftp://x/feed"'), "sources[0].url: must be an http"),
        (GOOD.replace('path = "inbox"', ""), "sources[1]: give exactly one of `url` or `path`"),
        (GOOD.replace("timeout_seconds = 3", "timeout_seconds = -1"), "fetch.timeout_seconds"),
        (GOOD.replace("timeout_seconds = 3", "timeout = 3"), "fetch.timeout: unknown key"),
        (GOOD.replace('name = "mail"', 'name = "feed-a"'), "is used by another source"),
        (GOOD.replace('name = "mail"', 'name = "bad name!"'), "sources[1].name"),
        ("database = [", "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, expected):
    config = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert str(config) in str(info.value)
    assert expected in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_shipped_configs_load():
    root = Path(__file__).resolve().parents[2]
    demo = load_settings(root / "radar.toml")
    assert {s.kind for s in demo.sources} == {"feed", "page", "email"}
    assert all(s.path is not None and s.path.exists() for s in demo.sources)
    example = load_settings(root / "radar.example.toml")
    assert example.fetch.max_bytes == 10 * 1024 * 1024


def test_the_default_store_is_the_embedded_file_and_a_storage_section_names_a_lake(tmp_path, monkeypatch):
    assert load_settings(write(tmp_path, GOOD)).store == tmp_path / "conf" / "db" / "radar.duckdb"
    lake = load_settings(write(tmp_path, GOOD.replace('database = "db/radar.duckdb"', (
        'database = "db/radar.duckdb"\n'
        'storage = {backend = "ducklake", catalog = "postgresql://radar@127.0.0.1:5432/radar", data_path = "lake"}'))))
    assert lake.store.catalog_kind == "postgres" and lake.store.data_path == f"{tmp_path / 'conf' / 'lake'}/"
    sqlite = load_settings(write(tmp_path, GOOD + '[storage]\nbackend = "ducklake"\ncatalog = "sqlite:meta.sqlite"\n'
                                               'data_path = "/srv/lake/"\n'))
    assert sqlite.store.catalog_target == str(tmp_path / "conf" / "meta.sqlite")
    monkeypatch.setenv("RADAR_STORAGE__BACKEND", "ducklake")
    monkeypatch.setenv("RADAR_STORAGE__CATALOG", "dbname=radar host=127.0.0.1")
    monkeypatch.setenv("RADAR_STORAGE__DATA_PATH", "/srv/lake")
    from_env = load_settings(write(tmp_path, GOOD)).store
    assert (from_env.catalog_kind, from_env.catalog_target, from_env.data_path) == (
        "postgres", "dbname=radar host=127.0.0.1", "/srv/lake/")


@pytest.mark.parametrize("storage, message", [
    ('backend = "ducklake"', "storage: Value error, a DuckLake needs `catalog`"),
    ('backend = "ducklake"\ncatalog = "postgresql://radar@db/radar"', "a DuckLake needs `data_path`"),
    ('backend = "ducklake"\ncatalog = "postgresql://radar:Secret-123@db/radar"\ndata_path = "x"',
     "must not hold a password"),
    ('backend = "ducklake"\ncatalog = "dbname=radar password=Secret-123"\ndata_path = "x"', "must not hold a password"),
    ('backend = "ducklake"\ncatalog = "radar-db"\ndata_path = "x"', "expected a PostgreSQL connection string"),
    ('backend = "ducklake"\ncatalog = "sqlite:x.sqlite"\ndata_path = "s3://bucket/radar/"', "not supported yet"),
    ('backend = "lake"', "storage.backend: Input should be 'duckdb' or 'ducklake'"),
])
def test_a_bad_storage_section_names_the_key_and_never_echoes_a_password(tmp_path, storage, message):
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, GOOD + "[storage]\n" + storage + "\n"))
    assert message.removeprefix("storage: Value error, ") in str(info.value) and "Secret-123" not in str(info.value)
