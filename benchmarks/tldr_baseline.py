"""The extractive TL;DR next to the two obvious alternatives, judged by issue 15's bar.

Runs by hand from the repository root: `.venv/bin/python -m benchmarks.tldr_baseline`. It reads the
bundled demo and the tuning part of the team's layouts corpus (tests/extractors/layouts: the open part and
round1/; never the sealed part), and for every paper with a blurb writes three TL;DRs from the same texts
(the blurbs, then the arXiv abstract):

- ours: alerts/paper_summary.py's `ExtractiveSummariser`;
- lead-2: the blurb's first two whole sentences within 400 characters (what alerts showed before issue 15);
- LexRank: sumy's `LexRankSummarizer` choosing two sentences, shown in text order within 400 characters.
  Only when sumy and numpy are importable: they are no dependency of Paper Radar (sumy's own sentence and
  word tokenizers need NLTK data fetched from the network, and konlpy with Java for Korean), so it gets
  our sentence splitter and a regex word tokenizer. Install them beside the project to measure it, for
  example `pip install --target /tmp/sumy-pkgs sumy numpy` and `PYTHONPATH=/tmp/sumy-pkgs`.

Each TL;DR is checked as tests/alerts/summary_checks.py checks delivered alerts (whole sentences, at most
400 characters, a named result when a text states one). Printed: papers, papers that fail the bar, and
papers whose TL;DR states a named result, per summariser.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from alerts.paper_summary import TLDR_CHARS, ExtractiveSummariser, summary_inputs
from alerts.sentences import is_sentence, split_sentences
from records.facts import PaperFacts
from storage.db import open_db
from storage.ledger import load_paper_facts
from tests.alerts.conftest import save_files
from tests.alerts.summary_checks import has_result_sentence, sources, states_result, whole_pieces
from tests.demo import save_demo

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "tests" / "extractors" / "layouts"


def whole_sentences(paper: PaperFacts) -> list[str]:
    """The texts' sentences a TL;DR may take, blurbs first, each once."""
    inputs = summary_inputs(paper)
    found: list[str] = []
    for text in [*inputs.blurbs, *([inputs.abstract] if inputs.abstract else [])]:
        found += [s.text for s in split_sentences(text) if is_sentence(s, TLDR_CHARS) and s.text not in found]
    return found


def within_limit(chosen: list[str]) -> str:
    out = chosen[:1]
    if len(chosen) > 1 and len(" ".join(chosen[:2])) <= TLDR_CHARS:
        out = chosen[:2]
    return " ".join(out)


def lead_two(paper: PaperFacts) -> str:
    inputs = summary_inputs(paper)
    blurb = [s.text for s in split_sentences(inputs.blurbs[0]) if is_sentence(s, TLDR_CHARS)] if inputs.blurbs else []
    return within_limit(blurb)


def make_lexrank() -> Callable[[PaperFacts], str] | None:
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
        from sumy.summarizers.lex_rank import LexRankSummarizer
    except ImportError:
        return None

    class Words:  # sumy's Tokenizer needs NLTK's punkt data (a download) or, for Korean, konlpy and Java
        @staticmethod
        def to_words(sentence: str) -> list[str]:
            return re.findall(r"\w+", sentence.casefold())

    summarizer = LexRankSummarizer()

    def lexrank(paper: PaperFacts) -> str:
        sentences = whole_sentences(paper)
        if len(sentences) <= 2:
            return within_limit(sentences)
        document = ObjectDocumentModel([Paragraph([Sentence(s, Words()) for s in sentences])])
        picked = {str(s) for s in summarizer(document, 2)}
        return within_limit([s for s in sentences if s in picked])

    return lexrank


def corpus_papers(folder: Path) -> list[PaperFacts]:
    files = sorted(f for f in LAYOUTS.rglob("*") if f.suffix in (".xml", ".html", ".eml", ".atom")
                   and not any(p.startswith("sealed") for p in f.relative_to(LAYOUTS).parts))
    db = save_files(folder / "layouts.duckdb", *files)
    demo = save_demo(folder / "demo.duckdb")
    papers = []
    for path in (demo, db):
        with open_db(path, read_only=True) as conn:
            papers += [p for p in load_paper_facts(conn) if p.primary_mentions]
    return papers


def main() -> None:
    summarisers: dict[str, Callable[[PaperFacts], str]] = {"ours": ExtractiveSummariser().tldr, "lead-2": lead_two}
    lexrank = make_lexrank()
    if lexrank is not None:
        summarisers["LexRank (sumy)"] = lexrank
    else:
        print("sumy and numpy are not importable: LexRank is left out (see the module docstring)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        papers = corpus_papers(Path(folder))
    with_result = [p for p in papers if has_result_sentence(p)]
    print(f"{len(papers)} papers with a blurb; {len(with_result)} with a sentence stating a named result")
    for name, tldr in summarisers.items():
        written = [(p, tldr(p)) for p in papers]  # a paper of the demo may be in the corpus too: not keyed by id
        results = sum(states_result(t, p) for p, t in written if p in with_result)
        failing = sum(bool(t) and whole_pieces(t, sources(p)) is None or has_result_sentence(p)
                      and not states_result(t, p) for p, t in written)
        print(f"{name:16} fails the bar: {failing:3}   states the named result: {results:3} of {len(with_result)}"
              f"   empty: {sum(not t for _, t in written)}")


if __name__ == "__main__":
    main()
