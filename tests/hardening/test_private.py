"""Private facts never leave through a public route; the owner's own commands see them with --private.

The planted profile (conftest.plant) marks facts private in every way the importers allow; each carries the token
MARK. A real `kg serve` on its build is crawled, on every backend: the embedded store as built, the on-disk store
large builds get, and a real `oxigraph serve` fed by `kg push` (which also holds graphs of its own that no push
wrote, each carrying MARK: another dataset on the same server). The crawl covers every route of the app's URL map,
every resource in every format, the named queries, SPARQL answers of every form (including named graphs,
CONSTRUCT, DESCRIBE and datasets naming the private, metadata and foreign graphs outright, by protocol parameter
and by FROM), exports, sitemap and VoID. No answer may hold MARK, in its body or its headers, except as an exact
echo of what the request itself sent (a query text shown back in the editor).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, quote_plus

import markupsafe
import pytest
import requests

from kg.iris import private_iri, slugify
from kg.store.embedded import OWNER_ONLY, write_disk_store

from .conftest import (EMAIL, MARK, PHONE, PRIVATE_ENTITY, PRIVATE_PAPER, PRIVATE_WORK, STATUS_PAPER, build,
                       free_port, kg_command, start_server)

pytestmark = pytest.mark.server

BACKENDS = ("embedded", "disk", "oxigraph")
MIN_ECHO = 8  # a sent string shorter than this is never taken for an echo: it could hide a real leak
PROBE = "qzx-probe-value"  # what string parameters are sent as: carries MARK, long enough to be told apart
# Graphs on the SPARQL server that no push wrote, each holding MARK: no public query may reach them.
FOREIGN_VALUE = "Foreign dataset value QZXFOREIGN"

SUFFIXES = ("html", "json", "jsonld", "ttl", "nt", "rdf", "nq", "trig", "csv", "tsv", "xml", "txt")
RESOURCE_SUFFIXES = ("html", "ttl", "jsonld", "nt", "rdf")
RESULT_FORMATS = ("json", "xml", "csv", "tsv", "html")
GRAPH_FORMATS = ("ttl", "jsonld", "nt", "rdfxml", "html")
# The slugs a visitor might guess for the private things.
GUESSED = [f"paper/{slugify(PRIVATE_PAPER)}", f"paper/{slugify(STATUS_PAPER)}",
           f"organization/{slugify(PRIVATE_WORK)}", f"organization/{slugify(PRIVATE_ENTITY)}",
           "organization/qzxhome-institute", "project/qzxproject-hidden-tool", "topic/qzxinterest-topic",
           "person/hidden-qzxcoauthor"]


def echo_forms(echo: str) -> set[str]:
    """The ways an answer can show back a string the request sent: as is, URL-, JSON- and HTML-escaped."""
    forms = {echo, quote(echo, safe=""), quote(echo, safe="/:"), quote_plus(echo), json.dumps(echo)[1:-1]}
    forms |= {str(markupsafe.escape(f)) for f in list(forms)} | {html.escape(f) for f in list(forms)}
    return forms


def leaks(response: requests.Response, sent: tuple[str, ...] = ()) -> list[str]:
    """The private tokens in a response (body and headers), leaving out exact echoes of what the request sent.

    Only whole sent strings of MIN_ECHO characters or more are taken out, so a short probe ("qzx") never hides
    a private value that happens to contain it.
    """
    text = (response.content.decode("utf-8", "replace") + "\n" +
            "\n".join(f"{k}: {v}" for k, v in response.headers.items())).lower()
    for echo in sorted(sent, key=len, reverse=True):
        if len(echo) < MIN_ECHO:
            continue
        for form in sorted(echo_forms(echo), key=len, reverse=True):
            text = text.replace(form.lower(), " ")
    return sorted(set(re.findall(MARK + r"[\w-]*", text)))


class Crawl:
    """Requests against the server, recording every response that leaks."""

    def __init__(self, url: str, backend: str = "embedded", store: Path | None = None):
        self.backend, self.store = backend, store
        self.pushed: Path | None = None  # what `kg push` wrote to the server, dumped before the crawl
        self.url = url.rstrip("/")
        self.local = threading.local()
        self.lock = threading.Lock()
        self.found: dict[str, list[str]] = {}
        self.seen = 0

    @property
    def http(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def get(self, path: str, params: dict | None = None, headers: dict | None = None,
            sent: tuple[str, ...] = ()) -> requests.Response:
        response = self.http.get(self.url + path, params=params, headers=headers, timeout=30,
                                 allow_redirects=False)
        self.check(f"GET {path} {params or ''} {headers or ''}", response, sent)
        return response

    def get_all(self, paths: list[tuple[str, dict | None]]) -> list[requests.Response]:
        """GET each (path, headers), four at a time."""
        with ThreadPoolExecutor(4) as executor:
            return list(executor.map(lambda item: self.get(item[0], headers=item[1]), paths))

    def post(self, path: str, data, headers: dict, sent: tuple[str, ...] = ()) -> requests.Response:
        response = self.http.post(self.url + path, data=data, headers=headers, timeout=30, allow_redirects=False)
        self.check(f"POST {path} {data!r:.80}", response, sent)
        return response

    def check(self, what: str, response: requests.Response, sent: tuple[str, ...]) -> None:
        assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
        found = leaks(response, sent)
        with self.lock:
            self.seen += 1
            if found:
                self.found[what] = found


def server_quads(endpoint: str) -> str:
    """Every quad a SPARQL server holds, as SPARQL JSON text (asked of the server itself, not through kg)."""
    response = requests.post(endpoint, data={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
    response.raise_for_status()
    return response.text


def plant_foreign_graphs(update_endpoint: str, base: str) -> list[str]:
    """Graphs no push wrote (one named like a private graph, one of another dataset), each holding MARK."""
    graphs = [f"{base}private/foreign-qzxgraph", "http://other.example.org/qzxdataset"]
    body = " ".join(f'GRAPH <{g}> {{ <{g}#s> <https://schema.org/name> "{FOREIGN_VALUE}" }}' for g in graphs)
    requests.post(update_endpoint, data={"update": f"INSERT DATA {{ {body} }}"}, timeout=60).raise_for_status()
    return graphs


@pytest.fixture(scope="module", params=BACKENDS)
def crawl(request, planted, planted_server, tmp_path_factory):
    """A crawler over a real `kg serve` on the planted build, for each backend."""
    if request.param == "embedded":
        yield Crawl(planted_server.url, "embedded", planted[1])
        return
    from servers import start_oxigraph

    content = planted[0]
    root = tmp_path_factory.mktemp(f"private-{request.param}")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    build(content, root / "store", base)
    current = (root / "store" / "current").resolve()
    oxigraph = None
    if request.param == "disk":
        write_disk_store(current / "graph.nq", current / "oxigraph")
        server = start_server(root / "store", root / "serve.log", port=port)
    else:
        oxigraph = start_oxigraph(root)
        pushed = subprocess.run([*kg_command(), "push", "--store", str(root / "store"), "--endpoint",
                                 oxigraph.endpoint], capture_output=True, text=True, timeout=300)
        assert pushed.returncode == 0, pushed.stderr
        (root / "pushed.json").write_text(server_quads(oxigraph.endpoint))
        plant_foreign_graphs(oxigraph.update_endpoint, base)
        server = start_server(root / "store", root / "serve.log", port=port, endpoint=oxigraph.endpoint)
    crawl = Crawl(server.url, request.param, root / "store")
    crawl.pushed = root / "pushed.json" if oxigraph else None
    yield crawl
    server.stop()
    if oxigraph:
        oxigraph.stop()


# ---------------------------------------------------------------- the check itself can fail


def fake_response(body: str, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response._content, response.status_code = body.encode(), 200
    response.headers.update(headers or {})
    return response


def test_a_leaking_answer_is_caught_even_when_the_query_names_the_mark():
    """A planted leak: an answer that echoes the probe (which contains MARK) and also holds a private value."""
    query = 'SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "qzx")) }'
    echo = json.dumps({"query": query})
    clean = fake_response(echo + ' {"results": []}')
    assert leaks(clean, sent=(query,)) == []
    for leaked in ('{"o": {"value": "Qzx Journal"}}', '{"o": {"value": "Submitted Manuscript QZXSTATUS"}}'):
        assert leaks(fake_response(echo + leaked), sent=(query, "qzx")), leaked
    shown = f"<textarea>{markupsafe.escape(query)}</textarea><td>qzx secret</td>"
    assert leaks(fake_response(shown), sent=(query,)) == ["qzx"]
    assert leaks(fake_response("ok", {"Location": "/id/paper/qzxpaper"})) == ["qzxpaper"]
    assert leaks(fake_response(f"<a href='/sparql?query={quote_plus(query)}'>"), sent=(query,)) == []


def test_the_planted_facts_are_in_the_private_part_of_the_build(planted):
    """The test means something: the build holds every planted value, apart from the public graphs."""
    _, store, _ = planted
    current = store / "current"
    private = (current / "private.nq").read_text(encoding="utf-8")
    for value in (PHONE, EMAIL, PRIVATE_PAPER, STATUS_PAPER, PRIVATE_WORK, PRIVATE_ENTITY, "Qzxhome Institute",
                  "Qzxproject Hidden Tool", "Qzxinterest Topic"):
        assert value in private, value
    for name in ("graph.nq", "meta.json", "report.json"):
        assert MARK not in (current / name).read_text(encoding="utf-8").lower(), name
    assert MARK in (current / "private-ledger.json").read_text(encoding="utf-8").lower()


def test_no_public_file_of_the_build_and_nothing_pushed_holds_a_private_fact(crawl):
    """Every file of the build the server may read (graph, meta, ledger, report, text index, disk store), and
    everything `kg push` wrote to the server, is free of MARK; only the owner-only files hold it."""
    import pyoxigraph as ox

    current = (crawl.store / "current").resolve()
    files = [p for p in current.iterdir() if p.is_file() and p.name not in OWNER_ONLY]
    assert {"graph.nq", "meta.json", "ledger.json", "report.json", "fts.sqlite"} <= {p.name for p in files}
    for path in files:
        assert MARK.encode() not in path.read_bytes().lower(), path.relative_to(current)
    if (current / "oxigraph").is_dir():  # compressed on disk (bytes are noise): read it as a store
        disk = ox.Store.read_only(str(current / "oxigraph"))
        assert not [q for q in disk if MARK in str(q).lower()]
        assert crawl.backend == "disk"
    if crawl.backend == "oxigraph":
        pushed = crawl.pushed.read_text()
        assert "graph/push" in pushed and "ledger.json" in pushed  # the metadata graph and its attachments
        assert MARK not in pushed.lower()


def test_no_route_of_the_url_map_leaks(crawl, planted_app):
    """Every route of the app, with every suffix it takes; list pages, the home page, VoID, sitemap, exports."""
    for rule in planted_app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        args = set(rule.arguments)
        if not args:
            crawl.get(rule.rule)
            crawl.get(rule.rule, headers={"Accept": "application/ld+json"})
            crawl.get(rule.rule, headers={"Accept": "text/turtle"})
        elif args == {"suffix"}:
            for suffix in SUFFIXES:
                crawl.get(rule.rule.replace("<suffix>", suffix))
    for path in ("/static/sparql.js", "/static/style.css", "/history?as_of=2030-01-01", "/papers?coauthor="
                 "hidden-qzxcoauthor"):
        crawl.get(path, sent=("hidden-qzxcoauthor",))
    assert crawl.seen > 60
    assert not crawl.found, crawl.found


def test_no_resource_leaks_in_any_format(crawl, planted):
    """Every resource the sitemap or the graph names, in every format, by suffix and by Accept."""
    sitemap = crawl.get("/sitemap.xml").text
    base = crawl.url + "/"
    paths = set(re.findall(re.escape(base) + r"(id/[^<\s\"]+)", sitemap))
    rows = crawl.get("/sparql", params={"query": "SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { ?x ?p ?s } }",
                                        "format": "json"}).json()["results"]["bindings"]
    for row in rows:
        iri = row["s"]["value"]
        if iri.startswith(base + "id/") and "#" not in iri:
            paths.add(iri[len(base):])
    assert len(paths) > 100
    requests_ = [(f"/{path}.{suffix}", None) for path in sorted(paths) for suffix in RESOURCE_SUFFIXES]
    requests_ += [(f"/{path}", {"Accept": "application/ld+json"}) for path in sorted(paths)]
    for (path, _), response in zip(requests_, crawl.get_all(requests_)):
        assert response.status_code in (200, 301, 404), (path, response.status_code)
    assert not crawl.found, crawl.found


def test_guessed_private_iris_are_unknown(crawl):
    """A visitor who guesses a private thing's IRI learns nothing: 404, in every format."""
    for guess in GUESSED:
        for suffix in RESOURCE_SUFFIXES:
            response = crawl.get(f"/id/{guess}.{suffix}", sent=(guess, guess.split("/")[1]))
            assert response.status_code == 404, (guess, suffix, response.status_code)
    assert not crawl.found, crawl.found


