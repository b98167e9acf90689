"""Citation graph and task queries over stored documents (``show``, ``refs``, ``tasks``).

Pure functions over a ``Sequence[Document]`` (what the catalogue's ``iter_documents``
yields); the store-facing helpers (:func:`show`, :func:`refs`, :func:`tasks`) open nothing
themselves but take a :class:`~evidence.index.store.Store`.

- :func:`resolve_citation` — the stored document a citation names: same symbol
  (``normalize_symbol``), never the citing document itself, never a document dated in
  another year than the citation says; when several remain, the one with the cited date,
  then the one whose issuer agrees with the cited issuer phrase (``UBND tỉnh`` vs
  ``UBND huyện``), then the latest not after the citing document.
- :func:`citation_graph` — every citation as an edge, with ``cited_by`` per document.
- :func:`missing_citations` — documents cited but not in the store, with who cites them.
- :func:`show_data` — the ``show`` view of one document.
- :func:`list_tasks` — tasks across documents, filtered by assignee (accent-insensitive,
  abbreviations understood) and deadline.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evidence.extract.normalize import fold
from evidence.extract.symbols import symbol_key
from evidence.index.search.query import filter_date
from evidence.model import Citation, Document, Span, Task

if TYPE_CHECKING:
    from evidence.index.store import Store

__all__ = [
    "CitationGraph",
    "CitationIndex",
    "Edge",
    "MissingCitation",
    "RefsReport",
    "ShowResult",
    "TaskList",
    "TaskRow",
    "citation_graph",
    "deadline_last_day",
    "issuer_score",
    "list_tasks",
    "missing_citations",
    "parse_due_date",
    "refs",
    "refs_report",
    "resolve_citation",
    "show",
    "show_data",
    "source_line",
    "task_list",
    "tasks",
]

log = logging.getLogger(__name__)

_LEVELS = ("tinh", "huyen", "xa", "phuong", "thi tran", "thi xa", "thanh pho", "quan")


def _year(iso: str | None) -> str | None:
    return iso[:4] if iso and len(iso) >= 4 and iso[:4].isdigit() else None


def _words(text: str | None) -> set[str]:
    if not text:
        return set()
    from evidence.extract.gazetteer import expand_abbreviation

    return set(re.findall(r"\w+", fold(expand_abbreviation(text))))


def _level(words: set[str], text: str) -> str | None:
    for lv in _LEVELS:
        if (" " in lv and lv in text) or lv in words:
            return lv
    return None


def issuer_score(cited: str | None, doc: Document) -> float:
    """How well a cited issuer phrase (``UBND huyện``) fits a document's issuer:
    share of its words found, -1 when the administrative levels disagree."""
    cw = _words(cited)
    if not cw:
        return 0.0
    issuer = " ".join(x for x in (doc.facts.issuer, doc.facts.parent_issuer) if x)
    dw = _words(issuer)
    if not dw:
        return 0.0
    c_level = _level(cw, fold(cited or ""))
    d_level = _level(dw, fold(issuer))
    if c_level and d_level and c_level != d_level:
        return -1.0
    return len(cw & dw) / len(cw)


class CitationIndex:
    """Documents by symbol key, built once for many resolutions."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self.docs: list[Document] = list(docs)
        self.by_key: dict[str, list[Document]] = {}
        self.by_loose: dict[str, list[Document]] = {}
        for d in self.docs:
            key = symbol_key(d.facts.symbol, numbered=True) if d.facts.number else None
            if key:
                self.by_key.setdefault(key, []).append(d)
                self.by_loose.setdefault(_loose(key), []).append(d)

    def candidates(self, symbol: str, date: str | None = None) -> list[Document]:
        """Documents with this symbol; failing that, with this symbol up to its dashes
        (OCR drops them: ``05/CTUBND``) *and* exactly this date."""
        key = symbol_key(symbol, numbered=True)
        if not key:
            return []
        exact = self.by_key.get(key)
        if exact:
            return list(exact)
        if not date or len(date) < 10:
            return []
        return [d for d in self.by_loose.get(_loose(key), []) if d.facts.date == date]


def _loose(key: str) -> str:
    return key.replace("-", "")


