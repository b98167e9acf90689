"""Batch ingest: files and folders -> documents in the store.

One run:

1. :func:`evidence.ingest.walk.walk` lists the units (a file, or a group of page photos).
2. Each unit's files are hashed (sha256 of the bytes); the catalogue decides what to do:
   unchanged (same path, same content) is skipped; known content at a new path is a move
   (the ``files`` row follows, no duplicate document) or a copy; new or changed content is
   parsed. Failed files are retried on every run (an installed converter may fix them).
3. Parsing, OCR, splitting and extraction run in worker processes (``jobs`` > 1) or
   in-process (``jobs`` == 1) — see :func:`process_unit`. Only this (parent) process writes
   the store: per document, catalogue first (one transaction each), then the engine; the
   ``files`` rows of a unit are written last, so a run killed at any point redoes exactly
   the unfinished units next time and ends with the same store.
4. Files of the walked folders that are gone are marked ``missing``; ``prune`` removes
   them and the documents no other file holds.

Per-file failures never stop the batch: each becomes an :class:`IngestResult` with a
:class:`~evidence.errors.FailReason`, recorded in the catalogue (``status`` lists them).

Time limit: each unit gets ``timeout`` seconds per file. With workers, a unit over its
limit has its worker process group killed (Tesseract/LibreOffice children included) and a
fresh worker started. In-process (``jobs=1``, for tests and debuggers), ``SIGALRM``
interrupts pure-Python parsing on the main thread, and the external programs (Tesseract,
LibreOffice, pdftoppm) run with their own subprocess timeouts, which end a hung child; a
hang inside a C extension is the one case only a worker can stop.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.errors import FailReason, FileError
from evidence.fspath import display_path, escape_path, is_escaped, os_path
from evidence.index.catalogue import FileInfo, FileRow
from evidence.ingest.base import OcrEngine, OcrMode, OcrResult, ParsedFile, ParseOptions
from evidence.model import Document, Facts, FileRef, Page, part_id

if TYPE_CHECKING:
    from evidence.index.store import Store
    from evidence.ingest.progress import IngestProgress
    from evidence.ingest.walk import Skipped

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_TIMEOUT",
    "Extraction",
    "IngestResult",
    "IngestSummary",
    "build_documents",
    "default_jobs",
    "extract_file",
    "extract_one",
    "file_info",
    "ingest_paths",
    "parse_size",
    "process_unit",
    "several_documents_warning",
]

log = logging.getLogger(__name__)

#: seconds per file before a unit is abandoned (a 100-page scan at ~3.6 s/page fits)
DEFAULT_TIMEOUT = 600.0
#: memory one file may take while it is read (``--max-memory``): the reading process's
#: data segment is capped this far above what it held before (``RLIMIT_DATA``), and a
#: worker whose resident memory passes it is stopped; the file fails as ``too_large``
DEFAULT_MAX_MEMORY = 1 << 30
#: formats where a page count means something (DOCX/TXT "pages" are the parser's chunks)
_PAGED_FORMATS = frozenset({"pdf", "image"})


# ---- results --------------------------------------------------------------------------------


@dataclass
class IngestResult:
    """What happened to one file (Paperless ``ProcessResult``).

    ``status``: ``added``, ``updated`` (changed content, or ``force``), ``unchanged``,
    ``moved``, ``copy`` (same content as another ingested file) or ``failed``.
    """

    path: str
    documents: list[Document] | None
    error: str | None = None
    reason: FailReason | None = None
    status: str = "added"
    pages: int = 0
    ocr_pages: int = 0


@dataclass
class IngestSummary:
    """Totals of one run; :meth:`to_dict` is the contract's ``ingest --json``."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    copies: int = 0
    failed: list[IngestResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    documents: int = 0
    removed_documents: int = 0
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return (self.added + self.updated + self.unchanged + self.moved + self.copies
                + len(self.failed))

    def to_dict(self) -> dict[str, Any]:
        """The contract's ingest summary plus ``moved``, ``copies``, ``missing``,
        ``pruned``, ``documents``, ``removed_documents``, ``pages``, ``files``, a
        ``reason`` code on each failure, ``skipped`` (files that are not documents) and,
        beside a failed or skipped path that is not UTF-8 (shown with ``\\xNN`` escapes),
        its readable ``display_path``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "moved": self.moved,
            "copies": self.copies,
            "failed": [_with_display({"path": r.path, "error": r.error,
                                      "reason": str(r.reason)})
                       for r in sorted(self.failed, key=lambda r: r.path)],
            "skipped": [_with_display({"path": k.path, "reason": k.reason})
                        for k in self.skipped],
            "missing": list(self.missing),
            "pruned": list(self.pruned),
            "files": self.files,
            "documents": self.documents,
            "removed_documents": self.removed_documents,
            "pages": self.pages,
            "ocr_pages": self.ocr_pages,
            "seconds": round(self.seconds, 2),
        }

    def add(self, result: IngestResult) -> None:
        if result.status == "failed":
            self.failed.append(IngestResult(result.path, None, result.error, result.reason,
                                            "failed"))
            return
        setattr(self, _COUNTER[result.status], getattr(self, _COUNTER[result.status]) + 1)


def _with_display(entry: dict[str, Any]) -> dict[str, Any]:
    if is_escaped(entry["path"]):
        entry["display_path"] = display_path(entry["path"])
    return entry


_COUNTER = {"added": "added", "updated": "updated", "unchanged": "unchanged",
            "moved": "moved", "copy": "copies"}


# ---- hashing and planning -------------------------------------------------------------------


def file_info(path: Path) -> FileInfo:
    """Stat and hash one file (sha256 of its bytes, read in 1 MiB blocks).

    Raises:
        FileError: the file cannot be read.
    """
    h = hashlib.sha256()
    try:
        st = path.stat()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        raise read_error(exc, escape_path(path)) from exc
    return FileInfo(path=escape_path(path), sha256=h.hexdigest(), size=st.st_size,
                    mtime=st.st_mtime)


def read_error(exc: OSError, subject: str) -> FileError:
    """The failure for a file the OS will not let us read: ``permission`` when access is
    denied (never ``corrupt``: the file may be fine), else ``corrupt``."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return FileError("không có quyền đọc tệp này", subject=subject,
                         reason=FailReason.PERMISSION)
    return FileError(f"không đọc được tệp: {exc.strerror or exc}", subject=subject,
                     reason=FailReason.CORRUPT)


