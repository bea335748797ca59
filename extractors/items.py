"""Split a document into items, one per paper it discusses, with the paper's links, code and metrics.

Runs after `parse_*` on every stored document (and again whenever the extractor changes). Owns the
rules for where one story ends and the next begins (headings, bold title paragraphs, rules, list
items), what is not a story (sponsor blocks, footers), which paper a story is about ("primary") and
which it only names in passing ("mention"), and which repository links belong to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin

from extractors.blocks import Anchor, Block, norm, strip_urls
from extractors.html_blocks import html_blocks
from extractors.links import (
    clean_url,
    find_arxiv_in_text,
    find_arxiv_in_url,
    find_code_link,
    is_tracking_link,
    unwrap_redirect,
)
from extractors.metric_tables import table_metrics
from extractors.metrics import extract_metrics
from extractors.prefilter import may_hold
from extractors.text_blocks import text_blocks
from records.documents import CodeLink, Document, Item, PaperRef

_SPONSOR = re.compile(
    r"^\W*(?:(?:this|today['’]?s|our|the)\s+(?:\w+\s+){0,2}(?:is|was)\s+)?"
    r"(?:sponsored|supported|presented|brought to you|powered|made possible|underwritten)\s+by\b"
    r"|^\W*(?:sponsor(?:ed|s)?|partner(?:ed|s)?|advertisement|advertising|promoted|paid (?:post|partnership)"
    r"|together with|in partnership with|(?:a word )?from our sponsors?|today['’]?s sponsor)\b"
    r"|^\W*(?:후원|광고|협찬|スポンサー|广告|赞助)",
    re.I,
)
# Footers: what follows them, up to the next heading or rule, is not a story.
_FOOTER = re.compile(
    r"(?=[uynm구수])"  # the letters the phrases open with: it changes no match, but makes the scan quicker
    r"(?:\bunsubscribe\b|you(?:'re| are) receiving (?:this|these)|no longer wish to receive"
    r"|manage (?:your )?(?:email )?(?:preferences|subscription)|update your (?:email )?preferences"
    r"|구독\s*취소|수신\s*거부)",
    re.I,
)
# A word each footer phrase holds: most blocks hold none, and looking for these few words costs far less than
# scanning with the pattern.
_FOOTER_WORDS = ("unsubscribe", "receiving", "no longer wish", "manage", "preferences", "구독", "수신")
# Sign-offs and calls to subscribe close the story before them; what follows is not dropped.
_SIGN_OFF = re.compile(
    r"^\W*(?:thanks? (?:you )?for reading|that['’]?s (?:all|it) for|see you next|until next (?:time|week)"
    r"|happy reading|subscribe (?:now|for free|here|to))",
    re.I,
)
_PAPER_CUE = re.compile(
    r"\b(?:paper|arxiv|pdf|preprint|read more|abstract|tech(?:nical)? report)\b|논문|论文|論文", re.I
)
_PAPER_CUE_BEFORE = re.compile(r"(?:\bread\b[\w\s]{0,20}|\bpaper|\barxiv|\bpdf|\bpreprint|논문|论文)\W*$", re.I)
_CODE_CUE = re.compile(r"\b(?:code|github|gitlab|repo|repository|source|implementation|codebase|demo|space)\b"
                       r"|코드|代码|コード", re.I)
_CODE_CUE_BEFORE = re.compile(r"(?:\bcode|\bgithub|\brepo(?:sitory)?|\bsource|\bimplementation|코드)\W*$", re.I)
_GENERIC = re.compile(  # link texts that say "a paper is here" without naming it
    r"\W*(?:(?:read|the|full|paper|here|link|pdf|arxiv|alphaxiv|abstract|abs|more|this|on|report|technical"
    r"|preprint|see|check|out|it|view|open|html|논문|论文|論文)\b\W*)*",
    re.I,
)
# What digests tack onto a title about the link, not the paper: "(22 MINUTE READ)", "(GitHub Repo)"
_BADGE = re.compile(r"(?:\s*[(\[](?:\d+\s*min(?:ute)?s?(?:\s+read)?|github repo|sponsor|website|pdf)[)\]])+\s*$", re.I)
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|avif)$", re.I)
_WORD = re.compile(r"[^\W_]{3,}|\d+[^\W_]*", re.U)
_STOPWORDS = frozenset({"the", "and", "for", "with", "from", "via", "arxiv", "paper", "code", "github", "read", "more"})


@dataclass
class _Unit:
    """A run of blocks that becomes one item if it carries a paper."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    heading: Block | None = None


