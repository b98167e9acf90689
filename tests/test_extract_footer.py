"""Footer: signer block (authority, title, name) and the Nơi nhận list, in both layouts."""

from __future__ import annotations

import pytest
from evidence.extract.recipients import find_recipients
from evidence.extract.signer import find_signer

# the left column (Nơi nhận) and the right column (signature) interleaved line by line
INTERLEAVED = """Đề nghị các đơn vị thực hiện nghiêm túc./.

Nơi nhận:                                           KT. GIÁM ĐỐC
- Như trên;                                         PHÓ GIÁM ĐỐC
- UBND tỉnh (b/c);
- Các phòng chuyên môn thuộc Sở,
  đơn vị sự nghiệp trực thuộc;
- Lưu: VT, KHTC.



                                                    Lê Thị Thu Trang
"""

# whole cells one after the other (DOCX table), stacked prefixes
SEQUENTIAL = """Quyết định này có hiệu lực kể từ ngày ký./.
Nơi nhận:
- Như Điều 3;
- Thường trực Huyện ủy;
- Lưu: VT, NV.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Đặng Văn Khoa
"""


def test_interleaved_footer() -> None:
    s = find_signer(INTERLEAVED)
    assert s is not None
    assert (s.name, s.position, s.authority) == ("Lê Thị Thu Trang", "Phó Giám đốc", "KT.")
    items, span = find_recipients(INTERLEAVED)
    assert items == [
        "Như trên",
        "UBND tỉnh (b/c)",
        "Các phòng chuyên môn thuộc Sở, đơn vị sự nghiệp trực thuộc",
        "Lưu: VT, KHTC",
    ]
    assert span is not None


def test_sequential_footer_with_stacked_prefixes() -> None:
    s = find_signer(SEQUENTIAL)
    assert s is not None
    assert (s.name, s.position, s.authority) == ("Đặng Văn Khoa", "Phó Chủ tịch", "KT.")
    assert s.authority_chain == ["TM.", "KT."]
    items, _ = find_recipients(SEQUENTIAL)
    assert items == ["Như Điều 3", "Thường trực Huyện ủy", "Lưu: VT, NV"]


def test_prefix_without_space_and_rank_dropped() -> None:
    text = "Nơi nhận:\n- Lưu: VT, TM.\nKT.BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nThượng tướng Phan Văn Hòa\n"
    s = find_signer(text)
    assert s is not None
    assert (s.name, s.position, s.authority) == ("Phan Văn Hòa", "Thứ trưởng", "KT.")


def test_title_alone_has_no_authority() -> None:
    text = "Luật này có hiệu lực từ ngày 01 tháng 01 năm 2026.\n\nCHỦ TỊCH QUỐC HỘI\n\nNguyễn Minh Tâm\n"
    s = find_signer(text)
    assert s is not None
    assert (s.name, s.position, s.authority) == ("Nguyễn Minh Tâm", "Chủ tịch Quốc hội", None)


def test_party_prefix_kept_in_party_documents() -> None:
    text = "Nơi nhận:\n- Lưu Văn phòng Huyện ủy.\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nHồ Văn Lâm\n"
    party = find_signer(text, party=True)
    state = find_signer(text)
    assert party is not None and state is not None
    assert party.authority == "T/M" and state.authority == "TM."
    assert party.position == "Phó Bí thư"


def test_unsigned_draft_has_title_but_no_name() -> None:
    text = "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n"
    s = find_signer(text)
    assert s is not None
    assert s.name is None and s.position == "Chủ tịch" and s.authority == "TM."


@pytest.mark.parametrize("text", ["", "Không có chữ ký.", "Nơi nhận:"])
def test_nothing_to_find(text: str) -> None:
    assert find_signer(text) is None
    assert find_recipients(text)[0] == []


def test_noi_nhan_inside_a_sentence_is_not_the_anchor() -> None:
    text = ("Hồ sơ gửi về nơi nhận hồ sơ của Bộ phận Một cửa trước ngày 15/11.\n"
            "- Nội dung thứ nhất;\n\n" + SEQUENTIAL)
    items, _ = find_recipients(text)
    assert items == ["Như Điều 3", "Thường trực Huyện ủy", "Lưu: VT, NV"]


def test_ocr_footer_glued_columns_and_blank_lines() -> None:
    text = """hoàn thành trong quý IV./.

Nơi nhận: TM. ỦY BAN NHÂN DÂN
- Sở Nội vụ (b/c); KT. CHỦ TỊCH

- Chủ tịch, các PCT UBND huyện; . 'Yh

- Lưu: VT, NV PHÓ CHỦ TỊCH

PHan Thị Thu Hà
"""
    items, _ = find_recipients(text)
    assert items == ["Sở Nội vụ (b/c)", "Chủ tịch, các PCT UBND huyện", "Lưu: VT, NV"]
    s = find_signer(text)
    assert s is not None
    assert (s.name, s.position, s.authority, s.authority_chain) == (
        "Phan Thị Thu Hà", "Phó Chủ tịch", "KT.", ["TM.", "KT."]
    )


def test_doc_converter_glues_the_prefix_to_the_last_item() -> None:
    text = "Nơi nhận:\n- Các phòng, ban;\n- Lưu: VT, VP.TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\n\nNguyễn Hữu Phước\n"
    assert find_recipients(text)[0] == ["Các phòng, ban", "Lưu: VT, VP"]
    s = find_signer(text)
    assert s is not None
    assert (s.name, s.position, s.authority) == ("Nguyễn Hữu Phước", "Chánh Văn phòng", "TL.")


