"""The al-folio importer, on a site folder written after al-folio's layout (tests/data/alfolio) and variants of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Entity, Origin, Owner, Paper, PartialDate, Role, Section, SourceDocument, Warning_
from kg.sources import alfolio, read_content

SITE = Path(__file__).resolve().parents[1] / "data" / "alfolio"


@pytest.fixture(scope="module")
def records() -> list:
    return alfolio.read_folder(SITE, "")


def _of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def _from(records: list, kind: type, path: str) -> list:
    return [r for r in _of(records, kind) if r.origin.path == path]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the site to change."""
    return Path(shutil.copytree(SITE, tmp_path / "site"))


def test_matches_folder(tmp_path: Path) -> None:
    assert alfolio.matches_folder(SITE)
    (tmp_path / "_pages").mkdir()
    assert not alfolio.matches_folder(tmp_path)
    (tmp_path / "_bibliography").mkdir()
    assert alfolio.matches_folder(tmp_path)
    assert not alfolio.matches_folder(SITE / "_pages")


def test_documents(records: list) -> None:
    docs = {d.path: d.importer for d in _of(records, SourceDocument)}
    assert docs == {"_config.yml": "alfolio", "_data/socials.yml": "alfolio", "_pages/about.md": "homepage",
                    "_bibliography/papers.bib": "bibtex", "_data/cv.yml": "resume",
                    "_projects/1_riverflow.md": "alfolio", "_projects/2_frog_atlas.md": "alfolio",
                    "_projects/3_kayak_maps.md": "alfolio"}
    assert {d.path: d.media_type for d in _of(records, SourceDocument)}["_data/cv.yml"] == "application/yaml"


def test_owner_from_config_and_socials(records: list) -> None:
    (config,) = _from(records, Owner, "_config.yml")
    assert (config.name, config.url, config.origin.line) == ("Ilse Varga-Moreau", "https://ivarga.github.io/", 6)
    (socials,) = _from(records, Owner, "_data/socials.yml")
    assert socials.name == "" and socials.identifiers == {"orcid": "0000-0002-1825-0097", "wikidata": "Q4115189"}
    assert socials.same_as == ["https://github.com/ivarga", "https://scholar.google.com/citations?user=Qx7bW2kAAAAJ",
                               "https://ecoevo.social/@ivarga", "https://riverlab.lakeshore.example.edu/"]
    assert not any(o.email_obfuscated for o in _of(records, Owner))


def test_about_page_through_the_homepage_importer(records: list) -> None:
    (doc,) = [d for d in _of(records, SourceDocument) if d.path == "_pages/about.md"]
    assert doc.title == "about" and doc.version_date is None
    assert [s.heading for s in _from(records, Section, "_pages/about.md")] == ["about", "Research interests"]
    (role,) = _from(records, Role, "_pages/about.md")
    assert (role.role_name, role.organization, role.start, role.current) == (
        "Assistant Professor", "University of Lakeshore", PartialDate(2023), True)
    assert role.origin.line == 27  # the file's line: front matter counted
    # Other pages are Liquid templates (publications, cv, projects): not read as homepages.
    assert not any(r.origin.path.startswith("_pages/") and r.origin.path != "_pages/about.md"
                   for r in records if hasattr(r, "origin"))


def test_bibliography_with_alfolio_fields(records: list) -> None:
    papers = {p.bib_key: p for p in _of(records, Paper)}
    assert list(papers) == ["vargamoreau2024riverflow", "vargamoreau2023wetlands", "nwosu2022amphibians",
                            "vargamoreau2021floods", "vargamoreau2020thesis"]
    assert {k for k, p in papers.items() if p.selected} == {"vargamoreau2024riverflow", "vargamoreau2023wetlands"}
    icml = papers["vargamoreau2024riverflow"]
    assert icml.arxiv == "2402.01357" and icml.code_url == "https://github.com/ivarga/riverflow"
    assert icml.url == "https://proceedings.example.org/v235/varga-moreau24a.html"  # from `html`
    assert icml.pdf == "https://ivarga.github.io/assets/pdf/riverflow-icml.pdf"  # a file under assets/pdf/
    assert icml.venue == "Proceedings of the 41st International Conference on Machine Learning"  # not its abbr
    assert papers["vargamoreau2023wetlands"].venue == "Journal of Computational Ecology"  # an @string
    assert papers["vargamoreau2023wetlands"].identifiers == {"google-scholar": "u5HHmVD_uO8C"}
    assert papers["vargamoreau2021floods"].venue == "CCAI"  # abbr, as the entry names no venue
    assert papers["nwosu2022amphibians"].pdf == "https://arxiv.org/pdf/2211.04821"
    thesis = papers["vargamoreau2020thesis"]
    assert thesis.venue is None and thesis.school == "Halden Technical University"  # abbr "PhD" is no venue
    assert [p.origin.line for p in papers.values()] == [6, 26, 44, 56, 64]  # after al-folio's `---` header


