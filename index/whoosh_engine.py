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

from evidence.errors import StoreError
from evidence.index.analysis import Analysis
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
from evidence.index.whoosh_eval import Clause, Filter, PostingCache, Tier
from evidence.index.whoosh_merge import MergingWriter, tiered_merge
from whoosh import fields, formats
from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment
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


class _LengthsReader(W3PerDocReader):
    """Whoosh's per-document reader, remembering which fields have no lengths column.

    Writing a segment looks up the field length of every posting; for fields without
    lengths (our unscored ones) Whoosh re-checks the column file's existence each time,
    one ``stat`` per posting: a third of the indexing time. Caching the absence fixes it.
    """

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        if fieldname not in self._readers:
            self._readers[fieldname] = super()._cached_reader(fieldname, column)
        return self._readers[fieldname]


class _WriterCodec(W3Codec):
    """The standard codec, with :class:`_LengthsReader` while writing. Segments record a
    plain :class:`W3Codec`, so the index on disk is standard Whoosh."""

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _LengthsReader(storage, segment)

    def new_segment(self, storage: Any, indexname: str) -> Any:
        return W3Segment(W3Codec(), indexname)


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
        # body exact keys and bigrams only record presence: a constant bonus at query time,
        # and no per-posting field-length work at index time (the bulk of Whoosh's cost)
        body_x=TermsField(scorable=False), body_f=TermsField(),
        body_b=TermsField(scorable=False),
        symbol=fields.STORED(), doc_type=fields.STORED(), date=fields.STORED(),
        subject=fields.STORED(), issuer=fields.STORED(), place=fields.STORED(),
        path=fields.STORED(), ztext=fields.STORED(),
    )


def _fields(d: IndexedDoc) -> dict[str, Any]:
    return {
        "id": d.id, "symkey": d.symkeys, "type_key": [d.type_key] if d.type_key else [],
        "year": [str(d.year)] if d.year else [], "datenum": d.datenum,
        "issuer_f": d.issuer_terms,
        # exact keys are only queried where they differ from the folded key (a word typed
        # with diacritics), so the others are not indexed
        "subj_x": _accented(d.subj), "subj_f": d.subj.folded,
        "subj_b": d.subj.bigrams + d.subj_start,
        "body_x": _accented(d.body), "body_f": d.body.folded, "body_b": d.body.bigrams,
        "symbol": d.symbol, "doc_type": d.doc_type, "date": d.date, "subject": d.subject,
        "issuer": d.issuer, "place": d.place, "path": d.path,
        "ztext": zlib.compress(d.text.encode("utf-8"), 3),
    }


def _accented(a: Analysis) -> list[str]:
    return [e for e, f in zip(a.exact, a.folded, strict=True) if e != f]


def _c(field: str, term: str, boost: float = 1.0) -> Clause:
    return Clause(field, term, boost)


def _each(clauses: list[Clause]) -> list[list[Clause]]:
    """Every clause required (one group each)."""
    return [[c] for c in clauses]


def build_tiers(plan: QueryPlan, fuzzy: bool = False,
                fuzz: set[str] | None = None) -> list[Tier]:
    """The tiers of a plan, best first (see :class:`WhooshEngine`).

    Required clauses are single-field term look-ups; exact-diacritics keys and bigrams
    only add to the score. The body terms include the subject's, so "anywhere" needs no
    subject clause. ``fuzzy``: one tier whose words also match one-edit neighbours (only
    the words in ``fuzz``, when given).
    """
    exact = [_c("body_x", e, W_BODY_X) for f, e in plan.terms if e != f]
    phrase_singles = [_c("body_f", f, W_BODY_F) for f, _ in plan.phrase_singles]
    if fuzzy:
        words = [f for f, _ in plan.terms] + [f for p in plan.phrases for f in p]
        groups = [[Clause("body_f", f, W_BODY_F,
                          fuzzy=len(f) >= FUZZY_MIN_LEN and not f.isdigit()
                          and (fuzz is None or f in fuzz))] for f in words]
        return [Tier(groups, exact)] if groups else []
    tiers: list[Tier] = []
    if plan.symkeys:
        tiers.append(Tier([[_c("symkey", k, W_SYMBOL) for k in plan.symkeys]]))
    if plan.terms or plan.phrases:
        must = [_c("subj_f", f, W_SUBJ_F) for f, _ in plan.terms]
        must += [_c("subj_b", b, W_SUBJ_B) for b in plan.phrase_bigrams]
        must += [_c("subj_f", f, W_SUBJ_F) for f, _ in plan.phrase_singles]
        maybe = [_c("subj_x", e, W_SUBJ_X) for f, e in plan.terms if e != f]
        sbig = [_c("subj_b", b, W_SUBJ_B) for b in plan.bigrams]
        if plan.start_key:
            maybe.append(_c("subj_b", plan.start_key, plan.start_boost))
        if len(plan.terms) >= 2 and plan.bigrams:
            # 1. the words as a contiguous phrase in the subject
            tiers.append(Tier(_each(must + sbig), maybe))
        # 2. every word in the subject
        tiers.append(Tier(_each(must), maybe + sbig))
    phrase_req = [_c("body_b", b, W_BODY_B) for b in plan.phrase_bigrams] + phrase_singles
    if len(plan.terms) >= 2 and plan.bigrams:
        # 3. the words as a contiguous phrase (all their bigrams), anywhere
        must = [_c("body_b", b, W_BODY_B) for b in plan.bigrams] + phrase_req
        tiers.append(Tier(_each(must), [_c("body_f", f, W_BODY_F) for f, _ in plan.terms]
                          + exact))
    if plan.terms or plan.phrases:
        # 4. every word anywhere (default AND), contiguous pairs ranked higher
        must = [_c("body_f", f, W_BODY_F) for f, _ in plan.terms] + phrase_req
        tiers.append(Tier(_each(must), [_c("body_b", b, W_BODY_B) for b in plan.bigrams]
                          + exact))
    return tiers


