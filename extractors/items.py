"""Split a document into items, one per paper it discusses, with the paper's links, code and metrics.

Runs after `parse_*` on every stored document (and again whenever the extractor changes). Owns the model of
where one story ends and the next begins, and which paper a story, a code link or a number belongs to.

The segmentation model
----------------------
Blocks (extractors/blocks.py) arrive in document order: headings (`<h1>`-`<h6>` by level, and elements that are
headings by their role, size or weight, extractors/html_styles.py; bold-only paragraphs and plain-text title
lines rank below every `<h*>`), paragraphs (some open with a bold lead), list items (also the marked lines of a
paragraph written with line breaks), link cards (extractors/cards.py) and rules. A footnote marker carries its
note's links (extractors/footnotes.py): a paper cited by a footnote is linked where it is cited.

1. *Boundaries.* A sponsor block or a footer starts a run that is dropped up to the next heading or rule; a
   sign-off ("Thanks for reading", "Subscribe now") closes the story before it. A rule closes a story.
2. *Section labels* ("TL;DR", "Why it matters", "Why we care", "Key results", "논문 소개", "논문 링크", "더 읽어보기";
   see `blocks.LABEL`) are sub-headings whatever their markup: never a story's title, never its start. Links under a
   label of related reading ("Further reading", "더 읽어보기", "References") are the story's mentions, never its
   paper or its code. A run-in bold lead is a label, not a title, when what it says before its dash or colon
   is a label ("Why this matters – cheap search:") or opens several paragraphs ("📄 논문", "Our take:").
3. *Titles and their rank.* A heading carries a paper when it links one or its text up to the next heading
   does. The item titles' rank is the highest rank of a heading that carries a paper. A heading at that rank (or
   above) starts a new story, which may have no paper: a news item stays paperless (and is dropped) instead of
   being folded into the paper before it. A lower-ranked heading is a sub-heading inside the current story, unless
   it names a paper of its own (linked in it, on the line right under it or under the section labels that open
   its section, "논문 소개" / "Paper", or by a link that presents the paper,
   "논문 보기" / "Read the paper", closing its section's one paragraph) that the story does not have yet, or the
   story above was closed by its paper's line of links after its text and the heading's section has no paper
   (a "Lab notes" box after the last story). A story may link its paper only at the end of its section: where
   the last sub-section under a heading is only the paper's line of links ("Where to read": "Paper · Code"),
   after text under the heading's other sub-sections ("What it does", "How fast") that links no paper, the
   heading is that paper's title and its sub-sections are the story's parts, its numbers included
   (`_fold_link_sections`). A
   `<details>` disclosure's `<summary>` and a definition list's `<dt>` term (three words or more) are headings of
   the lowest rank, and the end of their container ends their last story (extractors/html_blocks.py).
4. *Documents delimited by rules.* Where every paper title after the first follows a rule, the rule is the
   story delimiter: titles of any rank that carry no paper of their own between two rules are sub-headings.
5. *A facts list* (a run of list items that carry no paper) right above a paper-bearing heading belongs to that
   heading's story.
6. *Stories inside a story.* Within a story, list items, bold-led paragraphs and link cards that carry two or more
   different papers are each a story of their own (a digest list, a card per paper); a titled paragraph runs on
   to the next such title, a list item is whole. In a story without a title (a comment, a post), so is a
   paragraph that opens by naming and linking its paper, after another paper's paragraphs, and one closed by its
   one paper's links ("… 85.2%. Paper https://… | Code https://…", "… (paper, code)"; extractors/link_lists.py),
   titled by what it says before its first colon where that coins a name ("Part 2, RAFT: …"), and whole. Where
   two or more titled paragraphs (bold leads, cards) start such stories, a titled paragraph without a paper starts
   one too (a price tracker or an event between two papers, paperless); the paper that the text right under it
   names (a card of a project page over "the paper is arXiv …") is its story's, and one that links only a
   repository is the code of the story before it (`_code_entries_to_paper`). A paragraph or list
   item titled by a repository's own link (a list of trending repositories) is an entry about that repository,
   with no paper: not the story's code and not its numbers, unless the story's title names the repository.
7. *One item per paper.* Items whose subject is the same paper (an issue discussing one paper in two sections, a
   table of contents, a recap) are one item: the fullest one, with the others' code and numbers.
8. *A post's one story.* Where the document holds one story and the body gives it no title (no heading, card,
   lead that names the paper, or link named like the paper: a forum post, a feed entry; a run-in lead or a
   sub-heading that does not name the paper, or a list item's lead after the story's text, labels a part), the
   item takes the document's title; where
   only its paper's link text titles it and the document's title names the paper as the story does (by its
   repository's name or a name coined in the text), the document's title goes first ("GN⁺: Whisper, … — Robust
   Speech Recognition via Large-Scale Weak Supervision").
9. *Posts.* An element marked as a post (`class="h-entry"`: a Mastodon status, an IndieWeb post list; schema.org
   microdata's `itemprop="acceptedAnswer"`, `"suggestedAnswer"`, `"comment"`: a question's answers) or as a
   message by its id (`data-message-id`, `data-post`: chat and channel exports) or by a header that is only
   its sender and time stamp, where two or more stand alone (a channel's digest email, a pasted chat log;
   extractors/blocks.py `chat_header`), starts a story, as a rule does (extractors/html_blocks.py,
   text_blocks.py), and that header is a meta line, never its title. So does a paragraph that opens with its
   post's number in a thread ("1/", "2/12", "(3/8)") or closes with it and the thread's length ("... 2/7",
   "... (3/8)"), where at least two paragraphs carry different numbers; and so does a message's header in a
   digest of a forum's or a mailing list's messages (its sender with an address and when it was sent: "Ann Lee
   <ann@lab.example>: Mar 04 09:12AM -0800", `blocks.is_message_header`), itself dropped, and a forum post's
   byline ("by Lena Ortiz - Monday, 4 March 2024, 10:20 AM", `blocks.post_bylines`) where two or more stand
   alone, itself dropped, the short line right above it (the post's subject) titling the post. A post that links a
   repository and no paper goes on about the paper of the post before it (a thread posts a paper, then its
   code); a reply in a chat thread ("Kenji replied to a thread 9:10 AM", "↳ ana 14:05") that names no paper
   goes on about the paper of its thread, the last message before it that is not a reply (about none where
   that one names none); a heading after a post or a message is the page's, but for a heading that links a
   paper right after the text of a post that links none: that is the post's link card, part of the post. A link
   card that closes the document, for a paper no other block links, after the text of a story with papers of
   its own, is the paper of the one story with a title of that story's rank that has none, where there is
   exactly one (a post's preview card of the paper one of its sections tells of, `_lend_closing_card`).
10. *A document that is a paper's page.* Where no block names a paper and the document's own link is a paper's
   page (a feed entry linking `huggingface.co/papers/ID` or `arxiv.org/abs/ID`, its body the abstract), the
   whole body is one item about that paper, titled by the document.

A paper or a repository is named by a link, a link card (extractors/cards.py), an arXiv id written out, or an
address written out in the text (with or without a scheme on the hosts of papers and code, blocks.text_urls).
Where a post's numbered sections name no paper and its only papers are a closing list of bare links, one per
section, the n-th link is the n-th section's, closing it (extractors/link_lists.py), before any of the above.

Inside a story, each number and each code link belongs to the paper its own clause is about, by the association
rules of extractors/attribution.py (its module docstring, rules 1-7: the paper its clause or sentence is about,
never one named as a baseline or in passing; for a code link, the paper its repository is named after; else the
story's own paper). What belongs to a paper the story only mentions becomes that paper's own item (titled by the
story's title where the paper's links give it no name: a heading over two papers); what cannot be decided (two
papers as joint subject) belongs to none. Where a paragraph is cut at its papers' closing links (rule 7 there),
the name each stretch opens with follows the heading in its paper's item title ("diffusion, twice — Diffusion
Models Beat GANs on Image Synthesis"); so does, in a plain-text document, the name a story's first paragraph opens
with where no link's text names its paper (extractors/item_links.py `story_name`), and, in a story titled by its
heading, the name written right before the bracket that opens with its paper's link where that link names nothing
("Agents in the browser — WebShop" of "The classic is WebShop (paper, code)", `bracket_name`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from extractors.attribution import Owners, Piece, assign
from extractors.blocks import (
    LABEL,
    RELATED,
    Anchor,
    Block,
    find_word,
    is_message_header,
    norm,
    post_bylines,
    strip_urls,
)
from extractors.html_blocks import html_blocks
from extractors.item_links import (
    TITLE_END,
    Link,
    bracket_name,
    code_links,
    coins_a_name,
    flagged,
    is_generic_link_text,
    item_title,
    links_of,
    mention_names,
    papers_of,
    story_name,
    title_names,
    with_name,
    words,
)
from extractors.link_lists import closes_with_links, closing_lead, lend_closing_links
from extractors.links import find_arxiv_in_url, find_code_link, first_arxiv_mention, repo_name
from extractors.metric_tables import table_metrics
from extractors.metrics import locate_metrics
from extractors.prefilter import may_hold
from extractors.sentences import BREAK_AHEAD, CLOSED, reads_as_sentence
from extractors.text_blocks import text_blocks
from records.documents import CodeLink, Document, Item, Metric, PaperRef

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
    r"|happy reading|subscribe (?:now|for free|here|to)|cheers\b|(?:best|warm|kind) regards|all the best\b)",
    re.I,
)
_TITLE_RANK = 7  # bold-only paragraphs and plain-text title lines: below every <h*>


@dataclass
class _Segment:
    """A run of blocks under one heading (or none), up to the next heading, rule or boundary."""

    head: Block | None
    body: list[Block] = field(default_factory=list)
    after_rule: bool = False  # a rule, a sign-off or the document's start is right before it
    dropped: bool = False  # a sponsor block or a footer
    post: bool = False  # a numbered post of a thread opens it
    message: bool = False  # a chat message opens it
    reply: bool = False  # a chat message that is a reply in a thread opens it


@dataclass
class _Unit:
    """A run of blocks that becomes one item if it carries a paper."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    heading: Block | None = None
    aside: set[int] = field(default_factory=set)  # ids of blocks under a label of related reading


