"""Newsletter cases (`radar poll`) and config cases, each with the bad source beside a good one.

The good source is the demo feed sparse_gradients.xml served over HTTP by the case's own LocalServer
(tests/httpserver.py); the bad one (named `bad`) is served as the expectation's `serve` says:

    http           the input at /bad.<ext>, with the case's status, headers and content type
    file, folder   the input as a local file, or in a folder beside the demo's valid email
    two-feeds      the input as two feeds (`bad` and `bad2`): the same post in both
    trickle        the input one byte a second          reset, reset-mid-body   a real TCP RST
    redirect-loop  /bad.xml -> /loop.xml -> /bad.xml      redirect              to `options.location`
    stream         `options.size` filler bytes, chunked   refused, missing      no server, no file
    config         the input is a config fragment appended to the good config: the whole config is refused

Every run is checked for what the issue asks: the expected exit status and no traceback; the bad
source's error (its words, and its URL or file) in `source_health` and in the run summary on stderr;
the good source's rows equal to a clean run's; peak RSS within twice the demo poll's; no partial rows
(no item, mention, code link or metric without its document; no document with an empty body).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from tests.httpserver import LocalServer
from tests.reliability import servers
from tests.reliability.cli import Ran, run_radar
from tests.reliability.corpus import ROOT, Case
from tests.reliability.outcome import Outcome, lost, normalise, one_line, rows, summary_entries

GOOD_FEED = ROOT / "demo" / "feeds" / "sparse_gradients.xml"
GOOD_EMAIL = ROOT / "demo" / "mail" / "tensor_tuesday_2025-11-04.eml"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".html": "text/html",
         ".eml": "message/rfc822", ".json": "application/json"}
#: The good source's rows, table by table, as a clean run stores them (timestamps left out).
GOOD_ROWS = {
    "documents": "SELECT doc_key, url, title, author, published_at, content_hash, body_type FROM documents",
    "items": "SELECT doc_key, position, title, md5(coalesce(text, '')), CAST(links AS VARCHAR) FROM items",
    "mentions": "SELECT arxiv_id, doc_key, position, role, version, url FROM mentions",
    "code_links": "SELECT repo_url, doc_key, position, arxiv_id, host, path FROM code_links",
    "metrics": "SELECT doc_key, position, ordinal, arxiv_id, name, value, unit, kind, qualifier, direction, "
               "subject, snippet FROM metrics",
}


def source_rows(db: Path, source: str) -> Counter:
    return Counter((table, *row) for table, sql in GOOD_ROWS.items()
                   for row in rows(db, f"{sql} WHERE source = ?", [source]))


def config_text(folder: Path, sources: list[dict[str, Any]], fetch: dict[str, Any] | None = None) -> str:
    fetch = {"timeout_seconds": 2, "retries": 0, "retry_delay_seconds": 0, **(fetch or {})}
    lines = [f'database = "{folder / "radar.duckdb"}"', "lock_wait_seconds = 10", "", "[fetch]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in fetch.items()]
    for s in sources:
        lines += ["", "[[sources]]", *(f"{k} = {toml_value(v)}" for k, v in s.items())]
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def good_source(server: LocalServer) -> dict[str, str]:
    server.route("/good.xml", GOOD_FEED.read_bytes(), headers={"Content-Type": TYPES[".xml"]})
    return {"name": "good", "kind": "feed", "url": server.url("/good.xml")}


def poll_reference(folder: Path) -> Counter:
    """The good source's rows after a clean poll of it alone."""
    with LocalServer() as server:
        config = folder / "radar.toml"
        config.write_text(config_text(folder, [good_source(server)]), encoding="utf-8")
        ran = run_radar(["poll", "--config", str(config)], cwd=folder)
    assert ran.exit == 0 and not ran.traceback, ran.output
    found = source_rows(folder / "radar.duckdb", "good")
    assert found, "the clean poll stored nothing for the good source"
    return found


