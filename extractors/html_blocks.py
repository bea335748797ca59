"""Read an HTML body (a feed entry, a web page, an email) into blocks, with BeautifulSoup and lxml.

Runs inside `extract_items`. Owns what counts as page chrome (navigation, page header and footer,
subscribe widgets, share buttons, footnotes, hidden preheaders), which part of a page is the article, and
how headings, bold title paragraphs, list items, rules and paragraphs are recognised in HTML.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, PageElement, ProcessingInstruction
from bs4.element import Tag

from extractors.blocks import LABEL, RULE, SPACE, Anchor, Block, is_link_line, norm, parse_html

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME_TAGS = [
    "head", "script", "style", "noscript", "template", "nav", "form", "button", "svg", "iframe", "input",
    "select", "textarea", "aside", "object", "video", "audio", "canvas",
]
_CHROME_TOKENS = frozenset({
    "subscribe", "subscription", "share", "sharing", "social", "footer", "navbar", "nav", "navigation",
    "sidebar", "comments", "related", "footnote", "footnotes", "paywall", "cookie", "cookies", "signup",
    "breadcrumb", "breadcrumbs", "menu", "toolbar", "advert", "advertisement", "ads", "sponsor", "sponsored",
    "promo",
})
_CHROME_COMPONENT = re.compile(r"subscribe|share|paywall|footnote|comment", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_ARTICLE_SELECTORS = (
    ".post-content", ".entry-content", ".available-content", ".body.markup", "[itemprop=articleBody]",
    ".article-body", ".post-body",
)
_BOLD_TAGS = frozenset({"strong", "b", *_HEADINGS})
_WRAPPER_TAGS = frozenset({"a", "span", "em", "i", "u", "font", "p", "div"})
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def html_blocks(html: str) -> list[Block]:
    """The article part of an HTML body as blocks, chrome removed."""
    soup = parse_html(html)
    # A page's header and footer are chrome; a story's own <header> inside <article> or <section> is not.
    page_parts = [t for t in soup.find_all(["header", "footer"]) if not t.find_parent(["article", "section"])]
    for tag in soup.find_all(_CHROME_TAGS) + page_parts + soup.find_all(_is_chrome):
        if not tag.decomposed:
            tag.decompose()
    blocks: list[Block] = []
    _walk(_article_root(soup), blocks, None)
    return blocks


def _is_chrome(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    if _HIDDEN.search(str(attrs.get("style", ""))) or attrs.get("aria-hidden") == "true":
        return True
    if attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return True
    if _CHROME_COMPONENT.search(str(attrs.get("data-component-name", ""))):
        return True
    classes = attrs.get("class") or []
    words = " ".join([*classes, str(attrs.get("id", ""))]).lower()
    if "button-wrap" in words or "captioned-button" in words:  # Substack buttons: chrome when they share or subscribe
        return bool(re.search(r"subscribe|share|comment", str(tag), re.I))
    return bool(_CHROME_TOKENS.intersection(re.split(r"[\s_-]+", words)))


def _article_root(soup: BeautifulSoup) -> Tag:
    for selector in _ARTICLE_SELECTORS:
        found = soup.select(selector)
        if len(found) == 1:
            return found[0]
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup


def _has_block(tag: Tag) -> bool:
    return tag.find(_BLOCK_TAGS) is not None


def _walk(element: Tag, out: list[Block], outer: str | None) -> None:
    """Emit blocks for `element`'s children; runs of inline content between blocks become paragraphs."""
    run: list[PageElement] = []
    card: str | None = None
    for child in element.children:
        if isinstance(child, Tag) and child.name == "a" and child.get("href") and not child.contents:
            card = str(child["href"])  # lxml closes <a> before a <table> it wraps: the link is for what follows
        elif isinstance(child, Tag) and (child.name in _BLOCK_TAGS or _has_block(child)):
            _emit_run(run, out, outer)
            run = []
            _visit(child, out, card or outer)
            card = None
        else:
            run.append(child)
    _emit_run(run, out, outer)


def _visit(tag: Tag, out: list[Block], outer: str | None) -> None:
    if tag.name == "hr":
        out.append(Block("sep"))
    elif tag.name in _HEADINGS:
        heading = _make_block("heading", [tag], outer)
        if heading:
            heading.level = int(tag.name[1])
        if heading and LABEL.match(heading.text):
            heading.kind = "para"
        out.extend([heading] if heading else [])
    elif tag.name == "li" and not _holds_list_of_papers(tag):
        item = _make_block("li", list(tag.children), outer)
        out.extend([item] if item else [])
    elif tag.name == "a" and tag.get("href"):
        _walk(tag, out, str(tag["href"]))  # a link wrapped around blocks (an email "card")
    elif _has_block(tag):
        _walk(tag, out, outer)
    else:
        _emit_run(list(tag.children), out, outer)


def _holds_list_of_papers(li: Tag) -> bool:
    """A list item that is a category of papers (`<li>Vision<ul><li>..</li><li>..</li></ul>`)."""
    inner = li.find_all("li")
    if len(inner) < 2:
        return False
    blocks = [b for b in (_make_block("li", [i], None) for i in inner) if b]
    return len({b.paper_ids[0] for b in blocks if b.paper_ids}) >= 2


