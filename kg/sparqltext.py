"""SPARQL query text as the parser reads it: one lexer for the endpoint (web.sparql) and the remote store.

The lexer skips what SPARQL reads as one opaque token (long strings, strings, IRIs, comments) so that a keyword
is found only where the parser would see one. On it rest: the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), the
refusal of operations that reach out (SERVICE, LOAD; also with \\u escapes decoded, as the parser decodes them),
the tokens the remote store binds variables by, and the BASE that resolves a query's relative IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryError

# What the SPARQL lexer reads as one token and we must never look inside, matched left to right as it does.
OPAQUE = (r'"""(?:[^"\\]|\\.|"(?!""))*"""'
          r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
          r'|"(?:[^"\\\n\r]|\\.)*"'
          r"|'(?:[^'\\\n\r]|\\.)*'"
          r'|<[^<>"{}|^`\\\x00-\x20]*>'
          r"|#[^\n\r]*")
_OPAQUE = re.compile(OPAQUE, re.S)
_TOKEN = re.compile(
    rf"(?P<opaque>{OPAQUE})"
    r"|(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()\[\],;\"'<>]*)?|:[^\s{}()\[\],;\"'<>]*)"
    r"|(?P<punct>[{}()])",
    re.S,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")


def _keyword(word: str) -> re.Pattern:
    """A SPARQL keyword as a token: not part of a variable, prefixed name or longer word."""
    return re.compile(rf"(?<![\w?$:.\-]){word}(?![\w:\-])", re.I)


FORBIDDEN = {"SERVICE": _keyword("SERVICE"), "LOAD": _keyword("LOAD")}
_FORBIDDEN_WORDS = tuple(name.lower() for name in FORBIDDEN)
FORMS = _keyword("(SELECT|ASK|CONSTRUCT|DESCRIBE)")
_OPAQUE_OR_FORM = re.compile(rf"{OPAQUE}|{FORMS.pattern.replace('(SELECT', '(?P<form>SELECT', 1)}", re.S | re.I)


@dataclass(frozen=True)
class Token:
    """One token of a query: opaque (string, IRI, comment), var, word (keyword or prefixed name) or punct."""

    kind: str
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The tokens of a query, left to right; what is none of them (spaces, operators) is skipped."""
    return [Token(m.lastgroup or "", m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def code_only(text: str) -> str:
    """The query with every string, IRI and comment blanked out: what is left is keywords, names, variables."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)


def _unescaped(text: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16)
                      < 0x110000 else m.group(0), text)


def forbidden_operation(text: str) -> str | None:
    """"SERVICE" or "LOAD" when the query or update uses one (outside strings, IRIs and comments), else None.

    The text is read as the parser reads it and, to be safe, once more with \\u escapes decoded. An ASCII text
    that does not hold the letters of either keyword anywhere cannot use one: it is let through without the
    lexer's pass, which costs more than a cheap query does (0.3 ms for a 1 KB query).
    """
    for variant in ((text, _unescaped(text)) if "\\u" in text or "\\U" in text else (text,)):
        if variant.isascii() and not any(word in variant.lower() for word in _FORBIDDEN_WORDS):
            continue
        code = code_only(variant)
        for name, pattern in FORBIDDEN.items():
            if pattern.search(code):
                return name
    return None


def refusal(forbidden: str) -> QueryError:
    """The 403 for a query or update that uses a forbidden operation (as forbidden_operation names it)."""
    return QueryError(f"{forbidden} is not allowed on this endpoint", 403)


def refuse_forbidden(text: str) -> None:
    """Raise QueryError 403 when the query or update reaches out (SERVICE, LOAD): nothing is sent or run."""
    forbidden = forbidden_operation(text)
    if forbidden:
        raise refusal(forbidden)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword of the query (after its prologue).

    Read left to right, skipping strings, IRIs and comments, and stopping at the keyword: the rest of the query
    (most of it) is not lexed at all."""
    for match in _OPAQUE_OR_FORM.finditer(text):
        if match.group("form"):
            return match.group("form").upper()
    return None


def with_base(query: str, base: str) -> str:
    """The query with its relative IRIs resolved against base (as `oxigraph serve` does for its endpoint): a query
    holding one gets a BASE in front, on its first line, so its own BASE (declared after) still wins; any other
    query is left as it was sent."""
    relative = any(m.group(0).startswith("<") and not _ABSOLUTE.match(m.group(0)) for m in _OPAQUE.finditer(query))
    return f"BASE <{base}> {query}" if relative else query


__all__ = ["Token", "tokens", "code_only", "forbidden_operation", "refusal", "refuse_forbidden", "query_form",
           "with_base"]