def extract_items(doc: Document) -> list[Item]:
    """The paper-bearing items of `doc`, in document order."""
    blocks = text_blocks(doc.body) if doc.body_type == "text" else html_blocks(doc.body, doc.url)
    _mark_labels(blocks)
    blocks = lend_closing_links(blocks)
    units = [unit for story in _lend_closing_card(_stories(_segments(blocks))) for unit in _units(story)]
    found = [_items(unit, doc) for unit in units]
    if any(not made and unit.heading is not None for unit, made in zip(units, found, strict=True)):
        subjects = _subject_names([item for items in found for item in items])
        for n, unit in enumerate(units):
            subject = _named_subject(unit, subjects) if not found[n] else None
            if subject is not None:
                found[n] = _items(unit, doc, subject)
    if units and not any(found) and (entry_paper := _entry_paper(doc)) is not None:
        whole = _Unit(norm(doc.title), [b for unit in units for b in unit.blocks])
        found = [_items(whole, doc, entry_paper)]
        units = [whole]
    items = [item for made in found for item in made]
    bearing = [unit for unit, made in zip(units, found, strict=True) if made]
    if len(bearing) == 1 and doc.title.strip() and _untitled(bearing[0], items[0], alone=len(items) == 1):
        items[0] = replace(items[0], title=norm(doc.title))  # a post's one story is titled by the post
    elif len(bearing) == 1 and doc.title.strip() and _titled_by_link(bearing[0], items[0], norm(doc.title)):
        items[0] = replace(items[0], title=f"{norm(doc.title)} — {items[0].title}")  # the post's headline first
    return [replace(item, position=n) for n, item in enumerate(_one_per_paper(items))]


