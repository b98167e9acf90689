"""Scanned pages built here (tests/scanpages.py), read by real Tesseract end to end:
a red seal over the signer's title, blue handwriting in the number and day blanks, a
100 ppi scan in a PDF, a grey, slightly turned phone photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence.extract import extract_facts
from evidence.ingest.base import ParsedFile, ParseOptions
from evidence.ingest.ocr import TesseractEngine
from evidence.model import Facts

from tests.conftest import have_tesseract_vie
from tests.scanpages import Letter, have_fonts, letter_page, low_resolution, phone_photo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_tesseract_vie(), reason="tesseract with vie is not installed"),
    pytest.mark.skipif(not have_fonts(), reason="DejaVu fonts are not installed"),
]


def _facts(parsed: ParsedFile) -> Facts:
    return extract_facts([p.text for p in parsed.pages], filename=parsed.path.name,
                         layout=parsed.pages)


def _assert_printed_letter(facts: Facts) -> None:
    assert (facts.number, facts.symbol) == ("125", "125/SNV-TCBC")
    assert facts.date == "2025-03-14"
    assert facts.issuer == "Sở Nội vụ"
    assert facts.signer is not None and facts.signer.name == "Nguyễn Văn Bình"
    assert facts.review == []


def test_red_seal_over_the_title_and_handwritten_number_and_day(tmp_path: Path) -> None:
    from evidence.ingest.formats.image import parse

    path = tmp_path / "to-trinh-dong-dau.png"
    letter_page(Letter(number=None, day=None), seal=True, hand_number="347",
                hand_day="21").save(path)
    parsed = parse(path, ParseOptions())
    page = parsed.pages[0]
    kinds = sorted((m.kind, m.color) for m in page.ink)
    assert kinds == [("pen", "blue"), ("pen", "blue"), ("seal", "red")]
    facts = _facts(parsed)
    # the title under the seal is read (Tesseract alone loses both lines)
    assert facts.signer is not None
    assert (facts.signer.authority, facts.signer.position) == ("KT.", "Phó Giám đốc")
    assert facts.signer.name == "Nguyễn Văn Bình"
    # a number and a day written by hand are not trusted, whatever OCR made of them
    assert facts.number is None and facts.symbol == "/SNV-TCBC"
    assert facts.date == "2025-03"
    assert {(r.field, r.reason) for r in facts.review} == {("number", "handwritten"),
                                                          ("date", "handwritten")}
    assert facts.issuer == "Sở Nội vụ"
    # OCR'd fields point at the page
    box = facts.provenance["signer"].box
    assert box is not None and 0.5 < box[0] < box[2] < 0.9 and box[1] > 0.5


def test_100_ppi_scan_in_a_pdf_is_upscaled_and_read(tmp_path: Path) -> None:
    from evidence.ingest.formats.pdf import parse

    path = tmp_path / "scan-100ppi.pdf"
    low_resolution(letter_page(), 100).save(path, resolution=100)
    engine_sizes: list[tuple[int, int]] = []
    from evidence.ingest.ocr import default_engine

    engine = default_engine()

    def spy(image: Path):  # type: ignore[no-untyped-def]
        from PIL import Image

        with Image.open(image) as im:
            engine_sizes.append(im.size)
        return engine(image)

    parsed = parse(path, ParseOptions(ocr_engine=spy))
    # 827 pixels across an A4 page: brought to about 300 dpi before OCR
    ((w, _h),) = engine_sizes
    assert 2400 <= w <= 2560
    _assert_printed_letter(_facts(parsed))


def test_grey_turned_phone_photo_is_flattened_and_read(tmp_path: Path) -> None:
    from evidence.ingest.formats.image import parse

    path = tmp_path / "IMG_2041.JPG"
    phone_photo(letter_page()).save(path, quality=85, dpi=(72, 72))
    parsed = parse(path, ParseOptions())
    assert parsed.pages[0].ink == []
    _assert_printed_letter(_facts(parsed))


def test_signature_across_the_name_never_gives_a_wrong_signer(tmp_path: Path) -> None:
    from evidence.ingest.formats.image import parse

    path = tmp_path / "cong-van-ky-tay.png"
    letter_page(Letter(), seal=True, signature=True).save(path)
    facts = _facts(parse(path, ParseOptions()))
    assert facts.signer is not None
    assert (facts.signer.authority, facts.signer.position) == ("KT.", "Phó Giám đốc")
    # the name is read, or left empty with a review entry: never a wrong one
    if facts.signer.name is None:
        assert ("signer", "low_confidence") in {(r.field, r.reason) for r in facts.review}
    else:
        assert facts.signer.name == "Nguyễn Văn Bình"


@pytest.mark.parametrize("gap", [45, 20])
def test_a_header_whose_column_gap_is_narrow_is_read_per_column(tmp_path: Path,
                                                               gap: int) -> None:
    from evidence.ingest.formats.image import parse

    # the committee's long name ends a word space or two before the motto: Tesseract
    # reads both as one line
    path = tmp_path / "cong-van-tieu-de-sat.png"
    letter = Letter(issuer=("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "SỞ NỘI VỤ"))
    letter_page(letter, header_gap=gap).save(path)
    parsed = parse(path, ParseOptions(ocr_engine=TesseractEngine(header_pass=False)))
    text = parsed.pages[0].text
    assert text.startswith("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\nSỞ NỘI VỤ\n")
    assert "\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" in text
    facts = _facts(parsed)
    assert facts.parent_issuer == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    _assert_printed_letter(facts)


def test_a_scanned_pdf_whose_header_columns_tesseract_runs_together(tmp_path: Path,
                                                                     home: Path) -> None:
    """``evidence extract`` on a 200 ppi image-only PDF whose committee line ends a word
    space from the motto: bare Tesseract reads both as one line (checked here, so the
    fixture stays what it claims); the layout parts them where the motto starts."""
    import json
    import subprocess

    from click.testing import CliRunner
    from evidence.cli import cli

    letter = Letter(issuer=("ỦY BAN NHÂN DÂN HUYỆN CẨM XUYÊN", "PHÒNG NỘI VỤ"),
                    number="86", suffix="/PNV-TCCB", place="Cẩm Xuyên", day="9", month="10",
                    year="2025", subject=("V/v rà soát hồ sơ cán bộ, công chức",
                                          "cấp xã năm 2025"))
    page = low_resolution(letter_page(letter, header_gap=20), 200)
    png, pdf = tmp_path / "trang.png", tmp_path / "cong-van-86-scan.pdf"
    page.save(png)
    page.save(pdf, resolution=200)
    bare = subprocess.run(["tesseract", str(png), "stdout", "-l", "vie", "--psm", "3"],
                          capture_output=True, text=True, check=True).stdout
    assert any("CẨM XUYÊN CỘNG HÒA" in line for line in bare.splitlines())

    r = CliRunner().invoke(cli, ["extract", "--json", "--text", str(pdf)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    lines = doc["text"][0]["text"].splitlines()
    assert lines[:2] == ["ỦY BAN NHÂN DÂN HUYỆN CẨM XUYÊN", "PHÒNG NỘI VỤ"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert (doc["issuer"], doc["parent_issuer"]) == ("Phòng Nội vụ",
                                                     "Ủy ban nhân dân huyện Cẩm Xuyên")
    assert (doc["number"], doc["symbol"]) == ("86", "86/PNV-TCCB")
    assert doc["date"] == "2025-10-09"
    assert doc["doc_type"] == "CV" and doc["review"] == []
    assert not home.exists()  # extract touches no store


def test_a_grey_textured_sheet_in_a_white_frame_is_flattened(tmp_path: Path) -> None:
    # a scanning app's page: the frame is white, so is the 90th percentile, the sheet not
    import numpy as np
    from evidence.ingest.formats.image import parse
    from evidence.ingest.ink import PAPER_WHITE, prepare_page

    from tests.scanpages import app_scan

    img = app_scan(letter_page())
    prepared = prepare_page(img, (8.27 * 7 / 6, 11.69 * 7 / 6), dpi=300).image
    a = np.asarray(prepared.convert("L"))
    h, w = a.shape
    sheet = a[h // 8: h // 4, w // 8: w // 2]  # top left of the sheet, print and paper
    assert np.percentile(sheet, 50) >= PAPER_WHITE  # the paper turned white
    assert np.percentile(sheet, 1) < 100  # the print still dark
    path = tmp_path / "scan-app.png"
    img.save(path)
    _assert_printed_letter(_facts(parse(path, ParseOptions())))
