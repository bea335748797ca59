"""Read a plain-text body (a text-only email, a .txt issue) into blocks.

Runs inside `extract_items`. Owns how stories show in plain text: bullets and numbered entries with
indented lines, title lines, underlined and `#` headings, rules, and links written out as URLs, as
`[text](url)` or as `[3]` markers with a reference list at the end.
"""

from __future__ import annotations

import re

from extractors.blocks import (
    LABEL,
    RULE,
    URL,
    Anchor,
    Block,
    chat_headers,
    is_counter,
    is_link_line,
    is_message_header,
    norm,
    strip_urls,
    text_urls,
)
from extractors.quoted import unquote_mail

_BULLET = re.compile(  # "*", "-", "•", "1.", "(1)", "[1]" or an emoji/symbol, then a space
    r"^\s{0,3}(?:[*\-•·▪►◆◦‣→➤–—+]|\d{1,2}[.)]|\(\d{1,2}\)|\[\d{1,2}\]"
    r"|[\U0001F300-\U0001FAFF\u2190-\u21FF\u25A0-\u27BF]\uFE0F?)\s+(?=\S)"
)
_REF_LINE = re.compile(r"^\s*\[(\d{1,3})\]:?\s+(https?://\S+)\s*$")
_REF_MARK = re.compile(r"\[(\d{1,3})\]")
_LINK_WORDS = re.compile(  # "(paper / code)", "[Paper] [Code]": a line of links, not a title
    r"[\W\d_]*(?:(?:paper|code|arxiv|github|pdf|project|page|demo|weights|data|blog|links?|read more|website"
    r"|repo|model|dataset|논문|코드)\b[\W\d_]*)+",
    re.I,
)
_MD_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+|\*\*(?=.*\*\*\s*$))")
# The title field of a record ("Title: ...", a mailing's or an export's entry; "제목: ...")
_FIELD_TITLE = re.compile(r"^(?:(?:paper\s+)?title|논문\s?제목|제목)\s?:\s+(?=\S)", re.I)


def text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text body: bullets and title-plus-indented-lines entries, rules, paragraphs."""
    lines = unquote_mail(text.replace("\r\n", "\n").replace("\r", "\n").expandtabs().split("\n"))
    refs = _references(lines)
    lines = [line for line in lines if not ((m := _REF_LINE.match(line)) and m.group(1) in refs)]
    entries: list[tuple[str, list[str]]] = []
    headers = chat_headers(norm(line) if ":" in line else None for line in lines)  # a message or a reply starts
    for i, line in enumerate(lines):
        if i in headers:
            entries.append((headers[i], []))  # a message or a reply starts; its header is no text
        else:
            _add_line(entries, line, lines[i + 1] if i + 1 < len(lines) else "")
    entries = _titled_entries(_titles_first([(k, b) for k, b in entries
                                             if k in ("sep", "message", "reply") or (b and k != "end")]))
    texts = ((_text_block(kind, body, refs, message=n > 0 and entries[n - 1][0] in ("message", "reply")), len(body))
             for n, (kind, body) in enumerate(entries))
    made = [(b, n) for b, n in texts if not is_counter(b.text, bare=True)]
    blocks = [b for b, _ in made]
    for i, (block, n_lines) in enumerate(made[:-1]):  # a one-line bullet over a paragraph is that paragraph's title
        if block.kind != "li" or block.anchors or n_lines != 1 or blocks[i + 1].kind != "para":
            continue
        # (only where no bullet is right before it: a list's last item over the paragraph after the list is not
        # that paragraph's title, run in, "1. Name: what it is", or not, "- it trains in 3 hours")
        if (not block.body or block.lead) and (i == 0 or blocks[i - 1].kind != "li"):
            block.kind = "heading"
    return blocks


def _titles_first(entries: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """A record's "Title:" field moved to the start of its record (after the rule or heading before it):
    the title of all of it, the id and date lines above it included."""
    out: list[tuple[str, list[str]]] = []
    for kind, body in entries:
        if kind == "field-title":
            start = next((i + 1 for i in range(len(out) - 1, -1, -1) if out[i][0] in ("sep", "heading", "field-title")),
                         0)
            out.insert(start, (kind, body))
        else:
            out.append((kind, body))
    return out


def _titled_entries(entries: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Entries whose paragraph sits under a one-line bullet, not indented (`1. Title (url)`, a blank line,
    the summary): where a list alternates title and paragraph like that, each paragraph is its title's."""
    def pair_at(i: int) -> bool:
        return (0 <= i < len(entries) - 1 and entries[i][0] == "li" and len(entries[i][1]) == 1
                and entries[i + 1][0] == "para")

    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(entries):
        if pair_at(i) and (pair_at(i - 2) or pair_at(i + 2)):
            out.append(("li", entries[i][1] + entries[i + 1][1]))
            i += 2
        else:
            out.append(entries[i])
            i += 1
    return out


