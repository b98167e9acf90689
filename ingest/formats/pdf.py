"""PDF files, page by page: a fast text path, legacy-font conversion, OCR where needed.

Speed (measured on 260 Vietnamese text pages): pdfplumber 6.9 pages/s, pypdfium2
520 pages/s. Every page is therefore read with pypdfium2; pdfplumber opens the file only
for pages whose text shows the Latin-1 letters of a legacy 8-bit font (TCVN3/VNI, spec
§6.4), because only its per-character font names tell which runs to convert.

A page's text layer is then judged by :func:`evidence.ingest.textlayer.is_born_digital_text`
(``--ocr auto``): empty pages, broken ToUnicode layers (``Số`` extracted as ``6ӕ``) and OCR
layers made without Vietnamese are rasterised at ``options.dpi`` with pypdfium2 (grayscale,
one page at a time; about 20x faster than ``pdftoppm -png`` here) and OCR'd. The OCR text
replaces the layer only when it scores better, so a clean page of foreign chemical names
keeps its layer.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from evidence.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedFile,
    FailReason,
    FileError,
    OcrUnavailable,
    TooLarge,
)
from evidence.extract.normalize import clean_text
from evidence.ingest.base import OcrEngine, OcrMode, ParsedFile, ParseOptions
from evidence.ingest.cpu import map_pages
from evidence.ingest.ink import (
    A3_SHORT_INCHES,
    A4_SHORT_INCHES,
    UPSCALE_BELOW,
    prepare_page,
    turn_marks,
)
from evidence.ingest.textlayer import (
    MIN_LETTERS,
    drops_letters,
    is_born_digital_text,
    lost_spaces,
    text_quality,
    without_signature_stamp,
)
from evidence.model import InkMark, Page, Signature

__all__ = ["MAX_RENDER_PIXELS", "page_images", "parse", "read_text_layer"]

log = logging.getLogger(__name__)

#: a page is rendered with at most this many pixels (an A0 drawing at 300 dpi would need
#: 140 MP); keeps one worker well under 1 GiB
MAX_RENDER_PIXELS = 40_000_000
#: OCR replaces a (poor) text layer only when it reads this much better
_OCR_MARGIN = 0.1
# Latin-1 characters that Vietnamese Unicode text does not use but TCVN3/VNI surface text
# does (©, µ, ®, §, Ñ, ö, ø, ...): the cheap trigger for the font-name check.
_LEGACY_HINT = re.compile(
    "[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce\u00cf\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
    "\u00e4-\u00e7\u00eb\u00ee\u00ef\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")
_LEGACY_HINT_MIN = 3
_DRAWN_ANNOTS = (pdfium_c.FPDF_ANNOT_WIDGET, pdfium_c.FPDF_ANNOT_FREETEXT,
                 pdfium_c.FPDF_ANNOT_STAMP)
_HIDDEN_FLAGS = pdfium_c.FPDF_ANNOT_FLAG_HIDDEN | pdfium_c.FPDF_ANNOT_FLAG_NOVIEW
_TEXTLESS_OBJECTS = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE,
                     pdfium_c.FPDF_PAGEOBJ_SHADING)
_FORM_DEPTH = 12  # nested appearance forms looked into (signing tools nest 2-3)
Box = tuple[float, float, float, float]
_LEGACY_MIN_CHARS = 20
#: a page whose largest picture covers less than this share of it is drawn from fonts and
#: vector paths (a born-digital page OCR'd for its broken text layer), not a scan
_SCAN_SHARE = 0.5


@dataclass
class _LayerPage:
    number: int
    text: str  # NFC, repaired
    usable: bool  # is_born_digital_text(text)
    has_images: bool  # only looked up for pages that are not usable
    legacy: bool = False  # TCVN3/VNI runs were converted
    broken: bool = False  # pdfium could not load the page
    signatures: list[Signature] = field(default_factory=list)  # its signature widgets
    # why a layer that reads clean is not trusted, so OCR replaces it whatever it scores
    # (a font that loses glyphs; a signed scan's layer holding only the signature stamp)
    distrust: str | None = None


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    """Read a PDF into pages of NFC text, OCR'ing pages without a usable text layer.

    Args:
        path: the PDF file.
        options: OCR mode (``auto``: OCR pages with no, too little or garbage text;
            ``always``: OCR every page; ``never``: text layer only), engine, dpi, limits.

    Returns:
        A :class:`ParsedFile` with format ``pdf``; OCR'd pages have ``ocr=True`` and
        Tesseract's mean word confidence.

    Raises:
        EncryptedFile: the PDF needs a password.
        CorruptFile: the PDF cannot be read (reason ``truncated`` when its end is missing).
        EmptyFile: zero bytes or no pages.
        TooLarge: more pages than ``options.max_pages``.
        OcrUnavailable: pages need OCR, Tesseract is missing and no page has text.
        FileError: reason ``no_text`` when OCR is off and no page has any text.
    """
    subject = str(path)
    doc = _open(path)
    notes: dict[str, list[int]] = {}
    pages: list[Page] = []
    try:
        n = len(doc)
        if n == 0:
            raise EmptyFile("PDF has no pages", subject=subject)
        if n > options.max_pages:
            # a page tree may claim far more pages than the file holds: count the real ones
            real = _real_pages(doc, options.max_pages)
            if real > options.max_pages:
                raise TooLarge(f"{n} pages (limit {options.max_pages})", subject=subject)
            notes.setdefault(f"the PDF claims {n} pages; only these exist", []).extend(
                range(1, real + 1))
            n = real
        layers = _read_layers(doc, path, options, n)
        ocr = _Ocr(options, subject)

        def read(layer: _LayerPage) -> Page:
            page = _decide(doc, layer, options, ocr, notes)
            page.signatures = layer.signatures
            _tick(options, "page")
            return page

        # scanned pages may be OCR'd two at a time on an idle worker's CPU (ingest.cpu)
        scanned = options.ocr is OcrMode.ALWAYS or any(not x.usable for x in layers)
        pages = map_pages(read, layers, options.spare_cpu if scanned else None)
    finally:
        doc.close()
    if not any(p.text.strip() for p in pages):
        if options.ocr is OcrMode.NEVER:
            raise FileError("no text layer and OCR is off (--ocr never)", subject=subject,
                            reason=FailReason.NO_TEXT)
        if ocr.unavailable is not None:
            raise ocr.unavailable
    warnings = [f"{_page_list(sorted(nums))}: {msg}" for msg, nums in notes.items()]
    return ParsedFile(path=path, format="pdf", pages=pages, warnings=warnings)


def _page_list(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``pages 1-3, 5``."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(parts)


def read_text_layer(path: Path) -> list[str]:
    """The NFC text layer of every page (legacy fonts converted, no OCR).

    Args:
        path: the PDF file.

    Returns:
        One string per page.
    """
    doc = _open(path)
    try:
        return [p.text for p in _read_layers(doc, path, ParseOptions(ocr=OcrMode.NEVER))]
    finally:
        doc.close()


def page_images(path: Path, folder: Path, *, dpi: int = 300,
                pages: list[int] | None = None) -> list[Path]:
    """Render pages to grayscale PGM files (what the OCR path feeds Tesseract).

    Args:
        path: the PDF file.
        folder: where to write ``page-0001.pgm``, ...
        dpi: resolution.
        pages: 1-based page numbers; all when None.

    Returns:
        The image paths in page order.
    """
    doc = _open(path)
    out = []
    try:
        for number in pages or range(1, len(doc) + 1):
            target = folder / f"page-{number:04d}.pgm"
            _render(doc, number - 1, dpi, target)
            out.append(target)
    finally:
        doc.close()
    return out


# -- opening ------------------------------------------------------------------------------

def _open(path: Path) -> pdfium.PdfDocument:
    subject = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorruptFile(f"cannot read file: {exc.strerror}", subject=subject) from exc
    if size == 0:
        raise EmptyFile("empty file (0 bytes)", subject=subject)
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile("encrypted PDF (password required)", subject=subject) from exc
        if _missing_end(path):
            raise CorruptFile("truncated PDF (end of file missing)", subject=subject,
                              reason=FailReason.TRUNCATED) from exc
        detail = str(exc).replace("Failed to load document ", "").strip("(). ")
        raise CorruptFile(f"corrupt PDF ({detail or 'unreadable'})", subject=subject) from exc


def _missing_end(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    return b"%%EOF" not in tail


# -- text layer -----------------------------------------------------------------------------

def _real_pages(doc: pdfium.PdfDocument, limit: int, gap: int = 64) -> int:
    """How many pages load, up to ``limit`` + 1, counting until ``gap`` pages in a row
    fail to load (a claimed page count beyond the real page tree)."""
    real = last = 0
    for i in range(len(doc)):
        if i - last > gap or real > limit:
            break
        try:
            doc[i].close()
        except pdfium.PdfiumError:
            continue
        real, last = real + 1, i
    return max(real, last + 1 if real else 0)


def _read_layers(doc: pdfium.PdfDocument, path: Path, options: ParseOptions,
                 count: int | None = None) -> list[_LayerPage]:
    layers: list[_LayerPage] = []
    plumber: Any = None
    # pages with annotations that draw something: their raw text and character boxes (None
    # when pdfium found no text in any of their appearances: nothing to merge, most likely)
    annotated: dict[int, tuple[str, list[Box | None] | None]] = {}
    # ... and those of their annotations whose appearance draws no text (see _drawn_annotations)
    textless: dict[int, dict[int, Box]] = {}
    try:
        for i in range(len(doc) if count is None else count):
            try:
                page = doc[i]
            except pdfium.PdfiumError as exc:  # one damaged page must not lose the others
                log.warning("%s: page %d unreadable: %s", path, i + 1, exc)
                layers.append(_LayerPage(i + 1, "", False, False, broken=True))
                continue
            try:
                drawn = _drawn_annotations(page)
                if drawn:
                    textless[i + 1] = {k: box for k, box in drawn.items() if box is not None}
                if options.ocr is OcrMode.ALWAYS:
                    raw = ""
                elif any(box is None for box in drawn.values()):
                    raw, boxes = _page_text_boxes(page)
                    annotated[i + 1] = (raw, boxes)
                else:
                    raw = _page_text(page)
                    if drawn:
                        annotated[i + 1] = (raw, None)
                if drawn and i + 1 not in annotated:
                    annotated[i + 1] = ("", [])
                text = clean_text(raw)
                # the decision rests on the page content, without a signature stamp: a
                # signed scan whose layer holds only "Ký bởi … Ngày ký …" is still a scan
                content = without_signature_stamp(text)
                usable = is_born_digital_text(content)
                stamp_only = content != text and not usable and is_born_digital_text(text)
                # even a page that reads well may hold a heading in .VnTimeH
                hinted = (len(_LEGACY_HINT.findall(raw)) >= _LEGACY_HINT_MIN
                          and _uses_legacy_font(page))
                # a blank page needs no OCR; looking for images costs ~6 ms, so only here
                has_images = not usable and not text.strip() and _has_images(page)
            finally:
                page.close()
            legacy = False
            if hinted:
                if plumber is None:
                    plumber = _open_plumber(path)
                converted = _legacy_text(plumber, i, path) if plumber is not None else None
                if converted is not None:
                    # clean_text only after conversion: TCVN3 "ư" is the soft-hyphen byte
                    fixed = clean_text(converted)
                    if text_quality(fixed) > text_quality(text):
                        text, legacy = fixed, True
                        usable = is_born_digital_text(text)
            layers.append(_LayerPage(i + 1, text, usable, has_images, legacy))
            if stamp_only and not usable:
                layers[-1].distrust = ("text layer holds only a signature stamp (signed scan): "
                                       "read by OCR")
    finally:
        if plumber is not None:
            plumber.close()
    if options.ocr is OcrMode.AUTO and any(x.usable and drops_letters(x.text) for x in layers):
        # the fonts of a file are shared by its pages: OCR every page that has text
        for x in layers:
            if x.usable:
                x.usable = False
                x.distrust = "text layer loses letters (font without a Unicode map): replaced by OCR"
    if annotated:
        _add_annotations(doc, path, layers, annotated, textless)
    return layers


def _add_annotations(doc: pdfium.PdfDocument, path: Path, layers: list[_LayerPage],
                     annotated: dict[int, tuple[str, list[Box | None] | None]],
                     textless: dict[int, dict[int, Box]]) -> None:
    """Merge what widgets and stamps draw into the page text at its position (the number
    and day an e-office stamps over the blanks), and keep the signature fields."""
    from evidence.ingest.signatures import merge_fragments, read_annotations

    found = read_annotations(path, annotated, textless)
    for layer in layers:
        page = found.get(layer.number)
        if page is None:
            continue
        layer.signatures = page.signatures
        raw, boxes = annotated[layer.number]
        if page.fragments and raw.strip():
            if boxes is None:  # pdfminer found text that pdfium did not: read the boxes now
                raw, boxes = _reread_boxes(doc, layer.number)
            if layer.legacy:  # the converted text no longer matches pdfium's characters
                merged = merge_fragments(layer.text, [], page.fragments)
            else:
                merged = merge_fragments(raw, boxes, page.fragments)
            layer.text = clean_text(merged)


def _reread_boxes(doc: pdfium.PdfDocument, number: int) -> tuple[str, list[Box | None]]:
    """The page's raw text and character boxes (no boxes: the page no longer loads)."""
    try:
        page = doc[number - 1]
    except pdfium.PdfiumError:
        return "", []
    try:
        return _page_text_boxes(page)
    finally:
        page.close()