def resolve_citation(c: Citation, docs: Sequence[Document] | CitationIndex, *,
                     citing: Document | None = None) -> Document | None:
    """The stored document that citation ``c`` names, or None.

    Args:
        c: the citation (its ``symbol``, ``date`` and ``issuer`` are used).
        docs: the stored documents, or a prebuilt :class:`CitationIndex` (faster for many).
        citing: the document holding the citation (never resolved to itself; its date
            bounds the candidates).

    Returns:
        The best candidate (see the module docstring for the order), or None.
    """
    index = docs if isinstance(docs, CitationIndex) else CitationIndex(docs)
    cands = index.candidates(c.symbol, c.date)
    if citing is not None:
        cands = [d for d in cands if d.id != citing.id]
    cited_year = _year(c.date)
    if cited_year:
        cands = [d for d in cands if _year(d.facts.date) in (None, cited_year)]
    if len(cands) <= 1:
        return cands[0] if cands else None
    if c.date:
        exact = [d for d in cands if d.facts.date == c.date]
        if exact:
            cands = exact
    if len(cands) > 1 and c.issuer:
        scored = [(issuer_score(c.issuer, d), d) for d in cands]
        best = max(s for s, _ in scored)
        cands = [d for s, d in scored if s == best]
    if len(cands) > 1 and citing is not None and citing.facts.date:
        before = [d for d in cands if (d.facts.date or "") <= citing.facts.date]
        cands = before or cands
    # equal candidates (the DOCX and the scan of one document): latest date, then id
    cands.sort(key=lambda d: (d.facts.date or "", d.id), reverse=True)
    return cands[0]


@dataclass
class Edge:
    """One citation of ``source`` (a stored document) to ``target`` (None: not stored)."""

    source: Document
    citation: Citation
    target: Document | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source.id,
            "from_symbol": self.source.facts.symbol,
            "to": self.target.id if self.target else None,
            "to_symbol": self.target.facts.symbol if self.target else None,
            "symbol": self.citation.symbol,
            "doc_type": self.citation.doc_type,
            "date": self.citation.date,
            "issuer": self.citation.issuer,
            "text": self.citation.text,
            "found": self.target is not None,
        }


@dataclass
class CitationGraph:
    """Every citation of the stored documents as an edge."""

    documents: list[Document]
    edges: list[Edge] = field(default_factory=list)

    def cited_by(self, doc_id: str) -> list[Document]:
        """Stored documents citing ``doc_id`` (each once, in date order)."""
        seen: dict[str, Document] = {}
        for e in self.edges:
            if e.target is not None and e.target.id == doc_id:
                seen.setdefault(e.source.id, e.source)
        return sorted(seen.values(), key=lambda d: (d.facts.date or "", d.id))

    def to_dict(self) -> dict[str, Any]:
        found = sum(1 for e in self.edges if e.target is not None)
        return {
            "documents": len(self.documents),
            "citations": len(self.edges),
            "found": found,
            "missing": len(self.edges) - found,
            "edges": [e.to_dict() for e in self.edges],
        }


def citation_graph(docs: Sequence[Document] | Iterable[Document]) -> CitationGraph:
    """The citation graph of ``docs``: one edge per citation, resolved in ``docs``."""
    index = CitationIndex(docs)
    graph = CitationGraph(index.docs)
    for d in index.docs:
        for c in d.facts.cited:
            graph.edges.append(Edge(d, c, resolve_citation(c, index, citing=d)))
    return graph


@dataclass
class MissingCitation:
    """A document cited by stored documents but not in the store."""

    symbol: str
    doc_type: str | None
    date: str | None
    issuer: str | None
    cited_as: str | None
    citing: list[Document]
    count: int  # citations (a document may cite it several times)

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "doc_type": self.doc_type,
            "date": self.date,
            "issuer": self.issuer,
            "cited_as": self.cited_as,
            "count": self.count,
            "cited_by": [_brief(d) for d in self.citing],
        }


def missing_citations(docs: Sequence[Document] | Iterable[Document] | CitationGraph
                      ) -> list[MissingCitation]:
    """Documents cited but not in ``docs``, grouped by symbol (and year when citations of
    one symbol name different years), most cited first.

    Args:
        docs: the stored documents, or their :func:`citation_graph`.

    Returns:
        One :class:`MissingCitation` per cited document not found.
    """
    graph = docs if isinstance(docs, CitationGraph) else citation_graph(docs)
    groups: dict[tuple[str, str | None], list[Edge]] = {}
    for e in graph.edges:
        if e.target is not None:
            continue
        key = symbol_key(e.citation.symbol, numbered=True) or e.citation.symbol
        groups.setdefault((key, _year(e.citation.date)), []).append(e)
    # citations without a date join the one dated group of their symbol
    for (key, year) in [k for k in groups if k[1] is None]:
        dated = [k for k in groups if k[0] == key and k[1] is not None]
        if len(dated) == 1:
            groups[dated[0]].extend(groups.pop((key, year)))
    out: list[MissingCitation] = []
    for edges in groups.values():
        first = next((e.citation for e in edges if e.citation.date), edges[0].citation)
        citing: dict[str, Document] = {}
        for e in edges:
            citing.setdefault(e.source.id, e.source)
        out.append(MissingCitation(
            symbol=first.symbol, doc_type=first.doc_type, date=first.date,
            issuer=next((e.citation.issuer for e in edges if e.citation.issuer), None),
            cited_as=first.cited_as,
            citing=sorted(citing.values(), key=lambda d: (d.facts.date or "", d.id)),
            count=len(edges),
        ))
    out.sort(key=lambda m: (-len(m.citing), -m.count, m.date or "", m.symbol))
    return out


