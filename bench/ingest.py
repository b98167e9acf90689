"""Ingest throughput against raw baselines, measured on the same files in one run (issue 2).

Text PDFs (pages/s):
  - bare ``pdfplumber`` ``page.extract_text()``;
  - bare ``pypdfium2`` ``page.get_textpage().get_text_range()``;
  - a ``pdftotext`` loop (one process per file);
  - ours: ``evidence.ingest.pdf.parse`` alone, and the whole ingest (parse + extract +
    catalogue + search index) through ``evidence.ingest.pipeline.ingest_paths`` with
    ``--jobs 1`` into a scratch store, over distinct copies of the files (one bulk run).
Scanned PDFs (OCR pages/s), on the same 300 dpi page images our path renders:
  - bare ``tesseract IMG stdout -l vie`` with ``OMP_THREAD_LIMIT=1``, one and two at a time;
  - bare ``tesseract`` with its default OpenMP threads (a few pages: it is slow);
  - ours: the ``TesseractEngine`` alone, and the whole ingest at ``--jobs 1`` and ``--jobs 2``
    (render + OCR + orientation check + extract + store, no OCR cache).

E-signed text PDFs (``../shared/data/realfiles-lamdong``, clean layer, a signature
dictionary): bare ``pypdfium2`` and ``pdftotext`` (which draws widget text too) against
our ``pdf.parse``, which also reads the widget appearance text and the signature fields.

Inputs: ``../shared/data/realfiles`` (PDFs whose text layer is clean Vietnamese on every
page, and the image-only scans; skipped with a message if absent) and ``corpus/files`` if
present. Targets: text ingest >= 0.3x pypdfium2; OCR ingest >= 0.9x bare Tesseract;
``--jobs 2`` >= 1.7x ``--jobs 1`` on OCR.

Wall-clock rates are what the targets name; CPU seconds per page (this process and its
waited-for children) are printed too because they hardly move when other work shares the
machine, and the OCR comparison runs bare and ours page by page, interleaved.

Run: ``.venv/bin/python bench/ingest.py [--min-text-pages 200] [--ocr-pages 16]
[--skip-ocr] [--update-doc]``
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVIDENCE_SHARED", REPO.parent / "shared")) / "data" / "realfiles"
CORPUS = REPO / "corpus" / "files"
# e-signed text PDFs: the number and day in widget appearances (read with pdfminer)
SIGNED = SHARED.parent / "realfiles-lamdong" / "files"
DOC = REPO / "docs" / "ingest-formats-pdf.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass
class Row:
    name: str
    pages: int
    seconds: float
    baseline: str | None = None  # name of the row this one is compared with
    cpu: float | None = None  # CPU seconds of this process and its children

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else float("nan")


def _cpu() -> float:
    """CPU seconds used so far by this process and its waited-for children: unlike wall
    time, hardly changed by other work on a shared machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(name: str, fn: Callable[[], int], baseline: str | None = None) -> Row:
    """Run ``fn`` (returns pages read) and time it, wall clock and CPU."""
    pages, seconds, cpu = _timed_cpu(fn)
    return Row(name, pages, seconds, baseline, cpu)


def _timed_cpu(fn: Callable[[], int]) -> tuple[int, float, float]:
    t0, c0 = time.perf_counter(), _cpu()
    pages = fn()
    return pages, time.perf_counter() - t0, _cpu() - c0


# ---- inputs -----------------------------------------------------------------------------


def select_inputs() -> tuple[list[Path], list[Path], list[str]]:
    """Text PDFs (clean layer on every page) and scans (no usable layer on any page)."""
    from evidence.errors import FileError
    from evidence.ingest.pdf import read_text_layer
    from evidence.ingest.textlayer import is_born_digital_text

    notes: list[str] = []
    candidates: list[Path] = []
    if SHARED.is_dir():
        candidates += sorted(SHARED.glob("*.pdf"))
    else:
        notes.append(f"{SHARED} is absent: real files skipped")
    if CORPUS.is_dir():
        candidates += sorted(CORPUS.rglob("*.pdf"))
    else:
        notes.append(f"{CORPUS} is absent: corpus skipped")
    text, scans = [], []
    for path in candidates:
        try:
            layer = read_text_layer(path)
        except FileError as exc:
            notes.append(f"{path.name}: {exc.message}")
            continue
        usable = [is_born_digital_text(t) for t in layer]
        if all(usable):
            text.append(path)
        elif not any(t.strip() for t in layer):
            scans.append(path)
        else:
            notes.append(f"{path.name}: damaged text layer on {usable.count(False)} of "
                         f"{len(usable)} pages (OCR'd by our path): left out of both sets")
    return text, scans, notes


