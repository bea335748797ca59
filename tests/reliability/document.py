"""docs/reliability.md's generated parts: the summary line and the table of bad inputs.

Both sit between markers in the document, so the prose around them is kept when
`RADAR_UPDATE_DOCS=1` rewrites them:

    <!-- summary -->...<!-- /summary -->      the line results.summary_line() computes
    <!-- cases -->...<!-- /cases -->          one row per case: case, input, expected, observed
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.reliability.corpus import ROOT, Case

DOCUMENT = ROOT / "docs" / "reliability.md"
_BLOCK = "<!-- {name} -->\n{body}\n<!-- /{name} -->"
HEADER = "| case | input | expected outcome | observed outcome |\n|---|---|---|---|"


def block(text: str, name: str) -> str | None:
    m = re.search(rf"<!-- {name} -->\n(.*?)\n<!-- /{name} -->", text, re.S)
    return m.group(1) if m else None


def replace_block(text: str, name: str, body: str) -> str:
    assert block(text, name) is not None, f"{DOCUMENT} has no <!-- {name} --> block"
    return re.sub(rf"<!-- {name} -->\n.*?\n<!-- /{name} -->", lambda _: _BLOCK.format(name=name, body=body), text,
                  flags=re.S)


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")


def verdict(handled: bool) -> str:
    return "handled" if handled else "**not handled**"


def table(cases: list[Case], handled: dict[str, bool], observed: dict[str, str]) -> str:
    lines = [HEADER]
    for c in cases:
        lines.append(f"| `{c.name}` | {cell(c.input)} | {cell(c.expected)} | "
                     f"{verdict(handled[c.name])}: {cell(observed.get(c.name, ''))} |")
    return "\n".join(lines)


def table_rows(body: str) -> list[tuple[str, str, str, str]]:
    """(case, input, expected, verdict) of each row of the document's table."""
    found = []
    for line in body.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 4:
            found.append((cells[0].strip("`"), cells[1], cells[2], cells[3].split(":", 1)[0]))
    return found


def summary_block(line: str) -> str:
    return f"**{line}**"


def read() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def write(text: str, path: Path = DOCUMENT) -> None:
    path.write_text(text, encoding="utf-8")
