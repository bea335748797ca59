"""No Slack formatting from feed text reaches a message: each of mrkdwn's markers (`*`, `_`, `~`, `` ` ``,
a block quote's `>`), its controls (`&`, `<`, `>`), mrkdwn links (`<url|label>`), mentions (`<!channel>`,
`<@U…>`, `<#C…>`, `@here`) and code fences typed in a title, a blurb, a chip's name or a newsletter's
name, delivered by bot token and by webhook, alone and folded; plain-text objects keep the raw text
(`&`, not `&amp;`)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from alerts import render_slack
from flows.pipeline.delivery import deliver
from records.ledger import LedgerRow
from records.messages import Alert, Link, Summary
from tests.alerts.conftest import channels_toml, save_files, settings_for

#: Feed words wrapped in each marker: Slack would show them bold, italic, struck through, as code.
MARKED = {"*": "BOLDWORD", "_": "ITWORD", "~": "STRUCKWORD", "`": "CODEWORD"}
#: Slack's controls as a newsletter might type them: a disguised link, mentions, a code fence, a bare `<` and `&`.
CONTROLS = ("3 < 4 & 5 > 2 <https://evil.example/steal|arxiv.org/abs/2405.15793> <!channel> <!here> <@U0EVIL> "
            "<#C0EVIL> @here ```FENCED```")
FEED_MARKUP = " ".join(f"{m}{w}{m}" for m, w in MARKED.items()) + " " + CONTROLS
#: The only link targets a message may hold: the stored paper and newsletter pages.
OUR_LINKS = re.compile(r"<https://(?:arxiv\.org/abs/[\d.]+|nl\.example\.org/1|marked\.example\.org/1)\|[^<>]*>")
IDS = ["2405.15793", "2210.03629", "2403.08295", "2201.11903", "2305.18290", "2310.06825"]


def mrkdwn_strings(payload: dict) -> list[str]:
    """What Slack parses as mrkdwn: the `text` fallback and every mrkdwn text object."""
    found = [payload["text"]]

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload["blocks"])
    return found


def plain_strings(payload: dict) -> list[str]:
    return re.findall(r"'type': 'plain_text', 'text': '([^']*)'", str(payload["blocks"]))


def formatting_of_feed_words(text: str) -> list[str]:
    """Spans Slack would format (a marker at a word's edge, the same marker closing), holding a feed word; any
    feed word with a raw marker beside it; a `<` that opens anything but one of our links (a disguised link, a
    mention); an `&` that is not an escape; a line that opens a block quote; a code fence."""
    spans = [m.group(0) for m in re.finditer(r"([*_~`])(?=\S)(.*?\S)\1", text)
             if any(w in m.group(2) or "FENCED" in m.group(2) for w in MARKED.values())]
    beside = [m.group(0) for w in [*MARKED.values(), "FENCED"] for m in re.finditer(rf"[*_~`]{w}|{w}[*_~`]", text)]
    rest = OUR_LINKS.sub("", text)
    controls = re.findall(r"<[^\s]{0,40}|>|&(?!amp;|lt;|gt;)\S*", rest)
    quotes = [line for line in text.split("\n") if line.lstrip().startswith((">", "&gt;"))]
    return spans + beside + controls + quotes


def mrkdwn_objects(node) -> list[dict]:
    if isinstance(node, dict):
        return ([node] if node.get("type") == "mrkdwn" else []) + [o for v in node.values() for o in mrkdwn_objects(v)]
    return [o for v in node for o in mrkdwn_objects(v)] if isinstance(node, list) else []


def assert_no_feed_formatting(payloads: list[dict]) -> None:
    assert payloads
    for payload in payloads:
        for text in mrkdwn_strings(payload):
            assert formatting_of_feed_words(text) == [], text
        # Slack turns no bare URL, #channel or @here of a verbatim object into a link or a mention.
        assert all(o.get("verbatim") is True for o in mrkdwn_objects(payload["blocks"]))
        for text in plain_strings(payload):
            assert "&amp;" not in text  # plain text is shown as written


def marked_alert(n: int = 0, mode: str = "instant") -> Alert:
    summary = Summary(
        arxiv_id=f"2405.1579{n}", title=f"> Tools & {FEED_MARKUP} paper {n}",
        tldr=f"It does {FEED_MARKUP} well.\n> A quoted line.",
        metrics=(f"60.1% {FEED_MARKUP}",),
        links=(Link("Paper", f"https://arxiv.org/abs/2405.1579{n}"), Link("PDF", "https://arxiv.org/pdf/x")),
        newsletters=(Link(f"Issue {FEED_MARKUP}", "https://nl.example.org/1"), Link(f"Mail {FEED_MARKUP}", "")),
        authors=(f"A. {FEED_MARKUP}",))
    row = LedgerRow("c", summary.arxiv_id, "paper", summary.arxiv_id, ("swe_agents",), mode, "pending")
    return Alert(row, summary=summary)


def test_every_renderer_neutralises_each_marker():
    alerts = [marked_alert(n) for n in range(6)]
    messages = [render_slack.render_instant(alerts[0]),
                render_slack.render_parent(alerts, {"swe_agents": alerts[:2]}, "Paper Radar: 8 new papers"),
                *render_slack.render_digest(alerts, "Digest", lines=render_slack.listing(alerts, {}, "below")),
                *render_slack.render_overflow(alerts, "swe_agents")]
    assert_no_feed_formatting([m.payload() for m in messages])
    instant = messages[0].payload()
    header = instant["blocks"][0]["text"]["text"]  # the raw title, clipped to Slack's 150 characters
    assert len(header) == 150 and header[:-1] == f"> Tools & {FEED_MARKUP} paper 0"[:149] and "&amp;" not in header
    assert instant["blocks"][1]["text"] == {"type": "plain_text", "text": f"It does {FEED_MARKUP} well.\n> A quoted "
                                            "line.", "emoji": False}
    # look-alikes, still readable
    assert instant["text"].startswith("› Tools &amp; ∗BOLDWORD∗ ˍITWORDˍ ∼STRUCKWORD∼ ˋCODEWORDˋ "
                                      "3 &lt; 4 &amp; 5 &gt; 2 &lt;https://evil")


@pytest.mark.parametrize("typed", ["*BOLD*", "_IT_", "~STRUCK~", "`CODE`", "```CODE```", "> quote", ">>> quote",
                                   "a\n> quote", "&", "&amp;", "<", ">", "<https://evil.example|arxiv.org>",
                                   "<!channel>", "<!here>", "<@U0EVIL>", "<#C0EVIL>", "<!subteam^S0EVIL>"])
def test_each_markup_character_is_neutralised(typed):
    text = render_slack.neutralise(f"x {typed} y") + "\n" + render_slack.neutralise(typed)
    assert formatting_of_feed_words(text) == [] and not re.search(r"[*_~`<]", text), text
    assert "\n" not in text.split("\n", 1)[0] and render_slack.neutralise("a\nb") == "a b"


def test_neutralise_leaves_no_marker_and_escapes_slack_controls():
    for marker in MARKED:
        assert marker not in render_slack.neutralise(f"a {marker}b{marker} c")
    assert render_slack.neutralise("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
    assert render_slack.neutralise(">>> all of it") == "››› all of it"
    assert render_slack.neutralise("3 > 2") == "3 &gt; 2"  # only a line's opening > quotes


def feed(path: Path, papers: int) -> Path:
    typed = html.escape(FEED_MARKUP, quote=False)  # the characters as the reader sees them, not as HTML tags
    items = "".join(
        f"<h3>Paper {n}: {typed} &amp; more</h3>"
        f'<p><a href="https://arxiv.org/abs/{arxiv_id}">paper</a></p>'
        f"<p>It brings {typed} to agents and scores 6{n}.5% on MMLU, a new high for {typed}.</p>"
        for n, arxiv_id in enumerate(IDS[:papers]))
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Marked {typed}</title><link>https://marked.example.org</link><description>d</description>
<item><title>Issue {typed} &amp; friends</title><link>https://marked.example.org/1</link>
<guid isPermaLink="false">marked-1</guid><pubDate>Tue, 04 Nov 2025 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[{items}]]></content:encoded></item></channel></rss>
""", encoding="utf-8")
    return path


