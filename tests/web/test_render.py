"""Render once per build (web/render.py): kept answers are the same bytes and headers, served without Flask;
validators follow the data version and the interface language; a rebuild swaps the whole cache."""

from __future__ import annotations

import threading
import time

import lxml.html
import pytest

from web import render
from web.render import RenderCache, RenderMiddleware, Rendered


KEPT = ["/", "/papers", "/papers.jsonld", "/papers.bib", "/history", "/quality", "/people", "/people.jsonld",
        "/organizations", "/queries", "/queries.json", "/queries/coauthors", "/queries/coauthors.csv",
        "/id/person/ada-lovelace", "/id/person/ada-lovelace.ttl", "/id/paper/deep-widgets",
        "/export.nt", "/sitemap.xml", "/robots.txt", "/void", "/portrait.svg", "/static/style.css"]
HTML_PAGES = ["/", "/papers", "/history", "/quality", "/people", "/queries", "/queries/coauthors",
              "/id/person/ada-lovelace"]


@pytest.fixture()
def app(fresh_store, builder):
    """A fresh mini-profile app: its own render cache, its own store folder to rebuild."""
    return builder[1](fresh_store)


def cache_of(app) -> RenderCache:
    return app.extensions["kg_render_cache"]


def headers_of(response) -> list[tuple[str, str]]:
    return sorted(response.headers.items())


@pytest.mark.parametrize("path", KEPT)
def test_a_kept_answer_is_the_same_bytes_and_headers_without_flask(app, path, monkeypatch):
    client = app.test_client()
    first = client.get(path)
    assert first.status_code == 200, path
    assert len(cache_of(app)) == 1

    def no_flask(*args, **kwargs):
        raise AssertionError("the kept answer went through Flask")
    monkeypatch.setattr(app, "full_dispatch_request", no_flask)
    again = client.get(path)
    assert again.status_code == 200 and again.data == first.data
    assert headers_of(again) == headers_of(first)
    for name in ("Content-Type", "ETag", "Content-Security-Policy", "X-Content-Type-Options"):
        assert again.headers.get(name), (path, name)


def test_kept_answers_keep_vary_and_link(app):
    client = app.test_client()
    first = client.get("/id/person/ada-lovelace", headers={"Accept": "text/turtle"})
    again = client.get("/id/person/ada-lovelace", headers={"Accept": "text/turtle"})
    assert again.data == first.data and "Accept" in again.headers["Vary"]
    assert 'rel="alternate"' in again.headers["Link"] and again.headers["Content-Type"].startswith("text/turtle")


