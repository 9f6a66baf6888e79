"""SHACL and OWL validation of small profile graphs built as docs/model.md describes."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

import kg.build.validate as kv
from kg.build.validate import Problem, java_available, schema_terms_missing, validate
from kg import vocab

# Plain namespaces: rdflib's closed ones warn when pytest probes module attributes.
SCHEMA, FOAF, PROV, XSD, KG = (Namespace(str(ns)) for ns in (vocab.SCHEMA, vocab.FOAF, vocab.PROV, vocab.XSD, vocab.KG))

BASE = "http://127.0.0.1:8000/"
SOURCE = URIRef(BASE + "source/publications")
RESUME = URIRef(BASE + "source/resume")
PROVENANCE = URIRef(BASE + "graph/provenance")
OWNER = URIRef(BASE + "id/person/ada-lovelace")
COAUTHOR = URIRef(BASE + "id/person/charles-babbage")
ORG = URIRef(BASE + "id/organization/university-of-london")
PAPER = URIRef(BASE + "id/paper/notes-on-the-analytical-engine")
ROLE = URIRef(BASE + "id/role/ada-lovelace--university-of-london--phd")
TOPIC = URIRef(BASE + "id/topic/cs-lg")
PROJECT = URIRef(BASE + "id/project/engine")

needs_java = pytest.mark.skipif(not java_available(), reason="needs Java: apt-get install default-jre-headless")


def line(source: URIRef, n: int) -> URIRef:
    return URIRef(f"{source}#line={n}")


def profile(store: str = "default") -> Dataset:
    """A small well-formed profile: owner, co-author, university, one paper with two authorships, a PhD role."""
    ds = Dataset(store=store)
    g = ds.graph(SOURCE)
    for person, name in ((OWNER, "Ada Lovelace"), (COAUTHOR, "Charles Babbage")):
        g.add((person, RDF.type, SCHEMA.Person))
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, SCHEMA.name, Literal(name)))
    g.add((OWNER, RDF.type, KG.Owner))
    g.add((OWNER, SCHEMA.honorificPrefix, Literal("Dr")))
    g.add((ORG, RDF.type, SCHEMA.Organization))
    g.add((ORG, RDF.type, SCHEMA.CollegeOrUniversity))
    g.add((ORG, SCHEMA.name, Literal("University of London")))
    g.add((PAPER, RDF.type, SCHEMA.ScholarlyArticle))
    g.add((PAPER, SCHEMA.name, Literal("Notes on the Analytical Engine")))
    g.add((PAPER, SCHEMA.datePublished, Literal("1843-09", datatype=XSD.gYearMonth)))
    g.add((PAPER, SCHEMA.abstract, Literal("Notes.")))
    g.add((PAPER, SCHEMA.about, TOPIC))
    for n, person in enumerate((OWNER, COAUTHOR), start=1):
        authorship = URIRef(f"{PAPER}#author-{n}")
        g.add((PAPER, SCHEMA.author, person))
        g.add((PAPER, KG.authorship, authorship))
        g.add((authorship, RDF.type, KG.Authorship))
        g.add((authorship, SCHEMA.position, Literal(n)))
        g.add((authorship, SCHEMA.author, person))
    g.add((TOPIC, RDF.type, SCHEMA.DefinedTerm))
    g.add((TOPIC, SCHEMA.name, Literal("Machine Learning")))
    g.add((PROJECT, RDF.type, SCHEMA.Project))
    g.add((PROJECT, RDF.type, FOAF.Project))
    g.add((PROJECT, RDF.type, SCHEMA.SoftwareSourceCode))
    g.add((PROJECT, SCHEMA.name, Literal("Engine")))
    g.add((PROJECT, SCHEMA.member, OWNER))
    r = ds.graph(RESUME)
    r.add((OWNER, SCHEMA.alumniOf, ROLE))
    r.add((ROLE, RDF.type, SCHEMA.Role))
    r.add((ROLE, RDF.type, SCHEMA.OrganizationRole))
    r.add((ROLE, SCHEMA.alumniOf, ORG))
    r.add((ROLE, SCHEMA.roleName, Literal("PhD")))
    r.add((ROLE, SCHEMA.startDate, Literal("1840", datatype=XSD.gYear)))
    r.add((ROLE, SCHEMA.endDate, Literal("1843-05-01", datatype=XSD.date)))
    r.add((ROLE, KG.supervisor, COAUTHOR))
    p = ds.graph(PROVENANCE)
    for source, path in ((SOURCE, "publications.bib"), (RESUME, "resume.md")):
        p.add((source, RDF.type, PROV.Entity))
        p.add((source, RDF.type, SCHEMA.DigitalDocument))
        p.add((source, SCHEMA.name, Literal(path)))
        p.add((source, PROV.wasGeneratedBy, URIRef(BASE + "activity/import")))
    for subject, source, n in ((PAPER, SOURCE, 12), (ROLE, RESUME, 7)):
        p.add((subject, PROV.wasDerivedFrom, line(source, n)))
        p.add((line(source, n), KG.line, Literal(n)))
        p.add((line(source, n), PROV.wasQuotedFrom, source))
    return ds


def violations(ds: Graph, owl: bool = False) -> list[Problem]:
    return [p for p in validate(ds, owl=owl) if p.severity == "violation"]


def messages(problems: list[Problem]) -> str:
    return "\n".join(p.message for p in problems)


def test_valid_profile_has_no_violations():
    assert violations(profile()) == []


def test_oxigraph_dataset_is_validated_as_the_union():
    ds = profile(store="Oxigraph")
    assert violations(ds) == []
    ds.graph(SOURCE).remove((PAPER, SCHEMA.name, None))
    assert "no title" in messages(violations(ds))


def test_plain_graph_is_accepted():
    union = kv.union_graph(profile())
    assert violations(union) == []


def test_paper_without_title():
    ds = profile()
    ds.graph(SOURCE).remove((PAPER, SCHEMA.name, None))
    found = violations(ds)
    assert [p.message for p in found] == ["A paper has no title (schema:name)."]
    assert found[0].focus == str(PAPER) and found[0].path == str(SCHEMA.name)


def test_paper_without_author():
    ds = profile()
    ds.graph(SOURCE).remove((PAPER, SCHEMA.author, None))
    text = messages(violations(ds))
    assert "A paper has no author (schema:author)." in text
    assert "who is not among its authors" in text


def test_paper_with_bad_date_datatype():
    ds = profile()
    g = ds.graph(SOURCE)
    g.set((PAPER, SCHEMA.datePublished, Literal("September 1843")))
    assert "is not typed xsd:date, xsd:gYearMonth or xsd:gYear" in messages(violations(ds))


def test_nested_results_are_not_reported_twice():
    ds = profile()
    ds.graph(SOURCE).set((PAPER, SCHEMA.datePublished, Literal("September 1843")))
    assert [p.message for p in violations(ds)] == [
        "A paper's publication date (schema:datePublished) is not typed xsd:date, xsd:gYearMonth or xsd:gYear."
    ]


def test_malformed_date_literal_is_caught():
    ds = profile()
    ds.graph(SOURCE).set((PAPER, SCHEMA.datePublished, Literal("1843-13", datatype=XSD.gYearMonth)))
    assert "publication date" in messages(violations(ds))


def test_authorship_without_position():
    ds = profile()
    ds.graph(SOURCE).remove((URIRef(f"{PAPER}#author-2"), SCHEMA.position, None))
    found = violations(ds)
    assert [p.message for p in found] == ["An authorship (kg:Authorship) has no position (schema:position)."]
    assert found[0].source == "publications.bib:12"


def test_authorship_count_must_match_authors():
    ds = profile()
    ds.graph(SOURCE).add((PAPER, SCHEMA.author, URIRef(BASE + "id/organization/university-of-london")))
    assert "A paper has 2 authorships (kg:authorship) but 3 authors" in messages(violations(ds))


def test_duplicate_positions():
    ds = profile()
    ds.graph(SOURCE).set((URIRef(f"{PAPER}#author-2"), SCHEMA.position, Literal(1)))
    assert "share position 1" in messages(violations(ds))


def test_role_without_organization():
    ds = profile()
    ds.graph(RESUME).remove((ROLE, SCHEMA.alumniOf, None))
    found = violations(ds)
    assert [p.message for p in found] == [
        "A role must point to exactly one organization through exactly one of schema:worksFor, "
        "schema:memberOf or schema:alumniOf."
    ]
    assert found[0].source == "resume.md:7"


def test_role_held_by_no_one_names_the_inverse_path():
    ds = profile()
    ds.graph(RESUME).add((ROLE, RDF.type, SCHEMA.EmployeeRole))
    ds.graph(RESUME).remove((OWNER, SCHEMA.alumniOf, ROLE))
    (problem,) = violations(ds)
    assert problem.message.startswith("No one holds this role")
    assert problem.path == "^(<https://schema.org/worksFor>|<https://schema.org/memberOf>|<https://schema.org/alumniOf>)"


def test_role_with_two_organizations():
    ds = profile()
    other = URIRef(BASE + "id/organization/royal-society")
    g = ds.graph(RESUME)
    g.add((other, RDF.type, SCHEMA.Organization))
    g.add((other, SCHEMA.name, Literal("Royal Society")))
    g.add((ROLE, SCHEMA.memberOf, other))
    assert "exactly one organization" in messages(violations(ds))


def test_role_ending_before_it_starts():
    ds = profile()
    ds.graph(RESUME).set((ROLE, SCHEMA.endDate, Literal("1839", datatype=XSD.gYear)))
    assert "comes before the start date" in messages(violations(ds))


def test_exactly_one_owner():
    ds = profile()
    ds.graph(SOURCE).add((COAUTHOR, RDF.type, KG.Owner))
    assert "more than one owner" in messages(violations(ds))
    ds = profile()
    ds.graph(SOURCE).remove((OWNER, RDF.type, KG.Owner))
    assert "no owner" in messages(violations(ds))


def test_problems_carry_source_line():
    ds = profile()
    ds.graph(SOURCE).remove((PAPER, SCHEMA.name, None))
    (problem,) = violations(ds)
    assert problem.source == "publications.bib:12"
    assert str(problem).startswith("publications.bib:12: violation: A paper has no title")


def test_problem_without_provenance_has_no_source():
    ds = profile()
    ds.graph(SOURCE).remove((TOPIC, SCHEMA.name, None))
    (problem,) = violations(ds)
    assert problem.message == "A topic (schema:DefinedTerm) has no name (schema:name)."
    assert problem.source is None


@pytest.mark.java
@needs_java
def test_valid_profile_is_owl_consistent():
    assert violations(profile(), owl=True) == []


@pytest.mark.java
@needs_java
def test_owl_inconsistency_is_reported():
    ds = profile()
    ds.graph(SOURCE).add((PAPER, RDF.type, SCHEMA.Person))
    ds.graph(SOURCE).add((PAPER, SCHEMA.name, Literal("Ada")))
    owl_only = kv.owl_problems(kv.union_graph(ds))
    assert len(owl_only) == 1
    (problem,) = owl_only
    assert problem.severity == "violation"
    assert "logically inconsistent" in problem.message
    assert "schema:Person and schema:ScholarlyArticle, which are disjoint" in problem.message
    assert problem.focus == str(PAPER) and problem.source == "publications.bib:12"


@pytest.mark.java
@needs_java
def test_owl_catches_a_supervisor_that_is_an_organization():
    ds = profile()
    ds.graph(RESUME).set((ROLE, KG.supervisor, ORG))
    (problem,) = kv.owl_problems(kv.union_graph(ds))
    assert "both schema:Organization and schema:Person" in problem.message and problem.focus == str(ORG)


def test_java_missing_gives_a_warning(monkeypatch):
    monkeypatch.setattr(kv.shutil, "which", lambda name: None)
    assert not java_available()
    problems = validate(profile(), owl=True)
    assert problems == [Problem("warning", "", None, kv.JAVA_MISSING, None)]
    assert "apt-get install default-jre-headless" in problems[0].message


def test_schema_terms_missing():
    ds = profile()
    assert schema_terms_missing(ds) == set()
    ds.graph(SOURCE).add((PAPER, SCHEMA.titel, Literal("typo")))
    ds.graph(SOURCE).add((PAPER, RDF.type, SCHEMA.ScholarlyPaper))
    assert schema_terms_missing(ds) == {str(SCHEMA.titel), str(SCHEMA.ScholarlyPaper)}


ILL_TYPED_NT = """<https://a.example/p> <https://schema.org/name> "Plain text, ^^ in it" .
<https://a.example/p> <https://schema.org/position> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<https://a.example/p> <https://schema.org/position> "first"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:b <https://schema.org/datePublished> "2020-13-45"^^<http://www.w3.org/2001/XMLSchema#date> .
<https://a.example/p> <https://schema.org/isAccessibleForFree> "maybe" ^^<http://www.w3.org/2001/XMLSchema#boolean> .
<https://a.example/p> <https://schema.org/dateCreated> "2021-02-03"^^<http://www.w3.org/2001/XMLSchema#date> .
"""


def test_a_check_reads_an_ntriples_file_from_the_lines_it_declares(tmp_path):
    """ill-typed-literal declares `#+ lines: ^^`: read from those lines of an N-Triples file it finds what it
    finds in the whole graph, at the same file lines."""
    import pyoxigraph as ox
    from kg.build.validate import check_problems, load_checks

    assert next(c for c in load_checks() if c.name == "ill-typed-literal").lines == b"^^"
    path = tmp_path / "data.nt"
    path.write_text(ILL_TYPED_NT)
    graph = "https://kg.example/source/data.nt"
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    empty = ox.Store()  # from the lines alone: the store holds none of it
    args = ({graph: "data.nt"}, [], {graph: path}, ("imported",))
    whole = [(p.message, p.source) for p in check_problems(store, *args)]
    lines = [(p.message, p.source) for p in check_problems(empty, *args, ntriples={graph: path})]
    assert sorted(lines) == sorted(whole)
    assert {source for _, source in whole} == {"data.nt:3", "data.nt:4", "data.nt:5"}
