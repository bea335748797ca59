"""Orchestration: the only package that wires sources, extractors, storage and alerts together.

`flows.pipeline` holds the pipelines as plain functions (poll, arXiv, backfill, delivery): they open
the database, sequence the writes, and pass each layer what it needs. They import no Prefect; what a
run needs from its surroundings (a logger, named steps, artifacts, the Prefect arXiv rate limit,
Prefect Secret blocks) reaches them as a `Runtime` (flows/pipeline/runtime.py); writes are serialised
by the store's own lock (`open_writer`). The modules at this level are the Prefect side: thin `@flow`
wrappers (newsletters.py, arxiv.py, backfill.py, delivery.py) that load the settings once and run a
pipeline with a `PrefectRuntime` (prefect_runtime.py), the poll's fan-out over the work pool
(fanout.py), the Prefect server objects the flows use (prefect_setup.py) and prefect.yaml's
deployments (deployments.py).
"""
