"""Hugo Blox importer: a Hugo site kept with Hugo Blox (formerly Wowchemy, Hugo Academic), read as it is.

A folder is a Hugo Blox site when it holds `content/authors/` or `content/publication/` and a Hugo configuration
(`config/_default/`, or `config.toml` / `config.yaml` / `hugo.toml` / `hugo.yaml` at its top). Its files are offered
to no other importer. Front matter may be YAML (`---`) or TOML (`+++`). What is read:

- the configuration (`config/_default/config.*` or `hugo.*`, else the top-level file): `title` (the site's name,
  the owner's name when their profile gives none) and `baseURL` (the owner's URL).
- the owner: the author profile `content/authors/<username>/_index.md` that the home page's About widget names
  (`widget: about` with `author:`, or a block with `content: {username: ...}`), else the profile with
  `superuser: true`, else `admin`. From it: the name (`title`, or `name` in older versions), `role` with the
  first of `organizations` (a current position), the other organizations, `bio`, `interests`, `education.courses`
  (`course`, `institution`, `year`: "2020", "2018-2022", "2018-"), or Hugo Blox 5's `education` and `work` lists
  (`area`, `institution`, `position`, `company_name`, `date_start`, `date_end`), `social` (or `profiles`) links
  (profile URLs; e-mail and site-relative links are not read), and the page's prose through the homepage
  importer. The owner's profile must be readable: if its front matter is not, the build stops at its line.
- `content/publication/<folder>/index.md` (or `content/publication/<name>.md`): `title`, `authors` in order (a
  profile's username, such as `admin`, is written as that profile's name), `date`, `publication_types` (the old
  numeric legend or the newer CSL names), `publication` (the venue), `doi`, `url_pdf`, `url_code`, `url_source`,
  `abstract`; the `cite.bib` beside it fills in what the front matter leaves empty (authors, date, venue, DOI).
  A draft (`draft: true`) is left out, as Hugo does not publish it. A publication with no date keeps the page's
  `publishDate`, with a warning.
- the template's demo content left in a site ("An example journal article", "An example conference paper",
  "An example preprint / working paper", a "Lorem ipsum" abstract) is left out with a warning each.
Everything else (posts, talks, projects, slides, widgets' layout) is not read.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kg.errors import SourceError
from kg.records import Author, Entity, Origin, Owner, Paper, PartialDate, Record, Role, SourceDocument, Warning_
from kg.sources import bibtexfile, bio
from kg.sources.readers import fold, front_matter, load_config, partial_date, plain
from kg.sources.text import read_text

NAME = "hugoblox"
AUTHORITY = 1  # owner-curated structured data (a Hugo Blox site's config and front matter)
CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml")
# publication_types: the numeric legend of Academic / Wowchemy, and the CSL names of Hugo Blox -> BibTeX types
PUBLICATION_TYPES = {
    "0": "misc", "1": "inproceedings", "2": "article", "3": "misc", "4": "techreport", "5": "book",
    "6": "incollection", "7": "phdthesis", "8": "misc",
    "paper-conference": "inproceedings", "article-journal": "article", "article": "article", "preprint": "misc",
    "report": "techreport", "book": "book", "chapter": "incollection", "thesis": "phdthesis", "patent": "misc",
    "manuscript": "misc",
}
DEMO_TITLES = {"an example conference paper", "an example journal article", "an example preprint working paper",
               "an example of using the in built project page", "example journal article"}
DEMO_VENUES = re.compile(
    r"\b(?:source themes|wowchemy|hugo blox(?: builder)?) (?:conference|journal)\b|\bjournal of source themes\b", re.IGNORECASE)
DEMO_NAMES = {"nelson bighetti", "dr nelson bighetti", "your name"}
SOCIAL_SKIP = re.compile(r"^(?:mailto:|tel:|#|/|\.|files/|uploads/|media/)", re.IGNORECASE)
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5}|[a-z\-]+/\d{7})", re.IGNORECASE)
_YEARS = re.compile(r"^(?P<y1>(?:19|20)\d{2})(?:\s*(?:-|–|to)\s*(?P<y2>(?:19|20)\d{2})?)?")


def matches_folder(folder: Path) -> bool:
    """A Hugo Blox site: `content/authors/` or `content/publication/`, and a Hugo configuration."""
    folder = Path(folder)
    content = folder / "content"
    has_config = (folder / "config" / "_default").is_dir() or any((folder / n).is_file() for n in CONFIG_NAMES)
    return has_config and ((content / "authors").is_dir() or (content / "publication").is_dir())


def read_folder(folder: Path, rel: str = "") -> list[Record]:
    """Every record of the site; `rel` is the folder's path relative to the content folder ("" for itself)."""
    return _Site(Path(folder), rel.strip("/") + "/" if rel.strip("/") else "").read()


