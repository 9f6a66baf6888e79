"""`kg push`: load the current build into an external SPARQL 1.1 server, replacing a previous push atomically.

1. Each source document's graph is uploaded with the SPARQL 1.1 Graph Store Protocol (POST, N-Triples, in
   chunks) into a staging graph named after the build (`{meta}/staging/{build_id}/{n}`); the staging graphs are
   recorded in the metadata graph first, so a push that dies half-way is cleaned up by the next one.
2. The staging graphs are added (SPARQL `ADD`) into a staging union graph: each triple once, the embedded
   store's default graph.
3. One SPARQL Update request switches: it drops the graphs of the previous push that this build no longer has,
   MOVEs every staging graph onto its real name (the same graph names as the embedded store), moves the union
   into place (plus the updates graph, kept across pushes), and rewrites the metadata graph. A server runs one
   update request as one transaction (Oxigraph does; Virtuoso runs it as one statement), so readers see the
   old push or the new one, never a mix. `MOVE` also drops the staging graphs.

The metadata graph (`{base}graph/push` unless `--graph` names another) is what `RemoteStore` reads: the
build's BuildMeta as JSON, the union graph, the graphs, and the public text attachments (the redirects of the IRI
ledger, the build report). Nothing derived from private sources is pushed: not the private graphs, not the owner's
IRI ledger (its identity keys are names and URLs, some read from private sources), and of `ledger.json` only its
redirects (a build made before the ledger was split kept every key there).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.errors import StoreError
from kg.store.base import BuildMeta
from kg.store.embedded import GRAPH, LEDGER, META, REPORT, UPDATES_GRAPH, current_build
from kg.store.remote import (META_GRAPH, PUSH_TYPE, RDF_TYPE, SCHEMA, SD, UNION_GRAPH, Client, add_credentials,
                             insert_data, parse_answer, read_push)

CHUNK_TRIPLES = 50_000  # triples per Graph Store Protocol request
TEXT_ATTACHMENTS = (LEDGER, REPORT)
MAX_ATTACHMENT = 4 * 1024 * 1024  # bytes: bigger text attachments stay behind


@dataclass
class PushReport:
    """What a push did."""

    endpoint: str
    meta_graph: str
    build_id: str
    triples: int
    graphs: int
    seconds: float


def guess_store_endpoint(endpoint: str) -> str | None:
    """The Graph Store Protocol URL beside a query endpoint: Oxigraph `/query` -> `/store`, Virtuoso `/sparql`
    -> `/sparql-graph-crud-auth`; Fuseki `/ds/sparql` or `/ds/query` -> `/ds/data`."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path.endswith("/query"):
        new = path[: -len("query")] + "store"
    elif path == "/sparql" or path == "/sparql-auth":
        new = "/sparql-graph-crud-auth"
    elif path.endswith("/sparql"):
        new = path[: -len("sparql")] + "data"
    else:
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def guess_update_endpoint(endpoint: str) -> str:
    """The update URL beside a query endpoint: Oxigraph `/query` -> `/update`, Virtuoso `/sparql` ->
    `/sparql-auth` (the one that takes credentials); else the same URL."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if path.endswith("/query"):
        path = path[: -len("query")] + "update"
    elif path == "/sparql":
        path = "/sparql-auth"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class GraphStoreClient:
    """The SPARQL 1.1 Graph Store Protocol, enough to load graphs: POST N-Triples into a named graph."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None, timeout: float = 600):
        self.url, self.timeout = url, timeout
        if user:
            add_credentials((url,), user, password or "")
        # Oxigraph and the standard name the graph `graph`; Virtuoso's own parameter is `graph-uri`
        self.param = "graph-uri" if "sparql-graph-crud" in url else "graph"

    def post(self, graph: str, ntriples: bytes) -> None:
        """Add triples (N-Triples) to a graph."""
        url = f"{self.url}?{urllib.parse.urlencode({self.param: graph})}"
        request = urllib.request.Request(url, data=ntriples, method="POST",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 415 and "turtle" not in request.get_header("Content-type", ""):
                request.remove_header("Content-type")
                request.add_header("Content-Type", "text/turtle")  # N-Triples is Turtle
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            raise StoreError(f"{self.url}: loading graph <{graph}> failed: {exc.code} "
                             f"{exc.read().decode('utf-8', 'replace')[:500]}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach the Graph Store endpoint {self.url}: {exc}") from None


def push(store_dir: Path, endpoint: str, *, update_endpoint: str | None = None, store_endpoint: str | None = None,
         user: str | None = None, password: str | None = None, meta_graph: str | None = None,
         log=None) -> PushReport:
    """Load the current build into the server at endpoint, replacing the previous push atomically."""
    started = time.monotonic()
    build = current_build(store_dir)
    if build is None:
        raise StoreError(f"no build in {store_dir}: run `kg build` first")
    meta = BuildMeta.read(build / META)
    meta_graph = meta_graph or meta.base + META_GRAPH
    update_endpoint = update_endpoint or guess_update_endpoint(endpoint)
    store_endpoint = store_endpoint or guess_store_endpoint(endpoint)
    if not store_endpoint:
        raise StoreError(f"cannot tell the Graph Store Protocol URL of {endpoint}: give --store-endpoint")
    client = Client(endpoint, update_endpoint, user, password)
    gsp = GraphStoreClient(store_endpoint, user, password)
    say = log or (lambda message: None)

    previous = read_push(client, meta_graph)
    _drop_leftovers(client, meta_graph)
    staging_root = f"{meta_graph}/staging/{meta.build_id}/"
    graphs = list(meta.graphs)
    staging = {graph: f"{staging_root}{n}" for n, graph in enumerate(graphs, 1)}
    union, staging_union = meta.base + UNION_GRAPH, staging_root + "union"
    pending = f"{meta_graph}#pending-{meta.build_id}"
    client.update(insert_data(meta_graph, [(pending, SCHEMA + "hasPart", g)
                                            for g in [*staging.values(), staging_union]]))

    say(f"loading {len(graphs)} graphs into staging graphs ...")
    triples = _upload(gsp, build / GRAPH, staging)
    say(f"loaded {triples} quads; building the union graph ...")
    client.update(f"DROP SILENT GRAPH <{staging_union}>")
    for graph in graphs:
        client.update(f"ADD SILENT GRAPH <{staging[graph]}> TO GRAPH <{staging_union}>")

    say("switching to the new build ...")
    updates = meta.base + UPDATES_GRAPH
    old_graphs = set(previous.graphs) if previous else set()
    has_updates = updates in old_graphs
    operations = [f"DROP SILENT GRAPH <{g}>" for g in sorted(old_graphs - set(graphs) - {updates})]
    operations += [f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in graphs]
    operations.append(f"MOVE SILENT GRAPH <{staging_union}> TO GRAPH <{union}>")
    if has_updates:
        operations.append(f"ADD SILENT GRAPH <{updates}> TO GRAPH <{union}>")
    operations.append(f"DROP SILENT GRAPH <{meta_graph}>")
    parts = graphs + ([updates] if has_updates else [])
    operations.append(insert_data(meta_graph, metadata_triples(meta_graph, meta, union, parts, meta.build_id,
                                                                _attachments(build))))
    client.update(" ;\n".join(operations))
    seconds = time.monotonic() - started
    return PushReport(endpoint, meta_graph, meta.build_id, triples, len(graphs), seconds)


def _upload(gsp: GraphStoreClient, path: Path, staging: dict[str, str]) -> int:
    """Stream the build's quads into their staging graphs, CHUNK_TRIPLES at a time; returns the quads sent."""
    buffers: dict[str, list[ox.Triple]] = {}
    count = 0

    def flush(graph: str) -> None:
        triples = buffers.pop(graph, [])
        if triples:
            gsp.post(staging[graph], ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))

    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name.value
        if graph not in staging:
            continue
        buffer = buffers.setdefault(graph, [])
        buffer.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        count += 1
        if len(buffer) >= CHUNK_TRIPLES:
            flush(graph)
    for graph in list(buffers):
        flush(graph)
    return count


