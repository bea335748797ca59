"""Which paper of a story each number and each code link belongs to: the one its own clause is about.

Runs inside `extract_items` (extractors/items.py), once per story that names two or more papers (a story with
one paper gets everything). Owns the reading of clauses for that question (where a sentence ends:
extractors/sentences.py `SENTENCE_END`):

1. the papers a block names, where: its links to them (the link's text), arXiv ids written out, and the names
   they go by (extractors/item_links.py `mention_names`), also with a model size or a Korean particle glued on
   ("MAmmoTH-34B", "PAL은"); a bold lead names the block's first paper; a paper named inside a parenthetical
   aside ("(X itself is older)") owns only what the aside holds, and its other mentions in the aside's clause
   are in passing unless it is that clause's subject;
2. a paper named as a baseline ("than X", "over X", "compared with X", "unlike X", "X보다", "X 대비") is never
   the owner of the clause's numbers;
3. a number or code link belongs to the paper named nearest before it in its clause, else the one it is
   said to be for or by, right after it ("21% for X", "a 3x speedup reported by X"), else the one named
   nearest before it in its sentence, else (a sentence whose subject is "the model", "this paper", "모델은":
   the story's own work named generically) the story's own paper, else (a sentence whose subject points back
   at another paper: "That paper ...", "The latter ...") the one paper it names after the number or else the
   one named last before it, else the last one named earlier in its block where the sentence naming it is
   about it (named at its start, elaborated by "which", introduced as its predicate: "The follow-up is X",
   "…한 것이 X로,", or marked its subject by a Korean particle: "X는"), else the story's own paper;
4. a code link whose repository is named after exactly one paper of the story ("artidoro/qlora") is that paper's,
   whatever rules 3 and 5 say;
5. two papers named together right before it ("X and Y both reach 80%"), or a sentence that speaks of several
   papers at once without naming one ("the pair gave 1.8x", "두 방법 모두"), make it undecidable: it belongs to
   no paper rather than to both;
6. a code link said to be several papers' ("Code for both:", "the repository of all three", "shared code") is
   each paper's its block names (a repository is not a number: it can be the code of two papers at once);
7. a block that tells of two or more papers, each closed by its own group of links (a paper's link and perhaps
   its code, right before the end of a sentence or clause: "… by 75% (paper, code).", "…줄였습니다(논문 / 코드).",
   "… faster. Paper: <address> | Code: <address> ."), every group that links a paper being such a group, is cut
   after each group: a number or code link in a stretch (from the group before, or the block's start, to its
   group) is decided by rules 3-6 among the mentions in that stretch, the stretch's paper taking the place of the
   story's own; what follows the last group is decided as if there were no cut.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from extractors.blocks import Anchor, Block, find_word, strip_urls
from extractors.item_links import BASELINE_BEFORE, Link, opening_name
from extractors.links import find_arxiv_in_url, repo_name
from extractors.sentences import NEXT_SENTENCE, SENTENCE_END
from records.documents import CodeLink, Metric, PaperRef

_CLAUSE_END = re.compile(
    r"(?<!\d)[.!?](?=\s|$)|[;。！？]|\s[—–]\s|\s--\s"
    r"|,\s+(?=(?:while|whereas|but|although|though|meanwhile|and\s+(?:its|their|the)\s+\w+\s+(?:model|method|paper)"
    r")\b)|,?\s+(?=(?:반면|한편)\b)",
    re.I,
)
_BASELINE_AFTER = re.compile(r"^\s*(?:보다|대비|에\s?비해|와\s?비교|과\s?비교)")
# "21% for X", "a 3x speedup reported by X": the number is X's, though X comes after it
_FOR = re.compile(r"\S*(?:\s+[\w-]+){0,4}?\s+(?:for|by|from)\s+(?:the\s+)?(?:\w+\s+){0,3}$", re.I)
# A sentence about several papers at once, naming none of them: "the pair", "between them", "두 방법 모두"
_JOINT_REFERENCE = re.compile(
    r"\b(?:the pair|between them|both of them|the two(?: of them)?|both (?:papers|methods|models|approaches|systems))\b"
    r"|두\s?(?:논문|모델|방법|연구|기법)|둘\s?다",
    re.I,
)
_JOINT = re.compile(r"^\s*(?:,|and|&|or|과|와|및|,\s*and)\s*$", re.I)
# A sentence whose subject is the story's own work named generically ("The model ...", "이 모델은 ..."): it
# speaks of the story's paper, not of a paper the sentences before it mention
_OWN_SUBJECT = re.compile(
    r"(?:the|this|our|their|its)\s+(?:full\s+|final\s+|released\s+|new\s+)?(?:model|paper|method|approach"
    r"|system|framework|architecture|recipe|technique|team|authors|researchers|study)s?\b(?!\s+(?:of|by|from)\b)"
    r"|(?:이\s?|해당\s?|전체\s?)?(?:모델|논문|방법|기법|연구|시스템|프레임워크)(?:은|는|이|의)\s",
    re.I,
)

# A sentence whose subject points back at a paper other than the story's own ("That paper ...", "The latter
# ...", "That model ..."): it speaks of the paper it names, or else of the one named last before it
_OTHER_SUBJECT = re.compile(
    r"(?:the latter|the former)\b|(?:that|the other|the second)\s+(?:one|paper|work|model|method|dataset|corpus"
    r"|study|report|system|benchmark)\b(?!\s+(?:of|by|from)\b)",
    re.I,
)


@dataclass(frozen=True)
class Piece:
    """A block and its text as it stands in the item's text (URLs and a bold lead removed)."""

    block: Block
    text: str


