"""What the pipeline does on the bundled demo, captured as one JSON document: the behaviour snapshot.

Runs the user-facing commands in this process, through the CLI entry point (`radar.cli:app`), on a
copy of the shipped config and demo newsletters, against the fakes the tests use (a fake arXiv API
and a fake Slack on 127.0.0.1, an aiosmtpd server):

    radar poll; radar arxiv poll; radar arxiv enrich; radar backfill (arXiv days and a newsletter);
    radar alerts preview; radar alerts send (twice); radar poll (again)

and records what a user would see: each command's exit code and stdout, every Slack and email
payload delivered, the preview's HTML, and every table and view of the database afterwards. What
depends on the clock or on chance is replaced by a placeholder (times of this run, Message-IDs,
ports, the temporary folder, local files' change tokens, MIME boundaries); raw document bodies are
kept as their hash. Email HTML is kept as a
parsed, re-serialised tree, so two renderings that differ only in how they spell an entity (`&#39;`
or `&#x27;`) or in whitespace between tags compare equal.

tests/flows/test_behaviour_snapshot.py runs this in a subprocess and compares the result with the
stored snapshot. `python -m tests.behaviour OUT.json` writes it (with its own temporary Prefect
server when PREFECT_API_URL is unset).
"""

from __future__ import annotations

import email
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import policy
from pathlib import Path
from typing import Any

from tests.alerts.conftest import channels_toml
from tests.alerts.fakes import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
#: Columns whose values are computed from the clock at query time.
CLOCK_COLUMNS = {"hours_since_success", "hours_since_new_document"}
NOV = [date(2025, 11, 3), date(2025, 11, 4), date(2025, 11, 5)]


def arxiv_papers() -> dict[str, list]:
    """The fake arXiv's contents: a cs.CL listing over three days, and metadata for demo papers."""
    from tests.arxiv_api import paper

    listing = [
        paper("2511.00001", day=NOV[0], minute=1, title="Diffusion Language Models at Scale",
              abstract="Our 1.7B model reaches 56.2% on HellaSwag and decodes 6x faster than the baseline.",
              comment="Code: github.com/acme/dlm-scale"),
        paper("2511.00002", day=NOV[0], minute=2, title="Sparse Mixtures for Retrieval",
              abstract="We improve recall by 4.1 points on BEIR with 30% fewer parameters."),
        paper("2511.00003", day=NOV[1], minute=3, title="Agents That Patch Code",
              abstract="Our agent resolves 49.0% of SWE-bench Verified issues.",
              comment="https://github.com/acme/patch-agent"),
        paper("2511.00004", day=NOV[2], minute=4, title="Tokenizers Revisited"),
        paper("2511.00005", day=NOV[2], minute=5, title="Long Context Without Tears",
              abstract="Throughput grows up to 3.5x at 128K tokens."),
        paper("2511.00006", day=NOV[2], minute=6, title="Small Models, Big Reasoning",
              abstract="A 3B model scores 71.3% on GSM8K."),
    ]
    demo = [
        paper("2305.18290", title="Direct Preference Optimization", categories=("cs.LG", "cs.CL"), primary="cs.LG",
              authors=("Rafael Rafailov", "Archit Sharma", "Eric Mitchell"),
              abstract="DPO matches or exceeds PPO-based RLHF on sentiment control and summarization."),
        paper("2310.06770", title="SWE-bench: Can Language Models Resolve Real-World GitHub Issues?",
              categories=("cs.CL", "cs.SE"), authors=("Carlos E. Jimenez", "John Yang"),
              abstract="The best model resolves just 1.96% of the issues.",
              comment="Data: github.com/SWE-bench/SWE-bench"),
        paper("2201.11903", title="Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
              abstract="Prompting a 540B model with eight exemplars reaches 58% on GSM8K."),
    ]
    return {"cat:cs.CL": listing, "demo-papers": demo}


def config_text(arxiv_url: str, slack: FakeSlack, smtp_port: int) -> str:
    """The shipped radar.toml plus arXiv, the alert tests' channels (Slack bot, webhook, email) and rules."""
    channels = channels_toml(slack, smtp_port)
    return (ROOT / "radar.toml").read_text(encoding="utf-8") + f"""
[arxiv]
api_url = "{arxiv_url}"
enrich = true
delay_seconds = 0
backoff_seconds = 0.01
retries = 1
page_size = 4
rate_limit_name = ""

[[arxiv.queries]]
name = "cl"
categories = ["cs.CL"]

[alerts]
alert_first_poll = true
max_attempts = 3

{channels}
[[alerts.rules]]
name = "everything"
min_sources = 1
routes = ["research"]
max_per_run = 50

[[alerts.rules]]
name = "agents"
keywords = ["SWE-bench", "agent"]
routes = ["hook", "mail"]

[[alerts.rules]]
name = "strong-scores"
metrics = [{{name = "", min = 50, unit = "%"}}]
routes = ["mail"]
max_per_run = 2
"""


