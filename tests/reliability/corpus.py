"""The bad-input corpus of tests/fixtures/bad/: one input per case, its expected outcome beside it.

Each case is `<case>.expect.toml`, plus its input `<case>.<ext>` unless the expectation names a
generator (tests/reliability/generators.py: the big inputs are made at test time, never committed).
The expectation says how the input reaches the pipeline and what must come of it:

    input = "an RSS feed cut off in the middle of its second entry"   # what it is (docs/reliability.md)
    expected = "..."               # the expected outcome in words (docs/reliability.md)
    command = "poll"               # poll | config | alerts | poll+alerts | arxiv | backfill
    serve = "http"                 # how the bad input is served: see tests/reliability/harness.py
    kind = "feed"                  # the bad source's kind (poll)
    exit = 1                       # the CLI's exit status
    status = "failed"              # what the run summary says of the bad source: failed | ok
    error = ["not a readable feed"]  # words of the error recorded against it (with its URL, file or key)
    warning = []                   # words of a warning the run must print (a source that is ok)
    documents = 0                  # documents stored for the bad source
    kept_raw = false               # stored without items, its extraction error logged, for `radar reextract`
    checks = []                    # extra checks by name (harness.CHECKS)
    [options]                      # serving details: status, headers, content_type, fetch settings, ...
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.reliability.generators import GENERATORS

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad"
COMMANDS = ("poll", "config", "alerts", "poll+alerts", "arxiv", "backfill")
KNOWN_KEYS = {"input", "expected", "command", "serve", "kind", "exit", "status", "error", "warning", "documents",
              "kept_raw", "checks", "options", "generator"}


@dataclass(frozen=True)
class Case:
    name: str
    input: str
    expected: str
    command: str
    serve: str
    exit: int
    kind: str = "feed"
    status: str | None = None
    error: tuple[str, ...] = ()
    warning: tuple[str, ...] = ()
    documents: int | None = None
    kept_raw: bool = False
    checks: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    generator: str | None = None
    file: Path | None = None

    def read_input(self, generated: Path | None = None) -> bytes:
        """The input's bytes: the committed file, or the generated one (made once per session)."""
        if self.file is None and self.generator is None:
            return b""
        if self.generator is not None:
            assert generated is not None, f"{self.name}: its input is generated"
            return generated.read_bytes()
        assert self.file is not None
        return self.file.read_bytes()


def load_case(expect: Path) -> Case:
    name = expect.name.removesuffix(".expect.toml")
    data = tomllib.loads(expect.read_text(encoding="utf-8"))
    unknown = set(data) - KNOWN_KEYS
    assert not unknown, f"{expect}: unknown keys {sorted(unknown)}"
    assert data["command"] in COMMANDS, f"{expect}: command {data['command']!r}"
    inputs = [p for p in expect.parent.glob(f"{name}.*") if p != expect and not p.name.endswith(".expect.toml")]
    generator = data.get("generator")
    if generator is not None:
        assert generator in GENERATORS, f"{expect}: no generator {generator!r}"
        assert not inputs, f"{expect}: a generated case commits no input ({inputs})"
    elif data["serve"] != "stream":  # a stream is the server's own filler
        assert len(inputs) == 1, f"{expect}: expected one input file {name}.<ext>, found {inputs}"
    return Case(name=name, input=data["input"], expected=data["expected"], command=data["command"],
                serve=data["serve"], exit=data["exit"], kind=data.get("kind", "feed"), status=data.get("status"),
                error=tuple(data.get("error", ())), warning=tuple(data.get("warning", ())),
                documents=data.get("documents"), kept_raw=data.get("kept_raw", False),
                checks=tuple(data.get("checks", ())), options=data.get("options", {}), generator=generator,
                file=inputs[0] if inputs else None)


def load_corpus(folder: Path = BAD) -> list[Case]:
    return [load_case(p) for p in sorted(folder.glob("*.expect.toml"))]
