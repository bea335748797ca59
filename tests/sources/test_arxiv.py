"""sources/arxiv.py against a fake arXiv API on 127.0.0.1: request counts, spacing, retries, error feeds."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import arxiv
import pytest
from pydantic import ValidationError

from config.arxiv import ArxivQuery, ArxivSettings
from extractors.arxiv_entries import extract_entry
from sources.arxiv import (
    ArxivClient,
    fetch_by_ids,
    fetch_day,
    fetch_newest,
    parse_api_error,
    parse_page,
    valid_arxiv_id,
)
from sources.errors import ArxivQueryError, HTTPStatusError, TransferError
from tests.arxiv_api import ATOM, FakeArxiv, paper
from tests.httpserver import Reply

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "arxiv"
DAY = date(2025, 11, 3)


@pytest.fixture
def api(http_server) -> FakeArxiv:
    return FakeArxiv(http_server)


def client_for(api: FakeArxiv, **overrides) -> ArxivClient:
    values = {"api_url": api.url, "delay_seconds": 0, "backoff_seconds": 0.01, "page_size": 10, "retries": 3,
              "timeout_seconds": 5, **overrides}
    return ArxivClient(ArxivSettings(**values))


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_fixture_entries_become_records():
    page = parse_page((FIXTURES / "two_entries.atom").read_bytes())
    assert page.total == 2
    new, old = (extract_entry(r) for r in page.results)
    assert (new.paper.arxiv_id, new.paper.version) == ("2511.04321", 2)
    assert new.paper.title == "Fast Decoding for Diffusion Language Models"
    assert new.paper.authors == ("Ada Lovelace", "Alan Turing")
    assert new.paper.categories == ("cs.CL", "cs.LG") and new.paper.primary_category == "cs.CL"
    assert new.paper.pdf_url == "https://arxiv.org/pdf/2511.04321v2"
    assert [c.url for c in new.code] == ["https://github.com/acme/dlm-fast"]
    assert {(m.value, m.unit) for m in new.metrics} >= {(61.2, "%"), (4.0, "x")}
    assert (old.paper.arxiv_id, old.paper.doi, old.paper.journal_ref) == (
        "hep-th/9901001", "10.1000/xyz123", "J. Old Phys. 1 (1999) 1")


def test_error_feed_is_recognised():
    body = (FIXTURES / "error_bad_id.atom").read_bytes().replace(b"BADID", b"1234.99999")
    assert parse_api_error(body) == "incorrect id format for 1234.99999"
    assert parse_api_error((FIXTURES / "two_entries.atom").read_bytes()) is None


def test_delay_under_three_seconds_only_against_a_local_api():
    with pytest.raises(ValidationError, match="at least 3"):
        ArxivSettings(delay_seconds=1)
    assert ArxivSettings(api_url="http://127.0.0.1:8080/api/query", delay_seconds=0).delay_seconds == 0
    assert ArxivQuery(name="q", categories=["cs.CL"], keywords=["diffusion language model"]).search_query == (
        '(cat:cs.CL) AND (all:"diffusion language model")')


def test_local_id_validation():
    assert valid_arxiv_id("2511.04321") and valid_arxiv_id("hep-th/9901001") and valid_arxiv_id("math.GT/0309136")
    assert not valid_arxiv_id("2511.123") and not valid_arxiv_id("2511.04321v2") and not valid_arxiv_id("x/1")


def test_enriching_1000_ids_takes_exactly_10_requests(api):
    ids = [f"2511.{n:05d}" for n in range(1000)]
    api.add(*(paper(i) for i in ids))
    lookup = fetch_by_ids(client_for(api), ids, batch_size=100)
    assert len(api.requests) == 10 == lookup.requests
    assert len(lookup.results) == 1000 and lookup.unknown == []
    assert all(len(r.path) < 2000 for r in api.requests)


@pytest.mark.parametrize("n", [1, 10, 25])
def test_a_backfill_day_takes_ceil_n_over_page_size_requests(api, n):
    api.add(*(paper(f"2511.{i:05d}", day=DAY, minute=i) for i in range(n)))
    api.add(paper("2511.99999", day=date(2025, 11, 4)))  # the next day: outside the window
    results = fetch_day(client_for(api, page_size=10), "cat:cs.CL", DAY)
    assert len(results) == n
    assert len(api.requests) == math.ceil(n / 10)
    assert "submittedDate%3A%5B202511030000+TO+202511032359%5D" in api.requests[0].path


def test_no_two_requests_closer_than_the_delay(api):
    api.add(*(paper(f"2511.{i:05d}", day=DAY, minute=i) for i in range(30)))
    client = client_for(api, delay_seconds=0.05, page_size=5)
    fetch_day(client, "cat:cs.CL", DAY)
    fetch_by_ids(client, ["2511.00001", "2511.00002"])
    assert len(api.times) == 7
    assert min(gaps(api.times)) >= 0.05


def test_429_is_retried_after_retry_after(api):
    api.add(paper("2511.00001", day=DAY))
    api.script.append(FakeArxiv.too_many(retry_after=1))
    results = fetch_day(client_for(api), "cat:cs.CL", DAY)
    assert len(results) == 1 and len(api.requests) == 2
    assert gaps(api.times)[0] >= 1.0


def test_503_is_retried_with_backoff_then_gives_up(api):
    api.add(paper("2511.00001", day=DAY))
    api.script += [FakeArxiv.unavailable(), FakeArxiv.unavailable()]
    assert len(fetch_day(client_for(api), "cat:cs.CL", DAY)) == 1
    assert len(api.requests) == 3
    api.script += [FakeArxiv.unavailable()] * 4
    with pytest.raises(HTTPStatusError) as caught:
        fetch_day(client_for(api, retries=3), "cat:cs.CL", DAY)
    assert caught.value.status == 503 and caught.value.retryable and api.url in str(caught.value)
    assert len(api.requests) == 3 + 4


def test_retry_after_longer_than_the_backoff_cap_is_left_to_the_next_run(api):
    api.script.append(FakeArxiv.too_many(retry_after=600))
    with pytest.raises(HTTPStatusError, match="429"):
        fetch_day(client_for(api, max_backoff_seconds=60), "cat:cs.CL", DAY)
    assert len(api.requests) == 1


def test_an_empty_first_page_is_an_answer(api):
    api.add(*(paper(f"2511.{i:05d}", day=DAY, minute=i) for i in range(15)))
    api.script.append("empty")
    assert fetch_day(client_for(api), "cat:cs.CL", DAY) == []
    assert len(api.requests) == 1


def test_a_page_that_is_no_api_answer_is_an_error_not_an_empty_day(api):
    # a `<feed` opened in garbage parses as an empty Atom feed: without opensearch:totalResults it is refused
    api.script += [Reply(200, b"\x00\xff<feed" * 50, ATOM)] * 2
    with pytest.raises(TransferError, match="not an arXiv API answer"):
        fetch_day(client_for(api, retries=1), "cat:cs.CL", DAY)
    assert len(api.requests) == 2


def test_an_empty_later_page_is_retried_when_the_total_says_more_exist(api):
    api.add(*(paper(f"2511.{i:05d}", day=DAY, minute=i) for i in range(15)))
    api.script += [None, "empty"]  # page 1 as normal, page 2 empty once
    assert len(fetch_day(client_for(api, page_size=10), "cat:cs.CL", DAY)) == 15
    assert len(api.requests) == 3


def test_a_refused_batch_is_split_to_isolate_the_bad_id(api):
    ids = [f"2511.{n:05d}" for n in range(16)]
    api.add(*(paper(i) for i in ids if i != "2511.00005"))
    api.bad_ids.add("2511.00005")
    lookup = fetch_by_ids(client_for(api), [*ids, "not-an-id", "2511.123"], batch_size=100)
    assert sorted(lookup.unknown) == sorted(["2511.00005", "not-an-id", "2511.123"])
    assert len(lookup.results) == 15
    assert all("not-an-id" not in r.path and "2511.123%2C" not in r.path for r in api.requests)
    assert lookup.requests == len(api.requests) <= 1 + 2 * math.ceil(math.log2(16))


def test_query_error_is_not_retried(api):
    api.bad_ids.add("2511.00001")
    with pytest.raises(ArxivQueryError, match="incorrect id format for 2511.00001"):
        client_for(api).fetch_page(arxiv.Search(id_list=["2511.00001"]), 1)
    assert len(api.requests) == 1


def test_newest_first_stops_at_the_cursor(api):
    api.add(*(paper(f"2511.{i:05d}", day=DAY, minute=i) for i in range(25)))
    everything = fetch_newest(client_for(api), "cat:cs.CL", max_results=100, newer_than=None)
    assert len(everything) == 25 and everything[0].updated > everything[-1].updated
    before = len(api.requests)
    newer = fetch_newest(client_for(api), "cat:cs.CL", max_results=100, newer_than=everything[3].updated)
    assert len(newer) == 3 and len(api.requests) - before == 1
