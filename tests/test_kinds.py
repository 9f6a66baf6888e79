"""One kind is one thing everywhere: the KINDS table's classes are what the builder writes and what JSON-LD says."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kg import iris
from kg.build.graph import build_graph
from kg.records import Author, Entity, Origin, Owner, Paper, PartialDate, SourceDocument
from kg.vocab import RDF, SCHEMA
from web import jsonld

BASE = "http://example.org/"
DOC = "resume.json"
# One record of each kind an importer makes, named as the kind (papers and roles come from their own records).
ENTITY_KINDS = ["person", "organization", "project", "initiative", "event", "topic", "place"]


@pytest.fixture(scope="module")
def types() -> dict[str, set[URIRef]]:
    """kind -> the classes the builder gave the one resource of that kind."""
    records = [SourceDocument(DOC, "resume", "application/json"), Owner("Ada Lovelace", Origin(DOC, 1)),
               *[Entity(kind, f"A {kind} of the test", Origin(DOC, 2 + n)) for n, kind in enumerate(ENTITY_KINDS)],
               Paper("Notes on the Engine", [Author("Ada Lovelace")], Origin(DOC, 20), date=PartialDate(1843))]
    built = build_graph(records, BASE)
    found: dict[str, set[URIRef]] = {}
    for s, _, o, _ in built.dataset.quads((None, RDF.type, None, None)):
        parsed = iris.parse(BASE, str(s))
        if parsed:
            found.setdefault(parsed[0], set()).add(o)
    return found


@pytest.mark.parametrize("kind", [*ENTITY_KINDS, "paper"])
def test_a_built_resource_carries_its_kinds_classes(types, kind: str) -> None:
    spec = iris.KINDS[kind]
    assert spec.rdf_type in types[kind]
    assert SCHEMA[spec.schema_type] in types[kind], f"a {kind} is no schema:{spec.schema_type} in the graph"
    if spec.foaf_type is not None:
        assert spec.foaf_type in types[kind]


@pytest.mark.parametrize("kind", list(iris.KINDS))
def test_json_ld_types_a_kind_as_the_table_does(kind: str) -> None:
    assert jsonld.KIND_TYPES[kind] == iris.KINDS[kind].schema_type
