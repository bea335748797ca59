"""Metric chips: the few numbers a message shows for a paper, each saying what it measures. Pure.

Used by alerts/paper_summary.py. A metric becomes a chip only when it has a name a reader can use:
a benchmark ("MMLU", "SWE-bench Verified", "AIME 2024") or a measured noun that suits its kind (a
score's "accuracy" or "win rate"; a change's "inference latency", "KV cache", "throughput"; a size's
"parameters", "tokens", "context"; a count's "GPUs", "epochs", "samples"). Metrics without a name, or
with one that is not what was measured ("above", "scratch", "puzzles", "고품질", "벡터", "그 모델들"),
are not shown; their rows stay in the database. A chip shows the direction of a change ("-28%
inference latency", "+17.9 pp GSM8K", "↓7x parameters"), total and active parameters as one
("236B total / 21B active params"), and a range as one ("7B–70B params"; a score's range, often a
before and after, shows its high end).

`rank_metrics` orders metrics as `papers_overview.headline_metrics` does (tests/alerts/
test_metric_text.py holds the two equal): scores, then changes, sizes, counts; a number more
newsletters report first; the paper's own abstract before newsletters; then the earliest reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from records.facts import MetricFact

_KIND_RANK = {"score": 0, "relative": 1, "size": 2}  # then everything else
_SCORE_NOUNS = frozenset([
    "accuracy", "acc", "win rate", "success rate", "pass rate", "solve rate", "resolve rate", "resolution rate",
    "exact match", "f1", "bleu", "rouge", "chrf", "score", "points", "recall", "precision", "agreement",
    "preference", "correlation", "error rate", "wer", "cer", "perplexity", "elo", "fid", "iou", "map", "auc",
    "정확도", "승률", "성공률", "정답률", "통과율", "해결률", "점수", "오류율", "재현율", "정밀도",
])
_MEASURED_NOUNS = frozenset([
    "latency", "throughput", "speed", "speedup", "speed-up", "acceleration", "memory", "memory usage", "kv cache",
    "cache", "cache usage", "cost", "training cost", "inference cost", "compute", "flops", "energy", "power",
    "efficiency", "error", "loss", "size", "model size", "parameters", "params", "tokens", "data", "training data",
    "steps", "training steps", "time", "training time", "decoding", "inference", "training", "generation",
    "context", "context window", "context length", "window", "bandwidth", "utilization", "success",
    "hallucinations", "hallucination", "hallucination rate", "masks", "images", "samples", "examples",
    "지연", "지연 시간", "처리량", "속도", "추론 속도", "메모리", "메모리 사용량", "비용", "학습 비용", "추론 비용",
    "연산량", "효율", "파라미터", "매개변수", "토큰", "데이터", "학습 데이터", "시간", "학습 시간", "추론", "학습",
    "컨텍스트", "오류", "성능",
])
_SIZE_NOUNS = frozenset([
    "parameters", "params", "active parameters", "activated parameters", "total parameters", "tokens", "context",
    "context window", "context length", "window", "vocabulary", "memory", "model size", "hours", "gpu hours",
    "파라미터", "매개변수", "토큰", "컨텍스트", "시간", "메모리",
])
_COUNT_NOUNS = frozenset([
    "gpus", "gpu", "gpu hours", "epochs", "epoch", "steps", "fine-tuning steps", "training steps", "samples",
    "examples", "training examples", "episodes", "robot episodes", "images", "masks", "languages",
    "programming languages", "experts", "layers", "bits", "hours",
    "샘플", "예제", "에폭", "언어", "전문가", "레이어", "시간",
])
#: Heads that say whose number it is rather than what it measures.
_JUNK_HEADS = frozenset(["model", "models", "baseline", "baselines", "method", "methods", "approach", "approaches",
                         "above", "below", "scratch", "art", "others", "모델", "기존", "고품질", "벡터", "방법"])
_SCALE_WORD = re.compile(r"\b(?:thousand|million|billion|trillion)\b", re.I)
#: Units that name what they measure ("740 TFLOPs/s", "4 GPU hours"): a chip even without a name.
SELF_NAMING_UNITS = frozenset(["GPU hours", "TFLOPs/s", "PFLOPs/s", "TFLOPS", "tokens/s", "Elo"])
_KO_PARTICLE = re.compile(r"(?:으로만|로만|에서는|에서|으로|까지|부터|들의|들은|들이|들을|들"
                          r"|은|는|이|가|을|를|의|에|로|만|도|과|와)$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ACTIVE = re.compile(r"activ|활성", re.I)
_TOTAL = re.compile(r"\btotal\b|총|전체", re.I)


@dataclass(frozen=True)
class Chip:
    text: str
    kind: str  # "score" | "relative" | "size" | "count"

    @property
    def is_result(self) -> bool:
        """A score or a change: what the paper found, not how big it is."""
        return self.kind in ("score", "relative")


def format_number(value: float) -> str:
    """As storage's `format_metric` macro writes a value: 7.3B, 2T, 60.1, 2294."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= scale:
            return f"{round(value / scale, 2):g}{suffix}"
    return f"{round(value, 3):g}"


