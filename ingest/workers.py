"""The process pool behind ingest: run units (:func:`evidence.ingest.unit.process_unit`)
in worker processes, or in this one, under a time and a memory limit per file.

The interface is small: :func:`open_runner` gives a :class:`Runner`, whose
:meth:`~Runner.run` turns an iterator of :class:`Task` into an iterator of
:class:`Outcome` (in completion order, one per task, failures included) and whose
:meth:`~Runner.close` ends the workers.

Time limit: each unit gets ``timeout`` seconds per file. With workers, a unit over its
limit has its worker process group killed (Tesseract/LibreOffice children included) and a
fresh worker started. In-process (``jobs=1`` without ``isolate``, for tests and debuggers),
``SIGALRM`` interrupts pure-Python parsing on the main thread, and the external programs
(Tesseract, LibreOffice, pdftoppm) run with their own subprocess timeouts, which end a hung
child; a hang inside a C extension is the one case only a worker can stop.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Protocol

from evidence.errors import FailReason
from evidence.index.catalogue import FileInfo
from evidence.ingest.base import ParseOptions
from evidence.ingest.cpu import CpuSlots
from evidence.ingest.unit import OOM_MESSAGE, FileOutcome, UnitTimeout, process_unit
from evidence.model import Document

__all__ = ["Outcome", "Runner", "Task", "open_runner"]

log = logging.getLogger(__name__)


@dataclass
class Task:
    """One unit to read: its files in order, and the key its :class:`Outcome` carries."""

    key: int
    files: list[FileInfo]


@dataclass
class Outcome:
    """What became of one :class:`Task`: each file's outcome and the documents built."""

    key: int
    files: list[FileOutcome]
    documents: list[Document]


class Runner(Protocol):
    """Reads units, in worker processes or in this one (:func:`open_runner`)."""

    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]:
        """One outcome per task, in completion order; a unit that fails, times out or
        kills its worker gives an outcome with every file failed."""
        ...

    def close(self) -> None:
        """End the workers (killing those still busy)."""
        ...


def _run_task(task: Task, options: ParseOptions, max_memory: int = 0) -> Outcome:
    try:
        with _MemoryCeiling(max_memory):
            per_file, docs = process_unit(task.files, options)
    except UnitTimeout:
        raise
    except MemoryError:
        return _failed_outcome(task, FailReason.TOO_LARGE, _memory_message(max_memory))
    except Exception as exc:  # building documents failed: fail the unit's files
        log.error("%s: unexpected %s", task.files[0].path, type(exc).__name__, exc_info=True)
        return _failed_outcome(task, FailReason.INTERNAL, f"{type(exc).__name__}: {exc}")
    return Outcome(task.key, per_file, docs)


def _failed_outcome(task: Task, reason: FailReason, message: str) -> Outcome:
    return Outcome(task.key, [FileOutcome(i, reason, message) for i in task.files], [])


def _timeout_message(seconds: float) -> str:
    return f"took longer than {seconds:g} s (time limit per file; see --timeout)"


def _memory_message(limit: int) -> str:
    if not limit:
        return OOM_MESSAGE
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


def open_runner(jobs: int, options: ParseOptions, timeout: float, max_memory: int,
                isolate: bool, on_progress: Callable[[int, str, int], None]) -> Runner:
    """Workers (``jobs`` of them; one for ``jobs=1`` unless ``isolate`` is false), or
    this process.

    Args:
        jobs: worker processes.
        options: parse options sent with every task (its ``progress`` is replaced per
            task by one that calls ``on_progress``).
        timeout: seconds per file of a unit.
        max_memory: bytes one unit's reading may take (0: no limit).
        isolate: with ``jobs=1``, still read in a worker process.
        on_progress: ``(task key, kind, n)`` as pages are read (``kind``: ``page`` or
            ``ocr_page``).
    """
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

    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]:
        for task in tasks:
            opts = replace(self.options, progress=partial(self.on_progress, task.key))
            limit = self.timeout * len(task.files)
            with _Alarm(limit) as armed:
                try:
                    outcome = _run_task(task, opts, self.max_memory)
                except UnitTimeout:
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
    raise UnitTimeout()


def _worker_main(conn: Any, log_level: int, max_memory: int = 0, tmpdir: str | None = None,
                 slots: CpuSlots | None = None) -> None:
    """A worker process: receive units, send progress, log records and outcomes.

    Its temporary files (and its children's, through ``$TMPDIR``) go to ``tmpdir``, a
    folder the parent removes when the worker ends or is killed. ``slots`` (with its own
    slot set) is held while a unit is read and lent to the file's pages when idle
    (:mod:`evidence.ingest.cpu`); pages read in two threads send through one lock."""
    conn = _LockedConn(conn)
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
        options.spare_cpu = slots
        with slots.held() if slots is not None else nullcontext():
            outcome = _run_task(task, options, max_memory)
        try:
            conn.send(("done", outcome))
        except Exception as exc:  # e.g. an unpicklable value in a parser's output
            conn.send(("done", _failed_outcome(
                task, FailReason.INTERNAL, f"result could not be sent: {exc}")))


class _LockedConn:
    """A worker's end of the pipe whose sends never interleave (pages OCR'd in a second
    thread report progress and log records too)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, msg: object) -> None:
        with self.lock:
            self.conn.send(msg)

    def recv(self) -> Any:
        return self.conn.recv()


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
    slot: int  # its CPU slot (ingest.cpu): a replacement takes the one its predecessor left
    task: Task | None = None
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
        self.slot_dir = tempfile.mkdtemp(prefix="evidence-cpu-") if jobs > 1 else None
        self.slots = CpuSlots.create(self.slot_dir, jobs) if self.slot_dir else None

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        tmpdir = tempfile.mkdtemp(prefix="evidence-worker-")
        slot = min(set(range(self.jobs)) - {w.slot for w in self.workers})
        slots = self.slots.for_worker(slot) if self.slots is not None else None
        proc = self.ctx.Process(target=_worker_main,
                                args=(child, self.log_level, self.max_memory, tmpdir, slots),
                                daemon=True, name="evidence-ingest-worker")
        proc.start()
        child.close()
        w = _Worker(proc, parent, tmpdir, slot)
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

    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]:
        from multiprocessing.connection import wait

        exhausted = False
        # outcomes received, yielded once their workers have their next unit: the caller
        # stores an outcome while the worker reads on (--jobs 1 too: the two overlap)
        done: list[Outcome] = []
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
            yield from done
            done.clear()
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
                    done.extend(self._receive(w))
            now = time.monotonic()
            for w in list(self.workers):
                task = w.task
                if task is None:
                    continue
                if now >= w.deadline:
                    self._kill(w)
                    done.append(_failed_outcome(task, FailReason.TIMEOUT,
                                                _timeout_message(w.limit)))
                    continue
                w.peak = max(w.peak, _rss(w.proc.pid) - w.base_rss)
                if self.max_memory and w.peak > self.max_memory:
                    self._kill(w)
                    done.append(_failed_outcome(task, FailReason.TOO_LARGE,
                                                _memory_message(self.max_memory)))

    def _receive(self, w: _Worker) -> Iterator[Outcome]:
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
        if self.slot_dir is not None:
            shutil.rmtree(self.slot_dir, ignore_errors=True)


_PRELOAD = (
    "evidence.ingest.workers", "evidence.ingest.unit", "evidence.ingest.formats",
    "evidence.ingest.sniff", "evidence.ingest.formats.txt", "evidence.ingest.formats.docx",
    "evidence.ingest.formats.pdf", "evidence.ingest.formats.image", "evidence.ingest.split",
    "evidence.extract",
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
