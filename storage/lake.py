"""Opening a DuckLake (`[storage] backend = "ducklake"`): extensions, catalog, and the writer lock.

Called by storage/db.py's `open_db`, never directly. A lake connection is an in-memory DuckDB with
the lake attached as `lake` and made the default (`USE lake`), so every query of the storage layer
runs unchanged on it.

**Extensions come from wheels, never from a download.** The `[lake]` extra installs DuckDB's
extensions as `duckdb-ext-*` packages (a namespace package `duckdb_ext` holding
`extensions/v1.4.4/<platform>/*.duckdb_extension`); the connection points `extension_directory` at
it and turns autoinstall and autoload off, so DuckDB never tries its download site. Only what the
catalog needs is loaded (about 0.25 s each, DuckDB checking each file's signature): `ducklake`, then
`postgres_scanner` or `sqlite_scanner`. (The extra also installs `httpfs`, for an s3:// data path
once that is supported.)

**One writer at a time, readers never wait.** DuckLake commits optimistically: two writers that add
the same new key both succeed (two rows), and writers that touch the same data file conflict at
COMMIT. So every read-write `open_db` holds the lake's writer lock for as long as it is open, the
same rule the embedded file's own lock gives, taken before the lake is attached (a transaction's
snapshot is fixed by its first statement, so a lock taken inside one is too late):

- PostgreSQL catalog: a session advisory lock on a connection of its own (psycopg, autocommit),
  `pg_try_advisory_lock(WRITER_LOCK)` retried by `open_db` for `lock_wait_seconds`; PostgreSQL drops
  it when that connection or its process dies. Its `application_name` names the holder's PID and
  host, so `DatabaseLocked` can say who holds it, on any machine.
- SQLite catalog: `flock` on `<catalog>.radar-lock` beside the catalog file (one machine).
- DuckDB-file catalog: DuckDB's own lock on the file: one writing process or many reading ones,
  never both (like the embedded file).

Readers take no lock and see the last committed snapshot; `snapshot` attaches a past one.
"""

from __future__ import annotations

import fcntl
import importlib.util
import itertools
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from config.storage import StorageSettings
from storage.errors import DatabaseLocked, StorageError

#: The alias the lake is attached under (and `USE`d).
LAKE = "lake"
#: The writer lock's key: pg_try_advisory_lock(int4, int4); 0x52414452 is "RADR".
WRITER_LOCK = (0x52414452, 1)
EXTRA_HINT = "install the lake extra: pip install -e '.[lake]'"
CATALOG_EXTENSIONS = {"postgres": "postgres_scanner", "sqlite": "sqlite_scanner", "duckdb": None}


@dataclass
class Opened:
    conn: duckdb.DuckDBPyConnection
    release: Callable[[], None]


def extension_directory() -> str:
    """Where the `duckdb-ext-*` wheels put DuckDB's extensions (StorageError when they are not installed)."""
    spec = importlib.util.find_spec("duckdb_ext")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        if os.path.isdir(os.path.join(location, "extensions")):
            return os.path.join(location, "extensions")
    raise StorageError(f"the DuckLake backend needs DuckDB's extensions, which are not installed: {EXTRA_HINT}")


def connect_lake(settings: StorageSettings, *, read_only: bool, snapshot: int | str | None = None) -> Opened:
    """The lake attached (as `lake`, unless this process has it open already) and in use; for a writer,
    with the writer lock held (else DatabaseLocked)."""
    extensions = tuple(extensions_for(settings))
    conn, alias = _engine_connection(extensions)
    unlock: Callable[[], None] = _nothing

    def release() -> None:  # after open_db closed `conn`
        _detach(extensions, alias)
        unlock()

    try:
        if not read_only:
            unlock = writer_lock(settings)
        conn.execute(attach_statement(settings, read_only=read_only, snapshot=snapshot, alias=alias))
        conn.execute(f"USE {alias}")
        return Opened(conn, release)
    except BaseException as e:
        conn.close()
        release()
        if isinstance(e, duckdb.Error):
            raise map_lake_error(settings, e, snapshot) from None
        raise


