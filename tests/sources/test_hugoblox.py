"""The Hugo Blox (Wowchemy, Hugo Academic) importer, on real sites of the corpus (tests/data/real/*, generator:
hugoblox) and on copies of them changed where the corpus lacks a case."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kg.errors import SourceError
from kg.records import Entity, Owner, Paper, PartialDate, Role, SourceDocument
from kg.sources import academicpages, alfolio, hugoblox, read_content
from corpus import of as _of, paper as _paper, site, warnings as _warnings
from site_edits import check_read, check_retyped, edit_some, retyped_cases

IMPORTER = hugoblox  # the `read` fixture (conftest.py) reads corpus sites with it


@pytest.mark.parametrize("name", ["0cooper", "1zb", "4tini"])
def test_matches_folder(name: str) -> None:
    assert hugoblox.matches_folder(site(name))
    assert not academicpages.matches_folder(site(name)) and not alfolio.matches_folder(site(name))
    assert not hugoblox.matches_folder(site(name) / "content")
    assert {d.importer for d in _of(read_content(site(name)), SourceDocument)} == {"hugoblox"}


def test_matches_folder_needs_a_hugo_configuration(tmp_path: Path) -> None:
    (tmp_path / "content" / "authors").mkdir(parents=True)
    assert not hugoblox.matches_folder(tmp_path)
    (tmp_path / "hugo.toml").write_text('title = "x"\n')
    assert hugoblox.matches_folder(tmp_path)


def test_owner_is_the_profile_the_about_widget_shows(read) -> None:
    records = read("1zb")
    (owner,) = _of(records, Owner)
    assert (owner.name, owner.label, owner.url) == ("Biao Zhang", "PhD candidate", "https://1zb.github.io/")
    assert owner.interests == ["Artificial Intelligence", "Machine Learning", "Deep Learning", "3D Vision"]
    assert owner.origin.path == "content/authors/admin/_index.md" and owner.origin.line == 3
    roles = {(r.category, r.role_name, r.organization): r for r in _of(records, Role)}
    assert roles[("work", "PhD candidate", "KAUST")].current is True
    phd = roles[("education", "PhD in Computer Science", "King Abdullah University of Science and Technology")]
    assert (phd.start, phd.end) == (PartialDate(2018), None)
    visit = roles[("education", "Visiting student", "University of Wisconsin-Madison")]
    assert (visit.start, visit.end) == (PartialDate(2014), PartialDate(2015))
    assert "https://www.kaust.edu.sa/" in {e.url for e in _of(records, Entity) if e.name == "KAUST"}


@pytest.mark.parametrize("shown, owner", [("admin", "Biao Zhang"), ("jdoe", "Jane Doe")])
def test_the_about_widget_decides_among_profiles(copy, shown: str, owner: str) -> None:
    folder = copy("1zb")
    (folder / "content" / "authors" / "jdoe").mkdir()
    (folder / "content" / "authors" / "jdoe" / "_index.md").write_text("---\ntitle: Jane Doe\nsuperuser: true\n---\n")
    about = folder / "content" / "home" / "about.md"
    about.write_text(about.read_text().replace("author: admin", f"author: {shown}"))
    assert [o.name for o in _of(hugoblox.read_folder(folder, ""), Owner)] == [owner]


def test_profile_links_but_not_email_or_site_paths(read) -> None:
    (owner,) = _of(read("0cooper"), Owner)
    assert owner.same_as == ["https://twitter.com/astr0livia", "https://github.com/0cooper",
                             "https://scholar.google.com/citations?hl=en&authuser=2&user=ftprjkIAAAAJ",
                             "https://astrobites.org/author/ocooper/"]


def test_a_nameless_profile_takes_the_sites_title(read) -> None:
    records = read("4tini")
    assert [o.name for o in _of(records, Owner)] == ["Luca Fortini"]
    assert "content/authors/admin/_index.md:1: the owner's profile gives no name: the site's title 'Luca Fortini' " \
           "is used" in _warnings(records)


@pytest.mark.parametrize("name, title, authors", [
    ("1zb", "Intuitive and Efficient Roof Modeling for Reconstruction and Synthesis",
     ["Jing Ren", "Biao Zhang", "Bojian Wu", "Jianqiang Huang", "Lubin Fan", "Maks Ovsjanikov", "Peter Wonka"]),
    ("0cooper", "Curriculum gaps for adult climate literacy", ["Olivia Cooper", "Annika Keeley", "Adina Merenlender"]),
    ("4tini", "Ergonomic human-robot collaboration in industry: A review",
     ["Marta Lorenzini", "Marta Lagomarsino", "Luca Fortini", "Soheil Gholami", "Arash Ajoudani"]),
])
def test_authors_in_order_with_usernames_resolved(read, name: str, title: str, authors: list[str]) -> None:
    assert [a.name for a in _paper(read(name), title).authors] == authors


def test_publication_fields(read) -> None:
    paper = _paper(read("0cooper"), "Curriculum gaps for adult climate literacy")
    assert (paper.date, paper.venue, paper.doi, paper.entry_type) == (
        PartialDate(2019, 8, 8), "Conservation Science & Practice", "10.1111/csp2.102", "article")
    assert paper.pdf == "https://conbio.onlinelibrary.wiley.com/doi/epdf/10.1111/csp2.102"
    assert paper.abstract.startswith("Conservation scientists need to advance climate literacy")


def test_an_arxiv_address_in_doi_is_read_as_the_arxiv_id(read) -> None:
    records = read("0cooper")
    paper = next(p for p in _of(records, Paper) if p.title.startswith("RUBIES"))
    assert (paper.doi, paper.arxiv) == (None, "2410.08387")
    assert "content/publication/rubies/index.md:8: doi 'https://arxiv.org/abs/2410.08387' is an arXiv address: " \
           "read as the arXiv id 2410.08387" in _warnings(records)


def test_template_demo_publication_is_left_out_with_a_warning(read) -> None:
    records = read("1zb")
    assert len(_of(records, Paper)) == 4
    assert not [p for p in _of(records, Paper) if "Robert Ford" in [a.name for a in p.authors]]
    assert "content/publication/example/index.md:2: the template's demo publication 'An example conference paper': " \
           "left out" in _warnings(records)


def test_a_dateless_preprint_keeps_its_publish_date_with_a_warning(read) -> None:
    records = read("4tini")
    paper = next(p for p in _of(records, Paper) if p.title.startswith("Markerless 3D human pose tracking"))
    assert paper.date == PartialDate(2023, 1, 3)
    assert any(w.startswith("content/publication/preprint_mocap/index.md:9: publication 'Markerless") and
               "publishDate 2023-01-03 is kept instead" in w for w in _warnings(records))


def test_cite_bib_fills_what_front_matter_leaves_empty(copy) -> None:
    folder = copy("1zb")
    page = folder / "content" / "publication" / "roof" / "index.md"
    text = page.read_text()
    text = text.replace("authors: [Jing Ren, admin, Bojian Wu, Jianqiang Huang, Lubin Fan, Maks Ovsjanikov, Peter "
                        "Wonka]", "authors: []")
    page.write_text(text.replace('publication: "ACM Trans. on Graphics (Proc. of SIGGRAPH Asia 2021)"', "publication:"))
    paper = _paper(hugoblox.read_folder(folder, ""), "Intuitive and Efficient Roof Modeling for Reconstruction and "
                                                     "Synthesis")
    assert [a.name for a in paper.authors][:2] == ["Jing Ren", "Biao Zhang"]
    assert paper.venue == "ACM Trans. on Graphics (Proc. of SIGGRAPH Asia)"


def test_toml_front_matter(copy) -> None:
    folder = copy("1zb")
    page = folder / "content" / "publication" / "prob-embed" / "index.md"
    page.write_text('+++\ntitle = "Point cloud instance segmentation using probabilistic embeddings"\n'
                    'authors = ["admin", "Peter Wonka"]\ndate = 2021-03-05T23:42:44+03:00\n'
                    'publication_types = ["1"]\npublication = "In *CVPR*"\n+++\n\nBody.\n')
    paper = _paper(hugoblox.read_folder(folder, ""), "Point cloud instance segmentation using probabilistic "
                                                     "embeddings")
    assert ([a.name for a in paper.authors], paper.date, paper.venue, paper.entry_type) == (
        ["Biao Zhang", "Peter Wonka"], PartialDate(2021, 3, 5), "CVPR", "inproceedings")


def test_bad_entries_are_skipped_with_file_and_line(copy) -> None:
    folder = copy("1zb")
    publication = folder / "content" / "publication"
    (publication / "3dilg" / "index.md").write_text("+++\ntitle = 'unclosed\n+++\n")
    (publication / "roof" / "index.md").write_text("---\ntitle: [unclosed\n---\n")
    (publication / "prob-embed" / "cite.bib").write_text("@article{x,\n  title = {broken\n")
    shape = publication / "shape-few-shot" / "index.md"
    shape.write_text(shape.read_text().replace("title:", "draft: true\ntitle:", 1))
    records = hugoblox.read_folder(folder, "site")
    assert [p.title for p in _of(records, Paper)] == ["Point cloud instance segmentation using probabilistic "
                                                      "embeddings"]
    warnings = _warnings(records)
    assert any(w.startswith("site/content/publication/3dilg/index.md:1: bad TOML front matter") for w in warnings)
    assert any(w.startswith("site/content/publication/roof/index.md:3: bad front matter") for w in warnings)
    assert any(w.startswith("site/content/publication/prob-embed/cite.bib:") and w.endswith("cite.bib not used")
               for w in warnings)
    assert any(w.startswith("site/content/publication/shape-few-shot/index.md:") and "draft: true" in w
               for w in warnings)


def test_an_unreadable_configuration_stops_the_build_with_its_line(copy) -> None:
    folder = copy("0cooper")
    (folder / "config" / "_default" / "config.toml").write_text('title = "x"\nbaseurl = \n')
    with pytest.raises(SourceError) as info:
        hugoblox.read_folder(folder, "")
    assert (info.value.path, info.value.line) == ("config/_default/config.toml", 2)


TOKENS = ["", "\n", "---", "+++", ":", "=", "[", "]", "{", "}", '"', "'", "- ", "\\", "\ufeff", "é", "admin",
          "2020-13-45", "null", "3", "[1, 2]", "{a: 1}", "*", "#", "\t", "@article{", "}"]


READ = {"title", "name", "authors", "date", "publishDate", "doi", "publication", "publication_types", "abstract",
        "url_pdf", "url_code", "url_source", "draft", "role", "bio", "interests", "social", "organizations",
        "education", "superuser", "widget", "author", "sections", "baseurl", "baseURL"}
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 30)), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_site_files_give_records_or_a_source_error(tmp_path_factory, data) -> None:
    """A corpus site with a few edits in its configuration, profiles, widgets, publications and cite.bib files:
    records with warnings, or a SourceError naming a file of the site; never another exception."""
    folder = Path(shutil.copytree(site(data.draw(st.sampled_from(["0cooper", "1zb"]))),
                                  tmp_path_factory.mktemp("fuzz") / "site"))
    files = sorted([*folder.glob("content/publication/*/*"), *folder.glob("content/authors/*/_index.md"),
                    *folder.glob("content/home/about.md"), *folder.glob("config/_default/*")])
    edit_some(data, files, READ, TOKENS)
    check_read(hugoblox.read_folder, folder)


RETYPED = retyped_cases(site, [
    ("1zb", "content/authors/admin/_index.md"), ("1zb", "content/home/about.md"),
    ("1zb", "content/publication/roof/index.md"), ("1zb", "config/_default/config.yaml"),
    ("0cooper", "content/publication/rubies/index.md")], READ)


@pytest.mark.parametrize("name, path, key", RETYPED, ids=[f"{n}:{p}:{k}" for n, p, k in RETYPED])
def test_each_read_key_with_a_value_of_another_type(tmp_path: Path, name: str, path: str, key: str) -> None:
    check_retyped(hugoblox.read_folder, site(name), tmp_path, path, key)


def test_a_site_without_profiles_is_owned_by_its_title(copy) -> None:
    folder = copy("1zb")
    shutil.rmtree(folder / "content" / "authors")
    records = hugoblox.read_folder(folder, "")
    assert [(o.name, o.origin.path) for o in _of(records, Owner)] == [("Biao Zhang", "config/_default/config.yaml")]
    assert "config/_default/config.yaml:None: no author profile (content/authors/<name>/_index.md): the owner is the " \
           "site's title" in _warnings(records)
    assert "config/_default/config.yaml" in {d.path for d in _of(records, SourceDocument)}


HARTL = Path(__file__).resolve().parent / "data" / "hugoblox-1hartl" / "site"


def test_an_unreadable_owner_profile_stops_the_build_at_its_line() -> None:
    with pytest.raises(SourceError) as info:
        hugoblox.read_folder(HARTL, "")
    assert (info.value.path, info.value.line) == ("content/authors/admin/_index.md", 118)


def test_hugo_blox_5_profile_lists_and_demo_publications(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(HARTL, tmp_path / "site"))
    profile = folder / "content" / "authors" / "admin" / "_index.md"
    profile.write_text(profile.read_text().replace("title: Neuromatch Academy: Deep Learning",
                                                   'title: "Neuromatch Academy: Deep Learning"'))
    records = hugoblox.read_folder(folder, "")
    (owner,) = _of(records, Owner)
    assert (owner.name, owner.label, owner.identifiers) == ("Liam W. Hart", "PhD Student",
                                                            {"orcid": "0009-0000-2422-914X"})
    assert "https://github.com/1hartl" in owner.same_as and not [u for u in owner.same_as if "mailto" in u]
    roles = {(r.category, r.role_name, r.organization): r for r in _of(records, Role)}
    phd = roles[("education", "PhD Psychology", "Georgia Institute of Technology")]
    assert (phd.start, phd.end) == (PartialDate(2024, 8, 19), None)  # date_end 2029-04-31 is no day
    bs = roles[("education", "BS Psychology", "Grand Valley State University")]
    assert (bs.start, bs.end) == (PartialDate(2018, 8, 27), PartialDate(2021, 12, 18))
    assert not _of(records, Paper)
    assert sum("the template's demo publication" in w for w in _warnings(records)) == 3
