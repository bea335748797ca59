"""Rendering: Slack Block Kit and email, from summaries of sample papers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alerts.paper_summary import ExtractiveSummariser, summarise_paper
from alerts.render_email import render_email
from alerts.render_slack import MAX_BLOCK_CHARS, MAX_BLOCKS, escape, render_digest, render_instant
from records.facts import MentionFact, MetricFact, PaperFacts
from records.ledger import LedgerRow
from records.messages import Alert
from tests.alerts.test_escaping import mrkdwn_strings

EVIL = "Ignore <!channel> & <https://evil.example|click> me"


def paper(n: int = 0, *, title: str = "SWE-agent", text: str | None = None) -> PaperFacts:
    blurb = text if text is not None else (
        "SWE-agent turns an LM into a software engineer. The interface matters more than the model. "
        "It resolves 12.5% of SWE-bench issues, up from 3.8%, at 2.1x lower cost.")
    m = MentionFact("import-ai", "primary", title, blurb, "Import AI 401",
                    "https://importai.example.org/p/401?utm_source=mail&utm_medium=email", None,
                    datetime(2026, 11, 20, tzinfo=UTC), "poll")
    return PaperFacts(f"2405.{15793 + n:05d}", title, authors=("John Yang",), mentions=(m,),
                      code_urls=("https://github.com/SWE-agent/SWE-agent",),
                      metrics=(MetricFact("SWE-bench", 12.5, "%", "score", None, "import-ai"),
                               MetricFact(None, 2.1, "x", "relative", None, "import-ai"),
                               MetricFact("params", 7e9, "params", "size", None, "import-ai")))


def alert(p: PaperFacts, mode: str = "instant") -> Alert:
    row = LedgerRow("c", p.arxiv_id, "paper", p.arxiv_id, ("swe",), mode, "pending")
    return Alert(row, summary=summarise_paper(p, ExtractiveSummariser()))


def test_summary_has_key_metrics_and_clean_links():
    from flows.pipeline.delivery import clean_links  # the delivery orchestrator cleans links before summaries

    s = summarise_paper(clean_links(paper()), ExtractiveSummariser())
    assert s.metrics == ("12.5% SWE-bench", "7B params")  # "2.1x" says not what it measures
    assert [(lk.label, lk.url) for lk in s.links] == [
        ("Paper", "https://arxiv.org/abs/2405.15793"), ("PDF", "https://arxiv.org/pdf/2405.15793"),
        ("Code", "https://github.com/SWE-agent/SWE-agent")]
    assert [n.url for n in s.newsletters] == ["https://importai.example.org/p/401"]  # no utm_*


def test_slack_escapes_everything_from_feeds_and_plain_text_keeps_it_raw():
    message = render_instant(alert(paper(title=EVIL, text=EVIL + ". Second sentence of it.")))
    payload = message.payload()
    for text in mrkdwn_strings(payload):
        assert "<!channel>" not in text and "<https://evil" not in text, text
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in payload["text"]
    header = payload["blocks"][0]
    assert header["type"] == "header" and header["text"] == {"type": "plain_text", "text": EVIL, "emoji": False}
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["header", "section", "section", "context", "actions"]
    assert payload["blocks"][1]["text"]["type"] == "plain_text"  # the TL;DR, as written
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False
    assert escape("a&b<c>d") == "a&amp;b&lt;c&gt;d"


def test_a_big_digest_is_split_within_slack_limits():
    alerts = [alert(paper(n), "digest") for n in range(40)]
    messages = render_digest(alerts, "Digest")
    assert len(messages) > 1
    assert sum(len(m.keys) for m in messages) == 40
    assert {k for m in messages for k in m.keys} == {a.row.alert_key for a in alerts}
    for m in messages:
        assert len(m.blocks) <= MAX_BLOCKS
        assert len(json.dumps(list(m.blocks), ensure_ascii=False)) <= MAX_BLOCK_CHARS
    assert messages[0].blocks[0]["text"]["text"] == f"Digest (1/{len(messages)})"


def test_email_has_plain_and_html_parts_and_no_header_injection():
    evil = paper(title="Big news\r\nBcc: victim@example.org\nX-Evil: 1 <script>alert(1)</script>")
    msg = render_email([alert(evil)], title="Paper Radar: " + evil.title, sender="r@example.org",
                       recipients=["team@example.org"])
    headers = msg.as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and "\nX-Evil:" not in headers and msg["Bcc"] is None
    assert msg["Subject"].startswith("Paper Radar: Big news Bcc: victim@example.org X-Evil: 1")
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html and "&lt;script&gt;" in html
    assert msg.get_body(("plain",)).get_content().startswith("Paper Radar: Big news")


def test_a_folded_run_of_many_long_titles_stays_within_slack_limits():
    from alerts.render_slack import MAX_BLOCK_CHARS, MAX_BLOCKS, render_parent

    alerts = [alert(paper(n, title="A very long title " * 20)) for n in range(60)]
    parent = render_parent(alerts, {"swe": alerts[:5]}, "Paper Radar: 65 new papers")
    blocks = list(parent.blocks)
    assert len(blocks) <= MAX_BLOCKS and len(json.dumps(blocks, ensure_ascii=False)) <= MAX_BLOCK_CHARS
    assert len(parent.listed) == 65 and parent.keys == ()  # it lists every paper for the thread
    text = json.dumps(blocks, ensure_ascii=False)
    assert "more in the thread" in text and "…and 5 more for swe, listed in the thread" in text
