"""The floor for any Flask page: one Flask route returning fixed bytes, on the server settings of `kg serve`.

    python bench/floor.py --port 8100 --workers 2 --body page.html

Whatever a page of the site costs beyond this is the site's own work; bench/run.py measures it beside the
pages. Settings (threads, timeouts, access log) come from kg.settings exactly as for `kg serve`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, Response  # noqa: E402

from kg.settings import load_settings  # noqa: E402
from web.server import run  # noqa: E402


def floor_app(body: bytes, content_type: str = "text/html; charset=utf-8") -> Flask:
    """A Flask app whose one route, `/`, answers the same bytes every time."""
    app = Flask(__name__)

    @app.get("/")
    def fixed() -> Response:
        return Response(body, content_type=content_type)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--body", type=Path, help="the bytes to answer (default: a short HTML page)")
    args = parser.parse_args(argv)
    body = args.body.read_bytes() if args.body else b"<!doctype html><title>floor</title><p>fixed bytes</p>\n"
    settings = load_settings({"port": args.port, "workers": args.workers})
    run(settings, floor_app(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
