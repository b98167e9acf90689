"""Header anchors found independently of the column layout; sentence case of issuers."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.extract import extract_facts
from evidence.extract.casing import position_case, sentence_case
from evidence.extract.header import parse_header

# The same header in three layouts that text extraction produces.
SIDE_BY_SIDE = """UBND TỈNH NGHỆ AN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ                                  Độc lập - Tự do - Hạnh phúc

Số: 1532 /SNV-CCHC                       Nghệ An, ngày 09 tháng 3 năm 2024
V/v góp ý dự thảo kế hoạch
kiểm tra cải cách hành chính

              Kính gửi: Ủy ban nhân dân các huyện, thành phố, thị xã

Nội dung văn bản.
"""

COLUMNS_IN_SEQUENCE = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Nghệ An, ngày 09 tháng 3 năm 2024
UBND TỈNH NGHỆ AN
SỞ NỘI VỤ
Số: 1532 /SNV-CCHC
V/v góp ý dự thảo kế hoạch
kiểm tra cải cách hành chính

Kính gửi: Ủy ban nhân dân các huyện, thành phố, thị xã
"""

GLUED_OCR = """UBND TỈNH NGHỆ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc
Số: 1532 /SNV-CCHC Nghệ An, ngày 09 tháng 3 năm 2024
V/v góp ý dự thảo kế hoạch
kiểm tra cải cách hành chính

Kính gửi: Ủy ban nhân dân các huyện, thành phố, thị xã
"""


@pytest.mark.parametrize("text", [SIDE_BY_SIDE, COLUMNS_IN_SEQUENCE, GLUED_OCR])
def test_layouts_give_the_same_header(text: str) -> None:
    hf = parse_header(text)
    assert hf.symbol is not None
    assert (hf.symbol.symbol, hf.symbol.number) == ("1532/SNV-CCHC", "1532")
    assert hf.date == "2024-03-09"
    assert hf.place == "Nghệ An"
    assert hf.issuer == "Sở Nội vụ"
    assert hf.parent_issuer == "Ủy ban nhân dân tỉnh Nghệ An"
    assert hf.subject == "V/v góp ý dự thảo kế hoạch kiểm tra cải cách hành chính"
    assert hf.vv and hf.type_code is None


def test_typed_document_blank_number_and_day() -> None:
    text = """ỦY BAN NHÂN DÂN
HUYỆN KỲ ANH

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số:        /QĐ-UBND
                      Kỳ Anh, ngày      tháng 11 năm 2024

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác rà soát
thủ tục hành chính năm 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN KỲ ANH

Căn cứ Luật Tổ chức chính quyền địa phương;
"""
    hf = parse_header(text)
    assert hf.symbol is not None
    assert hf.symbol.number is None and hf.symbol.symbol == "/QĐ-UBND"
    assert hf.date == "2024-11"
    assert hf.issuer == "Ủy ban nhân dân huyện Kỳ Anh"
    assert hf.parent_issuer is None
    assert hf.type_code == "QĐ" and hf.type_name == "Quyết định"
    assert hf.subject == "Về việc thành lập Tổ công tác rà soát thủ tục hành chính năm 2024"


def test_garbled_number_and_day_are_unreadable_not_guessed() -> None:
    text = """BỘ XÂY DỰNG                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CỤC KINH TẾ XÂY DỰNG          Độc lập - Tự do - Hạnh phúc
số: Ñ¥ợ /KTXD-GXD          Hà Nội, ngày ®Ú{ tháng 5 năm 2025
V/v hướng dẫn định mức dự toán
"""
    hf = parse_header(text)
    assert hf.number_unreadable
    assert hf.symbol is not None
    assert hf.symbol.number is None and hf.symbol.symbol == "/KTXD-GXD"
    assert hf.date is None and hf.date_unreadable  # not "2025-05": the day is printed
    assert "number unreadable" in hf.warnings


def test_ocr_roman_one_in_number() -> None:
    hf = parse_header("ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: II /2025/QĐ-UBND\nBắc Ninh, ngày 02 tháng 6 năm 2025\n")
    assert hf.symbol is not None and hf.symbol.number == "11"


def test_law_number_line() -> None:
    text = "QUỐC HỘI\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
           "Luật số: 90/2025/QH15\nHà Nội, ngày 25 tháng 6 năm 2025\n\nLUẬT\nSỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU\n" \
           "Căn cứ Hiến pháp;\n"
    hf = parse_header(text)
    assert hf.symbol is not None and hf.symbol.symbol == "90/2025/QH15"
    assert hf.issuer == "Quốc hội"
    assert hf.type_code == "Luật"
    assert hf.subject == "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU"


