"""SPARQL query text as the parser reads it: one lexer for the endpoint (web.sparql) and the remote store.

The lexer skips what SPARQL reads as one opaque token (long strings, strings, IRIs, comments) so that a keyword
is found only where the parser would see one. On it rest: the query form (SELECT, ASK, CONSTRUCT, DESCRIBE), the
refusal of operations that reach out (SERVICE, LOAD; also with \\u escapes decoded, as the parser decodes them),
variables bound as terms into the text and the query's own dataset (FROM) for the remote store, and the BASE
that resolves a query's relative IRIs.

Variables are bound as RDF terms the way pyoxigraph's `substitutions` does it (SPARQL-dev SEP-0007): each
occurrence of the variable in its scope is replaced by the term, written in SPARQL syntax by pyoxigraph, on a
tokenized query (strings, IRIs and comments are never touched); in a SELECT projection `?v` becomes
`(term AS ?v)`, in GROUP BY and ORDER BY `(term)`, and a sub-SELECT that does not project the variable keeps its
own. The named queries keep their parameters in triple patterns (bound as terms, never as text), so both stores
agree.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Mapping

import pyoxigraph as ox

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


# ---------------------------------------------------------------- binding terms into the query text

_MODIFIERS = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP"}


@dataclass(frozen=True)
class _Select:
    """One SELECT: where its projection and its whole scope are (token indexes) and which variables it projects."""

    projection: tuple[int, int]
    scope: tuple[int, int]
    projected: frozenset[str]
    star: bool
    top: bool


def _selects(toks: list[Token], text: str) -> list[_Select]:
    """Every SELECT of the query with its projection, scope and projected variables."""
    found: list[_Select] = []
    braces: list[int] = []  # token index of each open brace
    close_of: dict[int, int] = {}
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            braces.append(i)
        elif t.kind == "punct" and t.text == "}" and braces:
            close_of[braces.pop()] = i
    depth_open: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            depth_open.append(i)
        elif t.kind == "punct" and t.text == "}" and depth_open:
            depth_open.pop()
        elif t.kind == "word" and t.text.upper() == "SELECT":
            j, paren, projected = i + 1, 0, set()
            while j < len(toks):
                u = toks[j]
                if paren == 0 and ((u.kind == "punct" and u.text == "{") or
                                   (u.kind == "word" and u.text.upper() in ("WHERE", "FROM"))):
                    break
                if u.kind == "punct" and u.text == "(":
                    paren += 1
                elif u.kind == "punct" and u.text == ")":
                    paren -= 1
                elif u.kind == "var" and (paren == 0 or (j > 0 and toks[j - 1].text.upper() == "AS")):
                    projected.add(u.text[1:])
                j += 1
            end = toks[j].start if j < len(toks) else len(text)
            star = "*" in _outside_parentheses(text[t.end:end])
            top = not depth_open
            scope = (i, len(toks)) if top else (i, close_of.get(depth_open[-1], len(toks)))
            found.append(_Select((i + 1, j), scope, frozenset(projected), star, top))
    return found


def _outside_parentheses(text: str) -> str:
    while True:
        shorter = re.sub(r"\([^()]*\)", "", text)
        if shorter == text:
            return text
        text = shorter


@functools.lru_cache(maxsize=1024)
def _plan(text: str, names: frozenset[str]) -> tuple[tuple[int, int, str, str], ...]:
    """Where each bound variable is replaced: (start, end, variable name, how) with how one of term/project/group."""
    toks = tokens(text)
    selects = _selects(toks, text)
    top = next((s for s in selects if s.top), None)
    if top is not None and not top.star:
        missing = names - top.projected
        if missing:
            raise QueryError("the SPARQL query does not project the bound variable(s) "
                             + ", ".join("?" + n for n in sorted(missing)) + " in its SELECT clause")
    plan = []
    modifier: str | None = None
    paren = 0
    for i, t in enumerate(toks):
        if t.kind == "word":
            word = t.text.upper()
            if word in ("GROUP", "ORDER") and i + 1 < len(toks) and toks[i + 1].text.upper() == "BY":
                modifier, paren = word, 0
            elif word in _MODIFIERS or word in ("WHERE", "SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                modifier = None if word != "BY" else modifier
            continue
        if t.kind == "punct":
            if t.text == "(":
                paren += 1
            elif t.text == ")":
                paren -= 1
            elif t.text in "{}":
                modifier = None
            continue
        if t.kind != "var" or t.text[1:] not in names:
            continue
        name = t.text[1:]
        inner = [s for s in selects if s.scope[0] <= i < s.scope[1]]
        if any(not s.top and not s.star and name not in s.projected for s in inner):
            continue  # another variable of the same name, private to a sub-SELECT
        previous = toks[i - 1].text.upper() if i else ""
        if previous == "AS":
            raise QueryError(f"the bound variable ?{name} is assigned in the query (AS ?{name})")
        owner = next((s for s in inner if s.projection[0] <= i < s.projection[1]), None)
        if owner is not None:
            # a SELECT whose nested sub-SELECT already projects the variable gets it from there: keep it as is
            if not any(c is not owner and owner.scope[0] < c.scope[0] < owner.scope[1] and name in c.projected
                       for c in selects):
                plan.append((t.start, t.end, name, "project"))
        elif modifier in ("GROUP", "ORDER") and paren == 0:
            plan.append((t.start, t.end, name, "group"))
        elif _in_values_header(toks, i):
            raise QueryError(f"the bound variable ?{name} is declared by VALUES")
        else:
            plan.append((t.start, t.end, name, "term"))
    return tuple(plan)


def _in_values_header(toks: list[Token], i: int) -> bool:
    """True when token i is a variable declared by `VALUES ?v` or `VALUES (?a ?b)`."""
    j = i - 1
    while j >= 0 and (toks[j].kind == "var" or toks[j].text == "("):
        j -= 1
    return j >= 0 and toks[j].kind == "word" and toks[j].text.upper() == "VALUES"


def term_text(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """A term in SPARQL syntax (pyoxigraph writes N-Triples forms, which SPARQL reads as they are)."""
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be bound in a query sent to a SPARQL server")
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise QueryError(f"cannot bind {term!r} in a query sent to a SPARQL server")


def substitute(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None) -> str:
    """The query with each bound variable replaced by its term, as pyoxigraph's substitutions would bind it."""
    if not bindings:
        return sparql
    values = {name.lstrip("?$"): term_text(term) for name, term in bindings.items()}
    out, last = [], 0
    for start, end, name, how in _plan(sparql, frozenset(values)):
        out.append(sparql[last:start])
        term = values[name]
        out.append(f"({term} AS ?{name})" if how == "project" else f"({term})" if how == "group" else term)
        last = end
    out.append(sparql[last:])
    return "".join(out)


