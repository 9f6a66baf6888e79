"""The full-text index: built with each build, and answering `search` exactly as its SPARQL does."""

from __future__ import annotations

import sqlite3

import pyoxigraph as ox
import pytest

from kg.store.queries import load_queries, run, run_to
from kg.store.base import BuildMeta
from kg.store.embedded import EmbeddedStore, new_build_id, write_build
from kg.store.queries import search
from kg.store.textindex import INDEX, build_text_index, candidates, search_solutions

S = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TEXTS = ["climate", "CLIMATE", "Learning", "neural net", "of the", "gflownet", "xyzzy-nothing", 'say "hi"', "é"]


def sparql_rows(store, q: str) -> list[tuple]:
    """What the `search` query's SPARQL answers, in its order."""
    result = store.query(load_queries()["search"].sparql, {"_q": ox.Literal(q)})
    return [tuple(str(row[v]) for v in result.variables) for row in result]


def index_rows(store, q: str) -> list[tuple] | None:
    result = search_solutions(store, {"_q": ox.Literal(q)})
    return None if result is None else [tuple(str(row[v]) for v in result.variables) for row in result]


def test_each_build_has_an_index(store):
    data = store.attachment(INDEX)
    assert data and data.startswith(b"SQLite format 3")


@pytest.mark.parametrize("q", TEXTS)
def test_the_index_answers_like_the_sparql_query(store, q):
    expected = sparql_rows(store, q)
    if len(q) < 3:
        assert index_rows(store, q) is None  # too short for trigrams: the SPARQL query answers
    else:
        assert index_rows(store, q) == expected


def test_the_named_query_uses_the_index_and_keeps_its_formats(store, monkeypatch):
    query = load_queries()["search"]
    expected = sparql_rows(store, "climate")
    assert expected, "the bundled profile has papers about climate"
    rows = run(store, query, {"q": "climate"}, store.meta.base)
    assert [str(r["paper"]) for r in rows] == [row[1] for row in expected]
    calls = []
    original = store.query
    monkeypatch.setattr(store, "query", lambda *a, **k: calls.append(a) or original(*a, **k))
    body = run_to(store, query, {"q": "neural"}, store.meta.base, "application/sparql-results+json")
    assert not calls, "the index answered without a SPARQL query"
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert [tuple(str(r[v]) for v in parsed.variables) for r in parsed] == sparql_rows(store, "neural")


def test_the_web_search_page_gives_the_same_rows(client, store):
    response = client.get("/queries/search.json?q=Climate")
    assert response.status_code == 200
    parsed = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
    assert [tuple(str(r[v]) for v in parsed.variables) for r in parsed] == sparql_rows(store, "Climate")


def test_search_returns_rows_up_to_a_limit(store):
    rows = search(store, "learning", limit=2)
    assert len(rows) == 2 and all("paper" in r and "title" in r for r in rows)
    assert search(store, "xyzzy-nothing") == []
    assert len(search(store, "a", limit=3)) <= 3  # short text: answered by the SPARQL query


