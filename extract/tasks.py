"""Assigned tasks in the operative part of a document (issue 3, "Tasks").

A task is a numbered item of the body (``1.``, ``2.`` …, with its ``a)`` / ``-`` sub-items
and continuation paragraphs), a ``Giao …`` sentence outside the numbered list, an
``Đề nghị/Yêu cầu <unit> … trước ngày …`` paragraph that carries a deadline, or a decision's
article that assigns (``Điều 3. Chánh Văn phòng …, Trưởng phòng Nội vụ … chịu trách nhiệm
thi hành``). For each: the text, ``assignees`` (chủ trì), ``coordinators`` (phối hợp) and the
``deadline``.

- Units are found with :mod:`evidence.extract.gazetteer` (data in ``units.yaml``);
  ``các phòng: A, B`` expands to ``Phòng A``, ``Phòng B``.
- Assignees are the units in subject position (start of the item or of a sentence),
  the objects of ``Giao``, the units before ``chủ trì``. An item naming no unit takes the
  units the lead-in sentence addresses (``UBND huyện yêu cầu các cơ quan, … triển khai một
  số nội dung sau:``) — they are named by the text, not guessed.
- Deadlines: ``trước ngày 15/11/2023``, ``chậm nhất ngày …``, ``trong tháng 12/2023``
  (``2023-12``), ``trong quý IV/2023`` (``2023-12``); recurring ones (``trước ngày 15 hằng
  tháng``, ``định kỳ hằng quý``) keep their text with ``recurring=True`` and no date.
- Not tasks: the ``Căn cứ`` preamble, ``Nơi nhận`` list, signature; sections of
  purpose/results in plans and reports (``I. MỤC ĐÍCH, YÊU CẦU``); decision articles that
  do not assign.

Spans: when pages are joined with ``"\\n\\f\\n"`` (``Document.text``), ``Task.span`` gives the
1-based page and offsets inside that page; otherwise page 1 and offsets in ``text``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property

from evidence.extract.dates import find_dates, iso_date
from evidence.extract.gazetteer import (
    UnitMention,
    find_unit_mentions,
    unit_key,
)
from evidence.extract.normalize import clean_text, fold_keep_length
from evidence.model import Span, Task

__all__ = ["find_deadline", "find_tasks"]

log = logging.getLogger(__name__)

# line classifiers (on NFC text; "**" is bold markup some converters leave)
_B = r"^[ \t*_]*"
_ROMAN = re.compile(_B + r"(?P<r>[IVX]{1,5})\s*[.)/-]\s+(?P<t>\S.*)$")
_ARTICLE = re.compile(_B + r"Điều\s+(?P<n>\d{1,3})\s*[.:]\s*(?P<t>.*)$", re.IGNORECASE)
_NUMBERED = re.compile(_B + r"(?P<n>\d{1,2})\s*[.)](?!\d)\s*(?P<t>\S.*)$")
_SUBNUM = re.compile(_B + r"(?P<n>\d{1,2})\.(?P<m>\d{1,2})\.?(?!\d)\s*(?P<t>\S.*)$")
_LETTER = re.compile(_B + r"[a-zđ]\s*\)\s+\S")
_BULLET = re.compile(r"^[ \t]*[-–+•]\s+\S")
_END = re.compile(
    _B + r"(?:Nơi\s+nhận|TM\.|T/M|KT\.|K/T|TL\.|T/L|TUQ\.|Q\.\s)", re.IGNORECASE
)
_PREAMBLE = re.compile(_B + r"(?:Căn\s+cứ|Xét\s+đề\s+nghị|Theo\s+đề\s+nghị)", re.IGNORECASE)

# folded (accent-free, lower-case) patterns
_CLOSING = re.compile(
    r"^(?:giao|yeu cau|de nghi|tren day|trong qua trinh|qua trinh|nhan duoc|neu|de |"
    r"uy ban nhan dan|ubnd|can cu|noi nhan)"
)
# sections of plans and reports that state purposes, targets or results, not tasks
_EXCLUDED_SECTIONS = re.compile(
    r"muc dich|can cu|tinh hinh|ket qua|danh gia|dac diem|thuc trang|noi dung bao cao|"
    r"muc tieu|chi tieu|quan diem|ton tai|han che|cong tac chi dao|kho khan|vuong mac|"
    r"nguyen nhan|co so phap ly|thong tin chung|ho so trinh|noi dung ho so|pham vi|nguyen tac"
)
_TASK_SECTIONS = re.compile(
    r"nhiem vu|phuong huong|giai phap|phan cong|to chuc thuc hien|kien nghi|de xuat|"
    r"trach nhiem"
)
# an item that assigns or asks whatever its section: "Giao …", "Kiến nghị: …"
_TASK_START = re.compile(r"(?:giao|de nghi|kien nghi|nhiem vu|phuong huong)(?!\w)")
_REPORT_TYPE_LINE = re.compile(r"^[\s*_]*(?:bao cao|to trinh)[\s*_]*$")
_GIAO = re.compile(r"(?<!\w)giao(?:\s+cho)?\s+")
_COORD = re.compile(r"(?<!\w)phoi hop(?:\s+chat che)?\s*(?:voi|cung)\s*:?\s*|\(phoi hop:?\s*")
# a unit followed by these speaks (requests, replies) or states what it does not do:
# "Sở … trân trọng đề nghị", "Sở Công Thương phúc đáp để Công ty biết", "Sở … không tiến
# hành kiểm tra thực địa"
_REQUESTER_VERB = re.compile(
    r"^\s*(?:tran trong\s+)?(?:yeu cau|de nghi|giao|ban hanh|thong bao|quyet dinh|phuc dap|"
    r"tra loi|(?:cung\s+)?khong)(?!\w)"
)
# ... or what it has done or is doing ("Sở Xây dựng đã tham gia ý kiến"), read on the
# accented text: folded, "đã" is "đa", "đang" is "đăng"
_REPORTS = re.compile(r"\s*(?:đã|đang)(?!\w)")
_SUBJECT_LEAD = re.compile(
    r"(?:dieu\s+\d{1,3}\s*[.:]\s*|dong thoi,?\s*|de nghi\s+|yeu cau\s+|giao\s+|\d{1,2}\s*[.)]\s*|[a-z]\s*\)\s*|[-+–•*]\s*)*"
)
_NOT_SUBJECT = re.compile(r"^\s*[,(]?\s*(?:dia chi|so dien thoai|dien thoai|email|fax)(?!\w)")
_COORD_COLON = re.compile(r"phoi hop[^.;:]{0,60}:\s*$")
_COORD_VERB = re.compile(r"^\s*(?:cung\s+)?phoi hop(?!\w)")
_BELONGS = re.compile(r"^\s+(truc\s+thuoc|thuoc)\s+$")
_BELONGS_WORDS = {"thuoc": "thuộc", "truc thuoc": "trực thuộc"}
_CHAIN_GAP = re.compile(r"^\s*(?:,|;|\bva\b|,\s*va\b|\bcung\b|\bcung voi\b)?\s*$")
_ASSIGN_ARTICLE = re.compile(
    r"chiu trach nhiem (?:thi hanh|to chuc thuc hien|thuc hien|trien khai)|"
    r"co trach nhiem (?:to chuc |trien khai )?thuc hien|(?<!\w)giao\s"
)
_ASK_ALL = re.compile(r"(?<!\w)(?:yeu cau|de nghi)(?:\s+cac\s+noi dung\s+sau|\s+nhu\s+sau)?\s*:$")
_ADDRESSEE_END = re.compile(
    r"\s*:|\s+(?:thuc hien|trien khai|khan truong|nghiem tuc|tap trung|chu dong|quan tam|"
    r"tiep tuc|ra soat|hoan thien|bo sung|chinh sua|hieu chinh|dieu chinh|kiem tra|bao cao|"
    r"cung cap|nghien cuu|xem xet|lam ro|khac phuc|gui|nop|to chuc|chuan bi|cap nhat|"
    r"lap|thuc hien)(?!\w)")
# the addressee named only by its kind ("đề nghị Công ty hoàn thiện …:"): the letter's
# own addressee (Kính gửi) is meant
_GENERIC_ADDRESSEE = re.compile(
    r"^(?:quy\s+)?(?:cong ty|doanh nghiep|don vi|co quan|chu dau tu|nha dau tu|quy co quan|"
    r"quy don vi|quy cong ty|hop tac xa|to chuc)$")
_KINH_GUI = re.compile(r"^[\s*_]*kinh gui\s*:?")
# the executing clause of a decision: "… chịu trách nhiệm thi hành Quyết định này"
_EXECUTE = re.compile(
    r"chiu trach nhiem (?:thi hanh|to chuc thuc hien|trien khai thuc hien|thuc hien)"
    r"[^.;]{0,40}?(?:quyet dinh|nghi dinh|thong tu|chi thi|nghi quyet|ke hoach|van ban|"
    r"quy dinh|luat|giay phep)\s+nay")
_HAS_DUTY = re.compile(r"^\s*(?:co|chiu) trach nhiem(?!\w)")
_ASKS = re.compile(r"(?<!\w)(?:yeu cau|de nghi)\s")
_SENTENCE_START = re.compile(r"(?:^|[.;:]|dieu\s+\d{1,3}\s*[.:]?)\s*$")
_ASSIGN_HINT = re.compile(r"trách\s+nhiệm|(?<!\w)giao\s", re.IGNORECASE)
_CHU_TRI = re.compile(r"\s*(?:\(|,)?\s*chu tri(?!\w)")

# deadlines
_DEADLINE_LEAD = re.compile(
    r"(?:truoc|cham nhat|han chot|han cuoi|khong qua|thoi han|xong|hoan thanh|"
    r"thoi gian(?: thuc hien| hoan thanh| nop| gui)?|trong(?=\s*(?:ngay\s*)?$))"
    r"(?:\s*(?:vao|la|trong|truoc|den|het))?"
    # an hour before the day: "trước 14 giờ ngày 08 tháng 10", "trước 15 giờ 30, ngày …"
    r"(?:\s*\d{1,2}\s*(?:gio|h)(?:\s*\d{1,2}\s*(?:phut|')?)?\s*,?)?"
    r"\s*(?:ngay)?\s*:?\s*(?:ngay|truoc ngay)?\s*$"
)
_RECURRING = re.compile(
    r"(?:(?:truoc|cham nhat|han chot|vao|truoc hoac vao)\s+(?:ngay\s+)?\d{1,2}\s+"
    r"(?:(?:cua\s+)?(?:hang|moi)\s+(?:thang|quy|nam|tuan)|(?:cua\s+)?thang\s+cuoi\s+quy)"
    r"|dinh ky\s+(?:hang|moi)\s+(?:thang|quy|nam|tuan|6 thang)"
    r"|(?:hang|moi)\s+(?:thang|quy)(?!\w))"
)
_MONTH_DL = re.compile(
    r"(?:(?P<lead>truoc|trong|hoan thanh trong|xong trong|cuoi|het|cham nhat trong)\s+)"
    r"thang\s*(?P<m>\d{1,2})\s*(?:/|nam)\s*(?P<y>(?:19|20)\d\d)(?!\d)"
)
_QUARTER_DL = re.compile(
    r"(?:trong|truoc|hoan thanh trong|xong trong|cuoi|het)\s+quy\s+(?P<q>iv|iii|ii|i|[1-4])"
    r"\s*(?:/|nam)\s*(?P<y>(?:19|20)\d\d)(?!\d)"
)
_RELATIVE_DL = re.compile(
    r"(?:trong|truoc|cham nhat|khong qua)\s+(?:vong|thoi han|thoi gian)?\s*\d{1,3}\s+"
    r"(?:ngay lam viec|ngay|tuan|thang)(?:\s+(?:ke tu|tinh tu|sau)\s+(?:ngay\s+)?[^.;,]{0,40})?")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass
class _Line:
    start: int
    end: int
    text: str
    new_sentence: bool

    @cached_property
    def fold(self) -> str:
        """Folded text of the line, computed only for the lines that need it."""
        return fold_keep_length(self.text)


@dataclass
class _Block:
    id: str
    kind: str  # item | article | giao | request
    start: int
    end: int
    lines: list[_Line] = field(default_factory=list)
    defaults: list[UnitMention] = field(default_factory=list)
    heading: bool = False  # the heading of split sub-items: a task only if it names a unit


def find_tasks(text: str) -> list[Task]:
    """The tasks a document assigns, in text order.

    Args:
        text: the document text (any Unicode form; NFC applied here). Pages may be joined
            with ``"\\n\\f\\n"``.

    Returns:
        :class:`~evidence.model.Task` objects. Never raises: on an unexpected failure the
        error is logged and an empty list returned, so one odd document never stops a batch.
    """
    try:
        return _find_tasks(clean_text(text or ""))
    except Exception:  # the extractor's contract: no input makes it raise
        log.exception("task extraction failed")
        return []


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    prev_end_char = "\n"
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group(0)
        if not raw.strip() or raw.strip() == "\f":
            prev_end_char = "\n"
            continue
        s = m.start() + (len(raw) - len(raw.lstrip()))
        e = m.end() - (len(raw) - len(raw.rstrip()))
        line = text[s:e]
        new = prev_end_char in "\n.:;!?" or (line[:1].isupper() and prev_end_char == ",")
        out.append(_Line(s, e, line, new))
        prev_end_char = line.rstrip("* _")[-1:] or "\n"
    # an empty line (paragraph break) also starts a sentence when the next line is capitalised
    for i in range(1, len(out)):
        gap = text[out[i - 1].end:out[i].start]
        if gap.count("\n") >= 2 and (out[i].text.lstrip("*_ ")[:1].isupper()):
            out[i].new_sentence = True
    return out


def _find_tasks(text: str) -> list[Task]:
    if not text.strip():
        return []
    lines = _lines(text)
    # task tables (often an annex after the signature) are read wherever they are
    table_tasks, table_lines = _tables(lines, text)
    # body ends at the recipients list or the signature
    body: list[_Line] = []
    for ln in lines:
        if _END.match(ln.text):
            break
        if id(ln) not in table_lines:
            body.append(ln)
    has_articles = any(_ARTICLE.match(ln.text) for ln in body)
    report = any(_REPORT_TYPE_LINE.match(ln.fold) for ln in lines[:25])
    if has_articles:
        blocks = _articles(body, text)
    else:
        addressees = _addressees(body, text)
        blocks = _items(body, text, addressees, report=report)
        if not report and not any(b.kind == "item" for b in blocks):
            # no numbered list: a "- …" / "a) …" list after a request is the list of tasks
            bullets = _bullet_items(body, text, addressees)
            if bullets:
                giao = [b for b in blocks if not any(
                    b.start <= x.start < b.end or x.start <= b.start < x.end for x in bullets)]
                blocks = sorted([*bullets, *giao], key=lambda b: b.start)
    tasks: list[Task] = []
    for b in (part for block in blocks for part in _split_subitems(block)):
        task = _make_task(b, text)
        if task is not None:
            tasks.append(task)
    return tasks + table_tasks


# task tables: "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành"
_COL_TASK = re.compile(r"noi dung|nhiem vu|cong viec|hoat dong")
_COL_LEAD = re.compile(r"chu tri|thuc hien|trach nhiem|phu trach")
_COL_COORD = re.compile(r"phoi hop")
_COL_TIME = re.compile(r"thoi gian|thoi han|tien do|hoan thanh")
_RECURRING_CELL = re.compile(r"^(?:dinh ky\s+)?(?:hang|moi)\s+(?:nam|thang|quy|tuan|ngay)$")
_YEAR_CELL = re.compile(r"^(?:trong|truoc|het|cuoi|nam)?\s*(?:nam\s+)?((?:19|20)\d\d)$")
_COL_INDEX = re.compile(r"^\(?\d{1,2}\)?$")
_COL_NO = re.compile(r"^(?:stt|tt|so tt|so thu tu)$")


def _columns(cells: list[str]) -> dict[str, int] | None:
    """Column roles of a header row, or None when it is not a task table's header."""
    cols: dict[str, int] = {}
    for i, c in enumerate(cells):
        c = c.strip(" *_.:")
        if _COL_NO.match(c):
            cols.setdefault("no", i)
        elif _COL_COORD.search(c):
            cols.setdefault("coord", i)
        elif _COL_TIME.search(c):  # before "lead": "Thời gian thực hiện"
            cols.setdefault("time", i)
        elif _COL_LEAD.search(c) and "task" in cols:
            cols.setdefault("lead", i)
        elif _COL_TASK.search(c):
            cols.setdefault("task", i)
    return cols if "task" in cols and "lead" in cols else None


