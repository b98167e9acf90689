"""The Whoosh engine (default): pure Python, no server, a folder of files.

Terms come pre-analyzed from ``index/analysis.py`` through :class:`TermsField`, which
bypasses Whoosh's per-token ``Token`` pipeline (the slow part of a bare Whoosh writer) and
its default tokenizer (which splits NFD words and ``111/KH-UBND``, ``style.md``). Postings
keep frequencies but no positions: phrases are bigram look-ups, checked on the stored text
of the top candidates only, and collectors are bounded (``limit``), which keeps queries
fast on tens of thousands of documents (issue 4).
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evidence.index.engine import (
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
from whoosh import fields, formats
from whoosh import index as windex
from whoosh import query as Q
from whoosh.system import pack_uint

__all__ = ["TermsField", "WhooshEngine", "whoosh_schema"]

log = logging.getLogger(__name__)


class TermsField(fields.FieldType):
    """A field indexed from a list of ready-made terms (no analyzer at index time).

    ``scorable`` fields keep term frequencies (BM25F); others only record presence
    (filters).
    """

    def __init__(self, scorable: bool = True) -> None:
        fmt = formats.Frequency() if scorable else formats.Existence()
        super().__init__(format=fmt, analyzer=None, scorable=scorable, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, str):
            value = value.split()
        if self.scorable:
            for term, n in Counter(value).items():
                yield term.encode("utf-8"), n, float(n), pack_uint(n)
        else:
            for term in set(value):
                yield term.encode("utf-8"), 1, 1.0, b""

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        return iter(qstring.split())

    def self_parsing(self) -> bool:
        return True


def whoosh_schema() -> fields.Schema:
    """The index schema (see ``index/engine.py`` for what each field is)."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        symkey=TermsField(),
        type_key=TermsField(scorable=False),
        year=TermsField(scorable=False),
        datenum=fields.NUMERIC(int, bits=32, sortable=True),
        issuer_f=TermsField(scorable=False),
        subj_x=TermsField(), subj_f=TermsField(), subj_b=TermsField(),
        body_x=TermsField(), body_f=TermsField(), body_b=TermsField(),
        symbol=fields.STORED(), doc_type=fields.STORED(), date=fields.STORED(),
        subject=fields.STORED(), issuer=fields.STORED(), place=fields.STORED(),
        path=fields.STORED(), ztext=fields.STORED(),
    )


def _fields(d: IndexedDoc) -> dict[str, Any]:
    return {
        "id": d.id, "symkey": d.symkeys, "type_key": [d.type_key] if d.type_key else [],
        "year": [str(d.year)] if d.year else [], "datenum": d.datenum,
        "issuer_f": d.issuer_terms,
        "subj_x": d.subj.exact, "subj_f": d.subj.folded, "subj_b": d.subj.bigrams,
        "body_x": d.body.exact, "body_f": d.body.folded, "body_b": d.body.bigrams,
        "symbol": d.symbol, "doc_type": d.doc_type, "date": d.date, "subject": d.subject,
        "issuer": d.issuer, "place": d.place, "path": d.path,
        "ztext": zlib.compress(d.text.encode("utf-8"), 3),
    }


def _group(f: str, e: str, fuzzy: bool = False) -> Q.Query:
    qs: list[Q.Query] = [
        Q.Term("subj_f", f, boost=W_SUBJ_F), Q.Term("body_f", f, boost=W_BODY_F),
        Q.Term("subj_x", e, boost=W_SUBJ_X), Q.Term("body_x", e, boost=W_BODY_X),
    ]
    if fuzzy and len(f) >= FUZZY_MIN_LEN and not f.isdigit():
        qs += [Q.FuzzyTerm("subj_f", f, boost=W_SUBJ_F / 2, maxdist=1, prefixlength=1),
               Q.FuzzyTerm("body_f", f, boost=W_BODY_F / 2, maxdist=1, prefixlength=1)]
    return Q.Or(qs)


def _bigram(b: str) -> Q.Query:
    return Q.Or([Q.Term("subj_b", b, boost=W_SUBJ_B), Q.Term("body_b", b, boost=W_BODY_B)])


