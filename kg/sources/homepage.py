"""Homepage importer: a Markdown page, with optional Jekyll front matter, read as English bio prose.

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

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kg.errors import SourceError
from kg.records import Entity, Mention, Origin, Owner, PartialDate, Record, Role, Section, SourceDocument, Warning_
from kg.sources.text import load_yaml, read_text

NAME = "homepage"
SUFFIXES = (".md", ".markdown")

_FENCE = re.compile(r"^-{3,}\s*$")
_LIQUID = re.compile(r"\{\{[^\n]*?\}\}|\{%[^\n]*?%\}")
_DAY_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}

_ABBREVIATIONS = {"prof", "dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "etc", "vs", "cf", "no", "ca", "jr", "sr"}
_SENTENCE_END = re.compile(r"[.!?](?=\s+\S)")
_PRONOUNS = re.compile(r"\b(?:I use the|[Mm]y)\s+pronouns?\b(?:\s+(?:are|is))?\s*(?P<rest>.*)")
_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|_at_|\[at\]|\(at\)|\{at\})\s*[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)

_HONORIFIC = re.compile(r"^(?P<h>Prof\.?|Professor|Dr\.?)\s+(?P<name>\S.*)$")
_ORG_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        ("department", r"\b(?:department|dept\.|faculty|département|departamento)\b"),
        ("school", r"\bschool\b"),
        ("lab", r"\b(?:lab|laboratory|laboratoire|laboratorio)\b"),
        ("committee", r"\bcommittee\b"),
        ("university", r"\b(?:universit(?:y|é|à|ät|at|e)|universidad|universidade|college|polytechnique)\b"),
        ("institute", r"\b(?:institute|institut|instituto|istituto|center|centre|centro)\b"),
        ("foundation", r"\bfoundation\b"),
        ("society", r"\bsociety\b"),
        ("company", r"\b(?:company|corporation|corp\.?|inc\.?|ltd\.?|llc|gmbh|s\.a\.|startup)(?=\W|$)"),
    ]
]
_STRONG_ORG_TYPES = {"department", "school", "university", "institute"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")
_EVENT_WORDS = re.compile(r"\b(?:workshop|conference|symposium|summit)s?\b", re.IGNORECASE)
_INITIATIVE_WORDS = re.compile(
    r"\b(?:fellowship|programme|program|initiative|network|community|group|team|alliance|coalition|movement)\b",
    re.IGNORECASE,
)
_PROJECT_WORDS = re.compile(
    r"\b(?:library|toolkit|package|framework|software|dataset|benchmark|website|app|tool|platform|plugin)\b",
    re.IGNORECASE,
)
_DOMAIN_NAME = re.compile(r"^[\w-]+\.(?:com|org|net|io|ai|dev|app|science)$", re.IGNORECASE)
_REPO_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"}
_PROJECT_SECTION = re.compile(r"\bprojects?\b", re.IGNORECASE)
_INITIATIVE_SECTION = re.compile(
    r"\b(?:vision|service|community|outreach|volunteer\w*|activism|engagement|involvement)\b", re.IGNORECASE
)
_NAME_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "do", "dos", "du", "la", "le", "van", "von", "y"}
_NOT_A_NAME = re.compile(r"(?:this|that|here|there|(?:this |the )?link|click here|(?:the |my )?(?:web ?site|web ?page|page|"
                         r"site|repo|repository|github(?: repo(?:sitory)?)?|code|source(?: code)?|paper|pdf|slides|"
                         r"video|demo|blog ?post|post)|more|read more)", re.I)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_SUPER_EVENT = re.compile(
    r"\b[Aa]t\s+(?:the\s+)?(?P<event>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*\s+(?P<year>(?:19|20)\d{2}))\b"
)
_MEMBERSHIP_WORDS = re.compile(
    r"\b(?:member|representative|delegate|chair|co-?chair|mentor|co-?organi[sz]er|organi[sz]er|volunteer)\b",
    re.IGNORECASE,
)
_ROLE_AT = re.compile(r"\bI am (?:currently |now |also )?an? (?P<role>[^,;:()]+?) at (?P<rest>.+)$")
_AT_ORG_I_AM = re.compile(r"^(?:Currently, )?At (?P<org>[^,]+), I am (?:currently |now |also )?(?P<rest>.+?)[.!]?$")
_SINCE = re.compile(r"\bsince\s+(?:(?P<month>[A-Z][a-z]+)\s+)?(?P<year>(?:19|20)\d{2})(?:-(?P<mm>\d{2}))?")


def matches(path: Path) -> bool:
    """Markdown files."""
    return path.suffix.lower() in SUFFIXES


def read(path: Path, rel: str) -> list[Record]:
    """Every record the page states: the document, the owner's facts, sections, mentions, entities and roles."""
    return parse(read_text(path, rel), rel, path.name)


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
        title=_text_or_none(meta.get("title")),
        version_date=version_date(meta, filename or Path(rel).name, rel, key_lines.get("date")),
    )
    page = _Page.parse(body)
    records: list[Record] = [doc]
    records.extend(page.sections(rel, doc.title))
    pronoun_sentence = page.pronoun_sentence()
    roles = _RoleReader(page, rel)
    roles.read_all(skip=pronoun_sentence)
    owner = _owner(page, pronoun_sentence, meta, roles.location, rel)
    if owner is not None:
        records.append(owner)
    records.extend(page.mentions(rel, skip=pronoun_sentence))
    reader = _EntityReader(page, rel, roles.facts)
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


