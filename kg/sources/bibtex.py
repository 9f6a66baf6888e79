"""Importer for BibTeX files as al-folio keeps them (`_bibliography/papers.bib`), parsed with bibtexparser 2.

Besides the standard fields it reads al-folio's own: `arxiv`, `pdf`, `code`, `html`. Text fields are decoded
from LaTeX to Unicode (`{\\'e}` -> é) with pylatexenc, keeping math (`$\\geq 95\\%$`) as written; URLs and
identifiers are kept verbatim.

Private entries (docs/private.md): `private = {true}` (or `yes`, `1`), or a `status` of `under review`, `submitted`
or `in preparation`, makes the entry a private Paper: the owner's `kg query --private` sees it, no public route
does. `private = {false}` makes an entry public whatever its status; any other value of `private` is an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Block, Entry, Field
from pylatexenc.latex2text import LatexNodes2Text

from kg.errors import SourceError
from kg.records import Author, Origin, Paper, PartialDate, Record, SourceDocument
from kg.sources.listing import MONTHS, is_personal_name
from kg.sources.text import read_text

NAME = "bibtex"
MEDIA_TYPE = "application/x-bibtex"

_DECODER = LatexNodes2Text(math_mode="verbatim")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)


def decode_latex(text: str) -> str:
    """Unicode text for a BibTeX value: accents and braces resolved, math kept, whitespace collapsed.

    A bare `%` is taken as a percent sign, not a LaTeX comment, as BibTeX values mean it.
    """
    return " ".join(_DECODER.latex_to_text(_UNESCAPED_PERCENT.sub(r"\\%", text)).split())


def _fully_braced(text: str) -> bool:
    """Whether the whole text is one brace group (`{Mila AI4Science}`), BibTeX's way of writing a corporate name."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


def _author(raw: str) -> Author:
    """One author: `Last, First` or `First Last` as `First Last`; a braced non-personal name is an organization."""
    raw = raw.strip()
    if _fully_braced(raw):
        name = decode_latex(raw[1:-1])
        return Author(name, is_organization=not is_personal_name(name))
    return Author(decode_latex(parse_single_name_into_parts(raw).merge_first_name_first))


def parse_authors(value: str) -> tuple[list[Author], bool]:
    """(authors in order, truncated) from a BibTeX author field; a final `and others` means truncated."""
    names = split_multiple_persons_names(value)
    truncated = bool(names) and names[-1].strip().lower() == "others"
    if truncated:
        names = names[:-1]
    return [_author(name) for name in names], truncated


def parse_month(value: str) -> int | None:
    """A month number from `oct`, `Oct.`, `10` or `October`; None when it is none of these."""
    text = value.strip().rstrip(".").lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text)


def _line(item: Block | Field) -> int | None:
    """The 1-based line of a block or field (bibtexparser counts from 0)."""
    return None if item.start_line is None else item.start_line + 1


def _fields(entry: Entry) -> dict[str, Field]:
    """The entry's fields by lowercased key (`primaryClass` -> `primaryclass`), first one kept."""
    fields: dict[str, Field] = {}
    for field in entry.fields:
        fields.setdefault(field.key.lower(), field)
    return fields


def _text(fields: dict[str, Field], *keys: str, decode: bool = True) -> str | None:
    """The first non-empty value among keys, LaTeX-decoded unless decode is False."""
    for key in keys:
        if key in fields:
            value = str(fields[key].value).strip()
            value = decode_latex(value) if decode else value
            if value:
                return value
    return None


def _date(fields: dict[str, Field], rel: str, key: str) -> PartialDate | None:
    """The entry's date from `date` (biblatex ISO) or `year` and `month`; unreadable values are a SourceError."""
    if "date" in fields and "year" not in fields:
        try:
            return PartialDate.parse(str(fields["date"].value))
        except ValueError:
            raise SourceError(rel, _line(fields["date"]), f"entry {key!r}: unreadable date") from None
    year = _text(fields, "year", decode=False)
    if year is None:
        return None
    if not year.isdigit():
        raise SourceError(rel, _line(fields["year"]), f"entry {key!r}: unreadable year {year!r}")
    month_text = _text(fields, "month", decode=False)
    month = None if month_text is None else parse_month(month_text)
    if month_text is not None and month is None:
        raise SourceError(rel, _line(fields["month"]), f"entry {key!r}: unreadable month {month_text!r}")
    return PartialDate(int(year), month)


