"""E-signed PDFs: the number and day stamped into widget appearances, signature fields."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
from evidence.extract import extract_facts
from evidence.ingest.base import OcrMode
from evidence.ingest.pipeline import extract_file
from evidence.ingest.signatures import certificate_names, pdf_date_iso, read_annotations
from evidence.model import Page, Signature

sys.path.insert(0, str(Path(__file__).parent))
from pdf_fixtures import signed_letter


def _extract(path: Path) -> dict:
    docs = extract_file(path, ocr=OcrMode.NEVER)
    return docs[0].to_dict(include_text=True)


@pytest.mark.parametrize("nfd", [False, True], ids=["NFC", "NFD"])
def test_number_and_day_only_in_widgets(tmp_path: Path, nfd: bool) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", nfd=nfd))
    assert d["number"] == "1178"
    assert d["symbol"] == "1178/SNV-CCHC"
    assert d["date"] == "2025-11-17"
    assert d["doc_type"] == "CV"
    assert d["issuer"] == "Sở Nội vụ"
    assert d["signer"]["name"] == "Trần Thị Mai"
    assert "fallbacks" in d and "date" not in d["fallbacks"]
    assert [c["symbol"] for c in d["cited"]] == ["45/KH-UBND"]
    # the stamped number reads where it is drawn, on the Số line
    assert "Số: 1178 /SNV-CCHC" in d["text"][0]["text"]
    [sig] = d["signatures"]
    assert sig["name"] == "Sở Nội vụ"
    assert sig["org"] == "Ủy ban nhân dân tỉnh Hòa Bình"
    assert sig["time"] == "2025-11-17T09:30:15+07:00"
    assert sig["page"] == 1
    assert sig["stamp_text"] == "1178"
    assert sig["covers_whole_file"] is True
    x0, y0, x1, y1 = sig["box"]
    assert 0.1 < x0 < x1 < 0.25 and 0.08 < y0 < y1 < 0.13  # top left, over "Số:"


def test_bytes_appended_after_signing(tmp_path: Path) -> None:
    path = signed_letter(tmp_path / "cv.pdf")
    with path.open("ab") as fh:
        fh.write(b"\n% a later change\n")
    d = _extract(path)
    assert d["number"] == "1178"
    assert d["signatures"][0]["covers_whole_file"] is False


def test_blank_day_filled_from_the_issuing_body_signature(tmp_path: Path) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", day=""))
    assert d["date"] == "2025-11-17"
    assert d["fallbacks"]["date"].startswith("signature: Sở Nội vụ")


def test_printed_day_is_never_overridden(tmp_path: Path) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", day="20"))
    assert d["date"] == "2025-11-20"
    assert "date" not in d["fallbacks"]


def test_signing_day_of_another_month_is_not_used(tmp_path: Path) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", day="",
                               signed_at="D:20251203080000+07'00'"))
    assert d["date"] == "2025-11"
    assert "date" not in d["fallbacks"]


def test_certificate_of_another_person_is_a_conflict(tmp_path: Path) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", cert_name="Lê Văn Bình",
                               cert_org="Sở Nội vụ tỉnh Hòa Bình"))
    assert d["signer"]["name"] == "Trần Thị Mai"
    assert {"field": "signer", "reason": "conflict", "page": 1,
            "detail": "chứng thư chữ ký số: Lê Văn Bình"} in d["review"]
    same = _extract(signed_letter(tmp_path / "cv2.pdf", cert_name="Trần Thị Mai"))
    assert same["review"] == []


def test_signer_name_from_the_certificate_when_the_block_has_none(tmp_path: Path) -> None:
    d = _extract(signed_letter(tmp_path / "cv.pdf", signer="", cert_name="NGUYỄN VĂN AN"))
    assert d["signer"]["name"] == "Nguyễn Văn An"
    assert d["signer"]["position"] == "Phó Giám đốc"
    assert d["fallbacks"]["signer"] == "signature certificate: NGUYỄN VĂN AN"


def _pages(ocr: bool, stamp: str | None) -> list[Page]:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\nSố: 88/UBND-VP\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHòa Bình, ngày   tháng 6 năm 2025\n"
            "V/v rà soát thủ tục hành chính\nKính gửi: Các sở, ngành.\n")
    sig = Signature(name="Ủy ban nhân dân tỉnh Hòa Bình", time="2025-06-09T10:00:00+07:00",
                    page=1, stamp_text=stamp)
    return [Page(number=1, text=text, ocr=ocr, signatures=[sig])]


@pytest.mark.parametrize(("ocr", "stamp", "filled"), [
    (False, None, True),
    (True, None, False),  # a scan's signature is the copier's, not the issuer's
    (False, "SAO Y\nVăn phòng UBND tỉnh", False),  # a copy certification
])
def test_which_signatures_may_fill_the_day(ocr: bool, stamp: str | None, filled: bool) -> None:
    pages = _pages(ocr, stamp)
    f = extract_facts([p.text for p in pages], layout=pages)
    assert f.signatures == pages[0].signatures
    assert f.date == ("2025-06-09" if filled else "2025-06")
    assert ("date" in f.fallbacks) is filled


def test_pdf_dates() -> None:
    assert pdf_date_iso("D:20251215201821+07'00'") == "2025-12-15T20:18:21+07:00"
    assert pdf_date_iso("D:20250102030405Z") == "2025-01-02T03:04:05+00:00"
    assert pdf_date_iso("D:20250611") == "2025-06-11T00:00:00"
    assert pdf_date_iso("D:2025") is None
    assert pdf_date_iso("garbage") is None


def test_certificate_names_of_garbage() -> None:
    assert certificate_names(b"\x30\x03\x02\x01\x00") == (None, None)
    assert certificate_names(b"not cms") == (None, None)


@pytest.mark.parametrize("raw", [
    b"<>", b"<4e6f>", b"<4E 6f\n2D\t41>", b"<4e6>",  # spaced, odd last digit
    b"<" + b"30820a1f" * 3000 + b"00" * 500 + b">",  # a CMS blob longer than one read
])
def test_hex_strings_read_as_pdfminer_reads_them(raw: bytes) -> None:
    from evidence.ingest.signatures import _parser_class
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSEOF

    def tokens(parser: type) -> list[object]:
        p, out = parser(io.BytesIO(raw + b" /Next ")), []
        with contextlib.suppress(PSEOF):
            while True:
                out.append(p.nexttoken()[1])
        return out

    assert _parser_class() is not PDFParser  # pdfminer's hooks are still there
    assert tokens(_parser_class()) == tokens(PDFParser)


def test_a_picture_signature_is_read_without_interpreting_its_appearance(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from evidence.ingest.formats.pdf import _drawn_annotations

    path = signed_letter(tmp_path / "cv.pdf", picture=True)
    doc = pdfium.PdfDocument(path)
    try:
        drawn = _drawn_annotations(doc[0])
    finally:
        doc.close()
    assert drawn[1] is None  # the day widget draws text
    picture = drawn[0]
    assert picture is not None  # the signature draws none: pdfminer need not look
    d = _extract(path)
    assert d["date"] == "2025-11-17"
    assert d["number"] is None
    [sig] = d["signatures"]
    assert (sig["name"], sig["time"], sig["stamp_text"]) == (
        "Sở Nội vụ", "2025-11-17T09:30:15+07:00", None)
    # a rectangle pdfminer does not find at that index: the appearance is interpreted
    shifted = {1: {0: (picture[0] + 5, *picture[1:])}}
    assert read_annotations(path, [1], shifted)[1].signatures[0].stamp_text is None
    lettered = signed_letter(tmp_path / "cv2.pdf")
    assert read_annotations(lettered, [1], shifted)[1].signatures[0].stamp_text == "1178"
    assert read_annotations(lettered, [1], {1: {0: picture}})[1].signatures[0].stamp_text is None


def test_text_found_where_pdfium_saw_none_is_merged_all_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.ingest.formats import pdf

    path = signed_letter(tmp_path / "cv.pdf")
    # pdfium takes every appearance for a picture, at a rectangle pdfminer does not read
    monkeypatch.setattr(pdf, "_appearance_has_text", lambda annot: False)
    monkeypatch.setattr(pdf, "_annot_rect", lambda annot: (0.0, 0.0, 1.0, 1.0))
    d = _extract(path)
    assert "Số: 1178 /SNV-CCHC" in d["text"][0]["text"]
    assert d["date"] == "2025-11-17"
