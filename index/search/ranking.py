"""The ranking spec of every engine: ONE field table and a query plan -> ranking tiers.

Whoosh (``index/search/whoosh_engine.py``) and Tantivy (``index/search/tantivy_engine.py``) index the
fields of :data:`FIELDS` with the values of :func:`field_values` and evaluate the
:class:`Tier` objects of :func:`tiers`; they only translate, so both rank alike.

A tier is a set of required clause groups (every group must match; a group matches when
any of its clauses does) and optional clauses that only add to the score. Results are
ordered by the :attr:`Tier.level` of the best tier a document matches, then by the score
(BM25F over the tier's clauses). Levels, best first (:data:`LEVELS`):

0. ``symbol``: the document whose symbol was typed (``111/KH-UBND``, ``KH-UBND 111``);
1. ``number``: a query that is only a number, or a type word and a number (``111``,
   ``QĐ 1074``, ``cv 2115``): the documents bearing that number as their own (of that
   type first);
2.-3. ``typed_subject_phrase``, ``typed_subject_words``: for a query opening with a type
   name (``kế hoạch …``, ``thông báo kết luận …``), levels 4 and 5 restricted to
   documents of that type;
4. ``subject_phrase``: the words as a contiguous phrase in the title (type name + subject);
5. ``subject_words``: every word in the title;
6. ``phrase``: the words as a contiguous phrase anywhere (their bigrams);
7. ``words``: every word anywhere (the default AND).

Below the title levels, such a query still prefers documents of that type inside each
tier (:data:`W_TYPE`). Alternatives (``a OR b``) add
their own tiers at the same levels; excluded words (``-word``) are a filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evidence.index.search.query import QueryPlan
    from evidence.index.search.types import IndexedDoc

__all__ = [
    "FIELDS",
    "FUZZY_BELOW",
    "FUZZY_MIN_LEN",
    "LEVELS",
    "PAGING_POOL",
    "TIER_BONUS",
    "W_SUBJ_START",
    "W_TYPE",
    "Clause",
    "FieldSpec",
    "Filter",
    "Tier",
    "field_values",
    "filter_of",
    "level_bonus",
    "tiers",
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One indexed field.

    Attributes:
        name: the field name in every engine.
        weight: the default boost of a clause on this field.
        scored: term frequencies kept, clauses BM25F-scored; otherwise only presence is
            recorded and a matching clause adds its boost alone (filters, body extras).
        filter: an unscored restriction (type, year, issuer), never ranked on.
    """

    name: str
    weight: float = 1.0
    scored: bool = True
    filter: bool = False


#: every indexed term field (stored fields and the ``datenum`` column are the engines')
FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("symkey", 200.0),  # the symbol's letter/digit parts, number first
    FieldSpec("numkey", 1.0, scored=False),  # the document's own number, zeros dropped
    FieldSpec("type_key", scored=False, filter=True),  # folded type code
    FieldSpec("year", scored=False, filter=True),
    FieldSpec("issuer_f", scored=False, filter=True),  # folded issuer + parent issuer
    # the title: type name + subject (exact keys only where they differ from folded ones,
    # since a query only uses them for a word typed with diacritics)
    FieldSpec("subj_x", 2.0),
    FieldSpec("subj_f", 3.0),
    FieldSpec("subj_b", 4.0),  # the title's bigrams and how it begins (``^ke_hoach``)
    # the body (the subject included); its exact keys and bigrams only record presence:
    # a constant bonus, and no per-posting field-length work at index time
    FieldSpec("body_x", 0.5, scored=False),
    FieldSpec("body_f", 1.0),
    FieldSpec("body_b", 2.0, scored=False),
)}

