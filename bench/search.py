"""Search benchmark: build speed, query latency, start-up, size and memory.

A synthetic Vietnamese administrative corpus (deterministic seed; ~7 KB documents with
headers, document numbers, dates, citations and some OCR-damaged words) is indexed by
``evidence`` (Whoosh and Tantivy engines, through the public ``SearchEngine`` API) and by
a bare Whoosh writer using a Whoosh analyzer with the same analysis (tokens, exact and
folded keys; positions, as a plain Whoosh setup for phrase queries would keep). At each
size the bare index also answers the same queries through Whoosh's own parser: the raw
baseline each engine's median and p95 are given against (× raw). Each (size, engine) runs
in a child process so peak RSS is its own.

Run::

    .venv/bin/python bench/search.py                 # 10k and 50k documents, both engines
    .venv/bin/python bench/search.py --sizes 10000   # quicker, while iterating

Prints one table; numbers go to ``docs/search.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from whoosh.analysis import Filter

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

# ---- synthetic corpus ------------------------------------------------------------------------

ISSUERS = [("UBND", "Ủy ban nhân dân huyện {p}"), ("VP", "Văn phòng HĐND và UBND huyện {p}"),
           ("NV", "Phòng Nội vụ huyện {p}"), ("TU", "Tỉnh ủy {t}"),
           ("SNV", "Sở Nội vụ tỉnh {t}"), ("STTTT", "Sở Thông tin và Truyền thông tỉnh {t}")]
PLACES = ["Đức Thọ", "Can Lộc", "Hương Sơn", "Thạch Hà", "Cẩm Xuyên", "Kỳ Anh", "Nghi Xuân",
          "Vũ Quang", "Lộc Hà", "Hương Khê", "Thanh Chương", "Yên Thành", "Quỳnh Lưu"]
PROVINCES = ["Hà Tĩnh", "Nghệ An", "Quảng Bình", "Thanh Hóa", "Thừa Thiên Huế"]
TYPES = [("KH", "KẾ HOẠCH"), ("QĐ", "QUYẾT ĐỊNH"), ("BC", "BÁO CÁO"), ("TB", "THÔNG BÁO"),
         ("CT", "CHỈ THỊ"), ("NQ", "NGHỊ QUYẾT"), ("CV", "")]
TOPICS = [
    "cải cách hành chính", "chuyển đổi số", "kiểm soát thủ tục hành chính",
    "dịch vụ công trực tuyến", "bộ phận một cửa", "văn hóa công vụ", "kỷ luật kỷ cương hành chính",
    "số hóa hồ sơ", "tinh giản biên chế", "hệ thống quản lý chất lượng", "an toàn thông tin mạng",
    "dân chủ ở cơ sở", "phòng chống tham nhũng", "công tác văn thư lưu trữ", "đào tạo bồi dưỡng cán bộ",
    "xây dựng nông thôn mới", "giải quyết đơn thư khiếu nại", "chính quyền điện tử",
    "thu ngân sách nhà nước", "phòng chống thiên tai", "tuyên truyền phổ biến pháp luật",
    "chỉ số hài lòng của người dân", "sáp nhập thôn tổ dân phố", "quản lý đất đai",
]
ACTIONS = ["triển khai thực hiện", "tăng cường", "đẩy mạnh", "nâng cao chất lượng", "đôn đốc",
           "khắc phục tồn tại hạn chế trong", "rà soát đánh giá", "kiện toàn", "tổ chức kiểm tra",
           "báo cáo kết quả", "tiếp tục chỉ đạo", "chấn chỉnh"]
UNITS = ["Phòng Nội vụ", "Văn phòng HĐND và UBND huyện", "Phòng Tài chính Kế hoạch",
         "Phòng Văn hóa và Thông tin", "Phòng Tư pháp", "Trung tâm Văn hóa Truyền thông",
         "Phòng Tài nguyên và Môi trường", "Công an huyện", "UBND các xã thị trấn",
         "Phòng Giáo dục và Đào tạo", "Phòng Lao động Thương binh và Xã hội"]
FILLERS = [
    "bảo đảm đúng quy định của pháp luật", "chịu trách nhiệm trước Chủ tịch UBND huyện",
    "tổng hợp báo cáo kết quả thực hiện", "trước ngày {d} tháng {m} năm {y}",
    "theo đúng tiến độ đề ra", "phối hợp chặt chẽ với các cơ quan đơn vị liên quan",
    "tỷ lệ hồ sơ giải quyết đúng hạn đạt {r},{s}%", "hồ sơ tiếp nhận trực tuyến đạt {r}%",
    "kịp thời tháo gỡ khó khăn vướng mắc", "công khai minh bạch các thủ tục hành chính",
    "xử lý nghiêm các trường hợp vi phạm", "lấy người dân và doanh nghiệp làm trung tâm",
    "ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước",
    "định kỳ hằng quý báo cáo Ủy ban nhân dân huyện", "bố trí kinh phí từ nguồn ngân sách",
    "nâng cao trách nhiệm người đứng đầu", "không để xảy ra tình trạng trễ hẹn",
]
NAMES = ["Trần Hoài Đức", "Nguyễn Văn Hùng", "Lê Thị Thủy", "Phạm Quốc Hòa", "Võ Thanh Tùng",
         "Đặng Thị Hoa", "Hoàng Minh Quý", "Bùi Xuân Khỏe"]


def _damage(word: str, rng: random.Random) -> str:
    """One OCR-like slip: i->l, a letter dropped, rn->m, o->0."""
    subs = [("i", "l"), ("n", "rn"), ("o", "0"), ("h", "b"), ("c", "e"), ("u", "v")]
    for a, b in rng.sample(subs, len(subs)):
        if a in word:
            return word.replace(a, b, 1)
    return word[:-1] if len(word) > 3 else word


def make_corpus(n: int, seed: int = 20231017, kb: float | None = None) -> list[dict[str, Any]]:
    """``n`` documents as plain dicts (id, symbol, type, date, issuer, subject, text)."""
    rng = random.Random(seed)
    target = int((kb if kb is not None else float(os.environ.get("BENCH_DOC_KB", "7"))) * 1000)
    docs = []
    for i in range(n):
        code, title = rng.choice(TYPES)
        abbr, issuer_t = rng.choice(ISSUERS)
        place, prov = rng.choice(PLACES), rng.choice(PROVINCES)
        issuer = issuer_t.format(p=place, t=prov)
        num = rng.randint(1, 3000)
        year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if code == "CV":
            symbol = f"{num}/{abbr}-{rng.choice(['NV', 'VP', 'TCKH', 'VHTT'])}"
        elif abbr == "TU":
            symbol = f"{num}-{code}/TU"
        else:
            symbol = f"{num}/{code}-{abbr}"
        main_topics = rng.sample(TOPICS, 2)  # what the document is about
        topic = main_topics[0]
        subject = (f"V/v {rng.choice(ACTIONS)} {topic} năm {year}" if code == "CV"
                   else f"{rng.choice(ACTIONS).capitalize()} {topic} năm {year}")
        lines = [issuer.upper(), f"Số: {symbol}", f"{place}, ngày {day:02d} tháng {month:02d} "
                 f"năm {year}", title, subject]
        size = 0
        while size < target:
            cited = (f"{rng.randint(1, 3000)}/{rng.choice(TYPES[:6])[0]}-UBND ngày "
                     f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{year - 1}")
            parts = [rng.choice(ACTIONS),
                     rng.choice(main_topics) if rng.random() < 0.9 else rng.choice(TOPICS)]
            if rng.random() < 0.3:
                parts.append(f"theo Kế hoạch số {cited}")
            parts.append(rng.choice(UNITS))
            parts.append(rng.choice(FILLERS).format(d=rng.randint(1, 28), m=rng.randint(1, 12),
                                                     y=year, r=rng.randint(30, 99),
                                                     s=rng.randint(0, 9)))
            sent = ", ".join(parts).capitalize() + "."
            if rng.random() < 0.05:  # a scan: some words damaged
                ws = sent.split()
                k = rng.randrange(len(ws))
                ws[k] = _damage(ws[k], rng)
                sent = " ".join(ws)
            lines.append(sent)
            size += len(sent.encode("utf-8")) + 1
        lines.append(f"CHỦ TỊCH\n{rng.choice(NAMES)}")
        docs.append({"id": f"{i:016x}{seed:08x}".ljust(64, "0"), "symbol": symbol, "type": code,
                     "date": f"{year}-{month:02d}-{day:02d}", "issuer": issuer,
                     "subject": subject, "text": "\n".join(lines), "path": f"/kho/{i:06d}.docx"})
    return docs


def to_document(d: dict[str, Any]) -> Any:
    from evidence.model import Document, Facts, FileRef, Page

    return Document(id=d["id"], files=[FileRef(d["path"])], path=d["path"], format="docx",
                    ocr=False, pages=1,
                    facts=Facts(doc_type=d["type"], symbol=d["symbol"], subject=d["subject"],
                                date=d["date"], issuer=d["issuer"]),
                    page_texts=[Page(1, d["text"])])


# ---- queries ---------------------------------------------------------------------------------


def make_queries(docs: list[dict[str, Any]], n: int = 240, seed: int = 7) -> list[tuple[str, dict[str, Any], str | None]]:
    """Mixed queries: (kind, SearchQuery kwargs, expected symbol for number queries)."""
    from evidence.extract.normalize import fold

    rng = random.Random(seed)
    out: list[tuple[str, dict[str, Any], str | None]] = []
    per = n // 8
    for _ in range(per):  # single words
        out.append(("word", {"text": rng.choice(rng.choice(TOPICS).split())}, None))
    for _ in range(per * 2):  # 2-4 syllable phrases from real sentences
        words = rng.choice(docs)["text"].split("\n")[rng.randint(5, 20)].rstrip(".").split()
        k = rng.randint(2, 4)
        s = rng.randrange(max(1, len(words) - k))
        out.append(("phrase", {"text": " ".join(words[s:s + k]).strip(",")}, None))
    for _ in range(per // 2):  # quoted phrases
        out.append(("quoted", {"text": f'"{rng.choice(TOPICS)}"'}, None))
    twins: list[tuple[str, dict[str, Any], str | None]] = []
    for _ in range(per):  # unaccented, and the same query typed with its accents (apart)
        q = f"{rng.choice(ACTIONS)} {rng.choice(TOPICS)}"
        out.append(("unaccented", {"text": fold(q)}, None))
        twins.append(("accented", {"text": q}, None))
    for _ in range(per):  # numbers in the four shapes
        d = rng.choice(docs)
        sym = d["symbol"]
        num, rest = sym.replace("-", "/", 1).split("/", 1) if sym[0].isdigit() else (sym, "")
        shapes = [sym, sym.lower(), f"{num} {rest.replace('-', ' ').replace('/', ' ')}",
                  f"{rest} {num}"]
        out.append(("number", {"text": rng.choice(shapes)}, sym))
    for _ in range(per):  # OCR-damaged words (fuzzy fallback)
        t = rng.choice(TOPICS).split()
        k = max(range(len(t)), key=lambda j: len(t[j]))
        t[k] = _damage(fold(t[k]), rng)
        out.append(("fuzzy", {"text": " ".join(t)}, None))
    for _ in range(per // 2):  # filters
        out.append(("filtered", {"text": rng.choice(TOPICS), "year": rng.choice([2021, 2022, 2023]),
                                 "doc_type": rng.choice(["KH", "QĐ", "BC"])}, None))
    while len(out) < n:
        out.append(("word", {"text": rng.choice(PLACES)}, None))
    return out + twins


class Keys(Filter):
    """Whoosh filter giving evidence's exact (0) or folded (1) key of each token."""

    def __init__(self, which: int) -> None:
        self.which = which

    def __call__(self, tokens: Any) -> Any:
        from evidence.index.search.analysis import term_keys

        for t in tokens:
            t.text = term_keys(t.text)[self.which]
            yield t


