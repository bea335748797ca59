"""A real HTTP server on 127.0.0.1 for tests: feeds, pages, arXiv and Slack fakes all use it.

Started per test by the `http_server` fixture (tests/conftest.py) on a free port, served from a
daemon thread, stopped at teardown. Tests register what each path answers, then assert on what the
client sent (`server.requests`). It never contacts anything itself.

    server.route("/feed.xml", body, headers={"Content-Type": "application/rss+xml"}, etag='"v1"')
    server.redirect("/old", "/feed.xml")
    server.route("/slow", b"late", delay=2.0)
    big = server.stream("/big", 50 * MB)                  # chunked, no Content-Length
    server.handle("/api/query", lambda request: Reply(body=b"..."))
    server.raw("/reset", lambda handler, request: ...)   # writes to (or resets) the socket itself
    fetch(server.url("/feed.xml"))
    assert server.requests[-1].headers["if-none-match"] == '"v1"'

Routes match the path without its query string; re-registering a path replaces its route.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Request:
    """A request as the server received it; `path` keeps the query string, header keys are lowercase."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    """What a dynamic route (`LocalServer.handle`) answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Streamed:
    """Progress of one streamed route: payload bytes the server managed to hand to the socket."""

    total: int
    sent: int = 0
    finished: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait until the server stopped writing (finished, or the client hung up)."""
        return self.finished.wait(timeout)


Route = Callable[["_Handler", Request], None]


class LocalServer:
    """An HTTP/1.1 server on 127.0.0.1:<free port>; use as a context manager or start()/stop()."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.errors: list[BaseException] = []

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[Request]:
        """Requests whose path (query string ignored) is `path`."""
        return [request for request in self.requests if urlsplit(request.path).path == path]

    def route(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """A fixed answer. With `etag`/`last_modified` it answers 304 to a matching conditional GET.

        `delay` seconds pass before anything is sent (cut short when the server stops).
        """
        validators = {"ETag": etag, "Last-Modified": last_modified}
        all_headers = {**(headers or {}), **{k: v for k, v in validators.items() if v is not None}}

        def answer(handler: _Handler, request: Request) -> None:
            if delay:
                self._stopping.wait(delay)
            if status == 200 and _is_fresh(request.headers, etag, last_modified):
                handler.send_all(304, b"", {k: v for k, v in validators.items() if v is not None})
            else:
                handler.send_all(status, body, all_headers)

        self._routes[path] = answer

    def redirect(self, path: str, to: str, *, status: int = 302) -> None:
        """Redirect `path` to `to` (a path on this server or a full URL)."""
        self._routes[path] = lambda handler, request: handler.send_all(status, b"", {"Location": to})

    def handle(self, path: str, fn: Callable[[Request], Reply]) -> None:
        """A dynamic route: `fn` gets each request (with its body) and returns the reply."""

        def answer(handler: _Handler, request: Request) -> None:
            reply = fn(request)
            handler.send_all(reply.status, reply.body, reply.headers)

        self._routes[path] = answer

    def raw(self, path: str, fn: Route) -> None:
        """A route that answers through the handler itself (`handler.wfile`, `handler.connection`): for
        misbehaving servers (a trickle, a connection reset). Broken pipes and resets are not errors."""
        self._routes[path] = fn

    @property
    def stopping(self) -> threading.Event:
        """Set when the server stops: a raw route that waits should wait on it."""
        return self._stopping

    def stream(
        self, path: str, size: int, *, content_length: int | None = None, content_type: str = "application/xml"
    ) -> Streamed:
        """Send `size` filler bytes in 64 KiB writes, then close the connection.

        Without `content_length` the body is chunked (no Content-Length); with it, that number is
        sent as Content-Length whatever `size` is, so a test can make it lie either way.
        """
        progress = Streamed(total=size)

        def answer(handler: _Handler, request: Request) -> None:
            try:
                handler.send_streamed(size, content_length, content_type, progress)
            finally:
                progress.finished.set()

        self._routes[path] = answer
        return progress

    def _dispatch(self, handler: _Handler) -> None:
        request = handler.read_request()
        with self._lock:
            self._requests.append(request)
        answer = self._routes.get(urlsplit(request.path).path)
        if answer is None:
            handler.send_all(404, f"no route for {request.path}\n".encode(), {"Content-Type": "text/plain"})
            return
        try:
            answer(handler, request)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a client opening more connections at once (the poll fetches
    # `[fetch] concurrency` sources in parallel) saw some SYNs dropped and retried by the kernel a second later
    request_queue_size = 128
    block_on_close = False
    owner: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        # Keep handler failures visible to the test (server.errors) instead of printing tracebacks.
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, (BrokenPipeError, ConnectionResetError)):
            self.owner.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._dispatch(self)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default access log on stderr."""

    def read_request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        return Request(method=self.command, path=self.path, headers=headers, body=body)

    def send_all(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if status != 304 and not any(key.lower() == "content-length" for key in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)

    def send_streamed(self, size: int, content_length: int | None, content_type: str, progress: Streamed) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        if content_length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(content_length))
        self.end_headers()
        filler = b"x" * _CHUNK
        while progress.sent < size:
            piece = filler[: size - progress.sent]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if content_length is None else piece)
            progress.sent += len(piece)
        if content_length is None:
            self.wfile.write(b"0\r\n\r\n")


def _is_fresh(headers: dict[str, str], etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins; otherwise If-Modified-Since >= Last-Modified."""
    if "if-none-match" in headers:
        tags = [tag.strip() for tag in headers["if-none-match"].split(",")]
        return etag is not None and ("*" in tags or _weak(etag) in map(_weak, tags))
    if "if-modified-since" in headers and last_modified is not None:
        try:
            return parsedate_to_datetime(headers["if-modified-since"]) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


def _weak(tag: str) -> str:
    return tag.removeprefix("W/")
