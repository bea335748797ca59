"""The `[arxiv]` section of radar.toml: the API, its rate limit, the queries to poll, enrichment, the
silent-miss guard. arXiv is asked only what this section names: the queries for polls and backfills,
and newsletter papers' metadata when `enrich = true`.

Part of the settings object (`Settings.arxiv`, config/settings.py); kept in its own module because it
is large. arXiv's terms of use ask for one request every 3 s and one connection at a time, so
`delay_seconds` below 3 is refused unless `api_url` points at this machine (a test's fake server).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ARXIV_API_URL = "https://export.arxiv.org/api/query"
#: arXiv's terms of use: "make no more than one request every three seconds".
MIN_DELAY_SECONDS = 3.0


class ArxivQuery(BaseModel):
    """One standing arXiv query. The parts given are ANDed; within a list, entries are ORed."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)
    query: str | None = None  # raw arXiv query syntax, e.g. 'cat:cs.CL AND abs:"diffusion language model"'
    categories: list[str] = []
    keywords: list[str] = []
    authors: list[str] = []
    enabled: bool = True

    @field_validator("categories")
    @classmethod
    def _category_names(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", c)]
        if bad:
            raise ValueError(f"not arXiv category names: {bad} (expected e.g. cs.CL, stat.ML, hep-th)")
        return value

    @model_validator(mode="after")
    def _something_to_ask(self) -> ArxivQuery:
        if not (self.query or self.categories or self.keywords or self.authors):
            raise ValueError("give at least one of `query`, `categories`, `keywords` or `authors`")
        return self

    @property
    def search_query(self) -> str:
        """The arXiv `search_query` this configuration stands for."""
        parts = [f"({self.query})"] if self.query else []
        for field, values in (("cat", self.categories), ("all", self.keywords), ("au", self.authors)):
            if values:
                terms = [f'{field}:"{v}"' if " " in v else f"{field}:{v}" for v in values]
                parts.append("(" + " OR ".join(terms) + ")")
        return parts[0][1:-1] if len(parts) == 1 else " AND ".join(parts)


class ArxivSettings(BaseModel):
    """How Paper Radar talks to the arXiv API and what it asks."""

    model_config = ConfigDict(extra="forbid")

    api_url: str = ARXIV_API_URL
    # Look up arXiv metadata for the papers newsletters name (`radar arxiv enrich`, flow enrich-arxiv).
    # Off unless asked for: nothing is sent to arXiv that the config does not ask for.
    enrich: bool = False
    delay_seconds: float = Field(default=MIN_DELAY_SECONDS, ge=0)
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    retries: int = Field(default=4, ge=0, le=10)
    backoff_seconds: float = Field(default=5.0, ge=0)  # first wait after a 429/503/connection error; doubles
    max_backoff_seconds: float = Field(default=120.0, ge=0)
    page_size: int = Field(default=100, ge=1, le=2000)  # arXiv returns at most 2,000 per request
    max_results_per_poll: int = Field(default=500, ge=1, le=30000)  # and at most 30,000 per query
    id_batch_size: int = Field(default=100, ge=1, le=100)  # id_list goes into the URL: ~650 ids give 414
    # Prefect global concurrency limit shared by every process (created by `radar setup`); "" disables it.
    rate_limit_name: str = "arxiv-api"
    recheck_unknown_days: int = Field(default=30, ge=1)  # ids arXiv did not know are asked again after this
    user_agent: str | None = None
    # Silent-miss guard: a query that usually returns entries and returned none for this many consecutive
    # weekday polls, or a feed whose newest document is older than this many times its usual interval.
    empty_weekday_polls_warning: int = Field(default=3, ge=1)
    stale_feed_factor: float = Field(default=3.0, gt=1)
    queries: list[ArxivQuery] = []

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+/\S*$", value) or "?" in value:
            raise ValueError("must be an http(s) URL without a query string, e.g. " + ARXIV_API_URL)
        return value

    @model_validator(mode="after")
    def _polite_delay(self) -> ArxivSettings:
        if self.delay_seconds < MIN_DELAY_SECONDS and not is_loopback(self.api_url):
            raise ValueError(f"delay_seconds must be at least {MIN_DELAY_SECONDS:g} against {self.api_url} "
                             "(arXiv's terms of use: one request every 3 s); below that only for a local API")
        names = [q.name for q in self.queries]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"query names must be unique: {duplicated}")
        return self

    @property
    def enabled_queries(self) -> list[ArxivQuery]:
        return [q for q in self.queries if q.enabled]

    def query(self, name: str) -> ArxivQuery:
        for q in self.queries:
            if q.name == name:
                return q
        raise KeyError(name)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
