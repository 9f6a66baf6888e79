"""Limits that hold under load: time, result size, memory, request size, concurrency (kg/store/limits.py, web/guard.py).

In-process tests use the bundled profile's store; the live ones a real `kg serve` (conftest.planted_server, with
query_timeout LIVE_TIMEOUT, and a one-worker server with a single query slot).
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.errors import QueryError
from kg.store import limits as limits_module
from kg.store.limits import ALONE, Busy, Limits, QueryPool, wait_to_start
from kg.settings import load_settings
from kg.store.base import BuildMeta
from kg.store.embedded import EmbeddedStore, new_build_id, write_build

from .conftest import LIVE_TIMEOUT, start_server

CROSS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # billions of rows
CHEAP = "SELECT ?name WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?name } LIMIT 5"
MEMORY_HOG = ("SELECT (GROUP_CONCAT(CONCAT(STR(?c), STR(?f), STR(?c), STR(?f), STR(?c), STR(?f)); separator=' ') "
              "AS ?s) WHERE { ?a ?b ?c . ?d ?e ?f }")


def answer(store, sparql: str) -> bytes:
    """A query's answer as SPARQL JSON (module level: the pool pickles it by reference)."""
    return bytes(store.query(sparql).serialize(format=ox.QueryResultsFormat.JSON))


def open_sockets(store) -> dict[str, object]:
    """Try each address family in this process (module level: the pool runs it in a query child)."""
    import socket

    found: dict[str, object] = {}
    for name in ("AF_INET", "AF_INET6", "AF_UNIX"):
        try:
            socket.socket(getattr(socket, name)).close()
            found[name] = "opened"
        except OSError as exc:
            found[name] = exc.errno
    return found


def count(store, sparql: str) -> int:
    return int(next(iter(store.query(sparql)))[0].value)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture()
def pool():
    pool = QueryPool(Limits(timeout=0.5, slots=2))
    yield pool
    pool.close()


# ---------------------------------------------------------------- the pool itself


def test_a_query_past_the_time_limit_is_stopped_and_its_process_killed(pool, store):
    start = time.monotonic()
    with pytest.raises(QueryError, match="longer than 0.5 s .*query_timeout") as caught:
        pool.run(answer, store, CROSS_COUNT)
    assert caught.value.status == 503
    assert time.monotonic() - start < 1.5
    assert pool.children() == []  # the child that ran it is gone, not idle
    assert pool.run(answer, store, CHEAP) == answer(store, CHEAP)  # and the pool goes on


def test_a_query_child_cannot_open_a_network_socket(pool, store):
    """The seccomp filter holds in the child that runs queries: IPv4 and IPv6 sockets fail (EACCES), while the
    worker itself (this process) still opens them."""
    import errno

    assert pool.run(open_sockets, store) == {"AF_INET": errno.EACCES, "AF_INET6": errno.EACCES, "AF_UNIX": "opened"}
    assert open_sockets(store)["AF_INET"] == "opened"


def test_a_child_that_cannot_install_the_filter_refuses_every_query(store, monkeypatch):
    """No filter, no query: the child answers with SandboxError (a 500 that says why), never runs it unfiltered."""
    import kg.store.limits

    monkeypatch.setattr(kg.store.limits, "no_network", lambda: False)  # as on a kernel or CPU without seccomp
    unfiltered = QueryPool(Limits(timeout=5, slots=1))
    try:
        for _ in range(2):
            with pytest.raises(kg.store.limits.SandboxError, match="seccomp"):
                unfiltered.run(open_sockets, store)
    finally:
        unfiltered.close()


def test_a_cheap_query_answers_the_same_through_the_pool(pool, store):
    assert pool.run(answer, store, CHEAP) == answer(store, CHEAP)
    children = pool.children()
    assert len(children) == 1 and alive(children[0])
    pool.run(answer, store, CHEAP)
    assert pool.children() == children  # reused, not forked again


def test_query_errors_come_back_as_400(pool, store):
    with pytest.raises(QueryError) as caught:
        pool.run(answer, store, "SELECT ?x WHERE {")
    assert caught.value.status == 400


