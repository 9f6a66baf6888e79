"""One home for formats: every offer a route makes is a row of kg.formats, and each row round-trips through
negotiation (its media types, its suffix) and shows its label and media type wherever a page links to it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from lxml import html as lxml_html

import web
from kg.formats import (BY_NAME, DATASET, DOCUMENT, FORMATS, GRAPH, RDF_FORMATS, RESULT_FORMATS, RESULTS,
                        results_format)
from web.negotiation import Offer, negotiate, split_suffix


def _offers_in(value) -> list[Offer]:
    if isinstance(value, Offer):
        return [value]
    if isinstance(value, (tuple, list)):
        return [o for v in value for o in _offers_in(v)]
    if isinstance(value, dict):
        return [o for v in value.values() for o in _offers_in(v)]
    return []


def route_offers() -> dict[str, tuple[Offer, ...]]:
    """Every group of offers a web module declares at module level (a tuple, dict or single offer), by name."""
    groups: dict[str, tuple[Offer, ...]] = {}
    for info in pkgutil.iter_modules(web.__path__, "web."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            found = tuple(_offers_in(value))
            if found and not name.startswith("__"):
                groups[f"{info.name}.{name}"] = found
    return groups


GROUPS = route_offers()
OFFERS = sorted({o for group in GROUPS.values() for o in group}, key=lambda o: (o.key, o.aliases))


def test_the_web_modules_declare_offers():
    assert {"web.resources.LIST_OFFERS", "web.sparql.GRAPH_OFFERS", "web.named_queries.RESULT_OFFERS",
            "web.pages.PAPERS_OFFERS", "web.site.EXPORTS"} <= set(GROUPS)


@pytest.mark.parametrize("offer", OFFERS, ids=lambda o: f"{o.key}{'+' if o.aliases else ''}")
def test_every_offer_is_a_row_of_the_table(offer):
    row = BY_NAME.get(offer.key)
    assert row is not None and offer.format == row, f"{offer} is not the kg.formats row {row}"
    assert set(offer.aliases) <= set(row.aliases + row.loose), f"{offer.key} answers to types its row does not name"


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_each_offer_round_trips_through_negotiation(name):
    group = GROUPS[name]
    for offer in group:
        for media_type in offer.media_types:
            if sum(media_type in o.media_types for o in group) == 1:
                assert negotiate(media_type, group) == offer, f"{name}: {media_type} does not choose {offer.key}"
        assert split_suffix(f"thing.{offer.suffix}", group) == ("thing", offer.suffix)


def test_the_table_names_each_format_once():
    assert len(BY_NAME) == len(FORMATS)
    for rows in (RDF_FORMATS, RESULT_FORMATS):
        assert len({f.suffix for f in rows}) == len({f.media_type for f in rows}) == len(rows)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_each_row_has_the_writers_its_kind_needs(fmt):
    if fmt.kind in (GRAPH, DATASET):
        assert fmt.rdflib and fmt.ox_rdf and fmt.ox_rdf.media_type == fmt.media_type
        assert fmt.ox_rdf.supports_datasets == (fmt.kind == DATASET) or fmt.name == "jsonld"
    elif fmt.kind == RESULTS:
        assert fmt.ox_results and fmt.ox_results.media_type.split(";")[0] == fmt.media_type and not fmt.ox_rdf
    else:
        assert fmt.kind == DOCUMENT and not (fmt.ox_rdf or fmt.ox_results or fmt.rdflib)


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda f: f.name)
def test_results_writer_found_by_each_media_type(fmt):
    for media_type in fmt.media_types:
        assert results_format(f"{media_type}; charset=utf-8") == fmt


def test_resource_page_links_each_rdf_format_with_its_label(client, settings, samples):
    iri, _ = samples["person"]
    path = "/" + iri[len(settings.base):]
    doc = lxml_html.fromstring(client.get(path, headers={"Accept": "text/html"}).data)
    heads = {(e.get("type"), e.get("title"), e.get("href")) for e in doc.xpath("//head/link[@rel='alternate']")}
    assert {(f.media_type, f.label, f"{path}.{f.suffix}") for f in RDF_FORMATS} <= heads
    shown = {(a.get("type"), a.text_content()) for a in doc.xpath("//ul[@class='formats']//a")}
    assert {(f.media_type, f.label) for f in RDF_FORMATS} <= shown


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_each_rdf_row_is_served_with_its_media_type(client, settings, samples, fmt):
    iri, _ = samples["paper"]
    path = "/" + iri[len(settings.base):]
    for media_type in fmt.media_types:
        response = client.get(path, headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert f'<{path}.{fmt.suffix}>; rel="alternate"; type="{fmt.media_type}"' in \
        client.get(path, headers={"Accept": "text/html"}).headers["Link"]


def test_service_description_names_every_result_and_graph_format(client):
    body = client.get("/sparql", headers={"Accept": "application/n-triples"}).data.decode()
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):
        assert f"<http://www.w3.org/ns/formats/{fmt.w3c}>" in body


def test_the_query_editor_offers_each_results_and_graph_format_by_its_label(client):
    doc = lxml_html.fromstring(client.get("/sparql", headers={"Accept": "text/html"}).data)
    options = [(o.get("value"), o.text_content()) for o in doc.xpath("//select[@id='sparql-format']/option")]
    assert [value for value, _ in options] == ["html", *(f.name for f in (*RESULT_FORMATS, *RDF_FORMATS))]
    for (value, text), fmt in zip(options[1:], (*RESULT_FORMATS, *RDF_FORMATS)):
        assert text.startswith(fmt.label)
    links = {(a.get("data-format"), a.get("type"), a.text_content())
             for a in doc.xpath("//section[@id='sparql-downloads']//a")}
    assert links == {(f.name, f.media_type, f.label) for f in (*RESULT_FORMATS, *RDF_FORMATS)}


def test_the_footer_downloads_carry_the_tables_labels(client):
    doc = lxml_html.fromstring(client.get("/", headers={"Accept": "text/html"}).data)
    dumps = {(a.get("href"), a.get("type"), a.text_content()) for a in doc.xpath("//footer//a[@type]")}
    assert dumps == {(f"/export.{f.suffix}", f.media_type, f.label) for f in (BY_NAME["ttl"], BY_NAME["jsonld"])}
    for url, media_type, _ in dumps:
        assert client.get(url).mimetype == media_type