def _arxiv(fields: dict[str, Field]) -> str | None:
    """The arXiv id from al-folio's `arxiv` field, or `eprint` when the archive is arXiv (or unnamed)."""
    value = _text(fields, "arxiv", decode=False)
    archive = (_text(fields, "archiveprefix", decode=False) or "arxiv").lower()
    if value is None and archive == "arxiv":
        value = _text(fields, "eprint", decode=False)
    return _ARXIV_PREFIX.sub("", value) if value else None


def _keywords(fields: dict[str, Field]) -> list[str]:
    """Keywords split on commas or semicolons."""
    value = _text(fields, "keywords")
    return [k.strip() for k in re.split(r"[,;]", value) if k.strip()] if value else []


_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}
PRIVATE_STATUSES = {"under review", "submitted", "in preparation"}


def _private(fields: dict[str, Field], rel: str, key: str) -> bool:
    """Whether the entry is private: its `private` field, else a `status` that says it is not published yet."""
    flag = _text(fields, "private", decode=False)
    if flag is not None:
        if flag.lower() not in _TRUE | _FALSE:
            raise SourceError(rel, _line(fields["private"]), f"entry {key!r}: private must be true or false, "
                                                            f"not {flag!r}")
        return flag.lower() in _TRUE
    status = _text(fields, "status")
    return status is not None and " ".join(status.lower().split()) in PRIVATE_STATUSES


def _paper(entry: Entry, rel: str) -> Paper:
    """The Paper of one BibTeX entry."""
    line = _line(entry)
    fields = _fields(entry)
    title = _text(fields, "title")
    if title is None:
        raise SourceError(rel, line, f"entry {entry.key!r} has no title")
    authors: list[Author] = []
    truncated = False
    if "author" in fields:
        try:
            authors, truncated = parse_authors(str(fields["author"].value))
        except InvalidNameError as exc:
            raise SourceError(rel, _line(fields["author"]), f"entry {entry.key!r}: {exc}") from None
    doi = _text(fields, "doi", decode=False)
    return Paper(
        title=title,
        authors=authors,
        origin=Origin(rel, line),
        date=_date(fields, rel, entry.key),
        abstract=_text(fields, "abstract"),
        truncated=truncated,
        category=_text(fields, "primaryclass", decode=False),
        bib_key=entry.key,
        entry_type=entry.entry_type.lower(),
        venue=_text(fields, "journal", "booktitle"),
        doi=_DOI_PREFIX.sub("", doi) if doi else None,
        arxiv=_arxiv(fields),
        url=_text(fields, "url", "html", decode=False),
        pdf=_text(fields, "pdf", decode=False),
        code_url=_text(fields, "code", decode=False),
        school=_text(fields, "school", "institution"),
        keywords=_keywords(fields),
        private=_private(fields, rel, entry.key),
    )


def _failure(block: Block) -> str:
    """A readable reason for a block bibtexparser could not parse."""
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "") or type(error).__name__
    return f"BibTeX syntax error: {reason.strip()}"


def parse_bibtex(text: str, rel: str) -> list[Record]:
    """The SourceDocument and one Paper per entry of BibTeX text; any failed block is a SourceError."""
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = min(library.failed_blocks, key=lambda b: b.start_line if b.start_line is not None else -1)
        raise SourceError(rel, _line(block), _failure(block))
    records: list[Record] = [SourceDocument(path=rel, importer=NAME, media_type=MEDIA_TYPE)]
    records.extend(_paper(entry, rel) for entry in library.entries)
    return records


def read(path: Path, rel: str) -> list[Record]:
    """Records of a `.bib` file."""
    return parse_bibtex(read_text(path, rel), rel)


def matches(path: Path) -> bool:
    """BibTeX files, by their `.bib` extension."""
    return Path(path).suffix.lower() == ".bib"