def parse_size(text: str) -> int:
    """``--max-memory``: ``1G``, ``512M``, ``1.5GiB``, ``800`` (MiB) -> bytes.

    Raises:
        ValueError: not a size, or below 64 MiB (no file can be read in less).
    """
    import re

    m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text.lower())
    if not m:
        raise ValueError(f"không hiểu dung lượng {text!r} (ví dụ: 1G, 512M)")
    unit = {"k": 1 << 10, "": 1 << 20, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2)]
    size = int(float(m.group(1).replace(",", ".")) * unit)
    if size < 64 << 20:
        raise ValueError(f"{text}: cần ít nhất 64M")
    return size


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class _Task:
    key: int
    files: list[FileInfo]
    previous: dict[str, FileRow | None]  # path -> files row before this run


@dataclass
class _FileOutcome:
    info: FileInfo
    reason: FailReason | None = None
    error: str | None = None


@dataclass
class _Outcome:
    key: int
    files: list[_FileOutcome]
    documents: list[Document]


# ---- the work of one unit (runs in a worker or in-process) ----------------------------------


class _LazyOcr:
    """The default Tesseract engine, created on first use (a batch of DOCX never needs
    it, and a missing Tesseract must fail only the files that need OCR), with an OCR cache
    in the store so re-ingesting never pays for the same page twice."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self._engine: OcrEngine | None = None

    def __call__(self, image_path: Path) -> OcrResult:
        if self._engine is None:
            from evidence.ingest.ocr import default_engine

            self._engine = default_engine(self.cache_dir)
        return self._engine(image_path)

    def __getstate__(self) -> dict[str, Any]:
        return {"cache_dir": self.cache_dir, "_engine": None}


def process_unit(files: Sequence[FileInfo], options: ParseOptions) -> tuple[
        list[tuple[FileInfo, ParsedFile | None, FailReason | None, str | None]], list[Document]]:
    """Parse the files of one unit, split them into documents and extract their facts.

    Pure with respect to the store (runs in worker processes).

    Args:
        files: one file, or the page photos of one group, in order.
        options: parse options (OCR mode and engine, limits, progress callback).

    Returns:
        Per file: (info with format/pages filled, parsed file or None, failure reason,
        failure message); and the documents built from the files that parsed.
    """
    parsed: list[tuple[FileInfo, ParsedFile]] = []
    per_file: list[tuple[FileInfo, ParsedFile | None, FailReason | None, str | None]] = []
    for info in files:
        try:
            pf = _parse(Path(os_path(info.path)), options)
        except FileError as exc:
            per_file.append((info, None, exc.reason, escape_path(exc.message)))
            continue
        except MemoryError:
            per_file.append((info, None, FailReason.TOO_LARGE, _OOM_MESSAGE))
            continue
        except _Timeout:
            raise
        except Exception as exc:  # a parser bug must fail one file, not the batch
            log.error("%s: unexpected %s while parsing", info.path, type(exc).__name__,
                      exc_info=True)
            per_file.append((info, None, FailReason.INTERNAL,
                             escape_path(f"{type(exc).__name__}: {exc}")))
            continue
        info = replace(info, format=pf.format, pages=len(pf.pages), ocr_pages=pf.ocr_pages)
        parsed.append((info, pf))
        per_file.append((info, pf, None, None))
    documents = build_documents(parsed) if parsed else []
    return per_file, documents


def _parse(path: Path, options: ParseOptions) -> ParsedFile:
    from evidence.ingest.formats import parse_file

    pf = parse_file(path, options)
    if not any(p.text.strip() for p in pf.pages):
        hint = "" if options.ocr != OcrMode.NEVER else " (OCR is off: --ocr never)"
        raise FileError(f"no readable text{hint}", subject=escape_path(path),
                        reason=FailReason.NO_TEXT)
    return pf


def build_documents(parsed: Sequence[tuple[FileInfo, ParsedFile]]) -> list[Document]:
    """Split parsed files into documents and extract each one's facts.

    The pages of all files (one file, or the photos of one group) are read as one
    sequence and split where a new document's header starts
    (:func:`evidence.ingest.split.split_documents`). Ids follow the contract: a document
    that is exactly one whole file has that file's sha256; any other (part of a file, or
    pages from several files) has :func:`evidence.model.part_id` of its
    (file sha256, first page, last page) parts.

    Args:
        parsed: (file info, parsed file) in page order.

    Returns:
        The documents, in page order.
    """
    from evidence.ingest.split import split_documents

    flat: list[tuple[FileInfo, ParsedFile, Page]] = [
        (info, pf, page) for info, pf in parsed for page in pf.pages]
    if not flat:
        return []
    several = len(parsed) > 1
    # split positions are 1-based over this sequence, whatever the pages' own numbers
    seq = [replace(p, number=i + 1, source=info.path) for i, (info, _pf, p) in enumerate(flat)]
    ranges = _clean_ranges(split_documents(seq), len(seq))
    docs: list[Document] = []
    for first, last in ranges:
        chunk = flat[first - 1:last]
        docs.append(_document(chunk, several))
    return docs


def _clean_ranges(ranges: Sequence[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Ranges clipped to 1..n, in order, without overlaps; pages no range covers are
    given to the document before them, so no page is ever dropped."""
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(1, a), min(n, b)) for a, b in ranges):
        if b < a:
            continue
        if out and a <= out[-1][1]:
            a = out[-1][1] + 1
            if a > b:
                continue
        if out and a > out[-1][1] + 1:
            out[-1] = (out[-1][0], a - 1)
        elif not out and a > 1:
            a = 1
        out.append((a, b))
    if not out:
        return [(1, n)]
    if out[-1][1] < n:
        out[-1] = (out[-1][0], n)
    return out


