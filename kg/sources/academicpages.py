"""academicpages importer: a Jekyll site kept with the academicpages template, read as it is, as one set of sources.

A folder is an academicpages site when it holds `_config.yml` and at least one of the template's collections
(`_publications/`, `_talks/`, `_teaching/`, `_portfolio/`). Its files are offered to no other importer. What is read:

- `_config.yml`: the `author:` block the sidebar shows: `name` (else the site's `name`), `bio` (the owner's
  headline), `location`, `employer` (a position there), `uri`, `orcid` (an identifier), and the profile keys
  (`googlescholar`, `github`, `linkedin`, `researchgate`, `twitter`, ...) as profile URLs; the site's `url` +
  `baseurl` as the owner's URL. E-mail addresses are not read. The template's placeholders ("Your Name",
  "Short biography for the left-hand sidebar", "Red Brick Road, Inc.") are left out with a warning.
- the home page (the `_pages/` page with `permalink: /`, else `_pages/about.md`), through the homepage importer.
- `_publications/*.md`: a paper per file from its front matter: `title`, `date`, `venue`, `paperurl`, `doi`,
  `excerpt` (the abstract), `category` (the newer template's books / manuscripts / conferences). The authors, in
  order, come from an `authors` (or `author`) field when there is one, else from the `citation` string (the part
  before the title, the quoted title or the "(2020)" year: "A, B, and C", "Last, F., Last, G., & Last, H.",
  "Last F., Last G."); a name that is the owner's name abbreviated ("P. Shuai", "Shuai, P.") is written as the
  owner's name, as the site bolds it.
- `_talks/*.md` (and a `_publications/` file whose front matter says `collection: talks`): each talk is an event
  (its title, date, venue), the owner its speaker (a membership role named by the talk's `type`, "Talk" by
  default, at its `location`).
- `_teaching/*.md`: each course is a position at its `venue` named by the course title and its `type`.
- `_pages/cv.md`, where it carries structured facts: the bullets under an "Education" heading ("Degree,
  Institution, Year") and under a heading with "experience", "employment" or "positions" ("Role, Organization,
  2017-present", or the template's own "Summer 2015: Role" with the organization in the first nested bullet),
  with nested "Advisor: NAME" / "Supervisor: NAME, title" bullets. A CV that includes a PDF or lists prose gives
  nothing.
- the template's own demo content left in a fork ("Paper Title Number 1", "Talk 1 on Relevant Topic in Your
  Field", "Teaching experience 1", "GitHub University" in the CV) is recognised by the template's titles and
  names and left out with a warning each.
A bad entry (a publication with broken front matter or no title, a date that is not a date) is skipped or
repaired with a warning `file:line: what was done`; only an unreadable `_config.yml` stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import SourceError
from kg.records import Author, Entity, Origin, Owner, Paper, PartialDate, Record, Role, SourceDocument, Warning_
from kg.sources import bio
from kg.sources.readers import MONTHS, fold, front_matter, parse_config, partial_date, plain
from kg.sources.text import read_text

NAME = "academicpages"
AUTHORITY = 1  # owner-curated structured data (an academicpages site's config and front matter)
YAML_TYPE = "application/yaml"
MARKDOWN_TYPE = "text/markdown"
COLLECTIONS = ("_publications", "_talks", "_teaching", "_portfolio")

PROFILE_URLS: dict[str, str] = {  # author key -> profile URL template, for a value that is not a URL already
    "googlescholar": "https://scholar.google.com/citations?user={}",
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://twitter.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "researchgate": "https://www.researchgate.net/profile/{}",
    "stackoverflow": "https://stackoverflow.com/users/{}",
    "kaggle": "https://www.kaggle.com/{}",
    "youtube": "https://www.youtube.com/@{}",
    "instagram": "https://www.instagram.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "dblp": "{}", "semantic": "{}", "pubmed": "{}", "scopus": "{}", "arxiv": "{}", "inspire-hep": "{}",
    "impactstory": "{}", "academia": "{}", "mastodon": "{}", "wikipedia": "https://en.wikipedia.org/wiki/User:{}",
}
# The template's own placeholders and demo content, as its files have them (matched folded and whole).
DEMO_OWNER_VALUES = {"your name", "your sidebar name", "short biography for the left hand sidebar",
                     "red brick road inc", "earth", "none@example org"}
DEMO_TITLES = re.compile(
    r"^(?:paper title number \d+|talk \d+ on relevant topic in your field|tutorial \d+ on relevant topic in your field|"
    r"conference proceeding talk \d+ on relevant topic in your field|teaching experience \d+|portfolio item number \d+|"
    r"future blog post|blog post number \d+)$")
DEMO_CV_WORDS = re.compile(
    r"\b(?:github university|version control theory|professor git|academic pages collaborator)\b", re.IGNORECASE)
ENTRY_TYPES = {"manuscripts": "article", "conferences": "inproceedings", "books": "book", "preprints": "misc",
               "theses": "phdthesis"}
VENUE_KEYS = ("venue", "journal", "conference", "booktitle", "publication")
ARXIV_KEYS = ("arxiv", "arxiv_link", "arxivurl", "arxiv_url", "paperurl")
CODE_KEYS = ("code", "code_link", "codeurl", "code_url")
PDF_KEYS = ("pdf", "pdf_link", "pdfurl", "pdf_url")
HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms"}

_TAG = re.compile(r"<[^>]+>")
_INITIALS = re.compile(r"^(?:(?:[A-Za-z][a-z]?\.|[A-Z](?=[\s.-]|$))[\s-]*)+$")
_SURNAME_INITIALS = re.compile(r"^(?P<last>[^\s.][^.]*?)\s+(?P<init>(?:[A-Z]\.[\s-]*)+)$")
_YEAR_IN_PARENS = re.compile(r"\(\s*(?:1[89]|20)\d{2}[a-z]?\s*\)")
_ET_AL = re.compile(r",?\s*\bet\s+al\b\.?", re.IGNORECASE)
_AND = re.compile(r"\s*(?:,\s*and\s+|\band\s+|&\s*|\bet\s+)(?=\S)", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([\w.\-/]+?\d)(?:v\d+)?(?:\.pdf)?/?$", re.IGNORECASE)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/\s*(?P<doi>10\.\S+)$", re.IGNORECASE)
_YEAR_RANGE = re.compile(
    r"^(?:(?P<m1>[A-Za-z]{3,9})\.?\s+)?(?P<y1>(?:19|20)\d{2})"
    r"(?:\s*(?:-|–|—|to)\s*(?:(?:(?P<m2>[A-Za-z]{3,9})\.?\s+)?(?P<y2>(?:19|20)\d{2})"
    r"|(?P<open>present|now|current|today)))?"
    r"(?:\s*\(expected\))?$", re.IGNORECASE)
_WHEN_ROLE = re.compile(r"^(?:(?:spring|summer|fall|autumn|winter)\s+|(?P<month>[A-Za-z]{3,9})\.?\s+)?"
                        r"(?P<year>(?:19|20)\d{2})\s*:\s*(?P<role>\S.+)$", re.IGNORECASE)
_ADVISOR = re.compile(r"^(?:co-?)?(?:advisors?|supervisors?)\s*:\s*(?P<names>.+)$", re.IGNORECASE)
_UNDERLINE = re.compile(r"^(?:=+|-+)\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)[*+-]\s+(?P<text>.+?)\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def matches_folder(folder: Path) -> bool:
    """An academicpages (Jekyll) site: `_config.yml` and one of the template's collections."""
    folder = Path(folder)
    return (folder / "_config.yml").is_file() and any((folder / c).is_dir() for c in COLLECTIONS)


