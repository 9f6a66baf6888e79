"""One open_store for the CLI and the server: `kg query`, `kg export` and `kg validate` read the embedded build,
or with `--endpoint` (or KG_ENDPOINT) a real SPARQL server `kg push` loaded, and answer the same from both."""

from __future__ import annotations

import json

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli import main
from kg.settings import load_settings
from kg.store import open_store
from kg.store.embedded import EmbeddedStore
from kg.store.remote import RemoteStore
from servers import Servers

STORES = ["embedded", pytest.param("oxigraph", marks=pytest.mark.server)]


@pytest.fixture(scope="module")
def endpoint(store_dir, tmp_path_factory):
    """The bundled profile pushed by `kg push` to an Oxigraph server of this module's own."""
    servers = Servers(tmp_path_factory.mktemp("open-store-servers"))
    server = servers.get("oxigraph")
    pushed = CliRunner().invoke(main, ["push", "--store", str(store_dir), "--endpoint", server.endpoint,
                                       "--update-endpoint", server.update_endpoint,
                                       "--store-endpoint", server.store_endpoint])
    assert pushed.exit_code == 0, pushed.output
    yield server.endpoint
    servers.stop()


@pytest.fixture
def where(request, store_dir, tmp_path) -> list[str]:
    """The CLI options naming the store: the build's folder, or an endpoint with an empty folder beside it (so an
    answer can only come from the server)."""
    if request.param == "embedded":
        return ["--store", str(store_dir)]
    return ["--store", str(tmp_path / "no-build-here"), "--endpoint", request.getfixturevalue("endpoint")]


def kg(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def rows(output: str) -> list:
    data = json.loads(output)
    return sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


@pytest.mark.parametrize("kind", STORES)
def test_open_store_opens_the_build_or_the_server(kind, store_dir, request):
    flags = {"store": store_dir}
    if kind != "embedded":
        flags["endpoint"] = request.getfixturevalue("endpoint")
    store = open_store(load_settings(flags, environ={}))
    assert isinstance(store, EmbeddedStore if kind == "embedded" else RemoteStore)
    assert store.meta.build_id == EmbeddedStore(store_dir).meta.build_id


@pytest.mark.parametrize("where", STORES, indirect=True)
@pytest.mark.parametrize("args", [["--name", "coauthors"],
                                  ["SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"]],
                         ids=["named", "text"])
def test_kg_query_answers_the_same_from_the_build_and_the_server(where, args, store_dir):
    expected = kg("query", *args, "--format", "json", "--store", str(store_dir))
    got = kg("query", *args, "--format", "json", *where)
    assert got.exit_code == 0, got.output
    assert rows(got.output) == rows(expected.output) and rows(got.output)


@pytest.mark.parametrize("where", STORES, indirect=True)
def test_kg_export_writes_the_same_graph_from_the_build_and_the_server(where, store_dir):
    expected = rdflib.Graph().parse(data=kg("export", "--format", "nt", "--store", str(store_dir)).output,
                                    format="nt")
    got = kg("export", "--format", "nt", *where)
    assert got.exit_code == 0, got.output
    graph = rdflib.Graph().parse(data=got.output, format="nt")
    assert len(graph) == len(expected) > 0 and isomorphic(graph, expected)


@pytest.mark.parametrize("where", STORES, indirect=True)
def test_kg_validate_checks_the_store_it_is_given(where):
    result = kg("validate", "--no-owl", *where)
    assert result.exit_code == 0, result.output
    assert "valid: SHACL shapes hold" in result.output


@pytest.mark.server
def test_the_endpoint_setting_comes_from_the_environment_too(endpoint, tmp_path, store_dir):
    result = kg("query", "--name", "coauthors", "--format", "json", "--store", str(tmp_path / "empty"),
                env={"KG_ENDPOINT": endpoint})
    assert result.exit_code == 0, result.output
    assert rows(result.output) == rows(kg("query", "--name", "coauthors", "--format", "json",
                                          "--store", str(store_dir)).output)


@pytest.mark.server
@pytest.mark.parametrize("command", [["export", "--format", "nt"], ["query", "ASK {}"]])
def test_private_graphs_are_not_asked_of_a_server(endpoint, command):
    result = kg(*command, "--private", "--endpoint", endpoint)
    assert result.exit_code == 1
    assert "private graphs are never pushed" in result.output and "Traceback" not in result.output
