"""Document parsers: kind sniffing, and the fallbacks of each parser (keys, titles, dates, errors)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extractors import ParseError, parse_document_bytes, parse_email, parse_feed, parse_page
from extractors.documents import sniff_kind
from extractors.html_blocks import html_blocks

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>/p/one?utm_source=rss</link><description>&lt;a href="/p/two"&gt;x&lt;/a&gt;</description>
</item></channel></rss>"""


@pytest.mark.parametrize(
    ("content", "location", "content_type", "kind"),
    [
        (RSS, "feed", None, "feed"),
        (b"\xef\xbb\xbf  <feed xmlns='http://www.w3.org/2005/Atom'>", "x", None, "feed"),
        (b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'>", "x", None, "feed"),
        (b"Received: from x\r\nFrom: a@b\r\n\r\nbody", "msg", None, "email"),
        (b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhi", "msg", None, "email"),
        (b"From: a@b\nSubject: feeds\n\n<rss version='2.0'><channel>", "msg.xml", None, "email"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "page.xml", None, "page"),
        (b"<html><head><link rel=alternate type=application/rss+xml></head></html>", "x", None, "page"),
        (b"no markup at all", "issue.eml", None, "email"),
        (b"no markup at all", "https://a.org/feed.rss?x=1", None, "feed"),
        (b"no markup at all", "https://a.org/feed", "application/rss+xml; charset=utf-8", "feed"),
        (b"no markup at all", "notes.txt", None, "text"),
        (b"no markup at all", "https://a.org/x", "text/html", "page"),
    ],
)
def test_sniff_kind(content: bytes, location: str, content_type: str | None, kind: str) -> None:
    assert sniff_kind(content, location, content_type) == kind


def test_parse_feed_resolves_relative_links_against_the_url_given() -> None:
    [doc] = parse_feed(RSS, "https://news.example.org/feed", {"Content-Type": "application/rss+xml"}, source="s")
    assert doc.url == "https://news.example.org/p/one"
    assert doc.key == "https://news.example.org/p/one"  # no guid: the link, cleaned
    # The body is the entry's HTML as written; its links are resolved when it is read, against the entry's URL.
    assert 'href="/p/two"' in doc.body
    assert [a.href for b in html_blocks(doc.body, doc.url) for a in b.anchors] == ["https://news.example.org/p/two"]
    assert (doc.source, doc.title, doc.published) == ("s", "One", None)


def test_parse_feed_error_names_the_url() -> None:
    with pytest.raises(ParseError, match=r"https://news\.example\.org/feed: not a readable feed"):
        parse_feed(b"<html><body>Moved</body>", "https://news.example.org/feed")


def test_an_html_error_page_served_as_a_feed_is_an_error() -> None:
    page = b"<html><body><h1>Service unavailable</h1></body></html>"
    with pytest.raises(ParseError, match=r"https://a\.org/junk\.xml: not a readable feed \(no RSS, Atom or RDF"):
        parse_feed(page, "https://a.org/junk.xml", {"content-type": "application/rss+xml"})


def test_a_valid_feed_without_entries_is_empty() -> None:
    assert parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>', None) == []


def test_parse_feed_error_names_the_source_without_url() -> None:
    with pytest.raises(ParseError, match="my-source"):
        parse_feed(b"\x00\x01 garbage <<<", None, source="my-source")


def test_parse_page_falls_back_to_title_then_h1_and_the_url() -> None:
    doc = parse_page(b"<html><head><title> A  page </title></head><body><h1>H</h1></body></html>", "https://a.org/x")
    assert (doc.title, doc.key, doc.url) == ("A page", "https://a.org/x", "https://a.org/x")
    doc = parse_page(b"<html><body><h1>Only <em>h1</em></h1></body></html>", None, source="src")
    assert (doc.title, doc.key, doc.url) == ("Only h1", "src", None)


def test_parse_page_reads_og_url_and_declared_charset() -> None:
    html = '<html><head><meta charset="windows-1252"><meta property="og:url" content="/p/1?utm_medium=x">'
    html += "<meta property='og:title' content='Caf\xe9'></head><body>\u201cquoted\u201d</body></html>"
    doc = parse_page(html.encode("cp1252"), "https://a.org/")
    assert (doc.title, doc.key) == ("Café", "https://a.org/p/1")
    assert "\u201cquoted\u201d" in doc.body


def test_parse_page_rejects_empty_content() -> None:
    with pytest.raises(ParseError, match="page.html"):
        parse_document_bytes(b"", "page.html")


def test_parse_email_without_message_id_is_keyed_by_location() -> None:
    raw = (b"From: a@b.org\nSubject: Hi\nDate: Mon, 6 May 2024 09:15:00\n"
           b"Content-Type: text/plain; charset=bogus\n\nhello \xe9")
    doc = parse_email(raw, "mail/1.eml", source="inbox")
    assert (doc.key, doc.title, doc.body_type, doc.url) == ("mail/1.eml", "Hi", "text", None)
    assert doc.published == datetime(2024, 5, 6, 9, 15, tzinfo=UTC)  # no zone given: taken as UTC
    assert doc.body == "hello é"  # unknown charset: UTF-8 tried, then Windows-1252


def test_parse_email_without_a_body_is_an_error() -> None:
    raw = (b"From: a@b.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
           b"Content-Type: application/pdf\nContent-Disposition: attachment\n\nJVBERi0=\n--x--\n")
    with pytest.raises(ParseError, match="inbox/2.eml: email has no text or HTML body"):
        parse_email(raw, "inbox/2.eml")


def test_plain_text_file_is_a_text_document() -> None:
    [doc] = parse_document_bytes(b"Issue 3\n\n* Title\n  arXiv:2401.15077\n", "notes.txt", source="cli")
    assert (doc.title, doc.body_type, doc.key) == ("Issue 3", "text", "notes.txt")
