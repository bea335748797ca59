"""The demo's poll, arXiv, backfill and alert results stay what they were: a stored behaviour snapshot.

tests/behaviour.py runs the CLI commands on the demo against the local fakes and records stdout,
delivered payloads and every table and view. This test runs it in a subprocess (its own process, so
rich's console width and the environment are the same on every machine), against this session's
Prefect test server, and compares the result with `behaviour_snapshot.json`.

Regenerate the snapshot only when a change of behaviour is intended, most often because extraction
changed (EXTRACTOR_VERSION bumped in records/documents.py):

    RADAR_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/flows/test_behaviour_snapshot.py

and review the diff of the JSON file before committing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("behaviour_snapshot.json")
pytestmark = pytest.mark.timeout(600)  # a dozen flow runs in a fresh process on a loaded 2-core machine


def _versions(snapshot: dict) -> set[str]:
    return {d["extractor_version"] for d in snapshot["database"]["documents"]}


def _differences(expected, actual, path="") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual or key not in expected:
                found.append(f"{path}/{key}: {'missing' if key not in actual else 'unexpected'}")
            else:
                found += _differences(expected[key], actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        pairs = enumerate(zip(expected, actual, strict=True))
        return [d for n, (e, a) in pairs for d in _differences(e, a, f"{path}[{n}]")]
    return [] if expected == actual else [f"{path}: expected {json.dumps(expected, ensure_ascii=False)[:300]}, "
                                          f"got {json.dumps(actual, ensure_ascii=False)[:300]}"]


def test_demo_behaviour_matches_the_snapshot(tmp_path):
    from prefect.settings import PREFECT_API_URL

    out = tmp_path / "behaviour.json"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "tests.behaviour", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=540)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-5000:]
    actual = json.loads(out.read_text(encoding="utf-8"))
    if os.environ.get("RADAR_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(out.read_text(encoding="utf-8"), encoding="utf-8")
        pytest.skip(f"snapshot regenerated: review `git diff {SNAPSHOT.relative_to(ROOT)}`")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert _versions(actual) == _versions(expected), (
        f"EXTRACTOR_VERSION is {_versions(actual)}, the snapshot was made with {_versions(expected)}: if "
        "extraction changed on purpose, regenerate it (RADAR_UPDATE_SNAPSHOT=1, see this module's docstring)")
    differences = _differences(expected, actual)
    assert not differences, f"{len(differences)} differences from {SNAPSHOT.name}:\n" + "\n".join(differences[:40])
