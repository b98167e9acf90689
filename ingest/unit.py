"""One unit (a file, or the page photos of one group) -> documents.

:func:`process_unit` parses the unit's files (:func:`evidence.ingest.formats.parse_file`),
splits their pages into documents (:func:`evidence.ingest.split.split_documents`) and
extracts each one's facts. It is pure with respect to the store: it runs in a worker
process (:mod:`evidence.ingest.workers`) or in-process, and the parent
(:mod:`evidence.ingest.pipeline`) writes what it returns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evidence.errors import FailReason, FileError
from evidence.fspath import escape_path, os_path
from evidence.index.catalogue import FileInfo
from evidence.ingest.base import OcrEngine, OcrMode, OcrResult, ParsedFile, ParseOptions
from evidence.model import Document, Facts, FileRef, Page, part_id

__all__ = ["OOM_MESSAGE", "FileOutcome", "LazyOcr", "UnitTimeout", "build_documents",
           "process_unit"]

log = logging.getLogger(__name__)

#: formats where a page count means something (DOCX/TXT "pages" are the parser's chunks)
_PAGED_FORMATS = frozenset({"pdf", "image"})

OOM_MESSAGE = "cần quá nhiều bộ nhớ để đọc (giới hạn mỗi tệp: xem --max-memory)"


class UnitTimeout(BaseException):  # BaseException: no parser's `except Exception` eats it
    """Raised by SIGALRM in-process when a unit runs past its time limit."""


@dataclass
class FileOutcome:
    """What became of one file of a unit: ``info`` (format and page counts filled once
    parsed) and, when it failed, the reason code and the one-line message."""

    info: FileInfo
    reason: FailReason | None = None
    error: str | None = None


class LazyOcr:
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
        list[FileOutcome], list[Document]]:
    """Parse the files of one unit, split them into documents and extract their facts.

    Pure with respect to the store (runs in worker processes).

    Args:
        files: one file, or the page photos of one group, in order.
        options: parse options (OCR mode and engine, limits, progress callback).

    Returns:
        Per file, its outcome (info with format/pages filled, or the failure reason and
        message); and the documents built from the files that parsed.
    """
    parsed: list[tuple[FileInfo, ParsedFile]] = []
    per_file: list[FileOutcome] = []
    for info in files:
        try:
            pf = _parse(Path(os_path(info.path)), options)
        except FileError as exc:
            per_file.append(FileOutcome(info, exc.reason, escape_path(exc.message)))
            continue
        except MemoryError:
            per_file.append(FileOutcome(info, FailReason.TOO_LARGE, OOM_MESSAGE))
            continue
        except UnitTimeout:
            raise
        except Exception as exc:  # a parser bug must fail one file, not the batch
            log.error("%s: unexpected %s while parsing", info.path, type(exc).__name__,
                      exc_info=True)
            per_file.append(FileOutcome(info, FailReason.INTERNAL,
                                        escape_path(f"{type(exc).__name__}: {exc}")))
            continue
        info = replace(info, format=pf.format, pages=len(pf.pages), ocr_pages=pf.ocr_pages)
        parsed.append((info, pf))
        per_file.append(FileOutcome(info))
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
    except (UnitTimeout, MemoryError):
        raise
    except Exception as exc:
        # The text is still worth storing and searching; the failure is visible in the
        # document's warnings and in the log, never silent.
        log.error("%s: fact extraction failed (%s: %s)", filename, type(exc).__name__, exc,
                  exc_info=True)
        warnings.append(f"fact extraction failed: {type(exc).__name__}: {exc}")
        return Facts()
