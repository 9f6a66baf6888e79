"""Inference: the schema.org <-> FOAF equivalences materialised, so a query in either vocabulary finds the same.

What follows from public graphs alone goes to `graph/inferred`; what needs a private fact goes to
`private/inferred`, so an inference never carries a private fact into a public graph.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Dataset, URIRef

from kg import iris
from kg.vocab import FOAF, KG, RDF, SCHEMA

INFERRED_GRAPH = "graph/inferred"
PRIVATE_INFERRED_GRAPH = "private/inferred"  # inferences that need a private fact (kg.iris.is_private_graph)

TYPE_RULES = {
    SCHEMA.Person: (FOAF.Person,),
    KG.Owner: (SCHEMA.Person, FOAF.Person),
    SCHEMA.Organization: (FOAF.Organization,),
    SCHEMA.CollegeOrUniversity: (SCHEMA.Organization, FOAF.Organization),
    SCHEMA.ResearchOrganization: (SCHEMA.Organization, FOAF.Organization),
    SCHEMA.Project: (FOAF.Project,),
    SCHEMA.EmployeeRole: (SCHEMA.OrganizationRole, SCHEMA.Role),
    SCHEMA.OrganizationRole: (SCHEMA.Role,),
    KG.Authorship: (SCHEMA.Role,),
    KG.TruncatedAuthorList: (SCHEMA.ScholarlyArticle,),
    KG.SelectedPaper: (SCHEMA.ScholarlyArticle,),
    SCHEMA.Thesis: (SCHEMA.CreativeWork,),
    SCHEMA.ScholarlyArticle: (FOAF.Document,),
}
NAMED_FOAF = {SCHEMA.Person, SCHEMA.Organization, SCHEMA.Project, KG.Owner}


def infer(ds: Dataset, base: str) -> None:
    """Materialise the schema.org <-> FOAF equivalences so queries in either vocabulary agree.

    What follows from public graphs alone goes to the inferred graph; what needs a private fact goes to the
    private inferred graph, so an inference never carries a private fact into a public graph.
    """
    everything = [(s, p, o, str(getattr(g, "identifier", g)))
                  for s, p, o, g in ds.quads((None, None, None, None))]
    public = inferences([q[:3] for q in everything if not iris.is_private_graph(base, q[3])])
    inferred = ds.graph(URIRef(base + INFERRED_GRAPH))
    for triple in public:
        inferred.add(triple)
    private = ds.graph(URIRef(base + PRIVATE_INFERRED_GRAPH))
    for triple in inferences([q[:3] for q in everything]) - public:
        private.add(triple)

def inferences(union: list[tuple]) -> set[tuple]:
    """The triples the equivalences add to a set of triples."""
    inferred: set[tuple] = set()
    types = defaultdict(set)
    for s, p, o in union:
        if p == RDF.type:
            types[s].add(o)
    for s, p, o in union:
        if p == RDF.type:
            for extra in TYPE_RULES.get(o, ()):
                inferred.add((s, RDF.type, extra))
        elif p == SCHEMA.name and types[s] & NAMED_FOAF:
            inferred.add((s, FOAF.name, o))
        elif p == SCHEMA.url and types[s] & NAMED_FOAF:
            inferred.add((s, FOAF.homepage, o))
        elif p == SCHEMA.author and SCHEMA.ScholarlyArticle in types[s]:
            inferred.add((s, FOAF.maker, o))
            inferred.add((o, FOAF.made, s))
        elif p == SCHEMA.member and types[s] & {SCHEMA.Project, SCHEMA.Organization}:
            inferred.add((s, FOAF.member, o))
        elif p == SCHEMA.parentOrganization:
            inferred.add((o, SCHEMA.subOrganization, s))
    return inferred