def test_list_cv(records: list) -> None:
    roles = {(r.category, r.organization): r for r in _from(records, Role, "_data/cv.yml")}
    phd = roles[("education", "Halden Technical University")]
    assert (phd.role_name, phd.start, phd.end) == ("PhD in Environmental Engineering", PartialDate(2016),
                                                   PartialDate(2020))
    assert phd.location == "Halden, Norway" and phd.supervisors == ["Tobias Lindqvist"]
    msc = roles[("education", "Tiszavölgy University")]
    assert (msc.start, msc.end) == (None, PartialDate(2016))  # a single year ends an education
    prof = roles[("work", "University of Lakeshore")]
    assert (prof.start, prof.end, prof.location) == (PartialDate(2023), None, None)  # "2023 - present"
    assert prof.description == ("Leads the River Systems Lab.\nTeaching: Stochastic Processes for Ecologists "
                                "(graduate); Introduction to Hydrology")
    postdoc = roles[("work", "Northbridge Institute for Data Science")]
    assert (postdoc.start, postdoc.end, postdoc.location) == (PartialDate(2020), PartialDate(2023), "Northbridge")
    awards = {r.role_name: r for r in _from(records, Role, "_data/cv.yml") if r.category == "award"}
    assert {k: (r.organization, r.start) for k, r in awards.items()} == {
        "Early Career Award": ("Society for Computational Ecology", PartialDate(2022)),
        "Best Student Paper": ("Nordic Hydrology Conference", PartialDate(2019))}
    (owner,) = _from(records, Owner, "_data/cv.yml")
    assert owner.name == "Ilse Varga-Moreau"
    assert owner.interests == ["Hydrology", "River network generation", "Flood forecasting",
                               "Biodiversity monitoring", "Passive acoustic surveys"]
    project = next(e for e in _from(records, Entity, "_data/cv.yml") if e.kind == "project")
    assert (project.name, project.url) == ("riverflow", "https://github.com/ivarga/riverflow")
    (warning,) = _from(records, Warning_, "_data/cv.yml")
    assert "'Other Interests' is not mapped" in warning.message and warning.origin.line == 73
    assert not any("1990" in str(r) for r in records)  # the date of birth is never read


def test_projects(records: list) -> None:
    projects = {e.name: e for e in _of(records, Entity) if e.origin.path.startswith("_projects/")}
    assert set(projects) == {"riverflow", "Frog Call Atlas", "kayak maps"}
    assert projects["riverflow"].repository == "https://github.com/ivarga/riverflow"
    assert projects["riverflow"].description == (
        "Differentiable river routing models, for calibrating hydrology with gradients.")
    assert projects["Frog Call Atlas"].url == "https://frogatlas.example.org/"  # its `redirect`
    assert projects["kayak maps"].members == ["Ilse Varga-Moreau"]
    assert all(p.kind == "project" and p.origin.line == 3 for p in projects.values())


def test_project_description_from_the_body(site: Path) -> None:
    path = site / "_projects" / "3_kayak_maps.md"
    path.write_text(path.read_text().replace("description: tide-aware paddling maps of the Lakeshore coast\n", ""))
    kayak = next(e for e in alfolio.read_folder(site) if isinstance(e, Entity) and e.name == "kayak maps")
    assert kayak.description == ("A weekend project: tide tables joined with coastline data, printed on "
                                 "waterproof paper.")


def test_news_left_out_with_warnings(records: list) -> None:
    news = [w for w in _of(records, Warning_) if w.origin.path.startswith("_news/")]
    assert [(w.origin.path, w.message[:26]) for w in news] == [
        ("_news/announcement_1.md", "news item of 2023-08-28 le"),
        ("_news/announcement_2.md", "news item of 2024-05-02 le")]


