"""Footnotes and reference lists: a paper cited by a marker ("Medusa[1]", "<sup>2</sup>") whose link sits
in a note at the end of the page belongs to the paragraph that cites it.

Runs inside `html_blocks` (extractors/html_blocks.py), on the parsed tree, before page chrome is removed
(footnote lists are chrome: they would take their papers with them). Plain text has its own `[3]` reference
lines (extractors/text_blocks.py).

A marker is an in-page link (`href="#fn:1"`, `#footnote-1`, `#ref-3`) whose text is a short mark ("1",
"[3]", "*", "†", "iv"); its note is the element the link points at, or the block around it when the target is
only the note's number (Substack's `<a id="footnote-1">1</a>` beside the note's text): a short block with at
least one web link and no heading, that does not hold the marker. Each marker lends its note's web links to
its place in the text (`NOTE_MARK`, read by the block reader as links on the marker's text), and each note
that lent its links is removed, so that a reference list does not read as stories of its own.

A citation by key (Distill's `<d-cite key="ho2020ddpm">`, as distill.pub and the al-folio and Distill themes
write it; several keys split by commas) lends the links of the page's BibTeX bibliography entries of that key
(`<script type="text/bibliography">` or `<d-bibliography>`): the entry's `url`, and its arXiv id written out
("arXiv preprint arXiv:2006.11239", `eprint = {2006.11239}`) as that paper's abstract page, titled by the
entry's `title`. Nothing of the bibliography is read as text (a script is chrome; a `<d-bibliography>` is removed).
"""

from __future__ import annotations

import json
import re

from lxml import etree

from extractors.links import find_arxiv_in_text, find_arxiv_in_url

