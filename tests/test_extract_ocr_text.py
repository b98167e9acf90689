"""Text-level reading of OCR'd headers and signer blocks: the damage Tesseract does to a
Số line, a type line, a law's last page and a signer block, repaired only where the
document itself confirms the repair (fixture texts written here, NFC and NFD)."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.extract import extract_facts
from evidence.extract.bundle import starts_document
from evidence.extract.header import HeaderFacts, parse_header
from evidence.extract.normalize import clean_text
from evidence.extract.signer import find_signer
from evidence.model import Facts, Page, Signer

FORMS = ["NFC", "NFD"]

MINISTRY = """BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
{so} — Hà Nội, ngày 12 tháng 3 năm 2025
{type_line}
QUY ĐỊNH VỀ QUẢN LÝ KINH PHÍ CHUYỂN ĐỔI SỐ
Căn cứ Luật Ngân sách nhà nước số 89/2025/QH15;
"""

PROVINCE = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HÀ TĨNH
{so}
Độc lập - Tự do - Hạnh phúc
Hà Tĩnh, ngày   tháng 4 năm 2026
{type_line}
Về việc phê duyệt danh mục dịch vụ công trực tuyến
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH
Căn cứ Luật Tổ chức chính quyền địa phương;
"""


def _header(template: str, form: str, **kw: str) -> HeaderFacts:
    """The header of the text in ``form``, cleaned as ``extract_facts`` cleans its pages."""
    return parse_header(clean_text(unicodedata.normalize(form, template.format(**kw))))


def _scan_facts(*pages: str) -> Facts:
    """Facts of OCR'd pages (the layout says OCR; no word boxes)."""
    layout = [Page(number=i + 1, text=p, ocr=True, confidence=90.0) for i, p in enumerate(pages)]
    return extract_facts(list(pages), layout=layout)


def _signer(text: str) -> Signer | None:
    return find_signer(clean_text(text), ocr=True)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("so", "type_line"), [
    ("Số: 27/2025/TT.BTC :", "THÔNG TƯ"),      # the dash read as a dot
    ("Số:27/2025/TTBTC", "THÔNG TƯ"),          # the dash lost
    ("Số: 27/2025/TT.BTC :", "THÔNG TÊ-"),     # type line garbled: the issuer confirms BTC
    ("Số:27/2025/TTBTC", "'THÔNG TƯ"),         # a speck before the type line
    ("Số:27/2025/TTBTC", "_ 'THÔNG TƯ"),       # specks apart
])
def test_type_code_damaged_by_ocr_is_repaired_when_the_document_confirms(
        form: str, so: str, type_line: str) -> None:
    hf = _header(MINISTRY, form, so=so, type_line=type_line)
    assert hf.symbol is not None
    assert hf.symbol.symbol == "27/2025/TT-BTC"
    assert (hf.symbol.number, hf.symbol.doc_type, hf.symbol.issuers) == ("27", "TT", ["BTC"])
    assert hf.review == []


@pytest.mark.parametrize("form", FORMS)
def test_unconfirmed_repair_is_left_partial_with_a_review_entry(form: str) -> None:
    # the type line says NGHỊ QUYẾT and "BXD" is not the issuer's abbreviation: no guess
    hf = _header(MINISTRY, form, so="Số: 27/2025/TT.BXD :", type_line="NGHỊ QUYẾT")
    assert hf.symbol is not None and hf.symbol.symbol == "27/2025/TT"
    assert [(f, r) for f, r, _d in hf.review] == [("symbol", "low_confidence")]
    hf = _header(MINISTRY, form, so="Số:27/2025/TTBXD", type_line="NGHỊ QUYẾT")
    assert hf.symbol is not None and hf.symbol.symbol == "27/2025/TTBXD"
    assert [(f, r) for f, r, _d in hf.review] == [("symbol", "low_confidence")]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("type_line", ["__ QUYẾT ĐỊNH", ". QUYẾT ĐỊNH", "QUYẾT ĐỊNH"])
