"""/sparql in-process: the protocol's three ways in, datasets, results negotiation, refusals, updates,
the service description and the editor page. (tests/web/test_live_server.py does it again over HTTP.)"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import lxml.html
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.formats import RDF_FORMATS, RESULT_FORMATS
from kg.store.queries import load_queries
from kg.vocab import SCHEMA, SD

BASE = "http://127.0.0.1:8000/"
SECRET = "s3cret-for-tests"
NAMES = "PREFIX schema: <https://schema.org/> SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"
ASK = "PREFIX schema: <https://schema.org/> ASK { ?p schema:name \"Ada Lovelace\" }"
CONSTRUCT = ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?p schema:name ?n } "
             "WHERE { ?p a schema:Person ; schema:name ?n }")
PEOPLE = ["Ada Lovelace", "Bob Builder", "Carol Chen", "Dan Dare"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def names_of(response) -> list[str]:
    assert response.status_code == 200, response.data[:300]
    return [b["name"]["value"] for b in response.get_json()["results"]["bindings"]]


# ---------------------------------------------------------------- the three ways in


def test_get(mini_client):
    assert names_of(mini_client.get("/sparql", query_string={"query": NAMES})) == PEOPLE


def test_post_form(mini_client):
    assert names_of(mini_client.post("/sparql", data={"query": NAMES})) == PEOPLE


def test_post_direct(mini_client):
    response = mini_client.post("/sparql", data=NAMES.encode(), content_type="application/sparql-query")
    assert names_of(response) == PEOPLE


def test_post_other_content_type_is_415(mini_client):
    assert mini_client.post("/sparql", data=NAMES, content_type="text/plain").status_code == 415


def test_query_given_twice_is_400(mini_client):
    response = mini_client.get("/sparql?query=ASK{}&query=ASK{}")
    assert response.status_code == 400 and "query" in response.get_data(as_text=True)


# ---------------------------------------------------------------- datasets


def test_default_graph_is_the_union(mini_client):
    count = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = int(mini_client.get("/sparql", query_string={"query": count}).get_json()
                 ["results"]["bindings"][0]["n"]["value"])
    assert graphs == 7  # five source documents, provenance and inferred
    # a paper (listing graph) and its FOAF makers (inferred graph) meet without any GRAPH clause
    joined = ("PREFIX schema: <https://schema.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
              "SELECT ?name WHERE { ?paper foaf:maker ?p . ?p a schema:Person ; schema:name ?name } "
              "ORDER BY ?name LIMIT 1")
    assert names_of(mini_client.get("/sparql", query_string={"query": joined})) == ["Ada Lovelace"]


def test_default_graph_uri_narrows_the_default_graph(mini_client):
    response = mini_client.get("/sparql", query_string={"query": NAMES,
                                                         "default-graph-uri": BASE + "source/resume"})
    assert names_of(response) == ["Ada Lovelace", "Dan Dare"]
    both = mini_client.get("/sparql", query_string=[("query", NAMES), ("default-graph-uri", BASE + "source/resume"),
                                                    ("default-graph-uri", BASE + "source/publications-listing")])
    assert names_of(both) == PEOPLE


def test_named_graph_uri_chooses_the_named_graphs(mini_client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = mini_client.post("/sparql", data={"query": query, "named-graph-uri": BASE + "source/projects"})
    graphs = [b["g"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert graphs == [BASE + "source/projects"]


def test_graph_iri_must_be_an_iri(mini_client):
    response = mini_client.get("/sparql", query_string={"query": NAMES, "default-graph-uri": "not an iri"})
    assert response.status_code == 400 and "default-graph-uri" in response.get_data(as_text=True)


# ---------------------------------------------------------------- results negotiation


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/sparql-results+json"])
def test_select_defaults_to_json(mini_client, accept):
    response = mini_client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": accept} if accept else {})
    assert response.mimetype == "application/sparql-results+json" and names_of(response) == PEOPLE
    assert "Accept" in response.vary


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda f: f.name)
def test_select_in_each_results_format(mini_client, fmt):
    response = mini_client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    text = response.get_data(as_text=True)
    if fmt.name == "json":
        found = [b["name"]["value"] for b in json.loads(text)["results"]["bindings"]]
    elif fmt.name == "xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        found = [e.text for e in ET.fromstring(text).findall(".//r:binding[@name='name']/r:literal", ns)]
    elif fmt.name == "csv":
        found = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    else:
        lines = text.strip().splitlines()
        assert lines[0] == "?name"
        found = [json.loads(line) for line in lines[1:]]
    assert found == PEOPLE


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda f: f.name)
def test_ask_in_each_results_format(mini_client, fmt):
    response = mini_client.post("/sparql", data={"query": ASK}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert "true" in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_construct_in_each_rdf_format(mini_client, fmt):
    response = mini_client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    graph = Graph().parse(data=response.data, format=fmt.rdflib)
    assert (URIRef(BASE + "id/person/carol-chen"), SCHEMA.name, Literal("Carol Chen")) in graph
    assert len(graph) == 4


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_construct_defaults_to_turtle(mini_client, accept):
    response = mini_client.get("/sparql", query_string={"query": CONSTRUCT},
                               headers={"Accept": accept} if accept else {})
    assert response.mimetype == "text/turtle"


def test_describe(mini_client):
    response = mini_client.get("/sparql", query_string={"query": f"DESCRIBE <{BASE}id/person/dan-dare>"})
    graph = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(BASE + "id/person/dan-dare"), RDF.type, SCHEMA.Person) in graph


@pytest.mark.parametrize("query, accept", [(NAMES, "text/turtle"), (NAMES, "image/png"),
                                           (CONSTRUCT, "application/sparql-results+json"), (ASK, "text/turtle")])
def test_nothing_acceptable_is_406(mini_client, query, accept):
    response = mini_client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406


@pytest.mark.parametrize("value, media_type", [("json", "application/sparql-results+json"), ("csv", "text/csv"),
                                               ("tsv", "text/tab-separated-values"),
                                               ("xml", "application/sparql-results+xml")])
def test_format_parameter_overrides_accept(mini_client, value, media_type):
    response = mini_client.get("/sparql", query_string={"query": NAMES, "format": value}, headers={"Accept": BROWSER})
    assert response.mimetype == media_type


@pytest.mark.parametrize("value, media_type", [("turtle", "text/turtle"), ("json-ld", "application/ld+json"),
                                               ("xml", "application/rdf+xml"), ("nt", "application/n-triples")])
def test_format_parameter_for_graphs(mini_client, value, media_type):
    response = mini_client.get("/sparql", query_string={"query": CONSTRUCT, "format": value})
    assert response.mimetype == media_type


# ---------------------------------------------------------------- errors and refusals


def test_malformed_query_is_400_with_the_parsers_message(mini_client):
    response = mini_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p "},
                               headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "error at 1:" in response.get_json()["detail"]  # the parser's line:column


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE?endpoint{ ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SERVICE <http://example.org/> {} }",
])
def test_service_is_refused(mini_client, query):
    response = mini_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403 and "SERVICE" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    'SELECT ?service WHERE { BIND("SERVICE <http://x/> {}" AS ?service) }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/> { }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o }",
    "SELECT ?load WHERE { BIND('''LOAD <http://x/>''' AS ?load) }",
])
def test_the_words_are_fine_in_strings_iris_comments_and_names(mini_client, query):
    assert mini_client.get("/sparql", query_string={"query": query}).status_code == 200


def test_an_update_is_refused_when_updates_are_off(mini_client):
    response = mini_client.post("/sparql", data=b"INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
                                content_type="application/sparql-update")
    assert response.status_code == 403
    assert mini_client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403
    assert mini_client.get("/sparql", query_string={"update": "CLEAR ALL"}).status_code == 400


def test_update_with_the_secret(update_app):
    client = update_app.test_client()
    update = f'PREFIX schema: <https://schema.org/> INSERT DATA {{ <{BASE}id/person/eve> a schema:Person ; schema:name "Eve" }}'
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {SECRET}"}):
        refused = client.post("/sparql", data=update.encode(), content_type="application/sparql-update",
                              headers=headers)
        assert refused.status_code == 403
    done = client.post("/sparql", data=update.encode(), content_type="application/sparql-update",
                       headers={"Authorization": f"Bearer {SECRET}"})
    assert done.status_code == 204
    assert "Eve" in names_of(client.get("/sparql", query_string={"query": NAMES}))
    where = client.get("/sparql", query_string={"query": f"SELECT ?g WHERE {{ GRAPH ?g {{ <{BASE}id/person/eve> ?p ?o }} }}"})
    assert {b["g"]["value"] for b in where.get_json()["results"]["bindings"]} == {BASE + "graph/updates"}
    page = client.get("/id/person/eve", headers={"Accept": "text/turtle"})  # caches follow the data version
    assert page.status_code == 200 and "Eve" in page.get_data(as_text=True)


def test_update_refuses_load_and_other_graphs_even_with_the_secret(update_app):
    client = update_app.test_client()
    auth = {"Authorization": f"Bearer {SECRET}"}
    load = client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:1/x.ttl>"}, headers=auth)
    assert load.status_code == 403
    other = client.post("/sparql", data={"update": f"INSERT DATA {{ GRAPH <{BASE}source/resume> "
                                                   "{ <http://x/a> <http://x/b> <http://x/c> } }"}, headers=auth)
    assert other.status_code == 403


# ---------------------------------------------------------------- limits


def test_result_limit(limited_client):
    refused = limited_client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "result_limit" in refused.get_json()["detail"]
    assert limited_client.get("/sparql", query_string={"query": NAMES + " LIMIT 2"}).status_code == 200
    table = limited_client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": BROWSER})
    doc = lxml.html.fromstring(table.data)
    assert len(doc.xpath("//table[@class='results']/tbody/tr")) == 2
    assert "the first 2" in doc.xpath("//p[@class='count']")[0].text_content()


# ---------------------------------------------------------------- no query: description, editor


@pytest.mark.parametrize("accept, fmt", [(None, RDF_FORMATS[0]), ("*/*", RDF_FORMATS[0]),
                                         *((f.media_type, f) for f in RDF_FORMATS)])
def test_service_description(mini_client, accept, fmt):
    response = mini_client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    graph = Graph().parse(data=response.data, format=fmt.rdflib)
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.endpoint, URIRef(BASE + "sparql")) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) == 8
    assert len(list(graph.objects(None, SD.namedGraph))) == 7


def test_service_description_says_when_updates_are_on(update_app):
    graph = Graph().parse(data=update_app.test_client().get("/sparql").data, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_editor_page_for_browsers(mini_client):
    response = mini_client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    doc = lxml.html.fromstring(response.data)
    form = doc.get_element_by_id("sparql-form")
    assert form.get("method") == "get" and form.get("action") == "/sparql"
    assert doc.xpath("//form[@id='sparql-form']//textarea[@name='query']")
    examples = {e.get("id") for e in doc.xpath("//section[@id='sparql-examples']/details")}
    assert examples == {f"example-{name}" for name in load_queries()}
    formats = {a.get("data-format") for a in doc.xpath("//section[@id='sparql-downloads']//a")}
    assert formats == {f.name for f in (*RESULT_FORMATS, *RDF_FORMATS)}
    assert doc.xpath("//script[@src='/static/sparql.js']")
    assert not doc.xpath("//script[starts-with(@src, 'http')]")  # no CDN
    script = mini_client.get("/static/sparql.js")
    assert script.status_code == 200 and b"fetch(" in script.data


def test_results_as_an_html_table_without_javascript(mini_client):
    response = mini_client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": BROWSER})
    assert response.mimetype == "text/html"
    doc = lxml.html.fromstring(response.data)
    assert [td.text_content() for td in doc.xpath("//table[@class='results']/tbody/tr/td")] == PEOPLE
    assert doc.xpath("//textarea[@name='query']")[0].text.strip() == NAMES
    ask = mini_client.get("/sparql", query_string={"query": ASK, "format": "html"})
    assert lxml.html.fromstring(ask.data).xpath("//p[@class='boolean']")[0].text == "true"
    links = mini_client.get("/sparql", query_string={"query": f"SELECT ?p WHERE {{ ?p a <{SCHEMA.Person}> }}"},
                            headers={"Accept": "text/html"})
    hrefs = lxml.html.fromstring(links.data).xpath("//table[@class='results']//a/@href")
    assert "/id/person/ada-lovelace" in hrefs


@pytest.mark.parametrize("query, expected", [
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", "<{base}s> <{base}p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> ."),
    ("SELECT ?x WHERE { BIND (<#me> AS ?x) }", "{base}sparql#me"),
    ("BASE <http://elsewhere.example/> SELECT ?x WHERE { BIND (<y> AS ?x) }", "http://elsewhere.example/y"),
])
def test_relative_iris_resolve_against_the_endpoint(mini_client, query, expected):
    """W3C protocol test query_content_type_construct: relative IRIs resolve against the endpoint's IRI; the
    query's own BASE wins."""
    accept = "application/n-triples" if query.startswith("CONSTRUCT") else "text/csv"
    response = mini_client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert expected.format(base=BASE) in response.get_data(as_text=True)


