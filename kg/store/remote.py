"""The remote store: the same GraphStore over an external SPARQL 1.1 server (Oxigraph server, Virtuoso, ...).

What `kg push` wrote there (see kg/store/push.py) is one *push*: every source document in its own named graph (the same
graph names as the embedded store), a union graph holding each triple of those graphs once (the embedded store's
default graph: the RDF merge of the named graphs), and a small metadata graph naming the build, its graphs, its
BuildMeta and its text attachments.

Every query is sent with that dataset (`default-graph-uri` = the union graph, one `named-graph-uri` per source
graph), so `GRAPH ?g` reaches the same graphs and a query without one sees the same merged default graph as on the
embedded store, whatever else the server holds. A dataset the client names (protocol `default-graph-uri` /
`named-graph-uri`, or FROM / FROM NAMED in the query, which are taken out of the text and sent as protocol
parameters) is cut down to the pushed graphs: any other graph on the server (the metadata graph, another
dataset) reads as an empty graph, as an unknown graph does on the embedded store.

Parameters are bound into the query text by kg.sparqltext.substitute, as pyoxigraph's substitutions bind them.

Answers are parsed into pyoxigraph objects: SELECT/ASK from SPARQL JSON with `pyoxigraph.parse_query_results`,
CONSTRUCT/DESCRIBE from N-Triples or Turtle with `pyoxigraph.parse`.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.sparqltext import declares_dataset, query_form, refuse_forbidden, split_dataset, substitute
from kg.store.base import BuildMeta, GraphStore
from kg.store.embedded import UPDATES_GRAPH, updated_triples
from kg.vocab import RDF, SCHEMA, SD

RDF_TYPE = str(RDF.type)
PUSH_TYPE = "scholarly-kg build"  # schema:additionalType of a push's metadata node
META_GRAPH = "graph/push"  # default metadata graph, appended to the base IRI
UNION_GRAPH = "graph/union"  # the merged default graph, appended to the base IRI
REFRESH_SECONDS = 1.0  # how often a reader looks for a newer push

GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/sparql-results+json;q=0.8"
SOLUTION_TYPES = "application/sparql-results+json, application/n-triples;q=0.8, text/turtle;q=0.7"


# ---------------------------------------------------------------- results


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer: iterable like pyoxigraph's QueryTriples, and serializable."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(self, output=None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):
        """Write the triples like QueryTriples.serialize: to output, or returned as bytes."""
        return ox.serialize(self._triples, output, format=format)


def parse_answer(content_type: str, data: bytes):
    """A server's answer as pyoxigraph results: QuerySolutions, QueryBoolean or RemoteTriples."""
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/sparql-results+json", "application/json"):
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if media in ("application/sparql-results+xml", "application/xml"):
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)
    if media in ("text/tab-separated-values",):
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    formats = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
               "text/rdf+n3": ox.RdfFormat.N3, "text/n3": ox.RdfFormat.N3,
               "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-quads": ox.RdfFormat.N_QUADS}
    fmt = formats.get(media)
    if fmt is None:
        raise StoreError(f"the SPARQL server answered in an unexpected format: {content_type!r}")
    return RemoteTriples([ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)])


# ---------------------------------------------------------------- talking to the server


class Client:
    """SPARQL 1.1 Protocol through SPARQLWrapper: one query or update request, raw answer back."""

    def __init__(self, endpoint: str, update_endpoint: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float | None = None):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.user, self.password, self.timeout = user, password, timeout

    def _wrapper(self, text: str, update: bool):
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        wrapper = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        if self.user:
            add_credentials((self.endpoint, self.update_endpoint), self.user, self.password or "")
        if self.timeout:
            wrapper.setTimeout(int(max(1, self.timeout)))
        with _quiet():
            wrapper.setQuery(text)
        # SPARQLWrapper guesses the form by searching the text for a keyword anywhere (`ADD` in `schema:address`
        # makes a query an update): tell it what the tokenizer read instead.
        wrapper.queryType = "INSERT" if update else (query_form(text) or "SELECT")
        return wrapper

    def query(self, text: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              accept: str = SOLUTION_TYPES) -> tuple[str, bytes]:
        """Send a query; (content type, body) of the answer, or QueryError/StoreError."""
        wrapper = self._wrapper(text, update=False)
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs or ():
            wrapper.addNamedGraph(graph)
        wrapper.addCustomHttpHeader("Accept", accept)
        response = self._send(wrapper)
        return response.headers.get("Content-Type", ""), response.read()

    def update(self, text: str) -> None:
        """Send an update to the update endpoint."""
        self._send(self._wrapper(text, update=True)).read()

    def _send(self, wrapper):
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            return wrapper.query().response
        except SPARQLWrapperException as exc:
            message = _message(exc)
            status = 400 if type(exc).__name__ == "QueryBadFormed" else 502
            raise QueryError(f"the SPARQL server refused the request: {message}", status) from None
        except urllib.error.HTTPError as exc:
            raise QueryError(f"the SPARQL server answered {exc.code}: {_body(exc)}", 502) from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach the SPARQL server at {wrapper.endpoint}: {exc}") from None


