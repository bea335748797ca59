"""A paper as a message shows it (`summarise_paper`): a TL;DR that says what it found, its metric chips,
and links.

The TL;DR comes from a `Summariser`, given the newsletter blurbs (the items about the paper, oldest
first) and the arXiv abstract, and written in the language of the blurb: at most two whole sentences
and `TLDR_CHARS` characters, never a cut one. `ExtractiveSummariser` (the default, pure) picks them:
the sentence with the headline result (a number with a named benchmark or measured noun, the kind a
chip shows), and the one that states the contribution (it names the paper or uses a claim verb, and is
not history, a pointer to another paper or chrome). When no sentence in the blurb's language has a
named result and the abstract (or another blurb) has one, that sentence is taken instead: the result
matters more than the language. `LlmSummariser` asks an OpenAI-compatible chat endpoint
(`[alerts.llm]`, off by default) with the same inputs and rules, and falls back to the extractive
summary when the endpoint errs or times out, or its answer breaks a rule the extractive one keeps:
more than two sentences or 400 characters, a piece that is no whole sentence, another language than
the blurb's. After `LLM_MAX_FAILURES` endpoint failures in a row it is not asked again in that run,
so a server that is down costs a run at most that many timeouts. `OncePerPaper` keeps one TL;DR per
paper for a run (a paper routed to three channels is summarised, and an LLM asked, once).

Chips are alerts/chips.py's. Links are the stored ones; the delivery orchestrator cleans them once
more of tracking parameters before they get here (subscriber tokens never leave the database).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from alerts.chips import chip_name, make_chips
from alerts.sentences import Sentence, is_sentence, language, split_sentences
from config.alerts import LlmSettings
from records.facts import MetricFact, PaperFacts
from records.messages import Link, Summary

log = logging.getLogger(__name__)

TLDR_CHARS = 400
TLDR_SENTENCES = 2
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CLAIM = re.compile(
    r"\b(?:propos|introduc|present|show|demonstrat|achiev|reach|outperform|beat|improv|match|surpass|resolv|solv|"
    r"reduc|cut|lift|boost|scor|turn|drop|replac|add|extend|enabl|releas|prov|set(?:s)? a new)\w*"
    r"|제안|소개|보여|보입니다|보였|달성|기록|능가|앞서|앞섰|뛰어넘|개선|향상|올랐|올라|줄였|줄어|높였|풀었|해결|공개|"
    r"만들었|적용했|끌어올렸|제시", re.I)
_ABOUT = re.compile(r"\b(?:this paper|the paper|the authors|we|our method|the method)\b|이 논문|저자들", re.I)
_ASIDE = re.compile(
    r"\b(?:ago|back in|last (?:year|week|month|issue)|readers asked|late addition|we covered|previous issue|"
    r"see also|successor|predecessor|sponsor\w*|subscribe\w*|referrals?|remember when|has long|for years|"
    r"historically|deep dive|(?:see|more|read on) below)\b"
    r"|\?$|지난 호|다음 글|예정|지난주|구독|광고|참고:", re.I)
_LONE_NUMBER = re.compile(r"(?<![\w-])\d+(?:[.,]\d+)*")  # not the 2 of "RT-2-X"
_ARXIV_ID = re.compile(r"\b\d{4}\.\d{4,5}\b")
_TITLE_NAME = re.compile(r"^(?:\d+[.)]\s*)?([^:—–]{2,40}?)\s*(?::|—|–|$)")


class Summariser(Protocol):
    def tldr(self, paper: PaperFacts) -> str: ...


@dataclass(frozen=True)
class SummaryInputs:
    """What every summariser reads: the blurbs (oldest first), the abstract, and the language to write in."""

    language: str  # "ko" | "en"
    blurbs: tuple[str, ...]
    abstract: str | None


def summary_inputs(paper: PaperFacts) -> SummaryInputs:
    blurbs = tuple(m.item_text for m in paper.primary_mentions if m.item_text and m.item_text.strip())
    readable = [b for b in blurbs if any(is_sentence(s, TLDR_CHARS) for s in split_sentences(b))]
    lang = language(readable[0]) if readable else language(blurbs[0]) if blurbs else "en"
    return SummaryInputs(lang, blurbs, paper.abstract or None)


@dataclass(frozen=True)
class _Candidate:
    sentence: Sentence
    text_index: int  # which text: the blurbs in order, then the abstract
    results: int  # named results it states (chip-worthy scores and changes)
    numbers: int
    claim: bool
    about: bool  # names the paper, or "the authors", "this paper"
    aside: bool  # history, a pointer elsewhere, chrome

    @property
    def order(self) -> tuple[int, int]:
        return (self.text_index, self.sentence.position)

    @property
    def contribution(self) -> float:
        lead = self.text_index == 0 and self.sentence.position == 0  # newsletters open with the point
        return 2 * self.claim + 2 * self.about + 0.5 * lead + 0.5 * bool(self.numbers) - 4 * self.aside


class ExtractiveSummariser:
    """The sentence with the headline result and the one with the contribution; see the module docstring."""

    def tldr(self, paper: PaperFacts) -> str:
        return extract_tldr(paper)


def extract_tldr(paper: PaperFacts, max_chars: int = TLDR_CHARS) -> str:
    inputs = summary_inputs(paper)
    candidates = _candidates(paper, inputs, max_chars)
    own = [c for c in candidates if c.sentence.language == inputs.language]
    result = _best_result(own) or _best_result(candidates)
    others = sorted((c for c in own if c is not result and c.sentence.text != (result and result.sentence.text)),
                    key=lambda c: (-c.contribution, c.order))
    if result is None:  # no named result anywhere: the contribution, and the sentence richest in numbers
        if not others or others[0].contribution <= -2:
            return ""
        result, others = others[0], sorted(others[1:], key=lambda c: (-bool(c.numbers), -c.contribution, c.order))
    chosen = [result]
    for c in others:
        if c.contribution > -2 and len(c.sentence.text) + 1 + len(result.sentence.text) <= max_chars:
            chosen.append(c)
            break
    return " ".join(c.sentence.text for c in sorted(chosen, key=lambda c: c.order))


def _best_result(candidates: Sequence[_Candidate]) -> _Candidate | None:
    stating = [c for c in candidates if c.results and not c.aside]
    return min(stating, key=lambda c: (-c.results, -c.claim, -c.about, c.order), default=None)


def _candidates(paper: PaperFacts, inputs: SummaryInputs, max_chars: int) -> list[_Candidate]:
    named = [m for m in paper.metrics if _is_named_result(m)]
    names = paper_names(paper)
    titles = [t for t in {paper.title, *(m.item_title for m in paper.primary_mentions)} if t and len(t) >= 12]
    texts = [*inputs.blurbs, *([inputs.abstract] if inputs.abstract else [])]
    found: list[_Candidate] = []
    for t, text in enumerate(texts):
        for s in split_sentences(text):
            s = _without_title(s, titles)
            if not is_sentence(s, max_chars):
                continue
            other_ids = [i for i in _ARXIV_ID.findall(s.text) if i != paper.arxiv_id]
            candidate = _Candidate(
                s, t, results=sum(states_metric(s.text, m) for m in named), numbers=len(_NUMBER.findall(s.text)),
                claim=bool(_CLAIM.search(s.text)),
                about=bool(_ABOUT.search(s.text)) or any(_names_word(s.text, n) for n in names),
                aside=bool(_ASIDE.search(s.text)) or bool(other_ids))
            repeated = next((n for n, c in enumerate(found) if _repeats(s.text, c.sentence.text)), None)
            if repeated is None:
                found.append(candidate)
            elif s.language == found[repeated].sentence.language and candidate.results > found[repeated].results:
                found[repeated] = candidate  # the same fact, told with its benchmark
    return found


def _without_title(s: Sentence, titles: Sequence[str]) -> Sentence:
    """A sentence that opens with the paper's title, as layouts with a title line before the blurb give it."""
    for title in titles:
        rest = s.text[len(title):].lstrip()
        # Only a title line fused with the next sentence ("DINOv2: ... Supervision The recent ..."); in
        # "Mistral 7B beats Llama 2" the title is the sentence's subject.
        if s.text.casefold().startswith(title.casefold() + " ") and len(rest) > 10 and not rest[0].islower():
            return Sentence(rest, s.language, s.position)
    return s


