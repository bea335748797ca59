"""Headings that are not `<h*>`: what an element's role, inline style and size classes say about its text.

Runs inside `html_blocks` (extractors/html_blocks.py), once per page for the body text's size and once per
leaf block element. Email builders and page editors rarely write `<h2>`: a Stibee or Mailchimp story title is
a `<td style="font-size:22px;font-weight:bold">`, a ranked digest's is a `<div style="font-size:19px;
font-weight:700">`, Naver's SmartEditor draws it as a span with a size class (`se-fs-fs24`), Notion as a
`<div role="heading" aria-level="2">`, Lark (Feishu) Docs as a `<div data-block-type="heading2">` around a
`<div class="heading heading-h2">`. A block element is a heading when:

1. its role says so (`role="heading"`, level from `aria-level`, 2 when absent), or its block type or a class
   names a heading and its level (`data-block-type="heading3"`, `docx-heading2-block`, `heading-h2`,
   `ql-heading-1`): a block editor's heading (`marked_level`), whether or not it wraps other block elements;
2. its text is set clearly larger than the page's body text (the size most of the page's text is set in):
   at least 1.15 times and 2px more; its level follows from the size (`level_of`);
3. it is set bold (inline style) at no smaller a size than the body text: a bold-only title, ranked below
   every `<h*>`, like a `<p><strong>Title</strong></p>`.

The text must look like a title (short, with letters, not a sentence); sizes are read from the element or
the single inline element it wraps (`<p><span style=...>Title</span></p>`), in px, pt, em, rem or %.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from extractors.sentences import reads_as_sentence

_SIZE_STYLE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
# Size classes: SmartEditor's "se-fs-fs24", and the "fs-24", "font-size-24", "text-24px" of other editors
_SIZE_CLASS = re.compile(r"(?:^|[-_])(?:fs|font-?size|text)-?(\d{2})(?:px)?$", re.I)
_TO_PX = {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "%": 0.16}
_INLINE = frozenset({"span", "a", "b", "strong", "font", "em", "i", "u", "p", "div"})


# What a page must hold somewhere for any of its elements to be a heading by role or style: a font declared
# in a style, a heading role, or a size class (`_SIZE_CLASS` unanchored). Most pages hold none of these, and
# their blocks are then not looked at one by one.
# Read on the lowered source: "font" and "heading" as plain substring tests (far quicker than one case-blind
# pattern over a whole page), the size classes without "font-size" (which holds "font") by a pattern.
_PAGE_WORDS = ("font", "heading")
_SIZE_CLASS_HEADS = ("fs", "text")
_PAGE_SIZE_CLASS = re.compile(rf"(?:{'|'.join(_SIZE_CLASS_HEADS)})-?\d{{2}}")


def page_may_be_styled(html: str) -> bool:
    """A quick test of a whole page's source before `body_size` and `may_be_styled`: False where no element
    can declare a heading role, a font or a size class."""
    lower = html.lower()
    return any(word in lower for word in _PAGE_WORDS) or _has_size_class(lower)


def _has_size_class(lower: str) -> bool:
    """`_PAGE_SIZE_CLASS.search(lower) is not None`, the pattern tried only where one of its heads starts: a
    scan of a whole page with it tries every position, several times slower than finding the heads."""
    for head in _SIZE_CLASS_HEADS:
        at = lower.find(head)
        while at >= 0:
            if _PAGE_SIZE_CLASS.match(lower, at):
                return True
            at = lower.find(head, at + 1)
    return False


_CLASS_RULE = re.compile(r"(?<![\w.#-])\.([A-Za-z_][\w-]*)\s*\{([^{}]*)\}")
_FONT_DECLARATION = re.compile(r"font-(?:weight|size)\s*:\s*[^;}]+", re.I)


def inline_class_fonts(sheets: list[str], root: etree._Element) -> None:
    """Write the font weight and size that the page's own stylesheet gives a class (`.c2{font-weight:700;
    font-size:13pt}`: Google Docs' published pages, Word's HTML, email builders) into the style attribute of each
    element of that class, so that the heading rules read them as they read inline styles. Only rules whose
    selector ends in a class are read (`.c2`, `.post .title`, not `p.MsoNormal`); an inline style, written
    after them, still wins."""
    fonts: dict[str, str] = {}
    for sheet in sheets:
        if "font" not in sheet:
            continue
        for name, body in _CLASS_RULE.findall(sheet):
            declared = ";".join(_FONT_DECLARATION.findall(body))
            if declared:
                fonts[name] = f"{fonts[name]};{declared}" if name in fonts else declared
    if not fonts:
        return
    for el in root.iter(etree.Element):
        classes = el.get("class")
        declared = [fonts[c] for c in classes.split() if c in fonts] if classes else None
        if declared:
            el.set("style", ";".join([*declared, el.get("style") or ""]))


def font_size(el: etree._Element) -> float | None:
    """The font size an element declares, in px: its inline style, else a size class."""
    style = el.get("style")
    if style and "font-size" in style:
        m = _SIZE_STYLE.search(style)
        if m:
            return float(m.group(1)) * _TO_PX[m.group(2).lower()]
    classes = el.get("class")
    if classes and any(c.isdigit() for c in classes):
        for token in classes.split():
            m = _SIZE_CLASS.search(token)
            if m:
                return float(m.group(1))
    return None


def body_size(root: etree._Element) -> float | None:
    """The size most of the page's text is set in (text length by declared size), None where no text
    declares one."""
    weights: Counter[float] = Counter()
    for el in root.iter(etree.Element):
        size = font_size(el) if el.get("style") or el.get("class") else None
        if size is not None:
            weights[size] += len("".join(el.itertext()).strip())
    return weights.most_common(1)[0][0] if weights else None


def level_of(size: float) -> int:
    """The `<h*>` level a title set at `size` px stands for."""
    return 1 if size >= 26 else 2 if size >= 21 else 3 if size >= 18 else 4


# A block type or class that names a heading and its level: "heading2", "docx-heading2-block", "heading-h3",
# "ql-heading-1" (not "subheading-1", not "heading" alone: a level is part of the mark)
_MARKED_HEADING = re.compile(r"(?:^|[-_])heading-?h?([1-6])(?:$|[-_])", re.I)
_MARK_ATTRS = ("data-block-type", "data-type", "class")


def marked_level(el: etree._Element) -> int | None:
    """The heading level an element's role (`role="heading"`, `aria-level`) or its block type or class
    (`data-block-type="heading2"`, `heading-h3`) gives it, None where they name no heading."""
    attrs = el.attrib
    if not attrs:
        return None
    if attrs.get("role") == "heading":
        level = attrs.get("aria-level") or "2"
        return int(level) if level.isdigit() and 1 <= int(level) <= 6 else 2
    for name in _MARK_ATTRS:
        value = attrs.get(name)
        if value and "heading" in value.lower():
            for token in value.split():
                if (m := _MARKED_HEADING.search(token)) is not None:
                    return int(m.group(1))
    return None


def marked_title_level(el: etree._Element, text: str) -> int | None:
    """`marked_level` for an element whose text looks like a title (short, not a sentence), else None."""
    level = marked_level(el)
    return level if level is not None and _looks_like_title(text) else None


def styled_level(el: etree._Element, text: str, body: float | None) -> int | None:
    """The heading level of a leaf block element by its role, block type and style (see the module docstring):
    1-6, or 0 for a bold-only title; None where it is not a heading."""
    if not _looks_like_title(text):
        return None
    if (level := marked_level(el)) is not None:
        return level
    size, bold = None, False
    for node in _chain(el):
        size = size if size is not None else font_size(node)
        bold = bold or bool(_BOLD_STYLE.search(node.get("style") or "")) or node.tag in ("b", "strong")
    if size is not None and body is not None and size >= 1.15 * body and size >= body + 2:
        return level_of(size)
    if bold and _styled(el) and (size is None or body is None or size >= body):
        return 0
    return None


def may_be_styled(el: etree._Element) -> bool:
    """A quick test before `styled_level`: the element has a heading role or block type, or it or what it
    wraps declares a font (most block elements of most pages declare none)."""
    if marked_level(el) is not None:
        return True
    for node in _chain(el):
        style, classes = node.get("style"), node.get("class")
        if (style and "font" in style) or (classes and any(c.isdigit() for c in classes)
                                            and any(_SIZE_CLASS.search(t) for t in classes.split())):
            return True
    return False


def _styled(el: etree._Element) -> bool:
    """The element itself or what it wraps declares a weight (a plain `<p><b>` is left to the paragraph reader)."""
    return any(_BOLD_STYLE.search(node.get("style") or "") for node in _chain(el))


def _chain(el: etree._Element) -> list[etree._Element]:
    """The element and the inline elements it wholly wraps, outermost first (`<td><span><b>Title`)."""
    chain = [el]
    while True:
        kids = list(chain[-1])
        text = (chain[-1].text or "").strip() or any((k.tail or "").strip() for k in kids)
        if len(kids) != 1 or text or kids[0].tag not in _INLINE:
            return chain
        chain.append(kids[0])


def _looks_like_title(text: str) -> bool:
    if not 2 <= len(text) <= 160 or not any(c.isalpha() for c in text):
        return False
    return not reads_as_sentence(text)
