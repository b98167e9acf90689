"""Header, date, signer and task rules on layouts the dev texts rarely show (issue 12, and
the header quirks of issue 9): trích yếu over blank-line-separated paragraphs, multi-line
and joint issuers, dates without a place or from a law's adoption sentence, stamps that
are not the document's, signer ranks, role and Party assignees. Fixture text is written
here; the DOCX fixture is built with python-docx and read through the ingest parser."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from evidence.extract import extract_facts
from evidence.extract.gazetteer import find_unit_mentions
from evidence.extract.tasks import find_deadline, find_tasks

FORMS = ["NFC", "NFD"]


def _facts(text: str, form: str = "NFC"):
    return extract_facts([unicodedata.normalize(form, p) for p in text.split("\f")])


# --------------------------------------------------------------- class 1: trích yếu


def _docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


@pytest.mark.parametrize("form", FORMS)
def test_subject_over_docx_paragraphs_with_empty_ones_between(tmp_path: Path, form: str) -> None:
    from evidence.ingest.formats import parse_file

    paras = [
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "", "Số: 27/2025/TT-BNNMT", "",
        "Hà Nội, ngày 14 tháng 8 năm 2025", "", "THÔNG TƯ", "",
        "Quy định kỹ thuật về điều tra, đánh giá", "",
        "chất lượng đất và tiềm năng đất đai", "", "cấp tỉnh",
        "", "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
        "Bộ trưởng Bộ Nông nghiệp và Môi trường ban hành Thông tư.",
    ]
    path = _docx(tmp_path / "tt.docx", [unicodedata.normalize(form, p) for p in paras])
    f = extract_facts([p.text for p in parse_file(path).pages])
    assert f.subject == ("Quy định kỹ thuật về điều tra, đánh giá chất lượng đất và tiềm năng "
                         "đất đai cấp tỉnh")
    assert f.date == "2025-08-14"
    assert f.issuer == "Bộ Nông nghiệp và Môi trường"


@pytest.mark.parametrize("form", FORMS)
def test_capitals_subject_ends_at_the_enacting_formula(form: str) -> None:
    text = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG TRỊ
Số: 318/QĐ-UBND
Quảng Trị, ngày 20 tháng 02 năm 2025
QUYẾT ĐỊNH

BAN HÀNH QUY CHẾ PHỐI HỢP GIỮA CÁC CƠ QUAN

TRONG CÔNG TÁC QUẢN LÝ NHÀ NƯỚC VỀ CỤM CÔNG NGHIỆP

ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ

Căn cứ Luật Tổ chức chính quyền địa phương;
"""
    f = _facts(text, form)
    assert f.subject == ("BAN HÀNH QUY CHẾ PHỐI HỢP GIỮA CÁC CƠ QUAN TRONG CÔNG TÁC QUẢN LÝ NHÀ "
                         "NƯỚC VỀ CỤM CÔNG NGHIỆP")


@pytest.mark.parametrize("form", FORMS)
def test_vv_subject_across_blank_lines_stops_at_kinh_gui(form: str) -> None:
    text = """SỞ TƯ PHÁP
Số: 415/STP-BTTP
Cần Thơ, ngày 9 tháng 7 năm 2025
V/v góp ý hồ sơ đề nghị hợp nhất

Hội Công chứng viên

thành phố.

Kính gửi: Sở Nội vụ thành phố Cần Thơ.

Sở Tư pháp nhận được Công văn số 88/SNV-TCBC.
"""
    f = _facts(text, form)
    assert f.subject == "V/v góp ý hồ sơ đề nghị hợp nhất Hội Công chứng viên thành phố"
    body = "Hôm nay Sở Tư pháp nhận được hồ sơ.\n\nCác thành viên đã họp.\n"
    # a body paragraph after a blank line is not part of the subject
    f2 = _facts(text.replace("\nKính gửi: Sở Nội vụ thành phố Cần Thơ.\n", "\n" + body), form)
    assert f2.subject == "V/v góp ý hồ sơ đề nghị hợp nhất Hội Công chứng viên thành phố"


def test_subject_stops_at_a_form_label_and_a_part_heading() -> None:
    text = """BỘ XÂY DỰNG
Số: 12/QĐ-BXD
Hà Nội, ngày 5 tháng 3 năm 2025
GIẤY CHỨNG NHẬN ĐĂNG KÝ ĐẦU TƯ

Mã số dự án: 1234567890

Căn cứ Luật Đầu tư;
"""
    assert _facts(text).subject == "ĐĂNG KÝ ĐẦU TƯ"
    text2 = """BỘ Y TẾ
Số: 88/QĐ-BYT
Hà Nội, ngày 5 tháng 3 năm 2025
HƯỚNG DẪN
Chẩn đoán và điều trị bệnh sốt xuất huyết
Phần I
QUY ĐỊNH CHUNG
"""
    assert _facts(text2).subject == "Chẩn đoán và điều trị bệnh sốt xuất huyết"
    # the rule drawn under the trích yếu, read by OCR as digits
    text3 = text2.replace("Phần I\nQUY ĐỊNH CHUNG\n", "năm 2026\n99900900000090000002gg;\nThực hiện Nghị định;\n")
    assert _facts(text3).subject == "Chẩn đoán và điều trị bệnh sốt xuất huyết năm 2026"


