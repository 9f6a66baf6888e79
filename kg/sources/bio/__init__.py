"""A homepage-style Markdown page, with optional Jekyll front matter, read as English bio prose.

What it reads:
- front matter `title`, `date` and `image`; without a `date`, the version date comes from the file name
  (`home-2022-05-01.md`, or a bare year: `homepage-2022.md` -> 2022-01-01); no date means the current version;
- "I use the pronouns _he/él/il_" (the emphasised text) and an obfuscated address ("name _at_ host.org"), given to
  an `Owner` whose name is "" (the owner, named elsewhere);
- each heading (any level) and the Markdown under it as a `Section`; each inline link as a `Mention`
  (Liquid such as `{{ site.url }}` is kept in the URL as written);
- the linked things as `Entity` records, typed from the link text and its context (honorifics, organization
  words, event words, the section it sits in, "in PLACE"); site pages (`{{ site.url }}/...`, `/...`) are not entities;
- present-tense roles, as `Role(current=True)`: "I am a/an ROLE at ORG [at UNIT] and at ORG, in PLACE, working with
  PEOPLE, since DATE" and "At ORG, I am a ROLE and a member of the X". Past tense is left to the resume.

Private pages (docs/private.md): front matter `private: true` makes the whole file private. Its entities and roles
become private records (seen by the owner's `kg query --private`, never by a public route); its prose, its links,
the owner facts it states and the document itself (name, title, version) are left out entirely, so not even the
file's name reaches a public route. `private: false` or no key: a public page.

The homepage importer reads a Markdown file with it; the site importers (academicpages, al-folio, Hugo Blox) read
their about pages with it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kg.errors import SourceError
from kg.records import Entity, PartialDate, Record, Role, SourceDocument
from kg.sources.bio.links import EntityReader
from kg.sources.bio.page import Page
from kg.sources.bio.roles import RoleReader, owner_facts
from kg.sources.bio.words import text_or_none
from kg.sources.readers import split_front_matter

NAME = "homepage"
_DAY_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def parse(text: str, rel: str, filename: str | None = None) -> list[Record]:
    """Records from Markdown text; `filename` (default: the last part of rel) may carry the version date."""
    meta, body, key_lines = split_front_matter(text.replace("\r\n", "\n"), rel)
    private = meta.get("private", False)
    if not isinstance(private, bool):
        raise SourceError(rel, key_lines.get("private"), f"front matter private must be true or false: {private!r}")
    doc = SourceDocument(
        path=rel,
        importer=NAME,
        media_type="text/markdown",
        title=text_or_none(meta.get("title")),
        version_date=version_date(meta, filename or Path(rel).name, rel, key_lines.get("date")),
    )
    page = Page.parse(body)
    records: list[Record] = [doc]
    records.extend(page.sections(rel, doc.title))
    pronoun_sentence = page.pronoun_sentence()
    roles = RoleReader(page, rel)
    roles.read_all(skip=pronoun_sentence)
    owner = owner_facts(page, pronoun_sentence, meta, roles.location, rel)
    if owner is not None:
        records.append(owner)
    records.extend(page.mentions(rel, skip=pronoun_sentence))
    reader = EntityReader(page, rel, roles.facts)
    records.extend(reader.read_all(skip=pronoun_sentence, extra=roles.entities))
    records.extend(reader.untyped)
    records.extend(roles.roles)
    return _private(records) if private else records


def _private(records: list[Record]) -> list[Record]:
    """A private page's records: its entities and roles, marked private; nothing else."""
    kept = [r for r in records if isinstance(r, (Entity, Role))]
    for record in kept:
        record.private = True
    return kept


def version_date(meta: dict, filename: str, rel: str = "", date_line: int | None = None) -> dt.date | None:
    """The date a page version describes: front matter `date`, else a date or bare year in the file name."""
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value not in (None, ""):
        try:
            return PartialDate.parse(str(value).strip()[:10]).first_day()
        except ValueError as exc:
            raise SourceError(rel, date_line, f"front matter date is not an ISO date: {value!r}") from exc
    day = _DAY_IN_NAME.search(filename)
    if day:
        try:
            return dt.date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            pass
    year = _YEAR_IN_NAME.search(_DAY_IN_NAME.sub("", filename))
    return dt.date(int(year[1]), 1, 1) if year else None


