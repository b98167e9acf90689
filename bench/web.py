"""Web workspace benchmark: search page and document page times on a large store.

A store of ``--docs`` synthetic documents (``bench/search.py``'s deterministic corpus,
stored through the catalogue and the search index as ingest stores them) plus the bundled
corpus (real files, for page images) is served by the app in process (Starlette's test
client: the whole request — routing, library calls, templates — without the network).
Measured in the same run:

- the search page (``/search?q=…``) over the mixed queries of ``bench/search.py``:
  median and p95 (target p95 ≤ 300 ms), beside the library search of the same queries
  (``evidence search`` without its process start-up: the store opened per query; and with
  one store kept open, as the app keeps it), their ratios, and a few cold
  ``evidence search`` commands (with the start-up);
- the document page with its first page image: first (uncached: the page rendered from
  the original, a DOCX converted by LibreOffice first) and once cached (target ≤ 500 ms).

Run::

    .venv/bin/python bench/web.py                 # 10,000 documents
    .venv/bin/python bench/web.py --docs 2000     # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from search import make_corpus, make_queries, to_document  # noqa: E402


def _pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def build(home: Path, n: int) -> float:
    from evidence.index.catalogue import FileInfo
    from evidence.index.store import Store
    from evidence.ingest.pipeline import ingest_paths

    t0 = time.perf_counter()
    with Store.open(home) as store:
        ingest_paths([REPO / "corpus" / "files"], store, ocr="never", jobs=1)
        for d in make_corpus(n):
            doc = to_document(d)
            sha = hashlib.sha256(d["id"].encode()).hexdigest()
            store.put_document(doc, [FileInfo(path=doc.path, sha256=sha, size=len(d["text"]),
                                              mtime=0.0, format="docx", pages=1)])
        store.flush()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=120)
    ap.add_argument("--home", type=Path, default=None, help="reuse (or keep) this store")
    args = ap.parse_args()

    from evidence.index.search import search
    from evidence.index.search.types import SearchQuery
    from evidence.web.app import create_app
    from starlette.testclient import TestClient

    tmp = tempfile.TemporaryDirectory(prefix="evidence-bench-web-")
    home = args.home or Path(tmp.name) / "home"
    if not (home / "catalogue.sqlite3").exists():
        secs = build(home, args.docs)
        print(f"store: {args.docs} synthetic documents + the bundled corpus, built in {secs:.0f} s",
              file=sys.stderr)
    queries = make_queries(make_corpus(min(args.docs, 2000)), n=args.queries)

    from evidence.index.store import Store

    lib: list[float] = []  # as `evidence search` does it: the store opened per query
    warm: list[float] = []  # one store kept open, as the web workspace keeps it
    with Store.open(home, create=False) as store:
        search(store, "khởi động")
        for _kind, kw, _e in queries:
            q = SearchQuery(limit=20, **kw)
            t = time.perf_counter()
            search(home, q)
            lib.append(time.perf_counter() - t)
            t = time.perf_counter()
            search(store, q)
            warm.append(time.perf_counter() - t)

    page: list[float] = []
    facets: list[float] = []  # the fragment the page loads after its results
    with TestClient(create_app(home), base_url="http://127.0.0.1") as client:
        client.get("/search", params={"q": "khởi động"})
        for _kind, kw, _e in queries:
            params = {"q": kw["text"]}
            if "year" in kw:
                params["year"] = str(kw["year"])
            if "doc_type" in kw:
                params["type"] = kw["doc_type"]
            t = time.perf_counter()
            r = client.get("/search", params=params)
            page.append(time.perf_counter() - t)
            assert r.status_code == 200
            t = time.perf_counter()
            r = client.get("/search/facets", params=params)
            facets.append(time.perf_counter() - t)
            assert r.status_code == 200

        # document pages of real corpus files (PDF and DOCX): first render (the page-image
        # cache emptied, also in a reused --home), then cached
        shutil.rmtree(home / "web-cache", ignore_errors=True)
        ids = {}
        for sym in ("245/QĐ-UBND", "111/KH-UBND"):
            hit = search(home, sym, limit=1).hits[0]
            ids[sym] = hit.id
        doc_first, doc_cached = {}, {}
        for sym, doc_id in ids.items():
            t = time.perf_counter()
            client.get(f"/doc/{doc_id}")
            client.get(f"/doc/{doc_id}/page/1.png")
            doc_first[sym] = time.perf_counter() - t
            runs = []
            for _ in range(10):
                t = time.perf_counter()
                client.get(f"/doc/{doc_id}")
                client.get(f"/doc/{doc_id}/page/1.png")
                runs.append(time.perf_counter() - t)
            doc_cached[sym] = statistics.median(runs)

    cold = []
    for q in ("ISO 9001", "ke hoach cai cach hanh chinh", "111/KH-UBND"):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "evidence.cli", "--home", str(home), "search", q],
                       capture_output=True, check=False)
        cold.append(time.perf_counter() - t)

    ms = 1000.0
    print(f"\nweb workspace, {args.docs} synthetic documents + corpus, {len(queries)} queries")
    print(f"{'what':<46} {'median':>9} {'p95':>9}")
    print(f"{'search page /search (app + library + HTML)':<46} {statistics.median(page) * ms:8.0f}ms "
          f"{_pct(page, 95) * ms:8.0f}ms   target p95 <= 300 ms")
    print(f"{'facet counts /search/facets (after the page)':<46} {statistics.median(facets) * ms:8.0f}ms "
          f"{_pct(facets, 95) * ms:8.0f}ms")
    print(f"{'library search, same queries (CLI minus start-up)':<46} {statistics.median(lib) * ms:8.0f}ms "
          f"{_pct(lib, 95) * ms:8.0f}ms")
    print(f"{'library search, store kept open (as the app)':<46} {statistics.median(warm) * ms:8.0f}ms "
          f"{_pct(warm, 95) * ms:8.0f}ms")
    print(f"{'cold `evidence search` (3 queries, process)':<46} {statistics.median(cold) * ms:8.0f}ms")
    for name, base in (("library", lib), ("store kept open", warm)):
        print(f"{'page / ' + name:<46} {statistics.median(page) / statistics.median(base):8.2f}x "
              f"{_pct(page, 95) / _pct(base, 95):8.2f}x  (median, p95)")
    for sym in ids:
        print(f"document page + page image {sym:<18} first {doc_first[sym] * ms:6.0f} ms, "
              f"cached {doc_cached[sym] * ms:5.0f} ms   target cached <= 500 ms")
    tmp.cleanup()


if __name__ == "__main__":
    main()
