"""The RDF importer: Turtle, N-Triples, N-Quads, TriG and JSON-LD (schema.org context read offline)."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Literal, URIRef

from kg.errors import SourceError
from kg.records import RdfData, SourceDocument
from kg.sources import rdf

DATA = Path(__file__).parent / "data"
SDO = "https://schema.org/"
ADA = URIRef("https://example.org/id/person/ada")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test here may open a network connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _triples(records: list) -> set:
    (data,) = [r for r in records if isinstance(r, RdfData)]
    return set(data.triples)


def test_matches() -> None:
    for name in ("a.ttl", "a.nt", "a.nq", "a.trig", "a.jsonld", "A.TTL"):
        assert rdf.matches(Path(name))
    assert not rdf.matches(Path("a.json")) and not rdf.matches(Path("a.md"))


def _loaded(records: list) -> set[str]:
    """The triples a record puts into a store's graph, as N-Triples lines."""
    (data,) = [r for r in records if isinstance(r, RdfData)]
    store, graph = ox.Store(), ox.NamedNode("https://ex.org/source/doc")
    rdf.load_into(store, data, graph, base_iri=graph.value)
    return {f"{q.subject} {q.predicate} {q.object}" for q in store.quads_for_pattern(None, None, None, graph)}


def test_turtle_is_streamed_not_read() -> None:
    records = rdf.read(DATA / "sample.ttl", "sample.ttl")
    assert records[0] == SourceDocument(path="sample.ttl", importer="rdf", media_type="text/turtle")
    assert records[1].triples == [] and records[1].file == str((DATA / "sample.ttl").resolve())
    ada = f"<{ADA}>"
    assert _loaded(records) == {
        f"{ada} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SDO}Person>",
        f"{ada} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person>",
        f'{ada} <{SDO}name> "Ada Lovelace"',
        f"{ada} <{SDO}url> <https://example.org/ada>",
    }
    assert records[1].origin.path == "sample.ttl"


@pytest.mark.parametrize(
    ("text", "suffix", "line"),
    [
        ('@prefix s: <https://schema.org/> .\n<https://ex.org/a> s:name "x" ;\n  s:url .\n', ".ttl", 3),
        ('<https://ex.org/a> <https://ex.org/p> "x" .\n\n<https://ex.org/a> <https://ex.org/p> x .\n', ".nt", 3),
        ('<https://ex.org/g> {\n <https://ex.org/a> <https://ex.org/p> .\n}\n', ".trig", 2),
        ('<https://ex.org/a> <https://ex.org/p> "x" <https://ex.org/g> .\n<a> <b> .\n', ".nq", 2),
    ],
)
def test_streamed_syntax_errors_have_their_line(tmp_path: Path, text: str, suffix: str, line: int) -> None:
    path = tmp_path / ("bad" + suffix)
    path.write_text(text)
    with pytest.raises(SourceError) as err:
        _loaded(rdf.read(path, path.name))
    assert err.value.path == path.name and err.value.line == line, err.value


def test_relative_iris_resolve_against_the_document(tmp_path: Path) -> None:
    path = tmp_path / "foaf.ttl"
    path.write_text('@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<> foaf:primaryTopic <#me> .\n')
    assert _loaded(rdf.read(path, "foaf.ttl")) == {
        "<https://ex.org/source/doc> <http://xmlns.com/foaf/0.1/primaryTopic> <https://ex.org/source/doc#me>"}


def test_quads_lose_their_graph_when_streamed(tmp_path: Path) -> None:
    path = tmp_path / "a.nq"
    path.write_text('<https://ex.org/a> <https://schema.org/name> "A" <https://ex.org/g> .\n')
    assert _loaded(rdf.read(path, "a.nq")) == {'<https://ex.org/a> <https://schema.org/name> "A"'}


def test_jsonld_with_schema_context_offline() -> None:
    assert rdf.SCHEMA_CONTEXT.exists()
    records = rdf.read(DATA / "sample.jsonld", "sample.jsonld")
    assert records[0].media_type == "application/ld+json"
    engine = URIRef("https://example.org/id/project/engine")
    assert _triples(records) == {
        (engine, RDF.type, URIRef(SDO + "Project")),
        (engine, URIRef(SDO + "name"), Literal("Analytical Engine")),
        (engine, URIRef(SDO + "url"), URIRef("https://example.org/engine")),
        (engine, URIRef(SDO + "member"), ADA),
    }


@pytest.mark.parametrize("context", ['"http://schema.org/"', '["https://schema.org/", {"ex": "https://ex.org/"}]'])
def test_other_schema_context_spellings(context: str) -> None:
    text = '{"@context": %s, "@id": "https://ex.org/a", "@type": "Person", "name": "A"}' % context
    assert (URIRef("https://ex.org/a"), URIRef(SDO + "name"), Literal("A")) in _triples(
        rdf.parse(text, "a.jsonld", ".jsonld"))


def test_remote_context_refused() -> None:
    text = '{\n  "@id": "https://ex.org/a",\n  "@context": "https://example.org/context.jsonld"\n}'
    with pytest.raises(SourceError) as err:
        rdf.parse(text, "a.jsonld", ".jsonld")
    assert err.value.line == 3 and "remote @context" in err.value.problem


def test_nquads_and_trig_lose_their_graphs() -> None:
    nq = '<https://ex.org/a> <https://schema.org/name> "A" <https://ex.org/g> .\n'
    trig = '<https://ex.org/g> { <https://ex.org/a> <https://schema.org/name> "A" . }\n'
    expected = {(URIRef("https://ex.org/a"), URIRef(SDO + "name"), Literal("A"))}
    assert _triples(rdf.parse(nq, "a.nq", ".nq")) == expected
    assert _triples(rdf.parse(trig, "a.trig", ".trig")) == expected
    assert _triples(rdf.parse(nq.replace(" <https://ex.org/g>", ""), "a.nt", ".nt")) == expected


@pytest.mark.parametrize(
    ("text", "suffix", "line"),
    [
        ('@prefix s: <https://schema.org/> .\n<https://ex.org/a> s:name "x" ;\n  s:url .\n', ".ttl", 3),
        ('<https://ex.org/a> <https://ex.org/p> "x" .\n\n<https://ex.org/a> <https://ex.org/p> x .\n', ".nt", 3),
        ('<https://ex.org/g> {\n <https://ex.org/a> <https://ex.org/p> .\n}\n', ".trig", 2),
        ('{"@id": "https://ex.org/a",\n "name": }', ".jsonld", 2),
    ],
)
def test_syntax_errors_have_their_line(text: str, suffix: str, line: int) -> None:
    with pytest.raises(SourceError) as err:
        rdf.parse(text, "bad" + suffix, suffix)
    assert err.value.line == line and err.value.path == "bad" + suffix
