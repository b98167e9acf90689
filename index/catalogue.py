"""The SQLite catalogue: the store's source of truth (issue 2, "Store").

Tables (schema version :data:`SCHEMA_VERSION`, recorded in ``meta``):

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

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidence.errors import FailReason, StoreError
from evidence.model import Document, Facts, FileRef, Page, facts_from_dict

__all__ = [
    "CATALOGUE_NAME",
    "SCHEMA_VERSION",
    "Catalogue",
    "FileInfo",
    "FileRow",
    "damaged",
    "symbol_key",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
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
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    self._conn.execute(stmt)
            self._conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("created", _now()),
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
        if int(version) > SCHEMA_VERSION:
            raise StoreError(
                f"the catalogue has schema version {version}, newer than this evidence "
                f"understands ({SCHEMA_VERSION}); upgrade evidence to use it",
                subject=str(self.path),
            )
        if int(version) < SCHEMA_VERSION:  # pragma: no cover - no older schema exists yet
            raise StoreError(
                f"the catalogue has old schema version {version}; no migration exists",
                subject=str(self.path),
            )

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

    def record_files(self, infos: Iterable[FileInfo]) -> None:
        """Mark files as ingested (``ok``), in one transaction: written after all the
        documents of those files, so a run killed before this point redoes them."""
        with self._tx():
            for info in infos:
                self._upsert_file(info, "ok", None, None)

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

    def put_document(self, doc: Document, files: Sequence[FileInfo]) -> None:
        """Insert or replace one document (row, files, pages) in one transaction.

        Args:
            doc: the document; ``doc.files`` gives, in order, the paths and page ranges.
            files: the :class:`FileInfo` of each path in ``doc.files`` (content hashes).
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
        f = doc.facts
        first_ref, first_info = refs[0]
        first, last = _page_range(first_ref)
        with self._tx():
            self._conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            self._conn.execute(
                """INSERT INTO documents (id, file_sha256, first_page, last_page, format, ocr,
                       pages, facts, warnings, symbol, symbol_key, number, date, year,
                       doc_type, issuer, subject, ingested_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (doc.id, first_info.sha256, first, last, doc.format, int(doc.ocr), doc.pages,
                 json.dumps(_facts_dict(f), ensure_ascii=False),
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
        candidates = {ref}
        try:
            candidates.add(str(Path(ref).expanduser().absolute()))
            candidates.add(str(Path(ref).expanduser().resolve()))
        except (OSError, RuntimeError):
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
        return docs

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
    """The lookup key of a symbol (``normalize_symbol``), None for none."""
    if not symbol:
        return None
    from evidence.extract.symbols import normalize_symbol

    key = normalize_symbol(symbol)
    return key or None