def split_front_matter(text: str, rel: str) -> tuple[dict, str, dict[str, int]]:
    """Front matter (YAML between `---` or TOML between `+++`), the body with it blanked, and each key's line."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or not re.match(r"^\+{3}\s*$", lines[0]):
        return front_matter(text, rel)
    close = next((i for i in range(1, len(lines)) if re.match(r"^\+{3}\s*$", lines[i])), None)
    if close is None:
        raise SourceError(rel, 1, "front matter opened with +++ is never closed")
    try:
        meta = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise SourceError(rel, 1 + int(at[1]) if at else 1, f"bad TOML front matter: {exc}") from None
    key_lines = {}
    for number in range(1, close):
        key = re.match(r"^\s*([\w-]+)\s*=", lines[number])
        if key:
            key_lines.setdefault(key.group(1), number + 1)
    return meta, "\n" * (close + 1) + "\n".join(lines[close + 1:]), key_lines


def _items(value: object) -> list:
    """A front matter list as a list: a lone value is a list of one, a missing or empty one an empty list."""
    if isinstance(value, list):
        return value
    return [] if value in (None, "", {}) else [value]


class _Site:
    """One site being read: the configuration and the author profiles are used by the publications after them."""

    def __init__(self, folder: Path, prefix: str):
        self.folder, self.prefix = folder, prefix
        self.content = folder / "content"
        self.title: str | None = None
        self.base_url: str | None = None
        self.names: dict[str, str] = {}  # author username (profile folder) -> display name
        self.config_rel: str | None = None  # the configuration file the title came from
        self.unreadable: dict[str, SourceError] = {}  # username -> why its profile cannot be read
        self.records: list[Record] = []

    def rel(self, path: Path) -> str:
        return self.prefix + path.relative_to(self.folder).as_posix()

    def warn(self, message: str, rel: str, line: int | None = None) -> None:
        self.records.append(Warning_(message, Origin(rel, line)))

    def page(self, path: Path) -> tuple[dict, str, dict[str, int]] | None:
        """A content page's front matter, body and key lines; None (with a warning) when it cannot be read."""
        rel = self.rel(path)
        try:
            return split_front_matter(read_text(path, rel), rel)
        except SourceError as exc:
            self.warn(f"{exc.problem}: left out", rel, exc.line)
            return None

    def read(self) -> list[Record]:
        self.read_config()
        profiles = self.read_profiles()
        owner = self.owner_username(profiles)
        if owner is not None:
            self.read_owner(owner, *profiles[owner])
        elif self.title and self.config_rel:
            self.warn("no author profile (content/authors/<name>/_index.md): the owner is the site's title",
                      self.config_rel)
            self.records.append(SourceDocument(path=self.config_rel, importer=NAME, media_type="application/toml"
                                               if self.config_rel.endswith(".toml") else "application/yaml"))
            self.records.append(Owner(name=self.title, origin=Origin(self.config_rel), url=self.base_url))
        for path in self.publications():
            self.read_publication(path)
        return self.records

    # -- configuration and authors --------------------------------------------------------------------------

    def read_config(self) -> None:
        """The site's title and address from its Hugo configuration."""
        candidates = [self.folder / "config" / "_default" / n for n in CONFIG_NAMES] + \
                     [self.folder / n for n in CONFIG_NAMES]
        for path in candidates:
            if not path.is_file():
                continue
            rel = self.rel(path)
            config = load_config(read_text(path, rel), path.suffix, rel)
            title = plain(config.get("title"))
            base = next((plain(config[k]) for k in ("baseURL", "baseurl", "baseUrl") if plain(config.get(k))), None)
            self.title = self.title or (re.sub(r"\s*\([^)]*\)\s*$", "", title) if title else None)
            if base and re.match(r"^https?://", base) and not self.base_url:
                self.base_url = base.rstrip("/") + "/"
            self.config_rel = self.config_rel or rel

    def read_profiles(self) -> dict[str, tuple[Path, dict, str, dict[str, int]]]:
        """Every author profile by username, with its front matter; the display names are noted for the papers."""
        profiles = {}
        for path in sorted((self.content / "authors").glob("*/_index.md")):
            try:
                found = split_front_matter(read_text(path, self.rel(path)), self.rel(path))
            except SourceError as exc:
                self.unreadable[path.parent.name] = exc  # fatal only if it is the owner's
                self.warn(f"{exc.problem}: left out", exc.path, exc.line)
                continue
            meta = found[0]
            name = plain(meta.get("title")) or plain(meta.get("name"))
            username = path.parent.name
            profiles[username] = (path, *found)
            if name:
                self.names[username] = name
        return profiles

    def owner_username(self, profiles: dict) -> str | None:
        """The profile the home page's About widget shows, else the superuser's, else `admin`."""
        for path in sorted((self.content / "home").glob("*.md")) + [self.content / "_index.md"]:
            if not path.is_file():
                continue
            found = self.page(path)
            if found is None:
                continue
            meta = found[0]
            named = [meta.get("author")] if meta.get("widget") == "about" else []
            for block in _items(meta.get("sections")):
                if isinstance(block, dict) and isinstance(block.get("content"), dict):
                    named.append(block["content"].get("username"))
            for username in named:
                if isinstance(username, str) and username.strip() in self.unreadable:
                    raise self.unreadable[username.strip()]  # the owner's profile: nothing to build without it
                if isinstance(username, str) and username.strip() in profiles:
                    return username.strip()
        superuser = [u for u, (_, meta, _, _) in profiles.items() if meta.get("superuser") is True]
        if superuser:
            return superuser[0]
        return "admin" if "admin" in profiles else (next(iter(profiles)) if len(profiles) == 1 else None)

    def read_owner(self, username: str, path: Path, meta: dict, body: str, lines: dict[str, int]) -> None:
        """The owner's facts from their author profile."""
        rel = self.rel(path)
        name = self.names.get(username)
        if name and fold(name) in DEMO_NAMES:
            self.warn(f"profile name {name!r} is the template's demo name: the site's title is used", rel,
                      lines.get("title") or lines.get("name"))
            name = None
        if not name and self.title:
            name = self.title
            self.warn(f"the owner's profile gives no name: the site's title {name!r} is used", rel, 1)
        if not name:
            raise SourceError(rel, 1, "the owner's profile gives no name (title) and the site has no title")
        self.names[username] = name
        owner = Owner(name=name, origin=Origin(rel, lines.get("title") or lines.get("name") or 1),
                      label=plain(meta.get("role")), summary=plain(meta.get("bio")), url=self.base_url)
        owner.interests = [i for i in (plain(x) for x in _items(meta.get("interests"))) if i]
        for item in _items(meta.get("social")) + _items(meta.get("profiles")):  # `profiles` in Hugo Blox 5
            link = plain(item.get("link") or item.get("url")) if isinstance(item, dict) else None
            if link and not SOCIAL_SKIP.match(link) and re.match(r"^https?://\S+$", link):
                owner.same_as.append(link)
                orcid = re.search(r"orcid\.org/(?:.*[?&=])?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", link)
                if orcid:
                    owner.identifiers["orcid"] = orcid[1]
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type="text/markdown", title=name))
        self.records.append(owner)
        organizations = [o for o in _items(meta.get("organizations")) if isinstance(o, dict) and plain(o.get("name"))]
        for index, org in enumerate(organizations):
            org_name = plain(org["name"])
            url = plain(org.get("url"))
            self.records.append(Entity(kind="organization", name=org_name, origin=Origin(rel, lines.get(
                "organizations")), url=url if url and re.match(r"^https?://\S+$", url) else None))
            if index == 0 and owner.label:
                self.records.append(Role(category="work", organization=org_name, role_name=owner.label,
                                         origin=Origin(rel, lines.get("role") or lines.get("organizations")),
                                         current=True))
        education = meta.get("education")
        if isinstance(education, list):  # Hugo Blox 5: a list of {area, institution, date_start, date_end}
            for item in education:
                self.dated_role("education", item, ("area", "degree"), "institution", rel, lines.get("education"))
        for item in _items(meta.get("work")):  # Hugo Blox 5: {position, company_name, date_start, date_end}
            self.dated_role("work", item, ("position",), "company_name", rel, lines.get("work"))
        courses = education.get("courses") if isinstance(education, dict) else None
        for course in _items(courses):
            if not isinstance(course, dict) or not plain(course.get("institution")) or not plain(course.get("course")):
                self.warn("an education entry needs a course and an institution: left out", rel,
                          lines.get("education"))
                continue
            years = _YEARS.match(plain(course.get("year")) or "")
            start = end = None
            if years and years["y2"]:
                start, end = PartialDate(int(years["y1"])), PartialDate(int(years["y2"]))
            elif years and "-" in (plain(course.get("year")) or "")[4:]:
                start = PartialDate(int(years["y1"]))  # "2018-": under way
            elif years:
                end = PartialDate(int(years["y1"]))
            self.records.append(Entity(kind="organization", name=plain(course["institution"]),
                                       origin=Origin(rel, lines.get("education"))))
            self.records.append(Role(category="education", organization=plain(course["institution"]),
                                     role_name=plain(course["course"]), origin=Origin(rel, lines.get("education")),
                                     start=start, end=end))
        if body.strip():  # the biography, read as a home page (its document is the profile's, recorded above)
            self.records.extend(r for r in bio.parse(body, rel, path.name) if not isinstance(r, SourceDocument))

    def dated_role(self, category: str, item: object, names: tuple[str, ...], place: str, rel: str,
                   line: int | None) -> None:
        """A Hugo Blox 5 education or work item: a role with ISO start and end dates (an unreadable one left out)."""
        name = next((plain(item.get(k)) for k in names if isinstance(item, dict) and plain(item.get(k))), None)
        organization = plain(item.get(place) or item.get("company")) if isinstance(item, dict) else None
        if not name or not organization:
            self.warn(f"a {category} entry needs {' or '.join(names)} and {place}: left out", rel, line)
            return
        self.records.append(Entity(kind="organization", name=organization, origin=Origin(rel, line)))
        self.records.append(Role(category=category, organization=organization, role_name=name,
                                 origin=Origin(rel, line), start=partial_date(item.get("date_start")),
                                 end=partial_date(item.get("date_end")), description=plain(item.get("summary"))))

    # -- publications ---------------------------------------------------------------------------------------

    def publications(self) -> list[Path]:
        folder = self.content / "publication"
        if not folder.is_dir():
            return []
        bundles = sorted(folder.glob("*/index.md"))
        singles = sorted(p for p in folder.glob("*.md") if not p.name.startswith("_"))
        return sorted(bundles + singles)

    def read_publication(self, path: Path) -> None:
        """A paper from a publication page, enriched by the `cite.bib` beside it."""
        rel = self.rel(path)
        found = self.page(path)
        if found is None:
            return
        meta, body, lines = found
        title = plain(meta.get("title"))
        line = lines.get("title", 1)
        if not title:
            self.warn("a publication needs a title in its front matter: left out", rel, 1)
            return
        abstract = plain(meta.get("abstract"))
        venue = plain(str(meta.get("publication") or "").replace("*", "")) or None
        if fold(title) in DEMO_TITLES or (abstract or "").lower().startswith("lorem ipsum") or \
                DEMO_VENUES.search(venue or ""):
            self.warn(f"the template's demo publication {title!r}: left out", rel, line)
            return
        if meta.get("draft") is True:
            self.warn(f"draft: true, Hugo does not publish {title!r}: left out", rel, lines.get("draft"))
            return
        bib = self.cite_bib(path)
        authors = [self.names.get(str(a).strip(), plain(a) or "") for a in _items(meta.get("authors")) if plain(a)]
        if not authors and bib is not None:
            authors = [a.name for a in bib.authors]
        date = partial_date(meta.get("date")) if meta.get("date") not in (None, "") else None
        if date is None and bib is not None and bib.date is not None:
            date = bib.date
        if date is None:
            date = partial_date(meta.get("publishDate"))
            if date is None:
                self.warn(f"publication {title!r} has no date: left out", rel, line)
                return
            self.warn(f"publication {title!r} has no date: the page's publishDate {date.iso()} is kept instead",
                      rel, lines.get("date", line))
        if venue:
            venue = re.sub(r"^In\s+", "", venue)
        kind = next((str(t).strip().lower() for t in _items(meta.get("publication_types"))), "")
        doi, arxiv = self.doi_or_arxiv(plain(meta.get("doi")), rel, lines.get("doi"))
        doi = doi or (bib.doi if bib is not None else None)
        links = {k: self.link(meta.get(k)) for k in ("url_pdf", "url_code", "url_source", "url_preprint")}
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type="text/markdown", title=title))
        self.records.append(Paper(
            title=title, authors=[Author(a) for a in authors], origin=Origin(rel, line), date=date,
            abstract=abstract, venue=venue or (bib.venue if bib is not None else None),
            entry_type=PUBLICATION_TYPES.get(kind, bib.entry_type if bib is not None else "article"),
            doi=doi,
            pdf=links["url_pdf"], code_url=links["url_code"],
            url=links["url_source"] or (bib.url if bib is not None else None),
            arxiv=arxiv or (bib.arxiv if bib is not None else None),
        ))

    def doi_or_arxiv(self, value: str | None, rel: str, line: int | None) -> tuple[str | None, str | None]:
        """(DOI, arXiv id) from a `doi` field: a DOI with or without its resolver, an arXiv URL put there, else
        neither (with a warning)."""
        if not value:
            return None, None
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)\s*", "", value, flags=re.I)
        if re.match(r"^10\.\d{4,9}/\S+$", doi):
            return doi, None
        arxiv = _ARXIV.search(value)
        if arxiv:
            self.warn(f"doi {value!r} is an arXiv address: read as the arXiv id {arxiv[1]}", rel, line)
            return None, arxiv[1]
        self.warn(f"doi {value!r} is not a DOI: left out", rel, line)
        return None, None

    def cite_bib(self, path: Path) -> Paper | None:
        """The entry of the `cite.bib` beside a publication page; None when absent or unreadable (a warning)."""
        bib = path.parent / "cite.bib"
        if path.name != "index.md" or not bib.is_file():
            return None
        rel = self.rel(bib)
        try:
            papers = [r for r in bibtexfile.parse_bibtex(read_text(bib, rel), rel) if isinstance(r, Paper)]
        except SourceError as exc:
            self.warn(f"{exc.problem}: cite.bib not used", rel, exc.line)
            return None
        return papers[0] if papers else None

    def link(self, value: object) -> str | None:
        """An absolute URL; a site path joined to the site's address; else None."""
        url = plain(value)
        if not url:
            return None
        if re.match(r"^https?://\S+$", url):
            return url
        if self.base_url and not re.match(r"^\w+:", url) and " " not in url:
            return self.base_url + url.lstrip("/")
        return None
