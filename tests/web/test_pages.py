"""The pages for people (home, publications, history, quality): what they show, checked against the named queries."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import lxml.html
import pytest

from kg.store.queries import load_queries, run
from web import prose
from web.pictures import initials

PAGES = ["/", "/papers", "/history", "/history?as_of=2022-06-01", "/quality"]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def html_of(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.data)


def words(element) -> str:
    return " ".join(element.text_content().split())


def named(store, name: str, **values) -> list[dict]:
    return run(store, load_queries()[name], values, store.meta.base)


def value(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("path", PAGES)
def test_page_is_semantic_html(client, path):
    doc = html_of(client.get(path))
    assert doc.get("lang") in ("en", "fr", "es")
    assert len(doc.xpath("//h1")) == 1
    assert len(doc.xpath("//main")) == 1 and doc.xpath("//header") and doc.xpath("//footer")
    assert doc.xpath("//nav[@aria-label]")
    assert all(img.get("alt") for img in doc.xpath("//img")), "every image has a text alternative"
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"


@pytest.mark.parametrize("path", PAGES)
def test_no_request_leaves_the_site(client, path):
    """Scripts, styles, images, fonts and frames all come from the site itself."""
    doc = html_of(client.get(path))
    loaded = doc.xpath("//script/@src | //img/@src | //iframe/@src | //source/@src | //video/@src | //audio/@src"
                       " | //link[not(@rel='alternate')]/@href | //object/@data | //embed/@src")
    assert loaded, "the page loads at least its stylesheet"
    assert all(not urlsplit(url).netloc and not url.startswith("//") for url in loaded), loaded
    assert "@import" not in client.get("/static/style.css").get_data(as_text=True)
    assert "url(http" not in client.get("/static/style.css").get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_pages_work_without_javascript(client, path):
    doc = html_of(client.get(path))
    assert not doc.xpath("//script[not(@type='application/ld+json')]")
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")


def test_static_files_are_served_by_name_only(client):
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/..%2Fpages.py").status_code == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    doc = lxml.html.fromstring(response.data)
    assert doc.xpath("//h1") and doc.xpath("//a[@href='/']")


# ---------------------------------------------------------------- home


def test_home_shows_the_owner(client, store):
    owner = named(store, "owner-profile")[0]
    doc = html_of(client.get("/"))
    assert words(doc.xpath("//h1")[0]) == value(owner, "name")
    assert value(owner, "pronouns") in words(doc.xpath("//*[@id='owner-pronouns']")[0])
    portrait = doc.xpath("//img[@class='portrait']")[0]
    assert portrait.get("src") == "/portrait.svg"
    svg = client.get("/portrait.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert f">{initials(value(owner, 'name'))}</text>" in svg.get_data(as_text=True)


def test_home_shows_the_current_position(mini_client):
    """The mini profile's current homepage (2024) says assistant professor at DIRO, no longer the postdoc."""
    doc = html_of(mini_client.get("/"))
    position = words(doc.xpath("//*[@id='owner-position']")[0])
    assert "Assistant Professor" in position and "DIRO" in position and "Université de Montréal" in position
    assert "Postdoctoral" not in position
    assert "ML Reading Group" in words(doc.xpath("//*[@id='owner-affiliations']")[0])


def test_home_renders_the_current_homepage_sections(client, store):
    versions = named(store, "homepage-versions")
    sections = named(store, "homepage-sections", version=value(versions[0], "version"))
    assert sections, "the bundled profile has homepage prose"
    doc = html_of(client.get("/"))
    headings = [words(h) for h in doc.xpath("//section[contains(@class, 'prose')]/h2")]
    assert headings == [value(s, "name") for s in sections]


def test_links_in_the_prose_point_into_the_graph(client, store):
    """A Markdown link whose address is a known entity's schema:url links to the entity's page."""
    known = {prose.normalize_url(value(r, "url")): value(r, "entity") for r in named(store, "linked-entities")}
    doc = html_of(client.get("/"))
    links = doc.xpath("//section[contains(@class, 'prose')]//a")
    assert links
    inward = 0
    for a in links:
        source = a.get("data-source-url")
        if source:
            iri = known[prose.normalize_url(source)]
            assert a.get("href") == "/" + iri[len(store.meta.base):]
            inward += 1
        else:
            assert prose.normalize_url(a.get("href")) not in known, a.get("href")
    assert inward >= 5


