"""Renderers of a :class:`~evidence.check.verdicts.CheckReport`: rich table, Markdown, XLSX.

What officers read is Vietnamese: status labels, column headings, problem sentences. JSON is
``report.to_dict()`` (contract); the CLI prints it with ``emit_json``.
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
    "FORMATS",
    "STATUS_COLOURS",
    "headline",
    "reason_lines",
    "render_markdown",
    "render_table",
    "write_report",
    "write_xlsx",
]

log = logging.getLogger(__name__)

FORMATS = ("table", "json", "md", "xlsx")
STATUS_COLOURS = {"met": "green", "partial": "yellow", "missing": "red"}
_XLSX_FILLS = {"met": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}


def _by_area(report: CheckReport) -> Iterator[tuple[str, str | None, list[CriterionResult]]]:
    order: dict[str, list[CriterionResult]] = {}
    titles: dict[str, str | None] = {}
    for c in report.criteria:
        order.setdefault(c.area, []).append(c)
        titles.setdefault(c.area, c.area_title)
    for code, crits in order.items():
        yield code, titles[code], crits


def _doc_line(d: DocumentRef) -> str:
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


def _score(x: float | None) -> str:
    if x is None:
        return ""
    from evidence.check.numeric import format_number

    return format_number(round(x, 2))


def headline(report: CheckReport) -> str:
    s = report.summary
    p = report.points()
    year = f" năm {report.year}" if report.year else ""
    return (f"Kết quả kiểm tra tài liệu kiểm chứng{year}: {s['met']} tiêu chí đạt, "
            f"{s['partial']} chưa đạt đủ, {s['missing']} thiếu "
            f"(trên {report.documents_checked} văn bản). Điểm tối đa {_score(p['max'])}, "
            f"điểm có nguy cơ mất {_score(p['at_stake'])}.")


# -- rich table ---------------------------------------------------------------------------

def render_table(report: CheckReport, console: Any = None) -> None:
    """Print the report as rich tables grouped by area, coloured statuses and a totals line.

    Problems are printed under their requirement, so the table stays readable at 80
    columns.

    Args:
        report: the check report.
        console: a ``rich.console.Console`` (default: a new one on stdout).
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    con = console or Console()
    title = report.catalogue_title or "Bộ tiêu chí"
    year = f" — năm {report.year}" if report.year and str(report.year) not in title else ""
    con.print(Text(title + year, style="bold"))
    for code, area_title, crits in _by_area(report):
        table = Table(title=f"Lĩnh vực {code}. {area_title or ''}".strip(), title_justify="left",
                      title_style="bold", expand=True, show_edge=False, pad_edge=False)
        table.add_column("Mã", no_wrap=True)
        table.add_column("Tiêu chí / yêu cầu / vấn đề", ratio=5)
        table.add_column("Trạng thái", no_wrap=True)
        table.add_column("Văn bản", ratio=2, overflow="fold")
        for c in crits:
            colour = STATUS_COLOURS[c.status]
            pts = f" ({_score(c.max_score)} điểm)" if c.max_score is not None else ""
            head = Text(c.title, style="bold")
            head.append(pts, style="dim")
            if c.points_at_stake:
                head.append(f" — nguy cơ mất {_score(c.points_at_stake)}", style=colour)
            table.add_row(Text(c.code, style="bold"), head,
                          Text(STATUS_LABELS[c.status], style=f"bold {colour}"), "")
            for r in c.requirements:
                body = Text(r.text + ("" if r.required else " (không bắt buộc)"))
                for prob in r.problems[:4]:
                    body.append("\n• " + prob, style=STATUS_COLOURS[r.status])
                for why in reason_lines(r, full=False, docs=1 if r.status != "missing" else 2):
                    body.append("\n  " + why, style="dim")
                docs = "\n".join(_doc_line(d) for d in r.documents[:2])
                table.add_row(Text(r.id, style="dim"), body,
                              Text(STATUS_LABELS[r.status], style=STATUS_COLOURS[r.status]), docs)
        con.print(table)
        con.print()
    if report.not_checked:
        codes = ", ".join(x["code"] for x in report.not_checked)
        con.print(Text(f"Không kiểm tra (không nộp tài liệu kiểm chứng): {codes}", style="dim"))
    s = report.summary
    line = Text("Tổng: ", style="bold")
    for k in ("met", "partial", "missing"):
        line.append(f"{s[k]} {STATUS_LABELS[k].lower()}", style=f"bold {STATUS_COLOURS[k]}")
        line.append("  ")
    p = report.points()
    line.append(f"| điểm tối đa {_score(p['max'])}, có nguy cơ mất {_score(p['at_stake'])}"
                f" | {report.documents_checked} văn bản đã xét")
    con.print(line)


# -- markdown -----------------------------------------------------------------------------

def _md(s: str) -> str:
    return " ".join(s.replace("|", "\\|").split())


