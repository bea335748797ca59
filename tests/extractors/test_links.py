"""URL functions: arXiv ids in links and text, redirect unwrapping, tracking-parameter removal, code repos."""

from __future__ import annotations

import base64
from urllib.parse import quote, urlsplit

import pytest

from extractors.links import (
    _ARXIV_PATHS,
    clean_url,
    find_arxiv_in_text,
    find_arxiv_in_url,
    find_code_link,
    is_tracking_link,
    unwrap_redirect,
)


def _b64(url: str) -> str:
    return base64.urlsafe_b64encode(url.encode()).decode()


ARXIV_URLS = [
    ("https://arxiv.org/abs/2401.15077", "2401.15077", None),
    ("https://arxiv.org/abs/2401.15077v2", "2401.15077", 2),
    ("http://arxiv.org/abs/2401.15077v12", "2401.15077", 12),
    ("https://arxiv.org/pdf/2401.15077", "2401.15077", None),
    ("https://arxiv.org/pdf/2401.15077v1.pdf", "2401.15077", 1),
    ("https://arxiv.org/pdf/2401.15077.pdf", "2401.15077", None),
    ("https://arxiv.org/html/2401.15077v3", "2401.15077", 3),
    ("https://arxiv.org/html/2401.15077v3/", "2401.15077", 3),
    ("https://arxiv.org/abs/2401.15077?utm_source=substack&utm_medium=email", "2401.15077", None),
    ("https://arxiv.org/abs/2401.15077?fbclid=IwAR0xyz#S3", "2401.15077", None),
    ("https://www.arxiv.org/abs/2403.19887", "2403.19887", None),
    ("https://export.arxiv.org/abs/2403.19887v1", "2403.19887", 1),
    ("https://arxiv.org/abs/arXiv:2403.19887", "2403.19887", None),
    ("https://ARXIV.ORG/abs/2403.19887", "2403.19887", None),
    ("https://arxiv.org/abs/0704.0001", "0704.0001", None),
    ("https://arxiv.org/abs/1412.6980v9", "1412.6980", 9),
    ("https://arxiv.org/abs/1501.00001", "1501.00001", None),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
    ("https://arxiv.org/abs/astro-ph/0601001v1", "astro-ph/0601001", 1),
    ("https://arxiv.org/pdf/cond-mat/0102536v1.pdf", "cond-mat/0102536", 1),
    ("https://arxiv.org/abs/math.GT/0309136", "math/0309136", None),
    ("https://arxiv.org/abs/hep-th%2F9901001", "hep-th/9901001", None),
    ("https://huggingface.co/papers/2309.06180", "2309.06180", None),
    ("https://hf.co/papers/2309.06180", "2309.06180", None),
    ("https://www.alphaxiv.org/abs/2401.10774", "2401.10774", None),
    ("https://alphaxiv.org/overview/2401.10774v2", "2401.10774", 2),
    ("https://ar5iv.labs.arxiv.org/html/2203.15556", "2203.15556", None),
    ("https://ar5iv.org/abs/2203.15556", "2203.15556", None),
    ("https://doi.org/10.48550/arXiv.2203.15556", "2203.15556", None),
    # paper sites that address a paper by its arXiv id
    ("https://www.semanticscholar.org/arxiv/2106.09685", "2106.09685", None),
    ("https://api.semanticscholar.org/arXiv:2106.09685", "2106.09685", None),
    ("https://api.semanticscholar.org/graph/v1/paper/arXiv:2305.18290", "2305.18290", None),
    ("https://scirate.com/arxiv/2212.04356", "2212.04356", None),
    ("https://papers.cool/arxiv/2309.17453", "2309.17453", None),
    ("https://inspirehep.net/arxiv/2106.09685", "2106.09685", None),
    ("https://www.emergentmind.com/papers/2402.19427", "2402.19427", None),
    ("https://ui.adsabs.harvard.edu/abs/arXiv:2212.04356/abstract", "2212.04356", None),
    ("https://browse.arxiv.org/abs/2310.06825v2", "2310.06825", 2),
    ("http://xxx.lanl.gov/abs/hep-th/9901001", "hep-th/9901001", None),
    ("https://www.arxiv-vanity.com/papers/1706.03762/", "1706.03762", None),
    # behind click-tracking redirects
    ("https://t.example.com/c?url=https%3A%2F%2Farxiv.org%2Fabs%2F2310.06825%3Futm_source%3Dx", "2310.06825", None),
    ("https://t.example.com/c?r=https%253A%252F%252Farxiv.org%252Fabs%252F2310.06770v3&sub=tok", "2310.06770", 3),
    ("https://www.google.com/url?q=https://arxiv.org/abs/2405.04321&sa=D", "2405.04321", None),
    ("https://click.convertkit-mail2.com/x/y/" + _b64("https://arxiv.org/abs/2404.02258"), "2404.02258", None),
]

