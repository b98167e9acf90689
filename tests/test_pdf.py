"""PDF parsing: text path, NFC, legacy fonts, garbage layers, OCR fallback, bad input."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from evidence.errors import CorruptFile, EmptyFile, EncryptedFile, FailReason, FileError, TooLarge
from evidence.ingest.base import OcrMode, OcrResult, ParseOptions
from evidence.ingest.formats.pdf import page_images, parse, read_text_layer
from evidence.ingest.textlayer import is_born_digital_text, score_text

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

HEADER = (
    "ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Số: 160/KH-UBND\n"
    "Đức Thọ, ngày 15 tháng 02 năm 2023\n"
    "KẾ HOẠCH\n"
    "Kiểm tra công tác cải cách hành chính năm 2023\n"
)
BODY = (
    "Thực hiện Kế hoạch số 111/KH-UBND ngày 17/01/2023 của Ủy ban nhân dân huyện về cải "
    "cách hành chính năm 2023, Ủy ban nhân dân huyện ban hành kế hoạch kiểm tra như sau. "
    "Các phòng, ban chuyên môn và Ủy ban nhân dân các xã, thị trấn chuẩn bị hồ sơ, tài "
    "liệu kiểm chứng đầy đủ, báo cáo kết quả trước ngày 30 tháng 6 năm 2023.\n"
)
# A damaged ToUnicode layer in the style of the real files ("Số" -> "6ӕ", "CỘNG" -> "&Ӝ1*")
GARBAGE = (
    "UBND 7ӌ1+ +¬ 7Ƭ1+ &Ӝ1* H’A XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM\n"
    "ĈӝF OұS - 7ӵ do - +ҥQK ph˙c\n"
    "6ӕ /KH-UBND +¬ 7Ƭ1+, ng‡y th·ng 2 QăP 2023\n"
    ".Ӄ +2Ҥ&+ NLӇP tra F{QJ W¾F FҧL F¾FK K‡QK FKtQK\n"
    "7KӵF KLӋQ .Ӄ KRҥFK Vӕ 111/.+-8%1' ng‡y 17/01/2023 FӫD Ӫ\\ ban nh‚n d‚n KX\\ӋQ\n"
) * 3


def _fpdf():
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("DejaVuSans.ttf is not installed")
    pdf = fpdf.FPDF()
    pdf.add_font("dv", "", str(FONT))
    pdf.set_font("dv", size=11)
    return pdf


def _text_pdf(path: Path, pages: list[str]) -> Path:
    pdf = _fpdf()
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def _page_image(text: str, path: Path, size: tuple[int, int] = (1240, 1754)) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 28)
    y = 80
    for line in text.splitlines():
        draw.text((80, y), line, fill=0, font=font)
        y += 44
    img.save(path)
    return path


def _scan_pdf(path: Path, texts: list[str], tmp: Path) -> Path:
    pdf = _fpdf()
    for i, text in enumerate(texts):
        pdf.add_page()
        img = _page_image(text, tmp / f"scan-{i}.png")
        pdf.image(str(img), x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


class FakeEngine:
    """Answers OCR from a script, records the images it was shown (OCRmyPDF-style noop)."""

    def __init__(self, text: str = HEADER + BODY, confidence: float = 91.5) -> None:
        self.text = text
        self.confidence = confidence
        self.calls: list[tuple[int, int]] = []

    def __call__(self, image_path: Path) -> OcrResult:
        from PIL import Image

        with Image.open(image_path) as im:
            self.calls.append(im.size)
        return OcrResult(self.text, self.confidence, 0)


class ExplodingEngine:
    def __call__(self, image_path: Path) -> OcrResult:
        raise AssertionError("a text page must not be OCR'd")


def test_text_pdf_pages_nfc_no_ocr(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "kh.pdf", [HEADER + BODY, BODY, BODY + "Nơi nhận:\n- Như trên."])
    ticks: list[str] = []
    parsed = parse(path, ParseOptions(ocr_engine=ExplodingEngine(),
                                      progress=lambda what, n: ticks.append(what)))
    assert parsed.format == "pdf"
    assert [p.number for p in parsed.pages] == [1, 2, 3]
    assert not any(p.ocr for p in parsed.pages)
    first = parsed.pages[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Số: 160/KH-UBND" in first
    assert all(unicodedata.is_normalized("NFC", p.text) for p in parsed.pages)
    assert "Nơi nhận" in parsed.pages[2].text
    assert ticks == ["page"] * 3
    assert parsed.warnings == []


def test_nfd_text_layer_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", HEADER + BODY)
    path = _text_pdf(tmp_path / "nfd.pdf", [nfd])
    text = parse(path, ParseOptions(ocr=OcrMode.NEVER)).pages[0].text
    assert unicodedata.is_normalized("NFC", text)
    assert "Quyết" not in text  # sanity: the words below are the ones written
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Đức Thọ" in text


def test_scanned_pdf_is_ocrd_per_page(tmp_path: Path) -> None:
    path = _scan_pdf(tmp_path / "scan.pdf", [HEADER, BODY], tmp_path)
    engine = FakeEngine()
    ticks: list[str] = []
    parsed = parse(path, ParseOptions(ocr_engine=engine, dpi=100,
                                      progress=lambda what, n: ticks.append(what)))
    assert len(engine.calls) == 2
    # rendered at the requested dpi: A4 at 100 dpi is about 827 x 1169 pixels
    assert all(abs(w - 827) <= 2 and abs(h - 1169) <= 2 for w, h in engine.calls)
    assert all(p.ocr and p.confidence == 91.5 for p in parsed.pages)
    assert "Số: 160/KH-UBND" in parsed.pages[0].text
    assert parsed.ocr_pages == 2
    assert ticks.count("ocr_page") == 2


def test_scanned_pdf_with_ocr_never_has_no_text(tmp_path: Path) -> None:
    path = _scan_pdf(tmp_path / "scan.pdf", [HEADER], tmp_path)
    with pytest.raises(FileError) as err:
        parse(path, ParseOptions(ocr=OcrMode.NEVER, ocr_engine=ExplodingEngine()))
    assert err.value.reason is FailReason.NO_TEXT


def test_mixed_pdf_only_image_pages_ocrd(tmp_path: Path) -> None:
    pdf = _fpdf()
    pdf.add_page()
    pdf.multi_cell(0, 6, HEADER + BODY)
    pdf.add_page()
    pdf.image(str(_page_image(BODY, tmp_path / "p2.png")), x=0, y=0, w=210, h=297)
    pdf.add_page()  # blank page: nothing to OCR
    pdf.add_page()
    pdf.multi_cell(0, 6, BODY)
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    engine = FakeEngine(text=BODY, confidence=88.0)
    parsed = parse(path, ParseOptions(ocr_engine=engine, dpi=72))
    assert [p.ocr for p in parsed.pages] == [False, True, False, False]
    assert not parsed.pages[1].drawn  # the picture of a scan covers the page
    assert len(engine.calls) == 1
    assert parsed.pages[2].text == ""
    assert parsed.pages[1].confidence == 88.0


def test_ocr_always_ignores_text_layer(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "kh.pdf", [HEADER + BODY, BODY])
    engine = FakeEngine(text="văn bản đọc bằng OCR")
    parsed = parse(path, ParseOptions(ocr=OcrMode.ALWAYS, ocr_engine=engine, dpi=72))
    assert [p.text for p in parsed.pages] == ["văn bản đọc bằng OCR"] * 2
    assert all(p.ocr for p in parsed.pages)


def test_garbage_layer_is_replaced_by_ocr(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "garbled.pdf", [GARBAGE, HEADER + BODY])
    layer = read_text_layer(path)
    assert "6ӕ" in layer[0]
    assert not is_born_digital_text(layer[0])
    assert is_born_digital_text(layer[1])
    engine = FakeEngine()
    parsed = parse(path, ParseOptions(ocr_engine=engine, dpi=72))
    assert [p.ocr for p in parsed.pages] == [True, False]
    assert "CỘNG HÒA XÃ HỘI" in parsed.pages[0].text
    assert any("replaced by OCR" in w and "page 1" in w for w in parsed.warnings)
    # drawn from fonts, no scanned picture: what OCR reads there is type, never a pen
    assert parsed.pages[0].drawn


def test_poor_ocr_does_not_replace_a_clean_foreign_layer(tmp_path: Path) -> None:
    # a page of chemical names reads as "not Vietnamese", yet OCR cannot do better
    chemicals = "\n".join(f"{i}. Methyl ethyl ketone peroxide C4H8O2 {i}-{i + 3}-1"
                          for i in range(1, 25))
    path = _text_pdf(tmp_path / "chem.pdf", [chemicals])
    engine = FakeEngine(text=chemicals.replace("Methyl", "Mcthyl"), confidence=70.0)
    parsed = parse(path, ParseOptions(ocr_engine=engine, dpi=72))
    assert len(engine.calls) == 1
    assert not parsed.pages[0].ocr
    assert "Methyl ethyl ketone" in parsed.pages[0].text


def test_tcvn3_font_text_is_converted(tmp_path: Path) -> None:
    """A PDF typed in .VnTime: the layer holds TCVN3 bytes as Latin-1 letters (spec §6.4)."""
    tcvn3 = ("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n"
             "QuyÕt ®Þnh sè 870/Q§-UBND ngµy 10/5/2023\n"
             "Uû ban nh©n d©n huyÖn §øc Thä\n") * 2
    pdf = _fpdf()
    pdf.add_page()
    pdf.multi_cell(0, 6, tcvn3)
    data = bytes(pdf.output())
    name = re.search(rb"/BaseFont /[A-Z]{6}\+(\S+)", data)
    assert name is not None
    legacy_name = b".VnTime" + b"Regular"[: len(name.group(1)) - 7]
    assert len(legacy_name) == len(name.group(1))  # same length: xref offsets stay valid
    path = tmp_path / "vntime.pdf"
    path.write_bytes(data.replace(name.group(1), legacy_name))
    parsed = parse(path, ParseOptions(ocr_engine=ExplodingEngine()))
    text = parsed.pages[0].text
    assert parsed.warnings == ["page 1: legacy-font (TCVN3/VNI) text converted to Unicode"]
    assert "Cộng hoà xã hội chủ nghĩa Việt Nam" in text
    assert "Quyết định số 870/QĐ-UBND" in text
    assert "Uỷ ban nhân dân huyện Đức Thọ" in text


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = _fpdf()
    pdf.set_encryption(owner_password="chu-so-huu", user_password="mat-khau")
    pdf.add_page()
    pdf.multi_cell(0, 6, HEADER)
    path = tmp_path / "enc.pdf"
    pdf.output(str(path))
    with pytest.raises(EncryptedFile) as err:
        parse(path, ParseOptions())
    assert err.value.reason is FailReason.ENCRYPTED
    assert str(path) in err.value.one_line()


def test_owner_password_only_pdf_is_readable(tmp_path: Path) -> None:
    pdf = _fpdf()
    pdf.set_encryption(owner_password="chu-so-huu")
    pdf.add_page()
    pdf.multi_cell(0, 6, HEADER + BODY)
    path = tmp_path / "perm.pdf"
    pdf.output(str(path))
    assert "Số: 160/KH-UBND" in parse(path, ParseOptions()).pages[0].text


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_truncated_pdf(tmp_path: Path, cut: float) -> None:
    full = _text_pdf(tmp_path / "full.pdf", [HEADER + BODY] * 3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(full[: int(len(full) * cut)])
    with pytest.raises(CorruptFile) as err:
        parse(path, ParseOptions())
    assert err.value.reason is FailReason.TRUNCATED
    assert "\n" not in err.value.one_line()


def test_corrupt_and_empty_pdf(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n")
    with pytest.raises(CorruptFile) as err:
        parse(junk, ParseOptions())
    assert err.value.reason is FailReason.CORRUPT
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        parse(empty, ParseOptions())


def test_too_many_pages(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "long.pdf", [BODY] * 4)
    with pytest.raises(TooLarge):
        parse(path, ParseOptions(max_pages=3))


def test_page_images_render_grayscale(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "kh.pdf", [HEADER, BODY])
    images = page_images(path, tmp_path, dpi=50, pages=[2])
    from PIL import Image

    assert [p.name for p in images] == ["page-0002.pgm"]
    with Image.open(images[0]) as im:
        assert im.mode == "L"
        assert abs(im.width - 413) <= 2


@pytest.mark.shared
def test_real_garbage_layers_detected(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "realfiles"
    checked = garbled = 0
    for sidecar in sorted(folder.glob("*.pdf.json")):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        pages = read_text_layer(folder / meta["file"])
        if meta.get("text_layer_garbled") or "GARBLED" in str(meta.get("text_layer")):
            garbled += 1
            assert not any(is_born_digital_text(t) for t in pages), meta["file"]
        elif meta.get("scanned"):
            assert not any(is_born_digital_text(t) for t in pages), meta["file"]
        else:
            # a real text layer is used as is, unless it is an old OCR layer made without
            # Vietnamese (no diacritics at all), which is OCR'd again
            for t in pages:
                score = score_text(t)
                assert is_born_digital_text(t) or score.diacritic_rate < 0.05, meta["file"]
        checked += 1
    assert checked == 20 and garbled >= 5  # the README counts 6; 5 sidecars say so


@pytest.mark.slow
def test_real_tesseract_reads_a_scanned_pdf(tmp_path: Path, tesseract: str) -> None:
    path = _scan_pdf(tmp_path / "scan.pdf", [HEADER], tmp_path)
    parsed = parse(path, ParseOptions(dpi=150))
    page = parsed.pages[0]
    assert page.ocr and page.confidence is not None and page.confidence > 60
    from evidence.extract.normalize import fold

    assert "cong hoa xa hoi chu nghia viet nam" in fold(page.text)
    assert "160/kh-ubnd" in fold(page.text)


class MissingTesseract:
    """Like the pipeline's lazy engine when Tesseract is not installed."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, image_path: Path) -> OcrResult:
        from evidence.errors import OcrUnavailable

        self.calls += 1
        raise OcrUnavailable("tesseract is not installed; install it with: apt-get ...")


