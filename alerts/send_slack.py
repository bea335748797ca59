"""Sending to Slack: a bot token with `chat.postMessage`, or an incoming webhook.

Clients retry what is worth retrying (a refused connection, 429 after its Retry-After, 500/503)
through slack_sdk's retry handlers; what is left is mapped to `DeliveryError`. `invalid_auth`,
`channel_not_found`, `not_in_channel` and their kin are not retryable: the route fails at once.

With a bot token, each message carries its ledger keys as message metadata (a thread's parent, the
keys it lists for its thread). After a crash between the send and the ledger update,
`SlackBotSender.find_posted` reads the channel's recent history (`conversations.history` with
`include_all_metadata`; it holds top-level messages only) and `find_replies` a thread's replies
(`conversations.replies`), so nothing is posted twice. Incoming webhooks cannot read history, nor
reply in a thread: they are at-least-once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.error import URLError
from urllib.parse import quote, unquote, urlsplit

from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from alerts.errors import DeliveryError
from alerts.render_slack import SlackMessage
from config.faults import fault_point

METADATA_EVENT = "paper_radar_alert"
#: Errors no retry can fix; the route fails for this run.
FATAL_ERRORS = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission",
    "missing_scope", "channel_not_found", "not_in_channel", "is_archived", "restricted_action",
    "invalid_blocks", "msg_blocks_too_long", "invalid_token", "no_service", "channel_is_archived",
    "no_active_hooks", "action_prohibited", "posting_to_general_channel_denied", "team_disabled",
})


#: slack_sdk logs request headers (the token) and webhook URLs at DEBUG: its logger never goes below INFO.
SDK_LOG = logging.getLogger("alerts.slack_sdk")
SDK_LOG.setLevel(logging.INFO)


#: The longest Retry-After a send waits for; past it the 429 is the send's error, and a later run retries.
MAX_RETRY_AFTER_SECONDS = 30


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler sleeps for whatever Retry-After says (an hour, if Slack or a proxy says so),
    holding the run and every channel after it: retry only when the wait is at most `max_wait` seconds."""

    def __init__(self, *, max_retry_count: int, max_wait: float = MAX_RETRY_AFTER_SECONDS) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None  # the base class retries only a response with status 429
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:
            wait = float(values[0] if isinstance(values, list) else values) if values else 1.0
        except ValueError:
            return False
        return wait <= self.max_wait


def retry_handlers() -> list:
    return [ConnectionErrorRetryHandler(max_retry_count=1), CappedRateLimitRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2)]


def make_web_client(token: str, *, base_url: str | None = None, timeout: float = 20.0) -> WebClient:
    kwargs = {"base_url": base_url} if base_url else {}
    return WebClient(token=token, timeout=int(max(timeout, 1)), retry_handlers=retry_handlers(), logger=SDK_LOG,
                     **kwargs)


def make_webhook_client(url: str, *, timeout: float = 20.0) -> WebhookClient:
    return WebhookClient(url, timeout=int(max(timeout, 1)), retry_handlers=retry_handlers(), logger=SDK_LOG)


def check_webhook_url(url: str, *, channel: str, where: str) -> None:
    """DeliveryError (not retryable) unless `url` is an absolute http(s) URL with a host, before anything is
    claimed or sent: urllib raises a bare ValueError deep inside slack_sdk for `http://[::1`. The message
    names the channel and where the URL came from (`where`), never the URL: it is the secret."""
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a port that is not a number
    except ValueError:
        problem = "it cannot be parsed as a URL"
    else:
        problem = ("its scheme is not http or https" if parts.scheme.lower() not in ("http", "https")
                   else "it names no host" if not host else None)
    if problem:
        raise DeliveryError(f"slack webhook {channel}: the webhook_url from {where} is not a valid webhook URL "
                            f"({problem})", retryable=False)


