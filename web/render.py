"""Render once per build: a WSGI middleware that keeps the bytes of every answer that is not a SPARQL query.

The graph changes only at a build (or a SPARQL update), so a page, a resource's RDF, a list, a named query's
results, an export or a picture is a pure function of (data version, path, query string, Accept, interface
language, today's date). The first GET computes it through Flask as usual; the middleware keeps the status,
headers (Content-Type, Vary, ETag, Link, security headers, ...) and body, and answers the same request again from
them without entering Flask: no routing, no template, no negotiation. A conditional request (If-None-Match,
If-Modified-Since) is answered 304 from the kept ETag and Last-Modified, which the routes derive from the data
version, the variant and, for HTML, the interface language.

The cache is one per app (so one per worker process), shared by its threads, a least-recently-used map bounded
in bytes (setting render_cache_bytes). When the store's version changes the whole map is dropped at once: a
rebuild swaps the cache with the store. Concurrent misses on the same key compute once (the others wait for it),
so a cold page under load costs one rendering, not one per connection.

Not kept: anything but a 200 to a GET without a body; `/sparql`; an answer that sets a cookie or says
`no-store`, `no-cache` or `private`; a request with credentials or a query string that is not ASCII (the guard
fixes those up first); an answer larger than a quarter of the bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable

from werkzeug.http import parse_etags

from kg.store.base import GraphStore

NOT_KEPT_PREFIXES = ("/sparql",)
_LANG_COOKIE = re.compile(r"(?:^|;)\s*lang=([^;]*)")
_DROPPED_ON_304 = {"content-length", "content-type", "content-encoding", "content-disposition"}
SINGLE_FLIGHT_WAIT = 60.0  # seconds a request waits for another thread rendering the same answer


@dataclass(frozen=True)
class Rendered:
    """One kept answer: status line, headers and body, with its validators parsed once."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    last_modified: dt.datetime | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class RenderCache:
    """Rendered answers of one data version, least recently used first out, at most max_bytes in all."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._version: str | None = None
        self._items: OrderedDict[tuple, Rendered] = OrderedDict()
        self._bytes = 0
        self._pending: dict[tuple, threading.Event] = {}
        self.hits = self.misses = 0

    def _swap_if_new(self, version: str) -> None:
        if version != self._version:  # a new build: drop every answer of the old one at once
            self._version, self._items, self._bytes = version, OrderedDict(), 0

    def get(self, version: str, key: tuple) -> Rendered | None:
        """The kept answer for key on this data version, or None."""
        with self._lock:
            self._swap_if_new(version)
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return found

    def put(self, version: str, key: tuple, answer: Rendered) -> None:
        """Keep an answer of this data version (not when it alone would take over a quarter of the bound)."""
        size = answer.size
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._swap_if_new(version)
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped.size

    def claim(self, key: tuple) -> threading.Event | None:
        """None when this thread is to render key; otherwise the event that fires once another thread has."""
        with self._lock:
            event = self._pending.get(key)
            if event is None:
                self._pending[key] = threading.Event()
            return event

    def release(self, key: tuple) -> None:
        """Wake the threads waiting for key."""
        with self._lock:
            event = self._pending.pop(key, None)
        if event is not None:
            event.set()

    @property
    def size(self) -> int:
        """Bytes kept now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


