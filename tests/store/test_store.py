"""The embedded store: builds swapped in whole, failed or killed builds leave the previous one serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pyoxigraph as ox
import pytest

from kg.errors import QueryError, StoreError
from kg.store.base import BuildMeta
from kg.store.embedded import EmbeddedStore, current_build, new_build_id, write_build

BASE = "http://example.org/"


def quads(n: int, graph: str = "source/a"):
    g = ox.NamedNode(BASE + graph)
    return [ox.Quad(ox.NamedNode(f"{BASE}id/person/p{i}"), ox.NamedNode("https://schema.org/name"),
                    ox.Literal(f"Person {i}"), g) for i in range(n)]


def write(store_dir, n: int):
    return write_build(store_dir, quads(n), BuildMeta(new_build_id(), BASE, "now", triples=n))


def count(store: EmbeddedStore) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def test_no_build_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        EmbeddedStore(tmp_path)


def test_default_graph_is_the_union_and_graph_reaches_each_source(tmp_path):
    write_build(tmp_path, quads(2) + quads(3, "source/b"), BuildMeta(new_build_id(), BASE, "now"))
    store = EmbeddedStore(tmp_path)
    assert count(store) == 3
    named = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert [(r["g"].value, r["n"].value) for r in named] == [(BASE + "source/a", "2"), (BASE + "source/b", "3")]
    only_b = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[BASE + "source/b"])
    assert next(iter(only_b))["n"].value == "3"


def test_the_default_graph_holds_the_named_graphs_blank_nodes_themselves(tmp_path):
    """A blank node of a named graph is the same node in the merged default graph (a query may join the two on it),
    and a blank node stated in the default graph itself is not repeated."""
    author, role = ox.BlankNode("author"), ox.BlankNode("role")
    name, position = ox.NamedNode("https://schema.org/name"), ox.NamedNode("https://schema.org/roleName")
    write_build(tmp_path, [ox.Quad(author, name, ox.Literal("Ada"), ox.NamedNode(BASE + "source/a")),
                           ox.Quad(author, name, ox.Literal("Ada"), ox.NamedNode(BASE + "source/b")),
                           ox.Quad(role, position, ox.Literal("chair"), ox.DefaultGraph())],
                BuildMeta(new_build_id(), BASE, "now"))
    store = EmbeddedStore(tmp_path)
    joined = store.query('SELECT ?g WHERE { ?who <https://schema.org/name> "Ada" . GRAPH ?g { ?who ?p ?o } } ORDER BY ?g')
    assert [r["g"].value for r in joined] == [BASE + "source/a", BASE + "source/b"]
    assert count(store) == 2


def test_bindings_are_rdf_terms(tmp_path):
    write(tmp_path, 3)
    store = EmbeddedStore(tmp_path)
    rows = store.query("SELECT ?_p ?name WHERE { ?_p <https://schema.org/name> ?name }",
                       {"_p": ox.NamedNode(f"{BASE}id/person/p1")})
    assert [r["name"].value for r in rows] == ["Person 1"]


def test_malformed_query_gives_the_parser_message(tmp_path):
    write(tmp_path, 1)
    with pytest.raises(QueryError, match="1:15"):
        EmbeddedStore(tmp_path).query("SELECT WHERE {")


def test_a_reader_sees_the_new_build_after_the_swap(tmp_path):
    write(tmp_path, 2)
    store = EmbeddedStore(tmp_path)
    first = store.meta.build_id
    write(tmp_path, 5)
    assert count(store) == 5 and store.meta.build_id != first


def test_a_failed_build_leaves_the_previous_one(tmp_path):
    write(tmp_path, 2)
    before = current_build(tmp_path)

    def broken():
        yield from quads(1)
        raise RuntimeError("importer blew up")

    with pytest.raises(RuntimeError):
        write_build(tmp_path, broken(), BuildMeta(new_build_id(), BASE, "now"))
    assert current_build(tmp_path) == before
    assert count(EmbeddedStore(tmp_path)) == 2
    assert not list((tmp_path / "builds").glob(".tmp-*"))


def test_a_killed_build_leaves_the_previous_one(tmp_path):
    write(tmp_path, 2)
    before = current_build(tmp_path)
    script = textwrap.dedent(f"""
        import time, pyoxigraph as ox
        from kg.store.base import BuildMeta
        from kg.store.embedded import new_build_id, write_build
        def slow():
            for i in range(10**6):
                if i == 10:
                    print("writing", flush=True)
                    time.sleep(60)
                yield ox.Quad(ox.NamedNode("{BASE}s"), ox.NamedNode("{BASE}p"), ox.Literal(str(i)),
                              ox.NamedNode("{BASE}g"))
        write_build({str(tmp_path)!r}, slow(), BuildMeta(new_build_id(), "{BASE}", "now"))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_build(tmp_path) == before
    assert count(EmbeddedStore(tmp_path)) == 2


