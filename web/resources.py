"""Linked-data resources `/id/{kind}/{slug}[.suffix]` by content negotiation, and the list of each kind.

A resource answers as HTML (for people: names instead of IRIs, incoming relations, each fact's source
documents, its schema.org JSON-LD and, for a paper, Google Scholar's citation tags) or as RDF in each format of
kg.formats (its statements, its own role and authorship nodes, the names of what it links to). Old IRIs listed
in the build's ledger answer 301 to the current one. Everything is computed once per data version.

Lists (`/people`, `/organizations`, ... for each kind with a plural; every paper of the graph is `/papers/all`,
since `/papers` is the owner's publications, which the pages module serves) answer as HTML or as a schema.org
ItemList in JSON-LD, a page of `page_size` items at a time (`?page=N`, with `rel="prev"`/`rel="next"` in the
page's head and in the Link header); `list_jsonld(kind)` gives the whole list to others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, make_response, redirect, render_template, request

from kg import iris
from kg.iris import url_parts
from kg.errors import BadParameter, ResourceNotFound
from kg.formats import PREFIXES, serialize_triples
from kg.store.embedded import LEDGER
from kg.store.queries import load_queries, run
from web import jsonld
from web.prose import latex_to_html
from web.cache import app_base, app_settings, app_store, cached, stamp
from web.i18n import current_language
from web.describe import Describer, ResourceView, type_label
from web.errors import error_as, not_acceptable
from web.negotiation import HTML, RESOURCE_OFFERS, Offer, alternates, choose, finish, split_suffix
from web.negotiation import offer as offer_named

bp = Blueprint("resources", __name__)

JSONLD_LIST = offer_named("jsonld", loose=True)
LIST_OFFERS: tuple[Offer, ...] = (HTML, JSONLD_LIST)


# ---------------------------------------------------------------- template helpers


@bp.app_template_filter("href")
def href(url: str | None) -> str | None:
    """A URL fit for an href: our own absolute paths and http(s) URLs; None for anything else (javascript:...)."""
    if not url:
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    parts = url_parts(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


@bp.app_template_filter("type_label")
def _type_label(iri: str) -> str:
    return type_label(iri)


@bp.app_template_filter("latex")
def _latex(text: str):
    """Abstracts and descriptions may hold simple LaTeX ($\\geq 95\\%$): shown as escaped HTML (≥ 95%)."""
    return latex_to_html(text)


# ---------------------------------------------------------------- data, once per build


def describer() -> Describer:
    return Describer(app_store(), app_base())


def source_labels() -> dict:
    """Named graph -> Source, once per data version."""
    return cached("sources", lambda: describer().source_labels())


def resource_view(iri: str) -> ResourceView | None:
    """The view-model of a resource, or None when the store knows nothing about it; cached per data version."""
    return cached(("view", iri), lambda: describer().describe(iri, source_labels()))


def resource_rdf(iri: str, offer: Offer) -> bytes:
    """The RDF of a resource in a format, cached per data version."""
    def compute() -> bytes:
        base = app_base()
        triples = cached(("triples", iri), lambda: describer().triples(iri))
        prefixes = {**PREFIXES, **{k: f"{base}id/{k}/" for k in iris.KINDS}}
        return serialize_triples(triples, offer.format, prefixes)
    return cached(("rdf", iri, offer.key), compute)


def redirects() -> dict[str, str]:
    """Old IRI -> current IRI, from the build's IRI ledger."""
    def load() -> dict[str, str]:
        raw = app_store().attachment(LEDGER)
        return dict(json.loads(raw).get("redirects", {})) if raw else {}
    return cached("redirects", load)


def resource_jsonld(iri: str) -> dict | None:
    """The schema.org JSON-LD of a resource (what its page embeds), or None when unknown."""
    view = resource_view(iri)
    return None if view is None else jsonld.for_view(view)


def profile_page_jsonld(iri: str, url: str | None = None) -> dict | None:
    """The ProfilePage JSON-LD (mainEntity: the Person at iri) for a profile home page, or None when unknown."""
    view = resource_view(iri)
    if view is None:
        return None
    return jsonld.profile_page(view, url=url, date_modified=app_store().meta.built_at or None)


# ---------------------------------------------------------------- /id/{kind}/{slug}


