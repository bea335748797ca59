"""Big bad inputs, made at test time (never committed): each case's expectation names its generator.

Every generator returns the bytes of one input; `tests/reliability/conftest.py` writes each one once per
session, so a case that needs it reads a file. Sizes are the issue's: a 10 MB line, 100,000 entries,
100,000-deep nesting, a 2,000-deep multipart email, a gzip body that inflates a hundredfold past the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

MB = 1_000_000
_RSS_HEAD = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Generated</title>'
             b"<link>http://127.0.0.1/</link><description>made by tests/reliability/generators.py</description>\n")
_RSS_TAIL = b"</channel></rss>\n"
_PAPER = b'<p>We read <a href="https://arxiv.org/abs/2501.00001">the paper</a>; it reaches 61.5% on MMLU.</p>'


def _item(n: int, description: bytes) -> bytes:
    return (b"<item><title>Post %d</title><link>http://127.0.0.1/p/%d</link><guid>gen-%d</guid>"
            b"<pubDate>Mon, 03 Nov 2025 10:00:00 GMT</pubDate><description><![CDATA[%s]]></description></item>\n"
            % (n, n, n, description))


def ten_mb_line() -> bytes:
    """One entry whose body is a single 10,000,000-byte line (words, no line break), under the 10 MiB cap."""
    filler = b"lorem ipsum dolor sit amet " * (10 * MB // 27 + 1)
    return _RSS_HEAD + _item(1, _PAPER + filler[: 10 * MB]) + _RSS_TAIL


def hundred_thousand_entries() -> bytes:
    """100,000 small entries (about 8 MB): more than any feed has, under the byte cap."""
    return _RSS_HEAD + b"".join(
        b"<item><title>P%d</title><guid>g%d</guid><description>post %d</description></item>\n" % (n, n, n)
        for n in range(100_000)) + _RSS_TAIL


def deep_xml() -> bytes:
    """A feed entry whose description holds 100,000 nested elements (XML, not escaped HTML)."""
    depth = 100_000
    return (_RSS_HEAD + b"<item><title>Deep</title><link>http://127.0.0.1/deep</link><guid>deep</guid><description>"
            + b"<x>" * depth + b"bottom" + b"</x>" * depth + b"</description></item>\n" + _RSS_TAIL)


def deep_html() -> bytes:
    """A web page 100,000 <div>s deep, with a paper link at the bottom."""
    depth = 100_000
    return (b"<!doctype html><html><head><title>Deep page</title></head><body>" + b"<div>" * depth + _PAPER
            + b"</div>" * depth + b"</body></html>\n")


def deep_multipart() -> bytes:
    """An email of multiparts nested 2,000 deep, a text part at the bottom."""
    depth = 2000
    head = (b"From: Deep <deep@example.org>\r\nTo: me@example.org\r\nSubject: Deep multipart\r\n"
            b"Message-ID: <deep-multipart@example.org>\r\nDate: Tue, 04 Nov 2025 08:00:00 +0000\r\n"
            b"MIME-Version: 1.0\r\n")
    parts = [head + b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n']
    for n in range(1, depth):
        parts.append(b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (n - 1, n))
    parts.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\nhttps://arxiv.org/abs/2501.00001\r\n" % (depth - 1))
    parts += [b"--b%d--\r\n" % n for n in reversed(range(depth))]
    return b"".join(parts)


def billion_laughs() -> bytes:
    """The classic entity bomb: ten levels of ten references, 10^9 "lol"s if expanded."""
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)]
    return (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [\n' + b"\n".join(entities) + b"\n]>\n"
            b'<rss version="2.0"><channel><title>Laughs</title><link>http://127.0.0.1/</link><description>x</description>'
            b"<item><title>&lol9;</title><link>http://127.0.0.1/lol</link><guid>lol</guid>"
            b"<description>&lol9;</description></item></channel></rss>\n")


def gzip_bomb() -> bytes:
    """256 MiB of zeros as a gzip body (about 260 KB on the wire, 1,000:1): 25 times the 10 MiB cap."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    zeros = b"\0" * (1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(256)) + packer.flush()


GENERATORS: dict[str, Callable[[], bytes]] = {f.__name__: f for f in (
    ten_mb_line, hundred_thousand_entries, deep_xml, deep_html, deep_multipart, billion_laughs, gzip_bomb)}