def extract_items(doc: Document) -> list[Item]:
    """The paper-bearing items of `doc`, in document order."""
    blocks = text_blocks(doc.body) if doc.body_type == "text" else html_blocks(doc.body, doc.url)
    units = [unit for section in _sections(blocks) for unit in _units(section)]
    items = [item for item in (_item(unit, doc) for unit in units) if item is not None]
    items = _drop_recaps(items)
    return [_at(item, n) for n, item in enumerate(items)]


extract_document = extract_items


# --- sections and units ------------------------------------------------------------------------------

def _is_sponsor(block: Block) -> bool:
    return bool(_SPONSOR.match(block.text[:120])) or (len(block.text) <= 60 and "sponsor" in block.text.lower())


def _is_footer(text: str) -> bool:
    return may_hold(text, _FOOTER_WORDS) and _FOOTER.search(text) is not None


def _sections(blocks: list[Block]) -> list[list[Block]]:
    """Runs of blocks between headings and rules; sponsor blocks and footers start runs that are dropped."""
    sections: list[list[Block]] = [[]]
    ruled: set[int] = set()  # sections that a rule opened
    for block in blocks:
        if block.kind == "sep":
            ruled.add(len(sections))
            sections.append([])
        elif block.kind == "li" and (_is_sponsor(block) or _is_footer(block.text)):
            continue  # a sponsored entry in a list: drop it, not the rest of the list
        elif block.kind == "heading" or _is_sponsor(block) or _is_footer(block.text):
            sections.append([block])
        elif _SIGN_OFF.match(block.text):
            sections.append([])
        else:
            sections[-1].append(block)
    kept = [(s, n in ruled) for n, s in enumerate(sections) if s and not _is_dropped(s)]
    return _merge_subsections(kept)


def _is_dropped(section: list[Block]) -> bool:
    return _is_sponsor(section[0]) or _is_footer(section[0].text)


def _merge_subsections(sections: list[tuple[list[Block], bool]]) -> list[list[Block]]:
    """A paperless run under a deeper <h*> than the story before it ("Results", "Limitations") is part
    of that story."""
    merged: list[list[Block]] = []
    for section, after_rule in sections:
        top, head = (merged[-1][0] if merged else None), section[0]
        if (top is not None and not after_rule and top.kind == head.kind == "heading" and 0 < top.level < head.level
                and not any(b.paper_ids for b in section) and any(b.paper_ids for b in merged[-1])):
            merged[-1].extend(section)
        else:
            merged.append(section)
    return merged


def _is_sub_start(block: Block) -> bool:
    """A list item or a titled paragraph that carries its own paper: a story inside a digest section."""
    return bool(block.paper_ids) and (block.kind == "li" or (block.kind == "para" and block.lead is not None))


def _units(section: list[Block]) -> list[_Unit]:
    heading = section[0] if section[0].kind == "heading" else None
    body = section[1:] if heading else section
    starts = [b for b in body if _is_sub_start(b)]
    rest_has_paper = any(b.paper_ids for b in body if b not in starts)
    single_titled = len(starts) == 1 and starts[0].lead is not None and not rest_has_paper
    if len({b.paper_ids[0] for b in starts}) < 2 and not single_titled:
        return [_Unit(heading.text if heading else "", body, heading)]
    main = _Unit(heading.text if heading else "", [], heading)
    units, current = [main], None
    for block in body:
        if block in starts:
            unit = _Unit(block.lead or "", [block])
            units.append(unit)
            current = unit if block.kind == "para" else None  # a titled paragraph runs on; a list item is whole
        else:
            (current or main).blocks.append(block)
    return units


