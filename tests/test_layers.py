"""Data flows one way: a stage imports only the stages to its left and the foundation modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT

FOUNDATION = {"kg", "kg.errors", "kg.vocab", "kg.iris", "kg.settings", "kg.records", "kg.formats"}
# Modules a stage must never import (directly): the stages to its right, or the composers.
FORBIDDEN = {
    "kg.sources": ("kg.build.graph", "kg.build.resolve", "kg.build.validate", "kg.store.embedded", "kg.store.queries", "kg.build.pipeline", "kg.cli", "web"),
    "kg.build.graph": ("kg.sources", "kg.build.validate", "kg.store.embedded", "kg.store.queries", "kg.build.pipeline", "kg.cli", "web"),
    "kg.build.resolve": ("kg.sources", "kg.build.graph", "kg.store.embedded", "kg.build.pipeline", "kg.cli", "web"),
    "kg.build.validate": ("kg.sources", "kg.build.graph", "kg.store.embedded", "kg.store.queries", "kg.build.pipeline", "kg.cli", "web"),
    "kg.store.embedded": ("kg.sources", "kg.build.graph", "kg.build.validate", "kg.store.queries", "kg.build.pipeline", "kg.cli", "web"),
    "kg.store.queries": ("kg.sources", "kg.build.graph", "kg.build.validate", "kg.build.pipeline", "kg.cli", "web"),
    "kg.exports.graph": ("kg.sources", "kg.build.graph", "kg.build.pipeline", "kg.cli", "web"),
    "web": ("kg.sources", "kg.build.graph", "kg.build.resolve", "kg.build.validate", "kg.build.pipeline", "kg.cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


MODULES = sorted(p for folder in ("kg", "web") for p in (PROJECT_ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_reaches_back_up_the_line(path):
    name = module_name(path)
    stage = next((s for s in FORBIDDEN if name == s or name.startswith(s + ".")), None)
    if stage is None:
        return
    bad = {i for i in imports(path) for f in FORBIDDEN[stage] if i == f or i.startswith(f + ".")}
    assert not bad, f"{name} imports {sorted(bad)}"
