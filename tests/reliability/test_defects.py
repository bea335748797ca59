"""The twelve defects of issue 14 (1-7, and 8a-8e), one test each, on the real pipeline: real files, a real
HTTP server on 127.0.0.1, a real SMTP server, the CLI in this process. Each test failed on the code as it
was before its fix (main 7c54e40).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from pathlib import Path

import duckdb
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from config.settings import load_settings
from flows.pipeline.delivery import deliver
from flows.pipeline.newsletters import poll_newsletters
from flows.pipeline.runtime import PlainRuntime
from radar.cli import app
from tests.alerts.conftest import RULES, channels_toml
from tests.alerts.conftest import write_config as write_alert_config
from tests.alerts.fakes import TOKEN, FakeSlack, Recorder, SmtpServer, free_port
from tests.httpserver import Reply, Request
from tests.storage.sample import make_sample_db

ROOT = Path(__file__).resolve().parents[2]
DEMO_MAIL = ROOT / "demo" / "mail" / "tensor_tuesday_2025-11-04.eml"
EMAIL = (b"From: news@example.org\r\nSubject: Issue {n}\r\nMessage-ID: <issue-{n}@example.org>\r\n"
         b"Date: Tue, 04 Nov 2025 07:00:00 +0000\r\n\r\nRead https://arxiv.org/abs/2401.0000{n}\r\n")


def email(n: int) -> bytes:
    return EMAIL.replace(b"{n}", str(n).encode())


def write_config(folder: Path, sources: str, *, head: str = "") -> Path:
    config = folder / "radar.toml"
    config.write_text(f'database = "radar.duckdb"\nlock_wait_seconds = 5\n{head}\n{sources}\n', encoding="utf-8")
    return config


def source_toml(name: str, kind: str, *, path: str | None = None, url: str | None = None) -> str:
    where = f'path = "{path}"' if path is not None else f'url = "{url}"'
    return f'\n[[sources]]\nname = "{name}"\nkind = "{kind}"\n{where}\n'


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def poll_cli(config: Path):
    return CliRunner().invoke(app, ["poll", "--config", str(config)], env={"COLUMNS": "200"})


# --- 1: one bad email blocks its folder --------------------------------------------------------------

def test_1_a_bad_email_in_a_folder_is_skipped_and_named_and_the_rest_are_saved(tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    shutil.copy(DEMO_MAIL, mail / "good.eml")
    (mail / "empty.eml").write_bytes(b"")
    config = write_config(tmp_path, source_toml("inbox", "email", path="mail"))

    result = poll_cli(config)
    assert "Rows added: documents 1" in result.stdout, result.stdout + result.stderr
    assert "empty.eml" in result.stderr  # the run summary names the file
    summary = poll_newsletters(load_settings(config), PlainRuntime())  # unchanged folder: nothing new
    assert summary["failures"] == []
    [(error,)] = query(tmp_path / "radar.duckdb", "SELECT last_error FROM source_health WHERE name = 'inbox'")
    assert error is not None and str(mail / "empty.eml") in error

    (mail / "later.eml").write_bytes(email(7))  # the next poll still saves new good files
    summary = poll_newsletters(load_settings(config), PlainRuntime())
    [report] = summary["sources"]
    assert report["new_documents"] == 1 and any("empty.eml" in w for w in report["warnings"])
    assert query(tmp_path / "radar.duckdb", "SELECT count(*) FROM documents") == [(2,)]


# --- 8a: a 2,000-deep multipart email ----------------------------------------------------------------

def deep_multipart(depth: int) -> bytes:
    head = "From: a@example.org\nSubject: deep\nMessage-ID: <deep@example.org>\nMIME-Version: 1.0\n"
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    closing = "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    return (head + opening + "Content-Type: text/plain\n\nhello\n" + closing).encode()


def test_8a_a_2000_deep_multipart_email_is_a_clear_error_naming_the_file(tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    (mail / "deep.eml").write_bytes(deep_multipart(2000))
    (mail / "good.eml").write_bytes(email(1))
    config = write_config(tmp_path, source_toml("inbox", "email", path="mail"))
    result = poll_cli(config)
    assert "RecursionError" not in result.stdout + result.stderr
    assert "deep.eml" in result.stderr and "nest" in result.stderr, result.stderr
    assert query(tmp_path / "radar.duckdb", "SELECT count(*) FROM documents") == [(1,)]


# --- 8b: a truncated feed ----------------------------------------------------------------------------

TRUNCATED_FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title>
<item><title>Whole entry</title><link>https://news.example.org/1</link><guid>entry-1</guid>
<description>About https://arxiv.org/abs/2401.00001 in full.</description></item>
<item><title>Cut-off entry</title><link>https://news.example.org/2</link><guid>entry-2</guid>
<description>This body is cut o"""


