"""`/queries`: the catalogue of named queries, and `/queries/{name}` running one with its parameters.

Parameters come from the query string and are bound as RDF terms by kg.store.queries (a malformed or unknown one is
a 400 naming it). Results: an HTML table, or SPARQL JSON / CSV / TSV / XML by suffix or Accept, written by
pyoxigraph; results are cached by kg.store.queries per data version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request

from kg.errors import BadParameter, ResourceNotFound
from kg.store.queries import describe, load_queries, run, run_to
from web.cache import app_base, app_settings, app_store, stamp
from web import i18n
from web.i18n import current_language
from web.negotiation import HTML, Offer, alternates, choose, finish, not_acceptable, split_suffix
from web.resources import page_number, pager
from web.sparql import cell

bp = Blueprint("named_queries", __name__)

CATALOGUE_OFFERS: tuple[Offer, ...] = (HTML, Offer("json", "application/json", "json"))
RESULT_OFFERS: tuple[Offer, ...] = (
    HTML,
    Offer("json", "application/sparql-results+json", "json", ("application/json",)),
    Offer("csv", "text/csv", "csv"),
    Offer("tsv", "text/tab-separated-values", "tsv"),
    Offer("xml", "application/sparql-results+xml", "srx", ("application/xml",)),
)


def _catalogue_entry(name: str, query) -> dict:
    entry = describe(query)
    entry["url"] = f"/queries/{name}"
    return entry


@bp.get("/queries")
@bp.get("/queries.<suffix>")
def catalogue(suffix: str | None = None):
    """Every named query with its title, description and parameters (HTML or JSON)."""
    if suffix is not None and suffix not in {o.suffix for o in CATALOGUE_OFFERS}:
        raise ResourceNotFound("page", f"queries.{suffix}")
    offer = choose(CATALOGUE_OFFERS, suffix)
    if offer is None:
        return not_acceptable(CATALOGUE_OFFERS, "/queries")
    queries = load_queries()
    entries = [_catalogue_entry(name, q) for name, q in queries.items()]
    if offer.key == "html":
        body = render_template("queries.html", queries=entries,
                               alternates=alternates("/queries", CATALOGUE_OFFERS, HTML))
    else:
        body = json.dumps({"queries": entries}, ensure_ascii=False, indent=1)
    version, built_at = stamp()
    version += "-" + _queries_stamp(queries) + ("-" + current_language() if offer.key == "html" else "")
    return finish(make_response(body), offer=offer, version=version,
                  built_at=None, negotiated=suffix is None, links=alternates("/queries", CATALOGUE_OFFERS, offer))


def _queries_stamp(queries) -> str:
    """A digest of the query files, so the catalogue's ETag changes when they do (the same in every worker)."""
    digest = hashlib.sha256()
    for q in queries.values():
        digest.update(q.name.encode() + b"\0" + q.sparql.encode() + b"\0")
    return digest.hexdigest()[:12]


@bp.get("/queries/<name>")
def named_query(name: str):
    """Run one named query: an HTML table, or results by suffix (.json, .csv, .tsv, .srx) or Accept."""
    stem, suffix = split_suffix(name, RESULT_OFFERS)
    queries = load_queries()
    query = queries.get(stem)
    offer = choose(RESULT_OFFERS, suffix)
    if offer is None:
        return not_acceptable(RESULT_OFFERS, f"/queries/{stem}")
    if query is None:
        raise ResourceNotFound("named query", stem)
    # `lang` chooses the interface language (web.i18n) and `page` the page of the HTML table, unless the query
    # itself takes a parameter of that name
    interface = {name for name in (i18n.PARAM, "page") if query.param(name) is None}
    values = {key: value for key, value in request.args.items(multi=False) if key not in interface}
    for key in values:
        if len(request.args.getlist(key)) > 1:
            raise BadParameter(key, "given more than once")
    store, base = app_store(), app_base()
    path = f"/queries/{stem}"
    qs = ("?" + urlencode(values)) if values else ""
    links = [(url + qs, o) for url, o in alternates(path, RESULT_OFFERS, offer)]
    number = 1
    if offer.key == "html":
        rows = run(store, query, values, base)
        columns = list(dict.fromkeys(k for row in rows for k in row if not k.startswith("_")))
        number = page_number() if "page" in interface else 1
        page = pager(path, len(rows), number, app_settings().page_size, values)
        shown = rows[page.offset:page.offset + app_settings().page_size]
        table = [[cell(row.get(c), base) for c in columns] for row in shown]
        body = render_template("query.html", query=_catalogue_entry(stem, query), sparql=query.sparql,
                               values=values, columns=columns, rows=table, pager=page, total=len(rows),
                               alternates=[(url + qs, o) for url, o in alternates(path, RESULT_OFFERS, HTML)],
                               editor="/sparql?" + urlencode({"query": query.sparql}))
    else:
        body = run_to(store, query, values, base, offer.media_type)
    version, _ = stamp()
    version += f"-{dt.date.today().isoformat()}" + ("-" + current_language() if offer.key == "html" else "")
    response = finish(make_response(body), offer=offer, version=f"{version}-p{number}",
                      negotiated=suffix is None, links=links)
    if offer.key == "html" and page.links():
        neighbours = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in page.links())
        response.headers["Link"] = f"{response.headers['Link']}, {neighbours}" if response.headers.get("Link") \
            else neighbours
    return response
