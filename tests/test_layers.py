"""Data flows one way: every module of kg/ and web/ sits in a declared layer and imports only the layers it uses.

Deny by default: a module placed in no layer fails until it is placed in LAYERS; relative imports and imports
inside functions (lazy) count like any other; and the module graph has no cycle, lazy imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

from kg.settings import PROJECT_ROOT


class Layer(NamedTuple):
    """A layer: the modules in it ("pkg.*" is a package and everything under it) and the lower layers it uses."""

    name: str
    modules: tuple[str, ...]
    uses: tuple[str, ...]


# From the foundation up to the composers; a layer uses only layers listed before it. The records the importers
# produce are foundation: sources write them, the build reads them, neither imports the other.
LAYERS = (
    Layer("foundation", ("kg", "kg.errors", "kg.vocab", "kg.iris", "kg.settings", "kg.formats", "kg.records",
                         "kg.sparqltext", "kg.files"), ()),
    Layer("sources", ("kg.sources.*",), ("foundation",)),
    Layer("build", ("kg.build", "kg.build.graph", "kg.build.identity", "kg.build.resolve", "kg.build.inference",
                    "kg.build.provenance", "kg.build.validate", "kg.build.foreign"),
          ("foundation",)),
    Layer("store", ("kg.store.*",), ("foundation",)),
    Layer("exports", ("kg.exports.*",), ("foundation", "store")),
    Layer("web", ("web.*",), ("foundation", "store", "exports")),
    Layer("composers", ("kg.build.pipeline", "kg.console", "kg.cli", "kg.__main__"),
          ("foundation", "sources", "build", "store", "exports", "web")),
)


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    """The dotted module name of a file under root."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str, layers: tuple[Layer, ...] = LAYERS) -> Layer | None:
    """The layer a module is placed in: an exact entry first, else the nearest enclosing "pkg.*" entry."""
    for layer in layers:
        if module in layer.modules:
            return layer
    best: tuple[int, Layer] | None = None
    for layer in layers:
        for entry in layer.modules:
            package = entry.removesuffix(".*")
            if entry.endswith(".*") and (module == package or module.startswith(package + ".")):
                if best is None or len(package) > best[0]:
                    best = (len(package), layer)
    return best[1] if best else None


def imports(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules a module's source imports: absolute, relative and function-level imports alike."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:  # `import kg.store.queries` names the module; a symbol its module
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def check_module(module: str, targets: set[str], layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """The problems of one module: unplaced, or importing a module of a layer it does not use."""
    layer = layer_of(module, layers)
    if layer is None:
        return [f"{module} is in no layer: place it in the LAYERS table of tests/test_layers.py"]
    problems = []
    for target in sorted(targets):
        other = layer_of(target, layers)
        if other is None or other.name == layer.name or other.name in layer.uses:
            continue
        problems.append(f"{module} ({layer.name}) imports {target} ({other.name}), a layer it does not use")
    return problems


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the module graph as a path that returns to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


PATHS = sorted(p for folder in ("kg", "web") for p in (PROJECT_ROOT / folder).rglob("*.py"))
KNOWN = {module_name(p) for p in PATHS}


def graph_of(paths: list[Path] = PATHS) -> dict[str, set[str]]:
    """Each project module -> the project modules it imports (itself and its own package __init__ left out)."""
    graph = {}
    for path in paths:
        name = module_name(path)
        targets = imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", KNOWN)
        graph[name] = {t for t in targets if t != name and not name.startswith(t + ".")}
    return graph


GRAPH = graph_of()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_is_placed_and_imports_only_the_layers_it_uses(module):
    assert not check_module(module, GRAPH[module]), "\n".join(check_module(module, GRAPH[module]))


def test_the_module_graph_has_no_cycle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_entry_of_the_table_names_a_module_that_exists():
    stale = [entry for layer in LAYERS for entry in layer.modules if entry.removesuffix(".*") not in KNOWN]
    assert not stale, f"LAYERS names modules that do not exist: {stale}"


def test_each_layer_uses_only_layers_listed_before_it():
    names = [layer.name for layer in LAYERS]
    for i, layer in enumerate(LAYERS):
        assert set(layer.uses) <= set(names[:i]), f"{layer.name} uses a layer above it or an unknown one"


# The checker itself, on planted faults: an upward import (absolute, relative, lazy), an unplaced module, a cycle.
@pytest.mark.parametrize("module, source, is_package, bad", [
    ("kg.store.queries", "from kg.cli import main\n", False, "kg.cli"),
    ("kg.store.queries", "def f():\n    from kg.build.pipeline import build\n", False, "kg.build.pipeline"),
    ("kg.store.queries", "from ..sources import bibtex\n", False, "kg.sources.bibtex"),
    ("kg.build", "from . import pipeline\n", True, "kg.build.pipeline"),
    ("web.resources", "import kg.build.graph\n", False, "kg.build.graph"),
    ("kg.sources.bibtex", "from kg.build.graph import build_graph\n", False, "kg.build.graph"),
])
def test_a_planted_upward_import_is_denied(module, source, is_package, bad):
    targets = imports(source, module, is_package, KNOWN)
    assert bad in targets
    assert any(bad in problem for problem in check_module(module, targets))


def test_a_module_in_no_layer_is_denied():
    assert layer_of("kg.newthing") is None and layer_of("kg.build.newthing") is None
    assert "place it in the LAYERS table" in check_module("kg.newthing", set())[0]


def test_a_planted_cycle_is_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
