"""How fast the extractor is next to the cheapest reading of the same HTML.

Runs by hand (`.venv/bin/python -m benchmarks.extract_speed [REPEAT]`, REPEAT 100 by default), which gives
the ratio the notes report, and with a small REPEAT from tests/extractors/test_extract_speed.py, which holds
only a generous regression bound. The documents are those of the labelled dev corpus
(../shared/corpus/dev), parsed once; each repetition times, back to back in one process:

- get_text: `BeautifulSoup(doc.body, "lxml").get_text()` on every document's body (the entry HTML);
- extract: `extract_items(doc)` on the same documents: the HTML parse, block splitting, links, code and
  metrics (prose and tables), everything a stored item needs;
- read: `parse_document_bytes` on the corpus files themselves (feedparser, email, the page's metadata),
  which makes those documents.

All three are summed over the repetitions (interleaved, so that machine noise falls on all alike) and two
ratios are printed: (a) extract alone over get_text, and (b) read + extract, the whole way from the
fetched bytes to items, over get_text. The extractors' memo caches are emptied before each repetition, so
that repeating the same documents does not flatter the extractor.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from extractors import extract_items, parse_document_bytes
from records.documents import Document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


@dataclass(frozen=True)
class Timing:
    repeat: int
    documents: int
    extract: float  # seconds, all repetitions
    get_text: float
    read: float  # parse_document_bytes on the corpus files, all repetitions

    @property
    def ratio(self) -> float:
        """(a): extract_items alone, over get_text."""
        return self.extract / self.get_text

    @property
    def full_ratio(self) -> float:
        """(b): parse_document_bytes + extract_items, over get_text."""
        return (self.read + self.extract) / self.get_text


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in (".xml", ".html", ".eml", ".atom", ".rss", ".txt"))


def measure(repeat: int, corpus: Path = CORPUS) -> Timing:
    files = [(p.read_bytes(), str(p)) for p in corpus_files(corpus)]
    documents = [doc for content, where in files for doc in parse_document_bytes(content, where)]
    _extract(documents)  # warm up: regex compilation, imports
    _get_text(documents)
    extract = get_text = read = 0.0
    for _ in range(repeat):
        _clear_caches()  # each repetition starts cold: the documents repeat, a real batch does not
        get_text += _timed(_get_text, documents)
        extract += _timed(_extract, documents)
        read += _timed(lambda fs: [parse_document_bytes(c, w) for c, w in fs], files)
    return Timing(repeat, len(documents), extract, get_text, read)


def _clear_caches() -> None:
    """Empty the extractors' memo caches (links, model names, sentence subjects)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("extractors."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _timed(run, arg) -> float:
    start = time.perf_counter()
    run(arg)
    return time.perf_counter() - start


def _extract(documents: list[Document]) -> None:
    for doc in documents:
        extract_items(doc)


def _get_text(documents: list[Document]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for doc in documents:
            BeautifulSoup(doc.body, "lxml").get_text()


def main(argv: list[str]) -> None:
    repeat = int(argv[1]) if len(argv) > 1 else 100
    t = measure(repeat)
    print(f"dev corpus x{t.repeat} ({t.documents} documents each time)")
    print(f"BeautifulSoup(html, 'lxml').get_text():              {t.get_text:.3f} s")
    print(f"(a) extract_items (HTML parse + items + metrics):    {t.extract:.3f} s  ratio {t.ratio:.2f}  (bar: <= 2.0)")
    print(f"(b) parse_document_bytes + extract_items:            {t.read + t.extract:.3f} s  ratio {t.full_ratio:.2f}"
          f"  (parse_document_bytes alone: {t.read:.3f} s)")


if __name__ == "__main__":
    main(sys.argv)
