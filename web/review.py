"""The officer's actions in the workspace: the review inbox, corrections, manual links and
exports. Each is the CLI's own library call (``evidence review``, ``fix``, ``link``,
``unlink``, ``search --export``): the web layer only reads the form and renders.

A correction made while an ingest holds the store's writer lock waits until the ingest
releases it (:func:`evidence.index.store.wait_for_writer`, in a worker thread, as the CLI's
``fix`` waits), then is written — catalogue and search index, as the CLI's ``fix`` writes
them — and the page says that it waited.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from evidence.errors import EvidenceError
from evidence.index.store import WRITER_WAIT, wait_for_writer
from evidence.messages import t
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from starlette.responses import HTMLResponse

__all__ = ["routes"]

# form field -> the fix option it stands for (the CLI's --number, --date, ...)
FORM_FIELDS = ("number", "date", "issuer", "signer", "subject", "type")


def _app() -> Any:
    from . import app

    return app


def review_page(request: Request) -> HTMLResponse:
    """The inbox: documents with empty or uncertain fields, in ingest order; the selected
    one (``?doc=``, else the first) beside its page image with the correction form."""
    from evidence.index.decisions import review

    app = _app()
    ws = request.app.state.ws
    with app._store(ws) as store:
        items = review(store)
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        by_doc.setdefault(it["id"], []).append(it)
    order = list(by_doc)
    current = request.query_params.get("doc") or (order[0] if order else None)
    doc = app._doc(ws, current) if current else None
    position = order.index(current) + 1 if current in by_doc else 0
    following = order[position] if 0 < position < len(order) else None
    return app._render(request, "review.html", nav="review", queue=by_doc, order=order,
                       doc=doc, items=by_doc.get(current or "", []),
                       kinds=[s.kind for s in app.page_sources(doc)] if doc else [],
                       boxes=app.field_boxes(doc) if doc else {}, next_id=following,
                       position=position, message=request.query_params.get("msg"),
                       values=_values(doc) if doc else {},
                       ingest_running=app.ingest_running(ws))


def _fix(ws: Any, doc: Any, values: dict[str, str], clear: list[str], confirm: list[str],
         note: str | None) -> bool:
    """The CLI's ``fix`` (in a worker thread: SQLite and the index lock may make it wait);
    returns whether the search index still has to take it (its lock was busy)."""
    from evidence.index.decisions import fix

    with _app()._store(ws) as store:
        fix(store, doc, values=values, clear=clear, confirm=confirm, note=note)
        return doc.id in store.catalogue.pending_index_ids()


def _values(doc: Any) -> dict[str, str]:
    f = doc.facts
    from .app import vn_date

    return {"number": f.number or "", "date": vn_date(f.date), "issuer": f.issuer or "",
            "signer": (f.signer.name if f.signer and f.signer.name else ""),
            "subject": f.subject or "", "type": f.doc_type or ""}


async def fix_action(request: Request) -> Response:
    """``evidence fix`` from a form: changed fields are set, ``confirm`` fields confirmed,
    ``clear`` fields cleared; then back to the inbox's next document (or the page)."""
    app = _app()
    ws = request.app.state.ws
    doc_id = request.path_params["doc_id"]
    form = await app.checked_form(request)
    from evidence.index.corrections import parse_value

    back = str(form.get("back") or "review")
    next_id = str(form.get("next") or "")
    # an ingest writing the store now: wait for it (it may also re-read this document)
    waited, running = await run_in_threadpool(wait_for_writer, ws.home)
    doc = await run_in_threadpool(app._doc, ws, doc_id)
    if doc is None:
        return PlainTextResponse("Không có văn bản này trong kho.", status_code=404)
    current = _values(doc)
    values: dict[str, str] = {}
    try:
        for name in FORM_FIELDS:
            given = str(form.get(name) or "").strip()
            if given and given != current[name]:
                values[name] = parse_value(name, given)
        confirm = [str(v) for v in form.getlist("confirm") if str(v) in FORM_FIELDS]
        clear = [str(v) for v in form.getlist("clear") if str(v) in FORM_FIELDS]
        note = str(form.get("note") or "").strip() or None
        queued = await run_in_threadpool(_fix, ws, doc, values, clear, confirm, note)
    except (EvidenceError, ValueError) as exc:
        target = f"/review?doc={doc_id}" if back == "review" else f"/doc/{doc_id}"
        sep = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{sep}msg={quote(app._error_text(exc))}", 303)
    msg = "Đã lưu chỉnh sửa."
    if waited and not running:
        msg += f" ({t('fix.waited')})"
    elif waited:
        msg += f" ({t('fix.wait_timeout', minutes=f'{WRITER_WAIT / 60:.0f}')})"
    if queued:
        msg += " " + t("fix.index_later")
    if back == "doc":
        return RedirectResponse(f"/doc/{doc_id}?msg={quote(msg)}", 303)
    target = f"/review?doc={next_id}&msg={quote(msg)}" if next_id else f"/review?msg={quote(msg)}"
    return RedirectResponse(target, 303)


