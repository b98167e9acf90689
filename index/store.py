"""The store: a home folder holding the catalogue (source of truth) and the search index.

``Store.open(home)`` opens ``<home>/catalogue.sqlite3`` (:mod:`evidence.index.catalogue`);
the search engine (:mod:`evidence.index.search.engine`, ``<home>/index/``) is opened lazily, the
first time :attr:`Store.engine` is used, so commands that only read the catalogue start
fast. Nothing heavy is imported at module import time.

Writes go catalogue first, engine second (:meth:`Store.put_document`); the engine buffers
and commits in batches. :meth:`Store.sync_index` compares the ids both hold and repairs the
index after a crash, so the index can always be repaired or rebuilt from the catalogue.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from evidence.errors import StoreBusy, StoreError
from evidence.index.catalogue import CATALOGUE_NAME, Catalogue, FileInfo
from evidence.model import Document

if TYPE_CHECKING:
    from evidence.index.search.engine import SearchEngine

__all__ = ["LOCK_NAME", "WRITER_WAIT", "Store", "StoreStatus", "WriterLock", "lock_held_elsewhere",
           "wait_for_writer"]

log = logging.getLogger(__name__)

LOCK_NAME = "ingest.lock"
_INDEX_BATCH = 200
#: seconds a new store waits for another process creating it at the same instant
_CREATE_WAIT = 60.0
_BUSY = "another `evidence ingest` is writing this store; wait for it to finish"
#: how long a correction waits for a running ingest before it is written anyway (the
#: catalogue takes it at once; the search index then takes it at the next ingest/reindex)
WRITER_WAIT = 240.0
_WAIT_POLL = 0.2


@contextmanager
def _store_lock(home: Path, *, wait: float = 0.0) -> Iterator[bool]:
    """Hold ``<home>/ingest.lock``; yields whether the previous holder left without
    releasing it (killed: its pid is still written there). ``flock`` is per open file:
    a second hold in the same process is refused like another process's.

    Raises:
        StoreBusy: another holder (after ``wait`` seconds).
    """
    import time

    Path(home).mkdir(parents=True, exist_ok=True)
    fh = open(Path(home) / LOCK_NAME, "a+b")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: SQLite's own locking only
            yield False
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise StoreBusy(_BUSY, subject=str(home)) from exc
                time.sleep(0.1)
        fh.seek(0)
        unclean = bool(fh.read().strip())
        fh.truncate(0)
        fh.write(str(os.getpid()).encode())
        fh.flush()
        try:
            yield unclean
        finally:
            fh.truncate(0)  # a clean stop: no mark left
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


def lock_held_elsewhere(home: Path) -> bool:
    """Whether another holder has the store lock of ``home`` (an ingest is running)."""
    path = Path(home) / LOCK_NAME
    if not path.exists():
        return False
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return False
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


def wait_for_writer(home: Path, *, limit: float | None = None,
                    on_wait: Callable[[], None] | None = None) -> tuple[bool, bool]:
    """Wait while another process — an ingest, a reindex — holds the store lock of
    ``home`` (a correction waits for it: the ingest may re-read the document). ``on_wait``
    is called once when the wait begins. Returns ``(waited, still_running)``: whether the
    lock was held when called, and whether it still is after ``limit`` seconds (default
    :data:`WRITER_WAIT`)."""
    if not lock_held_elsewhere(home):
        return False, False
    if on_wait is not None:
        on_wait()
    deadline = time.monotonic() + (WRITER_WAIT if limit is None else limit)
    while time.monotonic() < deadline:
        time.sleep(_WAIT_POLL)
        if not lock_held_elsewhere(home):
            return True, False
    return True, True


class WriterLock:
    """One writer per engine index across processes (``fcntl.flock`` on ``<engine>.lock``).

    The OS releases it when the holder dies (kill -9), so no stale lock survives a crash.
    """

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreBusy(
                        "busy: another evidence process is writing the search index "
                        "(ingest or reindex); try again when it finishes",
                        subject=str(self.path.parent),
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock right now (a writer is running)."""
        import fcntl

        if not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing releases our probe lock
        return False

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()



