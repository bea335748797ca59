"""Read an HTML body (a feed entry, a web page, an email) into blocks, on lxml's own tree.

Runs inside `extract_items`. Owns how headings, bold title paragraphs, list items, rules, paragraphs and
tables (results tables, tables whose rows are papers) are recognised in HTML. What is page chrome and which
part of a page is the article: extractors/html_chrome.py by names, corrected by what the parts hold in
extractors/html_density.py; link cards: extractors/cards.py.

The tree is lxml's (the parse BeautifulSoup's "lxml" builder runs too, without building a second tree on
top of it): a node of a run is an element, a comment or processing instruction, or a `str` (an element's
text or a tail), in document order. Text is read as BeautifulSoup reads it: comments are never text, and a
tag's `get_text()` leaves out ruby annotations (`<rt>`, `<rp>`) unless asked on the annotation itself.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from extractors.blocks import (
    LABEL,
    RULE,
    Anchor,
    Block,
    chat_headers,
    is_counter,
    is_link_line,
    is_meta_line,
    norm,
    post_bylines,
    strip_urls,
    text_urls,
    without_counters,
)
from extractors.cards import CARD_MARK, rewrite_cards
from extractors.footnotes import NOTE_MARK, keeps_marker, lend_notes, lent_links
from extractors.html_chrome import (
    THREAD_MARK,
    article_root,
    attached,
    content_root,
    drop,
    keep_article,
    keep_content,
    keep_thread,
    may_hold_content,
    sort_out,
)
from extractors.html_density import keep_prose, link_farms, measure
from extractors.html_styles import (
    body_size,
    inline_class_fonts,
    marked_level,
    marked_title_level,
    may_be_styled,
    page_may_be_styled,
    styled_level,
)
from extractors.links import find_arxiv_in_url, stated_target, visible_target
from extractors.metric_tables import is_number_cell, is_results_table
from extractors.quoted import is_quote_header

Node = str | etree._Element  # text, an element, or a comment / processing instruction

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul",
})
_BLOCK_LIST = tuple(sorted(_BLOCK_TAGS))
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_HTTP = re.compile(r"https?://", re.I)
_BOLD_TAGS = frozenset({"strong", "b", *_HEADINGS})
_WRAPPER_TAGS = frozenset({"a", "span", "em", "i", "u", "font", "p", "div"})
_RUBY = ("rt", "rp")  # BeautifulSoup keeps their strings out of an enclosing tag's get_text()
_NEWLINE = re.compile("\n")
_LINE_MARKER = re.compile(r"\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[-*•·▪►◦–—])\s+")  # "1. ", "(2) ", "• " opening a line
# The number opening a line: "2. ", "3) ", "(4) ", a keycap digit ("1️⃣", "2⃣"), then a word
_NUMBERED_TITLE = re.compile(r"(?:\d{1,2}[.)]\s+|\(\d{1,2}\)\s+|\d\ufe0f?\u20e3\s*)(?=\w)")
# A line that is prose: a sentence ends inside it or at its end
_PROSE_LINE = re.compile(r"[.!?,;:]$|[.!?;]\s+[^\W\d_]")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)  # an href that is absolute already (https:, mailto:)


def parse_tree(html: str) -> etree._Element | None:
    """`html` parsed by lxml's HTML parser as BeautifulSoup(html, "lxml") parses it (fed as text, a leading
    byte order mark dropped); None for a body with no elements at all."""
    if html[:1] == "\ufeff":
        html = html[1:]
    parser = etree.HTMLParser()
    try:
        parser.feed(html)
        return parser.close()
    except (etree.ParserError, etree.XMLSyntaxError, UnicodeError, LookupError):
        return None


def html_blocks(html: str, base: str | None = None) -> list[Block]:
    """The article part of an HTML body as blocks, chrome removed; relative links resolved against the
    page's `<base href>` or else `base` (the document's URL)."""
    root = parse_tree(html)
    if root is None:
        return []
    _state_targets(root)
    tags = list(root.iter(etree.Element))  # elements only: no comments or processing instructions
    cards, dropped, marked = sort_out(tags)
    @functools.cache  # asked of the same anchors by keep_content, keep_thread and content_root
    def is_paper(href: str) -> bool:
        return find_arxiv_in_url(href) is not None

    dropped = keep_thread(keep_content(keep_article(dropped, root, marked), root, is_paper), root, is_paper)
    density = measure(root, is_paper)  # what each part holds: where names and counts disagree, counts win
    dropped = keep_prose(dropped, density, may_hold_content)
    dropped += link_farms(density, [*dropped, *cards])
    tags += rewrite_cards(cards)  # before chrome goes: cards sit in <aside> and <iframe>
    notes = lend_notes(root)  # before links are made absolute ("#fn:1" is a marker) and chrome goes
    _resolve_links(root, base)
    if any(t is root for t in dropped):
        return []  # the whole page is chrome (a hidden <html>)
    sheets = [t.text for t in dropped if t.tag == "style" and t.text]
    for tag in (*notes, *(t for t in dropped if not (notes and keeps_marker(t)))):
        drop(tag)
    if sheets:
        inline_class_fonts(sheets, root)
    blocks: list[Block] = []
    article = content_root(root, article_root(root, [t for t in marked if attached(t, root)]), is_paper)
    # `tags` keeps every element's Python proxy alive, so that elements stay the same set members throughout
    styled = page_may_be_styled(html)
    page = _Page(_holding_blocks(root), body_size(article if article is not None else root) if styled else None,
                 styled)
    _walk(_children(article) if article is not None else [root], blocks, None, page)
    kept = [Block("sep") if is_quote_header(b.text) else b for b in blocks if not is_counter(b.text, bare=True)]
    bylines = post_bylines(kept)  # a post's byline is a meta line, kept here to start its post (extract_items)
    metas = [is_meta_line(b.text) and n not in bylines for n, b in enumerate(kept)]
    # a chat message's header starts a message, as a rule would (the header itself is a meta line, never text)
    starts = chat_headers(None if b.anchors else b.text for b in kept)
    return [Block(starts[n]) if n in starts else without_counters(b) if meta else b
            for n, (b, meta) in enumerate(zip(kept, metas, strict=True))
            if not meta or n in starts or b.paper_ids or b.links_code]  # a meta line that links a paper stays


def _state_targets(root: etree._Element) -> None:
    """Give each link whose attributes write out where it goes (an expanded t.co link, a script's `data-url`)
    that address as its href (`links.stated_target`), before cards, chrome and blocks read the hrefs."""
    for a in root.iter("a"):
        attrs = a.attrib
        if len(attrs) > 1:  # an href alone states nothing more (most links)
            href = (attrs.get("href") or "").strip()
            if (stated := stated_target(href, attrs)) != href:
                a.set("href", stated)


def _resolve_links(root: etree._Element, base: str | None) -> None:
    """Make relative hrefs absolute (`/papers/2408.00714` on huggingface.co), so that what a link points
    at can be told from the block alone: splitting a list into stories needs each entry's paper."""
    declared = next((t for t in root.iter("base") if t.get("href")), None)
    if declared is not None:
        base = _join(base or "", declared.get("href")) or base
    if not base or not _HTTP.match(base):
        return
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not _SCHEME.match(href):
            try:
                a.set("href", _join(base, href) or href)
            except ValueError:  # characters lxml cannot store in an attribute: the link stays as written
                pass


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:  # a malformed link (an unclosed IPv6 host) stays as it is
        return None


def _name(node: Node | None) -> str | None:
    """The tag name of an element; None for text, comments and processing instructions."""
    if node is None or type(node) is str:
        return None
    tag = node.tag
    return tag if isinstance(tag, str) else None


def _solid(node: Node) -> bool:
    """Not blank: an element, or text (a comment's too, as BeautifulSoup sees it) with a non-space."""
    if type(node) is str:
        return bool(node.strip())
    if isinstance(node.tag, str):
        return True
    return bool((node.text or "").strip()) if node.tag is etree.Comment else True


def _children(el: etree._Element) -> list[Node]:
    out: list[Node] = [el.text] if el.text else []
    for child in el:
        out.append(child)
        if child.tail:
            out.append(child.tail)
    return out


def _holding_blocks(root: etree._Element) -> set[etree._Element]:
    """The elements with a block element somewhere inside (one pass, not a search below every element)."""
    holding: set[etree._Element] = set()
    for block in root.iterdescendants(*_BLOCK_LIST):
        for outer in block.iterancestors():
            if outer in holding:
                break
            holding.add(outer)
    return holding


def get_text(el: etree._Element, sep: str = "") -> str:
    """BeautifulSoup's `tag.get_text(sep)`: the strings under `el`, comments and ruby annotations left out."""
    if next(el.iterdescendants(*_RUBY), None) is None and next(el.iterancestors(*_RUBY), None) is None:
        return sep.join(el.itertext())  # the text inside `el`: its own tail is not part of it
    want = el.tag if el.tag in _RUBY else None
    outer = next(el.iterancestors(*_RUBY), None)
    parts: list[str] = []

    def visit(e: etree._Element, kind: str | None) -> None:
        if e.text and kind == want:
            parts.append(e.text)
        for child in e:
            if isinstance(child.tag, str):
                visit(child, child.tag if child.tag in _RUBY else kind)
            if child.tail and kind == want:
                parts.append(child.tail)

    visit(el, el.tag if el.tag in _RUBY else (outer.tag if outer is not None else None))
    return sep.join(parts)


@dataclass(frozen=True)
class _Page:
    """What the block reader knows of the whole page: the elements with a block element inside, and the size
    its body text is set in (extractors/html_styles.py)."""

    holding: set[etree._Element]
    body: float | None
    styled: bool = True  # some element may be a heading by role or style (`page_may_be_styled`)


def _walk(children: list[Node], out: list[Block], outer: str | None, page: _Page) -> None:
    """Emit blocks for an element's children; runs of inline content between blocks become paragraphs."""
    run: list[Node] = []
    solid = False  # the run holds an element or a non-blank text: a blank run makes no paragraph
    card: str | None = None
    for child in children:
        if type(child) is str:
            run.append(child)
            solid = solid or not child.isspace()
            continue
        name = child.tag
        if not isinstance(name, str):  # a comment or processing instruction: never text
            run.append(child)
        elif name == "a" and child.get("href") and not child.text and not len(child):
            card = child.get("href")  # lxml closes <a> before a <table> it wraps: the link is for what follows
        elif name in _BLOCK_TAGS or child in page.holding:
            if solid:
                _emit_run(run, out, outer)
            run, solid = [], False
            _visit(child, out, card or outer, page)
            card = None
        else:
            run.append(child)
            solid = True
    if solid:
        _emit_run(run, out, outer)


# schema.org microdata's names for a post of a thread: a question's answers (Stack Exchange, Q&A engines), a comment
_POST_PROPS = frozenset({"acceptedAnswer", "suggestedAnswer", "comment"})


def _entry_kind(tag: etree._Element) -> str | None:
    """What a tag that starts a story, as a rule would, opens: "message" for a message of a channel or chat
    export marked by its id (`data-post`: Telegram's web preview; `data-message-id`: Discord exports), "sep"
    for a post of a page of posts, marked as microformats mark one (`class="h-entry"`: Mastodon's statuses,
    IndieWeb blogs, many static-site themes) or as schema.org microdata marks a question's answer or a thread's
    comment (`itemprop="acceptedAnswer"`: Stack Exchange, Q&A engines, forum threads); None for any other tag."""
    attrs = tag.attrib
    if not attrs:
        return None
    if "data-post" in attrs or "data-message-id" in attrs:
        return "message"
    if (prop := attrs.get("itemprop")) is not None and prop in _POST_PROPS:
        return "sep"
    classes = attrs.get("class")
    return "sep" if classes is not None and "h-entry" in classes and "h-entry" in classes.split() else None


# Mail clients' marks on a forwarded or quoted message (Gmail, Thunderbird, Outlook, Apple Mail) and on its header
_QUOTE_CLASSES = frozenset({"gmail_quote", "moz-forward-container", "yahoo_quoted", "protonmail_quote"})
_QUOTE_HEADER_CLASSES = frozenset({"gmail_attr", "moz-cite-prefix", "moz-email-headers-table"})
_QUOTE_HEADER_IDS = frozenset({"divRplyFwdMsg"})


def _quote_mark(tag: etree._Element) -> str | None:
    """"quote" for an element that holds a forwarded or quoted message in a mail (`<blockquote type="cite">`,
    Gmail's `gmail_quote`, Thunderbird's `moz-forward-container`), "header" for its header (Gmail's `gmail_attr`,
    Thunderbird's `moz-cite-prefix` and headers table, Outlook's `divRplyFwdMsg`), else None."""
    attrs = tag.attrib
    if not attrs:
        return None
    classes = set((attrs.get("class") or "").split())
    if classes & _QUOTE_HEADER_CLASSES or attrs.get("id") in _QUOTE_HEADER_IDS:
        return "header"
    if classes & _QUOTE_CLASSES or (tag.tag == "blockquote" and attrs.get("type") == "cite"):
        return "quote"
    return None


def _visit(tag: etree._Element, out: list[Block], outer: str | None, page: _Page) -> None:
    name = tag.tag
    quote, entry = _quote_mark(tag), _entry_kind(tag)
    if entry == "message":
        out.append(Block("message"))  # a chat or channel message: a story of its own
    elif entry or tag.get(THREAD_MARK) or quote:
        out.append(Block("sep"))  # a comment of a thread read as the page's content, a post, a quoted message:
        # a story of its own (the forwarder's note above a quoted newsletter is not part of its first story)
    if quote == "header":
        return  # who sent the quoted message and when: never text
    if name == "hr":
        out.append(Block("sep"))
    elif name in _HEADINGS or _is_entry_title(tag):
        heading = _make_block("heading", [tag], outer)
        if heading:  # a disclosure's summary, a definition list's term: ranked as the lowest heading
            heading.level = int(name[1]) if name in _HEADINGS else 6
        if heading and LABEL.match(heading.text):
            heading.kind = "para"
        out.extend([heading] if heading else [])
    elif name == "table" and (papers := _paper_table(tag, outer)) is not None:
        out.extend(papers)
    elif name == "table" and (rows := _results_table(tag)) is not None:
        table = _make_block("para", [tag], outer)
        if table:
            table.rows, table.caption = rows, _caption(tag)
            out.append(table)
    elif tag.get(CARD_MARK):
        card = _make_block("para", _children(tag), outer)
        if card:
            card.card, card.lead, card.body = True, card.text, ""
            out.append(card)
    elif name == "li" and not _holds_list_of_papers(tag):
        item = _make_block("li", _children(tag), outer)
        out.extend([item] if item else [])
    elif name == "a" and tag.get("href"):
        _walk(_children(tag), out, tag.get("href"), page)  # a link wrapped around blocks (an email "card")
    elif tag in page.holding and not (page.styled and _marked_heading(tag, out, outer)):
        _walk(_children(tag), out, outer, page)
    elif tag not in page.holding and not (page.styled and _styled_heading(tag, out, outer, page)):
        _emit_run(_children(tag), out, outer)
    if name in ("details", "dl") and any(_is_entry_title(child) for child in tag):
        out.append(Block("sep"))  # its last entry ends with it: what follows is not part of that entry


_TERM_WORDS = 3


def _is_entry_title(tag: etree._Element) -> bool:
    """A title of what follows it: a `<details>` disclosure's `<summary>`, or a definition list's `<dt>` term
    of three words or more (a paper's title over its `<dd>` description, not a "Code" or "Authors" field)."""
    parent = tag.getparent()
    if tag.tag == "summary":
        return parent is not None and parent.tag == "details"
    return tag.tag == "dt" and len(norm(get_text(tag, " ")).split()) >= _TERM_WORDS


def _marked_heading(tag: etree._Element, out: list[Block], outer: str | None) -> bool:
    """An element around other block elements that is a heading by its role or block type (a block editor's
    `<div data-block-type="heading2"><div class="heading">…`): emitted as one heading, True."""
    if marked_level(tag) is None:
        return False
    level = marked_title_level(tag, norm(get_text(tag, " ")))
    return level is not None and _emit_heading(tag, level, out, outer)


def _styled_heading(tag: etree._Element, out: list[Block], outer: str | None, page: _Page) -> bool:
    """A leaf block that is a heading by its role or style (extractors/html_styles.py): emitted, True."""
    if not may_be_styled(tag):
        return False
    text = norm(get_text(tag))
    level = styled_level(tag, text, page.body)
    return level is not None and _emit_heading(tag, level, out, outer)


def _emit_heading(tag: etree._Element, level: int, out: list[Block], outer: str | None) -> bool:
    """`tag` emitted as one heading of `level` (a section label, "Why it matters", as a paragraph): True, or
    False where it makes no block."""
    heading = _make_block("heading", _children(tag), outer)
    if heading is None:
        return False
    heading.level = level
    if LABEL.match(heading.text):
        heading.kind = "para"
    out.append(heading)
    return True


def _cells(tr: etree._Element, links_blank: bool = False) -> list[str]:
    """A row's cell texts, a cell spanning n columns repeated n times; with `links_blank`, a cell that is only
    a link ("2502.07640", "GitHub") reads as empty: it points somewhere, it reports nothing."""
    cells: list[str] = []
    for cell in tr:
        if cell.tag not in ("td", "th"):
            continue
        span = cell.get("colspan") or "1"
        text = norm(get_text(cell, " "))
        if links_blank and text and any(norm(get_text(a, " ")) == text for a in cell.iter("a")):
            text = ""
        cells += [text] * (min(int(span), 20) if span.isdigit() and span != "0" else 1)
    return cells


def _results_table(table: etree._Element) -> list[list[str]] | None:
    """The cell texts of a results table (models by benchmarks), kept whole so that each number keeps its
    row and column; None for a layout table (one holding another) or any table that is not results."""
    if next(table.iterdescendants("table"), None) is not None:
        return None
    rows = [_cells(tr) for tr in table.iterdescendants("tr")]
    return rows if is_results_table(rows) else None


def _paper_rows(table: etree._Element, outer: str | None) -> list[Block] | None:
    """A table whose rows are different papers, each with its own links (a comparison of several papers):
    one list item per paper row, titled by its first cell, its numbers read under the table's header.
    None for any other table."""
    if next(table.iterdescendants("table"), None) is not None:
        return None
    trs = list(table.iterdescendants("tr"))
    if len(trs) < 3 or len({pid for tr in trs for pid in _linked_papers(tr)}) < 2:
        return None  # most tables: fewer than two papers linked, no need to read their rows
    if all(sum(cell.tag in ("td", "th") for cell in tr) < 2 for tr in trs):
        return None  # one cell a row: an email's layout, each row a part of a story
    rows = [(tr, _make_block("li", [tr], outer)) for tr in trs]
    papers = [b for _, b in rows if b is not None and b.paper_ids]
    if len({b.paper_ids[0] for b in papers}) < 2:
        return None
    cells = _without_rank_column([_cells(tr, links_blank=True) for tr in trs])
    for tr, row in zip(trs[1:], cells[1:], strict=True):
        if row:
            row[0] = _row_name(tr) or row[0]  # the row's name, as its item is titled
    numeric = _numeric_columns(cells)
    caption = _caption(table)
    out = []
    for (tr, block), row in zip(rows[1:], cells[1:], strict=True):
        if block is None or not block.paper_ids:
            continue  # a baseline's row: not a paper of this page
        block.rows = numeric  # items keep, of the table's numbers, those of this row
        block.lead = _row_name(tr)
        block.body = " ".join(cell for cell in row if _is_prose(cell))  # a summary written in a cell
        block.caption = caption
        out.append(block)
    return out


# A cell that only ranks or numbers its row: "1", "#2", "3.", "No. 4"
_RANK_CELL = re.compile(r"(?:#|no\.?\s?)?\d{1,3}\.?", re.IGNORECASE)
_RANK_HEADER = re.compile(r"(?:#|no\.?|rank(?:ing)?|pos(?:ition)?\.?|)", re.IGNORECASE)


def _without_rank_column(rows: list[list[str]]) -> list[list[str]]:
    """The rows without a leading column that ranks them (a leaderboard's "#" or "Rank"): a rank names no
    row and measures nothing, and the row's name is the column after it."""
    body = [row for row in rows[1:] if row]
    if len(rows) < 2 or not body or not rows[0] or not _RANK_HEADER.fullmatch(rows[0][0].strip()):
        return rows
    if not all(_RANK_CELL.fullmatch(row[0].strip()) for row in body) or all(len(row) < 2 for row in body):
        return rows
    return [row[1:] for row in rows]


def _is_prose(cell: str) -> bool:
    """A cell written as sentences (a paper's summary in a table of papers), not a name, a number or a tag."""
    return len(cell.split()) >= _PROSE_WORDS and not is_number_cell(cell)


_PROSE_WORDS = 8


def _paper_table(table: etree._Element, outer: str | None) -> list[Block] | None:
    """A table of papers, one per row or one per column, as list items; None for any other table."""
    rows = _paper_rows(table, outer)
    return rows if rows is not None else _paper_columns(table, outer)


def _paper_columns(table: etree._Element, outer: str | None) -> list[Block] | None:
    """A table read the other way round: its header row heads each column with a different paper (linked
    there), its rows name what is measured ("Total parameters (B)", "MMLU"). One list item per paper column,
    titled by its header cell, its numbers read from the table turned so that papers are rows. None for any
    other table."""
    if next(table.iterdescendants("table"), None) is not None:
        return None
    trs = list(table.iterdescendants("tr"))
    if len(trs) < 2:
        return None
    heads = [cell for cell in trs[0] if cell.tag in ("td", "th")]
    papers = [(c, ids[0]) for c, cell in enumerate(heads) if (ids := _linked_papers(cell))]
    if len({pid for _, pid in papers}) < 2 or any(_linked_papers(tr) for tr in trs[1:]):
        return None
    grid = [_cells(tr, links_blank=True) for tr in trs]
    width = max(map(len, grid))
    grid = [row + [""] * (width - len(row)) for row in grid]
    names = [norm(get_text(cell, " ")) for cell in heads] + [""] * (width - len(heads))
    turned = [[grid[0][0], *(row[0] for row in grid[1:])]] + [[names[c], *(row[c] for row in grid[1:])]
                                                              for c in range(1, width)]
    table_rows = _numeric_columns(turned)
    out = []
    for c, _ in papers:
        block = _make_block("li", [heads[c]], outer)
        if block is None or c == 0:
            continue
        block.rows, block.lead, block.body, block.caption = table_rows, names[c], "", _caption(table)
        out.append(block)
    return out or None


def _caption(table: etree._Element) -> str:
    """What a table says of itself: its <caption>, its summary attribute, the note written right above it
    (`_note_above`) and the heading it is under."""
    caption = next(table.iterchildren("caption"), None)
    return norm(" ".join([get_text(caption, " ") if caption is not None else "", table.get("summary") or "",
                          _note_above(table), _heading_above(table)]))


def _heading_above(table: etree._Element) -> str:
    """The text of the last heading before a table ("SWE-bench Verified"): what its generic columns measure."""
    found = table.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]")
    return norm(get_text(found[0], " ")) if found else ""