def _code(character: int | str) -> int:
    """The code point PyYAML's ReaderError gives as a character or as a number."""
    return ord(character) if isinstance(character, str) else int(character)


def split_front_matter(text: str, rel: str) -> tuple[dict, str, dict[str, int]]:
    """Front matter as a dict, the text with it blanked (Markdown lines stay file lines), the line of each top key."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, text, {}
    close = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if close is None:
        raise SourceError(rel, 1, "front matter opened with --- is never closed")
    try:
        meta = load_yaml("\n".join(lines[1:close]))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: a position, no mark
        line = 2 + "\n".join(lines[1:close])[: exc.position].count("\n")
        raise SourceError(rel, line, f"bad front matter: {exc.reason} "
                                     f"(character #x{_code(exc.character):04x})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(rel, 2 + mark.line if mark else 1, f"bad front matter: {' '.join(problem.split())}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError(rel, 2, "front matter is not a mapping of keys to values")
    key_lines = {}
    for number in range(1, close):
        key = re.match(r"([^\s#:][^:]*?)\s*:(?:\s|$)", lines[number])
        if key:
            key_lines.setdefault(key.group(1).strip("'\""), number + 1)
    return meta, "\n" * (close + 1) + "\n".join(lines[close + 1 :]), key_lines


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


def _text_or_none(value: object) -> str | None:
    """A front matter value as text, None when absent or empty."""
    return str(value).strip() or None if value is not None else None


@dataclass
class _Link:
    text: str
    url: str
    start: int
    end: int
    line: int


@dataclass
class _Para:
    """One block of inline Markdown flattened to plain text, with its links, emphases and line breaks."""

    text: str
    raw: str
    line: int
    breaks: list[int]
    links: list[_Link]
    emphases: list[tuple[int, int]]
    section: str | None

    def line_at(self, offset: int) -> int:
        """The file line of a character offset."""
        return self.line + sum(1 for b in self.breaks if b < offset)

    def link_at(self, offset: int) -> _Link | None:
        """The link whose text spans the offset."""
        return next((l for l in self.links if l.start <= offset < l.end), None)

    def links_in(self, start: int, end: int) -> list[_Link]:
        """Links lying within [start, end)."""
        return [l for l in self.links if l.start >= start and l.end <= end]

    def sentences(self) -> list["_Sentence"]:
        """The paragraph split into sentences (abbreviations such as "Prof." and link texts do not end one)."""
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(self.text):
            if self.link_at(m.start()) is not None:
                continue
            rest = self.text[m.end():]
            after = rest.lstrip()
            if not after or not (after[0].isupper() or after[0].isdigit() or after[0] in "\"'“(["):
                continue
            word = re.search(r"(\S+)$", self.text[start:m.start()])
            last = word.group(1).lstrip("([\"'").lower() if word else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            spans.append((start, m.end()))
            start = m.end() + len(rest) - len(after)
        if start < len(self.text.rstrip()):
            spans.append((start, len(self.text.rstrip())))
        return [_Sentence(self, s, e) for s, e in spans]


@dataclass
class _Sentence:
    para: _Para
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start:self.end]

    @property
    def line(self) -> int:
        return self.para.line_at(self.start)

    @property
    def links(self) -> list[_Link]:
        return self.para.links_in(self.start, self.end)

    def same_as(self, other: "_Sentence | None") -> bool:
        """Whether both are the same span of the same paragraph."""
        return other is not None and self.para is other.para and self.start == other.start


@dataclass
class _Heading:
    text: str
    line: int
    body_start: int  # 0-based index of the first line after the heading


@dataclass
class _Page:
    """A Markdown body: its lines, headings and flattened paragraphs."""

    lines: list[str]
    headings: list[_Heading] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)

    @classmethod
    def parse(cls, body: str) -> "_Page":
        """Parse with markdown-it, keeping Liquid tags and link URLs as written."""
        protected, table = _protect_liquid(body)
        md = MarkdownIt("commonmark")
        md.normalizeLink = lambda url: url
        page = cls(lines=body.split("\n"))
        tokens = md.parse(protected)
        section: str | None = None
        for i, token in enumerate(tokens):
            if token.type == "heading_open" and token.map:
                heading = _flatten(tokens[i + 1], None, table)
                section = re.sub(r"\s+", " ", heading.text).strip()
                page.headings.append(_Heading(section, token.map[0] + 1, token.map[1]))
                heading.section = section
                page.paras.append(heading)
            elif token.type == "inline" and token.map and not (i and tokens[i - 1].type == "heading_open"):
                page.paras.append(_flatten(token, section, table))
        return page

    def sections(self, rel: str, title: str | None) -> list[Section]:
        """Each heading with the Markdown under it, up to the next heading; the prose before the first heading
        (many about pages have no heading at all) is a section named by the page's title, unless all it says is
        the pronouns sentence, which is kept as a fact of its own."""
        out = []
        first = self.headings[0].line - 1 if self.headings else len(self.lines)
        said = self.pronoun_sentence()
        lead = [p for p in self.paras if p.line <= first and p.text.strip() and not (said and p is said.para)]
        if lead:
            start = lead[0].line - 1
            markdown = "\n".join(self.lines[start:first]).strip()
            out.append(Section(heading=title or "About", markdown=markdown, origin=Origin(rel, lead[0].line)))
        for n, heading in enumerate(self.headings):
            end = self.headings[n + 1].line - 1 if n + 1 < len(self.headings) else len(self.lines)
            markdown = "\n".join(self.lines[heading.body_start:end]).strip()
            out.append(Section(heading=heading.text, markdown=markdown, origin=Origin(rel, heading.line)))
        return out

    def sentences(self) -> list[_Sentence]:
        return [s for p in self.paras for s in p.sentences()]

    def pronoun_sentence(self) -> _Sentence | None:
        """The sentence saying which pronouns the owner uses."""
        return next((s for s in self.sentences() if _PRONOUNS.search(s.text)), None)

    def mentions(self, rel: str, skip: _Sentence | None) -> list[Mention]:
        """Every inline link, except those of the pronouns sentence."""
        return [
            Mention(text=link.text, url=link.url, section=para.section, origin=Origin(rel, link.line))
            for para in self.paras
            for link in para.links
            if not _within(link, skip)
        ]


def _protect_liquid(text: str) -> tuple[str, dict[str, str]]:
    """Liquid tags replaced by space-free placeholders, so `({{ site.url }}/x)` parses as a link destination."""
    table: dict[str, str] = {}

    def placeholder(m: re.Match[str]) -> str:
        key = f"kgliquid{len(table)}x"
        table[key] = m.group(0)
        return key

    return _LIQUID.sub(placeholder, text), table


def _restore(text: str, table: dict[str, str]) -> str:
    for key, value in table.items():
        text = text.replace(key, value)
    return text


def _flatten(inline: Token, section: str | None, table: dict[str, str]) -> _Para:
    """An inline token as plain text, with link and emphasis spans and the offsets of line breaks."""
    text, breaks, links, emphases = "", [], [], []
    open_links: list[tuple[int, str]] = []
    open_ems: list[int] = []
    first_line = (inline.map[0] if inline.map else 0) + 1
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            text += _restore(child.content, table)
        elif child.type in ("softbreak", "hardbreak"):
            breaks.append(len(text))
            text += " "
        elif child.type == "link_open":
            open_links.append((len(text), _restore(str(child.attrs.get("href", "")), table)))
        elif child.type == "link_close" and open_links:
            start, href = open_links.pop()
            line = first_line + sum(1 for b in breaks if b < start)
            links.append(_Link(text[start:].strip(), href, start, len(text), line))
        elif child.type == "em_open":
            open_ems.append(len(text))
        elif child.type == "em_close" and open_ems:
            emphases.append((open_ems.pop(), len(text)))
    return _Para(text, _restore(inline.content, table), first_line, breaks, links, emphases, section)


def _within(link: _Link, sentence: _Sentence | None) -> bool:
    """Whether the link lies in the given sentence."""
    return sentence is not None and any(l is link for l in sentence.links)


def _owner(page: _Page, pronouns: _Sentence | None, meta: dict, location: str | None, rel: str) -> Owner | None:
    """The owner's facts the page states (pronouns, image, address, location), under the empty name."""
    email, email_line = None, None
    for para in page.paras:
        found = _EMAIL.search(para.raw)
        if found:
            email, email_line = found.group(0), para.line_at(0)
            break
    image = _text_or_none(meta.get("image"))
    said = _pronouns_of(pronouns) if pronouns else None
    if not (said or image or email or location):
        return None
    line = pronouns.line if pronouns else email_line or 1
    return Owner(name="", origin=Origin(rel, line), pronouns=said, image=image, email_obfuscated=email,
                 location=location)


