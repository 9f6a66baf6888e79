"""What changed between two homepage versions: the triples of each version's named graph, read as facts.

A version graph holds what one homepage document says: its sections, the links it makes (schema:mentions),
the owner's present-tense roles, and what it tells about the things it links to. Triples are grouped into
facts a person can read ("Assistant Professor — DIRO", "mentions Mila", "section «Contact»") keyed so that
the same fact in two versions has the same key even though section IRIs differ per document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping
from kg.vocab import FOAF, RDF, SCHEMA

RDF_TYPE = str(RDF.type)
ROLE_RELS = {SCHEMA + "worksFor": "work", SCHEMA + "alumniOf": "education", SCHEMA + "memberOf": "membership"}
SKIP_PREDICATES = {SCHEMA + "position", SCHEMA + "about"}
NAME_PREDICATES = {SCHEMA + "name", SCHEMA + "alternateName", str(FOAF.name)}
GROUPS = ("role", "section", "mention", "profile", "entity")


@dataclass(frozen=True)
class Fact:
    """One readable statement of a version: comparable across versions by key."""

    key: tuple
    group: str  # one of GROUPS
    text: str
    href: str | None = None
    detail: str | None = None  # what may change while the fact stays (a section's text, a role's dates)
    line: int | None = None


@dataclass(frozen=True)
class Change:
    """A fact present in both versions whose detail differs."""

    old: Fact
    new: Fact


@dataclass(frozen=True)
class Diff:
    """Facts added by the newer version, removed from the older one, and changed between them."""

    added: list[Fact]
    removed: list[Fact]
    changed: list[Change]


def label_of(iri: str) -> str:
    """A readable label for a vocabulary term: its local name with camelCase split ("parent organization")."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() if local else iri


def version_facts(triples: Iterable[Mapping], version: str, owner: str | None,
                  href: Callable[[str], str | None], lines: Mapping[str, int] | None = None) -> dict[tuple, Fact]:
    """The facts of one version graph, from the rows of the `homepage-version-facts` query (term values as text).

    Each row maps subject, predicate, object to their text and may carry subjectName/objectName and
    `objectIsIri` (True for an IRI object).
    """
    lines = lines or {}
    props: dict[str, dict[str, list[tuple[str, bool]]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for row in triples:
        s, p, o = row["subject"], row["predicate"], row["object"]
        props[s][p].append((o, bool(row.get("objectIsIri"))))
        if row.get("subjectName"):
            names.setdefault(s, row["subjectName"])
        if row.get("objectName") and row.get("objectIsIri"):
            names.setdefault(o, row["objectName"])

    def name(iri: str) -> str:
        return names.get(iri) or iri.rsplit("/", 1)[-1]

    def first(s: str, p: str) -> str | None:
        values = props.get(s, {}).get(p)
        return values[0][0] if values else None

    facts: dict[tuple, Fact] = {}

    def add(fact: Fact) -> None:
        facts.setdefault(fact.key, fact)

    sections = {o for o, _ in props.get(version, {}).get(SCHEMA + "hasPart", [])}
    roles: set[str] = set()
    for s, by_p in props.items():
        if s != owner:
            continue
        for p, values in by_p.items():
            if p in ROLE_RELS:
                roles.update(o for o, is_iri in values if is_iri)

    for o, _ in props.get(version, {}).get(SCHEMA + "mentions", []):
        add(Fact(("mention", o), "mention", name(o), href(o)))
    for section in sections:
        heading = first(section, SCHEMA + "name") or section.rsplit("#", 1)[-1]
        add(Fact(("section", heading), "section", heading, detail=first(section, SCHEMA + "text") or "",
                 line=lines.get(section)))
    for role in roles:
        rel = next((p for p in ROLE_RELS if props.get(role, {}).get(p)), None)
        if rel is None:
            continue
        org = first(role, rel) or ""
        role_name = first(role, SCHEMA + "roleName") or ""
        dates = " – ".join(d for d in (first(role, SCHEMA + "startDate"), first(role, SCHEMA + "endDate")) if d)
        text = f"{role_name} — {name(org)}" if role_name else name(org)
        add(Fact(("role", ROLE_RELS[rel], role_name.lower(), org), "role", text, href(org), detail=dates or None,
                 line=lines.get(role)))
    for s, by_p in sorted(props.items()):
        if s == version or s in sections or s in roles:
            continue
        if s != owner and by_p.get(RDF_TYPE):
            types = tuple(sorted({label_of(o) for o, _ in by_p[RDF_TYPE]}))
            add(Fact(("entity", s, RDF_TYPE, types), "entity", f"{name(s)} — type: {', '.join(types)}",
                     href(s), line=lines.get(s)))
        for p, values in sorted(by_p.items()):
            if p in SKIP_PREDICATES or p == RDF_TYPE or (s == owner and p in ROLE_RELS):
                continue
            for o, is_iri in values:
                shown = (name(o) if href(o) else o) if is_iri else o
                if p in NAME_PREDICATES and shown == name(s):
                    continue  # "Mila: name Mila" says nothing the fact's label does not
                if s == owner:
                    add(Fact(("profile", p, o), "profile", f"{label_of(p)}: {shown}", line=lines.get(s)))
                else:
                    add(Fact(("entity", s, p, o), "entity", f"{name(s)} — {label_of(p)}: {shown}",
                             href(s), line=lines.get(s)))
    return facts


def diff(old: Mapping[tuple, Fact], new: Mapping[tuple, Fact]) -> Diff:
    """Added, removed and changed facts between an older and a newer version."""
    def order(f: Fact) -> tuple:
        return (GROUPS.index(f.group), f.text.lower())
    added = sorted((f for k, f in new.items() if k not in old), key=order)
    removed = sorted((f for k, f in old.items() if k not in new), key=order)
    changed = sorted((Change(old[k], f) for k, f in new.items() if k in old and old[k].detail != f.detail),
                     key=lambda c: order(c.new))
    return Diff(added, removed, changed)