class SharedRenders:
    """Rendered answers shared by the workers of one store through its build folder (`rendered/`): what one
    worker rendered, another reads instead of rendering it again (a page's first request costs one render per
    build, not one per worker). Files are named by a hash of the settings the server runs with (two servers of one
    store with other settings share nothing), the data version and the key, and written whole (a temporary file
    renamed); this process writes at most `max_bytes` of them per build folder. Never for a store that serves
    private graphs, whose pages must not reach a folder public servers read; any error of the file system just
    means the answer is rendered here."""

    FOLDER = "rendered"

    def __init__(self, max_bytes: int, settings: object = None):
        self.max_bytes = max_bytes
        self.fingerprint = repr(settings)
        self._lock = threading.Lock()
        self._written: dict[Path, int] = {}

    @staticmethod
    def folder(store: GraphStore) -> Path | None:
        """Where this store's current build keeps shared answers, or None when it has none or serves private data."""
        build = getattr(store, "build_dir", None)
        if build is None or getattr(store, "private", True):
            return None
        return Path(build) / SharedRenders.FOLDER

    def _name(self, version: str, key: tuple) -> str:
        return hashlib.sha256(repr((self.fingerprint, version, key)).encode()).hexdigest()

    def load(self, store: GraphStore, version: str, key: tuple) -> Rendered | None:
        """The answer another process kept for (version, key), or None."""
        folder = self.folder(store)
        if folder is None:
            return None
        try:
            data = (folder / self._name(version, key)).read_bytes()
            head, _, body = data.partition(b"\n")
            status, headers = json.loads(head)
        except (OSError, ValueError):
            return None
        pairs = tuple((str(k), str(v)) for k, v in headers)
        etag, modified = _validators(pairs)
        return Rendered(str(status), pairs, body, etag, modified)

    def save(self, store: GraphStore, version: str, key: tuple, answer: Rendered) -> None:
        """Keep an answer for the other processes (within this process's byte budget for the folder)."""
        folder = self.folder(store)
        if folder is None:
            return
        data = json.dumps([answer.status, answer.headers]).encode() + b"\n" + answer.body
        with self._lock:
            if folder not in self._written:
                self._written = {folder: 0}  # a new build folder: the old one's count is no longer needed
            if self._written[folder] + len(data) > self.max_bytes:
                return
            self._written[folder] += len(data)
        target = folder / self._name(version, key)
        try:
            folder.mkdir(exist_ok=True)
            temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError:
            pass


def request_key(environ: dict) -> tuple | None:
    """What an answer may depend on, or None when the request is not one whose answer is kept."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    if path.startswith(NOT_KEPT_PREFIXES) or environ.get("HTTP_AUTHORIZATION"):
        return None
    if environ.get("CONTENT_LENGTH") not in (None, "", "0") or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    query = environ.get("QUERY_STRING", "")
    if not query.isascii():
        return None
    cookie = _LANG_COOKIE.search(environ.get("HTTP_COOKIE", ""))
    return (path, query, environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            cookie.group(1) if cookie else "", dt.date.today().toordinal())


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return False
        if lower == "cache-control" and any(word in value.lower() for word in ("no-store", "no-cache", "private")):
            return False
    return True


def _validators(headers: Iterable[tuple[str, str]]) -> tuple[str | None, dt.datetime | None]:
    etag = modified = None
    for name, value in headers:
        lower = name.lower()
        if lower == "etag":
            etag = value
        elif lower == "last-modified":
            try:
                modified = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                modified = None
    return etag, modified


def _not_modified(environ: dict, answer: Rendered) -> bool:
    """Whether a conditional GET may be answered 304 (If-None-Match first, as RFC 9110 §13.2.2 orders)."""
    none_match = environ.get("HTTP_IF_NONE_MATCH")
    if none_match is not None:
        if answer.etag is None:
            return False
        tags = parse_etags(none_match)
        tag = answer.etag.removeprefix("W/").strip('"')
        return tags.star_tag or tags.contains_weak(tag)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is not None and answer.last_modified is not None:
        try:
            return answer.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class RenderMiddleware:
    """WSGI: answer from the render cache when it holds the request's answer; otherwise render and keep it."""

    def __init__(self, app: Callable, store: Callable[[], GraphStore], cache: RenderCache,
                 shared: SharedRenders | None = None):
        self.app = app
        self.store = store
        self.cache = cache
        self.shared = shared

    def __call__(self, environ: dict, start_response: Callable):
        key = request_key(environ)
        if key is None:
            return self.app(environ, start_response)
        try:
            version = self.store().version()
        except Exception:  # the store cannot say: let the app answer (and report) as it would
            return self.app(environ, start_response)
        answer = self.cache.get(version, key)
        if answer is None:
            answer = self._render(environ, key, version)
            if answer is None:
                return self.app(environ, start_response)
        return self._reply(environ, start_response, answer)

    def _render(self, environ: dict, key: tuple, version: str) -> Rendered | None:
        """Render through the app once for key, or wait for the thread doing it; None: let the app answer."""
        event = self.cache.claim(key)
        if event is not None:
            event.wait(SINGLE_FLIGHT_WAIT)
            return self.cache.get(version, key)
        try:
            if self.shared is not None:
                found = self.shared.load(self.store(), version, key)
                if found is not None:  # another worker rendered it
                    self.cache.put(version, key, found)
                    return found
            if environ.get("REQUEST_METHOD") != "GET":
                return None  # a HEAD answer has no body to keep
            plain = {k: v for k, v in environ.items() if k not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")}
            captured: list = []

            def capture(status, headers, exc_info=None):
                captured[:] = [status, list(headers)]
                return lambda data: None  # the write() callable; Flask never uses it

            chunks = self.app(plain, capture)
            try:
                body = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
            status, headers = captured
            headers = [(k, v) for k, v in headers if k.lower() != "date"]  # the server dates each reply itself
            etag, modified = _validators(headers)
            answer = Rendered(status, tuple(headers), body, etag, modified)
            if _keepable(status, headers):
                self.cache.put(version, key, answer)
                if self.shared is not None:
                    self.shared.save(self.store(), version, key, answer)
            return answer
        finally:
            self.cache.release(key)

    @staticmethod
    def _reply(environ: dict, start_response: Callable, answer: Rendered):
        if answer.status.startswith("200") and _not_modified(environ, answer):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in answer.headers
                                                if k.lower() not in _DROPPED_ON_304])
            return [b""]
        start_response(answer.status, list(answer.headers))
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]


