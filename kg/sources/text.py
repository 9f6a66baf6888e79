"""Reading a source file's text: UTF-8 (a byte-order mark is dropped); an unreadable file is a SourceError."""

from __future__ import annotations

import json
from pathlib import Path

from kg.errors import SourceError


def read_text(path: Path, rel: str) -> str:
    """The file's text, or SourceError naming the file."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(rel, None, f"cannot read: {exc}") from None


def json_content(path: Path):
    """The parsed JSON of a `.json` file, or None when it is not one (for importers sniffing what a file holds)."""
    if Path(path).suffix.lower() != ".json":
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