def capture(work: Path) -> dict[str, Any]:
    """Run the commands on a fresh copy of the demo in `work`; return the normalised snapshot."""
    from typer.testing import CliRunner

    from radar.cli import app
    from tests.alerts.fakes import TOKEN, SmtpServer
    from tests.arxiv_api import FakeArxiv
    from tests.httpserver import LocalServer

    started = datetime.now(UTC) - timedelta(minutes=1)
    shutil.copytree(ROOT / "demo", work / "demo")
    with LocalServer() as server, SmtpServer() as smtp:
        slack, api = FakeSlack(server), FakeArxiv(server)
        for query, papers in arxiv_papers().items():
            api.add(*papers, query=query)
        config = work / "radar.toml"
        config.write_text(config_text(api.url, slack, smtp.port), encoding="utf-8")
        env = {"RADAR_TEST_SLACK_TOKEN": TOKEN, "RADAR_TEST_WEBHOOK": slack.webhook_url, "COLUMNS": "160",
               "NO_COLOR": "1"}
        runner = CliRunner()
        commands = [
            ["poll"], ["arxiv", "poll"], ["arxiv", "enrich"],
            ["backfill", "--from", "2025-11-03", "--to", "2025-11-05", "--source", "arxiv",
             "--source", "sparse-gradients"],
            ["alerts", "preview", "--html", str(work / "preview.html")],
            ["alerts", "send"], ["alerts", "send"], ["poll"],
        ]
        runs = []
        for args in commands:
            result = runner.invoke(app, [*args, "--config", str(config)], env=env, catch_exceptions=False)
            stdout = "\n".join(line.rstrip() for line in result.stdout.replace(str(work), "<tmp>").splitlines())
            runs.append({"command": "radar " + " ".join(args), "exit_code": result.exit_code, "stdout": stdout})
        snapshot = {
            "commands": runs,
            "arxiv_requests": [r.path for r in api.requests],
            "slack_posts": slack.posts,
            "webhook_posts": slack.webhook_posts,
            "emails": [_email(m) for m in smtp.handler.messages],
            "email_envelopes": smtp.handler.envelopes,
            "preview_html": canonical_html((work / "preview.html").read_text(encoding="utf-8")),
            "database": dump_database(work / "data" / "radar.duckdb"),
        }
        return normalise(snapshot, started=started, tmp=str(work), ports=[server.port, smtp.port])


def _email(raw: bytes) -> dict[str, Any]:
    message = email.message_from_bytes(raw, policy=policy.default)
    headers = {k: str(v) for k, v in message.items() if k.lower() not in ("message-id", "date")}
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            text = part.get_content()
            parts[part.get_content_type()] = canonical_html(text) if part.get_content_subtype() == "html" else text
    return {"headers": headers, "parts": parts}


def canonical_html(text: str) -> str:
    """The document as a tree, serialised one way: entity spelling and inter-tag whitespace do not matter."""
    import lxml.html

    tree = lxml.html.document_fromstring(text)
    for element in tree.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return lxml.html.tostring(tree, encoding="unicode", method="html")


def dump_database(path: Path) -> dict[str, list]:
    """Every table and view, rows sorted; document bodies as their hash, clock-computed columns left out."""
    import duckdb

    out = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND NOT temporary "
            "ORDER BY 1").fetchall()]
        for name in names:
            result = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in result.description]
            rows = []
            for row in result.fetchall():
                record = {c: v for c, v in zip(columns, row, strict=True) if c not in CLOCK_COLUMNS}
                if name == "documents":
                    record["body"] = "sha256:" + hashlib.sha256(record["body"].encode()).hexdigest()
                rows.append(record)
            out[name] = rows
    return out


def normalise(value: Any, *, started: datetime, tmp: str, ports: list[int]) -> Any:
    """JSON-ready, with this run's times, temporary folder, ports and Message-IDs replaced."""
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [walk(x) for x in v]
        if isinstance(v, datetime):
            aware = v if v.tzinfo else v.replace(tzinfo=UTC)
            return "<time of this run>" if aware >= started else aware.astimezone(UTC).isoformat()
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, timedelta):
            return str(v)
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, str):
            v = v.replace(tmp, "<tmp>")
            for port in ports:
                v = v.replace(f"127.0.0.1:{port}", "127.0.0.1:<port>")
            v = re.sub(r'boundary="=+\d+=="', 'boundary="<boundary>"', v)
            v = re.sub(r"^local:[0-9a-f]{32}$", "local:<files' mtimes and sizes>", v)
            return re.sub(r"<[^<>@\s]+@paper-radar\.local>", "<message-id>", v)
        return v

    data = walk(value)
    for table in data["database"].values():
        table.sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return data


def main(out: str) -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="radar-behaviour-prefect-"))
    # Under /tmp whatever TMPDIR says: the folder's name is in rich's table titles, so its length matters.
    with tempfile.TemporaryDirectory(prefix="radar-behaviour-", dir="/tmp") as work:
        if os.environ.get("PREFECT_API_URL"):
            snapshot = capture(Path(work))
        else:
            from prefect.testing.utilities import prefect_test_harness

            with prefect_test_harness(server_startup_timeout=120):
                snapshot = capture(Path(work))
    Path(out).write_text(json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                         encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
