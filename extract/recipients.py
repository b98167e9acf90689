"""``Nơi nhận`` block: the recipient items in printed order (``vn-format.md`` §1, item i).

Items start with ``-`` (or ``+``, ``•``); a line without a marker continues the previous
item when that item has not ended with ``;`` or ``.``. The leading marker and the trailing
``;``/``.`` are removed; the final ``Lưu: …`` item is kept and ends the block. In two-column
footers only the left cell of each line is read, so interleaved signer lines are left out.
"""

from __future__ import annotations

import re

from .casing import is_upper_text
from .header import NOI_NHAN, split_cells

__all__ = ["find_noi_nhan", "find_recipients"]

_MARK = re.compile(r"^[-–+•*~]\s*")  # "~" is how OCR often reads the dash
_SIGNER = re.compile(r"^(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*[.:]?\s+\S")


# a signer title of the right column glued at the end of an item (OCR, .doc)
_TRAILING_TITLE = re.compile(
    r"\s+(?:(?:KT|TM|TL|TUQ)\.\s*)?(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|"
    r"BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|CỤC\s+TRƯỞNG|TRƯỞNG\s+[A-ZĐÀ-Ỹ]+)\s*$"
)


def _clean_item(item: str) -> str:
    t = re.sub(r"\s+", " ", item).strip()
    t = _TRAILING_TITLE.sub("", t)
    # OCR debris after the item's own ";" ("UBND huyện; . 'Yh"): no word of three letters
    head, sep, tail = t.partition(";")
    if sep and tail.strip() and not re.search(r"[^\W\d_]{3,}", tail):
        t = head
    return t.strip().rstrip(";.,").strip()


def find_noi_nhan(text: str) -> re.Match[str] | None:
    """The ``Nơi nhận:`` anchor: at the start of a line (after emphasis marks) or of a
    column (after a wide gap), never "nơi nhận hồ sơ" inside a sentence."""
    for cand in NOI_NHAN.finditer(text):
        line_start = text.rfind("\n", 0, cand.start()) + 1
        before = text[line_start : cand.start()]
        if before.strip(" \t*_") == "" or before.endswith(("   ", "\t")):
            return cand
    return None


def find_recipients(text: str) -> tuple[list[str], tuple[int, int] | None]:
    """The Nơi nhận items and the span of the block (``([], None)`` when absent)."""
    m = find_noi_nhan(text)
    if m is None:
        return [], None
    cells = split_cells(text, m.end(), min(len(text), m.end() + 4000))
    items: list[str] = []
    open_item = False
    last_line = text.count("\n", 0, m.end())
    end = m.end()
    started = False
    for c in cells:
        t = c.text.strip()
        if not c.first:
            # right-hand cell (signer column) — but a first item may follow "Nơi nhận:"
            if c.line == last_line and not started and _MARK.match(t):
                pass
            else:
                continue
        if started and c.line > last_line + 1:
            # a blank line ends the list, unless the next line is one more item (OCR and
            # some converters put blank lines between items)
            if not (_MARK.match(t) and c.line <= last_line + 3):
                break
        if _SIGNER.match(t) or (is_upper_text(t) and not _MARK.match(t)):
            # a signer line of the right column interleaved with the items
            if started:
                last_line = c.line
                open_item = False
            continue
        if _MARK.match(t):
            item = _MARK.sub("", t)
            items.append(item)
            started = True
        elif started and open_item:
            items[-1] = items[-1] + " " + t
        elif t and (not started or items[-1].rstrip().endswith(";")):
            items.append(t)  # an item whose dash was lost
            started = True
        else:
            break
        end = c.end
        last_line = c.line
        open_item = not items[-1].rstrip().endswith((";", "."))
        if re.match(r"^Lưu\b", items[-1]) and not items[-1].rstrip().endswith(","):
            break
    cleaned = [_clean_item(i) for i in items]
    cleaned = [i for i in cleaned if i]
    return cleaned, (m.start(), end)
