"""A quick reader for plain RSS 2.0 feeds: the entries feedparser would give, read on lxml's tree.

Runs inside `parse_feed` (extractors/documents.py) before feedparser, which costs as much as reading a
whole entry's HTML: it parses through SAX callbacks in Python and copies and translates every body
several times. Most feeds (Substack's, Ghost's, WordPress's) are plain RSS 2.0: well-formed UTF-8, items
of a few simple elements. For those this reader gives exactly the entry fields the documents are made
of (id, link, title, content, summary, dates, author), with feedparser's own rules for each: its
whitespace stripping, its re-decoding of double-encoded UTF-8, its Windows-1252 repair, its URI
resolution and its date parsers (imported from feedparser itself, so that the two cannot drift).

Anything else returns None and feedparser reads the feed: another format (Atom, RDF), an encoding other
than UTF-8, a DOCTYPE or entity, any parse error or warning, `xml:base`, attributes on the elements read,
an element read twice in one item, or any item element outside the known few (`_FIELDS`, `_IGNORED`;
others can feed an entry's title or dates in feedparser, `media:title` or `dc:date`). tests/extractors/
test_plain_rss.py checks the two readers agree on every feed fixture and on variations of them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import RE_XML_PI_ENCODING, parse_content_type
from feedparser.html import _cp1252
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
# The item elements read, each by the entry field it fills; `author` and `dc:creator` fill the same one.
_FIELDS = {"title": "title", "link": "link", "guid": "id", "description": "summary", "pubDate": "published",
           "author": "author", _CREATOR: "author", _CONTENT: "content"}
# Item elements feedparser keeps apart from every field read here (links, tags, a comments URL).
_IGNORED = frozenset({"enclosure", "category", "comments"})
_C1 = re.compile("[\x80-\x9f]")  # the characters feedparser's Windows-1252 repair maps
_LINK_REF = re.compile("&([A-Za-z0-9_]+);")
_UNSAFE = re.compile(rb"<!(?!\[CDATA\[|--)", re.I)  # a DOCTYPE, an ENTITY or another declaration


@dataclass(frozen=True)
class PlainFeed:
    """The entries (dicts with feedparser's keys) and feedparser's `bozo` for the same bytes."""

    entries: list[dict[str, Any]]
    bozo: bool


def parse_plain_rss(content: bytes, headers: dict[str, str]) -> PlainFeed | None:
    """The entries of a plain RSS 2.0 feed, as feedparser would read `content` with these (lowercase)
    response headers; None for any feed this reader does not take (feedparser reads it)."""
    bozo = _plain_utf8(content, headers)
    if bozo is None or _UNSAFE.search(content) is not None:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if len(parser.error_log) or root.tag != "rss" or root.get("version") != "2.0":
        return None
    channels = [c for c in root if c.tag == "channel"]
    if len(channels) != 1 or channels[0].attrib:
        return None
    items = [i for i in channels[0] if i.tag == "item"]
    if not items or not _only_these_entries(root, items):
        return None  # no entry (feedparser says why), or entries where this reader does not look
    base = _base(headers.get("content-location", ""))
    entries = [_entry(item, base) for item in items]
    return None if any(e is None for e in entries) else PlainFeed(entries, bozo)


def _plain_utf8(content: bytes, headers: dict[str, str]) -> bool | None:
    """feedparser's `bozo` where it would read `content` as UTF-8 with no other complaint but about the
    headers (its convert_to_utf8, RFC 3023's rules); None where it would read it otherwise."""
    if not content.startswith((b"<?xml", b"<rss")):
        return None  # a byte order mark, leading space, another encoding's markers
    declared = RE_XML_PI_ENCODING.match(content)
    xml_encoding = declared.group(1).decode("utf-8", "replace").lower() if declared else ""
    mime, http_encoding = parse_content_type(headers.get("content-type") or "")
    acceptable = mime in ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity") or (
        mime.startswith("application/") and mime.endswith("+xml"))
    if acceptable:
        encoding = http_encoding or xml_encoding or "utf-8"
    elif mime in ("text/xml", "text/xml-external-parsed-entity") or (mime.startswith("text/")
                                                                    and mime.endswith("+xml")):
        encoding, acceptable = http_encoding or "us-ascii", True
    elif mime.startswith("text/"):
        encoding = http_encoding or "us-ascii"
    elif headers and "content-type" not in headers:
        encoding = xml_encoding or "iso-8859-1"
    else:
        encoding = xml_encoding or "utf-8"
    if xml_encoding and not _is_utf8(xml_encoding):
        return None
    try:
        name = codecs.lookup(encoding).name
        content.decode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return None
    if name != "utf-8" and not (name == "ascii" and content.isascii()):
        return None  # feedparser would decode it otherwise, or override the declared encoding (bozo)
    return bool(headers) and not acceptable


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _only_these_entries(root: etree._Element, items: list[etree._Element]) -> bool:
    """No element sets a base URI (feedparser keeps one set inside the channel for the items after it), and
    the only entries are `items`: feedparser takes an element named "item" or "entry", in any case and any
    namespace it knows, for an entry wherever it is."""
    entries = set(items)
    for el in root.iter(etree.Element):
        if any(k.rpartition("}")[2].lower() == "base" for k in el.attrib):
            return False  # (xml:base, and a "base" attribute in any namespace: feedparser reads both)
        tag = el.tag
        if tag[0] == "{":
            tag = tag[tag.index("}") + 1:]
        if tag.lower() in ("item", "entry") and el not in entries:
            return False
    return True


def _base(location: str) -> str:
    """The base URI feedparser resolves links against: the feed's location, then (no `xml:base` anywhere
    on the way) re-made safe at each of the four elements down to an item's field."""
    base = make_safe_absolute_uri("", location) or make_safe_absolute_uri(location) or ""
    for _ in range(4):  # <rss>, <channel>, <item>, the field: feedparser does it at every element start
        base = (make_safe_absolute_uri(base, base) or base) if base else _urljoin(base, base)
    return base


def _entry(item: etree._Element, base: str) -> dict[str, Any] | None:
    """One item's entry, or None where feedparser could read it otherwise."""
    if item.attrib:
        return None
    found: dict[str, etree._Element] = {}
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction: SAX reports neither
        field = _FIELDS.get(tag)
        if field is None:
            if tag not in _IGNORED or len(child):
                return None
            continue
        attrs = {k.lower() for k in child.attrib}
        if field in found or len(child) or attrs - ({"ispermalink"} if field == "id" else set()):
            return None
        found[field] = child
    return _fields(found, base)


def _fields(found: dict[str, etree._Element], base: str) -> dict[str, Any] | None:
    entry: dict[str, Any] = {}
    guid = found.get("id")
    permalink = guid is not None and _permalink(guid)
    if permalink is None:
        return None
    for field, el in found.items():
        value = _text(el.text or "", base if field in ("link", "id") and (field == "link" or permalink) else None)
        if field == "link":
            entry["link"] = _LINK_REF.sub(r"&\g<1>", value.replace("&amp;", "&"))
        elif field == "content":
            entry["content"] = [{"type": "text/html", "value": value}]
        elif field == "summary":
            entry["summary"] = value
            entry["summary_detail"] = {"type": "text/html"}
        elif field == "published":
            entry["published"] = value
            entry["published_parsed"] = _parse_date(value)
        else:
            entry[field] = value
    if "content" in entry and "summary" not in entry:
        entry["summary"] = entry["content"][0]["value"]  # feedparser copies the content to an absent summary
    if permalink and "link" not in entry:
        entry["link"] = entry["id"]  # a permalink guid is the link of an item without one
    return entry


def _permalink(guid: etree._Element) -> bool | None:
    """feedparser's reading of `isPermaLink` (any case of the name; the value exactly "true"), None where
    the attribute is given twice in different cases."""
    values = [v for k, v in guid.attrib.items() if k.lower() == "ispermalink"]
    if len(values) > 1:
        return None
    return (values[0] if values else "true") == "true"


def _text(text: str, base: str | None) -> str:
    """An element's text as feedparser's `pop` leaves it: stripped, resolved against `base` (links and
    permalink guids), double-encoded UTF-8 undone, Windows-1252's C1 characters mapped."""
    output = text.strip()
    if base is not None and output:
        output = _urljoin(base, output)
    try:
        output = output.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if not output.isascii() and _C1.search(output):
        output = output.translate(_cp1252)
    return output
