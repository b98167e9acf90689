"""Coloured ink apart from the print, and page images made fit for OCR.

A scan carries three layers: black print, red seals (and red incoming stamps), blue pen
(handwritten numbers and days, signatures). Tesseract binarises the page as one grey
image, so a red seal over "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" blackens the title and the whole
signer block is lost. :func:`prepare_page` therefore

1. finds red and blue ink by colour (hue and saturation from the RGB channels: red when
   ``R`` leads ``G`` and ``B`` by :data:`INK_MARGIN`, blue when ``B`` leads ``R`` and
   ``G``), and records each region as an :class:`~evidence.model.InkMark` — a large red
   region is a ``seal``, other coloured ink is ``pen``;
2. builds the grey print layer: red ink is turned to paper (the seal and stamps vanish;
   print under them stays dark in every channel, so it is never taken for colour); so is blue pen below the header band
   (:data:`HEADER_BAND`: signatures across the signer's title and name); in the band, where
   the number and the date stand, pen is kept as grey so what was written by hand is
   read — extraction decides whether to trust it (:mod:`evidence.extract.layoutcheck`);
3. flattens an uneven or grey background (phone photos, tinted paper) by dividing by a
   blurred estimate of the paper, and stretches the contrast;
4. upscales a low-resolution page (100-150 ppi scans, phone photos) to the OCR resolution
   (:data:`TARGET_DPI`, ``--dpi``), deciding from the real pixel size against the paper size, not from
   the file's nominal ppi.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from evidence.model import InkMark
from PIL import Image, ImageChops, ImageFilter

__all__ = [
    "A3_SHORT_INCHES",
    "A4_SHORT_INCHES",
    "TARGET_DPI",
    "UPSCALE_BELOW",
    "PreparedPage",
    "effective_dpi",
    "prepare_page",
    "turn_marks",
]

#: OCR works best at about this resolution
TARGET_DPI = 300
#: pages scanned below this share of the target resolution are upscaled to it (250 of 300)
UPSCALE_BELOW = 0.83
#: the short side of A4 paper (the paper of nearly every Vietnamese administrative text)
A4_SHORT_INCHES = 8.27
#: the short side of A3: a page that claims to be larger is a photo at a nominal ppi
A3_SHORT_INCHES = 11.7
#: a channel must lead the others by this much (0-255) for a pixel to count as coloured
INK_MARGIN = 45
#: a red region at least this wide and high (inches) is a seal (a seal is 3.5-4.5 cm)
SEAL_MIN_INCHES = 0.9
#: coloured regions smaller than this (inches, both sides) are specks, not ink
INK_MIN_INCHES = 0.06
#: the number and date lines of a Vietnamese letter stand in this top share of the page
HEADER_BAND = 0.3
#: paper lighter than this (0-255, 90th percentile) needs no flattening
PAPER_WHITE = 225


@dataclass
class PreparedPage:
    """A page image ready for Tesseract and the ink found on it."""

    image: Image.Image  # mode L
    ink: list[InkMark]
    scale: float  # output pixels per input pixel (1.0 when not resized)


def effective_dpi(size_px: tuple[int, int], page_inches: tuple[float, float] | None) -> float:
    """Pixels per inch of paper: the page's own size when it is a paper size, else A4.

    Args:
        size_px: the image's pixel size.
        page_inches: the page size the file states (a PDF page), or None (an image file:
            its nominal ppi says nothing about the paper).
    """
    short_px = min(size_px)
    short_in = A4_SHORT_INCHES
    if page_inches is not None and 0 < min(page_inches) <= A3_SHORT_INCHES:
        short_in = min(page_inches)
    return short_px / short_in


def prepare_page(image: Image.Image, page_inches: tuple[float, float] | None = None,
                 *, dpi: int = TARGET_DPI, find_ink: bool = True) -> PreparedPage:
    """Separate the coloured ink, flatten the paper and bring the page to OCR resolution.

    Args:
        image: the page as rendered or decoded (RGB, L, or any Pillow mode).
        page_inches: the paper size when the file states one (see :func:`effective_dpi`).
        dpi: the resolution OCR wants; a page below :data:`UPSCALE_BELOW` of it is upscaled.
        find_ink: look for coloured ink (needs a colour image; grey images have none).

    Returns:
        The grey print layer, the ink marks (boxes as page fractions, origin top left) and
        the scale applied.
    """
    ink: list[InkMark] = []
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image.mode == "RGB" and find_ink:
        # channel arithmetic in Pillow (C, uint8) only: numpy passes over a 9 MP page cost
        # several times more; only the ~1 mm grid of ink cells goes to numpy
        r, g, b = image.split()
        red = ImageChops.subtract(r, ImageChops.lighter(g, b)).point(_threshold(INK_MARGIN))
        blue = ImageChops.subtract(b, ImageChops.lighter(r, g)).point(
            _threshold(int(INK_MARGIN * 0.7)))
        have = effective_dpi(image.size, page_inches)
        ink = _inside_seals(_marks(red, "red", have)) + _marks(blue, "blue", have)
        gray_img = image.convert("L")
        if any(m.color == "red" for m in ink):
            # red ink becomes paper: what stays dark under a seal is the print
            gray_img = Image.composite(_paper(gray_img), gray_img, red)
        if any(m.color == "blue" for m in ink):
            # so does blue pen below the header band (signatures across the signer's title
            # and name); in the band it is read, and extraction judges the reading
            below = Image.new("L", blue.size, 0)
            top = round(blue.size[1] * HEADER_BAND)
            below.paste(blue.crop((0, top, blue.size[0], blue.size[1])), (0, top))
            gray_img = Image.composite(_paper(gray_img), gray_img, below)
    else:
        gray_img = image.convert("L")
    gray_img = _flatten(gray_img)
    have = effective_dpi(gray_img.size, page_inches)
    scale = 1.0
    if have < UPSCALE_BELOW * dpi:
        scale = dpi / have
        w, h = gray_img.size
        gray_img = gray_img.resize((round(w * scale), round(h * scale)),
                                   Image.Resampling.LANCZOS)
    return PreparedPage(gray_img, ink, scale)


def _paper(image: Image.Image) -> Image.Image:
    """White of the page's size: a coloured pixel holds no print (print under ink stays
    dark in every channel and is never taken for colour)."""
    return Image.new("L", image.size, 255)


def _flatten(image: Image.Image) -> Image.Image:
    """Divide a grey or unevenly lit page by its paper and stretch the contrast."""
    small = image.reduce(8) if min(image.size) >= 400 else image
    a = np.asarray(small)
    p10, p90 = np.percentile(a, 10), np.percentile(a, 90)
    if p90 - p10 < 40:
        return image  # no print on it to bring out (a blank or uniform page)
    # the paper: text removed by a max filter, then blurred; at 1/8 scale this is cheap
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    if p90 >= PAPER_WHITE and p10 >= PAPER_WHITE - 60 \
            and np.percentile(np.asarray(paper), 10) >= PAPER_WHITE:
        # white paper, even light: leave the pixels alone. (A phone scan's grey, textured
        # sheet inside a white frame has a white 90th percentile too: its paper is not.)
        return image
    paper = paper.resize(image.size, Image.Resampling.BILINEAR)
    px = np.asarray(image, dtype=np.float32)
    bg = np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    flat = np.clip(px / bg * 255.0, 0, 255)
    lo = np.percentile(flat[::4, ::4], 1)
    if lo < 200:
        flat = np.clip((flat - lo) * (255.0 / (255.0 - lo)), 0, 255)
    return Image.fromarray(flat.astype(np.uint8), "L")


def _threshold(level: int) -> list[int]:
    return [255 if v > level else 0 for v in range(256)]


def _marks(mask: Image.Image, color: str, dpi: float) -> list[InkMark]:
    """Regions of ``mask`` (255 = ink) as ink marks: a grid of ~1 mm cells holding some
    ink, 8-connected after a one-cell dilation (the strokes of one mark join)."""
    w, h = mask.size
    cell = max(4, int(dpi / 25))
    # box average per cell; a cell with 1/40 of its pixels inked holds ink
    grid = np.asarray(mask.reduce(cell)) >= max(2, 255 // 40)
    if not grid.any():
        return []
    # join strokes of one mark: dilate by one cell
    dil = grid.copy()
    dil[1:, :] |= grid[:-1, :]
    dil[:-1, :] |= grid[1:, :]
    dil[:, 1:] |= grid[:, :-1]
    dil[:, :-1] |= grid[:, 1:]
    marks: list[InkMark] = []
    min_cells = max(1, INK_MIN_INCHES * dpi / cell)
    seal_cells = SEAL_MIN_INCHES * dpi / cell
    for y0, x0, y1, x1, n in _components(dil):
        if (y1 - y0) < min_cells and (x1 - x0) < min_cells:
            continue
        if n < 3:
            continue
        seal = color == "red" and (y1 - y0) >= seal_cells and (x1 - x0) >= seal_cells
        box = [round(min(w, x0 * cell) / w, 4), round(min(h, y0 * cell) / h, 4),
               round(min(w, x1 * cell) / w, 4), round(min(h, y1 * cell) / h, 4)]
        marks.append(InkMark(kind="seal" if seal else "pen", color=color, box=box))
    return marks


def _inside_seals(marks: list[InkMark]) -> list[InkMark]:
    """Red marks lying within a seal (its star, its emblem) are part of it."""
    seals = [m.box for m in marks if m.kind == "seal"]

    def inside(b: list[float]) -> bool:
        return any(s[0] <= b[0] and s[1] <= b[1] and b[2] <= s[2] and b[3] <= s[3]
                   for s in seals)

    return [m for m in marks if m.kind == "seal" or not inside(m.box)]


def _components(grid: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """Bounding boxes (y0, x0, y1, x1 exclusive) and cell counts of 8-connected regions."""
    seen = np.zeros_like(grid, dtype=bool)
    gh, gw = grid.shape
    out: list[tuple[int, int, int, int, int]] = []
    ys, xs = np.nonzero(grid)
    for sy, sx in zip(ys.tolist(), xs.tolist(), strict=True):
        if seen[sy, sx]:
            continue
        seen[sy, sx] = True
        stack = [(sy, sx)]
        y0, x0, y1, x1, n = sy, sx, sy + 1, sx + 1, 0
        while stack:
            y, x = stack.pop()
            n += 1
            y0, x0, y1, x1 = min(y0, y), min(x0, x), max(y1, y + 1), max(x1, x + 1)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < gh and 0 <= nx < gw and grid[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        out.append((y0, x0, y1, x1, n))
    return out


def turn_marks(marks: list[InkMark], angle: int) -> list[InkMark]:
    """Ink marks found on the page as scanned, in the frame of the page turned ``angle``
    degrees clockwise (the frame OCR read it in, where its words' boxes are)."""
    if not angle % 360:
        return marks
    out = []
    for m in marks:
        x0, y0, x1, y1 = m.box
        corners = [_turn(x, y, angle % 360) for x, y in ((x0, y0), (x1, y1))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        out.append(InkMark(m.kind, m.color, [min(xs), min(ys), max(xs), max(ys)]))
    return out


def _turn(x: float, y: float, angle: int) -> tuple[float, float]:
    if angle == 90:
        return round(1 - y, 4), x
    if angle == 180:
        return round(1 - x, 4), round(1 - y, 4)
    if angle == 270:
        return y, round(1 - x, 4)
    return x, y