def test_missing_ocr_keeps_text_pages_and_fails_pure_scans(tmp_path: Path) -> None:
    from evidence.errors import OcrUnavailable

    pdf = _fpdf()
    pdf.add_page()
    pdf.multi_cell(0, 6, HEADER + BODY)
    for name in ("a", "b"):
        pdf.add_page()
        pdf.image(str(_page_image(BODY, tmp_path / f"{name}.png")), x=0, y=0, w=210, h=297)
    mixed = tmp_path / "mixed.pdf"
    pdf.output(str(mixed))
    engine = MissingTesseract()
    parsed = parse(mixed, ParseOptions(ocr_engine=engine, dpi=50))
    assert engine.calls == 1  # not retried page after page
    assert "Số: 160/KH-UBND" in parsed.pages[0].text
    assert parsed.warnings == ["pages 2-3: need OCR but Tesseract is unavailable"]

    scan = _scan_pdf(tmp_path / "scan.pdf", [HEADER], tmp_path)
    with pytest.raises(OcrUnavailable) as err:
        parse(scan, ParseOptions(ocr_engine=MissingTesseract(), dpi=50))
    assert err.value.subject == str(scan)


def test_legacy_heading_on_an_otherwise_unicode_page(tmp_path: Path) -> None:
    """A .VnTimeH heading on a Unicode page: the page reads well, the heading is converted."""
    fpdf = pytest.importorskip("fpdf")
    if not FONT.exists():
        pytest.skip("DejaVuSans.ttf is not installed")
    bold = FONT.with_name("DejaVuSans-Bold.ttf")
    if not bold.exists():
        pytest.skip("DejaVuSans-Bold.ttf is not installed")
    pdf = fpdf.FPDF()
    pdf.add_font("dv", "", str(FONT))
    pdf.add_font("dvb", "", str(bold))
    pdf.add_page()
    pdf.set_font("dvb", size=11)
    # TCVN3 lower-case codes, drawn as capitals by the H font
    pdf.multi_cell(0, 6, "ñy ban nh©n d©n huyÖn ®øc thä", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dv", size=11)
    pdf.multi_cell(0, 6, BODY * 2)
    data = bytes(pdf.output())
    names = re.findall(rb"/BaseFont /[A-Z]{6}\+(\S+)", data)
    heading = next(n for n in names if b"Bold" in n)
    # a real capital font name of the same length (xref offsets stay valid)
    candidates = [b".VnTimeH", b".VnArialH", b".VnTimeH,B", b".VnArialH,B", b".VnHelvetInsH",
                  b".VnTimeH,Bold", b".VnArialH,Bold", b".VnHelvetInsH,B", b".VnHelvetInsH,BI"]
    legacy = next(c for c in candidates if len(c) == len(heading))
    path = tmp_path / "heading.pdf"
    path.write_bytes(data.replace(heading, legacy))
    text = parse(path, ParseOptions(ocr_engine=ExplodingEngine())).pages[0].text
    assert "ỦY BAN NHÂN DÂN HUYỆN ĐỨC THỌ" in text
    assert "Thực hiện Kế hoạch số 111/KH-UBND" in text


def test_scanned_pages_ocrd_two_at_a_time_on_a_spare_cpu(tmp_path: Path) -> None:
    """An idle worker's CPU slot (ingest.cpu) lets a long scan's pages be OCR'd in two
    threads; the pages come back in order, each with its own reading."""
    import threading
    import time

    from evidence.ingest.cpu import CpuSlots

    texts = [HEADER, BODY, BODY.upper(), HEADER.lower()]
    path = _scan_pdf(tmp_path / "scan.pdf", texts, tmp_path)
    (tmp_path / "slots").mkdir()
    slots = CpuSlots.create(tmp_path / "slots", 2).for_worker(0)
    lock, running, most = threading.Lock(), [0], [0]

    class Engine:
        def __call__(self, image_path: Path) -> OcrResult:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.2)
            with lock:
                running[0] -= 1
            return OcrResult(image_path.stem, 90.0, 0)  # page-0003: the page it was shown

    ticks: list[str] = []
    parsed = parse(path, ParseOptions(ocr_engine=Engine(), dpi=72, spare_cpu=slots,
                                      progress=lambda what, n: ticks.append(what)))
    assert [p.number for p in parsed.pages] == [1, 2, 3, 4]
    assert [p.text for p in parsed.pages] == [f"page-{n:04d}" for n in range(1, 5)]
    assert most[0] == 2
    assert ticks.count("ocr_page") == 4 and ticks.count("page") == 4


