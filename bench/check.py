"""Benchmark ``evidence check``: 5,000 synthetic stored documents, the 55-criterion sample
catalogue, against raw baselines measured in the same run.

The documents are written through the real store's catalogue (SQLite, the source of truth
``check`` reads; the search index is not needed by ``check`` and is not built) and read back
with ``Store.catalogue.iter_documents()``, as the CLI does; the CLI itself is also timed on
that store (``evidence check --json``, a subprocess). ``--memory`` skips the store.

Baselines, on the same documents and catalogue:
- ``raw``: fold every text once (``str.translate`` table), then for every requirement a bare
  substring search of its ``keywords_all`` in every folded text: the floor of any matcher.
- ``raw-fold``: the same with ``evidence.extract.normalize.fold`` (per-character), to show
  what the translate table saves.

Run: ``.venv/bin/python bench/check.py [--docs 5000] [--memory]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evidence.check import check, load_catalogue
from evidence.check.text import match_key
from evidence.extract.normalize import fold
from evidence.model import Citation, Document, Facts, FileRef, Page, Signer

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO.parent / "shared" / "data" / "criteria" / "par-huyen-sample.yaml"

TYPES = [("KH", "KẾ HOẠCH"), ("BC", "BÁO CÁO"), ("QĐ", "QUYẾT ĐỊNH"), ("CV", ""), ("TB", "THÔNG BÁO")]
ISSUERS = ["Ủy ban nhân dân huyện Đức Thọ", "Ủy ban nhân dân huyện Can Lộc",
           "Ủy ban nhân dân xã Tùng Ảnh", "Sở Nội vụ tỉnh Hà Tĩnh", "Huyện ủy Đức Thọ"]
TOPICS = [
    "cải cách hành chính", "tuyên truyền cải cách hành chính", "kiểm tra công tác cải cách hành chính",
    "khắc phục tồn tại, hạn chế qua kết quả chấm điểm", "rà soát, đơn giản hóa thủ tục hành chính",
    "kiểm soát thủ tục hành chính", "phổ biến, giáo dục pháp luật", "theo dõi thi hành pháp luật",
    "chuyển đổi số", "Hệ thống quản lý chất lượng TCVN ISO 9001:2015", "Bộ phận Một cửa",
    "đào tạo, bồi dưỡng cán bộ, công chức", "kỷ luật, kỷ cương hành chính, văn hóa công vụ",
    "quản lý, sử dụng biên chế", "giải ngân vốn đầu tư công", "dịch vụ công trực tuyến",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "sáng kiến, mô hình mới",
]
SENTENCES = [
    "Các cơ quan, đơn vị triển khai nghiêm túc nhiệm vụ {t} năm {y}.",
    "Tỷ lệ hồ sơ trực tuyến đạt {r}%; tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt {r2}%.",
    "Giao Phòng Nội vụ chủ trì, phối hợp các phòng, ban theo dõi, đôn đốc việc thực hiện {t}.",
    "Tổng số hồ sơ tiếp nhận: {n} hồ sơ, giải quyết đúng hạn đạt {r}%.",
    "Thực hiện Kế hoạch số {k}/KH-UBND ngày 17/01/{y} của UBND huyện về {t}.",
    "Năm {y}, huyện tổ chức {n} hội nghị, hội thi, đăng {n2} tin, bài tuyên truyền về {t}.",
    "Hoàn thành {n2}/{n3} nhiệm vụ theo kế hoạch, tỷ lệ nhiệm vụ kế hoạch CCHC hoàn thành đạt {r}%.",
    "Ban hành kèm theo Quyết định này Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết.",
]


def noisy(text: str, rng: random.Random) -> str:
    """OCR-like noise: some letters swapped, some spaces dropped."""
    out = []
    for ch in text:
        r = rng.random()
        if r < 0.01 and ch == " ":
            continue
        if r < 0.02 and ch.isalpha():
            ch = rng.choice("rnmlIi1")
        out.append(ch)
    return "".join(out)


def synth(n: int, seed: int = 5) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        code, kind = rng.choice(TYPES)
        year = rng.choice([2021, 2022, 2023, 2023, 2023, 2024])
        topic = rng.choice(TOPICS)
        issuer = rng.choice(ISSUERS)
        number = None if rng.random() < 0.05 else str(rng.randint(1, 3000))
        symbol = f"{number or ''}/{code if code != 'CV' else ''}{'-' if code != 'CV' else ''}UBND".replace("/-", "/")
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        subject = f"{'V/v ' if code == 'CV' else ''}{topic} năm {year}".capitalize()
        body = [rng.choice(SENTENCES).format(t=rng.choice(TOPICS), y=year, r=f"{rng.uniform(30, 100):.1f}".replace(".", ","),
                                             r2=f"{rng.uniform(30, 100):.1f}".replace(".", ","), n=rng.randint(5, 5000),
                                             n2=rng.randint(1, 40), n3=rng.randint(40, 60), k=rng.randint(1, 300))
                for _ in range(rng.randint(15, 40))]
        text = (f"{issuer.upper()}\nSố: {symbol}\nĐức Thọ, ngày {day} tháng {month} năm {year}\n{kind}\n{subject}\n"
                + "\n".join(body) + "\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nLê Quang Minh\n")
        ocr = rng.random() < 0.15
        if ocr:
            text = noisy(text, rng)
        path = f"/kiem-chung/{year}/{rng.randint(1, 40):02d}/doc-{i:05d}.{'pdf' if ocr else 'docx'}"
        cited = [Citation(doc_type="KH", number="111", symbol="111/KH-UBND", text="Kế hoạch số 111/KH-UBND")] \
            if rng.random() < 0.3 else []
        facts = Facts(doc_type=code, number=number, symbol=symbol, date=f"{year}-{month:02d}-{day:02d}",
                      issuer=issuer, subject=subject, cited=cited,
                      signer=Signer(name="Lê Quang Minh") if rng.random() < 0.9 else None)
        docs.append(Document(id=f"{i:064x}", files=[FileRef(path=path)], path=path,
                             format="pdf" if ocr else "docx", ocr=ocr, pages=1, facts=facts,
                             page_texts=[Page(number=1, text=text, ocr=ocr)]))
    return docs


def through_store(docs: list[Document], home: Path) -> tuple[list[Document], float, float]:
    from evidence.index.catalogue import FileInfo
    from evidence.index.store import Store

    t0 = time.perf_counter()
    with Store.open(home) as store:
        for d in docs:
            info = FileInfo(path=d.path, sha256=d.id, size=len(d.text), mtime=0.0, format=d.format)
            store.catalogue.put_document(d, [info])
    t_write = time.perf_counter() - t0
    c0 = time.process_time()
    with Store.open(home, create=False) as store:
        loaded = list(store.catalogue.iter_documents())
    return loaded, t_write, time.process_time() - c0


def raw_baseline(docs: list[Document], catalogue: object, folder: object) -> tuple[float, int]:
    """CPU seconds of the bare fold-then-substring loop (see the module docstring)."""
    t0 = time.process_time()
    texts = [folder((d.facts.subject or "") + "\n" + d.text) for d in docs]  # type: ignore[operator]
    hits = 0
    for crit in catalogue.criteria:  # type: ignore[attr-defined]
        for req in crit.evidence:
            kws = [folder(k) for k in req.keywords_all]  # type: ignore[operator]
            for t in texts:
                if all(k in t for k in kws):
                    hits += 1
    return time.process_time() - t0, hits


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--memory", action="store_true", help="skip the store (documents in memory)")
    ap.add_argument("--criteria", default=str(SAMPLE))
    args = ap.parse_args()
    cat = load_catalogue(args.criteria)
    n_req = sum(len(c.evidence) for c in cat.criteria)
    t0 = time.perf_counter()
    docs = synth(args.docs)
    print(f"synthesised {len(docs)} documents ({sum(d.ocr for d in docs)} OCR'd) in {time.perf_counter() - t0:.2f} s; "
          f"catalogue {Path(args.criteria).name}: {len(cat.criteria)} criteria, {n_req} requirements")
    where = "memory"
    t_load = 0.0
    if not args.memory:
        with tempfile.TemporaryDirectory() as tmp:
            docs, t_write, t_load = through_store(docs, Path(tmp) / "home")
            cli = Path(sys.executable).with_name("evidence")
            t0 = time.perf_counter()
            proc = subprocess.run([str(cli), "--home", str(Path(tmp) / "home"), "-q", "check",
                                   "--criteria", args.criteria, "--json"], capture_output=True)
            t_cli = time.perf_counter() - t0
            ok = proc.returncode == 0 and json.loads(proc.stdout)["summary"]
            print(f"CLI `evidence check --json` on the store: {t_cli:.2f} s wall, summary {ok}")
        where = "store (SQLite catalogue)"
        print(f"store: wrote in {t_write:.2f} s wall, iter_documents() loaded {len(docs)} in {t_load:.2f} s CPU")
    t0, c0 = time.perf_counter(), time.process_time()
    rep = check(cat, docs)
    t_check, c_check = time.perf_counter() - t0, time.process_time() - c0
    t_raw, _ = raw_baseline(docs, cat, fold)
    t_raw_fold, _ = raw_baseline(docs, cat, fold)
    t_key = time.process_time()
    for d in docs:
        match_key(d.text)
    t_key = time.process_time() - t_key
    print(f"documents from: {where}; CPU seconds (wall seconds vary with machine load)")
    print(f"check():               {c_check:6.2f} s CPU ({t_check:.2f} s wall)  summary {rep.summary}")
    print(f"raw (fold)     :       {t_raw:6.2f} s CPU  -> check/raw = {c_check / t_raw:.1f}x")
    print(f"raw (normalize.fold):  {t_raw_fold:6.2f} s CPU  -> check/raw-fold = {c_check / t_raw_fold:.2f}x")
    print(f"match_key of every text once: {t_key:.2f} s CPU")
    total = t_load + c_check
    print(f"evidence check = load + check: {total:.2f} s CPU")
    print(f"target < 5 s: {'OK' if total < 5 else 'MISSED'} (CPU; wall {t_check:.2f} s for check() "
          f"at load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
