"""How much the killable query path (kg.store.limits) costs over running a query in-process; a figure, not a test.

Compares, for a cheap SELECT serialized as SPARQL JSON on a built store:
  in-process      store.query + serialize in the calling thread (named queries and pages do this)
  kg.store.limits pool  QueryPool.run: the query sent to a pre-forked child over a pipe (what /sparql does)
  fork per query  a bare fork, query, pipe the answer back, exit (the alternative kg.store.limits rejects)

    python bench/limits_overhead.py --store .kg [--n 300]
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.store.limits import Limits, QueryPool
from kg.store.embedded import EmbeddedStore

CHEAP = ("PREFIX schema: <https://schema.org/> SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } "
         "LIMIT 10")


def answer(store: EmbeddedStore, sparql: str) -> bytes:
    """The query's answer as SPARQL JSON."""
    return bytes(store.query(sparql).serialize(format=ox.QueryResultsFormat.JSON))


def fork_per_query(store: EmbeddedStore, sparql: str) -> bytes:
    """The least a fork per query costs: fork, answer into a pipe, exit, reap."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        os.write(write_fd, pickle.dumps(answer(store, sparql)))
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 1 << 20):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    return pickle.loads(b"".join(chunks))


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path(".kg"))
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    import web  # noqa: F401  - a worker's imports, so the forked process has a worker's size

    store = EmbeddedStore(args.store)
    pool = QueryPool(Limits(timeout=5, slots=2))
    cases = {
        "in-process": lambda: answer(store, CHEAP),
        "kg.store.limits pool": lambda: pool.run(answer, store, CHEAP),
        "fork per query": lambda: fork_per_query(store, CHEAP),
    }
    assert cases["kg.store.limits pool"]() == cases["in-process"]() == cases["fork per query"]()
    for fn in cases.values():
        timed(fn, 20)  # warm up
    with open("/proc/self/statm") as statm:
        rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // (1 << 20)
    print(f"store: {len(store._store)} quads; this process: {rss} MiB resident")
    for name, fn in cases.items():
        ms = sorted(timed(fn, args.n))
        print(f"{name:16} median {statistics.median(ms):6.2f} ms   p90 {ms[int(len(ms) * 0.9)]:6.2f} ms")
    pool.close()


if __name__ == "__main__":
    main()
