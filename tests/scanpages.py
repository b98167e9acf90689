"""Build scanned Vietnamese document pages with Pillow (our own text, DejaVu fonts).

An A4 page at 300 dpi: a two-column header (issuer left, national motto right; the
number left and the place-date right), a subject, a body, and at the bottom "Nơi nhận"
left and the signer block right. Options add a red seal over the signer's title, blue
handwriting in the "Số:" blank and the day blank, and helpers degrade the page to a
100 ppi scan or a grey, slightly turned phone photo.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
W, H = 2480, 3508  # A4 at 300 dpi
BLUE = (30, 50, 170)
RED = (215, 35, 40)


def have_fonts() -> bool:
    return (FONTS / "DejaVuSerif.ttf").exists() and (FONTS / "DejaVuSerif-Bold.ttf").exists()


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


@dataclass
class Letter:
    """The text of the fixture letter (written for these tests)."""

    issuer: tuple[str, str] = ("UBND TỈNH HÀ TĨNH", "SỞ NỘI VỤ")
    number: str | None = "125"
    suffix: str = "/SNV-TCBC"
    place: str = "Hà Tĩnh"
    day: str | None = "14"
    month: str = "3"
    year: str = "2025"
    subject: tuple[str, ...] = ("V/v báo cáo kết quả cải cách",
                                "hành chính quý I năm 2025")
    authority: str = "KT. GIÁM ĐỐC"
    position: str = "PHÓ GIÁM ĐỐC"
    signer: str = "Nguyễn Văn Bình"


BODY = [
    "Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh",
    "",
    "Thực hiện chương trình cải cách hành chính của tỉnh giai đoạn 2021 - 2025,",
    "Sở Nội vụ báo cáo kết quả thực hiện trong quý I năm 2025 như sau:",
    "1. Đã rà soát, công bố danh mục thủ tục hành chính thuộc thẩm quyền giải",
    "quyết của các cơ quan chuyên môn; tiếp nhận và trả kết quả đúng hạn.",
    "2. Tổ chức kiểm tra công tác cải cách hành chính tại các phòng, đơn vị",
    "trực thuộc; kịp thời chấn chỉnh những tồn tại, hạn chế được phát hiện.",
    "Sở Nội vụ kính báo cáo Ủy ban nhân dân tỉnh xem xét, chỉ đạo./.",
]


def letter_page(letter: Letter | None = None, *, seal: bool = False,
                hand_number: str | None = None, hand_day: str | None = None,
                signature: bool = False, header_gap: int | None = None) -> Image.Image:
    """The page as printed (RGB), with optional seal and handwriting.

    Args:
        letter: the text; ``number``/``day`` None leave the printed blank.
        seal: a red seal ring over the signer's title.
        hand_number: digits written in blue into the "Số:" blank.
        hand_day: digits written in blue into the day blank.
        signature: a signature in black ink whose stroke runs across the signer's name
            (black: not separated as coloured ink, as on a grey scan).
        header_gap: pixels left between the issuer's lines and the motto (a long issuer
            name nearly touching it: narrower than a column gap elsewhere); None centres
            the issuer in its column.
    """
    lt = letter or Letter()
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    bold, reg, ital = (_font("DejaVuSerif-Bold.ttf", 46), _font("DejaVuSerif.ttf", 46),
                       _font("DejaVuSerif-Italic.ttf", 46))
    left_c, right_c = 560, 1640  # column centres

    def centre(x: int, y: int, text: str, font: ImageFont.FreeTypeFont,
               fill: tuple[int, int, int] = (0, 0, 0)) -> tuple[int, int, int, int]:
        w = d.textlength(text, font=font)
        d.text((x - w / 2, y), text, font=font, fill=fill)
        return d.textbbox((x - w / 2, y), text, font=font)

    # header row 1: issuer | motto
    head_c = left_c
    if header_gap is not None:
        motto_left = right_c - d.textlength("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold) / 2
        wide = max(d.textlength(lt.issuer[0], font=reg), d.textlength(lt.issuer[1], font=bold))
        head_c = int(motto_left - header_gap - wide / 2)
    centre(head_c, 200, lt.issuer[0], reg)
    b = centre(head_c, 270, lt.issuer[1], bold)
    d.line((b[0] + 60, b[3] + 14, b[2] - 60, b[3] + 14), fill=0, width=3)
    centre(right_c, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    b = centre(right_c, 270, "Độc lập - Tự do - Hạnh phúc", bold)
    d.line((b[0], b[3] + 14, b[2], b[3] + 14), fill=0, width=3)
    # header row 2: Số | place, date
    y2 = 430
    so = "Số: "
    x = left_c - 300
    d.text((x, y2), so, font=reg, fill=0)
    x += d.textlength(so, font=reg)
    num_box = (x, y2)
    if lt.number is not None:
        d.text((x, y2), lt.number, font=reg, fill=0)
        x += d.textlength(lt.number, font=reg)
    else:
        x += 150  # the blank
    d.text((x, y2), lt.suffix, font=reg, fill=0)
    date_x = right_c - 560
    parts = [f"{lt.place}, ngày "]
    d.text((date_x, y2), parts[0], font=ital, fill=0)
    date_x += d.textlength(parts[0], font=ital)
    day_box = (date_x, y2)
    if lt.day is not None:
        d.text((date_x, y2), lt.day, font=ital, fill=0)
        date_x += d.textlength(lt.day, font=ital)
    else:
        date_x += 110
    rest = f" tháng {lt.month} năm {lt.year}"
    d.text((date_x, y2), rest, font=ital, fill=0)
    for k, line in enumerate(lt.subject):
        centre(left_c, 520 + 60 * k, line, reg)
    y = 520 + 60 * len(lt.subject) + 120
    for line in BODY:
        if line.startswith("Kính gửi"):
            centre(W // 2, y, line, reg)
        elif line:
            d.text((260, y), line, font=reg, fill=0)
        y += 78
    # bottom: Nơi nhận | signer block
    y += 60
    small = _font("DejaVuSerif.ttf", 38)
    d.text((260, y), "Nơi nhận:", font=_font("DejaVuSerif-BoldItalic.ttf", 40), fill=0)
    for k, line in enumerate(["- Như trên;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, TCBC."]):
        d.text((260, y + 60 + 52 * k), line, font=small, fill=0)
    sx = 1720
    t1 = centre(sx, y, lt.authority, bold)
    t2 = centre(sx, y + 64, lt.position, bold)
    name_box = centre(sx, y + 420, lt.signer, bold)
    if signature:
        _scribble(img, name_box)
    if seal:
        _seal(img, ((t1[0] + t2[2]) // 2 - 150, t2[3] + 40), 230)
    if hand_number:
        _hand(img, num_box, hand_number)
    if hand_day:
        _hand(img, day_box, hand_day)
    return img


def _seal(img: Image.Image, centre: tuple[int, int], radius: int) -> None:
    """A red seal (two rings, text around, a star), inked over the page: like real seal
    ink it darkens what it covers (multiply), so the print stays dark under it."""
    layer = Image.new("RGB", img.size, (255, 255, 255))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    for r, w in ((radius, 12), (radius - 70, 6)):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=w)
    font = _font("DejaVuSans-Bold.ttf", 40)
    text = "SỞ NỘI VỤ * TỈNH HÀ TĨNH * "
    for k, ch in enumerate(text):
        a = math.pi + 2 * math.pi * k / len(text)
        x, y = cx + (radius - 36) * math.cos(a), cy + (radius - 36) * math.sin(a)
        d.text((x - 12, y - 20), ch, font=font, fill=RED)
    pts = []
    for k in range(10):
        r = 70 if k % 2 == 0 else 28
        a = -math.pi / 2 + math.pi * k / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(pts, fill=RED)
    img.paste(ImageChops.multiply(img, layer))


def _scribble(img: Image.Image, name_box: tuple[int, int, int, int]) -> None:
    """A signature: loops above the name whose last stroke crosses its first word."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = name_box
    pts = []
    for k in range(40):
        t = k / 39
        pts.append((x0 - 40 + t * (x1 - x0) * 0.6,
                    y0 - 160 + 120 * math.sin(t * 5 * math.pi) * (1 - t) + t * 200))
    pts.append((x0 + (x1 - x0) * 0.35, (y0 + y1) / 2))
    d.line(pts, fill=(35, 35, 40), width=9, joint="curve")


