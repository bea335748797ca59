"""Issue 11, round 7: forwarded and quoted mail in plain text (extractors/quoted.py). A forward or a reply quotes
the newsletter with `> ` on every line (`> > ` or `>> ` for a quote inside a quote) under the original message's
header ("-------- Forwarded Message --------" and its fields, "Begin forwarded message:", Outlook's "From: /
Sent: / To: / Subject:" run, "On ... wrote:"), with the forwarder's own note above it. The quote marks are taken
off before the body is cut into blocks, a change of quoting level breaks the paragraph, and the header becomes a
rule: the quoted newsletter is read as if it had been sent as it is, and the note stays a story of its own.

And a plain-text title line: a one-line bullet written as a run-in name ("1. Name: what it is", "◆ Name — ...")
right over a paragraph, its links on the lines under it, is that paragraph's title, as a one-line bullet with no
run-in already was; the last bullet of a list over the paragraph after the list is not."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.quoted import RULE_LINE, is_quote_header, unquote_mail
from extractors.records import Document
from extractors.text_blocks import text_blocks


def _items(body: str, title: str = "Fwd: reading list") -> dict[str, list[float]]:
    doc = Document(source="t", key="k", url=None, title=title, body=body, body_type="text")
    return {i.papers[0].arxiv_id: sorted(m.value for m in i.metrics) for i in extract_items(doc)}


def _quoted(text: str, marks: str = "> ") -> str:
    return "\n".join((marks + line).rstrip() for line in text.split("\n"))


_ISSUE = """Weekly agent notes, issue 9

1. SWE-bench: can models fix real GitHub issues?
Paper: https://arxiv.org/abs/2310.06770
Code: https://github.com/princeton-nlp/SWE-bench

It collects 2,294 task instances from 12 Python repositories, and the best model resolves 1.96% of them.

2. WebArena: a sandbox of working websites
Paper: https://arxiv.org/abs/2307.13854

