"""What the words around a number say about it: the benchmark a score was reached on ("97.3% on
MATH-500"), the quantity a multiplier or size measures ("5x higher inference throughput", "improves
throughput by 2-4x", "GPU 메모리 요구량은 3배"), its qualifier ("about", "up to", "이상"), its direction
("faster", "cuts ... by", "줄어듭니다") and the model the sentence is about.

Runs inside `extractors.metrics`; pure. Every function reads a window of the text (start, end) chosen by
the caller, so that nothing is taken from across another metric or another sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from extractors.metric_units import INCREASE_WORDS, REDUCTION_WORDS, STOPWORDS, TIME_UNITS, strip_particle
from extractors.prefilter import CASE_BLIND_EXTRAS, may_hold

MAX_NAME = 60
QUALIFIER_WORDS = (
    r"(?:about|around|roughly|approximately|nearly|almost|over|more\s+than|less\s+than|at\s+least|up\s+to|~|약|최대)"
)

# Common benchmarks, spelled as papers and newsletters spell them. Longer names come first so that
# "MMLU-Pro" is not read as "MMLU"; competitions keep their year ("AIME 2024", "AIME'25").
_BENCHMARKS = """MMLU-Pro MMLU-Redux MMLU CMMLU KMMLU MMMU-Pro MMMU HellaSwag GSM8K GSM-8K GSM-Hard GSM-Symbolic
    MATH-500 MATH500 Omni-MATH FrontierMath MiniF2F PutnamBench OlympiadBench GPQA-Diamond GPQA HumanEval+
    HumanEval MBPP+ MBPP LiveCodeBench BigCodeBench CRUXEval MultiPL-E SciCode Codeforces ARC-AGI-2 ARC-AGI
    ARC-Challenge ARC-Easy BIG-Bench BBH TruthfulQA WinoGrande PIQA BoolQ SQuAD HotpotQA TriviaQA
    OpenBookQA CommonsenseQA LAMBADA MT-Bench AlpacaEval Arena-Hard BrowseComp IFEval
    SimpleQA MathVista MathVerse ChartQA DocVQA TextVQA VQAv2 AI2D MMBench Video-MME ImageNet OSWorld
    WebArena WebShop ALFWorld AgentBench ToolBench BFCL TAU-bench τ-bench MLE-bench Terminal-Bench LongBench
    InfiniteBench WikiText-2 WikiText-103 WikiText C-Eval AGIEval MedQA PubMedQA LegalBench LMArena KoBEST
    HAE-RAE""".split()
# Short or common-word names are matched only as capitalised: "math", "drop" and "arc" are words.
_CASED_BENCHMARKS = "MATH ARC DROP HLE GAIA RULER COCO NIAH IMO AMC Vicuna SuperGLUE GLUE".split()
_YEAR = r"(?:\s(?:19|20)\d\d|\s?['’]\d\d)"
_QUALIFIED = (
    r"(?i:SWE-bench(?:\s(?:Verified|Lite|Pro|Multimodal))?|GPQA[\s-]Diamond|BIG-Bench\sHard|AlpacaEval\s2(?:\.0)?"
    rf"|Chatbot\sArena|Humanity['’]s\sLast\sExam|Aider\sPolyglot|(?:AIME|HMMT|USAMO)(?:{_YEAR}|\s?\d\d)?)"
    rf"|MATH[\s-]?500|(?:IMO|AMC){_YEAR}?"
)


def _by_first_letter(names: list[str]) -> str:
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


# Boundaries are ASCII-only: in Korean a particle follows the name directly ("MMLU에서").
_KNOWN = re.compile(
    rf"(?<![A-Za-z0-9-])(?:{_QUALIFIED}"
    r"|" + _by_first_letter(_BENCHMARKS) +
    r"|" + "|".join(_CASED_BENCHMARKS) + r")(?![A-Za-z0-9-])"
)
# Unseen benchmarks: a CamelCase, hyphenated or upper-case name after "on"/"in", or any capitalised
# name followed by "benchmark" ("on IMO-AnswerBench", "on the Vicuna benchmark").
_NAMEISH_PATTERN = r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*|[A-Z][A-Z0-9]{2,}"
_NAMEISH = re.compile(_NAMEISH_PATTERN)
_GENERIC_BRANCHES = (
    rf"\b(?i:on|in|at|across)\s+(?:the\s+)?(?P<a>{_NAMEISH_PATTERN})(?![A-Za-z0-9-])",
    r"\b(?P<b>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:benchmark|leaderboard|test\sset|eval(?:uation)?\ssuite)\b",
    r"(?P<c>[A-Za-z][\w-]*)\s?벤치마크",
)
# A word each of the last two branches needs: a window without it is scanned without that branch, which would
# try (and fail) at every capitalised word or every word.
_GENERIC_NEEDS = (("benchmark", "leaderboard", "test", "eval"), ("벤치마크",))
_GENERIC = {
    (b, c): re.compile("|".join(p for p, on in zip(_GENERIC_BRANCHES, (True, b, c), strict=True) if on))
    for b in (False, True) for c in (False, True)
}
# Hardware, formats and architecture parts written like benchmark names.
_NOT_BENCHMARKS = re.compile(
    r"^(?:[AHBLV]\d{2,3}|[GTCN]PUs?|TPUv\d|LLMs?|APIs?|HBM|FP\d+|BF16|RAM|MoE|SMoE|RoPE|KV|NVIDIA|AMD|CUDA"
    r"|ROCm|MLX|ONNX)$"
)
# After "on", a model is as likely as a benchmark ("a 2x speedup on Llama-3-8B"): model families and
# names carrying a size are not taken for benchmarks.
_MODEL_FAMILY = re.compile(
    r"^(?:GPT|Llama|LLaMA|Qwen|Claude|Gemini|Gemma|Mistral|Mixtral|DeepSeek|Phi|OLMo|Falcon|Grok|Kimi|GLM|o\d)"
    r"|\d+(?:\.\d+)?[BMK](?:-|$)"
)
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d)|\s[–—-]\s|\.\s")
# Words that follow one another with only spaces between: a phrase ends at punctuation or Hangul.
_AFTER_WORD = re.compile(r"\s*([A-Za-z][\w/'’.-]*[\w/]|[A-Za-z])(?=[\s.,;:!?)]|$)")
# "GPU 메모리 요구량은 3배": the last topic noun, with at most one noun-like word before it (a word ending
# in a particle or a verb ending is not part of the noun: "얻었고 처리량은") and an English word before that.
_KOREAN_TOPIC = re.compile(r"[가-힣]+[은는이가](?=\s|$)")
_KOREAN_MODIFIER = re.compile(r"(?:[A-Za-z0-9]+\s)?(?:[가-힣]*[^\s은는이가을를고며다서면도에의와과로\W]\s)?$")
# "boosts generation throughput 5.76 times": what follows a verb of change is what changed
_AFTER_VERB = re.compile(
    r"\b(?:improves|improved|increases|increased|boosts|boosted|raises|cuts|reduces|reduced|lowers|lowered|"
    r"decreases|decreased|shrinks|compresses|compressed|speeds\s+up|accelerates)\s+(?:the\s+)?"
    r"(?P<np>(?:[A-Za-z][\w'’/-]*\s+){1,3})(?:by\s+)?(?:\S+\s+)?$",
    re.IGNORECASE,
)
# "improves throughput by", "an Elo rating of", "average accuracy of about"
_BEFORE_PREPOSITION = re.compile(
    r"(?P<np>(?:[A-Za-z][\w'’/-]*\s+){1,4})(?:by|of|at|reaches|reached|hits)\s+(?:\S+\s+){0,2}$"
)
_AS_MORE = frozenset("fast quick large big high long many much efficient".split())  # "three times as fast"
_CHANGE_WORDS = INCREASE_WORDS | REDUCTION_WORDS
_DEGREE = frozenset({"absolute", "relative", "average", "overall", "total"})
_CHANGE_NOUNS = frozenset(
    "improvement improvements increase increases gain gains boost speedup speedups reduction reductions "
    "decrease decreases drop savings".split()
)
_VERBS = frozenset(
    "improves improved improve improving increases increased increase boosts boosted raises raised accelerates "
    "accelerated speeds sped outperforms outperformed exceeds exceeded beats beat surpasses surpassed reduces "
    "reduced reduce reducing cuts cut lowers lowered decreases decreased saves saved shrinks slashes trims "
    "drops dropped grows grew rises rose gains gained lifts jumps falls fell is are was were".split()
)
_MODEL = re.compile(
    # (the lookahead passes over names with neither a digit nor an inner capital, which `looks_like_model`
    # would turn down: it changes no answer, but spares the calls)
    r"(?<![A-Za-z0-9-])(?=[A-Za-z](?:[a-z]|[-.](?=[A-Za-z0-9]))*[A-Z0-9])"
    r"(?P<m>[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)(?:\s(?P<size>\d+(?:\.\d+)?[BM]))?"
    r"(?![A-Za-z0-9-])"
)
# "FLOP-controlled", "GPT-style", "tokenizer-based" are adjectives, not models
_ADJECTIVE_SUFFIX = re.compile(r"-(?:controlled|based|style|like|aware|free|level|scale|wise|length|time|size|shot)$")
_NOT_MODEL = re.compile(r"[A-Z]+\d*s?|[KMGT]?FLOPs?|v\d+")
_NOT_SUBJECT_BEFORE = re.compile(
    r"(?:than|over|vs\.?|versus|with|against|like|compared\sto|from|beating|beats|outperforms|exceeds|"
    r"matches|and|or|on|to|of|as|['’]s)\s+$|compared|relative\s+to|versus",
    re.IGNORECASE,
)
# What `_NOT_SUBJECT_BEFORE` can end with, lowered ("compared to" ends with "to")
_BASELINE_ENDINGS = (
    "than", "over", "vs", "vs.", "versus", "with", "against", "like", "from", "beating", "beats", "outperforms",
    "exceeds", "matches", "and", "or", "on", "to", "of", "as", "'s", "’s",
)
# (a name before a signed change in parentheses is the benchmark changed on: "AQuA (+12.2%)")
_NOT_SUBJECT_AFTER = re.compile(
    r"^(?:\s\d+(?:\.\d+)?[BM])?(?:를|을|와|과|보다|에서|으로|로|및|\s?대비|['’]s\b)|^\s?\(\s?[+−-]\d"
)


def short_name(name: str | None) -> str | None:
    """Names are labels, not sentences: at most MAX_NAME characters, cut between words."""
    if not name or len(name) <= MAX_NAME:
        return name
    return name[: MAX_NAME + 1].rsplit(" ", 1)[0][:MAX_NAME] or None


def clause_start(text: str, start: int, end: int) -> int:
    """Where the clause that ends at `end` begins, not before `start`."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, start, end)]
    return breaks[-1] if breaks else start


