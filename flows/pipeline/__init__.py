"""The pipelines as plain functions, runnable in this process with or without Prefect.

Each takes the settings (loaded once per run by its caller) and a `Runtime` (runtime.py): the thin
Prefect flows in flows/*.py pass a `PrefectRuntime`, and anything else (the CLI's `radar alerts` and
`radar reextract`, tests) a `PlainRuntime`. Nothing here imports Prefect (an import-linter contract
in pyproject.toml checks it).

    extract.py       the one extract step: documents in, extractions out, a bad document kept without items
    newsletters.py   poll-newsletters, and re-extraction of stored documents
    arxiv.py         poll-arxiv and enrich-arxiv
    backfill.py      backfill (arXiv days, stored newsletters, archives)
    delivery.py      the one delivery orchestrator: match rules, record the ledger, send, tell ops
    report.py        what a run did, as data and as the markdown of its artifact
"""