_Row = tuple[str, _Line, list[str], dict[str, int]]  # (row number, its line(s), cells, columns)


def _tables(lines: list[_Line], text: str) -> tuple[list[Task], set[int]]:
    """Tasks of every task table (a header naming the task and the unit in charge: its
    cells tab-separated on one line, or one cell per line as PDF text extraction writes
    them), and the ids of the lines they use."""
    used: set[int] = set()
    tables = _tab_tables(lines, used) + _cell_line_tables(lines, text, used)
    tables = [rows for rows in tables if rows]
    tasks: list[Task] = []
    for t_index, rows in enumerate(tables, start=1):
        prefix = f"T{t_index}." if len(tables) > 1 else "T"
        tasks.extend(_row_task(f"{prefix}{no}", ln, cells, cs, text) for no, ln, cells, cs in rows)
    return tasks, used


def _row_task(tid: str, ln: _Line, cells: list[str], cs: dict[str, int], text: str) -> Task:
    lead = _cell_units(cells[cs["lead"]])
    coord = _cell_units(cells[cs["coord"]]) if "coord" in cs else []
    deadline, deadline_text, recurring = (
        _cell_deadline(cells[cs["time"]]) if "time" in cs else (None, None, False))
    return Task(
        id=tid, text=_tidy(cells[cs["task"]]), assignees=lead,
        coordinators=[c for c in coord if unit_key(c) not in {unit_key(a) for a in lead}],
        deadline=deadline, deadline_text=deadline_text, recurring=recurring,
        span=_span(text, ln.start, ln.end),
    )


