"""Readable (rich) renderings of ``show``, ``refs`` and ``tasks`` for officers.

Labels are Vietnamese with diacritics; the JSON forms come from :mod:`evidence.index.refs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evidence.index.refs import CitationGraph, MissingCitation, ShowResult, TaskRow
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = [
    "render_corrections",
    "render_links",
    "render_list",
    "render_missing",
    "render_refs",
    "render_review",
    "render_show",
    "render_tasks",
]

_FIELDS = [
    ("symbol", "Số ký hiệu"),
    ("doc_type_name", "Loại văn bản"),
    ("date", "Ngày"),
    ("place", "Địa danh"),
    ("issuer", "Cơ quan ban hành"),
    ("parent_issuer", "Cơ quan chủ quản"),
    ("subject", "Trích yếu"),
    ("signer", "Người ký"),
    ("recipients", "Nơi nhận"),
    ("path", "Tệp"),
]


# correction field -> the show rows it changes
_CORRECTED_ROWS = {
    "number": "symbol", "date": "date", "issuer": "issuer", "subject": "subject",
    "doc_type": "doc_type_name", "signer": "signer", "signer_position": "signer",
    "signer_authority": "signer",
}
_REVIEW_LABELS = {"number": "Số", "date": "Ngày", "issuer": "Cơ quan ban hành",
                  "signer": "Người ký", "doc_type": "Loại văn bản", "subject": "Trích yếu"}


def _corrected(d: dict[str, Any]) -> dict[str, list[str]]:
    """Show row -> the marks of the officer's corrections on it (one line per row)."""
    from evidence.index.corrections import FIELD_LABELS

    by_row: dict[str, list[dict[str, Any]]] = {}
    for c in d.get("corrections") or []:
        by_row.setdefault(_CORRECTED_ROWS.get(c.get("field"), c.get("field")), []).append(c)
    out: dict[str, list[str]] = {}
    for row, cs in by_row.items():
        day = max((c.get("at") or "")[:10] for c in cs)
        several = len(cs) > 1
        confirmed = [c for c in cs if c.get("confirmed")]
        changed = [c for c in cs if not c.get("confirmed")]
        marks = []
        if changed:
            was = "; ".join(
                (f"{FIELD_LABELS.get(c['field'], c['field'])}: " if several else "")
                + ("—" if c.get("was") in (None, "") else str(c["was"])) for c in changed)
            marks.append(f"✎ cán bộ đã sửa ({day}); trích xuất: {was}")
        if confirmed:
            marks.append(f"✔ cán bộ đã xác nhận ({day})")
        notes = sorted({c["note"] for c in cs if c.get("note")})
        if notes:
            marks[-1] += "; ghi chú: " + "; ".join(notes)
        out[row] = marks
    return out


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _value(data: dict[str, Any], key: str) -> str:
    v = data.get(key)
    if key == "signer" and isinstance(v, dict):
        parts = [v.get("authority"), v.get("position"), v.get("name")]
        return " ".join(p for p in parts if p) or "—"
    if isinstance(v, list):
        return "; ".join(str(x) for x in v) or "—"
    return str(v) if v not in (None, "") else "—"


