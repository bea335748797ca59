"""Pure URL functions for the links newsletters carry: unwrap click-tracking redirects, drop tracking and
personal parameters, and recognise arXiv papers and code repositories.

Runs inside item extraction; never touches the network, so a redirect that does not carry its target in
the URL itself (a Mailchimp click, a beehiiv `/ss/c/` link) is left as it is, never followed. Such opaque
trackers carry a subscriber's identity, which is why `is_tracking_link` lets callers leave them out of
anything they store or forward.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, unquote, unquote_plus, urlsplit, urlunsplit

from extractors.prefilter import has_case_blind_extras
from records.documents import CodeLink, PaperRef

# --- arXiv identifiers -------------------------------------------------------------------------------

_OLD_ARCHIVES = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph",
    "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math-ph", "math", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph",
    "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
)
_ID = (
    r"(?:(?P<new>(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5})"
    r"|(?P<archive>" + "|".join(re.escape(a) for a in _OLD_ARCHIVES) + r")"
    r"(?:\.[A-Za-z][A-Za-z-]*)?/(?P<old>(?P<oyy>\d{2})(?P<omm>\d{2})\d{3}))"
    r"(?:v(?P<version>\d+))?"
)
_ARXIV_PATHS = {
    "arxiv.org": re.compile(rf"/(?:abs|pdf|html|ps|format)/(?:arxiv:)?{_ID}(?:\.pdf)?/?", re.I),
    "export.arxiv.org": re.compile(rf"/(?:abs|pdf|html)/(?:arxiv:)?{_ID}(?:\.pdf)?/?", re.I),
    "ar5iv.labs.arxiv.org": re.compile(rf"/(?:abs|html)/{_ID}/?", re.I),
    "ar5iv.org": re.compile(rf"/(?:abs|html)/{_ID}/?", re.I),
    "huggingface.co": re.compile(rf"/papers/{_ID}/?", re.I),
    "hf.co": re.compile(rf"/papers/{_ID}/?", re.I),
    "alphaxiv.org": re.compile(rf"/(?:abs|overview|pdf)/{_ID}/?", re.I),
    "doi.org": re.compile(rf"/10\.48550/arxiv\.{_ID}/?", re.I),
    # paper sites that address a paper by its arXiv id: Semantic Scholar, SciRate, papers.cool, INSPIRE
    # (`/arxiv/ID`), Emergent Mind (`/papers/ID`), Semantic Scholar's API and ADS (`/arXiv:ID`)
    "semanticscholar.org": re.compile(rf"/arxiv/{_ID}/?", re.I),
    "api.semanticscholar.org": re.compile(rf"/(?:graph/v1/paper/)?arxiv:{_ID}/?", re.I),
    "scirate.com": re.compile(rf"/arxiv/{_ID}/?", re.I),
    "papers.cool": re.compile(rf"/arxiv/{_ID}/?", re.I),
    "inspirehep.net": re.compile(rf"/arxiv/{_ID}/?", re.I),
    "emergentmind.com": re.compile(rf"/papers/{_ID}/?", re.I),
    "ui.adsabs.harvard.edu": re.compile(rf"/abs/arxiv:{_ID}(?:/abstract)?/?", re.I),
    # arXiv's own other hosts and its long-lived mirrors
    "browse.arxiv.org": re.compile(rf"/(?:abs|pdf|html)/{_ID}(?:\.pdf)?/?", re.I),
    "xxx.lanl.gov": re.compile(rf"/(?:abs|pdf)/{_ID}(?:\.pdf)?/?", re.I),
    "arxiv-vanity.com": re.compile(rf"/papers/{_ID}/?", re.I),
}
# one of these is in every host above
_ARXIV_HOST_WORDS = ("arxiv", "ar5iv", "alphaxiv", "huggingface.co", "hf.co", "doi.org", "semanticscholar", "scirate",
                     "papers.cool", "inspirehep", "emergentmind", "adsabs", "lanl.gov")
# Text mentions must say "arXiv" first: bare numbers are too often versions, prices or dates.
_TEXT_ID_WORD = "arxiv"  # (what every mention opens with)
_TEXT_ID = re.compile(rf"(?<![A-Za-z0-9]){_TEXT_ID_WORD}(?:\s*[:.]\s*|\s+)(?:id\s*:?\s*)?{_ID}(?![0-9])", re.I)
# ... or cite the new-style id in square brackets, as arXiv's listings and many digests do: "[2406.01234] Title"
_BRACKETED_ID = re.compile(rf"\[\s*{_ID}\s*\]")


def _valid_id(m: re.Match[str]) -> bool:
    if m.group("new"):
        yymm = int(m.group("yy") + m.group("mm"))
        digits = len(m.group("new")) - 5
        return 1 <= int(m.group("mm")) <= 12 and yymm >= 704 and digits == (4 if yymm < 1501 else 5)
    return 1 <= int(m.group("omm")) <= 12


def _paper(m: re.Match[str], url: str | None) -> PaperRef | None:
    if not _valid_id(m):
        return None
    # The subject class in math.GT/0309136 is not part of the identifier: arXiv's id is math/0309136.
    arxiv_id = m.group("new") or f"{m.group('archive').lower()}/{m.group('old')}"
    version = int(m.group("version")) if m.group("version") else None
    return PaperRef(arxiv_id=arxiv_id, version=version, url=url)


@lru_cache(maxsize=4096)  # pure, and asked again for the same links by every stage
def find_arxiv_in_url(url: str) -> PaperRef | None:
    """The arXiv paper a link points at (arXiv abs/pdf/html, Hugging Face papers, alphaXiv, arXiv DOI)."""
    target = unwrap_redirect(url)
    lower = target.lower()  # (lowered once, not once per host word)
    if not any(host in lower for host in _ARXIV_HOST_WORDS):
        return None  # most links: no host that serves papers
    parts = _split(target)
    if parts is None:
        return None
    pattern = _ARXIV_PATHS.get(_host(parts))
    m = pattern.fullmatch(unquote(parts.path)) if pattern else None
    return _paper(m, clean_url(target)) if m else None


def find_arxiv_in_text(text: str) -> list[PaperRef]:
    """arXiv ids written out in text (`arXiv:2401.15077`, `arXiv 2401.15077v2`, `arXiv:hep-th/9901001`,
    `[2401.15077]`)."""
    found: list[PaperRef] = []
    bracketed = "[" in text and "." in text
    if "arx" not in text.lower() and not bracketed:  # a mention opens with "arXiv" (a, r, x case-blind) or "["
        return found
    matches = [*_text_ids(text), *(_BRACKETED_ID.finditer(text) if bracketed else ())]
    for m in sorted(matches, key=lambda m: m.start()):
        ref = _paper(m, None)
        if ref and all(ref.arxiv_id != f.arxiv_id for f in found):
            found.append(ref)
    return found


def first_arxiv_mention(text: str) -> tuple[int, PaperRef] | None:
    """Where the first arXiv id written out in `text` starts, and the paper; None if there is none."""
    if "arx" not in text.lower():
        return None
    for m in _text_ids(text):
        if ref := _paper(m, None):
            return m.start(), ref
    return None


def _text_ids(text: str) -> list[re.Match[str]]:
    """`_TEXT_ID.finditer(text)`, the pattern tried only where the lowered text holds `_TEXT_ID_WORD`: a
    case-blind pattern that opens with a look-behind is otherwise tried at every position."""
    lower = text.lower()
    if len(lower) != len(text) or has_case_blind_extras(text):
        return list(_TEXT_ID.finditer(text))  # lowering moved or missed letters: scan the whole text
    found: list[re.Match[str]] = []
    end = 0
    at = lower.find(_TEXT_ID_WORD)
    while at >= 0:
        if at >= end and (m := _TEXT_ID.match(text, at)):
            found.append(m)
            end = m.end()
        at = lower.find(_TEXT_ID_WORD, at + 1)
    return found


# --- redirects and tracking parameters ---------------------------------------------------------------

_MAX_HOPS = 4
_REDIRECT_KEYS = frozenset({
    "url", "u", "target", "redirect", "redirect_url", "redirect_uri", "redirecturl", "link", "r", "dest",
    "destination", "to", "goto", "out", "href", "new_url",
})
_EMBEDDED_URL = re.compile(r"/(https?(?::|%3a)(?:/|%2f).*)$", re.I)
_SEARCH_PATH = re.compile(r"/(?:search|results|find|query)\b", re.I)  # a search for an address goes nowhere
_WEB_ADDRESS = re.compile(r"https?(?::|%3a)(?:/|%2f){2}[^/\s]+\.[^/\s]+", re.I)
_TRACKING_PREFIXES = ("utm_", "mc_", "hsa_", "pk_", "mtm_", "oly_", "vero_", "_hs", "ck_", "trk")
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "igshid", "igsh",
    "li_fat_id", "mkt_tok", "_ga", "_gl", "ref", "ref_src", "ref_url", "s", "si", "spm",
    # personal: who received the email
    "email", "e-mail", "email_address", "subscriber", "subscriber_id", "subscriberid", "sub", "sid", "uid",
    "user", "user_id", "userid", "token", "auth", "recipient", "rid", "eid", "r", "j",
    # Substack bookkeeping
    "isfreemail", "triedredirect", "publication_id", "post_id", "showwelcome",
    # beehiiv, ConvertKit, Mailchimp and friends
    "_bhlid", "last_resource_guid", "ck_subscriber_id", "mc_eid", "_kx", "__s", "vgo_ee", "wickedid", "oly_enc_id",
})
_HOST_PARAMS = {"list-manage.com": frozenset({"e"})}  # Mailchimp's subscriber id
_TRACKER_HOSTS = re.compile(
    r"(?:^|\.)(?:list-manage\.com|convertkit-mail\d*\.com|sendgrid\.net|mandrillapp\.com|hubspotlinks\.com"
    r"|rs6\.net|mlsend\.com|mjt\.lu|sendibt\d*\.com|mailgun\.org|exct\.net)$"
)
_TRACKER_PATHS = re.compile(r"^/(?:ss/c|ls/click|track/click|redirect|wf/click|c|cl|click)(?:/|$)", re.I)
_TRACKER_SUBDOMAIN = re.compile(r"^(?:click|clicks|link|links|track|trk|email|mail|url|em)\.")


@lru_cache(maxsize=4096)
def unwrap_redirect(url: str) -> str:
    """The destination of a click-tracking link when the link itself carries it, else `url` unchanged."""
    current = url.strip()
    if "?" not in current and not _B64_HTTP.search(current) and current.lower().find("http", 1) < 0:
        return current  # no query, no second URL, no encoded one: nothing is embedded (most links)
    for _ in range(_MAX_HOPS):
        target = _embedded_target(current)
        if not target or target == current:
            break
        current = target
    return current


def _embedded_target(url: str) -> str | None:
    parts = _split(url)
    if parts is None:
        return None
    if _host(parts).endswith("urldefense.com") or _host(parts).endswith("urldefense.proofpoint.com"):
        return _url_defense(url, parts)
    google = _host(parts).split(".")[0] == "google" and parts.path == "/url"
    pairs = parse_qsl(parts.query)
    for key, value in pairs:
        if key.lower() in _REDIRECT_KEYS or (google and key == "q"):
            target = _as_url(value)
            if target:
                return target
    # whatever the parameter's name ("q=", "z=", "uddg="), or the whole query ("?https://..."): a value that is
    # itself a web address is where the click goes
    values = () if _SEARCH_PATH.search(parts.path) else (*(v for _, v in pairs), unquote(parts.query))
    for value in values:
        if _WEB_ADDRESS.match(value) and (target := _as_url(value)):
            return target
    # or a value that is one base64-encoded ("d=aHR0cHM6Ly9...", "p=eyJ1cmwiOiJodHRwczov...")
    for value in values:
        if _B64_HTTP.search(value) and (target := _decode_segment(value)):
            return target
    m = _EMBEDDED_URL.search(url[url.find(parts.netloc) + len(parts.netloc):])
    if m:
        embedded = m.group(1)
        if re.match(r"https?(?::|%3a)%2f", embedded, re.I):
            # its own slashes are encoded, so the first literal one ends it (TLDR's `/CL0/https:%2F%2F.../1/...`)
            embedded = embedded.split("/", 1)[0]
        return _as_url(embedded)
    return next(filter(None, (_decode_segment(s) for s in parts.path.split("/"))), None)


_URL_DEFENSE_V3 = re.compile(r"/v3/__(.+?)__;", re.S)


def _url_defense(url: str, parts: SplitResult) -> str | None:
    """Proofpoint URL Defense, which mail gateways wrap every link of an email in: v3 keeps the target between
    `/v3/__` and `__;`; v2 writes it in `u=` with `-` for `%` and `_` for `/` (`https-3A__github.com_a_b`)."""
    m = _URL_DEFENSE_V3.search(url)
    if m:
        return _as_url(m.group(1))
    for key, value in parse_qsl(parts.query):
        if key == "u":
            decoded = value.replace("_", "/") if parts.path.startswith("/v2/") else value
            return _as_url(unquote(re.sub(r"-([0-9A-Fa-f]{2})", r"%\1", decoded)))
    return None


def _as_url(value: str) -> str | None:
    """`value` as an absolute http(s) URL, undoing up to three rounds of percent-encoding, or None."""
    v = value.strip()
    for _ in range(3):
        if not re.match(r"https?:?%", v, re.I):  # "https%3A%2F%2F..." or "https:%2F%2F..."
            break
        v = unquote(v)
    v = re.sub(r"^(https?):/+", r"\1://", v, flags=re.I)
    if re.match(r"https?://[^/\s?#]+\.[^/\s?#]+", v, re.I):
        return v
    return _decode_segment(v)


_B64_HTTP = re.compile(r"aHR0c|h0dH|dHRw")  # "http" base64-encoded at each of the three byte alignments
_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{12,}=*")  # base64 or base64url, padded or not
_DECODED_URL = re.compile(rb"https?(?::|%3a)[^\x00-\x20\"'<>\\^`{|}\x7f-\xff]+", re.I)


def _decode_segment(segment: str) -> str | None:
    """A URL an email service hid base64- or base64url-encoded in a path segment or a parameter's value, with or
    without padding: alone (`aHR0cHM6Ly9...`), percent-encoded first or after (`aHR0cHMlM0El...`, `...%3D`),
    behind a prefix (`v1:...`, `0aHR0c...`) or inside a JSON blob (`eyJ1cmwiOiJodHRwczpcL1wv...`, a JWT's
    payload). Decodes only runs in which "http" is visibly encoded, and only an absolute web address counts:
    a token that decodes to bytes or to prose is no link."""
    text = segment.replace(" ", "+")  # a query's `+` arrives as a space
    for _ in range(3):
        if "%" not in text:
            break
        text = unquote(text).replace(" ", "+")
    for run in _B64_RUN.findall(text):
        if not _B64_HTTP.search(run):
            continue
        for offset in range(4):  # a prefix glued on shifts the 4-character groups
            target = _url_in(_b64(run[offset:]))
            if target:
                return target
    return None


def _url_in(raw: bytes | None) -> str | None:
    if not raw:
        return None
    for m in _DECODED_URL.finditer(raw.replace(b"\\/", b"/")):  # JSON may write `/` as `\/`
        url = m.group().decode("ascii")
        url = _as_url(url)
        if url and re.match(r"https?://[^/\s?#]+\.[^/\s?#]+", url, re.I):
            return url
    return None


def _b64(text: str) -> bytes | None:
    body = text.rstrip("=").replace("-", "+").replace("_", "/")
    body = body[: len(body) - 1] if len(body) % 4 == 1 else body  # a dangling sixth of a byte
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


_BARE_URL = re.compile(r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>\"']+", re.I)


def visible_target(href: str, text: str) -> str:
    """Where a link goes: `href`, unless the link's own text is a URL and `href` hides where it goes: an
    opaque click-tracker (`<a href="https://link.mail.beehiiv.com/ss/c/...">arxiv.org/abs/2305.18290</a>`),
    or any address on another host that is itself no paper and no repository while the text shows one (an
    email service's own tracker, `https://news.createsend1.com/t/r-l-xyz/` over `github.com/owner/repo`).
    The text is then the only place the destination is written, and what the reader sees as it."""
    shown = text.strip().rstrip(".,;:!?)")
    if not _BARE_URL.fullmatch(shown):
        return href
    target = shown if re.match(r"https?://", shown, re.I) else "https://" + shown
    unwrapped = unwrap_redirect(href)
    if is_tracking_link(unwrapped) or _hides_shown(unwrapped, target):
        return target
    return href


def _hides_shown(href: str, shown: str) -> bool:
    """`shown` names a paper or a repository, and `href`, on another host, names neither."""
    if not (find_arxiv_in_url(shown) or find_code_link(shown)) or find_arxiv_in_url(href) or find_code_link(href):
        return False
    here, there = _split(href), _split(shown)
    return bool(here and there and here.hostname and there.hostname) and _host(here) != _host(there)


# Attributes in which a page writes out where a link goes when its href does not (X/Twitter's expanded t.co
# links, thread readers, link previews, links opened by a script): the first that holds an address counts.
_EXPANDED_ATTRIBUTES = ("data-expanded-url", "data-full-url", "data-expanded")  # what the href shortens, always
_SCRIPT_ATTRIBUTES = ("data-url", "data-href")  # where a script sends a link whose href is a stand-in
_SHORTENERS = frozenset({
    "t.co", "bit.ly", "buff.ly", "ow.ly", "tinyurl.com", "goo.gl", "lnkd.in", "dlvr.it", "is.gd", "trib.al",
    "rb.gy", "tiny.cc", "cutt.ly", "shorturl.at", "rebrand.ly", "bl.ink", "t.ly", "v.gd", "shorturl.com",
})
_ONE_ADDRESS = re.compile(r"https?://[^\s/]+\.[^\s/]+(?:/\S*)?", re.I)
# (every attribute `stated_target` reads besides the href: a link with none of them states nothing more)
_STATING_ATTRIBUTES = (*_EXPANDED_ATTRIBUTES, *_SCRIPT_ATTRIBUTES, "title")


def stated_target(href: str, attrs: Mapping[str, str]) -> str:
    """Where a link goes, where its own attributes say so and its href only stands in for it: an expanded
    address (`data-expanded-url`, `data-full-url`) over any href; `data-url` / `data-href` over a shortener's
    href (t.co, bit.ly, ...) or none ("#", "javascript:"); a `title` that is a whole address over a
    shortener's href. Otherwise `href`."""
    if not any(name in attrs for name in _STATING_ATTRIBUTES):
        return href  # (most links: no need to split the href to ask whether a shortener wrote it)
    for name in _EXPANDED_ATTRIBUTES:
        if (value := _address(attrs.get(name))) is not None:
            return value
    stand_in = not href or href.startswith("#") or href[:11].lower() == "javascript:"
    short = not stand_in and _is_shortened(href)
    if stand_in or short:
        for name in _SCRIPT_ATTRIBUTES:
            if (value := _address(attrs.get(name))) is not None:
                return value
    if short and (value := _address(attrs.get("title"))) is not None:
        return value
    return href


def _address(value: str | None) -> str | None:
    value = value.strip() if value else ""
    return value if value and _ONE_ADDRESS.fullmatch(value) else None


def _is_shortened(href: str) -> bool:
    parts = _split(href.strip())
    return parts is not None and bool(parts.hostname) and _host(parts) in _SHORTENERS


_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(?:/[^?#\s]*)?")  # no port, credentials, query or fragment


@lru_cache(maxsize=4096)
def clean_url(url: str) -> str:
    """`url` without tracking or personal query parameters, credentials or fragment; other parameters kept."""
    if _PLAIN_URL.fullmatch(url):
        return url  # nothing to drop, and already in the form rebuilt below (most links)
    parts = _split(url.strip())
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url.strip()
    netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port and parts.port not in (80, 443) else "")
    host_params = next((p for h, p in _HOST_PARAMS.items() if netloc == h or netloc.endswith("." + h)), frozenset())
    kept = [q for q in parts.query.split("&") if q and not _is_tracking_param(q, host_params)]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, "&".join(kept), ""))