_NOTE_WORDS = 20


def _note_above(table: etree._Element) -> str:
    """A short paragraph that is the last text before a table ("pass@1, %, as reported", "Scores in %"): the
    table's note, as a caption would be. An email's layout often puts it in a cell of its own above the
    table's cell, so it is found in document order, not among the table's siblings."""
    before = table.xpath("preceding::text()[normalize-space()][1]")
    if not before:
        return ""
    holder = before[0].getparent()
    while holder is not None and holder.tag not in ("p", "div", "td"):
        holder = holder.getparent()
    if holder is None or holder.tag != "p":
        return ""
    text = norm(get_text(holder, " "))
    return text if 0 < len(text.split()) <= _NOTE_WORDS and not text.endswith(":") else ""


def _linked_papers(tr: etree._Element) -> list[str]:
    refs = (find_arxiv_in_url(a.get("href") or "") for a in tr.iter("a"))
    return [ref.arxiv_id for ref in refs if ref is not None]


def _row_name(tr: etree._Element) -> str | None:
    """What a paper's row is called: its first cell with text, less the links in it that are not its name
    ("Prover-A (code)" is "Prover-A")."""
    for cell in tr:
        if cell.tag not in ("td", "th") or not norm(get_text(cell, " ")) or _RANK_CELL.fullmatch(
                norm(get_text(cell, " "))):
            continue  # empty, or the row's rank
        text = norm(get_text(cell, " "))
        for a in cell.iter("a"):
            link = norm(get_text(a, " "))
            if link and link != text and "arxiv" not in (a.get("href") or "").lower():
                text = text.replace(link, " ")
        return strip_urls(text) or None
    return None


