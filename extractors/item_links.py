"""Which of a story's links are its paper, its code and its title: scoring the links of one unit of blocks.

Runs inside `extract_items` (extractors/items.py), once per story. Owns how surely a link is the story's own
paper ("primary") rather than one it names in passing ("mention"), which repository links are its code, what
the item is titled, and the names a paper goes by in the text (for extractors/attribution.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from extractors.blocks import Anchor, Block, find_word, norm, strip_urls
from extractors.links import (
    clean_url,
    find_arxiv_in_text,
    find_arxiv_in_url,
    find_code_link,
    is_tracking_link,
    repo_name,
    unwrap_redirect,
)
from records.documents import CodeLink, PaperRef

_PAPER_CUE = re.compile(
    r"\b(?:paper|arxiv|pdf|preprint|read more|abstract|tech(?:nical)? report)\b|논문|论文|論文", re.I
)
_PAPER_CUE_BEFORE = re.compile(r"(?:\bread\b[\w\s]{0,20}|\bpaper|\barxiv|\bpdf|\bpreprint|논문|论文)\W*$", re.I)
_CODE_CUE = re.compile(r"\b(?:code|github|gitlab|repo|repository|source|implementation|codebase|demo|space)\b"
                       r"|코드|代码|コード", re.I)
_CODE_CUE_BEFORE = re.compile(r"(?:\bcode|\bgithub|\brepo(?:sitory)?|\bsource|\bimplementation|코드)\W*$", re.I)
_GENERIC = re.compile(  # link texts that say "a paper is here" without naming it
    r"\W*(?:(?:read|the|full|paper|here|link|pdf|arxiv|alphaxiv|abstract|abs|more|this|on|report|technical"
    r"|preprint|see|check|out|it|view|open|html|논문|论文|論文|보기|바로\s?가기|링크|원문)\b\W*)*",
    re.I,
)


def is_generic_link_text(text: str) -> bool:
    """A link text that presents a paper without naming it ("Read the paper", "PDF", "논문 보기")."""
    return bool(text.strip()) and _GENERIC.fullmatch(text) is not None
# What digests tack onto a title about the link, not the paper: "(22 MINUTE READ)", "(GitHub Repo)"
_BADGE = re.compile(r"(?:\s*[(\[](?:\d+\s*min(?:ute)?s?(?:\s+read)?|github repo|sponsor|website|pdf)[)\]])+\s*$", re.I)
_BADGE_OPENERS = "(["  # (what every badge opens with: a title without one has no badge to drop)
# A paper named as what another is compared with ("faster than X", "compared with X", "unlike X"): a baseline,
# neither the story's subject nor the owner of its clause's numbers
BASELINE_BEFORE = re.compile(
    r"(?:\bthan|\bover|\bvs\.?|\bversus|\bcompared\s+(?:to|with)|\bagainst|\bbeat(?:s|ing)?|\boutperform(?:s|ing|ed)?"
    r"|\bsurpass(?:es|ing|ed)?|\bunlike|\brelative\s+to|\bbaselines?(?:\s+such\s+as)?"
    r"|\bimprov(?:es|ing|ed)\s+(?:on|upon))(?:\s+(?:the|prior|earlier))?(?:\s+\w+)?\s*$",
    re.I,
)
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|avif)$", re.I)
_WORD = re.compile(r"[^\W_]{3,}|\d+[^\W_]*", re.U)
_STOPWORDS = frozenset({"the", "and", "for", "with", "from", "via", "arxiv", "paper", "code", "github", "read", "more"})
_WEAK = frozenset({"without", "learning", "model", "models", "language", "large", "features", "towards", "using",
                   "via", "efficient", "training", "data", "network", "networks"})
_URL_TEXT = re.compile(r"(?:https?://|www\.)\S*$|[\w-]+(?:\.[\w-]+)+/\S*$", re.I)  # a link whose text is its address
_SOURCE_SUFFIX = re.compile(r"\s*[(\[](?:arxiv|pdf|paper|alphaxiv|hugging ?face)[)\]]\W*$", re.I)
# A short name in a title: "QLoRA: Efficient ...", "... with PagedAttention", "Direct Preference Optimization (DPO)"
_NAME_BEFORE_COLON = re.compile(r"^\s*(?:\d+[.)]\s*)?([^\s:]+(?:\s[^\s:]+){0,2}?)\s*[:—–-]\s+\S")
# (Latin letters only after the first: Korean glues its particles onto a name, "PAL과" is "PAL" and "과")
_COINED = re.compile(r"\b(?:[A-Z][a-z]+[A-Z][\dA-Za-z_]*|[A-Z]{2,}[a-z]*[\dA-Za-z_]*|[\dA-Za-z_]+-\d[\dA-Za-z_.]*"
                     r"|[A-Z][a-z]*\d[\dA-Za-z_]*)")
_ACRONYM = re.compile(r"\(([A-Z][\w-]{1,15})\)")
# A title that opens with a capitalised compound and goes on as a sentence is named by it ("Self-Consistency
# Improves Chain of Thought ...", "Chain-of-Thought Prompting Elicits ...", "Tree-of-Thoughts Lets ...")
_OPENING_COMPOUND = re.compile(r"^\s*([A-Z][a-z]+(?:-[A-Za-z]+)+)\s+[A-Z]")
# A label or number before a paper's title on the line of its address ("▶ 논문:", "Paper:", "arXiv —", "[2]")
_TITLE_LABEL = re.compile(r"^[^\w가-힣]*(?:(?:논문|원문|paper|arxiv|pdf|link|링크)\s*[:：—–-]|\d{1,2}[\].):])\s*", re.I)
_ADDRESS = re.compile(r"(?:https?://|www\.)\S*")


@dataclass(frozen=True)
class Link:
    """A link of a unit: where it points once unwrapped and cleaned, and where it sits."""

    anchor: Anchor
    url: str
    in_heading: bool
    block: Block | None  # None for the heading's links
    paper: str | None  # the arXiv id it points at

    @property
    def kept(self) -> bool:
        """Stored with the item: not an opaque click-tracker (it names the subscriber), not an image."""
        return not (is_tracking_link(self.url) or _IMAGE.search(self.url))


def links_of(heading: Block | None, blocks: list[Block], base: str | None) -> list[Link]:
    found: list[Link] = []
    pairs = [(a, None) for a in (heading.anchors if heading else [])]
    pairs += [(a, b) for b in blocks for a in b.anchors]
    for anchor, block in pairs:
        href = _absolute(anchor.href.strip(), base)
        if href and href.lower().startswith(("http://", "https://")):
            url = clean_url(unwrap_redirect(href))
            ref = find_arxiv_in_url(url)
            found.append(Link(anchor, url, block is None, block, ref.arxiv_id if ref else None))
    return found


def _absolute(href: str, base: str | None) -> str | None:
    if href[:8].lower().startswith(("http://", "https://")):
        return href  # absolute already (html_blocks resolved relative links): joining would only re-parse it
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # a malformed link (an unclosed IPv6 host) is skipped, not fatal
        return None


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _names_title(text: str, title: str) -> bool:
    own = words(text)
    shared = own & words(title)
    return bool(shared) and len(shared) >= 0.3 * len(own)


def _paper_score(link: Link, title: str, several: bool) -> int:
    """How surely a link is to the unit's own paper: in the heading; a card; named like the title; "paper" or
    "arXiv" as the whole link text or right before it ("Read more:"); on a line of links; among `several`
    papers, not named as a baseline."""
    a = link.anchor
    generic = bool(_GENERIC.fullmatch(a.text) and _PAPER_CUE.search(a.text))
    cue = 3 * generic or (1 if _PAPER_CUE.search(a.text) else 0)
    card = link.block is not None and link.block.card
    baseline = several and bool(a.before) and BASELINE_BEFORE.search(a.before[-40:]) is not None
    return 8 * link.in_heading + 4 * card + 4 * _names_title(a.text, title) + cue + 3 * bool(
        _PAPER_CUE_BEFORE.search(a.before)) + 2 * a.link_line - 3 * baseline


def papers_of(title: str, blocks: list[Block], links: list[Link], aside: set[int]) -> list[PaperRef]:
    """Papers of the unit, the one it is about first ("primary"), the others as "mention"s. A paper linked only
    under a label of related reading is never the primary while another is linked elsewhere."""
    linked = [lk for lk in links if lk.paper]
    texts = [ref for b in blocks for ref in find_arxiv_in_text(b.text)]
    if len(linked) == 1 and not texts:  # one link to one paper (most stories): nothing to weigh
        ref = find_arxiv_in_url(linked[0].url)
        return [_with_role(ref, "primary")] if ref else []
    title = title or next((b.lead for b in blocks if b.lead), "") or ""
    scored: dict[str, tuple[int, int, PaperRef]] = {}
    several = len({lk.paper for lk in linked}) > 1
    for order, link in enumerate(links):
        ref = find_arxiv_in_url(link.url) if link.paper else None
        if ref:
            aside_penalty = 100 if link.block is not None and id(link.block) in aside else 0
            _keep_best(scored, ref, _paper_score(link, title, several) - aside_penalty, order)
    for block in blocks if texts else []:
        for ref in find_arxiv_in_text(block.text):
            penalty = 100 if id(block) in aside else 0
            _keep_best(scored, ref, 2 + 2 * (len(block.text) <= 80) - penalty, len(links))
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


# What is said of a repository that is someone else's version of the paper's code, not the paper's own
_NOT_OFFICIAL = re.compile(
    r"\b(?:un|non-?)official\b|\bre-?implementation|\bthird[- ]party\b|\bcommunity(?:[- ]made)?\s+"
    r"(?:port|implementation|version|fork)|\bport(?:ed)?\s+(?:of|to)\b|비공식|재구현", re.IGNORECASE)


_CLAUSE_END = re.compile(r"[;.!?()]|,(?!\s+(?:an?|the)\s)|\s(?:and|but|or|while|whereas)\s")  # ", a port": on


def _clause_after(link: Link) -> str:
    """The rest of the link's clause after it ("x/y is the reimplementation most people use"): a repository
    called unofficial after its link is no more the paper's code than one called so before it."""
    block, text = link.block, link.anchor.text
    if block is None or not text:
        return ""
    at = block.text.find(text, len(link.anchor.before) - 1 if link.anchor.before else 0)
    if at < 0:
        return ""
    rest = block.text[at + len(text): at + len(text) + 80]
    end = _CLAUSE_END.search(rest)
    return rest[: end.start()] if end else rest