async def link_action(request: Request) -> Response:
    """``evidence link`` / ``unlink`` from the board: the officer decides that a document
    counts (or does not) for a requirement."""
    from evidence.check.links import decide_link

    app = _app()
    ws = request.app.state.ws
    form = await app.checked_form(request)
    requirement = str(form.get("requirement") or "").strip()
    ref = str(form.get("ref") or "").strip()
    action = str(form.get("action") or "link")
    criteria = str(form.get("criteria") or "")
    query = urlencode({"criteria": criteria} if criteria else {})
    note = str(form.get("note") or "").strip() or None

    def decide() -> None:  # in a worker thread, as every store write of the pages
        with app._store(ws) as store:
            decide_link(store, requirement, ref,
                        criteria=app._criteria_path(ws, criteria or None),
                        counts=(action != "unlink"),
                        action="forget" if action == "forget" else "link", note=note)

    try:  # the CLI's link/unlink: an unknown requirement is refused, not recorded
        await run_in_threadpool(decide)
    except EvidenceError as exc:
        return RedirectResponse(f"/board?{query}&msg={quote(app._error_text(exc))}", 303)
    return RedirectResponse(f"/board?{query}&msg={quote('Đã ghi quyết định của cán bộ.')}#r-{quote(requirement)}", 303)


def search_export(request: Request) -> Response:
    """The search results as XLSX or CSV (the CLI's ``--export``)."""
    from evidence.index.export import export_rows

    app = _app()
    ws = request.app.state.ws
    kind = request.path_params["kind"]
    if kind not in ("xlsx", "csv"):
        return PlainTextResponse("Chỉ xuất được .xlsx hoặc .csv.", status_code=404)
    f = app._filters(request)
    try:
        data = app.run_search(ws, f, 1, pool=True)
    except (EvidenceError, ValueError) as exc:
        return PlainTextResponse(app._error_text(exc), status_code=400)
    rows = [_row(hit, doc) for hit, doc in data["all"]]
    with tempfile.TemporaryDirectory(prefix="evidence-web-") as tmp:
        out = export_rows(Path(tmp) / f"ket-qua-tim-kiem.{kind}", rows)
        payload = out.read_bytes()
    media = ("text/csv; charset=utf-8" if kind == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(payload, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="ket-qua-tim-kiem.{kind}"'})


def _row(hit: Any, doc: Any) -> dict[str, Any]:
    row = hit.to_dict()
    row.update(format=doc.format, ocr=doc.ocr, review=len(doc.facts.review))
    return row


def routes() -> list[Route]:
    return [
        Route("/review", review_page),
        Route("/doc/{doc_id}/fix", fix_action, methods=["POST"]),
        Route("/board/link", link_action, methods=["POST"]),
        Route("/search/export.{kind}", search_export),
    ]
