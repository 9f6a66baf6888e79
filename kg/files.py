"""Files read as bytes, for what a parser need not be asked: whether some bytes occur at all."""

from __future__ import annotations

from pathlib import Path


def file_holds(path: Path | str, *needles: bytes, chunk: int = 1 << 22) -> bool:
    """Whether the file's bytes hold any of the needles (read in chunks, a find each; a needle across two chunks
    counts)."""
    overlap = max(len(n) for n in needles) - 1
    with open(path, "rb") as handle:
        tail = b""
        for block in iter(lambda: handle.read(chunk), b""):
            text = tail + block
            if any(text.find(needle) >= 0 for needle in needles):
                return True
            tail = text[-overlap:] if overlap else b""
    return False


__all__ = ["file_holds"]
