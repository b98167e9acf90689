"""The check over a store: load the catalogue and the stored documents, then :func:`check`.

This is the one function the ``check`` and ``pack`` commands call; :func:`check` itself
stays pure over documents. Annexes kept beside a document but not stored (a spreadsheet the
ingest skipped) are looked up on disk by :func:`files_beside`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from evidence.check.criteria import catalogue_id, load_catalogue
from evidence.check.matching import DocView
from evidence.check.verdicts import CheckReport, check
from evidence.model import Document, ManualLink

__all__ = ["files_beside", "load_documents", "run_check"]

log = logging.getLogger(__name__)


def load_documents(home: Path) -> list[Document]:
    """Every document of the store in ``home`` (facts and page texts).

    Raises:
        StoreError: there is no store in ``home``.
    """
    from evidence.index.store import Store

    with Store.open(home, create=False) as store:
        return list(store.catalogue.iter_documents())


def files_beside(view: DocView) -> list[str]:
    """Files in the folder of a document's first file (not recursive)."""
    return list(_listing(view.folder))


@lru_cache(maxsize=1024)
def _listing(folder: str) -> tuple[str, ...]:
    if not folder:
        return ()
    try:
        with os.scandir(folder) as it:
            return tuple(sorted(e.path for e in it if e.is_file()))
    except OSError:
        return ()


def run_check(home: Path, criteria: str | Path | None = None, *, year: int | None = None,
              links: Sequence[ManualLink] | None = None) -> CheckReport:
    """Check the store in ``home`` against a catalogue (the shipped default when
    ``criteria`` is None), with the officer's manual links: ``links`` when given, else
    those the store holds under the catalogue's
    :func:`~evidence.check.criteria.catalogue_id` (``evidence link`` / ``unlink``).

    Raises:
        BadCriteriaFile: the catalogue follows neither schema_version 1 nor 2.
        StoreError: there is no store in ``home``.
    """
    from evidence.index.store import Store

    catalogue = load_catalogue(criteria)
    with Store.open(home, create=False) as store:
        documents = list(store.catalogue.iter_documents())
        if links is None:
            links = store.catalogue.links(catalogue_id(catalogue))
    log.debug("checking %d documents against %d criteria", len(documents), len(catalogue.criteria))
    _listing.cache_clear()
    return check(catalogue, documents, year=year, files_beside=files_beside, links=links)