@pytest.mark.parametrize("form", FORMS)
def test_subject_stops_at_form_fields_without_a_blank_line(form: str) -> None:
    text = """UBND TỈNH NGHỆ AN
BAN QUẢN LÝ KHU KINH TẾ ĐÔNG NAM
GIẤY CHỨNG NHẬN ĐĂNG KÝ ĐẦU TƯ
Mã số dự án: 5432109876
Chứng nhận lần đầu: ngày 14 tháng 8 năm 2025
Căn cứ Luật Đầu tư ngày 17 tháng 6 năm 2020;
"""
    assert _facts(text, form).subject == "ĐĂNG KÝ ĐẦU TƯ"
    # a colon inside the subject's own words is no field ("TCVN ISO 9001:2015")
    text2 = """ỦY BAN NHÂN DÂN
HUYỆN NGHI LỘC
Số: 31/QĐ-UBND
Nghi Lộc, ngày 5 tháng 3 năm 2025
QUYẾT ĐỊNH
Về việc công bố Hệ thống quản lý chất lượng phù hợp Tiêu
chuẩn quốc gia TCVN ISO 9001:2015 của Ủy ban nhân dân huyện
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN NGHI LỘC
"""
    assert _facts(text2, form).subject == ("Về việc công bố Hệ thống quản lý chất lượng phù hợp "
                                           "Tiêu chuẩn quốc gia TCVN ISO 9001:2015 của Ủy ban nhân dân huyện")


_SCT_HEAD = """SỞ CÔNG THƯƠNG TỈNH AN PHÚ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
\tĐộc lập - Tự do - Hạnh phúc
Số: 45/SCT-QLNL\tAn Phú, ngày 3 tháng 4 năm 2024
"""
_SCT_BODY = ("Sở Công Thương nhận được Văn bản số 12/PQ ngày 01/3/2024 của đơn vị đề nghị "
             "hướng dẫn thủ tục. Sau khi xem xét, Sở có ý kiến như sau.\n")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("company", "after"), [
    ("Công ty TNHH Sản xuất Phú Quý", _SCT_BODY),
    ("Công ty TNHH Sản xuất Phú Quý", "Kính gửi: Công ty TNHH Sản xuất Phú Quý\n\n" + _SCT_BODY),
    ("Hợp tác xã Nông nghiệp Tân Lập", _SCT_BODY),
    ("Ngân hàng Thương mại cổ phần Sao Mai", _SCT_BODY),
])
def test_sentence_case_subject_goes_on_with_a_company_name(form: str, company: str,
                                                          after: str) -> None:
    # the company a công văn is about, on a paragraph of its own, is no body start even
    # when the body that follows has no anchor (no "Kính gửi", no "Căn cứ")
    text = _SCT_HEAD + f"V/v hướng dẫn thủ tục cấp giấy phép\n\n{company}\n\n{after}"
    assert _facts(text, form).subject == f"V/v hướng dẫn thủ tục cấp giấy phép {company}"


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("joining", "company"), [
    (" CHO", "Công ty cổ phần Điện mặt trời Sao Mai"),
    ("", "Công ty cổ phần Điện mặt trời Sao Mai"),
    (" CHO", "Công ty cổ phần Đầu tư Xây dựng\nThương mại Phú Quý"),  # the name wrapped
])
def test_capitals_subject_goes_on_with_a_company_name_in_sentence_case(
        form: str, joining: str, company: str) -> None:
    text = _SCT_HEAD + f"""QUYẾT ĐỊNH
CẤP GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC{joining}
{company}

GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH AN PHÚ

Căn cứ Luật Điện lực;
"""
    assert _facts(text, form).subject == (f"CẤP GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC{joining} "
                                          + company.replace("\n", " "))
    # a body sentence after the name, without a blank line, is no more of the subject
    body = text.replace("\n\nGIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH AN PHÚ\n\nCăn cứ Luật Điện lực;\n",
                        "\nSở Công Thương đã nhận được hồ sơ của đơn vị đề nghị cấp phép.\n")
    assert _facts(body, form).subject == f"CẤP GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC{joining}"


