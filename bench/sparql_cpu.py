"""CPU per ad-hoc `/sparql` request, answer cache off: what a request costs the server, whatever else the machine
runs. A figure, not a test; never load (no wrk): N sequential requests on one keep-alive connection.

    python bench/sparql_cpu.py                                             # this tree, 100k triples
    python bench/sparql_cpu.py --tree before=/tmp/main-copy --tree after=.  # two trees, one run
    python bench/sparql_cpu.py --profile /tmp/prof  # plus a py-spy profile per tree (raw + summary)

It generates the bench's institute (bench/generate.py, --size, default 100k) into --workdir and writes its build
the way bench/run.py does (both reused when there). For each tree it starts `kg serve --store S` with
KG_SPARQL_CACHE_BYTES=0 (every request runs its query in the pool; --cache leaves the answer cache on), and,
when `oxigraph` is on PATH, `oxigraph serve --union-default-graph` on the same quads as the reference. The
queries are bench/run.py's: the named queries NAMED bound as it binds them, sent as `GET /sparql?query=` with
one Accept per results format.

CPU is utime + stime (+ cutime + cstime, so reaped query children count) summed over the server's whole process
tree (server main process, workers, query children) from /proc/PID/stat, read before and after the N requests; the
client's own CPU is not in it. Trees are measured in turn for each query and format, `--rounds` times, and the
lowest figure is kept (other load on the machine only adds).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the generator, the direct build, the server starter, the queries)

FORMATS = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values"}
TICK = os.sysconf("SC_CLK_TCK")


def tree_pids(root: int) -> list[int]:
    """root and every process below it, from /proc."""
    children = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children[int(fields[1])].append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def tree_cpu(root: int) -> float:
    """CPU seconds used by the process tree under root, reaped children included."""
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def client(url: str) -> http.client.HTTPConnection:
    parsed = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)


def send(conn: http.client.HTTPConnection, path: str, accept: str) -> bytes:
    """One GET on a kept-alive connection; its body, or RuntimeError unless 200."""
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path[:80]}... answered {response.status}: {body[:300]!r}")
    return body


def cpu_per_request(pid: int, url: str, path: str, accept: str, n: int, distinct: bool = False) -> float:
    """Milliseconds of the server tree's CPU per request, over n sequential requests after a warm-up; distinct:
    each request's text made unique by a trailing comment, as truly ad-hoc queries are (nothing kept helps)."""
    conn = client(url)
    paths = [path + (f"%0A%23+{time.monotonic_ns()}-{i}" if distinct else "") for i in range(n + 5)]
    try:
        for i in range(5):
            send(conn, paths[i], accept)
        time.sleep(0.05)
        before = tree_cpu(pid)
        for i in range(5, n + 5):
            send(conn, paths[i], accept)
        time.sleep(0.05)  # let a worker finish its bookkeeping (access log) before reading
        return (tree_cpu(pid) - before) * 1000 / n
    finally:
        conn.close()


def profile(pid: int, url: str, paths: list[tuple[str, str]], seconds: float, out: Path) -> Path:
    """py-spy's raw profile of the server tree while requests of `paths` are sent in turn; the raw file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(["py-spy", "record", "-r", "200", "-f", "raw", "--subprocesses", "--nonblocking",
                            "-d", str(int(seconds)), "-p", str(pid), "-o", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)
    conn = client(url)
    stop = time.monotonic() + seconds - 1.5
    while time.monotonic() < stop:
        for path, accept in paths:
            send(conn, path, accept)
    conn.close()
    _, err = spy.communicate(timeout=seconds + 60)
    if spy.returncode:
        raise RuntimeError(f"py-spy failed: {err.decode()[-500:]}")
    return out


def summarise(raw: Path, top: int = 40) -> str:
    """Inclusive and self share of samples per function in a py-spy raw profile, idle threads left out."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if any(idle in frames[-1] for idle in ("wait (threading.py", "select (selectors.py", "_read_blocking",
                                                 "poll (", "accept (", "sleep (")):
            continue
        n = int(count)
        total += n
        for frame in set(frames[1:]):  # the first frame names the process
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} busy samples", "", "inclusive % | function"]
    lines += [f"{100 * c / total:6.1f} | {f}" for f, c in inclusive.most_common(top)]
    lines += ["", "self % | function"] + [f"{100 * c / total:6.1f} | {f}" for f, c in own.most_common(top)]
    return "\n".join(lines)