def clause_end(text: str, start: int, end: int) -> int:
    m = _CLAUSE_BREAK.search(text, start, end)
    return m.start() if m else end


def benchmark_after(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The first benchmark named after a score, within its clause, and where its name ends:
    "79.8% pass@1 on AIME 2024"."""
    found = _benchmarks(text, start, clause_end(text, start, end))
    return (found[0][2], found[0][1]) if found else None


def benchmark_before(text: str, start: int, end: int) -> str | None:
    """The last benchmark named before a score in its sentence: "On HellaSwag, it reaches 89%"."""
    found = _benchmarks(text, start, end)
    return found[-1][2] if found else None


_LONGEST_NAME = 40  # characters: the longest curated name is "Humanity's Last Exam" (20)
_SIGNED_GAP = re.compile(r"\s?\(\s?[+−-]$")
_NAME_AT_END = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
_ADJACENT_GAP = re.compile(r"(?:에서는?|의|은|는)?\s*[(:=]?\s*$")


def benchmark_adjacent(text: str, start: int, end: int) -> str | None:
    """A benchmark right before the number: a known one ("MMLU: 56%", "HellaSwag (89.1%)", "GPQA에서 71.5%"),
    or any name with a capital or digit inside it before a signed change in parentheses ("SVAMP (+11.0%)")."""
    if start >= end:
        return None  # (the score's window is empty: an earlier score took the name after it)
    near = max(start, end - 16)  # the gap is short: look for it near the number first
    gap = _ADJACENT_GAP.search(text, near, end)
    if near > start and gap.start() <= near + 3:  # (3: the longest particle, "에서는")
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


def is_known_benchmark(name: str) -> bool:
    """True when `name` opens with a benchmark of the curated list: "MMLU", "GPQA Diamond (%)"."""
    return _KNOWN.match(name) is not None


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
    generic = _GENERIC[tuple(any(text.find(w, start, end) >= 0 for w in words) for words in _GENERIC_NEEDS)]
    for m in generic.finditer(text, start, end):
        group = m.lastgroup  # each branch has one group
        if group != "a" or _benchmark_like(m.group(group)):
            found.append((m.start(group), m.end(group), m.group(group), 1))
    kept: list[tuple[int, int, str]] = []
    for first, last, name, _ in sorted(found, key=lambda f: (f[3], f[0])):
        overlaps = any(first < k[1] and last > k[0] for k in kept)
        if not overlaps and not _NOT_BENCHMARKS.match(name) and name.lower() not in STOPWORDS:
            kept.append((first, last, name))
    return sorted(kept)


def _benchmark_like(name: str) -> bool:
    return not _NOT_BENCHMARKS.match(name) and not _MODEL_FAMILY.search(name)


_KOREAN_OF = re.compile(r"\s?의\s([가-힣]+(?:\s[가-힣]+)?)")  # "3배의 속도 향상"


def phrase_after(text: str, start: int, end: int) -> str | None:
    """What a number measures, written right after it: "higher inference throughput", "the throughput of",
    "of the theoretical maximum FLOPs/s", "improvement in latency", "배의 속도 향상"."""
    window = text[start : clause_end(text, start, end)][:120]
    if korean := _KOREAN_OF.match(window):
        return strip_particle(korean.group(1))
    words, pos = [], 0
    while m := _AFTER_WORD.match(window, pos):
        words.append(m.group(1))
        pos = m.end()
    i = 1 if words and words[0].lower() in _DEGREE else 0
    if i < len(words) and words[i].lower() in _CHANGE_WORDS:
        i += 1
        # "improvement in latency" names what improved; "faster on consumer hardware" says where
        if words[i - 1].lower() in _CHANGE_NOUNS and i < len(words) and words[i].lower() in ("in", "of", "on"):
            i += 1
    while i < len(words) and words[i].lower() in ("of", "the"):
        i += 1
    return _noun_phrase(words[i : i + 4])


def phrase_before(text: str, start: int, end: int) -> str | None:
    """What a number measures, written before it: "improves throughput by", "GPU 메모리 요구량은"."""
    window = text[start:end]
    if korean := _korean_topic(window):
        return korean
    tail = _last_words(window)
    # Each pattern is tried only where its words are at the end of the window: both are slow to fail.
    m = (_BEFORE_PREPOSITION.search(tail) if _ends_near(tail, _PREPOSITIONS) else None) or (
        _AFTER_VERB.search(tail) if may_hold(tail, _CHANGE_VERB_STEMS) else None)
    if not m:
        return None
    kept: list[str] = []
    for word in reversed(m.group("np").split()):
        lower = word.lower()
        if lower in STOPWORDS or lower in _VERBS or lower in _CHANGE_WORDS:
            break
        if looks_like_model(word):
            return None  # "exceeds o1-preview by 27%": the baseline is not what is measured
        kept.insert(0, word)
    return _noun_phrase(kept)


_PREPOSITIONS = ("by", "of", "at", "reaches", "reached", "hits")
_CHANGE_VERB_STEMS = (
    "improve", "increase", "boost", "raises", "cuts", "reduce", "lower", "decrease", "shrinks", "compress", "speeds",
    "accelerates",
)


def _ends_near(text: str, endings: tuple[str, ...], *, case_blind: bool = False) -> bool:
    """Whether whitespace ends `text` and one of its last three words ends with one of `endings`: a pattern
    that ends with such a word and at most two more before the end of the text can match only then."""
    words = text.split()[-3:]
    return text[-1:].isspace() and any((w.lower() if case_blind else w).endswith(endings) for w in words)


def _last_words(window: str, count: int = 10) -> str:
    """The end of `window` from the whitespace before its last `count` words on: both phrase patterns end
    at the window's end and span at most eight words, so they find the same phrase there, sooner."""
    head = window.rsplit(None, count)
    return window[len(head[0]):] if len(head) > count else window


def _korean_topic(window: str) -> str | None:
    topics = list(_KOREAN_TOPIC.finditer(window))
    if not topics or len(window[topics[-1].end() :].split()) > 3:
        return None
    topic = topics[-1]
    modifier = _KOREAN_MODIFIER.search(window, 0, topic.start())
    return strip_particle(window[modifier.start() : topic.end()])


def _noun_phrase(words: list[str]) -> str | None:
    """The leading words that can belong to a noun phrase, whole words only, at most MAX_NAME characters."""
    phrase = ""
    for word in words:
        lower = word.lower()
        if lower in STOPWORDS or lower in INCREASE_WORDS or lower in REDUCTION_WORDS or lower.isdigit():
            break
        longer = f"{phrase} {word.rstrip('.’')}".strip()
        if len(longer) > MAX_NAME:
            break
        phrase = longer
    return phrase or None


def subject(text: str, start: int, end: int, sentence_end: int | None = None) -> str | None:
    """The model a sentence reports on: the first model-like name before `end` that is not a baseline.
    Pass `sentence_end` when asking for several numbers of one sentence: the sentence is then read once."""
    found = _first_subject(text, start, end if sentence_end is None else sentence_end)
    return found[1] if found is not None and found[0] <= end else None


@lru_cache(maxsize=256)  # str hashes are cached, so a long text costs nothing to look up again
def _first_subject(text: str, start: int, end: int) -> tuple[int, str] | None:
    for m in _MODEL.finditer(text, start, end):
        name = m.group("m")
        if not looks_like_model(name) or _KNOWN.fullmatch(name):
            continue
        if _after_baseline_word(text, max(start, m.start() - 40), m.start()):
            continue
        if _NOT_SUBJECT_AFTER.match(text[m.end("m") : m.end("m") + 8]):
            continue
        return m.end(), (name + (" " + m.group("size") if m.group("size") else ""))[:MAX_NAME]
    return None


def _after_baseline_word(text: str, start: int, end: int) -> bool:
    """`_NOT_SUBJECT_BEFORE.search(text, start, end)`, tried only where its words are there."""
    before = text[start:end]
    at_end = before[-1:].isspace() and before.rstrip().lower().endswith(_BASELINE_ENDINGS)
    maybe = at_end or may_hold(before, ("compared", "relative", "versus"))
    return maybe and _NOT_SUBJECT_BEFORE.search(before) is not None


@lru_cache(maxsize=4096)
def looks_like_model(name: str) -> bool:
    """"DeepSeek-R1", "LLaMA3", "vLLM", "GPT-4o": a digit or an inner capital; not "GPU", "H100", "FP8"."""
    if not (any(map(str.isdigit, name)) or any(map(str.isupper, name[1:]))):
        return False
    return not (_NOT_BENCHMARKS.match(name) or _ADJECTIVE_SUFFIX.search(name) or _NOT_MODEL.fullmatch(name))


# --- qualifier and direction ----------------------------------------------------------------------------

_QUALIFIERS_BEFORE = (
    (re.compile(r"(?:[~≈∼]|\b(?:about|around|roughly|approximately|approx\.|nearly|almost|some|close\s+to|"
                r"an\s+estimated)|약|대략|거의)\s*$", re.IGNORECASE), "approximate"),
    (re.compile(r"(?:>=?|≥|\b(?:at\s+least|more\s+than|over|above|upwards\s+of|greater\s+than|in\s+excess\s+of|"
                r"exceeding)|최소)\s*$", re.IGNORECASE), "at least"),
    (re.compile(r"(?:<=?|≤|\b(?:up\s+to|as\s+(?:much|many|high)\s+as|at\s+most|less\s+than|fewer\s+than|under|"
                r"below|within)|최대)\s*$", re.IGNORECASE), "up to"),
)
_QUALIFIERS_AFTER = (
    (re.compile(r"\s*(?:or\s+(?:more|higher|above|greater)\b|이상|초과)"), "at least"),
    (re.compile(r"\s*(?:or\s+(?:less|fewer|lower)\b|이하|이내|미만)"), "up to"),
    (re.compile(r"\s*(?:가량|정도|남짓)"), "approximate"),
)
# How a text before a number must end for any of those patterns to match (they end there, case-blind):
# looking at the end first spares most numbers the three searches.
_QUALIFIER_ENDINGS = (
    "~", "≈", "∼", ">", "=", "≥", "<", "≤", "about", "around", "roughly", "approximately", "approx.", "nearly",
    "almost", "some", "to", "estimated", "least", "than", "over", "above", "of", "exceeding", "as", "most",
    "under", "below", "within", "약", "대략", "거의", "최소", "최대",
)
# "trained over 54 days", "under 8 hours" say when, not how much more or less
_DURING = frozenset({"over", "within", "under"})
_INCREASE_VERB = re.compile(r"\b(?:improv|increas|boost|rais|accelerat|speed|outperform|exceed|beat|surpass|"
                            r"grow|grew|gain|lift|jump)\w*", re.IGNORECASE)
_REDUCTION_VERB = re.compile(r"\b(?:reduc|cut|lower|decreas|sav|shrink|slash|trim|drop|shorten)\w*", re.IGNORECASE)
_KO_INCREASE = ("향상", "증가", "늘", "빨라", "빠른", "빠르", "높", "개선", "상승", "많")
_KO_REDUCTION = ("줄", "감소", "절감", "단축", "낮", "절약", "적은", "적게", "작은")


def qualifier(text: str, number: tuple[int, int], phrase_end: int, sentence_start: int, unit: str) -> str | None:
    """"about 3x", "up to 27%", "more than 400", "100+ languages", "50% 이상", "3배가량"."""
    start, end = number
    before = text[max(sentence_start, start - 30) : start]
    if before.rstrip().lower().endswith(_QUALIFIER_ENDINGS):
        for pattern, found in _QUALIFIERS_BEFORE:
            if (m := pattern.search(before)) and not (unit in TIME_UNITS and m.group().strip().lower() in _DURING):
                return found
    if text[end : end + 1] == "+":
        return "at least"
    for pattern, found in _QUALIFIERS_AFTER:
        if pattern.match(text, phrase_end):
            return found
    return None


_LATIN_WORD = re.compile(r"[A-Za-z][\w-]*")
_HANGUL_WORD = re.compile(r"[가-힣]+")
_BY_OF_END = re.compile(rf"(?:\bby|\bof)\s+(?:{QUALIFIER_WORDS}\s+)?$", re.IGNORECASE)


def direction(text: str, phrase: tuple[int, int], clause_start: int, next_start: int, unit: str) -> str | None:
    """"5x higher", "50% fewer", "improves throughput by 2-4x", "an improvement of 7%", "3배 줄어듭니다"."""
    start, end = phrase
    after = text[end : clause_end(text, end, next_start)]
    words = [m.group() for m in islice(_LATIN_WORD.finditer(after), 2)]
    first = words[1] if len(words) == 2 and words[0].lower() in _DEGREE else words[0] if words else ""
    if first.lower() in INCREASE_WORDS or (first.lower() == "as" and words[1:] and words[1].lower() in _AS_MORE):
        return "increase"
    if first.lower() in REDUCTION_WORDS:
        return "reduction"
    for word in (m.group() for m in islice(_HANGUL_WORD.finditer(after), 3)):
        if word.startswith(_KO_INCREASE):
            return "increase"
        if word.startswith(_KO_REDUCTION):
            return "reduction"
    return _direction_before(text[clause_start:start], unit) or _sign(text, start)


def _direction_before(before: str, unit: str) -> str | None:
    """"cuts the KV cache by 93%", "an improvement of 7%": the last verb of change in the clause. A
    multiplier needs no "by" ("boosts throughput 5.76 times"), but a score does: "beats GPT-4 with 56%"
    reports a score, not a gain."""
    # ("by" or "of" is one of the last three words: a qualifier after it has at most two)
    if not (_ends_near(before, ("by", "of"), case_blind=True) and _BY_OF_END.search(before)):
        if unit != "x":
            return None
        before = " ".join(before.split()[-5:])
    verbs = [(m.start(), "increase") for m in _INCREASE_VERB.finditer(before)]
    verbs += [(m.start(), "reduction") for m in _REDUCTION_VERB.finditer(before)]
    return max(verbs)[1] if verbs else None


def _sign(text: str, start: int) -> str | None:
    if start and text[start - 1] == "+":
        return "increase"
    if start and text[start - 1] in "−-" and (start == 1 or text[start - 2] in " ("):
        return "reduction"
    return None
