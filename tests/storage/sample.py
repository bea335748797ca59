"""A realistic week of newsletters as extractor records, and a database loaded with them.

Shaped like the demo and real issues: one paper (SWE-bench) in three newsletters with its official
repository twice and a fork once, leaderboard numbers from two of them, a paper from an issue three
weeks old (outside the 7-day trending window), a passing mention, and sources that are ok, failing,
stale and never successful. Dates are relative to now so that `source_health` is meaningful.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from records.documents import CodeLink, Document, Extraction, Item, Metric, PaperRef
from storage.db import Target, open_db
from storage.newsletters import save_extractions
from storage.source_state import save_source_attempt

NOW = datetime.now(UTC).replace(microsecond=0)
SWE = "2310.06770"
GEMMA = "2403.08295"
FLASH = "2205.14135"
MAMBA = "2312.00752"
OFFICIAL = "https://github.com/SWE-bench/SWE-bench"
FORK = "https://github.com/someone/SWE-bench-fork"


def _doc(source: str, key: str, days_ago: float, title: str) -> Document:
    return Document(source=source, key=key, url=f"https://{source}.example.org/{key}", title=title,
                    body=f"<h2>{title}</h2>", published=NOW - timedelta(days=days_ago), author="Editor")


def _paper(arxiv_id: str, version: int | None = None) -> PaperRef:
    return PaperRef(arxiv_id, version, f"https://arxiv.org/abs/{arxiv_id}" + (f"v{version}" if version else ""))


def _item(key: str, position: int, title: str, papers=(), code=(), metrics=()) -> Item:
    return Item(document_key=key, position=position, title=title, text=f"{title}: blurb", links=("https://x.org",),
                papers=tuple(papers), code=tuple(CodeLink(url, "github.com") for url in code), metrics=tuple(metrics))


def extractions() -> list[Extraction]:
    swe_score = Metric(49.0, "%", "SWE-bench Verified", "resolves 49% of SWE-bench Verified", "score", subject="Claude")
    return [
        Extraction(_doc("import-ai", "ia-401", 1, "Import AI 401"), (
            _item("ia-401", 0, "Agents on SWE-bench",
                  [_paper(SWE, 2), PaperRef(MAMBA, role="mention")], [OFFICIAL], [swe_score]),
        )),
        Extraction(_doc("llm-watch", "lw-88", 2, "LLM Watch #88"), (
            _item("lw-88", 0, "SWE-bench, revisited", [_paper(SWE)], [OFFICIAL],
                  [Metric(33.2, "%", "SWE-bench Verified", "GPT-4o gets 33.2%", "score", subject="GPT-4o")]),
            _item("lw-88", 1, "Gemma: Open Models Based on Gemini Research and Technology", [_paper(GEMMA)], [],
                  [Metric(64.3, "%", "MMLU", "64.3% on MMLU", "score"),
                   Metric(7e9, "params", "parameters", "the 7B model", "size")]),
        )),
        Extraction(_doc("tensor-tuesday", "tt-2025-46", 3, "Tensor Tuesday"), (
            _item("tt-2025-46", 0, "SWE-bench: Can Language Models Resolve Real-World GitHub Issues?", [_paper(SWE)],
                  [FORK]),
        )),
        Extraction(_doc("tensor-tuesday", "tt-2025-43", 21, "Tensor Tuesday (old)"), (
            _item("tt-2025-43", 0, "FlashAttention: IO-aware exact attention", [_paper(FLASH)],
                  ["https://github.com/Dao-AILab/flash-attention"],
                  [Metric(3.0, "x", None, "up to 3x faster", "relative", "up to", "increase", "FlashAttention")]),
        )),
    ]


def save_sample(conn) -> None:
    """The records above, plus one fetch attempt per source (ok, failing, stale, never succeeded)."""
    save_extractions(conn, extractions(), fetched_at=NOW)
    for name, kind in (("import-ai", "feed"), ("llm-watch", "feed"), ("tensor-tuesday", "email")):
        save_source_attempt(conn, name=name, kind=kind, location=f"https://{name}.example.org/feed", at=NOW,
                            new_documents=1)
    save_source_attempt(conn, name="model-notes", kind="page", location="https://model-notes.example.org",
                        at=NOW - timedelta(days=2), new_documents=1)
    save_source_attempt(conn, name="model-notes", kind="page", location="https://model-notes.example.org",
                        at=NOW, error="HTTP 503 from https://model-notes.example.org")
    save_source_attempt(conn, name="quiet-weekly", kind="feed", location="https://quiet.example.org/feed",
                        at=NOW - timedelta(days=30), new_documents=1)
    save_source_attempt(conn, name="quiet-weekly", kind="feed", location="https://quiet.example.org/feed", at=NOW)
    save_source_attempt(conn, name="gone-dark", kind="feed", location="https://dark.example.org/feed", at=NOW,
                        error="connection refused")


def make_sample_db(target: Target) -> Target:
    """The sample week saved into `target`: a database path, or a lake's settings."""
    with open_db(target) as conn:
        save_sample(conn)
    return target
