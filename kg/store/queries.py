"""Named queries: load the self-describing `queries/*.rq` files, describe them, bind parameters as terms, run them.

A query file is valid SPARQL 1.1: a header of `#+ ` YAML comment lines (title, description, params, optional
order and tags), then a SELECT query naming each parameter `?_name` (grlc style). Parameters are never pasted
into the text: `bind` parses each value by its type into a pyoxigraph term and `run` hands the terms to the
store, which substitutes them (SPARQL-dev SEP-0007).

Rules a query file follows (checked by `load_queries`, which runs each query once on an empty store):
- every `?_name` in the body is declared in the header and every declared parameter is used;
- every parameter is in the top-level SELECT projection (pyoxigraph substitutes only projected variables, and
  a variable inside a sub-SELECT that does not project it is another variable);
- a parameter sits in a triple pattern, so an embedded and a remote store agree (rdflib issue 1772); the
  exceptions, `profile-as-of` (a date) and `search` (a text), say so in their descriptions;
- a parameter with no default may be left unbound, and the query then matches every value;
- rows are DISTINCT (counts COUNT(DISTINCT ...)): Oxigraph's union default graph is a bag with one match per
  named graph, and the same statement often comes from several sources (resume and a homepage version).

Defaults are strings. Three tokens are special: `{base}` inside an IRI default is the base IRI; the IRI
default `owner` is the profile's kg:Owner, found by one query per build (`run` does this; `bind` binds it only
when given `owner=`, otherwise leaves the parameter unbound, which the queries read as "every person"); the
date default `today` is the current date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox
import yaml

from kg.errors import BadParameter, QueryError, SourceError
from kg.formats import RESULT_FORMATS, results_format
from kg.iris import KINDS
from kg.settings import PROJECT_ROOT
from kg.store.base import GraphStore, Term
from kg.store.embedded import UPDATES
from kg.store.textindex import search_solutions
from kg.vocab import KG, XSD

QUERIES_DIR = PROJECT_ROOT / "queries"
PARAM_TYPES = ("iri", "string", "date", "integer", "kind")
HEADER_KEYS = {"title", "description", "params", "order", "tags"}
PARAM_KEYS = {"name", "type", "default", "description", "required"}
OWNER_DEFAULT = "owner"
TODAY_DEFAULT = "today"
CACHE_SIZE = 512

KG_OWNER = str(KG.Owner)

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_BODY_PARAM = re.compile(r"[?$]_([A-Za-z0-9_]+)")
# An absolute IRI (RFC 3987): a scheme, a colon, then no spaces, controls or characters IRIs exclude.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_SHORTHAND = re.compile(r"^([a-z]+)/([A-Za-z0-9._~\-]+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,30}$")


class _HeaderLoader(yaml.SafeLoader):
    """YAML for headers: like safe_load, but dates stay text (defaults are parsed by their declared type)."""


_HeaderLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class QueryFileError(SourceError):
    """A query file is malformed: names the file, the line where known, and the problem."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query; bound as `?_{name}`."""

    name: str
    type: str
    default: str | None
    description: str
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    """One query file: its name (the file stem, kebab-case), header and full SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    sparql: str
    path: Path
    order: int | None = None
    tags: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param | None:
        """The declared parameter called name, or None."""
        return next((p for p in self.params if p.name == name), None)


# ---------------------------------------------------------------- loading

_load_lock = threading.Lock()
_loaded: dict[Path, tuple[tuple, dict[str, NamedQuery]]] = {}


_RECHECK_SECONDS = 1.0  # the bundled folder is looked at (a glob and two stats per file) at most once a second
_checked_at: list[float] = [float("-inf")]  # when QUERIES_DIR was last looked at


def load_queries(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in folder by name, parsed and checked; cached per folder until a file changes."""
    if folder is QUERIES_DIR and time.monotonic() - _checked_at[0] < _RECHECK_SECONDS:
        cached = _loaded.get(_bundled_key())
        if cached:
            return cached[1]
    result = _load_queries(folder)
    if folder is QUERIES_DIR:
        _checked_at[0] = time.monotonic()
    return result


