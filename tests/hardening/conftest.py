"""Fixtures for the hardening tests: a hostile copy of the bundled content, and real `kg serve` processes on it.

`planted` is the bundled profile plus private facts, each carrying the token MARK (searched case-insensitively in
every public answer), a resume project whose URL is `javascript:alert(1)` and whose description is markup, and
URLs pointing at `listener`, a loopback socket server that must never be contacted: nothing the server or the
build does may fetch a URL found in the data.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from kg.settings import BUNDLED_CONTENT

MARK = "qzx"  # every planted private value contains it; the bundled profile does not
PHONE = "+1-555-0199-QZXPHONE"
EMAIL = "qzxmail@example.org"
PRIVATE_PAPER = "Secret Paper Under Review QZXPAPER"
STATUS_PAPER = "Submitted Manuscript QZXSTATUS"
PRIVATE_WORK = "Qzxwork Corporation"
PRIVATE_PROJECT = "Qzxproject Hidden Tool"
PRIVATE_ENTITY = "Qzxlab Secret Laboratory"
PRIVATE_PAGE_ORG = "Qzxhome Institute"
JAVASCRIPT_URL = "javascript:alert(1)"
XSS = '<img src=x onerror=alert(1)><script>alert("xss-probe")</script>'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kg_command() -> list[str]:
    """How to run `kg` from a test: the installed script, or the module."""
    kg = shutil.which("kg", path=str(Path(sys.executable).parent)) or shutil.which("kg")
    return [kg] if kg else [sys.executable, "-m", "kg"]


class Listener:
    """A TCP server on loopback that records every connection made to it (it should see none)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.hits: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(4096) or b"(connected)")
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhit\n")
                except OSError:
                    self.hits.append(b"(connected)")

    def close(self) -> None:
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


