"""The interface in English, French and Spanish: catalogues, negotiation (?lang, cookie, Accept-Language), switch."""

from __future__ import annotations

import json
import re
import string

import lxml.html
import pyoxigraph as ox
import pytest

from web import i18n

LANGS = list(i18n.LANGUAGES)
PAGES = ["/", "/papers", "/history", "/quality"]


def catalogue_file(lang: str) -> dict:
    return json.loads((i18n.TRANSLATIONS / f"{lang}.json").read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------- catalogues


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_has_every_key(lang):
    assert set(i18n.catalog(lang)) == set(i18n.catalog("en"))


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_english(lang):
    for key, text in i18n.catalog(lang).items():
        assert placeholders(text) == placeholders(i18n.catalog("en")[key]), key


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translations_are_translated(lang):
    """Most texts differ from English (a few words such as "SPARQL" or "Total" are the same)."""
    same = [k for k, v in i18n.catalog(lang).items() if v == i18n.catalog("en")[k]]
    assert len(same) < len(i18n.catalog("en")) // 6, same


@pytest.mark.parametrize("lang", LANGS)
def test_month_names_are_twelve(lang):
    assert len(i18n.translate(lang, "months.long").split()) == 12
    assert len(i18n.translate(lang, "months.short").split()) == 12


def test_every_key_used_in_templates_and_code_exists():
    from kg.settings import PROJECT_ROOT

    used: set[str] = set()
    for path in (PROJECT_ROOT / "web" / "templates").glob("*.html"):
        used |= set(re.findall(r"_\('([a-z_.]+)'", path.read_text()))
    for path in (PROJECT_ROOT / "web").glob("*.py"):
        used |= set(re.findall(r'(?:translate\(lang, |\bt\()"([a-z_.]+)"', path.read_text()))
    for group in ("category", "fact"):
        used |= {k for k in i18n.catalog("en") if k.startswith(group + ".")}
    used = {k for k in used if not k.endswith(".")}
    assert used - set(i18n.catalog("en")) == set()


# ---------------------------------------------------------------- negotiation


@pytest.mark.parametrize("param, cookie, accept, chosen", [
    ("fr", "es", [("en", 1.0)], "fr"),
    (None, "es", [("fr", 1.0)], "es"),
    (None, None, [("de", 1.0), ("es-MX", 0.8), ("fr", 0.5)], "es"),
    (None, None, [("fr-CA", 0.9), ("en", 0.3)], "fr"),
    ("xx", "yy", [("de", 1.0)], "en"),
    (None, None, [], "en"),
    ("ES", None, [], "es"),
])
def test_negotiate(param, cookie, accept, chosen):
    assert i18n.negotiate(param, cookie, accept) == chosen


def test_translate_falls_back_to_english_then_the_key():
    assert i18n.translate("fr", "nav.papers") == "Publications"
    assert i18n.translate("fr", "no.such.key") == "no.such.key"
    assert i18n.translate("es", "papers.shown", total=3) == "3 publicaciones, de la más reciente a la más antigua."


@pytest.mark.parametrize("lang, value, shown", [
    ("en", "2022-06-01", "June 1, 2022"), ("fr", "2022-06-01", "1 juin 2022"),
    ("es", "2022-06-01", "1 de junio de 2022"),
    ("en", "2020-09", "September 2020"), ("fr", "2020-09", "septembre 2020"), ("es", "2020", "2020"),
    ("en", "", ""), ("en", "garbage", "garbage"),
])
def test_format_date(lang, value, shown):
    assert i18n.format_date(value, lang) == shown


def test_pick_literal_prefers_the_interface_language():
    en, fr, plain = ox.Literal("Montreal", language="en"), ox.Literal("Montréal", language="fr"), ox.Literal("MTL")
    assert i18n.pick_literal([en, fr, plain], "fr") is fr
    assert i18n.pick_literal([en, fr, plain], "es") is plain
    assert i18n.pick_literal([en, fr], "es") is en
    assert i18n.pick_literal([], "en") is None


def test_in_language_marks_foreign_text():
    assert str(i18n.in_language("Hello <b>", "en", "fr")) == '<span lang="en">Hello &lt;b&gt;</span>'
    assert str(i18n.in_language("Hola", "es", "es")) == "Hola"


# ---------------------------------------------------------------- pages


def lang_of(response) -> str:
    return lxml.html.fromstring(response.data).get("lang")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_accept_language_chooses_the_interface(client, path, lang):
    response = client.get(path, headers={"Accept-Language": f"{lang};q=0.9, de;q=1.0"})
    assert response.status_code == 200
    assert lang_of(response) == lang
    doc = lxml.html.fromstring(response.data)
    nav = " ".join(doc.xpath("//nav[contains(@class, 'site-nav')]//a/text()"))
    assert i18n.translate(lang, "nav.papers") in nav
    assert "Accept-Language" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(app):
    client = app.test_client()
    first = client.get("/papers?lang=es", headers={"Accept-Language": "fr"})
    assert lang_of(first) == "es"
    assert "lang=es" in first.headers.get("Set-Cookie", "")
    later = client.get("/history", headers={"Accept-Language": "fr"})
    assert lang_of(later) == "es", "the cookie wins over Accept-Language"
    assert lang_of(client.get("/history?lang=en")) == "en", "the parameter wins over the cookie"


def test_unknown_language_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "fr"})
    assert lang_of(response) == "fr"
    assert "lang=xx" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("path", [*PAGES, "/people", "/organizations"])
def test_every_page_has_a_visible_language_switch(client, path, samples):
    for target in (path, samples["person"][0][len("http://127.0.0.1:8000"):]):
        doc = lxml.html.fromstring(client.get(target, headers={"Accept": "text/html"}).data)
        switch = doc.xpath("//nav[contains(@class, 'lang-switch')]//a")
        assert [a.get("hreflang") for a in switch] == LANGS
        assert all("lang=" in a.get("href") for a in switch)
        assert len([a for a in switch if a.get("aria-current") == "true"]) == 1


def test_switch_keeps_the_other_parameters(mini_client):
    doc = lxml.html.fromstring(mini_client.get("/papers?topic=cs-lg&lang=en").data)
    french = doc.xpath("//nav[contains(@class, 'lang-switch')]//a[@hreflang='fr']/@href")[0]
    assert french.startswith("/papers?") and "topic=cs-lg" in french and "lang=fr" in french
    assert "lang=en" not in french


def test_pages_differ_by_language_but_data_stays_as_written(mini_client):
    en = mini_client.get("/papers?lang=en").get_data(as_text=True)
    fr = mini_client.get("/papers?lang=fr").get_data(as_text=True)
    assert "Abstract" in en and "Résumé" in fr
    assert "Deep Widgets for Everyone" in en and "Deep Widgets for Everyone" in fr
    assert "May 2, 2024" in en and "2 mai 2024" in fr


def test_prose_in_another_language_is_marked(client):
    doc = lxml.html.fromstring(client.get("/?lang=fr").data)
    prose = doc.xpath("//section[contains(@class, 'prose')]/div")
    assert prose and all(div.get("lang") == "en" for div in prose)
    doc = lxml.html.fromstring(client.get("/?lang=en").data)
    assert all(div.get("lang") is None for div in doc.xpath("//section[contains(@class, 'prose')]/div"))


def test_etag_differs_by_language(client):
    en, fr = client.get("/?lang=en"), client.get("/?lang=fr")
    assert en.headers.get("ETag") and en.headers["ETag"] != fr.headers["ETag"]
