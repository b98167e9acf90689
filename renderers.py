"""The human renderers: what an officer reads of each command's result (rich tables and
lines, Vietnamese labels). ``cli.py`` prints them; ``--json`` never comes through here (it
is each result's ``to_dict()``). Functions named ``render_*`` print to a console (stdout by
default); functions named ``*_note`` return the one line a command says on stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.check.report import (
    by_area,
    doc_line,
    headline,
    not_checked_lines,
    reason_lines,
    score_text,
)
from evidence.check.verdicts import STATUS_LABELS
from evidence.messages import t, translate
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from evidence.check.pack import PackResult
    from evidence.check.verdicts import CheckReport
    from evidence.index.decisions import CorrectionList, LinkList, Removal, ReviewList
    from evidence.index.listing import ListResult
    from evidence.index.refs import (
        CitationGraph,
        MissingCitation,
        RefsReport,
        ShowResult,
        TaskList,
    )
    from evidence.index.search import ReindexResult
    from evidence.index.search.types import SearchResults
    from evidence.index.store import StoreStatus
    from evidence.ingest.pipeline import Extraction, IngestSummary
    from evidence.model import Document

__all__ = [
    "REPORT_FORMATS",
    "STATUS_COLOURS",
    "check_markdown",
    "check_written_note",
    "export_note",
    "fix_notes",
    "link_notes",
    "pack_note",
    "reindex_note",
    "remove_notes",
    "render_check",
    "render_corrections",
    "render_document",
    "render_extraction",
    "render_fix",
    "render_ingest",
    "render_links",
    "render_list",
    "render_refs",
    "render_review",
    "render_search",
    "render_show",
    "render_status",
    "render_tasks",
    "search_renderable",
    "write_report",
]

#: the formats of a check report (``check --format``, :func:`write_report`)
REPORT_FORMATS = ("table", "json", "md", "xlsx")
STATUS_COLOURS = {"met": "green", "partial": "yellow", "missing": "red"}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


# ---- show, refs, tasks, corrections, links, review, list ---------------------------------

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


def render_refs(report: RefsReport, console: Console | None = None) -> None:
    """``refs``: every citation; ``refs --missing``: the documents cited but not stored."""
    if report.missing_only:
        _render_missing(report.missing, console)
    else:
        _render_graph(report.graph, console)


def _render_graph(graph: CitationGraph, console: Console | None = None) -> None:
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


def _render_missing(missing: Sequence[MissingCitation], console: Console | None = None) -> None:
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


def render_tasks(result: TaskList, console: Console | None = None) -> None:
    """Tasks across the store."""
    con = console or _console()
    data = result.to_dict()["tasks"]
    con.print(_tasks_table([(d["document"], d) for d in data],
                           title=f"Nhiệm vụ: {len(data)}"))


def _table(title: str, columns: Sequence[str], *, lines: bool = False) -> Table:
    t = Table(title=title, title_justify="left", show_lines=lines)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _vn_date(iso: str | None) -> str:
    from evidence.extract.dates import vn_date

    return vn_date(iso) or "—"


def render_fix(result: CorrectionList, console: Console | None = None) -> None:
    """``fix REF``: the document's corrections after the change; ``fix --list``: all."""
    if result.doc is None:
        render_corrections(result.rows, console)
        return
    name = result.doc.facts.symbol or result.doc.id[:12]
    render_corrections(result.rows, console, title=f"Sửa đổi của {name}: {result.changed}")


def fix_notes(result: CorrectionList) -> list[str]:
    """What ``fix --drop-stale`` says on stderr."""
    if result.doc is None or result.dropped is None:
        return []
    return [t("fix.dropped", path=result.doc.path, n=result.dropped)]


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


def render_links(result: LinkList, console: Console | None = None) -> None:
    """The officer's manual links (``link --list``); after a decision on one pair, nothing
    (:func:`link_notes` says it)."""
    if result.requirement is not None:
        return
    con = console or _console()
    rows = result.rows
    table = _table(f"Quyết định của cán bộ về tài liệu kiểm chứng: {len(rows)}",
                   ["Bộ tiêu chí", "Yêu cầu", "Văn bản", "Quyết định", "Ghi chú"])
    for r in rows:
        table.add_row(r["catalogue"], r["requirement"], r["symbol"] or r["id"][:12],
                      Text(t("link.counts"), style="green") if r["counts"]
                      else Text(t("link.not_counts"), style="red"), r["note"] or "")
    con.print(table)


