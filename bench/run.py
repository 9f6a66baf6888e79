"""The scale benchmark, in one command: generate, build, serve, measure, print the table, write the report.

    python bench/run.py --sizes 1m --doc docs/performance.md     # the issue's run, on a quiet machine
    python bench/run.py --sizes 10k --duration 2 --allow-load --doc /tmp/smoke.md   # a smoke test of the harness

It refuses to start when the load average (1 minute) is above 0.5: figures from a busy machine are not figures
(`--allow-load` overrides it for smoke runs, and the report then says so). For each size it generates a
synthetic institute (bench/generate.py) and builds it with `kg build --content` (timed; if that fails, the
failure is reported and the build is written directly the way `kg build` lays it out, see `load_build`), then
starts, on loopback ports:

- `kg serve --store DIR` (the site: Granian with the settings' workers and threads, embedded store),
- bench/floor.py: a Flask route returning fixed bytes on the same server settings (the floor for any page),
- `oxigraph serve --union-default-graph` on the same quads (the native limit for SPARQL),
- rdflib-endpoint on the same triples (the Python peer; up to --rdflib-max, it loads slowly),
- nginx serving static copies of the same pages (the floor for a page; Python's http.server without nginx),

and runs wrk (16 connections, 2 threads, bounded by --duration) against each target: the named queries
(`/queries/{name}.json`), the same SPARQL on `/sparql` (with the answer cache, and on a second `kg serve` with it
off: the engine path) and on the peers, the HTML and Turtle pages of a person and a paper, the home page, the
publication list and the lists. Before any load it times the first request of 20 person and 20 paper pages (cold:
the first after the build). It prints one table with requests per second and p50/p95/p99 latency, plus build and
load times, server memory and text-search latency, and checks the issue's targets against the figures of the same
run. Figures, not pass/fail: wrk shares its cores with the servers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph as ox  # noqa: E402

import generate  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
BASE = "http://127.0.0.1:8000/"
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.0f %.0f %.0f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
SPARQL_UNCACHED = "kg /sparql, answer cache off"  # sparql_cache_bytes=0: each request runs its query in the pool
NAMED = [("coauthors", "person"), ("person-papers", "person"), ("paper-authors", "paper"), ("search", "q")]
MAX_LOAD = 0.5  # load average (1 minute) above which a run is refused
COLD_SAMPLES = 20  # distinct pages of each kind timed on their first request
DOC_START, DOC_END = "<!-- bench-run -->", "<!-- /bench-run -->"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def generated(workdir: Path, size: str) -> tuple[Path, dict]:
    """The generated folder for a size (reused when already there) and its counts."""
    folder = workdir / f"gen-{size}"
    marker = folder / "counts.json"
    if marker.exists():
        return folder, json.loads(marker.read_text())
    started = time.monotonic()
    counts = generate.generate(folder, SIZES[size], BASE)
    counts["generate_s"] = round(time.monotonic() - started, 1)
    marker.write_text(json.dumps(counts))
    return folder, counts


def load_build(folder: Path, store_dir: Path) -> dict:
    """Write a build from the generated files as `kg build` lays it out, without its importers and SHACL
    validation (which do not scale past ~100k triples yet): each file its named graph, meta, text index."""
    from kg.iris import slugify
    from kg.store.base import BuildMeta
    from kg.store.embedded import new_build_id, write_build
    from kg.store.textindex import INDEX, build_text_index

    files = sorted(folder.glob("*.nt"))
    graphs = {path: f"{BASE}source/{slugify(path.stem, max_words=12)}" for path in files}

    def quads():
        for path, graph in graphs.items():
            name = ox.NamedNode(graph)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    started = time.monotonic()
    index = build_text_index(quads())
    index_s = time.monotonic() - started
    meta = BuildMeta(new_build_id(), BASE, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     graphs=sorted(graphs.values()), stats={"owner": f"{BASE}id/person/ada-synthetica",
                                                             "generated": True})
    shutil.rmtree(store_dir, ignore_errors=True)
    write_build(store_dir, quads(), meta, {INDEX: index})
    build = store_dir / "current"
    count = sum(1 for _ in open(build / "graph.nq", "rb"))
    meta.triples = count
    (build / "meta.json").write_text(json.dumps(meta.__dict__, indent=1))
    return {"load_s": round(time.monotonic() - started, 2), "index_s": round(index_s, 2), "quads": count,
            "index_mb": round(len(index) / 2**20, 1)}


def kg_build(folder: Path, store_dir: Path, timeout: float) -> dict:
    """`kg build --content folder`, timed; on failure (or past timeout) say so and write the build directly."""
    shutil.rmtree(store_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "kg", "build", "--content", str(folder), "--store", str(store_dir),
           "--base-iri", BASE]
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        problem = None if done.returncode == 0 else \
            f"exit {done.returncode}: {(done.stderr or done.stdout).strip().splitlines()[-1:] or ['?']}"
    except subprocess.TimeoutExpired:
        problem = f"no build within {timeout:.0f} s"
    seconds = round(time.monotonic() - started, 2)
    if problem is None:
        quads = sum(1 for _ in open(store_dir / "current" / "graph.nq", "rb"))
        index = store_dir / "current" / "fts.sqlite"
        return {"build": "kg build --content", "kg_build_s": seconds, "load_s": seconds, "quads": quads,
                "index_mb": round(index.stat().st_size / 2**20, 1) if index.exists() else ""}
    log(f"kg build --content FAILED ({problem}) after {seconds} s: writing the build directly instead")
    written = load_build(folder, store_dir)
    return {**written, "build": f"written directly: kg build --content failed ({problem}) after {seconds} s",
            "kg_build_s": None}


def sample_iris(folder: Path, kinds: tuple[str, ...], n: int) -> dict[str, list[str]]:
    """Up to n resource IRIs of each kind, in file order, from the generated N-Triples (for cold requests)."""
    found: dict[str, list[str]] = {k: [] for k in kinds}
    for path in sorted(folder.glob("*.nt")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            iri = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
            kind = iri[len(BASE):].split("/")[1] if iri.startswith(BASE + "id/") else ""
            if kind in found and "#" not in iri and len(found[kind]) < n and iri not in found[kind]:
                found[kind].append(iri)
            if all(len(v) >= n for v in found.values()):
                return found
    return found


def cold_latency(url: str, paths: list[str]) -> dict:
    """Each path requested once (its first request since the build): p50 and max in ms."""
    times = []
    for path in paths:
        started = time.perf_counter()
        check(url + path, {"Accept": "text/html"})
        times.append((time.perf_counter() - started) * 1000)
    if not times:
        return {}
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "n": len(times)}


def store_load_seconds(store_dir: Path) -> float:
    """How long the embedded store takes to load the build (what each server worker does at start)."""
    code = ("import time,sys; t=time.monotonic(); from kg.store.embedded import EmbeddedStore; "
            f"EmbeddedStore({str(store_dir)!r}); print(time.monotonic()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return round(float(out.stdout.strip()), 2)


def search_latency(store_dir: Path, keywords: list[str]) -> dict:
    """Text search through the index, in process: p50 and p95 over the keywords (each run 3 times)."""
    import sqlite3

    from kg.store.textindex import INDEX, _solutions, candidates

    db = sqlite3.connect(f"file:{store_dir / 'current' / INDEX}?mode=ro&immutable=1", uri=True)
    times, rows = [], []
    for _ in range(3):
        for q in keywords:
            started = time.perf_counter()
            found = list(_solutions(q, candidates(db, q), None))
            times.append((time.perf_counter() - started) * 1000)
            rows.append(len(found))
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95)], 2),
            "rows": round(statistics.mean(rows), 1)}


def search_scan_latency(store_dir: Path, q: str, repeat: int = 3) -> float:
    """The SPARQL `search` query (a CONTAINS scan), for comparison: p50 in ms, in process on the embedded store."""
    code = f"""
