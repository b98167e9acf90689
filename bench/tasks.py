"""Benchmark: task extraction and unit scans per 10,000 characters.

Runs ``find_tasks`` and ``find_unit_mentions`` over the real documents of
``../shared/data/realdocs`` (or, without them, the bundled corpus sources) and prints
milliseconds per 10k characters, with the ratio to a raw baseline measured in the same
run (one ``re.findall(r"\\w+")`` pass over the same text: what reading the text costs).

    .venv/bin/python bench/tasks.py [--limit N]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from evidence.extract.gazetteer import find_unit_mentions, load_gazetteer
from evidence.extract.normalize import clean_text
from evidence.extract.tasks import find_tasks

REPO = Path(__file__).resolve().parent.parent


def _texts(limit: int | None) -> list[tuple[str, str]]:
    real = REPO.parent / "shared" / "data" / "realdocs"
    if real.is_dir():
        files = sorted(real.glob("*.txt"))
    else:
        files = sorted((REPO / "corpus" / "src").glob("*.txt"))
    files = files[:limit] if limit else files
    # the pipeline hands extract NFC-clean text: clean outside the timed part
    return [(f.name, clean_text(f.read_text(encoding="utf-8"))) for f in files]


def _time(fn, texts: list[tuple[str, str]]) -> float:
    t = time.process_time()
    for _, text in texts:
        fn(text)
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()

    t0 = time.process_time()
    load_gazetteer()
    compile_s = time.process_time() - t0
    texts = _texts(args.limit)
    chars = sum(len(t) for _, t in texts)
    word = re.compile(r"\w+")
    base = _time(word.findall, texts)
    tasks = _time(find_tasks, texts)
    units = _time(find_unit_mentions, texts)
    per = 1e4 / chars * 1000
    n_tasks = sum(len(find_tasks(t)) for _, t in texts)
    print(f"documents: {len(texts)}   characters: {chars:,}   tasks found: {n_tasks}")
    print(f"gazetteer load + compile: {compile_s * 1000:.0f} ms (once per process)")
    print(f"{'':24}{'ms / 10k chars':>16}{'x baseline':>12}")
    label = "baseline (word scan)"
    print(f"{label:24}{base * per:16.2f}{1:12.1f}")
    print(f"{'find_tasks':24}{tasks * per:16.2f}{tasks / base:12.1f}")
    print(f"{'find_unit_mentions':24}{units * per:16.2f}{units / base:12.1f}")
    twenty = 60_000  # about 20 pages of an administrative document
    print(f"find_tasks on a 20-page document (~{twenty:,} chars): "
          f"{tasks * per * twenty / 1e4:.0f} ms")


if __name__ == "__main__":
    main()
