"""`radar setup|deploy|serve|run` refuse clearly without a server or a config (subprocesses, as a user runs them)."""

from __future__ import annotations

from tests.radar.test_cli import radar


def test_deploy_and_serve_need_an_explicit_config(tmp_path):
    (tmp_path / "radar.toml").write_text('database = "radar.duckdb"\n', encoding="utf-8")  # not taken
    env = {"RADAR_CONFIG": "", "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    for command in ("deploy", "serve"):
        proc = radar(command, env=env, cwd=tmp_path)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "give the config file the deployments should run with: --config FILE" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_server_commands_need_prefect_api_url(tmp_path):
    config = tmp_path / "radar.toml"
    config.write_text('database = "radar.duckdb"\n', encoding="utf-8")
    for args in (["setup", "--config", str(config)], ["deploy", "--config", str(config)],
                 ["run", "poll-newsletters/hourly"]):
        proc = radar(*args, env={"PREFECT_API_URL": ""})
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "PREFECT_API_URL is not set" in proc.stderr and "Traceback" not in proc.stderr