def code_links(title: str, links: list[Link], aside: set[int]) -> list[tuple[CodeLink, Link, int]]:
    """Repositories linked from the unit, each with the link that names it best and how surely it is code
    (named code, on a line of links, named like the title). Under a label of related reading only a
    repository named like the paper counts ("GitHub - allenai/OLMoE" under "더 읽어보기"), not an explainer."""
    repos = [(link, code) for link in links if (code := find_code_link(link.url)) is not None
             and not _NOT_OFFICIAL.search(f"{link.anchor.before[-60:]} {link.anchor.text} {_clause_after(link)}")]
    if len({code.url.lower() for _, code in repos}) == 1 and not any(
            link.block is not None and id(link.block) in aside for link, _ in repos):
        return [(repos[0][1], repos[0][0], 1)]  # one repository (most stories): nothing to weigh
    found: dict[str, tuple[int, CodeLink, Link]] = {}
    for link, code in repos:
        named = _names_title(repo_name(code.url), title)
        if link.block is not None and id(link.block) in aside and not named:
            continue
        a = link.anchor
        cue = bool(_CODE_CUE.search(a.text) or _CODE_CUE_BEFORE.search(a.before))
        score = 2 * cue + 2 * a.link_line + 4 * named
        key = code.url.lower()
        if key not in found or score > found[key][0]:
            kept = found[key][1] if key in found else code
            found[key] = (score, kept, found[key][2] if key in found else link)
    return [(c, lk, s) for s, c, lk in found.values()]


