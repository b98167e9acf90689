"""The web workspace (``evidence serve``): routes rendered over the bundled corpus, asserted
on their HTML (fields, links, Vietnamese labels), and one test per safety rule."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from evidence.index.store import Store

pytest.importorskip("starlette")
from evidence.web.app import create_app
from evidence.web.security import is_loopback, safe_upload_name, under_roots
from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def home(corpus_store: Path) -> Path:
    return corpus_store


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(home), base_url="http://127.0.0.1") as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def first_hit(html: str) -> str:
    m = re.search(r'<a class="sym" href="/doc/([0-9a-f]+)">([^<]*)</a>', html)
    assert m, "no hit"
    return m.group(1)


# ---- pages ---------------------------------------------------------------------------


def test_search_page_ranks_iso_and_speaks_vietnamese(client: TestClient) -> None:
    r = client.get("/search", params={"q": "ISO 9001"})
    assert r.status_code == 200
    html = r.text
    assert '<html lang="vi">' in html and "Tìm kiếm" in html and "văn bản khớp" in html
    first = re.search(r'<a class="sym" href="/doc/[0-9a-f]+">([^<]*)</a>', html)
    assert first and first.group(1) == "245/QĐ-UBND"
    snippets = client.get("/search", params={"q": "hồ sơ trực tuyến"}).text
    assert "<mark>" in snippets  # highlighted snippets
    # the facet counts load after the results, from the same query string
    assert 'hx-get="/search/facets?q=ISO+9001" hx-trigger="load"' in html
    assert "Loại văn bản" not in html and "<noscript>" in html
    facets = client.get("/search/facets", params={"q": "ISO 9001"}).text
    assert "<html" not in facets  # a fragment, not a page
    assert "Loại văn bản" in facets and "Năm" in facets  # facets with counts
    assert re.search(r'class="n">\d+<', facets)


def _shown_counts(html: str) -> dict[str, dict[str, int]]:
    """The facet counts of a fragment: {section title: {link label: count}}."""
    out: dict[str, dict[str, int]] = {}
    for title, body in re.findall(r"<h2>([^<]+)</h2><ul>(.*?)</ul>", html, re.S):
        out[title] = {label.removeprefix("✕ ").strip(): int(n) for label, n in re.findall(
            r'<a[^>]*>([^<]+)</a>\s*<span class="n">(\d+)</span>', body)}
    return out


@pytest.mark.parametrize("params", [
    {"q": "kế hoạch"}, {"q": "ke hoach", "year": "2023"}, {"q": "cải cách", "ocr": "0"},
    {"q": '"hành chính"', "type": "KH"},
])
def test_facet_fragment_counts_the_best_hits_as_the_page_did(
        client: TestClient, home: Path, params: dict[str, str]) -> None:
    """The fragment counts what the page counted before it was split off: the best
    FACET_HITS hits of the query (the catalogue filters applied), each value of each field,
    computed here straight from the library."""
    from collections import Counter

    from evidence.index.corrections import review_items
    from evidence.index.search import search
    from evidence.index.search.types import SearchQuery
    from evidence.web.app import FACET_HITS

    with Store.open(home, create=False) as store:
        res = search(store, SearchQuery(text=params["q"], doc_type=params.get("type"),
                                        year=int(params["year"]) if "year" in params else None,
                                        limit=FACET_HITS))
        docs = store.catalogue.get_documents([h.id for h in res.hits])
    pool = [docs[h.id] for h in res.hits if h.id in docs]
    if params.get("ocr") == "0":
        pool = [d for d in pool if not d.ocr]
    assert pool, "the query finds nothing: the test would prove nothing"
    expected = {
        "Loại văn bản": Counter(d.facts.doc_type for d in pool if d.facts.doc_type),
        "Năm": Counter((d.facts.date or "")[:4] for d in pool if d.facts.date),
        "Định dạng": Counter(d.format for d in pool),
        "OCR": Counter("Bản quét (OCR)" if d.ocr else "Văn bản số" for d in pool),
    }
    review = sum(1 for d in pool if review_items(d))
    shown = _shown_counts(client.get("/search/facets", params=params).text)
    for title, counts in expected.items():
        top = dict(counts.most_common(12))
        assert shown.get(title) == top, (title, shown.get(title), top)
    assert shown.get("Cần rà soát", {}) == ({"Có mục cần rà soát": review} if review else {})
    # the fallback without JavaScript shows the same counts inline
    page = client.get("/search", params={**params, "facets": "1"}).text
    assert "hx-get" not in page.split('<aside', 1)[1].split(">", 1)[0]
    assert _shown_counts(page) == shown


def test_search_filters_and_facet_links(client: TestClient) -> None:
    html = client.get("/search", params={"q": "kế hoạch", "type": "KH"}).text
    types = set(re.findall(r'<span class="meta">([^·<]*)·', html))
    assert types and all("Kế hoạch" in t for t in types), types
    facets = client.get("/search/facets", params={"q": "kế hoạch", "type": "KH"}).text
    assert "✕ KH" in facets  # the active filter, to take it off
    assert 'href="/search?q=k%E1%BA%BF+ho%E1%BA%A1ch">✕ KH' in facets


def test_search_pages_reach_the_facet_pool(client: TestClient, home: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The page fetches only its own hits, yet pages on as far as before (the best
    FACET_HITS hits), each page holding the library's hits of its rank, the last page
    without a "next" link."""
    from evidence.index.search import search
    from evidence.web import app

    monkeypatch.setattr(app, "PAGE_SIZE", 2)
    monkeypatch.setattr(app, "FACET_HITS", 6)
    with Store.open(home, create=False) as store:
        ranked = [h.id for h in search(store, "kế hoạch", limit=50).hits]
    assert len(ranked) > 6, "the corpus needs more hits for this test"

    def page(n: int) -> str:
        return client.get("/search", params={"q": "kế hoạch", "page": str(n)}).text

    first = page(1)
    assert "Trang 1 / 3" in first and 'rel="next"' in first
    assert re.findall(r'<a class="sym" href="/doc/([0-9a-f]+)"', page(2)) == ranked[2:4]
    last = page(3)
    assert "Trang 3 / 3" in last and 'rel="next"' not in last
    assert re.findall(r'<a class="sym" href="/doc/([0-9a-f]+)"', last) == ranked[4:6]