def _numeric_columns(rows: list[list[str]]) -> list[list[str]]:
    """The table without its columns that hold no number below the header ("Paper", "Code", "Budget"), the
    first (naming) column kept."""
    width = max(map(len, rows))
    keep = [c for c in range(width) if c == 0 or any(c < len(r) and any(ch.isdigit() for ch in r[c])
                                                     and is_number_cell(r[c]) for r in rows[1:])]
    return [[r[c] if c < len(r) else "" for c in keep] for r in rows]


def _holds_list_of_papers(li: etree._Element) -> bool:
    """A list item that is a category of papers (`<li>Vision<ul><li>..</li><li>..</li></ul>`)."""
    inner = list(li.iterdescendants("li"))
    if len(inner) < 2:
        return False
    blocks = [b for b in (_make_block("li", [i], None) for i in inner) if b]
    return len({b.paper_ids[0] for b in blocks if b.paper_ids}) >= 2


def _emit_run(nodes: list[Node], out: list[Block], outer: str | None) -> None:
    """Paragraphs of a run of inline content; a blank line (`<br><br>`) separates paragraphs."""
    if not nodes:
        return
    nodes = [n for n in nodes if type(n) is str or isinstance(n.tag, str)]  # comments and PIs are not text
    chunk: list[Node] = []
    breaks = 0
    for node in nodes:
        if type(node) is str:
            if node.strip():
                if breaks >= 2:
                    _emit_paragraph(chunk, out, outer)
                    chunk = []
                breaks = 0
        elif node.tag == "br":
            breaks += 1
        else:
            if breaks >= 2:
                _emit_paragraph(chunk, out, outer)
                chunk = []
            breaks = 0
        chunk.append(node)
    _emit_paragraph(chunk, out, outer)


