"""What a browser is told and shown: security headers, a CSP with no inline script, escaped data, no
`javascript:` links, and no route that reads a file from a path built from the request (web/guard.py).
"""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT
from web.guard import CSP, HEADERS

from .conftest import JAVASCRIPT_URL

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class PageAudit(HTMLParser):
    """Everything in a page a script could hide in: script elements, event handlers, URL attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.jsonld: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES and value:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = (values.get("type") or "").lower()
            if kind != "application/ld+json" and not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"inline or foreign script: {values}")
            self._script = {"type": kind, "text": ""}
        if tag in ("iframe", "object", "embed", "base"):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if self._script["type"] == "application/ld+json":
                self.jsonld.append(self._script["text"])
            elif self._script["text"].strip():
                self.problems.append("a script element with inline code")
            self._script = None


def audit(html: str) -> PageAudit:
    page = PageAudit()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def client(planted_app):
    return planted_app.test_client()


def html_pages(client) -> list[str]:
    """Every HTML page of the planted site: fixed pages, lists, each resource, query pages, errors."""
    pages = ["/", "/papers", "/history", "/quality", "/queries", "/sparql", "/people", "/organizations", "/projects",
             "/initiatives", "/events", "/topics", "/places", "/id/person/nobody-here", "/no/such/page",
             "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D&format=html",
             "/sparql?query=CONSTRUCT%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D&format=html",
             "/sparql?query=SELECT%20%3Cjavascript%3Aalert(1)%3E&format=html",
             "/sparql?query=%3Cscript%3Ealert(1)%3C/script%3E&format=html"]
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    pages += sorted({"/" + p for p in re.findall(r"<loc>https?://[^/]+/([^<]*)</loc>", sitemap)})
    pages += [f"/queries/{q['name']}" for q in client.get("/queries.json").get_json()["queries"]]
    return pages


def test_every_response_carries_the_security_headers(client):
    for path, kwargs in [("/", {}), ("/id/person/alex-hernandez-garcia.ttl", {}), ("/no/such/page", {}),
                         ("/sparql", {"query_string": {"query": "ASK {}"}}), ("/static/style.css", {}),
                         ("/sitemap.xml", {}), ("/export.nt", {}), ("/sparql", {"method": "PUT"})]:
        response = client.open(path, **kwargs)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)


def test_the_csp_forbids_inline_script_and_framing():
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert HEADERS["X-Frame-Options"] == "DENY" and HEADERS["X-Content-Type-Options"] == "nosniff"


def test_pages_run_no_inline_script_and_link_no_javascript(client):
    """No page has inline code, event handlers or javascript: URLs, though the data holds such a URL and markup;
    JSON-LD blocks are valid JSON (data, which CSP does not govern)."""
    problems, seen = {}, 0
    for path in html_pages(client):
        response = client.get(path, headers={"Accept": "text/html"})
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        seen += 1
        html = response.get_data(as_text=True)
        page = audit(html)
        for block in page.jsonld:
            json.loads(block)
        if "xss-probe" in html and ('<script>alert("xss-probe")' in html or "<img src=x" in html):
            page.problems.append("unescaped markup from the data")
        if page.problems:
            problems[path] = page.problems
    assert seen > 100
    assert not problems, problems


def test_the_javascript_url_is_in_the_data_but_never_a_link(client):
    page = client.get("/id/project/harmless-demo-project", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert JAVASCRIPT_URL in client.get("/id/project/harmless-demo-project.nt").get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)
    assert not audit(html).problems
    assert "xss-probe" in html and "&lt;script&gt;" in html  # shown, escaped


@pytest.mark.parametrize("path", [
    "/static/../web/__init__.py", "/static/..%2f__init__.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2F..%2Fpyproject.toml", "/static/....//....//etc/passwd", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/style.css%00.py", "/static/templates/base.html",
    "/id/../../etc/passwd", "/id/person/..%2F..%2Fpyproject.toml", "/id/..%2f..%2fetc/passwd",
    "/id/person/%2e%2e%2fmeta.json", "/queries/..%2F..%2Fpyproject.toml", "/queries/../kg/settings.py",
    "/export.%2e%2e%2fgraph.nq", "/void.%2e%2e%2fmeta.json", "/papers.%2e%2e%2f%2e%2e%2fpyproject.toml",
])
def test_no_path_traversal(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404, 405, 406), (path, response.status_code)
    body = response.get_data(as_text=True)
    for secret in ("root:x:", "[project]", "import ", "build_id", "<http"):
        assert secret not in body, (path, secret)


# Reading a file in web/: only these functions may, each from a fixed place (never a path from the request).
ALLOWED_FILE_READS = {
    ("pages.py", "static_file"),  # send_from_directory(STATIC, name) after `name in STATIC_FILES`
    ("i18n.py", "*"),  # translations, by the language codes the module ships
    ("render.py", "load"),  # the build folder's rendered/{sha256 hex of settings, version, request key}
}
FILE_CALLS = {"open", "send_file", "send_from_directory", "read_text", "read_bytes", "safe_join", "listdir",
              "iterdir", "glob", "rglob", "scandir"}


def test_no_route_reads_a_file_from_the_request():
    """A code check: in web/, file-reading calls appear only in the functions allowed above."""
    found = []
    for path in sorted((PROJECT_ROOT / "web").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if name in FILE_CALLS and (path.name, function.name) not in ALLOWED_FILE_READS \
                            and (path.name, "*") not in ALLOWED_FILE_READS:
                        found.append(f"{path.name}:{node.lineno} {function.name}() calls {name}()")
    assert not found, "file reads in web/ outside the allowed places (review them, then list them):\n" + \
        "\n".join(found)


def test_static_files_are_served_by_exact_name(client):
    from web.pages import STATIC_FILES

    assert STATIC_FILES and all("/" not in name for name in STATIC_FILES)
    for name in STATIC_FILES:
        assert client.get(f"/static/{name}").status_code == 200
    assert [r.rule for r in client.application.url_map.iter_rules() if r.rule.startswith("/static")] == \
        ["/static/<name>"]
    assert Path(PROJECT_ROOT / "web" / "static").is_dir()
