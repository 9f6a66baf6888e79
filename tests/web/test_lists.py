"""Pages cost the owner's data, not the graph's: bounded queries behind the owner's pages, paginated lists,
every paper of the graph as a list of its own, and a sitemap split per the sitemaps protocol."""

from __future__ import annotations

import json
import re

import lxml.etree
import lxml.html
import pytest

import kg.exports.bibtex
import web.views
from kg.iris import KINDS
from web.resources import list_path

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://127.0.0.1:8000/"
EXTRA_PAPERS = 7

# Queries a page for people may run: each starts from the owner, a homepage version or one resource.
BOUNDED = {"owner-profile", "owner-links", "owner-publications", "owner-paper-authors", "owner-bibliography",
           "owner-projects", "owner-organization-parents", "coauthors", "coauthor-network", "career-timeline",
           "profile-as-of", "initiatives-by-role", "homepage-versions", "homepage-sections", "version-roles",
           "version-linked-entities", "homepage-version-facts", "source-lines"}


def imported_institute() -> str:
    """An imported RDF document (as the RDF importer describes one) with papers and people the owner has no
    part in: what a large graph holds besides the profile."""
    lines = ["@prefix schema: <https://schema.org/> .", "@prefix prov: <http://www.w3.org/ns/prov#> .",
             f"<{BASE}graph/provenance> {{ <{BASE}source/institute> a prov:Entity, schema:DigitalDocument ;"
             ' schema:name "institute.nt" ; schema:encodingFormat "application/n-triples" . }',
             f"<{BASE}source/institute> {{"]
    for i in range(EXTRA_PAPERS):
        lines.append(f'<{BASE}id/paper/institute-paper-{i}> a schema:ScholarlyArticle ; '
                     f'schema:name "Institute Paper {i}" ; schema:author <{BASE}id/person/institute-person-{i}> .')
        lines.append(f'<{BASE}id/person/institute-person-{i}> a schema:Person ; schema:name "Institute Person {i}" .')
    return "\n".join(lines + ["}"])


@pytest.fixture()
def alone(fresh_store, builder):
    """The mini profile on its own."""
    return builder[1](fresh_store)


@pytest.fixture()
def within(tmp_path, builder):
    """The mini profile inside a larger graph, served with pages of 3 items and sitemap files of 5 URLs."""
    build_store, make_app = builder
    return make_app(build_store(tmp_path / "within", imported_institute()), page_size=3, sitemap_urls=5)


def papers_of(client, path: str = "/papers.jsonld") -> set[str]:
    data = json.loads(client.get(path).data)
    return {element["item"]["@id"] for element in data["itemListElement"]}


def test_the_publications_page_is_the_owners(alone, within):
    mine = papers_of(alone.test_client())
    assert mine and papers_of(within.test_client()) == mine
    assert not any("institute-paper" in iri for iri in mine)
    home_alone = alone.test_client().get("/").get_data(as_text=True)
    home_within = within.test_client().get("/").get_data(as_text=True)
    assert "Institute Paper" not in home_within
    assert re.sub(r"\s+", " ", home_alone) == re.sub(r"\s+", " ", home_within)


def test_every_paper_of_the_graph_is_a_list_of_its_own(within):
    client = within.test_client()
    found = set()
    url: str | None = "/papers/all.jsonld"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        found |= {e["item"]["@id"] for e in json.loads(response.data)["itemListElement"]}
        url = next((u for u, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
                    if rel == "next"), None)
    assert {f"{BASE}id/paper/institute-paper-{i}" for i in range(EXTRA_PAPERS)} <= found
    assert papers_of(client) < found


@pytest.mark.parametrize("path", ["/", "/papers", "/papers.bib", "/history", "/papers?topic=cs-lg"])
def test_the_owners_pages_run_only_bounded_queries(alone, path, monkeypatch):
    ran: list[str] = []
    for module in (web.views, kg.exports.bibtex):
        original = module.run

        def recording(store, query, *args, _original=original, **kwargs):
            ran.append(query.name)
            return _original(store, query, *args, **kwargs)
        monkeypatch.setattr(module, "run", recording)
    assert alone.test_client().get(path).status_code == 200
    assert ran and set(ran) <= BOUNDED, f"{path} ran unbounded queries: {sorted(set(ran) - BOUNDED)}"


def walk(client, path: str) -> tuple[list[str], list[str]]:
    """Every page of a list by following rel="next" in the HTML head: (item links, page URLs)."""
    items, pages, url = [], [], path
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(url)
        doc = lxml.html.fromstring(response.data)
        items += doc.xpath("//ul[@class='items']/li/a/@href")
        nexts = doc.xpath("//head/link[@rel='next']/@href")
        assert nexts == [u for u, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
                         if rel == "next"]
        url = nexts[0] if nexts else None
    return items, pages


