"""The history page's view-model: the career timeline, the profile as of a date, and what changed between two
homepage versions (web.history reads the facts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from markupsafe import Markup

from web import history as hist
from web import i18n, pictures
from web.views import (CATEGORY_ORDER, RoleView, SectionView, VersionView, href, role_views, roles_now, rows,
                       section_views, val, versions)


@dataclass
class HistoryView:
    timeline: Markup
    roles: dict[str, list[RoleView]]
    undated: list[RoleView]
    awards: list[str]
    initiatives: list[tuple[str, list[RoleView]]]
    as_of: str | None
    as_of_roles: dict[str, list[RoleView]]
    as_of_version: VersionView | None
    as_of_sections: list[SectionView]
    versions: list[VersionView]
    older: VersionView | None
    newer: VersionView | None
    diff: hist.Diff | None
    bar_count: int


def _group(roles: list[RoleView]) -> dict[str, list[RoleView]]:
    out: dict[str, list[RoleView]] = {}
    for category in CATEGORY_ORDER:
        members = [r for r in roles if r.category == category]
        if members:
            out[category] = members
    return out


def timeline_view(lang: str, roles: list[RoleView], now_keys: set[str], stated: dict[str, list[str]]):
    """The career timeline picture: dated roles as bars, undated ones a dated homepage states as diamonds."""
    now = pictures.partial_date_to_year(i18n.today().isoformat()) or 0.0
    t = lambda key, **kw: i18n.translate(lang, key, **kw)  # noqa: E731
    short = lambda d: i18n.format_date(d, lang, short=True)  # noqa: E731
    spans = []
    for r in roles:
        if r.category == "award":
            continue
        label = f"{r.role_name} · {r.organization}" if r.role_name else r.organization
        group = r.category
        dates = sorted(stated.get(r.key, []))
        if not r.start:
            if not dates:
                continue
            at = pictures.partial_date_to_year(dates[0]) or now
            when = t("history.stated_by", dates=", ".join(short(d) for d in dates))
            spans.append(pictures.Span(label, group, at, at, r.org_href, when=when, key=r.key, point=True))
            continue
        start = pictures.partial_date_to_year(r.start)
        if start is None:
            continue
        end = pictures.partial_date_to_year(r.end, end=True) if r.end else None
        open_end = unknown = False
        when = "–".join(short(d) for d in (r.start, r.end) if d)
        if end is None:
            if r.key in now_keys:
                end, open_end = now, True
                when = t("history.since", date=short(r.start))
            else:
                last_stated = pictures.partial_date_to_year(dates[-1], end=True) if dates else None
                end, unknown = max(start + 0.5, last_stated or start + 1.0), True
                when = t("history.since", date=short(r.start)) + " · " + t("history.end_unknown")
        spans.append(pictures.Span(label, group, start, end, r.org_href, open_end, unknown, when, r.key))
    groups = [(g, t(f"category.{g}")) for g in ("work", "education", "membership")]
    svg = pictures.career_timeline(spans, groups, now, title=t("chart.timeline.title"),
                                   desc=t("chart.timeline.desc", roles=len(spans)))
    return svg, len(spans)


def history_view(lang: str, as_of: str | None, older: str | None, newer: str | None) -> HistoryView:
    day = i18n.today().isoformat()
    all_versions = versions()
    current = all_versions[0] if all_versions else None
    career = role_views(rows("career-timeline"))
    now_keys = {r.key for r in roles_now(day, current)}
    dates = {v.iri: v.date for v in all_versions if v.date}
    stated: dict[str, list[str]] = defaultdict(list)
    for r in rows("version-roles"):
        date = dates.get(val(r, "_version") or "")
        if date:
            stated[val(r, "role") or ""].append(date)
    timeline, bars = timeline_view(lang, career, now_keys, stated)
    initiatives: dict[str, list[RoleView]] = defaultdict(list)
    for r in rows("initiatives-by-role"):
        role = val(r, "roleName") or "—"
        initiatives[role].append(RoleView(
            key=val(r, "initiative") or "", role_name=role, organization=val(r, "name") or "",
            org_href=href(val(r, "initiative")), category="membership", start=val(r, "start"), end=val(r, "end"),
            is_initiative=True))

    as_of_roles: dict[str, list[RoleView]] = {}
    as_of_version = None
    as_of_sections: list[SectionView] = []
    if as_of:
        as_of_roles = _group(role_views(rows("profile-as-of", date=as_of)))
        dated = [v for v in all_versions if v.date and v.date <= as_of]
        as_of_version = max(dated, key=lambda v: v.date or "") if dated else None
        as_of_sections = section_views(as_of_version)

    by_slug = {v.slug: v for v in all_versions}
    newer_v = by_slug.get(newer or "") if newer else current
    dated_versions = [v for v in all_versions if v.date]
    default_older = min(dated_versions, key=lambda v: v.date or "") if dated_versions else None
    older_v = by_slug.get(older or "") if older else default_older
    if older_v is not None and newer_v is not None and older_v.iri == newer_v.iri and not older:
        older_v = next((v for v in all_versions if v.iri != newer_v.iri), None)
    diff = None
    if older_v is not None and newer_v is not None and older_v.iri != newer_v.iri:
        diff = hist.diff(version_facts(older_v), version_facts(newer_v))
    return HistoryView(
        timeline=timeline, roles=_group([r for r in career if r.category != "award" and r.start]),
        undated=[r for r in career if r.category != "award" and not r.start],
        awards=[r.role_name for r in career if r.category == "award"],
        initiatives=sorted(initiatives.items()), as_of=as_of, as_of_roles=as_of_roles,
        as_of_version=as_of_version, as_of_sections=as_of_sections, versions=all_versions,
        older=older_v, newer=newer_v, diff=diff, bar_count=bars)


def version_facts(version: VersionView) -> dict[tuple, hist.Fact]:
    """The facts one homepage version states (homepage-version-facts), with the line each was read from."""
    owner = rows("owner-profile")
    owner_iri = val(owner[0], "owner") if owner else None
    triples = []
    for r in rows("homepage-version-facts", version=version.iri):
        obj = r.get("object")
        triples.append({"subject": val(r, "subject"), "predicate": val(r, "predicate"), "object": val(r, "object"),
                        "subjectName": val(r, "subjectName"), "objectName": val(r, "objectName"),
                        "objectIsIri": isinstance(obj, ox.NamedNode)})
    lines: dict[str, int] = {}
    for r in rows("source-lines", source=version.iri):
        subject, line = val(r, "subject") or "", int(val(r, "line") or 0)
        if line and (subject not in lines or line < lines[subject]):
            lines[subject] = line
    return hist.version_facts(triples, version.iri, owner_iri, href, lines)