def _emit_paragraph(nodes: list[Node], out: list[Block], outer: str | None) -> None:
    """A paragraph; one that opens with a bold title and a line break is a heading plus a paragraph."""
    at = _first_solid(nodes)
    if at is None:
        return
    entries = _listed_lines(nodes) if "br" in (_name(n) for n in nodes) else None
    if entries is not None:
        for marked, line in entries:
            block = _make_block("li" if marked else "para", line, outer)
            out.extend([block] if block else [])
        return
    # (the first solid node and whether it is bold are read once, for the lead, the block and the bold test)
    first = (nodes[at], _is_bold(nodes[at]))
    lead_at = at if first[1] and norm(get_text(nodes[at])) else None
    rest = [n for n in nodes[lead_at + 1:] if type(n) is not str or n.strip()] if lead_at is not None else []
    if lead_at is not None and rest and _name(rest[0]) == "br":
        head = _make_block("heading", nodes[: lead_at + 1], outer, first)
        if head and not LABEL.match(head.text):
            out.append(head)
            nodes = nodes[lead_at + 1:]
            solid = nodes[_first_solid(nodes)]  # (the <br> after the lead, at the latest)
            first = (solid, _is_bold(solid))
    elif lead_at is None:
        rest = _numbered_heading(nodes, out, outer)
        if rest is not nodes:
            nodes = rest
            solid = nodes[_first_solid(nodes) or 0]  # (the text after the heading line: there is some)
            first = (solid, _is_bold(solid))
    block = _make_block("para", nodes, outer, first)
    if block and not block.anchors and RULE.match(block.text):  # a "***" or "* * *" paragraph
        block = Block("sep")
    elif block and _is_whole_bold(nodes, block.text, first[0]):
        block.kind = "heading"
    out.extend([block] if block else [])


