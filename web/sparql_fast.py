"""The plainest `/sparql` request answered before Flask: a GET carrying one `query=` parameter and nothing else.

Flask's request machinery (context, routing, hooks, response object) cost about 0.35 ms of CPU per request,
as much as the query engine itself on a cheap query (bench/sparql_cpu.py). This WSGI layer answers the commonest
request, `GET /sparql?query=...` negotiated by Accept to a data format (SPARQL JSON/XML/CSV/TSV, or an RDF
format for a graph), with the very functions web/sparql.py uses: the same SERVICE/LOAD refusal (read_query), the
same negotiation, the same answer cache key and the same killable query pool under the same limits, and the
headers the Flask path and web/guard.py give (tests/web/test_sparql_fast.py compares them).

Everything else goes to Flask untouched: another method, another parameter (a dataset, `format`, `lang`), a
request line or query past its limit, a non-ASCII query string, a body, a refused operation, HTML or no
acceptable format. A query that fails in the pool (too slow, too many rows, malformed, every slot busy) is
handed to Flask too, with its error, so the error is rendered in the one place errors are (web/errors.py,
web/guard.py): `environ[FAILED]` holds it and the route raises it before reading anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable
from urllib.parse import parse_qsl

from flask import Flask

from web.guard import HEADERS
from web.negotiation import negotiate
from web.sparql import (FAILED, GRAPH_OFFERS, MEMO_QUERY_CHARS, SOLUTION_OFFERS, _answer, answer_cache, answer_key,
                        keep_answer, kept_answer, read_query, runner)

_FIXED_HEADERS = (("Vary", "Accept"), ("Cache-Control", "no-cache"), *HEADERS.items())


class SparqlFastPath:
    """WSGI: answer a plain `GET /sparql?query=` without entering Flask; hand anything else to it."""

    def __init__(self, wsgi_app: Callable, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict, start_response: Callable):
        query = plain_query(environ, self.app.config["KG_SETTINGS"])
        if query is None:
            return self.wsgi_app(environ, start_response)
        try:
            answer = self._answer(environ, query)
        except Exception as exc:  # noqa: BLE001 - rendered by the Flask route's error handlers
            environ[FAILED] = exc
            return self.wsgi_app(environ, start_response)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        content_type, body = answer
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                  *_FIXED_HEADERS])
        return [body]

    def _answer(self, environ: dict, query: str) -> tuple[str, bytes] | None:
        """(Content-Type, body) of the answer, or None when Flask should answer (refused, HTML, 406)."""
        app = self.app
        settings, store = app.config["KG_SETTINGS"], app.config["KG_STORE"]
        forbidden, form, text = read_query(query, (store.meta.base or settings.base) + "sparql")
        if forbidden:
            return None
        accept = environ.get("HTTP_ACCEPT", "")
        offer = negotiate(environ.get("HTTP_ACCEPT"), GRAPH_OFFERS if form in ("CONSTRUCT", "DESCRIBE")
                          else SOLUTION_OFFERS)
        if offer is None or offer.key == "html":
            return None
        cache = answer_cache(app)
        key = answer_key(query, (), (), accept, ())
        version = store.version() if cache is not None else ""
        if cache is not None:
            kept = kept_answer(cache, version, key)
            if kept is not None:
                return kept
        body = runner(app).run(_answer, store, text, (), (), offer.key, settings.result_limit)
        if cache is not None:
            keep_answer(cache, version, key, offer.content_type, body)
        return offer.content_type, body


def plain_query(environ: dict, settings) -> str | None:
    """The query of a `GET /sparql?query=...` that carries nothing else and is within the limits, else None."""
    if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") != "GET":
        return None
    if environ.get("CONTENT_LENGTH") not in (None, "", "0") or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    raw = environ.get("QUERY_STRING", "")
    if not raw.startswith("query=") or not raw.isascii():
        return None
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if max(len(uri), len(raw) + 8) > settings.max_request_line:  # web.guard's 414, said by Flask
        return None
    query = _decoded(raw) if len(raw) <= MEMO_QUERY_CHARS else _decoded.__wrapped__(raw)
    if query is None or len(query.encode()) > settings.max_query_bytes:  # web.sparql's 413, said by Flask
        return None
    return query


@lru_cache(maxsize=256)
def _decoded(raw: str) -> str | None:
    """The one `query` parameter of a query string as werkzeug reads it, else None: percent-decoding a 1 KB query
    costs 0.05 ms, so a text sent again is decoded once."""
    pairs = parse_qsl(raw, keep_blank_values=True, errors="werkzeug.url_quote")
    return pairs[0][1] if len(pairs) == 1 and pairs[0][0] == "query" else None


def install(app: Flask) -> None:
    """Put the fast path in front of the app's Flask handling (inside the other WSGI layers)."""
    app.wsgi_app = SparqlFastPath(app.wsgi_app, app)


__all__ = ["SparqlFastPath", "install", "plain_query"]
