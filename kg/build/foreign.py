"""Imported RDF in a build: its owner, and its common shapes normalised into the model the pages read.

RDF files are taken as they are (kg.sources.rdf streams them into the build's store). What schema.org and FOAF
allow but the pages do not read directly is materialised by the rules in queries/build/ into the graph
`{base}graph/inferred/rdf`, each rule described in the provenance graph (PROV-O) as the activity that made it:

- http://schema.org/ terms read as https://schema.org/; FOAF terms given their schema.org twins, and back;
- author order from `schema:author` -> `schema:Role` with `schema:position`, from an `rdf:List` or an `rdf:Seq`,
  and, for a paper that gives none, authors in the order of their names with the paper typed
  `kg:AuthorOrderUnknown` -- all as `kg:authorship` nodes `{paper}#author-{n}` (docs/model.md);
- `schema:worksFor` / `schema:memberOf` / `schema:alumniOf` straight to an organization, as a Role.

Rules run on a store that holds public graphs only (the build keeps private facts out of it), so nothing private
is ever carried into a public graph. A rule is a CONSTRUCT (each of its triples is looked up, and only those no graph
states are kept), a SELECT of ?s ?p ?o rows that leaves out itself what a graph states, or a SELECT of (paper,
author) rows in order that the build numbers (authors with no order).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.build.provenance import PROVENANCE_GRAPH
from kg.files import file_holds
from kg.records import RdfData
from kg.settings import PROJECT_ROOT
from kg.vocab import KG, OX_TYPE, PROV, SCHEMA, XSD

BUILD_QUERIES = PROJECT_ROOT / "queries" / "build"
RDF_INFERRED_GRAPH = "graph/inferred/rdf"  # appended to the base IRI
# The rules in the order they run: each sees what the ones before it made.
RULES = ("schema-https", "foaf-to-schema", "authors-role", "authors-list", "authors-seq", "authors-unordered",
         "positions-direct", "schema-to-foaf")
RDF_TYPE = OX_TYPE
HTTP_SCHEMA = "schema-https"  # the rule that reads http://schema.org/ terms; it runs only where they may be
# Bytes that may spell an IRI in a text format other than as written: escapes (\u in N-Triples and Turtle, &# in
# RDF/XML). A file with neither them nor the namespace itself holds no http://schema.org/ term.
_TEXT_FORMATS = {"N_TRIPLES": b"\\", "N_QUADS": b"\\", "TURTLE": b"\\", "TRIG": b"\\", "RDF_XML": b"&#"}


@dataclass(frozen=True)
class DeclaredOwner:
    """A resource the imported RDF names as the profile's owner, how, and in which graph."""

    iri: str
    how: str
    graph: str


