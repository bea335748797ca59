"""The metric reader's third stage: numbers with their units become drafts of metrics. Two numbers of one
unit make a range ("50-73%", "between 2.2 and 3.6 times") or, split by a slash, two results ("1.8/3.3 WER");
a bare size takes its unit from its neighbours
("7B, 13B and 70B parameters", "of which only 12B are active", "14B of its 142B parameters", "DeepSeek-V3
(671B)", "Magistral Small (24B)", "a 65B LLaMA"); and what only looks
like a metric is dropped (a size inside a model's name such as "Llama 2 70B", a year or a label taken for a
count, a price, and every number of a sentence that reports the writer's own run of the method: "our own
fine-tune took 14 hours", "Mira's re-run gave 37.4% AP", "저희 스터디에서 다시 돌렸을 때 80.9%").

Runs inside `extractors.metrics`, once per blurb; pure.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extractors import metric_benchmarks as benchmarks
from extractors.metric_benchmarks import LIST_JOIN
from extractors.metric_spans import sentence_of
from extractors.metric_units import Reading, read_unit, read_unit_before
from extractors.metric_words import (
    CURRENCY_CODES,
    CURRENCY_SIGNS,
    EVAL_ITEM_NOUNS,
    KO_ACTIVE,
    KO_EVAL_ITEM_NOUNS,
    KO_OWN_RUN_PHRASES,
    KO_SERIES_NOUNS,
    LABEL_WORDS,
    MAGNITUDE_WORDS,
    MODEL_FAMILIES,
    MODEL_NOUNS,
    MOE_PART_WORDS,
    OWN_RUN_PHRASES,
    RANGE_QUALIFIERS,
    RERUN_WORDS,
    RUN_OWNERS,
    SERIES_NOUNS,
    STOPWORDS,
    alternation,
)
from extractors.numbers import Quantity, looks_like_year
from extractors.sentences import BREAK_AHEAD

_RANGE_GAP = re.compile(
    rf"(?:\s?[-–—~]\s?|\s+(?:to|and)\s+(?:(?:{alternation(RANGE_QUALIFIERS)})\s+)?|(?:에서|부터)\s*(?:최대\s*)?)$"
)
_INHERITABLE = {"params": "parameters", "tokens": "tokens", "bytes": "bytes"}
# "of which only 12B are active", "12 billion of them are activated", "37B activated per token"
_ACTIVE = re.compile(r"\s+(?:\w+\s+){0,3}?(?:(?:are|is|were|being)\s+(?:\w+\s+)?)?activ", re.IGNORECASE)
_PART_AFTER = re.compile(
    r"\s+(?:of\s+(?:them|those|these|which)\b|(?:are|is|were|was|being|get|gets|remain)\b|activ)", re.IGNORECASE
)
_PART_BEFORE = re.compile(r"\b(?:of\s+which|of\s+them|whereas|while|but|with)\s+(?:only\s+|just\s+)?$", re.IGNORECASE)
_KO_AMONG = re.compile(r"(?<![가-힣])중\s*$")
_KO_AMONG_AFTER = re.compile(r"\s?(?:의\s?)?(?:[가-힣]+\s)?중(?:에서|에)?(?![가-힣])")
# "355B total / 32B active", "236B in total", "a 3B-active model", "51억 개만 활성화": the part of a model's
# parameters a bare size is
_MOE_PART = re.compile(rf"(?:-|\s+(?:in\s+)?)(?P<part>{alternation(MOE_PART_WORDS)})\b", re.IGNORECASE)
_KO_MOE_ACTIVE = re.compile(rf"\s?(?:만|가|이|는|의)?\s*(?:매개변수|파라미터)?\s*{KO_ACTIVE}")
# "토큰당 10억 개만 사용하는": the part used per token is the active part
_KO_USED = re.compile(r"\s?(?:만|씩)?\s*(?:사용|쓰)")
_KO_PER_TOKEN = re.compile(r"토큰\s?(?:당|마다)\s*$")
# "DeepSeek-V3 (671B)", "Magistral Small (24B)": a model's name, coined or capitalised words, then its size
_SIZE_IN_PARENS = re.compile(r"(?P<model>[A-Za-z][\w.-]*[\dA-Z][\w.-]*|[A-Z][a-z]+(?:\s[A-Z][\w.-]*){1,2})\s?\($")
# "14B of its 142B parameters", "37B out of 671B": a bare size that is part of the size after it
_PART_OF_WHOLE = re.compile(r"\s+(?:out\s+)?of\s+(?:(?:its|the|their|all)\s+)?(?:total\s+)?", re.IGNORECASE)
_MAGNITUDE_WORD = re.compile(rf"(?:{alternation(MAGNITUDE_WORDS)})$", re.IGNORECASE)
_TO_BEFORE = re.compile(r"\bto\s$")
_LIST_GAP = re.compile(rf"(?:{LIST_JOIN.pattern})$")  # ("7B, 13B and 70B", "7B와 70B")
_PRICED = re.compile(rf"[{re.escape(CURRENCY_SIGNS)}]|{alternation(CURRENCY_CODES)}")  # (in every price)
_CURRENCY_BEFORE = re.compile(rf"(?:[{re.escape(CURRENCY_SIGNS)}]|\b(?:{alternation(CURRENCY_CODES)}))\s?$")
# "top 10 papers" ranks and "Table 4 lists" labels: neither counts anything
_LABEL_BEFORE = re.compile(rf"\b(?:{alternation(LABEL_WORDS)})[\s-]+$", re.IGNORECASE)
_FAMILY = re.compile(rf"(?:{'|'.join(MODEL_FAMILIES)})$")
_ARTICLE_BEFORE = re.compile(r"(?<![\w-])(?:a|an|the|one|each)\s+$", re.IGNORECASE)
_FAMILY_AFTER = re.compile(rf"\s+(?:{'|'.join(MODEL_FAMILIES)})(?![\w.-]*\s?\d)")  # not "a 7B Llama 2"
_MODEL_NAME_BEFORE = re.compile(r"(?<![\w.-])(?P<prev>[A-Za-z][\w.-]*)(?:\s+(?P<version>\d+(?:\.\d+)?))?\s+$")
_SIZE_SUFFIX = re.compile(r"[\d.]+[KMBT]\b")
# (an owner is a possessive ending, glued to a name, or a word: "Mira's re-run", "our 7B rerun")
_RUN_OWNER = "|".join(re.escape(o) if not o[0].isalpha() else rf"\b{o}" for o in RUN_OWNERS)
_OWN_RUN = re.compile(
    rf"(?<![\w'-])(?:{alternation(OWN_RUN_PHRASES)})(?![\w'-])|{alternation(KO_OWN_RUN_PHRASES)}"
    rf"|(?:{_RUN_OWNER})\s+(?:[\w-]+\s+)?(?:{alternation(RERUN_WORDS)})\b"
)


class Draft(NamedTuple):
    """A metric before its name and context are read. `start`/`end` span the whole phrase (both ends of a
    range); `unit` is "" for a bare size ("12B") still waiting for a unit from its neighbours. (A named
    tuple: one is made for nearly every number.)"""

    value: float
    unit: str
    kind: str
    start: int
    end: int
    number: Quantity
    noun: str | None = None
    role: str | None = None  # "range-low" | "range-high"
    implied: bool = False  # the unit was not written next to the number: "a 7B model", "of which 12B"
    subject: str | None = None  # the model a size belongs to, where the text pins it: "DeepSeek-V3 (671B)"
    out_of: float | None = None  # the whole a count is part of: "49 of the 658 problems", "148문제 중 5문제"


def read_drafts(text: str, quantities: list[Quantity], sentences: list[tuple[int, int]]) -> list[Draft]:
    """The drafts of the metrics `text` reports, in order: units read, ranges paired, bare sizes given the unit
    of their neighbours, and what only looks like a metric dropped."""
    readings = [read_unit(text, q) for q in quantities]
    return _keep(text, _inherit(text, _drafts(text, quantities, readings), sentences), sentences)


# --- numbers with their units ----------------------------------------------------------------------------


def _drafts(text: str, quantities: list[Quantity], readings: list[Reading]) -> list[Draft]:
    drafts: list[Draft] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        if i + 1 < len(quantities) and (pair := _slashed(text, q, readings[i], quantities[i + 1], readings[i + 1])):
            drafts += pair
            i += 2
            continue
        if i + 1 < len(quantities) and (pair := _range(text, q, readings[i], quantities[i + 1], readings[i + 1])):
            drafts += pair
            i += 2
            continue
        if i + 1 < len(quantities) and readings[i + 1].unit == "count" and (
                part := _part_of(text, q, readings[i], quantities[i + 1], readings[i + 1])):
            drafts.append(part)
            i += 2
            continue
        if i + 1 < len(quantities) and (part := _elided_part(text, q, readings[i], quantities[i + 1], readings[i + 1],
                                                             drafts)):
            drafts.append(part)
            i += 2
            continue
        r = read_unit_before(text, q, readings[i])
        if r.unit is not None and not r.excluded:
            drafts.append(Draft(q.value, r.unit, r.kind or "size", q.start, r.end, q, r.noun, implied=not r.explicit))
        elif r.unit is None and not r.excluded and q.scale > 1:
            drafts.append(Draft(q.value, "", "size", q.start, q.end, q, implied=True))
        i += 1
    return drafts


def _slashed(text: str, first: Quantity, fr: Reading, second: Quantity, sr: Reading) -> list[Draft] | None:
    """"1.8/3.3 WER on test-clean/test-other", "72.1/80.3%": two results split by a slash share the unit
    written after the second (two decimals: "3/4" is a fraction, "12/25" a date)."""
    if fr.unit is not None or sr.unit is None or sr.excluded or not _SLASH.fullmatch(text[first.end : second.start]):
        return None
    if "." not in text[first.start : first.end] or "." not in text[second.start : second.end]:
        return None
    kind = sr.kind or "score"
    return [Draft(first.value, sr.unit, kind, first.start, first.end, first, sr.noun),
            Draft(second.value, sr.unit, kind, second.start, sr.end, second, sr.noun)]


_SLASH = re.compile(r"\s?/\s?")


def _range(text: str, low: Quantity, lr: Reading, high: Quantity, hr: Reading) -> list[Draft] | None:
    """"50-73%", "2.7x to 3.5x", "between 2.2 and 3.6 times", "5 to 500 billion", "2.7배에서 최대 3.5배"."""
    if hr.unit is None or hr.excluded or lr.excluded or lr.unit not in (None, hr.unit):
        return None
    gap = text[lr.end if lr.unit else low.end : high.start]
    if not _RANGE_GAP.match(gap) or (gap.strip() == "and" and not text[: low.start].rstrip().endswith("between")):
        return None
    # "5 to 500 billion tokens": the low end is in billions too
    low_value = low.value * high.scale if lr.unit is None and low.scale == 1 and not low.word else low.value
    if low_value > high.value:
        return None
    kind = hr.kind or "size"
    return [
        Draft(low_value, hr.unit, kind, low.start, hr.end, low, hr.noun, "range-low"),
        Draft(high.value, hr.unit, kind, low.start, hr.end, high, hr.noun, "range-high"),
    ]


def _part_of(text: str, first: Quantity, fr: Reading, second: Quantity, sr: Reading) -> Draft | None:
    """A count of evaluation items written as a part of a whole is one result, the part: "49 of the 658
    problems", "12 out of 30 tasks", "140 / 164 problems", "148문제 중 5문제", "30개 중 12개의 과제"; the whole is the
    size of the test, not a result of its own."""
    if sr.unit != "count" or fr.excluded or sr.excluded or first.word or second.word:
        return None  # (the whole, or the part in Korean, is always a count)
    gap = text[fr.end : second.start]
    if fr.unit is None and sr.unit == "count" and _OUT_OF.fullmatch(gap) and first.value <= second.value:
        part, whole, noun, end = first, second, sr.noun, sr.end  # "49 of the 658 problems"
    elif fr.unit == sr.unit == "count" and _KO_OUT_OF.fullmatch(gap) and second.value <= first.value:
        part, whole, noun, end = second, first, sr.noun or fr.noun, sr.end  # "148문제 중 5문제"
    else:
        return None
    head = (noun or "").split()[-1:]
    if not head or not (head[0].lower() in EVAL_ITEM_NOUNS or head[0].startswith(KO_EVAL_ITEM_NOUNS)):
        return None  # "2 of 8 experts" are both facts of the model, not a score and its test
    return Draft(part.value, "count", "count", first.start, end, part, noun, out_of=whole.value)


def _elided_part(text: str, first: Quantity, fr: Reading, second: Quantity, sr: Reading,
                 drafts: list[Draft]) -> Draft | None:
    """A part of the same whole again, its noun left out: "10 of the 23 tasks, and Codex on 17 of the 23", "solves
    41 of 80 problems, and 52 of 80 with tools": the count of the part before it in the sentence, of its items."""
    last = drafts[-1] if drafts else None
    if last is None or last.out_of is None or last.out_of != second.value or fr.unit or sr.unit or first.word:
        return None
    if fr.excluded or sr.excluded or first.value > second.value or not _OUT_OF.fullmatch(text, first.end, second.start):
        return None
    between = text[last.end : first.start]
    if len(between) > 160 or BREAK_AHEAD.search(between) or _NOUN_AFTER.match(text, second.end):
        return None  # another sentence, or a noun of its own after the whole ("17 of the 23 runs")
    return Draft(first.value, "count", "count", first.start, second.end, first, last.noun, out_of=second.value)