def select_signed() -> list[Path]:
    """Born-digital PDFs with a signature dictionary and a clean layer on every page."""
    from evidence.ingest.pdf import read_text_layer
    from evidence.ingest.textlayer import is_born_digital_text

    out = []
    for path in sorted(SIGNED.glob("*.pdf")) if SIGNED.is_dir() else []:
        data = path.read_bytes()
        if b"/ByteRange" not in data:
            continue
        try:
            layer = read_text_layer(path)
        except Exception:  # the benchmark skips what it cannot read
            continue
        if layer and all(is_born_digital_text(t) for t in layer):
            out.append(path)
    return out


def _pages(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for p in paths:
        doc = pdfium.PdfDocument(p)
        total += len(doc)
        doc.close()
    return total


# ---- text baselines ---------------------------------------------------------------------


def bare_pdfplumber(files: list[Path]) -> int:
    import pdfplumber

    n = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                n += 1
    return n


def bare_pypdfium2(files: list[Path]) -> int:
    import pypdfium2 as pdfium

    n = 0
    for f in files:
        doc = pdfium.PdfDocument(f)
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            n += 1
        doc.close()
    return n


def bare_pdftotext(files: list[Path], pages: int) -> int:
    for f in files:
        subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(f), "-"], check=False,
                       capture_output=True)
    return pages


def ours_parse(files: list[Path]) -> int:
    from evidence.ingest.base import OcrResult, ParseOptions
    from evidence.ingest.pdf import parse

    def no_ocr(image: Path) -> OcrResult:
        raise AssertionError(f"text PDF page sent to OCR: {image}")

    n = 0
    for f in files:
        n += len(parse(f, ParseOptions(ocr_engine=no_ocr)).pages)
    return n


def ours_parse_extract(files: list[Path]) -> int:
    """Parse and extract facts, no store (where the time of a full ingest goes)."""
    from evidence.extract import extract_facts
    from evidence.ingest.base import ParseOptions
    from evidence.ingest.pdf import parse

    n = 0
    for f in files:
        pages = parse(f, ParseOptions()).pages
        extract_facts([p.text for p in pages], filename=f.name)
        n += len(pages)
    return n


def distinct_copies(files: list[Path], repeat: int, folder: Path) -> list[Path]:
    """``repeat`` copies of each file with a PDF comment appended after ``%%EOF``, so every
    copy has its own sha256 and the store parses it (a copy would be recognised and
    skipped) — one bulk run over many files, like a real folder."""
    out = []
    for r in range(repeat):
        for i, f in enumerate(files):
            target = folder / f"{r:03d}-{i:03d}.pdf"
            target.write_bytes(f.read_bytes() + f"\n% bench copy {r}\n".encode())
            out.append(target)
    return out


def ours_ingest(files: list[Path], jobs: int, *, ocr: bool) -> tuple[int, float, str]:
    """One ingest run into a scratch store; returns (pages, seconds, what was measured)."""
    try:
        from evidence.index.store import Store
        from evidence.ingest.pipeline import ingest_paths
    except ImportError as exc:  # the pipeline is another helper's; measure parse alone
        return 0, 0.0, f"pipeline unavailable ({exc})"
    home = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    try:
        store = Store.open(home)
        try:
            summary = ingest_paths(files, store, jobs=jobs)
        finally:
            store.close()
        if summary.failed:
            print(f"  ingest failures: {summary.failed}", file=sys.stderr)
        pages = summary.ocr_pages if ocr else _pages(files)
        return pages, summary.seconds, "parse + extract + catalogue + index, one run"
    finally:
        shutil.rmtree(home, ignore_errors=True)


# ---- OCR baselines ----------------------------------------------------------------------


