"""CSL-JSON importer: bibliographies as Zotero, Mendeley, pandoc and citeproc keep them.

Picked up by name (`*.csl.json`) or by content (any other `.json` file holding an array of objects that each have a
CSL `type` and `id`). Each item becomes a Paper:
- `title`; `author` in order, each `given` + particles + `family` + `suffix` joined as one name, or a `literal`
  name (an organization when it does not read as a person's name);
- `issued` at the precision given: `date-parts` (the first date of a range; numbers or numeric text), an EDTF or
  ISO string, or `raw`/`literal` text holding a year;
- `DOI` (a `https://doi.org/` or `doi:` prefix dropped), `URL`, `abstract`, `container-title` -> venue,
  `keyword` (comma or semicolon separated), `PMID`/`PMCID`/`ISBN` -> identifiers, `citation-key` -> bib key;
- the arXiv id from an arxiv.org `URL`, an arXiv DOI (10.48550/arXiv.ID), `number` "arXiv:ID", or `archive`
  "arXiv" with `archive_location` ID (what `kg export --format csljson` writes); version suffixes are dropped;
- `type` -> the BibTeX entry type (article-journal -> article, paper-conference -> inproceedings, thesis ->
  phdthesis or mastersthesis by `genre`, chapter -> incollection, report -> techreport, article -> misc, ...); a
  thesis's `publisher` is its school.
Items of a type that is not a publication (webpage, software, dataset, ...) and items with no issued date or no
author are left out with a warning: a paper in the graph needs a date and an author. Malformed items (no title, a
name or date of the wrong shape) are a SourceError naming the line.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import SourceError
from kg.records import Author, Origin, Paper, PartialDate, Record, SourceDocument, Warning_
from kg.sources.readers import Arr, Obj, clean_arxiv, clean_doi, is_personal_name, load_located
from kg.sources.text import json_content, read_text

NAME = "csljson"
AUTHORITY = 4  # a bibliography a reference manager exports: below the BibTeX the owner keeps
MEDIA_TYPE = "application/vnd.citationstyles.csl+json"

TYPES: dict[str, str] = {  # CSL type -> BibTeX entry type
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "review": "article", "review-book": "article", "paper-conference": "inproceedings", "chapter": "incollection",
    "entry": "incollection", "entry-dictionary": "incollection", "entry-encyclopedia": "incollection",
    "book": "book", "report": "techreport", "standard": "techreport", "thesis": "phdthesis", "article": "misc",
    "manuscript": "unpublished", "speech": "misc", "patent": "misc", "document": "misc",
}
NOT_PUBLICATIONS = {"webpage", "post", "post-weblog", "software", "dataset", "motion_picture", "broadcast", "song",
                    "graphic", "map", "interview", "personal_communication", "legal_case", "legislation", "bill",
                    "hearing", "regulation", "treaty", "performance", "musical_score", "figure", "event",
                    "periodical", "collection", "classic", "pamphlet"}
_TEXT_KEYS = ("id", "type", "title", "DOI", "URL", "abstract", "genre", "publisher", "keyword", "number", "archive",
              "archive_location", "citation-key", "PMID", "PMCID", "ISBN")
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")
_EDTF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_BIB_KEY = re.compile(r"^[\w:.+-]+$")
_ORG_WORDS = re.compile(
    r"\b(?:consortium|collaboration|university|universit[éeà]|institute|institut|society|association|group|team|"
    r"committee|council|laboratory|lab|project|foundation|cent(?:er|re)|network|initiative|organi[sz]ation|agency|"
    r"ministry|department|office|board|alliance|commission|corporation|inc|ltd)\b", re.IGNORECASE)


def matches(path: Path) -> bool:
    """`*.csl.json`, or a `.json` file holding an array of CSL items (objects with `type` and `id`)."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".csl.json"):
        return True
    data = json_content(path)
    return (isinstance(data, list) and bool(data)
            and all(isinstance(item, dict) and "type" in item and "id" in item for item in data))


def read(path: Path, rel: str) -> list[Record]:
    """Records of a CSL-JSON file."""
    return parse(read_text(path, rel), rel)


def parse(text: str, rel: str) -> list[Record]:
    """The SourceDocument, one Paper per publication item, and a warning for each item left out."""
    doc = load_located(text, rel)
    if isinstance(doc, Obj):  # one item on its own
        items, lines = [doc], [doc.line]
    elif isinstance(doc, Arr):
        items, lines = list(doc), doc.item_lines
    else:
        raise SourceError(rel, 1, "CSL-JSON is an array of items")
    records: list[Record] = [SourceDocument(path=rel, importer=NAME, media_type=MEDIA_TYPE)]
    for n, (item, line) in enumerate(zip(items, lines)):
        if not isinstance(item, Obj):
            raise SourceError(rel, line, f"item {n} is not an object")
        records.append(_item(item, rel))
    return records


def _text(item: Obj, key: str, rel: str) -> str | None:
    """A text value (numbers taken as text), None when absent or blank; any other shape is a SourceError."""
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        value = value[0]  # some exporters write container-title as a one-element list
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SourceError(rel, item.key_lines[key], f"{key} must be text")
    return " ".join(str(value).split()) or None


