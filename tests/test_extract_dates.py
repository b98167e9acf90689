"""Date grammar: every row of ``vn-format.md`` §4, through the header and body parsers."""

from __future__ import annotations

import pytest
from evidence.extract.dates import damaged_date_line, find_dates, parse_date, parse_place_date

# header lines: (line, place, iso, precision)
HEADER_ROWS = [
    ("Đức Thọ, ngày tháng 10 năm 2023", "Đức Thọ", "2023-10", "month"),
    ("Đức Thọ, ngày 12 tháng 10 năm 2023", "Đức Thọ", "2023-10-12", "day"),
    ("Hà Nội, ngày 05 tháng 02 năm 2024", "Hà Nội", "2024-02-05", "day"),
    ("Hà Nội, ngày 03 tháng 4 năm 2018", "Hà Nội", "2018-04-03", "day"),
    ("Hà Nội, ngày 28 tháng 05 năm 2004", "Hà Nội", "2004-05-28", "day"),
    ("Hà Tĩnh, ngày  tháng   năm 2023", "Hà Tĩnh", "2023", "year"),
    ("TP. Hồ Chí Minh, ngày 01 tháng 01 năm 2024", "TP. Hồ Chí Minh", "2024-01-01", "day"),
]

# body dates: (text, iso, precision)
BODY_ROWS = [
    ("ngày 17/01/2023", "2023-01-17", "day"),
    ("ngày 03/8/2023", "2023-08-03", "day"),
    ("ngày 26/5/2022", "2022-05-26", "day"),
    ("ngày 22/10/2021", "2021-10-22", "day"),
    ("ngày 17/4/2023", "2023-04-17", "day"),
    ("ngày 01-10-1997", "1997-10-01", "day"),
    ("ngày 05/3/2020", "2020-03-05", "day"),
    ("ngày 31 / 01 / 2023", "2023-01-31", "day"),
    ("ngày 9/9/2025", "2025-09-09", "day"),
    ("ngày 09/09/2025", "2025-09-09", "day"),
    ("…, ngày …/…/2023", "2023", "year"),
    ("ngày 5 tháng 3 năm 2023", "2023-03-05", "day"),
    ("17-01-2023", "2023-01-17", "day"),
]


@pytest.mark.parametrize(("line", "place", "iso", "precision"), HEADER_ROWS)
def test_header_row(line: str, place: str, iso: str, precision: str) -> None:
    got_place, dm = parse_place_date(line)
    assert got_place == place
    assert dm is not None
    assert (dm.iso, dm.precision) == (iso, precision)


@pytest.mark.parametrize(("text", "iso", "precision"), BODY_ROWS)
def test_body_row(text: str, iso: str, precision: str) -> None:
    dm = parse_date(text)
    assert dm is not None
    assert (dm.iso, dm.precision) == (iso, precision)


def test_impossible_date_keeps_raw_text() -> None:
    dm = parse_date("ngày 30/02/2023")
    assert dm is not None
    assert dm.iso is None
    assert dm.raw == "30/02/2023"


@pytest.mark.parametrize("text", ["09 tháng đầu năm 2023", "năm 2023", "giai đoạn 2021-2030"])
def test_period_is_not_a_date(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize("line, damaged", [
    ("Lam Đóng, ngả)   tháng 7 năm 2(025", True),     # the day lost, the year broken
    ("Hà Tĩnh, ngàv lU thảng 1l năm 2O26", False),     # "tháng" lost too: not this shape
    ("Đà Nẵng, ngày __ tháng I1] năm 2026", True),
    ("Hà Nội, ngày 05 tháng 7 năm 2025", False),       # a whole date: readable
    ("Hội nghị tháng 7 năm 2025 của các xã", False),   # a subject's words, no place
    ("V/v tổ chức hội nghị, nghiệm thu tháng 7 năm 2025", False),
])
def test_a_damaged_place_date_line(line: str, damaged: bool) -> None:
    assert damaged_date_line(line) is damaged