def _numbered_heading(nodes: list[Node], out: list[Block], outer: str | None) -> list[Node]:
    """A paragraph whose first line is a numbered title ("2) Scaling the reward model", "3️⃣ 작은 모델로 증류",
    "(4) Why it works") and whose text goes on after a line break: that line is a heading of its own (a post
    written as text with line breaks numbers its stories so), `out` gets it; the rest of `nodes` is returned.
    A first line that is a sentence, or the only line, leaves the paragraph whole."""
    at = next((i for i, n in enumerate(nodes) if _name(n) == "br"), None)
    if at is None or _first_solid(nodes[at + 1:]) is None:
        return nodes
    line = norm("".join(get_text(n) if type(n) is not str else n for n in nodes[:at]))
    marker = _NUMBERED_TITLE.match(line)
    if marker is None or len(line) > 100 or _PROSE_LINE.search(line, marker.end()):
        return nodes
    head = _make_block("heading", nodes[:at], outer)
    if head is None or LABEL.match(head.text):
        return nodes
    out.append(head)
    return nodes[at + 1:]


def _first_solid(nodes: list[Node]) -> int | None:
    """The index of the first node of `nodes` that is not blank (`_solid`), None if all are."""
    return next((i for i, n in enumerate(nodes) if _solid(n)), None)


