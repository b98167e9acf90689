"""Tesseract engine: availability errors, confidences, stderr logging, cache, real runs."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from evidence.errors import FailReason, FileError, OcrUnavailable
from evidence.extract.normalize import fold
from evidence.ingest import ocr as ocr_mod
from evidence.ingest.base import OcrResult
from evidence.ingest.layout import parse_tsv
from evidence.ingest.ocr import OcrCache, TesseractEngine, _log_stderr, from_tsv
from evidence.ingest.textlayer import is_born_digital_text, score_text, text_quality

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
    "4\t1\t1\t1\t1\t0\t200\t280\t2000\t60\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t200\t280\t180\t60\t96.5\tCỘNG\n"
    "5\t1\t1\t1\t1\t2\t400\t280\t150\t60\t93.5\tHÒA\n"
    "5\t1\t1\t1\t1\t3\t560\t280\t20\t60\t12.0\t \n"
    "5\t1\t1\t1\t1\t4\t600\t280\t90\t60\t81.0\t\"Xã\n"
)


def test_tsv_words_skip_structure_and_blank_words() -> None:
    words, size = parse_tsv(TSV)
    assert [w.conf for w in words] == [96.5, 93.5, 81.0]
    assert size == (2480, 3508)
    assert parse_tsv("") == ([], (0, 0))
    result = from_tsv(TSV, (0, 0))
    assert result.text == 'CỘNG HÒA "Xã'
    assert result.confidence == round((96.5 + 93.5 + 81.0) / 3, 2)
    assert [result.text[w.start:w.end] for w in result.words] == ["CỘNG", "HÒA", '"Xã']
    assert result.words[0].box == [round(200 / 2480, 4), round(280 / 3508, 4),
                                   round(380 / 2480, 4), round(340 / 3508, 4)]


def test_missing_binary_names_the_apt_line() -> None:
    with pytest.raises(OcrUnavailable) as err:
        TesseractEngine(binary="khong-co-tesseract-o-day")
    assert "apt-get install" in err.value.message
    assert "tesseract-ocr-vie" in err.value.message
    assert err.value.reason is FailReason.OCR_UNAVAILABLE


def test_missing_language_names_the_apt_line(tesseract: str) -> None:
    with pytest.raises(OcrUnavailable) as err:
        TesseractEngine(lang="vie+zzz")
    assert "zzz" in err.value.message and "apt-get install" in err.value.message


def test_stderr_lines_become_log_levels(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="evidence.ingest.ocr"):
        _log_stderr("Estimating resolution as 300\nError in pixReadStream: bad\n"
                    "Detected 12 diacritics\nsomething new\n", Path("a.png"))
    levels = {r.getMessage().split("tesseract: ")[1]: r.levelno for r in caplog.records}
    assert levels == {
        "Estimating resolution as 300": logging.DEBUG,
        "Error in pixReadStream: bad": logging.ERROR,
        "Detected 12 diacritics": logging.DEBUG,
        "something new": logging.INFO,
    }
    assert all("a.png" in r.getMessage() for r in caplog.records)


def test_cache_round_trip_and_engine_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             tesseract: str) -> None:
    cache = OcrCache(tmp_path / "cache")
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, OcrResult("Ủy ban nhân dân", 90.0, 180))
    assert cache.get("ab" * 32) == OcrResult("Ủy ban nhân dân", 90.0, 180)

    engine = TesseractEngine(cache=cache)
    calls: list[Path] = []

    def fake_ocr(path: Path) -> OcrResult:
        calls.append(path)
        return OcrResult("Số: 38/TB-UBND", 88.0, 0)

    monkeypatch.setattr(engine, "_ocr", fake_ocr)
    img = tmp_path / "page.png"
    img.write_bytes(b"not really an image, only hashed")
    assert engine(img).text == "Số: 38/TB-UBND"
    assert engine(img).text == "Số: 38/TB-UBND"
    assert len(calls) == 1


def test_default_engine_is_tesseract_vie(tesseract: str, tmp_path: Path) -> None:
    engine = ocr_mod.default_engine(tmp_path / "c")
    assert isinstance(engine, TesseractEngine)
    assert engine.lang == "vie"
    assert engine.cache is not None


def test_scores_synthetic_garbage_low_and_clean_text_high() -> None:
    garbage = ("&Ӝ1* HÒA XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM ĈӝF OұS - 7ӵ do - +ҥQK ph˙c "
               "6ӕ /QĈ-UBND L‡o Cai, ng‡y th·ng 5 QăP 2023 .Ӄ KRҥFK Vӕ 12 FӫD Ӫ\\ ban")
    foreign_ocr = ("CQNG HOA XA HQI CHU NGHIA VIET NAM DQc l6p - Tg do - H4nh phtc "
                   "S6: /QD-UBND Tr6n co sd <16 nghi cta C6ng ty c6 phAn ngiry 2510612026 "
                   "v6 viQc biio crio ktit quA kh6c phgc c6c tdn tai")
    clean = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
             "Số: 05/CT-UBND Hà Tĩnh, ngày 17 tháng 4 năm 2023 CHỈ THỊ Về đẩy mạnh "
             "thực hiện Chương trình tổng thể cải cách hành chính nhà nước")
    assert text_quality(garbage) < 0.2
    assert text_quality(foreign_ocr) < 0.3
    assert text_quality(clean) > 0.9
    assert not is_born_digital_text(garbage)
    assert not is_born_digital_text(foreign_ocr)
    assert is_born_digital_text(clean)
    assert not is_born_digital_text("12")  # a page number is too little text
    assert score_text(garbage).foreign_rate > 0.05
    # "ƣ" for "ư" (a broken but readable font mapping) is repaired, not garbage
    assert is_born_digital_text(clean.replace("ư", "ƣ"))


def _render(text: str, path: Path, angle: int = 0) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    if not FONT.exists():
        pytest.skip("DejaVuSans.ttf is not installed")
    img = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(text.splitlines()):
        draw.text((60, 60 + i * 70), line, fill=0, font=font)
    img.rotate(angle, expand=True, fillcolor=255).save(path)
    return path


PAGE = ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n"
        "Số: 05/CT-UBND\n"
        "Hà Tĩnh, ngày 17 tháng 4 năm 2023\n"
        "CHỈ THỊ về đẩy mạnh cải cách hành chính\n"
        "Các sở, ban, ngành thực hiện nghiêm túc nội dung.\n")


@pytest.mark.slow
def test_real_tesseract_reads_vietnamese(tmp_path: Path, tesseract: str) -> None:
    result = TesseractEngine()(_render(PAGE, tmp_path / "p.png"))
    assert result.rotation == 0
    assert result.confidence is not None and result.confidence > 70
    folded = fold(result.text)
    assert "cong hoa xa hoi chu nghia viet nam" in folded
    assert "05/ct-ubnd" in folded


@pytest.mark.slow
@pytest.mark.parametrize("angle", [180, 90])
def test_real_tesseract_turns_rotated_scans(tmp_path: Path, tesseract: str, angle: int) -> None:
    result = TesseractEngine()(_render(PAGE, tmp_path / "r.png", angle=angle))
    # PIL turned the page counter-clockwise; reading it needs the same angle clockwise
    assert result.rotation == angle
    assert "cong hoa xa hoi chu nghia viet nam" in fold(result.text)


@pytest.mark.slow
def test_real_tesseract_timeout_is_a_file_error(tmp_path: Path, tesseract: str) -> None:
    engine = TesseractEngine(timeout=0.01)
    with pytest.raises(FileError) as err:
        engine(_render(PAGE, tmp_path / "p.png"))
    assert err.value.reason is FailReason.TIMEOUT


def test_low_confidence_page_is_checked_for_rotation_blank_page_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tesseract: str) -> None:
    from evidence.model import Word

    def words(text: str, conf: float) -> tuple[Word, ...]:
        return tuple(Word(w, conf, [0.1, 0.1, 0.2, 0.12]) for w in text.split())

    engine = TesseractEngine()
    upright = OcrResult("ỦY BAN NHÂN DÂN", 91.0, 0, words("ỦY BAN NHÂN DÂN", 91.0))
    reads = iter([OcrResult("", None), OcrResult("ỦY BAN", 35.0, 0, words("ỦY BAN", 35.0)),
                  upright])
    monkeypatch.setattr(engine, "_read", lambda path, psm: next(reads))
    checked: list[Path] = []

    def orientation(path: Path, tmp: Path) -> int:
        checked.append(path)
        return 180

    monkeypatch.setattr(engine, "_orientation", orientation)
    img = _render("x", tmp_path / "p.png")
    assert engine(img) == OcrResult("", None, 0)  # blank: no OSD run
    assert checked == []
    assert engine(img) == OcrResult("ỦY BAN NHÂN DÂN", 91.0, 180, upright.words)
    assert checked == [img]


def test_header_band_is_read_again_when_the_first_pass_lost_its_fields(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tesseract: str) -> None:
    from PIL import Image

    from tests.test_layout import H, W, _header_words, _tsv

    words = _header_words()
    # the first pass lost the issuer's unit line and garbled the number
    lost = [w for w in words if w.text not in ("SỞ", "NỘI", "VỤ")]
    lost = [replace(w, text="l2S/SNV-TCBC", conf=40) if w.text == "125/SNV-TCBC" else w
            for w in lost]
    img = tmp_path / "page.png"
    Image.new("L", (W, H), 255).save(img)
    engine = TesseractEngine(cache=OcrCache(tmp_path / "cache"))
    monkeypatch.setattr(engine, "_ocr", lambda path: from_tsv(_tsv(lost), (W, H)))
    runs: list[list[str]] = []

    def fake_run(args: list[str], image_path: Path, **_kw: object) -> str:
        # the second reading: the crops stacked in one image, read as one block
        runs.append(args)
        with Image.open(args[0]) as stack:
            assert stack.size[0] < W
        band = ocr_mod.header_band(lost, (W, H))
        assert band is not None
        left, right = band
        below = left[3] - left[1] + max(8, (left[3] - left[1]) // 10)
        again = [replace(w, left=w.left - left[0], top=w.top - left[1]) for w in words
                 if w.right <= left[2] and w.top < left[3]]
        again += [replace(w, left=w.left - right[0], top=w.top - right[1] + below) for w in words
                  if w.left >= right[0] and w.top < right[3]]
        Path(args[1] + ".tsv").write_text(_tsv(again), encoding="utf-8")
        return ""

    monkeypatch.setattr(engine, "_run", fake_run)
    result = engine(img)
    assert "SỞ NỘI VỤ" in result.text and "Số: 125/SNV-TCBC" in result.text
    assert runs and runs[0][-3:] == ["--psm", "6", "tsv"]
    # the second reading is cached with the first: no Tesseract run the next time
    assert engine(img).text == result.text and len(runs) == 1
    # a full header (number, date, issuer) is not read again
    full = TesseractEngine(header_pass=True)
    monkeypatch.setattr(full, "_ocr", lambda path: from_tsv(_tsv(words), (W, H)))
    monkeypatch.setattr(full, "_run", fake_run)
    assert "SỞ NỘI VỤ" in full(img).text and len(runs) == 1


def test_a_page_without_any_header_is_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that continues a document (body text, no Số line, date, issuer or motto)
    costs one Tesseract pass, not two; a page showing only the motto is still read again
    (its header may be there, run into one line by the first pass)."""
    from PIL import Image

    from tests.test_layout import H, W, _line, _tsv

    body = ["Điều 3. Chánh Văn phòng, Giám đốc các sở, ngành và Chủ tịch Ủy ban nhân dân",
            "các xã, phường chịu trách nhiệm thi hành Quyết định này kể từ ngày ký ban hành",
            "Các phòng, ban chuyên môn tổ chức triển khai thực hiện và báo cáo kết quả."]
    words = [w for k, t in enumerate(body) for w in _line(t, 200, 150 + 70 * k, 1, k + 1, char=26)]
    img = tmp_path / "page.png"
    Image.new("L", (W, H), 255).save(img)
    runs: list[list[str]] = []

    def fake_run(args: list[str], image_path: Path, **_kw: object) -> str:
        runs.append(args)
        Path(args[1] + ".tsv").write_text(_tsv([]), encoding="utf-8")
        return ""

    engine = TesseractEngine(header_pass=True)
    monkeypatch.setattr(engine, "_run", fake_run)
    monkeypatch.setattr(engine, "_ocr", lambda path: from_tsv(_tsv(words), (W, H)))
    assert "Điều 3." in engine(img).text
    assert runs == []
    motto = _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 900, 60, 1, 1) + [
        replace(w, line=(2, *w.line[1:])) for w in words]
    monkeypatch.setattr(engine, "_ocr", lambda path: from_tsv(_tsv(motto), (W, H)))
    engine(img)
    assert len(runs) == 1


