"""Kill-and-rerun: a delivery process SIGKILLed after the send and before the ledger update, then a
rerun. The README's promise: with a Slack bot token the paper is posted once (found in the channel
history by its metadata); webhooks and email are sent again, marked as a possible duplicate."""

from __future__ import annotations

import email
import signal
import subprocess
import sys
from email import policy
from pathlib import Path

from typer.testing import CliRunner

from flows.pipeline.delivery import deliver
from radar.cli import app
from tests.alerts.conftest import RULES, channels_toml, settings_for, write_config
from tests.alerts.test_delivery import ledger
from tests.storage.sample import SWE

ROOT = Path(__file__).resolve().parents[2]

# Runs `radar alerts send` with the ledger's "sent" write replaced by SIGKILL: the process dies in
# the window between a successful send and its commit, as a crash or an OOM kill would.
KILLED_AFTER_SEND = """
import os, signal, sys
import flows.pipeline.delivery
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
flows.pipeline.delivery.mark_sent = die
from radar.cli import app
app(["alerts", "send", "--config", sys.argv[1]])
"""


def killed_run(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLED_AFTER_SEND, str(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_killed_after_send_then_rerun_posts_to_slack_once(tmp_path, db, slack):
    config = write_config(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    proc = killed_run(config)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert len(slack.posts) == 1 and ledger(db)[("research", SWE)][:2] == ("sending", 1)

    report = deliver(settings_for(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]')))
    assert not report.failed and report.results[0].recovered == 1
    assert len(slack.posts) == 1, "posted twice"
    assert "conversations.history" in slack.calls
    status, attempts, ts, duplicate = ledger(db)[("research", SWE)][:4]
    assert (status, attempts, ts, duplicate) == ("sent", 1, slack.posts[0]["ts"], False)


def test_killed_after_send_then_rerun_resends_webhook_and_email_marked_as_possible_duplicates(
        tmp_path, db, slack, smtp):
    body = channels_toml(slack, smtp.port) + RULES.format(routes='["hook", "mail"]')
    config = write_config(tmp_path, db, body)
    assert killed_run(config).returncode == -signal.SIGKILL
    # It died after the first channel's send: that row is 'sending', the other still 'pending'.
    statuses = {k[0]: v[0] for k, v in ledger(db).items()}
    assert sorted(statuses.values()) == ["pending", "sending"]
    crashed = next(channel for channel, status in statuses.items() if status == "sending")

    report = deliver(settings_for(tmp_path, db, body))
    assert not report.failed
    rows = ledger(db)
    assert {k[0]: v[0] for k, v in rows.items()} == {"hook": "sent", "mail": "sent"}
    assert rows[(crashed, SWE)][3] is True  # possible_duplicate
    assert rows[({"hook", "mail"} - {crashed}).pop(), SWE][3] is False
    if crashed == "hook":
        assert len(slack.webhook_posts) == 2
        assert slack.webhook_posts[1]["text"].startswith("[possible duplicate")
    else:
        assert len(smtp.handler.messages) == 2
        resent = email.message_from_bytes(smtp.handler.messages[1], policy=policy.default)
        assert resent["Subject"].startswith("[possible duplicate] ")
        assert resent["X-Paper-Radar-Possible-Duplicate"] == "yes"


def test_cli_send_twice_sends_nothing_the_second_time(tmp_path, db, slack, smtp):
    config = write_config(tmp_path, db, channels_toml(slack, smtp.port)
                          + RULES.format(routes='["research", "hook", "mail"]'))
    runner = CliRunner()
    dry = runner.invoke(app, ["alerts", "send", "--dry-run", "--config", str(config)])
    assert dry.exit_code == 0, dry.output
    assert "research" in dry.output and slack.posts == [] and ledger(db) == {}

    first = runner.invoke(app, ["alerts", "send", "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert len(slack.posts) == 1 and len(slack.webhook_posts) == 1 and len(smtp.handler.messages) == 1
    second = runner.invoke(app, ["alerts", "send", "--config", str(config)])
    assert second.exit_code == 0, second.output
    assert "Nothing to send." in second.output
    assert len(slack.posts) == 1 and len(slack.webhook_posts) == 1 and len(smtp.handler.messages) == 1


def test_cli_preview_renders_and_writes_the_email_html(tmp_path, db, slack):
    config = write_config(tmp_path, db, channels_toml(slack) + RULES.format(routes='["research"]'))
    html = tmp_path / "preview.html"
    result = CliRunner().invoke(app, ["alerts", "preview", "--rule", "swe-agents", "--html", str(html),
                                      "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "SWE-bench" in result.output and "<html" in html.read_text(encoding="utf-8")
    assert slack.posts == [] and ledger(db) == {}
    bad = CliRunner().invoke(app, ["alerts", "preview", "--rule", "nope", "--config", str(config)])
    assert bad.exit_code == 2 and "no rule named 'nope'" in bad.output
