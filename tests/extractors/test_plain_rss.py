"""The quick RSS reader (extractors/plain_rss.py) gives exactly the documents feedparser gives, or steps aside.

Every feed fixture of the repo, read with the response headers a fetch passes (none, a location, XML and
non-XML content types), and a table of small feeds, each varying one thing the reader has to get as
feedparser does (permalink guids, relative links, C1 characters, double-encoded UTF-8, the order of
description and content) or has to leave to feedparser (Atom, a DOCTYPE, `xml:base`, elements that feed a
title or a date in feedparser).
"""

from __future__ import annotations

import os
from pathlib import Path

import feedparser
import pytest

from extractors.documents import _entry_document, parse_feed_entries
from extractors.plain_rss import parse_plain_rss

ROOT = Path(__file__).resolve().parents[2]
_FEEDS = (".xml", ".rss", ".atom", ".rdf")
_HEADERS = [
    {},
    {"content-location": "https://example.com/feed/"},
    {"content-location": "https://example.com/feed/", "content-type": "application/rss+xml; charset=utf-8"},
    {"content-type": "text/xml"},
    {"content-type": "text/html; charset=UTF-8", "content-location": "http://127.0.0.1:8000/a/feed"},
]


def _feed_files() -> list[Path]:
    found = []
    for top in (ROOT / "tests", ROOT / "demo"):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("sealed"))  # never read
            found += [Path(folder, f) for f in sorted(files) if f.endswith(_FEEDS)]
    return found


def _by_feedparser(content: bytes, headers: dict[str, str]) -> tuple[list, bool]:
    parsed = feedparser.parse(content, response_headers=dict(headers), sanitize_html=False,
                              resolve_relative_uris=False)
    return [_entry_document(e, "src") for e in parsed.entries], bool(parsed.get("bozo"))


def _agrees(content: bytes, headers: dict[str, str]) -> bool:
    """Whether the quick reader took the feed; where it did, its documents and bozo are feedparser's."""
    plain = parse_plain_rss(content, dict(headers))
    if plain is None:
        return False
    assert ([_entry_document(e, "src") for e in plain.entries], plain.bozo) == _by_feedparser(content, headers)
    return True


def test_every_feed_fixture_reads_as_feedparser_reads_it():
    taken = 0
    for path in _feed_files():
        for headers in _HEADERS:
            taken += _agrees(path.read_bytes(), headers)
    assert taken >= 20 * len(_HEADERS)  # most fixtures are plain RSS: the comparison is not vacuous


def _rss(item: str, *, decl: str = '<?xml version="1.0" encoding="UTF-8"?>', channel: str = "",
         ns: str = "") -> bytes:
    return (f'{decl}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"{ns}><channel><title>T</title>{channel}'
            f"<item>{item}</item><item><title>Second</title><link>https://ex.com/2</link></item>"
            "</channel></rss>").encode()