_SURE = 4  # a repository on a line of links that calls it code ("Paper · Code"), or named like the paper


def flagged(code: list[tuple[CodeLink, Link, int]]) -> list[CodeLink]:
    """Of one paper's repositories, those flagged as code where some are, else all; where one is flagged
    surely, a repository the prose merely links ("a set that is on GitHub") is another project named in
    passing."""
    floor = _SURE if any(s >= _SURE for _, _, s in code) else 1
    marked = [c for c, _, s in code if s >= floor]
    return marked or [c for c, _, _ in code]


TITLE_END = re.compile(r"[\s:;,|–—-]+$")  # what a title may not end with (a lead's dash or colon)


def item_title(title: str, blocks: list[Block], links: list[Link], primary: PaperRef, shared: bool = False) -> str:
    """The item's title; a heading that does not name the paper ("Paper of the week") gets the paper's name
    from its link text appended: a long name always, a short one ("SparseGPT") where the title is `shared`
    by several papers ("Pruning, twice.")."""
    text = TITLE_END.sub("", _without_badges(_raw_title(title, blocks, links, primary)))
    name = next((n for n in _paper_names(links, primary)
                 if len(n.split()) >= 3 or (shared and _COINED.search(n) and "/" not in n)), None)
    titled = bool(title) or any(b.lead and not b.card for b in blocks)  # a heading or a bold lead, not a link's text
    if titled and name and not _names_paper(text, name):
        return f"{text} — {name}"
    return text