def test_an_answer_past_the_byte_limit_is_refused(store):
    small = QueryPool(Limits(timeout=5, slots=1, max_bytes=10_000))
    try:
        with pytest.raises(QueryError, match="larger than 10000 bytes") as caught:
            small.run(answer, store, "SELECT * WHERE { ?s ?p ?o }")
        assert caught.value.status == 400
    finally:
        small.close()


def test_a_query_past_the_memory_bound_is_stopped(store):
    lean = QueryPool(Limits(timeout=20, slots=1, memory=64 << 20))
    try:
        start = time.monotonic()
        with pytest.raises(QueryError, match="more than 64 MiB of memory") as caught:
            lean.run(answer, store, MEMORY_HOG)
        assert caught.value.status == 503
        assert time.monotonic() - start < 10
        assert lean.run(answer, store, "ASK {}") == b'{"head":{},"boolean":true}'
    finally:
        lean.close()


def test_past_the_slots_a_query_is_refused_at_once(store):
    one = QueryPool(Limits(timeout=0.8, slots=1))
    try:
        slow = threading.Thread(target=lambda: pytest.raises(QueryError, one.run, answer, store, CROSS_COUNT))
        slow.start()
        time.sleep(0.3)
        start = time.monotonic()
        with pytest.raises(Busy) as caught:
            one.run(answer, store, CHEAP)
        assert time.monotonic() - start < 0.1 and caught.value.status == 503 and caught.value.retry_after >= 1
        slow.join()
        assert one.run(answer, store, CHEAP)  # the slot is free again
    finally:
        one.close()


def test_a_pool_child_never_answers_from_an_old_build(tmp_path):
    """A child holds the data it was forked with; after a new build the pool answers from the new one."""
    def write(n: int) -> None:
        quads = [ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)),
                         ox.NamedNode("urn:g")) for i in range(n)]
        write_build(tmp_path, quads, BuildMeta(new_build_id(), "http://example.org/", "now"))

    write(3)
    store = EmbeddedStore(tmp_path)
    pool = QueryPool(Limits(timeout=5, slots=1))
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert b'"3"' in pool.run(answer, store, query)
        write(5)
        assert b'"5"' in pool.run(answer, store, query)
    finally:
        pool.close()


# ---------------------------------------------------------------- through the app


@pytest.fixture(scope="module")
def limited_app(store_dir):
    from web import create_app

    settings = load_settings({"store": store_dir, "query_timeout": 0.8, "max_concurrent_queries": 1,
                              "sparql_queue": 0, "result_limit": 1000}, environ={})
    app = create_app(settings, EmbeddedStore(store_dir))
    app.config["TESTING"] = True
    yield app
    runner = app.extensions.get("kg_sparql_runner")
    if runner is not None:
        runner.close()


def test_the_endpoint_answers_a_timeout_with_503_and_a_message(limited_app):
    response = limited_app.test_client().get("/sparql", query_string={"query": CROSS_COUNT})
    assert response.status_code == 503
    assert b"query_timeout" in response.data and b"Traceback" not in response.data


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
                                   "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"])
def test_the_endpoint_refuses_more_rows_than_the_result_limit(limited_app, query):
    response = limited_app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    assert b"result_limit" in response.data