def test_search_unaccented_nfd_query(client: TestClient) -> None:
    import unicodedata

    a = client.get("/search", params={"q": "ke hoach cai cach hanh chinh"}).text
    b = client.get("/search", params={"q": unicodedata.normalize("NFD", "kế hoạch cải cách hành chính")}).text
    assert first_hit(a) == first_hit(b)


def test_two_slow_searches_run_side_by_side(client: TestClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The search page and its facet fragment, each waiting inside the library search
    for the other to get there too, both complete: store and search work runs off the
    event loop (on it, the first would hold the loop and the second never start; the
    barrier's timeout only ends such a deadlock)."""
    from evidence.index import search as search_pkg

    both = threading.Barrier(2, timeout=60)
    real = search_pkg.search

    def slow(store: Any, query: Any, **kw: Any) -> Any:
        both.wait()
        return real(store, query, **kw)

    monkeypatch.setattr(search_pkg, "search", slow)
    got: dict[str, Any] = {}

    def get(path: str) -> None:
        got[path] = client.get(path, params={"q": "ISO 9001"})

    threads = [threading.Thread(target=get, args=(p,)) for p in ("/search", "/search/facets")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not both.broken
    assert got["/search"].status_code == 200 and "245/QĐ-UBND" in got["/search"].text
    assert got["/search/facets"].status_code == 200 and "Loại văn bản" in got["/search/facets"].text


def test_search_export_csv_and_xlsx(client: TestClient) -> None:
    r = client.get("/search/export.csv", params={"q": "ISO 9001"})
    assert r.status_code == 200 and "245/QĐ-UBND" in r.content.decode("utf-8-sig")
    x = client.get("/search/export.xlsx", params={"q": "ISO 9001"})
    assert x.status_code == 200 and x.content[:2] == b"PK"



def test_search_export_holds_the_facet_pool_not_one_page(
        client: TestClient, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The export has the best FACET_HITS hits, as before, not only the page's."""
    import csv

    from evidence.index.search import search
    from evidence.web import app

    monkeypatch.setattr(app, "PAGE_SIZE", 2)
    monkeypatch.setattr(app, "FACET_HITS", 6)
    with Store.open(home, create=False) as store:
        ranked = [h.id for h in search(store, "kế hoạch", limit=6).hits]
    assert len(ranked) == 6
    text = client.get("/search/export.csv", params={"q": "kế hoạch"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Mã (id)"] for r in rows] == ranked


def test_document_page_fields_image_and_links(client: TestClient) -> None:
    doc_id = first_hit(client.get("/search", params={"q": "111/KH-UBND"}).text)
    html = client.get(f"/doc/{doc_id}").text
    assert "111/KH-UBND" in html and "Cơ quan ban hành" in html and "Trích yếu" in html
    assert f'/doc/{doc_id}/page/1.png' in html and f"/doc/{doc_id}/file" in html
    assert "Được dẫn chiếu bởi" in html and re.search(r'href="/doc/[0-9a-f]+"', html)
    img = client.get(f"/doc/{doc_id}/page/1.png")
    assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"
    again = client.get(f"/doc/{doc_id}/page/1.png")  # cached
    assert again.content == img.content


def test_document_field_marks_its_place(client: TestClient) -> None:
    doc_id = first_hit(client.get("/search", params={"q": "245/QĐ-UBND"}).text)
    html = client.get(f"/doc/{doc_id}").text
    boxes = re.findall(r'class="field" data-page="(\d+)" data-box="([0-9.,]+)"', html)
    assert boxes, "no field can be shown on its page"
    for _page, box in boxes:
        x0, y0, x1, y1 = map(float, box.split(","))
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1


def test_missing_citations_are_marked(client: TestClient, home: Path) -> None:
    from evidence.index.refs import missing_citations, refs

    with Store.open(home, create=False) as store:
        gone = missing_citations(refs(store))
    assert gone
    citing = gone[0].to_dict()
    doc_id = citing["cited_by"][0]["id"]
    html = client.get(f"/doc/{doc_id}").text
    assert citing["symbol"] in html and "chưa có trong kho" in html


def test_board_shows_status_reasons_and_points(client: TestClient) -> None:
    html = client.get("/board").text
    assert "Đạt" in html and "Thiếu" in html
    assert "nguy cơ mất" in html
    assert re.search(r'<a href="/doc/[0-9a-f]+">', html)


def test_board_link_refuses_an_unknown_requirement(client: TestClient, home: Path) -> None:
    """The board's link form decides as ``evidence link`` does: a requirement the catalogue
    does not have is refused, not recorded; a known one is recorded, then forgotten."""
    from evidence.check.criteria import load_catalogue

    known = next(r.id for c in load_catalogue(None).criteria for r in c.evidence)
    token = csrf_of(client.get("/board").text)
    with Store.open(home, create=False) as store:
        before = len(store.catalogue.links())
        ref = next(iter(store.catalogue.iter_documents(with_pages=False))).id
    r = client.post("/board/link", data={"csrf": token, "requirement": "99.99.99", "ref": ref},
                    follow_redirects=False)
    assert r.status_code == 303 and "99.99.99" in unquote(r.headers["location"])
    with Store.open(home, create=False) as store:
        assert len(store.catalogue.links()) == before
    for action, after in (("link", before + 1), ("forget", before)):
        r = client.post("/board/link", data={"csrf": token, "requirement": known, "ref": ref,
                                             "action": action}, follow_redirects=False)
        assert r.status_code == 303, r.text
        with Store.open(home, create=False) as store:
            assert len(store.catalogue.links()) == after, unquote(r.headers["location"])


def test_board_downloads(client: TestClient) -> None:
    x = client.get("/board/report.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    md = client.get("/board/report.md")
    assert md.status_code == 200 and "|" in md.text
    z = client.get("/board/report.zip")
    assert z.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert any(n.endswith("manifest.csv") for n in names)


def test_review_inbox_and_fix_flow(client: TestClient, home: Path) -> None:
    html = client.get("/review").text
    assert "Cần rà soát" in html
    m = re.search(r'<form class="fixform" method="post" action="/doc/([0-9a-f]+)/fix">', html)
    assert m, "the inbox shows a correction form beside the page"
    doc_id = m.group(1)
    token = csrf_of(html)
    r = client.post(f"/doc/{doc_id}/fix", data={"csrf": token, "issuer": "Ủy ban nhân dân huyện Đức Thọ",
                                               "back": "doc"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "Đã lưu chỉnh sửa" in page and "đã sửa" in page
    with Store.open(home, create=False) as store:
        doc = store.catalogue.get_document(doc_id)
        assert doc is not None and doc.facts.issuer == "Ủy ban nhân dân huyện Đức Thọ"
        assert any(c.field == "issuer" for c in doc.corrections)


def test_fix_during_an_ingest_waits_for_its_lock_and_says_so(
        tmp_path: Path, lock_seen_held: threading.Event) -> None:
    """A correction sent while another writer (an ingest) holds the store lock is written
    only once the lock is released, into the catalogue and the search index, and the page
    says it waited. Driven by events: the request is known to be waiting when the lock probe
    has answered "held" for it."""
    from evidence.index.search import search
    from evidence.ingest.pipeline import ingest_paths

    folder = tmp_path / "van-ban"
    folder.mkdir()
    (folder / "cong-van.txt").write_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 902/UBND-VP\nĐức Thọ, ngày 3 tháng 4 năm 2024\n"
        "V/v rà soát hồ sơ một cửa\nKính gửi: Các phòng chuyên môn.\n", encoding="utf-8")
    home = tmp_path / "kho"
    with Store.open(home) as store:
        ingest_paths([folder], store, jobs=1)
        doc_id = store.catalogue.find_documents("902/UBND-VP")[0].id

    busy = lock_seen_held
    locked, release = threading.Event(), threading.Event()

    def ingest_holding_the_lock() -> None:
        with Store.open(home, create=False) as other, other.writer_lock():
            locked.set()
            release.wait(120)

    holder = threading.Thread(target=ingest_holding_the_lock)
    holder.start()
    try:
        assert locked.wait(60)
        with TestClient(create_app(home), base_url="http://127.0.0.1") as client:
            page = client.get(f"/doc/{doc_id}").text
            assert "chỉnh sửa sẽ chờ nó ghi xong" in page  # said before sending
            busy.clear()
            sent: dict[str, object] = {}

            def send() -> None:
                sent["response"] = client.post(f"/doc/{doc_id}/fix", data={
                    "csrf": csrf_of(page), "subject": "Về việc kiểm kê kho lưu trữ", "back": "doc"},
                    follow_redirects=False)

            sender = threading.Thread(target=send)
            sender.start()
            assert busy.wait(60), "the correction did not look at the lock"
            with Store.open(home, create=False) as store:
                doc = store.catalogue.get_document(doc_id)
                assert doc is not None and not doc.corrections  # not written while locked
            release.set()
            sender.join(60)
            assert not sender.is_alive()
        response = sent["response"]
        assert getattr(response, "status_code", None) == 303
        message = unquote(getattr(response, "headers", {})["location"])
        assert "Đã lưu chỉnh sửa" in message
        assert "đang ghi vào kho: chỉnh sửa đã chờ nó ghi xong rồi mới lưu" in message
        with Store.open(home, create=False) as store:
            doc = store.catalogue.get_document(doc_id)
            assert doc is not None and doc.facts.subject == "Về việc kiểm kê kho lưu trữ"
            assert doc_id not in store.catalogue.pending_index_ids()
        hits = search(home, "kiểm kê kho lưu trữ", limit=3).hits
        assert hits and hits[0].id == doc_id  # the search index took it too
    finally:
        release.set()
        holder.join(60)


def test_ingest_upload_runs_and_reports(client: TestClient, home: Path, tmp_path: Path) -> None:
    html = client.get("/ingest").text
    assert "Nạp thư mục đang tắt" in html  # no --root given
    token = csrf_of(html)
    letter = "ỦY BAN NHÂN DÂN\nHUYỆN ĐỨC THỌ\nSố: 901/UBND-VP\nV/v thử nghiệm tải lên\n"
    r = client.post("/ingest", data={"csrf": token},
                    files={"files": ("thu-nghiem.txt", letter.encode(), "text/plain")},
                    follow_redirects=False)
    assert r.status_code == 303 and "job=" in r.headers["location"]
    job_id = r.headers["location"].split("job=")[1]
    import time

    for _ in range(200):
        state = client.get(f"/ingest/{job_id}", headers={"accept": "application/json"}).json()
        if state["state"] in ("done", "error"):
            break
        time.sleep(0.1)
    assert state["state"] == "done", state
    assert (home / "uploads").is_dir()


# ---- safety ------------------------------------------------------------------------------


def test_post_without_csrf_is_refused(client: TestClient) -> None:
    doc_id = first_hit(client.get("/search", params={"q": "ISO 9001"}).text)
    r = client.post(f"/doc/{doc_id}/fix", data={"issuer": "X"}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post(f"/doc/{doc_id}/fix", data={"issuer": "X", "csrf": "wrong"})
    assert r.status_code == 403


def test_every_form_route_checks_csrf(client: TestClient, home: Path) -> None:
    """Each route that accepts a POST (found in the app's routing table, so a new one is
    covered too) refuses a request without the token, or with a wrong one, and changes
    nothing."""
    from starlette.routing import Route

    doc_id = first_hit(client.get("/search", params={"q": "ISO 9001"}).text)
    posts = [r.path for r in client.app.routes  # type: ignore[attr-defined]
             if isinstance(r, Route) and "POST" in (r.methods or set())]
    assert {"/doc/{doc_id}/fix", "/board/link", "/board/upload", "/ingest"} <= set(posts)
    with Store.open(home, create=False) as store:
        before = len(store.catalogue.corrections_for([doc_id]).get(doc_id, []))
    for path in posts:
        url = path.replace("{doc_id}", doc_id)
        form = {"issuer": "Cơ quan giả", "requirement": "1.1", "ref": "245/QĐ-UBND",
                "folder": str(home)}
        for token in (None, "sai-ma"):
            data = form if token is None else {**form, "csrf": token}
            r = client.post(url, data=data, files={"file": ("x.yaml", b"a: 1\n", "text/yaml")},
                            follow_redirects=False)
            assert r.status_code == 403 and "CSRF" in r.text, (path, token)
    with Store.open(home, create=False) as store:
        assert len(store.catalogue.corrections_for([doc_id]).get(doc_id, [])) == before


def test_uploads_are_written_off_the_event_loop(client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The upload handlers await their forms, then hand the writing (a batch, a ZIP, a
    criteria catalogue checked by loading it) to the thread pool: no running event loop
    where the files are written."""
    import asyncio

    from evidence.web import app as web_app

    on_loop: dict[str, bool] = {}

    def watched(name: str) -> Any:
        real = getattr(web_app, name)

        def call(*args: Any) -> Any:
            try:
                asyncio.get_running_loop()
                on_loop[name] = True
            except RuntimeError:
                on_loop[name] = False
            return real(*args)
        return call

    for name in ("_save_uploads", "_save_catalogue"):
        monkeypatch.setattr(web_app, name, watched(name))
    token = csrf_of(client.get("/ingest").text)
    client.post("/ingest", data={"csrf": token},
                files={"files": ("thu.txt", "Số: 12/UBND-VP\n".encode(), "text/plain")},
                follow_redirects=False)
    token = csrf_of(client.get("/board").text)
    client.post("/board/upload", data={"csrf": token},
                files={"file": ("tieu-chi.yaml", b"schema: 2\n", "text/yaml")},
                follow_redirects=False)
    assert on_loop == {"_save_uploads": False, "_save_catalogue": False}


def test_upload_over_the_size_limit_is_refused(client: TestClient, home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.web import app as web_app

    monkeypatch.setattr(web_app, "MAX_UPLOAD", 4096)
    batches = set((home / "uploads").glob("*"))
    token = csrf_of(client.get("/ingest").text)
    r = client.post("/ingest", data={"csrf": token},
                    files={"files": ("lon.txt", b"x" * 10_000, "text/plain")},
                    follow_redirects=False)
    assert "job=" not in r.headers.get("location", "")
    text = r.text if r.status_code != 303 else unquote(r.headers["location"])
    assert "quá lớn" in text, (r.status_code, text)
    assert set((home / "uploads").glob("*")) == batches  # refused before anything is written


def test_token_required_when_set(home: Path) -> None:
    with TestClient(create_app(home, token="bi-mat"), base_url="http://127.0.0.1") as c:
        assert c.get("/search").status_code == 401
        r = c.get("/search?token=bi-mat", follow_redirects=False)
        assert r.status_code == 303 and "evidence_token" in r.headers.get("set-cookie", "")
        assert c.get("/search").status_code == 200  # the cookie now carries it
    with TestClient(create_app(home, token="bi-mat"), base_url="http://127.0.0.1") as c:
        assert c.get("/search?token=sai").status_code == 401


def test_serve_refuses_other_host_without_token() -> None:
    from click.testing import CliRunner
    from evidence.cli import cli

    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "--token" in r.stderr
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_file_and_page_routes_serve_only_stored_documents(client: TestClient) -> None:
    for path in ("/doc/..%2f..%2fetc%2fpasswd/file", "/doc/deadbeef/file",
                 "/doc/0000000000000000/page/1.png", "/doc/abc/page/1.png",
                 "/static/../app.py", "/doc/..%2F..%2Fetc%2Fpasswd"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "root:" not in r.text


def test_folder_ingest_only_under_roots(home: Path, tmp_path: Path) -> None:
    inside = tmp_path / "root" / "KiemChung"
    inside.mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "root" / "link").symlink_to(outside)
    assert under_roots(inside, [tmp_path / "root"])
    assert not under_roots(outside, [tmp_path / "root"])
    assert not under_roots(tmp_path / "root" / "link", [tmp_path / "root"])  # links followed
    with TestClient(create_app(home, roots=[tmp_path / "root"]), base_url="http://127.0.0.1") as c:
        token = csrf_of(c.get("/ingest").text)
        r = c.post("/ingest", data={"csrf": token, "folder": str(outside)}, follow_redirects=False)
        assert r.status_code == 303 and "job=" not in r.headers["location"]
        assert "kh%C3%B4ng%20n%E1%BA%B1m" in r.headers["location"]  # "không nằm trong…"


def test_upload_names_cannot_escape(tmp_path: Path) -> None:
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name("..\\..\\Windows\\x.docx") == "x.docx"
    assert safe_upload_name("..") is None and safe_upload_name("") is None
    assert safe_upload_name("Kế hoạch 111.pdf") == "Kế hoạch 111.pdf"


def test_zip_upload_bomb_is_refused(client: TestClient, home: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../thoat.txt", "x")
        zf.writestr("bom.txt", b"\0" * (210 * 1024 * 1024))
    token = csrf_of(client.get("/ingest").text)
    r = client.post("/ingest", data={"csrf": token},
                    files={"files": ("ho-so.zip", buf.getvalue(), "application/zip")},
                    follow_redirects=False)
    assert r.status_code == 303 and "job=" not in r.headers["location"]
    assert not (home / "thoat.txt").exists() and not (home.parent / "thoat.txt").exists()


def test_a_huge_page_number_stays_within_the_pool(client: TestClient,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``?page=100000000`` is the last page paging can reach, never a search for 2·10⁹ hits."""
    from evidence.index import search as search_pkg
    from evidence.web import app

    asked: list[int] = []
    real = search_pkg.search

    def spy(store: Any, query: Any, **kw: Any) -> Any:
        asked.append(query.limit)
        return real(store, query, **kw)

    monkeypatch.setattr(search_pkg, "search", spy)
    r = client.get("/search", params={"q": "kế hoạch", "page": "100000000"})
    assert r.status_code == 200
    assert asked and max(asked) <= app.FACET_HITS