def _repeats(sentence: str, earlier: str) -> bool:
    """The same fact again: another newsletter's wording, or its translation (mostly the same numbers)."""
    numbers, before_numbers = set(_LONE_NUMBER.findall(sentence)), set(_LONE_NUMBER.findall(earlier))
    shared = numbers & before_numbers
    if len(shared) >= 2 and len(shared) >= 0.6 * len(numbers | before_numbers):
        return True
    words, before = ({w[:5] for w in re.findall(r"\w{3,}", t.casefold())} for t in (sentence, earlier))
    return bool(words and before) and len(words & before) >= 0.7 * min(len(words), len(before))


def _is_named_result(m: MetricFact) -> bool:
    return (m.kind in ("score", "relative") or bool(m.direction)) and bool(chip_name(m))


def states_metric(sentence: str, m: MetricFact) -> bool:
    """The sentence gives the metric's number and its name (every word of three letters or more)."""
    values = {float(n.replace(",", "")) for n in _NUMBER.findall(sentence) if n.replace(",", "").count(".") <= 1}
    if not any(abs(v - m.value) < 1e-6 for v in values):
        return False
    words = [w for w in re.findall(r"[\w@+.-]+", (m.name or "").casefold()) if len(w) >= 3] or [(m.name or "")]
    text = sentence.casefold()
    return all(w.strip(".") in text for w in words)


