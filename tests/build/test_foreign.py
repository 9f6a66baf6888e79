"""Imported RDF taken as it is: plain schema.org and FOAF folders build, their author order and positions come out
in the model the pages read, broken literals are warnings with file:line, and the owner is found three ways."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.build.pipeline import build
from kg.store.queries import load_queries, run
from kg.settings import PROJECT_ROOT, load_settings
from kg.store.embedded import EmbeddedStore

BASE = "http://127.0.0.1:8000/"
REAL = Path(__file__).parents[1] / "data" / "rdf"
sys.path.insert(0, str(PROJECT_ROOT / "bench"))

PEOPLE = f"""@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix person: <{BASE}id/person/> .
@prefix org: <{BASE}id/organization/> .
@prefix paper: <{BASE}id/paper/> .

person:ada-lovelace a schema:Person ; schema:name "Ada Lovelace" ;
    schema:birthDate "last spring" ;
    schema:worksFor [ a schema:OrganizationRole ; schema:worksFor org:engine-lab ;
                      schema:roleName "Professor" ; schema:startDate "2020"^^xsd:gYear ] ;
    schema:memberOf [ a schema:EmployeeRole ; schema:memberOf org:reading-club ;
                      schema:startDate "2019-01-01"^^xsd:date ] ;
    schema:alumniOf org:old-university .
person:zoe-zed a schema:Person ; schema:name "Zoe Zed" .
org:engine-lab a schema:Organization ; schema:name "Engine Lab" .
org:reading-club a schema:Organization ; schema:name "Reading Club" .
org:old-university a schema:CollegeOrUniversity ; schema:name "Old University" .
"""
PAPERS = f"""@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix person: <{BASE}id/person/> .
@prefix org: <{BASE}id/organization/> .
@prefix paper: <{BASE}id/paper/> .

paper:by-role a schema:ScholarlyArticle ; schema:name "Ordered by roles" ;
    schema:author [ a schema:Role ; schema:position 2 ; schema:author person:ada-lovelace ] ,
                  [ a schema:Role ; schema:position 1 ; schema:author person:zoe-zed ] .
paper:by-list a schema:ScholarlyArticle ; schema:name "Ordered by a list" ;
    schema:author ( person:zoe-zed person:ada-lovelace ) .
paper:no-order a schema:ScholarlyArticle ; schema:name "In no order" ;
    schema:author person:zoe-zed , person:ada-lovelace .
paper:bad-date a schema:ScholarlyArticle ; schema:name "Badly dated" ;
    schema:datePublished "2020-13-45"^^xsd:date ;
    schema:author person:ada-lovelace .
"""
PROFILE_PAGE = f"""<https://ada.example/#page> a <https://schema.org/ProfilePage> ;
    <https://schema.org/mainEntity> <{BASE}id/person/ada-lovelace> .
