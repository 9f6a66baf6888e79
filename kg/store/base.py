"""The store interface every backend offers the later stages (queries, web, exports), and what a build is.

The embedded store (kg/store/embedded.py) and a SPARQL server (kg/store/remote.py) implement it; the stages above
import it from here, never from a backend.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class BuildMeta:
    """What a build is: its id (also the HTTP validator), base IRI, time and counts computed once."""

    build_id: str
    base: str
    built_at: str
    triples: int = 0
    graphs: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> "BuildMeta":
        return cls(**json.loads(path.read_text()))


class GraphStore(ABC):
    """What every backend offers the queries, web and export stages. Terms are pyoxigraph terms."""

    meta: BuildMeta

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None, *,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None):
        """Run a SPARQL query over the union of all graphs (or the given dataset); pyoxigraph results."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run SPARQL Update confined to the updates graph."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad, for exports."""

    def refresh(self) -> bool:
        """Pick up a newer build if there is one; True when the data changed."""
        return False

    def attachment(self, name: str) -> bytes | None:
        """A file the build attached (IRI ledger, build report, text index), or None."""
        return None

    def version(self) -> str:
        """What identifies the data answered now (build, plus updates): a key for caches and HTTP validators."""
        self.refresh()
        return self.meta.build_id