@pytest.mark.parametrize("form", FORMS)
def test_capitals_subject_goes_on_with_the_line_above_its_rule(form: str) -> None:
    text = """HỘI NÔNG DÂN TỈNH AN PHÚ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
\tĐộc lập – Tự do – Hạnh phúc
Số: 8/BC-HND\tAn Phú, ngày 10 tháng 6 năm 2025
BÁO CÁO TỔNG KẾT
CỦA BAN THƯỜNG VỤ HỘI NÔNG DÂN TỈNH
Nhiệm kỳ VII (2020-2025)
---------------------
Đại hội lần thứ VII của Hội đã bầu Ban Chấp hành gồm 25 thành viên.
"""
    assert _facts(text, form).subject == ("TỔNG KẾT CỦA BAN THƯỜNG VỤ HỘI NÔNG DÂN TỈNH "
                                          "Nhiệm kỳ VII (2020-2025)")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("body", [
    # a body paragraph opening with the company's name ends with a stop
    "Công ty TNHH Sản xuất Phú Quý đã nộp đủ hồ sơ.\n\nSở có ý kiến như sau.\n",
    # a wrapped body line (text PDF) runs past the length of a name line
    "Công ty TNHH Sản xuất Phú Quý đã nộp hồ sơ đề nghị cấp giấy phép kinh doanh mua bán\n"
    "điện tại Sở Công Thương tỉnh An Phú.\n",
])
def test_a_body_opening_with_a_company_name_is_no_subject(form: str, body: str) -> None:
    text = _SCT_HEAD + f"V/v hướng dẫn thủ tục cấp giấy phép\n\n{body}"
    assert _facts(text, form).subject == "V/v hướng dẫn thủ tục cấp giấy phép"


@pytest.mark.parametrize("form", FORMS)
def test_the_one_stop_forms_printed_name_is_no_subject(form: str) -> None:
    text = """VĂN PHÒNG UBND TỈNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG KINH TẾ\tĐộc lập - Tự do - Hạnh phúc
An Phú, ngày 21 tháng 5 năm 2025

PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC

Kính gửi: Lãnh đạo UBND tỉnh.

1. Vấn đề trình: cho ý kiến về đại hội của Hội Làm vườn tỉnh.
"""
    f = _facts(text, form)
    assert f.doc_type == "PT" and f.subject is None


# --------------------------------------------------------------- class 2: issuers


@pytest.mark.parametrize("form", FORMS)
def test_front_committee_over_two_lines_is_one_body(form: str) -> None:
    text = """ỦY BAN MẶT TRẬN
TỔ QUỐC VIỆT NAM TỈNH GIA LAI
Số: 57/MTTQ-BTT
Gia Lai, ngày 2 tháng 4 năm 2025
V/v tổ chức Ngày hội Đại đoàn kết
Kính gửi: Ủy ban MTTQ các xã.
"""
    f = _facts(text, form)
    assert f.issuer == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Gia Lai"
    assert f.parent_issuer is None


def test_standing_committee_of_the_assembly_is_not_its_parent() -> None:
    text = "ỦY BAN THƯỜNG VỤ\nQUỐC HỘI\nSố: 35/2023/UBTVQH15\nHà Nội, ngày 12 tháng 7 năm 2023\nNGHỊ QUYẾT\nVề việc sắp xếp\n"
    f = _facts(text)
    assert (f.issuer, f.parent_issuer) == ("Ủy ban Thường vụ Quốc hội", None)


@pytest.mark.parametrize("form", FORMS)
def test_joint_circular_keeps_every_issuer(form: str) -> None:
    text = """BỘ TÀI CHÍNH - BỘ NỘI VỤ
Số: 06/2024/TTLT-BTC-BNV
Hà Nội, ngày 5 tháng 1 năm 2024
THÔNG TƯ LIÊN TỊCH
Hướng dẫn quản lý kinh phí
Căn cứ Nghị định số 14/2023/NĐ-CP;
"""
    f = _facts(text, form)
    assert f.issuers == ["Bộ Tài chính", "Bộ Nội vụ"]
    assert f.issuer == "Bộ Tài chính" and f.parent_issuer is None
    assert _facts("SỞ NỘI VỤ\nSố: 2/SNV-VP\nV/v họp\n").issuers == ["Sở Nội vụ"]


@pytest.mark.parametrize("form", FORMS)
def test_joint_guidance_of_a_grid_of_national_bodies(form: str) -> None:
    # the bodies' cells read row by row, one space between them, the last names wrapped
    text = """BỘ TƯ PHÁP BỘ NỘI VỤ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
BỘ TÀI CHÍNH VIỆN KIỂM SÁT\tĐộc lập - Tự do - Hạnh phúc
NHÂN DÂN TỐI CAO TÒA ÁN
NHÂN DÂN TỐI CAO
Số: 3/HDLN-BTP-BNV-BTC-VKSNDTC-TANDTC\tHà Nội, ngày 4 tháng 2 năm 2025
HƯỚNG DẪN LIÊN NGÀNH
Về việc phối hợp trong công tác thi hành án
Căn cứ Bộ luật Tố tụng hình sự;
"""
    f = _facts(text, form)
    assert f.issuers == ["Bộ Tư pháp", "Bộ Nội vụ", "Bộ Tài chính", "Viện kiểm sát nhân dân tối cao",
                         "Tòa án nhân dân tối cao"]
    assert f.issuer == "Bộ Tư pháp"
    # "BỘ ĐỘI" inside a name opens no other body
    f2 = _facts(text.replace("BỘ TƯ PHÁP BỘ NỘI VỤ", "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG - BỘ NỘI VỤ"), form)
    assert [i.casefold() for i in f2.issuers[:2]] == ["bộ tư lệnh bộ đội biên phòng", "bộ nội vụ"]


