"""`kg push`: a build loaded into a real SPARQL server, each source in its graph, replacing the last push whole."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import StoreError
from kg.store.push import guess_store_endpoint, guess_update_endpoint, push
from kg.store.remote import Client, RemoteStore, parse_answer
from kg.settings import load_settings
from kg.store.base import BuildMeta
from kg.store.embedded import new_build_id, write_build

OLD_STYLE_LEDGER = b'{"ledger": {"o:name:qzx secret lab": "http://example.org/id/organization/qzx"}, "redirects": {}}'
from servers import Servers

BASE = "http://push.example/"
NAME = ox.NamedNode("https://schema.org/name")


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Servers of this module's own: pushes here replace whole datasets, which other modules' servers serve."""
    running = Servers(tmp_path_factory.mktemp("push-servers"))
    yield running
    running.stop()


@pytest.fixture(params=[pytest.param("oxigraph", marks=pytest.mark.server),
                        pytest.param("virtuoso", marks=pytest.mark.server)])
def server(request, servers):
    return servers.get(request.param)


def build(store_dir, graphs: dict[str, list[str]]) -> BuildMeta:
    """A build whose graph `source/{name}` names the people listed (the same person may be in several)."""
    quads = [ox.Quad(ox.NamedNode(f"{BASE}id/person/{p}"), NAME, ox.Literal(p.title()),
                     ox.NamedNode(f"{BASE}source/{g}")) for g, people in graphs.items() for p in people]
    meta = BuildMeta(new_build_id(), BASE, new_build_id(), triples=len({(q.subject, q.object) for q in quads}),
                     graphs=sorted(f"{BASE}source/{g}" for g in graphs))
    write_build(store_dir, quads, meta, {"ledger.json": OLD_STYLE_LEDGER})
    return meta


def do_push(store_dir, server, meta_graph: str | None = None):
    return push(store_dir, server.endpoint, update_endpoint=server.update_endpoint,
                store_endpoint=server.store_endpoint, user=server.user, password=server.password,
                meta_graph=meta_graph)


def remote(server, meta_graph: str) -> RemoteStore:
    return RemoteStore(load_settings(server.settings_flags(), environ={}), meta_graph=meta_graph,
                       refresh_seconds=0)


def ask(server, text: str) -> bool:
    """ASK over the server's own dataset (every graph), not a push's."""
    client = Client(server.endpoint)
    return bool(parse_answer(*client.query(text)))


def count(store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def test_a_push_replaces_the_previous_one_whole(tmp_path, server):
    meta_graph = f"{BASE}graph/push-{server.name}-replace"
    first = build(tmp_path, {"a": ["ann", "bob"], "b": ["bob", "cy"]})
    report = do_push(tmp_path, server, meta_graph)
    assert (report.build_id, report.triples, report.graphs) == (first.build_id, 4, 2)
    store = remote(server, meta_graph)
    assert store.meta.build_id == first.build_id
    assert count(store) == 3  # bob's name once: the default graph is the merge of the graphs
    graphs = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert [(r["g"].value, r["n"].value) for r in graphs] == [(BASE + "source/a", "2"), (BASE + "source/b", "2")]

    second = build(tmp_path, {"a": ["ann"], "c": ["dee"]})
    do_push(tmp_path, server, meta_graph)
    assert store.meta.build_id == first.build_id  # until it looks again
    store.refresh()
    assert store.meta.build_id == second.build_id
    assert count(store) == 2
    assert store.push.graphs == (BASE + "source/a", BASE + "source/c")
    assert not ask(server, f"ASK {{ GRAPH <{BASE}source/b> {{ ?s ?p ?o }} }}")  # the old graph is dropped
    assert not ask(server, f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{meta_graph}/staging/") }}')
    # a ledger of a build made before it was split: its identity keys (names, some private) stay behind
    assert json.loads(store.attachment("ledger.json")) == {"redirects": {}}


def test_a_push_killed_half_way_is_cleaned_up_by_the_next(tmp_path, server):
    meta_graph = f"{BASE}graph/push-{server.name}-leftover"
    build(tmp_path, {"a": ["ann"]})
    do_push(tmp_path, server, meta_graph)
    stale = f"{meta_graph}/staging/dead/1"
    client = Client(server.endpoint, server.update_endpoint, server.user, server.password)
    client.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <{BASE}x> <{BASE}p> 1 }} "
                  f"GRAPH <{meta_graph}> {{ <{meta_graph}#pending-dead> <https://schema.org/hasPart> <{stale}> }} }}")
    assert ask(server, f"ASK {{ GRAPH <{stale}> {{ ?s ?p ?o }} }}")
    do_push(tmp_path, server, meta_graph)
    assert not ask(server, f"ASK {{ GRAPH <{stale}> {{ ?s ?p ?o }} }}")
    assert count(remote(server, meta_graph)) == 1


def test_updates_reach_the_updates_graph_and_survive_a_push(tmp_path, server):
    meta_graph = f"{BASE}graph/push-{server.name}-updates"
    build(tmp_path, {"a": ["ann"]})
    do_push(tmp_path, server, meta_graph)
    store = remote(server, meta_graph)
    before = store.version()
    store.update(f'INSERT DATA {{ <{BASE}id/person/eve> <https://schema.org/name> "Eve" }}')
    assert store.version() != before
    assert count(store) == 2
    rows = store.query('SELECT ?g WHERE { GRAPH ?g { ?s <https://schema.org/name> "Eve" } }')
    assert [r["g"].value for r in rows] == [BASE + "graph/updates"]
    build(tmp_path, {"a": ["ann", "bob"]})
    do_push(tmp_path, server, meta_graph)
    store.refresh()
    assert count(store) == 3  # ann, bob and the update
    store.update(f'DELETE DATA {{ <{BASE}id/person/eve> <https://schema.org/name> "Eve" }}')
    assert count(store) == 2


def test_the_cli_pushes_and_reports(tmp_path, server):
    build(tmp_path, {"a": ["ann"]})
    args = ["push", "--endpoint", server.endpoint, "--store", str(tmp_path),
            "--graph", f"{BASE}graph/push-{server.name}-cli"]
    if server.user:
        args += ["--user", server.user, "--password", server.password]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "pushed 1 quads in 1 graphs" in result.output


def test_push_without_a_build_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        push(tmp_path, "http://127.0.0.1:9/query")
    result = CliRunner().invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/query", "--store", str(tmp_path)])
    assert result.exit_code == 1 and "kg build" in result.output


def test_remote_store_without_a_push_says_so(server):
    with pytest.raises(StoreError, match="kg push"):
        RemoteStore(load_settings({**server.settings_flags(), "base_iri": "http://nothing.example/"}, environ={}))


def test_endpoints_are_guessed_for_known_servers():
    assert guess_store_endpoint("http://h:7878/query") == "http://h:7878/store"
    assert guess_update_endpoint("http://h:7878/query") == "http://h:7878/update"
    assert guess_store_endpoint("http://h:8890/sparql") == "http://h:8890/sparql-graph-crud-auth"
    assert guess_update_endpoint("http://h:8890/sparql") == "http://h:8890/sparql-auth"
    assert guess_store_endpoint("http://h:3030/ds/sparql") == "http://h:3030/ds/data"
    assert guess_store_endpoint("http://h/other") is None