def declares_dataset(sparql: str) -> bool:
    """True when the query names its own dataset (FROM / FROM NAMED)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(sparql))


def split_dataset(sparql: str) -> tuple[str, list[str], list[str]]:
    """(the query without its FROM / FROM NAMED clauses, the FROM graphs, the FROM NAMED graphs), IRIs resolved
    against the query's prefixes and base."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        clauses = prepareQuery(sparql).algebra.get("datasetClause") or []
    except Exception as exc:  # noqa: BLE001 - rdflib raises pyparsing's and its own errors
        raise QueryError(f"cannot read the dataset (FROM) of the query: {str(exc)[:500]}", 400) from None
    defaults = [str(c["default"]) for c in clauses if "default" in c]
    named = [str(c["named"]) for c in clauses if "named" in c]
    toks = tokens(sparql)
    cut: list[tuple[int, int]] = []
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "FROM":
            j = i + 2 if i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED" else i + 1
            if j < len(toks):
                cut.append((t.start, toks[j].end))
    out, last = [], 0
    for start, end in cut:
        out += [sparql[last:start], " " * (end - start)]
        last = end
    return "".join(out) + sparql[last:], defaults, named


__all__ = ["Token", "tokens", "code_only", "forbidden_operation", "refusal", "refuse_forbidden", "query_form",
           "with_base", "term_text", "substitute", "declares_dataset", "split_dataset"]
