"""Fakes on real sockets: a Slack Web API + incoming webhook (on tests/httpserver.LocalServer) and
SMTP servers (aiosmtpd) that record, refuse recipients, or are down.

The Slack fake checks what Slack checks (at most 50 blocks, ~13k characters of blocks, 3,000 per
section text, a `text` fallback) and answers like Slack: JSON with `ok`, HTTP 429 with Retry-After.
Threads work as in Slack: `chat.postMessage` with `thread_ts` replies to an existing message of the
channel (else `thread_not_found`), `conversations.history` lists top-level messages only and
`conversations.replies` a thread (its parent first). Scripted failures are queued per method with
`fail_next`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.httpserver import LocalServer, Reply, Request

TOKEN = "xoxb-test-token-not-a-secret"
WEBHOOK_PATH = "/services/T000/B000/XXXXSECRET"


@dataclass
class FakeSlack:
    server: LocalServer
    posts: list[dict] = field(default_factory=list)  # chat.postMessage bodies, as received
    webhook_posts: list[dict] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    _queued: dict[str, list[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.handle("/api/chat.postMessage", self._post)
        self.server.handle("/api/conversations.history", self._history)
        self.server.handle("/api/conversations.replies", self._replies)
        self.server.handle(WEBHOOK_PATH, self._webhook)

    @property
    def api_url(self) -> str:
        return self.server.url("/api/")

    @property
    def webhook_url(self) -> str:
        return self.server.url(WEBHOOK_PATH)

    def fail_next(self, method: str, *replies: Reply) -> None:
        self._queued.setdefault(method, []).extend(replies)

    @staticmethod
    def error(error: str | None, status: int = 200, headers: dict | None = None) -> Reply:
        body = {"ok": False, **({"error": error} if error else {})}
        return Reply(status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _scripted(self, method: str) -> Reply | None:
        with self._lock:
            self.calls.append(method)
            queue = self._queued.get(method)
            return queue.pop(0) if queue else None

    def _check(self, body: dict) -> str | None:
        blocks = body.get("blocks") or []
        if not body.get("text"):
            self.violations.append("no text fallback")
        if len(blocks) > 50:
            return "invalid_blocks"
        if len(json.dumps(blocks, ensure_ascii=False)) > 13_000:
            return "msg_blocks_too_long"
        for b in blocks:
            texts = [b.get("text") or {}] + list(b.get("fields") or []) + list(b.get("elements") or [])
            if any(len(t.get("text", "")) > 3000 for t in texts if isinstance(t, dict)):
                return "invalid_blocks"
            if b["type"] == "header" and len(b["text"]["text"]) > 150:
                return "invalid_blocks"
        if body.get("unfurl_links") is not False or body.get("unfurl_media") is not False:
            self.violations.append("unfurl not off")
        return None

    def _post(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return self.error("invalid_auth")
        scripted = self._scripted("chat.postMessage")
        if scripted is not None:
            return scripted
        body = json.loads(request.body)
        problem = self._check(body)
        if problem:
            self.violations.append(problem)
            return self.error(problem)
        with self._lock:
            parent = body.get("thread_ts")
            if parent and not any(p["ts"] == parent and p["channel"] == body["channel"] for p in self.posts):
                return self.error("thread_not_found")
            ts = f"1764320000.{len(self.posts) + 1:06d}"
            self.posts.append({**body, "ts": ts})
        return Reply(200, json.dumps({"ok": True, "channel": body["channel"], "ts": ts}).encode(),
                     {"Content-Type": "application/json"})

    def thread(self, parent_ts: str) -> list[dict]:
        """The replies posted in the thread of `parent_ts`, in order."""
        return [p for p in self.posts if p.get("thread_ts") == parent_ts]

    @property
    def top_level(self) -> list[dict]:
        return [p for p in self.posts if not p.get("thread_ts")]

    @staticmethod
    def _query(request: Request) -> dict[str, str]:
        # slack_sdk sends a GET's arguments form-encoded in the body; accept the query string too.
        query = {**parse_qs(urlsplit(request.path).query), **parse_qs(request.body.decode())}
        return {k: v[0] for k, v in query.items()}

    @staticmethod
    def _listed(posts: list[dict], query: dict[str, str]) -> Reply:
        include = query.get("include_all_metadata", "false") in ("1", "true", "True")
        messages = [
            {"type": "message", "ts": p["ts"], "text": p["text"],
             **({"thread_ts": p["thread_ts"]} if p.get("thread_ts") else {}),
             **({"metadata": p["metadata"]} if include and "metadata" in p else {})}
            for p in posts
        ]
        return Reply(200, json.dumps({"ok": True, "messages": messages, "has_more": False}).encode(),
                     {"Content-Type": "application/json"})

    def _history(self, request: Request) -> Reply:
        scripted = self._scripted("conversations.history")
        if scripted is not None:
            return scripted
        query = self._query(request)
        return self._listed([p for p in reversed(self.top_level) if p["channel"] == query.get("channel")], query)

    def _replies(self, request: Request) -> Reply:
        scripted = self._scripted("conversations.replies")
        if scripted is not None:
            return scripted
        query = self._query(request)
        parent = [p for p in self.posts if p["ts"] == query.get("ts") and p["channel"] == query.get("channel")]
        if not parent:
            return self.error("thread_not_found")
        return self._listed(parent + self.thread(parent[0]["ts"]), query)

    def _webhook(self, request: Request) -> Reply:
        scripted = self._scripted("webhook")
        if scripted is not None:
            return scripted
        body = json.loads(request.body)
        problem = self._check(body)
        if problem:
            return Reply(400, problem.encode())
        with self._lock:
            self.webhook_posts.append(body)
        return Reply(200, b"ok", {"Content-Type": "text/plain"})


class Recorder:
    """aiosmtpd handler: keeps every message; with `refuse`, refuses every recipient (550)."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd API)
        if self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append(envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1:<free port> in this process: plain, STARTTLS (required) or SSL."""

    def __init__(self, refuse: bool = False, *, tls: ssl.SSLContext | None = None, implicit_tls: bool = False) -> None:
        self.handler = Recorder(refuse)
        self.port = free_port()
        self.logins: list[tuple[bytes, bytes]] = []
        kwargs: dict = {}
        if tls is not None:
            kwargs = {"ssl_context": tls} if implicit_tls else {"tls_context": tls, "require_starttls": True}
            # The password "hunter2" is accepted; auth over implicit TLS is TLS too (aiosmtpd cannot tell).
            kwargs |= {"authenticator": self._login, "auth_require_tls": not implicit_tls}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def _login(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"hunter2")

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def slack_channel_toml(slack: FakeSlack, token_env: str) -> str:
    """Config for the bot-token Slack channel "research" on the fake server."""
    return f"""
[[alerts.channels]]
name = "research"
kind = "slack"
slack_channel = "C0RESEARCH"
token = {{env = "{token_env}"}}
slack_base_url = "{slack.api_url}"
timeout_seconds = 5
"""


def everything_to_slack(slack: FakeSlack, token_env: str) -> str:
    """That channel, and one rule that routes every newsletter paper to it."""
    return slack_channel_toml(slack, token_env) + """
[[alerts.rules]]
name = "everything"
min_sources = 1
routes = ["research"]
"""


def free_port() -> int:
    """A port nothing listens on (bound then released): also what a 'down' server looks like."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder) -> tuple[ssl.SSLContext, str]:
    """A server TLS context for 127.0.0.1 with a fresh self-signed certificate, and that certificate's path."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, str(cert_path)
