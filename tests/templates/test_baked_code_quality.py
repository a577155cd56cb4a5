"""Baked code meets the workspace's own bar: ruff (lint and format) with the root
configuration, and mypy --strict for the installed packages. A generated package that
is dropped into municipalities/ or plugins/ must not turn the workspace's checks red."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from template_helpers import ROOT


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("ruff") is None and shutil.which("ruff", path=str(ROOT / ".venv/bin")) is None:
        pytest.skip("ruff is not installed (the lint dependency group)")
    exe = shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")
    return subprocess.run(
        [exe, *args, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_baked_code_passes_ruff(baked_municipalities, baked_plugins):
    projects = [*baked_municipalities.values(), *baked_plugins.values()]
    sources = [str(p / "src") for p in projects]
    tests = [str(p / "tests") for p in projects]
    for result in (
        ruff("check", *sources),
        # The workspace ignores ANN and S under tests/ (per-file-ignores).
        ruff("check", "--extend-ignore", "ANN,S", *tests),
        ruff("format", "--check", *sources, *tests),
    ):
        assert result.returncode == 0, result.stdout + result.stderr


def test_installed_bakes_pass_mypy_strict(venv, installed):
    pytest.importorskip("mypy", reason="mypy is not installed (the types dependency group)")
    packages = [arg for combo in installed for arg in ("-p", combo.package)]
    packages += ["-p", "noaber_maatjes", "-p", "noaber_kaal"]
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--python-executable", str(venv.python),
            "--config-file", str(ROOT / "pyproject.toml"), *packages,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