_BODY = "<description><![CDATA[<p>Summary</p>]]></description>"
TAKEN = {
    "substack shape": '<title><![CDATA[A & B]]></title><link>https://ex.com/p/a</link>'
                      '<guid isPermaLink="false">https://ex.com/p/a</guid><dc:creator>Mara</dc:creator>'
                      '<pubDate>Sun, 02 Mar 2025 14:05:52 GMT</pubDate><enclosure url="https://ex.com/i.png"/>'
                      f'{_BODY}<content:encoded><![CDATA[<p>Full</p>]]></content:encoded>',
    "permalink guid, no link": "<title>x</title><guid>https://ex.com/p/b</guid>" + _BODY,
    "lowercase permalink attribute": '<title>x</title><guid ispermalink="true">/p/rel</guid>' + _BODY,
    "permalink false, no link": '<title>x</title><guid isPermaLink="false">tag:ex.com,2025:1</guid>' + _BODY,
    "guid before link": "<guid>https://ex.com/g</guid><link>https://ex.com/l</link>" + _BODY,
    "empty link after guid": "<guid>https://ex.com/g</guid><link></link>" + _BODY,
    "relative link": "<title>x</title><link>/p/relative?a=1&amp;b=2</link>" + _BODY,
    "entity in link": "<link>https://ex.com/?a=1&amp;amp;b=2&amp;c;</link>" + _BODY,
    "content before description": "<content:encoded>&lt;p&gt;Full&lt;/p&gt;</content:encoded>" + _BODY,
    "content only": "<title>x</title><content:encoded><![CDATA[<p>Only</p>]]></content:encoded>",
    "empty content": "<title>x</title><content:encoded></content:encoded>" + _BODY,
    "description only, escaped": "<title>x</title><description>&lt;b&gt;bold&lt;/b&gt; text</description>",
    "C1 characters": "<title>&#147;Quoted&#148; &#128;5</title><description>caf&#233; &#150; x</description>",
    "double-encoded UTF-8": "<title>CafÃ© Ã  la carte</title><description>NaÃ¯ve</description>",
    "Korean": "<title><![CDATA[논문 소개]]></title><description><![CDATA[<p>요약 – 1.7B</p>]]></description>",
    "author element": "<title>x</title><author>jo@ex.com (Jo Doe)</author>" + _BODY,
    "ISO date": "<title>x</title><pubDate>2025-03-02T14:05:52+09:00</pubDate>" + _BODY,
    "unreadable date": "<title>x</title><pubDate>sometime soon</pubDate>" + _BODY,
    "whitespace around text": "<title>\n   <![CDATA[  Spaced  ]]>\n </title><link>\n https://ex.com/s \n</link>",
    "comments and tags": "<title>x</title><comments>/c</comments><category>ML</category><!-- note -->" + _BODY,
    "no title": "<link>https://ex.com/n</link>" + _BODY,
}
LEFT = {
    "Atom": b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            b"<entry><title>x</title><id>i</id></entry></feed>",
    "latin-1 declared": _rss("<title>x</title>", decl='<?xml version="1.0" encoding="ISO-8859-1"?>'),
    "DOCTYPE": _rss("<title>x</title>", decl='<?xml version="1.0"?><!DOCTYPE rss>'),
    "undefined entity": _rss("<title>a&nbsp;b</title>"),
    "xml:base on the channel's image": _rss("<title>x</title><link>p</link>",
                                             channel='<image xml:base="https://other.example/"><url>u</url></image>'),
    "media:title": _rss("<media:title>Other</media:title><title>x</title>",
                        ns=' xmlns:media="http://search.yahoo.com/mrss/"'),
    "dc:date": _rss("<title>x</title><dc:date>2025-01-01</dc:date>"),
    "title twice": _rss("<title>x</title><title>y</title>"),
    "title in another case": _rss("<Title>x</Title>"),
    "typed description": _rss('<title>x</title><description type="text/plain">plain</description>'),
    "markup inside a title": _rss("<title>a <b>b</b></title>"),
}


@pytest.mark.parametrize("name", TAKEN)
@pytest.mark.parametrize("headers", _HEADERS, ids=["none", "location", "rss+xml", "text/xml", "text/html"])
def test_plain_feed_reads_as_feedparser_reads_it(name, headers):
    content = _rss(TAKEN[name])
    expect_taken = content.isascii() or headers.get("content-type") != "text/xml"  # us-ascii: feedparser overrides
    assert _agrees(content, headers) is expect_taken


@pytest.mark.parametrize("name", LEFT)
def test_other_feeds_are_left_to_feedparser(name):
    assert parse_plain_rss(LEFT[name], {}) is None
    assert parse_feed_entries(LEFT[name], None, source="src").documents == _by_feedparser(LEFT[name], {})[0]


def test_a_feed_without_a_declaration_is_taken_unless_its_location_makes_it_latin_1():
    content = _rss("<title>Café</title>", decl="")
    assert _agrees(content, {})
    assert not _agrees(content, {"content-location": "https://example.com/feed"})  # feedparser: ISO-8859-1
