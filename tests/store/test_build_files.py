"""The files of a store and its builds are named in one place (kg/store/embedded.py); every other module imports
the names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT
from kg.store import embedded

NAMES = [embedded.GRAPH, embedded.META, embedded.UPDATES, embedded.LEDGER, embedded.REPORT, embedded.PRIVATE,
         embedded.PRIVATE_LEDGER]
HOME = PROJECT_ROOT / "kg" / "store" / "embedded.py"
MODULES = sorted(p for folder in ("kg", "web") for p in (PROJECT_ROOT / folder).rglob("*.py") if p != HOME)


def code_strings(path: Path) -> list[ast.Constant]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_no_module_spells_a_build_file_name(path: Path) -> None:
    found = [f"{node.lineno}: {name}" for node in code_strings(path) for name in NAMES if name in node.value]
    assert not found, f"{path.relative_to(PROJECT_ROOT)} spells build file names (import them from kg.store.embedded): {found}"


def test_the_names_are_distinct() -> None:
    assert len(set(NAMES)) == len(NAMES)
