"""Text layers that read clean but are not: fonts that lose letters, WinAnsi mojibake, and
signed scans whose layer holds only the signature stamp. Fixture PDFs built with fpdf2/pypdf."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from evidence.ingest.base import OcrMode, OcrResult, ParseOptions
from evidence.ingest.formats.pdf import parse
from evidence.ingest.textlayer import drops_letters, is_born_digital_text

sys.path.insert(0, str(Path(__file__).parent))
from pdf_fixtures import text_pdf

LETTER = [
    "SỞ NỘI VỤ TỈNH HÒA BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc", "Số: 77/SNV-TCBC", "Hòa Bình, ngày 04 tháng 3 năm 2025",
    "V/v hướng dẫn sáp nhập các hội có phạm vi hoạt động trong tỉnh",
    "Căn cứ Nghị định số 126/2024/NĐ-CP ngày 08/10/2024 của Chính phủ về tổ chức,",
    "hoạt động và quản lý hội; Sở Nội vụ hướng dẫn các hội như sau.",
]


class Engine:
    def __init__(self, text: str) -> None:
        self.text, self.calls = text, 0

    def __call__(self, image_path: Path) -> OcrResult:
        self.calls += 1
        return OcrResult(self.text, 91.0)


def _drop_glyph(path: Path, char: str) -> Path:
    """Remove one character's entry from the font's ToUnicode map (as broken producers
    write it): pdfium then drops that glyph from the text."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(path)))
    code = f"<{ord(char):04X}>"
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_object()
            lines = cmap.get_data().decode().splitlines()
            kept = [x for x in lines if not x.rstrip().endswith(code)]
            m = re.search(r"(\d+) beginbfchar", "\n".join(kept))
            assert m is not None
            count = int(m.group(1)) - (len(lines) - len(kept))
            cmap.set_data("\n".join(kept).replace(m.group(0), f"{count} beginbfchar").encode())
    out = path.with_name("broken-" + path.name)
    writer.write(str(out))
    return out


@pytest.mark.parametrize("nfd", [False, True], ids=["NFC", "NFD"])
def test_font_that_loses_capitals_is_ocrd(tmp_path: Path, nfd: bool) -> None:
    clean = text_pdf(tmp_path / "cv.pdf", [LETTER, LETTER[5:]], nfd=nfd)
    engine = Engine("\n".join(LETTER))
    kept = parse(clean, ParseOptions(ocr_engine=engine))
    assert engine.calls == 0 and not any(p.ocr for p in kept.pages)
    assert "Sở Nội vụ" in kept.pages[0].text

    broken = _drop_glyph(clean, "N")
    layer = parse(broken, ParseOptions(ocr=OcrMode.NEVER)).pages[0].text
    # pdfium drops the glyph or gives its raw code ("Sở ội vụ", "Sở \x05ội vụ")
    assert "Nội" not in layer and "NĐ-CP" not in layer and "Sở" in layer
    assert is_born_digital_text(layer)  # reads as clean Vietnamese ...
    assert drops_letters(layer)  # ... yet letters are gone
    pf = parse(broken, ParseOptions(ocr_engine=engine))
    assert engine.calls == 2 and all(p.ocr for p in pf.pages)  # every page: the same font
    assert pf.pages[0].text == unicodedata.normalize("NFC", "\n".join(LETTER))
    assert any("loses letters" in w for w in pf.warnings)


def test_drops_letters_probes() -> None:
    assert drops_letters("CỘG HÒA XÃ HỘI CHỦ GHĨA VIỆT AM\nĐộc lập - Tự do - Hạnh phúc")
    assert drops_letters("Độc lập - Tự do - ạnh phúc")
    assert not drops_letters("\n".join(LETTER))
    assert not drops_letters("CỘNG HOÀ XÁ HỌI CHU NGHĨA VIÊT NAM")  # OCR slips: other tests
    # the country's name in prose, cut by a line break, is not the motto
    assert not drops_letters("giữa Chính phủ nước Cộng\nhòa xã hội chủ nghĩa Việt Nam và")


def _mojibake(text: str) -> str:
    """Our own WinAnsi mojibake: Vietnamese letters outside cp1252 drawn as other Latin-1
    letters, as a font with its own encoding declared WinAnsi comes out."""
    table = str.maketrans({"Ộ": "Ø", "ộ": "ø", "ố": "Ñ", "ự": "ñ", "ệ": "Ç", "ị": "Ï",
                           "ở": "Û", "ủ": "ç", "ạ": "Â", "ấ": "Ä", "ớ": "Ö"})
    return text.translate(table)


def test_winansi_mojibake_is_not_usable() -> None:
    page = "\n".join(LETTER) + "\nCác hội thực hiện đúng quy định về tổ chức đại hội nhiệm kỳ."
    assert is_born_digital_text(page)
    assert not is_born_digital_text(_mojibake(page))
    # a few foreign names in a clean page do not make it mojibake
    assert is_born_digital_text(page + "\nĐoàn chuyên gia: José Muñoz, Peña Nieto.")


def test_signed_scan_with_only_the_stamp_in_its_layer_is_ocrd(tmp_path: Path) -> None:
    stamp = ["Ký bởi: Sở Nội vụ tỉnh Hòa Bình", "Email: snv@hoabinh.gov.vn",
             "Cơ quan: Ủy ban nhân dân tỉnh Hòa Bình", "Ngày ký: 13-11-2025 14:01:26 +07:00"]
    path = text_pdf(tmp_path / "scan.pdf", [stamp])
    engine = Engine("\n".join(LETTER))
    pf = parse(path, ParseOptions(ocr_engine=engine))
    assert engine.calls == 1 and pf.pages[0].ocr
    assert pf.pages[0].text.startswith("SỞ NỘI VỤ")
