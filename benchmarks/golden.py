"""A golden check for speed work: every input the repo holds, from raw bytes to items, before and after a change.

    python -m benchmarks.golden write OUT.json   # the outputs of the code as it is now
    python -m benchmarks.golden check OUT.json   # the same inputs again: each document's output identical?

The inputs are every fixture of tests/ (feeds, emails, pages, text; the sealed layouts left out unread),
the labelled dev corpus (../shared/corpus/dev), the demo data and a generated archive in the benchmark's
shapes (benchmarks/synth.py). Each file goes through `parse_document_bytes` (and, for feeds, the entries
left out by `parse_feed_entries`), then `extract_items` on each document; the output kept is every record
as JSON, or the error's type and message. An optimisation changes none of it: `check` says how many files
are identical and shows the first difference. Outputs are kept out of the repo: they change with every
extraction rule, which is not what this checks.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from extractors import ExtractError, extract_items, parse_document_bytes, parse_feed_entries
from extractors.documents import sniff_kind

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".html", ".htm", ".eml", ".txt")


def input_files(synth_folder: Path) -> list[tuple[str, Path]]:
    """(name, path) of every input: named by their place in the repo, so that two worktrees compare."""
    found: list[tuple[str, Path]] = []
    for top in (ROOT / "tests", ROOT / "demo"):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("sealed"))  # never read, not even listed
            found += [(str(Path(folder, f).relative_to(ROOT)), Path(folder, f)) for f in sorted(files)
                      if f.endswith(_SUFFIXES)]
    found += [(f"corpus/dev/{p.name}", p) for p in sorted(CORPUS.iterdir()) if p.suffix in _SUFFIXES]
    found += [(f"synth/{p.relative_to(synth_folder)}", p) for p in _synth_files(synth_folder)]
    return found


def _synth_files(folder: Path) -> list[Path]:
    from benchmarks import synth

    synth.write_archive(folder, 60, sources=3, seed=11)
    return synth.archive_files(folder)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return repr(value)  # every digit: a float that moves in its last place is a change
    if value is None or isinstance(value, str | int | bool):
        return value
    return repr(value)


def outputs(name: str, path: Path) -> Any:
    """What the extractors make of one file, as JSON-ready data."""
    content = path.read_bytes()
    try:
        documents = parse_document_bytes(content, name)
    except ExtractError as e:
        return {"error": f"{type(e).__name__}: {e}"}
    out: dict[str, Any] = {"documents": []}
    if sniff_kind(content, name) == "feed":
        out["skipped"] = parse_feed_entries(content, None, source="").skipped
    for doc in documents:
        try:
            items: Any = _jsonable(extract_items(doc))
        except ExtractError as e:
            items = {"error": f"{type(e).__name__}: {e}"}
        out["documents"].append({"document": _jsonable(doc), "items": items})
    return out


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="radar-golden-") as tmp:
        return {name: outputs(name, path) for name, path in input_files(Path(tmp))}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        raise SystemExit(__doc__)
    mode, target = argv[0], Path(argv[1])
    now = run()
    if mode == "write":
        target.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(now)} files written to {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    same = [name for name in now if name in before and now[name] == before[name]]
    changed = [name for name in now if name not in same]
    gone = [name for name in before if name not in now]
    print(f"{len(same)} of {len(now)} files identical; {len(changed)} changed or new; {len(gone)} gone")
    for name in changed[:10]:
        print(f"  differs: {name}")
    if changed:
        first = changed[0]
        old = json.dumps(before.get(first), ensure_ascii=False, indent=1, sort_keys=True).splitlines()
        new = json.dumps(now[first], ensure_ascii=False, indent=1, sort_keys=True).splitlines()
        import difflib
        print("\n".join(list(difflib.unified_diff(old, new, "before", "after", lineterm=""))[:60]))
    return 0 if not changed and not gone else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
