"""Where a sentence ends: the one model of it that the extractor reads by, its variants named by what they are for.

A leaf of the extractors (imports nothing of the project), read wherever a reader asks which sentence a
position is in. A sentence ends at a full stop, "!" or "?" ("。", "！", "？" in CJK text) before a space or the
end of the text. The readers differ, on purpose, in what else they take for an end or not:

- `SENTENCE_END` (extractors/attribution.py: which sentence a number or a mention is in): a stop right after a
  digit is a decimal point or an entry's number ("2.5", "1."), never an end; a CJK stop ends one anywhere.
- `SNIPPET_END`, `SNIPPET_STOP_END` (extractors/metric_spans.py `sentences`: the sentence a metric is read in and
  shown as its evidence): only a stop before a character that is not a lower-case letter ends one (an
  abbreviation, "et al. show", goes on), quotes and a bracket closing after it; a line break ends one too.
  The second is the first for a text without line breaks (every blurb), faster.
- `NEXT_SENTENCE` (extractors/attribution.py `_stretch_names`: where each sentence of a stretch starts, to
  read the name it opens with): any stop before spaces, one after a digit included ("… in 2022. GLM-130B
  is …"); the match ends where the next sentence starts.
- `BREAK_AHEAD` (extractors/metric_drafts.py, extractors/items.py: does a span of text run into another
  sentence or clause): any stop, or ";", before a space.
- `CLOSED` (extractors/items.py: a blurb that closes its sentence goes on after a space, else after a line
  break): the text ends with a stop, "…", ":" or ";", quotes or a bracket after it.
- `reads_as_sentence` (extractors/html_styles.py, extractors/items.py: a line that is a sentence, not a title):
  six words or more, ending with a stop (`TITLE_STOPS`; a post's subject only with a full stop: it may ask).

Clauses, which end at more than sentences do, are each reader's own (attribution `_CLAUSE_END`, metric_spans
`_CLAUSE_BREAK`, item_links `_CLAUSE_END`): they split for different questions.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<!\d)[.!?](?=\s|$)|[。！？]")
# (the lookahead, what either branch opens with, only lets the scan pass over most positions quicker)
SNIPPET_END = re.compile(r"(?=[\s\"'”’)])(?:(?<=[.!?。])[\"'”’)]*\s+(?=[^a-z])|\n+)")
# The same ends in a text with no line break (every blurb, whitespace made single spaces), with the full stop
# taken along: a pattern that opens with a character class is scanned several times faster.
SNIPPET_STOP_END = re.compile(r"[.!?。][\"'”’)]*\s+(?=[^a-z])")
NEXT_SENTENCE = re.compile(r"[.!?。]\s+")
BREAK_AHEAD = re.compile(r"[.!?;]\s")
CLOSED = re.compile(r"[.!?。…:;][\"'”’)]*\s*$")
TITLE_STOPS = (".", "!", "?", "。")  # (Korean prose ends with "다." or "요.": a full stop all the same)
_SENTENCE_WORDS = 6  # a title is rarely this long and ends with a stop


def reads_as_sentence(text: str, stops: str | tuple[str, ...] = TITLE_STOPS) -> bool:
    """A line that is a sentence, not a title: it ends with one of `stops` and has six words or more."""
    return text.endswith(stops) and len(text.split()) >= _SENTENCE_WORDS
