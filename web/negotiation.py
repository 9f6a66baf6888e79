"""Content negotiation: Accept (q-values, wildcards) or a suffix -> one offer; 406; Vary, Link and validators.

Rules (RFC 9110 §12.5.1): each offered media type takes the q of the most specific Accept range matching it
(`type/subtype` over `type/*` over `*/*`); q=0 means "not acceptable"; the highest q wins and ties go to the
server's order of preference. A missing or empty Accept header accepts anything. Each route passes its offers
in its own order of preference: pages put HTML first (so `*/*` and `text/*` give people a page, the Cool URIs
practice), machine endpoints put their default data format first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from flask import Response, make_response, render_template, request

from kg.formats import RDF_FORMATS, RESULT_FORMATS, Format
from kg.vocab import RDF


@dataclass(frozen=True)
class Offer:
    """One representation a route can give: its key, the media type it answers with, its suffix, aliases."""

    key: str
    media_type: str
    suffix: str | None = None
    aliases: tuple[str, ...] = ()
    format: Format | None = None  # the kg.formats row, when it is an RDF or results format

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def title(self) -> str:
        """The format's name for people: "Turtle", "JSON-LD"."""
        return TITLES.get(self.key, self.key.upper())

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "+xml"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


TITLES = {"html": "HTML", "ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdfxml": "RDF/XML",
          "json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV", "nq": "N-Quads", "trig": "TriG"}


def format_offer(fmt: Format) -> Offer:
    """The offer for a row of kg.formats."""
    return Offer(fmt.name, fmt.media_type, fmt.suffix, fmt.aliases, fmt)


HTML = Offer("html", "text/html", "html")
JSON = Offer("json", "application/json", "json")
CSV = Offer("csv", "text/csv", "csv")
RDF_OFFERS: tuple[Offer, ...] = tuple(format_offer(f) for f in RDF_FORMATS)
RESULT_OFFERS: tuple[Offer, ...] = tuple(format_offer(f) for f in RESULT_FORMATS)
# A resource: HTML first, so a browser (and `*/*`) gets the page; then the RDF formats of the contract.
RESOURCE_OFFERS: tuple[Offer, ...] = (HTML, *RDF_OFFERS)


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type == "*" or (self.type == kind and self.subtype in ("*", sub))


_TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are skipped, a malformed q counts as 1."""
    ranges: list[MediaRange] = []
    for element in (header or "").split(","):
        parts = [p.strip() for p in element.split(";")]
        kind, _, sub = parts[0].lower().partition("/")
        if not (_TOKEN.match(kind or "") and _TOKEN.match(sub or "")) or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 1.0
                break  # parameters after q are accept-extensions
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def _best_range(ranges: Sequence[MediaRange], media_type: str) -> MediaRange | None:
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity
                                      or (r.specificity == best.specificity and r.q > best.q)):
            best = r
    return best


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q an Accept header gives a media type: that of the most specific range matching it, else 0."""
    best = _best_range(ranges, media_type)
    return best.q if best else 0.0


def offer_quality(ranges: Sequence[MediaRange], offer: Offer) -> float:
    """The q of an offer: wildcards match its own media type only, aliases (legacy names such as
    application/x-turtle) only when named; the most specific mention wins, so an explicit q=0 is final."""
    exact = [r for r in ranges if r.specificity == 2]
    found = [r for r in [_best_range(ranges, offer.media_type),
                         *(_best_range(exact, mt) for mt in offer.aliases)] if r is not None]
    if not found:
        return 0.0
    top = max(r.specificity for r in found)
    return max(r.q for r in found if r.specificity == top)