#: the title begins with the query's first two words (``analysis.start_keys``), per query
#: word (a long query sums many term scores and the start must still count)
W_SUBJ_START = 4.0
#: a document of the type the query opens with: above any score difference inside a tier
W_TYPE = 300.0
#: score between two ranking levels (Tantivy's constant bonus; Whoosh orders by level)
TIER_BONUS = 1000.0
#: strict results below this number trigger the fuzzy (OCR-tolerant) fallback
FUZZY_BELOW = 3
#: folded syllables shorter than this are never fuzzed (too many neighbours)
FUZZY_MIN_LEN = 4
#: what paging reaches (the web's pages): a total made by checking hits (quoted phrases,
#: the fuzzy and partial fallbacks) is counted over this many hits whatever the limit,
#: so every page it promises holds hits
PAGING_POOL = 200

LEVELS = ("symbol", "number", "typed_subject_phrase", "typed_subject_words", "subject_phrase",
          "subject_words", "phrase", "words")


@dataclass(frozen=True, slots=True)
class Clause:
    """One term look-up: ``field:term`` adding ``boost`` times its BM25F score (or
    ``boost`` alone in an unscored field). ``fuzzy``: also terms one edit away (same
    first letter), at half the boost."""

    field: str
    term: str
    boost: float = 1.0
    fuzzy: bool = False


@dataclass(slots=True)
class Tier:
    """Documents matching every group of ``must`` (a group matches when any of its
    clauses does), scored by the clauses they match in ``must`` and ``maybe``; ranked by
    ``level`` (0 best, see :data:`LEVELS`)."""

    must: list[list[Clause]]
    maybe: list[Clause] = field(default_factory=list)
    level: int = len(LEVELS) - 1


@dataclass(slots=True)
class Filter:
    """Unscored restrictions: documents holding every term of ``terms`` (field, term),
    none of ``exclude``, dated within [``date_lo``, ``date_hi``] when given."""

    terms: list[tuple[str, str]] = field(default_factory=list)
    date_lo: int | None = None
    date_hi: int | None = None
    exclude: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return (not self.terms and not self.exclude and self.date_lo is None
                and self.date_hi is None)


def level_bonus(level: int) -> float:
    """The constant score of a level: above every score of the levels below it."""
    return (len(LEVELS) - level) * TIER_BONUS


def _c(name: str, term: str, boost: float | None = None) -> Clause:
    return Clause(name, term, FIELDS[name].weight if boost is None else boost)


def _each(clauses: list[Clause]) -> list[list[Clause]]:
    """Every clause required (one group each)."""
    return [[c] for c in clauses]


def tiers(plan: QueryPlan, fuzzy: bool = False, fuzz: set[str] | None = None) -> list[Tier]:
    """The tiers of a plan and its alternatives, best level first.

    Required clauses are single-field term look-ups; exact-diacritics keys and bigrams
    only add to the score. The body terms include the subject's, so "anywhere" needs no
    subject clause. ``fuzzy``: one tier per alternative whose words also match one-edit
    neighbours (only the words in ``fuzz``, when given).
    """
    out: list[Tier] = []
    for branch in plan.branches:
        out += _fuzzy_tiers(branch, fuzz) if fuzzy else _tiers(branch)
    out.sort(key=lambda t: t.level)
    return out


def _fuzzy_tiers(plan: QueryPlan, fuzz: set[str] | None) -> list[Tier]:
    words = [f for f, _ in plan.terms] + [f for p in plan.phrases for f in p]
    groups = [[Clause("body_f", f, FIELDS["body_f"].weight,
                      fuzzy=len(f) >= FUZZY_MIN_LEN and not f.isdigit()
                      and (fuzz is None or f in fuzz))] for f in words]
    exact = [_c("body_x", e) for f, e in plan.terms if e != f]
    return [Tier(groups, exact)] if groups else []


