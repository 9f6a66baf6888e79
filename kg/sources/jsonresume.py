"""A JSON Resume document (jsonresume.org schema) -> owner, roles, organizations, projects, topics.

Read: `basics` (name, label, url, email, image, location, summary), `work`, `education`, `volunteer`, `awards`,
`projects` and `interests`. Other sections (skills, languages, publications, references...) are accepted and ignored.
Dates are ISO text at any precision (`2016`, `2020-12`, `2020-12-04`); an empty string means no date.

Extension keys (JSON Resume allows extra properties):
- on `work`, `education` and `volunteer` items:
  - `supervisors`: [names] -> Role.supervisors; `hosts`: [names] -> Role.hosts (a visit's hosts);
  - `parentOrganization`: name -> Entity.parent of the organization;
  - `organizationType`: "university" | "department" | "lab" | "institute" | "committee" | "programme" | "event" |
    "community" | ... -> Entity.org_type; on `volunteer` items an organization-like type (university, department,
    school, lab, institute, company) makes the thing an organization rather than an initiative;
  - `superEvent`: name of the event a volunteered event is part of (a workshop at "NeurIPS 2021");
- on `work` items: `department`: name and `departmentUrl`: URL -> an organization with org_type "department"
  whose parent is the item's organization (the role stays with the organization);
- on `awards` items: `url` (the awarder's URL) and `organizationType` -> an Entity for the awarder;
- on `projects` items: `members`: [names] -> Entity.members; `repository`: URL -> Entity.repository
  (when absent, a `url` on a code host such as github.com is taken as the repository).

Private facts (docs/private.md): they reach the owner's own `kg query --private` and `kg export --private`, never a
public route.
- `"private": true` on any item of `work`, `education`, `volunteer`, `awards`, `projects` or `interests` makes
  every record of that item private (Role.private, Entity.private): a position not yet announced, a grant applied for.
- `basics.phone` is always private (Owner.private_facts["telephone"]), and so is a plain `basics.email` address
  (Owner.private_facts["email"]); the address is also kept as written in Owner.email_obfuscated, which the builder
  never publishes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import SourceError
from kg.records import Entity, Origin, Owner, PartialDate, Record, Role, SourceDocument, Warning_
from kg.iris import url_host
from kg.sources.readers import REPO_HOSTS, Arr, Obj, load_located

NAME = "resume"

_LIST_SECTIONS = ("work", "volunteer", "education", "awards", "certificates", "publications", "skills", "languages",
                  "interests", "references", "projects")
_DATE_KEYS = ("startDate", "endDate", "date", "releaseDate")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_TEXT_KEYS = ("name", "position", "institution", "organization", "studyType", "area", "title", "awarder", "url",
              "summary", "description", "label", "email", "image", "parentOrganization", "organizationType",
              "superEvent", "department", "departmentUrl", "repository", "phone")
_NAME_LIST_KEYS = ("supervisors", "hosts", "members", "roles", "keywords", "highlights")
_ORG_LIKE = {"university", "department", "school", "lab", "institute", "company"}
_PLAIN_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse(text: str, rel: str) -> list[Record]:
    """Records from JSON Resume text; SourceError (with the line) for bad JSON or wrong types."""
    doc = load_located(text, rel)
    if not isinstance(doc, Obj):
        raise SourceError(rel, 1, "a JSON Resume is an object")
    notes: list[Record] = []
    _validate(doc, rel, notes)
    return ResumeReader(rel).read(doc) + notes


def _validate(doc: Obj, rel: str, notes: list[Record]) -> None:
    """Known keys have the types the schema gives them; an item's unreadable date is left out with a note."""
    basics = doc.get("basics")
    if basics is not None:
        if not isinstance(basics, Obj):
            raise SourceError(rel, doc.key_lines["basics"], "basics must be an object")
        _validate_item(basics, rel, "basics", notes)
        location = basics.get("location")
        if location is not None and not isinstance(location, Obj):
            raise SourceError(rel, basics.key_lines["location"], "basics.location must be an object")
        if location is not None:
            _validate_item(location, rel, "basics.location", notes)
    for section in _LIST_SECTIONS:
        items = doc.get(section)
        if items is None:
            continue
        if not isinstance(items, Arr):
            raise SourceError(rel, doc.key_lines[section], f"{section} must be a list")
        for n, item in enumerate(items):
            if not isinstance(item, Obj):
                raise SourceError(rel, items.item_lines[n], f"{section}[{n}] must be an object")
            _validate_item(item, rel, f"{section}[{n}]", notes)