# ---- children --------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def child_build(size: int, engine: str, home: Path, nq: int) -> dict[str, Any]:
    """Index ``size`` documents with evidence's ``engine``, then run the queries."""
    from evidence.index.search.engine import open_engine
    from evidence.index.search.types import SearchQuery
    from evidence.index.store import Store

    docs = make_corpus(size)
    Store.open(home, engine=engine).close()  # an (empty) catalogue recording the engine
    eng = open_engine(home, engine)
    documents = [to_document(d) for d in docs]
    t0 = time.perf_counter()
    for d in documents:
        eng.add([d])  # one call per document, as ingest does
    eng.close()
    build = time.perf_counter() - t0
    rss_build = _rss_mb()  # peak so far: the corpus in memory plus the build
    del documents
    queries = make_queries(docs)
    eng = open_engine(home, engine)
    eng.search(SearchQuery("khởi động"))  # open readers
    times: dict[str, list[float]] = {}
    first_ok = first_n = fuzzy_n = 0
    for kind, kw, expect in queries:
        t = time.perf_counter()
        res = eng.search(SearchQuery(limit=10, **kw))
        times.setdefault(kind, []).append(time.perf_counter() - t)
        if expect:
            first_n += 1
            first_ok += bool(res.hits) and res.hits[0].symbol == expect
        fuzzy_n += res.fuzzy
    eng.close()
    return {"size": size, "engine": engine, "build_s": build, "docs_per_s": size / build,
            "index_bytes": _du(home / "index" / engine), "peak_rss_mb": _rss_mb(),
            "build_rss_mb": rss_build,
            "times": times, "number_first": first_ok / max(1, first_n),
            "fuzzy_used": fuzzy_n, "queries": len(queries)}


