"""The SQLite catalogue: the store's source of truth.

Tables (schema version :data:`CATALOGUE_SCHEMA_VERSION`, recorded in ``meta``):

- ``meta`` — ``schema_version``, ``engine`` (search engine name), ``created``.
- ``files`` — one row per file path seen by ``ingest``: content hash, size, mtime, format,
  ``status`` (``ok`` / ``failed`` / ``missing``), failure reason code and message.
- ``documents`` — one row per document: id (contract: the file's sha256, or
  :func:`evidence.model.part_id` for a part of a file or a document spanning several
  files), the facts as JSON, and the columns lookups need (``symbol_key``, year, type...).
- ``document_files`` — which files (by content hash) and page ranges a document comes from.
- ``pages`` — the text of every page, its OCR flag and confidence.

Documents are keyed by content, files by path: a moved file changes one ``files`` row and
nothing else; a document's path is read from the ``files`` row holding its hash.

The search index is derived from this catalogue; :meth:`evidence.index.store.Store.sync_index`
compares the ids of both and repairs the index after a run killed between the two writes.

A catalogue is never deleted or recreated on error: an unreadable file or a newer schema
raises :class:`evidence.errors.StoreError` and leaves everything as it was. A file that
exists but holds no catalogue (0 bytes, a truncated copy) is a new store only when the
home holds nothing else a store leaves (an index, the corrections journal); otherwise it
is damaged. :meth:`Catalogue.check` runs SQLite's ``quick_check`` (or the full
``integrity_check``) before a writer starts, so nothing is written into a damaged file.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidence.errors import FailReason, StoreError
from evidence.index.journal import append_entry, journal_size, read_entries
from evidence.model import (
    Correction,
    Document,
    Facts,
    FileRef,
    ManualLink,
    Page,
    facts_from_dict,
)

__all__ = [
    "CATALOGUE_NAME",
    "CATALOGUE_SCHEMA_VERSION",
    "Catalogue",
    "FileInfo",
    "FileRow",
    "damaged",
    "symbol_key",
]

log = logging.getLogger(__name__)

CATALOGUE_SCHEMA_VERSION = 2
CATALOGUE_NAME = "catalogue.sqlite3"
#: what a store leaves beside its catalogue: a catalogue file without tables next to any
#: of these is a damaged store, never a new one (the corrections journal's name is
#: ``index.journal.JOURNAL_NAME``)
_STORE_TRACES = ("index", "corrections.jsonl")

_SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mtime       REAL NOT NULL,
    format      TEXT,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
    reason      TEXT,
    error       TEXT,
    pages       INTEGER,
    ocr_pages   INTEGER,
    ingested_at TEXT NOT NULL
);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_status ON files (status);
CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    first_page  INTEGER,
    last_page   INTEGER,
    format      TEXT NOT NULL,
    ocr         INTEGER NOT NULL,
    pages       INTEGER,
    facts       TEXT NOT NULL,
    warnings    TEXT NOT NULL,
    symbol      TEXT,
    symbol_key  TEXT,
    number      TEXT,
    date        TEXT,
    year        INTEGER,
    doc_type    TEXT,
    issuer      TEXT,
    subject     TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_symbol_key ON documents (symbol_key);
CREATE INDEX documents_file_sha256 ON documents (file_sha256);
CREATE TABLE document_files (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    path        TEXT NOT NULL,
    first_page  INTEGER,
    last_page   INTEGER,
    PRIMARY KEY (document_id, seq)
);
CREATE INDEX document_files_sha256 ON document_files (sha256);
CREATE TABLE pages (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    source      TEXT,
    text        TEXT NOT NULL,
    ocr         INTEGER NOT NULL,
    confidence  REAL,
    PRIMARY KEY (document_id, seq)
);
"""

def damaged(path: Path, detail: str) -> StoreError:
    """The one error for a damaged catalogue: what is wrong and how to recover."""
    return StoreError(
        f"danh mục bị hỏng ({detail}); không ghi thêm vào tệp này. Khôi phục: đổi tên tệp "
        f"(ví dụ {path.name}.hong), chạy lại `evidence ingest` trên các thư mục tài liệu "
        "để dựng lại danh mục; các chỉnh sửa của cán bộ (corrections.jsonl bên cạnh) được "
        "áp lại khi mở kho",
        subject=str(path))


def _has_traces(home: Path) -> bool:
    return any((home / name).exists() for name in _STORE_TRACES)


# Schema version 2: the officer's decisions (corrections, manual links, removals), the
# catalogue's copy of their journal, the documents whose index entry must be refreshed,
# and numbers filled from citing documents. See docs/store.md, "Corrections".
_SCHEMA_V2 = """
CREATE TABLE IF NOT EXISTS corrections (
    document_id TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT,
    was         TEXT,
    confirmed   INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    at          TEXT NOT NULL,
    path        TEXT,
    symbol      TEXT,
    PRIMARY KEY (document_id, field)
);
CREATE TABLE IF NOT EXISTS manual_links (
    catalogue   TEXT NOT NULL,
    requirement TEXT NOT NULL,
    document_id TEXT NOT NULL,
    counts      INTEGER NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL,
    symbol      TEXT,
    PRIMARY KEY (catalogue, requirement, document_id)
);
CREATE TABLE IF NOT EXISTS removed (
    document_id TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    path        TEXT,
    symbol      TEXT,
    note        TEXT
);
CREATE TABLE IF NOT EXISTS journal (
    seq         INTEGER PRIMARY KEY,
    entry_id    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    document_id TEXT,
    at          TEXT NOT NULL,
    body        TEXT NOT NULL,
    undone_by   TEXT
);
CREATE INDEX IF NOT EXISTS journal_document ON journal (document_id);
CREATE TABLE IF NOT EXISTS index_pending (
    document_id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS cited_numbers (
    document_id     TEXT PRIMARY KEY,
    number          TEXT NOT NULL,
    cited_by        TEXT NOT NULL,
    cited_by_symbol TEXT NOT NULL
);
"""

#: version -> the statements that bring a catalogue of the version before to it
_MIGRATIONS: dict[int, str] = {2: _SCHEMA_V2}


