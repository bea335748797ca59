"""Which words name a benchmark and which a model: curated benchmark names ("MMLU-Pro", "AIME 2024"), unseen
ones written like a benchmark ("on IMO-AnswerBench", "the Vicuna benchmark", "SVAMP (+11.0%)", "PPI 데이터셋",
a name before each score of a list: "Cora 81.5%, Citeseer 70.3%"), and names
that look like a model ("DeepSeek-R1", "LLaMA3") as opposed to hardware or formats ("H100", "FP8").

Runs inside the metric reader's naming and subject stages (`extractors.metric_names`,
`extractors.metric_context`) and its unit stage ("8.9 on MT-Bench" is a score); pure. Every function reads
a window (start, end) of the text chosen by its caller. The names themselves are in `extractors.metric_words`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from extractors.metric_spans import clause_end
from extractors.metric_words import (
    ADJECTIVE_SUFFIXES,
    BENCHMARK_NOUNS,
    BENCHMARK_PREPOSITIONS,
    BENCHMARKS,
    CASED_BENCHMARKS,
    CASED_SCORE_UNITS,
    FLOP_UNIT,
    KO_BENCHMARK_NOUNS,
    KO_BENCHMARK_PARTICLES,
    KO_DATASET_NOUNS,
    KO_ON,
    LIST_JOINS,
    MODEL_FAMILIES,
    NOT_NAMES,
    QUALIFIED_BENCHMARKS,
    SCORE_UNIT_WORDS,
    STOPWORDS,
    alternation,
)
from extractors.prefilter import CASE_BLIND_EXTRAS, first_words


def _by_first_letter(names: tuple[str, ...]) -> str:
    """`names` as one case-blind alternation, grouped by first letter behind a character class of that letter's
    cases: the same matches as "(?i:a|b|...)", but at each word the engine tries only the names that open with
    its letter, not every name (the list is long, and is tried at every word of every sentence with a number)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(names, key=len, reverse=True):
        groups.setdefault(name[0].lower(), []).append(name)
    branches = []
    for first, members in groups.items():
        cases = {first, first.upper(), *(c for c in CASE_BLIND_EXTRAS if re.fullmatch(re.escape(first), c, re.I))}
        rests = "|".join(re.escape(n[1:]) for n in members)
        branches.append(f"[{''.join(sorted(re.escape(c) for c in cases))}](?i:{rests})")
    return "|".join(branches)


# Boundaries are ASCII-only: in Korean a particle follows the name directly ("MMLU에서"). A known name with a
# split or variant glued on by a hyphen is one name ("miniF2F-test", "GSM8K-Platinum"), but not one made an
# adjective ("MMLU-style prompts") or a model by its size ("Vicuna-13B").
_VARIANT = (
    rf"(?:-(?!(?:{alternation(ADJECTIVE_SUFFIXES)}|\d+(?:\.\d+)?[BMT])(?![A-Za-z0-9]))[A-Za-z0-9]+)*"
    r"(?:\s?v\d+(?:\.\d+)?(?!\.?\d))?"  # (and a release: "LiveCodeBench v5", "BFCL v3", "MT-Bench v2.1")
)
# A curated name whose last part is a number is as often written without its hyphen ("CIFAR10", "WikiText103")
_UNHYPHENATED = tuple(
    {re.sub(r"-(?=\d+$)", "", n) for n in BENCHMARKS if re.search(r"[A-Za-z]-\d+$", n)} - set(BENCHMARKS)
)
# (the lookahead, a class of every character a name opens with, lets the scan pass over the others quicker)
_OPENERS = "".join(
    sorted({n[0] for n in (*BENCHMARKS, *CASED_BENCHMARKS) if not n[0].isascii()} | set(CASE_BLIND_EXTRAS))
)
_KNOWN = re.compile(
    rf"(?=[A-Za-z0-9{_OPENERS}])(?<![A-Za-z0-9-])(?:{'|'.join(QUALIFIED_BENCHMARKS)}"
    r"|" + _by_first_letter((*BENCHMARKS, *_UNHYPHENATED)) +
    r"|" + "|".join(CASED_BENCHMARKS) + rf"){_VARIANT}(?![A-Za-z0-9-])"
)
# (it opens with the prepositions, so that the scan jumps to where one starts)
_ON_KNOWN = re.compile(rf"\b(?:on|in|across)\s+(?:the\s+)?(?P<name>{_KNOWN.pattern})")
# Unseen benchmarks: a CamelCase, hyphenated or upper-case name after "on"/"in", or any capitalised
# name followed by "benchmark" ("on IMO-AnswerBench", "on the Vicuna benchmark").
# (and a lower-case name with a capital and then a lower-case letter inside: "nuScenes", "iNaturalist", not an
# acronym with a prefix such as "vLLM" or "xLSTM", which name systems)
_NAMEISH_PATTERN = (
    r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*|[A-Z][A-Z0-9]{2,}"
    r"|[a-z]+[A-Z](?=[\w-]*[a-z])[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
)
_NAMEISH = re.compile(_NAMEISH_PATTERN)
def _capitalized(nouns: tuple[str, ...]) -> str:
    """`nouns` as an alternation that also takes each capitalised, as in a name ("the Open LLM Leaderboard")."""
    return alternation({v for noun in nouns for v in (noun, noun[0].upper() + noun[1:])})


