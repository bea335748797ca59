"""radar.example.toml documents every key of the config: each field of every settings model (the
Settings object and everything nested in it) appears in it, set or commented out, in a section of
its own kind; and the file, as shipped, loads."""

from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

from pydantic import BaseModel

from config.settings import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "radar.example.toml"
#: Not a key of the file: where the settings were loaded from.
NOT_KEYS = {(Settings, "config_file")}
#: A commented-out key (`# user_agent = "..."`) or section header, as the example writes them.
_COMMENTED = re.compile(r"^# ?((?:\[\[?[\w.]+\]\]?|[A-Za-z_]+ = ).*)$")


def key_of(model: type[BaseModel], name: str) -> str:
    field = model.model_fields[name]
    return field.alias or name


def models_in(annotation: object) -> list[type[BaseModel]]:
    """The settings models an annotation holds (`FetchSettings`, `list[SourceConfig]`, `SecretRef | None`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in models_in(arg)]


def keys_seen(model: type[BaseModel], data: object, seen: dict[type[BaseModel], set[str]]) -> None:
    """Every key the example gives each model, walking the parsed file along the models."""
    tables = data if isinstance(data, list) else [data]
    for table in tables:
        if not isinstance(table, dict):
            continue
        seen.setdefault(model, set()).update(table)
        for name, field in model.model_fields.items():
            for inner in models_in(field.annotation):
                if key_of(model, name) in table:
                    keys_seen(inner, table[key_of(model, name)], seen)


def every_model(model: type[BaseModel], found: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found.add(model)
    for field in model.model_fields.values():
        for inner in models_in(field.annotation):
            if inner not in found:
                every_model(inner, found)
    return found


def test_every_settings_field_appears_in_radar_example_toml():
    text = "\n".join(m.group(1) if (m := _COMMENTED.match(line)) else line
                     for line in EXAMPLE.read_text(encoding="utf-8").splitlines())
    seen: dict[type[BaseModel], set[str]] = {}
    keys_seen(Settings, tomllib.loads(text), seen)
    missing = sorted(f"{model.__name__}.{key_of(model, name)}" for model in every_model(Settings, set())
                     for name in model.model_fields
                     if (model, name) not in NOT_KEYS and key_of(model, name) not in seen.get(model, set()))
    assert not missing, f"radar.example.toml does not document: {', '.join(missing)}"


def test_the_example_as_shipped_loads_with_arxiv_enrichment_on():
    settings = load_settings(EXAMPLE)
    assert settings.arxiv.enrich is True and [q.name for q in settings.arxiv.queries] == ["diffusion-lm", "agents"]
    assert (settings.arxiv.api_url, settings.arxiv.delay_seconds) == ("https://export.arxiv.org/api/query", 3)