def _tab_tables(lines: list[_Line], used: set[int]) -> list[list[_Row]]:
    """Tables whose rows are tab-separated lines under a tab-separated header."""
    out: list[list[_Row]] = []
    cols: dict[str, int] | None = None
    width = 0
    gap = 0
    for ln in lines:
        if "\t" not in ln.text:
            gap += 1
            if gap > 5:
                cols = None
            continue
        gap = 0
        cells = ln.text.split("\t")
        header = _columns([fold_keep_length(c).strip() for c in cells])
        if header:
            cols, width = header, len(cells)
            out.append([])
            used.add(id(ln))
            continue
        # the reader drops empty cells: a row may lack its trailing "Ghi chú"
        if cols is None or not max(cols.values()) < len(cells) <= width:
            continue
        if all(_COL_INDEX.match(c.strip()) for c in cells if c.strip()):
            continue  # the "(1) (2) (3)" row under the header
        used.add(id(ln))
        task_cell = cells[cols["task"]].strip()
        if not task_cell or not cells[cols["lead"]].strip():
            continue  # a group row ("I | Công tác chỉ đạo | | |")
        no = cells[cols["no"]].strip(" .") if "no" in cols else ""
        out[-1].append((no or str(len(out[-1]) + 1), ln, cells, cols))
    return out