def build_query(plan: QueryPlan, fuzzy: bool = False) -> Q.Query:
    """The Whoosh query of a plan (strict, or with fuzzy syllables)."""
    must: list[Q.Query] = [_group(f, e, fuzzy) for f, e in plan.terms]
    if fuzzy:
        # damaged words break bigrams: require the phrase syllables, fuzzily
        for p, pe in zip(plan.phrases, plan.phrase_exact, strict=True):
            must += [_group(f, e, True) for f, e in zip(p, pe, strict=True)]
    else:
        must += [_bigram(b) for b in plan.phrase_bigrams]
        must += [_group(f, e) for f, e in plan.phrase_singles]
    text_q: Q.Query | None = None
    if must:
        text_q = must[0] if len(must) == 1 else Q.And(must)
        if plan.bigrams:
            text_q = Q.AndMaybe(text_q, Q.Or([_bigram(b) for b in plan.bigrams]))
    sym = [Q.Term("symkey", k, boost=W_SYMBOL) for k in plan.symkeys]
    if sym and not fuzzy:
        return Q.Or([*([text_q] if text_q else []), *sym])
    return text_q if text_q is not None else Q.NullQuery


def build_filter(plan: QueryPlan) -> Q.Query | None:
    """The unscored filter of a plan."""
    fs: list[Q.Query] = []
    if plan.type_key:
        fs.append(Q.Term("type_key", plan.type_key))
    if plan.year:
        fs.append(Q.Term("year", str(plan.year)))
    fs += [Q.Term("issuer_f", t) for t in plan.issuer_terms]
    if plan.date_lo is not None or plan.date_hi is not None:
        fs.append(Q.NumericRange("datenum", plan.date_lo if plan.date_lo is not None else 1,
                                 plan.date_hi))
    if not fs:
        return None
    return fs[0] if len(fs) == 1 else Q.And(fs)


class WhooshEngine(BaseEngine):
    """:class:`~evidence.index.engine.SearchEngine` on Whoosh (``whoosh-reloaded``)."""

    name = "whoosh"

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self._ix: Any = None
        self._searcher: Any = None
        self._gen = -1

    def _create(self, path: Path) -> None:
        windex.create_in(str(path), whoosh_schema())

    def _open(self, path: Path) -> Any:
        return windex.open_dir(str(path))

    def _write(self, path: Path, docs: list[IndexedDoc], delete: Iterable[str]) -> None:
        ix = self._open(path)
        # our own WriterLock serialises processes; Whoosh's lock is a second guard
        w = ix.writer(timeout=5.0)
        try:
            for i in delete:
                w.delete_by_term("id", i)
            for d in docs:
                w.update_document(**_fields(d))
        except BaseException:
            w.cancel()
            raise
        w.commit()
        ix.close()

    def _count(self, path: Path) -> int:
        ix = self._open(path)
        try:
            return int(ix.doc_count())
        finally:
            ix.close()

    def _ids(self, path: Path) -> set[str]:
        ix = self._open(path)
        try:
            with ix.reader() as r:
                col = r.column_reader("id")
                return {col[n] for n in r.all_doc_ids()}
        finally:
            ix.close()

    def _release(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def _get_searcher(self) -> Any:
        # Reopen when a writer committed a new generation. (Whoosh's own up_to_date()
        # misses deletion-only commits on a single-segment index: it compares with the
        # segment reader's generation.)
        if self._ix is None:
            self._ix = self._open(self.dir)
        gen = self._ix.latest_generation()
        if self._searcher is None or gen != self._gen:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix.searcher()
            self._gen = gen
        return self._searcher

    def _query(self, plan: QueryPlan, limit: int, fuzzy: bool) -> tuple[int, list[Candidate]]:
        s = self._get_searcher()
        flt = build_filter(plan)
        if plan.empty:
            if not plan.has_filters:
                return 0, []
            r = s.search(Q.Every(), filter=flt, limit=limit, sortedby="datenum", reverse=True)
        else:
            q = build_query(plan, fuzzy)
            if q is Q.NullQuery:
                return 0, []
            r = s.search(q, filter=flt, limit=limit)
        total = len(r) if r.has_exact_length() else int(r.estimated_length())
        out = []
        for hit in r:
            st = hit.fields()
            out.append(Candidate(st["id"], float(hit.score or 0.0), st))
        return total, out

    def _text(self, cand: Candidate) -> str:
        z = cand.stored.get("ztext")
        return zlib.decompress(z).decode("utf-8") if z else ""