def test_email_stays_obfuscated(client, store):
    html = client.get("/").get_data(as_text=True)
    assert not EMAIL.search(html)
    data = json.dumps(json.loads(client.get("/").get_data(as_text=True).split('application/ld+json">')[1]
                                 .split("</script>")[0]))
    assert not EMAIL.search(data)
    assert "mila.quebec" in html  # the address is there, as the source writes it


def test_home_embeds_a_profile_page(client, store):
    owner = named(store, "owner-profile")[0]
    doc = html_of(client.get("/"))
    scripts = doc.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@type"] == "ProfilePage"
    assert data["mainEntity"]["@type"] == "Person"
    assert data["mainEntity"]["@id"] == value(owner, "owner")
    assert data["mainEntity"]["name"] == value(owner, "name")


def jsonld_blocks(client, path: str) -> list[dict]:
    """Every JSON-LD block a page embeds."""
    doc = html_of(client.get(path))
    return [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]


def test_home_works_for_lists_current_employers_once_each(client, store):
    """worksFor holds the organizations the profile says the owner works for today, each once; alumniOf too."""
    import datetime as dt

    (data,) = jsonld_blocks(client, "/")
    person = data["mainEntity"]
    today = dt.date.today().isoformat()
    current = {value(r, "organization") for r in named(store, "profile-as-of", date=today)
               if value(r, "category") == "work"}
    assert current, "the bundled profile has current positions"
    works_for = person["worksFor"] if isinstance(person["worksFor"], list) else [person["worksFor"]]
    assert [w["@id"] for w in works_for] == list(dict.fromkeys(w["@id"] for w in works_for))
    assert {w["@id"] for w in works_for} == current
    alumni = person["alumniOf"] if isinstance(person["alumniOf"], list) else [person["alumniOf"]]
    assert len({a["@id"] for a in alumni}) == len(alumni) >= 2


# Google's documented properties for the JSON-LD this site writes, checked on every block of every page type.
# ProfilePage: https://developers.google.com/search/docs/appearance/structured-data/profile-page
# Article (ScholarlyArticle is a schema.org Article): https://developers.google.com/search/docs/appearance/structured-data/article
# Person: Google documents a Person as ProfilePage.mainEntity (above) and as an Article's author (author.name,
# author.url); the same properties are checked on the Person pages.
GOOGLE = {
    "ProfilePage": {"required": ["mainEntity"],
                    "recommended": ["dateCreated", "dateModified"]},
    "Person": {"required": ["name"],  # mainEntity.name (or alternateName)
               "recommended": ["alternateName", "identifier", "description", "image", "sameAs",
                               "interactionStatistic", "agentInteractionStatistic"]},
    "ScholarlyArticle": {"required": [],  # Article has no required property
                         "recommended": ["author", "dateModified", "datePublished", "headline", "image"]},
}
# What the bundled profile has the data for, so these recommended properties must be there (its picture is a
# relative path and it lists no other profiles, so no image or sameAs).
EXPECTED = {"ProfilePage": {"dateModified"}, "Person": {"description"},  # it has no http(s) image, no profiles
            "ScholarlyArticle": {"author", "datePublished", "headline"}}
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?)?)?$")
URL = re.compile(r"^https?://[^\s]+$")


def repeated_values(data, where: str = "") -> list[str]:
    """Every list in a JSON-LD tree that holds the same value twice (where it is)."""
    found = []
    if isinstance(data, dict):
        for key, item in data.items():
            found += repeated_values(item, f"{where}.{key}")
    elif isinstance(data, list):
        texts = [json.dumps(item, sort_keys=True) for item in data]
        if len(set(texts)) != len(texts):
            found.append(where)
        for i, item in enumerate(data):
            found += repeated_values(item, f"{where}[{i}]")
    return found


