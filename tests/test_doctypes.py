"""The one type-code table: codes, names, any case, with or without diacritics."""

from __future__ import annotations

import pytest
from evidence.extract.doctypes import known_type_codes, type_code, type_from_name


@pytest.mark.parametrize(("text", "code"), [
    ("QĐ", "QĐ"), ("qd", "QĐ"), ("Quyết định", "QĐ"), ("quyet dinh", "QĐ"),
    ("HD", "HD"), ("HĐ", "HĐ"), ("hđ", "HĐ"),  # hướng dẫn vs hợp đồng
    ("PT", "PT"), ("phiếu trình", "PT"), ("ĐN", "ĐN"), ("dn", "ĐN"), ("Đơn đề nghị", "ĐN"),
    ("BB", "BB"), ("CĐ", "CĐ"), ("cd", "CĐ"), ("GM", "GM"), ("luat", "Luật"), ("NQ", "NQ"),
    ("ttr", "TTr"), ("QĐi", "QĐi"), ("Cong van", "CV"),
])
def test_type_code(text: str, code: str) -> None:
    assert type_code(text) == code


@pytest.mark.parametrize("text", ["", "  ", "XYZ", "đơn", "đơn vị", "quyết định số 12", "UBND"])
def test_unknown_type_is_none(text: str) -> None:
    assert type_code(text) is None


def test_known_codes_cover_the_contract() -> None:
    codes = known_type_codes()
    for code in ("QĐ", "CV", "TTr", "KH", "BC", "TB", "NQ", "PT", "ĐN", "BB", "CĐ", "HD", "GM",
                 "Luật", "NĐ", "TT"):
        assert code in codes
    assert all(type_code(c) == c for c in codes)


def test_type_lines_beyond_decree_30() -> None:
    assert type_from_name("PHIẾU TRÌNH") == ("PT", "PHIẾU TRÌNH")
    assert type_from_name("ĐƠN ĐỀ NGHỊ") == ("ĐN", "ĐƠN ĐỀ NGHỊ")
    assert type_from_name("ĐƠN VỊ THỰC HIỆN") is None