_HEADER_CELL_WORDS = 8  # a header cell of a task table is short


def _cell_line_tables(lines: list[_Line], text: str, used: set[int]) -> list[list[_Row]]:
    """Tables flattened one cell per line (``TT`` / ``Nội dung`` / ``Cơ quan chủ trì`` / …,
    then each row: its number alone on a line and one line per cell, rows apart by a blank
    line). A row whose line count does not fit the header (a cell wrapped over two lines)
    is left out: which line belongs to which column is not known."""
    out: list[list[_Row]] = []
    i = 0
    while i < len(lines):
        head = _cell_line_header(lines, i)
        if head is None:
            i += 1
            continue
        cols, width, j = head
        if "no" not in cols or cols["no"] != 0:
            i += 1
            continue
        rows: list[_Row] = []
        used.update(id(ln) for ln in lines[i:j])
        while j < len(lines) and _COL_INDEX.match(lines[j].text.strip()) and lines[j].text.strip().startswith("("):
            used.add(id(lines[j]))
            j += 1  # the "(1)" "(2)" … row under the header
        expect = 1
        while j < len(lines) and lines[j].text.strip().rstrip(".") == str(expect):
            k = j + 1
            while k < len(lines) and text.count("\n", lines[k - 1].end, lines[k].start) < 2 \
                    and lines[k].text.strip().rstrip(".") != str(expect + 1):
                k += 1
            cells = [ln.text for ln in lines[j:k]]
            if max(cols.values()) < len(cells) <= width and _row_fits(cells, cols):
                used.update(id(ln) for ln in lines[j:k])
                span = _Line(lines[j].start, lines[k - 1].end, text[lines[j].start:lines[k - 1].end], True)
                rows.append((str(expect), span, cells, cols))
            j, expect = k, expect + 1
        out.append(rows)
        i = j
    return out


_TIME_WORDS = re.compile(r"thuong xuyen|hang (?:nam|thang|quy|tuan)|dinh ky|(?:19|20)\d\d")


def _row_fits(cells: list[str], cols: dict[str, int]) -> bool:
    """Whether the lines of a flattened row fall into the header's columns: the unit
    column names a unit and the time column states a time (a wrapped cell shifts them)."""
    if not find_unit_mentions(_tidy(cells[cols["lead"]])):
        return False
    return "time" not in cols or bool(_TIME_WORDS.search(fold_keep_length(cells[cols["time"]])))


def _cell_line_header(lines: list[_Line], i: int) -> tuple[dict[str, int], int, int] | None:
    """A task table's header written one cell per line from ``lines[i]``: its columns,
    its width and the index of the line after it."""
    if len(lines[i].text) > 12 or not _COL_NO.match(lines[i].fold.strip(" *_.:")):
        return None
    j = i + 1
    while j < len(lines) and j - i < 8 and len(lines[j].text.split()) <= _HEADER_CELL_WORDS \
            and not lines[j].text.strip().startswith("(") \
            and not re.fullmatch(r"\d{1,3}\.?", lines[j].text.strip()):
        j += 1
    for end in range(j, i + 2, -1):
        cols = _columns([fold_keep_length(ln.text).strip() for ln in lines[i:end]])
        if cols:
            return cols, end - i, end
    return None


def _cell_units(cell: str) -> list[str]:
    """Units named in a table cell; a cell naming none gives its own words (a short one)."""
    cell = _tidy(cell)
    names = _names(find_unit_mentions(cell))
    if names:
        return names
    return [cell[0].upper() + cell[1:]] if cell and len(cell.split()) <= 12 else []


def _cell_deadline(cell: str) -> tuple[str | None, str | None, bool]:
    """A deadline column: ``30/6/2023``, ``Tháng 6/2023``, ``Quý II/2023``, ``Trước ngày
    15 hằng tháng``, ``Thường xuyên`` (text only)."""
    cell = _tidy(cell)
    if not cell:
        return None, None, False
    fcell = fold_keep_length(cell)
    if _RECURRING_CELL.match(fcell):
        return None, cell, True
    year = _YEAR_CELL.match(fcell)
    if year:
        return iso_date(int(year.group(1))), cell, False
    iso, raw, recurring = find_deadline(cell)
    if iso or recurring:
        return iso, raw, recurring
    iso, raw, recurring = find_deadline("trong " + cell[0].lower() + cell[1:])
    if iso:
        return iso, cell, False
    dates = [d for d in find_dates(cell) if d.iso]
    if len(dates) == 1:
        return dates[0].iso, cell, False
    return None, cell, False


def _articles(body: list[_Line], text: str) -> list[_Block]:
    """Decisions: one block per article; only assigning articles become tasks."""
    blocks: list[_Block] = []
    cur: _Block | None = None
    for ln in body:
        m = _ARTICLE.match(ln.text)
        if m:
            cur = _Block(f"Điều {m.group('n')}", "article", ln.start, ln.end, [ln])
            blocks.append(cur)
        elif cur is not None and not _PREAMBLE.match(ln.text):
            cur.lines.append(ln)
            cur.end = ln.end
    # a cheap test on the NFC text first: folding every article of a long decree costs
    return [b for b in blocks if _ASSIGN_HINT.search(text, b.start, b.end)
            and _ASSIGN_ARTICLE.search(fold_keep_length(text[b.start:b.end]))]


def _addressees(body: list[_Line], text: str) -> list[UnitMention]:
    """Units of the ``Kính gửi:`` block (on its line and the bullet lines after it)."""
    for i, ln in enumerate(body):
        if _KINH_GUI.match(ln.fold):
            j = i + 1
            while j < len(body) and _BULLET.match(body[j].text):
                j += 1
            start, end = ln.start, body[j - 1].end
            found = [UnitMention(u.start + start, u.end + start, u.text, u.canonical, u.kind, u.title)
                     for u in find_unit_mentions(text[start:end])]
            if not found and j == i + 1:
                # one addressee outside the gazetteer: "Kính gửi: Các tổ chức, cá nhân hoạt
                # động khoáng sản trên địa bàn tỉnh" names it in its own words
                m = re.match(r"^[\s*_]*Kính\s+gửi\s*:?\s*(.+?)[\s.;,]*$", ln.text, re.IGNORECASE)
                phrase = m.group(1) if m else ""
                if 2 <= len(phrase.split()) <= 20:
                    name = phrase[0].upper() + phrase[1:]
                    at = ln.start + ln.text.find(phrase)
                    found = [UnitMention(at, at + len(phrase), name, name, "phrase")]
            return found
    return []