def _tiers(plan: QueryPlan) -> list[Tier]:
    lv = {name: i for i, name in enumerate(LEVELS)}
    prefer = [_c("type_key", plan.prefer_type, W_TYPE)] if plan.prefer_type else []
    exact = [_c("body_x", e) for f, e in plan.terms if e != f]
    phrase_singles = [_c("body_f", f) for f, _ in plan.phrase_singles]
    out: list[Tier] = []
    if plan.symkeys:
        out.append(Tier([[_c("symkey", k) for k in plan.symkeys]], level=lv["symbol"]))
    if plan.number:
        # the documents bearing the number as their own, of the typed type first
        typed = [_c("type_key", plan.number_type, W_TYPE)] if plan.number_type else []
        out.append(Tier([[_c("numkey", plan.number)]], typed, level=lv["number"]))
    if plan.terms or plan.phrases:
        must = [_c("subj_f", f) for f, _ in plan.terms]
        must += [_c("subj_b", b) for b in plan.phrase_bigrams]
        must += [_c("subj_f", f) for f, _ in plan.phrase_singles]
        maybe = [_c("subj_x", e) for f, e in plan.terms if e != f] + prefer
        sbig = [_c("subj_b", b) for b in plan.bigrams]
        if plan.start_key:
            maybe.append(_c("subj_b", plan.start_key, W_SUBJ_START * len(plan.terms)))
        title: list[tuple[list[list[Clause]], list[Clause], str]] = []
        if len(plan.terms) >= 2 and plan.bigrams:
            title.append((_each(must + sbig), maybe, "subject_phrase"))
        title.append((_each(must), maybe + sbig, "subject_words"))
        if plan.prefer_type:
            # a query opening with a type name: that type's titles first
            of_type = [[_c("type_key", plan.prefer_type, 0.0)]]
            out += [Tier(m + of_type, o, level=lv[f"typed_{name}"]) for m, o, name in title]
        out += [Tier(m, o, level=lv[name]) for m, o, name in title]
    phrase_req = [_c("body_b", b) for b in plan.phrase_bigrams] + phrase_singles
    if len(plan.terms) >= 2 and plan.bigrams:
        must = [_c("body_b", b) for b in plan.bigrams] + phrase_req
        out.append(Tier(_each(must), [_c("body_f", f) for f, _ in plan.terms] + exact + prefer,
                        level=lv["phrase"]))
    if plan.terms or plan.phrases:
        must = [_c("body_f", f) for f, _ in plan.terms] + phrase_req
        out.append(Tier(_each(must), [_c("body_b", b) for b in plan.bigrams] + exact + prefer,
                        level=lv["words"]))
    return out


def filter_of(plan: QueryPlan) -> Filter:
    """The unscored filter of a plan (type, year, issuer, dates, excluded words)."""
    terms: list[tuple[str, str]] = []
    if plan.type_key:
        terms.append(("type_key", plan.type_key))
    if plan.year:
        terms.append(("year", str(plan.year)))
    terms += [("issuer_f", t) for t in plan.issuer_terms]
    exclude = [("body_f", w) for w in plan.exclude]
    exclude += [("body_b", b) for b in plan.exclude_bigrams]
    return Filter(terms, plan.date_lo, plan.date_hi, exclude)


def field_values(d: IndexedDoc) -> dict[str, list[str]]:
    """The terms of each field of :data:`FIELDS` for one document."""
    return {
        "symkey": d.symkeys,
        "numkey": [d.numkey] if d.numkey else [],
        "type_key": [d.type_key] if d.type_key else [],
        "year": [str(d.year)] if d.year else [],
        "issuer_f": d.issuer_terms,
        "subj_x": _accented(d.subj.exact, d.subj.folded),
        "subj_f": d.subj.folded,
        "subj_b": d.subj.bigrams + d.subj_start,
        "body_x": _accented(d.body.exact, d.body.folded),
        "body_f": d.body.folded,
        "body_b": d.body.bigrams,
    }


def _accented(exact: list[str], folded: list[str]) -> list[str]:
    return [e for e, f in zip(exact, folded, strict=True) if e != f]
