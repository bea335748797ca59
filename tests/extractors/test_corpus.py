"""The shared dev corpus (../shared/corpus/dev), read in place: per fixture, exactly the labelled papers
and code repositories, and every labelled title on the item that has the paper as its subject."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractors import extract_items, parse_document_bytes
from extractors.records import Item

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dev"


def _labels() -> dict[str, dict]:
    path = CORPUS / "labels.json"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"dev corpus not found at {CORPUS}")
        pytest.skip(f"dev corpus not found at {CORPUS} (it lives outside the repo)")
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def _fixture_names() -> list[str]:
    path = CORPUS / "labels.json"
    if not path.exists():
        return ["<corpus missing>"]
    return sorted(k for k in json.loads(path.read_text(encoding="utf-8")) if not k.startswith("_"))


def _items(name: str) -> list[Item]:
    fixture = CORPUS / name
    docs = parse_document_bytes(fixture.read_bytes(), str(fixture), source="dev-corpus")
    return [item for doc in docs for item in extract_items(doc)]


@pytest.mark.parametrize("name", _fixture_names())
def test_papers_and_code(name: str) -> None:
    labels = _labels()[name]
    items = _items(name)
    expected = {i["paper"] for i in labels["items"]}
    found = {p.arxiv_id for item in items for p in item.papers}
    assert expected <= found, f"missed {expected - found}"
    assert found <= expected | set(labels.get("also_allowed_papers", [])), f"extra {found - expected}"
    want_code = {c for i in labels["items"] for c in i.get("code", [])}
    assert {c.url for item in items for c in item.code} == want_code


@pytest.mark.parametrize("name", _fixture_names())
def test_titles_and_code_per_item(name: str) -> None:
    labels = _labels()[name]
    by_primary = {item.papers[0].arxiv_id: item for item in _items(name)}
    for label in labels["items"]:
        item = by_primary.get(label["paper"])
        assert item is not None, f"{label['paper']} is not the subject of any item"
        assert label["title_contains"] in item.title
        assert {c.url for c in item.code} == set(label.get("code", []))
