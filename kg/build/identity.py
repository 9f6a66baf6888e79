"""Identity: every mention resolved to one entity or paper, one IRI minted per cluster, and the IRI ledger.

Resolution registers the records' mentions in order of source authority (kg.build.resolve clusters them); minting
gives each cluster an IRI from its preferred name; the ledger (identity key -> IRI) is carried from build to build
so an IRI that changes answers with a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection, Sequence

from rdflib import URIRef

from kg import iris
from kg.errors import BuildError
from kg.records import Alias, Entity, Owner, Paper, Record, Role
from kg.build.resolve import PERSON, Resolver, cluster_papers, paper_ids


@dataclass
class Resolution:
    """Who is who: the entity clusters, the paper clusters, each paper record's cluster, the owner's cluster."""

    entities: Resolver
    paper_clusters: list
    paper_of: dict[int, int]  # id(record) -> paper cluster
    owner_id: int | None


@dataclass
class Minted:
    """The IRIs of one build: per entity and paper cluster, each IRI's preferred name, the ledger, its redirects."""

    iri: dict[int, URIRef] = field(default_factory=dict)
    paper_iri: dict[int, URIRef] = field(default_factory=dict)
    preferred_name: dict[URIRef, str] = field(default_factory=dict)
    ledger: dict[str, str] = field(default_factory=dict)  # identity key -> IRI, carried from build to build
    redirects: dict[str, str] = field(default_factory=dict)  # old IRI -> current IRI


def resolve(ordered: Sequence[Record], docs: Collection[str], external_owner: URIRef | None) -> Resolution:
    """Register every mention in order of source authority, then merge people by given names; BuildError when
    nobody is the owner (docs: the source paths, to say where an owner was expected)."""
    entities, owner_id = Resolver(), None
    for r in ordered:
        if isinstance(r, Entity):
            entities.add(r.kind, r.name, r.url, r.alternate_names)
            for member in r.members:
                entities.add(PERSON, member)
        elif isinstance(r, Owner) and r.name:
            cid = entities.add(PERSON, r.name, r.url, r.alternate_names)
            owner_id = owner_id if owner_id is not None else cid
        elif isinstance(r, Alias):
            entities.alias(r.name, r.alias)
    for r in ordered:
        if isinstance(r, Entity):
            if r.parent and entities.find("organization", r.parent) is None:
                entities.add("organization", r.parent)
            if r.super_event and entities.find("event", r.super_event) is None:
                entities.add("event", r.super_event)
        elif isinstance(r, Role):
            if r.organization.strip() and entities.find("organization", r.organization) is None:
                kind = "initiative" if r.category == "membership" else "organization"
                entities.add(kind, r.organization, r.url if r.category != "award" else None)
            for person in [*r.supervisors, *r.hosts] + ([r.person] if r.person else []):
                entities.add(PERSON, person)
        elif isinstance(r, Paper):
            for a in r.authors:
                entities.add("organization" if a.is_organization else PERSON, a.name)
    entities.merge_people_by_given_names()
    papers = [r for r in ordered if isinstance(r, Paper)]
    paper_clusters, membership = cluster_papers([(p.title, paper_ids(p.doi, p.arxiv)) for p in papers])
    paper_of = {id(p): cid for p, cid in zip(papers, membership)}
    if owner_id is None and external_owner is None:
        where = next((p for p in docs if p.endswith(("_config.yml", "resume.json"))), next(iter(docs), "content"))
        raise BuildError([f"{where}:1: no owner: the content names nobody (al-folio: first_name and last_name "
                          f"in _config.yml; JSON Resume: basics.name; RDF: a foaf:PersonalProfileDocument, a "
                          f"schema:ProfilePage or kg build --owner)"])
    return Resolution(entities, paper_clusters, paper_of, owner_id)


def mint(base: str, entity_clusters: Sequence, paper_clusters: Sequence, previous: dict[str, str]) -> Minted:
    """An IRI per cluster from its preferred name; the ledger keeps old IRIs answering (redirects)."""
    minted, taken = Minted(), set()
    for clusters, table in ((entity_clusters, minted.iri), (paper_clusters, minted.paper_iri)):
        for c in clusters:
            kind = next((k for k in c.kinds if k != "thing"), c.kind)
            kind = "paper" if table is minted.paper_iri else kind
            slug = iris.slugify(c.name)
            candidate, n = slug, 2
            while f"{kind}/{candidate}" in taken:
                candidate, n = f"{slug}-{n}", n + 1
            taken.add(f"{kind}/{candidate}")
            new = iris.mint(base, kind, candidate)
            table[c.id] = new
            minted.preferred_name[new] = c.name
            for key in sorted(c.keys):
                old = previous.get(key)
                if old and old != str(new):
                    minted.redirects[old] = str(new)
                minted.ledger[key] = str(new)
    return minted
