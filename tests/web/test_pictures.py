"""The server-made SVG pictures: well-formed, accessible, deterministic, and faithful to the data they draw."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from web import pictures

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == SVG + "svg"
    return root


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def assert_accessible(root: ET.Element, name: str) -> None:
    """A title and a description, named by aria-labelledby / aria-describedby."""
    title = root.find(SVG + "title")
    desc = root.find(SVG + "desc")
    assert title is not None and title.text and title.get("id") == f"{name}-title"
    assert desc is not None and desc.text and desc.get("id") == f"{name}-desc"
    assert root.get("aria-labelledby") == f"{name}-title"
    assert root.get("aria-describedby") == f"{name}-desc"
    assert root.get("viewBox") and root.get("data-picture") == name


# ---------------------------------------------------------------- co-author network

CENTRE = pictures.Node("urn:me", "Ada Lovelace", "/id/person/ada", 0)
PEOPLE = [pictures.Node(f"urn:p{i}", f"Person <{i}> & Co", f"/id/person/p{i}", w)
          for i, w in enumerate([5, 3, 2, 1, 1, 1, 1])]
EDGES = [pictures.Edge("urn:p0", "urn:p1", 2), pictures.Edge("urn:p2", "urn:p3", 1),
         pictures.Edge("urn:p0", "urn:unknown", 1)]


def network(people=PEOPLE, edges=EDGES):
    return pictures.coauthor_network(CENTRE, people, edges, title="Network", desc="Co-authors around Ada")


def test_network_is_accessible_svg():
    root = parse(network())
    assert_accessible(root, "coauthor-network")


def test_network_draws_each_person_as_a_link():
    root = parse(network())
    nodes = with_class(root, "node")
    assert len(nodes) == len(PEOPLE)
    assert {n.get("href") for n in nodes} == {p.href for p in PEOPLE}
    assert all(n.tag == SVG + "a" and n.find(SVG + "title") is not None and n.get("aria-label") for n in nodes)
    assert {n.find(SVG + "text").text for n in nodes} == {p.name for p in PEOPLE}, "names are escaped, not lost"


def test_network_sizes_nodes_by_shared_papers():
    root = parse(network())
    radius = {n.get("data-key"): float(n.find(SVG + "circle").get("r")) for n in with_class(root, "node")}
    assert radius["urn:p0"] > radius["urn:p1"] > radius["urn:p2"] > radius["urn:p3"] == radius["urn:p6"]


def test_network_edges_are_joint_papers_between_known_people():
    root = parse(network())
    edges = with_class(root, "edge")
    assert {(e.get("data-a"), e.get("data-b")) for e in edges} == {("urn:p0", "urn:p1"), ("urn:p2", "urn:p3")}
    spokes = root.find(f"{SVG}g[@class='spokes']")
    assert len(list(spokes)) == len(PEOPLE), "one line from the centre to each co-author"


def test_network_is_deterministic():
    assert str(network()) == str(network())
    assert str(network(list(reversed(PEOPLE)))) == str(network()), "input order does not change the picture"


def test_ring_order_puts_coauthors_together():
    people = [pictures.Node(k, k, None, 1) for k in "abcdef"]
    edges = [pictures.Edge("a", "d", 3), pictures.Edge("d", "f", 2)]
    order = [n.key for n in pictures.ring_order(people, edges)]
    assert order[:3] == ["a", "d", "f"]


def test_network_without_pages_has_no_links():
    root = parse(pictures.coauthor_network(pictures.Node("urn:me", "Me", None, 0),
                                           [pictures.Node("urn:x", "X", None, 1)], [], title="t", desc="d"))
    assert not root.findall(f".//{SVG}a")


# ---------------------------------------------------------------- publications per year

COUNTS = [pictures.YearCount(2020, "cs.LG", 2), pictures.YearCount(2022, "cs.LG", 1),
          pictures.YearCount(2022, "cs.CV", 2), pictures.YearCount(2023, "physics.ao-ph", 1)]
CATEGORIES = ["cs.LG", "cs.CV", "physics.ao-ph"]


def chart(**kw):
    return pictures.publications_per_year(COUNTS, CATEGORIES, title="Per year", desc="Papers per year", **kw)


def test_chart_is_accessible_svg():
    assert_accessible(parse(chart()), "publications-per-year")


def test_chart_has_one_bar_per_year_with_papers():
    root = parse(chart())
    bars = with_class(root, "bar")
    assert [(b.get("data-year"), b.get("data-count")) for b in bars] == [("2020", "2"), ("2022", "3"), ("2023", "1")]
    years = [t.text for t in with_class(root, "year")]
    assert years == ["2020", "2021", "2022", "2023"], "empty years keep their place on the axis"


def test_chart_stacks_by_category_with_heights_proportional_to_counts():
    root = parse(chart())
    bar_2022 = next(b for b in with_class(root, "bar") if b.get("data-year") == "2022")
    segments = with_class(bar_2022, "segment")
    assert [s.get("data-category") for s in segments] == ["cs.LG", "cs.CV"]
    heights = [float(s.get("height")) for s in segments]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert float(segments[1].get("y")) + heights[1] == pytest.approx(float(segments[0].get("y")), abs=0.2)
    colours = {s.get("data-category"): s.get("fill") for s in with_class(root, "segment")}
    assert len(set(colours.values())) == 3


def test_chart_bars_can_link_to_their_year():
    root = parse(chart(year_href="#year-{year}"))
    assert [b.get("href") for b in with_class(root, "bar")] == ["#year-2020", "#year-2022", "#year-2023"]


def test_empty_chart_is_nothing():
    assert str(pictures.publications_per_year([], [], title="t", desc="d")) == ""


def test_palette_is_dark_enough_for_white_text():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    for colour in (*pictures.PALETTE, pictures.OTHER_COLOUR, *pictures.CATEGORY_COLOURS.values()):
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour


# ---------------------------------------------------------------- career timeline

SPANS = [
    pictures.Span("PhD · Uni", "education", 2016.0, 2020.99, "/id/organization/uni", when="2016–2020", key="phd"),
    pictures.Span("Postdoc · Lab", "work", 2020.9, 2022.0, None, unknown_end=True, key="postdoc"),
    pictures.Span("Professor · Uni", "work", 2023.0, 2026.5, "/id/organization/uni", open_end=True, key="prof"),
    pictures.Span("Member · Committee", "membership", 2024.0, 2024.0, None, point=True, key="member"),
]
GROUPS = [("work", "Positions"), ("education", "Education"), ("membership", "Service")]


def timeline():
    return pictures.career_timeline(SPANS, GROUPS, 2026.5, title="Career", desc="Roles over time")


def test_timeline_is_accessible_svg():
    assert_accessible(parse(timeline()), "career-timeline")


def test_timeline_draws_each_role_in_its_group():
    root = parse(timeline())
    bars = with_class(root, "bar")
    assert [b.get("data-key") for b in bars] == ["postdoc", "prof", "phd", "member"], "grouped in the given order"
    assert [t.text for t in with_class(root, "group-heading")] == ["Positions", "Education", "Service"]
    assert {b.get("data-key") for b in bars if b.tag == SVG + "a"} == {"phd", "prof"}
    assert "open" in bars[1].get("class") and "unknown-end" in bars[0].get("class")
    assert "point" in bars[3].get("class") and bars[3].find(SVG + "path") is not None


def test_timeline_bar_lengths_follow_the_dates():
    root = parse(timeline())
    width = {b.get("data-key"): float(b.find(SVG + "rect").get("width")) for b in with_class(root, "bar")
             if b.find(SVG + "rect") is not None}
    assert width["phd"] > width["prof"] > width["postdoc"]


def test_timeline_labels_stay_inside_the_picture():
    long = pictures.Span("A very long role name · " + "Organization " * 12, "work", 2025.5, 2026.4, key="x")
    root = parse(pictures.career_timeline([long], GROUPS, 2026.5, title="t", desc="d"))
    view_width = float(root.get("viewBox").split()[2])
    label = with_class(root, "label")[0]
    assert float(label.get("x")) >= 0
    assert float(label.get("x")) + len(label.text) * pictures.CHAR_WIDTH <= view_width + 1


@pytest.mark.parametrize("value, end, year", [
    ("2020", False, 2020.0), ("2020", True, 2021.0), ("2020-09", False, 2020 + 8 / 12),
    ("2020-12", True, 2021.0), ("2021-03-15", False, 2021 + 2 / 12 + 14 / 365), ("x", False, None),
])
def test_partial_dates_as_years(value, end, year):
    got = pictures.partial_date_to_year(value, end=end)
    assert got == (pytest.approx(year) if year is not None else None)


# ---------------------------------------------------------------- portrait


@pytest.mark.parametrize("name, letters", [("Alex Hernández-García", "AH"), ("Mila", "M"), ("", "?"),
                                           ("Ada King Lovelace", "AL")])
def test_initials(name, letters):
    assert pictures.initials(name) == letters


def test_portrait_is_a_labelled_svg_with_the_initials():
    root = parse(pictures.portrait("Ada Lovelace", "Portrait of <Ada> & co"))
    assert root.get("role") == "img" and root.get("aria-label") == "Portrait of <Ada> & co"
    assert root.find(SVG + "text").text == "AL"
