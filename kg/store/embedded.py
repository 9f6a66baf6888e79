"""The embedded store: Oxigraph on disk, a new build swapped in whole.

Layout of a store folder:
    builds/{build_id}/graph.nq      every quad of the build (the dump, the source of truth)
    builds/{build_id}/meta.json     BuildMeta
    builds/{build_id}/oxigraph/     large builds: an on-disk store with the merged default graph, opened read-only
    builds/{build_id}/...           files other stages attach (IRI ledgers, report, text index)
    current -> builds/{build_id}    symlink, replaced atomically by os.replace
    updates.nq                      the SPARQL Update graph, kept across rebuilds

A build is written beside the current one and only then made current, so a failed or killed build leaves the
previous store untouched. Readers notice a new `current` on their next query and reload.
"""

from __future__ import annotations

import ctypes
import fcntl
import gc
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.files import file_holds
from kg.settings import PROJECT_ROOT
from kg.store.base import BuildMeta, GraphStore

UPDATES_GRAPH = "graph/updates"  # appended to the base IRI
# The files of a store folder and of a build in it (the one place their names are spelled).
GRAPH = "graph.nq"  # every quad of a build
META = "meta.json"  # its BuildMeta
UPDATES = "updates.nq"  # the store's SPARQL Update graph, beside the builds
LEDGER = "ledger.json"  # public: the redirects between public IRIs (served, pushed)
REPORT = "report.json"  # what the importers and shapes found (the quality page; pushed)
PRIVATE = "private.nq"  # a build's private graphs: never loaded by the server
PRIVATE_LEDGER = "private-ledger.json"  # the owner's IRI ledger (identity keys, every IRI): never served
OWNER_ONLY = frozenset({PRIVATE, PRIVATE_LEDGER})  # attachments only the owner's own commands read
KEEP_BUILDS = 3
DISK_STORE = "oxigraph"  # a build's on-disk Oxigraph store, written for large builds, opened read-only
# From this many quads a build also gets an on-disk store that every worker opens read-only (shared page cache)
# instead of loading its own in-memory copy: at 1M triples 0.0 s and ~90 MiB per worker instead of ~25 s and
# ~930 MiB, for queries 1.5-3x slower (docs/performance.md).
DISK_STORE_MIN_QUADS = 250_000
# The default graph of a store loaded in memory: the RDF merge of its named graphs, each triple once (Oxigraph's
# union-default-graph option repeats a triple once per graph holding it, which inflates counts), copied inside the
# store so that its blank nodes stay the named graphs' nodes (240k quads: 2.7 s, where parsing the files again
# took 4.2 s and named their blank nodes afresh).
MERGE_DEFAULT_GRAPH = (PROJECT_ROOT / "queries" / "store" / "merged-default-graph.ru").read_text()
BULK_LINES = 300_000  # lines per bulk load of a merged default graph (kg.store.embedded._bulk_load_lines)

_INHERITED: list = []  # on-disk store handles a forked child inherited (see EmbeddedStore._own_handle)


