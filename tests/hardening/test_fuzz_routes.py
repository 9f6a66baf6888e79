"""Every route, given garbage, answers 4xx with a clear message: never 500, never a traceback.

Hypothesis drives the in-process app over the planted profile: any route of the URL map (its arguments filled
with odd text), any method, unknown and known parameters with random, huge and badly encoded values, random
Accept and Content-Type headers, random bodies, and SPARQL-looking text. Bounded (max_examples, deadline) so the
suite stays fast (FUZZ_EXAMPLES=N for a longer campaign); a failure prints the request that caused it.
"""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

SETTINGS = dict(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=list(HealthCheck), database=None)

KNOWN_PARAMS = ["query", "update", "format", "output", "default-graph-uri", "named-graph-uri", "using-graph-uri",
                "q", "person", "topic", "paper", "organization", "coauthor", "kind", "date", "version", "source",
                "as_of", "from", "to", "lang", "page", "limit"]
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "get"]
MEDIA = ["text/html", "application/json", "application/ld+json", "text/turtle", "application/n-triples",
         "application/rdf+xml", "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
         "text/tab-separated-values", "application/sparql-query", "application/sparql-update",
         "application/x-www-form-urlencoded", "multipart/form-data", "image/png", "*/*", "text/*", ""]
SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", "<", ">", "GRAPH",
               "FILTER", "(", ")", ".", ";", "PREFIX", ":", "schema:", "<https://schema.org/name>", "\"x\"", "'",
               "\"\"\"", "#", "\\u0053", "LIMIT", "1", "-1", "99999999999999999999", "OPTIONAL", "UNION", "VALUES",
               "BIND", "AS", "COUNT(*)", "SERVICE", "LOAD", "INSERT DATA", "DELETE", "CLEAR ALL", "DROP",
               "FROM", "NAMED", "*", "\x00", "\ud7ff", "é", " ", "\n"]

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=200),
    st.sampled_from(["", "..", "../..", "%", "%zz", "%00", "\x00", "a" * 5000, "é", "\u202e", "<script>", "'\"",
                     "javascript:alert(1)", "person/alex-hernandez-garcia", "2020-02-30", "9999-99-99", "-1",
                     "json", "ttl", "html", "http://127.0.0.1:9/", "urn:x", "_:b0", "NaN"]),
)
sparqlish = st.lists(st.sampled_from(SPARQL_BITS), max_size=25).map(" ".join)


def rules(app) -> list:
    return [r for r in app.url_map.iter_rules()]


@st.composite
def requests_(draw, app):
    rule = draw(st.sampled_from(rules(app)))
    path = rule.rule
    for argument in rule.arguments:
        value = draw(st.one_of(odd_text, st.sampled_from(["person", "paper", "jsonld", "ttl", "nt", "rdf", "html",
                                                           "json", "csv", "alex-hernandez-garcia", "style.css"])))
        path = path.replace(f"<{argument}>", value.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))
    if draw(st.booleans()):
        path = draw(st.sampled_from(["/", "/id/", "/id/person/", "/sparql/", "//", "/%ff%fe", "/id/%c0%af",
                                     "/queries/", "/static/", "/export.", "/.env", "/id/person/a/b/c"])) + \
            draw(st.text(alphabet=string.ascii_letters + "%./-_", max_size=30))
    if path.startswith("//"):  # the test client would read it as a host; the wire test sends such paths
        path = "/" + path.lstrip("/")
    params = draw(st.lists(st.tuples(st.one_of(st.sampled_from(KNOWN_PARAMS), st.text(max_size=10)),
                                     st.one_of(odd_text, sparqlish)), max_size=4))
    raw_query = draw(st.one_of(st.none(), st.binary(max_size=60)))
    method = draw(st.sampled_from(METHODS))
    headers = {}
    if draw(st.booleans()):
        headers["Accept"] = draw(st.one_of(st.sampled_from(MEDIA), st.text(max_size=30)
                                           .filter(lambda t: "\n" not in t and "\r" not in t)))
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(st.sampled_from(["fr", "es-ES", "*", "xx;q=abc", "", "en;q=2", "ü"]))
    body = None
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        headers["Content-Type"] = draw(st.sampled_from(MEDIA + ["application/sparql-query; charset=latin-1",
                                                                "multipart/form-data; boundary=x"]))
        body = draw(st.one_of(st.binary(max_size=300), sparqlish.map(str.encode),
                              st.just(b"query=" + b"A" * 3000), st.just(b"update=INSERT%20DATA%20%7B%7D")))
    return method, path, params, raw_query, headers, body


