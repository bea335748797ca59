"""Page chrome and the article part of an HTML page, on lxml's tree: what is not the newsletter's text.

Runs inside `html_blocks` (extractors/html_blocks.py), before blocks are read. Owns what counts as chrome
(navigation, page header and footer, subscribe widgets, share buttons, reaction bars and counters, footnotes,
hidden preheaders), which elements are link cards to rewrite (extractors/cards.py), and which element is the
article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree

from extractors.blocks import is_counter, norm, text_urls
from extractors.cards import is_card, is_card_class
from extractors.links import find_arxiv_in_text, find_arxiv_in_url, find_code_link

_CHROME_TAGS = [
    "head", "script", "style", "noscript", "template", "nav", "form", "button", "svg", "iframe", "input",
    "select", "textarea", "aside", "object", "video", "audio", "canvas",
]
_CHROME_TOKENS = frozenset({
    "subscribe", "subscription", "share", "sharing", "social", "footer", "navbar", "nav", "navigation",
    "sidebar", "comments", "related", "footnote", "footnotes", "paywall", "cookie", "cookies", "signup",
    "breadcrumb", "breadcrumbs", "menu", "toolbar", "advert", "advertisement", "ads", "sponsor", "sponsored",
    "promo",
    # reaction bars and counters (Substack's "ufi", Tistory's like box, Medium's claps, forum votes) and the
    # post's byline (author, date, reading time, counts)
    "ufi", "like", "likes", "reaction", "reactions", "restack", "clap", "claps", "upvote", "upvotes", "vote",
    "votes", "counter", "count", "comment", "meta", "byline",
    # ad slots: "ad-container", "ad-label", Google Publisher Tag's "div-gpt-ad-…"
    "ad", "adslot", "adsbygoogle",
})
# ARIA roles of page furniture: navigation, the page's banner and footer, side boxes, and controls drawn
# without a <button> ("Share", "Duplicate" as <div role="button">)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "button", "toolbar", "menu",
                           "menubar", "dialog", "tablist"})
_WORD_SPLIT = re.compile(r"[\s_-]+")
_CHROME_COMPONENT = re.compile(r"subscribe|share|paywall|footnote|comment", re.I)
_BUTTON_CHROME = re.compile(r"subscribe|share|comment", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# The article part of a page, most specific first: CSS classes (all must be present) or an itemprop.
_ARTICLE_SELECTORS: tuple[tuple[frozenset[str], str | None], ...] = (
    (frozenset({"post-content"}), None),
    (frozenset({"entry-content"}), None),
    (frozenset({"available-content"}), None),
    (frozenset({"body", "markup"}), None),
    (frozenset(), "articleBody"),  # [itemprop=articleBody]
    (frozenset({"article-body"}), None),
    (frozenset({"post-body"}), None),
)
_ARTICLE_CLASSES = frozenset().union(*(classes for classes, _ in _ARTICLE_SELECTORS))
_CHROME_NAMES = frozenset(_CHROME_TAGS)
# Elements that hold the whole page or its main part: named like chrome only to style what they hold (a
# Bootstrap page's `<body class="fixed-top-nav">`), never chrome by their names; hidden, they still are.
_PAGE_TAGS = frozenset({"html", "body", "main"})
# Inline tags that may hold a counter inside a line of other text; a block-level element that is only a
# counter is its own block, and `is_counter` drops that block.
_COUNTER_TAGS = frozenset({"span", "a", "small", "button", "time", "label", "strong", "b", "em", "i"})

def drop(tag: etree._Element) -> None:
    """Remove `tag` and what is inside it, keeping the text that follows it."""
    parent = tag.getparent()
    if parent is None:
        return
    if tag.tail:
        before = tag.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + tag.tail
        else:
            parent.text = (parent.text or "") + tag.tail
    parent.remove(tag)


Tags = list[etree._Element]


def sort_out(tags: Tags) -> tuple[Tags, Tags, Tags]:
    """In one pass over the tree: the link cards; the chrome, by its tag, by its attributes, reaction
    counters, and a page's header and footer (a story's own <header> inside <article> or <section> is not
    chrome; the order of removal does not matter: each keeps its tail); and the tags that may mark the
    article (`_article_root`)."""
    cards, dropped, marked = [], [], []
    for t in tags:
        name = t.tag
        attrs = t.attrib
        if attrs:
            classes, ident = attrs.get("class"), attrs.get("id")
            names = _chrome_names(classes or "", ident or "") if classes or ident else _NO_NAMES
            if len(attrs) == 1 and classes is not None:  # only a class (most tags): its names tell all
                if names[3]:
                    marked.append(t)
                kind = _kind(t, names) if names[0] or names[1] or names[2] else None
            else:
                if names[3] or attrs.get("itemprop") == "articleBody" or attrs.get("role") == "main":
                    marked.append(t)
                kind = _kind(t, names)
            if kind is _CARD:
                cards.append(t)
                continue
            if kind is _CHROME or name in _CHROME_NAMES or (name in _COUNTER_TAGS and len(t) <= 3
                                                            and _is_counter_element(t)):
                dropped.append(t)
                continue
        elif name in _CHROME_NAMES:
            dropped.append(t)
            continue
        if name in ("header", "footer") and next(t.iterancestors("article", "section"), None) is None:
            dropped.append(t)
    return cards, dropped, marked


_PART_WORDS = frozenset({"header", "footer"})


def _own_part(tag: etree._Element) -> bool:
    """A tag named chrome only as a header or footer ("paper-card__footer") inside an <article>: the story's
    own header or footer (its links, its byline), as a <footer> tag there is, not the page's."""
    return _only_words(tag, _PART_WORDS) and next(tag.iterancestors("article"), None) is not None


