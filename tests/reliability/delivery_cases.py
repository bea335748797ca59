"""Delivery cases (`radar alerts send`, and `radar poll` then `radar alerts send` for hostile titles).

Each case has a good channel and a bad one on real local servers: a Slack Web API and webhook fake
(tests/alerts/fakes.FakeSlack) and aiosmtpd servers. A bad Slack channel has a good email channel beside
it, and the other way round. The database is the demo newsletters saved as a regular poll saves them
(every paper alertable); one rule routes every paper to both channels, at most three in full per run
(the rest in one "and N more" message); for hostile titles every paper is shown in full, each its own
message. Since issue 15 a folded Slack run is a thread and an email run
can be one digest, so delivery is counted by ledger rows, never by posts or emails: the good channel's
rows must be `sent` as in a clean run, the bad channel's never `sent` (unless the case says which) and
never left `sending` (`failed` with the error, or `pending` when the channel could not even be set up),
and the error names the channel.

    serve = "slack-reply"      the bad Slack channel's every chat.postMessage answers the input (JSON)
    serve = "slack-429"        ... answers HTTP 429 with the input's Retry-After
    serve = "webhook-url"      the bad channel is an incoming webhook whose URL (a secret) is the input
    serve = "smtp-refuse-rcpt" | "smtp-refuse-data" | "smtp-down"   the bad channel is email
    serve = "feed"             (poll+alerts) the input is a feed polled beside the good one; both channels good
"""

from __future__ import annotations

import email
import shutil
from collections import Counter
from contextlib import ExitStack
from email import policy
from pathlib import Path

from tests.alerts.fakes import TOKEN, FakeSlack, SmtpServer, free_port
from tests.httpserver import LocalServer, Reply
from tests.reliability import servers
from tests.reliability.cli import run_radar
from tests.reliability.corpus import Case
from tests.reliability.outcome import Outcome, lost, normalise, rows, summary_entries
from tests.reliability.poll_cases import TYPES, config_text, good_source

SECRET_ENV = {"RADAR_REL_SLACK_TOKEN": TOKEN}
RULE = """
[[alerts.rules]]
name = "everything"
min_sources = 1
max_per_run = {max_per_run}
routes = [{routes}]
"""


def slack_channel(name: str, slack: FakeSlack, slack_channel: str) -> str:
    return (f'\n[[alerts.channels]]\nname = "{name}"\nkind = "slack"\nslack_channel = "{slack_channel}"\n'
            f'token = {{env = "RADAR_REL_SLACK_TOKEN"}}\nslack_base_url = "{slack.api_url}"\ntimeout_seconds = 3\n')


def email_channel(name: str, port: int) -> str:
    return (f'\n[[alerts.channels]]\nname = "{name}"\nkind = "email"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
            f'security = "plain"\nfrom = "Paper Radar <radar@example.org>"\nto = ["team@example.org"]\n'
            "timeout_seconds = 3\n")


def webhook_channel(name: str) -> str:
    return (f'\n[[alerts.channels]]\nname = "{name}"\nkind = "slack_webhook"\n'
            'webhook_url = {env = "RADAR_REL_WEBHOOK"}\ntimeout_seconds = 3\n')


def alerts_config(folder: Path, channels: str, routes: list[str], head: str = "", max_per_run: int = 3) -> Path:
    config = folder / "radar.toml"
    config.write_text(f'database = "{folder / "radar.duckdb"}"\nlock_wait_seconds = 10\n\n[alerts]\nmax_attempts = 3\n'
                      f"{head}\n{channels}\n" + RULE.format(routes=", ".join(f'"{r}"' for r in routes),
                                                                   max_per_run=max_per_run),
                      encoding="utf-8")
    return config


def ledger(db: Path, channel: str) -> Counter:
    return Counter(rows(db, "SELECT alert_key, status FROM alerts WHERE channel = ?", [channel]))


def delivery_reference(folder: Path, demo_db: Path, good: str) -> Counter:
    """The good channel's ledger after a clean `radar alerts send` to it alone (`good`: "slack" or "email")."""
    with ExitStack() as stack:
        channels = good_channel(stack, good)
        shutil.copy(demo_db, folder / "radar.duckdb")
        config = alerts_config(folder, channels, ["good"])
        ran = run_radar(["alerts", "send", "--config", str(config)], cwd=folder, env=SECRET_ENV)
    assert ran.exit == 0 and not ran.traceback, ran.output
    found = ledger(folder / "radar.duckdb", "good")
    assert found and all(status == "sent" for _, status in found), found
    return found