def test_no_named_query_leaks(crawl):
    """Every named query with its defaults, in each format; the search looks for the mark itself."""
    catalogue = crawl.get("/queries.json").json()["queries"]
    assert len(catalogue) > 10
    for entry in catalogue:
        params = {p["name"]: PROBE if p["type"] == "string" else "person/alex-hernandez-garcia"
                  for p in entry["params"] if p["required"]}
        for suffix in ("", ".json", ".csv"):
            crawl.get(f"/queries/{entry['name']}{suffix}", params=params, sent=tuple(params.values()))
    for guess in GUESSED:
        for name, param in (("paper-authors", "paper"), ("person-papers", "person"), ("coauthors", "person"),
                            ("organization-people", "organization")):
            crawl.get(f"/queries/{name}.json", params={param: guess}, sent=(guess,))
    assert not crawl.found, crawl.found


def hidden_graphs(base: str) -> list[str]:
    """Graphs a public query must never reach: the private ones, the push's metadata graph, foreign ones."""
    private = [str(private_iri(base, p)) for p in ("papers.bib", "resume.json", "entities.yml", "notes-qzxfile.md")]
    return [*private, f"{base}graph/push", f"{base}graph/union", f"{base}private/foreign-qzxgraph",
            "http://other.example.org/qzxdataset"]