_META_WORDS = frozenset({"meta", "byline"})


def _paper_meta(tag: etree._Element) -> bool:
    """A tag named chrome only as a meta line or byline that names a paper or its code ("Liu et al. · ICCV
    2021 · arXiv 2103.14030", "Radford et al. · [PDF]", "arXiv only · code"): in a digest of papers that line
    is where the paper and its repository are linked."""
    if not _only_words(tag, _META_WORDS):
        return False
    hrefs = [a.get("href") or "" for a in tag.iter("a")]
    if any(find_arxiv_in_url(h) or find_code_link(h) for h in hrefs):
        return True
    text = " ".join(tag.itertext())
    return bool(find_arxiv_in_text(text)) or any(find_code_link(url) for _, _, url in text_urls(text))


_THREAD_WORDS = frozenset({"comment", "comments"})
THREAD_MARK = "data-radar-comment"  # on each comment of a thread kept as the page's content (`keep_thread`)


def keep_thread(dropped: Tags, root: etree._Element, is_paper: Callable[[str], bool]) -> Tags:
    """`dropped` without the comments of a page whose comments are its content (a forum or Hacker News
    thread): where no paper is linked outside the dropped chrome, tags named chrome only as comments
    ("comment-tree", "comment") stay, each comment marked (`THREAD_MARK`) to be read as a story of its own.
    On a post with a comment section beside its text they go, unless the page is a discussion whose short
    opening post the replies outweigh (`_thread_is_content`: they link papers of their own and say more);
    there the replies that link a paper are stories, the others (thanks, asides, a port's link) stay chrome."""
    thread = [t for t in dropped if t.tag not in _CHROME_NAMES and _only_words(t, _THREAD_WORDS)]
    if not thread:
        return dropped
    gone = {id(t) for t in dropped}
    papers = [a for a in root.iter("a") if is_paper(a.get("href") or "")]
    own = {a.get("href") for a in papers if id(a) not in gone and not any(id(p) in gone for p in a.iterancestors())}
    if own and not _thread_is_content(thread, own, root, gone, is_paper):
        return dropped  # the page's own text links papers: its comments are beside it
    names = {id(t) for t in thread}
    posts = [t for t in thread if not any(id(inner) in names for inner in t.iterdescendants())]
    if own:  # beside an opening post, only the replies that link a paper are stories; the rest stays chrome
        posts = [t for t in posts if any(is_paper(a.get("href") or "") for a in t.iter("a"))]
    kept = {id(t) for t in posts}
    for t in posts:  # each comment is a story of its own: the innermost tags named as comments
        t.set(THREAD_MARK, "1")
        kept.update(id(a) for a in t.iterancestors() if id(a) in names)
    return [t for t in dropped if id(t) not in kept]


def _thread_is_content(thread: Tags, own: set[str | None], root: etree._Element, gone: set[int],
                       is_paper: Callable[[str], bool]) -> bool:
    """A discussion page whose comments are its content beside a short opening post (a link aggregator's
    thread: "Author here ...", then replies that bring their own papers): the comments link a paper the
    page's own text does not, and hold more prose (text outside links) than that text does."""
    outer = [t for t in thread if not any(id(a) in gone for a in t.iterancestors())]
    if not any(is_paper(a.get("href") or "") and a.get("href") not in own for t in outer for a in t.iter("a")):
        return False
    said = sum(_prose_len(t) for t in outer)
    body = next(root.iter("body"), root)
    chrome = [t for t in body.iter() if id(t) in gone and not any(id(a) in gone for a in t.iterancestors())]
    return said > _prose_len(body) - sum(_prose_len(t) for t in chrome)