def check(response, what) -> None:
    """The promise: below 500 (a 503 only from a query limit), no traceback, a message with every 4xx."""
    text = response.get_data(as_text=True) if response.status_code != 204 else ""
    if response.status_code == 503:
        assert "query_timeout" in text or "max_concurrent_queries" in text, what
    else:
        assert response.status_code < 500, (what, response.status_code, text[:500])
    assert "Traceback" not in text, what
    if response.status_code >= 400 and what[0] != "HEAD":
        assert text.strip(), (what, "an error without a message")


@pytest.fixture(scope="module")
def fuzz_client(planted_app):
    return planted_app.test_client()


def test_fuzz_every_route(planted_app, fuzz_client):
    @settings(**SETTINGS)
    @given(requests_(planted_app))
    def run(request):
        method, path, params, raw_query, headers, body = request
        overrides = {"QUERY_STRING": raw_query.decode("latin-1")} if raw_query is not None else {}
        response = fuzz_client.open(path, method=method, query_string=params, headers=headers, data=body,
                                    environ_overrides=overrides)
        check(response, (method, path, params, raw_query, headers, body and body[:100]))

    run()


def test_fuzz_the_sparql_endpoint(fuzz_client):
    @settings(**SETTINGS)
    @given(sparqlish, st.sampled_from(["GET", "POST-form", "POST-body", "POST-update"]),
           st.sampled_from(MEDIA + ["json", "xml", "turtle", "html", "garbage"]))
    def run(query, how, fmt):
        if how == "GET":
            response = fuzz_client.get("/sparql", query_string={"query": query, "format": fmt})
        elif how == "POST-form":
            response = fuzz_client.post("/sparql", data={"query": query, "output": fmt})
        elif how == "POST-body":
            response = fuzz_client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                                        headers={"Content-Type": "application/sparql-query", "Accept": fmt})
        else:
            response = fuzz_client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                                        headers={"Content-Type": "application/sparql-update"})
        check(response, (how, query, fmt))

    run()


@pytest.mark.parametrize("path", ["/", "/sparql", "/id/person/alex-hernandez-garcia", "/papers", "/queries/search"])
def test_huge_and_badly_encoded_values(fuzz_client, path):
    for query_string in (b"q=" + b"%ff" * 2000, b"query=%", b"query=%zz&format=%", "q=" + "\U0001F600" * 1000,
                         b"\xff\xfe=\xfe\xff", b"a" * 8000, b"query=ASK%7B%7D&query=ASK%7B%7D", b"=&&=&"):
        raw = query_string if isinstance(query_string, bytes) else query_string.encode()
        check(fuzz_client.get(path, environ_overrides={"QUERY_STRING": raw.decode("latin-1")}), (path, raw[:40]))
    for method in ("PUT", "DELETE", "PATCH", "TRACE", "BREW"):
        response = fuzz_client.open(path, method=method)
        assert response.status_code in (405, 501), (path, method, response.status_code)
        check(response, (path, method))


def raw_request(url: str, request: bytes) -> bytes:
    """Send bytes as they are to the server at url; its raw answer (status line first)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.server
@pytest.mark.parametrize("request_bytes", [
    b"GET /?\x80\xff=\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /id/person/\xc0\xaf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 4\r\n"
    b"Connection: close\r\n\r\n\xff\xfe\x00{",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 9\r\nConnection: close\r\n\r\nquery=%ff",
    b"GET / HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe\r\nConnection: close\r\n\r\n",
    b"GET /papers?topic=%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET //. HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET //evil.example/%2e%2e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET http://other.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: \xff\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n",
])
def test_raw_garbage_on_the_wire_gets_a_4xx(planted_server, request_bytes):
    answer = raw_request(planted_server.url, request_bytes)
    status = answer.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1."), answer[:200]
    code = int(status.split()[1])
    assert 200 <= code < 500, answer[:500]
    assert b"Traceback" not in answer
