"""Plain records: partial dates are dates or a ValueError, never another exception (importers catch ValueError)."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.records import PartialDate


def test_a_partial_date_starts_on_its_first_day() -> None:
    assert PartialDate(2020, 12).first_day() == dt.date(2020, 12, 1)
    assert PartialDate.parse("2016").iso() == "2016"


@pytest.mark.parametrize("date", [PartialDate(2020, 13), PartialDate(10_000), PartialDate(2**31, 9),
                                  PartialDate(2**70)], ids=["month 13", "year 10000", "year 2^31", "year 2^70"])
def test_a_partial_date_that_is_no_date_is_a_value_error(date: PartialDate) -> None:
    with pytest.raises(ValueError):
        date.first_day()
