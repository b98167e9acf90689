"""The store: a home folder holding the catalogue (source of truth) and the search index.

``Store.open(home)`` opens ``<home>/catalogue.sqlite3`` (:mod:`evidence.index.catalogue`);
the search engine (:mod:`evidence.index.engine`, ``<home>/index/``) is opened lazily, the
first time :attr:`Store.engine` is used, so commands that only read the catalogue start
fast. Nothing heavy is imported at module import time.

Writes go catalogue first, engine second (:meth:`Store.put_document`); the engine buffers
and commits in batches. :meth:`Store.sync_index` compares the ids both hold and repairs the
index after a crash, so the index can always be repaired or rebuilt from the catalogue.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from evidence.errors import StoreBusy, StoreError
from evidence.index.catalogue import CATALOGUE_NAME, Catalogue, FileInfo
from evidence.model import Document

if TYPE_CHECKING:
    from evidence.index.engine import SearchEngine

__all__ = ["DEFAULT_ENGINE", "LOCK_NAME", "Store", "lock_held_elsewhere"]

log = logging.getLogger(__name__)

DEFAULT_ENGINE = "whoosh"
LOCK_NAME = "ingest.lock"
_INDEX_BATCH = 200
#: seconds a new store waits for another process creating it at the same instant
_CREATE_WAIT = 60.0
_BUSY = ("đang có một lần nạp khác (`evidence ingest` hoặc `reindex`) ghi vào kho này; "
         "chờ nó xong rồi chạy lại")


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
                ``$EVIDENCE_ENGINE``, else ``whoosh``. Naming another engine than the
                recorded one switches the store to it (the next ``ingest`` indexes every
                document into it, :meth:`sync_index`).

        Raises:
            StoreError: no store and ``create`` is false, a damaged catalogue, or one
                written by a newer evidence.
        """
        home = Path(home)
        default = engine or os.environ.get("EVIDENCE_ENGINE") or DEFAULT_ENGINE
        path = home / CATALOGUE_NAME
        if create and (not path.exists() or path.stat().st_size == 0):
            # a new store is created under the store lock, so two ingests started at the
            # same instant never see a half-created catalogue: the second one waits here
            with _store_lock(home, wait=_CREATE_WAIT):
                cat = Catalogue.open(path, create=True, engine=default)
        else:
            cat = Catalogue.open(path, create=create, engine=default)
        recorded = cat.engine_name
        name = engine or recorded or default
        if recorded != name:
            cat.set_meta("engine", name)
        return cls(home, cat, name)

    # ---- engine ------------------------------------------------------------------------

    @property
    def engine(self) -> SearchEngine:
        """The search engine, opened on first use."""
        if self._engine is None:
            from evidence.index.engine import open_engine

            self._engine = open_engine(self.home, self.engine_name)
        return self._engine

    def put_document(self, doc: Document, files: Sequence[FileInfo]) -> None:
        """Commit one document to the catalogue, then hand it to the search engine
        (which commits in batches; :meth:`sync_index` repairs what a crash lost).

        Args:
            doc: the document (facts and page texts).
            files: the content hash etc. of each file in ``doc.files``.
        """
        self.catalogue.put_document(doc, files)
        self.engine.add([doc])

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
