"""Pictures drawn on the server as SVG: the co-author network, publications per year, the career timeline.

Each function takes plain data (the pages gather it with named queries) and returns an accessible SVG: a
<title> and <desc> named by aria-labelledby/aria-describedby, every element from the data with its own
<title>, and `data-*` attributes the browser tests count. Layouts are deterministic: the same graph always
gives the same picture. The pages put a text alternative (a table or a list) next to each picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from web.i18n import date_parts

# Distinguishable with common colour-vision deficiencies, and each dark enough for white text (>= 4.5:1).
PALETTE = ("#1f6fb2", "#b34700", "#00795a", "#8e44ad", "#8a6100", "#b02d68", "#0f7c8c", "#6b6b6b")
OTHER_COLOUR = "#6b6b6b"
CATEGORY_COLOURS = {"work": "#1f6fb2", "education": "#00795a", "membership": "#b34700", "initiative": "#b34700"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _svg_open(name: str, width: float, height: float, title: str, desc: str, *, role: str = "img") -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{name}-svg" class="picture" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" role="{role}" '
        f'style="max-width: {width:.0f}px" '
        f'aria-labelledby="{name}-title" aria-describedby="{name}-desc" data-picture="{name}">',
        f'<title id="{name}-title">{_e(title)}</title>',
        f'<desc id="{name}-desc">{_e(desc)}</desc>',
    ]


def initials(name: str) -> str:
    """Up to two initials of a name: first and last word ("Alex Hernández-García" -> "AH")."""
    words = [w for w in name.split() if w[:1].isalpha()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


# ---------------------------------------------------------------- portrait placeholder


def portrait(name: str, label: str) -> str:
    """A placeholder portrait: the initials, large, on a soft gradient; a standalone SVG document."""
    letters = initials(name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240" width="240" height="240" role="img" '
        f'aria-label="{_e(label)}">'
        f"<title>{_e(label)}</title>"
        '<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
        '<stop offset="0" stop-color="#e4edf6"/><stop offset="1" stop-color="#b7cce2"/></linearGradient></defs>'
        '<rect width="240" height="240" fill="url(#g)"/>'
        '<circle cx="120" cy="120" r="78" fill="none" stroke="#ffffff" stroke-opacity="0.7" stroke-width="2"/>'
        '<text x="120" y="120" dy="0.35em" text-anchor="middle" '
        'font-family="\'Iowan Old Style\', \'Palatino Linotype\', Palatino, Georgia, \'DejaVu Serif\', serif" '
        f'font-size="64" letter-spacing="2" fill="#17324d">{_e(letters)}</text>'
        "</svg>"
    )


# ---------------------------------------------------------------- co-author network


@dataclass(frozen=True)
class Node:
    """A person in the network: key (IRI), name, page, and weight (papers shared with the centre)."""

    key: str
    name: str
    href: str | None
    weight: int


@dataclass(frozen=True)
class Edge:
    """Joint papers between two co-authors (keys), other than with the centre."""

    a: str
    b: str
    weight: int


def ring_order(nodes: list[Node], edges: list[Edge]) -> list[Node]:
    """Nodes ordered around the ring so that people who wrote together sit together (greedy, deterministic)."""
    strength: dict[str, dict[str, int]] = {n.key: {} for n in nodes}
    for e in edges:
        if e.a in strength and e.b in strength:
            strength[e.a][e.b] = strength[e.a].get(e.b, 0) + e.weight
            strength[e.b][e.a] = strength[e.b].get(e.a, 0) + e.weight
    remaining = sorted(nodes, key=lambda n: (-n.weight, n.name.lower(), n.key))
    order: list[Node] = []
    while remaining:
        if not order:
            pick = remaining[0]
        else:
            recent = [n.key for n in order[-4:]]

            def pull(n: Node) -> tuple:
                tie = sum(strength[n.key].get(k, 0) * (i + 1) for i, k in enumerate(recent))
                return (-tie, -n.weight, n.name.lower(), n.key)
            pick = min(remaining, key=pull)
        order.append(pick)
        remaining.remove(pick)
    return order


def node_radius(weight: int) -> float:
    return 3.5 + 2.6 * math.sqrt(max(weight, 1))


def coauthor_network(centre: Node, nodes: list[Node], edges: list[Edge], *, title: str, desc: str,
                     paper_word: tuple[str, str] = ("paper", "papers"), name: str = "coauthor-network") -> Markup:
    """The owner's co-authors on a ring around the owner: size = shared papers, lines = joint papers.

    Every person is a link to their page. Lines from the centre are the owner's joint papers with each
    person; curves inside the ring are joint papers between two co-authors.
    """
    ordered = ring_order(nodes, edges)
    n = len(ordered)
    pitch = 14.0  # room each name needs along the ring
    radius = max(110.0, n * pitch / (2 * math.pi))
    longest = max((len(p.name) for p in ordered), default=10)
    label_room = min(190.0, 12 + 6.3 * longest)
    size = 2 * (radius + label_room) + 20
    c = size / 2
    out = _svg_open(name, size, size, title, desc, role="group")
    places: dict[str, tuple[float, float, float]] = {}
    for i, person in enumerate(ordered):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        places[person.key] = (c + radius * math.cos(angle), c + radius * math.sin(angle), angle)

    out.append('<g class="spokes" stroke="#1f6fb2" stroke-linecap="round">')
    for person in ordered:
        x, y, _ = places[person.key]
        width = 0.6 + 0.5 * (person.weight - 1)
        opacity = min(0.55, 0.14 + 0.08 * person.weight)
        out.append(f'<line x1="{c:.1f}" y1="{c:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke-width="{width:.2f}" '
                   f'stroke-opacity="{opacity:.2f}"/>')
    out.append("</g>")

    out.append('<g class="edges" fill="none" stroke="#d55e00" stroke-linecap="round">')
    for e in sorted(edges, key=lambda e: (e.weight, e.a, e.b)):
        if e.a not in places or e.b not in places:
            continue
        (x1, y1, _), (x2, y2, _) = places[e.a], places[e.b]
        qx, qy = c + ((x1 + x2) / 2 - c) * 0.35, c + ((y1 + y2) / 2 - c) * 0.35
        out.append(f'<path class="edge" data-a="{_e(e.a)}" data-b="{_e(e.b)}" data-weight="{e.weight}" '
                   f'd="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {x2:.1f},{y2:.1f}" '
                   f'stroke-width="{0.7 + 0.6 * (e.weight - 1):.2f}" stroke-opacity="0.45"/>')
    out.append("</g>")

    out.append('<g class="nodes">')
    for person in ordered:
        x, y, angle = places[person.key]
        r = node_radius(person.weight)
        words = paper_word[0] if person.weight == 1 else paper_word[1]
        label = f"{person.name}: {person.weight} {words}"
        degrees = math.degrees(angle)
        flip = 90 < (degrees % 360) < 270
        lx, ly = x + (r + 5) * math.cos(angle), y + (r + 5) * math.sin(angle)
        rotate = degrees + 180 if flip else degrees
        anchor = "end" if flip else "start"
        weight_class = " strong" if person.weight > 1 else ""
        inner = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
                 f'<text x="{lx:.1f}" y="{ly:.1f}" dy="0.35em" text-anchor="{anchor}" '
                 f'transform="rotate({rotate:.1f} {lx:.1f} {ly:.1f})">{_e(person.name)}</text>')
        attrs = (f'class="node{weight_class}" data-key="{_e(person.key)}" data-weight="{person.weight}"')
        if person.href:
            out.append(f'<a href="{_e(person.href)}" {attrs} aria-label="{_e(label)}"><title>{_e(label)}</title>'
                       f"{inner}</a>")
        else:
            out.append(f"<g {attrs}><title>{_e(label)}</title>{inner}</g>")
    out.append("</g>")

    hub = 30.0
    centre_label = _e(centre.name)
    hub_inner = (f'<circle cx="{c:.1f}" cy="{c:.1f}" r="{hub}"/>'
                 f'<text x="{c:.1f}" y="{c:.1f}" dy="0.35em" text-anchor="middle" class="initials">'
                 f"{_e(initials(centre.name))}</text>")
    if centre.href:
        out.append(f'<a href="{_e(centre.href)}" class="centre" data-key="{_e(centre.key)}">'
                   f"<title>{centre_label}</title>{hub_inner}</a>")
    else:
        out.append(f'<g class="centre"><title>{centre_label}</title>{hub_inner}</g>')
    out.append("</svg>")
    return Markup("".join(out))


# ---------------------------------------------------------------- publications per year


@dataclass(frozen=True)
class YearCount:
    """Papers of one year in one category."""

    year: int
    category: str
    count: int


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if top / step <= 6:
            return step
    return 1000


def category_colours(categories: list[str]) -> dict[str, str]:
    """A colour per category, in the order given (the most frequent first); the rest share grey."""
    return {cat: PALETTE[i] if i < len(PALETTE) - 1 else OTHER_COLOUR for i, cat in enumerate(categories)}


def publications_per_year(counts: list[YearCount], categories: list[str], *, title: str, desc: str,
                          paper_word: tuple[str, str] = ("paper", "papers"), year_href: str | None = None,
                          colours: dict[str, str] | None = None, name: str = "publications-per-year") -> Markup:
    """One bar per year with papers, stacked by category (bottom: the most frequent), years in order.

    With `year_href` (a format string with `{year}`), each bar links there (the year's list on the page).
    `colours` fixes each category's colour (so that a filtered chart keeps the colours of the whole one).
    """
    colours = {**category_colours(categories), **(colours or {})}
    years = sorted({c.year for c in counts})
    if not years:
        return Markup("")
    first, last = years[0], years[-1]
    span = list(range(first, last + 1))
    totals = {y: sum(c.count for c in counts if c.year == y) for y in span}
    top = max(totals.values()) or 1
    step = _nice_step(top)
    top = math.ceil(top / step) * step
    left, right, bottom = 40.0, 12.0, 34.0
    width = 720.0
    band = (width - left - right) / len(span)
    # the legend wraps onto as many lines as it needs above the plot
    legend: list[tuple[float, float, str]] = []
    lx, ly = left, 8.0
    for cat in categories:
        item = 26 + 7.2 * len(cat)
        if lx + item > width - right and lx > left:
            lx, ly = left, ly + 20
        legend.append((lx, ly, cat))
        lx += item
    top_pad = ly + 40.0
    height = top_pad + 200.0 + bottom
    plot = height - top_pad - bottom
    out = _svg_open(name, width, height, title, desc, role="group" if year_href else "img")
    out.append('<g class="legend">')
    for x, y, cat in legend:
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" rx="2" fill="{colours[cat]}"/>'
                   f'<text x="{x + 17:.1f}" y="{y + 10:.1f}">{_e(cat)}</text>')
    out.append("</g>")

    out.append('<g class="grid">')
    for tick in range(0, top + 1, step):
        y = top_pad + plot - plot * tick / top
        out.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text x="{left - 8:.1f}" y="{y:.1f}" dy="0.35em" text-anchor="end">{tick}</text>')
    out.append("</g>")

    bar = min(band * 0.62, 56.0)
    label_every = max(1, math.ceil(36.0 / band))
    for i, year in enumerate(span):
        x = left + band * i + (band - bar) / 2
        label_x = x + bar / 2
        if (last - year) % label_every == 0:
            out.append(f'<text class="year" x="{label_x:.1f}" y="{height - bottom + 18:.1f}" '
                       f'text-anchor="middle">{year}</text>')
        if not totals[year]:
            continue
        parts = [c for cat in categories for c in counts if c.year == year and c.category == cat and c.count]
        words = paper_word[0] if totals[year] == 1 else paper_word[1]
        summary = f"{year}: {totals[year]} {words} (" + ", ".join(f"{p.category} {p.count}" for p in parts) + ")"
        bar_attrs = f'class="bar" data-year="{year}" data-count="{totals[year]}"'
        if year_href:
            out.append(f'<a href="{_e(year_href.format(year=year))}" {bar_attrs}><title>{_e(summary)}</title>')
        else:
            out.append(f"<g {bar_attrs}><title>{_e(summary)}</title>")
        y = top_pad + plot
        for part in parts:
            h = plot * part.count / top
            y -= h
            out.append(f'<rect class="segment" data-category="{_e(part.category)}" data-count="{part.count}" '
                       f'x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{colours.get(part.category, OTHER_COLOUR)}"/>')
        out.append(f'<text class="total" x="{label_x:.1f}" y="{y - 6:.1f}" text-anchor="middle">'
                   f"{totals[year]}</text>" + ("</a>" if year_href else "</g>"))
    out.append("</svg>")
    return Markup("".join(out))


# ---------------------------------------------------------------- career timeline


@dataclass(frozen=True)
class Span:
    """One role over time: label, group (work, education, membership), start and end as fractional years."""

    label: str
    group: str
    start: float
    end: float
    href: str | None = None
    open_end: bool = False  # still going: drawn to today with an arrow
    unknown_end: bool = False  # the sources give no end: drawn as a short, faded bar
    when: str = ""  # the dates as text, for the tooltip
    key: str = ""
    point: bool = False  # undated, but stated by a dated homepage version: a diamond at that date


def partial_date_to_year(value: str, *, end: bool = False) -> float | None:
    """'2020', '2020-09' or '2020-09-15' as a fractional year; an end date counts to the end of its period."""
    parsed = date_parts(value)
    if parsed is None:
        return None
    year, month, day = parsed
    if month is None:
        return year + (1.0 if end else 0.0)
    month = min(max(month, 1), 12)
    if day is None:
        return year + (month if end else month - 1) / 12
    return year + (month - 1) / 12 + (day - (0 if end else 1)) / 365


CHAR_WIDTH = 6.4  # average advance of a 12 px sans-serif character, to keep labels inside the picture


def career_timeline(spans: list[Span], groups: list[tuple[str, str]], now: float, *, title: str, desc: str,
                    name: str = "career-timeline") -> Markup:
    """Bars over the years, one row per role (its label above its bar), grouped (groups: [(key, heading)]).

    A span with `point` set is a role the sources do not date but a dated homepage states: drawn as a
    diamond at that date.
    """
    spans = [s for s in spans if s.end >= s.start]
    if not spans:
        return Markup("")
    left, right, top, row, gap = 12.0, 16.0, 30.0, 40.0, 30.0
    first = math.floor(min(s.start for s in spans))
    last = math.ceil(max(max(s.end for s in spans), now))
    years = max(last - first, 1)
    width = max(560.0, min(880.0, 62.0 * years + left + right))
    plot = width - left - right
    rows: list[tuple[str, Span | None, str]] = []
    for key, heading in groups:
        members = [s for s in spans if s.group == key]
        if members:
            rows.append(("heading", None, heading))
            rows.extend(("span", s, key) for s in members)
    height = top + 10 + sum(row if kind == "span" else gap for kind, _, _ in rows)
    out = _svg_open(name, width, height, title, desc, role="group" if any(s.href for s in spans) else "img")

    def x_of(value: float) -> float:
        return left + plot * (value - first) / years

    step = 1 if plot / years >= 40 else 2 if plot / years >= 20 else 5
    out.append('<g class="grid">')
    for year in range(first, last + 1):
        x = x_of(year)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6:.1f}" y2="{height - 4:.1f}"/>')
        if (year - first) % step == 0 and year < last:
            out.append(f'<text x="{x + plot / years / 2:.1f}" y="{top - 12:.1f}" text-anchor="middle">{year}</text>')
    now_x = x_of(now)
    out.append(f'<line class="now" x1="{now_x:.1f}" x2="{now_x:.1f}" y1="{top - 6:.1f}" y2="{height - 4:.1f}"/>')
    out.append("</g>")

    y = top
    for kind, span, heading in rows:
        if kind == "heading":
            out.append(f'<text class="group-heading" x="{left:.1f}" y="{y + 20:.1f}">{_e(heading)}</text>')
            y += gap
            continue
        assert span is not None
        colour = CATEGORY_COLOURS.get(span.group, PALETTE[3])
        x1, x2 = x_of(span.start), x_of(span.end)
        w = max(x2 - x1, 4.0)
        tip = f"{span.label} ({span.when})" if span.when else span.label
        max_chars = int(plot / CHAR_WIDTH)
        label = span.label if len(span.label) <= max_chars else span.label[:max_chars - 1] + "…"
        label_width = len(label) * CHAR_WIDTH
        label_x = min(max(x1, left), width - right - label_width)
        bar_y = y + 20
        classes = ("bar" + (" open" if span.open_end else "") + (" unknown-end" if span.unknown_end else "")
                   + (" point" if span.point else ""))
        if span.point:
            cx, cy, r = x1, bar_y + 5, 6.5
            shape = (f'<path d="M{cx:.1f},{cy - r:.1f} L{cx + r:.1f},{cy:.1f} L{cx:.1f},{cy + r:.1f} '
                     f'L{cx - r:.1f},{cy:.1f}z" fill="{colour}"/>')
            label_x = min(max(cx - r, left), width - right - label_width)
        else:
            faded = ' fill-opacity="0.4" stroke-dasharray="3 2"' if span.unknown_end else ""
            shape = (f'<rect x="{x1:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="10" rx="3" '
                     f'fill="{colour}" stroke="{colour}"{faded}/>')
            if span.open_end:
                shape += (f'<path d="M{x1 + w:.1f},{bar_y - 3:.1f} l8,8 l-8,8z" fill="{colour}"/>')
        text = f'<text class="label" x="{label_x:.1f}" y="{y + 13:.1f}">{_e(label)}</text>'
        body = f"<title>{_e(tip)}</title>{text}{shape}"
        attrs = f'class="{classes}" data-group="{_e(span.group)}" data-key="{_e(span.key)}"'
        if span.href:
            out.append(f'<a href="{_e(span.href)}" {attrs}>{body}</a>')
        else:
            out.append(f"<g {attrs}>{body}</g>")
        y += row
    out.append("</svg>")
    return Markup("".join(out))