@dataclass(frozen=True)
class _Mention:
    start: int  # -1 for a bold lead (before the text)
    end: int
    paper: str
    baseline: bool
    aside: tuple[int, int] | None = None  # the parenthetical aside it sits in ("(X itself is older)")
    passing: bool = False  # its paper is named in an aside of its clause, and this is not the clause's subject

    def speaks_at(self, pos: int) -> bool:
        """A mention that can own what is at `pos`: not a baseline, and not an aside or a passing mention,
        except inside its own aside."""
        if self.baseline:
            return False
        if self.aside is not None:
            return self.aside[0] <= pos < self.aside[1]
        return not self.passing


@dataclass
class Owners:
    """Whose each number and code link is: an arXiv id, or None where it cannot be decided."""

    metrics: list[str | None]  # one per located metric, in order
    code: dict[str, str | None] = field(default_factory=dict)  # by repository URL
    split_off: set[str] = field(default_factory=set)  # mentioned papers that own something
    shared_code: dict[str, set[str]] = field(default_factory=dict)  # a repository said to be several papers'
    sentences: dict[str, list[str]] = field(default_factory=dict)  # the sentences of what they own
    names: dict[str, str] = field(default_factory=dict)  # the name a stretch of a cut block opens with (rule 7)

    def owns_code(self, url: str, pid: str, primary: str) -> bool:
        """The repository at `url` is `pid`'s code: assigned to it (one no clause assigns is the story's own
        paper's, `primary`), or said to be shared by it with other papers."""
        return self.code.get(url, primary) == pid or pid in self.shared_code.get(url, ())


