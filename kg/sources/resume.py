"""Resume importer: a `resume.json` (or `*.resume.json`) read as a JSON Resume document (kg.sources.jsonresume)."""

from __future__ import annotations

from pathlib import Path

from kg.records import Record
from kg.sources.jsonresume import NAME, parse
from kg.sources.text import read_text

__all__ = ["NAME", "matches", "parse", "read"]

AUTHORITY = 1  # owner-curated structured data (a JSON Resume)


def matches(path: Path) -> bool:
    """A file named resume.json or *.resume.json."""
    name = path.name.lower()
    return name == "resume.json" or name.endswith(".resume.json")


def read(path: Path, rel: str) -> list[Record]:
    """Every record the resume states."""
    return parse(read_text(path, rel), rel)
