"""The README's "What gets extracted" examples are what the extractor produces, as written."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest

from extractors.metrics import extract_metrics

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## What gets extracted", 1)[1].split("\n## ", 1)[0]
EXAMPLES = re.findall(r"^> ([^\n]+)\n\n```json\n(.*?)```", SECTION, flags=re.M | re.S)


def test_readme_has_an_english_and_a_korean_example():
    assert len(EXAMPLES) == 2 and re.search("[가-힣]", EXAMPLES[1][0])


@pytest.mark.parametrize(("sentence", "records"), EXAMPLES, ids=["en", "ko"])
def test_readme_example_is_the_extractors_output(sentence: str, records: str):
    expected = [json.loads(line) for line in records.splitlines() if line.strip()]
    got = [{k: v for k, v in asdict(m).items() if k != "text"} for m in extract_metrics(sentence)]
    assert got == expected
