"""The publications as BibTeX (al-folio style), written with bibtexparser from the bibliography queries."""

from __future__ import annotations

from collections import defaultdict

import bibtexparser
from bibtexparser.model import Entry, Field

from kg.store.queries import load_queries, run
from kg.store.base import GraphStore

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _value(term) -> str | None:
    return None if term is None else term.value


def bibtex_entries(store: GraphStore, *, authors: str = "paper-authors",
                   bibliography: str = "bibliography") -> list[Entry]:
    """One entry per paper, keyed by its source bib key when it has one, else by its slug; the named queries
    give the papers (every paper by default; the web pages pass the owner's)."""
    queries, base = load_queries(), store.meta.base
    names: dict[str, list[str]] = defaultdict(list)
    for row in run(store, queries[authors], {}, base):
        name = _value(row.get("name")) or ""
        is_org = _value(row.get("isOrganization")) == "true"
        names[_value(row.get("_paper") or row.get("paper"))].append("{" + name + "}" if is_org else _bib_name(name))
    papers: dict[str, dict] = {}
    for row in run(store, queries[bibliography], {}, base):
        iri = _value(row["paper"])
        paper = papers.setdefault(iri, {"row": row, "ids": {}})
        if row.get("identifier") is not None:
            paper["ids"][_value(row["scheme"])] = _value(row["identifier"])
    return [_entry(iri, p["row"], p["ids"], names.get(iri, [])) for iri, p in papers.items()]


def _bib_name(name: str) -> str:
    """'Samuel P. Gleason' -> 'Gleason, Samuel P.' (the form bibtexparser splits back unambiguously)."""
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"


def _entry(iri: str, row, ids_by_scheme: dict[str, str], authors: list[str]) -> Entry:
    key = ids_by_scheme.get("bibtex") or iri.rsplit("/", 1)[-1]
    thesis = _value(row["isThesis"]) == "true"
    fields = [Field("title", "{" + _value(row["title"]) + "}")]
    if authors:
        fields.append(Field("author", " and ".join(authors + (["others"] if _value(row["truncated"]) == "true"
                                                                 else []))))
    date = _value(row.get("date"))
    if date:
        fields.append(Field("year", date[:4]))
        if len(date) >= 7:
            fields.append(Field("month", MONTHS[int(date[5:7]) - 1]))
    for name, value in (("abstract", _value(row.get("abstract"))), ("doi", ids_by_scheme.get("doi")),
                        ("arxiv", ids_by_scheme.get("arxiv")), ("url", _value(row.get("url"))),
                        ("school", _value(row.get("school")) if thesis else None),
                        ("primaryclass", _value(row.get("category")))):
        if value:
            fields.append(Field(name, value))
    return Entry("phdthesis" if thesis else "misc", key, fields)


def export_bibtex(store: GraphStore) -> str:
    """The whole bibliography as BibTeX text."""
    library = bibtexparser.Library(bibtex_entries(store))
    return bibtexparser.write_string(library)
