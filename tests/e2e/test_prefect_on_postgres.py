"""The Prefect server on PostgreSQL (issue 18), as a team runs it: `prefect server start` with
PREFECT_SERVER_DATABASE_CONNECTION_URL naming a PostgreSQL database (the session's throwaway server,
tests/postgres.py; the password comes from PGPASSWORD, never from the URL), then the README's
`radar setup`, `radar deploy --config`, a process worker and `radar run`. The run must complete, its
rows land in the store, and the server's own state (flow runs, deployments, the work pool) must be in
PostgreSQL, with no SQLite database made under its PREFECT_HOME."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.e2e.conftest import BIN, PrefectServer, serving, site_config, start
from tests.postgres import PASSWORD

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def pg_prefect(postgres, tmp_path_factory):
    pg = postgres.get()
    pg.create_database("prefect_server")
    url = pg.dsn("prefect_server").replace("postgresql://", "postgresql+asyncpg://", 1)
    home = tmp_path_factory.mktemp("prefect-pg-home")
    with serving(home, {"PREFECT_SERVER_DATABASE_CONNECTION_URL": url, "PGPASSWORD": PASSWORD}) as server:
        yield pg, server


def test_a_deployment_runs_on_a_server_kept_in_postgresql(pg_prefect, tmp_path):
    pg, server = pg_prefect
    server: PrefectServer
    config = site_config(tmp_path)
    server.run("radar", "setup", "--config", str(config))
    server.run("radar", "deploy", "--config", str(config))
    server.processes.append(start([str(BIN / "prefect"), "worker", "start", "--pool", "paper-radar"], server.env,
                                  server.home / "worker.log"))
    proc = server.run("radar", "run", "poll-newsletters/hourly", timeout=500)
    run_id = re.search(r"/runs/flow-run/([0-9a-f-]{36})", proc.stdout).group(1)
    assert server.api("GET", f"/flow_runs/{run_id}").json()["state"]["type"] == "COMPLETED"

    with duckdb.connect(str(tmp_path / "data" / "radar.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] > 0

    # The server's state is PostgreSQL's: the run, its deployment and the pool are rows there.
    assert pg.execute(f"SELECT state_type FROM flow_run WHERE id = '{run_id}'", "prefect_server") == [("COMPLETED",)]
    names = {r[0] for r in pg.execute("SELECT name FROM deployment", "prefect_server")}
    assert "hourly" in names
    assert pg.execute("SELECT name FROM work_pool WHERE name = 'paper-radar'", "prefect_server")
    assert not list(server.home.rglob("*.db")), "a SQLite database was made beside the PostgreSQL one"
    log = (server.home / "server.log").read_text(errors="replace")
    assert PASSWORD not in log and PASSWORD not in proc.stdout + proc.stderr
    events = server.netguard_events()
    assert run_id in {e["flow_run_id"] for e in events if e["event"] == "loaded"}  # the guard was in the flow run
    assert [e for e in events if e["event"] == "refused"] == [], "a process looked up or contacted a host but localhost"
