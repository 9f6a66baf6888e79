"""al-folio importer: a Jekyll site kept with the al-folio theme, read as it is, as one set of sources.

A folder is an al-folio site when it holds `_config.yml`, or both `_pages/` and `_bibliography/`. Its files are
read here and offered to no other importer; each file read is still its own source document (its own named
graph), with the importer that knows its format (homepage, bibtex, resume) named in its provenance. What is read:

- `_config.yml` and `_data/socials.yml` (`alfolio`): the owner's name (`first_name`, `middle_name`,
  `last_name`; before 2020 `name`), the owner's name forms (`scholar: last_name / first_name`, what
  jekyll-scholar marks as the owner: matching authors are written as the owner, with the bib spelling as an
  alias), the site's address (`url` + `baseurl`) as the owner's URL, and the social keys: `orcid_id` and
  `wikidata_id` as identifiers; `scholar_userid`, `github_username`, `linkedin_username`, `x_username`,
  `mastodon_username`, `semanticscholar_id`, ... as profile URLs (schema:sameAs). E-mail addresses are not read.
- the home page (the page whose front matter says `permalink: /`, else `_pages/about.md`, else `layout: about`),
  through the homepage importer: the bio's sections, links, entities and present-tense roles.
- the bibliographies the pages show (`scholar.bibliography`, and each `{% bibliography --file F %}`; only the
  `years:` a 2019-2023 publications page lists), through the BibTeX importer (which reads `arxiv`, `pdf`,
  `code`, `html`), plus al-folio's
  own fields: `selected` -> Paper.selected; `abbr` -> the venue when the entry names none (not for a thesis, whose
  abbr is its degree); a `pdf` that is a file name -> `{url}{baseurl}/assets/pdf/{file}` when the site's address is
  known; `google_scholar_id`, `pmid`, `isbn` -> identifiers. `preview`, `bibtex_show`, `altmetric`, `dimensions`
  are display switches and are not read.
- the CV, as al-folio's CV page picks it: the `cv_format` of the page with `layout: cv` (`rendercv` or
  `jsonresume`) when set; else `_data/cv.yml` when it is in RenderCV form (a `cv:` mapping), else the JSON Resume
  `jekyll_get_json` loads as `site.data.resume`, else `_data/cv.yml` in al-folio's older list form, else a
  resume.json. The template's unedited demo CV (and, in a CV edited in part, its unedited items) is never read. A JSON
  Resume goes through the resume importer; either YAML form is mapped onto the same JSON Resume records:
  - the list form (sections of `title`, `type`, `contents`): "General Information" gives the name (`Full Name`;
    the date of birth is never read); Education/Experience/Projects/Awards/Interests/Service sections (by words
    in their titles) give education, work, project, award, interest and volunteer items. An item's
    `institution` is split at the first comma into organization and location; `year` is a year or range
    ("2016 - 2020", "2020-2023", "2023 - present", "Sep 2019 - Jun 2021"; a single year is the end of an education
    and both start and end of a position); `description` lines are its summary, and a line "Advisor: NAME" (or
    Supervisor) names a supervisor. An award item's `items` are awards of its year, an "(Awarder)" at the end of
    one naming the awarder. Other sections are left out with a warning.
  - the RenderCV form: `cv.name`, `label`, `location`, `website`, `social_networks`; in `cv.sections`, entries
    are typed by their keys (institution -> education, company -> work, or volunteer in a section named like
    service/volunteer, name -> award or project by the section's title); `start_date`/`end_date`/`date` as ISO at
    any precision ("present" open); `highlights` and `summary` make the summary. Publications are left to the
    bibliography.
  The CV file not chosen is left out with a warning saying which one is read.
- `_projects/*.md` (`alfolio`): a project per file: `title`, `description` (else the body's first paragraph),
  `redirect` or `url` as its URL, `github` ("user/repo" or a URL) as its repository; the owner, when named, is a
  member.
- `_news/*.md`: left out, with a warning each: the graph has no model for news items.
- a `.json` file at the site's top (an ORCID record, a Zotero export dropped there): left out with a warning, as
  everything in the site is the site's; such files belong next to the site folder.
- the al-folio template's demo content left unedited in a fork (files, bib entries and CV items identical to the
  template's at some version, `alfolio_template.json`): left out with a warning, unless the site is the template.
Everything else (layouts, blog posts, assets) belongs to the theme or the blog and is not read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SourceError
from kg.iris import ascii_fold, repair_url
from kg.records import Alias, Author, Entity, Origin, Owner, Paper, Record, SourceDocument, Warning_
from kg.sources import bibtexfile, bio, jsonresume
from kg.sources.alfolio_cv import TAG, YAML_TYPE, ListCV, RenderCV, yaml_text
from kg.sources.alfolio_template import TEMPLATE, TEMPLATE_ENTRIES, TEMPLATE_FILES, file_fingerprint
from kg.sources.readers import Obj, compose_yaml, front_matter, located, split_front_matter
from kg.sources.text import read_text

NAME = "alfolio"
AUTHORITY = 1  # owner-curated structured data (an al-folio site's config, CV and bibliography)

SOCIAL_URLS: dict[str, str] = {  # socials key -> profile URL template
    "scholar_userid": "https://scholar.google.com/citations?user={}",
    "github_username": "https://github.com/{}",
    "gitlab_username": "https://gitlab.com/{}",
    "linkedin_username": "https://www.linkedin.com/in/{}",
    "x_username": "https://x.com/{}",
    "twitter_username": "https://twitter.com/{}",
    "mastodon_username": "https://{}",
    "semanticscholar_id": "https://www.semanticscholar.org/author/{}",
    "research_gate_profile": "https://www.researchgate.net/profile/{}",
    "scopus_id": "https://www.scopus.com/authid/detail.uri?authorId={}",
    "inspirehep_id": "https://inspirehep.net/authors/{}",
    "acm_id": "https://dl.acm.org/profile/{}",
    "ieee_id": "https://ieeexplore.ieee.org/author/{}",
    "dblp_url": "{}",
    "bluesky_url": "{}",
    "osf_id": "https://osf.io/{}/",
    "hal_id": "https://cv.hal.science/{}",
    "work_url": "{}",
}
SOCIAL_IDENTIFIERS = {"orcid_id": "orcid", "wikidata_id": "wikidata"}
_LIQUID_OR_HTML = re.compile(r"^\s*(?:\{[{%]|<)")
_TRUE = {"true", "yes", "1"}
_BIBLIOGRAPHY_TAG = re.compile(r"\{%-?\s*bibliography\b(?P<args>[^%]*)-?%\}")
_FILE_ARG = re.compile(r"(?:--file|-f)\s+(?P<file>\{\{[^}]*\}\}|[^\s%]+)")


def _fold(text: str) -> str:
    """Accent-folded, lower-case words for comparing name forms ("F. M." -> "f m")."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(text).lower()))


