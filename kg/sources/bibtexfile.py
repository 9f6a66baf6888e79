"""BibTeX text as al-folio keeps it (`_bibliography/papers.bib`), parsed with bibtexparser 2.

Besides the standard fields it reads al-folio's own: `arxiv`, `pdf`, `code`, `html`. Text fields are decoded
from LaTeX to Unicode (`{\\'e}` -> é) with pylatexenc, keeping math (`$\\geq 95\\%$`) as written; URLs and
identifiers are kept verbatim.

Private entries (docs/private.md): `private = {true}` (or `yes`, `1`), or a `status` of `under review`, `submitted`
or `in preparation`, makes the entry a private Paper: the owner's `kg query --private` sees it, no public route
does. `private = {false}` makes an entry public whatever its status; any other value of `private` is an error.

The bibtex importer reads a `.bib` file with it; the al-folio and Hugo Blox importers read a site's bibliography
with it.
"""

from __future__ import annotations

import re
from typing import Callable

import bibtexparser
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, Field
from pylatexenc.latex2text import LatexNodes2Text

from kg.errors import SourceError
from kg.records import Author, Origin, Paper, PartialDate, Record, SourceDocument, Warning_
from kg.sources.readers import MONTHS, is_personal_name

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


_EMPHASIS = re.compile(r"\\(?:textbf|textit|emph|underline|uline|textsc|mbox|textrm|textsf)\s*"
                       r"\{((?:[^{}]|\{[^{}]*\})*)\}")
_MARK = r"(?:[*†‡§¶#]|\\(?:dagger|ddagger|ast)\b\s*)"
_MARKS = re.compile(rf"(?:\$\^\{{?{_MARK}+\}}?\$|\^\{{?{_MARK}+\}}?|\\?[*†‡§¶]|\\(?:dagger|ddagger)\b)+"
                    rf"(?=\s|,|}}|$)")
_PSEUDO_AUTHOR = re.compile(r"^\{?\s*[\[(].*[\])]\s*\}?$|^\{?\s*(?:equal contribution|corresponding author)\s*\}?$",
                            re.I)


def parse_authors(value: str, notes: list[str] | None = None) -> tuple[list[Author], bool]:
    """(authors in order, truncated) from a BibTeX author field; a final `and others` means truncated.

    What real files hold is repaired, each repair noted in `notes`: `\\textbf{Name}` (the owner in bold) is the
    name, equal-contribution marks (`{Lastname}*`, `$^\\dagger$`) are dropped, pseudo-authors in brackets
    (`{[Dual first authorship]}`) are not authors, and a trailing comma (`Last, First,`) is dropped."""
    notes = notes if notes is not None else []
    plain = _EMPHASIS.sub(r"\1", value)
    if plain != value:
        notes.append("font commands around author names dropped")
    unmarked = _MARKS.sub("", plain)
    if unmarked != plain:
        notes.append("equal-contribution marks after author names dropped")
    names = split_multiple_persons_names(" ".join(unmarked.split()))
    truncated = bool(names) and names[-1].strip().lower() == "others"
    if truncated:
        names = names[:-1]
    authors = []
    for name in names:
        if _PSEUDO_AUTHOR.match(name.strip()):
            notes.append(f"{name.strip()} is not an author: dropped")
            continue
        cleaned = name.strip().rstrip(",").strip()
        if cleaned != name.strip():
            notes.append(f"trailing comma after {cleaned!r} dropped")
        if cleaned:
            authors.append(_author(cleaned))
    return authors, truncated


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


def _date(fields: dict[str, Field], rel: str, key: str, notes: list[str]) -> PartialDate | None:
    """The entry's date from `date` (biblatex ISO) or `year` and `month` (`2020, submitted` is 2020, an unreadable
    month is left out, both noted); an unreadable year or date is a SourceError."""
    if "date" in fields and "year" not in fields:
        try:
            return PartialDate.parse(str(fields["date"].value))
        except ValueError:
            raise SourceError(rel, _line(fields["date"]), f"entry {key!r}: unreadable date") from None
    year = _text(fields, "year", decode=False)
    if year is None:
        return None
    if not year.isdigit():
        leading = re.match(r"^\{?\s*(\d{4})\b", year)
        if leading is None:
            raise SourceError(rel, _line(fields["year"]), f"entry {key!r}: unreadable year {year!r}")
        notes.append(f"year {year!r} read as {leading[1]}")
        year = leading[1]
    month_text = _text(fields, "month", decode=False)
    month = None if month_text is None else parse_month(month_text)
    if month_text is not None and month is None:
        notes.append(f"unreadable month {month_text!r} left out")
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