def _listed_lines(nodes: list[Node]) -> list[tuple[bool, list[Node]]] | None:
    """The lines of a paragraph that is a list written with line breaks ("1. <b>Title</b> [paper] [code]<br>
    2. ..."): at least two lines open with a number or a bullet and hold a link, and all lines but one (a
    heading line above them) do. Each line with its marker taken off and whether it had one; None for a
    paragraph that is not such a list."""
    lines: list[list[Node]] = [[]]
    for node in nodes:
        if _name(node) == "br":
            lines.append([])
        else:
            lines[-1].append(node)
    lines = [line for line in lines if any(_solid(n) for n in line)]
    if len(lines) < 2:
        return None
    out: list[tuple[bool, list[Node]]] = []
    for line in lines:
        at = next(i for i, n in enumerate(line) if _solid(n))
        first = line[at]
        m = _LINE_MARKER.match(first) if type(first) is str else None
        linked = any(_name(n) == "a" or (_name(n) is not None and next(n.iter("a"), None) is not None) for n in line)
        out.append((m is not None and linked, [*line[:at], first[m.end():], *line[at + 1:]] if m else line))
    marked = sum(flag for flag, _ in out)
    return out if marked >= 2 and marked >= len(out) - 1 else None


def _is_bold(node: Node | None) -> bool:
    name = _name(node)
    if name is None:
        return False
    if name in _BOLD_TAGS or _BOLD_STYLE.search(node.get("style", "")):
        return True
    if name not in _WRAPPER_TAGS:
        return False
    kids = [k for k in _children(node) if _solid(k)]
    return len(kids) == 1 and _is_bold(kids[0])