def test_bare_body_name_is_left_for_review() -> None:
    text = "ỦY BAN NHÂN DÂN\nSố: 12/UBND-VP\nĐức Thọ, ngày 5 tháng 6 năm 2024\nV/v báo cáo\nKính gửi: các phòng.\n"
    f = _facts(text)
    assert f.issuer is None
    assert [(r.field, r.reason) for r in f.review] == [("issuer", "low_confidence")]


def test_party_header_issuer_is_the_lower_line() -> None:
    text = "ĐẢNG BỘ TỈNH NGHỆ AN\nHUYỆN ỦY NAM ĐÀN\n*\nSố 188-CV/HU\nNam Đàn, ngày 10 tháng 3 năm 2024\nV/v công tác dân vận\n"
    f = _facts(text)
    assert f.issuer == "Huyện ủy Nam Đàn" and f.symbol == "188-CV/HU"


@pytest.mark.parametrize("form", FORMS)
def test_youth_union_header_glued_to_its_motto_and_a_quoted_subject(form: str) -> None:
    text = """BCH ĐOÀN TỈNH GIA LAI ĐOÀN TNCS HỒ CHÍ MINH
***
Số: 212 -CV/TĐTN-VP
“V/v cử cán bộ tham dự lớp bồi dưỡng
nghiệp vụ công tác thanh niên”
Gia Lai, ngày 11 tháng 3 năm 2025
Kính gửi: Sở Nội vụ tỉnh Gia Lai
"""
    f = _facts(text, form)
    assert f.issuer == "Ban Chấp hành đoàn tỉnh Gia Lai"
    assert f.subject == "V/v cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ công tác thanh niên"


# --------------------------------------------------------------- class 3: dates


@pytest.mark.parametrize("form", FORMS)
def test_header_date_without_place(form: str) -> None:
    text = "BỘ Y TẾ\nSố: 1234/QĐ-BYT\nNgày 3 tháng 5 năm 2024\nQUYẾT ĐỊNH\nVề việc ban hành hướng dẫn\nBỘ TRƯỞNG BỘ Y TẾ\nCăn cứ Nghị định;\n"
    f = _facts(text, form)
    assert (f.date, f.place, f.subject) == ("2024-05-03", None, "Về việc ban hành hướng dẫn")


@pytest.mark.parametrize("form", FORMS)
def test_law_dated_by_its_adoption_sentence(form: str) -> None:
    text = """QUỐC HỘI
Luật số: 61/2024/QH15
LUẬT
ĐƯỜNG BỘ
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Điều 1. Phạm vi điều chỉnh
Luật này quy định về đường bộ.
\f
Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 7 thông qua ngày 27 tháng 6 năm 2024.

CHỦ TỊCH QUỐC HỘI



Trần Văn Nam
"""
    f = _facts(text, form)
    assert f.date == "2024-06-27"
    assert f.provenance["date"].page == 2
    assert (f.signer.name, f.signer.position) == ("Trần Văn Nam", "Chủ tịch Quốc hội")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("annex", "date"), [
    ("(Kèm theo Quyết định số 812 /QĐ-UBND ngày 21 / 3 /2025 của UBND tỉnh Điện Biên)", "2025-03-21"),
    # another document's number, another year: nothing to go by
    ("(Kèm theo Quyết định số 811/QĐ-UBND ngày 20/3/2025 của UBND tỉnh Điện Biên)", None),
    ("(Kèm theo Quyết định số 812/QĐ-UBND ngày 21/3/2024 của UBND tỉnh Điện Biên)", None),
])
def test_impossible_header_date_and_the_documents_own_citation(form: str, annex: str,
                                                              date: str | None) -> None:
    text = f"""ỦY BAN NHÂN DÂN      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH ĐIỆN BIÊN      Độc lập - Tự do - Hạnh phúc
Số: 812 /QĐ-UBND      Điện Biên, ngày21 tháng 37 năm 2025
QUYẾT ĐỊNH
Về việc phê duyệt danh mục thủ tục hành chính
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
Điều 1. Phê duyệt danh mục kèm theo Quyết định này.
\f
DANH MỤC
{annex}
"""
    f = _facts(text, form)
    assert f.date == date


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("changes", "date"), [
    ("", "2025-04-02"),
    ("Chứng nhận thay đổi lần thứ hai: ngày 19 tháng 11 năm 2025\n", "2025-11-19"),
])
def test_certificate_dated_by_its_last_issue_line(form: str, changes: str, date: str) -> None:
    text = f"""UBND TỈNH QUẢNG TRỊ      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
BAN QUẢN LÝ KHU KINH TẾ      Độc lập - Tự do - Hạnh phúc
GIẤY CHỨNG NHẬN ĐĂNG KÝ ĐẦU TƯ
Mã số dự án: 1234567890
Chứng nhận lần đầu: ngày 02 tháng 4 năm 2025
{changes}Căn cứ Luật Đầu tư ngày 17 tháng 6 năm 2020;
"""
    assert _facts(text, form).date == date


