"""A channel's sender: Slack with a bot token, a Slack incoming webhook, or SMTP.

The caller reads the channel's secret (`channel_secret` says which one it needs) once per run and
passes its value in: senders never read the environment or Prefect blocks themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol, runtime_checkable

from alerts.render_slack import SlackMessage
from alerts.send_email import EmailSender
from alerts.send_slack import (
    Posted,
    SlackBotSender,
    SlackWebhookSender,
    check_webhook_url,
    make_web_client,
    make_webhook_client,
)
from config.alerts import ChannelConfig, SecretRef


class Sender(Protocol):
    def send(self, message: SlackMessage | EmailMessage) -> str | None: ...


@runtime_checkable
class HistorySender(Protocol):
    """A sender that can tell which messages the channel and its threads already have (Slack, bot token)."""

    def send(self, message: SlackMessage | EmailMessage) -> str | None: ...

    def find_posted(self, keys: Sequence[str], since: datetime) -> Posted: ...

    def find_replies(self, thread_ts: str, keys: Sequence[str]) -> dict[str, str]: ...


def channel_secret(channel: ChannelConfig) -> SecretRef | None:
    """The secret a channel's sender needs: the bot token, the webhook URL, or the SMTP password (optional)."""
    return {"slack": channel.token, "slack_webhook": channel.webhook_url, "email": channel.password}[channel.kind]


def make_sender(channel: ChannelConfig, secret: str | None, *, history_limit: int = 200) -> Sender:
    """The sender for a channel, given the value of its `channel_secret`; DeliveryError for a webhook URL
    that is no URL (the channel then fails alone, before any ledger row is claimed)."""
    if channel.kind == "slack":
        client = make_web_client(secret or "", base_url=channel.slack_base_url, timeout=channel.timeout_seconds)
        return SlackBotSender(client, channel.name, channel.slack_channel, history_limit=history_limit)
    if channel.kind == "slack_webhook":
        where = channel.webhook_url.describe() if channel.webhook_url else "the config"
        check_webhook_url(secret or "", channel=channel.name, where=f"channel {channel.name}'s {where}")
        return SlackWebhookSender(make_webhook_client(secret or "", timeout=channel.timeout_seconds), channel.name)
    return EmailSender(channel, secret)