def test_party_header() -> None:
    text = """ĐẢNG BỘ TỈNH QUẢNG BÌNH
HUYỆN ỦY BỐ TRẠCH
*
Số 27-CTr/HU
ĐẢNG CỘNG SẢN VIỆT NAM
Bố Trạch, ngày 14 tháng 8 năm 2023

CHƯƠNG TRÌNH HÀNH ĐỘNG
thực hiện Nghị quyết số 12-NQ/TU của Tỉnh ủy

I. MỤC ĐÍCH, YÊU CẦU
"""
    hf = parse_header(text)
    assert hf.symbol is not None and hf.symbol.party and hf.symbol.doc_type == "CTr"
    assert hf.party_motto
    assert hf.issuer == "Huyện ủy Bố Trạch"
    assert hf.parent_issuer == "Đảng bộ tỉnh Quảng Bình"
    assert hf.type_code == "CTr"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("UBND TỈNH LÀO CAI", "Ủy ban nhân dân tỉnh Lào Cai"),
        ("ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ", "Ủy ban nhân dân huyện Đức Thọ"),
        ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Sở Nông nghiệp và Môi trường"),
        ("BỘ CÔNG THƯƠNG", "Bộ Công Thương"),
        ("SỞ CÔNG THƯƠNG", "Sở Công Thương"),
        ("BỘ GIAO THÔNG VẬN TẢI", "Bộ Giao thông vận tải"),
        ("CHÍNH PHỦ", "Chính phủ"),
        ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
        ("CỤC HÓA CHẤT", "Cục Hóa chất"),
        ("UỶ BAN NHÂN DÂN TỈNH HÀ TĨNH", "Ủy ban nhân dân tỉnh Hà Tĩnh"),
        ("HĐND HUYỆN CAN LỘC", "Hội đồng nhân dân huyện Can Lộc"),
        ("UBND tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai"),
        ("ĐOÀN KIỂM TRA THEO QĐ SỐ 15/QĐ-SNV", "Đoàn kiểm tra theo Quyết định số 15/QĐ-SNV"),
        ("BAN CHỈ ĐẠO TW", "Ban Chỉ đạo Trung ương"),
    ],
)
def test_sentence_case(line: str, expected: str) -> None:
    assert sentence_case(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("PHÓ GIÁM ĐỐC", "Phó Giám đốc"),
        ("PHÓ CHỦ TỊCH", "Phó Chủ tịch"),
        ("CHỦ TỊCH QUỐC HỘI", "Chủ tịch Quốc hội"),
        ("PHÓ CHÁNH VĂN PHÒNG", "Phó Chánh Văn phòng"),
        ("THỨ TRƯỞNG", "Thứ trưởng"),
        ("TRƯỞNG ĐOÀN", "Trưởng đoàn"),
        ("PHÓ THỦ TƯỚNG", "Phó Thủ tướng"),
    ],
)
def test_position_case(line: str, expected: str) -> None:
    assert position_case(line) == expected


def test_wrapped_issuer_name_and_date_line_without_comma() -> None:
    text = """UBND TỈNH BẮC GIANG
BAN QUẢN LÝ CÁC KHU
CÔNG NGHIỆP
Số: 310/BQL-QLDN
Bắc Giang ngày 21 tháng 9 năm 2024
V/v báo cáo tình hình lao động
"""
    hf = parse_header(text)
    assert hf.issuer == "Ban Quản lý các khu công nghiệp"
    assert hf.parent_issuer == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert (hf.place, hf.date) == ("Bắc Giang", "2024-09-21")


def test_type_line_with_glued_subject_and_vv_glued_to_number() -> None:
    typed = parse_header("UBND HUYỆN CAN LỘC\nSố: 52/KH-UBND\nCan Lộc, ngày 03 tháng 02 năm 2023\n"
                         "KẾ HOẠCH Tuyên truyền cải cách hành chính năm 2023\n\nI. MỤC ĐÍCH\n")
    assert (typed.type_code, typed.subject) == ("KH", "Tuyên truyền cải cách hành chính năm 2023")
    letter = parse_header("UBND HUYỆN CAN LỘC\nSố: 1890/UBND-VP V/v chấn chỉnh giải quyết hồ sơ\n"
                          "Can Lộc, ngày 10 tháng 7 năm 2023\nKính gửi: các xã\n")
    assert letter.vv and letter.subject == "V/v chấn chỉnh giải quyết hồ sơ"
    assert letter.symbol is not None and letter.symbol.symbol == "1890/UBND-VP"