@pytest.mark.parametrize("form", FORMS)
def test_submission_slip_dated_and_signed_by_its_first_sign_off(form: str) -> None:
    # a phiếu trình has no place-date line: each sign-off is dated under its title, the
    # signer's first (its day may be left blank: a partial date, never a later sign-off's)
    text = """UBND TỈNH GIA LAI
VĂN PHÒNG
Số:      /PT-KT
PHIẾU TRÌNH
Kính gửi: Lãnh đạo UBND tỉnh.
I. NỘI DUNG TRÌNH
1. Văn bản: Tờ trình số 41/TTr-SXD ngày 12/3/2025 của Sở Xây dựng.
2. Đề xuất: thống nhất chủ trương.
LÃNH ĐẠO VĂN PHÒNG
Ngày      tháng 3 năm 2025
Đinh Văn Hòa
Chuyên viên
Ngày 14 tháng 3 năm 2025
Lê Thị Mận
KÍNH TRÌNH CHỦ TỊCH UBND TỈNH
..........................................
Ngày      tháng 3 năm 2025
Rơ Chăm Long
"""
    f = _facts(text, form)
    assert f.date == "2025-03"
    assert f.provenance["date"].text.startswith("Ngày")
    # the slip is signed by the office's leader; the one it is sent to signs last
    assert f.signer is not None and f.signer.name == "Đinh Văn Hòa"


@pytest.mark.parametrize("form", FORMS)
def test_incoming_stamp_and_signature_lines_are_received_not_the_documents(form: str) -> None:
    text = """ĐẾN Số: 8123 Ngày 05/06/2025
Ký bởi: Văn phòng Sở Nội vụ
Thời gian ký: 06.06.2025 09:14:02 +07:00
UBND TỈNH LÂM ĐỒNG
SỞ NỘI VỤ
Lâm Đồng, ngày 4 tháng 6 năm 2025
Số: 212     /SNV-VP
V/v báo cáo tình hình
Kính gửi: các phòng.
"""
    f = _facts(text, form)
    assert (f.symbol, f.date, f.issuer) == ("212/SNV-VP", "2025-06-04", "Sở Nội vụ")
    kinds = [(r.kind, r.number, r.date) for r in f.received]
    assert kinds[0] == ("incoming", "8123", "2025-06-05")
    assert kinds[1][0] == "signed"
    # no header date at all: the stamp's date is still not the document's
    f2 = _facts(text.replace("Lâm Đồng, ngày 4 tháng 6 năm 2025\n", ""), form)
    assert f2.date is None and f2.number == "212"


@pytest.mark.parametrize(
    ("line", "symbol"),
    [("Số 57 /LĐLĐ-CTCĐ", "57/LĐLĐ-CTCĐ"), ("Số417/SNV-TCBC", "417/SNV-TCBC"),
     ("Số: 403/TTr-CAT(PC04)", "403/TTr-CAT(PC04)"), ("Số: 3021/SNV-CCHC&VTLT", "3021/SNV-CCHC&VTLT"),
     # a unit after a dot; a final stop is no unit
     ("Số: 03/BC-LĐVTCT.LĐ", "03/BC-LĐVTCT.LĐ"), ("Số: 03/BC-LĐVTCT.", "03/BC-LĐVTCT"),
     ("Số: 1830 /STC- HTDN", "1830/STC-HTDN"),
     # OCR: the slash lost between the digits and a type code; digit look-alikes in a unit
     ("Số: 01NQ-HĐQLQ", "01/NQ-HĐQLQ"), ("Số: 177/CAT-PA0S", "177/CAT-PA05")],
)
def test_number_line_quirks(line: str, symbol: str) -> None:
    assert _facts(f"SỞ TÀI CHÍNH\n{line}\nV/v báo cáo\n").symbol == symbol


