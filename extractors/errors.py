"""Errors raised by the extractors, the only ones callers of `extractors` need to catch.

    ExtractError        base: something in a document could not be turned into records
    └── ParseError      the bytes are not a readable feed, page or email

Every message names the document's URL, path or source, and the reason. Library errors (feedparser's
bozo exception, `email` decoding errors) are translated here, where they are caught.
"""

from __future__ import annotations


class ExtractError(Exception):
    """Base class for extraction failures."""


class ParseError(ExtractError):
    """The content could not be parsed as the kind of document it was taken for."""
