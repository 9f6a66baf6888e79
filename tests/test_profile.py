"""The bundled profile, built end to end, answers the questions its homepage answers."""

from __future__ import annotations

import pytest

from kg.settings import PROJECT_ROOT

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX kg: <https://w3id.org/scholarly-kg/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
BASE = "http://127.0.0.1:8000/"
OWNER = BASE + "id/person/alex-hernandez-garcia"


def rows(store, sparql: str) -> list[dict[str, str]]:
    return [{v.value: (s[v].value if s[v] is not None else None) for v in result.variables}
            for result in [store.query(PREFIXES + sparql)] for s in result]


def values(store, sparql: str) -> set[str]:
    return {next(iter(r.values())) for r in rows(store, sparql)}


def test_every_paper_has_a_date_ordered_authors_and_an_abstract(store):
    papers = rows(store, """SELECT ?p (COUNT(DISTINCT ?date) AS ?dates) (COUNT(DISTINCT ?abstract) AS ?abstracts)
        (COUNT(DISTINCT ?slot) AS ?authors) WHERE {
          ?p a schema:ScholarlyArticle . OPTIONAL { ?p schema:datePublished ?date }
          OPTIONAL { ?p schema:abstract ?abstract } OPTIONAL { ?p kg:authorship ?slot } } GROUP BY ?p""")
    assert len(papers) == 21
    assert all(p["dates"] == "1" and p["abstracts"] == "1" and int(p["authors"]) >= 1 for p in papers), papers


def test_authors_in_order_with_truncation_and_an_organization_author(store):
    authors = [r["name"] for r in rows(store, """SELECT ?pos ?name WHERE {
        ?p schema:name "Crystal-GFN: sampling crystals with desirable properties and constraints" ;
           kg:authorship [ schema:position ?pos ; schema:author [ schema:name ?name ] ] } ORDER BY ?pos""")]
    assert authors == ["Mila AI4Science", "Alex Hernandez-Garcia", "Alexandre Duval"]
    assert values(store, """SELECT ?t WHERE { ?o schema:name "Mila AI4Science" ; a ?t }""") >= {
        "https://schema.org/Organization"}
    truncated = values(store, "SELECT ?p WHERE { ?p a kg:TruncatedAuthorList }")
    listing = (PROJECT_ROOT / "content" / "listing-2026.txt").read_text()
    assert len(truncated) == listing.count(" et al.")
    complete = values(store, """SELECT ?t WHERE { ?p a schema:ScholarlyArticle ; schema:name ?t
                                FILTER NOT EXISTS { ?p a kg:TruncatedAuthorList } }""")
    assert "Counting Carbon: A Survey of Factors Influencing the Emissions of Machine Learning" in complete


def test_arxiv_category_is_kept(store):
    assert values(store, """SELECT ?code WHERE { ?p schema:name "Hard-Constrained Deep Learning for Climate Downscaling" ;
                                                 schema:about/schema:termCode ?code }""") == {"physics.ao-ph"}


def test_positions_past_and_present_with_dates(store):
    roles = rows(store, f"""SELECT ?name ?org ?start WHERE {{ <{OWNER}> schema:worksFor ?r .
        ?r schema:roleName ?name ; schema:worksFor/schema:name ?org . OPTIONAL {{ ?r schema:startDate ?start }} }}""")
    got = {(r["name"].lower(), r["org"], r["start"]) for r in roles}
    assert ("postdoctoral researcher", "Mila", "2020-12") in got
    assert ("assistant professor", "Mila", None) in got
    assert ("assistant professor", "Université de Montréal", None) in got


def test_education_and_supervisors_and_hosts(store):
    phd = rows(store, f"""SELECT ?start ?end ?sup WHERE {{ <{OWNER}> schema:alumniOf ?r .
        ?r schema:roleName "PhD" ; schema:startDate ?start ; schema:endDate ?end ;
           kg:supervisor/schema:name ?sup }}""")
    assert phd == [{"start": "2016", "end": "2020", "sup": "Peter König"}]
    people = values(store, """SELECT ?n WHERE { ?r kg:supervisor|kg:host ?p . ?p schema:name ?n }""")
    assert people == {"Peter König", "Yoshua Bengio", "David Rolnick", "Tim Kietzmann", "Serge Dumoulin"}
    assert values(store, """SELECT ?p WHERE { ?p schema:name "Yoshua Bengio" ; schema:honorificPrefix "Prof." }""")


def test_projects_with_repository_and_team(store):
    assert values(store, """SELECT ?repo WHERE { ?p a schema:Project ; schema:codeRepository ?repo }""") == {
        "https://github.com/alexhernandezgarcia/gflownet"}
    team = values(store, """SELECT ?n WHERE { ?p a schema:Project ; schema:url <https://thisclimatedoesnotexist.com/> ;
                                                schema:member/schema:name ?n }""")
    assert {"Victor Schmidt", "Alexandra Sasha Luccioni"} <= team