def _document(chunk: list[tuple[FileInfo, ParsedFile, Page]], several: bool) -> Document:
    parts: list[tuple[FileInfo, ParsedFile, int, int]] = []
    for info, pf, page in chunk:
        if parts and parts[-1][0].path == info.path:
            parts[-1] = (info, pf, parts[-1][2], page.number)
        else:
            parts.append((info, pf, page.number, page.number))
    info0, pf0, _, _ = parts[0]
    # a document that is exactly one whole file has that file's id, whatever the grouping
    whole = len(parts) == 1 and [p.number for _, _, p in chunk] == [p.number for p in pf0.pages]
    doc_id = info0.sha256 if whole else part_id([(i.sha256, a, b) for i, _, a, b in parts])
    pages = [replace(p, source=info.path if several else None) for info, _pf, p in chunk]
    warnings: list[str] = []
    for _i, pf, _a, _b in parts:
        warnings.extend(w for w in pf.warnings if w not in warnings)
    facts = _extract(pages, Path(info0.path).name, warnings)
    fmt = pf0.format
    return Document(
        id=doc_id,
        files=[FileRef(path=i.path, pages=[a, b]) for i, _pf, a, b in parts],
        path=info0.path,
        format=fmt,
        ocr=any(p.ocr for p in pages),
        pages=len(pages) if fmt in _PAGED_FORMATS else None,
        facts=facts,
        page_texts=pages,
        warnings=warnings,
    )


def _extract(pages: list[Page], filename: str, warnings: list[str]) -> Facts:
    from evidence.extract import extract_facts

    try:
        return extract_facts([p.text for p in pages], filename=filename, layout=pages)
    except (_Timeout, MemoryError):
        raise
    except Exception as exc:
        # The text is still worth storing and searching; the failure is visible in the
        # document's warnings and in the log, never silent.
        log.error("%s: fact extraction failed (%s: %s)", filename, type(exc).__name__, exc,
                  exc_info=True)
        warnings.append(f"fact extraction failed: {type(exc).__name__}: {exc}")
        return Facts()


def extract_file(path: Path, *, ocr: OcrMode = OcrMode.AUTO,
                 ocr_engine: OcrEngine | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_memory: int = DEFAULT_MAX_MEMORY, isolate: bool = True) -> list[Document]:
    """Parse and extract one file without a store (``evidence extract``).

    Args:
        path: the file.
        ocr: OCR mode.
        ocr_engine: OCR engine (default: Tesseract ``vie``; picklable when ``isolate``).
        timeout: seconds before the file is abandoned.
        max_memory: bytes the reading may take (see :data:`DEFAULT_MAX_MEMORY`).
        isolate: read in a worker process (the time and memory limits hold whatever the
            parser does); False reads here (debuggers, tests).

    Returns:
        The documents found in the file (usually one; a batch scan gives several).

    Raises:
        FileError: the file cannot be read (reason code and one-line message).
    """
    path = Path(os.path.abspath(path))
    info = file_info(path)
    options = ParseOptions(ocr=OcrMode(ocr), ocr_engine=ocr_engine or _LazyOcr(None),
                           timeout=timeout)
    task = _Task(1, [info], {})
    runner = _runner(1, options, timeout, max_memory, isolate, lambda *_: None)
    try:
        outcome = next(runner.run(iter([task])))
    finally:
        runner.close()
    failed = [fo for fo in outcome.files if fo.reason is not None]
    if failed:
        raise FileError(failed[0].error or str(failed[0].reason), subject=info.path,
                        reason=failed[0].reason)
    return outcome.documents


def several_documents_warning(docs: Sequence[Document]) -> str | None:
    """For ``extract`` on a batch scan: a warning naming the documents after the first."""
    if len(docs) < 2:
        return None
    others = "; ".join(
        f"{d.facts.symbol or 'no number'} (pages {_pages_text(d)})" for d in docs[1:])
    return (f"the file holds {len(docs)} documents; shown: the first (pages "
            f"{_pages_text(docs[0])}); others: {others}; `evidence ingest` stores each")