_NOUN_AFTER = re.compile(r"\s+(?!(?:with|without|on|in|at|by|for|using|under|when|after|and|or|but|while)\b)"
                         r"[A-Za-z가-힣]", re.I)
_OUT_OF = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?|\s?/\s?")
_KO_OUT_OF = re.compile(r"\s?(?:의\s)?중\s?")


def _inherit(text: str, drafts: list[Draft], sentences: list[tuple[int, int]]) -> list[Draft]:
    """A bare "12B" takes its unit from its neighbours: from the next size in a list ("7B, 13B and 70B
    parameters"), from the size it is part of ("52B total parameters, of which only 12B are active"), from
    the model it follows in parentheses ("DeepSeek-V3 (671B)"), or, written "8 trillion", from an earlier
    size of that magnitude in its sentence.
    Any other bare size is dropped: in "LLaMA3 8B" it names a model."""
    drafts = _sized_models(text, _moe_parts(text, list(drafts), sentences))
    for i in range(len(drafts) - 2, -1, -1):
        d, after = drafts[i], drafts[i + 1]
        bare = not d.unit or (d.unit == "count" and d.noun is None and d.number.scale >= 1e6)  # "70억 개와"
        if bare and after.unit in _INHERITABLE and _LIST_GAP.match(text[d.end : after.start]):
            drafts[i] = d._replace(unit=after.unit, kind=after.kind, noun=after.noun)
        elif (not d.unit and after.unit in _INHERITABLE and d.number.scale >= 1e6 and d.value < after.value
              and _PART_OF_WHOLE.fullmatch(text[d.end : after.start])):
            drafts[i] = d._replace(unit=after.unit, kind=after.kind, noun=after.noun)  # "14B of its 142B parameters"
    for i, d in enumerate(drafts):
        if not d.unit and d.number.scale >= 1e6 and _ARTICLE_BEFORE.search(text, max(0, d.start - 8), d.start) \
                and _FAMILY_AFTER.match(text, d.end):  # "a 65B LLaMA": the size of the model named after it
            drafts[i] = d._replace(unit="params", noun="parameters", implied=False)
            continue
        # (the cheap tests first: the pattern is tried at every position of the 40 characters before the number)
        in_parens = not d.unit and d.number.scale >= 1e6 and text[d.end : d.end + 1] == ")"
        model = _SIZE_IN_PARENS.search(text, max(0, d.start - 40), d.start) if in_parens else None
        if model:  # "DeepSeek-V3 (671B)"
            drafts[i] = d._replace(unit="params", noun="parameters", implied=False, subject=model.group("model"))
            continue
        # "6710억 개의 매개변수 중 370억 개만": a bare Korean count among a size is part of it
        part_of = d.unit == "count" and d.noun is None and _KO_AMONG.search(text, max(0, d.start - 4), d.start)
        if not part_of and (d.unit or not (
                _PART_AFTER.match(text, d.end) or _PART_BEFORE.search(text, max(0, d.start - 40), d.start))):
            continue
        sentence_start = sentence_of(sentences, d.start)[0]
        whole = next((o for o in reversed(drafts[:i]) if o.unit in _INHERITABLE and o.start >= sentence_start), None)
        if whole is not None:
            active = whole.unit == "params" and _ACTIVE.match(text, d.end)
            noun = "active parameters" if active else whole.noun if part_of else _INHERITABLE[whole.unit]
            drafts[i] = d._replace(unit=whole.unit, kind=whole.kind, noun=noun)
    # "27B trained on 13 trillion tokens, the 9B model on 8 trillion", "from 4k to 100k tokens, or B to 32k": a
    # size with its magnitude as a word, or after "to", with nothing after it says the unit of the last size of
    # that magnitude written before it in its sentence
    for i, d in enumerate(drafts):
        if d.unit or not (_MAGNITUDE_WORD.search(text, d.number.start, d.number.end) or _TO_BEFORE.search(
                text, max(0, d.start - 4), d.start)):
            continue
        sentence_start = sentence_of(sentences, d.start)[0]
        like = next((o for o in reversed(drafts[:i]) if o.unit in _INHERITABLE and not o.implied
                     and o.start >= sentence_start and o.number.scale == d.number.scale), None)
        if like is not None:
            drafts[i] = d._replace(unit=like.unit, kind=like.kind, noun=like.noun)
    return [d for d in drafts if d.unit]


