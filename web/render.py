"""Page images of stored documents, rendered from the original files and cached, and the
place of each extracted field on its page.

Only files the catalogue lists are ever opened (the caller passes a stored
:class:`~evidence.model.Document`), so no request can name a path of its own. PDFs are
rendered with pypdfium2; images are converted; DOCX, DOC and XLSX go through a PDF made
once by LibreOffice (cached beside the images); plain text has no image.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.model import Document

__all__ = ["PageSource", "field_boxes", "page_image", "page_sources"]

CACHE_DIR = "web-cache"
DPI = 110
_OFFICE = {"docx", "doc", "xlsx"}
_lock = threading.Lock()


@dataclass(frozen=True)
class PageSource:
    """Where page ``n`` of a document comes from: a file and its 1-based page."""

    path: str
    page: int
    kind: str  # pdf | image | office | text


def _kind(path: str, fmt: str) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    if fmt == "pdf" or ext == "pdf":
        return "pdf"
    if fmt == "image":
        return "image"
    if fmt in _OFFICE or ext in _OFFICE:
        return "office"
    return "text"


def page_sources(doc: Document) -> list[PageSource]:
    """One :class:`PageSource` per page of the document, in order."""
    out = []
    for p in doc.page_texts:
        path = p.source or doc.path
        out.append(PageSource(path, p.number, _kind(path, doc.format)))
    return out


def _key(path: str) -> str:
    st = os.stat(path)
    return hashlib.sha256(f"{path}\0{st.st_mtime_ns}\0{st.st_size}".encode()).hexdigest()[:32]


def _office_pdf(path: str, cache: Path) -> Path | None:
    """A PDF rendering of an office file, made once by the ingest's own offline LibreOffice
    conversion (:func:`evidence.ingest.formats.doc.convert`: no network, no macros)."""
    target = cache / f"{_key(path)}.pdf"
    if target.exists():
        return target
    from evidence.errors import EvidenceError
    from evidence.ingest.formats.doc import convert

    with tempfile.TemporaryDirectory(prefix="evidence-web-") as tmp:
        try:
            made = convert(Path(path), Path(tmp), to="pdf")
        except (EvidenceError, OSError):
            return None
        shutil.move(str(made), target)  # across file systems too
    return target


def page_image(doc: Document, n: int, home: Path) -> Path | None:
    """The PNG of page ``n`` (1-based) of ``doc``, rendered once and cached under the
    store's ``web-cache/``; None when the page has no image (plain text, unreadable)."""
    sources = page_sources(doc)
    if not 1 <= n <= len(sources):
        return None
    src = sources[n - 1]
    if src.kind == "text":
        return None
    cache = home / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    try:
        target = cache / f"{_key(src.path)}-{src.page}.png"
    except OSError:
        return None
    if target.exists():
        return target
    with _lock:
        if target.exists():
            return target
        try:
            image = _render(src, cache)
        except Exception:  # a damaged original shows no image, never a server error
            return None
        if image is None:
            return None
        tmp = target.with_suffix(".tmp.png")
        image.save(tmp, "PNG", optimize=False)
        os.replace(tmp, target)
    return target


def _render(src: PageSource, cache: Path) -> Any:
    from PIL import Image

    if src.kind == "image":
        with Image.open(src.path) as im:
            if getattr(im, "n_frames", 1) >= src.page:
                im.seek(src.page - 1)
            img = im.convert("RGB")
        img.thumbnail((1400, 1400 * 1.5))
        return img
    pdf_path = src.path if src.kind == "pdf" else _office_pdf(src.path, cache)
    if pdf_path is None:
        return None
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        if src.page > len(doc):
            return None
        page = doc[src.page - 1]
        return page.render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def field_boxes(doc: Document) -> dict[str, dict[str, object]]:
    """``{field: {"page": n, "box": [x0, y0, x1, y1]}}`` (fractions of the page, origin top
    left) for every extracted field with provenance: the OCR box when extraction recorded
    one, else the place of its text on a PDF page's text layer."""
    out: dict[str, dict[str, object]] = {}
    sources = page_sources(doc)
    pending: dict[int, list[tuple[str, str]]] = {}
    for name, span in doc.facts.provenance.items():
        if span.box:
            out[name] = {"page": span.page, "box": list(span.box)}
        elif 1 <= span.page <= len(sources) and sources[span.page - 1].kind == "pdf":
            text = " ".join((span.text or "").split())
            if len(text) >= 2:
                pending.setdefault(span.page, []).append((name, text))
    for n, wanted in pending.items():
        src = sources[n - 1]
        try:
            boxes = _pdf_text_boxes(src.path, src.page, wanted)
        except Exception:
            continue
        for name, box in boxes.items():
            out[name] = {"page": n, "box": box}
    return out


def _pdf_text_boxes(path: str, page_no: int, wanted: list[tuple[str, str]]) -> dict[str, list[float]]:
    import pypdfium2 as pdfium

    out: dict[str, list[float]] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[page_no - 1]
        width, height = page.get_size()
        textpage = page.get_textpage()
        for name, text in wanted:
            # the first words are enough to place a field; long texts wrap over lines
            probe = " ".join(text.split()[:6])
            searcher = textpage.search(probe, match_case=False)
            hit = searcher.get_next()
            if not hit:
                continue
            index, count = hit
            rects = [textpage.get_rect(i) for i in range(textpage.count_rects(index, count))]
            if not rects:
                continue
            x0 = min(r[0] for r in rects)
            x1 = max(r[2] for r in rects)
            top = max(r[3] for r in rects)
            bottom = min(r[1] for r in rects)
            out[name] = [round(x0 / width, 4), round(1 - top / height, 4),
                         round(x1 / width, 4), round(1 - bottom / height, 4)]
    finally:
        pdf.close()
    return out
