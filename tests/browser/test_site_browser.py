"""The site as a person sees it, in headless Chromium against a real `kg serve`: navigation, pictures, console,
network, accessibility (axe-core) and screenshots at desktop and phone widths."""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest

from kg.store.queries import load_queries, run
from kg.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
README_SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot-home.png"
PAGES = ["/", "/papers", "/history", "/history?as_of=2022-06-01", "/quality"]
SERIOUS = {"serious", "critical"}


def named(store, name: str, **values) -> list[dict]:
    return run(store, load_queries()[name], values, store.meta.base)


def value(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def assert_clean(visit, root: str) -> None:
    """No console error and no request outside the site."""
    errors = [e for e in visit.console if e.get("level") == "SEVERE"]
    assert not errors, f"console errors on {visit.url}: {errors}"
    # data: URLs are the browser's own (the date input's calendar icon): they are not requests
    outside = [u for u in visit.requests if not u.startswith(root) and not u.startswith(("data:", "blob:"))]
    assert not outside, f"{visit.url} requested {outside}"


# ---------------------------------------------------------------- reading the site


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_cleanly(site, live_server, path):
    visit = site.open(path)
    assert_clean(visit, live_server)
    assert len(css(site.driver, "h1")) == 1
    assert site.driver.execute_script("return document.documentElement.lang") == "en"


def test_home_shows_the_owner_and_the_prose(site, live_server, store):
    owner = named(store, "owner-profile")[0]
    visit = site.open("/")
    assert css(site.driver, "h1")[0].text == value(owner, "name")
    portrait = css(site.driver, "img.portrait")[0]
    assert site.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", portrait), \
        "the placeholder portrait loads"
    sections = css(site.driver, "section.prose h2")
    assert len(sections) >= 4
    assert_clean(visit, live_server)


def test_follow_a_coauthor_then_a_paper(site, live_server):
    site.open("/")
    node = css(site.driver, "#coauthor-network svg a.node")[0]
    target = live_server + node.get_dom_attribute("href").lstrip("/")
    name = node.get_attribute("aria-label").split(":")[0]
    site.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", node)
    page = site.driver.find_element("tag name", "html")
    node.click()
    site.wait_loaded(leaving=page)
    assert site.driver.current_url == target and "/id/person/" in target
    assert name in css(site.driver, "h1")[0].text
    visit = site.visit()
    assert_clean(visit, live_server)

    paper_link = next(a for a in css(site.driver, "main a") if "/id/paper/" in (a.get_attribute("href") or ""))
    paper = paper_link.get_attribute("href")
    site.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", paper_link)
    page = site.driver.find_element("tag name", "html")
    paper_link.click()
    site.wait_loaded(leaving=page)
    assert site.driver.current_url.split("#")[0] == paper
    assert css(site.driver, "h1")[0].text
    assert_clean(site.visit(), live_server)


def test_abstract_folds_open(site, live_server):
    site.open("/papers")
    details = css(site.driver, "details.abstract")[0]
    text = details.find_element("css selector", "p")
    assert not text.is_displayed()
    summary = details.find_element("css selector", "summary")
    site.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    assert details.get_attribute("open") is not None
    assert text.is_displayed() and len(text.text) > 50
    assert_clean(site.visit(), live_server)


def test_filter_by_coauthor(site, live_server, store):
    coauthor = named(store, "coauthors")[0]
    slug = value(coauthor, "coauthor").rsplit("/", 1)[-1]
    # the owner's list shows every paper of the co-author (the owner may hide behind "et al.")
    papers = {value(r, "paper") for r in named(store, "person-papers", person=value(coauthor, "coauthor"))}
    site.open("/papers")
    from selenium.webdriver.support.ui import Select

    Select(css(site.driver, "#filter-coauthor")[0]).select_by_value(slug)
    page = site.driver.find_element("tag name", "html")
    css(site.driver, "#papers-filter button[type=submit]")[0].click()
    site.wait_loaded(leaving=page)
    assert f"coauthor={slug}" in site.driver.current_url
    assert len(css(site.driver, "li.paper")) == len(papers) >= int(value(coauthor, "papers"))
    assert_clean(site.visit(), live_server)


# ---------------------------------------------------------------- pictures


def rendered(driver, element) -> bool:
    box = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", element)
    return box[0] > 100 and box[1] > 100


def test_coauthor_network_has_a_node_per_coauthor(site, store):
    site.open("/")
    svg = css(site.driver, "#coauthor-network svg")[0]
    assert rendered(site.driver, svg)
    nodes = css(site.driver, "#coauthor-network svg .node")
    assert len(nodes) == len(named(store, "coauthors"))
    assert all(site.driver.execute_script("return arguments[0].getBBox().width > 0", n) for n in nodes[:5])


def test_publications_chart_has_a_bar_per_year(site, store):
    site.open("/papers")
    svg = css(site.driver, "#publications-per-year svg")[0]
    assert rendered(site.driver, svg)
    years: dict[str, int] = {}
    for row in named(store, "publications-by-year"):
        years[value(row, "year")] = years.get(value(row, "year"), 0) + 1
    bars = css(site.driver, "#publications-per-year svg .bar")
    assert {b.get_attribute("data-year"): int(b.get_attribute("data-count")) for b in bars} == years
    heights = [float(b.get_attribute("height")) for b in css(site.driver, "#publications-per-year svg .segment")]
    assert all(h > 0 for h in heights)


def test_career_timeline_has_a_bar_per_role(site, store):
    site.open("/history")
    svg = css(site.driver, "#career-timeline svg")[0]
    assert rendered(site.driver, svg)
    career = [r for r in named(store, "career-timeline") if value(r, "category") != "award"]
    stated = {value(r, "role") for r in named(store, "version-roles")}
    base = store.meta.base
    expected = {value(r, "role")[len(base):] for r in career if value(r, "start") or value(r, "role") in stated}
    bars = css(site.driver, "#career-timeline svg .bar")
    assert {b.get_attribute("data-key").split("/", 3)[-1] for b in bars} == expected


# ---------------------------------------------------------------- accessibility, layout, screenshots


def axe_violations(driver, axe_source: str) -> list[dict]:
    driver.execute_script(axe_source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
        ".catch(e => done({error: String(e)}));")
    assert not isinstance(result, dict), result
    return result


@pytest.mark.parametrize("path", [*PAGES, "/papers?lang=fr", "/?lang=es"])
def test_no_serious_accessibility_violation(site, axe_source, path):
    site.open(path)
    violations = axe_violations(site.driver, axe_source)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert not serious, serious


def test_resource_pages_pass_axe_too(site, axe_source):
    site.open("/")
    person = css(site.driver, "#coauthor-network svg a.node")[0].get_dom_attribute("href")
    site.open(person)
    assert not [v for v in axe_violations(site.driver, axe_source) if v["impact"] in SERIOUS]
    site.open("/papers")
    paper = css(site.driver, "li.paper h3 a")[0].get_attribute("href")
    site.open(paper)
    assert not [v for v in axe_violations(site.driver, axe_source) if v["impact"] in SERIOUS]


@pytest.mark.parametrize("width", [390, 360])
@pytest.mark.parametrize("path", PAGES)
def test_phone_width_needs_no_sideways_scrolling(site, path, width):
    site.open(path, width=width, height=800)
    overflow = site.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"


@pytest.mark.parametrize("path, name", [("/", "home"), ("/papers", "papers"), ("/history", "history"),
                                        ("/history?as_of=2022-06-01", "history-2022"), ("/quality", "quality")])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(site, path, name, width):
    site.open(path, width=width)
    shot = site.screenshot(name, width)
    assert shot.stat().st_size > 10_000
    if name == "home" and width == 1280:
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        site.open(path, width=width, height=1000)
        site.driver.save_screenshot(str(README_SCREENSHOT))


# ---------------------------------------------------------------- without JavaScript


def test_reading_works_without_javascript(live_server):
    """A second browser with JavaScript switched off: pages render and abstracts still fold open."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("needs headless Chromium: apt-get install chromium chromium-driver")
    profile = tempfile.mkdtemp(prefix="chromium-nojs-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.set_window_size(1280, 900)
        driver.get(live_server + "papers")
        time.sleep(0.2)
        details = css(driver, "details.abstract")[0]
        summary = details.find_element("css selector", "summary")
        summary.click()
        assert details.find_element("css selector", "p").is_displayed()
        driver.get(live_server)
        assert css(driver, "#coauthor-network svg .node")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
