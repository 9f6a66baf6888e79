"""Typed errors: each says where (file, line) and what is wrong, so the CLI and the web can report it cleanly."""

from __future__ import annotations

from dataclasses import dataclass


class KGError(Exception):
    """Base class for every error a user should see as a message, not a traceback."""


@dataclass
class SourceError(KGError):
    """A source document cannot be read: names the file, the line where known, and the problem."""

    path: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"


class BuildError(KGError):
    """The build failed; carries every problem found (validation reports several at once)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class StoreError(KGError):
    """No usable store: not built yet, or unreadable."""


@dataclass
class ResourceNotFound(KGError):
    kind: str
    slug: str

    def __str__(self) -> str:
        return f"no {self.kind} called {self.slug!r}"


@dataclass
class BadParameter(KGError):
    """A request or CLI parameter is malformed or missing; names it."""

    name: str
    problem: str

    def __str__(self) -> str:
        return f"parameter {self.name!r}: {self.problem}"


@dataclass
class QueryError(KGError):
    """A SPARQL query is malformed or refused; carries the parser's message."""

    message: str
    status: int = 400

    def __str__(self) -> str:
        return self.message
