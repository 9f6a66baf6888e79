"""Per-build caches: whatever depends only on the data is computed once per store version and kept, bounded."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from flask import Flask, current_app

from kg.settings import Settings
from kg.store.base import GraphStore


def app_store() -> GraphStore:
    """The store the current app serves."""
    return current_app.config["KG_STORE"]


def app_settings() -> Settings:
    """The settings the current app runs with."""
    return current_app.config["KG_SETTINGS"]


def stamp() -> tuple[str, str | None]:
    """(data version, build time) for validators; no build time once SPARQL updates changed the data."""
    store = app_store()
    version = store.version()
    return version, (store.meta.built_at if version == store.meta.build_id else None)


def app_base() -> str:
    """The base IRI of the data served (the build's, which is the one its IRIs use)."""
    return app_store().meta.base or app_settings().base


class BuildCache:
    """A bounded LRU of values keyed by (store version, key); a new build or update makes every old key miss."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, store: GraphStore, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for key on the store's current data, computing it (outside the lock) on a miss."""
        full = (store.version(), key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        value = compute()
        with self._lock:
            self._items[full] = value
            self._items.move_to_end(full)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def caches(app: Flask | None = None) -> dict[str, BuildCache]:
    """The app's caches: small values (descriptions, lists, VoID) and large ones (whole-graph exports)."""
    app = app or current_app
    found = app.extensions.get("kg_cache")
    if found is None:
        found = app.extensions.setdefault("kg_cache", {"small": BuildCache(4096), "large": BuildCache(8)})
    return found


def cached(key: Hashable, compute: Callable[[], Any], *, large: bool = False) -> Any:
    """Compute once per store version within the current app (see BuildCache.get)."""
    return caches()["large" if large else "small"].get(app_store(), key, compute)
