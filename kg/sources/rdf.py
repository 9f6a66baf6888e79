"""RDF importer: Turtle, N-Triples, N-Quads, TriG, RDF/XML and JSON-LD files taken as they are.

Quads lose their graph: the file is one source document, so its triples go in that document's graph.
A file of any size is streamed by pyoxigraph straight into the build's store (`load_into`), never read into
Python objects; only JSON-LD, which needs its contexts made local first, is parsed here (rdflib).
Relative IRIs (`<#me>` in a FOAF profile) resolve against the source document's IRI.
JSON-LD is read offline: a schema.org `@context` (`https://schema.org`, `http://schema.org/`,
`https://schema.org/docs/jsonldcontext.jsonld`...) is replaced by the local copy in ontology/schemaorgcontext.jsonld,
read in the project's https://schema.org/ namespace (the published context maps terms to http://schema.org/ for
backward compatibility); any other remote `@context` or `@import` is refused.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import warnings
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import rdflib
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import SourceError
from kg.records import Origin, RdfData, Record, SourceDocument
from kg.settings import PROJECT_ROOT
from kg.sources.text import read_text
from kg.vocab import SCHEMA

NAME = "rdf"
AUTHORITY = 6  # foreign RDF taken as it is: used where nothing else speaks
FORMATS: dict[str, tuple[str, str]] = {  # suffix -> (rdflib format, media type)
    ".ttl": ("turtle", "text/turtle"),
    ".nt": ("nt", "application/n-triples"),
    ".nq": ("nquads", "application/n-quads"),
    ".trig": ("trig", "application/trig"),
    ".rdf": ("xml", "application/rdf+xml"),
    ".jsonld": ("json-ld", "application/ld+json"),
}
STREAMED = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".trig": "TRIG", ".rdf": "RDF_XML"}
_QUAD_FORMATS = {"N_QUADS", "TRIG"}
SCHEMA_CONTEXT = PROJECT_ROOT / "ontology" / "schemaorgcontext.jsonld"
SCHEMA_NS = str(SCHEMA)
_SCHEMA_CONTEXT_URL = re.compile(r"^https?://schema\.org(?:/(?:docs/jsonldcontext\.jsonld?)?)?$")
_LINE_BASED = {"nt", "nquads"}


def matches(path: Path) -> bool:
    """Files with an RDF suffix: .ttl .nt .nq .trig .rdf .jsonld."""
    return path.suffix.lower() in FORMATS


def read(path: Path, rel: str) -> list[Record]:
    """The document, and its triples (JSON-LD) or the file to stream into the store (every other format)."""
    suffix = path.suffix.lower()
    if suffix in STREAMED:
        return [SourceDocument(path=rel, importer=NAME, media_type=FORMATS[suffix][1]),
                RdfData(triples=[], origin=Origin(rel, 1), file=str(path.resolve()), format=STREAMED[suffix])]
    return parse(read_text(path, rel), rel, suffix)


def quads_of(data: RdfData, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """A streamed file's triples read again as `load_into` put them in the store (in `graph`, relative IRIs
    against it, blank nodes made unique), for writing them out without decoding them back from an on-disk store."""
    parsed = ox.parse(path=data.file, format=getattr(ox.RdfFormat, data.format), base_iri=graph.value,
                      rename_blank_nodes=True)
    return (ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed)


def load_into(store: ox.Store, data: RdfData, graph: ox.NamedNode, base_iri: str, bulk: bool = False) -> None:
    """Put a record's triples into one graph of a pyoxigraph store: a file streamed by pyoxigraph (quads lose
    their graph), or the triples parsed here; SourceError with the parser's line on bad syntax."""
    rel = data.origin.path
    if data.file is None:
        from rdflib.term import BNode

        def term(node: object) -> object:
            if isinstance(node, BNode):
                return ox.BlankNode(hashlib.sha1(f"{rel}\0{node}".encode()).hexdigest())
            if isinstance(node, rdflib.URIRef):
                return ox.NamedNode(str(node))
            lang, datatype = node.language, node.datatype
            if lang:
                return ox.Literal(str(node), language=lang)
            return ox.Literal(str(node), datatype=ox.NamedNode(str(datatype)) if datatype else None)

        store.extend(ox.Quad(term(s), term(p), term(o), graph) for s, p, o in data.triples)
        return
    fmt = getattr(ox.RdfFormat, data.format)
    try:
        if data.format in _QUAD_FORMATS:
            parsed = ox.parse(path=data.file, format=fmt, base_iri=base_iri, rename_blank_nodes=True)
            flat = (ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed)
            (store.bulk_extend if bulk else store.extend)(flat)
        else:
            (store.bulk_load if bulk else store.load)(path=data.file, format=fmt, base_iri=base_iri,
                                                       to_graph=graph)
    except SyntaxError as exc:
        raise SourceError(rel, exc.lineno, f"bad {data.format.lower().replace('_', '-')} syntax: "
                                           f"{_oxigraph_message(exc)}") from None
    except (OSError, ValueError) as exc:
        raise SourceError(rel, None, f"cannot read {data.format.lower().replace('_', '-')}: {exc}") from None


