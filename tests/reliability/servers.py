"""Misbehaving servers for the bad-input corpus, all on real sockets on 127.0.0.1.

HTTP routes on tests/httpserver.LocalServer: a trickle (one byte a second), a connection reset (a
real TCP RST: SO_LINGER with a zero timeout, then close), a redirect loop. An arXiv API (on
tests/arxiv_api.FakeArxiv) whose one bad query answers badly while the others answer normally. An
SMTP handler (aiosmtpd) that refuses the first message at DATA with a 550.
"""

from __future__ import annotations

import socket
import struct

from tests.alerts.fakes import Recorder
from tests.arxiv_api import ATOM, FIXTURES, FakeArxiv, render_feed
from tests.httpserver import LocalServer, Reply, Request


def reset(server: LocalServer, path: str, *, after: bytes = b"") -> None:
    """Read the request, send `after` (nothing, or headers and part of a body), then reset the connection."""

    def answer(handler, request: Request) -> None:
        if after:
            handler.wfile.write(after)
        handler.rfile.close()  # its reference would keep the socket open past close()
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # with a zero linger: RST, not FIN
        handler.close_connection = True

    server.raw(path, answer)


def trickle(server: LocalServer, path: str, body: bytes, *, per_second: int = 1, content_type: str) -> None:
    """Honest headers, then the body `per_second` bytes a second until the client hangs up (or 10 minutes)."""

    def answer(handler, request: Request) -> None:
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for start in range(0, min(len(body), 600 * per_second), per_second):
            handler.wfile.write(body[start:start + per_second])
            if server.stopping.wait(1.0):
                return

    server.raw(path, answer)


def redirect_loop(server: LocalServer, a: str, b: str) -> None:
    server.redirect(a, b)
    server.redirect(b, a)


class BadQueryArxiv(FakeArxiv):
    """The fake arXiv API, except that a request whose query contains `marker` gets the `behaviour`'s
    reply (for `empty_page`, only its pages after the first)."""

    def __init__(self, server: LocalServer, marker: str, behaviour: str) -> None:
        super().__init__(server)
        self.marker, self.behaviour = marker, behaviour
        self.bad_requests = 0

    def answer(self, request: Request) -> Reply:
        first_page = "start=0&" in request.path or request.path.endswith("start=0")
        if self.marker not in request.path or (self.behaviour == "empty_page" and first_page):
            return super().answer(request)
        self.bad_requests += 1
        return bad_arxiv_reply(self.behaviour, request)


def bad_arxiv_reply(behaviour: str, request: Request) -> Reply:
    if behaviour == "error_entry":  # what arXiv answers to a malformed query: HTTP 400 and its error feed
        body = (FIXTURES / "error_bad_id.atom").read_text(encoding="utf-8").replace("BADID", "cat:bad.XX")
        return Reply(400, body.encode(), ATOM)
    if behaviour == "empty_page":  # a later page empty although the total says more entries exist
        return Reply(200, render_feed([], total=5, start=2), ATOM)
    if behaviour == "too_many_long":
        return FakeArxiv.too_many(retry_after=3600)
    if behaviour == "unavailable":
        return FakeArxiv.unavailable()
    if behaviour == "garbage":
        return Reply(200, b"\x00\xff<feed" * 50, ATOM)
    raise ValueError(f"unknown arXiv behaviour {behaviour!r}")


class RefuseFirstData(Recorder):
    """Accepts every recipient, refuses the first message at DATA (550), accepts the rest."""

    def __init__(self) -> None:
        super().__init__(refuse=False)
        self.refused: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        if not self.refused:
            self.refused.append(envelope.content)
            return "550 5.7.1 message content rejected"
        return await super().handle_DATA(server, session, envelope)
