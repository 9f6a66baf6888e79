"""A rebuild under load: every request during the swap gets the old or the new graph, complete; none fails.
A build killed midway leaves the previous store serving as it was.

A real `kg serve --store S` answers threads hammering it (SPARQL counts, the N-Triples dump, a resource, a list,
the home page) while `kg build` runs twice against S, with content that differs (an extra paper), then back.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.settings import BUNDLED_CONTENT

from .conftest import build, free_port, kg_command, start_server

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EXTRA_PAPER = ("\n@article{swap2026,\n  title = {A Paper That Comes And Goes},\n  author = {Hernandez-Garcia, Alex},\n"
               "  year = {2026},\n  journal = {Journal of Swaps}\n}\n")


def content_with_extra_paper(folder: Path) -> Path:
    import shutil

    shutil.copytree(BUNDLED_CONTENT, folder)
    with open(folder / "papers.bib", "a", encoding="utf-8") as bib:
        bib.write(EXTRA_PAPER)
    return folder


def current_meta(store: Path) -> dict:
    return json.loads((store / "current" / "meta.json").read_text())


@pytest.fixture(scope="module")
def swap(tmp_path_factory):
    """(server, store, content A, content B, base) with A built and served."""
    root = tmp_path_factory.mktemp("swap")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    store = root / "store"
    build(BUNDLED_CONTENT, store, base)
    server = start_server(store, root / "serve.log", port=port)
    yield server, store, BUNDLED_CONTENT, content_with_extra_paper(root / "content-b"), base
    server.stop()


class Hammer:
    """Threads requesting a fixed set of routes until stopped; every answer checked for completeness."""

    def __init__(self, url: str, threads: int = 3, pause: float = 0.05):
        self.pause = pause  # between requests: keep up the load, leave the builds some CPU
        self.url = url
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.counts: list[int] = []
        self.dumps: list[int] = []
        self.done = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> "Hammer":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def run(self) -> None:
        http = requests.Session()
        checks = [self.count, self.dump, self.resource, self.listing, self.home]
        while not self.stop.is_set():
            check = random.choice(checks)
            try:
                check(http)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, whatever it is
                with self.lock:
                    self.failures.append(f"{check.__name__}: {type(exc).__name__}: {exc}"[:300])
            with self.lock:
                self.done += 1
            time.sleep(self.pause)

    def get(self, http: requests.Session, path: str, **kwargs) -> requests.Response:
        response = http.get(self.url + path, timeout=30, **kwargs)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:200]}"
        return response

    def count(self, http) -> None:
        rows = self.get(http, "sparql", params={"query": COUNT}).json()["results"]["bindings"]
        with self.lock:
            self.counts.append(int(rows[0]["n"]["value"]))

    def dump(self, http) -> None:
        body = self.get(http, "export.nt").content
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        with self.lock:
            self.dumps.append(len(triples))

    def resource(self, http) -> None:
        body = self.get(http, "id/person/alex-hernandez-garcia.ttl").content
        assert list(ox.parse(body, format=ox.RdfFormat.TURTLE))

    def listing(self, http) -> None:
        assert self.get(http, "people.jsonld").json()["itemListElement"]

    def home(self, http) -> None:
        assert self.get(http, "").text.rstrip().endswith("</html>")


def test_a_rebuild_under_load_loses_no_request(swap):
    server, store, content_a, content_b, base = swap
    old = current_meta(store)
    with Hammer(server.url) as hammer:
        time.sleep(0.5)
        build(content_b, store, base)
        new = current_meta(store)
        deadline = time.time() + 10
        while time.time() < deadline and new["triples"] not in hammer.counts:
            time.sleep(0.1)
        build(content_a, store, base)
        time.sleep(0.5)
    assert not hammer.failures, hammer.failures[:10]
    assert hammer.done > 50
    assert new["triples"] != old["triples"]
    assert set(hammer.counts) <= {old["triples"], new["triples"]}, set(hammer.counts)
    assert new["triples"] in hammer.counts  # the server did pick up the new build
    final = requests.get(server.url + "sparql", params={"query": COUNT}, timeout=30).json()
    assert int(final["results"]["bindings"][0]["n"]["value"]) == current_meta(store)["triples"] == old["triples"]
    assert len(set(hammer.dumps)) <= 2 and set(hammer.dumps) <= {old["triples"], new["triples"]}, set(hammer.dumps)


def stopped(pid: int) -> bool:
    """Whether the process is stopped (SIGSTOP): state T in /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] in ("T", "t")


def served_count(server) -> int:
    answer = requests.get(server.url + "sparql", params={"query": COUNT}, timeout=30).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("point", ["tmp", "written"])
def test_a_killed_build_leaves_the_previous_store_serving(swap, point):
    """`kg build` killed (SIGKILL) at a known point, found by the build stopping itself there (kg.store.embedded.PAUSE_ENV):
    when its temp folder has appeared ("tmp"), and once the new store is written but not yet swapped in
    ("written"). The previous build stays current, whole, and served; the next build leaves no half build."""
    from kg.store.embedded import PAUSE_ENV

    server, store, _, content_b, base = swap
    before = current_meta(store)
    before_target = os.readlink(store / "current")
    builds_before = {p.name for p in (store / "builds").iterdir()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    proc = subprocess.Popen([*kg_command(), "build", "--content", str(content_b), "--store", str(store),
                             "--base-iri", base], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**env, PAUSE_ENV: point})
    try:
        deadline = time.time() + 120
        while not stopped(proc.pid):
            assert proc.poll() is None, f"the build ended (status {proc.returncode}) without reaching {point!r}"
            assert time.time() < deadline, f"the build did not reach {point!r} within 120 s"
            time.sleep(0.02)
        new = {p.name for p in (store / "builds").iterdir()} - builds_before
        assert len(new) == 1, new  # the killed build's folder: it did get this far
        (folder,) = new
        if point == "tmp":
            assert folder.startswith(".tmp-")
        else:
            assert not folder.startswith(".") and (store / "builds" / folder / "meta.json").exists()
            assert (store / "builds" / folder / "graph.nq").stat().st_size > 0
        assert served_count(server) == before["triples"]  # served while the build is stopped there
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert os.readlink(store / "current") == before_target
    assert current_meta(store) == before
    quads = list(ox.parse(path=str(store / "current" / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == before["triples"]
    assert served_count(server) == before["triples"]
    build(content_b, store, base)  # the store still takes a new build, and no half build is left
    after = current_meta(store)
    assert after["triples"] != before["triples"] and served_count_eventually(server, after["triples"])
    names = {p.name for p in (store / "builds").iterdir()}
    assert folder not in names and not [n for n in names if n.startswith(".")]
    assert not list(store.glob(".current-*"))
    build(BUNDLED_CONTENT, store, base)  # back to A for the next test


def served_count_eventually(server, triples: int, seconds: float = 10) -> bool:
    """Whether the server picks up a build of this size within seconds."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if served_count(server) == triples:
            return True
        time.sleep(0.1)
    return False
