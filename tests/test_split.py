"""Batch-scan splitting and page-photo grouping."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from evidence.ingest.split import group_page_images, split_documents, starts_document
from evidence.model import Page

TB_FIRST = """ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐỨC THỌ                   Độc lập - Tự do - Hạnh phúc
Số: 38/TB-UBND               Đức Thọ, ngày 06 tháng 6 năm 2023
THÔNG BÁO
Kết luận của Chủ tịch Ủy ban nhân dân huyện tại cuộc họp
Ngày 05/6/2023, Chủ tịch Ủy ban nhân dân huyện chủ trì cuộc họp về công tác cải cách
hành chính; tham dự có lãnh đạo các phòng, ban chuyên môn.
"""
TB_SECOND = """2
3. Phòng Nội vụ chủ trì, phối hợp với Văn phòng HĐND và UBND huyện tham mưu kiểm tra
công tác cải cách hành chính tại các xã, thị trấn; hoàn thành trước ngày 30/6/2023.
Ủy ban nhân dân huyện thông báo để các cơ quan, đơn vị biết, thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT.
"""
GM_FIRST = """ỦY BAN NHÂN DÂN
HUYỆN ĐỨC THỌ
Số: 52/GM-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đức Thọ, ngày 07 tháng 6 năm 2023
GIẤY MỜI
Dự họp triển khai nhiệm vụ cải cách hành chính
"""
# the same header as Tesseract may read it from a poor scan
GM_OCR = """UY BAN NHÂN DÂN        CỘNG HOÀ XÁ HỌI CHU NGHĨA VIÊT NAM
HUYEN ĐỨC THỌ               Độc lập - Tư do - Hanh phúc
Sô: 52/GM-UBND             Đức Thọ, ngày 07 tháng 6 năm 2023
"""
PARTY = """TỈNH ỦY HÀ TĨNH
*
Số 12-NQ/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 26 tháng 5 năm 2022
NGHỊ QUYẾT
"""
ISSUER_ONLY = """SỞ CÔNG THƯƠNG
PHÒNG QUẢN LÝ CÔNG NGHIỆP
Số: 1250/SCT-CN
V/v hướng dẫn thực hiện
"""
ANNEX = """ỦY BAN NHÂN DÂN         CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN ĐỨC THỌ           Độc lập - Tự do - Hạnh phúc
QUY CHẾ
Hoạt động của Bộ phận Một cửa
(Ban hành kèm theo Quyết định số 1020/QĐ-UBND ngày 05/4/2023 của UBND huyện)
"""
MID_TEXT = """tiếp theo trang trước, Ủy ban nhân dân huyện yêu cầu thực hiện Kế hoạch
số 137/KH-UBND ngày 31/01/2023 và Quyết định số 245/QĐ-UBND ngày 02/3/2023.
Ủy ban nhân dân các xã báo cáo kết quả về Phòng Nội vụ.
"""


# a definitions article of a circular names the state and the Party in its sentences
DEFINITIONS = """                                        3
      k) Cộng hòa xã hội chủ nghĩa Việt Nam: VN.
      9. Hiệp định vận tải đường bộ là viết tắt của Hiệp định giữa Chính phủ nước Cộng hòa
