"""Score extraction on the ORIGINAL real files (PDF, DOCX, scans), per bucket.

Every file is read through the real ingest path — ``parse_file`` (text layer, OCR where
needed, with an on-disk OCR cache so reruns are fast), the split into documents, and
``extract_facts`` — exactly as ``evidence extract FILE`` does, and compared with its truth.

Data (under ``--data``, default ``../shared/data``):

- ``realfiles-lamdong/files/lf-NNN.*`` with ``truth/lf-NNN.json``;
- ``realfiles/sct-*.{pdf,docx}`` whose sidecar names a ``realdocs_stem``: truth
  ``realdocs-truth/<realdocs_stem>.json``;
- ``realscans/<stem>.pdf`` (rendered scans of real texts, pages 1 and last only): truth
  ``realdocs-truth/<stem>.json``.

Buckets: ``docx``; ``text-pdf`` (born-digital, unsigned); ``esigned-pdf`` (born-digital with
a signature dictionary); ``scan`` (real image-only scans, signed or not); ``garbage-layer``
(a text layer that is garbage: an old OCR layer or a broken font map); ``rendered-scan``
(realscans, its own row). Buckets under 30 documents are also printed pooled with their
neighbours (text PDFs together, real scans with garbage layers) so that one file does not
swing a target; ``all`` pools everything but the rendered scans.

Scoring rules:

- ``extract FILE`` reports the file's first document: every field is read from it, except
  the citations, which are file-level (as the truth's ``cited``): the union over the
  documents of the file, without any of their own symbols.
- symbol: whitespace removed, ``Ð`` (U+00D0) read as ``Đ``; number and date exact;
  doc_type case-insensitive; issuer (both modes, one rule): accent-folded ``rapidfuzz`` ratio
  >= 90 against ``issuer``, ``issuer_full`` or any of a joint document's ``issuers`` (a list,
  or an ``issuer`` written ``A; B``); subject: accent-folded ratio >= 90; signer name:
  accent-folded exact. A null truth is right only when the prediction is null too.
- The truth's ``date: null`` with ``date_partial`` means the partial date ("2025-12").
- **wrong when answered** = predictions that are non-empty and wrong, as a share of the
  non-empty predictions of that field (a fallback, e.g. a number from the file name or a
  day from the signing time, is an answer like any other).
- ``handwritten_fields`` (number / day / month written by hand) are scored apart, in their
  own table, and left out of the rows above for that document's number, symbol (number) and
  date (day or month): right; wrong (a value that is not the truth, a day read wrongly);
  empty with a ``handwritten`` review entry for the field (the good "I cannot read it");
  empty without one. A date that keeps only the printed part (``2025-10`` for
  ``2025-10-01`` with a handwritten day) is "empty", and so is a symbol that keeps only the
  printed part (``/TTr-SNV`` for ``347/TTr-SNV`` with a handwritten number).
- cited: micro-averaged recall and precision over normalised symbols
  (``normalize_symbol``); truths marked ``cited_complete: false`` are not scored for it.
  A rendered scan holds only pages 1 and last of its text: its truth citations are kept
  when their first mention falls in the first or the last ``len(text) / pages_total``
  characters of ``realdocs/<stem>.txt`` (an estimate of the pages present), and predicted
  citations that are true but outside those pages are not counted either way. A page holds
  at most :data:`PAGE_CHARS` characters of the text (the renderer lays out a few pages of a
  long text: ``len(text) / pages_total`` would reach far past what page 1 shows).
- A rendered scan's field is not scored where the renderer did not print its line
  (``MANIFEST.tsv``: an empty ``so``, ``date_line`` — unless the ``so`` line holds the date
  — or ``signer`` column; a trích yếu among the ``header line not placed`` notes): the scan cannot show it. The count of such fields
  is printed under the tables.

Usage:
    .venv/bin/python bench/eval_extract.py [--jobs 2] [--source lamdong] [--bucket scan]
        [--stems lf-001,lf-017] [--errors FIELD] [--json] [--cache DIR | --no-cache]
    .venv/bin/python bench/eval_extract.py --text     # the older mode: realdocs/*.txt

``--errors FIELD`` lists the mismatches of one field (``symbol``, ``number``, ``date``,
``doc_type``, ``issuer``, ``signer.name``, ``subject``, ``cited``, ``handwritten``,
``tasks``). Both modes end with the task accuracy of ``bench/tasks.py`` (152 annotated
tasks: a task is right when an extracted task shares an assignee and the deadline). A whole
run (no ``--stems``/``--bucket``/``--source``/``--json``) then prints the ``--text`` table
and its task line too, so one command shows subject, issuer, date, signer and tasks on the
originals and on the texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.extract import extract_facts
from evidence.extract.dates import parse_date
from evidence.extract.normalize import fold
from evidence.extract.symbols import find_symbols, normalize_symbol, parse_symbol
from rapidfuzz import fuzz

FIELDS = ["symbol", "number", "date", "doc_type", "issuer", "signer.name", "subject"]
BUCKETS = ["docx", "text-pdf", "esigned-pdf", "scan", "garbage-layer", "rendered-scan"]
LABELS = {
    "docx": "DOCX", "text-pdf": "text PDF, unsigned", "esigned-pdf": "text PDF, e-signed",
    "scan": "real scan", "garbage-layer": "scan/PDF, garbage layer",
    "rendered-scan": "rendered scan",
}
# neighbours pooled when a bucket is small
POOLS = {
    "text PDF (pooled)": ["text-pdf", "esigned-pdf"],
    "real scan (pooled)": ["scan", "garbage-layer"],
    "all but rendered": ["docx", "text-pdf", "esigned-pdf", "scan", "garbage-layer"],
}
SMALL = 30
MIN_RATIO = 90.0
HANDWRITTEN_FIELDS = {"number": ("number", "symbol"), "day": ("date",), "month": ("date",)}


@dataclass
class Item:
    """One file to read and its truth."""

    stem: str
    source: str
    path: Path
    bucket: str
    truth: dict[str, Any]
    cited_window: list[str] | None = None  # rendered scans: truth cited on the pages present
    absent: frozenset[str] = frozenset()  # rendered scans: fields whose line is not printed


@dataclass
class Result:
    item: Item
    pred: dict[str, Any] | None
    error: str | None = None
    seconds: float = 0.0
    ocr_pages: int = 0
    extra_cited: list[str] = field(default_factory=list)


# ---- the data ---------------------------------------------------------------------------------

def _signed(path: Path) -> bool:
    data = path.read_bytes()
    return b"/ByteRange" in data and b"/Sig" in data


def load_items(data: Path) -> list[Item]:
    items: list[Item] = []
    lam = data / "realfiles-lamdong"
    kinds = {"docx": "docx", "pdf-scan": "scan", "pdf-scan-ocr": "garbage-layer"}
    for tp in sorted((lam / "truth").glob("*.json")):
        t = json.loads(tp.read_text(encoding="utf-8"))
        path = lam / "files" / t["files"][0]
        if t["format"] == "pdf-text":
            bucket = "esigned-pdf" if t.get("signed_pdf") else "text-pdf"
        else:
            bucket = kinds[t["format"]]
        items.append(Item(tp.stem, "lamdong", path, bucket, t))
    truth_dir = data / "realdocs-truth"
    rf = data / "realfiles"
    for side in sorted(rf.glob("*.json")):
        d = json.loads(side.read_text(encoding="utf-8"))
        stem = d.get("realdocs_stem")
        tp = truth_dir / f"{stem}.json"
        if not stem or not tp.is_file():
            continue
        path = rf / d["file"]
        if d["format"] == "docx":
            bucket = "docx"
        elif d.get("scanned"):
            bucket = "scan"
        elif d.get("text_layer_garbled"):
            bucket = "garbage-layer"
        else:
            bucket = "esigned-pdf" if _signed(path) else "text-pdf"
        items.append(Item(path.stem, "realfiles", path,
                          bucket, json.loads(tp.read_text(encoding="utf-8"))))
    rs = data / "realscans"
    manifest = rs / "MANIFEST.tsv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for row in rows:
            tp = truth_dir / f"{row['stem']}.json"
            path = rs / f"{row['stem']}.pdf"
            if not tp.is_file() or not path.is_file():
                continue
            t = json.loads(tp.read_text(encoding="utf-8"))
            window = _cited_window(data / "realdocs" / f"{row['stem']}.txt", t,
                                   int(row["pages_total"]))
            items.append(Item(row["stem"], "realscans", path, "rendered-scan", t, window,
                              _not_printed(row, t)))
    return items


#: characters of the text one rendered A4 page holds at most (OCR reads 1,600-2,100 on a
#: full page of the realscans)
PAGE_CHARS = 2200


def _not_printed(row: dict[str, str], truth: dict[str, Any]) -> frozenset[str]:
    """The fields of a rendered scan whose line its renderer did not print (MANIFEST.tsv)."""
    absent: set[str] = set()
    if not row.get("so", "").strip():
        absent |= {"symbol", "number"}
    if not row.get("date_line", "").strip() and "ngày" not in row.get("so", ""):
        absent.add("date")  # (a date line set on the Số line is printed there)
    if not row.get("signer", "").strip():
        absent.add("signer.name")
    lost = [_fold(x) for x in re.findall(r"header line not placed: '([^']*)'", row.get("notes", ""))]
    subject = _fold(truth.get("subject") or "")
    if subject and any(subject[:30] in x or (len(x) >= 20 and x in subject) for x in lost):
        absent.add("subject")
    return frozenset(absent)


def _cited_window(txt: Path, truth: dict[str, Any], pages_total: int) -> list[str]:
    """Truth citations whose first mention is on the first or the last page (estimated)."""
    cited = [normalize_symbol(s) for s in truth.get("cited") or []]
    if pages_total <= 2 or not txt.is_file():
        return cited
    text = txt.read_text(encoding="utf-8")
    per_page = min(len(text) / pages_total, PAGE_CHARS)
    first: dict[str, int] = {}
    for s in find_symbols(text):
        first.setdefault(normalize_symbol(s.symbol), s.start)
    head, tail = per_page, len(text) - per_page
    return [c for c in cited if c in first and (first[c] <= head or first[c] >= tail)]


# ---- reading a file through the ingest path ------------------------------------------------

_ENGINE: Any = None


def _engine(cache: Path | None) -> Any:
    global _ENGINE
    if _ENGINE is None:
        from evidence.ingest.unit import LazyOcr  # the pipeline's own engine + cache

        _ENGINE = LazyOcr(cache)
    return _ENGINE


def read_file(path: Path, cache: Path | None) -> tuple[dict[str, Any] | None, str | None,
                                                       float, int, list[str]]:
    """(first document's JSON, error, seconds, OCR pages, own symbols of all documents +
    citations of the later documents)."""
    from evidence.errors import FileError
    from evidence.ingest.pipeline import extract_file

    t0 = time.perf_counter()
    try:
        docs = extract_file(path, ocr_engine=_engine(cache))
    except FileError as exc:
        return None, f"{exc.reason}: {exc.message}", time.perf_counter() - t0, 0, []
    dt = time.perf_counter() - t0
    first = docs[0].to_dict()
    ocr_pages = sum(1 for d in docs for p in d.page_texts if p.ocr)
    own = {d.facts.symbol for d in docs if d.facts.symbol}
    cited = [c["symbol"] for c in first["cited"]]
    for d in docs[1:]:
        cited.extend(c.symbol for c in d.facts.cited)
    first["cited_file"] = [c for c in dict.fromkeys(cited) if c not in own]
    first["documents_in_file"] = len(docs)
    return first, None, dt, ocr_pages, []


def _work(args: tuple[Item, Path | None]) -> Result:
    item, cache = args
    pred, err, dt, ocr_pages, _ = read_file(item.path, cache)
    return Result(item, pred, err, dt, ocr_pages)


# ---- scoring ----------------------------------------------------------------------------------

def _fold(s: str) -> str:
    return " ".join(fold(s).split())


def _sym(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "").replace("\u00d0", "Đ")


def _get(d: dict[str, Any] | None, key: str) -> Any:
    if d is None:
        return None
    if key == "signer.name":
        return (d.get("signer") or {}).get("name")
    return d.get(key)


def truth_value(t: dict[str, Any], key: str) -> Any:
    if key == "date" and t.get("date") is None:
        return t.get("date_partial")
    return _get(t, key)


def equal(key: str, pred: Any, truth: dict[str, Any]) -> bool:
    want = truth_value(truth, key)
    if pred is None or pred == "" or want is None:
        return (pred is None or pred == "") and want is None
    if key == "symbol":
        return _sym(pred) == _sym(want)
    if key == "doc_type":
        return str(pred).casefold() == str(want).casefold()
    if key == "issuer":
        return issuer_right(pred, truth)
    if key == "subject":
        return fuzz.ratio(_fold(pred), _fold(want)) >= MIN_RATIO
    if key == "signer.name":
        return _fold(pred) == _fold(want)
    return bool(pred == want)


def truth_issuers(truth: dict[str, Any]) -> list[str]:
    """The names a predicted issuer may match: every one of a joint document's ``issuers``
    (a list; an ``issuer`` written ``A; B`` is the same list), ``issuer`` and
    ``issuer_full``."""
    names: list[str] = []
    for name in [*(truth.get("issuers") or []), truth.get("issuer"), truth.get("issuer_full")]:
        if name:
            names += [name, *(p.strip() for p in name.split(";") if ";" in name and p.strip())]
    return list(dict.fromkeys(names))


def issuer_right(pred: str, truth: dict[str, Any]) -> bool:
    """The one issuer rule of both modes: accent-folded ``rapidfuzz`` ratio >= 90 against
    any of :func:`truth_issuers` (a joint document's first issuer, or any other of them,
    is right)."""
    return any(fuzz.ratio(_fold(pred), _fold(o)) >= MIN_RATIO for o in truth_issuers(truth))


def handwritten_keys(truth: dict[str, Any]) -> set[str]:
    keys: set[str] = set()
    for f in truth.get("handwritten_fields") or []:
        keys.update(HANDWRITTEN_FIELDS.get(f, ()))
    return keys


def handwritten_verdict(key: str, pred: dict[str, Any] | None, truth: dict[str, Any]) -> str:
    """right | wrong | empty-review | empty."""
    value = _get(pred, key)
    want = truth_value(truth, key)
    if value and equal(key, value, truth):
        return "right"
    empty = not value or (key == "date" and want and str(want).startswith(str(value))
                          and len(str(value)) < len(str(want)))
    if key == "symbol" and value and want and truth.get("number"):
        # the printed part kept, the handwritten number left out: "/TTr-SNV"
        empty = _sym(value) == _sym(str(want))[len(str(truth["number"])):]
    if not empty:
        return "wrong"
    field_name = "date" if key == "date" else "number"
    reviewed = any(r.get("field") == field_name and r.get("reason") == "handwritten"
                   for r in (pred or {}).get("review") or [])
    return "empty-review" if reviewed else "empty"


@dataclass
class Tally:
    n: int = 0
    right: dict[str, int] = field(default_factory=dict)
    scored: dict[str, int] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    wrong_answered: dict[str, int] = field(default_factory=dict)
    cited: dict[str, int] = field(default_factory=lambda: {"tp": 0, "fn": 0, "fp": 0})
    hand: dict[str, dict[str, int]] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)  # fields not on the pages
    errors: int = 0
    seconds: float = 0.0
    ocr_pages: int = 0

    def add(self, r: Result) -> None:
        self.n += 1
        self.seconds += r.seconds
        self.ocr_pages += r.ocr_pages
        if r.error:
            self.errors += 1
        t = r.item.truth
        hand = handwritten_keys(t)
        for key in FIELDS:
            value = _get(r.pred, key)
            if key in r.item.absent:
                self.absent[key] = self.absent.get(key, 0) + 1
                continue
            if key in hand:
                verdict = handwritten_verdict(key, r.pred, t)
                self.hand.setdefault(key, {}).setdefault(verdict, 0)
                self.hand[key][verdict] += 1
                continue
            good = equal(key, value, t)
            self.scored[key] = self.scored.get(key, 0) + 1
            self.right[key] = self.right.get(key, 0) + good
            if value not in (None, ""):
                self.answered[key] = self.answered.get(key, 0) + 1
                self.wrong_answered[key] = self.wrong_answered.get(key, 0) + (not good)
        if t.get("cited_complete") is False:
            return
        tp, fn, fp = cited_counts(r)
        self.cited["tp"] += tp
        self.cited["fn"] += fn
        self.cited["fp"] += fp

    def merge(self, other: Tally) -> None:
        self.n += other.n
        self.errors += other.errors
        self.seconds += other.seconds
        self.ocr_pages += other.ocr_pages
        for mine, theirs in ((self.right, other.right), (self.scored, other.scored),
                             (self.answered, other.answered),
                             (self.wrong_answered, other.wrong_answered), (self.cited, other.cited),
                             (self.absent, other.absent)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        for k, counts in other.hand.items():
            for verdict, v in counts.items():
                self.hand.setdefault(k, {}).setdefault(verdict, 0)
                self.hand[k][verdict] += v

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "errors": self.errors,
                               "ocr_pages": self.ocr_pages, "seconds": round(self.seconds, 1)}
        for key in FIELDS:
            s = self.scored.get(key, 0)
            a = self.answered.get(key, 0)
            out[key] = {
                "n": s,
                "accuracy": self.right.get(key, 0) / s if s else None,
                "wrong_when_answered": self.wrong_answered.get(key, 0) / a if a else None,
            }
        c = self.cited
        out["cited recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        out["cited precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        out["handwritten"] = {k: dict(v) for k, v in self.hand.items()}
        out["not_printed"] = dict(self.absent)
        return out


def cited_counts(r: Result) -> tuple[int, int, int]:
    t = r.item.truth
    truth_all = {normalize_symbol(s) for s in t.get("cited") or []}
    want = set(r.item.cited_window) if r.item.cited_window is not None else truth_all
    own = normalize_symbol(t["symbol"]) if t.get("symbol") else ""
    got = {normalize_symbol(s) for s in (r.pred or {}).get("cited_file") or []} - {own}
    # true citations outside the pages a rendered scan shows count neither way
    got -= truth_all - want
    return len(got & want), len(want - got), len(got - want)


# ---- output -----------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def tallies(results: list[Result]) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for b in BUCKETS:
        t = Tally()
        for r in results:
            if r.item.bucket == b:
                t.add(r)
        if t.n:
            out[b] = t
    for name, members in POOLS.items():
        present = [out[m] for m in members if m in out]
        if len(present) < 2 and name != "all but rendered":
            continue
        if name != "all but rendered" and not any(t.n < SMALL for t in present):
            continue
        pool = Tally()
        for t in present:
            pool.merge(t)
        if pool.n:
            out[name] = pool
    return out


def print_tables(rows: dict[str, dict[str, Any]]) -> None:
    cols = [*FIELDS, "cited recall", "cited precision"]
    short = {"signer.name": "signer", "cited recall": "cit.rec", "cited precision": "cit.prec",
             "doc_type": "type"}
    head = f"{'bucket':<26}{'n':>4}" + "".join(f"{short.get(c, c):>9}" for c in cols)
    print("\naccuracy, % (n scored per field excludes handwritten fields)")
    print(head)
    for name, row in rows.items():
        cells = []
        for c in cols:
            cells.append(_pct(row[c]["accuracy"] if isinstance(row[c], dict) else row[c]))
        print(f"{LABELS.get(name, name):<26}{row['n']:>4}" + "".join(f"{x:>9}" for x in cells))
    print("\nwrong when answered, % of non-empty answers")
    print(f"{'bucket':<26}{'n':>4}" + "".join(f"{short.get(c, c):>9}" for c in FIELDS))
    for name, row in rows.items():
        cells = [_pct(row[c]["wrong_when_answered"]) for c in FIELDS]
        print(f"{LABELS.get(name, name):<26}{row['n']:>4}" + "".join(f"{x:>9}" for x in cells))
    total = rows.get("all but rendered", {}).get("handwritten") or {}
    rendered = rows.get("rendered-scan", {}).get("handwritten") or {}
    hand = {k: v for k, v in total.items()} or rendered
    if hand:
        print("\nhandwritten fields (scored apart): right / wrong / empty+review / empty")
        for k, v in sorted(hand.items()):
            print(f"  {k:<8} {v.get('right', 0):>3} / {v.get('wrong', 0):>3} / "
                  f"{v.get('empty-review', 0):>3} / {v.get('empty', 0):>3}")
    absent = rows.get("rendered-scan", {}).get("not_printed") or {}
    if absent:
        print("\nrendered scans, fields not scored (the renderer did not print their line): "
              + ", ".join(f"{k} {v}" for k, v in sorted(absent.items())))
    print("\nfiles, OCR pages, seconds (OCR cached)")
    for name, row in rows.items():
        if name in BUCKETS:
            print(f"  {LABELS[name]:<26}{row['n']:>4} files {row['ocr_pages']:>4} OCR pages "
                  f"{row['seconds']:>7.1f} s  {row['errors']} unreadable")


def list_errors(results: list[Result], key: str) -> None:
    for r in results:
        t = r.item.truth
        if r.error:
            print(f"{r.item.stem} [{r.item.bucket}] ERROR {r.error}")
            continue
        if key == "cited":
            if t.get("cited_complete") is False:
                continue
            _tp, fn, fp = cited_counts(r)
            if fn or fp:
                want = set(r.item.cited_window) if r.item.cited_window is not None else {
                    normalize_symbol(s) for s in t.get("cited") or []}
                got = {normalize_symbol(s) for s in (r.pred or {}).get("cited_file") or []}
                print(f"{r.item.stem} [{r.item.bucket}]\n   missed: {sorted(want - got)}"
                      f"\n   extra:  {sorted(got - want - {normalize_symbol(t.get('symbol') or '')})}")
            continue
        if key == "handwritten":
            for k in sorted(handwritten_keys(t)):
                v = handwritten_verdict(k, r.pred, t)
                if v not in ("right", "empty-review"):
                    print(f"{r.item.stem} [{r.item.bucket}] {k}: {v}: "
                          f"{_get(r.pred, k)!r} (truth {truth_value(t, k)!r})")
            continue
        if key in handwritten_keys(t) or key in r.item.absent:
            continue
        value = _get(r.pred, key)
        if not equal(key, value, t):
            print(f"{r.item.stem} [{r.item.bucket}]\n   pred:  {value!r}"
                  f"\n   truth: {truth_value(t, key)!r}")


def evaluate_files(args: argparse.Namespace) -> int:
    items = load_items(args.data)
    if args.source:
        items = [i for i in items if i.source in args.source.split(",")]
    if args.bucket:
        items = [i for i in items if i.bucket in args.bucket.split(",")]
    if args.stems:
        wanted = set(args.stems.split(","))
        items = [i for i in items if i.stem in wanted]
    if not items:
        print("no files selected", file=sys.stderr)
        return 2
    cache = None if args.no_cache else args.cache
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    work = [(i, cache) for i in items]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_work, work))
    else:
        results = [_work(w) for w in work]
    wall = time.perf_counter() - t0
    if args.errors:
        list_errors(results, args.errors)
    rows = {name: t.row() for name, t in tallies(results).items()}
    if args.json:
        print(json.dumps({"rows": rows, "wall_seconds": round(wall, 1),
                          "files": len(results)}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(results)} files, {wall:.0f} s wall, --jobs {args.jobs}, "
          f"OCR cache {cache or 'off'}")
    print_tables(rows)
    return 0


# ---- the older mode: the prepared texts ---------------------------------------------------

TEXT_FIELDS = [
    "symbol", "number", "date", "doc_type", "issuer", "parent_issuer", "place",
    "signer.name", "signer.position", "signer.authority", "subject", "recipients",
]
TEXT_TARGETS = {
    "symbol": 0.99, "number": 0.99, "date": 0.99, "doc_type": 0.98, "issuer": 0.95,
    "signer.name": 0.95, "subject": 0.90, "cited recall": 0.95, "cited precision": 0.97,
}


def _text_get(d: dict[str, Any], key: str) -> Any:
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


def _text_equal(field: str, pred: Any, truth: dict[str, Any]) -> bool:
    """Whether ``pred`` (the value of ``field``) is right for the ``truth`` document; the
    issuer by the rule of the originals (:func:`equal`)."""
    if field == "issuer":
        return equal(field, pred, truth)
    return _text_value_equal(field, pred, _text_get(truth, field))


def _text_value_equal(field: str, pred: Any, truth: Any) -> bool:
    if field == "symbol":
        return _ws(pred or "").replace(" ", "") == _ws(truth or "").replace(" ", "")
    if field == "subject":
        return _subject_ratio(pred, truth) >= MIN_RATIO
    return bool(pred == truth)


def evaluate_texts(data: Path, errors: str | None, limit: int | None) -> int:
    """The older mode: ``extract_facts`` on ``realdocs/<stem>.txt`` (pages split on form
    feeds) against ``realdocs-truth``, with a naive \"raw\" extractor in the same run."""
    truth_dir = data / "realdocs-truth"
    text_dir = data / "realdocs"
    stems = sorted(p.stem for p in truth_dir.glob("*.json"))[:limit]
    ok = {f: 0 for f in TEXT_FIELDS}
    raw_ok = {f: 0 for f in TEXT_FIELDS}
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
        for f in TEXT_FIELDS:
            good = _text_equal(f, _text_get(pred, f), truth)
            ok[f] += good
            raw_ok[f] += _text_equal(f, _text_get(raw, f), truth)
            if errors == f and not good:
                print(f"{stem}\n   pred:  {_text_get(pred, f)!r}\n   truth: {_text_get(truth, f)!r}")
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
    for f in TEXT_FIELDS:
        tgt = TEXT_TARGETS.get(f)
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
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    here = Path(__file__).resolve().parent.parent
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    ap.add_argument("--data", type=Path, default=here.parent / "shared" / "data")
    ap.add_argument("--source", help="lamdong, realfiles, realscans (comma-separated)")
    ap.add_argument("--bucket", help="one of " + ", ".join(BUCKETS) + " (comma-separated)")
    ap.add_argument("--stems", help="file stems, comma-separated (lf-001,sct-c514ed51c8)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=cache_home / "evidence-eval" / "ocr",
                    help="OCR cache directory (default %(default)s)")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--errors", default=None, help="list mismatches of this field")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--text", action="store_true",
                    help="the older mode: realdocs/*.txt through extract_facts")
    ap.add_argument("--limit", type=int, default=None, help="--text: first N texts")
    args = ap.parse_args()
    if args.text:
        if not (args.data / "realdocs-truth").is_dir():
            print(f"no realdocs-truth under {args.data}", file=sys.stderr)
            return 2
        rc = evaluate_texts(args.data, args.errors, args.limit)
        _tasks(args, text_mode=True)
        return rc
    rc = evaluate_files(args)
    _tasks(args, text_mode=False)
    if _whole_run(args) and (args.data / "realdocs-truth").is_dir():
        # the same fields on the prepared texts, so one run shows both sources
        print("\n## the prepared texts: realdocs/*.txt against realdocs-truth")
        evaluate_texts(args.data, None, None)
        _tasks(args, text_mode=True)
    return rc


def _whole_run(args: argparse.Namespace) -> bool:
    """Not narrowed to some files and not printing JSON."""
    return not (args.json or args.stems or args.bucket or args.source or args.limit)


def _tasks(args: argparse.Namespace, *, text_mode: bool) -> None:
    """Task accuracy and assignee-set F1 (``bench/tasks.py``) on the same data, unless the
    run is narrowed to some files or prints JSON."""
    if not _whole_run(args):
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tasks import task_accuracy  # bench/tasks.py

    print()
    task_accuracy(args.data, text_mode=text_mode, errors=args.errors == "tasks")


if __name__ == "__main__":
    raise SystemExit(main())