def render(files: list[Path], folder: Path, dpi: int) -> list[Path]:
    from evidence.ingest.pdf import page_images

    images = []
    for i, f in enumerate(files):
        sub = folder / f"{i:03d}"
        sub.mkdir()
        images += page_images(f, sub, dpi=dpi)
    return images


def _tesseract(image: Path, threads: bool) -> None:
    env = dict(os.environ)
    if threads:
        env.pop("OMP_THREAD_LIMIT", None)
    else:
        env["OMP_THREAD_LIMIT"] = "1"
    subprocess.run(["tesseract", str(image), "stdout", "-l", "vie"], env=env, check=False,
                   capture_output=True)


def bare_tesseract(images: list[Path], jobs: int, threads: bool = False) -> int:
    if jobs == 1:
        for img in images:
            _tesseract(img, threads)
    else:
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(lambda img: _tesseract(img, threads), images))
    return len(images)


# ---- report -----------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    by_name = {r.name: r for r in rows}
    out = ["| what | pages | seconds | pages/s | ratio | CPU s/page |",
           "| --- | ---: | ---: | ---: | --- | ---: |"]
    for r in rows:
        ratio = ""
        if r.baseline and r.baseline in by_name:
            ratio = f"{r.rate / by_name[r.baseline].rate:.2f}x {r.baseline}"
        cpu = f"{r.cpu / r.pages:.3f}" if r.cpu is not None and r.pages else ""
        out.append(f"| {r.name} | {r.pages} | {r.seconds:.1f} | {r.rate:.2f} | {ratio} | {cpu} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-text-pages", type=int, default=200,
                    help="repeat the text PDFs until this many pages are read (default 200)")
    ap.add_argument("--ocr-pages", type=int, default=16,
                    help="scanned pages to OCR (whole files, at least this many; default 16)")
    ap.add_argument("--threaded-pages", type=int, default=2,
                    help="pages for bare tesseract with default OpenMP threads (0: skip)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="OCR ingest runs per --jobs value, in ABBA order (default 2)")
    ap.add_argument("--skip-ocr", action="store_true")
    ap.add_argument("--update-doc", action="store_true", help=f"write the table into {DOC}")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    load0 = os.getloadavg()[0]
    text_files, scans, notes = select_inputs()
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    rows: list[Row] = []
    lines: list[str] = []
    if text_files:
        pages = _pages(text_files)
        repeat = max(1, math.ceil(args.min_text_pages / pages))
        files = text_files * repeat
        lines.append(f"Text: {len(text_files)} PDFs, {pages} pages, read {repeat}x "
                     f"({pages * repeat} pages).")
        print(lines[-1], file=sys.stderr)
        rows.append(measure("pypdfium2 text (bare)", lambda: bare_pypdfium2(files)))
        rows.append(measure("pdfplumber extract_text (bare, 1 pass)",
                            lambda: bare_pdfplumber(text_files), "pypdfium2 text (bare)"))
        if shutil.which("pdftotext"):
            rows.append(measure("pdftotext loop (bare)",
                                lambda: bare_pdftotext(files, pages * repeat),
                                "pypdfium2 text (bare)"))
        rows.append(measure("ours: pdf.parse", lambda: ours_parse(files), "pypdfium2 text (bare)"))
        try:
            rows.append(measure("ours: pdf.parse + extract_facts",
                                lambda: ours_parse_extract(files), "pypdfium2 text (bare)"))
        except ImportError as exc:
            lines.append(f"extract_facts unavailable: {exc}")
        with tempfile.TemporaryDirectory(prefix="evidence-bench-copies-") as tmp:
            copies = distinct_copies(text_files, repeat, Path(tmp))
            c0 = _cpu()
            p, s, what = ours_ingest(copies, 1, ocr=False)
            c = _cpu() - c0
        if p:
            rows.append(Row("ours: ingest --jobs 1 (parse+extract+store)", p, s,
                            "pypdfium2 text (bare)", c))
        lines.append(f"Our text ingest measured: {what}.")
    else:
        lines.append("Text: no text PDF found.")
    signed = select_signed()
    if signed:
        spages = _pages(signed)
        lines.append(f"E-signed: {len(signed)} PDFs, {spages} pages (widget text and signatures "
                     "read by our parse).")
        rows.append(measure("e-signed: pypdfium2 text (bare)", lambda: bare_pypdfium2(signed)))
        if shutil.which("pdftotext"):
            rows.append(measure("e-signed: pdftotext loop (bare)",
                                lambda: bare_pdftotext(signed, spages),
                                "e-signed: pypdfium2 text (bare)"))
        rows.append(measure("e-signed: ours pdf.parse", lambda: ours_parse(signed),
                            "e-signed: pypdfium2 text (bare)"))

    if scans and not args.skip_ocr and shutil.which("tesseract"):
        chosen, total = [], 0
        for f in scans:
            if total >= args.ocr_pages:
                break
            chosen.append(f)
            total += _pages([f])
        lines.append(f"OCR: {len(chosen)} scanned PDFs, {total} pages at 300 dpi.")
        print(lines[-1], file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="evidence-bench-img-") as tmp:
            images = render(chosen, Path(tmp), 300)
            base = "tesseract -l vie, 1 thread (bare) x1"
            ours = "ours: TesseractEngine x1 (interleaved with bare)"
            n, acc = len(images), {base: [0.0, 0.0], ours: [0.0, 0.0]}
            from evidence.ingest.ocr import TesseractEngine

            engine = TesseractEngine()
            # page by page, bare then ours: load changes on a shared machine hit both alike
            for img in images:
                for name in (base, ours):
                    t0, c0 = time.perf_counter(), _cpu()
                    if name == base:
                        _tesseract(img, threads=False)
                    else:
                        engine(img)
                    acc[name][0] += time.perf_counter() - t0
                    acc[name][1] += _cpu() - c0
            rows.append(Row(base, n, acc[base][0], cpu=acc[base][1]))
            rows.append(Row(ours, n, acc[ours][0], base, cpu=acc[ours][1]))
            rows.append(measure("tesseract -l vie, 1 thread (bare) x2",
                                lambda: bare_tesseract(images, 2), base))
            if args.threaded_pages:
                few = images[: args.threaded_pages]
                rows.append(measure("tesseract -l vie, default OpenMP threads (bare) x1",
                                    lambda: bare_tesseract(few, 1, threads=True), base))
        # ABBA order (1, 2, 2, 1, ...): a load change during the runs hits both alike
        order = ([1, 2, 2, 1] * args.rounds)[: 2 * args.rounds]
        got: dict[int, list[tuple[int, float, float]]] = {1: [], 2: []}
        for jobs in order:
            c0 = _cpu()
            p, s, what = ours_ingest(chosen, jobs, ocr=True)
            if p:
                got[jobs].append((p, s, _cpu() - c0))
        for jobs in (1, 2):
            if got[jobs]:
                p = sum(x[0] for x in got[jobs])
                s = sum(x[1] for x in got[jobs])
                rows.append(Row(f"ours: ingest --jobs {jobs} (OCR pages, {len(got[jobs])} runs)",
                                p, s, base if jobs == 1 else
                                f"ours: ingest --jobs 1 (OCR pages, {len(got[1])} runs)",
                                # pool workers are not waited-for children: no CPU figure
                                cpu=sum(x[2] for x in got[jobs]) if jobs == 1 else None))
    elif args.skip_ocr:
        lines.append("OCR: skipped (--skip-ocr).")
    else:
        lines.append("OCR: no scans or no tesseract: skipped.")

    result = table(rows)
    cpu = os.cpu_count()
    header = (f"`.venv/bin/python bench/ingest.py {' '.join(argv or sys.argv[1:])}`".replace(
        " `", "`") + f" — {time.strftime('%Y-%m-%d')}, {cpu} CPUs, load average before/after "
        f"{load0:.1f}/{os.getloadavg()[0]:.1f}")
    text = "\n".join([header, "", *lines, "", result])
    print(text)
    if args.update_doc and DOC.exists():
        doc = DOC.read_text(encoding="utf-8")
        if START in doc and END in doc:
            before, rest = doc.split(START, 1)
            after = rest.split(END, 1)[1]
            DOC.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")
            print(f"written to {DOC}", file=sys.stderr)
    print(json.dumps({r.name: round(r.rate, 3) for r in rows}, ensure_ascii=False),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
