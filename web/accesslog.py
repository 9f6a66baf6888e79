"""gunicorn's access log, made cheap: the same line as gunicorn's default format, without building gunicorn's
dict of every request header, response header and environ variable for each request (about a fifth of the
fixed-bytes floor's cost per request, docs/performance.md)."""

from __future__ import annotations

import time

from gunicorn import glogging


class AccessLog(glogging.Logger):
    """gunicorn's logger whose access line (the combined format gunicorn writes by default, quotes escaped as
    gunicorn escapes them) is formatted directly; the date is formatted once a second."""

    _second, _stamp = -1, ""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        if "HTTP_AUTHORIZATION" in environ:  # gunicorn names a Basic user; rare enough to take its own way
            return super().access(resp, req, environ, request_time)
        now = int(time.time())
        if now != AccessLog._second:
            AccessLog._second, AccessLog._stamp = now, self.now()
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        sent = getattr(resp, "sent", None)
        request = f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
        try:
            self.access_log.info('%s - - %s "%s" %s %s "%s" "%s"', environ.get("REMOTE_ADDR", "-"), self._stamp,
                                 _quoted(request), status, "-" if sent is None else sent,
                                 _quoted(environ.get("HTTP_REFERER", "-")), _quoted(environ.get("HTTP_USER_AGENT", "-")))
        except Exception:
            self.exception("access log")


def _quoted(text: str) -> str:
    return text.replace('"', '\\"') if '"' in text else text