def test_short_date_form_on_the_place_date_line() -> None:
    hf = parse_header("UBND HUYỆN CAN LỘC\nSố: 12/KH-UBND\nCan Lộc, ngày 07/02/2023\nKẾ HOẠCH\nTập huấn\n")
    assert (hf.place, hf.date) == ("Can Lộc", "2023-02-07")


def test_ocr_damage_in_a_signed_scan() -> None:
    text = """BỘ KHOA HỌC VÀ CÔNG NGHỆ — CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIƒ⁄f' NAM
Độc lập - Tự do - Hạnh phúc
Số: Ả € 1 /GP-BKHCN Hà Nội, ngày 21 LJJ141/124 _5 năm 2024
W⁄v cấp giấy phép vận chuyển
"""
    hf = parse_header(text)
    assert hf.issuer == "Bộ Khoa học và Công nghệ" and hf.parent_issuer is None
    assert hf.symbol is not None and hf.symbol.symbol == "/GP-BKHCN" and hf.number_unreadable
    assert (hf.place, hf.date, hf.date_unreadable) == ("Hà Nội", None, True)
    assert hf.vv and hf.subject == "V/v cấp giấy phép vận chuyển"


def test_body_sentence_is_not_a_place_date_line() -> None:
    hf = parse_header("BIÊN BẢN KIỂM TRA\n\nHôm nay, ngày 08/6/2026, tại trụ sở Công ty, đoàn kiểm tra gồm:\n")
    assert hf.place is None
    # no date line: a biên bản is dated by its opening sentence right under the title
    assert hf.date == "2026-06-08" and hf.spans["date"][2] == "08/6/2026"
    hf = parse_header("KẾ HOẠCH KIỂM TRA\n\nHôm nay, ngày 08/6/2026, tại trụ sở Công ty, đoàn kiểm tra gồm:\n")
    assert hf.date is None and hf.place is None  # any other paper: a body sentence


def test_company_header() -> None:
    assert sentence_case("CÔNG TY CP ĐẦU TƯ XÂY DỰNG") == "Công ty cổ phần đầu tư xây dựng"
    assert sentence_case("CÔNG TY TNHH MTV THỦY ĐIỆN") == "Công ty TNHH MTV thủy điện"


def test_ocr_admin_word_and_stray_mark_in_month() -> None:
    assert sentence_case("ỦY BAN NHÂN DÂN TĨNH LÀO CAI") == "Ủy ban nhân dân tỉnh Lào Cai"
    hf = parse_header("UBND TỈNH LÀO CAI\nVĂN PHÒNG\nSố: 466 /PC-VPUBND\nLào Cai, ngày 12 tháng 5$ năm 2026\n")
    assert hf.date == "2026-05-12" and hf.date_unreadable


def test_subject_ends_where_the_body_starts_without_a_blank_line() -> None:
    hf = parse_header("UBND HUYỆN NGHI XUÂN\nVĂN PHÒNG\nSố: 88/TB-VP\nNghi Xuân, ngày 25 tháng 8 năm 2023\n"
                      "THÔNG BÁO\nKết luận của đồng chí Chủ tịch tại cuộc họp\nvề công tác cải cách hành chính\n"
                      "Ngày 22/8/2023, đồng chí Chủ tịch chủ trì cuộc họp.\n")
    assert hf.subject == "Kết luận của đồng chí Chủ tịch tại cuộc họp về công tác cải cách hành chính"


def test_joint_symbol_wrapped_onto_the_next_line() -> None:
    text = ("BỘ NỘI VỤ - BỘ TÀI CHÍNH\n"
            " Số: 07 /TTLT-BNV-BTC-                          Hà Nội, ngày 02 tháng 3 năm 2025\n"
            " BKHĐT-BTP\n\n              THÔNG TƯ LIÊN TỊCH\n   Hướng dẫn thực hiện chế độ phụ cấp\n")
    hf = parse_header(text)
    assert hf.symbol is not None
    assert hf.symbol.symbol == "07/TTLT-BNV-BTC-BKHĐT-BTP"
    assert hf.symbol.issuers == ["BNV", "BTC", "BKHĐT", "BTP"]
    assert (hf.place, hf.date, hf.type_code) == ("Hà Nội", "2025-03-02", "TTLT")