class Store:
    """One evidence store (see the module docstring). Use as a context manager or call
    :meth:`close`."""

    def __init__(self, home: Path, catalogue: Catalogue, engine_name: str) -> None:
        self.home = home
        self.catalogue = catalogue
        self.engine_name = engine_name
        self._engine: SearchEngine | None = None

    @classmethod
    def open(cls, home: Path, *, create: bool = True, engine: str | None = None) -> Store:
        """Open (or create) the store in ``home``.

        Args:
            home: the store folder (see :func:`evidence.index.home.resolve_home`).
            create: create an empty store when there is none; otherwise raise.
            engine: search engine name. Default: the one recorded in the store, else
                ``$EVIDENCE_ENGINE``, else ``whoosh`` (:mod:`evidence.index.search.engine` is the
                one place that knows the engines). Naming another engine than the
                recorded one switches the store to it (the next ``ingest`` indexes every
                document into it, :meth:`sync_index`).

        Raises:
            StoreError: no store and ``create`` is false, a damaged catalogue, one
                written by a newer evidence, or an unknown engine name (in ``engine`` or
                ``$EVIDENCE_ENGINE``: refused before anything is written).
        """
        from evidence.index.search.engine import ENGINES, default_engine, valid_engine

        home = Path(home)
        default = valid_engine(engine) if engine else default_engine()
        path = home / CATALOGUE_NAME
        if create and (not path.exists() or path.stat().st_size == 0):
            # a new store is created under the store lock, so two ingests started at the
            # same instant never see a half-created catalogue: the second one waits here
            with _store_lock(home, wait=_CREATE_WAIT):
                cat = Catalogue.open(path, create=True, engine=default)
        else:
            cat = Catalogue.open(path, create=create, engine=default)
        recorded = cat.engine_name
        # a store a version without this check recorded an unknown engine in: the default
        name = default if engine or recorded not in ENGINES else str(recorded)
        if recorded != name:
            cat.set_meta("engine", name)
        store = cls(home, cat, name)
        try:
            # the officer's decisions a rebuilt or restored catalogue lacks
            cat.replay_journal(store.journal_path)
        except BaseException:
            cat.close()
            raise
        return store

    @property
    def journal_path(self) -> Path:
        """The journal of the officer's decisions beside the catalogue
        (:mod:`evidence.index.journal`)."""
        from evidence.index.journal import JOURNAL_NAME

        return self.home / JOURNAL_NAME

    # ---- engine ------------------------------------------------------------------------

    @property
    def engine(self) -> SearchEngine:
        """The search engine, opened on first use."""
        if self._engine is None:
            from evidence.index.search.engine import open_engine

            self._engine = open_engine(self.home, self.engine_name)
        return self._engine

    def put_document(self, doc: Document, files: Sequence[FileInfo], *,
                     force: bool = False) -> bool:
        """Commit one document to the catalogue, then hand it (with the officer's
        corrections applied) to the search engine (which commits in batches;
        :meth:`sync_index` repairs what a crash lost).

        A document the officer removed (``evidence remove``) is not stored again unless
        ``force`` (``ingest --force``), which also forgets the removal.

        Args:
            doc: the document (facts and page texts).
            files: the content hash etc. of each file in ``doc.files``.
            force: store it even when the officer removed it.

        Returns:
            whether the document was stored.
        """
        if self.catalogue.is_removed(doc.id):
            if not force:
                log.info("%s: removed by the officer; not stored again (ingest --force "
                         "brings it back)", doc.path)
                return False
            from evidence.index.decisions import forget_removal

            forget_removal(self, doc.id)
        shown = self.catalogue.put_document(doc, files)
        self.engine.add([shown])
        return True

    def settle_cited_numbers(self) -> list[str]:
        """Recompute the numbers filled from citing documents after documents came or
        went (:meth:`Catalogue.refresh_cited_numbers`) and update the index."""
        changed = self.catalogue.refresh_cited_numbers()
        if changed:
            self.refresh_index(changed)
        return changed

    def refresh_index(self, ids: Iterable[str] | None = None) -> bool:
        """Rewrite the search-index entries of documents whose facts the officer changed
        (default: every queued one) and commit.

        Returns:
            False when another process holds the index writer lock (the entries stay
            queued; the next ``ingest`` or ``reindex`` writes them).
        """
        ids = sorted(set(self.catalogue.pending_index_ids() if ids is None else ids))
        if not ids:
            return True
        present = self.catalogue.document_ids()
        try:
            for start in range(0, len(ids), _INDEX_BATCH):
                batch = ids[start:start + _INDEX_BATCH]
                self.engine.add([d for d in (self.catalogue.get_document(i) for i in batch
                                             if i in present) if d])
                gone = [i for i in batch if i not in present]
                if gone:
                    self.engine.delete(gone)
            self.engine.flush()
        except StoreBusy:
            log.warning("%s: the search index is busy; it will be updated by the next "
                        "ingest or reindex", self.home)
            return False
        self.catalogue.clear_pending(ids)
        return True

    def remove_documents(self, ids: Iterable[str]) -> list[str]:
        """Delete documents from the catalogue, then from the engine; returns those that
        existed."""
        ids = list(ids)
        if not ids:
            return []
        gone = self.catalogue.remove_documents(ids)
        self.engine.delete(ids)
        return gone

    def flush(self) -> None:
        """Commit what the engine has buffered (no-op when it was never opened)."""
        if self._engine is not None:
            self._engine.flush()

    def prepare_index(self) -> None:
        """Before writing: rebuild the index from the catalogue when it was built by
        another version, cannot be read, or a rebuild was interrupted (style guide: "on a version change,
        rebuild the index from the catalogue"), then :meth:`sync_index`."""
        st = self.engine.status()
        if not st.schema_ok or st.rebuilding or st.damaged:
            log.warning("%s: rebuilding the search index from the catalogue (%s)",
                        self.home, st.message or "outdated")
            self.rebuild_index()
        self.sync_index()

    def sync_index(self) -> tuple[int, int]:
        """Make the engine hold exactly the catalogue's documents: add those it lacks (a
        run killed before the engine committed), delete those the catalogue no longer has
        (killed between the two deletes).

        Returns:
            (documents added, documents deleted).
        """
        in_cat = self.catalogue.document_ids()
        # an index with no live document has nothing to compare (and Whoosh's empty
        # reader has no id column)
        in_index = self.engine.ids() if self.engine.count() else set()
        missing = sorted(in_cat - in_index)
        extra = sorted(in_index - in_cat)
        for start in range(0, len(missing), _INDEX_BATCH):
            batch = missing[start:start + _INDEX_BATCH]
            self.engine.add([d for d in (self.catalogue.get_document(i) for i in batch) if d])
        if extra:
            self.engine.delete(extra)
        self.engine.flush()
        # documents whose corrected facts the index does not hold yet (a run killed
        # between the correction's commit and the index's)
        self.refresh_index()
        if missing or extra:
            log.info("search index repaired: %d added, %d removed", len(missing), len(extra))
        return len(missing), len(extra)

    def rebuild_index(self) -> int:
        """Rebuild the search index from the catalogue; returns the document count."""
        total = self.catalogue.count_documents()
        return self.engine.rebuild(self.catalogue.iter_documents(), total)

    # ---- convenience over the catalogue -----------------------------------------------

    def iter_documents(self) -> Iterator[Document]:
        """Every document with its page texts."""
        return self.catalogue.iter_documents()

    def size_bytes(self) -> int:
        """Bytes used by the store folder (catalogue, WAL, index)."""
        total = 0
        for root, _dirs, files in os.walk(self.home):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except OSError:
                    continue
        return total

    def stats(self) -> dict[str, Any]:
        """The catalogue's :meth:`~Catalogue.stats` plus home, size and engine name
        (``evidence status --json``)."""
        out: dict[str, Any] = {"home": str(self.home)}
        out.update(self.catalogue.stats())
        out["store_bytes"] = self.size_bytes()
        out["ingest_running"] = self.ingest_running()
        out["engine"] = self.engine_name
        try:
            st = self.engine.status()
        except StoreError as exc:  # e.g. Tantivy recorded but not installed
            out["index"] = {"engine": self.engine_name, "exists": False, "documents": 0,
                            "up_to_date": False, "message": exc.message}
            return out
        out["index"] = {"engine": st.engine, "exists": st.exists, "documents": st.count,
                        "up_to_date": st.schema_ok and not st.rebuilding,
                        "message": st.message}
        return out

    def status(self) -> StoreStatus:
        """``evidence status``: :meth:`stats` as a result."""
        return StoreStatus(self.stats())

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the store's ingest lock (one writer — ``ingest``, ``reindex`` — at a time)
        and check the catalogue before writing: SQLite's quick check, the full integrity
        check when the previous writer did not stop cleanly (its mark is still in the lock
        file).

        Raises:
            StoreBusy: another process holds it.
            StoreError: the catalogue is damaged (nothing is written into it).
        """
        with _store_lock(self.home) as unclean:
            if unclean:
                log.warning("%s: the last writer did not stop cleanly; checking the "
                            "whole catalogue", self.home)
            self.catalogue.check(full=unclean)
            yield

    def ingest_running(self) -> bool:
        """Whether another process holds the store's writer lock right now."""
        return lock_held_elsewhere(self.home)

    def close(self) -> None:
        """Close the engine (if opened) and the catalogue."""
        try:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
        finally:
            self.catalogue.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@dataclass
class StoreStatus:
    """What ``status`` prints: :meth:`Store.stats` (its keys are the contract's
    ``status --json``)."""

    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.stats
