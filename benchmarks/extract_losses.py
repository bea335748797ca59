"""Where labelled numbers are lost between a document and its paper items, as classes of loss.

Runs by hand on training sets only (`.venv/bin/python -m benchmarks.extract_losses [-v] [LABELS.json ...]`;
by default the dev corpus, tests/extractors/blind, and the layouts open and round-1 sets). It is a diagnostic,
not shipped logic: it reads the extractor's private stages to see where each number went. It refuses any
labels file under a sealed folder (tests/extractors/layouts/sealed*): sealed sets are never looked into.

For every required metric of every labelled paper, the number is followed through the stages and given the
first class that holds:

- ok: in the item the scorer judges for its paper;
- misnamed: that item has the value and unit, under another name;
- wrong paper: another paper's item has it;
- unattributed: the reader finds it in the story of its paper, but attribution gave it to no paper (or a
  label's or a table's blurb kept it out of the item's text);
- paperless story: the reader finds it in a story that became no item (a news item, a story whose paper
  went unseen);
- boundary: in a block dropped as a sponsor block or a footer;
- chrome: the reader finds it in the document's whole text, but no block holds it (page chrome, a stripped
  card or footnote, the email part not chosen);
- context: a block holds its words, and the reader finds it there read alone, not in the item's text (a
  sentence joined differently), or only in the whole text;
- not read: the reader does not find it anywhere, not even in the whole text (a metric reader gap);
- paper missed: no item carries its paper at all.

The whole text is the body's text with a line break at every block element (HTML) or each paragraph on a
line (plain text), read by the metric reader in one go. Prints one line per fixture with its losses, then the
totals by class (with `-v`, every lost number and the class it fell into).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from extractors import extract_items, items, parse_document_bytes
from extractors.html_blocks import html_blocks, parse_tree
from extractors.metrics import extract_metrics
from extractors.text_blocks import text_blocks
from records.documents import Document, Item, Metric

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TRAINING = [
    CORPUS / "dev" / "labels.json",
    ROOT / "tests" / "extractors" / "blind" / "labels.json",
    ROOT / "tests" / "extractors" / "layouts" / "labels.json",
    ROOT / "tests" / "extractors" / "layouts" / "round1" / "labels.json",
]
CLASSES = ("ok", "misnamed", "wrong paper", "unattributed", "paperless story", "boundary", "chrome", "context",
           "not read", "paper missed")
_BREAKING = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
})
_SKIPPED = frozenset({"script", "style", "head", "template", "noscript", "svg"})


def _scorer():
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = _scorer()


@dataclass
class Where:
    """What the stages made of one document: its final items, and the metrics read at each stage."""

    items: list[Item]
    whole: list[Metric]  # the reader on the whole text
    blocks: list[tuple[str, list[Metric]]] = field(default_factory=list)  # (block text, its metrics read alone)
    boundary: list[Metric] = field(default_factory=list)  # in blocks of dropped sponsor and footer runs
    paperless: list[Metric] = field(default_factory=list)  # in units that made no item
    stories: dict[str, list[Metric]] = field(default_factory=dict)  # by paper: read in the units of its items


def whole_text(doc: Document) -> str:
    if doc.body_type == "text":
        paragraphs = doc.body.replace("\r\n", "\n").split("\n\n")
        return "\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    root = parse_tree(doc.body)
    if root is None:
        return ""
    parts: list[str] = []

    def visit(el) -> None:
        name = el.tag if isinstance(el.tag, str) else None
        if name is None or name in _SKIPPED:
            return
        if name in _BREAKING:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            visit(child)
            parts.append(child.tail or "")
        if name in _BREAKING:
            parts.append("\n")

    visit(root)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip())


def trace(doc: Document) -> Where:
    where = Where(extract_items(doc), extract_metrics(whole_text(doc)))
    blocks = text_blocks(doc.body) if doc.body_type == "text" else html_blocks(doc.body, doc.url)
    items._mark_labels(blocks)
    segments = items._segments(blocks)
    kept = {id(b) for s in segments for b in ([s.head] if s.head else []) + s.body}
    for block in blocks:
        text = block.text if block.rows is None else " ".join(" ".join(r) for r in block.rows)
        read = extract_metrics(text)
        where.blocks.append((text, read))
        if id(block) not in kept:
            where.boundary += read
    for story in items._stories(segments):
        for unit in items._units(story):
            made = items._items(unit, doc)
            text = " ".join(items._blurb(b) or b.text for b in unit.blocks)
            tables = [m for b in unit.blocks if b.rows for m in items.table_metrics(b.rows, b.caption)]
            read = extract_metrics(text) + tables
            if not made:
                where.paperless += read
            for item in made:
                for ref in item.papers:
                    where.stories.setdefault(ref.arxiv_id, []).extend(read)
    return where


def _has(metrics: list[Metric] | list[dict], label: dict, named: bool = True) -> bool:
    want = label if named else {**label, "name": None}
    return any(SCORE.metric_matches(want, m if isinstance(m, dict) else vars(m)) for m in metrics)


def _judged(paper: str, label_item: dict, got: list[Item]) -> Item | None:
    cands = [i for i in got if any(SCORE.norm_paper(p.arxiv_id) == paper for p in i.papers)]
    rendered = [(i, {"code": [c.url for c in i.code], "metrics": [vars(m) for m in i.metrics]}) for i in cands]
    return max(rendered, key=lambda r: SCORE.support(label_item, r[1]))[0] if rendered else None


def classify(label: dict, paper: str, label_item: dict, where: list[Where]) -> str:
    got = [i for w in where for i in w.items]
    judged = _judged(paper, label_item, got)
    if judged is None:
        return "paper missed"
    if _has(list(judged.metrics), label):
        return "ok"
    if _has(list(judged.metrics), label, named=False):
        return "misnamed"
    if any(_has(list(i.metrics), label) for i in got if i is not judged):
        return "wrong paper"
    if any(_has(w.stories.get(paper, []), label, named=False) for w in where):
        return "unattributed"
    if any(_has(w.paperless, label, named=False) for w in where):
        return "paperless story"
    if any(_has(w.boundary, label, named=False) for w in where):
        return "boundary"
    if any(_has(m, label, named=False) for w in where for _, m in w.blocks):
        return "context"
    if any(_has(w.whole, label, named=False) for w in where):
        return "chrome" if not any(_in_blocks(w, label) for w in where) else "context"
    return "not read"


def _in_blocks(where: Where, label: dict) -> bool:
    """A metric the whole text reads has its snippet's number in some block's text."""
    for m in where.whole:
        if SCORE.metric_matches({**label, "name": None}, vars(m)):
            core = m.text.strip(" .…")[:40]
            return any(core and core in text for text, _ in where.blocks)
    return False


def load_labels(path: Path) -> dict[Path, dict]:
    """Labels by fixture: a scorer's labels.json, or a folder of `<name>.expected.json` fixture expectations
    (tests/extractors/fixtures: their `metrics_include` are the required metrics, unnamed)."""
    if any(part.startswith("sealed") for part in path.resolve().parts):
        raise SystemExit(f"{path}: a sealed set is never traced")
    if path.is_file():
        labels = json.loads(path.read_text(encoding="utf-8"))
        return {path.parent / name: want for name, want in labels.items() if not name.startswith("_")}
    found = {}
    for expected in sorted(path.glob("*.expected.json")):
        want = json.loads(expected.read_text(encoding="utf-8"))
        fixture = next((p for p in path.glob(expected.name.removesuffix(".expected.json") + ".*")
                        if not p.name.endswith(".expected.json")), None)
        items = [{"paper": i["papers"][0], "title_contains": i["title_contains"], "code": i["code"],
                  "metrics": [{"value": v, "unit": u, "name": None} for v, u in i.get("metrics_include", [])]}
                 for doc in want.get("documents", []) for i in doc["items"] if i["papers"]]
        if fixture is not None and items:
            found[fixture] = {"items": items}
    return found


def run(labels_path: Path, verbose: bool) -> Counter:
    total: Counter = Counter()
    for fixture, expected in load_labels(labels_path).items():
        name = fixture.name
        docs = parse_document_bytes(fixture.read_bytes(), str(fixture))
        where = [trace(d) for d in docs]
        found: Counter = Counter()
        lost = []
        for item in expected["items"]:
            paper = SCORE.norm_paper(item["paper"])
            for label in item.get("metrics", []):
                cls = classify(label, paper, item, where)
                found[cls] += 1
                if cls != "ok":
                    lost.append(f"      {cls}: {paper} {label}")
        total += found
        losses = ", ".join(f"{k} {found[k]}" for k in CLASSES if k != "ok" and found[k])
        print(f"  {name}: ok {found['ok']}/{sum(found.values())}" + (f"; lost: {losses}" if losses else ""))
        if verbose and lost:
            print("\n".join(lost))
    return total


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    paths = [Path(a) for a in argv[1:] if a != "-v"] or TRAINING
    grand: Counter = Counter()
    for path in paths:
        print(path)
        total = run(path, verbose)
        grand += total
        print("  " + ", ".join(f"{k} {total[k]}" for k in CLASSES if total[k]))
    print("TOTAL " + ", ".join(f"{k} {grand[k]}" for k in CLASSES if grand[k]))


if __name__ == "__main__":
    main(sys.argv)
