"""What a PDF's annotations draw and sign: appearance text, and signature fields.

E-office signing tools (VGCA, VNPT, Viettel) write the number and the day/month of a
document into the page as the visible appearance of a signature widget placed over the
blanks of ``Số:      /BNV-CCHC`` and ``ngày   tháng   năm`` (``../shared/spec/signed-pdf.md``).
The page content then reads ``Số: /BNV-CCHC``; pypdfium2's text page never includes
annotation appearances. This module reads, with pdfminer (already a dependency through
pdfplumber), only the pages that pypdfium2 found to carry widget, free-text or stamp
annotations, and interprets only the appearances in which pdfium found a text object:

- the text each appearance stream draws (``/AP /N``, nested form XObjects included), one
  :class:`Fragment` per drawn line, with its box in PDF user space;
- each signature field (``/FT /Sig``) as a :class:`~evidence.model.Signature`: the
  certificate subject's CN and O from the CMS blob in ``/Contents``, the signing time ``/M``
  as ISO 8601 with its offset, the widget's page and box (fractions of the page, origin top
  left), its visible text, and whether the signed ``/ByteRange`` reaches the end of the file.

:func:`merge_fragments` then puts the fragments into the page text by position: on the
printed line they overlap (the widget box may sit a little above the baseline), between
the characters they fall between, or as a line of their own in reading order. No claim of
cryptographic validity is made.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import warnings
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.model import Signature

__all__ = [
    "Fragment",
    "PageAnnotations",
    "certificate_names",
    "merge_fragments",
    "pdf_date_iso",
    "read_annotations",
]

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space (y up)

#: a fragment joins a printed line when they overlap vertically by this share of the
#: smaller height (the stamped number often sits a few points above the baseline)
_MIN_OVERLAP = 0.25
#: ... and its centre lies within the line's horizontal extent widened by this many points
_X_SLACK = 24.0
_HIDDEN = 2 | 32  # annotation flags Hidden, NoView
#: pdfium's rectangle (float32) and pdfminer's agree to this many points
_SAME_POINT = 0.01
#: a file up to this size is read into memory for pdfminer
_IN_MEMORY = 64 * 1024 * 1024


@dataclass
class Fragment:
    """One line of text drawn by an annotation's appearance."""

    text: str
    box: Box
    signature: bool = False  # drawn by a signature widget


@dataclass
class PageAnnotations:
    fragments: list[Fragment] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


# ---- reading ------------------------------------------------------------------------------

def read_annotations(path: Path, pages: Collection[int],
                     textless: Mapping[int, Mapping[int, Box]] | None = None,
                     ) -> dict[int, PageAnnotations]:
    """Appearance text and signature fields of the given pages.

    Args:
        path: the PDF file.
        pages: 1-based numbers of the pages to read (those with annotations).
        textless: page number -> {index in the page's ``/Annots`` -> rectangle} of the
            annotations whose appearance pdfium found to hold no text object: not
            interpreted (a signer's picture costs pdfminer more than a stamped number),
            provided pdfminer reads the same rectangle at that index.

    Returns:
        Page number -> what its annotations draw and sign; pages without any are absent.
        A file pdfminer cannot read gives ``{}`` (logged): the page text stays as it is.
    """
    if not pages:
        return {}
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            # pdfminer reads in small chunks with a seek each: from memory unless too big
            source = io.BytesIO(fh.read()) if size <= _IN_MEMORY else fh
            return _read(source, set(pages), size, textless or {})
    except Exception as exc:  # pdfminer on hostile input: keep the pdfium text
        log.warning("%s: annotations not read (%s: %s)", path, type(exc).__name__, exc)
        return {}


def _read(fh: Any, wanted: set[int], size: int,
          textless: Mapping[int, Mapping[int, Box]]) -> dict[int, PageAnnotations]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    doc = PDFDocument(_parser_class()(fh))
    rm = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rm, laparams=None)
    interpreter = PDFPageInterpreter(rm, device)
    out: dict[int, PageAnnotations] = {}
    last = max(wanted)
    for number, page in enumerate(PDFPage.create_pages(doc), start=1):
        if number > last:
            break
        if number not in wanted:
            continue
        found = PageAnnotations()
        skip = textless.get(number, {})
        for k, annot in enumerate(_resolve(page.annots) or []):
            try:
                _read_annotation(_resolve(annot), page, number, size, device, interpreter,
                                 found, skip.get(k))
            except Exception as exc:  # one broken annotation must not lose the others
                log.debug("page %d: annotation skipped (%s: %s)", number, type(exc).__name__,
                          exc)
        if found.fragments or found.signatures:
            out[number] = found
    return out


