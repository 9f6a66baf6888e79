"""For machines and search engines: whole-graph dumps, the sitemap, robots.txt and the VoID description.

Each is computed once per data version (dumps in a small cache of their own) and answered with the build's
validators, so a crawler's conditional request costs nothing.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, make_response

from kg import iris
from kg.errors import ResourceNotFound
from kg.exports.graph import export_bytes
from kg.formats import BY_NAME, PREFIXES, serialize_triples
from kg.store.queries import owner_of
from kg.vocab import DCTERMS, FOAF, KG, OX_TYPE, PROV, SCHEMA, VOID, XSD
from web.cache import app_base, app_settings, app_store, cached, stamp
from web.describe import resource_iris
from web.resources import list_path
from web.negotiation import RDF_OFFERS, Offer, choose, finish, format_offer, not_acceptable, split_suffix
from web.sparql import graph_sizes

bp = Blueprint("site", __name__)

# /export.{suffix} -> the kg export format: the contract's three, plus the quad formats and RDF/XML.
EXPORTS: dict[str, Offer] = {o.suffix: o for o in (format_offer(BY_NAME[name]) for name in
                                                     ("jsonld", "ttl", "nt", "nq", "trig", "rdfxml"))}
TEXT = Offer("text", "text/plain", "txt")
XML = Offer("sitemap", "application/xml", "xml")


@bp.get("/export.<suffix>")
def export(suffix: str):
    """The whole graph in one format (ttl/nt/rdf: the union as triples; jsonld/nq/trig: with named graphs)."""
    offer = EXPORTS.get(suffix)
    if offer is None:
        raise ResourceNotFound("export", suffix)
    body = cached(("export", offer.key), lambda: export_bytes(app_store(), offer.key), large=True)
    response = make_response(body)
    response.headers["Content-Disposition"] = f'inline; filename="profile.{suffix}"'
    version, built_at = stamp()
    return finish(response, offer=offer, version=version, built_at=built_at, negotiated=False, max_age=300)


def page_urls() -> list[str]:
    """Every HTML page worth crawling: home, lists, named queries, the editor, and every resource."""
    base = app_base()
    lists = [base + list_path(k.name)[1:] for k in iris.KINDS.values() if k.plural] + [f"{base}papers"]
    return [base, *lists, f"{base}queries", f"{base}sparql", *resource_iris(app_store(), base)]


def _sitemap_urls() -> list[str]:
    """The sitemap's URLs, once per data version."""
    return cached("sitemap-urls", page_urls)


def _urlset(urls: list[str]) -> bytes:
    modified = (app_store().meta.built_at or "")[:10]
    lastmod = f"<lastmod>{escape(modified)}</lastmod>" if modified else ""
    entries = "".join(f"<url><loc>{escape(url)}</loc>{lastmod}</url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n").encode()