def _pronouns_of(sentence: _Sentence) -> str | None:
    """The emphasised text after "pronouns", else the word that follows it."""
    para = sentence.para
    at = sentence.start + _PRONOUNS.search(sentence.text).start()
    for start, end in para.emphases:
        if at <= start < sentence.end:
            return para.text[start:end].strip() or None
    rest = _PRONOUNS.search(sentence.text).group("rest").strip()
    word = re.match(r"[^\s,.;]+(?:/[^\s,.;]+)*", rest)
    return word.group(0) if word else None


@dataclass
class _OrgRef:
    name: str
    url: str | None
    alternate: str | None
    line: int


@dataclass
class _OrgFacts:
    kind: str = "organization"
    org_type: str | None = None
    parent: str | None = None
    alternate_names: list[str] = field(default_factory=list)


class _RoleReader:
    """Present-tense roles from the bio, and what they reveal about the organizations (units and their parents)."""

    def __init__(self, page: _Page, rel: str):
        self.page, self.rel = page, rel
        self.roles: list[Role] = []
        self.facts: dict[str, _OrgFacts] = {}  # by URL
        self.entities: list[tuple[int, Entity]] = []  # organizations named without a link, with their line
        self.location: str | None = None

    def read_all(self, skip: _Sentence | None) -> None:
        for sentence in self.page.sentences():
            if sentence.same_as(skip):
                continue
            if not self._at_org_i_am(sentence):
                self._i_am_role_at(sentence)

    def _i_am_role_at(self, sentence: _Sentence) -> bool:
        """"I am a ROLE at ORG [at UNIT] and at ORG, in PLACE, working with PEOPLE, since DATE"."""
        m = _ROLE_AT.search(sentence.text)
        if not m or len(m["role"].split()) > 6 or sentence.para.links_in(sentence.start + m.start("role"),
                                                                         sentence.start + m.end("role")):
            return False
        para, role_name = sentence.para, m["role"].strip()
        rest = (sentence.start + m.start("rest"), sentence.end)
        segments = _split(para, *rest, re.compile(r","))
        supervisors: list[str] = []
        for start, end in segments[1:]:
            segment = para.text[start:end].strip().rstrip(".")
            if re.match(r"in\s+\S", segment) and self.location is None:
                self.location = re.sub(r"^in\s+", "", segment)
            elif re.match(r"(?:working |together )?with\s+", segment):
                supervisors.extend(_people(para, start, end))
        since = _SINCE.search(para.text, *rest)
        start_date = _partial_date(since) if since else None
        parts = _split(para, *segments[0], re.compile(r"\s+and\s+(?:at\s+)?"),
                       keep=lambda m: "at" in m.group(0) or para.link_at(m.end()) is not None)
        found = False
        for part in parts:
            chain = [self._org(para, s, e) for s, e in _split(para, *part, re.compile(r"\s+at\s+"))]
            if not chain or any(ref is None for ref in chain):
                continue
            self._record_chain(chain, sentence)
            top = chain[0]
            self.roles.append(Role(category=_category(role_name), organization=top.name, role_name=role_name,
                                   origin=Origin(self.rel, sentence.line), start=start_date, current=True,
                                   supervisors=list(supervisors), url=top.url))
            found = True
        return found

    def _at_org_i_am(self, sentence: _Sentence) -> bool:
        """"At ORG, I am a ROLE and a member of the X"."""
        m = _AT_ORG_I_AM.match(sentence.text)
        if not m:
            return False
        para = sentence.para
        org = self._org(para, sentence.start + m.start("org"), sentence.start + m.end("org"))
        if org is None:
            return False
        self._record_chain([org], sentence)
        items = _split(para, sentence.start + m.start("rest"), sentence.start + m.end("rest"),
                       re.compile(r",?\s+and\s+(?=(?:a|an|the)\s)"))
        for start, end in items:
            item = _ARTICLE.sub("", para.text[start:end].strip())
            member = re.match(r"member of (?:the )?(?P<x>.+)$", item, re.IGNORECASE)
            if member:
                offset = start + para.text[start:end].index(member["x"])
                unit = self._org(para, offset, end)
                if unit is None:
                    continue
                facts = _OrgFacts(kind="initiative", org_type=_org_type(unit.name), parent=org.name)
                self._record(unit, facts, sentence)
                self.roles.append(Role(category="membership", organization=unit.name, role_name="member",
                                       origin=Origin(self.rel, sentence.line), current=True, url=unit.url))
            elif item and len(item.split()) <= 6:
                self.roles.append(Role(category=_category(item), organization=org.name, role_name=item,
                                       origin=Origin(self.rel, sentence.line), current=True, url=org.url))
        return True

    def _org(self, para: _Para, start: int, end: int) -> _OrgRef | None:
        """An organization named in a clause: its link, or its capitalised name without the article."""
        while end > start and para.text[end - 1] in " .,;":
            end -= 1
        while start < end and para.text[start] == " ":
            start += 1
        links = para.links_in(start, end)
        if links:
            link = links[0]
            paren = re.match(r"\s*\(([^()]+)\)", para.text[link.end:end])
            alternate = paren.group(1).strip() if paren and paren.group(1)[:1].isupper() else None
            return _OrgRef(link.text, link.url, alternate, link.line)
        name = _ARTICLE.sub("", para.text[start:end].strip())
        if not name or not name[0].isupper() or len(name.split()) > 10:
            return None
        return _OrgRef(name, None, None, para.line_at(start))

    def _record_chain(self, chain: list[_OrgRef], sentence: _Sentence) -> None:
        """Facts from "at ORG at UNIT": each later one is a unit (a department, by default) of the one before."""
        for n, ref in enumerate(chain):
            org_type = _org_type(ref.name) or (_org_type(ref.alternate) if ref.alternate else None)
            parent = chain[n - 1].name if n else None
            facts = _OrgFacts(org_type=org_type or ("department" if parent else None), parent=parent,
                              alternate_names=[ref.alternate] if ref.alternate else [])
            self._record(ref, facts, sentence)

    def _record(self, ref: _OrgRef, facts: _OrgFacts, sentence: _Sentence) -> None:
        """Keep facts for a linked organization, or an Entity for one named without a link."""
        if ref.url:
            self.facts.setdefault(ref.url, facts)
            return
        if any(e.name == ref.name for _, e in self.entities):
            return
        entity = Entity(kind=facts.kind, name=ref.name, origin=Origin(self.rel, ref.line), org_type=facts.org_type,
                        parent=facts.parent, alternate_names=facts.alternate_names)
        self.entities.append((sentence.line, entity))