def _lead_text(nodes: list[Node], rendered: str | None = None, first: tuple[Node, bool] | None = None) -> str | None:
    """The bold title a block opens with, looking inside a leading paragraph (`<li><p><b>T</b> ...`);
    `rendered`, where known, is the text of `nodes` up to the end of their first solid node; `first`, where
    known, that node and whether it is bold (`_is_bold`)."""
    if first is None:
        node = next((n for n in nodes if _solid(n)), None)
        first = (node, _is_bold(node))
    if first[1]:
        return norm(rendered if rendered is not None else _render([first[0]])[0]) or None
    if _name(first[0]) in ("p", "div"):
        return _lead_text(_children(first[0]))
    return None


def _is_whole_bold(nodes: list[Node], text: str, first: Node) -> bool:
    """A short paragraph that is all bold: Substack's `<p><strong>Title</strong></p>` heading. `first` is the
    first solid node of `nodes`."""
    if not 2 <= len(text) <= 200 or not any(c.isalpha() for c in text):
        return False
    if text.endswith((".", "!")) and not text.endswith("...") and len(text.split()) >= 8:
        return False  # a bold sentence, not a title
    whole = _solid_len(text)
    if type(first) is str and _solid_len(first) > 0.1 * whole:
        return False  # it opens with more plain text than a bold paragraph may hold (most paragraphs)
    # (a label is no heading either; asked last, as the label pattern is the slowest of these tests)
    return not LABEL.match(text) and sum(map(_solid_len, _bold_texts(nodes))) >= 0.9 * whole


def _solid_len(text: str) -> int:
    return len("".join(text.split()))


def _bold_texts(nodes: list[Node]) -> list[str]:
    found: list[str] = []
    for node in nodes:
        if _name(node) is not None:
            found += [get_text(node)] if _is_bold(node) else _bold_texts(_children(node))
    return found


