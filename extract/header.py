"""Header of a Decree-30 document: issuer, number/symbol, place and date, type, subject.

The header is two columns (issuer, Số, V/v on the left; motto, place-date on the right)
that text extraction delivers interleaved in any order: cells of one line separated by wide
gaps, whole columns one after the other, or glued with one space (OCR). Every anchor is
found independently (``../shared/spec/vn-format.md`` §1):

- the motto (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``, ``Độc lập - Tự do - Hạnh phúc``) is cut
  out of whatever line it sits in;
- ``Số:`` (or ``Luật số:``) followed by a symbol or a blank number;
- ``<Place>, ngày … tháng … năm <yyyy>``, tolerating OCR garbage in the day or month;
- the issuer: upper-case cells above the first of these anchors;
- the type line: an upper-case cell that starts with a type name (``QUYẾT ĐỊNH``);
- the subject: the lines after the type line, or the ``V/v`` lines of a công văn.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .bundle import motto_start
from .casing import cap, is_upper_text, sentence_case
from .dates import DateMatch, adoption_date, damaged_date_line, find_dates, iso_date
from .doctypes import STATE_CODES, is_type_code, type_from_damaged_name, type_from_name
from .gazetteer import company_name_end
from .normalize import fold
from .symbols import SymbolParts, find_symbols, normalize_symbol, parse_symbol, repair_ocr_symbol

__all__ = [
    "NOI_NHAN",
    "Cell",
    "HeaderFacts",
    "parse_header",
    "split_cells",
]

log = logging.getLogger(__name__)

HEADER_LINES = 45  # the header never runs longer than this many non-blank lines


@dataclass(frozen=True)
class Cell:
    """A piece of a line (one column), with offsets in the whole text."""

    text: str
    start: int
    end: int
    line: int  # 0-based line index
    first: bool  # first cell of its line


@dataclass
class HeaderFacts:
    """What the header says; ``spans`` maps field names to (start, end, text) in the text."""

    symbol: SymbolParts | None = None
    number_unreadable: bool = False
    symbol_line: bool = False
    date: str | None = None
    date_unreadable: bool = False
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    type_code: str | None = None
    type_name: str | None = None
    subject: str | None = None
    # the title block as printed: the type line (or the V/v line) and the trích yếu lines
    title_lines: list[str] = field(default_factory=list)
    vv: bool = False
    party_motto: bool = False  # "ĐẢNG CỘNG SẢN VIỆT NAM" instead of the national motto
    issuers: list[str] = field(default_factory=list)  # joint documents: every issuing body
    # numbers and dates that are not the document's: (kind, number, iso date, text, start)
    stamps: list[tuple[str, str | None, str | None, str, int]] = field(default_factory=list)
    review: list[tuple[str, str, str]] = field(default_factory=list)  # (field, reason, detail)
    spans: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- cells and anchors

_MOTTO = re.compile(
    r"C\wNG\s+H\w{2}\s+X\w\s+H\wI\s+CH\w\s+NGH\wA\s+V\S{1,6}\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+[Pp]húc"
    r"|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    # the Youth Union prints its name where the national motto stands (not the central
    # committee's own line "BCH TRUNG ƯƠNG ĐOÀN TNCS HỒ CHÍ MINH")
    r"|(?<!ƯƠNG\s)ĐOÀN\s+(?:TNCS|THANH\s+NIÊN\s+CỘNG\s+SẢN)\s+HỒ\s+CHÍ\s+MINH",
    re.IGNORECASE,
)
_GAP = re.compile(r"\t+|[ \u00a0]{3,}| _ | \| | — ")
# a signer prefix glued to the left column: "- Lưu: VT, VP.TL. CHỦ TỊCH", "Nơi nhận: TM. ỦY BAN"
_GLUED_PREFIX = re.compile(r"(?<=[^\s])(?<![A-ZĐ])(?=(?:TM|KT|TL|TUQ)\.\s*[A-ZĐỦ][A-ZĐÀ-Ỹ]+\s+[A-ZĐÀ-Ỹ])|(?<=:\s)(?=(?:TM|KT|TL|TUQ)\.\s*[A-ZĐỦ])|(?<=[a-zà-ỹđ;,)]\s)(?=(?:TM|KT|TL|TUQ)\.\s*[A-ZĐỦ]\w*\s+[A-ZĐỦ])")
# the recipients' anchor (also read by extract.recipients)
NOI_NHAN = re.compile(r"(?:N[ơo]i\s+nh[ậa]n|N[ƠO]I\s+NH[ẬA]N)\s*:?")
_GLUED_TITLE = re.compile(
    r"(?<=\S\s)(?<!PHÓ\s)(?<!TM\.\s)(?<!KT\.\s)(?<!TL\.\s)(?<!TUQ\.\s)(?=(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|"
    r"CỤC\s+TRƯỞNG|TRƯỞNG\s+[A-ZĐÀ-Ỹ]+)\s*$)",
    re.MULTILINE,
)
_RULE = re.compile(r"^[\s\-–—_=*.·~]*$")


def split_cells(text: str, start: int = 0, stop: int | None = None) -> list[Cell]:
    """Split lines of ``text[start:stop]`` into column cells (wide gaps, tabs, the motto)."""
    cells: list[Cell] = []
    stop = len(text) if stop is None else stop
    pos = start
    line_no = text.count("\n", 0, start)
    while pos < stop:
        nl = text.find("\n", pos, stop)
        end = stop if nl < 0 else nl
        first = True
        for cs, ce in _cell_bounds(text, pos, end):
            cells.append(Cell(text[cs:ce], cs, ce, line_no, first))
            first = False
        pos = end + 1
        line_no += 1
    return cells


def _cell_bounds(text: str, s: int, e: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cut = [s]
    for m in _GAP.finditer(text, s, e):
        cut += [m.start(), m.end()]
    for m in _MOTTO.finditer(text, s, e):
        cut += [m.start(), m.start(), m.end(), m.end()]
    if not _MOTTO.search(text, s, e) and (glued := _glued_motto(text, s, e)) is not None:
        cut += [glued, glued]
    for m in _GLUED_PREFIX.finditer(text, s, e):
        cut += [m.start(), m.start()]
    line = text[s:e].lstrip()
    if (line.startswith(("-", "+", "~")) or NOI_NHAN.match(line)) and not _GAP.search(text, s, e):
        # a recipient line with the signer's title glued at its end: "- Lưu: VT.NV PHÓ CHỦ
        # TỊCH", "Nơi nhận: TRƯỞNG BAN"
        tm = _GLUED_TITLE.search(text, s, e)
        if tm:
            cut += [tm.start(), tm.start()]
    cut.append(e)
    cut.sort()
    for a, b in zip(cut[0::2], cut[1::2], strict=False):
        if b <= a:
            continue
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            pieces.append((a + lead, a + trail))
    # a wide gap inside "Số:      /SCT-CN" or "ngày      tháng      năm 2026" is a blank
    # field, not a column break: glue such pieces back together
    merged: list[tuple[int, int]] = []
    for p in pieces:
        if merged and (
            _GLUE_LEFT.search(text[merged[-1][0] : merged[-1][1]])
            or _GLUE_RIGHT.match(text[p[0] : p[1]])
        ) and not _MOTTO.match(text, p[0]) and not _MOTTO.search(text, merged[-1][0], merged[-1][1]):
            merged[-1] = (merged[-1][0], p[1])
        else:
            merged.append(p)
    return merged


_GLUE_LEFT = re.compile(r"(?:\b(?:số|SỐ|Số)\s*:?|ngày|NGÀY|tháng|THÁNG|[/–-])$", re.IGNORECASE)
_GLUE_RIGHT = re.compile(r"^(?:[/–-]|tháng\b|năm\b|THÁNG\b|NĂM\b)")


# "Số" capitalised, or "số:" with its colon (OCR lower-cases it); a wrapped body line that
# starts with "số 512/QĐ-UBND" is not the Số line
_SO = re.compile(
    r"(?:(?<=\s)|^)(?:Luật\s+|LUẬT\s+)?(?:(?:Số|SỐ|Sô|S0)\s*(?:hiệu)?\s*[:.;]?|số\s*(?:hiệu)?\s*:)",
    re.MULTILINE,
)
# the Số label as Tesseract misreads it beside a seal or handwriting ("Sá:", "§0:", "$ố:",
# "Só:"): with its colon, at the start of a line (after OCR specks: "___=§0:40/HCCV"), in
# the first lines of the text, and only before a symbol of :data:`_MISREAD_SHAPE`
_SO_MISREAD_LABEL = r"[S$§][oóòỏõọôốồổỗộơớờởỡợaáàảãạ06ø][:;]"
_SO_MISREAD = re.compile(r"^(?:[^\w\s]|_){0,6}[ \t]*" + _SO_MISREAD_LABEL, re.IGNORECASE)


def is_misread_so_label(word: str) -> bool:
    """One OCR word that is the ``Số:`` label as Tesseract misreads it beside a seal or
    handwriting (``Sá:``, ``§0:``, ``$ố:``, ``S6:``): the one test of it, for the header
    reader's Số line and for the layout check's number slot."""
    return re.fullmatch(_SO_MISREAD_LABEL, word, re.IGNORECASE) is not None


MISREAD_LABEL_LINES = 15
# its slash then a code of two letters at least: "409/BCA-C04", "40/HCCV", "/KH-TCTLNTW"
_MISREAD_SHAPE = re.compile(r"/[A-ZĐ][A-Za-zĐđ]")
# a date line: place (no digits), comma, ngày <junk> tháng <junk> năm yyyy (a year followed
# by more digits is OCR garbage, "năm 209235": no year)
_DATE_LINE = re.compile(
    r"(?P<place>[^\d,\n:;()]{2,40}?)\s*,\s*ngày(?P<d>[^\n]{0,30}?)tháng(?P<m>[^\n]{0,30}?)năm\s*(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_DATE_LINE_SHORT = re.compile(
    r"(?P<place>[^\d,\n:;()]{2,40}?)\s*,\s*ngày\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*"
    r"(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_DATE_LINE_GARBLED = re.compile(
    r"(?P<place>[^\d,\n:;()]{2,40}?)\s*,\s*ngày(?P<junk>[^\n]{1,40}?)năm\s*(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_DATE_LINE_LOOSE = re.compile(
    r"(?P<place>[A-ZĐ][^\d,\n:;()]{1,38}?)\s+ngày(?P<d>[^\n]{0,30}?)tháng(?P<m>[^\n]{0,30}?)năm\s*(?P<y>(?:19|20)\d\d)(?!\d)"
)
_BODY_START = re.compile(
    r"^\s*(?:Căn\s+cứ|CĂN\s+CỨ|Kính\s+gửi|KÍNH\s+GỬI|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị"
    r"|Điều\s+1\b|Chương\s+I\b|Hôm\s+nay|Ngày\s+\d{1,2}\s*(?:/|tháng)(?!.*năm\s*(?:19|20)\d\d\s*$))"
)
# a header date line without a place: "Ngày 3 tháng 5 năm 2024" alone in its cell; a
# certificate's "Chứng nhận lần đầu: ngày …" / "Đăng ký thay đổi lần thứ 2: ngày …" (the
# last of them dates the certificate as issued)
_DATE_ALONE = re.compile(
    r"^(?P<label>(?:chứng\s+nhận|đăng\s+ký|cấp)\s+(?:lần\s+đầu|thay\s+đổi\s+lần\s+thứ\s+\S{1,6})"
    r"\s*:\s*)?"
    r"\(?\s*ngày(?P<d>[^\n]{0,12}?)tháng(?P<m>[^\n]{0,12}?)năm\s*(?P<y>(?:19|20)\d\d)(?!\d)\s*\)?\.?$",
    re.IGNORECASE,
)

# stamps and e-signature lines: their numbers and dates are never the document's
_STAMP_HEAD = (
    ("incoming", re.compile(r"^(?:CÔNG\s+VĂN\s+|VĂN\s+BẢN\s+)?(?:ĐẾN|DEN)(?:\s*[:.]?\s*$|\s+(?:Số|SỐ|số|Ngày|NGÀY|ngày)\b)"
                            r"|\bSố\s+đến\s*:", re.IGNORECASE)),
    ("copy", re.compile(r"\bSAO\s+Y\b|\bBẢN\s+SAO\b(?=.*\d)|\bSAO\s+LỤC\b|\bTRÍCH\s+SAO\b")),
    ("signed", re.compile(r"Ký\s+bởi\s*:|Ngày\s+ký\s*:|Thời\s+gian\s+ký\s*:|Giờ\s+ký\s*:"
                          r"|Cơ\s+quan\s+phát\s+hành\s*:|Người\s+ký\s*:", re.IGNORECASE)),
)
# the lines of an incoming stamp under its "ĐẾN" head
_STAMP_TAIL = re.compile(r"^(?:Số|SỐ|Ngày|NGÀY|Giờ|Chuyển|CHUYỂN|Lưu\s+hồ\s+sơ)\b\s*[:.]?", re.IGNORECASE)
_STAMP_NUMBER = re.compile(r"(?:Số|SỐ)\s*(?:đến\s*)?[:.]?\s*(?P<n>\d{1,6})(?![\d/])")
_STAMP_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d{2})-(?P<d>\d{2})")
_STAMP_DATE = re.compile(r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d\d)")
_SUBJECT_STOP = re.compile(r"^\s*(?:\(|(?:[IVX]+|\d+)[.)]\s)")


def _is_motto(cell: str) -> bool:
    words = cell.split()
    return bool(_MOTTO.fullmatch(cell.strip())) or (
        len(words) <= 9 and motto_start(words) == 0)


def _glued_motto(text: str, s: int, e: int) -> int | None:
    """Where a motto that OCR read on the issuer's line begins ("BỘ CÔNG THƯƠNG CỘNG HÒA
    XÃ. HỘI …", too garbled for :data:`_MOTTO`): after capitals only, never in a sentence
    ("… Hiến pháp nước Cộng hòa xã hội …")."""
    words = list(re.finditer(r"\S+", text[s:e]))
    k = motto_start([m.group() for m in words])
    if not k or not is_upper_text(text[s : s + words[k].start()]):
        return None
    return s + words[k].start()


def _clean_number(raw: str) -> tuple[str | None, bool]:
    """A number read from a Số line: digits as printed; OCR I/l/O look-alikes mapped when
    the whole token is made of them; anything else is unreadable (``None``, True)."""
    tok = raw.strip()
    if re.fullmatch(r"\d{1,5}(?:\.\d{1,3})?", tok):
        return tok, False
    if re.fullmatch(r"[\dIlO|]{1,5}", tok) and re.search(r"[IlO|]", tok):
        return tok.translate(str.maketrans("Il|O", "1110")), False
    return None, True


_GARBLED_NUMBER = re.compile(
    r"^[ \t]*(?P<junk>[^\s/][^/\n]{0,11}?)[ \t]*(?P<rest>/[ \t]*(?:(?:19|20)\d\d[ \t]*/[ \t]*)?[A-ZĐ][^\s,;]*)"
)


def _find_symbol(text: str, cells: list[Cell]) -> tuple[SymbolParts | None, bool, Cell | None]:
    """The Số line: the first cell with ``Số:`` followed by a symbol (or a blank number).

    A capitalised ``SỐ`` without a colon inside an upper-case issuer block (``ĐOÀN KIỂM
    TRA THEO QUYẾT ĐỊNH SỐ 1050/QĐ-SCT``) names another document: it is taken only when no
    proper Số line exists.
    """
    weak = [c for c in cells if re.match(r"\s*SỐ\s+\d", c.text)]
    strong = [c for c in cells if c not in weak]
    for group in (strong, weak):
        found = _find_symbol_in(text, group)
        if found[0] is not None:
            return found
    # the label misread by OCR ("Sá: 409 /BCA-C04", "___=§0:40/HCCV"): only at the start of
    # a line of the header band, and only before a symbol with its slash and codes
    misread = [c for c in cells if c.line < MISREAD_LABEL_LINES and _SO_MISREAD.match(c.text)]
    return _find_symbol_in(text, misread, _SO_MISREAD, _MISREAD_SHAPE)


_GLUED_TYPE = re.compile(r"^[ \t]*(?P<num>\d{1,5})(?P<code>[A-ZĐ][A-Za-zĐ]{0,3})(?=[ \t]*-[ \t]*[A-ZĐ])")
# an office's running number of its internal papers: "Số: 138-12/PT-NC" (the 138th, in
# December), "Số: 20-01/26/PT-NC" (and the year)
_RUNNING_NUMBER = re.compile(
    r"^[ \t]*(?P<num>\d{1,5}-\d{1,2}(?:/\d{2})?)(?P<rest>/[A-ZĐ][A-Za-zĐđ]{0,3}-[A-ZĐ][^\s,;]*)")
_BRACKET_UNIT = re.compile(r"[ \t]?(\([A-ZĐ][A-ZĐ0-9.&-]{0,11}\))")
_DOTTED_UNIT = re.compile(r"(\.[A-ZĐ][A-ZĐ0-9]{0,7})(?![\wđĐ&.(/-])")


def _find_symbol_in(text: str, cells: list[Cell], label: re.Pattern[str] = _SO,
                    shape: re.Pattern[str] | None = None,
                    ) -> tuple[SymbolParts | None, bool, Cell | None]:
    """The first of ``cells`` that holds a Số line (its ``label``, then a symbol whose
    text contains ``shape`` when given)."""
    for i, c in enumerate(cells):
        m = label.search(c.text)
        if not m or m.start() > 12:
            continue
        found = _symbol_after_label(text, cells, i, m)
        if found is not None and (shape is None or shape.search(found[0].symbol)):
            return found[0], found[1], c
    return None, False, None


def _symbol_after_label(text: str, cells: list[Cell], i: int,
                        m: re.Match[str]) -> tuple[SymbolParts, bool] | None:
    """The symbol after the Số label ``m`` of ``cells[i]`` and whether its number is
    unreadable; None when no symbol follows."""
    c = cells[i]
    after = c.text[m.end():]
    parts = parse_symbol("Số:" + after)
    if parts is not None and parts.start - 3 <= len(after) - len(after.lstrip()) + 2:
        off = c.start + m.end() - 3
        parts.start += off
        parts.end += off
        if text[parts.end : parts.end + 1] == "-":
            parts = _continued_symbol(text, cells[i + 1 :], c, parts)
        # "403/TTr-CAT(PC04)", "03/BC-LĐVTCT.LĐ": a unit in brackets or after a dot is
        # printed with the symbol (after its dash: "43/2025/TT.BCT" is a lost dash)
        unit = _BRACKET_UNIT.match(text, parts.end) or (
            _DOTTED_UNIT.match(text, parts.end)
            if not parts.party and "-" in parts.symbol.rsplit("/", 1)[-1] else None)
        if unit:
            parts.symbol += unit.group(1)
            parts.units = [*parts.units, unit.group(1).strip("().")]
            parts.end = unit.end()
        return parts, False
    run = _RUNNING_NUMBER.match(after)
    if run:
        rest = parse_symbol(f"Số: 1{run.group('rest')}")
        code = run.group("rest")[1:].split("-", 1)[0]
        # a type code after it (an internal paper: PT, TTr, BC …), not a công văn's issuer
        if rest is not None and is_type_code(code) and not rest.party \
                and rest.symbol == f"1{run.group('rest')}":
            off = c.start + m.end()
            rest.number = run.group("num")
            rest.symbol = run.group("num") + run.group("rest")
            rest.start, rest.end = off + run.start("num"), off + run.end("rest")
            return rest, False
    glued = _GLUED_TYPE.match(after)
    if glued and is_type_code(glued.group("code")):
        # "Số: 01NQ-HĐQLQ": the slash lost between the digits and a type code
        fixed = parse_symbol(f"Số: {glued.group('num')}/{after[glued.start('code'):]}")
        if fixed is not None:
            off = c.start + m.end()
            inserted = len(f"Số: {glued.group('num')}/")  # maps back to the code
            fixed.start = off + glued.start("num")
            fixed.end = off + glued.start("code") + fixed.end - inserted
            return fixed, False
    g = _GARBLED_NUMBER.match(after)
    if g:
        num, bad = _clean_number(g.group("junk"))
        rest = parse_symbol("Số:" + g.group("rest"))
        if rest is not None:
            off = c.start + m.end()
            if num is not None:
                fixed = parse_symbol(f"Số: {num}{g.group('rest')}")
                if fixed is not None:
                    fixed.start, fixed.end = off + g.start("junk"), off + g.end("rest")
                    return fixed, False
            # the token read to its end, unless a damaged code stopped the parse inside it
            stop = 3 + len(g.group("rest")) if not _CUT_CODE.match(
                "Số:" + g.group("rest"), rest.end) else rest.end
            rest.start, rest.end = off + g.start("rest"), off + g.start("rest") + stop - 3
            return rest, bad
    return None


def _plausible_place(place: str) -> bool:
    """A place name ends with a capitalised word ("Hà Nội"); "Hôm nay, ngày …" is a
    sentence of the body, not a place-date line."""
    words = place.replace(".", " ").split()
    return bool(words) and words[-1][:1].isupper()


_SYMBOL_TAIL = re.compile(r"^[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ][A-ZĐ0-9]*)*$")


def _continued_symbol(text: str, rest: list[Cell], cell: Cell, parts: SymbolParts) -> SymbolParts:
    """A long joint symbol wrapped onto the next line: ``24/HDLN-BCA-BQP-BYT-`` /
    ``BCT-BTC-VKSNDTC-TANDTC`` (the next line's first cell holds only codes)."""
    nxt = next((c for c in rest if c.first and cell.line < c.line <= cell.line + 3), None)
    if nxt is None or not _SYMBOL_TAIL.match(nxt.text.strip()):
        return parts
    joined = parse_symbol(f"Số: {parts.symbol}-{nxt.text.strip()}")
    if joined is None:
        return parts
    joined.start, joined.end = parts.start, nxt.end
    return joined


def _find_date(cells: list[Cell], text: str, after: int | None = None) -> tuple[re.Match[str] | None, Cell | None]:
    for rx in (_DATE_LINE, _DATE_LINE_SHORT):
        for c in cells:
            m = rx.search(c.text)
            if m and _plausible_place(m.group("place")):
                return m, c
    # OCR often drops the comma: "Hà Nội ngày 05 tháng 3 năm 2024" (capitalised place words)
    for c in cells:
        m = _DATE_LINE_LOOSE.match(c.text.strip())
        if m and all(w[:1].isupper() or w == "." for w in m.group("place").split()):
            return _DATE_LINE_LOOSE.search(c.text), c
    # the day and month lost to OCR ("ngày 21 LJJ141/124 _5 năm 2024"): the year is sure
    for c in cells:
        m = _DATE_LINE_GARBLED.search(c.text)
        if m and _plausible_place(m.group("place")):
            return m, c
    return None, None


def _date_parts(m: re.Match[str]) -> tuple[str | None, bool]:
    """ISO date from a date-line match; True when a part is unreadable (OCR garbage).

    A day or month that is printed but unreadable gives no date at all: a partial date
    says the paper leaves the day blank (contract), and a wrong date is worse than none;
    the reading stays in the date's provenance for the officer's review."""
    if "junk" in m.groupdict():
        return None, True
    y = int(m.group("y"))
    parts: list[int | None] = []
    bad = False
    for g in ("m", "d"):
        raw = m.group(g).strip(" \t.…_")
        if not raw:
            parts.append(None)
        elif raw.isdigit() and len(raw) <= 2:
            parts.append(int(raw))
        elif re.fullmatch(r"\d{1,2}[^\w\s]", raw):
            parts.append(int(raw[:-1]))  # "tháng 5$": one stray mark after the digits
            bad = True
        else:
            digits = re.fullmatch(r"[\dIlO]{1,2}", raw)
            if digits:
                parts.append(int(raw.translate(str.maketrans("IlO", "110"))))
            else:
                parts.append(None)
                bad = True
    month, day = parts
    if bad and (month is None or day is None):
        return None, True
    if month is None:
        return iso_date(y), False
    iso = iso_date(y, month, day)
    if iso is None and day is not None:
        return None, bad
    return iso, bad


# ---------------------------------------------------------------- the header


_ISSUER_CONT = re.compile(
    r"^(?:TỈNH|HUYỆN|XÃ|PHƯỜNG|QUẬN|THỊ XÃ|THỊ TRẤN|THÀNH PHỐ|TP\.?|VÀ|THEO|SỐ|&|,)(?!\w)"
)
# words that open the name of a body: a header line starting otherwise continues the
# line above ("BAN QUẢN LÝ CÁC KHU" / "CÔNG NGHIỆP TỈNH")
_ORG_HEAD = re.compile(
    r"^(?:ỦY\s+BAN|UỶ\s+BAN|UBND|HĐND|HỘI\s+ĐỒNG|SỞ|BỘ|CỤC|TỔNG\s+CỤC|CHI\s+CỤC|BAN|PHÒNG|"
    r"VĂN\s+PHÒNG|ĐOÀN|TRUNG\s+TÂM|TRƯỜNG|VIỆN|HỌC\s+VIỆN|TÒA|TOÀ|CÔNG\s+AN|QUÂN|ĐẢNG|"
    r"CHÍNH\s+PHỦ|QUỐC\s+HỘI|THỦ\s+TƯỚNG|CHỦ\s+TỊCH|CÔNG\s+TY|TẬP\s+ĐOÀN|HỢP\s+TÁC\s+XÃ|KHO\s+BẠC|"
    r"NGÂN\s+HÀNG|BẢO\s+HIỂM|CHI\s+NHÁNH|THANH\s+TRA|ĐÀI|BÁO|HỘI|HIỆP\s+HỘI|LIÊN\s+ĐOÀN|LIÊN\s+MINH|MẶT\s+TRẬN|"
    r"TỔ|ĐẠI\s+HỌC|BỆNH\s+VIỆN|ĐỘI|BỘ\s+CHỈ\s+HUY|BỘ\s+TƯ\s+LỆNH|QUÂN\s+KHU|KIỂM\s+TOÁN|"
    r"HẢI\s+QUAN|CẢNG\s+VỤ|VIỆN\s+KIỂM\s+SÁT|KIỂM\s+SÁT|ỦY\s+BAN\s+KIỂM\s+TRA|THÀNH\s+ĐOÀN|"
    r"TỈNH\s+ĐOÀN|HUYỆN\s+ĐOÀN|CÔNG\s+ĐOÀN|UBMTTQ|MTTQ|BQL|BCĐ|VP|TTg|VKSND|TAND|NHÀ\s+XUẤT\s+BẢN)\b"
)
_PARTY_COMMITTEE = re.compile(r"^(?:TỈNH|HUYỆN|THÀNH|THỊ|ĐẢNG|QUẬN)\s+ỦY\b", re.IGNORECASE)
_DRAFT_MARK = re.compile(r"^\(?\s*(?:DỰ\s+THẢO|BẢN\s+SAO|MẬT|TỐI\s+MẬT|TUYỆT\s+MẬT|KHẨN|THƯỢNG\s+KHẨN|HỎA\s+TỐC)\b", re.IGNORECASE)
_VV_INSIDE = re.compile(r"(?<=\s)V/[vV](?=\s)")
_QUOTES = "“”\"'‘’"
_QUOTED_VV = re.compile(r"^[“\"'‘]\s*(?:V/[vV]|Về việc)\s")
_DOC_TYPE_HEAD = re.compile(r"^(?:[VW]\s?[/⁄|]\s?[vV]|Về việc)(?=[\s:.])")



def _issuer_lines(cells: list[Cell], stop_line: int, so_cell: Cell | None) -> list[Cell]:
    out: list[Cell] = []
    for c in cells:
        if c.line >= stop_line:
            break
        t = c.text.strip()
        if _is_motto(t) or _RULE.match(t) or _DATE_LINE.search(t) or c is so_cell:
            continue
        # a label ("Số:", "Kính gửi:") is no issuer; a colon after the name is an OCR speck
        if t.startswith(("@", "(")) or ":" in t.rstrip(" :") or _DRAFT_MARK.match(t):
            continue
        if not is_upper_text(t) or len(t) > 90 or not _wordy(t):
            continue
        if type_from_name(t) and not out:
            # "QUYẾT ĐỊNH" before any issuer line is a type line, not an issuer
            continue
        out.append(c)
    return out


def _wordy(t: str) -> bool:
    """OCR debris ("„ ^ » ˆ LFA Ä A .ˆ") is not a header line: mostly letters, two words."""
    chars = [c for c in t if not c.isspace()]
    letters = sum(1 for c in chars if c.isalnum())
    words = [w for w in t.split() if sum(ch.isalpha() for ch in w) >= 2]
    return bool(chars) and letters / len(chars) >= 0.7 and (len(words) >= 2 or len(t.strip()) >= 4)


# a header line ending with a name that needs the next line ("ỦY BAN MẶT TRẬN" /
# "TỔ QUỐC VIỆT NAM TỈNH …", "ĐOÀN THANH NIÊN" / "CỘNG SẢN HỒ CHÍ MINH …", "ỦY BAN" / "NHÂN DÂN …")
_INCOMPLETE_NAME = re.compile(
    r"(?:\bMẶT\s+TRẬN|^(?:ỦY|UỶ)\s+BAN|\bĐOÀN\s+THANH\s+NIÊN|^HỘI\s+ĐỒNG|\bLIÊN\s+HIỆP\s+CÁC|"
    r"\bCỦA|\bTHUỘC|\bTRỰC\s+THUỘC)\s*$"
)


# "VĂN PHÒNG" / "CHÍNH PHỦ", "ỦY BAN THƯỜNG VỤ" / "QUỐC HỘI": one national body, not a
# body and its parent
_HEAD_ONLY = re.compile(r"VĂN\s+PHÒNG|(?:ỦY|UỶ)\s+BAN\s+THƯỜNG\s+VỤ|BAN\s+[A-ZĐÀ-Ỹ ]{2,30}|HỘI\s+ĐỒNG\s+[A-ZĐÀ-Ỹ ]{2,30}")
_NATIONAL_TAIL = re.compile(r"^(?:CHÍNH\s+PHỦ|QUỐC\s+HỘI|CHỦ\s+TỊCH\s+NƯỚC|TRUNG\s+ƯƠNG)\b")


# the words that open a body's name, each alternative of ``_ORG_HEAD`` as printed and
# accent-folded: OCR drops the diacritics of a whole line ("CONG AN TINH LAM ĐÔNG")
_FOLDED_HEADS = [
    (re.compile(fold(alt.replace(r"\s+", " ")).replace(" ", r"\s+") + r"(?!\w)"),
     alt.replace(r"\s+", " "))
    for alt in _ORG_HEAD.pattern[4:-3].split("|") if alt.replace(r"\s+", " ").upper() == alt.replace(r"\s+", " ")
    and fold(alt.replace(r"\s+", " ")).isascii()
]


def _restore_head(line: str) -> str:
    """A header line whose first word lost or changed its diacritics to OCR: its body word
    as printed (``CONG AN TINH`` -> ``CÔNG AN TINH``, ``SƠ NỘI VỤ`` -> ``SỞ NỘI VỤ``), when
    the folded words are a body's name and the word is no continuation (``SỐ 2``)."""
    if _ORG_HEAD.match(line) or _ISSUER_CONT.match(line):
        return line
    folded = fold(line)
    for rx, printed in _FOLDED_HEADS:
        m = rx.match(folded)
        if m and fold(printed) != printed.casefold():
            return printed + line[len(m.group(0)):]
    return line


def _group_issuer_lines(lines: list[str]) -> list[tuple[str, list[int]]]:
    """Join header lines into body names; each group keeps the indices of its lines."""
    groups: list[tuple[str, list[int]]] = []
    for i, t in enumerate(lines):
        t = t.strip(" *-_—–=~:")  # the rule under a line, read by OCR as dashes before the next
        if not t:
            continue
        t = _restore_head(t)
        head = _ORG_HEAD.match(t) or _PARTY_COMMITTEE.match(t)
        cont = (_ISSUER_CONT.match(t) or not head) and not _PARTY_COMMITTEE.match(t)
        if groups and (cont or groups[-1][0].rstrip().endswith((",", " VÀ", "&"))
                       or _INCOMPLETE_NAME.search(groups[-1][0])
                       or (_NATIONAL_TAIL.match(t) and _HEAD_ONLY.fullmatch(groups[-1][0].strip()))):
            groups[-1] = (groups[-1][0].rstrip() + " " + t, [*groups[-1][1], i])
        else:
            groups.append((t, [i]))
    return groups


class _Subject(NamedTuple):
    """The trích yếu: its text (lines joined), its span, and its lines as printed."""

    text: str
    start: int
    end: int
    lines: list[str]


def _subject_after(
    text: str, cells: list[Cell], idx: int, first: str, body_cut: bool = False
) -> _Subject:
    """Lines after the type line (or the V/v line) until the body starts: the one reader
    of the trích yếu (``subject``, and the lines of ``Facts.title_block``).

    The trích yếu may run over several lines separated by blank lines (DOCX paragraphs,
    PDF and HTML extraction). It ends at the first body line: ``Căn cứ``, ``Kính gửi``,
    ``Thực hiện``, an enacting formula (``BỘ TRƯỞNG BỘ …``, ``ỦY BAN NHÂN DÂN TỈNH …``,
    ``QUYẾT ĐỊNH:``), ``Điều 1``, ``Phần I``, a table, the rule drawn under it, a change of
    case (capitals after a sentence-case subject and the reverse). After a blank line a
    sentence-case subject goes on only with a line that visibly continues it (lower-case
    start, or the line above ends with a joining word), the name of the company it is
    about on a line of its own (``Công ty TNHH …``, ``Hợp tác xã …``, in capitals or not),
    or a short unpunctuated line that the body anchor follows (``body_cut``: ``cells``
    stop where the body's first line is). An upper-case subject goes on in sentence case
    only with such a name or with the line printed right above its rule.
    """
    parts = [first] if first else []
    start = cells[idx].start
    end = cells[idx].end
    prev_line = cells[idx].line
    seen_text = bool(first)
    firsts = [c for c in cells[idx + 1 :] if c.first or c.line != cells[idx].line]
    for k, c in enumerate(firsts):
        if not c.first and c.line == prev_line:
            continue
        t = _unspeck(c.text.strip())
        if re.search(r"\s:$", t) and (nxt := _next_line(firsts[k + 1 :])) is not None \
                and nxt.line == c.line + 1 and nxt.text.strip()[:1].islower():
            t = t[:-1].rstrip()  # "… gói thầu :" / "số 13: …": a speck, not a label's colon
        gap = c.line - prev_line - 1
        if _is_motto(t):
            prev_line = c.line
            continue
        if _SPECK_LINE.match(t):
            continue  # an OCR speck on a line of its own ("3", ":", "'"): as a blank line
        if _RULE.match(t):
            if seen_text and c.first and len(t) >= 3:
                break  # the short rule drawn under the trích yếu
            prev_line = c.line
            continue
        if seen_text and gap > 2:
            break
        whole = " ".join(parts)
        if _debris(t) or (not _LETTERS.search(t) and not (seen_text and _joins(whole))):
            # OCR debris of a seal, a stamp or a signature ("^   ^   » 45 z",
            # "ị ‹;.04.... :.0/9N/"): no more subject after it, nothing of it before
            if seen_text:
                break
            prev_line = c.line
            continue
        if _ends_subject(t, text, c):
            break
        own = parts[1:] if first else parts
        upper_subject = bool(own) and is_upper_text(" ".join(own))
        if seen_text and is_upper_text(t) and not is_upper_text(whole) and not _joins(whole):
            break  # "BỘ TRƯỞNG BỘ Y TẾ" after a sentence-case subject
        if upper_subject and not is_upper_text(t) and not (
                _names_company(t, firsts[k + 1 :], c.line, text)
                or _above_rule(t, firsts[k + 1 :], c.line)):
            break  # an upper-case subject ends where mixed-case body text starts
        if _SUBJECT_STOP.match(t) or (seen_text and len(t) > 250):
            break
        if seen_text and t[:1].isupper() and _LABEL.match(t) and not _joins(whole):
            break  # "Mã số dự án: 4275604886": a field of the form, not the subject
        if (parts and is_upper_text(whole) and is_upper_text(t) and _is_authority_line(t)
                and not _joins(whole)):
            break
        if seen_text and gap and not _continues_after_gap(whole, t, firsts[k + 1 :], c.line, text,
                                                          body_cut):
            break
        if seen_text and not upper_subject and _body_width(t, parts) and not _joins(whole):
            break  # a body sentence right under the trích yếu, no anchor, no blank line
        parts.append(t)
        seen_text = True
        end = c.end
        prev_line = c.line
        if len(parts) > 10:
            break
    subject = re.sub(r"\s+", " ", " ".join(parts)).strip()
    # a place-date line glued into the subject by OCR: "V/v … thủ tục cấp Hà Nội, ngày …"
    pd = _PLACE_DATE_INSIDE.search(subject)
    if pd and pd.start() > 10:
        subject = subject[: pd.start()]
    subject = subject.strip().rstrip(".;")
    return _Subject(subject, start, end, [" ".join(p.split()) for p in parts])


# a line OCR made of a speck: one to three marks, or one digit
_SPECK_LINE = re.compile(r"^(?:[^\w\s]{1,3}|\d)$")


#: a line this many times as long as the trích yếu's longest, and at least
#: :data:`_BODY_LINE_MIN` characters, runs the page's width: the body
_BODY_WIDTH = 1.6
_BODY_LINE_MIN = 70


def _body_width(t: str, parts: list[str]) -> bool:
    """A capitalised line that runs the page's width under a sentence-case trích yếu set
    in its column: the body has started (``Ủy ban nhân dân huyện đề nghị các xã …`` right
    under ``V/v tổ chức hội nghị …``). A DOCX paragraph is one line, however long, so only
    a trích yếu of two lines or more (wrapped in its column) is measured."""
    return (len(parts) >= 2 and t[:1].isupper() and len(t) >= _BODY_LINE_MIN
            and len(t) >= _BODY_WIDTH * max(len(p) for p in parts))


def _debris(t: str) -> bool:
    """A line mostly of marks (more than 40 % of its characters are neither letters nor
    digits): what OCR makes of a stamp, a signature stroke or a smudge."""
    chars = [ch for ch in t if not ch.isspace()]
    return len(chars) >= 4 and sum(not ch.isalnum() for ch in chars) > 0.4 * len(chars)


def _unspeck(t: str) -> str:
    """A trích yếu line without OCR's specks: underscores before it (``___ Kiểm tra …``,
    ``-_ KHAI THÁC …``), a colon set apart after a continuation line (``… tỉnh Lào Cai :``,
    not a label)."""
    t = re.sub(r"^-*_[-_]*\s+(?=\w)", "", t)
    if t[:1].islower():
        t = re.sub(r"\s+[:~|]$", "", t)
    return t


# "(Về việc …)" under a title that names the body ("NGHỊ QUYẾT CỦA HỘI ĐỒNG …")
_BRACKETED_VV = re.compile(r"^\(\s*(?P<s>(?:Về\s+việc|V/v)\s.*?)\s*(?P<close>\))?\s*\.?$")


def _bracketed_subject(text: str, cells: list[Cell], sub: _Subject) -> _Subject | None:
    """The trích yếu printed in brackets on the lines right under the title block
    (``(Về việc đề nghị sửa đổi Điều lệ)``, over up to three lines): the subject, the
    title block's lines before it kept; None when no such line follows."""
    after = [c for c in cells if c.first and c.start >= sub.end]
    if not after or not (m := _BRACKETED_VV.match(after[0].text.strip())):
        return None
    if text.count("\n", sub.end, after[0].start) > 2:
        return None
    lines, end, close = [m.group("s")], after[0].end, m.group("close")
    printed = [" ".join(after[0].text.split())]
    for c in after[1:3]:
        if close:
            break
        t = c.text.strip()
        close = t.endswith(")")
        lines.append(t.rstrip(").").strip())
        printed.append(" ".join(t.split()))
        end = c.end
    if not close:
        return None
    subject = re.sub(r"\s+", " ", " ".join(lines)).strip()
    return _Subject(subject, after[0].start, end, [*sub.lines, *printed])  # lines as printed


# the enacting formula and the body's first words end the trích yếu
_ENACTING_END = re.compile(r"(?:QUYẾT\s+ĐỊNH|QUYẾT\s+NGHỊ|NGHỊ\s+QUYẾT|CHỈ\s+THỊ|BAN\s+HÀNH)\s*:\s*$")
_PART_HEAD = re.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+(?:[IVXLC]+|\d+|thứ\s+\w+|THỨ\s+\w+)\b")
# a line ending with one of these words is cut: the next line continues it
_JOINING_END = re.compile(
    r"(?:[,\-–(&]|\b(?:và|của|về|cho|tại|thuộc|với|đối với|trên|trong|theo|đến|từ|các|những|"
    r"để|năm|giai đoạn|số|ngày|tháng|nhằm|giữa|qua|vào|sau|trước|do|bởi|là|được|có|"
    r"VÀ|CỦA|VỀ|CHO|TẠI|THUỘC|VỚI|ĐỐI VỚI|TRÊN|TRONG|THEO|ĐẾN|TỪ|CÁC|NHỮNG|ĐỂ|NĂM|"
    r"GIAI ĐOẠN|SỐ|NHẰM|GIỮA|QUA|VÀO|SAU|TRƯỚC|DO|BỞI|LÀ|ĐƯỢC|CÓ))$"
)


def _joins(whole: str) -> bool:
    return bool(_JOINING_END.search(whole.rstrip()))


def _ends_subject(t: str, text: str, c: Cell) -> bool:
    """A body line: anchors, the enacting formula, a part heading, a table row, the rule
    under the trích yếu read by OCR as a run of digits (``99900900000090000002gg;``)."""
    if _OCR_RULE.match(t):
        return True
    if (
        _BODY_START.match(t) or _DATE_LINE.search(t) or damaged_date_line(t) or _SO.match(t)
        or t.endswith(":")
        or _ENACTING_END.search(t) or _PART_HEAD.match(t)
        or re.match(r"^(?:QUYẾT|QUYẾT ĐỊNH|NGHỊ QUYẾT)\s*:", t)
    ):
        return True
    line_end = text.find("\n", c.start)
    row = text[text.rfind("\n", 0, c.start) + 1 : len(text) if line_end < 0 else line_end]
    return row.count("\t") >= 2 and len([x for x in row.split("\t") if x.strip()]) >= 3


_OCR_RULE = re.compile(r"^\W*\d{8,}[^\W\d]{0,3}\W*$")
# two letters in a row: a line without them is no line of words
_LETTERS = re.compile(r"[^\W\d_]{2}")
# a field of a form: a capitalised label, no digits, a colon ("Mã số dự án: 4275604886")
_LABEL = re.compile(r"^[^\W\d_][^:\d]{1,39}:\s*\S")


_STOPS = (".", ";", ":", "!", "?")
_NAME_LINE_MAX = 100


def _names_company(t: str, rest: list[Cell], line: int, text: str) -> bool:
    """A short line that is a company's or cooperative's name (``Công ty TNHH Đá Xanh``,
    ``Hợp tác xã Nông nghiệp Tân Lập``, ``Ngân hàng …``), in sentence case: the trích yếu
    goes on with the body it is about. A body paragraph opening with a name ends with a
    stop or runs on to the next line (a wrapped text line); the name line stands alone:
    a blank line or the end of the trích yếu follows it, or the rest of the name (``Công
    ty cổ phần Đầu tư Xây dựng`` / ``Thương mại Phú Quý``) and then one of those."""
    if len(t) > _NAME_LINE_MAX or t.endswith(_STOPS) or company_name_end(t) is None:
        return False
    while (nxt := _next_line(rest)) is not None and nxt.line == line + 1:
        n = nxt.text.strip()
        if _closes_subject(n, text, nxt):
            break
        t = f"{t} {n}"
        if len(t) > 2 * _NAME_LINE_MAX or company_name_end(t) != len(t):
            return False  # the line below is no more of the name: a body line
        line, rest = nxt.line, rest[rest.index(nxt) + 1 :]
    return True


def _above_rule(t: str, rest: list[Cell], line: int) -> bool:
    """A short unpunctuated line printed right above the rule drawn under the trích yếu
    (``Nhiệm kỳ IV (2019-2025)`` under ``BÁO CÁO KIỂM ĐIỂM …``)."""
    nxt = _next_line(rest)
    return (len(t) <= _NAME_LINE_MAX and not t.endswith(_STOPS) and nxt is not None
            and nxt.line == line + 1 and len(r := nxt.text.strip()) >= 3 and bool(_RULE.match(r)))


def _next_line(rest: list[Cell]) -> Cell | None:
    """The first cell of the next printed line (mottos skipped)."""
    return next((c for c in rest if c.first and c.text.strip() and not _is_motto(c.text.strip())),
                None)


def _closes_subject(n: str, text: str, c: Cell) -> bool:
    """The line after the trích yếu: its rule, a body line, an authority in capitals."""
    return bool(_RULE.match(n)) or _ends_subject(n, text, c) or (
        is_upper_text(n) and _is_authority_line(n))


def _continues_after_gap(whole: str, t: str, rest: list[Cell], line: int, text: str,
                         body_cut: bool) -> bool:
    """Whether ``t``, after a blank line, still belongs to the trích yếu ``whole``."""
    if is_upper_text(whole) and is_upper_text(t):
        return True  # capitals go on in capitals (the enacting formula was caught before)
    if (t[:1].islower() or t[:1] in "(\"“'" or t[:1].isdigit() or _joins(whole)
            or _names_company(t, rest, line, text)):
        return True
    if len(t) > 160:
        return False
    # short capitalised lines: part of the subject when the body's first line follows them
    # (a final stop only on the last of them: "… vào sử dụng." / "Kính gửi: …")
    ahead = 0
    final = t.endswith((".", ";", "!", "?"))
    for c in rest:
        n = c.text.strip()
        if not c.first or not n or _is_motto(n):
            continue
        if _closes_subject(n, text, c):
            return True
        if final or len(n) > 160:
            return False
        final = n.endswith((".", ";", "!", "?"))
        ahead += 1
        if ahead > 3:
            return False
    return body_cut  # the cells end where the body starts


_PLACE_DATE_INSIDE = re.compile(r"\s(?:(?:TP\.\s?)?[A-ZĐ][^\s,]*\s?){1,4},\s*ngày")


_AUTH_WORDS = re.compile(
    r"^(?:CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|(?:TỔNG\s+)?GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|CHÍNH\s+PHỦ|QUỐC\s+HỘI|"
    r"CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|TRƯỞNG\s+BAN|VIỆN\s+TRƯỞNG|CHÁNH\s+ÁN|THỐNG\s+ĐỐC|"
    r"TỔNG\s+KIỂM\s+TOÁN|CHÁNH\s+VĂN\s+PHÒNG|CHÁNH\s+THANH\s+TRA|HIỆU\s+TRƯỞNG|"
    r"ỦY\s+BAN|UỶ\s+BAN|UBND|HỘI\s+ĐỒNG|HĐND|BAN\s+CHẤP\s+HÀNH|BAN\s+THƯỜNG\s+VỤ|"
    r"THƯỜNG\s+TRỰC|BAN\s+BÍ\s+THƯ|BỘ\s+CHÍNH\s+TRỊ|TỈNH\s+ỦY|HUYỆN\s+ỦY|THÀNH\s+ỦY)\b"
)


def _is_authority_line(t: str) -> bool:
    return bool(_AUTH_WORDS.match(t.strip()))


def parse_header(text: str) -> HeaderFacts:
    """Read the header anchors of a document's text (all pages joined)."""
    hf = HeaderFacts()
    cells = split_cells(text, 0, _header_stop(text))
    hf.party_motto = any(
        re.fullmatch(r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", c.text.strip(" *")) for c in cells
    )
    stamp_cells = _stamps(cells, hf)
    cells = [c for c in cells if id(c) not in stamp_cells]
    body_line = next((c.line for c in cells if c.first and _BODY_START.match(c.text)), None)
    head_cells = [c for c in cells if body_line is None or c.line < body_line]

    parts, so_cell = _read_symbol(text, head_cells, hf)
    dcell = _read_date(text, head_cells, hf, parts, so_cell)
    _check_year(text, hf)
    type_idx = _find_type_line(head_cells, after_line=so_cell.line if so_cell is not None else 0,
                               symbol_code=parts.doc_type if parts is not None else None)
    _read_issuer(text, head_cells, hf, so_cell, dcell, type_idx)

    if type_idx is not None:
        c = head_cells[type_idx]
        line = _type_line_text(c.text)
        found = _type_name(line, parts.doc_type if parts is not None else None)
        if found:
            code, name = found
            hf.type_code = code
            rest = line[len(name) :].strip(" :") if line.startswith(name) else ""
            rest = rest if _LETTERS.search(rest) else ""  # "NGHỊ QUYẾT '": a speck
            hf.type_name = cap(name.lower()) if code in STATE_CODES else name
            lead = len(c.text) - len(c.text.lstrip())
            hf.spans["doc_type"] = (c.start + lead, c.start + lead + len(c.text.strip()),
                                    c.text.strip())
            sub = _subject_after(text, head_cells, type_idx, rest, body_line is not None)
            sub = _bracketed_subject(text, head_cells, sub) or sub
            if sub.text:
                hf.subject = sub.text
                hf.spans["subject"] = (sub.start, sub.end, text[sub.start:sub.end])
                hf.title_lines = [" ".join(c.text.split()), *sub.lines[1 if rest else 0:]]
    if hf.date is None and not hf.date_unreadable and hf.type_code == "BB" and type_idx is not None:
        _meeting_date(text, hf.spans["subject"][1] if "subject" in hf.spans
                      else head_cells[type_idx].end, hf)
    _repair_symbol(text, hf)
    if hf.subject is None:
        for i, c in enumerate(head_cells):
            t = c.text.strip()
            # a trích yếu printed in quotes: "“V/v giới thiệu … giúp việc”"
            quoted = bool(_QUOTED_VV.match(t))
            if quoted:
                t = t.lstrip(_QUOTES)
            vm = _VV_INSIDE.search(t)
            if vm and not _DOC_TYPE_HEAD.match(t):
                t = t[vm.start() :]  # "Số: 12/UBND-VP V/v …" glued on one line
            hm = _DOC_TYPE_HEAD.match(t) or _misread_vv(t, c, so_cell)
            if hm:
                vv = not hm.group(0).startswith("Về")
                if vv:
                    t = "V/v" + t[hm.end() :]  # OCR "W⁄v" is the V/v of a công văn
                sub = _subject_after(text, head_cells, i, t, body_line is not None)
                hf.subject, hf.vv = sub.text.rstrip(_QUOTES) if quoted else sub.text, vv
                hf.spans["subject"] = (sub.start, sub.end, text[sub.start:sub.end])
                hf.title_lines = sub.lines
                break
    return hf


# "V/v" as Tesseract misreads it ("VA tham gia ý kiến …"): a subject in sentence case after it
_VV_MISREAD = re.compile(r"VA(?=[ \t]+[a-zđà-ỹ])")


def _misread_vv(t: str, c: Cell, so_cell: Cell | None) -> re.Match[str] | None:
    """A misread ``V/v`` (:data:`_VV_MISREAD`), taken only where a công văn prints its
    V/v line: at the start of a line at most three lines under the Số line."""
    if so_cell is None or not so_cell.line < c.line <= so_cell.line + 3:
        return None
    return _VV_MISREAD.match(t)


def _initials(name: str) -> set[str]:
    """The abbreviations a body's name may go by, folded: the initials of each of its
    first words (``Bộ Công Thương`` -> ``bct``; ``Sở Kế hoạch và Đầu tư`` -> ``skhdt``)."""
    words = [w for w in fold(name).split() if w != "va" and w[:1].isalpha()]
    return {"".join(w[0] for w in words[:n]) for n in range(2, len(words) + 1)}


_LAW_CODE = re.compile(r"^(?:UBTV)?QH\d+$")


def _repair_symbol(text: str, hf: HeaderFacts) -> None:
    """A Số line's type code damaged by OCR (``43/2025/TT.BCT``, ``37/2020/TTBCT``,
    ``/QĐĐ-UBND``): repaired where the type line or the issuer confirms it
    (:func:`repair_ocr_symbol`); a symbol with a year that stays incomplete is reviewed."""
    parts = hf.symbol
    if parts is None or "symbol" not in hf.spans:
        return
    codes = {i for name in (hf.issuer, hf.parent_issuer) if name for i in _initials(name)}
    found = repair_ocr_symbol(parts, text[parts.end : parts.end + 16], hf.type_code, codes)
    if found is not None:
        fixed, took = found
        fixed.start, fixed.end = parts.start, parts.end + took
        hf.symbol = fixed
        hf.spans["symbol"] = (fixed.start, fixed.end, text[fixed.start : fixed.end])
        return
    if parts.year and (not parts.issuers or (parts.doc_type is None
                                             and not _LAW_CODE.match(parts.issuers[0]))):
        # "43/2025/TT": a numbered normative document names its type and its issuer
        hf.review.append(("symbol", "low_confidence", hf.spans["symbol"][2]))
        hf.warnings.append(f"symbol incomplete: {parts.symbol}")


def _header_stop(text: str) -> int:
    """The end of the header zone: the first :data:`HEADER_LINES` lines that hold text
    (blank lines between paragraphs do not count: DOCX and HTML extraction double them)."""
    stop = 0
    counted = 0
    while counted < HEADER_LINES:
        nl = text.find("\n", stop)
        if nl < 0:
            return len(text)
        counted += bool(text[stop:nl].strip())
        stop = nl + 1
    return stop


# a dash glued to a code the symbol grammar could not read ("-Pó", "-UBNDtỉnh")
_CUT_CODE = re.compile(r"-[^\W_]\S*")


def _read_symbol(text: str, head_cells: list[Cell],
                 hf: HeaderFacts) -> tuple[SymbolParts | None, Cell | None]:
    """The Số line into ``hf`` (symbol, unreadable number, span); its parts and cell."""
    parts, unreadable, so_cell = _find_symbol(text, head_cells)
    if parts is not None and (cut := _CUT_CODE.match(text, parts.end)):
        # "Số: 3 3Ø/C04-Pó": a code OCR damaged past reading ended the parse; the symbol
        # read ("/C04") is not the one printed: none, with a review entry
        printed = text[parts.start : cut.end()]
        hf.symbol_line = True
        hf.review.append(("symbol", "low_confidence", printed))
        hf.warnings.append(f"symbol incomplete: {printed}")
        return None, so_cell
    if parts is not None:
        hf.symbol, hf.number_unreadable, hf.symbol_line = parts, unreadable, True
        hf.spans["symbol"] = (parts.start, parts.end, text[parts.start : parts.end])
        if unreadable:
            hf.warnings.append("number unreadable")
    return parts, so_cell


def _read_date(text: str, head_cells: list[Cell], hf: HeaderFacts, parts: SymbolParts | None,
               so_cell: Cell | None) -> Cell | None:
    """The place-date line into ``hf`` (date, place, span); its cell."""
    dm, dcell = _find_date(head_cells, text)
    if dm is None:
        # giấy phép drafts carry the place-date line in the footer; never a body date
        footer = split_cells(text, max(0, len(text) - 4000))
        dm, dcell = _find_date([c for c in footer if _DATE_LINE.match(c.text.strip())], text)
    if dm is not None and dcell is not None:
        iso, bad = _date_parts(dm)
        hf.date, hf.date_unreadable = iso, bad
        if bad:
            hf.warnings.append("day or month unreadable")
        elif iso is None:
            hf.warnings.append(f"date impossible: {dm.group(0).strip()}")
        # the place is what follows the last column gap ("…BYT-      Hà Nội, ngày …")
        place = re.split(r"\t|\s{3,}", dm.group("place"))[-1].strip(" \t*_-")
        if so_cell is not None and dcell is so_cell and parts is not None and parts.end <= dcell.end:
            place = dcell.text[parts.end - dcell.start : dm.end("place")].strip(" \t*_-,")
        place = re.sub(r"^.*\b(?:Số|SỐ)\b.*?\s(?=[A-ZĐ])", "", place) if "Số" in place else place
        if place and is_upper_text(place):
            place = " ".join(w[:1] + w[1:].lower() for w in place.split())  # "HÀ NỘI" -> "Hà Nội"
        hf.place = place or None
        s, e = dcell.start + dm.start(), dcell.start + dm.end()
        cited = _own_citation_date(text, parts, int(dm.group("y")), dcell.end) \
            if iso is None and not bad else None
        if cited is not None:
            hf.date, s, e = cited.iso, cited.start, cited.end
        hf.spans["date"] = (s, e, text[s:e])
    else:
        _date_without_place(text, head_cells, hf)
    return dcell


def _own_citation_date(text: str, parts: SymbolParts | None, year: int,
                       after: int) -> DateMatch | None:
    """The date the document gives itself where it cites its own number (an annex's
    ``(Kèm theo Quyết định số 1696/QĐ-UBND ngày 15/5/2026 …)``), for a header date that
    is impossible (``ngày 15 tháng 54 năm 2026``); only a whole date of the header's year,
    with offsets in ``text``."""
    if parts is None or parts.number is None:
        return None
    own = normalize_symbol(parts.symbol)
    for cited in find_symbols(text[after:]):
        if normalize_symbol(cited.symbol) != own:
            continue
        tail = text[after + cited.end: after + cited.end + 40]
        dm = re.match(r"\s*,?\s*ngày\s*", tail)
        date = find_dates(tail)
        if dm and date and date[0].start <= dm.end() and date[0].precision == "day" \
                and date[0].iso and date[0].iso.startswith(f"{year}-"):
            at = after + cited.end
            return DateMatch(date[0].iso, "day", at + date[0].start, at + date[0].end, date[0].raw)
    return None


def _read_issuer(text: str, head_cells: list[Cell], hf: HeaderFacts, so_cell: Cell | None,
                 dcell: Cell | None, type_idx: int | None) -> None:
    """The issuer (and its parent, or every body of a joint document) into ``hf``: the
    upper-case cells above the Số line (or above the type line)."""
    stop_line = so_cell.line if so_cell is not None else None
    if stop_line is None:
        stop_line = head_cells[type_idx].line if type_idx is not None else (
            dcell.line if dcell is not None else 8)
    if so_cell is not None and not so_cell.first:
        stop_line = so_cell.line + 1
    issuer_cells = _issuer_lines(head_cells, stop_line, so_cell)
    if so_cell is not None and not so_cell.first:
        issuer_cells = [c for c in issuer_cells if c.line < so_cell.line or c.start < so_cell.start]
    joint = _is_joint(hf.symbol, head_cells, type_idx)
    lines = [c.text for c in issuer_cells]
    if joint:
        lines = [p for t in lines for p in _JOINT_SPLIT.split(t)]
        issuer_cells = [c for c in issuer_cells for _ in _JOINT_SPLIT.split(c.text)]
    grouped = _group_issuer_lines(lines)
    if joint and len(grouped) > 1:
        # a thông tư liên tịch: every body issues it; the first one is ``issuer``
        hf.issuers = [sentence_case(g[0]) for g in grouped]
        hf.issuer = hf.issuers[0]
        s, e = issuer_cells[0].start, issuer_cells[-1].end
        hf.spans["issuer"] = (s, e, text[s:e])
    elif grouped:
        hf.issuer = sentence_case(grouped[-1][0])
        if len(grouped) > 1:
            hf.parent_issuer = sentence_case(grouped[-2][0])
            hf.issuer = _qualify_committee(hf.issuer, hf.parent_issuer)
        own = grouped[-1][1]
        s, e = issuer_cells[own[0]].start, issuer_cells[own[-1]].end
        hf.spans["issuer"] = (s, e, text[s:e])
        if hf.parent_issuer is None and (_BARE_BODY.fullmatch(hf.issuer)
                                         or _lost_department(hf.issuer, hf.symbol)):
            # "Ủy ban nhân dân" without its level and place, or the province's committee
            # over a department's symbol: the unit line was lost (OCR)
            named = _enacting_body(text, e, hf.issuer, hf.symbol)
            if named is not None:
                # a bare "Ủy ban nhân dân" is no parent; a committee over a department is
                hf.parent_issuer = None if _BARE_BODY.fullmatch(hf.issuer) else hf.issuer
                hf.issuer, (s, e) = named[0], named[1:]
                hf.spans["issuer"] = (s, e, text[s:e])
                return
            hf.review.append(("issuer", "low_confidence", grouped[-1][0]))
            hf.warnings.append(f"issuer incomplete: {grouped[-1][0]}")
            hf.issuer = None
            del hf.spans["issuer"]


# a department's code in a symbol: "/QĐ-SCT", "/SNV-TCBC"
_DEPARTMENT_CODE = re.compile(r"S[A-ZĐ]{2,7}")


def _lost_department(issuer: str, symbol: SymbolParts | None) -> bool:
    """A people's committee read as the issuer of a document whose symbol names a
    department (``Số: 12/QĐ-SCT`` under ``UBND TỈNH …``): the department's line, under the
    committee's, was lost; the committee is its parent, not the issuer."""
    return (issuer.casefold().startswith("ủy ban nhân dân") and symbol is not None
            and bool(symbol.issuers)
            and all(_DEPARTMENT_CODE.fullmatch(c) for c in symbol.issuers))


# the enacting formula of a decision or resolution, on a line of its own in capitals:
# "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "GIÁM ĐỐC SỞ CÔNG THƯƠNG", "HỘI ĐỒNG NHÂN DÂN XÃ …"
_ENACTING = re.compile(
    r"^(?:(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+BAN|CHÁNH\s+VĂN\s+PHÒNG|CỤC\s+TRƯỞNG|"
    r"CHI\s+CỤC\s+TRƯỞNG)\s+)?"
    r"(?P<body>(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|SỞ)\s+(?P<rest>\S.{2,80})$")
# the level and place after a body's name, once sentence-cased ("… tỉnh Lào Cai"; OCR's
# "TÍNH"/"TĨNH" come out as "tỉnh")
_LEVEL = re.compile(r"\s(?:tỉnh|huyện|xã|phường|thị trấn|thị xã|quận|thành phố|đặc khu)\s+\S")
ENACTING_WINDOW = 3000  # characters after the header searched for the enacting formula


def _enacting_body(text: str, after: int, issuer: str,
                   symbol: SymbolParts | None) -> tuple[str, int, int] | None:
    """The issuing body named by the enacting formula, where the header lost its unit
    line; with the formula's span. Taken only where it completes what the header shows:
    the bare body plus its level and place (``Ủy ban nhân dân`` -> ``Ủy ban nhân dân tỉnh
    Lào Cai``), or a department whose initials are the symbol's code (``GIÁM ĐỐC SỞ CÔNG
    THƯƠNG`` under ``/QĐ-SCT``)."""
    start = text.find("\n", after)
    window = text[start : start + ENACTING_WINDOW] if start >= 0 else ""
    for m in re.finditer(r"[^\n]+", window):
        line = m.group(0).strip()
        f = _ENACTING.match(line)
        if f is None or not is_upper_text(line):
            continue
        body = sentence_case(line[f.start("body"):])
        if f.group("body") == "SỞ":
            codes = symbol.issuers if symbol is not None else []
            if not any(fold(c) in _initials(body) for c in codes):
                continue
            # "Sở Công Thương tỉnh Lào Cai": the header names it without its province
            # (which is the committee above it)
            level = _LEVEL.search(body)
            body = body[: level.start()] if level is not None else body
        elif not (fold(body).startswith(fold(issuer)) and _LEVEL.match(body, len(issuer))):
            continue  # the bare body's own name, then its level and place
        at = start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        return body, at + f.start("body"), at + len(line)
    return None


def _check_year(text: str, hf: HeaderFacts) -> None:
    """A date whose year is not the year its own number carries (``84/2025/QH15`` dated
    ``2092``: OCR misread the year) is impossible: the date is left empty with a review
    entry, unless the law's adoption sentence gives a date of the number's year."""
    year = hf.symbol.year if hf.symbol is not None else None
    if not hf.date or hf.symbol is None or year is None or abs(int(hf.date[:4]) - year) <= 1:
        return
    printed = hf.spans.pop("date", (0, 0, hf.date))[2]
    hf.date, hf.date_unreadable = None, False
    adopted = adoption_date(text)
    if adopted is not None and adopted.iso and int(adopted.iso[:4]) == year:
        hf.date = adopted.iso
        hf.spans["date"] = (adopted.start, adopted.end, adopted.raw)
        hf.warnings.append(f"date line impossible for number year {year}: {printed}; "
                           "the adoption sentence's date taken")
        return
    hf.review.append(("date", "conflict", f"{printed} / {hf.symbol.symbol}"))
    hf.warnings.append(f"date impossible for number year {year}: {printed}")


def _date_without_place(text: str, head_cells: list[Cell], hf: HeaderFacts) -> None:
    """No place-date line: a header line holding only ``Ngày 3 tháng 5 năm 2024``, else
    the adoption sentence of a law or resolution (``… được Quốc hội … thông qua ngày …``),
    else the first such line of the signature zone (a phiếu trình dates each sign-off
    under its title: the first is the signer's)."""
    if _date_alone(head_cells, hf):
        return
    adopted = adoption_date(text)
    if adopted is not None:
        hf.date = adopted.iso
        hf.spans["date"] = (adopted.start, adopted.end, adopted.raw)
        return
    _date_alone(split_cells(text, max(0, len(text) - 4000)), hf)


# a biên bản's opening sentence: "Hôm nay, vào lúc 14 giờ 30 phút, ngày 18 tháng 12 năm
# 2025, tại …", "Vào lúc 14 giờ 00 phút, ngày 09 tháng 12 năm 2025 tại …"
_MEETING = re.compile(
    r"(?:Hôm\s+nay\s*,?\s*)?(?:(?:vào\s+)?lúc\s+[^\n]{0,40}?,?\s*)?(?=ngày\s)", re.IGNORECASE)


# the first line with text, from its first character
_FIRST_LINE = re.compile(r"\s*(?P<line>\S[^\n]*)")


def _meeting_date(text: str, after: int, hf: HeaderFacts) -> None:
    """A biên bản without a date line is dated by its opening sentence, the meeting it
    records (``Vào lúc 14 giờ 00 phút, ngày 09 tháng 12 năm 2025 tại …``): only when that
    sentence is the first paragraph under the title block (after ``Căn cứ …`` lines it is
    the session's date, not the paper's), only a whole day, only in that sentence form (a
    labelled ``Bắt đầu: 8h15' ngày …`` gives the meeting's hours)."""
    first = _FIRST_LINE.match(text, after)
    line = first.group("line") if first else ""
    m = _MEETING.match(line)
    if first is None or m is None or not (m.group(0) or line.startswith("Ngày")):
        return
    at = first.start("line") + m.end()
    found = find_dates(text[at:at + 40])
    # "ngày 09 tháng 12 năm 2025" from "ngày"; "ngày 05/3/2026" from its digits
    if found and found[0].start <= 5 and found[0].precision == "day" and found[0].iso:
        d = found[0]
        hf.date = d.iso
        hf.spans["date"] = (at + d.start, at + d.end, d.raw)


def _date_alone(cells: list[Cell], hf: HeaderFacts) -> bool:
    """The first cell holding only a date line (of a certificate, its last labelled one),
    into ``hf``; whether there was one."""
    found = [(c, m) for c in cells for m in [_DATE_ALONE.match(c.text.strip())] if m]
    labelled = [(c, m) for c, m in found if m.group("label")]
    if not found:
        return False
    c, m = labelled[-1] if labelled else found[0]
    iso, bad = _date_parts(m)
    hf.date, hf.date_unreadable = iso, bad
    if bad:
        hf.warnings.append("day or month unreadable")
    lead = len(c.text) - len(c.text.lstrip())
    hf.spans["date"] = (c.start + lead, c.start + lead + len(c.text.strip()), c.text.strip())
    return True


def _stamps(cells: list[Cell], hf: HeaderFacts) -> set[int]:
    """Incoming stamps, copy certifications and e-signature lines of the header zone:
    recorded in ``hf.stamps`` and returned (as cell ids) to be left out of every anchor."""
    out: set[int] = set()
    i = 0
    while i < len(cells):
        c = cells[i]
        t = c.text.strip()
        kind = next((k for k, rx in _STAMP_HEAD if rx.search(t)), None)
        if kind is None:
            i += 1
            continue
        group = [c]
        j = i + 1
        if kind == "incoming":
            while j < len(cells) and cells[j].line <= group[-1].line + 2 and (
                _STAMP_TAIL.match(cells[j].text.strip()) or (cells[j].line == c.line and
                _STAMP_NUMBER.search(cells[j].text))):
                group.append(cells[j])
                j += 1
        joined = " ".join(g.text.strip() for g in group)
        num = _STAMP_NUMBER.search(joined)
        dm = _STAMP_DATE.search(joined) or _STAMP_ISO.search(joined)
        iso = iso_date(int(dm.group("y")), int(dm.group("m")), int(dm.group("d"))) if dm else None
        hf.stamps.append((kind, num.group("n") if num and kind == "incoming" else None, iso,
                          joined, c.start))
        out.update(id(g) for g in group)
        i = j
    return out


# a body name that never stands alone in a header: its level and place were cut off
_BARE_BODY = re.compile(
    r"(?:Ủy ban nhân dân|Hội đồng nhân dân|Ủy ban Mặt trận Tổ quốc(?: Việt Nam)?|Đảng ủy|"
    r"Ban Chấp hành|Ban Thường vụ|Đảng bộ)",
    re.IGNORECASE,
)
# "BỘ TÀI CHÍNH - BỘ NỘI VỤ" on one line of a joint header; a grid of national bodies read
# row by row, one space between its cells ("BỘ CÔNG AN BỘ QUỐC PHÒNG", "BỘ TÀI CHÍNH VIỆN
# KIỂM SÁT" / "NHÂN DÂN TỐI CAO TÒA ÁN" / "NHÂN DÂN TỐI CAO"): a ministry, the procuracy
# and the court open a name wherever they stand (never "ĐẢNG BỘ", "BỘ ĐỘI", "BỘ PHẬN")
_JOINT_SPLIT = re.compile(
    r"\s+[-–—]\s+(?=" + _ORG_HEAD.pattern[1:] + ")"
    r"|(?<!ĐẢNG)(?<!NỘI)(?<!CÁN)\s+(?=(?:BỘ(?!\s+(?:ĐỘI|PHẬN)\b)|VIỆN\s+KIỂM\s+SÁT|TÒA\s+ÁN|TOÀ\s+ÁN)(?!\w))"
)
_JOINT_TYPE = re.compile(r"LIÊN\s+(?:TỊCH|NGÀNH|BỘ|SỞ)\b", re.IGNORECASE)


def _is_joint(symbol: SymbolParts | None, cells: list[Cell], type_idx: int | None) -> bool:
    """A joint document: several issuers in the symbol (``TTLT-BTC-BNV``) or a type line
    ``THÔNG TƯ LIÊN TỊCH`` / ``HƯỚNG DẪN LIÊN NGÀNH``."""
    if symbol is not None and (len(symbol.issuers) > 1 or (symbol.doc_type or "").endswith(("LT", "LN"))):
        return True
    return type_idx is not None and bool(_JOINT_TYPE.search(cells[type_idx].text))


def _qualify_committee(issuer: str, parent: str) -> str:
    """``Tỉnh ủy`` under ``Đảng bộ tỉnh Hà Tĩnh`` is ``Tỉnh ủy Hà Tĩnh`` (a bare Party
    committee name does not say which one)."""
    m = re.fullmatch(r"(Tỉnh|Huyện|Thành|Thị|Quận) ủy", issuer)
    pm = re.search(r"\b(?:tỉnh|huyện|thành phố|thị xã|quận)\s+(?P<place>[A-ZĐÀ-Ỹ].*)$", parent)
    if m and pm and parent.startswith("Đảng bộ"):
        return f"{issuer} {pm.group('place')}"
    return issuer


# OCR specks before a type line: "__ QUYẾT ĐỊNH", ". QUYẾT ĐỊNH", "'THÔNG TƯ", "_ 'THÔNG TƯ"
_TYPE_LINE_NOISE = re.compile(r"^(?:(?:[^\w\s(\[]|_)[ \t]*){1,3}(?=[A-ZĐÀ-Ỹ])")


def _type_line_text(cell: str) -> str:
    """A cell's text as a type line: stripped, without OCR specks before the type name."""
    return _TYPE_LINE_NOISE.sub("", cell.strip())


def _type_name(line: str, symbol_code: str | None) -> tuple[str, str] | None:
    """The type code and the type name a type line's text opens with (as printed), or a
    whole line that is the symbol's type name with one letter damaged by OCR
    (``THÔNG TÊ-`` over ``…/TT-BCT``: the name returned as it should read)."""
    found = type_from_name(line)
    if found is None and symbol_code is not None and is_upper_text(line):
        name = type_from_damaged_name(line, symbol_code)
        if name is not None:
            return symbol_code, name.upper()
    return found


def _find_type_line(cells: list[Cell], after_line: int,
                    symbol_code: str | None = None) -> int | None:
    for i, c in enumerate(cells):
        if c.line < after_line:
            continue
        t = _type_line_text(c.text)
        if _is_motto(t):
            continue
        found = _type_name(t, symbol_code)
        if found is None:
            continue
        code, name = found
        rest = t[len(name) :].strip() if t.startswith(name) else ""
        # the type name in capitals; a subject glued after it may be mixed case
        if not is_upper_text(name) or not (is_upper_text(t) or rest[:1].isupper()):
            continue
        if rest.startswith(":") and not (rest.strip(" :") == "" and _subject_follows(cells, i)):
            # "QUYẾT ĐỊNH:" opens the operative part, not a type line; "NGHỊ ĐỊNH :" with
            # its subject under it in capitals is one (a speck read as a colon)
            continue
        if code in ("QyĐ", "QC", "HD", "KL", "PA", "DA", "ĐA") and rest:
            continue  # "QUY ĐỊNH DANH MỤC …" is a subject line, not a type line
        return i
    return None


def _subject_follows(cells: list[Cell], i: int) -> bool:
    """Whether the cell under cell ``i`` (on the next line) reads as a trích yếu: capitals,
    or ``Về …``. The operative part's ``QUYẾT ĐỊNH:`` is followed by ``Điều 1``, a body
    line, which ends the header cells."""
    nxt = next((c for c in cells[i + 1:] if c.line > cells[i].line and c.text.strip()), None)
    if nxt is None or nxt.line > cells[i].line + 2:
        return False
    t = _type_line_text(nxt.text)
    return bool(_LETTERS.search(t)) and (is_upper_text(t) or t.startswith("Về "))