def _section_ok(heading_fold: str, report: bool) -> bool:
    if _TASK_SECTIONS.search(heading_fold):
        return True
    if _EXCLUDED_SECTIONS.search(heading_fold):
        return False
    return not report  # a report's sections state results unless named as tasks


def _items(body: list[_Line], text: str, addressees: list[UnitMention], *,
           report: bool = False) -> list[_Block]:
    """Numbered items (sequential numbering per section), standalone ``Giao`` sentences
    and deadline-bearing requests. In a report (``BÁO CÁO`` type line) only sections
    named as tasks (``PHƯƠNG HƯỚNG, NHIỆM VỤ``) and items that assign (``Giao …``,
    ``Kiến nghị: …``) count."""
    return _ItemReader(body, text, addressees, report).read()


@dataclass
class _ItemReader:
    """The state of one pass of :func:`_items` over the body: the current section (a
    Roman heading), the open numbered item and the free lines between items."""

    body: list[_Line]
    text: str
    addressees: list[UnitMention]
    report: bool
    blocks: list[_Block] = field(default_factory=list)
    section: str = ""
    section_ok: bool = True
    section_is_task: bool = False
    section_items: int = 0
    expect: int = 1
    cur: _Block | None = None
    free: list[_Line] = field(default_factory=list)  # lead-ins, closing paragraphs
    lead_defaults: list[UnitMention] = field(default_factory=list)
    # a lead-in before the first section ("… yêu cầu các tổ chức … thực hiện các nội dung
    # sau:" then "I. Đối với …"): it addresses the items of every section that has none
    outer_defaults: list[UnitMention] = field(default_factory=list)

    def read(self) -> list[_Block]:
        self.section_ok = not self.report
        for ln in self.body:
            if _PREAMBLE.match(ln.text) and self.cur is None and not ln.text.rstrip(" *_").endswith(":"):
                continue  # "Căn cứ …, đề nghị Công ty hoàn thiện các nội dung sau:" is a lead-in
            rm = _ROMAN.match(ln.text)
            if rm and _is_heading(rm.group("t")):
                self.open_section(ln, rm.group("r"))
                continue
            nm = _NUMBERED.match(ln.text) if not _SUBNUM.match(ln.text) else None
            if nm and int(nm.group("n")) in (self.expect, 1) and (
                    ln.new_sentence or int(nm.group("n")) == self.expect):
                self.open_item(ln, int(nm.group("n")), nm.group("t"))
                continue
            self.other_line(ln)
        self.flush_free()
        return self.blocks

    def open_section(self, ln: _Line, roman: str) -> None:
        """A Roman heading (``III. NHIỆM VỤ, GIẢI PHÁP``) starts a section and its list."""
        self.cur = None
        self.outer_defaults = _lead_in_defaults(self.free, self.text, self.addressees,
                                                asking=True) or self.outer_defaults
        self.flush_free()
        self.section = roman
        self.section_ok = _section_ok(ln.fold, self.report)
        self.section_is_task = bool(_TASK_SECTIONS.search(ln.fold))
        self.section_items = 0
        self.expect = 1

    def open_item(self, ln: _Line, n: int, head: str) -> None:
        """A numbered line opens an item, unless its section or its heading is not a
        task's (results, difficulties)."""
        if n == 1:
            # the lead-in is the free text just before the list
            self.lead_defaults = _lead_in_defaults(self.free, self.text, self.addressees) or \
                list(self.outer_defaults)
        self.flush_free()
        self.expect = n + 1
        head_fold = fold_keep_length(head)
        if (not self.section_ok and not _TASK_START.match(head_fold)) or _excluded_heading(head_fold):
            self.cur = None
            return
        self.section_items += 1
        bid = f"{self.section}.{n}" if self.section else str(n)
        self.cur = _Block(bid, "item", ln.start, ln.end, [ln], list(self.lead_defaults))
        self.blocks.append(self.cur)

    def other_line(self, ln: _Line) -> None:
        """A line continues the open item, or is free text (kept where tasks may be)."""
        if self.cur is not None:
            if _continues_item(self.cur, ln, self.body):
                self.cur.lines.append(ln)
                self.cur.end = ln.end
                return
            self.cur = None
        if self.section_ok or (not self.section and not self.report):
            self.free.append(ln)

    def flush_free(self) -> None:
        """Turn the free lines gathered so far into ``Giao``/request blocks (or, in a
        task section without numbered items, into one item)."""
        free = self.free
        if self.section_is_task and not self.section_items and free:
            # "III. NHIỆM VỤ 6 THÁNG CUỐI NĂM" with prose instead of numbered items
            self.blocks.append(_Block(self.section, "item", free[0].start, free[-1].end, list(free)))
        else:
            n_giao = len([b for b in self.blocks if b.kind == "giao"])
            self.blocks.extend(_free_blocks(free, self.text, n_giao))
        free.clear()


def _excluded_heading(item_fold: str) -> bool:
    """A numbered item that is only a heading of results or difficulties (``2. Khó khăn,
    vướng mắc``) heads no task."""
    t = item_fold.strip(" *_:")
    return (len(t.split()) <= 10 and not t.endswith((".", ";"))
            and bool(_EXCLUDED_SECTIONS.search(t)) and not _TASK_SECTIONS.search(t))


# items that describe a meeting or an inspection rather than assign work
_INFO_LABEL = re.compile(
    r"(?:thoi gian|dia diem|thanh phan|doi tuong|thanh vien|dai bieu|so luong|diem cau)"
    r"[^:.;]{0,60}:|du\s+(?:hop\s+)?tai\s+diem cau")
_LIST_LEAD = re.compile(r"(?<!\w)(?:yeu cau|de nghi|giao|chi dao|nhu sau|noi dung sau)(?!\w)")


def _bullet_items(body: list[_Line], text: str, addressees: list[UnitMention]) -> list[_Block]:
    """Items of a ``-``/``+``/``a)`` list that follows a request ending with a colon
    (``UBND tỉnh có ý kiến như sau:``, ``đề nghị các đơn vị:``); ids ``•1``, ``•2`` …
    (the list is not numbered in the text)."""
    blocks: list[_Block] = []
    i = 0
    while i < len(body):
        ln = body[i]
        if not (ln.text.rstrip(" *_").endswith(":") and _LIST_LEAD.search(ln.fold)
                and not _KINH_GUI.match(ln.fold)):
            i += 1
            continue
        defaults = _lead_in_defaults(body[max(0, i - 3): i + 1], text, addressees)
        j = i + 1
        cur: _Block | None = None
        while j < len(body):
            nxt = body[j]
            if _BULLET.match(nxt.text) or _LETTER.match(nxt.text):
                cur = _Block(f"•{len(blocks) + 1}", "item", nxt.start, nxt.end, [nxt],
                             list(defaults))
                blocks.append(cur)
            elif cur is not None and (not nxt.new_sentence or nxt.text[:1].islower()):
                cur.lines.append(nxt)
                cur.end = nxt.end
            else:
                break
            j += 1
        i = j
    return blocks


