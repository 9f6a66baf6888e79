"""View-models of the pages for people, built from named queries only; templates and JSON-LD read them.

Each `*_view(lang, ...)` runs the named queries a page needs (kg.store.queries: parameters bound as terms) and
returns plain dataclasses; the pictures are drawn here from the same data the text alternatives show.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from kg.formats import RDF_FORMATS
from kg.iris import parse
from kg.store.embedded import REPORT
from kg.store.queries import load_queries, run
from web import history as hist
from web import i18n, jsonld, pictures, prose
from web.cache import app_base, app_settings, app_store
from web.describe import Describer, path_of, safe_link

FORMAT_LABELS = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}
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


# ---------------------------------------------------------------- home


@dataclass(frozen=True)
class ProjectView:
    name: str
    href: str | None
    url: str | None
    repository: str | None
    description: str | None
    members: list[tuple[str, str | None]]


@dataclass(frozen=True)
class CoauthorView:
    name: str
    href: str | None
    papers: int


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


# ---------------------------------------------------------------- publications


@dataclass(frozen=True)
class AuthorView:
    name: str
    href: str | None
    is_owner: bool
    is_organization: bool


@dataclass(frozen=True)
class TopicView:
    code: str
    name: str
    slug: str | None
    href: str | None


@dataclass
class PaperView:
    iri: str
    href: str | None
    title: str
    date: str | None
    year: int | None
    abstract: Markup | None = None
    url: str | None = None
    bibkey: str | None = None  # the key of its BibTeX entry (the source's key, else its slug)
    bibtex: str | None = None
    venue: str | None = None
    thesis: bool = False
    truncated: bool = False
    topics: list[TopicView] = field(default_factory=list)
    authors: list[AuthorView] = field(default_factory=list)
    formats: list[tuple[str, str, str]] = field(default_factory=list)
    colour: str | None = None  # its category's colour, as in the chart

    @property
    def category(self) -> str | None:
        return self.topics[0].code if self.topics else None


def paper_list(lang: str) -> list[PaperView]:
    """The owner's publications (`owner-publications`, newest first), with their authors and BibTeX entries."""
    del lang  # titles and abstracts are shown in the language they are written in
    owner = rows("owner-profile")
    owner_iri = val(owner[0], "owner") if owner else None
    details: dict[str, PaperView] = {}
    for r in rows("owner-publications"):
        iri = val(r, "paper") or ""
        p = details.get(iri)
        if p is None:
            path = href(iri)
            abstract = val(r, "abstract")
            p = details[iri] = PaperView(
                iri=iri, href=path, title=val(r, "title") or "", date=val(r, "date"), year=year_of(val(r, "date")),
                abstract=prose.latex_to_html(abstract) if abstract else None, url=link(val(r, "url")),
                bibkey=val(r, "bibkey") or slug_of(iri), venue=val(r, "venue"), thesis=val(r, "thesis") == TRUE,
                truncated=val(r, "truncated") == TRUE,
                formats=[(FORMAT_LABELS.get(f.suffix, f.name), f"{path}.{f.suffix}", f.media_type) for f in RDF_FORMATS]
                if path else [])
        topic = val(r, "topic")
        if topic and all(t.slug != slug_of(topic) or t.code != (val(r, "topicCode") or "") for t in p.topics):
            p.topics.append(TopicView(val(r, "topicCode") or val(r, "topicName") or slug_of(topic) or "",
                                      val(r, "topicName") or "", slug_of(topic), href(topic)))
    for r in rows("owner-paper-authors"):
        p = details.get(val(r, "paper") or "")
        if p is None:
            continue
        author = val(r, "author")
        p.authors.append(AuthorView(val(r, "name") or slug_of(author) or "?", href(author), author == owner_iri,
                                    val(r, "isOrganization") == TRUE))
    entries = bibtex_by_key()
    for p in details.values():
        p.bibtex = entries.get(p.bibkey or "")
    return list(details.values())  # in the query's order: newest first, then by title


def bibtex_by_key() -> dict[str, str]:
    """Each of the owner's papers' BibTeX entry as text, by key (kg.exports.bibtex, as `kg export` writes them)."""
    import bibtexparser

    from kg.exports.bibtex import bibtex_entries

    entries = bibtex_entries(app_store(), authors="owner-paper-authors", bibliography="owner-bibliography")
    return {entry.key: bibtexparser.write_string(bibtexparser.Library([entry])).strip() for entry in entries}


def papers_bibtex(view: PapersView) -> str:
    """The shown papers' BibTeX entries, in page order."""
    return "\n\n".join(p.bibtex for _, papers in view.years for p in papers if p.bibtex) + "\n"


