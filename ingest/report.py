"""Human renderings (rich, Vietnamese labels) of the ingest summary, the store status and
an extracted document. ``--json`` output never comes through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evidence.messages import translate

if TYPE_CHECKING:
    from evidence.ingest.pipeline import IngestSummary
    from evidence.model import Document
    from rich.console import Console

__all__ = ["render_document", "render_status", "render_summary"]


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def render_summary(summary: IngestSummary, console: Console | None = None) -> None:
    """Print an ingest summary as a short Vietnamese table."""
    from rich.table import Table

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


def render_status(stats: dict[str, Any], console: Console | None = None) -> None:
    """Print ``Store.stats()`` as Vietnamese tables."""
    from rich.table import Table

    console = console or _console()
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
        idx += f" ({index['message']})"
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


def render_document(doc: Document, console: Console | None = None) -> None:
    """Print the main facts of one document (``evidence extract`` without ``--json``)."""
    from rich.table import Table

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