# --- items -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Link:
    anchor: Anchor
    url: str  # unwrapped and cleaned
    in_heading: bool


def _item(unit: _Unit, doc: Document) -> Item | None:
    links = _links(unit, doc.url)
    papers = _papers(unit, links)
    if not papers:
        return None
    text = strip_urls(" ".join(_blurb(b) for b in unit.blocks))
    return Item(
        document_key=doc.key,
        position=0,
        title=_title(unit, links, papers[0]),
        text=text,
        links=tuple(dict.fromkeys(lk.url for lk in links if not (is_tracking_link(lk.url) or _IMAGE.search(lk.url)))),
        papers=tuple(papers),
        code=tuple(_code(unit, links)),
        metrics=tuple(extract_metrics(text)) + tuple(m for b in unit.blocks if b.rows for m in table_metrics(b.rows)),
    )


def _blurb(block: Block) -> str:
    if block.rows is not None:
        return ""  # a results table read as prose gives numbers without their row or column
    return block.body if block.lead is not None else block.text


def _links(unit: _Unit, base: str | None) -> list[_Link]:
    found: list[_Link] = []
    pairs = [(a, True) for a in (unit.heading.anchors if unit.heading else [])]
    pairs += [(a, False) for b in unit.blocks for a in b.anchors]
    for anchor, in_heading in pairs:
        href = _absolute(anchor.href.strip(), base)
        if href and href.lower().startswith(("http://", "https://")):
            found.append(_Link(anchor, clean_url(unwrap_redirect(href)), in_heading))
    return found


def _absolute(href: str, base: str | None) -> str | None:
    if href[:8].lower().startswith(("http://", "https://")):
        return href  # absolute already (html_blocks resolved relative links): joining would only re-parse it
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # a malformed link (an unclosed IPv6 host) is skipped, not fatal
        return None


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _names_title(text: str, title: str) -> bool:
    words = _words(text)
    shared = words & _words(title)
    return bool(shared) and len(shared) >= 0.3 * len(words)


def _paper_score(link: _Link, title: str) -> int:
    """How surely a link is to the unit's own paper: in the heading; named like the title; "paper" or
    "arXiv" as the whole link text or right before it ("Read more:"); on a line of links."""
    a = link.anchor
    generic = bool(_GENERIC.fullmatch(a.text) and _PAPER_CUE.search(a.text))
    cue = 3 * generic or (1 if _PAPER_CUE.search(a.text) else 0)
    return 8 * link.in_heading + 4 * _names_title(a.text, title) + cue + 3 * bool(
        _PAPER_CUE_BEFORE.search(a.before)) + 2 * a.link_line


def _papers(unit: _Unit, links: list[_Link]) -> list[PaperRef]:
    """Papers of the unit, the one it is about first ("primary"), the others as "mention"s."""
    title = unit.title or next((b.lead for b in unit.blocks if b.lead), "") or ""
    scored: dict[str, tuple[int, int, PaperRef]] = {}
    for order, link in enumerate(links):
        ref = find_arxiv_in_url(link.url)
        if ref:
            _keep_best(scored, ref, _paper_score(link, title), order)
    for block in unit.blocks:
        for ref in find_arxiv_in_text(block.text):
            _keep_best(scored, ref, 2 + 2 * (len(block.text) <= 80), len(links))
    ranked = sorted(scored.values(), key=lambda s: (-s[0], s[1]))
    if not ranked:
        return []
    ordered = [ranked[0][2], *sorted((s[2] for s in ranked[1:]), key=lambda r: scored[r.arxiv_id][1])]
    return [_with_role(ref, "primary" if n == 0 else "mention") for n, ref in enumerate(ordered)]


