"""Pages for people: the home page, publications, history, quality; the portrait; and the site's static files.

Every page reads the graph through named queries (queries/*.rq, run by kg.store.queries) and builds one view-model
(web.views) that the template renders; the pictures are drawn by web.pictures from the same view-models.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, make_response, render_template, request, send_from_directory
from markupsafe import Markup

from kg.errors import BadParameter
from kg.formats import RDF_FORMATS
from web import i18n, pictures, views
from web.cache import app_base, app_store, cached, stamp
from web.negotiation import HTML, Offer, alternates, choose, finish, not_acceptable

bp = Blueprint("pages", __name__)
i18n.register(bp)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {p.name for p in STATIC.iterdir()} if STATIC.is_dir() else set()
JSONLD = Offer("jsonld", "application/ld+json", "jsonld", ("application/json",))
BIBTEX = Offer("bibtex", "application/x-bibtex", "bib", ("text/x-bibtex",))
PAPERS_OFFERS = (HTML, JSONLD, BIBTEX)
_SLUG = re.compile(r"^[A-Za-z0-9._~\-]{1,200}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@bp.get("/static/<name>")
def static_file(name: str):
    """Only files the site ships, by exact name: no path is built from the request."""
    if name not in STATIC_FILES:
        abort(404)
    return send_from_directory(STATIC, name, max_age=3600)


def _page(template: str, view: object, *, alternates_of: list | None = None, **context) -> Response:
    """Render a page with the headers every page carries: ETag per data version and language, alternates."""
    lang = i18n.current_language()
    version, built_at = stamp()
    links = alternates_of or []
    response = make_response(render_template(template, view=view, alternates=links, **context))
    return finish(response, offer=HTML, version=f"{version}-{lang}-{i18n.today().isoformat()}",
                  built_at=built_at, negotiated=False, links=links)


def _slug_param(name: str) -> str | None:
    """A `kind/slug` filter parameter given as its slug; None when absent; 400 naming it when malformed."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not _SLUG.match(raw):
        raise BadParameter(name, f"{raw!r} is not a slug (letters, digits, '.', '_', '~', '-')")
    return raw


@bp.get("/")
def home():
    """The profile: who, what now, the prose of the current homepage, projects, collaborators, recent papers."""
    lang = i18n.current_language()
    view = cached(("pages", "home", lang, i18n.today().isoformat()), lambda: views.home_view(lang))
    if view.owner is None:
        return _page("home.html", view)
    links = [(f"{view.owner.href}.{f.suffix}", Offer(f.name, f.media_type, f.suffix)) for f in RDF_FORMATS]
    # the page's address is the base IRI (not the request's Host header, which a client chooses)
    jsonld = cached(("pages", "home-jsonld"), lambda: views.home_jsonld(view, app_base()))
    return _page("home.html", view, alternates_of=links, jsonld=jsonld)


@bp.get("/portrait.svg")
def portrait():
    """The generated placeholder portrait (the profile has no image file of its own)."""
    lang = i18n.current_language()
    owner = cached(("pages", "owner", lang), lambda: views.owner_view(lang))
    name = owner.name if owner else "?"
    body = pictures.portrait(name, i18n.translate(lang, "home.portrait_alt", name=name))
    response = make_response(body)
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    version, built_at = stamp()
    return finish(response, offer=Offer("svg", "image/svg+xml"), version=f"{version}-{lang}", built_at=built_at,
                  negotiated=False, max_age=3600)


@bp.get("/papers")
@bp.get("/papers.<suffix>")
def papers(suffix: str | None = None):
    """Publications by year, newest first; filtered by `topic` and `coauthor` (slugs) on the server."""
    offer = choose(PAPERS_OFFERS, suffix)
    if offer is None:
        if suffix is not None:
            abort(404)
        return not_acceptable(PAPERS_OFFERS, "/papers")
    topic, coauthor = _slug_param("topic"), _slug_param("coauthor")
    lang = i18n.current_language()
    view = cached(("pages", "papers", lang, topic, coauthor), lambda: views.papers_view(lang, topic, coauthor))
    links = alternates("/papers", PAPERS_OFFERS, offer)
    if offer is not HTML:
        body = views.papers_jsonld(view, app_base()) if offer is JSONLD else views.papers_bibtex(view)
        response = make_response(body)
        version, built_at = stamp()
        response = finish(response, offer=offer, version=f"{version}-{topic}-{coauthor}", built_at=built_at,
                          negotiated=suffix is None, links=links)
        if offer is BIBTEX:
            response.headers["Content-Type"] = "application/x-bibtex; charset=utf-8"
        return response
    response = _page("papers.html", view, alternates_of=links)
    if suffix is None:
        response.vary.add("Accept")
    return response


@bp.get("/history")
def history():
    """The career timeline, the profile as of a date (`as_of`), and what changed between homepage versions."""
    as_of = request.args.get("as_of", "").strip() or None
    if as_of is not None and not _DAY.match(as_of):
        raise BadParameter("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)")
    if as_of is not None:
        try:
            dt.date.fromisoformat(as_of)
        except ValueError:
            raise BadParameter("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)") from None
    older, newer = _slug_param("from"), _slug_param("to")
    lang = i18n.current_language()
    view = cached(("pages", "history", lang, as_of, older, newer, i18n.today().isoformat()),
                  lambda: views.history_view(lang, as_of, older, newer))
    return _page("history.html", view)


@bp.get("/quality")
def quality():
    """What the build and the shapes found, and what the owner could complete."""
    lang = i18n.current_language()
    view = cached(("pages", "quality", lang), lambda: views.quality_view(lang))
    return _page("quality.html", view)


@dataclass(frozen=True)
class SiteOwner:
    """What every page's header and footer say about the profile's owner."""

    name: str
    brand: Markup
    year: int
    built: str | None


def site_owner() -> SiteOwner | None:
    """The owner for the header and footer of every page (also pages other blueprints render); None on error."""
    try:
        lang = i18n.current_language()
        owner = cached(("pages", "owner", lang), lambda: views.owner_view(lang))
    except Exception:  # an error page must render even when the store cannot answer
        return None
    if owner is None:
        return None
    first, _, rest = owner.name.partition(" ")
    brand = Markup("<strong>{}</strong> {}").format(first, rest)
    built = app_store().meta.built_at
    return SiteOwner(owner.name, brand, i18n.today().year,
                     i18n.format_date(built[:10], lang) if built else None)


@bp.app_context_processor
def _site_context() -> dict:
    return {"site_owner": site_owner}
