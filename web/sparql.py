"""`/sparql`: the SPARQL 1.1 Protocol over the store, a mountable unit.

- Query operation: GET `?query=`, POST form `query=`, POST `application/sparql-query`; `default-graph-uri` and
  `named-graph-uri` go to the store; the default graph is otherwise the union of every named graph.
- Results by content negotiation (or a `format`/`output` parameter naming one), written by pyoxigraph:
  SELECT/ASK as SPARQL JSON (the default for `*/*`), XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle (default),
  JSON-LD, N-Triples, RDF/XML; `text/html` as a results table for people. 406 when none is acceptable.
- Public SPARQL is untrusted input: SERVICE and LOAD are refused (403) before anything runs; queries run in a
  bounded pool of child processes (`max_concurrent_queries`, else 503) under `query_timeout` (503, the
  child killed: kg/store/limits.py), and a
  SELECT may return at most `result_limit` rows (a table shows the first ones; data formats refuse with 400).
  A SELECT is evaluated once, in the child, and comes back as the bytes of its answer.
- A plain `GET /sparql?query=` answered in a data format does not enter Flask: web/sparql_fast.py answers it with
  the parts below (refusal, negotiation, answer cache, pool) and hands its errors back to `endpoint` (FAILED).
- An identical query (same text, dataset, Accept and format parameter) is answered again from the bytes it gave,
  without the pool, until the data changes (a build or an update): setting `sparql_cache_bytes` per worker, 0 off.
- Update operation: POST `application/sparql-update` or form `update=`, only with
  `Authorization: Bearer <update_secret>` when that setting is on; otherwise 403.
- No query: the SPARQL 1.1 Service Description (RDF, the default for `*/*`), or the query editor page when the
  client prefers HTML (a browser).
"""

from __future__ import annotations

import hmac
import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, current_app, make_response, render_template, request

from kg.errors import BadParameter, QueryError
from kg.formats import PREFIXES, RDF_FORMATS, RESULT_FORMATS, W3C_FORMATS, serialize_triples
from kg.sparqltext import forbidden_operation, query_form, refusal, refuse_forbidden, with_base
from kg.store.base import GraphStore
from kg.store.queries import load_queries
from kg.vocab import DCTERMS, RDF, SCHEMA, SD, VOID, XSD
from web.cache import app_base, app_settings, app_store, cached, stamp
from web.errors import not_acceptable
from web.negotiation import HTML, RDF_OFFERS, RESULT_OFFERS, Offer, choose, finish
from web.render import RenderCache, Rendered

if TYPE_CHECKING:
    from kg.store.limits import QueryPool

bp = Blueprint("sparql", __name__)

# SELECT/ASK: JSON first (the default for */*); graphs: Turtle first. HTML last: only when asked for by name.
SOLUTION_OFFERS: tuple[Offer, ...] = (*RESULT_OFFERS, HTML)
GRAPH_OFFERS: tuple[Offer, ...] = (*RDF_OFFERS, HTML)
# No query: the service description (RDF) unless the client prefers HTML, the editor page.
DESCRIPTION_OFFERS: tuple[Offer, ...] = (*RDF_OFFERS, HTML)
OFFERS_BY_KEY = {o.key: o for o in (*SOLUTION_OFFERS, *GRAPH_OFFERS)}  # the keys are distinct (html is one offer)
# Names a `format` (or `output`) parameter may use, as SPARQL clients send them (SPARQLWrapper: json, xml,
# turtle, n3, rdf+xml, json-ld, csv, tsv; media types too). "xml" and "json" mean the form's own format.
FORMAT_NAMES = {"turtle": "ttl", "n3": "ttl", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt",
                "rdf+xml": "rdfxml", "rdf": "rdfxml", "srj": "json", "srx": "xml", "table": "html"}
GRAPH_ALIASES = {"xml": "rdfxml", "json": "jsonld"}
FAILED = "kg.sparql.failed"  # environ key: an error web.sparql_fast met running the query, for endpoint to raise
DEFAULT_QUERY = f"PREFIX schema: <{SCHEMA}>\n" + """

SELECT ?paper ?title ?date
WHERE {
  ?paper a schema:ScholarlyArticle ;
         schema:name ?title .
  OPTIONAL { ?paper schema:datePublished ?date }
}
ORDER BY DESC(STR(?date))
LIMIT 20
"""


