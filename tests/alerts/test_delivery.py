"""Delivery end to end over real protocols on 127.0.0.1: the Slack fake (bot token and webhook) and
aiosmtpd, with the ledger in a real DuckDB file."""

from __future__ import annotations

import email
import json
from email import policy

import duckdb
import pytest

from flows.pipeline.delivery import deliver
from tests.alerts.conftest import RULES, channels_toml, settings_for
from tests.alerts.fakes import FakeSlack, SmtpServer, free_port
from tests.httpserver import Reply
from tests.storage.sample import SWE


def ledger(db) -> dict[tuple[str, str], tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT channel, alert_key, status, attempts, external_id, possible_duplicate, "
                            "last_error, rules FROM alerts").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_sends_once_to_every_route_and_a_second_run_sends_nothing(tmp_path, db, slack, smtp):
    settings = settings_for(tmp_path, db, channels_toml(slack, smtp.port) + RULES.format(
        routes='["research", "hook", "mail"]'))
    report = deliver(settings)
    assert not report.failed, [r.errors for r in report.results]
    assert [p["channel"] for p in slack.posts] == ["C0RESEARCH"]
    assert len(slack.webhook_posts) == 1 and len(smtp.handler.messages) == 1
    post = slack.posts[0]
    assert post["metadata"] == {"event_type": "paper_radar_alert", "event_payload": {"keys": [SWE]}}
    assert post["unfurl_links"] is False and post["unfurl_media"] is False and slack.violations == []
    rows = ledger(db)
    assert {k: v[0] for k, v in rows.items()} == {("research", SWE): "sent", ("hook", SWE): "sent",
                                                  ("mail", SWE): "sent"}
    assert rows[("research", SWE)][2] == post["ts"]
    message = email.message_from_bytes(smtp.handler.messages[0], policy=policy.default)
    assert rows[("mail", SWE)][2] == message["Message-ID"].strip()
    assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}

    again = deliver(settings)
    assert not again.failed and again.results == [] and again.new_rows == 0
    assert len(slack.posts) == 1 and len(slack.webhook_posts) == 1 and len(smtp.handler.messages) == 1


def test_two_rules_on_one_channel_give_one_message_listing_both(tmp_path, db, slack):
    rules = RULES.format(routes='["research"]') + """
[[alerts.rules]]
name = "with-code"
has_code = true
min_sources = 2
routes = ["research"]
"""
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + rules))
    assert not report.failed
    assert [p["metadata"]["event_payload"]["keys"] for p in slack.posts] == [[SWE]]
    assert ledger(db)[("research", SWE)][5] == ["swe-agents", "with-code"]


def test_papers_from_a_first_poll_or_backfill_are_suppressed(tmp_path, db, slack):
    with duckdb.connect(str(db)) as conn:
        conn.execute("UPDATE documents SET ingest_mode = 'first_poll'")
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]')))
    assert report.suppressed == 1 and slack.posts == []
    assert ledger(db)[("research", SWE)][0] == "suppressed"
    with duckdb.connect(str(db)) as conn:  # a later regular poll does not revive a suppressed key
        conn.execute("UPDATE documents SET ingest_mode = 'poll'")
    deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]')))
    assert slack.posts == []


def test_429_is_retried_after_retry_after_and_500_is_retried(tmp_path, db, slack):
    slack.fail_next("chat.postMessage", FakeSlack.error("ratelimited", 429, {"Retry-After": "0"}),
                    FakeSlack.error(None, 500))
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]')))
    assert not report.failed
    assert slack.calls.count("chat.postMessage") == 3 and len(slack.posts) == 1
    assert ledger(db)[("research", SWE)][:2] == ("sent", 1)


