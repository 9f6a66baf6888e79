"""Importers stand alone: each declares its authority, and none imports another (shared readers live apart)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

from kg.records import SourceDocument
from kg.sources import authority, folder_importers, importers, read_content

REGISTERED = [*importers(), *folder_importers()]
NAMES = {mod.__name__ for mod in REGISTERED}


def imported_modules(mod: ModuleType) -> set[str]:
    """Every module the importer's file names in an import, at any depth (lazy ones too), relative ones resolved."""
    package = mod.__name__.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("mod", REGISTERED, ids=lambda m: m.NAME)
def test_every_importer_declares_its_authority(mod: ModuleType) -> None:
    assert isinstance(getattr(mod, "AUTHORITY", None), int), f"{mod.__name__} declares no AUTHORITY = n"
    assert authority()[mod.NAME] == mod.AUTHORITY


@pytest.mark.parametrize("mod", REGISTERED, ids=lambda m: m.NAME)
def test_no_importer_imports_another(mod: ModuleType) -> None:
    siblings = NAMES - {mod.__name__}
    bad = {i for i in imported_modules(mod) for s in siblings if i == s or i.startswith(s + ".")}
    assert not bad, f"{mod.__name__} imports the importer(s) {sorted(bad)}: move what they share to kg.sources.readers"


def test_read_content_stamps_each_document_with_its_importers_authority(tmp_path: Path) -> None:
    (tmp_path / "resume.json").write_text('{"basics": {"name": "Ada Lovelace"}}', encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@article{a, title={On Engines}, author={Lovelace, Ada}, year={1843}}\n",
                                       encoding="utf-8")
    docs = {r.importer: r.authority for r in read_content(tmp_path) if isinstance(r, SourceDocument)}
    assert docs == {"resume": authority()["resume"], "bibtex": authority()["bibtex"]}
    assert docs["resume"] < docs["bibtex"]