def _is_iri(text: str) -> bool:
    """Whether text is an IRI at all: a slug with `<` or a lone `%` makes none, so names nothing (404)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@bp.get("/id/<kind>/<name>")
def resource(kind: str, name: str):
    """One resource, by suffix or by Accept; 301 for an old IRI, 404/406 in the negotiated type."""
    slug, suffix = split_suffix(name, RESOURCE_OFFERS)
    path = f"/id/{kind}/{slug}"
    offer = choose(RESOURCE_OFFERS, suffix)
    if offer is None:
        return not_acceptable(RESOURCE_OFFERS, path)
    negotiated = suffix is None
    base = app_base()
    iri = base + path[1:]
    target = redirects().get(iri)
    if target:
        location = ("/" + target[len(base):] if target.startswith(base) else target) + (f".{suffix}" if suffix else "")
        response = redirect(location, 301)
        response.vary.add("Accept")
        return response
    view = resource_view(iri) if kind in iris.KINDS and _is_iri(iri) else None
    if view is None:
        response = error_as(offer, 404, "Not Found", str(ResourceNotFound(kind, slug)))
        if negotiated:
            response.vary.add("Accept")
        return response
    if offer.key == "html":
        body = render_template("resource.html", view=view, kind=iris.KINDS[kind],
                               jsonld=jsonld.script_tag(jsonld.for_view(view)),
                               citation=jsonld.citation_meta(view),
                               alternates=alternates(path, RESOURCE_OFFERS, HTML))
    else:
        body = resource_rdf(iri, offer)
    version, built_at = stamp()
    if offer.key == "html":
        version += "-" + current_language()  # the page's words follow the reader's language
    return finish(make_response(body), offer=offer, version=version, built_at=built_at, negotiated=negotiated,
                  links=alternates(path, RESOURCE_OFFERS, offer), location=f"{path}.{offer.suffix}")


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class ListSpec:
    """Which named query lists a kind: its parameters, the variable naming each resource, a detail line."""

    query: str
    subject: str
    params: dict[str, str] = field(default_factory=dict)
    details: Callable[[list[dict]], str] | None = None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _count(row: dict, var: str) -> int:
    term = row.get(var)
    return int(term.value) if term is not None and term.value.isdigit() else 0


def _people_details(rows: list[dict]) -> str:
    return _plural(_count(rows[0], "papers"), "paper") if _count(rows[0], "papers") else ""


def _organization_details(rows: list[dict]) -> str:
    parts = [_plural(_count(rows[0], var), word) for var, word in (("members", "member"), ("papers", "paper"))
             if _count(rows[0], var)]
    return ", ".join(parts)


def _project_details(rows: list[dict]) -> str:
    members = list(dict.fromkeys(r["memberName"].value for r in rows if "memberName" in r))
    description = next((r["description"].value for r in rows if "description" in r), "")
    return " — ".join(x for x in (description, ", ".join(members)) if x)


LISTS: dict[str, ListSpec] = {
    "person": ListSpec("people", "person", details=_people_details),
    "organization": ListSpec("organizations", "organization", details=_organization_details),
    "project": ListSpec("projects", "project", details=_project_details),
}


@dataclass(frozen=True)
class ListItem:
    iri: str
    path: str
    name: str
    details: str = ""


def list_items(kind: str) -> list[ListItem]:
    """The resources of a kind, by name, with a detail line; from the kind's named query, once per build."""
    def compute() -> list[ListItem]:
        spec = LISTS.get(kind) or ListSpec("resources-of-kind", "resource", {"kind": kind})
        base = app_base()
        rows = run(app_store(), load_queries()[spec.query], spec.params, base)
        grouped: dict[str, list[dict]] = {}
        for row in rows:
            term = row.get(spec.subject)
            parsed = iris.parse(base, term.value) if term is not None else None
            if parsed and parsed[0] == kind:  # /events lists events, not initiatives that are events too
                grouped.setdefault(term.value, []).append(row)
        items = []
        for iri, group in grouped.items():
            name = next((r["name"].value for r in group if "name" in r), iri.rsplit("/", 1)[-1])
            items.append(ListItem(iri, "/" + iri[len(base):], name, spec.details(group) if spec.details else ""))
        return items
    return cached(("list", kind), compute)


