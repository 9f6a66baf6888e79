"""Pages for people: the home page, publications, history, quality; and the site's own static files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

bp = Blueprint("pages", __name__)
STATIC = Path(__file__).parent / "static"
STATIC_FILES = {p.name for p in STATIC.iterdir()} if STATIC.is_dir() else set()


@bp.get("/static/<name>")
def static_file(name: str):
    """Only files the site ships, by exact name: no path is built from the request."""
    if name not in STATIC_FILES:
        abort(404)
    return send_from_directory(STATIC, name, max_age=3600)
