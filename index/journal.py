"""The officer's decisions journal: ``<home>/corrections.jsonl``, one JSON entry a line.

Corrections, manual links and removals are the only data of a store that cannot be rebuilt
from the files, so each change is appended here (and fsync'd) inside the catalogue
transaction that makes it, before that transaction commits. A catalogue that lacks entries
the journal has — rebuilt after it was deleted, restored from an older backup, or killed
between the append and the commit — gets them back by :meth:`Catalogue.replay_journal
<evidence.index.catalogue.Catalogue.replay_journal>`, which ``Store.open`` runs.

An entry::

    {"v": 1, "id": "<uuid hex>", "at": "2026-12-01T23:40:00+00:00", "kind": "fix",
     "doc": "<document id>", "symbol": "111/KH-UBND", "path": "/abs/file.pdf",
     "undoes": null,
     "changes": [{"table": "corrections", "key": {"doc": "...", "field": "number"},
                  "before": null, "after": {"value": "112", "was": "111", ...}}]}

``after`` is the row's whole state once the change is made (``null``: the row is gone), so
replaying entries in file order always ends with the same rows, whatever was there before.
A last line cut short by a crash is ignored (and a newline written before the next entry).
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from typing import Any

__all__ = ["JOURNAL_NAME", "append_entry", "journal_size", "read_entries"]

JOURNAL_NAME = "corrections.jsonl"


def append_entry(path: Path, entry: dict[str, Any]) -> int:
    """Append one entry as a line and fsync it; returns the file's size after.

    Raises:
        OSError: the journal cannot be written (the caller's transaction rolls back).
    """
    line = unicodedata.normalize("NFC", json.dumps(entry, ensure_ascii=False,
                                                   sort_keys=True)) + "\n"
    new = not path.exists()
    with open(path, "ab") as fh:
        if fh.tell() and not _ends_with_newline(path):
            fh.write(b"\n")  # a torn last line from a crash stays on its own line
        fh.write(line.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
        size = fh.tell()
    if new:
        _fsync_dir(path.parent)
    return size


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every well-formed entry, in order; an empty list when there is no journal.
    Lines that are not JSON objects with an ``id`` (a torn write) are skipped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    out: list[dict[str, Any]] = []
    for raw in data.splitlines():
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(entry, dict) and entry.get("id") and isinstance(entry.get("changes"), list):
            out.append(entry)
    return out


def journal_size(path: Path) -> int:
    """Size of the journal in bytes (0 when absent)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
