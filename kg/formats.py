"""The FORMATS table: one row per RDF or results format, driving negotiation, suffixes, exports and tests."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from kg.vocab import NAMESPACES, W3CFORMATS


GRAPH, DATASET, RESULTS, DOCUMENT = "graph", "dataset", "results", "document"


@dataclass(frozen=True)
class Format:
    """A serialization: its suffix, media type, names in rdflib, pyoxigraph and W3C, its label, what it carries.

    `aliases` are other media types the format answers to wherever it is offered (legacy names such as
    application/x-turtle); `loose` are generic types (application/json) a route may also take for it when it
    offers nothing else under that name.
    """

    name: str
    suffix: str
    media_type: str
    label: str  # the format's name for people: "Turtle", "JSON-LD"
    kind: str  # GRAPH (RDF triples), DATASET (RDF quads), RESULTS (SPARQL SELECT/ASK) or DOCUMENT (anything else)
    rdflib: str | None = None  # rdflib serializer name
    ox_rdf: ox.RdfFormat | None = None  # pyoxigraph RDF writer
    ox_results: ox.QueryResultsFormat | None = None  # pyoxigraph SELECT/ASK results writer
    w3c: str | None = None  # its IRI under http://www.w3.org/ns/formats/ (service descriptions, VoID)
    aliases: tuple[str, ...] = ()
    loose: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every media type the format answers to, its own first."""
        return (self.media_type, *self.aliases)


W3C_FORMATS = str(W3CFORMATS)

# The table: each route offers a selection of it, in its own order of preference (web.negotiation).
FORMATS: tuple[Format, ...] = (
    Format("ttl", "ttl", "text/turtle", "Turtle", GRAPH, "turtle", ox.RdfFormat.TURTLE, w3c="Turtle",
           aliases=("application/x-turtle",)),
    Format("jsonld", "jsonld", "application/ld+json", "JSON-LD", GRAPH, "json-ld", ox.RdfFormat.JSON_LD,
           w3c="JSON-LD", loose=("application/json",)),
    Format("nt", "nt", "application/n-triples", "N-Triples", GRAPH, "nt", ox.RdfFormat.N_TRIPLES, w3c="N-Triples",
           aliases=("text/plain",)),
    Format("rdfxml", "rdf", "application/rdf+xml", "RDF/XML", GRAPH, "xml", ox.RdfFormat.RDF_XML, w3c="RDF_XML",
           aliases=("application/xml",)),
    Format("nq", "nq", "application/n-quads", "N-Quads", DATASET, "nquads", ox.RdfFormat.N_QUADS, w3c="N-Quads"),
    Format("trig", "trig", "application/trig", "TriG", DATASET, "trig", ox.RdfFormat.TRIG, w3c="TriG"),
    Format("json", "json", "application/sparql-results+json", "SPARQL JSON", RESULTS,
           ox_results=ox.QueryResultsFormat.JSON, w3c="SPARQL_Results_JSON", aliases=("application/json",)),
    Format("xml", "srx", "application/sparql-results+xml", "SPARQL XML", RESULTS, ox_results=ox.QueryResultsFormat.XML,
           w3c="SPARQL_Results_XML", aliases=("application/xml",)),
    Format("csv", "csv", "text/csv", "CSV", RESULTS, ox_results=ox.QueryResultsFormat.CSV, w3c="SPARQL_Results_CSV"),
    Format("tsv", "tsv", "text/tab-separated-values", "TSV", RESULTS, ox_results=ox.QueryResultsFormat.TSV,
           w3c="SPARQL_Results_TSV"),
    Format("html", "html", "text/html", "HTML", DOCUMENT),
    Format("plainjson", "json", "application/json", "JSON", DOCUMENT),
    Format("bibtex", "bib", "application/x-bibtex", "BibTeX", DOCUMENT, aliases=("text/x-bibtex",)),
    Format("svg", "svg", "image/svg+xml", "SVG", DOCUMENT),
    Format("text", "txt", "text/plain", "Text", DOCUMENT),
    Format("sitemap", "xml", "application/xml", "XML", DOCUMENT),
)
RDF_FORMATS = tuple(f for f in FORMATS if f.kind == GRAPH)
DATASET_FORMATS = tuple(f for f in FORMATS if f.kind == DATASET)
RESULT_FORMATS = tuple(f for f in FORMATS if f.kind == RESULTS)
BY_NAME = {f.name: f for f in FORMATS}


def results_format(media_type: str) -> Format | None:
    """The SPARQL results format answering to a media type (parameters ignored), or None."""
    wanted = media_type.split(";")[0].strip().lower()
    return next((f for f in RESULT_FORMATS if wanted in f.media_types), None)


def serialize_triples(triples, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """RDF bytes from pyoxigraph triples or quads, written by pyoxigraph itself."""
    kwargs = {"prefixes": prefixes} if prefixes and fmt.ox_rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    return ox.serialize(triples, format=fmt.ox_rdf, **kwargs)


PREFIXES = {
    prefix: str(NAMESPACES[prefix]) for prefix in ("schema", "foaf", "kg", "prov", "xsd", "rdf", "rdfs")
}