def _validate_item(item: Obj, rel: str, where: str, notes: list[Record]) -> None:
    """Text keys are strings, name lists are lists of strings; a date that is not ISO is left out with a note
    ("now" or "present" as an end date means the item is current)."""
    for key, value in list(item.items()):
        line = item.key_lines[key]
        if key in _DATE_KEYS:
            if not isinstance(value, str) or (value.strip() and not _valid_date(value.strip())):
                del item[key]
                current = isinstance(value, str) and value.strip().lower() in ("now", "present", "current")
                notes.append(Warning_(f"{where}.{key} {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): "
                                      + ("read as ongoing" if current else "left out"), Origin(rel, line)))
        elif key in _TEXT_KEYS and value is not None and not isinstance(value, str):
            raise SourceError(rel, line, f"{where}.{key} must be text")
        elif key in _NAME_LIST_KEYS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise SourceError(rel, line, f"{where}.{key} must be a list of text")
        elif key == "private" and not isinstance(value, bool):
            raise SourceError(rel, line, f"{where}.private must be true or false")


def _valid_date(text: str) -> bool:
    if not _ISO_DATE.match(text):
        return False
    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True


def _date(item: dict, key: str) -> PartialDate | None:
    """An item's date at the precision given; None when absent or empty."""
    value = (item.get(key) or "").strip()
    return PartialDate.parse(value) if value else None


def _text(item: dict, key: str) -> str | None:
    """An item's text, None when absent or blank."""
    value = item.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _names(item: dict, key: str) -> list[str]:
    return [v.strip() for v in item.get(key) or [] if v.strip()]


def _is_repository(url: str | None) -> bool:
    return bool(url) and url_host(url) in REPO_HOSTS