def test_the_endpoint_answers_busy_with_503_and_retry_after(limited_app):
    client = limited_app.test_client()
    with ThreadPoolExecutor(1) as executor:
        slow = executor.submit(client.get, "/sparql", query_string={"query": CROSS_COUNT})
        time.sleep(0.3)
        busy = limited_app.test_client().get("/sparql", query_string={"query": CHEAP},
                                             headers={"Accept": "application/json"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "1"
        assert "max_concurrent_queries" in busy.get_json()["detail"]
        assert slow.result().status_code == 503


def test_long_urls_and_bodies_are_refused_in_process(limited_app):
    client = limited_app.test_client()
    long_get = client.get("/sparql", query_string={"query": "ASK {} #" + "x" * 9000})
    assert long_get.status_code == 414 and b"POST" in long_get.data
    body = b"ASK {} #" + b"x" * 200_000
    big_post = client.post("/sparql", data=body, headers={"Content-Type": "application/sparql-query"})
    assert big_post.status_code == 413 and b"max_query_bytes" in big_post.data
    assert client.post("/", data=body).status_code in (405, 413)
    assert client.get("/", data=body).status_code == 413


# ---------------------------------------------------------------- on a real server


def process_tree(root: int) -> list[int]:
    """root and its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().split(")")[-1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the live processes among pids have used."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().split(")")[-1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


@pytest.mark.server
def test_an_expensive_query_does_not_delay_a_cheap_one(planted_server):
    """Two expensive queries run; a cheap one sent meanwhile answers within a small bound."""
    url = planted_server.url + "sparql"
    with ThreadPoolExecutor(2) as executor:
        expensive = [executor.submit(requests.get, url, params={"query": CROSS_COUNT}, timeout=30) for _ in range(2)]
        time.sleep(0.5)
        start = time.monotonic()
        cheap = requests.get(url, params={"query": CHEAP}, timeout=30)
        elapsed = time.monotonic() - start
        assert cheap.status_code == 200 and cheap.json()["results"]["bindings"]
        assert elapsed < 1.0, f"the cheap query took {elapsed:.2f} s"
        for future in expensive:
            response = future.result()
            assert response.status_code == 503 and "query_timeout" in response.text


@pytest.mark.server
def test_a_flood_of_queries_leaves_pages_answering(planted_server):
    """More expensive queries than there are query slots: each is timed out or refused as busy at once, and
    pages sent meanwhile answer within a small bound (a thread per worker is kept for them)."""
    url = planted_server.url + "sparql"
    pages = ("", "id/person/alex-hernandez-garcia", "people.jsonld")
    for _ in range(4):  # each worker has rendered them once: what is measured is waiting, not a cold cache
        for path in pages:
            requests.get(planted_server.url + path, timeout=30)
    with ThreadPoolExecutor(10) as executor:
        flood = [executor.submit(requests.get, url, params={"query": CROSS_COUNT}, timeout=30) for _ in range(10)]
        time.sleep(0.5)
        for path in pages:
            start = time.monotonic()
            page = requests.get(planted_server.url + path, timeout=30)
            elapsed = time.monotonic() - start
            assert page.status_code == 200
            assert elapsed < 1.0, f"/{path} took {elapsed:.2f} s"
        answers = [f.result() for f in flood]
    assert {a.status_code for a in answers} == {503}
    assert all("query_timeout" in a.text or ("max_concurrent_queries" in a.text and a.headers.get("Retry-After"))
               for a in answers)


def test_a_thread_is_always_left_for_pages():
    settings = load_settings({"threads": 4, "max_concurrent_queries": 8}, environ={})
    assert Limits.from_settings(settings).slots == 3
    assert Limits.from_settings(load_settings({"threads": 1, "max_concurrent_queries": 8}, environ={})).slots == 8
    assert Limits.from_settings(load_settings({"max_concurrent_queries": 2}, environ={})).slots == 2


def test_waiting_queries_leave_a_thread_for_pages_too():
    limits = Limits.from_settings(load_settings({"threads": 6, "max_concurrent_queries": 2, "sparql_queue": 16},
                                                environ={}))
    assert (limits.slots, limits.queue) == (2, 3)
    defaults = Limits.from_settings(load_settings(environ={}))
    assert defaults.slots + defaults.queue >= 16, "16 clients on one worker must all find a place"
    assert defaults.slots + defaults.queue <= load_settings(environ={}).threads - 1


def test_a_query_waits_in_the_queue_for_a_slot(store):
    """One slot busy with an expensive query: a cheap one waits for it instead of being refused."""
    queued = QueryPool(Limits(timeout=0.8, slots=1, queue=1, wait=5.0))
    try:
        slow = threading.Thread(target=lambda: pytest.raises(QueryError, queued.run, answer, store, CROSS_COUNT))
        slow.start()
        time.sleep(0.3)
        assert queued.run(answer, store, CHEAP)  # waited ~0.5 s, then ran
        slow.join()
    finally:
        queued.close()


def test_a_query_that_just_started_runs_alone_for_a_moment():
    limits = Limits(slots=3, queue=4, wait=5.0)
    assert wait_to_start([], 100.0, limits) == 0
    assert wait_to_start([100.0], 100.005, limits) == pytest.approx(ALONE - 0.005)
    assert wait_to_start([99.0, 100.0 - ALONE], 100.0, limits) == 0  # every running query is older than ALONE
    assert wait_to_start([99.0, 99.5, 99.99], 100.0, limits) is None  # every slot taken: until one ends
    for cannot_wait in (Limits(slots=3, queue=0, wait=5.0), Limits(slots=3, queue=4, wait=0)):
        assert wait_to_start([100.0], 100.0, cannot_wait) == 0


def test_an_expensive_query_holds_a_cheap_one_back_no_longer_than_alone(store, monkeypatch):
    """The cheap query waits while the expensive one is young, then runs beside it (long before it ends)."""
    monkeypatch.setattr(limits_module, "ALONE", 0.4)  # long against forking a child, short against the timeout
    pool = QueryPool(Limits(timeout=1.5, slots=2, queue=2, wait=5.0))
    try:
        with ThreadPoolExecutor(1) as executor:
            start = time.monotonic()
            slow = executor.submit(pool.run, answer, store, CROSS_COUNT)
            assert pool.run(answer, store, CHEAP)
            took = time.monotonic() - start
            assert 0.4 <= took < 1.2, f"the cheap query answered after {took:.2f} s"
            assert not slow.done()
            pytest.raises(QueryError, slow.result)
    finally:
        pool.close()


def test_waiting_queries_start_in_the_order_they_came(store):
    queued = QueryPool(Limits(timeout=0.8, slots=1, queue=3, wait=5.0))
    done: list[str] = []
    try:
        with ThreadPoolExecutor(4) as executor:
            slow = executor.submit(queued.run, answer, store, CROSS_COUNT)
            time.sleep(0.2)
            waiting = []
            for name in "abc":
                waiting.append(executor.submit(lambda name=name: queued.run(answer, store, CHEAP) and done.append(name)))
                time.sleep(0.05)
            for future in waiting:
                future.result()
            pytest.raises(QueryError, slow.result)
        assert done == ["a", "b", "c"]
    finally:
        queued.close()


def test_past_the_queue_a_query_is_refused_at_once(store):
    queued = QueryPool(Limits(timeout=0.8, slots=1, queue=1, wait=5.0))
    try:
        with ThreadPoolExecutor(2) as executor:
            slow = executor.submit(queued.run, answer, store, CROSS_COUNT)
            time.sleep(0.3)
            waiting = executor.submit(queued.run, answer, store, CHEAP)
            time.sleep(0.1)
            start = time.monotonic()
            with pytest.raises(Busy) as caught:
                queued.run(answer, store, CHEAP)
            assert time.monotonic() - start < 0.1 and "sparql_queue" in caught.value.message
            assert waiting.result()
            pytest.raises(QueryError, slow.result)
    finally:
        queued.close()


def test_past_the_wait_limit_a_query_is_refused(store):
    queued = QueryPool(Limits(timeout=0.8, slots=1, queue=4, wait=0.2))
    try:
        slow = threading.Thread(target=lambda: pytest.raises(QueryError, queued.run, answer, store, CROSS_COUNT))
        slow.start()
        time.sleep(0.2)
        start = time.monotonic()
        with pytest.raises(Busy) as caught:
            queued.run(answer, store, CHEAP)
        assert 0.15 < time.monotonic() - start < 0.5 and "sparql_wait" in caught.value.message
        slow.join()
    finally:
        queued.close()


@pytest.mark.server
def test_after_a_timeout_the_worker_is_free(planted_server):
    """Once the timeout answer is sent, nothing keeps computing the query: the server's processes go idle."""
    started = time.monotonic()
    response = requests.get(planted_server.url + "sparql", params={"query": CROSS_COUNT}, timeout=30)
    assert response.status_code == 503
    assert LIVE_TIMEOUT - 0.1 < time.monotonic() - started < LIVE_TIMEOUT + 2
    time.sleep(0.2)
    before = cpu_seconds(process_tree(planted_server.proc.pid))
    time.sleep(1.0)
    used = cpu_seconds(process_tree(planted_server.proc.pid)) - before
    assert used < 0.35, f"the server used {used:.2f} s of CPU in the second after the timeout"


@pytest.mark.server
def test_long_urls_headers_and_bodies_are_refused_by_the_server(planted_server):
    url = planted_server.url + "sparql"
    assert requests.get(url, params={"query": "ASK {} #" + "x" * 9000}, timeout=30).status_code == 414
    body = b"ASK {} #" + b"x" * 200_000
    response = requests.post(url, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 413 and "max_query_bytes" in response.text
    assert requests.get(planted_server.url, headers={"X-Big": "y" * 9000}, timeout=30).status_code == 431
    many = {f"X-H{i}": "1" for i in range(150)}
    assert requests.get(planted_server.url, headers=many, timeout=30).status_code == 431


@pytest.fixture(scope="module")
def one_slot_server(store_dir, tmp_path_factory):
    """One worker, four threads, one query slot and one place in the queue (waiting a third of the query timeout),
    over the bundled build; no /sparql answer cache, so a repeated cheap query still asks the pool for a slot."""
    log = tmp_path_factory.mktemp("one-slot") / "serve.log"
    server = start_server(Path(store_dir), log, env={"KG_WORKERS": "1", "KG_MAX_CONCURRENT_QUERIES": "1",
                                                     "KG_THREADS": "4", "KG_SPARQL_QUEUE": "1",
                                                     "KG_SPARQL_WAIT": str(LIVE_TIMEOUT / 3),
                                                     "KG_QUERY_TIMEOUT": str(LIVE_TIMEOUT),
                                                     "KG_SPARQL_CACHE_BYTES": "0"})
    yield server
    server.stop()


@pytest.mark.server
def test_past_the_concurrency_bound_the_server_answers_503_never_hangs(one_slot_server):
    url = one_slot_server.url + "sparql"
    with ThreadPoolExecutor(4) as executor:
        start = time.monotonic()
        futures = [executor.submit(requests.get, url, params={"query": CROSS_COUNT}, timeout=30) for _ in range(4)]
        responses = [f.result() for f in futures]
        elapsed = time.monotonic() - start
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [503] * 4
    busy = [r for r in responses if "Retry-After" in r.headers]
    assert len(busy) == 3 and all("max_concurrent_queries" in r.text for r in busy)
    assert elapsed < LIVE_TIMEOUT + 2, f"answers took {elapsed:.2f} s"
    assert requests.get(url, params={"query": CHEAP}, timeout=30).status_code == 200


@pytest.fixture(scope="module")
def default_server(store_dir, tmp_path_factory):
    """`kg serve` with the default workers, threads, slots and queue, over the bundled build."""
    from kg.settings import Settings

    log = tmp_path_factory.mktemp("defaults") / "serve.log"
    server = start_server(Path(store_dir), log, env={"KG_THREADS": str(Settings().threads)})
    yield server
    server.stop()


@pytest.mark.server
def test_sixteen_clients_at_once_all_get_answers(default_server):
    """16 clients sending SPARQL queries as fast as they can (more than the running slots of both workers):
    the queue serves them in turn and no request fails."""
    url = default_server.url + "sparql"
    queries = [CHEAP, "ASK { ?s ?p ?o }",
               "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://schema.org/ScholarlyArticle> }"]

    def client(i: int) -> list:
        with requests.Session() as session:
            answers = [session.get(url, params={"query": queries[(i + j) % len(queries)]},
                                   headers={"Accept": "application/sparql-results+json"}, timeout=60)
                       for j in range(8)]
        return [a.status_code if a.status_code == 200 else f"{a.status_code} {a.text}" for a in answers]

    with ThreadPoolExecutor(16) as executor:
        statuses = [s for found in executor.map(client, range(16)) for s in found]
    assert len(statuses) == 128 and set(statuses) == {200}, set(statuses)


@pytest.mark.server
def test_a_full_queue_answers_503_at_once(one_slot_server):
    """One query running and one waiting fill the one-slot server: the next is refused at once, with Retry-After."""
    url = one_slot_server.url + "sparql"
    with ThreadPoolExecutor(2) as executor:
        running = executor.submit(requests.get, url, params={"query": CROSS_COUNT}, timeout=30)
        time.sleep(0.3)
        waiting = executor.submit(requests.get, url, params={"query": CHEAP}, timeout=30)
        time.sleep(0.2)
        start = time.monotonic()
        refused = requests.get(url, params={"query": CHEAP}, timeout=30)
        elapsed = time.monotonic() - start
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert "sparql_queue" in refused.text and elapsed < 0.3, f"refused after {elapsed:.2f} s"
        assert running.result().status_code == 503
        assert waiting.result().status_code == 503 and "sparql_wait" in waiting.result().text
