"""When a query finds little: documents matching all words but the missing ones, and a
spelling suggestion ("Có phải bạn muốn tìm: …").

Both work on any engine through three of its methods (``_query``, ``_doc_frequency``,
``_terms_with_prefix``), after the strict pass of
:meth:`~evidence.index.search.base.BaseEngine.search`.

- Missing words: words no document holds (a typo), or, when the words together match
  nothing, the words few documents hold (an OCR slip such as "quy l" for "quý I"), are
  dropped and the documents matching the other words are returned,
  below every full match, each marked with the words it lacks (``missing_terms``).
- Suggestion: each rare query word is compared with the index vocabulary (folded body terms
  sharing its first letter) by optimal-string-alignment distance (rapidfuzz); a neighbour
  found in many more documents replaces it, and the suggestion is offered when the
  corrected query finds more documents than the query typed.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from evidence.index.search.analysis import analyze, term_keys
from evidence.index.search.ranking import FUZZY_BELOW

if TYPE_CHECKING:
    from evidence.index.search.base import BaseEngine
    from evidence.index.search.query import QueryPlan
    from evidence.index.search.types import Candidate, SearchQuery

__all__ = ["partial_matches", "rare_words", "suggest", "words_to_drop"]

_TOKEN = re.compile(r"[^\W_]+")


def words_to_drop(engine: BaseEngine, plan: QueryPlan, strict: int
                  ) -> tuple[dict[str, int], list[str]]:
    """After a search that found ``strict`` (few) documents: the query's rare words with
    their document counts (:func:`rare_words`), and the words to drop for partial matches —
    those no document holds, or, when together the words match nothing, the rare ones."""
    if plan.number or (plan.symkeys and strict):
        # a number and a type word, or a document number that was found: a look-up,
        # nothing to drop or respell
        return {}, []
    rare = rare_words(engine, plan)
    missing = [w for w, n in rare.items() if not n]
    return rare, missing or (list(rare) if not strict else [])


def rare_words(engine: BaseEngine, plan: QueryPlan) -> dict[str, int]:
    """The query's words (of every alternative) found in fewer than
    :data:`~evidence.index.search.ranking.FUZZY_BELOW` documents, with their document counts."""
    words = [f for b in plan.branches for f, _ in b.terms]
    words += [f for b in plan.branches for p in b.phrases for f in p]
    counts = {w: engine._doc_frequency("body_f", w) for w in dict.fromkeys(words)}
    return {w: n for w, n in counts.items() if n < FUZZY_BELOW}


def partial_matches(engine: BaseEngine, plan: QueryPlan, dropped: Collection[str],
                    limit: int, have: set[str], shown: int | None = None) -> list[Candidate]:
    """Documents matching the query without the ``dropped`` words, best first, each of the
    first ``shown`` (default: all) with :attr:`Candidate.missing` set to those it lacks;
    none for an ``OR`` query or when no other word is left. Quoted or not, a word is
    dropped the same way (:meth:`QueryPlan.without`): ``"một cửa" xyzq`` finds what
    ``"một cửa"`` finds, as ``một cửa xyzq`` finds what ``một cửa`` finds."""
    drop = [w for w in plan.words if w in dropped]
    if not drop or plan.alternatives:
        return []
    sub = plan.without(drop)
    if sub.empty:
        return []
    _, cands = engine._query(sub, limit + len(have), False)
    if sub.phrases:
        cands, _ = engine._check_phrases(cands, sub, limit + len(have))
    out = [c for c in cands if c.id not in have][:limit]
    for c in out[:shown]:
        text = set(analyze(engine._text(c), clean=False).folded)
        c.missing = [w for w in drop if w not in text]
    return out


def suggest(engine: BaseEngine, plan: QueryPlan, q: SearchQuery, total: int,
            rare: dict[str, int]) -> str | None:
    """The query text with its ``rare`` words (word -> documents holding it) respelled the
    way the index has them, when that finds more than ``total`` documents (same filters);
    None otherwise."""
    from dataclasses import replace

    from evidence.index.search.query import plan_query
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    swap: dict[str, str] = {}
    for w, df in rare.items():
        if len(w) < 3 or (w.isdigit() and len(w) < 4):
            continue
        cutoff = 1 if len(w) <= 5 else 2
        vocab = [t for t in engine._terms_with_prefix("body_f", w[0]) if t != w]
        near = process.extract(w, vocab, scorer=OSA.distance, score_cutoff=cutoff,
                               limit=12)
        best = None
        for term, dist, _ in near:
            n = engine._doc_frequency("body_f", term)
            if n > 3 * df and (best is None or (dist, -n) < best[1]):
                best = (term, (dist, -n))
        if best:
            swap[w] = best[0]
    if not swap:
        return None
    # respell the words typed, keeping everything else (quotes, filters, symbols) as is
    text = q.text or ""
    fixed = _TOKEN.sub(lambda m: swap.get(term_keys(m.group(0))[1], m.group(0)), text)
    if fixed == text:
        return None
    res_total, _ = engine._query(plan_query(replace(q, text=fixed)), 1, False)
    return fixed if res_total > total else None