def sparql_probes(base: str) -> list[str]:
    """SPARQL queries a curious visitor would send: everything, per graph, by construct, by describe, and with
    datasets (FROM, FROM NAMED) naming the hidden graphs."""
    graphs = " ".join(f"<{g}>" for g in hidden_graphs(base))
    froms = " ".join(f"FROM <{g}>" for g in hidden_graphs(base))
    return [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "SELECT ?o WHERE { ?s ?p ?o }",
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
        "SELECT (COUNT(*) AS ?n) ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        "ASK { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), \"qzx\")) }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?s)), \"qzx\") || CONTAINS(LCASE(STR(?o)), "
        "\"qzx\")) }",
        "SELECT ?tel WHERE { ?s <https://schema.org/telephone> ?tel }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DESCRIBE ?s WHERE { ?s a <https://schema.org/Person> }",
        "DESCRIBE ?s WHERE { ?s a <https://schema.org/ScholarlyArticle> }",
        "DESCRIBE " + " ".join(f"<{base}id/{g}>" for g in GUESSED),
        f"SELECT * FROM NAMED {graphs.replace(' ', ' FROM NAMED ')} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }}",
        f"SELECT * {froms} WHERE {{ ?s ?p ?o }}",
        f"SELECT * {froms} {froms.replace('FROM', 'FROM NAMED')} WHERE {{ {{ ?s ?p ?o }} UNION "
        "{ GRAPH ?g { ?s ?p ?o } } }",
        f"PREFIX h: <{base}> SELECT * FROM h:graph/push FROM NAMED h:graph/push WHERE {{ {{ ?s ?p ?o }} UNION "
        "{ GRAPH ?g { ?s ?p ?o } } }",
        f"CONSTRUCT {{ ?s ?p ?o }} {froms} WHERE {{ ?s ?p ?o }}",
    ]


