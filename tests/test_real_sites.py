"""Real personal academic sites, as their owners keep them, build and read right.

Each folder `tests/data/real/<site>/` holds `site/`, the site's data files copied unmodified from a public
repository, and `SOURCE.md`, whose YAML front matter names the repository, commit and licence and states the facts
checked here:

    repository: owner/name          commit: 40 hex digits        licence: MIT
    generator: alfolio | academicpages | hugoblox
    owner: Jane Q. Doe              # the name the home page shows
    papers: 23                      # the publications the site shows
    first_authors:                  # two papers: title -> their first authors, in order
      "A title": ["Jane Q. Doe", "John Roe"]
    accents: ["Gödel"]              # words with decoded LaTeX accents, in some name or title (optional)
    absent: ["Albert Einstein"]     # template leftovers that must not become people or papers (optional)
"""

from __future__ import annotations

import html
from pathlib import Path

import frontmatter
import pytest

from kg.settings import PROJECT_ROOT, load_settings

REAL = PROJECT_ROOT / "tests" / "data" / "real"
SITES = sorted(p for p in REAL.iterdir() if (p / "SOURCE.md").is_file()) if REAL.is_dir() else []
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/scholarly-kg/ns#>
"""


def facts_of(site: Path) -> dict:
    return frontmatter.load(site / "SOURCE.md").metadata


@pytest.fixture(scope="module", params=SITES, ids=[p.name for p in SITES])
def built(request, tmp_path_factory):
    """The site built into a store of its own, with the report, the store and a test client."""
    from kg.build.pipeline import build
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    site: Path = request.param
    settings = load_settings({"store": tmp_path_factory.mktemp(site.name), "content": site / "site"}, environ={})
    report = build(settings)
    store = EmbeddedStore(settings.store)
    app = create_app(settings, store)
    app.config["TESTING"] = True
    return facts_of(site), report, store, app.test_client()


def column(store, sparql: str) -> list[str]:
    return [row[0].value for row in store.query(PREFIXES + sparql)]


def test_the_corpus_covers_each_generator():
    generators = [facts_of(site)["generator"] for site in SITES]
    counts = {name: generators.count(name) for name in ("alfolio", "academicpages", "hugoblox")}
    assert counts["alfolio"] >= 10 and counts["academicpages"] >= 3 and counts["hugoblox"] >= 2, counts


def test_source_names_repository_commit_and_licence():
    for site in SITES:
        facts = facts_of(site)
        assert facts["generator"] in {"alfolio", "academicpages", "hugoblox"}, site.name
        assert len(str(facts["commit"])) == 40 and facts["repository"].count("/") == 1, site.name
        assert facts.get("licence"), site.name
        assert (site / "site").is_dir(), site.name


def test_owner_name_is_on_the_home_page(built):
    facts, _, _, client = built
    page = client.get("/")
    assert page.status_code == 200
    assert facts["owner"] in html.unescape(page.get_data(as_text=True))


def test_papers_are_the_entries_the_site_shows(built):
    facts, _, store, _ = built
    assert len(column(store, "SELECT DISTINCT ?p WHERE { ?p a schema:ScholarlyArticle }")) == facts["papers"]


def test_first_authors_in_order(built):
    facts, _, store, _ = built
    assert len(facts["first_authors"]) >= 2
    for title, authors in facts["first_authors"].items():
        papers = [p for p, name in zip(*[column(store, f"SELECT ?{v} WHERE {{ ?p a schema:ScholarlyArticle ; "
                                                        f"schema:name ?t }}") for v in ("p", "t")])
                  if name.casefold().strip() == str(title).casefold().strip()]
        assert papers, f"no paper titled {title!r}"
        names = column(store, f"""SELECT ?name WHERE {{ <{papers[0]}> kg:authorship ?a .
            ?a schema:position ?pos ; schema:author/schema:name ?name }} ORDER BY ?pos""")
        assert names[: len(authors)] == authors, title


def test_latex_accents_are_decoded(built):
    facts, _, store, _ = built
    texts = column(store, """SELECT DISTINCT ?t WHERE { { ?x a schema:ScholarlyArticle } UNION { ?x a schema:Person }
                            ?x schema:name ?t }""")
    assert not [t for t in texts if "\\" in t or "{" in t], "undecoded LaTeX in names or titles"
    for word in facts.get("accents", []):
        assert any(word in t for t in texts), word


def test_owner_is_an_author_of_nearly_every_paper(built):
    _, _, store, _ = built
    papers = set(column(store, "SELECT DISTINCT ?p WHERE { ?p a schema:ScholarlyArticle }"))
    own = set(column(store, """SELECT DISTINCT ?p WHERE { ?p a schema:ScholarlyArticle ; kg:authorship/schema:author ?o .
                               ?o a kg:Owner }"""))
    assert papers and len(own) >= 0.9 * len(papers), f"owner on {len(own)} of {len(papers)} papers"


def test_no_template_leftovers(built):
    facts, _, store, _ = built
    names = set(column(store, """SELECT DISTINCT ?t WHERE { { ?x a schema:ScholarlyArticle } UNION { ?x a schema:Person }
                                 ?x schema:name ?t }"""))
    assert not names & set(facts.get("absent", []))


def test_every_warning_names_a_file(built):
    _, report, _, _ = built
    for warning in report.warnings:
        assert not warning.startswith("/"), f"a warning names no file of the site: {warning}"