@dataclass
class ResumeReader:
    """Turns a validated JSON Resume into records, each with the line of its JSON object."""

    rel: str

    def origin(self, node: Obj) -> Origin:
        return Origin(self.rel, node.line)

    def read(self, doc: Obj) -> list[Record]:
        records: list[Record] = [SourceDocument(path=self.rel, importer=NAME, media_type="application/json")]
        owner = self.owner(doc)
        if owner is not None:
            records.append(owner)
        for section, reader in (("work", self.work), ("education", self.education), ("volunteer", self.volunteer),
                                ("awards", self.award), ("projects", self.project), ("interests", self.interest)):
            for item in doc.get(section) or []:
                found = reader(item)
                if item.get("private") is True:
                    for record in found:
                        record.private = True
                records.extend(found)
        return records

    def owner(self, doc: Obj) -> Owner | None:
        """The owner from `basics`, with the interests as topic names."""
        basics = doc.get("basics")
        if basics is None:
            return None
        interests = []
        for item in doc.get("interests") or []:
            if item.get("private") is True:
                continue
            for name in [_text(item, "name"), *_names(item, "keywords")]:
                if name and name not in interests:
                    interests.append(name)
        email, private = _text(basics, "email"), {}
        if email and _PLAIN_EMAIL.match(email):
            private["email"] = email
        if _text(basics, "phone"):
            private["telephone"] = _text(basics, "phone")
        return Owner(name=_text(basics, "name") or "", origin=self.origin(basics), label=_text(basics, "label"),
                     url=_text(basics, "url"), image=_text(basics, "image"),
                     email_obfuscated=email, location=_location(basics.get("location")),
                     summary=_text(basics, "summary"), interests=interests, private_facts=private)

    def _organization(self, item: Obj, name: str, kind: str = "organization") -> Entity:
        return Entity(kind=kind, name=name, origin=self.origin(item), url=_text(item, "url"),
                      parent=_text(item, "parentOrganization"), org_type=_text(item, "organizationType"))

    def work(self, item: Obj) -> list[Record]:
        """A position: a work Role, the organization and, when given, its department."""
        org = _text(item, "name") or _text(item, "company") or ""
        out: list[Record] = [self._role(item, "work", org, _text(item, "position") or ""),
                             self._organization(item, org)]
        department = _text(item, "department")
        if department:
            out.append(Entity(kind="organization", name=department, origin=self.origin(item),
                              url=_text(item, "departmentUrl"), parent=org, org_type="department"))
        return out

    def education(self, item: Obj) -> list[Record]:
        """A degree: an education Role ("PhD", "M.Sc. in Physics") and the institution."""
        org = _text(item, "institution") or ""
        study, area = _text(item, "studyType"), _text(item, "area")
        role_name = f"{study} in {area}" if study and area else study or area or ""
        return [self._role(item, "education", org, role_name), self._organization(item, org)]

    def volunteer(self, item: Obj) -> list[Record]:
        """Volunteering: a membership Role and the initiative (or organization) it is in."""
        org = _text(item, "organization") or ""
        org_type = _text(item, "organizationType")
        entity = self._organization(item, org, "organization" if org_type in _ORG_LIKE else "initiative")
        entity.super_event = _text(item, "superEvent")
        if org_type == "event" or entity.super_event:
            entity.date = _date(item, "startDate")
        return [self._role(item, "membership", org, _text(item, "position") or ""), entity]

    def award(self, item: Obj) -> list[Record]:
        """An award Role, and the awarder as an organization when its URL or type is given."""
        awarder = _text(item, "awarder") or ""
        role = Role(category="award", organization=awarder, role_name=_text(item, "title") or "",
                    origin=self.origin(item), start=_date(item, "date"), description=_text(item, "summary"),
                    url=_text(item, "url"))
        if awarder and (_text(item, "url") or _text(item, "organizationType")):
            return [role, self._organization(item, awarder)]
        return [role]

    def project(self, item: Obj) -> list[Record]:
        """A project Entity, and the owner's membership in it with their roles."""
        name, url = _text(item, "name") or "", _text(item, "url")
        entity = Entity(kind="project", name=name, origin=self.origin(item), url=url,
                        repository=_text(item, "repository") or (url if _is_repository(url) else None),
                        description=_text(item, "description"), members=_names(item, "members"))
        role = Role(category="membership", organization=name, role_name=", ".join(_names(item, "roles")),
                    origin=self.origin(item), start=_date(item, "startDate"), end=_date(item, "endDate"),
                    url=url)
        return [entity, role]

    def interest(self, item: Obj) -> list[Record]:
        """A topic per interest name (its keywords go to the owner's interests)."""
        name = _text(item, "name")
        return [Entity(kind="topic", name=name, origin=self.origin(item))] if name else []

    def _role(self, item: Obj, category: str, org: str, role_name: str) -> Role:
        return Role(category=category, organization=org, role_name=role_name, origin=self.origin(item),
                    start=_date(item, "startDate"), end=_date(item, "endDate"),
                    supervisors=_names(item, "supervisors"), hosts=_names(item, "hosts"),
                    description=_text(item, "summary"), url=_text(item, "url"))


def _location(location: dict | None) -> str | None:
    """"Montréal, Quebec, CA" from a JSON Resume location object."""
    if not location:
        return None
    parts = [location.get(k) for k in ("city", "region", "countryCode")]
    return ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()) or None
