"""The SPARQL protocol and linked-data pages over real HTTP: a `kg serve` process (Granian) on loopback, with
SPARQLWrapper as the client for every results format, and `requests` as curl would be."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import (CSV, GET, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML,
                           SPARQLWrapper)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.vocab import SCHEMA, SD

pytestmark = pytest.mark.server

PREFIX = "PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/scholarly-kg/ns#> "
OWNER_NAME = PREFIX + "SELECT ?name WHERE { ?owner a kg:Owner ; schema:name ?name }"
PAPER_COUNT = PREFIX + "SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE { ?paper a schema:ScholarlyArticle }"
ASK_OWNER = PREFIX + "ASK { ?owner a kg:Owner }"
CONSTRUCT_PEOPLE = PREFIX + "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
METHOD_IDS = ["get", "post-form", "post-direct"]


@pytest.fixture(scope="module")
def endpoint(live_server) -> str:
    return live_server + "sparql"


@pytest.fixture(scope="module")
def owner(live_server, endpoint) -> tuple[str, str]:
    """The owner's IRI and name, asked over HTTP once."""
    response = requests.get(endpoint, params={"query": PREFIX + "SELECT ?o ?n WHERE { ?o a kg:Owner ; schema:name ?n }"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    row = response.json()["results"]["bindings"][0]
    assert row["o"]["value"].startswith(live_server + "id/person/")  # IRIs dereference on this server
    return row["o"]["value"], row["n"]["value"]


def wrapper(endpoint: str, query: str, fmt: str, method: tuple[str, str]) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method[0])
    sparql.setRequestMethod(method[1])
    sparql.setTimeout(30)
    return sparql


# ---------------------------------------------------------------- SELECT and ASK, every results format


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select(endpoint, owner, fmt, method):
    result = wrapper(endpoint, OWNER_NAME, fmt, method).query()
    assert result.response.status == 200
    converted = result.convert()
    if fmt == JSON:
        names = [b["name"]["value"] for b in converted["results"]["bindings"]]
    elif fmt == XML:  # a DOM document
        names = [e.firstChild.data for e in converted.getElementsByTagName("literal")]
    elif fmt == CSV:
        names = [row["name"] for row in csv.DictReader(io.StringIO(converted.decode()))]
    else:
        names = [json.loads(line) for line in converted.decode().strip().splitlines()[1:]]
    assert owner[1] in names


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask(endpoint, fmt, method):
    result = wrapper(endpoint, ASK_OWNER, fmt, method).query()
    body = result.response.read().decode()
    assert result.response.status == 200
    assert "true" in body


def test_select_counts_match_the_store(endpoint):
    converted = wrapper(endpoint, PAPER_COUNT, JSON, METHODS[0]).query().convert()
    assert int(converted["results"]["bindings"][0]["n"]["value"]) > 10


# ---------------------------------------------------------------- CONSTRUCT, every RDF format


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize("fmt, rdflib_format", [(TURTLE, "turtle"), (JSONLD, "json-ld"), (RDFXML, "xml")])
def test_construct(endpoint, owner, fmt, rdflib_format, method):
    result = wrapper(endpoint, CONSTRUCT_PEOPLE, fmt, method).query()
    assert result.response.status == 200
    graph = Graph().parse(data=result.response.read(), format=rdflib_format)
    assert (URIRef(owner[0]), SCHEMA.name, Literal(owner[1])) in graph


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
def test_construct_as_ntriples(endpoint, owner, method):
    sparql = wrapper(endpoint, CONSTRUCT_PEOPLE, TURTLE, method)
    sparql.setOnlyConneg(True)
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    result = sparql.query()
    assert result.response.headers["Content-Type"].startswith("application/n-triples")
    graph = Graph().parse(data=result.response.read(), format="nt")
    assert (URIRef(owner[0]), SCHEMA.name, Literal(owner[1])) in graph


# ---------------------------------------------------------------- datasets


def test_default_graph_uri(endpoint, live_server):
    graphs = requests.get(endpoint, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    names = sorted(b["g"]["value"] for b in graphs["results"]["bindings"])
    inferred = live_server + "graph/inferred"
    assert inferred in names and any("/source/" in g for g in names)
    sparql = wrapper(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON, METHODS[0])
    sparql.addDefaultGraph(inferred)
    only = int(sparql.query().convert()["results"]["bindings"][0]["n"]["value"])
    everything = wrapper(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON, METHODS[0])
    total = int(everything.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert 0 < only < total


@pytest.mark.parametrize("method", METHODS[:2], ids=METHOD_IDS[:2])
def test_named_graph_uri(endpoint, live_server, method):
    sparql = wrapper(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON, method)
    sparql.addNamedGraph(live_server + "graph/inferred")
    graphs = [b["g"]["value"] for b in sparql.query().convert()["results"]["bindings"]]
    assert graphs == [live_server + "graph/inferred"]


# ---------------------------------------------------------------- errors, refusals, description


def test_malformed_query_is_400_with_the_message(endpoint):
    with pytest.raises(QueryBadFormed) as error:
        wrapper(endpoint, "SELECT * WHERE { ?s ?p ", JSON, METHODS[0]).query()
    assert "error at 1:" in str(error.value)
    raw = requests.post(endpoint, data="SELECT * WHERE { ?s ?p ", timeout=30,
                        headers={"Content-Type": "application/sparql-query", "Accept": "text/plain"})
    assert raw.status_code == 400 and "error at 1:" in raw.text


def test_update_is_refused(endpoint):
    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(Exception) as error:
        sparql.query()
    assert "403" in str(error.value)
    raw = requests.post(endpoint, data="CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert raw.status_code == 403


def test_service_is_refused(endpoint):
    raw = requests.get(endpoint, params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
                       timeout=30)
    assert raw.status_code == 403


@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("*/*", "turtle"),
                                                   ("application/ld+json", "json-ld"),
                                                   ("application/rdf+xml", "xml")])
def test_service_description(endpoint, accept, rdflib_format):
    response = requests.get(endpoint, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=rdflib_format)
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.endpoint, URIRef(endpoint)) in graph


def test_editor_for_a_browser(endpoint):
    response = requests.get(endpoint, headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert 'name="query"' in response.text


# ---------------------------------------------------------------- linked data, as curl would


@pytest.mark.parametrize("accept, media_type, rdflib_format", [
    ("text/turtle", "text/turtle", "turtle"), ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"), ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_dereference_the_owner(owner, accept, media_type, rdflib_format):
    response = requests.get(owner[0], headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(owner[0]), SCHEMA.name, Literal(owner[1])) in graph


def test_owner_page_and_conditional_get(owner):
    page = requests.get(owner[0], headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and owner[1] in page.text
    again = requests.get(owner[0] + ".ttl", timeout=30)
    cached = requests.get(owner[0] + ".ttl", headers={"If-None-Match": again.headers["ETag"]}, timeout=30)
    assert cached.status_code == 304
    head = requests.head(owner[0] + ".ttl", timeout=30)
    assert head.status_code == 200 and head.headers["ETag"] == again.headers["ETag"]


def test_406_and_404_over_http(owner, live_server):
    assert requests.get(owner[0], headers={"Accept": "image/png"}, timeout=30).status_code == 406
    missing = requests.get(live_server + "id/person/nobody-at-all", headers={"Accept": "text/turtle"}, timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/turtle")


def test_site_files(live_server):
    for path in ("robots.txt", "sitemap.xml", "void", "export.nt", "queries", "queries/people.csv", "people"):
        assert requests.get(live_server + path, timeout=30).status_code == 200, path