@functools.lru_cache(maxsize=1)
def _bundled_key() -> Path:
    return QUERIES_DIR.resolve()


def _load_queries(folder: Path) -> dict[str, NamedQuery]:
    folder = Path(folder).resolve()
    files = sorted(folder.glob("*.rq"))
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    with _load_lock:
        cached = _loaded.get(folder)
        if cached and cached[0] == stamp:
            return cached[1]
        queries = {q.name: q for q in map(load_query, files)}
        ordered = dict(sorted(queries.items(), key=lambda kv: (kv[1].order is None, kv[1].order or 0, kv[0])))
        _loaded[folder] = (stamp, ordered)
        return ordered


def load_query(path: Path) -> NamedQuery:
    """Parse one query file: its `#+` YAML header, its body; check parameters and that the query compiles."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header_lines: list[str] = []
    body_start = 0
    for i, line in enumerate(text.splitlines()):
        if line.startswith("#+ ") or line.rstrip() == "#+":
            header_lines.append(line[3:])
            body_start = i + 1
        else:
            break
    if not header_lines:
        raise QueryFileError(str(path), 1, "no `#+ ` header (title, description, params)")
    try:
        header = yaml.load("\n".join(header_lines), Loader=_HeaderLoader)  # noqa: S506 (a SafeLoader)
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise QueryFileError(str(path), mark.line + 1 if mark else 1, f"header is not YAML: {exc}") from None
    if not isinstance(header, dict):
        raise QueryFileError(str(path), 1, "header must be a YAML mapping")
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise QueryFileError(str(path), 1, f"unknown header key(s): {', '.join(sorted(unknown))}")
    for key in ("title", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise QueryFileError(str(path), 1, f"header needs a `{key}` text")
    params = tuple(_parse_param(path, raw) for raw in header.get("params") or [])
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryFileError(str(path), 1, "a parameter is declared twice")

    body_lines = [ln for ln in text.splitlines()[body_start:] if not ln.lstrip().startswith("#")]
    used = set(_BODY_PARAM.findall("\n".join(body_lines)))
    if undeclared := used - set(names):
        raise QueryFileError(str(path), None, "used in the body but not declared in the header: "
                             + ", ".join(f"?_{n}" for n in sorted(undeclared)))
    if unused := set(names) - used:
        raise QueryFileError(str(path), None, "declared in the header but not used as ?_name in the body: "
                             + ", ".join(sorted(unused)))
    order = header.get("order")
    if order is not None and not isinstance(order, int):
        raise QueryFileError(str(path), 1, "`order` must be an integer")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryFileError(str(path), 1, "`tags` must be a list of words")
    query = NamedQuery(path.stem, header["title"].strip(), header["description"].strip(), params, text, path,
                       order, tuple(tags))
    _check_compiles(query)
    return query


def _parse_param(path: Path, raw: Any) -> Param:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise QueryFileError(str(path), 1, f"each parameter needs a `name`: {raw!r}")
    name = raw["name"]
    if unknown := set(raw) - PARAM_KEYS:
        raise QueryFileError(str(path), 1, f"parameter {name}: unknown key(s) {', '.join(sorted(unknown))}")
    if not _NAME.match(name):
        raise QueryFileError(str(path), 1, f"parameter {name!r}: not a valid name")
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        raise QueryFileError(str(path), 1, f"parameter {name}: unknown type {kind!r} "
                             f"(one of {', '.join(PARAM_TYPES)})")
    # YAML reads 3 as an int (dates stay text with _HeaderLoader): defaults are kept as text.
    default = raw.get("default")
    default = None if default is None else str(default)
    param = Param(name, kind, default, str(raw.get("description") or ""), bool(raw.get("required", False)))
    if default is not None and not _is_token(param, default):
        try:
            _parse_value(param, default.replace("{base}", "http://example.org/"), "http://example.org/")
        except BadParameter as exc:
            raise QueryFileError(str(path), 1, f"parameter {name}: bad default: {exc.problem}") from None
    return param


def _is_token(param: Param, default: str) -> bool:
    return (param.type == "iri" and default == OWNER_DEFAULT) or (param.type == "date" and default == TODAY_DEFAULT)


_PLACEHOLDERS: dict[str, Term] = {
    "iri": ox.NamedNode("urn:x-kg:placeholder"),
    "kind": ox.NamedNode("urn:x-kg:placeholder"),
    "string": ox.Literal("placeholder"),
    "date": ox.Literal("2000-01-01", datatype=ox.NamedNode(XSD + "date")),
    "integer": ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
}


def _check_compiles(query: NamedQuery) -> None:
    """Run the query on an empty store with every parameter bound: catches syntax and projection mistakes."""
    subs = {ox.Variable("_" + p.name): _PLACEHOLDERS[p.type] for p in query.params}
    try:
        result = ox.Store().query(query.sparql, substitutions=subs)
    except SyntaxError as exc:
        raise QueryFileError(str(query.path), None, f"not valid SPARQL: {exc}") from None
    except Exception as exc:  # pyoxigraph reports a parameter missing from the projection this way
        raise QueryFileError(str(query.path), None, f"cannot bind parameters: {exc}") from None
    if not isinstance(result, ox.QuerySolutions):
        raise QueryFileError(str(query.path), None, "a named query must be a SELECT query")


def describe(query: NamedQuery) -> dict[str, Any]:
    """A JSON-ready description of a named query (for the /queries listing)."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "params": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                    "description": p.description} for p in query.params],
    }


