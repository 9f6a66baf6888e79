"""The academicpages importer, on real sites of the corpus (tests/data/real/*, generator: academicpages) and on
copies of them changed where the corpus lacks a case."""

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

IMPORTER = academicpages  # the `read` fixture (conftest.py) reads corpus sites with it

ALFOLIO = Path(__file__).resolve().parents[1] / "data" / "alfolio"


def test_matches_folder_and_is_offered_before_alfolio(tmp_path: Path) -> None:
    assert academicpages.matches_folder(site("antonior92"))
    assert not academicpages.matches_folder(ALFOLIO) and not academicpages.matches_folder(site("1zb"))
    assert alfolio.matches_folder(site("antonior92"))  # both read _config.yml: the registry's order decides
    records = read_content(site("antonior92"))
    assert {d.importer for d in _of(records, SourceDocument)} == {"academicpages", "homepage"}
    (tmp_path / "_config.yml").write_text("title: x\n")
    assert not academicpages.matches_folder(tmp_path)
    (tmp_path / "_talks").mkdir()
    assert academicpages.matches_folder(tmp_path)


def test_owner_from_the_author_block(read) -> None:
    (owner,) = [o for o in _of(read("antonior92"), Owner) if o.origin.path == "_config.yml"]
    assert (owner.name, owner.location, owner.url) == (
        "Antônio Horta Ribeiro", "Belo Horizonte (Brazil)", "https://antonior92.github.io/")
    assert owner.identifiers == {"orcid": "0000-0003-3632-8529"}
    assert "https://github.com/antonior92" in owner.same_as
    assert "https://www.linkedin.com/in/antonior92" in owner.same_as
    assert owner.email_obfuscated is None and not any("@" in s for s in owner.same_as)


@pytest.mark.parametrize("name, title, authors", [
    ("derekpowell", "A single counterexample leads to moral belief revision", ["Z. Horne", "Derek Powell",
                                                                               "J. E. Hummel"]),
    ("derekpowell", "Deontological Coherence: A framework for commonsense moral reasoning", ["K. J. Holyoak",
                                                                                              "Derek Powell"]),
    ("antonior92", "Shooting Methods for Parameter Estimation of Output Error Models", ["Antônio Horta Ribeiro",
                                                                                         "Luis A. Aguirre"]),
    ("lucasgautheron", "Vocal input and output among infants in a multilingual context: Evidence from long-form "
                       "recordings in Vanuatu", ["Alejandrina Cristia", "Lucas Gautheron", "Heidi Colleran"]),
    ("goncalomcorreia", "Adaptively Sparse Transformers", ["Gonçalo M. Correia", "Vlad Niculae",
                                                           "André F.T. Martins"]),
])
def test_authors_in_order_with_the_owner_named_in_full(read, name: str, title: str, authors: list[str]) -> None:
    assert [a.name for a in _paper(read(name), title).authors] == authors


# Citation strings as real academicpages sites have them (pinshuai/ and robertladwig/academicpages.github.io).
@pytest.mark.parametrize("citation, title, authors, truncated", [
    ("\ufeffShuai, P., Chen, X., Song, X., Hammond, G. E., Zachara, J., Royer, P., et al. (2019). Dam operations",
     "Dam Operations and Subsurface Hydrogeology", ["P. Shuai", "X. Chen", "X. Song", "G. E. Hammond", "J. Zachara",
                                                    "P. Royer"], True),
    ("Ladwig R., Heinrich L., Singer G., Hupfer M. (2017): \"Sediment core data reconstruct the management\"",
     "Sediment core data reconstruct the management", ["R. Ladwig", "L. Heinrich", "G. Singer", "M. Hupfer"], False),
    ("Ladwig, R., Hanson, P. C., Duffy, C. J., and Cobourn, K. M.: Lake thermal structure drives interannual "
     "variability, Hydrol. Earth Syst. Sci., 25, 2021", "Lake thermal structure drives interannual variability",
     ["R. Ladwig", "P. C. Hanson", "C. J. Duffy", "K. M. Cobourn"], False),
    ("Barbosa, C.C., Calijuri, M.d.C., Alves dos Santos, A.C., and Buarque, A.C.S.: Future projections of water "
     "level", "Future projections of water level", ["C. C. Barbosa", "M. d. C. Calijuri", "A. C. Alves dos Santos",
                                                    "A. C. S. Buarque"], False),
    ("Woolway, R.I., Sharma, S., Weyhenmeyer, G.A. et al. Phenological shifts in lake stratification under climate "
     "change. Nat Commun 12, 2318 (2021).", "Phenological shifts in lake stratification under climate change",
     ["R. I. Woolway", "S. Sharma", "G. A. Weyhenmeyer"], True),
    ("Zachara J., X. Chen, X. Song, P. Shuai. (2020). Kilometer-scale hydrologic exchange flows",
     "Kilometer-Scale Hydrologic Exchange Flows", ["J. Zachara", "X. Chen", "X. Song", "P. Shuai"], False),
    ("\ufeffBriody, A. C., Cardenas, M. B., &amp; Bennett, P. C. (2016). Groundwater flow, nutrient",
     "Groundwater flow, nutrient", ["A. C. Briody", "M. B. Cardenas", "P. C. Bennett"], False),
])
def test_authors_in_citation_forms(citation: str, title: str, authors: list[str], truncated: bool) -> None:
    assert academicpages.authors_in_citation(citation, title) == (authors, truncated)


