"""Benchmark tasks: accuracy against annotated dev documents, and speed.

Accuracy (default): ``bench/tasks_truth.json`` lists the tasks a reader found in 28 dev
documents (152 tasks: normalised assignee names, coordinators, ISO deadline, the task's
ordinal; no text of the documents). Each document is read from its ORIGINAL file
(``realfiles/<stem>.docx|pdf``, ``realfiles-lamdong/files/<stem>.*``) when it has one in a
text format, else from ``realdocs/<stem>.txt``; ``--text`` reads the prepared texts
wherever they exist. Rules:

- a truth task is **right** when some extracted task of the same document has an assignee
  in common with it (``unit_key`` equal, or one name is the other plus a qualifier:
  ``các sở, ban, ngành`` ~ ``các sở, ban, ngành thuộc tỉnh``) and the same deadline (both
  none counts as the same);
- **assignee-set F1**: each truth task is paired with the extracted task sharing most
  assignees (each extracted task used once); precision and recall over the assignee names
  of the pairs, micro-averaged; unpaired extracted tasks count against precision;
- **extra**: extracted tasks paired with no truth task (lists of names, descriptions).

Speed (``--speed``): ``find_tasks`` and ``find_unit_mentions`` over the real documents of
``../shared/data/realdocs``, milliseconds per 10k characters and the ratio to a raw
baseline measured in the same run (one ``re.findall(r"\\w+")`` pass over the same text).

    .venv/bin/python bench/tasks.py [--text] [--errors] [--speed [--limit N]]

``--errors`` lists each missed task with its class (``deadline``: a task with a common
assignee states another deadline; ``assignee``: a task with the deadline names other units;
``no task``: neither) and the nearest extracted task; the summary counts the classes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from evidence.extract.gazetteer import find_unit_mentions, load_gazetteer, unit_key
from evidence.extract.normalize import clean_text
from evidence.extract.tasks import find_tasks
from evidence.model import Task

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
TRUTH = Path(__file__).resolve().parent / "tasks_truth.json"
TARGET = 0.90  # issue 12: tasks (assignee + deadline) on unseen documents


def _document_text(doc: dict[str, Any], data: Path, text_mode: bool) -> tuple[str, str] | None:
    """The document's text and where it came from (``original`` or ``text``)."""
    stem = doc["doc"]
    prepared = data / "realdocs" / f"{stem}.txt"
    if text_mode and prepared.is_file():
        return prepared.read_text(encoding="utf-8"), "text"
    if doc["source"] == "realfiles-lamdong":
        candidates = sorted((data / "realfiles-lamdong" / "files").glob(f"{stem}.*"))
    else:
        candidates = [data / "realfiles" / f"{stem}{ext}" for ext in (".docx", ".pdf")]
    for path in candidates:
        if path.is_file():
            from evidence.ingest.formats import parse_file

            pages = [p.text for p in parse_file(path).pages]
            return "\n\f\n".join(pages), "original"
    if prepared.is_file():
        return prepared.read_text(encoding="utf-8"), "text"
    return None


def _same_unit(a: str, b: str) -> bool:
    ka, kb = unit_key(a), unit_key(b)
    return ka == kb or ka.startswith(kb + " ") or kb.startswith(ka + " ")


def _common(truth: list[str], got: list[str]) -> int:
    return sum(1 for t in truth if any(_same_unit(t, g) for g in got))


def score_document(truth: list[dict[str, Any]], got: list[Task]) -> dict[str, int]:
    """Counts for one document: right tasks, assignee true/false positives and misses."""
    right = sum(
        1 for t in truth
        if any(_common(t["assignees"], g.assignees) and (t["deadline"] or None) == (g.deadline or None)
               for g in got)
    )
    free = list(got)
    tp = fp = fn = 0
    for t in truth:
        best = max(free, key=lambda g: _common(t["assignees"], g.assignees), default=None)
        if best is None or not _common(t["assignees"], best.assignees):
            fn += len(t["assignees"])
            continue
        free.remove(best)
        hit = _common(t["assignees"], best.assignees)
        tp += hit
        fn += len(t["assignees"]) - hit
        fp += sum(1 for a in best.assignees if not any(_same_unit(a, x) for x in t["assignees"]))
    fp += sum(len(g.assignees) for g in free)
    return {"tasks": len(truth), "right": right, "tp": tp, "fp": fp, "fn": fn,
            "extracted": len(got), "extra": len(free)}


