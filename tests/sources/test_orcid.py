"""The ORCID importer, on a public API v3.0 record (tests/data/orcid) and on hand-made bad records."""

from __future__ import annotations

import copy
import shutil
import json
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Author, Entity, Owner, Paper, PartialDate, Role, SourceDocument, Warning_
from kg.sources import orcid

DATA = Path(__file__).resolve().parents[1] / "data" / "orcid"
RECORD = DATA / "ivarga.orcid.json"


@pytest.fixture(scope="module")
def records() -> list:
    return orcid.read(RECORD, "ivarga.orcid.json")


def _of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def _roles(records: list) -> dict[tuple[str, str], Role]:
    return {(r.category, r.organization): r for r in _of(records, Role)}


def _record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def _lines_of(text: str, needle: str, after: str = "") -> int:
    """The line where needle first appears in text (after the first `after`)."""
    return text[: text.index(needle, text.index(after))].count("\n") + 1


def test_document_and_owner(records: list) -> None:
    assert records[0] == SourceDocument(path="ivarga.orcid.json", importer="orcid",
                                        media_type="application/vnd.orcid+json")
    (owner,) = _of(records, Owner)
    assert owner.name == "Ilse Varga-Moreau" and owner.alternate_names == ["Ilse Varga"]
    assert owner.identifiers == {"orcid": "0000-0002-1825-0097", "scopus-author-id": "57190000001"}
    assert owner.url == "https://ivarga.github.io/" and owner.same_as == ["https://github.com/ivarga"]
    assert owner.summary and owner.summary.startswith("Computational ecologist")
    assert owner.interests == ["computational ecology", "hydrology"]
    assert {e.name for e in _of(records, Entity) if e.kind == "topic"} == {"computational ecology", "hydrology"}
    assert owner.origin.line == _lines_of(RECORD.read_text(), '"person"')


def test_employments_keep_date_precision_and_org_ids(records: list) -> None:
    roles = _roles(records)
    lakeshore = roles[("work", "University of Lakeshore")]
    assert lakeshore.role_name == "Assistant Professor"
    assert (lakeshore.start, lakeshore.end) == (PartialDate(2023, 8, 28), None)
    assert lakeshore.description == "Department of Earth Sciences"
    assert lakeshore.location == "Port Alder, ON, CA" and lakeshore.url == "https://www.lakeshore.example.edu/"
    postdoc = roles[("work", "Northbridge Institute for Data Science")]
    assert (postdoc.start, postdoc.end) == (PartialDate(2020, 12), PartialDate(2023, 7))
    orgs = {e.name: e for e in _of(records, Entity) if e.kind in ("organization", "initiative")}
    assert orgs["University of Lakeshore"].identifiers == {"ror": "03q5kzv18"}  # the bare id of https://ror.org/...
    assert orgs["Northbridge Institute for Data Science"].identifiers == {"ringgold": "385112"}
    assert orgs["Halden Technical University"].identifiers == {"grid": "grid.501234.7"}
    assert orgs["Workshop on Machine Learning for Rivers"].kind == "initiative"


def test_other_affiliations(records: list) -> None:
    roles = _roles(records)
    phd = roles[("education", "Halden Technical University")]
    assert phd.role_name == "PhD in Environmental Engineering"
    assert (phd.start, phd.end) == (PartialDate(2016, 9), PartialDate(2020, 11, 27))
    assert (roles[("education", "Tiszavölgy University")].start, roles[("education", "Tiszavölgy University")].end
            ) == (PartialDate(2014), PartialDate(2016))
    assert roles[("work", "Institut des Rivières")].role_name == "Visiting Researcher"  # an invited position
    assert roles[("membership", "Workshop on Machine Learning for Rivers")].role_name == "Program Committee Member"
    award = roles[("award", "Society for Computational Ecology")]
    assert (award.role_name, award.start) == ("Early Career Award", PartialDate(2022, 6))


def test_works(records: list) -> None:
    papers = {p.title: p for p in _of(records, Paper)}
    assert set(papers) == {"Sampling River Networks with Generative Flow Networks",
                           "Forecasting wetland loss with graph neural networks",
                           "Counting Amphibians in Acoustic Surveys with Self-Supervised Learning",
                           "Stochastic Models of Riparian Vegetation Dynamics"}
    icml = papers["Sampling River Networks with Generative Flow Networks"]
    assert icml.arxiv == "2402.01357" and icml.doi is None  # "arXiv:2402.01357v2": prefix and version dropped
    assert icml.entry_type == "inproceedings" and icml.date == PartialDate(2024, 7)
    assert icml.authors == [Author("Ilse Varga-Moreau")] and icml.truncated
    wetlands = papers["Forecasting wetland loss with graph neural networks"]  # the preferred (display-index 1) one
    assert wetlands.doi == "10.5555/jce.2023.0412" and wetlands.date == PartialDate(2023, 5, 15)
    assert wetlands.venue == "Journal of Computational Ecology" and wetlands.identifiers == {}  # ISSN is part-of
    assert papers["Counting Amphibians in Acoustic Surveys with Self-Supervised Learning"].entry_type == "misc"
    thesis = papers["Stochastic Models of Riparian Vegetation Dynamics"]
    assert thesis.entry_type == "phdthesis" and not thesis.truncated
    assert thesis.url == "https://hdl.example.org/11250/2712345"
    (warning,) = _of(records, Warning_)
    assert "Notes on river routing" in warning.message and "no publication date" in warning.message


