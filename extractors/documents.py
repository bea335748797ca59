"""Parse fetched bytes into `Document`s: feeds (feedparser; plain RSS 2.0 by extractors/plain_rss.py, which
reads the same entries quicker), web pages (lxml), emails (stdlib).

Runs right after `sources/` hands over bytes, in the flows and in `radar extract`. Owns telling the kinds
of document apart (`parse_document_bytes`) and each kind's natural key, title, date, author and body. Bodies
are kept raw (the whole page, the entry's full HTML) so that item extraction can be re-run later.
"""

from __future__ import annotations

import email
import hashlib
import html as html_lib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4.dammit import EncodingDetector
from lxml import etree

from extractors.errors import ParseError
from extractors.html_blocks import get_text, parse_tree
from extractors.links import clean_url, find_arxiv_in_url
from extractors.plain_rss import parse_plain_rss
from records.documents import Document

_FEED_START = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.I)
_JSON_FEED = re.compile(rb'^\{.{0,2048}?"version"\s*:\s*"https?://jsonfeed\.org/version/', re.S)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)[\s>]", re.I)
_EMAIL_HEADER = re.compile(
    rb"(?:from |(?:return-path|received|from|to|subject|date|mime-version|message-id|delivered-to|reply-to"
    rb"|content-type|dkim-signature|arc-[\w-]+|authentication-results|x-[\w-]+|sender|list-id):)",
    re.I,
)
#: An address in a part: a URL, or a paper host's address written without its scheme
_WEB_ADDRESS = re.compile(r"(?:https?://|(?<![\w./])(?:www\.)?(?:arxiv\.org|alphaxiv\.org|huggingface\.co)/)"
                          r"[^\s\"'<>)\]]+", re.I)
_TAG = re.compile(r"<[^>]*>")
_STYLE_BLOCK = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.I | re.S)
_FEED_EXTENSIONS = (".xml", ".rss", ".atom", ".rdf")
_ENTRY_OPEN = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]", re.I)
_ENTRY_CLOSE = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)


def parse_document_bytes(
    content: bytes, location: str, content_type: str | None = None, source: str = ""
) -> list[Document]:
    """Every document in `content` (read from `location`, a URL or a path): feed entries, a page or an email."""
    kind = sniff_kind(content, location, content_type)
    url = location if _is_http(location) else None
    if kind == "feed":
        headers = {"content-type": content_type} if content_type else None
        return _parse_feed(content, url, headers, source, where=location)
    if kind == "email":
        return parse_email_messages(content, location, source)
    if kind == "text":
        return [_parse_text(content, location, source)]
    return [_parse_page(content, url, source, where=location)]