def _make_block(kind: str, nodes: list[Node], outer: str | None, first: tuple[Node, bool] | None = None
                ) -> Block | None:
    """The block of `nodes`; `first`, where known, is their first solid node and whether it is bold."""
    raw, spans, first_end = _render(nodes)
    text = norm(raw)
    if not text and not spans:
        return None
    anchors = _anchors(raw, _with_text_urls(raw, spans))
    if outer:
        anchors.insert(0, Anchor(outer, text, "", True))  # the whole block is the link's text
    lead = _lead_text(nodes, raw[:first_end], first)
    if lead and LABEL.match(lead):
        lead = None
    body = norm(text[len(lead):]) if lead and text.startswith(lead) else text
    return Block(kind, text, anchors, lead, body)


def _anchors(raw: str, spans: list[_Span]) -> list[Anchor]:
    """The links of a block, each with the words before it on its line and whether that line is only links
    (anchors on one line share the answer). A line runs from the break before a link to the break after it."""
    if not spans:
        return []
    breaks = [m.start() for m in _NEWLINE.finditer(raw)] if "\n" in raw else []
    by_line: dict[int, list[tuple[str, int, int]]] = {}
    for span in spans:
        by_line.setdefault(bisect_left(breaks, span[1]), []).append(span)
    link_lines: dict[tuple[int, int], bool] = {}
    anchors = []
    for href, start, end, title in spans:
        first, last = bisect_left(breaks, start), bisect_left(breaks, end)  # breaks before start, before end
        line_start = breaks[first - 1] + 1 if first else 0
        line_end = breaks[last] if last < len(breaks) else len(raw)
        if (first, last) not in link_lines:
            near = by_line[first] if first == last else spans  # a link across a line break: look at all
            on_line = [norm(raw[s:e]) for _, s, e, _ in near if s >= line_start and e <= line_end]
            link_lines[first, last] = is_link_line(norm(raw[line_start:line_end]), on_line)
        text = norm(raw[start:end])
        anchors.append(Anchor(visible_target(href, text), text, norm(raw[line_start:start]), link_lines[first, last],
                              title))
    return anchors


_Span = tuple[str, int, int, str]  # a link in a block's text: href, start, end, the name a footnote gives it


def _with_text_urls(raw: str, spans: list[_Span]) -> list[_Span]:
    """`spans` and the URLs written out in the text outside every link ("Code: github.com/x/y" copied from a
    paper's abstract, an email client's pasted address): a reader follows those too."""
    written = [(href, start, end, "") for start, end, href in text_urls(raw)
               if not any(s < end and start < e for _, s, e, _ in spans)]
    return sorted([*spans, *written], key=lambda span: span[1]) if written else spans


def _render(nodes: list[Node]) -> tuple[str, list[_Span], int]:
    """Visible text with `\\n` at line breaks, (href, start, end, name) of every link in it, and where the text of
    the first solid node (an element, or text that is not blank) ends."""
    parts: list[str] = []
    spans: list[_Span] = []
    length = 0
    sub = _squash

    def visit(el: etree._Element) -> None:
        nonlocal length
        name = el.tag
        if name == "br":
            parts.append("\n")
            length += 1
            return
        breaks = name in _BLOCK_TAGS
        if breaks:
            parts.append("\n")
            length += 1
        start = length
        if el.text:
            piece = sub(el.text)
            parts.append(piece)
            length += len(piece)
        for child in el:
            if isinstance(child.tag, str):
                visit(child)
            if child.tail:
                piece = sub(child.tail)
                parts.append(piece)
                length += len(piece)
        if name == "a":
            href = el.get("href")
            if href:
                spans.append((href, start, length, ""))
        lent = el.get(NOTE_MARK)
        if lent:  # a footnote marker (a link, or a bare superscript number): its note's links stand on its text
            spans.extend((url, start, length, title) for url, title in lent_links(lent))
        if breaks:
            parts.append("\n")
            length += 1

    first_end = -1
    for n in nodes:
        if type(n) is str:
            piece = sub(n)
            parts.append(piece)
            length += len(piece)
            if first_end < 0 and piece.strip():
                first_end = length
        elif isinstance(n.tag, str):
            visit(n)
            if first_end < 0:
                first_end = length
    return "".join(parts), spans, first_end if first_end >= 0 else length


def _squash(text: str) -> str:
    """Each run of whitespace in (non-empty) `text` made one space, as `re.sub(r"\\s+", " ", text)` does."""
    if text.isprintable() and "  " not in text:
        return text  # its only whitespace is single spaces (every other space is not printable)
    inner = " ".join(text.split())
    if not inner:
        return " "
    if text[0].isspace():
        inner = " " + inner
    if text[-1].isspace():
        inner += " "
    return inner
