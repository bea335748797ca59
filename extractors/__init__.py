"""Pure extractors: bytes in, `Document`s out (`parse_document_bytes`), then `Item`s with papers, code
links and metrics (`extract_items`). No network, no database, no clock."""

from extractors.documents import (
    FeedEntries,
    parse_document_bytes,
    parse_email,
    parse_email_messages,
    parse_feed,
    parse_feed_entries,
    parse_page,
)
from extractors.errors import ExtractError, ParseError
from extractors.items import extract_document, extract_items

__all__ = [
    "ExtractError",
    "FeedEntries",
    "ParseError",
    "extract_document",
    "extract_items",
    "parse_document_bytes",
    "parse_email",
    "parse_email_messages",
    "parse_feed",
    "parse_feed_entries",
    "parse_page",
]