"""
FOAF_DOCUMENT = f"""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<> a foaf:PersonalProfileDocument ; foaf:primaryTopic <{BASE}id/person/ada-lovelace> .
"""


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    return folder


def rows(store: EmbeddedStore, name: str, **values: str) -> list[dict]:
    return run(store, load_queries()[name], values, BASE)


@pytest.fixture(scope="module")
def shapes_store(tmp_path_factory) -> EmbeddedStore:
    """A folder of plain schema.org Turtle, every author shape, the owner named by a ProfilePage."""
    root = tmp_path_factory.mktemp("shapes")
    content = write(root / "content", people_ttl=PEOPLE, papers_ttl=PAPERS, profile_ttl=PROFILE_PAGE)
    build(load_settings({"content": content, "store": root / "store"}, environ={}))
    return EmbeddedStore(root / "store")


@pytest.mark.parametrize(("paper", "names", "unknown"), [
    ("by-role", ["Zoe Zed", "Ada Lovelace"], False),
    ("by-list", ["Zoe Zed", "Ada Lovelace"], False),
    ("no-order", ["Ada Lovelace", "Zoe Zed"], True),  # no order given: by name, and said so
])
def test_author_shapes_come_out_in_order(shapes_store, paper, names, unknown) -> None:
    found = rows(shapes_store, "paper-authors", paper=f"paper/{paper}")
    assert [r["name"].value for r in found] == names
    assert [int(r["position"].value) for r in found] == [1, 2]
    ask = f"ASK {{ <{BASE}id/paper/{paper}> a <https://w3id.org/scholarly-kg/ns#AuthorOrderUnknown> }}"
    assert bool(shapes_store.query(ask)) is unknown


@pytest.mark.parametrize("paper", ["by-role", "by-list", "no-order"])
def test_paper_page_lists_authors_in_order(shapes_store, paper) -> None:
    from web import create_app

    settings = load_settings({"store": shapes_store.store_dir}, environ={})
    client = create_app(settings, shapes_store).test_client()
    page = client.get(f"/id/paper/{paper}").get_data(as_text=True)
    html = page[page.index("<main"):]  # the header names the owner, who is an author
    first, second = [r["name"].value for r in rows(shapes_store, "paper-authors", paper=f"paper/{paper}")]
    assert first in html and second in html
    assert html.index(first) < html.index(second)


def test_positions_as_organization_roles(shapes_store) -> None:
    found = {(r["category"].value, r["organizationName"].value, r.get("roleName", None) and r["roleName"].value)
             for r in rows(shapes_store, "owner-roles")}
    assert found == {("work", "Engine Lab", "Professor"), ("membership", "Reading Club", None),
                     ("education", "Old University", None)}


def test_ill_typed_literals_warn_with_file_and_line(tmp_path) -> None:
    content = write(tmp_path / "content", people_ttl=PEOPLE, papers_ttl=PAPERS, profile_ttl=PROFILE_PAGE)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    bad_date = next(n for n, line in enumerate(PAPERS.splitlines(), 1) if "2020-13-45" in line)
    spring = next(n for n, line in enumerate(PEOPLE.splitlines(), 1) if "last spring" in line)
    assert f"papers.ttl:{bad_date}: " in result.output and "is not a valid xsd:date" in result.output
    assert f"people.ttl:{spring}: " in result.output and "is not an ISO 8601 date" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("how", ["profile-page", "foaf", "flag", "environment"])
def test_owner_of_an_rdf_only_folder(tmp_path, monkeypatch, how) -> None:
    files = {"people_ttl": PEOPLE, "papers_ttl": PAPERS}
    if how == "profile-page":
        files["profile_ttl"] = PROFILE_PAGE
    elif how == "foaf":
        files["profile_ttl"] = FOAF_DOCUMENT
    args = ["build", "--content", str(write(tmp_path / "content", **files)), "--store", str(tmp_path / "store")]
    owner = f"{BASE}id/person/ada-lovelace"
    if how == "flag":
        args += ["--owner", owner]
    monkeypatch.delenv("KG_OWNER", raising=False)
    if how == "environment":
        monkeypatch.setenv("KG_OWNER", owner)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    store = EmbeddedStore(tmp_path / "store")
    assert store.meta.stats["owner"] == owner
    assert [r["name"].value for r in rows(store, "owner-profile")] == ["Ada Lovelace"]


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "no owner"),
    ({"a_ttl": PROFILE_PAGE, "b_ttl": PROFILE_PAGE.replace("ada-lovelace", "zoe-zed")}, "declares 2 owners"),
])
def test_owner_missing_or_ambiguous_is_a_clear_error(tmp_path, monkeypatch, extra, expected) -> None:
    monkeypatch.delenv("KG_OWNER", raising=False)
    content = write(tmp_path / "content", people_ttl=PEOPLE, **extra)
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output


def test_plain_schema_org_folder_of_100k_triples_builds_and_serves(tmp_path) -> None:
    import generate
    from web import create_app

    counts = generate.generate(tmp_path / "content", 100_000, BASE, plain=True)
    assert counts["triples"] >= 100_000 and not (tmp_path / "content" / "resume.json").exists()
    settings = load_settings({"content": tmp_path / "content", "store": tmp_path / "store"}, environ={})
    report = build(settings)
    assert report.meta.stats["owner"] == counts["owner"]
    store = EmbeddedStore(tmp_path / "store")
    client = create_app(settings, store).test_client()
    slug = counts["person"].rsplit("/", 1)[1]
    html = client.get(f"/id/person/{slug}")
    assert html.status_code == 200 and "text/html" in html.content_type
    turtle = client.get(f"/id/person/{slug}", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    names = {str(o) for o in graph.objects(predicate=__import__("rdflib").URIRef("https://schema.org/name"))}
    assert any(name in html.get_data(as_text=True) for name in names)
    papers = rows(store, "person-papers", person=f"person/{slug}")
    assert papers, "the person's papers are found through the normalised author links"


def test_real_foaf_profile_builds(tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REAL / "yolanda-gil-foaf", content, ignore=shutil.ignore_patterns("*.md"))
    settings = load_settings({"content": content, "store": tmp_path / "store"}, environ={})
    report = build(settings)
    owner = report.meta.stats["owner"]
    assert owner.endswith("source/foaf#me")
    store = EmbeddedStore(tmp_path / "store")
    assert [r["name"].value for r in rows(store, "owner-profile")] == ["Yolanda Gil"]
    known = {r["n"].value for r in store.query(
        "SELECT ?n WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?n }")}
    assert {"Varun Ratnakar", "Jim Hendler", "Yolanda Gil"} <= known


HTTPS_ONLY = '<https://a.example/p> <https://schema.org/name> "Plain" .\n'


@pytest.mark.parametrize(("text", "fmt", "may"), [
    (HTTPS_ONLY, "N_TRIPLES", False),
    ('<https://a.example/p> <http://schema.org/name> "Old" .\n', "N_TRIPLES", True),
    ('<https://a.example/p> <\\u0068ttp://schema.org/name> "Escaped" .\n', "N_TRIPLES", True),
    ('@prefix s: <\\u0068ttp://schema.org/> .\n<https://a.example/p> a s:Person .\n', "TURTLE", True),
    ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
     'xmlns:s="&#104;ttp://schema.org/"><rdf:Description rdf:about="https://a.example/p"><s:name>X</s:name>'
     '</rdf:Description></rdf:RDF>', "RDF_XML", True),
    ('{"@context": "https://schema.org", "@id": "https://a.example/p", "name": "X"}', "JSON_LD", True),
])
def test_a_file_is_passed_over_by_the_http_rule_only_when_it_cannot_name_http_schema(tmp_path, text, fmt, may) -> None:
    from kg.build import foreign
    from kg.records import Origin, RdfData

    path = tmp_path / "data"
    path.write_text(text)
    assert foreign.may_name_http_schema(RdfData([], Origin("data"), str(path), fmt)) is may
    if fmt != "JSON_LD":  # what pyoxigraph reads agrees: a file passed over holds no http://schema.org/ term
        import pyoxigraph as ox
        terms = [t.value for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt))
                 for t in (q.predicate, q.object) if isinstance(t, ox.NamedNode)]
        assert any(t.startswith("http://schema.org/") for t in terms) is may


def test_a_rule_of_new_triples_yields_nothing_a_graph_states() -> None:
    """The rows of a SELECT ?s ?p ?o rule are added without a lookup each, so once its triples are in a graph it
    must yield none of them again (the MINUS of each branch); what it makes from its own new triples is new."""
    import pyoxigraph as ox
    from kg.build import foreign

    store = ox.Store()
    store.load(path=str(REAL / "yolanda-gil-foaf" / "foaf.rdf"), format=ox.RdfFormat.RDF_XML,
               to_graph=ox.NamedNode(BASE + "source/foaf"), base_iri=BASE + "source/foaf")
    for name, text in (("people", PEOPLE), ("papers", PAPERS)):
        store.load(text.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + f"source/{name}"))
    select = [name for name in foreign.RULES if (lambda r: isinstance(r, ox.QuerySolutions) and [
        v.value for v in r.variables] == ["s", "p", "o"])(store.query(foreign.query_text(name)))]
    assert select == ["foaf-to-schema", "schema-to-foaf"]
    for name in select:
        made = list(foreign._new_triples(store, store.query(foreign.query_text(name), use_default_graph_as_union=True)))
        assert made, f"{name} makes something from this data"
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASE + "graph/made")) for t in made)
        again = foreign._new_triples(store, store.query(foreign.query_text(name), use_default_graph_as_union=True))
        stated = [t for t in again if next(store.quads_for_pattern(t.subject, t.predicate, t.object), None)]
        assert stated == [], f"{name} yields triples a graph states: {stated[:3]}"


LITERALS = """@prefix schema: <https://schema.org/> .
@prefix ex: <https://data.example/> .
ex:paper a schema:ScholarlyArticle ; schema:name "Written by a name" ;
    schema:author "Jane Literal" , ex:jane .
