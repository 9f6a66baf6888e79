"""The cheap access log writes exactly the line gunicorn's own logger writes."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from web.accesslog import AccessLog

ENVIRONS = [
    {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": "/papers?page=2", "SERVER_PROTOCOL": "HTTP/1.1",
     "HTTP_REFERER": "https://example.org/", "HTTP_USER_AGENT": "Mozilla/5.0 (X11)"},
    {"REMOTE_ADDR": "::1", "REQUEST_METHOD": "POST", "RAW_URI": "/sparql", "SERVER_PROTOCOL": "HTTP/1.0"},
    {"REMOTE_ADDR": "10.0.0.2", "REQUEST_METHOD": "GET", "RAW_URI": '/id/"x"', "SERVER_PROTOCOL": "HTTP/1.1",
     "HTTP_USER_AGENT": 'bot "quoted" " end', "HTTP_REFERER": '"'},
    {"REMOTE_ADDR": "10.0.0.3", "REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1",
     "HTTP_AUTHORIZATION": "Basic dXNlcjpwdw=="},
]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _line(logger_class: type, environ: dict, status: str, sent: int | None) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = logger_class(cfg)
    logger.now = lambda: "[07/Dec/2026:06:31:21 +0000]"
    lines = _Lines()
    logger.access_log.handlers = [lines]
    response = SimpleNamespace(status=status, sent=sent, headers=[("Content-Type", "text/html")])
    logger.access(response, SimpleNamespace(headers=[("HOST", "x")]), environ, dt.timedelta(microseconds=1500))
    return lines.lines[0]


@pytest.mark.parametrize("environ", ENVIRONS)
@pytest.mark.parametrize("status, sent", [("200 OK", 5120), ("404 NOT FOUND", None), (304, 0)])
def test_the_line_is_gunicorns(environ: dict, status: str, sent: int | None) -> None:
    AccessLog._second = -1
    assert _line(AccessLog, environ, status, sent) == _line(glogging.Logger, environ, status, sent)


def test_kg_serve_uses_it() -> None:
    from kg.settings import load_settings
    from web.server import _Gunicorn

    server = _Gunicorn(load_settings({}), app=object())
    assert server.cfg.logger_class is AccessLog
