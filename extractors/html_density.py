"""Which part of a page is its main text, told by what the parts hold rather than by what they are named.

Runs inside `html_blocks` (extractors/html_blocks.py), after the name-based chrome rules (html_chrome.sort_out
and the `keep_*` corrections) and before chrome is removed. Those rules decide by class names, tag names and
known attributes, which an unseen layout can defeat both ways: a wrapper named like chrome ("sidebar-layout",
"nav-container", a page-wide <form>) around the article, and chrome named like nothing (a box of related
posts, a tag cloud, a bar of counters, a footer of links). One bottom-up pass over the tree counts, for every
element, the text it holds, the part of it inside links, its links and whether any of them is a paper's or a
repository's (`measure`); two fail-soft corrections read those counts:

- `keep_prose`: a dropped element that holds most of the page's prose (text outside links) goes back.
  Chrome is a small part of a page; the part that holds most of what is written is the content.
- `link_farms`: an element the rules kept, most of whose text is link text, with several links and none to
  a paper or a repository, and which holds a small part of the page: chrome the rules missed.

Each correction acts only where names and counts disagree; where they agree nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from extractors.blocks import norm, text_urls
from extractors.links import find_arxiv_in_text, find_arxiv_in_url, find_code_link

# What a page's reader never sees as text: its content counts toward nothing.
_MUTE_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "object", "video",
                        "audio", "canvas", "button", "input", "select", "textarea", "title", "meta"})
_PAGE_TAGS = frozenset({"html", "body"})
# Containers that may be a box of links; an inline element (a link, a <span>) is part of a line, not a box.
_BOX_TAGS = frozenset({"div", "ul", "ol", "section", "nav", "aside", "footer", "header", "table", "tbody", "p",
                       "dl", "menu", "center"})
_MIN_PROSE = 280  # characters of text outside links: a paragraph or two; less is not "most of a page"
_FARM_LINKS = 3  # a box of links holds at least this many
_FARM_LINKED = 0.75  # share of a box's text inside its links
_TITLE_PARTS = re.compile(r"\s+[|·•:—–-]\s+")  # "Post title | Site", "Post : subreddit"
_MIN_TITLE = 12  # characters: shorter parts ("Home", "Blog") name a site, not a post
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(frozen=True)
class Density:
    """Per element of a page (by `id` of its proxy, which the caller keeps alive): characters of text held,
    characters inside links, links, and whether a paper or a repository is linked; the page's own totals."""
    index: dict[int, int]
    chars: list[int]
    linked: list[int]
    links: list[int]
    held: list[bool]  # holds what the extractor reads off links and cells: a paper, a repository, a table
    size: list[int]  # descendants (elements, comments), so that a subtree is index .. index + size
    nodes: list[etree._Element]  # in document order; keeps the proxies (and so their ids) alive
    page: int  # the index of <body> (else of the root)
    title: str  # the longest part of the page's <title> ("Post title | Site"), lower case; "" for none


def measure(root: etree._Element, is_paper: Callable[[str], bool]) -> Density:
    """Count text and links for every element of the tree in one walk down (each text and tail counted once,
    to the element that holds it) and one walk back up (each element's counts added to its parent's)."""
    index: dict[int, int] = {}
    nodes: list[etree._Element] = []
    parent: list[int] = []
    chars: list[int] = []
    links: list[int] = []
    held: list[bool] = []
    mute: list[bool] = []
    code: dict[str, bool] = {}
    anchor: list[bool] = []
    for node in root.iter():
        n = len(nodes)
        index[id(node)] = n
        nodes.append(node)
        p = index.get(id(node.getparent()), -1)
        parent.append(p)
        tail = node.tail
        if tail and p >= 0:
            chars[p] += len(tail.strip())
        tag = node.tag
        style = node.get("style") if tag.__class__ is str else None
        silent = ((p >= 0 and mute[p]) or tag.__class__ is not str or tag in _MUTE_TAGS
                  or (style is not None and _HIDDEN.search(style) is not None) or node.get("aria-hidden") == "true")
        mute.append(silent)
        text = None if silent else node.text
        chars.append(len(text.strip()) if text else 0)  # a muted element's text and tails stay out
        is_link = tag == "a" and not silent
        anchor.append(is_link)
        href = node.get("href") if is_link else None
        links.append(1 if href else 0)
        found = tag == "table" and not silent
        if href:
            found = code.get(href)
            if found is None:
                found = code[href] = is_paper(href) or find_code_link(href) is not None
        held.append(found)
    total = len(nodes)
    linked_chars = [0] * total
    size = [0] * total
    for n in range(total - 1, 0, -1):  # children before their parents; the root has none
        p = parent[n]
        size[p] += size[n] + 1
        if mute[n]:
            continue
        if anchor[n]:
            linked_chars[n] = chars[n]
        chars[p] += chars[n]
        linked_chars[p] += linked_chars[n]
        links[p] += links[n]
        held[p] = held[p] or held[n]
    body = next(root.iter("body"), None)
    page = index[id(body)] if body is not None else 0
    return Density(index, chars, linked_chars, links, held, size, nodes, page, _page_title(root))