class EmbeddedStore(GraphStore):
    """The embedded default: the current build loaded into an in-memory Oxigraph store, reloaded on swap.

    A large build (DISK_STORE_MIN_QUADS) comes with an on-disk store that is opened read-only instead, shared by
    every worker through the page cache; with SPARQL updates or private graphs the in-memory copy is used.
    """

    def __init__(self, store_dir: Path, private: bool = False):
        self.store_dir = Path(store_dir)
        self.private = private
        self._lock = threading.Lock()
        self._loaded_target: str | None = None
        self._updates_mtime: float | None = None
        self._store = ox.Store()
        self._disk: Path | None = None  # the on-disk store in use, if any, and the process that opened it
        self._pid = os.getpid()
        self.meta = BuildMeta("", "", "")
        if not self.refresh() and not self._loaded_target:
            raise StoreError(f"no build in {self.store_dir}: run `kg build` first")

    @property
    def path(self) -> Path:
        return self.store_dir / "current"

    def refresh(self) -> bool:
        """Reload when `current` points at another build or the updates graph changed (two cheap stats)."""
        store_dir = str(self.store_dir)  # strings, not Paths: this runs on every request, even a cached one
        try:
            target = os.readlink(store_dir + "/current")
        except OSError:
            return False
        try:
            mtime: float | None = os.stat(f"{store_dir}/{UPDATES}").st_mtime
        except (FileNotFoundError, NotADirectoryError):
            mtime = None
        if target == self._loaded_target and mtime == self._updates_mtime:
            return False
        updates = self.store_dir / UPDATES
        with self._lock:
            if target == self._loaded_target and mtime == self._updates_mtime:
                return False
            build = self.store_dir / target
            disk = build / DISK_STORE
            if disk.is_dir() and mtime is None and not self.private:
                store = ox.Store.read_only(str(disk))  # built with the merged default graph already
                self._disk, self._pid = disk, os.getpid()
            else:
                self._disk = None
                store = ox.Store()
                files = [build / GRAPH]
                if mtime is not None:
                    files.append(updates)
                if self.private and (build / PRIVATE).exists():
                    files.append(build / PRIVATE)
                for path in files:  # in memory, load beats bulk_load on peak memory (439 vs 657 MiB at 1M)
                    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
                store.update(MERGE_DEFAULT_GRAPH)
            self.meta = BuildMeta.read(build / META)
            self._store, self._loaded_target, self._updates_mtime = store, target, mtime
            self.build_dir = build
        return True

    def _own_handle(self) -> None:
        """In a forked child (kg.store.limits runs queries in them, closing inherited descriptors) an on-disk store's
        file handles are not its own: reopen it (read-only opening is instant)."""
        if self._disk is not None and self._pid != os.getpid():
            # never drop the inherited handle: its destructor would close descriptor numbers the new one reuses
            _INHERITED.append(self._store)
            self._store, self._pid = ox.Store.read_only(str(self._disk)), os.getpid()

    def query(self, sparql, bindings=None, *, default_graphs=None, named_graphs=None):
        self.refresh()
        self._own_handle()
        kwargs: dict = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in bindings.items()}
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None

    def update(self, sparql: str) -> None:
        """Apply an update to a scratch copy of the updates graph, then persist that graph alone."""
        graph = ox.NamedNode(self.meta.base + UPDATES_GRAPH)
        updates = self.store_dir / UPDATES
        with _file_lock(self.store_dir / "updates.lock"):
            old = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(path=str(updates), format=ox.RdfFormat.N_QUADS)] if updates.exists() else []
            quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in updated_triples(old, sparql)]
            tmp = updates.with_suffix(".tmp")
            ox.serialize(quads, str(tmp), format=ox.RdfFormat.N_QUADS)
            os.replace(tmp, updates)
        self.refresh()

    def version(self) -> str:
        self.refresh()
        mtime = self._updates_mtime
        return self.meta.build_id if mtime is None else f"{self.meta.build_id}.u{mtime:.6f}"

    def attachment(self, name: str) -> bytes | None:
        self.refresh()
        path = self.build_dir / name
        if name in OWNER_ONLY and not self.private:
            return None
        return path.read_bytes() if "/" not in name and path.is_file() else None

    def quads(self):
        self.refresh()
        self._own_handle()
        return (q for q in self._store.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))


