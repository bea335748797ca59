"""No floods: a run with more than `fold_after` alerts on a channel is one parent message listing them,
most important first, with the details in its thread (Slack bot token), below the list (webhook) or
in one email; each paper once, a re-run posts nothing, and a thread a crash or a failure cut short
is finished in place. Over real protocols on 127.0.0.1 (the Slack fake, aiosmtpd) and a DuckDB file."""

from __future__ import annotations

import email
import re
import shutil
from email import policy
from pathlib import Path

import duckdb
import pytest

import flows.pipeline.delivery
from flows.pipeline.delivery import deliver
from tests.alerts.conftest import channels_toml, settings_for
from tests.alerts.fakes import FakeSlack

SWE_AGENT, REACT, GEMMA, COT, DPO, MISTRAL = "2405.15793", "2210.03629", "2403.08295", "2201.11903", "2305.18290", \
    "2310.06825"
FLASH, TOT, SELF_CONSISTENCY, LLAMA2 = "2205.14135", "2305.10601", "2203.11171", "2307.09288"
#: Importance: the "agents" rule first (config order); then more newsletters, has code, has results.
#: SWE-agent: agents, 2 newsletters. ReAct: agents, 1. Gemma: 2 newsletters, code, MMLU. CoT: 2, GSM8K.
#: DPO, Mistral: code and a result. FlashAttention, ToT: code only. Self-Consistency: a result only. Llama 2: neither.
IMPORTANCE = [SWE_AGENT, REACT, GEMMA, COT, DPO, MISTRAL, FLASH, TOT, SELF_CONSISTENCY, LLAMA2]
RULES = """
[[alerts.rules]]
name = "agents"
keywords = ["에이전트"]
routes = {routes}

[[alerts.rules]]
name = "everything"
min_sources = 1
routes = {routes}
"""


@pytest.fixture
def db(tmp_path, ten_paper_db) -> Path:
    return Path(shutil.copy(ten_paper_db, tmp_path / "radar.duckdb"))


def ledger(db) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT channel, alert_key, status, external_id, thread_ts FROM alerts").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def keys_of(post: dict) -> list[str]:
    return post["metadata"]["event_payload"]["keys"]


def listed_ids(text: str) -> list[str]:
    return re.findall(r"<https://arxiv\.org/abs/([\d.]+)\|", text)


