"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries, started in a temp folder.

`PostgresServer()` runs `initdb` and the postmaster on 127.0.0.1 and a free port, with password
authentication over TCP (scram-sha-256, like a real server: the tests pass the password the way a
user must, through PGPASSWORD), fsync off, and its socket in the temp folder. PostgreSQL refuses to
run as root, so under root both run as the `postgres` user (or `nobody`), in a folder from
`tempfile.mkdtemp` (pytest's tmp_path is private to root). The postmaster is started directly, not
through `pg_ctl`, with PR_SET_PDEATHSIG: if the test run is killed, the server goes with it. Start-up
takes about a second. `.ci/run` installs the `postgresql` package when `initdb` is missing.
"""

from __future__ import annotations

import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "radar"
PASSWORD = "pg-Test-pw-4711"  # only this throwaway server's; the tests check it never reaches output
PR_SET_PDEATHSIG = 1


def postgres_bindir() -> Path | None:
    """Where initdb and postgres are: `pg_config --bindir`, else Debian's versioned folders; None if absent."""
    try:
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    except OSError:
        pass
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)


class PostgresServer:
    """A started server; `dsn(db)` for a database, `create_database(name)`, `stop()`."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.bin = bindir
        self.root = Path(tempfile.mkdtemp(prefix="radar-pg-"))
        self.port = free_port()
        self._as_user: dict = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres") if _has_user("postgres") else pwd.getpwnam("nobody")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        self.process: subprocess.Popen | None = None
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        data, pwfile = self.root / "data", self.root / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        if self._as_user:
            os.chown(pwfile, self._as_user["user"], self._as_user["group"])
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
        subprocess.run([str(self.bin / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                        "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
                        "--no-instructions"], check=True, capture_output=True, env=env, cwd=self.root,
                       timeout=120, **self._as_user)
        pwfile.unlink()
        self.log = open(self.root / "server.log", "wb")
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.root),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=300"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=self.root, preexec_fn=_die_with_parent,
            **self._as_user,
        )
        deadline = time.monotonic() + 60
        while subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                             timeout=10).returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {(self.root / 'server.log').read_text()[-2000:]}")
            time.sleep(0.05)

    def dsn(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URI without the password (it comes from PGPASSWORD)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.dsn(database), password=PASSWORD, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str) -> str:
        self.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
