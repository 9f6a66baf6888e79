"""Homepage links the importer cannot type are kept in the text and warned about, never made an untyped entity."""

from __future__ import annotations

from kg.records import Entity, Mention, Origin, Warning_
from kg.sources import homepage

PAGE = """---
title: about
---

I work on rivers with [Prof. Ada Lovelace](https://ada.example.org). Photos are on
my [portfolio](https://500px.com/p/someone) and my notes [here](https://notion.so/x-1).
"""


def test_an_untyped_link_is_a_warning_not_an_entity():
    records = homepage.parse(PAGE, "about.md", "about.md")
    entities = {e.url: e.kind for e in records if isinstance(e, Entity)}
    assert entities == {"https://ada.example.org": "person"}
    warned = {(w.origin, w.message.split(" names")[0]) for w in records if isinstance(w, Warning_)}
    assert warned == {(Origin("about.md", 6), "link 'portfolio' (https://500px.com/p/someone)"),
                      (Origin("about.md", 6), "link 'here' (https://notion.so/x-1)")}
    assert {m.url for m in records if isinstance(m, Mention)} >= {"https://500px.com/p/someone"}


def test_a_link_python_cannot_parse_is_kept_as_text():
    """`https://[Tiohtià:ke]/` makes urllib raise; the page still reads, and the URL names no entity."""
    page = PAGE.replace("https://500px.com/p/someone", "https://[Tiohtià:ke]/")
    records = homepage.parse(page, "about.md", "about.md")
    assert {e.url for e in records if isinstance(e, Entity)} == {"https://ada.example.org"}
    assert "https://[Tiohtià:ke]/" in {m.url for m in records if isinstance(m, Mention)}