def _item(item: Obj, rel: str) -> Paper | Warning_:
    """The Paper of one item, or a Warning_ saying why it is left out."""
    origin = Origin(rel, item.line)
    for key in _TEXT_KEYS + ("container-title",):
        _text(item, key, rel)  # type-check every text field before anything is kept
    label = _text(item, "id", rel) or f"at line {item.line}"
    csl_type = _text(item, "type", rel)
    if csl_type is None:
        raise SourceError(rel, item.line, f"item {label!r} has no type")
    title = _text(item, "title", rel)
    if title is None:
        raise SourceError(rel, item.line, f"item {label!r} has no title")
    authors = _authors(item, rel)
    date = _issued(item, rel)
    if csl_type in NOT_PUBLICATIONS:
        return Warning_(f"CSL item {title!r} is a {csl_type}, not a publication: left out", origin)
    if date is None:
        return Warning_(f"CSL item {title!r} has no issued date (a paper needs one): left out", origin)
    if not authors:
        return Warning_(f"CSL item {title!r} has no author (a paper needs one): left out", origin)
    entry_type = TYPES.get(csl_type, "misc")
    genre = (_text(item, "genre", rel) or "").lower()
    if entry_type == "phdthesis" and "master" in genre:
        entry_type = "mastersthesis"
    thesis = entry_type in ("phdthesis", "mastersthesis")
    doi = clean_doi(_text(item, "DOI", rel))
    url = _text(item, "URL", rel)
    citation_key = _text(item, "citation-key", rel) or _text(item, "id", rel)
    identifiers = {scheme: value for scheme, key in (("pmid", "PMID"), ("pmcid", "PMCID"), ("isbn", "ISBN"))
                   if (value := _text(item, key, rel))}
    keywords = _text(item, "keyword", rel)
    return Paper(
        title=title,
        authors=authors,
        origin=origin,
        date=date,
        abstract=_text(item, "abstract", rel),
        bib_key=citation_key if citation_key and _BIB_KEY.match(citation_key) else None,
        entry_type=entry_type,
        venue=None if thesis else _text(item, "container-title", rel),
        doi=doi,
        arxiv=_arxiv(item, rel, doi, url),
        url=url,
        school=_text(item, "publisher", rel) if thesis else None,
        keywords=[k.strip() for k in re.split(r"[,;]", keywords) if k.strip()] if keywords else [],
        identifiers=identifiers,
    )


def _arxiv(item: Obj, rel: str, doi: str | None, url: str | None) -> str | None:
    """The arXiv id, from wherever the exporter put it."""
    archive = (_text(item, "archive", rel) or "").lower()
    publisher = (_text(item, "publisher", rel) or "").lower()
    number = _text(item, "number", rel)
    candidates = [_text(item, "archive_location", rel) if archive == "arxiv" else None, url, doi,
                  number if publisher == "arxiv" or (number or "").lower().startswith("arxiv") else None]
    return next((found for candidate in candidates if (found := clean_arxiv(candidate))), None)


def _authors(item: Obj, rel: str) -> list[Author]:
    """The `author` names in order."""
    names = item.get("author")
    if names is None:
        return []
    if not isinstance(names, Arr):
        raise SourceError(rel, item.key_lines["author"], "author must be a list of names")
    authors = []
    for name, line in zip(names, names.item_lines):
        if not isinstance(name, Obj):
            raise SourceError(rel, line, "an author must be an object (family/given or literal)")
        authors.append(_author(name, rel))
    return authors


def _author(name: Obj, rel: str) -> Author:
    """One CSL name: `literal`, or its parts joined in reading order."""
    literal = _text(name, "literal", rel)
    if literal:  # CSL's way of writing a name not to be parsed: usually an institution's
        return Author(literal, is_organization=_is_organization(literal))
    parts = [_text(name, key, rel) for key in _NAME_PARTS]
    if not any(parts):
        raise SourceError(rel, name.line, "an author has neither family, given nor literal name")
    given, family = parts[0], parts[3]
    if family and not given and _is_organization(family):
        return Author(family, is_organization=True)  # an institution written as a family name
    return Author(" ".join(p for p in parts if p))


def _is_organization(name: str) -> bool:
    """Whether a name is an institution's: it has an organization word, or it does not read as a person's."""
    return bool(_ORG_WORDS.search(name)) or not is_personal_name(name)


def _issued(item: Obj, rel: str) -> PartialDate | None:
    """The `issued` date at its precision; SourceError when it has a shape CSL does not allow."""
    value = item.get("issued")
    if value is None:
        return None
    line = item.key_lines["issued"]
    if isinstance(value, str):
        return _date_text(value, rel, line)
    if not isinstance(value, Obj):
        raise SourceError(rel, line, "issued must be an object with date-parts, or a date string")
    parts = value.get("date-parts")
    if parts is not None:
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and 1 <= len(parts[0]) <= 3):
            raise SourceError(rel, value.key_lines["date-parts"], "date-parts must be [[year, month?, day?]]")
        try:
            date = PartialDate(*(int(str(p).strip()) for p in parts[0]))
            date.first_day()
            return date
        except (TypeError, ValueError):
            raise SourceError(rel, value.key_lines["date-parts"], f"unreadable date-parts {parts[0]!r}") from None
    for key in ("raw", "literal"):
        text = value.get(key)
        if isinstance(text, str) and text.strip():
            return _date_text(text, rel, value.key_lines[key])
    return None


def _date_text(text: str, rel: str, line: int) -> PartialDate:
    """A date from EDTF/ISO text ("2020-05", "2020-05-01/2020-06") or, failing that, the year in free text."""
    m = _EDTF.match(text.strip())
    if m:
        try:
            date = PartialDate(*(int(g) for g in m.groups() if g))
            date.first_day()
            return date
        except ValueError:
            raise SourceError(rel, line, f"unreadable date {text!r}") from None
    year = _YEAR.search(text)
    if year is None:
        raise SourceError(rel, line, f"unreadable date {text!r}")
    return PartialDate(int(year.group(1)))