# ---------------------------------------------------------------- one evaluation, and the answer cache


class CountingStore:
    """A store that counts the queries evaluated on it (a SELECT must be evaluated once per answer)."""

    def __init__(self, store):
        self.store, self.meta, self.calls = store, store.meta, 0

    def query(self, *args, **kwargs):
        self.calls += 1
        return self.store.query(*args, **kwargs)


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_a_select_is_evaluated_once_and_written_as_pyoxigraph_writes_it(mini_app, key):
    from web.sparql import OFFERS_BY_KEY, ProtocolRequest, execute

    store = mini_app.config["KG_STORE"]
    counting = CountingStore(store)
    query = f"SELECT ?p ?name ?none WHERE {{ ?p a <{SCHEMA.Person}> OPTIONAL {{ ?p <{SCHEMA.name}> ?name }} }}"
    written = execute(counting, ProtocolRequest(query=query), OFFERS_BY_KEY[key], 100)
    assert counting.calls == 1
    assert written == store.query(query).serialize(format=OFFERS_BY_KEY[key].format.ox_results)


def test_the_row_limit_stops_the_writer(mini_app):
    from kg.errors import QueryError
    from web.sparql import OFFERS_BY_KEY, ProtocolRequest, execute

    store, op, offer = mini_app.config["KG_STORE"], ProtocolRequest(query=NAMES), OFFERS_BY_KEY["json"]
    assert [b["name"]["value"] for b in json.loads(execute(store, op, offer, 4))["results"]["bindings"]] == PEOPLE
    with pytest.raises(QueryError, match="more than 3 rows"):
        execute(store, op, offer, 3)