def test_a_retry_after_past_the_cap_fails_the_send_instead_of_sleeping(tmp_path, db, slack):
    # slack_sdk's own handler would sleep the hour; the row is failed now and a later run retries it
    slack.fail_next("chat.postMessage", *[FakeSlack.error("ratelimited", 429, {"Retry-After": "3600"})] * 3)
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]')))
    assert report.failed and "ratelimited" in report.results[0].errors[0]
    assert slack.calls.count("chat.postMessage") == 1 and not slack.posts
    assert ledger(db)[("research", SWE)][0] == "failed"


@pytest.mark.parametrize("reply, expected", [
    (FakeSlack.error("invalid_auth"), "invalid_auth"),
    (FakeSlack.error("channel_not_found"), "channel_not_found"),
    (FakeSlack.error("not_in_channel"), "not_in_channel"),
    (FakeSlack.error(None), "ok=false without an error field"),
])
def test_slack_errors_fail_the_route_clearly_and_stay_retryable(tmp_path, db, slack, reply, expected):
    rules = RULES.format(routes='["research"]') + '\n[[alerts.rules]]\nname = "all"\nroutes = ["research"]\n'
    slack.fail_next("chat.postMessage", reply)
    settings = settings_for(tmp_path, db, channels_toml(slack) + rules)
    report = deliver(settings)
    assert report.failed and expected in report.results[0].errors[0]
    fatal = expected != "ok=false without an error field"
    # A fatal error stops the route at once (one call, not one per paper); the others are pending.
    assert slack.calls.count("chat.postMessage") == (1 if fatal else 4)
    statuses = {k[1]: v[0] for k, v in ledger(db).items()}
    assert list(statuses.values()).count("failed") == 1
    assert list(statuses.values()).count("sent") == (0 if fatal else 3)
    assert TOKEN_FREE(report)

    again = deliver(settings)  # the next run retries what failed, and only that
    assert not again.failed
    assert set(v[0] for v in ledger(db).values()) == {"sent"}
    assert len(slack.posts) == 4


def TOKEN_FREE(report) -> bool:  # noqa: N802
    from tests.alerts.fakes import TOKEN, WEBHOOK_PATH

    text = json.dumps([r.errors for r in report.results])
    return TOKEN not in text and WEBHOOK_PATH not in text


def test_webhook_errors_name_the_channel_but_never_the_url(tmp_path, db, slack):
    slack.fail_next("webhook", FakeSlack.error("x", 404).__class__(404, b"no_service"))
    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["hook"]')))
    assert report.failed and "slack webhook hook: HTTP 404: no_service" in report.results[0].errors[0]
    assert TOKEN_FREE(report)


def test_gives_up_after_max_attempts(tmp_path, db, slack):
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    for _ in range(3):
        slack.fail_next("chat.postMessage", FakeSlack.error("invalid_auth"))
        assert deliver(settings).failed
    assert ledger(db)[("research", SWE)][:2] == ("failed", 3)
    assert deliver(settings).results == [] and slack.posts == []


def test_smtp_refusing_recipients_and_smtp_down_fail_clearly(tmp_path, db):
    with SmtpServer(refuse=True) as refusing:
        report = deliver(settings_for(tmp_path, db, channels_toml(None, refusing.port)
                                           + RULES.format(routes='["mail"]')))
    assert report.failed and "recipient refused" in report.results[0].errors[0]
    assert "team@example.org (550" in report.results[0].errors[0]
    down = free_port()
    report = deliver(settings_for(tmp_path, db, channels_toml(None, down) + RULES.format(routes='["mail"]')))
    assert report.failed and f"127.0.0.1:{down}" in report.results[0].errors[0]
    assert ledger(db)[("mail", SWE)][:2] == ("failed", 2)


def test_failures_are_reported_to_the_ops_channel(tmp_path, db, slack, smtp):
    settings = settings_for(tmp_path, db, channels_toml(slack, smtp.port) + RULES.format(routes='["research"]'),
                            head='ops_channel = "mail"')
    slack.fail_next("chat.postMessage", FakeSlack.error("not_in_channel"))
    report = deliver(settings)
    assert report.failed and report.ops_error is None
    notice = email.message_from_bytes(smtp.handler.messages[0], policy=policy.default)
    assert notice["Subject"] == "Paper Radar: delivery failed"
    assert "research" in notice.get_body(("plain",)).get_content()
    assert "not_in_channel" in notice.get_body(("plain",)).get_content()