def _entry_paper(doc: Document) -> PaperRef | None:
    """The paper a document is itself the page of (a feed entry whose link is `huggingface.co/papers/ID` or
    `arxiv.org/abs/ID`, its body the abstract): the subject of a body that links no paper of its own."""
    return find_arxiv_in_url(doc.url) if doc.url else None


def _subject_names(items: list[Item]) -> list[tuple[set[str], str, PaperRef]]:
    """The documents' papers (the subjects of its items), each with its item title and the title's words."""
    return [(words(i.title), i.title, i.papers[0]) for i in items if i.papers[0].role == "primary"]


def _named_subject(unit: _Unit, subjects: list[tuple[set[str], str, PaperRef]]) -> PaperRef | None:
    """A paperless section titled by the name of a paper that another section of the document links ("Deep
    dive: Differential Transformer"): a second section about that paper."""
    if unit.heading is None:
        return None
    heading = unit.heading.text
    own = words(heading)
    for shared, title, ref in subjects:
        if shared & own and any(find_word(heading, name) for name in title_names(title) if len(name) >= 4):
            return ref
    return None


_NAME_WORD = re.compile(r"[A-Za-z][\w.+-]*[\w+]")


def _titled_by_link(unit: _Unit, item: Item, headline: str) -> bool:
    """A post's one story titled only by its paper's link text (no heading, lead or card: "원문: <a>Robust
    Speech Recognition via ...</a>"), under a headline of the post that says more ("GN⁺: Whisper, ...")."""
    if unit.title or any(b.lead or b.card for b in unit.blocks) or item.title.casefold() in headline.casefold():
        return False
    if not any(_is_link_title(a.text, item.title) for b in unit.blocks for a in b.anchors):
        return False
    return _names_story(headline, item)  # the headline names the paper as the story does


def _names_story(text: str, item: Item) -> bool:
    """`text` names the item's paper as its story does: by its repository's name or a name coined in the text."""
    names = {repo_name(c.url).casefold() for c in item.code}
    names |= {w.casefold() for w in _NAME_WORD.findall(item.text) if coins_a_name(w)}
    return any(find_word(text, name, folded=True) for name in names if len(name) >= 3)


def _untitled(unit: _Unit, item: Item, alone: bool = True) -> bool:
    """A story with no title of its own in the body: no heading, no card, no bold lead that names its paper
    (a run-in lead that does not, "Scale — ...", "Needle in a haystack — ...", labels a part, as a sub-heading
    inside the story that does not name the paper does: "On my laptop"), no link named by
    the paper's title (a forum post, a feed entry or an email whose title is the entry's title or the subject).
    A lead shared by papers split off from the story (`alone` false: "Pruning, twice.") is still a title."""
    if unit.title or any(b.card for b in unit.blocks):
        return False
    # the lead that titles the item; a sub-heading inside the story that does not name its paper labels a part,
    # and so does a list item's run-in lead after the story's text ("CIFAR-10, unconditional: FID 1.97")
    lead = next((b.lead for n, b in enumerate(unit.blocks) if b.lead and (b.kind != "heading" or _names_story(
        b.text, item)) and not (b.kind == "li" and n > 0)), None)
    if lead is not None and (not alone or not item.title.startswith(f"{TITLE_END.sub('', lead)} — ")):
        return False  # (item_title appends the paper's name to a lead that does not name it)
    return not any(_is_link_title(a.text, item.title) for b in unit.blocks for a in b.anchors)


def _is_link_title(text: str, title: str) -> bool:
    """`title` is a link's text, or that text with the short name written after it ("… Training (Dr. GRPO)")."""
    return bool(text) and (title == text or title.startswith(text + " ("))


extract_document = extract_items


# --- segments: cut at headings, rules and boundaries -------------------------------------------------

def _is_sponsor(block: Block) -> bool:
    return bool(_SPONSOR.match(block.text[:120])) or (len(block.text) <= 60 and "sponsor" in block.text.lower())


def _is_footer(text: str) -> bool:
    return may_hold(text, _FOOTER_WORDS) and _FOOTER.search(text) is not None


def is_label(block: Block) -> bool:
    """A section label: a short heading or paragraph that only names a part of a story (`_mark_labels`)."""
    return block.label


def _mark_labels(blocks: list[Block]) -> None:
    """Mark the section labels: short headings and paragraphs in `blocks.LABEL`'s words, and short headings
    whose words come back in several stories ("The gist", "Key results", "논문 링크"), whatever their words."""
    counts: dict[str, int] = {}
    leads: dict[str, int] = {}
    for block in blocks:
        if block.kind == "heading" and len(block.text) <= 40:
            key = block.text.casefold().strip(" :.")
            counts[key] = counts.get(key, 0) + 1
        elif block.lead is not None and not block.card:
            key = _lead_head(block.lead)
            leads[key] = leads.get(key, 0) + 1
    for block in blocks:
        if block.lead is not None and not block.card and _is_label_lead(block.lead, leads):
            block.lead, block.body = None, block.text  # "Why this matters – X:" opens a paragraph, titles nothing
        if block.kind not in ("heading", "para") or block.card or len(block.text) > 60:
            continue
        if LABEL.match(block.text) is not None:
            block.label = True
        elif block.kind == "heading" and counts.get(block.text.casefold().strip(" :."), 0) >= 2 and not block.paper_ids:
            block.kind, block.label = "para", True


