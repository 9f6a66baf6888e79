"""The BibTeX importer, on the bundled al-folio papers.bib and on hand-made entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Author, Origin, Paper, PartialDate, SourceDocument, Warning_
from kg.sources import bibtex, listing

ROOT = Path(__file__).resolve().parents[2]
PAPERS_BIB = ROOT / "content" / "papers.bib"
LISTINGS = [ROOT / "tests" / "data" / "seeds" / "002_6fad2568a13f44ee.txt", ROOT / "content" / "listing-2026.txt"]


def _parse(text: str, rel: str = "refs.bib") -> list[Paper]:
    """The papers of BibTeX text."""
    return [r for r in bibtex.parse_bibtex(text, rel) if isinstance(r, Paper)]


@pytest.fixture(scope="module")
def content_papers() -> dict[str, Paper]:
    """The papers of content/papers.bib by bib key."""
    records = bibtex.read(PAPERS_BIB, "papers.bib")
    assert records[0] == SourceDocument(path="papers.bib", importer="bibtex", media_type="application/x-bibtex")
    return {r.bib_key: r for r in records if isinstance(r, Paper)}


def test_content_bib_parsed(content_papers: dict[str, Paper]) -> None:
    assert len(content_papers) == 7
    assert sum(p.entry_type == "phdthesis" for p in content_papers.values()) == 1


def test_thesis(content_papers: dict[str, Paper]) -> None:
    thesis = content_papers["hernandezgarcia2020thesis"]
    assert thesis.entry_type == "phdthesis"
    assert thesis.title == "Data augmentation and image understanding"
    assert thesis.authors == [Author("Alex Hernandez-Garcia")]
    assert thesis.school == "University of Osnabrück"
    assert thesis.date == PartialDate(2020, 12)
    assert thesis.abstract is not None and "dissertation" in thesis.abstract
    assert "visual world -- changes" in thesis.abstract


def test_line_numbers_are_where_entries_start(content_papers: dict[str, Paper]) -> None:
    starts = {
        m.group(1): n
        for n, line in enumerate(PAPERS_BIB.read_text(encoding="utf-8").splitlines(), start=1)
        if (m := re.match(r"@\w+\{([^,]+),", line))
    }
    assert {key: p.origin.line for key, p in content_papers.items()} == starts
    assert all(p.origin.path == "papers.bib" for p in content_papers.values())


@pytest.mark.parametrize(
    "key, authors",
    [
        ("volokhova2025torsionalgfn", ["Alexandra Volokhova", "Léna Néhale Ezzine", "Piotr Gaiński"]),
        ("schmidt2021climategan", ["Victor Schmidt", "Alexandra Sasha Luccioni", "Mélisande Teng"]),
        ("luccioni2023counting", ["Alexandra Sasha Luccioni", "Alex Hernandez-Garcia"]),
        ("hernandezgarcia2020rethinking", ["Alex Hernandez-Garcia"]),
    ],
)
def test_authors_decoded_in_order(content_papers: dict[str, Paper], key: str, authors: list[str]) -> None:
    assert [a.name for a in content_papers[key].authors] == authors


def test_organization_author(content_papers: dict[str, Paper]) -> None:
    crystal = content_papers["ai4science2023crystalgfn"]
    assert crystal.authors[0] == Author("Mila AI4Science", is_organization=True)
    assert crystal.title == "Crystal-GFN: sampling crystals with desirable properties and constraints"


@pytest.mark.parametrize(
    "key, truncated",
    [("schmidt2021climategan", True), ("volokhova2025torsionalgfn", True), ("hernandezgarcia2023multifidelity", True),
     ("luccioni2023counting", False), ("hernandezgarcia2020thesis", False)],
)
def test_and_others_truncates(content_papers: dict[str, Paper], key: str, truncated: bool) -> None:
    assert content_papers[key].truncated is truncated
    assert all(a.name.lower() != "others" for a in content_papers[key].authors)


@pytest.mark.parametrize(
    "key, date",
    [
        ("hernandezgarcia2020thesis", PartialDate(2020, 12)),
        ("hernandezgarcia2020rethinking", PartialDate(2020, 12)),
        ("schmidt2021climategan", PartialDate(2021, 10)),
        ("hernandezgarcia2023multifidelity", PartialDate(2023, 6)),
        ("volokhova2025torsionalgfn", PartialDate(2025, 7)),
    ],
)
def test_month_forms_in_content(content_papers: dict[str, Paper], key: str, date: PartialDate) -> None:
    assert content_papers[key].date == date


def test_content_states_no_invented_identifiers(content_papers: dict[str, Paper]) -> None:
    for paper in content_papers.values():
        assert (paper.doi, paper.arxiv, paper.url, paper.pdf, paper.code_url, paper.venue) == (None,) * 6


@pytest.mark.parametrize("listing_path", LISTINGS, ids=["seed", "content"])
def test_content_agrees_with_the_listing(content_papers: dict[str, Paper], listing_path: Path) -> None:
    listed = {
        r.title: r for r in listing.read(listing_path, "listing.txt", capture_year=2026) if isinstance(r, Paper)
    }
    for paper in content_papers.values():
        seen = listed[paper.title]
        assert [a.name for a in paper.authors] == [a.name for a in seen.authors]
        assert [a.is_organization for a in paper.authors] == [a.is_organization for a in seen.authors]
        assert paper.truncated == seen.truncated
        assert paper.category == seen.category
        assert paper.abstract == seen.abstract
        assert seen.date is not None and paper.date == PartialDate(seen.date.year, seen.date.month)


@pytest.mark.parametrize(
    "text, month",
    [("oct", 10), ("Oct.", 10), ("10", 10), ("October", 10), ("sept", 9), ("1", 1), ("13", None), ("foo", None)],
)
def test_parse_month(text: str, month: int | None) -> None:
    assert bibtex.parse_month(text) == month


@pytest.mark.parametrize(
    "value, names, truncated",
    [
        (r"M\"uller, J{\"o}rg and van der Berg, Jan", ["Jörg Müller", "Jan van der Berg"], False),
        (r"Ada Lovelace and Koziarski, Micha{\l} and others", ["Ada Lovelace", "Michał Koziarski"], True),
        (r"{\'E}mile Zola", ["Émile Zola"], False),
        ("King, Jr, Martin", ["Martin King Jr"], False),
    ],
)
def test_parse_authors(value: str, names: list[str], truncated: bool) -> None:
    authors, was_truncated = bibtex.parse_authors(value)
    assert [a.name for a in authors] == names
    assert not any(a.is_organization for a in authors)
    assert was_truncated is truncated


FULL_ENTRY = r"""% al-folio keeps a Jekyll front matter and comments around entries
@inproceedings{doe2024full,
  abbr = {ICML},
  title = {Learning {GFlowNets} with {\"O}ptimism},
  author = {Doe, Jane},
  booktitle = {Proceedings of the 41st {International Conference on Machine Learning}},
  year = 2024,
  month = {7},
  doi = {https://doi.org/10.1234/abc.5678},
  arxiv = {arXiv:2401.01234},
  primaryClass = {cs.LG},
  url = {https://example.org/paper_1%20x},
  pdf = {doe2024.pdf},
  code = {https://github.com/example/code},
  keywords = {GFlowNets; active learning, materials},
  abstract = {We reach ($\geq 95\%$) and 40% more with {\em care} \& rigour.}
}

@article{roe2023eprint,
  title = {An Article},
  author = {Roe, Richard},
  journal = {Journal of {Tests}},
  eprint = {2301.00001},
  archivePrefix = {arXiv},
  date = {2023-05-17}
}
"""


def test_al_folio_fields() -> None:
    full, eprint = _parse(FULL_ENTRY)
    assert full.origin.line == 2 and eprint.origin.line == 19
    assert full.entry_type == "inproceedings" and full.bib_key == "doe2024full"
    assert full.title == "Learning GFlowNets with Öptimism"
    assert full.venue == "Proceedings of the 41st International Conference on Machine Learning"
    assert full.date == PartialDate(2024, 7)
    assert full.doi == "10.1234/abc.5678"
    assert full.arxiv == "2401.01234"
    assert full.category == "cs.LG"
    assert full.url == "https://example.org/paper_1%20x"
    assert full.pdf == "doe2024.pdf"
    assert full.code_url == "https://github.com/example/code"
    assert full.keywords == ["GFlowNets", "active learning", "materials"]
    assert full.abstract == r"We reach ($\geq 95\%$) and 40% more with care & rigour."
    assert eprint.venue == "Journal of Tests" and eprint.arxiv == "2301.00001"
    assert eprint.date == PartialDate(2023, 5, 17)


def test_a_file_with_no_readable_entry_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.bib"
    path.write_text("\n@misc{a title={A}}\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        bibtex.read(path, "bad.bib")
    assert (caught.value.path, caught.value.line) == ("bad.bib", 2)
    assert "syntax error" in caught.value.problem


@pytest.mark.parametrize(
    "text, line, problem, titles",
    [
        ("@misc{a, title={A}}\n\n@misc{b,\n  title = {Unclosed\n  year = 2020\n}\n", 3, "syntax error", ["A"]),
        ("@misc{a, title={A}}\n@misc{b, title={B\n\n@misc{c, title={C}}\n", 2, "syntax error", ["A", "C"]),
        ("@misc{a, title={A}}\n@misc{a, title={B}}\n", 2, "used twice", ["A", "B"]),
        ("@misc{a, title={A}}\n\n@misc{untitled,\n  author = {Doe, Jane}\n}\n", 3, "'untitled' has no title",
         ["A"]),
        ("@misc{a,\n  title = {A},\n  year = {2020},\n  month = {Smarch}\n}\n", 1, "month", ["A"]),
        ("@misc{a,\n  title = {A},\n  year = {in press}\n}\n", 3, "year", []),
        ("@misc{a,\n  title = {A},\n  title = {B}\n}\n", 1, "repeats title", ["A"]),
        ("%@misc{a, title={Gone}}\n@misc{b, title={Kept}}\n", 1, "commented out", ["Kept"]),
        ("@misc{a, title={A}, year={2020, submitted to Nature}}\n", 1, "read as 2020", ["A"]),
    ],
)
def test_a_bad_entry_is_a_warning_at_its_line(text: str, line: int, problem: str, titles: list[str]) -> None:
    """One bad entry is skipped or repaired, and said where; the file's other entries are read."""
    records = bibtex.parse_bibtex(text, "bad.bib")
    warnings = [r for r in records if isinstance(r, Warning_)]
    assert any(w.origin == Origin("bad.bib", line) and problem in w.message for w in warnings), warnings
    assert [p.title for p in records if isinstance(p, Paper)] == titles


@pytest.mark.parametrize(
    "author, names",
    [
        ("Torralba-Agell, Adrià, and Pérez-Solà, Cristina", ["Adrià Torralba-Agell", "Cristina Pérez-Solà"]),
        ("\\textbf{Jane Doe} and Roe, Richard", ["Jane Doe", "Richard Roe"]),
        ("{Doe}*, Jane and Roe*, Richard and Poe$^\\dagger$, Edgar", ["Jane Doe", "Richard Roe", "Edgar Poe"]),
        ("Doe, Jane and {[Dual first authorship]} and Roe, Richard", ["Jane Doe", "Richard Roe"]),
        ("G{\\\"o}del, Kurt and Doe, Jane", ["Kurt Gödel", "Jane Doe"]),
    ],
)
def test_author_lists_as_real_sites_write_them(author: str, names: list[str]) -> None:
    text = f'@article{{k, title = "A {{Quoted}} Title", author = {{{author}}}, year = 2021}}\n'
    (paper,) = [r for r in bibtex.parse_bibtex(text, "p.bib") if isinstance(r, Paper)]
    assert [a.name for a in paper.authors] == names
    assert paper.title == "A Quoted Title" and paper.date == PartialDate(2021)


def test_an_identifier_given_to_two_titles_stays_with_the_first() -> None:
    text = "@misc{a, title={One}, arxiv={1811.01331}}\n@misc{b, title={Two}, arxiv={1811.01331}}\n"
    records = bibtex.parse_bibtex(text, "p.bib")
    assert [(p.title, p.arxiv) for p in records if isinstance(p, Paper)] == [("One", "1811.01331"), ("Two", None)]
    assert any("also given to 'a'" in w.message for w in records if isinstance(w, Warning_))


@pytest.mark.parametrize("name, expected", [("papers.bib", True), ("PAPERS.BIB", True), ("papers.txt", False)])
def test_matches(name: str, expected: bool) -> None:
    assert bibtex.matches(Path(name)) is expected