def _keep_best(scored: dict[str, tuple[int, int, PaperRef]], ref: PaperRef, score: int, order: int) -> None:
    """One entry per paper: its best score, its first position, the ref of its best-scored link."""
    old = scored.get(ref.arxiv_id)
    if old is None:
        scored[ref.arxiv_id] = (score, order, ref)
        return
    better = old[2].url is None or (ref.url is not None and score > old[0])
    scored[ref.arxiv_id] = (max(score, old[0]), min(order, old[1]), ref if better else old[2])


def _with_role(ref: PaperRef, role: str) -> PaperRef:
    return PaperRef(arxiv_id=ref.arxiv_id, version=ref.version, url=ref.url, role=role)


def _code(unit: _Unit, links: list[_Link]) -> list[CodeLink]:
    """Repositories linked from the unit; where some are flagged as its code, only those."""
    found: dict[str, tuple[int, CodeLink]] = {}
    for link in links:
        code = find_code_link(link.url)
        if code is None:
            continue
        a = link.anchor
        cue = bool(_CODE_CUE.search(a.text) or _CODE_CUE_BEFORE.search(a.before))
        score = 2 * cue + 2 * a.link_line + 4 * _names_title(code.url.rsplit("/", 1)[-1], unit.title)
        key = code.url.lower()
        if key not in found or score > found[key][0]:
            found[key] = (score, found[key][1] if key in found else code)
    flagged = [c for s, c in found.values() if s > 0]
    return flagged or [c for _, c in found.values()]


def _title(unit: _Unit, links: list[_Link], primary: PaperRef) -> str:
    """The item's title; a heading that does not name the paper ("Paper of the week") gets the
    paper's name from its link text appended."""
    title = re.sub(r"[\s:;,|–—-]+$", "", _BADGE.sub("", _raw_title(unit, links, primary)))
    name = next((n for n in _paper_names(links, primary) if len(n.split()) >= 3), None)
    if unit.title and name and not _words(name) & _words(title):
        return f"{title} — {name}"
    return title


def _paper_names(links: list[_Link], paper: PaperRef) -> list[str]:
    """Link texts of `paper`'s links that name it (not "paper", "arXiv", "here"), "(arXiv)" dropped."""
    texts = (re.sub(r"\s*[(\[](?:arxiv|pdf|paper|alphaxiv|hugging ?face)[)\]]\W*$", "", lk.anchor.text, flags=re.I)
             for lk in links if _is_paper_link(lk, paper))
    return [t for t in texts if not _GENERIC.fullmatch(t)]


def _raw_title(unit: _Unit, links: list[_Link], primary: PaperRef) -> str:
    """The heading; else the bold lead; else the primary paper's link text where it names the paper;
    else the first sentence."""
    if unit.title:
        return unit.title
    lead = next((b.lead for b in unit.blocks if b.lead), None)
    if lead:
        return lead
    first = next((b.text for b in unit.blocks if b.text), "")
    for text in _paper_names(links, primary):
        if text and (first.startswith(text) or len(text) > 12):
            return text
    return norm(re.split(r"(?<=[.!?])\s", strip_urls(first), maxsplit=1)[0])[:120]


def _is_paper_link(link: _Link, paper: PaperRef) -> bool:
    ref = find_arxiv_in_url(link.url)
    return ref is not None and ref.arxiv_id == paper.arxiv_id


def _drop_recaps(items: list[Item]) -> list[Item]:
    """Drop tables of contents and recaps: an item all of whose papers are the subject of other items,
    its own subject among them in a fuller item."""
    def covered(item: Item) -> bool:
        others = [i for i in items if i is not item]
        fuller = any(i.papers[0].arxiv_id == item.papers[0].arxiv_id and len(i.text) > len(item.text) for i in others)
        return fuller and {p.arxiv_id for p in item.papers} <= {i.papers[0].arxiv_id for i in others}

    return [i for i in items if not covered(i)]


def _at(item: Item, position: int) -> Item:
    return replace(item, position=position)