RESUME = """{
  "basics": {"name": "Ilse Varga-Moreau", "label": "Assistant Professor"},
  "work": [{"name": "University of Lakeshore", "position": "Assistant Professor", "startDate": "2023-08"}]
}
"""

RENDERCV = """cv:
  name: Ilse Varga-Moreau
  label: Assistant Professor of Computational Ecology
  location: Port Alder, Canada
  email: ilse@example.org
  website: https://ivarga.github.io/
  social_networks:
    - network: GitHub
      username: ivarga
    - network: ORCID
      username: 0000-0002-1825-0097
  sections:
    education:
      - institution: Halden Technical University
        area: Environmental Engineering
        degree: PhD
        location: Halden, Norway
        start_date: 2016-09
        end_date: 2020-11
        highlights:
          - "Thesis: Stochastic Models of Riparian Vegetation Dynamics"
    experience:
      - company: University of Lakeshore
        position: Assistant Professor
        location: Port Alder, Canada
        start_date: 2023-08
        end_date: present
    service:
      - company: Workshop on Machine Learning for Rivers
        position: Program Committee Member
        date: "2024"
    awards:
      - name: Early Career Award
        date: 2022-06
        summary: Society for Computational Ecology
    publications:
      - title: Forecasting Wetland Loss with Graph Neural Networks
        authors: [Ilse Varga-Moreau, Priya Raman]
        doi: 10.5555/jce.2023.0412
        date: 2023-05
    skills:
      - label: Languages
        details: Python, JAX, R
"""


GET_JSON = "\njekyll_get_json:\n  - data: resume\n    json: assets/json/resume.json\n"


def test_resume_json_is_the_cv_when_jekyll_get_json_loads_it(site: Path) -> None:
    (site / "assets" / "json").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "json" / "resume.json").write_text(RESUME)
    (site / "_config.yml").write_text((site / "_config.yml").read_text() + GET_JSON)
    records = alfolio.read_folder(site)
    assert {d.path for d in _of(records, SourceDocument) if d.importer == "resume"} == {"assets/json/resume.json"}
    (role,) = [r for r in _of(records, Role) if r.origin.path == "assets/json/resume.json"]
    assert role.start == PartialDate(2023, 8)
    assert any(w.origin.path == "_data/cv.yml" and "assets/json/resume.json" in w.message
               for w in _of(records, Warning_))


def test_cv_yml_is_the_cv_when_nothing_loads_resume_json(site: Path) -> None:
    """The CV layout shows `site.data.resume` only when jekyll_get_json loads it; else `_data/cv.yml`."""
    (site / "assets" / "json").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "json" / "resume.json").write_text(RESUME)
    records = alfolio.read_folder(site)
    assert {d.path for d in _of(records, SourceDocument) if d.importer == "resume"} == {"_data/cv.yml"}
    assert any(w.origin.path == "assets/json/resume.json" and "_data/cv.yml" in w.message
               for w in _of(records, Warning_))


def test_cv_format_chooses(site: Path) -> None:
    (site / "assets" / "json").mkdir(parents=True, exist_ok=True)
    (site / "assets" / "json" / "resume.json").write_text(RESUME)
    cv_page = site / "_pages" / "cv.md"
    cv_page.write_text(cv_page.read_text().replace("cv_pdf:", "cv_format: rendercv\ncv_pdf:"))
    records = alfolio.read_folder(site)
    assert {d.path for d in _of(records, SourceDocument) if d.importer == "resume"} == {"_data/cv.yml"}