def _split_subitems(b: _Block) -> list[_Block]:
    """An item whose ``N.M.`` sub-items each open with the unit in charge (``3.1. Sở Y
    tế …``, ``3.2. Công an tỉnh …``) assigns one task per sub-item (ids ``III.3.1`` …); the
    lines before the first sub-item are the heading, a task only when they name a unit.
    Sub-items that do not all name their unit (``1.1. Đập đầu mối``) stay in the item."""
    if b.kind != "item":
        return [b]
    starts = [i for i, ln in enumerate(b.lines) if i and _SUBNUM.match(ln.text)]
    if not starts or not all(_opens_with_unit(b.lines[i]) for i in starts):
        return [b]
    head = b.lines[:starts[0]]
    out = [_Block(b.id, b.kind, head[0].start, head[-1].end, head, heading=True)]
    for i, j in zip(starts, [*starts[1:], len(b.lines)], strict=True):
        part = b.lines[i:j]
        sub = _SUBNUM.match(part[0].text)
        out.append(_Block(f"{b.id}.{sub.group('m') if sub else i}", b.kind, part[0].start,
                          part[-1].end, part, list(b.defaults)))
    return out


def _opens_with_unit(ln: _Line) -> bool:
    """Whether a line's first words (after its number and ``Đề nghị``) name a unit."""
    lead = _SUBJECT_LEAD.match(ln.fold)
    return bool(_chain(find_unit_mentions(ln.text), lead.end() if lead else 0, ln.fold))


def _is_heading(t: str) -> bool:
    """A Roman-numbered line heads a section when it is in capitals, or a short title in
    sentence case (``I. Đối với các dự án đã được cấp phép``: no colon, no final stop)."""
    letters = [c for c in t if c.isalpha()]
    if not letters:
        return False
    if sum(c.isupper() for c in letters) >= 0.6 * len(letters):
        return True
    t = t.strip(" *_")
    return ":" not in t and not t.endswith((".", ";", ",")) and len(t.split()) <= 16


def _continues_item(cur: _Block, ln: _Line, body: list[_Line]) -> bool:
    """Whether ``ln`` belongs to the open item: everything up to the next numbered item,
    except that after the list's last item a new closing paragraph (``Giao …``,
    ``Yêu cầu …``, ``Trên đây …``) ends it."""
    if not ln.new_sentence or _LETTER.match(ln.text) or _BULLET.match(ln.text):
        return True
    if _SUBNUM.match(ln.text):
        return True
    if ln.text.lstrip("*_ ")[:1].islower():
        return True
    # is there a next numbered item of this list after ln?
    idx = body.index(ln)
    nxt = cur.id.split(".")[-1]
    want = str(int(nxt) + 1) if nxt.isdigit() else None
    for later in body[idx + 1:]:
        m = _NUMBERED.match(later.text)
        if m and want and m.group("n") == want:
            return True
        if _ROMAN.match(later.text):
            break
    return not _CLOSING.match(ln.fold.lstrip("*_ "))


# "Chủ tịch Ủy ban nhân dân tỉnh giao Sở …": a Giao sentence opened by its requester
_REQUESTER_GIAO = re.compile(
    r"^(?:(?:pho\s+)?chu tich\s+|giam doc\s+|thu truong\s+)?(?:uy ban nhan dan|ubnd|so|bo|van phong|"
    r"thuong truc|ban thuong vu|ban chi dao)(?:\s+[^\s,.;:]+){0,6}?\s+giao(?:\s+cho)?\s+(?=[^\s])")


def _free_blocks(free: list[_Line], text: str, n_giao: int) -> list[_Block]:
    """``Giao …`` sentences and ``Đề nghị/Yêu cầu <unit> … <deadline>`` paragraphs outside
    the numbered items."""
    out: list[_Block] = []
    i = 0
    while i < len(free):
        ln = free[i]
        head = ln.fold.lstrip("*_ -–+•\t")
        requester_giao = _REQUESTER_GIAO.match(head)
        if ln.new_sentence and (head.startswith("giao ") or head.startswith(("de nghi ", "yeu cau "))
                                or requester_giao):
            j = i + 1
            while j < len(free) and not free[j].new_sentence:
                j += 1
            para = free[i:j]
            start, end = para[0].start, para[-1].end
            if head.startswith("giao ") or requester_giao:
                n_giao += 1
                out.append(_Block(f"G{n_giao}", "giao", start, end, para))
            else:
                seg = text[start:end]
                if find_deadline(seg)[0] or find_deadline(seg)[2]:
                    n_giao += 1
                    out.append(_Block(f"G{n_giao}", "request", start, end, para))
            i = j
            continue
        i += 1
    return out


def _lead_in_defaults(free: list[_Line], text: str, addressees: list[UnitMention], *,
                      asking: bool = False) -> list[UnitMention]:
    """Units the lead-in sentence (``… yêu cầu các cơ quan, … triển khai một số nội dung
    sau:``) addresses; they are the assignees of items that name none. A lead-in that
    requests without naming anyone (``UBND huyện yêu cầu:``) addresses the ``Kính gửi``
    recipients; so does one that requests nothing (``… có ý kiến như sau:``), unless
    ``asking`` (a lead-in before the sections: ``… thông báo kết quả như sau:`` then ``I.
    THÔNG TIN CHUNG`` … ``V. KẾT LUẬN`` addresses no one in particular)."""
    if not free:
        return []
    # the last paragraph before the list
    j = len(free) - 1
    while j > 0 and not free[j].new_sentence:
        j -= 1
    start, end = free[j].start, free[-1].end
    seg = text[start:end]
    fseg = fold_keep_length(seg)
    if not seg.rstrip(" *_").endswith(":"):
        return []
    mentions = find_unit_mentions(seg)
    out: list[UnitMention] = []
    asks = list(re.finditer(r"(?<!\w)(?:yeu cau|de nghi|giao)(?:\s+cho)?\s+", fseg))
    for m in asks:
        out.extend(_chain(mentions, m.end(), fseg))
    if not out and asks:
        # addressees outside the gazetteer ("đề nghị Công ty cổ phần X:", "yêu cầu các tổ
        # chức, doanh nghiệp … thực hiện một số nội dung sau:"): the words the text names
        m = asks[-1]
        stop = _addressee_end(fseg, m.end())
        if stop and _GENERIC_ADDRESSEE.match(re.sub(r"\s+", " ", fseg[m.end():stop.start()]).strip(" ,;")):
            return list(addressees)
        if stop:
            phrase = re.sub(r"\s+", " ", seg[m.end():stop.start()]).strip(" ,;")
            if 2 <= len(phrase.split()) <= 24 and (phrase[0].isupper() or
                                                          phrase.lower().startswith("các ")):
                name = phrase[0].upper() + phrase[1:]
                out.append(UnitMention(m.end(), stop.start(), name, name, "phrase"))
    if not out and (_ASK_ALL.search(fseg.rstrip(" *_")) or not (asks or asking)):
        # "UBND tỉnh yêu cầu:", "Sở Công Thương có ý kiến như sau:": the items speak to the
        # letter's addressees (the Kính gửi block)
        return list(addressees)
    return [UnitMention(u.start + start, u.end + start, u.text, u.canonical, u.kind, u.title)
            for u in out]