def test_place_date_glued_into_the_subject_by_ocr() -> None:
    hf = parse_header("BỘ CÔNG THƯƠNG\nSố: 12/BCT-ATMT\n"
                      "V/v triển khai thủ tục cấp Hà Nội, ngày0} thángh măm 2026\n\nKính gửi: các tỉnh\n")
    assert hf.subject == "V/v triển khai thủ tục cấp"


# -- OCR'd headers: a motto too garbled for the exact pattern, specks, lost unit lines -------

@pytest.mark.parametrize("motto", [
    "CỘNG HÒA XÃ. HỘI CHỦ NGHĨA VIỆT NAM",  # a speck read as a full stop
    "CỘNG HÒA XÃ HỘI CHỦ NgHiŸx VIỆT NAM",  # a word garbled
    "CỘNG HÒA XÃ Hội Chủ Nghĩa Việtnam",  # case and a lost space
])
def test_a_garbled_motto_read_on_the_issuers_line_is_cut_off(motto: str) -> None:
    text = (f"BỘ TƯ PHÁP {motto}\n"
            "Độc lập - Tự do - Hạnh phúc\n"
            "Số: 21/2025/TT-BTP Hà Nội, ngày 30 tháng 9 năm 2025\n"
            "THÔNG TƯ\nQuy định chi tiết một số điều\n\nCăn cứ Luật Ban hành văn bản.\n")
    hf = parse_header(text)
    assert hf.issuer == "Bộ Tư pháp"
    assert hf.symbol is not None and hf.symbol.number == "21" and hf.date == "2025-09-30"


def test_a_garbled_motto_inside_a_sentence_is_no_column() -> None:
    from evidence.extract.header import split_cells

    line = "Căn cứ Hiến pháp nước Cộng hòa xã. hội chủ nghĩa Việt Nam;"
    assert [c.text for c in split_cells(line)] == [line]
    glued = "SỞ TƯ PHÁP CỘNG HÒA XÃ. HỘI CHỦ NGHĨA VIỆT NAM"
    assert [c.text for c in split_cells(glued)] == ["SỞ TƯ PHÁP",
                                                  "CỘNG HÒA XÃ. HỘI CHỦ NGHĨA VIỆT NAM"]