def _sitemap_index(files: int) -> bytes:
    base, modified = app_base(), (app_store().meta.built_at or "")[:10]
    lastmod = f"<lastmod>{escape(modified)}</lastmod>" if modified else ""
    entries = "".join(f"<sitemap><loc>{escape(base)}sitemap-{n}.xml</loc>{lastmod}</sitemap>\n"
                      for n in range(1, files + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</sitemapindex>\n"
            ).encode()


def _xml(body: bytes):
    version, built_at = stamp()
    return finish(make_response(body), offer=XML, version=version, built_at=built_at, negotiated=False,
                  max_age=3600)


@bp.get("/sitemap.xml")
def sitemap():
    """Every HTML page, with the build date as lastmod; past `sitemap_urls` URLs (the protocol allows 50,000 per
    file), a sitemap index naming `/sitemap-1.xml`, `/sitemap-2.xml`, ..."""
    per_file = app_settings().sitemap_urls
    urls = _sitemap_urls()
    if len(urls) <= per_file:
        return _xml(cached("sitemap", lambda: _urlset(urls)))
    return _xml(cached("sitemap-index", lambda: _sitemap_index(-(-len(urls) // per_file))))


@bp.get("/sitemap-<int:number>.xml")
def sitemap_file(number: int):
    """The number-th file of a split sitemap (1-based)."""
    per_file = app_settings().sitemap_urls
    urls = _sitemap_urls()
    if not 1 <= number <= max(1, -(-len(urls) // per_file)):
        raise ResourceNotFound("page", f"sitemap-{number}.xml")
    start = (number - 1) * per_file
    return _xml(cached(("sitemap", number), lambda: _urlset(urls[start:start + per_file])))


@bp.get("/robots.txt")
def robots():
    """Crawl the pages, not the query endpoints; here is the sitemap."""
    base = app_base()
    body = ("User-agent: *\n"
            "Disallow: /sparql?\n"
            "Disallow: /queries/*?\n"
            "Allow: /\n"
            f"Sitemap: {base}sitemap.xml\n")
    version, built_at = stamp()
    return finish(make_response(body), offer=TEXT, version=version, built_at=built_at, negotiated=False,
                  max_age=3600)


@bp.get("/void")
@bp.get("/void.<suffix>")
def void(suffix: str | None = None):
    """The VoID description of the dataset, by Accept (Turtle for */*) or suffix."""
    if suffix is not None:
        if split_suffix("void." + suffix, RDF_OFFERS)[1] is None:
            raise ResourceNotFound("page", f"void.{suffix}")
    offer = choose(RDF_OFFERS, suffix)
    if offer is None:
        return not_acceptable(RDF_OFFERS, "/void")
    prefixes = {**PREFIXES, "void": str(VOID), "dcterms": str(DCTERMS), "foaf": str(FOAF)}
    body = cached(("void", offer.key), lambda: serialize_triples(void_triples(), offer.format, prefixes))
    version, built_at = stamp()
    links = [(f"/void.{o.suffix}", o) for o in RDF_OFFERS if o != offer]
    return finish(make_response(body), offer=offer, version=version, built_at=built_at,
                  negotiated=suffix is None, links=links, location=f"/void.{offer.suffix}", max_age=300)


def class_and_property_counts() -> tuple[dict[str, int], dict[str, int]]:
    """Entities per class and distinct triples per property, over the union graph; once per build."""
    def count():
        store = app_store()
        classes = {row["c"].value: int(row["n"].value) for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")}
        properties = {row["p"].value: int(row["n"].value) for row in store.query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p")}
        return classes, properties
    return cached("void-counts", count)


def void_triples() -> list[ox.Triple]:
    """void:Dataset with its size, class and property partitions, SPARQL endpoint and dumps."""
    base, store = app_base(), app_store()
    v, dc, n = str(VOID), str(DCTERMS), ox.NamedNode
    a = OX_TYPE
    description, dataset = n(base + "void"), n(base + "void#dataset")

    def integer(value: int) -> ox.Literal:
        return ox.Literal(str(value), datatype=n(XSD + "integer"))

    total, _ = graph_sizes(store)
    classes, properties = class_and_property_counts()
    entities = len(resource_iris(store, base))
    out = [
        ox.Triple(description, a, n(v + "DatasetDescription")),
        ox.Triple(description, n(str(FOAF.primaryTopic)), dataset),
        ox.Triple(dataset, a, n(v + "Dataset")),
        ox.Triple(dataset, n(dc + "title"), ox.Literal("Scholarly profile knowledge graph")),
        ox.Triple(dataset, n(str(FOAF.homepage)), n(base)),
        ox.Triple(dataset, n(v + "sparqlEndpoint"), n(base + "sparql")),
        ox.Triple(dataset, n(v + "uriSpace"), ox.Literal(base + "id/")),
        ox.Triple(dataset, n(v + "triples"), integer(total)),
        ox.Triple(dataset, n(v + "entities"), integer(entities)),
        ox.Triple(dataset, n(v + "classes"), integer(len(classes))),
        ox.Triple(dataset, n(v + "properties"), integer(len(properties))),
    ]
    if store.meta.built_at:
        out.append(ox.Triple(dataset, n(dc + "modified"), ox.Literal(store.meta.built_at, datatype=n(XSD + "dateTime"))))
    owner = owner_of(store)
    if isinstance(owner, ox.NamedNode):
        out.append(ox.Triple(dataset, n(v + "exampleResource"), owner))
    for suffix in EXPORTS:
        out.append(ox.Triple(dataset, n(v + "dataDump"), n(f"{base}export.{suffix}")))
    for vocabulary in (SCHEMA, FOAF, KG, PROV):
        out.append(ox.Triple(dataset, n(v + "vocabulary"), n(str(vocabulary))))
    for name in ("Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        out.append(ox.Triple(dataset, n(v + "feature"), n("http://www.w3.org/ns/formats/" + name)))
    for i, (cls, count) in enumerate(sorted(classes.items()), 1):
        part = n(f"{base}void#class-{i}")
        out += [ox.Triple(dataset, n(v + "classPartition"), part), ox.Triple(part, n(v + "class"), n(cls)),
                ox.Triple(part, n(v + "entities"), integer(count))]
    for i, (prop, count) in enumerate(sorted(properties.items()), 1):
        part = n(f"{base}void#property-{i}")
        out += [ox.Triple(dataset, n(v + "propertyPartition"), part), ox.Triple(part, n(v + "property"), n(prop)),
                ox.Triple(part, n(v + "triples"), integer(count))]
    return out


__all__ = ["bp", "EXPORTS", "page_urls", "void_triples"]
