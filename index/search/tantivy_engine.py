"""The Tantivy engine (``tantivy-py``, optional): the measured path for archives that
outgrow Whoosh (``docs/search.md``).

Same terms as Whoosh: text is analyzed by ``index/search/analysis.py`` and handed to Tantivy as
space-joined terms under its ``whitespace`` tokenizer, so both engines index identical
keys and share the query plan, phrase checks and snippets (``index/search/engine.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from evidence.index.search.base import BaseEngine
from evidence.index.search.query import QueryPlan
from evidence.index.search.ranking import (
    FIELDS,
    Clause,
    Filter,
    Tier,
    field_values,
    filter_of,
    level_bonus,
    tiers,
)
from evidence.index.search.types import Candidate, IndexedDoc

__all__ = ["TantivyEngine", "tantivy_schema"]

log = logging.getLogger(__name__)

_STORED = ("symbol", "doc_type", "date", "subject", "issuer", "place", "path")
_HEAP = 64 * 1024 * 1024


def tantivy_schema() -> tantivy.Schema:
    """The index schema: the term fields of the ranking spec (``index/search/ranking.py``), the
    id, the date column and the stored fields."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for spec in FIELDS.values():
        sb.add_text_field(spec.name, tokenizer_name="whitespace",
                          index_option="freq" if spec.scored else "basic")
    sb.add_integer_field("datenum", indexed=True, fast=True)
    for f in _STORED:
        sb.add_text_field(f, stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    return sb.build()


def _document(d: IndexedDoc) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", d.id)
    for name, terms in field_values(d).items():
        if terms:
            doc.add_text(name, " ".join(terms))
    doc.add_integer("datenum", d.datenum)
    stored = {"symbol": d.symbol, "doc_type": d.doc_type, "date": d.date,
              "subject": d.subject, "issuer": d.issuer, "place": d.place, "path": d.path}
    for name, v in stored.items():
        if v is not None:
            doc.add_text(name, v)
    doc.add_bytes("text", d.text.encode("utf-8"))
    return doc


class TantivyEngine(BaseEngine):
    """:class:`~evidence.index.search.engine.SearchEngine` on Tantivy."""

    name = "tantivy"

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self._schema = tantivy_schema()
        self._index: Any = None

    def _create(self, path: Path) -> None:
        tantivy.Index(self._schema, path=str(path), reuse=False)

    def _open(self, path: Path) -> Any:
        return tantivy.Index(self._schema, path=str(path), reuse=True)

    def _write(self, path: Path, docs: list[IndexedDoc], delete: Iterable[str]) -> None:
        ix = self._open(path)
        w = ix.writer(heap_size=_HEAP, num_threads=1)
        try:
            for i in delete:
                w.delete_documents_by_term("id", i)
            for d in docs:
                w.delete_documents_by_term("id", d.id)
                w.add_document(_document(d))
            w.commit()
        except BaseException:
            w.rollback()
            raise
        finally:
            w.wait_merging_threads()

    def _count(self, path: Path) -> int:
        ix = self._open(path)
        ix.reload()
        return int(ix.searcher().num_docs)

    def _ids(self, path: Path) -> set[str]:
        ix = self._open(path)
        ix.reload()
        s = ix.searcher()
        # the term dictionary of "id", counted over live documents only (a deleted
        # document's term lingers until a merge; the filter drops it)
        terms = s.terms_with_prefix("id", "", filter_query=tantivy.Query.all_query())
        return {t for t, n in terms if n > 0}

    def _release(self) -> None:
        self._index = None

    def _searcher(self) -> Any:
        if self._index is None:
            self._index = self._open(self.dir)
        self._index.reload()
        return self._index.searcher()

    # -- queries: a translation of the ranking spec's tiers -----------------------------
    def _term(self, field: str, value: str) -> Any:
        return tantivy.Query.term_query(self._schema, field, value)

    def _clause(self, c: Clause) -> Any:
        q = self._term(c.field, c.term)
        if not FIELDS[c.field].scored:
            return tantivy.Query.const_score_query(q, c.boost)
        q = tantivy.Query.boost_query(q, c.boost)
        if c.fuzzy:  # one edit away, at half the boost (as Whoosh's variants)
            fq = tantivy.Query.fuzzy_term_query(self._schema, c.field, c.term, distance=1)
            q = _should([q, tantivy.Query.boost_query(fq, c.boost / 2)])
        return q

    def _tier(self, tier: Tier) -> Any:
        """Every group required, the optional clauses scored, plus the constant bonus of
        the tier's level (so a disjunction-max over tiers ranks by the best level)."""
        clauses = [(tantivy.Occur.Must, _should([self._clause(c) for c in g]))
                   for g in tier.must]
        clauses += [(tantivy.Occur.Should, self._clause(c)) for c in tier.maybe]
        bonus = tantivy.Query.const_score_query(tantivy.Query.all_query(),
                                                level_bonus(tier.level))
        return tantivy.Query.boolean_query([*clauses, (tantivy.Occur.Must, bonus)])

    def build_query(self, plan: QueryPlan, fuzzy: bool = False) -> Any:
        """The Tantivy query of a plan (strict, or with fuzzy syllables); None when the
        plan has no tier."""
        ts = [self._tier(t) for t in tiers(plan, fuzzy)]
        if not ts:
            return None
        return ts[0] if len(ts) == 1 else tantivy.Query.disjunction_max_query(ts, 0.0)

    def _filters(self, flt: Filter) -> list[tuple[Any, Any]]:
        fs = [self._term(f, t) for f, t in flt.terms]
        if flt.date_lo is not None or flt.date_hi is not None:
            fs.append(tantivy.Query.range_query(
                self._schema, "datenum", tantivy.FieldType.Integer,
                flt.date_lo if flt.date_lo is not None else 1, flt.date_hi))
        out = [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in fs]
        out += [(tantivy.Occur.MustNot, self._term(f, t)) for f, t in flt.exclude]
        return out

    def _query(self, plan: QueryPlan, limit: int, fuzzy: bool) -> tuple[int, list[Candidate]]:
        s = self._searcher()
        flt = filter_of(plan)
        fs = self._filters(flt)
        order: dict[str, Any] = {}
        if plan.empty:
            if not fs:
                return 0, []
            every = tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0)
            q = tantivy.Query.boolean_query([(tantivy.Occur.Must, every), *fs])
            order = {"order_by_field": "datenum", "order": tantivy.Order.Desc}
        else:
            q = self.build_query(plan, fuzzy)
            if q is None:
                return 0, []
            if fs:
                q = tantivy.Query.boolean_query([(tantivy.Occur.Must, q), *fs])
        r = s.search(q, limit=limit, count=True, **order)
        out = []
        for score, addr in r.hits:
            d = s.doc(addr).to_dict()
            st = {k: (v[0] if v else None) for k, v in d.items()}
            out.append(Candidate(str(st["id"]), float(score) if not order else 0.0, st))
        return int(r.count or 0), out

    def _doc_frequency(self, field: str, term: str) -> int:
        return int(self._searcher().doc_freq(field, term))

    def _terms_with_prefix(self, field: str, prefix: str) -> list[str]:
        return [t for t, n in self._searcher().terms_with_prefix(field, prefix) if n > 0]

    def _text(self, cand: Candidate) -> str:
        t = cand.stored.get("text")
        return bytes(t).decode("utf-8") if t else ""


def _should(qs: list[Any]) -> Any:
    if len(qs) == 1:
        return qs[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in qs])
