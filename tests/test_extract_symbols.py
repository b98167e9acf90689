"""Number/symbol grammar: every row of ``vn-format.md`` §3.3, plus the comparison key."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.extract.doctypes import canonical_code, type_from_name
from evidence.extract.symbols import find_symbols, normalize_symbol, parse_symbol

# input -> (number as int or None, year, type, issuers, units)
ROWS: list[tuple[str, int | None, int | None, str | None, list[str], list[str]]] = [
    ("Số: /UBND-NV", None, None, "CV", ["UBND"], ["NV"]),
    ("Số: 111/KH-UBND", 111, None, "KH", ["UBND"], []),
    ("Kế hoạch số: 137 /KH-UBND", 137, None, "KH", ["UBND"], []),
    ("Văn bản Số: 2115 /UBND-NV", 2115, None, "CV", ["UBND"], ["NV"]),
    ("Quyết định số: 111/KH-UBND", 111, None, "KH", ["UBND"], []),
    ("Nghị quyết số 12-NQ/TU", 12, None, "NQ", ["TU"], []),
    ("Nghị quyết 05-NQ/TU", 5, None, "NQ", ["TU"], []),
    ("Chỉ thị 05/CT-UBND", 5, None, "CT", ["UBND"], []),
    ("30/2020/NĐ-CP", 30, 2020, "NĐ", ["CP"], []),
    ("02/2021/TT-BNV", 2, 2021, "TT", ["BNV"], []),
    ("Số 36-HD/VPTW", 36, None, "HD", ["VPTW"], []),
    ("Số: 08-QĐi/TW", 8, None, "QĐi", ["TW"], []),
    ("Quy định số 205-QĐ/TW", 205, None, "QĐ", ["TW"], []),
    ("06-CTr/TU", 6, None, "CTr", ["TU"], []),
    ("65-Ctr/TU", 65, None, "CTr", ["TU"], []),
    ("Số: 15-CV/BTGTU", 15, None, "CV", ["BTGTU"], []),
    ("30-KL/ĐU", 30, None, "KL", ["ĐU"], []),
    ("Số: 156/QĐ-UBND", 156, None, "QĐ", ["UBND"], []),
    ("Số: 45/UBND-VP", 45, None, "CV", ["UBND"], ["VP"]),
    ("Số: 1234/BGDĐT-VP", 1234, None, "CV", ["BGDĐT"], ["VP"]),
    ("38/CT-TTg", 38, None, "CT", ["TTg"], []),
    ("5973/UBND-KT", 5973, None, "CV", ["UBND"], ["KT"]),
    ("666/2015/QĐ-UBND", 666, 2015, "QĐ", ["UBND"], []),
    ("Số: 1893/QĐ-ĐDN", 1893, None, "QĐ", ["ĐDN"], []),
    ("Số: 155/QĐ-BGDĐT", 155, None, "QĐ", ["BGDĐT"], []),
    ("80/2015/QH13", 80, 2015, None, ["QH13"], []),
    ("Luật số 64/2025/QH15", 64, 2025, None, ["QH15"], []),
    ("35/2023/UBTVQH15", 35, 2023, None, ["UBTVQH15"], []),
    ("03/VBHN-VPQH", 3, None, "VBHN", ["VPQH"], []),
    ("02/2015/TTLT-BTC-BNV", 2, 2015, "TTLT", ["BTC", "BNV"], []),
    ("18/2020/QĐ-TTg", 18, 2020, "QĐ", ["TTg"], []),
    ("05/2023/NQ-HĐND", 5, 2023, "NQ", ["HĐND"], []),
    ("Số: 07/TTr-UBND", 7, None, "TTr", ["UBND"], []),
    ("Số: 04/QyĐ-UBND", 4, None, "QyĐ", ["UBND"], []),
    ("Số: 09/CTr-UBND", 9, None, "CTr", ["UBND"], []),
    ("Số:  …/QĐ-UBND", None, None, "QĐ", ["UBND"], []),
    ("Số: ....../GM-UBND", None, None, "GM", ["UBND"], []),
    ("Số: 518-TTg", 518, None, None, ["TTg"], []),
    ("Số: 666/TTg", 666, None, None, ["TTg"], []),
    ("SỐ: 88/HD-UBND", 88, None, "HD", ["UBND"], []),
    ("Số: 45/HĐND-VP", 45, None, "CV", ["HĐND"], ["VP"]),
    ("Số:12/KH–UBND", 12, None, "KH", ["UBND"], []),
    ("Số: 120/QÐ-UBND", 120, None, "QĐ", ["UBND"], []),
    ("Số 15/UBND-VX", 15, None, "CV", ["UBND"], ["VX"]),
    ("Số: 123/TTg-KTTH", 123, None, "CV", ["TTg"], ["KTTH"]),
    ("Số: 9/CĐ-UBND", 9, None, "CĐ", ["UBND"], []),
    ("Số: 04/QĐ-BCĐ", 4, None, "QĐ", ["BCĐ"], []),
    ("Số: 17/ĐA-UBND", 17, None, "ĐA", ["UBND"], []),
    ("Số: 21/BC-UBND", 21, None, "BC", ["UBND"], []),
    ("43/2022/NĐ-CP", 43, 2022, "NĐ", ["CP"], []),
]


@pytest.mark.parametrize(("text", "num", "year", "typ", "issuers", "units"), ROWS)
def test_spec_table_row(
    text: str, num: int | None, year: int | None, typ: str | None, issuers: list[str], units: list[str]
) -> None:
    parts = parse_symbol(text)
    assert parts is not None, text
    assert (int(parts.number) if parts.number is not None else None) == num
    assert parts.blank is (num is None)
    assert parts.year == year
    assert parts.doc_type == typ
    assert parts.issuers == issuers
    assert parts.units == units


@pytest.mark.parametrize(("text", "num", "year", "typ", "issuers", "units"), ROWS)
def test_spec_table_row_nfd(
    text: str, num: int | None, year: int | None, typ: str | None, issuers: list[str], units: list[str]
) -> None:
    nfc = parse_symbol(text)
    nfd = parse_symbol(unicodedata.normalize("NFD", text))
    assert nfc is not None and nfd is not None
    assert (nfd.symbol, nfd.number, nfd.doc_type, nfd.issuers) == (
        nfc.symbol, nfc.number, nfc.doc_type, nfc.issuers
    )


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("Kế hoạch số: 137 /KH-UBND", "137/KH-UBND"),
        ("Số: 4378 /SCT - CN", "4378/SCT-CN"),
        ("Số:12/KH–UBND", "12/KH-UBND"),
        ("Số: 120/QÐ-UBND", "120/QĐ-UBND"),
        ("Số:           /GP-UBND", "/GP-UBND"),
        ("Số: /UBND-NV", "/UBND-NV"),
        ("Số: 24/2026//NQ-CP", "24/2026//NQ-CP"),
        ("Số: 66.18/2026/NQ-CP", "66.18/2026/NQ-CP"),
        ("Nghị định số 105/2025/NĐ-\nCP ngày 15/5/2025", "105/2025/NĐ-CP"),
    ],
)
def test_printed_symbol_spaces_removed(text: str, symbol: str) -> None:
    parts = parse_symbol(text)
    assert parts is not None
    assert parts.symbol == symbol


@pytest.mark.parametrize(
    "text",
    [
        "áp dụng TCVN ISO 9001:2015 tại cơ quan",
        "theo QCVN 05A:2020/BCT của Bộ Công Thương",
        "giai đoạn 2021-2030",
        "ngày 17/01/2023",
        "Số:",
        "",
        "số lượng 12 người",
    ],
)
def test_not_a_symbol(text: str) -> None:
    assert parse_symbol(text) is None


def test_find_symbols_in_order() -> None:
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP; Chỉ thị 05/CT-UBND và Nghị quyết số 12-NQ/TU."
    assert [p.symbol for p in find_symbols(text)] == ["30/2020/NĐ-CP", "05/CT-UBND", "12-NQ/TU"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("137 /KH-UBND", "137/KH-UBND"),
        ("05/CT-UBND", "5/CT-UBND"),
        ("120/QÐ-UBND", "120/QĐ-UBND"),
        ("12/KH–UBND", "12/KH-UBND"),
        ("65-Ctr/TU", "65-CTr/TU"),
        ("04/QYĐ-UBND", "04/QyĐ-UBND"),
        ("38/CT-TTG", "38/CT-TTg"),
        ("08-qđi/TW", "08-QĐi/TW"),
        ("24/2026//NQ-CP", "24/2026/NQ-CP"),
    ],
)
def test_normalize_symbol_equal(a: str, b: str) -> None:
    assert normalize_symbol(a) == normalize_symbol(b)


@pytest.mark.parametrize(("a", "b"), [("111/KH-UBND", "111/QĐ-UBND"), ("12-NQ/TU", "12/NQ-TU"),
                                      ("30/2020/NĐ-CP", "30/2021/NĐ-CP")])
def test_normalize_symbol_different(a: str, b: str) -> None:
    assert normalize_symbol(a) != normalize_symbol(b)


@pytest.mark.parametrize(
    ("code", "canon"),
    [("QYĐ", "QyĐ"), ("Qyđ", "QyĐ"), ("CTR", "CTr"), ("ttr", "TTr"), ("QĐI", "QĐi"), ("TTG", "TTg"),
     ("kh", "KH"), ("UBND", "UBND")],
)
def test_canonical_case(code: str, canon: str) -> None:
    assert canonical_code(code) == canon


@pytest.mark.parametrize(
    ("line", "code"),
    [("QUYẾT ĐỊNH", "QĐ"), ("THÔNG TƯ LIÊN TỊCH", "TTLT"), ("Thông tư số 02", "TT"),
     ("GIẤY PHÉP SỬ DỤNG VẬT LIỆU NỔ", "GP"), ("LUẬT", "Luật"), ("TỜ TRÌNH", "TTr"),
     ("QUY ĐỊNH", "QyĐ"), ("CHƯƠNG TRÌNH", "CTr")],
)
def test_type_from_name(line: str, code: str) -> None:
    found = type_from_name(line)
    assert found is not None and found[0] == code


def test_type_from_name_needs_whole_word() -> None:
    assert type_from_name("LUẬTSƯ") is None
    assert type_from_name("Kính gửi") is None


def test_ascii_folded_type_codes() -> None:
    parts = parse_symbol("Nghị định số 26/2026/ND-CP")
    assert parts is not None and parts.doc_type == "NĐ" and parts.issuers == ["CP"]
    assert normalize_symbol("26/2026/ND-CP") == normalize_symbol("26/2026/NĐ-CP")
    assert normalize_symbol("15/QD-UBND") == normalize_symbol("15/QĐ-UBND")
    assert normalize_symbol("15/HD-UBND") != normalize_symbol("15/HĐ-UBND")
