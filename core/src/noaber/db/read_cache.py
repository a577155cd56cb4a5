"""Answers of database reads, kept while the data they were read from is unchanged.

An answer is kept under its database, tenant and key (the caller's: what was asked
and by whom) with the tenant's :meth:`~noaber.db.changes.Changes.tag` taken *before*
the read, and served again only while that tag is unchanged and for at most
``seconds`` (``NOABER_READ_CACHE_SECONDS``; 0 keeps nothing). A commit in this process
moves the tag at once; one in another process moves it when its broadcast arrives
(Redis), else the lifetime bounds what is missed. Bounded: the oldest answers go
first, and a large answer is not kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from noaber.db import changes

MAX_ENTRIES = 2048
MAX_BYTES = 512 * 1024  # a larger answer is not kept
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # what one process keeps at most


@dataclass(frozen=True)
class Pending:
    """A miss: what to store the answer under once it is read."""

    key: tuple[Any, ...]
    tag: tuple[int, int]


class ReadCache:
    def __init__(self, seconds: float = 2.0, max_entries: int = MAX_ENTRIES) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        # key -> (tag, expiry, value, size)
        self._entries: OrderedDict[tuple[Any, ...], tuple[tuple[int, int], float, Any, int]] = (
            OrderedDict()
        )
        self.size = 0

    def lookup(
        self, engine: Engine | Connection, slug: str, key: Hashable
    ) -> tuple[Any, Pending | None]:
        """The kept answer (and None), or None and what to :meth:`store` the answer under."""
        if self.seconds <= 0:
            return None, None
        tracked = changes.of(engine if isinstance(engine, Engine) else engine.engine)
        full = (tracked, slug, key)
        tag = tracked.tag(slug)
        entry = self._entries.get(full)
        if entry is not None:
            kept_tag, expires, value, _size = entry
            if kept_tag == tag and time.monotonic() < expires:
                return value, None
            self._drop(full)
        return None, Pending(full, tag)

    def store(self, pending: Pending, value: Any, size: int) -> None:
        if size > MAX_BYTES:
            return
        self._drop(pending.key)
        self._entries[pending.key] = (pending.tag, time.monotonic() + self.seconds, value, size)
        self.size += size
        while len(self._entries) > self.max_entries or self.size > MAX_TOTAL_BYTES:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= entry[3]

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0


cache = ReadCache()
"""The process's cache (its lifetime is set from the settings when an app is built)."""