def check_google(node: dict, kind: str, owner: bool) -> None:
    """One node against Google's table: required present, recommended ones well formed, and expected ones there."""
    table = GOOGLE[kind]
    for key in table["required"]:
        assert node.get(key) or (kind == "Person" and node.get("alternateName")), (kind, key, node.get("@id"))
    present = {key for key in table["recommended"] if node.get(key)}
    if owner or kind != "Person":
        assert EXPECTED[kind] <= present, (kind, node.get("@id"), EXPECTED[kind] - present)
    for key in ("dateCreated", "dateModified", "datePublished"):
        if key in node:
            assert ISO_DATE.match(node[key]), (key, node[key])
    for key in ("image", "sameAs", "url"):
        for url in node.get(key, []) if isinstance(node.get(key), list) else [node.get(key)] if key in node else []:
            assert URL.match(url), (key, url)
    if kind == "ScholarlyArticle":
        authors = node["author"] if isinstance(node["author"], list) else [node["author"]]
        assert authors and all(a.get("name") and a.get("url") for a in authors), node["@id"]  # author.name, .url
    if kind == "ProfilePage":
        assert node["mainEntity"]["@type"] in ("Person", "Organization")


def test_every_jsonld_block_has_google_s_properties_and_no_repeated_value(client, store):
    """The home page (ProfilePage), every person page and every paper page, against GOOGLE."""
    base = store.meta.base
    owner = value(named(store, "owner-profile")[0], "owner")
    people = [value(r, "iri") or value(r, "person") for r in named(store, "people")]
    papers = [value(r, "paper") for r in named(store, "publications")]
    assert len(people) > 10 and len(papers) > 10
    checked = {"ProfilePage": 0, "Person": 0, "ScholarlyArticle": 0}
    pages = [("/", "ProfilePage", owner)] + [("/" + p[len(base):], "Person", p) for p in people if p] + [
        ("/" + p[len(base):], "ScholarlyArticle", p) for p in papers]
    for path, kind, iri in pages:
        blocks = jsonld_blocks(client, path)
        assert blocks, path
        for block in blocks:
            assert not repeated_values(block), (path, repeated_values(block))
            types = block["@type"] if isinstance(block["@type"], list) else [block["@type"]]
            assert kind in types, (path, types)
            check_google(block, kind, iri == owner)
            checked[kind] += 1
            if kind == "ProfilePage":
                check_google(block["mainEntity"], "Person", True)
                checked["Person"] += 1
    assert all(checked.values()), checked


def test_home_lists_projects_and_recent_papers(client, store):
    doc = html_of(client.get("/"))
    projects = {value(r, "name") for r in named(store, "projects")}
    shown = {words(h) for h in doc.xpath("//*[@id='projects']//h3")}
    assert shown and shown <= projects
    recent = doc.xpath("//*[@id='recent-papers']//li/a")
    newest = [value(r, "title") for r in named(store, "publications-by-year")][: len(recent)]
    assert [words(a) for a in recent] == newest


def test_home_has_the_coauthor_network(client, store):
    coauthors = named(store, "coauthors")
    doc = html_of(client.get("/"))
    svg = doc.xpath("//*[@id='coauthor-network']//svg")[0]
    nodes = svg.xpath(".//*[contains(concat(' ', @class, ' '), ' node ')]")
    assert len(nodes) == len(coauthors)
    assert all(n.tag == "a" and n.get("href", "").startswith("/id/person/") for n in nodes)
    listed = doc.xpath("//*[@id='coauthor-network-list']//li")
    assert len(listed) == len(coauthors), "the text alternative names every co-author"


# ---------------------------------------------------------------- publications


def test_papers_grouped_by_year_newest_first(client, store):
    rows = named(store, "publications-by-year")
    doc = html_of(client.get("/papers"))
    years = [int(words(h)) for h in doc.xpath("//h2[contains(@class, 'year-heading')]")]
    assert years == sorted(years, reverse=True)
    assert years == sorted({int(value(r, "year")) for r in rows if value(r, "year")}, reverse=True)
    titles = [words(a) for a in doc.xpath("//li[contains(@class, 'paper')]//h3/a")]
    assert titles == [value(r, "title") for r in rows]