def child_bare(size: int, home: Path, queries: bool = False) -> dict[str, Any]:
    """A bare Whoosh writer: schema with Whoosh analyzers doing the same analysis; with
    ``queries``, the same queries through Whoosh's own parser (the raw baseline of query
    latency: every word required, quoted phrases positional, filters as terms)."""
    from evidence.extract.normalize import clean_text
    from whoosh import fields
    from whoosh import index as windex
    from whoosh.analysis import RegexTokenizer

    tok = RegexTokenizer(r"[^\W_]+")
    exact, folded = tok | Keys(0), tok | Keys(1)
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True), symbol=fields.ID(stored=True),
        type=fields.ID(), year=fields.ID(),
        subj_x=fields.TEXT(analyzer=exact, stored=True), subj_f=fields.TEXT(analyzer=folded),
        body_x=fields.TEXT(analyzer=exact), body_f=fields.TEXT(analyzer=folded),
    )
    docs = make_corpus(size)
    home.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(home), schema)
    t0 = time.perf_counter()
    w = ix.writer()
    for d in docs:
        text = clean_text(d["text"])
        w.add_document(id=d["id"], symbol=d["symbol"], type=d["type"], year=d["date"][:4],
                       subj_x=d["subject"], subj_f=d["subject"], body_x=text, body_f=text)
    w.commit()
    build = time.perf_counter() - t0
    out: dict[str, Any] = {"size": size, "engine": "bare-whoosh", "build_s": build,
                           "docs_per_s": size / build, "index_bytes": _du(home),
                           "peak_rss_mb": _rss_mb()}
    if queries:
        out["times"] = _bare_queries(ix, docs)
    return out


