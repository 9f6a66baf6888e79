"""ARCHITECTURE.md matches the code: every file, folder and module it names exists."""

from __future__ import annotations

import re

import pytest

from kg.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "ARCHITECTURE.md"
_CODE = re.compile(r"`([^`\s]+)`")
_PATH = re.compile(r"^[\w.-]+(?:/[\w.-]*)+$|^[\w-]+\.(?:py|md|rq|ttl|toml)$")


def named_paths(text: str) -> list[str]:
    """The paths a Markdown text names in code spans: anything with a slash, or a file name with a suffix."""
    return sorted({m for m in _CODE.findall(text) if _PATH.match(m)})


def test_the_architecture_page_names_paths():
    assert len(named_paths(DOC.read_text(encoding="utf-8"))) > 30


@pytest.mark.parametrize("path", named_paths(DOC.read_text(encoding="utf-8")))
def test_every_path_the_architecture_page_names_exists(path):
    assert (PROJECT_ROOT / path).exists(), f"ARCHITECTURE.md names {path}, which does not exist"


def test_a_wrong_path_is_caught():
    assert named_paths("see `kg/build.py`, `web/`, `README.md` and `kg build --out FILE`") == [
        "README.md", "kg/build.py", "web/"]
    assert not (PROJECT_ROOT / "kg/build.py").exists()


def test_the_layers_table_lists_the_layers_the_layer_test_enforces():
    from test_layers import LAYERS

    rows = re.findall(r"^\| (\w+) \|", DOC.read_text(encoding="utf-8"), re.M)
    assert [r for r in rows if r not in ("layer", "concept")][: len(LAYERS)] == [layer.name for layer in LAYERS]
