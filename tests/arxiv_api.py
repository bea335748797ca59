"""A fake arXiv API on a LocalServer (real HTTP on 127.0.0.1) answering as export.arxiv.org/api/query does.

It serves `search_query` (a base query, optionally ANDed with a `submittedDate:[... TO ...]` window),
`id_list`, `start`, `max_results`, `sortBy`/`sortOrder`, in the real Atom format (namespaces on the
feed root, opensearch totals, `http://arxiv.org/abs/IDvN` ids, `arxiv:primary_category`). An id in
`bad_ids` makes the whole id_list request answer HTTP 400 with the error feed of
tests/sources/fixtures/arxiv/error_bad_id.atom. `script` queues replies for the next requests
(429 with Retry-After, 503, an empty page) before normal service resumes.

    api = FakeArxiv(http_server)
    api.add(paper("2511.00001", day=date(2025, 11, 3)), query="cat:cs.CL")
    api.script.append(FakeArxiv.too_many(retry_after=1))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from tests.httpserver import LocalServer, Reply, Request

PATH = "/api/query"
FIXTURES = Path(__file__).resolve().parent / "sources" / "fixtures" / "arxiv"
_WINDOW = re.compile(r"^\((?P<base>.*)\) AND submittedDate:\[(?P<start>\d{12}) TO (?P<end>\d{12})\]$")
ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}


@dataclass(frozen=True)
class Paper:
    arxiv_id: str
    version: int = 1
    title: str = "A Paper"
    abstract: str = "We study things."
    authors: tuple[str, ...] = ("A. Author", "B. Author")
    primary: str = "cs.CL"
    categories: tuple[str, ...] = ("cs.CL", "cs.LG")
    published: datetime = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
    updated: datetime = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
    comment: str | None = None
    doi: str | None = None


def paper(arxiv_id: str, *, day: date | None = None, minute: int = 0, **kw) -> Paper:
    """A paper submitted (and last updated) on `day` at 10:00 + `minute` GMT."""
    if day is not None:
        at = datetime.combine(day, time(10, 0), tzinfo=UTC) + timedelta(minutes=minute)
        kw.setdefault("published", at)
        kw.setdefault("updated", at)
    return Paper(arxiv_id, **kw)


@dataclass
class FakeArxiv:
    server: LocalServer
    papers: dict[str, list[Paper]] = field(default_factory=dict)  # base query -> papers (all versions latest)
    bad_ids: set[str] = field(default_factory=set)
    # Replies for the next requests: a Reply, "empty" (an empty page with the true total), None (normal).
    script: list[Reply | str | None] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # monotonic arrival time of each request

    def __post_init__(self) -> None:
        self.server.handle(PATH, self.answer)

    @property
    def url(self) -> str:
        return self.server.url(PATH)

    @property
    def requests(self) -> list[Request]:
        return self.server.requests_to(PATH)

    def add(self, *papers: Paper, query: str = "cat:cs.CL") -> None:
        """Add papers (a newer version of an id replaces the older one) to `query`'s results."""
        listed = {p.arxiv_id: p for p in self.papers.get(query, [])}
        listed.update({p.arxiv_id: p for p in papers})
        self.papers[query] = list(listed.values())

    @staticmethod
    def too_many(retry_after: float = 1) -> Reply:
        return Reply(429, b"Rate exceeded.", {"Retry-After": f"{retry_after:g}", "Content-Type": "text/plain"})

    @staticmethod
    def unavailable() -> Reply:
        return Reply(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})

    def answer(self, request: Request) -> Reply:
        self.times.append(monotonic())
        args = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query, keep_blank_values=True).items()}
        start, size = int(args.get("start", "0")), int(args.get("max_results", "10"))
        ids = [i for i in args.get("id_list", "").split(",") if i]
        if ids and (bad := [i for i in ids if i in self.bad_ids]):
            body = (FIXTURES / "error_bad_id.atom").read_text(encoding="utf-8").replace("BADID", bad[0])
            return Reply(400, body.encode(), ATOM)
        matches = self._by_ids(ids) if ids else self._search(args.get("search_query", ""), args)
        scripted = self.script.pop(0) if self.script else None
        if isinstance(scripted, Reply):
            return scripted
        if scripted == "empty":
            return Reply(200, render_feed([], total=len(matches), start=start), ATOM)
        return Reply(200, render_feed(matches[start:start + size], total=len(matches), start=start), ATOM)

    def _by_ids(self, ids: list[str]) -> list[Paper]:
        known = {p.arxiv_id: p for papers in self.papers.values() for p in papers}
        return [known[i] for i in ids if i in known]

    def _search(self, query: str, args: dict[str, str]) -> list[Paper]:
        window = _WINDOW.match(query)
        base = window.group("base") if window else query
        found = list(self.papers.get(base, []))
        if window:
            low, high = (datetime.strptime(window.group(k), "%Y%m%d%H%M").replace(tzinfo=UTC) for k in ("start", "end"))
            found = [p for p in found if low <= p.published <= high + timedelta(seconds=59)]
        key = {"lastUpdatedDate": lambda p: p.updated, "submittedDate": lambda p: p.published}.get(
            args.get("sortBy", ""), lambda p: p.arxiv_id)
        return sorted(found, key=key, reverse=args.get("sortOrder") == "descending")


def bump(p: Paper, *, days: int = 1) -> Paper:
    """The paper's next version, updated `days` later."""
    return replace(p, version=p.version + 1, updated=p.updated + timedelta(days=days), title=p.title + " (revised)")


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_entry(p: Paper) -> str:
    vid = f"{p.arxiv_id}v{p.version}"
    extra = f"\n    <arxiv:comment>{escape(p.comment)}</arxiv:comment>" if p.comment else ""
    extra += f"\n    <arxiv:doi>{escape(p.doi)}</arxiv:doi>" if p.doi else ""
    categories = "".join(f'\n    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in p.categories)
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in p.authors)
    return f"""  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <title>{escape(p.title)}</title>
    <updated>{_ts(p.updated)}</updated>
    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(p.abstract)}</summary>{categories}
    <published>{_ts(p.published)}</published>{extra}
    <arxiv:primary_category term="{p.primary}"/>{authors}
  </entry>
"""


def render_feed(papers: list[Paper], *, total: int, start: int) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" \
xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: fake</title>
  <updated>2025-11-06T00:00:00Z</updated>
  <link href="https://arxiv.org/api/query" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{len(papers)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{"".join(render_entry(p) for p in papers)}</feed>
""".encode()