# Accept headers the top pages are rendered for ahead of visitors: one that asks for HTML alone (crawlers, wrk),
# the one browsers send, and none (curl). Other variants find the data computed and cost only their template.
WARM_ACCEPTS = ("text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*")


def top_paths() -> list[str]:
    """The site's own pages that cost the most cold: home, publications, history, the named queries, every
    kind's list (the first page; later pages are slices of the same list)."""
    from kg import iris
    from web.resources import list_path

    return ["/", "/papers", "/history", "/queries",
            *(list_path(name) for name, kind in iris.KINDS.items() if kind.plural)]


def warm(app, paths: Iterable[str] | None = None, accepts: Iterable[str] = WARM_ACCEPTS) -> int:
    """Render pages into this process's render cache before any visitor asks (`kg serve` does it in the server's
    master process, before it forks the workers, which inherit the kept answers and the data behind them: no
    visitor pays a cold render, in no worker); the number of answers kept."""
    cache = app.extensions.get("kg_render_cache")
    if cache is None:
        return 0
    client = app.test_client()
    for path in paths if paths is not None else top_paths():
        for accept in accepts:
            client.get(path, headers={"Accept": accept})
    return len(cache)


def install(app) -> RenderCache | None:
    """Put the render cache in front of an app (setting render_cache_bytes; 0 leaves the app as it is)."""
    size = app.config["KG_SETTINGS"].render_cache_bytes
    if size <= 0:
        return None
    cache = RenderCache(size)
    app.extensions["kg_render_cache"] = cache
    shared = SharedRenders(size, app.config["KG_SETTINGS"])
    app.extensions["kg_shared_renders"] = shared
    app.wsgi_app = RenderMiddleware(app.wsgi_app, lambda: app.config["KG_STORE"], cache, shared)
    return cache


__all__ = ["RenderCache", "RenderMiddleware", "Rendered", "SharedRenders", "install", "request_key", "top_paths",
           "warm"]