@pytest.mark.parametrize("initiative, role", [
    ("Science for the People", None), ("AI4Good Lab", "mentor"), ("Fatima Fellowship", "mentor"),
    ("LatinX in AI", "mentor"), ("Equity, Diversity and Inclusion Committee", "member"),
    ("Sustainability Committee", "member"), ("Against Military AI", "co-organiser"),
    ("workshop on pre-registration in machine learning", "co-organiser"),
    ("AI Helps Ukraine - Charity Conference", "co-organiser"),
])
def test_every_initiative_has_the_owners_role(store, initiative, role):
    names = values(store, f"""SELECT ?role WHERE {{ <{OWNER}> schema:memberOf ?r . ?r schema:roleName ?role ;
        schema:memberOf ?i . ?i a kg:Initiative ; schema:name ?n . FILTER(LCASE(?n) = LCASE("{initiative}")) }}""")
    assert names, f"no role in {initiative}"
    if role:
        assert role in {n.lower() for n in names}


def test_lab_representative_dates(store):
    assert rows(store, f"""SELECT ?s ?e WHERE {{ <{OWNER}> schema:memberOf ?r . ?r schema:roleName ?n ;
        schema:startDate ?s ; schema:endDate ?e . FILTER(CONTAINS(LCASE(?n), "lab representative")) }}""") == [
        {"s": "2021", "e": "2022"}]


def test_diro_is_part_of_universite_de_montreal(store):
    assert values(store, """SELECT ?n WHERE { ?d schema:name "DIRO" ; schema:parentOrganization/schema:name ?n }""") == {
        "Université de Montréal"}


def test_one_person_one_iri_across_sources(store):
    sasha = values(store, """SELECT ?p WHERE { { ?p schema:url <https://www.sashaluccioni.com/> } UNION
        { ?paper schema:name ?t ; schema:author ?p . ?p schema:alternateName|schema:name "Alexandra Sasha Luccioni" } }""")
    assert len(sasha) == 1
    alexandras = values(store, """SELECT ?p WHERE { ?p a schema:Person ; schema:name ?n FILTER(STRSTARTS(?n, "Alexandra")) }""")
    assert len(alexandras) == 2  # Alexandra Sasha Luccioni and Alexandra Volokhova stay apart


def test_as_of_2022_is_what_the_2022_homepage_said(store):
    from kg.store.queries import load_queries, run

    as_of = {(r["roleName"].value.lower(), r["organizationName"].value)
             for r in run(store, load_queries()["profile-as-of"], {"date": "2022-06-01"}, BASE)}
    assert ("postdoctoral researcher", "Mila") in as_of
    assert not any(name == "assistant professor" for name, _ in as_of)
    now = {r["roleName"].value.lower() for r in run(store, load_queries()["profile-as-of"], {}, BASE)}
    assert "assistant professor" in now and "postdoctoral researcher" not in now


def test_each_source_document_is_a_named_graph_with_provenance(store):
    docs = rows(store, """SELECT ?g ?name ?agent WHERE { GRAPH <http://127.0.0.1:8000/graph/provenance> {
        ?g schema:name ?name ; prov:wasGeneratedBy/prov:wasAssociatedWith/schema:name ?agent } }""")
    by_name = {d["name"]: d["agent"] for d in docs}
    assert by_name == {"entities.yml": "kg.sources.entities", "homepage-2022.md": "kg.sources.homepage",
                       "homepage.md": "kg.sources.homepage", "listing-2026.txt": "kg.sources.listing",
                       "papers.bib": "kg.sources.bibtex", "resume.json": "kg.sources.resume"}
    graphs = values(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {d["g"] for d in docs} <= graphs


def test_every_paper_traces_to_its_line_in_the_listing(store):
    lines = rows(store, """SELECT ?t ?line WHERE { ?p schema:name ?t ; prov:wasDerivedFrom ?loc .
        ?loc kg:line ?line ; prov:wasQuotedFrom <http://127.0.0.1:8000/source/listing-2026> }""")
    assert len(lines) == 21
    assert {"t": "Multi-Objective GFlowNets", "line": "1"} in lines


def test_homepage_versions_carry_their_dates(store):
    dates = rows(store, """SELECT ?name ?date WHERE { ?d a kg:HomepageVersion ; schema:name ?name ;
                                                        kg:versionDate ?date }""")
    assert {"name": "homepage-2022.md", "date": "2022-01-01"} in dates


def test_foaf_and_schema_find_the_same_people_and_authors(store):
    assert values(store, "SELECT ?p WHERE { ?p a schema:Person }") == values(store, "SELECT ?p WHERE { ?p a foaf:Person }")
    assert values(store, "SELECT ?x WHERE { ?a schema:author ?x . ?a a schema:ScholarlyArticle }") == values(
        store, "SELECT ?x WHERE { ?a foaf:maker ?x }")


def test_the_email_is_never_plain(store):
    assert not values(store, 'SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "@mila.quebec")) }')