NOT_ARXIV_URLS = [
    "https://arxiv.org/abs/2413.00001",  # month 13
    "https://arxiv.org/abs/2400.00001",  # month 00
    "https://arxiv.org/abs/1501.0001",  # 4 digits after 2014
    "https://arxiv.org/abs/1412.00001",  # 5 digits before 2015
    "https://arxiv.org/abs/0703.0001",  # before the new scheme began
    "https://arxiv.org/abs/hep-th/9913001",  # month 13, old style
    "https://arxiv.org/abs/foo-bar/9901001",  # no such archive
    "https://arxiv.org/list/cs.CL/recent",
    "https://arxiv.org/a/doe_j_1",
    "https://example.com/abs/2401.15077",
    "https://huggingface.co/2401.15077",
    "https://huggingface.co/ai21labs/Jamba-v0.1",
    "https://github.com/arxiv/arxiv-browse",
    "https://www.semanticscholar.org/paper/Attention-is-All-you-Need-Vaswani/204e3073",  # a hash, not an id
    "https://scirate.com/arxiv/cs.CL",  # a listing
    "https://www.emergentmind.com/papers",
    "https://openreview.net/forum?id=YicbFdNTTy",
    "https://paperswithcode.com/paper/swin-transformer-hierarchical-vision",
    "not a url",
    "",
]


@pytest.mark.parametrize(("url", "arxiv_id", "version"), ARXIV_URLS)
def test_find_arxiv_in_url(url: str, arxiv_id: str, version: int | None) -> None:
    ref = find_arxiv_in_url(url)
    assert ref is not None
    assert (ref.arxiv_id, ref.version) == (arxiv_id, version)
    assert ref.url and "utm_" not in ref.url and "fbclid" not in ref.url and "sub=" not in ref.url


def test_every_arxiv_host_has_a_case() -> None:
    """Each host `find_arxiv_in_url` reads has a case above: its quick host check must let each one through."""
    hosts = {urlsplit(url).hostname.removeprefix("www.") for url, _, _ in ARXIV_URLS}
    assert set(_ARXIV_PATHS) <= hosts


