"""Gunicorn (gthread) against waitress on the same app and store: req/s and latency with wrk, side by side.

    python bench/wsgi_servers.py [--store DIR] [--seconds 10]

Needs `pip install waitress` and `apt-get install wrk`. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
import urllib.request

PATHS = ["/id/person/alex-hernandez-garcia.ttl", "/id/paper/multi-objective-gflownets", "/queries/coauthors.json"]
WAITRESS = """
import sys
from waitress import serve
from kg.settings import load_settings
from web import create_app
settings = load_settings({"store": sys.argv[1], "port": int(sys.argv[2])})
serve(create_app(settings), host="127.0.0.1", port=int(sys.argv[2]), threads=8, _quiet=True)
"""


def wait(url: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str, seconds: int) -> tuple[float, str, str]:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default=".kg-bench-wsgi")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "kg", "build", "--store", args.store, "--base-iri",
                    "http://127.0.0.1:8000/"], check=True, capture_output=True)
    servers = {
        "gunicorn gthread 2x4": ([sys.executable, "-m", "kg", "serve", "--store", args.store, "--port", "8101"], 8101),
        "waitress 1x8": ([sys.executable, "-c", WAITRESS, args.store, "8102"], 8102),
    }
    print("| server | path | req/s | p50 | p99 |\n| --- | --- | ---: | ---: | ---: |")
    for name, (cmd, port) in servers.items():
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait(f"http://127.0.0.1:{port}/robots.txt")
            for path in PATHS:
                rps, p50, p99 = wrk(f"http://127.0.0.1:{port}{path}", args.seconds)
                print(f"| {name} | {path} | {rps:,.0f} | {p50} | {p99} |", flush=True)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
