"""Importer for a scraped publication listing: three run-together lines per paper (header, title+authors, abstract).

Line 1: `[score]CATEGORYMon D[, YYYY][Code]`, e.g. `36.8AIApr 20`, `LGDec 4, 2025Code`.
Line 2: the title glued to a comma-separated author list, optionally ending in ` et al.` and ` · tag`.
Line 3: the abstract, kept as written (LaTeX included).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kg.errors import SourceError
from kg.records import Author, Origin, Paper, PartialDate, Record, SourceDocument, Warning_
from kg.sources.readers import MONTHS, is_personal_name
from kg.sources.text import read_text

NAME = "listing"
AUTHORITY = 5  # a scraped publication listing: run-together text, truncated author lists
MEDIA_TYPE = "text/plain"

ARXIV_CATEGORIES: dict[str, tuple[str, str]] = {
    "AI": ("cs.AI", "Artificial Intelligence"),
    "CL": ("cs.CL", "Computation and Language"),
    "CV": ("cs.CV", "Computer Vision and Pattern Recognition"),
    "CY": ("cs.CY", "Computers and Society"),
    "LG": ("cs.LG", "Machine Learning"),
    "NE": ("cs.NE", "Neural and Evolutionary Computing"),
    "RO": ("cs.RO", "Robotics"),
    "ML": ("stat.ML", "Machine Learning (Statistics)"),
    "AO-PH": ("physics.ao-ph", "Atmospheric and Oceanic Physics"),
    "BIO-PH": ("physics.bio-ph", "Biological Physics"),
    "CHEM-PH": ("physics.chem-ph", "Chemical Physics"),
    "COMP-PH": ("physics.comp-ph", "Computational Physics"),
    "MTRL-SCI": ("cond-mat.mtrl-sci", "Materials Science"),
    "BM": ("q-bio.BM", "Biomolecules"),
    "NC": ("q-bio.NC", "Neurons and Cognition"),
}
"""Short listing codes -> (full arXiv code, arXiv category name)."""

ARXIV_NAMES: dict[str, str] = {code: name for code, name in ARXIV_CATEGORIES.values()}
"""Full arXiv codes -> category names."""

_HEADER = re.compile(
    r"(?P<score>\d+(?:\.\d+)?)?(?P<code>[A-Z]+(?:-[A-Z]+)*)"
    r"(?P<date>(?P<month>[A-Z][a-z]+\.?) (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?)(?P<flag>Code)?"
)
_AFFILIATION = re.compile(r"\s+·\s+(?P<tag>[^·]+?)\s*$")
_ET_AL = re.compile(r",?\s*\bet al\.?$")
_FILE_YEAR = re.compile(r"(?<![A-Za-z0-9])((?:19|20)\d{2})(?![A-Za-z0-9])")


def parse_header(line: str) -> re.Match[str] | None:
    """The match of a listing entry's first line (score, category code, date, Code flag), or None."""
    return _HEADER.fullmatch(line.strip())


def capture_year_from_name(name: str) -> int | None:
    """The 4-digit year in a file name (`listing-2026.txt`, `2026-11-25-papers.txt`), if any."""
    found = _FILE_YEAR.search(name)
    return int(found.group(1)) if found else None


def _split_candidates(text: str) -> list[int]:
    """Positions where a word runs into a capitalised word: uppercase, then lowercase, glued to a previous char."""
    return [
        i
        for i in range(1, len(text) - 1)
        if text[i].isupper() and text[i + 1].islower() and not text[i - 1].isspace() and text[i - 1] != "-"
    ]


def split_title(text: str) -> tuple[str, str, bool] | None:
    """(title, author text, first author reads as a person) for a title glued to its authors, or None.

    The split is at the earliest candidate whose first author is a personal name of two or more words (a lone
    capitalised word like the `Science` of `AI4Science` is too weak a signal); failing that, at the first candidate.
    """
    candidates = _split_candidates(text)
    for i in candidates:
        first = text[i:].split(",", 1)[0].strip()
        if len(first.split()) >= 2 and is_personal_name(first):
            return text[:i].strip(), text[i:], True
    if not candidates:
        return None
    i = candidates[0]
    return text[:i].strip(), text[i:], is_personal_name(text[i:].split(",", 1)[0].strip())


def _strip_tail(text: str) -> tuple[str, bool, str | None]:
    """(title+authors, truncated, affiliation tag) once ` et al.` and ` · tag` are cut off the end."""
    affiliation = None
    found = _AFFILIATION.search(text)
    if found:
        affiliation, text = found.group("tag"), text[: found.start()]
    found = _ET_AL.search(text)
    if found:
        text = text[: found.start()]
    return text.strip(), found is not None, affiliation


