"""Checks particular to some cases, named by their expectation's `checks = [...]`.

Each gets the case's Outcome and what its run left behind (`context`: the case folder, the database,
the CLI run, and the servers' records) and adds a problem when the check fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.reliability.delivery_cases import mrkdwn_texts, parsed_emails, plain_texts
from tests.reliability.outcome import Outcome, rows

CANARY = "CANARY-local-file-b1d4e0"
#: Slack's control sequences a newsletter title must never get through to mrkdwn: pings, a user group,
#: a user, a disguised link.
SLACK_CONTROLS = re.compile(r"<!channel>|<!here>|<!everyone>|<!subteam\^|<@U|<#C|<https?://evil\.example")


def _bad_texts(context: dict) -> list[str]:
    db = context["db"]
    texts = rows(db, "SELECT coalesce(title, '') || ' ' || body FROM documents WHERE source LIKE 'bad%'")
    texts += rows(db, "SELECT coalesce(title, '') || ' ' || coalesce(text, '') FROM items WHERE source LIKE 'bad%'")
    return [t for (t,) in texts]


def no_entity_expansion(outcome: Outcome, context: dict) -> None:
    expanded = [t[:80] for t in _bad_texts(context) if "lollollol" in t]
    outcome.check(not expanded, f"entities expanded into the stored text: {expanded}")
    size = (context["db"]).stat().st_size
    outcome.check(size < 50_000_000, f"the database grew to {size:,} bytes")


def no_local_file(outcome: Outcome, context: dict) -> None:
    leaked = [t[:80] for t in _bad_texts(context) if CANARY in t]
    outcome.check(not leaked, f"the local file's content was stored: {leaked}")
    outcome.check(CANARY not in context["ran"].output, "the local file's content was printed")


def no_dtd_request(outcome: Outcome, context: dict) -> None:
    asked = [r.path for r in context["server"].requests if "evil" in r.path]
    outcome.check(not asked, f"the external DTD or entity was fetched: {asked}")


def no_script(outcome: Outcome, context: dict) -> None:
    db = context["db"]
    items = rows(db, "SELECT coalesce(title, '') || ' ' || coalesce(text, '') FROM items WHERE source = 'bad'")
    outcome.check(bool(items), "no items extracted from the page")
    scripted = [t[:80] for (t,) in items if re.search(r"alert\(|<script|<iframe|onerror|javascript:", t, re.I)]
    outcome.check(not scripted, f"script text reached the items: {scripted}")
    links = rows(db, "SELECT l FROM (SELECT unnest(links) AS l FROM items WHERE source = 'bad') "
                     "WHERE NOT regexp_matches(l, '^https?://')")
    outcome.check(not links, f"non-http links stored: {links}")


def dates_null(outcome: Outcome, context: dict) -> None:
    dated = rows(context["db"], "SELECT doc_key, published_at FROM documents WHERE source = 'bad' "
                                "AND published_at IS NOT NULL")
    outcome.check(not dated, f"implausible dates stored: {dated}")


def one_paper_two_mentions(outcome: Outcome, context: dict) -> None:
    found = rows(context["db"], "SELECT arxiv_id, count(DISTINCT source) FROM mentions WHERE source LIKE 'bad%' "
                                "GROUP BY arxiv_id")
    outcome.check(bool(found) and all(n == 2 for _, n in found), f"mentions per paper and source: {found}")
    papers = rows(context["db"], "SELECT count(*) FROM papers WHERE arxiv_id IN (SELECT arxiv_id FROM mentions "
                                 "WHERE source LIKE 'bad%')")[0][0]
    outcome.check(papers == len(found), f"{papers} paper rows for {len(found)} papers")


def bounded_time(outcome: Outcome, context: dict) -> None:
    limit = outcome.case.options["max_seconds"]
    seconds = context["ran"].seconds
    outcome.check(seconds <= limit, f"the run took {seconds:.0f} s, more than {limit} s")


def single_request(outcome: Outcome, context: dict) -> None:
    asked = len(context["server"].requests_to("/bad.xml"))
    outcome.check(asked == 1, f"the source was asked {asked} times in one run despite its Retry-After")


def slack_neutralised(outcome: Outcome, context: dict) -> None:
    posts = context["posts"]
    outcome.check(bool(posts), "nothing posted to Slack")
    leaked = [m.group(0) for p in posts for t in mrkdwn_texts(p) for m in [SLACK_CONTROLS.search(t)] if m]
    outcome.check(not leaked, f"Slack control sequences reached mrkdwn or the text fallback: {leaked}")
    shown = [t for p in posts for t in plain_texts(p) if "<!channel>" in t]
    outcome.check(bool(shown), "the hostile title is not shown as written in any plain_text header")


def no_header_injection(outcome: Outcome, context: dict) -> None:
    messages = parsed_emails(context)
    outcome.check(bool(messages), "no email received")
    for m in messages:
        outcome.check("bcc" not in {k.lower() for k in m.keys()} and "X-Injected" not in m,
                      f"an injected header: {sorted(m.keys())}")
        outcome.check("\n" not in str(m["Subject"]), f"a multi-line subject: {m['Subject']!r}")
    recipients = {r for _, tos in context["envelopes"] for r in tos}
    outcome.check(recipients == {"team@example.org"}, f"recipients: {recipients}")


def no_secret_in_output(outcome: Outcome, context: dict) -> None:
    secret = context["secret"]
    path = secret.split("/services/", 1)[-1]
    outcome.check(path not in context["ran"].output, "the webhook URL's secret path was printed")


def one_refused_rest_sent(outcome: Outcome, context: dict) -> None:
    statuses = rows(context["db"], "SELECT status, count(*) FROM alerts WHERE channel = 'bad' GROUP BY ALL")
    counts = dict(statuses)
    outcome.check(counts.get("failed") == 1 and counts.get("sent", 0) >= 1 and set(counts) <= {"failed", "sent"},
                  f"the refused message should fail alone, the rest be sent: {counts}")


CHECKS: dict[str, Callable[[Outcome, dict], None]] = {f.__name__: f for f in (
    no_entity_expansion, no_local_file, no_dtd_request, no_script, dates_null, one_paper_two_mentions,
    bounded_time, single_request, slack_neutralised, no_header_injection, no_secret_in_output,
    one_refused_rest_sent)}
