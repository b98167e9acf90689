"""Relevance check: symbol queries rank the document first and show its symbol
as printed (target 100 %); an unaccented query made of the first eight words of a subject
finds the document in the top 3 (target >= 95 %). Documents whose subjects begin with the
same eight words (twins) cannot all be in a top 3, so the best possible rate is printed
beside it. Number queries: a query that is only the number (``111``) puts the
documents bearing that number as their own above every document that only mentions it,
and the intended one in the top 3 (target >= 95 %); type + number (``KH 111``, ``kh
111``) puts the intended one in the top 3 and first.

Documents: the bundled ``corpus/`` (text sources + ``corpus/expected.json``) and
``../shared/data/realdocs`` (text + ``realdocs-truth`` JSON), each present or skipped.
Facts come from the truth files (``--facts truth``, default) or from
``evidence.extract.extract_facts`` (``--facts extract``); the output says which. Every
document is indexed by each engine, then queried through the engine API.

Run::

    .venv/bin/python bench/relevance.py
    .venv/bin/python bench/relevance.py --facts extract --engines whoosh
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _facts_from(d: dict[str, Any]) -> Any:
    from evidence.model import Facts

    return Facts(doc_type=d.get("doc_type"), doc_type_name=d.get("doc_type_name"),
                 number=d.get("number"), symbol=d.get("symbol"), date=d.get("date"),
                 place=d.get("place"), issuer=d.get("issuer"),
                 parent_issuer=d.get("parent_issuer"), subject=d.get("subject"))


def load(facts_mode: str) -> list[tuple[str, Any, dict[str, Any]]]:
    """(source label, Document, truth dict) for every available document."""
    from evidence.extract.normalize import clean_text
    from evidence.model import Document, FileRef, Page

    items: list[tuple[str, str, str, dict[str, Any]]] = []  # label, path, text, truth
    corpus = REPO / "corpus"
    exp = corpus / "expected.json"
    if exp.exists():
        for d in json.loads(exp.read_text(encoding="utf-8"))["documents"]:
            src = REPO / d["source"]
            if src.exists():
                items.append(("corpus", str(src), src.read_text(encoding="utf-8"), d))
    real = SHARED / "data" / "realdocs"
    truth = SHARED / "data" / "realdocs-truth"
    if real.is_dir():
        for txt in sorted(real.glob("*.txt")):
            t = truth / f"{txt.stem}.json"
            if t.exists():
                items.append(("realdocs", str(txt), txt.read_text(encoding="utf-8"),
                              json.loads(t.read_text(encoding="utf-8"))))
    extract = None
    if facts_mode == "extract":
        from evidence.extract import extract_facts as extract
    out = []
    for label, path, text, tr in items:
        text = clean_text(text)
        pages = text.split("\f")
        facts = extract(pages, filename=Path(path).name) if extract else _facts_from(tr)
        doc = Document(id=hashlib.sha256(path.encode()).hexdigest(), files=[FileRef(path)],
                       path=path, format="txt", ocr=False, pages=len(pages), facts=facts,
                       page_texts=[Page(i + 1, p) for i, p in enumerate(pages)])
        out.append((label, doc, tr))
    return out


def _shapes(symbol: str) -> list[str]:
    """The shapes officers type: as printed, lower case, spaced, type-issuer first."""
    m = re.match(r"^(\d+[\w.]*)[/-](.+)$", symbol)
    if not m:
        return [symbol]
    num, rest = m.groups()
    return [symbol, symbol.lower(), f"{num} {re.sub(r'[/-]+', ' ', rest)}", f"{rest} {num}"]


def run(engine_name: str, docs: list[tuple[str, Any, dict[str, Any]]]) -> dict[str, Any]:
    from evidence.extract.normalize import clean_text, fold
    from evidence.index.search.analysis import symbol_keys
    from evidence.index.search.engine import open_engine
    from evidence.index.search.prepare import number_key
    from evidence.index.search.types import SearchQuery

    home = Path(tempfile.mkdtemp(prefix=f"evidence-rel-{engine_name}-"))
    eng = open_engine(home, engine_name)
    t0 = time.perf_counter()
    eng.add([d for _, d, _ in docs])
    eng.flush()
    build = time.perf_counter() - t0
    sym_n = sym_ok = shape_n = shape_ok = subj_n = subj_ok = 0
    num = {"n": 0, "above": 0, "top3": 0, "tn": 0, "t_top3": 0, "t_first": 0}
    fails: list[str] = []
    by_key: dict[str, set[str]] = {}
    by_prefix: dict[str, set[str]] = {}
    for _, d, _ in docs:
        for k in symbol_keys(d.facts.symbol):
            by_key.setdefault(k, set()).add(d.id)
        by_prefix.setdefault(fold(" ".join((d.facts.subject or "").split()[:8])), set()).add(d.id)
    uniq_n = uniq_ok = 0
    # the best any ranking can do: documents sharing the same query (twins) are told apart
    # by nothing in it, and a top 3 holds at most three of them
    groups: dict[str, int] = {}
    for _, d, _ in docs:
        words = (d.facts.subject or "").split()
        if len(words) >= 3:
            q = fold(" ".join(words[:8]))
            groups[q] = groups.get(q, 0) + 1
    ceiling = sum(min(n, 3) for n in groups.values())
    by_number: dict[str, set[str]] = {}
    for _, d, _ in docs:
        n = number_key(d.facts.number)
        if n and d.facts.symbol:
            by_number.setdefault(n, set()).add(d.id)
    for label, d, _tr in docs:
        f = d.facts
        n = number_key(f.number)
        if n and f.symbol and f.number and f.number.strip().isdigit():
            fails += _number_queries(eng, d, f.number.strip(), by_number[n], num, label)
        if f.symbol and f.number and symbol_keys(f.symbol):
            same = by_key.get(symbol_keys(f.symbol)[0], {d.id})  # duplicates share a symbol
            printed = " ".join(clean_text(f.symbol).split())
            for i, q in enumerate(_shapes(f.symbol)):
                hits = eng.search(SearchQuery(q, limit=3)).hits
                # the document first, its symbol shown as printed (leading zeros kept)
                ok = bool(hits) and hits[0].id in same and hits[0].symbol == printed
                if i == 0:
                    sym_n += 1
                    sym_ok += ok
                    if not ok:
                        fails.append(f"symbol {label} {Path(d.path).name}: {q!r} -> "
                                     f"{hits[0].symbol if hits else None}")
                shape_n += 1
                shape_ok += ok
                if not ok and i:
                    fails.append(f"shape {q!r} -> {hits[0].symbol if hits else None}")
        words = (f.subject or "").split()
        if len(words) >= 3:
            q = fold(" ".join(words[:8]))
            hits = eng.search(SearchQuery(q, limit=3)).hits
            ok = any(h.id == d.id for h in hits)
            subj_n += 1
            subj_ok += ok
            if len(by_prefix[q]) == 1:  # no other document starts its subject this way
                uniq_n += 1
                uniq_ok += ok
            if not ok:
                fails.append(f"subject ({len(by_prefix[q])} share it) {label} {Path(d.path).name}: {q!r} -> "
                             f"{[h.symbol for h in hits]}")
    eng.close()
    return {"engine": engine_name, "documents": len(docs), "build_s": build,
            "symbol": (sym_ok, sym_n), "shapes": (shape_ok, shape_n),
            "subject": (subj_ok, subj_n), "ceiling": (ceiling, subj_n), "unique": (uniq_ok, uniq_n),
            "number_above": (num["above"], num["n"]), "number_top3": (num["top3"], num["n"]),
            "typed_top3": (num["t_top3"], num["tn"]), "typed_first": (num["t_first"], num["tn"]),
            "fails": fails}


def _number_queries(eng: Any, d: Any, number: str, bearers: set[str], num: dict[str, int],
                    label: str) -> list[str]:
    """Number-only and type + number queries of one document (counts into ``num``)."""
    from evidence.index.search.types import SearchQuery

    fails = []
    hits = eng.search(SearchQuery(number, limit=len(bearers) + 3)).hits
    got = [h.id in bearers for h in hits]
    # every bearer found, and none after a document that only mentions the number
    above = sum(got) == len(bearers) and got[:len(bearers)] == [True] * len(bearers)
    top3 = d.id in [h.id for h in hits[:3]]
    num["n"] += 1
    num["above"] += above
    num["top3"] += top3
    if not (above and top3):
        fails.append(f"number {label} {Path(d.path).name}: {number!r} ({len(bearers)} bear it)"
                     f" -> {[h.symbol for h in hits[:4]]}")
    if d.facts.doc_type:
        for q in (f"{d.facts.doc_type} {number}", f"{d.facts.doc_type.lower()} {number}"):
            hits = eng.search(SearchQuery(q, limit=3)).hits
            ids = [h.id for h in hits]
            num["tn"] += 1
            num["t_top3"] += d.id in ids
            num["t_first"] += bool(ids) and ids[0] == d.id
            if d.id not in ids:
                fails.append(f"type+number {label} {Path(d.path).name}: {q!r} -> "
                             f"{[h.symbol for h in hits]}")
    return fails


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--facts", choices=["truth", "extract"], default="truth",
                    help="facts from the truth files or from extract_facts")
    ap.add_argument("--engines", default="whoosh,tantivy")
    ap.add_argument("--show-fails", type=int, default=10)
    a = ap.parse_args()
    docs = load(a.facts)
    if not docs:
        sys.exit("no documents: neither corpus/ nor ../shared/data/realdocs is present")
    labels = sorted({lbl for lbl, _, _ in docs})
    print(f"{len(docs)} documents ({', '.join(f'{lbl}: {sum(x[0] == lbl for x in docs)}' for lbl in labels)}); "
          f"facts from {'the truth files' if a.facts == 'truth' else 'extract_facts'}")
    print("| engine | symbol query -> first, as printed | 4 shapes -> first | unaccented "
          "subject (8 words) -> top 3 | best possible (twins share a query) | same, subjects "
          "whose 8 words are unique | number only: bearers above mentions | number only: "
          "top 3 | type + number: top 3 | type + number: first |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for e in a.engines.split(","):
        r = run(e, docs)

        def pct(t: tuple[int, int]) -> str:
            return f"{t[0]}/{t[1]} = {t[0] / max(1, t[1]):.1%}"

        print(f"| {e} | {pct(r['symbol'])} | {pct(r['shapes'])} | {pct(r['subject'])} | "
              f"{pct(r['ceiling'])} | {pct(r['unique'])} | {pct(r['number_above'])} | "
              f"{pct(r['number_top3'])} | {pct(r['typed_top3'])} | {pct(r['typed_first'])} |")
        for line in r["fails"][:a.show_fails]:
            print(f"    miss: {line}")


if __name__ == "__main__":
    main()
