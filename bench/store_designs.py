"""Embedded store designs at one size: load time, resident memory, query latency; run each mode in its own process.

    python bench/store_designs.py MODE GRAPH.NQ DISK_DIR PERSON_IRI

MODE: memory-python-merge (kg/store/embedded.py's in-memory path before streaming), memory-stream-merge, disk-build (what
write_build does once per large build), disk-read-only (what each worker does then). GRAPH.NQ is a build's
graph.nq (bench/run.py leaves them in /tmp/kg-bench/store-*/current/); PERSON_IRI a person of that data.
"""
import re, resource, statistics, sys, time, shutil
import pyoxigraph as ox
mode, nq = sys.argv[1], sys.argv[2]
def rss():
    return int(re.search(r"VmRSS:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024
t = time.monotonic()
if mode == "memory-python-merge":      # kg/store/embedded.py today
    s = ox.Store(); s.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    s.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in s.quads_for_pattern(None, None, None, None)])
elif mode == "memory-stream-merge":    # the same store, the merge streamed from the file
    s = ox.Store(); s.load(path=nq, format=ox.RdfFormat.N_QUADS)
    s.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in ox.parse(path=nq, format=ox.RdfFormat.N_QUADS))
elif mode == "disk-build":             # done once per build: an on-disk store with the merged default graph
    d = sys.argv[3]; shutil.rmtree(d, ignore_errors=True)
    s = ox.Store(d); s.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    s.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in ox.parse(path=nq, format=ox.RdfFormat.N_QUADS))
    s.optimize(); s.flush()
elif mode == "disk-read-only":         # what each worker would do
    s = ox.Store.read_only(sys.argv[3])
load = time.monotonic() - t
sys.path.insert(0, "/work/main")
import web.describe as d
from kg.store.queries import load_queries
person = ox.NamedNode(sys.argv[4]) if len(sys.argv) > 4 else None
lat = {}
if person is not None:
    qs = {"Q_OUT": d.Q_OUT, "Q_IN": d.Q_IN, "Q_OWNED": d.Q_OWNED, "Q_IN_ROLES": d.Q_IN_ROLES, "Q_TRIPLES": d.Q_TRIPLES}
    for name, text in qs.items():
        ts = []
        for _ in range(5):
            a = time.perf_counter(); list(s.query(text, substitutions={ox.Variable("r"): person})); ts.append((time.perf_counter() - a) * 1000)
        lat[name] = round(statistics.median(ts), 2)
    for name in ("coauthors", "person-papers"):
        ts = []
        for _ in range(5):
            a = time.perf_counter(); list(s.query(load_queries()[name].sparql, substitutions={ox.Variable("_person"): person})); ts.append((time.perf_counter() - a) * 1000)
        lat[name] = round(statistics.median(ts), 2)
print(f"{mode}: load {load:.1f} s, RSS {rss():.0f} MiB (peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}), quads {len(s)}, ms {lat}")
