"""Whole sentences of newsletter blurbs and arXiv abstracts, for the extractive TL;DR. Pure.

Used by alerts/paper_summary.py. `split_sentences` cuts a text at sentence ends: `. ! ?` (and their
closing quotes or brackets) before a space, but not after an abbreviation ("e.g.", "et al.", "vs.")
or an initial; Korean ends (`다.`, `니다.`, `요.`, and the nominal endings of bullet-style posts such
as `공개함`, `구조임`, `개선됨`, `학습했음`, which often carry no full stop); and line breaks. Each
piece loses the link bar or section label that newsletter layouts leave at its start ("Paper · Code",
"arXiv: GitHub:", "📄 … · 💻 GitHub", "TL;DR", "Key results", "논문 소개"), and a Korean text the one link
word its link line left before its first sentence ("논문 중간 추론 과정을 ..."). `is_sentence` tells a
sentence from what only looks like one: a flattened table, a code line, a card, a stray label.
`language` tells Korean text from the rest by its share of Hangul letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_CHARS = {"en": 15, "ko": 10}
#: Words before a full stop that does not end the sentence.
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "al", "vs", "cf", "fig", "figs", "eq", "eqs", "no", "dr", "mr", "ms", "mrs", "prof", "approx",
    "sec", "ref", "refs", "resp", "incl", "ca", "st", "jr", "sr", "u.s", "u.k", "ph.d", "ed", "eds", "vol", "p", "pp",
})
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
# A full stop, ! or ? (with closing quotes/brackets) before whitespace, or a Korean nominal ending
# (a syllable ending the word) before whitespace: the candidate sentence ends.
_END = re.compile(
    r"""[.!?。！？]["'”’)\]]*(?=\s)"""
    r"|(?<=[\uac00-\ud7a3])(?:함|됨|(?<=[었았였했있없졌됐겠작높낮좋많적같않넓깊짧])음|줌|냄)(?=\s)"
)
_KO_END = re.compile(r"(?:[.!?]|[\uac00-\ud7a3](?:다|요|함|임|됨|음|줌|냄)[.!?]?)[\"'”’)\]]*$")
_EN_END = re.compile(r"""[.!?]["'”’)\]]*$""")
_LABELS = re.compile(
    r"^(?:TL;?DR|Key results?|Results?|Why it matters|The gist|The details|Caveats?|What they changed|What's new|"
    r"What it does|How it works|(?:The )?bottom line|Takeaways?|In short|Summary|Highlights|Key findings|Findings|"
    r"My take|Our take|논문 소개|논문 링크|논문 읽기|논문 리뷰|오늘의 논문|더 읽어보기|핵심 아이디어|핵심 내용|"
    r"주요 결과|결과|요약|"
    r"한 줄 요약|의의|한계)"
    r"\s*:?\s+(?=[\"'“‘(\[]?[A-Z0-9\uac00-\ud7a3])"
)
#: "Kimi k1.5: Scaling Reinforcement Learning with LLMs 몬테카를로 ...": an English "Name: title" of three words
#: or more, then a Korean sentence.
_KO_TITLE = re.compile(r"^[A-Za-z][^\s:]*(?: [^\s:]+)*: (?:[A-Za-z0-9][^\s\uac00-\ud7a3]* ){2,}(?=[\uac00-\ud7a3])")
_LINK_WORD = (r"(?:paper|code(?: and weights)?|pdf|arxiv|github|hugging face|website|project(?: page)?|demo|"
              r"repo(?:sitory)?|weights|blog(?: post)?|models?|data(?:set)?|read it(?: on arxiv)?|read more|links?|"
              r"toolkit|slides|video|thread|podcast|"
              r"논문|코드|저장소|원문|링크|깃허브|데모|프로젝트)")
#: A Korean text that opens with one link word and then its first sentence ("논문 중간 추론 과정을 ..."): the
#: link line ("<a>논문</a>") a flattened item text keeps. A Korean subject would carry a particle (논문은, 논문에서).
_KO_LONE_LINK = re.compile(r"^(?:논문|코드|원문|링크|깃허브|저장소|데모)\s+(?=[\uac00-\ud7a3A-Za-z0-9])")
_EMOJI = r"[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?"
_URL = r"(?:https?://\S+|(?:www\.)?(?:arxiv\.org|github\.com|huggingface\.co|alphaxiv\.org)/\S*)"
#: One entry of a link bar: an optional emoji, then a link word, a bracketed one, or a URL; an optional
#: short parenthesis ("Code (the hopper/ folder)") and colon.
_BAR_ITEM = re.compile(rf"(?:{_EMOJI}\s*)?(?:{_URL}|\[{_LINK_WORD}\]|{_LINK_WORD}(?![\w./-]))"
                       rf"(?:\s*\([^()]{{0,40}}\))?(?:\s*:)?", re.I)
_BAR_SEP = re.compile(r"\s*[·|/•,–—]\s*|\s+")
_CODE = re.compile(r"\b(?:import|pip install|def|return)\s|\s=\s|==|\w\(\)|```|>>>|\$ \w")
_CARD = re.compile(r"GitHub - [\w.-]+/[\w.-]+|\[\d+\]|https?://|(?:github\.com|huggingface\.co)/|arxiv\.org"
                   r"|^[\w.-]+/[\w.-]+(?:\s|$)", re.I)
_STOPWORDS = frozenset(
    "a an the of to in on at by for from with and or but is are was were be been being has have had it its this that "
    "these those than as so not no into over per via which who while when where what how their they them we our "
    "you your he she his her can could will would may might do does did all any each more most less only also just "
    "up out off about after before between under".split())