def test_doubled_letter_of_the_type_code_and_specks_before_the_type_line(
        form: str, type_line: str) -> None:
    hf = _header(PROVINCE, form, so="Số: /QĐĐ-UBND", type_line=type_line)
    assert hf.type_code == "QĐ"
    assert hf.symbol is not None and hf.symbol.symbol == "/QĐ-UBND"
    assert hf.symbol.number is None and hf.symbol.doc_type == "QĐ"
    assert hf.subject == "Về việc phê duyệt danh mục dịch vụ công trực tuyến"
    assert hf.date == "2026-04"


@pytest.mark.parametrize("form", FORMS)
def test_doubled_letter_is_kept_when_the_type_line_disagrees_or_two_letters_repeat(
        form: str) -> None:
    hf = _header(PROVINCE, form, so="Số: /QĐĐ-UBND", type_line="KẾ HOẠCH")
    assert hf.symbol is not None and hf.symbol.symbol == "/QĐĐ-UBND"
    # "ĐĐĐN": removing one letter does not give a known code; nothing is guessed
    hf = _header(PROVINCE, form, so="Số: 12/ĐĐĐN-UBND", type_line="ĐƠN ĐỀ NGHỊ")
    assert hf.symbol is not None and hf.symbol.symbol == "12/ĐĐĐN-UBND"


def test_born_digital_symbols_are_not_touched() -> None:
    for so, want in [("Số: 27/2025/TT-BTC", "27/2025/TT-BTC"),
                     ("Số: 15/TTr-UBND", "15/TTr-UBND"),
                     ("Số: 12/2025/QH15", "12/2025/QH15")]:
        hf = _header(MINISTRY, "NFC", so=so, type_line="THÔNG TƯ")
        assert hf.symbol is not None and hf.symbol.symbol == want
        assert hf.review == []


def test_the_number_line_is_not_cited_once_its_symbol_is_repaired() -> None:
    text = MINISTRY.format(so="Số: 27/2025/TT.BTC :", type_line="THÔNG TƯ") + \
        "Căn cứ Thông tư số 12/2024/TT-BTC ngày 05/3/2024 của Bộ Tài chính;\n"
    facts = extract_facts([text])
    assert facts.symbol == "27/2025/TT-BTC"
    assert [c.symbol for c in facts.cited] == ["89/2025/QH15", "12/2024/TT-BTC"]


@pytest.mark.parametrize("form", FORMS)
def test_a_laws_last_page_is_not_a_new_header(form: str) -> None:
    # the adoption sentence names the state; OCR breaks the line inside the name
    page = unicodedata.normalize(form, (
        "15\n\nLuật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt\n"
        "Nam khóa XV, Kỳ họp thứ 9 thông qua ngày 19 tháng 2 năm 2025.\n|\n"
        "CHỦ TỊCH QUỐC HỘI -ˆ\n\nz\n\nTrần Minh Quang.\n"))
    assert not starts_document(page)
    first = unicodedata.normalize(form, (
        "QUỐC HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Luật số: 71/2025/QH15\n\nLUẬT\nDỮ LIỆU\nCăn cứ Hiến pháp;\n"))
    facts = _scan_facts(first, page)
    assert facts.attachments == []
    assert facts.signer is not None
    assert unicodedata.normalize("NFC", facts.signer.name or "") == "Trần Minh Quang"


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("block", "signer"), [
    # specks between and around the title lines and the name; a stray letter before a title
    ("_kE BỘ TRƯỞNG\n#--\ns THỨ TRƯỞNG\n:\n| \n\nĐỗ Văn Khiêm ˆ\n",
     (None, "Thứ trưởng", "Đỗ Văn Khiêm")),
    # the title lost under the seal; the name's word split before its last letter
    ("TM. CHÍNH PHỦ _\nJ TƯỚN\nTHU 1 NG\n\n1”\n\nNguyễ n Đức Thắng\n",
     ("TM.", None, "Nguyễn Đức Thắng")),
])
def test_ocr_noise_in_the_signer_block(form: str, block: str,
                                       signer: tuple[str | None, str | None, str]) -> None:
    s = _signer(unicodedata.normalize(form, "Nơi nhận:\n- Như trên;\n- Lưu: VT, KHTC.\n\n"
                                            + block))
    assert s is not None
    got = (s.authority, s.position, s.name)
    assert tuple(unicodedata.normalize("NFC", x) if x else x for x in got) == signer


