"""Homepage importer: a Markdown page, with optional Jekyll front matter, read as English bio prose.

What it reads, and how `private: true` front matter keeps a whole page private, is kg.sources.bio's: this module
only claims Markdown files for it and ranks what it says.
"""

from __future__ import annotations

from pathlib import Path

from kg.records import Record
from kg.sources.bio import NAME, parse, version_date
from kg.sources.readers import split_front_matter
from kg.sources.text import read_text

__all__ = ["NAME", "SUFFIXES", "matches", "parse", "read", "split_front_matter", "version_date"]

AUTHORITY = 2  # bio prose typed by patterns: below structured data, above bibliographies

SUFFIXES = (".md", ".markdown")


def matches(path: Path) -> bool:
    """Markdown files."""
    return path.suffix.lower() in SUFFIXES


def read(path: Path, rel: str) -> list[Record]:
    """Every record the page states: the document, the owner's facts, sections, mentions, entities and roles."""
    return parse(read_text(path, rel), rel, path.name)