def paper_names(paper: PaperFacts) -> set[str]:
    """Short names the paper goes by: the part of its titles before a colon or dash ("SWE-agent", "OpenVLA")."""
    names = set()
    for title in [paper.title, *(m.item_title for m in paper.primary_mentions)]:
        m = _TITLE_NAME.match(" ".join((title or "").split()))
        if m and len(m.group(1).split()) <= 4:
            names.add(m.group(1).strip())
        capitals = [w for w in (m.group(1).split() if m else []) if w[:1].isupper()]
        if len(capitals) >= 3:  # "Direct Preference Optimization": DPO
            names.add("".join(w[0] for w in capitals))
    return {n for n in names if len(n) >= 3}


def _names_word(text: str, name: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text) is not None


def tldr_problem(text: str, lang: str, max_chars: int = TLDR_CHARS) -> str | None:
    """What keeps `text` from being a TL;DR in `lang` (None when nothing does): empty, over `max_chars`
    characters or `TLDR_SENTENCES` sentences, a piece that is no whole sentence, another language."""
    pieces = split_sentences(text)
    if not text or len(text) > max_chars or len(pieces) > TLDR_SENTENCES:
        return f"{len(text)} characters, {len(pieces)} sentences"
    cut = next((s.text for s in pieces if not is_sentence(s, max_chars)), None)
    if cut is not None:
        return f"not a whole sentence: {cut[:60]!r}"
    if language(text) != lang:
        return f"written in {language(text)}, the blurb in {lang}"
    return None


LLM_MAX_FAILURES = 3


