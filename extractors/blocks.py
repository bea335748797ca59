"""Blocks: the flat, paragraph-level form of a document body that item splitting works on.

`html_blocks` (extractors/html_blocks.py) and `text_blocks` (extractors/text_blocks.py) read a body into
blocks; `extract_items` groups them into stories. This module owns the block record and the text rules
both readers share: section labels, rules, URLs in text, and when a line is only links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from extractors.links import find_arxiv_in_text, find_arxiv_in_url


@dataclass(frozen=True)
class Anchor:
    """A link as it appears in a block: where it points, its text, and the line it sits on."""

    href: str
    text: str = ""
    before: str = ""  # text on the same line before the link ("Read more:", "[Code]")
    link_line: bool = False  # the line is little more than links ("(paper/code)", "[Paper] [Code]")


@dataclass(eq=False)  # blocks are compared by identity: two "Read more" paragraphs are not one
class Block:
    """A paragraph-level piece of a document. `kind`: "heading", "sep", "para" or "li"."""

    kind: str
    text: str = ""
    anchors: list[Anchor] = field(default_factory=list)
    lead: str | None = None  # the title a paragraph or list item opens with (bold run, first line)
    body: str = ""  # `text` without `lead`
    level: int = 0  # 1-6 for <h1>-<h6>; 0 for headings recognised otherwise (bold paragraphs, text)
    rows: list[list[str]] | None = None  # a results table's cell texts, row by row (html_blocks)

    @cached_property
    def paper_ids(self) -> list[str]:
        ids = [p.arxiv_id for p in map(find_arxiv_in_url, (a.href for a in self.anchors)) if p]
        ids += [p.arxiv_id for p in find_arxiv_in_text(self.text)]
        return list(dict.fromkeys(ids))


# Section labels inside a story: bold or headed like a title, but never the start of a new story.
LABEL = re.compile(
    r"^\W*(?:why (?:this|it) matters|read more|read it|read the paper|code|links?|resources?|tl;?\s?dr"
    r"|results?|takeaways?|key (?:points|findings|results|takeaways)|what['’]?s new|how it works|(?:the )?bottom line"
    r"|(?:our|my) take|notes?|update|bonus|also|p\.?s\.?|behind the news|yes,? but|we['’]?re thinking|background"
    r"|context|method|approach|findings|limitations|verdict|papers?|arxiv|pdf|blog(?: post)?|project(?: page)?"
    r"|website|github|demo|weights|models?|datasets?|authors?|affiliations?|venue|published|date)\W*$",
    re.I,
)
RULE = re.compile(r"^\s*(?:([-=_*~#•·—–◆◇❖✦★☆])(?:\s*\1){2,}|[⁂❧§])\s*$")  # "***", "- - -", "⁂"
SPACE = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")
URL = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)|<?(https?://[^\s<>\"'\]]+|www\.[^\s<>\"'\]]+)", re.I)


def norm(text: str) -> str:
    """`text` with its runs of whitespace made one space, stripped (`str.split` splits where `\\s` matches)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # its only whitespace is single spaces inside it (every other space is not printable)
    return " ".join(text.split())


def strip_urls(text: str) -> str:
    lower = text.lower()  # every URL holds "http" or "www" (no other letter matches these case-blind)
    if "http" in lower or "www" in lower:
        text = URL.sub(_url_text, text)
    if "(" in text or "[" in text or "<" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)
    return norm(text)


def _url_text(m: re.Match[str]) -> str:
    """What is left of a URL in text: a markdown link's text; else nothing, but the ")" of a URL written
    in parentheses, "(https://...)", which the URL pattern takes along."""
    if m.group(1):
        return m.group(1)
    url = m.group(3) or ""
    closing = len(url) - len(url.rstrip(")"))
    return ")" * max(0, closing - url.count("("))


def is_link_line(line: str, anchor_texts: list[str]) -> bool:
    """The line is little more than its links: at most 30 letters once link texts and URLs are gone."""
    rest = line
    for t in sorted(anchor_texts, key=len, reverse=True):
        rest = rest.replace(t, " ") if t else rest
    return sum(map(str.isalpha, strip_urls(rest))) <= 30
