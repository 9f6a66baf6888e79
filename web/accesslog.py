"""The access log: one line per request on standard output, in the combined log format web servers write
(Apache's, nginx's, gunicorn's default), so the usual log tools read it:

    127.0.0.1 - - [07/Dec/2026:06:31:21 +0000] "GET /papers?page=2 HTTP/1.1" 200 5120 "https://example.org/" "Mozilla/5.0"

The size is the response's Content-Length (or the length of a body given whole), "-" when neither says it. Quotes
inside the request line, referrer and user agent are escaped as `\\"`. The line is formatted directly, the date once
a second, and written with one unbuffered write (a line is never split or held back): it is paid on every
request, the cheapest page's included, and through the logging module it cost a tenth of a `/sparql` request's
Python time.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Iterable
from urllib.parse import quote

_PATH_SAFE = "/;:@&=+$,!~*'()%"


class AccessLog:
    """WSGI: the app, with a combined-format line logged for each request once it has started its response."""

    def __init__(self, app: Callable, write: Callable[[str], object] | None = None):
        self.app = app
        self.write = write or _write_stdout
        self._second, self._stamp = -1, ""

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        seen: list = []

        def start(status: str, headers: list, exc_info=None):
            seen[:] = (status, headers)
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        if seen:
            status, headers = seen
            size = next((v for k, v in headers if k.lower() == "content-length"), None)
            if size is None and isinstance(body, list):
                size = str(sum(len(chunk) for chunk in body))
            self.write(self.line(environ, status.split(None, 1)[0], size))
        return body

    def line(self, environ: dict, status: str, size: str | None) -> str:
        """The combined-format line of a request answered with status and size."""
        now = int(time.time())
        if now != self._second:
            self._second, self._stamp = now, time.strftime("[%d/%b/%Y:%H:%M:%S +0000]", time.gmtime(now))
        path = environ.get("PATH_INFO", "")
        if not path.isascii() or " " in path or '"' in path:
            path = quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE)  # WSGI carries bytes as latin-1
        query = environ.get("QUERY_STRING")
        request = f"{environ.get('REQUEST_METHOD', '-')} {path}{'?' + query if query else ''} " \
                  f"{environ.get('SERVER_PROTOCOL', '-')}"
        return (f'{environ.get("REMOTE_ADDR") or "-"} - - {self._stamp} "{_quoted(request)}" {status} {size or "-"} '
                f'"{_quoted(environ.get("HTTP_REFERER", "-"))}" "{_quoted(environ.get("HTTP_USER_AGENT", "-"))}"')


def _quoted(text: str) -> str:
    return text.replace('"', '\\"') if '"' in text else text


def _write_stdout(line: str) -> None:
    data = (line + "\n").encode("utf-8", "backslashreplace")
    try:
        fd = sys.stdout.fileno()
        while data:
            data = data[os.write(fd, data):]
    except (OSError, ValueError, AttributeError):  # no standard output to write to: the request is not at fault
        pass


__all__ = ["AccessLog"]
