"""``evidence serve``: the officer's web workspace over one store.

The web layer only wires library calls, as ``cli.py`` does: search is
:func:`evidence.index.search.search`, a document is the ``show`` view, corrections are the
CLI's ``fix``, the board is :func:`evidence.check.run.run_check`, the pack
:func:`evidence.check.pack.write_pack`, ingest :func:`evidence.ingest.pipeline.ingest_paths`
(in a child process, see :mod:`evidence.web.jobs`). Pages are Vietnamese, server-rendered
(Jinja2), usable with the keyboard; htmx (vendored) loads the search
page's facet counts after its results and polls the ingest progress.

Store, search, check and file work never runs on the event loop: pages that only read are
synchronous handlers (Starlette runs them in its thread pool), and handlers that must
``await`` a form hand their store work, and the writing of uploads (a batch, a ZIP, a
criteria catalogue), to :func:`starlette.concurrency.run_in_threadpool`.
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from evidence.check.verdicts import STATUS_LABELS
from evidence.errors import EvidenceError
from evidence.index.search.ranking import PAGING_POOL
from evidence.messages import translate
from evidence.model import Document
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .jobs import read_job, start_job

if TYPE_CHECKING:
    from evidence.check.verdicts import CheckReport
    from evidence.index.store import Store
from .render import field_boxes, page_image, page_sources
from .security import TOKEN_COOKIE, Guard, safe_upload_name, under_roots

__all__ = ["Workspace", "create_app"]

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 20
# facets count over the best this-many hits, and paging reaches as far: the pool over
# which the library's totals are what paging delivers
FACET_HITS = PAGING_POOL
MAX_UPLOAD = 200 * 1024 * 1024
UPLOADS = "uploads"
CRITERIA = "web-criteria"

FIELD_LABELS = {
    "doc_type": "Loại văn bản", "symbol": "Số, ký hiệu", "number": "Số", "date": "Ngày",
    "place": "Địa danh", "issuer": "Cơ quan ban hành", "subject": "Trích yếu",
    "signer": "Người ký", "recipients": "Nơi nhận",
}
FIX_FIELDS = ("number", "date", "issuer", "signer", "subject", "type")


@dataclass
class Workspace:
    """What the app serves: one store, the folders it may ingest, its guard."""

    home: Path
    roots: list[Path] = field(default_factory=list)
    guard: Guard = field(default_factory=Guard)
    _graph: tuple[tuple[int, ...], Any] | None = None
    #: per worker thread: (catalogue key, its open store)
    _readers: threading.local = field(default_factory=threading.local)

    def _key(self) -> tuple[int, ...]:
        """Changes whenever the catalogue was written (an ingest, a correction)."""
        return tuple(_mtime(self.home / n) for n in ("catalogue.sqlite3", "catalogue.sqlite3-wal"))

    def graph(self) -> Any:
        """The store's citation graph (cited documents found or missing, cited-by), built
        once and again only after the catalogue changed (an ingest, a correction)."""
        from evidence.index.refs import refs

        key = self._key()
        if self._graph is None or self._graph[0] != key:
            with self.reading() as store:
                self._graph = (key, refs(store))
        return self._graph[1]

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store for pages that only read (search, a document), one per worker thread
        (the pages run in the framework's thread pool; SQLite connections stay in their
        thread), kept open between requests so that its search-index reader is opened
        once, not per request; opened again after the catalogue changed or after an error.
        The engine itself reopens its reader when a writer has committed."""
        held = getattr(self._readers, "held", None)
        if held is None or held[0] != self._key():
            self._drop_reader()
            store = _store(self)
            # the key as it is with this connection open (opening creates the WAL file)
            held = self._readers.held = (self._key(), store)
        try:
            yield held[1]
        except BaseException:
            self._drop_reader()
            raise

    def _drop_reader(self) -> None:
        old = getattr(self._readers, "held", None)
        self._readers.held = None
        if old is not None:
            with suppress(Exception):
                old[1].close()