def negotiate(header: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The acceptable offer with the highest q (ties: the first offered), or None when none is acceptable."""
    if not offers:
        return None
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]  # no (usable) Accept header: anything is acceptable
    best, best_q = None, 0.0
    for offer in offers:
        q = offer_quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def choose(offers: Sequence[Offer], suffix: str | None = None) -> Offer | None:
    """The offer a request asks for: by its suffix when it has one, otherwise by its Accept header."""
    if suffix is not None:
        return next((o for o in offers if o.suffix == suffix), None)
    return negotiate(request.headers.get("Accept"), offers)


def split_suffix(name: str, offers: Iterable[Offer]) -> tuple[str, str | None]:
    """("slug", "ttl") for "slug.ttl" when ttl is an offered suffix, else (name, None)."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix in {o.suffix for o in offers if o.suffix}:
        return stem, suffix
    return name, None


def alternates(path: str, offers: Iterable[Offer], current: Offer | None = None) -> list[tuple[str, Offer]]:
    """(URL, offer) of each other representation of the thing at path (path + "." + suffix)."""
    return [(f"{path}.{o.suffix}", o) for o in offers if o.suffix and o != current]


def link_header(links: Iterable[tuple[str, Offer]]) -> str:
    """A Link header value naming each alternate representation."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{offer.media_type}"' for url, offer in links)


def not_acceptable(offers: Sequence[Offer], path: str | None = None) -> Response:
    """406, listing what the client could ask for instead (as text: the client accepts none of ours)."""
    lines = [f"406 Not Acceptable: available as {', '.join(o.media_type for o in offers)}"]
    if path:
        lines += [f"  {url}" for url, _ in alternates(path, offers)]
    response = make_response("\n".join(lines) + "\n", 406)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Vary"] = "Accept"
    if path:
        response.headers["Link"] = link_header(alternates(path, offers))
    return response


def error_as(offer: Offer, status: int, title: str, detail: str) -> Response:
    """An error in the negotiated type: an HTML page, a JSON object, or an empty RDF document saying why."""
    message = f"{status} {title}: {detail}"
    if offer.key == "html":
        body = render_template("error.html", status=status, title=title, detail=detail)
    elif offer.media_type.endswith("json"):
        from flask import json

        body = json.dumps({"error": title, "status": status, "detail": detail})
    elif offer.key == "rdfxml" or offer.media_type.endswith("xml"):
        comment = message.replace("--", "- -")
        body = ('<?xml version="1.0" encoding="utf-8"?>\n'
                f"<!-- {_xml_escape(comment)} -->\n"
                f'<rdf:RDF xmlns:rdf="{RDF}"/>\n')
    else:  # Turtle, N-Triples, CSV, plain text: a comment line (an empty graph where the format has comments)
        body = "# " + message.replace("\n", " ") + "\n"
    response = make_response(body, status)
    response.headers["Content-Type"] = offer.content_type
    return response


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def http_date(iso: str | None) -> datetime | None:
    """A datetime from the build's ISO timestamp (for Last-Modified), or None."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def finish(response: Response, *, offer: Offer, version: str, built_at: str | None = None,
           negotiated: bool = True, links: Iterable[tuple[str, Offer]] = (), location: str | None = None,
           max_age: int = 60) -> Response:
    """Headers every negotiated answer carries (Content-Type, Vary, Link, ETag, Last-Modified); 304 when fresh.

    The ETag is the data version (the build, plus any SPARQL updates) and the format; Last-Modified is the
    build time, which callers pass only while no update has changed the data since (see web.cache.stamp).
    """
    response.headers["Content-Type"] = offer.content_type
    if negotiated:
        response.vary.add("Accept")
        if location:
            response.headers["Content-Location"] = location
    links = list(links)
    if links:
        response.headers["Link"] = link_header(links)
    response.set_etag(f"{version}-{offer.key}")
    modified = http_date(built_at)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


__all__ = ["Offer", "HTML", "JSON", "CSV", "RDF_OFFERS", "RESULT_OFFERS", "RESOURCE_OFFERS", "parse_accept",
           "quality", "offer_quality", "negotiate", "choose", "split_suffix", "alternates", "link_header", "not_acceptable",
           "error_as", "finish", "format_offer"]
