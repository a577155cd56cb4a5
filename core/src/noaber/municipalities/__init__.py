"""Municipality packages: their configuration schema and how they are loaded."""

from noaber.municipalities.config import MunicipalityConfig
from noaber.municipalities.loader import Municipality, discover_municipalities, load_municipality

__all__ = ["Municipality", "MunicipalityConfig", "discover_municipalities", "load_municipality"]