class LlmSummariser:
    """One chat-completions call per paper; an endpoint failure or an answer that breaks the rules falls back
    to `fallback` (logged); after `LLM_MAX_FAILURES` endpoint failures in a row, only `fallback` is asked."""

    def __init__(self, client: httpx.Client, url: str, model: str, *, api_key: str | None = None,
                 fallback: Summariser | None = None, owns_client: bool = False) -> None:
        self.client, self.url, self.model = client, url.rstrip("/"), model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.fallback = fallback or ExtractiveSummariser()
        self.owns_client = owns_client
        self.failures = 0  # answers not used, for any reason
        self.endpoint_failures = 0  # in a row
        self.answered = 0

    def prompt(self, paper: PaperFacts) -> str:
        inputs = summary_inputs(paper)
        lang = "Korean" if inputs.language == "ko" else "English"
        parts = [f"Title: {paper.display_title}", *(f"Newsletter blurb: {b}" for b in inputs.blurbs),
                 *([f"arXiv abstract: {inputs.abstract}"] if inputs.abstract else [])]
        return (f"Write a TL;DR of this paper for a researcher, in {lang}: at most {TLDR_SENTENCES} complete "
                f"sentences and at most {TLDR_CHARS} characters in all. Say what the paper contributes and its "
                "headline result, with the number and the benchmark it was measured on. Use only facts from the "
                "text below. Plain text only, no markdown.\n\n" + "\n\n".join(parts)[:6000])

    def tldr(self, paper: PaperFacts) -> str:
        if self.endpoint_failures >= LLM_MAX_FAILURES:
            return self.fallback.tldr(paper)
        try:
            text = self._ask(paper)
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as e:
            self.failures += 1
            self.endpoint_failures += 1
            log.warning("LLM summary of %s failed (%s: %s); using the extractive summary%s", paper.arxiv_id,
                        type(e).__name__, e, "; the endpoint is not asked again this run"
                        if self.endpoint_failures >= LLM_MAX_FAILURES else "")
            return self.fallback.tldr(paper)
        self.endpoint_failures = 0
        problem = tldr_problem(text, summary_inputs(paper).language)
        if problem:
            self.failures += 1
            log.warning("LLM summary of %s not used (%s); using the extractive summary", paper.arxiv_id, problem)
            return self.fallback.tldr(paper)
        self.answered += 1
        return text

    def _ask(self, paper: PaperFacts) -> str:
        response = self.client.post(f"{self.url}/chat/completions", headers=self.headers, json={
            "model": self.model, "temperature": 0,
            "messages": [{"role": "user", "content": self.prompt(paper)}],
        })
        response.raise_for_status()
        text = response.json()["choices"][0]["message"]["content"]
        if not isinstance(text, str):
            raise TypeError(f"answer of type {type(text).__name__}")
        return " ".join(text.split())

    def close(self) -> None:
        if self.owns_client:
            self.client.close()


class OncePerPaper:
    """One TL;DR per paper for the life of this object (a run): the wrapped summariser is asked once."""

    def __init__(self, inner: Summariser) -> None:
        self.inner, self.done = inner, {}

    def tldr(self, paper: PaperFacts) -> str:
        if paper.arxiv_id not in self.done:
            self.done[paper.arxiv_id] = self.inner.tldr(paper)
        return self.done[paper.arxiv_id]

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()


def has_results(paper: PaperFacts) -> bool:
    """It reports a named score or change (a chip a reader can compare)."""
    return any(c.is_result for c in make_chips(paper.metrics))


def summarise_paper(paper: PaperFacts, summariser: Summariser) -> Summary:
    links = [Link("Paper", paper.abs_url), Link("PDF", paper.pdf_url or f"https://arxiv.org/pdf/{paper.arxiv_id}")]
    if paper.code_urls:
        links.append(Link("Code", paper.code_urls[0]))
    newsletters: dict[str, Link] = {}
    for m in paper.mentions:
        # An email newsletter has no address of its own: its name, not the paper link it carried.
        url = m.doc_url if m.doc_url and m.doc_url.startswith(("http://", "https://")) else ""
        label = m.doc_title or m.source
        newsletters.setdefault(url or label, Link(label, url))
    return Summary(arxiv_id=paper.arxiv_id, title=paper.display_title, tldr=summariser.tldr(paper),
                   metrics=tuple(c.text for c in make_chips(paper.metrics)), links=tuple(links),
                   newsletters=tuple(newsletters.values()), authors=paper.authors, categories=paper.categories)


def make_summariser(llm: LlmSettings, api_key: str | None = None, client: httpx.Client | None = None) -> Summariser:
    """The LLM summariser when `[alerts.llm]` is enabled (falling back to extractive), else extractive."""
    if not llm.enabled:
        return ExtractiveSummariser()
    owns = client is None
    client = client or httpx.Client(timeout=llm.timeout_seconds)
    return LlmSummariser(client, llm.url, llm.model, api_key=api_key, owns_client=owns)
