"""One error shape, in the negotiated type, made in one place: HTML for browsers, JSON or text for machines."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import BadParameter, KGError, QueryError, ResourceNotFound


def wants_html() -> bool:
    """An HTML error page only for a client that names text/html (browsers do; curl's */* gets plain text)."""
    named = {m for m, q in request.accept_mimetypes if q > 0}
    return "text/html" in named and request.accept_mimetypes.best_match(
        ["text/html", "application/json", "text/plain"]) == "text/html"


def error_response(status: int, title: str, detail: str):
    """The response for an error: HTML page, JSON object or plain text, chosen by Accept."""
    if wants_html():
        return render_template("error.html", status=status, title=title, detail=detail), status
    if request.accept_mimetypes.best_match(["application/json", "text/plain"]) == "application/json":
        return jsonify(error=title, status=status, detail=detail), status
    return f"{status} {title}: {detail}\n", status, {"Content-Type": "text/plain; charset=utf-8"}


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
        response = error_response(exc.code or 500, exc.name, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            body, status = response[0], response[1]
            headers = dict(response[2]) if len(response) > 2 else {}
            headers["Allow"] = ", ".join(exc.valid_methods)
            return body, status, headers
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        return error_response(500, "Server Error", "something went wrong on our side; it has been logged")