def test_papers_show_authors_in_order_with_the_owner_highlighted(client, store):
    owner = value(named(store, "owner-profile")[0], "owner")
    doc = html_of(client.get("/papers"))
    base = store.meta.base
    items = doc.xpath("//li[contains(@class, 'paper')]")
    assert len(items) == len(named(store, "publications")), "every paper is listed"
    highlighted = 0
    for item in items:
        href = item.xpath(".//h3/a/@href")[0]
        authors = named(store, "paper-authors", paper=base + href[1:])
        shown = [words(a) for a in item.xpath(".//p[@class='authors']/*[contains(@class, 'author')]")]
        assert authors and shown == [value(a, "name") for a in authors]
        mine = [words(e) for e in item.xpath(".//*[contains(concat(' ', @class, ' '), ' me ')]")]
        assert mine == [value(a, "name") for a in authors if value(a, "author") == owner]
        highlighted += len(mine)
    assert highlighted >= len(items) // 2, "the owner is highlighted on their papers"


def test_truncated_author_lists_say_et_al(client, store):
    truncated = {value(r, "paper") for r in named(store, "truncated-author-lists")}
    doc = html_of(client.get("/papers"))
    marked = {store.meta.base + li.xpath(".//h3/a/@href")[0][1:] for li in doc.xpath("//li[contains(@class, 'paper')]")
              if li.xpath(".//abbr[@class='et-al']")}
    assert truncated and marked == truncated


def test_abstracts_fold_open_without_javascript(client):
    doc = html_of(client.get("/papers"))
    folded = doc.xpath("//details[@class='abstract']")
    assert folded and all(d.xpath("./summary") and d.get("open") is None for d in folded)


def test_math_in_abstracts_is_readable(client):
    doc = html_of(client.get("/papers"))
    abstracts = " ".join(words(p) for p in doc.xpath("//details[@class='abstract']/p"))
    assert "≥ 95%" in abstracts
    assert "\\geq" not in abstracts and "$" not in abstracts
    bibtex = " ".join(words(p) for p in doc.xpath("//details[@class='bibtex']//code"))
    assert "$\\geq 95\\%$" in bibtex, "BibTeX keeps the LaTeX as written"


def test_each_paper_links_to_its_page_and_formats(client):
    doc = html_of(client.get("/papers"))
    item = doc.xpath("//li[contains(@class, 'paper')]")[0]
    page = item.xpath(".//h3/a/@href")[0]
    formats = item.xpath(".//*[@class='formats']/a/@href")
    assert sorted(formats) == sorted(f"{page}.{s}" for s in ("ttl", "jsonld", "nt", "rdf"))
    for url in [page, *formats]:
        assert client.get(url).status_code == 200


def test_papers_filter_by_topic(mini_client):
    doc = html_of(mini_client.get("/papers?topic=stat-ml"))
    titles = {words(a) for a in doc.xpath("//li[contains(@class, 'paper')]//h3/a")}
    assert titles == {"Sparse Gadgets", "A Measurement of the Widget Mass"}


def test_papers_filter_by_coauthor_and_topic(mini_client):
    doc = html_of(mini_client.get("/papers?coauthor=bob-builder"))
    assert {words(a) for a in doc.xpath("//li[contains(@class, 'paper')]//h3/a")} == {
        "Deep Widgets for Everyone", "Sparse Gadgets"}
    doc = html_of(mini_client.get("/papers?coauthor=bob-builder&topic=stat-ml"))
    assert {words(a) for a in doc.xpath("//li[contains(@class, 'paper')]//h3/a")} == {"Sparse Gadgets"}
    selected = doc.xpath("//select[@name='coauthor']/option[@selected]/@value")
    assert selected == ["bob-builder"]


def test_papers_filter_with_no_match_says_so(mini_client):
    doc = html_of(mini_client.get("/papers?topic=no-such-topic"))
    assert not doc.xpath("//li[contains(@class, 'paper')]")
    assert doc.xpath("//p[@class='empty']")