# One in-memory DuckDB per process (per set of extensions), with the extensions loaded once: DuckDB
# checks each extension file's signature on LOAD (about 0.25 s each, every time). Each open_db gets a
# connection of its own to it (`cursor()`); attached databases are shared by an instance, so each
# open lake gets its own alias, `lake` when this process has no other lake open.
_ENGINES: dict[tuple[str, ...], duckdb.DuckDBPyConnection] = {}
_ALIASES_IN_USE: set[str] = set()
_ENGINE_LOCK = threading.Lock()


def _engine_connection(extensions: tuple[str, ...]) -> tuple[duckdb.DuckDBPyConnection, str]:
    with _ENGINE_LOCK:
        engine = _ENGINES.get(extensions)
        if engine is None:
            engine = duckdb.connect(config={"extension_directory": extension_directory(),
                                            "autoinstall_known_extensions": False,
                                            "autoload_known_extensions": False})
            try:
                for extension in extensions:
                    engine.execute(f"LOAD {extension}")
            except duckdb.Error as e:
                engine.close()
                raise StorageError(f"cannot load DuckDB's {', '.join(extensions)} extensions: {e} "
                                   f"({EXTRA_HINT})") from None
            _ENGINES[extensions] = engine
        candidates = itertools.chain([LAKE], (f"{LAKE}_{n}" for n in itertools.count(2)))
        alias = next(a for a in candidates if a not in _ALIASES_IN_USE)
        _ALIASES_IN_USE.add(alias)
        return engine.cursor(), alias


def _detach(extensions: tuple[str, ...], alias: str) -> None:
    with _ENGINE_LOCK:
        try:
            with _ENGINES[extensions].cursor() as detaching:
                detaching.execute(f"DETACH DATABASE IF EXISTS {alias}")
        finally:
            _ALIASES_IN_USE.discard(alias)


def extensions_for(settings: StorageSettings) -> list[str]:
    return [e for e in ("ducklake", CATALOG_EXTENSIONS[settings.catalog_kind]) if e]


def attach_statement(settings: StorageSettings, *, read_only: bool, snapshot: int | str | None = None,
                     alias: str = LAKE) -> str:
    """`ATTACH 'ducklake:...' AS lake (...)`: DATA_PATH for a writer, READ_ONLY or SNAPSHOT_* for readers."""
    kind, target = settings.catalog_kind, settings.catalog_target
    options = []
    if not read_only:
        options.append(f"DATA_PATH {literal(settings.data_path or '')}")
    elif snapshot is None:
        options.append("READ_ONLY")
    if isinstance(snapshot, int):
        options.append(f"SNAPSHOT_VERSION {snapshot}")
    elif snapshot is not None:
        options.append(f"SNAPSHOT_TIME {literal(snapshot)}")
    where = target if kind == "duckdb" else f"{kind}:{target}"
    suffix = f" ({', '.join(options)})" if options else ""
    return f"ATTACH {literal('ducklake:' + where)} AS {alias}{suffix}"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _nothing() -> None:
    pass


def writer_lock(settings: StorageSettings) -> Callable[[], None]:
    """Take the lake's writer lock without waiting; return its release. DatabaseLocked when it is held."""
    if settings.catalog_kind == "postgres":
        return _postgres_lock(settings)
    if settings.catalog_kind == "sqlite":
        return _file_lock(settings, Path(settings.catalog_target + ".radar-lock"))
    return _nothing  # a DuckDB-file catalog: DuckDB's own file lock at ATTACH


def holder_name() -> str:
    """Who holds a lock: PID, the Prefect flow run when in one (a worker's run process has its id), host."""
    run = os.environ.get("PREFECT__FLOW_RUN_ID", "")
    return (f"paper-radar pid {os.getpid()}" + (f" flow run {run[:8]}" if run else "")
            + f" on {socket.gethostname()}")[:63]  # PostgreSQL's limit


def catalog_connection(settings: StorageSettings, purpose: str):
    """A connection of its own to the PostgreSQL catalog (autocommit, named by `holder_name`), for an
    advisory lock held for `purpose` ("the writer lock", "the arxiv turn"); errors say which."""
    try:
        import psycopg
    except ImportError:
        raise StorageError(f"{settings}: {purpose} needs psycopg: {EXTRA_HINT}") from None
    try:
        return psycopg.connect(settings.catalog_target, autocommit=True, application_name=holder_name(),
                               connect_timeout=30)
    except psycopg.Error as e:
        raise StorageError(f"{settings}: cannot reach the catalog for {purpose}: {redact(str(e))}") from None