def _is_tracking_param(pair: str, host_params: frozenset[str]) -> bool:
    name = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    return name.startswith(_TRACKING_PREFIXES) or name in _TRACKING_PARAMS or name in host_params


@lru_cache(maxsize=4096)
def is_tracking_link(url: str) -> bool:
    """True for an opaque click-tracker whose target is not in the URL (it identifies the subscriber)."""
    parts = _split(url)
    if parts is None or not parts.hostname:
        return False
    host = parts.hostname.lower()
    if _TRACKER_HOSTS.search(host):
        return True
    if host.endswith("substack.com") and parts.path.startswith("/redirect/"):
        return True
    return bool(_TRACKER_PATHS.match(parts.path)) and (
        bool(_TRACKER_SUBDOMAIN.match(host)) or host.endswith(("beehiiv.com", "substack.com"))
    )


# --- code repositories -------------------------------------------------------------------------------

_GITHUB_RESERVED = frozenset({
    "features", "trending", "topics", "marketplace", "sponsors", "orgs", "settings", "login", "logout", "join",
    "signup", "about", "pricing", "enterprise", "collections", "explore", "apps", "site", "security",
    "customer-stories", "notifications", "new", "search", "readme", "events", "team", "contact", "solutions",
    "resources", "partners", "codespaces", "issues", "pulls", "dashboard", "stars", "watching", "account",
    "organizations", "users", "blog", "nonprofit", "education", "premium-support", "mobile", "git-guides",
    "open-source", "sitemap", "copilot", "home", "discussions", "sessions", "password_reset", "redeem",
    "why-github", "case-studies", "newsroom", "careers", "webinars", "models", "github-copilot",
})
_GITLAB_RESERVED = frozenset({"explore", "users", "help", "dashboard", "search", "groups", "admin", "projects"})
_CODEBERG_RESERVED = frozenset({"explore", "user", "org", "api", "assets", "repo", "notifications", "admin"})
_NOT_CODE_PAGES = frozenset({"issues", "issue", "pull", "pulls", "discussions", "merge_requests"})
_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_REPO = re.compile(r"[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*")


