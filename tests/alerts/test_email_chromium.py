"""The email digest's HTML opened in headless Chromium and screenshotted; the PNG must not be blank.

Also makes the README's artefacts: with RADAR_UPDATE_DOCS=1 it writes docs/img/email-digest.png and
docs/slack-payload-example.json (the Block Kit payload as the fake Slack server received it).
Chromium and fonts-noto-cjk come from Debian (`.ci/run` installs them); where Chromium is missing the
test skips with the reason, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alerts.paper_summary import ExtractiveSummariser, summarise_paper
from alerts.render_email import render_email
from flows.pipeline.delivery import deliver
from records.facts import MentionFact, MetricFact, PaperFacts
from records.ledger import LedgerRow
from records.messages import Alert
from tests.alerts.conftest import channels_toml, settings_for

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


def screenshot(chromium: str, html: str, tmp_path: Path, name: str) -> Path:
    page, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    page.write_text(html, encoding="utf-8")
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
                           "--window-size=720,840", page.as_uri()], capture_output=True, text=True, timeout=60)
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
    if UPDATE:
        (ROOT / "docs/img").mkdir(parents=True, exist_ok=True)
        shutil.copy(digest, ROOT / "docs/img/email-digest.png")


def test_slack_payload_example_as_the_fake_server_received_it(tmp_path, demo_alert_db, slack):
    db = Path(shutil.copy(demo_alert_db, tmp_path / "demo.duckdb"))
    rule = '[[alerts.rules]]\nname = "preference-learning"\nkeywords = ["preference"]\nroutes = ["research"]\n'
    settings = settings_for(tmp_path, db, channels_toml(slack) + rule)
    assert not deliver(settings).failed
    received = slack.posts[0]
    assert received["blocks"][0]["type"] == "header" and received["text"]
    example = ROOT / "docs/slack-payload-example.json"
    if UPDATE:
        payload = {k: v for k, v in received.items() if k != "ts"}
        example.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    committed = json.loads(example.read_text(encoding="utf-8"))
    assert [b["type"] for b in committed["blocks"]] == [b["type"] for b in received["blocks"]]
    assert set(committed) == set(received) - {"ts"}
