"""A poll's documents in bounded batches across sources: cut, extracted and written one batch at a time.

Used by poll-newsletters (flows/pipeline/newsletters.py). The sources are taken in their configured
order; each one's fetched bytes are parsed as the cut reaches them (a folder's files are read one at a
time, sources.local.iter_path) and its documents added to the current batch, which is handed on once it
holds `BATCH_DOCUMENTS`: fifty small feeds make one batch, an archive of 10,000 issues twenty. So a run
holds one batch of documents and their extractions at a time, whatever its sources hold, and writes
each batch in one transaction (storage/batch.py), not one per source.

A batch is made of chunks, one per source it holds. A source cut across batches has its fetch state
(validators) recorded only with its last chunk (`FetchState.complete`), so a run stopped in between
reads the whole source again next time. A source whose fetch or parse fails becomes a chunk carrying
its error and no documents (the documents of it that earlier batches wrote stay: writing is
idempotent); the other sources go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from config.settings import SourceConfig
from extractors.errors import ExtractError
from flows.pipeline.report import SourceReport
from flows.pipeline.runtime import Logger
from records.documents import Document, Extraction
from sources.errors import SourceError
from sources.http import Fetched
from storage.batch import COUNTED, Part, SaveResult
from storage.source_state import SourceAttempt, SourceState
from storage.spool import FetchState

#: Documents per batch: what a poll holds, extracts and writes at once. Large enough that the fixed cost
#: of a write (a dozen statements and a commit) is small against its rows, small enough that a batch of
#: long issues stays a few tens of MB.
BATCH_DOCUMENTS = 500


@dataclass
class Chunk:
    """One source's share of a batch: its documents (then their extractions), or the error that stopped it."""

    source: SourceConfig
    state: FetchState
    documents: list[Document] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)
    error: str | None = None

    def part(self) -> Part:
        if self.error is None:
            return self.state.part(self.source.name, self.extractions)
        return Part([], self.state.fetched_at, self.state.ingest_mode,
                    SourceAttempt(self.source.name, self.source.kind, self.source.location, self.state.fetched_at,
                                  error=self.error))


@dataclass
class SourceRun:
    """What one source did over the run's batches: the makings of its report line."""

    source: SourceConfig
    fetched: int = 0  # documents parsed
    answers: int = 0  # responses or files read
    not_modified: int = 0  # of which 304s
    error: str | None = None
    saved: Counter = field(default_factory=Counter)

    def add(self, result: SaveResult) -> None:
        if result.error is not None:
            self.error = self.error or result.error
            return
        self.saved.update(new=result.new_documents, changed=result.changed_documents,
                          unchanged=result.unchanged_documents, **result.inserted)

    def report(self) -> SourceReport:
        if self.error is not None:
            return SourceReport.failed(self.source.name, self.error)
        status = "unchanged" if self.answers and self.answers == self.not_modified else "ok"
        inserted = {t: self.saved[t] for t in COUNTED}
        result = SaveResult(self.saved["new"], self.saved["changed"], self.saved["unchanged"], inserted)
        return SourceReport.from_save(self.source.name, status, self.fetched, result)


def cut_batches(sources: list[SourceConfig], fetching: dict[str, Future], states: dict[str, SourceState | None],
                runs: dict[str, SourceRun], parse: Callable[[SourceConfig, Fetched], list[Document]],
                max_entries: int, log: Logger, size: int | None = None) -> Iterator[list[Chunk]]:
    """The sources' documents, parsed as they are reached, in batches of at most `size` (BATCH_DOCUMENTS)."""
    size = size or BATCH_DOCUMENTS
    batch: list[Chunk] = []
    room = size
    for source in sources:
        run, state = runs[source.name], states.get(source.name)
        first_poll = state is None or state.last_success_at is None
        chunk = Chunk(source, _fetch_state(source, None, first_poll))
        try:
            for fetched in _answers(fetching[source.name], run):
                chunk.state = _fetch_state(source, fetched, first_poll)
                for doc in [] if fetched.not_modified else parse(source, fetched)[:max_entries]:
                    chunk.documents.append(doc)
                    run.fetched += 1
                    room -= 1
                    if room == 0:  # the batch is full: this source goes on in the next one
                        batch.append(replace(chunk, state=replace(chunk.state, complete=False)))
                        yield batch
                        batch, room = [], size
                        chunk = Chunk(source, chunk.state)
        except (SourceError, ExtractError) as e:
            log.warning("source %s failed: %s", source.name, e)
            chunk = _failed(chunk, str(e), run)
        except Exception as e:  # a bug on one source's input must not stop the others
            log.exception("source %s failed unexpectedly", source.name)
            chunk = _failed(chunk, f"unexpected {type(e).__name__}: {e}", run)
        batch.append(chunk)
    if batch:
        yield batch


def _answers(fetching: Future, run: SourceRun) -> Iterable[Fetched]:
    for fetched in fetching.result():
        run.answers += 1
        run.not_modified += fetched.not_modified
        yield fetched


def _failed(chunk: Chunk, error: str, run: SourceRun) -> Chunk:
    run.error = error
    return Chunk(chunk.source, chunk.state, error=error)


def _fetch_state(source: SourceConfig, fetched: Fetched | None, first_poll: bool) -> FetchState:
    return FetchState(kind=source.kind, location=source.location,
                      fetched_at=fetched.fetched_at if fetched else datetime.now(UTC),
                      etag=fetched.etag if fetched else None, last_modified=fetched.last_modified if fetched else None,
                      ingest_mode="first_poll" if first_poll else "poll")