def _pages_text(doc: Document) -> str:
    refs = [r.pages for r in doc.files if r.pages]
    if not refs:
        return "?"
    return f"{refs[0][0]}-{refs[-1][-1]}"



@dataclass
class Extraction:
    """What ``extract`` prints: the first document of the file (``to_dict`` is the
    contract's document, with the page texts when ``include_text``); ``warning`` names the
    other documents of a batch scan (it is also among the first document's warnings)."""

    documents: list[Document]
    include_text: bool = False
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.documents[0].to_dict(include_text=self.include_text)


def extract_one(path: Path, *, ocr: OcrMode = OcrMode.AUTO,
                max_memory: int = DEFAULT_MAX_MEMORY, include_text: bool = False) -> Extraction:
    """``evidence extract FILE``: :func:`extract_file`, the file being the command's one
    input.

    Raises:
        UnreadableInput: the file cannot be read (the command could not run).
    """
    from evidence.errors import UnreadableInput

    try:
        docs = extract_file(path, ocr=ocr, max_memory=max_memory)
    except FileError as exc:
        raise UnreadableInput(exc.message, subject=exc.subject, reason=exc.reason) from exc
    warning = several_documents_warning(docs)
    if warning:
        docs[0].warnings.append(warning)
    return Extraction(docs, include_text, warning)

# ---- runners --------------------------------------------------------------------------------


class _Timeout(BaseException):  # BaseException: no parser's `except Exception` eats it
    """Raised by SIGALRM in-process when a unit runs past its time limit."""


def _run_task(task: _Task, options: ParseOptions, max_memory: int = 0) -> _Outcome:
    try:
        with _MemoryCeiling(max_memory):
            per_file, docs = process_unit(task.files, options)
    except _Timeout:
        raise
    except MemoryError:
        return _failed_outcome(task, FailReason.TOO_LARGE, _memory_message(max_memory))
    except Exception as exc:  # building documents failed: fail the unit's files
        log.error("%s: unexpected %s", task.files[0].path, type(exc).__name__, exc_info=True)
        return _failed_outcome(task, FailReason.INTERNAL, f"{type(exc).__name__}: {exc}")
    return _Outcome(task.key, [_FileOutcome(i, r, m) for i, _pf, r, m in per_file], docs)


def _failed_outcome(task: _Task, reason: FailReason, message: str) -> _Outcome:
    return _Outcome(task.key, [_FileOutcome(i, reason, message) for i in task.files], [])


def _timeout_message(seconds: float) -> str:
    return f"took longer than {seconds:g} s (time limit per file; see --timeout)"


_OOM_MESSAGE = "cần quá nhiều bộ nhớ để đọc (giới hạn mỗi tệp: xem --max-memory)"


def _memory_message(limit: int) -> str:
    if not limit:
        return _OOM_MESSAGE
    return f"cần hơn {limit >> 20} MiB bộ nhớ để đọc (giới hạn mỗi tệp: xem --max-memory)"


def _vm_data() -> int:
    """This process's data segment in bytes (Linux ``VmData``; 0 where unknown)."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _MemoryCeiling:
    """Cap this process's data segment (heap and private mappings, ``RLIMIT_DATA``) at
    its present size plus ``limit`` bytes, and restore the previous limit on exit.

    Only the soft limit is lowered, so it can be raised back. Python allocations past the
    cap raise :class:`MemoryError` (the file fails as ``too_large``); a C library that
    aborts instead (pdfium) ends its process, which is why ingest reads in workers. The
    children a parser starts (Tesseract, LibreOffice) inherit the cap.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._old: tuple[int, int] | None = None

    def __enter__(self) -> None:
        try:
            import resource
        except ImportError:  # pragma: no cover - not POSIX
            return
        used = _vm_data()
        if self.limit <= 0 or not used:
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        cap = used + self.limit
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft <= cap:
            return  # already tighter
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
        self._old = (soft, hard)

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_DATA, self._old)
            self._old = None


def _runner(jobs: int, options: ParseOptions, timeout: float, max_memory: int,
            isolate: bool, on_progress: Callable[[int, str, int], None]) -> _InProcess | _Pool:
    """Workers (``jobs`` of them; one for ``jobs=1`` unless ``isolate`` is false), or
    this process."""
    if jobs == 1 and not isolate:
        return _InProcess(options, timeout, max_memory, on_progress)
    return _Pool(jobs, options, timeout, max_memory, on_progress)


class _InProcess:
    """``jobs=1``: run each unit here (debuggers, tests); SIGALRM enforces the limit on
    the main thread."""

    def __init__(self, options: ParseOptions, timeout: float, max_memory: int,
                 on_progress: Callable[[int, str, int], None]) -> None:
        self.options = options
        self.timeout = timeout
        self.max_memory = max_memory
        self.on_progress = on_progress

    def run(self, tasks: Iterator[_Task]) -> Iterator[_Outcome]:
        for task in tasks:
            opts = replace(self.options, progress=partial(self.on_progress, task.key))
            limit = self.timeout * len(task.files)
            with _Alarm(limit) as armed:
                try:
                    outcome = _run_task(task, opts, self.max_memory)
                except _Timeout:
                    if not armed:
                        raise
                    outcome = _failed_outcome(task, FailReason.TIMEOUT, _timeout_message(limit))
            yield outcome

    def close(self) -> None:
        return None


