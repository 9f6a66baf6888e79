"""The homepage importer, on both seed versions of the homepage, on the bundled copies and on hand-made pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Entity, Mention, Owner, PartialDate, Role, Section, SourceDocument
from kg.sources import homepage

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
SEEDS = DATA.parents[1] / "data" / "seeds"  # copied unmodified into the repository (SOURCE.md there)
CURRENT = [SEEDS / "000_6e2e361502c42182.txt", ROOT / "content" / "homepage.md"]
OLD = [SEEDS / "001_7611b96e1a55e9db.txt", ROOT / "content" / "homepage-2022.md"]
IDS = ["seed", "content"]

HEADINGS_2022 = ["Brief academic bio", "Current projects", "Broader research interests", "My vision of science"]
HEADINGS_CURRENT = HEADINGS_2022 + ["Contact"]


def _read(source: Path, tmp_path: Path, name: str) -> list:
    """Records of a homepage version, copied under the file name a content folder would give it."""
    target = tmp_path / name
    shutil.copyfile(source, target)
    return homepage.read(target, name)


@pytest.fixture(params=CURRENT, ids=IDS)
def current(request: pytest.FixtureRequest, tmp_path: Path) -> list:
    return _read(request.param, tmp_path, "homepage.md")


@pytest.fixture(params=OLD, ids=IDS)
def old(request: pytest.FixtureRequest, tmp_path: Path) -> list:
    return _read(request.param, tmp_path, "homepage-2022.md")


@pytest.fixture(params=[p for pair in zip(CURRENT, OLD) for p in pair], ids=["seed-current", "seed-2022",
                                                                             "content-current", "content-2022"])
def version(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list]:
    name = "homepage-2022.md" if request.param in OLD else "homepage.md"
    return request.param, _read(request.param, tmp_path, name)


def _of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def _entity(records: list, url: str) -> Entity:
    (found,) = [e for e in _of(records, Entity) if e.url == url]
    return found


def _owner(records: list) -> Owner:
    (owner,) = _of(records, Owner)
    return owner


# --- the document -----------------------------------------------------------------------------------------------


def test_matches_markdown_only() -> None:
    assert homepage.matches(Path("homepage.md")) and homepage.matches(Path("x/About.MARKDOWN"))
    assert not homepage.matches(Path("resume.json")) and not homepage.matches(Path("listing.txt"))


def test_current_document(current: list) -> None:
    (doc,) = _of(current, SourceDocument)
    assert doc == SourceDocument(path="homepage.md", importer="homepage", media_type="text/markdown",
                                 title="Home", version_date=None)


def test_2022_version_dated_from_file_name(old: list) -> None:
    (doc,) = _of(old, SourceDocument)
    assert doc.version_date == dt.date(2022, 1, 1) and doc.title is None


@pytest.mark.parametrize(
    ("name", "meta", "expected"),
    [
        ("homepage.md", {}, None),
        ("homepage-2022.md", {}, dt.date(2022, 1, 1)),
        ("home-2021-06-30.md", {}, dt.date(2021, 6, 30)),
        ("2020-03-01-home.markdown", {}, dt.date(2020, 3, 1)),
        ("homepage-2022.md", {"date": dt.date(2022, 9, 1)}, dt.date(2022, 9, 1)),
        ("homepage.md", {"date": dt.datetime(2023, 2, 3, 10, 0)}, dt.date(2023, 2, 3)),
        ("homepage.md", {"date": "2024-05"}, dt.date(2024, 5, 1)),
    ],
)
def test_version_date(name: str, meta: dict, expected: dt.date | None) -> None:
    assert homepage.version_date(meta, name) == expected


def test_front_matter_date_wins() -> None:
    (doc, *_) = homepage.parse("---\ntitle: About\ndate: 2019-05-03\n---\nHello.\n", "home-2022.md")
    assert doc.version_date == dt.date(2019, 5, 3) and doc.title == "About"


# --- owner facts ------------------------------------------------------------------------------------------------


def test_pronouns_in_both_versions(version: tuple[Path, list]) -> None:
    owner = _owner(version[1])
    assert owner.name == "" and owner.pronouns == "he/él/il"


def test_pronoun_line_and_image(current: list, old: list) -> None:
    assert _owner(current).origin.line == 7 and _owner(old).origin.line == 1
    assert _owner(current).image == "/assets/images/alex-photo-2024-rects.png"
    assert _owner(old).image is None


def test_obfuscated_address_and_location(current: list, old: list) -> None:
    assert _owner(current).email_obfuscated == "alex.hernandez-garcia _at_ mila.quebec"
    assert _owner(old).email_obfuscated is None
    assert _owner(current).location == _owner(old).location == "Tiohtià:ke / Montréal"


@pytest.mark.parametrize(
    "sentence",
    [
        "My pronouns are _they/them_.",
        "I use the [pronouns _they/them_](https://x.org).",
        "I use the pronouns they/them.",
    ],
)
def test_pronouns_other_wordings(sentence: str) -> None:
    assert _owner(homepage.parse(sentence + "\n", "p.md")).pronouns == "they/them"


# --- sections ---------------------------------------------------------------------------------------------------


def test_sections_current(current: list) -> None:
    sections = _of(current, Section)
    assert [s.heading for s in sections] == HEADINGS_CURRENT
    assert [s.origin.line for s in sections] == [9, 14, 17, 20, 23]
    bio = sections[0].markdown
    assert bio.startswith("I am an assistant professor at the Université de Montréal at [DIRO]")
    assert "[PhD thesis]({{ site.url }}/thesis.pdf)" in bio and "#### " not in bio
    assert sections[-1].markdown.endswith("alex.hernandez-garcia _at_ mila.quebec")


def test_sections_2022(old: list) -> None:
    sections = _of(old, Section)
    assert [s.heading for s in sections] == HEADINGS_2022
    assert [s.origin.line for s in sections] == [3, 6, 9, 12]
    assert "pronouns" not in " ".join(s.markdown for s in sections)
    assert sections[3].markdown.endswith("member of the Equity, Diversity and Inclusion Committee.")


# --- mentions ---------------------------------------------------------------------------------------------------


def _links_by_regex(path: Path) -> list[tuple[str, int]]:
    """(url, line) of every [text](url) in the file, found independently of markdown-it."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "pronouns" in line:
            continue
        found.extend((m.group(1), number) for m in re.finditer(r"\]\(([^)\s]*(?:\s[^)\s]*)*?)\)", line))
    return found


