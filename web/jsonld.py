"""schema.org JSON-LD for search engines, shaped as Google's structured-data guidance asks, from a ResourceView.

`@context` is "https://schema.org"; `Person`, `ScholarlyArticle` (headline, the authors in order,
datePublished), `Organization`, `ProfilePage` with `mainEntity`, and `ItemList` for lists. Roles (the schema.org
Role pattern in the graph) are flattened to what search engines read: worksFor / alumniOf / memberOf name the
organizations. Also the Google Scholar `citation_*` meta tags of a paper. Pages embed the result with
`script_tag`, which escapes it for an HTML <script> element.
"""

from __future__ import annotations

import json
import re
from typing import Any, Collection, Iterable

from markupsafe import Markup

from kg import iris
from kg.vocab import FOAF, SCHEMA
from web.describe import ResourceView, Value

S, F = str(SCHEMA), str(FOAF)
CONTEXT = "https://schema.org"
# The schema.org type search engines expect for each kind of linked resource (the KINDS table says).
KIND_TYPES = {kind.name: kind.schema_type for kind in iris.KINDS.values()}
GENERIC_TYPES = {"Thing", "CreativeWork", "Role"}  # dropped when a more specific type is present
# schema.org subtypes of Organization the graph uses (kg.build.graph): with one of them, "Organization" goes.
ORGANIZATION_SUBTYPES = {"CollegeOrUniversity", "EducationalOrganization", "ResearchOrganization", "NGO",
                         "Corporation", "GovernmentOrganization", "Consortium", "FundingScheme"}
ARXIV = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|^arxiv:)\s*([0-9]{4}\.[0-9]{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/[0-9]{7})"
                   r"(?:v\d+)?", re.IGNORECASE)


def script_tag(data: dict | list) -> Markup:
    """A <script type="application/ld+json"> element; `<`, `>` and `&` escaped so data cannot close it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _schema_types(view: ResourceView) -> str | list[str]:
    names = [t[len(S):] for t in view.types if t.startswith(S)]
    specific = [n for n in names if n not in GENERIC_TYPES] or names or [KIND_TYPES.get(view.kind, "Thing")]
    if ORGANIZATION_SUBTYPES & set(specific):
        specific = [n for n in specific if n != "Organization"]
    specific = sorted(dict.fromkeys(specific), key=lambda n: (n != KIND_TYPES.get(view.kind), n))
    return specific[0] if len(specific) == 1 else specific


def _ref(value: Value, default_type: str | None = None) -> dict[str, Any] | str:
    """A linked thing: @id, @type, name and url for our resources; the text for a literal."""
    if value.literal or not value.iri:
        return value.label
    ref: dict[str, Any] = {"@type": KIND_TYPES.get(value.kind or "", default_type or "Thing"), "@id": value.iri}
    if value.label != value.iri:
        ref["name"] = value.label
    if value.link:
        ref["url"] = value.iri
    return ref


def _texts(view: ResourceView, predicate: str) -> list[str]:
    return [v.label for v in view.values(predicate) if v.literal]


def _links(view: ResourceView, *predicates: str) -> list[str]:
    """External http(s) links among the values of predicates, in order, once each."""
    found = [v.iri for p in predicates for v in view.values(p) if v.iri and v.link and not v.kind]
    return list(dict.fromkeys(found))


def _one_or_many(items: list) -> Any:
    return items[0] if len(items) == 1 else items


def _put(data: dict, key: str, items: list) -> None:
    """Set key to the items, each once (two roles at one organization name it once), one item as itself."""
    unique = list({json.dumps(item, sort_keys=True): item for item in items}.values())
    if unique:
        data[key] = _one_or_many(unique)


def _date(view: ResourceView, predicate: str) -> str | None:
    """The most precise of a date's values (sources may disagree on precision)."""
    dates = _texts(view, predicate)
    return max(dates, key=len) if dates else None


