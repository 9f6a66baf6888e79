"""The access log: one combined-format line per request, as log tools read it, from the app kg serve runs."""

from __future__ import annotations

import re

import pytest

from web.accesslog import AccessLog

# The combined log format as log analysers parse it (GoAccess's COMBINED, awstats' "combined").
COMBINED = re.compile(r'^(?P<host>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<time>\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] '
                      r'"(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<size>\d+|-) '
                      r'"(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)"$')


def _logged(environ: dict, status: str, headers: list, body) -> str:
    """The line AccessLog writes for one request answered by an app giving status, headers and body."""
    lines: list[str] = []

    def app(environ, start_response):
        start_response(status, headers)
        return body
    answered = AccessLog(app, lines.append)({"SERVER_PROTOCOL": "HTTP/1.1", **environ}, lambda *a: None)
    assert answered is body  # the body goes through untouched (a file wrapper stays one)
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize("environ, status, headers, body, expected", [
    pytest.param({"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "PATH_INFO": "/papers",
                  "QUERY_STRING": "page=2", "HTTP_REFERER": "https://example.org/",
                  "HTTP_USER_AGENT": "Mozilla/5.0 (X11)"},
                 "200 OK", [("Content-Length", "5120")], [b"x"],
                 {"host": "127.0.0.1", "request": "GET /papers?page=2 HTTP/1.1", "status": "200", "size": "5120",
                  "referer": "https://example.org/", "agent": "Mozilla/5.0 (X11)"}, id="page"),
    pytest.param({"REMOTE_ADDR": "::1", "REQUEST_METHOD": "POST", "PATH_INFO": "/sparql"},
                 "404 NOT FOUND", [("Content-Type", "text/html")], [b"abc", b"de"],
                 {"host": "::1", "request": "POST /sparql HTTP/1.1", "status": "404", "size": "5",
                  "referer": "-", "agent": "-"}, id="body-given-whole"),
    pytest.param({"REMOTE_ADDR": "10.0.0.2", "REQUEST_METHOD": "GET", "PATH_INFO": '/id/"x" y',
                  "HTTP_USER_AGENT": 'bot "quoted" " end', "HTTP_REFERER": '"'},
                 "304 NOT MODIFIED", [], iter([]),
                 {"request": "GET /id/%22x%22%20y HTTP/1.1", "status": "304", "size": "-",
                  "referer": '\\"', "agent": 'bot \\"quoted\\" \\" end'}, id="quotes"),
    pytest.param({"REMOTE_ADDR": "10.0.0.3", "REQUEST_METHOD": "GET", "PATH_INFO": "/id/person/jos\xc3\xa9"},
                 "200 OK", [("content-length", "7")], [b"1234567"],
                 {"request": "GET /id/person/jos%C3%A9 HTTP/1.1", "size": "7"}, id="utf8-path"),
])
def test_the_line_is_the_combined_format(environ, status, headers, body, expected) -> None:
    match = COMBINED.match(_logged(environ, status, headers, body))
    assert match, "not a combined-format line"
    fields = match.groupdict()
    assert (fields["ident"], fields["user"]) == ("-", "-")
    assert {k: fields[k] for k in expected} == expected


def test_no_line_for_a_request_that_never_answered() -> None:
    """An app that raised before starting its response logs nothing here (the server answers 500 itself)."""
    lines: list[str] = []

    def app(environ, start_response):
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError):
        AccessLog(app, lines.append)({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda *a: None)
    assert lines == []


def test_kg_serve_runs_the_site_behind_it(monkeypatch) -> None:
    """The app every worker calls is the access log around the app given (bench/floor.py's, or the site)."""
    from granian import Granian

    from kg.settings import load_settings
    from web import server

    served = []
    monkeypatch.setattr(Granian, "serve", lambda self, target_loader, wrap_loader: served.append(target_loader()))
    site = object()
    server.run(load_settings({}, environ={}), site)
    assert isinstance(served[0], AccessLog) and served[0].app is site


@pytest.mark.server
def test_a_running_kg_serve_writes_a_line_per_request(store_dir, tmp_path) -> None:
    import time
    import urllib.request

    from tests.hardening.conftest import start_server

    server = start_server(store_dir, tmp_path / "serve.log")  # answers one /robots.txt before it returns
    try:
        request = urllib.request.Request(f"{server.url}people?page=1",
                                         headers={"Referer": "https://example.org/a", "User-Agent": 'agent "x"'})
        body = urllib.request.urlopen(request, timeout=10).read()
        time.sleep(0.2)
    finally:
        server.stop()
    lines = [COMBINED.match(line) for line in server.log_text().splitlines()]
    requests = [m.groupdict() for m in lines if m]
    assert [r["request"] for r in requests] == ["GET /robots.txt HTTP/1.1", "GET /people?page=1 HTTP/1.1"]
    people = requests[1]
    assert (people["status"], people["size"]) == ("200", str(len(body)))
    assert (people["referer"], people["agent"]) == ("https://example.org/a", 'agent \\"x\\"')