_LEAD_BREAK = re.compile(r"\s[–—-]\s|:")


@lru_cache(maxsize=1024)  # pure; each lead is asked twice (counted, then judged), and the split tries every position
def _lead_head(lead: str) -> str:
    """What a run-in lead says before its first dash or colon ("Why this matters – search is cheap:" is
    "why this matters"), folded."""
    return _LEAD_BREAK.split(lead, maxsplit=1)[0].casefold().strip(" .*")


def _is_label_lead(lead: str, counts: dict[str, int]) -> bool:
    """A run-in bold lead that labels its paragraph instead of titling a story: its head is a section label,
    or several paragraphs open with it ("📄 논문", "Our take –"); a long head is a title of its own."""
    head = _lead_head(lead)
    if not head or len(head) > 40:
        return False
    return LABEL.match(head) is not None or (counts.get(head, 0) >= 2 and not coins_a_name(lead))


# A post's number in a thread ("1/", "2/12", "(3/8)", "4/n"), opening a paragraph, or closing it with the
# thread's length ("... 2/7", "... (3/8)"): each numbered post is a story.
_THREAD_COUNTER = re.compile(r"\(?(\d{1,3})\s?/\s?(?:\d{1,3}|n)?\)?\s")
_CLOSING_COUNTER = re.compile(r"\s\(?(\d{1,3})\s?/\s?(\d{1,3}|n)\)?$")


def _post_number(block: Block) -> str | None:
    """The number a paragraph gives itself as a post of a thread, at its start or (with the total) at its end."""
    if block.kind != "para":
        return None
    if (m := _THREAD_COUNTER.match(block.text)) is not None:
        return m.group(1)
    closing = _CLOSING_COUNTER.search(block.text[-12:]) if "/" in block.text[-12:] else None
    if closing is None or (closing.group(2) != "n" and int(closing.group(1)) > int(closing.group(2))):
        return None
    return closing.group(1)


def _thread_posts(blocks: list[Block]) -> set[int]:
    """Ids of the paragraphs that open a numbered post of a thread: at least two paragraphs carry a post
    number, and not all the same one (two fractions are not a thread)."""
    numbered = [(id(b), n) for b in blocks if (n := _post_number(b)) is not None]
    return {bid for bid, _ in numbered} if len({n for _, n in numbered}) >= 2 else set()


def _post_under(last: _Segment, byline: Block) -> _Segment:
    """The segment a post's byline starts, titled by the post's subject: the short line without links right above
    the byline ("Week 8: Mixtral of Experts", "Re: ..."), taken off the segment before."""
    subject = last.body[-1] if last.body else last.head
    if subject is None or subject.anchors or len(subject.text) > 100 or (
            reads_as_sentence(subject.text, ".")):  # a sentence, not a subject ("…?" may be one)
        return _Segment(None, after_rule=True, post=True)
    if last.body:
        last.body.pop()
    else:
        last.head = None
    return _Segment(Block("heading", subject.text, [], None, subject.text), after_rule=True, post=True)


def _segments(blocks: list[Block]) -> list[_Segment]:
    segments = [_Segment(None, after_rule=True)]
    posts = _thread_posts(blocks)
    bylines = {id(blocks[n]) for n in post_bylines(blocks)}
    for block in blocks:
        if block.kind in ("sep", "message", "reply") or (block.kind != "li" and _SIGN_OFF.match(block.text)) or id(
                block) in posts:
            segments.append(_Segment(None, after_rule=True, post=id(block) in posts,
                                     message=block.kind in ("message", "reply"), reply=block.kind == "reply"))
            if id(block) in posts:
                segments[-1].body.append(block)
        elif block.kind == "para" and not block.anchors and is_message_header(block.text):
            segments.append(_Segment(None, after_rule=True, post=True))  # a digest's message: a post of its own
        elif id(block) in bylines:
            segments.append(_post_under(segments[-1], block))  # a forum post under its subject, the byline dropped
        elif (dropped := _is_sponsor(block) or _is_footer(block.text)) and block.kind == "li":
            continue  # a sponsored entry in a list: drop it, not the rest of the list
        elif dropped:  # (one test for both branches: a list item is not tested again)
            segments.append(_Segment(None, [block], dropped=True))
        elif block.kind == "heading" and not is_label(block) and _is_post_card(segments[-1], block):
            segments[-1].body.append(block)  # a post's link card: the paper the post's text is about
        elif block.kind == "heading" and not is_label(block):
            last = segments[-1]
            ruled = last.head is None and not last.body and last.after_rule
            segments.append(_Segment(block, after_rule=ruled))
        else:
            segments[-1].body.append(block)
    return [s for s in segments if (s.head or s.body) and not s.dropped]


def _is_post_card(segment: _Segment, heading: Block) -> bool:
    """A heading that links a paper right after the text of a thread's post that links none: the title of the
    post's link card (a social post embeds the page it links), part of the post."""
    return segment.post and bool(segment.body) and bool(heading.paper_ids) and not _has_paper(segment.body)


def _rank(block: Block) -> int:
    return block.level if 1 <= block.level <= 6 else _TITLE_RANK


def _papers(blocks: list[Block]) -> set[str]:
    return {pid for b in blocks if b.paper_ids for pid in b.paper_ids}


def _has_paper(blocks: list[Block]) -> bool:
    return any(b.paper_ids for b in blocks)