# -- OCR'd scans: seal and signature debris around the name ------------------------------------

def test_ocr_debris_shaped_like_a_name_is_passed_over() -> None:
    text = ("Trân trọng./.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. BAN CHẤP HÀNH\n"
            "ZZˆi\n5U TỊCH\nÁ>   7 ⁄Z\nO   Bạn X\nJ^\nng\n\\4\\ H2? HÀ\nQuế „2 222\n"
            "Trương Minh Khải\n")
    s = find_signer(text, ocr=True)
    assert s is not None
    assert (s.name, s.authority) == ("Trương Minh Khải", "TM.")


def test_ocr_name_with_a_letter_no_vietnamese_word_has_is_left_empty() -> None:
    # a signature stroke across the family name: "Hsäng" is not a name; nor is the place
    # printed lower in the footer
    text = ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. GIÁM ĐÓC\nSN) 1\"\n"
            "e% Hsäng Văn Toàn\n¬ PHÓ GIÁM ĐÓC\n- Công ty vận tải Yên Bái;\nYên Bái\n"
            "Đơn vị tại tỉnh Yên Bái\n")
    s = find_signer(text, ocr=True)
    assert s is not None and s.name is None
    assert s.authority == "KT."


def test_ocr_title_with_a_lost_mark_and_a_name_at_the_margin() -> None:
    # OCR keeps no indentation and reads "ĐỐC" as "ĐÓC"
    text = ("Trân trọng!\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nGIÁM ĐÓC\nẶ\nlối 2W\n"
            "Đoàn Văn Sáng\n")
    s = find_signer(text, ocr=True)
    assert s is not None
    assert s.name == "Đoàn Văn Sáng"
    # the same text born digital: no title (misspelt), and an unindented line under the
    # list is not taken for a name
    assert find_signer(text) is None


def test_ocr_lone_name_after_the_recipients_dash_read_from_a_stroke() -> None:
    # the title lost under the seal; the only title in the text is the issuer's, far above
    text = ("THỦ TƯỚNG CHÍNH PHỦ\n" + "Nội dung điều khoản thi hành.\n" * 30
            + "Nơi nhận:\n- Như Điều 3;\n- Các bộ, cơ quan ngang bộ;\n- Lưu: VT, KSTT (2).\n\n"
            "-Lê Minh Hoàng\n")
    s = find_signer(text, ocr=True)
    assert s is not None and s.name == "Lê Minh Hoàng"


def test_minutes_the_presiding_officer_signs_not_the_secretary() -> None:
    text = ("Biên bản kết thúc lúc 16 giờ cùng ngày./.\nTHƯ KÝ\nTM. :.HỘI ĐỒNG THẨM ĐỊNH\n\n"
            "Thượng tá Cao Văn Tú\nĐại tá Lý Thành Nam\n")
    s = find_signer(text, ocr=True)
    assert s is not None
    assert (s.name, s.rank, s.authority) == ("Lý Thành Nam", "Đại tá", "TM.")
    side = "Cuộc họp kết thúc lúc 17 giờ./.\n\nNgười ghi biên bản\n\nCHỦ TRÌ\n\nTạ Thu Hà\n\n: Mai Văn Lộc\n"
    s = find_signer(side, ocr=True)
    assert s is not None and (s.name, s.position) == ("Mai Văn Lộc", "Chủ trì")


def test_rank_with_dotted_letters() -> None:
    text = "Nơi nhận:\n- Lưu VP.\n\nTM. BAN THƯỜNG VỤ\nCHỦ TỊCH\n\nL.S. TS. Đinh Công Lý\n"
    s = find_signer(text)
    assert s is not None
    assert (s.name, s.rank) == ("Đinh Công Lý", "L.S. TS.")


def test_scan_signer_crossed_by_the_signature_is_empty_with_a_review_entry() -> None:
    from evidence.extract import extract_facts
    from evidence.model import Page

    text = ("UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ\nSố: 12/SNV-VP\nV/v báo cáo\nNội dung báo cáo./.\n"
            "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n`\n"
            "tzoang Minh Đức\n")
    facts = extract_facts([text], layout=[Page(1, text, ocr=True)])
    assert facts.signer is not None and facts.signer.name is None
    assert facts.signer.position == "Phó Giám đốc"
    assert [(r.field, r.reason, r.detail) for r in facts.review if r.field == "signer"] == [
        ("signer", "low_confidence", "OCR: tzoang Minh Đức")]
    # the same text born digital: nothing to review (no name is printed)
    born = extract_facts([text], layout=[Page(1, text)])
    assert not [r for r in born.review if r.field == "signer"]


def test_ocr_name_garbled_by_the_stroke_is_completed_only_from_the_documents_own_text() -> None:
    body = ("Thành phần đoàn kiểm tra:\n1. Ông Hoàng Minh Đức - Phó Giám đốc Sở, Trưởng đoàn;\n"
            "2. Bà Lê Thị Hoa - Trưởng phòng.\nĐề nghị các đơn vị phối hợp./.\n")
    footer = ("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nSN) 1\"\n"
              "e% Hsäng Minh Đức\n")
    s = find_signer(body + footer, ocr=True)
    assert s is not None and s.name == "Hoàng Minh Đức"
    # no such name in the text, or two that fit: left empty
    two = body.replace("Bà Lê Thị Hoa", "Ông Đặng Minh Đức")
    for text in (footer, two + footer):
        s = find_signer(text, ocr=True)
        assert s is not None and s.name is None and s.authority == "KT."
