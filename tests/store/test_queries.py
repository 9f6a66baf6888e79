"""Named queries over the mini fixture profile: every file parses, binds and runs; each gives the rows it should."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import queries as Q
from kg.errors import BadParameter, QueryError
from kg.settings import PROJECT_ROOT
from kg.store.base import BuildMeta
from kg.store.embedded import EmbeddedStore, write_build

BASE = "http://127.0.0.1:8000/"
FIXTURE = Path(__file__).parents[1] / "data" / "mini_profile.trig"
QUERY_FILES = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
SAMPLE_VALUES = {"iri": "person/ada-lovelace", "string": "gadget", "date": "2024-06-01", "integer": "1",
                 "kind": "paper"}
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
OWNER = f"{BASE}id/person/ada-lovelace"


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + "id/" + path)


def fixture_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))


def build(store_dir: Path, quads: list[ox.Quad], build_id: str) -> EmbeddedStore:
    write_build(store_dir, quads, BuildMeta(build_id, BASE, "2025-01-01T00:00:00Z", triples=len(quads)))
    return EmbeddedStore(store_dir)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EmbeddedStore:
    return build(tmp_path_factory.mktemp("store"), fixture_quads(), "20250101T000000-000001")


@pytest.fixture(scope="module")
def queries() -> dict[str, Q.NamedQuery]:
    return Q.load_queries()


def rows_of(store, queries, name, **values) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    return Q.run(store, queries[name], values, BASE)


def values(rows, var) -> list[str]:
    """The lexical value of var in each row (None where unbound), in order."""
    return [row[var].value if var in row else None for row in rows]


def short(term) -> str:
    return term.value.removeprefix(BASE + "id/")


# ---------------------------------------------------------------- every file: parse, bind, run


@pytest.mark.parametrize("path", QUERY_FILES, ids=[p.stem for p in QUERY_FILES])
def test_every_query_file_parses_binds_and_runs(path, store):
    query = Q.load_query(path)
    assert query.name == path.stem and query.title and query.description
    assert query.sparql.lstrip().startswith("#+ ")
    for param in query.params:
        assert param.type in Q.PARAM_TYPES
        assert f"?_{param.name}" in query.sparql
    given = {p.name: SAMPLE_VALUES[p.type] for p in query.params if p.required}
    bindings = Q.bind(query, given, BASE)
    assert set(bindings) <= {"_" + p.name for p in query.params}
    rows = Q.run(store, query, given, BASE)
    assert isinstance(rows, list)
    # Statements repeat across source graphs in the fixture: a row must never come out twice.
    frozen = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows]
    assert len(frozen) == len(set(frozen)), f"{query.name} returns duplicate rows"
    # Every parameter is projected, so it comes back bound to what was given.
    for name, term in bindings.items():
        assert all(row.get(name) == term for row in rows)


def test_load_queries_names_and_caches():
    first = Q.load_queries()
    assert set(first) == {p.stem for p in QUERY_FILES}
    assert Q.load_queries() is first
    for name in ("publications-by-year", "coauthors", "papers-on-topic", "organization-people", "career-timeline",
                 "initiatives-by-role", "truncated-author-lists", "profile-as-of", "collaborators-institutions",
                 "search", "person-papers", "paper-authors", "owner-profile", "projects", "people",
                 "organizations"):
        assert name in first
    described = Q.describe(first["coauthors"])
    assert described["params"] == [{"name": "person", "type": "iri", "default": "owner", "required": False,
                                    "description": described["params"][0]["description"]}]


# ---------------------------------------------------------------- each query's answer


def test_publications_by_year(store, queries):
    rows = rows_of(store, queries, "publications-by-year")
    assert [short(r["paper"]) for r in rows] == ["paper/deep-widgets", "paper/sparse-gadgets",
                                                   "paper/widget-mass", "paper/on-gadgets"]
    assert values(rows, "year") == ["2024", "2023", "2021", "2020"]
    assert rows[0]["year"].datatype.value == XSD + "integer"
    assert rows[1]["date"].datatype.value == XSD + "gYearMonth"
    assert values(rows, "title")[0] == "Deep Widgets for Everyone"


def test_coauthors_default_to_the_owner(store, queries):
    rows = rows_of(store, queries, "coauthors")
    assert [(short(r["coauthor"]), int(r["papers"].value)) for r in rows] == [
        ("person/bob-builder", 2), ("person/carol-chen", 1)]
    assert all(r["_person"].value == OWNER for r in rows)
    # The organization author (ATLAS) is not a co-author person.
    assert "organization/atlas-collaboration" not in {short(r["coauthor"]) for r in rows}


def test_coauthors_of_another_person(store, queries):
    rows = rows_of(store, queries, "coauthors", person="person/carol-chen")
    assert sorted((short(r["coauthor"]), int(r["papers"].value)) for r in rows) == [
        ("person/ada-lovelace", 1), ("person/bob-builder", 1)]


def test_papers_on_topic(store, queries):
    rows = rows_of(store, queries, "papers-on-topic", topic="topic/stat-ml")
    assert [short(r["paper"]) for r in rows] == ["paper/sparse-gadgets", "paper/widget-mass"]
    assert set(values(rows, "topicName")) == {"Machine Learning (Statistics)"}
    full_iri = rows_of(store, queries, "papers-on-topic", topic=BASE + "id/topic/cs-lg")
    assert [short(r["paper"]) for r in full_iri] == ["paper/deep-widgets", "paper/sparse-gadgets", "paper/on-gadgets"]


def test_papers_on_topic_unbound_matches_every_topic(store, queries):
    rows = rows_of(store, queries, "papers-on-topic")
    pairs = {(short(r["paper"]), short(r["_topic"])) for r in rows}
    assert pairs == {("paper/deep-widgets", "topic/cs-lg"), ("paper/sparse-gadgets", "topic/cs-lg"),
                     ("paper/sparse-gadgets", "topic/stat-ml"), ("paper/widget-mass", "topic/stat-ml"),
                     ("paper/on-gadgets", "topic/cs-lg")}


def test_organization_people_includes_sub_organizations(store, queries):
    rows = rows_of(store, queries, "organization-people", organization="organization/udem")
    got = {(short(r["person"]), short(r["organization"]), r["roleName"].value, r["category"].value) for r in rows}
    assert got == {
        ("person/ada-lovelace", "organization/udem-diro", "Assistant Professor", "work"),
        ("person/ada-lovelace", "initiative/ml-reading-group", "organiser", "membership"),  # DIRO's reading group
        ("person/carol-chen", "organization/udem", "PhD", "education"),
    }
    mila = rows_of(store, queries, "organization-people", organization="organization/mila")
    assert {(short(r["person"]), r["roleName"].value) for r in mila} == {
        ("person/ada-lovelace", "Postdoctoral Researcher"), ("person/ada-lovelace", "member"),
        ("person/bob-builder", "Research Scientist")}
    postdoc = next(r for r in mila if r["roleName"].value == "Postdoctoral Researcher")
    assert (postdoc["start"].value, postdoc["end"].value) == ("2020-09", "2022-12")


def test_career_timeline(store, queries):
    rows = rows_of(store, queries, "career-timeline")
    assert [(r.get("roleName").value, r["category"].value) for r in rows] == [
        ("PhD", "education"),
        ("Postdoctoral Researcher", "work"),
        ("member", "membership"),
        ("Assistant Professor", "work"),
        ("organiser", "membership"),
        ("Best Paper Award", "award"),
    ]
    assert short(rows[0]["organization"]) == "organization/eth"
    assert rows[0]["organizationName"].value == "ETH Zürich"
    assert (rows[0]["start"].value, rows[0]["end"].value) == ("2016", "2020")
    assert "organization" not in rows[-1] and "start" not in rows[-1]


def test_initiatives_by_role(store, queries):
    rows = rows_of(store, queries, "initiatives-by-role")
    assert [(r["roleName"].value, short(r["initiative"]), r["name"].value) for r in rows] == [
        ("member", "initiative/mila-edi-committee", "Mila EDI Committee"),
        ("organiser", "initiative/ml-reading-group", "ML Reading Group")]
    assert rows[1]["url"].value == "https://mlrg.example.org/"
    assert rows[1]["start"].value == "2023-09"


def test_truncated_author_lists(store, queries):
    rows = rows_of(store, queries, "truncated-author-lists")
    assert [(short(r["paper"]), r["title"].value, int(r["knownAuthors"].value)) for r in rows] == [
        ("paper/sparse-gadgets", "Sparse Gadgets", 2)]


def test_collaborators_institutions(store, queries):
    rows = rows_of(store, queries, "collaborators-institutions")
    got = {short(r["organization"]): (int(r["coauthors"].value), int(r["papers"].value)) for r in rows}
    assert got == {
        # Bob (affiliation and role); deep-widgets (also the listing's tag) and sparse-gadgets
        "organization/mila": (1, 2),
        "organization/udem": (1, 1),  # Carol's PhD role; deep-widgets
        "organization/udem-diro": (0, 1),  # only the listing's tag on sparse-gadgets
    }
    assert short(rows[0]["organization"]) == "organization/mila"


def test_search_titles_and_abstracts_ignoring_case(store, queries):
    rows = rows_of(store, queries, "search", q="WIDGET")
    assert [short(r["paper"]) for r in rows] == ["paper/deep-widgets", "paper/sparse-gadgets", "paper/widget-mass"]
    abstract_only = rows_of(store, queries, "search", q="sparsity")
    assert [short(r["paper"]) for r in abstract_only] == ["paper/sparse-gadgets"]
    assert rows_of(store, queries, "search", q="no such words") == []


def test_search_needs_a_text(store, queries):
    with pytest.raises(BadParameter) as err:
        rows_of(store, queries, "search")
    assert err.value.name == "q"


def test_person_papers(store, queries):
    rows = rows_of(store, queries, "person-papers", person="person/bob-builder")
    assert [(short(r["paper"]), int(r["position"].value)) for r in rows] == [
        ("paper/deep-widgets", 2), ("paper/sparse-gadgets", 1)]
    owner = rows_of(store, queries, "person-papers")
    assert [(short(r["paper"]), int(r["position"].value)) for r in owner] == [
        ("paper/deep-widgets", 1), ("paper/sparse-gadgets", 2), ("paper/widget-mass", 2), ("paper/on-gadgets", 1)]
    org = rows_of(store, queries, "person-papers", person="organization/atlas-collaboration")
    assert [short(r["paper"]) for r in org] == ["paper/widget-mass"]


def test_paper_authors_in_order_with_organizations(store, queries):
    rows = rows_of(store, queries, "paper-authors", paper="paper/widget-mass")
    assert [(int(r["position"].value), short(r["author"]), r["name"].value, r["isOrganization"].value)
            for r in rows] == [(1, "organization/atlas-collaboration", "ATLAS Collaboration", "true"),
                               (2, "person/ada-lovelace", "Ada Lovelace", "false")]
    deep = rows_of(store, queries, "paper-authors", paper="paper/deep-widgets")
    assert values(deep, "name") == ["Ada Lovelace", "Bob Builder", "Carol Chen"]


def test_owner_profile(store, queries):
    rows = rows_of(store, queries, "owner-profile")
    assert len(rows) == 1
    row = rows[0]
    assert row["owner"].value == OWNER
    assert {k: row[k].value for k in ("name", "pronouns", "jobTitle", "image", "url", "description")} == {
        "name": "Ada Lovelace", "pronouns": "she/her", "jobTitle": "Assistant Professor of Computer Science",
        "image": "https://example.org/ada.jpg", "url": "https://ada.example.org/",
        "description": "Ada studies widgets and gadgets."}


def test_projects(store, queries):
    rows = rows_of(store, queries, "projects")
    assert {short(r["project"]) for r in rows} == {"project/widgetlib"}
    assert values(rows, "memberName") == ["Ada Lovelace", "Bob Builder"]
    assert rows[0]["repository"] == ox.NamedNode("https://github.com/example/widgetlib")
    assert rows[0]["url"].value == "https://widgetlib.example.org/"


def test_people(store, queries):
    rows = rows_of(store, queries, "people")
    assert [(r["name"].value, int(r["papers"].value)) for r in rows] == [
        ("Ada Lovelace", 4), ("Bob Builder", 2), ("Carol Chen", 1), ("Dan Dare", 0)]


def test_organizations(store, queries):
    rows = rows_of(store, queries, "organizations")
    got = {short(r["organization"]): (int(r["members"].value), int(r["papers"].value)) for r in rows}
    assert got == {"organization/atlas-collaboration": (0, 1), "organization/udem-diro": (1, 1),
                   "organization/eth": (1, 1), "organization/mila": (2, 1), "organization/udem": (1, 0)}
    assert values(rows, "name") == sorted(values(rows, "name"))  # initiatives are not listed


def test_resources_of_kind(store, queries):
    papers = rows_of(store, queries, "resources-of-kind", kind="paper")
    assert {short(r["resource"]) for r in papers} == {"paper/deep-widgets", "paper/sparse-gadgets",
                                                      "paper/widget-mass", "paper/on-gadgets"}
    assert papers[0]["_kind"] == ox.NamedNode(SCHEMA + "ScholarlyArticle")
    people = rows_of(store, queries, "resources-of-kind")
    assert len(people) == 4


# ---------------------------------------------------------------- the profile as of a date


def as_of(store, queries, day: str) -> set[tuple[str, str]]:
    return {(short(r["role"]), r["category"].value) for r in rows_of(store, queries, "profile-as-of", date=day)}


def test_profile_as_of_2022_gives_the_2022_version(store, queries):
    assert as_of(store, queries, "2022-06-01") == {
        ("role/ada-lovelace--mila--postdoctoral-researcher", "work"),
        ("role/ada-lovelace--mila-edi-committee--member", "membership"),  # stated only in the 2022 version
    }


def test_profile_as_of_today_gives_the_current_roles(store, queries):
    expected = {("role/ada-lovelace--udem-diro--assistant-professor", "work"),
                ("role/ada-lovelace--ml-reading-group--organiser", "membership")}
    assert as_of(store, queries, dt.date.today().isoformat()) == expected
    today = rows_of(store, queries, "profile-as-of")  # the default is today
    assert {(short(r["role"]), r["category"].value) for r in today} == expected
    assert today[0]["_date"].value == dt.date.today().isoformat()


@pytest.mark.parametrize("day, expected", [
    ("2020-08-31", {"role/ada-lovelace--eth--phd"}),  # before any homepage version; a "2020" end lasts all year
    ("2020-09-01", {"role/ada-lovelace--eth--phd", "role/ada-lovelace--mila--postdoctoral-researcher"}),
    ("2021-01-01", {"role/ada-lovelace--mila--postdoctoral-researcher"}),
    ("2022-12-31", {"role/ada-lovelace--mila--postdoctoral-researcher",
                    "role/ada-lovelace--mila-edi-committee--member"}),
    # The 2022 version is still the newest: what it states holds, though the postdoc's known end has passed.
    ("2024-02-29", {"role/ada-lovelace--mila--postdoctoral-researcher",
                    "role/ada-lovelace--mila-edi-committee--member"}),
    ("2024-03-01", {"role/ada-lovelace--udem-diro--assistant-professor",
                    "role/ada-lovelace--ml-reading-group--organiser"}),
])
def test_profile_as_of_partial_dates(store, queries, day, expected):
    assert {role for role, _ in as_of(store, queries, day)} == expected


def _first_day(lexical: str) -> dt.date:
    parts = [int(p) for p in lexical.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _last_day(lexical: str) -> dt.date:
    parts = [int(p) for p in lexical.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    year, month = parts[0], parts[1] if len(parts) == 2 else 12
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def expected_as_of(quads: list[ox.Quad], day: dt.date) -> set[str]:
    """The "as of D" rule of docs/model.md computed in Python from the fixture, with dates as day ranges."""
    def objects(s, p):
        return {q.object for q in quads if q.subject == s and q.predicate.value == p}
    owner = next(q.subject for q in quads if q.object.value == "https://w3id.org/scholarly-kg/ns#Owner")
    rels = {SCHEMA + "worksFor", SCHEMA + "alumniOf", SCHEMA + "memberOf"}
    versions = {q.subject: dt.date.fromisoformat(q.object.value) for q in quads
                if q.predicate.value == "https://w3id.org/scholarly-kg/ns#versionDate"}
    roles = set()
    past = [v for v, d in versions.items() if d <= day]
    if past:
        newest = max(past, key=versions.get)
        roles |= {q.object.value for q in quads
                  if q.graph_name == newest and q.subject == owner and q.predicate.value in rels}
    for q in quads:
        if q.subject == owner and q.predicate.value in rels:
            starts, ends = objects(q.object, SCHEMA + "startDate"), objects(q.object, SCHEMA + "endDate")
            if starts and ends and any(_first_day(s.value) <= day <= _last_day(e.value)
                                       for s in starts for e in ends):
                roles.add(q.object.value)
    return roles


def test_profile_as_of_agrees_with_the_rule_on_every_month(store, queries):
    quads = fixture_quads()
    days = [dt.date(y, m, d) for y in range(2015, 2027) for m in range(1, 13) for d in (1, 28)]
    for day in days:
        got = {r["role"].value for r in rows_of(store, queries, "profile-as-of", date=day.isoformat())}
        assert got == expected_as_of(quads, day), day


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize("query, name, value", [
    ("coauthors", "person", "not an iri"),
    ("paper-authors", "paper", "http://exa mple.org/x"),
    ("paper-authors", "paper", "<http://example.org/x>"),
    ("papers-on-topic", "topic", "unknownkind/x"),
    ("profile-as-of", "date", "2022-13-45"),
    ("profile-as-of", "date", "20220601"),
    ("profile-as-of", "date", "2022-06"),
    ("resources-of-kind", "kind", "dragon"),
    ("coauthors", "colour", "blue"),  # unknown parameter
])
def test_bad_parameters_name_the_parameter(store, queries, query, name, value):
    with pytest.raises(BadParameter) as err:
        Q.bind(queries[query], {name: value}, BASE)
    assert err.value.name == name
    assert name in str(err.value)
    with pytest.raises(BadParameter):
        Q.run(store, queries[query], {name: value}, BASE)


def test_bind_parses_values_by_type(queries):
    assert Q.bind(queries["paper-authors"], {"paper": "paper/x"}, BASE) == {"_paper": iri("paper/x")}
    assert Q.bind(queries["paper-authors"], {"paper": "urn:isbn:123"}, BASE) == {"_paper": ox.NamedNode("urn:isbn:123")}
    assert Q.bind(queries["paper-authors"], {"paper": ""}, BASE) == {}  # an empty field is a missing one
    assert Q.bind(queries["profile-as-of"], {"date": "2022-06-01"}, BASE) == {
        "_date": ox.Literal("2022-06-01", datatype=ox.NamedNode(XSD + "date"))}
    assert Q.bind(queries["search"], {"q": "deep <nets>"}, BASE) == {"_q": ox.Literal("deep <nets>")}
    assert Q.bind(queries["resources-of-kind"], {}, BASE) == {"_kind": ox.NamedNode(SCHEMA + "Person")}
    # The owner default is bound only when the owner is known; run() looks it up.
    assert Q.bind(queries["coauthors"], {}, BASE) == {}
    assert Q.bind(queries["coauthors"], {}, BASE, owner=ox.NamedNode(OWNER)) == {"_person": ox.NamedNode(OWNER)}


def test_integer_and_base_defaults(tmp_path):
    (tmp_path / "typed.rq").write_text(
        "#+ title: Typed\n#+ description: every type\n#+ params:\n"
        "#+   - {name: n, type: integer, default: 3}\n"
        "#+   - {name: thing, type: iri, default: '{base}id/topic/arxiv'}\n"
        "#+   - {name: day, type: date, default: 2022-01-01}\n"
        "SELECT ?_n ?_thing ?_day WHERE { ?_thing ?p ?_n . ?x ?q ?_day }\n")
    query = Q.load_queries(tmp_path)["typed"]
    assert Q.bind(query, {}, BASE) == {
        "_n": ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
        "_thing": iri("topic/arxiv"),
        "_day": ox.Literal("2022-01-01", datatype=ox.NamedNode(XSD + "date")),
    }
    assert Q.bind(query, {"n": "-07"}, BASE)["_n"] == ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer"))
    with pytest.raises(BadParameter) as err:
        Q.bind(query, {"n": "3.5"}, BASE)
    assert err.value.name == "n"


# ---------------------------------------------------------------- malformed query files


@pytest.mark.parametrize("text, problem", [
    ("SELECT ?x WHERE { ?x ?p ?o }\n", "no `#+ ` header"),
    ("#+ title: T\nSELECT ?x WHERE { ?x ?p ?o }\n", "description"),
    ("#+ title: T\n#+ description: D\n#+ colour: red\nSELECT ?x WHERE { ?x ?p ?o }\n", "unknown header key"),
    ("#+ title: T\n#+ description: D\n#+ params: [{name: a, type: float}]\nSELECT ?_a WHERE { ?_a ?p ?o }\n",
     "unknown type 'float'"),
    ("#+ title: T\n#+ description: D\nSELECT ?_a WHERE { ?_a ?p ?o }\n", "not declared in the header: ?_a"),
    ("#+ title: T\n#+ description: D\n#+ params: [{name: a, type: iri}]\nSELECT ?x WHERE { ?x ?p ?o }\n",
     "not used as ?_name in the body: a"),
    ("#+ title: T\n#+ description: D\n#+ params: [{name: a, type: iri}]\nSELECT ?x WHERE { ?x ?p ?_a }\n",
     "cannot bind parameters"),  # not projected: pyoxigraph would refuse to substitute it
    ("#+ title: T\n#+ description: D\nSELECT ?x WHERE { ?x ?p }\n", "not valid SPARQL"),
    ("#+ title: T\n#+ description: D\nASK { ?x ?p ?o }\n", "must be a SELECT"),
    ("#+ title: T\n#+ description: D\n#+ params: [{name: d, type: date, default: 2022-13-01}]\n"
     "SELECT ?_d WHERE { ?x ?p ?_d }\n", "bad default"),
])
def test_malformed_query_files_name_the_file(tmp_path, text, problem):
    path = tmp_path / "broken-query.rq"
    path.write_text(text)
    with pytest.raises(Q.QueryFileError) as err:
        Q.load_queries(tmp_path)
    assert "broken-query.rq" in str(err.value)
    assert problem in str(err.value)


# ---------------------------------------------------------------- serialization and caching


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "text/csv",
                                        "text/tab-separated-values", "application/sparql-results+xml"])
def test_results_serialize(store, queries, media_type):
    query = queries["paper-authors"]
    data = Q.run_to(store, query, {"paper": "paper/widget-mass"}, BASE, media_type)
    assert isinstance(data, bytes) and data
    rows = Q.run(store, query, {"paper": "paper/widget-mass"}, BASE)
    names = ["_paper", "position", "author", "name", "isOrganization"]
    if media_type != "text/csv":  # CSV results are lossy (lexical forms only): pyoxigraph does not read them
        parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.from_media_type(media_type))
        assert [v.value for v in parsed.variables] == names
        assert [{n: s[n] for n in names if s[n] is not None} for s in parsed] == rows
    text = data.decode("utf-8")
    if media_type.endswith("json"):
        body = json.loads(text)
        assert body["head"]["vars"] == names
        assert body["results"]["bindings"][0]["author"]["value"] == BASE + "id/organization/atlas-collaboration"
    elif media_type == "text/csv":
        table = list(csv.DictReader(io.StringIO(text)))
        assert [{k: v for k, v in r.items() if v} for r in table] == [
            {k: v.value for k, v in r.items()} for r in rows]
        assert table[0]["name"] == "ATLAS Collaboration"
    elif media_type == "text/tab-separated-values":
        assert text.splitlines()[0].split("\t") == [f"?{n}" for n in names]
    else:
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(data)
        assert [v.get("name") for v in root.iter(ns + "variable")] == names
        assert len(list(root.iter(ns + "result"))) == 2


def test_run_to_refuses_unknown_media_types(store, queries):
    with pytest.raises(QueryError) as err:
        Q.run_to(store, queries["people"], {}, BASE, "text/html")
    assert err.value.status == 406


def test_results_are_cached_per_build(tmp_path, queries):
    Q.clear_cache()
    quads = fixture_quads()
    store = build(tmp_path, quads, "20250101T000000-000010")
    query = queries["people"]
    first = Q.run(store, query, {}, BASE)
    first[0]["name"] = ox.Literal("mutated by a caller")
    assert Q.run(store, query, {}, BASE)[0]["name"].value == "Ada Lovelace"  # callers get copies
    assert len(Q._cache) >= 1
    json_first = Q.run_to(store, query, {}, BASE, "application/sparql-results+json")
    assert Q.run_to(store, query, {}, BASE, "application/sparql-results+json") is json_first  # from the cache

    # A new build with another person: the cache key changes with the build id.
    erin = ox.NamedNode(BASE + "id/person/erin-example")
    graph = ox.NamedNode(BASE + "source/resume")
    more = quads + [ox.Quad(erin, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                            ox.NamedNode(SCHEMA + "Person"), graph),
                    ox.Quad(erin, ox.NamedNode(SCHEMA + "name"), ox.Literal("Erin Example"), graph)]
    write_build(tmp_path, more, BuildMeta("20250101T000000-000011", BASE, "2025-01-02T00:00:00Z"))
    names = values(Q.run(store, query, {}, BASE), "name")
    assert "Erin Example" in names
    assert b"Erin Example" in Q.run_to(store, query, {}, BASE, "application/sparql-results+json")


def test_cache_is_bounded(store, queries):
    Q.clear_cache()
    for i in range(Q.CACHE_SIZE + 20):
        Q.run(store, queries["search"], {"q": f"word{i}"}, BASE)
    assert len(Q._cache) <= Q.CACHE_SIZE