def updated_triples(triples: Iterable[ox.Triple], sparql: str) -> set[ox.Triple]:
    """The updates graph after a SPARQL Update, run on a scratch store whose default graph is that graph alone,
    so an update sees and changes nothing else; one that names another graph is refused (403)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    try:
        scratch.update(sparql)
    except SyntaxError as exc:
        raise QueryError(str(exc)) from None
    except OSError as exc:
        raise QueryError(f"update failed: {exc}", status=400) from None
    if any(True for _ in scratch.named_graphs()):
        raise QueryError("an update may write only to the default graph (kept as the updates graph)", 403)
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())}


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_build_id() -> str:
    """A sortable, unique build id: UTC time to the microsecond."""
    ns = time.time_ns()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(ns // 10**9)) + f"-{ns % 10**9 // 1000:06d}"


PAUSE_ENV = "KG_TEST_PAUSE_BUILD"  # tests only: "tmp" or "written" stops the build there (SIGSTOP) to be killed


def _pause_for_tests(point: str) -> None:
    """Stop this process at a named point of write_build when a test asks (the killed-build tests)."""
    if os.environ.get(PAUSE_ENV) == point:
        os.kill(os.getpid(), signal.SIGSTOP)


def _remove_dead_builds(builds: Path, store_dir: Path) -> None:
    """What builds killed before their swap left (their temp folders, temp links, folders never made current);
    called under the build lock, so no other build is writing any of them."""
    current = os.readlink(Path(store_dir) / "current") if (Path(store_dir) / "current").is_symlink() else ""
    live = current.rsplit("/", 1)[-1]
    for path in builds.iterdir():
        if path.name.startswith(".tmp-") or (not path.name.startswith(".") and path.name > live):
            shutil.rmtree(path, ignore_errors=True)
    for link in Path(store_dir).glob(".current-*"):
        link.unlink(missing_ok=True)


def write_build(store_dir: Path, quads: Iterable[ox.Quad], meta: BuildMeta,
                attachments: Mapping[str, bytes] | None = None) -> Path:
    """Write a build beside the current one, then swap `current` to it atomically; returns the build folder."""
    with build_lock(store_dir):
        tmp = begin_build(store_dir, meta.build_id)
        try:
            ox.serialize(quads, str(tmp / GRAPH), format=ox.RdfFormat.N_QUADS)
            if count_lines(tmp / GRAPH) >= DISK_STORE_MIN_QUADS:
                write_disk_store(tmp / GRAPH, tmp / DISK_STORE)
            return commit_build(store_dir, tmp, meta, attachments)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


@contextmanager
def build_lock(store_dir: Path) -> Iterator[None]:
    """One build writes at a time (a lock file); held from begin_build to commit_build."""
    with _file_lock(Path(store_dir) / "build.lock"):
        yield


def begin_build(store_dir: Path, build_id: str) -> Path:
    """A fresh temporary folder for a build, beside the finished ones, once what a killed build left behind is
    removed (call under build_lock); nothing reads it until commit_build."""
    builds = Path(store_dir) / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    _remove_dead_builds(builds, store_dir)
    tmp = builds / f".tmp-{build_id}"
    tmp.mkdir()
    _pause_for_tests("tmp")
    return tmp


def commit_build(store_dir: Path, tmp: Path, meta: BuildMeta, attachments: Mapping[str, bytes] | None = None) -> Path:
    """Finish a build folder that holds its graph.nq (and on-disk store, if large), then swap `current` to it."""
    (tmp / META).write_text(json.dumps(asdict(meta), indent=1))
    for name, data in (attachments or {}).items():
        (tmp / name).write_bytes(data)
    builds = Path(store_dir) / "builds"
    final = builds / meta.build_id
    os.rename(tmp, final)
    _pause_for_tests("written")
    link = Path(store_dir) / "current"
    tmp_link = Path(store_dir) / f".current-{meta.build_id}"
    os.symlink(f"builds/{meta.build_id}", tmp_link)
    os.replace(tmp_link, link)
    _prune(builds, keep=meta.build_id)
    return final


def write_disk_store(nquads: Path, folder: Path) -> None:
    """An on-disk Oxigraph store of these quads plus their merged default graph, for read-only use. The two bulk
    loads run at once, as each keeps little more than one core busy (1M triples: 23 s instead of 32-36 s;
    docs/performance.md)."""
    store = ox.Store(str(folder))
    with ThreadPoolExecutor(1) as pool:
        merged = pool.submit(add_merged_default_graph, store, nquads)
        if file_holds(nquads, b"_:"):  # line by line, so that a blank node is the one its label names
            with open(nquads, "rb") as quads:
                _bulk_load_lines(store, quads, ox.RdfFormat.N_QUADS, None, Path(nquads).parent)
        else:  # a dump Oxigraph wrote: valid
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS, lenient=True)
        merged.result()
    del store


def add_merged_default_graph(store: ox.Store, nquads: Path, start: int = 0) -> None:
    """Give an on-disk store the RDF merge of its named graphs as its default graph: their dump (`nquads`, every
    quad in a named graph, as a build's graph.nq, from byte `start` on: the caller loads what comes before some
    other way) read again as triples, bulk-loaded; the store keeps each triple once. One pass over the file instead
    of a CONSTRUCT over the store (at 300k quads on disk 15 s). A blank node is the named graphs' own node: the
    dump names each by the store's id for it, and those lines are not bulk-loaded (see _bulk_load_lines)."""
    with open(nquads, "rb") as quads:
        quads.seek(start)
        _bulk_load_lines(store, (_without_graph(line) for line in quads), ox.RdfFormat.N_TRIPLES,
                         ox.DefaultGraph(), Path(nquads).parent)
    store.flush()