# A name opening a sentence: capitalised words and the short words a title keeps in lower case ("Score-Based
# Generative Modeling through Stochastic Differential Equations", "P-Tuning v2: Prompt Tuning Can Be ...")
_TITLE_WORD = r"(?:[A-Z0-9][A-Za-z0-9.'’-]*|[a-z]\d[A-Za-z0-9.]*)"
_TITLE_RUN = re.compile(
    rf"{_TITLE_WORD}:?(?:\s+(?:(?:of|for|to|on|in|with|through|and|via|from|by|at|the|a|an|as|without|beyond)\s+)*"
    rf"{_TITLE_WORD}:?)*(?![A-Za-z0-9-])")
_OPENERS = frozenset({"A", "An", "The", "This", "These", "That", "Our", "Its", "Their", "We", "It", "In", "On"})
_NAME_WORDS = 3  # capitalised words for a name that is not a coined word ("GLM-130B", "WizardLM")
_COINED_NAME = re.compile(r"[A-Z][\w-]*(?:[A-Z]|\d)[\w-]*|[A-Z][a-z]+-[A-Z][\w-]*")


def opening_name(text: str, start: int = 0, end: int | None = None) -> str:
    """The name the sentence at `start` opens with: a title ("Diffusion Models Beat GANs on Image Synthesis
    then adds ...") or a coined word ("GLM-130B is ..."); "" where it opens with a word of prose ("Another
    ...", "The model ...")."""
    end = len(text) if end is None else end
    start += len(text[start:end]) - len(text[start:end].lstrip(" ,;"))
    m = _TITLE_RUN.match(text, start, end)
    name = m.group().rstrip(":") if m else ""
    capitalised = [w for w in name.split() if w[:1].isupper() and w not in _OPENERS]
    return name if len(capitalised) >= _NAME_WORDS or (name and _COINED_NAME.fullmatch(name)) else ""


def story_name(title: str, blocks: list[Block], links: list[Link], paper: PaperRef) -> str:
    """The name a story under a heading gives its paper where no link's text names it: the one its first
    paragraph opens with (a plain-text issue's "LET THE MODEL WRITE THE DATA" over "WizardLM evolves ...")."""
    if not title or _paper_names(links, paper):
        return ""
    first = next((b for b in blocks if b.text), None)
    if first is None or first.kind != "para" or first.lead is not None or first.card:
        return ""
    name = opening_name(first.text)
    label, colon, _ = name.partition(":")
    if colon and " " not in label and not _COINED_NAME.fullmatch(label):
        return ""  # a field's line ("Authors: Ada Park", "Presenter: ..."), not a title
    return name


def with_name(title: str, name: str | None) -> str:
    """`title` with a paper's `name` (the one its stretch of a paragraph opens with, extractors/attribution.py
    rule 7) after it where the title does not name the paper ("diffusion, twice — Diffusion Models Beat GANs on
    Image Synthesis"); the name alone where there is no title."""
    if not name or (title and _names_paper(title, name)):
        return title
    return f"{title} — {name}" if title else name


def _without_badges(text: str) -> str:
    return _BADGE.sub("", text) if any(c in text for c in _BADGE_OPENERS) else text


def _names_paper(heading: str, name: str) -> bool:
    """The heading names the paper: it holds one of the paper's own names (its short name, a coined word or an
    acronym of it), or two of its words where the paper has no short name before a colon (where it has one,
    only a piece of the title itself names it: "Features without labels" does not name "DINOv2: Learning
    Robust Visual Features without Supervision", nor "Math instruction tuning" "MAmmoTH: ... Instruction
    Tuning")."""
    own = [n for n in title_names(name) if len(n) >= 3 and n != name] or [name]
    if any(find_word(heading, n, folded=True) for n in own):
        return True
    if _NAME_BEFORE_COLON.match(name) and heading.casefold() not in name.casefold():
        return False  # "Math instruction tuning" shares words with "MAmmoTH: ... Instruction Tuning", not its name
    shared = words(name) & words(heading)
    return len(shared) >= 2 and bool(shared - _WEAK)


