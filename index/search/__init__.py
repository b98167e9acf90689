"""The search API used by the CLI and by ``check``: :func:`search` and :func:`reindex`.

Both accept a :class:`~evidence.index.store.Store` or a home folder. Searching never
writes: when the index lags behind the catalogue (a run killed before the engine
committed), the results carry a warning telling the user to run ``evidence reindex``;
while an ingest is running, documents it has not committed yet are simply not found yet.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.index.search.types import SearchQuery, SearchResults

if TYPE_CHECKING:
    from evidence.index.store import Store

__all__ = ["ReindexResult", "reindex", "reindex_progress", "search"]

log = logging.getLogger(__name__)


def _open_store(stack: ExitStack, store_or_home: Store | Path | str,
                engine: str | None = None, create: bool = False) -> Store:
    if isinstance(store_or_home, (str, os.PathLike)):
        from evidence.index.store import Store

        return stack.enter_context(Store.open(Path(store_or_home), create=create, engine=engine))
    return store_or_home


def search(
    store_or_home: Store | Path | str,
    query: str | SearchQuery,
    *,
    doc_type: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 10,
    fuzzy: bool | None = None,
) -> SearchResults:
    """Ranked full-text search of a store (the contract's ``evidence search``).

    Args:
        store_or_home: an open store, or its home folder.
        query: the query text (or a ready :class:`SearchQuery`; keyword filters ignored).
        doc_type: ``KH``, ``QĐ``/``QD``, ``CV``... (accent-insensitive; a known code of
            ``extract/doctypes.py``, see :func:`~evidence.index.search.query.known_type_codes`).
        year: year of the document's date.
        issuer: words of the issuing body (``UBND`` expands to ``Ủy ban nhân dân``).
        date_from: earliest date, ISO or ``dd/mm/yyyy``; partial dates allowed.
        date_to: latest date, same forms (``2023-03`` includes all of March).
        limit: maximum hits.
        fuzzy: see :class:`SearchQuery`.

    Returns:
        the results; ``to_dict()`` is the contract's JSON.

    Raises:
        StoreError: no store, or an index built by another version (run reindex).
        BadQuery: an empty query, an unknown ``doc_type``, a date that is not one (or an
            impossible one).
    """
    q = query if isinstance(query, SearchQuery) else SearchQuery(
        text=query, doc_type=doc_type, year=year, issuer=issuer, date_from=date_from,
        date_to=date_to, limit=limit, fuzzy=fuzzy)
    with ExitStack() as stack:
        store = _open_store(stack, store_or_home)
        engine = store.engine
        res = engine.search(q)
        behind = store.catalogue.count_documents() - engine.count()
        if behind > 0:
            if engine.writer_active():
                res.warnings.append(f"an ingest is running: {behind} documents are not "
                                    "searchable yet")
            else:
                res.warnings.append(f"the search index is behind the catalogue by {behind} "
                                    "documents: run `evidence reindex`")
        return res


@dataclass
class ReindexResult:
    """What :func:`reindex` did."""

    engine: str
    mode: str  # "rebuild" | "sync"
    documents: int
    added: int
    removed: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "mode": self.mode, "documents": self.documents,
                "added": self.added, "removed": self.removed,
                "seconds": round(self.seconds, 2)}


def reindex(
    store_or_home: Store | Path | str,
    *,
    engine: str | None = None,
    sync_only: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> ReindexResult:
    """Rebuild the search index from the catalogue (resuming an interrupted rebuild), or
    with ``sync_only`` only add what the index lacks and drop what the catalogue lost.

    Args:
        store_or_home: an open store, or its home folder.
        engine: switch the store to this engine (``whoosh``/``tantivy``) and build it.
        sync_only: incremental catch-up instead of a rebuild (refused when the index was
            built by another version: that needs a rebuild).
        progress: called with (documents indexed, total) after each committed batch.

    Raises:
        StoreBusy: an ingest or another reindex is writing the store.
        StoreError: no store.
    """
    t0 = time.perf_counter()
    with ExitStack() as stack:
        store = _open_store(stack, store_or_home, engine=engine)
        stack.enter_context(store.writer_lock())
        eng = store.engine
        st = eng.status()
        if sync_only and st.schema_ok and not st.rebuilding:
            added, removed = store.sync_index()
            return ReindexResult(eng.name, "sync", eng.count(), added, removed,
                                 time.perf_counter() - t0)
        before = eng.count() if st.schema_ok else 0
        total = store.catalogue.count_documents()
        n = eng.rebuild(store.catalogue.iter_documents(), total, progress=progress)
        return ReindexResult(eng.name, "rebuild", n, max(0, n - before), max(0, before - n),
                             time.perf_counter() - t0)


@contextmanager
def reindex_progress(enabled: bool = True) -> Iterator[Callable[[int, int | None], None] | None]:
    """A rich progress bar on stderr for :func:`reindex` (``None`` when disabled or when
    stderr is not a terminal)."""
    import sys

    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reindex", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update
