"""The whole build: content folder -> records -> graph -> validation -> a new store, swapped in whole.

The one place that composes the stages; the CLI and `kg serve` call it. The importers' records become a small
rdflib graph (kg.build.graph), checked with the SHACL shapes; RDF files are streamed by pyoxigraph into the build's
store beside it (on disk for a large folder), never through rdflib or a Python list of quads; then the owner is
settled, imported RDF is normalised (kg.build.foreign) and checked (queries/checks), and counts, the private split and
the text index are computed by streaming or by queries on that store.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg import iris
from kg.build import foreign
from kg.build.graph import build_graph
from kg.errors import BuildError, SourceError
from kg.records import Owner, RdfData, Record
from kg.settings import Settings
from kg.sources import read_content
from kg.sources import rdf as rdf_source
from kg.iris import is_private_graph
from kg.store.embedded import (DISK_STORE, DISK_STORE_MIN_QUADS, GRAPH, LEDGER, META, PRIVATE, PRIVATE_LEDGER, REPORT,
                      BuildMeta, add_merged_default_graph,
                      begin_build, build_lock, commit_build, current_build, new_build_id,
                      release_freed_memory, write_disk_store)
from kg.store.textindex import INDEX as TEXT_INDEX, text_index_from_store

# From this many bytes of RDF files the build's work store is on disk (bulk loader) instead of in memory: about
# 1.1 million N-Triples. Below it rules, checks and the dump run in memory (bench/generate.py's 1M: peak 1.4 GiB,
# the bulk loader writing the server's on-disk store); above it memory stays bounded at any size.
DISK_BUILD_MIN_BYTES = 200 * 1024 * 1024
BULK_LOAD_THREADS = 2  # files bulk-loaded at once into an on-disk work store
WORK = "work"  # the build's store while it is being made, in the temporary build folder


@dataclass
class BuildReport:
    """What a build did: where it went, its size, and what the owner should look at."""

    build_dir: Path
    meta: BuildMeta
    warnings: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # validation warnings (violations fail the build)


def content_hash(content_dir: Path) -> str:
    """A digest of every file under the content folder, to tell whether a build is stale (read in chunks)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(content_dir).rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def previous_ledger(store_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The IRI ledger and redirects of the current build, if any, so IRIs survive rebuilds."""
    data = _previous_ledger_data(store_dir)
    return data.get("ledger", {}), data.get("redirects", {})


def _previous_ledger_data(store_dir: Path) -> dict:
    """The owner's full ledger of the current build (or, from builds before it existed, the single ledger)."""
    build = current_build(store_dir)
    for name in (PRIVATE_LEDGER, LEDGER):
        if build is not None and (build / name).exists():
            return json.loads((build / name).read_text())
    return {}


def split_ledger(ledger: dict[str, str], redirects: dict[str, str], public: ox.Store, private: ox.Store,
                 private_graphs: list, unpublished: set[str]) -> tuple[dict, dict]:
    """(public ledger, owner's ledger): the public one holds only redirects from and to IRIs that were never
    private-only, and no identity key (keys are names and URLs, some read from private sources). Each IRI of the
    ledger is looked up in the stores, never by collecting every term of the graph."""
    candidates = set(ledger.values()) | set(redirects) | set(redirects.values()) | unpublished
    published = {iri for iri in candidates if _mentions(public, ox.NamedNode(iri))}
    private_only = {iri for iri in candidates if _mentions(private, ox.NamedNode(iri), private_graphs)} - published
    hidden = (unpublished | private_only) - published
    shown = {old: new for old, new in redirects.items() if new in published and old not in hidden}
    return ({"redirects": shown},
            {"ledger": ledger, "redirects": redirects, "unpublished": sorted(hidden)})


def _mentions(store: ox.Store, term, graphs: list = (None,)) -> bool:
    """Whether a term is a subject (an IRI) or an object in these graphs of the store (None: any graph); looked up,
    never found by collecting every term of the graph."""
    as_subject = isinstance(term, (ox.NamedNode, ox.BlankNode))
    return any((as_subject and any(True for _ in store.quads_for_pattern(term, None, None, g))) or
               any(True for _ in store.quads_for_pattern(None, None, term, g)) for g in graphs)


def is_stale(settings: Settings) -> bool:
    """True when there is no build, or it was made from other content, base IRI or owner setting."""
    build = current_build(settings.store)
    if build is None:
        return True
    meta = BuildMeta.read(build / META)
    return (meta.base != settings.base or meta.stats.get("content_hash") != content_hash(settings.content_dir)
            or meta.stats.get("owner_setting") != settings.owner)


def build(settings: Settings) -> BuildReport:
    """Read, build, validate and store the profile; raises SourceError/BuildError leaving the old store as it was."""
    content_dir = settings.content_dir
    records = read_content(content_dir)
    imported = [r for r in records if isinstance(r, RdfData)]
    records = [r for r in records if not isinstance(r, RdfData)]
    build_id = new_build_id()
    with build_lock(settings.store):
        tmp = begin_build(settings.store, build_id)
        try:
            return _build(settings, records, imported, build_id, tmp)
        except BaseException:
            gc.collect()  # drop the work store's handles before its folder goes
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _build(settings: Settings, records: list[Record], imported: list[RdfData], build_id: str,
           tmp: Path) -> BuildReport:
    from kg.build.validate import check_problems, shacl_problems, union_graph

    base, content_dir = settings.base, settings.content_dir
    large = sum(Path(r.file).stat().st_size for r in imported if r.file) >= DISK_BUILD_MIN_BYTES
    work = ox.Store(str(tmp / WORK)) if large else ox.Store()
    files = load_imported(work, imported, base, bulk=large)
    owner, warnings = choose_owner(settings.owner, records, foreign.declared_owners(work, map(ox.NamedNode, files)),
                                   content_dir)
    old_ledger, old_redirects = previous_ledger(settings.store)
    unpublished = set(_previous_ledger_data(settings.store).get("unpublished", []))
    try:
        built = build_graph(records, base, old_ledger, owner=owner)
    except (KeyError, ValueError) as exc:
        raise BuildError([f"{content_dir}: {exc}"]) from None
    problems = shacl_problems(union_graph(built.dataset))  # the shapes judge what the importers made, only that
    inner: ox.Store = built.dataset.store._inner
    private_graphs = [g for g in inner.named_graphs() if is_private_graph(base, g.value)]
    # private facts never enter the work store, so no rule or check can carry them into a public graph
    (work.bulk_extend if large else work.extend)(
        q for q in inner.quads_for_pattern(None, None, None, None) if q.graph_name not in private_graphs)
    if owner is not None and str(built.owner) == owner:
        foreign.mark_owner(work, owner, base)
    warnings += [f"{path}: declares the owner <{d.iri}> ({d.how}); the owner is <{built.owner}>"
                 for d, path in _declared_elsewhere(work, files, str(built.owner))]
    if large:  # compacts what the loads wrote in pieces: the rules' reads then cost less (4.1M: 157 -> 122 s, for 7 s)
        work.optimize()
    # The dump of an on-disk store decodes every term (10M: 257 s): the imported files' graphs are written from the
    # files instead (6.5 us a quad). That, and the checks of the imported graphs (the rules write only to the
    # inferred graph), run while the rules do: their queries let go of the interpreter.
    by_graph = _records_by_graph(imported, base)
    built_graphs = set(g.value for g in inner.named_graphs())
    from_files = _file_graphs(by_graph, built_graphs) if large else {}
    in_files = {g: files[g][0] for g in files}
    # The text index reads the papers once the rules end, while the dump, the checks and the merged default
    # graph's load go on (its query's snapshot predates that load: no paper is read twice).
    indexer = ThreadPoolExecutor(1)
    try:
        with ThreadPoolExecutor(2) as pool:
            writing = pool.submit(_write_file_graphs, tmp / GRAPH, from_files)
            checking = pool.submit(check_problems, work, in_files, [],
                                   {g: Path(path) for g, (_, path) in files.items() if path}, ("imported",),
                                   _ntriples_files(by_graph, built_graphs))
            foreign.normalise(work, base, bulk=large, http_schema_graphs=_http_schema_graphs(work, by_graph))
            indexing = indexer.submit(text_index_from_store, work, union=True)
            written = writing.result()
            dumped_from = (tmp / GRAPH).stat().st_size if from_files else 0  # graph.nq from here on: dumped
            all_graphs = [g for g in work.named_graphs() if isinstance(g, ox.NamedNode)]
            checking_build = pool.submit(check_problems, work, in_files, all_graphs, None, ("build",))
            _dump_graphs(work, tmp / GRAPH, skip=written)
            problems += checking.result() + checking_build.result()
        violations = [p for p in problems if p.severity == "violation"]
        if violations:
            raise BuildError([_problem_line(p) for p in violations])
        redirects = _chain(old_redirects, built.redirects, set(built.ledger.values()))
        private_nq = ox.serialize((q for g in private_graphs for q in inner.quads_for_pattern(None, None, None, g)),
                                  format=ox.RdfFormat.N_QUADS)
        report = public_report({"warnings": built.warnings + warnings, "problems": [p.__dict__ for p in problems]},
                               work, inner, private_graphs)
        shown, owned = split_ledger({**old_ledger, **built.ledger}, redirects, work, inner, private_graphs, unpublished)
        graphs = sorted(g.value for g in work.named_graphs())
        quads = len(work)  # the store's quads (graph.nq may repeat a line a file repeats)
        served = quads >= DISK_STORE_MIN_QUADS
        if served and large:  # the work store becomes the server's read-only store
            for graph in written:  # parsed by pyoxigraph, where graph.nq's lines would pass through Python
                for data in from_files[graph]:
                    rdf_source.load_into(work, data, ox.DefaultGraph(), base_iri=graph, bulk=True)
            add_merged_default_graph(work, tmp / GRAPH, start=dumped_from)
            index = indexing.result()
            del work
            gc.collect()
            (tmp / WORK).rename(tmp / DISK_STORE)
        elif served:  # indexed in memory; the server's store is written from the dump
            index = indexing.result()
            del work
            release_freed_memory()
            write_disk_store(tmp / GRAPH, tmp / DISK_STORE)
        else:
            triples, index = _count_distinct(work), indexing.result()
            del work
    finally:
        indexer.shutdown(cancel_futures=True)
    if served:  # the merged default graph holds each triple once: the store's quads less the named graphs'
        disk = ox.Store(str(tmp / DISK_STORE))
        triples = len(disk) - quads
        del disk
    gc.collect()
    shutil.rmtree(tmp / WORK, ignore_errors=True)
    meta = BuildMeta(
        build_id=build_id, base=base,
        built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        triples=triples, graphs=graphs,
        stats={"content_hash": content_hash(content_dir), "owner": str(built.owner),
               "owner_setting": settings.owner},
    )
    attachments = {
        LEDGER: json.dumps(shown, indent=1).encode(),
        PRIVATE_LEDGER: json.dumps(owned, indent=1).encode(),
        REPORT: json.dumps(report, indent=1, ensure_ascii=False).encode(),
        PRIVATE: private_nq,
        TEXT_INDEX: index,
    }
    build_dir = commit_build(settings.store, tmp, meta, attachments)
    return BuildReport(build_dir, meta, built.warnings + warnings, report["problems"])


def load_imported(store: ox.Store, imported: list[RdfData], base: str, bulk: bool) -> dict[str, tuple[str, str]]:
    """Stream each imported RDF record into its source document's graph; graph IRI -> (path, file on disk). Into an
    on-disk store two files load at once (six files of the 10M: 46 -> 33 s, the loaders' peak 0.5 -> 1.0 GB); in
    memory loads take turns, so one at a time. The first failing file, in order, is the error reported."""
    files: dict[str, tuple[str, str]] = {}
    graphs = []
    for data in imported:
        graph = ox.NamedNode(str(iris.source_iri(base, data.origin.path)))
        graphs.append(graph)
        if data.file:
            files[graph.value] = (data.origin.path, data.file)
        else:
            files.setdefault(graph.value, (data.origin.path, ""))

    def load(data: RdfData, graph: ox.NamedNode) -> None:
        rdf_source.load_into(store, data, graph, base_iri=graph.value, bulk=bulk)

    with ThreadPoolExecutor(BULK_LOAD_THREADS if bulk else 1) as pool:
        for _ in pool.map(load, imported, graphs):  # raises the first failure in order, cancelling the loads left
            pass
    return files


def _records_by_graph(imported: list[RdfData], base: str) -> dict[str, list[RdfData]]:
    """The imported records of each source document's graph (graph IRI -> its records)."""
    graphs: dict[str, list[RdfData]] = {}
    for data in imported:
        graphs.setdefault(str(iris.source_iri(base, data.origin.path)), []).append(data)
    return graphs


def _http_schema_graphs(store: ox.Store, by_graph: dict[str, list[RdfData]]) -> list[ox.NamedNode]:
    """The store's graphs that may hold http://schema.org/ terms: all but those of imported files whose bytes show
    they hold none (bench/generate.py's 10M: none of 2 GB, read in 2.5 s)."""
    plain = {g for g, records in by_graph.items() if not any(map(foreign.may_name_http_schema, records))}
    return [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in plain]


def _ntriples_files(by_graph: dict[str, list[RdfData]], built: set[str]) -> dict[str, Path]:
    """The graphs made of one N-Triples file alone, with the file (the checks can read such a file's lines)."""
    return {g: Path(records[0].file) for g, records in _file_graphs(by_graph, built).items()
            if len(records) == 1 and records[0].format == "N_TRIPLES"}


def _file_graphs(by_graph: dict[str, list[RdfData]], built: set[str]) -> dict[str, list[RdfData]]:
    """Graphs made of streamed files alone, which graph.nq can take from the files: not a graph any record was
    parsed into, nor one the importers' records also write to."""
    return {g: records for g, records in by_graph.items() if g not in built and all(r.file for r in records)}


def _write_file_graphs(path: Path, graphs: dict[str, list[RdfData]]) -> set[str]:
    """Write the imported files' graphs as N-Quads, each file read again (graph.nq's first part); the graphs
    written. A graph with a blank node is left to the dump of the store: read again, its blank nodes would not be
    the ones the rules' triples in another graph name."""
    written = set()
    with open(path, "wb") as out:
        for graph, records in graphs.items():
            start = out.tell()
            try:
                for data in records:
                    ox.serialize(_no_blank_node(rdf_source.quads_of(data, ox.NamedNode(graph))), out,
                                 format=ox.RdfFormat.N_QUADS)
            except _BlankNodeFound:
                out.seek(start)
                out.truncate()
                continue
            written.add(graph)
    return written


class _BlankNodeFound(Exception):
    """A file read again holds a blank node."""


def _no_blank_node(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads, stopping with _BlankNodeFound at the first that names a blank node."""
    for quad in quads:
        if type(quad.subject) is ox.BlankNode or type(quad.object) is ox.BlankNode:
            raise _BlankNodeFound
        yield quad


def _dump_graphs(store: ox.Store, path: Path, skip: set[str]) -> None:
    """Add to graph.nq every quad of the store outside the graphs in `skip` (written from their files)."""
    if not skip:
        store.dump(str(path), format=ox.RdfFormat.N_QUADS)
        return
    with open(path, "ab") as out:  # (a dump of one graph would leave out its name)
        for graph in [ox.DefaultGraph(), *store.named_graphs()]:
            if getattr(graph, "value", None) not in skip:
                ox.serialize(store.quads_for_pattern(None, None, None, graph), out, format=ox.RdfFormat.N_QUADS)


def choose_owner(setting: str | None, records: list[Record], declared: list[foreign.DeclaredOwner],
                 content_dir: Path) -> tuple[str | None, list[str]]:
    """The owner to give the builder when no importer names one: the `owner` setting, else the one owner the
    imported RDF declares; None when an importer names the owner. BuildError when nothing or too much does."""
    named = next((r for r in records if isinstance(r, Owner) and r.name), None)
    if named is not None:
        unused = [f"{named.origin.path}: names the owner; the owner setting <{setting}> is not used"] if setting else []
        return None, unused
    if setting:
        return setting, []
    owners = sorted({d.iri for d in declared})
    if len(owners) == 1:
        return owners[0], []
    if not owners:
        raise BuildError([f"{content_dir}: no owner: no source names the profile's owner. Give resume.json a "
                          "basics.name, declare one in RDF (a foaf:PersonalProfileDocument's foaf:primaryTopic or "
                          "a schema:ProfilePage's schema:mainEntity), or set it: kg build --owner IRI (KG_OWNER)"])
    raise BuildError([f"{content_dir}: the RDF declares {len(owners)} owners ({', '.join(f'<{o}>' for o in owners)}); "
                      "say which with kg build --owner IRI (KG_OWNER)"])


def _declared_elsewhere(store: ox.Store, files: dict[str, tuple[str, str]], owner: str):
    """Owners the RDF declares that are not the build's owner, with the file declaring each."""
    for d in foreign.declared_owners(store, map(ox.NamedNode, files)):
        if d.iri != owner:
            yield d, files[d.graph][0]


def _count_distinct(store: ox.Store) -> int:
    """Distinct triples over all named graphs (a small build's store)."""
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    return int(next(iter(rows))["n"].value)


def public_report(report: dict, public: ox.Store, private: ox.Store, private_graphs: list) -> dict:
    """The build report without any warning or problem that names a private fact (the report is served on
    /quality): one holding an IRI or a text (4 characters or more) found only in private graphs is left out.
    Each private term is looked up in the public store, never by collecting every public term."""
    candidates = {t for g in private_graphs for q in private.quads_for_pattern(None, None, None, g)
                  for t in (q.subject, q.object) if not isinstance(t, ox.BlankNode) and len(t.value) >= 4}

    secrets = {t.value for t in candidates if not _mentions(public, t)}
    if not secrets:
        return report

    def clean(item: object) -> bool:
        text = json.dumps(item, ensure_ascii=False)
        return not any(secret in text or json.dumps(secret)[1:-1] in text for secret in secrets)

    return {**report, "warnings": [w for w in report["warnings"] if clean(w)],
            "problems": [p for p in report["problems"] if clean(p)]}


def _chain(old: dict[str, str], new: dict[str, str], live: set[str]) -> dict[str, str]:
    """Merge redirects so every old IRI points straight at a live one; a live IRI never redirects."""
    merged = {**old, **new}
    for src in list(merged):
        seen = {src}
        while merged[src] in merged and merged[src] not in seen:
            seen.add(merged[src])
            merged[src] = merged[merged[src]]
    return {k: v for k, v in merged.items() if k not in live}


def _problem_line(p) -> str:
    where = p.source or p.focus
    return f"{where}: {p.message}"


__all__ = ["build", "BuildReport", "is_stale", "content_hash", "SourceError", "BuildError"]
