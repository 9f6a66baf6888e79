"""Stores and what reads them: the embedded build, a SPARQL server, push, named queries, text index, query limits."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from kg.errors import StoreError

if TYPE_CHECKING:
    from kg.settings import Settings
    from kg.store.base import GraphStore


def open_store(settings: Settings, endpoint: str | None = None, *, private: bool = False) -> GraphStore:
    """The store the server uses: the SPARQL server at endpoint (or the endpoint setting), else the current build.

    The one place a store is opened, so `kg serve`, `kg query`, `kg export` and `kg validate` read the same one.
    Private graphs are never pushed, so asking for them from a SPARQL server is an error, not a silent omission.
    """
    endpoint = endpoint or settings.endpoint
    if endpoint:
        if private:
            raise StoreError(f"{endpoint}: private graphs are never pushed to a SPARQL server; "
                             "read them from the build (without --endpoint)")
        from kg.store.remote import RemoteStore

        return RemoteStore(dataclasses.replace(settings, endpoint=endpoint))
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, private=private)
