"""The builder on small record sets: resolution both ways, roles over time, provenance, materialised FOAF."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef

from kg.build.graph import build_graph
from kg.errors import BuildError
from kg.records import (Alias, Author, Entity, Origin, Owner, Paper, PartialDate, Role, SourceDocument,
                        Warning_)
from kg.vocab import FOAF, KG, PROV, RDF, SCHEMA, XSD

BASE = "http://example.org/"
RESUME, LISTING = "resume.json", "listing-2026.txt"


def text(value: str) -> Literal:
    """A plain string literal as Oxigraph returns it (RDF 1.1: typed xsd:string)."""
    return Literal(value, datatype=XSD.string)


def person(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/person/{slug}")


def build(*records):
    docs = [SourceDocument(RESUME, "resume", "application/json"), SourceDocument(LISTING, "listing", "text/plain"),
            Owner("Alex Hernandez-Garcia", Origin(RESUME, 2))]
    return build_graph([*docs, *records], BASE)


def paper(title: str, *authors: str, line: int = 1, **kw) -> Paper:
    return Paper(title, [Author(a) for a in authors], Origin(LISTING, line), date=PartialDate(2023, 2, 16), **kw)


def union(built):
    return {(s, p, o) for s, p, o, _ in built.dataset.quads((None, None, None, None))}


def test_same_person_under_two_names_is_one_resource():
    built = build(Entity("person", "Sasha Luccioni", Origin(RESUME, 9), url="https://www.sashaluccioni.com/"),
                  paper("Counting Carbon", "Alexandra Sasha Luccioni", "Alex Hernandez-Garcia"))
    people = {s for s, p, o in union(built) if p == RDF.type and o == SCHEMA.Person}
    assert people == {person("sasha-luccioni"), person("alex-hernandez-garcia")}
    assert (person("sasha-luccioni"), SCHEMA.alternateName, text("Alexandra Sasha Luccioni")) in union(built)


def test_people_sharing_a_first_name_stay_apart():
    built = build(paper("A", "Alexandra Volokhova", "Alexandra Sasha Luccioni", line=1),
                  paper("B", "Lena Podina", "Léna Néhale Ezzine", line=4),
                  paper("C", "Victor Schmidt", "Luca Schmidt", line=7))
    people = {s for s, p, o in union(built) if p == RDF.type and o == SCHEMA.Person}
    assert len(people) == 7  # six authors and the owner


def test_explicit_alias_merges_names_the_rules_would_not():
    built = build(Alias("Alex Hernandez-Garcia", "A. Hernández", Origin("entities.yml", 3)),
                  paper("A", "A. Hernández", "Moksh Jain"))
    authors = {o for s, p, o in union(built) if p == SCHEMA.author and not str(s).count("#")}
    assert person("alex-hernandez-garcia") in authors


def test_authors_keep_their_order_and_truncation():
    built = build(paper("Multi-Objective GFlowNets", "Moksh Jain", "Sharath Chandra Raparthy",
                        "Alex Hernandez-Garcia", truncated=True))
    g = union(built)
    s = URIRef(f"{BASE}id/paper/multi-objective-gflownets")
    order = sorted((int(pos), who) for slot in [o for x, p, o in g if x == s and p == KG.authorship]
                   for x2, p2, pos in g if x2 == slot and p2 == SCHEMA.position
                   for x3, p3, who in g if x3 == slot and p3 == SCHEMA.author)
    assert [who for _, who in order] == [person("moksh-jain"), person("sharath-chandra-raparthy"),
                                          person("alex-hernandez-garcia")]
    assert (s, RDF.type, KG.TruncatedAuthorList) in g


def test_organization_author_is_an_organization():
    built = build(paper("Crystal-GFN", "Mila AI4Science", "Alex Hernandez-Garcia"))
    built2 = build_graph([SourceDocument(LISTING, "listing", "text/plain"), Owner("Alex Hernandez-Garcia",
                          Origin(RESUME, 1)),
                          Paper("Crystal-GFN", [Author("Mila AI4Science", True)], Origin(LISTING, 1))], BASE)
    assert (URIRef(f"{BASE}id/organization/mila-ai4science"), RDF.type, SCHEMA.Organization) in union(built2)
    assert built is not None


def test_roles_carry_dates_at_their_precision():
    built = build(Entity("organization", "Mila", Origin(RESUME, 5), url="https://mila.quebec"),
                  Role("work", "Mila", "Postdoctoral Researcher", Origin(RESUME, 7), start=PartialDate(2020, 12),
                       supervisors=["Yoshua Bengio"]),
                  Role("education", "University of Osnabrück", "PhD", Origin(RESUME, 12),
                       start=PartialDate(2016), end=PartialDate(2020)))
    g = union(built)
    postdoc = URIRef(f"{BASE}id/role/alex-hernandez-garcia--mila--postdoctoral-researcher")
    assert (postdoc, SCHEMA.startDate, Literal("2020-12", datatype=XSD.gYearMonth)) in g
    assert not [o for s, p, o in g if s == postdoc and p == SCHEMA.endDate]
    assert (postdoc, KG.supervisor, person("yoshua-bengio")) in g
    phd = URIRef(f"{BASE}id/role/alex-hernandez-garcia--university-of-osnabruck--phd")
    assert (person("alex-hernandez-garcia"), SCHEMA.alumniOf, phd) in g
    assert (phd, SCHEMA.endDate, Literal("2020", datatype=XSD.gYear)) in g


def test_each_source_is_its_own_graph_with_provenance_and_lines():
    built = build(paper("Counting Carbon", "Alex Hernandez-Garcia", line=19))
    listing_graph = URIRef(f"{BASE}source/listing-2026")
    s = URIRef(f"{BASE}id/paper/counting-carbon")
    assert (s, SCHEMA.name, text("Counting Carbon"), listing_graph) in set(
        built.dataset.quads((s, SCHEMA.name, None, None)))
    loc = URIRef(f"{listing_graph}#line=19")
    assert (s, PROV.wasDerivedFrom, loc) in union(built)
    assert (listing_graph, PROV.wasGeneratedBy, URIRef(f"{listing_graph}#import")) in union(built)


def test_foaf_equivalents_are_materialised():
    g = union(build(paper("Counting Carbon", "Alex Hernandez-Garcia")))
    owner = person("alex-hernandez-garcia")
    assert (owner, RDF.type, FOAF.Person) in g
    assert (owner, FOAF.name, text("Alex Hernandez-Garcia")) in g
    assert (URIRef(f"{BASE}id/paper/counting-carbon"), FOAF.maker, owner) in g


def test_a_renamed_resource_keeps_its_old_iri_as_a_redirect():
    first = build(Entity("person", "Sasha Luccioni", Origin(RESUME, 9), url="https://www.sashaluccioni.com/"))
    second = build_graph([SourceDocument(RESUME, "resume", "application/json"),
                          Owner("Alex Hernandez-Garcia", Origin(RESUME, 2)),
                          Entity("person", "Alexandra Luccioni", Origin(RESUME, 9),
                                 url="https://www.sashaluccioni.com/")], BASE, previous_ledger=first.ledger)
    assert second.redirects == {str(person("sasha-luccioni")): str(person("alexandra-luccioni"))}


def test_rebuilding_the_same_records_mints_the_same_iris():
    records = [paper("Counting Carbon", "Alexandra Sasha Luccioni", "Alex Hernandez-Garcia")]
    assert build(*records).ledger == build(*records).ledger


def test_importer_warnings_are_reported_with_their_place():
    built = build(Warning_("unknown arXiv code 'XX'", Origin(LISTING, 7)))
    assert built.warnings == [f"{LISTING}:7: unknown arXiv code 'XX'"]


def test_no_owner_is_an_error():
    with pytest.raises(BuildError, match=f"^{re.escape(LISTING)}:1: no owner"):
        build_graph([SourceDocument(LISTING, "listing", "text/plain")], BASE)


def test_selected_papers_are_marked():
    built = build(paper("Counting Carbon", "Alex Hernandez-Garcia", selected=True), paper("Other", "Alex Hernandez-Garcia", line=4))
    selected = {s for s, p, o in union(built) if p == RDF.type and o == KG.SelectedPaper}
    assert selected == {URIRef(f"{BASE}id/paper/counting-carbon")}