def _split(para: _Para, start: int, end: int, pattern: re.Pattern[str], keep=None) -> list[tuple[int, int]]:
    """Split [start, end) at pattern matches outside links and parentheses."""
    pieces, last = [], start
    for m in pattern.finditer(para.text, start, end):
        if para.link_at(m.start()) is not None or para.text.count("(", start, m.start()) > para.text.count(
            ")", start, m.start()
        ):
            continue
        if keep is not None and not keep(m):
            continue
        pieces.append((last, m.start()))
        last = m.end()
    pieces.append((last, end))
    return [(s, e) for s, e in pieces if para.text[s:e].strip(" .,;")]


def _people(para: _Para, start: int, end: int) -> list[str]:
    """Names of the people in a "with A and B" clause, without honorifics."""
    lead = re.match(r"\s*(?:working |together )?with\s+", para.text[start:end])
    names = []
    for s, e in _split(para, start + (lead.end() if lead else 0), end, re.compile(r",\s*|\s+and\s+")):
        links = para.links_in(s, e)
        text = links[0].text if links else re.sub(r"\s+since\b.*$", "", para.text[s:e]).strip(" .")
        if text[:1].isupper():
            names.append(_strip_honorific(text)[1])
    return names


def _strip_honorific(text: str) -> tuple[str | None, str]:
    """("Prof.", "Yoshua Bengio") from "Prof. Yoshua Bengio"; (None, text) without one."""
    m = _HONORIFIC.match(text.strip())
    return (m["h"], m["name"].strip()) if m else (None, text.strip())