def test_words_a_text_layer_glued_are_parted(tmp_path: Path) -> None:
    """A layer drawn glyph by glyph with no space character and narrow white between words:
    pdfium reads "SỞVĂNHÓA,THỂTHAO…"; the words come back where they spell Vietnamese
    syllables, the white deciding between readings (các hành / cách ành), and codes,
    numbers and foreign words stay as they are."""
    from tests.pdf_fixtures import glyph_pdf

    lines = ["ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
             "tổ chức thực hiện các hành động", "Số: 892/SVHTTDL-VP Department"]
    path = glyph_pdf(tmp_path / "glued.pdf", lines)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    raw = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "SỞVĂNHÓA,THỂTHAOVÀDULỊCH" in raw  # the damage the fixture makes
    text = parse(path, ParseOptions(ocr=OcrMode.NEVER)).pages[0].text
    got = [line.strip() for line in text.splitlines()]
    assert got[:3] == lines[:3]
    assert got[3] == "Số:892/SVHTTDL-VPDepartment"  # no syllables there: left as read


def test_syllable_readings_of_a_glued_word() -> None:
    from evidence.extract.syllables import splits

    assert splits("SỞVĂNHÓA") == [(2, 5)]  # not "SỞ VĂ NHÓA" nor "SỞ VĂNH ÓA"
    assert splits("trongviệc") == [(5,)]
    assert set(splits("thựchiện")) == {(3,), (4,)}  # thự chiện / thực hiện: ambiguous
    assert splits("Department") == splits("SVHTTDL") == splits("Nguyễn") == []


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_lost_spaces_in_a_decomposed_layer(form: str) -> None:
    """An NFD layer (letters, then their combining marks) is cut between letters, never
    between a letter and its marks; a whole syllable (``Huyện``) is never cut."""
    from evidence.ingest.textlayer import lost_spaces

    text = unicodedata.normalize(form, "TT Huyện ủy, SỞVĂNHÓA và trongviệc Department")
    for k in reversed(lost_spaces(text, lambda i: None)):
        text = text[:k] + " " + text[k:]
    assert unicodedata.normalize("NFC", text) == "TT Huyện ủy, SỞ VĂN HÓA và trong việc Department"