def query_text(name: str) -> str:
    """The text of queries/build/{name}.rq."""
    return (BUILD_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def declared_owners(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> list[DeclaredOwner]:
    """Owners the RDF declares: a foaf:PersonalProfileDocument's primaryTopic, a schema:ProfilePage's mainEntity,
    or a kg:Owner, one entry per (owner, how), in a stable order."""
    graphs = list(graphs)
    if not graphs:
        return []
    found = store.query(query_text("owner"), named_graphs=graphs)
    return [DeclaredOwner(row["owner"].value, row["how"].value, row["graph"].value) for row in found]


def normalise(store: ox.Store, base: str, bulk: bool = False,
              http_schema_graphs: list[ox.NamedNode] | None = None) -> dict[str, int]:
    """Run every rule over the store's graphs (all public: private facts never enter it) and what earlier rules
    made, adding to the RDF inferred graph the triples no graph states yet; returns how many each rule added.
    `http_schema_graphs`, when given, are the only graphs that may hold http://schema.org/ terms (the rule reading
    them looks at every triple: 10 s of the 38 the rules took over 1M triples on disk, finding none)."""
    target = ox.NamedNode(base + RDF_INFERRED_GRAPH)
    counts: dict[str, int] = {}
    size = _graph_size(store, target)
    for name in RULES:
        if name == HTTP_SCHEMA and http_schema_graphs is not None:
            if not http_schema_graphs:
                counts[name] = 0
                continue
            results = store.query(query_text(name), default_graph=http_schema_graphs)
        else:
            results = store.query(query_text(name), use_default_graph_as_union=True)
        counter = _Counter()
        quads = (ox.Quad(t.subject, t.predicate, t.object, target) for t in counter.count(_new_triples(store, results)))
        (store.bulk_extend if bulk else store.extend)(quads)  # on disk, store.extend of 1.7M quads at 10M: 130 s
        before, size = size, (_graph_size(store, target) if counter.n else size)
        counts[name] = size - before
    store.extend(_provenance(target, ox.NamedNode(base + PROVENANCE_GRAPH), counts))
    return counts


def _new_triples(store: ox.Store, results: ox.QueryTriples | ox.QuerySolutions) -> Iterator[ox.Triple]:
    """A rule's triples that no graph states: a CONSTRUCT's, each looked up; a SELECT of ?s ?p ?o rows, which
    leaves out what a graph states itself; or the numbered authors of a SELECT of (paper, author) rows."""
    if isinstance(results, ox.QueryTriples):
        return _unstated(store, results)
    if [v.value for v in results.variables] == ["s", "p", "o"]:
        return (ox.Triple(row[0], row[1], row[2]) for row in results if not isinstance(row[0], ox.Literal))
    return _unstated(store, _numbered_authors(results))


def _graph_size(store: ox.Store, graph: ox.NamedNode) -> int:
    """The quads of one graph, counted by the store (no term is decoded)."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)


def may_name_http_schema(data: RdfData) -> bool:
    """Whether an imported record can hold a term of http://schema.org/: False only for a file of a text format
    whose bytes hold neither that namespace nor an escape that could spell it (read in chunks, one find each)."""
    escape = _TEXT_FORMATS.get(data.format or "")
    if data.file is None or escape is None:
        return True
    return file_holds(data.file, b"http://schema.org", escape)


def _unstated(store: ox.Store, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """The triples no graph of the store holds: a source that states the FOAF or schema.org form itself needs no
    derived copy (bench/generate.py's 1M: 350k of the rules' 517k triples), and every quad kept is loaded twice
    into the server's store."""
    for t in triples:
        if next(store.quads_for_pattern(t.subject, t.predicate, t.object, None), None) is None:
            yield t


def _numbered_authors(rows: ox.QuerySolutions) -> Iterator[ox.Triple]:
    """kg:authorship nodes numbering each paper's (paper, author) rows in the order they come; a paper with
    more than one author typed kg:AuthorOrderUnknown (the order is the rows', not the paper's)."""
    n = ox.NamedNode
    paper, position = None, 0
    for row in rows:
        if row["paper"] != paper:
            paper, position = row["paper"], 0
        position += 1
        slot = n(f"{paper.value}{'-' if '#' in paper.value else '#'}author-{position}")
        yield from (ox.Triple(paper, n(KG + "authorship"), slot), ox.Triple(slot, RDF_TYPE, n(KG + "Authorship")),
                    ox.Triple(slot, n(SCHEMA + "position"), ox.Literal(str(position), datatype=n(XSD + "integer"))),
                    ox.Triple(slot, n(SCHEMA + "author"), row["author"]))
        if position == 2:
            yield ox.Triple(paper, RDF_TYPE, n(KG + "AuthorOrderUnknown"))


def mark_owner(store: ox.Store, owner: str, base: str) -> None:
    """Type the owner kg:Owner in the RDF inferred graph (the pages find the owner by that type)."""
    store.add(ox.Quad(ox.NamedNode(owner), RDF_TYPE, ox.NamedNode(KG + "Owner"),
                      ox.NamedNode(base + RDF_INFERRED_GRAPH)))


class _Counter:
    """Counts the items of a stream as it passes."""

    def __init__(self) -> None:
        self.n = 0

    def count(self, items: Iterable) -> Iterable:
        for item in items:
            self.n += 1
            yield item


def _provenance(target: ox.NamedNode, graph: ox.NamedNode, counts: dict[str, int]) -> list[ox.Quad]:
    """The RDF inferred graph as a prov:Entity generated by one activity per rule (its file, what it made)."""
    n = ox.NamedNode
    quads = [ox.Quad(target, RDF_TYPE, n(PROV + "Entity"), graph),
             ox.Quad(target, n(SCHEMA + "name"), ox.Literal("what the build derives from imported RDF"), graph)]
    for name, count in counts.items():
        activity = n(f"{target.value}#rule-{name}")
        quads += [
            ox.Quad(target, n(PROV + "wasGeneratedBy"), activity, graph),
            ox.Quad(activity, RDF_TYPE, n(PROV + "Activity"), graph),
            ox.Quad(activity, n(SCHEMA + "name"), ox.Literal(f"queries/build/{name}.rq"), graph),
            ox.Quad(activity, n(SCHEMA + "description"), ox.Literal(f"made {count} triples"), graph),
        ]
    return quads


def rule_files() -> list[Path]:
    """The rule files, in the order they run."""
    return [BUILD_QUERIES / f"{name}.rq" for name in RULES]


__all__ = ["declared_owners", "normalise", "mark_owner", "RDF_INFERRED_GRAPH", "RULES", "DeclaredOwner"]