def link_notes(result: LinkList) -> list[str]:
    """What ``link REQ REF`` / ``unlink`` say on stderr: the decision now in force."""
    doc = result.doc
    if doc is None:
        return []
    name = doc.facts.symbol or doc.id[:12]
    if not result.rows:
        return [t("link.forgotten", requirement=result.requirement, name=name)]
    verdict = t("link.counts") if result.rows[0]["counts"] else t("link.not_counts")
    return [t("link.decided", requirement=result.requirement, name=name, verdict=verdict,
              catalogue=result.catalogue)]


def remove_notes(result: Removal) -> list[str]:
    """What ``remove`` says on stderr, one line per document removed."""
    return [t("remove.done", path=r["path"], name=r["symbol"] or r["id"][:12])
            for r in result.removed]


def render_review(result: ReviewList, console: Console | None = None) -> None:
    """The officer's to-do list (``review``)."""
    con = console or _console()
    items = result.items
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


def export_note(path: Path, rows: int) -> str:
    """What ``search`` / ``list --export`` say on stderr."""
    return t("export.written", path=path, rows=rows)


def render_list(result: ListResult, console: Console | None = None) -> None:
    """``list``: one row per document."""
    con = console or _console()
    data = result.to_dict()
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


# ---- ingest, status, extract ------------------------------------------------------------

