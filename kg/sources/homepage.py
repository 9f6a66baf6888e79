"""Homepage importer: a Markdown page, with optional Jekyll front matter, read as English bio prose (kg.sources.bio).

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
"""

from __future__ import annotations

from pathlib import Path

from kg.records import Record
from kg.sources.bio import NAME, parse, version_date
from kg.sources.readers import split_front_matter
from kg.sources.text import read_text

__all__ = ["NAME", "SUFFIXES", "matches", "parse", "read", "split_front_matter", "version_date"]

AUTHORITY = 2  # bio prose typed by patterns: below structured data, above bibliographies

SUFFIXES = (".md", ".markdown")


def matches(path: Path) -> bool:
    """Markdown files."""
    return path.suffix.lower() in SUFFIXES


def read(path: Path, rel: str) -> list[Record]:
    """Every record the page states: the document, the owner's facts, sections, mentions, entities and roles."""
    return parse(read_text(path, rel), rel, path.name)