def miss_class(t: dict[str, Any], got: list[Task]) -> str | None:
    """Why a truth task is missed (``None`` when it is right): ``deadline`` (a task with a
    common assignee has another deadline), ``assignee`` (a task with the same deadline
    names other units), ``no task`` (neither)."""
    same_unit = [g for g in got if _common(t["assignees"], g.assignees)]
    if any((t["deadline"] or None) == (g.deadline or None) for g in same_unit):
        return None
    if same_unit:
        return "deadline"
    if t["deadline"] and any(g.deadline == t["deadline"] for g in got):
        return "assignee"
    return "no task"


def _nearest(t: dict[str, Any], got: list[Task]) -> str:
    """The extracted task closest to a missed one, for the error list."""
    same_unit = [g for g in got if _common(t["assignees"], g.assignees)]
    near = same_unit or [g for g in got if t["deadline"] and g.deadline == t["deadline"]]
    if not near:
        return f"{len(got)} extracted, none near"
    g = near[0]
    return f"got {g.id}: {g.assignees} {g.deadline} ({g.deadline_text})"


def task_accuracy(data: Path = DATA, *, text_mode: bool = False, errors: bool = False,
                  out: Any = sys.stdout) -> dict[str, float] | None:
    """Score ``find_tasks`` on the annotated dev documents; prints one summary line (and
    the misses with ``errors``). ``None`` when the data is absent."""
    if not TRUTH.is_file() or not (data / "realdocs").is_dir():
        return None
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["documents"]
    total = {"tasks": 0, "right": 0, "tp": 0, "fp": 0, "fn": 0, "extracted": 0, "extra": 0}
    sources: dict[str, int] = {}
    classes: dict[str, int] = {}
    for doc in truth:
        found = _document_text(doc, data, text_mode)
        if found is None:
            continue
        text, where = found
        sources[where] = sources.get(where, 0) + 1
        got = find_tasks(text)
        counts = score_document(doc["tasks"], got)
        for k, v in counts.items():
            total[k] += v
        for t in doc["tasks"]:
            kind = miss_class(t, got)
            if kind is None:
                continue
            classes[kind] = classes.get(kind, 0) + 1
            if errors:
                print(f"{doc['doc']} #{t['n']} [{kind}] truth {t['assignees']} {t['deadline']}"
                      f" | {_nearest(t, got)}", file=out)
    n = max(1, total["tasks"])
    prec = total["tp"] / max(1, total["tp"] + total["fp"])
    rec = total["tp"] / max(1, total["tp"] + total["fn"])
    f1 = 2 * prec * rec / max(1e-9, prec + rec)
    result = {"tasks": total["tasks"], "accuracy": total["right"] / n, "assignee_f1": f1,
              "assignee_precision": prec, "assignee_recall": rec,
              "extra": total["extra"], "extracted": total["extracted"]}
    docs = ", ".join(f"{v} {k}" for k, v in sorted(sources.items()))
    print(f"tasks: {total['right']}/{total['tasks']} right ({result['accuracy']:.1%}, target "
          f"{TARGET:.0%}); assignee-set F1 {f1:.1%} (P {prec:.1%}, R {rec:.1%}); "
          f"{total['extracted']} extracted, {total['extra']} unmatched; documents: {docs}", file=out)
    if classes:
        print("   misses: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())), file=out)
    return result


def _texts(limit: int | None) -> list[tuple[str, str]]:
    real = DATA / "realdocs"
    if real.is_dir():
        files = sorted(real.glob("*.txt"))
    else:
        files = sorted((REPO / "corpus" / "src").glob("*.txt"))
    files = files[:limit] if limit else files
    # the pipeline hands extract NFC-clean text: clean outside the timed part
    return [(f.name, clean_text(f.read_text(encoding="utf-8"))) for f in files]


def _time(fn: Any, texts: list[tuple[str, str]]) -> float:
    t = time.process_time()
    for _, text in texts:
        fn(text)
    return time.process_time() - t


def speed(limit: int | None) -> None:
    t0 = time.process_time()
    load_gazetteer()
    compile_s = time.process_time() - t0
    texts = _texts(limit)
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


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--speed", action="store_true", help="time find_tasks instead")
    ap.add_argument("--text", action="store_true", help="read the prepared .txt files")
    ap.add_argument("--errors", action="store_true", help="list the missed tasks")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    if args.speed:
        speed(args.limit)
        return 0
    if task_accuracy(args.data, text_mode=args.text, errors=args.errors) is None:
        print(f"no task truth or data under {args.data}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
