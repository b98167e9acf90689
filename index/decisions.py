"""The officer's decisions over a store: corrections (``fix``), manual links (``link`` /
``unlink``), removals (``remove``), and the to-do list they settle (``review``).

Each function makes one change as one catalogue transaction journalled beside the catalogue
(:meth:`Catalogue.record_decision <evidence.index.catalogue.Catalogue.record_decision>`),
then brings the search index up to date. Documents are found by the caller
(:func:`evidence.index.resolve.resolve`). See docs/store.md, "Corrections".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from evidence.errors import NotFound, NothingToDo
from evidence.index.corrections import (
    FIELD_LABELS,
    REASON_TEXT,
    current_value,
    review_items,
)
from evidence.model import Correction, Document

if TYPE_CHECKING:
    from evidence.index.store import Store

__all__ = [
    "FIX_ACTIONS",
    "CorrectionList",
    "LinkList",
    "NothingToDo",
    "Removal",
    "ReviewList",
    "apply_fix",
    "correction_list",
    "corrections",
    "drop_stale",
    "fix",
    "forget_link",
    "forget_removal",
    "link",
    "link_list",
    "reapply_stale",
    "remove",
    "remove_refs",
    "review",
    "review_list",
    "undo_fix",
    "undo_link",
]

_FIX_KINDS = ("fix", "reapply", "drop_stale")
_LINK_KINDS = ("link", "unlink", "forget_link")


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def _meta(doc: Document) -> dict[str, Any]:
    return {"doc": doc.id, "symbol": doc.facts.symbol, "path": doc.path}


# ---- corrections ------------------------------------------------------------------------


def fix(store: Store, doc: Document, *, values: dict[str, str] | None = None,
        clear: Iterable[str] = (), confirm: Iterable[str] = (),
        note: str | None = None) -> list[Correction]:
    """Set (``values``, already checked by :func:`~evidence.index.corrections.
    parse_value`), clear or confirm fields of ``doc`` — one transaction.

    ``was`` keeps the extracted value (the one before the first correction).

    Returns:
        the document's corrections afterwards.

    Raises:
        NothingToDo: no field given.
    """
    values = dict(values or {})
    wanted: dict[str, tuple[Any, bool]] = {k: (v, False) for k, v in values.items()}
    for name in clear:
        wanted[name] = (None, False)
    for name in confirm:
        wanted[name] = (current_value(doc.facts, name), True)
    if not wanted:
        raise NothingToDo("không có gì để sửa: cho một giá trị (--number, --date, ...), "
                          "--clear TRƯỜNG hoặc --confirm TRƯỜNG", subject=doc.id[:12])
    before = {c.field: c for c in doc.corrections}
    at = _now()
    changes = []
    for name, (value, confirmed) in wanted.items():
        prev = before.get(name)
        was = prev.was if prev is not None else current_value(doc.facts, name)
        changes.append(("corrections", {"doc": doc.id, "field": name},
                        {"value": value, "was": was, "confirmed": confirmed, "note": note,
                         "at": at, "path": doc.path, "symbol": doc.facts.symbol}))
    store.catalogue.record_decision("fix", changes, store.journal_path, meta=_meta(doc))
    store.refresh_index([doc.id])
    return store.catalogue.corrections_for([doc.id]).get(doc.id, [])


def undo_fix(store: Store, doc: Document) -> list[Correction]:
    """Revert the latest correction command of ``doc`` not undone yet (again: the one
    before it).

    Raises:
        NothingToDo: nothing left to undo.
    """
    _undo(store, doc, _FIX_KINDS, "không còn sửa đổi nào để hoàn tác")
    store.refresh_index([doc.id])
    return store.catalogue.corrections_for([doc.id]).get(doc.id, [])


def _undo(store: Store, doc: Document, kinds: Sequence[str], nothing: str,
          match: Any = None) -> dict[str, Any]:
    for entry in store.catalogue.journal_entries(document_id=doc.id, kinds=kinds, live=True):
        if match is not None and not match(entry):
            continue
        changes = [(ch["table"], ch["key"], ch.get("before")) for ch in entry["changes"]]
        return store.catalogue.record_decision("undo", changes, store.journal_path,
                                               meta=_meta(doc), undoes=entry["id"])
    raise NothingToDo(nothing, subject=doc.facts.symbol or doc.id[:12])


def _stale_for(store: Store, doc: Document) -> list[dict[str, Any]]:
    return [r for r in store.catalogue.correction_records()
            if r["correction"].stale and doc.id in r["current"]]


def reapply_stale(store: Store, doc: Document) -> list[Correction]:
    """Apply the stale corrections recorded for the path of ``doc`` (made on the
    content the file held before) to ``doc``, and drop them from the old content.

    Raises:
        NothingToDo: no stale correction for this file.
    """
    stale = _stale_for(store, doc)
    if not stale:
        raise NothingToDo("không có sửa đổi cũ nào của tệp này", subject=doc.path)
    at = _now()
    changes: list[tuple[str, dict[str, str], dict[str, Any] | None]] = []
    for r in stale:
        c: Correction = r["correction"]
        changes.append(("corrections", {"doc": r["id"], "field": c.field}, None))
        value = current_value(doc.facts, c.field) if c.confirmed else c.value
        changes.append(("corrections", {"doc": doc.id, "field": c.field},
                        {"value": value, "was": current_value(doc.facts, c.field),
                         "confirmed": c.confirmed, "note": c.note, "at": at,
                         "path": doc.path, "symbol": doc.facts.symbol}))
    store.catalogue.record_decision("reapply", changes, store.journal_path, meta=_meta(doc))
    store.refresh_index([doc.id])
    return store.catalogue.corrections_for([doc.id]).get(doc.id, [])


def drop_stale(store: Store, doc: Document) -> int:
    """Forget the stale corrections recorded for the path of ``doc``; returns how many.

    Raises:
        NothingToDo: no stale correction for this file.
    """
    stale = _stale_for(store, doc)
    if not stale:
        raise NothingToDo("không có sửa đổi cũ nào của tệp này", subject=doc.path)
    store.catalogue.record_decision(
        "drop_stale",
        [("corrections", {"doc": r["id"], "field": r["correction"].field}, None)
         for r in stale],
        store.journal_path, meta=_meta(doc))
    return len(stale)


def correction_list(store: Store, doc: Document | None = None) -> list[dict[str, Any]]:
    """Stored corrections (of one document, or all) in the contract's ``fix --json``
    shape plus ``note``, ``confirmed``, ``path``, ``in_store`` and, for a stale one,
    ``current`` (the ids now at its path)."""
    out = []
    for r in store.catalogue.correction_records():
        if doc is not None and r["id"] != doc.id:
            continue
        c: Correction = r["correction"]
        item = {"id": r["id"], "symbol": r["symbol"], "field": c.field, "value": c.value,
                "was": c.was, "at": c.at, "stale": c.stale, "note": c.note,
                "confirmed": c.confirmed, "path": r["path"], "in_store": r["in_store"]}
        if c.stale:
            item["current"] = r["current"]
        out.append(item)
    return out


# ---- manual links -------------------------------------------------------------------------


def link(store: Store, catalogue_id: str, requirement: str, doc: Document, *,
         counts: bool = True, note: str | None = None) -> dict[str, Any]:
    """Record that ``doc`` does (``counts``) or does not count for ``requirement`` of
    the criteria catalogue ``catalogue_id``; returns the link (contract shape)."""
    key = {"catalogue": catalogue_id, "requirement": requirement, "doc": doc.id}
    after = {"counts": counts, "note": note, "at": _now(), "symbol": doc.facts.symbol}
    store.catalogue.record_decision("link" if counts else "unlink",
                                    [("links", key, after)], store.journal_path,
                                    meta={**_meta(doc), "requirement": requirement})
    return _link_dict(catalogue_id, requirement, doc.id, doc.facts.symbol, counts, note)


def forget_link(store: Store, catalogue_id: str, requirement: str, doc: Document) -> None:
    """Forget the officer's decision for this requirement and document: the content match
    decides again.

    Raises:
        NothingToDo: there is no such decision.
    """
    key = {"catalogue": catalogue_id, "requirement": requirement, "doc": doc.id}
    if store.catalogue.decision_state("links", key) is None:
        raise NothingToDo(f"chưa có quyết định nào cho {requirement} và văn bản này",
                          subject=doc.facts.symbol or doc.id[:12])
    store.catalogue.record_decision("forget_link", [("links", key, None)], store.journal_path,
                                    meta={**_meta(doc), "requirement": requirement})


def undo_link(store: Store, catalogue_id: str, requirement: str, doc: Document) -> None:
    """Revert the latest link / unlink / forget of this requirement and document.

    Raises:
        NothingToDo: nothing to undo.
    """
    def match(entry: dict[str, Any]) -> bool:
        return any(ch["key"].get("catalogue") == catalogue_id
                   and ch["key"].get("requirement") == requirement for ch in entry["changes"])

    _undo(store, doc, _LINK_KINDS, f"không có quyết định nào của {requirement} để hoàn tác",
          match)


def _link_dict(catalogue: str, requirement: str, doc_id: str, symbol: str | None,
               counts: bool, note: str | None) -> dict[str, Any]:
    return {"catalogue": catalogue, "requirement": requirement, "id": doc_id,
            "symbol": symbol, "counts": counts, "note": note}


def link_list(store: Store, catalogue_id: str | None = None) -> list[dict[str, Any]]:
    """The officer's links (contract ``link --json`` entries, plus ``at``)."""
    links = store.catalogue.links(catalogue_id)
    symbols = {d.id: d.facts.symbol
               for d in store.catalogue.documents([lk.doc_id for lk in links],
                                                  with_pages=False)}
    return [_link_dict(lk.catalogue, lk.requirement, lk.doc_id, symbols.get(lk.doc_id),
                       lk.counts, lk.note) | {"at": lk.at} for lk in links]


