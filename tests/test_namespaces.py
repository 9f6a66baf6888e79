"""Vocabularies as code: no module but kg/vocab.py spells a namespace IRI; the others import its terms."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg import vocab
from kg.settings import PROJECT_ROOT

NAMESPACES = sorted({str(ns) for ns in [*vocab.NAMESPACES.values(), vocab.SCHEMA_HTTP]})
MODULES = sorted(p for folder in ("kg", "web") for p in (PROJECT_ROOT / folder).rglob("*.py")
                 if p != PROJECT_ROOT / "kg" / "vocab.py")


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the module's, classes' and functions' docstring nodes (prose may name a namespace)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def spelled(path: Path) -> list[str]:
    """`line: namespace` for each string in the code (not a docstring) that holds a namespace IRI."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    return [f"{node.lineno}: {ns}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            for ns in NAMESPACES if ns in node.value]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_no_module_spells_a_namespace(path: Path) -> None:
    found = spelled(path)
    assert not found, f"{path.relative_to(PROJECT_ROOT)} spells namespace IRIs (import them from kg.vocab): {found}"


def test_the_stores_terms_are_the_rdflib_terms() -> None:
    assert vocab.OX_TYPE.value == str(vocab.RDF.type)
    assert vocab.ox_term(vocab.SCHEMA.name).value == "https://schema.org/name"