@pytest.mark.parametrize("kind", [k.name for k in KINDS.values() if k.plural])
def test_lists_are_paginated(within, builder, kind):
    path = list_path(kind)
    items, pages = walk(within.test_client(), path)
    whole = builder[1](within.config["KG_SETTINGS"].store, page_size=10_000).test_client()
    expected = lxml.html.fromstring(whole.get(path).data).xpath("//ul[@class='items']/li/a/@href")
    assert items == expected
    assert len(pages) == max(1, -(-len(expected) // 3))
    if len(pages) > 1:
        second = within.test_client().get(pages[1])
        doc = lxml.html.fromstring(second.data)
        assert doc.xpath("//head/link[@rel='prev']/@href") == [path]
        assert doc.xpath("//nav[@class='pager']//a[@rel='prev']/@href") == [path]


def test_list_pages_as_jsonld_count_positions_in_the_whole_list(within):
    client = within.test_client()
    first = json.loads(client.get("/people.jsonld").data)
    second = json.loads(client.get("/people.jsonld?page=2").data)
    assert [e["position"] for e in first["itemListElement"]] == [1, 2, 3]
    assert [e["position"] for e in second["itemListElement"]][:1] == [4]
    assert first["numberOfItems"] == second["numberOfItems"] > 3
    assert '</people.jsonld?page=3>; rel="next"' in client.get("/people.jsonld?page=2").headers["Link"]


@pytest.mark.parametrize("page, status", [("0", 400), ("-1", 400), ("two", 400), ("999", 404), ("1", 200)])
def test_page_parameter(within, page, status):
    assert within.test_client().get(f"/people?page={page}").status_code == status


def test_the_html_twin_named_by_the_link_header_answers(within):
    client = within.test_client()
    link = client.get("/people.jsonld?page=2").headers["Link"]
    html = re.search(r'<([^>]+)>; rel="alternate"; type="text/html"', link).group(1)
    assert html == "/people.html?page=2"
    assert client.get(html).status_code == 200


def locs(body: bytes, tag: str) -> list[str]:
    return lxml.etree.fromstring(body).xpath(f"//s:{tag}/s:loc/text()", namespaces=SITEMAP_NS)


def test_the_sitemap_is_split_past_its_limit(within, builder):
    client = within.test_client()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("application/xml")
    files = locs(index.data, "sitemap")
    assert len(files) > 1 and files[0] == f"{BASE}sitemap-1.xml"
    urls: list[str] = []
    for url in files:
        part = client.get("/" + url[len(BASE):])
        assert part.status_code == 200
        found = locs(part.data, "url")
        assert 0 < len(found) <= 5
        urls += found
    whole = builder[1](within.config["KG_SETTINGS"].store).test_client().get("/sitemap.xml")
    assert urls == locs(whole.data, "url"), "the files together are the whole sitemap, in order"
    assert f"{BASE}papers/all" in urls and f"{BASE}papers" in urls
    assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_a_named_querys_table_is_paginated_its_data_is_not(within):
    client = within.test_client()
    rows = json.loads(client.get("/queries/people.json").data)["results"]["bindings"]
    assert len(rows) > 3
    first = lxml.html.fromstring(client.get("/queries/people").data)
    assert len(first.xpath("//table[@class='results']/tbody/tr")) == 3
    assert first.xpath("//head/link[@rel='next']/@href") == ["/queries/people?page=2"]
    assert first.xpath("//p[@class='count']/text()")[0].startswith(str(len(rows)))
    shown = []
    url = "/queries/people"
    while url:
        doc = lxml.html.fromstring(client.get(url).data)
        shown += doc.xpath("//table[@class='results']/tbody/tr/td[1]//text()")
        url = (doc.xpath("//head/link[@rel='next']/@href") or [None])[0]
    assert len(shown) == len(rows)
    kept = client.get("/queries/coauthors?person=person/ada-lovelace&page=1")
    assert kept.status_code == 200, "page is the table's, not a query parameter"


def test_the_quality_pages_lists_hold_a_page_and_link_to_the_rest(within):
    doc = lxml.html.fromstring(within.test_client().get("/quality").data)
    section = doc.xpath("//section[@id='people-known-only-by-name']")[0]
    assert len(section.xpath(".//ol/li")) == 3
    more = section.xpath(".//a[@href='/queries/people-known-only-by-name']/text()")
    assert more and int(re.search(r"\d+", more[0]).group()) >= EXTRA_PAPERS
