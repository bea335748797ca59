"""The only code that talks to the network or reads source files: bytes in, `Fetched` out.

`fetch_source` is the entry point; `make_client` builds the HTTP client the flow passes in;
errors are the `SourceError` tree in sources/errors.py.
"""

from sources.errors import (
    ConnectError,
    FetchTimeout,
    HTTPStatusError,
    LocalReadError,
    SourceError,
    TooLarge,
    TooManyRedirects,
    TransferError,
)
from sources.fetch import fetch_source
from sources.http import DEFAULT_MAX_BYTES, Fetched, fetch_url, make_client
from sources.local import read_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ConnectError",
    "FetchTimeout",
    "Fetched",
    "HTTPStatusError",
    "LocalReadError",
    "SourceError",
    "TooLarge",
    "TooManyRedirects",
    "TransferError",
    "fetch_source",
    "fetch_url",
    "make_client",
    "read_path",
]