def assign(pieces: list[Piece], located: list[tuple[int, int, Metric]], code: list[tuple[CodeLink, Link, int]],
           papers: list[PaperRef], names_of: Callable[[], dict[str, list[str]]]) -> Owners:
    """Whose each located metric and code link is; `names_of` gives the names the papers go by (asked only
    where there are two papers or more)."""
    primary = papers[0].arxiv_id
    if len(papers) == 1:
        return Owners([primary] * len(located), {c.url: primary for c, _, _ in code})
    starts, at = [], 0
    for piece in pieces:
        starts.append(at)
        at += len(piece.text) + 1
    names = names_of()
    found: dict[int, list[_Mention]] = {}

    def mentions_in(i: int) -> list[_Mention]:  # only the blocks that hold a number or a code link
        if i not in found:
            found[i] = _mentions(pieces[i], papers, names)
        return found[i]

    known = {p.arxiv_id for p in papers}
    cut: dict[int, list[tuple[int, str]]] = {}
    owners = Owners([])

    def speakers_at(i: int, pos: int) -> tuple[list[_Mention], str]:
        if i not in cut:
            cut[i] = _closing_cuts(pieces[i], known)
            for pid, name in _stretch_names(pieces[i].text, cut[i]).items():
                owners.names.setdefault(pid, name)
        return _stretch(cut[i], mentions_in(i), pos, primary)

    for start, _, _ in located:
        i = max(0, bisect_right(starts, start) - 1)
        mentions, fallback = speakers_at(i, start - starts[i])
        who, sentence = _owner(pieces[i].text, mentions, start - starts[i], fallback)
        owners.metrics.append(who)
        _note(owners, who, primary, sentence)
    by_block = {id(p.block): n for n, p in enumerate(pieces)}
    for repo, link, _ in code:
        n = by_block.get(id(link.block)) if link.block is not None else None
        named = _named_by_repo(repo.url, names, papers)
        if n is None:
            owners.code[repo.url] = named or primary
            continue
        pos = max(locate(link.anchor, pieces[n].text), 0)
        mentions, fallback = speakers_at(n, pos)
        who, sentence = _owner(pieces[n].text, mentions, pos, fallback)
        owners.code[repo.url] = who = named or who
        _note(owners, who, primary, sentence)
        sharers = [] if named else _sharers(pieces[n].text, mentions, pos, link.anchor.text)
        if sharers:
            owners.shared_code[repo.url] = set(sharers)
            for pid in sharers:
                _note(owners, pid, primary, sentence)
    return owners


# The words between two links of one group ("(paper, code)", "Paper: … · Code: …", "(논문 / 코드)"): a separator
# and a label or two, no number
_GROUP_GAP = re.compile(r"[^\d]{0,14}")
# What closes a sentence right after a group of links: its brackets, then its stop or the block's end
_CLOSES = re.compile(r"[\s)\]]*(?:[.;!?。](?=\s|$)|$)")


def _stretch(cuts: list[tuple[int, str]], mentions: list[_Mention], pos: int,
             primary: str) -> tuple[list[_Mention], str]:
    """The mentions that can own what is at `pos` in a block, and whose it is when none does: those of its
    stretch and the stretch's paper where the block is cut at its papers' closing links (rule 7)."""
    begin = 0
    for end, pid in cuts:
        if pos <= end:
            return [m for m in mentions if begin <= m.start < end or (m.start < 0 and begin == 0)], pid
        begin = end
    return mentions, primary


def _stretch_names(text: str, cuts: list[tuple[int, str]]) -> dict[str, str]:
    """The name each stretch of a cut block gives its paper: the one the last of its sentences that opens with
    a title ("Diffusion Models Beat GANs on Image Synthesis then adds ...") or a coined word ("GLM-130B is ...")
    opens with; a sentence that opens with a word of prose ("Another ...", "The model ...") gives none."""
    names, begin = {}, 0
    for end, pid in cuts:
        starts = [begin, *(m.end() for m in NEXT_SENTENCE.finditer(text, begin, end))]  # (a year ends one: "… 2022. X")
        found = [n for n in (opening_name(text, at, end) for at in starts) if n]
        if found:
            names[pid] = found[-1]
        begin = end
    return names


def _closing_cuts(piece: Piece, known: set[str]) -> list[tuple[int, str]]:
    """Where a block is cut at its papers' closing links (rule 7): (the end of each stretch, its paper), where
    every group of links in the block that links a paper links one, closes its sentence, and two or more such
    groups link different papers; none otherwise."""
    text = piece.text
    spots = []
    for anchor in piece.block.anchors:
        pos, pid = locate(anchor, text), _anchor_paper(anchor.href, known)
        if pos < 0 and pid is not None:
            return []  # a paper's link the text does not show where it is
        if pos >= 0:
            shown = bool(anchor.text) and text.startswith(anchor.text, pos)
            spots.append((pos, pos + len(anchor.text) if shown else pos, pid))
    groups: list[list[tuple[int, int, str | None]]] = []
    for spot in sorted(spots, key=lambda s: s[:2]):
        if groups and _GROUP_GAP.fullmatch(text, groups[-1][-1][1], spot[0]):
            groups[-1].append(spot)
        else:
            groups.append([spot])
    cuts = []
    for group in groups:
        linked = {pid for _, _, pid in group if pid is not None}
        if not linked:
            continue
        closed = _CLOSES.match(text, group[-1][1])
        if len(linked) > 1 or closed is None:
            return []
        cuts.append((closed.end(), linked.pop()))
    return cuts if len({pid for _, pid in cuts}) == len(cuts) > 1 else []