# ---- removal ------------------------------------------------------------------------------


def remove(store: Store, docs: Sequence[Document], *, purge: bool = False,
           note: str | None = None) -> list[dict[str, Any]]:
    """Remove documents from the store (not from the disk), remembered so the next ingest
    does not bring them back (``ingest --force`` does); their corrections and links are
    kept unless ``purge``. One transaction for all.

    Returns:
        ``[{"id", "symbol", "path"}]`` of what was removed.
    """
    at = _now()
    changes: list[tuple[str, dict[str, str], dict[str, Any] | None]] = []
    for doc in docs:
        changes.append(("removed", {"doc": doc.id},
                        {"at": at, "path": doc.path, "symbol": doc.facts.symbol, "note": note}))
        if purge:
            changes += _purge_changes(store, doc.id)
    if not changes:
        return []
    meta = _meta(docs[0]) if len(docs) == 1 else {"doc": None}
    store.catalogue.record_decision("remove", changes, store.journal_path, meta=meta)
    ids = [d.id for d in docs]
    store.engine.delete(ids)
    changed = store.catalogue.refresh_cited_numbers()
    store.refresh_index(changed)
    store.flush()
    return [{"id": d.id, "symbol": d.facts.symbol, "path": d.path} for d in docs]


def _purge_changes(store: Store, doc_id: str) -> list[tuple[str, dict[str, str], None]]:
    out: list[tuple[str, dict[str, str], None]] = [
        ("corrections", {"doc": doc_id, "field": c.field}, None)
        for c in store.catalogue.corrections_for([doc_id]).get(doc_id, [])]
    out += [("links", {"catalogue": lk.catalogue, "requirement": lk.requirement, "doc": doc_id},
             None) for lk in store.catalogue.links() if lk.doc_id == doc_id]
    return out