@lru_cache(maxsize=4096)
def find_code_link(url: str) -> CodeLink | None:
    """The code repository a link points at, normalised to https://host/owner/repo, else None.

    Profiles, product pages, gists, github.io sites, raw files, issues and pull requests are not
    repositories; Hugging Face model and dataset pages are weights and data, only Spaces are code.
    """
    parts = _split(unwrap_redirect(url))
    if parts is None:
        return None
    host = _host(parts)
    split = _REPO_SPLITTERS.get(host)
    found = split([s for s in unquote(parts.path).split("/") if s]) if split else None
    if not found:
        return None
    repo, rest = found
    if rest and rest[0].lower() in _NOT_CODE_PAGES:
        return None
    return CodeLink(url=f"https://{host}/{'/'.join(repo)}", host=host, path="/".join(rest) or None)


def repo_name(code_url: str) -> str:
    """A repository's own name, the last part of its `CodeLink.url` ("qlora" of https://github.com/artidoro/qlora):
    what a story names its code by."""
    return code_url.rsplit("/", 1)[-1]


def _owner_repo(segments: list[str], reserved: frozenset[str]) -> tuple[list[str], list[str]] | None:
    if len(segments) < 2 or segments[0].lower() in reserved:
        return None
    owner, repo = segments[0], _strip_git(segments[1])
    if not _OWNER.fullmatch(owner) or not _REPO.fullmatch(repo):
        return None
    return [owner, repo], segments[2:]


