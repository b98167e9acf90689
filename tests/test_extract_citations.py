"""Citations: a letter of the seed's shape (own text) and the list/exclusion rules."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.extract import extract_facts
from evidence.extract.citations import find_citations
from evidence.extract.normalize import clean_text
from evidence.extract.symbols import repair_ocr_citation

# A district letter of the seed's kind, written for this test: blank number and day,
# V/v subject, Kính gửi list, six references of the six kinds, a standard and periods.
LETTER = """**ỦY BAN NHÂN DÂN
HUYỆN HƯƠNG SƠN**

**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**

Số: /UBND-NV

Hương Sơn, ngày tháng 11 năm 2023

V/v đẩy nhanh tiến độ các nhiệm vụ
cải cách hành chính còn chậm

Kính gửi:

- Các phòng, ban, ngành cấp huyện;
- Ủy ban nhân dân các xã, thị trấn.

Để thực hiện Kế hoạch cải cách hành chính năm 2023 ban hành kèm theo Quyết định số: 111/KH-UBND ngày 17/01/2023 của UBND huyện, nhiều chỉ tiêu vẫn chậm; việc áp dụng TCVN ISO 9001:2015 chưa đồng bộ.

1. Bám sát Nghị quyết số 12-NQ/TU ngày 26/5/2022 của Ban Chấp hành Đảng bộ tỉnh về cải cách hành chính giai đoạn 2022-2025; Nghị quyết 05-NQ/TU ngày 22/10/2021 của Ban Chấp hành Đảng bộ tỉnh về chuyển đổi số; Chỉ thị 05/CT-UBND ngày 17/4/2023 của UBND tỉnh Hà Tĩnh về Chương trình tổng thể giai đoạn 2021-2030.

2. Hoàn thành việc khắc phục theo Kế hoạch số: 137 /KH-UBND ngày 31/01/2023 của UBND huyện; Văn bản Số: 2115 /UBND-NV ngày 03/8/2023 của UBND huyện về kết quả kiểm tra đợt I./.

Nơi nhận:
- Như trên;
- Sở Nội vụ (b/c);
- Lưu: VT, NV.

**TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH**

