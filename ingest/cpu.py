"""CPU slots shared by the ingest workers, so that an idle worker's CPU reads pages of a
busy worker's long scan.

With ``--jobs N`` the pool gives each worker one of ``N`` slot files. A worker holds its
own slot (an exclusive ``flock``) while it reads a unit and lets it go when idle. A worker
OCR'ing the pages of a file (:func:`map_pages`) may borrow any slot that nobody holds, one
page at a time, and run that page in a second thread (Tesseract is a child process, so the
thread costs one CPU). At the end of a bulk run, when one worker still reads a 30-page
scan and the others have nothing left, the scan is read on every CPU instead of one.

A borrowed slot is let go after each page, so a worker that gets a new unit waits at most
one page for its own slot. The kernel drops the locks of a process that dies, so a worker
killed on a timeout never leaves a slot taken.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

__all__ = ["CpuSlots", "map_pages"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class CpuSlots:
    """``count`` slot files in ``folder``; ``own`` is the slot of the worker holding this
    object (None in the parent). Picklable: it travels to the workers as paths."""

    folder: str
    count: int
    own: int | None = None
    _fds: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    _taken: set[int] = field(default_factory=set, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def create(cls, folder: str | Path, count: int) -> CpuSlots:
        """Make the slot files (the pool removes ``folder`` when it closes)."""
        for i in range(count):
            (Path(folder) / f"slot-{i}").touch()
        return cls(str(folder), count)

    def for_worker(self, index: int) -> CpuSlots:
        return CpuSlots(self.folder, self.count, index)

    def __getstate__(self) -> dict[str, object]:
        return {"folder": self.folder, "count": self.count, "own": self.own}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]  # fresh descriptors in each process

    def _fd(self, index: int) -> int:
        fd = self._fds.get(index)
        if fd is None:
            fd = os.open(os.path.join(self.folder, f"slot-{index}"), os.O_RDWR | os.O_CLOEXEC)
            self._fds[index] = fd
        return fd

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold this worker's own slot (waiting for a borrower's page to end)."""
        if self.own is None:
            yield
            return
        with self._lock:
            fd = self._fd(self.own)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def borrow(self) -> int | None:
        """Take a slot nobody holds, without waiting; its index, or None.

        A lock is per open file, so this process's own borrowings are kept apart here:
        ``flock`` would grant a second thread the slot its first thread holds."""
        with self._lock:
            for i in range(self.count):
                if i == self.own or i in self._taken:
                    continue
                try:
                    fcntl.flock(self._fd(i), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:  # BlockingIOError: another worker holds it
                    continue
                self._taken.add(i)
                return i
        return None

    def give_back(self, index: int) -> None:
        with self._lock:
            fcntl.flock(self._fd(index), fcntl.LOCK_UN)
            self._taken.discard(index)


def map_pages(fn: Callable[[T], R], items: Iterable[T], spare: CpuSlots | None) -> list[R]:
    """``[fn(x) for x in items]``, in order; pages run in a second thread while a spare
    slot can be borrowed (``spare`` None: all here, in this thread).

    ``items`` may be a generator (a TIFF's frames, prepared one by one): it is advanced
    under a lock, so it never runs in two threads at once. ``fn`` must be safe to call
    from two threads (the PDF reader locks pdfium). An exception, from ``fn`` or from
    ``items``, is raised once every started item has ended, the earliest item's first; no
    item starts after one failed."""
    if spare is None:
        return [fn(x) for x in items]
    source = enumerate(items)
    results: dict[int, R] = {}
    errors: dict[int, BaseException] = {}
    lock = threading.Lock()
    pulled = 0

    def take() -> tuple[int, T] | None:
        nonlocal pulled
        with lock:
            if errors:
                return None
            try:
                job = next(source, None)
            except BaseException as exc:  # re-raised on the calling thread
                errors[pulled] = exc
                return None
            if job is not None:
                pulled = job[0] + 1
            return job

    def run(job: tuple[int, T]) -> None:
        try:
            results[job[0]] = fn(job[1])
        except BaseException as exc:  # re-raised on the calling thread
            with lock:
                errors[job[0]] = exc

    def helper(slot: int | None) -> None:
        while slot is not None:
            job = take()
            if job is not None:
                run(job)
            spare.give_back(slot)
            slot = spare.borrow() if job is not None else None

    threads: list[threading.Thread] = []
    while (job := take()) is not None:
        threads = [t for t in threads if t.is_alive()]
        if len(threads) < spare.count - 1 and (slot := spare.borrow()) is not None:
            t = threading.Thread(target=helper, args=(slot,), name="evidence-page", daemon=True)
            t.start()
            threads.append(t)
        run(job)
    for t in threads:
        t.join()
    if errors:
        raise errors[min(errors)]
    return [results[i] for i in range(pulled)]