# A code link said to be several papers' ("Code for both:", "the repo of all three", "shared code:")
_JOINT_CODE = re.compile(
    r"(?:\b(?:for|of|by|behind)\s+(?:both|all\s+(?:two|three|four|five|of\s+them)|each(?:\s+of\s+them)?"
    r"|the\s+(?:two|three|pair))(?:\s+(?:papers|projects|of\s+them))?|\b(?:shared|common|joint)\s+(?:code|repo"
    r"(?:sitory)?|codebase|implementation)|공통\s?코드|두\s?(?:논문|연구)\s?모두의?\s?코드)\W*$",
    re.I,
)


def _sharers(text: str, mentions: list[_Mention], pos: int, link_text: str) -> list[str]:
    """The papers of a block a code link is said to be shared by: every one its block names, not as a
    baseline, where the link's text or the words right before it say it is several papers' (none otherwise)."""
    if not (_JOINT_CODE.search(text[max(0, pos - 40):pos]) or _JOINT_CODE.search(link_text)):
        return []
    found = list(dict.fromkeys(m.paper for m in mentions if not m.baseline))
    return found if len(found) >= 2 else []


def _named_by_repo(url: str, names: dict[str, list[str]], papers: list[PaperRef]) -> str | None:
    """The one paper a repository is named after ("artidoro/qlora" is QLoRA's, not LoRA's; "org/pal-src" is
    PAL's): its name, or the first word of it, is one of the paper's names, and no other paper's."""
    repo = repo_name(url).casefold()
    keys = {_squeeze(repo), _squeeze(re.split(r"[-_.]", repo, maxsplit=1)[0])}
    found = {p.arxiv_id for p in papers for name in names.get(p.arxiv_id, []) if _squeeze(name.casefold()) in keys}
    return found.pop() if len(found) == 1 else None