def test_8b_a_truncated_feeds_cut_off_entry_is_not_stored_with_an_empty_body(tmp_path):
    (tmp_path / "cut.xml").write_bytes(TRUNCATED_FEED)
    config = write_config(tmp_path, source_toml("cut", "feed", path="cut.xml"))
    summary = poll_newsletters(load_settings(config), PlainRuntime())
    db = tmp_path / "radar.duckdb"
    [(key, body)] = query(db, "SELECT doc_key, body FROM documents")
    assert key.endswith("entry-1") and "in full" in body
    [report] = summary["sources"]
    assert any("cut" in w and "entry-2" in w for w in report["warnings"]), report
    [(error,)] = query(db, "SELECT last_error FROM source_health WHERE name = 'cut'")
    assert "entry-2" in error


# --- 8d: implausible dates ---------------------------------------------------------------------------

def dated_email(n: int, date: str) -> bytes:
    return (f"From: a@example.org\nSubject: Dated {n}\nMessage-ID: <dated-{n}@example.org>\nDate: {date}\n\n"
            f"https://arxiv.org/abs/2401.0000{n}\n").encode()


def test_8d_dates_before_1990_or_more_than_a_day_ahead_are_stored_as_null_with_a_warning(tmp_path, caplog):
    mail = tmp_path / "mail"
    mail.mkdir()
    dates = {1: "Fri, 31 Dec 9999 23:59:59 -1200", 2: "Mon, 01 Jan 2100 00:00:00 +0000",
             3: "Thu, 01 Jan 1970 00:00:00 +0000", 4: "Tue, 04 Nov 2025 07:00:00 +0000"}
    for n, date in dates.items():
        (mail / f"{n}.eml").write_bytes(dated_email(n, date))
    config = write_config(tmp_path, source_toml("dated", "email", path="mail"))
    caplog.set_level("WARNING")
    summary = poll_newsletters(load_settings(config), PlainRuntime())
    assert summary["failures"] == [], summary["failures"]
    rows = dict(query(tmp_path / "radar.duckdb", "SELECT doc_key, published_at FROM documents"))
    assert [rows[f"dated-{n}@example.org"] for n in (1, 2, 3)] == [None, None, None]
    assert rows["dated-4@example.org"] is not None and rows["dated-4@example.org"].year == 2025
    warned = " ".join(summary["sources"][0]["warnings"]) + caplog.text
    assert all(f"dated-{n}@example.org" in warned for n in (1, 2, 3)) and "dated" in warned


# --- 2: the fetch timeout does not bound a fetch -----------------------------------------------------

class Trickle:
    """A server on 127.0.0.1 that sends a byte every `interval` seconds: the headers (when `headers_too`)
    or the body, never finishing; each read of the client's gets data well within its read timeout."""

    def __init__(self, *, headers_too: bool, interval: float = 0.2) -> None:
        self.headers_too, self.interval = headers_too, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/feed.xml"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
        with conn:
            conn.recv(65536)
            try:
                if not self.headers_too:
                    conn.sendall(head)
                for byte in (head if self.headers_too else b"<rss>" + b" " * 99_995):
                    if self.stop.wait(self.interval):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:  # the client gave up
                return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def test_2_a_fetch_has_a_total_deadline_over_connect_headers_and_body(tmp_path):
    body, head = Trickle(headers_too=False), Trickle(headers_too=True)
    try:
        sources = source_toml("trickle-body", "feed", url=body.url) + source_toml("trickle-head", "feed", url=head.url)
        config = write_config(tmp_path, sources, head="[fetch]\ntimeout_seconds = 1\nretries = 0")
        started = time.monotonic()
        summary = poll_newsletters(load_settings(config), PlainRuntime())
        elapsed = time.monotonic() - started
    finally:
        body.close()
        head.close()
    errors = {f["source"]: f["error"] for f in summary["failures"]}
    assert set(errors) == {"trickle-body", "trickle-head"}
    for name, server in (("trickle-body", body), ("trickle-head", head)):
        assert name in errors[name] and server.url in errors[name] and "3-second deadline" in errors[name]
    # The default deadline, 3 x timeout_seconds, twice (one source after the other); each trickle takes hours.
    assert elapsed < 12, elapsed


