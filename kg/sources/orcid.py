"""ORCID importer: a public ORCID record, as the public API v3.0 returns it (`GET /v3.0/{iD}/record`, JSON).

Picked up by name (`*.orcid.json`) or by content (a `.json` object with an `orcid-identifier`). What it reads:
- the owner: `person.name` (`credit-name`, else `given-names` + `family-name`), `other-names` as alternate names,
  `biography` as the summary, `researcher-urls` as profiles elsewhere (one named like a homepage or website is the
  owner's URL), `keywords` as interests (each a topic), the iD as identifier `orcid` and `external-identifiers`
  (Scopus Author ID, ResearcherID, ...) under their type's slug;
- affiliations, each summary a Role with its organization: `employments` and `invited-positions` -> work,
  `educations` and `qualifications` -> education, `memberships` and `services` -> membership (in an initiative),
  `distinctions` -> award. `role-title` is the role name; `start-date`/`end-date` keep the precision given (year,
  month or day); `department-name` is the role's description, the organization's city, region and country its
  location, `url` its URL. The organization's `disambiguated-organization` id is kept as Entity.identifiers: ROR (as
  the bare id, so it becomes https://ror.org/{id}), RINGGOLD, GRID, FUNDREF, LEI under their lower-case names;
- `works`: one Paper per group, from its preferred summary (highest `display-index`): title, `publication-date`,
  `journal-title` as venue, `url`, `type` (journal-article -> article, conference-paper -> inproceedings, preprint
  -> misc, dissertation-thesis -> phdthesis, ...) and the `self` external ids of the group and summary: doi, arxiv
  (prefix and version dropped), others (pmid, isbn, handle, ...) as identifiers. A work summary carries no author
  list: the owner, whose record it is, is its one known author, and the list is marked truncated ("et al.", except
  for a thesis) so that a source with the full list (BibTeX, CSL-JSON) is the authority on authors. Works with no
  publication date are left out with a warning (a paper needs one), as are all works when the record shows no name.
A value of the wrong shape, a malformed iD or an unreadable date is a SourceError naming the line.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import SourceError
from kg.iris import slugify
from kg.records import Author, Entity, Origin, Owner, Paper, PartialDate, Record, Role, SourceDocument, Warning_
from kg.sources.readers import Arr, Obj, clean_arxiv, clean_doi, load_located
from kg.sources.text import json_content, read_text

NAME = "orcid"
AUTHORITY = 1  # owner-curated structured data (the owner's ORCID record)
MEDIA_TYPE = "application/vnd.orcid+json"

ORCID_ID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
AFFILIATIONS: dict[str, tuple[str, str]] = {  # section -> (summary key, Role.category)
    "employments": ("employment-summary", "work"),
    "invited-positions": ("invited-position-summary", "work"),
    "educations": ("education-summary", "education"),
    "qualifications": ("qualification-summary", "education"),
    "memberships": ("membership-summary", "membership"),
    "services": ("service-summary", "membership"),
    "distinctions": ("distinction-summary", "award"),
}
WORK_TYPES: dict[str, str] = {  # ORCID work type (v3 spelling, lower-case with hyphens) -> BibTeX entry type
    "journal-article": "article", "magazine-article": "article", "newspaper-article": "article",
    "review": "article", "conference-paper": "inproceedings", "conference-abstract": "inproceedings",
    "conference-poster": "inproceedings", "book": "book", "edited-book": "book", "book-chapter": "incollection",
    "encyclopedia-entry": "incollection", "dictionary-entry": "incollection", "report": "techreport",
    "working-paper": "techreport", "dissertation-thesis": "phdthesis", "dissertation": "phdthesis",
    "preprint": "misc", "other": "misc",
}
ORG_ID_SOURCES = {"ROR": "ror", "RINGGOLD": "ringgold", "GRID": "grid", "FUNDREF": "fundref", "LEI": "lei"}
_HOMEPAGE = re.compile(r"\b(?:home\s*page|homepage|website|web site|personal)\b", re.IGNORECASE)
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{8})$", re.IGNORECASE)


def matches(path: Path) -> bool:
    """`*.orcid.json`, or a `.json` object with an `orcid-identifier`."""
    path = Path(path)
    if path.name.lower().endswith(".orcid.json"):
        return True
    data = json_content(path)
    return isinstance(data, dict) and "orcid-identifier" in data


def read(path: Path, rel: str) -> list[Record]:
    """Records of an ORCID record file."""
    return parse(read_text(path, rel), rel)


def parse(text: str, rel: str) -> list[Record]:
    """Records from the JSON text of an ORCID record."""
    doc = load_located(text, rel)
    if not isinstance(doc, Obj):
        raise SourceError(rel, 1, "an ORCID record is a JSON object")
    return _Reader(rel).read(doc)


class _Reader:
    """Walks a record, checking the shape of what it reads and keeping the line of each object."""

    def __init__(self, rel: str):
        self.rel = rel

    # -- typed access ---------------------------------------------------------------------------------------

    def error(self, line: int | None, problem: str) -> SourceError:
        return SourceError(self.rel, line, problem)

    def obj(self, parent: Obj, key: str, where: str) -> Obj | None:
        """parent[key] as an object; None when absent or null."""
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, Obj):
            raise self.error(parent.key_lines[key], f"{where}.{key} must be an object")
        return value

    def arr(self, parent: Obj | None, key: str, where: str) -> list[tuple[Obj, int]]:
        """The objects of the list parent[key], each with its line; [] when absent or null."""
        if parent is None or parent.get(key) is None:
            return []
        value = parent[key]
        if not isinstance(value, Arr):
            raise self.error(parent.key_lines[key], f"{where}.{key} must be a list")
        for item, line in zip(value, value.item_lines):
            if not isinstance(item, Obj):
                raise self.error(line, f"each of {where}.{key} must be an object")
        return list(zip(value, value.item_lines))

    def text(self, parent: Obj | None, key: str, where: str) -> str | None:
        """parent[key] as text, unwrapping ORCID's {"value": ...}; None when absent, null or blank."""
        if parent is None or parent.get(key) is None:
            return None
        value = parent[key]
        line = parent.key_lines[key]
        if isinstance(value, Obj):
            value, line = value.get("value"), value.key_lines.get("value", line)
            if value is None:
                return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.error(line, f"{where}.{key} must be text")
        return " ".join(str(value).split()) or None

    def date(self, parent: Obj, key: str, where: str) -> PartialDate | None:
        """An ORCID fuzzy date ({year, month, day}, each {"value": "..."}) at the precision given."""
        node = self.obj(parent, key, where)
        if node is None:
            return None
        parts = [self.text(node, part, f"{where}.{key}") for part in ("year", "month", "day")]
        if parts[0] is None:
            return None
        try:
            numbers = [int(p) for p in parts[: (parts + [None]).index(None)]]
            date = PartialDate(*numbers)
            date.first_day()
        except ValueError:
            raise self.error(parent.key_lines[key], f"{where}.{key} is not a date: {'-'.join(filter(None, parts))}") \
                from None
        return date

    # -- the record -----------------------------------------------------------------------------------------

    def read(self, doc: Obj) -> list[Record]:
        records: list[Record] = [SourceDocument(path=self.rel, importer=NAME, media_type=MEDIA_TYPE)]
        ident = self.obj(doc, "orcid-identifier", "record")
        if ident is None:
            raise self.error(1, "not an ORCID record: it has no orcid-identifier")
        orcid = self.text(ident, "path", "orcid-identifier")
        if orcid is None or not ORCID_ID.match(orcid):
            raise self.error(ident.key_lines.get("path", ident.line), f"not an ORCID iD: {orcid!r}")
        person = self.obj(doc, "person", "record")
        owner = self.owner(person, orcid, ident.line)
        records.append(owner)
        records.extend(Entity(kind="topic", name=name, origin=owner.origin) for name in owner.interests)
        activities = self.obj(doc, "activities-summary", "record")
        if activities is None:
            return records
        for section, (summary_key, category) in AFFILIATIONS.items():
            for group, _ in self.arr(self.obj(activities, section, "activities-summary"), "affiliation-group",
                                     section):
                for summary, _ in self.arr(group, "summaries", f"{section}.affiliation-group"):
                    item = self.obj(summary, summary_key, section)
                    if item is not None:
                        records.extend(self.affiliation(item, category, summary_key))
        works = self.arr(self.obj(activities, "works", "activities-summary"), "group", "works")
        if works and not owner.name:
            records.append(Warning_("the record shows no name: its works cannot be attributed and are left out",
                                    Origin(self.rel, activities.key_lines["works"])))
            return records
        for group, _ in works:
            records.append(self.work(group, owner.name))
        return records

    def owner(self, person: Obj | None, orcid: str, line: int) -> Owner:
        """The owner: name, other names, biography, links, keywords and identifiers."""
        owner = Owner(name="", origin=Origin(self.rel, line), identifiers={"orcid": orcid})
        if person is None:
            return owner
        owner.origin = Origin(self.rel, person.line)
        name = self.obj(person, "name", "person")
        if name is not None:
            credit = self.text(name, "credit-name", "person.name")
            given, family = self.text(name, "given-names", "person.name"), self.text(name, "family-name",
                                                                                     "person.name")
            owner.name = credit or " ".join(p for p in (given, family) if p)
        for other, _ in self.arr(self.obj(person, "other-names", "person"), "other-name", "person.other-names"):
            alt = self.text(other, "content", "other-name")
            if alt and alt != owner.name and alt not in owner.alternate_names:
                owner.alternate_names.append(alt)
        bio = self.obj(person, "biography", "person")
        owner.summary = self.text(bio, "content", "person.biography") if bio is not None else None
        for link, _ in self.arr(self.obj(person, "researcher-urls", "person"), "researcher-url",
                                "person.researcher-urls"):
            url = self.text(link, "url", "researcher-url")
            if not url:
                continue
            if owner.url is None and _HOMEPAGE.search(self.text(link, "url-name", "researcher-url") or ""):
                owner.url = url
            else:
                owner.same_as.append(url)
        for keyword, _ in self.arr(self.obj(person, "keywords", "person"), "keyword", "person.keywords"):
            for word in re.split(r"[,;]", self.text(keyword, "content", "keyword") or ""):
                if word.strip() and word.strip() not in owner.interests:
                    owner.interests.append(word.strip())
        for ext, _ in self.arr(self.obj(person, "external-identifiers", "person"), "external-identifier",
                               "person.external-identifiers"):
            scheme = self.text(ext, "external-id-type", "external-identifier")
            value = self.text(ext, "external-id-value", "external-identifier")
            if scheme and value:
                owner.identifiers.setdefault(_scheme(scheme), value)
        return owner

    def affiliation(self, item: Obj, category: str, where: str) -> list[Record]:
        """A Role in an organization (or, for memberships and services, an initiative), and that organization."""
        org = self.obj(item, "organization", where)
        org_name = self.text(org, "name", f"{where}.organization") if org is not None else None
        if org_name is None:
            raise self.error(item.line, f"{where} names no organization")
        origin = Origin(self.rel, item.line)
        entity = Entity(kind="initiative" if category == "membership" else "organization", name=org_name,
                        origin=origin, identifiers=self.org_identifiers(org, where))
        address = self.obj(org, "address", f"{where}.organization")
        location = ", ".join(p for p in (self.text(address, k, "address") for k in ("city", "region", "country"))
                             if p) if address is not None else ""
        role = Role(category=category, organization=org_name, role_name=self.text(item, "role-title", where) or "",
                    origin=origin, start=self.date(item, "start-date", where), end=self.date(item, "end-date", where),
                    description=self.text(item, "department-name", where), url=self.text(item, "url", where),
                    location=location or None)
        return [entity, role]

    def org_identifiers(self, org: Obj, where: str) -> dict[str, str]:
        """The disambiguated organization id: ROR as its bare id, others under their source's lower-case name."""
        dis = self.obj(org, "disambiguated-organization", f"{where}.organization")
        if dis is None:
            return {}
        value = self.text(dis, "disambiguated-organization-identifier", "disambiguated-organization")
        source = (self.text(dis, "disambiguation-source", "disambiguated-organization") or "").upper()
        if not value or not source:
            return {}
        if source == "ROR":
            m = _ROR.match(value)
            if m is None:
                raise self.error(dis.line, f"not a ROR id: {value!r}")
            return {"ror": m.group(1).lower()}
        return {ORG_ID_SOURCES.get(source, _scheme(source)): value}

    def work(self, group: Obj, owner_name: str) -> Paper | Warning_:
        """The Paper of a work group, from its preferred summary."""
        summaries = self.arr(group, "work-summary", "works.group")
        if not summaries:
            raise self.error(group.line, "a works group has no work-summary")
        summary, _ = max(summaries, key=lambda s: _display_index(s[0]))
        origin = Origin(self.rel, summary.line)
        title_node = self.obj(summary, "title", "work-summary")
        title = self.text(title_node, "title", "work-summary.title") if title_node is not None else None
        if title is None:
            raise self.error(summary.line, "a work has no title")
        date = self.date(summary, "publication-date", "work-summary")
        if date is None:
            return Warning_(f"ORCID work {title!r} has no publication date (a paper needs one): left out", origin)
        work_type = (self.text(summary, "type", "work-summary") or "other").lower().replace("_", "-")
        entry_type = WORK_TYPES.get(work_type, "misc")
        ids: dict[str, str] = {}
        for holder in (group, summary):
            node = self.obj(holder, "external-ids", "work")
            for ext, _ in self.arr(node, "external-id", "external-ids"):
                relationship = (self.text(ext, "external-id-relationship", "external-id") or "self").lower()
                scheme = self.text(ext, "external-id-type", "external-id")
                value = self.text(ext, "external-id-value", "external-id")
                if relationship == "self" and scheme and value:
                    ids.setdefault(_scheme(scheme), value)
        doi, arxiv = clean_doi(ids.pop("doi", None)), ids.pop("arxiv", None)
        thesis = entry_type == "phdthesis"
        return Paper(title=title, authors=[Author(owner_name)], origin=origin, date=date, truncated=not thesis,
                     entry_type=entry_type, venue=None if thesis else self.text(summary, "journal-title",
                                                                                "work-summary"),
                     doi=doi, arxiv=clean_arxiv(arxiv) or arxiv, url=self.text(summary, "url", "work-summary"),
                     identifiers=ids)


def _scheme(label: str) -> str:
    """An identifier scheme name from ORCID's label: "Scopus Author ID" -> "scopus-author-id"."""
    return slugify(label, max_words=6)


def _display_index(summary: Obj) -> int:
    try:
        return int(summary.get("display-index") or 0)
    except (TypeError, ValueError):
        return 0
