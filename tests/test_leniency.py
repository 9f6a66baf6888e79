"""The leniency policy (README, "Content"): a bad entry is repaired or left out with a `file:line` warning, shown by
`kg build` and on /quality; the build goes on. Only a file that cannot be read at all is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.settings import load_settings

CONFIG = """first_name: Jane
last_name: Doe
url: https://jdoe.github.io
orcid_id: 0000-0002-1825-0097# my iD
bluesky_url: bsky.app/profile/jdoe.bsky.social
scholar:
  last_name: [Doe]
  first_name: [Jane, J.]
  bibliography: papers.bib
"""
HOME = """---
layout: about
permalink: /
title: about
---

I study rivers. My notes are on [my blog](https://blog.example.net/notes).
"""
PAPERS = r"""@article{one,
  title = "Rivers in {Norway}",
  author = {\textbf{J. Doe} and {Roe}*, Richard and {[Dual first authorship]}},
  year = {2020, submitted to Nature},
  html = {osf.io/abc12},
  pdf = {My Paper.pdf},
}
@article{one,
  title = {Another Paper Under The Same Key},
  author = {Doe, Jane, and Poe, Edgar},
  year = 2021,
}
%@article{gone, title = {Commented Out}, author = {Doe, Jane}, year = 2019}
@article{three, title = {Relative Links}, author = {Doe, Jane}, year = 2023, year = 2024,
  html = {relativity.html}}
"""
CV = """- title: Awards
  type: time_table
  contents:
    - year: 2021
      items:
        - Best Poster
- title: Experience
  type: time_table
  contents:
    - title: Postdoc
      institution: Halden Technical University, Halden
      year: 2020, 2022
"""
EXPECTED = [  # (file, line, what the warning says)
    ("_pages/about.md", 7, "kept in the text only"),
    ("_bibliography/papers.bib", 1, "font commands"),
    ("_bibliography/papers.bib", 1, "equal-contribution marks"),
    ("_bibliography/papers.bib", 1, "is not an author"),
    ("_bibliography/papers.bib", 1, "read as 2020"),
    ("_bibliography/papers.bib", 1, "resolved against https://jdoe.github.io"),
    ("_bibliography/papers.bib", 8, "used twice"),
    ("_bibliography/papers.bib", 8, "trailing comma"),
    ("_bibliography/papers.bib", 13, "commented out"),
    ("_bibliography/papers.bib", 14, "repeats year"),
    ("_bibliography/papers.bib", 14, "resolved against https://jdoe.github.io"),
    ("_bibliography/backup.bib", 1, "no page of the site shows"),
    ("_data/cv.yml", 6, "names no awarder"),
    ("_data/cv.yml", 12, "kept without this date"),
    ("_config.yml", 1, "added https://"),
    ("_config.yml", 1, "makes no IRI"),
]
WARNING = re.compile(r"^warning: (?P<file>[^\s:/][^:]*):(?P<line>\d+): (?P<what>.+)$")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[str]]:
    """A messy al-folio site built with `kg build`: its folder and the warning lines the build printed."""
    site = tmp_path_factory.mktemp("messy")
    for rel, text in {"_config.yml": CONFIG, "_pages/about.md": HOME, "_bibliography/papers.bib": PAPERS,
                      "_bibliography/backup.bib": "@misc{old, title = {Old}}\n", "_data/cv.yml": CV}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    store = tmp_path_factory.mktemp("store")
    result = CliRunner().invoke(main, ["build", "--content", str(site), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return store, [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def test_every_warning_has_a_file_and_a_line(built):
    _, warnings = built
    assert warnings and all(WARNING.match(w) for w in warnings), [w for w in warnings if not WARNING.match(w)]


@pytest.mark.parametrize("file, line, what", EXPECTED, ids=[f"{f}:{n}:{w}" for f, n, w in EXPECTED])
def test_each_bad_entry_is_a_warning_at_its_line(built, file, line, what):
    _, warnings = built
    assert any((m := WARNING.match(w)) and (m["file"], int(m["line"])) == (file, line) and what in m["what"]
               for w in warnings), "\n".join(warnings)


def test_warnings_are_on_the_quality_page(built):
    from kg.store.embedded import EmbeddedStore
    from web import create_app

    store, warnings = built
    settings = load_settings({"store": store}, environ={})
    app = create_app(settings, EmbeddedStore(settings.store))
    page = app.test_client().get("/quality").get_data(as_text=True)
    import html

    for warning in warnings:
        assert html.escape(warning.removeprefix("warning: "), quote=False) in page.replace("&#39;", "'").replace(
            "&#x27;", "'"), warning


def test_the_papers_the_site_shows_are_built(built):
    from kg.store.embedded import EmbeddedStore

    store, _ = built
    rows = EmbeddedStore(load_settings({"store": store}, environ={}).store).query(
        "PREFIX schema: <https://schema.org/> SELECT ?t ?u WHERE { ?p a schema:ScholarlyArticle ; schema:name ?t "
        "OPTIONAL { ?p schema:url ?u } } ORDER BY ?t")
    got = {row[0].value: row[1].value if row[1] else None for row in rows}
    assert got == {"Another Paper Under The Same Key": None, "Relative Links": "https://jdoe.github.io/relativity.html",
                   "Rivers in Norway": "https://osf.io/abc12"}


def test_an_award_without_awarder_is_the_owners_award_and_no_nameless_organization(built):
    from kg.store.embedded import EmbeddedStore

    store, _ = built
    query = EmbeddedStore(load_settings({"store": store}, environ={}).store).query
    awards = [row[0].value for row in query("PREFIX schema: <https://schema.org/> PREFIX kg: "
                                             "<https://w3id.org/scholarly-kg/ns#> SELECT ?a WHERE { ?o a kg:Owner ; "
                                             "schema:award ?a }")]
    assert awards == ["Best Poster"]
    orgs = [row[0].value for row in query("PREFIX schema: <https://schema.org/> SELECT ?o WHERE "
                                           "{ ?o a schema:Organization }")]
    assert not [o for o in orgs if o.rstrip("/").endswith(("/unnamed", "/x"))], orgs
