"""The publications as CSL-JSON (what Zotero, pandoc and citeproc read), from the bibliography queries.

One item per paper: `id` (its bib key, else its slug), `type`, `title`, `author` in order (a person split into
`given`, `non-dropping-particle`, `family`, `suffix`; an organization as `literal`), `issued` at the precision the
graph has, `DOI`, `URL`, `abstract`, `container-title` (the venue; a thesis's school is its `publisher`), and the
arXiv id as `archive` "arXiv" + `archive_location` (CSL has no arXiv variable; the CSL-JSON importer reads it back).

The graph keeps no entry type beyond "thesis", so `type` is `thesis` for a thesis, `paper-conference` when the
venue reads like proceedings, `article` (a preprint) when there is no venue or it is a preprint server, and
`article-journal` otherwise.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from kg.store.queries import load_queries, run
from kg.store.base import GraphStore

PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "do", "dos", "das", "du", "la", "le",
             "ten", "ter", "y"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_CONFERENCE = re.compile(r"\b(?:proceedings|proc\.|conference|workshop|symposium|meeting|congress)\b", re.I)
_PREPRINT = re.compile(r"^(?:arxiv|biorxiv|medrxiv|chemrxiv|ssrn|preprint|osf preprints|hal)\b", re.I)


def _value(term) -> str | None:
    return None if term is None else term.value


def split_name(name: str) -> dict[str, str]:
    """A person's name as CSL name parts: "Maartje van Dijk" -> given Maartje, non-dropping-particle van, family
    Dijk; a single word is kept whole as `literal`."""
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    parts: dict[str, str] = {}
    if words[-1].lower().rstrip(",") in SUFFIXES and len(words) > 2:
        parts["suffix"] = words.pop()
    family = [words.pop()]
    particles = []
    while len(words) > 1 and words[-1] in PARTICLES:
        particles.insert(0, words.pop())
    parts = {"family": " ".join(family), "given": " ".join(words), **parts}
    if particles:
        parts["non-dropping-particle"] = " ".join(particles)
    return parts


def _issued(date: str) -> dict:
    """{"date-parts": [[2023, 5, 15]]} from "2023-05-15", "2023-05" or "2023"."""
    return {"date-parts": [[int(p) for p in date.split("-") if p][:3]]}


def _type(thesis: bool, venue: str | None) -> str:
    if thesis:
        return "thesis"
    if not venue or _PREPRINT.match(venue):
        return "article"
    return "paper-conference" if _CONFERENCE.search(venue) else "article-journal"


def csl_items(store: GraphStore) -> list[dict]:
    """One CSL-JSON item per paper, newest first."""
    queries, base = load_queries(), store.meta.base
    authors: dict[str, list[dict]] = defaultdict(list)
    for row in run(store, queries["paper-authors"], {}, base):
        name = _value(row.get("name")) or ""
        is_org = _value(row.get("isOrganization")) == "true"
        authors[_value(row["_paper"])].append({"literal": name} if is_org else split_name(name))
    venues: dict[str, list[str]] = defaultdict(list)
    for row in run(store, queries["paper-venues"], {}, base):
        venues[_value(row["_paper"])].append(_value(row["venue"]))
    papers: dict[str, dict] = {}
    for row in run(store, queries["bibliography"], {}, base):
        paper = papers.setdefault(_value(row["paper"]), {"row": row, "ids": {}})
        if row.get("identifier") is not None:
            paper["ids"].setdefault(_value(row["scheme"]), _value(row["identifier"]))
    return [_item(iri, p["row"], p["ids"], authors.get(iri, []), venues.get(iri, []))
            for iri, p in papers.items()]


def _item(iri: str, row, ids: dict[str, str], authors: list[dict], venues: list[str]) -> dict:
    thesis = _value(row.get("isThesis")) == "true"
    venue = max(venues, key=len) if venues else None  # several sources: the fullest spelling
    item: dict = {"id": ids.get("bibtex") or iri.rsplit("/", 1)[-1], "type": _type(thesis, venue),
                  "title": _value(row["title"])}
    if authors:
        item["author"] = authors
    date = _value(row.get("date"))
    if date:
        item["issued"] = _issued(date)
    for key, value in (("DOI", ids.get("doi")), ("URL", _value(row.get("url"))),
                       ("abstract", _value(row.get("abstract")))):
        if value:
            item[key] = value
    if thesis:
        school = _value(row.get("school")) or venue
        if school:
            item["publisher"] = school
    elif venue and not _PREPRINT.match(venue):
        item["container-title"] = venue
    if ids.get("arxiv"):
        item["archive"], item["archive_location"] = "arXiv", ids["arxiv"]
        if item["type"] == "article":
            item["number"] = f"arXiv:{ids['arxiv']}"
            item["publisher"] = "arXiv"
    for key, scheme in (("PMID", "pmid"), ("PMCID", "pmcid"), ("ISBN", "isbn")):
        if ids.get(scheme):
            item[key] = ids[scheme]
    return item


def export_csljson(store: GraphStore) -> str:
    """The whole bibliography as CSL-JSON text (an array of items)."""
    return json.dumps(csl_items(store), ensure_ascii=False, indent=2) + "\n"
