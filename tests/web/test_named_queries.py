"""/queries and /queries/{name}: the catalogue, every query in every format, parameters bound or refused."""

from __future__ import annotations

import csv
import io

import lxml.html
import pytest

from kg.store.queries import load_queries

QUERIES = load_queries()
# Values for parameters that have no default (the bundled profile's own resources where an IRI is needed).
SAMPLE_VALUES = {"q": "gflownet", "date": "2023-01-01", "kind": "organization"}


def sample_values(store, name: str) -> dict[str, str]:
    """A value for each required parameter of a named query."""
    values = {}
    for param in QUERIES[name].params:
        if not param.required:
            continue
        if param.type == "iri":
            row = next(iter(store.query("SELECT ?s WHERE { ?s a ?t } LIMIT 1")))
            values[param.name] = row["s"].value
        else:
            values[param.name] = SAMPLE_VALUES[param.name]
    return values


def test_catalogue_lists_every_query(client):
    doc = lxml.html.fromstring(client.get("/queries").data)
    assert {a.get("id") for a in doc.xpath("//article[@class='query']")} == {f"query-{n}" for n in QUERIES}
    for name, query in QUERIES.items():
        article = doc.get_element_by_id(f"query-{name}")
        assert query.title in article.text_content()
        for param in query.params:
            assert param.name in article.text_content()


@pytest.mark.parametrize("how", ["suffix", "accept"])
def test_catalogue_as_json(client, how):
    response = client.get("/queries.json") if how == "suffix" else \
        client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    entries = {q["name"]: q for q in response.get_json()["queries"]}
    assert set(entries) == set(QUERIES)
    coauthors = entries["coauthors"]
    assert coauthors["url"] == "/queries/coauthors"
    assert coauthors["params"][0]["name"] == "person" and coauthors["params"][0]["type"] == "iri"


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_query_runs_as_a_table(client, store, name):
    response = client.get(f"/queries/{name}", query_string=sample_values(store, name))
    assert response.status_code == 200, response.data[:500]
    doc = lxml.html.fromstring(response.data)
    assert doc.xpath("//h1")[0].text == QUERIES[name].title
    assert doc.xpath("//section[@id='query-sparql']/pre")
    alternates = {link.get("type") for link in doc.xpath("//link[@rel='alternate']")}
    assert {"application/sparql-results+json", "text/csv"} <= alternates


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_query_as_json_and_csv(client, store, name):
    values = sample_values(store, name)
    data = client.get(f"/queries/{name}.json", query_string=values)
    assert data.status_code == 200 and data.mimetype == "application/sparql-results+json"
    body = data.get_json()
    assert "vars" in body["head"]
    table = client.get(f"/queries/{name}.csv", query_string=values)
    assert table.status_code == 200 and table.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(table.get_data(as_text=True))))
    assert header == body["head"]["vars"]
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))[1:]
    assert len(rows) == len(body["results"]["bindings"])


@pytest.mark.parametrize("accept, media_type", [("text/csv", "text/csv"),
                                                ("application/json", "application/sparql-results+json"),
                                                ("text/tab-separated-values", "text/tab-separated-values"),
                                                ("*/*", "text/html")])
def test_formats_by_accept(client, accept, media_type):
    response = client.get("/queries/people", headers={"Accept": accept})
    assert response.mimetype == media_type and "Accept" in response.vary


def test_parameters_are_bound_as_terms(mini_client):
    response = mini_client.get("/queries/coauthors.json", query_string={"person": "person/bob-builder"})
    names = [b["name"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert names == ["Ada Lovelace", "Carol Chen"]
    page = lxml.html.fromstring(mini_client.get("/queries/coauthors?person=person/bob-builder").data)
    assert page.xpath("//input[@name='person']/@value") == ["person/bob-builder"]
    assert "_person" not in [th.text for th in page.xpath("//table[@class='results']//th")]
    assert "/id/person/ada-lovelace" in page.xpath("//table[@class='results']//a/@href")


def test_text_parameter_cannot_inject(mini_client):
    response = mini_client.get("/queries/search.json", query_string={"q": '") } } SELECT * WHERE { ?s ?p ?o } #'})
    assert response.status_code == 200 and response.get_json()["results"]["bindings"] == []


@pytest.mark.parametrize("query_string, name", [
    ({"person": "not an iri"}, "person"),
    ({"nobody": "x"}, "nobody"),
    ({"person": "javascript:alert(1) x"}, "person"),
])
def test_bad_parameter_is_400_naming_it(mini_client, query_string, name):
    response = mini_client.get("/queries/coauthors", query_string=query_string, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert f"'{name}'" in response.get_json()["detail"]


def test_missing_required_parameter(mini_client):
    response = mini_client.get("/queries/search.csv")
    assert response.status_code == 400 and "'q'" in response.get_data(as_text=True)
    dated = mini_client.get("/queries/profile-as-of", query_string={"date": "2024-13-45"})
    assert dated.status_code == 400 and "date" in dated.get_data(as_text=True)


def test_unknown_query_is_404(mini_client):
    assert mini_client.get("/queries/no-such-query").status_code == 404
    assert mini_client.get("/queries/no-such-query.json").status_code == 404


def test_etag_and_304(mini_client):
    first = mini_client.get("/queries/people.json")
    again = mini_client.get("/queries/people.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
