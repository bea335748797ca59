"""`radar setup`, `radar deploy`, `radar serve` and `radar run`: Paper Radar on a Prefect server.

All four talk to the server at PREFECT_API_URL and refuse to start without it (they would otherwise
start a temporary server that dies with the command). `deploy` and `serve` give every deployment of
prefect.yaml the absolute path of the config file they are given, so scheduled runs use that file
whatever the worker's working directory (flows/deployments.py). `run` triggers a deployment, shows
one progress line while it runs, then the run's report. Prefect is imported inside the commands.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markdown import Markdown

from config.settings import Settings
from radar.console import ConfigOption, err, fail, load_config, out

ROOT = Path(__file__).resolve().parents[1]
PrefectFile = Annotated[Path, typer.Option("--prefect-file", help="The deployments file.")]


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        fail("PREFECT_API_URL is not set: point it at your Prefect server (see README, 'Run on a Prefect server')")
    return url


def _deployed_config(config: Path | None) -> Settings:
    """The config the deployments will run with: given explicitly (--config or RADAR_CONFIG), and valid."""
    if config is None and not os.environ.get("RADAR_CONFIG"):
        fail("give the config file the deployments should run with: --config FILE (or set RADAR_CONFIG)")
    return load_config(config)


def setup(config: ConfigOption = None, prefect_file: PrefectFile = ROOT / "prefect.yaml") -> None:
    """Create, where missing, the work pool and the concurrency and rate limits on the Prefect server."""
    from flows.deployments import load_deployments
    from flows.prefect_setup import ensure_arxiv_rate_limit, ensure_server_objects

    settings = load_config(config)
    url = _api_url()
    try:
        created = ensure_server_objects({d.work_pool for d in load_deployments(prefect_file)})
        arxiv_limit = ensure_arxiv_rate_limit(settings.arxiv)
    except Exception as e:  # an unreachable server is the usual cause; say which one
        fail(f"cannot set up the Prefect server at {url}: {type(e).__name__}: {e}")
    for thing in created:
        out.print(f"created {thing}")
    out.print(arxiv_limit)
    out.print("Prefect server ready" + ("" if created else " (work pool already there)"))


def deploy(config: ConfigOption = None, prefect_file: PrefectFile = ROOT / "prefect.yaml") -> None:
    """Deploy every deployment of prefect.yaml, with its schedule, to run with this config file."""
    from flows.deployments import deploy as deploy_all
    from flows.deployments import flow_name, load_deployments

    settings = _deployed_config(config)
    url = _api_url()
    proc = deploy_all(prefect_file, settings.config_file, ROOT)
    if proc.returncode != 0:
        fail(f"prefect deploy to {url} failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    deployments = load_deployments(prefect_file)
    for d in deployments:
        flow = flow_name(d.entrypoint)
        when = ", ".join(f"{s['cron']} {s.get('timezone', 'UTC')}" for s in d.schedules if s.get("active", True))
        out.print(f"deployed {flow}/{d.name}  ({when or 'no schedule: run it by hand'})", highlight=False)
    pools = " and ".join(sorted({d.work_pool for d in deployments}))
    out.print(f"Every deployment runs with {settings.config_file}; a worker on {pools} runs them.", highlight=False)


def serve(config: ConfigOption = None, prefect_file: PrefectFile = ROOT / "prefect.yaml") -> None:
    """Serve every flow with its schedules and this config from this process: instead of a work pool and worker."""
    from flows.deployments import deployed_to_work_pools, serve_deployments

    settings = _deployed_config(config)
    _api_url()
    if taken := deployed_to_work_pools(prefect_file):
        fail(f"already deployed to a work pool on this server: {', '.join(taken)}. Run a worker for them, or "
             "delete them first to serve from here (prefect deployment delete NAME)")
    serve_deployments(prefect_file, settings.config_file)


def _parameters(pairs: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def run_deployment(
    deployment: Annotated[str, typer.Argument(help="FLOW/DEPLOYMENT, e.g. poll-newsletters/hourly.")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="A parameter, KEY=VALUE (VALUE read as JSON when it is); repeat for several.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the run to end.")] = 1800,
) -> None:
    """Run a deployment now on the server's workers: one progress line while it runs, then its report."""
    from flows.deployments import run_reports, run_url, start_run, wait_for_run

    params = _parameters(param or [])
    url = _api_url()
    try:
        flow_run = start_run(deployment, params)
    except Exception as e:  # an unknown deployment or an unreachable server
        fail(f"cannot start {deployment} on {url}: {type(e).__name__}: {e}")
    with err.status(f"{deployment}: Scheduled") as status:
        final = wait_for_run(flow_run.id, lambda state, seconds: status.update(
            f"{deployment}: {state}  {seconds:.0f} s  (flow run {flow_run.name})"), timeout=timeout)
    state = final.state
    seconds = (final.total_run_time.total_seconds() if final.total_run_time else 0.0)
    out.print(f"{deployment}: {state.name if state else 'unknown'} (flow run {flow_run.name}, {seconds:.1f} s of "
              f"run time)  {run_url(flow_run.id)}", highlight=False, soft_wrap=True)
    for _key, markdown in run_reports(flow_run.id):
        out.print(Markdown(markdown))
    if state is None or state.type.value != "COMPLETED":
        message = state.message if state and state.message else "it did not complete"
        err.print(f"[red]failed:[/] {deployment}: {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
