"""`kg export --format site`: the whole site as static files, for GitHub Pages or any static host.

The real Flask app is driven in-process through its test client, so the saved pages are exactly what
`kg serve` answers. HTML pages are saved as `path/index.html`, data files under their own paths, and the
root-relative links in saved HTML are rewritten to relative links that work at any depth and from `file://`.
The SPARQL endpoint cannot be static: `sparql/index.html` says so.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

RDF_TWINS = (".ttl", ".jsonld", ".nt", ".rdf")
SEEDS = ("/", "/sitemap.xml", "/robots.txt", "/void", "/export.ttl", "/export.nt", "/export.jsonld",
         "/papers", "/papers.jsonld", "/queries", "/portrait.svg")
SKIP = ("/sparql",)
SUFFIX_BY_TYPE = {"text/turtle": ".ttl", "application/ld+json": ".jsonld", "application/n-triples": ".nt",
                  "application/rdf+xml": ".rdf", "application/json": ".json", "text/plain": ".txt",
                  "application/xml": ".xml", "text/xml": ".xml", "image/svg+xml": ".svg", "text/css": ".css"}
LINK = re.compile(r'(\b(?:href|src)\s*=\s*)(["\'])(/(?!/)[^"\']*)\2', re.IGNORECASE)
CSS_URL = re.compile(r'url\(\s*(["\']?)(/(?!/)[^)"\']*)\1\s*\)')

SPARQL_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main>
<h1>SPARQL</h1>
<p>This is a static copy of the site: no live SPARQL endpoint is configured here.</p>
<p>Download the whole graph instead, as <a href="/export.ttl">Turtle</a>, <a href="/export.nt">N-Triples</a>
or <a href="/export.jsonld">JSON-LD</a>, and query it locally, or run <code>kg serve</code>.</p>
<p><a href="/">Home</a></p>
</main>
</body>
</html>
"""

UNAVAILABLE_PAGE = SPARQL_PAGE.replace("<title>SPARQL</title>", "<title>Not available</title>").replace(
    "<h1>SPARQL</h1>\n<p>This is a static copy of the site: no live SPARQL endpoint is configured here.</p>",
    "<h1>Not available</h1>\n<p>This is a static copy of the site: <code>{path}</code> needs parameters "
    "and a live server (no live SPARQL endpoint is configured here).</p>")


def _path_of(link: str) -> str:
    """The path part of a root-relative link, without query string or fragment, percent-decoded."""
    return unquote(urlsplit(link).path) or "/"


def _skipped(path: str) -> bool:
    return any(path == s or path.startswith(s + "/") for s in SKIP)


class _Crawl:
    def __init__(self, client: Any):
        self.client = client
        self.files: dict[str, str] = {}      # URL path -> file path relative to the output folder
        self.bodies: dict[str, bytes] = {}   # file path -> content
        self.html: set[str] = set()          # file paths holding HTML
        self.redirects: dict[str, str] = {}  # URL path -> URL path it redirects to
        self.missing: set[str] = set()
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()

    def add(self, path: str) -> None:
        if path not in self.seen and not _skipped(path):
            self.seen.add(path)
            self.queue.append(path)

    def run(self) -> None:
        while self.queue:
            self.fetch(self.queue.popleft())

    def fetch(self, path: str) -> None:
        response = self.client.get(path, headers={"Accept": "text/html,*/*;q=0.1"})
        if 300 <= response.status_code < 400:
            target = _path_of(response.headers.get("Location", "/"))
            self.redirects[path] = target
            self.add(target)
            return
        if response.status_code != 200:
            self.missing.add(path)
            return
        mime = (response.mimetype or "").lower()
        body = response.get_data()
        if mime == "text/html":
            file = "index.html" if path == "/" else path.strip("/") + "/index.html"
            self.html.add(file)
            self.links(body.decode("utf-8", "replace"))
        else:
            file = path.strip("/")
            if not posixpath.splitext(file)[1]:
                file += SUFFIX_BY_TYPE.get(mime, ".bin")
            if mime == "text/css":
                for match in CSS_URL.finditer(body.decode("utf-8", "replace")):
                    self.add(_path_of(match.group(2)))
            if path == "/sitemap.xml":
                self.sitemap(body)
        self.files[path] = file
        self.bodies[file] = body
        if path.startswith("/id/") and not posixpath.splitext(path)[1]:
            for suffix in RDF_TWINS:
                self.add(path + suffix)

    def links(self, text: str) -> None:
        for match in LINK.finditer(text):
            self.add(_path_of(html.unescape(match.group(3))))

    def sitemap(self, body: bytes) -> None:
        for loc in ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            self.add(_path_of(urlsplit((loc.text or "").strip()).path))

    def target(self, path: str) -> str | None:
        """The saved file a URL path lands on, following redirects."""
        for _ in range(10):
            if path in self.files:
                return self.files[path]
            if _skipped(path):
                return "sparql/index.html"
            if path not in self.redirects:
                return None
            path = self.redirects[path]
        return None


def _relative(target: str, page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def _rewrite(text: str, page: str, crawl: _Crawl, pattern: re.Pattern, group: int) -> str:
    def swap(match: re.Match) -> str:
        link = html.unescape(match.group(group))
        parts = urlsplit(link)
        target = crawl.target(_path_of(link))
        if target is None:
            return match.group(0)
        new = _relative(target, page) + (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
        start, end = match.span(group)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + html.escape(new, quote=True) + whole[end - offset:]

    return pattern.sub(swap, text)


def export_site(settings: Any, out: Path, *, store: Any = None) -> dict[str, int]:
    """Write the site under `out`; answer counts of pages, files, and links left unresolved."""
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    store = store if store is not None else EmbeddedStore(settings.store)
    app = create_app(settings, store)
    crawl = _Crawl(app.test_client())
    for seed in SEEDS:
        crawl.add(seed)
    crawl.run()

    for path in sorted(crawl.missing):
        # pages the live server answers only with parameters (a search, a version): a static note instead
        base, suffix = posixpath.splitext(path)
        stub = (base if suffix else path).strip("/") + "/index.html"
        crawl.files[path] = stub
        if stub not in crawl.bodies:
            crawl.bodies[stub] = UNAVAILABLE_PAGE.replace("{path}", html.escape(base if suffix else path)).encode()
            crawl.html.add(stub)

    crawl.bodies["sparql/index.html"] = SPARQL_PAGE.encode()
    crawl.html.add("sparql/index.html")
    crawl.files["/sparql"] = "sparql/index.html"

    out = Path(out)
    for file, body in crawl.bodies.items():
        if file in crawl.html:
            body = _rewrite(body.decode("utf-8"), file, crawl, LINK, 3).encode("utf-8")
        elif file.endswith(".css"):
            body = _rewrite(body.decode("utf-8"), file, crawl, CSS_URL, 2).encode("utf-8")
        dest = out / file
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(body)
    (out / ".nojekyll").write_bytes(b"")
    return {"pages": len(crawl.html), "files": len(crawl.bodies) - len(crawl.html), "missing": len(crawl.missing)}