def _oxigraph_message(exc: SyntaxError) -> str:
    """The parser's complaint without its "Parser error at line N ...:" prefix (the line is reported apart)."""
    text = str(exc.msg if exc.msg else exc)
    return re.sub(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ", "", text)


def parse(text: str, rel: str, suffix: str) -> list[Record]:
    """Records from RDF text in the format its suffix names; SourceError with the parser's line on bad syntax."""
    fmt, media_type = FORMATS[suffix]
    data = _offline_jsonld(text, rel) if fmt == "json-ld" else text
    triples = _triples(data, fmt, rel)
    return [SourceDocument(path=rel, importer=NAME, media_type=media_type), RdfData(triples=triples,
                                                                                     origin=Origin(rel, 1))]


def _triples(data: str, fmt: str, rel: str) -> list[tuple]:
    """Every (s, p, o) of the data, once, in a stable order."""
    dataset = rdflib.Dataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's own parsers use its deprecated API
            dataset.parse(data=data, format=fmt)
    except BadSyntax as exc:
        raise SourceError(rel, exc.lines + 1, f"bad {fmt} syntax: {getattr(exc, '_why', exc)}") from exc
    except ParserError as exc:
        line = _first_bad_line(data, fmt) if fmt in _LINE_BASED else None
        raise SourceError(rel, line, f"bad {fmt} syntax: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(rel, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    except Exception as exc:  # rdflib's parsers raise many kinds (ValueError, KeyError, TypeError...)
        raise SourceError(rel, None, f"cannot parse {fmt}: {exc}") from exc
    unique = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    try:
        return sorted(unique, key=lambda triple: tuple(term.n3() for term in triple))
    except Exception as exc:  # rdflib lets an invalid IRI through the parser, then refuses to write it
        raise SourceError(rel, None, f"bad {fmt}: {exc}") from exc


def _first_bad_line(data: str, fmt: str) -> int | None:
    """The first line an N-Triples/N-Quads parser refuses on its own."""
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                rdflib.Dataset().parse(data=line + "\n", format=fmt)
        except Exception:
            return number
    return None


def _offline_jsonld(text: str, rel: str) -> str:
    """The JSON-LD text with schema.org contexts made local; a remote context or @import is a SourceError."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(rel, exc.lineno, f"invalid JSON: {exc.msg}") from exc
    return json.dumps(_localise(doc, text, rel))


def _localise(node: object, text: str, rel: str) -> object:
    """A copy of the JSON node with every @context localised."""
    if isinstance(node, list):
        return [_localise(item, text, rel) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _context(value, text, rel)
        elif key == "@import":
            raise SourceError(rel, _line_of(text, value), f"remote @import is not fetched: {value!r}")
        else:
            out[key] = _localise(value, text, rel)
    return out


def _context(value: object, text: str, rel: str) -> object:
    """A context value with schema.org URLs replaced by the local context; other URLs refused."""
    if isinstance(value, list):
        return [_context(item, text, rel) for item in value]
    if isinstance(value, str):
        if _SCHEMA_CONTEXT_URL.match(value.strip()):
            return schema_context()
        raise SourceError(rel, _line_of(text, value), f"remote @context is not fetched: {value!r}")
    if isinstance(value, dict):
        return _localise(value, text, rel)
    return value


@functools.lru_cache(maxsize=1)
def _schema_context_text() -> str:
    try:
        return SCHEMA_CONTEXT.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(str(SCHEMA_CONTEXT), None, f"local schema.org context missing: {exc}") from exc


def schema_context() -> dict:
    """The local schema.org JSON-LD context, its vocabulary in the https://schema.org/ namespace."""
    context = copy.deepcopy(json.loads(_schema_context_text())["@context"])
    context["@vocab"] = SCHEMA_NS
    context["schema"] = SCHEMA_NS
    return context


def _line_of(text: str, value: object) -> int | None:
    """The line where a JSON string value first appears."""
    at = text.find(json.dumps(value)) if isinstance(value, str) else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None
