"""One SPARQL lexer (kg.sparqltext): the query form, and the refusal of SERVICE and LOAD that both of its users,
the /sparql endpoint and the remote store, rest on."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.store.remote import RemoteStore
from kg.sparqltext import forbidden_operation, query_form, tokens, with_base
from tests.web.conftest import SECRET, build_store, make_app

REACHING_OUT = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE?endpoint{ ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://x/> { } }",
    'SELECT * WHERE { <http://x/\\u0022> ?p ?o . SERVICE <http://y/> { } } # "',
]
LOADS = ["LOAD <http://example.org/data.ttl>", "load silent <http://example.org/data.ttl> INTO GRAPH <urn:g>"]


class _NoServer:
    """A remote store's client that must never be reached: a refused query is never sent."""

    def query(self, *args, **kwargs):
        raise AssertionError("a refused query was sent to the server")

    update = query


def _remote() -> RemoteStore:
    store = object.__new__(RemoteStore)  # no server: the refusal comes before anything is sent
    store.client = _NoServer()
    return store


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    return make_app(build_store(tmp_path_factory.mktemp("store")), update_secret=SECRET).test_client()


def _refused_by(user: str, text: str, endpoint) -> tuple[int, str]:
    if user == "endpoint":
        if text.lstrip().upper().startswith("LOAD"):
            response = endpoint.post("/sparql", data=text.encode(), content_type="application/sparql-update",
                                     headers={"Authorization": f"Bearer {SECRET}"})
        else:
            response = endpoint.get("/sparql", query_string={"query": text})
        return response.status_code, response.get_data(as_text=True)
    store = _remote()
    with pytest.raises(QueryError) as caught:
        store.update(text) if text.lstrip().upper().startswith("LOAD") else store.query(text)
    return caught.value.status, str(caught.value)


@pytest.mark.parametrize("user", ["endpoint", "remote-store"])
@pytest.mark.parametrize("text", [*REACHING_OUT, *LOADS])
def test_both_users_refuse_what_reaches_out(user, text, endpoint):
    status, message = _refused_by(user, text, endpoint)
    assert status == 403 and forbidden_operation(text) in message


@pytest.mark.parametrize("query", [
    'SELECT ?service WHERE { BIND("SERVICE <http://x/> {}" AS ?service) }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/> { }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o }",
    "SELECT ?load WHERE { BIND('''LOAD <http://x/>''' AS ?load) }",
])
def test_the_words_are_fine_in_strings_iris_comments_and_names(query):
    assert forbidden_operation(query) is None


def test_query_forms():
    assert query_form("PREFIX ask: <http://x/> # SELECT\nCONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { ?s ?p ?o } } }") \
        == "CONSTRUCT"
    assert query_form("BASE <http://x/select> ask {}") == "ASK"
    assert query_form("PREFIX s: <http://x/> INSERT DATA { <a> s:b 'SELECT' }") is None


def test_tokens_never_look_inside_strings_iris_or_comments():
    found = tokens('SELECT ?x WHERE { ?x <urn:a(b> "}" } # {')
    assert [(t.kind, t.text) for t in found] == [("word", "SELECT"), ("var", "?x"), ("word", "WHERE"), ("punct", "{"),
                                                  ("var", "?x"), ("opaque", "<urn:a(b>"), ("opaque", '"}"'),
                                                  ("punct", "}"), ("opaque", "# {")]


def test_a_base_only_for_a_query_with_relative_iris():
    assert with_base("SELECT * { GRAPH <source/resume> { ?s ?p ?o } }", "http://h/sparql").startswith(
        "BASE <http://h/sparql> ")
    assert with_base("SELECT * { ?s <http://x/p> '<rel>' }", "http://h/sparql").startswith("SELECT")