def sniff_kind(content: bytes, location: str | None, content_type: str | None = None) -> str:
    """"feed", "email", "page" or "text": by the content first, then the extension and content type."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _JSON_FEED.match(head):
        return "feed"
    if _EMAIL_HEADER.match(head):  # header lines first: whatever markup follows is the message body
        return "email"
    feed_at, html_at = _find(_FEED_START, head), _find(_HTML_START, head)
    if feed_at is not None and (html_at is None or feed_at < html_at):
        return "feed"
    if html_at is not None:
        return "page"
    ext = PurePosixPath(urlsplit(location or "").path).suffix.lower()
    mime = (content_type or "").split(";")[0].strip().lower()
    if ext == ".eml" or mime == "message/rfc822":
        return "email"
    if ext in _FEED_EXTENSIONS or mime.endswith(("rss+xml", "atom+xml", "/xml", "rdf+xml")):
        return "feed"
    if ext in (".txt", ".text") or mime == "text/plain":
        return "text"
    return "page"


def _find(pattern: re.Pattern[bytes], data: bytes) -> int | None:
    m = pattern.search(data)
    return m.start() if m else None


def _is_http(location: str | None) -> bool:
    return bool(location) and location.lower().startswith(("http://", "https://"))


def _where(url: str | None, source: str) -> str:
    return url or source or "<unnamed document>"


def _fallback_key(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x00".join(parts).encode("utf-8", "replace")).hexdigest()


# --- feeds -------------------------------------------------------------------------------------------

def parse_feed(
    content: bytes, url: str | None, headers: dict[str, str] | None = None, source: str = ""
) -> list[Document]:
    """One Document per feed entry. Malformed with entries is fine (feedparser's bozo); malformed or not
    a feed at all, with no entries, raises ParseError. A valid feed with no entries gives []. An entry
    the feed breaks off inside is left out (`parse_feed_entries` says which)."""
    return parse_feed_entries(content, url, headers, source).documents


@dataclass(frozen=True)
class FeedEntries:
    """A feed's documents, and what was left out: one line per entry cut off, naming it."""

    documents: list[Document]
    skipped: list[str]


def parse_feed_entries(
    content: bytes, url: str | None, headers: dict[str, str] | None = None, source: str = ""
) -> FeedEntries:
    """`parse_feed`, saying which entries were left out: a feed that ends inside its last entry (a
    truncated download or file) yields that entry with its body cut short or empty, which is not stored."""
    return _parse_feed_entries(content, url, headers, source, where=_where(url, source))


def _parse_feed(
    content: bytes, url: str | None, headers: dict[str, str] | None, source: str, where: str
) -> list[Document]:
    return _parse_feed_entries(content, url, headers, source, where).documents


def _parse_feed_entries(
    content: bytes, url: str | None, headers: dict[str, str] | None, source: str, where: str
) -> FeedEntries:
    if _JSON_FEED.match(content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")):
        return FeedEntries(_json_feed_documents(content, source, where), [])
    response_headers = {k.lower(): v for k, v in (headers or {}).items() if v}
    if url:
        response_headers["content-location"] = url
    plain = parse_plain_rss(bytes(content), response_headers)  # most feeds: the same entries, far quicker
    if plain is not None:
        entries, bozo = plain.entries, plain.bozo
    else:
        parsed = _feedparser_parse(content, response_headers, where)
        entries, bozo = parsed.entries, parsed.get("bozo")
    documents = [_entry_document(entry, source) for entry in entries]
    if bozo and documents and _ends_inside_an_entry(content):
        cut = documents.pop()
        return FeedEntries(documents, [f"{where}: entry {cut.title!r} ({cut.key}) is cut off (the feed ends inside "
                                       f"it): skipped"])
    return FeedEntries(documents, [])


def _feedparser_parse(content: bytes, response_headers: dict[str, str], where: str) -> Any:
    # Bytes only, never a str: feedparser reads a str as a URL or a file path to open.
    try:
        parsed = feedparser.parse(
            bytes(content), response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
        )
    except (UnicodeError, LookupError, ValueError) as e:  # feedparser raises on some undecodable prologs
        raise ParseError(f"{where}: not a readable feed ({type(e).__name__}: {e})") from e
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        # Malformed with nothing salvaged, or no RSS/Atom/RDF root at all (an error page served as a feed).
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF feed element"
        raise ParseError(f"{where}: not a readable feed ({reason})")
    return parsed


def _json_feed_documents(content: bytes, source: str, where: str) -> list[Document]:
    """One Document per item of a JSON Feed (jsonfeed.org, 1.0 and 1.1): `content_html`, else `content_text`.
    A link post's `external_url` (what the post is about) opens its body as a link titled by the item."""
    try:
        feed = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ParseError(f"{where}: not a readable JSON Feed ({type(e).__name__}: {e})") from e
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list):
        raise ParseError(f"{where}: not a readable JSON Feed (no items list)")
    return [_json_feed_item(item, source) for item in items if isinstance(item, dict)]


def _json_feed_item(item: dict[str, Any], source: str) -> Document:
    title, external = str(item.get("title") or ""), str(item.get("external_url") or "")
    html, text = str(item.get("content_html") or ""), str(item.get("content_text") or item.get("summary") or "")
    if html:
        lead = f'<p><a href="{_attr(external)}">{_escape(title or external)}</a></p>\n' if external else ""
        body, body_type = lead + html, "html"
    else:
        body, body_type = (f"{title}\n{external}\n\n" if external else "") + text, "text"
    link = str(item.get("url") or "") or external
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    author = next((str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")), None)
    return Document(
        source=source,
        key=str(item.get("id") or link or _fallback_key(title, body)),
        url=clean_url(link) if _is_http(link) else None,
        title=title,
        body=body,
        body_type=body_type,
        published=_iso(str(item.get("date_published") or item.get("date_modified") or "") or None),
        author=author,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _ends_inside_an_entry(content: bytes) -> bool:
    """Whether the last <item>/<entry> the bytes open is never closed: the feed broke off inside it."""
    opened = [m.start() for m in _ENTRY_OPEN.finditer(content)]
    closed = [m.start() for m in _ENTRY_CLOSE.finditer(content)]
    return bool(opened) and (not closed or opened[-1] > closed[-1])


def _entry_document(entry: Any, source: str) -> Document:
    body, body_type = _entry_body(entry)
    title = entry.get("title") or ""
    link = clean_url(entry["link"]) if entry.get("link") else None
    return Document(
        source=source,
        key=entry.get("id") or link or _fallback_key(title, body),
        url=link,
        title=title,
        body=body,
        body_type=body_type,
        published=_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        author=entry.get("author") or None,
    )


def _entry_body(entry: Any) -> tuple[str, str]:
    """The entry's fullest HTML (content:encoded, Atom content), else its summary; HTML a feed escaped twice
    is unescaped once more (`_unescaped_twice`)."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    html = [c for c in contents if "html" in (c.get("type") or "")]
    best = max(html or contents, key=lambda c: len(c["value"]), default=None)
    if best is None:
        summary = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type") or "text/html"
        return _unescaped_twice(summary), "text" if kind == "text/plain" or _is_plain_text(summary) else "html"
    value = _unescaped_twice(best["value"])
    return value, "text" if best.get("type") == "text/plain" or _is_plain_text(value) else "html"


def _is_plain_text(body: str) -> bool:
    """A body declared HTML that has no markup at all but is laid out in lines (a bot's RSS description):
    read as text, so that its lines and blank lines still part its stories."""
    return "\n" in body.strip() and "<" not in body and "&lt;" not in body and "&#" not in body


_REAL_TAG = re.compile(r"<(?:[a-z][a-z0-9]*|/[a-z][a-z0-9]*)[\s>/]", re.I)
_ESCAPED_TAG = re.compile(r"&lt;/?(?:p|a|h[1-6]|div|br|ul|ol|li|img|strong|b|em|i|span|table|blockquote)(?:\s|&gt;|/)",
                          re.I)


def _unescaped_twice(body: str) -> str:
    """A body whose markup is still escaped after the feed's own escaping was undone (`&lt;p&gt;` and no
    real tag: a feed that escaped its HTML twice), unescaped once more; any other body as it is."""
    if "&lt;" not in body or _REAL_TAG.search(body) or not _ESCAPED_TAG.search(body):
        return body
    return html_lib.unescape(body)


def _struct_time(value: Any) -> datetime | None:
    return datetime(*value[:6], tzinfo=UTC) if value else None


# --- web pages ---------------------------------------------------------------------------------------

def parse_page(content: bytes, url: str | None, source: str = "") -> Document:
    """An HTML page as one Document; its body is the whole page, item splitting finds the article."""
    return _parse_page(content, url, source, where=_where(url, source))


def _parse_page(content: bytes, url: str | None, source: str, where: str) -> Document:
    html = _decode_html(content)
    root = parse_tree(html)
    if root is None:
        raise ParseError(f"{where}: not an HTML page (no elements)")
    canonical = _first_attr(root, "link", "href", lambda t: "canonical" in (t.get("rel") or "").split()) or _meta(
        root, "og:url")
    page_url = clean_url(urljoin(url or "", canonical)) if canonical else url
    title = _meta(root, "og:title") or _text(next(root.iter("title"), None)) or _text(next(root.iter("h1"), None))
    return Document(
        source=source,
        key=page_url or where,
        url=page_url if _is_http(page_url) else None,
        title=title,
        body=html,
        published=_iso(_meta(root, "article:published_time") or _first_attr(root, "time", "datetime")),
        author=_meta(root, "author") or _meta(root, "article:author"),
    )


def _decode_html(content: bytes) -> str:
    """The page as text: its BOM or declared charset, else UTF-8, else Windows-1252; never fails."""
    for declared in EncodingDetector(content, is_html=True).encodings:
        encoding = superset_charset(declared)
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("utf-8", errors="replace")


def _first_attr(root: etree._Element, tag: str, attr: str, test: Callable[[etree._Element], bool] | None = None
                ) -> str | None:
    """`attr` of the first `tag` element that has it (and passes `test`), stripped; None if empty."""
    found = next((t for t in root.iter(tag) if t.get(attr) is not None and (test is None or test(t))), None)
    value = found.get(attr) if found is not None else None
    return (value.strip() or None) if value else None


def _meta(root: etree._Element, name: str) -> str | None:
    return (_first_attr(root, "meta", "content", lambda t: t.get("property") == name)
            or _first_attr(root, "meta", "content", lambda t: t.get("name") == name))


def _text(tag: etree._Element | None) -> str:
    return " ".join(get_text(tag, " ").split()) if tag is not None else ""


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _in_utc(parsed)


# --- email -------------------------------------------------------------------------------------------

def parse_email(content: bytes, location: str | None, source: str = "") -> Document:
    """An .eml message: the HTML alternative if there is one, unless the plain text carries the issue
    (`_richer_part`: the HTML is a teaser, or hides behind click trackers the links the plain text writes out),
    else the plain text."""
    where = _where(location, source)
    try:
        return _parse_email(content, location, source, where)
    except RecursionError:  # the stdlib parser recurses once per nested part
        raise ParseError(f"{where}: the email nests its MIME parts too deeply to be read") from None


def parse_email_messages(content: bytes, location: str | None, source: str = "") -> list[Document]:
    """Every message an .eml holds: the message itself, then each message it encloses (`message/rfc822`
    parts: the posts of a MIME digest, a newsletter forwarded as an attachment), each its own Document as a
    feed's entries are. A digest's own text (its masthead and table of contents) is kept only if it has any."""
    where = _where(location, source)
    mails = _MBOX_FROM.split(content) if content.startswith(b"From ") else []
    if len(mails) > 1:  # an mbox file: one message after each "From " separator line
        return [d for n, mail in enumerate(mails) if mail.strip()
                for d in parse_email_messages(mail, location if n == 0 else None, source)]
    try:
        msg = email.message_from_bytes(content, _class=EmailMessage, policy=_MESSAGE_POLICY)
        enclosed = _enclosed_messages(msg)
        if not enclosed:
            return [_email_document(msg, location, source, where)]
        outer = [] if msg.get_body(preferencelist=("html", "plain")) is None else [
            _email_document(msg, location, source, where)]
        inner = [_email_document(m, None, source, f"{where} (message {n})", fallback=f"{_outer_key(msg, where)}#{n}")
                 for n, m in enumerate(enclosed, 1) if m.get_body(preferencelist=("html", "plain")) is not None]
    except RecursionError:  # the stdlib parser recurses once per nested part
        raise ParseError(f"{where}: the email nests its MIME parts too deeply to be read") from None
    return outer + inner


# The separator line before each message of an mbox file: "From sender@host Mon Jan  1 00:00:00 2024"
_MBOX_FROM = re.compile(rb"(?:^|\r?\n)From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}"
                        rb"(?: [+-]\d{4})? \d{4}(?: [+-]\d{4})?\r?\n")


def _enclosed_messages(msg: EmailMessage) -> list[EmailMessage]:
    """The messages `msg` encloses, in order, nested digests flattened (a digest inside a digest)."""
    found: list[EmailMessage] = []
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            found.extend(m for m in part.get_payload() if isinstance(m, EmailMessage))
    return found


def _outer_key(msg: EmailMessage, where: str) -> str:
    return _header(msg, "message-id").strip("<> ") or where


def _parse_email(content: bytes, location: str | None, source: str, where: str) -> Document:
    msg = email.message_from_bytes(content, _class=EmailMessage, policy=_MESSAGE_POLICY)
    return _email_document(msg, location, source, where)


def _email_document(msg: EmailMessage, location: str | None, source: str, where: str,
                    fallback: str | None = None) -> Document:
    if not msg.keys():
        raise ParseError(f"{where}: not an email (no headers)")
    part = msg.get_body(preferencelist=("html", "plain"))
    if part is None:
        raise ParseError(f"{where}: email has no text or HTML body")
    body = _decode(part.get_payload(decode=True) or b"", part.get_content_charset())
    plain = msg.get_body(preferencelist=("plain",)) if part.get_content_subtype() == "html" else None
    if plain is not None:
        text = _decode(plain.get_payload(decode=True) or b"", plain.get_content_charset())
        if _richer_part(body, text) == "plain":
            part, body = plain, text
    subject = _header(msg, "subject")
    message_id = _header(msg, "message-id").strip("<> ")
    return Document(
        source=source,
        key=message_id or fallback or location or _fallback_key(subject, body),
        url=location if _is_http(location) else None,
        title=subject,
        body=body,
        body_type="html" if part.get_content_subtype() == "html" else "text",
        published=_email_date(_header(msg, "date")),
        author=_header(msg, "from") or None,
    )


class _HeaderClasses(HeaderRegistry):
    """The stdlib's header registry, each of its header classes made once: `HeaderRegistry` makes a new class
    (by `type()`) for every header it parses, a fifth of the time an email takes to read. Which class a header
    gets depends on its name alone, through the registry's few entries, so the made ones are kept by entry."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[type, type] = {}

    def __getitem__(self, name: str) -> type:
        entry = self.registry.get(name.lower(), self.default_class)
        if entry not in self._made:
            self._made[entry] = super().__getitem__(name)
        return self._made[entry]


#: A header (name, value) parsed as `policy.default` parses it, each distinct one once while cached: the stdlib parses a
#: header again on every read, and finding the body reads each part's Content-Type many times; and the messages of
#: one newsletter repeat their From, Reply-To, MIME-Version and parts' Content-Type headers issue after issue.
#: The parse depends on (name, value) alone and the parsed headers are immutable, so handing out the same one
#: again changes nothing. (Bounded: a folder of mail from many senders does not grow it.)
_parse_header = lru_cache(maxsize=512)(_HeaderClasses())

_MESSAGE_POLICY = policy.default.clone(header_factory=_parse_header)


def _richer_part(html: str, text: str) -> str:
    """Which alternative of an email carries the issue: "html", unless the plain text links more papers and
    either covers every paper the HTML part reaches (the HTML hides its links behind opaque click trackers
    that the plain text writes out) or the HTML part is a teaser ("read it online", a logo: its visible text
    is less than half as long as the plain text)."""
    text_papers = _papers_linked(text)
    html_papers = _papers_linked(html)
    if len(text_papers) <= len(html_papers):
        return "html"
    if html_papers <= text_papers:
        return "plain"
    visible = len(" ".join(_TAG.sub(" ", _STYLE_BLOCK.sub(" ", html)).split()))
    return "plain" if visible < 0.5 * len(" ".join(text.split())) else "html"


def _papers_linked(text: str) -> set[str]:
    """The arXiv papers a part's addresses reach, an address shown without its scheme (a link whose text is
    "arxiv.org/abs/2401.15077") included."""
    return {ref.arxiv_id for url in _WEB_ADDRESS.findall(text)
            if (ref := find_arxiv_in_url(url if "://" in url else f"https://{url}")) is not None}


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # a header the policy cannot parse
        return ""
    return " ".join(str(value or "").split())


#: Labels whose bytes are, in practice, the superset encoding a mail client or browser writes under them (the
#: WHATWG Encoding Standard's mapping): Outlook labels CP949 mail "ks_c_5601-1987", and Python reads that label
#: (and "euc-kr") as strict EUC-KR, which fails on the syllables only CP949 has; GB2312 mail is GBK or GB18030;
#: Shift_JIS mail is CP932; Latin-1 mail is Windows-1252.
SUPERSET_CHARSETS = {
    "ks_c_5601-1987": "cp949", "ks_c_5601-1989": "cp949", "ksc5601": "cp949", "ksc_5601": "cp949",
    "euc-kr": "cp949", "euc_kr": "cp949", "korean": "cp949", "windows-949": "cp949",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
}


def superset_charset(declared: str) -> str:
    """The encoding to read text labelled `declared` with (`SUPERSET_CHARSETS`; other labels as they are)."""
    return SUPERSET_CHARSETS.get(declared.strip().lower(), declared)


def _decode(raw: bytes, declared: str | None) -> str:
    """Bytes of a body part as text: the declared charset (read as its superset), else UTF-8, else
    Windows-1252."""
    for charset in (superset_charset(declared) if declared else None, "utf-8"):
        if not charset:
            continue
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


def _email_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return _in_utc(parsed)


def _in_utc(parsed: datetime) -> datetime:
    """`parsed` in UTC; a date at the edge of the calendar (year 9999 west of UTC) keeps its wall clock
    rather than overflow: it is implausible either way, and the flows drop implausible dates."""
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        return parsed.replace(tzinfo=UTC)


# --- plain text --------------------------------------------------------------------------------------

def _parse_text(content: bytes, location: str, source: str) -> Document:
    text = _decode(content, None)
    title = next((line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), "")
    return Document(source=source, key=location or _fallback_key(text), url=location if _is_http(location) else None,
                    title=title, body=text, body_type="text")
