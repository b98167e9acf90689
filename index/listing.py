"""``evidence list``: the stored documents, filtered like search, without a query.

The filters are search's own (:func:`evidence.index.search.query.apply_filters` parses them: the
same type codes, issuer abbreviations and date grammar), applied to the catalogue — so the
officer's corrections count, and no index is needed — plus ``needs_review`` (documents with
a :func:`~evidence.index.corrections.review_items` entry), ``file_type`` (``pdf``, ``docx``,
``image``...) and ``ocr`` (read by OCR or from a text layer). ``to_dict()`` is the search
result shape without ``score`` / ``snippet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evidence.index.corrections import corrected_fields, review_items
from evidence.model import Document

if TYPE_CHECKING:
    from evidence.index.store import Store

__all__ = ["ListResult", "list_documents"]


@dataclass
class ListResult:
    total: int
    hits: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"query": "", "total": self.total, "hits": self.hits}


def _hit(doc: Document, review: int) -> dict[str, Any]:
    f = doc.facts
    return {"id": doc.id, "symbol": f.symbol, "doc_type": f.doc_type, "date": f.date,
            "subject": f.subject, "issuer": f.issuer, "path": doc.path, "fuzzy": False,
            "format": doc.format, "ocr": doc.ocr, "review": review,
            "corrected": corrected_fields(doc.corrections)}


def list_documents(store: Store, *, doc_type: str | None = None, year: int | None = None,
                   issuer: str | None = None, date_from: str | None = None,
                   date_to: str | None = None, needs_review: bool = False,
                   file_type: str | None = None, ocr: bool | None = None,
                   limit: int | None = None) -> ListResult:
    """Documents matching every filter given, by date (undated last), then symbol.

    Raises:
        BadQuery: a date filter that is not a date, or an unknown type code.
    """
    from evidence.errors import BadQuery
    from evidence.index.corrections import parse_value
    from evidence.index.search.analysis import analyze
    from evidence.index.search.prepare import _datenum
    from evidence.index.search.query import QueryPlan, apply_filters
    from evidence.index.search.types import SearchQuery

    try:
        if doc_type:
            doc_type = parse_value("doc_type", doc_type)
        for value in (date_from, date_to):
            if value:
                parse_value("date", value)  # impossible days refused (31/02/2023)
    except ValueError as exc:
        raise BadQuery(str(exc), subject="list") from exc
    plan = apply_filters(QueryPlan(text=""), SearchQuery(
        text="", doc_type=doc_type, year=year, issuer=issuer, date_from=date_from,
        date_to=date_to))
    from evidence.extract.normalize import fold

    hits: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for doc in store.catalogue.iter_documents(with_pages=False):
        f = doc.facts
        if plan.type_key and fold(f.doc_type or "") != plan.type_key:
            continue
        datenum = _datenum(f.date)
        if plan.year and datenum // 10000 != plan.year:
            continue
        if plan.date_lo is not None and datenum < plan.date_lo:
            continue
        if plan.date_hi is not None and (not datenum or datenum > plan.date_hi):
            continue
        if plan.issuer_terms:
            words = set(analyze(" ".join(x for x in (f.issuer, f.parent_issuer) if x)).folded)
            if not set(plan.issuer_terms) <= words:
                continue
        if file_type and doc.format != file_type.strip().lower():
            continue
        if ocr is not None and doc.ocr != ocr:
            continue
        n_review = len(review_items(doc))
        if needs_review and not n_review:
            continue
        hits.append(((f.date is None, f.date or "", f.symbol or "", doc.id), _hit(doc, n_review)))
    hits.sort(key=lambda h: h[0])
    rows = [h for _, h in hits]
    return ListResult(total=len(rows), hits=rows[:limit] if limit else rows)