def _bare_queries(ix: Any, docs: list[dict[str, Any]]) -> dict[str, list[float]]:
    """The benchmark's queries on the bare index, timed like evidence's (search, limit 10,
    the hits' stored fields read)."""
    from whoosh import qparser
    from whoosh.query import And, Term

    parser = qparser.MultifieldParser(["subj_f", "body_f"], ix.schema, group=qparser.AndGroup)
    times: dict[str, list[float]] = {}
    with ix.searcher() as s:
        for kind, kw, _ in make_queries(docs):
            t = time.perf_counter()
            q = parser.parse(kw["text"])
            if kw.get("doc_type"):
                q = And([q, Term("type", kw["doc_type"]), Term("year", str(kw["year"]))])
            _ = [h["symbol"] for h in s.search(q, limit=10)]
            times.setdefault(kind, []).append(time.perf_counter() - t)
    return times


def child_evidence_subset(size: int, engine: str, home: Path) -> dict[str, Any]:
    """evidence on the same documents as the bare baseline (build only)."""
    from evidence.index.search.engine import open_engine

    documents = [to_document(d) for d in make_corpus(size)]
    eng = open_engine(home, engine)
    t0 = time.perf_counter()
    for d in documents:
        eng.add([d])
    eng.close()
    build = time.perf_counter() - t0
    return {"size": size, "engine": engine, "build_s": build, "docs_per_s": size / build}


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([PY, __file__, "--child", *args], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def cold_start(home: Path, query: str, runs: int = 7) -> tuple[float, float]:
    """Median wall time of ``evidence search`` and of ``python -c 'import whoosh'``."""
    exe = str(Path(PY).with_name("evidence"))

    def timed(cmd: list[str]) -> float:
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts)

    return (timed([exe, "--home", str(home), "search", query, "--json"]),
            timed([PY, "-c", "import whoosh"]))


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]


def _mixed(times: dict[str, list[float]]) -> list[float]:
    """The 240-query mix: the accented twins are timed apart."""
    return [t for k, ts in times.items() if k != "accented" for t in ts]


