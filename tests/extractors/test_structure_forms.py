"""Story structure in the forms email builders and page editors write instead of `<h*>` and `<ol>`: headings by
role, style or size class; run-in bold labels; papers cited through footnotes; lists written with line
breaks; byline and meta lines; the email alternative that carries the issue; a post's one story titled by the
post; link cards and controls by their class and role. One table per rule, each with differently worded and
differently marked-up examples of its class of input (none copied from a scored fixture)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from extractors import extract_items, parse_email
from extractors.html_styles import page_may_be_styled
from records.documents import Document, Item

A, B, C = "2502.00101", "2502.00202", "2502.00303"


def _items(body: str, title: str = "t") -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title=title, body=body, body_type="html"))


def _summary(items: list[Item]) -> list[tuple[str, str, list[tuple[float, str]]]]:
    return [(i.papers[0].arxiv_id, i.title, [(m.value, m.unit) for m in i.metrics]) for i in items]


def _arxiv(pid: str, text: str = "paper") -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text}</a>'


# --- headings by role, style or size class ------------------------------------------------------------

STYLED_HEADINGS = [
    pytest.param(  # an email builder's table cells: the title cell set large and bold
        '<table><tr><td style="font-size:22px;font-weight:bold">Sparse caches for long prompts</td></tr>'
        '<tr><td style="font-size:15px">It keeps 20% of the cache and loses nothing, in more words.</td></tr>'
        f'<tr><td style="font-size:15px">{_arxiv(A)}</td></tr>'
        '<tr><td style="font-size:22px;font-weight:bold">Tiny planners</td></tr>'
        '<tr><td style="font-size:15px">A 1.2B-parameter planner, with a longer body sentence than the title.</td></tr>'
        f'<tr><td style="font-size:15px">{_arxiv(B)}</td></tr></table>',
        id="td-font-size-and-weight"),
    pytest.param(  # an editor's size classes on a span inside each paragraph, no bold at all
        '<p class="txt"><span class="se-fs-fs26">Sparse caches for long prompts</span></p>'
        '<p class="txt"><span class="se-fs-fs15">It keeps 20% of the cache and loses nothing.</span></p>'
        f'<p class="txt"><span class="se-fs-fs15">{_arxiv(A)}</span></p>'
        '<p class="txt"><span class="se-fs-fs26">Tiny planners</span></p>'
        '<p class="txt"><span class="se-fs-fs15">A 1.2B-parameter planner, a sentence set in body size.</span></p>'
        f'<p class="txt"><span class="se-fs-fs15">{_arxiv(B)}</span></p>',
        id="span-size-class"),
    pytest.param(  # ARIA headings on divs, as block-based page builders write them
        '<div><div role="heading" aria-level="2">Sparse caches for long prompts</div></div>'
        '<div>It keeps 20% of the cache and loses nothing.</div><div>' + _arxiv(A) + '</div>'
        '<div><div role="heading" aria-level="3">What is left open</div></div><div>Nobody tried a smaller one.</div>'
        '<div><div role="heading" aria-level="2">Tiny planners</div></div>'
        '<div>A 1.2B-parameter planner.</div><div>' + _arxiv(B) + '</div>',
        id="aria-heading-divs"),
    pytest.param(  # styled <div> titles in pt, the story text in a smaller size
        '<div style="font-size:15pt;font-weight:700">Sparse caches for long prompts</div>'
        '<div style="font-size:10.5pt">It keeps 20% of the cache and loses nothing, the authors say.</div>'
        f'<div style="font-size:10.5pt">{_arxiv(A)}</div>'
        '<div style="font-size:15pt;font-weight:700">Tiny planners</div>'
        '<div style="font-size:10.5pt">A 1.2B-parameter planner, described in one body sentence.</div>'
        f'<div style="font-size:10.5pt">{_arxiv(B)}</div>',
        id="div-points"),
]


@pytest.mark.parametrize("body", STYLED_HEADINGS)
def test_a_title_set_by_role_style_or_size_class_starts_a_story(body: str) -> None:
    summary = _summary(_items(body))
    assert [(pid, title) for pid, title, _ in summary] == [(A, "Sparse caches for long prompts"), (B, "Tiny planners")]
    assert summary[0][2] == [(20, "%")] and summary[1][2] == [(1.2e9, "params")]


def test_the_page_prefilter_lets_every_styled_form_through_and_skips_plain_pages() -> None:
    assert all(page_may_be_styled(p.values[0]) for p in STYLED_HEADINGS)
    plain = [f"<h2>Sparse caches</h2><p>20% of the cache. {_arxiv(A)}</p>",
             f"<table><tr><td><b>Tiny planners</b></td></tr><tr><td>1.2B parameters. {_arxiv(B)}</td></tr></table>",
             f"<div class='post'><p><strong>Long planners</strong> plan 3x further. {_arxiv(C)}</p></div>"]
    assert not any(page_may_be_styled(body) for body in plain)


def test_text_in_the_body_size_or_a_bold_sentence_is_no_heading() -> None:
    body = ('<div style="font-size:15px">Sparse caches for long prompts keep 20% of the cache.</div>'
            '<div style="font-size:15px;font-weight:bold">This sentence is bold for emphasis and ends like one.</div>'
            f'<div style="font-size:15px">{_arxiv(A, "Sparse caches")} gets 1.5x faster decoding.</div>')
    assert [(m.value, m.unit) for m in _items(body)[0].metrics] == [(20, "%"), (1.5, "x")]


# --- run-in bold labels --------------------------------------------------------------------------------

RUN_IN_LABELS = [
    pytest.param(  # a label with a phrase of its own after a dash, then the paper on a "Read more:" line
        "<p><strong>Sparse caches for long prompts:</strong><br>Keeping 20% of the cache loses nothing.</p>"
        f"<p><strong>Why it matters – memory is the bill:</strong> serving cost falls with it. {_arxiv(A)}</p>"
        "<p>***</p><p><strong>Tiny planners:</strong><br>A 1.2B-parameter planner.</p>"
        f"<p><strong>Why it matters – small is cheap:</strong> it runs on a phone. {_arxiv(B)}</p>",
        id="why-it-matters-with-a-phrase"),
    pytest.param(  # the same unknown label word opening the link line of every story
        "<h3>Sparse caches for long prompts</h3><p>Keeping 20% of the cache loses nothing.</p>"
        f"<p><b>📎 원문</b> {_arxiv(A, 'Sparse Caches')}</p>"
        "<h3>Tiny planners</h3><p>A 1.2B-parameter planner.</p>"
        f"<p><b>📎 원문</b> {_arxiv(B, 'Tiny Planners')}</p>",
        id="repeated-unknown-label"),
    pytest.param(  # "Our take:" twice, each paragraph carrying its story's paper
        "<h2>Sparse caches for long prompts</h2><p>Keeping 20% of the cache loses nothing.</p>"
        f"<p><strong>Our take:</strong> convincing, see {_arxiv(A, 'the paper')}.</p>"
        "<h2>Tiny planners</h2><p>A 1.2B-parameter planner.</p>"
        f"<p><strong>Our take:</strong> promising, see {_arxiv(B, 'the paper')}.</p>",
        id="repeated-opinion-label"),
]


@pytest.mark.parametrize("body", RUN_IN_LABELS)
def test_a_run_in_label_opens_a_paragraph_and_titles_no_story(body: str) -> None:
    summary = _summary(_items(body))
    assert [pid for pid, _, _ in summary] == [A, B]
    assert "Sparse caches for long prompts" in summary[0][1] and "Tiny planners" in summary[1][1]
    assert summary[0][2] == [(20, "%")] and summary[1][2] == [(1.2e9, "params")]


def test_a_bold_lead_that_names_a_paper_is_still_a_title_when_repeated() -> None:
    body = (f"<ul><li><b>SparseKV-2:</b> keeps 20% of the cache. {_arxiv(A)}</li>"
            f"<li><b>SparseKV-2:</b> the 1.2B-parameter variant. {_arxiv(B)}</li></ul>")
    assert all("SparseKV-2" in i.title for i in _items(body))


# --- papers cited through footnotes --------------------------------------------------------------------

FOOTNOTED = [
    pytest.param(  # Hugo / goldmark: <sup id=fnref><a href=#fn:N class=footnote-ref>, notes in div.footnotes
        '<h2>Sparse caches</h2><p>SparseKV<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1'
        '</a></sup> keeps 20% of the cache.</p><h2>Tiny planners</h2><p>TinyPlan<sup id="fnref:2"><a href="#fn:2" '
        'class="footnote-ref">2</a></sup> has 1.2B parameters.</p><div class="footnotes" role="doc-endnotes"><hr><ol>'
        f'<li id="fn:1"><p>{_arxiv(A, "SparseKV: Keeping What Matters")}&#160;<a href="#fnref:1" '
        'class="footnote-backref">↩</a></p></li>'
        f'<li id="fn:2"><p>{_arxiv(B, "TinyPlan: Planning Small")}&#160;<a href="#fnref:2">↩</a></p></li></ol></div>',
        id="hugo-footnotes"),
    pytest.param(  # a numbered reference list in the article itself, cited by bracketed markers
        '<h2>Sparse caches</h2><p>SparseKV <a href="#ref-1">[1]</a> keeps 20% of the cache.</p>'
        '<h2>Tiny planners</h2><p>TinyPlan <a href="#ref-2">[2]</a> has 1.2B parameters.</p>'
        '<h2>References</h2><ol>'
        f'<li id="ref-1">Doe et al. SparseKV: Keeping What Matters. {_arxiv(A, "arXiv")}</li>'
        f'<li id="ref-2">Roe et al. TinyPlan: Planning Small. {_arxiv(B, "arXiv")}</li></ol>',
        id="reference-list"),
    pytest.param(  # Substack: the note's number is an <a id> beside the note's text, both in div.footnote
        '<h2>Sparse caches</h2><p>SparseKV<a class="footnote-anchor" id="footnote-anchor-1" href="#footnote-1">1</a>'
        ' keeps 20% of the cache.</p><h2>Tiny planners</h2><p>TinyPlan<a class="footnote-anchor" '
        'id="footnote-anchor-2" href="#footnote-2">2</a> has 1.2B parameters.</p>'
        '<div class="footnote" data-component-name="FootnoteToDOM"><a id="footnote-1" href="#footnote-anchor-1" '
        f'class="footnote-number">1</a><div class="footnote-content"><p>{_arxiv(A, "SparseKV")}</p></div></div>'
        '<div class="footnote" data-component-name="FootnoteToDOM"><a id="footnote-2" href="#footnote-anchor-2" '
        f'class="footnote-number">2</a><div class="footnote-content"><p>{_arxiv(B, "TinyPlan")}</p></div></div>',
        id="substack-footnotes"),
]


@pytest.mark.parametrize("body", FOOTNOTED)
def test_a_paper_cited_by_a_footnote_belongs_to_the_story_that_cites_it(body: str) -> None:
    summary = _summary(_items(body))
    assert [(pid, title.split(" — ")[0], metrics) for pid, title, metrics in summary] == [
        (A, "Sparse caches", [(20, "%")]), (B, "Tiny planners", [(1.2e9, "params")])]


def test_an_in_page_link_with_a_long_text_is_a_table_of_contents_not_a_footnote() -> None:
    body = ('<p><a href="#sparse">Sparse caches, the long version</a></p>'
            f'<h2 id="sparse">Sparse caches</h2><p>SparseKV keeps 20% of the cache. {_arxiv(A)}</p>')
    assert _summary(_items(body)) == [(A, "Sparse caches", [(20, "%")])]


# --- lists written with line breaks --------------------------------------------------------------------

LISTED_LINES = [
    pytest.param(f"<p>1. <b>SparseKV</b> {_arxiv(A)} keeps 20% of the cache.<br>"
                 f"2. <b>TinyPlan</b> {_arxiv(B)} has 1.2B parameters.<br>"
                 f"3. <b>FastRoute</b> {_arxiv(C)} is 3x faster.</p>",
                 id="numbered"),
    pytest.param(f"<p>(1) <strong>SparseKV</strong> — 20% of the cache [{_arxiv(A)}]<br>"
                 f"(2) <strong>TinyPlan</strong> — 1.2B parameters [{_arxiv(B)}]<br>"
                 f"(3) <strong>FastRoute</strong> — 3x faster [{_arxiv(C)}]</p>", id="parenthesised"),
    pytest.param(f"<div>This week:<br>• <i>SparseKV</i>: 20% of the cache is enough. {_arxiv(A, 'arXiv')}<br>"
                 f"• <i>TinyPlan</i>: 1.2B parameters. {_arxiv(B, 'arXiv')}<br>"
                 f"• <i>FastRoute</i>: 3x faster routing. {_arxiv(C, 'arXiv')}</div>", id="bulleted-under-a-line"),
]


@pytest.mark.parametrize("body", LISTED_LINES)
def test_each_marked_line_of_a_paragraph_is_an_entry_of_its_own(body: str) -> None:
    summary = _summary(_items(body))
    assert [(pid, metrics) for pid, _, metrics in summary] == [
        (A, [(20, "%")]), (B, [(1.2e9, "params")]), (C, [(3, "x")])]
    assert all(name in title for (_, title, _), name in zip(summary, ["SparseKV", "TinyPlan", "FastRoute"],
                                                           strict=True))


# --- byline and meta lines -----------------------------------------------------------------------------

META_LINES = [
    pytest.param("Northlab · 4 min read · ▲ 1,240", id="lab-reading-time-upvotes"),
    pytest.param("By Jane Roe | 12 comments | 3 min read", id="author-comments-reading-time"),
    pytest.param("Sasha Kim - 👍 88 - 2 shares", id="author-reactions"),
]


@pytest.mark.parametrize("meta", META_LINES)
def test_a_meta_line_under_a_title_gives_no_numbers(meta: str) -> None:
    body = (f"<h2>{_arxiv(A, 'SparseKV keeps what matters')}</h2><div>{meta}</div>"
            "<p>It keeps 20% of the cache.</p>")
    assert _summary(_items(body))[0][2] == [(20, "%")]


def test_a_short_line_of_results_is_not_a_meta_line() -> None:
    body = f"<h2>{_arxiv(A, 'SparseKV keeps what matters')}</h2><div>MMLU 71.2% · 3x faster · 7B</div>"
    assert [(v, u) for v, u in _summary(_items(body))[0][2]][:2] == [(71.2, "%"), (3, "x")]


# --- which email alternative carries the issue ----------------------------------------------------------

def _email(text: str, html: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "a@example.org", "b@example.org", "Issue 5", "<i5@x>"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return bytes(msg)


ISSUE_TEXT = (f"SPARSE CACHES\n\n1. SparseKV - https://arxiv.org/abs/{A}\n   It keeps 20% of the cache.\n\n"
              f"2. TinyPlan - https://arxiv.org/abs/{B}\n   It has 1.2B parameters.\n")
ALTERNATIVES = [
    pytest.param(ISSUE_TEXT, '<p><img src="logo.png" alt="logo"></p><p><a href="https://x.example/5">Read it</a></p>',
                 "text", id="html-teaser"),
    pytest.param(ISSUE_TEXT, "<p>Issue 5 is best read as plain text.</p>", "text", id="html-note"),
    pytest.param(ISSUE_TEXT, f"<h2>SparseKV</h2><p>It keeps 20% of the cache. {_arxiv(A)}</p>"
                 f"<h2>TinyPlan</h2><p>It has 1.2B parameters; this part is the whole issue. {_arxiv(B)}</p>",
                 "html", id="html-whole-issue"),
    pytest.param("View this email in your browser: https://x.example/5",
                 f"<h2>SparseKV</h2><p>It keeps 20% of the cache. {_arxiv(A)}</p>", "html", id="text-teaser"),
]


@pytest.mark.parametrize(("text", "html", "kind"), ALTERNATIVES)
def test_the_email_alternative_that_carries_the_issue_is_read(text: str, html: str, kind: str) -> None:
    doc = parse_email(_email(text, html), "issue.eml")
    assert doc.body_type == kind
    assert extract_items(doc)[0].papers[0].arxiv_id == A


# --- a post's one story is titled by the post ----------------------------------------------------------

POSTS = [
    pytest.param(f"<p>Sharing this one. It keeps 20% of the cache.</p><p>{_arxiv(A, '[link]')} [comments]</p>",
                 "[R] SparseKV: keeping what matters", "[R] SparseKV: keeping what matters", id="forum-post-link"),
    pytest.param(f"<p>Short note today: {_arxiv(A, 'this paper')} keeps 20% of the cache.</p>",
                 "Issue 12: SparseKV", "Issue 12: SparseKV", id="email-with-one-story"),
    pytest.param(f"<p>{_arxiv(A, 'SparseKV: Keeping What Matters')}</p><p>It keeps 20% of the cache.</p>",
                 "Weekly links", "SparseKV: Keeping What Matters", id="link-named-by-the-paper-keeps-its-name"),
]


@pytest.mark.parametrize(("body", "title", "expected"), POSTS)
def test_a_post_whose_one_story_has_no_title_of_its_own_is_titled_by_the_post(body: str, title: str,
                                                                              expected: str) -> None:
    assert _items(body, title)[0].title == expected


# --- link cards and controls by class and role ---------------------------------------------------------

CARDS = [
    pytest.param('<div class="notion-selectable notion-bookmark-block"><a href="https://arxiv.org/abs/{A}">'
                 '<div class="notion-bookmark-title">SparseKV</div><div class="notion-bookmark-description">Keeping'
                 ' what matters</div></a></div>', id="page-builder-bookmark"),
    pytest.param('<div class="se-component se-oglink"><a href="https://arxiv.org/abs/{A}" class="se-oglink-info">'
                 '<strong class="se-oglink-title">SparseKV</strong><p class="se-oglink-summary">Keeping what matters'
                 '</p></a></div>', id="blog-editor-oglink"),
    pytest.param('<figure class="wp-block-link-preview"><a href="https://arxiv.org/abs/{A}"><span class="title">'
                 'SparseKV</span><span class="excerpt">Keeping what matters</span></a></figure>', id="link-preview"),
]


@pytest.mark.parametrize("card", CARDS)
def test_a_card_named_by_its_class_is_a_link_and_stays_in_its_story(card: str) -> None:
    body = ("<h2>Sparse caches for long prompts</h2><p>It keeps 20% of the cache.</p>" + card.replace("{A}", A)
            + f"<h2>Tiny planners</h2><p>A 1.2B-parameter planner. {_arxiv(B)}</p>")
    summary = _summary(_items(body))
    assert [(pid, title) for pid, title, _ in summary][0] == (A, "Sparse caches for long prompts")
    assert summary[0][2] == [(20, "%")]


@pytest.mark.parametrize("role", ["button", "toolbar", "menu"])
def test_controls_drawn_as_divs_are_chrome(role: str) -> None:
    body = (f'<div role="{role}">Share 12</div><div role="{role}">Duplicate</div>'
            f"<p>SparseKV keeps 20% of the cache. {_arxiv(A)}</p>")
    items = _items(body)
    assert "Share" not in items[0].text and "Duplicate" not in items[0].text
    assert [(m.value, m.unit) for m in items[0].metrics] == [(20, "%")]


# --- tables read the other way round: one paper per column ---------------------------------------------

PAPER_COLUMNS = [
    pytest.param(f"<table><tr><th></th><th>{_arxiv(A, 'SparseKV')}</th><th>{_arxiv(B, 'TinyPlan')}</th></tr>"
                 "<tr><td>MMLU (%)</td><td>61.5</td><td>48.0</td></tr><tr><td>Params (B)</td><td>7</td><td>1.2</td>"
                 "</tr></table>", id="th-links"),
    pytest.param(f"<table><thead><tr><td>Benchmark</td><td><a href='https://arxiv.org/pdf/{A}'>SparseKV</a></td>"
                 f"<td><a href='https://huggingface.co/papers/{B}'>TinyPlan</a></td></tr></thead><tbody>"
                 "<tr><td>MMLU (%)</td><td>61.5</td><td>48.0</td></tr><tr><td>Parameters (billions)</td><td>7</td>"
                 "<td>1.2</td></tr></tbody></table>", id="td-header-other-paper-hosts"),
    pytest.param(f"<table><caption>Accuracy in %</caption><tr><th>Task</th><th>{_arxiv(A, 'SparseKV')}</th>"
                 f"<th>{_arxiv(B, 'TinyPlan')}</th><th>Baseline</th></tr><tr><td>MMLU</td><td>61.5</td><td>48.0</td>"
                 "<td>40.1</td></tr><tr><td>Model size (B)</td><td>7</td><td>1.2</td><td>1.0</td></tr></table>",
                 id="captioned-with-a-baseline-column"),
]


@pytest.mark.parametrize("table", PAPER_COLUMNS)
def test_each_paper_heading_a_column_gets_that_columns_numbers(table: str) -> None:
    items = _items(f"<h2>Two models side by side</h2>{table}")
    assert [(i.papers[0].arxiv_id, i.title, {(m.value, m.unit) for m in i.metrics}) for i in items] == [
        (A, "SparseKV", {(61.5, "%"), (7e9, "params")}), (B, "TinyPlan", {(48.0, "%"), (1.2e9, "params")})]


CLASS_STYLED = [
    pytest.param(  # a Google Docs published page: bold and size only through the document's class rules
        '<style type="text/css">.c0{font-weight:400;font-size:11pt}.c2{font-weight:700;font-size:13pt}</style>'
        '<p class="c1"><span class="c2">Griffin</span></p><p><span class="c0">Paper: <a href="https://arxiv.org/abs/'
        '2402.19427">arxiv.org/abs/2402.19427</a>. It needs 6x fewer tokens.</span></p>'
        '<p class="c1"><span class="c2">DPO</span></p><p><span class="c0">Paper: <a href="https://arxiv.org/abs/'
        '2305.18290">arxiv.org/abs/2305.18290</a>. It trains 3x faster.</span></p>', id="google-docs-classes"),
    pytest.param(  # an email builder's stylesheet: the story titles set large by a class
        '<style>.body-text{font-size:15px}.headline{font-size:22px;font-weight:bold}</style>'
        '<table><tr><td class="headline">Griffin</td></tr><tr><td class="body-text"><a href="https://arxiv.org/abs/'
        '2402.19427">Paper</a>: it needs 6x fewer tokens.</td></tr><tr><td class="headline">DPO</td></tr>'
        '<tr><td class="body-text"><a href="https://arxiv.org/abs/2305.18290">Paper</a>: it trains 3x faster.'
        '</td></tr></table>', id="email-builder-classes"),
    pytest.param(  # a theme's descendant rule: `.entry .t` is bold
        '<style>.entry .t { font-weight: 700 }</style><div class="entry"><div class="t">Griffin</div>'
        '<div>See <a href="https://arxiv.org/abs/2402.19427">the paper</a>; it needs 6x fewer tokens.</div>'
        '<div class="t">DPO</div><div>See <a href="https://arxiv.org/abs/2305.18290">the paper</a>; it trains '
        '3x faster.</div></div>', id="theme-descendant-rule"),
]


@pytest.mark.parametrize("page", CLASS_STYLED)
def test_titles_styled_by_the_pages_own_class_rules_start_stories(page: str) -> None:
    items = extract_items(Document(source="t", key="k", url=None, title="t", body=f"<html><head></head><body>{page}"
                                   "</body></html>"))
    assert [(i.title, i.papers[0].arxiv_id, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        ("Griffin", "2402.19427", [(6.0, "x")]), ("DPO", "2305.18290", [(3.0, "x")])]