@pytest.mark.parametrize("citation", ["", "In press at Nature.", "The Journal, 2019, pp. 1-10"])
def test_a_citation_naming_no_authors_gives_none(citation: str) -> None:
    assert academicpages.authors_in_citation(citation, "A Title Long Enough To Find") is None


@pytest.mark.parametrize("name, owner, same", [
    ("P. Shuai", "Pin Shuai", True), ("Antônio H. Ribeiro", "Antônio Horta Ribeiro", True),
    ("R. Ladwig", "Dr. Robert Ladwig", True), ("Gonçalo M Correia", "Gonçalo M. Correia", True),
    ("X. Chen", "Pin Shuai", False), ("Ladwig", "Robert Ladwig", False), ("Q. Shuai", "Pin Shuai", False),
    ("Pin Shuai Jr", "Pin Shuai", False), ("Pina Shuai", "Pin Shuai", False),
])
def test_owner_forms(name: str, owner: str, same: bool) -> None:
    assert academicpages.is_owner_form(name, owner) is same


def test_template_demo_content_is_left_out_with_a_warning(read) -> None:
    records = read("antonior92")
    names = {r.name for r in _of(records, Entity)} | {r.organization for r in _of(records, Role)}
    assert not {n for n in names if "Relevant Topic in Your Field" in n or "University 1" in n}
    warnings = _warnings(records)
    assert "_talks/2012-03-01-talk-1.md:2: the template's demo talk 'Talk 1 on Relevant Topic in Your Field': " \
           "left out" in warnings
    assert sum("the template's demo" in w for w in warnings) == 6


def test_talks_filed_among_publications(read) -> None:
    records = read("lucasgautheron")
    assert len(_of(records, Paper)) == 12
    talk = "Social dilemmas in high-energy physics"
    (event,) = [e for e in _of(records, Entity) if e.kind == "event" and e.name == talk]
    assert event.origin.path.startswith("_publications/")
    (role,) = [r for r in _of(records, Role) if r.organization == talk]
    assert role.category == "membership" and role.start == event.date


def test_entities_in_front_matter_are_decoded(read) -> None:
    titles = {p.title for p in _of(read("lucasgautheron"), Paper)}
    assert "Des chiffres pour appréhender l'anti-Mélenchonisme de la presse" in titles
    assert not [t for t in titles if "&" in t or "<" in t]


def test_custom_fields_date_venue_and_arxiv(read) -> None:
    paper = _paper(read("goncalomcorreia"), "Adaptively Sparse Transformers")
    assert paper.date == PartialDate(2019) and paper.venue == "In Proceedings of EMNLP"
    assert paper.arxiv == "1909.00015" and paper.code_url == "https://github.com/deep-spin/entmax/"


def test_teaching_and_the_templates_cv_form(read) -> None:
    roles = {(r.category, r.role_name, r.organization): r for r in _of(read("goncalomcorreia"), Role)}
    intern = roles[("work", "Intern", "Unbabel")]
    assert intern.start == PartialDate(2016) and intern.supervisors == ["João Graça"]
    assert roles[("education", "Ph.D. in Machine Learning", "Instituto Superior Técnico")].end == PartialDate(2022)
    assert ("work", "Teaching: TA in Deep Structured Learning", "Instituto Superior Técnico") in roles