def test_every_link_is_a_mention(version: tuple[Path, list]) -> None:
    path, records = version
    mentions = _of(records, Mention)
    assert [(m.url, m.origin.line) for m in mentions] == _links_by_regex(path)
    assert all(m.section for m in mentions)
    assert not any("pronoun.is" in m.url for m in mentions)


def test_mention_details(current: list) -> None:
    by_url = {m.url: m for m in _of(current, Mention)}
    thesis = by_url["{{ site.url }}/thesis.pdf"]
    assert (thesis.text, thesis.section, thesis.origin.line) == ("PhD thesis", "Brief academic bio", 10)
    assert by_url["{{ site.url }}/bio"].text == "The bio page includes text that may be used for outreach."
    assert by_url["https://sftp-canada.org/"].section == "My vision of science"
    assert by_url["https://github.com/alexhernandezgarcia/gflownet"].text == "a GFlowNet python library"


# --- entities ---------------------------------------------------------------------------------------------------


def test_people_with_honorifics(version: tuple[Path, list]) -> None:
    records = version[1]
    bengio = _entity(records, "https://yoshuabengio.org/")
    assert (bengio.kind, bengio.name, bengio.honorific) == ("person", "Yoshua Bengio", "Prof.")
    tim = _entity(records, "http://www.timkietzmann.de/")
    assert (tim.kind, tim.name, tim.honorific) == ("person", "Tim Kietzmann", "Dr.")
    assert _entity(records, "https://portal.ikw.uni-osnabrueck.de/~NBP/PeterKoenig.html").name == "Peter König"


def test_people_by_name(version: tuple[Path, list]) -> None:
    sasha = _entity(version[1], "https://www.sashaluccioni.com/")
    assert (sasha.kind, sasha.name, sasha.honorific) == ("person", "Sasha Luccioni", None)
    assert _entity(version[1], "https://vict0rs.ch/").kind == "person"


def test_organizations_current(current: list) -> None:
    diro = _entity(current, "https://diro.umontreal.ca")
    assert (diro.kind, diro.org_type, diro.parent) == ("organization", "department", "Université de Montréal")
    mila = _entity(current, "https://mila.quebec")
    assert (mila.kind, mila.name, mila.org_type) == ("organization", "Mila", "institute")
    assert mila.alternate_names == ["Quebec Artificial Intelligence Institute"]
    (udem,) = [e for e in _of(current, Entity) if e.name == "Université de Montréal"]
    assert (udem.kind, udem.org_type, udem.url) == ("organization", "university", None)
    uc3m = _entity(current, "https://www.uc3m.es/Home")
    assert (uc3m.kind, uc3m.org_type) == ("organization", "university")


def test_organizations_2022(old: list) -> None:
    mila = _entity(old, "https://mila.quebec/")
    assert (mila.kind, mila.name, mila.org_type) == (
        "organization", "Mila - Quebec Artificial Intelligence Institute", "institute")
    assert "Mila" in mila.alternate_names
    committee = next(e for e in _of(old, Entity) if e.name == "Equity, Diversity and Inclusion Committee")
    assert (committee.kind, committee.org_type, committee.parent) == ("initiative", "committee", "Mila")


