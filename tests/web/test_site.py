"""Dumps, sitemap, robots.txt and VoID."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID

from kg.iris import KINDS
from kg.vocab import SCHEMA
from web.describe import resource_iris

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DUMPS = [("jsonld", "application/ld+json", "json-ld"), ("ttl", "text/turtle", "turtle"),
         ("nt", "application/n-triples", "nt"), ("nq", "application/n-quads", "nquads"),
         ("trig", "application/trig", "trig"), ("rdf", "application/rdf+xml", "xml")]


def distinct_triples(store) -> int:
    row = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")))
    return int(row["n"].value)


@pytest.mark.parametrize("suffix, media_type, rdflib_format", DUMPS, ids=[d[0] for d in DUMPS])
def test_exports(client, store, suffix, media_type, rdflib_format):
    response = client.get(f"/export.{suffix}")
    assert response.status_code == 200 and response.mimetype == media_type
    if rdflib_format in ("nquads", "trig", "json-ld"):
        data = Dataset()
        data.parse(data=response.data, format=rdflib_format)
        triples = {(s, p, o) for s, p, o, _ in data.quads((None, None, None, None))}
    else:
        triples = set(Graph().parse(data=response.data, format=rdflib_format))
    assert len(triples) == distinct_triples(store)
    assert client.get(f"/export.{suffix}", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_exports_are_computed_once_per_build(client, monkeypatch):
    import web.site

    client.get("/export.ttl")
    monkeypatch.setattr(web.site, "export_bytes", lambda *a: pytest.fail("exported again"))
    assert client.get("/export.ttl").status_code == 200


def test_unknown_export_is_404(client):
    assert client.get("/export.exe").status_code == 404


def test_sitemap_lists_every_resource_page(client, store, settings):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    locs = [e.text for e in ET.fromstring(response.data).findall("s:url/s:loc", SITEMAP_NS)]
    base = settings.base
    assert base in locs and f"{base}people" in locs and f"{base}papers" in locs
    resources = resource_iris(store, base)
    assert set(resources) <= set(locs)
    assert {iri[len(base):].split("/")[1] for iri in resources} == set(KINDS)  # every kind is there
    for loc in locs:
        if loc.startswith(base + "id/"):
            page = client.get("/" + loc[len(base):], headers={"Accept": "text/html"})
            assert page.status_code == 200 and page.mimetype == "text/html", loc


def test_robots_points_at_the_sitemap(client, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert f"Sitemap: {settings.base}sitemap.xml" in lines
    assert "Disallow: /sparql?" in lines


@pytest.mark.parametrize("accept, rdflib_format", [(None, "turtle"), ("text/turtle", "turtle"),
                                                   ("application/ld+json", "json-ld"),
                                                   ("application/n-triples", "nt"),
                                                   ("application/rdf+xml", "xml")])
def test_void(client, store, settings, accept, rdflib_format):
    response = client.get("/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and "Accept" in response.vary
    graph = Graph().parse(data=response.data, format=rdflib_format)
    dataset = next(graph.subjects(RDF.type, VOID.Dataset))
    base = settings.base
    assert graph.value(dataset, VOID.triples) == Literal(distinct_triples(store))
    assert (dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")) in graph
    dumps = {str(o) for o in graph.objects(dataset, VOID.dataDump)}
    assert {f"{base}export.jsonld", f"{base}export.ttl", f"{base}export.nt"} <= dumps
    for dump in dumps:
        assert client.get("/" + dump[len(base):]).status_code == 200
    people = next(graph.subjects(VOID["class"], SCHEMA.Person))
    count = next(iter(store.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://schema.org/Person> }")))
    assert graph.value(people, VOID.entities) == Literal(int(count["n"].value))
    assert (dataset, VOID.classPartition, people) in graph


def test_void_suffix_and_406(client):
    assert client.get("/void.ttl").mimetype == "text/turtle"
    assert client.get("/void.jsonld").mimetype == "application/ld+json"
    assert client.get("/void", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/void.exe").status_code == 404
