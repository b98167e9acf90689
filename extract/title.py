"""The title block of a document: what it IS, as printed (pure, no I/O).

:func:`title_block` returns the type line (``KẾ HOẠCH``, ``BÁO CÁO``…) or the ``V/v`` line
of a công văn, followed by every line of the trích yếu up to the first body line
(``Căn cứ``, ``Kính gửi``, ``Thực hiện``, an enacting formula such as ``CHỦ TỊCH ỦY BAN
NHÂN DÂN HUYỆN …`` or ``QUYẾT ĐỊNH:``, ``Điều 1``, ``Phần I``, ``I.``, ``1.``, a table
row). The lines are kept as printed (joined with ``\\n``), so a criteria condition on what a
document is does not depend on how well the subject was extracted, and the body — where a
plan lists the other plans it asks for — never counts as its title.

A blank line does not end the block (OCR often inserts one inside a wrapped trích yếu);
a sentence ending (``.``/``;``/``:``), a mixed-case line after an upper-case title, a
parenthesised line (``(Ban hành kèm theo …)``) or a long paragraph does. Returns ``None``
when no type line or V/v line is found in the header zone.
"""

from __future__ import annotations

import re

from .doctypes import type_from_name
from .header import is_upper_text

__all__ = ["title_block"]

_HEAD_LINES = 45  # the type line is always in the header zone
_MAX_LINES = 8  # trích yếu lines after the type line
_MAX_LINE = 220  # a longer line is a body paragraph (DOCX: one paragraph per line)

_VV = re.compile(r"(?:^|(?<=\s))(?:[VW]\s?[/⁄|]\s?[vV]|Về\s+việc|V\.v\.?)(?=[\s:.]|$)")
_MOTTO = re.compile(
    r"C\wNG\s+H\w{2}\s+X\w\s+H\wI\s+CH\w\s+NGH\wA|Độc\s+lập\s*[-–—]\s*Tự\s+do|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM",
    re.IGNORECASE,
)
_DATE = re.compile(r"[^\d,\n:;()]{2,40}?,\s*ngày\b", re.IGNORECASE)
_SO = re.compile(r"^\s*(?:Số|SỐ|Sô|S0)\s*(?:hiệu)?\s*[:.;]?\s*\S*\d|^\s*Số\s*:\s", re.IGNORECASE)
_BODY = re.compile(
    r"^\s*(?:Căn\s+cứ|Kính\s+gửi|Kính\s+trình|Thực\s+hiện|Triển\s+khai|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị"
    r"|Theo\s+quy\s+định|Điều\s+1\b|Chương\s+I\b|Phần\s+(?:I|1|thứ\s+nhất)\b|Mục\s+(?:I|1)\b|Hôm\s+nay"
    r"|Ngày\s+\d{1,2}\s*(?:/|tháng)|Nơi\s+nhận|(?:Trong|Qua|Sau|Đến\s+nay|Hiện\s+nay|Năm)\s+[^\n]{0,30},\s"
    r"|Để\s|Nhằm\s|Tiếp\s+tục\s|Thời\s+gian\s+qua"
    # "Ủy ban nhân dân huyện ban hành Kế hoạch … như sau:" (a body sentence, maybe wrapped)
    r"|(?:(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND)\b[^\n]{0,60}?\s"
    r"(?:ban\s+hành|xây\s+dựng|báo\s+cáo|thông\s+báo|triển\s+khai|yêu\s+cầu|đề\s+nghị|trân\s+trọng)\b|[IVX]{1,4}\s*[.)/-]\s|\d{1,2}\s*[.)]\s|[a-zđ]\)\s|[-+•*]\s)",
    re.IGNORECASE,
)
# enacting formulas: "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN ..."
_ENACT = re.compile(
    r"^\s*(?:CHỦ\s+TỊCH\b|ỦY\s+BAN\s+NHÂN\s+DÂN\b|UỶ\s+BAN\s+NHÂN\s+DÂN\b"
    r"|HỘI\s+ĐỒNG\s+NHÂN\s+DÂN\b|BAN\s+CHẤP\s+HÀNH\b|BAN\s+THƯỜNG\s+VỤ\b|GIÁM\s+ĐỐC\b|TRƯỞNG\s+(?:BAN|PHÒNG)\b"
    r"|BỘ\s+TRƯỞNG\b|THỦ\s+TƯỚNG\b)"
)
_OPERATIVE = re.compile(r"^\s*QUYẾT\s+(?:ĐỊNH|NGHỊ)\s*:")
_ENACT_PERSON = re.compile(r"^\s*(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|BAN\s+CHẤP\s+HÀNH|TRƯỞNG\s+(?:BAN|PHÒNG))\b")
_TABLE = re.compile(r"\t|\s\|\s|^\s*\|")
_END = re.compile(r"[.;:!?]\s*$")
_RULE = re.compile(r"^[\s\-–—_=*.·~]*$")


