"""The Whoosh engine (default): pure Python, no server, a folder of files.

Terms come pre-analyzed from ``index/search/analysis.py`` through :class:`TermsField`, which
bypasses Whoosh's per-token ``Token`` pipeline (the slow part of a bare Whoosh writer) and
its default tokenizer (which splits NFD words and ``111/KH-UBND``, ``style.md``). Postings
keep frequencies but no positions: phrases are bigram look-ups, checked on the stored text
of the top candidates only, and collectors are bounded (``limit``), which keeps queries
fast on tens of thousands of documents.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from evidence.errors import StoreError
from evidence.index.search.base import BaseEngine
from evidence.index.search.query import QueryPlan
from evidence.index.search.ranking import (
    FIELDS,
    PAGING_POOL,
    field_values,
    filter_of,
    level_bonus,
    tiers,
)
from evidence.index.search.types import Candidate, IndexedDoc
from evidence.index.search.whoosh_compat import INTERNALS
from evidence.index.search.whoosh_eval import PostingCache
from evidence.index.search.whoosh_merge import MergingWriter, tiered_merge
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
    """The index schema: the term fields of the ranking spec (``index/search/ranking.py``), the
    id, the date column and the stored fields."""
    terms = {f.name: TermsField(scorable=f.scored) for f in FIELDS.values()}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        datenum=fields.NUMERIC(int, bits=32, sortable=True),
        symbol=fields.STORED(), doc_type=fields.STORED(), date=fields.STORED(),
        subject=fields.STORED(), issuer=fields.STORED(), place=fields.STORED(),
        path=fields.STORED(), ztext=fields.STORED(), **terms,
    )


def _fields(d: IndexedDoc) -> dict[str, Any]:
    return {
        "id": d.id, "datenum": d.datenum, **field_values(d),
        "symbol": d.symbol, "doc_type": d.doc_type, "date": d.date, "subject": d.subject,
        "issuer": d.issuer, "place": d.place, "path": d.path,
        "ztext": zlib.compress(d.text.encode("utf-8"), 3),
    }


class WhooshEngine(BaseEngine):
    """:class:`~evidence.index.search.engine.SearchEngine` on Whoosh (``whoosh-reloaded``).

    Queries run in tiers, best first: a document number; the words as a phrase in the
    subject; every word in the subject; the words as a contiguous phrase (bigram
    look-ups); every word anywhere. Each tier is a set intersection of posting lists
    (``index/search/whoosh_eval.py``); at most :attr:`scan_cap` new matches per tier are scored
    (BM25F). Results are ordered by tier, then score; the search stops once the earlier
    tiers fill the page. (Bare Whoosh took 2-6 s per positional phrase query at 50k
    documents; its matcher trees were still the slow part of many-word and
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
        w = (MergingWriter(ix, timeout=5.0, codec=_WriterCodec()) if INTERNALS
             else ix.writer(timeout=5.0))  # Whoosh's own writer and merges (whoosh_compat)
        try:
            for i in delete:
                w.delete_by_term("id", i)
            for d in docs:
                w.update_document(**_fields(d))
        except BaseException:
            w.cancel()
            raise
        w.commit(**({"mergetype": tiered_merge} if INTERNALS else {}))
        ix.close()

    def _count(self, path: Path) -> int:
        if path == self.dir and self._searcher is not None:
            # a search has the live index open: its searcher (reopened when a writer has
            # committed since) knows the count; no second reader over every segment
            return int(self._get_searcher().doc_count())
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
        flt = filter_of(plan)
        restrict = pc.filtered(flt)
        if plan.empty:
            if flt.empty:
                return 0, []
            pool = restrict if restrict is not None else s.reader().all_doc_ids()
            docs = [d for d in pool if pc.passes(d, flt)]
            col = s.reader().column_reader("datenum")
            ranked = sorted(docs, key=lambda d: (-(col[d] or 0), d))[:limit]
            stored = [s.stored_fields(d) for d in ranked]
            return len(docs), [Candidate(st["id"], 0.0, st) for st in stored]
        found: dict[int, tuple[int, float]] = {}
        fuzz = None
        if fuzzy:
            # words the index does not know are the likely OCR slips or typos: when there
            # are some, only they are widened (each widening walks every segment's terms)
            words = [f for b in plan.branches for f, _ in b.terms]
            words += [f for b in plan.branches for p in b.phrases for f in p]
            fuzz = {f for f in words if not pc.doc_frequency("body_f", f)} or None
        ts = tiers(plan, fuzzy, fuzz)
        left: list[int] = []  # tiers not evaluated to the end
        for t, tier in enumerate(ts):
            new, done = pc.match(tier, flt, restrict, found, self.scan_cap)
            for d in new:
                found[d] = (tier.level, pc.score(d, tier))
            if not done:
                left.append(t)
            if len(found) >= limit and t < len(ts) - 1 and ts[t + 1].level > tier.level:
                left += range(t + 1, len(ts))  # they rank below everything found so far
                break
        best = sorted(found.items(), key=lambda kv: (kv[1][0], -kv[1][1], kv[0]))[:limit]
        out = []
        for d, (level, score) in best:
            st = s.stored_fields(d)
            # the level decides the order; the score shown is (level bonus + BM25F)
            out.append(Candidate(st["id"], level_bonus(level) + score, st))
        if not left:
            return len(found), out
        # the documents of the tiers left unfinished, counted (not scored): every one under
        # filters (the estimate below would ignore dates and exclusions), else as far as
        # paging reaches, so that every page the total promises holds hits
        cap = PAGING_POOL if flt.empty else 1 << 62
        seen: set[int] = set(found)
        for t in left:
            if len(seen) >= cap:
                break
            seen.update(pc.match(ts[t], flt, restrict, seen, cap - len(seen))[0])
        if len(seen) < cap:
            return len(seen), out
        # unfiltered and very common: the widest tiers hold every text match, each bounded
        # by its rarest required term (an estimate past the pool, docs/search.md; counting
        # cost seconds)
        widest = [t for t in ts if t.level == ts[-1].level]
        bound = sum(min(sum(pc.doc_frequency(c.field, c.term) for c in g) for g in t.must)
                    for t in widest)
        return max(len(seen), bound), out

    def _doc_frequency(self, field: str, term: str) -> int:
        return int(self._get_searcher().reader().doc_frequency(field, term))

    def _terms_with_prefix(self, field: str, prefix: str) -> list[str]:
        terms = self._get_searcher().reader().expand_prefix(field, prefix)
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in terms]

    def _text(self, cand: Candidate) -> str:
        z = cand.stored.get("ztext")
        return zlib.decompress(z).decode("utf-8") if z else ""