@functools.cache
def _parser_class() -> type:
    """pdfminer's PDFParser, with hex strings decoded by :meth:`bytes.fromhex`.

    pdfminer decodes ``<...>`` with a Python callback per byte: the signature value's
    ``/Contents`` (a CMS blob of 8-30 KB, written in hex) then cost more than everything
    else read from the file. The result is the same bytes, down to pdfminer's reading of a
    lone last digit (``<4e6>`` is ``N\\x06``); should pdfminer's private parser hooks
    change, its own parser is used.
    """
    from pdfminer import psparser
    from pdfminer.pdfparser import PDFParser

    found = getattr(psparser, "END_HEX_STRING", None)
    hooks = ("_parse_hexstring", "_parse_main", "_add_token")
    if not isinstance(found, re.Pattern) or not all(hasattr(PDFParser, h) for h in hooks):
        return PDFParser
    end: re.Pattern[bytes] = found
    space = re.compile(rb"\s")

    class _Parser(PDFParser):
        def _parse_hexstring(self, s: bytes, i: int) -> int:
            m = end.search(s, i)
            if not m:
                self._curtoken += s[i:]
                return len(s)
            j = m.start(0)
            self._curtoken += s[i:j]
            digits = space.sub(b"", self._curtoken).decode("ascii")
            token = bytes.fromhex(digits[: len(digits) & ~1])
            if len(digits) % 2:  # pdfminer reads a lone last digit as that nibble's value
                token += bytes((int(digits[-1], 16),))
            self._add_token(token)
            self._parse1 = self._parse_main
            return j

    return _Parser


def _resolve(obj: Any) -> Any:
    from pdfminer.pdftypes import resolve1

    return resolve1(obj)


def _name(obj: Any) -> str | None:
    obj = _resolve(obj)
    return getattr(obj, "name", None)


def _read_annotation(annot: Any, page: Any, number: int, size: int, device: Any,
                     interpreter: Any, found: PageAnnotations, textless: Box | None) -> None:
    if not isinstance(annot, dict):
        return
    subtype = _name(annot.get("Subtype"))
    if subtype not in ("Widget", "FreeText", "Stamp"):
        return
    flags = _resolve(annot.get("F")) or 0
    if isinstance(flags, int) and flags & _HIDDEN:
        return
    rect = _rect(annot.get("Rect"))
    fieldd = annot
    if "FT" not in annot and isinstance(_resolve(annot.get("Parent")), dict):
        fieldd = _resolve(annot.get("Parent"))
    is_sig = subtype == "Widget" and _name(fieldd.get("FT")) == "Sig"
    lines: list[tuple[str, Box]] = []
    if rect is not None and not (textless is not None and _same_box(rect, textless)):
        lines = _appearance_lines(annot, rect, page, device, interpreter)
    found.fragments.extend(Fragment(text, box, is_sig) for text, box in lines)
    if is_sig:
        value = _resolve(fieldd.get("V"))
        found.signatures.append(_signature(value if isinstance(value, dict) else {}, number,
                                           rect, page, size,
                                           "\n".join(t for t, _ in lines) or None))


def _rect(obj: Any) -> Box | None:
    r = _resolve(obj)
    try:
        x0, y0, x1, y1 = (float(_resolve(v)) for v in r)
    except (TypeError, ValueError):
        return None
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return box if box[2] > box[0] and box[3] > box[1] else None


def _same_box(a: Box, b: Box) -> bool:
    return all(abs(x - y) <= _SAME_POINT for x, y in zip(a, b, strict=True))


