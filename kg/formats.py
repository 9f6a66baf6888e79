"""The FORMATS table: one row per RDF or results format, driving negotiation, suffixes, exports and tests."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from kg.vocab import NAMESPACES


@dataclass(frozen=True)
class Format:
    """A serialization: its suffix, media type, names in rdflib and pyoxigraph, and what it can carry."""

    name: str
    suffix: str
    media_type: str
    rdflib: str | None  # rdflib serializer name
    ox_rdf: ox.RdfFormat | None = None  # pyoxigraph RDF writer
    ox_results: ox.QueryResultsFormat | None = None  # pyoxigraph SELECT/ASK results writer
    aliases: tuple[str, ...] = ()


RDF_FORMATS: tuple[Format, ...] = (
    Format("ttl", "ttl", "text/turtle", "turtle", ox.RdfFormat.TURTLE, aliases=("application/x-turtle",)),
    Format("jsonld", "jsonld", "application/ld+json", "json-ld", ox.RdfFormat.JSON_LD),
    Format("nt", "nt", "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES, aliases=("text/plain",)),
    Format("rdfxml", "rdf", "application/rdf+xml", "xml", ox.RdfFormat.RDF_XML, aliases=("application/xml",)),
)
DATASET_FORMATS: tuple[Format, ...] = (
    Format("nq", "nq", "application/n-quads", "nquads", ox.RdfFormat.N_QUADS),
    Format("trig", "trig", "application/trig", "trig", ox.RdfFormat.TRIG),
)
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "json", "application/sparql-results+json", None, ox_results=ox.QueryResultsFormat.JSON,
           aliases=("application/json",)),
    Format("xml", "srx", "application/sparql-results+xml", None, ox_results=ox.QueryResultsFormat.XML,
           aliases=("application/xml",)),
    Format("csv", "csv", "text/csv", None, ox_results=ox.QueryResultsFormat.CSV),
    Format("tsv", "tsv", "text/tab-separated-values", None, ox_results=ox.QueryResultsFormat.TSV),
)

BY_NAME = {f.name: f for f in (*RDF_FORMATS, *DATASET_FORMATS, *RESULT_FORMATS)}


def serialize_triples(triples, fmt: Format, prefixes: dict[str, str] | None = None) -> bytes:
    """RDF bytes from pyoxigraph triples or quads, written by pyoxigraph itself."""
    kwargs = {"prefixes": prefixes} if prefixes and fmt.ox_rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    return ox.serialize(triples, format=fmt.ox_rdf, **kwargs)


PREFIXES = {
    prefix: str(NAMESPACES[prefix]) for prefix in ("schema", "foaf", "kg", "prov", "xsd", "rdf", "rdfs")
}
