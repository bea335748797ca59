"""Alerts as a reader sees them, in headless Chromium: an email digest (Korean included), the demo's
email, and an HTML mock of the demo's Slack thread (tests/alerts/blockkit_html.py); no screenshot may
be blank.

They make the README's artefacts: with RADAR_UPDATE_DOCS=1 the demo tests write docs/img/email-digest.png,
docs/img/slack-thread.png and docs/slack-thread-example.json (the parent message and its first
replies, as the fake Slack server received them); otherwise they check that the committed JSON has
the structure of what the demo delivers now. Chromium and fonts-noto-cjk come from Debian (`.ci/run`
installs them); where Chromium is missing the test skips with the reason, except under CI=true,
where it fails.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest

from alerts.paper_summary import ExtractiveSummariser, summarise_paper
from alerts.render_email import render_email
from flows.pipeline.delivery import deliver
from records.facts import MentionFact, MetricFact, PaperFacts
from records.ledger import LedgerRow
from records.messages import Alert
from tests.alerts import blockkit_html
from tests.alerts.conftest import channels_toml, enriched_demo

ROOT = Path(__file__).resolve().parents[2]
UPDATE = os.environ.get("RADAR_UPDATE_DOCS") == "1"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def need_chromium() -> str:
    if CHROMIUM:
        return CHROMIUM
    reason = "Chromium is not installed (Debian: apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + ": CI must run this test")
    print(f"SKIPPED: {reason}")
    pytest.skip(reason)


def digest_alerts() -> list[Alert]:
    papers = [
        ("2405.15793", "SWE-agent: Agent-Computer Interfaces Enable Automated Software Engineering",
         "SWE-agent turns a language model into a software engineering agent. It resolves 12.5% of SWE-bench "
         "issues, up from 3.8% for the best retrieval baseline.", [("SWE-bench", 12.5, "%", "score")],
         "https://github.com/SWE-agent/SWE-agent", "Import AI 401"),
        ("2403.08295", "Gemma: Open Models Based on Gemini Research and Technology",
         "Gemma is a family of open models from Google DeepMind. The 7B model reaches 64.3% on MMLU.",
         [("MMLU", 64.3, "%", "score"), ("params", 7e9, "params", "size")], None, "LLM Watch #88"),
        ("2406.12345", "한국어 추론 벤치마크: KoBench",
         "한국어 추론 능력을 평가하는 새로운 벤치마크입니다. 최고 모델의 정확도는 71.2%입니다.",
         [("KoBench", 71.2, "%", "score")], "https://github.com/example/kobench", "텐서 화요일"),
    ]
    alerts = []
    for arxiv_id, title, blurb, metrics, code, newsletter in papers:
        m = MentionFact("nl", "primary", title, blurb, newsletter, f"https://newsletter.example.org/{arxiv_id}",
                        None, datetime(2026, 11, 27, tzinfo=UTC), "poll")
        p = PaperFacts(arxiv_id, title, authors=("A. Author", "B. Author"), categories=("cs.CL",), mentions=(m,),
                       code_urls=(code,) if code else (),
                       metrics=tuple(MetricFact(n, v, u, k, None, "nl") for n, v, u, k in metrics))
        row = LedgerRow("mail", arxiv_id, "paper", arxiv_id, ("daily-digest",), "digest", "pending")
        alerts.append(Alert(row, summary=summarise_paper(p, ExtractiveSummariser())))
    return alerts


def screenshot(chromium: str, html: str, tmp_path: Path, name: str, size: str = "720,840") -> Path:
    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    page.write_text(html, encoding="utf-8")
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
                           f"--window-size={size}", page.as_uri()], capture_output=True, text=True, timeout=60)
    assert png.exists(), f"chromium made no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return png


def ink(png: Path) -> float:
    """Share of non-zero bytes in the PNG's filtered scanlines: ~0 for a blank page, more with content."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return sum(1 for b in raw if b) / len(raw)


def test_email_digest_renders_in_headless_chromium(tmp_path):
    chromium = need_chromium()
    message = render_email(digest_alerts(), title="Paper Radar digest, 2026-11-28: 3 papers",
                           sender="Paper Radar <radar@example.org>", recipients=["team@example.org"])
    html = message.get_body(("html",)).get_content()
    digest = screenshot(chromium, html, tmp_path, "digest")
    blank = screenshot(chromium, "<!DOCTYPE html><html><body></body></html>", tmp_path, "blank")
    assert ink(blank) < 0.005
    assert ink(digest) > 0.02, f"the screenshot of the email digest looks blank (ink {ink(digest):.4f})"


EVERYTHING = '[[alerts.rules]]\nname = "everything"\nmin_sources = 1\nroutes = ["{route}"]\n'


def test_the_demo_email_renders_in_headless_chromium(tmp_path, demo_alert_db, smtp, http_server):
    chromium = need_chromium()
    settings = enriched_demo(tmp_path, demo_alert_db, http_server,
                             channels_toml(None, smtp.port) + EVERYTHING.format(route="mail"))
    assert not deliver(settings).failed
    message = email.message_from_bytes(smtp.handler.messages[0], policy=policy.default)
    assert message["Subject"] == "Paper Radar: 13 new papers"  # folded: 10 in full, 3 more listed
    png = screenshot(chromium, message.get_body(("html",)).get_content(), tmp_path, "demo-email", "720,1500")
    assert ink(png) > 0.02, f"the screenshot of the demo email looks blank (ink {ink(png):.4f})"
    if UPDATE:
        (ROOT / "docs/img").mkdir(parents=True, exist_ok=True)
        shutil.copy(png, ROOT / "docs/img/email-digest.png")


def test_the_demo_slack_thread_as_the_fake_server_received_it(tmp_path, demo_alert_db, slack, http_server):
    chromium = need_chromium()
    settings = enriched_demo(tmp_path, demo_alert_db, http_server,
                             channels_toml(slack) + EVERYTHING.format(route="research"))
    assert not deliver(settings).failed
    parent, = slack.top_level
    replies = slack.thread(parent["ts"])
    received = {"parent": _without_ts(parent), "replies": [_without_ts(r) for r in replies[:2]]}
    mock = blockkit_html.page("research", parent, replies[:2], len(replies))
    png = screenshot(chromium, mock, tmp_path, "thread", "1180,900")
    assert ink(png) > 0.02, f"the screenshot of the Slack mock looks blank (ink {ink(png):.4f})"
    example = ROOT / "docs/slack-thread-example.json"
    if UPDATE:
        example.write_text(json.dumps(received, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        shutil.copy(png, ROOT / "docs/img/slack-thread.png")
    committed = json.loads(example.read_text(encoding="utf-8"))
    for name in ("parent", "replies"):
        ours, theirs = (committed[name], received[name]) if name == "parent" else (committed[name][0],
                                                                                  received[name][0])
        assert [b["type"] for b in ours["blocks"]] == [b["type"] for b in theirs["blocks"]], name
        assert set(ours) == set(theirs), name
    # The fake numbers posts from 1, so the parent's ts is the same in every run: replies point at it.
    assert {r["thread_ts"] for r in committed["replies"] + received["replies"]} == {parent["ts"]}


def _without_ts(post: dict) -> dict:
    return {k: v for k, v in post.items() if k != "ts"}