def count_pool_runs(app, monkeypatch) -> list:
    """The queries the app's pool is asked to run from now on."""
    from web.sparql import runner

    pool, runs = runner(app), []
    original = pool.run
    monkeypatch.setattr(pool, "run", lambda fn, *args: runs.append(args) or original(fn, *args))
    return runs


def test_an_identical_query_is_answered_from_the_cache(fresh_store, builder, monkeypatch):
    app = builder[1](fresh_store)
    client, runs = app.test_client(), count_pool_runs(app, monkeypatch)
    first = client.get("/sparql", query_string={"query": NAMES})
    again = client.get("/sparql", query_string={"query": NAMES})
    assert len(runs) == 1 and names_of(again) == PEOPLE
    assert (again.data, again.headers["Content-Type"], again.headers["Vary"], again.headers["Cache-Control"]) == \
        (first.data, first.headers["Content-Type"], first.headers["Vary"], first.headers["Cache-Control"])
    posted = client.post("/sparql", data=NAMES.encode(), content_type="application/sparql-query")
    assert names_of(posted) == PEOPLE and len(runs) == 1, "the same query by POST is the same answer"
    csv_answer = client.get("/sparql", query_string={"query": NAMES}, headers={"Accept": "text/csv"})
    narrowed = client.get("/sparql", query_string={"query": NAMES, "default-graph-uri": BASE + "source/resume"})
    assert csv_answer.mimetype == "text/csv" and names_of(narrowed) == ["Ada Lovelace", "Dan Dare"]
    assert len(runs) == 3, "another format or dataset is another answer"
    table = {"Accept": BROWSER}
    client.get("/sparql", query_string={"query": NAMES}, headers=table)
    client.get("/sparql", query_string={"query": NAMES}, headers=table)
    assert len(runs) == 5, "tables for people follow the language: not kept"


