"""sources.http against a real server on 127.0.0.1 (tests/httpserver.py): no mocks."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator
from datetime import UTC

import feedparser
import httpx
import pytest

from sources.errors import (
    ConnectError,
    FetchTimeout,
    HTTPStatusError,
    SourceError,
    TooLarge,
    TooManyRedirects,
    TransferError,
)
from sources.http import fetch_url, make_client
from tests.httpserver import LocalServer, Reply

MB = 1024 * 1024
RSS = "application/rss+xml; charset=utf-8"
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Import AI</title><link>https://example.invalid/</link>
<item><title>Paper of the week</title><link>/posts/1</link><guid>p1</guid></item>
</channel></rss>"""
# Same structure, non-ASCII text in three scripts; served with a charset that does not match.
FEED_UTF8 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Café des modèles — 논문 소식</title><link>/</link>
<item><title>새로운 논문: Über-Attention</title><link>/posts/2</link>
<description>&lt;p&gt;Résumé “quoted” – 요약&lt;/p&gt;</description></item>
</channel></rss>""".encode()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(timeout=2.0) as client:
        yield client


def test_200_keeps_bytes_headers_and_validators(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED, headers={"Content-Type": RSS, "X-Extra": "1"}, etag='"v1"')

    fetched = fetch_url(client, http_server.url("/feed.xml"), source="import-ai")

    assert (fetched.status, fetched.content, fetched.content_type) == (200, FEED, RSS)
    assert fetched.source == "import-ai"
    assert fetched.url == fetched.requested_url == http_server.url("/feed.xml")
    assert fetched.etag == '"v1"' and fetched.last_modified is None
    assert fetched.headers["x-extra"] == "1" and fetched.headers["content-type"] == RSS
    assert not fetched.not_modified and not fetched.redirected
    assert fetched.fetched_at.tzinfo == UTC


def test_etag_refetch_sends_if_none_match_and_gets_304(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED, headers={"Content-Type": RSS}, etag='W/"v1"')
    first = fetch_url(client, http_server.url("/feed.xml"), source="s")

    again = fetch_url(client, http_server.url("/feed.xml"), source="s", etag=first.etag)

    assert http_server.requests[-1].headers["if-none-match"] == 'W/"v1"'
    assert again.not_modified and again.status == 304 and again.content == b""
    assert again.etag == 'W/"v1"'


def test_last_modified_refetch_sends_if_modified_since_and_gets_304(
    client: httpx.Client, http_server: LocalServer
) -> None:
    stamp = "Wed, 05 Nov 2025 08:00:00 GMT"
    http_server.route("/feed.xml", FEED, last_modified=stamp)
    first = fetch_url(client, http_server.url("/feed.xml"), source="s")

    again = fetch_url(client, http_server.url("/feed.xml"), source="s", last_modified=first.last_modified)

    assert first.last_modified == stamp
    assert http_server.requests[-1].headers["if-modified-since"] == stamp
    assert again.not_modified and again.last_modified == stamp


def test_first_fetch_sends_no_conditional_headers(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED, etag='"v1"')
    fetch_url(client, http_server.url("/feed.xml"), source="s")
    sent = http_server.requests[-1].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_changed_etag_gives_full_body_and_new_validator(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED, etag='"v2"')
    fetched = fetch_url(client, http_server.url("/feed.xml"), source="s", etag='"v1"')
    assert fetched.status == 200 and fetched.content == FEED and fetched.etag == '"v2"'


def test_304_without_validators_keeps_the_ones_sent(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.handle("/feed.xml", lambda request: Reply(status=304))
    stamp = "Wed, 05 Nov 2025 08:00:00 GMT"
    fetched = fetch_url(client, http_server.url("/feed.xml"), source="s", etag='"v1"', last_modified=stamp)
    assert fetched.not_modified and (fetched.etag, fetched.last_modified) == ('"v1"', stamp)


def test_user_agent_names_paper_radar_and_accepts_feeds(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", FEED)
    fetch_url(client, http_server.url("/feed.xml"), source="s")
    sent = http_server.requests[-1].headers
    assert sent["user-agent"].startswith("paper-radar/")
    assert "+https://github.com/paper-radar/paper-radar" in sent["user-agent"]
    assert "application/rss+xml" in sent["accept"] and "text/html" in sent["accept"]


def test_server_error_names_source_url_and_status(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", b"oops", status=500)
    url = http_server.url("/feed.xml")

    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(client, url, source="import-ai")

    error = caught.value
    assert (error.status, error.source, error.url) == (500, "import-ai", url)
    assert "import-ai" in str(error) and url in str(error) and "HTTP 500 Internal Server Error" in str(error)
    assert error.retryable


def test_not_found_is_not_retryable(client: httpx.Client, http_server: LocalServer) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(client, http_server.url("/gone.xml"), source="s")
    assert caught.value.status == 404 and "404 Not Found" in str(caught.value)
    assert not caught.value.retryable


def test_rate_limited_reports_retry_after(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/feed.xml", b"", status=429, headers={"Retry-After": "120"})
    with pytest.raises(HTTPStatusError) as caught:
        fetch_url(client, http_server.url("/feed.xml"), source="s")
    assert caught.value.retry_after == 120.0 and caught.value.retryable


def test_slow_server_times_out(http_server: LocalServer) -> None:
    http_server.route("/slow.xml", FEED, delay=2.0)
    url = http_server.url("/slow.xml")
    started = time.monotonic()

    with make_client(timeout=0.5) as client, pytest.raises(FetchTimeout) as caught:
        fetch_url(client, url, source="slow-feed")

    assert time.monotonic() - started < 1.9
    assert "slow-feed" in str(caught.value) and url in str(caught.value) and "timed out" in str(caught.value)
    assert caught.value.retryable


def test_redirect_is_followed_and_final_url_recorded(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.redirect("/old.xml", "/feeds/new.xml", status=301)
    http_server.route("/feeds/new.xml", FEED, headers={"Content-Type": RSS})

    fetched = fetch_url(client, http_server.url("/old.xml"), source="s")

    assert fetched.content == FEED and fetched.redirected
    assert fetched.url == http_server.url("/feeds/new.xml")
    assert fetched.requested_url == http_server.url("/old.xml")
    parsed = feedparser.parse(fetched.content, response_headers=fetched.parser_headers)
    assert parsed.entries[0].link == http_server.url("/posts/1")  # relative links resolve against the final URL


def test_redirect_loop_raises_too_many_redirects(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    url = http_server.url("/a")

    with pytest.raises(TooManyRedirects) as caught:
        fetch_url(client, url, source="loopy")

    assert "loopy" in str(caught.value) and url in str(caught.value) and "more than 5 times" in str(caught.value)
    assert len(http_server.requests) == 6  # the first request plus the 5 redirects allowed


def test_long_redirect_chain_stops_at_max_redirects(http_server: LocalServer) -> None:
    for hop in range(3):
        http_server.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    http_server.route("/hop3", FEED)

    with make_client(max_redirects=2) as client, pytest.raises(TooManyRedirects):
        fetch_url(client, http_server.url("/hop0"), source="s")


def test_chunked_body_over_cap_is_cut_off_early(client: httpx.Client, http_server: LocalServer) -> None:
    big = http_server.stream("/big.xml", 50 * MB)

    with pytest.raises(TooLarge) as caught:
        fetch_url(client, http_server.url("/big.xml"), source="huge", max_bytes=1 * MB)

    assert caught.value.cap == MB and caught.value.size is None
    assert "1,048,576-byte cap" in str(caught.value) and "huge" in str(caught.value)
    assert big.wait(), "the server never noticed the client hang up"
    assert big.sent < 25 * MB, f"the client let the server send {big.sent:,} bytes"


def test_declared_length_over_cap_is_refused_unread(client: httpx.Client, http_server: LocalServer) -> None:
    big = http_server.stream("/big.xml", 50 * MB, content_length=50 * MB)

    with pytest.raises(TooLarge) as caught:
        fetch_url(client, http_server.url("/big.xml"), source="s", max_bytes=1 * MB)

    assert caught.value.size == 50 * MB and "52,428,800 bytes" in str(caught.value)
    assert big.wait()
    assert big.sent < 25 * MB, f"the client let the server send {big.sent:,} bytes"


def test_content_length_understating_body_reads_only_declared_bytes(
    client: httpx.Client, http_server: LocalServer
) -> None:
    http_server.stream("/lying.xml", 5 * MB, content_length=1000)
    fetched = fetch_url(client, http_server.url("/lying.xml"), source="s", max_bytes=1 * MB)
    assert len(fetched.content) == 1000


def test_truncated_body_is_an_error_not_a_short_feed(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.stream("/cut.xml", 1000, content_length=5000)
    url = http_server.url("/cut.xml")

    with pytest.raises(TransferError) as caught:
        fetch_url(client, url, source="s")

    assert url in str(caught.value) and caught.value.retryable


def test_gzip_body_is_decoded_and_capped_after_decoding(client: httpx.Client, http_server: LocalServer) -> None:
    headers = {"Content-Type": RSS, "Content-Encoding": "gzip"}
    http_server.route("/feed.xml", gzip.compress(FEED), headers=headers)
    http_server.route("/bomb.xml", gzip.compress(b" " * (20 * MB)), headers=headers)

    assert fetch_url(client, http_server.url("/feed.xml"), source="s").content == FEED
    with pytest.raises(TooLarge):
        fetch_url(client, http_server.url("/bomb.xml"), source="s", max_bytes=1 * MB)


def test_connection_refused_raises_connect_error(client: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{closed_port}/feed.xml"

    with pytest.raises(ConnectError) as caught:
        fetch_url(client, url, source="down")

    assert "down" in str(caught.value) and url in str(caught.value) and "could not connect" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "javascript:alert(1)", "feed.xml"])
def test_non_http_urls_are_refused_before_connecting(client: httpx.Client, http_server: LocalServer, url: str) -> None:
    with pytest.raises(SourceError) as caught:
        fetch_url(client, url, source="s")
    assert url in str(caught.value) and "not an http(s) URL" in str(caught.value)
    assert http_server.requests == []


def test_redirect_to_non_http_scheme_is_a_source_error(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.redirect("/feed.xml", "ftp://127.0.0.1/feed.xml")
    with pytest.raises(SourceError, match="not http"):
        fetch_url(client, http_server.url("/feed.xml"), source="s")


def test_wrong_charset_header_passes_through_and_feedparser_reads_utf8(
    client: httpx.Client, http_server: LocalServer
) -> None:
    lying_type = "application/rss+xml; charset=iso-8859-1"
    http_server.route("/feed.xml", FEED_UTF8, headers={"Content-Type": lying_type})

    fetched = fetch_url(client, http_server.url("/feed.xml"), source="s")
    parsed = feedparser.parse(fetched.content, response_headers=fetched.parser_headers)

    assert fetched.content == FEED_UTF8 and fetched.content_type == lying_type
    assert parsed.feed.title == "Café des modèles — 논문 소식"
    assert parsed.entries[0].title == "새로운 논문: Über-Attention"
    assert parsed.entries[0].summary == "<p>Résumé “quoted” – 요약</p>"


def test_korean_utf8_feed_parses_with_passed_headers(client: httpx.Client, http_server: LocalServer) -> None:
    http_server.route("/ko.xml", FEED_UTF8, headers={"Content-Type": "text/xml; charset=utf-8"})

    fetched = fetch_url(client, http_server.url("/ko.xml"), source="s")
    parsed = feedparser.parse(fetched.content, response_headers=fetched.parser_headers)

    assert not parsed.bozo
    assert parsed.entries[0].title == "새로운 논문: Über-Attention"
    assert parsed.entries[0].link == http_server.url("/posts/2")


def test_malformed_xml_is_fetched_and_left_to_the_parser(client: httpx.Client, http_server: LocalServer) -> None:
    broken = b'<?xml version="1.0"?><rss><channel><title>Half & broken</title><item><title>x</item>'
    http_server.route("/broken.xml", broken, headers={"Content-Type": RSS})

    fetched = fetch_url(client, http_server.url("/broken.xml"), source="s")
    parsed = feedparser.parse(fetched.content, response_headers=fetched.parser_headers)

    assert fetched.content == broken
    assert parsed.bozo