def good_channel(stack: ExitStack, good: str) -> str:
    if good == "slack":
        slack = FakeSlack(stack.enter_context(LocalServer()))
        return slack_channel("good", slack, "C0GOOD")
    return email_channel("good", stack.enter_context(SmtpServer()).port)


def run_delivery_case(case: Case, folder: Path, data: bytes, demo_db: Path, references, outcome: Outcome,
                      extra_checks: dict) -> None:
    good = "slack" if case.serve.startswith("smtp") else "email"
    env = dict(SECRET_ENV)
    with ExitStack() as stack:
        channels = good_channel(stack, good)
        context: dict = {"folder": folder}
        if case.serve in ("slack-reply", "slack-429"):
            slack = context["slack"] = FakeSlack(stack.enter_context(LocalServer()))
            reply = (FakeSlack.error("ratelimited", 429, {"Retry-After": data.decode().strip()})
                     if case.serve == "slack-429" else
                     Reply(case.options.get("status", 200), data, {"Content-Type": TYPES[".json"]}))
            slack.fail_next("chat.postMessage", *[reply] * 60)
            channels += slack_channel("bad", slack, "C0BAD")
        elif case.serve == "webhook-url":
            hook = context["slack"] = FakeSlack(stack.enter_context(LocalServer()))
            env["RADAR_REL_WEBHOOK"] = data.decode().strip().replace("BASE_URL", hook.server.base_url)
            context["secret"] = env["RADAR_REL_WEBHOOK"]
            channels += webhook_channel("bad")
        elif case.serve.startswith("smtp"):
            if case.serve == "smtp-down":
                port = free_port()
            else:
                smtp = context["smtp"] = stack.enter_context(SmtpServer(refuse=case.serve == "smtp-refuse-rcpt"))
                if case.serve == "smtp-refuse-data":
                    smtp.handler = smtp.controller.handler = servers.RefuseFirstData()
                port = smtp.port
            channels += email_channel("bad", port)
        else:
            raise ValueError(f"{case.name}: unknown serve {case.serve!r}")
        shutil.copy(demo_db, folder / "radar.duckdb")
        config = alerts_config(folder, channels, ["good", "bad"], case.options.get("alerts", ""))
        ran = run_radar(["alerts", "send", "--config", str(config)], cwd=folder, env=env)
        outcome.check_run(ran)
        db = folder / "radar.duckdb"
        outcome.rows_lost += lost(references.get(f"delivery-{good}"), ledger(db, "good"))
        check_bad_channel(case, outcome, ran, db)
        context |= {"db": db, "ran": ran}
        for name in case.checks:
            extra_checks[name](outcome, context)
    outcome.observed = observed_delivery(ran, db, folder)


def check_bad_channel(case: Case, outcome: Outcome, ran, db: Path) -> None:
    statuses = rows(db, "SELECT status, last_error FROM alerts WHERE channel = 'bad'")
    outcome.check(bool(statuses), "no ledger rows for the bad channel")
    outcome.check(not any(s == "sending" for s, _ in statuses), "ledger rows left `sending`")
    sent_allowed = case.options.get("sent_allowed", False)
    outcome.check(sent_allowed or not any(s == "sent" for s, _ in statuses), "rows marked sent on the bad channel")
    # Rows tried are `failed` with the error; a channel that cannot even be set up (its URL does not
    # parse) leaves its rows `pending`, untouched, for a run after the fix.
    failed = [e for s, e in statuses if s == "failed"]
    outcome.check(bool(failed) or all(s == "pending" for s, _ in statuses),
                  f"the bad channel's rows: {sorted({s for s, _ in statuses})}")
    for error in failed[:1]:
        outcome.check_words(error, ["bad", *case.error], "the failed row's last_error")
    line = next((e for e in summary_entries(ran.stderr, "failed:") if " bad" in e), "")
    outcome.check_words(line, ["bad", *case.error], "the run's failed line for the bad channel")