def _partial_date(m: re.Match[str]) -> PartialDate | None:
    """A "since December 2020" / "since 2020" / "since 2020-12" match as a PartialDate."""
    month = _MONTHS.get((m["month"] or "").lower()) or (int(m["mm"]) if m["mm"] else None)
    try:
        return PartialDate.parse(f"{m['year']}-{month:02d}" if month else m["year"])
    except ValueError:
        return None


def _category(role_name: str) -> str:
    """membership for members, representatives, mentors and organisers; work for positions."""
    return "membership" if _MEMBERSHIP_WORDS.search(role_name) else "work"


def _org_type(name: str) -> str | None:
    """The kind of organization its name says: university, department, lab, institute, committee..."""
    return next((kind for kind, pattern in _ORG_TYPES if pattern.search(name)), None)


def _looks_like_person(text: str) -> bool:
    """2-4 capitalised words (particles such as "de" or "van" allowed), none of them an organization word."""
    words = text.split()
    capitalised = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not 2 <= len(capitalised) <= 4 or words[0].lower() in _NAME_PARTICLES:
        return False
    for word in capitalised:
        letters = word.replace("-", "").replace("'", "").replace("’", "").rstrip(".")
        if not (word[0].isupper() and letters.isalpha()) or (len(letters) > 1 and letters.isupper()):
            return False
    return not (_org_type(text) or _EVENT_WORDS.search(text) or _INITIATIVE_WORDS.search(text)
                or _PROJECT_WORDS.search(text))