def test_a_speck_after_the_unit_line_and_a_lost_accent_keep_the_unit() -> None:
    hf = parse_header("UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ :\n\nSố: 18/QĐ-SNV\n\nQUYẾT ĐỊNH\nVề việc\n")
    assert (hf.issuer, hf.parent_issuer) == ("Sở Nội vụ", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    # OCR read "SỞ" as "SƠ": still the head of a body's name, not the line above continued
    hf = parse_header("UBND TỈNH HÀ TĨNH\nSƠ NỘI VỤ\n\nSố: 18/QĐ-SNV\n\nQUYẾT ĐỊNH\nVề việc\n")
    assert (hf.issuer, hf.parent_issuer) == ("Sở Nội vụ", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    # ... but "SỐ 2" under a school's name continues it
    hf = parse_header("UBND HUYỆN KỲ ANH\nTRƯỜNG TIỂU HỌC\nSỐ 2 KỲ TIẾN\n\nSố: 4/KH-TH\n\n"
                      "KẾ HOẠCH\nTổ chức hội thi\n")
    assert hf.issuer is not None and hf.issuer.casefold() == "trường tiểu học số 2 kỳ tiến"


def test_a_committee_over_a_departments_symbol_is_no_issuer() -> None:
    # the department's line under "UBND TỈNH HÀ TĨNH" was lost: the committee is not
    # the issuer of "/QĐ-SNV" (a wrong issuer is worse than none)
    hf = parse_header("UBND TỈNH HÀ TĨNH\n\nSố: 18/QĐ-SNV\n\nQUYẾT ĐỊNH\nVề việc\n")
    assert hf.issuer is None
    assert hf.review == [("issuer", "low_confidence", "UBND TỈNH HÀ TĨNH")]
    # the committee's own documents keep it
    hf = parse_header("UBND TỈNH HÀ TĨNH\n\nSố: 18/UBND-SNV\nV/v góp ý\n")
    assert hf.issuer == "Ủy ban nhân dân tỉnh Hà Tĩnh" and hf.review == []


# -- the enacting formula names the body a scan's header lost ------------------------------

_LOST_UNIT = """ỦY BAN NHÂN DÂN
:
Số: 27/QĐ-UBND            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
                          Độc lập - Tự do - Hạnh phúc
                          Hà Tĩnh, ngày 09 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc phê duyệt kế hoạch kiểm tra cải cách hành chính
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH
Căn cứ Luật Tổ chức chính quyền địa phương;
"""


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_the_enacting_formula_completes_a_committee_without_its_unit_line(form: str) -> None:
    facts = extract_facts([unicodedata.normalize(form, _LOST_UNIT)])
    assert (facts.issuer, facts.parent_issuer) == ("Ủy ban nhân dân tỉnh Hà Tĩnh", None)
    assert not any(r.field == "issuer" for r in facts.review)
    assert facts.provenance["issuer"].text == "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"


def test_the_enacting_formula_names_the_department_its_symbol_codes() -> None:
    text = _LOST_UNIT.replace("ỦY BAN NHÂN DÂN\n:", "UBND TỈNH HÀ TĨNH\n").replace(
        "27/QĐ-UBND", "27/QĐ-SNV").replace("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
                                          "GIÁM ĐỐC SỞ NỘI VỤ TÍNH HÀ TĨNH")
    hf = parse_header(text)
    assert (hf.issuer, hf.parent_issuer) == ("Sở Nội vụ", "Ủy ban nhân dân tỉnh Hà Tĩnh")


def test_an_enacting_formula_that_does_not_fit_the_header_is_not_taken() -> None:
    # another department than the symbol's code; a committee named in a sentence
    other = _LOST_UNIT.replace("ỦY BAN NHÂN DÂN\n:", "UBND TỈNH HÀ TĨNH\n").replace(
        "27/QĐ-UBND", "27/QĐ-SNV").replace("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
                                          "GIÁM ĐỐC SỞ TƯ PHÁP TỈNH HÀ TĨNH")
    sentence = _LOST_UNIT.replace("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
                                  "Chủ tịch Ủy ban nhân dân tỉnh Hà Tĩnh quyết định:")
    for text in (other, sentence):
        hf = parse_header(text)
        assert hf.issuer is None
        assert ("issuer", "low_confidence") in [r[:2] for r in hf.review]


def test_the_trich_yeu_ends_at_a_date_line_ocr_damaged() -> None:
    # the date line under the subject (the right column read after the left): its day
    # lost and its year broken, it is still no part of the trích yếu
    text = """CÔNG AN TỈNH HÀ TĨNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 118/CAT-PV01
V/v phối hợp bảo đảm an ninh mạng
các cơ quan, đơn vị trên địa bàn tỉnh
Hà Tĩnh, ngả)   tháng 7 năm 2(025

Kính gửi: Các sở, ban, ngành tỉnh
"""
    hf = parse_header(text)
    assert hf.subject == "V/v phối hợp bảo đảm an ninh mạng các cơ quan, đơn vị trên địa bàn tỉnh"
    assert hf.date is None


def test_a_title_naming_its_body_has_the_trich_yeu_on_the_line_below() -> None:
    # the older style: "NGHỊ QUYẾT CỦA <body>" in capitals, then "(Về việc …)"
    text = """HỘI CỰU GIÁO CHỨC TỈNH
BAN THƯỜNG VỤ
Số: 03/NQ-BTV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Bình, ngày 12 tháng 3 năm 2025

NGHỊ QUYẾT CỦA BAN THƯỜNG VỤ
HỘI CỰU GIÁO CHỨC TỈNH QUẢNG BÌNH
(Về việc kiện toàn Ban Kiểm tra nhiệm kỳ 2021 - 2026)

- Căn cứ Điều lệ Hội Cựu giáo chức Việt Nam;
"""
    hf = parse_header(text)
    assert hf.type_code == "NQ"
    assert hf.subject == "Về việc kiện toàn Ban Kiểm tra nhiệm kỳ 2021 - 2026"
    assert hf.title_lines == ["NGHỊ QUYẾT CỦA BAN THƯỜNG VỤ", "HỘI CỰU GIÁO CHỨC TỈNH QUẢNG BÌNH",
                              "(Về việc kiện toàn Ban Kiểm tra nhiệm kỳ 2021 - 2026)"]
    # without such a line, the title's words stay what is read
    plain = parse_header(text.replace("(Về việc kiện toàn Ban Kiểm tra nhiệm kỳ 2021 - 2026)\n", ""))
    assert plain.subject == "CỦA BAN THƯỜNG VỤ HỘI CỰU GIÁO CHỨC TỈNH QUẢNG BÌNH"


def test_ocr_specks_around_a_trich_yeu() -> None:
    # OCR of a scan: a speck after the type name and on lines of their own, underscores
    # before the first line, a colon set apart after a continuation, a stamp's debris
    text = """BỘ NỘI VỤ
Số: 12/2026/TT-BNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 02 tháng 3 năm 2026

THÔNG TƯ '
:

___ Hướng dẫn chức năng, nhiệm vụ của phòng
chuyên môn thuộc Ủy ban nhân dân cấp xã :
3
ị ‹;.04.... :.0/9N/
Căn cứ Luật Tổ chức chính quyền địa phương;
"""
    hf = parse_header(text)
    assert hf.type_code == "TT"
    assert hf.subject == ("Hướng dẫn chức năng, nhiệm vụ của phòng chuyên môn thuộc Ủy ban "
                          "nhân dân cấp xã")


def test_a_capitals_trich_yeu_goes_on_over_a_speck_line() -> None:
    text = """BỘ CÔNG THƯƠNG
Số: 19/2024/TT-BCT
Hà Nội, ngày 10 tháng 10 năm 2024
THÔNG TƯ
BAN HÀNH QUY CHUẨN KỸ THUẬT QUỐC GIA
- VỀ AN TOÀN ĐIỆN
3

TRONG SẢN XUẤT VÀ KINH DOANH
Căn cứ Luật Điện lực;
"""
    hf = parse_header(text)
    assert hf.subject == ("BAN HÀNH QUY CHUẨN KỸ THUẬT QUỐC GIA - VỀ AN TOÀN ĐIỆN TRONG SẢN "
                          "XUẤT VÀ KINH DOANH")


@pytest.mark.parametrize("word, label", [
    ("Sá:", True), ("§0:", True), ("$ố:", True), ("S6:", True), ("SÁ:", True), ("sá:", True),
    ("Số:", True),  # the label read right passes too: callers try it first
    ("Sở:", True), ("Sa", False), ("Sáu:", False), ("Ba:", False),
])
def test_one_rule_for_a_misread_so_label(word: str, label: bool) -> None:
    from evidence.extract.header import is_misread_so_label

    assert is_misread_so_label(word) is label


@pytest.mark.parametrize(("so", "number"), [
    ("Số: 138-12/PT-NC", "138-12"),      # the office's 138th internal paper, in December
    ("Số: 20-01/26/PT-NC", "20-01/26"),  # ... with the year
])
def test_an_offices_running_number_of_an_internal_paper(so: str, number: str) -> None:
    text = (f"UBND TỈNH LÂM ĐỒNG\nVĂN PHÒNG\n{so}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n\nPHIẾU TRÌNH\nKính gửi: Lãnh đạo UBND tỉnh.\n")
    facts = extract_facts([text])
    assert (facts.number, facts.symbol, facts.doc_type) == (number, so[4:], "PT")
    # a Party number stays one: "12-NQ/TU" is number 12
    party = extract_facts([text.replace(so, "Số: 12-NQ/TU").replace("PHIẾU TRÌNH", "NGHỊ QUYẾT")])
    assert (party.number, party.symbol) == ("12", "12-NQ/TU")


_RUN_ON = """UBND HUYỆN BẢO THẮNG          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG NỘI VỤ                       Độc lập - Tự do - Hạnh phúc
Số: 215/PNV-CCHC              Bảo Thắng, ngày 08 tháng 5 năm 2026
V/v tổ chức hội nghị tổng kết
công tác cải cách hành chính năm 2025
{next}
"""


@pytest.mark.parametrize("form", ["NFC", "NFD"])
@pytest.mark.parametrize(("next_line", "subject_end"), [
    # a body sentence running the page's width right under it, no anchor, no blank line
    ("Ủy ban nhân dân huyện đề nghị các xã, thị trấn chuẩn bị báo cáo tham luận và cử "
     "đại biểu tham dự hội nghị đầy đủ, đúng thành phần.", "năm 2025"),
    # a short capitalised line in the column goes on with it
    ("Ủy ban nhân dân xã Phong Niên", "năm 2025 Ủy ban nhân dân xã Phong Niên"),
])
def test_a_sentence_case_subject_ends_where_a_full_width_body_line_starts(
        form: str, next_line: str, subject_end: str) -> None:
    text = unicodedata.normalize(form, _RUN_ON.format(next=next_line))
    hf = parse_header(text)
    subject = unicodedata.normalize("NFC", hf.subject or "")
    assert subject.startswith("V/v tổ chức hội nghị tổng kết") and subject.endswith(subject_end)