def test_errors_are_not_kept(fresh_store, builder, monkeypatch):
    app = builder[1](fresh_store, result_limit=2)
    client, runs = app.test_client(), count_pool_runs(app, monkeypatch)
    for _ in range(2):
        assert client.get("/sparql", query_string={"query": NAMES}).status_code == 400
        assert client.get("/sparql", query_string={"query": ASK}, headers={"Accept": "image/png"}).status_code == 406
    assert len(runs) == 4


def test_a_rebuild_or_an_update_drops_the_kept_answers(fresh_store, builder, monkeypatch):
    build_store, make_app = builder
    app = make_app(fresh_store, update_secret=SECRET)
    client, runs = app.test_client(), count_pool_runs(app, monkeypatch)
    assert names_of(client.get("/sparql", query_string={"query": NAMES})) == PEOPLE
    build_store(fresh_store, f"""@prefix schema: <https://schema.org/> .
        <{BASE}source/extra> {{ <{BASE}id/person/grace> a schema:Person ; schema:name "Grace Hopper" . }}""")
    assert names_of(client.get("/sparql", query_string={"query": NAMES})) == sorted([*PEOPLE, "Grace Hopper"])
    update = f'INSERT DATA {{ <{BASE}id/person/eve> a <{SCHEMA.Person}> ; <{SCHEMA.name}> "Eve" }}'
    assert client.post("/sparql", data=update.encode(), content_type="application/sparql-update",
                       headers={"Authorization": f"Bearer {SECRET}"}).status_code == 204
    assert "Eve" in names_of(client.get("/sparql", query_string={"query": NAMES}))
    assert len(runs) == 3


