"""Fixtures for the site importers' tests over the corpus: a test module names its importer as `IMPORTER`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import site


@pytest.fixture(scope="module")
def read(request):
    """Records of a corpus site by the module's IMPORTER, read once per site."""
    importer = request.module.IMPORTER
    cache: dict[str, list] = {}

    def records(name: str) -> list:
        if name not in cache:
            cache[name] = importer.read_folder(site(name), "")
        return cache[name]
    return records


@pytest.fixture
def copy(tmp_path: Path):
    """A copy of a corpus site to change."""
    return lambda name: Path(shutil.copytree(site(name), tmp_path / name))
