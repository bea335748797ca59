"""Links that close what they belong to: a closing list of bare paper links, and a paragraph closed by its links.

Runs inside `extract_items` (extractors/items.py). Owns two layouts where a paper is linked only after the text
about it:

- a post whose numbered sections ("1. Adapter", "2) Prefix tuning") name no paper, and whose papers are only a
  list of bare links at its end, one per section and in their order (a board post's "related links", a seminar
  summary's "Papers" list, a mail's addresses after its text): the n-th link is the n-th section's paper. It
  moves to the end of that section (`lend_closing_links`, on the document's blocks before they are cut into
  segments), which is then a story closed by its paper's link like any other. Where the sections and the links
  do not pair one to one, nothing moves;
- a paragraph whose links all stand together after its text, one paper among them ("… 85.2%. Paper https://…
  | Code https://…", "… (paper, code)"; `closes_with_links`): in a post without headings it is that paper's
  story, titled by what it says before its first colon where that coins a name (`closing_lead`).
"""

from __future__ import annotations

import re

from extractors.blocks import Block, is_counter, strip_urls
from extractors.item_links import coins_a_name

# A section's number opening its heading: "1. Adapter", "2) Prefix-Tuning", "(3) Early exits"
_NUMBERED = re.compile(r"^\W{0,3}\(?(\d{1,2})[.)]\s+\S")
_MARK = re.compile(r"^[\W\d_]*$")  # what a bare link's line may hold besides the link: "[2]", "·", "3."
_TEXT_RANK = 7  # headings recognised by their weight or as plain-text title lines: below every <h*>


def lend_closing_links(blocks: list[Block]) -> list[Block]:
    """`blocks` with each bare link of a closing list moved to the end of the numbered section it pairs with."""
    numbered = [(n, m) for n, b in enumerate(blocks) if b.kind == "heading" and not b.label
                and (m := _NUMBERED.match(b.text)) is not None]
    heads = [n for n, _ in numbered]
    if len(heads) < 2 or [int(m.group(1)) for _, m in numbered] != list(range(1, len(heads) + 1)):
        return blocks
    rank = {_rank(blocks[n]) for n in heads}
    links = [n for n, b in enumerate(blocks) if b.paper_ids]
    if len(rank) != 1 or len(links) != len(heads) or links != list(range(links[0], links[0] + len(links))):
        return blocks
    if not all(_is_bare_link(blocks[n]) for n in links) or len({blocks[n].paper_ids[0] for n in links}) < len(links):
        return blocks
    ends = [_section_end(blocks, n, min(rank), links[0]) for n in heads]
    if ends[-1] > links[0]:
        return blocks
    lent = {end: blocks[at] for end, at in zip(ends, links, strict=True)}
    out: list[Block] = []
    for n, block in enumerate(blocks):
        if n not in links:
            out.append(block)
        if n + 1 in lent:
            out.append(lent[n + 1])  # the section's paper closes the section
    return out


def _rank(block: Block) -> int:
    return block.level if 1 <= block.level <= 6 else _TEXT_RANK


def _section_end(blocks: list[Block], head: int, rank: int, stop: int) -> int:
    """Where the section of the heading at `head` ends: the next heading of its rank or above, a rule, or `stop`."""
    for n in range(head + 1, stop):
        block = blocks[n]
        if block.kind == "sep" or (block.kind == "heading" and _rank(block) <= rank):
            return n
    return stop


def _is_bare_link(block: Block) -> bool:
    """A paragraph or list item that is only one paper's link written as its address (a reader's click count
    beside it, "14 clicks", aside): no words of its own that would name or present the paper."""
    if block.kind not in ("para", "li") or len(block.paper_ids) != 1 or not block.anchors:
        return False
    if any(anchor.text and strip_urls(anchor.text) for anchor in block.anchors):
        return False  # a link named by its text ("Adapter tuning", "paper"), not a bare address
    rest = strip_urls(block.text)
    return bool(_MARK.match(rest)) or is_counter(rest)


# What a closing group of links may say besides its links: "Paper … | Code …", "(paper, code)", "arXiv · GitHub"
_GROUP_WORDS = re.compile(
    r"[\W\d_]*(?:(?:paper|code|arxiv|github|pdf|project(?:\s+page)?|page|demo|weights|data(?:set)?|blog|links?"
    r"|repo(?:sitory)?|model|and|논문|코드|링크)\b[\W\d_]*)*",
    re.I,
)
_PROSE = 60  # letters of text before the links for them to close a paragraph rather than make a line of links
_LEAD = 120  # how long what a paragraph says before its first colon may be to title its story


def closes_with_links(block: Block) -> bool:
    """A paragraph closed by its one paper's links: all its links stand together after its text, with nothing but
    their names between and after them ("… 85.2%. Paper https://… | Code https://…", "… on KITTI (paper,
    code)."), and one paper is linked among them. Its story ends there."""
    if block.kind != "para" or len(block.paper_ids) != 1 or not block.anchors or block.card:
        return False
    starts = [_anchor_start(block.text, a.text, a.href) for a in block.anchors]
    if any(at < 0 for at in starts):
        return False
    cut = min(starts)
    if sum(c.isalpha() for c in block.text[:cut]) < _PROSE:
        return False
    tail = block.text[cut:]
    for anchor in sorted(block.anchors, key=lambda a: len(a.text), reverse=True):
        tail = tail.replace(anchor.text, " ") if anchor.text else tail
    return _GROUP_WORDS.fullmatch(strip_urls(tail)) is not None


def closing_lead(block: Block) -> str | None:
    """What a paragraph closed by its paper's links says before its first colon, where that is short, ends no
    sentence and coins a name ("Part 2, RAFT (Recurrent All-Pairs Field Transforms): builds …"): its story's title."""
    head, colon, _ = block.text[:_LEAD + 1].partition(": ")
    if not colon or re.search(r"[.!?]\s", head) or not coins_a_name(head):
        return None  # ("Also from the archive: …" names no paper: the story's title is found as for any other)
    return head.strip()


def _anchor_start(text: str, label: str, href: str) -> int:
    """Where a link stands in its block's text: its text's last occurrence, or its address written out (-1 where
    it is not there)."""
    if label:
        return text.rfind(label)
    bare = re.sub(r"^https?://(?:www\.)?", "", href)
    at = text.rfind(bare)
    if at < 0:
        return -1
    before = text[:at]
    return at - next((len(p) for p in ("https://www.", "http://www.", "https://", "http://", "www.")
                      if before.endswith(p)), 0)