def build_filter(plan: QueryPlan) -> Filter:
    """The unscored filter of a plan."""
    terms: list[tuple[str, str]] = []
    if plan.type_key:
        terms.append(("type_key", plan.type_key))
    if plan.year:
        terms.append(("year", str(plan.year)))
    terms += [("issuer_f", t) for t in plan.issuer_terms]
    return Filter(terms, plan.date_lo, plan.date_hi)


class WhooshEngine(BaseEngine):
    """:class:`~evidence.index.engine.SearchEngine` on Whoosh (``whoosh-reloaded``).

    Queries run in tiers, best first: a document number; the words as a phrase in the
    subject; every word in the subject; the words as a contiguous phrase (bigram
    look-ups); every word anywhere. Each tier is a set intersection of posting lists
    (``index/whoosh_eval.py``); at most :attr:`scan_cap` new matches per tier are scored
    (BM25F). Results are ordered by tier, then score; the search stops once the earlier
    tiers fill the page. (Bare Whoosh took 2-6 s per positional phrase query at 50k
    documents, issue 4; its matcher trees were still the slow part of many-word and
    filtered queries.)
    """

    name = "whoosh"
    #: matches scored per tier at most
    scan_cap = 250

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
        w = MergingWriter(ix, timeout=5.0, codec=_WriterCodec())
        try:
            for i in delete:
                w.delete_by_term("id", i)
            for d in docs:
                w.update_document(**_fields(d))
        except BaseException:
            w.cancel()
            raise
        w.commit(mergetype=tiered_merge)
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
        try:
            if self._ix is None:
                self._ix = self._open(self.dir)
            gen = self._ix.latest_generation()
            if self._searcher is None or gen != self._gen:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = self._ix.searcher()
                self._gen = gen
        except Exception as exc:  # a truncated segment, a lost table of contents
            self._release()
            raise StoreError(f"the search index cannot be read ({type(exc).__name__}): run "
                             "`evidence reindex` to rebuild it from the catalogue",
                             subject=str(self.dir)) from exc
        return self._searcher

    def _query(self, plan: QueryPlan, limit: int, fuzzy: bool) -> tuple[int, list[Candidate]]:
        s = self._get_searcher()
        pc = PostingCache(s)
        flt = build_filter(plan)
        restrict = pc.filtered(flt)
        if plan.empty:
            if flt.empty:
                return 0, []
            pool = restrict if restrict is not None else s.reader().all_doc_ids()
            docs = [d for d in pool if pc.in_dates(d, flt)]
            col = s.reader().column_reader("datenum")
            ranked = sorted(docs, key=lambda d: (-(col[d] or 0), d))[:limit]
            stored = [s.stored_fields(d) for d in ranked]
            return len(docs), [Candidate(st["id"], 0.0, st) for st in stored]
        found: dict[int, tuple[int, float]] = {}
        complete = True
        fuzz = None
        if fuzzy:
            # words the index does not know are the likely OCR slips or typos: when there
            # are some, only they are widened (each widening walks every segment's terms)
            words = [f for f, _ in plan.terms] + [f for p in plan.phrases for f in p]
            fuzz = {f for f in words if not pc.doc_frequency("body_f", f)} or None
        tiers = build_tiers(plan, fuzzy, fuzz)
        for t, tier in enumerate(tiers):
            new, done = pc.match(tier, flt, restrict, found, self.scan_cap)
            complete = complete and done
            for d in new:
                found[d] = (t, pc.score(d, tier))
            if len(found) >= limit and t < len(tiers) - 1:
                complete = False  # later tiers rank below everything found so far
                break
        best = sorted(found.items(), key=lambda kv: (kv[1][0], -kv[1][1], kv[0]))[:limit]
        out = []
        for d, (t, score) in best:
            st = s.stored_fields(d)
            # tier decides the order; the score shown is (tier bonus + BM25F)
            out.append(Candidate(st["id"], (len(tiers) - t) * TIER_BONUS + score, st))
        total = len(found)
        if not complete and tiers:
            # the last tier holds every text match: its rarest required term (or the
            # filtered documents) bounds the total, an estimate (docs/search.md)
            rarest = min(sum(pc.doc_frequency(c.field, c.term) for c in g)
                         for g in tiers[-1].must)
            if restrict is not None:
                rarest = min(rarest, len(restrict))
            total = max(total, rarest)
        return total, out

    def _text(self, cand: Candidate) -> str:
        z = cand.stored.get("ztext")
        return zlib.decompress(z).decode("utf-8") if z else ""
