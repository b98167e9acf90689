"""The wording of a :class:`~evidence.check.verdicts.CheckReport` (the lines of its reasons,
its headline, a listed document) and its XLSX workbook.

What officers read is Vietnamese: status labels, column headings, problem sentences. The
rich table and the Markdown are in :mod:`evidence.renderers` (which also writes a report file
in any format: ``write_report``); JSON is ``report.to_dict()`` (contract).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence.check.verdicts import (
    STATUS_LABELS,
    CheckReport,
    CriterionResult,
    DocumentRef,
    Reason,
    RequirementResult,
)

__all__ = [
    "by_area",
    "doc_line",
    "headline",
    "not_checked_lines",
    "reason_lines",
    "score_text",
    "write_xlsx",
]

log = logging.getLogger(__name__)

_XLSX_FILLS = {"met": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}


def by_area(report: CheckReport) -> Iterator[tuple[str, str | None, list[CriterionResult]]]:
    """The criteria grouped by area, in catalogue order: (code, title, criteria)."""
    order: dict[str, list[CriterionResult]] = {}
    titles: dict[str, str | None] = {}
    for c in report.criteria:
        order.setdefault(c.area, []).append(c)
        titles.setdefault(c.area, c.area_title)
    for code, crits in order.items():
        yield code, titles[code], crits


def doc_line(d: DocumentRef) -> str:
    """A listed document as one line: symbol (or file name), date, the officer's mark."""
    name = d.symbol or (Path(d.path).name if d.path else d.id[:12])
    date = f" ({_vn_date(d.date)})" if d.date else ""
    mark = " ✎ cán bộ đã sửa" if d.corrected else ""
    return f"{name}{date}{mark}"


#: how each reason condition is named to the officer
CONDITION_LABELS = {
    "type": "loại văn bản", "subject": "trích yếu", "subject_none": "trích yếu", "body": "nội dung",
    "keywords": "từ khóa", "year": "năm", "issuer": "cơ quan ban hành", "date": "ngày ban hành",
    "number": "số", "signer": "người ký", "annex": "phụ lục", "citation": "viện dẫn",
    "figure": "số liệu", "manual": "liên kết thủ công",
}
_SAY_OK = ("figure", "citation", "manual")  # passed conditions whose detail is worth reading


def _by_document(reasons: list[Reason]) -> list[tuple[str, str, list[Reason]]]:
    out: dict[str, tuple[str, str, list[Reason]]] = {}
    for x in reasons:
        out.setdefault(x.id, (x.id, x.symbol or x.id[:12], []))[2].append(x)
    return list(out.values())


def reason_lines(r: RequirementResult, *, full: bool = True, docs: int | None = None) -> list[str]:
    """The reasons of a requirement as lines an officer reads, per document: the passed
    conditions named in one line (``✓ loại văn bản, trích yếu, …``; a figure, a citation or
    a manual link with its detail), each failed one with its sentence (``✗ …``).

    Args:
        full: also write the details of passed conditions (Markdown, XLSX); the table
            keeps one line of names.
        docs: at most this many documents.
    """
    lines: list[str] = []
    for _id, name, rs in _by_document(r.reasons)[:docs]:
        ok = [x for x in rs if x.ok]
        if full:
            lines += [f"{name}: ✓ {_labelled(x)}" for x in ok]
            lines += [f"{name}: ✗ {x.detail}" for x in rs if not x.ok]
            continue
        # the table: what passed in one line; what failed only where nothing was found
        if ok and r.status != "missing":
            labels = list(dict.fromkeys(CONDITION_LABELS.get(x.condition, x.condition) for x in ok))
            said = [f"{CONDITION_LABELS[x.condition]}: {x.detail}" for x in ok if x.condition in _SAY_OK]
            lines.append(f"{name}: ✓ " + ", ".join(labels) + "".join(f"; {_clip(d)}" for d in said))
        lines += [f"{name}: ✗ {_clip(x.detail)}" for x in rs if not x.ok
                  and (r.status == "missing" or x.condition == "manual")]
    for m in r.manual:
        if not m.get("in_store", True):
            lines.append(f"liên kết thủ công tới văn bản {m['id'][:12]} không còn trong kho")
    return lines