def test_rendercv_cv(site: Path) -> None:
    (site / "_data" / "cv.yml").write_text(RENDERCV)
    records = [r for r in alfolio.read_folder(site) if getattr(r, "origin", None) and r.origin.path == "_data/cv.yml"]
    (owner,) = _of(records, Owner)
    assert (owner.name, owner.label, owner.url, owner.location) == (
        "Ilse Varga-Moreau", "Assistant Professor of Computational Ecology", "https://ivarga.github.io/",
        "Port Alder, Canada")
    assert owner.same_as == ["https://github.com/ivarga"] and owner.identifiers == {"orcid": "0000-0002-1825-0097"}
    assert owner.email_obfuscated is None
    roles = {(r.category, r.organization): r for r in _of(records, Role)}
    phd = roles[("education", "Halden Technical University")]
    assert (phd.role_name, phd.start, phd.end, phd.location) == (
        "PhD in Environmental Engineering", PartialDate(2016, 9), PartialDate(2020, 11), "Halden, Norway")
    assert phd.description == "Thesis: Stochastic Models of Riparian Vegetation Dynamics"
    prof = roles[("work", "University of Lakeshore")]
    assert (prof.start, prof.end) == (PartialDate(2023, 8), None)
    service = roles[("membership", "Workshop on Machine Learning for Rivers")]
    assert (service.role_name, service.start) == ("Program Committee Member", PartialDate(2024))
    award = next(r for r in _of(records, Role) if r.category == "award")
    assert (award.role_name, award.start) == ("Early Career Award", PartialDate(2022, 6))
    assert not _of(records, Paper)  # publications come from the bibliography
    warned = {w.message for w in _of(records, Warning_)}
    assert warned == {"CV section 'publications' is not mapped: left out",
                      "CV section 'skills' is not mapped: left out"}


def test_site_inside_a_content_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITE, content / "site")
    (content / "extra.bib").write_text("@misc{x, title={Extra}, author={Doe, Jane}, year={2020}}\n")
    records = read_content(content)
    paths = {d.path for d in _of(records, SourceDocument)}
    assert "site/_pages/about.md" in paths and "site/_bibliography/papers.bib" in paths and "extra.bib" in paths
    # The site's other Markdown files (pages, news) are not offered to the homepage importer.
    assert not {"site/_pages/publications.md", "site/_news/announcement_1.md"} & paths
    assert all(r.origin.path.startswith(("site/", "extra.bib")) for r in records if hasattr(r, "origin"))


@pytest.mark.parametrize(
    "path, text, line, problem",
    [
        ("_config.yml", "first_name: Ilse\nlast_name: [Varga\n", 3, "bad YAML"),
        ("_data/cv.yml", "- title: Education\n  contents: PhD\n", 2, "must be a list"),
        ("_data/cv.yml", "title: Education\n", 1, "a list of sections"),
        ("_pages/about.md", "---\nlayout: about\ntitle: [about\n---\nHello.\n", 4, "bad front matter"),
    ],
)
def test_bad_input_names_the_line(site: Path, path: str, text: str, line: int, problem: str) -> None:
    (site / path).write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        alfolio.read_folder(site, "site")
    assert (caught.value.path, caught.value.line) == (f"site/{path}", line)
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    "path, text, line, problem",
    [
        ("_data/cv.yml", "- title: Education\n  type: time_table\n  contents:\n    - title: PhD\n"
                         "      institution: Halden Technical University\n      year: sometime\n", 6,
         "unreadable date"),
        ("_data/cv.yml", "- title: Experience\n  type: time_table\n  contents:\n    - title: Postdoc\n"
                         "      institution: Halden Technical University\n      year: 2020, 2022\n", 6,
         "kept without this date"),
        ("_bibliography/papers.bib", "---\n---\n@misc{a,\n  title = {A},\n  year = {soon}\n}\n", 5, "year"),
        ("_projects/1_riverflow.md", "---\nlayout: page\n---\nNo title.\n", 1, "needs a title"),
        ("_news/announcement_1.md", "---\ndate: 2015\x00-10-22\n---\nNews.\n", 2, "character #x0000"),
        ("_bibliography/papers.bib", "@misc{a, title={A}, pdf={My Paper.pdf}, html={osf.io/x7}}\n", 1,
         "resolved against https://"),
    ],
)
def test_a_bad_entry_is_a_warning_at_its_line(site: Path, path: str, text: str, line: int, problem: str) -> None:
    """One bad CV item or BibTeX entry is repaired or left out, said with its file and line; the site builds."""
    (site / path).write_text(text, encoding="utf-8")
    warnings = _of(alfolio.read_folder(site, "site"), Warning_)
    assert any(w.origin == Origin(f"site/{path}", line) and problem in w.message for w in warnings), warnings