# Credentials for digest (or basic) auth live in one password manager behind one opener, installed once:
# SPARQLWrapper's own digest support installs a new global opener on every request, which is not thread-safe.
_passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
_opener_lock = threading.Lock()
_opener_installed = False


def add_credentials(urls, user: str, password: str) -> None:
    """Answer digest or basic auth challenges from these URLs with user and password (any realm)."""
    global _opener_installed
    for url in urls:
        if url:
            _passwords.add_password(None, url, user, password)
    with _opener_lock:
        if not _opener_installed:
            urllib.request.install_opener(urllib.request.build_opener(
                urllib.request.HTTPDigestAuthHandler(_passwords), urllib.request.HTTPBasicAuthHandler(_passwords)))
            _opener_installed = True


def _message(exc: Exception) -> str:
    text = str(exc)
    return text.split("Response:\n", 1)[-1].strip()[:2000] if "Response:" in text else text[:2000]


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace")[:2000]
    except Exception:  # noqa: BLE001 - the body is only for the message
        return exc.reason


class _quiet:
    """Silence SPARQLWrapper's warnings about query forms it cannot tell (our queries are fine)."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


# ---------------------------------------------------------------- the push a store reads


@dataclass(frozen=True)
class Push:
    """What the metadata graph says: the build, its graphs, the union graph, the attachments."""

    meta_graph: str
    meta: BuildMeta
    union_graph: str
    graphs: tuple[str, ...]
    stamp: str  # changes with every push and every update: the data version

    @property
    def build_id(self) -> str:
        return self.meta.build_id


def read_push(client: Client, meta_graph: str | None = None, base: str | None = None) -> Push | None:
    """The current push on the server (the one in meta_graph, or the one for base, or the newest), or None."""
    graph = f"<{meta_graph}>" if meta_graph else "?m"
    query = f"""SELECT ?m ?json ?union ?stamp ?part WHERE {{
  GRAPH {graph} {{
    ?m <{SCHEMA}additionalType> "{PUSH_TYPE}" ; <{SCHEMA}text> ?json ;
       <{SD}defaultGraph> ?union ; <{SCHEMA}version> ?stamp .
    OPTIONAL {{ ?m <{SCHEMA}hasPart> ?part }}
  }}
}}"""
    content_type, body = client.query(query)
    found: dict[str, dict] = {}
    for row in parse_answer(content_type, body):
        entry = found.setdefault(row["m"].value, {"row": row, "parts": []})
        if row["part"] is not None:
            entry["parts"].append(row["part"].value)
    pushes = []
    for node, entry in found.items():
        row = entry["row"]
        meta = BuildMeta(**json.loads(row["json"].value))
        if base and meta.base != base:
            continue
        pushes.append(Push(node, meta, row["union"].value, tuple(sorted(set(entry["parts"]))), row["stamp"].value))
    return max(pushes, key=lambda p: (p.meta.built_at, p.meta.build_id), default=None)


class RemoteStore(GraphStore):
    """A GraphStore answering from an external SPARQL 1.1 server that `kg push` loaded."""

    def __init__(self, settings, meta_graph: str | None = None, refresh_seconds: float = REFRESH_SECONDS):
        if not settings.endpoint:
            raise StoreError("no SPARQL endpoint given (setting endpoint)")
        self.settings = settings
        self.client = Client(settings.endpoint, settings.update_endpoint, settings.endpoint_user,
                             settings.endpoint_password, settings.query_timeout)
        self.meta_graph = meta_graph or (settings.base + META_GRAPH if settings.base_iri else None)
        self.base_filter = settings.base if settings.base_iri else None
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._checked = 0.0
        self._push: Push | None = None
        self._attachments: dict[tuple[str, str], bytes | None] = {}
        self.meta = BuildMeta("", "", "")
        self.refresh(force=True)
        if self._push is None:
            where = f" in graph <{self.meta_graph}>" if self.meta_graph else ""
            raise StoreError(f"nothing pushed to {settings.endpoint}{where}: run `kg push --endpoint ...` first")

    @property
    def push(self) -> Push:
        assert self._push is not None
        return self._push

    def refresh(self, force: bool = False) -> bool:
        """Look for a newer push at most every refresh_seconds; True when the data changed."""
        now = time.monotonic()
        if not force and now - self._checked < self.refresh_seconds:
            return False
        with self._lock:
            if not force and now - self._checked < self.refresh_seconds:
                return False
            self._checked = now
            found = read_push(self.client, self.meta_graph, self.base_filter)
            if found is None or (self._push is not None and found.stamp == self._push.stamp):
                return False
            self._push, self.meta = found, found.meta
            self._attachments.clear()
            return True

    def version(self) -> str:
        self.refresh()
        stamp = self.push.stamp
        return self.meta.build_id if stamp == self.meta.build_id else stamp

    def query(self, sparql, bindings=None, *, default_graphs=None, named_graphs=None):
        refuse_forbidden(sparql)  # the server would reach out on behalf of whoever sent the query
        self.refresh()
        text = substitute(sparql, bindings)
        default: list[str] | None = list(default_graphs) if default_graphs else None
        named: list[str] | None = list(named_graphs) if named_graphs else None
        if declares_dataset(text):
            text, from_default, from_named = split_dataset(text)
            if default is None and named is None:  # the protocol's dataset overrides the query's (SPARQL 1.1 §2.1.4)
                default, named = from_default, from_named
        defaults, names = self.dataset(default, named)
        content_type, body = self.client.query(text, default_graphs=defaults, named_graphs=names,
                                               accept=_accept_for(text))
        return parse_answer(content_type, body)

    def dataset(self, default: list[str] | None, named: list[str] | None) -> tuple[list[str], list[str]]:
        """The dataset sent to the server: only pushed graphs, as the embedded store holds only its own.

        None means what the embedded store gives when nothing is named (the merged union, every pushed graph);
        a graph that is not pushed reads as empty (a graph no push writes stands in for it).
        """
        pushed = set(self.push.graphs)
        empty = self.push.union_graph + "/empty"
        defaults = [self.push.union_graph] if default is None else [g for g in default if g in pushed] or [empty]
        names = sorted(pushed) if named is None else [g for g in named if g in pushed] or [empty]
        return defaults, names

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the pushed graphs, one graph at a time."""
        for graph in self.push.graphs:
            content_type, body = self.client.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                named_graphs=[graph], accept=GRAPH_TYPES)
            name = ox.NamedNode(graph)
            for t in parse_answer(content_type, body):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def attachment(self, name: str) -> bytes | None:
        """A text attachment the push stored in the metadata graph (IRI ledger, build report), or None."""
        self.refresh()
        key = (self.push.stamp, name)
        if key not in self._attachments:
            node = f"{self.push.meta_graph}#attachment-{name}"
            content_type, body = self.client.query(
                f"SELECT ?text WHERE {{ GRAPH <{self.push.meta_graph}> {{ <{node}> <{SCHEMA}text> ?text }} }}")
            rows = list(parse_answer(content_type, body))
            self._attachments[key] = rows[0]["text"].value.encode() if rows else None
        return self._attachments[key]

    def update(self, sparql: str) -> None:
        """Apply an update to a scratch copy of the updates graph, then write the difference to the server."""
        refuse_forbidden(sparql)
        apply_update(self.client, self.push, sparql)
        self.refresh(force=True)