def _hand(img: Image.Image, at: tuple[float, float], digits: str) -> None:
    """Digits in blue pen: an oblique sans, larger than the print, jittered."""
    rng = random.Random(digits)
    font = _font("DejaVuSans-Oblique.ttf", 62)
    d = ImageDraw.Draw(img)
    x, y = at
    for ch in digits:
        d.text((x + rng.randint(-3, 3), y - 18 + rng.randint(-6, 6)), ch, font=font,
               fill=BLUE, stroke_width=1, stroke_fill=BLUE)
        x += d.textlength(ch, font=font) + rng.randint(0, 6)


def low_resolution(img: Image.Image, ppi: int) -> Image.Image:
    """The page as a scanner at ``ppi`` would give it (slightly soft)."""
    w, h = img.size
    small = img.resize((round(w * ppi / 300), round(h * ppi / 300)), Image.Resampling.BOX)
    return small.filter(ImageFilter.GaussianBlur(0.4))


def phone_photo(img: Image.Image) -> Image.Image:
    """A phone photo of the page: grey paper lit unevenly, turned 1.5°, 1400 px across."""
    w, h = img.size
    turned = img.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    # light falling off from one corner: paper from 210 down to 140
    grad = Image.linear_gradient("L").resize((w, h)).rotate(35, fillcolor=128)
    shade = grad.point(lambda v: 210 - v * 70 // 255)
    out = ImageChops.multiply(turned, Image.merge("RGB", [shade, shade, shade]))
    return out.resize((1400, round(1400 * h / w)), Image.Resampling.LANCZOS)


def app_scan(img: Image.Image) -> Image.Image:
    """A scanning app's page: the sheet grey (about 215) with the texture of its JPEG,
    set inside a white frame; its 90th percentile is the frame's white."""
    w, h = img.size
    rng = random.Random(7)
    noise = Image.effect_noise((w, h), 18).point(lambda v: 200 + v * 30 // 255)
    sheet = ImageChops.multiply(img.convert("L"), noise)
    frame = Image.new("L", (w + w // 6, h + h // 6), 255)
    frame.paste(sheet, (w // 12 + rng.randint(-4, 4), h // 12))
    return frame.convert("RGB")