def test_builds_and_validates(tmp_path: Path) -> None:
    """The site alone builds into a valid graph: one owner, with its identifiers and its papers."""
    from kg.build.pipeline import build
    from kg.settings import load_settings
    from kg.store.embedded import EmbeddedStore

    report = build(load_settings({"store": tmp_path / "store", "content": SITE}, environ={}))
    store = EmbeddedStore(tmp_path / "store")
    rows = list(store.query("""PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/scholarly-kg/ns#>
        SELECT (COUNT(DISTINCT ?o) AS ?owners) (COUNT(DISTINCT ?p) AS ?papers) WHERE {
          ?o a kg:Owner ; schema:sameAs <https://orcid.org/0000-0002-1825-0097> .
          ?p a schema:ScholarlyArticle ; schema:author ?o }"""))
    assert (int(rows[0]["owners"].value), int(rows[0]["papers"].value)) == (1, 5)
    assert any("news item" in w for w in report.warnings)


def test_json_dropped_in_the_site_is_not_read_but_warned(site: Path) -> None:
    (site / "me.orcid.json").write_text('{"orcid-identifier": {"path": "0000-0002-1825-0097"}}')
    records = read_content(site)
    assert not any(getattr(r, "origin", None) and r.origin.path == "me.orcid.json" and not isinstance(r, Warning_)
                   for r in records)
    assert any(isinstance(r, Warning_) and r.origin.path == "me.orcid.json" for r in records)


OLD_PUBLICATIONS = """---
layout: page
permalink: /publications/
title: publications
years: [2024, 2023]
---
{% for y in page.years %}
  <h2 class="year">{{y}}</h2>
  {% bibliography -f papers -q @*[year={{y}}]* %}
{% endfor %}
"""


def test_bibliographies_are_those_the_pages_show(site: Path) -> None:
    """jekyll-scholar shows `scholar.bibliography` and the files pages name; al-folio 2019-2023 shows only the
    years its publications page lists."""
    (site / "_bibliography" / "papers_BAK.bib").write_text("@misc{old, title={An Old Backup}, year={2019}}\n")
    (site / "_pages" / "publications.md").write_text(OLD_PUBLICATIONS)
    records = alfolio.read_folder(site)
    assert sorted(p.date.year for p in _of(records, Paper)) == [2023, 2024]
    warned = {(w.origin.path, w.message.split(":")[0]) for w in _of(records, Warning_)}
    assert ("_bibliography/papers_BAK.bib", "not read") in warned
    assert sum("the publications page lists the years [2024, 2023]" in w.message for w in _of(records, Warning_)) == 3


def test_template_demo_content_is_left_out_unless_the_site_is_the_template(site: Path) -> None:
    """An unedited demo file of the al-folio template (recognised by its text, not by a name) is left out."""
    demo = "@book{einstein1920relativity,\n  title={Relativity: the Special and General Theory},\n" \
           "  author={Einstein, Albert},\n  year={1920},\n}\n"
    bib = site / "_bibliography" / "papers.bib"
    bib.write_text(bib.read_text() + "\n" + demo)
    assert "Relativity: the Special and General Theory" not in {p.title for p in _of(alfolio.read_folder(site), Paper)}
    config = site / "_config.yml"
    config.write_text(re.sub(r"(?m)^(first_name|middle_name|last_name):.*$", "", config.read_text()) +
                      "\nname: Your Name\n")
    assert "Relativity: the Special and General Theory" in {p.title for p in _of(alfolio.read_folder(site), Paper)}


REAL = Path(__file__).parents[1] / "data" / "real"


def test_template_demo_project_and_cv_items_are_left_out(site: Path) -> None:
    """A demo project file left as the template ships it is not read; a CV edited in part keeps the template's
    unedited items out (the corpus site 12wang3 kept both the demo projects and the demo CV)."""
    shutil.copy(REAL / "12wang3" / "site" / "_projects" / "1_project.md", site / "_projects" / "9_demo.md")
    cv = (REAL / "12wang3" / "site" / "_data" / "cv.yml").read_text(encoding="utf-8")
    (site / "_data" / "cv.yml").write_text(cv.replace("Albert Einstein", "Ilse Varga-Moreau"), encoding="utf-8")
    records = alfolio.read_folder(site)
    assert "project 1" not in {e.name for e in _of(records, Entity)}
    assert not {r.role_name for r in _of(records, Role)} & {"Nobel Prize in Physics", "Max Planck Medal"}
    warned = {(w.origin.path, w.message) for w in _of(records, Warning_)}
    assert ("_projects/9_demo.md", "not read: the al-folio template's demo file, left unedited") in warned
    assert len([w for w in _of(records, Warning_) if w.message.startswith("CV item left out: the al-folio template's "
                                                                         "demo item")]) >= 10