def _drawn_annotations(page: pdfium.PdfPage) -> dict[int, Box | None]:
    """Widget, free-text or stamp annotations that are not hidden and carry an appearance
    (``/AP``), read with raw pdfium calls (~0.3 ms an annotation: pdfium parses its appearance).

    Returns:
        Index in the page's ``/Annots`` -> None, or the annotation's rectangle when its
        normal appearance holds no text object at any depth of nested forms (a signer's
        picture): pdfminer need not interpret it (:func:`~evidence.ingest.signatures.read_annotations`).
    """
    found: dict[int, Box | None] = {}
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
        if not annot:
            continue
        try:
            if (pdfium_c.FPDFAnnot_GetSubtype(annot) in _DRAWN_ANNOTS
                    and not pdfium_c.FPDFAnnot_GetFlags(annot) & _HIDDEN_FLAGS
                    and pdfium_c.FPDFAnnot_HasKey(annot, b"AP")):
                found[k] = None if _appearance_has_text(annot) else _annot_rect(annot)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return found


def _appearance_has_text(annot: Any) -> bool:
    """May the annotation's normal appearance draw text? (pdfium picks the same stream as
    PDF 32000-1 §12.5.5: ``/N``, or its ``/AS`` state; none means nothing is drawn.)"""
    count = pdfium_c.FPDFAnnot_GetObjectCount(annot)
    return count < 0 or any(_holds_text(pdfium_c.FPDFAnnot_GetObject(annot, i))
                            for i in range(count))


