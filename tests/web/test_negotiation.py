"""Content negotiation on /id/{kind}/{slug}: the matrix kinds x formats x Accept headers, and its headers.

Decision pinned here: `*/*` alone (and no Accept at all, and `text/*`) gives HTML, the Cool URIs practice of
serving people by default; ties between equally acceptable types go to the server's order (HTML, Turtle,
JSON-LD, N-Triples, RDF/XML). Every RDF answer is re-parsed with rdflib and checked for the resource's name.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.formats import RDF_FORMATS
from kg.iris import KINDS
from kg.vocab import SCHEMA
from web.negotiation import RESOURCE_OFFERS, negotiate, parse_accept, quality

KIND_NAMES = list(KINDS)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def path_of(iri: str, base: str) -> str:
    return "/" + iri[len(base):]


def parse(body: bytes, fmt) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=fmt.rdflib)
    return graph


def assert_describes(body: bytes, fmt, iri: str, name: str | None) -> None:
    """The answer parses in its format and says the resource's name (or at least something about it)."""
    graph = parse(body, fmt)
    subject = URIRef(iri)
    if name is not None:
        assert (subject, SCHEMA.name, Literal(name)) in graph, f"{fmt.name}: no schema:name {name!r} for {iri}"
    else:
        assert (subject, None, None) in graph, f"{fmt.name}: nothing about {iri}"


# ---------------------------------------------------------------- the Accept parser


def test_parse_accept_reads_q_values_and_skips_junk():
    ranges = parse_accept("text/turtle;q=0.5, application/ld+json;q=0.9, junk, */*;q=0.1;ext=1, text/html;q=abc")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.5), ("application", "ld+json", 0.9), ("*", "*", 0.1), ("text", "html", 1.0)]


def test_most_specific_range_decides():
    ranges = parse_accept("text/*;q=0.3, text/html;q=0.7, */*;q=0.5")
    assert quality(ranges, "text/html") == 0.7
    assert quality(ranges, "text/turtle") == 0.3
    assert quality(ranges, "application/ld+json") == 0.5