def test_recipient_lines_keep_their_marks() -> None:
    # the dash of a recipient and the ";" ending it are not specks: a person named in
    # the list is never the signer
    text = ("Nơi nhận:\n- Như trên;\n- Ông Phạm Văn Hùng;\n- Lưu: VT.\n\nGIÁM ĐỐC\n"
            "Ấ„ NÁ   S\n")
    s = _signer(text)
    assert s is not None and s.name is None


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("year", "adopted", "date"), [
    ("209235", True, "2025-06-19"),   # digits glued to the year: no year; the law says when
    ("2092", True, "2025-06-19"),     # not the number's year: the adoption sentence decides
    ("2092", False, None),            # nothing else says it: empty, with a review entry
    ("2025", False, "2025-06-19"),
])
def test_impossible_year_is_never_the_date(form: str, year: str, adopted: bool,
                                           date: str | None) -> None:
    text = ("QUỐC HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"Luật số: 58/2025/QH15\nHà Nội, ngày 19 tháng 6 năm {year}\n\nLUẬT\nTHANH NIÊN\n"
            "Căn cứ Hiến pháp;\n")
    if adopted:
        text += ("Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, "
                 "Kỳ họp thứ 9 thông qua ngày 19 tháng 6 năm 2025.\n")
    hf = _header(text, form)
    assert hf.date == date
    assert (("date", "conflict") in [(f, r) for f, r, _d in hf.review]) == (
        date is None and year == "2092")


LETTER = """SỞ GIAO THÔNG VẬN TẢI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

{so}

{vv} góp ý dự thảo quy định về
bảo trì đường tỉnh năm 2026

Hà Tĩnh, ngày 08 tháng 5 năm 2026

Kính gửi: Sở Tài chính tỉnh Hà Tĩnh
{body}
"""


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("so", "symbol"), [
    ("Sá: 215 /SGTVT-KHTC", "215/SGTVT-KHTC"),   # "Số" beside a seal
    ("___=§0:77/SGTVT", "77/SGTVT"),              # the rule above read as specks, glued
    ("$ố:318 /SGTVT-QLĐB", "318/SGTVT-QLĐB"),
    ("Só: /SGTVT-VP", "/SGTVT-VP"),               # a blank number
])
def test_a_misread_so_label_at_a_header_line_start_gives_the_symbol(
        form: str, so: str, symbol: str) -> None:
    hf = _header(LETTER, form, so=so, vv="V/v", body="Sở Giao thông vận tải đề nghị.")
    assert hf.symbol is not None and unicodedata.normalize("NFC", hf.symbol.symbol) == symbol
    assert hf.issuer == "Sở Giao thông vận tải"
    assert hf.date == "2026-05-08"


@pytest.mark.parametrize("so", [
    "Sá: 215 người tham dự",          # no symbol after it
    "Sá: 12-A",                       # a dash code, not a symbol with its slash
    "Theo Sá: 215/SGTVT-KHTC",        # not at the line start
])
def test_a_misread_label_without_its_position_or_symbol_is_no_so_line(so: str) -> None:
    hf = _header(LETTER, "NFC", so=so, vv="V/v", body="")
    assert hf.symbol is None


def test_a_misread_label_in_the_body_is_never_the_number() -> None:
    body = "\n".join(["Sở Giao thông vận tải đề nghị Sở Tài chính:"] * 12
                     + ["Sá: 215/SGTVT-KHTC ngày 02/5/2026 nêu trên."])
    hf = _header(LETTER, "NFC", so="", vv="V/v", body=body)
    assert hf.symbol is None