def matches_folder(folder: Path) -> bool:
    """An al-folio (Jekyll) site: `_config.yml`, or both `_pages/` and `_bibliography/`."""
    folder = Path(folder)
    return (folder / "_config.yml").is_file() or ((folder / "_pages").is_dir() and (folder / "_bibliography").is_dir())


def read_folder(folder: Path, rel: str = "") -> list[Record]:
    """Every record of the site; `rel` is the folder's path relative to the content folder ("" for itself)."""
    return _Site(Path(folder), rel.strip("/") + "/" if rel.strip("/") else "").read()




# ---------------------------------------------------------------- YAML with lines


@dataclass
class _Site:
    """One site being read: what the config says (owner's name, site address) is used by the files after it."""

    folder: Path
    prefix: str  # the folder's path relative to the content folder, with a trailing slash (or "")
    owner_name: str = ""
    site_url: str | None = None
    records: list[Record] = field(default_factory=list)
    config: object = None  # _config.yml as located values
    last_names: set[str] = field(default_factory=set)  # the owner's name forms (jekyll-scholar's scholar: block)
    first_names: set[str] = field(default_factory=set)
    surname_only: set[str] = field(default_factory=set)  # old `scholar: last_name` without first names
    is_template: bool = False  # the site is the al-folio template itself (its demo content is its own)
    demo: set[int] = field(default_factory=set)  # ids of papers that are the template's demo entries

    def rel(self, path: Path) -> str:
        return self.prefix + path.relative_to(self.folder).as_posix()

    def read(self) -> list[Record]:
        self.read_config()
        pages = sorted((self.folder / "_pages").glob("*.md")) if (self.folder / "_pages").is_dir() else []
        pages += sorted(self.folder.glob("_pages/*.html"))
        texts = {page: read_text(page, self.rel(page)).replace("\r\n", "\n") for page in pages}
        for page in sorted([*self.folder.glob("*.md"), *self.folder.glob("*.html")]):  # index.md, or docs
            try:
                text = read_text(page, self.rel(page)).replace("\r\n", "\n")
            except SourceError:
                continue  # the repository's own files (README, ...), not the site's pages
            if text.startswith("---"):
                pages.append(page)
                texts[page] = text
        metas = {page: self.front_matter(page, text) for page, text in texts.items()}
        self.read_about([p for p in pages if p.suffix == ".md"], metas)
        for bib, years in self.bibliographies(texts, metas).items():
            self.read_bibliography(bib, years)
        cv_format = next((str(m.get("cv_format") or "").strip().lower() for m in metas.values()
                          if m.get("layout") == "cv"), "")
        self.read_cv(cv_format)
        for project in sorted((self.folder / "_projects").glob("*.md")):
            self.read_project(project)
        for news in sorted((self.folder / "_news").glob("*.md")):
            self.read_news(news)
        for stray in sorted(self.folder.glob("*.json")):  # an ORCID record or a Zotero export dropped in the repo
            self.records.append(Warning_("not read: a file inside the al-folio site; put ORCID records and CSL-JSON "
                                         "files next to the site folder", Origin(self.rel(stray), 1)))
        return self.records

    def front_matter(self, page: Path, text: str) -> dict:
        """A page's front matter; a page whose front matter cannot be read is left out with a warning."""
        try:
            return split_front_matter(text, self.rel(page))[0]
        except SourceError as exc:
            self.records.append(Warning_(f"{exc.problem}: page not read", Origin(self.rel(page), exc.line or 1)))
            return {}

    def template_leftover(self, path: Path, text: str) -> bool:
        """Whether a file is the al-folio template's demo, unedited, in a site that is not the template itself;
        if so it is left out with a warning."""
        if self.is_template or file_fingerprint(text) not in TEMPLATE_FILES:
            return False
        self.records.append(Warning_("not read: the al-folio template's demo file, left unedited",
                                     Origin(self.rel(path), 1)))
        return True

    def bibliographies(self, texts: dict[Path, str], metas: dict[Path, dict]) -> dict[Path, set[int] | None]:
        """The .bib files the site shows, as jekyll-scholar finds them: `scholar.bibliography` in _config.yml
        (default `references.bib`) and each file a page names with `{% bibliography --file F %}`; the others
        are left out with a warning. Each file maps to the years shown when every page showing it filters by
        `-q @*[year={{y}}]*` over its front matter's `years:` list (al-folio 2019-2023), else None (all)."""
        folder = self.folder / "_bibliography"
        scholar = self.config.get("scholar") if isinstance(self.config, Obj) else None
        default = (yaml_text(scholar.get("bibliography")) if isinstance(scholar, Obj) else None) or "references"
        names: list[tuple[str, set[int] | None]] = []
        for page, text in texts.items():
            for tag in _BIBLIOGRAPHY_TAG.finditer(text):
                arg = _FILE_ARG.search(tag["args"])
                years = metas[page].get("years")
                shown_years = ({int(y) for y in years if str(y).isdigit()} if "year={{" in tag["args"].replace(
                    " ", "") and isinstance(years, list) else None)
                if arg is None or "site.scholar.bibliography" in arg["file"]:
                    names.append((default, shown_years))
                elif not arg["file"].startswith("{{"):
                    names.append((arg["file"], shown_years))
        if not names:
            names.append((default, None))
        shown: dict[Path, set[int] | None] = {}
        for name, years in names:
            path = folder / (name if name.endswith(".bib") else name + ".bib")
            if path.is_file():
                before = shown.get(path, set())
                shown[path] = None if years is None or before is None else before | years
        every = sorted(folder.glob("*.bib"))
        if not shown and every:
            self.records.append(Warning_(f"no page shows a bibliography that exists (the config names "
                                         f"{default!r}): every .bib file is read", Origin(self.rel(every[0]), 1)))
            return dict.fromkeys(every)
        for other in every:
            if other not in shown:
                self.records.append(Warning_("not read: no page of the site shows this bibliography",
                                             Origin(self.rel(other), 1)))
        return shown

    # -- owner ----------------------------------------------------------------------------------------------

    def read_config(self) -> None:
        """The owner from `_config.yml` (name, site address, socials) and `_data/socials.yml`."""
        for path in (self.folder / "_config.yml", self.folder / "_data" / "socials.yml"):
            if not path.is_file():
                continue
            rel = self.rel(path)
            config = located(compose_yaml(read_text(path, rel), rel))
            if config is None:
                continue
            if not isinstance(config, Obj):
                raise SourceError(rel, 1, "expected a mapping of settings")
            owner = Owner(name="", origin=Origin(rel, 1))
            if path.name == "_config.yml":
                self.config = config
                names = [yaml_text(config.get(k)) for k in ("first_name", "middle_name", "last_name")]
                owner.name = " ".join(n for n in names if n)
                key = "first_name" if config.get("first_name") else "last_name"
                if not owner.name and yaml_text(config.get("name")):  # al-folio before 2020: one `name`
                    owner.name, key = yaml_text(config.get("name")), "name"
                if owner.name:
                    owner.origin = Origin(rel, config.key_lines.get(key, 1))
                    self.owner_name = self.owner_name or owner.name
                self.is_template = owner.name in TEMPLATE["owners"]
                self.read_name_forms(config, names)
                url = yaml_text(config.get("url"))
                url = repair_url(url)[0] if url and not url.startswith("{{") else None
                if url and re.match(r"^https?://", url):
                    self.site_url = url.rstrip("/") + "/" + (yaml_text(config.get("baseurl")) or "").strip("/")
                    self.site_url = self.site_url.rstrip("/")
                    owner.url = self.site_url + "/"
            for key, raw in config.items():
                value = yaml_text(raw)
                if isinstance(raw, Obj) and re.match(r"^https?://", yaml_text(raw.get("url")) or ""):
                    owner.same_as.append(yaml_text(raw["url"]))  # a custom social: logo, title, url
                if not value:
                    continue
                if key in SOCIAL_IDENTIFIERS:
                    owner.identifiers[SOCIAL_IDENTIFIERS[key]] = value
                elif key in SOCIAL_URLS:
                    owner.same_as.append(SOCIAL_URLS[key].format(value))
            if owner.name or owner.url or owner.identifiers or owner.same_as:
                self.records.append(SourceDocument(path=rel, importer=NAME, media_type=YAML_TYPE))
                self.records.append(owner)

    def read_name_forms(self, config: Obj, names: list[str | None]) -> None:
        """The owner's name forms: `scholar: last_name / first_name` (what jekyll-scholar marks as the owner in
        author lists), plus the config's own last name with its first name and initial."""
        scholar = config.get("scholar")
        if isinstance(scholar, Obj):
            for key, forms in (("last_name", self.last_names), ("first_name", self.first_names)):
                value = scholar.get(key)
                forms.update(_fold(v) for v in (value if isinstance(value, list) else [value])
                             if isinstance(v, str) and _fold(v))
            if not self.first_names:  # al-folio before 2020 marked every author of that last name
                self.surname_only = set(self.last_names)
        first, _, last = names
        if first and last:
            self.last_names.add(_fold(last))
            self.first_names.update({_fold(first), _fold(first)[:1]})

    def is_owner(self, author: str) -> bool:
        """Whether an author name ("F. Lastname", "Firstname Lastname") is one of the owner's name forms."""
        words = _fold(author)
        if any(words == last or words.endswith(" " + last) for last in self.surname_only):
            return True
        if self.owner_name and _abbreviates(words.split(), _fold(self.owner_name).split()):
            return True
        firsts = {f.replace(" ", "") for f in self.first_names}
        for last in self.last_names:
            if words.endswith(" " + last) and words[: -len(last) - 1].replace(" ", "") in firsts:
                return True
        return False

    # -- about ----------------------------------------------------------------------------------------------

    def read_about(self, pages: list[Path], metas: dict[Path, dict]) -> None:
        """The about page, through the homepage importer."""
        about = next((p for p in pages if str(metas[p].get("permalink") or "").strip() in ("/", "/index.html")),
                     None) or next((p for p in pages if p.name == "about.md"), None) or next(
            (p for p in pages if metas[p].get("layout") == "about"), None)
        if about is not None:
            self.records.extend(bio.parse(read_text(about, self.rel(about)), self.rel(about), about.name))

    # -- bibliography ---------------------------------------------------------------------------------------

    def read_bibliography(self, path: Path, years: set[int] | None = None) -> None:
        """A .bib file through the BibTeX importer, with al-folio's own fields added; template demo entries, the
        years the publications page shows and the owner's name forms are handled here."""
        rel = self.rel(path)
        records = bibtexfile.parse_bibtex(read_text(path, rel), rel, extra=self.add_alfolio_fields)
        left_out = set()
        for paper in (r for r in records if isinstance(r, Paper)):
            if id(paper) in self.demo:
                reason = "the al-folio template's demo entry, left out"
            elif years is not None and (paper.date is None or paper.date.year not in years):
                reason = (f"not shown: the publications page lists the years {sorted(years, reverse=True)} only "
                          f"(front matter `years:`)")
            else:
                continue
            left_out.add(id(paper))
            self.records.append(Warning_(f"entry {paper.bib_key!r}: {reason}", paper.origin))
        self.records.extend(r for r in records if id(r) not in left_out)

    def add_alfolio_fields(self, paper: Paper, fields: dict[str, str]) -> None:
        title = " ".join(re.sub(r"[{}]", "", fields.get("title", "")).split()).casefold()
        if not self.is_template and f"{paper.bib_key}|{title}" in TEMPLATE_ENTRIES:
            self.demo.add(id(paper))
        renamed = sorted({a.name for a in paper.authors if a.name != self.owner_name and self.is_owner(a.name)})
        if self.owner_name:
            paper.authors = [Author(self.owner_name) if a.name in renamed else a for a in paper.authors]
            self.records.extend(Alias(self.owner_name, name, paper.origin) for name in renamed)
        for attr in ("url", "pdf", "code_url"):
            value = getattr(paper, attr)
            if value and attr == "pdf" and not re.match(r"^[a-z][a-z0-9+.-]*:|^/|^\{\{", value, re.I):
                value = f"assets/pdf/{value}"  # al-folio's pdf field: a file in assets/pdf/
            if value:
                fixed, note = repair_url(value, self.site_url)
                setattr(paper, attr, fixed)
                if note:
                    self.records.append(Warning_(f"entry {paper.bib_key!r}: {note}", paper.origin))
        paper.selected = fields.get("selected", "").strip("{} ").lower() in _TRUE
        abbr = bibtexfile.decode_latex(fields.get("abbr", ""))
        if abbr and paper.venue is None and paper.entry_type not in ("phdthesis", "mastersthesis"):
            paper.venue = abbr
        for key, scheme in (("google_scholar_id", "google-scholar"), ("pmid", "pmid"), ("isbn", "isbn")):
            if fields.get(key):
                paper.identifiers.setdefault(scheme, fields[key].strip("{} "))

    # -- CV -------------------------------------------------------------------------------------------------

    def read_cv(self, cv_format: str) -> None:
        """The CV file al-folio's CV page would show, in al-folio's order: the CV page's `cv_format` when set;
        else the JSON Resume `jekyll_get_json` loads as `site.data.resume` (the CV layout prefers it); else
        `_data/cv.yml` (RenderCV or list form); else a resume.json. The template's unedited demo CV is never
        chosen, and the files not chosen are left out with a warning."""
        yml = self.folder / "_data" / "cv.yml"
        jsons = [p for p in (self.folder / "assets" / "json" / "resume.json", self.folder / "_data" / "resume.json")
                 if p.is_file()]
        candidates = [p for p in [yml, *jsons] if p.is_file()]
        texts = {p: read_text(p, self.rel(p)) for p in candidates}
        candidates = [p for p in candidates if not self.template_leftover(p, texts[p])]
        tree = located(compose_yaml(texts[yml], self.rel(yml))) if yml in candidates else None
        rendercv = isinstance(tree, Obj) and "cv" in tree
        jsons = [p for p in jsons if p in candidates]
        loaded = self.json_resume_data()
        if cv_format == "jsonresume" and jsons:
            chosen = jsons[0]
        elif cv_format == "rendercv" and yml in candidates or rendercv:
            chosen = yml
        elif loaded is not None and loaded in jsons:
            chosen = loaded
        else:
            chosen = yml if yml in candidates else (jsons[0] if jsons else None)
        if chosen is None:
            return
        rel, unreadable = self.rel(chosen), None
        if chosen.suffix == ".json":
            try:
                self.records.extend(jsonresume.parse(texts[chosen], rel))
            except SourceError as exc:
                if yml not in candidates:
                    raise
                self.records.append(Warning_(f"{exc.problem}: the CV is read from {self.rel(yml)} instead",
                                             Origin(rel, exc.line)))
                chosen, rel, unreadable = yml, self.rel(yml), chosen
        for other in candidates:
            if other not in (chosen, unreadable):
                self.records.append(Warning_(f"not read: the CV page shows {self.rel(chosen)}",
                                             Origin(self.rel(other), 1)))
        if chosen.suffix == ".json":
            return
        if rendercv:
            self.records.extend(RenderCV(rel, not self.is_template).read(tree["cv"], tree.key_lines["cv"]))
        else:
            self.records.extend(ListCV(rel, not self.is_template).read(tree))

    def json_resume_data(self) -> Path | None:
        """The JSON file `jekyll_get_json` in _config.yml loads as `site.data.resume`, when it is a local file."""
        entries = self.config.get("jekyll_get_json") if isinstance(self.config, Obj) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Obj) and yaml_text(entry.get("data")) == "resume" and yaml_text(entry.get("json")):
                path = self.folder / yaml_text(entry.get("json")).lstrip("/")
                return path if path.is_file() else None
        return None

    # -- projects and news ----------------------------------------------------------------------------------

    def read_project(self, path: Path) -> None:
        """A project: name, description, URL, repository; the owner as a member."""
        rel = self.rel(path)
        text = read_text(path, rel)
        if self.template_leftover(path, text):
            return
        try:
            meta, body, lines = front_matter(text, rel)
        except SourceError as exc:
            self.records.append(Warning_(f"project left out: {exc.problem}", Origin(rel, exc.line or 1)))
            return
        name = yaml_text(meta.get("title")) if isinstance(meta.get("title"), str) else None
        if not name:
            self.records.append(Warning_("project left out: a project page needs a title in its front matter",
                                         Origin(rel, 1)))
            return
        url = next((u for k in ("redirect", "url") if isinstance(u := meta.get(k), str)
                    and re.match(r"^https?://", u)), None)
        github = meta.get("github")
        repository = None
        if isinstance(github, str) and github.strip():
            github = github.strip()
            repository = github if re.match(r"^https?://", github) else f"https://github.com/{github.strip('/')}"
        description = meta.get("description") if isinstance(meta.get("description"), str) else None
        self.records.append(SourceDocument(path=rel, importer=NAME, media_type="text/markdown", title=name))
        self.records.append(Entity(kind="project", name=name, origin=Origin(rel, lines.get("title", 1)), url=url,
                                   repository=repository, description=yaml_text(description) or _first_paragraph(body),
                                   members=[self.owner_name] if self.owner_name else []))

    def read_news(self, path: Path) -> None:
        rel = self.rel(path)
        text = read_text(path, rel)
        if self.template_leftover(path, text):
            return
        try:
            meta, body, _ = front_matter(text, rel)
        except SourceError as exc:
            self.records.append(Warning_(f"news item left out: {exc.problem}", Origin(rel, exc.line or 1)))
            return
        when = meta.get("date")
        when = when.date().isoformat() if isinstance(when, dt.datetime) else str(when or "undated")[:10]
        about = yaml_text(meta.get("title")) or _first_paragraph(body) or ""
        self.records.append(Warning_(f"news item of {when} left out (the graph has no model for news): "
                                     f"{about[:60]}", Origin(rel, 1)))


def _abbreviates(words: list[str], full: list[str]) -> bool:
    """Whether a name is the full name with given or middle names cut to initials ("Ali F Jouzdani" of "Ali
    Fathi Jouzdani"): as many words, the same last word, the first letter kept."""
    return (len(words) == len(full) >= 2 and words[-1] == full[-1] and words != full and
            all(w == f or (len(w) == 1 and f.startswith(w)) for w, f in zip(words[:-1], full[:-1])))


def _first_paragraph(body: str) -> str | None:
    """The first paragraph of Markdown prose (not Liquid or HTML), as plain text."""
    for block in re.split(r"\n\s*\n", body.strip()):
        if block.strip() and not _LIQUID_OR_HTML.match(block):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)  # links: keep their text
            return " ".join(TAG.sub("", text).replace("*", "").replace("_", " ").split()) or None
    return None


# ---------------------------------------------------------------- CV forms -> JSON Resume
