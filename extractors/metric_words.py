"""Every word list the metric reader uses, English and Korean, each defined once.

The reader's stages (`extractors.metrics`) build their patterns from these lists, and the quick tests in
front of slow patterns (`extractors.prefilter`) are derived from the same lists, so that a word added here
reaches both. Data only, grouped by the stage that reads it; `alternation` is how a list becomes a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """`words` as one regex alternation, longest first (so "more than" is tried before "more"), each escaped,
    its spaces matching any run of whitespace."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(map(re.escape, w.split(" "))) for w in ordered)


# --- stage 1: numbers ---------------------------------------------------------------------------------------

#: Magnitudes written as a word after a number ("52 billion") or as a number word's scale ("two million").
MAGNITUDE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
#: Magnitudes written as a letter glued to the number ("1.7B", "32k", "5bn"), case as written.
MAGNITUDE_SUFFIXES = {"K": 1e3, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "bn": 1e9}
#: Korean magnitudes ("6710억", "1.5조", "278.8만").
KO_MAGNITUDES = {"십": 1e1, "백": 1e2, "천": 1e3, "만": 1e4, "억": 1e8, "조": 1e12}
#: Number words that can carry a multiplier ("two times", "threefold").
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100,
}
#: Korean number words, read only before 배 ("두 배"): elsewhere 세/네/열 are ordinary words.
KO_NUMBER_WORDS = {"두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
#: Korean words that open with 배 but are no multiplier (배포, 배치, 배열 ...): the letter after 배.
KO_NOT_BAE = "포치열정경달송"

# --- stage 2: units -----------------------------------------------------------------------------------------

#: Words that end a noun phrase: a unit or a name never runs across them.
STOPWORDS = frozenset(
    "a an the of on in at to for by with from into onto over under than as and or but nor so is are was "
    "were be been being has have had do does did it its their they them his her our your this that these "
    "those which who whom whose what when where while per vs versus via each every all both only just also "
    "even still then there here now not no more most less least fewer about around roughly approximately "
    "nearly almost up down out off across between within without after before during since until against "
    "above below among like such same other another any some many much can could will would should may might must "
    "keeps keep make makes made get gets got take takes took using used use uses yet if because though "
    "although whereas whether alone overall respectively times again ago compared relative absolute".split()
)
#: How a percentage, a difference in points and a multiplier are written after a number (the patterns of
#: `extractors.metric_units` read these, and what they open with is their quick test).
PERCENT_SPELLINGS = ("%", "percent", "per cent", "퍼센트")
POINT_SPELLINGS = ("%p", "% p", "%포인트", "퍼센트포인트", "percentage points", "percentage-point", "pp", "p.p.")
MULTIPLIER_SPELLINGS = ("x", "X", "×", "fold", "-fold", "times", "배")
#: Comparatives and nouns of change after a number ("5x higher", "a 2x speedup", "50% fewer"), by direction.
#: (those of a position name what the number is measured against, not what it measures: "5 points above o1")
POSITION_COMPARATIVES = frozenset("above ahead below behind".split())
INCREASE_COMPARATIVES = frozenset("faster quicker higher more larger bigger greater better longer above ahead".split())
INCREASE_NOUNS = frozenset(
    "speedup speed-up speedups improvement improvements increase increases gain gains boost jump jumps rise "
    "uplift".split()
)
REDUCTION_COMPARATIVES = frozenset(
    "fewer less lower smaller cheaper shorter slower lighter leaner below behind".split()
)
REDUCTION_NOUNS = frozenset("reduction reductions decrease decreases drop drops savings decline fall".split())
INCREASE_WORDS = INCREASE_COMPARATIVES | INCREASE_NOUNS
REDUCTION_WORDS = REDUCTION_COMPARATIVES | REDUCTION_NOUNS
#: Nouns of change that a preposition and the changed quantity may follow ("improvement in latency").
CHANGE_NOUNS = INCREASE_NOUNS | REDUCTION_NOUNS
#: What "N times" and "twice" must precede to be a multiplier ("3 times faster", "two times the throughput",
#: "twice as fast"), and what "double" must ("double the throughput").
DOUBLE_BEFORE = ("the", "its", "their", "that")
TIMES_BEFORE = ("as", *DOUBLE_BEFORE)
TWICE_BEFORE = (*TIMES_BEFORE, *INCREASE_COMPARATIVES, *REDUCTION_COMPARATIVES)
#: Nouns a size is counted in ("1.7B parameters", "2T tokens").
SIZE_NOUNS = {
    "parameters": "params", "parameter": "params", "params": "params", "param": "params",
    "tokens": "tokens", "token": "tokens", "bytes": "bytes",
}
TIME_NOUNS = {
    "hours": "hours", "hour": "hours", "hrs": "hours", "hr": "hours", "h": "hours", "days": "days",
    "day": "days", "minutes": "minutes", "minute": "minutes", "mins": "minutes", "min": "minutes",
    "seconds": "seconds", "second": "seconds", "secs": "seconds", "sec": "seconds", "ms": "ms",
}
COUNT_UNITS = {"epochs": "epochs", "epoch": "epochs", "steps": "steps"}
#: Units that score a result, written after the number ("41.2 BLEU", "11 points").
SCORE_UNIT_WORDS = {
    "elo": "Elo", "bleu": "BLEU", "f1": "F1", "rouge": "ROUGE", "rouge-l": "ROUGE-L", "em": "EM", "cider": "CIDEr",
    "fid": "FID", "perplexity": "perplexity", "ppl": "perplexity", "points": "points", "point": "points",
    "pts": "points", "wer": "WER", "cer": "CER", "miou": "mIoU", "auc": "AUC", "auroc": "AUROC",
    "percentile": "percentile",
    # (image and video generation: "0.94 rFID", "a PSNR of 29.4", "SSIM 0.91")
    "rfid": "rFID", "gfid": "gFID", "sfid": "sFID", "fvd": "FVD", "psnr": "PSNR", "ssim": "SSIM", "lpips": "LPIPS",
    # (segmentation and likelihood: "57.8 PQ", "1.10 BPC on text8", "2.99 bits/dim")
    "pq": "PQ", "bpc": "BPC", "bpd": "bits/dim", "bits/dim": "bits/dim",
}
#: Words that say how a difference in points is counted, between the number and "points" ("15 absolute points",
#: "4 full points", "2 additional points"): the number is still a score's difference.
POINT_MODIFIERS = frozenset({"absolute", "full", "whole", "additional", "extra", "raw"})
#: Score units that are ordinary words in other cases, read only as written ("50.2 mAP", not "a 1 map").
CASED_SCORE_UNITS = {"mAP": "mAP", "MAP": "mAP", "AP": "AP"}
#: A count of floating-point operations or a rate of them, written after a number ("410B FLOPs", "147 TFLOP/s",
#: "15.1 PetaFLOPs", "15 petaflops"): a measure of compute, never a model's name or size. Its prefixes, as a letter
#: or a word, and the pattern every stage matches it with (the unit stage, and the model names, which it is not).
FLOP_PREFIXES = ("K", "M", "G", "T", "P", "E")
FLOP_PREFIX_WORDS = ("kilo", "mega", "giga", "tera", "peta", "exa")
FLOP_UNIT = (
    rf"(?:[{''.join(FLOP_PREFIXES)}]|(?i:{'|'.join(FLOP_PREFIX_WORDS)}))?(?:FLOP|(?i:flop))[sS]?(?:/s)?"
)
#: The same in Korean ("502 페타플롭스"), with the unit each is recorded in: a rate, as "FLOPS" is.
KO_FLOP_WORDS = {"페타플롭스": "PFLOP/s", "테라플롭스": "TFLOP/s", "엑사플롭스": "EFLOP/s", "플롭스": "FLOP/s"}
#: Other measure units written after a number, as written: memory, rates of tokens, frames, queries or
#: operations, frequencies ("48GB", "45 tok/s", "68.9 FPS", "24 kHz").
MEASURE_UNITS = (r"[KMGTP]i?B", r"tokens?/s", "tok/s", "it/s", "QPS", "TOPS", r"[kMG]?Hz", "FPS", "fps", "img/s")
#: Nouns that say a size is a context length ("a 32k context").
CONTEXT_NOUNS = frozenset({"context", "contexts", "context-window", "window"})
#: Nouns that say a size is a model's parameter count ("a 7B model").
MODEL_NOUNS = frozenset(
    "model models variant variants version versions checkpoint checkpoints llm llms moe transformer size sizes "
    "teacher student backbone".split()
)
#: Durations and money are never a paper's metric: "for 3 years", "6 months ago", "11 min read", "$5".
NOT_METRIC_NOUNS = frozenset(
    "years year months month weeks week decades decade ago dollars dollar usd eur euros yuan rmb cents "
    "st nd rd th".split()
)
#: Counters of a post's or a repository's popularity, in page chrome and running text ("12 comments",
#: "34 likes", "1.2K views", "2.3K claps", "Stars: 1,204"): never a paper's result. Singular; `plural` adds the s.
COUNTER_NOUNS = (
    "comment", "like", "share", "view", "subscriber", "follower", "reader", "star", "upvote", "vote", "download",
    "retweet", "repost", "restack", "reaction", "reply", "clap", "response", "referral", "heart", "bookmark",
    "citation", "fork", "watcher",
    # (and the audience of a newsletter's own events: "voted by 212 members", "40 seats")
    "member", "seat", "attendee",
)
#: The same counters in Korean ("댓글 12개", "좋아요 5", "조회수 1.2만", "3개의 댓글", "구독자 2만 명", "선착순 40명").
KO_COUNTER_NOUNS = (
    "댓글", "답글", "좋아요", "조회", "공유", "구독", "독자", "회원", "팔로워", "스타", "추천", "리트윗", "하트",
    "반응", "북마크", "선착순", "좌석", "참가자",
)


def plural(noun: str) -> str:
    """"comment" -> "comments", "reply" -> "replies"."""
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


#: Nouns a newsletter counts its own parts in ("3 takeaways", "5 links"): no result of the paper either.
LISTING_NOUNS = frozenset(
    "takeaways reasons things ways lessons tips links highlights thoughts authors pages sections chapters figures"
    " tables appendices".split()
)
#: Counts of these describe the newsletter or the paper's popularity, not the paper's work.
NOT_COUNTED = LISTING_NOUNS | {plural(noun) for noun in COUNTER_NOUNS}
#: Plural-looking words after a number that count nothing: "3 times", verbs after a model's name ("Mistral 7B
#: beats Llama 2 13B").
NOT_COUNT_PLURALS = frozenset(
    "times ones others yes thanks news means always perhaps sometimes".split()
    + "beats matches outperforms achieves reaches requires needs shows scores gets runs makes takes leads "
    "improves reduces surpasses exceeds remains becomes seems appears works performs yields delivers offers "
    "provides supports handles uses trains learns generates produces tops wins ranks".split()
)
#: The copulas, which end a noun phrase and may stand between a count and what it says of it ("of them are
#: active").
COPULAS = ("is", "are", "was", "were")
#: Pronouns after "N of" that point back to what the number counts ("240K of them", "6 of those 15"): a count.
BACK_REFERENCES = frozenset({"them", "these", "those"})
#: Korean nouns a number is measured in: (noun, unit, kind).
KO_UNIT_NOUNS = (
    ("매개변수", "params", "size"), ("파라미터", "params", "size"), ("토큰", "tokens", "size"),
    ("에폭", "epochs", "count"), ("에포크", "epochs", "count"), ("시간", "hours", "size"), ("점", "points", "score"),
    ("스텝", "steps", "count"), *((word, unit, "size") for word, unit in KO_FLOP_WORDS.items()),
)
#: Nouns for a set of models released together ("the Qwen series (7B, 14B)", "a family of 1B to 8B"): a list or
#: a range of bare sizes said of them, or of models, is their parameter counts.
SERIES_NOUNS = ("series", "family", "families", "suite", "lineup")
KO_SERIES_NOUNS = ("시리즈", "모델군", "라인업")
#: Korean nouns that make a large number a context length ("128K 컨텍스트") or a model's size ("700억 모델").
KO_CONTEXT_NOUNS = ("컨텍스트", "문맥")
KO_MODEL_NOUNS = ("모델", "크기", "규모", "사이즈")
#: Words after a bare size that make it a mixture-of-experts parameter count ("355B total / 32B active",
#: "16B total and 3B activated parameters", "a 3B-active model"), and the Korean word for active ("활성").
MOE_PART_WORDS = ("total", "active", "activated")
KO_ACTIVE = "활성"
#: Korean words next to a counter that are not what it counts ("8개 중 2개": among; "전체 30개": all 30).
KO_NOT_COUNTED_AFTER = ("중", "전체", "모두", "총")
#: Korean suffixes that make a noun the "per" of a rate ("토큰당 220억 개" is 22B per token, not 22B tokens).
KO_PER_SUFFIXES = ("당", "마다")
#: Korean counters ("8개", "120편", "5명").
KO_COUNTERS = ("개", "편", "명", "종", "가지", "줄", "건", "문항", "문제", "쌍")
#: What an evaluation counts: a count of these out of a whole is a result ("solves 49 of the 658 problems",
#: "148문제 중 5문제"), and the whole is the size of the test, not a result of its own.
EVAL_ITEM_NOUNS = frozenset(
    "problem problems task tasks question questions theorem theorems issue issues puzzle puzzles challenge "
    "challenges game games case cases instance instances test tests prompt prompts query queries item items "
    "exercise exercises benchmark benchmarks".split()
)
KO_EVAL_ITEM_NOUNS = ("문제", "문항", "과제", "테스트", "질문")
#: Korean counters that are themselves the noun counted ("148문제 중 5문제": problems).
KO_NOUN_COUNTERS = ("문항", "문제")
#: Korean qualifiers between a counter and its noun ("1,000개 이상의 문제").
KO_COUNTER_QUALIFIERS = ("이상", "이하", "가량", "정도", "남짓", "미만")
#: The Korean "over", after a number or its counter, bare or after the subject particle ("130억 개가 넘는
#: 파라미터", "300개 넘는 언어", "3배 넘게"): a qualifier, as 이상 is, with the counted noun after it.
KO_OVER = ("넘는", "넘게")
KO_OVER_PHRASES = tuple(f"{particle}{word}" for word in KO_OVER for particle in ("", "가 ", "이 "))
#: Korean words after a number that make it a date, money, a week, a rank, an ordinal or a minute ("30분의 1"
#: is a fraction).
#: Korean counters of time that are also a date or a fraction ("3일" is the 3rd, "30분의 1" a thirtieth), with the
#: unit each gives where it is a duration: where the words after it say how long ("3일 만에", "10일 동안", "5일간",
#: "7분이면", "20분 정도"), or where the number has a fraction, which no date has ("3.5일", "2.5분").
KO_DURATION_COUNTERS = {"일": "days", "분": "minutes"}
KO_DURATION_AFTER = ("만에", "동안", "간", "이면", "정도", "가량", "남짓", "이내")
KO_NOT_METRIC = (
    "년", "월", "일", "주", "원", "달러", "엔", "위안", "분", "위", "등", "번", "회", "차", "호", "살", "세기",
)
#: Korean particles cut from the end of a noun ("매개변수는" -> "매개변수").
KO_PARTICLES = (
    "에서는", "에서", "에는", "으로", "별로", "마다", "은", "는", "을", "를", "의", "도", "와", "과", "로", "에",
)
#: Signs and codes that make a number a price.
CURRENCY_SIGNS = "$€£¥₩"
CURRENCY_CODES = ("USD", "EUR", "US$")
#: Words before a number that make it a label or a rank, not a count: "top 10 papers", "Table 4".
LABEL_WORDS = (
    "top", "part", "step", "stage", "phase", "chapter", "section", "figure", "fig.", "table", "version", "issue",
    "episode", "no.", "number", "round", "level", "day", "week", "season",
)
#: Phrases that make a sentence the writer's own run of a paper's method, not the paper's result ("our own
#: fine-tune took 14 hours", "Mira's re-run gave 37.4% AP", "I got FID 11.3", "저희 스터디에서 다시 돌렸을 때
#: 80.9%", "사내 문서로 돌려 봤더니 0.61"): none of its numbers is a metric of the paper. (Not "we" or "our": a
#: paper's abstract says them of its own results.)
OWN_RUN_PHRASES = (
    "our own", "my own", "my run", "my runs", "I tried", "I got", "I ran", "I measured", "our group's",
    "our team's", "the lab's", "notebook",
)
#: A re-run is the writer's only where someone owns it ("Mira's re-run", "our 7B rerun", "my re-run"): a paper
#: that "re-ran the leaderboard" reports its own result.
RERUN_WORDS = ("re-run", "rerun", "re-ran", "reran")
RUN_OWNERS = ("'s", "’s", "our", "my")
KO_OWN_RUN_PHRASES = ("저희", "사내", "돌려 봤", "돌려 보니", "돌려 본", "다시 돌", "직접 돌")
#: Words after a number that make it a discount, not a score ("20% off").
DISCOUNT_WORDS = ("discount", "할인", "쿠폰")
#: Words after "11 min" that make it a reading time or an age, not a measurement ("11 min read", "3 days ago").
NOT_DURATION_AFTER = ("read", "ago", "later", "earlier")
#: Words after a bare "N times" that end its clause or open a comparison ("5.76 times over the baseline").
TIMES_END_WORDS = ("over", "compared", "relative")
#: Measures written before the number: "an Elo rating of 2,029", "a BLEU score of 41.2", "a speedup of 2.3",
#: "FID from 18.65 to 1.73", with the unit each gives: the score units written after a number (but points and
#: percentiles, which name no measure), and a few words of their own.
MEASURES_BEFORE = {
    **{word: unit for word, unit in SCORE_UNIT_WORDS.items() if unit not in ("points", "percentile")},
    "score": "score", "rating": "score", "average": "score", "speedup": "x", "speed-up": "x", "점수": "score",
    "loss": "loss",  # ("a training loss of 1.70", "validation loss 2.31")
}
#: Words right before a number that say it is a change up or down ("up 4.2 points", "down 12%").
DIRECTION_BEFORE = {"up": "increase", "down": "reduction"}
#: Words before a bare size that make it a context length ("a context window of 128K", "컨텍스트 길이 32K").
CONTEXT_BEFORE = ("context", "context window", "context length", "컨텍스트", "컨텍스트 길이", "문맥 길이")
#: Comparatives that may stand between a size and its unit noun ("6 trillion more tokens", "2B fewer parameters").
SIZE_COMPARATIVES = ("more", "fewer", "less", "extra", "additional")

# --- stages 3 and 4: benchmarks, models, what is measured ---------------------------------------------------

#: Common benchmarks, spelled as papers and newsletters spell them, matched case-blind.
BENCHMARKS = tuple("""MMLU-Pro MMLU-Redux MMLU CMMLU KMMLU MMMU-Pro MMMU HellaSwag GSM8K GSM-8K GSM-Hard GSM-Symbolic
    MATH-500 MATH500 Omni-MATH FrontierMath MiniF2F PutnamBench OlympiadBench GPQA-Diamond GPQA HumanEval+
    HumanEval MBPP+ MBPP LiveCodeBench BigCodeBench CRUXEval MultiPL-E SciCode Codeforces ARC-AGI-2 ARC-AGI
    ARC-Challenge ARC-Easy BIG-Bench BBH TruthfulQA WinoGrande PIQA BoolQ SQuAD HotpotQA TriviaQA
    OpenBookQA CommonsenseQA LAMBADA MT-Bench AlpacaEval Arena-Hard BrowseComp IFEval
    SimpleQA MathVista MathVerse ChartQA DocVQA TextVQA VQAv2 AI2D MMBench Video-MME ImageNet OSWorld
    WebArena WebShop ALFWorld AgentBench ToolBench BFCL TAU-bench τ-bench MLE-bench Terminal-Bench LongBench
    InfiniteBench WikiText-2 WikiText-103 WikiText C-Eval AGIEval MedQA PubMedQA LegalBench LMArena KoBEST
    HAE-RAE ScienceQA MM-Vet MMStar SEED-Bench POPE GQA VizWiz RealWorldQA InfoVQA OCRBench MathQA AQuA SVAMP
    ASDiv MultiArith StrategyQA NaturalQuestions BEIR MTEB DS-1000 APPS CodeContests LiveBench MixEval WildBench
    MuSR IFBench SWE-Lancer Multi-SWE-bench ProofNet FIMO HumanEvalFix HumanEvalPack EvalPlus SuperGPQA CLIcK
    LibriSpeech FLEURS CommonVoice ADE20K Cityscapes KITTI nuScenes CIFAR-10 CIFAR-100 Kinetics-400 UCF101
    LIBERO CALVIN Mind2Web AndroidWorld ScreenSpot VisualWebArena ShareGPT BABILong LongBench-v2
    MGSM XNLI XCOPA TyDiQA FLORES SNLI MNLI MultiNLI SST-2 CoLA RACE MuSiQue 2WikiMultiHopQA
    MedMCQA MMLU-ProX GPQA-Main HumanEval-X MBPP-Plus MMAU MMMLU
    Procgen DMControl Crafter NetHack D4RL Meta-World MetaWorld MineDojo""".split())
#: Short or common-word benchmark names, matched only as capitalised: "math", "drop" and "arc" are words.
CASED_BENCHMARKS = tuple("MATH ARC DROP HLE GAIA RULER COCO NIAH IMO AMC Vicuna SuperGLUE GLUE".split())
#: Benchmarks with a qualifier or a year, as patterns ("SWE-bench Verified", "AIME 2024", "AIME'25").
_YEAR = r"(?:\s(?:19|20)\d\d|\s?['’]\d\d)"
QUALIFIED_BENCHMARKS = (
    r"(?i:SWE-bench(?:\s(?:Verified|Lite|Pro|Multimodal))?|GPQA[\s-]Diamond|BIG-Bench\sHard|AlpacaEval\s2(?:\.0)?"
    rf"|Chatbot\sArena|Humanity['’]s\sLast\sExam|Aider\sPolyglot|Science\sQA|Natural\sQuestions|Long\sRange\sArena"
    rf"|Game\sof\s24"
    rf"|(?:AIME|HMMT|USAMO)(?:{_YEAR}|\s?\d\d)?|Atari(?:[\s-](?:100k|57))?)",
    r"MATH[\s-]?500",
    r"MS[\s-]MARCO",
    rf"(?:IMO|AMC){_YEAR}?",
    rf"WMT(?:{_YEAR}|\d\d)?",  # ("WMT14", "WMT 2014", "WMT'16": the translation tasks of a year)
    r"(?i:SQuAD|VQA)\s?v?\d\.\d(?!\d)",  # ("SQuAD 2.0", "SQuAD v1.1", "VQA 2.0": the release of a data set)
)
#: Nouns after a capitalised name that make it a benchmark ("on the Vicuna benchmark").
BENCHMARK_NOUNS = ("benchmark", "leaderboard", "test set", "eval suite", "evaluation suite")
KO_BENCHMARK_NOUNS = ("벤치마크",)
#: Korean nouns after a name written like a benchmark that make it one ("PPI 데이터셋에서"), not after any word
#: ("7개 QA 데이터셋" counts data sets of a kind).
KO_DATASET_NOUNS = ("데이터셋",)
#: Prepositions before an unseen benchmark's name ("on IMO-AnswerBench"), and those between a bare number and
#: the benchmark that makes it a score ("8.9 on MT-Bench").
BENCHMARK_PREPOSITIONS = ("on", "in", "at", "across")
SCORE_PREPOSITIONS = ("on", "in")
#: Hardware, formats and architecture parts written like benchmark or model names.
NOT_NAMES = (
    r"[AHBLV]\d{2,3}", r"[GTCN]PUs?", r"TPUv\d", "LLMs?", "APIs?", "HBM", r"FP\d+", "BF16", "RAM", "MoE", "SMoE",
    "RoPE", "KV", "NVIDIA", "AMD", "CUDA", "ROCm", "MLX", "ONNX", "iPhone", "iPad", "iOS", "macOS", "GitHub",
    "arXiv", "HuggingFace", "YouTube",
)
#: Model families: after "on", a model is as likely as a benchmark ("a 2x speedup on Llama-3-8B").
MODEL_FAMILIES = (
    "GPT", "Llama", "LLaMA", "Qwen", "Claude", "Gemini", "Gemma", "Mistral", "Mixtral", "DeepSeek", "Phi", "OLMo",
    "Falcon", "Grok", "Kimi", "GLM",
)
#: Suffixes that make a hyphenated name an adjective ("FLOP-controlled", "GPT-style"), not a model.
ADJECTIVE_SUFFIXES = ("controlled", "based", "style", "like", "aware", "free", "level", "scale", "wise", "length",
                      "time", "size", "shot")
#: Words before a model that make it the baseline, not the subject ("than GPT-4", "compared to o1").
_BASELINE_WORDS = (
    "than", "over", "vs", "vs.", "versus", "with", "against", "like", "unlike", "compared to", "from", "matches",
    "matched",
    "and", "or", "on", "to", "of", "as", "for",
)
#: Phrases anywhere before a model that make it the baseline ("compared with", "relative to").
BASELINE_PHRASES = ("compared", "relative to", "versus")
#: Words that open a part of a sentence about a model of its own ("GPT-4o gets 53.6% while o1 gets 83.3%",
#: "A has 235B parameters; B solves 49 of 658 problems"): a number's subject is looked for there first.
SUBJECT_BREAKS = (";", "while", "whereas", "but")
#: Korean particles after a name that make it an object or a baseline, not the subject ("GPT-4보다").
KO_NOT_SUBJECT_PARTICLES = ("를", "을", "와", "과", "보다", "에서", "으로", "로", "및")
#: What joins the items of a list ("MMLU, GSM8K and MATH", "56% and 70%", "MMLU와 GSM8K", "MMLU 및 GSM8K"):
#: a list of scores and a list of as many benchmarks in one sentence pair up in order ("respectively").
LIST_JOINS = (",", "and", ", and", "&", "/", "·", "와", "과", "및", "or")
#: Korean particles between a benchmark and its score ("MMLU에서 88.5%", "MMLU의 88.5%").
KO_BENCHMARK_PARTICLES = ("에서는", "에서", "의", "은", "는")
#: The Korean "on" or "in", glued to what a result is measured on: after a name written like a benchmark it
#: makes an unseen one ("Tau2-Bench에서 66.1%", "VTAB에서는 77%"), as "on" does in English ("on IMO-AnswerBench").
KO_ON = ("에서",)
#: Korean topic particles ("처리량은 3배"), and the endings that make a word no part of a noun phrase
#: (particles and verb endings: "얻었고 처리량은").
KO_TOPIC_PARTICLES = "은는이가"
KO_NOT_NOUN_ENDINGS = KO_TOPIC_PARTICLES + "을를고며다서면도에의와과로"
#: Korean words before a baseline ("GPT-4 대비").
KO_VERSUS = ("대비",)
#: Prepositions and verbs after a measured noun phrase, before its number ("improves throughput by 2x",
#: "an average accuracy of 56%", "reaches 56%").
MEASURE_PREPOSITIONS = ("by", "of", "at", "reaches", "reached", "hits")
#: Words after "3x as" that make it a multiplier of a quality ("three times as fast").
AS_MORE = frozenset("fast quick large big high long many much efficient".split())
#: Words that say how a change is measured, not what changed ("absolute", "average").
DEGREE_WORDS = frozenset({"absolute", "relative", "average", "overall", "total"})
#: Verbs of change, each with its forms, the direction it gives, and what its object is: the quantity it
#: changes ("object": "boosts generation throughput 5.76 times", "cuts latency by 28%"), a baseline it beats
#: ("baseline": "outperforms GPT-4 by 5 points"), or nothing (None: "accuracy rises"). Each use below is
#: derived from this one table.
CHANGE_VERBS = {
    "improve": ("improve improves improved improving", "increase", "object"),
    "increase": ("increase increases increased increasing", "increase", "object"),
    "boost": ("boost boosts boosted boosting", "increase", "object"),
    "raise": ("raise raises raised raising", "increase", "object"),
    "accelerate": ("accelerate accelerates accelerated accelerating", "increase", "object"),
    "speed up": ("speeds sped speeding", "increase", "object"),  # (not "speed": it is a noun far more often)
    "lift": ("lift lifts lifted lifting", "increase", "object"),
    "outperform": ("outperform outperforms outperformed outperforming", "increase", "baseline"),
    "exceed": ("exceed exceeds exceeded exceeding", "increase", "baseline"),
    "beat": ("beat beats beaten beating", "increase", "baseline"),
    "surpass": ("surpass surpasses surpassed surpassing", "increase", "baseline"),
    "grow": ("grow grows grew grown growing", "increase", None),
    "gain": ("gain gains gained gaining", "increase", None),
    "jump": ("jump jumps jumped jumping", "increase", None),
    "rise": ("rise rises rose risen rising", "increase", None),
    "reduce": ("reduce reduces reduced reducing", "reduction", "object"),
    "cut": ("cut cuts cutting", "reduction", "object"),
    "lower": ("lower lowers lowered lowering", "reduction", "object"),
    "decrease": ("decrease decreases decreased decreasing", "reduction", "object"),
    "shrink": ("shrink shrinks shrank shrunk shrinking", "reduction", "object"),
    "compress": ("compress compresses compressed compressing", "reduction", "object"),
    "slash": ("slash slashes slashed slashing", "reduction", "object"),
    "trim": ("trim trims trimmed trimming", "reduction", "object"),
    "shorten": ("shorten shortens shortened shortening", "reduction", "object"),
    "save": ("save saves saved saving", "reduction", None),
    "drop": ("drop drops dropped dropping", "reduction", None),
    "fall": ("fall falls fell fallen falling", "reduction", None),
}


def change_verb_forms(direction: str | None = None, *, takes: str | None = None) -> tuple[str, ...]:
    """Every form of the verbs of change: of one direction, or of those whose object is `takes` ("object":
    the quantity changed; "baseline": a model beaten)."""
    return tuple(form for forms, way, obj in CHANGE_VERBS.values()
                 if direction in (None, way) and takes in (None, obj) for form in forms.split())


#: (and every form of the verbs whose object is a baseline: "beat", "outperformed", "surpassing")
BASELINE_WORDS = (*_BASELINE_WORDS, *change_verb_forms(takes="baseline"))
#: Of those, the ones that make a model a baseline a few words on too ("beats the much larger GPT-4", "matches
#: a full-precision LLaMA"): the rest ("and", "on", "of") only right before it.
BASELINE_VERBS = (
    "than", "vs", "vs.", "versus", "against", "unlike", "matches", "matched", *change_verb_forms(takes="baseline"),
)
#: Verbs and copulas that end a noun phrase read backwards from a number ("throughput" in "X improves
#: throughput by 2x", not "X improves throughput").
PHRASE_VERBS = frozenset({*change_verb_forms(), *COPULAS})

# --- stage 5: qualifier and direction -----------------------------------------------------------------------

#: Qualifiers written before a number, by what they say.
QUALIFIERS_BEFORE = {
    "approximate": ("~", "≈", "∼", "about", "around", "roughly", "approximately", "approx.", "nearly", "almost",
                    "some", "close to", "an estimated", "약", "대략", "거의"),
    "at least": (">", ">=", "≥", "at least", "more than", "over", "above", "upwards of", "greater than",
                 "in excess of", "exceeding", "no less than", "not less than", "no fewer than", "not fewer than",
                 "최소"),
    "up to": ("<", "<=", "≤", "up to", "as much as", "as many as", "as high as", "at most", "less than",
              "fewer than", "under", "below", "within", "no more than", "not more than", "no larger than",
              "no greater than", "최대"),
}
#: Qualifiers written after a number ("100 or more", "50% 이상", "3배가량").
QUALIFIERS_AFTER = {
    "at least": ("or more", "or higher", "or above", "or greater", "이상", "초과", *KO_OVER_PHRASES),
    "up to": ("or less", "or fewer", "or lower", "이하", "이내", "미만"),
    "approximate": ("가량", "정도", "남짓"),
}
#: Qualifiers allowed between the parts of a range or after "by" ("from 70 million to over 16 billion", "by
#: as much as 5%"): any of those written before a number.
RANGE_QUALIFIERS = tuple(p for phrases in QUALIFIERS_BEFORE.values() for p in phrases)
#: Qualifiers that, before a duration, say when rather than how much ("trained over 54 days").
DURING_WORDS = frozenset({"over", "within", "under"})
#: Korean stems of change after a number ("3배 줄어듭니다", "50% 이상 빨라졌습니다").
KO_INCREASE_STEMS = ("향상", "증가", "늘", "빨라", "빠른", "빠르", "높", "개선", "상승", "많")
KO_REDUCTION_STEMS = ("줄", "감소", "절감", "단축", "낮", "절약", "적은", "적게", "작은")
