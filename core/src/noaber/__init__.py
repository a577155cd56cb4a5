"""Noaber core: the plugin host, tenancy, persistence and the shared domain."""

from noaber.hookspecs import hookimpl

__all__ = ["hookimpl"]
__version__ = "0.1.0"