def test_the_answer_cache_switched_off(fresh_store, builder, monkeypatch):
    app = builder[1](fresh_store, sparql_cache_bytes=0)
    client, runs = app.test_client(), count_pool_runs(app, monkeypatch)
    for _ in range(3):
        assert names_of(client.get("/sparql", query_string={"query": NAMES})) == PEOPLE
    assert len(runs) == 3


def test_a_query_text_is_read_once_and_refused_every_time(fresh_store, builder, monkeypatch):
    """The lexer's passes (refusals, form, BASE) run once per distinct text, even with the answer cache off;
    a refused text stays refused."""
    from web import sparql

    app = builder[1](fresh_store, sparql_cache_bytes=0)
    client, reads = app.test_client(), []
    original = sparql.forbidden_operation
    monkeypatch.setattr(sparql, "forbidden_operation", lambda text: reads.append(text) or original(text))
    sparql._read_query.cache_clear()
    for _ in range(2):
        assert names_of(client.get("/sparql", query_string={"query": NAMES})) == PEOPLE
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert [client.get("/sparql", query_string={"query": service}).status_code for _ in range(2)] == [403, 403]
    assert reads == [NAMES, service]
    long = NAMES + " " * sparql.MEMO_QUERY_CHARS
    for _ in range(2):
        assert names_of(client.post("/sparql", data=long.encode(), content_type="application/sparql-query")) == PEOPLE
    assert reads[2:] == [long, long], "a long text is not kept"


def test_the_editor_names_the_sites_endpoint_whatever_host_was_asked(mini_client):
    """The page is kept and served to every client, so its examples name the site's base IRI, never the Host one
    request came with."""
    for host in ("elsewhere.example", "127.0.0.1:8000"):
        page = mini_client.get("/sparql", headers={"Accept": "text/html", "Host": host}).get_data(as_text=True)
        assert f"LIMIT 5' {BASE}sparql" in page and "elsewhere.example" not in page
