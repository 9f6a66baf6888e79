"""The interface in English, French and Spanish: the language is `?lang=`, else a cookie, else Accept-Language.

Translations are flat JSON catalogues (web/translations/{lang}.json), English being the reference every other
catalogue must cover. Data is shown in the languages it has: `pick_literal` prefers a literal tagged with the
interface language, then an untagged one, then English, then any.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import urlencode

from flask import Blueprint, g, request
from markupsafe import Markup, escape

LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"
COOKIE = "lang"
PARAM = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The catalogue of one language, read once."""
    path = TRANSLATIONS / f"{lang}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def negotiate(param: str | None, cookie: str | None, accept: Iterable[tuple[str, float]]) -> str:
    """The interface language: a valid `?lang=`, else a valid cookie, else the best Accept-Language match."""
    for choice in (param, cookie):
        if choice and choice.lower() in LANGUAGES:
            return choice.lower()
    best, best_q = DEFAULT, 0.0
    for value, quality in accept:
        primary = value.lower().split("-")[0].split("_")[0]
        if primary in LANGUAGES and quality > best_q:
            best, best_q = primary, quality
    return best


def translate(lang: str, key: str, **params: object) -> str:
    """The text of key in lang (English when missing there), with `{name}` placeholders filled."""
    text = catalog(lang).get(key) or catalog(DEFAULT).get(key) or key
    return text.format(**params) if params else text


def current_language() -> str:
    """The language of the request being served (negotiated once per request)."""
    lang = g.get("lang")
    if lang is None:
        lang = negotiate(request.args.get(PARAM), request.cookies.get(COOKIE), request.accept_languages)
        g.lang = lang
    return lang


def _(key: str, **params: object) -> str:
    """Translate key into the current request's language."""
    return translate(current_language(), key, **params)


def switch_url(lang: str) -> str:
    """The current page in another language (other query parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    args.append((PARAM, lang))
    return f"{request.path}?{urlencode(args)}"


def pick_literal(literals: Iterable, lang: str):
    """Of several literals (pyoxigraph or rdflib), the one best for lang: lang, untagged, English, any."""
    candidates = [lit for lit in literals if lit is not None]
    if not candidates:
        return None

    def rank(lit) -> int:
        tag = (getattr(lit, "language", None) or "").lower().split("-")[0]
        return 0 if tag == lang else 1 if not tag else 2 if tag == DEFAULT else 3
    return min(candidates, key=rank)


def in_language(text: str, data_lang: str | None, lang: str) -> Markup:
    """Text in its own language: wrapped in a `lang` span when it differs from the interface's."""
    if data_lang and data_lang.split("-")[0].lower() != lang:
        return Markup(f'<span lang="{escape(data_lang)}">{escape(text)}</span>')
    return Markup(escape(text))


def date_parts(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of '2020', '2020-09' or '2020-09-15' (a time part ignored); None if not a date."""
    parts = value.split("T")[0].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else None
        day = int(parts[2]) if len(parts) > 2 and parts[2] else None
    except ValueError:
        return None
    return year, month, day


def format_date(value: str | None, lang: str, *, short: bool = False) -> str:
    """A date at the precision given (year, year-month or day), written the language's way."""
    if not value:
        return ""
    parsed = date_parts(value)
    if parsed is None:
        return value
    year, month, day = parsed
    if month is None or not 1 <= month <= 12:
        return str(year)
    months = translate(lang, "months.short" if short else "months.long").split()
    name = months[month - 1] if len(months) == 12 else str(month)
    pattern = "date.day" if day else "date.month"
    return translate(lang, pattern, day=day or "", month=name, year=year)


def today() -> dt.date:
    """Today, in one place so tests can reason about it."""
    return dt.date.today()


def register(bp: Blueprint) -> None:
    """Make `_`, `lang` and the switch available to every template, and remember a `?lang=` choice."""

    @bp.app_context_processor
    def _context() -> dict:
        lang = current_language()
        return {"_": _, "lang": lang, "languages": LANGUAGES, "switch_url": switch_url,
                "format_date": lambda value, short=False: format_date(value, lang, short=short)}

    @bp.after_app_request
    def _remember(response):
        chosen = request.args.get(PARAM, "").lower()
        if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if response.mimetype == "text/html":
            # The same URL reads differently by Accept-Language and by the cookie: caches must know.
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