def title_block(text: str) -> str | None:
    """The type line (or V/v line) and the trích yếu lines below it, as printed.

    Args:
        text: the document's text (all pages joined, or the first page), NFC.

    Returns:
        The lines joined with ``\\n`` (spaces inside a line normalised), or ``None`` when
        the header shows neither a type line nor a ``V/v`` line.
    """
    lines = text.split("\n", _HEAD_LINES + _MAX_LINES + 20)[: _HEAD_LINES + _MAX_LINES + 20]
    start = _start(lines)
    if start is None:
        return None
    i, first, is_vv = start
    out = [first]
    upper_title = False
    own: list[str] = []  # the trích yếu lines after a type line
    if not is_vv:
        name = type_from_name(first)
        rest = first[len(name[1]):].strip(" :") if name else ""
        if rest:
            own.append(rest)
    ended = bool(_END.search(first)) and is_vv
    for raw in lines[i + 1:]:
        if ended or len(out) > _MAX_LINES:
            break
        t = " ".join(raw.split())
        if not t or _RULE.match(t):
            continue  # OCR breaks a wrapped trích yếu with blank lines
        cut = _cut_glued(t)
        if cut is None:
            continue  # a motto, date or Số cell between wrapped title lines (two columns)
        t = cut
        if _stops(t, own) or (own and t.endswith(":")):
            break
        if own and upper_title and not is_upper_text(t):
            break  # an upper-case trích yếu ends where the mixed-case body starts
        if not own:
            upper_title = is_upper_text(t)
        own.append(t)
        out.append(t)
        if _END.search(t):
            ended = True
    if not own and not is_vv:
        return None  # a type line with nothing under it is not a title block
    return "\n".join(out)


def _start(lines: list[str]) -> tuple[int, str, bool] | None:
    """The first type line or V/v line of the header zone: (index, line, is V/v)."""
    for i, raw in enumerate(lines[:_HEAD_LINES]):
        t = " ".join(raw.split())
        if not t:
            continue
        if _BODY.match(t) and not _VV.match(t):
            return None  # the body started: no title block in the header
        m = _VV.search(t)
        if m and (m.start() == 0 or _SO.match(t) or len(t[: m.start()]) < 60):
            vv = t[m.start():]
            d = _DATE.search(vv)
            if d and d.start() > 10:
                vv = vv[: d.start()].rstrip()  # "V/v … Đức Thọ, ngày …" glued by OCR
            return i, vv, True
        found = type_from_name(t)
        if found is None:
            continue
        _code, name = found
        rest = t[len(name):].strip()
        if not is_upper_text(name) or rest.startswith(":"):
            continue  # "Kế hoạch số …" in a sentence; "QUYẾT ĐỊNH:" opens the operative part
        if rest and not (is_upper_text(t) or rest[:1].isupper()):
            continue
        return i, t, False
    return None


def _cut_glued(t: str) -> str | None:
    """A title line without the motto or place-date cell glued to it (two-column headers
    read line by line); ``None`` when nothing of the title is left."""
    for rx in (_MOTTO, _DATE):
        m = rx.search(t)
        if m:
            t = t[: m.start()].rstrip(" ,")
    if _SO.match(t):
        return None
    return t or None


def _stops(t: str, own: list[str]) -> bool:
    """Whether ``t`` is the first body line (or past the title block)."""
    if _BODY.match(t) or _TABLE.search(t) or t.startswith("(") or _OPERATIVE.match(t):
        return True
    if own and _ENACT.match(t):
        # the enacting formula under a mixed-case trích yếu; under an upper-case one only a
        # person's title ("CHỦ TỊCH …"), since "ỦY BAN NHÂN DÂN …" may continue the title
        return not is_upper_text(" ".join(own)) or bool(_ENACT_PERSON.match(t))
    return len(t) > _MAX_LINE and bool(own)