# ---------------------------------------------------------------- the protocol request


@dataclass
class ProtocolRequest:
    """One SPARQL Protocol operation as the client sent it."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadParameter(name, "given more than once")
    return values[0] if values else None


def _graph_iris(name: str) -> list[str]:
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadParameter(name, f"{value!r} is not an IRI") from None
    return values


def read_request() -> ProtocolRequest:
    """The operation a request carries (SPARQL 1.1 Protocol §2.1, §2.2), or BadParameter/QueryError."""
    op = ProtocolRequest()
    if request.method == "GET":
        op.query = _single(request.args.getlist("query"), "query")
        if request.args.getlist("update"):
            raise QueryError("an update must be sent with POST", 400)
    else:
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded" or mimetype == "multipart/form-data":
            op.query = _single(request.form.getlist("query"), "query")
            op.update = _single(request.form.getlist("update"), "update")
        elif mimetype == "application/sparql-query":
            op.query = request.get_data(as_text=True)
        elif mimetype == "application/sparql-update":
            op.update = request.get_data(as_text=True)
        else:
            raise QueryError(f"unsupported content type {mimetype or '(none)'!r}: send application/sparql-query, "
                             "application/sparql-update or a form", 415)
        if op.query is not None and op.update is not None:
            raise BadParameter("update", "a request carries a query or an update, not both")
    op.default_graphs = _graph_iris("default-graph-uri")
    op.named_graphs = _graph_iris("named-graph-uri")
    limit = app_settings().max_query_bytes
    for text in (op.query, op.update):
        if text is not None and len(text.encode()) > limit:
            raise QueryError(f"the query is longer than {limit} bytes (setting max_query_bytes)", 413)
    return op


# ---------------------------------------------------------------- running, bounded


def runner(app: Flask | None = None) -> QueryPool:
    app = app or current_app
    found = app.extensions.get("kg_sparql_runner")
    if found is None:
        settings = app.config["KG_SETTINGS"]
        from kg.store.limits import Limits, QueryPool  # a query past its time limit is killed, not abandoned

        found = app.extensions.setdefault("kg_sparql_runner", QueryPool(Limits.from_settings(settings)))
    return found


@dataclass
class Table:
    """Rows for the HTML table: column names, cells, and whether the rows were cut at the limit."""

    columns: list[str]
    rows: list[list[dict]]
    truncated: bool = False
    boolean: bool | None = None


def execute(store: GraphStore, op: ProtocolRequest, offer: Offer, limit: int) -> bytes | Table:
    """Run a query once and write its answer in the chosen format (in a query process: the time limit covers both)."""
    result = store.query(op.query, default_graphs=op.default_graphs or None, named_graphs=op.named_graphs or None)
    if isinstance(result, ox.QueryBoolean):
        if offer.key == "html":
            return Table([], [], boolean=bool(result))
        return bytes(result.serialize(format=offer.format.ox_results))
    if isinstance(result, ox.QuerySolutions):
        if offer.key == "html":
            names = [v.value for v in result.variables]
            rows = list(islice(result, limit + 1))
            base = store.meta.base
            return Table(names, [[cell(row[n], base) for n in names] for row in rows[:limit]], len(rows) > limit)
        return solutions_bytes(result, offer.format.ox_results, limit)
    triples = list(islice(result, limit + 1))
    if offer.key == "html":
        base = store.meta.base
        return Table(["subject", "predicate", "object"],
                     [[cell(t.subject, base), cell(t.predicate, base), cell(t.object, base)] for t in triples[:limit]],
                     len(triples) > limit)
    if len(triples) > limit:
        raise QueryError(f"the query returns more than {limit} triples (setting result_limit): "
                         "add a LIMIT, or fetch the whole graph from /export.nt")
    return serialize_triples(triples, offer.format, PREFIXES)


def _answer(store: GraphStore, query: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...],
           key: str, limit: int) -> bytes | Table:
    """execute() for a pool child, from plain values: a few short strings to pickle instead of the request and
    its offer (a quarter of the pickling per query)."""
    offer = OFFERS_BY_KEY[key]
    op = ProtocolRequest(query=query, default_graphs=list(default_graphs), named_graphs=list(named_graphs))
    return execute(store, op, offer, limit)


class _TooManyRows(Exception):
    """More solutions came than the row limit allows: the writer is stopped there."""


class _RowCounter(io.RawIOBase):
    """A sink for SPARQL TSV that keeps the bytes and stops the writer once more than `limit` solutions came:
    TSV writes one solution a line (a line break inside a literal is escaped), after one line of names."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.lines, self.chunks = limit, 0, []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit + 1:
            raise _TooManyRows()
        self.chunks.append(chunk)
        return len(chunk)


