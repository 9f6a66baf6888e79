"""The home page's view-model: who, what now, the current homepage's prose, projects, co-authors and their
network, recent papers, and the page's ProfilePage JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from web import i18n, jsonld, pictures
from web.cache import app_base, app_store
from web.describe import Describer
from web.papers_view import PaperView, paper_list
from web.views import (CoauthorView, OwnerView, RoleView, SectionView, VersionView, href, link, owner_view,
                       roles_now, rows, section_views, slug_of, val, versions)


@dataclass(frozen=True)
class ProjectView:
    name: str
    href: str | None
    url: str | None
    repository: str | None
    description: str | None
    members: list[tuple[str, str | None]]


@dataclass
class HomeView:
    owner: OwnerView | None
    now: list[RoleView] = field(default_factory=list)
    sections: list[SectionView] = field(default_factory=list)
    version: VersionView | None = None
    projects: list[ProjectView] = field(default_factory=list)
    coauthors: list[CoauthorView] = field(default_factory=list)
    network: Markup = Markup("")
    network_edges: int = 0
    recent: list[PaperView] = field(default_factory=list)
    paper_count: int = 0
    interests: list[str] = field(default_factory=list)


def project_views(owner: str | None) -> list[ProjectView]:
    """The owner's projects (those with the owner as a member, else those of the owner's own sources)."""
    grouped: dict[str, dict] = {}
    for r in rows("owner-projects"):
        iri = val(r, "project") or ""
        p = grouped.setdefault(iri, {"name": val(r, "name") or slug_of(iri) or iri, "url": link(val(r, "url")),
                                     "repository": link(val(r, "repository")),
                                     "description": val(r, "description"), "members": {}})
        member = val(r, "member")
        if member:
            p["members"][member] = (val(r, "memberName") or slug_of(member) or member, href(member))
    mine = {k: p for k, p in grouped.items() if owner in p["members"]} or grouped
    return [ProjectView(p["name"], href(k), p["url"], p["repository"], p["description"],
                        [m for iri, m in p["members"].items() if iri != owner])
            for k, p in sorted(mine.items(), key=lambda kv: kv[1]["name"].lower())]


def network_view(owner: OwnerView, lang: str) -> tuple[list[CoauthorView], Markup, int]:
    """The co-authors (coauthors query) and the picture of their network (coauthor-network query)."""
    found = rows("coauthors")
    people = [CoauthorView(val(r, "name") or slug_of(val(r, "coauthor")) or "?", href(val(r, "coauthor")),
                           int(val(r, "papers") or 0)) for r in found]
    nodes = [pictures.Node(val(r, "coauthor") or "", person.name, person.href, person.papers)
             for r, person in zip(found, people)]
    keys = {n.key for n in nodes}
    edges = [pictures.Edge(val(r, "a") or "", val(r, "b") or "", int(val(r, "papers") or 0))
             for r in rows("coauthor-network") if val(r, "a") in keys and val(r, "b") in keys]
    if not nodes:
        return people, Markup(""), 0
    t = lambda key, **kw: i18n.translate(lang, key, **kw)  # noqa: E731
    svg = pictures.coauthor_network(
        pictures.Node(owner.iri, owner.name, owner.href, 0), nodes, edges,
        title=t("network.title", name=owner.name),
        desc=t("network.desc", people=len(nodes), links=len(edges)),
        paper_word=(t("word.paper"), t("word.papers")))
    return people, svg, len(edges)


def home_view(lang: str) -> HomeView:
    owner = owner_view(lang)
    if owner is None:
        return HomeView(None)
    all_versions = versions()
    current = all_versions[0] if all_versions else None
    day = i18n.today().isoformat()
    coauthors, network, edges = network_view(owner, lang)
    papers = paper_list(lang)
    return HomeView(
        owner=owner, now=roles_now(day, current), sections=section_views(current), version=current,
        projects=project_views(owner.iri), coauthors=coauthors, network=network, network_edges=edges,
        recent=papers[:5], paper_count=len(papers),
    )


def home_jsonld(view: HomeView, url: str) -> Markup:
    """The ProfilePage JSON-LD of the home page (web.jsonld, from the owner's resource view)."""
    if view.owner is None:
        return Markup("")
    owner_view_ = Describer(app_store(), app_base()).describe(view.owner.iri)
    if owner_view_ is None:
        return Markup("")
    employers = {app_base() + r.org_href.lstrip("/") for r in view.now if r.category == "work" and r.org_href}
    data = jsonld.profile_page(owner_view_, url=url, date_modified=app_store().meta.built_at or None,
                               employers=employers)
    return jsonld.script_tag(data)