def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def render_ingest(summary: IngestSummary, console: Console | None = None) -> None:
    """Print an ingest summary as a short Vietnamese table."""
    console = console or _console()
    t = Table(title="Kết quả nạp tài liệu", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    rows = [
        ("Tệp mới", summary.added), ("Tệp cập nhật", summary.updated),
        ("Tệp không đổi", summary.unchanged), ("Tệp di chuyển/đổi tên", summary.moved),
        ("Tệp trùng nội dung", summary.copies), ("Tệp lỗi", len(summary.failed)),
        ("Tệp không còn trên đĩa", len(summary.missing)), ("Tệp đã xóa khỏi kho",
                                                            len(summary.pruned)),
        ("Văn bản đã lưu", summary.documents), ("Số trang đã đọc", summary.pages),
        ("Trang nhận dạng OCR", summary.ocr_pages),
        ("Thời gian", f"{summary.seconds:.1f} giây"),
    ]
    for label, value in rows:
        t.add_row(label, str(value))
    console.print(t)


def render_status(status: StoreStatus, console: Console | None = None) -> None:
    """Print the store's status (``Store.stats()``) as Vietnamese tables."""
    console = console or _console()
    stats = status.stats
    t = Table(title=f"Kho tài liệu: {stats['home']}", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("")
    files = stats["files"]
    ocr = stats["ocr"]
    index = stats.get("index") or {}
    t.add_row("Văn bản", str(stats["documents"]))
    t.add_row("Trang", f"{stats['pages']} (OCR: {stats['ocr_pages']})")
    t.add_row("Văn bản đọc bằng OCR", f"{ocr['documents']} / {stats['documents']}")
    t.add_row("Tệp", f"{files['ok']} đã nạp, {files['failed']} lỗi, "
                     f"{files['missing']} không còn trên đĩa")
    if "review" in stats:
        rv = stats["review"]
        t.add_row("Cần cán bộ kiểm tra", f"{rv['documents']} văn bản, {rv['items']} mục "
                                         "(evidence review)")
        t.add_row("Đã sửa / liên kết / gỡ khỏi kho",
                  f"{stats['corrections']} trường / {stats['links']} / {stats['removed']}")
    t.add_row("Dung lượng kho", _size(stats["store_bytes"]))
    idx = f"{stats['engine']}: {index.get('documents', 0)} văn bản"
    if index.get("message"):
        idx += f" ({translate(index['message'])[1]})"
    t.add_row("Chỉ mục tìm kiếm", idx)
    console.print(t)
    names = {"by_type": "Theo loại văn bản", "by_year": "Theo năm",
             "by_format": "Theo định dạng"}
    for key, title in names.items():
        counts = stats.get(key) or {}
        if not counts:
            continue
        ct = Table(title=title, title_justify="left")
        ct.add_column("")
        ct.add_column("Số văn bản", justify="right")
        for k, n in counts.items():
            ct.add_row("(không rõ)" if k == "null" else k, str(n))
        console.print(ct)
    if stats["failed"]:
        ft = Table(title="Tệp không nạp được", title_justify="left")
        ft.add_column("Tệp", overflow="fold")
        ft.add_column("Mã lỗi")
        ft.add_column("Lý do", overflow="fold")
        for f in stats["failed"]:
            ft.add_row(f["path"], f["reason"] or "", translate(f["error"] or "")[1])
        console.print(ft)
    if stats["missing"]:
        mt = Table(title="Tệp không còn trên đĩa (xóa khỏi kho: evidence ingest --prune)",
                   title_justify="left")
        mt.add_column("Tệp", overflow="fold")
        for p in stats["missing"]:
            mt.add_row(p)
        console.print(mt)


def render_extraction(result: Extraction, console: Console | None = None) -> None:
    """``extract`` without ``--json``: the first document's main facts."""
    render_document(result.documents[0], console)


def render_document(doc: Document, console: Console | None = None) -> None:
    """Print the main facts of one document (``evidence extract`` without ``--json``)."""
    console = console or _console()
    d = doc.to_dict()
    t = Table(title=d["path"], show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("", overflow="fold")
    signer = d["signer"] or {}
    rows = [
        ("Mã", d["id"]),
        ("Định dạng", f"{d['format']}{' (OCR)' if d['ocr'] else ''}"
                      + (f", {d['pages']} trang" if d["pages"] is not None else "")),
        ("Loại", " ".join(x for x in (d["doc_type"], d["doc_type_name"] and
                                      f"({d['doc_type_name']})") if x) or "-"),
        ("Số, ký hiệu", d["symbol"] or "-"),
        ("Ngày", d["date"] or "-"),
        ("Nơi ban hành", d["place"] or "-"),
        ("Cơ quan ban hành", " / ".join(x for x in (d["parent_issuer"], d["issuer"]) if x)
         or "-"),
        ("Trích yếu", d["subject"] or "-"),
        ("Người ký", " ".join(x for x in (signer.get("authority"), signer.get("position"),
                                          signer.get("name")) if x) or "-"),
        ("Nơi nhận", "; ".join(d["recipients"]) or "-"),
        ("Văn bản được dẫn", "; ".join(c["symbol"] for c in d["cited"]) or "-"),
        ("Nhiệm vụ", str(len(d["tasks"]))),
        ("Cảnh báo", "; ".join(d["warnings"]) or "-"),
    ]
    for label, value in rows:
        t.add_row(label, str(value))
    console.print(t)


# ---- check --------------------------------------------------------------------------------

def render_check(report: CheckReport, console: Console | None = None) -> None:
    """Print the report as rich tables grouped by area, coloured statuses and a totals line.

    Problems are printed under their requirement, so the table stays readable at 80
    columns.

    Args:
        report: the check report.
        console: a ``rich.console.Console`` (default: a new one on stdout).
    """
    con = console or Console()
    title = report.catalogue_title or "Bộ tiêu chí"
    year = f" — năm {report.year}" if report.year and str(report.year) not in title else ""
    con.print(Text(title + year, style="bold"))
    for code, area_title, crits in by_area(report):
        table = Table(title=f"Lĩnh vực {code}. {area_title or ''}".strip(), title_justify="left",
                      title_style="bold", expand=True, show_edge=False, pad_edge=False)
        table.add_column("Mã", no_wrap=True)
        table.add_column("Tiêu chí / yêu cầu / vấn đề", ratio=5)
        table.add_column("Trạng thái", no_wrap=True)
        table.add_column("Văn bản", ratio=2, overflow="fold")
        for c in crits:
            colour = STATUS_COLOURS[c.status]
            pts = f" ({score_text(c.max_score)} điểm)" if c.max_score is not None else ""
            head = Text(c.title, style="bold")
            head.append(pts, style="dim")
            if c.points_at_stake:
                head.append(f" — nguy cơ mất {score_text(c.points_at_stake)}", style=colour)
            table.add_row(Text(c.code, style="bold"), head,
                          Text(STATUS_LABELS[c.status], style=f"bold {colour}"), "")
            for r in c.requirements:
                body = Text(r.text + ("" if r.required else " (không bắt buộc)"))
                for prob in r.problems[:4]:
                    body.append("\n• " + prob, style=STATUS_COLOURS[r.status])
                for why in reason_lines(r, full=False, docs=1 if r.status != "missing" else 2):
                    body.append("\n  " + why, style="dim")
                docs = "\n".join(doc_line(d) for d in r.documents[:2])
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
    line.append(f"| điểm tối đa {score_text(p['max'])}, có nguy cơ mất {score_text(p['at_stake'])}"
                f" | {report.documents_checked} văn bản đã xét")
    con.print(line)


def _md(s: str) -> str:
    return " ".join(s.replace("|", "\\|").split())


def check_markdown(report: CheckReport) -> str:
    """The report as Markdown (one table per area), for officers to paste or print."""
    out = [f"# {report.catalogue_title or 'Kết quả kiểm tra tài liệu kiểm chứng'}", "",
           headline(report), ""]
    if report.criteria_file:
        out += [f"Bộ tiêu chí: `{report.criteria_file}`", ""]
    for code, area_title, crits in by_area(report):
        out += [f"## Lĩnh vực {code}. {area_title or ''}".rstrip(), "",
                "| Mã | Tiêu chí / yêu cầu | Trạng thái | Văn bản | Vấn đề | Căn cứ | Điểm |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for c in crits:
            stake = f" (nguy cơ mất {score_text(c.points_at_stake)})" if c.points_at_stake else ""
            out.append(f"| **{c.code}** | **{_md(c.title)}** | **{STATUS_LABELS[c.status]}** | | | "
                       f"| {score_text(c.max_score)}{stake} |")
            for r in c.requirements:
                docs = "<br>".join(_md(doc_line(d)) for d in r.documents[:3])
                probs = "<br>".join(_md(p) for p in r.problems)
                why = "<br>".join(_md(x) for x in reason_lines(r, docs=3))
                opt = " _(không bắt buộc)_" if not r.required else ""
                out.append(f"| {r.id} | {_md(r.text)}{opt} | {STATUS_LABELS[r.status]} | {docs} "
                           f"| {probs} | {why} | |")
        out.append("")
    return "\n".join(out + not_checked_lines(report))


def write_report(report: CheckReport, fmt: str, out: str | Path) -> Path:
    """Write the report to ``out`` as ``json`` (the contract), ``md`` or ``xlsx``.

    Returns:
        The path written.
    """
    from evidence.check.report import write_xlsx

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
        p.write_text(check_markdown(report) + "\n", encoding="utf-8")
    else:
        with p.open("w", encoding="utf-8") as fh:
            render_check(report, Console(file=fh, width=120, color_system=None))
    return p


# ---- search -------------------------------------------------------------------------------

def render_search(res: SearchResults, console: Console | None = None) -> None:
    """``search``: the results table."""
    (console or _console()).print(search_renderable(res))


def search_renderable(res: SearchResults, *, color: bool = True) -> Any:
    """A rich renderable of search results: a table, matches highlighted in the snippets."""
    table = Table(show_lines=False, expand=True, title=None)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Số, ký hiệu", no_wrap=True)
    table.add_column("Ngày", no_wrap=True)
    table.add_column("Trích yếu / đoạn khớp", ratio=1)
    for i, h in enumerate(res.hits, 1):
        cell = Text()
        if h.subject:
            cell.append(h.subject, style="bold")
            cell.append("\n")
        cell.append_text(_highlight(h.snippet, color))
        if h.fuzzy:
            cell.append("  (gần đúng)", style="italic yellow")
        if h.missing_terms:
            cell.append(f"  (thiếu từ: {', '.join(h.missing_terms)})", style="italic yellow")
        cell.append(f"\n{h.path or ''}", style="dim")
        table.add_row(str(i), h.symbol or "—", h.date or "—", cell)
    head = Text(f"{res.total} tài liệu khớp với “{res.query}”"
                + (" (có kết quả gần đúng)" if res.fuzzy else ""))
    parts: list[Any] = [head]
    if res.missing_terms:
        parts.append(Text("Không tìm thấy từ: " + ", ".join(res.missing_terms),
                          style="yellow"))
    if res.suggestion:
        parts.append(Text(f"Có phải bạn muốn tìm: {res.suggestion}", style="bold cyan"))
    if res.hits:
        parts.append(table)
    parts += [Text(translate(w)[1], style="yellow") for w in res.warnings]
    return Group(*parts)


def _highlight(snippet: str, color: bool) -> Any:
    t = Text()
    pos = 0
    while True:
        a = snippet.find("[", pos)
        b = snippet.find("]", a + 1) if a >= 0 else -1
        if a < 0 or b < 0:
            t.append(snippet[pos:])
            return t
        t.append(snippet[pos:a])
        if color:
            t.append(snippet[a + 1:b], style="bold black on yellow")
        else:
            t.append(snippet[a:b + 1])
        pos = b + 1


# ---- the one-line notes of reindex, check --out and pack --------------------------------


def reindex_note(res: ReindexResult) -> str:
    return t("reindex.summary", engine=res.engine, documents=res.documents, mode=res.mode,
             seconds=res.seconds)


def check_written_note(report: CheckReport, out: Path) -> str:
    return t("check.written", out=out, **report.summary)


def pack_note(result: PackResult) -> str:
    return t("pack.summary", out=result.out_dir, folders=result.folders, copied=result.copied)
