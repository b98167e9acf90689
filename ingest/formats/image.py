"""Page images (JPG, PNG, TIFF incl. multi-page, BMP, WebP): Pillow, then OCR.

Bad input is refused before pixels are decoded: Pillow's decompression-bomb check runs at
``Image.open`` on the header's size, and it is made an error here (not a warning) at
:data:`MAX_IMAGE_PIXELS`; every TIFF frame is checked too. JPEG photos bigger than what
OCR needs are decoded at a reduced scale (``Image.draft``), so a 50 MP phone photo costs
about 40 MB. EXIF orientation is applied (phones store portrait photos sideways);
Tesseract's orientation check handles scans that are really turned. Each page then goes
through :func:`evidence.ingest.ink.prepare_page`: coloured ink (seals, pen) is found and
the red removed, a grey or unevenly lit photo is flattened, and a page whose pixels are
too few for A4 paper at the OCR resolution is upscaled (the file's nominal ppi is not
trusted: phones write 72).
"""

from __future__ import annotations

import logging
import math
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evidence.errors import (
    CorruptFile,
    EmptyFile,
    FailReason,
    FileError,
    OcrUnavailable,
    TooLarge,
)
from evidence.ingest.base import OcrEngine, OcrMode, ParsedFile, ParseOptions
from evidence.ingest.cpu import map_pages
from evidence.ingest.ink import prepare_page, turn_marks
from evidence.model import InkMark, Page
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

__all__ = ["MAX_IMAGE_PIXELS", "OCR_MAX_PIXELS", "load_pages", "parse"]

log = logging.getLogger(__name__)

#: images with more pixels than this (per frame) are refused as decompression bombs;
#: Pillow's own default warns at 89 MP and fails at 179 MP
MAX_IMAGE_PIXELS = 150_000_000
#: larger pages are scaled down before OCR (an A4 page at 400 dpi is 15.5 MP)
OCR_MAX_PIXELS = 36_000_000


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """OCR one image file; a multi-page TIFF gives one page per frame.

    Args:
        path: the image file.
        options: OCR mode and engine; ``max_pages`` limits TIFF frames.

    Returns:
        A :class:`ParsedFile` with format ``image``; pages have ``ocr=True`` and
        Tesseract's mean word confidence.

    Raises:
        FileError: reason ``no_text`` under ``--ocr never`` (an image has no text layer).
        TooLarge: a decompression bomb, or more frames than ``options.max_pages``.
        CorruptFile: not an image Pillow can read, or truncated.
        EmptyFile: zero bytes.
        OcrUnavailable: Tesseract or its ``vie`` data is missing.
    """
    subject = str(path)
    if options.ocr is OcrMode.NEVER:
        _check_readable(path, options)
        raise FileError("image without text layer and OCR is off (--ocr never)",
                        subject=subject, reason=FailReason.NO_TEXT)
    engine = _engine(options, subject)

    def frames(tmp: Path) -> Iterator[tuple[int, Path, list[InkMark]]]:
        for number, image in enumerate(load_pages(path, options), start=1):
            target = tmp / f"page-{number:04d}.pgm"
            prepared = prepare_page(image, None, dpi=options.dpi)
            image.close()
            _cap(prepared.image).save(target)
            prepared.image.close()
            yield number, target, prepared.ink

    def read(frame: tuple[int, Path, list[InkMark]]) -> tuple[Page, str | None]:
        number, target, ink = frame
        try:
            result = engine(target)
        except FileError as exc:
            if exc.reason is not FailReason.TIMEOUT:
                raise
            return Page(number=number, text="", ocr=True), f"page {number}: {exc.message}"
        finally:
            target.unlink(missing_ok=True)
        if options.progress is not None:
            options.progress("page", 1)
            options.progress("ocr_page", 1)
        page = Page(number=number, text=result.text, ocr=True, confidence=result.confidence,
                    words=list(result.words), ink=turn_marks(ink, result.rotation))
        turned = (f"page {number}: scanned rotated {result.rotation}°, turned for OCR"
                  if result.rotation else None)
        return page, turned

    with tempfile.TemporaryDirectory(prefix="evidence-img-") as tmp:
        # a multi-page TIFF's frames may be OCR'd two at a time on an idle worker's CPU
        read_pages = map_pages(read, frames(Path(tmp)), options.spare_cpu)
    pages = [page for page, _ in read_pages]
    notes = [note for _, note in read_pages if note]
    return ParsedFile(path=path, format="image", pages=pages, warnings=notes)


