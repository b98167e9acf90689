"""What the engines share (:class:`BaseEngine`): buffering, index markers,
rebuild-with-resume, the fuzzy fallback, phrase checks and snippets. An engine module
derives from it and implements the ``_``-methods that touch its library."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.errors import StoreError
from evidence.index.search.analysis import ANALYZER_VERSION, text_has_phrase
from evidence.index.search.analysis import make_snippet as _make_snippet
from evidence.index.search.engine import INDEX_SCHEMA_VERSION, MARKER, engine_dir
from evidence.index.search.prepare import prepare
from evidence.index.search.ranking import FUZZY_BELOW, PAGING_POOL
from evidence.index.search.relax import partial_matches, suggest, words_to_drop
from evidence.index.search.types import (
    Candidate,
    IndexedDoc,
    IndexStatus,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from evidence.index.store import WriterLock

if TYPE_CHECKING:
    from evidence.index.search.query import QueryPlan
    from evidence.model import Document

__all__ = ["BaseEngine"]

log = logging.getLogger(__name__)


def _atomic_write(path: Path, obj: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)



class BaseEngine:
    """Buffering, markers, rebuild-with-resume, fuzzy fallback, phrase checks, snippets.

    Subclasses implement the ``_``-methods that touch the engine library.
    """

    name = "base"
    #: documents buffered by :meth:`add` before a commit
    batch_size = 256
    #: documents per commit during :meth:`rebuild` (what an interrupted rebuild keeps)
    rebuild_batch = 1000

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.dir = engine_dir(self.home, self.name)
        self.building_dir = self.dir.with_name(self.name + ".building")
        self.lock = WriterLock(self.dir.with_name(self.name + ".lock"))
        # smaller batches in tests that interrupt a rebuild (EVIDENCE_INDEX_BATCH)
        self.rebuild_batch = int(os.environ.get("EVIDENCE_INDEX_BATCH") or self.rebuild_batch)
        self._buffer: dict[str, IndexedDoc] = {}
        self._pending_deletes: set[str] = set()
        self._finish_interrupted_swap()

    # -- to implement ------------------------------------------------------------------------
    def _create(self, path: Path) -> None:
        raise NotImplementedError

    def _write(self, path: Path, docs: list[IndexedDoc], delete: Iterable[str]) -> None:
        """Commit ``docs`` (replacing same ids) and delete ``delete`` in one commit."""
        raise NotImplementedError

    def _count(self, path: Path) -> int:
        raise NotImplementedError

    def _ids(self, path: Path) -> set[str]:
        raise NotImplementedError

    def _query(self, plan: QueryPlan, limit: int, fuzzy: bool) -> tuple[int, list[Candidate]]:
        raise NotImplementedError

    def _text(self, cand: Candidate) -> str:
        raise NotImplementedError

    def _doc_frequency(self, field: str, term: str) -> int:
        """Documents holding ``field:term`` in the live index."""
        raise NotImplementedError

    def _terms_with_prefix(self, field: str, prefix: str) -> list[str]:
        """The terms of ``field`` beginning with ``prefix`` (spelling suggestions)."""
        raise NotImplementedError

    def _release(self) -> None:
        """Drop open readers (before the live folder is replaced, and on close)."""

    # -- markers -----------------------------------------------------------------------------
    def _marker(self, path: Path) -> dict[str, Any] | None:
        try:
            obj = json.loads((path / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return obj if isinstance(obj, dict) else None

    def _expected(self) -> dict[str, Any]:
        return {"engine": self.name, "schema": INDEX_SCHEMA_VERSION, "analyzer": ANALYZER_VERSION}

    def _marker_ok(self, path: Path) -> bool:
        m = self._marker(path)
        return m is not None and all(m.get(k) == v for k, v in self._expected().items())

    def _write_marker(self, path: Path, state: str) -> None:
        _atomic_write(path / MARKER, {**self._expected(), "state": state})

    def _finish_interrupted_swap(self) -> None:
        # A rebuild died between its two renames: the completed build is still there.
        m = self._marker(self.building_dir)
        if not self.dir.exists() and m and m.get("state") == "complete":
            os.replace(self.building_dir, self.dir)

    def _ensure_live(self) -> None:
        """Create an empty live index if there is none (first ingest)."""
        if self.dir.exists():
            if not self._marker_ok(self.dir):
                raise StoreError(self._stale_message(), subject=str(self.dir))
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        self._create(self.dir)
        self._write_marker(self.dir, "live")

    def _stale_message(self) -> str:
        m = self._marker(self.dir) or {}
        return (f"the search index was built by another version (schema {m.get('schema')}, "
                f"analyzer {m.get('analyzer')}; this version needs schema {INDEX_SCHEMA_VERSION}, "
                f"analyzer {ANALYZER_VERSION}): run `evidence reindex` (searches are refused "
                "until then; the catalogue is untouched)")

    # -- public API --------------------------------------------------------------------------
    def add(self, docs: Iterable[Document] | Document) -> None:
        """Buffer documents for indexing (replacing any indexed version of the same id);
        committed every :attr:`batch_size` documents and on :meth:`flush`/:meth:`close`."""
        from evidence.model import Document as _Doc

        if isinstance(docs, _Doc):
            docs = [docs]
        for d in docs:
            self._pending_deletes.discard(d.id)
            self._buffer[d.id] = prepare(d)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents from the index (buffered like :meth:`add`)."""
        for i in ids:
            self._buffer.pop(i, None)
            self._pending_deletes.add(i)
        if len(self._pending_deletes) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Commit buffered additions and deletions now (takes the writer lock)."""
        if not self._buffer and not self._pending_deletes:
            return
        with self.lock.hold():
            self._ensure_live()
            self._write(self.dir, list(self._buffer.values()), sorted(self._pending_deletes))
        self._buffer.clear()
        self._pending_deletes.clear()

    def count(self) -> int:
        """Documents in the live index (committed); 0 when it cannot be read."""
        return self._probe(self.dir)[0]

    def ids(self) -> set[str]:
        """Ids of the documents in the live index (committed); empty when it cannot be
        read (:meth:`status` says it is damaged; a rebuild repairs it)."""
        return self._probe_ids(self.dir)

    def _probe(self, path: Path) -> tuple[int, str | None]:
        """(documents, None), or (0, why) when the index at ``path`` cannot be read."""
        if not path.exists():
            return 0, None
        try:
            return self._count(path), None
        except Exception as exc:  # whatever a damaged index makes the library raise
            log.debug("%s: unreadable index", path, exc_info=True)
            return 0, f"{type(exc).__name__}: {exc}"[:200]

    def _probe_ids(self, path: Path) -> set[str]:
        n, why = self._probe(path)
        if not n or why:
            return set()
        try:
            return self._ids(path)
        except Exception:
            log.debug("%s: unreadable index", path, exc_info=True)
            return set()

    def writer_active(self) -> bool:
        """Whether another process is writing this index or its store right now (an
        ingest between two index commits, a reindex)."""
        from evidence.index.store import lock_held_elsewhere

        return self.lock.held_elsewhere() or lock_held_elsewhere(self.home)

    def status(self) -> IndexStatus:
        """Whether the index exists, its size, whether its version matches and whether
        it can be read at all."""
        exists = self.dir.exists()
        schema_ok = (not exists) or self._marker_ok(self.dir)
        m = self._marker(self.building_dir)
        rebuilding = bool(m and m.get("state") == "building")
        count, why = self._probe(self.dir) if exists and schema_ok else (0, None)
        st = IndexStatus(self.name, exists, count, schema_ok, rebuilding, damaged=why is not None)
        if not schema_ok:
            st.message = self._stale_message()
        elif why is not None:
            st.message = (f"the search index cannot be read ({why}): run `evidence reindex` "
                          "to rebuild it from the catalogue")
        elif rebuilding:
            st.message = "a rebuild was interrupted: run `evidence reindex` to resume it"
        if st.message and self.writer_active():
            st.message = ("đang có một lần nạp (evidence ingest) ghi vào kho: chỉ mục sẽ "
                          "đủ khi nó xong")
        return st

    def rebuild(self, docs: Iterable[Document], total: int | None = None,
                progress: Callable[[int, int | None], None] | None = None) -> int:
        """Rebuild the index from ``docs`` (the catalogue), resumably.

        Builds in ``<engine>.building/``, committing every :attr:`rebuild_batch`
        documents; documents already there (from an interrupted run with the same schema)
        are skipped. When complete, the new index replaces the live one atomically and
        ids no longer in ``docs`` are gone. Searches keep using the old index meanwhile.

        Args:
            docs: every document of the catalogue.
            total: their number, for progress.
            progress: called with (documents done, total) after each commit.

        Returns:
            the number of documents in the new index.
        """
        # what is buffered is in the catalogue, which ``docs`` reads: the old index is
        # never opened (it may be the damaged thing being replaced)
        self._buffer.clear()
        self._pending_deletes.clear()
        with self.lock.hold():
            b = self.building_dir
            if b.exists() and not (self._marker_ok(b)
                                   and (self._marker(b) or {}).get("state") == "building"):
                shutil.rmtree(b)  # a build of another version, never the live index
            done: set[str] = set()
            if b.exists():
                n, why = self._probe(b)
                if why is not None:
                    # killed mid-commit, or damaged: start the build again
                    log.warning("%s: the interrupted rebuild cannot be read (%s); starting "
                                "it again", b, why)
                    shutil.rmtree(b)
                else:
                    done = self._probe_ids(b) if n else set()
                    log.info("resuming an interrupted rebuild: %d documents already indexed",
                             len(done))
            if not b.exists():
                b.mkdir(parents=True)
                self._create(b)
                self._write_marker(b, "building")
            seen: set[str] = set()
            batch: list[IndexedDoc] = []
            n_done = len(done)
            for d in docs:
                seen.add(d.id)
                if d.id in done:
                    continue
                batch.append(prepare(d))
                if len(batch) >= self.rebuild_batch:
                    self._write(b, batch, ())
                    n_done += len(batch)
                    batch = []
                    if progress:
                        progress(n_done, total)
            gone = sorted(done - seen)
            if batch or gone:
                self._write(b, batch, gone)
                n_done += len(batch)
                if progress:
                    progress(n_done, total)
            self._write_marker(b, "complete")
            self._release()
            old = self.dir.with_name(self.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            if self.dir.exists():
                os.replace(self.dir, old)
            os.replace(b, self.dir)
            self._write_marker(self.dir, "live")
            shutil.rmtree(old, ignore_errors=True)
            return self._count(self.dir)

    def close(self) -> None:
        """Commit what is buffered and release readers."""
        try:
            self.flush()
        finally:
            self._release()

    def __enter__(self) -> BaseEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- search ------------------------------------------------------------------------------
    def search(self, q: SearchQuery) -> SearchResults:
        """Ranked search: strict first, fuzzy fallback when it finds little (see
        :class:`SearchQuery`), quoted phrases checked on the candidates, snippets made."""
        from evidence.index.search.query import plan_query

        t0 = time.perf_counter()
        res = SearchResults(query=q.text, total=0, hits=[], engine=self.name)
        if not self.dir.exists():
            res.warnings.append("the search index is empty: ingest documents first")
            return res
        if not self._marker_ok(self.dir):
            raise StoreError(self._stale_message(), subject=str(self.dir))
        plan = plan_query(q, words_required=True)
        limit = max(1, q.limit)
        # totals made by checking hits are counted over the same pool whatever the limit:
        # the total is what paging delivers (ranking.PAGING_POOL)
        pool = max(limit, PAGING_POOL)
        total, cands = self._strict(plan, limit, pool)
        strict, have = total, {c.id for c in cands}
        cands = cands[:limit]
        relaxing = strict < FUZZY_BELOW and not plan.empty and q.fuzzy is not False
        rare, drop = words_to_drop(self, plan, strict) if relaxing else ({}, [])
        reach = set(have)  # what paging delivers, up to the pool
        if plan.can_fuzzy and (q.fuzzy is True or (q.fuzzy is None and total < FUZZY_BELOW)):
            # the fuzzy tier holds every strict match (its words widened, phrases loosened),
            # so its count is theirs together; when partial matches follow, the tier's
            # documents up to the pool are fetched, so that none is counted twice
            fetch = (pool if drop else limit) + len(have)
            fuzzy_total, fc = self._query(plan, fetch, True)
            extra = [c for c in fc if c.id not in have]
            for c in extra:
                c.fuzzy = True
            if extra:
                res.fuzzy = True
                reach.update(c.id for c in fc)
                total = max(total, fuzzy_total)
            cands = (cands + extra)[:limit]
        if relaxing:
            res.missing_terms = [w for w, n in rare.items() if not n]
            partial = partial_matches(self, plan, drop, pool - len(reach), reach,
                                      shown=limit - len(cands)) if drop else []
            total += len(partial)
            cands += partial[:limit - len(cands)]
            res.suggestion = suggest(self, plan, q, strict, rare)
        res.total = max(total, len(cands))
        for i, c in enumerate(cands):
            s = c.stored
            res.hits.append(SearchHit(
                id=c.id, symbol=s.get("symbol"), doc_type=s.get("doc_type"),
                date=s.get("date"), subject=s.get("subject"), issuer=s.get("issuer"),
                path=s.get("path"), score=c.score,
                snippet=_make_snippet(self._text(c), plan.snippet_terms,
                                      exact=plan.snippet_exact, fuzzy=c.fuzzy)
                if q.snippets is None or i < q.snippets else "",
                fuzzy=c.fuzzy, missing_terms=c.missing,
            ))
        res.seconds = time.perf_counter() - t0
        return res

    def _strict(self, plan: QueryPlan, limit: int, pool: int) -> tuple[int, list[Candidate]]:
        """The strict matches: (total, candidates in rank order, at least
        :data:`FUZZY_BELOW` of them when there are so many)."""
        if not plan.phrases:
            return self._query(plan, max(limit, FUZZY_BELOW), False)
        # bigrams are necessary, not sufficient: the phrase itself is checked on the
        # candidates in rank order until the pool is full; short of it, every candidate
        # fetched was checked and the total is those kept
        fetch, checked = pool + 10, 0
        kept: list[Candidate] = []
        while True:
            total, cands = self._query(plan, fetch, False)
            more, n = self._check_phrases(cands[checked:], plan, pool - len(kept))
            kept, checked = kept + more, checked + n
            if len(kept) >= pool or len(cands) < fetch or fetch > pool * 3:
                break
            fetch = pool * 3 + 10  # many bigram matches are not the phrase: look further
        return (total - (checked - len(kept)) if len(kept) >= pool else len(kept)), kept

    def _check_phrases(self, cands: list[Candidate], plan: QueryPlan,
                       limit: int) -> tuple[list[Candidate], int]:
        kept: list[Candidate] = []
        checked = 0
        for c in cands:
            if len(kept) >= limit:
                break
            checked += 1
            text, subject = self._text(c), c.stored.get("subject") or ""
            if all(text_has_phrase(text, p) or text_has_phrase(subject, p) for p in plan.phrases):
                kept.append(c)
        return kept, checked