def serve_bad(case: Case, server: LocalServer, folder: Path, data: bytes) -> tuple[list[dict[str, Any]], str]:
    """Put the bad input where the case says; its source blocks and the location its error must name."""
    o, ext = case.options, (case.file.suffix if case.file else o_ext(case))
    kind, path = case.kind, f"/bad{ext}"
    content_type = o.get("content_type", TYPES.get(ext, "application/octet-stream"))
    if case.serve == "http":
        server.route(path, data, status=o.get("status", 200), headers={"Content-Type": content_type,
                                                                       **o.get("headers", {})})
    elif case.serve == "two-feeds":
        server.route(path, data, headers={"Content-Type": content_type})
        server.route("/bad2.xml", data, headers={"Content-Type": content_type})
        return [{"name": "bad", "kind": kind, "url": server.url(path)},
                {"name": "bad2", "kind": kind, "url": server.url("/bad2.xml")}], server.url(path)
    elif case.serve == "trickle":
        servers.trickle(server, path, data, content_type=content_type)
    elif case.serve in ("reset", "reset-mid-body"):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (content_type.encode(), len(data))
        servers.reset(server, path, after=head + data[: len(data) // 2] if case.serve == "reset-mid-body" else b"")
    elif case.serve == "redirect-loop":
        servers.redirect_loop(server, path, "/loop.xml")
    elif case.serve == "redirect":
        server.redirect(path, o["location"], status=o.get("status", 302))
    elif case.serve == "stream":
        server.stream(path, o["size"], content_type=content_type)
    elif case.serve == "refused":
        from tests.alerts.fakes import free_port
        url = f"http://127.0.0.1:{free_port()}{path}"
        return [{"name": "bad", "kind": kind, "url": url}], url
    elif case.serve in ("file", "missing"):
        target = folder / f"bad{ext}"
        if case.serve == "file":
            target.write_bytes(data)
        return [{"name": "bad", "kind": kind, "path": str(target)}], target.name
    elif case.serve == "folder":
        mail = folder / "mail"
        mail.mkdir()
        shutil.copy(GOOD_EMAIL, mail / GOOD_EMAIL.name)
        (mail / f"bad{ext}").write_bytes(data)
        return [{"name": "bad", "kind": kind, "path": str(mail)}], f"bad{ext}"
    else:
        raise ValueError(f"{case.name}: unknown serve {case.serve!r}")
    return [{"name": "bad", "kind": kind, "url": server.url(path)}], server.url(path)


def o_ext(case: Case) -> str:
    return case.options.get("ext", {"page": ".html", "email": ".eml"}.get(case.kind, ".xml"))


def run_poll_case(case: Case, folder: Path, data: bytes, reference: Counter, outcome: Outcome,
                  extra_checks: dict) -> None:
    with LocalServer() as server:
        data = data.replace(b"BASE_URL", server.base_url.encode()).replace(b"CASE_DIR", str(folder).encode())
        bad, location = serve_bad(case, server, folder, data)
        config = folder / "radar.toml"
        config.write_text(config_text(folder, [good_source(server), *bad], case.options.get("fetch")), encoding="utf-8")
        ran = run_radar(["poll", "--config", str(config)], cwd=folder)
        outcome.check_run(ran)
        db = folder / "radar.duckdb"
        if not db.exists():
            outcome.problems.append("no database after the poll")
            return
        check_sources(case, outcome, ran, db, location, [s["name"] for s in bad])
        outcome.rows_lost += lost(reference, source_rows(db, "good"))
        check_no_partial_rows(outcome, db, [s["name"] for s in bad])
        context = {"folder": folder, "db": db, "ran": ran, "server": server, "data": data}
        for name in case.checks:
            extra_checks[name](outcome, context)
    outcome.observed = observed_poll(case, ran, db, folder)


def check_sources(case: Case, outcome: Outcome, ran: Ran, db: Path, location: str, names: list[str]) -> None:
    health = {r[0]: r[1:] for r in rows(db, "SELECT name, status, last_error FROM source_health")}
    good = health.get("good")
    outcome.check(good is not None and good[0] == "ok" and good[1] is None, f"the good source's health: {good}")
    for name in names:
        status, last_error = health.get(name, (None, None))
        documents = rows(db, "SELECT count(*) FROM documents WHERE source = ?", [name])[0][0]
        # The run summary's line for the source: `failed:`, `deferred:` (asked to wait past the cap), or
        # `skipped:` for what a source that ran left out (a bad file of a folder, a cut-off entry).
        prefix = case.status if case.status in ("failed", "deferred") else "skipped"
        line = " ".join(summary_entries(ran.stderr, f"{prefix}: {name}: "))
        if case.status == "failed":
            outcome.check(status in ("never succeeded", "failing"), f"source_health says {name} is {status!r}")
        elif case.status == "ok":
            outcome.check(status in ("ok", "stale"), f"source_health says {name} is {status!r}")
            outcome.check(f"failed: {name}:" not in ran.stderr, f"the summary says {name} failed:\n{ran.stderr[-800:]}")
        if case.error:
            outcome.check_words(last_error, [*case.error, location], f"source_health.last_error of {name}")
            outcome.check_words(line, [*case.error, location], f"the run summary's {prefix} line for {name}")
        elif not case.warning:
            outcome.check(last_error is None, f"source_health.last_error of {name}: {last_error!r}")
        outcome.check_words(ran.stderr, case.warning, "the run's warnings")
        if case.documents is not None:
            outcome.check(documents == case.documents, f"{documents} documents stored for {name}, "
                          f"expected {case.documents}")
            outcome.rows_lost += max(0, case.documents - documents)
        if case.kept_raw:
            items = rows(db, "SELECT count(*) FROM items WHERE source = ?", [name])[0][0]
            outcome.check(documents > 0 and items == 0, f"kept raw: {documents} documents, {items} items")
            outcome.check("document kept without items" in one_line(ran.stderr),
                          "no 'kept without items' warning naming the document")


def check_no_partial_rows(outcome: Outcome, db: Path, names: list[str]) -> None:
    for table in ("items", "mentions", "code_links", "metrics"):
        orphans = rows(db, f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM documents d "
                           "WHERE d.source = t.source AND d.doc_key = t.doc_key)")[0][0]
        outcome.check(orphans == 0, f"{orphans} {table} rows without their document")
    empty = rows(db, "SELECT source, doc_key FROM documents WHERE trim(body) = '' AND list_contains(?, source)",
                 [names])
    warned = [line for line in outcome.ran[-1].stderr.splitlines() if line.startswith("warning:")
              and any(f"source {s} " in line or f"{s}/" in line for s, _ in empty)]
    outcome.check(not empty or bool(warned), f"documents stored with an empty body and no warning: {empty}")


def observed_poll(case: Case, ran: Ran, db: Path, folder: Path) -> str:
    if not db.exists():
        return f"exit {ran.exit}; no database"
    found = dict(rows(db, "SELECT source, count(*) FROM documents GROUP BY source"))
    health = {r[0]: r[1:] for r in rows(db, "SELECT name, status, last_error FROM source_health")}
    parts = [f"exit {ran.exit}", f"good: {found.get('good', 0)} docs"]
    for name in sorted(n for n in health if n.startswith("bad")):
        status, error = health[name]
        parts.append(f"{name}: {found.get(name, 0)} docs, {status}" + (f": {error}" if error else ""))
    warnings = [line for line in ran.stderr.splitlines() if line.startswith("warning:")]
    if warnings and case.status != "failed":
        parts.append(warnings[0])
    return normalise("; ".join(parts), folder)[:300]


def run_config_case(case: Case, folder: Path, data: bytes, outcome: Outcome) -> None:
    """The config fragment appended to a good config: the CLI refuses the file, naming it and the key,
    before anything is fetched or written."""
    with LocalServer() as server:
        config = folder / "radar.toml"
        fragment = data.decode("utf-8").replace("CASE_DIR", str(folder))
        config.write_text(config_text(folder, [good_source(server)]) + "\n" + fragment, encoding="utf-8")
        ran = run_radar(["poll", "--config", str(config)], cwd=folder)
        outcome.check_run(ran)
        error = one_line(ran.stderr)
        outcome.check(error.startswith("error:"), f"no one-line error: {error[:300]!r}")
        outcome.check_words(error, [str(config), *case.error], "the error")
        outcome.check(not server.requests, f"{len(server.requests)} requests sent with a refused config")
        outcome.check(not (folder / "radar.duckdb").exists(), "a database was written with a refused config")
    outcome.observed = normalise(f"exit {ran.exit}; {error}", folder)[:300]
