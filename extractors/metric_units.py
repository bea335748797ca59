"""What a number measures: the unit written after it ("%", "x", "6배", "parameters", "GB", "H100 GPUs",
"매개변수", "8개의 전문가"), normalised to the units `Metric` records carry, and the numbers that are
never metrics (prices, dates, durations of a reading, ordinals).

Runs inside `extractors.metrics`, once per number that `extractors.numbers` found; pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.numbers import Quantity

#: Words that end a noun phrase: a unit or a name never runs across them.
STOPWORDS = frozenset(
    "a an the of on in at to for by with from into onto over under than as and or but nor so is are was "
    "were be been being has have had do does did it its their they them his her our your this that these "
    "those which who whom whose what when where while per vs versus via each every all both only just also "
    "even still then there here now not no more most less least fewer about around roughly approximately "
    "nearly almost up down out off across between within without after before during since until against "
    "among like such same other another any some many much can could will would should may might must "
    "keeps keep make makes made get gets got take takes took using used use uses yet if because though "
    "although whereas whether alone overall respectively times again ago compared relative absolute".split()
)
INCREASE_WORDS = frozenset(
    "faster quicker higher more larger bigger greater better speedup speed-up speedups improvement "
    "improvements increase increases gain gains boost longer".split()
)
REDUCTION_WORDS = frozenset(
    "fewer less lower smaller cheaper reduction reductions decrease decreases drop savings shorter slower "
    "lighter leaner".split()
)
_COMPARATIVES = "|".join(sorted(INCREASE_WORDS | REDUCTION_WORDS | {"as", "the", "its", "their", "that"}))

_PP = re.compile(r"\s?(?:%\s?p(?![A-Za-z])|%\s?포인트|퍼센트\s?포인트|percentage[\s-]points?\b|pp\b|p\.p\.)")
_PERCENT = re.compile(r"\s?(?:%|percent\b|per\s?cent\b|퍼센트)")
_X = re.compile(r"(?:[xX]|\s?×)(?![\w×])(?!\s?\d)")
_X_GPUS = re.compile(r"[xX×]\s+(?=(?:[AHBLV]\d{2,3}|GPU|TPU)s?\b)")
_FOLD = re.compile(r"-?fold\b")
_TIMES = re.compile(rf"\s+times\b(?=\s+(?:{_COMPARATIVES})\b)", re.IGNORECASE)
_TIMES_AT_END = re.compile(r"\s+times\b(?=\s*(?:[.,;)]|$|over\b|compared\b|relative\b))", re.IGNORECASE)
_CHANGE_VERB = re.compile(
    r"\b(?:improv|increas|boost|speed|accelerat|reduc|cut|lower|decreas|shrink|compress)\w*\s+(?:\S+\s+){0,4}$",
    re.IGNORECASE,
)
_BAE = re.compile(r"\s?배(?![포치열정경달송])")
_PERCENT_OPENERS = frozenset("%p퍼")
_MULTIPLIER_OPENERS = frozenset("xX×-ftT배")
_DISCOUNT = re.compile(r"\s*(?:off\b(?!-)|discount|할인|쿠폰)", re.IGNORECASE)

_NEXT_WORD = re.compile(r"\+?[\s-]{0,2}(?P<w>[A-Za-z][A-Za-z0-9]*(?:[-/][A-Za-z]+)?)(?![A-Za-z0-9])")
# "11 min read", "3 days ago": the time it takes to read the post, or since something happened
_NOT_DURATION = re.compile(r"[\s-]+(?:read|ago|later|earlier)\b", re.IGNORECASE)
_PER_SECOND = re.compile(r"\s*(?:per\s+second|/\s?s(?:ec)?\b|a\s+second)", re.IGNORECASE)
_NEXT_HANGUL = re.compile(r"\s?(?P<w>[가-힣]+)")

_SIZE_NOUNS = {
    "parameters": "params", "parameter": "params", "params": "params", "param": "params",
    "tokens": "tokens", "token": "tokens", "bytes": "bytes",
}
_TIME_NOUNS = {
    "hours": "hours", "hour": "hours", "hrs": "hours", "hr": "hours", "h": "hours", "days": "days",
    "day": "days", "minutes": "minutes", "minute": "minutes", "mins": "minutes", "min": "minutes",
    "seconds": "seconds", "second": "seconds", "secs": "seconds", "sec": "seconds", "ms": "ms",
}
_COUNT_UNITS = {"epochs": "epochs", "epoch": "epochs", "steps": "steps"}
_SCORE_UNITS = {
    "elo": "Elo", "bleu": "BLEU", "f1": "F1", "rouge": "ROUGE", "rouge-l": "ROUGE-L", "em": "EM", "cider": "CIDEr",
    "fid": "FID", "perplexity": "perplexity", "ppl": "perplexity", "points": "points", "point": "points",
    "pts": "points", "map": "mAP",
}
#: Units that score a result, as opposed to sizing or counting something.
SCORE_UNITS = frozenset({"%", "pp", "score", *_SCORE_UNITS.values()})
TIME_UNITS = frozenset({"hours", "GPU hours", "days", "minutes", "seconds", "ms"})
_MEASURE_UNIT = re.compile(r"^(?:[KMGTP]i?B|[KMGTPE]?FLOP[sS]?(?:/s)?|tokens?/s|tok/s|it/s|QPS|TOPS)$")
_CONTEXT_NOUNS = frozenset({"context", "contexts", "context-window", "window"})
_MODEL_NOUNS = frozenset(
    "model models variant variants version versions checkpoint checkpoints llm llms moe transformer size sizes "
    "teacher student backbone".split()
)
# Durations and money are never a paper's metric: "for 3 years", "6 months ago", "11 min read", "$5".
_NOT_METRIC_NOUNS = frozenset(
    "years year months month weeks week decades decade ago dollars dollar usd eur euros yuan rmb cents "
    "st nd rd th".split()
)
# Counts of these describe the newsletter or the paper's popularity, not the paper's work.
_NOT_COUNTED = frozenset(
    "takeaways reasons things ways lessons tips links highlights thoughts stars likes followers subscribers "
    "readers views downloads retweets upvotes comments restacks shares reactions authors pages sections "
    "chapters".split()
)
# Units whose noun phrase says what is measured ("total parameters", "pre-training tokens").
_NAMED_UNITS = frozenset({"params", "tokens", "bytes", "epochs", "steps"})
_NOT_COUNT_PLURALS = frozenset(
    "times ones others yes thanks news means always perhaps sometimes".split()
    # verbs that follow a model's name: "Mistral 7B beats Llama 2 13B"
    + "beats matches outperforms achieves reaches requires needs shows scores gets runs makes takes leads "
    "improves reduces surpasses exceeds remains becomes seems appears works performs yields delivers offers "
    "provides supports handles uses trains learns generates produces tops wins ranks".split()
)

_KO_NOUNS = (
    ("매개변수", "params", "size"), ("파라미터", "params", "size"), ("토큰", "tokens", "size"),
    ("에폭", "epochs", "count"), ("에포크", "epochs", "count"), ("시간", "hours", "size"), ("점", "points", "score"),
)
_KO_COUNTERS = re.compile(r"\s?(?:개|편|명|종|가지|줄|건|문항)")
# The counted noun follows the counter after "의" or a space ("8개의 전문가", "1,000개 이상의 문제",
# "10개 언어"); a particle glued to the counter ("2개를") means it came before.
_COUNTED_AFTER = re.compile(
    r"(?:\s?(?:이상|이하|가량|정도|남짓|미만)?의\s?|\s)([가-힣]+|[A-Za-z][A-Za-z0-9-]*(?:\s[A-Z][A-Za-z0-9]*)?)"
)
_KO_NOT_COUNTED = ("구독자", "독자", "회원", "팔로워", "조회", "좋아요", "스타")
# Dates, money, weeks, ranks, ordinals and minutes ("30분의 1" is a fraction) are left alone.
_KO_NOT_METRIC = re.compile(r"\s?(?:년|월|일|주|원|달러|엔|위안|분|위|등|번|회|차|호|살|세기)")
_KO_PARTICLES = re.compile(r"(?:에서는|에서|에는|으로|별로|마다|[은는을를의도와과로에])$")
_GPU_BEFORE = re.compile(r"GPU[^.\n]{0,12}$")
_GPU = re.compile(r"[GT]PUs?|[AHBLV]\d{2,3}s?", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """The unit read after a number. `unit is None` when nothing was written; `excluded` when what
    was written says the number is not a metric (a price, a date, a discount)."""

    unit: str | None
    kind: str | None = None
    noun: str | None = None  # the measured noun phrase as written: "total parameters", "H100 GPUs"
    end: int = 0
    excluded: bool = False
    explicit: bool = True  # False when only implied ("a 7B model" -> params)


def is_plural_noun(word: str) -> bool:
    lower = word.lower()
    if lower in STOPWORDS or lower in _NOT_COUNT_PLURALS or lower in _NOT_METRIC_NOUNS or lower in _NOT_COUNTED:
        return False
    if _GPU.fullmatch(word) and lower.endswith("s"):
        return True  # "8 A100s", "16 GPUs"
    # "corpus", "bonus", "basis" are singular; "GPUs", "LLMs" are not
    singular = lower.endswith("ss") or (word.islower() and lower.endswith(("us", "is")))
    return len(word) >= 3 and word.isalpha() and lower.endswith("s") and not singular


def strip_particle(word: str) -> str:
    # 이/가 are also the last syllable of many nouns (전문가), so they are only cut from longer words.
    if len(word) >= 4 and word[-1] in "이가":
        return word[:-1]
    stripped = _KO_PARTICLES.sub("", word)
    return stripped if len(stripped) >= 2 else word


def read_unit(text: str, q: Quantity) -> Reading:
    """What `q` measures, read from the text right after it."""
    if q.unit_hint:
        return Reading(q.unit_hint, "relative", end=q.end)
    readers = (_multiplier,) if q.word else (_percent, _multiplier, _korean, _english)
    for reader in readers:
        reading = reader(text, q)
        if reading is not None:
            return reading
    return Reading(None, end=q.end)


def _next_char(text: str, pos: int, spaces: int | None = None) -> str:
    """The first character at or after `pos` that is not whitespace, looking past at most `spaces` of it."""
    end = len(text) if spaces is None else min(len(text), pos + spaces)
    while pos < end and text[pos].isspace():
        pos += 1
    return text[pos : pos + 1]


def _percent(text: str, q: Quantity) -> Reading | None:
    if _next_char(text, q.end, 1) not in _PERCENT_OPENERS:
        return None  # (what both patterns open with, after at most one space: most numbers are not percentages)
    if m := _PP.match(text, q.end):
        return Reading("pp", "relative", end=m.end())
    if m := _PERCENT.match(text, q.end):
        excluded = _DISCOUNT.match(text, m.end()) is not None
        return Reading("%", "score", end=m.end(), excluded=excluded)
    return None


def _multiplier(text: str, q: Quantity) -> Reading | None:
    if _next_char(text, q.end) not in _MULTIPLIER_OPENERS:
        return None  # (what every pattern below opens with, after any spaces)
    if not q.word and (m := _X_GPUS.match(text, q.end)):
        gpus = _NEXT_WORD.match(text, m.end())
        return Reading("count", "count", noun=gpus.group("w") if gpus else None, end=m.end())
    for pattern in (_X, _FOLD, _TIMES, _BAE):
        if (m := pattern.match(text, q.end)) and not (q.word and pattern is _X):
            return Reading("x", "relative", end=m.end())
    # "boosts throughput 5.76 times.": bare "times" is a multiplier only after a verb of change
    if (m := _TIMES_AT_END.match(text, q.end)) and _CHANGE_VERB.search(text, max(0, q.start - 60), q.start):
        return Reading("x", "relative", end=m.end())
    return None


def _korean(text: str, q: Quantity) -> Reading | None:
    rest = text[q.end : q.end + 2].lstrip()
    if not rest or not ("가" <= rest[0] <= "힣"):
        return None
    if _KO_NOT_METRIC.match(text, q.end):
        return Reading(None, end=q.end, excluded=True)
    if noun := _korean_noun(text, q.end, q):
        return noun
    if m := _KO_COUNTERS.match(text, q.end):
        return _korean_count(text, q, m.end())
    return Reading(None, end=q.end)


def _korean_noun(text: str, pos: int, q: Quantity) -> Reading | None:
    m = _NEXT_HANGUL.match(text, pos)
    if not m:
        return None
    if q.scale >= 1e3 and m.group("w").startswith(("컨텍스트", "문맥")):
        return Reading("tokens", "size", noun=m.group("w")[:4].rstrip("의로에"), end=m.end())
    if q.scale >= 1e6 and m.group("w").startswith("모델"):
        return Reading("params", "size", noun="parameters", end=q.end, explicit=False)
    for noun, unit, kind in _KO_NOUNS:
        if m.group("w").startswith(noun):
            if unit == "hours" and _GPU_BEFORE.search(text, max(0, q.start - 24), q.start):
                unit = "GPU hours"
            return Reading(unit, kind, noun=noun, end=m.start("w") + len(noun))
    return None


_LAST_WORD = re.compile(r"([가-힣A-Za-z]+)\s*$")
_SINGULAR_END = re.compile(r"\b(parameter|token|byte|epoch)$")


def _korean_count(text: str, q: Quantity, end: int) -> Reading:
    """"전문가 2개", "매개변수는 370억 개", "8개의 전문가", "10개 언어": the noun after the counter says what
    is counted, else the noun before it."""
    after = _COUNTED_AFTER.match(text, end)
    before = _LAST_WORD.search(text[max(0, q.start - 30) : q.start])
    for candidate in (after, before):
        if candidate is None:
            continue
        word = strip_particle(candidate.group(1))
        for noun, unit, kind in _KO_NOUNS:
            if word.startswith(noun):
                return Reading(unit, kind, noun=noun, end=end)
    counted = after or before
    noun = strip_particle(counted.group(1)) if counted else None
    if noun and noun.startswith(_KO_NOT_COUNTED):
        return Reading(None, end=end, excluded=True)
    return Reading("count", "count", noun=noun if noun and len(noun) >= 2 else None, end=end)


def _english(text: str, q: Quantity) -> Reading | None:
    """Scan up to four words after the number: modifiers ("total", "H100", "pre-training") then a unit."""
    pos, words = q.end, []
    while len(words) < 4 and (m := _NEXT_WORD.match(text, pos)):
        word, glued = m.group("w"), m.start("w") == q.end
        words.append(word)
        if _head(word) in _NOT_METRIC_NOUNS or (_head(word) in _TIME_NOUNS and _NOT_DURATION.match(text, m.end())):
            return Reading(None, end=q.end, excluded=True)
        if found := _classify(words, q):
            unit, kind, explicit = found
            if unit == "tokens" and (per := _PER_SECOND.match(text, m.end())):
                return Reading("tokens/s", "size", end=per.end())
            first = _NEXT_WORD.match(text, q.end)
            noun = text[first.start("w") : m.end("w")] if kind == "count" or unit in _NAMED_UNITS else None
            noun = noun if explicit else "parameters"
            return Reading(unit, kind, noun=_plural_head(noun), end=m.end(), explicit=explicit)
        hyphenated = len(words) == 1 and "-" in text[q.end : m.start("w")]
        if glued or hyphenated or not _is_modifier(word):
            # a letter glued to the number that is no unit ("3D", "4o", "2nd") makes it part of a name, and
            # a hyphen makes it an adjective ("a 3-part series", "4-bit weights"): neither is a quantity
            return Reading(None, end=q.end, excluded=glued or hyphenated)
        pos = m.end()
    return None


def _plural_head(noun: str | None) -> str | None:
    """"65B parameter model" is about parameters: the name says so."""
    return _SINGULAR_END.sub(r"\1s", noun) if noun else None


def _head(word: str) -> str:
    """The noun of a hyphenated word: "GPU-hours" -> "hours", "context-window" -> "window"."""
    return word.lower().rsplit("-", 1)[-1]


def _classify(words: list[str], q: Quantity) -> tuple[str, str, bool] | None:
    word, head, position = words[-1], _head(words[-1]), len(words) - 1
    if head in _SIZE_NOUNS:
        return (_SIZE_NOUNS[head], "size", True)
    if _MEASURE_UNIT.match(word):
        return (word, "size", True)
    if head in _TIME_NOUNS and position <= 2:
        gpu = any(_GPU.fullmatch(part) for w in words for part in w.split("-"))
        return ("GPU hours" if gpu and head.startswith("h") else _TIME_NOUNS[head], "size", True)
    if head in _SCORE_UNITS and position == 0:
        return (_SCORE_UNITS[head], "score", True)
    if head in _COUNT_UNITS:
        return (_COUNT_UNITS[head], "count", True)
    if q.scale >= 1e3 and head in _CONTEXT_NOUNS:
        return ("tokens", "size", True)
    if q.scale >= 1e6 and head in _MODEL_NOUNS and position <= 1:
        return ("params", "size", False)  # "a 7B model"; its name is "parameters", set by the caller
    if position <= 2 and is_plural_noun(word) and q.value.is_integer():
        return ("count", "count", True)
    return None


def _is_modifier(word: str) -> bool:
    lower = word.lower()
    return lower not in STOPWORDS and lower not in INCREASE_WORDS and lower not in REDUCTION_WORDS