def _own_papers(segment: _Segment, closing: bool = False) -> set[str]:
    """Papers a heading names itself: linked in it, or on the short line or card right under it (under the
    section labels that open its section: "논문 소개", "Paper"); with `closing`, also on the line of links that
    closes its section ("🔗 Paper · Code")."""
    assert segment.head is not None
    own = set(segment.head.paper_ids)
    first = next((b for b in segment.body if not is_label(b)), None)
    if first is not None and (first.card or len(first.text) <= 100 or all(a.link_line for a in first.anchors)):
        own |= set(first.paper_ids)
    last = segment.body[-1] if len(segment.body) >= 2 else None
    if closing and last is not None and last.anchors and last.kind == "para" and all(a.link_line for a in last.anchors):
        own |= set(last.paper_ids)
    closer = segment.body[-1] if segment.body else None
    if closing and closer is not None and closer.kind == "para" and (pid := _closing_paper(closer)):
        own.add(pid)
    return own


def _closing_paper(block: Block) -> str | None:
    """The paper a paragraph closes with a link that presents it ("… 논문 보기", "… Read the paper · Code"):
    the link text names no paper, and nothing but other links follows it."""
    papers = [(a, ref) for a in block.anchors if (ref := find_arxiv_in_url(a.href))]
    if not papers or not is_generic_link_text(papers[-1][0].text):
        return None
    anchor, ref = papers[-1]
    at = block.text.rfind(anchor.text)
    tail = block.text[at + len(anchor.text):] if at >= 0 else "x"
    for other in block.anchors:
        tail = tail.replace(other.text, " ")
    return ref.arxiv_id if not re.sub(r"[\W_]+", "", tail) else None


# --- stories: fold sub-headings into the story above them ----------------------------------------------

@dataclass
class _Story:
    head: Block | None
    blocks: list[Block] = field(default_factory=list)
    papers: set[str] = field(default_factory=set)
    post: bool = False  # a numbered post of a thread opens it
    message: bool = False  # a chat message opens it


def _stories(segments: list[_Segment]) -> list[_Story]:
    segments = _fold_link_sections(_lift_facts_lists(segments))
    bearing = [s for s in segments if s.head is not None and _has_paper([s.head, *s.body])]
    title_rank = min((_rank(s.head) for s in bearing if s.head), default=0)
    ruled = len(bearing) >= 2 and all(s.after_rule for s in bearing[1:])
    stories: list[_Story] = []
    thread: _Story | None = None  # the last message that is not a reply: the thread a reply answers
    for seg in segments:
        current = stories[-1] if stories else None
        blocks = [seg.head, *seg.body] if seg.head else seg.body
        if seg.reply and thread is not None and thread.papers and not _has_paper(blocks):
            thread.blocks += blocks  # a reply that names no paper speaks of its thread's paper
        elif seg.post and current is not None and current.post and current.papers and _only_code(blocks):
            current.blocks += blocks  # a thread's post of a repository and no paper: the code of the paper above
        elif current is None or seg.head is None or seg.after_rule or _starts_story(seg, current, title_rank, ruled):
            stories.append(_Story(seg.head, list(seg.body), _papers(blocks), seg.post, seg.message))
            thread = stories[-1] if seg.message and not seg.reply else thread
        else:
            current.blocks += blocks
            current.papers |= _papers(blocks)
    return stories


def _lend_closing_card(stories: list[_Story]) -> list[_Story]:
    """A link card that closes the document (a post's preview of the link it embeds, after the text of its last
    story), for a paper that no other block links, at the end of a story that has papers of its own: the paper
    of the one story beside it (a story whose title is of the same rank) that has none, where there is exactly
    one ("... the paper is in the card at the end"). The card and what follows it (its description) move there."""
    last = stories[-1] if len(stories) >= 2 else None
    at = next((n for n in range(len(last.blocks) - 1, -1, -1) if last.blocks[n].card), None) if last else None
    if last is None or last.head is None or at is None:
        return stories
    card, before = last.blocks[at], last.blocks[:at]
    if len(card.paper_ids) != 1 or _has_paper(last.blocks[at + 1:]) or not _has_paper(before):
        return stories
    pid, rank = card.paper_ids[0], _rank(last.head)
    if pid in _papers([last.head, *before]) or any(pid in s.papers for s in stories[:-1]):
        return stories
    paperless = [s for s in stories[:-1] if s.head is not None and _rank(s.head) == rank and not s.papers
                 and not (s.post or s.message) and s.blocks]
    if len(paperless) != 1:
        return stories
    paperless[0].blocks += last.blocks[at:]
    paperless[0].papers.add(pid)
    del last.blocks[at:]
    last.papers = _papers([last.head, *last.blocks])
    return stories


def _only_code(blocks: list[Block]) -> bool:
    """The blocks link a repository and no paper (a thread posts a paper, then its code in the next post)."""
    return not _has_paper(blocks) and any(b.links_code for b in blocks)


def _starts_story(seg: _Segment, current: _Story, title_rank: int, ruled: bool) -> bool:
    assert seg.head is not None
    if current.post or current.message:
        return True  # a thread's post or a message has no sub-headings: a heading after it is the page's
    had = current.papers
    # a section closed by its paper's links line is a paper's title after another paper's story or right
    # under a category heading; inside a story still waiting for its links it is a sub-heading
    if _own_papers(seg, closing=bool(had) or not current.blocks) - had:
        return True  # a title with a paper of its own
    if had and _closed(current) and not _has_paper([seg.head, *seg.body]):
        return True  # after the line of links that closed the story above, a paperless section is not its part
    at_rank = _rank(seg.head) <= title_rank
    above = current.head is None or _rank(current.head) < title_rank  # a masthead, a category, an intro
    if not had and (at_rank or (above and _has_paper(seg.body))):
        return True  # the paperless story above does not take a story at the titles' rank or a paper's section
    return at_rank and not ruled  # between two rules, a title without a paper of its own is a sub-heading