# ---------------------------------------------------------------- binding


def bind(query: NamedQuery, values: Mapping[str, str], base: str, *,
         owner: Term | None = None) -> dict[str, Term]:
    """Parse each given value by its parameter's type into a term; missing ones take their default.

    Returns {"_name": term}, ready for `GraphStore.query(..., bindings)`. An empty value counts as missing (as
    an empty form field does). Raises BadParameter naming the parameter for an unknown name, a malformed
    value or a missing required one.
    """
    for name in values:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise BadParameter(name, f"unknown parameter for query {query.name!r} (it takes: {known})")
    bindings: dict[str, Term] = {}
    for param in query.params:
        raw = values.get(param.name)
        if raw is not None and not isinstance(raw, str):
            raise BadParameter(param.name, "must be given as text")
        if raw is not None and raw.strip() != "":
            bindings["_" + param.name] = _parse_value(param, raw.strip(), base)
        elif param.default is not None:
            term = _default_term(param, base, owner)
            if term is not None:
                bindings["_" + param.name] = term
        elif param.required:
            raise BadParameter(param.name, "is required")
    return bindings


def _default_term(param: Param, base: str, owner: Term | None) -> Term | None:
    assert param.default is not None
    if param.type == "iri" and param.default == OWNER_DEFAULT:
        return owner
    if param.type == "date" and param.default == TODAY_DEFAULT:
        return ox.Literal(dt.date.today().isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return _parse_value(param, param.default.replace("{base}", base), base)


def _parse_value(param: Param, raw: str, base: str) -> Term:
    """One parameter value as a term, or BadParameter saying what is wrong with it."""
    if param.type == "iri":
        return parse_iri(param.name, raw, base)
    if param.type == "string":
        return ox.Literal(raw)
    if param.type == "date":
        try:
            if not _DATE.match(raw):
                raise ValueError
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise BadParameter(param.name, f"{raw!r} is not a date (YYYY-MM-DD)") from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if param.type == "integer":
        if not _INTEGER.match(raw):
            raise BadParameter(param.name, f"{raw!r} is not an integer")
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "kind":
        if raw not in KINDS:
            raise BadParameter(param.name, f"{raw!r} is not a kind (one of {', '.join(KINDS)})")
        return ox.NamedNode(str(KINDS[raw].rdf_type))
    raise BadParameter(param.name, f"unknown type {param.type!r}")  # load_query rules this out


def parse_iri(name: str, raw: str, base: str) -> ox.NamedNode:
    """An absolute IRI, or a `{kind}/{slug}` shorthand expanded to `{base}id/{kind}/{slug}`; else BadParameter."""
    short = _SHORTHAND.match(raw)
    if short and short.group(1) in KINDS:
        raw = f"{base}id/{short.group(1)}/{short.group(2)}"
    elif not _IRI.match(raw):
        raise BadParameter(name, f"{raw!r} is not an absolute IRI (nor kind/slug)")
    try:
        return ox.NamedNode(raw)
    except ValueError as exc:
        raise BadParameter(name, f"{raw!r} is not a valid IRI: {exc}") from None


# ---------------------------------------------------------------- running

_cache_lock = threading.Lock()
_cache: OrderedDict[tuple, Any] = OrderedDict()


def _data_version(store: GraphStore) -> tuple:
    """What identifies the data a store answers from: its build, and the updates graph when it has one."""
    updates = getattr(store, "store_dir", None)
    mtime = None
    if updates is not None:
        try:
            mtime = (Path(updates) / UPDATES).stat().st_mtime_ns
        except OSError:
            pass
    return (id(store), store.meta.build_id, mtime)


def _cached(key: tuple, compute):
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _cache_lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every cached result (tests; the key already changes with each build)."""
    with _cache_lock:
        _cache.clear()


def owner_of(store: GraphStore) -> Term | None:
    """The profile's owner (the kg:Owner), looked up once per build."""
    def find() -> Term | None:
        rows = store.query(f"SELECT ?owner WHERE {{ ?owner a <{KG_OWNER}> }} ORDER BY ?owner LIMIT 1")
        return next((row["owner"] for row in rows), None)
    store.refresh()
    return _cached((_data_version(store), "owner"), find)


def _bindings(store: GraphStore, query: NamedQuery, values: Mapping[str, str], base: str) -> dict[str, Term]:
    needs_owner = any(p.type == "iri" and p.default == OWNER_DEFAULT and not str(values.get(p.name) or "").strip()
                      for p in query.params)
    return bind(query, values, base, owner=owner_of(store) if needs_owner else None)


def _key(store: GraphStore, query: NamedQuery, bindings: Mapping[str, Term], media_type: str | None) -> tuple:
    frozen = tuple(sorted((k, str(v)) for k, v in bindings.items()))
    return (_data_version(store), query.name, query.sparql, frozen, media_type)


def _execute(store: GraphStore, query: NamedQuery, bindings: Mapping[str, Term]) -> ox.QuerySolutions:
    if query.name == "search":  # the build's full-text index gives the same rows without a scan
        found = search_solutions(store, bindings)
        if found is not None:
            return found
    result = store.query(query.sparql, bindings)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"named query {query.name!r} is not a SELECT query")
    return result