Nguyễn Văn Bình
"""

EXPECTED_CITED = [
    ("KH", "111", "111/KH-UBND", "2023-01-17", "UBND huyện", "Quyết định"),
    ("NQ", "12", "12-NQ/TU", "2022-05-26", "Ban Chấp hành Đảng bộ tỉnh", "Nghị quyết"),
    ("NQ", "05", "05-NQ/TU", "2021-10-22", "Ban Chấp hành Đảng bộ tỉnh", "Nghị quyết"),
    ("CT", "05", "05/CT-UBND", "2023-04-17", "UBND tỉnh Hà Tĩnh", "Chỉ thị"),
    ("KH", "137", "137/KH-UBND", "2023-01-31", "UBND huyện", "Kế hoạch"),
    ("CV", "2115", "2115/UBND-NV", "2023-08-03", "UBND huyện", "Văn bản"),
]


def _facts_summary(text: str) -> dict[str, object]:
    f = extract_facts([text])
    return {
        "doc_type": f.doc_type, "number": f.number, "symbol": f.symbol, "date": f.date,
        "place": f.place, "issuer": f.issuer, "parent_issuer": f.parent_issuer,
        "subject": f.subject,
        "signer": f.signer and (f.signer.name, f.signer.position, f.signer.authority),
        "recipients": f.recipients,
        "cited": [(c.doc_type, c.number, c.symbol, c.date, c.issuer, c.cited_as) for c in f.cited],
        "warnings": f.warnings,
    }


GOLDEN = {
    "doc_type": "CV",
    "number": None,
    "symbol": "/UBND-NV",
    "date": "2023-11",
    "place": "Hương Sơn",
    "issuer": "Ủy ban nhân dân huyện Hương Sơn",
    "parent_issuer": None,
    "subject": "V/v đẩy nhanh tiến độ các nhiệm vụ cải cách hành chính còn chậm",
    "signer": ("Nguyễn Văn Bình", "Chủ tịch", "TM."),
    "recipients": ["Như trên", "Sở Nội vụ (b/c)", "Lưu: VT, NV"],
    "cited": EXPECTED_CITED,
    "warnings": [
        "number is blank: unnumbered draft",
        "citation 111/KH-UBND: cited as Quyết định, symbol type KH",
    ],
}


def test_golden_seed_shaped_letter() -> None:
    assert _facts_summary(LETTER) == GOLDEN


def test_golden_letter_nfd_gives_the_same() -> None:
    assert _facts_summary(unicodedata.normalize("NFD", LETTER)) == GOLDEN


def test_citation_text_and_span_point_into_the_page() -> None:
    f = extract_facts(["trang một", LETTER])
    c = f.cited[0]
    assert c.span is not None and c.span.page == 2
    assert LETTER[c.span.start : c.span.end] == c.span.text
    assert c.text.startswith("Quyết định số: 111/KH-UBND ngày 17/01/2023")


def test_list_joined_by_va_inherits_the_type_word() -> None:
    text = "Căn cứ các Quyết định số 12/QĐ-UBND và 13/QĐ-UBND; Thông tư số 01/2023/TT-BNV, 02/2023/TT-BNV."
    got = [(c.symbol, c.cited_as) for c in find_citations(text)]
    assert got == [
        ("12/QĐ-UBND", "Quyết định"),
        ("13/QĐ-UBND", "Quyết định"),
        ("01/2023/TT-BNV", "Thông tư"),
        ("02/2023/TT-BNV", "Thông tư"),
    ]


def test_law_cited_by_name_and_number() -> None:
    (c,) = find_citations("theo Luật Tổ chức chính quyền địa phương số 72/2025/QH15;")
    assert (c.symbol, c.doc_type, c.cited_as) == ("72/2025/QH15", "Luật", "Luật")


@pytest.mark.parametrize(
    "text",
    [
        "áp dụng TCVN ISO 9001:2015 và QCVN 05A:2020/BCT, QCVN 01: 2019/BCT",
        "giai đoạn 2021-2030, 2022-2025",
        "dự thảo Nghị định số …/2026/NĐ-CP và Quyết định số     /QĐ-UBND",
        "tại Km 110.55/QL279",
        "ngày 17/01/2023 và 03/8/2023",
        "hóa chất 2-DIMETYLAMINO-ETANOL",
    ],
)
def test_not_citations(text: str) -> None:
    assert find_citations(text) == []


def test_own_symbol_and_repeats_left_out() -> None:
    text = "Kế hoạch 20/KH-UBND thay thế Kế hoạch 20/KH-UBND cũ; thực hiện Kế hoạch số 21/KH-UBND."
    assert [c.symbol for c in find_citations(text, own_symbol="21/KH-UBND")] == ["20/KH-UBND"]


def test_damaged_copies_merge_into_the_clean_symbol() -> None:
    text = (
        "theo Nghị định số 105/2025/NĐ-\n   3, 4\ncủa Chính phủ; Luật số 42/2024/QH151 và\n"
        "1 Luật số 42/2024/QH15 ngày 29/6/2024\n2 Nghị định số 105/2025/NĐ-CP ngày 15/5/2025"
    )
    assert [c.symbol for c in find_citations(text)] == ["105/2025/NĐ-CP", "42/2024/QH15"]


def test_mismatch_warning_only_for_a_real_disagreement() -> None:
    warnings: list[str] = []
    find_citations("Văn bản số 15/KH-UBND; Quy định số 205-QĐ/TW; Quyết định số 9/KH-UBND", warnings=warnings)
    assert warnings == ["citation 9/KH-UBND: cited as Quyết định, symbol type KH"]


def test_typo_merged_but_distinct_codes_kept() -> None:
    text = (
        "Thông tư số 57/2018/TT-BCT; Thông tư số 57/2018/TT-BCT ngày 26/12/2018; Thông tư 57/2018/T-BCT; "
        "Thông tư số 07/2025/TT-BTNMT, Thông tư số 07/2025/TT-BTNMT và Thông tư số 07/2025/TT-BNNMT; "
        "Luật số 45/2019/QH14, Luật số 45/2019/QH14 và Luật số 45/2019/QH15."
    )
    assert [c.symbol for c in find_citations(text)] == [
        "57/2018/TT-BCT", "07/2025/TT-BTNMT", "07/2025/TT-BNNMT", "45/2019/QH14", "45/2019/QH15",
    ]


def test_cyrillic_lookalikes_in_a_damaged_text_layer() -> None:
    page = "Căn cứ Thông tư số 02/2026/TT-ВСТ ngày 17/01/2026 của Bộ Công Thương;\n" + (
        "Các đơn vị tổ chức thực hiện nghiêm túc nội dung hướng dẫn.\n" * 20
    )
    f = extract_facts([page])
    assert [c.symbol for c in f.cited] == ["02/2026/TT-BCT"]


def test_spaces_lost_in_the_text_layer() -> None:
    (c,) = find_citations("Thực hiện Kếhoạch số160/KH-UBND ngày 15/02/2023 của UBND huyện")
    assert (c.symbol, c.date, c.issuer) == ("160/KH-UBND", "2023-02-15", "UBND huyện")


@pytest.mark.parametrize("damaged, year, repaired", [
    ("7404/QĐĐ-BCA-C04", None, "7404/QĐ-BCA-C04"),     # a letter doubled: one reading
    ("163/2024/QH115", 2024, "163/2024/QH15"),         # a digit doubled: the term of 2024
    ("63/2025/QH1", 2025, "63/2025/QH15"),             # a digit lost
    ("36/2005/QH111", 2005, "36/2005/QH11"),
    ("93/2019/NĐ-CE", 2019, "93/2019/NĐ-CP"),          # decrees are the Government's
    ("146/2025/NĐ-GP", 2025, "146/2025/NĐ-CP"),
    ("23/2024/TTBCT", 2024, "23/2024/TT-BCT"),         # the dash lost after the type code
    ("38/2025/T1-BCT", 2025, "38/2025/TT-BCT"),        # a ministry's TT, one letter misread
    ("37/2025/TEBCT", 2025, "37/2025/TT-BCT"),         # ... and its dash lost
    ("12/2025/QĐ-BCT", 2025, "12/2025/QĐ-BCT"),        # a ministry's decision stays one
    ("132-K1/TIV", None, "132-KL/TW"),                 # a Party code's L as 1, W as IV
    # nothing to undo, or more than one reading: as they are
    ("6050/BTP-BTTTP", None, "6050/BTP-BTTTP"),        # an issuer code is no closed set
    ("2/2021/QH145", 2021, "2/2021/QH145"),            # 2021: the 14th or the 15th term
    ("12/STTTT-VP", None, "12/STTTT-VP"),
    ("45/NĐ-CP", None, "45/NĐ-CP"),
    ("36-CT/TI", None, "36-CT/TI"),                    # TU or TW: not guessed
])
def test_ocr_damage_to_a_cited_symbol(damaged: str, year: int | None, repaired: str) -> None:
    assert repair_ocr_citation(damaged, year) == repaired


def test_citations_of_an_ocr_text_are_repaired_and_a_text_layer_is_not() -> None:
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH1 5; Căn cứ Thông tư số "
            "38/2025/TT.BCT ngày 19/6/2025 của Bộ trưởng Bộ Công Thương; Căn cứ Nghị định số "
            "146/2025/NĐ-GP ngày 12/6/2025 của Chính phủ; theo Quyết định số 7404/QĐĐ-BCA-C04.")
    scanned = [c.symbol for c in find_citations(text, ocr=True)]
    assert scanned == ["72/2025/QH15", "38/2025/TT-BCT", "146/2025/NĐ-CP", "7404/QĐ-BCA-C04"]
    printed = [c.symbol for c in find_citations(text)]
    assert "146/2025/NĐ-GP" in printed and "72/2025/QH15" not in printed


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_dash_ocr_read_twice_around_a_space(form: str) -> None:
    text = unicodedata.normalize(form, (
        "Thực hiện Nghị quyết số 50/NQ- -CP ngày 13/3/2025 của Chính phủ và Quyết định số "
        "607/QĐ- -UBND ngày 02/4/2025 của Ủy ban nhân dân tỉnh; Công văn số 12/UBND- -VP."))
    assert [c.symbol for c in find_citations(clean_text(text), ocr=True)] == [
        "50/NQ-CP", "607/QĐ-UBND", "12/UBND"]  # after an issuer code no type code follows


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_central_party_code_damaged_by_ocr_is_repaired_where_the_text_names_the_body(
        form: str) -> None:
    text = unicodedata.normalize(form, (
        "Thực hiện Chỉ thị số 36-CT/TI ngày 16/8/2019 của Bộ Chính trị, Kết luận số "
        "132-KL/T / ngày 18/3/2025 của Bộ Chính trị, Nghị quyết số 18-NQ/LFW ngày "
        "25/10/2017 của Ban Chấp hành Trung ương và Nghị quyết số 05-NQ/TI ngày 3/2/2021 "
        "của Ban Thường vụ Tỉnh ủy; Nghị quyết số 07-NQ/TU ngày 3/2/2021 của Bộ Chính trị."))
    cited = [c.symbol for c in find_citations(clean_text(text), ocr=True)]
    # the body named confirms TW; a provincial body does not, a committee code stays
    assert cited == ["36-CT/TW", "132-KL/TW", "18-NQ/TW", "05-NQ/TI", "07-NQ/TU"]
    assert "36-CT/TI" in [c.symbol for c in find_citations(clean_text(text))]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_a_fraction_slash_a_speck_and_a_number_split_by_ocr(form: str) -> None:
    text = unicodedata.normalize(form, (
        "Căn cứ Nghị định số 21 7⁄2025/NĐ-CP ngày 05/8/2025 của Chính phủ; Thông tư số "
        "37/2020/TT–BCT; khoản 3 Điều 5 Quyết định 12/QĐ-UBND; Thông tư số .23/2024/TT-BCT."))
    cited = find_citations(clean_text(text), ocr=True)
    assert [c.symbol for c in cited] == ["217/2025/NĐ-CP", "37/2020/TT-BCT", "12/QĐ-UBND",
                                         "23/2024/TT-BCT"]  # a speck before the number
    # a text layer: look-alike marks unified too; digits are joined only on OCR'd text
    printed = [c.symbol for c in find_citations(clean_text(text))]
    assert "37/2020/TT-BCT" in printed and "217/2025/NĐ-CP" not in printed