MAX_WORDS_WITHOUT_STOPWORD = 12


@dataclass(frozen=True)
class Sentence:
    text: str
    language: str  # "ko" | "en" (anything not Korean)
    position: int  # its place in its text, from 0


def language(text: str) -> str:
    """'ko' when Hangul makes up at least 30% of its letters (a syllable counting as 2.5 Latin letters), else 'en'."""
    hangul, latin = 2.5 * len(_HANGUL.findall(text)), len(_LATIN.findall(text))
    return "ko" if hangul and hangul >= 0.3 * (hangul + latin) else "en"


def split_sentences(text: str) -> list[Sentence]:
    """The text's pieces from one sentence end to the next, link bars and labels removed from their starts."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        start = 0
        for m in _END.finditer(line):
            if _ends_sentence(line, m):
                pieces.append(line[start:m.end()])
                start = m.end()
        pieces.append(line[start:])
    cleaned = [strip_lead(p) for p in pieces]
    first = next((n for n, c in enumerate(cleaned) if c), None)
    if first is not None and language(cleaned[first]) == "ko":
        cleaned[first] = strip_lead(_KO_LONE_LINK.sub("", cleaned[first]))
    return [Sentence(p, language(p), n) for n, p in enumerate(c for c in cleaned if c)]


def _ends_sentence(line: str, m: re.Match) -> bool:
    if m.group(0)[0] != ".":
        return True
    word = line[:m.start()].rsplit(None, 1)[-1] if line[:m.start()].strip() else ""
    bare = word.lstrip("([\"'“‘").casefold()
    if bare in ABBREVIATIONS or (len(bare) == 1 and bare.isascii() and bare.isalpha()):
        return False  # "et al.", "e.g.", an initial ("J. Smith")
    following = line[m.end():].lstrip()
    # "approx. the" goes on; a Korean sentence ends before anything ("...했습니다. long-CoT 설정에서").
    return not following[:1].islower() or bool(_HANGUL.search(word[-1:]))


def strip_lead(piece: str) -> str:
    """The piece without the link bars, section labels and (in Korean) the English title before its first word."""
    piece = piece.strip()
    while True:
        before = piece
        label = _LABELS.match(piece) or _KO_TITLE.match(piece)
        if label:
            piece = piece[label.end():]
        piece = re.sub(rf"^(?:{_EMOJI}\s*)+", "", _strip_bar(piece)).lstrip(" :·|•-–—")
        if piece == before:
            return piece


def _strip_bar(piece: str) -> str:
    """Remove a leading link bar ("Paper · Code", "arXiv: GitHub:", "[Paper] [Code]", "(paper / code)")."""
    opened = piece.startswith("(")
    pos, items, explicit = (1 if opened else 0), 0, False
    while True:
        m = _BAR_ITEM.match(piece, pos)
        if not m:
            break
        items, pos = items + 1, m.end()
        token = m.group(0)
        explicit = explicit or token.endswith((":", "]", ")")) or bool(re.match(_EMOJI, token))
        sep = _BAR_SEP.match(piece, pos)
        if not sep:
            break
        # Words after a plain space join the bar only after a colon, bracket or emoji ("arXiv: GitHub:"),
        # so that "Paper · Code Code Llama is ..." keeps its "Code Llama".
        if not sep.group(0).strip() and not token.endswith((":", "]", ")")):
            break
        explicit = explicit or bool(sep.group(0).strip())
        pos = sep.end()
    if opened:
        pos = len(piece[:pos].rstrip())
        if not piece.startswith(")", pos):
            return piece
        pos += 1
    if items == 0 or not (explicit or items > 1 or opened):
        return piece
    rest = piece[pos:].lstrip()
    return rest if rest and rest != piece else piece


def is_sentence(sentence: Sentence, max_chars: int) -> bool:
    """Reads as a whole sentence: long enough, not too long, ending as a sentence ends, and no table, code or card."""
    text = sentence.text
    if not MIN_CHARS[sentence.language] <= len(text) <= max_chars:
        return False
    if not (_KO_END if sentence.language == "ko" else _EN_END).search(text):
        return False
    if sentence.language == "en" and (not re.match(r"[\"'“‘(\[]?[A-Z0-9]", text) or len(text.split()) < 3):
        return False  # lost its beginning (a link, a label), or a link's text ("FlashAttention (arXiv).")
    if text.rstrip("\"'”’)]").endswith(":") or _CODE.search(text) or _CARD.search(text):
        return False
    if sentence.language == "ko":
        return True
    return _longest_run_without_stopword(text) < MAX_WORDS_WITHOUT_STOPWORD and not _is_title(text)


def _is_title(text: str) -> bool:
    """"Fast Inference from Transformers via Speculative Decoding (arXiv).": a title, not a sentence."""
    words = [w.strip(".,;:()\"'“”‘’") for w in text.split()]
    content = [w for w in words if len(w) >= 3 and w.casefold() not in _STOPWORDS and w[:1].isalpha()]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.75 * len(content)


def _longest_run_without_stopword(text: str) -> int:
    """A flattened table ("Model Paper Code miniF2F-test (%) Budget ...") goes on for words without one."""
    longest = run = 0
    for word in text.split():
        run = 0 if word.strip(".,;:()\"'").casefold() in _STOPWORDS else run + 1
        longest = max(longest, run)
    return longest
