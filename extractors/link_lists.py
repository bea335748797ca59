"""A closing list of bare paper links lent to the numbered sections it lists, one link per section.

Runs inside `extract_items` (extractors/items.py), on the blocks of a document, before they are cut into
segments. Owns one layout: a post whose numbered sections ("1. Adapter", "2) Prefix tuning") name no paper,
and whose papers are only a list of bare links at its end, one per section and in their order (a board post's
"related links", a seminar summary's "Papers" list, a mail's addresses after its text). The n-th link is the
n-th section's paper: it moves to the end of that section, which is then a story closed by its paper's link
like any other. Where the sections and the links do not pair one to one, nothing moves.
"""

from __future__ import annotations

import re

from extractors.blocks import Block, is_counter, strip_urls

# A section's number opening its heading: "1. Adapter", "2) Prefix-Tuning", "(3) Early exits"
_NUMBERED = re.compile(r"^\W{0,3}\(?(\d{1,2})[.)]\s+\S")
_MARK = re.compile(r"^[\W\d_]*$")  # what a bare link's line may hold besides the link: "[2]", "·", "3."
_TEXT_RANK = 7  # headings recognised by their weight or as plain-text title lines: below every <h*>


def lend_closing_links(blocks: list[Block]) -> list[Block]:
    """`blocks` with each bare link of a closing list moved to the end of the numbered section it pairs with."""
    heads = [n for n, b in enumerate(blocks) if b.kind == "heading" and not b.label and _NUMBERED.match(b.text)]
    numbers = [int(_NUMBERED.match(blocks[n].text).group(1)) for n in heads]  # type: ignore[union-attr]
    if len(heads) < 2 or numbers != list(range(1, len(heads) + 1)):
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
    rest = block.text
    for anchor in block.anchors:
        if anchor.text and strip_urls(anchor.text).strip():
            return False  # a link named by its text ("Adapter tuning", "paper"), not a bare address
    rest = strip_urls(rest)
    return bool(_MARK.match(rest)) or is_counter(rest)
