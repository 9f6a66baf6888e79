"""Importers: one module per source format, each turning a file into plain records (kg.records) with file:line.

Each importer module exposes `NAME`, `matches(path: Path) -> bool` and `read(path: Path, rel: str) -> list[Record]`
(`rel` is the path relative to the content folder, used in every Origin). `read` raises kg.errors.SourceError with
the line and the problem for bad input, and returns a Warning_ record for odd input it keeps.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import SourceError
from kg.records import Record


def importers() -> list:
    """The importer modules, in the order files are offered to them (first match wins)."""
    from kg.sources import bibtex, entities, homepage, listing, rdf, resume

    return [entities, resume, homepage, listing, bibtex, rdf]


def read_content(content_dir: Path) -> list[Record]:
    """Every record from every recognised file under content_dir (sorted paths, so builds are deterministic)."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise SourceError(str(content_dir), None, "content folder not found")
    records: list[Record] = []
    mods = importers()
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(content_dir).as_posix()
        for mod in mods:
            if mod.matches(path):
                records.extend(mod.read(path, rel))
                break
    return records