@pytest.mark.parametrize("form", FORMS)
def test_vv_read_as_va_under_the_so_line_is_the_subject_of_a_cong_van(form: str) -> None:
    text = unicodedata.normalize(form, LETTER.format(
        so="Số: 215/SGTVT-KHTC", vv="VA", body="Sở Giao thông vận tải đề nghị."))
    facts = extract_facts([text])
    assert facts.subject is not None
    assert unicodedata.normalize("NFC", facts.subject) == (
        "V/v góp ý dự thảo quy định về bảo trì đường tỉnh năm 2026")
    assert facts.doc_type == "CV"


def test_va_far_from_the_so_line_or_before_a_capital_is_no_vv_line() -> None:
    far = LETTER.replace("{so}\n\n", "{so}\n\n\n\n\n")
    for template, vv in ((far, "VA"), (LETTER, "VA Góp")):
        hf = _header(template, "NFC", so="Số: 215/SGTVT-KHTC", vv=vv, body="")
        assert hf.subject is None and not hf.vv


def test_a_type_code_in_the_symbol_beats_a_vv_line() -> None:
    # "03/BC-…" is a báo cáo even printed like a công văn (V/v, Kính gửi); a công văn's
    # symbol opens with the issuer's code
    text = LETTER.format(so="Số: 03/BC-SGTVT", vv="V/v", body="Sở báo cáo như sau.")
    facts = extract_facts([text])
    assert (facts.doc_type, facts.doc_type_name) == ("BC", "Báo cáo")
    assert "doc_type: a V/v line, the symbol says BC" in facts.warnings
    cv = extract_facts([LETTER.format(so="Số: 04/SGTVT-KHTC", vv="V/v", body="Đề nghị.")])
    assert cv.doc_type == "CV" and not any("V/v line" in w for w in cv.warnings)


def test_a_letter_numbered_with_its_issuer_code_alone_is_a_cong_van() -> None:
    # no V/v line, no type line: "Số: 77/SGTVT" and "Kính gửi:" make a công văn
    text = LETTER.replace("{vv} góp ý dự thảo quy định về\nbảo trì đường tỉnh năm 2026\n", "")
    facts = extract_facts([text.format(so="Số: 77/SGTVT", body="Sở đề nghị.")])
    assert facts.doc_type == "CV"
    bare = text.replace("Kính gửi: Sở Tài chính tỉnh Hà Tĩnh\n", "")
    assert extract_facts([bare.format(so="Số: 77/SGTVT", body="Sở đề nghị.")]).doc_type is None


@pytest.mark.parametrize("so", ["Số: 3 3Ø/SGTVT-Kó", "Số: 215/SGTVT-KHTCó"])
def test_a_code_damaged_past_reading_gives_no_symbol(so: str) -> None:
    # the grammar stops before "Kó": "/SGTVT" is not the symbol printed
    hf = _header(LETTER, "NFC", so=so, vv="V/v", body="")
    assert hf.symbol is None
    assert [(f, r) for f, r, _d in hf.review] == [("symbol", "low_confidence")]
    assert hf.issuer == "Sở Giao thông vận tải" and hf.subject is not None
    # a speck after a whole symbol is no damage
    ok = _header(LETTER, "NFC", so="Số: 14/2024/TT-BCT-:", vv="V/v", body="")
    assert ok.symbol is not None and ok.symbol.symbol == "14/2024/TT-BCT"


def test_ocr_debris_under_the_subject_ends_it() -> None:
    # a seal's or a signature's debris, then a date line OCR garbled: not the trích yếu
    text = LETTER.replace("Hà Tĩnh, ngày 08 tháng 5 năm 2026",
                          "^   ^   » 45 z   ` 2/25\nHà Tĩnh, ngả)   tháng 5 năm 2(026")
    hf = _header(text, "NFC", so="Số: 215/SGTVT-KHTC", vv="V/v", body="")
    assert hf.subject == "V/v góp ý dự thảo quy định về bảo trì đường tỉnh năm 2026"
    # a year alone after a joining word still continues it
    text = LETTER.replace("bảo trì đường tỉnh năm 2026", "bảo trì đường tỉnh giai đoạn\n2026")
    hf = _header(text, "NFC", so="Số: 215/SGTVT-KHTC", vv="V/v", body="")
    assert hf.subject == "V/v góp ý dự thảo quy định về bảo trì đường tỉnh giai đoạn 2026"


