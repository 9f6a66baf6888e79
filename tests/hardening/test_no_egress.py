"""Nothing reaches out: no query, update, page or import makes a request leave the machine.

A socket server on loopback (conftest.Listener) stands for the outside world. Queries with SERVICE, updates with
LOAD, dataset parameters and FROM clauses naming it, JSON-LD with a remote @context or @import at it, RDF/XML and
other XML with an external entity at it, and a whole build and site full of URLs at it: it must see no connection.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from kg.errors import SourceError
from kg.sources import importers

from .conftest import SECRET, Listener

pytestmark = pytest.mark.server


def service_queries(url: str) -> list[str]:
    """SERVICE as a visitor might spell it: plain, silent, lower case, nested, escaped, behind a prefix."""
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX remote: <{url}> SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE remote: {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ }} }}",
    ]


def load_updates(url: str) -> list[str]:
    return [f"LOAD <{url}data.ttl>", f"LOAD SILENT <{url}data.ttl>",
            f"load <{url}data.ttl> INTO GRAPH <{url}g>",
            f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{url}data.ttl>"]


def test_service_is_refused_and_never_called(planted_server, listener):
    """SERVICE in every spelling, by GET and POST: refused before anything runs; the listener sees nothing."""
    http = requests.Session()
    for query in service_queries(listener.url):
        for response in (http.get(planted_server.url + "sparql", params={"query": query}, timeout=30),
                         http.post(planted_server.url + "sparql", data=query.encode(), timeout=30,
                                   headers={"Content-Type": "application/sparql-query"}),
                         http.post(planted_server.url + "sparql", data={"query": query}, timeout=30)):
            assert response.status_code in (400, 403), (query, response.status_code, response.text[:200])
            assert "Traceback" not in response.text
    assert listener.hits == []


def test_load_is_refused_even_with_the_secret(planted_server, listener):
    """LOAD, with and without the update secret: refused; the listener sees nothing."""
    for update, auth in itertools.product(load_updates(listener.url), (None, SECRET)):
        headers = {"Content-Type": "application/sparql-update"}
        if auth:
            headers["Authorization"] = f"Bearer {auth}"
        response = requests.post(planted_server.url + "sparql", data=update.encode(), headers=headers, timeout=30)
        assert response.status_code in (400, 403), (update, response.status_code, response.text[:200])
    assert listener.hits == []


def test_datasets_named_by_url_are_never_fetched(planted_server, listener):
    """FROM, FROM NAMED, default-graph-uri and named-graph-uri name graphs of the store, never documents."""
    queries = [f"SELECT * FROM <{listener.url}g> WHERE {{ ?s ?p ?o }}",
               f"SELECT * FROM NAMED <{listener.url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
               f"DESCRIBE <{listener.url}thing>"]
    for query in queries:
        response = requests.get(planted_server.url + "sparql", params={"query": query}, timeout=30)
        assert response.status_code < 500
    for name in ("default-graph-uri", "named-graph-uri"):
        response = requests.get(planted_server.url + "sparql", timeout=30,
                                params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", name: listener.url + "g"})
        assert response.status_code < 500
    assert listener.hits == []


def test_pages_with_remote_urls_in_the_data_fetch_nothing(planted_server, listener):
    """The planted data points at the listener (image, repository, sameAs, paper URL and PDF): showing it fetches
    nothing, and neither did the build."""
    http = requests.Session()
    for path in ("", "people", "organizations", "projects", "papers", "papers.jsonld", "export.ttl",
                 "id/organization/listener-institute", "id/organization/listener-institute.jsonld",
                 "id/paper/a-public-paper-with-remote-links", "portrait.svg", "sitemap.xml", "void"):
        assert http.get(planted_server.url + path, timeout=30).status_code in (200, 404), path
    text = http.get(planted_server.url + "export.nt", timeout=30).text
    assert listener.url in text  # the data really does point at the listener
    assert listener.hits == []


# ---------------------------------------------------------------- importers and parsers


def hostile_documents(url: str) -> dict[str, str]:
    """File name -> text that would make a careless parser fetch url."""
    xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY ext SYSTEM "{url}xxe"> '
           f'<!ENTITY % pe SYSTEM "{url}pe"> %pe; ]>\n')
    return {
        "remote-context.jsonld": f'{{"@context": "{url}context.jsonld", "@id": "urn:x", "name": "x"}}',
        "remote-context-list.jsonld": f'{{"@context": ["https://schema.org", "{url}c"], "@id": "urn:x"}}',
        "remote-import.jsonld": f'{{"@context": {{"@import": "{url}import.jsonld"}}, "@id": "urn:x"}}',
        "nested-context.jsonld": f'{{"@graph": [{{"@context": "{url}nested", "@id": "urn:y"}}]}}',
        "xxe.rdf": xxe + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                         'xmlns:s="https://schema.org/"><rdf:Description rdf:about="urn:x"><s:name>&ext;</s:name>'
                         '</rdf:Description></rdf:RDF>',
        "xxe.xml": xxe + "<record><title>&ext;</title></record>",
        "orcid.xml": xxe + '<record:record xmlns:record="http://www.orcid.org/ns/record"><x>&ext;</x></record:record>',
        "xxe.owl": xxe + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        "remote.csl.json": f'[{{"id": "a", "type": "article", "title": "t", "URL": "{url}csl", '
                           f'"@context": "{url}ctx"}}]',
        "resume.json": f'{{"basics": {{"name": "A B", "image": "{url}img.png", "url": "{url}"}}}}',
        "entities.yml": f"entities:\n  - name: X\n    kind: organization\n    url: {url}\n    sameAs: [{url}s]\n",
        "page.md": f"---\nimage: {url}img.png\n---\nI am a researcher at [X Institute]({url}).\n\n![p]({url}p.png)\n",
        "refs.bib": f"@article{{a,\n title = {{T}},\n author = {{A, B}},\n url = {{{url}}},\n"
                    f" pdf = {{{url}p.pdf}}\n}}\n",
        "prefixed.ttl": f"@prefix r: <{url}> .\nr:a r:b r:c .\n",
    }


def test_importers_never_fetch(tmp_path, listener):
    """Every importer, given documents full of remote references: a clean parse or SourceError, no request."""
    mods = importers()
    tried = set()
    for name, text in hostile_documents(listener.url).items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        mod = next((m for m in mods if m.matches(path)), None)
        if mod is None:
            continue
        tried.add(mod.NAME)
        try:
            mod.read(path, name)
        except SourceError:
            pass
    assert {"rdf", "resume", "entities", "homepage", "bibtex"} <= tried
    assert listener.hits == []


def test_a_remote_jsonld_context_is_refused_with_its_line(tmp_path, listener):
    """The RDF importer refuses a remote @context (rather than silently dropping it) and names the line."""
    from kg.sources import rdf

    path = tmp_path / "remote.jsonld"
    path.write_text(hostile_documents(listener.url)["remote-context.jsonld"], encoding="utf-8")
    with pytest.raises(SourceError, match="remote @context"):
        rdf.read(path, "remote.jsonld")
    assert listener.hits == []


def test_rdf_parsers_ignore_external_entities(listener):
    """The RDF/XML parsers the project uses (rdflib for imports and exports, pyoxigraph in the store) read an
    external entity as nothing, or refuse it: they never fetch it."""
    text = hostile_documents(listener.url)["xxe.rdf"]
    try:
        rdflib.Graph().parse(data=text, format="xml")
    except Exception:  # noqa: BLE001 - refusing is as good as ignoring
        pass
    try:
        list(ox.parse(text.encode(), format=ox.RdfFormat.RDF_XML))
    except (SyntaxError, ValueError, OSError):
        pass
    assert listener.hits == []


def test_the_listener_would_see_a_fetch():
    """The listener itself works: a real request to it is recorded (so an empty list means something)."""
    witness = Listener()
    try:
        requests.get(witness.url + "probe", timeout=5)
        assert witness.hits and b"GET /probe" in witness.hits[0]
    finally:
        witness.close()


def test_a_build_full_of_remote_urls_fetches_nothing(planted, listener):
    """The planted build (its URLs point at the listener) ran without contacting it; the owner's validation too."""
    import subprocess

    from .conftest import kg_command

    _, store, _ = planted
    done = subprocess.run([*kg_command(), "validate", "--no-owl", "--store", str(store)], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr
    assert listener.hits == []
    assert Path(store / "current" / "graph.nq").read_text().count(listener.url) >= 3


def test_yaml_tags_never_run_code(tmp_path):
    """Front matter, entities.yml and an al-folio site's YAML are read with the safe loader: a Python tag is an
    error with its line, never a call."""
    from kg.sources import alfolio, entities, homepage

    witness = tmp_path / "ran"
    tag = f'!!python/object/apply:os.system ["touch {witness}"]'
    for parse in (lambda: homepage.parse(f"---\ntitle: {tag}\n---\nHello.\n", "page.md"),
                  lambda: entities.parse(f"entities:\n  - name: {tag}\n    kind: thing\n", "entities.yml")):
        with pytest.raises(SourceError):
            parse()
    site = tmp_path / "site"
    (site / "_pages").mkdir(parents=True)
    (site / "_config.yml").write_text(f"first_name: {tag}\n", encoding="utf-8")
    try:
        alfolio.read_folder(site, "")
    except SourceError:
        pass
    assert not witness.exists()
