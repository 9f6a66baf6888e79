"""Identifier routes: `/doi/{doi}`, `/arxiv/{id}`, `/orcid/{id}` answer 303 See Other to the resource carrying it.

An identifier names a thing described elsewhere too (the DOI's paper, the iD's person), so the answer is a 303 to
the resource's IRI, as for any linked-data thing; an identifier no resource carries is a 404 in the negotiated type.
The lookup is the named query `resource-by-identifier` (scheme and value bound as terms). Each scheme's table row
says how a value written in the URL is cleaned (a resolver prefix, `arXiv:`, lower case for DOIs, which are
case-insensitive) and which other spellings to try (an arXiv id without its version).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, redirect

from kg import iris
from kg.errors import ResourceNotFound
from kg.store.queries import load_queries, run
from web.cache import app_base, app_store

bp = Blueprint("identifiers", __name__)

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ARXIV_VERSION = re.compile(r"v\d+$")


def _doi(value: str) -> list[str]:
    text = re.sub(r"^(?:https?:/+(?:dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)
    return [text] if text.startswith("10.") else []


def _arxiv(value: str) -> list[str]:
    text = re.sub(r"^(?:https?:/+arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", "", value.strip(), flags=re.I)
    text = text.removesuffix(".pdf")
    bare = _ARXIV_VERSION.sub("", text)
    return [text, bare] if bare != text else [text]


def _orcid(value: str) -> list[str]:
    text = re.sub(r"^https?:/+orcid\.org/", "", value.strip(), flags=re.I).upper()
    return [text] if _ORCID.match(text) else []


@dataclass(frozen=True)
class IdentifierRoute:
    """One identifier scheme served at `/{scheme}/{value}`: how to read the value, whether case matters."""

    scheme: str
    rule: str
    spellings: Callable[[str], list[str]]  # the value as written -> the spellings to look up, in order
    case_insensitive: bool = False


ROUTES: tuple[IdentifierRoute, ...] = (
    IdentifierRoute("doi", "/doi/<path:value>", _doi, case_insensitive=True),
    IdentifierRoute("arxiv", "/arxiv/<path:value>", _arxiv),
    IdentifierRoute("orcid", "/orcid/<path:value>", _orcid),
)


def resource_for(scheme: str, value: str, case_insensitive: bool = False) -> str | None:
    """The IRI of the resource carrying the identifier (ours first, then in IRI order), or None."""
    store, base = app_store(), app_base()
    query = load_queries()["resource-by-identifier"]
    rows = run(store, query, {"scheme": scheme, "value": value}, base)
    if not rows and case_insensitive:  # every value of the scheme, compared here: the store compares exactly
        rows = [r for r in run(store, query, {"scheme": scheme}, base) if r["_value"].value.lower() == value.lower()]
    found = sorted({r["resource"].value for r in rows}, key=lambda iri: (iris.parse(base, iri) is None, iri))
    return found[0] if found else None


def _view(route: IdentifierRoute) -> Callable[[str], object]:
    def answer(value: str):
        for spelling in route.spellings(value):
            iri = resource_for(route.scheme, spelling, route.case_insensitive)
            if iri is not None:
                base = app_base()
                return redirect("/" + iri[len(base):] if iri.startswith(base) else iri, 303)
        raise ResourceNotFound(route.scheme, value)

    answer.__name__ = f"by_{route.scheme}"
    answer.__doc__ = f"303 to the resource whose {route.scheme} identifier is the value; 404 when none is."
    return answer


for _route in ROUTES:
    bp.add_url_rule(_route.rule, endpoint=f"by_{_route.scheme}", view_func=_view(_route), methods=["GET"])