def _sparql_term(value) -> str:
    return str(value) if isinstance(value, (ox.Literal, ox.NamedNode)) else f"<{value}>"


def insert_data(graph: str, triples: Iterable[tuple]) -> str:
    """An INSERT DATA request writing triples (IRIs as strings or terms) into graph."""
    body = "\n".join(f"  {_sparql_term(s)} {_sparql_term(p)} {_sparql_term(o)} ." for s, p, o in triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


# ---------------------------------------------------------------- SPARQL Update on a pushed store


def _graph_triples(client: Client, graph: str) -> set[ox.Triple]:
    content_type, body = client.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                      named_graphs=[graph], accept=GRAPH_TYPES)
    return set(parse_answer(content_type, body))


def apply_update(client: Client, current: Push, sparql: str) -> None:
    """Run an update on a scratch copy of the updates graph (its default graph), then send the difference."""
    base = current.meta.base
    updates, union = base + UPDATES_GRAPH, current.union_graph
    old = _graph_triples(client, updates) if updates in current.graphs else set()
    new = updated_triples(old, sparql)
    added, removed = new - old, old - new
    if any(isinstance(x, ox.BlankNode) for t in added | removed for x in (t.subject, t.object)):
        raise QueryError("updates with blank nodes cannot be applied to a SPARQL server; use IRIs", 400)
    operations = []
    if removed:
        lines = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in removed)
        operations.append(f"DELETE DATA {{ GRAPH <{updates}> {{ {lines} }} }}")
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in removed)
        others = " ".join(f"<{g}>" for g in current.graphs if g != updates)
        operations.append(f"DELETE {{ GRAPH <{union}> {{ ?s ?p ?o }} }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} "
                          f"FILTER NOT EXISTS {{ VALUES ?g {{ {others} }} GRAPH ?g {{ ?s ?p ?o }} }} }}")
    if added:
        lines = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in added)
        operations.append(f"INSERT DATA {{ GRAPH <{updates}> {{ {lines} }} GRAPH <{union}> {{ {lines} }} }}")
    stamp = f"{current.build_id}.u{time.time_ns()}"
    node = current.meta_graph
    operations.append(f"DELETE WHERE {{ GRAPH <{node}> {{ <{node}> <{SCHEMA}version> ?v }} }}")
    operations.append(insert_data(node, [(node, SCHEMA + "version", ox.Literal(stamp)),
                                          (node, SCHEMA + "hasPart", updates)]))
    client.update(" ;\n".join(operations))


def _accept_for(text: str) -> str:
    return GRAPH_TYPES if query_form(text) in ("CONSTRUCT", "DESCRIBE") else SOLUTION_TYPES


__all__ = ["RemoteStore", "RemoteTriples", "Client", "Push", "read_push", "substitute", "parse_answer",
           "split_dataset", "apply_update", "insert_data",
           "META_GRAPH", "UNION_GRAPH"]