def _statements(sql: str) -> list[str]:
    return [stmt for stmt in sql.split(";") if stmt.strip()]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FileInfo:
    """What ingest knows about one input file before parsing it."""

    path: str
    sha256: str
    size: int
    mtime: float
    format: str | None = None
    pages: int | None = None
    ocr_pages: int | None = None


@dataclass(frozen=True)
class FileRow:
    """One row of ``files``."""

    path: str
    sha256: str
    size: int
    mtime: float
    format: str | None
    status: str
    reason: str | None
    error: str | None
    pages: int | None
    ocr_pages: int | None
    ingested_at: str


class Catalogue:
    """The SQLite catalogue of one store (see the module docstring).

    Open it with :meth:`Catalogue.open`; every write method commits its own transaction.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    # ---- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True, engine: str | None = None) -> Catalogue:
        """Open the catalogue file, creating it (and its folder) when ``create`` is true.

        Args:
            path: the SQLite file (``<home>/catalogue.sqlite3``).
            create: create a new catalogue when none exists; otherwise raise.
            engine: search engine name recorded in a new catalogue.

        Raises:
            StoreError: no catalogue and ``create`` is false; the file is not a catalogue
                or is damaged; its schema version is newer than this program knows.
        """
        exists = path.exists()
        if exists and path.stat().st_size == 0 and _has_traces(path.parent):
            raise damaged(path, "tệp danh mục rỗng (0 byte)")
        if not exists and not create:
            raise StoreError(
                "no store here yet; run `evidence ingest FOLDER` first",
                subject=str(path.parent),
            )
        if not exists:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the catalogue: {exc}", subject=str(path)) from exc
        cat = cls(path, conn)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
            if not exists or cat._is_empty():
                if exists and _has_traces(path.parent):
                    raise damaged(path, "tệp danh mục không còn bảng nào")
                cat._create(engine)
            cat._check_version()
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise damaged(path, str(exc)) from exc
        except StoreError:
            conn.close()
            raise
        return cat

    def check(self, *, full: bool = False) -> None:
        """SQLite's ``quick_check`` (``integrity_check`` when ``full``: after an unclean
        stop), before anything is written.

        Raises:
            StoreError: the catalogue is damaged (the message says how to recover).
        """
        pragma = "integrity_check" if full else "quick_check"
        try:
            rows = self._conn.execute(f"PRAGMA {pragma}(5)").fetchall()
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, str(exc)) from exc
        problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
        if problems:
            raise damaged(self.path, "; ".join(problems)[:300])

    def _is_empty(self) -> bool:
        row = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return int(row[0]) == 0

    def _create(self, engine: str | None) -> None:
        with self._tx():
            for stmt in _statements(_SCHEMA) + [
                    st for v in sorted(_MIGRATIONS) for st in _statements(_MIGRATIONS[v])]:
                self._conn.execute(stmt)
            self._conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("schema_version", str(CATALOGUE_SCHEMA_VERSION)), ("created", _now()),
                 ("engine", engine or "")],
            )

    def _check_version(self) -> None:
        try:
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreError(
                "this file is not an evidence catalogue (no meta table); it was left untouched",
                subject=str(self.path),
            ) from exc
        version = row[0] if row else None
        if version is None or not str(version).isdigit():
            raise StoreError(
                f"unknown catalogue schema version {version!r}; it was left untouched",
                subject=str(self.path),
            )
        if int(version) > CATALOGUE_SCHEMA_VERSION:
            raise StoreError(
                f"the catalogue has schema version {version}, newer than this evidence "
                f"understands ({CATALOGUE_SCHEMA_VERSION}); upgrade evidence to use it",
                subject=str(self.path),
            )
        if int(version) < CATALOGUE_SCHEMA_VERSION:
            self._migrate(int(version))

    def _migrate(self, version: int) -> None:
        """Bring a catalogue of an older schema version to :data:`CATALOGUE_SCHEMA_VERSION`, one
        transaction (new tables only: nothing existing is rewritten)."""
        missing = [v for v in range(version + 1, CATALOGUE_SCHEMA_VERSION + 1) if v not in _MIGRATIONS]
        if missing:  # pragma: no cover - every version since 1 has its migration
            raise StoreError(
                f"the catalogue has old schema version {version}; no migration exists",
                subject=str(self.path),
            )
        with self._tx():
            for v in range(version + 1, CATALOGUE_SCHEMA_VERSION + 1):
                for stmt in _statements(_MIGRATIONS[v]):
                    self._conn.execute(stmt)
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                               (str(CATALOGUE_SCHEMA_VERSION),))
        log.info("%s: catalogue schema upgraded from version %d to %d", self.path, version,
                 CATALOGUE_SCHEMA_VERSION)

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self._conn.close()

    def _tx(self) -> _Transaction:
        return _Transaction(self._conn)

    # ---- meta --------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A ``meta`` value, or None."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a ``meta`` value."""
        with self._tx():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def schema_version(self) -> int:
        return int(self.get_meta("schema_version") or 0)

    @property
    def engine_name(self) -> str | None:
        return self.get_meta("engine") or None

    # ---- files -------------------------------------------------------------------------

    def file_by_path(self, path: str) -> FileRow | None:
        """The ``files`` row of one path, or None."""
        row = self._conn.execute(
            f"SELECT {_FILE_COLS} FROM files WHERE path = ?", (path,)).fetchone()
        return None if row is None else FileRow(*row)

    def files_by_sha(self, sha256: str) -> list[FileRow]:
        """Every ``files`` row with this content hash (copies, or a file before a move)."""
        rows = self._conn.execute(
            f"SELECT {_FILE_COLS} FROM files WHERE sha256 = ? ORDER BY id", (sha256,))
        return [FileRow(*r) for r in rows]

    def iter_files(self, status: str | None = None) -> Iterator[FileRow]:
        """All ``files`` rows (optionally of one status), by path."""
        if status is None:
            rows = self._conn.execute(f"SELECT {_FILE_COLS} FROM files ORDER BY path")
        else:
            rows = self._conn.execute(
                f"SELECT {_FILE_COLS} FROM files WHERE status = ? ORDER BY path", (status,))
        for r in rows.fetchall():
            yield FileRow(*r)

    def finish_files(self, ok: Iterable[FileInfo],
                     failed: Iterable[tuple[FileInfo, FailReason | str, str]]) -> None:
        """Record the files of one ingest unit, parsed (``ok``) or not (``failed``), in
        one transaction."""
        with self._tx():
            for info in ok:
                self._upsert_file(info, "ok", None, None)
            for info, reason, message in failed:
                self._upsert_file(info, "failed", str(reason), message)

    def record_failure(self, info: FileInfo, reason: FailReason | str, message: str) -> None:
        """Record that a file could not be ingested (status ``failed``)."""
        with self._tx():
            self._upsert_file(info, "failed", str(reason), message)

    def _upsert_file(self, info: FileInfo, status: str, reason: str | None,
                     error: str | None) -> None:
        self._conn.execute(
            """INSERT INTO files (path, sha256, size, mtime, format, status, reason, error,
                                  pages, ocr_pages, ingested_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (path) DO UPDATE SET
                 sha256 = excluded.sha256, size = excluded.size, mtime = excluded.mtime,
                 format = excluded.format, status = excluded.status,
                 reason = excluded.reason, error = excluded.error, pages = excluded.pages,
                 ocr_pages = excluded.ocr_pages, ingested_at = excluded.ingested_at""",
            (info.path, info.sha256, info.size, info.mtime, info.format, status, reason,
             error, info.pages, info.ocr_pages, _now()),
        )

    def move_file(self, old_path: str, info: FileInfo) -> None:
        """A file seen at a new path with known content: update its row, keep documents."""
        with self._tx():
            self._conn.execute("DELETE FROM files WHERE path = ?", (info.path,))
            self._conn.execute(
                "UPDATE files SET path = ?, size = ?, mtime = ?, status = 'ok', "
                "reason = NULL, error = NULL WHERE path = ?",
                (info.path, info.size, info.mtime, old_path))
            self._conn.execute(
                "UPDATE document_files SET path = ? WHERE path = ? AND sha256 = ?",
                (info.path, old_path, info.sha256))

    def copy_file(self, source: FileRow, info: FileInfo) -> None:
        """A second path holding content already ingested: recorded, no new document."""
        with self._tx():
            self._upsert_file(
                FileInfo(info.path, info.sha256, info.size, info.mtime, source.format,
                         source.pages, source.ocr_pages),
                "ok", None, None)

    def restore_file(self, info: FileInfo) -> None:
        """A file marked missing is back with the same content."""
        with self._tx():
            self._conn.execute(
                "UPDATE files SET status = 'ok', size = ?, mtime = ? WHERE path = ?",
                (info.size, info.mtime, info.path))

    def mark_missing(self, paths: Iterable[str]) -> int:
        """Mark files that are gone from disk as ``missing``; returns how many changed.
        Their documents stay until :meth:`prune_missing`."""
        n = 0
        with self._tx():
            for p in paths:
                cur = self._conn.execute(
                    "UPDATE files SET status = 'missing' WHERE path = ? AND status != 'missing'",
                    (p,))
                n += cur.rowcount
        return n

    def prune_missing(self, paths: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
        """Remove ``missing`` files (all, or those of ``paths``) and the documents no
        remaining file holds.

        Returns:
            (removed file paths, removed document ids). The caller deletes the documents
            from the search engine.
        """
        with self._tx():
            rows = self._conn.execute(
                "SELECT path, sha256 FROM files WHERE status = 'missing' ORDER BY path"
            ).fetchall()
            if paths is not None:
                wanted = set(paths)
                rows = [r for r in rows if r[0] in wanted]
            for path, _sha in rows:
                self._conn.execute("DELETE FROM files WHERE path = ?", (path,))
            removed = [r[0] for r in rows]
            doc_ids = self._orphans({r[1] for r in rows})
            self._delete_documents(doc_ids)
        return removed, doc_ids

    def _orphans(self, shas: Iterable[str]) -> list[str]:
        """Documents using one of ``shas`` that some file of theirs no longer backs."""
        out: set[str] = set()
        for sha in shas:
            held = self._conn.execute(
                "SELECT 1 FROM files WHERE sha256 = ? AND status != 'missing' LIMIT 1",
                (sha,)).fetchone()
            if held:
                continue
            out.update(r[0] for r in self._conn.execute(
                "SELECT document_id FROM document_files WHERE sha256 = ?", (sha,)))
        return sorted(out)

    # ---- documents ---------------------------------------------------------------------

    def put_document(self, doc: Document, files: Sequence[FileInfo]) -> Document:
        """Insert or replace one document (row, files, pages) in one transaction.

        The extracted facts are stored as given; the lookup columns (symbol, number, date,
        type, issuer, subject) hold the values once the officer's corrections are applied.

        Args:
            doc: the document; ``doc.files`` gives, in order, the paths and page ranges.
            files: the :class:`FileInfo` of each path in ``doc.files`` (content hashes).

        Returns:
            The document as readers see it (corrections applied; ``doc`` is not changed).
        """
        by_path = {f.path: f for f in files}
        refs: list[tuple[FileRef, FileInfo]] = []
        for ref in doc.files:
            info = by_path.get(ref.path)
            if info is None:
                raise StoreError(f"document {doc.id}: no file info for {ref.path}")
            refs.append((ref, info))
        if not refs:
            raise StoreError(f"document {doc.id} has no file")
        first_ref, first_info = refs[0]
        first, last = _page_range(first_ref)
        with self._tx():
            shown = self._overlay([copy.copy(doc)])[0]
            f = shown.facts
            self._conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            self._conn.execute(
                """INSERT INTO documents (id, file_sha256, first_page, last_page, format, ocr,
                       pages, facts, warnings, symbol, symbol_key, number, date, year,
                       doc_type, issuer, subject, ingested_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (doc.id, first_info.sha256, first, last, doc.format, int(doc.ocr), doc.pages,
                 json.dumps(_facts_dict(doc.facts), ensure_ascii=False),
                 json.dumps(doc.warnings, ensure_ascii=False),
                 f.symbol, symbol_key(f.symbol), f.number, f.date, _year(f.date),
                 f.doc_type, f.issuer, f.subject, _now()),
            )
            self._conn.executemany(
                "INSERT INTO document_files (document_id, seq, sha256, path, first_page, "
                "last_page) VALUES (?, ?, ?, ?, ?, ?)",
                [(doc.id, i, info.sha256, ref.path, *_page_range(ref))
                 for i, (ref, info) in enumerate(refs)],
            )
            self._conn.executemany(
                "INSERT INTO pages (document_id, seq, number, source, text, ocr, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(doc.id, i, p.number, p.source, p.text, int(p.ocr), p.confidence)
                 for i, p in enumerate(doc.page_texts)],
            )
        return shown

    def documents_of_shas(self, shas: Iterable[str]) -> list[str]:
        """Ids of the documents made from any of these file contents."""
        out: set[str] = set()
        for sha in set(shas):
            out.update(r[0] for r in self._conn.execute(
                "SELECT document_id FROM document_files WHERE sha256 = ?", (sha,)))
        return sorted(out)

    def remove_documents(self, ids: Iterable[str]) -> list[str]:
        """Delete documents (and their pages) by id; returns the ids that existed."""
        with self._tx():
            return self._delete_documents(list(ids))

    def _delete_documents(self, ids: list[str]) -> list[str]:
        gone = []
        for doc_id in ids:
            cur = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            if cur.rowcount:
                gone.append(doc_id)
        return gone

    def document_ids(self) -> set[str]:
        """Ids of every document."""
        return {r[0] for r in self._conn.execute("SELECT id FROM documents")}

    def shas_of_document(self, doc_id: str) -> list[str]:
        """Content hashes of the files a document comes from."""
        return [r[0] for r in self._conn.execute(
            "SELECT sha256 FROM document_files WHERE document_id = ? ORDER BY seq", (doc_id,))]

    def count_documents(self) -> int:
        """Number of documents."""
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def get_document(self, doc_id: str, *, with_pages: bool = True) -> Document | None:
        """One document by exact id, or None."""
        rows = self._conn.execute(
            f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", (doc_id,)).fetchall()
        docs = self._build(rows, with_pages)
        return docs[0] if docs else None

    def get_documents(self, ids: Sequence[str], *, with_pages: bool = False) -> dict[str, Document]:
        """Several documents by exact id, in one query per 500 ids: ``{id: document}``."""
        out: dict[str, Document] = {}
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE id IN ({marks})", chunk).fetchall()
            out.update((d.id, d) for d in self._build(rows, with_pages))
        return out

    def iter_documents(self, *, with_pages: bool = True) -> Iterator[Document]:
        """Every document, by id (facts, files, and page texts unless ``with_pages`` is
        false). Rows are fetched in batches, so memory stays bounded on large stores."""
        last = ""
        while True:
            rows = self._conn.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE id > ? ORDER BY id LIMIT {_BATCH}",
                (last,)).fetchall()
            if not rows:
                return
            yield from self._build(rows, with_pages)
            last = rows[-1][0]

    def find_documents(self, ref: str) -> list[Document]:
        """Documents matching a reference: exact id, symbol (``111/KH-UBND``, compared with
        :func:`evidence.extract.symbols.normalize_symbol`), id prefix (≥ 6 hex digits), or
        file path. The first kind that matches wins; an empty list when none does."""
        ref = ref.strip()
        if not ref:
            return []
        low = ref.lower()
        doc = self.get_document(low)
        if doc is not None:
            return [doc]
        key = symbol_key(ref)
        if key:
            ids = [r[0] for r in self._conn.execute(
                "SELECT id FROM documents WHERE symbol_key = ? ORDER BY date, id", (key,))]
            if ids:
                return self._documents(ids)
        if len(low) >= 6 and all(c in "0123456789abcdef" for c in low):
            ids = [r[0] for r in self._conn.execute(
                "SELECT id FROM documents WHERE id LIKE ? ORDER BY id", (low + "%",))]
            if ids:
                return self._documents(ids)
        return self._documents(self._ids_by_path(ref))

    def _ids_by_path(self, ref: str) -> list[str]:
        return self.ids_at_path(ref)

    def ids_at_path(self, ref: str) -> list[str]:
        """Ids of the documents of the file at ``ref`` (as given, absolute, resolved; NFC
        and NFD spellings), or of files with that file's content."""
        import unicodedata

        candidates: set[str] = set()
        for form in {ref, unicodedata.normalize("NFC", ref), unicodedata.normalize("NFD", ref)}:
            candidates.add(form)
            try:
                candidates.add(str(Path(form).expanduser().absolute()))
                candidates.add(str(Path(form).expanduser().resolve()))
            except (OSError, RuntimeError, ValueError):
                pass
        ids: list[str] = []
        for p in sorted(candidates):
            shas = [r[0] for r in self._conn.execute(
                "SELECT sha256 FROM files WHERE path = ?", (p,))]
            rows = self._conn.execute(
                "SELECT DISTINCT document_id FROM document_files WHERE path = ? "
                f"OR sha256 IN ({','.join('?' * len(shas))}) ORDER BY document_id",
                (p, *shas))
            ids.extend(r[0] for r in rows if r[0] not in ids)
        return ids

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """Ids beginning with ``prefix`` (lower-case hex)."""
        return [r[0] for r in self._conn.execute(
            "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id",
            (prefix, prefix + "g"))]

    def symbols_with_number(self, number: str) -> list[tuple[str, str | None]]:
        """``(id, symbol)`` of the documents whose (corrected) number is ``number``,
        leading zeros ignored (``05`` = ``5``; ``66`` also finds ``66.18``)."""
        return [(r[0], r[1]) for r in self._conn.execute(
            "SELECT id, symbol FROM documents WHERE number IS NOT NULL AND "
            "(ltrim(number, '0') = ? OR ltrim(number, '0') LIKE ? || '.%' "
            "OR (? = '0' AND ltrim(number, '0') = '')) ORDER BY id",
            (number, number, number))]

    def documents(self, ids: Sequence[str], *, with_pages: bool = True) -> list[Document]:
        """Documents by id, in the order given (unknown ids skipped)."""
        if with_pages:
            return self._documents(ids)
        by_id = {d.id: d for d in self._documents_light(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def iter_documents_ingest_order(self, *, with_pages: bool = False) -> Iterator[Document]:
        """Every document in the order it was (last) stored, in batches."""
        last = -1
        while True:
            rows = self._conn.execute(
                f"SELECT rowid, {_DOC_COLS} FROM documents WHERE rowid > ? ORDER BY rowid "
                f"LIMIT {_BATCH}", (last,)).fetchall()
            if not rows:
                return
            yield from self._build([r[1:] for r in rows], with_pages)
            last = rows[-1][0]

    def _documents(self, ids: Sequence[str]) -> list[Document]:
        """Documents by id, in the order given (unknown ids skipped)."""
        out: list[Document] = []
        for start in range(0, len(ids), _BATCH):
            chunk = list(ids[start:start + _BATCH])
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE id IN ({marks})", chunk).fetchall()
            by_id = {d.id: d for d in self._build(rows, True)}
            out.extend(by_id[i] for i in chunk if i in by_id)
        return out

    def _build(self, rows: Sequence[tuple[Any, ...]], with_pages: bool) -> list[Document]:
        """Documents from ``documents`` rows, with their files and pages fetched in one
        query each for the whole batch."""
        if not rows:
            return []
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        refs: dict[str, list[tuple[str, str, int | None, int | None]]] = {i: [] for i in ids}
        for doc_id, sha, path, first, last in self._conn.execute(
                "SELECT document_id, sha256, path, first_page, last_page FROM document_files "
                f"WHERE document_id IN ({marks}) ORDER BY document_id, seq", ids):
            refs[doc_id].append((sha, path, first, last))
        shas = sorted({r[0] for lst in refs.values() for r in lst})
        ok_paths: dict[str, list[str]] = {}
        for start in range(0, len(shas), _BATCH):
            chunk = shas[start:start + _BATCH]
            for sha, path in self._conn.execute(
                    "SELECT sha256, path FROM files WHERE status = 'ok' AND sha256 IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY id", chunk):
                ok_paths.setdefault(sha, []).append(path)
        pages: dict[str, list[Page]] = {i: [] for i in ids}
        if with_pages:
            for doc_id, number, text, ocr, conf, source in self._conn.execute(
                    "SELECT document_id, number, text, ocr, confidence, source FROM pages "
                    f"WHERE document_id IN ({marks}) ORDER BY document_id, seq", ids):
                pages[doc_id].append(Page(number=number, text=text, ocr=bool(ocr),
                                          confidence=conf, source=source))
        docs = []
        for doc_id, fmt, ocr, n_pages, facts_json, warnings_json in rows:
            files = [FileRef(path=_shown_path(ok_paths.get(sha, []), path),
                             pages=None if first is None or last is None else [first, last])
                     for sha, path, first, last in refs[doc_id]]
            docs.append(Document(
                id=doc_id,
                files=files,
                path=files[0].path if files else "",
                format=fmt,
                ocr=bool(ocr),
                pages=n_pages,
                facts=facts_from_dict(json.loads(facts_json)),
                page_texts=pages[doc_id],
                warnings=list(json.loads(warnings_json)),
            ))
        return self._overlay(docs)

    # ---- the officer's decisions (schema v2; docs/store.md, "Corrections") -------------

    def _overlay(self, docs: list[Document]) -> list[Document]:
        """Apply stored corrections and numbers filled from citing documents over
        ``docs`` (in place; :func:`evidence.index.corrections.apply_overlay`)."""
        if not docs:
            return docs
        ids = [d.id for d in docs]
        corr = self.corrections_for(ids)
        cited = self._cited_for(ids)
        if not corr and not cited:
            return docs
        from evidence.index.corrections import apply_overlay

        for d in docs:
            if d.id in corr or d.id in cited:
                apply_overlay(d, corr.get(d.id, []), cited.get(d.id))
        return docs

    def _rows_in(self, sql: str, ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (holding one ``{marks}``) for ``ids``, in batches."""
        for start in range(0, len(ids), _BATCH):
            chunk = list(ids[start:start + _BATCH])
            yield from self._conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def corrections_for(self, ids: Sequence[str]) -> dict[str, list[Correction]]:
        """The stored corrections of these documents, by document id (field order of
        :data:`evidence.index.corrections.FIELDS`)."""
        from evidence.index.corrections import FIELDS

        order = {f: i for i, f in enumerate(FIELDS)}
        out: dict[str, list[Correction]] = {}
        for row in self._rows_in(
                "SELECT document_id, field, value, was, confirmed, note, at FROM corrections "
                "WHERE document_id IN ({marks})", ids):
            out.setdefault(row[0], []).append(_correction(row[1:]))
        for lst in out.values():
            lst.sort(key=lambda c: order.get(c.field, len(order)))
        return out

    def _cited_for(self, ids: Sequence[str]) -> dict[str, Any]:
        from evidence.index.corrections import CitedNumber

        return {r[0]: CitedNumber(r[1], r[2], r[3]) for r in self._rows_in(
            "SELECT document_id, number, cited_by, cited_by_symbol FROM cited_numbers "
            "WHERE document_id IN ({marks})", ids)}

    def correction_records(self) -> list[dict[str, Any]]:
        """Every stored correction with where it stands: ``in_store`` (its document is
        stored), ``stale`` (its document is gone and the file at its recorded path now
        holds other content, ``current`` = the ids of the documents there)."""
        stored = self.document_ids()
        out = []
        for doc_id, fieldname, value, was, confirmed, note, at, path, symbol in self._conn.execute(
                "SELECT document_id, field, value, was, confirmed, note, at, path, symbol "
                "FROM corrections ORDER BY at, document_id, field"):
            c = _correction((fieldname, value, was, confirmed, note, at))
            current = [] if doc_id in stored or not path else [
                i for i in self._ids_at_path(path) if i != doc_id]
            c.stale = bool(current)
            out.append({"id": doc_id, "correction": c, "path": path, "symbol": symbol,
                        "in_store": doc_id in stored, "current": current})
        return out

    def _ids_at_path(self, path: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT DISTINCT d.document_id FROM files f JOIN document_files d "
            "ON d.sha256 = f.sha256 WHERE f.path = ? AND f.status = 'ok' "
            "ORDER BY d.document_id", (path,))]

    def links(self, catalogue: str | None = None) -> list[ManualLink]:
        """The officer's manual links (of one criteria catalogue, or all)."""
        sql = ("SELECT catalogue, requirement, document_id, counts, note, at FROM manual_links"
               + (" WHERE catalogue = ?" if catalogue is not None else "")
               + " ORDER BY catalogue, requirement, at")
        rows = self._conn.execute(sql, (catalogue,) if catalogue is not None else ())
        return [ManualLink(catalogue=r[0], requirement=r[1], doc_id=r[2], counts=bool(r[3]),
                           note=r[4], at=r[5]) for r in rows]

    def removed(self) -> list[dict[str, Any]]:
        """Documents removed by the officer (``evidence remove``), oldest first."""
        return [{"id": r[0], "at": r[1], "path": r[2], "symbol": r[3]}
                for r in self._conn.execute(
                    "SELECT document_id, at, path, symbol FROM removed ORDER BY at, document_id")]

    def is_removed(self, doc_id: str) -> bool:
        """Whether the officer removed this document (the next ingest skips it)."""
        return self._conn.execute(
            "SELECT 1 FROM removed WHERE document_id = ?", (doc_id,)).fetchone() is not None

    def decision_state(self, table: str, key: dict[str, str]) -> dict[str, Any] | None:
        """The current row of one decision (``corrections``, ``links``, ``removed``)."""
        name, keys, values = _DECISIONS[table]
        where = " AND ".join(f"{col} = ?" for col in keys.values())
        row = self._conn.execute(
            f"SELECT {', '.join(values)} FROM {name} WHERE {where}",
            [key[k] for k in keys]).fetchone()
        return None if row is None else _decision_dict(table, dict(zip(values, row, strict=True)))

    def journal_entries(self, *, document_id: str | None = None,
                        kinds: Iterable[str] | None = None,
                        live: bool = False) -> list[dict[str, Any]]:
        """Journal entries recorded in this catalogue, newest first (``live``: those not
        undone yet)."""
        sql = "SELECT body FROM journal WHERE 1 = 1"
        args: list[Any] = []
        if document_id is not None:
            sql += " AND document_id = ?"
            args.append(document_id)
        if kinds is not None:
            ks = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(ks))})"
            args += ks
        if live:
            sql += " AND undone_by IS NULL"
        return [json.loads(r[0]) for r in self._conn.execute(sql + " ORDER BY seq DESC", args)]

    def record_decision(self, kind: str, changes: Sequence[tuple[str, dict[str, str],
                                                                 dict[str, Any] | None]],
                        journal: Path, *, meta: dict[str, Any] | None = None,
                        undoes: str | None = None) -> dict[str, Any]:
        """Make one officer's change — rows of ``corrections``, ``links`` or ``removed``
        set to ``after`` (None deletes) — in one transaction, appended (fsync'd) to the
        journal before it commits. A removal also deletes the document; documents whose
        corrections changed get their lookup columns refreshed and are queued for the
        search index (:meth:`pending_index_ids`).

        Returns:
            the journal entry.

        Raises:
            StoreError: the journal cannot be written (nothing is changed).
        """
        with self._tx():
            entry: dict[str, Any] = {
                "v": 1, "id": uuid.uuid4().hex, "at": _now(), "kind": kind,
                "undoes": undoes, **(meta or {}),
                "changes": [{"table": t, "key": dict(k),
                             "before": self.decision_state(t, k), "after": a}
                            for t, k, a in changes],
            }
            self._apply_entry(entry)
            try:
                size = append_entry(journal, entry)
            except OSError as exc:
                raise StoreError(f"không ghi được nhật ký sửa đổi: {exc.strerror or exc}",
                                 subject=str(journal)) from exc
            self._set_meta_in_tx("journal_size", str(size))
        return entry

    def _apply_entry(self, entry: dict[str, Any]) -> None:
        """Set the rows of one journal entry and record it (inside a transaction)."""
        touched: set[str] = set()
        for ch in entry["changes"]:
            table, key, after = ch["table"], ch["key"], ch.get("after")
            if table not in _DECISIONS:
                continue  # a newer evidence's decision: kept in the journal, not applied
            name, keys, values = _DECISIONS[table]
            where = " AND ".join(f"{col} = ?" for col in keys.values())
            self._conn.execute(f"DELETE FROM {name} WHERE {where}", [key[k] for k in keys])
            if after is not None:
                cols = [*keys.values(), *values]
                row = [key[k] for k in keys] + [_decision_column(table, v, after.get(v))
                                                for v in values]
                self._conn.execute(
                    f"INSERT INTO {name} ({', '.join(cols)}) VALUES "
                    f"({', '.join('?' * len(cols))})", row)
            if table == "corrections":
                touched.add(key["doc"])
            elif table == "removed" and after is not None:
                self._delete_documents([key["doc"]])
                self._conn.execute("DELETE FROM cited_numbers WHERE document_id = ? "
                                   "OR cited_by = ?", (key["doc"], key["doc"]))
        self._conn.execute(
            "INSERT OR IGNORE INTO journal (entry_id, kind, document_id, at, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (entry["id"], entry.get("kind", ""), entry.get("doc"), entry.get("at") or _now(),
             json.dumps(entry, ensure_ascii=False, sort_keys=True)))
        if entry.get("undoes"):
            self._conn.execute("UPDATE journal SET undone_by = ? WHERE entry_id = ?",
                               (entry["id"], entry["undoes"]))
        self._refresh_columns(sorted(touched))

    def _refresh_columns(self, ids: Sequence[str]) -> None:
        """Lookup columns of these documents from their corrected facts; queue them for
        the search index."""
        for doc in self._documents_light(ids):
            f = doc.facts
            self._conn.execute(
                "UPDATE documents SET symbol = ?, symbol_key = ?, number = ?, date = ?, "
                "year = ?, doc_type = ?, issuer = ?, subject = ? WHERE id = ?",
                (f.symbol, symbol_key(f.symbol), f.number, f.date, _year(f.date),
                 f.doc_type, f.issuer, f.subject, doc.id))
            self._conn.execute("INSERT OR IGNORE INTO index_pending (document_id) VALUES (?)",
                               (doc.id,))

    def _documents_light(self, ids: Sequence[str]) -> list[Document]:
        out: list[Document] = []
        for start in range(0, len(ids), _BATCH):
            chunk = list(ids[start:start + _BATCH])
            rows = self._conn.execute(
                f"SELECT {_DOC_COLS} FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                chunk).fetchall()
            out += self._build(rows, False)
        return out

    def _set_meta_in_tx(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def replay_journal(self, journal: Path) -> int:
        """Bring this catalogue and the journal beside it to the same decisions: entries
        of the journal the catalogue lacks (a rebuilt or restored catalogue, a run killed
        after the append) are applied in journal order, each in its own transaction;
        entries the catalogue has and the journal lacks (a deleted journal) are appended
        to it. Skipped when the journal has the size recorded at the last change.

        Returns:
            the number of entries applied to the catalogue.
        """
        size = journal_size(journal)
        if str(size) == (self.get_meta("journal_size") or "0"):
            return 0
        entries = read_entries(journal)
        in_file = {e["id"] for e in entries}
        known = {r[0] for r in self._conn.execute("SELECT entry_id FROM journal")}
        applied = 0
        for entry in entries:
            if entry["id"] in known:
                continue
            with self._tx():
                self._apply_entry(entry)
            applied += 1
        for (body,) in self._conn.execute("SELECT body FROM journal ORDER BY seq").fetchall():
            entry = json.loads(body)
            if entry["id"] not in in_file:
                append_entry(journal, entry)
        self.set_meta("journal_size", str(journal_size(journal)))
        if applied:
            log.warning("%s: %d officer's decisions replayed from %s", self.path, applied,
                        journal)
        return applied

    def pending_index_ids(self) -> list[str]:
        """Documents whose search-index entry must be rewritten (corrected facts)."""
        return [r[0] for r in self._conn.execute(
            "SELECT document_id FROM index_pending ORDER BY document_id")]

    def clear_pending(self, ids: Iterable[str]) -> None:
        """The search index holds these documents' current facts."""
        with self._tx():
            self._conn.executemany("DELETE FROM index_pending WHERE document_id = ?",
                                   [(i,) for i in ids])

    def refresh_cited_numbers(self) -> list[str]:
        """Recompute the numbers filled from citing documents: a stored
        document whose number is empty with a ``handwritten`` / ``low_confidence`` review
        item takes the number that the stored documents citing it (same type, date and
        issuer) agree on; a number printed or corrected is never overridden, and a filled
        number goes away with the last document that cited it. One transaction.

        Returns:
            ids of the documents whose filled number changed (queued for the index).
        """
        from evidence.index.corrections import cited_number_for, cited_number_wanted

        with self._tx():
            old = {r[0]: (r[1], r[2]) for r in self._conn.execute(
                "SELECT document_id, number, cited_by FROM cited_numbers")}
            self._conn.execute("DELETE FROM cited_numbers")
            corrected = {r[0] for r in self._conn.execute(
                "SELECT document_id FROM corrections WHERE field = 'number'")}
            wanted = [d for d in self._documents_light([r[0] for r in self._conn.execute(
                "SELECT id FROM documents WHERE number IS NULL AND length(date) = 10 AND "
                "(instr(facts, 'handwritten') > 0 OR instr(facts, 'low_confidence') > 0)")])
                if d.id not in corrected and cited_number_wanted(d.facts)]
            new: dict[str, Any] = {}
            wanted = [d for d in wanted if d.facts.date and d.facts.doc_type]
            citing = self._citing_candidates(sorted({d.facts.date or "" for d in wanted}))
            for doc in wanted:
                hit = cited_number_for(doc, citing, taken=self._symbol_taken)
                if hit is not None:
                    new[doc.id] = hit
                    self._conn.execute(
                        "INSERT INTO cited_numbers (document_id, number, cited_by, "
                        "cited_by_symbol) VALUES (?, ?, ?, ?)",
                        (doc.id, hit.number, hit.cited_by, hit.cited_by_symbol))
            changed = sorted(i for i in set(old) | set(new)
                             if old.get(i) != ((new[i].number, new[i].cited_by)
                                               if i in new else None))
            self._refresh_columns(changed)
        return changed

    def _citing_candidates(self, dates: Sequence[str]) -> list[Document]:
        """Documents whose facts mention one of these ISO dates (one scan per 50 dates):
        the only ones that can cite a document of that date."""
        ids: list[str] = []
        for start in range(0, len(dates), 50):
            chunk = list(dates[start:start + 50])
            cond = " OR ".join("instr(facts, ?) > 0" for _ in chunk)
            ids += [r[0] for r in self._conn.execute(
                f"SELECT id FROM documents WHERE {cond}", chunk)]
        return self._documents_light(sorted(set(ids)))

    def _symbol_taken(self, symbol: str, year: str | None, doc_id: str) -> bool:
        """Whether another stored document already bears this symbol (in this year)."""
        key = symbol_key(symbol)
        for _other, date in self._conn.execute(
                "SELECT id, date FROM documents WHERE symbol_key = ? AND id != ?",
                (key, doc_id)):
            if year is None or not date or date[:4] == year:
                return True
        return False

    def review_count(self) -> dict[str, int]:
        """How many documents need the officer, and how many items (``evidence review``),
        read from the lookup columns and two JSON paths of the facts (no full parse: this
        is in every ``status``)."""
        from evidence.index.corrections import review_items
        from evidence.model import ReviewItem, Signer

        docs = items = 0
        last = ""
        while True:
            rows = self._conn.execute(
                "SELECT id, number, symbol, date, issuer, json_extract(facts, '$.signer.name'), "
                "json_extract(facts, '$.review') FROM documents WHERE id > ? ORDER BY id "
                f"LIMIT {_BATCH * 5}", (last,)).fetchall()
            if not rows:
                return {"documents": docs, "items": items}
            ids = [r[0] for r in rows]
            corr = self.corrections_for(ids)
            cited = self._cited_for(ids)
            for doc_id, number, symbol, date, issuer, signer, review in rows:
                kept = [ReviewItem(field=r["field"], reason=r["reason"])
                        for r in json.loads(review or "[]")
                        if not (doc_id in cited and r["field"] == "number")]
                facts = Facts(number=number, symbol=symbol, date=date, issuer=issuer,
                              signer=Signer(name=signer) if signer else None, review=kept)
                doc = Document(id=doc_id, files=[], path="", format="", ocr=False, pages=None,
                               facts=facts, corrections=corr.get(doc_id, []))
                n = len(review_items(doc))
                docs += bool(n)
                items += n
            last = rows[-1][0]

    # ---- status ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What ``evidence status --json`` prints (the store adds its size and engine).

        Keys: ``schema_version``, ``documents``, ``pages``, ``ocr_pages``,
        ``files`` (counts by status), ``by_type``, ``by_year``, ``by_format``,
        ``ocr`` (documents read by OCR vs from a text layer), ``failed`` (path, reason,
        error), ``missing`` (paths).
        """
        q = self._conn.execute

        def counts(sql: str) -> dict[str, int]:
            return {("null" if k is None else str(k)): int(n) for k, n in q(sql)}

        files = {"ok": 0, "failed": 0, "missing": 0}
        files.update(counts("SELECT status, count(*) FROM files GROUP BY status"))
        pages_row = q("SELECT count(*), coalesce(sum(ocr), 0) FROM pages").fetchone()
        ocr_docs = int(q("SELECT count(*) FROM documents WHERE ocr = 1").fetchone()[0])
        n_docs = self.count_documents()
        return {
            "schema_version": self.schema_version,
            "documents": n_docs,
            "pages": int(pages_row[0]),
            "ocr_pages": int(pages_row[1]),
            "files": files,
            "by_type": counts(
                "SELECT doc_type, count(*) FROM documents GROUP BY doc_type "
                "ORDER BY count(*) DESC, doc_type"),
            "by_year": counts(
                "SELECT year, count(*) FROM documents GROUP BY year ORDER BY year"),
            "by_format": counts(
                "SELECT format, count(*) FROM documents GROUP BY format "
                "ORDER BY count(*) DESC, format"),
            "ocr": {"documents": ocr_docs, "text_layer": n_docs - ocr_docs},
            "failed": [
                {"path": r[0], "reason": r[1], "error": r[2]}
                for r in q("SELECT path, reason, error FROM files WHERE status = 'failed' "
                           "ORDER BY path")
            ],
            "missing": [r[0] for r in q(
                "SELECT path FROM files WHERE status = 'missing' ORDER BY path")],
            # the officer's side (schema v2): what needs checking, what was decided
            "review": self.review_count(),
            "corrections": int(q("SELECT count(*) FROM corrections").fetchone()[0]),
            "links": int(q("SELECT count(*) FROM manual_links").fetchone()[0]),
            "removed": int(q("SELECT count(*) FROM removed").fetchone()[0]),
        }

    def dump(self) -> dict[str, Any]:
        """Every row except timestamps, in a stable order: two stores with equal dumps
        hold the same files, documents and pages (used by the resume tests)."""
        q = self._conn.execute
        return {
            "files": [list(r) for r in q(
                "SELECT path, sha256, size, format, status, reason, error, pages, ocr_pages "
                "FROM files ORDER BY path")],
            "documents": [list(r) for r in q(
                "SELECT id, file_sha256, first_page, last_page, format, ocr, pages, facts, "
                "warnings, symbol, symbol_key, date, year, doc_type, issuer, subject "
                "FROM documents ORDER BY id")],
            "document_files": [list(r) for r in q(
                "SELECT document_id, seq, sha256, path, first_page, last_page "
                "FROM document_files ORDER BY document_id, seq")],
            "pages": [list(r) for r in q(
                "SELECT document_id, seq, number, source, text, ocr, confidence "
                "FROM pages ORDER BY document_id, seq")],
        }


_FILE_COLS = ("path, sha256, size, mtime, format, status, reason, error, pages, ocr_pages, "
              "ingested_at")
_DOC_COLS = "id, format, ocr, pages, facts, warnings"
_BATCH = 200  # documents per batch read (bounded memory, few queries)


#: journal table name -> (SQL table, key names -> columns, value columns)
_DECISIONS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "corrections": ("corrections", {"doc": "document_id", "field": "field"},
                    ("value", "was", "confirmed", "note", "at", "path", "symbol")),
    "links": ("manual_links", {"catalogue": "catalogue", "requirement": "requirement",
                               "doc": "document_id"}, ("counts", "note", "at", "symbol")),
    "removed": ("removed", {"doc": "document_id"}, ("at", "path", "symbol", "note")),
}
_JSON_COLUMNS = {"value", "was"}
_BOOL_COLUMNS = {"confirmed", "counts"}


def _decision_column(table: str, name: str, value: Any) -> Any:
    if name in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if name in _BOOL_COLUMNS:
        return int(bool(value))
    return value


def _decision_dict(table: str, row: dict[str, Any]) -> dict[str, Any]:
    for k in _JSON_COLUMNS & row.keys():
        row[k] = None if row[k] is None else json.loads(row[k])
    for k in _BOOL_COLUMNS & row.keys():
        row[k] = bool(row[k])
    return row


def _correction(row: Sequence[Any]) -> Correction:
    fieldname, value, was, confirmed, note, at = row
    return Correction(field=fieldname, value=None if value is None else json.loads(value),
                      was=None if was is None else json.loads(was), at=at, note=note,
                      confirmed=bool(confirmed))


def _shown_path(ok_paths: list[str], recorded: str) -> str:
    """The path a document's file is shown under: the recorded one while that file is
    ``ok``, else another ``ok`` file with the same content (a copy, or the file after a
    move), else the recorded one."""
    if not ok_paths or recorded in ok_paths:
        return recorded
    return ok_paths[0]


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit
    connection: one writer at a time, and nothing half-written survives a crash."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")


def _facts_dict(facts: Facts) -> dict[str, Any]:
    # Document.to_dict() is the one serialisation of facts; an empty shell around the facts
    # keeps ingest warnings (stored separately) out of facts["warnings"].
    return Document(id="", files=[], path="", format="", ocr=False, pages=None,
                    facts=facts).to_dict()


def _page_range(ref: FileRef) -> tuple[int | None, int | None]:
    if not ref.pages:
        return None, None
    return ref.pages[0], ref.pages[-1]


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def symbol_key(symbol: str | None) -> str | None:
    """The lookup key of a symbol: :func:`evidence.extract.symbols.symbol_key`, imported
    lazily (search start-up)."""
    from evidence.extract.symbols import symbol_key as key

    return key(symbol)