def plant(folder: Path, listener_url: str = "http://127.0.0.1:9/") -> Path:
    """Copy the bundled content to folder; plant the private facts, the javascript: URL, markup, listener URLs."""
    shutil.copytree(BUNDLED_CONTENT, folder)
    resume_path = folder / "resume.json"
    resume = json.loads(resume_path.read_text(encoding="utf-8"))
    resume["basics"]["image"] = listener_url + "portrait.png"
    resume["basics"]["profiles"] = [{"network": "Example", "url": listener_url + "profile"}]
    resume["basics"]["phone"] = PHONE
    resume["basics"]["email"] = EMAIL
    resume["work"].append({"name": PRIVATE_WORK, "position": "Chief Scientist", "startDate": "2027-01",
                           "url": "https://qzxwork.example.com", "private": True})
    resume["projects"].append({"name": PRIVATE_PROJECT, "url": "https://github.com/example/qzx-hidden",
                               "description": "An unreleased qzx tool", "private": True})
    resume["projects"].append({"name": "Harmless Demo Project", "url": JAVASCRIPT_URL, "description": XSS,
                               "repository": listener_url + "repository"})
    resume["interests"].append({"name": "Qzxinterest Topic", "private": True})
    resume_path.write_text(json.dumps(resume, indent=1, ensure_ascii=False), encoding="utf-8")
    with open(folder / "papers.bib", "a", encoding="utf-8") as bib:
        bib.write("\n@article{qzx2026secret,\n  title = {" + PRIVATE_PAPER + "},\n"
                  "  author = {Hernandez-Garcia, Alex and Qzxcoauthor, Hidden},\n  year = {2026},\n"
                  "  journal = {Qzx Journal},\n  abstract = {Qzx abstract.},\n  primaryClass = {qzx.XX},\n"
                  "  private = {true}\n}\n"
                  "\n@misc{qzx2026status,\n  title = {" + STATUS_PAPER + "},\n"
                  "  author = {Hernandez-Garcia, Alex},\n  year = {2026},\n  status = {under review}\n}\n"
                  "\n@article{listener2025,\n  title = {A Public Paper With Remote Links},\n"
                  "  author = {Hernandez-Garcia, Alex},\n  year = {2025},\n  url = {" + listener_url + "paper},\n"
                  "  pdf = {" + listener_url + "paper.pdf},\n  doi = {10.1234/listener}\n}\n")
    entities_path = folder / "entities.yml"
    declared = yaml.safe_load(entities_path.read_text(encoding="utf-8"))
    declared["entities"].append({"name": "Listener Institute", "kind": "organization", "url": listener_url,
                                 "sameAs": [listener_url + "same-as"], "description": XSS})
    declared["entities"].append({"name": PRIVATE_ENTITY, "kind": "organization", "url": "https://qzxlab.example.org",
                                 "description": "qzx secret", "private": True})
    entities_path.write_text(yaml.safe_dump(declared, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "notes-qzxfile.md").write_text(
        "---\ntitle: Qzx private notes\nprivate: true\n---\n"
        f"I am a visiting researcher at [{PRIVATE_PAGE_ORG}](https://qzxhome.example.org), since 2026.\n",
        encoding="utf-8")
    return folder


def build(content: Path, store: Path, base: str) -> subprocess.CompletedProcess:
    """Run `kg build` as the owner would; raises with its output when it fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    done = subprocess.run([*kg_command(), "build", "--content", str(content), "--store", str(store),
                           "--base-iri", base], capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"kg build failed:\n{done.stdout}\n{done.stderr}")
    return done


@dataclass
class Server:
    """A running `kg serve`: its URL, process and log file."""

    url: str
    port: int
    proc: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(store: Path, log: Path, port: int | None = None, env: dict[str, str] | None = None,
                 content: Path | None = None, endpoint: str | None = None) -> Server:
    """Start `kg serve` on a store (as built, or rebuilding from content, or pushed to a SPARQL endpoint) and wait
    until it answers."""
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    full_env.update({"KG_WORKERS": "2", "KG_THREADS": "4", **(env or {})})
    args = [*kg_command(), "serve", "--port", str(port), "--store", str(store)]
    if endpoint is not None:
        args += ["--endpoint", endpoint, "--base-iri", f"http://127.0.0.1:{port}/"]
    if content is not None:
        args += ["--content", str(content), "--base-iri", f"http://127.0.0.1:{port}/"]
    handle = open(log, "wb")
    proc = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=full_env)
    handle.close()
    url = f"http://127.0.0.1:{port}/"
    server = Server(url, port, proc, log)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("kg serve exited:\n" + server.log_text())
        try:
            urllib.request.urlopen(url + "robots.txt", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("kg serve did not answer within 60 s:\n" + server.log_text())


@pytest.fixture(scope="session")
def listener():
    """The loopback listener the planted data points at; it must see no connection all session long."""
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="session")
def planted(tmp_path_factory, listener) -> tuple[Path, Path, int]:
    """(content folder, store folder, port) of the planted profile, built for a server on that port."""
    root = tmp_path_factory.mktemp("planted")
    port = free_port()
    content = plant(root / "content", listener.url)
    build(content, root / "store", f"http://127.0.0.1:{port}/")
    return content, root / "store", port


@pytest.fixture(scope="session")
def planted_server(planted, tmp_path_factory):
    """A real `kg serve` over the planted store, as built; the secret switches updates on."""
    _, store, port = planted
    log = tmp_path_factory.mktemp("planted-log") / "serve.log"
    server = start_server(store, log, port=port, env={"KG_UPDATE_SECRET": SECRET,
                                                             "KG_QUERY_TIMEOUT": str(LIVE_TIMEOUT)})
    yield server
    server.stop()


LIVE_TIMEOUT = 1.5  # query_timeout of the live servers, seconds
SECRET = "s3cret-QZXUPDATE-token-9f2c"  # the update secret of planted_server; never in its log


@pytest.fixture(scope="session")
def planted_app(planted):
    """An in-process app over the planted store (what the public server serves)."""
    from kg.settings import load_settings
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    _, store, port = planted
    settings = load_settings({"store": store, "port": port, "query_timeout": LIVE_TIMEOUT}, environ={})
    app = create_app(settings, EmbeddedStore(store))
    app.config["TESTING"] = True
    return app
