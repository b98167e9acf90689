"""Export a list of documents (``list``, ``search``) to ``.xlsx`` or ``.csv``.

One function, :func:`export_rows`, for every command that exports: the columns are the
document fields an officer reads (Vietnamese headers), plus any extra ones the caller adds
(``score`` for search). CSV is UTF-8 with a BOM so that Excel reads the diacritics; XLSX has a
frozen header, an autofilter and a hyperlink to each file.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence.errors import BadValue

__all__ = ["DOCUMENT_COLUMNS", "SEARCH_COLUMNS", "ExportError", "export_rows"]

#: (key of a hit dict, Vietnamese header, XLSX width)
DOCUMENT_COLUMNS: list[tuple[str, str, int]] = [
    ("symbol", "Số ký hiệu", 18),
    ("doc_type", "Loại", 8),
    ("date", "Ngày", 12),
    ("subject", "Trích yếu", 60),
    ("issuer", "Cơ quan ban hành", 36),
    ("corrected", "Cán bộ đã sửa", 16),
    ("path", "Tệp", 50),
    ("id", "Mã (id)", 20),
]


#: search hits: the document columns, the score and the matching passage
SEARCH_COLUMNS: list[tuple[str, str, int]] = [
    *DOCUMENT_COLUMNS[:5], ("score", "Điểm", 8), ("snippet", "Đoạn khớp", 60),
    *DOCUMENT_COLUMNS[6:],
]


class ExportError(BadValue):
    """The export file cannot be written (unknown extension, folder missing, not
    writable, disk full)."""


def export_rows(path: str | Path, rows: Sequence[dict[str, Any]],
                columns: Sequence[tuple[str, str, int]] = DOCUMENT_COLUMNS) -> Path:
    """Write ``rows`` (dicts) to ``path``; the format follows its extension.

    Raises:
        ExportError: not ``.xlsx`` / ``.csv``, or the file cannot be written.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".xlsx", ".csv"):
        raise ExportError("chỉ xuất được tệp .xlsx hoặc .csv", subject=str(p))
    if not p.parent.is_dir():
        raise ExportError("thư mục không tồn tại", subject=str(p))
    try:
        if ext == ".csv":
            _csv(p, rows, columns)
        else:
            _xlsx(p, rows, columns)
    except OSError as exc:
        raise ExportError(f"không ghi được tệp ({exc.strerror or exc})", subject=str(p)) from exc
    return p


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có" if value else ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _csv(p: Path, rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> None:
    with open(p, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for _, h, _ in columns])
        for r in rows:
            w.writerow([_cell(r.get(k)) for k, _, _ in columns])


def _xlsx(p: Path, rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Văn bản"
    ws.append([h for _, h, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    keys = [k for k, _, _ in columns]
    path_col = keys.index("path") + 1 if "path" in keys else None
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        ws.append([_cell(r.get(k)) for k in keys])
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
        if path_col and r.get("path"):
            link = ws.cell(ws.max_row, path_col)
            link.hyperlink = Path(r["path"]).absolute().as_uri()
            link.style = "Hyperlink"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    for i, (_, _, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(p)