def test_old_builds_are_pruned(tmp_path):
    for n in range(5):
        write(tmp_path, n + 1)
        time.sleep(0.01)
    assert len([p for p in (tmp_path / "builds").iterdir() if not p.name.startswith(".")]) == 3


def test_updates_live_in_their_own_graph_and_survive_a_rebuild(tmp_path):
    write(tmp_path, 2)
    store = EmbeddedStore(tmp_path)
    store.update('INSERT DATA { <http://example.org/x> <https://schema.org/name> "added" }')
    ask = 'ASK { GRAPH <http://example.org/graph/updates> { <http://example.org/x> ?p "added" } }'
    assert bool(store.query(ask))
    write(tmp_path, 3)
    assert bool(EmbeddedStore(tmp_path).query(ask))


def test_an_update_cannot_touch_other_graphs(tmp_path):
    write(tmp_path, 2)
    store = EmbeddedStore(tmp_path)
    with pytest.raises(QueryError):
        store.update('INSERT DATA { GRAPH <http://example.org/source/a> { <http://example.org/x> <http://example.org/p> 1 } }')
    assert count(store) == 2


OBJECTS = [ox.Literal("two words, a \"quote\" and <angles> "), ox.Literal("line\nbreak", language="en-gb"),
           ox.Literal("2020", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
           ox.NamedNode(BASE + "id/organization/o"), ox.BlankNode("b1"), ox.Literal("")]


@pytest.mark.parametrize("graph", [ox.NamedNode(BASE + "source/a"), ox.BlankNode("g"), ox.DefaultGraph()],
                         ids=["named", "blank", "default"])
def test_merged_default_graph_reads_each_dump_line_as_its_triple(graph) -> None:
    from kg.store.embedded import _without_graph

    written = [ox.Quad(ox.BlankNode("s"), ox.NamedNode("https://schema.org/name"), o, graph) for o in OBJECTS]
    lines = ox.serialize(written, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    triples = b"".join(_without_graph(line) for line in lines)
    read = list(ox.parse(triples, format=ox.RdfFormat.N_TRIPLES))
    assert [(t.subject, t.predicate, t.object) for t in read] == [(q.subject, q.predicate, q.object) for q in written]


def test_merged_default_graph_keeps_a_blank_node_whole_across_loads(tmp_path, monkeypatch) -> None:
    """The default graph is loaded a few lines at a time, and each load names blank nodes afresh: a blank node
    whose triples would fall in different loads still comes out as one node, and every triple is there once."""
    from kg.store import embedded

    monkeypatch.setattr(embedded, "BULK_LINES", 2)
    p = {name: ox.NamedNode(f"https://schema.org/{name}") for name in ("name", "author", "position")}
    node, graphs = ox.BlankNode("slot"), [ox.NamedNode(BASE + f"source/{g}") for g in "ab"]
    written = [*quads(5), ox.Quad(ox.NamedNode(BASE + "id/paper/x"), p["author"], node, graphs[0]),
               *quads(3, "source/b"), ox.Quad(node, p["position"], ox.Literal("1"), graphs[1]),
               *quads(2), ox.Quad(node, p["name"], ox.Literal("Person 0"), graphs[0])]
    dump = tmp_path / "graph.nq"
    ox.serialize(written, str(dump), format=ox.RdfFormat.N_QUADS)
    embedded.write_disk_store(dump, tmp_path / "oxigraph")
    store = ox.Store.read_only(str(tmp_path / "oxigraph"))
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == len({(q.subject, q.predicate, q.object) for q in written})
    assert len({t for q in default for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}) == 1
    assert sorted(store.named_graphs(), key=str) == graphs
    assert not list(tmp_path.glob("*.nt")) and sorted(p.name for p in tmp_path.iterdir()) == ["graph.nq", "oxigraph"]