@dataclass
class PapersView:
    years: list[tuple[int | None, list[PaperView]]]
    total: int
    shown: int
    topics: list[tuple[TopicView, int]]
    coauthors: list[CoauthorView]
    topic: str | None
    coauthor: str | None
    topic_label: str | None
    coauthor_label: str | None
    chart: Markup
    chart_rows: list[tuple[int, list[tuple[str, int]], int]]
    categories: list[tuple[str, str]]


def papers_view(lang: str, topic: str | None, coauthor: str | None) -> PapersView:
    papers = paper_list(lang)
    author_path = f"/id/person/{coauthor}"
    shown = [p for p in papers if (not topic or any(t.slug == topic and t.href == f"/id/topic/{topic}"
                                                    for t in p.topics))
             and (not coauthor or any(a.href == author_path for a in p.authors))]
    years: dict[int | None, list[PaperView]] = defaultdict(list)
    for p in shown:
        years[p.year].append(p)
    grouped = sorted(years.items(), key=lambda kv: -(kv[0] or 0))

    topic_counts: Counter = Counter()
    topic_by_slug: dict[str, TopicView] = {}
    for p in papers:
        for t in p.topics:
            if t.slug:
                topic_counts[t.slug] += 1
                topic_by_slug.setdefault(t.slug, t)
    topics = sorted(((topic_by_slug[s], n) for s, n in topic_counts.items()), key=lambda tn: (-tn[1], tn[0].code))
    coauthors = [CoauthorView(val(r, "name") or "?", href(val(r, "coauthor")), int(val(r, "papers") or 0))
                 for r in rows("coauthors")]
    coauthors.sort(key=lambda c: c.name.lower())
    colours = paper_colours(papers)
    for p in papers:
        p.colour = colours.get(p.category or "")
    chart, chart_rows, categories = publications_chart(shown, lang, colours)
    return PapersView(
        years=grouped, total=len(papers), shown=len(shown), topics=topics, coauthors=coauthors,
        topic=topic, coauthor=coauthor,
        topic_label=topic_by_slug[topic].code if topic in topic_by_slug else topic,
        coauthor_label=next((c.name for c in coauthors if c.href and c.href.endswith(f"/{coauthor}")), coauthor),
        chart=chart, chart_rows=chart_rows, categories=categories)


def paper_colours(papers: list[PaperView]) -> dict[str, str]:
    """A colour per category, the most frequent first, fixed for the whole list (filters keep colours)."""
    frequency = Counter(t.code for p in papers for t in p.topics)
    return pictures.category_colours(sorted(frequency, key=lambda c: (-frequency[c], c)))


def main_category(p: PaperView, frequency: Counter) -> str:
    """The category a paper is counted under in the chart: its most common topic overall."""
    if not p.topics:
        return "—"
    return min(p.topics, key=lambda t: (-frequency[t.code], t.code)).code


def publications_chart(papers: list[PaperView], lang: str, colours: dict[str, str] | None = None):
    """The stacked bars (one per year, by category) and the same numbers as rows for the table."""
    frequency = Counter(t.code for p in papers for t in p.topics)
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for p in papers:
        if p.year is None:
            continue
        cat = main_category(p, frequency)
        counts[(p.year, cat)] += 1
        for t in p.topics:
            names.setdefault(t.code, t.name)
    categories = sorted({c for _, c in counts}, key=lambda c: (-sum(n for (_, k), n in counts.items() if k == c), c))
    t = lambda key, **kw: i18n.translate(lang, key, **kw)  # noqa: E731
    years = sorted({y for y, _ in counts})
    svg = pictures.publications_per_year(
        [pictures.YearCount(y, c, n) for (y, c), n in sorted(counts.items())], categories,
        title=t("chart.papers.title"),
        desc=t("chart.papers.desc", papers=sum(counts.values()), years=len(years),
               first=years[0] if years else "", last=years[-1] if years else ""),
        paper_word=(t("word.paper"), t("word.papers")), year_href="#year-{year}", colours=colours)
    table = [(y, [(c, counts[(y, c)]) for c in categories], sum(counts[(y, c)] for c in categories))
             for y in sorted(years, reverse=True)]
    return svg, table, [(c, names.get(c, "")) for c in categories]


