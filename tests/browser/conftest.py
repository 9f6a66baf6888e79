"""Browser fixtures: Debian's headless Chromium driven by Selenium against a real `kg serve` (the live_server fixture).

Skipped with the apt-get line when Chromium or its driver is missing (CI installs both and fails on such a skip).
axe-core comes from the npm registry (tests/browser/package.json; `.ci/run` runs `npm install` here).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
NEEDS_CHROMIUM = "needs headless Chromium: apt-get install chromium chromium-driver"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
README_SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot-home.png"


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the session, logging the console and the network."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(NEEDS_CHROMIUM)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--lang=en-US", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from node_modules (installed by `npm install` in tests/browser)."""
    if not AXE.exists():
        message = "needs axe-core from the npm registry: cd tests/browser && npm install"
        if os.environ.get("KG_CI") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@dataclass
class Visit:
    """What happened while a page was open: console messages and every URL the browser asked for."""

    url: str
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class Site:
    """The live server seen through the browser: open pages, read their logs, take screenshots."""

    def __init__(self, driver, root: str):
        self.driver, self.root = driver, root

    def drain(self) -> tuple[list[dict], list[str]]:
        """Console entries and requested URLs since the last call."""
        console = self.driver.get_log("browser")
        requests = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.requestWillBeSent":
                continue
            params = message["params"]
            # Requests our pages make (the browser's own chrome:// pages at start-up are not the site's)
            if params.get("documentURL", "").startswith(self.root) or params["request"]["url"].startswith(self.root):
                requests.append(params["request"]["url"])
        return console, requests

    def open(self, path: str, width: int = 1280, height: int = 900) -> Visit:
        """Open a page at a window size and wait until it is loaded."""
        self.drain()
        self.driver.set_window_size(width, height)
        if "lang=" not in path:
            self.driver.delete_all_cookies()  # a language chosen by an earlier test must not carry over
        self.driver.get(self.root + path.lstrip("/"))
        self.wait_loaded()
        return self.visit()

    def wait_loaded(self, leaving=None) -> None:
        """Wait until the page is loaded; after a click that navigates, pass the old page's <html> element as
        `leaving`: the old page is "complete" too until the new one replaces it (kept answers come fast)."""
        deadline = time.time() + 30
        if leaving is not None:
            from selenium.webdriver.support import expected_conditions
            from selenium.webdriver.support.ui import WebDriverWait

            WebDriverWait(self.driver, 30).until(expected_conditions.staleness_of(leaving))
        while self.driver.execute_script("return document.readyState") != "complete":
            if time.time() > deadline:
                raise AssertionError("page did not finish loading")
            time.sleep(0.05)

    def visit(self) -> Visit:
        console, requests = self.drain()
        resources = self.driver.execute_script(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
            ".map(e => e.name)")
        return Visit(self.driver.current_url, console, sorted(set(requests) | set(resources)))

    def screenshot(self, name: str, width: int, *, full: bool = True, height: int = 900) -> Path:
        """A PNG of the page at a width (the whole page by default) under test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.set_window_size(width, height)
        if full:
            total = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, min(max(total, height), 12000))
        self.driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.2)
        path = SCREENSHOTS / f"{name}-{width}.png"
        self.driver.save_screenshot(str(path))
        return path


@pytest.fixture(scope="session")
def site(browser, live_server) -> Site:
    return Site(browser, live_server)