def _closed(story: _Story) -> bool:
    """The story ends with its paper's line of links after its text ("📄 arxiv.org/abs/… · 💻 github.com/…"):
    its section is over."""
    if len(story.blocks) < 2:
        return False
    last = story.blocks[-1]
    if last.kind != "para" or not last.paper_ids or not last.anchors or not all(a.link_line for a in last.anchors):
        return False
    return any(not b.paper_ids and b.kind == "para" and len(b.text) > 80 for b in story.blocks[:-1])


def _fold_link_sections(segments: list[_Segment]) -> list[_Segment]:
    """A sub-section that is only its paper's line of links ("Where to read": "Paper · Code"), closing the
    section of the heading above it after that section's text under other sub-headings ("The trick", "Gains"),
    links the paper of that heading's story: the heading's sub-sections are folded into its segment, so that
    the story runs from its title over its numbers to its links. Its parent is the nearest heading before it of
    a higher rank; nothing from the parent to the links carries a paper, and the links end the parent's section
    (the next heading is of the parent's rank or above, a rule follows, or the document ends)."""
    folded: list[_Segment] = []
    for n, seg in enumerate(segments):
        at = _links_parent(folded, seg) if seg.head is not None and _is_links_section(seg) else None
        after = segments[n + 1] if n + 1 < len(segments) else None
        parent = folded[at] if at is not None else None
        if parent is None or parent.head is None or (
                after is not None and after.head is not None and not after.after_rule
                and _rank(after.head) > _rank(parent.head)):
            folded.append(seg)
            continue
        parts = [b for sub in folded[at + 1:] for b in (sub.head, *sub.body) if b is not None]
        folded[at:] = [_Segment(parent.head, [*parent.body, *parts, *(b for b in (seg.head, *seg.body) if b)],
                                after_rule=parent.after_rule)]
    return folded


def _is_links_section(seg: _Segment) -> bool:
    """A sub-section whose heading links nothing and whose body is only lines of links, one paper among them."""
    if seg.head is None or seg.head.anchors or seg.post or seg.message or seg.after_rule or not seg.body:
        return False
    lines = all(b.kind in ("para", "li") and (all(a.link_line for a in b.anchors) if b.anchors else _is_stub(b))
                for b in seg.body)
    return lines and len(_papers(seg.body)) == 1


def _links_parent(folded: list[_Segment], links: _Segment) -> int | None:
    """Where in `folded` the heading a links section closes stands: the nearest heading before it of a higher
    rank, with text and no paper from it to the links (the story's other sub-sections); None where there is none."""
    assert links.head is not None
    rank = _rank(links.head)
    text = False
    for n in range(len(folded) - 1, -1, -1):
        seg = folded[n]
        if seg.head is None or seg.post or seg.message or _has_paper([seg.head, *seg.body]):
            return None
        text = text or any(len(b.text) > 40 for b in seg.body)
        if _rank(seg.head) < rank:
            return n if text else None
        if seg.after_rule:
            return None
    return None


def _is_stub(block: Block) -> bool:
    """A block with no words of its own: an image link, a bare count."""
    return len(block.text) <= 3 or sum(c.isalnum() for c in block.text[:40]) <= 3


def _lift_facts_lists(segments: list[_Segment]) -> list[_Segment]:
    """What stands right above a paper-bearing heading and says nothing of its own belongs to its story: a run
    of paperless list items standing alone (a facts box), and the blocks without words at the end of the
    segment before (a card's image link, its vote count)."""
    out: list[_Segment] = []
    for seg in segments:
        last = out[-1] if out else None
        if last is None or seg.head is None or seg.after_rule:
            out.append(seg)
            continue
        lifted: list[Block] = []
        while last.body and last.body[-1].kind in ("para", "li") and _is_stub(last.body[-1]):
            lifted.insert(0, last.body.pop())
        facts = last.head is None and last.body and all(b.kind == "li" for b in last.body) and not _has_paper(
            last.body)
        if facts and _has_paper([seg.head, *lifted, *seg.body]):
            out[-1] = _Segment(seg.head, [*last.body, *lifted, *seg.body], after_rule=last.after_rule)
            continue
        keeps_own = _has_paper([last.head] if last.head else []) or _has_paper(last.body) or not last.body
        below = _papers([seg.head, *seg.body])
        if lifted and (not (below or _has_paper(lifted)) or not (keeps_own or _papers(lifted) <= below)):
            last.body.extend(lifted)  # not a paper's title, or the only link of the story above (and not of this)
            lifted = []
        seg.body[:0] = lifted
        if last.head is not None or last.body:
            out.append(seg)
        else:
            out[-1] = _Segment(seg.head, seg.body, after_rule=last.after_rule)
    return out


# --- units: stories inside a story -------------------------------------------------------------------

def _asides(blocks: list[Block]) -> set[int]:
    """Blocks under a label of related reading, up to the next label or sub-heading."""
    aside: set[int] = set()
    inside = False
    for block in blocks:
        if block.kind == "heading" or is_label(block):
            inside = bool(RELATED.match(block.text))
        elif inside and (head := _label_head(block)) is not None:
            inside = bool(RELATED.match(head))  # "논문 링크: ...", "Code: ...": a labelled line opens a part of its own
            if inside:
                aside.add(id(block))
        elif inside:
            aside.add(id(block))
    return aside


def _label_head(block: Block) -> str | None:
    """The section label a paragraph opens with before a colon ("논문 링크: arxiv.org/...", "Paper: ..."), if any."""
    head, colon, _ = block.text[:40].partition(":")
    return head if colon and LABEL.match(head) else None


def _is_sub_start(block: Block, aside: set[int], untitled: bool = False) -> bool:
    """A list item, a titled paragraph or a card that carries its own paper: a story inside a story. In a
    story with no heading (a comment, a plain message), so is a paragraph that names and links its paper in
    its first clause ("RULER (arxiv.org/abs/...) replaces ...")."""
    if not block.paper_ids or id(block) in aside:
        return False
    if block.kind == "para" and block.lead is None and untitled:
        return _opens_with_paper(block) or closes_with_links(block)
    return block.kind == "li" or _is_titled_para(block)


