"""Link cards: the preview boxes that blog and forum engines draw for a pasted link, read as links.

Runs inside `html_blocks`, on the parsed tree, before page chrome is removed (a card often sits in an
`<aside>` or an `<iframe>`, which are otherwise chrome). Owns which elements are cards and what a card
says: where it points, its title (the link's text) and its description. Everything else a card draws
(the site's name and icon, a thumbnail, the author, star and like counters) is dropped with it.

Cards recognised, by the markup their engines write:
- Discourse onebox: `<aside class="onebox" data-onebox-src="...">`, title in its `<h3><a>`;
- Ghost bookmark: `<figure class="kg-bookmark-card"><a class="kg-bookmark-container" href>` with
  `.kg-bookmark-title` and `.kg-bookmark-description`;
- Substack embedded post: `.embedded-post-wrap` (its URL in `data-attrs`), `.embedded-post-title`;
- Tistory and Kakao open-graph boxes: `<figure data-ke-type="opengraph">`, `.og-title`, `.og-desc`;
- Medium mixtape embeds: `.graf--mixtapeEmbed`, title in its `<strong>`;
- generic preview cards (`.link-card`, `.link-preview`, `.bookmark-card`, `.preview-card`);
- `<iframe>` embeds: the `src` (or `data-src`), titled by the frame's `title`.

A card becomes `<p data-radar-card="1"><a href="URL">TITLE</a></p>` followed by `<p>DESCRIPTION</p>`,
so that the block reader treats it as a paragraph that is one link (`Block.card` marks it).
"""

from __future__ import annotations

import json
import re

from lxml import etree

from extractors.links import find_arxiv_in_url, find_code_link

CARD_MARK = "data-radar-card"
_CARD_CLASSES = frozenset({
    "onebox", "kg-bookmark-card", "embedded-post-wrap", "embedded-post", "graf--mixtapeEmbed", "link-card",
    "link-preview", "bookmark-card", "preview-card", "linkcard", "og-card",
})
# A card word as a whole part of a class name, at its end or before "block", "card", "wrap" or "container"
_CARD_WORD = re.compile(r"(?:^|[-_])(?:bookmark|oglink|og-link|link-?card|link-?preview|url-?preview|embed-?card"
                        r"|embed|github-readme|status-card|unfurl)"
                        r"(?:[-_](?:block|card|wrap|container|box|component|tag))?$", re.I)
_TITLE_CLASS = re.compile(r"(?:^|[-_])(?:title|headline|name)(?:$|[-_])", re.I)
_DESC_CLASS = re.compile(r"(?:^|[-_])(?:desc|description|excerpt|summary|subtitle|body)(?:$|[-_])", re.I)
_SKIP_CLASS = re.compile(r"(?:^|[-_])(?:meta|metadata|source|site|publisher|author|icon|thumbnail|image|img|cta"
                         r"|host|domain|publication|footer|header|info|stats?)(?:$|[-_])", re.I)
_URL_ATTRS = ("data-onebox-src", "data-source-url", "data-url", "data-href", "data-src", "src")
_ARXIV_PREFIX = re.compile(r"^\s*\[\d{4}\.\d{4,5}(?:v\d+)?\]\s*")  # arXiv's page titles: "[2401.15077] Title"


def is_card(tag: etree._Element) -> bool:
    """`tag` (an element with attributes) is a link card."""
    if tag.tag == "iframe":
        return bool(tag.get("src") or tag.get("data-src"))
    classes = tag.get("class")
    return (bool(classes) and is_card_class(classes)) or tag.get("data-ke-type") == "opengraph"


def is_card_class(classes: str) -> bool:
    """A class attribute that names a link card: one of the engines' own names ("onebox", "kg-bookmark-card",
    "embedded-post-wrap", ...), or a class made of a card word and a prefix or suffix of the engine's
    ("notion-bookmark-block", "se-oglink", "wp-link-preview"): the parts inside a card ("...-title",
    "...-info") are read by the card, not taken for cards of their own (`rewrite_cards` keeps the outermost)."""
    tokens = classes.split()
    return not _CARD_CLASSES.isdisjoint(tokens) or any(_CARD_WORD.search(t) for t in tokens if len(t) > 6)


