"""Resource pages for people, their JSON-LD and citation tags, escaping, and the list pages of each kind."""

from __future__ import annotations

import json
import re

import extruct
import lxml.html
import pytest
from pyld import jsonld as pyld
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.iris import KINDS
from kg.settings import PROJECT_ROOT
from kg.vocab import SCHEMA

CONTEXT_FILE = PROJECT_ROOT / "ontology" / "schemaorgcontext.jsonld"
VOCABULARY_FILE = PROJECT_ROOT / "ontology" / "schemaorg-current-https.ttl"
LIST_KINDS = [k.name for k in KINDS.values() if k.plural and k.name != "paper"]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def html_of(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.data[:300]
    return lxml.html.fromstring(response.data)


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


# ---------------------------------------------------------------- JSON-LD helpers (no network)


def _local_context(url, options=None):
    if url.rstrip("/").replace("http://", "https://") in ("https://schema.org", "https://schema.org/docs/jsonldcontext.json"):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": json.loads(CONTEXT_FILE.read_text())}
    raise AssertionError(f"the test tried to fetch {url}")


@pytest.fixture(scope="module")
def schema_terms() -> set[str]:
    graph = Graph().parse(VOCABULARY_FILE, format="turtle")
    return {str(s) for s in graph.subjects(RDF.type, None)} | {str(s) for s in graph.subjects(RDFS.label, None)}


def embedded_jsonld(response) -> list[dict]:
    data = extruct.extract(response.get_data(as_text=True), syntaxes=["json-ld"], uniform=False)
    return data["json-ld"]


def expand(document: dict) -> list[dict]:
    return pyld.expand(document, {"documentLoader": _local_context})


def used_terms(expanded) -> set[str]:
    """Every property and type IRI in an expanded JSON-LD document."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@type":
                    found.update(value if isinstance(value, list) else [value])
                elif not key.startswith("@"):
                    found.add(key)
                walk(value)

    walk(expanded)
    return found


# ---------------------------------------------------------------- pages for people (the tiny profile)


def test_person_page_shows_names_not_iris(mini_client):
    doc = html_of(mini_client.get("/id/person/ada-lovelace"))
    assert texts(doc, "//h1") == ["Ada Lovelace"]
    work = " ".join(texts(doc, "//dt[a='work']/following-sibling::dd[1]"))
    assert "Assistant Professor" in work and "DIRO" in work and "2023–" in work
    assert "Postdoctoral Researcher" in work and "2020-09–2022-12" in work
    links = doc.xpath("//dt[a='work']/following-sibling::dd[1]//a/@href")
    assert "/id/organization/udem-diro" in links and "/id/organization/mila" in links
    assert "http://127.0.0.1:8000/id/organization" not in " ".join(texts(doc, "//main//a"))


def test_person_page_lists_papers_newest_first(mini_client):
    doc = html_of(mini_client.get("/id/person/ada-lovelace"))
    papers = doc.xpath("//section[@id='resource-incoming']/h3[.='Publications']/following-sibling::ul[1]/li/a")
    assert [a.text for a in papers] == ["Deep Widgets for Everyone", "Sparse Gadgets",
                                        "A Measurement of the Widget Mass", "On Gadgets"]
    assert papers[0].get("href") == "/id/paper/deep-widgets"


def test_each_fact_names_its_source_documents(mini_client):
    doc = html_of(mini_client.get("/id/person/ada-lovelace"))
    postdoc = [li for li in texts(doc, "//dt[a='work']/following-sibling::dd[1]//li") if "Postdoctoral" in li][0]
    assert "resume.yaml" in postdoc and "homepage/2022-01-01/home.md" in postdoc
    assert "resume.yaml" in texts(doc, "//section[@id='resource-sources']//li")


def test_organization_page_lists_members_and_roles_with_dates(mini_client):
    doc = html_of(mini_client.get("/id/organization/mila"))
    people = " | ".join(texts(doc, "//section[@id='resource-incoming']/h3[.='People working here']"
                                  "/following-sibling::ul[1]/li"))
    assert "Ada Lovelace" in people and "Postdoctoral Researcher" in people and "2020-09–2022-12" in people
    assert "Bob Builder" in people and "Research Scientist" in people


def test_topic_page_lists_its_papers(mini_client):
    doc = html_of(mini_client.get("/id/topic/cs-lg"))
    papers = texts(doc, "//section[@id='resource-incoming']/h3[.='Papers on this topic']/following-sibling::ul[1]/li/a")
    assert papers == ["Deep Widgets for Everyone", "Sparse Gadgets", "On Gadgets"]


def test_paper_page_lists_authors_in_order(mini_client):
    doc = html_of(mini_client.get("/id/paper/widget-mass"))
    authors = doc.xpath("//dt[a='authors']/following-sibling::dd[1]//li/a")
    assert [a.text for a in authors] == ["ATLAS Collaboration", "Ada Lovelace"]


def test_paper_page_has_google_scholar_tags(mini_client):
    doc = html_of(mini_client.get("/id/paper/deep-widgets"))
    meta = [(m.get("name"), m.get("content")) for m in doc.xpath("//meta[starts-with(@name, 'citation_')]")]
    assert ("citation_title", "Deep Widgets for Everyone") in meta
    assert [c for n, c in meta if n == "citation_author"] == ["Ada Lovelace", "Bob Builder", "Carol Chen"]
    assert ("citation_publication_date", "2024/05/02") in meta
    assert ("citation_arxiv_id", "2405.00001") in meta


@pytest.mark.parametrize("path, date", [("/id/paper/sparse-gadgets", "2023/11"), ("/id/paper/on-gadgets", "2020")])
def test_partial_dates_in_citation_tags(mini_client, path, date):
    doc = html_of(mini_client.get(path))
    assert doc.xpath("//meta[@name='citation_publication_date']/@content") == [date]


def test_identifiers_as_property_values(evil_client):
    response = evil_client.get("/id/paper/odd")
    doc = html_of(response)
    meta = [(m.get("name"), m.get("content")) for m in doc.xpath("//meta[starts-with(@name, 'citation_')]")]
    assert ("citation_arxiv_id", "2202.01234") in meta and ("citation_doi", "10.1000/xyz") in meta
    shown = texts(doc, "//dt[a='identifiers']/following-sibling::dd[1]//li")
    assert any(t.startswith("arxiv: 2202.01234") for t in shown)
    [data] = embedded_jsonld(response)
    assert {"@type": "PropertyValue", "propertyID": "doi", "value": "10.1000/xyz"} in data["identifier"]


def test_a_role_page_is_named_after_the_role(mini_client):
    doc = html_of(mini_client.get("/id/role/ada-lovelace--mila--postdoctoral-researcher"))
    assert texts(doc, "//h1") == ["Postdoctoral Researcher, Mila"]
    held = texts(doc, "//section[@id='resource-incoming']/h3[.='Held by']/following-sibling::ul[1]/li/a")
    assert held == ["Ada Lovelace"]


def test_role_and_fragment_nodes_are_in_the_rdf(mini_client):
    graph = Graph().parse(data=mini_client.get("/id/paper/deep-widgets.ttl").data, format="turtle")
    paper = URIRef("http://127.0.0.1:8000/id/paper/deep-widgets")
    first = URIRef(str(paper) + "#author-1")
    assert (first, SCHEMA.position, None) in graph
    assert (URIRef("http://127.0.0.1:8000/id/person/ada-lovelace"), SCHEMA.name, None) in graph  # linked names
    person = Graph().parse(data=mini_client.get("/id/person/ada-lovelace.ttl").data, format="turtle")
    role = URIRef("http://127.0.0.1:8000/id/role/ada-lovelace--mila--postdoctoral-researcher")
    assert (role, SCHEMA.roleName, None) in person
    assert (URIRef("http://127.0.0.1:8000/id/organization/mila"), SCHEMA.name, None) in person


# ---------------------------------------------------------------- JSON-LD for search engines


def test_person_jsonld(mini_client):
    [data] = embedded_jsonld(mini_client.get("/id/person/ada-lovelace"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Person"
    assert data["name"] == "Ada Lovelace" and data["jobTitle"].startswith("Assistant Professor")
    assert {o["name"] for o in as_list(data["worksFor"])} == {"DIRO"}  # the current job; the postdoc ended
    assert data["alumniOf"]["name"] == "ETH Zürich"


def test_article_jsonld_has_headline_ordered_authors_and_date(mini_client):
    [data] = embedded_jsonld(mini_client.get("/id/paper/widget-mass"))
    assert data["@type"] == "ScholarlyArticle" and data["headline"] == "A Measurement of the Widget Mass"
    assert [(a["@type"], a["name"]) for a in data["author"]] == [("Organization", "ATLAS Collaboration"),
                                                                ("Person", "Ada Lovelace")]
    assert data["datePublished"] == "2021"


def test_organization_jsonld(mini_client):
    [data] = embedded_jsonld(mini_client.get("/id/organization/udem"))
    assert data["@type"] == "CollegeOrUniversity" and data["name"] == "Université de Montréal"
    assert data["subOrganization"]["name"] == "DIRO"


def test_profile_page_jsonld_wraps_the_person(mini_app):
    from web.resources import profile_page_jsonld

    with mini_app.test_request_context("/"):
        data = profile_page_jsonld("http://127.0.0.1:8000/id/person/ada-lovelace", url="http://127.0.0.1:8000/")
    assert data["@type"] == "ProfilePage" and data["mainEntity"]["@type"] == "Person"
    assert data["mainEntity"]["name"] == "Ada Lovelace" and "@context" not in data["mainEntity"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_embeds_schema_org_jsonld_of_known_terms(client, settings, samples, schema_terms, kind):
    iri, _ = samples[kind]
    blocks = embedded_jsonld(client.get("/" + iri[len(settings.base):]))
    assert blocks, "no JSON-LD"
    for block in blocks:
        assert block["@context"] == "https://schema.org"
        expanded = expand(block)
        assert any(node.get("@id") == iri for node in expanded)
        unknown = {t for t in used_terms(expanded) if t.replace("http://schema.org/", "https://schema.org/")
                   not in schema_terms}
        assert not unknown, f"terms missing from schema.org 30.0: {unknown}"


def test_jsonld_cannot_break_out_of_its_script(evil_client):
    body = evil_client.get("/id/person/mallory").get_data(as_text=True)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert scripts and "</script" not in scripts[0].lower()
    assert json.loads(scripts[0])["name"] == "</script><script>alert(1)</script>"


# ---------------------------------------------------------------- escaping what comes from data


def test_data_is_escaped_and_javascript_urls_are_not_links(evil_client):
    response = evil_client.get("/id/person/mallory")
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(3)&gt;" in body
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="javascript:' not in body.lower()
    assert "javascript:alert(2)" in body  # shown as text, not as a link


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize("kind", LIST_KINDS)
def test_list_pages_link_every_resource_by_name(client, kind):
    plural = KINDS[kind].plural
    doc = html_of(client.get(f"/{plural}"))
    links = doc.xpath(f"//section[@id='list-{plural}']//li/a")
    assert all(a.get("href").startswith(f"/id/{kind}/") for a in links)
    data = client.get(f"/{plural}.jsonld")
    assert data.status_code == 200 and data.mimetype == "application/ld+json"
    items = data.get_json()["itemListElement"]
    assert [i["item"]["name"] for i in items] == [a.text for a in links]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize("kind", LIST_KINDS)
def test_list_jsonld_by_accept(client, kind):
    plural = KINDS[kind].plural
    response = client.get(f"/{plural}", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json" and "Accept" in response.vary
    graph = Graph().parse(data=json.dumps(expand(response.get_json())), format="json-ld")
    assert (None, RDF.type, URIRef("http://schema.org/ItemList")) in graph
    assert client.get(f"/{plural}", headers={"Accept": "image/png"}).status_code == 406


def test_people_list_is_the_named_query(mini_client):
    doc = html_of(mini_client.get("/people"))
    rows = texts(doc, "//section[@id='list-people']//li")
    assert rows[0].startswith("Ada Lovelace") and "4 papers" in rows[0]
    assert [r.split(" ")[0] for r in rows] == ["Ada", "Bob", "Carol", "Dan"]


def test_papers_list_is_left_to_the_pages(mini_app):
    from web.resources import list_jsonld

    rules = {r.rule: r.endpoint for r in mini_app.url_map.iter_rules()}
    assert not rules.get("/papers", "").startswith("resources.")
    with mini_app.test_request_context("/papers.jsonld"):
        data = list_jsonld("paper")
    assert data["@type"] == "ItemList" and len(data["itemListElement"]) == 4
    assert {i["item"]["@type"] for i in data["itemListElement"]} == {"ScholarlyArticle"}
