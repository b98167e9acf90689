"""Batch ingest: files and folders -> documents in the store.

One run:

1. :func:`evidence.ingest.walk.walk` lists the units (a file, or a group of page photos).
2. Each unit's files are hashed (sha256 of the bytes); the catalogue decides what to do:
   unchanged (same path, same content) is skipped; known content at a new path is a move
   (the ``files`` row follows, no duplicate document) or a copy; new or changed content is
   parsed. Failed files are retried on every run (an installed converter may fix them).
3. Parsing, OCR, splitting and extraction (:func:`evidence.ingest.unit.process_unit`) run
   in worker processes or in-process (:mod:`evidence.ingest.workers`, which also holds the
   time and memory limits per file). Only this (parent) process writes
   the store: per document, catalogue first (one transaction each), then the engine; the
   ``files`` rows of a unit are written last, so a run killed at any point redoes exactly
   the unfinished units next time and ends with the same store.
4. Files of the walked folders that are gone are marked ``missing``; ``prune`` removes
   them and the documents no other file holds.

Per-file failures never stop the batch: each becomes an :class:`IngestResult` with a
:class:`~evidence.errors.FailReason`, recorded in the catalogue (``status`` lists them).

"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.errors import FailReason, FileError
from evidence.fspath import display_path, escape_path, is_escaped, os_path
from evidence.index.catalogue import FileInfo, FileRow
from evidence.ingest.base import OcrEngine, OcrMode, ParseOptions
from evidence.ingest.unit import FileOutcome, LazyOcr
from evidence.ingest.workers import Outcome, Task, open_runner
from evidence.model import Document

if TYPE_CHECKING:
    from evidence.index.store import Store
    from evidence.ingest.progress import IngestProgress
    from evidence.ingest.walk import Skipped

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_TIMEOUT",
    "Extraction",
    "FileStatus",
    "IngestResult",
    "IngestSummary",
    "default_jobs",
    "extract_file",
    "extract_one",
    "file_info",
    "ingest_paths",
    "parse_size",
    "several_documents_warning",
]

log = logging.getLogger(__name__)

#: seconds per file before a unit is abandoned (a 100-page scan at ~3.6 s/page fits)
DEFAULT_TIMEOUT = 600.0
#: memory one file may take while it is read (``--max-memory``): the reading process's
#: data segment is capped this far above what it held before (``RLIMIT_DATA``), and a
#: worker whose resident memory passes it is stopped; the file fails as ``too_large``
DEFAULT_MAX_MEMORY = 1 << 30


# ---- results --------------------------------------------------------------------------------


class FileStatus(StrEnum):
    """What a run did with one file (the value is the word ``--json`` and the web show)."""

    ADDED = "added"
    UPDATED = "updated"  # changed content, or ``force``
    UNCHANGED = "unchanged"
    MOVED = "moved"
    COPY = "copy"  # same content as another ingested file
    FAILED = "failed"


@dataclass
class IngestResult:
    """What happened to one file (Paperless ``ProcessResult``)."""

    path: str
    documents: list[Document] | None
    error: str | None = None
    reason: FailReason | None = None
    status: FileStatus = FileStatus.ADDED
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
        status = FileStatus(result.status)
        if status is FileStatus.FAILED:
            self.failed.append(IngestResult(result.path, None, result.error, result.reason,
                                            FileStatus.FAILED))
        elif status is FileStatus.ADDED:
            self.added += 1
        elif status is FileStatus.UPDATED:
            self.updated += 1
        elif status is FileStatus.UNCHANGED:
            self.unchanged += 1
        elif status is FileStatus.MOVED:
            self.moved += 1
        else:
            self.copies += 1


def _with_display(entry: dict[str, Any]) -> dict[str, Any]:
    if is_escaped(entry["path"]):
        entry["display_path"] = display_path(entry["path"])
    return entry


# ---- hashing and options ---------------------------------------------------------------------


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
    options = ParseOptions(ocr=OcrMode(ocr), ocr_engine=ocr_engine or LazyOcr(None),
                           timeout=timeout)
    task = Task(1, [info])
    runner = open_runner(1, options, timeout, max_memory, isolate, lambda *_: None)
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
    options = ParseOptions(ocr=ocr, ocr_engine=ocr_engine or LazyOcr(store.home / "ocr-cache"),
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
        runner = open_runner(jobs, options, timeout, max_memory, isolate, batch.on_progress)
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
        self.tasks: dict[int, Task] = {}
        self.previous: dict[int, dict[str, FileRow | None]] = {}  # task key -> rows before
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
        self._report(IngestResult(path, None, message, reason, FileStatus.FAILED))

    def plan(self, units: list[list[Path]]) -> Iterator[Task]:
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
            task = Task(key, infos)
            self.tasks[key] = task
            self.previous[key] = previous
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
                status = FileStatus.MOVED
            elif action == "copy":
                old = previous[info.path]
                self.cat.copy_file(row, info)
                if old is not None and old.sha256 != info.sha256:
                    self._remove_stale({old.sha256}, {info.path}, set())
                status = FileStatus.COPY
            elif action == "restored":
                self.cat.restore_file(info)
                status = FileStatus.UNCHANGED
            else:
                if (row.size, row.mtime) != (info.size, info.mtime):
                    self.cat.restore_file(info)  # touched, same content: refresh stat
                status = FileStatus.UNCHANGED
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

    def apply(self, outcome: Outcome) -> None:
        task = self.tasks.pop(outcome.key)
        previous = self.previous.pop(outcome.key)
        unit_paths = {i.path for i in task.files}
        new_ids = {d.id for d in outcome.documents}
        # 1. documents of the unit's old and new contents that this outcome replaces
        old_shas = {r.sha256 for r in previous.values() if r is not None}
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
            prev = previous.get(fo.info.path)
            if fo.reason is not None:
                result = IngestResult(fo.info.path, None, fo.error, fo.reason, FileStatus.FAILED)
            else:
                status = (FileStatus.UPDATED if prev is not None and prev.status != "failed"
                          else FileStatus.ADDED)
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

    def _settle_copies(self, fo: FileOutcome) -> None:
        for info in self.inflight.pop(fo.info.sha256, []):
            if fo.reason is None:
                self.cat.copy_file(_row_of(fo.info), info)
                self._report(IngestResult(info.path, None, status=FileStatus.COPY))
            else:
                self.cat.finish_files([], [(info, fo.reason, fo.error or "")])
                self._report(IngestResult(info.path, None, fo.error, fo.reason,
                                          FileStatus.FAILED))

    def _report(self, result: IngestResult) -> None:
        self.summary.add(result)
        if self.progress is not None:
            self.progress.file_done(result)
        elif result.status == FileStatus.FAILED:
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
