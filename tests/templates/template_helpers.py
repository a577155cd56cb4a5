"""Helpers for the template tests: baking, and a throwaway venv that installs the bakes.

Baking runs cookiecutter in-process (its hooks run as subprocesses, as they would for a
user). Installing is real but cheap: one throwaway venv per session that sees the
workspace's packages through a ``.pth`` file and gets the baked packages installed
editable with ``uv pip install --no-deps`` (nothing is downloaded but hatchling, which
uv has cached).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PROGRAMMES = ("buurtgezinnen", "wijkbedrijf", "gezinslab", "doorbraak")
DATABASES = ("both", "sqlite", "postgresql")
# What running a bake leaves behind (its tests, linters, bytecode): not template output.
RUN_CACHES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
ALL_COMBINATIONS = os.environ.get("NOABER_TEMPLATE_ALL_COMBINATIONS", "").lower() in {"1", "true"}


def bake(kind: str, output_dir: Path, **answers: Any) -> Path:
    from cookiecutter.main import cookiecutter

    return Path(
        cookiecutter(
            str(TEMPLATES / kind),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
        )
    )


def plugin_subsets() -> list[tuple[str, ...]]:
    return [
        combo for r in range(len(PROGRAMMES) + 1) for combo in itertools.combinations(PROGRAMMES, r)
    ]


@dataclass(frozen=True)
class MunicipalityCombo:
    """One combination of the municipality template's options."""

    index: int
    plugins: tuple[str, ...]
    database: str
    include_rules: bool

    @property
    def slug(self) -> str:
        return f"proef_{self.index:02d}"

    @property
    def package(self) -> str:
        return f"noaber_gemeente_{self.slug}"

    @property
    def cbs_code(self) -> str:
        return f"GM98{self.index:02d}"

    @property
    def host(self) -> str:
        return f"noaber.proef-{self.index:02d}.example"

    def answers(self) -> dict[str, Any]:
        return {
            "municipality_name": f"Proef {self.index}",
            "slug": self.slug,
            "cbs_code": self.cbs_code,
            "hosts": self.host,
            "neighbourhoods": f"Centrum: 9{self.index:02d}1, 9{self.index:02d}2 AB; WK98{self.index:02d}07 Oost: 9{self.index:02d}3",
            "plugins": ", ".join(self.plugins),
            "database": self.database,
            "include_rules": self.include_rules,
        }


def municipality_combos() -> list[MunicipalityCombo]:
    """Every plugin subset and every (database, rules) option combination.

    By default each plugin subset is baked once with the option combinations cycled
    through it (each of the 6 appears at least twice); with
    ``NOABER_TEMPLATE_ALL_COMBINATIONS=1`` the full product (96 bakes) is baked.
    """
    options = list(itertools.product(DATABASES, (True, False)))
    if ALL_COMBINATIONS:
        pairs = list(itertools.product(plugin_subsets(), options))
    else:
        pairs = [(subset, options[i % len(options)]) for i, subset in enumerate(plugin_subsets())]
    return [
        MunicipalityCombo(i, subset, database, rules)
        for i, (subset, (database, rules)) in enumerate(pairs)
    ]


PLUGIN_COMBOS = [
    {"plugin_name": "maatjes", "with_model": True},
    {"plugin_name": "kaal", "with_model": False},
]


@pytest.fixture(scope="session")
def baked_municipalities(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[MunicipalityCombo, Path]:
    out = tmp_path_factory.mktemp("municipalities")
    return {combo: bake("municipality", out, **combo.answers()) for combo in municipality_combos()}


@pytest.fixture(scope="session")
def baked_plugins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("plugins")
    return {answers["plugin_name"]: bake("plugin", out, **answers) for answers in PLUGIN_COMBOS}


def merged_env(env: dict[str, str] | None) -> dict[str, str]:
    """The test's environment with ``env`` on top; an empty value removes the variable."""
    merged = {**os.environ, **(env or {})}
    return {key: value for key, value in merged.items() if value != ""}


class ThrowawayVenv:
    """A venv that sees the workspace's installed packages and installs bakes on top."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uv = shutil.which("uv")
        if uv is None:
            pytest.skip("uv is needed to make a throwaway venv")
        self.uv = uv
        subprocess.run([uv, "venv", "-q", str(path), "--python", sys.executable], check=True)
        self.python = path / "bin" / "python"
        purelib = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        workspace = sysconfig.get_paths()["purelib"]
        # addsitedir (not a plain path line) so the workspace's editable .pth files apply.
        Path(purelib, "_noaber_workspace.pth").write_text(
            f"import site; site.addsitedir({workspace!r})\n"
        )

    def install(self, *projects: Path) -> None:
        editable = [arg for p in projects for arg in ("-e", str(p))]
        subprocess.run(
            [self.uv, "pip", "install", "-q", "--no-deps", "--python", str(self.python), *editable],
            check=True,
        )

    def run(
        self, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.python), *args],
            cwd=cwd,
            env=merged_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def bin(self, name: str) -> str:
        return str(self.path / "bin" / name)


@pytest.fixture(scope="session")
def venv(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayVenv:
    return ThrowawayVenv(tmp_path_factory.mktemp("venv") / "venv")


# A few municipality combinations, covering every option value, are installed for real;
# all combinations are checked in-process in test_municipality_template.py.
INSTALLED_COMBOS = [
    MunicipalityCombo(90, PROGRAMMES, "both", True),
    MunicipalityCombo(91, (), "sqlite", False),
    MunicipalityCombo(92, ("wijkbedrijf",), "postgresql", True),
]


@pytest.fixture(scope="session")
def installed(
    venv: ThrowawayVenv,
    baked_plugins: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[MunicipalityCombo, Path]:
    """INSTALLED_COMBOS and the baked plugins, installed editable in the throwaway venv."""
    out = tmp_path_factory.mktemp("installed")
    municipalities = {c: bake("municipality", out, **c.answers()) for c in INSTALLED_COMBOS}
    venv.install(*baked_plugins.values(), *municipalities.values())
    return municipalities