def _github(segments: list[str]) -> tuple[list[str], list[str]] | None:
    return _owner_repo(segments, _GITHUB_RESERVED)


def _codeberg(segments: list[str]) -> tuple[list[str], list[str]] | None:
    return _owner_repo(segments, _CODEBERG_RESERVED)


def _gitlab(segments: list[str]) -> tuple[list[str], list[str]] | None:
    """GitLab groups nest: the project path ends where `/-/` starts (or, in old links, at tree/blob)."""
    if "-" in segments:
        cut = segments.index("-")
        project, rest = segments[:cut], segments[cut + 1:]
    else:
        cut = next((i for i, s in enumerate(segments) if i >= 2 and s in ("tree", "blob", "raw", "commits")), None)
        project, rest = (segments[:cut], segments[cut:]) if cut else (segments, [])
    if len(project) < 2 or project[0].lower() in _GITLAB_RESERVED:
        return None
    project = [*project[:-1], _strip_git(project[-1])]
    if not all(_OWNER.fullmatch(p) for p in project):
        return None
    return project, rest


def _hf_space(segments: list[str]) -> tuple[list[str], list[str]] | None:
    if len(segments) < 3 or segments[0] != "spaces" or not _REPO.fullmatch(segments[2]):
        return None
    return segments[:3], segments[3:]


_REPO_SPLITTERS = {
    "github.com": _github,
    "gitlab.com": _gitlab,
    "codeberg.org": _codeberg,
    "huggingface.co": _hf_space,
}


# --- helpers -----------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # pure (a SplitResult is an immutable tuple); every stage splits the same links again
def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return parts


@lru_cache(maxsize=4096)
def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _strip_git(name: str) -> str:
    return name[:-4] if name.lower().endswith(".git") else name