def _references(lines: list[str]) -> dict[str, str]:
    """Reference-style links: `[3] https://...` lines whose marker `[3]` is used elsewhere in the text."""
    listed = {m.group(1): m.group(2) for m in map(_REF_LINE.match, lines) if m}
    used = {n for line in lines if not _REF_LINE.match(line) for n in _REF_MARK.findall(line)}
    return {n: url for n, url in listed.items() if n in used}


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _add_line(entries: list[tuple[str, list[str]]], line: str, following: str) -> None:
    """Feed one line to the entries being built; an "end" entry closes the paragraph or item before it."""
    kind, body = entries[-1] if entries else ("end", [])
    open_item = kind == "li" and bool(body)
    if not line.strip():
        if kind == "para" or (open_item and _indent(following) == 0):
            entries.append(("end", []))
        return
    if RULE.match(line):
        if kind == "para" and len(body) == 1:  # a setext underline
            entries[-1] = ("heading", body)
        else:
            entries.append(("sep", []))
        return
    if kind == "field-title" and _indent(line) > 0:
        body.append(line)  # the title field wrapped onto an indented line
    elif _FIELD_TITLE.match(line):
        entries.append(("field-title", [_FIELD_TITLE.sub("", line, count=1)]))
    elif is_message_header(line):  # a digest's message header: a line of its own over the message
        entries += [("para", [line]), ("end", [])]
    elif _MD_HEADING.match(line) and line.lstrip().startswith("#"):
        entries.append(("heading", [line]))
    elif _BULLET.match(line) and _indent(line) <= 3:
        entries.append(("li", [_BULLET.sub("", line, count=1)]))
    elif open_item and _indent(line) > 0:
        body.append(line)
    elif _indent(line) == 0 and following.strip() and _indent(following) >= 2 and not _BULLET.match(following):
        entries.append(("li", [line]))
    elif kind == "para":
        body.append(line)
    else:
        entries.append(("para", [line]))


def _text_block(kind: str, body: list[str], refs: dict[str, str], message: bool = False) -> Block:
    """The block of an entry; with `message`, the entry is what a chat message says right under its header:
    one line of it is the message's text, never a title line."""
    if kind in ("sep", "message", "reply"):
        return Block(kind)
    if kind == "field-title":  # a record's "Title:" field: the title of the entry it opens
        return Block("heading", strip_urls(norm(" ".join(body))), [], None, "")
    lines = [norm(line) for line in body]
    anchors = [a for line in lines for a in _text_anchors(line, refs)]
    text = norm(" ".join(lines))
    if kind == "heading" or (kind == "para" and len(lines) == 1 and not message
                             and _looks_like_title(strip_urls(lines[0]))):
        title = strip_urls(_REF_MARK.sub("", re.sub(r"^#+\s*|^\*\*|\*\*$", "", text)))
        return Block("heading", title, anchors, None, "")
    lead = None
    titled = kind == "li" or (len(lines) > 1 and _titles_paragraph(lines[0], lines[1]))
    if titled and not URL.match(lines[0]) and not LABEL.match(lines[0]):
        lead = strip_urls(_REF_MARK.sub("", lines[0]))
    if kind == "li" and len(lines) == 1 and (run_in := _RUN_IN.match(lines[0])):
        # a one-line bullet "Name (arXiv:ID): what it does, 5x faster": the name is its title, the rest its body
        return Block(kind, text, anchors, strip_urls(run_in.group(1)), norm(lines[0][run_in.end():]))
    return Block(kind, text, anchors, lead, norm(" ".join(lines[1:])) if lead else text)


# A name run in before a colon or a dash ("Mamba (arXiv:2312.00752): ...", "RWKV - ..."), a few words long
_RUN_IN = re.compile(r"^((?:(?!:\s|\s[-–—]\s)\S+\s*?){1,8}?)(?::|\s[-–—])\s+(?=\S)")


def _titles_paragraph(first: str, second: str) -> bool:
    """The first line of a paragraph is its title: it is followed by a link line, ends with a
    reference marker (`Title [3]`) or is written in capitals."""
    if not _looks_like_title(_REF_MARK.sub("", first).strip()):
        return False
    return bool(URL.match(second)) or bool(re.search(r"\[\d{1,3}\]$", first)) or first.isupper()


def _looks_like_title(line: str) -> bool:
    line = line.rstrip()
    if _MD_HEADING.match(line):
        return True
    return (len(line) <= 120 and any(c.isalpha() for c in line) and not URL.search(line)
            and not line.endswith((".", ",", ";", ":", "!", "?")) and not LABEL.match(line)
            and not _LINK_WORDS.fullmatch(line) and not _SENTENCE_BREAK.search(line) and not _FIELD_LINE.match(line))


# A record's other fields ("Authors: …", "Categories: cs.LG", "분야: …"): never a title
_FIELD_LINE = re.compile(
    r"^(?:authors?|categories|category|comments?|licen[cs]e|date|journal-ref|doi|report-no|msc-class|acm-class"
    r"|subjects?|keywords?|tags?|venue|affiliations?|submitted|published|저자|분야|키워드|태그|제출일|게재)\s?:\s",
    re.I)


# A sentence ending inside the line, another starting: prose ("… than Transformers. Code: …"), not a title
_SENTENCE_BREAK = re.compile(r"(?<![\w.])(?!(?:vs|etc|al|approx|cf)\.)[\w%)]*[a-z0-9%)]{2}[.!]\s+[^\W\d_]")


def _text_anchors(line: str, refs: dict[str, str]) -> list[Anchor]:
    found = []
    for m in URL.finditer(line):
        if m.group(2):
            found.append((m.group(2).rstrip(".,;:!?'\">)"), m.group(1), line[: m.start()]))
    found += [(href, "", line[:start]) for start, _, href in text_urls(line)]
    texts = [t for _, t, _ in found]
    only_links = is_link_line(URL.sub(" ", line), texts)
    anchors = [Anchor(href, text, norm(before), only_links) for href, text, before in found]
    for m in _REF_MARK.finditer(line):  # the words before a `[3]` marker name what it links to
        if m.group(1) in refs:
            anchors.append(Anchor(refs[m.group(1)], norm(strip_urls(line[: m.start()]))[-80:], "", False))
    return anchors
