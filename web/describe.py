"""The one view-model of a resource: label, kind, types, properties, incoming relations, each fact's sources.

The HTML page, the schema.org JSON-LD and the Google Scholar meta tags all read a `ResourceView`; nothing else
queries the store for a resource. Four queries build it (the resource bound as a term, never pasted in):
its statements with the graph holding each, the statements of the nodes it owns (roles, `#author-N`
authorships, blank nodes), its incoming statements, and the holders of roles that point at it. A view is
computed once per data version and cached.

The RDF of a resource (`resource_triples`) is one CONSTRUCT: its statements, those of the nodes it owns, and
the names of everything they link to, so a client can label the links without a second request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg import iris
from kg.store.base import GraphStore
from kg.vocab import FOAF, KG, PROV, RDF, SCHEMA

S, F, K = str(SCHEMA), str(FOAF), str(KG)
RDF_TYPE = str(RDF.type)
NAME = S + "name"

ROLE_TYPES = (S + "Role", S + "OrganizationRole", S + "EmployeeRole", S + "PerformanceRole", S + "LinkRole",
              K + "Authorship")
_ROLE_VALUES = " ".join(f"<{t}>" for t in ROLE_TYPES)
# A node a resource owns: a blank node, a `#fragment` of the resource, or a role (the schema.org Role pattern).
_OWNED = f"""(isBlank(?n) || STRSTARTS(STR(?n), CONCAT(STR(?r), "#"))
           || EXISTS {{ ?n a ?roleType . VALUES ?roleType {{ {_ROLE_VALUES} }} }})"""

Q_OUT = f"""
SELECT ?r ?p ?o ?g ?name WHERE {{
  GRAPH ?g {{ ?r ?p ?o }}
  OPTIONAL {{ ?o <{NAME}> ?name }}
}}"""

# The owned nodes (and, below, the incoming role nodes) are found in a sub-SELECT first: written as one group,
# Oxigraph evaluated the OPTIONALs before the FILTER, 3-10 times slower for the same rows (10k triples, in memory).
Q_OWNED = f"""
SELECT ?r ?n ?p ?o ?g ?name WHERE {{
  {{ SELECT DISTINCT ?r ?n WHERE {{ ?r ?link ?n . FILTER {_OWNED} }} }}
  GRAPH ?g {{ ?n ?p ?o }}
  OPTIONAL {{ ?o <{NAME}> ?name }}
}}"""

Q_IN = f"""
SELECT ?r ?s ?p ?g ?name ?date WHERE {{
  GRAPH ?g {{ ?s ?p ?r }}
  OPTIONAL {{ ?s <{NAME}> ?name }}
  OPTIONAL {{ ?s <{S}datePublished> ?date }}
}}"""

# Roles (and authorships) pointing at the resource, with whoever holds them: an organization's members, a
# person's papers (through their `#author-N` entries).
Q_IN_ROLES = f"""
SELECT ?r ?n ?p ?holder ?hp ?g ?name ?roleName ?start ?end ?position ?date WHERE {{
  {{ SELECT DISTINCT ?r ?n ?p ?g ?holder ?hp WHERE {{
    GRAPH ?g {{ ?n ?p ?r }}
    ?holder ?hp ?n .
    FILTER (?hp != <{RDF_TYPE}>)
    FILTER (isBlank(?n) || STRSTARTS(STR(?n), CONCAT(STR(?holder), "#"))
            || EXISTS {{ ?n a ?roleType . VALUES ?roleType {{ {_ROLE_VALUES} }} }})
  }} }}
  OPTIONAL {{ ?holder <{NAME}> ?name }}
  OPTIONAL {{ ?n <{S}roleName> ?roleName }}
  OPTIONAL {{ ?n <{S}startDate> ?start }}
  OPTIONAL {{ ?n <{S}endDate> ?end }}
  OPTIONAL {{ ?n <{S}position> ?position }}
  OPTIONAL {{ ?holder <{S}datePublished> ?date }}
}}"""

# The RDF of a resource in three steps: a join of "what it links" with every name in the store makes Oxigraph's
# planner scan all names (8 s for one person at 1 million triples); naming the linked nodes in VALUES takes 10 ms.
Q_STATEMENTS = "SELECT ?r ?p ?o WHERE { ?r ?p ?o }"
Q_OWNED_STATEMENTS = f"""
SELECT ?r ?n ?np ?no WHERE {{ ?r ?link ?n . FILTER {_OWNED} ?n ?np ?no }}"""
Q_NAMES = f"SELECT ?l ?label WHERE {{ VALUES ?l {{ %s }} ?l <{NAME}> ?label }}"

Q_SOURCES = f"""
SELECT ?g ?file WHERE {{
  GRAPH ?prov {{ ?g a <{PROV.Entity}> ; <{SCHEMA.name}> ?file }}
}}"""

# Labels a person reads instead of property IRIs; anything else is its local name, split into words.
LABELS = {
    S + "name": "name", F + "name": "name (FOAF)", S + "headline": "title", S + "alternateName": "also known as",
    S + "author": "authors", F + "maker": "makers (FOAF)", S + "datePublished": "published",
    S + "about": "topics", S + "sourceOrganization": "from", S + "url": "web site", F + "homepage": "home page",
    S + "worksFor": "work", S + "alumniOf": "education", S + "memberOf": "memberships",
    S + "knowsAbout": "interests", S + "workLocation": "works in", S + "jobTitle": "position",
    S + "identifier": "identifiers", S + "codeRepository": "code", S + "member": "members",
    S + "parentOrganization": "part of", S + "subOrganization": "units", S + "termCode": "code",
    S + "inDefinedTermSet": "vocabulary", S + "superEvent": "part of event", S + "startDate": "from",
    S + "endDate": "until", S + "roleName": "role", S + "position": "position", K + "supervisor": "supervisor",
    K + "host": "host", str(PROV.wasDerivedFrom): "derived from", S + "award": "awards",
    S + "affiliation": "affiliations", S + "sameAs": "same as", S + "image": "picture",
}
# Incoming relations, by (predicate, kind of the subjects) or by predicate alone.
INVERSE_LABELS = {
    (S + "author", "paper"): "publications", S + "author": "author of",
    (S + "about", "paper"): "papers on this topic", S + "about": "described in",
    S + "knowsAbout": "people interested", S + "member": "member of",
    S + "worksFor": "people working here", S + "alumniOf": "alumni", S + "memberOf": "members",
    S + "parentOrganization": "units", S + "subOrganization": "part of",
    S + "sourceOrganization": "papers from here", S + "affiliation": "affiliated people",
    S + "mentions": "mentioned in", S + "inDefinedTermSet": "terms", K + "supervisor": "supervised",
    K + "host": "hosted", S + "superEvent": "events within", S + "workLocation": "workplace of",
    S + "address": "address of",
}
ORDER = [S + "headline", S + "alternateName", S + "author", S + "datePublished", S + "jobTitle",
         S + "description", S + "abstract", S + "worksFor", S + "alumniOf", S + "memberOf", S + "affiliation",
         S + "member", S + "about", S + "knowsAbout", S + "sourceOrganization", S + "parentOrganization",
         S + "subOrganization", S + "url", F + "homepage", S + "codeRepository", S + "identifier", S + "award"]
# Types are shown apart; authorships order the authors; foaf:made/maker are the inferred twins of schema:author.
HIDDEN = {RDF_TYPE, K + "authorship", F + "made", F + "maker"}
HIDDEN_INCOMING = {F + "maker"}  # the inferred twin of schema:author
ROLE_LINKS = (S + "worksFor", S + "alumniOf", S + "memberOf")
LONG_TEXT = {S + "description", S + "abstract", S + "text"}
SPECIAL_GRAPHS = {"graph/inferred": "inferred by the build", "graph/provenance": "provenance",
                  "graph/updates": "SPARQL Update"}


@dataclass(frozen=True)
class Source:
    """A source document (a named graph), shown by its file name."""

    iri: str
    label: str


@dataclass
class Value:
    """One value of a property: what to show, where it links (only http(s) or our own paths), and its sources."""

    label: str
    iri: str | None = None
    link: str | None = None
    kind: str | None = None  # our kind, when the value is one of our resources
    literal: bool = False
    datatype: str | None = None
    sources: list[Source] = field(default_factory=list)
    # for a role or authorship: its role name, dates and position; `iri` is then what it points at
    role: str | None = None
    start: str | None = None
    end: str | None = None
    position: int | None = None
    date: str | None = None  # a related paper's date, for ordering incoming publications
    # for a PropertyValue (an identifier): its kind ("bibtex", "arxiv", "doi") and value
    property_id: str | None = None
    text: str | None = None

    @property
    def dates(self) -> str:
        """"2020–2022", "2023–" or "" from the role's dates."""
        if not (self.start or self.end):
            return ""
        return f"{self.start or ''}–{self.end or ''}"