def load_pages(path: Path, options: ParseOptions | None = None) -> Iterator[Image.Image]:
    """Yield each page of an image file as an upright grayscale image, one at a time.

    Args:
        path: the image file.
        options: ``max_pages`` limits TIFF frames (default :class:`ParseOptions`).

    Yields:
        Mode ``RGB`` (colour kept for the ink) or ``L`` images on white paper, EXIF
        orientation applied, at most :data:`OCR_MAX_PIXELS`.

    Raises:
        TooLarge, CorruptFile, EmptyFile: see :func:`parse`.
    """
    options = options or ParseOptions()
    subject = str(path)
    with _open(path) as im:
        frames = getattr(im, "n_frames", 1)
        if frames > options.max_pages:
            raise TooLarge(f"{frames} frames (limit {options.max_pages})", subject=subject)
        for index, frame in enumerate(ImageSequence.Iterator(im)):
            _check_size(frame.size, subject, index + 1)
            try:
                yield _prepare(frame)
            except (OSError, ValueError, SyntaxError) as exc:
                raise _corrupt(exc, subject) from exc


@contextmanager
def _open(path: Path) -> Iterator[Image.Image]:
    subject = str(path)
    try:
        if path.stat().st_size == 0:
            raise EmptyFile("empty file (0 bytes)", subject=subject)
    except OSError as exc:
        raise CorruptFile(f"cannot read file: {exc.strerror}", subject=subject) from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(f"image too large (decompression bomb?): {exc}",
                       subject=subject) from exc
    except UnidentifiedImageError as exc:
        raise CorruptFile("not a readable image", subject=subject) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise _corrupt(exc, subject) from exc
    try:
        _check_size(im.size, subject, 1)
        yield im
    finally:
        im.close()


def _check_size(size: tuple[int, int], subject: str, frame: int) -> None:
    w, h = size
    if w <= 0 or h <= 0:
        raise CorruptFile(f"frame {frame} has no pixels ({w}x{h})", subject=subject)
    if w * h > MAX_IMAGE_PIXELS:
        raise TooLarge(f"image too large: {w}x{h} pixels (limit "
                       f"{MAX_IMAGE_PIXELS // 1_000_000} MP; decompression bomb?)",
                       subject=subject)


def _prepare(frame: Image.Image) -> Image.Image:
    w, h = frame.size
    if frame.format == "JPEG" and w * h > OCR_MAX_PIXELS:
        # decode at 1/2, 1/4 or 1/8 scale straight from the DCT data
        frame.draft("RGB" if frame.mode != "L" else "L", (w // 2, h // 2))
    # a transposed copy, or a plain copy: TIFF frames share one object between seeks
    image = ImageOps.exif_transpose(frame)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # transparent pixels are black underneath: put the page on white paper first
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        paper.alpha_composite(image.convert("RGBA"))
        image = paper
    if image.mode not in ("L", "RGB"):
        image = image.convert("L" if image.mode in ("1", "I", "I;16", "F") else "RGB")
    return _cap(image)


def _cap(image: Image.Image) -> Image.Image:
    """Scale a page down to at most :data:`OCR_MAX_PIXELS`."""
    w, h = image.size
    if w * h > OCR_MAX_PIXELS:
        scale = math.sqrt(OCR_MAX_PIXELS / (w * h))
        image = image.resize((max(1, int(w * scale)), max(1, int(h * scale))),
                             Image.Resampling.LANCZOS)
    return image


def _corrupt(exc: BaseException, subject: str) -> CorruptFile:
    msg = str(exc)
    if "truncated" in msg.lower():
        return CorruptFile("truncated image", subject=subject, reason=FailReason.TRUNCATED)
    return CorruptFile(f"corrupt image ({msg or type(exc).__name__})", subject=subject)


def _check_readable(path: Path, options: ParseOptions) -> None:
    for image in load_pages(path, options):
        image.close()


def _engine(options: ParseOptions, subject: str) -> OcrEngine:
    if options.ocr_engine is not None:
        return options.ocr_engine
    from evidence.ingest.ocr import default_engine

    try:
        return default_engine()
    except OcrUnavailable as exc:
        exc.subject = subject
        raise