def _addressee_end(fseg: str, pos: int) -> re.Match[str] | None:
    """Where the addressee named from ``pos`` ends: a colon or its verb; a verb word
    after ``các``/``những`` is a noun of the name (``các tổ chức, doanh nghiệp …``)."""
    for m in _ADDRESSEE_END.finditer(fseg, pos):
        if not re.search(r"(?<!\w)(?:cac|nhung|moi)\s*$", fseg[max(pos, m.start() - 8):m.start()]):
            return m
    return None


def _chain(mentions: list[UnitMention], pos: int, fseg: str) -> list[UnitMention]:
    """Consecutive unit mentions starting at ``pos`` joined by ``,``/``;``/``và``."""
    out: list[UnitMention] = []
    cursor = pos
    for m in mentions:
        if m.start < cursor:
            continue
        gap = fseg[cursor:m.start]
        belongs = _BELONGS.match(gap)
        if out and belongs:
            # "các cơ quan chuyên môn thuộc UBND huyện" is one unit
            word = _BELONGS_WORDS[re.sub(r"\s+", " ", belongs.group(1))]
            prev = out[-1]
            out[-1] = UnitMention(prev.start, m.end, f"{prev.text} {word} {m.text}",
                                  f"{prev.canonical} {word} {m.canonical}", prev.kind, prev.title)
            cursor = m.end
            continue
        if not _CHAIN_GAP.match(gap) or m.start - cursor > 12:
            break
        out.append(m)
        cursor = m.end
    return out


def _make_task(b: _Block, text: str) -> Task | None:
    """The task of one block: its assignees, coordinators and deadline; ``None`` when the
    block assigns nothing (a ``Giao``/request/article naming no unit, an information item)."""
    seg = text[b.start:b.end]
    fseg = fold_keep_length(seg)
    mentions = find_unit_mentions(seg)
    coordinators = _coordinators(mentions, fseg)
    duty = _duty_heading(b, seg, fseg, mentions)
    subjects, first_para_has_subject = _subjects(b, mentions, seg, fseg, coordinators)
    assignees = [*duty, *_giao_objects(b, mentions, fseg), *subjects]
    assignees.extend(u for u in _chu_tri(mentions, fseg) if u not in assignees)
    coord_ids = {id(m) for m in coordinators}
    assignees = sorted((m for m in assignees if id(m) not in coord_ids), key=lambda m: m.start)
    coordinators.sort(key=lambda m: m.start)
    if b.kind == "item" and not first_para_has_subject and not duty:
        assignees = [*b.defaults, *assignees]
    if (b.kind in ("giao", "request", "article") or b.heading) and not assignees:
        return None
    if b.kind == "item" and _INFO_LABEL.match(_task_text(fseg)):
        return None  # "2. Địa điểm: Hội trường tầng 3" describes, it assigns nothing
    deadline, deadline_text, recurring = find_deadline(seg)
    lead = _names(assignees)
    return Task(
        id=b.id,
        text=_task_text(seg),
        assignees=lead,
        coordinators=[n for n in _names(coordinators) if unit_key(n) not in
                      {unit_key(a) for a in lead}],
        deadline=deadline,
        deadline_text=deadline_text,
        recurring=recurring,
        span=_span(text, b.start, b.end),
    )


def _coordinators(mentions: list[UnitMention], fseg: str) -> list[UnitMention]:
    """Units after ``phối hợp với`` / ``(phối hợp: …)``."""
    out: list[UnitMention] = []
    for m in _COORD.finditer(fseg):
        out.extend(_chain(mentions, m.end(), fseg))
    return out


def _giao_objects(b: _Block, mentions: list[UnitMention], fseg: str) -> list[UnitMention]:
    """The units a ``Giao …`` assigns (``Giao Phòng Nội vụ chủ trì …``)."""
    out: list[UnitMention] = []
    for m in _GIAO.finditer(fseg):
        if b.kind == "article" and not _SENTENCE_START.search(fseg, 0, m.start()):
            continue  # a law's "UBND cấp tỉnh giao Sở …" states a duty, it assigns nothing
        out.extend(_chain(mentions, m.end(), fseg))
    return out


def _sentence_starts(b: _Block, fseg: str) -> list[int]:
    """Offsets in the block where a subject may stand: the block's start, each line that
    starts a sentence (every line of an article), after ``.``/``;``/``:``."""
    starts = {0}
    for ln in b.lines:
        # an article's title line ("Điều 13. Hiệu lực thi hành") has no final stop
        if ln.new_sentence or b.kind == "article":
            starts.add(ln.start - b.start)
    for m in re.finditer(r"[.;:]\s+(?=\S)", fseg):
        starts.add(m.end())
    return sorted(starts)