_OPENING = 60  # how far into a paragraph its first clause may name its paper


def _opens_with_paper(block: Block) -> bool:
    return _opening_name(block) is not None


def _opening_name(block: Block) -> str | None:
    """The name a paragraph opens with, where its first clause links its paper: the words before the link
    ("RULER (arxiv.org/...) replaces"), else the link's own text; None where the paragraph does not open so."""
    first = next((a for a in block.anchors if find_arxiv_in_url(a.href)), None)
    if first is None and (written := first_arxiv_mention(block.text[:_OPENING + 30])):
        first = Anchor("", "", block.text[:written[0]])  # "RWKV (arXiv:2305.13048): ...": the id written out
    if first is None or not block.text.startswith(first.before) or len(first.before) > _OPENING:
        return None
    if BREAK_AHEAD.search(first.before + " ") or (
            re.search(r":\s", first.before + " ") and (LABEL.match(first.before) or len(first.before.split()) > 4)):
        return None  # the link is past the paragraph's first clause ("Paper: ..."), not after its name ("RWKV: ...")
    return first.before.strip(" ([,—–-") or strip_urls(first.text).strip() or None


def _is_repo_entry(block: Block, title: str) -> bool:
    """A paragraph or list item titled by a repository's link ("**gemini-cli** ☆ 38k stars<br>A terminal
    agent ..."), the way a list of trending repositories writes each: an entry about that repository, not a
    paper's code, unless the story's title names the repository too."""
    lead = block.text if block.kind == "heading" else block.lead
    if lead is None or block.card or block.paper_ids or not block.anchors:
        return False
    first = block.anchors[0]
    if first.before.strip() or norm(first.text) != lead or (code := find_code_link(first.href)) is None:
        return False
    return not (title and find_word(title, repo_name(code.url)))


def _units(story: _Story) -> list[_Unit]:
    heading, body = story.head, story.blocks
    aside = _asides(body)
    title = heading.text if heading else ""
    entries: list[_Unit] = []
    kept: list[Block] = []
    under: _Unit | None = None  # the entry whose heading the paragraphs below belong to
    for block in body:  # each entry is a story of its own, with no paper: not the story's code, not its numbers
        if _is_repo_entry(block, title):
            entries.append(_Unit(block.lead or block.text, [block], None, aside))
            under = entries[-1] if block.kind == "heading" else None
        elif under is not None and block.kind != "heading" and not block.paper_ids:
            under.blocks.append(block)
        else:
            kept.append(block)
            under = None
    if entries:
        return [*_units(_Story(heading, kept, story.papers)), *entries]
    starts = [b for b in body if _is_sub_start(b, aside, untitled=heading is None)]
    rest_has_paper = any(b.paper_ids for b in body if b not in starts and id(b) not in aside)
    single_titled = (len(starts) == 1 and starts[0].lead is not None and not starts[0].card and not rest_has_paper
                     and heading is not None)
    if len(starts) == 1 and heading is None and starts[0].kind == "para" and starts[0].lead is None:
        before = body[:body.index(starts[0])]  # an untitled story: the paragraph after another paper's is its own
        single_titled = bool(_papers(before) - set(starts[0].paper_ids))
    if len({b.paper_ids[0] for b in starts}) < 2 and not single_titled:
        return [_Unit(title, body, heading, aside)]
    main = _Unit(title, [], heading, aside)
    units, current = [main], None
    # where titled paragraphs title the stories, one without a paper starts a story too (a paperless entry)
    titled = len({b.paper_ids[0] for b in starts}) >= 2 and sum(_is_titled_para(b) for b in starts) >= 2
    paperless: set[int] = set()  # ids of the units such a title starts
    for block in body:
        if block in starts and block.lead is None and current is not None and id(current) in paperless and (
                not _has_paper(current.blocks)):
            current.blocks.append(block)  # the paper of the title above, named in the text under it
        elif block in starts or (titled and _is_titled_para(block)):
            unit = _Unit(block.lead or (_opening_name(block) or closing_lead(block) if heading is None else None)
                         or "", [block], None, aside)
            units.append(unit)
            # a titled paragraph runs on; a list item is whole, and so is a paragraph closed by its paper's links
            current = unit if block.kind == "para" and not (heading is None and closes_with_links(block)) else None
            if block not in starts:
                paperless.add(id(unit))
        else:
            (current or main).blocks.append(block)
    return _code_entries_to_paper(units, paperless)


def _is_titled_para(block: Block) -> bool:
    """A paragraph that opens with a title: a bold lead, or a link card (its title is its lead)."""
    return block.kind == "para" and block.lead is not None


def _code_entries_to_paper(units: list[_Unit], paperless: set[int]) -> list[_Unit]:
    """A story started by a title without a paper that links a repository and no paper (a bookmark of the code
    after the paper's own) goes on about the paper of the story before it, as a thread's post of its code does."""
    out: list[_Unit] = []
    for unit in units:
        if out and id(unit) in paperless and _only_code(unit.blocks):
            out[-1].blocks += unit.blocks
        else:
            out.append(unit)
    return out


# --- items -------------------------------------------------------------------------------------------

def _blurb(block: Block) -> str:
    if block.rows is not None and block.kind == "li":
        return block.body  # a paper's row of a table of papers: the summary written in its cells
    if block.rows is not None or is_label(block):
        return ""  # a results table read as prose gives numbers without their row or column
    if block.kind == "li" and block.lead is not None and not block.body and any(c.isdigit() for c in block.text):
        return block.text  # a one-line bullet that is all lead and holds a number states a fact ("- 35 steps")
    return block.body if block.lead is not None else block.text


