"""Web fixtures: the tiny profile (tests/data/mini_profile.trig) as its own store and app, for assertions on
known facts; a variant with SPARQL Update switched on; one sample resource of each kind of the bundled profile.

The shared `store`, `app` and `client` fixtures (tests/conftest.py) serve the bundled profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.settings import PROJECT_ROOT, load_settings
from kg.store.base import BuildMeta
from kg.store.embedded import EmbeddedStore, new_build_id, write_build

MINI = PROJECT_ROOT / "tests" / "data" / "mini_profile.trig"
BASE = "http://127.0.0.1:8000/"
OLD_IRI = BASE + "id/person/ada-byron"  # a renamed person: the ledger redirects it
NEW_IRI = BASE + "id/person/ada-lovelace"
SECRET = "s3cret-for-tests"


def build_store(folder: Path, extra: str = "") -> Path:
    """Write the mini profile (plus extra TriG) as a build in folder, with an IRI ledger holding one redirect."""
    quads = list(ox.parse(path=str(MINI), format=ox.RdfFormat.TRIG))
    if extra:
        quads += list(ox.parse(extra.encode(), format=ox.RdfFormat.TRIG))
    meta = BuildMeta(new_build_id(), BASE, "2025-01-01T00:00:00+00:00", len(quads),
                     sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}), {})
    ledger = {"ledger": {}, "redirects": {OLD_IRI: NEW_IRI}}
    write_build(folder, quads, meta, {"ledger.json": json.dumps(ledger).encode()})
    return folder


def make_app(folder: Path, **flags):
    from web import create_app

    settings = load_settings({"store": folder, **flags}, environ={})
    app = create_app(settings, EmbeddedStore(folder))
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session")
def mini_store_dir(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("mini-store"))


@pytest.fixture(scope="session")
def mini_app(mini_store_dir):
    return make_app(mini_store_dir)


@pytest.fixture()
def mini_client(mini_app):
    return mini_app.test_client()


@pytest.fixture(scope="session")
def limited_client(mini_store_dir):
    """The mini profile served with a SELECT limited to two rows."""
    return make_app(mini_store_dir, result_limit=2).test_client()


@pytest.fixture()
def update_app(tmp_path):
    """A fresh mini store (updates write to it) served with SPARQL Update switched on."""
    return make_app(build_store(tmp_path / "store"), update_secret=SECRET)


EVIL = """
@prefix schema: <https://schema.org/> .
<http://127.0.0.1:8000/source/evil> {
  <http://127.0.0.1:8000/id/person/mallory> a schema:Person ;
    schema:name "</script><script>alert(1)</script>" ;
    schema:url <javascript:alert(2)> ;
    schema:sameAs <data:text/html,hi> ;
    schema:description "<b>bold</b> & <img src=x onerror=alert(3)>" .
  <http://127.0.0.1:8000/id/paper/odd> a schema:ScholarlyArticle ;
    schema:name "Odd Identifiers" ;
    schema:identifier <http://127.0.0.1:8000/id/paper/odd#id-arxiv>, <http://127.0.0.1:8000/id/paper/odd#id-doi> .
  <http://127.0.0.1:8000/id/paper/odd#id-arxiv> a schema:PropertyValue ;
    schema:propertyID "arxiv" ; schema:value "2202.01234" .
  <http://127.0.0.1:8000/id/paper/odd#id-doi> a schema:PropertyValue ;
    schema:propertyID "doi" ; schema:value "10.1000/xyz" .
}
"""


@pytest.fixture(scope="session")
def evil_client(tmp_path_factory):
    """The mini profile plus a person whose data tries to inject markup and script URLs, and a paper whose
    identifiers are PropertyValue nodes."""
    return make_app(build_store(tmp_path_factory.mktemp("evil-store"), EVIL)).test_client()


@pytest.fixture(scope="session")
def samples(store) -> dict[str, tuple[str, str | None]]:
    """One resource of each kind of the bundled profile: kind -> (IRI, its schema:name or None)."""
    from web.describe import resource_iris

    base = store.meta.base
    found: dict[str, tuple[str, str | None]] = {}
    for iri in resource_iris(store, base):
        kind = iri[len(base):].split("/")[1]
        if kind in found:
            continue
        rows = list(store.query("SELECT ?r ?name WHERE { ?r <https://schema.org/name> ?name }",
                                {"r": ox.NamedNode(iri)}))
        found[kind] = (iri, rows[0]["name"].value if rows else None)
    return found


@pytest.fixture()
def fresh_store(tmp_path) -> Path:
    """A mini-profile build of its own, for a test that rebuilds it."""
    return build_store(tmp_path / "store")


@pytest.fixture()
def builder():
    """build_store and make_app, for tests that build and serve their own stores."""
    return build_store, make_app