@dataclass
class Property:
    """A predicate with its values, labelled for people."""

    predicate: str
    label: str
    values: list[Value]
    long: bool = False


@dataclass
class ResourceView:
    """Everything a page, the JSON-LD and the citation tags need to know about a resource."""

    iri: str
    kind: str
    slug: str
    path: str
    label: str
    types: list[str]
    properties: list[Property]
    incoming: list[Property]
    sources: list[Source]

    def values(self, predicate: str) -> list[Value]:
        """The values of a predicate (full IRI), [] when it has none."""
        return next((p.values for p in self.properties if p.predicate == predicate), [])

    def first(self, predicate: str) -> str | None:
        """The label of the first value of a predicate, or None."""
        values = self.values(predicate)
        return values[0].label if values else None

    def incoming_values(self, predicate: str) -> list[Value]:
        """The subjects of incoming statements with a predicate, across subject kinds."""
        return [v for p in self.incoming if p.predicate == predicate for v in p.values]

    def has_type(self, iri: str) -> bool:
        return iri in self.types


# ---------------------------------------------------------------- labels and links


def local_label(iri: str) -> str:
    """"datePublished" -> "date published": the readable local name of a term."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ")
    return words[:1].upper() + words[1:].lower() if words[:1].isupper() else words.lower()


def predicate_label(iri: str) -> str:
    return LABELS.get(iri) or local_label(iri)


def type_label(iri: str) -> str:
    """"Scholarly article"; FOAF and own terms say which vocabulary they are from."""
    label = local_label(iri)
    if iri.startswith(F):
        return f"{label} (FOAF)"
    return label


def safe_link(iri: str, base: str) -> str | None:
    """Where a value may link: our own resources by path, other http(s) IRIs as they are; nothing else."""
    if iri.startswith(base):
        head, _, fragment = iri.partition("#")
        if iris.parse(base, head) is not None:
            return "/" + iri[len(base):]
        return None
    parts = urlsplit(iri)
    if parts.scheme in ("http", "https") and parts.netloc:
        return iri
    return None


def path_of(iri: str, base: str) -> str | None:
    """Our own path for one of our resources (no fragment), else None."""
    return "/" + iri[len(base):] if iris.parse(base, iri) else None


def _text(term) -> str | None:
    return None if term is None else term.value


def _sort_date(value: Value) -> str:
    return value.date or value.start or ""


# ---------------------------------------------------------------- the view


class Describer:
    """Builds resource views and RDF from one store, with a fixed base IRI."""

    def __init__(self, store: GraphStore, base: str):
        self.store, self.base = store, base
        self._sources: dict[str, Source] = {}

    # sources -----------------------------------------------------------
    def source_labels(self) -> dict[str, Source]:
        """Every named graph -> Source (file name from the provenance graph; build graphs by what they are)."""
        found = {row["g"].value: Source(row["g"].value, row["file"].value)
                 for row in self.store.query(Q_SOURCES) if isinstance(row["g"], ox.NamedNode)}
        for suffix, label in SPECIAL_GRAPHS.items():
            found.setdefault(self.base + suffix, Source(self.base + suffix, label))
        return found

    def _source(self, graph, sources: dict[str, Source]) -> Source:
        iri = graph.value
        if iri in sources:
            return sources[iri]
        name = iri[len(self.base):] if iri.startswith(self.base) else iri
        return Source(iri, name.removeprefix("source/"))

    # values --------------------------------------------------------------
    def _value(self, term, name=None, kind_hint: bool = True) -> Value:
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else None
            return Value(term.value, literal=True, datatype=datatype)
        if isinstance(term, ox.BlankNode):
            return Value(name.value if name is not None else "(unnamed node)")
        iri = term.value
        parsed = iris.parse(self.base, iri.partition("#")[0])
        label = name.value if name is not None else (parsed[1] if parsed and "#" not in iri else
                                                     self._derived_label(iri))
        return Value(label, iri=iri, link=safe_link(iri, self.base), kind=parsed[0] if parsed else None)

    def _derived_label(self, iri: str) -> str:
        """A line of a source document ("resume.json, line 12"), else the IRI itself."""
        head, _, fragment = iri.partition("#")
        if fragment.startswith("line=") and head.startswith(self.base + "source/"):
            source = self._sources.get(head)
            return f"{source.label if source else head[len(self.base) + 7:]}, line {fragment[5:]}"
        return iri

    def describe(self, iri: str, sources: dict[str, Source] | None = None) -> ResourceView | None:
        """The view of the resource at iri, or None when the store says nothing about it."""
        parsed = iris.parse(self.base, iri)
        if parsed is None:
            return None
        kind, slug = parsed
        node = ox.NamedNode(iri)
        bind = {"r": node}
        out = list(self.store.query(Q_OUT, bind))
        incoming = list(self.store.query(Q_IN, bind))
        if not out and not incoming:
            return None
        sources = sources if sources is not None else self.source_labels()
        self._sources = sources
        owned = list(self.store.query(Q_OWNED, bind))
        roles_in = list(self.store.query(Q_IN_ROLES, bind))

        # what the resource's own nodes say: role name, dates, position, and what they point at
        nodes: dict[str, dict] = {}
        for row in owned:
            n = nodes.setdefault(str(row["n"]), {"targets": {}})
            p, o = row["p"].value, row["o"]
            if p == S + "roleName":
                n["role"] = o.value
            elif p == S + "startDate":
                n["start"] = o.value
            elif p == S + "endDate":
                n["end"] = o.value
            elif p == S + "position":
                n["position"] = int(o.value) if o.value.lstrip("-").isdigit() else None
            elif p in (S + "propertyID", S + "value", NAME) and isinstance(o, ox.Literal):
                n[p[len(S):]] = o.value  # a PropertyValue (an identifier), or a named node
            elif p != RDF_TYPE and not isinstance(o, ox.Literal):
                n["targets"].setdefault(p, (o, row["name"]))

        # outgoing statements, grouped by predicate, each value with the graphs stating it
        types: dict[str, None] = {}
        grouped: dict[str, dict[str, Value]] = {}
        labels: list[str] = []
        for row in out:
            p, o = row["p"].value, row["o"]
            if p == RDF_TYPE:
                types.setdefault(o.value)
                continue
            if p == NAME and isinstance(o, ox.Literal):
                labels.append(o.value)
            values = grouped.setdefault(p, {})
            key = str(o)
            if key not in values:
                values[key] = self._node_value(o, nodes[key], p) if key in nodes else self._value(o, row["name"])
            source = self._source(row["g"], sources)
            if source not in values[key].sources:
                values[key].sources.append(source)
        authors = self._author_positions(nodes)
        properties = []
        for p, values in grouped.items():
            if p in HIDDEN:
                continue
            listed = list(values.values())
            if p == S + "author":
                for v in listed:
                    v.position = authors.get(v.iri or "")
                listed.sort(key=lambda v: (v.position is None, v.position or 0, v.label.lower()))
            elif any(v.start or v.end for v in listed):
                listed.sort(key=lambda v: (v.start or "9999"), reverse=True)
            else:
                listed.sort(key=lambda v: v.label.lower())
            properties.append(Property(p, predicate_label(p), listed, long=p in LONG_TEXT))
        rank = {p: i for i, p in enumerate(ORDER)}
        properties.sort(key=lambda prop: (prop.predicate in (NAME, F + "name"), rank.get(prop.predicate, len(rank)),
                                          prop.label))

        used_sources: dict[str, Source] = {}
        for prop in properties:
            for v in prop.values:
                for s in v.sources:
                    used_sources.setdefault(s.iri, s)
        label = max(sorted(set(labels)), key=labels.count) if labels else self._unnamed_label(kind, slug, grouped)
        return ResourceView(iri, kind, slug, "/" + iri[len(self.base):], label, list(types), properties,
                            self._incoming(incoming, roles_in, sources, kind), list(used_sources.values()))

    @staticmethod
    def _unnamed_label(kind: str, slug: str, grouped: dict[str, dict[str, Value]]) -> str:
        """A role has no name of its own: "Postdoctoral Researcher, Mila"; anything else goes by its slug."""
        if kind == "role":
            role = next((v.label for v in grouped.get(S + "roleName", {}).values()), None)
            where = next((v.label for p in ROLE_LINKS for v in grouped.get(p, {}).values()), None)
            if role or where:
                return ", ".join(x for x in (role, where) if x)
        return slug

    def _node_value(self, node_term, node: dict, predicate: str) -> Value:
        """A node the resource owns, shown for people: a role or authorship by what it points at ("Assistant
        Professor, Mila (2023–)"), an identifier as "bibtex: key", anything else by its name."""
        target = node["targets"].get(predicate) or next(iter(node["targets"].values()), None)
        if target is not None:
            value = self._value(*target)
        elif "value" in node:  # a PropertyValue: "bibtex: lovelace2024deep"
            value = Value(f"{node['propertyID']}: {node['value']}" if "propertyID" in node else node["value"],
                          property_id=node.get("propertyID"), text=node["value"])
        elif "name" in node:
            value = Value(node["name"])
        else:
            value = self._value(node_term)
        value.role, value.start, value.end = node.get("role"), node.get("start"), node.get("end")
        value.position = node.get("position")
        return value

    def _author_positions(self, nodes: dict[str, dict]) -> dict[str, int]:
        positions = {}
        for n in nodes.values():
            target = n["targets"].get(S + "author")
            if target is not None and n.get("position") is not None:
                positions.setdefault(target[0].value, n["position"])
        return positions

    def _incoming(self, rows, role_rows, sources, kind: str | None = None) -> list[Property]:
        """Incoming statements grouped by (predicate, kind of subject), roles shown by their holders."""
        groups: dict[tuple[str, str | None], dict[str, Value]] = {}
        role_nodes = {str(row["n"]) for row in role_rows}
        for row in rows:
            p, s = row["p"].value, row["s"]
            if p in HIDDEN_INCOMING or p == RDF_TYPE or str(s) in role_nodes:
                continue
            value = self._value(s, row["name"])
            if value.iri and value.iri.startswith(self.base + "source/") and value.iri in sources:
                value.label = sources[value.iri].label
            value.date = _text(row["date"])
            group = groups.setdefault((p, value.kind), {})
            value = group.setdefault(str(s), value)
            source = self._source(row["g"], sources)
            if source not in value.sources:
                value.sources.append(source)
        for row in role_rows:
            p, holder = row["p"].value, row["holder"]
            if p == RDF_TYPE:
                continue
            value = self._value(holder, row["name"])
            group = groups.setdefault((p, value.kind), {})
            # a holder met directly too (a paper's schema:author and its #author-N entry) is one entry
            key = str(holder) if p == S + "author" else f"{holder}|{row['n']}"
            value = group.setdefault(key, value)
            value.role = value.role or _text(row["roleName"])
            value.start = value.start or _text(row["start"])
            value.end = value.end or _text(row["end"])
            value.date = value.date or _text(row["date"])
            if row["position"] is not None and row["position"].value.isdigit():
                value.position = int(row["position"].value)
            source = self._source(row["g"], sources)
            if source not in value.sources:
                value.sources.append(source)
        result = []
        for (p, subject_kind), values in groups.items():
            listed = sorted(values.values(), key=lambda v: v.label.lower())
            if any(_sort_date(v) for v in listed):
                listed.sort(key=_sort_date, reverse=True)  # newest first; stable, so by name within a date
            label = INVERSE_LABELS.get((p, subject_kind)) or INVERSE_LABELS.get(p) or f"{predicate_label(p)} of"
            if kind == "role" and p in ROLE_LINKS:
                label = "held by"
            result.append(Property(p, label, listed))
        result.sort(key=lambda prop: (prop.label != "publications", -len(prop.values), prop.label))
        return result

    # RDF ------------------------------------------------------------------
    def triples(self, iri: str) -> list[ox.Triple]:
        """The RDF of a resource: its statements, its own nodes' statements, and the names of what they link."""
        r = ox.NamedNode(iri)
        triples = [ox.Triple(r, row["p"], row["o"]) for row in self.store.query(Q_STATEMENTS, {"r": r})]
        triples += [ox.Triple(row["n"], row["np"], row["no"])
                    for row in self.store.query(Q_OWNED_STATEMENTS, {"r": r})]
        linked = sorted({t.object.value for t in triples
                         if isinstance(t.object, ox.NamedNode) and t.predicate.value != RDF_TYPE})
        if linked:
            values = " ".join(str(ox.NamedNode(i)) for i in linked)  # terms serialized by pyoxigraph, not pasted
            name = ox.NamedNode(NAME)
            triples += [ox.Triple(row["l"], name, row["label"]) for row in self.store.query(Q_NAMES % values)]
        return list(dict.fromkeys(triples))


def resource_iris(store: GraphStore, base: str, kinds: Iterable[str] | None = None) -> list[str]:
    """Every resource of ours that has a type, sorted (for the sitemap)."""
    wanted = set(kinds) if kinds else set(iris.KINDS)
    found = set()
    for row in store.query("SELECT DISTINCT ?r WHERE { ?r a ?t FILTER(isIRI(?r)) }"):
        parsed = iris.parse(base, row["r"].value)
        if parsed and parsed[0] in wanted:
            found.add(row["r"].value)
    return sorted(found)
