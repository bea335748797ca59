"""The corpus scorer, run exactly as a user runs it, must meet the bars of the foundation issue."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.corpus import corpus_dir

RADAR = Path(sys.executable).with_name("radar")
BARS = {"papers": (1.0, 1.0), "code": (0.95, 0.95), "metrics": (0.70, 0.60)}


def test_dev_corpus_meets_the_bars():
    corpus = corpus_dir()
    proc = subprocess.run(
        [sys.executable, str(corpus / "score.py"), "-v", "--cmd", str(RADAR)],
        capture_output=True, text=True, timeout=600, check=True,
    )
    total = proc.stdout.strip().splitlines()[-1]
    print(proc.stdout)
    assert "ERROR" not in proc.stdout, proc.stdout
    for kind, (p_bar, r_bar) in BARS.items():
        match = re.search(rf"{kind} P/R=([\d.]+)/([\d.]+)", total)
        assert match, total
        precision, recall = float(match.group(1)), float(match.group(2))
        below = f"{kind}: {precision}/{recall} below {p_bar}/{r_bar}\n{proc.stdout}"
        assert precision >= p_bar and recall >= r_bar, below