def _drop_leftovers(client: Client, meta_graph: str) -> None:
    """Drop the staging graphs of pushes that never switched (a push killed half-way)."""
    content_type, body = client.query(
        f"SELECT ?pending ?g WHERE {{ GRAPH <{meta_graph}> {{ ?pending <{SCHEMA}hasPart> ?g "
        f"FILTER (STRSTARTS(STR(?pending), \"{meta_graph}#pending-\")) }} }}")
    rows = list(parse_answer(content_type, body))
    if not rows:
        return
    operations = [f"DROP SILENT GRAPH <{row['g'].value}>" for row in rows]
    operations += [f"DELETE WHERE {{ GRAPH <{meta_graph}> {{ <{p}> ?p ?o }} }}"
                   for p in sorted({row["pending"].value for row in rows})]
    client.update(" ;\n".join(operations))


def _attachments(build: Path) -> dict[str, str]:
    """The public text attachments a RemoteStore serves from: the ledger's redirects and the build report."""
    found = {}
    for name in TEXT_ATTACHMENTS:
        path = build / name
        if path.is_file() and path.stat().st_size <= MAX_ATTACHMENT:
            found[name] = path.read_text(encoding="utf-8")
    if LEDGER in found:
        redirects = json.loads(found[LEDGER]).get("redirects", {})
        found[LEDGER] = json.dumps({"redirects": redirects}, indent=1)
    return found


def metadata_triples(meta_graph: str, meta: BuildMeta, union: str, graphs: Iterable[str], stamp: str,
                     attachments: dict[str, str]) -> list[tuple]:
    """The metadata graph: what RemoteStore reads (see kg.store.remote.read_push)."""
    from dataclasses import asdict

    node = meta_graph
    out: list[tuple] = [
        (node, RDF_TYPE, SCHEMA + "Dataset"),
        (node, SCHEMA + "additionalType", ox.Literal(PUSH_TYPE)),
        (node, SCHEMA + "identifier", ox.Literal(meta.build_id)),
        (node, SCHEMA + "version", ox.Literal(stamp)),
        (node, SCHEMA + "dateModified", ox.Literal(meta.built_at)),
        (node, SCHEMA + "text", ox.Literal(json.dumps(asdict(meta), ensure_ascii=False))),
        (node, SCHEMA + "encodingFormat", ox.Literal("application/json")),
        (node, SD + "defaultGraph", union),
    ]
    out += [(node, SCHEMA + "hasPart", graph) for graph in graphs]
    for name, text in attachments.items():
        part = f"{meta_graph}#attachment-{name}"
        out += [(part, SCHEMA + "name", ox.Literal(name)), (part, SCHEMA + "text", ox.Literal(text))]
    return out


__all__ = ["push", "PushReport", "guess_store_endpoint", "guess_update_endpoint",
           "metadata_triples"]
