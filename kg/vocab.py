"""Namespaces as code: schema.org, FOAF, PROV-O and the project's own few terms, as rdflib namespaces (str
subclasses: `SCHEMA.name`, `SCHEMA + "name"`, f"<{SCHEMA}name>") and as the pyoxigraph terms the stores use.

No other module spells a namespace IRI (tests/test_namespaces.py); SPARQL files keep their PREFIX lines.
"""

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, VOID, XSD

# A plain namespace: rdflib's SDO lags schema.org (no schema:pronouns); tests check every term against release 30.0.
SCHEMA = Namespace("https://schema.org/")
KG = Namespace("https://w3id.org/scholarly-kg/ns#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3CFORMATS = Namespace("http://www.w3.org/ns/formats/")  # W3C's names of formats (service descriptions, VoID)
KGSH = Namespace("https://w3id.org/scholarly-kg/shapes#")  # the SHACL shapes (ontology/shapes.ttl)
# schema.org's http form: foreign RDF and the published JSON-LD context use it; the graph reads it as SCHEMA.
SCHEMA_HTTP = Namespace("http://schema.org/")
# Every namespace above, by the prefix the project writes it with (Turtle, SPARQL, curies).
NAMESPACES: dict[str, Namespace] = {"schema": SCHEMA, "foaf": FOAF, "kg": KG, "prov": PROV, "xsd": XSD, "rdf": RDF,
                                    "rdfs": RDFS, "owl": OWL, "dcterms": DCTERMS, "void": VOID, "sh": SH, "sd": SD,
                                    "kgsh": KGSH, "formats": W3CFORMATS}

# The project's own terms (defined in ontology/kg.ttl, each tied to schema.org or FOAF).
KG_TERMS = {
    "Authorship": "class: one author at one position in a paper's author list (a schema:Role)",
    "authorship": "property: paper -> Authorship (the schema.org Role pattern on schema:author)",
    "TruncatedAuthorList": "class: a paper whose known author list ends in 'et al.'",
    "AuthorOrderUnknown": "class: a paper whose source gives no author order (positions follow the names)",
    "SelectedPaper": "class: a paper the owner highlights (al-folio's selected flag)",
    "Initiative": "class: a committee, programme, reading group, workshop or community the owner takes part in",
    "supervisor": "property: Role -> Person who supervised the role holder",
    "host": "property: Role -> Person who hosted the role holder (a visit)",
    "HomepageVersion": "class: a dated version of the owner's homepage (a source document)",
    "versionDate": "property: source document -> the date the document describes",
    "line": "property: source location -> line number in the source file",
    "Owner": "class: the person whose profile this is",
}


def ox_term(iri: str) -> ox.NamedNode:
    """The pyoxigraph term of an rdflib term or IRI (`ox_term(SCHEMA.name)`), for code that works on the store."""
    return ox.NamedNode(str(iri))


OX_TYPE = ox_term(RDF.type)  # rdf:type, the predicate every store query and quad filter meets

__all__ = ["SCHEMA", "SCHEMA_HTTP", "FOAF", "PROV", "RDF", "RDFS", "OWL", "XSD", "DCTERMS", "VOID", "SH", "KG", "KGSH",
           "SD", "W3CFORMATS", "NAMESPACES", "KG_TERMS", "OX_TYPE", "ox_term"]

# arXiv categories the profile meets, by full code: the names arXiv gives them.
ARXIV_CATEGORIES = {
    "cs.LG": "Machine Learning",
    "cs.AI": "Artificial Intelligence",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.CL": "Computation and Language",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.HC": "Human-Computer Interaction",
    "stat.ML": "Machine Learning (Statistics)",
    "physics.ao-ph": "Atmospheric and Oceanic Physics",
    "physics.bio-ph": "Biological Physics",
    "physics.chem-ph": "Chemical Physics",
    "cond-mat.mtrl-sci": "Materials Science",
    "q-bio.BM": "Biomolecules",
    "q-bio.NC": "Neurons and Cognition",
}