def purge_removed(store: Store, ref: str) -> list[dict[str, Any]]:
    """``remove --purge`` of documents already removed (no longer in the store): drop
    their corrections and links; ``ref`` is an id prefix or a symbol of the removal.

    Raises:
        NotFound: no removed document matches.
    """
    from evidence.extract.symbols import normalize_symbol

    low = ref.strip().lower()
    rows = [r for r in store.catalogue.removed()
            if (len(low) >= 6 and r["id"].startswith(low))
            or (r["symbol"] and normalize_symbol(r["symbol"]) == normalize_symbol(ref))]
    if not rows:
        raise NotFound("không tìm thấy văn bản (trong kho hay đã gỡ)", subject=ref)
    changes = [ch for r in rows for ch in _purge_changes(store, r["id"])]
    if changes:
        store.catalogue.record_decision("purge", changes, store.journal_path,
                                        meta={"doc": rows[0]["id"] if len(rows) == 1 else None})
    return [{"id": r["id"], "symbol": r["symbol"], "path": r["path"]} for r in rows]


def forget_removal(store: Store, doc_id: str) -> None:
    """``ingest --force`` brings a removed document back: forget its removal."""
    store.catalogue.record_decision("restore", [("removed", {"doc": doc_id}, None)],
                                    store.journal_path, meta={"doc": doc_id})


# ---- review -------------------------------------------------------------------------------


