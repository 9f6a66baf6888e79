"""The CSL-JSON importer, on a Zotero export (tests/data/csl) and on hand-made bad items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Author, Paper, PartialDate, SourceDocument, Warning_
from kg.sources import csljson

DATA = Path(__file__).resolve().parents[1] / "data" / "csl"
LIBRARY = DATA / "library.csl.json"


@pytest.fixture(scope="module")
def records() -> list:
    return csljson.read(LIBRARY, "library.csl.json")


@pytest.fixture(scope="module")
def papers(records: list) -> dict[str, Paper]:
    return {r.title: r for r in records if isinstance(r, Paper)}


def _parse(items: object) -> list:
    return csljson.parse(json.dumps(items, indent=2), "x.csl.json")


def test_document(records: list) -> None:
    assert records[0] == SourceDocument(path="library.csl.json", importer="csljson",
                                        media_type="application/vnd.citationstyles.csl+json")


def test_journal_article(papers: dict[str, Paper]) -> None:
    paper = papers["Forecasting wetland loss using graph neural networks"]
    assert [a.name for a in paper.authors] == ["Ilse Varga-Moreau", "Priya Raman", "Jonas Eklund"]
    assert paper.date == PartialDate(2023, 5, 15)  # date-parts with the year as text
    assert paper.doi == "10.5555/jce.2023.0412" and paper.arxiv is None
    assert paper.venue == "Journal of Computational Ecology" and paper.entry_type == "article"
    assert paper.url == "https://doi.org/10.5555/jce.2023.0412"
    assert paper.abstract and paper.abstract.startswith("Wetlands are disappearing")
    assert paper.origin.line == 2


def test_arxiv_preprint(papers: dict[str, Paper]) -> None:
    paper = papers["Counting Amphibians in Acoustic Surveys with Self-Supervised Learning"]
    assert paper.entry_type == "misc" and paper.venue is None
    assert paper.arxiv == "2211.04821" and paper.doi == "10.48550/arXiv.2211.04821"
    assert paper.keywords == ["Statistics - Machine Learning", "Computer Science - Sound"]


def test_name_particles_conference_organization_and_thesis(papers: dict[str, Paper]) -> None:
    conference = papers["Riparian vegetation as a stochastic process"]
    assert [a.name for a in conference.authors] == ["Ilse Varga-Moreau", "Maartje van Dijk", "Tobias Lindqvist"]
    assert conference.entry_type == "inproceedings" and conference.date == PartialDate(2019, 6)
    chapter = papers["Amphibian populations"]
    assert chapter.authors == [Author("Lakeshore Biodiversity Consortium", is_organization=True)]
    assert chapter.entry_type == "incollection" and chapter.date == PartialDate(2021)
    thesis = papers["Stochastic models of riparian vegetation dynamics"]
    assert thesis.entry_type == "phdthesis" and thesis.school == "Halden Technical University"
    assert thesis.venue is None


def test_items_left_out_with_a_warning(records: list) -> None:
    warnings = [r for r in records if isinstance(r, Warning_)]
    assert [(w.origin.line, w.message.split(":")[0]) for w in warnings] == [
        (160, "CSL item 'Getting started with riverflow' is a webpage, not a publication"),
        (182, "CSL item 'Notes on river routing' has no issued date (a paper needs one)"),
    ]


@pytest.mark.parametrize(
    "issued, date",
    [
        ({"date-parts": [[2020]]}, PartialDate(2020)),
        ({"date-parts": [["2020", "3"]]}, PartialDate(2020, 3)),
        ({"date-parts": [[2020, 3, 1], [2020, 4, 1]]}, PartialDate(2020, 3, 1)),  # a range: its start
        ("2021-07", PartialDate(2021, 7)),  # EDTF
        ({"raw": "2019-11-02"}, PartialDate(2019, 11, 2)),
        ({"literal": "Spring 2018"}, PartialDate(2018)),
    ],
)
def test_date_forms(issued: object, date: PartialDate) -> None:
    (paper,) = [r for r in _parse([{"id": "a", "type": "article-journal", "title": "T",
                                    "author": [{"family": "Doe", "given": "Jane"}], "issued": issued}])
                if isinstance(r, Paper)]
    assert paper.date == date


@pytest.mark.parametrize(
    "fields, arxiv",
    [
        ({"URL": "https://arxiv.org/abs/2301.00001v3"}, "2301.00001"),
        ({"number": "arXiv:2301.00002", "publisher": "arXiv"}, "2301.00002"),
        ({"archive": "arXiv", "archive_location": "2301.00003"}, "2301.00003"),
        ({"DOI": "10.48550/arXiv.2301.00004"}, "2301.00004"),
        ({"URL": "https://arxiv.org/pdf/hep-th/9901001v1"}, "hep-th/9901001"),
        ({"URL": "https://example.org/2301.00005", "number": "12"}, None),
    ],
)
def test_arxiv_ids(fields: dict, arxiv: str | None) -> None:
    item = {"id": "a", "type": "article", "title": "T", "author": [{"literal": "Jane Doe"}],
            "issued": {"date-parts": [[2023]]}, **fields}
    (paper,) = [r for r in _parse([item]) if isinstance(r, Paper)]
    assert paper.arxiv == arxiv
    assert paper.authors == [Author("Jane Doe")]  # a literal that reads as a person's name is a person


def test_citation_key_and_identifiers() -> None:
    item = {"id": "http://zotero.org/users/1/items/X", "citation-key": "doe2023", "type": "book", "title": "T",
            "author": [{"family": "Doe", "given": "Jane", "suffix": "Jr."}], "issued": {"date-parts": [[2023]]},
            "ISBN": "978-0-00-000000-2", "PMID": "12345", "DOI": "https://doi.org/10.5555/X"}
    (paper,) = [r for r in _parse([item]) if isinstance(r, Paper)]
    assert paper.bib_key == "doe2023" and paper.doi == "10.5555/X"
    assert paper.identifiers == {"pmid": "12345", "isbn": "978-0-00-000000-2"}
    assert paper.authors == [Author("Jane Doe Jr.")]
    assert paper.entry_type == "book"


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ('[\n  {"id": "a",\n   "type": "book"\n   "title": "T"}\n]', 4, "invalid JSON"),
        ('"just text"', 1, "array of items"),
        ('[\n  1\n]', 2, "not an object"),
        ('[\n  {"id": "a", "type": "book",\n   "author": [{"family": "Doe"}]}\n]', 2, "has no title"),
        ('[\n  {"id": "a", "title": "T"}\n]', 2, "has no type"),
        ('[\n  {"id": "a", "type": "book", "title": "T",\n   "author": "Jane Doe"}\n]', 3, "author must be a list"),
        ('[\n  {"id": "a", "type": "book", "title": "T",\n   "author": [\n     "Jane Doe"]}\n]', 4,
         "an author must be an object"),
        ('[\n  {"id": "a", "type": "book", "title": "T",\n   "issued": {\n     "date-parts": [["x"]]}}\n]', 4,
         "unreadable date-parts"),
        ('[\n  {"id": "a", "type": "book", "title": "T",\n   "issued": {"date-parts": [[2020, 13]]}}\n]', 3,
         "unreadable date-parts"),
        ('[\n  {"id": "a", "type": "book",\n   "title": ["T", "U"]}\n]', 3, "title must be text"),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "bad.csl.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        csljson.read(path, "bad.csl.json")
    assert (caught.value.path, caught.value.line) == ("bad.csl.json", line)
    assert problem in caught.value.problem


def test_matches(tmp_path: Path) -> None:
    zotero = tmp_path / "My Library.json"
    zotero.write_text(json.dumps([{"id": "a", "type": "book", "title": "T"}]))
    other = tmp_path / "package.json"
    other.write_text(json.dumps({"name": "x"}))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([1, 2]))
    assert csljson.matches(Path("refs.csl.json")) and csljson.matches(zotero)
    assert not csljson.matches(other) and not csljson.matches(listed) and not csljson.matches(Path("refs.bib"))


# ---------------------------------------------------------------- one paper across sources (end to end)

BASE = "http://127.0.0.1:8000/"
SCHEMA = "https://schema.org/"
RESUME = '{"basics": {"name": "Jane Doe"}}\n'
BIB_WETLANDS = """@article{doe2023wetlands,
  title = {Forecasting Wetland Loss with Graph Neural Networks},
  author = {Doe, Jane and Roe, Richard},
  journal = {Journal of Computational Ecology},
  year = {2023},
  month = may,
  doi = {10.5555/jce.2023.0412}
}
"""
CSL_WETLANDS = [{"id": "item1", "type": "article-journal",
                 "title": "Forecasting wetland loss using graph neural networks",
                 "author": [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "Richard"}],
                 "issued": {"date-parts": [[2023, 5, 15]]}, "DOI": "10.5555/JCE.2023.0412",
                 "abstract": "We forecast wetland loss.", "container-title": "Journal of Computational Ecology"}]
BIB_TWINS = """@article{doe2023a,
  title = {Deep Learning for Rivers},
  author = {Doe, Jane},
  journal = {Journal A},
  year = {2023},
  doi = {10.5555/a.1}
}
"""
CSL_TWINS = [{"id": "b", "type": "article-journal", "title": "Deep learning for rivers",
              "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2024]]},
              "DOI": "10.5555/b.2", "container-title": "Journal B"}]


def _content(folder: Path, bib: str, csl: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib)
    (folder / "library.csl.json").write_text(json.dumps(csl, indent=2))
    (folder / "resume.json").write_text(RESUME)
    return folder


def _built(folder: Path):
    from kg.build.graph import build_graph
    from kg.sources import read_content

    return build_graph(read_content(folder), BASE)


def _papers(dataset) -> set[str]:
    from rdflib import RDF, URIRef

    return {str(s) for s, _, _, _ in dataset.quads((None, RDF.type, URIRef(SCHEMA + "ScholarlyArticle"), None))}


def test_same_doi_is_one_paper_with_facts_from_both_graphs(tmp_path: Path) -> None:
    """Matching DOIs (case aside) make one resource; each source's graph keeps what it says of it."""
    from rdflib import Literal, URIRef

    built = _built(_content(tmp_path / "content", BIB_WETLANDS, CSL_WETLANDS))
    (paper,) = _papers(built.dataset)
    paper = URIRef(paper)
    bib_graph = built.dataset.graph(URIRef(BASE + "source/refs"))
    csl_graph = built.dataset.graph(URIRef(BASE + "source/library-csl"))
    assert (paper, URIRef(SCHEMA + "abstract"), Literal("We forecast wetland loss.")) in csl_graph
    assert (paper, URIRef(SCHEMA + "abstract"), None) not in bib_graph
    assert (URIRef(f"{paper}#id-bibtex"), URIRef(SCHEMA + "value"), Literal("doe2023wetlands")) in bib_graph
    for graph in (bib_graph, csl_graph):
        assert (paper, URIRef(SCHEMA + "sameAs"), None) in graph
    names = {str(o) for _, _, o, _ in built.dataset.quads((paper, URIRef(SCHEMA + "name"), None, None))}
    assert names == {"Forecasting Wetland Loss with Graph Neural Networks"}  # the more authoritative source's
    assert (paper, URIRef(SCHEMA + "alternateName"),
            Literal("Forecasting wetland loss using graph neural networks")) in csl_graph


def test_same_doi_different_titles_builds_and_validates(tmp_path: Path) -> None:
    from kg.build.pipeline import build
    from kg.settings import load_settings

    content = _content(tmp_path / "content", BIB_WETLANDS, CSL_WETLANDS)
    report = build(load_settings({"store": tmp_path / "store", "content": content}, environ={}))
    assert report.meta.triples > 0


def test_same_title_different_dois_stay_two(tmp_path: Path) -> None:
    built = _built(_content(tmp_path / "content", BIB_TWINS, CSL_TWINS))
    papers = _papers(built.dataset)
    assert len(papers) == 2, sorted(papers)
