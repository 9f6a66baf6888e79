"""The JSON Resume importer, on the bundled resume and on hand-made bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Entity, Owner, PartialDate, Role, SourceDocument, Warning_
from kg.sources import resume

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "resume.json"


@pytest.fixture
def records() -> list:
    if not CONTENT.exists():
        pytest.skip(f"{CONTENT} not present")
    return resume.read(CONTENT, "resume.json")


def _of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def _roles(records: list, category: str) -> list[Role]:
    return [r for r in _of(records, Role) if r.category == category]


def _entities(records: list, name: str) -> list[Entity]:
    return [e for e in _of(records, Entity) if e.name == name]


def test_matches() -> None:
    assert resume.matches(Path("resume.json")) and resume.matches(Path("x/alex.resume.json"))
    assert not resume.matches(Path("other.json")) and not resume.matches(Path("resume.yml"))


def test_document(records: list) -> None:
    assert _of(records, SourceDocument) == [SourceDocument(path="resume.json", importer="resume",
                                                           media_type="application/json")]


def test_owner(records: list) -> None:
    (owner,) = _of(records, Owner)
    assert (owner.name, owner.label) == ("Alex Hernandez-Garcia", "Assistant Professor")
    assert owner.email_obfuscated == "alex.hernandez-garcia _at_ mila.quebec"
    assert owner.location == "Montréal, Quebec" and owner.summary and owner.url is None
    assert owner.interests[:3] == ["machine learning for science", "climate crisis", "health"]
    assert {"GFlowNets", "open science", "computational neuroscience"} <= set(owner.interests)
    assert owner.origin.line == 2


def test_work(records: list) -> None:
    work = {(r.role_name, r.organization): r for r in _roles(records, "work")}
    assert set(work) == {("Assistant Professor", "Université de Montréal"), ("Assistant Professor", "Mila"),
                         ("Postdoctoral Researcher", "Mila"), ("Visiting PhD Student", "University of Cambridge"),
                         ("Visiting PhD Student", "Spinoza Center for Neuroimaging")}
    postdoc = work[("Postdoctoral Researcher", "Mila")]
    assert postdoc.start == PartialDate(2020, 12) and postdoc.end is None
    assert postdoc.supervisors == ["Yoshua Bengio", "David Rolnick"] and postdoc.url == "https://mila.quebec"
    assert work[("Visiting PhD Student", "University of Cambridge")].hosts == ["Tim Kietzmann"]
    assert work[("Visiting PhD Student", "Spinoza Center for Neuroimaging")].hosts == ["Serge Dumoulin"]
    for role in work.values():
        assert role.current is None
        if role.role_name != "Postdoctoral Researcher":
            assert role.start is None and role.end is None


def test_department_extension(records: list) -> None:
    (diro,) = _entities(records, "DIRO")
    assert (diro.kind, diro.org_type, diro.parent, diro.url) == (
        "organization", "department", "Université de Montréal", "https://diro.umontreal.ca")
    (udem,) = _entities(records, "Université de Montréal")
    assert (udem.org_type, udem.url) == ("university", None)
    assert {e.url for e in _entities(records, "Mila")} == {"https://mila.quebec"}


def test_education(records: list) -> None:
    phd, msc, bsc = _roles(records, "education")
    assert (phd.role_name, phd.organization, phd.start, phd.end) == (
        "PhD", "University of Osnabrück", PartialDate(2016), PartialDate(2020))
    assert phd.supervisors == ["Peter König"]
    assert [(r.role_name, r.organization, r.start, r.end) for r in (msc, bsc)] == [
        ("M.Sc.", "University Carlos III of Madrid", None, None),
        ("B.Sc.", "University Carlos III of Madrid", None, None),
    ]
    assert {e.url for e in _entities(records, "University Carlos III of Madrid")} == {"https://www.uc3m.es/Home"}


def test_award(records: list) -> None:
    (award,) = _roles(records, "award")
    assert (award.role_name, award.organization, award.start) == (
        "Marie Sklodowska-Curie fellowship", "NexGenVis", PartialDate(2016))
    (nexgenvis,) = _entities(records, "NexGenVis")
    assert nexgenvis.url == "https://www.nextgenvis.eu"


def test_volunteer(records: list) -> None:
    roles = {r.organization: r for r in _roles(records, "membership")}
    assert roles["AI4Good Lab"].role_name == roles["Fatima Fellowship"].role_name == "mentor"
    assert roles["LatinX in AI"].role_name == "mentor"
    rep = roles["Mila"]
    assert (rep.role_name, rep.start, rep.end) == ("Lab Representative", PartialDate(2021), PartialDate(2022))
    for name in ("Science for the People", "AI4Good Lab", "Fatima Fellowship", "LatinX in AI"):
        (entity,) = _entities(records, name)
        assert entity.kind == "initiative"
    (committee,) = _entities(records, "Equity, Diversity and Inclusion Committee")
    assert (committee.kind, committee.org_type, committee.parent) == ("initiative", "committee", "Mila")
    (sustainability,) = _entities(records, "Sustainability Committee")
    assert sustainability.parent == "Mila"
    assert {e.kind for e in _entities(records, "Mila")} == {"organization"}


def test_events(records: list) -> None:
    (workshop,) = _entities(records, "workshop on pre-registration in machine learning")
    assert (workshop.kind, workshop.url, workshop.super_event, workshop.date) == (
        "initiative", "https://preregister.science/", "NeurIPS 2021", PartialDate(2021))
    (conference,) = _entities(records, "AI Helps Ukraine - Charity Conference")
    assert (conference.date, conference.super_event) == (PartialDate(2022), None)


def test_projects(records: list) -> None:
    (library,) = _entities(records, "GFlowNet python library")
    assert library.kind == "project"
    assert library.url == library.repository == "https://github.com/alexhernandezgarcia/gflownet"
    (climate,) = _entities(records, "ThisClimateDoesNotExist.com")
    assert (climate.url, climate.repository) == ("https://thisclimatedoesnotexist.com/", None)
    assert climate.members == ["Victor Schmidt", "Sasha Luccioni"]
    roles = {r.organization: r.role_name for r in _roles(records, "membership")}
    assert roles["GFlowNet python library"] == "lead developer"
    assert roles["ThisClimateDoesNotExist.com"] == "co-creator"


def test_topics(records: list) -> None:
    topics = [e.name for e in _of(records, Entity) if e.kind == "topic"]
    assert topics == ["machine learning for science", "brain-inspired deep learning", "computational neuroscience",
                      "open science"]


def test_origin_lines_point_at_objects(records: list) -> None:
    lines = CONTENT.read_text(encoding="utf-8").splitlines()
    for record in records:
        if isinstance(record, (Role, Entity, Owner)):
            assert lines[record.origin.line - 1].rstrip().endswith("{"), record
    (postdoc,) = [r for r in _of(records, Role) if r.role_name == "Postdoctoral Researcher"]
    assert '"Postdoctoral Researcher"' in lines[postdoc.origin.line + 1]


def test_homepage_urls_reused(records: list) -> None:
    """The resume links things by the URLs the homepage uses, so they merge."""
    homepage = (ROOT / "content" / "homepage.md").read_text(encoding="utf-8")
    for entity in _of(records, Entity):
        if entity.url:
            assert f"]({entity.url})" in homepage, entity.url


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "resume.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_json_has_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '{\n  "basics": {\n    "name": "A",\n  }\n}\n')
    with pytest.raises(SourceError) as err:
        resume.read(path, "resume.json")
    assert err.value.line == 4 and "JSON" in err.value.problem


def test_bad_date_has_its_line(tmp_path: Path) -> None:
    doc = {"basics": {"name": "A"}, "work": [{"name": "X", "position": "Y", "startDate": "2020"},
                                               {"name": "Z", "position": "W", "startDate": "Dec 2020"}]}
    path = _write(tmp_path, json.dumps(doc, indent=2))
    bad = next(n for n, l in enumerate(path.read_text().splitlines(), 1) if "Dec 2020" in l)
    records = resume.read(path, "resume.json")
    (warning,) = [r for r in records if isinstance(r, Warning_)]
    assert warning.origin.line == bad and "startDate" in warning.message and "left out" in warning.message
    assert len([r for r in records if isinstance(r, Role)]) == 2


@pytest.mark.parametrize("date", ["2020-13", "20", "2020-02-30", 2020])
def test_impossible_dates(tmp_path: Path, date: object) -> None:
    path = _write(tmp_path, json.dumps({"awards": [{"title": "T", "date": date}]}, indent=2))
    (warning,) = [r for r in resume.read(path, "resume.json") if isinstance(r, Warning_)]
    assert warning.origin.line == 5 and "not an ISO date" in warning.message


def test_wrong_types_have_their_lines(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        resume.read(_write(tmp_path, '{\n  "basics": {"name": "A"},\n  "work": {"name": "X"}\n}'), "resume.json")
    assert err.value.line == 3 and "work" in err.value.problem
    with pytest.raises(SourceError) as err:
        resume.read(_write(tmp_path, '{\n  "work": [\n    "X"\n  ]\n}'), "resume.json")
    assert err.value.line == 3
    with pytest.raises(SourceError) as err:
        resume.read(_write(tmp_path, '{"projects": [{"name": "P",\n "members": "Ada"}]}'), "resume.json")
    assert err.value.line == 2 and "members" in err.value.problem
    with pytest.raises(SourceError) as err:
        resume.read(_write(tmp_path, "[1, 2]"), "resume.json")
    assert err.value.line == 1


def test_minimal_resume_and_empty_dates(tmp_path: Path) -> None:
    doc = {"basics": {"name": "Ada", "email": "ada@example.org"},
           "work": [{"name": "Engine Co", "position": "Analyst", "startDate": "1842", "endDate": ""}],
           "volunteer": [{"organization": "Uni", "position": "Chair", "organizationType": "university"}],
           "projects": [{"name": "Notes", "url": "https://gitlab.com/ada/notes"}],
           "skills": [{"name": "maths"}]}
    records = resume.read(_write(tmp_path, json.dumps(doc)), "resume.json")
    (owner,) = _of(records, Owner)
    assert owner.email_obfuscated == "ada@example.org" and owner.interests == []
    (work,) = _roles(records, "work")
    assert work.start == PartialDate(1842) and work.end is None
    assert _entities(records, "Uni")[0].kind == "organization"
    assert _entities(records, "Notes")[0].repository == "https://gitlab.com/ada/notes"