@pytest.mark.parametrize("form", FORMS)
def test_a_bracketed_ve_viec_under_a_title_naming_the_body_is_the_subject(form: str) -> None:
    text = ("HỘI KHUYẾN HỌC TỈNH HÀ TĨNH\nSố: 03/NQ-HKH\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Tĩnh, ngày 18 tháng 02 năm 2025\n\nNGHỊ QUYẾT CỦA BAN CHẤP HÀNH\n"
            "HỘI KHUYẾN HỌC TỈNH HÀ TĨNH\n(Về việc sửa đổi, bổ sung Điều lệ\n"
            "Quỹ khuyến học tỉnh)\n\nCăn cứ Điều lệ Hội;\n")
    hf = _header(text, form)
    assert hf.type_code == "NQ"
    assert unicodedata.normalize("NFC", hf.subject or "") == (
        "Về việc sửa đổi, bổ sung Điều lệ Quỹ khuyến học tỉnh")
    assert [unicodedata.normalize("NFC", x) for x in hf.title_lines] == [
        "NGHỊ QUYẾT CỦA BAN CHẤP HÀNH", "HỘI KHUYẾN HỌC TỈNH HÀ TĨNH",
        "(Về việc sửa đổi, bổ sung Điều lệ", "Quỹ khuyến học tỉnh)"]  # as printed
    # a bracket that never closes is no trích yếu
    open_ = parse_header(clean_text(text.replace("tỉnh)\n", "tỉnh\n")))
    assert open_.subject is not None and not open_.subject.startswith("Về việc")


def test_a_speck_after_the_type_name_and_debris_before_the_subject() -> None:
    # "NGHỊ QUYẾT '" then a line holding ":": the subject is the capitals under them
    text = ("CHÍNH PHỦ\nSố: 24/2026/NQ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 29 tháng 4 năm 2026\n\n:\n\n"
            "NGHỊ QUYẾT '\n:\n\nĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH\nLĨNH VỰC NỘI VỤ\n\n"
            "CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;\n")
    hf = parse_header(clean_text(text))
    assert hf.type_code == "NQ"
    assert hf.subject == "ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH LĨNH VỰC NỘI VỤ"


@pytest.mark.parametrize("form", FORMS)
def test_a_type_line_with_one_letter_misread_is_read_when_the_symbol_says_the_type(
        form: str) -> None:
    hf = _header(MINISTRY, form, so="Số: 27/2025/TT-BTC", type_line="THÔNG TÊ-")
    assert (hf.type_code, hf.type_name) == ("TT", "Thông tư")
    assert unicodedata.normalize("NFC", hf.subject or "") == (
        "QUY ĐỊNH VỀ QUẢN LÝ KINH PHÍ CHUYỂN ĐỔI SỐ")
    # without the symbol's word for it, a damaged line is no type line
    hf = _header(MINISTRY, form, so="Số: 27/2025/NQ-BTC", type_line="THÔNG TÊ-")
    assert hf.type_code != "TT"


@pytest.mark.parametrize("form", FORMS)
def test_a_speck_read_as_a_colon_after_the_type_name(form: str) -> None:
    # "NGHỊ ĐỊNH :" with its trích yếu in capitals under it is the type line; the
    # operative "QUYẾT ĐỊNH:" followed by Điều 1 is not
    text = ("CHÍNH PHỦ\nSố: 178/2026/NĐ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 20 tháng 5 năm 2026\n\n"
            "NGHỊ ĐỊNH :\nQUY ĐỊNH VIỆC QUẢN LÝ, SỬ DỤNG VÀ\n-_ KHAI THÁC TÀI SẢN KẾT CẤU\n\n"
            "Căn cứ Luật Tổ chức Chính phủ;\n")
    hf = _header(text, form)
    assert hf.type_code == "NĐ"
    assert unicodedata.normalize("NFC", hf.subject or "") == (
        "QUY ĐỊNH VIỆC QUẢN LÝ, SỬ DỤNG VÀ KHAI THÁC TÀI SẢN KẾT CẤU")
    operative = ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 12/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 "Độc lập - Tự do - Hạnh phúc\nLào Cai, ngày 20 tháng 5 năm 2026\n\n"
                 "QUYẾT ĐỊNH :\nĐiều 1. Phê duyệt kế hoạch.\n")
    assert parse_header(clean_text(operative)).type_code is None


