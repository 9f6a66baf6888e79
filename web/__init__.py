"""The web application: create_app(settings, store) builds a Flask app over a kg store; blueprints by concern."""

from __future__ import annotations

from flask import Flask

from kg.settings import Settings, load_settings
from kg.store import open_store
from kg.store.base import GraphStore


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> Flask:
    """An app serving one store; tests pass their own settings and store."""
    settings = settings or load_settings()
    app = Flask(__name__, static_folder=None)  # /static is web.pages' list of shipped files, not a folder
    app.config["KG_SETTINGS"] = settings
    app.config["KG_STORE"] = store or open_store(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_query_bytes
    app.json.sort_keys = False

    from web import errors, guard, identifiers, resources, site, sparql, sparql_fast, named_queries, pages, render

    errors.register(app)
    guard.register(app)  # request limits, the busy answer, security headers
    for module in (pages, resources, sparql, named_queries, site, identifiers):
        app.register_blueprint(module.bp)
    sparql_fast.install(app)  # a plain GET /sparql?query= answered without Flask's request machinery
    render.install(app)  # a kept answer is served before anything else runs
    guard.install_head_limits(app)  # outermost: a head past the limits is refused even where an answer is kept
    return app