def render_show(result: ShowResult, console: Console | None = None) -> None:
    """One document: metadata (with the source line of each field), tasks, cited
    documents found or not in the store, documents citing it."""
    con = console or _console()
    d = result.data
    meta = Table(show_header=False, box=None, pad_edge=False)
    meta.add_column(style="bold")
    meta.add_column()
    sources = d.get("sources") or {}
    corrected = _corrected(d)
    for key, label in _FIELDS:
        cell = Text(_value(d, key))
        src = sources.get(key) or (sources.get("symbol") if key == "symbol" else None)
        if src and src.get("line"):
            cell.append(f"\n  trang {src['page']}: «{src['line']}»", style="dim")
        for mark in corrected.get(key, []):
            cell.append(f"\n  {mark}", style="bold magenta")
        meta.add_row(label, cell)
    for w in d.get("warnings") or []:
        meta.add_row("Lưu ý", Text(w, style="yellow"))
    for r in d.get("review_items") or []:
        where = f" (trang {r['page']})" if r.get("page") else ""
        meta.add_row("Cần kiểm tra", Text(
            f"{_REVIEW_LABELS.get(r['field'], r['field'])}: {r['reason_text']}{where}",
            style="yellow"))
    for c in d.get("stale_corrections") or []:
        meta.add_row("Sửa đổi cũ", Text(
            f"{c['field']} = {c['value']!r} (sửa cho nội dung trước của tệp này; "
            "evidence fix … --reapply để áp dụng lại, --drop-stale để bỏ)", style="yellow"))
    parts: list[Any] = [meta]

    if d.get("tasks"):
        parts.append(_tasks_table([(None, t) for t in d["tasks"]], title="Nhiệm vụ"))
    cited = Table(title="Văn bản được trích dẫn", title_justify="left")
    cited.add_column("Số ký hiệu")
    cited.add_column("Ngày")
    cited.add_column("Cơ quan ban hành")
    cited.add_column("Trong kho")
    for c in d.get("cited") or []:
        status = (Text("Có trong kho", style="green") if c.get("found")
                  else Text("Chưa có trong kho", style="red"))
        cited.add_row(c.get("symbol") or "—", c.get("date") or "—", c.get("issuer") or "—",
                      status)
    if d.get("cited"):
        parts.append(cited)
    if d.get("cited_by"):
        by = Table(title="Được trích dẫn bởi", title_justify="left")
        by.add_column("Số ký hiệu")
        by.add_column("Ngày")
        by.add_column("Trích yếu")
        for b in d["cited_by"]:
            by.add_row(b.get("symbol") or "—", b.get("date") or "—", b.get("subject") or "—")
        parts.append(by)
    if result.others:
        parts.append(Text("Các văn bản khác cùng số ký hiệu: " + ", ".join(
            f"{o['id'][:12]} ({o.get('date') or '—'}, {o.get('path')})" for o in result.others),
            style="dim"))
    con.print(Group(*parts))


def render_refs(graph: CitationGraph, console: Console | None = None) -> None:
    """Every citation: citing document, cited symbol, whether it is in the store."""
    con = console or _console()
    t = Table(title=f"Trích dẫn: {len(graph.edges)} (văn bản: {len(graph.documents)})",
              title_justify="left")
    t.add_column("Văn bản trích dẫn")
    t.add_column("Văn bản được trích dẫn")
    t.add_column("Ngày")
    t.add_column("Trong kho")
    for e in graph.edges:
        status = (Text("Có trong kho", style="green") if e.target is not None
                  else Text("Chưa có trong kho", style="red"))
        t.add_row(e.source.facts.symbol or e.source.id[:12], e.citation.symbol,
                  e.citation.date or "—", status)
    con.print(t)


def render_missing(missing: Sequence[MissingCitation], console: Console | None = None) -> None:
    """Documents cited but not in the store, with who cites them."""
    con = console or _console()
    t = Table(title=f"Văn bản được trích dẫn nhưng chưa có trong kho: {len(missing)}",
              title_justify="left")
    t.add_column("Số ký hiệu")
    t.add_column("Ngày")
    t.add_column("Cơ quan ban hành")
    t.add_column("Số lần")
    t.add_column("Được trích dẫn bởi")
    for m in missing:
        t.add_row(m.symbol, m.date or "—", m.issuer or "—", str(m.count),
                  ", ".join(d.facts.symbol or d.id[:12] for d in m.citing))
    con.print(t)


def _tasks_table(rows: Sequence[tuple[dict[str, Any] | None, dict[str, Any]]],
                 title: str) -> Table:
    t = Table(title=title, title_justify="left", show_lines=True)
    with_doc = any(doc is not None for doc, _ in rows)
    if with_doc:
        t.add_column("Văn bản")
    t.add_column("Mục")
    t.add_column("Nhiệm vụ")
    t.add_column("Đơn vị chủ trì")
    t.add_column("Phối hợp")
    t.add_column("Thời hạn")
    for doc, task in rows:
        deadline = task.get("deadline") or task.get("deadline_text") or "—"
        if task.get("recurring"):
            deadline = f"{task.get('deadline_text')} (định kỳ)"
        text = task.get("text") or ""
        cells = [task.get("id") or "", text if len(text) <= 300 else text[:297] + "…",
                 "; ".join(task.get("assignees") or []) or "—",
                 "; ".join(task.get("coordinators") or []) or "—", deadline]
        if with_doc:
            cells.insert(0, (doc or {}).get("symbol") or (doc or {}).get("id", "")[:12])
        t.add_row(*cells)
    return t