def test_a_doi_shared_by_different_titles_is_left_out(read) -> None:
    records = read("derekpowell")
    assert _paper(records, "Causal competition based on generic priors").doi is None
    assert _paper(records, "The love of large numbers: A popularity bias in consumer choice").doi
    assert any(w.startswith("_publications/causal-competition.md:2: DOI 10.1016/j.cogpsych.2016.02.001 is given to 2")
               for w in _warnings(records))


def test_bad_entries_are_skipped_with_file_and_line(copy) -> None:
    folder = copy("antonior92")
    (folder / "_publications" / "2014-CBA.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (folder / "_publications" / "2015-IFAC.md").write_text("---\nvenue: somewhere\n---\n")
    text = (folder / "_publications" / "2017-IFAC.md").read_text()
    (folder / "_publications" / "2017-IFAC.md").write_text(text.replace("date: 2017-01-01", "date: someday"))
    records = academicpages.read_folder(folder, "site")
    assert len(_of(records, Paper)) == 3
    warnings = _warnings(records)
    assert any(w.startswith("site/_publications/2014-CBA.md:3: bad front matter") and w.endswith("left out")
               for w in warnings)
    assert "site/_publications/2015-IFAC.md:1: a publication needs a title in its front matter: left out" in warnings
    assert "site/_publications/2017-IFAC.md:13: date 'someday' is not a date: looking for a year elsewhere" in warnings
    assert _paper(records, "Shooting Methods for Parameter Estimation of Output Error Models").date == \
        PartialDate(2017)  # from the file name


def test_an_unreadable_config_stops_the_build_with_its_line(copy) -> None:
    folder = copy("antonior92")
    (folder / "_config.yml").write_text("title: x\nauthor:\n  name: [oops\n")
    with pytest.raises(SourceError) as info:
        academicpages.read_folder(folder, "")
    assert (info.value.path, info.value.line) == ("_config.yml", 4)


def test_template_placeholders_in_the_author_block(copy) -> None:
    folder = copy("derekpowell")
    text = (folder / "_config.yml").read_text()
    (folder / "_config.yml").write_text(text.replace('"Derek Powell"', '"Your Sidebar Name"'))
    records = academicpages.read_folder(folder, "")
    assert not [o for o in _of(records, Owner) if o.name]
    assert "_config.yml:80: author name 'Your Sidebar Name' is the template's placeholder: left out" in \
        _warnings(records)


def test_hugo_sites_are_not_taken() -> None:
    assert hugoblox.matches_folder(site("1zb")) and not academicpages.matches_folder(site("1zb"))


TOKENS = ["", "\n", "---", ":", "[", "]", "{", "}", '"', "'", "- ", "&amp;", "<b>", "\\", "\ufeff", "é", "et al.",
          " and ", "(2020)", "2020-13-45", "null", "3", "[1, 2]", "{a: 1}", "*", "#", "\t"]


READ = {"title", "date", "venue", "paperurl", "citation", "authors", "author", "excerpt", "abstract", "collection",
        "type", "location", "name", "bio", "employer", "orcid", "github", "googlescholar", "permalink", "doi",
        "category", "published", "talkurl", "conference", "conference_year", "arxiv_link", "code_link", "url", "baseurl"}
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 30)), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_site_files_give_records_or_a_source_error(tmp_path_factory, data) -> None:
    """A corpus site with a few edits in its config, home page, CV and collections: records with warnings, or a
    SourceError naming a file of the site; never another exception."""
    folder = Path(shutil.copytree(site(data.draw(st.sampled_from(["antonior92", "goncalomcorreia"]))),
                                  tmp_path_factory.mktemp("fuzz") / "site"))
    files = sorted(p for p in folder.rglob("*.md")) + [folder / "_config.yml"]
    edit_some(data, files, READ, TOKENS)
    check_read(academicpages.read_folder, folder)


RETYPED = retyped_cases(site, [
    ("antonior92", "_config.yml"), ("antonior92", "_pages/about.md"), ("antonior92", "_publications/2017-IFAC.md"),
    ("antonior92", "_talks/2012-03-01-talk-1.md"), ("goncalomcorreia", "_pages/cv.md"),
    ("goncalomcorreia", "_publications/201911-adaptive-sparse.md"), ("goncalomcorreia", "_teaching/2019-TA-DSL.md")],
    READ)


@pytest.mark.parametrize("name, path, key", RETYPED, ids=[f"{n}:{p}:{k}" for n, p, k in RETYPED])
def test_each_read_key_with_a_value_of_another_type(tmp_path: Path, name: str, path: str, key: str) -> None:
    check_retyped(academicpages.read_folder, site(name), tmp_path, path, key)
