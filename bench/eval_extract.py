"""Score ``extract_facts`` against the annotated real documents.

Reads ``../shared/data/realdocs/<stem>.txt`` (pages split on form feeds) and compares the
facts with ``../shared/data/realdocs-truth/<stem>.json``. Prints one row per field: the
share of documents where the value is right. Citations are scored by recall and precision
over normalised symbols (``normalize_symbol``), micro-averaged over all documents.

Usage:
    .venv/bin/python bench/eval_extract.py [--data DIR] [--errors FIELD] [--limit N]

``--errors FIELD`` lists the mismatches of one field (``symbol``, ``number``, ``date``,
``doc_type``, ``issuer``, ``parent_issuer``, ``place``, ``signer.name``,
``signer.position``, ``signer.authority``, ``subject``, ``recipients``, ``cited``).
The baseline row ("raw") is a naive extractor measured in the same run: first
``Số: …`` match in the text, first ``ngày … tháng … năm …`` date, every regex symbol cited.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from evidence.extract import extract_facts
from evidence.extract.dates import parse_date
from evidence.extract.symbols import find_symbols, normalize_symbol, parse_symbol
from rapidfuzz import fuzz

FIELDS = [
    "symbol", "number", "date", "doc_type", "issuer", "parent_issuer", "place",
    "signer.name", "signer.position", "signer.authority", "subject", "recipients",
]
TARGETS = {
    "symbol": 0.99, "number": 0.99, "date": 0.99, "doc_type": 0.98, "issuer": 0.95,
    "signer.name": 0.95, "subject": 0.90, "cited recall": 0.95, "cited precision": 0.97,
}
SUBJECT_MIN_RATIO = 90.0


def _get(d: dict[str, Any], key: str) -> Any:
    if key.startswith("signer."):
        s = d.get("signer") or {}
        return s.get(key.split(".", 1)[1])
    return d.get(key)


def _subject_ratio(pred: str | None, truth: str | None) -> float:
    if pred is None or truth is None:
        return 100.0 if pred == truth else 0.0
    return float(fuzz.ratio(_ws(pred), _ws(truth)))


def _ws(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _facts_dict(pages: list[str], stem: str) -> dict[str, Any]:
    f = extract_facts(pages, filename=f"{stem}.txt")
    return {
        "symbol": f.symbol, "number": f.number, "date": f.date, "doc_type": f.doc_type,
        "issuer": f.issuer, "parent_issuer": f.parent_issuer, "place": f.place,
        "subject": f.subject, "recipients": list(f.recipients),
        "signer": None if f.signer is None else {
            "name": f.signer.name, "position": f.signer.position,
            "authority": f.signer.authority,
        },
        "cited": [c.symbol for c in f.cited],
    }


def _raw_dict(text: str) -> dict[str, Any]:
    """The naive baseline: first Số match, first long date, every symbol in the text."""
    m = re.search(r"Số[^\n]{0,40}", text)
    p = parse_symbol(m.group(0)) if m else None
    dm = parse_date(text)
    return {
        "symbol": p.symbol if p else None, "number": p.number if p else None,
        "date": dm.iso if dm else None, "doc_type": p.doc_type if p else None,
        "issuer": None, "parent_issuer": None, "place": None, "subject": None,
        "recipients": [], "signer": None,
        "cited": [s.symbol for s in find_symbols(text)],
    }


def _equal(field: str, pred: Any, truth: Any) -> bool:
    if field == "symbol":
        return _ws(pred or "").replace(" ", "") == _ws(truth or "").replace(" ", "")
    if field == "subject":
        return _subject_ratio(pred, truth) >= SUBJECT_MIN_RATIO
    return bool(pred == truth)


def score(data: Path, errors: str | None, limit: int | None) -> int:
    truth_dir = data / "realdocs-truth"
    text_dir = data / "realdocs"
    stems = sorted(p.stem for p in truth_dir.glob("*.json"))[:limit]
    ok = {f: 0 for f in FIELDS}
    raw_ok = {f: 0 for f in FIELDS}
    sub_sum = 0.0
    cited = {"tp": 0, "fn": 0, "fp": 0}
    raw_cited = {"tp": 0, "fn": 0, "fp": 0}
    cpu = 0.0
    worst_cpu = (0.0, "")
    for stem in stems:
        truth = json.loads((truth_dir / f"{stem}.json").read_text(encoding="utf-8"))
        text = (text_dir / f"{stem}.txt").read_text(encoding="utf-8")
        pages = text.split("\f")
        t0 = time.process_time()
        pred = _facts_dict(pages, stem)
        dt = time.process_time() - t0
        cpu += dt
        worst_cpu = max(worst_cpu, (dt, stem))
        raw = _raw_dict(text)
        for f in FIELDS:
            good = _equal(f, _get(pred, f), _get(truth, f))
            ok[f] += good
            raw_ok[f] += _equal(f, _get(raw, f), _get(truth, f))
            if errors == f and not good:
                print(f"{stem}\n   pred:  {_get(pred, f)!r}\n   truth: {_get(truth, f)!r}")
        sub_sum += _subject_ratio(pred["subject"], truth["subject"])
        t_set = {normalize_symbol(s) for s in truth.get("cited") or []}
        own = normalize_symbol(truth["symbol"]) if truth.get("symbol") else ""
        for counts, got in ((cited, pred["cited"]), (raw_cited, raw["cited"])):
            p_set = {normalize_symbol(s) for s in got} - {own}
            counts["tp"] += len(p_set & t_set)
            counts["fn"] += len(t_set - p_set)
            counts["fp"] += len(p_set - t_set)
            if errors == "cited" and counts is cited and (t_set - p_set or p_set - t_set):
                print(f"{stem}\n   missed: {sorted(t_set - p_set)}\n   extra:  {sorted(p_set - t_set)}")
    n = len(stems)
    print(f"\n{n} documents, extract CPU {cpu:.2f} s total, worst {worst_cpu[0]:.3f} s ({worst_cpu[1]})\n")
    print(f"{'field':<20} {'extract':>8} {'raw':>8} {'target':>8}")
    for f in FIELDS:
        tgt = TARGETS.get(f)
        print(f"{f:<20} {ok[f] / n:>8.1%} {raw_ok[f] / n:>8.1%} {'' if tgt is None else f'{tgt:.0%}':>8}")
    print(f"{'subject mean ratio':<20} {sub_sum / n / 100:>8.1%}")
    for name, c in (("cited", cited), ("raw cited", raw_cited)):
        rec = c["tp"] / max(1, c["tp"] + c["fn"])
        prec = c["tp"] / max(1, c["tp"] + c["fp"])
        label = "" if name == "cited" else "raw "
        print(f"{label + 'cited recall':<20} {rec:>8.1%} {'':>8} {'95%' if not label else '':>8}")
        print(f"{label + 'cited precision':<20} {prec:>8.1%} {'':>8} {'97%' if not label else '':>8}")
    _timing(text_dir)
    return 0


def _timing(text_dir: Path, pages: int = 20, page_chars: int = 3000) -> None:
    """CPU time of ``extract_facts`` on a 20-page document (3,000 characters a page, cut
    from the real texts), median of 5 runs; the share spent in ``find_tasks`` is shown."""
    from evidence.extract.tasks import find_tasks

    texts = [p.read_text(encoding="utf-8") for p in sorted(text_dir.glob("*.txt"))]
    big = max(texts, key=len)[: pages * page_chars]
    doc = [big[i * page_chars : (i + 1) * page_chars] for i in range(pages)]
    total, tasks = [], []
    for _ in range(5):
        t0 = time.process_time()
        extract_facts(doc)
        total.append(time.process_time() - t0)
        t0 = time.process_time()
        find_tasks("\n\f\n".join(doc))
        tasks.append(time.process_time() - t0)
    med = sorted(total)[2]
    med_tasks = sorted(tasks)[2]
    print(
        f"\n20-page document ({pages * page_chars:,} chars): extract_facts {med:.3f} s CPU "
        f"(of which find_tasks {med_tasks:.3f} s; metadata and citations {med - med_tasks:.3f} s)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--data", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--errors", default=None, help="list mismatches of this field")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    if not (args.data / "realdocs-truth").is_dir():
        print(f"no realdocs-truth under {args.data}", file=sys.stderr)
        return 2
    return score(args.data, args.errors, args.limit)


if __name__ == "__main__":
    raise SystemExit(main())