def _subjects(b: _Block, mentions: list[UnitMention], seg: str, fseg: str,
              coordinators: list[UnitMention]) -> tuple[list[UnitMention], bool]:
    """Units in subject position, and whether the block's first words name one. A chain
    followed by ``phối hợp`` joins ``coordinators``; a requester (``UBND huyện yêu cầu``),
    an address field and, in an article, a unit that only states a duty are skipped; so
    are the units an item's own subject asks in mid-line or in a bullet (``2. Sở Xây dựng
    … ; yêu cầu các đơn vị lắp đặt …``: what the Sở does, not who is in charge)."""
    out: list[UnitMention] = []
    first_has_subject = False
    # a "- …" bullet is one of the subject's actions too ("- Yêu cầu các đơn vị …")
    line_starts = {0, *(ln.start - b.start for ln in b.lines if not _BULLET.match(ln.text))}
    for s in _sentence_starts(b, fseg):
        lead = _SUBJECT_LEAD.match(fseg, s)
        pos = lead.end() if lead else s
        chain = _chain(mentions, pos, fseg)
        if not chain:
            continue
        if first_has_subject and s not in line_starts and _ASKS.search(fseg, s, pos):
            continue
        after = fseg[chain[-1].end:]
        if _NOT_SUBJECT.match(after):
            continue  # "Địa điểm: Sở Công Thương, địa chỉ: …"
        if _REQUESTER_VERB.match(after) or _REPORTS.match(seg, chain[-1].end):
            continue  # "UBND huyện yêu cầu …": the requester, not an assignee
        if (_COORD_VERB.match(after) and "giao" not in fseg[s:pos]) or \
                _COORD_COLON.search(fseg, max(0, s - 100), s):
            # "b) UBND các xã phối hợp tổ chức", "phối hợp giữa các cơ quan: Sở X, Sở Y"
            coordinators.extend(chain)
            continue
        if b.kind == "article" and not _article_assigns(after, s):
            continue
        if s == 0:
            first_has_subject = True
        out.extend(chain)
    return out, first_has_subject


def _article_assigns(after: str, s: int) -> bool:
    """In a decision's article: "… chịu trách nhiệm thi hành Quyết định này" anywhere;
    "có trách nhiệm" only right after "Điều N." (a law's "1. Bộ X có trách nhiệm" states
    duties)."""
    sentence = re.split(r"\.(?!\d)", after, maxsplit=1)[0]
    return bool(_EXECUTE.search(sentence) or (s == 0 and _HAS_DUTY.match(after)))


def _chu_tri(mentions: list[UnitMention], fseg: str) -> list[UnitMention]:
    """``… do Phòng Nội vụ chủ trì``, ``Phòng Tư pháp (chủ trì)``."""
    return [u for u in mentions if _CHU_TRI.match(fseg, u.end)]


# an item headed by whose duty it is: "6. Trách nhiệm của các tổ chức, doanh nghiệp …"
_DUTY_HEAD = re.compile(
    r"^[\s*_]*(?:\d{1,2}(?:\.\d{1,2})?\s*[.)]\s*|[a-z]\s*\)\s*)?"
    r"(?:(?:trach nhiem|nhiem vu)\s+cua|yeu cau doi voi)\s+")


def _duty_heading(b: _Block, seg: str, fseg: str,
                  mentions: list[UnitMention]) -> list[UnitMention]:
    """The units an item heading names as bearing the duty (``Trách nhiệm của Sở Y
    tế``); outside the gazetteer, the heading's own words (``các tổ chức, doanh nghiệp
    hoạt động trong lĩnh vực …``). The heading ends at the first sub-item, sentence stop
    or colon."""
    m = _DUTY_HEAD.match(fseg)
    if b.kind != "item" or not m:
        return []
    chain = _chain(mentions, m.end(), fseg)
    if chain:
        return chain
    stop = len(seg)
    for ln in b.lines[1:]:
        if ln.new_sentence or _LETTER.match(ln.text) or _BULLET.match(ln.text):
            stop = ln.start - b.start
            break
    punct = re.search(r"[.;:]", seg[m.end():stop])
    if punct:
        stop = m.end() + punct.start()
    phrase = re.sub(r"\s+", " ", seg[m.end():stop]).strip(" ,*_")
    if not 2 <= len(phrase.split()) <= 24:
        return []
    name = phrase[0].upper() + phrase[1:]
    return [UnitMention(m.end(), stop, name, name, "phrase")]


def _names(ms: list[UnitMention]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for m in ms:
        k = unit_key(m.text)
        if k not in seen:
            seen.add(k)
            out.append(m.text)
    return out


def _task_text(seg: str) -> str:
    s = re.sub(r"\s*\f\s*", " ", seg)
    s = re.sub(r"^[\s*_]*(?:\d{1,2}\s*[.)]|[IVX]{1,5}\s*[.)]|[-–+•]|[a-zđ]\s*\))\s*", "", s)
    s = re.sub(r"\s+", " ", s).strip(" *_")
    return re.sub(r"\s*\./\.\s*$", ".", s)


def _span(text: str, start: int, end: int) -> Span:
    """Page-relative span when pages are joined with form feeds."""
    page = text.count("\f", 0, start) + 1
    base = text.rfind("\f", 0, start) + 1
    if base and base < len(text) and text[base] == "\n":
        base += 1
    return Span(page=page, start=start - base, end=end - base, text=text[start:end])


def find_deadline(text: str) -> tuple[str | None, str | None, bool]:
    """The deadline a task text states.

    Args:
        text: NFC task text.

    Returns:
        ``(iso, raw_text, recurring)``: ``("2023-11-15", "trước ngày 15/11/2023", False)``;
        ``("2023-12", "trong tháng 12/2023", False)``; a recurring deadline gives
        ``(None, "trước ngày 15 hằng tháng", True)``; none gives ``(None, None, False)``.
    """
    ftext = fold_keep_length(text)
    candidates: list[tuple[int, str | None, str, bool]] = []
    for dm in find_dates(text):
        lead = _DEADLINE_LEAD.search(ftext, max(0, dm.start - 45), dm.start)
        if lead and dm.iso:
            candidates.append((lead.start(), dm.iso, _tidy(text[lead.start():dm.end]), False))
    for m in _MONTH_DL.finditer(ftext):
        y, mo = int(m.group("y")), int(m.group("m"))
        if m.group("lead") == "truoc":  # before December = by the end of November
            y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
        iso = iso_date(y, mo)
        if iso:
            candidates.append((m.start(), iso, _tidy(text[m.start():m.end()]), False))
    for m in _QUARTER_DL.finditer(ftext):
        q = _QUARTERS[m.group("q")]
        iso = iso_date(int(m.group("y")), q * 3)
        if iso:
            candidates.append((m.start(), iso, _tidy(text[m.start():m.end()]), False))
    for m in _RECURRING.finditer(ftext):
        candidates.append((m.start(), None, _tidy(text[m.start():m.end()]), True))
    if not candidates:
        # relative to a date the text does not give: kept as text only
        rel = _RELATIVE_DL.search(ftext)
        if rel:
            return None, _tidy(text[rel.start():rel.end()]), False
        return None, None, False
    # a recurring statement covering the same words wins over a partial date inside it
    candidates.sort(key=lambda c: (c[0], not c[3]))
    _pos, iso, raw, recurring = candidates[0]
    return iso, raw, recurring


def _tidy(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:")