def test_failing_sources_are_routed_like_a_rule(tmp_path, db, slack):
    body = channels_toml(slack) + '\n[alerts.source_health]\nroutes = ["research"]\nmin_consecutive_failures = 1\n'
    report = deliver(settings_for(tmp_path, db, body))
    assert not report.failed
    texts = sorted(p["text"] for p in slack.posts)
    assert len(texts) == 3, texts
    assert texts[0].startswith("Newsletter source gone-dark is never succeeded: 1 failed polls in a row. Last error: ")
    assert texts[1].startswith("Newsletter source model-notes is failing: ") and "HTTP 503" in texts[1]
    assert texts[2].startswith("Newsletter source quiet-weekly is stale: no new issue since ")
    assert deliver(settings_for(tmp_path, db, body)).results == []  # one notice per outage


def test_digest_waits_for_its_schedule_then_goes_out_as_one_message_with_an_overflow_line(tmp_path, db, slack):
    from datetime import UTC, datetime, timedelta

    rule = """
[[alerts.rules]]
name = "daily"
routes = ["research"]
mode = "digest"
digest_cron = "0 8 * * *"
timezone = "Europe/Berlin"
max_per_run = 3
"""
    settings = settings_for(tmp_path, db, channels_toml(slack) + rule)
    queued_at = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)  # 07:00 in Berlin: before the 08:00 digest
    first = deliver(settings, modes=("instant", "digest"), now=queued_at)
    assert first.new_rows == 4 and first.results == [] and slack.posts == []
    at_eight = deliver(settings, modes=("digest",), now=queued_at + timedelta(hours=1, minutes=1))
    assert not at_eight.failed
    # One digest with the first three papers, then one "and 1 more" message for the rule's overflow.
    assert [len(p["metadata"]["event_payload"]["keys"]) for p in slack.posts] == [3, 1]
    assert slack.posts[0]["blocks"][0]["text"]["text"].startswith("Paper Radar digest")
    assert "and 1 more for daily" in slack.posts[1]["text"]
    assert {v[0] for v in ledger(db).values()} == {"sent"}


def test_secrets_stay_out_of_logs_and_the_database(tmp_path, db, slack, caplog):
    import logging

    from tests.alerts.fakes import TOKEN, WEBHOOK_PATH

    caplog.set_level(logging.DEBUG)
    slack.fail_next("webhook", Reply(500, b"oops"), Reply(500, b"x"), Reply(500, b"x"))
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research", "hook"]'))
    report = deliver(settings)
    assert report.failed, report
    assert "HTTP 500" in {r.channel: r for r in report.results}["hook"].errors[0]
    assert TOKEN not in caplog.text and WEBHOOK_PATH not in caplog.text
    with duckdb.connect(str(db), read_only=True) as conn:
        dumped = str(conn.execute("SELECT * FROM alerts").fetchall())
    assert TOKEN not in dumped and WEBHOOK_PATH not in dumped