@pytest.mark.parametrize("line", ["Số: 12UBND-VP", "Số: 7 HĐ-X"])
def test_digits_before_a_code_that_is_no_type_are_not_a_symbol(line: str) -> None:
    # "12UBND": UBND is an issuer, not a type code: which separator was lost is unsure
    assert _facts(f"SỞ TÀI CHÍNH\n{line}\nV/v báo cáo\n").number is None


def test_ocr_header_lines_without_diacritics_and_an_association() -> None:
    # OCR drops every diacritic of a line: "CONG AN TINH" still opens a body of its own
    f = _facts("BỘ CÔNG AN\nCONG AN TINH LAM ĐÔNG\nSố: 12/CAT-PA05\nV/v trao đổi thông tin\n"
               "Kính gửi: Sở Nội vụ\n")
    assert (f.issuer, f.parent_issuer) == ("Công an tỉnh Lâm Đồng", "Bộ Công an")
    # an association under its province: the province is its parent, not part of its name
    f = _facts("UBND TỈNH BÌNH THUẬN   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
               "HIỆP HỘI DOANH NGHIỆP\nSố: 310 /HHDN-K4\nV/v tổ chức đại hội\n")
    assert f.issuer is not None and f.issuer.casefold() == "hiệp hội doanh nghiệp"
    assert f.parent_issuer == "Ủy ban nhân dân tỉnh Bình Thuận"


# --------------------------------------------------------------- class 4: signer


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("name_line", "name", "rank"),
    [("Thượng tướng Lê Quốc Hùng", "Lê Quốc Hùng", "Thượng tướng"),
     ("Đại tá Trần Văn Bình", "Trần Văn Bình", "Đại tá"),
     ("LS. TS. Đỗ Minh Khoa", "Đỗ Minh Khoa", "LS. TS."),
     ("Nguyễn Văn An", "Nguyễn Văn An", None)],
)
def test_rank_before_the_name_is_kept_apart(form: str, name_line: str, name: str, rank: str | None) -> None:
    text = f"""Trân trọng./.
Nơi nhận:                        KT. BỘ TRƯỞNG
- Như trên;                      THỨ TRƯỞNG
- Lưu: VT.
                                 (Đã ký)
                                 {name_line}
"""
    s = _facts(text, form).signer
    assert (s.name, s.rank, s.position, s.authority) == (
        unicodedata.normalize("NFC", name), rank, "Thứ trưởng", "KT.")


def test_signer_block_on_a_page_of_its_own_and_a_lone_name() -> None:
    text = """Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành Quyết định này./.
\fNơi nhận:
- Như Điều 3;
- Lưu: VT.
\fTM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH



Lê Văn Hải
"""
    s = _facts(text).signer
    assert (s.name, s.position, s.authority_chain) == ("Lê Văn Hải", "Phó Chủ tịch", ["TM.", "KT."])
    lone = "Trân trọng./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n                                         Nguyễn Thị Mai\n"
    assert _facts(lone).signer.name == "Nguyễn Thị Mai"
    glyph = "Nơi nhận:\n- Như trên;\n- Lưu: VT, TCBC.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nơNguyễn Đức Minh\n"
    assert _facts(glyph).signer.name == "Nguyễn Đức Minh"


@pytest.mark.parametrize("form", FORMS)
def test_name_after_a_long_recipient_list_read_column_after_column(form: str) -> None:
    recipients = "\n".join(f"- Sở ngành số {i} của tỉnh;" for i in range(1, 17))
    text = f"""Điều 3. Chánh Văn phòng UBND tỉnh chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Bộ Xây dựng;                         TM. ỦY BAN NHÂN DÂN
- Bộ Tư pháp;                          CHỦ TỊCH
{recipients}
~ Lưu: VT, XD.

Hoàng Quốc Khánh
"""
    s = _facts(text, form).signer
    assert s is not None and s.name == "Hoàng Quốc Khánh"


@pytest.mark.parametrize("form", FORMS)
def test_title_glued_to_the_recipients_anchor(form: str) -> None:
    text = """Điều 4. Giấy chứng nhận này được lập thành 02 bản gốc./.
Nơi nhận: TRƯỞNG BAN
- Như Điều 4;
- Lưu: VT, QHXD.

 Hà Minh Đức
"""
    s = _facts(text, form).signer
    assert s is not None and (s.name, s.position) == ("Hà Minh Đức", "Trưởng ban")


# --------------------------------------------------------------- class 5: tasks


