"""Shared fixtures: settings, a store built from the bundled profile, the app, a client, a real `kg serve`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from kg.settings import BUNDLED_CONTENT, PROJECT_ROOT, load_settings

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """A store built once from the bundled profile (base IRI http://127.0.0.1:8000/)."""
    from kg.build.pipeline import build

    folder = tmp_path_factory.mktemp("store")
    build(load_settings({"store": folder}, environ={}))
    return folder


@pytest.fixture(scope="session")
def settings(store_dir):
    return load_settings({"store": store_dir}, environ={})


@pytest.fixture(scope="session")
def store(settings):
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store)


@pytest.fixture(scope="session")
def app(settings, store):
    from web import create_app

    app = create_app(settings, store)
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real `kg serve` process on a free loopback port, over its own store; yields its base URL."""
    port = free_port()
    folder = tmp_path_factory.mktemp("live-store")
    env = {**os.environ, "KG_WORKERS": "2", "KG_THREADS": "4"}
    env.pop("KG_CONFIG", None)
    kg = shutil.which("kg") or ""
    cmd = [kg] if kg else [sys.executable, "-m", "kg"]
    proc = subprocess.Popen([*cmd, "serve", "--port", str(port), "--store", str(folder),
                             "--content", str(BUNDLED_CONTENT)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    import urllib.request

    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("kg serve exited:\n" + proc.stdout.read().decode(errors="replace"))
        try:
            urllib.request.urlopen(url + "robots.txt", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("kg serve did not answer within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# CI runs the property tests on a fixed sequence of examples, so whether a submission lands does not depend on the
# draw; elsewhere every run draws new ones (and FUZZ_EXAMPLES=N runs a longer campaign) to find what CI cannot.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("KG_CI") == "1":
    hypothesis_settings.load_profile("ci")


MISSING_PACKAGE = ("apt-get install", "pip install")  # the install line every skip for a missing package gives


def skipped_for_a_missing_package(message: str) -> bool:
    """True when a skip message names an install line (a system package, or a server installed with pip)."""
    return any(line in message for line in MISSING_PACKAGE)


def pytest_sessionfinish(session, exitstatus):
    """In CI (KG_CI=1) a test skipped for a missing package fails the run."""
    if os.environ.get("KG_CI") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    missing = [r for r in skipped if skipped_for_a_missing_package(str(r.longrepr))]
    if missing:
        reporter.write_line(f"KG_CI: {len(missing)} test(s) skipped for a missing system package", red=True)
        session.exitstatus = 1
