"""Where the shared labelled corpus lives, and what to do when it is absent.

The corpus sits beside every checkout and CI clone (`../shared/corpus`). Outside this team's
machines it may be missing: those tests then skip with a reason, except under CI=true, where a
missing corpus is a failure (a skipped scorer would hide a regression).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_dir() -> Path:
    if not (CORPUS / "dev" / "labels.json").is_file():
        message = f"the labelled corpus is not at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return CORPUS