def observed_delivery(ran, db: Path, folder: Path) -> str:
    counts = rows(db, "SELECT channel, status, count(*) FROM alerts GROUP BY ALL ORDER BY ALL")
    ledger_text = ", ".join(f"{c} {s} {n}" for c, s, n in counts)
    errors = [line for line in ran.stderr.splitlines() if line.startswith("failed:")]
    return normalise(f"exit {ran.exit}; ledger: {ledger_text}" + (f"; {errors[0]}" if errors else ""), folder)[:300]


def hostile_reference(folder: Path) -> Counter:
    """The good feed's ledger rows (both channels) after a clean poll and send of it alone."""
    outcome = Outcome(Case("reference", "", "", "poll+alerts", "feed", 0), rss_limit=2**40)
    _poll_and_send(folder, None, outcome, {})
    assert not outcome.problems, outcome.problems
    return outcome.rows_found


def _poll_and_send(folder: Path, data: bytes | None, outcome: Outcome, context: dict) -> None:
    with ExitStack() as stack:
        server = stack.enter_context(LocalServer())
        slack = context["slack"] = FakeSlack(server)
        smtp = context["smtp"] = stack.enter_context(SmtpServer())
        sources = [good_source(server)]
        if data is not None:
            server.route("/bad.xml", data, headers={"Content-Type": TYPES[".xml"]})
            sources.append({"name": "bad", "kind": "feed", "url": server.url("/bad.xml")})
        config = alerts_config(folder, slack_channel("slack", slack, "C0SLACK") + email_channel("mail", smtp.port),
                               ["slack", "mail"], "alert_first_poll = true\nfold_after = 20", max_per_run=20)
        fetch_and_sources = config_text(folder, sources).split("\n", 2)[2]  # without its database lines
        config.write_text(config.read_text(encoding="utf-8") + fetch_and_sources, encoding="utf-8")
        polled = run_radar(["poll", "--config", str(config)], cwd=folder)
        outcome.check_run(polled, expected_exit=0)
        sent = run_radar(["alerts", "send", "--config", str(config)], cwd=folder, env=SECRET_ENV)
        outcome.check_run(sent, expected_exit=0)
        db = folder / "radar.duckdb"
        good_papers = {r[0] for r in rows(db, "SELECT arxiv_id FROM mentions WHERE source = 'good'")}
        outcome.rows_found = Counter(r for r in rows(db, "SELECT channel, alert_key, arxiv_id, status FROM alerts")
                                     if r[2] in good_papers)
        context |= {"db": db, "ran": sent, "posts": list(slack.posts), "emails": list(smtp.handler.messages),
                    "envelopes": list(smtp.handler.envelopes), "folder": folder}


def run_hostile_feed_case(case: Case, folder: Path, data: bytes, references, outcome: Outcome,
                          extra_checks: dict) -> None:
    context: dict = {}
    _poll_and_send(folder, data, outcome, context)
    outcome.rows_lost += lost(references.get("hostile-feed"), outcome.rows_found)
    db = context["db"]
    bad_rows = rows(db, "SELECT a.status FROM alerts a WHERE a.arxiv_id IN "
                        "(SELECT arxiv_id FROM mentions WHERE source = 'bad')")
    outcome.check(len(bad_rows) > 0 and all(s == "sent" for (s,) in bad_rows),
                  f"the hostile feed's papers were not all delivered: {bad_rows}")
    for name in case.checks:
        extra_checks[name](outcome, context)
    outcome.observed = observed_delivery(context["ran"], db, folder) + f"; {len(context['posts'])} Slack posts, " \
        f"{len(context['emails'])} emails"


def parsed_emails(context: dict) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m, policy=policy.default) for m in context["emails"]]


def block_texts(post: dict, kind: str) -> list[str]:
    """The texts of every `kind` ("mrkdwn", "plain_text") text object in a Slack post's blocks."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == kind:
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(post.get("blocks") or [])
    return found


def mrkdwn_texts(post: dict) -> list[str]:
    """Every text of a Slack post that Slack reads as mrkdwn: the fallback `text`, and mrkdwn objects."""
    return [post.get("text", ""), *block_texts(post, "mrkdwn")]


def plain_texts(post: dict) -> list[str]:
    return block_texts(post, "plain_text")