def _kinds(times: dict[str, list[float]]) -> str:
    return ", ".join(f"{k} {_pct(v, 0.95) * 1000:.0f}" for k, v in times.items())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,50000", help="comma-separated corpus sizes")
    ap.add_argument("--engines", default="whoosh,tantivy")
    ap.add_argument("--baseline-docs", type=int, default=3000,
                    help="documents for the bare-Whoosh build comparison (it is slow)")
    ap.add_argument("--queries", type=int, default=240)
    ap.add_argument("--keep", action="store_true", help="keep the indexes (prints where)")
    ap.add_argument("--doc-kb", type=float, default=7.0, help="document size (KB of text)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        if kind == "build":
            res = child_build(int(rest[0]), rest[1], Path(rest[2]), a.queries)
        elif kind == "bare":
            res = child_bare(int(rest[0]), Path(rest[1]), queries=rest[2:] == ["queries"])
        else:
            res = child_evidence_subset(int(rest[0]), rest[1], Path(rest[2]))
        print(json.dumps(res))
        return
    os.environ["BENCH_DOC_KB"] = str(a.doc_kb)  # children inherit it
    sizes = [int(s) for s in a.sizes.split(",")]
    engines = a.engines.split(",")
    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; work dir {work}")

    nb = a.baseline_docs
    bare = _child(["bare", str(nb), str(work / "bare")])
    print(f"\n## Build, same {nb} documents (~{a.doc_kb:g} KB each)")
    print(f"bare Whoosh writer (same analysis, positions): {bare['docs_per_s']:.0f} docs/s")
    for e in engines:
        sub = _child(["subset", str(nb), e, str(work / f"subset-{e}")])
        print(f"evidence [{e}]: {sub['docs_per_s']:.0f} docs/s = "
              f"{sub['docs_per_s'] / bare['docs_per_s']:.2f}x bare Whoosh")
    shutil.rmtree(work / "bare", ignore_errors=True)

    for size in sizes:
        print(f"\n## {size} documents")
        print("| engine | build docs/s | index MB | peak RSS MB (after build) | median ms (× raw) | "
              "p95 ms (× raw) | p95 by kind (ms) | number first | cold search s (×import whoosh) |")
        print("|---|---|---|---|---|---|---|---|---|")
        # the raw baseline: bare Whoosh on the same documents, the same queries
        raw = _child(["bare", str(size), str(work / f"bare-{size}"), "queries"])
        shutil.rmtree(work / f"bare-{size}", ignore_errors=True)
        raw_all = _mixed(raw["times"])
        raw_p50, raw_p95 = statistics.median(raw_all), _pct(raw_all, 0.95)
        print(f"| bare Whoosh (raw baseline) | {raw['docs_per_s']:.0f} | "
              f"{raw['index_bytes'] / 1e6:.0f} | {raw['peak_rss_mb']:.0f} | "
              f"{raw_p50 * 1000:.1f} | {raw_p95 * 1000:.1f} | {_kinds(raw['times'])} | – | – |",
              flush=True)
        for e in engines:
            home = work / f"{e}-{size}"
            r = _child(["build", str(size), e, str(home)])
            allt = _mixed(r["times"])
            p50, p95 = statistics.median(allt), _pct(allt, 0.95)
            cold, imp = cold_start(home, "cai cach hanh chinh")
            print(f"| {e} | {r['docs_per_s']:.0f} | {r['index_bytes'] / 1e6:.0f} | "
                  f"{r['peak_rss_mb']:.0f} ({r['build_rss_mb']:.0f}) | "
                  f"{p50 * 1000:.1f} ({p50 / raw_p50:.2f}×) | {p95 * 1000:.1f} "
                  f"({p95 / raw_p95:.2f}×) | {_kinds(r['times'])} | {r['number_first']:.0%} | "
                  f"{cold:.2f} ({cold / imp:.1f}×) |", flush=True)
            if not a.keep:
                shutil.rmtree(home, ignore_errors=True)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{a.queries} queries per run: words, 2-4 syllable phrases, quoted phrases, "
          "unaccented, numbers (4 shapes), OCR-damaged (fuzzy), filtered; limit 10; "
          "× raw: against bare Whoosh's parser on the same documents. "
          "Plus 'accented': the unaccented queries typed with their accents (timed apart, "
          "to compare the same words both ways).")


if __name__ == "__main__":
    main()
