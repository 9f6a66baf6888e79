"""Importer for BibTeX files (`.bib`), read as al-folio keeps them (kg.sources.bibtexfile)."""

from __future__ import annotations

from pathlib import Path

from kg.records import Record
from kg.sources.bibtexfile import MEDIA_TYPE, NAME, decode_latex, parse_authors, parse_bibtex, parse_month
from kg.sources.text import read_text

__all__ = ["MEDIA_TYPE", "NAME", "decode_latex", "matches", "parse_authors", "parse_bibtex", "parse_month", "read"]

AUTHORITY = 3  # a bibliography the owner keeps (al-folio's papers.bib): structured, papers only


def read(path: Path, rel: str) -> list[Record]:
    """Records of a `.bib` file."""
    return parse_bibtex(read_text(path, rel), rel)


def matches(path: Path) -> bool:
    """BibTeX files, by their `.bib` extension."""
    return Path(path).suffix.lower() == ".bib"