Agents act on 812 long-horizon tasks; the strongest one succeeds 14.41% of the time, people 78.24%."""

_EXPECTED = {"2310.06770": [1.96, 12.0, 2294.0], "2307.13854": [14.41, 78.24, 812.0]}

_HEADERS = [
    "-------- Forwarded Message --------\nSubject: Weekly agent notes, issue 9\nDate: Tue, 5 Mar 2024 08:00:00 +0000\n"
    "From: Agent Notes <notes@letters.example>\nTo: dana@lab.example",
    "---------- Forwarded message ---------\nFrom: Agent Notes <notes@letters.example>\nDate: Tue, Mar 5, 2024 at "
    "8:00 AM\nSubject: Weekly agent notes, issue 9\nTo: <dana@lab.example>",
    "Begin forwarded message:\n\nFrom: Agent Notes <notes@letters.example>\nSubject: Weekly agent notes, issue 9\n"
    "Date: 5 March 2024 at 08:00:00 GMT",
    "From: Agent Notes <notes@letters.example>\nSent: Tuesday, March 5, 2024 8:00 AM\nTo: Dana Reyes\n"
    "Subject: Weekly agent notes, issue 9",
    "-------- 전달된 메시지 --------\n제목: Weekly agent notes, issue 9\n날짜: 2024년 3월 5일 (화) 오후 5:00\n"
    "보낸 사람: Agent Notes <notes@letters.example>\n받는 사람: dana@lab.example",
    "On Tue, Mar 5, 2024 at 8:00 AM Agent Notes <notes@letters.example> wrote:",
]
_NOTES = [
    "Team, forwarding this for Friday's group: SWE-bench looks like a fit. Room 4 at 3 pm, about 45 minutes.\n\nDana",
    "FYI, WebArena came up in standup; 2 of us will present it next week.",
    "다음 세미나에서 SWE-bench를 봅시다. 발표는 20분 정도면 됩니다.\n\n-- 민지",
]


@pytest.mark.parametrize("header", _HEADERS, ids=["thunderbird", "gmail", "apple", "outlook", "ko", "reply"])
@pytest.mark.parametrize("note", _NOTES, ids=["en-note", "en-short", "ko-note"])
def test_a_quoted_newsletter_is_read_as_sent_and_the_note_stays_apart(header: str, note: str) -> None:
    body = f"{note}\n\n{header}\n\n{_quoted(_ISSUE)}\n"
    assert _items(body) == _EXPECTED


@pytest.mark.parametrize("marks", ["> ", ">", "> > ", ">> "])
def test_quote_marks_of_any_depth_and_spacing_are_taken_off(marks: str) -> None:
    body = "Passing this on.\n\n" + _quoted(_ISSUE, marks) + "\n"
    assert _items(body) == _EXPECTED


def test_a_quote_inside_a_quote_is_a_paragraph_of_its_own() -> None:
    lines = ["> Our group read this one:", ">> The first idea.", ">> It goes on here.", "> Back to the outer text."]
    assert unquote_mail(lines) == ["Our group read this one:", "", "The first idea.", "It goes on here.", "",
                                   "Back to the outer text."]


@pytest.mark.parametrize(
    "lines",
    [[">50% of the runs finished early.", "The rest timed out."],
     [">=3 seeds were enough for every task.", "Two were not."],
     ["From the archive: an older issue", "Subject lines were shorter then."]],
    ids=["comparison", "arrow", "from-words"],
)
def test_lines_that_only_look_quoted_are_left_as_they_are(lines: list[str]) -> None:
    assert unquote_mail(lines) == lines


@pytest.mark.parametrize(
    "header",
    ["2024년 3월 5일 (화) 오후 5:00, Agent Notes <notes@letters.example>님이 작성:",
     "On 05/03/2024 09:00, Sam Park wrote:",
     "-----Original Message-----\nFrom: Sam Park\nSent: Tuesday, March 5, 2024 9:00 AM\nTo: Lab\nSubject: notes"],
    ids=["ko-reply", "short-reply", "outlook-original"],
)
def test_a_header_becomes_a_rule(header: str) -> None:
    lines = ["Note on top.", "", *header.split("\n"), "> Quoted text."]
    got = unquote_mail(lines)
    assert RULE_LINE in got and got[0] == "Note on top." and got[-1] == "Quoted text."
    assert not any(("From" in line or "작성" in line or "wrote" in line) for line in got)


@pytest.mark.parametrize(
    "entry",
    [
        "◆ 3. Mamba: selective state spaces\nPaper: https://arxiv.org/abs/2312.00752\n\n"
        "It runs inference 5x faster than a Transformer of its size.",
        "* Mamba — a recurrent model that scales\nhttps://arxiv.org/abs/2312.00752\n\n"
        "Its 3B model matches Transformers twice its size.",
        "2) Mamba: linear-time sequence modeling\n논문: https://arxiv.org/abs/2312.00752\n코드: "
        "https://github.com/state-spaces/mamba\n\n추론 속도가 트랜스포머보다 5배 빠릅니다.",
    ],
    ids=["symbol-number", "star-dash", "paren-ko"],
)
def test_a_run_in_bullet_over_a_paragraph_is_its_title(entry: str) -> None:
    text = "This week's picks, briefly.\n\n" + entry + "\n"
    blocks = text_blocks(text)
    assert blocks[1].kind == "heading" and "Mamba" in blocks[1].text


@pytest.mark.parametrize(
    "items",
    ["- Mamba: state spaces\n- Hyena: long convolutions", "1. Speed: 5x\n2. Memory: half",
     "* 속도: 5배\n* 메모리: 절반"],
    ids=["names", "numbered", "ko"],
)
def test_the_last_bullet_of_a_list_is_no_title_of_the_paragraph_after_it(items: str) -> None:
    text = f"{items}\n\nThe rest of the issue follows below, with more on each.\n"
    assert [b.kind for b in text_blocks(text)][:2] == ["li", "li"]


# The same in an HTML mail: the quoted message sits in the client's quote element, under its header element or
# a header written as a paragraph; the forwarder's note is above it.
_HTML_NEWS = ('<p>One paper this week.</p><p><a href="https://arxiv.org/abs/2310.06770">SWE-bench</a> gathers 2,294 '
              'task instances from 12 Python repositories; the best model resolves 1.96% of them. Code: <a href='
              '"https://github.com/princeton-nlp/SWE-bench">princeton-nlp/SWE-bench</a></p><p>Until next week.</p>')
_HTML_NOTE = '<div dir="ltr">Worth a look before Friday: room 4, 3 pm, about 45 minutes.<br>Dana</div>'
_HTML_QUOTES = {
    "gmail-forward": '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message '
                     '---------<br>From: <strong>Agent Notes</strong> &lt;notes@letters.example&gt;<br>Date: Tue, '
                     'Mar 5, 2024 at 8:00 AM<br>Subject: Agent notes 9<br>To: dana@lab.example<br></div><br>{news}'
                     '</div>',
    "gmail-reply": '<div class="gmail_quote"><div class="gmail_attr">On Tue, Mar 5, 2024 at 8:00 AM Agent Notes &lt;'
                   'notes@letters.example&gt; wrote:<br></div><blockquote class="gmail_quote">{news}</blockquote>'
                   '</div>',
    "thunderbird-forward": '<div class="moz-forward-container">-------- Forwarded Message --------<table class="moz-'
                           'email-headers-table"><tr><th>Subject:</th><td>Agent notes 9</td></tr><tr><th>Date:</th><td>'
                           'Tue, 5 Mar 2024 08:00:00 +0000</td></tr></table><br>{news}</div>',
    "apple-forward": '<div>Begin forwarded message:</div><blockquote type="cite"><div><b>From: </b>Agent Notes &lt;'
                     'notes@letters.example&gt;<br><b>Subject: </b>Agent notes 9<br><b>Date: </b>5 March 2024 at 08:00'
                     '</div><br>{news}</blockquote>',
    "outlook-reply": '<hr><div id="divRplyFwdMsg"><b>From:</b> Agent Notes &lt;notes@letters.example&gt;<br><b>Sent:'
                     '</b> Tuesday, March 5, 2024 8:00 AM<br><b>Subject:</b> Agent notes 9</div><div>{news}</div>',
}


@pytest.mark.parametrize("client", sorted(_HTML_QUOTES))
def test_an_html_quote_keeps_the_forwarders_note_apart(client: str) -> None:
    body = f"<html><body>{_HTML_NOTE}{_HTML_QUOTES[client].format(news=_HTML_NEWS)}</body></html>"
    doc = Document(source="t", key="k", url=None, title="Fwd: Agent notes 9", body=body)
    (item,) = extract_items(doc)
    assert sorted(m.value for m in item.metrics) == [1.96, 12.0, 2294.0]  # not the note's room, time or minutes
    assert [c.url for c in item.code] == ["https://github.com/princeton-nlp/SWE-bench"]
    assert item.title == "Fwd: Agent notes 9"


@pytest.mark.parametrize(
    "text",
    ["From: the editors. Subject: scaling laws, again.", "Date: Friday. Room: 4. Topic: agents.",
     "-- a long note on the results, from 12% to 19% --", "Sent: from our lab to yours"],
    ids=["two-fields-in-prose", "no-sender", "dashes", "one-field"],
)
def test_prose_with_a_field_or_dashes_is_no_quote_header(text: str) -> None:
    assert not is_quote_header(text)
