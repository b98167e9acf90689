"""The search-engine interface: what ingest, check and the CLI call, whatever the engine.

Whoosh (pure Python, the default) and Tantivy (``tantivy-py``, optional) implement
:class:`SearchEngine`; :func:`open_engine` picks one for a store. Both index the same terms
(``index/analysis.py``) and share the query plan (``index/query.py``), the fuzzy fallback,
phrase checks and snippets (:class:`BaseEngine`), so they answer alike.

On-disk layout, under ``<home>/index/``:

- ``<engine>/`` — the live index, with ``evidence-index.json`` (schema/analyzer version);
- ``<engine>.building/`` — a rebuild in progress (``evidence reindex``), committed in
  batches; an interrupted rebuild resumes there and replaces the live index only when
  complete, so searches keep working meanwhile and nothing is ever wiped silently;
- ``<engine>.lock`` — the writer lock (``fcntl``; released by the OS if a writer dies).

Which engine a store uses is recorded in the catalogue's ``meta`` table (``index/store.py``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evidence.errors import StoreBusy, StoreError
from evidence.index.analysis import (
    ANALYZER_VERSION,
    Analysis,
    analyze,
    start_keys,
    symbol_keys,
    text_has_phrase,
)
from evidence.index.analysis import make_snippet as _make_snippet
from evidence.index.ranking import FUZZY_BELOW

if TYPE_CHECKING:
    from evidence.index.query import QueryPlan
    from evidence.model import Document

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "SCHEMA_VERSION",
    "BaseEngine",
    "Candidate",
    "IndexStatus",
    "IndexedDoc",
    "SearchEngine",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "WriterLock",
    "choose_engine",
    "default_engine",
    "engine_dir",
    "open_engine",
    "prepare",
    "recorded_engine",
    "valid_engine",
]

log = logging.getLogger(__name__)

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
#: characters of a document's text the index reads (2,000 dense pages); the rest stays in
#: the catalogue (``show``, ``check``) but is not searchable
MAX_INDEXED_CHARS = 4_000_000
#: Bumped when fields or weights change; combined with the analyzer version in the marker.
SCHEMA_VERSION = 6
MARKER = "evidence-index.json"


# ---- data -----------------------------------------------------------------------------------


@dataclass
class SearchQuery:
    """What the user asked: query text, filters and how many hits.

    ``date_from``/``date_to`` are ISO dates (``2023-01-31``, ``2023-01`` or ``2023``).
    ``fuzzy``: ``None`` = fall back to fuzzy matching when the strict query finds fewer than
    three documents; ``True`` = always add fuzzy matches; ``False`` = never.
    """

    text: str
    doc_type: str | None = None
    year: int | None = None
    issuer: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    limit: int = 10
    fuzzy: bool | None = None
    # make snippets for the first this-many hits only (None: every hit); a caller that
    # shows one page of many hits (the web workspace's facets) needs no more
    snippets: int | None = None


@dataclass
class SearchHit:
    """One ranked document (the contract's ``hits[]`` entry)."""

    id: str
    symbol: str | None
    doc_type: str | None
    date: str | None
    subject: str | None
    issuer: str | None
    path: str | None
    score: float
    snippet: str
    fuzzy: bool = False
    #: query words this document lacks (it matched the others; ranked below full matches)
    missing_terms: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "symbol": self.symbol, "doc_type": self.doc_type,
            "date": self.date, "subject": self.subject, "issuer": self.issuer,
            "path": self.path, "score": round(self.score, 3), "snippet": self.snippet,
            "fuzzy": self.fuzzy, "missing_terms": list(self.missing_terms),
        }


@dataclass
class SearchResults:
    """Ranked hits; :meth:`to_dict` is the contract's ``search --json`` document."""

    query: str
    total: int
    hits: list[SearchHit]
    fuzzy: bool = False
    engine: str = DEFAULT_ENGINE
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: query words found in no document
    missing_terms: list[str] = field(default_factory=list)
    #: a respelled query that finds more ("Có phải bạn muốn tìm: …"), or None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "fuzzy": self.fuzzy, "engine": self.engine, "seconds": round(self.seconds, 4),
            "warnings": list(self.warnings), "missing_terms": list(self.missing_terms),
            "suggestion": self.suggestion,
        }


@dataclass
class IndexStatus:
    """Health of an engine's index (``evidence status``, warnings before a search)."""

    engine: str
    exists: bool
    count: int
    schema_ok: bool
    rebuilding: bool
    message: str | None = None
    #: the index cannot be read (a truncated segment, a lost table of contents)
    damaged: bool = False