def _join_blurbs(texts: list[str]) -> str:
    """The blurbs of a unit's blocks as one text for the metric reader: a block that ends without ending its
    sentence (a list item "GSM8K 정확도 74%", a line "Top-1: 88.5" under a heading) is still a sentence of its
    own, so a line break (which the reader takes as a sentence end) follows it rather than a space; one
    character either way, as `attribution` counts it. The item's text has spaces there."""
    out: list[str] = []
    for t in texts:
        if t:
            if out:
                out.append(" " if CLOSED.search(out[-1]) else "\n")
            out.append(t)
    return "".join(out)


def _items(unit: _Unit, doc: Document, subject: PaperRef | None = None) -> list[Item]:
    """The unit's item, and one for each paper it only mentions that a number or code link of its own belongs
    to; a unit that links no paper is about `subject`, if given."""
    links = links_of(unit.heading, unit.blocks, doc.url)
    papers = papers_of(unit.title, unit.blocks, links, unit.aside) or ([subject] if subject else [])
    if not papers:
        return []
    primary = papers[0].arxiv_id
    if len(papers) == 1:  # everything is the one paper's: no need to know which block a number is in
        pieces, text = [], _join_blurbs([strip_urls(_blurb(b)) for b in unit.blocks])
    else:
        pieces = [p for p in (Piece(b, strip_urls(_blurb(b))) for b in unit.blocks) if p.text]
        text = _join_blurbs([p.text for p in pieces])
    located = locate_metrics(text)
    code = code_links(unit.title, links, unit.aside)
    owners = assign(pieces, located, code, papers, lambda: mention_names(unit.title, links, papers))
    tables = [m for b in unit.blocks if b.rows for m in table_metrics(b.rows, b.caption)
              if b.kind != "li" or m.subject == b.lead]  # a paper's row of a table of papers: its own cells
    title = item_title(unit.title, unit.blocks, links, papers[0], shared=len(owners.split_off) > 0)
    item = Item(
        document_key=doc.key,
        position=0,
        title=with_name(title, owners.names.get(primary) or (doc.body_type == "text"
                                                             and story_name(unit.title, unit.blocks, links, papers[0]))
                        or (title == TITLE_END.sub("", unit.title) and bracket_name(links, papers[0]))),
        text=text.replace("\n", " "),  # (the line breaks tell the metric reader where sentences end; no more)
        links=tuple(dict.fromkeys(lk.url for lk in links if lk.kept)),
        papers=tuple(p for p in papers if p.arxiv_id == primary or p.arxiv_id not in owners.split_off),
        code=tuple(flagged([c for c in code if owners.owns_code(c[0].url, primary, primary)])),
        metrics=tuple(m for (_, _, m), who in zip(located, owners.metrics, strict=True) if who == primary)
        + tuple(tables),
    )
    return [item, *_split_off(owners, papers, located, code, links, doc, unit.title)]


def _split_off(owners: Owners, papers: list[PaperRef], located: list[tuple[int, int, Metric]],
               code: list[tuple[CodeLink, Link, int]], links: list[Link], doc: Document, title: str) -> list[Item]:
    """Items for the papers a unit mentions that numbers or code links of their own belong to; one whose links
    give it no name (written out as its address) is titled by the unit's heading, the story it is told in
    ("Pruning in one shot: SparseGPT and Wanda")."""
    items = []
    for ref in papers[1:]:
        pid = ref.arxiv_id
        if pid not in owners.split_off:
            continue
        metrics = tuple(m for (_, _, m), who in zip(located, owners.metrics, strict=True) if who == pid)
        items.append(Item(
            document_key=doc.key,
            position=0,
            title=with_name(item_title("", [], links, ref) or TITLE_END.sub("", title),
                            owners.names.get(pid) or bracket_name(links, ref)),
            text=" ".join(owners.sentences.get(pid, [])),
            links=tuple(dict.fromkeys(lk.url for lk in links if lk.kept and lk.paper == pid)),
            papers=(ref,),  # still a mention: the story is not about it, only these numbers and links are
            code=tuple(flagged([c for c in code if owners.owns_code(c[0].url, pid, papers[0].arxiv_id)])),
            metrics=metrics,
        ))
    return items


def _one_per_paper(items: list[Item]) -> list[Item]:
    """Items with the same paper as their subject made one: the fullest keeps its place and title and takes the
    others' code, numbers and links (and the text of each whose numbers it takes, so that every number still
    quotes its item's text); their mentions that are other items' subjects are dropped."""
    subjects = {i.papers[0].arxiv_id for i in items}
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.papers[0].arxiv_id, []).append(item)
    out = []
    for item in items:
        group = groups[item.papers[0].arxiv_id]
        fullest = max(group, key=lambda i: (i.papers[0].role == "primary", len(i.text)))
        if item is not fullest:
            continue
        if len(group) == 1:
            out.append(item)
            continue
        others = [i for i in group if i is not fullest]
        mentions = [p for i in group for p in i.papers[1:] if i is fullest or p.arxiv_id not in subjects]
        subject = next((i.papers[0] for i in group if i.papers[0].url and i.papers[0].role == "primary"),
                       fullest.papers[0])
        taken = [i for i in others if any(m not in fullest.metrics for m in i.metrics)]
        out.append(replace(
            fullest,
            text=" ".join([fullest.text, *(i.text for i in taken if i.text not in fullest.text)]),
            papers=(subject, *{p.arxiv_id: p for p in mentions if p.arxiv_id != fullest.papers[0].arxiv_id}
                    .values()),
            code=tuple({c.url: c for i in (fullest, *others) for c in i.code}.values()),
            metrics=fullest.metrics + tuple(m for i in others for m in i.metrics if m not in fullest.metrics),
            links=tuple(dict.fromkeys(u for i in (fullest, *others) for u in i.links)),
        ))
    return out
