import sys
from pathlib import Path

# Helpers and fixtures live in template_helpers.py (tests run with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).parent))

from template_helpers import baked_municipalities, baked_plugins, installed, venv

__all__ = ["baked_municipalities", "baked_plugins", "installed", "venv"]