class _Alarm:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self._old: Any = None

    def __enter__(self) -> bool:
        import threading

        if (self.seconds > 0 and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread()):
            self._old = signal.signal(signal.SIGALRM, _raise_timeout)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            self.armed = True
        return self.armed

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)


def _raise_timeout(signum: int, frame: object) -> None:
    raise _Timeout()


def _worker_main(conn: Any, log_level: int, max_memory: int = 0, tmpdir: str | None = None) -> None:
    """A worker process: receive units, send progress, log records and outcomes.

    Its temporary files (and its children's, through ``$TMPDIR``) go to ``tmpdir``, a
    folder the parent removes when the worker ends or is killed."""
    setpgrp = getattr(os, "setpgrp", None)  # POSIX only
    if setpgrp is not None:
        setpgrp()  # own process group: a timeout kill takes Tesseract/soffice along
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if tmpdir:
        os.environ["TMPDIR"] = tmpdir
        tempfile.tempdir = tmpdir
    root = logging.getLogger()
    root.handlers[:] = [_PipeLogHandler(conn)]
    root.setLevel(log_level)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task, options = msg
        options.progress = lambda kind, n, k=task.key: conn.send(("progress", k, kind, n))
        outcome = _run_task(task, options, max_memory)
        try:
            conn.send(("done", outcome))
        except Exception as exc:  # e.g. an unpicklable value in a parser's output
            conn.send(("done", _failed_outcome(
                task, FailReason.INTERNAL, f"result could not be sent: {exc}")))


class _PipeLogHandler(logging.Handler):
    """Send a worker's log records to the parent, which logs them (above the progress
    bar, with the parent's handlers)."""

    def __init__(self, conn: Any) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
            if record.exc_info:
                msg += "\n" + logging.Formatter().formatException(record.exc_info)
            self.conn.send(("log", record.levelno, record.name, msg))
        except Exception:  # pragma: no cover - logging must never break a worker
            self.handleError(record)


@dataclass
class _Worker:
    proc: Any
    conn: Any
    tmpdir: str
    task: _Task | None = None
    deadline: float = 0.0
    limit: float = 0.0
    base_rss: int = 0  # resident memory when the task was sent
    peak: int = 0  # most memory seen above base_rss during the task


class _Pool:
    """``jobs`` worker processes, one unit each at a time (so at most ``jobs`` units are in
    flight and memory stays bounded). A worker past its deadline or memory limit is killed
    with its process group and replaced; a worker that dies fails its unit only."""

    def __init__(self, jobs: int, options: ParseOptions, timeout: float, max_memory: int,
                 on_progress: Callable[[int, str, int], None]) -> None:
        import multiprocessing as mp

        methods = mp.get_all_start_methods()
        # forkserver: workers forked from a clean server, not from this process (which may
        # run a progress thread); spawn where forkserver does not exist.
        self.ctx: Any = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            # imported once in the server, shared by every worker forked from it
            self.ctx.set_forkserver_preload(list(_PRELOAD))
        self.jobs = jobs
        self.options = options
        self.timeout = timeout
        self.max_memory = max_memory
        self.on_progress = on_progress
        self.workers: list[_Worker] = []
        self.log_level = logging.getLogger().getEffectiveLevel()

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        tmpdir = tempfile.mkdtemp(prefix="evidence-worker-")
        proc = self.ctx.Process(target=_worker_main,
                                args=(child, self.log_level, self.max_memory, tmpdir),
                                daemon=True, name="evidence-ingest-worker")
        proc.start()
        child.close()
        w = _Worker(proc, parent, tmpdir)
        self.workers.append(w)
        return w

    def _kill(self, w: _Worker) -> None:
        try:
            os.killpg(w.proc.pid, signal.SIGKILL)
        except (AttributeError, OSError):  # no process groups (Windows), or already gone
            w.proc.kill()
        w.proc.join(5)
        self._retire(w)

    def _retire(self, w: _Worker) -> None:
        w.conn.close()
        shutil.rmtree(w.tmpdir, ignore_errors=True)  # what a killed parser left behind
        self.workers.remove(w)

    def run(self, tasks: Iterator[_Task]) -> Iterator[_Outcome]:
        from multiprocessing.connection import wait

        exhausted = False
        while True:
            while not exhausted:
                idle = next((w for w in self.workers if w.task is None), None)
                if idle is None and len(self.workers) >= self.jobs:
                    break
                # a new worker is started only when there is a task for it
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                w = idle or self._start()
                w.task = task
                w.limit = self.timeout * len(task.files)
                w.deadline = time.monotonic() + w.limit
                w.base_rss, w.peak = _rss(w.proc.pid), 0
                w.conn.send((task, self.options))
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                if exhausted:
                    return
                continue
            now = time.monotonic()
            wait_for = max(0.0, min(min(w.deadline for w in busy) - now, 0.5))
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                             timeout=wait_for))
            for w in busy:
                if w.conn in ready or w.proc.sentinel in ready:
                    yield from self._receive(w)
            now = time.monotonic()
            for w in list(self.workers):
                task = w.task
                if task is None:
                    continue
                if now >= w.deadline:
                    self._kill(w)
                    yield _failed_outcome(task, FailReason.TIMEOUT, _timeout_message(w.limit))
                    continue
                w.peak = max(w.peak, _rss(w.proc.pid) - w.base_rss)
                if self.max_memory and w.peak > self.max_memory:
                    self._kill(w)
                    yield _failed_outcome(task, FailReason.TOO_LARGE,
                                          _memory_message(self.max_memory))

    def _receive(self, w: _Worker) -> Iterator[_Outcome]:
        while w.task is not None:
            try:
                if not w.conn.poll():
                    if w.proc.is_alive():
                        return
                    raise EOFError
                msg = w.conn.recv()
            except (EOFError, OSError):
                task = w.task
                w.proc.join(1)
                code = w.proc.exitcode
                self._kill(w)
                if (self.max_memory and code in _OOM_SIGNALS
                        and w.peak * 2 >= self.max_memory):
                    # a C library that cannot allocate under the cap aborts (pdfium)
                    yield _failed_outcome(task, FailReason.TOO_LARGE,
                                          _memory_message(self.max_memory))
                    return
                how = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
                yield _failed_outcome(task, FailReason.INTERNAL,
                                      f"the worker process died ({how}) while reading it")
                return
            kind = msg[0]
            if kind == "progress":
                self.on_progress(msg[1], msg[2], msg[3])
            elif kind == "log":
                logging.getLogger(msg[2]).log(msg[1], "%s", msg[3])
            elif kind == "done":
                w.task = None
                yield msg[1]

    def close(self) -> None:
        for w in list(self.workers):
            if w.task is None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in list(self.workers):
            if w.task is None:
                w.proc.join(2)
            if w.proc.is_alive() or w.task is not None:
                self._kill(w)
            else:
                self._retire(w)


