"""Evidence pack: one folder per criterion holding copies of the deciding documents.

``write_pack(report, out_dir)`` writes::

    OUT/
      README.md                       Vietnamese summary: what is met, partial, missing
      manifest.csv, manifest.json     criterion, requirement, symbol, date, source, sha256
      1.1 Ban hành Kế hoạch CCHC năm/
        1.1-a 111-KH-UBND 2023-01-17.docx
      ...

Originals are only read. Every name that comes from a document or a catalogue is
sanitised (no separators, no ``..``, no control characters, length capped) and every
destination is checked to lie inside OUT, so nothing is written outside it. A non-empty OUT
is refused unless ``force``; with ``force`` the files a previous pack listed in its
``manifest.json`` are replaced, other files are left alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidence.check.matching import format_date
from evidence.check.report import headline, not_checked_lines
from evidence.check.verdicts import STATUS_LABELS, CheckReport, CriterionResult, DocumentRef
from evidence.errors import EvidenceError
from evidence.fspath import os_path

__all__ = ["PackEntry", "PackError", "PackResult", "safe_name", "write_pack"]

log = logging.getLogger(__name__)

_MAX_NAME_BYTES = 150  # well under the 255-byte limit of common file systems
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_SHORTEN = [(re.compile(r"(?i)cải cách hành chính"), "CCHC"),
            (re.compile(r"(?i)thủ tục hành chính"), "TTHC")]
_MANIFEST_FIELDS = ["criterion", "requirement", "status", "symbol", "date", "source", "file",
                    "sha256", "note"]


class PackError(EvidenceError):
    """The pack cannot be written where asked (non-empty folder without --force, a file)."""


@dataclass
class PackEntry:
    criterion: str
    requirement: str
    status: str
    symbol: str | None
    date: str | None
    source: str
    file: str | None  # path inside the pack (POSIX), None when the source could not be read
    sha256: str | None
    note: str = ""
    reasons: list[str] = field(default_factory=list)  # why it counts or not (manifest.json)


@dataclass
class PackResult:
    out_dir: str
    entries: list[PackEntry] = field(default_factory=list)
    folders: int = 0

    @property
    def copied(self) -> int:
        return sum(e.file is not None for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": self.out_dir, "folders": self.folders, "copied": self.copied,
                "entries": [asdict(e) for e in self.entries]}


def safe_name(name: str, *, max_bytes: int = _MAX_NAME_BYTES) -> str:
    """One path component made safe: NFC, separators and control characters replaced,
    no leading dots or spaces, never ``.``/``..``, at most ``max_bytes`` UTF-8 bytes with the
    extension kept."""
    s = unicodedata.normalize("NFC", name)
    s = re.sub(r"\s*:\s+", " - ", s)  # "Kiểm tra: kế hoạch" reads "Kiểm tra - kế hoạch"
    s = _BAD_CHARS.sub("-", s)
    s = " ".join(s.split()).strip(" .").lstrip("-. ")
    if not s or set(s) <= {"."}:
        s = "_"
    stem, dot, ext = s.rpartition(".")
    if not dot or not stem or len(ext) > 8 or " " in ext:
        stem, ext = s, ""
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode())
    b = stem.encode()
    if len(b) > budget:
        stem = b[:budget].decode("utf-8", "ignore").rstrip(" .-") or "_"
    return stem + suffix


def write_pack(report: CheckReport, out_dir: str | Path, *, force: bool = False) -> PackResult:
    """Write the evidence pack of ``report`` into ``out_dir``.

    Args:
        report: a check report (``check`` or ``run_check``).
        out_dir: the pack folder; created if absent.
        force: write into a non-empty folder (replacing a previous pack's files).

    Raises:
        PackError: ``out_dir`` is a file, or is not empty and ``force`` is false.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PackError("not a folder", subject=str(out))
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise PackError("the folder is not empty (use --force to write into it)", subject=str(out))
        _remove_previous(out)
    out.mkdir(parents=True, exist_ok=True)
    root = out.resolve()
    result = PackResult(out_dir=str(out))
    for crit in report.criteria:
        folder = safe_name(f"{crit.code} {_short_title(crit.title)}")
        wrote_folder = False
        for req in crit.requirements:
            used: set[str] = set()
            for doc in [d for d in req.documents if d.deciding]:
                for src, label in _sources(doc):
                    flag = "" if doc.counts else " (chưa đạt)"  # never handed in by mistake
                    name = _unique(safe_name(f"{req.id} {_doc_name(doc)}{label}{flag}{Path(src).suffix.lower()}"), used)
                    dest = _inside(root, root / folder / name)
                    entry = PackEntry(crit.code, req.id, req.status, doc.symbol, doc.date, src, None, None,
                                      reasons=[("✓ " if x.ok else "✗ ") + x.detail for x in req.reasons_of(doc.id)])
                    try:
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        entry.sha256 = _copy(Path(src), dest)
                        entry.file = dest.relative_to(root).as_posix()
                        wrote_folder = True
                    except OSError as exc:
                        entry.note = f"không sao chép được: {exc.strerror or exc}"
                        log.warning("pack: %s: %s", src, exc)
                    if req.status != "met":
                        entry.note = (entry.note + "; " if entry.note else "") + "chưa đạt: " + ", ".join(req.problem_codes)
                    result.entries.append(entry)
        result.folders += wrote_folder
    _write_manifests(root, result)
    _write_text(root / "README.md", _readme(report, result))
    return result


def _sources(doc: DocumentRef) -> list[tuple[str, str]]:
    files = doc.files or [doc.path]
    out = [(f, f" (tệp {i})" if len(files) > 1 else "") for i, f in enumerate(files, 1)]
    if doc.annex and doc.annex != "trong văn bản" and doc.annex not in files:
        out.append((doc.annex, " phụ lục"))
    return out


def _doc_name(doc: DocumentRef) -> str:
    sym = re.sub(r"\.{2,}", "", (doc.symbol or "").replace("/", "-").replace("\\", "-"))
    sym = re.sub(r"-{2,}", "-", sym).strip("-. ")
    number = doc.symbol.split("/")[0] if doc.symbol else ""
    if not sym:
        sym = Path(doc.path).stem if doc.path else doc.id[:12]
    elif not number:
        sym = f"dự thảo {sym}"
    date = doc.date or ""
    return f"{sym} {date}".strip()


def _short_title(title: str) -> str:
    for rx, abbr in _SHORTEN:
        title = rx.sub(abbr, title)
    return title


def _unique(name: str, used: set[str]) -> str:
    base, n = name, 2
    stem, suffix = os.path.splitext(base)
    while name.casefold() in used:
        name = f"{stem} ({n}){suffix}"
        n += 1
    used.add(name.casefold())
    return name


def _inside(root: Path, p: Path) -> Path:
    """``p`` if it lies inside ``root`` once resolved (a symlinked folder left by someone
    could point elsewhere); raises PackError otherwise."""
    parent = p.parent.resolve() if p.parent.exists() else p.parent
    if not parent.is_relative_to(root) or p.name in ("", ".", ".."):
        raise PackError(f"refusing to write outside the pack: {p}", subject=str(root))
    return parent / p.name


def _copy(src: Path, dest: Path) -> str:
    """Copy bytes (never the original's permissions or links), return their sha256.

    The bytes go to a hidden temporary name beside ``dest``, renamed once complete: a
    pack killed mid-copy never leaves a half-copied file under a document's name."""
    h = hashlib.sha256()
    with open(os_path(str(src)), "rb") as fin, _atomic(dest, "wb") as fout:
        for chunk in iter(lambda: fin.read(1 << 20), b""):
            h.update(chunk)
            fout.write(chunk)
    return h.hexdigest()


@contextmanager
def _atomic(dest: Path, mode: str, **kw: Any) -> Iterator[Any]:
    """A file written under a temporary name and renamed to ``dest`` when complete (a
    link already at ``dest`` is replaced, never followed)."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        with open(tmp, mode, **kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()


def _write_text(dest: Path, text: str) -> None:
    with _atomic(dest, "w", encoding="utf-8") as fh:
        fh.write(text)


def _remove_previous(root: Path) -> None:
    manifest = root / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    rroot = root.resolve()
    for e in data.get("entries", []):
        rel = e.get("file")
        if not isinstance(rel, str):
            continue
        p = (rroot / rel)
        try:
            if p.parent.resolve().is_relative_to(rroot) and (p.is_file() or p.is_symlink()):
                p.unlink()
                if p.parent != rroot and not any(p.parent.iterdir()):
                    p.parent.rmdir()
        except OSError as exc:
            log.warning("pack: cannot remove %s: %s", p, exc)


def _write_manifests(root: Path, result: PackResult) -> None:
    rows = [asdict(e) for e in result.entries]
    _write_text(root / "manifest.json", json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=_MANIFEST_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k) if r.get(k) is not None else "" for k in _MANIFEST_FIELDS})
    # BOM so that Excel opens the Vietnamese text as UTF-8
    _write_text(root / "manifest.csv", "\ufeff" + buf.getvalue())


def _readme(report: CheckReport, result: PackResult) -> str:
    lines = [f"# Hồ sơ tài liệu kiểm chứng — {report.catalogue_title or 'bộ tiêu chí'}", "",
             headline(report), "",
             f"Thư mục này có {result.folders} thư mục tiêu chí, {result.copied} tệp đã sao chép "
             "(bản sao; tệp gốc không bị thay đổi). Danh sách tệp và mã SHA-256: "
             "`manifest.csv`, `manifest.json`.", ""]
    groups: dict[str, list[CriterionResult]] = {"met": [], "partial": [], "missing": []}
    for c in report.criteria:
        groups[c.status].append(c)
    titles = {"met": "Tiêu chí đạt", "partial": "Tiêu chí chưa đạt đủ", "missing": "Tiêu chí thiếu tài liệu"}
    for status in ("met", "partial", "missing"):
        crits = groups[status]
        lines += [f"## {titles[status]} ({len(crits)})", ""]
        if not crits:
            lines += ["(không có)", ""]
            continue
        for c in crits:
            lines.append(f"- **{c.code} {c.title}** — {STATUS_LABELS[c.status]}")
            for r in c.requirements:
                docs = ", ".join(f"{d.symbol or Path(d.path).name} ({format_date(d.date)})"
                                 for d in r.documents if d.deciding)
                lines.append(f"  - {r.id}: {r.text} — {STATUS_LABELS[r.status]}"
                             + (f"; văn bản: {docs}" if docs else ""))
                lines += [f"    - {p}" for p in r.problems]
        lines.append("")
    return "\n".join(lines + not_checked_lines(report))