def _prose_len(tag: etree._Element) -> int:
    """The length of a tag's text outside its links and outside tags that never hold text."""
    aside = [t for t in tag.iter() if t.tag == "a" or t.tag in _NO_TEXT_TAGS]
    return len(norm(" ".join(tag.itertext()))) - sum(len(norm(" ".join(t.itertext()))) for t in aside)


# Tags that never hold a document's text: what they hold is never the page's content.
_NO_TEXT_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "object", "video",
                           "audio", "canvas", "button", "input", "select", "textarea"})


def keep_content(dropped: Tags, root: etree._Element, is_paper: Callable[[str], bool]) -> Tags:
    """`dropped` without the element that holds the page's text, where chrome would hold every paper the page
    links: a wrapper named like chrome around the whole page ("has-navigation"), a post's text inside a
    <form> (an editable forum post). Chrome never holds a page's main text, so where no paper link is left
    outside the dropped tags, the outermost dropped tag around the most paper links goes back, if it is
    prose (most of its text outside links, not a list of links like a "related" box), not hidden, and not
    named only as comments (those are `keep_thread`'s); again until a paper link is left or none goes back."""
    gone = {id(t) for t in dropped}
    papers = []
    for a in root.iter("a"):  # most pages keep a paper link outside chrome: the first one found ends the search
        if is_paper(a.get("href") or ""):
            if not any(id(t) in gone for t in (a, *a.iterancestors())):
                return list(dropped)
            papers.append(a)
    for _ in range(8):  # each round brings back one tag; chrome is rarely nested deeper
        holders: dict[int, tuple[etree._Element, int]] = {}
        for a in papers:
            blockers = [t for t in (a, *a.iterancestors()) if id(t) in gone]
            if not blockers:
                return [t for t in dropped if id(t) in gone]
            outer = blockers[-1]
            holders[id(outer)] = (outer, holders.get(id(outer), (outer, 0))[1] + 1)
        found = [(n, t) for t, n in holders.values() if _holds_prose(t)]
        if not found:
            break
        gone.discard(id(max(found, key=lambda pair: pair[0])[1]))
    return dropped


def _holds_prose(tag: etree._Element) -> bool:
    """A tag that may be the page's content: one whose text is mostly outside its links, that is not hidden,
    never holds text (`_NO_TEXT_TAGS`) or is named only as comments."""
    if tag.tag in _NO_TEXT_TAGS or _hidden(tag) or _only_words(tag, _THREAD_WORDS):
        return False
    text = len(norm(" ".join(tag.itertext())))
    linked = sum(len(norm(" ".join(a.itertext()))) for a in tag.iter("a"))
    return text > 0 and linked * 2 < text


_OWN_RULE_WORDS = frozenset({"comment", "comments", "footnote", "footnotes", "cookie", "cookies"})


def may_hold_content(tag: etree._Element) -> bool:
    """A dropped tag that may go back as the page's text where what it holds says so (html_density.keep_prose):
    not hidden, and not named chrome only as comments or footnotes (read by `keep_thread` and
    footnotes.lend_notes) or as a cookie notice (long prose that is never the page's)."""
    return not _hidden(tag) and not _only_words(tag, _OWN_RULE_WORDS)


def _only_words(tag: etree._Element, words: frozenset[str]) -> bool:
    """A tag named chrome by its class and id only through `words`, and not hidden or a control."""
    if tag.get("role") in _CHROME_ROLES or _hidden(tag):
        return False
    names = set(_WORD_SPLIT.split(" ".join([*(tag.get("class") or "").split(), tag.get("id") or ""]).lower()))
    chrome = _CHROME_TOKENS.intersection(names)
    return bool(chrome) and chrome <= words


def keep_article(dropped: Tags, root: etree._Element, marked: Tags) -> Tags:
    """`dropped` without the tags that hold the page's article (`article_root` of `marked`, the tags with an
    article class, itemprop or role): a wrapper named like chrome ("js-code-nav-container", a page-wide
    <form>) around the article is not chrome, the article is inside it. A hidden wrapper stays dropped."""
    article = article_root(root, marked)
    if article is None or article.tag == "body" or not dropped:
        return dropped
    holding = {id(a) for a in article.iterancestors()}
    return [t for t in dropped if id(t) not in holding or _hidden(t)]