def _mtime(path: Path) -> int:
    try:
        st = path.stat()
    except OSError:
        return 0
    return st.st_mtime_ns ^ st.st_size


def _store(ws: Workspace) -> Store:
    from evidence.index.store import Store

    return Store.open(ws.home, create=False)


def _doc(ws: Workspace, doc_id: str, *, with_pages: bool = True) -> Document | None:
    if not doc_id or len(doc_id) > 128 or not all(c in "0123456789abcdef" for c in doc_id):
        return None
    with ws.reading() as store:
        return store.catalogue.get_document(doc_id, with_pages=with_pages)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, EvidenceError):
        head = f"{exc.subject}: " if exc.subject else ""
        return head + translate(exc.message)[1]
    return translate(str(exc))[1]


def vn_date(iso: str | None) -> str:
    """A date as the officer writes it (:func:`evidence.extract.dates.vn_date`), ``""``
    when there is none."""
    from evidence.extract.dates import vn_date as _vn

    return _vn(iso) or ""


def highlight(snippet: str) -> Markup:
    """A search snippet with its ``[matched words]`` as ``<mark>``, the rest escaped."""
    text = str(escape(snippet or ""))
    return Markup(re.sub(r"\[([^\[\]]*)\]", r"<mark>\1</mark>", text))


def ingest_running(ws: Workspace) -> bool:
    """Whether an ingest (or a reindex) holds the store's writer lock now: a correction
    sent meanwhile waits for it (the correction forms say so)."""
    from evidence.index.store import lock_held_elsewhere

    return lock_held_elsewhere(ws.home)


def needs_review(doc: Document) -> bool:
    """The review inbox's rule (:func:`evidence.index.corrections.review_items`)."""
    from evidence.index.corrections import review_items

    return bool(review_items(doc))


# ---- middleware -------------------------------------------------------------------------


class CsrfRefused(Exception):
    """A POST without this server's CSRF token."""


async def checked_form(request: Request, *, max_files: int = 1000) -> FormData:
    """The POSTed form, once its CSRF token (form field ``csrf`` or header
    ``X-CSRF-Token``) is this server's; every state-changing route reads its form here."""
    ws: Workspace = request.app.state.ws
    form = await request.form(max_part_size=MAX_UPLOAD, max_files=max_files)
    value = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
    if not ws.guard.csrf_ok(value):
        raise CsrfRefused
    return form


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("Yêu cầu bị từ chối: thiếu hoặc sai mã chống giả mạo (CSRF). "
                             "Tải lại trang rồi thử lại.", status_code=403)