def read_folder(folder: Path, rel: str = "") -> list[Record]:
    """Every record of the site; `rel` is the folder's path relative to the content folder ("" for itself)."""
    return _Site(Path(folder), rel.strip("/") + "/" if rel.strip("/") else "").read()


# ---------------------------------------------------------------- helpers shared with the Hugo Blox importer


def _given_and_surname(name: str) -> tuple[list[str], str]:
    words = [w for w in re.split(r"[\s.]+", fold(name.replace("-", " "))) if w]
    words = [w for w in words if w not in HONORIFICS] or words
    return words[:-1], words[-1] if words else ""


def is_owner_form(name: str, owner: str) -> bool:
    """Whether name is the owner's name as a citation abbreviates it: the same surname, and each given name or
    initial in order matching one of the owner's ("P. Shuai", "Antônio H. Ribeiro" for "Antônio Horta Ribeiro")."""
    given, surname = _given_and_surname(name)
    owner_given, owner_surname = _given_and_surname(owner)
    if not given or not surname or surname != owner_surname:
        return False
    at = 0
    for word in given:
        while at < len(owner_given) and not (owner_given[at] == word or
                                             (len(word) == 1 and owner_given[at].startswith(word))):
            at += 1
        if at == len(owner_given):
            return False
        at += 1
    return True


