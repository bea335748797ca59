"""extract_metrics on the labelled dev corpus, read in place: each labelled paper's section is cut out of its
fixture crudely (the block of the raw document that carries the paper's arXiv id, tags stripped), so this
checks the metric rules alone, whatever the item splitter does."""

from __future__ import annotations

import email
import html
import importlib.util
import json
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType

from extractors.metrics import extract_metrics
from tests.corpus import corpus_dir

# Sections end at a rule, a heading or, in a plain-text email, the next "* " bullet.
_SECTION_BREAK = re.compile(r"<hr\s*/?>|(?=<h[1-6][\s>])|\n(?=\* )")


def _scorer(corpus: Path) -> ModuleType:
    """The corpus's own score.py, so that a metric counts as found exactly when the scorer says so."""
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw(fixture: Path) -> str:
    if fixture.suffix != ".eml":
        return fixture.read_text(encoding="utf-8")
    message = email.message_from_bytes(fixture.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def _section(raw: str, paper: str) -> str:
    block = next(b for b in _SECTION_BREAK.split(raw) if paper in b)
    text = html.unescape(re.sub(r"<[^>]+>", " ", block))
    return " ".join(text.split())


def test_labelled_metrics_are_found_in_their_sections():
    corpus = corpus_dir()
    scorer = _scorer(corpus)
    labels = json.loads((corpus / "dev" / "labels.json").read_text(encoding="utf-8"))
    wanted = found = extracted = legit = 0
    missed = []
    for name, expected in labels.items():
        if name.startswith("_"):
            continue
        raw = _raw(corpus / "dev" / name)
        for item in expected["items"]:
            metrics = extract_metrics(_section(raw, item["paper"]))
            got = [{"name": m.name, "value": m.value, "unit": m.unit} for m in metrics]
            for label in item["metrics"]:
                wanted += 1
                if any(scorer.metric_matches(label, g) for g in got):
                    found += 1
                else:
                    missed.append((item["paper"], label))
            allowed = item["metrics"] + item.get("optional_metrics", [])
            for g in scorer.distinct_metrics(got):
                extracted += 1
                legit += any(scorer.metric_matches(label, g) for label in allowed)
    assert wanted and found / wanted >= 0.8, missed
    assert extracted and legit / extracted >= 0.7