def test_two_overlapping_runs_do_not_both_send(tmp_path, db, slack):
    from flows.pipeline.delivery import match_rules, send_channel
    from flows.pipeline.runtime import PlainRuntime

    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    runtime = PlainRuntime()
    first, second = match_rules(settings, runtime), match_rules(settings, runtime)  # both see the paper as due
    channel = settings.alerts.channel("research")
    sent = send_channel(settings, runtime, channel, first.due["research"], planned_at=first.started_at)
    late = send_channel(settings, runtime, channel, second.due["research"], planned_at=second.started_at)
    assert (sent.messages, late.messages) == (1, 0) and len(slack.posts) == 1
    assert ledger(db)[("research", SWE)][:2] == ("sent", 1)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_starttls_and_ssl_with_login(tmp_path, db, monkeypatch, security):
    from tests.alerts.fakes import self_signed

    context, ca_file = self_signed(tmp_path)
    monkeypatch.setenv("RADAR_TEST_SMTP_PASSWORD", "hunter2")
    with SmtpServer(tls=context, implicit_tls=security == "ssl") as server:
        body = channels_toml(None, server.port).replace('security = "plain"', f'security = "{security}"\n'
                                                         f'ca_file = "{ca_file}"\nusername = "radar"\n'
                                                         'password = {env = "RADAR_TEST_SMTP_PASSWORD"}')
        report = deliver(settings_for(tmp_path, db, body + RULES.format(routes='["mail"]')))
    assert not report.failed, report.results[0].errors
    assert len(server.handler.messages) == 1 and server.logins == [(b"radar", b"hunter2")]


def test_a_channel_without_its_secret_fails_alone_and_a_broken_ops_channel_is_reported(
        tmp_path, db, slack, monkeypatch):
    monkeypatch.delenv("RADAR_TEST_WEBHOOK")
    settings = settings_for(tmp_path, db, channels_toml(slack, free_port()) + RULES.format(
        routes='["hook", "research"]'), head='ops_channel = "mail"')
    report = deliver(settings)
    results = {r.channel: r for r in report.results}
    assert results["hook"].errors == ["environment variable RADAR_TEST_WEBHOOK is not set"]
    assert results["research"].messages == 1 and not results["research"].errors and len(slack.posts) == 1
    assert report.ops_error is not None and "email channel mail" in report.ops_error  # SMTP down: said, not raised
    assert {k: v[0] for k, v in ledger(db).items()} == {("research", SWE): "sent", ("hook", SWE): "pending"}


def test_a_run_that_planned_before_another_claimed_leaves_the_message_in_flight_alone(tmp_path, db, slack):
    from datetime import UTC, datetime

    from flows.pipeline.delivery import match_rules, send_channel
    from flows.pipeline.runtime import PlainRuntime
    from storage.db import open_db
    from storage.ledger import mark_sending

    settings = settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    runtime = PlainRuntime()
    first, second = match_rules(settings, runtime), match_rules(settings, runtime)
    with open_db(db) as conn:  # the first run claims the message and is still sending it
        assert mark_sending(conn, "research", [SWE], datetime.now(UTC), unchanged_since=first.started_at)
    late = send_channel(settings, runtime, settings.alerts.channel("research"), second.due["research"],
                        planned_at=second.started_at)
    assert late.messages == 0 and slack.posts == []
    assert ledger(db)[("research", SWE)][:2] == ("sending", 1)


def test_a_webhook_error_page_echoing_the_url_does_not_carry_it_into_the_error(http_server):
    """A proxy's 404 page that repeats the request path (the webhook's secret) is cut out of the error, which
    goes to the ledger, the run's report and stderr (found by tests/reliability/test_secrets.py)."""
    import pytest

    from alerts.errors import DeliveryError
    from alerts.render_slack import SlackMessage
    from alerts.send_slack import SlackWebhookSender, make_webhook_client
    from tests.httpserver import Reply

    path = "/services/T0ECHO/B0ECHO/s3cr3tPart%2Bx"
    http_server.handle("/services/T0ECHO/B0ECHO/s3cr3tPart%2Bx",
                       lambda request: Reply(404, f"Not Found: {request.path} (s3cr3tPart+x)".encode()))
    sender = SlackWebhookSender(make_webhook_client(http_server.url(path), timeout=5), "hook")
    with pytest.raises(DeliveryError) as caught:
        sender.send(SlackMessage(text="hello", blocks=(), keys=("2401.00001",)))
    assert "s3cr3tPart" not in str(caught.value) and "HTTP 404: Not Found: <webhook URL>" in str(caught.value)