def owner_name(name: str) -> str:
    """The owner's name without a leading honorific ("Dr. Robert Ladwig" -> "Robert Ladwig")."""
    words = name.split()
    while len(words) > 2 and words[0].rstrip(".").lower() in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def split_authors(text: str) -> tuple[list[str], bool]:
    """(names in order, truncated) from an author list as people write it: "A and B", "A, B, and C",
    "Last, F., Last, G. & Last, H.", "Last F., Last G.", with "et al." marking a truncated list."""
    text = plain(text.replace("**", "").replace("*", "")) or ""
    truncated = bool(_ET_AL.search(text))
    text = _ET_AL.sub("", text)
    text = _AND.sub(", ", text)
    tokens = [t.strip(" ;:") for t in text.split(",")]
    tokens = [t if _INITIALS.match(t) or _SURNAME_INITIALS.match(t) else t.rstrip(" .") for t in tokens if t]
    names: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        surname = not _INITIALS.match(token) and not _SURNAME_INITIALS.match(token)
        if surname and following and _INITIALS.match(following):
            names.append(f"{_spaced(following)} {token}")  # "Shuai, P." -> "P. Shuai"
            i += 2
            continue
        m = _SURNAME_INITIALS.match(token)
        if m and not _INITIALS.match(token):
            names.append(f"{_spaced(m['init'])} {m['last']}")  # "Ladwig R." -> "R. Ladwig"
        else:
            names.append(token)
        i += 1
    return names, truncated


def _spaced(initials: str) -> str:
    """Initials written the same way: "R.I." -> "R. I.", "P. S. K." stays."""
    return " ".join(re.findall(r"[A-Za-z][a-z]?\.|[A-Z]", initials.replace("-", " ")))


def authors_in_citation(citation: str, title: str) -> tuple[list[str], bool] | None:
    """The author list a citation string starts with, cut before the title, a quote or a "(2020)" year; None when
    none of these is found or the part before reads as no list of names."""
    text = plain(citation) or ""
    cuts = [m.start() for m in (_YEAR_IN_PARENS.search(text), re.search(r"[\"“”]", text)) if m]
    at = _find_folded(text, title)
    if at is not None:
        cuts.append(at)
    if not cuts:
        return None
    head = text[: min(cuts)].strip().rstrip(",:;( ").strip()
    if not head:
        return None
    names, truncated = split_authors(head)
    if not names or any(len(n.split()) > 6 or not re.search(r"[^\W\d_]", n) for n in names):
        return None
    return names, truncated


def _find_folded(text: str, title: str) -> int | None:
    """Where the title's first words start in text, comparing letters and digits only, ignoring case and accents."""
    keep = [(i, c) for i, c in enumerate(text) for c in fold(c).replace(" ", "")]
    haystack = "".join(c for _, c in keep)
    needle = fold(title).replace(" ", "")[:30]
    if len(needle) < 8:
        return None
    at = haystack.find(needle)
    return keep[at][0] if at >= 0 else None


def is_demo_title(title: str) -> bool:
    """Whether a title is one of the template's demo entries."""
    return bool(DEMO_TITLES.match(fold(title)))


# ---------------------------------------------------------------- the site


