"""The publications page's view-model: the owner's papers by year with authors and topics, filtered on the
server; the chart of papers per year; the page as a schema.org ItemList and as BibTeX."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from kg.formats import RDF_FORMATS
from web import i18n, jsonld, pictures, prose
from web.cache import app_base, app_store
from web.views import TRUE, CoauthorView, href, link, rows, slug_of, val, year_of


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
                formats=[(f.label, f"{path}.{f.suffix}", f.media_type) for f in RDF_FORMATS]
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
