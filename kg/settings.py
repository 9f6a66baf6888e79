"""Settings in one declared table: name, default, help. Precedence: CLI flag > KG_* environment > config file > default."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.errors import KGError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CONTENT = PROJECT_ROOT / "content"


def _meta(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every setting the project reads; documented in README (a test checks)."""

    content: Path | None = _meta(None, "folder of source documents; default: the bundled profile")
    store: Path = _meta(Path(".kg"), "folder holding built stores; the current one is swapped in whole")
    host: str = _meta("127.0.0.1", "address kg serve listens on")
    port: int = _meta(8000, "port kg serve listens on")
    base_iri: str | None = _meta(None, "base of resource IRIs; default: http://{host}:{port}/")
    workers: int = _meta(2, "server worker processes")
    threads: int = _meta(20, "threads per worker (queued SPARQL queries wait in one; one is always left for pages)")
    endpoint: str | None = _meta(None, "external SPARQL endpoint URL to serve from instead of the embedded store")
    update_endpoint: str | None = _meta(None, "external SPARQL update URL")
    endpoint_user: str | None = _meta(None, "user for the external endpoint")
    endpoint_password: str | None = _meta(None, "password for the external endpoint")
    update_secret: str | None = _meta(None, "secret that switches SPARQL Update on (Authorization: Bearer ...)")
    query_timeout: float = _meta(5.0, "seconds a SPARQL query may run")
    result_limit: int = _meta(10000, "rows a SPARQL SELECT may return")
    max_query_bytes: int = _meta(100_000, "largest query or request body accepted")
    max_concurrent_queries: int = _meta(3, "arbitrary SPARQL queries running at once per worker (at most threads - 1)")
    sparql_queue: int = _meta(16, "SPARQL queries waiting for a running slot per worker before 503 (at most threads - 1 - running)")
    sparql_wait: float = _meta(10.0, "seconds a queued SPARQL query may wait for a slot before 503 + Retry-After")
    query_answer_bytes: int = _meta(64 * 1024 * 1024, "bytes of the largest answer a SPARQL query process may return")
    query_memory: int = _meta(1024 * 1024 * 1024, "bytes of memory a SPARQL query process may map beyond the worker's")
    max_request_line: int = _meta(8190, "bytes of a request line (path and query string); 414 past it")
    max_header_fields: int = _meta(100, "headers a request may carry; 431 past it")
    max_header_bytes: int = _meta(8190, "bytes of one request header; 431 past it")
    render_cache_bytes: int = _meta(64 * 1024 * 1024, "bytes of rendered answers kept per worker, per build (0: off)")
    sparql_cache_bytes: int = _meta(16 * 1024 * 1024, "bytes of /sparql answers kept per worker, per data version (0: off)")
    page_size: int = _meta(100, "items per page of a list (?page=N)")
    sitemap_urls: int = _meta(50_000, "URLs per sitemap file; past it /sitemap.xml is a sitemap index")
    site_url: str | None = _meta(None, "where the owner's own site lives ({{ site.url }} in homepage links)")
    owner: str | None = _meta(None, "IRI of the profile's owner, for a folder whose sources name none (RDF alone)")

    @property
    def base(self) -> str:
        """The base IRI, ending in a slash."""
        base = self.base_iri or f"http://{self.host}:{self.port}/"
        return base if base.endswith("/") else base + "/"

    @property
    def content_dir(self) -> Path:
        return self.content or BUNDLED_CONTENT


def _coerce(name: str, raw: Any, default: Any) -> Any:
    if raw is None:
        return None
    kind = type(default) if default is not None else str
    if name in ("content", "store"):
        return Path(raw)
    try:
        return kind(raw)
    except (TypeError, ValueError):
        raise KGError(f"setting {name}: {raw!r} is not a valid {kind.__name__}") from None


def load_settings(flags: dict[str, Any] | None = None, config_file: Path | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Settings from defaults, then a TOML file ([kg] table), then KG_* variables, then flags; validated."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config_file = config_file or (Path(environ["KG_CONFIG"]) if environ.get("KG_CONFIG") else None)
    if config_file:
        try:
            values.update(tomllib.loads(config_file.read_text()).get("kg", {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise KGError(f"{config_file}: {exc}") from None
    for f in fields(Settings):
        env = environ.get("KG_" + f.name.upper())
        if env is not None:
            values[f.name] = env
    values.update({k: v for k, v in (flags or {}).items() if v is not None})
    unknown = set(values) - {f.name for f in fields(Settings)}
    if unknown:
        raise KGError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    coerced = {f.name: _coerce(f.name, values[f.name], f.default) for f in fields(Settings) if f.name in values}
    settings = Settings(**coerced)
    _validate(settings)
    return settings


DEFAULTS = Settings()  # the defaults, for code that needs one before any settings are loaded (kg.store.limits.Limits)


def _validate(s: Settings) -> None:
    if not 0 < s.port < 65536:
        raise KGError(f"setting port: {s.port} is out of range")
    if s.workers < 1 or s.threads < 1:
        raise KGError("settings workers and threads must be at least 1")
    if not s.base.startswith(("http://", "https://")):
        raise KGError(f"setting base_iri: {s.base!r} must be an http(s) IRI")
    if s.content is not None and not s.content.is_dir():
        raise KGError(f"setting content: {s.content} is not a folder")
    if s.owner is not None and not s.owner.startswith(("http://", "https://", "urn:")):
        raise KGError(f"setting owner: {s.owner!r} must be an absolute IRI")
    if s.query_timeout <= 0 or s.result_limit <= 0:
        raise KGError("settings query_timeout and result_limit must be positive")
    if s.max_concurrent_queries < 1 or s.sparql_queue < 0 or s.sparql_wait < 0 or s.render_cache_bytes < 0 \
            or s.sparql_cache_bytes < 0:
        raise KGError("settings max_concurrent_queries (>= 1), sparql_queue, sparql_wait, render_cache_bytes and "
                      "sparql_cache_bytes (>= 0) are out of range")
    if min(s.query_answer_bytes, s.query_memory, s.max_request_line, s.max_header_fields, s.max_header_bytes) < 1:
        raise KGError("settings query_answer_bytes, query_memory, max_request_line, max_header_fields and "
                      "max_header_bytes must be positive")
    if not 1 <= s.page_size <= 10_000 or not 1 <= s.sitemap_urls <= 50_000:
        raise KGError("settings page_size (1-10000) and sitemap_urls (1-50000) are out of range")