_GENERIC_BRANCHES = (
    rf"\b(?i:{alternation(BENCHMARK_PREPOSITIONS)})\s+(?:the\s+)?(?P<a>{_NAMEISH_PATTERN})(?![A-Za-z0-9-])",
    rf"\b(?P<b>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:{_capitalized(BENCHMARK_NOUNS)})\b",
    rf"(?P<c>[A-Za-z][\w-]*)\s?(?:{alternation(KO_BENCHMARK_NOUNS)})",
    rf"(?<![A-Za-z0-9-])(?P<d>{_NAMEISH_PATTERN})(?={alternation(KO_ON)}|\s?(?:{alternation(KO_DATASET_NOUNS)}))",
)
# A word each of the last three branches needs (in the lowered window): a window without it is scanned without that
# branch, which would try (and fail) at every capitalised word or every word. (The last takes a name written like a
# benchmark before "에서" or a data set's noun: "Tau2-Bench에서", "PPI 데이터셋")
_GENERIC_NEEDS = (first_words(BENCHMARK_NOUNS), first_words(KO_BENCHMARK_NOUNS), (*KO_ON, *KO_DATASET_NOUNS))
_GENERIC = {
    (b, c, d): re.compile("|".join(p for p, on in zip(_GENERIC_BRANCHES, (True, b, c, d), strict=True) if on))
    for b in (False, True) for c in (False, True) for d in (False, True)
}
_NOT_NAMES = re.compile(rf"^(?:{'|'.join(NOT_NAMES)})$")
# After "on", a model is as likely as a benchmark ("a 2x speedup on Llama-3-8B"): model families and
# names carrying a size are not taken for benchmarks.
_MODEL_FAMILY = re.compile(rf"^(?:{'|'.join(MODEL_FAMILIES)}|o\d)|\d+(?:\.\d+)?[BMK](?:-|$)")
_MODEL = re.compile(
    # (the lookahead passes over names with neither a digit nor an inner capital, which `looks_like_model`
    # would turn down: it changes no answer, but spares the calls. Its runs are possessive: what follows a run
    # of lower-case letters, or of their joins, is never one of them, so giving one back never matches, and the
    # scan of every word's letters would otherwise try it: 40% of the scan)
    r"(?<![A-Za-z0-9-])(?=[A-Za-z][a-z]*+(?:[-.](?=[A-Za-z0-9])[a-z]*+)*+[A-Z0-9])"
    r"(?P<m>[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)(?:\s(?P<size>\d+(?:\.\d+)?[BM]))?"
    r"(?![A-Za-z0-9-])"
)
# (it opens with the names, so that the scan jumps to where one starts; what precedes one is checked after)
_FAMILY_MODEL = re.compile(
    rf"(?:{'|'.join(MODEL_FAMILIES)})\s\d+(?:\.\d+)?[BM]?(?:\s(?:\d+(?:\.\d+)?[BM]|[A-Z][a-z]+))?(?![A-Za-z0-9-])"
)
# "FLOP-controlled", "GPT-style", "tokenizer-based" are adjectives, not models
_ADJECTIVE_SUFFIX = re.compile(rf"-(?:{alternation(ADJECTIVE_SUFFIXES)})$")
_NOT_MODEL = re.compile(rf"[A-Z]+\d*s?|{FLOP_UNIT}|v\d+")
_LONGEST_NAME = 40  # characters: the longest curated name is "Humanity's Last Exam" (20)
_SIGNED_GAP = re.compile(r"\s?\(\s?[+−-]$")
_NAME_AT_END = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
_ADJACENT_GAP = re.compile(rf"(?:{alternation(KO_BENCHMARK_PARTICLES)})?\s*[(:=]?\s*$")
_LONGEST_PARTICLE = max(map(len, KO_BENCHMARK_PARTICLES))