def test_no_sparql_answer_leaks(crawl):
    """Every probe in every results format, by GET and POST; datasets naming the private graphs outright."""
    base = crawl.url + "/"
    sent = (*GUESSED, *hidden_graphs(base))
    for query in sparql_probes(base):
        graph_form = query.startswith(("CONSTRUCT", "DESCRIBE"))
        for fmt in GRAPH_FORMATS if graph_form else RESULT_FORMATS:
            crawl.get("/sparql", params={"query": query, "format": fmt}, sent=(query, *sent))
        crawl.post("/sparql", query.encode(), {"Content-Type": "application/sparql-query"}, sent=(query, *sent))
    for graph in hidden_graphs(base):
        for name in ("named-graph-uri", "default-graph-uri"):
            response = crawl.get("/sparql", params={"query": "SELECT * WHERE { { ?s ?p ?o } UNION "
                                                    "{ GRAPH ?g { ?s ?p ?o } } }", name: graph,
                                                    "format": "json"}, sent=(graph,))
            assert response.status_code in (200, 400)
    crawl.get("/sparql", headers={"Accept": "text/turtle"})  # the service description counts graphs
    crawl.get("/sparql", headers={"Accept": "text/html"})
    assert not crawl.found, crawl.found


def test_counts_leave_private_facts_out(crawl):
    """VoID and the service description count only public triples: the build's own count."""
    meta = json.loads((crawl.store / "current" / "meta.json").read_text())
    void = crawl.get("/void.nt").text
    assert f'"{meta["triples"]}"' in void


