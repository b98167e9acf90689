"""The officer's links against a criteria catalogue (``link`` / ``unlink``): the
requirement is checked in the catalogue, the document found in the store, the decision
recorded by :mod:`evidence.index.decisions`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from evidence.check.criteria import catalogue_id, load_catalogue
from evidence.errors import BadValue
from evidence.index import decisions
from evidence.index.decisions import LinkList

if TYPE_CHECKING:
    from evidence.index.store import Store

__all__ = ["LINK_ACTIONS", "criteria_ids", "decide_link", "links"]

#: what ``link`` does to one pair: record (counts or not), forget it, undo the last change
LINK_ACTIONS = ("link", "forget", "undo")


def criteria_ids(criteria: str | Path | None) -> tuple[str, set[str]]:
    """The catalogue's id and its requirement ids (the bundled catalogue when None).

    Raises:
        BadCriteriaFile: the catalogue cannot be read.
    """
    cat = load_catalogue(criteria)
    return catalogue_id(cat), {r.id for c in cat.criteria for r in c.evidence}


def links(store: Store, criteria: str | Path | None = None) -> LinkList:
    """``link --list``: the stored decisions (of this catalogue only when ``criteria``)."""
    cat_id = criteria_ids(criteria)[0] if criteria else None
    return LinkList(decisions.link_list(store, cat_id))


def decide_link(store: Store, requirement: str, ref: str, *,
                criteria: str | Path | None = None, counts: bool = True,
                note: str | None = None, action: str = "link") -> LinkList:
    """``link REQ REF`` / ``unlink REQ REF``: the officer's decision that the document
    does (``counts``) or does not count for the requirement; ``action`` ``forget`` drops
    the decision, ``undo`` reverts its last change (:data:`LINK_ACTIONS`).

    Returns:
        The pair's link after the action (no row: the content decides again).

    Raises:
        BadValue: the catalogue has no such requirement.
        NotFound, Ambiguous: ``ref`` names no document or several.
        NothingToDo: nothing to forget or undo.
    """
    from evidence.index.resolve import resolve

    cat_id, req_ids = criteria_ids(criteria)
    if requirement not in req_ids:
        raise BadValue(f"không có yêu cầu này trong bộ tiêu chí {cat_id}", subject=requirement)
    doc = resolve(store.catalogue, ref)
    if action == "forget":
        decisions.forget_link(store, cat_id, requirement, doc)
    elif action == "undo":
        decisions.undo_link(store, cat_id, requirement, doc)
    else:
        decisions.link(store, cat_id, requirement, doc, counts=counts, note=note)
    rows = [lk for lk in decisions.link_list(store, cat_id)
            if lk["requirement"] == requirement and lk["id"] == doc.id]
    return LinkList(rows, requirement, doc, cat_id)
