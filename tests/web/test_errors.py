"""One error renderer: every error path of the site (a missing page or resource, 406, a bad query, the busy
answer, a refused method) is made by web.errors.render_error, in the type the client negotiated."""

from __future__ import annotations

import json

import pytest

import web.errors
from kg.store.limits import Busy
from tests.web.conftest import make_app

BAD_QUERY = {"query": "SELEKT ?s WHERE { ?s ?p ?o }"}


class _BusyPool:
    """Stands in for the query pool with every slot taken."""

    def run(self, *args, **kwargs):
        raise Busy("too many queries are running (3); try again shortly", 503)


@pytest.fixture()
def app(mini_store_dir):
    app = make_app(mini_store_dir)
    app.extensions["kg_sparql_runner_busy"] = _BusyPool()
    return app


@pytest.fixture()
def rendered(monkeypatch) -> list[tuple[int, str]]:
    """The (status, media type) of each call to render_error."""
    calls: list[tuple[int, str]] = []
    real = web.errors.render_error

    def spy(status, title, detail, fmt=None, headers=None):
        response = real(status, title, detail, fmt, headers)
        calls.append((status, response.mimetype))
        return response

    monkeypatch.setattr(web.errors, "render_error", spy)
    return calls


PATHS = [
    pytest.param("GET", "/no-such-page", {}, None, 404, id="404-page"),
    pytest.param("GET", "/id/person/nobody-at-all", {}, None, 404, id="404-resource"),
    pytest.param("GET", "/id/person/nobody-at-all.ttl", {}, None, 404, id="404-resource-as-turtle"),
    pytest.param("GET", "/id/person/ada-lovelace", {"Accept": "image/png"}, None, 406, id="406"),
    pytest.param("GET", "/sparql", {"Accept": "application/sparql-results+json"}, BAD_QUERY, 400, id="400-query"),
    pytest.param("GET", "/sparql", {}, {"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}, 403,
                 id="403-service"),
    pytest.param("GET", "/sparql", {}, {"query": "SELECT * { ?s ?p ?o }"}, 503, id="503-busy"),
    pytest.param("DELETE", "/", {}, None, 405, id="405"),
    pytest.param("GET", "/robots.txt", {}, {"q": "a" * 9000}, 414, id="414"),
]


@pytest.mark.parametrize("method, path, headers, query, status", PATHS)
@pytest.mark.parametrize("accept", [None, "text/html", "application/json, */*;q=0.1"])
def test_every_error_path_goes_through_render_error(app, rendered, method, path, headers, query, status, accept):
    if status == 503:
        app.extensions["kg_sparql_runner"] = app.extensions["kg_sparql_runner_busy"]
    headers = dict(headers)
    if accept and "Accept" not in headers:
        headers["Accept"] = accept
    response = app.test_client().open(path, method=method, headers=headers, query_string=query)
    assert response.status_code == status
    assert rendered == [(status, response.mimetype)], f"{path} answered {status} without render_error"
    if response.mimetype == "application/json":
        assert json.loads(response.data)["status"] == status
    elif response.mimetype == "text/plain":
        assert response.data.decode().startswith(f"{status} ")
    elif response.mimetype == "text/html":
        assert str(status).encode() in response.data


def test_busy_says_when_to_come_back(app):
    app.extensions["kg_sparql_runner"] = app.extensions["kg_sparql_runner_busy"]
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"


def test_method_not_allowed_names_the_allowed_ones(app):
    response = app.test_client().delete("/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_the_request_line_setting_is_the_apps_414(mini_store_dir):
    def status(line: int) -> int:
        return make_app(mini_store_dir, max_request_line=line).test_client().get("/robots.txt?q=" + "a" * 500) \
            .status_code

    assert status(400) == 414 and status(2000) == 200
