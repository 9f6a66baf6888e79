"""Run the app on gunicorn (threaded workers), the production WSGI server; never Flask's development server."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from kg.settings import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, app=None):
        self.settings = settings
        self.app = app  # another WSGI app under the same settings (bench/floor.py), else the site
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        for key, value in {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "threads": s.threads,
            "worker_class": "gthread",
            "timeout": max(30, int(s.query_timeout * 4)),
            "graceful_timeout": 5,
            "accesslog": "-",
            "logger_class": "web.accesslog.AccessLog",  # the combined-format line, formatted cheaply
            "limit_request_line": s.max_request_line,  # 414 past it (web.guard says the same in-process)
            "limit_request_fields": s.max_header_fields,  # 431 past these: headers are never a way to send a lot
            "limit_request_field_size": s.max_header_bytes,
            "preload_app": self.app is None,  # the site is made, and its top pages rendered, once before the fork
        }.items():
            self.cfg.set(key, value)

    def load(self):
        if self.app is not None:
            return self.app
        from web import create_app
        from web.render import warm

        app = create_app(self.settings)
        warm(app)  # in the master: every worker starts with the top pages kept and the data behind them computed
        return app


def run(settings: Settings, app=None) -> None:
    """Serve the site (or another WSGI app, under the very same server settings) until interrupted."""
    _Gunicorn(settings, app).run()