def render_markdown(report: CheckReport) -> str:
    """The report as Markdown (one table per area), for officers to paste or print."""
    out = [f"# {report.catalogue_title or 'Kết quả kiểm tra tài liệu kiểm chứng'}", "",
           headline(report), ""]
    if report.criteria_file:
        out += [f"Bộ tiêu chí: `{report.criteria_file}`", ""]
    for code, area_title, crits in _by_area(report):
        out += [f"## Lĩnh vực {code}. {area_title or ''}".rstrip(), "",
                "| Mã | Tiêu chí / yêu cầu | Trạng thái | Văn bản | Vấn đề | Căn cứ | Điểm |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for c in crits:
            stake = f" (nguy cơ mất {_score(c.points_at_stake)})" if c.points_at_stake else ""
            out.append(f"| **{c.code}** | **{_md(c.title)}** | **{STATUS_LABELS[c.status]}** | | | "
                       f"| {_score(c.max_score)}{stake} |")
            for r in c.requirements:
                docs = "<br>".join(_md(_doc_line(d)) for d in r.documents[:3])
                probs = "<br>".join(_md(p) for p in r.problems)
                why = "<br>".join(_md(x) for x in reason_lines(r, docs=3))
                opt = " _(không bắt buộc)_" if not r.required else ""
                out.append(f"| {r.id} | {_md(r.text)}{opt} | {STATUS_LABELS[r.status]} | {docs} "
                           f"| {probs} | {why} | |")
        out.append("")
    if report.not_checked:
        out += ["## Không kiểm tra", ""]
        out += [f"- {x['code']} {x['title']}: {x['reason']}" for x in report.not_checked]
        out.append("")
    return "\n".join(out)


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
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    p = Path(path)
    wb = Workbook()
    ws = wb.active
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
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = bold
    for code, title, crits in _by_area(report):
        ws.append([code, title or "",
                   sum(c.status == "met" for c in crits), sum(c.status == "partial" for c in crits),
                   sum(c.status == "missing" for c in crits),
                   sum(float(c.max_score or 0) for c in crits),
                   sum(c.points_at_stake for c in crits)])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for col in "CDEFG":
        ws.column_dimensions[col].width = 14

    wd = wb.create_sheet("Chi tiết")
    wd.append([name for name, _ in _DETAIL_COLUMNS])
    for cell in wd[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for c in report.criteria:
        for r in c.requirements:
            docs = "\n".join(_doc_line(d) for d in r.documents)
            first = r.documents[0].path if r.documents else None
            wd.append([
                c.area, c.code, c.title, STATUS_LABELS[c.status], c.max_score, r.id, r.text,
                "Có" if r.required else "Không", STATUS_LABELS[r.status], docs,
                "\n".join(r.problems), ", ".join(r.problem_codes), first or "",
                "\n".join(reason_lines(r)),
            ])
            row = wd.max_row
            for cell in wd[row]:
                cell.alignment = wrap
            status_cell = wd.cell(row, 9)
            status_cell.fill = PatternFill("solid", fgColor=_XLSX_FILLS[r.status])
            wd.cell(row, 4).fill = PatternFill("solid", fgColor=_XLSX_FILLS[c.status])
            if first:
                link = wd.cell(row, 13)
                link.hyperlink = _file_uri(first)
                link.style = "Hyperlink"
                link.alignment = wrap
    wv = wb.create_sheet("Văn bản")
    wv.append([name for name, _ in _DOC_COLUMNS])
    for cell in wv[1]:
        cell.font = bold
        cell.alignment = wrap
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
                    cell.alignment = wrap
                wv.cell(row, 2).fill = PatternFill("solid", fgColor=_XLSX_FILLS[r.status])
                if path:
                    link = wv.cell(row, len(_DOC_COLUMNS))
                    link.hyperlink = _file_uri(path)
                    link.style = "Hyperlink"
                    link.alignment = wrap
    for sheet, columns in ((wd, _DETAIL_COLUMNS), (wv, _DOC_COLUMNS)):
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
        for i, (_, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def _file_uri(path: str) -> str:
    try:
        return Path(path).resolve().as_uri()
    except ValueError:
        return path


def write_report(report: CheckReport, fmt: str, out: str | Path) -> Path:
    """Write the report to ``out`` as ``json`` (the contract), ``md`` or ``xlsx``.

    Returns:
        The path written.
    """
    p = Path(out)
    if fmt == "xlsx":
        return write_xlsx(report, p)
    p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        import json
        import unicodedata

        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
        p.write_text(unicodedata.normalize("NFC", text) + "\n", encoding="utf-8")
    elif fmt == "md":
        p.write_text(render_markdown(report) + "\n", encoding="utf-8")
    else:
        from rich.console import Console

        with p.open("w", encoding="utf-8") as fh:
            render_table(report, Console(file=fh, width=120, color_system=None))
    return p
