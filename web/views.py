"""What the view-models of the pages for people share: named queries as rows, the owner, roles, homepage versions
and their prose. One module per page group builds its view-model from these: web.home_view, web.papers_view,
web.history_view, web.quality_view.

Each `*_view(lang, ...)` runs the named queries a page needs (through `rows`: kg.store.queries, parameters bound
as terms) and returns plain dataclasses; the pictures are drawn from the same data the text alternatives show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from kg.iris import parse
from kg.store.queries import load_queries, run
from web import i18n, prose
from web.cache import app_base, app_settings, app_store
from web.describe import path_of, safe_link

CATEGORY_ORDER = ("work", "education", "membership", "award")
TRUE = "true"


# ---------------------------------------------------------------- access


def rows(name: str, **values: str | None) -> list[dict[str, Any]]:
    """Run a named query with the given parameters (None = left out); one dict per row, terms as they are."""
    query = load_queries()[name]
    return run(app_store(), query, {k: v for k, v in values.items() if v is not None}, app_base())


def val(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def lang_of(row: dict, name: str) -> str | None:
    term = row.get(name)
    return getattr(term, "language", None) if term is not None else None


def href(iri: str | None) -> str | None:
    """The site path of one of our resources, or None."""
    return path_of(iri, app_base()) if iri else None


def link(iri: str | None) -> str | None:
    """Where an IRI may link: our path, or an http(s) address as it is."""
    return safe_link(iri, app_base()) if iri else None


def slug_of(iri: str | None) -> str | None:
    parsed = parse(app_base(), iri) if iri else None
    return parsed[1] if parsed else None


def year_of(value: str | None) -> int | None:
    try:
        return int(value[:4]) if value else None
    except ValueError:
        return None


# ---------------------------------------------------------------- owner and roles


@dataclass(frozen=True)
class OwnerView:
    iri: str
    name: str
    href: str | None
    pronouns: str | None = None
    job_title: str | None = None
    description: str | None = None
    url: str | None = None
    name_lang: str | None = None
    interests: tuple[tuple[str, str | None], ...] = ()
    location: str | None = None
    profiles: tuple[str, ...] = ()


def owner_view(lang: str) -> OwnerView | None:
    """The owner from `owner-profile`, each text in the best language the data has."""
    found = rows("owner-profile")
    if not found:
        return None

    def pick(name: str):
        return i18n.pick_literal([r.get(name) for r in found], lang)
    name = pick("name")
    iri = val(found[0], "owner") or ""
    links = rows("owner-links")
    interests = tuple(dict.fromkeys((val(r, "topicName") or slug_of(val(r, "topic")) or "", href(val(r, "topic")))
                                    for r in links if val(r, "topic")))
    locations = sorted({val(r, "location") or "" for r in links if val(r, "location")}, key=lambda t: (-len(t), t))
    profiles = tuple(dict.fromkeys(link(val(r, "link")) for r in links if link(val(r, "link"))))
    return OwnerView(
        iri=iri, name=name.value if name is not None else (slug_of(iri) or iri), href=href(iri),
        pronouns=getattr(pick("pronouns"), "value", None), job_title=getattr(pick("jobTitle"), "value", None),
        description=getattr(pick("description"), "value", None), url=link(val(found[0], "url")),
        name_lang=getattr(name, "language", None), interests=interests,
        location=locations[0] if locations else None, profiles=profiles,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class RoleView:
    key: str
    role_name: str
    organization: str
    org_href: str | None
    category: str
    start: str | None = None
    end: str | None = None
    parent: str | None = None
    is_initiative: bool = False


def _parents() -> dict[str, str]:
    """Organization -> parent name, for the organizations the owner has a role in (a bounded query)."""
    return {val(r, "organization") or "": val(r, "parentName") or "" for r in rows("owner-organization-parents")
            if val(r, "parentName")}


def role_views(found: list[dict]) -> list[RoleView]:
    """Roles from rows of career-timeline / profile-as-of / version-roles (one per role, in order)."""
    parents = _parents()
    seen: dict[str, RoleView] = {}
    for r in found:
        org = val(r, "organization")
        key = val(r, "role") or f"{val(r, 'category')}:{val(r, 'roleName')}"
        if key in seen:
            continue
        seen[key] = RoleView(
            key=key, role_name=val(r, "roleName") or "", organization=val(r, "organizationName") or "",
            org_href=href(org), category=val(r, "category") or "", start=val(r, "start"), end=val(r, "end"),
            parent=parents.get(org or ""), is_initiative="/id/initiative/" in (org or ""),
        )
    return list(seen.values())


def _spans(start: str | None, end: str | None, day: str) -> bool:
    """True when known dates put `day` within [start, end] (each compared at its own precision)."""
    if start and start > day[:len(start)]:
        return False
    if end and day[:len(end)] > end:
        return False
    return True


@dataclass(frozen=True)
class VersionView:
    iri: str
    slug: str
    date: str | None
    file: str | None
    current: bool


def versions() -> list[VersionView]:
    """Homepage versions, current first (undated, then newest)."""
    found = rows("homepage-versions")
    out = []
    for i, r in enumerate(found):
        iri = val(r, "version") or ""
        out.append(VersionView(iri, iri.rstrip("/").rsplit("/", 1)[-1], val(r, "versionDate"), val(r, "file"),
                               i == 0))
    return out


def roles_now(day: str, current: VersionView | None) -> list[RoleView]:
    """The owner's roles on `day`: those the current homepage states (unless ended), plus dated ones spanning it."""
    stated: list[dict] = []
    if current is not None:
        stated = [r for r in rows("version-roles", version=current.iri)
                  if not (val(r, "end") and day[:len(val(r, "end") or "")] > (val(r, "end") or ""))]
    spanning = [r for r in rows("profile-as-of", date=day)
                if val(r, "start") and val(r, "end") and _spans(val(r, "start"), val(r, "end"), day)]
    if current is None:
        spanning += [r for r in rows("career-timeline") if val(r, "start") and not val(r, "end")
                     and val(r, "category") != "award" and _spans(val(r, "start"), None, day)]
    return role_views(stated + spanning)


# ---------------------------------------------------------------- prose


@dataclass(frozen=True)
class SectionView:
    id: str
    name: str
    html: Markup
    lang: str | None


def link_table(version: VersionView) -> dict[str, str]:
    """Normalized web address -> page of an entity the version mentions (for links in its prose)."""
    table: dict[str, str] = {}
    for r in rows("version-linked-entities", version=version.iri):
        path = href(val(r, "entity"))
        url = val(r, "url")
        if path and url:
            table.setdefault(prose.normalize_url(url), path)
    return table


def section_views(version: VersionView | None) -> list[SectionView]:
    """The sections of a homepage version, rendered with links into the graph."""
    if version is None:
        return []
    resolver = prose.link_resolver(link_table(version))
    site_url = app_settings().site_url
    out = []
    for r in rows("homepage-sections", version=version.iri):
        name = val(r, "name") or ""
        text_lang = lang_of(r, "text") or "en"  # the homepage importer reads the prose as English
        html = prose.markdown_to_html(val(r, "text") or "", resolver, site_url=site_url)
        anchor = (val(r, "section") or "").rsplit("#", 1)[-1] or "section"
        out.append(SectionView(anchor, name, html, text_lang))
    return out


@dataclass(frozen=True)
class CoauthorView:
    name: str
    href: str | None
    papers: int