class SlackBotSender:
    """`chat.postMessage` to one Slack channel; `name` is the channel's name in radar.toml."""

    def __init__(self, client: WebClient, name: str, slack_channel: str, *, history_limit: int = 200) -> None:
        self.client, self.name, self.slack_channel, self.history_limit = client, name, slack_channel, history_limit

    def send(self, message: SlackMessage) -> str:
        payload = {"keys": list(message.keys)} | ({"listed": list(message.listed)} if message.listed else {})
        try:
            response = self.client.chat_postMessage(
                channel=self.slack_channel, text=message.text, blocks=list(message.blocks),
                unfurl_links=False, unfurl_media=False, thread_ts=message.thread_ts,
                metadata={"event_type": METADATA_EVENT, "event_payload": payload},
            )
        except SlackApiError as e:
            raise _api_error(self.name, "chat.postMessage", e) from None
        except (SlackClientError, URLError, OSError) as e:
            raise DeliveryError(f"slack channel {self.name}: chat.postMessage failed: {type(e).__name__}: {e}",
                                retryable=True) from None
        fault_point("slack.after_post")
        return str(response.get("ts"))

    def find_posted(self, keys: Sequence[str], since: datetime) -> Posted:
        """The channel's messages (since `since`) that deliver or list any of `keys`."""
        wanted, posted = set(keys), Posted({}, {})
        for message in self._read("conversations.history", lambda: self.client.conversations_history(
                channel=self.slack_channel, oldest=f"{since.timestamp() - 120:.6f}", limit=self.history_limit,
                include_all_metadata=True)):
            payload = _payload(message)
            for key in set(payload.get("keys") or []) & wanted:
                posted.sent.setdefault(key, str(message.get("ts")))
            for key in set(payload.get("listed") or []) & wanted:
                posted.listed.setdefault(key, str(message.get("ts")))
        return posted

    def find_replies(self, thread_ts: str, keys: Sequence[str]) -> dict[str, str]:
        """{key: ts} for the replies in the thread `thread_ts` that deliver any of `keys`."""
        found: dict[str, str] = {}
        for message in self._read("conversations.replies", lambda: self.client.conversations_replies(
                channel=self.slack_channel, ts=thread_ts, limit=self.history_limit, include_all_metadata=True)):
            if str(message.get("ts")) == thread_ts:
                continue  # the parent itself
            for key in set(_payload(message).get("keys") or []) & set(keys):
                found.setdefault(key, str(message.get("ts")))
        return found

    def _read(self, method: str, call) -> list[dict]:
        try:
            response = call()
        except SlackApiError as e:
            raise _api_error(self.name, method, e) from None
        except (SlackClientError, URLError, OSError) as e:
            raise DeliveryError(f"slack channel {self.name}: {method} failed: {e}", retryable=True) from None
        return list(response.get("messages") or [])


@dataclass(frozen=True)
class Posted:
    """What a channel's history shows: keys a message delivered ({key: ts}), keys a parent listed
    ({key: the parent's ts})."""

    sent: dict[str, str]
    listed: dict[str, str]


def _payload(message: dict) -> dict:
    metadata = message.get("metadata") or {}
    return (metadata.get("event_payload") or {}) if metadata.get("event_type") == METADATA_EVENT else {}


class SlackWebhookSender:
    """An incoming webhook: posts into the channel it was made for; no history, no message id."""

    def __init__(self, client: WebhookClient, name: str) -> None:
        self.client, self.name = client, name

    def send(self, message: SlackMessage) -> str | None:
        try:
            response = self.client.send_dict(message.payload())
        except ValueError as e:  # urllib refusing the URL: nothing was sent
            raise DeliveryError(f"slack webhook {self.name}: the webhook URL is not valid ({type(e).__name__})",
                                retryable=False) from None
        except (SlackClientError, URLError, OSError) as e:
            # The exception text can contain the URL, which is the secret: name the type only.
            raise DeliveryError(f"slack webhook {self.name}: request failed ({type(e).__name__})",
                                retryable=True) from None
        fault_point("webhook.after_post")
        if response.status_code == 200 and (response.body or "").strip() == "ok":
            return None
        body = (response.body or "").strip()
        error = _without_url(body, self.client.url)[:200] or "no error given"
        raise DeliveryError(f"slack webhook {self.name}: HTTP {response.status_code}: {error}",
                            retryable=body not in FATAL_ERRORS and response.status_code not in (401, 403, 404))


def _without_url(text: str, url: str) -> str:
    """`text` with the webhook URL, its path and its secret last part (also URL-encoded or decoded) cut
    out: an error page may echo the request ("Not Found: /services/T.../B.../XXXX"), and the URL is the
    secret."""
    path = urlsplit(url).path
    pieces = {url, path, path.rstrip("/").rsplit("/", 1)[-1]}
    for piece in sorted({p for q in pieces for p in (q, quote(q), quote(q, safe=""), unquote(q))} - {"", "/"}, key=len,
                        reverse=True):
        text = text.replace(piece, "<webhook URL>")
    return text


def _api_error(name: str, method: str, e: SlackApiError) -> DeliveryError:
    response = e.response
    status = getattr(response, "status_code", None)
    data = response.data if response is not None and isinstance(response.data, dict) else {}
    error = data.get("error")
    if not error:
        error = "rate limited (429) after retries" if status == 429 else (
            f"HTTP {status}: ok=false without an error field" if status == 200 else f"HTTP {status}")
    return DeliveryError(f"slack channel {name}: {method} failed: {error}", retryable=error not in FATAL_ERRORS)