@dataclass(slots=True)
class IndexedDoc:
    """A document reduced to what the index holds (engine-independent)."""

    id: str
    symbol: str | None
    symkeys: list[str]
    #: the document's own number, leading zeros dropped (``05`` -> ``5``)
    numkey: str | None
    doc_type: str | None
    type_key: str
    year: int
    datenum: int
    date: str | None
    issuer: str | None
    issuer_terms: list[str]
    place: str | None
    path: str | None
    subject: str | None
    subj: Analysis
    #: how the subject begins (``analysis.start_keys``), indexed with its bigrams
    subj_start: list[str]
    body: Analysis
    text: str


@dataclass(slots=True)
class Candidate:
    """A raw engine hit before phrase checks and snippets."""

    id: str
    score: float
    stored: dict[str, Any]
    fuzzy: bool = False
    #: query words this candidate lacks (``index/relax.py``)
    missing: list[str] = field(default_factory=list)


# ---- protocol -------------------------------------------------------------------------------


@runtime_checkable
class SearchEngine(Protocol):
    """What every engine offers. ``add`` is cheap per call (buffered, committed in batches
    and on :meth:`close`); ``search`` sees committed documents only."""

    name: str

    def add(self, docs: Iterable[Document]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    def search(self, q: SearchQuery) -> SearchResults: ...
    def rebuild(self, docs: Iterable[Document], total: int | None = None,
                progress: Callable[[int, int | None], None] | None = None) -> int: ...
    def flush(self) -> None: ...
    def count(self) -> int: ...
    def ids(self) -> set[str]: ...
    def status(self) -> IndexStatus: ...
    def writer_active(self) -> bool: ...
    def close(self) -> None: ...


# ---- helpers --------------------------------------------------------------------------------


def engine_dir(home: Path, name: str) -> Path:
    """The live index folder of engine ``name`` in store ``home``."""
    return Path(home) / "index" / name


def recorded_engine(home: Path) -> str | None:
    """The engine recorded in the store's catalogue (``meta.engine``), if any."""
    from evidence.index.catalogue import CATALOGUE_NAME, Catalogue

    path = Path(home) / CATALOGUE_NAME
    if not path.exists():
        return None
    cat = Catalogue.open(path, create=False)
    try:
        name = cat.engine_name
    finally:
        cat.close()
    return name if name in ENGINES else None


def _atomic_write(path: Path, obj: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def valid_engine(name: str, *, subject: str = "engine") -> str:
    """``name`` as one of :data:`ENGINES` (case and spaces ignored).

    Raises:
        StoreError: not an engine this program has.
    """
    chosen = name.strip().lower()
    if chosen not in ENGINES:
        raise StoreError(f"unknown search engine {name!r} (use one of: {', '.join(ENGINES)})",
                         subject=subject)
    return chosen


def default_engine() -> str:
    """The engine of a new store: ``$EVIDENCE_ENGINE``, else :data:`DEFAULT_ENGINE`.

    Raises:
        StoreError: ``$EVIDENCE_ENGINE`` names no engine (refused before any store is
            written with it).
    """
    env = os.environ.get("EVIDENCE_ENGINE", "").strip()
    return valid_engine(env, subject="EVIDENCE_ENGINE") if env else DEFAULT_ENGINE


def choose_engine(home: Path, name: str | None = None) -> str:
    """Explicit ``name``, else the store's recorded engine, else :func:`default_engine`.

    Raises:
        StoreError: ``name`` or ``$EVIDENCE_ENGINE`` names no engine.
    """
    if name:
        return valid_engine(name)
    return recorded_engine(home) or default_engine()


def open_engine(home: Path, name: str | None = None) -> SearchEngine:
    """Open (creating if needed) the search engine of store ``home``.

    Args:
        home: the store folder.
        name: ``"whoosh"`` or ``"tantivy"``; default: the engine recorded in the store's
            catalogue, else ``$EVIDENCE_ENGINE``, else ``"whoosh"``. Recording the choice is
            the store's job (:meth:`evidence.index.store.Store.open`).

    Raises:
        StoreError: unknown engine name, or Tantivy asked for but not installed.
    """
    home = Path(home)
    chosen = choose_engine(home, name)
    if chosen == "tantivy":
        try:
            from evidence.index.tantivy_engine import TantivyEngine
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise StoreError("the tantivy engine needs `pip install evidence[tantivy]`",
                             subject="engine") from exc
        return TantivyEngine(home)
    from evidence.index.whoosh_engine import WhooshEngine

    return WhooshEngine(home)


def number_key(number: str | None) -> str | None:
    """The number a document bears, as the index keys it: its leading digits without
    leading zeros (``05`` and ``05/CT-UBND`` -> ``5``); None without one."""
    m = re.match(r"\s*0*(\d+)", number or "")
    return (m.group(1) or "0") if m else None


def _title(type_name: str | None, subject: str | None) -> str:
    """The type name before the subject, unless the subject already begins with it."""
    from evidence.extract.normalize import clean_text, fold

    subject = subject or ""
    if not type_name:
        return subject
    name = clean_text(type_name)
    return subject if fold(subject).startswith(fold(name)) else f"{name} {subject}".strip()


def _with_title(text: str, title: str) -> str:
    """The text, followed by the title when its words are not all in the text."""
    from evidence.extract.normalize import fold

    if not title or title in text:
        return text
    words = set(fold(text).split())
    return text if all(w in words for w in fold(title).split()) else f"{text}\n{title}"


def _datenum(date: str | None) -> int:
    """``2023-01-17`` -> 20230117, ``2023-10`` -> 20231000, ``2023`` -> 20230000, else 0."""
    if not date:
        return 0
    parts = date.split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 0
        d = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return 0
    return y * 10000 + m * 100 + d


def prepare(doc: Document) -> IndexedDoc:
    """Reduce a :class:`~evidence.model.Document` to its index fields (pure)."""
    from evidence.extract.normalize import clean_text, fold

    f = doc.facts
    # the catalogue keeps every page; the index reads the first MAX_INDEXED_CHARS, so
    # indexing one huge text cannot take the writing process's memory (~30 bytes a char)
    text = clean_text(doc.text[:MAX_INDEXED_CHARS])
    subject = clean_text(f.subject) if f.subject else None
    from evidence.extract.doctypes import type_name
    from evidence.extract.symbols import symbol_key

    # shown as printed (``05/CT-UBND``); only the keys are normalised
    symbol = " ".join(clean_text(f.symbol).split()) if f.symbol else None
    keys = symbol_keys(symbol_key(symbol))
    keys += [k for k in symbol_keys(symbol) if k not in keys]
    issuers = " ".join(x for x in (f.issuer, f.parent_issuer) if x)
    datenum = _datenum(f.date)
    subj = analyze(subject or "", clean=False)
    # the title is the type name and the subject ("Kế hoạch" + "Cải cách hành chính năm
    # 2023"): officers type both; the subject's own start stays a start key
    title_text = _title(f.doc_type_name or type_name(f.doc_type), subject)
    title = analyze(title_text, clean=False)
    starts = start_keys(title.folded)[:1]
    return IndexedDoc(
        id=doc.id, symbol=symbol, symkeys=keys, numkey=number_key(f.number or symbol),
        doc_type=f.doc_type,
        type_key=fold(f.doc_type) if f.doc_type else "",
        year=datenum // 10000, datenum=datenum, date=f.date,
        issuer=f.issuer, issuer_terms=analyze(issuers).folded if issuers else [],
        place=f.place, path=doc.path, subject=subject,
        subj=title, subj_start=starts + [k for k in start_keys(subj.folded) if k not in starts],
        # the body's terms include the title's (search "anywhere" looks at the body only)
        body=analyze(_with_title(text, title_text), clean=False),
        text=text,
    )


# ---- the writer lock ------------------------------------------------------------------------


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


# ---- shared engine logic --------------------------------------------------------------------


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
        return {"engine": self.name, "schema": SCHEMA_VERSION, "analyzer": ANALYZER_VERSION}

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
                f"analyzer {m.get('analyzer')}; this version needs schema {SCHEMA_VERSION}, "
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
        from evidence.index.query import plan_query

        t0 = time.perf_counter()
        res = SearchResults(query=q.text, total=0, hits=[], engine=self.name)
        if not self.dir.exists():
            res.warnings.append("the search index is empty: ingest documents first")
            return res
        if not self._marker_ok(self.dir):
            raise StoreError(self._stale_message(), subject=str(self.dir))
        plan = plan_query(q, words_required=True)
        limit = max(1, q.limit)
        # at least FUZZY_BELOW: when the strict query finds fewer, all of them are here
        want = max(limit, FUZZY_BELOW)
        total, cands = self._query(plan, want * 3 + 10 if plan.phrases else want, False)
        if plan.phrases:
            # bigrams are necessary, not sufficient: check the phrase itself, lazily, on
            # candidates in rank order (positional checks on top hits only)
            kept, checked = self._check_phrases(cands, plan, want)
            total -= checked - len(kept)
            cands = kept
        strict, have = total, {c.id for c in cands}
        cands = cands[:limit]
        if plan.can_fuzzy and (q.fuzzy is True or (q.fuzzy is None and total < FUZZY_BELOW)):
            # the fuzzy tier holds every strict match (its words widened, phrases loosened)
            fuzzy_total, fc = self._query(plan, limit + len(have), True)
            extra = [c for c in fc if c.id not in have]
            for c in extra:
                c.fuzzy = True
            if extra:
                res.fuzzy = True
                total = max(total + len(extra), fuzzy_total)
            cands = (cands + extra)[:limit]
        if strict < FUZZY_BELOW and not plan.empty and q.fuzzy is not False:
            from evidence.index.relax import relax

            partial, res.missing_terms, res.suggestion = relax(
                self, plan, q, strict, have | {c.id for c in cands}, limit - len(cands))
            total += len(partial)
            cands += partial
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