def _parse_date(header: re.Match[str], capture_year: int, rel: str, line: int) -> PartialDate:
    """The header's date; a date without a year is in the capture year."""
    month = MONTHS.get(header.group("month").rstrip(".").lower())
    year = int(header.group("year")) if header.group("year") else capture_year
    try:
        if month is None:
            raise ValueError("unknown month")
        date = PartialDate(year, month, int(header.group("day")))
        date.first_day()
    except ValueError:
        raise SourceError(rel, line, f"unparseable date {header.group('date')!r}") from None
    return date


def _category(code: str, origin: Origin) -> tuple[str, list[Record]]:
    """The full arXiv code for a short listing code; an unknown code is kept as given, with a warning."""
    if code in ARXIV_CATEGORIES:
        return ARXIV_CATEGORIES[code][0], []
    return code, [Warning_(f"unknown arXiv category code {code!r} kept as given", origin)]


def _authors(text: str, first_is_person: bool, origin: Origin) -> tuple[list[Author], list[Record]]:
    """The author list in order; names that do not read as a person's are kept as organizations, with a warning."""
    authors: list[Author] = []
    warnings: list[Record] = []
    for n, name in enumerate(part.strip() for part in text.split(",")):
        if not name:
            raise SourceError(origin.path, origin.line, f"empty author name in position {n + 1}")
        person = first_is_person if n == 0 else is_personal_name(name)
        if not person:
            problem = f"author {name!r} does not read as a person's name: kept as an organization"
            warnings.append(Warning_(problem, origin))
        authors.append(Author(name, is_organization=not person))
    return authors, warnings


def _title_and_authors(text: str, rel: str, line: int) -> tuple[str, list[Author], bool, str | None, list[Record]]:
    """(title, authors, truncated, affiliation, warnings) from an entry's second line."""
    body, truncated, affiliation = _strip_tail(text.strip())
    if not body:
        raise SourceError(rel, line, "empty title")
    split = split_title(body)
    if split is None:
        if is_personal_name(body.split(",", 1)[0].strip()):
            raise SourceError(rel, line, "empty title: the line holds only authors")
        raise SourceError(rel, line, "no authors: cannot tell where the title ends and the authors begin")
    title, author_text, first_is_person = split
    authors, warnings = _authors(author_text, first_is_person, Origin(rel, line))
    return title, authors, truncated, affiliation, warnings


def _entry(header: re.Match[str], lines: list[str], start: int, rel: str, capture_year: int) -> list[Record]:
    """The records of the entry whose first line, already matched as `header`, is lines[start] (0-based)."""
    line = start + 1
    for offset, what in ((1, "title and authors"), (2, "abstract")):
        if start + offset >= len(lines):
            raise SourceError(rel, start + offset, f"entry starting at line {line} ends before its {what} line")
        if parse_header(lines[start + offset]):
            raise SourceError(rel, start + offset + 1, f"entry starting at line {line} has no {what} line")
    origin = Origin(rel, line)
    date = _parse_date(header, capture_year, rel, line)
    category, records = _category(header.group("code"), origin)
    title, authors, truncated, affiliation, warnings = _title_and_authors(lines[start + 1], rel, line + 1)
    abstract = lines[start + 2].strip() or None
    paper = Paper(
        title=title,
        authors=authors,
        origin=origin,
        date=date,
        abstract=abstract,
        truncated=truncated,
        category=category,
        affiliation=affiliation,
        has_code=header.group("flag") is not None,
    )
    return [*records, *warnings, paper]


def parse_listing(text: str, rel: str, capture_year: int) -> list[Record]:
    """The SourceDocument and one Paper per entry of a listing's text; blank lines between entries are skipped."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    records: list[Record] = [
        SourceDocument(path=rel, importer=NAME, media_type=MEDIA_TYPE, title=f"Publication listing ({capture_year})")
    ]
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        header = parse_header(lines[i])
        if header is None:
            expected = "an entry's first line (category and date, e.g. 'LGOct 23, 2022')"
            raise SourceError(rel, i + 1, f"expected {expected}, found {lines[i][:60]!r}")
        records.extend(_entry(header, lines, i, rel, capture_year))
        i += 3
    return records




def read(path: Path, rel: str, *, capture_year: int | None = None) -> list[Record]:
    """Records of a listing file; the capture year comes from the argument, else the file name, else today."""
    warnings: list[Record] = []
    year = capture_year if capture_year is not None else capture_year_from_name(Path(path).name)
    if year is None:
        year = dt.date.today().year
        warnings.append(Warning_(f"no capture year in the file name: year-less dates read as {year}", Origin(rel)))
    records = parse_listing(read_text(path, rel), rel, year)
    return [records[0], *warnings, *records[1:]]


def matches(path: Path) -> bool:
    """A `.txt` file whose first non-blank line reads as a listing entry's first line."""
    path = Path(path)
    if path.suffix.lower() != ".txt":
        return False
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    return parse_header(line) is not None
    except (OSError, UnicodeDecodeError):
        return False
    return False