@pytest.mark.parametrize("url", NOT_ARXIV_URLS)
def test_find_arxiv_in_url_rejects(url: str) -> None:
    assert find_arxiv_in_url(url) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See arXiv:2401.15077 for details.", [("2401.15077", None)]),
        ("(arXiv 2401.15077v2)", [("2401.15077", 2)]),
        ("ARXIV: 2401.15077", [("2401.15077", None)]),
        ("arxiv.2401.15077", [("2401.15077", None)]),
        ("arXiv:hep-th/9901001v1 and arXiv:2305.14314", [("hep-th/9901001", 1), ("2305.14314", None)]),
        ("arXiv:2401.15077 twice: arXiv:2401.15077v3", [("2401.15077", None)]),
        ("it is arXiv:2401.15077, and a search", [("2401.15077", None)]),
        ("version 2401.15077 of the tool", []),
        ("it costs $2401.15 or 1999.12345", []),
        ("released 2024.01.15, build 2401.1507", []),
        ("arXiv:2413.00001 has no month 13", []),
        ("arXiv:2401.150771 is too long", []),
        ("myarXiv:2401.15077", []),
    ],
)
def test_find_arxiv_in_text(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert [(r.arxiv_id, r.version) for r in find_arxiv_in_text(text)] == expected
    assert all(r.url is None for r in find_arxiv_in_text(text))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://t.example.com/c?url=https%3A%2F%2Fgithub.com%2Fo%2Fr", "https://github.com/o/r"),
        ("https://t.example.com/c?u=https%253A%252F%252Fgithub.com%252Fo%252Fr", "https://github.com/o/r"),
        ("https://t.example.com/c?target=https%3A%2F%2Ft2.example.com%2Fc%3Flink%3Dhttps%253A%252F%252Fa.org%252Fp",
         "https://a.org/p"),
        ("https://www.google.com/url?q=https://a.org/p%3Fx%3D1&sa=D", "https://a.org/p?x=1"),
        ("https://mail.example.com/redirect?destination=https://a.org/x", "https://a.org/x"),
        ("https://web.archive.org/web/2024/https://a.org/x", "https://a.org/x"),
        # mail gateways: Microsoft SafeLinks, Proofpoint URL Defense v3 (target between `__`) and v2 (`-3A`, `_`)
        ("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fa.org%2Fp%3Fq%3D1&data=05%7C01&reserved=0",
         "https://a.org/p?q=1"),
        ("https://urldefense.com/v3/__https://github.com/o/r-x__;!!AbC!dEf123$", "https://github.com/o/r-x"),
        ("https://urldefense.com/v3/__https://a.org/p?x=1__;Iw!!Q1!Zz$", "https://a.org/p?x=1"),
        ("https://urldefense.proofpoint.com/v2/url?u=https-3A__arxiv.org_abs_2305.18290&d=DwMFaQ&c=x&r=y&m=z&s=w&e=",
         "https://arxiv.org/abs/2305.18290"),
        ("https://urldefense.proofpoint.com/v2/url?u=https-3A__github.com_my-2Dorg_my-5Frepo&d=DwIB&e=",
         "https://github.com/my-org/my_repo"),
        ("https://click.convertkit-mail.com/ab/cd/" + _b64("https://a.org/deep?x=1"), "https://a.org/deep?x=1"),
        # Substack JWT-style redirect whose payload names the target
        ("https://substack.com/redirect/2/" + _b64('{"e":"https://a.org/t","u":42}').rstrip("=") + ".sig?j=eyJ1Ijo0Mn0",
         "https://a.org/t"),
    ],
)
def test_unwrap_redirect(url: str, expected: str) -> None:
    assert unwrap_redirect(url) == expected


def _std64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Email services that carry the target base64-encoded, each shaped differently: the parameter's name, standard or
# URL-safe alphabet, padding kept, dropped or percent-encoded, the target percent-encoded before encoding, a
# prefix before or inside the token, a JSON blob around the target, the token as a path segment
BASE64_REDIRECTS = [
    # an unusual parameter name, URL-safe, padding dropped
    ("https://go.postwave.example/t/click?m=77&d=" + _b64("https://arxiv.org/abs/2403.00001").rstrip("="),
     "https://arxiv.org/abs/2403.00001"),
    # the target percent-encoded, then base64, then its padding percent-encoded as a query value
    ("https://links.mailfoundry.example/r?jump=" + quote(_std64(quote("https://github.com/o/r", safe=""))) + "&k=1",
     "https://github.com/o/r"),
    # standard alphabet whose `+` and `/` are left raw in the query (a `+` that a parser reads as a space)
    ("https://e.sendloop.example/open?x=1&to64=" + _std64("https://a.org/~~~/x?k=~v") + "&sig=9f8e",
     "https://a.org/~~~/x?k=~v"),
    # a path segment with a version prefix glued on, the target inside a JSON blob with escaped slashes
    ("https://t.newsrelay.example/c/v1." + _b64('{"id":9,"target":"https:\\/\\/a.org\\/x\\/y"}') + "/3",
     "https://a.org/x/y"),
    # a path segment whose decoded text puts a prefix before the target (the URL at another byte alignment)
    ("https://clk.inboxpilot.example/l/" + _b64("v=2|https://github.com/o/r-x").rstrip("=") + "/ab12",
     "https://github.com/o/r-x"),
    # a wrapper's whole payload in one JSON parameter, itself URL-encoded
    ("https://track.letterjet.example/go?p="
     + quote(_std64('{"u": "https://arxiv.org/abs/2403.00002", "n": 4}'), safe=""),
     "https://arxiv.org/abs/2403.00002"),
]