def rewrite_cards(cards: list[etree._Element]) -> list[etree._Element]:
    """Replace each link card (`is_card`) with a one-link paragraph and its description; the new elements."""
    outer = set(cards)
    made: list[etree._Element] = []
    for card in cards:
        if any(a in outer for a in card.iterancestors()):
            continue  # a card drawn inside another card (Substack's wrap and its inner post) is read once
        href = _href(card)
        if href is None:
            continue
        title = _title(card, href)
        made += _replace(card, href, title, _description(card, title))
    return made


def _href(card: etree._Element) -> str | None:
    for attr in _URL_ATTRS:
        value = (card.get(attr) or "").strip()
        if value.lower().startswith(("http://", "https://", "//")):
            return "https:" + value if value.startswith("//") else value
    attrs = card.get("data-attrs")
    if attrs:
        try:
            data = json.loads(attrs)
        except ValueError:
            data = None
        url = data.get("url") if isinstance(data, dict) else None
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return url
    titled = [a for a in card.iter("a") if a.get("href") and _text(a) and not _in_skipped(a, card)]
    # a repository card's title links the owner and then the repository ("acme / fast-rope"): the card is
    # about what it links as a paper or a repository, where it links one
    first = next((a for a in titled if _is_work(a.get("href"))), titled[0] if titled else None)
    first = first if first is not None else next((a for a in card.iter("a") if a.get("href")), None)
    return first.get("href").strip() if first is not None else None


def _is_work(href: str) -> bool:
    return find_arxiv_in_url(href) is not None or find_code_link(href) is not None


def _title(card: etree._Element, href: str) -> str:
    for el in card.iter(etree.Element):
        if el is not card and _TITLE_CLASS.search(el.get("class") or "") and not _in_skipped(el, card) and _text(el):
            return _clean_title(_text(el))
    for path in ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b"):
        el = next((e for e in card.iter(path) if _text(e) and not _in_skipped(e, card)), None)
        if el is not None:
            return _clean_title(_text(el))
    named = card.get("title") or card.get("aria-label")
    if named and named.strip():
        return _clean_title(named)
    link = next((a for a in card.iter("a") if a.get("href") and _text(a) and not _in_skipped(a, card)), None)
    return _clean_title(_text(link)) if link is not None else href


def _description(card: etree._Element, title: str) -> str:
    """The card's description: its description element, else its first paragraph, never the title."""
    def fits(el: etree._Element) -> bool:
        text = _text(el)
        return bool(text) and title not in _clean_title(text) and not _in_skipped(el, card)

    described = (el for el in card.iter(etree.Element)
                 if el is not card and _DESC_CLASS.search(el.get("class") or "") and fits(el))
    found = next(described, None)
    if found is None:
        found = next((p for p in card.iter("p") if fits(p)), None)
    return _text(found) if found is not None else ""


def _in_skipped(el: etree._Element, card: etree._Element) -> bool:
    """Inside the card's header, site name, author line, counters or thumbnail."""
    for node in (el, *el.iterancestors()):
        if node is card:
            return False
        if _SKIP_CLASS.search(node.get("class") or "") or node.tag in ("header", "footer", "figcaption"):
            return True
    return False


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _clean_title(text: str) -> str:
    return _ARXIV_PREFIX.sub("", " ".join(text.split()))


def _replace(card: etree._Element, href: str, title: str, description: str) -> list[etree._Element]:
    parent = card.getparent()
    if parent is None:
        return []
    para = etree.Element("p", {CARD_MARK: "1"})
    link = etree.SubElement(para, "a", {"href": href})
    link.text = title
    parts = [para]
    if description and description != title:
        desc = etree.Element("p")
        desc.text = description
        parts.append(desc)
    parts[-1].tail = card.tail
    index = parent.index(card)
    parent.remove(card)
    for offset, part in enumerate(parts):
        parent.insert(index + offset, part)
    return [*parts, link]
