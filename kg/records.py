"""Plain records that importers produce and the builder turns into RDF.

Importers know file formats, not RDF; the builder knows RDF, not file formats. Every record carries
its `Origin` (file and line) so each triple can be traced to where it came from. Names are kept as
written; resolving them to one IRI per entity is the builder's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Union

EntityKind = Literal["person", "organization", "project", "initiative", "event", "place", "topic", "thing"]


@dataclass(frozen=True)
class Origin:
    """Where a record was read: a path relative to the content folder, and a 1-based line when known."""

    path: str
    line: int | None = None


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day, as sources give them ("2016", "December 2020")."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """ISO 8601 text at the known precision: 2020, 2020-12, 2020-12-04."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> dt.date:
        """The first day the date covers; ValueError when it is none (a year past 9999 or past a C int too)."""
        try:
            return dt.date(self.year, self.month or 1, self.day or 1)
        except OverflowError:
            raise ValueError(f"not a date: year {self.year}") from None

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse ISO text at any precision ("2020", "2020-12", "2020-12-04"); raises ValueError."""
        parts = [int(p) for p in text.strip().split("-")]
        if not 1 <= len(parts) <= 3:
            raise ValueError(f"not a date: {text!r}")
        date = cls(*parts)
        date.first_day()  # validates month and day
        return date


@dataclass
class SourceDocument:
    """A source file as a whole: becomes its own named graph with PROV-O provenance."""

    path: str
    importer: str  # e.g. "homepage", "resume", "listing", "bibtex", "rdf"
    media_type: str
    title: str | None = None
    version_date: dt.date | None = None  # the date the document describes, when it is one dated version
    authority: int | None = None  # its importer's rank when sources disagree (kg.sources stamps it; 0 first)


@dataclass
class Entity:
    """Something named in a source: a person, organization, project, initiative, event, place or topic.

    `key` identifies it across sources when present (usually its URL); otherwise the builder resolves by name.
    """

    kind: EntityKind
    name: str
    origin: Origin
    url: str | None = None
    alternate_names: list[str] = field(default_factory=list)
    honorific: str | None = None  # "Prof.", "Dr."
    org_type: str | None = None  # "university", "department", "lab", "committee", ... (organizations)
    parent: str | None = None  # name of the parent organization
    description: str | None = None
    repository: str | None = None  # projects: code repository URL
    members: list[str] = field(default_factory=list)  # names of people in a project or initiative
    date: PartialDate | None = None  # events
    super_event: str | None = None  # events: the name of the event it is part of
    same_as: list[str] = field(default_factory=list)
    code: str | None = None  # topics: a code in a scheme (cs.LG)
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value: orcid, ror, wikidata, isni
    private: bool = False  # never leaves through a public route


@dataclass
class Owner:
    """The person whose profile this is, with what the source says about them."""

    name: str
    origin: Origin
    label: str | None = None  # a headline, e.g. "Assistant Professor"
    pronouns: str | None = None
    image: str | None = None
    url: str | None = None
    email_obfuscated: str | None = None  # kept as written; a plain address is never published
    location: str | None = None
    summary: str | None = None
    alternate_names: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)  # topic names
    same_as: list[str] = field(default_factory=list)  # profiles elsewhere (JSON Resume basics.profiles urls)
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value: orcid, wikidata, ...
    private_facts: dict[str, str] = field(default_factory=dict)  # schema.org property -> value, owner-only


@dataclass
class Role:
    """A person's position, education, membership or award in an organization, project or initiative, over time.

    `category` chooses the schema.org property: work -> worksFor, education -> alumniOf,
    membership -> memberOf (committees, programmes, events co-organised), award -> award.
    """

    category: Literal["work", "education", "membership", "award"]
    organization: str  # name of the organization, project, initiative or event
    role_name: str
    origin: Origin
    person: str | None = None  # None means the owner
    start: PartialDate | None = None
    end: PartialDate | None = None
    current: bool | None = None  # a homepage in present tense says so
    supervisors: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    description: str | None = None
    url: str | None = None
    location: str | None = None
    private: bool = False


@dataclass
class Author:
    """One entry of a paper's author list, in order."""

    name: str
    is_organization: bool = False


@dataclass
class Paper:
    """A publication from a listing, a BibTeX file or another bibliography."""

    title: str
    authors: list[Author]
    origin: Origin
    date: PartialDate | None = None
    abstract: str | None = None
    truncated: bool = False  # the source's author list ended in "et al."
    category: str | None = None  # arXiv category code as given: "LG", "AO-PH", or "cs.LG"
    affiliation: str | None = None  # an affiliation tag of the listing ("mila")
    has_code: bool = False
    bib_key: str | None = None
    entry_type: str = "article"  # BibTeX type: article, inproceedings, phdthesis, misc...
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    pdf: str | None = None
    code_url: str | None = None
    school: str | None = None  # theses
    keywords: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # other schemes: pmid, isbn, ...
    selected: bool = False  # al-folio's `selected` flag: the owner's highlighted papers
    private: bool = False  # e.g. a paper under review


@dataclass
class Section:
    """A section of homepage prose: kept as a description, with its heading."""

    heading: str
    markdown: str
    origin: Origin


@dataclass
class Mention:
    """A link in prose: the entity it points to (by URL) is mentioned by the document."""

    text: str
    url: str
    section: str | None
    origin: Origin


@dataclass
class Alias:
    """An explicit declaration that two names are one entity (content/entities.yml)."""

    name: str
    alias: str
    origin: Origin


@dataclass
class Warning_:
    """Something odd the importer kept anyway (an unknown arXiv code, a name it could not parse)."""

    message: str
    origin: Origin


Record = Union[SourceDocument, Entity, Owner, Role, Paper, Section, Mention, Alias, Warning_]


@dataclass
class RdfData:
    """RDF taken as it is from a .ttl/.nt/.nq/.trig/.rdf/.jsonld file: (s, p, o) triples of rdflib terms, or,
    for a file the build streams into its store without reading it into Python, the file's path and format."""

    triples: list
    origin: Origin
    file: str | None = None  # absolute path of a file to stream (then `triples` is empty)
    format: str | None = None  # its pyoxigraph RdfFormat name, e.g. "N_TRIPLES"


Record = Union[SourceDocument, Entity, Owner, Role, Paper, Section, Mention, Alias, Warning_, RdfData]