def _chip_number(value: float, unit: str) -> str:
    """Like `format_number`, with K for thousands: 128K context, 4K (4,096) tokens, 970K episodes; 2294 stays."""
    if unit == "tokens" and 1e3 <= value < 1e6:
        for base in (1000, 1024):
            if value % base == 0:
                return f"{value / base:g}K"
    if 1e4 <= abs(value) < 1e6:
        return f"{round(value / 1e3, 1):g}K"
    return format_number(value)


#: Capitalised words that, with a number after them, point at a part of the text rather than name a task.
_REFERENCE_WORDS = frozenset(["figure", "fig", "table", "section", "sec", "chapter", "appendix", "eq", "equation",
                              "step", "stage", "phase", "part", "round", "version", "issue", "page", "line"])


def _bench_shaped(name: str) -> bool:
    """"MMLU", "GSM8K", "SWE-bench Verified", "HumanEval", "Game of 24", "Codeforces (rating)"; a capitalised task
    named with its number ("Game of 24", "Tower of Hanoi 8"), but not a pointer into the text ("Table 3")."""
    words = name.split()
    return (sum(c.isupper() for c in name) >= 2 or any(re.search(r"[A-Za-z]\d|\d[A-Za-z]", w) for w in words)
            or bool(re.search(r"bench|eval", name, re.I)) or words[0].casefold() == "codeforces"
            or (len(words) >= 2 and words[0][:1].isupper() and words[-1].isdigit()
                and words[0].casefold().rstrip(".") not in _REFERENCE_WORDS))


def _tails(name: str) -> set[str]:
    """The name's last one and two words, casefolded, also without a Korean particle or an English plural."""
    words = name.casefold().split()
    bare = _KO_PARTICLE.sub("", words[-1]) or words[-1]
    tails = {" ".join(words[-2:]), words[-1], " ".join([*words[-2:-1], bare]), bare}
    return tails | {t[:-1] for t in tails if t.endswith("s") and len(t) > 3}


def chip_name(m: MetricFact) -> str | None:
    """The name a chip shows for the metric ("" when its unit names it), or None when it is not shown."""
    name = " ".join((m.name or "").split())
    if not name:
        return "" if m.unit in SELF_NAMING_UNITS else None
    tails = _tails(name)
    if tails & _JUNK_HEADS or _SCALE_WORD.search(name):
        return None
    kind = "relative" if m.direction and m.kind == "score" else m.kind
    if kind == "score":
        ok = _bench_shaped(name) or bool(tails & (_SCORE_NOUNS | _MEASURED_NOUNS))
    elif kind == "relative":
        ok = _bench_shaped(name) or bool(tails & (_SCORE_NOUNS | _MEASURED_NOUNS))
    elif kind == "size":
        ok = bool(tails & _SIZE_NOUNS)
    else:
        ok = bool(tails & _COUNT_NOUNS)
    if not ok:
        return None
    words = name.split()
    bare = _KO_PARTICLE.sub("", words[-1]) or words[-1]
    known = _SCORE_NOUNS | _MEASURED_NOUNS | _SIZE_NOUNS | _COUNT_NOUNS
    if _HANGUL.search(words[-1]) and words[-1] not in known and bare in known:  # "샘플로만": 샘플; "정확도" stays
        return " ".join([*words[:-1], bare])
    return name


def _qualifier(m: MetricFact) -> str:
    return {"approximate": "about ", "at least": "at least ", "up to": "up to "}.get(m.qualifier or "", "")


def chip_text(m: MetricFact, name: str, low: MetricFact | None = None) -> str:
    """How a chip reads; `low` is the low end of a range whose high end is `m`."""
    q, unit = _qualifier(m), m.unit
    number = _chip_number(m.value, unit)
    if low is not None and m.kind != "score":
        number = f"{_chip_number(low.value, unit)}–{number}"
    if m.direction or m.kind == "relative":
        sign = {"reduction": "-", "increase": "+"}.get(m.direction or "", "")
        if unit == "x":
            return f"{q}{'↓' if sign == '-' else ''}{number}x {name}".strip()
        spaced = "%" if unit == "%" else f" {unit}"
        return f"{q}{sign}{number}{spaced} {name}".strip()
    if unit == "params":
        label = "active " if _ACTIVE.search(name) else "total " if _TOTAL.search(name) else ""
        return f"{q}{number} {label}params"
    if unit == "tokens":
        return f"{q}{number} {'context' if _tails(name) & {'context', 'window', '컨텍스트'} else 'tokens'}"
    if m.kind == "score" and unit != "%":
        shown = "" if unit in ("points", "score", "count", "") else f" {unit}"
        return f"{name}: {q}{number}{shown}"
    spaced = "%" if unit in ("%", "x") else "" if unit in ("count", "") else f" {unit}"
    redundant = not name or name.casefold() in unit.casefold() or name in ("시간", "hours")
    return f"{q}{number}{spaced}" + ("" if redundant else f" {name}")


