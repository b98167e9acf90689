"""Images: single and multi-page, EXIF orientation, bombs and broken files, OCR modes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from evidence.errors import CorruptFile, EmptyFile, FailReason, FileError, TooLarge
from evidence.ingest.base import OcrMode, OcrResult, ParseOptions
from evidence.ingest.formats import image as image_mod
from evidence.ingest.formats.image import load_pages, parse
from PIL import Image, ImageDraw

PAGE_TEXT = "CHỈ THỊ\nVề đẩy mạnh thực hiện Chương trình tổng thể cải cách hành chính"


class FakeEngine:
    """Reads nothing; reports the size and a pixel of what it was shown."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.modes: list[str] = []

    def __call__(self, image_path: Path) -> OcrResult:
        with Image.open(image_path) as im:
            self.sizes.append(im.size)
            self.modes.append(im.mode)
        return OcrResult(PAGE_TEXT, 87.25, 0)


def _portrait(path: Path, size: tuple[int, int] = (600, 850), **save: object) -> Path:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).rectangle((40, 40, 300, 90), fill="black")  # a "title" at the top
    img.save(path, **save)
    return path


def test_png_is_ocrd_as_one_page(tmp_path: Path) -> None:
    engine = FakeEngine()
    ticks: list[str] = []
    parsed = parse(_portrait(tmp_path / "trang 1.png"),
                   ParseOptions(ocr_engine=engine, progress=lambda w, n: ticks.append(w)))
    assert parsed.format == "image"
    assert len(parsed.pages) == 1
    page = parsed.pages[0]
    assert page.ocr and page.confidence == 87.25 and page.text == PAGE_TEXT
    # 600 pixels across cannot be A4 at OCR resolution: upscaled to 300 dpi (8.27 in)
    ((w, h),) = engine.sizes
    assert abs(w - 2481) <= 2 and abs(h / w - 850 / 600) < 0.01
    assert engine.modes == ["L"]  # grayscale for Tesseract
    assert ticks == ["page", "ocr_page"]


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # a phone stores a portrait page as a landscape JPEG with Orientation=6 (turn 90° CW)
    sideways = Image.new("RGB", (850, 600), "white")
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "IMG_0001.JPG"
    sideways.save(path, exif=exif.tobytes())
    engine = FakeEngine()
    parse(path, ParseOptions(ocr_engine=engine))
    ((w, h),) = engine.sizes
    assert h > w and abs(h / w - 850 / 600) < 0.01  # portrait


def test_multipage_tiff_gives_pages(tmp_path: Path) -> None:
    frames = [Image.new("L", (400, 560), shade) for shade in (255, 250, 245)]
    path = tmp_path / "ho-so.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    engine = FakeEngine()
    parsed = parse(path, ParseOptions(ocr_engine=engine))
    assert [p.number for p in parsed.pages] == [1, 2, 3]
    assert len(engine.sizes) == 3
    with pytest.raises(TooLarge):
        parse(path, ParseOptions(ocr_engine=engine, max_pages=2))


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A tiny PNG that claims to be width x height (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path


def test_decompression_bomb_is_too_large(tmp_path: Path) -> None:
    bomb = _png_header_only(tmp_path / "bom.png", 60_000, 60_000)
    assert bomb.stat().st_size < 2000
    with pytest.raises(TooLarge) as err:
        parse(bomb, ParseOptions(ocr_engine=FakeEngine()))
    assert err.value.reason is FailReason.TOO_LARGE


def test_bomb_under_pillow_limit_but_over_ours(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_mod, "MAX_IMAGE_PIXELS", 1_000_000)
    path = _portrait(tmp_path / "big.png", size=(1200, 1000))
    with pytest.raises(TooLarge):
        parse(path, ParseOptions(ocr_engine=FakeEngine()))


def test_large_photo_is_scaled_down_for_ocr(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_mod, "OCR_MAX_PIXELS", 200_000)
    engine = FakeEngine()
    parse(_portrait(tmp_path / "scan_001.jpg", size=(1200, 1700)), ParseOptions(ocr_engine=engine))
    (w, h), = engine.sizes
    assert w * h <= 200_000
    assert abs(w / h - 1200 / 1700) < 0.02


def test_truncated_corrupt_and_empty_images(tmp_path: Path) -> None:
    full = _portrait(tmp_path / "full.jpg", quality=95).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(CorruptFile) as err:
        parse(cut, ParseOptions(ocr_engine=FakeEngine()))
    assert err.value.reason is FailReason.TRUNCATED
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    with pytest.raises(CorruptFile):
        parse(junk, ParseOptions(ocr_engine=FakeEngine()))
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFile):
        parse(empty, ParseOptions(ocr_engine=FakeEngine()))


def test_ocr_never_means_no_text(tmp_path: Path) -> None:
    with pytest.raises(FileError) as err:
        parse(_portrait(tmp_path / "a.png"), ParseOptions(ocr=OcrMode.NEVER))
    assert err.value.reason is FailReason.NO_TEXT


def test_load_pages_yields_upright_pages_keeping_colour(tmp_path: Path) -> None:
    pages = list(load_pages(_portrait(tmp_path / "a.png")))
    assert [(p.size, p.mode in ("L", "RGB")) for p in pages] == [((600, 850), True)]


@pytest.mark.slow
def test_real_tesseract_on_a_rotated_photo(tmp_path: Path, tesseract: str) -> None:
    from PIL import ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font_path.exists():
        pytest.skip("DejaVuSans.ttf is not installed")
    img = Image.new("L", (1500, 700), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path), 40)
    for i, line in enumerate(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                              "Độc lập - Tự do - Hạnh phúc", "Số: 05/CT-UBND",
                              "Về đẩy mạnh cải cách hành chính nhà nước"]):
        draw.text((60, 60 + 80 * i), line, fill=0, font=font)
    path = tmp_path / "anh-xoay.png"
    img.rotate(90, expand=True, fillcolor=255).save(path)
    parsed = parse(path, ParseOptions())
    from evidence.extract.normalize import fold

    assert "cong hoa xa hoi chu nghia viet nam" in fold(parsed.pages[0].text)
    assert any("rotated 90" in w for w in parsed.warnings)


def test_transparent_png_is_put_on_white(tmp_path: Path) -> None:
    img = Image.new("RGBA", (300, 400), (0, 0, 0, 0))  # transparent black
    ImageDraw.Draw(img).rectangle((20, 20, 120, 60), fill=(0, 0, 0, 255))
    path = tmp_path / "trong-suot.png"
    img.save(path)
    (page,) = list(load_pages(path))
    page = page.convert("L")
    assert page.getpixel((250, 350)) == 255  # background: white paper
    assert page.getpixel((50, 40)) == 0  # ink stays black