def _paper_names(links: list[Link], paper: PaperRef) -> list[str]:
    """Link texts of `paper`'s links that name it (not "paper", "arXiv", "here"), "(arXiv)" dropped; a card's
    title first."""
    own = sorted((lk for lk in links if lk.paper == paper.arxiv_id),
                 key=lambda lk: not (lk.block is not None and lk.block.card))
    texts = (_SOURCE_SUFFIX.sub("", lk.anchor.title or lk.anchor.text) for lk in own)
    return [t for t in texts if not _GENERIC.fullmatch(t) and not _URL_TEXT.match(t) and any(c.isalpha() for c in t)]


_LAST_WORD = re.compile(r"(\S+)\s*$")


def _names_before_addresses(links: list[Link], paper: PaperRef) -> list[str]:
    """The coined names written right before `paper`'s links whose text is only their address ("STaR
    https://arxiv.org/abs/2203.14465 bootstraps ..."): a chat or a comment names a paper so; and the names
    of the title on the line before such an address alone on its line (a plain-text newsletter's "Paper: PAL:
    Program-aided Language Models" over its address)."""
    found = []
    for lk in links:
        if not _written_as_address(lk, paper):
            continue
        if m := _LAST_WORD.search(lk.anchor.before):
            word = m.group(1).strip("*_\"'“”‘’")
            if _COINED.fullmatch(word):
                found.append(word)
    return found + [name for text in _title_lines(links, paper) for name in title_names(text)]


# A name written right before the bracket that opens with a paper's link, opening its sentence or clause or
# said to be what the sentence is about ("WebShop (paper, code) ...", "Its successor, VisualWebArena (arXiv)",
# "The classic is WebShop ("); not one word of a longer name ("Step-Back Prompting (") nor what a preposition
# governs ("the paper from OpenAI (", "runs on Whisper (", "one 24GB GPU (")
_NAME_BEFORE_BRACKET = re.compile(
    r"(?:^|[.!?:;,]\s+|\b(?:is|are|was|it)\s+)([A-Z][\w.-]*[\w])\s*[(\[]\s*$")


def bracket_name(links: list[Link], paper: PaperRef) -> str:
    """The name a paper goes by where its text writes it right before a bracket that opens with the paper's
    link whose text names nothing or is its address ("Its successor, VisualWebArena (arXiv · GitHub), adds ...",
    "Deita (paper) picks ...", "LESS [arxiv.org/abs/...] scores ..."); "" where there is none or where its links
    give two such names."""
    found = {m.group(1) for lk in links if lk.paper == paper.arxiv_id
             and (not lk.anchor.text or _GENERIC.fullmatch(lk.anchor.text) or _URL_TEXT.match(lk.anchor.text))
             and (m := _NAME_BEFORE_BRACKET.search(lk.anchor.before))
             and m.group(1) not in _OPENERS}
    return found.pop() if len(found) == 1 else ""


def _title_lines(links: list[Link], paper: PaperRef) -> list[str]:
    """The titles written on the line before `paper`'s links that stand alone on their line as their address."""
    return [_title_line_before(lk.block.text, lk.anchor.text or lk.anchor.href) for lk in links
            if _written_as_address(lk, paper) and lk.block is not None and not lk.anchor.before.strip()]


def _written_as_address(link: Link, paper: PaperRef) -> bool:
    """`link` is one of `paper`'s links whose text is only its address, or none (a URL written out in text)."""
    return link.paper == paper.arxiv_id and (not link.anchor.text or _URL_TEXT.match(link.anchor.text) is not None)


def _title_line_before(text: str, address: str) -> str:
    """The title written on the line before an address that stands on a line of its own ("▶ 논문: PAL:
    Program-aided Language Models" / "https://arxiv.org/abs/…"): what follows the address before it."""
    at = text.find(address)
    if at < 0:
        return ""
    ends = [m.end() for m in _ADDRESS.finditer(text, 0, at)]
    return _TITLE_LABEL.sub("", text[ends[-1] if ends else 0:at]).strip()


def _raw_title(title: str, blocks: list[Block], links: list[Link], primary: PaperRef) -> str:
    """The heading; else the bold lead; else the primary paper's card title or link text where it names the
    paper; else the first sentence."""
    if title:
        return title
    lead = next((b.lead for b in blocks if b.lead and not b.card), None)
    if lead:
        return lead
    first = next((b.text for b in blocks if b.text), "")
    prose = next((b for b in blocks if b.text and not b.card), None)
    opening = _OPENING_NAME.match(_POST_NUMBER.sub("", prose.text, count=1)) if prose is not None else None
    if opening and coins_a_name(opening.group(1)) and not any(
            not a.before.strip() and prose.text.startswith(a.text) for a in prose.anchors if a.text):
        return opening.group(1)  # "3/ HyDE: ask a model to write ...": the post opens with its paper's name
    names = [t for t in _paper_names(links, primary) if t]
    if not names and not blocks:  # a paper split off a story, linked only by its address: the title over it
        names = [t for t in _title_lines(links, primary) if t]
    for text in names:
        if first.startswith(text) or len(text) > 12 or not first:
            return _with_short_name(text, blocks)
    sentence = norm(re.split(r"(?<=[.!?])\s", strip_urls(first), maxsplit=1)[0])
    return _POST_NUMBER.sub("", sentence, count=1)[:120]


