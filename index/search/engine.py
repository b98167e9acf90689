"""The search-engine interface and registry: what ingest, check and the CLI call, whatever
the engine.

Whoosh (pure Python, the default) and Tantivy (``tantivy-py``, optional) implement
:class:`SearchEngine`; :func:`open_engine` picks one for a store (:data:`ENGINES`, the one
validated choice). Both index the same terms (``analysis.py``) of the same fields
(``prepare.py``, ``ranking.py``) and share the query plan (``query.py``), the fuzzy
fallback, phrase checks and snippets (:class:`~evidence.index.search.base.BaseEngine`), so
they answer alike. The data they exchange is in ``types.py``.

On-disk layout, under ``<home>/index/``:

- ``<engine>/`` — the live index, with ``evidence-index.json`` (schema/analyzer version);
- ``<engine>.building/`` — a rebuild in progress (``evidence reindex``), committed in
  batches; an interrupted rebuild resumes there and replaces the live index only when
  complete, so searches keep working meanwhile and nothing is ever wiped silently;
- ``<engine>.lock`` — the writer lock (:class:`evidence.index.store.WriterLock`).

Which engine a store uses is recorded in the catalogue's ``meta`` table (``index/store.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from evidence.errors import StoreError

if TYPE_CHECKING:
    from evidence.index.search.types import IndexStatus, SearchQuery, SearchResults
    from evidence.model import Document

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "INDEX_SCHEMA_VERSION",
    "MARKER",
    "SearchEngine",
    "choose_engine",
    "default_engine",
    "engine_dir",
    "open_engine",
    "recorded_engine",
    "valid_engine",
]

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
#: Bumped when fields or weights change; combined with the analyzer version in the marker.
INDEX_SCHEMA_VERSION = 6
MARKER = "evidence-index.json"


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
            from evidence.index.search.tantivy_engine import TantivyEngine
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise StoreError("the tantivy engine needs `pip install evidence[tantivy]`",
                             subject="engine") from exc
        return TantivyEngine(home)
    from evidence.index.search.whoosh_engine import WhooshEngine

    return WhooshEngine(home)