def _appearance_lines(annot: Any, rect: Box, page: Any, device: Any,
                      interpreter: Any) -> list[tuple[str, Box]]:
    """The lines of text the normal appearance draws, placed on the page (PDF 32000-1
    §12.5.5: the form's BBox, transformed by its Matrix, is mapped onto the Rect)."""
    from pdfminer.pdftypes import PDFStream
    from pdfminer.utils import apply_matrix_pt, mult_matrix

    ap = _resolve(annot.get("AP"))
    normal = _resolve(ap.get("N")) if isinstance(ap, dict) else None
    if isinstance(normal, dict):  # appearance states (/N << /On ... /Off ... >>)
        state = _name(annot.get("AS"))
        normal = _resolve(normal.get(state)) if state else None
    if not isinstance(normal, PDFStream):
        return []
    bbox = _rect(normal.get("BBox"))
    if bbox is None:
        return []
    raw_matrix = [float(_resolve(v)) for v in _resolve(normal.get("Matrix")) or ()]
    if len(raw_matrix) != 6:
        raw_matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    a, b, c, d, e, f = raw_matrix
    m = (a, b, c, d, e, f)
    corners = [apply_matrix_pt(m, (x, y)) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    bx0, bx1 = min(p[0] for p in corners), max(p[0] for p in corners)
    by0, by1 = min(p[1] for p in corners), max(p[1] for p in corners)
    if bx1 <= bx0 or by1 <= by0:
        return []
    sx, sy = (rect[2] - rect[0]) / (bx1 - bx0), (rect[3] - rect[1]) / (by1 - by0)
    fit = (sx, 0.0, 0.0, sy, rect[0] - bx0 * sx, rect[1] - by0 * sy)
    device.begin_page(page, (1, 0, 0, 1, 0, 0))
    interpreter.render_contents(_resolve(normal.get("Resources")), [normal],
                                ctm=mult_matrix(m, fit))
    device.end_page(page)
    return _lines(list(_chars(device.get_result())))


def _chars(item: Any) -> Any:
    from pdfminer.layout import LTChar

    if isinstance(item, LTChar):
        yield item
    elif hasattr(item, "__iter__"):
        for child in item:
            yield from _chars(child)


def _lines(chars: list[Any]) -> list[tuple[str, Box]]:
    """Group drawn characters into lines (by vertical centre) and words (by gaps)."""
    rows: list[list[Any]] = []
    for c in sorted(chars, key=lambda c: -(c.y0 + c.y1) / 2):
        if not c.get_text().strip():
            continue
        mid, height = (c.y0 + c.y1) / 2, max(c.y1 - c.y0, 1.0)
        if rows:
            row = rows[-1]
            rmid = sum((x.y0 + x.y1) / 2 for x in row) / len(row)
            if abs(mid - rmid) < 0.5 * height:
                row.append(c)
                continue
        rows.append([c])
    out: list[tuple[str, Box]] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        parts: list[str] = []
        prev = None
        for c in row:
            if prev is not None and c.x0 - prev.x1 > 0.2 * max(c.size, prev.size, 1.0):
                parts.append(" ")
            parts.append(c.get_text())
            prev = c
        text = " ".join("".join(parts).split())
        if text:
            out.append((text, (min(c.x0 for c in row), min(c.y0 for c in row),
                               max(c.x1 for c in row), max(c.y1 for c in row))))
    return out


def _signature(value: dict[str, Any], number: int, rect: Box | None, page: Any, size: int,
               stamp_text: str | None) -> Signature:
    contents = _resolve(value.get("Contents"))
    name = org = None
    if isinstance(contents, bytes) and contents.strip(b"\0"):
        name, org = certificate_names(contents)
    when = _resolve(value.get("M"))
    covers = None
    byte_range = _resolve(value.get("ByteRange"))
    try:
        ranges = [int(_resolve(v)) for v in byte_range]
        if len(ranges) >= 4 and len(ranges) % 2 == 0:
            covers = ranges[-2] + ranges[-1] == size
    except (TypeError, ValueError):
        pass
    return Signature(
        name=name, org=org,
        time=pdf_date_iso(_text(when)) if when is not None else None,
        page=number, box=_page_fraction(rect, page) if rect else None,
        stamp_text=stamp_text, covers_whole_file=covers,
    )


def _text(obj: Any) -> str:
    """A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (Latin-1 here)."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, bytes):
        if obj[:2] == b"\xfe\xff":
            return obj[2:].decode("utf-16-be", "replace")
        return obj.decode("latin-1")
    return str(obj)


def _page_fraction(rect: Box, page: Any) -> list[float] | None:
    """The rectangle as fractions of the page as shown (origin top left, /Rotate applied)."""
    box = _rect(page.cropbox) or _rect(page.mediabox)
    if box is None:
        return None
    w, h = box[2] - box[0], box[3] - box[1]
    u0, u1 = (rect[0] - box[0]) / w, (rect[2] - box[0]) / w
    v0, v1 = (box[3] - rect[3]) / h, (box[3] - rect[1]) / h
    rotate = int(getattr(page, "rotate", 0) or 0) % 360
    if rotate == 90:
        u0, v0, u1, v1 = 1 - v1, u0, 1 - v0, u1
    elif rotate == 180:
        u0, v0, u1, v1 = 1 - u1, 1 - v1, 1 - u0, 1 - v0
    elif rotate == 270:
        u0, v0, u1, v1 = v0, 1 - u1, v1, 1 - u0
    return [round(min(1.0, max(0.0, x)), 4) for x in (u0, v0, u1, v1)]


_PDF_DATE = re.compile(
    r"D?:?(?P<y>\d{4})(?P<mo>\d{2})?(?P<d>\d{2})?(?P<h>\d{2})?(?P<mi>\d{2})?(?P<s>\d{2})?"
    r"(?P<tz>[Zz]|[+-]\d{2}'?\d{0,2}'?)?")


def pdf_date_iso(value: str) -> str | None:
    """``D:20251215201821+07'00'`` -> ``2025-12-15T20:18:21+07:00``; None when unreadable
    or without a day."""
    m = _PDF_DATE.match(value.strip())
    if m is None:
        return None
    y, mo, d = m.group("y"), m.group("mo"), m.group("d")
    if mo is None or d is None:  # a time without its day says nothing about a day
        return None
    h, mi, s = m.group("h") or "00", m.group("mi") or "00", m.group("s") or "00"
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31 and int(h) < 24 and int(mi) < 60):
        return None
    tz = m.group("tz") or ""
    if tz in ("Z", "z"):
        tz = "+00:00"
    elif tz:
        digits = re.sub(r"\D", "", tz)
        tz = f"{tz[0]}{digits[:2]}:{(digits[2:4] or '00')}"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}{tz}"


def certificate_names(contents: bytes) -> tuple[str | None, str | None]:
    """Subject CN and O of the signer's certificate in a CMS (PKCS#7) signature.

    The signer's certificate is the one that issued no other certificate of the blob (CA
    certificates of the chain travel with it). Returns ``(None, None)`` when unreadable.
    """
    from cryptography.hazmat.primitives.serialization import pkcs7

    der = _der_prefix(contents)
    try:
        with warnings.catch_warnings():  # over-long names in real certificates
            warnings.simplefilter("ignore")
            certs = pkcs7.load_der_pkcs7_certificates(der)
            return _subject_names(certs)
    except Exception:  # not CMS, or a structure cryptography does not accept
        return None, None


def _subject_names(certs: list[Any]) -> tuple[str | None, str | None]:
    from cryptography.x509.oid import NameOID

    if not certs:
        return None, None
    issuers = {c.issuer.rfc4514_string() for c in certs}
    leaves = [c for c in certs if c.subject.rfc4514_string() not in issuers]
    cert = leaves[0] if leaves else certs[0]

    def attr(oid: Any) -> str | None:
        values = cert.subject.get_attributes_for_oid(oid)
        if not values:
            return None
        v = values[0].value
        text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        return " ".join(text.split()) or None

    return attr(NameOID.COMMON_NAME), attr(NameOID.ORGANIZATION_NAME)


def _der_prefix(data: bytes) -> bytes:
    """The DER object at the start of ``data`` (``/Contents`` is padded with zeros)."""
    if len(data) < 2 or data[0] != 0x30:
        return data
    first = data[1]
    if first < 0x80:
        return data[: 2 + first]
    n = first & 0x7F
    if n == 0 or n > 4 or len(data) < 2 + n:
        return data.rstrip(b"\0")
    length = int.from_bytes(data[2 : 2 + n], "big")
    return data[: 2 + n + length]


# ---- merging into the page text -------------------------------------------------------------

@dataclass
class _Line:
    start: int  # offset of the line in the text
    end: int
    box: Box | None  # union of its characters' boxes


def merge_fragments(text: str, boxes: Sequence[Box | None],
                    fragments: Sequence[Fragment]) -> str:
    """Put annotation text into a page's text where it is drawn.

    Args:
        text: the page text as pypdfium2 gives it (lines separated by ``\\r\\n`` or ``\\n``).
        boxes: one box per character of ``text`` (None for generated characters).
        fragments: lines drawn by annotations.

    Returns:
        The text with each fragment inserted into the printed line it overlaps — between
        the characters left and right of it, spaced — or as a line of its own before the
        first printed line below it. With ``boxes`` not matching ``text``, the fragments are
        appended as lines at the end.
    """
    frags = [f for f in fragments if f.text.strip()]
    if not frags:
        return text
    if len(boxes) != len(text):
        return "\n".join([text.rstrip("\r\n"), *(f.text for f in _reading_order(frags))])
    lines = _split_lines(text, boxes)
    inserts: dict[int, list[tuple[float, str]]] = {}  # line -> (x centre, text)
    before: dict[int, list[Fragment]] = {}  # line -> new lines before it
    for f in _reading_order(frags):
        k = _host_line(f, lines)
        if k is not None:
            inserts.setdefault(k, []).append(((f.box[0] + f.box[2]) / 2, f.text))
        else:
            before.setdefault(_line_below(f, lines), []).append(f)
    out: list[str] = []
    for k, line in enumerate(lines):
        out.extend(f.text for f in before.get(k, []))
        out.append(_insert_in_line(text, boxes, line, inserts.get(k, [])))
    out.extend(f.text for f in before.get(len(lines), []))
    return "\n".join(out)


def _reading_order(frags: Sequence[Fragment]) -> list[Fragment]:
    return sorted(frags, key=lambda f: (-round(f.box[3]), f.box[0]))


def _split_lines(text: str, boxes: Sequence[Box | None]) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        lines.append(_line(start, m.start(), boxes))
        start = m.end()
    lines.append(_line(start, len(text), boxes))
    return lines


def _line(start: int, end: int, boxes: Sequence[Box | None]) -> _Line:
    real = [b for b in boxes[start:end] if b is not None]
    if not real:
        return _Line(start, end, None)
    return _Line(start, end, (min(b[0] for b in real), min(b[1] for b in real),
                              max(b[2] for b in real), max(b[3] for b in real)))


def _host_line(f: Fragment, lines: Sequence[_Line]) -> int | None:
    """The printed line the fragment overlaps most (vertically, within its columns)."""
    best, best_share = None, _MIN_OVERLAP
    cx = (f.box[0] + f.box[2]) / 2
    fh = f.box[3] - f.box[1]
    for k, line in enumerate(lines):
        b = line.box
        if b is None or not (b[0] - _X_SLACK <= cx <= b[2] + _X_SLACK):
            continue
        overlap = min(f.box[3], b[3]) - max(f.box[1], b[1])
        share = overlap / max(1e-6, min(fh, b[3] - b[1]))
        if share > best_share:
            best, best_share = k, share
    return best


def _line_below(f: Fragment, lines: Sequence[_Line]) -> int:
    """Index of the first printed line (in text order) lying below the fragment."""
    mid = (f.box[1] + f.box[3]) / 2
    for k, line in enumerate(lines):
        if line.box is not None and (line.box[1] + line.box[3]) / 2 < mid:
            return k
    return len(lines)


def _insert_in_line(text: str, boxes: Sequence[Box | None], line: _Line,
                    items: list[tuple[float, str]]) -> str:
    s = text[line.start:line.end]
    if not items:
        return s
    cuts: list[tuple[int, str]] = []
    for x, frag in items:
        # after the last drawn character whose centre lies left of the fragment's centre
        pos = 0
        for i in range(line.start, line.end):
            b = boxes[i]
            if b is not None and not text[i].isspace() and (b[0] + b[2]) / 2 <= x:
                pos = i - line.start + 1
        cuts.append((pos, frag))
    for pos, frag in sorted(cuts, key=lambda c: c[0], reverse=True):
        left, right = s[:pos], s[pos:]
        pad_left = "" if not left or left[-1].isspace() else " "
        pad_right = "" if not right or right[0].isspace() else " "
        s = f"{left}{pad_left}{frag}{pad_right}{right}"
    return s
