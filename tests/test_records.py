import datetime as dt

import pytest

from stewardgraph.records import PartialDate


@pytest.mark.parametrize(
    ("raw", "text", "precision", "first"),
    [
        (2016, "2016", "year", dt.date(2016, 1, 1)),
        ("2025-05", "2025-05", "month", dt.date(2025, 5, 1)),
        (dt.date(2022, 9, 12), "2022-09-12", "day", dt.date(2022, 9, 12)),
        ("2024-02-29", "2024-02-29", "day", dt.date(2024, 2, 29)),
    ],
)
def test_partial_dates_keep_their_precision(raw: object, text: str, precision: str, first: dt.date) -> None:
    value = PartialDate.parse(raw)
    assert str(value) == text
    assert value.precision == precision
    assert value.first_day() == first


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023-02-30", "not a real day"),
        ("2023-13", "no month 13"),
        ("12/09/2022", "not a date"),
        ("2022-9-12", "not a date"),
        (True, "not a date"),
        (dt.datetime(2022, 9, 12, 10, 0), "has a time"),
    ],
)
def test_bad_dates_are_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDate.parse(raw)
