"""Real SPARQL servers for the tests, each started on a free loopback port in a temporary folder.

- Oxigraph server: the `oxigraph` command of the PyPI package `oxigraph` (a test dependency).
- OpenLink Virtuoso: `virtuoso-t` of the Debian package `virtuoso-opensource`, with a minimal virtuoso.ini;
  queries on /sparql, updates on /sparql-auth and the Graph Store Protocol on /sparql-graph-crud-auth with the
  default dba:dba account (digest auth).

Where a server is missing its tests are skipped with the install line (CI installs both and fails on the skip).
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import socket

import pytest

VIRTUOSO_MISSING = "needs Virtuoso: apt-get install virtuoso-opensource"
OXIGRAPH_MISSING = "needs the Oxigraph server: pip install oxigraph (the test extra installs it)"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 60
CaseMode = 2
TransactionAfterImageLimit = 1500000000

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}/vsp
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 30
MaxQueryCostEstimationTime = 400
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running SPARQL server: where to query, update and load graphs, and with which credentials."""

    name: str
    endpoint: str
    update_endpoint: str
    store_endpoint: str
    user: str | None = None
    password: str | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)
    log: Path | None = None

    def settings_flags(self) -> dict:
        return {"endpoint": self.endpoint, "update_endpoint": self.update_endpoint,
                "endpoint_user": self.user, "endpoint_password": self.password}

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    probe = url + ("&" if "?" in url else "?") + "query=ASK%7B%7D"
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the server did not answer within {seconds:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def start_oxigraph(folder: Path) -> Server:
    """`oxigraph serve` on a free port over an on-disk store in folder."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip(OXIGRAPH_MISSING)
    port = free_port()
    log = folder / "oxigraph.log"
    process = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait(url + "/query", process, log)
    return Server("oxigraph", url + "/query", url + "/update", url + "/store", process=process, log=log)


def start_virtuoso(folder: Path) -> Server:
    """`virtuoso-t +foreground` on free ports with a minimal virtuoso.ini in folder."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip(VIRTUOSO_MISSING)
    http_port, sql_port = free_port(), free_port()
    (folder / "vsp").mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "virtuoso.out"
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}"
    _wait(url + "/sparql", process, log, seconds=120)
    return Server("virtuoso", url + "/sparql", url + "/sparql-auth", url + "/sparql-graph-crud-auth",
                  user="dba", password="dba", process=process, log=log)


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


class Servers:
    """Starts each kind of server once per test session, on first use, and stops them all at the end."""

    _shared: "Servers | None" = None

    def __init__(self, root: Path):
        self.root = root
        self.running: dict[str, Server] = {}

    @classmethod
    def shared(cls, tmp_path_factory) -> "Servers":
        """One set of servers for every test module of the session."""
        if cls._shared is None:
            cls._shared = cls(tmp_path_factory.mktemp("sparql-servers"))
        return cls._shared

    def get(self, name: str) -> Server:
        if name not in self.running:
            folder = self.root / name
            folder.mkdir(parents=True, exist_ok=True)
            self.running[name] = STARTERS[name](folder)
        return self.running[name]

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()
