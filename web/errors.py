"""One error renderer: every error the site answers (404, 406, 400, 503, 500, ...) is made by render_error, in the
negotiated type: an HTML page for browsers, a JSON object, an empty RDF document or a text line for machines.

Typed errors (kg.errors, werkzeug's HTTPException, the pool's Busy) are mapped to statuses here; a route that has
already chosen a representation (a resource's 404 as Turtle) passes its offer; a 406 lists what there is instead.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from flask import Flask, Response, json, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import BadParameter, KGError, QueryError, ResourceNotFound
from kg.vocab import RDF
from web.negotiation import HTML, JSON, Offer, alternates, link_header, offer

TEXT = offer("text")


def wants_html() -> bool:
    """An HTML error page only for a client that names text/html (browsers do; curl's */* gets plain text)."""
    named = {m for m, q in request.accept_mimetypes if q > 0}
    return "text/html" in named and request.accept_mimetypes.best_match(
        ["text/html", "application/json", "text/plain"]) == "text/html"


def error_offer() -> Offer:
    """The type of an error nobody chose a representation for: HTML, JSON or plain text, by Accept."""
    if wants_html():
        return HTML
    if request.accept_mimetypes.best_match(["application/json", "text/plain"]) == "application/json":
        return JSON
    return TEXT


def _body(fmt: Offer, status: int, title: str, detail: str) -> str:
    message = f"{status} {title}: {detail}"
    if fmt.key == "html":
        return render_template("error.html", status=status, title=title, detail=detail)
    if fmt.media_type.endswith("json"):
        return json.dumps({"error": title, "status": status, "detail": detail})
    if fmt.key == "text":
        return message + "\n"
    if fmt.media_type.endswith("xml"):
        comment = message.replace("--", "- -")
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                f"<!-- {_xml_escape(comment)} -->\n"
                f'<rdf:RDF xmlns:rdf="{RDF}"/>\n')
    return "# " + message.replace("\n", " ") + "\n"  # Turtle, N-Triples, CSV: a comment (an empty graph)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_error(status: int, title: str, detail: str, fmt: Offer | None = None,
                 headers: Mapping[str, str] | None = None) -> Response:
    """The response for an error, in fmt (else the type Accept prefers among HTML, JSON and text)."""
    fmt = fmt or error_offer()
    response = make_response(_body(fmt, status, title, detail), status)
    response.headers["Content-Type"] = fmt.content_type
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, title: str, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    """An error in the type Accept prefers among HTML, JSON and plain text."""
    return render_error(status, title, detail, None, headers)


def error_as(fmt: Offer, status: int, title: str, detail: str) -> Response:
    """An error in a representation the route already chose (a resource's 404 as Turtle is an empty graph)."""
    return render_error(status, title, detail, fmt)


def not_acceptable(offers: Sequence[Offer], path: str | None = None) -> Response:
    """406, listing what the client could ask for instead (as text: the client accepts none of ours)."""
    detail = f"available as {', '.join(o.media_type for o in offers)}"
    headers = {"Vary": "Accept"}
    if path:
        detail += "".join(f"\n  {url}" for url, _ in alternates(path, offers))
        headers["Link"] = link_header(alternates(path, offers))
    return render_error(406, "Not Acceptable", detail, TEXT, headers)


def register(app: Flask) -> None:
    """Map typed errors to statuses; anything unexpected is a 500 without a traceback."""

    @app.errorhandler(ResourceNotFound)
    def _not_found(exc: ResourceNotFound):
        return error_response(404, "Not Found", str(exc))

    @app.errorhandler(BadParameter)
    def _bad_param(exc: BadParameter):
        return error_response(400, "Bad Request", str(exc))

    @app.errorhandler(QueryError)
    def _bad_query(exc: QueryError):
        return error_response(exc.status, "Bad Request" if exc.status == 400 else "Query refused", str(exc))

    @app.errorhandler(KGError)
    def _kg_error(exc: KGError):
        return error_response(500, "Server Error", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        allow = {"Allow": ", ".join(exc.valid_methods)} if exc.code == 405 and exc.valid_methods else None
        return error_response(exc.code or 500, exc.name, exc.description or exc.name, allow)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "Server Error", "something went wrong on our side; it has been logged")