def test_base64_redirect_examples_are_shaped_as_described() -> None:
    assert "+" in _std64("https://a.org/~~~/x?k=~v")
    assert "%3D" in BASE64_REDIRECTS[1][0] and not BASE64_REDIRECTS[0][0].endswith("=")


@pytest.mark.parametrize(("url", "expected"), BASE64_REDIRECTS)
def test_unwrap_redirect_base64_targets(url: str, expected: str) -> None:
    assert unwrap_redirect(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        # decodes to prose that begins with "http", not to an address
        "https://go.postwave.example/t/click?d=" + _b64("http is a protocol, not a place"),
        # decodes to text holding "http" in the middle of a word
        "https://links.mailfoundry.example/r/" + _b64("foohttpbar and more words"),
        # looks like base64 of "http" at the start, decodes to bytes
        "https://e.sendloop.example/open?t=aHR0cQ8x9ZZZzz0001Abcd",
        # an address without a dot in its host
        "https://t.newsrelay.example/c/" + _b64("https://intranet/wiki/page"),
        # a signature that merely contains one of the encoded forms of "http"
        "https://clk.inboxpilot.example/l?sig=Qh0dHk2Ttt9ZzXYw1234&id=5",
    ],
)
def test_unwrap_redirect_ignores_base64_that_is_no_address(url: str) -> None:
    assert unwrap_redirect(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://substack.com/redirect/abc123?j=eyJ1IjoxMjN9.sig",  # target not in the URL
        "https://example.us1.list-manage.com/track/click?u=0a1b2c&id=3d4e5f&e=9z8y7x",
        "https://link.mail.beehiiv.com/ss/c/u001.AbCd/4a1/h12/xyz",
        "https://www.google.com/search?q=https://a.org",  # a search, not a redirect
        "https://arxiv.org/abs/2401.15077",
    ],
)
def test_unwrap_redirect_keeps_what_it_cannot_recover(url: str) -> None:
    assert unwrap_redirect(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://substack.com/redirect/abc123?j=eyJ1IjoxMjN9.sig",
        "https://example.us1.list-manage.com/track/click?u=0a1b2c&id=3d4e5f&e=9z8y7x",
        "https://link.mail.beehiiv.com/ss/c/u001.AbCd/4a1/h12/xyz",
        "https://u123.ct.sendgrid.net/ls/click?upn=abc",
    ],
)
def test_is_tracking_link(url: str) -> None:
    assert is_tracking_link(url)


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2401.15077", "https://github.com/o/r", "https://substack.com/@x"])
def test_is_not_tracking_link(url: str) -> None:
    assert not is_tracking_link(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.org/p?utm_source=x&utm_medium=email&id=7", "https://a.org/p?id=7"),
        ("https://a.org/p?fbclid=IwAR0&gclid=abc&page=2#frag", "https://a.org/p?page=2"),
        ("https://a.org/p?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&mkt_tok=5", "https://a.org/p"),
        ("https://a.org/p?ref=newsletter&ref_src=twsrc&s=20", "https://a.org/p"),
        ("https://a.org/p?email=reader%40example.org&subscriber=9&sid=1&uid=2&token=t", "https://a.org/p"),
        ("https://x.substack.com/p/post?r=abc12&utm_campaign=post&triedRedirect=true", "https://x.substack.com/p/post"),
        ("https://a.org/p?UTM_Source=x&q=attention+is+all", "https://a.org/p?q=attention+is+all"),
        ("https://user:pw@A.ORG:443/Path?x=1", "https://a.org/Path?x=1"),
        ("https://a.us1.list-manage.com/track/click?u=1&id=2&e=3", "https://a.us1.list-manage.com/track/click?u=1&id=2"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("https://arxiv.org/abs/2401.15077", "https://arxiv.org/abs/2401.15077"),
        ("HTTPS://Arxiv.org/abs/2401.15077#S2", "https://arxiv.org/abs/2401.15077"),
        ("https://a.org:8080/p?", "https://a.org:8080/p"),
    ],
)
def test_clean_url(url: str, expected: str) -> None:
    assert clean_url(url) == expected


