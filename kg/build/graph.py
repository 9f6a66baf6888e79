"""Records -> graph: each record's triples in its source's graph, roles over time. No I/O.

Identity (resolution, minting, the ledger) is kg.build.identity, provenance kg.build.provenance, the
schema.org <-> FOAF materialisation kg.build.inference; this module writes the records' own triples.

Every source document becomes its own named graph holding only what it says; `graph/provenance` describes the
documents with PROV-O and ties each record's subject to its line; `graph/inferred` holds what the build derives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Dataset, Graph, Literal, URIRef

from kg import iris
from kg.records import (Entity, Mention, Origin, Owner, Paper, PartialDate, RdfData, Record, Role,
                        Section, SourceDocument, Warning_)
from kg.build import identity, inference, provenance
from kg.build.provenance import PROVENANCE_GRAPH
from kg.build.resolve import PERSON, Resolver, fold
from kg.vocab import ARXIV_CATEGORIES, KG, RDF, SCHEMA, XSD

ROLE_LINK = {"work": SCHEMA.worksFor, "education": SCHEMA.alumniOf, "membership": SCHEMA.memberOf,
             "award": SCHEMA.memberOf}
ROLE_CLASS = {"work": SCHEMA.EmployeeRole, "education": SCHEMA.OrganizationRole,
              "membership": SCHEMA.OrganizationRole, "award": SCHEMA.OrganizationRole}
ORG_CLASS = {"university": SCHEMA.CollegeOrUniversity, "college": SCHEMA.CollegeOrUniversity,
             "research-institute": SCHEMA.ResearchOrganization, "institute": SCHEMA.ResearchOrganization,
             "lab": SCHEMA.ResearchOrganization, "company": SCHEMA.Corporation}
KIND_CLASSES = {kind.name: [kind.rdf_type] for kind in iris.KINDS.values()}  # else schema:Thing
IDENTIFIER_IRIS = {"doi": "https://doi.org/", "arxiv": "https://arxiv.org/abs/", "orcid": "https://orcid.org/",
                   "ror": "https://ror.org/", "wikidata": "http://www.wikidata.org/entity/"}
URL_FIELDS = ("url", "repository", "same_as", "pdf", "code_url")  # record fields that become IRIs


@dataclass
class Built:
    """The outcome of a build: the dataset, what the importers and builder noticed, and the IRI ledger."""

    dataset: Dataset
    owner: URIRef
    warnings: list[str] = field(default_factory=list)
    ledger: dict[str, str] = field(default_factory=dict)  # identity key -> IRI, carried from build to build
    redirects: dict[str, str] = field(default_factory=dict)  # old IRI -> current IRI


def put(g: Graph, s: URIRef, prop: URIRef, value: str | None, iri: bool = False) -> None:
    """Add (s, prop, value) when the source gives a value: an IRI or a plain literal."""
    if value:
        g.add((s, prop, URIRef(value) if iri else Literal(value)))


def coarser(date: PartialDate, best: PartialDate | None) -> bool:
    """True when `date` only repeats `best` less precisely (2020 beside 2020-11-27): leave it out."""
    return best is not None and best != date and best.iso().startswith(date.iso())


def date_literal(date: PartialDate) -> Literal:
    """A date typed at its precision: xsd:gYear, xsd:gYearMonth or xsd:date."""
    datatype = XSD.gYear if date.month is None else XSD.gYearMonth if date.day is None else XSD.date
    return Literal(date.iso(), datatype=datatype)


class _Builder:
    """One build's state: the resolver, minted IRIs and the dataset being written."""

    def __init__(self, records: list[Record], base: str, previous_ledger: dict[str, str] | None,
                 built_at: dt.datetime, owner: str | None = None):
        self.base, self.built_at = base, built_at
        self.warnings: list[str] = []
        self.external_owner = URIRef(owner) if owner else None  # named outside the importers (RDF, a setting)
        self.records = [self.repaired_urls(r) for r in records]
        self.docs = {r.path: r for r in records if isinstance(r, SourceDocument)}
        self.previous = previous_ledger or {}
        self.ds = Dataset(store="Oxigraph")
        self.prov = self.ds.graph(URIRef(base + PROVENANCE_GRAPH))
        self.entities = Resolver()
        self.paper_clusters: list = []
        self.paper_of: dict[int, int] = {}  # id(record) -> paper cluster
        self.iri: dict[int, URIRef] = {}
        self.paper_iri: dict[int, URIRef] = {}
        self.ledger: dict[str, str] = {}
        self.redirects: dict[str, str] = {}
        self.owner_id: int | None = None
        self.preferred_name: dict[URIRef, str] = {}
        self.role_names: dict[URIRef, str] = {}
        self.described: set[URIRef] = set()  # entities some source describes (not only names in passing)

    # -- helpers -------------------------------------------------------------------------------------------

    def repaired_urls(self, r: Record) -> Record:
        """The record with every URL it gives made an absolute IRI (repaired, or left out), each change warned."""
        origin = getattr(r, "origin", None)
        for name in URL_FIELDS if not isinstance(r, Mention) else ():
            value = getattr(r, name, None)
            if isinstance(value, str):
                fixed, note = iris.repair_url(value)
                setattr(r, name, fixed)
            elif isinstance(value, list) and name == "same_as":
                pairs = [iris.repair_url(v) for v in value]
                setattr(r, name, [f for f, _ in pairs if f])
                note = "; ".join(n for _, n in pairs if n) or None
            else:
                continue
            if note and origin is not None:
                self.warn(origin, note)
        return r

    def importer(self, origin: Origin) -> str:
        doc = self.docs.get(origin.path)
        return doc.importer if doc else "rdf"

    def authority(self, origin: Origin) -> int:
        """The rank of the origin's document when sources disagree (0 first); unranked documents come last."""
        doc = self.docs.get(origin.path)
        return doc.authority if doc is not None and doc.authority is not None else 9

    def graph(self, origin: Origin, private: bool = False) -> Graph:
        """The named graph of a source document, or its private twin (kept out of every public route)."""
        return self.ds.graph(iris.private_iri(self.base, origin.path) if private
                             else iris.source_iri(self.base, origin.path))

    def add_identifiers(self, g: Graph, s: URIRef, identifiers: dict[str, str], origin: Origin) -> None:
        """Identifiers as schema:PropertyValue nodes ({s}#id-{scheme}), and schema:sameAs where a scheme has IRIs."""
        for scheme, value in sorted(identifiers.items()):
            node = URIRef(f"{s}#id-{iris.slugify(scheme)}")
            g.add((s, SCHEMA.identifier, node))
            g.add((node, RDF.type, SCHEMA.PropertyValue))
            g.add((node, SCHEMA.propertyID, Literal(scheme)))
            g.add((node, SCHEMA.value, Literal(value)))
            if scheme in IDENTIFIER_IRIS and iris.is_iri(IDENTIFIER_IRIS[scheme] + value):
                g.add((s, SCHEMA.sameAs, URIRef(IDENTIFIER_IRIS[scheme] + value)))
            elif scheme in IDENTIFIER_IRIS:
                self.warn(origin, f"{scheme} {value!r} makes no IRI: kept as an identifier only")

    def traced(self, subject: URIRef, origin: Origin, private: bool = False) -> None:
        """Tie a subject to its source line; a private record's provenance stays in the private graph with it."""
        if origin.line:
            provenance.trace(self.graph(origin, private=True) if private else self.prov, self.base, subject,
                             origin)

    def warn(self, origin: Origin, message: str) -> None:
        where = f"{origin.path}:{origin.line}" if origin.line else origin.path
        self.warnings.append(f"{where}: {message}")

    def node(self, kind: str, name: str | None = None, url: str | None = None) -> URIRef | None:
        cid = self.entities.find(kind, name, url)
        return self.iri.get(self.entities.cluster(cid).id) if cid is not None else None

    def thing(self, name: str) -> URIRef | None:
        """An organization, project, initiative or event by name (their names share one namespace)."""
        return self.node("organization", name)

    # -- resolution ----------------------------------------------------------------------------------------

    def ordered(self) -> list[Record]:
        return sorted(self.records, key=lambda r: self.authority(r.origin)
                      if hasattr(r, "origin") else -1)

    def resolve(self) -> None:
        """Resolve every mention to an entity or paper cluster (kg.build.identity)."""
        found = identity.resolve(self.ordered(), self.docs, self.external_owner)
        self.entities, self.owner_id = found.entities, found.owner_id
        self.paper_clusters, self.paper_of = found.paper_clusters, found.paper_of

    def mint(self) -> None:
        """An IRI per cluster, the ledger and its redirects (kg.build.identity)."""
        minted = identity.mint(self.base, self.entities.clusters(), self.paper_clusters, self.previous)
        self.iri, self.paper_iri, self.preferred_name = minted.iri, minted.paper_iri, minted.preferred_name
        self.ledger, self.redirects = minted.ledger, minted.redirects

    # -- triples -------------------------------------------------------------------------------------------

    def entity_iri(self, kind: str, name: str | None = None, url: str | None = None) -> URIRef:
        found = self.node(kind, name, url)
        if found is None:
            raise KeyError(f"unresolved {kind} {name or url}")
        return found

    def kind_of(self, iri: URIRef) -> str:
        parsed = iris.parse(self.base, str(iri))
        return parsed[0] if parsed else "thing"

    def describe_clusters(self) -> None:
        """Types and names of every resolved entity, in the graph of each source that met it."""
        for r in self.ordered():
            if isinstance(r, Entity):
                self.add_entity(r)
            elif isinstance(r, Owner):
                self.add_owner(r)

    def add_entity(self, e: Entity) -> None:
        g, s = self.graph(e.origin, e.private), self.entity_iri(e.kind, e.name, e.url)
        self.described.add(s)
        kind = self.kind_of(s)
        for cls in KIND_CLASSES.get(kind, [SCHEMA.Thing]):
            g.add((s, RDF.type, cls))
        if kind == "initiative":
            is_event = e.kind == "event" or e.date is not None or e.super_event is not None
            g.add((s, RDF.type, SCHEMA.Event if is_event else SCHEMA.Organization))
        if e.org_type in ORG_CLASS and kind == "organization":
            g.add((s, RDF.type, ORG_CLASS[e.org_type]))
        if e.repository or (e.url and "github.com" in e.url and kind == "project"):
            g.add((s, RDF.type, SCHEMA.SoftwareSourceCode))
            g.add((s, SCHEMA.codeRepository, URIRef(e.repository or e.url)))
        self.add_name(g, s, e.name)
        preferred = fold(self.preferred_name.get(s, e.name))
        for alt in e.alternate_names:
            if fold(alt) != preferred:
                g.add((s, SCHEMA.alternateName, Literal(alt)))
        put(g, s, SCHEMA.honorificPrefix, e.honorific)
        put(g, s, SCHEMA.url, e.url, iri=True)
        put(g, s, SCHEMA.description, e.description)
        if e.parent:
            parent = self.entity_iri("organization", e.parent)
            g.add((s, SCHEMA.parentOrganization, parent))
            g.add((parent, SCHEMA.subOrganization, s))
        if e.super_event:
            g.add((s, SCHEMA.superEvent, self.entity_iri("event", e.super_event)))
        if e.date:
            g.add((s, SCHEMA.startDate, date_literal(e.date)))
        for member in e.members:
            g.add((s, SCHEMA.member, self.entity_iri(PERSON, member)))
        for same in e.same_as:
            g.add((s, SCHEMA.sameAs, URIRef(same)))
        self.add_identifiers(g, s, e.identifiers, e.origin)
        if kind == "topic":
            scheme = iris.mint(self.base, "topic", "interests")
            g.add((s, SCHEMA.inDefinedTermSet, scheme))
            if e.code:
                g.add((s, SCHEMA.termCode, Literal(e.code)))
        self.traced(s, e.origin, e.private)

    def add_name(self, g: Graph, s: URIRef, name: str) -> None:
        """The resolved preferred name, plus the name as written here when it differs."""
        preferred = self.preferred_name.get(s, name)
        g.add((s, SCHEMA.name, Literal(preferred)))
        if fold(preferred) != fold(name):
            g.add((s, SCHEMA.alternateName, Literal(name)))

    def add_owner(self, o: Owner) -> None:
        g, s = self.graph(o.origin), self.iri[self.entities.cluster(self.owner_id).id]
        g.add((s, RDF.type, SCHEMA.Person))
        g.add((s, RDF.type, KG.Owner))
        if o.name:
            self.add_name(g, s, o.name)
        for alt in o.alternate_names:
            g.add((s, SCHEMA.alternateName, Literal(alt)))
        put(g, s, SCHEMA.jobTitle, o.label)
        put(g, s, SCHEMA.pronouns, o.pronouns)
        if o.image:
            if re.match(r"^https?://", o.image):
                g.add((s, SCHEMA.image, URIRef(o.image)))
            else:
                self.warn(o.origin, f"image {o.image!r} is a path on the owner's own site; not published")
        put(g, s, SCHEMA.url, o.url, iri=True)
        put(g, s, SCHEMA.workLocation, o.location)
        put(g, s, SCHEMA.description, o.summary)
        for same in o.same_as:
            g.add((s, SCHEMA.sameAs, URIRef(same)))
        self.add_identifiers(g, s, o.identifiers, o.origin)
        private = self.graph(o.origin, private=True)
        for prop, value in o.private_facts.items():
            private.add((s, SCHEMA[prop], Literal(value)))
        for interest in o.interests:
            topic = self.node("topic", interest)
            if topic is not None:
                g.add((s, SCHEMA.knowsAbout, topic))
        self.traced(s, o.origin)

    def add_role(self, r: Role) -> None:
        g = self.graph(r.origin, r.private)
        person, org, role = self.role_iris(r)
        if org is None and r.category == "award" and r.role_name and not r.organization.strip():
            g.add((person, SCHEMA.award, Literal(r.role_name)))
            self.warn(r.origin, f"award {r.role_name!r} names no awarder: kept as the award's name only")
            return
        if org is None:
            self.warn(r.origin, f"role in unknown {r.organization!r} skipped")
            return
        self.add_thing_stub(g, org, r.organization)
        role_name = self.role_names.setdefault(role, r.role_name)  # one spelling: the most authoritative source's
        link = ROLE_LINK[r.category]
        g.add((person, link, role))
        g.add((role, RDF.type, ROLE_CLASS[r.category]))
        g.add((role, link, org))
        g.add((role, SCHEMA.roleName, Literal(role_name)))
        if r.category == "award":
            g.add((person, SCHEMA.award, Literal(r.role_name)))
        best_start, best_end = self.role_dates.get(role, (None, None))
        for prop, date, best in ((SCHEMA.startDate, r.start, best_start), (SCHEMA.endDate, r.end, best_end)):
            if date and not coarser(date, best):
                g.add((role, prop, date_literal(date)))
        put(g, role, SCHEMA.description, r.description)
        put(g, role, SCHEMA.location, r.location)
        for name in r.supervisors:
            g.add((role, KG.supervisor, self.entity_iri(PERSON, name)))
        for name in r.hosts:
            g.add((role, KG.host, self.entity_iri(PERSON, name)))
        for name in [*r.supervisors, *r.hosts]:
            self.add_person_stub(g, name)
        self.traced(role, r.origin, r.private)

    def role_iris(self, r: Role) -> tuple[URIRef, URIRef | None, URIRef | None]:
        """The person, the organization and the role node of a role record (one node per person, org, role name)."""
        person = self.entity_iri(PERSON, r.person) if r.person else self.owner_iri()
        org = self.thing(r.organization) if r.organization.strip() else None
        if org is None:
            return person, None, None
        slug = "--".join([iris.parse(self.base, str(person))[1], iris.parse(self.base, str(org))[1],
                          iris.slugify(r.role_name or r.category, max_words=6)])
        return person, org, iris.mint(self.base, "role", slug)

    def most_precise_role_dates(self) -> dict[URIRef, tuple[PartialDate | None, PartialDate | None]]:
        """Per role node, the most precise start and end any source gives."""
        best: dict[URIRef, list] = defaultdict(lambda: [None, None])
        for r in self.records:
            if isinstance(r, Role):
                role = self.role_iris(r)[2]
                for i, date in enumerate((r.start, r.end)):
                    if date and (best[role][i] is None or len(date.iso()) > len(best[role][i].iso())):
                        best[role][i] = date
        return {k: (v[0], v[1]) for k, v in best.items()}

    def add_thing_stub(self, g: Graph, s: URIRef, name: str) -> None:
        """An organization, initiative, project or event named in this source: typed and named here too."""
        kind = self.kind_of(s)
        classes = KIND_CLASSES.get(kind, [SCHEMA.Thing])
        if kind == "initiative" and s not in self.described:
            classes = [*classes, SCHEMA.Organization]  # met only as a role's organization
        for cls in classes:
            g.add((s, RDF.type, cls))
        self.add_name(g, s, name)

    def add_person_stub(self, g: Graph, name: str) -> None:
        """A person met only by name in this source: typed and named here, so this graph stands alone."""
        s = self.entity_iri(PERSON, name)
        g.add((s, RDF.type, SCHEMA.Person))
        self.add_name(g, s, name)

    def add_paper(self, p: Paper, complete_lists: dict[int, Origin]) -> None:
        g = self.graph(p.origin, p.private)
        cid = self.paper_of[id(p)]
        s = self.paper_iri[cid]
        g.add((s, RDF.type, SCHEMA.ScholarlyArticle))
        if p.entry_type in ("phdthesis", "mastersthesis", "thesis"):
            g.add((s, RDF.type, SCHEMA.Thesis))
        title = self.paper_clusters[cid].name  # the most authoritative source's title
        if fold(p.title) == fold(title):
            g.add((s, SCHEMA.name, Literal(title)))
            g.add((s, SCHEMA.headline, Literal(title)))
        else:
            g.add((s, SCHEMA.alternateName, Literal(p.title)))
        if p.date and not coarser(p.date, self.best_dates.get(cid)):
            g.add((s, SCHEMA.datePublished, date_literal(p.date)))
        put(g, s, SCHEMA.abstract, p.abstract)
        authority = complete_lists.get(cid) == p.origin
        for n, a in enumerate(p.authors, start=1):
            kind = "organization" if a.is_organization else PERSON
            author = self.entity_iri(kind, a.name)
            g.add((s, SCHEMA.author, author))
            g.add((author, RDF.type, SCHEMA.Organization if a.is_organization else SCHEMA.Person))
            self.add_name(g, author, a.name)
            if authority:
                slot = URIRef(f"{s}#author-{n}")
                g.add((s, KG.authorship, slot))
                g.add((slot, RDF.type, KG.Authorship))
                g.add((slot, SCHEMA.position, Literal(n)))
                g.add((slot, SCHEMA.author, author))
        if p.truncated and authority:
            g.add((s, RDF.type, KG.TruncatedAuthorList))
        if p.selected:
            g.add((s, RDF.type, KG.SelectedPaper))
        if p.category:
            topic = self.arxiv_topic(g, p.category, p.origin)
            g.add((s, SCHEMA.about, topic))
        if p.affiliation:
            org = self.thing(p.affiliation)
            if org is not None:
                g.add((s, SCHEMA.sourceOrganization, org))
            else:
                self.warn(p.origin, f"affiliation tag {p.affiliation!r} names no known organization")
        put(g, s, SCHEMA.url, p.url, iri=True)
        put(g, s, SCHEMA.codeRepository, p.code_url, iri=True)
        if p.pdf and p.pdf.startswith(("http://", "https://")):
            g.add((s, SCHEMA.associatedMedia, URIRef(p.pdf)))
        ids = {**p.identifiers, **{k: v for k, v in (("doi", p.doi), ("arxiv", p.arxiv), ("bibtex", p.bib_key)) if v}}
        self.add_identifiers(g, s, ids, p.origin)
        if p.venue:
            g.add((s, SCHEMA.publisher if p.entry_type == "phdthesis" else SCHEMA.description,
                   Literal(p.venue)))
        if p.school:
            school = self.thing(p.school)
            if school is not None:
                g.add((s, SCHEMA.sourceOrganization, school))
        for kw in p.keywords:
            g.add((s, SCHEMA.keywords, Literal(kw)))
        self.traced(s, p.origin, p.private)

    def arxiv_topic(self, g: Graph, code: str, origin: Origin) -> URIRef:
        topic = iris.mint(self.base, "topic", iris.slugify(code))
        g.add((topic, RDF.type, SCHEMA.DefinedTerm))
        g.add((topic, SCHEMA.termCode, Literal(code)))
        g.add((topic, SCHEMA.name, Literal(ARXIV_CATEGORIES.get(code, code))))
        g.add((topic, SCHEMA.inDefinedTermSet, iris.mint(self.base, "topic", "arxiv")))
        if code not in ARXIV_CATEGORIES:
            self.warn(origin, f"arXiv category {code!r} is not one the project knows; kept as given")
        return topic

    def most_precise_dates(self) -> dict[int, PartialDate]:
        """Per paper, the most precise date any source gives; a coarser date agreeing with it is left out."""
        best: dict[int, PartialDate] = {}
        for p in self.records:
            if isinstance(p, Paper) and p.date:
                cid = self.paper_of[id(p)]
                if cid not in best or len(p.date.iso()) > len(best[cid].iso()):
                    best[cid] = p.date
        return best

    def complete_author_lists(self) -> dict[int, Origin]:
        """For each paper, the source whose author list is the authority: complete before truncated, then longest."""
        best: dict[int, tuple[tuple, Origin]] = {}
        for p in self.records:
            if isinstance(p, Paper):
                cid = self.paper_of[id(p)]
                rank = (not p.truncated, len(p.authors), -self.authority(p.origin))
                if cid not in best or rank > best[cid][0]:
                    best[cid] = (rank, p.origin)
        return {cid: origin for cid, (_, origin) in best.items()}

    def add_document(self, d: SourceDocument) -> None:
        if d.importer == "homepage" and d.version_date is None:
            self.warn(Origin(d.path, 1), "undated homepage version: taken as the current one (dated today)")
        provenance.describe_document(self.prov, self.base, d, self.built_at)

    def add_homepage(self, sections: list[Section], mentions: list[Mention]) -> None:
        """A homepage version's prose and links, in its own graph."""
        owner = self.owner_iri()
        positions: dict[str, int] = defaultdict(int)
        for sec in sections:
            g, src = self.graph(sec.origin), iris.source_iri(self.base, sec.origin.path)
            positions[sec.origin.path] += 1
            part = URIRef(f"{src}#section-{iris.slugify(sec.heading)}")
            g.add((src, SCHEMA.about, owner))
            g.add((src, SCHEMA.hasPart, part))
            g.add((part, RDF.type, SCHEMA.WebPageElement))
            g.add((part, SCHEMA.name, Literal(sec.heading)))
            g.add((part, SCHEMA.text, Literal(sec.markdown)))
            g.add((part, SCHEMA.position, Literal(positions[sec.origin.path])))
            self.traced(part, sec.origin)
        for m in mentions:
            target = self.node("organization", url=m.url) or self.node(PERSON, url=m.url)
            if target is not None:
                self.graph(m.origin).add((iris.source_iri(self.base, m.origin.path), SCHEMA.mentions, target))

    def add_rdf(self, r: RdfData) -> None:
        g = self.graph(r.origin)
        for triple in r.triples:
            g.add(triple)

    def run(self) -> Built:
        self.resolve()
        self.mint()
        for d in self.docs.values():
            self.add_document(d)
        self.describe_clusters()
        complete = self.complete_author_lists()
        self.best_dates = self.most_precise_dates()
        self.role_dates = self.most_precise_role_dates()
        sections, mentions = [], []
        for r in self.ordered():
            if isinstance(r, Role):
                self.add_role(r)
            elif isinstance(r, Paper):
                self.add_paper(r, complete)
            elif isinstance(r, Section):
                sections.append(r)
            elif isinstance(r, Mention):
                mentions.append(r)
            elif isinstance(r, RdfData):
                self.add_rdf(r)
            elif isinstance(r, Warning_):
                self.warn(r.origin, r.message)
        self.add_homepage(sections, mentions)
        inference.infer(self.ds, self.base)
        return Built(self.ds, self.owner_iri(), self.warnings, self.ledger, self.redirects)

    def owner_iri(self) -> URIRef:
        """The owner: the one the importers name, else the one named outside them (imported RDF, a setting)."""
        if self.owner_id is None:
            return self.external_owner
        return self.iri[self.entities.cluster(self.owner_id).id]


def build_graph(records: Iterable[Record], base: str, previous_ledger: dict[str, str] | None = None,
                built_at: dt.datetime | None = None, owner: str | None = None) -> Built:
    """Turn importer records into the profile's dataset (one named graph per source document); `owner` names
    the owner when no importer does (imported RDF declares one, or the `owner` setting)."""
    built_at = built_at or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return _Builder(list(records), base, previous_ledger, built_at, owner).run()