def _is_site_page(url: str) -> bool:
    """Links naming no entity: into the owner's own site (Liquid-prefixed or relative), or off the web (mailto:)."""
    if url.startswith(("{{", "{%", "/", "#", ".")):
        return True
    return urlparse(url).scheme.lower() not in ("http", "https")


def _clean_name(text: str) -> str:
    """Link text without a leading article: "a GFlowNet python library" -> "GFlowNet python library"."""
    return _ARTICLE.sub("", text.strip()).strip()


class _EntityReader:
    """Types each linked thing from its text and context."""

    def __init__(self, page: _Page, rel: str, facts: dict[str, _OrgFacts]):
        self.page, self.rel, self.facts = page, rel, facts
        self.untyped: list[Warning_] = []  # links read as naming nothing typed

    def read_all(self, skip: _Sentence | None, extra: list[tuple[int, Entity]]) -> list[Entity]:
        """One Entity per linked URL (first typing wins), plus organizations named in role clauses."""
        found: list[tuple[int, Entity]] = list(extra)
        seen: set[str] = set()
        events: set[str] = set()
        for sentence in self.page.sentences():
            if sentence.same_as(skip):
                continue
            for link in sentence.links:
                if link.url in seen or _is_site_page(link.url):
                    continue
                entity = self._entity(link, sentence)
                if entity is None:
                    self.untyped.append(Warning_(f"link {link.text!r} ({link.url}) names nothing the graph can type "
                                                 f"(person, organization, project, ...): kept in the text only",
                                                 Origin(self.rel, link.line)))
                    seen.add(link.url)
                    continue
                seen.add(link.url)
                found.append((link.line, entity))
                if entity.super_event and entity.super_event not in events:
                    events.add(entity.super_event)
                    year = _YEAR.search(entity.super_event)
                    found.append((link.line, Entity(kind="event", name=entity.super_event,
                                                    origin=Origin(self.rel, sentence.line),
                                                    date=PartialDate(int(year[1])) if year else None)))
        return [e for _, e in sorted(found, key=lambda pair: pair[0])]

    def _entity(self, link: _Link, sentence: _Sentence) -> Entity | None:
        """The typed entity a link points to."""
        text, para = link.text, sentence.para
        origin = Origin(self.rel, link.line)
        if _NOT_A_NAME.fullmatch(text.strip(" .")):
            return self._unnamed(link, origin)
        honorific, name = _strip_honorific(text)
        if honorific:
            return Entity(kind="person", name=name, origin=origin, url=link.url, honorific=honorific)
        if _EVENT_WORDS.search(text):
            return self._event(link, sentence, origin)
        facts = self.facts.get(link.url)
        if facts is not None:
            return self._organization(link, para, origin, facts)
        org_type = _org_type(text)
        in_initiatives = bool(para.section and _INITIATIVE_SECTION.search(para.section))
        if org_type in _STRONG_ORG_TYPES or _ACRONYM.match(text):
            return self._organization(link, para, origin, _OrgFacts(org_type=org_type))
        if in_initiatives:
            return Entity(kind="initiative", name=_clean_name(text), origin=origin, url=link.url, org_type=org_type)
        if re.search(r"\bin\s+$", para.text[:link.start]) and len(text.split()) <= 3 and text[:1].isupper():
            return Entity(kind="place", name=text, origin=origin, url=link.url)
        if org_type:
            return self._organization(link, para, origin, _OrgFacts(org_type=org_type))
        if self._is_project(link, para, strong=True):
            return self._project(link, sentence, origin)
        if _looks_like_person(text):
            return Entity(kind="person", name=text, origin=origin, url=link.url)
        if self._is_project(link, para, strong=False):
            return self._project(link, sentence, origin)
        if _INITIATIVE_WORDS.search(text):
            return Entity(kind="initiative", name=_clean_name(text), origin=origin, url=link.url)
        context = re.search(r"\b(?P<what>fellow|member|part) of (?:the )?[^,.;]*$", para.text[:link.start])
        if context:
            org_type = "programme" if context["what"] == "fellow" else None
            return self._organization(link, para, origin, _OrgFacts(org_type=org_type))
        return None

    def _unnamed(self, link: _Link, origin: Origin) -> Entity | None:
        """A link whose text names nothing ("this", "here", "code"): a repository on a code host is a project named
        by its path; anything else stays in the text only."""
        url = urlparse(link.url)
        slug = url.path.rstrip("/").rsplit("/", 1)[-1]
        if (url.hostname or "").removeprefix("www.") in _REPO_HOSTS and url.path.strip("/").count("/") == 1 and slug:
            return Entity(kind="project", name=slug, origin=origin, url=link.url, repository=link.url)
        return None

    def _organization(self, link: _Link, para: _Para, origin: Origin, facts: _OrgFacts) -> Entity:
        """An organization, with alternate names from "Name - Long Name" and a parenthesis after the link."""
        alternates = list(facts.alternate_names)
        paren = re.match(r"\s*\(([^()]+)\)", para.text[link.end:])
        if paren and paren.group(1)[:1].isupper() and paren.group(1).strip() not in alternates:
            alternates.append(paren.group(1).strip())
        if " - " in link.text:
            alternates.extend(p.strip() for p in link.text.split(" - ") if p.strip() not in alternates)
        org_type = facts.org_type or _org_type(link.text) or next(
            (t for t in map(_org_type, alternates) if t), None)
        return Entity(kind=facts.kind, name=link.text, origin=origin, url=link.url, org_type=org_type,
                      parent=facts.parent, alternate_names=alternates)

    def _event(self, link: _Link, sentence: _Sentence, origin: Origin) -> Entity:
        """A workshop or conference: an initiative and an event, dated by the nearest year in its sentence."""
        text = sentence.para.text
        years = [(m.start(), int(m[1])) for m in _YEAR.finditer(text, sentence.start, sentence.end)]
        before = [y for pos, y in years if pos < link.end]
        after = [y for pos, y in years if pos >= link.end]
        year = before[-1] if before else (after[0] if after else None)
        super_event = next((m["event"] for m in _SUPER_EVENT.finditer(text, sentence.start, sentence.end)
                            if year is not None and int(m["year"]) == year and not link.start <= m.start() < link.end),
                           None)
        return Entity(kind="initiative", name=_clean_name(link.text), origin=origin, url=link.url,
                      org_type="event", date=PartialDate(year) if year else None, super_event=super_event)

    def _is_project(self, link: _Link, para: _Para, strong: bool) -> bool:
        """Strong evidence: project words, a domain-name title or a code host; weak: a projects section."""
        if strong:
            host = (urlparse(link.url).hostname or "").removeprefix("www.")
            return bool(_PROJECT_WORDS.search(link.text) or _DOMAIN_NAME.match(link.text) or host in _REPO_HOSTS)
        return bool(para.section and _PROJECT_SECTION.search(para.section))

    def _project(self, link: _Link, sentence: _Sentence, origin: Origin) -> Entity:
        """A project: its repository when on a code host, people linked in its sentence as members, an apposition."""
        host = (urlparse(link.url).hostname or "").removeprefix("www.")
        members = [l.text for l in sentence.links
                   if l is not link and (_looks_like_person(l.text) or _strip_honorific(l.text)[0])]
        apposition = re.match(r",\s+((?:a|an|the)\s+[^;]+?)[.!]?$",
                              sentence.para.text[link.end:sentence.end])
        return Entity(kind="project", name=_clean_name(link.text), origin=origin, url=link.url,
                      repository=link.url if host in _REPO_HOSTS else None,
                      members=[_strip_honorific(m)[1] for m in members],
                      description=apposition.group(1) if apposition else None)
