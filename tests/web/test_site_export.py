"""`kg export --format site`: a static copy of the site whose every local link resolves to a saved file."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import rdflib

from web.site_export import export_site


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        self._in_jsonld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld and data.strip():
            self.jsonld.append(data)


def _parse(file: Path) -> _Links:
    parser = _Links()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(settings, store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    export_site(settings, out, store=store)
    return out


def test_every_local_link_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    broken = []
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//", "mailto:")):
                continue
            assert not link.startswith("/"), f"{page.relative_to(site)}: root-relative link {link}"
            if not parts.path:
                continue  # ?lang=... or #fragment on the page itself
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert not broken, "\n".join(broken[:30])


def test_layout(site):
    assert (site / "index.html").is_file()
    for name in ("export.ttl", "export.nt", "export.jsonld", "sitemap.xml", "robots.txt", "void.ttl",
                 "papers.jsonld", "portrait.svg", "queries/index.html", "papers/index.html",
                 "people/index.html", "static/style.css"):
        assert (site / name).is_file(), name
    person = site / "id" / "person" / "alex-hernandez-garcia"
    assert (person / "index.html").is_file()
    for suffix in (".ttl", ".jsonld", ".nt", ".rdf"):
        assert person.with_suffix(suffix).is_file() or (person.parent / (person.name + suffix)).is_file()


def test_sparql_page_is_static(site):
    text = (site / "sparql" / "index.html").read_text(encoding="utf-8")
    assert "no live SPARQL endpoint" in text


def test_jsonld_in_pages(site):
    for page in (site / "index.html", site / "id" / "person" / "alex-hernandez-garcia" / "index.html"):
        blocks = _parse(page).jsonld
        assert blocks, page
        for block in blocks:
            json.loads(block)


def test_turtle_files_parse(site):
    files = sorted(site.rglob("*.ttl"))
    assert len(files) > 10
    for file in files:
        rdflib.Graph().parse(file, format="turtle")


def test_cli(settings, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["export", "--format", "site", "--out", str(tmp_path / "out"),
                                       "--store", str(settings.store)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").is_file()
