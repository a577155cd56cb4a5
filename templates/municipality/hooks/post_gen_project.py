"""Remove what the chosen options do not need (rendered by cookiecutter first)."""

import shutil
from pathlib import Path

PACKAGE = Path("src") / "{{ cookiecutter.__package }}"
DATABASE = "{{ cookiecutter.database }}"
INCLUDE_RULES = "{{ cookiecutter.include_rules }}" == "True"

if not INCLUDE_RULES:
    for name in ("rules.py", "demo_data.toml"):
        (PACKAGE / name).unlink()
    Path("tests", "test_rules.py").unlink()
if DATABASE == "sqlite":
    Path("deployment", "postgresql.env").unlink()
if DATABASE == "postgresql":
    Path("deployment", "sqlite.env").unlink()
for leftover in Path().rglob("__pycache__"):
    shutil.rmtree(leftover)
