"""What an ingest run shows while it works, on stderr only (stdout is for ``--json``).

- :class:`ErrorLines`: one ``error: <path>: <reason>`` line per failed file, as it fails.
- :class:`RichProgress`: the same lines above a rich progress bar (files, pages, OCR
  pages, elapsed, ETA), for a terminal. Log records are routed above the bar too.

:func:`make_progress` picks one: the bar only when stderr is a terminal and neither
``--json`` nor ``--quiet`` asked for silence (OCRmyPDF ``__main__.py``).
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from evidence.messages import translate

if TYPE_CHECKING:
    from evidence.ingest.pipeline import IngestResult
    from rich.console import Console

__all__ = ["ErrorLines", "IngestProgress", "RichProgress", "make_progress"]


class IngestProgress(Protocol):
    """What :func:`evidence.ingest.pipeline.ingest_paths` reports to."""

    def start(self, total_files: int) -> None:
        """The run has ``total_files`` files to look at."""

    def pages(self, pages: int, ocr_pages: int) -> None:
        """More pages were read (``ocr_pages`` of them by OCR)."""

    def file_done(self, result: IngestResult) -> None:
        """One file is finished (ingested, skipped or failed)."""

    def stop(self) -> None:
        """The run is over (also after an error)."""


class ErrorLines:
    """No bar: print each failure as ``error: <path>: <reason>`` on stderr."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def start(self, total_files: int) -> None:
        return None

    def pages(self, pages: int, ocr_pages: int) -> None:
        return None

    def file_done(self, result: IngestResult) -> None:
        if result.status == "failed":
            self._print(f"error: {result.path}: {translate(result.error)[1]}")

    def _print(self, line: str) -> None:
        stream = self._stream or sys.stderr
        print(line.replace("\n", " "), file=stream, flush=True)

    def stop(self) -> None:
        return None


class RichProgress(ErrorLines):
    """A rich progress bar on stderr, with error lines and log records printed above it."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self._progress: Any = None
        self._task: Any = None
        self._pages = 0
        self._ocr = 0
        self._handlers: list[tuple[logging.StreamHandler[Any], Any]] = []

    def start(self, total_files: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("Đang nạp tệp"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("· {task.fields[pages]} trang · {task.fields[ocr]} trang OCR"),
            TimeElapsedColumn(),
            TextColumn("còn"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self._task = self._progress.add_task("ingest", total=total_files, pages=0, ocr=0)
        # basicConfig's handlers hold the real stderr; once the bar runs, sys.stderr is
        # rich's proxy, which prints above the bar rather than through it.
        handlers = [h for h in logging.getLogger().handlers
                    if isinstance(h, logging.StreamHandler)
                    and h.stream in (sys.stderr, sys.__stderr__)]
        self._progress.start()
        for h in handlers:
            self._handlers.append((h, h.stream))
            h.setStream(sys.stderr)

    def pages(self, pages: int, ocr_pages: int) -> None:
        self._pages += pages
        self._ocr += ocr_pages
        if self._progress is not None:
            self._progress.update(self._task, pages=self._pages, ocr=self._ocr)

    def file_done(self, result: IngestResult) -> None:
        if result.status == "failed":
            self._print(f"error: {result.path}: {translate(result.error)[1]}")
        if self._progress is not None:
            self._progress.advance(self._task)

    def _print(self, line: str) -> None:
        self.console.print(line.replace("\n", " "), markup=False, highlight=False,
                           soft_wrap=True)

    def stop(self) -> None:
        for h, stream in self._handlers:
            h.setStream(stream)
        self._handlers.clear()
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def make_progress(*, quiet: bool = False, as_json: bool = False,
                  stream: TextIO | None = None) -> IngestProgress:
    """The reporter for a run: a bar on a terminal, error lines otherwise.

    Args:
        quiet: ``--quiet`` (no bar; error lines stay, they are the run's result).
        as_json: ``--json`` (no bar).
        stream: stderr (tests pass their own).
    """
    err = stream or sys.stderr
    if not quiet and not as_json and stream is None and err.isatty():
        return RichProgress()
    return ErrorLines(stream)