def solutions_bytes(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, limit: int) -> bytes:
    """The solutions in fmt from their one evaluation, refused past `limit` rows.

    They are written as TSV first, where they are counted as they come and the writer is stopped at the limit,
    then converted when another format was asked for (pyoxigraph reads its TSV back exactly: terms, blank node
    labels, unbound cells). Before, a SELECT ran twice: once to count its rows, once to write them.
    """
    sink = _RowCounter(limit)
    try:
        solutions.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _TooManyRows:
        raise QueryError(f"the query returns more than {limit} rows (setting result_limit): "
                         "add a LIMIT, or fetch the whole graph from /export.nt") from None
    tsv = b"".join(sink.chunks)
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    return bytes(ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt))


def check_syntax(query: str) -> None:
    """Raise QueryError with the parser's message when the query is malformed (parsed against no data)."""
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        raise QueryError(str(exc)) from None


def cell(term, base: str) -> dict:
    """A table cell: the text, a link for our resources and http(s) IRIs, a title with the full term."""
    if term is None:
        return {"text": "", "link": None, "title": ""}
    if isinstance(term, ox.NamedNode):
        iri = term.value
        link = "/" + iri[len(base):] if iri.startswith(base + "id/") else (
            iri if iri.startswith(("http://", "https://")) else None)
        return {"text": compact(iri, base), "link": link, "title": iri}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        return {"text": term.value, "link": None, "title": compact(datatype, base) if datatype else ""}
    return {"text": str(term), "link": None, "title": ""}


