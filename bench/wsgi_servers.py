"""kg serve (Granian) against the same site on gunicorn (gthread, preloaded, as kg serve ran until stop 20) and on
waitress: req/s and latency with wrk, side by side in one run.

    python bench/wsgi_servers.py [--store DIR] [--seconds 10] [--path /some/page ...]

Every server serves the same app (web.server.site_app, behind the same access log) with the settings' workers and
threads, and with the /sparql answer cache off, so a /sparql path measures running its query. Without --store
the bundled profile is built first. Needs `pip install -e '.[bench]'` (gunicorn, waitress) and
`apt-get install wrk`. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["/id/person/alex-hernandez-garcia.ttl", "/id/paper/multi-objective-gflownets", "/queries/coauthors.json",
         "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?p ?n WHERE { ?p a <http://schema.org/Person> ; "
                                                       "<http://schema.org/name> ?n } LIMIT 20"})]
GUNICORN = """
import sys
from gunicorn.app.base import BaseApplication
from kg.settings import load_settings
from web.accesslog import AccessLog
from web.server import site_app

settings = load_settings({"store": sys.argv[1], "port": int(sys.argv[2])})


class Gunicorn(BaseApplication):
    def load_config(self):
        for key, value in {"bind": f"127.0.0.1:{sys.argv[2]}", "workers": settings.workers,
                           "threads": settings.threads, "worker_class": "gthread", "preload_app": True}.items():
            self.cfg.set(key, value)

    def load(self):
        return AccessLog(site_app(settings))


Gunicorn().run()
"""
WAITRESS = """
import sys
from waitress import serve
from kg.settings import load_settings
from web.accesslog import AccessLog
from web.server import site_app

settings = load_settings({"store": sys.argv[1], "port": int(sys.argv[2])})
serve(AccessLog(site_app(settings)), host="127.0.0.1", port=int(sys.argv[2]), threads=settings.threads, _quiet=True)
"""


def wait(url: str) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str, seconds: int, accept: str) -> tuple[float, str, str]:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}", url],
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="a built store (default: the bundled profile, built into a temporary "
                        "folder)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--path", action="append", help="a path to measure (repeatable; default: the bundled "
                        "profile's person and paper pages, a named query and a /sparql query)")
    args = parser.parse_args()
    store = args.store
    if store is None:
        store = str(Path(tempfile.gettempdir()) / "kg-bench-wsgi")
        subprocess.run([sys.executable, "-m", "kg", "build", "--store", store, "--base-iri",
                        "http://127.0.0.1:8000/"], check=True, capture_output=True)
    servers = {
        "kg serve (Granian)": [sys.executable, "-m", "kg", "serve", "--store", store, "--port", "8101"],
        "gunicorn gthread": [sys.executable, "-c", GUNICORN, store, "8102"],
        "waitress": [sys.executable, "-c", WAITRESS, store, "8103"],
    }
    env = {**os.environ, "KG_SPARQL_CACHE_BYTES": "0", "PYTHONPATH": str(ROOT)}
    print("| server | path | req/s | p50 | p99 |\n| --- | --- | ---: | ---: | ---: |")
    for port, (name, cmd) in enumerate(servers.items(), start=8101):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            wait(f"http://127.0.0.1:{port}/robots.txt")
            for path in args.path or PATHS:
                accept = "application/sparql-results+json" if path.startswith("/sparql") else "text/html"
                rps, p50, p99 = wrk(f"http://127.0.0.1:{port}{path}", args.seconds, accept)
                print(f"| {name} | {path[:60]} | {rps:,.0f} | {p50} | {p99} |", flush=True)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
