"""The build's output does not depend on the path kg.build.pipeline takes: a folder of foreign RDF and importer
files builds to the same dataset wholly in memory, in memory with an on-disk store for the server, and wholly on
disk; that dataset is the one checked in (tests/data/build-paths/expected.nq, written by the build before it was
made faster, and again when the rules stopped copying into the inferred graph what a source states itself), and
the server's default graph is the merge of its named graphs."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from kg.build import pipeline
from kg.build.pipeline import build
from kg.errors import SourceError
from kg.settings import load_settings
from kg.store.embedded import DISK_STORE, EmbeddedStore
from kg.store.textindex import INDEX

DATA = Path(__file__).parents[1] / "data" / "build-paths"
FOAF = Path(__file__).parents[1] / "data" / "rdf" / "yolanda-gil-foaf" / "foaf.rdf"  # a real file (its SOURCE.md)
PROV = "http://www.w3.org/ns/prov#"
BUILD_TIMES = {URIRef(PROV + name) for name in ("startedAtTime", "endedAtTime", "generatedAtTime")}
WHEN = Literal("the time of the build")
NEVER, ALWAYS = 1 << 60, 0
# path -> (DISK_BUILD_MIN_BYTES, DISK_STORE_MIN_QUADS): where the work store is, whether the server gets a disk store
PATHS = {"memory": (NEVER, NEVER), "memory-then-disk": (NEVER, ALWAYS), "disk": (ALWAYS, ALWAYS)}


def content(folder: Path) -> Path:
    """The test folder: Turtle and N-Triples in every author shape, a JSON Resume, and a real FOAF profile."""
    shutil.copytree(DATA / "content", folder)
    shutil.copy(FOAF, folder / FOAF.name)
    return folder


def named_graphs(nquads: Path) -> dict[str, Graph]:
    """Each named graph of an N-Quads dump as its own graph, the build's own timestamps made one constant."""
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graphs.setdefault(str(g), Graph()).add((s, p, WHEN if p in BUILD_TIMES else o))
    return graphs


def assert_isomorphic(got: Graph, expected: Graph, what: str) -> None:
    """Graphs equal up to blank node names; else the triples only one side has."""
    if to_isomorphic(got) != to_isomorphic(expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(f"{what} differs:\nonly built:\n{only_got.serialize(format='nt')}\n"
                    f"only expected:\n{only_expected.serialize(format='nt')}")


@contextmanager
def on_path(name: str) -> Iterator[None]:
    """Builds inside take the pipeline path `name` of PATHS."""
    min_bytes, min_quads = PATHS[name]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "DISK_BUILD_MIN_BYTES", min_bytes)
        patch.setattr(pipeline, "DISK_STORE_MIN_QUADS", min_quads)
        yield


@pytest.fixture(scope="module", params=list(PATHS))
def built(request, tmp_path_factory) -> Path:
    """The store folder of the test folder built along one path."""
    root = tmp_path_factory.mktemp(request.param)
    with on_path(request.param):
        build(load_settings({"content": content(root / "content"), "store": root / "store"}, environ={}))
    assert (root / "store" / "current" / DISK_STORE).is_dir() == (PATHS[request.param][1] == ALWAYS)
    return root / "store"


def test_build_dumps_the_expected_dataset(built) -> None:
    got, expected = named_graphs(built / "current" / "graph.nq"), named_graphs(DATA / "expected.nq")
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert_isomorphic(got[name], expected[name], f"graph <{name}>")


def test_served_default_graph_is_the_merge_of_the_named_graphs(built) -> None:
    merge = Graph()
    for graph in named_graphs(built / "current" / "graph.nq").values():
        merge += graph
    store = EmbeddedStore(built)
    default = store.query("CONSTRUCT WHERE { ?s ?p ?o }").serialize(format=ox.RdfFormat.N_TRIPLES)
    served = Graph()
    for s, p, o in Graph().parse(data=default.decode(), format="nt"):
        served.add((s, p, WHEN if p in BUILD_TIMES else o))
    assert_isomorphic(served, merge, "the default graph")
    assert store.meta.triples == len(merge)


def test_a_blank_node_the_rules_name_is_the_one_its_file_names(built) -> None:
    """graph.nq is one document, so a blank node label is one node across its graphs: what the rules say of a
    file's blank node (the list's unnamed author, the sequence's person) must name that file's node."""
    from kg.build.foreign import RDF_INFERRED_GRAPH

    dataset = Dataset()
    dataset.parse(built / "current" / "graph.nq", format="nquads")
    blanks: dict[str, set] = {}
    for s, _, o, g in dataset.quads((None, None, None, None)):
        blanks.setdefault(str(g), set()).update(t for t in (s, o) if isinstance(t, BNode))
    inferred = blanks.pop(next(g for g in blanks if g.endswith(RDF_INFERRED_GRAPH)))
    assert inferred, "the rules say something of a blank node of this folder"
    assert inferred <= set().union(*blanks.values())


def test_the_served_default_graph_holds_the_named_graphs_blank_nodes(built) -> None:
    """The merged default graph's blank nodes are the named graphs' own nodes, on every path: a query may join a
    default-graph pattern with a GRAPH pattern on one."""
    store = EmbeddedStore(built)
    count = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b ?p ?o FILTER isBlank(?b) %s }"
    blank = int(next(iter(store.query(count % "")))["n"].value)
    assert blank, "the folder has blank nodes"
    assert int(next(iter(store.query(count % "GRAPH ?g { ?b ?p ?o }")))["n"].value) == blank


def test_text_index_holds_every_titled_paper(built) -> None:
    with sqlite3.connect(built / "current" / INDEX) as db:
        rows = sorted(db.execute("SELECT paper, title, date_term, abstract FROM docs"))
    assert [(paper, title) for paper, title, _, _ in rows] == [
        ("<https://data.example/bad-date>", "Badly dated"), ("<https://data.example/by-list>", "Ordered by a list"),
        ("<https://data.example/by-role>", "Ordered by roles"), ("<https://data.example/no-order>", "In no order"),
        ("<https://data.example/seq-paper>", "Ordered by a sequence, in the old namespace")]
    assert ('"2021-05-01"^^<http://www.w3.org/2001/XMLSchema#date>', "Roles carry the order of the authors.") in {
        (date, abstract) for _, _, date, abstract in rows}


@pytest.mark.parametrize("path", ["memory", "disk"])
def test_a_bad_file_fails_the_build_naming_the_first_in_order_and_keeps_the_old_one(path, tmp_path) -> None:
    folder = content(tmp_path / "content")
    settings = load_settings({"content": folder, "store": tmp_path / "store"}, environ={})
    with on_path(path):
        first = build(settings).build_dir
        good = "<https://data.example/a> <https://schema.org/name> \"A\" .\n"
        (folder / "more-1.nt").write_text(good * 3 + "<https://data.example/b> <https://schema.org/name> .\n")
        (folder / "more-2.nt").write_text("<not closed\n")
        with pytest.raises(SourceError) as failed:
            build(settings)
    assert (failed.value.path, failed.value.line) == ("more-1.nt", 4)
    assert (tmp_path / "store" / "current").resolve() == first.resolve()
