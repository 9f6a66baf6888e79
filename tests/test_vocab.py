"""The ontology and shapes files: they parse, define every own term, and use only real schema.org terms."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg import vocab
from kg.build.validate import KG_ONTOLOGY, SCHEMA_VOCAB, SHAPES, schema_vocab

KG_NS = str(vocab.KG)
SCHEMA_NS = "https://schema.org/"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
TIES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
KIND_TYPES = {"class": {OWL.Class}, "property": {OWL.ObjectProperty, OWL.DatatypeProperty}}
SHARED_VOCAB = Path("/work/shared/vocab/schemaorg-current-https.ttl")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(KG_ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def schema_iris(graph: Graph) -> set[str]:
    """Every schema.org IRI in graph's triples, and every schema: name in its SPARQL strings."""
    found = {str(t) for triple in graph for t in triple
             if isinstance(t, URIRef) and str(t).startswith(SCHEMA_NS) and str(t) != SCHEMA_NS}
    for query in graph.objects(None, SH.select):
        found |= {SCHEMA_NS + name for name in re.findall(r"\bschema:(\w+)", str(query))}
    return found


def test_files_parse(ontology: Graph, shapes: Graph):
    assert (URIRef(KG_NS.rstrip("#")), RDF.type, OWL.Ontology) in ontology
    assert ontology.value(URIRef(KG_NS.rstrip("#")), OWL.versionInfo) is not None
    assert len(shapes) > 0 and any(shapes.subjects(RDF.type, SH.NodeShape))


@pytest.mark.parametrize("term", sorted(vocab.KG_TERMS))
def test_own_term_is_defined_and_tied(ontology: Graph, term: str):
    iri = vocab.KG[term]
    kind = vocab.KG_TERMS[term].split(":", 1)[0]
    assert set(ontology.objects(iri, RDF.type)) & KIND_TYPES[kind], f"kg:{term} is not declared as a {kind}"
    assert ontology.value(iri, RDFS.label) is not None, f"kg:{term} has no rdfs:label"
    assert ontology.value(iri, RDFS.comment) is not None, f"kg:{term} has no rdfs:comment"
    ties = {str(o) for p in TIES for o in ontology.objects(iri, p)}
    assert any(t.startswith((SCHEMA_NS, FOAF_NS)) for t in ties), f"kg:{term} is not tied to schema.org or FOAF"


def test_ontology_defines_no_term_outside_kg_terms(ontology: Graph):
    defined = {str(s)[len(KG_NS):] for s in ontology.subjects() if str(s).startswith(KG_NS)}
    assert defined == set(vocab.KG_TERMS)


def test_shapes_use_only_own_terms_that_exist(shapes: Graph):
    used = {str(t)[len(KG_NS):] for triple in shapes for t in triple
            if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
    assert used <= set(vocab.KG_TERMS)


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_schema_terms_exist_in_the_vocabulary_copy(ontology: Graph, shapes: Graph, name: str):
    graph = ontology if name == "kg.ttl" else shapes
    missing = schema_iris(graph) - schema_vocab().terms
    assert not missing, f"{name} uses schema.org terms not in release 30.0: {sorted(missing)}"


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def test_every_targeted_property_shape_has_a_message(shapes: Graph):
    targeted = {s for t in TARGETS for s in shapes.subjects(t, None)}
    silent = [p for s in targeted for p in shapes.objects(s, SH.property) if shapes.value(p, SH.message) is None]
    assert not silent


def test_disjointness_is_declared(ontology: Graph):
    person = URIRef(SCHEMA_NS + "Person")
    disjoint = set(ontology.objects(person, OWL.disjointWith)) | set(ontology.subjects(OWL.disjointWith, person))
    assert {URIRef(SCHEMA_NS + "Organization"), URIRef(SCHEMA_NS + "ScholarlyArticle")} <= disjoint


@pytest.mark.skipif(not SHARED_VOCAB.exists(), reason="no shared vocabulary folder to compare with")
def test_vocabulary_copy_is_unmodified():
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(SCHEMA_VOCAB) == digest(SHARED_VOCAB)


def test_every_type_the_build_materialises_is_entailed_by_the_ontology():
    """The builder's inference table says nothing kg.ttl or schema.org's own hierarchy does not."""
    from rdflib import Graph
    from rdflib.namespace import OWL, RDFS

    from kg.build.inference import TYPE_RULES

    g = Graph()
    g.parse(KG_ONTOLOGY)
    g.parse(SCHEMA_VOCAB)
    supers = {}

    def above(cls):
        if cls not in supers:
            supers[cls] = set()
            direct = set(g.objects(cls, RDFS.subClassOf)) | set(g.objects(cls, OWL.equivalentClass)) | set(
                g.subjects(OWL.equivalentClass, cls))
            for parent in direct:
                supers[cls] |= {parent} | above(parent)
        return supers[cls]

    for cls, implied in TYPE_RULES.items():
        for target in implied:
            assert target in above(cls), f"{cls} -> {target} is not in the ontology"