class _Safety(BaseHTTPMiddleware):
    """The access token (when set) and protective headers on every response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        ws: Workspace = request.app.state.ws
        guard = ws.guard
        if guard.token is not None:
            given = request.query_params.get("token")
            if given is not None and guard.token_ok(given):
                back = RedirectResponse(str(request.url.remove_query_params("token")), 303)
                back.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
                return back
            if not guard.token_ok(request.cookies.get(TOKEN_COOKIE)):
                return PlainTextResponse(
                    "Cần mã truy cập: mở địa chỉ kèm ?token=… như lệnh evidence serve đã in.",
                    status_code=401)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


# ---- pages ------------------------------------------------------------------------------


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    ws: Workspace = request.app.state.ws
    context.setdefault("csrf", ws.guard.csrf)
    context.setdefault("labels", FIELD_LABELS)
    context.setdefault("status_labels", STATUS_LABELS)
    return templates.TemplateResponse(request, name, context,
                                      status_code=context.pop("status_code", 200))


def _filters(request: Request) -> dict[str, str]:
    keys = ("q", "type", "year", "issuer", "from", "to", "place", "format", "ocr", "review")
    return {k: request.query_params.get(k, "").strip() for k in keys}


def _matches(doc: Document, f: dict[str, str]) -> bool:
    if f["place"] and (doc.facts.place or "") != f["place"]:
        return False
    if f["format"] and doc.format != f["format"]:
        return False
    if f["ocr"] == "1" and not doc.ocr:
        return False
    if f["ocr"] == "0" and doc.ocr:
        return False
    return not (f["review"] == "1" and not needs_review(doc))


def _facets(docs: list[Document]) -> dict[str, list[tuple[str, int]]]:
    def top(values: list[str], n: int = 12) -> list[tuple[str, int]]:
        return Counter(v for v in values if v).most_common(n)

    return {
        "type": top([d.facts.doc_type or "" for d in docs]),
        "year": sorted(top([(d.facts.date or "")[:4] for d in docs]), reverse=True),
        "issuer": top([d.facts.issuer or "" for d in docs], 8),
        "place": top([d.facts.place or "" for d in docs], 8),
        "format": top([d.format for d in docs]),
        "ocr": top(["1" if d.ocr else "0" for d in docs]),
        "review": top(["1" for d in docs if needs_review(d)]),
    }


def run_search(ws: Workspace, f: dict[str, str], page: int, *, pool: bool = False,
               snippets: bool = True) -> dict[str, Any]:
    """The search page's data: hits of this page and the total.

    Only this page's hits are fetched (``page * PAGE_SIZE``), so the page costs one library
    search; the facet counts come in their own request (:func:`search_facets`). ``pool``
    (the facets, the export) and the filters the index cannot apply (place, format, OCR,
    needs review: checked on the catalogue records) take the best ``FACET_HITS`` hits;
    ``snippets=False``: none made (the facets show no hit)."""
    from evidence.index.search import search
    from evidence.index.search.types import SearchQuery

    post_filtered = any(f[k] for k in ("place", "format", "ocr", "review"))
    whole = max(FACET_HITS, page * PAGE_SIZE)
    want = whole if pool or post_filtered else page * PAGE_SIZE
    year = int(f["year"]) if f["year"].isdigit() else None
    query = SearchQuery(text=f["q"], doc_type=f["type"] or None, year=year,
                        issuer=f["issuer"] or None, date_from=f["from"] or None,
                        date_to=f["to"] or None, limit=want,
                        snippets=0 if not snippets else None if post_filtered else page * PAGE_SIZE)
    with ws.reading() as store:
        res = search(store, query)
        docs = store.catalogue.get_documents([h.id for h in res.hits])
    pairs = [(h, docs[h.id]) for h in res.hits if h.id in docs and _matches(docs[h.id], f)]
    total = len(pairs) if post_filtered else res.total
    # paging reaches as far as the facets' pool (or this page); fewer hits than asked
    # means this page is the last one
    shown = len(pairs) if post_filtered or len(res.hits) < want else min(total, whole)
    start = (page - 1) * PAGE_SIZE
    return {
        "hits": pairs[start:start + PAGE_SIZE], "all": pairs, "total": total, "page": page,
        "pages": max(1, -(-shown // PAGE_SIZE)),
        "warnings": [translate(w)[1] for w in res.warnings], "result": res,
    }


def _page_number(request: Request) -> int:
    """The ``?page=`` asked for, within the pages paging can reach (the facets' pool): a
    huge number must not ask the engine for billions of hits."""
    raw = request.query_params.get("page", "1") or "1"
    last = -(-FACET_HITS // PAGE_SIZE)
    return min(max(1, int(raw)), last) if raw.isdigit() else 1


def _searched(f: dict[str, str]) -> bool:
    return bool(f["q"] or any(f[k] for k in ("type", "year", "issuer", "from", "to")))


def _linker(f: dict[str, str]) -> Any:
    def link(**changes: str) -> str:
        q = {**f, **changes}
        return "/search?" + urlencode({k: v for k, v in q.items() if v})

    return link


def facet_counts(ws: Workspace, f: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    """Counts per filter value over the best ``FACET_HITS`` hits of the search (the
    filters applied, as the page applies them)."""
    return _facets([d for _h, d in run_search(ws, f, 1, pool=True, snippets=False)["all"]])


def search_page(request: Request) -> HTMLResponse:
    """The results first; the facet counts load after them (``/search/facets``, htmx),
    or inline with ``facets=1`` (the link shown without JavaScript)."""
    ws: Workspace = request.app.state.ws
    f = _filters(request)
    page = _page_number(request)
    data: dict[str, Any] = {"hits": [], "total": 0, "warnings": [], "page": 1, "pages": 1}
    facets: dict[str, list[tuple[str, int]]] | None = None
    error = None
    if _searched(f):
        try:
            data = run_search(ws, f, page)
            if request.query_params.get("facets") == "1":
                facets = facet_counts(ws, f)
        except (EvidenceError, ValueError) as exc:
            error = _error_text(exc)
    query = urlencode({k: v for k, v in f.items() if v})
    return _render(request, "search.html", f=f, error=error, link=_linker(f), facets=facets,
                   facets_query=query if _searched(f) and error is None else None, **data)


def search_facets(request: Request) -> HTMLResponse:
    """The search page's facet counts, as the fragment its ``aside`` loads."""
    ws: Workspace = request.app.state.ws
    f = _filters(request)
    facets: dict[str, list[tuple[str, int]]] = {}
    if _searched(f):
        with suppress(EvidenceError, ValueError):  # the page itself says what was wrong
            facets = facet_counts(ws, f)
    return _render(request, "_facets.html", f=f, link=_linker(f), facets=facets)


def document_page(request: Request) -> HTMLResponse:
    ws: Workspace = request.app.state.ws
    doc_id = request.path_params["doc_id"]
    doc = _doc(ws, doc_id)
    if doc is None:
        return _render(request, "notfound.html", status_code=404, what=doc_id)
    from evidence.index.refs import show_data

    data = show_data(doc, ws.graph())
    boxes = field_boxes(doc)
    kinds = [s.kind for s in page_sources(doc)]
    from .review import _values

    return _render(request, "document.html", doc=doc, d=data, boxes=boxes, kinds=kinds,
                   message=request.query_params.get("msg"), fix_form=True, back="doc",
                   values=_values(doc), items=[], next_id=None,
                   ingest_running=ingest_running(ws))


def page_png(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    doc = _doc(ws, request.path_params["doc_id"])
    if doc is None:
        return PlainTextResponse("Không có văn bản này trong kho.", status_code=404)
    path = page_image(doc, int(request.path_params["n"]), ws.home)
    if path is None:
        return PlainTextResponse("Trang này không có ảnh.", status_code=404)
    return FileResponse(path, media_type="image/png",
                        headers={"Cache-Control": "private, max-age=3600"})


def original_file(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    doc = _doc(ws, request.path_params["doc_id"], with_pages=False)
    if doc is None or not Path(doc.path).is_file():
        return PlainTextResponse("Không có tệp gốc của văn bản này.", status_code=404)
    return FileResponse(doc.path, filename=Path(doc.path).name,
                        content_disposition_type="attachment")


# ---- criteria board ---------------------------------------------------------------------


def _criteria_path(ws: Workspace, name: str | None) -> Path | None:
    if not name:
        return None
    safe = safe_upload_name(name)
    if safe is None:
        return None
    path = ws.home / CRITERIA / safe
    return path if path.is_file() else None


def _uploaded_criteria(ws: Workspace) -> list[str]:
    folder = ws.home / CRITERIA
    return sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []


def _report(ws: Workspace, request: Request) -> tuple[CheckReport, str | None, int | None]:
    from evidence.check.run import run_check

    name = request.query_params.get("criteria") or None
    year_s = request.query_params.get("year", "")
    year = int(year_s) if year_s.isdigit() else None
    return run_check(ws.home, _criteria_path(ws, name), year=year), name, year


def board_page(request: Request) -> HTMLResponse:
    ws: Workspace = request.app.state.ws
    error = None
    report = None
    name = request.query_params.get("criteria") or None
    try:
        report, name, _year = _report(ws, request)
    except EvidenceError as exc:
        error = _error_text(exc)
    query = urlencode({k: v for k, v in (("criteria", name or ""),
                                         ("year", request.query_params.get("year", ""))) if v})
    return _render(request, "board.html", report=report, error=error, criteria=name,
                   uploaded=_uploaded_criteria(ws), query=query,
                   message=request.query_params.get("msg"))


async def board_upload(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    form = await checked_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return RedirectResponse("/board?msg=" + _q("Chưa chọn tệp tiêu chí."), 303)
    name = safe_upload_name(upload.filename)
    if name is None or not name.lower().endswith((".yaml", ".yml")):
        return RedirectResponse("/board?msg=" + _q("Tệp tiêu chí phải là YAML (.yaml, .yml)."), 303)
    data = await upload.read(2 * 1024 * 1024 + 1)
    if len(data) > 2 * 1024 * 1024:
        return RedirectResponse("/board?msg=" + _q("Tệp tiêu chí quá lớn (tối đa 2 MB)."), 303)
    error = await run_in_threadpool(_save_catalogue, ws.home / CRITERIA, name, data)
    if error is not None:
        return RedirectResponse("/board?msg=" + _q(error), 303)
    return RedirectResponse("/board?" + urlencode({"criteria": name}), 303)


def _save_catalogue(folder: Path, name: str, data: bytes) -> str | None:
    """Keep an uploaded criteria catalogue once it loads; the reason it does not, else."""
    from evidence.check.criteria import load_catalogue

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    try:
        load_catalogue(tmp)
    except EvidenceError as exc:
        tmp.unlink(missing_ok=True)
        return _error_text(exc)
    tmp.replace(target)
    return None


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def board_download(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    kind = request.path_params["kind"]
    try:
        report, _name, _year = _report(ws, request)
    except EvidenceError as exc:
        return PlainTextResponse(_error_text(exc), status_code=400)
    if kind in ("xlsx", "md"):
        from evidence.renderers import write_report

        with tempfile.TemporaryDirectory(prefix="evidence-web-") as tmp:
            out = Path(tmp) / f"bao-cao-kiem-chung.{kind}"
            write_report(report, kind, out)
            data = out.read_bytes()
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                 if kind == "xlsx" else "text/markdown; charset=utf-8")
        return Response(data, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="bao-cao-kiem-chung.{kind}"'})
    if kind == "zip":
        from evidence.check.pack import write_pack

        buf = io.BytesIO()
        with tempfile.TemporaryDirectory(prefix="evidence-web-") as tmp:
            out = Path(tmp) / "ho-so-kiem-chung"
            write_pack(report, out, force=True)
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in sorted(out.rglob("*")):
                    if p.is_file():
                        zf.write(p, Path("ho-so-kiem-chung") / p.relative_to(out))
        return Response(buf.getvalue(), media_type="application/zip", headers={
            "Content-Disposition": 'attachment; filename="ho-so-kiem-chung.zip"'})
    return PlainTextResponse("Không có loại tệp này.", status_code=404)


# ---- ingest -----------------------------------------------------------------------------


def ingest_page(request: Request) -> HTMLResponse:
    ws: Workspace = request.app.state.ws
    job = read_job(ws.home, request.query_params.get("job", "")) if request.query_params.get(
        "job") else None
    return _render(request, "ingest.html", roots=ws.roots, job=job,
                   message=request.query_params.get("msg"))


def ingest_status(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    job = read_job(ws.home, request.path_params["job_id"])
    if job is None:
        return JSONResponse({"error": "không có lần nạp này"}, status_code=404)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(job)
    return _render(request, "_job.html", job=job)


async def ingest_start(request: Request) -> Response:
    ws: Workspace = request.app.state.ws
    form = await checked_form(request)
    folder = str(form.get("folder") or "").strip()
    paths: list[Path] = []
    if folder:
        if not ws.roots:
            return RedirectResponse("/ingest?msg=" + _q(
                "Nạp thư mục đang tắt: khởi động lại với evidence serve --root THƯ_MỤC."), 303)
        if not under_roots(Path(folder), ws.roots):
            return RedirectResponse("/ingest?msg=" + _q(
                f"{folder}: không nằm trong các thư mục được phép (--root)."), 303)
        paths.append(Path(folder).resolve())
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    received: list[tuple[str, bytes]] = []
    total = 0
    for up in uploads:
        name = safe_upload_name(up.filename or "")
        if name is None:
            continue
        data = await up.read(MAX_UPLOAD + 1)
        total += len(data)
        if total > MAX_UPLOAD:
            return RedirectResponse("/ingest?msg=" + _q(
                f"Tệp tải lên quá lớn (tối đa {MAX_UPLOAD // (1024 * 1024)} MB mỗi lần)."), 303)
        received.append((name, data))
    if received:
        batch, error = await run_in_threadpool(_save_uploads, ws.home / UPLOADS, received)
        if error is not None:
            return RedirectResponse("/ingest?msg=" + _q(error), 303)
        paths.append(batch)
    if not paths:
        return RedirectResponse("/ingest?msg=" + _q("Chưa chọn thư mục hay tệp nào."), 303)
    job_id = await run_in_threadpool(start_job, ws.home, paths)
    return RedirectResponse("/ingest?" + urlencode({"job": job_id}), 303)


def _save_uploads(folder: Path, files: list[tuple[str, bytes]]) -> tuple[Path, str | None]:
    """Write one upload batch into a new folder under ``folder`` (ZIPs unpacked); the
    batch folder, and the reason a ZIP could not be unpacked, if one could not."""
    from datetime import datetime

    batch = folder / datetime.now().strftime("%Y%m%d-%H%M%S")
    batch.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        if name.lower().endswith(".zip"):
            try:
                _unzip(data, batch)
            except (EvidenceError, zipfile.BadZipFile) as exc:
                return batch, f"{name}: {_error_text(exc)}"
        else:
            (batch / name).write_bytes(data)
    return batch, None


def _unzip(data: bytes, folder: Path) -> None:
    """Unpack an uploaded ZIP into ``folder`` under the ingest's bomb limits
    (:func:`evidence.ingest.sniff.check_zip`); every name is reduced to a safe relative
    path, so no entry lands outside the folder."""
    from evidence.ingest.sniff import ZipLimits, check_zip

    archive = folder / ".upload.zip"
    archive.write_bytes(data)
    try:
        check_zip(archive)
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                parts = [safe_upload_name(p) for p in info.filename.replace("\\", "/").split("/")]
                clean = [p for p in parts if p]
                if not clean:
                    continue
                target = folder.joinpath(*clean)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    dst.write(src.read(ZipLimits().max_total))
    finally:
        archive.unlink(missing_ok=True)


# ---- the app ----------------------------------------------------------------------------


async def home_page(request: Request) -> Response:
    return RedirectResponse("/search", 307)


def create_app(home: Path, *, roots: list[Path] | None = None, token: str | None = None) -> Starlette:
    """The workspace app over the store in ``home``."""
    ws = Workspace(Path(home), [Path(r) for r in roots or []], Guard(token))
    routes = [
        Route("/", home_page),
        Route("/search", search_page),
        Route("/search/facets", search_facets),
        Route("/doc/{doc_id}", document_page),
        Route("/doc/{doc_id}/page/{n:int}.png", page_png),
        Route("/doc/{doc_id}/file", original_file),
        Route("/board", board_page),
        Route("/board/upload", board_upload, methods=["POST"]),
        Route("/board/report.{kind}", board_download),
        Route("/ingest", ingest_page),
        Route("/ingest", ingest_start, methods=["POST"]),
        Route("/ingest/{job_id}", ingest_status),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    from . import review

    routes[1:1] = review.routes()
    app = Starlette(routes=routes, middleware=[Middleware(_Safety)],
                    exception_handlers={CsrfRefused: _csrf_refused})
    app.state.ws = ws
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    from evidence.index.corrections import REASON_TEXT

    app.state.templates.env.globals["status_labels"] = STATUS_LABELS
    app.state.templates.env.globals["review_reasons"] = REASON_TEXT
    app.state.templates.env.filters["highlight"] = highlight
    app.state.templates.env.filters["vn_date"] = vn_date
    return app
