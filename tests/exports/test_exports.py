"""Bibliography and CV exports, each checked by reading it back: BibTeX with bibtexparser and the BibTeX importer,
CSL-JSON and JSON Resume against JSON Schemas (tests/data) and their own importers."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from click.testing import CliRunner

from kg.exports.bibtex import export_bibtex
from kg.cli import main
from kg.exports.csljson import csl_items, export_csljson, split_name
from kg.records import Paper, PartialDate, Role
from kg.exports.resume import export_resume, resume_document
from kg.settings import load_settings
from kg.sources import bibtex, csljson, resume
from kg.store.embedded import EmbeddedStore

DATA = Path(__file__).parents[1] / "data"
SITE = DATA / "alfolio"
CSL_SCHEMA = json.loads((DATA / "csl-data.schema.json").read_text())
RESUME_SCHEMA = json.loads((DATA / "jsonresume.schema.json").read_text())


@pytest.fixture(scope="module")
def site_store_dir(tmp_path_factory) -> Path:
    """A store built from the al-folio site."""
    from kg.build.pipeline import build

    folder = tmp_path_factory.mktemp("alfolio-store")
    build(load_settings({"store": folder, "content": SITE}, environ={}))
    return folder


@pytest.fixture(scope="module")
def site_store(site_store_dir: Path) -> EmbeddedStore:
    return EmbeddedStore(site_store_dir)


@pytest.fixture(params=["bundled", "alfolio"])
def any_store(request, store, site_store):
    """Each export is checked on the bundled profile and on the al-folio site."""
    return store if request.param == "bundled" else site_store


def _graph_papers(store: EmbeddedStore) -> dict[str, tuple[list[str], str | None]]:
    """title -> (authors in order, date) as the graph holds them."""
    rows = store.query("""PREFIX schema: <https://schema.org/> PREFIX kg: <https://w3id.org/scholarly-kg/ns#>
        SELECT ?paper ?title ?date ?n ?name WHERE {
          ?paper a schema:ScholarlyArticle ; schema:name ?title .
          OPTIONAL { ?paper schema:datePublished ?date }
          OPTIONAL { ?paper kg:authorship [ schema:position ?n ; schema:author/schema:name ?name ] }
        } ORDER BY ?paper ?n""")
    papers: dict[str, tuple[list[str], str | None]] = {}
    for row in rows:
        title = row["title"].value
        authors, _ = papers.setdefault(title, ([], row["date"].value if row["date"] else None))
        if row["name"] is not None and row["name"].value not in authors:
            authors.append(row["name"].value)
    return papers


def _validator(schema: dict) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------- BibTeX


def test_bibtex_round_trips(any_store) -> None:
    """Export, then import with bibtexparser and the BibTeX importer: the same papers, authors in order, years."""
    text = export_bibtex(any_store)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    imported = {p.title: p for p in bibtex.parse_bibtex(text, "export.bib") if isinstance(p, Paper)}
    graph = _graph_papers(any_store)
    assert set(imported) == set(graph)
    for title, (authors, date) in graph.items():
        assert [a.name for a in imported[title].authors] == authors, title
        assert imported[title].date is not None and str(imported[title].date.year) == date[:4], title


def test_bibtex_keeps_identifiers(site_store) -> None:
    imported = {p.bib_key: p for p in bibtex.parse_bibtex(export_bibtex(site_store), "x.bib")
                if isinstance(p, Paper)}
    assert imported["vargamoreau2023wetlands"].doi == "10.5555/jce.2023.0412"
    assert imported["vargamoreau2024riverflow"].arxiv == "2402.01357"
    assert imported["vargamoreau2020thesis"].entry_type == "phdthesis"


# ---------------------------------------------------------------- CSL-JSON


def test_csljson_is_valid(any_store) -> None:
    items = json.loads(export_csljson(any_store))
    errors = sorted(_validator(CSL_SCHEMA).iter_errors(items), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    assert len(items) == len(_graph_papers(any_store))
    assert len({item["id"] for item in items}) == len(items)


def test_csljson_items(site_store) -> None:
    items = {item["id"]: item for item in csl_items(site_store)}
    icml = items["vargamoreau2024riverflow"]
    assert icml["type"] == "paper-conference"
    assert icml["author"] == [{"family": "Varga-Moreau", "given": "Ilse"}, {"family": "Lindqvist", "given": "Tobias"},
                              {"family": "Nwosu", "given": "Amara"}]
    assert icml["issued"] == {"date-parts": [[2024, 7]]}
    assert (icml["archive"], icml["archive_location"]) == ("arXiv", "2402.01357")
    wetlands = items["vargamoreau2023wetlands"]
    assert (wetlands["type"], wetlands["DOI"], wetlands["container-title"]) == (
        "article-journal", "10.5555/jce.2023.0412", "Journal of Computational Ecology")
    preprint = items["nwosu2022amphibians"]
    assert (preprint["type"], preprint["number"], preprint["publisher"]) == ("article", "arXiv:2211.04821", "arXiv")
    assert "container-title" not in preprint
    thesis = items["vargamoreau2020thesis"]
    assert (thesis["type"], thesis["publisher"]) == ("thesis", "Halden Technical University")


def test_csljson_round_trips(any_store) -> None:
    """Export, then import with the CSL-JSON importer: the same papers, authors in order, dates, identifiers."""
    text = export_csljson(any_store)
    imported = {p.title: p for p in csljson.parse(text, "export.csl.json") if isinstance(p, Paper)}
    graph = _graph_papers(any_store)
    assert set(imported) == set(graph)
    for title, (authors, date) in graph.items():
        assert [a.name for a in imported[title].authors] == authors, title
        assert imported[title].date == PartialDate.parse(date), title
    ids = {i["title"]: i for i in json.loads(text)}
    for title, paper in imported.items():
        assert paper.doi == ids[title].get("DOI") and paper.arxiv == ids[title].get("archive_location")


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Ilse Varga-Moreau", {"family": "Varga-Moreau", "given": "Ilse"}),
        ("Maartje van Dijk", {"family": "Dijk", "given": "Maartje", "non-dropping-particle": "van"}),
        ("Jan van der Berg", {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}),
        ("Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
        ("Plato", {"literal": "Plato"}),
    ],
)
def test_split_name(name: str, parts: dict) -> None:
    assert split_name(name) == parts
    joined = " ".join(parts.get(k, "") for k in ("given", "non-dropping-particle", "family", "suffix", "literal"))
    assert " ".join(joined.split()) == name  # what the CSL-JSON importer reads back


# ---------------------------------------------------------------- JSON Resume


def test_resume_is_valid(any_store) -> None:
    document = json.loads(export_resume(any_store))
    errors = sorted(_validator(RESUME_SCHEMA).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    assert document["basics"]["name"]


def test_resume_content(site_store) -> None:
    document = resume_document(site_store)
    assert document["basics"]["url"] == "https://ivarga.github.io/"
    assert {p["network"] for p in document["basics"]["profiles"]} >= {"ORCID", "GitHub", "Google Scholar",
                                                                     "Wikidata"}
    assert [(w["name"], w["position"], w.get("startDate"), w.get("endDate")) for w in document["work"]] == [
        ("University of Lakeshore", "Assistant Professor", "2023", None),
        ("Northbridge Institute for Data Science", "Postdoctoral Researcher", "2020", "2023")]
    assert [e["institution"] for e in document["education"]] == ["Halden Technical University",
                                                                 "Tiszavölgy University"]
    assert {a["title"]: a.get("awarder") for a in document["awards"]} == {
        "Early Career Award": "Society for Computational Ecology",
        "Best Student Paper": "Nordic Hydrology Conference"}
    assert "volunteer" not in document  # the memberships awards give are not volunteering
    assert {p["name"] for p in document["projects"]} == {"riverflow", "Frog Call Atlas", "kayak maps"}
    assert len(document["publications"]) == 5
    assert {i["name"] for i in document["interests"]} == {"Hydrology", "Biodiversity monitoring"}


def test_resume_round_trips(any_store) -> None:
    """Export, then import with the JSON Resume importer: the owner's work and education roles come back."""
    records = resume.parse(export_resume(any_store), "export.resume.json")
    back = {(r.category, r.organization, r.role_name, r.start and r.start.iso(), r.end and r.end.iso())
            for r in records if isinstance(r, Role) and r.category in ("work", "education")}
    document = resume_document(any_store)
    expected = {("work", w["name"], w["position"], w.get("startDate"), w.get("endDate"))
                for w in document.get("work", [])}
    expected |= {("education", e["institution"], e["studyType"], e.get("startDate"), e.get("endDate"))
                 for e in document.get("education", [])}
    assert back == expected and back


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize("fmt, check", [("csljson", CSL_SCHEMA), ("resume", RESUME_SCHEMA)])
def test_cli_export(site_store_dir: Path, tmp_path: Path, fmt: str, check: dict) -> None:
    out = tmp_path / f"export.{fmt}.json"
    result = CliRunner().invoke(main, ["export", "--store", str(site_store_dir), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not list(_validator(check).iter_errors(json.loads(out.read_text())))