def test_the_owner_sees_private_facts_with_the_flag(planted):
    """`kg query --private` answers from the private graphs too; without the flag, it does not."""
    _, store, _ = planted
    query = 'SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "qzx")) }'
    private = subprocess.run([*kg_command(), "query", "--store", str(store), "--private", "--format", "csv",
                              query], capture_output=True, text=True, timeout=60)
    assert private.returncode == 0, private.stderr
    for value in (PHONE, EMAIL, PRIVATE_PAPER, STATUS_PAPER):
        assert value in private.stdout
    public = subprocess.run([*kg_command(), "query", "--store", str(store), "--format", "csv", query],
                            capture_output=True, text=True, timeout=60)
    assert public.returncode == 0, public.stderr
    assert MARK not in public.stdout.lower()


def test_the_update_secret_is_never_logged_nor_echoed(planted_server):
    """Updates need the secret; it is compared in constant time, and no answer or log line ever holds it."""
    import inspect

    from web import sparql

    from .conftest import SECRET

    assert "compare_digest" in inspect.getsource(sparql.run_update)
    url = planted_server.url + "sparql"
    triple = "<urn:hardening:s> <urn:hardening:p> \"logged?\""

    def update(text: str, token: str | None, form: bool = False) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if form:
            return requests.post(url, data={"update": text}, headers=headers, timeout=30)
        headers["Content-Type"] = "application/sparql-update"
        return requests.post(url, data=text.encode(), headers=headers, timeout=30)

    answers = [update(f"INSERT DATA {{ {triple} }}", SECRET), update(f"DELETE DATA {{ {triple} }}", SECRET, True)]
    assert [a.status_code for a in answers] == [204, 204]
    refused = [update(f"INSERT DATA {{ {triple} }}", None), update(f"INSERT DATA {{ {triple} }}", SECRET[:-1]),
               update(f"INSERT DATA {{ {triple} }}", SECRET + "x"), update("INSERT DATA {", SECRET),
               update(f"INSERT DATA {{ {triple} }}", "Basic " + SECRET)]
    assert [a.status_code for a in refused] == [403, 403, 403, 400, 403]
    for response in answers + refused:
        assert SECRET not in response.text and SECRET not in str(response.headers)
    time.sleep(0.5)
    log = planted_server.log_text()
    assert "POST /sparql" in log  # the log is there, and records these requests
    assert SECRET not in log and SECRET[:12] not in log


def test_the_public_ledger_keeps_only_redirects_between_published_iris():
    """No identity key, and no redirect from or to an IRI that was only ever private, reaches ledger.json."""
    import pyoxigraph as ox

    from kg.build.pipeline import split_ledger

    b = "http://example.org/id/"
    name, g = ox.NamedNode("https://schema.org/name"), ox.NamedNode("http://example.org/source/a")
    public = [ox.Quad(ox.NamedNode(b + "paper/public"), name, ox.Literal("P"), g)]
    private = [ox.Quad(ox.NamedNode(b + "paper/secret-qzx"), name, ox.Literal("S"), g)]
    redirects = {b + "paper/old": b + "paper/public", b + "paper/old-secret": b + "paper/secret-qzx",
                 b + "paper/was-secret": b + "paper/public"}
    public_store, private_store = ox.Store(), ox.Store()
    public_store.extend(public)
    private_store.extend(private)
    shown, owned = split_ledger({"o:name:qzx": b + "paper/secret-qzx"}, redirects, public_store, private_store,
                                [g], unpublished={b + "paper/was-secret"})
    assert shown == {"redirects": {b + "paper/old": b + "paper/public"}}
    assert owned["ledger"] == {"o:name:qzx": b + "paper/secret-qzx"} and owned["redirects"] == redirects
    assert set(owned["unpublished"]) == {b + "paper/secret-qzx", b + "paper/was-secret"}