@pytest.mark.parametrize("accept, expected", [
    (None, "html"),
    ("", "html"),
    ("*/*", "html"),
    ("text/*", "html"),
    (BROWSER, "html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("text/html;q=0, */*", "ttl"),
    ("text/html;q=0, text/turtle;q=0, */*;q=0.1", "jsonld"),
    ("application/rdf+xml, text/html;q=0.9", "rdfxml"),
    ("application/*", "jsonld"),
    ("text/plain", "nt"),
    ("application/xml", "rdfxml"),
    ("application/x-turtle", "ttl"),
    ("TEXT/TURTLE", "ttl"),
    ("image/png", None),
    ("text/html;q=0", None),
])
def test_negotiate(accept, expected):
    offer = negotiate(accept, RESOURCE_OFFERS)
    assert (offer.key if offer else None) == expected


# ---------------------------------------------------------------- the matrix


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_suffix_chooses_the_format(client, settings, samples, kind, fmt):
    iri, name = samples[kind]
    response = client.get(f"{path_of(iri, settings.base)}.{fmt.suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    assert_describes(response.data, fmt, iri, name)


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_accept_chooses_the_format(client, settings, samples, kind, fmt):
    iri, name = samples[kind]
    path = path_of(iri, settings.base)
    response = client.get(path, headers={"Accept": f"text/html;q=0.4, {fmt.media_type}"})
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    assert "Accept" in response.vary
    assert response.headers["Content-Location"] == f"{path}.{fmt.suffix}"
    assert_describes(response.data, fmt, iri, name)


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "text/*", BROWSER])
def test_people_get_html(client, settings, samples, kind, accept):
    iri, name = samples[kind]
    response = client.get(path_of(iri, settings.base), headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.vary
    if name:
        assert name in response.get_data(as_text=True) or name.replace("'", "&#39;") in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_html_suffix(client, settings, samples, kind):
    iri, _ = samples[kind]
    response = client.get(path_of(iri, settings.base) + ".html", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/html"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_q_values_pick_the_preferred_format(client, settings, samples, kind):
    iri, name = samples[kind]
    response = client.get(path_of(iri, settings.base),
                          headers={"Accept": "text/turtle;q=0.5, application/ld+json;q=0.9"})
    assert response.mimetype == "application/ld+json"
    assert_describes(response.data, RDF_FORMATS[1], iri, name)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_html_excluded_by_q_zero(client, settings, samples, kind):
    iri, _ = samples[kind]
    response = client.get(path_of(iri, settings.base), headers={"Accept": "text/html;q=0, */*;q=0.5"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("accept", ["image/png", "text/html;q=0", "application/json;q=0, image/*"])
def test_unacceptable_is_406(client, settings, samples, kind, accept):
    iri, _ = samples[kind]
    path = path_of(iri, settings.base)
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.vary
    assert f"{path}.ttl" in response.headers["Link"]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_unknown_suffix_is_not_a_format(client, settings, samples, kind):
    iri, _ = samples[kind]
    assert client.get(path_of(iri, settings.base) + ".png").status_code == 404


# ---------------------------------------------------------------- 404 in the negotiated type


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_unknown_resource_is_404_in_the_negotiated_type(client, kind, fmt):
    response = client.get(f"/id/{kind}/no-such-thing-here", headers={"Accept": fmt.media_type})
    assert response.status_code == 404
    assert response.mimetype == fmt.media_type
    assert len(parse(response.data, fmt)) == 0  # a well-formed, empty document saying why in a comment
    suffixed = client.get(f"/id/{kind}/no-such-thing-here.{fmt.suffix}")
    assert suffixed.status_code == 404 and suffixed.mimetype == fmt.media_type


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_unknown_resource_is_404_html_for_browsers(client, kind):
    response = client.get(f"/id/{kind}/no-such-thing-here", headers={"Accept": BROWSER})
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "no-such-thing-here" in response.get_data(as_text=True)


def test_unknown_kind_is_404(client):
    response = client.get("/id/spaceship/enterprise", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.mimetype == "text/turtle"


# ---------------------------------------------------------------- headers: Link, alternates, validators


@pytest.mark.parametrize("offer", RESOURCE_OFFERS, ids=lambda o: o.key)
def test_link_header_names_every_other_format(client, settings, samples, offer):
    iri, _ = samples["person"]
    path = path_of(iri, settings.base)
    response = client.get(f"{path}.{offer.suffix}")
    links = response.headers["Link"]
    for other in RESOURCE_OFFERS:
        entry = f'<{path}.{other.suffix}>; rel="alternate"; type="{other.media_type}"'
        assert (entry in links) == (other != offer)


def test_html_links_to_its_data_twins(client, settings, samples):
    iri, _ = samples["paper"]
    path = path_of(iri, settings.base)
    html = client.get(path).get_data(as_text=True)
    for fmt in RDF_FORMATS:
        assert f'<link rel="alternate" type="{fmt.media_type}" href="{path}.{fmt.suffix}"' in html


@pytest.mark.parametrize("offer", RESOURCE_OFFERS, ids=lambda o: o.key)
def test_etag_and_304(client, settings, samples, offer):
    iri, _ = samples["paper"]
    path = path_of(iri, settings.base)
    first = client.get(path, headers={"Accept": offer.media_type})
    etag = first.headers["ETag"]
    assert store_build_id(client) in etag
    again = client.get(path, headers={"Accept": offer.media_type, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    since = client.get(path, headers={"Accept": offer.media_type,
                                      "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def store_build_id(client) -> str:
    return client.application.config["KG_STORE"].meta.build_id


def test_each_format_has_its_own_etag(client, settings, samples):
    iri, _ = samples["person"]
    path = path_of(iri, settings.base)
    etags = {client.get(f"{path}.{o.suffix}").headers["ETag"] for o in RESOURCE_OFFERS}
    assert len(etags) == len(RESOURCE_OFFERS)
    stale = client.get(f"{path}.ttl", headers={"If-None-Match": '"some-old-build-ttl"'})
    assert stale.status_code == 200


# ---------------------------------------------------------------- old IRIs


@pytest.mark.parametrize("suffix", ["", ".ttl", ".html"])
def test_old_iri_redirects_to_the_new_one(mini_client, suffix):
    response = mini_client.get("/id/person/ada-byron" + suffix, headers={"Accept": "text/turtle"})
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/id/person/ada-lovelace" + suffix)
    followed = mini_client.get(response.headers["Location"], headers={"Accept": "text/turtle"})
    assert followed.status_code == 200
    if suffix != ".html":
        new = URIRef("http://127.0.0.1:8000/id/person/ada-lovelace")
        assert (new, RDF.type, SCHEMA.Person) in parse(followed.data, RDF_FORMATS[0])