def compact(iri: str, base: str) -> str:
    """schema:Person for https://schema.org/Person; our own IRIs by path; others as they are."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


# ---------------------------------------------------------------- the route


def _format_param() -> list[str]:
    source = request.form if request.method == "POST" and request.form else request.args
    return [v for name in ("format", "output") for v in source.getlist(name) if v]


def choose_results(form: str | None) -> tuple[Offer | None, tuple[Offer, ...]]:
    """The offer for a query form: a recognised `format`/`output` parameter first, then Accept."""
    offers = GRAPH_OFFERS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_OFFERS
    for value in _format_param():
        name = value.strip().lower()
        name = FORMAT_NAMES.get(name, name)
        if offers is GRAPH_OFFERS:
            name = GRAPH_ALIASES.get(name, name)
        for offer in offers:
            if name in (offer.key, offer.suffix, *offer.media_types):
                return offer, offers
    return choose(offers), offers


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """The SPARQL 1.1 Protocol endpoint (query and update operations), description and editor."""
    failed = request.environ.pop(FAILED, None)
    if failed is not None:  # web.sparql_fast ran this request's query and it failed: say so as any route would
        raise failed
    op = read_request()
    if op.update is not None:
        return run_update(op)
    if op.query is None:
        return describe_service()
    cache = answer_cache()
    if cache is None:
        return run_query(op)
    key = answer_key(op.query, op.default_graphs, op.named_graphs, request.headers.get("Accept", ""),
                     _format_param())
    version = app_store().version()
    kept = kept_answer(cache, version, key)
    if kept is None:  # no single flight: a waiting twin would hold a thread outside the pool's bounded queue
        response = run_query(op)
        if response.status_code == 200 and response.mimetype != "text/html":
            keep_answer(cache, version, key, response.headers["Content-Type"], response.get_data())
        return response
    response = make_response(kept[1])
    response.headers["Content-Type"] = kept[0]
    return _uncached(response)


def run_query(op: ProtocolRequest):
    """Refuse what may not run, negotiate, run the query in the pool under its limits, write the response."""
    forbidden, form, text = read_query(op.query, app_base() + "sparql")
    if forbidden:
        raise refusal(forbidden)
    offer, offers = choose_results(form)
    based = replace(op, query=text)
    if offer is None:
        runner().run(check_syntax, based.query)  # a malformed query is a 400 whatever the client accepts
        return not_acceptable(offers)
    settings = app_settings()
    answer = runner().run(_answer, app_store(), based.query, tuple(op.default_graphs), tuple(op.named_graphs),
                          offer.key, settings.result_limit)
    if isinstance(answer, Table):
        response = make_response(render_template("sparql.html", **editor_context(op.query, answer)))
    else:
        response = make_response(answer)
    response.headers["Content-Type"] = offer.content_type
    return _uncached(response)


MEMO_QUERY_CHARS = 8192  # longer texts are read again each time: the memo stays under 256 × 16 KiB


def read_query(query: str, endpoint: str) -> tuple[str | None, str | None, str]:
    """(the forbidden operation it uses, its form, its text with the endpoint as BASE when needed): the lexer's
    passes over a query, done once per distinct short text (1.2 ms for the 1 KB `paper-authors` query, 4× what
    the query costs the engine) rather than on every request, whether or not the answer cache is on."""
    if len(query) > MEMO_QUERY_CHARS:
        return _read_query.__wrapped__(query, endpoint)
    return _read_query(query, endpoint)


@lru_cache(maxsize=256)
def _read_query(query: str, endpoint: str) -> tuple[str | None, str | None, str]:
    return forbidden_operation(query), query_form(query), with_base(query, endpoint)


def _uncached(response):
    response.vary.add("Accept")
    response.cache_control.no_cache = True
    return response


def answer_key(query: str, default_graphs, named_graphs, accept: str, formats) -> tuple:
    """What an answer depends on, as sent: the same text, dataset and negotiation give the same bytes per
    version (the Flask route and web.sparql_fast key alike, so they share answers)."""
    return query, tuple(default_graphs), tuple(named_graphs), accept, tuple(formats)


def kept_answer(cache: RenderCache, version: str, key: tuple) -> tuple[str, bytes] | None:
    """(Content-Type, body) of a kept answer, or None."""
    kept = cache.get(version, key)
    return None if kept is None else (kept.headers[0][1], kept.body)


def keep_answer(cache: RenderCache, version: str, key: tuple, content_type: str, body: bytes) -> None:
    cache.put(version, key, Rendered("200 OK", (("Content-Type", content_type),), body, None, None))


def answer_cache(app: Flask | None = None) -> RenderCache | None:
    """This worker's kept /sparql answers of the current data version (setting sparql_cache_bytes; None when 0).

    An identical query (same text, dataset, Accept and format parameter) is answered from the bytes the first one
    gave, without the query pool; a new build or a SPARQL update changes the version and drops them all. Tables
    for people (HTML) are not kept: they follow the interface language.
    """
    app = app or current_app
    if "kg_sparql_cache" not in app.extensions:
        size = app.config["KG_SETTINGS"].sparql_cache_bytes
        app.extensions.setdefault("kg_sparql_cache", RenderCache(size) if size > 0 else None)
    return app.extensions["kg_sparql_cache"]


def run_update(op: ProtocolRequest):
    """Apply an update when updates are on and the request carries the secret; 403 otherwise."""
    secret = app_settings().update_secret
    if not secret:
        raise QueryError("SPARQL Update is switched off on this endpoint", 403)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), secret.encode()):
        raise QueryError("SPARQL Update needs the update secret (Authorization: Bearer ...)", 403)
    refuse_forbidden(op.update or "")
    if op.default_graphs or op.named_graphs or request.values.getlist("using-graph-uri") \
            or request.values.getlist("using-named-graph-uri"):
        raise BadParameter("using-graph-uri", "updates always apply to the updates graph; give no dataset")
    app_store().update(op.update or "")
    return "", 204


# ---------------------------------------------------------------- no query: description or editor


def describe_service():
    """The service description (RDF) or, for a client preferring HTML, the query editor."""
    offer = choose(DESCRIPTION_OFFERS)
    if offer is None:
        return not_acceptable(DESCRIPTION_OFFERS)
    version, built_at = stamp()
    if offer.key == "html":
        body = render_template("sparql.html", **editor_context(DEFAULT_QUERY, None))
        response = make_response(body)
        response.headers["Content-Type"] = offer.content_type
        response.vary.add("Accept")
        return response
    updates = bool(app_settings().update_secret)
    body = cached(("service-description", offer.key, updates),
                  lambda: serialize_triples(service_description(updates), offer.format, {**PREFIXES, "sd": str(SD),
                                                                                         "void": str(VOID)}))
    return finish(make_response(body), offer=offer, version=version, built_at=built_at, max_age=300)


def graph_sizes(store: GraphStore) -> tuple[int, dict[str, int]]:
    """(triples in the union default graph, triples per named graph), counted once per build."""
    def count() -> tuple[int, dict[str, int]]:
        total = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                      "WHERE { ?s ?p ?o } }")))["n"]
        per = {row["g"].value: int(row["n"].value)
               for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        return int(total.value), per
    return cached("graph-sizes", count)


def service_description(updates: bool) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of this endpoint: languages, formats, features, the dataset."""
    base, store = app_base(), app_store()
    sd, void, rdf = str(SD), str(VOID), str(RDF)
    n = ox.NamedNode
    service, endpoint = n(base + "sparql#service"), n(base + "sparql")
    dataset, default = n(base + "sparql#dataset"), n(base + "sparql#default-graph")
    a = n(rdf + "type")
    out = [
        ox.Triple(service, a, n(sd + "Service")),
        ox.Triple(service, n(sd + "endpoint"), endpoint),
        ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(service, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(service, n(sd + "defaultDataset"), dataset),
        ox.Triple(service, n(DCTERMS.title), ox.Literal("scholarly-kg SPARQL endpoint")),
        ox.Triple(dataset, a, n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, a, n(sd + "Graph")),
    ]
    if updates:
        out.append(ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Update")))
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        out.append(ox.Triple(service, n(sd + "resultFormat"), n(W3C_FORMATS + fmt.w3c)))
    total, per_graph = graph_sizes(store)
    out.append(ox.Triple(default, n(void + "triples"), ox.Literal(str(total), datatype=n(XSD_INTEGER))))
    for i, (graph, size) in enumerate(sorted(per_graph.items()), 1):
        named, described = n(f"{base}sparql#named-graph-{i}"), n(f"{base}sparql#graph-{i}")
        out += [ox.Triple(dataset, n(sd + "namedGraph"), named),
                ox.Triple(named, a, n(sd + "NamedGraph")),
                ox.Triple(named, n(sd + "name"), n(graph)),
                ox.Triple(named, n(sd + "graph"), described),
                ox.Triple(described, a, n(sd + "Graph")),
                ox.Triple(described, n(void + "triples"), ox.Literal(str(size), datatype=n(XSD_INTEGER)))]
    return out


XSD_INTEGER = str(XSD.integer)


def editor_context(query: str, table: Table | None) -> dict:
    """What the editor page shows: the query, the named queries as examples, results, download links."""
    form = query_form(query) or "SELECT"
    group = "graph" if form in ("CONSTRUCT", "DESCRIBE") else "solutions"
    downloads = [{"title": o.title, "url": "/sparql?" + urlencode({"query": query, "format": o.key}),
                  "media_type": o.media_type, "key": o.key, "group": name, "hidden": name != group}
                 for name, offers in (("solutions", SOLUTION_OFFERS), ("graph", GRAPH_OFFERS))
                 for o in offers if o.key != "html"]
    examples = [{"name": q.name, "title": q.title, "description": q.description, "sparql": q.sparql}
                for q in load_queries().values()]
    return {"query": query, "table": table, "downloads": downloads, "examples": examples, "form": form,
            "result_limit": app_settings().result_limit, "base": app_base()}


__all__ = ["bp", "read_request", "execute",
           "service_description"]
