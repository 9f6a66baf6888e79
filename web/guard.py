"""The site's guard: request size limits, the busy answer, and the security headers every response carries.

- A request line (path and query string) longer than the setting max_request_line is refused with 414; a long
  SPARQL query goes in a POST body.
- More headers than the setting max_header_fields, or one header line longer than max_header_bytes, is refused
  with 431, checked before any fast path answers (install_head_limits wraps the app outermost); the server also
  bounds the whole request head (web/server.py).
- A body longer than the setting max_query_bytes is refused with 413 before anything reads it (Flask's
  MAX_CONTENT_LENGTH, set by create_app, also stops a body sent without a length).
- A query string with raw bytes that are not UTF-8 (a client that did not percent-encode them) is read as if
  they were percent-encoded: each becomes U+FFFD, as werkzeug reads an encoded invalid byte, instead of an error
  deep inside the request.
- Every SPARQL query slot of this worker taken (kg.store.limits.Busy): 503 with `Retry-After`.
- Headers: a Content-Security-Policy allowing scripts, styles, fonts and connections only from the site itself, so
  no inline script runs (a `<script type="application/ld+json">` is a data block, which CSP does not govern; the
  one script, the query editor's, is /static/sparql.js); style attributes stay allowed (the pictures set their
  own widths), no plugins, no framing (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), forms post only here,
  no `<base>`. Plus `X-Content-Type-Options: nosniff`, `Referrer-Policy` and a `Permissions-Policy` switching off
  the powerful features. A header a route set itself is kept.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge, RequestHeaderFieldsTooLarge, RequestURITooLarge

from kg.store.limits import Busy
from web.errors import error_response

REFUSED_HEAD = "kg.refused_head"  # environ key: why the request head was refused (install_head_limits)

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                           "microphone=(), payment=(), usb=(), interest-cohort=()"),
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    """Install the guard on an app: limits before each request, headers after, the busy answer."""
    limit = app.config["KG_SETTINGS"].max_query_bytes
    max_url = app.config["KG_SETTINGS"].max_request_line
    app.wsgi_app = _utf8_query_string(app.wsgi_app)
    app.extensions["kg_flask_wsgi"] = app.wsgi_app  # where install_head_limits sends a refused head

    @app.before_request
    def _limits() -> None:
        environ = request.environ
        if REFUSED_HEAD in environ:
            raise RequestHeaderFieldsTooLarge(environ[REFUSED_HEAD])
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""  # may hold the path alone
        size = max(len(raw), len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1)
        if size > max_url:
            raise RequestURITooLarge(f"the request line is longer than {max_url} bytes (setting max_request_line): "
                                     "send a long SPARQL query with POST")
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"the request body is longer than {limit} bytes (setting "
                                        "max_query_bytes)")

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(Busy)
    def _busy(exc: Busy):
        return error_response(503, "Service Unavailable", str(exc), {"Retry-After": str(exc.retry_after)})


def install_head_limits(app: Flask) -> None:
    """Wrap the app, outermost, so that a request whose headers pass the settings' limits goes nowhere but to the
    Flask route that refuses it (431, rendered like every error)."""
    settings = app.config["KG_SETTINGS"]
    fields, size = settings.max_header_fields, settings.max_header_bytes
    inner, flask_level = app.wsgi_app, app.extensions["kg_flask_wsgi"]

    def middleware(environ, start_response):
        problem = head_problem(environ, fields, size)
        if problem is None:
            return inner(environ, start_response)
        environ[REFUSED_HEAD] = problem
        return flask_level(environ, start_response)
    app.wsgi_app = middleware


def head_problem(environ: dict, fields: int, size: int) -> str | None:
    """What is wrong with the request's headers under the limits (count, bytes of one `Name: value` line), or
    None."""
    count = 0
    for key, value in environ.items():
        if key[:5] == "HTTP_":
            name = len(key) - 5
        elif key == "CONTENT_TYPE" or key == "CONTENT_LENGTH":
            name = len(key)
        else:
            continue
        count += 1
        if name + 2 + len(value) > size:
            return (f"the header {key.removeprefix('HTTP_').replace('_', '-').title()} is longer than {size} bytes "
                    "(setting max_header_bytes)")
    if count > fields:
        return f"the request has more than {fields} headers (setting max_header_fields)"
    return None


def _utf8_query_string(wsgi_app):
    """WSGI middleware: percent-encode the bytes of a query string that is not valid UTF-8."""
    def middleware(environ, start_response):
        raw = environ.get("QUERY_STRING", "")
        if not raw.isascii():
            data = raw.encode("latin-1", "replace")  # WSGI strings carry bytes as latin-1
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                environ["QUERY_STRING"] = quote(data, safe="=&;%+/?:@,$!*'()~-._")
        return wsgi_app(environ, start_response)
    return middleware


__all__ = ["register", "install_head_limits", "head_problem", "CSP", "HEADERS"]
