"""The Tantivy engine (``tantivy-py``, optional): the measured path for archives that
outgrow Whoosh (``docs/search.md``).

Same terms as Whoosh: text is analyzed by ``index/analysis.py`` and handed to Tantivy as
space-joined terms under its ``whitespace`` tokenizer, so both engines index identical
keys and share the query plan, phrase checks and snippets (``index/engine.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy
from evidence.index.engine import (
    TIER_BONUS,
    W_BODY_B,
    W_BODY_F,
    W_BODY_X,
    W_SUBJ_B,
    W_SUBJ_F,
    W_SUBJ_X,
    W_SYMBOL,
    BaseEngine,
    Candidate,
    IndexedDoc,
)
from evidence.index.query import FUZZY_MIN_LEN, QueryPlan

__all__ = ["TantivyEngine", "tantivy_schema"]

log = logging.getLogger(__name__)

_SCORED = ("symkey", "subj_x", "subj_f", "subj_b", "body_x", "body_f", "body_b")
_FILTERS = ("type_key", "year", "issuer_f")
_STORED = ("symbol", "doc_type", "date", "subject", "issuer", "place", "path")
_HEAP = 64 * 1024 * 1024


def tantivy_schema() -> tantivy.Schema:
    """The index schema (the same fields as Whoosh's, see ``index/whoosh_engine.py``)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for f in _SCORED:
        sb.add_text_field(f, tokenizer_name="whitespace", index_option="freq")
    for f in _FILTERS:
        sb.add_text_field(f, tokenizer_name="whitespace", index_option="basic")
    sb.add_integer_field("datenum", indexed=True, fast=True)
    for f in _STORED:
        sb.add_text_field(f, stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    return sb.build()


def _document(d: IndexedDoc) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", d.id)
    values = {
        "symkey": d.symkeys, "subj_x": d.subj.exact, "subj_f": d.subj.folded,
        "subj_b": d.subj.bigrams + d.subj_start, "body_x": d.body.exact, "body_f": d.body.folded,
        "body_b": d.body.bigrams, "type_key": [d.type_key] if d.type_key else [],
        "year": [str(d.year)] if d.year else [], "issuer_f": d.issuer_terms,
    }
    for name, terms in values.items():
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
    """:class:`~evidence.index.engine.SearchEngine` on Tantivy."""

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

    # -- queries ---------------------------------------------------------------------------
    def _term(self, field: str, value: str, boost: float = 1.0) -> Any:
        q = tantivy.Query.term_query(self._schema, field, value)
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def _group(self, f: str, e: str, fuzzy: bool = False) -> Any:
        qs = [self._term("subj_f", f, W_SUBJ_F), self._term("body_f", f, W_BODY_F),
              self._term("subj_x", e, W_SUBJ_X), self._term("body_x", e, W_BODY_X)]
        if fuzzy and len(f) >= FUZZY_MIN_LEN and not f.isdigit():
            for field, w in (("subj_f", W_SUBJ_F / 2), ("body_f", W_BODY_F / 2)):
                fq = tantivy.Query.fuzzy_term_query(self._schema, field, f, distance=1)
                qs.append(tantivy.Query.boost_query(fq, w))
        return _should(qs)

    def _bigram(self, b: str) -> Any:
        return _should([self._term("subj_b", b, W_SUBJ_B), self._term("body_b", b, W_BODY_B)])

    def build_query(self, plan: QueryPlan, fuzzy: bool = False) -> Any:
        """The Tantivy query of a plan (strict, or with fuzzy syllables)."""
        must = [self._group(f, e, fuzzy) for f, e in plan.terms]
        if fuzzy:
            for p, pe in zip(plan.phrases, plan.phrase_exact, strict=True):
                must += [self._group(f, e, True) for f, e in zip(p, pe, strict=True)]
        else:
            must += [self._bigram(b) for b in plan.phrase_bigrams]
            must += [self._group(f, e) for f, e in plan.phrase_singles]
        text_q = None
        if must:
            clauses = [(tantivy.Occur.Must, q) for q in must]
            if not fuzzy:
                clauses += [(tantivy.Occur.Should, q) for q in self._tier_bonuses(plan)]
            clauses += [(tantivy.Occur.Should, self._bigram(b)) for b in plan.bigrams]
            if plan.start_key:
                clauses.append((tantivy.Occur.Should,
                                self._term("subj_b", plan.start_key, plan.start_boost)))
            text_q = tantivy.Query.boolean_query(clauses)
        if plan.symkeys and not fuzzy:
            sym = [self._term("symkey", k, W_SYMBOL) for k in plan.symkeys]
            # the document whose number was typed ranks above every text tier
            sym.append(tantivy.Query.const_score_query(_should(sym), 4 * TIER_BONUS))
            return _should(([text_q] if text_q is not None else []) + sym)
        return text_q

    def _tier_bonuses(self, plan: QueryPlan) -> list[Any]:
        """Constant bonuses mirroring the Whoosh engine's tiers (subject phrase, every word
        in the subject, phrase anywhere), so both engines order results alike; BM25F
        then ranks within a tier."""
        subj = [self._term("subj_f", f) for f, _ in plan.terms]
        subj += [self._term("subj_b", b) for b in plan.phrase_bigrams]
        subj += [self._term("subj_f", f) for f, _ in plan.phrase_singles]
        out = []
        if len(plan.terms) >= 2 and plan.bigrams:
            sb = subj + [self._term("subj_b", b) for b in plan.bigrams]
            out.append(tantivy.Query.const_score_query(_all(sb), TIER_BONUS))
        if subj:
            out.append(tantivy.Query.const_score_query(_all(subj), TIER_BONUS))
        if len(plan.terms) >= 2 and plan.bigrams:
            body = [self._term("body_b", b) for b in plan.bigrams + plan.phrase_bigrams]
            out.append(tantivy.Query.const_score_query(_all(body), TIER_BONUS))
        return out

    def _filters(self, plan: QueryPlan) -> list[Any]:
        fs = []
        if plan.type_key:
            fs.append(self._term("type_key", plan.type_key))
        if plan.year:
            fs.append(self._term("year", str(plan.year)))
        fs += [self._term("issuer_f", t) for t in plan.issuer_terms]
        if plan.date_lo is not None or plan.date_hi is not None:
            fs.append(tantivy.Query.range_query(
                self._schema, "datenum", tantivy.FieldType.Integer,
                plan.date_lo if plan.date_lo is not None else 1, plan.date_hi))
        return [tantivy.Query.const_score_query(f, 0.0) for f in fs]

    def _query(self, plan: QueryPlan, limit: int, fuzzy: bool) -> tuple[int, list[Candidate]]:
        s = self._searcher()
        fs = self._filters(plan)
        order: dict[str, Any] = {}
        if plan.empty:
            if not fs:
                return 0, []
            q = tantivy.Query.boolean_query([(tantivy.Occur.Must, f) for f in fs])
            order = {"order_by_field": "datenum", "order": tantivy.Order.Desc}
        else:
            q = self.build_query(plan, fuzzy)
            if q is None:
                return 0, []
            if fs:
                q = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, q), *((tantivy.Occur.Must, f) for f in fs)])
        r = s.search(q, limit=limit, count=True, **order)
        out = []
        for score, addr in r.hits:
            d = s.doc(addr).to_dict()
            st = {k: (v[0] if v else None) for k, v in d.items()}
            out.append(Candidate(str(st["id"]), float(score) if not order else 0.0, st))
        return int(r.count or 0), out

    def _text(self, cand: Candidate) -> str:
        t = cand.stored.get("text")
        return bytes(t).decode("utf-8") if t else ""


def _all(qs: list[Any]) -> Any:
    if len(qs) == 1:
        return qs[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in qs])


def _should(qs: list[Any]) -> Any:
    if len(qs) == 1:
        return qs[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in qs])