def papers_jsonld(view: PapersView, root: str) -> str:
    """The publications as a schema.org ItemList of ScholarlyArticles, authors in order."""
    items = []
    for i, p in enumerate((p for _, ps in view.years for p in ps), 1):
        article: dict[str, Any] = {"@type": ["ScholarlyArticle", "Thesis"] if p.thesis else "ScholarlyArticle",
                                   "@id": p.iri, "name": p.title, "headline": p.title}
        if p.date:
            article["datePublished"] = p.date
        article["author"] = [{"@type": "Organization" if a.is_organization else "Person", "name": a.name,
                              **({"@id": app_base() + a.href[1:]} if a.href else {})} for a in p.authors]
        if p.topics:
            article["about"] = [{"@type": "DefinedTerm", "termCode": t.code, "name": t.name or t.code,
                                 **({"@id": app_base() + t.href[1:]} if t.href else {})} for t in p.topics]
        if p.url:
            article["url"] = p.url
        items.append({"@type": "ListItem", "position": i, "item": article})
    data = {"@context": jsonld.CONTEXT, "@type": "ItemList", "@id": root + "papers", "name": "Publications",
            "numberOfItems": len(items), "itemListElement": items}
    return json.dumps(data, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------- history


@dataclass
class HistoryView:
    timeline: Markup
    roles: dict[str, list[RoleView]]
    undated: list[RoleView]
    awards: list[str]
    initiatives: list[tuple[str, list[RoleView]]]
    as_of: str | None
    as_of_roles: dict[str, list[RoleView]]
    as_of_version: VersionView | None
    as_of_sections: list[SectionView]
    versions: list[VersionView]
    older: VersionView | None
    newer: VersionView | None
    diff: hist.Diff | None
    bar_count: int


def _group(roles: list[RoleView]) -> dict[str, list[RoleView]]:
    out: dict[str, list[RoleView]] = {}
    for category in CATEGORY_ORDER:
        members = [r for r in roles if r.category == category]
        if members:
            out[category] = members
    return out


def timeline_view(lang: str, roles: list[RoleView], now_keys: set[str], stated: dict[str, list[str]]):
    """The career timeline picture: dated roles as bars, undated ones a dated homepage states as diamonds."""
    now = pictures.partial_date_to_year(i18n.today().isoformat()) or 0.0
    t = lambda key, **kw: i18n.translate(lang, key, **kw)  # noqa: E731
    short = lambda d: i18n.format_date(d, lang, short=True)  # noqa: E731
    spans = []
    for r in roles:
        if r.category == "award":
            continue
        label = f"{r.role_name} · {r.organization}" if r.role_name else r.organization
        group = r.category
        dates = sorted(stated.get(r.key, []))
        if not r.start:
            if not dates:
                continue
            at = pictures.partial_date_to_year(dates[0]) or now
            when = t("history.stated_by", dates=", ".join(short(d) for d in dates))
            spans.append(pictures.Span(label, group, at, at, r.org_href, when=when, key=r.key, point=True))
            continue
        start = pictures.partial_date_to_year(r.start)
        if start is None:
            continue
        end = pictures.partial_date_to_year(r.end, end=True) if r.end else None
        open_end = unknown = False
        when = "–".join(short(d) for d in (r.start, r.end) if d)
        if end is None:
            if r.key in now_keys:
                end, open_end = now, True
                when = t("history.since", date=short(r.start))
            else:
                last_stated = pictures.partial_date_to_year(dates[-1], end=True) if dates else None
                end, unknown = max(start + 0.5, last_stated or start + 1.0), True
                when = t("history.since", date=short(r.start)) + " · " + t("history.end_unknown")
        spans.append(pictures.Span(label, group, start, end, r.org_href, open_end, unknown, when, r.key))
    groups = [(g, t(f"category.{g}")) for g in ("work", "education", "membership")]
    svg = pictures.career_timeline(spans, groups, now, title=t("chart.timeline.title"),
                                   desc=t("chart.timeline.desc", roles=len(spans)))
    return svg, len(spans)


def history_view(lang: str, as_of: str | None, older: str | None, newer: str | None) -> HistoryView:
    day = i18n.today().isoformat()
    all_versions = versions()
    current = all_versions[0] if all_versions else None
    career = role_views(rows("career-timeline"))
    now_keys = {r.key for r in roles_now(day, current)}
    dates = {v.iri: v.date for v in all_versions if v.date}
    stated: dict[str, list[str]] = defaultdict(list)
    for r in rows("version-roles"):
        date = dates.get(val(r, "_version") or "")
        if date:
            stated[val(r, "role") or ""].append(date)
    timeline, bars = timeline_view(lang, career, now_keys, stated)
    initiatives: dict[str, list[RoleView]] = defaultdict(list)
    for r in rows("initiatives-by-role"):
        role = val(r, "roleName") or "—"
        initiatives[role].append(RoleView(
            key=val(r, "initiative") or "", role_name=role, organization=val(r, "name") or "",
            org_href=href(val(r, "initiative")), category="membership", start=val(r, "start"), end=val(r, "end"),
            is_initiative=True))

    as_of_roles: dict[str, list[RoleView]] = {}
    as_of_version = None
    as_of_sections: list[SectionView] = []
    if as_of:
        as_of_roles = _group(role_views(rows("profile-as-of", date=as_of)))
        dated = [v for v in all_versions if v.date and v.date <= as_of]
        as_of_version = max(dated, key=lambda v: v.date or "") if dated else None
        as_of_sections = section_views(as_of_version)

    by_slug = {v.slug: v for v in all_versions}
    newer_v = by_slug.get(newer or "") if newer else current
    dated_versions = [v for v in all_versions if v.date]
    default_older = min(dated_versions, key=lambda v: v.date or "") if dated_versions else None
    older_v = by_slug.get(older or "") if older else default_older
    if older_v is not None and newer_v is not None and older_v.iri == newer_v.iri and not older:
        older_v = next((v for v in all_versions if v.iri != newer_v.iri), None)
    diff = None
    if older_v is not None and newer_v is not None and older_v.iri != newer_v.iri:
        diff = hist.diff(version_facts(older_v), version_facts(newer_v))
    return HistoryView(
        timeline=timeline, roles=_group([r for r in career if r.category != "award" and r.start]),
        undated=[r for r in career if r.category != "award" and not r.start],
        awards=[r.role_name for r in career if r.category == "award"],
        initiatives=sorted(initiatives.items()), as_of=as_of, as_of_roles=as_of_roles,
        as_of_version=as_of_version, as_of_sections=as_of_sections, versions=all_versions,
        older=older_v, newer=newer_v, diff=diff, bar_count=bars)


def version_facts(version: VersionView) -> dict[tuple, hist.Fact]:
    """The facts one homepage version states (homepage-version-facts), with the line each was read from."""
    owner = rows("owner-profile")
    owner_iri = val(owner[0], "owner") if owner else None
    triples = []
    for r in rows("homepage-version-facts", version=version.iri):
        obj = r.get("object")
        triples.append({"subject": val(r, "subject"), "predicate": val(r, "predicate"), "object": val(r, "object"),
                        "subjectName": val(r, "subjectName"), "objectName": val(r, "objectName"),
                        "objectIsIri": isinstance(obj, ox.NamedNode)})
    lines: dict[str, int] = {}
    for r in rows("source-lines", source=version.iri):
        subject, line = val(r, "subject") or "", int(val(r, "line") or 0)
        if line and (subject not in lines or line < lines[subject]):
            lines[subject] = line
    return hist.version_facts(triples, version.iri, owner_iri, href, lines)


# ---------------------------------------------------------------- quality


@dataclass
class ProblemView:
    severity: str
    message: str
    focus: str | None
    focus_href: str | None
    path: str | None
    source: str | None


@dataclass
class QualityView:
    warnings: list[str]
    problems: list[ProblemView]
    truncated: list[dict]
    name_only: list[dict]
    report_found: bool
    truncated_count: int = 0  # the lists above hold at most a page of these (page_size); the rest is a link away
    name_only_count: int = 0


def quality_view(lang: str) -> QualityView:
    del lang
    raw = app_store().attachment(REPORT)
    report: dict = {}
    if raw:
        try:
            report = json.loads(raw)
        except ValueError:
            report = {}
    problems = []
    for p in report.get("problems", []) if isinstance(report, dict) else []:
        if not isinstance(p, dict):
            continue
        focus = p.get("focus")
        problems.append(ProblemView(str(p.get("severity") or "warning"), str(p.get("message") or ""),
                                    focus, link(focus) if isinstance(focus, str) else None,
                                    p.get("path"), p.get("source")))
    severity_order = {"violation": 0, "warning": 1, "info": 2}
    problems.sort(key=lambda p: (severity_order.get(p.severity, 3), p.source or "", p.message))
    truncated = [{"title": val(r, "title") or "", "href": href(val(r, "paper")), "date": val(r, "date"),
                  "known": int(val(r, "knownAuthors") or 0)} for r in rows("truncated-author-lists")]
    name_only = [{"name": val(r, "name") or slug_of(val(r, "person")) or "?", "href": href(val(r, "person")),
                  "papers": int(val(r, "papers") or 0)} for r in rows("people-known-only-by-name")]
    warnings = [str(w) for w in report.get("warnings", [])] if isinstance(report, dict) else []
    size = app_settings().page_size
    return QualityView(warnings, problems, truncated[:size], name_only[:size], raw is not None,
                       len(truncated), len(name_only))