def advisory_lock_holder(conn, key: tuple[int, int]) -> tuple[str | None, str | None] | None:
    """(application name, client address) of the session holding advisory lock `key` in this database."""
    return conn.execute(
        """
        SELECT a.application_name, a.client_addr::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """,
        key,
    ).fetchone()


def _postgres_lock(settings: StorageSettings) -> Callable[[], None]:
    import psycopg

    lock = catalog_connection(settings, "the writer lock")
    try:
        if lock.execute("SELECT pg_try_advisory_lock(%s, %s)", WRITER_LOCK).fetchone()[0]:
            return lambda: _unlock(lock)
        holder = advisory_lock_holder(lock, WRITER_LOCK)
    except psycopg.Error as e:
        _close_quietly(lock)
        raise StorageError(f"{settings}: the writer lock failed: {redact(str(e))}") from None
    _close_quietly(lock)
    name, address = holder or ("another process", None)
    pid = re.search(r"pid (\d+)", name or "")
    who = f"{name or 'a client with no application name'}" + (f" at {address}" if address else "")
    raise DatabaseLocked(f"{settings}: the writer lock is held by {who} (one writer at a time)",
                         int(pid.group(1)) if pid else None)


def _unlock(lock) -> None:
    """Unlock, then close. Closing alone releases the lock only once the server has ended that session,
    which lags the client: the same process opening the lake again at once (a poll, then its read
    snapshot) found its own lock still held."""
    try:
        lock.execute("SELECT pg_advisory_unlock(%s, %s)", WRITER_LOCK)
    except Exception:  # the connection is gone, and the lock with it
        pass
    _close_quietly(lock)


def _close_quietly(lock) -> None:
    try:
        lock.close()
    except Exception:  # the lock goes with the connection whatever happens here
        pass


def _file_lock(settings: StorageSettings, path: Path) -> Callable[[], None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StorageError(f"{settings}: cannot open the writer lock file {path}: {e}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        os.close(fd)
        pid = re.search(r"pid (\d+)", holder)
        raise DatabaseLocked(f"{settings}: the writer lock {path} is held by {holder or 'another process'}"
                             " (one writer at a time)", int(pid.group(1)) if pid else None) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, holder_name().encode(), 0)

    def release() -> None:
        os.ftruncate(fd, 0)
        os.close(fd)  # closing drops the flock

    return release


def map_lake_error(settings: StorageSettings, error: duckdb.Error, snapshot: int | str | None = None) -> StorageError:
    text = redact(" ".join(str(error).split()))
    if "Conflicting lock" in text:  # a DuckDB-file catalog held by another process
        pid = re.search(r"PID (\d+)", text)
        who = f"process {pid.group(1)}" if pid else "another process"
        return DatabaseLocked(f"{settings}: the catalog file is held by {who} (a DuckDB-file catalog admits one "
                              f"writing process or many reading ones, never both): {text}",
                              int(pid.group(1)) if pid else None)
    if "creating a new DuckLake is explicitly disabled" in text:
        return StorageError(f"{settings}: no lake there yet (run `radar poll` first, or `radar migrate-storage`)")
    if snapshot is not None and "No snapshot found" in text:
        return StorageError(f"{settings}: no snapshot {snapshot} in this lake (`radar sql --snapshots` lists them)")
    if "does not match existing data path" in text:
        return StorageError(f"{settings}: `data_path` differs from the data path this lake was created with: {text}")
    return StorageError(f"{settings}: cannot open the lake: {text}")


def redact(text: str) -> str:
    """Anything password-like in a message replaced (the config holds none; a PG service file might)."""
    text = re.sub(r"(?i)(password\s*=\s*)('[^']*'|[^\s\"']+)", r"\1***", text)
    return re.sub(r"(?i)(postgres(?:ql)?://[^/@:\s\"]*:)[^/@\s\"]*@", r"\1***@", text)


def list_snapshots(conn: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple]]:
    """The lake's snapshots, newest first: id, time, what changed."""
    alias = conn.execute("SELECT current_database()").fetchone()[0]
    result = conn.execute(
        f"SELECT snapshot_id, snapshot_time, changes FROM {alias}.snapshots() ORDER BY snapshot_id DESC"
    )
    return [d[0] for d in result.description], result.fetchall()
