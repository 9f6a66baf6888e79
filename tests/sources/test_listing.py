"""The scraped publication listing importer, on the seed listing and on hand-made bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.records import Author, Paper, PartialDate, SourceDocument, Warning_
from kg.sources import listing

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seeds" / "002_6fad2568a13f44ee.txt"  # the seed, unmodified (SOURCE.md there)
CONTENT = ROOT / "content" / "listing-2026.txt"

GOOD_ENTRY = "LGOct 23, 2022\nA Good TitleAda Lovelace, Alan Turing\nAn abstract.\n"


@pytest.fixture(params=[SEED, CONTENT], ids=["seed", "content"])
def listing_path(request: pytest.FixtureRequest) -> Path:
    """The listing, from the seed and from the bundled content."""
    return request.param


@pytest.fixture
def papers(listing_path: Path) -> dict[str, Paper]:
    """Papers of the listing by title, read with capture year 2026."""
    records = listing.read(listing_path, "listing-2026.txt", capture_year=2026)
    return {r.title: r for r in records if isinstance(r, Paper)}


def _paper(papers: dict[str, Paper], prefix: str) -> Paper:
    """The one paper whose title starts with prefix."""
    (found,) = [p for title, p in papers.items() if title.startswith(prefix)]
    return found


def _names(paper: Paper) -> list[str]:
    return [a.name for a in paper.authors]


def test_all_entries_parsed(listing_path: Path) -> None:
    records = listing.read(listing_path, "listing-2026.txt", capture_year=2026)
    assert isinstance(records[0], SourceDocument)
    assert records[0].importer == "listing" and records[0].media_type == "text/plain"
    papers = [r for r in records if isinstance(r, Paper)]
    assert len(papers) == 21
    assert [p.origin.line for p in papers] == list(range(1, 63, 3))
    assert all(p.origin.path == "listing-2026.txt" for p in papers)
    assert all(p.abstract and p.authors and p.title for p in papers)


def test_content_copy_is_the_seed_unmodified() -> None:
    assert CONTENT.read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize(
    "prefix, title, first_authors, truncated",
    [
        ("Multi-Objective", "Multi-Objective GFlowNets", ["Moksh Jain", "Sharath Chandra Raparthy"], True),
        ("GFlowNets for AI", "GFlowNets for AI-Driven Scientific Discovery", ["Moksh Jain", "Tristan Deleu"], True),
        (
            "LeMat-GenBench",
            "LeMat-GenBench: A Unified Evaluation Framework for Crystal Generative Models",
            ["Siddharth Betala", "Samuel P. Gleason", "Ali Ramlaoui"],
            True,
        ),
        (
            "Crystal-GFN",
            "Crystal-GFN: sampling crystals with desirable properties and constraints",
            ["Mila AI4Science", "Alex Hernandez-Garcia", "Alexandre Duval"],
            True,
        ),
        (
            "ClimateGAN",
            "ClimateGAN: Raising Climate Change Awareness by Generating Images of Floods",
            ["Victor Schmidt", "Alexandra Sasha Luccioni", "Mélisande Teng"],
            True,
        ),
        (
            "RainShift",
            "RainShift: A Benchmark for Precipitation Downscaling Across Geographies",
            ["Paula Harder", "Luca Schmidt", "Francis Pelletier"],
            True,
        ),
        (
            "Torsional-GFN",
            "Torsional-GFN: a conditional conformation generator for small molecules",
            ["Alexandra Volokhova", "Léna Néhale Ezzine", "Piotr Gaiński"],
            True,
        ),
        (
            "Learning Decision Trees",
            "Learning Decision Trees as Amortized Structure Inference",
            ["Mohammed Mahfoud", "Ghait Boukachab", "Michał Koziarski"],
            True,
        ),
        (
            "Synthesizable",
            "Synthesizable Molecular Generation via Soft-constrained GFlowNets with Rich Chemical Priors",
            ["Hyeonah Kim", "Minsu Kim", "Celine Roget"],
            True,
        ),
        (
            "GFlowState",
            "GFlowState: Visualizing the Training of Generative Flow Networks Beyond the Reward",
            ["Florian Holeczek", "Andreas Hinterreiter", "Alex Hernandez-Garcia"],
            True,
        ),
        (
            "Hard-Constrained",
            "Hard-Constrained Deep Learning for Climate Downscaling",
            ["Paula Harder", "Alex Hernandez-Garcia", "Venkatesh Ramesh"],
            True,
        ),
        ("Data augmentation", "Data augmentation and image understanding", ["Alex Hernandez-Garcia"], False),
        (
            "Counting Carbon",
            "Counting Carbon: A Survey of Factors Influencing the Emissions of Machine Learning",
            ["Alexandra Sasha Luccioni", "Alex Hernandez-Garcia"],
            False,
        ),
        (
            "The implicated scientist",
            "The implicated scientist: on the role of AI researchers in the development of weapons systems",
            ["Alexandra Volokhova", "Alex Hernandez-Garcia"],
            False,
        ),
    ],
)
def test_title_author_split(
    papers: dict[str, Paper], prefix: str, title: str, first_authors: list[str], truncated: bool
) -> None:
    paper = _paper(papers, prefix)
    assert paper.title == title
    assert _names(paper)[: len(first_authors)] == first_authors
    assert paper.truncated is truncated


def test_exact_author_lists_without_et_al(papers: dict[str, Paper]) -> None:
    assert _names(_paper(papers, "Counting Carbon")) == ["Alexandra Sasha Luccioni", "Alex Hernandez-Garcia"]
    assert _names(_paper(papers, "Data augmentation")) == ["Alex Hernandez-Garcia"]
    assert _names(_paper(papers, "Rethinking supervised")) == ["Alex Hernandez-Garcia"]


def test_organization_author(listing_path: Path) -> None:
    records = listing.read(listing_path, "listing-2026.txt", capture_year=2026)
    crystal = next(r for r in records if isinstance(r, Paper) and r.title.startswith("Crystal-GFN"))
    assert crystal.authors[0] == Author("Mila AI4Science", is_organization=True)
    assert not any(a.is_organization for a in crystal.authors[1:])
    warnings = [r for r in records if isinstance(r, Warning_) and "Mila AI4Science" in r.message]
    assert len(warnings) == 1 and warnings[0].origin.line == 17
    others = [r for r in records if isinstance(r, Paper) and r is not crystal]
    assert not any(a.is_organization for p in others for a in p.authors)


@pytest.mark.parametrize(
    "prefix, date",
    [
        ("Multi-Objective", PartialDate(2022, 10, 23)),
        ("LeMat-GenBench", PartialDate(2025, 12, 4)),
        ("Synthesizable", PartialDate(2026, 2, 4)),
        ("The implicated scientist", PartialDate(2026, 4, 20)),
        ("GFlowState", PartialDate(2026, 4, 23)),
        ("Data augmentation", PartialDate(2020, 12, 28)),
        ("Rethinking supervised", PartialDate(2020, 12, 4)),
        ("Hard-Constrained", PartialDate(2022, 8, 8)),
    ],
)
def test_dates(papers: dict[str, Paper], prefix: str, date: PartialDate) -> None:
    assert _paper(papers, prefix).date == date


def test_year_less_date_takes_the_capture_year(listing_path: Path) -> None:
    records = listing.read(listing_path, "x.txt", capture_year=2031)
    synth = next(r for r in records if isinstance(r, Paper) and r.title.startswith("Synthesizable"))
    assert synth.date == PartialDate(2031, 2, 4)


@pytest.mark.parametrize(
    "prefix, category",
    [
        ("Multi-Objective", "cs.LG"),
        ("Hard-Constrained", "physics.ao-ph"),
        ("Diversifying Design", "physics.bio-ph"),
        ("Irresponsible AI", "cs.CY"),
        ("RainShift", "cs.CV"),
        ("The implicated scientist", "cs.AI"),
    ],
)
def test_categories_mapped(papers: dict[str, Paper], prefix: str, category: str) -> None:
    assert _paper(papers, prefix).category == category


def test_category_table_has_names() -> None:
    assert listing.ARXIV_CATEGORIES["LG"] == ("cs.LG", "Machine Learning")
    assert listing.ARXIV_NAMES["physics.ao-ph"] == "Atmospheric and Oceanic Physics"


def test_affiliation_tag(papers: dict[str, Paper]) -> None:
    tagged = {title for title, p in papers.items() if p.affiliation == "mila"}
    assert len(tagged) == 5
    assert "RainShift: A Benchmark for Precipitation Downscaling Across Geographies" in tagged
    assert all(p.affiliation is None for p in papers.values() if p.title not in tagged)
    assert not any("mila" in a.name or "·" in a.name for p in papers.values() for a in p.authors)


def test_code_flag_and_trending_score(papers: dict[str, Paper]) -> None:
    assert [p.title for p in papers.values() if p.has_code] == [
        "LeMat-GenBench: A Unified Evaluation Framework for Crystal Generative Models"
    ]
    implicated = _paper(papers, "The implicated scientist")
    assert implicated.category == "cs.AI" and not implicated.has_code


def test_abstract_keeps_latex(papers: dict[str, Paper]) -> None:
    abstract = _paper(papers, "Synthesizable").abstract
    assert abstract is not None and r"($\geq 95\%$)" in abstract


@pytest.mark.parametrize(
    "name, year",
    [("listing-2026.txt", 2026), ("2026-11-25-papers.txt", 2026), ("papers_1999.txt", 1999),
     ("002_6fad2568a13f44ee.txt", None), ("listing.txt", None)],
)
def test_capture_year_from_name(name: str, year: int | None) -> None:
    assert listing.capture_year_from_name(name) == year


def test_capture_year_from_file_name_or_today(tmp_path: Path) -> None:
    text = "LGFeb 4\nA Good TitleAda Lovelace\nAbstract.\n"
    named = tmp_path / "listing-2019.txt"
    named.write_text(text, encoding="utf-8")
    records = listing.read(named, "listing-2019.txt")
    assert [r.date for r in records if isinstance(r, Paper)] == [PartialDate(2019, 2, 4)]
    assert not any(isinstance(r, Warning_) for r in records)
    plain = tmp_path / "listing.txt"
    plain.write_text(text, encoding="utf-8")
    records = listing.read(plain, "listing.txt")
    assert [r.date for r in records if isinstance(r, Paper)] == [PartialDate(dt.date.today().year, 2, 4)]
    assert any(isinstance(r, Warning_) and "capture year" in r.message for r in records)


def test_unknown_category_kept_with_warning() -> None:
    records = listing.parse_listing("XYZOct 2, 2022\nA Good TitleAda Lovelace\nAbstract.", "l.txt", 2026)
    (paper,) = [r for r in records if isinstance(r, Paper)]
    assert paper.category == "XYZ"
    (warning,) = [r for r in records if isinstance(r, Warning_)]
    assert "XYZ" in warning.message and warning.origin.line == 1


def test_later_organization_author_kept_with_warning() -> None:
    text = "LGOct 2, 2022\nA Good TitleAda Lovelace, OpenCatalyst2 Team, Michał Koziarski et al. · mila\nAbstract."
    records = listing.parse_listing(text, "l.txt", 2026)
    (paper,) = [r for r in records if isinstance(r, Paper)]
    assert paper.authors == [
        Author("Ada Lovelace"), Author("OpenCatalyst2 Team", is_organization=True), Author("Michał Koziarski")
    ]
    assert paper.truncated and paper.affiliation == "mila"
    assert [r.origin.line for r in records if isinstance(r, Warning_)] == [2]


@pytest.mark.parametrize(
    "name, person",
    [("Moksh Jain", True), ("Samuel P. Gleason", True), ("Léna Néhale Ezzine", True), ("Ludwig van Beethoven", True),
     ("Alex Hernandez-Garcia", True), ("Mila AI4Science", False), ("NetsMoksh Jain", False), ("with Rich", False),
     ("van der", False)],
)
def test_is_personal_name(name: str, person: bool) -> None:
    assert listing.is_personal_name(name) is person


def test_blank_lines_between_entries_tolerated() -> None:
    text = "\n" + GOOD_ENTRY + "\n\n" + "36.8AIApr 20\nAnother TitleAda Lovelace\nAbstract.\n" + "\n\n"
    papers = [r for r in listing.parse_listing(text, "l.txt", 2026) if isinstance(r, Paper)]
    assert [p.origin.line for p in papers] == [2, 7]
    assert papers[1].date == PartialDate(2026, 4, 20)


@pytest.mark.parametrize(
    "text, line, problem",
    [
        (GOOD_ENTRY + "LGOct 23, 2022\nA Good TitleAda Lovelace\n", 5, "ends before its abstract"),
        (GOOD_ENTRY + "LGOct 23, 2022\n", 4, "ends before its title"),
        (GOOD_ENTRY + "LGOct 23, 2022\nA Good TitleAda Lovelace\n" + GOOD_ENTRY, 6, "no abstract"),
        ("LGOct 23, 2022\n" + GOOD_ENTRY, 2, "no title"),
        (GOOD_ENTRY + "Some stray text\n" + GOOD_ENTRY, 4, "expected an entry's first line"),
        (GOOD_ENTRY + "LGFoo 32, 2022\nA Good TitleAda Lovelace\nAbstract.\n", 4, "unparseable date"),
        (GOOD_ENTRY + "LGFeb 30, 2022\nA Good TitleAda Lovelace\nAbstract.\n", 4, "unparseable date"),
        (GOOD_ENTRY + "LGOct 23, 2022\n\nAbstract.\n", 5, "empty title"),
        (GOOD_ENTRY + "LGOct 23, 2022\nAda Lovelace, Alan Turing\nAbstract.\n", 5, "empty title"),
        (GOOD_ENTRY + "LGOct 23, 2022\nA title with no authors at all\nAbstract.\n", 5, "no authors"),
        (GOOD_ENTRY + "LGOct 23, 2022\nA Good TitleAda Lovelace, , Alan Turing\nAbstract.\n", 5, "empty author"),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "listing-2026.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        listing.read(path, "listing-2026.txt")
    assert caught.value.path == "listing-2026.txt"
    assert caught.value.line == line
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("listing-2026.txt", "\n\n36.8AIApr 20\nT\nA\n", True),
        ("listing-2026.txt", "LGDec 4, 2025Code\n", True),
        ("notes.txt", "Some notes about papers\n", False),
        ("listing.md", "LGDec 4, 2025\n", False),
        ("empty.txt", "\n\n", False),
    ],
)
def test_matches(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert listing.matches(path) is expected


def test_matches_the_listing(listing_path: Path) -> None:
    assert listing.matches(listing_path)