class _Site:
    """One site being read: what `_config.yml` says (owner's name, site address) is used by the files after it."""

    def __init__(self, folder: Path, prefix: str):
        self.folder, self.prefix = folder, prefix
        self.owner = ""
        self.site_url: str | None = None
        self.records: list[Record] = []

    def rel(self, path: Path) -> str:
        return self.prefix + path.relative_to(self.folder).as_posix()

    def warn(self, message: str, rel: str, line: int | None = None) -> None:
        self.records.append(Warning_(message, Origin(rel, line)))

    def read(self) -> list[Record]:
        self.read_config()
        pages = sorted((self.folder / "_pages").glob("*.md")) if (self.folder / "_pages").is_dir() else []
        self.read_home(pages)
        for path in self.collection("_publications"):
            self.read_publication(path)
        self.drop_shared_dois()
        for path in self.collection("_talks"):
            self.read_talk(path)
        for path in self.collection("_teaching"):
            self.read_teaching(path)
        cv = self.folder / "_pages" / "cv.md"
        if cv.is_file():
            self.read_cv(cv)
        return self.records

    def collection(self, name: str) -> list[Path]:
        folder = self.folder / name
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".md", ".markdown")
                      and not p.name.startswith((".", "_")))

    def front_matter(self, path: Path) -> tuple[dict, str, dict[str, int]] | None:
        """A collection file's front matter, body and key lines; None (with a warning) when it cannot be read."""
        rel = self.rel(path)
        try:
            return front_matter(read_text(path, rel), rel)
        except SourceError as exc:
            self.warn(f"{exc.problem}: left out", rel, exc.line)
            return None

    # -- owner ----------------------------------------------------------------------------------------------

    def read_config(self) -> None:
        """The owner from `_config.yml`'s author block and the site's address."""
        path = self.folder / "_config.yml"
        rel = self.rel(path)
        text = read_text(path, rel)
        config = parse_config(text, path.suffix, rel)
        if not isinstance(config, dict):
            raise SourceError(rel, 1, "expected a mapping of settings")
        lines = _key_lines(text)
        author = config.get("author") if isinstance(config.get("author"), dict) else {}
        values: dict[str, str] = {}
        for key, raw in author.items():
            value = plain(raw)
            if not value:
                continue
            if fold(value) in DEMO_OWNER_VALUES:
                self.warn(f"author {key} {value!r} is the template's placeholder: left out", rel,
                          lines.get(f"author.{key}"))
                continue
            values[str(key)] = value
        name = values.get("name") or (plain(config.get("name")) if fold(plain(config.get("name")) or "")
                                      not in DEMO_OWNER_VALUES else None)
        url = plain(config.get("url"))
        if url and re.match(r"^https?://", url):
            self.site_url = (url.rstrip("/") + "/" + (plain(config.get("baseurl")) or "").strip("/")).rstrip("/")
        if not name:
            self.warn("no author name in _config.yml: the owner must be named elsewhere", rel, lines.get("author"))
        self.owner = owner_name(name or "")
        owner = Owner(name=name or "", origin=Origin(rel, lines.get("author.name") if values.get("name") else
                                                      lines.get("name") or lines.get("author") or 1),
                      label=values.get("bio"), location=values.get("location"), pronouns=values.get("pronouns"),
                      url=self.site_url + "/" if self.site_url else None)
        for key, value in values.items():
            if key == "orcid":
                owner.identifiers["orcid"] = value.rstrip("/").rsplit("/", 1)[-1]
            elif key == "uri" and re.match(r"^https?://", value):
                owner.same_as.append(value)
            elif key in PROFILE_URLS:
                link = value if re.match(r"^https?://", value) else PROFILE_URLS[key].format(value.strip("/@"))
                if re.match(r"^https?://\S+$", link):
                    owner.same_as.append(link)
                else:
                    self.warn(f"author {key} {value!r} is not a profile URL or name: left out", rel,
                              lines.get(f"author.{key}"))
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type=YAML_TYPE))
        self.records.append(owner)
        if values.get("employer") and name:
            self.records.append(Entity(kind="organization", name=values["employer"],
                                       origin=Origin(rel, lines.get("author.employer"))))
            self.records.append(Role(category="work", organization=values["employer"], role_name=values.get("bio")
                                     if values.get("bio") and len(values["bio"]) < 80 else "employee",
                                     origin=Origin(rel, lines.get("author.employer")), current=True))

    # -- home -----------------------------------------------------------------------------------------------

    def read_home(self, pages: list[Path]) -> None:
        """The page at `/` (else `_pages/about.md`), through the homepage importer."""
        home = None
        for page in pages:
            try:
                meta = front_matter(read_text(page, self.rel(page)), self.rel(page))[0]
            except SourceError:
                if page.name == "about.md":
                    raise  # the home page when no page claims `/`: it cannot be read
                continue  # a page not read as a home page: its front matter is the theme's business
            if str(meta.get("permalink") or "").strip() == "/":
                home = page
                break
        home = home or next((p for p in pages if p.name == "about.md"), None)
        if home is not None:
            self.records.extend(bio.parse(read_text(home, self.rel(home)), self.rel(home), home.name))

    # -- publications ---------------------------------------------------------------------------------------

    def read_publication(self, path: Path) -> None:
        """A paper from a `_publications/` file's front matter."""
        rel = self.rel(path)
        found = self.front_matter(path)
        if found is None:
            return
        meta, body, lines = found
        kind = str(meta.get("collection") or "").strip().lower()
        if kind in ("talks", "teaching"):  # the owner filed a talk or a course among the publications and said so
            (self.read_talk if kind == "talks" else self.read_teaching)(path)
            return
        title = plain(meta.get("title"))
        if not title:
            self.warn("a publication needs a title in its front matter: left out", rel, 1)
            return
        if is_demo_title(title):
            self.warn(f"the template's demo publication {title!r}: left out", rel, lines.get("title", 1))
            return
        if meta.get("published") is False:
            self.warn(f"published: false, Jekyll does not show {title!r}: left out", rel, lines.get("published"))
            return
        date = self.date(meta, path.name, rel, lines)
        if date is None:
            self.warn(f"publication {title!r} has no date (no date or year field, none in the file name): left out",
                      rel, lines.get("title", 1))
            return
        authors, truncated = self.authors(meta, title, rel, lines)
        url = self.link(meta.get("paperurl"), rel, lines.get("paperurl"))
        doi = plain(meta.get("doi"))
        if not doi and url and _DOI_URL.match(url):
            doi = _DOI_URL.match(url)["doi"]
        doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)\s*", "", doi, flags=re.I) if doi else None
        arxiv = next((m[1] for k in ARXIV_KEYS if (m := _ARXIV_URL.search(str(meta.get(k) or "")))), None)
        category = str(meta.get("category") or "").strip().lower()
        abstract = next((plain(meta[k]) for k in ("abstract", "excerpt") if plain(meta.get(k))
                         and not _is_template_excerpt(meta[k])), None)
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type=MARKDOWN_TYPE, title=title))
        self.records.append(Paper(
            title=title, authors=[Author(n) for n in authors], origin=Origin(rel, lines.get("title", 1)), date=date,
            truncated=truncated, venue=next((plain(meta[k]) for k in VENUE_KEYS if plain(meta.get(k))), None),
            url=url, doi=doi, arxiv=arxiv, abstract=abstract, entry_type=ENTRY_TYPES.get(category, "article"),
            code_url=next((u for k in CODE_KEYS if (u := self.link(meta.get(k), rel, lines.get(k)))), None),
            pdf=next((u for k in PDF_KEYS if (u := self.link(meta.get(k), rel, lines.get(k)))), None),
        ))

    def date(self, meta: dict, filename: str, rel: str, lines: dict[str, int]) -> PartialDate | None:
        """The date: `date`, else a `year` (or `*_year`) field, else a year (and month) the file name starts with."""
        if meta.get("date") not in (None, ""):
            date = partial_date(meta["date"])
            if date is not None:
                return date
            self.warn(f"date {meta['date']!r} is not a date: looking for a year elsewhere", rel, lines.get("date"))
        for key in sorted(k for k in meta if str(k) == "year" or str(k).endswith("_year")):
            m = re.match(r"^\s*((?:19|20)\d{2})\b", str(meta[key]))
            if m:
                return PartialDate(int(m[1]))
        m = re.match(r"^((?:19|20)\d{2})-?(0[1-9]|1[0-2])?", filename)
        return PartialDate(int(m[1]), int(m[2]) if m[2] else None) if m else None

    def drop_shared_dois(self) -> None:
        """A DOI the site gives to papers of different titles is a copy-paste slip: left out of each, with a warning."""
        papers = [r for r in self.records if isinstance(r, Paper) and r.doi]
        titles: dict[str, set[str]] = {}
        for p in papers:
            titles.setdefault(p.doi.lower(), set()).add(fold(p.title))
        for p in papers:
            if len(titles[p.doi.lower()]) > 1:
                self.warn(f"DOI {p.doi} is given to {len(titles[p.doi.lower()])} publications of different titles: "
                          f"left out of {p.title[:50]!r}", p.origin.path, p.origin.line)
                p.doi = None

    def authors(self, meta: dict, title: str, rel: str, lines: dict[str, int]) -> tuple[list[str], bool]:
        """The paper's authors in order: the `authors` field, else the citation; owner forms as the owner's name."""
        field = next((k for k in ("authors", "author") if meta.get(k)), None)
        names: list[str] = []
        truncated = False
        if field is not None:
            raw = meta[field]
            if isinstance(raw, list):
                names = [n for n in (plain(x) for x in raw) if n]
            else:
                names, truncated = split_authors(str(raw))
        cited = authors_in_citation(str(meta.get("citation") or ""), title) if meta.get("citation") else None
        if cited and (not names or len(cited[0]) == len(names)):
            names, truncated = cited[0], cited[1] or truncated  # the citation spells names in full more often
        if not names:
            self.warn(f"no authors found for {title!r} (no authors field, and the citation names none before the "
                      f"title or year): kept without authors", rel, lines.get("citation") or lines.get("title"))
        if self.owner:
            names = [self.owner if is_owner_form(n, self.owner) else n for n in names]
        return names, truncated

    def link(self, value: object, rel: str, line: int | None) -> str | None:
        """An absolute URL from a front matter link; a site path joined to the site's address; else a warning."""
        url = plain(value)
        if not url:
            return None
        url = url.replace(" ", "%20")
        if re.match(r"^https?://\S+$", url):
            return url
        if url.startswith("/") and self.site_url:
            return self.site_url + url
        self.warn(f"link {url!r} is neither a URL nor a path on the site: left out", rel, line)
        return None

    # -- talks and teaching ---------------------------------------------------------------------------------

    def read_talk(self, path: Path) -> None:
        """A talk: an event the owner spoke at."""
        rel = self.rel(path)
        found = self.front_matter(path)
        if found is None:
            return
        meta, body, lines = found
        title = plain(meta.get("title"))
        if not title or is_demo_title(title):
            self.warn(f"the template's demo talk {title!r}: left out" if title else "a talk needs a title: left out",
                      rel, lines.get("title", 1))
            return
        date = partial_date(meta.get("date"))
        venue, location = plain(meta.get("venue")), plain(meta.get("location"))
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type=MARKDOWN_TYPE, title=title))
        self.records.append(Entity(kind="event", name=title, origin=Origin(rel, lines.get("title", 1)), date=date,
                                   url=self.link(meta.get("talkurl"), rel, lines.get("talkurl")),
                                   description=", ".join(filter(None, [venue, location])) or None))
        self.records.append(Role(category="membership", organization=title, role_name=plain(meta.get("type")) or
                                 "Talk", origin=Origin(rel, lines.get("title", 1)), start=date, end=date,
                                 location=location))

    def read_teaching(self, path: Path) -> None:
        """A course taught: a position at the venue, named by the course."""
        rel = self.rel(path)
        found = self.front_matter(path)
        if found is None:
            return
        meta, body, lines = found
        title, venue = plain(meta.get("title")), plain(meta.get("venue"))
        if not title or is_demo_title(title):
            self.warn(f"the template's demo course {title!r}: left out" if title else "a course needs a title: "
                      "left out", rel, lines.get("title", 1))
            return
        if not venue:
            self.warn(f"course {title!r} names no venue (where it was taught): left out", rel, lines.get("title", 1))
            return
        date = partial_date(meta.get("date"))
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type=MARKDOWN_TYPE, title=title))
        self.records.append(Entity(kind="organization", name=venue, origin=Origin(rel, lines.get("venue"))))
        kind = plain(meta.get("type"))
        self.records.append(Role(category="work", organization=venue, role_name=f"Teaching: {title}",
                                 origin=Origin(rel, lines.get("title", 1)), start=date,
                                 description=kind, location=plain(meta.get("location"))))

    # -- CV -------------------------------------------------------------------------------------------------

    def read_cv(self, path: Path) -> None:
        """Education and positions from the bullets of `_pages/cv.md`, where it lists them."""
        rel = self.rel(path)
        found = self.front_matter(path)
        if found is None:
            return
        _, body, _ = found
        section, previous = None, ""
        roles: list[Role] = []
        last: Role | None = None  # the item nested bullets belong to
        for number, line in enumerate(body.split("\n"), 1):
            heading = re.match(r"^#{1,6}\s*(.+?)\s*#*\s*$", line)
            if heading or (_UNDERLINE.match(line) and previous.strip()):
                words = (heading.group(1) if heading else previous).lower()
                section = ("education" if "education" in words else
                           "work" if re.search(r"experience|employment|positions?|appointments?|work", words) else
                           None)
            elif section and (bullet := _BULLET.match(line)):
                text = " ".join(_MD_LINK.sub(r"\1", bullet["text"]).replace("**", "").split())
                if bullet["indent"]:
                    advisor = _ADVISOR.match(text)
                    if advisor and last is not None:
                        last.supervisors.extend(n.split(",")[0].strip() for n in re.split(r";|\band\b",
                                                                                         advisor["names"])
                                                if n.strip())
                    elif last is not None and not last.organization and ":" not in text:
                        last.organization = text  # the template's form: "Summer 2015: Role", then the place
                    continue
                last = None
                if DEMO_CV_WORDS.search(text):
                    self.warn(f"the template's demo CV item {text[:50]!r}: left out", rel, number)
                    continue
                last = self.cv_item(section, text, rel, number)
                if last is not None:
                    roles.append(last)
            previous = line
        for role in [r for r in roles if not r.organization]:
            self.warn(f"CV item {role.role_name!r} names no organization: left out", rel, role.origin.line)
        roles = [r for r in roles if r.organization]
        if roles:
            self.records.append(SourceDocument(path=rel, importer=NAME, media_type=MARKDOWN_TYPE, title="CV"))
            for role in roles:
                self.records.append(Entity(kind="organization", name=role.organization, origin=role.origin))
                self.records.append(role)

    def cv_item(self, section: str, text: str, rel: str, line: int) -> Role | None:
        """One CV bullet, "Role, Organization[, Place], Years": a Role; None (with a warning) when not that form."""
        when = _WHEN_ROLE.match(text)
        if when:  # the template's own form: "Summer 2015: Research Assistant", the organization nested below
            year = int(when["year"])
            return Role(category=section, role_name=when["role"], organization="", origin=Origin(rel, line),
                        start=PartialDate(year, MONTHS.get((when["month"] or "")[:3].lower())))
        parts = [p.strip() for p in text.split(",") if p.strip()]
        dates = _YEAR_RANGE.match(parts[-1]) if len(parts) >= 3 else None
        if dates is None:
            self.warn(f"CV item {text[:60]!r} is not 'Role, Organization, Years': left out", rel, line)
            return None
        start = PartialDate(int(dates["y1"]), MONTHS.get((dates["m1"] or "")[:3].lower()))
        end = (PartialDate(int(dates["y2"]), MONTHS.get((dates["m2"] or "")[:3].lower())) if dates["y2"] else None)
        if section == "education" and not dates["y2"] and not dates["open"]:
            start, end = None, start  # "Ph.D in Geology, Texas A&M University, 2017": the year it was completed
        return Role(category=section, role_name=parts[0], organization=parts[1], origin=Origin(rel, line),
                    start=start, end=end, current=True if dates["open"] else None,
                    location=", ".join(parts[2:-1]) or None)


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key of YAML text, and of each key nested one level as `parent.key`."""
    lines: dict[str, int] = {}
    parent = ""
    for number, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^(\s*)([A-Za-z_][\w-]*)\s*:", line)
        if m and not m.group(1):
            parent = m.group(2)
            lines.setdefault(parent, number)
        elif m:
            lines.setdefault(f"{parent}.{m.group(2)}", number)
    return lines


def _is_template_excerpt(value: object) -> bool:
    """The template's excerpt placeholders ("This paper is about the number 1...")."""
    return bool(re.match(r"^this paper is about\b", fold(str(value or ""))))