def list_jsonld(kind: str, items: list[ListItem] | None = None, *, offset: int = 0,
                total: int | None = None) -> dict:
    """A schema.org ItemList of the resources of a kind (the `.jsonld` twin of a list page); for one page of
    it, the items from `offset` of `total`, positions counted in the whole list."""
    spec = iris.KINDS[kind]
    items = list_items(kind) if items is None else items
    data = jsonld.item_list(spec.label, f"{app_base()}{list_path(kind)[1:]}",
                            [(i.iri, i.name, jsonld.KIND_TYPES.get(kind, "Thing")) for i in items])
    for element in data["itemListElement"]:
        element["position"] += offset
    data["numberOfItems"] = len(items) if total is None else total
    return data


def list_path(kind: str) -> str:
    """The path of a kind's list page ("/people"; "/papers/all")."""
    return iris.KINDS[kind].list_path


@dataclass(frozen=True)
class Pager:
    """One page of a list: its number, the number of pages, the items' offset, and the neighbours' URLs."""

    number: int
    pages: int
    offset: int
    total: int
    prev: str | None
    next: str | None

    def links(self) -> list[tuple[str, str]]:
        """(URL, rel) of the neighbouring pages."""
        return [(url, rel) for url, rel in ((self.prev, "prev"), (self.next, "next")) if url]


def page_number() -> int:
    """The `page` parameter (1 when absent); 400 naming it when it is not a positive integer."""
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadParameter("page", f"{raw!r} is not a page number (1, 2, ...)")
    return int(raw)


def pager(path: str, total: int, number: int, size: int, params: dict[str, str] | None = None) -> Pager:
    """Page `number` of a list of `total` items, `size` a page, its links keeping `params`; 404 past the last
    page (an empty list has one)."""
    pages = max(1, -(-total // size))
    if number > pages:
        raise ResourceNotFound("page", f"{path}?page={number} (the list has {pages})")

    def url(n: int) -> str:
        query = urlencode({**(params or {}), **({"page": str(n)} if n > 1 else {})})
        return f"{path}?{query}" if query else path
    return Pager(number, pages, (number - 1) * size, total, url(number - 1) if number > 1 else None,
                 url(number + 1) if number < pages else None)


def list_page(kind: str, suffix: str | None = None):
    """One page of a list of a kind as HTML or JSON-LD (by suffix or Accept)."""
    spec = iris.KINDS[kind]
    path = list_path(kind)
    offer = choose(LIST_OFFERS, suffix)
    if offer is None:
        return not_acceptable(LIST_OFFERS, path)
    everything = list_items(kind)
    size = app_settings().page_size
    number = page_number()
    page = pager(path + (f".{suffix}" if suffix else ""), len(everything), number, size)
    items = everything[page.offset:page.offset + size]
    data = list_jsonld(kind, items, offset=page.offset, total=len(everything))
    if offer.key == "html":
        body = render_template("list.html", kind=spec, items=items, pager=page,
                               alternates=alternates(path, LIST_OFFERS, HTML), jsonld=jsonld.script_tag(data))
    else:
        body = json.dumps(data, ensure_ascii=False, indent=1)
    version, built_at = stamp()
    if offer.key == "html":
        version += "-" + current_language()
    qs = f"?page={number}" if number > 1 else ""
    response = finish(make_response(body), offer=offer, version=f"{version}-p{number}", built_at=built_at,
                      negotiated=suffix is None, links=[(u + qs, o) for u, o in alternates(path, LIST_OFFERS, offer)],
                      location=f"{path}.{offer.suffix}{qs}")
    neighbours = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in page.links())
    if neighbours:
        current = response.headers.get("Link")
        response.headers["Link"] = f"{current}, {neighbours}" if current else neighbours
    return response


def _register_lists() -> None:
    """One route pair per kind with a list page (the KINDS table decides)."""
    for kind in iris.KINDS.values():
        if not kind.plural:
            continue
        path = list_path(kind.name)
        bp.add_url_rule(path, f"list_{kind.name}", _list_view(kind.name, None))
        for offer in LIST_OFFERS:  # /people.html too: the Link header of /people.jsonld names it
            bp.add_url_rule(f"{path}.{offer.suffix}", f"list_{kind.name}_{offer.suffix}",
                            _list_view(kind.name, offer.suffix))


def _list_view(kind: str, suffix: str | None):
    def view():
        return list_page(kind, suffix)
    view.__name__ = f"list_{kind}_{suffix or 'page'}"
    return view


_register_lists()

__all__ = ["bp", "list_jsonld", "list_items", "list_path", "resource_view", "resource_jsonld",
           "profile_page_jsonld", "ListItem", "Pager", "pager"]
