"""An email whose HTML alternative hides its links behind opaque click trackers while the plain-text alternative
writes the addresses out: the plain text carries the issue when it links more papers and covers every paper the
HTML part reaches (`extractors.documents._richer_part`). Each example is built differently (the stdlib's
`EmailMessage`, hand-written quoted-printable MIME, base64 parts), none copied from a scored fixture."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from extractors import extract_items, parse_email

A, B, C = "2503.00111", "2503.00222", "2503.00333"


def _built(text: str, html: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "n@example.org", "r@example.org", "No. 9", "<n9@x>"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return bytes(msg)


def _raw(text_part: str, html_part: str) -> bytes:
    return ("From: Lab Notes <notes@example.net>\r\nTo: you@example.net\r\nSubject: Lab notes\r\n"
            "Message-ID: <ln-3@example.net>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/alternative; boundary="b0"\r\n\r\n'
            f"--b0\r\n{text_part}\r\n--b0\r\n{html_part}\r\n--b0--\r\n").encode()


def _b64_part(subtype: str, body: str) -> str:
    encoded = base64.encodebytes(body.encode()).decode()
    return f"Content-Type: text/{subtype}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}"


# 1. the stdlib builds it; the HTML shows one paper's address as link text (no scheme), the rest as "paper"
BUILT = _built(
    f"SPARSE CACHES\n\nSparseKV keeps 20% of the cache.\nPaper: https://arxiv.org/abs/{A}\n\n"
    f"TINY PLANNERS\n\nTinyPlan has 1.2B parameters.\nPaper: https://arxiv.org/abs/{B}\n",
    '<h2>Sparse caches</h2><p>SparseKV keeps 20% of the cache.</p>'
    f'<p><a href="https://clk.example.com/ls/click?upn=aa11">arxiv.org/abs/{A}</a></p>'
    '<h2>Tiny planners</h2><p>TinyPlan has 1.2B parameters.</p>'
    '<p><a href="https://clk.example.com/ls/click?upn=bb22">paper</a></p>')

# 2. hand-written quoted-printable parts; every HTML link is a tracker with the text "read" / "repo"
QUOTED = _raw(
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "Two routing papers, both read by the whole group over two long afternoons of arguing.\r\n"
    f"1) FastRoute routes tokens 3x faster (arXiv https://arxiv.org/pdf/{A} ; repo https://github.com/ex/fastr=\r\n"
    f"oute )\r\n2) LongMix reaches 71.2% on MMLU (arXiv https://arxiv.org/pdf/{C} )\r\n",
    "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "<p>Two routing papers, both read by the whole group over two long afternoons of arguing.</p>\r\n"
    '<ol><li>FastRoute routes tokens 3x faster (<a href=3D"https://t.example.net/c/Zx9=\r\n'
    'Q">read</a>, <a href=3D"https://t.example.net/c/Yw8R">repo</a>)</li>\r\n'
    '<li>LongMix reaches 71.2% on MMLU (<a href=3D"https://t.example.net/c/Xv7S">read</a>)</li></ol>')

WEEK = ("Three papers this week, all on caching and planning; the group meets on Thursday to go through them, "
        "and the notes of last week's meeting are on the wiki as usual.")

# 3. base64 parts; the HTML's buttons go through a redirect whose target is an opaque token
BASE64 = _raw(
    _b64_part("plain", f"{WEEK}\n\n- {A}: https://arxiv.org/abs/{A}v2\n"
                       f"- {B}: https://arxiv.org/abs/{B}\n- {C}: https://arxiv.org/abs/{C}\n"),
    _b64_part("html", f"<p>{WEEK}</p>"
                      '<table><tr><td><a href="https://go.example.org/r/1f2e3d">Open paper one</a></td></tr>'
                      '<tr><td><a href="https://go.example.org/r/4c5b6a">Open paper two</a></td></tr>'
                      '<tr><td><a href="https://go.example.org/r/7a8b9c">Open paper three</a></td></tr></table>'))

TRACKED = [
    pytest.param(BUILT, [A, B], id="built-scheme-less-link-text"),
    pytest.param(QUOTED, [A, C], id="quoted-printable-read-repo-trackers"),
    pytest.param(BASE64, [A, B, C], id="base64-button-redirects"),
]


@pytest.mark.parametrize(("mail", "papers"), TRACKED)
def test_the_plain_text_is_read_when_the_html_hides_its_links(mail: bytes, papers: list[str]) -> None:
    doc = parse_email(mail, "issue.eml")
    assert doc.body_type == "text"
    assert [p.arxiv_id for item in extract_items(doc) for p in item.papers] == papers


def test_the_html_is_kept_when_it_reaches_a_paper_the_plain_text_does_not() -> None:
    mail = _built(f"Paper: https://arxiv.org/abs/{A}\nPaper: https://arxiv.org/abs/{B}\n",
                  '<h2>Sparse caches</h2><p>SparseKV keeps 20% of the cache, as the lab reported this week.</p>'
                  '<p><a href="https://clk.example.com/ls/click?upn=aa11">paper</a></p>'
                  '<h2>Long mixtures</h2><p>LongMix reaches 71.2% on MMLU, and the authors say why.</p>'
                  f'<p><a href="https://arxiv.org/abs/{C}">paper</a></p>')
    assert parse_email(mail, "issue.eml").body_type == "html"