@pytest.mark.parametrize("query, name", [("topic=%3Cscript%3E", "topic"), ("coauthor=a/b", "coauthor")])
def test_bad_filter_is_a_400_naming_it(mini_client, query, name):
    response = mini_client.get(f"/papers?{query}", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert name in response.get_data(as_text=True)


def test_papers_chart_matches_the_graph(client, store):
    rows = named(store, "publications-by-year")
    doc = html_of(client.get("/papers"))
    bars = doc.xpath("//*[@id='publications-per-year']//svg//*[contains(concat(' ', @class, ' '), ' bar ')]")
    assert rows and bars, "the bundled profile has dated papers, drawn as bars"
    by_year: dict[str, int] = {}
    for r in rows:
        by_year[value(r, "year")] = by_year.get(value(r, "year"), 0) + 1
    assert {b.get("data-year"): int(b.get("data-count")) for b in bars} == by_year
    table = doc.xpath("//*[@id='publications-per-year-table']//tbody/tr")
    assert len(table) == len(by_year)


def test_papers_as_jsonld(client, store):
    for response in (client.get("/papers.jsonld"), client.get("/papers", headers={"Accept": "application/ld+json"})):
        assert response.status_code == 200
        assert response.mimetype == "application/ld+json"
        data = json.loads(response.data)
        assert data["@type"] == "ItemList"
        assert data["numberOfItems"] == len(named(store, "publications-by-year"))
        first = data["itemListElement"][0]["item"]
        assert first["@type"] in ("ScholarlyArticle", ["ScholarlyArticle", "Thesis"]) and first["author"]
    html = client.get("/papers")
    assert 'rel="alternate"' in html.headers.get("Link", "") and "/papers.jsonld" in html.headers["Link"]
    assert client.get("/papers.xyz").status_code == 404
    assert client.get("/papers", headers={"Accept": "image/png"}).status_code == 406


# ---------------------------------------------------------------- history


def test_history_shows_the_career_timeline(client, store):
    doc = html_of(client.get("/history"))
    svg = doc.xpath("//*[@id='career-timeline']//svg")[0]
    bars = svg.xpath(".//*[contains(concat(' ', @class, ' '), ' bar ')]")
    dated = [r for r in named(store, "career-timeline") if value(r, "start") and value(r, "category") != "award"]
    stated = {value(r, "role") for r in named(store, "version-roles")}
    undated = {value(r, "role") for r in named(store, "career-timeline")
               if not value(r, "start") and value(r, "category") != "award" and value(r, "role") in stated}
    assert len(bars) == len({value(r, "role") for r in dated}) + len(undated)
    listed = doc.xpath("//*[@id='career-timeline-list']//li")
    assert len(listed) >= len(bars), "the text alternative lists every role"


def test_profile_as_of_2022(mini_client):
    doc = html_of(mini_client.get("/history?as_of=2022-06-01"))
    result = words(doc.xpath("//*[@id='as-of-result']")[0])
    assert "Postdoctoral Researcher" in result and "Mila EDI Committee" in result
    assert "Assistant Professor" not in result and "ML Reading Group" not in result
    assert "homepage/2022-01-01/home.md" in result
    assert "I am a postdoc at" in result, "the 2022 homepage text is shown"


def test_profile_as_of_the_bundled_2022_homepage(client):
    doc = html_of(client.get("/history?as_of=2022-06-01"))
    result = words(doc.xpath("//*[@id='as-of-result']")[0])
    assert "Postdoctoral Researcher" in result and "Assistant Professor" not in result


@pytest.mark.parametrize("bad", ["2022-13-01", "yesterday", "2022-1-1"])
def test_bad_as_of_is_a_400(mini_client, bad):
    response = mini_client.get(f"/history?as_of={bad}", headers={"Accept": "text/html"})
    assert response.status_code == 400 and "as_of" in response.get_data(as_text=True)


def test_homepage_changes_between_versions(mini_client):
    doc = html_of(mini_client.get("/history"))
    added = [words(li) for li in doc.xpath("//*[@id='facts-added']/li")]
    removed = [words(li) for li in doc.xpath("//*[@id='facts-removed']/li")]
    assert any("Assistant Professor — DIRO" in f for f in added)
    assert any("ML Reading Group" in f for f in added)
    assert any("Postdoctoral Researcher — Mila" in f for f in removed)
    assert any("Mila EDI Committee" in f for f in removed)
    assert all("homepage/2024-03-01/home.md" in f for f in added), "each fact names its source"
    assert all("homepage/2022-01-01/home.md" in f for f in removed)
    changed = [words(li) for li in doc.xpath("//*[@id='facts-changed']/li")]
    assert any("Brief academic bio" in f for f in changed)


def test_homepage_changes_in_the_bundled_profile(client):
    doc = html_of(client.get("/history"))
    added = " ".join(words(li) for li in doc.xpath("//*[@id='facts-added']/li"))
    removed = " ".join(words(li) for li in doc.xpath("//*[@id='facts-removed']/li"))
    assert "Assistant Professor" in added
    assert "Postdoctoral Researcher" in removed


def test_versions_can_be_chosen(mini_client):
    doc = html_of(mini_client.get("/history?from=homepage-2024-03-01-home&to=homepage-2022-01-01-home"))
    added = " ".join(words(li) for li in doc.xpath("//*[@id='facts-added']/li"))
    assert "Postdoctoral Researcher — Mila" in added


# ---------------------------------------------------------------- quality


def test_quality_lists_what_to_complete(client, store):
    doc = html_of(client.get("/quality"))
    truncated = named(store, "truncated-author-lists")
    name_only = named(store, "people-known-only-by-name")
    assert len(doc.xpath("//*[@id='truncated-author-lists']//li")) == len(truncated)
    assert len(doc.xpath("//*[@id='people-known-only-by-name']//li")) == len(name_only)
    report = json.loads(store.attachment("report.json"))
    assert len(doc.xpath("//*[@id='build-warnings']//li")) == len(report["warnings"])


def test_people_known_only_by_name_have_nothing_else(store):
    base = store.meta.base
    for row in named(store, "people-known-only-by-name"):
        person = value(row, "person")
        assert person.startswith(base + "id/person/")
        facts = list(store.query("SELECT ?s ?p WHERE { ?s ?p ?o FILTER (?p IN (<https://schema.org/url>, "
                                 "<https://schema.org/affiliation>, <https://schema.org/worksFor>)) }",
                                 {"s": row["person"]}))
        assert not facts


# ---------------------------------------------------------------- prose


def test_markdown_links_to_known_entities_become_site_links():
    link_for = prose.link_resolver({prose.normalize_url("https://mila.quebec/"): "/id/organization/mila"})
    html = prose.markdown_to_html("At [Mila](https://www.mila.quebec) and [X](https://x.org).", link_for)
    assert '<a href="/id/organization/mila" data-source-url="https://www.mila.quebec">Mila</a>' in html
    assert '<a href="https://x.org" rel="external">X</a>' in html


def test_markdown_is_safe_and_keeps_the_obfuscated_address():
    html = prose.markdown_to_html("<script>alert(1)</script> [a](javascript:alert(1)) me _at_ host.org",
                                  lambda url: None)
    assert "<script>" not in html and 'href="javascript' not in html
    assert "me <em>at</em> host.org" in html


def test_site_links_use_the_site_url_or_none():
    text = "My [PhD thesis]({{ site.url }}/thesis.pdf)."
    assert 'href' not in prose.markdown_to_html(text, lambda url: None)
    assert 'href="https://me.example/thesis.pdf"' in prose.markdown_to_html(text, lambda url: None,
                                                                            site_url="https://me.example/")


@pytest.mark.parametrize("latex, shown", [
    (r"($\geq 95\%$)", "(<span class=\"math\">≥ 95%</span>)"),
    (r"$x^2$ and $x_{i}$", "<span class=\"math\">x<sup>2</sup></span> and <span class=\"math\">x<sub>i</sub></span>"),
    (r"$\alpha \leq \beta$", "<span class=\"math\">α ≤ β</span>"),
    (r"e.g.~when 5\% <b>", "e.g.\u00a0when 5% &lt;b&gt;"),
    (r"$\mathcal{O}(n \log n)$", "<span class=\"math\">O(n log n)</span>"),
])
def test_latex_is_shown_readably(latex, shown):
    assert str(prose.latex_to_html(latex)) == shown