# --- 3: Retry-After ignored for newsletter sources ---------------------------------------------------

FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Fine</title><item><title>One</title>'
        b"<link>https://news.example.org/one</link><guid>https://news.example.org/one</guid>"
        b"<description>https://arxiv.org/abs/2401.00001</description></item></channel></rss>")


def test_3_retry_after_is_honoured_up_to_the_cap_and_beyond_it_the_source_is_deferred(tmp_path, http_server):
    in_two_hours = formatdate(time.time() + 7200, usegmt=True)
    http_server.route("/seconds.xml", b"slow down", status=429, headers={"Retry-After": "3600"})
    http_server.route("/date.xml", b"", status=503, headers={"Retry-After": in_two_hours})
    asked: list[float] = []

    def soon(request: Request) -> Reply:
        asked.append(time.monotonic())
        if len(asked) == 1:
            return Reply(429, b"slow down", {"Retry-After": "1"})
        return Reply(200, FEED, {"Content-Type": "application/rss+xml"})

    http_server.handle("/soon.xml", soon)
    sources = "".join(source_toml(name, "feed", url=http_server.url(f"/{name}.xml")) for name in ("seconds", "date",
                                                                                                    "soon"))
    config = write_config(tmp_path, sources, head="[fetch]\nretries = 2\nretry_delay_seconds = 0")  # cap: 60 s
    result = poll_cli(config)

    assert len(http_server.requests_to("/seconds.xml")) == 1 and len(http_server.requests_to("/date.xml")) == 1
    assert len(asked) == 2 and asked[1] - asked[0] >= 0.9  # waited the 1 s it was asked to, then got the feed
    assert "deferred: seconds" in result.stderr and "deferred: date" in result.stderr, result.stderr
    assert "3600 s (Retry-After)" in result.stderr and "fetch.max_retry_after_seconds = 60" in result.stderr
    health = dict(query(tmp_path / "radar.duckdb", "SELECT name, last_error FROM source_health"))
    assert health["seconds"].startswith("source 'seconds': deferred to the next run")
    assert "deferred to the next run" in health["date"] and health["soon"] is None
    assert query(tmp_path / "radar.duckdb", "SELECT source FROM documents") == [("soon",)]


# --- 7: source paths not confined --------------------------------------------------------------------

def test_7_local_source_paths_must_lie_under_the_configured_roots(tmp_path):
    secret = tmp_path / "outside" / "passwd.xml"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    conf = tmp_path / "conf"
    (conf / "mail").mkdir(parents=True)
    (conf / "mail" / "good.eml").write_bytes(email(1))
    good = source_toml("inbox", "email", path="mail") + source_toml("page", "page", path="mail/good.eml")
    climbing = "../" * 12 + str(secret).lstrip("/")
    config = write_config(conf, good + source_toml("escape", "feed", path=climbing))
    result = poll_cli(config)
    assert result.exit_code == 2 and "sources[2].path" in result.stderr and "outside the local roots" in result.stderr

    (conf / "link.xml").symlink_to(secret)  # a link in the root that points out of it is refused as well
    result = poll_cli(write_config(conf, good + source_toml("escape", "feed", path="link.xml")))
    assert result.exit_code == 2 and "sources[2].path" in result.stderr, result.stderr

    (conf / "mail" / "sneaky.eml").symlink_to(secret)  # and so is one inside a folder source
    result = poll_cli(write_config(conf, good))
    assert "sneaky.eml" in result.stderr and "outside the local roots" in result.stderr, result.stderr
    assert not any("root:x" in body for (body,) in query(conf / "radar.duckdb", "SELECT body FROM documents"))

    # A config kept apart from its sources lists their folder in [fetch] local_roots.
    (conf / "mail" / "sneaky.eml").unlink()
    apart = write_config(tmp_path / "outside", source_toml("inbox", "email", path=str(conf / "mail")),
                         head=f'[fetch]\nlocal_roots = ["{conf}"]')
    assert poll_cli(apart).exit_code == 0
    assert query(tmp_path / "outside" / "radar.duckdb", "SELECT count(*) FROM documents") == [(1,)]


