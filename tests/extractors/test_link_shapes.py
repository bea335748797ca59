"""Link and citation shapes that hide a paper: a redirect whose target is in a parameter of any name (or is
the whole query), arXiv's other hosts and mirrors, and ids cited in square brackets."""

from __future__ import annotations

import pytest

from extractors.links import find_arxiv_in_text, find_arxiv_in_url, find_code_link, unwrap_redirect


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/redirect?event=video_description&q=https%3A%2F%2Farxiv.org%2Fabs%2F2406.01234&v=x",
        "https://t.umblr.com/redirect?z=https%3A%2F%2Farxiv.org%2Fabs%2F2406.01234&t=NjA1",
        "https://duckduckgo.com/l/?uddg=https%3A%2F%2Farxiv.org%2Fabs%2F2406.01234&rut=9f",
        "https://href.li/?https://arxiv.org/abs/2406.01234",
        "https://exit.example.net/go?dst=https://arxiv.org/abs/2406.01234v2&src=newsletter",
    ],
)
def test_a_redirect_names_its_target_in_a_parameter_of_any_name(url: str) -> None:
    ref = find_arxiv_in_url(url)
    assert ref is not None and ref.arxiv_id == "2406.01234"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/redirect?q=https%3A%2F%2Fgithub.com%2Fowner%2Frepo&v=x",
        "https://t.umblr.com/redirect?z=https%3A%2F%2Fgithub.com%2Fowner%2Frepo",
        "https://href.li/?https://github.com/owner/repo",
    ],
)
def test_a_redirected_repository_is_code(url: str) -> None:
    code = find_code_link(url)
    assert code is not None and code.url.lower() == "https://github.com/owner/repo"


@pytest.mark.parametrize(
    "url",
    ["https://example.com/search?q=attention+is+all+you+need", "https://example.com/p?id=42&ref=home",
     "https://example.com/share?text=see%20arxiv.org%2Fabs%2F2406.01234"],
)
def test_a_parameter_that_is_not_a_web_address_is_not_a_target(url: str) -> None:
    assert unwrap_redirect(url) == url


@pytest.mark.parametrize(
    ("url", "pid"),
    [("https://browse.arxiv.org/abs/2406.01234v2", "2406.01234"), ("http://xxx.lanl.gov/abs/hep-th/9901001",
                                                                    "hep-th/9901001"),
     ("https://www.arxiv-vanity.com/papers/1706.03762/", "1706.03762")],
)
def test_arxivs_other_hosts_and_mirrors_name_a_paper(url: str, pid: str) -> None:
    ref = find_arxiv_in_url(url)
    assert ref is not None and ref.arxiv_id == pid


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("[2406.01234] Scaling laws for sparse experts", ["2406.01234"]),
        ("Three picks: [2401.00368v2] E5-Mistral, [2402.03216] BGE M3.", ["2401.00368", "2402.03216"]),
        ("see [ 2310.06825 ] and arXiv:2305.18290", ["2310.06825", "2305.18290"]),
        ("prices [12.50] and versions [2.1.0], a month that is not one [2413.01234]", []),
    ],
)
def test_an_id_in_square_brackets_is_a_citation(text: str, ids: list[str]) -> None:
    assert [r.arxiv_id for r in find_arxiv_in_text(text)] == ids
