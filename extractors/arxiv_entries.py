"""arXiv entries as records: the paper's metadata, and the code links and metrics its text gives.

Runs in the arXiv flows on each entry fetched (an `arxiv.Result`, the package's parsed Atom entry).
Pure: no network, no database, no clock. The id comes from the entry's `http://arxiv.org/abs/IDvN`
through the same parser newsletter links use, so both agree on what a paper's key is. arXiv's
comments field often gives the code as a bare `github.com/owner/repo` without a scheme, so
scheme-less links on code hosts count too. Metrics come from the abstract only.
"""

from __future__ import annotations

import re

import arxiv

from extractors.links import find_arxiv_in_url, find_code_link
from extractors.metrics import extract_metrics
from records.arxiv import ArxivEntry, ArxivPaper
from records.documents import CodeLink

_URL = re.compile(
    r"(?:https?://|(?<![\w./-])(?=(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org|huggingface\.co)/))"
    r"[^\s<>\"'{}|\\^`]+",
    re.I,
)
_TRAILING = ".,;:!?)]}'\""


def parse_result(result: arxiv.Result) -> ArxivPaper | None:
    """The paper an entry describes; None when its id is not an arXiv abstract URL (an error entry)."""
    ref = find_arxiv_in_url(result.entry_id)
    if ref is None:
        return None
    categories = [result.primary_category] if result.primary_category else []
    categories += [c for c in result.categories if c not in categories]
    return ArxivPaper(
        arxiv_id=ref.arxiv_id, version=ref.version or 1, title=" ".join(result.title.split()),
        authors=tuple(a.name for a in result.authors), abstract=" ".join(result.summary.split()),
        primary_category=result.primary_category, categories=tuple(categories),
        published=result.published, updated=result.updated, doi=result.doi or None,
        journal_ref=result.journal_ref or None,
        comments=" ".join(result.comment.split()) if result.comment else None, pdf_url=result.pdf_url,
    )


def extract_entry(result: arxiv.Result) -> ArxivEntry | None:
    paper = parse_result(result)
    if paper is None:
        return None
    return ArxivEntry(paper, tuple(find_code_links(paper.abstract, paper.comments)),
                      tuple(extract_metrics(paper.abstract)))


def find_code_links(*texts: str | None) -> list[CodeLink]:
    """Repositories linked in the texts, normalised, first mention first, each once."""
    found: dict[str, CodeLink] = {}
    for text in texts:
        for m in _URL.finditer(text or ""):
            url = m.group(0).rstrip(_TRAILING)
            link = find_code_link(url if "://" in url else "https://" + url)
            if link and link.url not in found:
                found[link.url] = link
    return list(found.values())