def test_projects(version: tuple[Path, list]) -> None:
    records = version[1]
    library = _entity(records, "https://github.com/alexhernandezgarcia/gflownet")
    assert (library.kind, library.name) == ("project", "GFlowNet python library")
    assert library.repository == "https://github.com/alexhernandezgarcia/gflownet"
    climate = _entity(records, "https://thisclimatedoesnotexist.com/")
    assert (climate.kind, climate.name, climate.repository) == ("project", "ThisClimateDoesNotExist.com", None)
    assert climate.members == ["Victor Schmidt", "Sasha Luccioni"]
    assert climate.description.startswith("a website to help us visualise")


def test_initiatives(current: list) -> None:
    for url, name in [("https://sftp-canada.org/", "Science for the People"),
                      ("https://www.ai4goodlab.com/", "AI4Good Lab"),
                      ("https://www.fatimafellowship.com/home", "Fatima Fellowship")]:
        entity = _entity(current, url)
        assert (entity.kind, entity.name) == ("initiative", name)


def test_workshop_is_an_initiative_and_an_event(version: tuple[Path, list]) -> None:
    records = version[1]
    workshop = _entity(records, "https://preregister.science/")
    assert (workshop.kind, workshop.name) == ("initiative", "workshop on pre-registration in machine learning")
    assert workshop.date == PartialDate(2021) and workshop.super_event == "NeurIPS 2021"
    assert workshop.org_type == "event"
    (neurips,) = [e for e in _of(records, Entity) if e.kind == "event"]
    assert (neurips.name, neurips.date) == ("NeurIPS 2021", PartialDate(2021))


def test_conference_takes_the_year_before_it(current: list) -> None:
    conference = _entity(current, "https://aihelpsukraine.cc/")
    assert (conference.kind, conference.date, conference.super_event) == ("initiative", PartialDate(2022), None)


def test_place(version: tuple[Path, list]) -> None:
    place = _entity(version[1], "https://www.concordia.ca/indigenous/resources/territorial-acknowledgement.html")
    assert (place.kind, place.name) == ("place", "Tiohtià:ke")


def test_site_pages_and_pronouns_are_not_entities(version: tuple[Path, list]) -> None:
    urls = [e.url for e in _of(version[1], Entity) if e.url]
    assert not any("{{" in u or "pronoun.is" in u for u in urls)
    assert len(urls) == len(set(urls))


def test_nexgenvis_is_a_programme(version: tuple[Path, list]) -> None:
    nexgenvis = _entity(version[1], "https://www.nextgenvis.eu")
    assert (nexgenvis.kind, nexgenvis.org_type) == ("organization", "programme")


def test_entity_lines(version: tuple[Path, list]) -> None:
    by_url = {m.url: m.origin.line for m in _of(version[1], Mention)}
    for entity in _of(version[1], Entity):
        if entity.url:
            assert entity.origin.line == by_url[entity.url]


# --- present-tense roles ----------------------------------------------------------------------------------------


def test_roles_current(current: list) -> None:
    roles = _of(current, Role)
    assert [(r.category, r.role_name, r.organization, r.current, r.start) for r in roles] == [
        ("work", "assistant professor", "Université de Montréal", True, None),
        ("work", "assistant professor", "Mila", True, None),
    ]
    assert all(r.origin.line == 10 and r.end is None and r.supervisors == [] for r in roles)
    assert roles[1].url == "https://mila.quebec"


def test_roles_2022(old: list) -> None:
    postdoc, representative, member = _of(old, Role)
    assert (postdoc.category, postdoc.role_name, postdoc.organization) == (
        "work", "postdoctoral researcher", "Mila - Quebec Artificial Intelligence Institute")
    assert postdoc.current and postdoc.start == PartialDate(2020, 12) and postdoc.end is None
    assert postdoc.supervisors == ["Yoshua Bengio", "David Rolnick"] and postdoc.origin.line == 4
    assert (representative.category, representative.role_name, representative.organization) == (
        "membership", "Lab Representative", "Mila")
    assert (member.category, member.role_name, member.organization) == (
        "membership", "member", "Equity, Diversity and Inclusion Committee")
    assert representative.current and member.current and member.origin.line == 13


def test_past_tense_is_not_a_role() -> None:
    text = "#### Bio\nPreviously, I was a postdoctoral researcher at [Mila](https://mila.quebec).\n"
    assert _of(homepage.parse(text, "p.md"), Role) == []