def _labelled(x: Reason) -> str:
    """``loại văn bản: là Kế hoạch``; no label where the detail starts with it."""
    label = CONDITION_LABELS.get(x.condition, x.condition)
    return x.detail if x.detail.lower().startswith(label) else f"{label}: {x.detail}"


def _clip(s: str, n: int = 240) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _vn_date(iso: str | None) -> str:
    from evidence.check.matching import format_date

    return format_date(iso)


def score_text(x: float | None) -> str:
    """A score as an officer reads it (``2,5``); empty when there is none."""
    if x is None:
        return ""
    from evidence.check.numeric import format_number

    return format_number(round(x, 2))


def not_checked_lines(report: CheckReport) -> list[str]:
    """The Markdown section of the criteria not checked (no evidence is submitted for them),
    empty when there are none."""
    if not report.not_checked:
        return []
    return ["## Không kiểm tra", "",
            *(f"- {x['code']} {x['title']}: {x['reason']}" for x in report.not_checked), ""]


def headline(report: CheckReport) -> str:
    s = report.summary
    p = report.points()
    year = f" năm {report.year}" if report.year else ""
    return (f"Kết quả kiểm tra tài liệu kiểm chứng{year}: {s['met']} tiêu chí đạt, "
            f"{s['partial']} chưa đạt đủ, {s['missing']} thiếu "
            f"(trên {report.documents_checked} văn bản). Điểm tối đa {score_text(p['max'])}, "
            f"điểm có nguy cơ mất {score_text(p['at_stake'])}.")


# -- xlsx ---------------------------------------------------------------------------------

_DETAIL_COLUMNS = [
    ("Lĩnh vực", 10), ("Mã tiêu chí", 11), ("Tiêu chí", 40), ("Trạng thái tiêu chí", 14),
    ("Điểm tối đa", 9), ("Mã yêu cầu", 11), ("Yêu cầu", 50), ("Bắt buộc", 9),
    ("Trạng thái", 13), ("Văn bản", 30), ("Vấn đề", 70), ("Mã vấn đề", 18), ("Tệp", 40),
    ("Căn cứ", 90),
]
_DOC_COLUMNS = [
    ("Mã yêu cầu", 11), ("Trạng thái yêu cầu", 14), ("Văn bản", 22), ("Ngày", 12),
    ("Được tính", 10), ("Căn cứ", 100), ("Tệp", 50),
]