def rank_metrics(metrics: Iterable[MetricFact]) -> list[tuple[str, list[MetricFact]]]:
    """Metrics grouped by how the database writes them, in `papers_overview.headline_metrics` order."""
    groups: dict[str, list[MetricFact]] = {}
    for m in metrics:
        groups.setdefault(headline_text(m), []).append(m)

    def order(item: tuple[str, list[MetricFact]]) -> tuple:
        text, ms = item
        dates = [m.seen_at for m in ms if m.seen_at is not None]
        first = (1, min(dates)) if dates else (0, None)  # undated: the paper's own abstract, from arXiv
        return (min(_KIND_RANK.get(m.kind or "", 3) for m in ms), -len({m.source for m in ms}), first,
                min(m.ordinal for m in ms), text)

    return sorted(groups.items(), key=order)


def headline_text(m: MetricFact) -> str:
    """As `papers_overview` writes a metric: "60.1% MMLU", "up to 3x", "7.3B params"."""
    prefix = _qualifier(m)
    unit = m.unit if m.unit in ("%", "x") else "" if m.unit in ("", "count") else f" {m.unit}"
    name = f" {m.name}" if m.name and m.kind in ("score", "relative", "count") else ""
    return f"{prefix}{format_number(m.value)}{unit}{name}"


def make_chips(metrics: Sequence[MetricFact], limit: int = 3) -> list[Chip]:
    """The paper's best `limit` chips, in `rank_metrics` order, each text once."""
    partners = _pairs(metrics)
    used: set[int] = set()
    chips: list[Chip] = []
    for _, group in rank_metrics(metrics):
        for m in sorted(group, key=lambda m: id(m) not in partners):  # one shown with its partner first
            if id(m) in used:
                continue
            name = chip_name(m)
            if name is None:
                continue
            partner = partners.get(id(m))
            used.update({id(m)} | ({id(partner)} if partner is not None else set()))
            chip = _merged(m, name, partner)
            if _same(chip.text) not in {_same(c.text) for c in chips}:
                chips.append(chip)
            break
        if len(chips) >= limit:
            break
    return chips


def _same(text: str) -> str:
    """"-42.5% training costs" and "-42.5% training cost" are one chip."""
    return re.sub(r"(?<=\w)s\b", "", text.casefold())


def _merged(m: MetricFact, name: str, partner: MetricFact | None) -> Chip:
    kind = "relative" if m.direction and m.kind == "score" else m.kind or "count"
    if partner is None:
        return Chip(chip_text(m, name), kind)
    if m.unit == "params" and partner.unit == "params" and m.qualifier not in ("range-low", "range-high"):
        total, active = (m, partner) if _ACTIVE.search(partner.name or "") else (partner, m)
        return Chip(f"{format_number(total.value)} total / {format_number(active.value)} active params", kind)
    low, high = (m, partner) if m.qualifier == "range-low" else (partner, m)
    return Chip(chip_text(high, chip_name(high) or name, low), kind)


def _pairs(metrics: Sequence[MetricFact]) -> dict[int, MetricFact]:
    """Metrics shown together: a range's two ends, and a total with its active parameters (both ways)."""
    pairs: dict[int, MetricFact] = {}
    for i, m in enumerate(metrics):
        if m.qualifier == "range-low":
            high = next((h for h in metrics[i + 1:] if h.qualifier == "range-high" and h.unit == m.unit
                         and h.source == m.source and h.snippet == m.snippet), None)
            if high is not None:
                pairs[id(m)], pairs[id(high)] = high, m
    params = [m for m in metrics if m.unit == "params" and id(m) not in pairs]
    for active in (m for m in params if _ACTIVE.search(m.name or "")):
        total = next((t for t in params if id(t) not in pairs and t is not active and t.value > active.value
                      and not _ACTIVE.search(t.name or "")
                      and (_TOTAL.search(t.name or "") or t.snippet == active.snippet)), None)
        if total is not None:
            pairs[id(active)], pairs[id(total)] = total, active
    return pairs