def run(store: GraphStore, query: NamedQuery, values: Mapping[str, str], base: str) -> list[dict[str, Term]]:
    """Run a named query; one dict per row, variable name -> term, unbound variables left out."""
    bindings = _bindings(store, query, values, base)
    store.refresh()

    def compute() -> tuple[tuple[tuple[str, Term], ...], ...]:
        solutions = _execute(store, query, bindings)
        names = [v.value for v in solutions.variables]
        return tuple(tuple((n, row[n]) for n in names if row[n] is not None) for row in solutions)

    rows = _cached(_key(store, query, bindings, None), compute)
    return [dict(row) for row in rows]


def run_to(store: GraphStore, query: NamedQuery, values: Mapping[str, str], base: str, media_type: str) -> bytes:
    """Run a named query and write its results with pyoxigraph's writer for media_type (JSON, XML, CSV, TSV)."""
    found = results_format(media_type)
    if found is None:
        known = ", ".join(t for f in RESULT_FORMATS for t in f.media_types)
        raise QueryError(f"cannot write query results as {media_type!r} (one of {known})", 406)
    fmt = found.ox_results
    bindings = _bindings(store, query, values, base)
    store.refresh()

    def compute() -> bytes:
        data = _execute(store, query, bindings).serialize(format=fmt)
        assert data is not None
        return bytes(data)

    return _cached(_key(store, query, bindings, fmt.media_type), compute)


def search(store: GraphStore, q: str, limit: int = 20) -> list[dict[str, Term]]:
    """Papers whose title or abstract contains q (newest first), at most limit: the `search` named query's rows."""
    return run(store, load_queries()["search"], {"q": q}, store.meta.base)[:limit]