def write_xlsx(report: CheckReport, path: str | Path) -> Path:
    """Write the report as an XLSX workbook: a summary sheet (``Tổng hợp``), one row per
    requirement (``Chi tiết``) with status, documents, problems, reasons and a hyperlink to
    the first document's file, and one row per listed document (``Văn bản``: every
    document linked, with its reasons); frozen headers, autofilters and column widths set.

    Returns:
        The path written.
    """
    from openpyxl import Workbook

    p = Path(path)
    wb = Workbook()
    _summary_sheet(wb.active, report)
    detail = _detail_sheet(wb.create_sheet("Chi tiết"), report)
    documents = _documents_sheet(wb.create_sheet("Văn bản"), report)
    for sheet, columns in ((detail, _DETAIL_COLUMNS), (documents, _DOC_COLUMNS)):
        _filter_and_widths(sheet, columns)
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def _summary_sheet(ws: Any, report: CheckReport) -> None:
    """``Tổng hợp``: the catalogue, the counts and points, then one row per area."""
    from openpyxl.styles import Font

    ws.title = "Tổng hợp"
    bold = Font(bold=True)
    s = report.summary
    pts = report.points()
    summary_rows: list[tuple[Any, ...]] = [
        ("Bộ tiêu chí", report.catalogue_title or ""),
        ("Tệp tiêu chí", report.criteria_file or ""),
        ("Năm đánh giá", report.year),
        ("Số văn bản đã xét", report.documents_checked),
        ("Tiêu chí đạt", s["met"]),
        ("Tiêu chí chưa đạt đủ", s["partial"]),
        ("Tiêu chí thiếu", s["missing"]),
        ("Điểm tối đa", pts["max"]),
        ("Điểm có nguy cơ mất", pts["at_stake"]),
    ]
    for row in summary_rows:
        ws.append(list(row))
        ws.cell(ws.max_row, 1).font = bold
    ws.append([])
    ws.append(["Lĩnh vực", "Tên lĩnh vực", "Đạt", "Chưa đạt đủ", "Thiếu", "Điểm tối đa",
               "Điểm có nguy cơ mất"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for code, title, crits in by_area(report):
        ws.append([code, title or "",
                   sum(c.status == "met" for c in crits), sum(c.status == "partial" for c in crits),
                   sum(c.status == "missing" for c in crits),
                   sum(float(c.max_score or 0) for c in crits),
                   sum(c.points_at_stake for c in crits)])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for col in "CDEFG":
        ws.column_dimensions[col].width = 14


def _header_row(ws: Any, columns: list[tuple[str, int]]) -> None:
    from openpyxl.styles import Font

    ws.append([name for name, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = _wrap()


def _wrap() -> Any:
    """Wrapped text, aligned to the top (openpyxl imported only when writing)."""
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


def _fill(cell: Any, status: str) -> None:
    from openpyxl.styles import PatternFill

    cell.fill = PatternFill("solid", fgColor=_XLSX_FILLS[status])


def _link_cell(cell: Any, path: str) -> None:
    cell.hyperlink = _file_uri(path)
    cell.style = "Hyperlink"
    cell.alignment = _wrap()


def _detail_sheet(wd: Any, report: CheckReport) -> Any:
    """``Chi tiết``: one row per requirement, a link to its first document's file."""
    _header_row(wd, _DETAIL_COLUMNS)
    for c in report.criteria:
        for r in c.requirements:
            docs = "\n".join(doc_line(d) for d in r.documents)
            first = r.documents[0].path if r.documents else None
            wd.append([
                c.area, c.code, c.title, STATUS_LABELS[c.status], c.max_score, r.id, r.text,
                "Có" if r.required else "Không", STATUS_LABELS[r.status], docs,
                "\n".join(r.problems), ", ".join(r.problem_codes), first or "",
                "\n".join(reason_lines(r)),
            ])
            row = wd.max_row
            for cell in wd[row]:
                cell.alignment = _wrap()
            _fill(wd.cell(row, 9), r.status)
            _fill(wd.cell(row, 4), c.status)
            if first:
                _link_cell(wd.cell(row, 13), first)
    return wd


def _documents_sheet(wv: Any, report: CheckReport) -> Any:
    """``Văn bản``: one row per document a requirement lists, with its reasons."""
    _header_row(wv, _DOC_COLUMNS)
    for c in report.criteria:
        for r in c.requirements:
            listed = {d.id: d for d in r.documents}
            for doc_id, name, rs in _by_document(r.reasons):
                d = listed.get(doc_id)
                path = d.path if d else ""
                wv.append([r.id, STATUS_LABELS[r.status], name, _vn_date(d.date) if d and d.date else "",
                           ("Có" if d.counts else "Không") if d else "Không",
                           "\n".join(("✓ " if x.ok else "✗ ") + x.detail for x in rs), path])
                row = wv.max_row
                for cell in wv[row]:
                    cell.alignment = _wrap()
                _fill(wv.cell(row, 2), r.status)
                if path:
                    _link_cell(wv.cell(row, len(_DOC_COLUMNS)), path)
    return wv


def _filter_and_widths(sheet: Any, columns: list[tuple[str, int]]) -> None:
    """Frozen header, an autofilter over the table, the column widths."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    for i, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _file_uri(path: str) -> str:
    try:
        return Path(path).resolve().as_uri()
    except ValueError:
        return path
