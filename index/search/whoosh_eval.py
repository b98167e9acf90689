"""Query evaluation on a Whoosh index with posting *sets* instead of matcher trees.

Whoosh answers ``a AND b AND c`` with a binary tree of intersection matchers whose every
``skip_to`` is Python code, per segment; on tens of thousands of documents a filtered or
many-word query spent most of its time there (p95 over 100 ms). Here each term's
postings are read once per query, a block at a time, into a ``{docnum: weight}`` dict;
intersections are C-level set operations, smallest first; only the documents that are
shown are scored (BM25F with Whoosh's own formula and statistics). A query is a list of
:class:`~evidence.index.search.ranking.Tier` objects, best first (``index/search/ranking.py``).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections.abc import Container, Iterable, Iterator
from itertools import accumulate
from typing import Any

from evidence.index.search.ranking import Clause, Filter, Tier
from evidence.index.search.whoosh_compat import INTERNALS
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import bm25

__all__ = ["PostingCache", "unwrap_deletions"]

#: BM25F parameters (Whoosh's defaults, as its ``BM25F`` weighting uses)
B, K1 = 0.75, 1.2
#: an optional (scoring-only) clause whose term is in more than this share of the
#: documents is not scored
COMMON = 0.5


def unwrap_deletions(m: Any) -> tuple[Any, Any]:
    """A segment's term matcher without the wrapper that hides deleted documents, and
    those deleted docnums (empty when the segment has none). Without the checked
    internals, the matcher itself (it skips deleted documents)."""
    if INTERNALS and isinstance(m, FilterMatcher) and m._exclude:
        return m.child, m._ids
    return m, frozenset()


class Postings:
    """One term's postings with random access by block.

    Block headers are walked only as far as the documents asked for (each holds its
    largest docnum; the data stays compressed), and a block's docnums are decoded only
    when a document in its range is asked for; its weights are kept raw and read only
    for the documents that get scored. So checking a few candidates against a long list
    decodes a few blocks, and any order of access is exact. Whoosh's block matcher
    hands over its block data; any other matcher (inlined postings) is read posting by
    posting.
    """

    __slots__ = ("_blocks", "_docs", "_maxids", "_pos", "_segs")

    def __init__(self, segs: list[tuple[Any, int]]) -> None:
        # (matcher, docnum offset) per segment holding the term, walked in order
        self._segs = segs[::-1]
        self._pos: tuple[Any, int, int, Any] | None = None  # where the walk is
        self._maxids: list[int] = []  # largest global docnum of each block walked
        # per block: a tuple (matcher, position, offset, deleted) until decoded, then a
        # list [docnums incl. deleted ones, raw weights, live docnums]
        self._blocks: list[Any] = []
        self._docs: set[int] = set()  # live docnums of the decoded blocks

    def _walk(self) -> bool:
        """Read the next block header (or a whole non-block segment); False at the end."""
        while self._pos is None:
            if not self._segs:
                return False
            m, off = self._segs.pop()
            m, deleted = unwrap_deletions(m)
            if INTERNALS and type(m) is W3LeafMatcher:
                self._pos = (m, m._baseoffset, off, deleted)
                break
            ids: list[int] = []
            weights: list[float] = []
            while m.is_active():
                if m.id() not in deleted:
                    ids.append(off + m.id())
                    weights.append(m.weight())
                m.next()
            if ids:
                self._maxids.append(ids[-1])
                self._blocks.append([ids, weights, ids])
                self._docs.update(ids)
                return True
        m, pos, off, deleted = self._pos
        m._goto(pos)
        self._maxids.append(off + m._maxid)
        self._blocks.append((m, pos, off, deleted))
        self._pos = None if m._lastblock else (m, m._nextoffset, off, deleted)
        return True

    def _decode(self, i: int) -> list[Any]:
        b = self._blocks[i]
        if type(b) is list:
            return b
        m, pos, off, deleted = b
        m._goto(pos)
        m._read_data()
        # the block's ids are delta-encoded (whoosh3 W3LeafMatcher._read_ids); its weights
        # None (all 1.0), one float for all, or an array (W3LeafMatcher._read_weights)
        raw: Any = accumulate(m._data[0])
        ids = [off + d for d in raw] if off else list(raw)
        live = [d for d in ids if d - off not in deleted] if deleted else ids
        b = self._blocks[i] = [ids, m._data[1], live]
        self._docs.update(live)
        return b

    def _block(self, doc: int) -> list[Any] | None:
        """The decoded block whose range holds ``doc`` (None: past the last one)."""
        maxids = self._maxids
        while (not maxids or maxids[-1] < doc) and self._walk():
            pass
        i = bisect_left(maxids, doc)
        return None if i == len(maxids) else self._decode(i)

    def __contains__(self, doc: object) -> bool:
        if doc in self._docs:
            return True
        return isinstance(doc, int) and self._block(doc) is not None and doc in self._docs

    def get(self, doc: int) -> float | None:
        """The weight of ``doc`` (its term frequency), or None when the term is not in
        it."""
        if doc not in self:
            return None
        ids, raw, _ = self._block(doc) or ([], None, [])
        if raw is None:
            return 1.0
        if isinstance(raw, float):
            return raw
        return float(raw[bisect_left(ids, doc)])

    def __iter__(self) -> Iterator[int]:
        """Docnums in order, decoding as it goes."""
        i = 0
        while i < len(self._blocks) or self._walk():
            yield from self._decode(i)[2]
            i += 1

    def all(self) -> list[int]:
        """Every docnum, in order."""
        return list(self)


class AnyOf:
    """Documents holding any of several terms (fuzzy variants, symbol keys), lazily."""

    __slots__ = ("_alts",)

    def __init__(self, alts: list[Postings]) -> None:
        self._alts = alts

    def __contains__(self, doc: object) -> bool:
        return any(doc in p for p in self._alts)

    def __iter__(self) -> Iterator[int]:
        last = -1
        for d in heapq.merge(*self._alts):
            if d != last:
                yield d
                last = d


class PostingCache:
    """The postings of the terms of one query over one searcher, read once each."""

    def __init__(self, searcher: Any) -> None:
        self.s = searcher
        self.reader = searcher.reader()
        self.leaves = [(sub.reader(), off) for sub, off in searcher.leaf_searchers()]
        self._postings: dict[tuple[str, str], Postings] = {}
        self._df: dict[tuple[str, str], int] = {}
        self._fuzzy: dict[tuple[str, str], list[str]] = {}
        self._lengths: dict[tuple[int, str], int] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._avgfl: dict[str, float] = {}
        self._scorable: dict[str, bool] = {}
        self._dates: Any = None
        self._clauses: dict[int, list[Clause]] = {}

    # -- postings ------------------------------------------------------------------------
    def postings(self, fieldname: str, term: str) -> Postings:
        """A term's postings (empty when absent), read lazily."""
        key = (fieldname, term)
        got = self._postings.get(key)
        if got is None:
            segs = []
            for r, off in self.leaves:
                try:  # one term-dictionary look-up per segment (no separate `in` test)
                    segs.append((r.postings(fieldname, term), off))
                except TermNotFound:
                    continue
            got = self._postings[key] = Postings(segs)
        return got

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Documents holding the term, from the term dictionary (no postings read)."""
        key = (fieldname, term)
        n = self._df.get(key)
        if n is None:
            n = self._df[key] = int(self.reader.doc_frequency(fieldname, term))
        return n

    def variants(self, c: Clause) -> list[Clause]:
        """The clause itself, plus its one-edit neighbours when fuzzy."""
        if not c.fuzzy:
            return [c]
        key = (c.field, c.term)
        near = self._fuzzy.get(key)
        if near is None:
            # per segment: a segment reader walks its term list with an automaton
            found: set[str] = set()
            for r, _ in self.leaves:
                found.update(r.terms_within(c.field, c.term, 1, prefix=1))
            found.discard(c.term)
            near = sorted(found)
            self._fuzzy[key] = near
        return [Clause(c.field, c.term, c.boost)] + [Clause(c.field, t, c.boost / 2)
                                                      for t in near]

    def _group(self, group: list[Clause]) -> Postings | AnyOf:
        """A group's documents: one term's postings, or the union of its alternatives."""
        alts = [v for c in group for v in self.variants(c)]
        if len(alts) == 1:
            return self.postings(alts[0].field, alts[0].term)
        return AnyOf([self.postings(a.field, a.term) for a in alts])

    def filtered(self, flt: Filter) -> list[int] | None:
        """Docnums passing the term filters, in order (``None``: no term filter)."""
        if not flt.terms:
            return None
        terms = sorted(flt.terms, key=lambda ft: self.doc_frequency(*ft))
        lists = [self.postings(f, t) for f, t in terms]
        return [d for d in lists[0].all() if all(d in p for p in lists[1:])]

    def passes(self, doc: int, flt: Filter) -> bool:
        """Whether ``doc`` is dated within the filter's range and holds none of its
        excluded terms (the term filters are :meth:`filtered`'s)."""
        if flt.exclude and any(doc in self.postings(f, t) for f, t in flt.exclude):
            return False
        if flt.date_lo is None and flt.date_hi is None:
            return True
        if self._dates is None:
            self._dates = self.reader.column_reader("datenum")
        v = self._dates[doc] or 0
        return (flt.date_lo is None or v >= flt.date_lo) and (flt.date_hi is None
                                                              or v <= flt.date_hi)

    # -- matching and scoring ------------------------------------------------------------
    def match(self, tier: Tier, flt: Filter, restrict: list[int] | None,
              skip: Container[int], want: int) -> tuple[list[int], bool]:
        """Documents matching every group of the tier, in docnum order, that pass the
        filter and are not in ``skip``: the first ``want`` of them, and whether that is
        all of them. The rarest list (or the filtered docnums) drives; the others are
        read only as far as the candidates go."""
        def size(g: list[Clause]) -> int:
            return sum(self.doc_frequency(v.field, v.term) for c in g for v in self.variants(c))

        groups = sorted(tier.must, key=size)
        if not groups:
            return [], True
        if restrict is not None and len(restrict) <= size(groups[0]):
            driver: Iterable[int] = restrict
            checks: list[Container[int]] = [self._group(g) for g in groups]
        else:
            driver = self._group(groups[0])
            checks = [self._group(g) for g in groups[1:]]
            if restrict is not None:
                checks.insert(0, set(restrict))
        out: list[int] = []
        # the lists are correlated (a topic's words come together), so the order that
        # rejects candidates soonest is learnt as we go: every 64 candidates the checks
        # are re-sorted by how many they rejected
        rejects = [0] * len(checks)
        seen = 0
        for d in driver:
            if d in skip:
                continue
            seen += 1
            if not seen & 63 and len(checks) > 1:
                order = sorted(range(len(checks)), key=lambda k: -rejects[k])
                checks = [checks[k] for k in order]
                rejects = [rejects[k] for k in order]
            for k, c in enumerate(checks):
                if d not in c:
                    rejects[k] += 1
                    break
            else:
                if not self.passes(d, flt):
                    continue
                if len(out) >= want:
                    return out, False
                out.append(d)
        return out, True

    def score(self, doc: int, tier: Tier) -> float:
        """BM25F of a document for the clauses of a tier it matches."""
        total = 0.0
        clauses = self._clauses.get(id(tier))
        if clauses is None:
            # optional clauses on terms in most documents are left out: they tell documents
            # apart least, and probing their long lists costs a block decode per document
            common = COMMON * self.reader.doc_count_all()
            clauses = [v for g in tier.must for c in g for v in self.variants(c)]
            clauses += [c for c in tier.maybe if self.doc_frequency(c.field, c.term) <= common]
            self._clauses[id(tier)] = clauses
        for c in clauses:
            w = self.postings(c.field, c.term).get(doc)
            if w is not None:
                total += c.boost * self._term_score(doc, c.field, c.term, w)
        return total

    def _term_score(self, doc: int, fieldname: str, term: str, weight: float) -> float:
        scorable = self._scorable.get(fieldname)
        if scorable is None:
            scorable = self._scorable[fieldname] = bool(self.s.schema[fieldname].scorable)
        if not scorable:
            return weight
        key = (fieldname, term)
        idf = self._idf.get(key)
        if idf is None:  # Whoosh's idf, from the document frequency already looked up
            n = self.reader.doc_count_all()
            idf = self._idf[key] = math.log(n / (self.doc_frequency(fieldname, term) + 1)) + 1
        avgfl = self._avgfl.get(fieldname)
        if avgfl is None:
            avgfl = self._avgfl[fieldname] = float(self.s.avg_field_length(fieldname) or 1)
        lk = (doc, fieldname)
        fl = self._lengths.get(lk)
        if fl is None:
            fl = self._lengths[lk] = int(self.reader.doc_field_length(doc, fieldname))
        return float(bm25(idf, weight, fl, avgfl, B, K1))