def _signer_page() -> list:
    """A letter's last page: body, Nơi nhận on the left, the signer's title on the right;
    the name under the signature was lost by the first pass."""
    from tests.test_layout import _line

    words = _line("Trân trọng cảm ơn sự phối hợp của các đồng chí./.", 260, 900, 1, 1)
    words += _line("Nơi nhận:", 200, 1000, 2, 1) + _line("- Như trên;", 200, 1050, 2, 2)
    words += _line("- Lưu: VT.", 200, 1100, 2, 3)
    words += _line("KT. BỘ TRƯỞNG", 1500, 1000, 3, 1) + _line("THỨ TRƯỞNG", 1540, 1050, 3, 2)
    return words


def test_signer_block_is_read_again_when_the_first_pass_lost_the_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tesseract: str) -> None:
    from PIL import Image

    from tests.test_layout import H, W, _line, _tsv

    first = _signer_page()
    img = tmp_path / "page.png"
    Image.new("L", (W, H), 255).save(img)
    engine = TesseractEngine(cache=OcrCache(tmp_path / "cache"), header_pass=False)
    monkeypatch.setattr(engine, "_ocr", lambda path: from_tsv(_tsv(first), (W, H)))
    band = ocr_mod.signer_band(engine._ocr(img).text, engine._ocr(img).words, (W, H))
    assert band is not None
    left, top, right, bottom = band
    # under the title lines, right of the Nơi nhận column, to the page's edge
    assert 1096 < top < 1120 and left > 600 and right == W and bottom < H
    runs: list[list[str]] = []

    def fake_run(args: list[str], image_path: Path, **_kw: object) -> str:
        runs.append(args)
        # the crop read on its own: stroke debris, then the name with a damaged rank
        again = _line("` /j ”", 300, 60, 1, 1) + _line("Thượng ftửng Nguyễn Văn Long", 100, 250, 1, 2)
        Path(args[1] + ".tsv").write_text(_tsv(again, (right - left, bottom - top)),
                                          encoding="utf-8")
        return ""

    monkeypatch.setattr(engine, "_run", fake_run)
    result = engine(img)
    from evidence.extract.signer import find_signer_block
    block = find_signer_block(result.text, ocr=True)
    assert block is not None and block.signer.name == "Nguyễn Văn Long"
    assert block.signer.rank == "Thượng tướng" and block.signer.position == "Thứ trưởng"
    assert "Nơi nhận" in result.text and runs[0][-3:] == ["--psm", "6", "tsv"]
    assert engine(img).text == result.text and len(runs) == 1  # cached


def test_a_signer_block_with_its_name_is_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tesseract: str) -> None:
    from PIL import Image

    from tests.test_layout import H, W, _line, _tsv

    words = _signer_page() + _line("Nguyễn Văn Long", 1500, 1300, 3, 3)
    img = tmp_path / "page.png"
    Image.new("L", (W, H), 255).save(img)
    engine = TesseractEngine(header_pass=False)
    monkeypatch.setattr(engine, "_ocr", lambda path: from_tsv(_tsv(words), (W, H)))
    monkeypatch.setattr(engine, "_run", lambda *a, **k: pytest.fail("read again"))
    assert "Nguyễn Văn Long" in engine(img).text
    # a page without a signer block has no band either
    body = _line("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", 200, 400, 1, 1)
    r = from_tsv(_tsv(body), (W, H))
    assert ocr_mod.signer_band(r.text, r.words, (W, H)) is None