def _sized_models(text: str, drafts: list[Draft]) -> list[Draft]:
    """Two bare sizes or more, listed or as a range, right after or before a noun for models or a series of them,
    are the models' parameter counts: "dense models from 0.5B to 72B", "the Qwen series (7B, 14B and 72B)",
    "0.5B부터 72B까지의 밀집 모델", "Qwen 시리즈(7B·14B)". (One bare size names a model: "LLaMA3 8B".)"""
    groups: list[list[int]] = []
    for i, d in enumerate(drafts):
        if d.unit or d.number.scale < 1e6:
            continue
        last = drafts[groups[-1][-1]] if groups else None
        if last is not None and groups[-1][-1] == i - 1 and _SIZE_JOIN.fullmatch(text, last.end, d.start):
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in (g for g in groups if len(g) > 1):
        first, last = drafts[group[0]], drafts[group[-1]]
        if _MODELS_BEFORE.search(text, max(0, first.start - 32), first.start) or _MODELS_AFTER.match(text, last.end):
            for i in group:
                drafts[i] = drafts[i]._replace(unit="params", kind="size", noun="parameters", implied=False)
    return drafts


# (what joins two bare sizes of one set: a list's join or a range's gap: "7B, 14B and 72B", "0.5B to 72B", "7B·14B",
# "0.5B부터 72B")
_SIZE_JOIN = re.compile(rf"(?:{LIST_JOIN.pattern})|\s?[-–~]\s?|\s+to\s+|\s?(?:부터|에서)\s*")
_MODEL_WORDS = alternation((*(n for n in MODEL_NOUNS if n.endswith("s") or n in ("moe", "llm")), *SERIES_NOUNS))
_KO_MODEL_WORDS = alternation((*KO_SERIES_NOUNS, "모델"))
_MODELS_BEFORE = re.compile(
    rf"(?:\b(?i:{_MODEL_WORDS})\s*(?:\(|(?:from|of|in|sized|at)\s+)|(?:{_KO_MODEL_WORDS})\s?\()$"
)
_MODELS_AFTER = re.compile(
    rf"\)?(?:\s+(?:[A-Za-z-]+\s+)?(?i:{_MODEL_WORDS})\b|\s?(?:까지)?(?:의)?\s?(?:[가-힣]+\s)?(?:{_KO_MODEL_WORDS}))"
)


