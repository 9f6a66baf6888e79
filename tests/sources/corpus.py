"""The real sites of the corpus (tests/data/real/NAME/site) and small views of an importer's records of them."""

from __future__ import annotations

from pathlib import Path

from kg.records import Paper, Warning_

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def site(name: str) -> Path:
    """The folder of a corpus site."""
    return REAL / name / "site"


def of(records: list, kind: type) -> list:
    """The records of one type."""
    return [r for r in records if isinstance(r, kind)]


def paper(records: list, title: str) -> Paper:
    """The one paper of that title."""
    (found,) = [p for p in of(records, Paper) if p.title == title]
    return found


def warnings(records: list) -> list[str]:
    """Each warning as `file:line: message`."""
    return [f"{w.origin.path}:{w.origin.line}: {w.message}" for w in of(records, Warning_)]
