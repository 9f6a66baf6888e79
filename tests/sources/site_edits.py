"""Edits for fuzzing a site's files (academicpages, Hugo Blox): a span replaced by a token, or one key the importer
reads given a value of another type."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable

from hypothesis import strategies as st
from kg.errors import SourceError
from kg.records import Warning_

VALUES = ["3", "[1, 2]", "{a: 1}", "[{b: 2}]", "", "true", "2020-13-45"]
_KEY_BLOCK = re.compile(r"^([\w-]+)(\s*[:=])[^\n]*\n(?:(?:[ \t]+|- )[^\n]*\n)*", re.MULTILINE)


def key_blocks(text: str, read: set[str]) -> list[re.Match]:
    """The top-level keys of the text the importer reads, each with the block of lines under it."""
    return [m for m in _KEY_BLOCK.finditer(text) if m.group(1) in read]


def with_value(text: str, block: re.Match, value: str) -> str:
    """The text with a key's block replaced by the key given this value."""
    return text[:block.start()] + block.group(1) + block.group(2) + " " + value + "\n" + text[block.end():]


def retyped_cases(site: Callable[[str], Path], files: list[tuple[str, str]],
                  read: set[str]) -> list[tuple[str, str, str]]:
    """(site, file, key) for each key the importer reads that a listed file of a corpus site sets."""
    return [(name, path, key) for name, path in files
            for key in sorted({b.group(1) for b in key_blocks((site(name) / path).read_text(encoding="utf-8"), read)})]


def check_retyped(read_folder: Callable, source: Path, work: Path, path: str, key: str) -> None:
    """A copy of the site with one key of one file given each value of VALUES in turn (the block under it removed):
    the importer gives records, or a SourceError naming that file; never another exception."""
    folder = Path(shutil.copytree(source, work / "site"))
    text = (folder / path).read_text(encoding="utf-8")
    block = key_blocks(text, {key})[0]
    for value in VALUES:
        (folder / path).write_text(with_value(text, block, value), encoding="utf-8")
        try:
            read_folder(folder, "site")
        except SourceError as exc:
            assert exc.path == "site/" + path, (value, exc)


def edit_some(data: st.DataObject, files: list[Path], read: set[str], tokens: list[str]) -> None:
    """One to four edits (see `edited`), each in a file drawn from `files`, written in place."""
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(files))
        path.write_text(data.draw(edited(path.read_text(encoding="utf-8"), read, tokens)), encoding="utf-8")


def check_read(read_folder: Callable, folder: Path) -> None:
    """The importer gives records whose warnings each name a file of the site, or a SourceError naming one;
    never another exception."""
    try:
        records = read_folder(folder, "site")
    except SourceError as exc:
        assert exc.path.startswith("site/") and exc.problem
        return
    assert all(w.origin.path.startswith("site/") for w in records if isinstance(w, Warning_))


@st.composite
def edited(draw, text: str, read: set[str], tokens: list[str]) -> str:
    """The text with one edit: a span replaced by a token, or one key's value replaced by a value of another type."""
    keys = key_blocks(text, read)
    if keys and draw(st.booleans()):  # a top-level key the importer reads, with the block of lines under it
        return with_value(text, draw(st.sampled_from(keys)), draw(st.sampled_from(VALUES)))
    start = draw(st.integers(0, len(text)))
    end = min(len(text), start + draw(st.integers(0, 30)))
    return text[:start] + draw(st.sampled_from(tokens)) + text[end:]
