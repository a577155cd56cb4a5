"""The interface's bridge to the accounts and privacy layer (``noaber.accounts``,
``noaber.privacy``), imported when present so the interface also runs without it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import import_module
from types import ModuleType


@cache
def module(name: str) -> ModuleType | None:
    """``noaber.accounts.<name>`` / ``noaber.privacy.<name>``, or None when absent."""
    try:
        return import_module(name)
    except ImportError:
        return None


def available() -> bool:
    return module("noaber.accounts.services") is not None


def note_object(kind: str, object_id: int) -> None:
    """Name an object a page touched that its path does not name (a no-op without the log)."""
    access_log = module("noaber.privacy.access_log")
    if access_log is not None:
        access_log.note_object(kind, object_id)


def note_subjects(person_ids: Iterable[int | None]) -> None:
    """Name the persons a page shows in the access log (a no-op without the log)."""
    access_log = module("noaber.privacy.access_log")
    if access_log is not None:
        access_log.note_subjects([p for p in person_ids if p is not None])


def noted_subjects() -> list[int]:
    """The persons this request has named in the access log so far."""
    access_log = module("noaber.privacy.access_log")
    noted = access_log.noted() if access_log is not None else None
    return sorted(noted.subjects) if noted is not None else []