@pytest.mark.parametrize("form", FORMS)
def test_role_and_party_assignees(form: str) -> None:
    text = unicodedata.normalize("NFC", unicodedata.normalize(form, """UBND huyện yêu cầu:
1. Thủ trưởng các phòng, ban chuyên môn tổ chức quán triệt Kế hoạch.
2. Chủ tịch UBND các xã chỉ đạo Trưởng thôn, tổ dân phố tuyên truyền.
3. Đài Truyền thanh - Truyền hình huyện đưa tin thường xuyên.
4. Đoàn Thanh niên, Hội Cựu chiến binh huyện tổ chức ra quân trước ngày 30/4/2025.
5. Các tổ chức cơ sở đảng quán triệt đến đảng viên; Ban Dân vận Huyện ủy theo dõi.
6. Các đơn vị tại Phụ lục kèm theo báo cáo trước 14 giờ ngày 08 tháng 10 năm 2025.
"""))
    tasks = {t.id: t for t in find_tasks(text)}
    assert tasks["1"].assignees == ["Các phòng, ban chuyên môn"]
    assert tasks["2"].assignees[0] == "UBND các xã"
    assert tasks["3"].assignees == ["Đài Truyền thanh - Truyền hình huyện"]
    assert tasks["4"].assignees == ["Đoàn Thanh niên", "Hội Cựu chiến binh huyện"]
    assert tasks["4"].deadline == "2025-04-30"
    assert tasks["5"].assignees[0] == "Các tổ chức cơ sở đảng"
    assert tasks["6"].assignees == ["Các đơn vị tại Phụ lục kèm theo"]
    assert tasks["6"].deadline == "2025-10-08"


def test_items_of_a_letter_speak_to_its_addressee() -> None:
    text = """Kính gửi: Các tổ chức, cá nhân hoạt động khai thác cát trên địa bàn tỉnh.
Sở Nông nghiệp và Môi trường có ý kiến như sau:
1. Rà soát hồ sơ cấp phép.
2. Báo cáo sản lượng khai thác trong ngày 15 tháng 01 năm 2026.
"""
    tasks = find_tasks(text)
    assert [t.assignees for t in tasks] == [
        ["Các tổ chức, cá nhân"]] * 2
    assert tasks[1].deadline == "2026-01-15"


def test_level_word_is_matched_with_its_accents() -> None:
    # "quán triệt" folds like "quận": it is not the unit's level
    assert [m.text for m in find_unit_mentions("Các tổ chức cơ sở đảng quán triệt")] == [
        "Các tổ chức cơ sở đảng"]
    assert find_deadline("gửi về Văn phòng trong ngày 11 tháng 01 năm 2026")[0] == "2026-01-11"


def _tasks(text: str, form: str) -> dict[str, object]:
    return {t.id: t for t in find_tasks(unicodedata.normalize(form, text))}


@pytest.mark.parametrize("form", FORMS)
def test_sub_items_that_name_their_unit_are_one_task_each(form: str) -> None:
    text = """III. NHIỆM VỤ VÀ GIẢI PHÁP
1. Đẩy mạnh tuyên truyền phòng, chống tác hại của thuốc lá
1.1. Sở Y tế
- Biên soạn tài liệu truyền thông, hoàn thành trong tháng 9/2025.
1.2. Sở Giáo dục và Đào tạo, Tỉnh đoàn
- Lồng ghép nội dung vào hoạt động ngoại khóa.
2. Nâng cao chất lượng hồ sơ công trình
2.1. Hồ sơ thiết kế
2.2. Hồ sơ dự toán
"""
    tasks = _tasks(text, form)
    assert "III.1" not in tasks  # its heading names nobody
    assert tasks["III.1.1"].assignees == ["Sở Y tế"]
    assert tasks["III.1.1"].deadline == "2025-09"
    assert tasks["III.1.2"].assignees == ["Sở Giáo dục và Đào tạo", "Tỉnh đoàn"]
    assert tasks["III.1.2"].deadline is None
    # sub-items that are not units stay in their item
    assert "III.2.1" not in tasks


@pytest.mark.parametrize("form", FORMS)
def test_lead_in_before_sentence_case_sections_addresses_their_items(form: str) -> None:
    text = """Sở Công Thương yêu cầu các tổ chức, cá nhân kinh doanh xăng dầu trên địa bàn tỉnh thực hiện một số nội dung sau:
I. Đối với các cửa hàng đang hoạt động
1. Niêm yết giá bán đúng quy định.
2. Kiểm định cột đo xăng dầu.
II. Đối với các cửa hàng xây dựng mới
1. Hoàn thiện hồ sơ cấp phép trước ngày 30/6/2026.
"""
    tasks = _tasks(text, form)
    assert set(tasks) == {"I.1", "I.2", "II.1"}
    for t in tasks.values():
        assert t.assignees and t.assignees[0].lower().startswith("các tổ chức, cá nhân")
    assert tasks["II.1"].deadline == "2026-06-30"