def _bulk_load_lines(store: ox.Store, lines: Iterable[bytes], format: ox.RdfFormat, graph, spill: Path) -> None:
    """Bulk-load lines of N-Triples (into `graph`) or N-Quads (graph None: each line's own) in loads of BULK_LINES
    lines, which bounds the loader's memory (1M triples: the two loads of write_disk_store peak at 1.4 instead of
    2.0 GB). A bulk load names blank nodes afresh, so every line that may hold one (it has `_:`) waits in a file
    under `spill` and is then parsed, which keeps its labels, and added: a blank node stays one node, and the node
    its label names (a dump names a store's blank nodes by their ids)."""
    with tempfile.TemporaryFile(dir=spill) as blank:
        chunk: list[bytes] = []
        for line in lines:
            if b"_:" in line:
                blank.write(line)
                continue
            chunk.append(line)
            if len(chunk) == BULK_LINES:
                store.bulk_load(b"".join(chunk), format, to_graph=graph, lenient=True)
                chunk = []
        if chunk:
            store.bulk_load(b"".join(chunk), format, to_graph=graph, lenient=True)
        if blank.tell():
            blank.seek(0)
            parsed = ox.parse(blank, format=format, lenient=True)
            store.bulk_extend(parsed if graph is None else
                              (ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed))


def _without_graph(line: bytes) -> bytes:
    """An N-Quads line as Oxigraph writes it (`S P O <G> .`) as the N-Triples line `S P O .`; a line of the default
    graph (three terms) as it is. Only a literal holds spaces, and no IRI or blank node holds a `"`."""
    quote = line.rfind(b'"')
    if quote >= 0:  # after the literal: its datatype or language (no space), then the graph if any
        has_graph = b" " in line[quote + 1:].rstrip()[:-1].rstrip()
    else:
        has_graph = len(line.split()) == 5
    return line[:line.rindex(b" ", 0, line.rindex(b" "))] + b" .\n" if has_graph else line


def release_freed_memory() -> None:
    """Hand memory freed by a dropped in-memory store back to the system (glibc keeps it otherwise), so the bulk
    load that follows does not add its own peak on top of it; nothing where there is no glibc."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def count_lines(path: Path) -> int:
    """Lines of a file (quads of an N-Quads dump), counted in chunks."""
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _prune(builds: Path, keep: str) -> None:
    """Remove all but the newest few builds (a reader may still hold the previous one) and stale temp folders."""
    done = sorted(p for p in builds.iterdir() if not p.name.startswith("."))
    for old in done[:-KEEP_BUILDS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)


def current_build(store_dir: Path) -> Path | None:
    """The folder of the current build, or None if nothing was built."""
    link = Path(store_dir) / "current"
    return link.resolve() if link.exists() else None