def test_no_name_no_works(tmp_path: Path) -> None:
    record = _record()
    record["person"]["name"] = None
    records = orcid.parse(json.dumps(record, indent=2), "x.orcid.json")
    (owner,) = _of(records, Owner)
    assert owner.name == "" and owner.identifiers["orcid"] == "0000-0002-1825-0097"
    assert not _of(records, Paper)
    assert any("cannot be attributed" in w.message for w in _of(records, Warning_))


def _broken(edit) -> str:
    record = copy.deepcopy(_record())
    edit(record)
    return json.dumps(record, indent=2)


def _employment(record: dict) -> dict:
    return record["activities-summary"]["employments"]["affiliation-group"][0]["summaries"][0]["employment-summary"]


@pytest.mark.parametrize(
    "edit, needle, problem",
    [
        (lambda r: r["orcid-identifier"].update(path="0000-0002-1825"), '"path": "0000-0002-1825"', "not an ORCID iD"),
        (lambda r: _employment(r)["start-date"].update(month={"value": "13"}), ('"start-date"', '"employments"'),
         "is not a date"),
        (lambda r: _employment(r).update(organization={"address": None}), '"employment-summary"',
         "names no organization"),
        (lambda r: r["activities-summary"].update(works=["x"]), '"works"', "must be an object"),
        (lambda r: r["person"]["keywords"].update(keyword={"content": "x"}), '"keyword": {', "must be a list"),
        (lambda r: _employment(r)["organization"]["disambiguated-organization"].update(
            {"disambiguated-organization-identifier": "not-a-ror"}),
         ('"disambiguated-organization": {', '"employments"'), "not a ROR id"),
        (lambda r: r["activities-summary"]["works"]["group"][0]["work-summary"][0].update(title=None),
         '"put-code": 40001', "has no title"),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, edit, needle: str | tuple[str, str], problem: str) -> None:
    text = _broken(edit)
    path = tmp_path / "bad.orcid.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        orcid.read(path, "bad.orcid.json")
    assert caught.value.path == "bad.orcid.json"
    assert problem in caught.value.problem
    line = _lines_of(text, *needle) if isinstance(needle, tuple) else _lines_of(text, needle)
    assert caught.value.line in (line, line - 1)  # the key's line, or the line its object opens on


def test_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.orcid.json"
    path.write_text('{\n  "orcid-identifier": {\n    "path": "0000-0002-1825-0097",\n  }\n}\n')
    with pytest.raises(SourceError) as caught:
        orcid.read(path, "bad.orcid.json")
    assert caught.value.line == 4 and "invalid JSON" in caught.value.problem


def test_not_a_record() -> None:
    with pytest.raises(SourceError, match="no orcid-identifier"):
        orcid.parse('{"person": {}}', "x.orcid.json")


def test_matches(tmp_path: Path) -> None:
    by_content = tmp_path / "record.json"
    by_content.write_text(json.dumps({"orcid-identifier": {"path": "0000-0002-1825-0097"}}))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"orcid": "x"}))
    assert orcid.matches(RECORD) and orcid.matches(by_content) and orcid.matches(Path("me.ORCID.json"))
    assert not orcid.matches(other) and not orcid.matches(Path("resume.json"))


# ---------------------------------------------------------------- end to end

ALFOLIO = Path(__file__).resolve().parents[1] / "data" / "alfolio"


def _build(tmp_path: Path, content: Path):
    from kg.build.pipeline import build
    from kg.settings import load_settings
    from kg.store.embedded import EmbeddedStore

    build(load_settings({"store": tmp_path / "store", "content": content}, environ={}))
    return EmbeddedStore(tmp_path / "store")


def test_record_alone_builds_and_validates(tmp_path: Path) -> None:
    """The record is a profile on its own: the owner with their iD, organizations with their ROR, the works."""
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(RECORD, content / "record.json")  # found by its content, not its name
    store = _build(tmp_path, content)
    ask = """PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/scholarly-kg/ns#>
        ASK { ?owner a kg:Owner ; schema:sameAs <https://orcid.org/0000-0002-1825-0097> ;
                     schema:worksFor ?role .
              ?role schema:worksFor ?org ; schema:startDate "2023-08-28"^^<http://www.w3.org/2001/XMLSchema#date> .
              ?org schema:sameAs <https://ror.org/03q5kzv18> ;
                   schema:identifier [ schema:propertyID "ror" ; schema:value "03q5kzv18" ] .
              ?paper schema:author ?owner ; schema:sameAs <https://doi.org/10.5555/jce.2023.0412> . }"""
    assert store.query(ask)


def test_alfolio_site_with_orcid_record_builds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ALFOLIO, content / "site")
    shutil.copy(RECORD, content / "ivarga.orcid.json")
    store = _build(tmp_path, content)
    assert store.query("PREFIX kg: <https://w3id.org/scholarly-kg/ns#> ASK { ?o a kg:Owner }")