_OPENING_NAME = re.compile(r"([^\s:,;]+(?:\s[^\s:,;]+){0,2}):\s")  # "HyDE: ...", "Dr. GRPO: ..." opening a post


def _with_short_name(name: str, blocks: list[Block]) -> str:
    """A paper's link text with the short name written in brackets right after it ("Understanding R1-Zero-Like
    Training (Dr. GRPO)"): the name the newsletter goes on to call it."""
    for block in blocks:
        at = block.text.find(name + " (")
        if at >= 0:
            inner = block.text[at + len(name) + 2:].split(")", 1)
            if len(inner) == 2 and 0 < len(inner[0]) <= 30 and coins_a_name(inner[0]) and "/" not in inner[0]:
                return f"{name} ({inner[0]})"
    return name


_POST_NUMBER = re.compile(r"^\(?\d{1,3}\s?/\s?(?:\d{1,3}|n)?\)?\s+")  # "1/ ", "(2/8) ": a post's number in a thread


def coins_a_name(text: str) -> bool:
    """`text` holds a coined word, the way papers are named ("DINOv2", "GPT-4", "QLoRA")."""
    return _COINED.search(text) is not None


def title_names(text: str) -> list[str]:
    """The names a title gives its paper: itself when short, the name before its colon, its coined words and
    acronyms ("QLoRA" of "QLoRA: Efficient Finetuning of Quantized LLMs")."""
    text = _without_badges(text).strip()
    found = [text] if 0 < len(text.split()) <= 8 else []
    m = _NAME_BEFORE_COLON.match(text) or _OPENING_COMPOUND.match(text)
    if m:
        found.append(m.group(1))
    return found + _ACRONYM.findall(text) + _COINED.findall(text)


def mention_names(title: str, links: list[Link], papers: list[PaperRef]) -> dict[str, list[str]]:
    """The names each paper of a unit goes by in its text: its link texts, the short name in its title
    ("QLoRA" of "QLoRA: Efficient Finetuning of Quantized LLMs"), coined words and acronyms in them. The unit's
    heading names its first paper, except a name in it that is another paper's (a heading over two papers:
    "ViT, then MAE"): one of that paper's names, or the acronym of its title ("MAE" of "Masked Autoencoders
    Are Scalable Vision Learners")."""
    texts = {ref.arxiv_id: _paper_names(links, ref) + _names_before_addresses(links, ref) for ref in papers}
    names = {pid: [name for text in own for name in title_names(text)] for pid, own in texts.items()}
    primary = papers[0].arxiv_id
    for name in title_names(title) if title else []:
        names[_heading_name_owner(name, primary, names, texts)].append(name)
    return {pid: list(dict.fromkeys(f for f in found if len(f) >= 3)) for pid, found in names.items()}


def _heading_name_owner(name: str, primary: str, names: dict[str, list[str]], texts: dict[str, list[str]]) -> str:
    if name in names[primary] or any(abbreviates(name, t) for t in texts[primary]):
        return primary
    others = [pid for pid in names if pid != primary and (name in names[pid] or any(abbreviates(name, t)
                                                                                    for t in texts[pid]))]
    return others[0] if len(others) == 1 else primary


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]{1,7}")


def abbreviates(short: str, long: str) -> bool:
    """`short` is an acronym of the words `long` opens with: its letters, in order, the first at a word's
    start ("MAE", "Masked Autoencoders ..."; "ViT", "Vision Transformer"), within its length + 3 words."""
    if not _ABBREVIATION.fullmatch(short):
        return False
    text = " ".join(long.split()[:len(short) + 3]).casefold()
    at = len(text) - 1
    for i, c in enumerate(reversed(short.casefold())):
        first = i == len(short) - 1
        while at >= 0 and (text[at] != c or (first and at > 0 and text[at - 1].isalnum())):
            at -= 1
        if at < 0:
            return False
        at -= 1
    return True