def content_root(root: etree._Element, article: etree._Element | None,
                 is_paper: Callable[[str], bool]) -> etree._Element | None:
    """`article` (`article_root`, chrome removed), or the page's <body> where that article is not where its
    text is: it links no paper, the page links one outside it, and most of the page's text is outside it (an
    empty <main> beside the column that holds the post). Else the article as chosen."""
    if article is None or article.tag == "body" or any(is_paper(a.get("href") or "") for a in article.iter("a")):
        return article
    body = next(root.iter("body"), None)
    if body is None or not any(is_paper(a.get("href") or "") for a in body.iter("a")):
        return article
    inside = len(norm(" ".join(article.itertext())))
    return body if inside * 2 < len(norm(" ".join(body.itertext()))) else article


def _hidden(tag: etree._Element) -> bool:
    return tag.get("aria-hidden") == "true" or bool(_HIDDEN.search(tag.get("style") or ""))


def attached(tag: etree._Element, root: etree._Element) -> bool:
    """Still in the tree under `root` (not inside chrome that was removed)."""
    return tag is root or any(a is root for a in tag.iterancestors())


_CARD, _CHROME = "card", "chrome"


def _kind(tag: etree._Element, names: tuple[bool, bool, bool, bool]) -> str | None:
    """A tag with attributes (and what its class and id name, `_chrome_names`): a link card, chrome (hidden, a
    navigation role, chrome names in its class or id, a Substack share or subscribe button), or neither."""
    attrs = tag.attrib
    style, component = attrs.get("style"), attrs.get("data-component-name")
    if (style and _HIDDEN.search(style)) or attrs.get("aria-hidden") == "true":
        return _CHROME
    if attrs.get("role") in _CHROME_ROLES:
        return _CHROME
    if component and _CHROME_COMPONENT.search(component):
        return _CHROME
    if names is _NO_NAMES:
        return _CARD if tag.tag == "iframe" and is_card(tag) or attrs.get("data-ke-type") == "opengraph" else None
    button, chrome, card, _ = names
    if card or tag.tag == "iframe" or attrs.get("data-ke-type") == "opengraph":
        return _CARD if is_card(tag) else None
    if button:  # Substack buttons: chrome when they share or subscribe
        html = etree.tostring(tag, encoding=str, method="html", with_tail=False)
        return _CHROME if _BUTTON_CHROME.search(html) else None
    if chrome and tag.tag in _PAGE_TAGS:
        return None  # <body class="fixed-top-nav">: a page-wide element's class describes the page, not chrome
    return _CHROME if chrome and not _own_part(tag) and not _paper_meta(tag) else None


def _is_counter_element(tag: etree._Element) -> bool:
    """A small element of the page's markup (one with attributes) that only counts reactions:
    `<span class="count">341 upvotes</span>`, `<div class="label">12</div>` beside a like icon."""
    if not len(tag):  # most: a leaf, whose text is its own
        text = tag.text
        return bool(text) and len(text) <= 80 and is_counter(text.strip())
    pieces: list[str] = []
    size = 0
    for piece in tag.itertext():
        pieces.append(piece)
        size += len(piece)
        if size > 80:
            return False
    return is_counter(norm("".join(pieces)))


@lru_cache(maxsize=4096)  # pure; a page repeats its few class names on most of its tags
def _chrome_names(classes: str, ident: str) -> tuple[bool, bool, bool, bool]:
    """Whether a tag's class and id make it a Substack button, whether they name chrome, a link card, and
    the article (one of `_ARTICLE_CLASSES`)."""
    article = not _ARTICLE_CLASSES.isdisjoint(classes.split())
    if is_card_class(classes):
        return False, False, True, article
    words = " ".join([*classes.split(), ident]).lower()
    if "button-wrap" in words or "captioned-button" in words:
        return True, False, False, article
    return False, bool(_CHROME_TOKENS.intersection(_WORD_SPLIT.split(words))), False, article


_NO_NAMES = (False, False, False, False)


def article_root(root: etree._Element, marked: Tags) -> etree._Element | None:
    """The article element: the one match of the most specific article selector, else the one <article>,
    else <main>, role=main or <body>; None for a page with none of these (walk the whole document). `marked`:
    the tags with an article class, itemprop or role, in document order."""
    candidates = [(t, frozenset(t.get("class", "").split()), t.get("itemprop")) for t in marked]
    for classes, itemprop in _ARTICLE_SELECTORS:
        found = [t for t, has, prop in candidates if (prop == itemprop if itemprop else classes <= has)]
        if len(found) == 1:
            return found[0]
    articles = list(root.iter("article"))
    if len(articles) == 1:
        return articles[0]
    for found in (next(root.iter("main"), None), next((t for t in marked if t.get("role") == "main"), None),
                  next(root.iter("body"), None)):
        if found is not None:
            return found
    return None