import time, statistics, pyoxigraph as ox
from kg.store.embedded import EmbeddedStore
from kg.store.queries import load_queries
s = EmbeddedStore({str(store_dir)!r}); q = load_queries()["search"].sparql
t = []
for _ in range({repeat}):
    a = time.perf_counter(); list(s.query(q, {{"_q": ox.Literal({q!r})}})); t.append(time.perf_counter() - a)
print(statistics.median(t) * 1000)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return round(float(out.stdout.strip()), 1)


# ---------------------------------------------------------------- servers


@dataclass
class Proc:
    name: str
    url: str
    process: subprocess.Popen
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start(name: str, cmd: list[str], url: str, probe: str, logs: Path, timeout: float = 600, env=None) -> Proc:
    logfile = (logs / f"{name}.log").open("wb")
    process = subprocess.Popen(cmd, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, **(env or {})}, cwd=ROOT)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: see {logs / (name + '.log')}")
        try:
            with urllib.request.urlopen(url + probe, timeout=5):
                break
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                os.killpg(process.pid, signal.SIGTERM)
                raise RuntimeError(f"{name} answers {exc.code} at {probe}") from None
            time.sleep(0.3)
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        raise RuntimeError(f"{name} did not start within {timeout:.0f} s")
    proc = Proc(name, url, process)
    proc.extra["start_s"] = round(time.monotonic() - started, 1)
    return proc


