"""Forwarded and quoted mail: the quoted newsletter read as if sent as it is, the forwarder's own words apart.

`unquote_mail` runs inside `text_blocks`, before a plain-text body is cut into blocks; `is_quote_header` inside
`html_blocks`, which also starts a story at each client's quote element (`<blockquote type="cite">`, Gmail's
`gmail_quote`, Thunderbird's `moz-forward-container`) and drops its header element. In plain text a mail
client quotes a forwarded or replied-to message by prefixing each of its lines with `> ` (one `>` per level:
`> > ` or `>> ` for a quote inside a quote), and heads it with the original message's header fields
("-------- Forwarded Message --------", then "From:", "Date:", "Subject:", ...) or an attribution line ("On
Tue, 12 Mar 2024, Ann <ann@x> wrote:"). Read as they are, the quote marks glue every quoted paragraph into one
(a line that is only `>` is not blank) and the header fields read as titles. Here the marks are taken off, a
change of quoting level breaks the paragraph (the forwarder's note, the quote and a quote within it never run
together), and each header is replaced by a rule: the end of the forwarder's note and the start of the quoted
message. Pure.
"""

from __future__ import annotations

import re

# The quote marks that open a line: one ">" per level ("> text", "> > text", ">> text", ">"); written without a
# space before the text (">text") they quote only beside another quoted line: ">50% of runs" alone is not quoted.
_MARKS = re.compile(r"^[ \t]{0,3}>(?:[ \t]?>)*(?:[ \t]|$)")
_TIGHT_MARKS = re.compile(r"^[ \t]{0,3}>(?:[ \t]?>)*")
# The line that opens a forwarded or an original message's header, as mail clients write it in English and Korean
_FORWARD_LINE = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|forwarded e-?mail|original message|전달된\s?(?:메시지|메일)"
    r"|원본\s?(?:메시지|메일))\s*-{2,}|begin forwarded message:|forwarded message:)\s*$",
    re.I,
)
# A reply's attribution line: "On Tue, Mar 12, 2024 at 7:00 AM Ann <ann@x.org> wrote:", "2024년 3월 12일 (화)
# 오전 7:00, 김민 <kim@x.kr>님이 작성:"
_ATTRIBUTION = re.compile(r"^\s*(?:on\s.{6,200}\swrote:|.{6,200}\s?님이\s?작성(?:했습니다)?:)\s*$", re.I)
# A header field of the forwarded or quoted message
_FIELD = re.compile(
    r"^\s*(?:from|to|cc|bcc|date|sent|subject|reply-to|보낸\s?사람|받는\s?사람|보낸\s?날짜|날짜|제목|참조|숨은\s?참조)"
    r"\s?:(?:\s|$)",
    re.I,
)
# Outlook's header with no opening line: a run of at least three fields, "From:" and "Subject:" among them
_HEADER_LEAD = re.compile(r"^\s*(?:from|보낸\s?사람)\s?:", re.I)
_SUBJECT = re.compile(r"^\s*(?:subject|제목)\s?:", re.I)
RULE_LINE = "-----"
# The same header as one block of HTML (its lines joined): the opening line, if any, then the fields
_FORWARD_OPEN = re.compile(_FORWARD_LINE.pattern.removeprefix("^").removesuffix("$"), re.I)
_INLINE_FIELD = re.compile(
    r"(?:^|\s)(from|to|cc|date|sent|subject|보낸\s?사람|받는\s?사람|보낸\s?날짜|날짜|제목|참조)\s?:(?:\s|$)", re.I)


def unquote_mail(lines: list[str]) -> list[str]:
    """`lines` with their quote marks taken off, a blank line where the quoting level changes, and each
    forwarded or quoted message's header replaced by a rule line (`RULE_LINE`)."""
    if not any(_TIGHT_MARKS.match(line) or _FORWARD_LINE.match(line) or _HEADER_LEAD.match(line) for line in lines):
        return lines
    out: list[str] = []
    level = 0  # the quoting level of the last line with any text
    for n, line in enumerate(lines):
        marks = _MARKS.match(line) or (_TIGHT_MARKS.match(line) if _beside_a_quote(lines, n) else None)
        depth = marks.group(0).count(">") if marks else 0
        text = line[marks.end():] if marks else line
        if text.strip() and depth != level:
            if out and out[-1].strip():
                out.append("")
            level = depth
        out.append(text)
    return _without_headers(out)


def _beside_a_quote(lines: list[str], n: int) -> bool:
    return (n > 0 and lines[n - 1].lstrip()[:1] == ">") or (n + 1 < len(lines) and lines[n + 1].lstrip()[:1] == ">")


def _without_headers(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = _header_end(lines, i)
        if end is None:
            out.append(lines[i])
            i += 1
            continue
        out += ["", RULE_LINE, ""]
        i = end
    return out


def _header_end(lines: list[str], i: int) -> int | None:
    """Where the header that starts at line `i` ends (the index after its last line), or None if none does."""
    line = lines[i]
    if _ATTRIBUTION.match(line):
        return i + 1
    if _FORWARD_LINE.match(line):
        return _fields_end(lines, i + 1)
    if _HEADER_LEAD.match(line):
        end = _fields_end(lines, i)
        if end - i >= 3 and any(_SUBJECT.match(f) for f in lines[i:end]):
            return end
    return None


def _fields_end(lines: list[str], i: int) -> int:
    """The index after the header fields that start at line `i` (a field's value may wrap onto an indented
    line)."""
    while i < len(lines) and _FIELD.match(lines[i]):
        i += 1
        while i < len(lines) and lines[i][:1] in (" ", "\t") and lines[i].strip():
            i += 1
    return i


def is_quote_header(text: str) -> bool:
    """`text` (a block of an HTML mail, its lines joined) is the header of a forwarded or quoted message: the
    opening line ("---------- Forwarded message ---------") with or without its fields, a reply's attribution
    line, or at least three fields, "From:" among them, with nothing else."""
    text = text.strip()
    if len(text) > 400 or not ("-" in text or ":" in text):
        return False
    # (the cheap tests first: an attribution line ends with its colon, and fields open the text or none do)
    if text.endswith(":") and _ATTRIBUTION.fullmatch(text):
        return True
    opening = _FORWARD_OPEN.match(text)
    rest = text[opening.end():].strip() if opening else text
    if opening and not rest:
        return True
    if _INLINE_FIELD.match(rest) is None:
        return False
    fields = [f.casefold() for f in _INLINE_FIELD.findall(rest)]
    return any(f in ("from", "보낸 사람", "보낸사람") for f in fields) and len(set(fields)) >= (2 if opening else 3)