_PRELOAD = (
    "evidence.ingest.pipeline", "evidence.ingest.formats", "evidence.ingest.sniff",
    "evidence.ingest.txt", "evidence.ingest.docx", "evidence.ingest.pdf",
    "evidence.ingest.image", "evidence.ingest.split", "evidence.extract",
)


#: how a worker ends when it runs out of memory: abort() from a C library, or the kernel
_OOM_SIGNALS = frozenset({-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS})


def _rss(pid: int) -> int:
    """Resident memory of a process in bytes (Linux; 0 where unknown)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ---- the batch ------------------------------------------------------------------------------


def ingest_paths(
    paths: Sequence[Path | str],
    store: Store,
    *,
    ocr: OcrMode = OcrMode.AUTO,
    jobs: int | None = None,
    force: bool = False,
    prune: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: IngestProgress | None = None,
    ocr_engine: OcrEngine | None = None,
    exclude: Sequence[str] = (),
    max_memory: int = DEFAULT_MAX_MEMORY,
    isolate: bool = True,
) -> IngestSummary:
    """Ingest files and folders into the store (see the module docstring).

    Args:
        paths: files and folders (folders are walked recursively).
        store: the open store; only this process writes it.
        ocr: ``auto`` (OCR pages without a usable text layer), ``always`` or ``never``.
        jobs: worker processes (default: CPU count); 1 runs in this process.
        force: re-ingest files even when unchanged.
        prune: remove the missing files of the walked paths (and the documents only
            they held) from the store.
        timeout: seconds per file before it is abandoned (reason ``timeout``).
        progress: receives totals, page counts and each file's result (the CLI's bar).
        ocr_engine: OCR engine (picklable when read in workers); default: Tesseract
            ``vie`` with an OCR cache in the store.
        exclude: ``--exclude`` globs (gitignore syntax) besides the ``.evidenceignore``
            files of the folders walked (:func:`evidence.ingest.walk.walk_tree`).
        max_memory: bytes one file may take while it is read (``too_large`` beyond).
        isolate: with ``jobs=1``, still read in one worker process (so the time and
            memory limits hold whatever a parser does); False reads in this process.

    Returns:
        The run's summary; failures are in ``summary.failed`` (the batch never stops
        for one file).

    Raises:
        StoreBusy: another ingest is writing this store.
        StoreError: the store cannot be written.
    """
    t0 = time.monotonic()
    ocr = OcrMode(ocr)  # "never" from a script works like OcrMode.NEVER
    jobs = default_jobs() if jobs is None else max(1, jobs)
    options = ParseOptions(ocr=ocr, ocr_engine=ocr_engine or _LazyOcr(store.home / "ocr-cache"),
                           timeout=timeout)
    summary = IngestSummary()
    with store.writer_lock():
        store.prepare_index()
        from evidence.ingest.walk import walk_tree

        tree = walk_tree(paths, exclude=[store.home], patterns=exclude)
        if progress is not None:
            progress.start(sum(len(u) for u in tree.units))
        batch = _Batch(store, summary, progress, force)
        batch.walk_errors(tree.errors)
        summary.skipped = tree.skipped
        summary.removed_documents += _drop_skipped(store, tree.skipped)
        runner = _runner(jobs, options, timeout, max_memory, isolate, batch.on_progress)
        try:
            for outcome in runner.run(batch.plan(tree.units)):
                batch.apply(outcome)
        finally:
            runner.close()
        summary.missing = _mark_missing(paths, store, batch.seen,
                                        [e.path for e in tree.errors])
        if prune:
            summary.pruned, removed = store.catalogue.prune_missing(summary.missing)
            if removed:
                store.engine.delete(removed)
            summary.removed_documents += len(removed)
        if summary.documents or summary.removed_documents:
            store.settle_cited_numbers()
        store.flush()
    summary.seconds = time.monotonic() - t0
    return summary


def _drop_skipped(store: Store, skipped: Sequence[Skipped]) -> int:
    """Files ingested by an earlier run that are now skipped (a sidecar, a README, a
    pattern added to ``.evidenceignore``) leave the store, with the documents only they
    held; returns how many documents went."""
    cat = store.catalogue
    paths = [k.path for k in skipped if cat.file_by_path(k.path) is not None]
    if not paths:
        return 0
    cat.mark_missing(paths)
    _files, removed = cat.prune_missing(paths)
    if removed:
        store.engine.delete(removed)
    return len(removed)


class _Batch:
    """The parent's side of a run: plans units against the catalogue, applies outcomes."""

    def __init__(self, store: Store, summary: IngestSummary,
                 progress: IngestProgress | None, force: bool) -> None:
        self.store = store
        self.cat = store.catalogue
        self.summary = summary
        self.progress = progress
        self.force = force
        self.seen: set[str] = set()
        self.tasks: dict[int, _Task] = {}
        self.live_pages: dict[int, list[int]] = {}
        # content submitted in this run -> paths seen later with the same content, recorded
        # as copies once the first one's outcome is known (same store for any --jobs)
        self.inflight: dict[str, list[FileInfo]] = {}

    # -- planning ------------------------------------------------------------------------

    def walk_errors(self, errors: Sequence[Any]) -> None:
        """Folders the walk could not list: failed, recorded so ``status`` lists them."""
        for e in errors:
            self.seen.add(e.path)
            self._unreadable(e.path, e.reason, e.message)

    def _unreadable(self, path: str, reason: FailReason, message: str) -> None:
        self.cat.finish_files([], [(FileInfo(path, "", 0, 0.0), reason, message)])
        self._report(IngestResult(path, None, message, reason, "failed"))

    def plan(self, units: list[list[Path]]) -> Iterator[_Task]:
        key = 0
        for unit in units:
            infos: list[FileInfo] = []
            for path in unit:
                self.seen.add(escape_path(path))
                try:
                    infos.append(file_info(path))
                except FileError as exc:
                    # unreadable (permissions, vanished): recorded so `status` lists it
                    self._unreadable(escape_path(path), exc.reason, exc.message)
            infos = [i for i in infos if not self._copy_in_flight(i)]
            if not infos:
                continue
            previous = {i.path: self.cat.file_by_path(i.path) for i in infos}
            if not self.force and self._settle_known(infos, previous):
                continue
            key += 1
            task = _Task(key, infos, previous)
            self.tasks[key] = task
            for i in infos:
                self.inflight.setdefault(i.sha256, [])
            yield task

    def _copy_in_flight(self, info: FileInfo) -> bool:
        waiting = self.inflight.get(info.sha256)
        if waiting is None:
            return False
        row = self.cat.file_by_path(info.path)
        if row is not None and row.sha256 == info.sha256 and row.status == "ok" and not self.force:
            return False  # already recorded: the normal unchanged path handles it
        waiting.append(info)
        return True

    def _settle_known(self, infos: list[FileInfo], previous: dict[str, FileRow | None]) -> bool:
        """Handle a unit whose every file is already ingested (unchanged, moved, copied or
        restored) without parsing; False when it must be parsed."""
        actions: list[tuple[str, FileInfo, FileRow]] = []
        for info in infos:
            row = previous[info.path]
            if row is not None and row.sha256 == info.sha256 and row.status in ("ok", "missing"):
                actions.append(("restored" if row.status == "missing" else "unchanged", info, row))
                continue
            others = [r for r in self.cat.files_by_sha(info.sha256) if r.path != info.path
                      and r.status in ("ok", "missing")]
            held = [r for r in others if r.status == "ok" and _exists(r.path)]
            gone = [r for r in others if r not in held]
            if row is None and gone:
                actions.append(("moved", info, gone[0]))
            elif held:
                # same content as a file already ingested (also when this path failed
                # before, or held other content): one document, shown under the first path
                actions.append(("copy", info, held[0]))
            else:
                return False
        for action, info, row in actions:
            if action == "moved":
                self.cat.move_file(row.path, info)
                status = "moved"
            elif action == "copy":
                old = previous[info.path]
                self.cat.copy_file(row, info)
                if old is not None and old.sha256 != info.sha256:
                    self._remove_stale({old.sha256}, {info.path}, set())
                status = "copy"
            elif action == "restored":
                self.cat.restore_file(info)
                status = "unchanged"
            else:
                if (row.size, row.mtime) != (info.size, info.mtime):
                    self.cat.restore_file(info)  # touched, same content: refresh stat
                status = "unchanged"
            self._report(IngestResult(info.path, None, status=status))
        return True

    # -- applying outcomes ---------------------------------------------------------------

    def on_progress(self, key: int, kind: str, n: int) -> None:
        live = self.live_pages.setdefault(key, [0, 0])
        if kind == "ocr_page":
            live[1] += n
            if self.progress is not None:
                self.progress.pages(0, n)
        else:
            live[0] += n
            if self.progress is not None:
                self.progress.pages(n, 0)

    def apply(self, outcome: _Outcome) -> None:
        task = self.tasks.pop(outcome.key)
        unit_paths = {i.path for i in task.files}
        new_ids = {d.id for d in outcome.documents}
        # 1. documents of the unit's old and new contents that this outcome replaces
        old_shas = {r.sha256 for r in task.previous.values() if r is not None}
        shas = old_shas | {i.sha256 for i in task.files}
        self._remove_stale(shas, unit_paths, new_ids)
        # 2. the new documents, one catalogue transaction each
        ok_infos = [fo.info for fo in outcome.files if fo.reason is None]
        for doc in outcome.documents:
            self.store.put_document(doc, ok_infos, force=self.force)
        # 3. the files rows, last: a run killed before here redoes this unit
        self.cat.finish_files(ok_infos, [(fo.info, fo.reason, fo.error or "")
                                         for fo in outcome.files if fo.reason is not None])
        self.summary.documents += len(outcome.documents)
        live = self.live_pages.pop(outcome.key, [0, 0])
        docs_by_path: dict[str, list[Document]] = {}
        for doc in outcome.documents:
            for ref in doc.files:
                docs_by_path.setdefault(ref.path, []).append(doc)
        pages = ocr_pages = 0
        for fo in outcome.files:
            prev = task.previous.get(fo.info.path)
            if fo.reason is not None:
                result = IngestResult(fo.info.path, None, fo.error, fo.reason, "failed")
            else:
                status = "updated" if prev is not None and prev.status != "failed" else "added"
                result = IngestResult(fo.info.path, docs_by_path.get(fo.info.path, []),
                                      status=status, pages=fo.info.pages or 0,
                                      ocr_pages=fo.info.ocr_pages or 0)
                pages += result.pages
                ocr_pages += result.ocr_pages
            self._report(result)
            self._settle_copies(fo)
        self.summary.pages += pages
        self.summary.ocr_pages += ocr_pages
        if self.progress is not None and (pages > live[0] or ocr_pages > live[1]):
            self.progress.pages(max(0, pages - live[0]), max(0, ocr_pages - live[1]))

    def _remove_stale(self, shas: set[str], unit_paths: set[str], keep: set[str]) -> None:
        """Remove the documents made from ``shas`` that are not in ``keep`` and that no
        file outside ``unit_paths`` still holds."""
        stale = [d for d in self.cat.documents_of_shas(shas)
                 if d not in keep and not self._held_elsewhere(d, unit_paths)]
        self.summary.removed_documents += len(self.store.remove_documents(stale))

    def _held_elsewhere(self, doc_id: str, unit_paths: set[str]) -> bool:
        """Whether every file of a document is still held, unchanged, by a path outside
        this unit (a copy elsewhere keeps the document alive)."""
        for sha in self.cat.shas_of_document(doc_id):
            if not any(r.status == "ok" and r.path not in unit_paths
                       and _exists(r.path) for r in self.cat.files_by_sha(sha)):
                return False
        return True

    def _settle_copies(self, fo: _FileOutcome) -> None:
        for info in self.inflight.pop(fo.info.sha256, []):
            if fo.reason is None:
                self.cat.copy_file(_row_of(fo.info), info)
                self._report(IngestResult(info.path, None, status="copy"))
            else:
                self.cat.finish_files([], [(info, fo.reason, fo.error or "")])
                self._report(IngestResult(info.path, None, fo.error, fo.reason, "failed"))

    def _report(self, result: IngestResult) -> None:
        self.summary.add(result)
        if self.progress is not None:
            self.progress.file_done(result)
        elif result.status == "failed":
            log.debug("%s: %s", result.path, result.error)