def _page_title(root: etree._Element) -> str:
    title = next(root.iter("title"), None)
    parts = _TITLE_PARTS.split(norm(title.text or "")) if title is not None else []
    longest = max(parts, key=len, default="").lower()
    return longest if len(longest) >= _MIN_TITLE else ""


def _prose(d: Density, n: int) -> int:
    return d.chars[n] - d.linked[n]


def keep_prose(dropped: list[etree._Element], d: Density,
               keeps: Callable[[etree._Element], bool]) -> list[etree._Element]:
    """`dropped` without the elements that hold most of the page's prose (and at least `_MIN_PROSE` of it),
    mostly outside links, and that `keeps` allows (not a comment thread, not footnotes): the content inside
    a wrapper named like chrome. The chrome inside such a wrapper is dropped on its own and stays so."""
    page = _prose(d, d.page)
    back = []
    for t in dropped:
        n = d.index.get(id(t))
        if n is None or t.tag in _MUTE_TAGS:
            continue
        prose = _prose(d, n)
        if prose >= _MIN_PROSE and prose * 2 > page and d.linked[n] * 2 < d.chars[n] and keeps(t):
            back.append(id(t))
    if not back:
        return dropped
    gone = set(back)
    return [t for t in dropped if id(t) not in gone]


def link_farms(d: Density, dropped: list[etree._Element]) -> list[etree._Element]:
    """The outermost elements, not dropped already, that are boxes of links (`_BOX_TAGS`): at least
    `_FARM_LINKS` links, `_FARM_LINKED` of their text inside them, no table and no link to a paper or a
    repository (`Density.held`), no paper written out in their text, and less than half of the page's
    text, that does not hold the page's title (a post's header: its title linked to itself, its author, its
    date) or its <h1>. `dropped`: chrome and cards, whose insides are not looked at."""
    gone = {d.index[id(t)] for t in dropped if id(t) in d.index}
    page = d.chars[d.page]
    farms = []
    n, total = 0, len(d.chars)
    nodes = d.nodes
    while n < total:
        node = nodes[n]
        if n in gone:
            n += d.size[n] + 1
            continue
        if (node.tag in _BOX_TAGS and d.links[n] >= _FARM_LINKS and not d.held[n] and d.chars[n] * 2 < page
                and d.linked[n] >= _FARM_LINKED * d.chars[n] and not _holds_more(node, d.title)):
            farms.append(node)
            n += d.size[n] + 1
            continue
        n += 1
    return farms


def _holds_more(node: etree._Element, title: str) -> bool:
    """A box of links that is still the page's: a paper or repository written out in its text (an arXiv id, a
    paper's or a repository's bare address, as a link through the site's own redirect shows it), the page's title
    or its <h1> inside it."""
    text = " ".join(node.itertext())
    if title and title in norm(text).lower() or next(node.iter("h1"), None) is not None:
        return True
    return bool(find_arxiv_in_text(text)) or any(find_arxiv_in_url(url) or find_code_link(url)
                                                 for _, _, url in text_urls(text))