def _moe_parts(text: str, drafts: list[Draft], sentences: list[tuple[int, int]]) -> list[Draft]:
    """A bare size written as the total or the active part of a mixture of experts is a parameter count:
    "355B total / 32B active", "16B total and 3B activated", "토큰당 220억 개 활성". "Total" alone says so only
    in a sentence that speaks of active parameters ("2T total" may count tokens)."""
    for i, d in enumerate(drafts):
        if d.unit and d.unit != "count":
            continue  # (only a bare size, or a Korean count, may be a part)
        korean = d.unit == "count" and (_KO_MOE_ACTIVE.match(text, d.end) is not None or (
            _KO_USED.match(text, d.end) is not None and _KO_PER_TOKEN.search(text, max(0, d.start - 16), d.start)))
        if d.unit and d.noun is not None and not korean:
            continue  # (a count that names what it counts is no part, unless it is said to be active)
        m = _MOE_PART.match(text, d.end) if not d.unit and d.number.scale >= 1e6 else None
        if not (korean or m) or (korean and d.number.scale < 1e6):
            continue
        part = "active" if korean or m.group("part").lower() != "total" else "total"
        if part == "total":
            s_start, s_end = sentence_of(sentences, d.start)
            if "activ" not in text[s_start:s_end].lower():
                continue
        drafts[i] = d._replace(unit="params", kind="size", noun=f"{part} parameters", implied=False)
        # "4천억 개 중 170억 개가 활성": the bare count the active part is among is the total
        whole = drafts[i - 1] if korean and i else None
        if whole and whole.unit == "count" and whole.number.scale >= 1e6 and _KO_AMONG_AFTER.match(text, whole.end):
            drafts[i - 1] = whole._replace(unit="params", kind="size", noun="total parameters", implied=False)
    return drafts