# --- 4: a malformed webhook URL aborts all delivery --------------------------------------------------

def alert_config(tmp_path: Path, slack: FakeSlack, smtp_port: int, routes: str) -> Path:
    db = make_sample_db(tmp_path / "alerts.duckdb")
    return write_alert_config(tmp_path, db, channels_toml(slack, smtp_port) + RULES.format(routes=routes))


def ledger_rows(config: Path) -> dict[str, tuple]:
    rows = query(load_settings(config).database, "SELECT channel, status, possible_duplicate, last_error FROM alerts")
    return {r[0]: r[1:] for r in rows}


def test_4_a_malformed_webhook_url_fails_that_channel_alone_and_leaves_nothing_sending(tmp_path, http_server,
                                                                                      monkeypatch):
    slack = FakeSlack(http_server)
    monkeypatch.setenv("RADAR_TEST_SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("RADAR_TEST_WEBHOOK", "http://[::1")
    with SmtpServer() as smtp:
        config = alert_config(tmp_path, slack, smtp.port, '["research", "hook", "mail"]')
        first = CliRunner().invoke(app, ["alerts", "send", "--config", str(config)])
        assert first.exit_code == 1, first.stdout + first.stderr
        assert "Traceback" not in first.stderr and "http://[::1" not in first.stdout + first.stderr
        assert "slack webhook hook" in first.stderr and "webhook_url" in first.stderr, first.stderr
        assert "RADAR_TEST_WEBHOOK" in first.stderr
        assert len(slack.posts) == 1 and len(smtp.handler.messages) == 1  # the other channels delivered
        rows = ledger_rows(config)
        # Never claimed (the URL is checked before anything is sent), so not `sending`: due again next run.
        assert {c: r[0] for c, r in rows.items()} == {"research": "sent", "mail": "sent", "hook": "pending"}

        monkeypatch.setenv("RADAR_TEST_WEBHOOK", slack.webhook_url)  # fixed: it goes out, and not as a duplicate
        again = CliRunner().invoke(app, ["alerts", "send", "--config", str(config)])
        assert again.exit_code == 0, again.stdout + again.stderr
    assert len(slack.webhook_posts) == 1 and "possible duplicate" not in json.dumps(slack.webhook_posts)
    assert ledger_rows(config)["hook"][:2] == ("sent", False)


# --- 8c: one message SMTP rejects at DATA stops the others -------------------------------------------

class RefusesFirstMessage(Recorder):
    """Accepts the envelope of every message, and refuses the content of the first one at DATA (550)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused_one = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        if not self.refused_one:
            self.refused_one = True
            return "550 5.7.1 message content rejected"
        return await super().handle_DATA(server, session, envelope)


def test_8c_a_message_rejected_at_data_is_marked_failed_and_the_others_on_that_channel_go_on(tmp_path):
    handler, port = RefusesFirstMessage(), free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        channel = channels_toml(None, port).replace("timeout_seconds = 5", "timeout_seconds = 5\nfold_after = 50")
        rule = '\n[[alerts.rules]]\nname = "all"\nmin_sources = 1\nroutes = ["mail"]\nmax_per_run = 50\n'
        config = write_alert_config(tmp_path, make_sample_db(tmp_path / "alerts.duckdb"), channel + rule)
        report = deliver(load_settings(config))  # one email per paper (fewer than fold_after)
    finally:
        smtp.stop()
    delivered = len(handler.messages)
    statuses = [s for (s,) in query(load_settings(config).database, "SELECT status FROM alerts ORDER BY alert_key")]
    assert statuses.count("failed") == 1 and statuses.count("sent") == len(statuses) - 1 >= 2, statuses
    assert delivered == len(statuses) - 1
    [error] = report.results[0].errors
    assert "refused at DATA: 550" in error and "email channel mail" in error


# --- 5: a secret in the logs -------------------------------------------------------------------------

class Kept(logging.Handler):
    """Every record it sees, as its handlers would print it (message and traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_5_secrets_never_reach_stderr_or_any_log_record(tmp_path, http_server, monkeypatch):
    secret_path = "/services/T0SECRET/B0SECRET/hunter2hunter2hunter2"
    down = free_port()
    monkeypatch.setenv("RADAR_TEST_SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("RADAR_TEST_WEBHOOK", f"ftp://127.0.0.1:{down}{secret_path}")  # the wrong scheme
    monkeypatch.setenv("RADAR_TEST_DOWN_HOOK", f"http://127.0.0.1:{down}{secret_path}-down")  # nothing listens
    monkeypatch.setenv("RADAR_TEST_SMTP_PASSWORD", "correct-horse-battery-staple")
    slack = FakeSlack(http_server)
    channels = channels_toml(slack, down) + (
        '\n[[alerts.channels]]\nname = "down-hook"\nkind = "slack_webhook"\n'
        'webhook_url = {env = "RADAR_TEST_DOWN_HOOK"}\ntimeout_seconds = 2\n')
    channels = channels.replace('security = "plain"', 'security = "plain"\nusername = "radar"\n'
                                'password = {env = "RADAR_TEST_SMTP_PASSWORD"}')
    config = write_alert_config(tmp_path, make_sample_db(tmp_path / "alerts.duckdb"),
                                channels + RULES.format(routes='["research", "hook", "down-hook", "mail"]'))
    kept = Kept()
    loggers = [logging.getLogger(), logging.getLogger("alerts.slack_sdk")]
    for logger in loggers:
        logger.addHandler(kept)
    saved_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        result = CliRunner().invoke(app, ["alerts", "send", "--config", str(config)])
        # Libraries log through the same records: what any of them would print is masked too.
        for name in ("slack_sdk.web.base_client", "httpx", "urllib3.connectionpool", "prefect.flow_runs", "smtplib"):
            logging.getLogger(name).warning("request to %s with %s, password %s", slack.webhook_url + secret_path,
                                            TOKEN, "correct-horse-battery-staple")
    finally:
        for logger in loggers:
            logger.removeHandler(kept)
        logging.getLogger().setLevel(saved_level)
    assert result.exit_code == 1 and "research" not in result.stderr, result.stdout + result.stderr
    # And as a user runs it: its own process, whose stderr gets whatever the libraries log at WARNING and up.
    proc = subprocess.run([sys.executable, "-m", "radar.cli", "alerts", "send", "--config", str(config)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1 and "slack webhook hook" in proc.stderr, proc.stderr
    outputs = {"stdout": result.stdout, "stderr": result.stderr, "log records": "\n".join(kept.lines),
               "process stdout": proc.stdout, "process stderr": proc.stderr}
    for secret in (secret_path, TOKEN, "correct-horse-battery-staple"):
        assert not [where for where, text in outputs.items() if secret in text], (secret, outputs)
    assert sum("[redacted]" in line for line in kept.lines) >= 5  # the records were kept, with the secret masked


# --- 6: a killed parent leaves its temporary Prefect server running -----------------------------------

PARENT = """
import sys, time
import flows.newsletters  # what a flow run (or `radar alerts send` reading a Secret block) imports first
from prefect.server.api.server import SubprocessASGIServer

server = SubprocessASGIServer()
server.start(timeout=240)  # what Prefect does for a flow, task or block used without PREFECT_API_URL
print(server.server_process.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_6_a_temporary_prefect_server_dies_with_its_sigkilled_parent(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {
        "PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, env=env)
    try:
        server_pid = int(parent.stdout.readline())
        assert alive(server_pid)
        parent.kill()  # SIGKILL: no atexit, no Prefect shutdown hook
        parent.wait(timeout=10)
        deadline = time.monotonic() + 30
        while alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not alive(server_pid), f"temporary Prefect server {server_pid} outlived its killed parent"
    finally:
        parent.kill()
        if "server_pid" in locals() and alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)