def _row_of(info: FileInfo) -> FileRow:
    return FileRow(info.path, info.sha256, info.size, info.mtime, info.format, "ok", None,
                   None, info.pages, info.ocr_pages, "")


def _exists(path: str) -> bool:
    """Whether a path of the catalogue (escaped text) is on disk."""
    return os.path.exists(os_path(path))


def _under(path: str, scopes: Sequence[str]) -> bool:
    return any(path == s or path.startswith(s.rstrip(os.sep) + os.sep) for s in scopes)


def _mark_missing(paths: Sequence[Path | str], store: Store, seen: set[str],
                  unreadable: Sequence[str] = ()) -> list[str]:
    """Mark ``files`` rows under the walked paths that are gone from disk; return every
    missing path in that scope (newly marked or not). Files under a folder that could not
    be listed are not known to be gone and stay as they were; a folder that failed before
    and is readable again is forgotten (its files were walked)."""
    scopes = [escape_path(os.path.abspath(Path(p).expanduser())) for p in paths]
    gone: list[str] = []
    readable_again: list[str] = []
    in_scope: list[str] = []
    for row in store.catalogue.iter_files():
        if not _under(row.path, scopes) or row.path in seen:
            continue
        if any(row.path.startswith(u.rstrip(os.sep) + os.sep) for u in unreadable):
            continue
        if row.status == "failed" and not row.sha256 and os.path.isdir(os_path(row.path)):
            readable_again.append(row.path)
            continue
        if _exists(row.path):
            continue
        in_scope.append(row.path)
        if row.status != "missing":
            gone.append(row.path)
    if gone or readable_again:
        store.catalogue.mark_missing(gone + readable_again)
    if readable_again:
        store.catalogue.prune_missing(readable_again)
    return in_scope