def queries(url: str, counts: dict) -> dict[str, str]:
    """bench/run.py's ad-hoc queries: each named query of NAMED with its parameter bound the way it binds them."""
    from kg.store.queries import bind, load_queries
    from kg.store.remote import substitute

    values = {"person": counts["person"], "paper": run._a_paper_of(url, counts["person"]), "q": counts["keyword"]}
    named = load_queries()
    return {name: substitute(named[name].sparql, bind(named[name], {param: values[param]}, run.BASE))
            for name, param in run.NAMED}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="100k", choices=sorted(run.SIZES))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kg-sparql-cpu")
    parser.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR",
                        help="a checkout of the project to serve from (repeatable); default: this one")
    parser.add_argument("--n", type=int, default=300, help="requests per query, format and tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", default=",".join(name for name, _ in run.NAMED))
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--distinct", action="store_true", help="a new query text for every request")
    parser.add_argument("--cache", action="store_true", help="leave the /sparql answer cache on (the default of "
                        "kg serve): what a repeated query costs")
    parser.add_argument("--profile", type=Path, help="a folder for py-spy profiles (raw and summary per tree)")
    parser.add_argument("--profile-seconds", type=float, default=20)
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    logs = args.workdir / "logs"
    logs.mkdir(exist_ok=True)
    folder, counts = run.generated(args.workdir, args.size)
    store_dir = args.workdir / f"store-{args.size}"
    if not (store_dir / "current").exists():
        run.load_build(folder, store_dir)
    trees = [tuple(t.split("=", 1)) for t in args.tree] or [("this tree", str(ROOT))]
    names = args.queries.split(",")
    formats = args.formats.split(",")

    servers: list[tuple[str, run.Proc]] = []
    try:
        for label, tree in trees:
            port = run.free_port()
            env = {"PYTHONPATH": str(Path(tree).resolve()), **({} if args.cache else {"KG_SPARQL_CACHE_BYTES": "0"})}
            proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store_dir.resolve()),
                                     "--port", str(port)], cwd=tree, env={**os.environ, **env},
                                    stdout=(logs / f"{label}.log").open("wb"), stderr=subprocess.STDOUT,
                                    start_new_session=True)
            servers.append((label, _ready(run.Proc(label, f"http://127.0.0.1:{port}", proc), "/robots.txt")))
        if shutil.which("oxigraph"):
            oxdir = args.workdir / "oxigraph"
            shutil.rmtree(oxdir, ignore_errors=True)
            subprocess.run(["oxigraph", "load", "--location", str(oxdir), "--file",
                            str(store_dir / "current" / "graph.nq")], check=True, capture_output=True)
            port = run.free_port()
            proc = subprocess.Popen(["oxigraph", "serve", "--location", str(oxdir), "--bind", f"127.0.0.1:{port}",
                                     "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            servers.append(("oxigraph serve", _ready(run.Proc("oxigraph", f"http://127.0.0.1:{port}", proc),
                                                      "/query?query=ASK%7B%7D")))
        texts = queries(servers[0][1].url, counts)
        paths = {}
        for label, server in servers:
            prefix = "/query" if label == "oxigraph serve" else "/sparql"
            paths[label] = {name: f"{prefix}?" + urllib.parse.urlencode({"query": texts[name]}) for name in names}
        best: dict[tuple[str, str, str], float] = {}
        for _ in range(args.rounds):
            for name in names:
                for fmt in formats:
                    for label, server in servers:
                        ms = cpu_per_request(server.process.pid, server.url, paths[label][name], FORMATS[fmt],
                                             args.n, args.distinct)
                        key = (name, fmt, label)
                        best[key] = min(best.get(key, ms), ms)
        labels = [label for label, _ in servers]
        print(f"CPU ms per request of the server's process tree (lowest of {args.rounds} rounds of {args.n} "
              f"sequential requests{', each a distinct text' if args.distinct else ''}"
              f"{', answer cache on' if args.cache else ''}; store {store_dir}, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f})\n")
        print("| query | format | " + " | ".join(labels) + " |")
        print("| --- | --- |" + " ---: |" * len(labels))
        for name in names:
            for fmt in formats:
                print(f"| {name} | {fmt} | " + " | ".join(f"{best[(name, fmt, label)]:.2f}" for label in labels)
                      + " |")
        if args.profile:
            for label, server in servers:
                if label == "oxigraph serve":
                    continue
                raw = profile(server.process.pid, server.url,
                              [(paths[label][name], FORMATS[fmt]) for name in names for fmt in formats],
                              args.profile_seconds, args.profile / f"{label.replace(' ', '-')}.raw")
                summary = raw.with_suffix(".txt")
                summary.write_text(summarise(raw))
                print(f"\nprofile of {label}: {raw} (summary {summary})")
    finally:
        for _, server in servers:
            server.stop()
    return 0


def _ready(proc: "run.Proc", probe: str, timeout: float = 120) -> "run.Proc":
    """proc once it answers probe; RuntimeError if it exits or does not answer in time."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.process.poll() is not None:
            raise RuntimeError(f"{proc.name} exited (status {proc.process.returncode})")
        try:
            conn = client(proc.url)
            conn.request("GET", probe)
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.stop()
    raise RuntimeError(f"{proc.name} did not answer within {timeout:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