def _brief(d: Document) -> dict[str, Any]:
    return {"id": d.id, "symbol": d.facts.symbol, "date": d.facts.date,
            "doc_type": d.facts.doc_type, "subject": d.facts.subject, "path": d.path}


def source_line(doc: Document, span: Span) -> str | None:
    """The whole source line of ``span`` in the document's page text (for quoting a
    field's provenance), or None when the page is not there."""
    # spans count the document's pages from 1 in order (extract joins them so); pages of
    # several files (page photos) may repeat their own numbers
    if not 0 < span.page <= len(doc.page_texts):
        return None
    page = doc.page_texts[span.page - 1]
    text = page.text
    start = max(0, min(span.start, len(text)))
    end = max(start, min(span.end, len(text)))
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    line = text[ls: le if le != -1 else len(text)].strip()
    return line or None


def show_data(doc: Document, graph: CitationGraph) -> dict[str, Any]:
    """The ``show`` view of ``doc``: its contract dict, each ``cited`` entry marked
    ``found`` with ``document_id`` (and ``path``), ``cited_by`` and ``sources`` (the page
    and source line of each field that has provenance)."""
    out = doc.to_dict()
    edges = [e for e in graph.edges if e.source.id == doc.id]
    for item, edge in zip(out["cited"], edges, strict=False):
        item["found"] = edge.target is not None
        item["document_id"] = edge.target.id if edge.target else None
        item["path"] = edge.target.path if edge.target else None
    out["cited_by"] = [_brief(d) for d in graph.cited_by(doc.id)]
    sources: dict[str, Any] = {}
    for name, span in doc.facts.provenance.items():
        sources[name] = {"page": span.page, "text": span.text, "line": source_line(doc, span)}
    out["sources"] = sources
    return out


@dataclass
class ShowResult:
    """What ``show`` prints: the view of the best match and the ids of other matches."""

    data: dict[str, Any]
    others: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """``show --json``: the document's view (the contract's document plus links)."""
        return self.data


def show(store: Store, ref: str) -> ShowResult:
    """Find ``ref`` (any form :func:`evidence.index.resolve.resolve` takes) and build its
    view, with the officer's to-do items (``review_items``) and the corrections made on
    the content the file held before (``stale_corrections``).

    Raises:
        NotFound: nothing matches ``ref``.
        Ambiguous: several documents match (the candidates are listed).
    """
    from evidence.index.corrections import REASON_TEXT, review_items
    from evidence.index.decisions import correction_list
    from evidence.index.resolve import resolve

    doc = resolve(store.catalogue, ref)
    graph = citation_graph([
        doc if d.id == doc.id else d
        for d in store.catalogue.iter_documents(with_pages=False)
    ])
    data = show_data(doc, graph)
    data["review_items"] = [
        {"field": r.field, "reason": r.reason, "reason_text": REASON_TEXT.get(r.reason, r.reason),
         "page": r.page} for r in review_items(doc)]
    data["stale_corrections"] = [c for c in correction_list(store)
                                 if c["stale"] and doc.id in c.get("current", [])]
    return ShowResult(data, [])


def refs(store: Store) -> CitationGraph:
    """The citation graph of every stored document."""
    return citation_graph(store.catalogue.iter_documents(with_pages=False))


@dataclass
class RefsReport:
    """What ``refs`` prints: the citation graph and the documents cited but not stored;
    ``missing_only`` (``refs --missing``) keeps only the latter."""

    graph: CitationGraph
    missing: list[MissingCitation]
    missing_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        missing = [m.to_dict() for m in self.missing]
        if self.missing_only:
            return {"total": len(missing), "missing": missing}
        return self.graph.to_dict() | {"missing_documents": missing}


