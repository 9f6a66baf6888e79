"""Reading a source file's text: UTF-8 (a byte-order mark is dropped); an unreadable file is a SourceError."""

from __future__ import annotations

from pathlib import Path

from kg.errors import SourceError


def read_text(path: Path, rel: str) -> str:
    """The file's text, or SourceError naming the file."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(rel, None, f"cannot read: {exc}") from None