def test_ten_papers_to_one_channel_are_one_parent_and_a_thread_in_importance_order(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    report = deliver(settings)
    assert not report.failed, report.results[0].errors
    parents = slack.top_level
    assert len(parents) == 1, [p["text"] for p in parents]
    parent = parents[0]
    assert parent["blocks"][0]["text"]["text"] == "Paper Radar: 10 new papers"
    assert keys_of(parent) == [] and parent["metadata"]["event_payload"]["listed"] == IMPORTANCE
    assert listed_ids(" ".join(b["text"]["text"] for b in parent["blocks"] if b["type"] == "section")) == IMPORTANCE
    replies = slack.thread(parent["ts"])
    assert [keys_of(r) for r in replies] == [[k] for k in IMPORTANCE]  # each paper once, most important first
    assert len(slack.posts) == 11 and slack.violations == []
    rows = ledger(db)
    assert {k: v[0] for k, v in rows.items()} == {("research", k): "sent" for k in IMPORTANCE}
    for reply in replies:  # the ledger records the reply's ts and the thread it is in
        assert rows[("research", keys_of(reply)[0])][1:] == (reply["ts"], parent["ts"])
    assert report.results[0].messages == 11 and report.results[0].alerts == 10

    again = deliver(settings)
    assert again.results == [] and len(slack.posts) == 11  # a re-run posts nothing


def test_up_to_fold_after_alerts_stay_one_message_each(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'),
                            head="fold_after = 10")
    assert not deliver(settings).failed
    assert [keys_of(p) for p in slack.posts] == [[k] for k in IMPORTANCE] and slack.top_level == slack.posts


def test_a_channel_can_fold_sooner_than_the_default(tmp_path, db, slack):
    body = channels_toml(slack).replace('slack_channel = "C0RESEARCH"', 'slack_channel = "C0RESEARCH"\nfold_after = 2')
    settings = settings_for(tmp_path, db, body + RULES.format(routes='["research"]').replace(
        'name = "everything"\nmin_sources = 1', 'name = "everything"\nmin_sources = 2'))
    assert not deliver(settings).failed
    assert len(slack.top_level) == 1 and [keys_of(r) for r in slack.thread(slack.top_level[0]["ts"])] == [
        [SWE_AGENT], [REACT], [GEMMA], [COT]]


def test_max_per_run_and_folding_combine_into_one_thread(tmp_path, db, slack):
    rules = RULES.format(routes='["research"]').replace('min_sources = 1', 'min_sources = 1\nmax_per_run = 6')
    assert not deliver(settings_for(tmp_path, db, channels_toml(slack) + rules)).failed
    parent, = slack.top_level
    text = " ".join(b["text"]["text"] for b in parent["blocks"] if b["type"] == "section")
    # agents' two papers, then everything's first six in full; everything's other two in "and 2 more".
    assert listed_ids(text) == IMPORTANCE[:8] and "…and 2 more for everything, listed in the thread" in text
    replies = slack.thread(parent["ts"])
    assert [keys_of(r) for r in replies] == [[k] for k in IMPORTANCE[:8]] + [IMPORTANCE[8:]]
    assert "and 2 more for everything" in replies[-1]["text"]
    assert sorted(k for r in replies for k in keys_of(r)) == sorted(IMPORTANCE)  # each paper once
    assert {v[0] for v in ledger(db).values()} == {"sent"}


def test_a_webhook_gets_the_list_and_the_details_in_one_digest(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["hook"]'))
    assert not deliver(settings).failed
    digest = slack.webhook_posts[0]  # split in parts only where Slack's size limits say so
    assert len(slack.webhook_posts) <= 3 and digest["blocks"][0]["text"]["text"].startswith(
        "Paper Radar: 10 new papers")
    assert listed_ids(digest["blocks"][1]["text"]["text"]) == IMPORTANCE
    headers = [b["text"]["text"] for p in slack.webhook_posts for b in p["blocks"] if b["type"] == "header"]
    papers = [h for h in headers if not h.startswith("Paper Radar")]
    assert len(headers) == len(slack.webhook_posts) + 10 and len(set(papers)) == 10  # each paper once
    assert {v[0] for v in ledger(db).values()} == {"sent"}
    assert deliver(settings).results == []


def test_email_gets_one_message_with_the_contents_first(tmp_path, db, smtp):
    settings = settings_for(tmp_path, db, channels_toml(None, smtp.port) + RULES.format(routes='["mail"]'))
    assert not deliver(settings).failed
    assert len(smtp.handler.messages) == 1
    message = email.message_from_bytes(smtp.handler.messages[0], policy=policy.default)
    assert message["Subject"] == "Paper Radar: 10 new papers"
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    contents = plain.split("\n\n")[1].splitlines()
    assert len(contents) == 10 and contents[0].startswith("1. SWE-agent") and contents[9].startswith("10. Llama 2")
    assert deliver(settings).results == [] and len(smtp.handler.messages) == 1


class Crash(BaseException):
    """Stands in for a kill: nothing catches it, the process would be gone."""


def test_a_thread_cut_short_by_a_crash_is_finished_in_the_same_thread(tmp_path, db, slack, monkeypatch):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    real_mark_sent, sent = flows.pipeline.delivery.mark_sent, []

    def crash_after_three(*args, **kwargs):
        if len(sent) == 3:
            raise Crash
        sent.append(args)
        return real_mark_sent(*args, **kwargs)

    with monkeypatch.context() as patched, pytest.raises(Crash):
        patched.setattr(flows.pipeline.delivery, "mark_sent", crash_after_three)
        deliver(settings)
    parent, = slack.top_level
    assert len(slack.thread(parent["ts"])) == 4  # the fourth reply was posted, its 'sent' never written
    report = deliver(settings)
    assert not report.failed and report.results[0].recovered == 1
    assert len(slack.top_level) == 1, "a second parent"
    assert [keys_of(r) for r in slack.thread(parent["ts"])] == [[k] for k in IMPORTANCE]  # each once, in order
    assert {v[2] for v in ledger(db).values()} == {parent["ts"]}


def test_a_crash_right_after_the_parent_is_found_in_the_history(tmp_path, db, slack, monkeypatch):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))

    def crash(*args, **kwargs):
        raise Crash

    with monkeypatch.context() as patched, pytest.raises(Crash):
        patched.setattr(flows.pipeline.delivery, "mark_threaded", crash)
        deliver(settings)
    assert len(slack.posts) == 1 and {v[:3:2] for v in ledger(db).values()} == {("sending", None)}
    assert not deliver(settings).failed
    parent, = slack.top_level
    assert [keys_of(r) for r in slack.thread(parent["ts"])] == [[k] for k in IMPORTANCE]
    assert "conversations.history" in slack.calls and "conversations.replies" in slack.calls


def test_a_reply_that_fails_goes_into_the_same_thread_next_run(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    original, calls = slack._post, []

    def flaky(request):  # the parent and the first reply go through; the second fails 3 times (retries included)
        calls.append(request)
        return FakeSlack.error(None, 500) if len(calls) in (3, 4, 5) else original(request)

    slack.server.handle("/api/chat.postMessage", flaky)
    report = deliver(settings)
    assert report.failed and "HTTP 500" in report.results[0].errors[0]
    parent, = slack.top_level
    failed = [k for (_, k), v in ledger(db).items() if v[0] == "failed"]
    assert failed == [REACT] and ledger(db)[("research", REACT)][2] == parent["ts"]
    slack.server.handle("/api/chat.postMessage", original)
    assert not deliver(settings).failed
    assert len(slack.top_level) == 1
    assert sorted(k for r in slack.thread(parent["ts"]) for k in keys_of(r)) == sorted(IMPORTANCE)
    assert keys_of(slack.thread(parent["ts"])[-1]) == [REACT]  # posted last, in the same thread
    assert {v[0] for v in ledger(db).values()} == {"sent"}


def test_dry_run_previews_the_parent_and_its_replies(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    report = deliver(settings, dry_run=True)
    previews = report.results[0].previews
    assert len(previews) == 11 and previews[0].slack.listed == tuple(IMPORTANCE)
    assert [o.keys for o in previews[1:]] == [(k,) for k in IMPORTANCE] and slack.posts == []


def test_the_fake_refuses_a_reply_to_a_thread_that_does_not_exist(slack):
    from alerts.errors import DeliveryError
    from alerts.render_slack import SlackMessage
    from alerts.send_slack import SlackBotSender, make_web_client
    from tests.alerts.fakes import TOKEN

    sender = SlackBotSender(make_web_client(TOKEN, base_url=slack.api_url, timeout=5), "research", "C0RESEARCH")
    blocks = ({"type": "section", "text": {"type": "mrkdwn", "text": "x"}},)
    with pytest.raises(DeliveryError, match="thread_not_found"):
        sender.send(SlackMessage("x", blocks, ("k",), thread_ts="1.000001"))
    assert slack.posts == []
