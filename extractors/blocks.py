"""Blocks: the flat, paragraph-level form of a document body that item splitting works on.

`html_blocks` (extractors/html_blocks.py) and `text_blocks` (extractors/text_blocks.py) read a body into
blocks; `extract_items` groups them into stories. This module owns the block record and the text rules
both readers share: section labels, rules, URLs in text, and when a line is only links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from extractors.links import find_arxiv_in_text, find_arxiv_in_url, find_code_link


@dataclass(frozen=True)
class Anchor:
    """A link as it appears in a block: where it points, its text, and the line it sits on."""

    href: str
    text: str = ""
    before: str = ""  # text on the same line before the link ("Read more:", "[Code]")
    link_line: bool = False  # the line is little more than links ("(paper/code)", "[Paper] [Code]")
    title: str = ""  # the name a footnote gives the link, where `text` is only the footnote's marker ("[1]")


@dataclass(eq=False)  # blocks are compared by identity: two "Read more" paragraphs are not one
class Block:
    """A paragraph-level piece of a document. `kind`: "heading", "sep" (a rule), "message" (a chat message
    starts: a rule after which a heading is the page's, not the message's), "reply" (a reply in a thread
    starts), "para" or "li"."""

    kind: str
    text: str = ""
    anchors: list[Anchor] = field(default_factory=list)
    lead: str | None = None  # the title a paragraph or list item opens with (bold run, first line)
    body: str = ""  # `text` without `lead`
    level: int = 0  # 1-6 for <h1>-<h6>; 0 for headings recognised otherwise (bold paragraphs, text)
    rows: list[list[str]] | None = None  # a results table's cell texts, row by row (html_blocks)
    caption: str = ""  # a results table's caption
    card: bool = False  # a link card (extractors/cards.py): `text` is the card's title, its one link
    label: bool = False  # a section label recognised by its repetition (extract_items marks these)

    @cached_property
    def paper_ids(self) -> list[str]:
        ids = [p.arxiv_id for p in map(find_arxiv_in_url, (a.href for a in self.anchors)) if p]
        ids += [p.arxiv_id for p in find_arxiv_in_text(self.text)]
        return list(dict.fromkeys(ids))

    @property
    def links_code(self) -> bool:
        """The block links a repository ("💻 github.com/x/y · ★ 1.2k", a thread's post of its paper's code)."""
        return any(find_code_link(a.href) for a in self.anchors)


# Labels of related reading: what follows them is a story's further reading, not its paper or code.
RELATED = re.compile(
    r"^\W*(?:further reading|related(?: work| reading| papers?| posts?| links?)?|see also|references?|more reading"
    r"|more from|previously|더\s?읽어\s?보기|관련\s?(?:글|링크|자료|논문|포스트)|참고\s?(?:자료|문헌|링크)?"
    r"|함께\s?읽기)\W*$",
    re.I,
)
# Section labels inside a story: bold or headed like a title, but never the start of a new story. English
# newsletter labels, Axios-style ones ("The gist", "Zoom in") and Korean ones ("논문 소개", "핵심 요약").
LABEL = re.compile(
    r"^\W*(?:why (?:this|it) matters|read more|read it|read the paper|code|links?|resources?|tl;?\s?dr"
    r"|results?|takeaways?|key (?:points|findings|results|takeaways|ideas?|numbers)|what['’]?s new|how it works"
    r"|(?:the )?bottom line|(?:our|my) take|notes?|update|bonus|also|p\.?s\.?|behind the news|yes,? but"
    r"|we['’]?re thinking|background|context|method|approach|findings|limitations|caveats?|verdict|papers?"
    r"|arxiv(?: id)?|doi|pdf|blog(?: post)?|project(?: page)?|website|github|demo|weights|models?|datasets?"
    r"|authors?|affiliations?|venue"
    r"|published|date|summary|overview|abstract|highlights?|in (?:short|brief)|the (?:gist|details|catch|upshot|idea"
    r"|problem|fix|result|numbers|big picture|takeaway)|zoom (?:in|out)|between the lines|go deeper|what['’]?s next"
    r"|by the numbers|what (?:they|it) (?:did|does|found|changed)|why now|the short version"
    # why the newsletter picked the story, said of itself or its reader: "Why we care", "Why it's here", "Why
    # I picked it", "Why you should care" (a pronoun, then at most three words: a title names a topic instead)
    r"|why (?:we|you|i|it|this|they)(?:['’](?:s|re|m|ve))?(?:\s+[\w'’]+){1,3}"
    r"|논문\s?(?:소개|링크|요약|정보|주소)|(?:핵심|주요)\s?(?:내용|아이디어|결과|요약|포인트|기여|특징)?|요약|한\s?줄\s?요약"
    r"|세\s?줄\s?요약|소개|개요|배경|방법(?:론)?|결과|실험(?:\s?결과)?|성능|의의|시사점|결론|한계(?:점)?|링크|코드|원문|출처"
    r")\W*$"
    r"|" + RELATED.pattern,
    re.I,
)
RULE = re.compile(r"^\s*(?:([-=_*~#•·—–◆◇❖✦★☆])(?:\s*\1){2,}|[⁂❧§])\s*$")  # "***", "- - -", "⁂"
SPACE = re.compile(r"\s+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")
# Hosts of papers and code whose addresses count as links even written without a scheme ("code at github.com/x/y",
# "arxiv.org/abs/2401.04088"): other bare domains are too often a product's or a person's site to read as links.
BARE_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "huggingface.co", "arxiv.org")
_BARE = "|".join(re.escape(h) for h in BARE_HOSTS)
URL = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)|<?(https?://[^\s<>\"'\]]+|www\.[^\s<>\"'\]]+"
                 rf"|(?<![\w@./-])(?:{_BARE})/[\w.~%-][^\s<>\"'\]]*)", re.I)
_URL_END = ".,;:!?'\">)"


# A repository named by its owner/name slug beside the word GitHub: "yizhongw/self-instruct on GitHub", "GitHub:
# tatsu-lab/alpaca_eval", "the GitHub repo openai/evals". A slug alone ("and/or", "km/h") is not one.
_SLUG = r"(?<![\w./@-])([a-z0-9][a-z0-9-]{0,38}/[a-z0-9_.-]*[a-z0-9_-])"
_GITHUB_SLUG = re.compile(
    rf"{_SLUG}(?=\s+(?:on|at|in|via)\s+github\b(?!\.[a-z]|\s+pages))"
    rf"|\bgithub(?:\s+(?:repo|repository|project))?\s*(?::|[-–—]|\bat\b|\bis\b)?\s*{_SLUG}(?![\w/])",
    re.I,
)


def may_hold_url(text: str) -> bool:
    """A quick test: `text` may hold a URL (every one holds "http", "www" or one of `BARE_HOSTS`) or a
    repository named by its slug beside the word GitHub."""
    lower = text.lower()
    if "http" in lower or "www" in lower or "github" in lower:
        return True
    for host in BARE_HOSTS:  # (a loop, not `any` over a generator: this is asked for every block, twice)
        if host in lower:
            return True
    return False


def text_urls(text: str) -> list[tuple[int, int, str]]:
    """The URLs written out in `text` (not markdown links): (start, end, href), the href with a scheme and
    without the punctuation that closes the sentence or the brackets around it."""
    if not may_hold_url(text):
        return []
    found = []
    for m in URL.finditer(text):
        if m.group(3):
            url = m.group(3).rstrip(_URL_END)
            if url.count("(") < url.count(")"):
                url = url.rstrip(")")
            start = m.start(3)
            found.append((start, start + len(url), url if url.lower().startswith("http") else "https://" + url))
    if "github" in text.lower() and not any("github.com/" in url.lower() for _, _, url in found):
        for m in _GITHUB_SLUG.finditer(text):
            group = 1 if m.group(1) else 2
            found.append((m.start(group), m.end(group), "https://github.com/" + m.group(group)))
    return found


# Page chrome that counts readers' reactions: "12 likes", "댓글 3개", "3개의 댓글", "공감 27", "조회수 1,204",
# "❤️ 42 · 💬 7", "Like (12) · Comment · Restack", "1.2K claps", "5 min read", and how often they took a link or a
# file: "14 clicks", "19회 다운로드", "9회 연결" (a board's count of visits through a link). A block or an element
# that says nothing else is never a paper's result.
_COUNTER_WORD = (
    r"(?:likes?|comments?|replies|reply|shares?|shared|restacks?|reposts?|retweets?|views?|viewed|claps?|responses?"
    r"|reactions?|upvotes?|downvotes?|votes?|points?|hearts?|bookmarks?|saves?|followers?|subscribers?|readers?"
    r"|reads?|min(?:ute)?s?\s+read|cited\s+by|citations?|clicks?|downloads?"
    r"|댓글|공감|좋아요|조회수?|추천|구독자?|스크랩|공유|하트|읽음|답글|팔로워|클릭|다운로드|연결)"
)
_COUNTER_ICON = (r"[\u2605\u2606\u2661\u2665\u2764\u21bb\u2191\u25b2\u2B50\uFE0F"
                 r"\U0001F44D\U0001F44F\U0001F4AC\U0001F501\U0001F5E8]")
# (the digits possessive: a count is the whole run, so a long number is not tried as every split of it into
# several counts, which made a line of two 19-digit numbers take minutes)
_COUNT = r"\d[\d,.]*+\s*(?:[kKmM]|만|천)?\+?(?:\s*(?:개의|개|회|명|번))?"
_COUNTER_PART = (rf"(?:{_COUNTER_ICON}+\s*)?"
                 rf"(?:{_COUNTER_WORD}\s*[(:]?\s*{_COUNT}\)?|{_COUNT}\s*{_COUNTER_WORD}|{_COUNT}|{_COUNTER_WORD})")
COUNTER_LINE = re.compile(rf"\s*{_COUNTER_PART}(?:\s*[·•|/,]?\s*{_COUNTER_PART})*\s*", re.I)
# A forum's or a tracker's line of how often its users took up a thing: "Cited by 5 submissions this month",
# "Discussed in 2 threads", "Mentioned in 14 posts so far", "Viewed 3,402 times". Alone in a block, it counts
# the page's activity, never a paper's result.
_ACTIVITY_LINE = re.compile(
    rf"\W*(?:(?:cited|discussed|mentioned|referenced|quoted|linked|bookmarked|saved|starred|upvoted|used)"
    rf"\s+(?:by|in|on|from)\s+{_COUNT}\s+(?:other\s+)?[^\W\d]+"
    rf"|(?:viewed|read|shared|downloaded|opened|cited|starred|forked)\s+{_COUNT}\s+times)"
    r"(?:\s+(?:this|last|per)\s+(?:week|month|year|cycle)|\s+today|\s+so\s+far|\s+to\s+date)?\W*",
    re.I,
)
_COUNTER_HINT = re.compile(rf"\d|{_COUNTER_ICON}")


def is_counter(text: str, bare: bool = False) -> bool:
    """`text` is only reaction counters (with at least one count or counter icon); with `bare`, a number alone
    counts too (a block that is only "61" beside a vote arrow; inside a sentence it could be a cell of prose)."""
    if len(text) > 80 or _COUNTER_HINT.search(text) is None:
        return False
    if COUNTER_LINE.fullmatch(text) is None:
        return _ACTIVITY_LINE.fullmatch(text) is not None
    return bare or any(c.isalpha() for c in text) or re.search(_COUNTER_ICON, text) is not None


_META_SEPARATOR = re.compile(r"\s[·•|]\s|\s-\s")


# --- the headers that start a post or a message -----------------------------------------------------------
# Three shapes, each read by one function here; where each is acted on differs on purpose:
# - a chat or channel message's header, its sender and a time stamp (`chat_header`, `chat_headers`): read with
#   the body (html_blocks, text_blocks), it becomes a Block "message" or "reply", its text dropped;
# - a forum's or a mailing list's digest message header, its sender with an address and a date
#   (`is_message_header`): a line of its own (text_blocks), a post of its own in extract_items, dropped;
# - a forum post's byline, "by" its author and a date (`post_bylines`): no meta line (html_blocks), a post of its
#   own in extract_items, dropped, titled by the line above it.
# A sender and a time alone, or a byline alone, is only a byline: those start posts where two or more stand alone.
_SEVERAL = 2

# A message's header in a chat or channel export: a sender (a word or two) and when it was sent ("kenji
# 03/07/2024 7:18 PM", "ana · Today at 14:02", "7:06 PM"); a reply in a thread says so ("Kenji replied to a
# thread 9:10 AM", "↳ ana · 14:05", "mei (in thread) 21:05").
_REPLY = r"(?:replied\s+(?:to\s+a\s+thread|in\s+(?:a\s+)?thread)|\(in\s+thread\)|in\s+thread|reply)"
_STAMP_LINE = re.compile(
    rf"(?:↳\s*)?(?:[\w.@-]{{1,32}}(?:\s+[\w.@-]{{1,12}})?\s+(?:{_REPLY}\s+)?(?:[·•—–-]\s+)?)?(?:(?:today|yesterday)\s+at\s+"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s+)?\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?",
    re.I,
)
_REPLY_MARK = re.compile(rf"^↳|\s{_REPLY}\s", re.I)


def chat_header(text: str) -> str | None:
    """What a message's header in a chat or channel export or digest opens (its sender and time stamp, nothing
    else): "reply" for a reply in a thread, else "message"; None for any other text."""
    if len(text) > 80 or ":" not in text or _STAMP_LINE.fullmatch(text) is None:
        return None
    return "reply" if _REPLY_MARK.search(text) else "message"


def chat_headers(texts: Iterable[str | None]) -> dict[int, str]:
    """The texts (by position; None for one that cannot be a header) that head a chat message in a digest of
    messages (a channel's activity email, a pasted chat log: "Dana Whitfield 9:02 AM"), each "message" or
    "reply" (`chat_header`). Where two or more stand alone, each starts a message, a story of its own; a single
    one is only a byline."""
    headers = {i: kind for i, text in enumerate(texts) if text and (kind := chat_header(text))}
    return headers if len(headers) >= _SEVERAL else {}


def is_meta_line(text: str) -> bool:
    """A byline or meta line: short parts between separators ("Together AI · 4 min read · ▲ 1,240"), one of
    them a reading time or a reaction counter, or a message's sender and time stamp ("kenji 03/07/2024 7:18
    PM"). It says who, when and how popular, never what a paper found."""
    if len(text) > 160 or _COUNTER_HINT.search(text) is None:
        return False
    if chat_header(text) is not None:
        return True
    parts = [p.strip() for p in _META_SEPARATOR.split(text)]
    return len(parts) >= 2 and all(len(p) <= 40 for p in parts) and any(is_counter(p) for p in parts if p)


# A message's header in a forum's or a mailing list's digest, or a reply: its sender, with an address, and when it
# was sent ("Ann Lee <ann@lab.example>: Mar 04 09:12AM -0800", "From: bo@uni.example · 5 Mar 2024 10:02",
# "김민 (kim@lab.example) — 2024. 3. 5. 오후 2:02", "Ann Lee <ann@lab.example> wrote on Tue, Mar 5, 2024 at 9:30 AM:").
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = (rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?"
         rf"|\d{{1,2}}\.?\s+{_MONTH},?(?:\s+\d{{4}})?|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
         r"|\d{4}\.\s?\d{1,2}\.\s?\d{1,2}\.?|\d{4}년\s?\d{1,2}월\s?\d{1,2}일(?:\s?\(\w\))?)")
_CLOCK = (r"(?:at\s+)?(?:(?:오전|오후)\s?)?\d{1,2}:\d{2}(?::\d{2})?\s?(?:[ap]\.?m\.?)?"
          r"(?:\s+(?:[+-]\d{4}|\(?[a-z]{2,5}\)?|utc[+-]\d{1,2}))?")
_ADDRESS = r"(?:<[^\s<>@]+@[^\s<>]+>|\([^\s()@]+@[^\s()]+\)|[^\s<>()@:]+@[\w-]+(?:\.[\w-]+)+)"
_NAME = r"(?-i:[^\s<>()@:a-z0-9])[^\s<>()@:]{0,39}"  # a word of a name: it opens with a capital or a non-Latin letter
_MESSAGE_HEADER = re.compile(
    rf"\s*(?:(?:from|보낸\s?사람)\s?:\s*|posted by\s?:?\s*)?(?:{_NAME}(?:\s+{_NAME}){{0,3}}\s*)?{_ADDRESS}"
    rf"\s*(?:[:·•|,—–-]\s*|\s+)(?:(?:date|sent|날짜)\s?:\s*|(?:wrote|posted|sent)\s+(?:on\s+)?|on\s+)?"
    rf"(?:{_DATE}(?:,?\s+{_CLOCK})?|{_CLOCK})\s*:?\s*",
    re.I,
)


def is_message_header(text: str) -> bool:
    """A message's header in a digest of a forum's or a mailing list's messages, or over a reply: its sender with
    an address and when it was sent. The message below it is a post of its own (extract_items)."""
    return len(text) <= 160 and "@" in text and _COUNTER_HINT.search(text) is not None and bool(
        _MESSAGE_HEADER.fullmatch(text))


# A forum post's byline over the post in a digest or a thread: "by" its author, then when it was posted, and
# nothing else ("by Lena Ortiz - Monday, 4 March 2024, 10:20 AM", "by Kwame » Wed Mar 06, 2024 9:12 am",
# "Posted by Jun Park on 8 Mar 2024 at 16:45"). Only where two or more stand alone is each a post's header
# (`post_bylines`).
_POST_BYLINE = re.compile(
    rf"\s*(?:posted\s+)?by\s+{_NAME}(?:\s+{_NAME}){{0,3}}\s*(?:[-–—»|·•,]\s*|\s+on\s+)"
    rf"(?:{_DATE}(?:,?\s+{_CLOCK})?|{_CLOCK})\s*",
    re.I,
)


def is_post_byline(text: str) -> bool:
    """A post's byline: "by" its author and when it was posted, nothing else (`_POST_BYLINE`)."""
    return len(text) <= 120 and text[:10].lower().lstrip().startswith(("by ", "posted by")) and bool(
        _POST_BYLINE.fullmatch(text))


def post_bylines(blocks: Iterable[Block]) -> set[int]:
    """The positions of the paragraphs that are a forum post's byline (`is_post_byline`; a link on the author's
    name, never to a paper or code), where two or more stand alone: a digest's or a thread's posts, each a story
    of its own (extract_items). A single one is only a byline, a meta line."""
    found = {n for n, b in enumerate(blocks) if b.kind == "para" and is_post_byline(b.text) and not b.paper_ids
             and not b.links_code}
    return found if len(found) >= _SEVERAL else set()


def without_counters(block: Block) -> Block:
    """A meta line that names a paper ("Liu et al. · arXiv 2103.14030 · Cited by 19,877"), its counters left out:
    it keeps its links and ids, never its counts."""
    text = " · ".join(p.strip() for p in _META_SEPARATOR.split(block.text) if p.strip() and not is_counter(p.strip()))
    return Block(block.kind, text, block.anchors, None, text)


def find_word(text: str, word: str, folded: bool = False, suffix: re.Pattern[str] | None = None) -> list[int]:
    """Where `word` stands in `text` as a whole word (no letter, digit, "_" or "-" glued to either end, but a
    Korean particle may follow it: `_particle`); with
    `suffix`, where it stands with that pattern glued to its end instead ("MAmmoTH" in "MAmmoTH-34B"). A
    plain search, not a pattern made per word: the names of papers would crowd out `re`'s cache of the
    patterns the rest of the extractor uses."""
    if folded:
        text, word = text.casefold(), word.casefold()
    found, at = [], text.find(word)
    while at >= 0 and word:
        end = at + len(word)
        if (at == 0 or not _glued(text[at - 1])) and (suffix.match(text, end) if suffix is not None else (
                end == len(text) or not _glued(text[end]) or _particle(word[-1], text[end]))):
            found.append(at)
        at = text.find(word, at + 1)
    return found


def _glued(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _particle(last: str, char: str) -> bool:
    """Korean writes its particles onto a Latin name ("PAL은", "ViT가", "GPT-4와"): a Hangul syllable right
    after a name that ends in a Latin letter or a digit ends that name, it is not part of it."""
    return "\uac00" <= char <= "\ud7a3" and last.isascii()


def norm(text: str) -> str:
    """`text` with its runs of whitespace made one space, stripped (`str.split` splits where `\\s` matches)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # its only whitespace is single spaces inside it (every other space is not printable)
    return " ".join(text.split())


def strip_urls(text: str) -> str:
    if may_hold_url(text):
        text = URL.sub(_url_text, text)
    if "(" in text or "[" in text or "<" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)
    return norm(text)


def _url_text(m: re.Match[str]) -> str:
    """What is left of a URL in text: a markdown link's text; else nothing, but the ")" of a URL written
    in parentheses, "(https://...)", which the URL pattern takes along."""
    if m.group(1):
        return m.group(1)
    url = m.group(3) or ""
    closing = len(url) - len(url.rstrip(")"))
    return ")" * max(0, closing - url.count("("))


def is_link_line(line: str, anchor_texts: list[str]) -> bool:
    """The line is little more than its links: at most 30 letters once link texts and URLs are gone."""
    if _letters_at_most(line, 30):
        return True  # (taking the links and URLs out only takes letters away: a short line needs no more)
    rest = line
    for t in sorted(anchor_texts, key=len, reverse=True):
        rest = rest.replace(t, " ") if t else rest
    return _letters_at_most(strip_urls(rest), 30)


def _letters_at_most(text: str, count: int) -> bool:
    # (counting stops at the letter after `count`: a paragraph's line has hundreds, and only "more than" matters)
    return len(list(islice(filter(str.isalpha, text), count + 1))) <= count