xã hội chủ nghĩa Việt Nam và Chính phủ Hoàng gia Campuchia; Lào và Cộng hòa xã hội chủ
nghĩa Việt Nam; các tổ chức của Đảng Cộng sản Việt Nam.
"""


@pytest.mark.parametrize("text", [TB_FIRST, GM_FIRST, GM_OCR, PARTY, ISSUER_ONLY])
def test_headers_start_a_document(text: str) -> None:
    assert starts_document(text)
    assert starts_document(unicodedata.normalize("NFD", text))


@pytest.mark.parametrize("text", [TB_SECOND, MID_TEXT, ANNEX, DEFINITIONS, "", "\n\n12\n"])
def test_other_pages_do_not(text: str) -> None:
    assert not starts_document(text)
    assert not starts_document(unicodedata.normalize("NFD", text))


def test_header_low_on_the_page_is_not_a_start() -> None:
    filler = "\n".join(f"dòng {i} của nội dung văn bản đang trình bày" for i in range(20))
    assert not starts_document(filler + "\n" + TB_FIRST)


def _pages(*texts: str) -> list[Page]:
    return [Page(number=i, text=t, ocr=True) for i, t in enumerate(texts, start=1)]


def test_batch_scan_is_split_where_a_header_starts() -> None:
    assert split_documents(_pages(TB_FIRST, TB_SECOND, GM_OCR, MID_TEXT)) == [(1, 2), (3, 4)]


def test_ordinary_multipage_document_stays_one() -> None:
    assert split_documents(_pages(GM_FIRST, MID_TEXT, TB_SECOND)) == [(1, 3)]
    assert split_documents(_pages(GM_FIRST, ANNEX, MID_TEXT)) == [(1, 3)]
    assert split_documents(_pages(MID_TEXT)) == [(1, 1)]
    assert split_documents([]) == []


def test_three_documents_in_one_scan() -> None:
    ranges = split_documents(_pages(PARTY, MID_TEXT, TB_FIRST, GM_FIRST, TB_SECOND))
    assert ranges == [(1, 2), (3, 3), (4, 5)]


def test_group_page_images_by_stem_and_sequence() -> None:
    d = Path("/ho-so/2023")
    names = ["scan_002.jpg", "scan_001.jpg", "scan_003.jpg", "trang 1.png", "trang 2.png",
             "IMG_0010.JPG", "IMG_0011.jpg", "IMG_0013.JPG", "bia.jpg", "trang 10.png"]
    groups = group_page_images([d / n for n in names])
    assert [[p.name for p in g] for g in groups] == [
        ["bia.jpg"],
        ["IMG_0010.JPG", "IMG_0011.jpg"],
        ["IMG_0013.JPG"],
        ["scan_001.jpg", "scan_002.jpg", "scan_003.jpg"],
        ["trang 1.png", "trang 2.png"],
        ["trang 10.png"],
    ]


def test_group_natural_order_and_folders() -> None:
    a, b = Path("/x/a"), Path("/x/b")
    paths = [a / f"p{i}.png" for i in (10, 9, 11, 8)] + [b / "p12.png", a / "Trang-3.jpg"]
    groups = group_page_images(paths)
    assert [[str(p) for p in g] for g in groups] == [
        ["/x/a/p8.png", "/x/a/p9.png", "/x/a/p10.png", "/x/a/p11.png"],
        ["/x/a/Trang-3.jpg"],
        ["/x/b/p12.png"],
    ]
    flat = [p for g in groups for p in g]
    assert sorted(flat) == sorted(paths)


def test_group_keeps_copies_and_unnumbered_apart() -> None:
    d = Path("/h")
    groups = group_page_images([d / "scan_1.jpg", d / "scan_2 (1).jpg", d / "scan_2.jpg",
                                d / "scan_01.png"])
    flat = [p.name for g in groups for p in g]
    assert sorted(flat) == sorted(["scan_1.jpg", "scan_2 (1).jpg", "scan_2.jpg", "scan_01.png"])
    assert ["scan_2 (1).jpg"] in [[p.name for p in g] for g in groups]
    assert ["scan_01.png", "scan_2.jpg"] in [[p.name for p in g] for g in groups]


def test_kem_theo_in_prose_does_not_hide_a_header() -> None:
    letter = (TB_FIRST.split("THÔNG BÁO")[0]
              + "V/v triển khai Kế hoạch kiểm tra\nKính gửi: Các phòng, ban chuyên môn\n"
              + "Ủy ban nhân dân huyện gửi kèm theo Kế hoạch số 160/KH-UBND ngày 15/02/2023 "
              + "và đề nghị các đơn vị thực hiện.\n")
    assert starts_document(letter)
    annex_heading = "PHỤ LỤC II\nDANH MỤC HỒ SƠ KIỂM CHỨNG\n" + TB_FIRST
    assert not starts_document(annex_heading)


# ---- bundles: a document and what it submits or attaches, in one file ----------------------

TTR_PAGE = [
    "UBND TỈNH HÒA BÌNH", "SỞ NỘI VỤ", "Số: 245/TTr-SNV",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Hòa Bình, ngày 12 tháng 8 năm 2025", "TỜ TRÌNH",
    "Về việc công nhận Ban vận động thành lập Hội Nghề cá tỉnh",
    "Kính gửi: Ủy ban nhân dân tỉnh Hòa Bình",
    "Căn cứ Nghị định số 126/2024/NĐ-CP ngày 08/10/2024 của Chính phủ;",
    "Sở Nội vụ kính trình Ủy ban nhân dân tỉnh xem xét, ban hành Quyết định",
    "theo dự thảo Quyết định kèm theo./.", "Nơi nhận:", "- Như trên;", "- Lưu: VT, TCBC.",
    "GIÁM ĐỐC", "Phạm Văn Hùng",
]
DRAFT_PAGE = [
    "ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "Số:       /QĐ-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Hòa Bình, ngày    tháng    năm 2025", "DỰ THẢO", "QUYẾT ĐỊNH",
    "Về việc công nhận Ban vận động thành lập Hội Nghề cá tỉnh",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
    "Căn cứ Quyết định số 33/2023/QĐ-UBND ngày 02/6/2023 của Ủy ban nhân dân tỉnh;",
    "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
]
ISSUED_PAGE = [
    "ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "Số: 1502/QĐ-UBND",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Hòa Bình, ngày 20 tháng 8 năm 2025", "QUYẾT ĐỊNH",
    "Về việc thành lập Hội đồng thi đua khen thưởng tỉnh",
    "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "CHỦ TỊCH", "Bùi Văn Khánh",
]


@pytest.mark.parametrize("nfd", [False, True], ids=["NFC", "NFD"])
def test_bundle_draft_is_an_attachment_of_the_first(tmp_path: Path, nfd: bool) -> None:
    import sys

    from evidence.ingest.base import OcrMode
    from evidence.ingest.pipeline import extract_file

    sys.path.insert(0, str(Path(__file__).parent))
    from pdf_fixtures import text_pdf

    path = text_pdf(tmp_path / "ho-so.pdf", [TTR_PAGE, DRAFT_PAGE], nfd=nfd)
    docs = extract_file(path, ocr=OcrMode.NEVER)
    assert len(docs) == 1
    d = docs[0].to_dict(include_text=True)
    assert d["symbol"] == "245/TTr-SNV" and d["doc_type"] == "TTr"
    assert d["date"] == "2025-08-12"
    assert d["issuer"] == "Sở Nội vụ"
    assert d["signer"]["name"] == "Phạm Văn Hùng" and d["signer"]["position"] == "Giám đốc"
    assert d["attachments"] == [{"pages": [2, 2], "doc_type": "QĐ", "symbol": "/QĐ-UBND",
                                 "subject": "Về việc công nhận Ban vận động thành lập Hội Nghề cá tỉnh"}]
    assert "attached_document" in d["warning_codes"]
    assert any("văn bản kèm theo (QĐ /QĐ-UBND)" in w for w in d["warnings"])
    # the draft's text stays searchable under the tờ trình, its citations count
    assert "33/2023/QĐ-UBND" in [c["symbol"] for c in d["cited"]]
    assert len(d["text"]) == 2


def test_a_numbered_issued_document_still_splits() -> None:
    first = "\n".join(TTR_PAGE).replace("theo dự thảo Quyết định kèm theo./.", "xem xét./.")
    pages = _pages(first, "\n".join(ISSUED_PAGE))
    assert split_documents(pages) == [(1, 1), (2, 2)]


def test_what_the_first_document_submits_is_attached_even_when_numbered() -> None:
    first = "\n".join(TTR_PAGE).replace("theo dự thảo Quyết định kèm theo./.",
                                        "kèm theo Quyết định số 1502/QĐ-UBND./.")
    assert split_documents(_pages(first, "\n".join(ISSUED_PAGE))) == [(1, 2)]
    unnumbered = "\n".join(ISSUED_PAGE).replace("Số: 1502/QĐ-UBND", "Số:      /QĐ-UBND")
    assert split_documents(_pages("\n".join(TTR_PAGE), unnumbered)) == [(1, 2)]