def rss_mib(pid: int, proportional: bool = True) -> float:
    """Resident memory of a process and its descendants, in MiB, plus the largest file-backed part once (an
    on-disk store's pages are the same page cache in every worker). Anonymous memory is summed as each
    process's proportional share (Pss_Anon: `kg serve` forks its workers from a master that loaded the store
    and rendered the top pages, and pages they still share count once), or with `proportional=False` as plain
    RssAnon, which counts a shared page once per process (the figure of runs before the preloaded master)."""
    anon, files = 0, 0
    for p in _tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            files = max(files, int(re.search(r"RssFile:\s+(\d+)", status).group(1)))
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text() if proportional else ""
            pss = re.search(r"Pss_Anon:\s+(\d+)", rollup)
            anon += int(pss.group(1) if pss else re.search(r"RssAnon:\s+(\d+)", status).group(1))
        except (OSError, AttributeError):
            pass
    return round((anon + files) / 1024, 0)


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    todo, seen = [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return sorted(seen)


def nginx_conf(root: Path, port: int, prefix: Path) -> Path:
    conf = prefix / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
daemon off;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
  types {{ text/html html; text/turtle ttl; }}
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
""")
    (prefix / "tmp").mkdir(exist_ok=True)
    return conf


# ---------------------------------------------------------------- load


@dataclass
class Result:
    size: str
    target: str
    server: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


def wrk(url: str, duration: float, headers: dict | None = None, connections: int = 16) -> tuple:
    script = Path(tempfile.gettempdir()) / "kg-bench-report.lua"
    script.write_text(LUA)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration:g}s", "--timeout", "10s", "-s", str(script)]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=duration + 60)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", out.stdout)
    if not match:
        raise RuntimeError(f"wrk failed on {url}: {out.stdout} {out.stderr}")
    requests, errors, micros, p50, p95, p99 = map(int, match.groups())
    return requests / (micros / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, errors


def check(url: str, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


SKIP: set[str] = set()


def measure(results: list, size: str, target: str, server: str, url: str, duration: float,
            headers: dict | None = None) -> None:
    if target in SKIP or target.removeprefix("named query ") in SKIP:
        return
    try:
        check(url, headers)  # warm: the first answer fills the caches
        rps, p50, p95, p99, errors = wrk(url, duration, headers)
    except Exception as exc:  # noqa: BLE001 - a failed target is a row, not the end of the run
        log(f"{size} {target} {server}: {exc}")
        results.append(Result(size, target, server, 0, 0, 0, 0, -1))
        return
    results.append(Result(size, target, server, round(rps), p50, p95, p99, errors))
    log(f"{size:>5} {target:<28} {server:<16} {rps:9.0f} req/s  p50 {p50:7.2f}  p99 {p99:7.2f} ms  err {errors}")


# ---------------------------------------------------------------- one size


def run_size(size: str, args, workdir: Path, results: list, facts: dict) -> None:
    from kg.store.queries import bind, load_queries
    from kg.store.remote import substitute

    folder, counts = generated(workdir, size)
    log(f"{size}: {counts['triples']} triples generated ({counts.get('generate_s', '?')} s)")
    store_dir = workdir / f"store-{size}"
    if args.direct_build:
        loaded = {**load_build(folder, store_dir), "build": "written directly (--direct-build)", "kg_build_s": None}
    else:
        loaded = kg_build(folder, store_dir, args.build_timeout)
    loaded["store_load_s"] = store_load_seconds(store_dir)
    log(f"{size}: build {loaded['build']} in {loaded['load_s']} s; the embedded store loads in "
        f"{loaded['store_load_s']} s")
    fact = facts.setdefault(size, {})
    fact.update(counts=counts, **loaded)
    keywords = [f"kw{i}" for i in range(7, 7 + 40 * 97, 97)]
    fact["search_index"] = search_latency(store_dir, keywords)
    if SIZES[size] <= args.scan_max:
        fact["search_scan_ms"] = search_scan_latency(store_dir, "kw7")
    logs = workdir / f"logs-{size}"
    logs.mkdir(exist_ok=True)
    nq = store_dir / "current" / "graph.nq"
    procs: list[Proc] = []
    try:
        port = free_port()
        threads = {"KG_THREADS": str(args.threads)} if args.threads else {}
        kg = start("kg", [sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--port", str(port),
                          "--workers", str(args.workers)], f"http://127.0.0.1:{port}", "/robots.txt", logs,
                   env=threads)
        procs.append(kg)
        port = free_port()  # the same server with the /sparql answer cache off: what running a query costs
        kg_engine = start("kg-no-answer-cache", [sys.executable, "-m", "kg", "serve", "--store", str(store_dir),
                                                 "--port", str(port), "--workers", str(args.workers)],
                          f"http://127.0.0.1:{port}", "/robots.txt", logs,
                          env={**threads, "KG_SPARQL_CACHE_BYTES": "0"})
        procs.append(kg_engine)
        samples = sample_iris(folder, ("person", "paper"), COLD_SAMPLES)
        for kind, iris in samples.items():  # before anything else asks for a page: their first requests
            fact.setdefault("cold", {})[f"{kind} page HTML"] = cold_latency(
                kg.url, ["/" + iri[len(BASE):] for iri in iris])
        oxdir = workdir / f"oxigraph-{size}"
        shutil.rmtree(oxdir, ignore_errors=True)
        started = time.monotonic()
        subprocess.run(["oxigraph", "load", "--location", str(oxdir), "--file", str(nq)], check=True,
                       capture_output=True)
        fact["oxigraph_load_s"] = round(time.monotonic() - started, 1)
        port = free_port()
        oxs = start("oxigraph", ["oxigraph", "serve", "--location", str(oxdir), "--bind", f"127.0.0.1:{port}",
                                 "--union-default-graph"], f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D",
                    logs)
        procs.append(oxs)
        rdf = None
        if SIZES[size] <= args.rdflib_max and shutil.which("rdflib-endpoint"):
            union = workdir / f"union-{size}.nt"
            with open(nq, "rb") as src, open(union, "wb") as dst:
                for line in src:
                    dst.write(line[: line.rstrip().rfind(b" <")] + b" .\n")
            port = free_port()
            rdf = start("rdflib", ["rdflib-endpoint", "serve", str(union), "--host", "127.0.0.1", "--port",
                                   str(port)], f"http://127.0.0.1:{port}", "/?query=ASK%7B%7D", logs)
            procs.append(rdf)

        person = counts["person"]
        paper = _a_paper_of(kg.url, person)
        pages = {
            "person page HTML": "/" + person[len(BASE):],
            "person page Turtle": "/" + person[len(BASE):] + ".ttl",
            "paper page HTML": "/" + paper[len(BASE):],
            "paper page Turtle": "/" + paper[len(BASE):] + ".ttl",
            "home page": "/",
            "publication list": "/papers",
            "people list": "/people",
            "all papers list": "/papers/all",
        }
        static_root = workdir / f"static-{size}"
        shutil.rmtree(static_root, ignore_errors=True)
        static_paths = {}
        pages = {label: path for label, path in pages.items() if label not in SKIP}
        for label, path in pages.items():
            target = static_root / (f"page{len(static_paths)}" + (".ttl" if path.endswith(".ttl") else ".html"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(check(kg.url + path, {"Accept": "text/html"}))
            static_paths[label] = "/" + target.name
        port = free_port()
        if shutil.which("nginx"):
            prefix = workdir / f"nginx-{size}"
            prefix.mkdir(exist_ok=True)
            static = start("nginx", ["nginx", "-c", str(nginx_conf(static_root, port, prefix)), "-p", str(prefix)],
                           f"http://127.0.0.1:{port}", next(iter(static_paths.values())), logs)
        else:
            static = start("static", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                      "--directory", str(static_root)], f"http://127.0.0.1:{port}",
                           next(iter(static_paths.values())), logs)
        procs.append(static)
        port = free_port()
        floor_body = static_root / static_paths.get("person page HTML", next(iter(static_paths.values())))[1:]
        floor = start("floor", [sys.executable, str(ROOT / "bench" / "floor.py"), "--port", str(port),
                                "--workers", str(args.workers), "--body", str(floor_body)],
                      f"http://127.0.0.1:{port}", "/", logs, env=threads)
        procs.append(floor)

        queries = load_queries()
        values = {"person": person, "paper": paper, "q": "kw7"}
        json_accept = {"Accept": "application/sparql-results+json"}
        for name, param in NAMED:
            query = queries[name]
            qs = urllib.parse.urlencode({param: values[param]})
            label = f"named query {name}"
            measure(results, size, label, "kg /queries", f"{kg.url}/queries/{name}.json?{qs}", args.duration)
            text = substitute(query.sparql, bind(query, {param: values[param]}, BASE))
            encoded = urllib.parse.urlencode({"query": text})
            measure(results, size, label, "kg /sparql", f"{kg.url}/sparql?{encoded}", args.duration, json_accept)
            measure(results, size, label, SPARQL_UNCACHED, f"{kg_engine.url}/sparql?{encoded}", args.duration,
                    json_accept)
            measure(results, size, label, "oxigraph serve", f"{oxs.url}/query?{encoded}", args.duration,
                    json_accept)
            if rdf is not None and name != "search":
                measure(results, size, label, "rdflib-endpoint", f"{rdf.url}/?{encoded}",
                        min(args.duration, 5), json_accept)
        measure(results, size, "fixed bytes", "Flask floor", floor.url + "/", args.duration)
        for label, path in pages.items():
            measure(results, size, label, "kg serve", kg.url + path, args.duration, {"Accept": "text/html"})
            measure(results, size, label, "static " + static.name, static.url + static_paths[label],
                    args.duration)
        fact["rss_mib"] = {"kg serve": rss_mib(kg.process.pid), "oxigraph serve": rss_mib(oxs.process.pid)}
        fact["rss_plain_mib"] = rss_mib(kg.process.pid, proportional=False)
        if rdf is not None:
            fact["rss_mib"]["rdflib-endpoint"] = rss_mib(rdf.process.pid)
        fact["start_s"] = {p.name: p.extra["start_s"] for p in procs}
    finally:
        for proc in procs:
            proc.stop()


def _a_paper_of(url: str, person: str) -> str:
    """A paper of the person, through the site's own named query."""
    qs = urllib.parse.urlencode({"person": person})
    data = check(f"{url}/queries/person-papers.json?{qs}")
    rows = json.loads(data)["results"]["bindings"]
    return rows[0]["paper"]["value"]


# ---------------------------------------------------------------- report


def table(results: list[Result], facts: dict, load: str, overridden: bool = False) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores; load average before the run: "
             f"{load}. wrk: 2 threads, 16 connections, on the same cores as the servers.", ""]
    if overridden:
        lines[0:0] = [f"**A smoke run, not a result: the load average was above {MAX_LOAD} and `--allow-load` "
                      "overrode the check.**", ""]
    lines += ["| size | target | server | req/s | p50 ms | p95 ms | p99 ms | errors |",
              "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r.size} | {r.target} | {r.server} | {r.rps:,.0f} | {r.p50:.2f} | {r.p95:.2f} | "
                     f"{r.p99:.2f} | {r.errors if r.errors >= 0 else 'failed'} |")
    lines += ["", "| size | triples | generate s | build written s | store load s | oxigraph load s | "
                  "text index MB | search p50 ms (index) | search p50 ms (SPARQL scan) | RSS MiB kg serve | "
                  "RSS MiB oxigraph | RSS MiB rdflib-endpoint |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, f in facts.items():
        rss = f.get("rss_mib", {})
        lines.append(f"| {size} | {f.get('quads', '')} | {f['counts'].get('generate_s', '')} | {f.get('load_s', '')} | "
                     f"{f.get('store_load_s', '')} | {f.get('oxigraph_load_s', '')} | {f.get('index_mb', '')} | "
                     f"{f.get('search_index', {}).get('p50_ms', '')} | {f.get('search_scan_ms', '—')} | "
                     f"{rss.get('kg serve', '')} | {rss.get('oxigraph serve', '')} | "
                     f"{rss.get('rdflib-endpoint', '—')} |")
    lines += ["", "| size | how the build was made | cold person page p50 ms | cold paper page p50 ms |",
              "| --- | --- | ---: | ---: |"]
    for size, f in facts.items():
        cold = f.get("cold", {})
        lines.append(f"| {size} | {f.get('build', '')} | {cold.get('person page HTML', {}).get('p50_ms', '')} | "
                     f"{cold.get('paper page HTML', {}).get('p50_ms', '')} |")
    lines += ["", "### Targets (issue 11), from this run", "", "| size | target | figure | met |",
              "| --- | --- | --- | --- |"]
    for size in facts:
        for target, figure, met in targets(results, facts, size):
            lines.append(f"| {size} | {target} | {figure} | {'yes' if met else '**no**' if met is False else '—'} |")
    return "\n".join(lines) + "\n"


def targets(results: list[Result], facts: dict, size: str) -> list[tuple[str, str, bool | None]]:
    """The issue's targets for one size: (target, the figure, met or not; None when not measured)."""
    def row(target: str, server: str) -> Result | None:
        return next((r for r in results if r.size == size and r.target == target and r.server == server
                     and r.errors >= 0), None)
    out: list[tuple[str, str, bool | None]] = []
    floor = row("fixed bytes", "Flask floor")
    for page in ("person page HTML", "paper page HTML", "home page"):
        r = row(page, "kg serve")
        if r is None or floor is None or not floor.rps:
            out.append((f"{page}: ≥ 0.5× the fixed-bytes route, p99 < 30 ms", "not measured", None))
            continue
        ratio = r.rps / floor.rps
        out.append((f"{page}: ≥ 0.5× the fixed-bytes route, p99 < 30 ms",
                    f"{r.rps:,.0f} vs {floor.rps:,.0f} req/s ({ratio:.2f}×), p99 {r.p99:.1f} ms",
                    ratio >= 0.5 and r.p99 < 30))
    for page, cold in facts[size].get("cold", {}).items():
        if cold:
            out.append((f"{page} cold (first request after the build): p50 < 50 ms",
                        f"p50 {cold['p50_ms']} ms over {cold['n']} pages", cold["p50_ms"] < 50))
    for page in ("publication list", "people list", "all papers list"):
        r = row(page, "kg serve")
        out.append((f"{page}: p99 < 50 ms warm", f"p99 {r.p99:.1f} ms" if r else "not measured",
                    (r.p99 < 50) if r else None))
    for name, _ in NAMED:
        target = f"named query {name}"
        kg, ox_ = row(target, "kg /queries"), row(target, "oxigraph serve")
        if kg and ox_ and ox_.rps:
            out.append((f"{target}: /queries ≥ 1.0× oxigraph serve", f"{kg.rps:,.0f} vs {ox_.rps:,.0f} req/s "
                        f"({kg.rps / ox_.rps:.2f}×)", kg.rps >= ox_.rps))
        for server, how in (("kg /sparql", "answer cache on, the default"), (SPARQL_UNCACHED, "every query run")):
            sparql = row(target, server)
            if sparql and ox_ and ox_.rps:
                out.append((f"{target}: /sparql ({how}) ≥ 0.7× oxigraph serve, 0 failed",
                            f"{sparql.rps:,.0f} vs {ox_.rps:,.0f} req/s ({sparql.rps / ox_.rps:.2f}×), "
                            f"{sparql.errors} failed", sparql.rps >= 0.7 * ox_.rps and sparql.errors == 0))
    seconds = facts[size].get("kg_build_s")
    limit = {"1m": 60, "10m": 600}.get(size)
    out.append(("kg build --content" + (f" < {limit} s" if limit else ""),
                f"{seconds} s" if seconds is not None else facts[size].get("build", "not run"),
                (seconds < limit) if (seconds is not None and limit) else (False if seconds is None else None)))
    rss = facts[size].get("rss_mib", {}).get("kg serve")
    if rss:
        plain = facts[size].get("rss_plain_mib")
        out.append(("kg serve resident memory < 1 GiB" + (" (target at 1m)" if size != "1m" else ""),
                    f"{rss:,.0f} MiB (Pss; plain RSS sum {plain:,.0f} MiB)" if plain else f"{rss:,.0f} MiB",
                    rss < 1024 if size == "1m" else None))
    return out


def write_doc(path: Path, report: str) -> None:
    """Put the report between the bench-run markers of a Markdown file (appended, with markers, if absent)."""
    section = f"{DOC_START}\n{report.rstrip()}\n{DOC_END}"
    text = path.read_text() if path.exists() else ""
    if DOC_START in text and DOC_END in text:
        text = text[:text.index(DOC_START)] + section + text[text.index(DOC_END) + len(DOC_END):]
    else:
        text = (text.rstrip() + "\n\n" if text else "") + "## The latest run of bench/run.py\n\n" + section + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 10k, 100k, 1m, 10m")
    parser.add_argument("--duration", type=float, default=5, help="seconds of load per target (default 5)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, help="threads per worker (default: the settings' default)")
    parser.add_argument("--allow-load", action="store_true",
                        help=f"run even when the load average is above {MAX_LOAD} (smoke runs: not a result)")
    parser.add_argument("--direct-build", action="store_true",
                        help="write the build directly instead of running kg build --content")
    parser.add_argument("--build-timeout", type=float, default=1800, help="seconds kg build --content may take")
    parser.add_argument("--doc", type=Path, help="write the report into this Markdown file (docs/performance.md), "
                                                 "between its bench-run markers")
    parser.add_argument("--rdflib-max", type=int, default=1_000_000, help="largest size rdflib-endpoint serves")
    parser.add_argument("--scan-max", type=int, default=10_000_000, help="largest size for the SPARQL scan timing")
    parser.add_argument("--skip", default="", help="comma-separated targets to leave out, e.g. 'publication list'")
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) and a JSON of the figures here")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        parser.error("needs wrk: apt-get install wrk")
    if not shutil.which("oxigraph"):
        parser.error("needs the Oxigraph server: pip install oxigraph (or pip install -e '.[bench]')")
    args.workdir.mkdir(parents=True, exist_ok=True)
    SKIP.update(t.strip() for t in args.skip.split(",") if t.strip())
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    busy = float(load.split()[0]) > MAX_LOAD
    if busy and not args.allow_load:
        print(f"refusing to run: load average {load} (1 minute above {MAX_LOAD}); figures from a busy machine "
              "are not figures. Wait for a quiet machine, or pass --allow-load for a smoke run.", file=sys.stderr)
        return 2
    results: list[Result] = []
    facts: dict = {}
    for size in args.sizes.split(","):
        run_size(size.strip(), args, args.workdir, results, facts)
    report = table(results, facts, load, overridden=busy)
    print(report)
    if args.doc:
        write_doc(args.doc, report)
    if args.out:
        args.out.write_text(report)
        args.out.with_suffix(".json").write_text(json.dumps({"results": [r.__dict__ for r in results],
                                                             "facts": facts}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