@pytest.mark.parametrize("form", FORMS)
def test_general_information_of_a_notice_assigns_nothing(form: str) -> None:
    text = """Kính gửi: Công ty cổ phần Thủy điện Suối Chăn
Sở Công Thương thông báo kết quả thẩm định như sau:
I. THÔNG TIN CHUNG VỀ CÔNG TRÌNH
1. Tên công trình: Nhà máy thủy điện Suối Chăn.
2. Nhà thầu thiết kế: Công ty TNHH Tư vấn Xây dựng Hoàng Liên.
II. PHẠM VI VÀ NGUYÊN TẮC THẨM ĐỊNH
1. Sở Công Thương thẩm định phần thiết kế công nghệ.
III. KẾT LUẬN
1. Yêu cầu đối với Công ty cổ phần Thủy điện Suối Chăn
- Thi công đúng thiết kế đã được thẩm định.
2. Kết quả thẩm định không thay cho trách nhiệm của nhà thầu thiết kế.
"""
    tasks = _tasks(text, form)
    assert list(tasks) == ["III.1", "III.2"]
    assert tasks["III.1"].assignees == ["Công ty cổ phần Thủy điện Suối Chăn"]
    # the notice's lead-in asks nothing: the conclusion is nobody's task
    assert tasks["III.2"].assignees == []


def test_meeting_point_over_two_lines_is_not_a_task() -> None:
    text = """Văn phòng Chính phủ đề nghị:
1. Dự tại điểm cầu Trụ sở Ủy ban nhân dân các tỉnh, thành phố trực
thuộc Trung ương: Chủ tịch Ủy ban nhân dân tỉnh, Sở Tư pháp, Sở Nội vụ.
2. Bộ Tư pháp chuẩn bị tài liệu trước ngày 05/10/2025.
"""
    tasks = find_tasks(text)
    assert [t.assignees for t in tasks] == [["Bộ Tư pháp"]]


@pytest.mark.parametrize("form", FORMS)
def test_heads_of_collectives_and_what_a_subject_asks_of_others(form: str) -> None:
    text = """IV. TỔ CHỨC THỰC HIỆN
1. Giám đốc các Sở và Thủ trưởng các ban, ngành tỉnh; Chủ tịch UBND các xã, phường:
- Quán triệt nội dung Kế hoạch.
2. Sở Xây dựng
- Kiểm tra các công trình; yêu cầu các đơn vị thi công lắp camera giám sát.
- Yêu cầu các đơn vị tư vấn báo cáo định kỳ. Đồng thời đề nghị các địa phương phối hợp.
a) Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh giám sát việc thực hiện.
"""
    tasks = _tasks(text, form)
    assert tasks["IV.1"].assignees == ["Các Sở", "Các ban, ngành tỉnh", "UBND các xã, phường"]
    # the Sở asks the contractors: they are not in charge of the task; a lettered
    # sub-item that asks another body still names an assignee
    assert tasks["IV.2"].assignees == ["Sở Xây dựng", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]


def test_issuer_replying_or_declining_is_not_an_assignee() -> None:
    text = """Kính gửi: Công ty TNHH Khoáng sản Hòa Bình
Sở Công Thương có ý kiến như sau:
1. Công ty TNHH Khoáng sản Hòa Bình bổ sung hồ sơ kho chứa. Sở Công Thương không kiểm tra thực địa đối với hồ sơ đã rút.
2. Hoàn thiện phương án nổ mìn. Sở Công Thương phúc đáp để Công ty TNHH Khoáng sản Hòa Bình biết và thực hiện.
"""
    assert [t.assignees for t in find_tasks(text)] == [
        ["Công ty TNHH Khoáng sản Hòa Bình"]] * 2
    # what the issuer has done, and its closing request, assign nothing to it
    done = """Sở Xây dựng có ý kiến như sau:
1. Nội dung đã tham gia ý kiến: Sở Xây dựng đã tham gia ý kiến tại Văn bản số 81/SXD-QLGT.
2. Công ty cổ phần Đá Yên Bình bổ sung biện pháp tổ chức giao thông.
Sở Xây dựng trân trọng đề nghị Sở Công Thương tổng hợp./.
"""
    assert [t.assignees for t in find_tasks(done)] == [[], ["Công ty cổ phần Đá Yên Bình"]]
    # "đa dạng", "đăng ký" fold like "đã", "đang": they are the task's verbs
    verbs = "UBND huyện yêu cầu:\n1. Các đơn vị đa dạng hóa hình thức tuyên truyền.\n" \
            "2. Các đại biểu đăng ký dự họp.\n"
    assert [t.assignees for t in find_tasks(verbs)] == [["Các đơn vị"], ["Các đại biểu"]]


def test_units_listed_after_a_coordination_phrase_are_coordinators() -> None:
    text = """III. TỔ CHỨC THỰC HIỆN
1. Sở Tài nguyên và Môi trường chủ trì kiểm tra các mỏ.
- Tăng cường phối hợp giữa các cơ quan: Sở Xây dựng, Công an tỉnh và chính quyền địa phương.
"""
    t = find_tasks(text)[0]
    assert t.assignees == ["Sở Tài nguyên và Môi trường"]
    assert t.coordinators[:2] == ["Sở Xây dựng", "Công an tỉnh"]
