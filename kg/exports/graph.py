"""Exports of the whole graph: RDF dumps (union as triples, or quads with their graphs), bibliographies (BibTeX,
CSL-JSON) and the owner's CV (JSON Resume)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset

from kg.formats import BY_NAME, PREFIXES, serialize_triples
from kg.store.base import GraphStore

TRIPLE_FORMATS = ("ttl", "nt", "rdfxml")


def union_triples(store: GraphStore) -> list[ox.Triple]:
    """Every distinct triple of every graph: the profile as one graph."""
    return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()))


def export_bytes(store: GraphStore, fmt: str) -> bytes:
    """The whole graph in a format: ttl/nt/rdfxml as the union graph; jsonld/nq/trig keep the named graphs."""
    if fmt == "bibtex":
        from kg.exports.bibtex import export_bibtex

        return export_bibtex(store).encode()
    if fmt == "csljson":
        from kg.exports.csljson import export_csljson

        return export_csljson(store).encode()
    if fmt == "resume":
        from kg.exports.resume import export_resume

        return export_resume(store).encode()
    spec = BY_NAME[fmt]
    if fmt in TRIPLE_FORMATS:
        return serialize_triples(union_triples(store), spec, PREFIXES)
    return serialize_triples(list(store.quads()), spec, PREFIXES)


def to_rdflib(store: GraphStore) -> Dataset:
    """The store's quads in an rdflib Dataset (over Oxigraph), for validation and rdflib-based tools."""
    ds = Dataset(store="Oxigraph")
    ds.store._inner.extend(store.quads())
    return ds