def refs_report(store: Store, *, missing_only: bool = False) -> RefsReport:
    """``refs`` / ``refs --missing`` over the store."""
    graph = refs(store)
    return RefsReport(graph, missing_citations(graph), missing_only)


# ---- tasks ---------------------------------------------------------------------------


@dataclass
class TaskRow:
    """A task with the document that assigns it."""

    document: Document
    task: Task

    def to_dict(self) -> dict[str, Any]:
        from evidence.model import _task_dict  # the contract's task shape

        d = _task_dict(self.task)
        d["document"] = _brief(self.document)
        return d


def parse_due_date(text: str) -> str:
    """``--due-before`` value to an ISO day: any form of
    :func:`evidence.extract.dates.parse_user_date` (``2023-11-30``, ``30/11/2023``); a month
    (``2023-12``, ``12/2023``) or a year means its last day.

    Raises:
        BadQuery: not a date, or an impossible one (``31/02/2023``).
    """
    iso = filter_date(text)
    return deadline_last_day(iso) or iso


def deadline_last_day(iso: str | None) -> str | None:
    """Last day of a possibly partial ISO date: ``2023-12`` -> ``2023-12-31``."""
    if not iso:
        return None
    parts = iso.split("-")
    try:
        y = int(parts[0])
        if len(parts) == 1:
            return f"{y:04d}-12-31"
        mo = int(parts[1])
        if len(parts) == 2:
            return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
    except (ValueError, IndexError, calendar.IllegalMonthError):
        return None
    return iso


def _assignee_matches(query: str, names: Sequence[str]) -> bool:
    from evidence.extract.gazetteer import canonical_unit, unit_key

    q = fold(query).strip()
    qk = unit_key(canonical_unit(query))
    commune = _COMMUNE_QUERY.search(unit_key(query))
    for n in names:
        if q and q in fold(n):
            return True
        nk = unit_key(canonical_unit(n))
        if qk and (qk == nk or qk in nk):
            return True
        # "UBND xã Tùng Ảnh" is one of "UBND các xã, thị trấn"
        if commune and re.search(rf"uy ban nhan dan cac\b.*\b{commune.group(1)}\b", nk):
            return True
    return False


_COMMUNE_QUERY = re.compile(r"^uy ban nhan dan (xa|phuong|thi tran)\b")


def list_tasks(docs: Iterable[Document], assignee: str | None = None,
               due_before: str | None = None) -> list[TaskRow]:
    """Tasks across ``docs``.

    Args:
        docs: the documents.
        assignee: keep tasks one of whose assignees matches (accent- and case-insensitive
            substring, or the same unit: ``Phòng TC-KH`` = ``Phòng Tài chính – Kế hoạch``;
            a commune's UBND also matches tasks of ``UBND các xã, thị trấn``).
        due_before: keep tasks with a deadline on or before this day (any form
            :func:`parse_due_date` takes; a month deadline counts by its last day).
            Recurring and undated tasks are left out when this is given.

    Returns:
        Rows ordered by deadline (undated last), then document date and task order.

    Raises:
        BadQuery: ``due_before`` is not a date, or an impossible one.
    """
    limit = parse_due_date(due_before) if due_before else None
    rows: list[TaskRow] = []
    for d in docs:
        for t in d.facts.tasks:
            if assignee and not _assignee_matches(assignee, t.assignees):
                continue
            if limit is not None:
                last = deadline_last_day(t.deadline)
                if last is None or last > limit:
                    continue
            rows.append(TaskRow(d, t))
    order = {id(r): i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (deadline_last_day(r.task.deadline) or "9999",
                             r.document.facts.date or "", order[id(r)]))
    return rows


def tasks(store: Store, *, assignee: str | None = None,
          due_before: str | None = None) -> list[TaskRow]:
    """:func:`list_tasks` over every stored document."""
    return list_tasks(store.catalogue.iter_documents(with_pages=False),
                      assignee=assignee, due_before=due_before)


@dataclass
class TaskList:
    """What ``tasks`` prints."""

    rows: list[TaskRow]

    def to_dict(self) -> dict[str, Any]:
        return {"total": len(self.rows), "tasks": [r.to_dict() for r in self.rows]}


def task_list(store: Store, *, assignee: str | None = None,
              due_before: str | None = None) -> TaskList:
    """``tasks``: :func:`tasks` as a result with its JSON shape."""
    return TaskList(tasks(store, assignee=assignee, due_before=due_before))