@pytest.mark.parametrize("form", FORMS)
def test_a_colon_set_apart_at_a_subject_line_end_is_a_speck(form: str) -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: /QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n\nQUYẾT ĐỊNH\n"
            "Phê duyệt phương án thi công gói thầu :\nsố 13 đoạn từ Km0 đến Km2\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nCăn cứ Luật Tổ chức chính quyền địa phương;\n")
    hf = _header(text, form)
    assert unicodedata.normalize("NFC", hf.subject or "") == (
        "Phê duyệt phương án thi công gói thầu số 13 đoạn từ Km0 đến Km2")
    # a label's colon ("Kính gửi:") still ends it
    label = text.replace("gói thầu :\nsố 13", "gói thầu\nKính gửi:\nsố 13")
    assert "Kính" not in (parse_header(clean_text(label)).subject or "")


@pytest.mark.parametrize(("line", "name", "rank"), [
    ("Thượng ftửng Nguyễn Văn Long", "Nguyễn Văn Long", "Thượng tướng"),  # tướng damaged
    ("Trung tưởng Lê Văn Minh", "Lê Văn Minh", "Trung tướng"),
    ("Đại Tướng Võ Văn An", "Võ Văn An", "Đại tướng"),                   # in capitals
    ("Trung Thông Văn An", "Trung Thông Văn An", None),                  # a name's words
    ("Nguyễn:Đình Trung", "Nguyễn Đình Trung", None),      # a colon OCR set between words
])
def test_a_generals_rank_damaged_by_ocr_is_kept_apart_from_the_name(
        line: str, name: str, rank: str | None) -> None:
    text = f"Trân trọng./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\n{line}\n"
    signer = _signer(text)
    assert signer is not None and (signer.name, signer.rank) == (name, rank)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("opening", "date"), [
    ("Vào lúc 14 giờ 00 phút, ngày 09 tháng 12 năm 2025 tại Hội trường Sở Nội vụ,", "2025-12-09"),
    ("Hôm nay, vào lúc 8 giờ 30, ngày 18 tháng 12 năm 2025, tại trụ sở,", "2025-12-18"),
    ("Hôm nay, ngày 05/3/2026, tại Văn phòng Ủy ban nhân dân xã,", "2026-03-05"),
    ("Bắt đầu: 8h15’ ngày 15 tháng 3 năm 2026", None),  # the meeting's hours
])
def test_a_bien_ban_without_a_date_line_is_dated_by_its_opening_sentence(
        form: str, opening: str, date: str | None) -> None:
    text = ("UBND TỈNH LÂM ĐỒNG\nSỞ NỘI VỤ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n\nBIÊN BẢN\nHọp thống nhất về việc thành lập hội\n\n"
            f"{opening}\ncác thành phần dự họp gồm:\n")
    hf = _header(text, form)
    assert hf.type_code == "BB" and hf.date == date
    # a date line in the header stays the date
    dated = text.replace("Độc lập - Tự do - Hạnh phúc\n",
                         "Độc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày 20 tháng 12 năm 2025\n")
    assert parse_header(clean_text(dated)).date == "2025-12-20"


def test_a_bien_ban_opening_under_its_legal_bases_keeps_no_date() -> None:
    # after "Căn cứ …" lines, "Hôm nay, ngày …" dates the session, not the paper
    text = ("CỤC HÓA CHẤT\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "BIÊN BẢN THẨM ĐỊNH\nHồ sơ đề nghị cấp giấy phép vận chuyển\n\n"
            "Căn cứ Nghị định số 161/2024/NĐ-CP ngày 18 tháng 12 năm 2024;\n"
            "Hôm nay, ngày 14 tháng 11 năm 2025, tại trụ sở Cục Hóa chất,\n")
    assert parse_header(clean_text(text)).date is None