def _paper(n: int, title: str, abstract: str | None = None, date: str | None = None, typed: bool = True):
    paper, g = ox.NamedNode(f"http://example.org/id/paper/p{n}"), ox.NamedNode("http://example.org/source/s")
    quads = [ox.Quad(paper, ox.NamedNode(S + "name"), ox.Literal(title), g)]
    if typed:
        quads.append(ox.Quad(paper, RDF_TYPE, ox.NamedNode(S + "ScholarlyArticle"), g))
    if abstract:
        quads.append(ox.Quad(paper, ox.NamedNode(S + "abstract"), ox.Literal(abstract, language="en"), g))
    if date:
        quads.append(ox.Quad(paper, ox.NamedNode(S + "datePublished"),
                             ox.Literal(date, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")), g))
    return quads


def test_an_index_of_synthetic_papers(tmp_path):
    quads = (_paper(1, "Graph Networks", "We study message passing.", "2021")
             + _paper(2, "Protein folding", None, "2023") + _paper(2, "Folding proteins")  # two titles
             + _paper(3, "Untyped message passing", typed=False))
    write_build(tmp_path, quads, BuildMeta(new_build_id(), "http://example.org/", "now"),
                {INDEX: build_text_index(quads)})
    store = EmbeddedStore(tmp_path)
    for q in ("message passing", "FOLDING", "prot", "networks", "nothing here"):
        assert index_rows(store, q) == sparql_rows(store, q), q
    db = sqlite3.connect(":memory:")
    db.deserialize(build_text_index(quads))
    assert len(candidates(db, "folding")) == 2


def test_a_store_without_an_index_falls_back(tmp_path):
    quads = _paper(1, "Graph Networks")
    write_build(tmp_path, quads, BuildMeta(new_build_id(), "http://example.org/", "now"))
    store = EmbeddedStore(tmp_path)
    assert index_rows(store, "graph") is None
    assert [str(r["paper"]) for r in search(store, "graph")] == ["<http://example.org/id/paper/p1>"]


def test_only_literal_titles_and_abstracts_are_indexed():
    """The index holds the rows of its query with FILTER (isLiteral(...)) on the title and the abstract (the
    build leaves the filtering to Python): a paper with only an IRI for an abstract is indexed without one."""
    n, lit = ox.NamedNode, ox.Literal
    name, abstract, article = n(S + "name"), n(S + "abstract"), n(S + "ScholarlyArticle")
    papers = {"iri-abstract": [lit("Only an IRI"), n("https://a.example/abstract")],
              "both": [lit("Both kinds"), n("https://a.example/abstract"), lit("A written abstract")],
              "iri-title": [n("https://a.example/title"), lit("Its abstract")],
              "plain": [lit("Plain"), lit("Plain abstract")], "none": [lit("No abstract")]}
    quads = []
    for slug, (title, *abstracts) in papers.items():
        paper = n(f"https://a.example/{slug}")
        quads += [ox.Quad(paper, RDF_TYPE, article), ox.Quad(paper, name, title)]
        quads += [ox.Quad(paper, abstract, a) for a in abstracts]
    with sqlite3.connect(":memory:") as db:
        db.deserialize(build_text_index(quads))
        indexed = sorted(db.execute("SELECT paper, title_term, abstract_term FROM docs"), key=str)
    store = ox.Store()
    store.extend(quads)
    filtered = store.query(f"""SELECT ?paper ?title ?abstract WHERE {{ ?paper a <{S}ScholarlyArticle> ;
        <{S}name> ?title FILTER (isLiteral(?title))
        OPTIONAL {{ ?paper <{S}abstract> ?abstract FILTER (isLiteral(?abstract)) }} }}""")
    expected = sorted(((str(r["paper"]), str(r["title"]), r["abstract"] and str(r["abstract"])) for r in filtered),
                      key=str)
    assert indexed == expected
    assert ("<https://a.example/iri-abstract>", '"Only an IRI"', None) in indexed


def test_a_blank_node_paper_is_found_by_the_sparql_query(tmp_path):
    """A VALUES table cannot hold a blank node: a search whose rows hold one is answered by the SPARQL query
    (it failed with a syntax error), and the others still by the index."""
    blank, g = ox.BlankNode("untitled-node"), ox.NamedNode("http://example.org/source/s")
    quads = _paper(1, "Graph Networks") + [ox.Quad(blank, RDF_TYPE, ox.NamedNode(S + "ScholarlyArticle"), g),
                                           ox.Quad(blank, ox.NamedNode(S + "name"), ox.Literal("Blank graphs"), g)]
    write_build(tmp_path, quads, BuildMeta(new_build_id(), "http://example.org/", "now"),
                {INDEX: build_text_index(quads)})
    store = EmbeddedStore(tmp_path)
    assert index_rows(store, "blank") is None
    assert [r["title"].value for r in search(store, "blank")] == ["Blank graphs"]
    assert index_rows(store, "networks") == sparql_rows(store, "networks")