def render_tasks(rows: Sequence[TaskRow], console: Console | None = None) -> None:
    """Tasks across the store."""
    con = console or _console()
    data = [r.to_dict() for r in rows]
    con.print(_tasks_table([(d["document"], d) for d in data],
                           title=f"Nhiệm vụ: {len(rows)}"))


def _table(title: str, columns: Sequence[str], *, lines: bool = False) -> Table:
    t = Table(title=title, title_justify="left", show_lines=lines)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _vn_date(iso: str | None) -> str:
    from evidence.extract.dates import vn_date

    return vn_date(iso) or "—"


def render_corrections(rows: Sequence[dict[str, Any]], console: Console | None = None,
                       title: str | None = None) -> None:
    """The officer's corrections (``fix --list``); stale ones marked."""
    from evidence.index.corrections import FIELD_LABELS

    con = console or _console()
    t = _table(title or f"Sửa đổi của cán bộ: {len(rows)}",
               ["Văn bản", "Trường", "Giá trị", "Trích xuất", "Ngày sửa", "Tình trạng"])
    for r in rows:
        if r["stale"]:
            state = Text("cũ: tệp đã đổi nội dung (--reapply / --drop-stale)", style="yellow")
        elif not r["in_store"]:
            state = Text("văn bản không còn trong kho", style="dim")
        elif r["confirmed"]:
            state = Text("đã xác nhận", style="green")
        else:
            state = Text("đang áp dụng", style="green")
        value = "(để trống)" if r["value"] is None else str(r["value"])
        t.add_row(r["symbol"] or r["id"][:12], FIELD_LABELS.get(r["field"], r["field"]),
                  value, "—" if r["was"] in (None, "") else str(r["was"]),
                  (r["at"] or "")[:10], state)
    con.print(t)


def render_links(rows: Sequence[dict[str, Any]], console: Console | None = None) -> None:
    """The officer's manual links (``link --list``)."""
    con = console or _console()
    t = _table(f"Quyết định của cán bộ về tài liệu kiểm chứng: {len(rows)}",
               ["Bộ tiêu chí", "Yêu cầu", "Văn bản", "Quyết định", "Ghi chú"])
    for r in rows:
        t.add_row(r["catalogue"], r["requirement"], r["symbol"] or r["id"][:12],
                  Text("được tính", style="green") if r["counts"]
                  else Text("không được tính", style="red"), r["note"] or "")
    con.print(t)


def render_review(items: Sequence[dict[str, Any]], console: Console | None = None) -> None:
    """The officer's to-do list (``review``)."""
    con = console or _console()
    if not items:
        con.print(Text("Không có việc cần cán bộ kiểm tra.", style="green"))
        return
    docs = len({i["id"] for i in items})
    t = _table(f"Cần cán bộ kiểm tra: {docs} văn bản, {len(items)} mục",
               ["Văn bản", "Trường", "Lý do", "Trang", "Tệp"], lines=True)
    for i in items:
        reason = Text(i["reason_text"])
        if i.get("detail"):
            reason.append(f"\nđọc được: «{i['detail']}»", style="dim")
        t.add_row(f"{i['symbol'] or i['id'][:12]}\n{_vn_date(i.get('date'))}",
                  i["field_label"], reason, str(i["page"] or ""), i["path"])
    con.print(t)
    con.print(Text("Sửa: evidence fix REF --number … / --date …; giá trị đúng: "
                   "evidence fix REF --confirm TRƯỜNG", style="dim"))


def render_list(data: dict[str, Any], console: Console | None = None) -> None:
    """``list``: one row per document."""
    con = console or _console()
    t = _table(f"{data['total']} văn bản",
               ["Số ký hiệu", "Ngày", "Trích yếu", "Cơ quan ban hành", "Ghi chú"])
    for h in data["hits"]:
        notes = []
        if h.get("corrected"):
            notes.append("✎ đã sửa")
        if h.get("review"):
            notes.append(f"cần kiểm tra ({h['review']})")
        if h.get("ocr"):
            notes.append("OCR")
        t.add_row(h["symbol"] or "—", _vn_date(h["date"]), h["subject"] or "—",
                  h["issuer"] or "—", ", ".join(notes))
    con.print(t)