ex:jane a schema:Person ; schema:name "Jane" ; schema:worksFor "Some Company" , ex:company .
ex:company a schema:Organization ; schema:name "Some Company" .
"""


def test_the_rules_make_no_relation_to_or_from_a_literal() -> None:
    """A literal author or employer is kept as stated, but no rule links it as a resource (foaf:maker and
    foaf:made, a position's Role node); the same statements naming a resource are normalised."""
    import pyoxigraph as ox
    from kg.build import foreign

    store = ox.Store()
    store.load(LITERALS.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(BASE + "source/literals"))
    foreign.normalise(store, BASE)
    made = {(str(q.subject), str(q.predicate), str(q.object))
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(BASE + foreign.RDF_INFERRED_GRAPH))}
    foaf, schema, ex = "http://xmlns.com/foaf/0.1/", "https://schema.org/", "https://data.example/"
    assert (f"<{ex}paper>", f"<{foaf}maker>", f"<{ex}jane>") in made
    assert (f"<{ex}jane>", f"<{foaf}made>", f"<{ex}paper>") in made
    assert any(p == f"<{schema}worksFor>" and s == f"<{ex}jane>" for s, p, o in made)  # a Role node for ex:company
    literal = [t for t in made if t[0].startswith('"') or (t[2].startswith('"') and t[1] in (
        f"<{foaf}maker>", f"<{foaf}made>", f"<{schema}worksFor>"))]
    assert literal == []