def _base(view: ResourceView, context: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": CONTEXT} if context else {}
    data.update({"@type": _schema_types(view), "@id": view.iri, "name": view.label})
    return data


def _common(view: ResourceView, data: dict) -> dict:
    _put(data, "alternateName", _texts(view, S + "alternateName"))
    _put(data, "description", _texts(view, S + "description"))
    links = _links(view, S + "url", F + "homepage", S + "sameAs", S + "codeRepository")
    data["url"] = links[0] if links else view.iri
    _put(data, "sameAs", links[1:])
    _put(data, "identifier", _identifiers(view))
    return data


def _identifiers(view: ResourceView) -> list:
    """Identifiers as text, or as PropertyValue (propertyID, value) where the graph says which scheme."""
    found: list = []
    for v in view.values(S + "identifier"):
        if v.literal:
            found.append(v.label)
        elif v.text is not None:
            found.append({"@type": "PropertyValue", "propertyID": v.property_id, "value": v.text}
                         if v.property_id else v.text)
    return found


def person(view: ResourceView, *, context: bool = True, employers: Collection[str] | None = None) -> dict[str, Any]:
    """A schema.org Person: names, job title, current employers, affiliations, education, interests, links.

    employers: the IRIs of the organizations the person works for now, where the caller knows them (the owner's
    roles as of today); otherwise every worksFor role without an end date counts as current.
    """
    data = _common(view, _base(view, context))
    _put(data, "jobTitle", _texts(view, S + "jobTitle"))
    images = _links(view, S + "image")
    _put(data, "image", images[:1])
    work = view.values(S + "worksFor")
    current = [v for v in work if v.iri in employers] if employers is not None else [v for v in work if not v.end]
    _put(data, "worksFor", [_ref(v, "Organization") for v in current])
    _put(data, "affiliation", [_ref(v, "Organization") for v in view.values(S + "affiliation")])
    _put(data, "alumniOf", [_ref(v, "Organization") for v in view.values(S + "alumniOf")])
    _put(data, "memberOf", [_ref(v, "Organization") for v in view.values(S + "memberOf") if not v.end])
    _put(data, "knowsAbout", [v.label for v in view.values(S + "knowsAbout")])
    _put(data, "award", _texts(view, S + "award"))
    return data


def scholarly_article(view: ResourceView, *, context: bool = True) -> dict[str, Any]:
    """A schema.org ScholarlyArticle: headline, authors in order, datePublished, abstract, topics, links."""
    data = _base(view, context)
    data["headline"] = (_texts(view, S + "headline") or [view.label])[0]
    data["author"] = [_ref(v, "Person") for v in view.values(S + "author")]
    date = _date(view, S + "datePublished")
    if date:
        data["datePublished"] = date
    _put(data, "abstract", _texts(view, S + "abstract")[:1])
    _common(view, data)
    _put(data, "about", [_ref(v, "DefinedTerm") for v in view.values(S + "about")])
    _put(data, "sourceOrganization", [_ref(v, "Organization") for v in view.values(S + "sourceOrganization")])
    data["mainEntityOfPage"] = view.iri
    return data


def organization(view: ResourceView, *, context: bool = True) -> dict[str, Any]:
    """A schema.org Organization: names, links, parent and units, and the people with roles in it."""
    data = _common(view, _base(view, context))
    _put(data, "parentOrganization", [_ref(v, "Organization") for v in view.values(S + "parentOrganization")])
    _put(data, "subOrganization", [_ref(v, "Organization") for v in view.values(S + "subOrganization")])
    for predicate, key in ((S + "worksFor", "employee"), (S + "alumniOf", "alumni"), (S + "memberOf", "member")):
        people = {v.iri: _ref(v, "Person") for v in view.incoming_values(predicate) if v.kind == "person"}
        _put(data, key, list(people.values()))
    return data


def thing(view: ResourceView, *, context: bool = True) -> dict[str, Any]:
    """Any other resource (project, event, topic, place, role): its types, names, description and links."""
    data = _common(view, _base(view, context))
    for predicate, key in ((S + "startDate", "startDate"), (S + "endDate", "endDate"), (S + "termCode", "termCode"),
                           (S + "roleName", "roleName")):
        _put(data, key, _texts(view, predicate)[:1])
    _put(data, "member", [_ref(v, "Person") for v in view.values(S + "member")])
    _put(data, "parentOrganization", [_ref(v, "Organization") for v in view.values(S + "parentOrganization")])
    _put(data, "inDefinedTermSet", [_ref(v, "DefinedTermSet") for v in view.values(S + "inDefinedTermSet")])
    return data


def for_view(view: ResourceView, *, context: bool = True) -> dict[str, Any]:
    """The JSON-LD of a resource page, by kind."""
    if view.kind == "person":
        return person(view, context=context)
    if view.kind == "paper":
        return scholarly_article(view, context=context)
    if view.kind == "organization" or (view.kind == "initiative" and S + "Organization" in view.types):
        return organization(view, context=context)
    return thing(view, context=context)


def profile_page(view: ResourceView, *, url: str | None = None, date_modified: str | None = None,
                 employers: Collection[str] | None = None) -> dict[str, Any]:
    """A ProfilePage whose mainEntity is the Person (the home page; Google's profile page guidance)."""
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "ProfilePage"}
    if url:
        data["url"] = url
    if date_modified:
        data["dateModified"] = date_modified
    data["mainEntity"] = person(view, context=False, employers=employers)
    return data


def item_list(name: str, url: str, items: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """An ItemList of (IRI, name, schema.org type) in order, each a ListItem with its position."""
    return {
        "@context": CONTEXT, "@type": "ItemList", "@id": url, "name": name,
        "itemListElement": [{"@type": "ListItem", "position": i,
                             "item": {"@type": kind, "@id": iri, "name": label, "url": iri}}
                            for i, (iri, label, kind) in enumerate(items, 1)],
    }


def citation_meta(view: ResourceView) -> list[tuple[str, str]]:
    """Google Scholar's citation_* meta tags of a paper: title, each author in order, date, arXiv id, DOI, PDF."""
    if view.kind != "paper":
        return []
    tags = [("citation_title", (_texts(view, S + "headline") or [view.label])[0])]
    tags += [("citation_author", v.label) for v in view.values(S + "author")]
    date = _date(view, S + "datePublished")
    if date:
        tags.append(("citation_publication_date", date[:10].replace("-", "/")))
    candidates = [v.iri or v.label for p in (S + "url", S + "sameAs", S + "identifier", S + "encoding")
                  for v in view.values(p)]
    arxiv = next((m.group(1) for c in candidates if (m := ARXIV.search(c or ""))), None)
    if arxiv:
        tags.append(("citation_arxiv_id", arxiv))
    doi = next((v.text for v in view.values(S + "identifier") if (v.property_id or "").lower() == "doi"), None)
    if doi:
        tags.append(("citation_doi", doi))
    pdf = next((c for c in candidates if c and c.startswith(("http://", "https://"))
                and (c.lower().endswith(".pdf") or "/pdf/" in c)), None)
    if pdf:
        tags.append(("citation_pdf_url", pdf))
    if S + "Thesis" in view.types:
        tags += [("citation_dissertation_institution", v.label) for v in view.values(S + "sourceOrganization")[:1]]
    return tags