CODE_URLS = [
    ("https://github.com/Dao-AILab/flash-attention", "https://github.com/Dao-AILab/flash-attention", None),
    ("https://github.com/Dao-AILab/flash-attention/", "https://github.com/Dao-AILab/flash-attention", None),
    ("https://github.com/Dao-AILab/flash-attention.git", "https://github.com/Dao-AILab/flash-attention", None),
    ("http://www.GitHub.com/vllm-project/vllm?utm_source=x#readme", "https://github.com/vllm-project/vllm", None),
    ("https://github.com/o/r/tree/main/sub/dir", "https://github.com/o/r", "tree/main/sub/dir"),
    ("https://github.com/o/r/blob/main/train.py#L10", "https://github.com/o/r", "blob/main/train.py"),
    ("https://github.com/o/r/releases/tag/v1.0", "https://github.com/o/r", "releases/tag/v1.0"),
    ("https://github.com/o/r.js", "https://github.com/o/r.js", None),
    ("https://gitlab.com/group/sub/project", "https://gitlab.com/group/sub/project", None),
    ("https://gitlab.com/group/sub/project/-/tree/main/src", "https://gitlab.com/group/sub/project", "tree/main/src"),
    ("https://gitlab.com/group/project.git", "https://gitlab.com/group/project", None),
    ("https://codeberg.org/owner/repo/src/branch/main", "https://codeberg.org/owner/repo", "src/branch/main"),
    ("https://huggingface.co/spaces/lmms-lab/Video-MME", "https://huggingface.co/spaces/lmms-lab/Video-MME", None),
    ("https://t.example.com/c?url=https%3A%2F%2Fgithub.com%2Fo%2Fr%3Futm_source%3Dx", "https://github.com/o/r", None),
]

NOT_CODE_URLS = [
    "https://github.com/deepseek-ai",
    "https://github.com/features/copilot",
    "https://github.com/trending",
    "https://github.com/trending/python",
    "https://github.com/topics/llm",
    "https://github.com/marketplace/actions/x",
    "https://github.com/sponsors/someone",
    "https://github.com/orgs/acme/people",
    "https://github.com/settings/profile",
    "https://github.com/login",
    "https://github.com/about/careers",
    "https://github.com/pricing",
    "https://github.com/enterprise",
    "https://github.com/collections/machine-learning",
    "https://github.com/explore",
    "https://github.com/apps/dependabot",
    "https://github.com/site/terms",
    "https://github.com/security/advisories",
    "https://github.com/customer-stories/x",
    "https://github.com/o/r/issues/12",
    "https://github.com/o/r/pull/3",
    "https://github.com/o/r/discussions/4",
    "https://gist.github.com/o/abc123",
    "https://o.github.io/r/",
    "https://raw.githubusercontent.com/o/r/main/README.md",
    "https://gitlab.com/explore/projects",
    "https://gitlab.com/group",
    "https://gitlab.com/group/project/-/issues/5",
    "https://huggingface.co/ai21labs/Jamba-v0.1",
    "https://huggingface.co/datasets/lmms-lab/Video-MME",
    "https://huggingface.co/papers/2309.06180",
    "https://huggingface.co/spaces",
    "https://arxiv.org/abs/2401.15077",
    "https://example.com/o/r",
]


@pytest.mark.parametrize(("url", "repo", "path"), CODE_URLS)
def test_find_code_link(url: str, repo: str, path: str | None) -> None:
    link = find_code_link(url)
    assert link is not None
    assert (link.url, link.path) == (repo, path)
    assert link.host == repo.split("/")[2]


@pytest.mark.parametrize("url", NOT_CODE_URLS)
def test_find_code_link_rejects(url: str) -> None:
    assert find_code_link(url) is None


def test_doubly_encoded_redirect_to_code_keeps_owner_case() -> None:
    target = quote(quote("https://github.com/SafeAILab/EAGLE?utm_medium=email", safe=""), safe="")
    link = find_code_link(f"https://links.example.com/c?link={target}")
    assert link is not None and link.url == "https://github.com/SafeAILab/EAGLE"
