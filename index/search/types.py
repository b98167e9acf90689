"""The data of search, whatever the engine: what was asked (:class:`SearchQuery`), what came
back (:class:`SearchHit`, :class:`SearchResults`, :class:`IndexStatus`), a document reduced
to its index fields (:class:`IndexedDoc`, made by :func:`evidence.index.search.prepare.prepare`)
and a raw engine hit (:class:`Candidate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evidence.index.search.analysis import Analysis
from evidence.index.search.engine import DEFAULT_ENGINE

__all__ = ["Candidate", "IndexStatus", "IndexedDoc", "SearchHit", "SearchQuery", "SearchResults"]


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
    #: query words this candidate lacks (``index/search/relax.py``)
    missing: list[str] = field(default_factory=list)