def _emit_run(nodes: list[PageElement], out: list[Block], outer: str | None) -> None:
    """Paragraphs of a run of inline content; a blank line (`<br><br>`) separates paragraphs."""
    nodes = [n for n in nodes if not isinstance(n, _SKIP_STRINGS)]
    chunk: list[PageElement] = []
    breaks = 0
    for node in nodes:
        if isinstance(node, Tag) and node.name == "br":
            breaks += 1
        elif isinstance(node, Tag) or node.strip():
            if breaks >= 2:
                _emit_paragraph(chunk, out, outer)
                chunk = []
            breaks = 0
        chunk.append(node)
    _emit_paragraph(chunk, out, outer)


def _emit_paragraph(nodes: list[PageElement], out: list[Block], outer: str | None) -> None:
    """A paragraph; one that opens with a bold title and a line break is a heading plus a paragraph."""
    if not any(isinstance(n, Tag) or n.strip() for n in nodes):
        return
    lead_at = _lead_index(nodes)
    rest = [n for n in nodes[lead_at + 1:] if isinstance(n, Tag) or n.strip()] if lead_at is not None else []
    if lead_at is not None and rest and getattr(rest[0], "name", None) == "br":
        head = _make_block("heading", nodes[: lead_at + 1], outer)
        if head and not LABEL.match(head.text):
            out.append(head)
            nodes = nodes[lead_at + 1:]
    block = _make_block("para", nodes, outer)
    if block and not block.anchors and RULE.match(block.text):  # a "***" or "* * *" paragraph
        block = Block("sep")
    elif block and _is_whole_bold(nodes, block.text):
        block.kind = "heading"
    out.extend([block] if block else [])


def _is_bold(node: PageElement) -> bool:
    if not isinstance(node, Tag):
        return False
    if node.name in _BOLD_TAGS or _BOLD_STYLE.search(str(node.get("style", ""))):
        return True
    kids = [k for k in node.children if isinstance(k, Tag) or k.strip()]
    return node.name in _WRAPPER_TAGS and len(kids) == 1 and _is_bold(kids[0])


def _lead_index(nodes: list[PageElement]) -> int | None:
    for i, node in enumerate(nodes):
        if isinstance(node, Tag) or node.strip():
            return i if _is_bold(node) and norm(node.get_text()) else None
    return None


def _lead_text(nodes: list[PageElement]) -> str | None:
    """The bold title a block opens with, looking inside a leading paragraph (`<li><p><b>T</b> ...`)."""
    first = next((n for n in nodes if isinstance(n, Tag) or n.strip()), None)
    if _is_bold(first):
        return norm(_render([first])[0]) or None
    if isinstance(first, Tag) and first.name in ("p", "div"):
        return _lead_text(list(first.children))
    return None


def _is_whole_bold(nodes: list[PageElement], text: str) -> bool:
    """A short paragraph that is all bold: Substack's `<p><strong>Title</strong></p>` heading."""
    if not 2 <= len(text) <= 200 or not any(c.isalpha() for c in text) or LABEL.match(text):
        return False
    if text.endswith((".", "!")) and not text.endswith("...") and len(text.split()) >= 8:
        return False  # a bold sentence, not a title
    return sum(map(_solid_len, _bold_texts(nodes))) >= 0.9 * _solid_len(text)


def _solid_len(text: str) -> int:
    return len(SPACE.sub("", text))


def _bold_texts(nodes: list[PageElement]) -> list[str]:
    found: list[str] = []
    for node in nodes:
        if isinstance(node, Tag):
            found += [node.get_text()] if _is_bold(node) else _bold_texts(list(node.children))
    return found


def _make_block(kind: str, nodes: list[PageElement], outer: str | None) -> Block | None:
    raw, spans = _render(nodes)
    text = norm(raw)
    if not text and not spans:
        return None
    anchors = [_anchor(raw, href, start, end, spans) for href, start, end in spans]
    if outer:
        anchors.insert(0, Anchor(outer, text, "", is_link_line(text, [text])))
    lead = _lead_text(nodes)
    if lead and LABEL.match(lead):
        lead = None
    body = norm(text[len(lead):]) if lead and text.startswith(lead) else text
    return Block(kind, text, anchors, lead, body)


def _anchor(raw: str, href: str, start: int, end: int, spans: list[tuple[str, int, int]]) -> Anchor:
    line_start = raw.rfind("\n", 0, start) + 1
    line_end = raw.find("\n", end)
    line_end = len(raw) if line_end < 0 else line_end
    on_line = [norm(raw[s:e]) for _, s, e in spans if s >= line_start and e <= line_end]
    line = norm(raw[line_start:line_end])
    return Anchor(href, norm(raw[start:end]), norm(raw[line_start:start]), is_link_line(line, on_line))


def _render(nodes: list[PageElement]) -> tuple[str, list[tuple[str, int, int]]]:
    """Visible text with `\\n` at line breaks, and (href, start, end) of every link in it."""
    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    length = 0

    def emit(piece: str) -> None:
        nonlocal length
        parts.append(piece)
        length += len(piece)

    def visit(node: PageElement) -> None:
        if isinstance(node, _SKIP_STRINGS):
            return
        if isinstance(node, NavigableString):
            emit(SPACE.sub(" ", str(node)))
            return
        if node.name == "br":
            emit("\n")
            return
        breaks = node.name in _BLOCK_TAGS
        emit("\n" if breaks else "")
        start = length
        for child in node.children:
            visit(child)
        if node.name == "a" and node.get("href"):
            spans.append((str(node["href"]), start, length))
        emit("\n" if breaks else "")

    for n in nodes:
        visit(n)
    return "".join(parts), spans