NOTE_MARK = "data-radar-note"  # on a marker: its note's web links with their texts, as JSON (`lent_links`)
_MARK = re.compile(r"[\[(]?(?:\d{1,3}|[ivxIVX]{1,5}|[*†‡§¶a-z])[\])]?")
_INLINE = frozenset({"a", "span", "sup", "sub", "small", "b", "strong", "i", "em", "cite", "font"})
_NOTE_BLOCKS = frozenset({"li", "p", "div", "dd", "dt", "aside", "td", "section", "footer"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_NOTE = 600  # characters: a note is a reference, not a section


def lend_notes(root: etree._Element) -> list[etree._Element]:
    """Mark every footnote marker with its note's links (`NOTE_MARK`); the notes that lent them, to remove."""
    bibliographies = _lend_citations(root)
    markers = [a for a in root.iter("a") if (a.get("href") or "").startswith("#") and len(a.get("href")) > 1]
    if not markers:
        return bibliographies + _lend_endnotes(root)
    ids = {el.get("id"): el for el in root.iter(etree.Element) if el.get("id")}
    ids.update({a.get("name"): a for a in root.iter("a") if a.get("name") and a.get("name") not in ids})
    found: list[tuple[etree._Element, etree._Element]] = []
    for marker in markers:
        target = ids.get(marker.get("href")[1:])
        if target is None or not _MARK.fullmatch("".join(marker.itertext()).strip()):
            continue
        note = _note_of(target, marker)
        if note is not None:
            found.append((marker, note))
    notes = {id(n): n for _, n in found}
    used: dict[int, etree._Element] = {}
    for marker, note in found:
        if any(id(a) in notes for a in marker.iterancestors()):
            continue  # a note's own back-link to its marker
        links = [[a.get("href").strip(), " ".join("".join(a.itertext()).split())] for a in note.iter("a")
                 if _is_web_link(a)]
        marker.set(NOTE_MARK, json.dumps(links))
        used[id(note)] = note
    return bibliographies + list(used.values())


# The label over a list of endnotes: "Sources", "References", "Notes", "출처", "참고 문헌"
_ENDNOTES_LABEL = re.compile(
    r"^\W*(?:sources?|references?|notes?|footnotes?|endnotes?|citations?|bibliography|works cited|출처|각주"
    r"|참고\s?(?:문헌|자료|링크)?)\W*$", re.IGNORECASE)
_NUMBER_MARK = re.compile(r"[\[(]?(\d{1,3})[\])]?")


def _lend_endnotes(root: etree._Element) -> list[etree._Element]:
    """Endnotes cited by bare superscript numbers (`<sup>2</sup>`, no link: a mail composer's "Sources" list):
    the n-th item of a numbered list under an endnotes label lends its links to every `<sup>n</sup>`. The
    list's items that lent links, to remove."""
    sups = [(sup, int(m.group(1))) for sup in root.iter("sup") if next(sup.iter("a"), None) is None
            and (m := _NUMBER_MARK.fullmatch("".join(sup.itertext()).strip())) and not _after_a_digit(sup)]
    if not sups:
        return []
    notes = _endnote_list(root)
    used: dict[int, etree._Element] = {}
    for sup, n in sups:
        if not 1 <= n <= len(notes) or any(a is notes[n - 1] for a in sup.iterancestors()):
            continue
        note = notes[n - 1]
        sup.set(NOTE_MARK, json.dumps([[a.get("href").strip(), " ".join("".join(a.itertext()).split())]
                                       for a in note.iter("a") if _is_web_link(a)]))
        used[id(note)] = note
    return list(used.values())


def _after_a_digit(sup: etree._Element) -> bool:
    """`10<sup>9</sup>`: an exponent, not a marker."""
    before = sup.xpath("preceding::text()[1]")
    return bool(before) and str(before[0])[-1:].isdigit()


def _endnote_list(root: etree._Element) -> list[etree._Element]:
    """The items of the last `<ol>` whose label (the text right before it) says it lists endnotes, and
    whose every item is a short note with a web link; [] if there is none."""
    for ol in reversed(list(root.iter("ol"))):
        before = ol.xpath("preceding::text()[normalize-space()][1]")
        if not before or not _ENDNOTES_LABEL.match(str(before[0])):
            continue
        items = [li for li in ol.iterchildren("li")]
        if items and all(_has_web_link(li) and len("".join(li.itertext())) <= _MAX_NOTE for li in items):
            return items
    return []


_CITE_TAGS = ("d-cite",)
_BIB_ENTRY = re.compile(r"@\w+\s*\{\s*([^,\s{}]+)\s*,")
_BIB_FIELD = re.compile(r"\b(url|title|eprint)\s*=\s*[{\"]\s*(.+?)\s*[}\"]\s*,?\s*$", re.I | re.M)


def _lend_citations(root: etree._Element) -> list[etree._Element]:
    """Mark every citation by key (`<d-cite key="a,b">`) with the links its bibliography entries give; the
    bibliography elements, to remove (a script is chrome anyway)."""
    cites = [c for c in root.iter(*_CITE_TAGS) if c.get("key")]
    if not cites:
        return []
    entries = _bibliography(root)
    for cite in cites:
        links = [link for key in cite.get("key").split(",") for link in entries.get(key.strip(), [])]
        if links:
            cite.set(NOTE_MARK, json.dumps(links))
    return list(root.iter("d-bibliography"))


def _bibliography(root: etree._Element) -> dict[str, list[list[str]]]:
    """{citation key: [[href, title], ...]} of the page's BibTeX bibliographies (see the module docstring)."""
    texts = [el.text or "" for el in root.iter("script") if (el.get("type") or "").lower() == "text/bibliography"]
    texts += ["".join(el.itertext()) for el in root.iter("d-bibliography")]
    entries: dict[str, list[list[str]]] = {}
    for text in texts:
        found = list(_BIB_ENTRY.finditer(text))
        for n, entry in enumerate(found):
            body = text[entry.end(): found[n + 1].start() if n + 1 < len(found) else len(text)]
            fields = {name.lower(): value for name, value in _BIB_FIELD.findall(body)}
            title = " ".join(fields.get("title", "").replace("{", "").replace("}", "").split())
            links = [[fields["url"], title]] if fields.get("url", "").startswith(("http://", "https://")) else []
            if not any(find_arxiv_in_url(href) for href, _ in links):
                refs = [find_arxiv_in_url(f"https://arxiv.org/abs/{fields.get('eprint', '')}")]
                refs = [r for r in refs if r] or find_arxiv_in_text(body)[:1]
                links += [[f"https://arxiv.org/abs/{ref.arxiv_id}", title] for ref in refs]
            if links:
                entries.setdefault(entry.group(1), links)
    return entries


def lent_links(mark: str) -> list[tuple[str, str]]:
    """The (href, text) of the links a marker's `NOTE_MARK` holds."""
    return [(href, text) for href, text in json.loads(mark)]


def keeps_marker(tag: etree._Element) -> bool:
    """`tag` is a marker that lent a note's links, or an inline element around one (`<sup class="footnote-ref">`):
    not chrome, whatever its class says."""
    if tag.get(NOTE_MARK) is not None:
        return True
    return tag.tag in _INLINE and any(a.get(NOTE_MARK) is not None for a in tag.iter("a"))


def _note_of(target: etree._Element, marker: etree._Element) -> etree._Element | None:
    """The note a marker points at (see the module docstring), or None."""
    note: etree._Element | None = target
    for _ in range(3):  # from the note's number up to the block that holds its text
        if note is None or note.tag not in _INLINE or _has_web_link(note):
            break
        note = note.getparent()
    if note is None or note.tag not in _NOTE_BLOCKS and note.tag not in _INLINE:
        return None
    if note.tag in _HEADINGS or next(note.iterdescendants(*_HEADINGS), None) is not None:
        return None
    if any(a is note for a in marker.iterancestors()) or not _has_web_link(note):
        return None
    return note if len("".join(note.itertext())) <= _MAX_NOTE else None


def _has_web_link(el: etree._Element) -> bool:
    return any(_is_web_link(a) for a in el.iter("a"))


def _is_web_link(a: etree._Element) -> bool:
    """A link out of the page (absolute, or relative to the page: the block reader resolves it), not an
    in-page link, a mail address or a script."""
    href = (a.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "mailto:", "javascript:", "tel:")) and " " not in href