def test_roles_on_another_page() -> None:
    text = (
        "## About me\n"
        "I am a PhD student at the [Foo University](https://foo.edu) at [CSD](https://cs.foo.edu), working with\n"
        "[Dr. Jane Roe](https://roe.org) and Prof. John Smith, since March 2019.\n"
        "At [Bar Lab](https://bar.org), I am a student representative and a member of the Outreach Committee.\n"
    )
    records = homepage.parse(text, "about.md")
    phd, rep, member = _of(records, Role)
    assert (phd.role_name, phd.organization, phd.start, phd.supervisors, phd.origin.line) == (
        "PhD student", "Foo University", PartialDate(2019, 3), ["Jane Roe", "John Smith"], 2)
    assert (rep.category, rep.role_name, rep.organization) == ("membership", "student representative", "Bar Lab")
    assert (member.role_name, member.organization, member.origin.line) == ("member", "Outreach Committee", 4)
    csd = _entity(records, "https://cs.foo.edu")
    assert (csd.org_type, csd.parent) == ("department", "Foo University")
    assert _entity(records, "https://roe.org").origin.line == 3


# --- bad input --------------------------------------------------------------------------------------------------


def test_bad_front_matter_has_its_line() -> None:
    with pytest.raises(SourceError) as err:
        homepage.parse("---\nlayout: home\n\tbad: 1\n---\nHello.\n", "homepage.md")
    assert err.value.line == 3 and "front matter" in err.value.problem


def test_bad_front_matter_file() -> None:
    with pytest.raises(SourceError) as err:
        homepage.read(DATA / "bad-front-matter.md", "bad-front-matter.md")
    assert err.value.path == "bad-front-matter.md" and err.value.line in (4, 5)


def test_bad_front_matter_date_has_its_line() -> None:
    with pytest.raises(SourceError) as err:
        homepage.parse("---\ntitle: Home\ndate: last spring\n---\nHello.\n", "homepage.md")
    assert err.value.line == 3 and "date" in err.value.problem


def test_windows_line_endings() -> None:
    records = homepage.parse("---\r\ntitle: Home\r\n---\r\n## Bio\r\nSee [X Lab](https://x.org).\r\n", "h.md")
    (section,) = _of(records, Section)
    assert (section.heading, section.markdown, section.origin.line) == ("Bio", "See [X Lab](https://x.org).", 4)
    assert _entity(records, "https://x.org").origin.line == 5


def test_unclosed_front_matter() -> None:
    with pytest.raises(SourceError) as err:
        homepage.parse("---\ntitle: x\n", "homepage.md")
    assert err.value.line == 1


def test_page_without_front_matter_or_headings() -> None:
    records = homepage.parse("Just [a link](https://example.org).\n", "p.md")
    assert [(s.heading, s.markdown, s.origin.line) for s in _of(records, Section)] == [
        ("About", "Just [a link](https://example.org).", 1)]  # an untitled page's prose is kept, not dropped
    assert [m.section for m in _of(records, Mention)] == [None]


def test_prose_before_the_first_heading_is_a_section_named_by_the_title() -> None:
    text = "---\ntitle: About me\n---\nI use the pronouns she/her.\n\nI study [rivers](https://example.org).\n\n# Work\nMore.\n"
    sections = _of(homepage.parse(text, "p.md"), Section)
    assert [(s.heading, s.markdown) for s in sections] == [
        ("About me", "I study [rivers](https://example.org)."), ("Work", "More.")]  # the pronouns are a fact of their own
    only_pronouns = "I use the pronouns she/her.\n\n# Work\nMore.\n"
    assert [s.heading for s in _of(homepage.parse(only_pronouns, "p.md"), Section)] == ["Work"]


def test_a_link_whose_text_names_nothing_is_not_an_entity() -> None:
    text = "Code is in [this](https://github.com/someone/solver) repository; see [here](https://example.org/x).\n"
    entities = [(e.kind, e.name) for e in _of(homepage.parse(text, "p.md"), Entity)]
    assert entities == [("project", "solver")]


def test_the_seeds_are_in_the_repository_unmodified():
    """The seed copies exist and match the sums SOURCE.md records (a missing seed fails, never skips)."""
    source = (SEEDS / "SOURCE.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"`(\d{3}_[0-9a-f]+\.txt)` \|[^|]*\| `([0-9a-f]{64})`", source))
    assert len(recorded) == 3
    for name, digest in recorded.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("text, url, kind", [
    ("I enjoyed a talk by [Mila Kunis](https://example.org/mila-kunis).", "https://example.org/mila-kunis", "person"),
    ("I work with [Mila Novak](https://example.org/mila), a colleague.", "https://example.org/mila", "person"),
    ("I am a researcher at the [Vector Institute](https://vectorinstitute.ai).", "https://vectorinstitute.ai",
     "organization"),
])
def test_links_are_typed_by_general_rules_not_by_a_profile_s_names(text: str, url: str, kind: str) -> None:
    """No name of the bundled profile (Mila) is a rule: a person called Mila is a person."""
    entity = _entity(homepage.parse(text + "\n", "p.md"), url)
    assert entity.kind == kind, entity
    assert entity.org_type != "institute" or kind == "organization"
