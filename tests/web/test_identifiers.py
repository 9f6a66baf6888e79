"""`/doi/{doi}`, `/arxiv/{id}`, `/orcid/{id}`: a 303 to the resource carrying the identifier, else a 404.

Served over a store built from the al-folio site (its bibliography has a DOI and arXiv ids; its socials an ORCID
iD), and over the bundled profile (which has none of these).
"""

from __future__ import annotations

import pytest

from kg.settings import PROJECT_ROOT, load_settings

SITE = PROJECT_ROOT / "tests" / "data" / "alfolio"
WETLANDS = "/id/paper/forecasting-wetland-loss-with-graph-neural-networks"
RIVERS = "/id/paper/sampling-river-networks-with-generative-flow-networks"
AMPHIBIANS = "/id/paper/counting-amphibians-in-acoustic-surveys-with-self-supervised"
OWNER = "/id/person/ilse-varga-moreau"


@pytest.fixture(scope="module")
def site_client(tmp_path_factory):
    from kg.build.pipeline import build
    from web import create_app

    settings = load_settings({"store": tmp_path_factory.mktemp("alfolio-store"), "content": SITE}, environ={})
    build(settings)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.mark.parametrize(
    "path, target",
    [
        ("/doi/10.5555/jce.2023.0412", WETLANDS),
        ("/doi/10.5555/JCE.2023.0412", WETLANDS),  # DOIs are case-insensitive
        ("/doi/doi:10.5555/jce.2023.0412", WETLANDS),
        ("/doi/https://doi.org/10.5555/jce.2023.0412", WETLANDS),
        ("/arxiv/2402.01357", RIVERS),
        ("/arxiv/2402.01357v2", RIVERS),  # a version of the paper
        ("/arxiv/arXiv:2211.04821", AMPHIBIANS),
        ("/orcid/0000-0002-1825-0097", OWNER),
        ("/orcid/https://orcid.org/0000-0002-1825-0097", OWNER),
    ],
)
def test_redirects_to_the_resource(site_client, path: str, target: str) -> None:
    response = site_client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"] == target
    followed = site_client.get(target, headers={"Accept": "text/turtle"})
    assert followed.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/doi/10.5555/unknown", "/doi/not-a-doi", "/arxiv/2401.99999", "/orcid/0000-0002-1825-0098",
     "/orcid/not-an-orcid"],
)
def test_unknown_identifier_is_404(site_client, path: str) -> None:
    response = site_client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_404_in_the_negotiated_type(client) -> None:
    """The bundled profile carries no DOI: a browser gets an HTML 404, a script JSON or text."""
    html = client.get("/doi/10.5555/jce.2023.0412", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"
    text = client.get("/orcid/0000-0002-1825-0097", headers={"Accept": "text/plain"})
    assert text.status_code == 404 and text.mimetype == "text/plain"


def test_every_identifier_of_the_store_redirects(site_client) -> None:
    """Each DOI, arXiv id and ORCID iD the store holds answers with a redirect (parametrized over the data)."""
    from kg.store.queries import load_queries, run
    from web.cache import app_store

    with site_client.application.app_context():
        store = app_store()
        rows = run(store, load_queries()["resource-by-identifier"], {}, store.meta.base)
    checked = 0
    for row in rows:
        scheme, value = row["_scheme"].value, row["_value"].value
        if scheme in ("doi", "arxiv", "orcid"):
            response = site_client.get(f"/{scheme}/{value}")
            assert response.status_code == 303, (scheme, value)
            assert row["resource"].value.endswith(response.headers["Location"])
            checked += 1
    assert checked == 4
