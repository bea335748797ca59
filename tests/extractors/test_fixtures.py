"""Every file in fixtures/ run through `parse_document_bytes` and `extract_items`, checked against the
expectation in its sibling `<name>.expected.json` (its `_case` says what the file is there for): per item its
papers, code and title, optionally its roles and numbers it must carry (`metrics_include`), and numbers that
no item may carry (`values_never`: counters, prices, another paper's results)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import ExtractError, ParseError, extract_items, parse_document_bytes
from extractors.records import Document, Item

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.iterdir() if not p.name.endswith(".expected.json"))


def _expected(fixture: Path) -> dict:
    return json.loads(fixture.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    assert CASES, "no fixtures found"
    for fixture in CASES:
        assert fixture.with_suffix(".expected.json").exists(), fixture.name


@pytest.mark.parametrize("fixture", CASES, ids=lambda p: p.name)
def test_fixture(fixture: Path) -> None:
    expected = _expected(fixture)
    if "error" in expected:
        with pytest.raises(ParseError) as caught:
            parse_document_bytes(fixture.read_bytes(), str(fixture), source="test")
        assert isinstance(caught.value, ExtractError)
        for fragment in expected["message_contains"]:
            assert fragment in str(caught.value)
        return
    docs = parse_document_bytes(fixture.read_bytes(), str(fixture), source="test")
    assert [d.title for d in docs] == [d["title"] for d in expected["documents"]]
    for doc, want in zip(docs, expected["documents"], strict=True):
        _check_document(doc, want)
        items = extract_items(doc)
        assert [i.position for i in items] == list(range(len(items)))
        assert [_summary(i) for i in items] == [_wanted(w) for w in want["items"]]
        for item, want_item in zip(items, want["items"], strict=True):
            assert want_item["title_contains"] in item.title
            assert all(i.document_key == doc.key for i in items)
            if "roles" in want_item:
                assert [p.role for p in item.papers] == want_item["roles"]
            got = {(m.value, m.unit) for m in item.metrics}
            for value, unit in want_item.get("metrics_include", []):
                assert (value, unit) in got, f"{item.title}: no {value} {unit} in {sorted(got)}"
        never = {m.value for item in items for m in item.metrics} & set(expected.get("values_never", []))
        assert not never, f"chrome or another paper's numbers came out as metrics: {sorted(never)}"
        for link in (link for item in items for link in item.links):
            for fragment in expected.get("links_must_not_contain", []):
                assert fragment not in link, f"{fragment!r} survived in {link}"


def _check_document(doc: Document, want: dict) -> None:
    assert doc.source == "test"
    assert doc.key == want["key"]
    assert doc.body_type == want.get("body_type", doc.body_type)
    if "published" in want:
        assert doc.published is not None and doc.published.isoformat() == want["published"]
    if "author" in want:
        assert doc.author == want["author"]
    if "body_contains" in want:
        assert want["body_contains"] in doc.body


def _summary(item: Item) -> tuple[list[str], set[str]]:
    return [p.arxiv_id for p in item.papers], {c.url for c in item.code}


def _wanted(want: dict) -> tuple[list[str], set[str]]:
    return want["papers"], set(want["code"])