def review(store: Store) -> list[dict[str, Any]]:
    """The officer's to-do list: every document's :func:`~evidence.index.corrections.
    review_items`, in ingest order, as the contract's ``review --json`` items plus the
    Vietnamese ``reason_text`` / ``field_label``, ``detail`` and ``date``/``subject``."""
    out = []
    for doc in store.catalogue.iter_documents_ingest_order():
        for item in review_items(doc):
            span = doc.facts.provenance.get(item.field)
            out.append({
                "id": doc.id, "symbol": doc.facts.symbol, "path": doc.path,
                "field": item.field, "reason": item.reason,
                "page": item.page if item.page is not None or item.reason == "not_found"
                else (span.page if span else None),
                "reason_text": REASON_TEXT.get(item.reason, item.reason),
                "field_label": FIELD_LABELS.get(item.field, item.field),
                "detail": item.detail, "date": doc.facts.date, "subject": doc.facts.subject,
            })
    return out


# ---- the results of the commands (``--json`` shapes of the contract) ----------------------


@dataclass
class CorrectionList:
    """What ``fix`` prints: the corrections (the contract's ``fix --json``); after a fix of
    one document, that document (as it was resolved), how many corrections the action made
    or touched, and for ``--drop-stale`` how many it dropped."""

    rows: list[dict[str, Any]]
    doc: Document | None = None
    changed: int = 0
    dropped: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"corrections": self.rows}


#: what ``fix`` does to one document
FIX_ACTIONS = ("fix", "undo", "reapply", "drop_stale")


def corrections(store: Store) -> CorrectionList:
    """``fix --list``: every stored correction."""
    return CorrectionList(correction_list(store))


def apply_fix(store: Store, ref: str, *, action: str = "fix",
              values: dict[str, str] | None = None, clear: Sequence[str] = (),
              confirm: Sequence[str] = (), note: str | None = None) -> CorrectionList:
    """``fix REF``: find the document and apply ``action`` (:data:`FIX_ACTIONS`; ``fix``
    takes the parsed ``values``, the fields to ``clear`` and to ``confirm``).

    Returns:
        The document's corrections after the action.

    Raises:
        NotFound, Ambiguous: ``ref`` names no document or several.
        NothingToDo: nothing to undo, reapply or drop.
    """
    from evidence.index.resolve import resolve

    doc = resolve(store.catalogue, ref)
    dropped: int | None = None
    if action == "undo":
        changed = len(undo_fix(store, doc))
    elif action == "reapply":
        changed = len(reapply_stale(store, doc))
    elif action == "drop_stale":
        dropped = drop_stale(store, doc)
        changed = len(store.catalogue.corrections_for([doc.id]).get(doc.id, []))
    else:
        changed = len(fix(store, doc, values=values, clear=clear, confirm=confirm, note=note))
    rows = correction_list(store, store.catalogue.get_document(doc.id))
    return CorrectionList(rows, doc, changed, dropped)


@dataclass
class LinkList:
    """What ``link`` / ``unlink`` print: the officer's links (the contract's
    ``link --json``); after a decision on one pair, its requirement, document and the
    criteria catalogue's id."""

    rows: list[dict[str, Any]]
    requirement: str | None = None
    doc: Document | None = None
    catalogue: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"links": self.rows}


@dataclass
class Removal:
    """What ``remove`` prints (the contract's ``remove --json``)."""

    removed: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"removed": self.removed}


def remove_refs(store: Store, refs: Sequence[str], *, purge: bool = False,
                note: str | None = None) -> Removal:
    """``remove REF...``: find each document and :func:`remove` them in one transaction;
    with ``purge``, a reference to a document removed before drops its corrections and
    links (:func:`purge_removed`).

    Raises:
        NotFound: a reference names no document (in the store, or removed with ``purge``).
    """
    from evidence.index.resolve import resolve

    docs, purged = [], []
    for ref in refs:
        try:
            docs.append(resolve(store.catalogue, ref))
        except NotFound:
            if not purge:
                raise
            purged += purge_removed(store, ref)
    return Removal(remove(store, docs, purge=purge, note=note) + purged)


@dataclass
class ReviewList:
    """What ``review`` prints (the contract's ``review --json``)."""

    items: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"items": self.items}


def review_list(store: Store) -> ReviewList:
    """``review``: :func:`review` as a result with its JSON shape."""
    return ReviewList(review(store))
