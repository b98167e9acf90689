"""Figures (Vietnamese decimal comma, thousands dot) and the folded match keys."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.check.numeric import (
    compare,
    find_figures,
    find_metric_value,
    format_number,
    parse_number,
)
from evidence.check.text import match_key
from evidence.extract.normalize import fold_keep_length
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(("text", "value"), [
    ("62,5", 62.5), ("42,5", 42.5), ("100", 100.0), ("1.234", 1234.0), ("1.234,5", 1234.5),
    ("62.5", 62.5), ("1,234.5", 1234.5), ("1.234.567", 1234567.0), ("0,75", 0.75), ("0.125", 0.125),
    ("abc", None), ("", None), (",", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_format_number() -> None:
    assert format_number(42.5) == "42,5" and format_number(50.0) == "50" and format_number(93.33) == "93,33"


REPORT = (
    "1. Tổng số hồ sơ tiếp nhận trong quý: 3.620 hồ sơ; tỷ lệ hồ sơ trực tuyến\n"
    "đạt 42,5%, chưa đạt chỉ tiêu 50% do hệ thống gián đoạn.\n"
    "2. Tỷ lệ giải quyết đúng hạn đạt 98,2%; tỷ lệ số hóa kết quả giải quyết TTHC đạt 56,4%.\n"
    "3. Hoàn thành 28/30 nhiệm vụ theo kế hoạch (đạt 93,3%).\n"
    "4. Biên chế có mặt: 112 người so với 118 người được giao.\n"
)


@pytest.mark.parametrize(("metric", "value"), [
    ("tỷ lệ hồ sơ trực tuyến", 42.5),  # across a soft line break
    ("tỷ lệ hồ sơ giải quyết đúng hạn", 98.2),
    ("tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", 56.4),  # abbreviation in the text
    ("tỷ lệ nhiệm vụ kế hoạch hoàn thành", 93.3),  # words after "hoàn thành ... (đạt x%)"
])
def test_metric_value_next_to_its_words(metric: str, value: float) -> None:
    m = find_metric_value(REPORT, metric)
    assert m is not None and m.value == value
    assert format_number(value) in m.quote


def test_unrelated_metric_finds_nothing() -> None:
    assert find_metric_value(REPORT, "tỷ lệ hồ sơ thanh toán trực tuyến") is None
    assert find_metric_value(REPORT, "tỷ lệ giải ngân vốn đầu tư công") is None


def test_quote_is_the_clause_not_the_neighbours() -> None:
    m = find_metric_value(REPORT, "tỷ lệ hồ sơ trực tuyến")
    assert m is not None
    assert m.quote.startswith("tỷ lệ hồ sơ trực tuyến đạt 42,5%")
    assert "3.620" not in m.quote and "98,2" not in m.quote


def test_other_units_and_nfd() -> None:
    m = find_metric_value(unicodedata.normalize("NFD", REPORT), "biên chế có mặt", unit="người")
    assert m is not None and m.value == 112
    assert [f.value for f in find_figures(REPORT)][:3] == [42.5, 50.0, 98.2]


def test_symbols_and_dates_are_not_figures() -> None:
    assert find_figures("Kế hoạch số 111/KH-UBND ngày 17/01/2023 đạt 5 %") [0].value == 5
    assert [f.value for f in find_figures("ngày 17/01/2023", unit=None)] == []


def test_compare() -> None:
    assert not compare(42.5, ">=", 50) and compare(50, ">=", 50) and compare(10, "<=", 10)
    assert compare(1, "report", None) and compare(3, "=", 3) and not compare(3, "<", 3)


vn = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ ,.;:%0123456789-/()", max_size=60)


@given(vn)
def test_match_key_nfc_nfd_and_fold(s: str) -> None:
    k = match_key(s)
    assert k == match_key(unicodedata.normalize("NFD", s))
    assert k.startswith(" ") and k.endswith(" ") and ("  " not in k or not k.strip())
    assert k.isascii()
    assert len(fold_keep_length(unicodedata.normalize("NFC", s))) == len(unicodedata.normalize("NFC", s))


def test_match_key_expands_abbreviations() -> None:
    assert match_key("Kế hoạch CCHC, TTHC năm 2023") == " ke hoach cai cach hanh chinh thu tuc hanh chinh nam 2023 "
    assert match_key("UBND huyện Đức Thọ") == match_key("Ủy ban nhân dân huyện Đức Thọ")
    assert match_key("Uỷ ban") == match_key("Ủy ban")  # old and new tone placement


def test_issuer_keys_expand_abbreviations() -> None:
    from evidence.check.matching import issuer_key

    assert issuer_key("UBND huyện") in issuer_key("Ủy ban nhân dân huyện Đức Thọ")
    assert issuer_key("UBND huyện") not in issuer_key("Ủy ban nhân dân xã Tùng Ảnh")
    assert issuer_key("HĐND huyện") in issuer_key("Hội đồng nhân dân huyện Can Lộc")
