"""web/sparql_fast.py: a plain `GET /sparql?query=` answered before Flask gives what the Flask route gives (status,
body, every header), errors included; anything else is left to Flask."""

from __future__ import annotations

import pytest

from kg.settings import load_settings
from web.sparql import answer_cache
from web.sparql_fast import plain_query

NAMES = ("PREFIX schema: <https://schema.org/> SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } "
         "ORDER BY ?name LIMIT 2")  # the limited app answers two rows at most
ASK = "PREFIX schema: <https://schema.org/> ASK { ?p schema:name \"Ada Lovelace\" }"
CONSTRUCT = ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?p schema:name ?n } "
             "WHERE { ?p a schema:Person ; schema:name ?n } ORDER BY ?n LIMIT 2")
RELATIVE = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <source/none>) } LIMIT 1"
CASES = [
    (NAMES, "application/sparql-results+json"), (NAMES, "application/sparql-results+xml"), (NAMES, "text/csv"),
    (NAMES, "text/tab-separated-values"), (NAMES, "*/*"), (NAMES, ""), (ASK, "application/sparql-results+xml"),
    (CONSTRUCT, "text/turtle"), (CONSTRUCT, "application/n-triples"), (RELATIVE, "text/csv"),
    # refused or failing: the error comes from the Flask route's handlers either way
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "application/sparql-results+json"),
    ("SELECT * WHERE { ?s ?p ", "application/json"),
    ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),  # past the limited app's two rows
    (NAMES, "text/html"), (NAMES, "image/png"),
]


@pytest.fixture()
def spied(limited_client):
    """The limited app (two rows at most) with a count of the requests the Flask route saw."""
    app = limited_client.application
    seen = []
    view = app.view_functions["sparql.endpoint"]

    def counting():
        seen.append(1)
        return view()

    app.view_functions["sparql.endpoint"] = counting
    yield limited_client, seen
    app.view_functions["sparql.endpoint"] = view


def _answer(response) -> tuple:
    headers = sorted((k, v) for k, v in response.headers.items() if k.lower() != "date")
    return response.status_code, headers, response.data


@pytest.mark.parametrize(("query", "accept"), CASES)
def test_the_fast_path_answers_as_the_flask_route_does(spied, query, accept):
    client, seen = spied
    fast = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    ran_in_flask = len(seen)
    # an empty `output` changes nothing the route reads but takes the request through Flask
    routed = client.get("/sparql", query_string={"query": query, "output": ""}, headers={"Accept": accept})
    assert len(seen) == ran_in_flask + 1
    if fast.mimetype == "text/html" and fast.status_code == 200:  # the editor page: both in Flask, its links differ
        assert ran_in_flask == 1 and fast.headers["Content-Type"] == routed.headers["Content-Type"]
        return
    assert _answer(fast) == _answer(routed)
    if fast.status_code == 200 and fast.mimetype != "text/html":
        assert ran_in_flask == 0, "a plain query answered in a data format should not enter Flask"


def test_both_paths_share_the_answer_cache(mini_store_dir):
    from tests.web.conftest import make_app

    app = make_app(mini_store_dir)
    client = app.test_client()
    cache = answer_cache(app)
    assert cache is not None
    first = client.get("/sparql", query_string={"query": NAMES})
    hits = cache.hits
    again = client.get("/sparql", query_string={"query": NAMES, "output": ""})
    assert cache.hits == hits + 1 and again.data == first.data
    client.get("/sparql", query_string={"query": NAMES})
    assert cache.hits == hits + 2


SETTINGS = load_settings({}, environ={})


def _environ(**over) -> dict:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": "query=ASK%20%7B%7D"}
    return {**environ, **over}


def test_a_plain_get_is_taken():
    assert plain_query(_environ(), SETTINGS) == "ASK {}"


@pytest.mark.parametrize("over", [
    {"REQUEST_METHOD": "POST"}, {"REQUEST_METHOD": "HEAD"}, {"PATH_INFO": "/sparql/"}, {"PATH_INFO": "/queries"},
    {"QUERY_STRING": ""}, {"QUERY_STRING": "update=DROP%20ALL"},
    {"QUERY_STRING": "query=ASK%7B%7D&format=json"}, {"QUERY_STRING": "query=ASK%7B%7D&query=ASK%7B%7D"},
    {"QUERY_STRING": "query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fx"},
    {"QUERY_STRING": "format=json&query=ASK%7B%7D"}, {"QUERY_STRING": "query=ASK%7B%7D&lang=fr"},
    {"QUERY_STRING": "query=ASK%7B%7D\xe9"}, {"CONTENT_LENGTH": "3"}, {"HTTP_TRANSFER_ENCODING": "chunked"},
    {"QUERY_STRING": "query=ASK%7B%7D%23" + "x" * SETTINGS.max_request_line},
    {"RAW_URI": "/sparql?query=ASK%7B%7D" + "&" * SETTINGS.max_request_line},
], ids=lambda over: next(iter(over)) + "=" + str(next(iter(over.values())))[:40])
def test_anything_else_is_left_to_flask(over):
    assert plain_query(_environ(**over), SETTINGS) is None


def test_a_query_past_max_query_bytes_is_left_to_flask():
    small = load_settings({"max_query_bytes": 100}, environ={})
    assert plain_query(_environ(QUERY_STRING="query=ASK%7B%7D%23" + "x" * 100), small) is None
    assert plain_query(_environ(QUERY_STRING="query=ASK%7B%7D%23" + "x" * 50), small) is not None