def benchmark_after(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The first benchmark named after a score, within its clause, and where its name ends:
    "79.8% pass@1 on AIME 2024"."""
    found = _benchmarks(text, start, clause_end(text, start, end))
    return (found[0][2], found[0][1]) if found else None


def known_benchmark_after(text: str, start: int, end: int) -> str | None:
    """The first curated benchmark named after a number, within its clause, after "on", "in" or "across":
    "faster decoding on MT-Bench"."""
    m = _ON_KNOWN.search(text, start, clause_end(text, start, end))
    return m.group("name") if m else None


def benchmark_before(text: str, start: int, end: int) -> str | None:
    """The last benchmark named before a score in its sentence: "On HellaSwag, it reaches 89%"."""
    found = _benchmarks(text, start, end)
    return found[-1][2] if found else None


_FROM = re.compile(r"\bfrom\s*$", re.I)
_FROM_REACH = 60  # characters before "from" that its benchmark may stand in
_FROM_GAP_WORDS = 3  # words between the benchmark and "from" ("MultiArith accuracy from", "on MATH from")


def benchmark_before_from(text: str, start: int, end: int) -> str | None:
    """The benchmark a score changes on, named in the few words right before the "from" that opens the score
    ("took MultiArith from 17.7% to 78.7%", "pass@1 on HumanEval from 48%"): the pair's own benchmark, even
    where the sentence names another after the pair ("... and GSM8K from 10.4% to 40.7%")."""
    m = _FROM.search(text, max(start, end - 8), end)
    if m is None:
        return None
    found = _benchmarks(text, max(start, m.start() - _FROM_REACH), m.start())
    if found:
        gap = text[found[-1][1] : m.start()]
        return found[-1][2] if len(gap.split()) <= _FROM_GAP_WORDS and not any(c in gap for c in ",;:.()") else None
    # an unseen name written like a benchmark (a capital or digit inside) right before "from": what changed
    name = _NAME_AT_END.search(text, max(start, m.start() - _LONGEST_NAME), m.start() - 1)
    if name and any(c.isupper() or c.isdigit() for c in name.group()[1:]) and _benchmark_like(name.group()):
        return name.group()
    return None


def benchmark_adjacent(text: str, start: int, end: int) -> str | None:
    """A benchmark right before the number: a known one ("MMLU: 56%", "HellaSwag (89.1%)", "GPQA에서 71.5%"),
    or any name with a capital or digit inside it before a signed change in parentheses ("SVAMP (+11.0%)")."""
    if start >= end:
        return None  # (the score's window is empty: an earlier score took the name after it)
    near = max(start, end - 16)  # the gap is short: look for it near the number first
    gap = _ADJACENT_GAP.search(text, near, end)
    if near > start and gap.start() <= near + _LONGEST_PARTICLE:
        gap = _ADJACENT_GAP.search(text, start, end)  # it may run on further back
    at = gap.start()
    # a name ends where the gap starts, and no name is longer than _LONGEST_NAME
    found = [b for b in _KNOWN.finditer(text, max(start, at - _LONGEST_NAME), at) if b.end() == at]
    if found:
        return found[-1].group()
    # A list of signed gains, each after its benchmark: "GSM8K (+17.9%), SVAMP (+11.0%), AQuA (+12.2%)". The
    # sign says the number is a change on what is named, so an unseen name written like a benchmark counts.
    signed = _SIGNED_GAP.search(text, max(start, end - 4), end)
    name = signed and _NAME_AT_END.search(text, max(start, signed.start() - _LONGEST_NAME), signed.start())
    if name and any(c.isupper() or c.isdigit() for c in name.group()[1:]) and _benchmark_like(name.group()):
        return name.group()
    return None


# ("MMLU, GSM8K and MATH", "MMLU와 GSM8K": only a join and spaces between two items; "and" needs a space)
LIST_JOIN = re.compile(
    rf"\s*(?:{alternation(j for j in LIST_JOINS if not j[-1].isalpha() or not j.isascii())}|"
    rf"(?:,\s*)?\b(?:{alternation(j.strip(', ') for j in LIST_JOINS if j[-1].isascii() and j[-1].isalpha())})\b)\s*"
)


# "Cora 81.5%, Citeseer 70.3% and Pubmed 79.0%", "REDDIT-BINARY 92.4%, COLLAB 80.2%": scores listed each right
# after a name of its own, written as names are (a capital first)
_LISTED = r"(?P<name>[A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\s?:?\s?"
_LISTED_FIRST = re.compile(rf"(?<![\w.-]){_LISTED}$")
_LISTED_NEXT = re.compile(rf"(?:{LIST_JOIN.pattern}){_LISTED}")
_LONGEST_LISTED = 40  # characters back from the first score that its name may start


def listed_name_before(text: str, start: int, end: int) -> str | None:
    """The name right before the first score of a list ("|Cora| 81.5%, Citeseer 70.3%"), within text[start:end]."""
    m = _LISTED_FIRST.search(text, max(start, end - _LONGEST_LISTED), end)
    return m.group("name") if m and _listed_name_ok(m.group("name")) else None


def listed_name_between(text: str, start: int, end: int) -> str | None:
    """The name of the next score of a list, when text[start:end] is a join and that name only ("81.5%|, Citeseer
    |70.3%"). A name is written like a benchmark, not like a model ("GPT-4o 53.6%, o1 83.3%" lists models)."""
    m = _LISTED_NEXT.fullmatch(text, start, end)
    return m.group("name") if m and _listed_name_ok(m.group("name")) else None


def _listed_name_ok(name: str) -> bool:
    if name.lower() in STOPWORDS or not _benchmark_like(name) or _KNOWN.fullmatch(name) is None and (
            looks_like_model(name) and not name.replace("-", "").isupper()):
        return False  # (an acronym in capitals is a data set's name far more often than a model's: "REDDIT-BINARY")
    return True


def benchmark_lists(text: str, start: int, end: int) -> list[list[tuple[int, int, str]]]:
    """The lists of two benchmarks or more in text[start:end], each as its names in order: "on MMLU, GSM8K
    and MATH", "MMLU와 GSM8K에서"."""
    lists: list[list[tuple[int, int, str]]] = []
    for found in _benchmarks(text, start, end):
        if lists and LIST_JOIN.fullmatch(text, lists[-1][-1][1], found[0]):
            lists[-1].append(found)
        else:
            lists.append([found])
    return [names for names in lists if len(names) > 1]


def is_known_benchmark(name: str) -> bool:
    """True when `name` opens with a benchmark of the curated list: "MMLU", "GPQA Diamond (%)"."""
    return _KNOWN.match(name) is not None


def known_benchmarks_in(text: str) -> list[str]:
    """The curated benchmarks `text` names, each once, in order ("SWE-bench Verified", "MTEB")."""
    return list(dict.fromkeys(m.group(0) for m in _KNOWN.finditer(text)))


def is_known_benchmark_name(name: str) -> bool:
    """True when `name` is a curated benchmark's name and nothing more: "MMLU", not "MMLU (%)"."""
    return _KNOWN.fullmatch(name) is not None


def known_benchmark_at(text: str, pos: int) -> int | None:
    """Where the curated benchmark whose name starts at `pos` ends: "0.47 |WikiText-2| perplexity"."""
    m = _KNOWN.match(text, pos)
    return m.end() if m else None


def starts_with_benchmark(text: str, pos: int) -> bool:
    """True when a benchmark's name starts at `pos`: "8.9 on |MT-Bench"."""
    if _KNOWN.match(text, pos):
        return True
    m = _NAMEISH.match(text, pos)
    return m is not None and _benchmark_like(m.group())


def _benchmarks(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Benchmark names in text[start:end], in order, none overlapping: a known name wins over a guess
    ("On the SWE-bench Verified benchmark" is one name, not "SWE-bench" and "Verified")."""
    found = [(m.start(), m.end(), m.group(), 0) for m in _KNOWN.finditer(text, start, end)]
    window = text[start:end].lower()
    generic = _GENERIC[tuple(any(w in window for w in words) for words in _GENERIC_NEEDS)]
    for m in generic.finditer(text, start, end):
        group = m.lastgroup  # each branch has one group
        if group not in ("a", "d") or _benchmark_like(m.group(group)):
            found.append((m.start(group), m.end(group), m.group(group), 1))
    kept: list[tuple[int, int, str]] = []
    for first, last, name, _ in sorted(found, key=lambda f: (f[3], f[0])):
        overlaps = any(first < k[1] and last > k[0] for k in kept)
        if not overlaps and not _NOT_NAMES.match(name) and name.lower() not in STOPWORDS:
            kept.append((first, last, name))
    return sorted(kept)


def _benchmark_like(name: str) -> bool:
    return not (_NOT_NAMES.match(name) or _MODEL_FAMILY.search(name) or _ADJECTIVE_SUFFIX.search(name))


def models(text: str, start: int, end: int) -> Iterator[tuple[int, int, int, str]]:
    """Each model-like name in text[start:end] as (match start, name end, end with its size, name with its size
    if written after it: "Qwen2.5 7B"), in order, found as they are asked for; a family with its version
    counts too ("Llama 3 70B", "Mistral 7B", "Claude 3.5 Sonnet")."""
    families = (m for m in _FAMILY_MODEL.finditer(text, start, end) if not _glued_before(text, m.start()))
    family = next(families, None)
    for m in _MODEL.finditer(text, start, end):
        name = m.group("m")
        if not looks_like_model(name) or _KNOWN.fullmatch(name):
            continue
        while family is not None and family.start() < m.start():
            yield family.start(), family.end(), family.end(), family.group()
            family = next(families, None)
        yield m.start(), m.end("m"), m.end(), name + (" " + m.group("size") if m.group("size") else "")
    while family is not None:
        yield family.start(), family.end(), family.end(), family.group()
        family = next(families, None)


def _glued_before(text: str, pos: int) -> bool:
    """Whether a letter, digit or hyphen (ASCII) is right before `pos`: the name there is part of a longer one."""
    before = text[pos - 1 : pos] if pos else ""
    return before.isascii() and (before.isalnum() or before == "-")


@lru_cache(maxsize=4096)
def looks_like_model(name: str) -> bool:
    """"DeepSeek-R1", "LLaMA3", "vLLM", "GPT-4o": a digit or an inner capital; not "GPU", "H100", "FP8"."""
    if not (any(map(str.isdigit, name)) or any(map(str.isupper, name[1:]))):
        return False
    if name in CASED_SCORE_UNITS or name.lower() in SCORE_UNIT_WORDS:
        return False  # "mAP", "mIoU": units of a score
    if "-" in name and _NOT_NAMES.match(name.split("-", 1)[0]) and name.split("-", 1)[1].islower():
        return False  # "KV-cache", "GPU-hours": a part or a machine with a common noun
    return not (_NOT_NAMES.match(name) or _ADJECTIVE_SUFFIX.search(name) or _NOT_MODEL.fullmatch(name))