def _holds_text(obj: Any, depth: int = 0) -> bool:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH:
        return any(_holds_text(pdfium_c.FPDFFormObj_GetObject(obj, i), depth + 1)
                   for i in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
    # text, an unknown object or forms nested too deep to look into: let pdfminer read it
    return kind not in _TEXTLESS_OBJECTS


def _annot_rect(annot: Any) -> Box | None:
    r = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDFAnnot_GetRect(annot, ctypes.byref(r)):
        return None
    return (min(r.left, r.right), min(r.bottom, r.top), max(r.left, r.right),
            max(r.bottom, r.top))


def _page_text_boxes(page: pdfium.PdfPage) -> tuple[str, list[Box | None]]:
    """The page text and each character's box (None for generated spaces and breaks)."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        n = textpage.count_chars()
        boxes: list[Box | None] = []
        if n == len(text):
            for i in range(n):
                if text[i].isspace():
                    boxes.append(None)
                    continue
                b = textpage.get_charbox(i)
                boxes.append(b if b[2] > b[0] else None)
        text, boxes = _respaced(textpage, text, boxes)
    finally:
        textpage.close()
    return text.replace("\ufffe", "-"), boxes


def _page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        text, _ = _respaced(textpage, textpage.get_text_range(), [])
    finally:
        textpage.close()
    # pdfium marks a hyphen it found at a line break with U+FFFE
    return text.replace("\ufffe", "-")


def _respaced(textpage: pdfium.PdfTextPage, text: str,
              boxes: list[Box | None]) -> tuple[str, list[Box | None]]:
    """The text with the spaces between words that the layer lost put back
    (:func:`~evidence.ingest.textlayer.lost_spaces`, the glyphs' white deciding between
    readings); ``boxes`` (one per character, or empty) get None for each space put in."""
    aligned = textpage.count_chars() == len(text)

    def gap(i: int) -> float | None:
        # loose boxes span each glyph's advance: white between them is white the layout
        # put there (tight boxes add each glyph's side bearings)
        if not aligned or i <= 0:
            return None
        a, b = textpage.get_charbox(i - 1, loose=True), textpage.get_charbox(i, loose=True)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i)
        return (b[0] - a[2]) / size if size > 0 else None

    cuts = lost_spaces(text, gap)
    for k in reversed(cuts):
        text = text[:k] + " " + text[k:]
        if boxes:
            boxes.insert(k, None)
    return text, boxes


def _has_images(page: pdfium.PdfPage) -> bool:
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        del obj
        return True
    return False


def _uses_legacy_font(page: pdfium.PdfPage) -> bool:
    """Any text object in a TCVN3/VNI font? (raw pdfium calls, each font looked up once:
    about 1 ms a page, vs ~150 ms for pdfplumber's chars)."""
    from evidence.ingest.legacy import font_encoding

    seen: set[int] = set()
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        font = pdfium_c.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        if not key or key in seen:
            continue
        seen.add(key)
        size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
        if size <= 1:
            continue
        buf = ctypes.create_string_buffer(size)
        pdfium_c.FPDFFont_GetBaseFontName(font, buf, size)
        if font_encoding(buf.value.decode("latin-1")):
            return True
    return False


def _open_plumber(path: Path) -> Any:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return pdfplumber.open(path)
    except PdfminerException as exc:  # pdfium opened it; pdfminer may still refuse
        log.warning("%s: pdfplumber cannot open the file (%s); legacy fonts not converted",
                    path, exc.args[0] if exc.args else exc)
        return None


def _legacy_text(plumber: Any, index: int, path: Path) -> str | None:
    """Page text with TCVN3/VNI runs converted, or None when no char uses such a font
    (or pdfminer cannot read the page: pdfium's text is kept)."""
    try:
        return _legacy_page(plumber, index)
    except Exception as exc:  # pdfminer on hostile input: any error means "no conversion"
        log.warning("%s: page %d: legacy-font conversion failed (%s: %s)", path, index + 1,
                    type(exc).__name__, exc)
        return None


def _legacy_page(plumber: Any, index: int) -> str | None:
    from evidence.ingest.legacy import convert_run, font_encoding

    page = plumber.pages[index]
    try:
        chars = page.chars
        legacy = sum(1 for c in chars if font_encoding(c.get("fontname")))
        if legacy < _LEGACY_MIN_CHARS and legacy < 0.5 * len(chars):
            return None  # a stray bullet in .VnTime does not make a legacy page
        lines = page.extract_text_lines(return_chars=True)
        out = []
        for line in lines:
            out.append(_convert_line(line["text"], line["chars"], convert_run))
        return "\n".join(out)
    finally:
        page.close()


def _convert_line(text: str, chars: list[dict[str, Any]],
                  convert: Callable[[str, str | None], str]) -> str:
    """Convert each run of ``text`` drawn in one font (spaces join the run before them)."""
    fonts: list[str | None] = [None] * len(text)
    pos = 0
    for c in chars:
        ct = c.get("text") or ""
        k = text.find(ct, pos) if ct else -1
        if k < 0:
            continue
        for m in range(k, k + len(ct)):
            fonts[m] = c.get("fontname")
        pos = k + len(ct)
    for m in range(1, len(fonts)):
        if fonts[m] is None:
            fonts[m] = fonts[m - 1]
    out, start = [], 0
    for m in range(1, len(text) + 1):
        if m == len(text) or fonts[m] != fonts[start]:
            out.append(convert(text[start:m], fonts[start]))
            start = m
    return "".join(out)


# -- OCR ------------------------------------------------------------------------------------

class _Ocr:
    """The OCR engine, resolved on first use (a text PDF never needs Tesseract)."""

    def __init__(self, options: ParseOptions, subject: str) -> None:
        self.options = options
        self.subject = subject
        self.pdfium = threading.Lock()  # pages OCR'd in two threads render one at a time
        self.engine: OcrEngine | None = options.ocr_engine
        self.unavailable: OcrUnavailable | None = None

    def get(self) -> OcrEngine | None:
        if self.engine is None and self.unavailable is None:
            from evidence.ingest.ocr import default_engine

            try:
                self.engine = default_engine()
            except OcrUnavailable as exc:
                exc.subject = self.subject
                self.unavailable = exc
        return self.engine


def _decide(doc: pdfium.PdfDocument, layer: _LayerPage, options: ParseOptions, ocr: _Ocr,
            notes: dict[str, list[int]]) -> Page:
    n, text = layer.number, layer.text

    def note(message: str) -> None:
        notes.setdefault(message, []).append(n)

    if layer.broken:
        note("page unreadable (damaged page object), left empty")
        return Page(number=n, text="")
    if layer.legacy:
        note("legacy-font (TCVN3/VNI) text converted to Unicode")

    if options.ocr is OcrMode.NEVER:
        if not layer.usable:
            note("no usable text layer (OCR off)")
        return Page(number=n, text=text)
    if options.ocr is OcrMode.AUTO:
        if layer.usable:
            return Page(number=n, text=text)
        if not layer.has_images and not text.strip():
            return Page(number=n, text="")  # a blank page: nothing to OCR
    engine = ocr.get()
    if engine is None:
        if options.ocr is OcrMode.ALWAYS and ocr.unavailable is not None:
            raise ocr.unavailable
        note("need OCR but Tesseract is unavailable")
        return Page(number=n, text=text)
    try:
        with tempfile.TemporaryDirectory(prefix="evidence-page-") as tmp:
            image = Path(tmp) / f"page-{n:04d}.pgm"
            try:
                ink, drawn = _render_for_ocr(doc, n - 1, options.dpi, image, ocr.pdfium)
            except pdfium.PdfiumError as exc:
                log.warning("%s: page %d cannot be rendered: %s", ocr.subject, n, exc)
                note("page cannot be rendered for OCR")
                return Page(number=n, text=text)
            result = engine(image)
    except OcrUnavailable as exc:
        # a lazy engine (the pipeline's) finds Tesseract missing only when first called:
        # keep the text pages, fail the file only if nothing was readable (see parse)
        exc.subject = ocr.subject
        ocr.unavailable, ocr.engine = exc, None
        if options.ocr is OcrMode.ALWAYS:
            raise
        note("need OCR but Tesseract is unavailable")
        return Page(number=n, text=text)
    except FileError as exc:
        if exc.reason is not FailReason.TIMEOUT:
            raise
        note(exc.message)
        return Page(number=n, text=text)
    _tick(options, "ocr_page")
    ocr_text = clean_text(result.text)
    if layer.distrust:
        note(layer.distrust)
    elif options.ocr is OcrMode.AUTO and sum(c.isalpha() for c in text) >= MIN_LETTERS:
        layer_q, ocr_q = text_quality(text), text_quality(ocr_text)
        if ocr_q < layer_q + _OCR_MARGIN:
            log.debug("page %d: text layer kept (quality %.2f, OCR %.2f)", n, layer_q, ocr_q)
            return Page(number=n, text=text)
        note("unreadable text layer replaced by OCR")
    if result.rotation:
        note(f"scanned rotated {result.rotation}°, turned for OCR")
    words = list(result.words) if ocr_text == result.text else []
    return Page(number=n, text=ocr_text, ocr=True, confidence=result.confidence, words=words,
                ink=turn_marks(ink, result.rotation), drawn=drawn)


def _render(doc: pdfium.PdfDocument, index: int, dpi: int, target: Path) -> None:
    """The page in grey at ``dpi`` (the benchmark's bare-Tesseract input)."""
    page = doc[index]
    try:
        w, h = page.get_size()
        bitmap = page.render(scale=_capped(w, h, dpi / 72), grayscale=True)
        try:
            image = bitmap.to_pil()
            image.save(target)
            image.close()
        finally:
            bitmap.close()
    finally:
        page.close()


def _render_for_ocr(doc: pdfium.PdfDocument, index: int, dpi: int,
                    target: Path, lock: threading.Lock) -> tuple[list[InkMark], bool]:
    """Render a page in colour for OCR: print layer to ``target``; the ink marks and
    whether the page is drawn (no scanned picture: see :attr:`Page.drawn`) returned.

    The scale comes from the scanned image's real pixels, not the page's nominal size: a
    150 ppi scan is rendered at its own resolution (pdfium would only interpolate) and
    upscaled after its paper is flattened; a phone photo stored as a 15-inch page at
    72 ppi is taken for A4 (see :func:`evidence.ingest.ink.effective_dpi`).
    """
    with lock:  # pdfium is not thread-safe; the rest (flattening, upscaling) runs free
        image, inches, drawn = _render_colour(doc, index, dpi)
    prepared = prepare_page(image, inches, dpi=dpi)
    image.close()
    prepared.image.save(target)
    return prepared.ink, drawn


def _render_colour(doc: pdfium.PdfDocument, index: int,
                   dpi: int) -> tuple[Any, tuple[float, float], bool]:
    """The page in colour at the scan's own resolution (see :func:`_render_for_ocr`), its
    size in inches, and whether it is drawn rather than scanned."""
    page = doc[index]
    try:
        w, h = page.get_size()
        inches = (w / 72, h / 72)
        scale = dpi / 72
        if min(inches) > A3_SHORT_INCHES:  # not a paper size: a photo's pixel size
            scale = dpi * A4_SHORT_INCHES / min(w, h)
        largest = _largest_image(page)
        native = largest[0] if largest is not None else None
        drawn = largest is None or largest[1] < _SCAN_SHARE * w * h
        if native is not None and native < UPSCALE_BELOW * scale:
            scale = native  # its own pixels; prepare_page upscales after flattening
        bitmap = page.render(scale=_capped(w, h, scale))
        try:
            image = bitmap.to_pil()
        finally:
            bitmap.close()
    finally:
        page.close()
    return image, inches, drawn


def _capped(w: float, h: float, scale: float) -> float:
    if w * h * scale * scale > MAX_RENDER_PIXELS:
        return math.sqrt(MAX_RENDER_PIXELS / (w * h))
    return scale


def _largest_image(page: pdfium.PdfPage) -> tuple[float, float] | None:
    """Pixels per point of the largest image on the page and its area in square points
    (None without images)."""
    best: tuple[float, float] | None = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        try:
            px_w, px_h = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except (pdfium.PdfiumError, AttributeError):
            continue
        area = (right - left) * (top - bottom)
        if area <= 0 or px_w <= 0 or px_h <= 0:
            continue
        # a turned image (/Rotate, page transform): compare like with like
        long_px, long_pt = max(px_w, px_h), max(right - left, top - bottom)
        if best is None or area > best[1]:
            best = (long_px / long_pt, area)
    return best


def _tick(options: ParseOptions, what: str) -> None:
    if options.progress is not None:
        options.progress(what, 1)