@pytest.mark.parametrize("papers", [1, 6])  # one message each, and a folded run
def test_no_feed_formatting_reaches_slack_by_bot_or_webhook(tmp_path, slack, papers):
    db = save_files(tmp_path / "radar.duckdb", feed(tmp_path / "marked.xml", papers))
    rule = '[[alerts.rules]]\nname = "everything"\nmin_sources = 1\nroutes = ["research", "hook"]\n'
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + rule))
    assert not report.failed, [r.errors for r in report.results]
    assert len(slack.posts) == (1 if papers == 1 else 7) and slack.webhook_posts
    assert_no_feed_formatting(slack.posts)
    assert_no_feed_formatting(slack.webhook_posts)
    headers = [b["text"]["text"] for p in slack.posts for b in p["blocks"] if b["type"] == "header"]
    # The raw title (clipped to Slack's 150 characters): "&", not "&amp;".
    assert f"Paper 0: {FEED_MARKUP} & more"[:149] + "…" in headers and "3 < 4 & 5 > 2" in headers[-1]
    # Links are only ours: in mrkdwn (`<url|label>`) and on buttons.
    links = {u for p in slack.posts + slack.webhook_posts for t in mrkdwn_strings(p)
             for u in re.findall(r"<(https?://[^|>]+)\|", t)}
    links |= set(re.findall(r"'url': '([^']+)'", str([p["blocks"] for p in slack.posts + slack.webhook_posts])))
    assert "https://arxiv.org/abs/2405.15793" in links and not any("evil" in u for u in links), links