def _squeeze(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _note(owners: Owners, who: str | None, primary: str, sentence: str) -> None:
    if who is not None and who != primary:
        owners.split_off.add(who)
        kept = owners.sentences.setdefault(who, [])
        if sentence not in kept:
            kept.append(sentence)


def _mentions(piece: Piece, papers: list[PaperRef], names: dict[str, list[str]]) -> list[_Mention]:
    text, block = piece.text, piece.block
    found: list[tuple[int, int, str]] = []
    known = {p.arxiv_id for p in papers}
    if block.lead is not None and block.paper_ids and block.paper_ids[0] in known:
        found.append((-1, -1, block.paper_ids[0]))
    for anchor in block.anchors:
        pid = _anchor_paper(anchor.href, known)
        if pid is None or not anchor.text:
            continue
        if anchor.text == block.text:  # a link around the whole block (an email card)
            found.append((-1, -1, pid))
            continue
        pos = locate(anchor, text)
        if pos >= 0:
            found.append((pos, pos + len(anchor.text), pid))
    for pid in known:
        for name in (pid, *names.get(pid, [])):
            found += [(at, at + len(name), pid) for at in find_word(text, name)]
            found += [(at, at + len(name), pid) for at in find_word(text, name, suffix=_SIZE_SUFFIX)]
    out = []
    for start, end, pid in sorted(set(found)):
        baseline = start >= 0 and bool(BASELINE_BEFORE.search(text[max(0, start - 40):start])
                                       or _BASELINE_AFTER.match(text[end:end + 8]))
        out.append(_Mention(start, end, pid, baseline, _aside(text, start, end) if start >= 0 else None))
    return _passing(text, out) if any(m.aside for m in out) else out


# A parenthetical: the aside, if it says more than the name it holds ("(X itself is older)", "(X는 작년
# 논문)"), not a citation ("(X)", "(X, 2021)", "(arXiv)")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_ASIDE_WORDS = 2  # words besides the mention for a parenthetical to be an aside


def _aside(text: str, start: int, end: int) -> tuple[int, int] | None:
    open_at = text.rfind("(", max(0, start - 80), start)
    if open_at < 0 or ")" in text[open_at:start]:
        return None
    m = _PARENTHETICAL.match(text, open_at)
    if m is None or m.end() < end:
        return None
    rest = text[open_at + 1:start] + " " + text[end:m.end() - 1]
    words = [w for w in rest.split() if any(c.isalpha() for c in w)]
    return (m.start(), m.end()) if len(words) >= _ASIDE_WORDS else None


def _passing(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """A paper named in an aside is named in passing in the aside's clause ("it trains X adapters (X itself is
    older), which ..."): its other mentions there own nothing, unless it is the clause's subject, named at its
    start."""
    asides = {(m.paper, _bounds(_CLAUSE_END, text, m.start)) for m in mentions if m.aside is not None}
    out: list[_Mention] = []
    for m in mentions:
        if m.aside is None and m.start >= 0:
            c0, c1 = _bounds(_CLAUSE_END, text, m.start)
            first = len(text[c0:m.start].split()) <= _TOPIC_WORDS and not any(
                c0 <= o.start and o.paper != m.paper for o in out)
            if (m.paper, (c0, c1)) in asides and not first:
                m = replace(m, passing=True)
        out.append(m)
    return out


# A size glued to a model's name with a hyphen ("MAmmoTH-34B", "Orca-13b"): a size of that model, the paper; a
# plain `find_word` does not find the name there, as a hyphen glues words ("MAmmoTH-style" is not a mention)
_SIZE_SUFFIX = re.compile(r"-\d+(?:\.\d+)?[BbMm](?![\w-])")


def locate(anchor: Anchor, text: str) -> int:
    """Where a link's text sits in `text`: the occurrence that the words before the link on its line lead
    to ("... 4.5x faster (code). AWQ ... (code)" has two "code" links); for a link whose text is only its
    address (URLs are not in `text`) or that has none (an address written out in plain text), where those
    words end; -1 if it is not there."""
    lead = strip_urls(anchor.before)[-30:].strip()
    if not strip_urls(anchor.text).strip():
        at = text.find(lead) if lead else -1
        return at + len(lead) if at >= 0 else -1
    spots, at = [], text.find(anchor.text)
    while at >= 0:
        spots.append(at)
        at = text.find(anchor.text, at + 1)
    if len(spots) <= 1:
        return spots[0] if spots else -1
    return next((pos for pos in spots if lead and text[:pos].rstrip().endswith(lead)), spots[0])


def _anchor_paper(href: str, known: set[str]) -> str | None:
    ref = find_arxiv_in_url(href)
    return ref.arxiv_id if ref is not None and ref.arxiv_id in known else None


@lru_cache(maxsize=256)  # a paragraph's breaks, asked again for each of its numbers
def _breaks(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    found = list(pattern.finditer(text))
    return tuple(m.start() for m in found), tuple(m.end() for m in found)


def _bounds(pattern: re.Pattern[str], text: str, pos: int) -> tuple[int, int]:
    """The start and end of the sentence or clause (as `pattern` ends them) around `pos`."""
    starts, ends = _breaks(pattern, text)
    before = bisect_right(ends, pos)  # breaks that end at or before `pos`
    start = ends[before - 1] if before else 0
    after = next((s for s in starts[before:] if s >= pos), len(text))
    return start, after


def _owner(text: str, mentions: list[_Mention], pos: int, primary: str) -> tuple[str | None, str]:
    """The paper the clause around `pos` is about (see the module docstring), and its sentence."""
    subjects = [m for m in mentions if m.speaks_at(pos)]
    if not subjects:
        return primary, ""
    s0, s1 = _bounds(SENTENCE_END, text, pos)
    sentence = text[s0:s1 + 1].strip()
    if not any(s0 <= m.start < s1 for m in subjects) and len({m.paper for m in subjects}) > 1 and (
            _JOINT_REFERENCE.search(sentence)):
        return None, sentence  # "... and in our test the pair gave 1.8x": both papers', so neither's
    c0, c1 = _bounds(_CLAUSE_END, text, pos)
    before = [m for m in subjects if c0 <= m.start <= pos]
    if before:
        return _nearest(before, text), sentence
    named_for = next((m for m in subjects if pos < m.start < c1 and _FOR.match(text, pos, m.start)), None)
    if named_for is not None:
        return named_for.paper, sentence
    before = [m for m in subjects if s0 <= m.start <= pos]
    if before:
        return _nearest(before, text), sentence
    if _OWN_SUBJECT.match(sentence):
        return primary, sentence
    earlier = [m for m in subjects if m.start < s0]
    if _OTHER_SUBJECT.match(sentence):  # "That paper gathers 5.85B pairs (arXiv:…)", "The latter reaches 62%"
        later = {m.paper for m in subjects if pos < m.start < s1}
        if len(later) == 1:
            return later.pop(), sentence
        if earlier:
            return earlier[-1].paper, sentence
    if earlier and earlier[-1].paper != primary and not _is_topic(text, earlier[-1]):
        return primary, sentence  # a paper named in passing ("builds on X") is not what the next sentences are about
    return (earlier[-1].paper if earlier else primary), sentence


_TOPIC_WORDS = 3  # words before a mention in its sentence for it to be the sentence's topic


def _is_topic(text: str, mention: _Mention) -> bool:
    """A mention the sentence is about: a bold lead, named at the sentence's start ("X (arXiv) cuts …", "Then X
    …") or elaborated by a relative clause (`_ELABORATED`), not named as an object further on ("The system
    builds on X")."""
    if mention.start < 0:
        return True
    s0, _ = _bounds(SENTENCE_END, text, mention.start)
    return (len(text[s0:mention.start].split()) <= _TOPIC_WORDS or bool(_ELABORATED.match(text, mention.end))
            or bool(_INTRODUCED_BEFORE.search(text, max(s0, mention.start - 30), mention.start))
            or bool(_KO_SUBJECT_AFTER.match(text, mention.end))
            or bool(_KO_ONE_THAT.search(text, max(s0, mention.start - 4), mention.start)
                    and _KO_IS_AND.match(text, mention.end)))


# A paper the sentence introduces as its predicate: "The follow-up is X", "Next comes X", "Meta presents X" (not
# "there is X", which only points at it);
# in Korean the particle after the name says it: subject or topic ("X는", "X가"), copula ("X입니다", "X이며"),
# or "the one that … is X, …" ("…한 것이 X로, …")
_INTRODUCED_BEFORE = re.compile(
    r"\b(?<!there )(?<!there's )(?:is|was|comes|came|enters?|meet|introduc(?:es|ed|ing)|present(?:s|ed|ing)"
    r"|propos(?:es|ed|ing)|unveil(?:s|ed)|releas(?:es|ed))\s+(?:the\s+|a\s+|its\s+|their\s+)?(?:new\s+)?$",
    re.I,
)
_KO_SUBJECT_AFTER = re.compile(r"(?:은|는|이|가|입니다|이다|이며|이고|이죠|예요|이에요)(?![가-힣])")
_KO_ONE_THAT = re.compile(r"것(?:이|은)\s$")  # "…한 것이 X로, …": "the one that … is X, and …"
_KO_IS_AND = re.compile(r"(?:으)?로\s?,")


# A relative clause right after a mention elaborates on it, so the sentences after it go on about it: "I use
# X, which distils 500 prompts … Its pipeline is open source"
_ELABORATED = re.compile(r"\s*(?:\([^)]{0,40}\)\s*)?,?\s+(?:which|who|whose)\b", re.I)


def _nearest(before: list[_Mention], text: str) -> str | None:
    last = before[-1]
    for other in reversed(before[:-1]):
        if other.paper == last.paper:
            continue
        if other.end >= 0 and _JOINT.match(text[other.end:last.start]):
            return None  # "X and Y both ...": the two together, not one of them
        break
    return last.paper
