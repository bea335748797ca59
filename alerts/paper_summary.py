"""A paper as a message shows it (`summarise_paper`): a short TL;DR, its key metrics, and links.

The TL;DR comes from a `Summariser`. `ExtractiveSummariser` (the default, pure) takes the newsletter
blurb, else the abstract: its first sentence plus the sentence with the most numbers in it.
`LlmSummariser` asks an OpenAI-compatible chat endpoint (`[alerts.llm]`, off by default) and falls
back to the extractive summary when the endpoint errs, times out or answers nonsense. Links are the
stored ones; the delivery orchestrator cleans them once more of tracking parameters before they
get here (subscriber tokens never leave the database).

`format_metric` and `key_metrics` write and rank metrics as the database's `format_metric` macro and
`papers_overview.headline_metrics` do; tests/alerts/test_metric_text.py holds the two equal on every
demo metric.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

import httpx

from config.alerts import LlmSettings
from records.facts import MetricFact, PaperFacts
from records.messages import Link, Summary

log = logging.getLogger(__name__)

TLDR_CHARS = 320
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
_NUMBER = re.compile(r"\d[\d,.]*\s*(?:%|x|×|pp|points|[KMBT]\b)?", re.IGNORECASE)
_LINK_LABELS = re.compile(r"^\((?:paper|code|pdf|abs|arxiv|github|repo|project)(?:\s*[/|,·]\s*\w+)*\)\s*", re.I)
_KIND_RANK = {"score": 0, "relative": 1, "size": 2}  # then everything else


class Summariser(Protocol):
    def tldr(self, paper: PaperFacts) -> str: ...


class ExtractiveSummariser:
    """The first sentence of the blurb (else the abstract), plus its sentence richest in numbers."""

    def tldr(self, paper: PaperFacts) -> str:
        return extract_tldr(paper)


def extract_tldr(paper: PaperFacts, max_chars: int = TLDR_CHARS) -> str:
    """The first newsletter blurb's first sentence (else the abstract's), plus the sentence with the
    most numbers from any blurb (else the abstract)."""
    texts = [m.item_text for m in paper.primary_mentions if m.item_text and m.item_text.strip()]
    texts = texts or ([paper.abstract] if paper.abstract else [])
    if not texts:
        return ""
    first, *rest = _sentences(texts[0])
    others = rest + [s for t in texts[1:] for s in _sentences(t)]
    best = max(others, key=lambda s: len(_NUMBER.findall(s)), default="")
    return shorten(first + (" " + best if _NUMBER.search(best) else ""), max_chars)


def _sentences(text: str) -> list[str]:
    text = _LINK_LABELS.sub("", " ".join(text.split()))
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()] or [""]


def shorten(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0] or text[: max_chars - 1]
    return cut.rstrip(",;:") + "…"


class LlmSummariser:
    """One chat-completions call per paper; any failure falls back to `fallback` and is logged once."""

    def __init__(self, client: httpx.Client, url: str, model: str, *, api_key: str | None = None,
                 max_words: int = 60, fallback: Summariser | None = None) -> None:
        self.client, self.url, self.model, self.max_words = client, url.rstrip("/"), model, max_words
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.fallback = fallback or ExtractiveSummariser()
        self.failures = 0

    def tldr(self, paper: PaperFacts) -> str:
        source = "\n\n".join(filter(None, [paper.display_title, paper.blurb, paper.abstract]))
        prompt = (f"Summarise this paper for a researcher in at most {self.max_words} words, one or two "
                  f"sentences, keeping the key numbers. Plain text only.\n\n{source[:6000]}")
        try:
            response = self.client.post(f"{self.url}/chat/completions", headers=self.headers, json={
                "model": self.model, "temperature": 0,
                "messages": [{"role": "user", "content": prompt}],
            })
            response.raise_for_status()
            text = response.json()["choices"][0]["message"]["content"]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty answer")
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as e:
            self.failures += 1
            log.warning("LLM summary of %s failed (%s: %s); using the extractive summary",
                        paper.arxiv_id, type(e).__name__, e)
            return self.fallback.tldr(paper)
        return shorten(" ".join(text.split()), TLDR_CHARS * 2)


def format_metric(m: MetricFact) -> str:
    """As storage's `format_metric` macro writes it: "60.1% MMLU", "up to 3x", "7.3B params"."""
    prefix = {"approximate": "about ", "at least": "at least ", "up to": "up to "}.get(m.qualifier or "", "")
    value = m.value
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= scale:
            number = f"{round(value / scale, 2):g}{suffix}"
            break
    else:
        number = f"{round(value, 3):g}"
    unit = m.unit if m.unit in ("%", "x") else "" if m.unit in ("", "count") else f" {m.unit}"
    name = f" {m.name}" if m.name and m.kind in ("score", "relative", "count") else ""
    return f"{prefix}{number}{unit}{name}"


def key_metrics(paper: PaperFacts, limit: int = 3) -> tuple[str, ...]:
    """Scores first, then relative gains, sizes, the rest; a number more newsletters report ranks higher;
    then the abstract's own, then the earliest reported, first in its item: the order of
    `papers_overview.headline_metrics` for newsletters' metrics."""
    groups: dict[str, list[MetricFact]] = {}
    for m in paper.metrics:
        groups.setdefault(format_metric(m), []).append(m)

    def order(item: tuple[str, list[MetricFact]]) -> tuple:
        text, ms = item
        dates = [m.seen_at for m in ms if m.seen_at is not None]
        # Undated is the paper's own abstract (from arXiv): before what newsletters report of it.
        # papers_overview leaves arXiv's metrics out, so this is where the two orders may part.
        first = (1, min(dates)) if dates else (0, None)
        return (min(_KIND_RANK.get(m.kind or "", 3) for m in ms), -len({m.source for m in ms}), first,
                min(m.ordinal for m in ms), text)

    return tuple(text for text, _ in sorted(groups.items(), key=order)[:limit])


def summarise_paper(paper: PaperFacts, summariser: Summariser) -> Summary:
    links = [Link("Paper", paper.abs_url), Link("PDF", paper.pdf_url or f"https://arxiv.org/pdf/{paper.arxiv_id}")]
    if paper.code_urls:
        links.append(Link("Code", paper.code_urls[0]))
    newsletters: dict[str, Link] = {}
    for m in paper.mentions:
        url = m.doc_url or m.link
        if url and url.startswith(("http://", "https://")):
            newsletters.setdefault(url, Link(m.doc_title or m.source, url))
    return Summary(arxiv_id=paper.arxiv_id, title=paper.display_title, tldr=summariser.tldr(paper),
                   metrics=key_metrics(paper), links=tuple(links), newsletters=tuple(newsletters.values()),
                   authors=paper.authors, categories=paper.categories)


def make_summariser(llm: LlmSettings, api_key: str | None = None, client: httpx.Client | None = None) -> Summariser:
    """The LLM summariser when `[alerts.llm]` is enabled (falling back to extractive), else extractive."""
    if not llm.enabled:
        return ExtractiveSummariser()
    client = client or httpx.Client(timeout=llm.timeout_seconds)
    return LlmSummariser(client, llm.url, llm.model, api_key=api_key, max_words=llm.max_words)
