"""The shared readers: YAML as site generators read it."""

from __future__ import annotations

import datetime as dt

from kg.sources.homepage import split_front_matter
from kg.sources.text import load_yaml


def test_a_date_that_is_a_day_is_a_date() -> None:
    assert load_yaml("date: 2020-01-02") == {"date": dt.date(2020, 1, 2)}


def test_a_date_that_is_no_day_stays_text() -> None:
    assert load_yaml("date: 2020-13-45\nother: 2021-02-03") == {"date": "2020-13-45", "other": "2021-02-03"}


def test_a_homepage_whose_date_is_no_day_is_read() -> None:
    meta, body, lines = split_front_matter("---\ntitle: Home\ndate: 2029-04-31\n---\nHello\n", "index.md")
    assert meta == {"title": "Home", "date": "2029-04-31"} and lines == {"title": 2, "date": 3}
    assert body.splitlines()[4] == "Hello"
