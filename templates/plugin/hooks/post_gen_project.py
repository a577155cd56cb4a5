"""Remove what the chosen options do not need (rendered by cookiecutter first)."""

import shutil
from pathlib import Path

PACKAGE = Path("src") / "{{ cookiecutter.__package }}"
WITH_MODEL = "{{ cookiecutter.with_model }}" == "True"

if not WITH_MODEL:
    (PACKAGE / "models.py").unlink()
    (PACKAGE / "workflow.py").unlink()
    shutil.rmtree(PACKAGE / "migrations")
    Path("tests", "test_model.py").unlink()
for leftover in Path().rglob("__pycache__"):
    shutil.rmtree(leftover)
