"""Importers: one module per source format, each turning a file into plain records (kg.records) with file:line.

Each importer module exposes `NAME`, `matches(path: Path) -> bool` and `read(path: Path, rel: str) -> list[Record]`
(`rel` is the path relative to the content folder, used in every Origin). `read` raises kg.errors.SourceError with
the line and the problem for bad input, and returns a Warning_ record for odd input it keeps.

A folder importer reads a whole folder as one set of sources (an al-folio site): it exposes `NAME`,
`matches_folder(folder: Path) -> bool` and `read_folder(folder: Path, rel: str) -> list[Record]`. The files of a
folder it takes are offered to no file importer.

Every importer also declares `AUTHORITY`, its rank when sources disagree (0 first): what the owner curates as
structured data outranks what is read from prose, which outranks bibliographies, scraped listings and foreign RDF.
Shared readers live in kg.sources.readers (and bios in kg.sources.bio, BibTeX in kg.sources.bibtexfile, JSON Resume
in kg.sources.jsonresume); no importer imports another importer.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import SourceError
from kg.records import Record, SourceDocument


def importers() -> list:
    """The importer modules, in the order files are offered to them (first match wins)."""
    from kg.sources import bibtex, csljson, entities, homepage, listing, orcid, rdf, resume

    return [entities, resume, orcid, csljson, homepage, listing, bibtex, rdf]


def folder_importers() -> list:
    """The folder importer modules, in the order folders are offered to them (first match wins)."""
    from kg.sources import academicpages, alfolio, hugoblox

    return [academicpages, hugoblox, alfolio]


def authority() -> dict[str, int]:
    """Each importer's NAME -> its AUTHORITY."""
    return {mod.NAME: mod.AUTHORITY for mod in [*importers(), *folder_importers()]}


def _ranked(records: list[Record]) -> list[Record]:
    """The records, each SourceDocument stamped with the AUTHORITY of the importer it names (the builder ranks
    sources by it)."""
    ranks = authority()
    for record in records:
        if isinstance(record, SourceDocument):
            record.authority = ranks.get(record.importer)
    return records


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_content(content_dir: Path) -> list[Record]:
    """Every record from every recognised file under content_dir (sorted paths, so builds are deterministic).

    Folders a folder importer takes (the content folder itself, or any folder in it) are read whole by it; the
    files anywhere else are offered to the file importers.
    """
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        raise SourceError(str(content_dir), None, "content folder not found")
    records: list[Record] = []
    folder_mods = folder_importers()
    taken: list[Path] = []
    for folder in [content_dir, *sorted(p for p in content_dir.rglob("*") if p.is_dir())]:
        if (folder != content_dir and _hidden(folder, content_dir)) or any(t in folder.parents for t in taken):
            continue
        mod = next((m for m in folder_mods if m.matches_folder(folder)), None)
        if mod is not None:
            taken.append(folder)
            rel = "" if folder == content_dir else folder.relative_to(content_dir).as_posix()
            records.extend(mod.read_folder(folder, rel))
    mods = importers()
    for path in sorted(p for p in content_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if any(t == path.parent or t in path.parents for t in taken):
            continue
        rel = path.relative_to(content_dir).as_posix()
        for mod in mods:
            if mod.matches(path):
                records.extend(mod.read(path, rel))
                break
    return _ranked(records)