def _paper(entry: Entry, rel: str, notes: list[str]) -> Paper:
    """The Paper of one BibTeX entry; what was repaired on the way is added to notes."""
    line = _line(entry)
    fields = _fields(entry)
    title = _text(fields, "title")
    if title is None:
        raise SourceError(rel, line, f"entry {entry.key!r} has no title")
    authors: list[Author] = []
    truncated = False
    if "author" in fields:
        try:
            authors, truncated = parse_authors(str(fields["author"].value), notes)
        except InvalidNameError as exc:
            raise SourceError(rel, _line(fields["author"]), f"entry {entry.key!r}: {exc}") from None
    doi = _text(fields, "doi", decode=False)
    return Paper(
        title=title,
        authors=authors,
        origin=Origin(rel, line),
        date=_date(fields, rel, entry.key, notes),
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


def _unenclosed(entry: Entry) -> Entry:
    """An entry whose values still carry their braces or quotes (bibtexparser's error blocks keep them) without."""
    for f in entry.fields:
        value = str(f.value).strip()
        if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
            f.value = value[1:-1]
    return entry


def _entries(library: bibtexparser.Library, lines: list[str], rel: str) -> tuple[list[Entry], list[Warning_]]:
    """The entries the site shows, and a warning for each block repaired or skipped: a %-commented entry is
    skipped; a repeated key is read as an entry of its own; a repeated field keeps its first value; a block that
    cannot be parsed is skipped."""
    kept: list[tuple[int, Entry]] = []
    warnings: list[Warning_] = []
    for block in library.blocks:
        line = _line(block)
        where = Origin(rel, line)
        text = lines[block.start_line] if block.start_line is not None and block.start_line < len(lines) else ""
        if isinstance(block, (Entry, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)) and \
                text.lstrip().startswith("%"):
            warnings.append(Warning_("entry commented out with %: skipped", where))
        elif isinstance(block, Entry):
            kept.append((block.start_line or 0, block))
        elif isinstance(block, DuplicateBlockKeyBlock):
            kept.append((block.start_line or 0, _unenclosed(block.ignore_error_block)))
            warnings.append(Warning_(f"entry key {block.key!r} used twice: read as another entry", where))
        elif isinstance(block, DuplicateFieldKeyBlock):
            kept.append((block.start_line or 0, _unenclosed(block.ignore_error_block)))
            warnings.append(Warning_(f"entry {block.ignore_error_block.key!r} repeats "
                                     f"{', '.join(sorted(block.duplicate_keys))}: the first value is read", where))
        elif block in library.failed_blocks:
            warnings.append(Warning_(f"{_failure(block)}: this block is skipped", where))
    return [e for _, e in sorted(kept, key=lambda pair: pair[0])], warnings


def parse_bibtex(text: str, rel: str, extra: Callable[[Paper, dict[str, str]], None] | None = None) -> list[Record]:
    """The SourceDocument, one Paper per entry of BibTeX text and a Warning_ per entry repaired or skipped.

    `extra(paper, fields)` sees every paper with its raw fields (lowercased keys), for importers that read more.
    Only a file with no readable entry at all and blocks that failed is refused (it is not BibTeX)."""
    library = bibtexparser.parse_string(text)
    entries, warnings = _entries(library, text.split("\n"), rel)
    if library.failed_blocks and not entries and not [w for w in warnings if "commented" in w.message]:
        block = min(library.failed_blocks, key=lambda b: b.start_line if b.start_line is not None else -1)
        raise SourceError(rel, _line(block), _failure(block))
    records: list[Record] = [SourceDocument(path=rel, importer=NAME, media_type=MEDIA_TYPE)]
    for entry in entries:
        notes: list[str] = []
        try:
            paper = _paper(entry, rel, notes)
        except SourceError as exc:
            warnings.append(Warning_(f"{exc.problem}: entry skipped", Origin(rel, exc.line or _line(entry))))
            continue
        warnings.extend(Warning_(f"entry {entry.key!r}: {note}", Origin(rel, _line(entry))) for note in notes)
        if extra is not None:
            extra(paper, {f.key.lower(): str(f.value).strip() for f in entry.fields})
        records.append(paper)
    warnings.extend(_shared_identifiers([r for r in records if isinstance(r, Paper)]))
    return records + sorted(warnings, key=lambda w: w.origin.line or 0)


def _shared_identifiers(papers: list[Paper]) -> list[Warning_]:
    """A DOI or arXiv id that one file gives to entries of different titles (a copy-paste slip) is kept on the
    first entry only, so the entries stay the different papers the site shows."""
    warnings, first = [], {}
    for paper in papers:
        for attr in ("doi", "arxiv"):
            value = getattr(paper, attr)
            if not value:
                continue
            other = first.setdefault((attr, value.lower()), paper)
            if other is not paper and decode_latex(other.title).casefold() != decode_latex(paper.title).casefold():
                setattr(paper, attr, None)
                warnings.append(Warning_(f"entry {paper.bib_key!r}: {attr} {value} is also given to "
                                         f"{other.bib_key!r}, a paper of another title: left out here", paper.origin))
    return warnings