def test_each_accept_header_has_its_own_answer(app):
    client = app.test_client()
    turtle = client.get("/id/person/ada-lovelace", headers={"Accept": "text/turtle"})
    page = client.get("/id/person/ada-lovelace", headers={"Accept": "text/html"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert page.headers["Content-Type"].startswith("text/html")
    assert client.get("/id/person/ada-lovelace", headers={"Accept": "text/turtle"}).data == turtle.data


def test_a_conditional_request_is_answered_304_from_the_kept_answer(app, monkeypatch):
    client = app.test_client()
    first = client.get("/id/person/ada-lovelace.ttl")
    monkeypatch.setattr(app, "full_dispatch_request", lambda: pytest.fail("went through Flask"))
    fresh = client.get("/id/person/ada-lovelace.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 304 and fresh.data == b""
    assert fresh.headers["ETag"] == first.headers["ETag"] and "Content-Type" not in fresh.headers
    other = client.get("/id/person/ada-lovelace.ttl", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data
    since = client.get("/id/person/ada-lovelace.ttl", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_head_is_answered_from_the_kept_answer_without_a_body(app):
    client = app.test_client()
    first = client.get("/people")
    head = client.head("/people")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("path", HTML_PAGES)
@pytest.mark.parametrize("switch", ["param", "cookie", "accept-language"])
def test_no_304_after_switching_language(app, path, switch):
    """A reader who switches language must get the page in the new one, never 304 for the old one."""
    client = app.test_client()
    english = client.get(path, headers={"Accept-Language": "en"})
    etag = english.headers["ETag"]
    assert client.get(path, headers={"Accept-Language": "en", "If-None-Match": etag}).status_code == 304
    if switch == "param":
        sep = "&" if "?" in path else "?"
        french = client.get(f"{path}{sep}lang=fr", headers={"If-None-Match": etag})
    elif switch == "cookie":
        client.set_cookie("lang", "fr")
        french = client.get(path, headers={"If-None-Match": etag, "Accept-Language": "en"})
    else:
        french = client.get(path, headers={"If-None-Match": etag, "Accept-Language": "fr"})
    assert french.status_code == 200, f"{path}: 304 after switching to French ({switch})"
    assert lxml.html.fromstring(french.data).get("lang") == "fr"
    assert french.headers["ETag"] != etag


def test_a_rebuild_swaps_the_whole_cache(fresh_store, builder):
    build_store, make_app = builder
    folder = fresh_store
    app = make_app(folder)
    client = app.test_client()
    before = client.get("/people")
    client.get("/id/person/ada-lovelace.ttl")
    assert len(cache_of(app)) == 2 and "Grace Renamed" not in before.get_data(as_text=True)
    build_store(folder, """@prefix schema: <https://schema.org/> .
        <http://127.0.0.1:8000/source/extra> { <http://127.0.0.1:8000/id/person/grace-renamed> a schema:Person ;
            schema:name "Grace Renamed" . }""")
    after = client.get("/people")
    assert "Grace Renamed" in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert len(cache_of(app)) == 1, "the old build's answers are all gone"
    assert client.get("/people", headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/id/person/nobody", "/papers?lang=fr"])
def test_not_kept(app, path):
    """SPARQL answers, errors and answers setting a cookie are never kept."""
    app.test_client().get(path)
    assert len(cache_of(app)) == 0


def test_switched_off_with_zero_bytes(fresh_store, builder):
    app = builder[1](fresh_store, render_cache_bytes=0)
    assert "kg_render_cache" not in app.extensions
    assert app.test_client().get("/people").status_code == 200


def entry(size: int) -> Rendered:
    return Rendered("200 OK", (), b"x" * size, None, None)


def test_the_cache_is_bounded_in_bytes_least_recently_used_first_out():
    cache = RenderCache(10_000)
    for i in range(10):
        cache.put("v1", (i,), entry(2_000))
    assert cache.size <= 10_000 and len(cache) < 10
    assert cache.get("v1", (0,)) is None and cache.get("v1", (9,)) is not None
    cache.get("v1", (6,))  # used: survives the next additions
    cache.put("v1", ("new",), entry(2_000))
    assert cache.get("v1", (6,)) is not None
    cache.put("v1", ("huge",), entry(5_000))  # over a quarter of the bound: not kept
    assert cache.get("v1", ("huge",)) is None
    assert cache.get("v2", (9,)) is None and len(cache) == 0, "a new version drops everything"


def test_concurrent_misses_render_once():
    calls = []

    def slow_app(environ, start_response):
        calls.append(1)
        time.sleep(0.3)
        start_response("200 OK", [("Content-Type", "text/plain"), ("ETag", '"v1-x"')])
        return [b"rendered"]

    class Store:
        def version(self):
            return "v1"
    middleware = RenderMiddleware(slow_app, Store, RenderCache(1 << 20))
    bodies = []

    def request():
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/slow", "QUERY_STRING": ""}
        bodies.append(b"".join(middleware(environ, lambda status, headers: None)))
    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bodies == [b"rendered"] * 6 and len(calls) == 1


@pytest.mark.parametrize("environ", [
    {"REQUEST_METHOD": "POST", "PATH_INFO": "/"},
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql"},
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "CONTENT_LENGTH": "5"},
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_AUTHORIZATION": "Bearer x"},
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "q=\xe9"},
])
def test_requests_whose_answers_are_not_kept(environ):
    assert render.request_key(environ) is None


def test_the_key_holds_the_variant_and_the_language():
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": ""}
    keys = {render.request_key({**base, **extra}) for extra in (
        {}, {"HTTP_ACCEPT": "text/turtle"}, {"HTTP_ACCEPT_LANGUAGE": "fr"}, {"HTTP_COOKIE": "a=1; lang=es"},
        {"QUERY_STRING": "lang=fr"})}
    assert len(keys) == 5
    assert render.request_key({**base, "HTTP_COOKIE": "other=1"}) == render.request_key(base)


# ---------------------------------------------------------------- warmed before the first visitor


def undated(response) -> list[tuple[str, str]]:
    """The headers but Date, which the server sets on each reply (a kept answer does not repeat its own)."""
    return [(k, v) for k, v in headers_of(response) if k != "Date"]


def test_warmed_pages_are_the_pages_a_request_renders(fresh_store, builder, monkeypatch):
    """Each top page, for each Accept warmed, is kept before any request, byte for byte what rendering it on
    request gives (headers too), and served without Flask."""
    make_app = builder[1]
    warmed, plain = make_app(fresh_store), make_app(fresh_store, render_cache_bytes=0)
    kept = render.warm(warmed)
    assert kept == len(render.top_paths()) * len(render.WARM_ACCEPTS)

    def no_flask(*args, **kwargs):
        raise AssertionError("a warmed page went through Flask")
    monkeypatch.setattr(warmed, "full_dispatch_request", no_flask)
    client, fresh = warmed.test_client(), plain.test_client()
    for path in render.top_paths():
        for accept in render.WARM_ACCEPTS:
            served, rendered = client.get(path, headers={"Accept": accept}), fresh.get(path, headers={"Accept": accept})
            assert rendered.status_code == 200, path
            assert (served.status_code, served.data) == (200, rendered.data), (path, accept)
            assert undated(served) == undated(rendered), (path, accept)


def test_warmed_pages_are_not_served_after_a_rebuild(fresh_store, builder):
    build_store, make_app = builder
    app = make_app(fresh_store)
    render.warm(app, ["/people"], ["text/html"])
    build_store(fresh_store, """@prefix schema: <https://schema.org/> .
        <http://127.0.0.1:8000/source/extra> { <http://127.0.0.1:8000/id/person/grace-renamed> a schema:Person ;
            schema:name "Grace Renamed" . }""")
    assert "Grace Renamed" in app.test_client().get("/people", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_the_server_makes_the_site_once_and_warms_it_before_forking(fresh_store, monkeypatch):
    """kg serve makes the app in the server's main process, and the top pages are kept there, before the workers
    are forked: each worker's loader hands back that one warm app; another app (bench/floor.py) is served as
    it is."""
    from granian import Granian

    from kg.settings import load_settings
    from web import server

    loaders = []
    monkeypatch.setattr(Granian, "serve", lambda self, target_loader, wrap_loader: loaders.append(target_loader))
    settings = load_settings({"store": fresh_store}, environ={})
    server.run(settings)
    first, second = loaders[0](), loaders[0]()
    assert first is second
    assert len(first.app.extensions["kg_render_cache"]) == len(render.top_paths()) * len(render.WARM_ACCEPTS)
    other = object()
    server.run(settings, other)
    assert loaders[1]().app is other


def test_a_kept_answer_does_not_repeat_the_date_it_was_rendered(app):
    """Date is the time of each reply, which the server writes: a kept answer carries none of its own."""
    client = app.test_client()
    assert [client.get("/robots.txt").headers.get("Date") for _ in range(2)] == [None, None]


# ---------------------------------------------------------------- shared by the workers through the build folder


def dispatches(app, monkeypatch) -> list:
    """The requests that reach the app's routes (past every cache) from now on."""
    calls, original = [], app.full_dispatch_request
    monkeypatch.setattr(app, "full_dispatch_request", lambda: calls.append(1) or original())
    return calls


@pytest.mark.parametrize("path", ["/id/person/ada-lovelace", "/id/paper/deep-widgets.ttl", "/people"])
def test_another_worker_serves_what_one_rendered(fresh_store, builder, monkeypatch, path):
    make_app = builder[1]
    one, other = make_app(fresh_store), make_app(fresh_store)
    first = one.test_client().get(path)
    calls = dispatches(other, monkeypatch)
    again = other.test_client().get(path)
    assert calls == [] and again.status_code == 200
    assert (again.data, undated(again)) == (first.data, undated(first))


def test_shared_renders_follow_the_data_version(fresh_store, builder, monkeypatch):
    make_app = builder[1]
    one, other = make_app(fresh_store, update_secret="s3cret"), make_app(fresh_store, update_secret="s3cret")
    assert "Grace" not in one.test_client().get("/people").get_data(as_text=True)
    update = 'INSERT DATA { <http://127.0.0.1:8000/id/person/grace> a <https://schema.org/Person> ; ' \
             '<https://schema.org/name> "Grace" }'
    assert one.test_client().post("/sparql", data=update, content_type="application/sparql-update",
                                  headers={"Authorization": "Bearer s3cret"}).status_code == 204
    assert "Grace" in other.test_client().get("/people").get_data(as_text=True)


def test_servers_with_other_settings_share_nothing(fresh_store, builder, monkeypatch):
    make_app = builder[1]
    one, other = make_app(fresh_store, page_size=1), make_app(fresh_store)
    one.test_client().get("/people")
    calls = dispatches(other, monkeypatch)
    other.test_client().get("/people")
    assert calls == [1]


def test_a_store_serving_private_graphs_shares_nothing(fresh_store, monkeypatch):
    from kg.settings import load_settings
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    settings = load_settings({"store": fresh_store}, environ={})
    private = create_app(settings, EmbeddedStore(fresh_store, private=True))
    for path in ("/", "/people", "/id/person/ada-lovelace"):
        assert private.test_client().get(path).status_code == 200
    assert not (fresh_store / "current" / render.SharedRenders.FOLDER).exists()
    public = create_app(settings, EmbeddedStore(fresh_store))
    calls = dispatches(public, monkeypatch)
    public.test_client().get("/people")
    assert calls == [1]
