"""Run the app on Granian, the production server (HTTP/1.1 in Rust, WSGI in worker processes); never Flask's
development server.

The site is made, and its top pages rendered, once in this process; the workers are forked from it, so each starts
warm and they share those pages' memory. Each worker calls the app from `threads` threads. The server refuses
what is malformed before the app sees it: a request head larger than its buffer or with more than 100 headers
(431), a head not read within the header timeout. The settings' own limits (414, 413, 431) are the app's
(web/guard.py), so they hold under any server.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable

from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings

from kg.settings import Settings
from web.accesslog import AccessLog

HEADER_READ_TIMEOUT_MS = 30_000  # a client that does not finish sending its request head in time is dropped


def site_app(settings: Settings) -> Callable:
    """The site, made once and its top pages rendered: what every worker forked from this process serves."""
    from web import create_app
    from web.render import warm

    app = create_app(settings)
    warm(app)
    return app


def server(settings: Settings) -> Granian:
    """Granian under the settings: address, worker processes, threads per worker, request head limits."""
    head = settings.max_request_line + settings.max_header_fields * (settings.max_header_bytes + 4)
    return Granian(
        "kg",  # a name only: the workers run the app they inherit (run)
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=settings.threads,
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS, max_buffer_size=max(8192, head)),
        log_access=False,  # web.accesslog writes the combined-format line
        respawn_failed_workers=True,
        workers_kill_timeout=5,
    )


def run(settings: Settings, app: Callable | None = None) -> None:
    """Serve the site (or another WSGI app, under the very same server settings) until interrupted."""
    app = AccessLog(app if app is not None else site_app(settings))
    multiprocessing.set_start_method("fork", force=True)  # the workers inherit the app made here
    server(settings).serve(target_loader=lambda: app, wrap_loader=False)
