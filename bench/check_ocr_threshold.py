"""Measure the rapidfuzz threshold the check uses for keywords in OCR'd text.

Pairs: real PDFs of ``../shared/data/realfiles`` whose text is also in ``realdocs`` (4 scans
or garbled text layers with the owner's extract, and 4 born-digital PDFs rendered at 150 dpi
to get low-quality page images). Each PDF is rendered with ``pdftoppm`` and OCR'd with
``tesseract -l vie`` (cached in ``--cache``). Then, on the check's match keys (folded,
punctuation removed, abbreviations expanded):

- positives: 2-5 word phrases of the clean text; recall = share found in the OCR text
  (exact substring, or ``fuzz.partial_ratio >= T``);
- negatives: phrases of the *other* documents that do not occur in this clean text;
  false-positive rate = share "found" in this OCR text by the same rule.

Run: ``.venv/bin/python bench/check_ocr_threshold.py [--cache /tmp/ocrpairs]``
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

from evidence.check.text import match_key
from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
THRESHOLDS = (80, 85, 88, 90, 92, 93, 94, 95, 97, 100)


def pairs() -> list[tuple[Path, Path, int]]:
    out = []
    for side in sorted((SHARED / "realfiles").glob("*.pdf.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        stem = meta.get("realdocs_stem")
        if not stem:
            continue
        pdf = side.with_suffix("")
        clean = SHARED / "realdocs" / f"{stem}.txt"
        born_digital = not meta.get("scanned") and not meta.get("text_layer_garbled")
        out.append((pdf, clean, 150 if born_digital else 300))
    return out


def ocr(pdf: Path, dpi: int, cache: Path) -> str:
    key = pdf.stem.replace("sct-", "")
    txt = cache / f"{key}.ocr.txt"
    if txt.exists():
        return txt.read_text(encoding="utf-8")
    work = cache / key
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(work / "p")], check=True)
    parts = []
    for png in sorted(work.glob("p*.png")):
        r = subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True,
                           text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
        parts.append(r.stdout)
    text = "\n".join(parts)
    txt.write_text(text, encoding="utf-8")
    return text


def phrases(key: str, rng: random.Random, n: int) -> list[str]:
    words = key.split()
    out = set()
    for _ in range(n * 4):
        if len(out) >= n or len(words) < 6:
            break
        size = rng.randint(2, 5)
        i = rng.randrange(0, len(words) - size)
        ph = words[i:i + size]
        if all(w.isalpha() and len(w) >= 2 for w in ph):
            out.add(" " + " ".join(ph) + " ")
    return sorted(out)


def found(kw: str, text: str, t: int) -> bool:
    if kw in text:
        return True
    if t >= 100:
        return False
    return fuzz.partial_ratio(kw, text, score_cutoff=t) > 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default="/tmp/ocrpairs")
    ap.add_argument("--per-doc", type=int, default=300)
    args = ap.parse_args()
    if not SHARED.is_dir():
        print("../shared/data is absent", file=sys.stderr)
        return 2
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    docs = []
    for pdf, clean, dpi in pairs():
        docs.append((pdf.name, match_key(clean.read_text(encoding="utf-8")), match_key(ocr(pdf, dpi, cache))))
    pos = {name: phrases(c, rng, args.per_doc) for name, c, _ in docs}
    print(f"{len(docs)} OCR'd PDFs, {sum(len(v) for v in pos.values())} positive phrases")
    print(f"{'T':>4} {'recall':>7} {'recall2-3w':>10} {'FPR':>7} {'FPR2-3w':>8}")
    for t in THRESHOLDS:
        tp = n = tp_s = n_s = fp = m = fp_s = m_s = 0
        for name, clean, ocr_key in docs:
            for kw in pos[name]:
                short = len(kw.split()) <= 3
                hit = found(kw, ocr_key, t)
                tp += hit
                n += 1
                tp_s += hit and short
                n_s += short
            for other, kws in pos.items():
                if other == name:
                    continue
                for kw in kws[:40]:
                    if kw in clean:
                        continue
                    short = len(kw.split()) <= 3
                    hit = found(kw, ocr_key, t)
                    fp += hit
                    m += 1
                    fp_s += hit and short
                    m_s += short
        print(f"{t:>4} {tp / n:7.3f} {tp_s / n_s:10.3f} {fp / m:7.3f} {fp_s / m_s:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