# --- what only looks like a metric ----------------------------------------------------------------------


def _keep(text: str, drafts: list[Draft], sentences: list[tuple[int, int]]) -> list[Draft]:
    """Drop a size inside a model's name, a year or a label taken for a count, prices, and every number of a
    sentence that reports the writer's own run ("my own run took 9 hours and I got FID 11.3")."""
    kept = []
    own_runs: dict[tuple[int, int], bool] = {}  # (each sentence is read once)
    for d in drafts:
        q = d.number
        sentence = sentence_of(sentences, d.start)
        if sentence not in own_runs:
            own_runs[sentence] = _OWN_RUN.search(text, *sentence) is not None
        if own_runs[sentence]:
            continue
        near = text[max(0, q.start - 5) : q.start]
        if _PRICED.search(near) and _CURRENCY_BEFORE.search(near):
            continue
        if (d.implied or d.unit == "count") and _after_model_name(text, q.start):
            continue
        if d.unit == "count" and (
                _LABEL_BEFORE.search(text, max(0, q.start - 12), q.start) or looks_like_year(q, text)):
            continue
        kept.append(d)
    return kept


def _last_two_words_at(text: str) -> int:
    """Where the whitespace before the last two words of `text` starts (0 if it has fewer): a match of
    `_MODEL_NAME_BEFORE`, a word and perhaps a version number, starts after it."""
    head = text.rsplit(None, 2)
    return len(head[0]) if len(head) > 2 else 0


def _after_model_name(text: str, pos: int) -> bool:
    """True for "Llama 2 70B", "LLaMA3 8B", "Mistral 7B": the number is part of the model's name."""
    before = text[max(0, pos - 40) : pos]
    m = _MODEL_NAME_BEFORE.search(before, _last_two_words_at(before))
    if not m:
        return False
    prev = m.group("prev")
    if benchmarks.looks_like_model(prev) or _FAMILY.match(prev):
        return True  # ("Llama 2 models" opens a sentence as any word may, but names a model all the same)
    if not prev[0].isupper() or prev.lower() in STOPWORDS or prev.lower() in ("top", "my"):
        return False
    # A capital opening a sentence may be any word ("Using 16 GPUs"), but not one before a version or a "7B".
    at_start = re.search(r"(?:^|[.!?]\s+)$", before[: m.start()]) is not None
    return not at_start or m.group("version") is not None or _SIZE_SUFFIX.match(text, pos) is not None
