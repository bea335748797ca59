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
idempotent); the other sources go on. A file of a folder that cannot be parsed is skipped and named (the
source fails only when every file does); entries past `max_entries`, cut-off entries and implausible
dates are left out or cleared, each a warning that the source's report and its `sources` row carry. A
source whose server asks to wait past `fetch.max_retry_after_seconds` is deferred: recorded with the
reason, reported as "deferred", not failed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from config.faults import fault_point
from config.settings import FetchSettings, SourceConfig
from extractors.errors import ExtractError, ParseError
from flows.pipeline.extract import Parsed, local_name, plausible_dates
from flows.pipeline.report import SourceReport
from flows.pipeline.runtime import Logger
from records.documents import Document, Extraction
from sources.errors import Deferred, SourceError
from sources.http import Fetched
from storage.batch import COUNTED, Part, SaveResult
from storage.source_state import SourceAttempt, SourceState
from storage.spool import FetchState

#: Documents per batch ([fetch] batch_documents, by default): what a poll holds, extracts and writes at
#: once. Large enough that the fixed cost of a write (a dozen statements and a commit) is small against
#: its rows, small enough that a batch of long issues stays a few tens of MB.
BATCH_DOCUMENTS = FetchSettings.model_fields["batch_documents"].default


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
    deferred: bool = False  # the server asked to wait past the cap: not failed, left for the next run
    warnings: list[str] = field(default_factory=list)  # files and entries skipped, dates dropped
    skipped: list[ExtractError] = field(default_factory=list)  # the files that could not be parsed
    saved: Counter = field(default_factory=Counter)

    def add(self, result: SaveResult) -> None:
        if result.error is not None:
            self.error = self.error or result.error
            return
        self.saved.update(new=result.new_documents, changed=result.changed_documents,
                          unchanged=result.unchanged_documents, **result.inserted)

    def report(self) -> SourceReport:
        if self.deferred:
            return SourceReport(self.source.name, "deferred", error=self.error)
        if self.error is not None:
            return SourceReport.failed(self.source.name, self.error)
        inserted = {t: self.saved[t] for t in COUNTED}
        result = SaveResult(self.saved["new"], self.saved["changed"], self.saved["unchanged"], inserted)
        return SourceReport.from_save(self.source.name, "unchanged" if self.unchanged else "ok", self.fetched, result,
                                      tuple(self.warnings))

    @property
    def unchanged(self) -> bool:
        """Nothing new: every answer a 304 (or an untouched folder), so the last success's warning still holds."""
        return bool(self.answers) and self.answers == self.not_modified


def cut_batches(sources: list[SourceConfig], fetching: dict[str, Future], states: dict[str, SourceState | None],
                runs: dict[str, SourceRun], parse: Callable[[SourceConfig, Fetched], Parsed],
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
                for doc in [] if fetched.not_modified else _documents(source, fetched, parse, max_entries, run):
                    chunk.documents.append(doc)
                    run.fetched += 1
                    room -= 1
                    if room == 0:  # the batch is full: this source goes on in the next one
                        batch.append(replace(chunk, state=replace(chunk.state, complete=False)))
                        yield batch
                        batch, room = [], size
                        chunk = Chunk(source, chunk.state)
            _every_file_failed(run)
            for warning in run.warnings:
                log.warning("source %s: %s", source.name, warning)
            chunk.state = replace(chunk.state, warning="; ".join(run.warnings) or None, unchanged=run.unchanged)
        except Deferred as e:
            log.warning("source %s %s", source.name, str(e).removeprefix(f"source {source.name!r}: "))
            chunk = _failed(chunk, str(e), run)
            run.deferred = True
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
    answers = fetching.result()
    if isinstance(answers, BaseException):  # the fetch step returns a source's expected errors (see newsletters)
        raise answers
    fault_point("poll.after_fetch")
    for fetched in answers:
        run.answers += 1
        run.not_modified += fetched.not_modified
        yield fetched


def _documents(source: SourceConfig, fetched: Fetched, parse: Callable[[SourceConfig, Fetched], Parsed],
               max_entries: int, run: SourceRun) -> list[Document]:
    """One answer's documents, at most `max_entries`, with plausible dates; what was left out goes to
    the run's warnings. A file that cannot be parsed is skipped and named (see `_every_file_failed`)."""
    try:
        parsed = parse(source, fetched)
    except ExtractError as e:
        run.skipped.append(e)
        run.warnings.append(f"{str(e).replace(fetched.url, local_name(fetched))} (file skipped)")
        return []
    if len(parsed.documents) > max_entries:  # the feed's older entries are not read: say so
        run.warnings.append(f"{local_name(fetched)}: {len(parsed.documents)} entries, only the first {max_entries} "
                            "taken (fetch.max_entries_per_feed)")
    run.warnings += parsed.problems
    dated = plausible_dates(parsed.documents[:max_entries], datetime.now(UTC))
    run.warnings += dated.problems
    return dated.documents


def _every_file_failed(run: SourceRun) -> None:
    """A source whose every file failed to parse fails (with a single file's own error when it had one)."""
    files = run.answers - run.not_modified
    if run.skipped and len(run.skipped) == files:
        if files == 1:
            raise run.skipped[0]
        raise ParseError(f"every file failed: {'; '.join(run.warnings)}")


def _failed(chunk: Chunk, error: str, run: SourceRun) -> Chunk:
    run.error = error
    return Chunk(chunk.source, chunk.state, error=error)


def _fetch_state(source: SourceConfig, fetched: Fetched | None, first_poll: bool) -> FetchState:
    return FetchState(kind=source.kind, location=source.location,
                      fetched_at=fetched.fetched_at if fetched else datetime.now(UTC),
                      etag=fetched.etag if fetched else None, last_modified=fetched.last_modified if fetched else None,
                      ingest_mode="first_poll" if first_poll else "poll")
