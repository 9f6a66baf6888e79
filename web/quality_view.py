"""The quality page's view-model: the build's warnings and SHACL problems, truncated author lists, people known
only by name."""

from __future__ import annotations

import json
from dataclasses import dataclass


from kg.store.embedded import REPORT
from web.cache import app_settings, app_store
from web.views import href, link, rows, slug_of, val


@dataclass
class ProblemView:
    severity: str
    message: str
    focus: str | None
    focus_href: str | None
    path: str | None
    source: str | None


@dataclass
class QualityView:
    warnings: list[str]
    problems: list[ProblemView]
    truncated: list[dict]
    name_only: list[dict]
    report_found: bool
    truncated_count: int = 0  # the lists above hold at most a page of these (page_size); the rest is a link away
    name_only_count: int = 0


def quality_view(lang: str) -> QualityView:
    del lang
    raw = app_store().attachment(REPORT)
    report: dict = {}
    if raw:
        try:
            report = json.loads(raw)
        except ValueError:
            report = {}
    problems = []
    for p in report.get("problems", []) if isinstance(report, dict) else []:
        if not isinstance(p, dict):
            continue
        focus = p.get("focus")
        problems.append(ProblemView(str(p.get("severity") or "warning"), str(p.get("message") or ""),
                                    focus, link(focus) if isinstance(focus, str) else None,
                                    p.get("path"), p.get("source")))
    severity_order = {"violation": 0, "warning": 1, "info": 2}
    problems.sort(key=lambda p: (severity_order.get(p.severity, 3), p.source or "", p.message))
    truncated = [{"title": val(r, "title") or "", "href": href(val(r, "paper")), "date": val(r, "date"),
                  "known": int(val(r, "knownAuthors") or 0)} for r in rows("truncated-author-lists")]
    name_only = [{"name": val(r, "name") or slug_of(val(r, "person")) or "?", "href": href(val(r, "person")),
                  "papers": int(val(r, "papers") or 0)} for r in rows("people-known-only-by-name")]
    warnings = [str(w) for w in report.get("warnings", [])] if isinstance(report, dict) else []
    size = app_settings().page_size
    return QualityView(warnings, problems, truncated[:size], name_only[:size], raw is not None,
                       len(truncated), len(name_only))
