"""Baked packages installed for real (a throwaway venv): their own tests pass, the CLI
chains (new plugin → new municipality enabling it), and `noaber serve` serves a bake as a
single-municipality deployment and as a tenant of a hosted install."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from template_helpers import INSTALLED_COMBOS, merged_env

# The `noaber` command of the venv's Python (core is visible there, not installed, so the
# console script is not).
NOABER = ("-c", "from noaber.cli import main; main()")


def test_baked_packages_pass_their_own_tests(venv, installed, baked_plugins, tmp_path):
    # One pytest process per project (as its developer would run it), all at once.
    projects = [*installed.values(), *baked_plugins.values()]
    runs = {
        project: subprocess.Popen(
            [str(venv.python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for project in projects
    }
    for project, run in runs.items():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, f"{project.name}:\n{output[-4000:]}"
        assert " passed" in output, output
        assert "skipped" not in output, output


def test_cli_chain_new_plugin_then_a_municipality_that_enables_it(venv, installed, tmp_path):
    # `maatjes` is installed in the venv now, so the municipality template accepts it.
    made = venv.run(
        *NOABER, "new", "municipality", "--no-input", "-o", str(tmp_path),
        "--name", "Staphorst", "--cbs-code", "GM0180", "--plugin", "maatjes",
        "--plugin", "buurtgezinnen", "--neighbourhoods", "Staphorst: 7951; IJhorst: 7955",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    venv.install(tmp_path / "staphorst")
    result = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path / "staphorst")
    assert result.returncode == 0, result.stdout[-4000:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env_file(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {k.strip(): v.strip() for k, v in pairs}


def serve_and_get(venv, env: dict[str, str], cwd: Path, host: str) -> dict[str, object]:
    port = free_port()
    server = subprocess.Popen(
        [str(venv.python), *NOABER, "serve", "--port", str(port)],
        cwd=cwd,
        env=merged_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Generous: a cold start imports every plugin, and CI shares two cores.
        deadline = time.monotonic() + 120
        while server.poll() is None and time.monotonic() < deadline:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/health", headers={"host": host}, timeout=10
                )
                return {"http_status": response.status_code, **response.json()}
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        # Stop it before reading its output: reading a live server's pipe never ends.
        server.terminate()
        try:
            output, _ = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    pytest.fail(f"noaber serve did not come up: {output}")


def test_served_from_its_deployment_settings_as_a_single_municipality(venv, installed, tmp_path):
    combo = INSTALLED_COMBOS[1]
    env = env_file(installed[combo] / "deployment" / "sqlite.env")
    assert env["NOABER_TENANT"] == combo.slug
    # As the deployment README says, from the package folder (the database goes in data/).
    work = installed[combo]
    (work / "data").mkdir(exist_ok=True)
    upgraded = venv.run(*NOABER, "db", "upgrade", cwd=work, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    body = serve_and_get(venv, env, work, host="noaber.example.org")
    assert body["http_status"] == 200
    assert body["tenant"] == combo.slug


def test_served_as_a_tenant_of_a_hosted_install(venv, installed, tmp_path):
    combo = INSTALLED_COMBOS[2]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'hosted.sqlite'}", "NOABER_TENANT": ""}
    assert venv.run(*NOABER, "db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    provisioned = venv.run(*NOABER, "tenants", "provision", combo.slug, cwd=tmp_path, env=env)
    assert provisioned.returncode == 0, provisioned.stderr
    body = serve_and_get(venv, env, tmp_path, host=combo.host)
    assert body["http_status"] == 200
    assert body["tenant"] == combo.slug
