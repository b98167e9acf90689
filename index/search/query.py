"""Query parsing: what the user typed -> an engine-independent :class:`QueryPlan`.

- Words outside quotes: every syllable must match (folded, so ``ke hoach`` = ``kế hoạch``);
  adjacent syllables also look up their bigram, so contiguous phrases rank first.
- ``"quoted phrases"``: all their bigrams must match; the phrase itself is then checked on
  the stored text of the candidates.
- Document numbers in any shape (``111/KH-UBND``, ``111/kh-ubnd``, ``111 KH UBND``,
  ``KH-UBND 111``) become look-ups of the ``symbol`` key (:func:`~evidence.index.search.analysis.
  query_symbol_keys`), boosted so the document itself ranks first.
- Filters (type, year, issuer, date range) are not scored.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from evidence.errors import BadQuery
from evidence.extract.dates import UserDateError, parse_user_date
from evidence.extract.doctypes import (
    ABBREVIATIONS,
    PARTY_CODES,
    STATE_CODES,
    TYPE_NAMES,
    type_from_name,
)
from evidence.extract.normalize import clean_text, fold
from evidence.index.search.analysis import (
    analyze,
    bigrams,
    query_symbol_keys,
    start_keys,
    symbol_keys,
)
from evidence.index.search.ranking import FUZZY_MIN_LEN

if TYPE_CHECKING:
    from evidence.index.search.types import SearchQuery

__all__ = ["QueryPlan", "date_bounds", "filter_date", "known_type_codes", "plan_query",
           "type_key"]

_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]?")
# "-word" or -"words" after a space (not the dash of 111/KH-UBND)
_EXCLUDE = re.compile(r"(?:(?<=\s)|^)-(?:[\"“]([^\"“”]*)[\"”]?|([^\s\"“”-][^\s\"“”]*))")
_OR = re.compile(r"(?:(?<=\s)|^)OR(?=\s|$)")
# issuer abbreviations officers type in filters (vn-format.md: issuers are expanded), from
# the header table that expands them in stored issuers; type codes (QĐ) are not issuers
_ISSUER_ABBR = {
    fold(k): fold(v) for k, v in ABBREVIATIONS.items() if k.isalpha() and k not in STATE_CODES
}


@dataclass
class QueryPlan:
    """An engine-independent query.

    Attributes:
        terms: ``(folded, exact)`` syllables outside quotes; all must match.
        bigrams: folded bigrams of adjacent unquoted syllables (scoring only).
        phrases: folded tokens of each quoted phrase (all must be present).
        phrase_exact: exact keys of the same.
        symkeys: candidate symbol keys.
        start_key: the subject-start key of the first two words, when the query begins
            with unquoted words (ranks subjects that begin that way higher).
        snippet_terms: folded keys of unaccented query words (highlight any accent form).
        snippet_exact: exact keys of accented query words (highlight that form, or the
            word written without accents).
        number: the number of a query that is only a number, or a type word and a number
            (``111``, ``QĐ 1074``), leading zeros dropped.
        number_type: the folded type code typed with that number (``qd``).
        prefer_type: the folded type code of the type word the query opens with
            (``kế hoạch …`` -> ``kh``): documents of that type rank first in each tier.
        alternatives: the other sides of ``OR`` (plans without filters of their own).
        exclude, exclude_bigrams: folded words (``-word``) and bigrams (``-"two words"``)
            no result may contain.
        type_key, year, issuer_terms, date_lo, date_hi: filters (``None``/empty = none).
    """

    text: str
    terms: list[tuple[str, str]] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    phrase_exact: list[list[str]] = field(default_factory=list)
    symkeys: list[str] = field(default_factory=list)
    start_key: str | None = None
    snippet_terms: set[str] = field(default_factory=set)
    snippet_exact: set[str] = field(default_factory=set)
    type_key: str | None = None
    year: int | None = None
    issuer_terms: list[str] = field(default_factory=list)
    date_lo: int | None = None
    date_hi: int | None = None
    number: str | None = None
    number_type: str | None = None
    prefer_type: str | None = None
    alternatives: list[QueryPlan] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    exclude_bigrams: list[str] = field(default_factory=list)

    def without(self, words: Collection[str]) -> QueryPlan:
        """This plan without some of its (folded) words: what a document that lacks them
        still matches. A quoted phrase loses them as the plain words do: what is left of it
        is the runs of words around them, each still a phrase (``"kiểm xyzq tra cải cách"``
        without ``xyzq``: ``"kiểm"``, ``"tra cải cách"``). No symbol, number or
        alternatives."""
        gone = set(words)
        kept = [(f, e) for f, e in self.terms if f not in gone]
        folded = [f for f, _ in kept]
        pairs = set(bigrams(folded))
        start = self.start_key if self.start_key and self.start_key[1:] in pairs else None
        phrases: list[list[str]] = []
        exact: list[list[str]] = []
        for p, e in zip(self.phrases, self.phrase_exact, strict=True):
            run: list[tuple[str, str]] = []
            for pair in [*zip(p, e, strict=True), None]:
                if pair is not None and pair[0] not in gone:
                    run.append(pair)
                    continue
                if run:
                    phrases.append([f for f, _ in run])
                    exact.append([x for _, x in run])
                run = []
        return replace(self, terms=kept, bigrams=[b for b in self.bigrams if b in pairs],
                       phrases=phrases, phrase_exact=exact,
                       start_key=start, symkeys=[], number=None, number_type=None,
                       alternatives=[])

    @property
    def words(self) -> list[str]:
        """Every folded word of this plan (not of its alternatives), unquoted and quoted,
        once each, in order."""
        return list(dict.fromkeys([*(f for f, _ in self.terms),
                                   *(f for p in self.phrases for f in p)]))

    @property
    def branches(self) -> list[QueryPlan]:
        """This plan and its ``OR`` alternatives."""
        return [self, *self.alternatives]

    @property
    def empty(self) -> bool:
        """No words at all: a filter-only query (all documents, filtered)."""
        return not any(b.terms or b.phrases or b.symkeys or b.number for b in self.branches)

    @property
    def phrase_bigrams(self) -> list[str]:
        """Bigrams every candidate must contain (from quoted phrases)."""
        out: list[str] = []
        for p in self.phrases:
            out += bigrams(p)
        return list(dict.fromkeys(out))

    @property
    def phrase_singles(self) -> list[tuple[str, str]]:
        """One-syllable quoted phrases: plain required terms."""
        return [(p[0], e[0]) for p, e in zip(self.phrases, self.phrase_exact, strict=True)
                if len(p) == 1]

    @property
    def can_fuzzy(self) -> bool:
        words = [f for b in self.branches for f, _ in b.terms]
        words += [t for b in self.branches for p in b.phrases for t in p]
        return any(len(w) >= FUZZY_MIN_LEN and not w.isdigit() for w in words)


def filter_date(value: str) -> str:
    """A date filter's value as ISO text (``2023-01-31``, ``2023-01`` or ``2023``).

    Raises:
        BadQuery: not a date, or an impossible one (``31/02/2023``); the reason is
            :func:`evidence.extract.dates.parse_user_date`'s.
    """
    try:
        return parse_user_date(value).iso or ""
    except UserDateError as exc:
        raise BadQuery(str(exc), subject=str(value)) from exc


def date_bounds(value: str | None, *, upper: bool) -> int | None:
    """A ``--from``/``--to`` value as the index's date number (``20230117``).

    Any form of :func:`evidence.extract.dates.parse_user_date` (``2023-01-17``,
    ``17/01/2023``, ``2023-01``, ``2023``); a partial date covers its whole month or year
    (``--to 2023-03`` includes 31 March).

    Raises:
        BadQuery: see :func:`filter_date`.
    """
    if value is None or not str(value).strip():
        return None
    try:
        iso = filter_date(value)
    except BadQuery as exc:  # name the option, as the command line does
        raise BadQuery(exc.message, subject="--to" if upper else "--from") from exc
    parts = [int(x) for x in iso.split("-")]
    fill = 99 if upper else 0
    y, month, day = (*parts, fill, fill)[:3]
    return y * 10000 + month * 100 + day


def plan_query(q: SearchQuery, *, words_required: bool = False) -> QueryPlan:
    """Parse a :class:`~evidence.index.search.types.SearchQuery` into a :class:`QueryPlan`.

    Raises:
        BadQuery: with ``words_required`` (a search), an empty or punctuation-only
            query without filters; always, a
            ``--type`` that is no known type code.
    """
    text = clean_text(q.text or "")
    # "-word" / -"two words" anywhere: excluded from every alternative
    excluded: list[list[str]] = []

    def drop(m: re.Match[str]) -> str:
        a = analyze(m.group(1) if m.group(1) is not None else m.group(2), clean=False)
        if a.folded:
            excluded.append(a.folded)
        return " "

    kept = _EXCLUDE.sub(drop, text)
    sides = [side for side in _split_or(kept) if analyze(side, clean=False).folded]
    plan = _plan_words(sides[0] if sides else "", text)
    plan.alternatives = [_plan_words(side, side) for side in sides[1:]]
    for ex in excluded:
        if len(ex) == 1:
            plan.exclude.append(ex[0])
        else:
            plan.exclude_bigrams += bigrams(ex)
    whole = analyze(" ".join(sides), clean=False)
    if whole.folded == whole.exact:  # typed without accents: highlight every accent form
        plan.snippet_terms = set(whole.folded)
    else:  # typed with accents: "an toàn" highlights "an", not "án"
        plan.snippet_exact = set(whole.exact)
    apply_filters(plan, q)
    if words_required and plan.empty and not (
            plan.type_key or plan.year or plan.issuer_terms or plan.exclude
            or plan.exclude_bigrams or plan.date_lo is not None or plan.date_hi is not None):
        reason = ("empty query: type some words, a document number or a filter"
                  if not text.strip() else "nothing to search for: no letter or digit in the query")
        raise BadQuery(reason, subject=f"“{text.strip()}”" if text.strip() else "search")
    return plan


def apply_filters(plan: QueryPlan, q: SearchQuery) -> QueryPlan:
    """Set ``q``'s filters (type, year, issuer, date range) on ``plan``; also what
    ``evidence list`` filters by (no query words needed).

    Raises:
        BadQuery: a ``--type`` that is no known type code, a date that is not one.
    """
    if q.doc_type and q.doc_type.strip():
        plan.type_key = type_key(q.doc_type)
    plan.year = q.year
    if q.issuer:
        words: list[str] = []
        for w in analyze(q.issuer).folded:
            words += _ISSUER_ABBR.get(w, w).split()
        plan.issuer_terms = list(dict.fromkeys(words))
    plan.date_lo = date_bounds(q.date_from, upper=False)
    plan.date_hi = date_bounds(q.date_to, upper=True)
    return plan


def _split_or(text: str) -> list[str]:
    """The sides of ``a OR b`` (upper-case ``OR`` outside quotes)."""
    sides: list[str] = []
    start = pos = 0
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for m in _OR.finditer(text):
        if any(a <= m.start() < b for a, b in quotes) or m.start() < pos:
            continue
        sides.append(text[start:m.start()])
        start = pos = m.end()
    sides.append(text[start:])
    return sides


def _plan_words(text: str, original: str) -> QueryPlan:
    """The plan of one side of a query: words, quoted phrases, symbol keys, a typed
    number, the type word it opens with."""
    plan = QueryPlan(text=original)
    pos = 0
    outside: list[str] = []
    for m in _QUOTED.finditer(text):
        outside.append(text[pos:m.start()])
        a = analyze(m.group(1), clean=False)
        if a.folded:
            plan.phrases.append(a.folded)
            plan.phrase_exact.append(a.exact)
        pos = m.end()
    outside.append(text[pos:])
    seen: set[tuple[str, str]] = set()
    for i, seg in enumerate(outside):
        a = analyze(seg, clean=False)
        if i == 0:  # the words before any quote: how a remembered subject begins
            starts = start_keys(a.folded)
            plan.start_key = starts[0] if starts else None
            plan.prefer_type = _opening_type(a.folded)
        for f, e in zip(a.folded, a.exact, strict=True):
            if (f, e) not in seen:
                seen.add((f, e))
                plan.terms.append((f, e))
        plan.bigrams += a.bigrams
    plan.bigrams = list(dict.fromkeys(plan.bigrams))
    folded = analyze(text, clean=False).folded
    keys = query_symbol_keys(folded) + symbol_keys(text)
    plan.symkeys = list(dict.fromkeys(keys))
    if not plan.phrases:
        plan.number, plan.number_type = _typed_number(folded)
    return plan


@lru_cache(maxsize=1)
def _type_names() -> dict[tuple[str, ...], str]:
    """Folded type names (``quyet dinh``) -> folded type code, from ``extract/doctypes.py``."""
    return {tuple(fold(name).split()): fold(code) for name, code in TYPE_NAMES.items()}


@lru_cache(maxsize=1)
def _type_codes() -> dict[str, str]:
    """Folded type codes (``qd``, ``kh``) -> themselves."""
    return {fold(c): fold(c) for c in known_type_codes()}


def _typed_number(folded: list[str]) -> tuple[str | None, str | None]:
    """``(number, type)`` of a query that is only a number, or a type word and a number
    in either order, "số" allowed (``111``, ``QĐ 1074``, ``quyết định số 1074``)."""
    toks = [t for t in folded if t != "so"]
    nums = [i for i, t in enumerate(toks) if t.isdigit()]
    if len(nums) != 1:
        return None, None
    i = nums[0]
    words = tuple(toks[:i] + toks[i + 1:])
    if words and (toks[:i] and toks[i + 1:]):
        return None, None  # a number inside other words
    kind = (_type_names().get(words) or (_type_codes().get(words[0]) if len(words) == 1
                                         else None)) if words else None
    if words and kind is None:
        return None, None
    return toks[i].lstrip("0") or "0", kind


def _opening_type(folded: list[str]) -> str | None:
    """The folded type code of the type name a query opens with (``ke hoach …``,
    ``thong bao ket luan …``), when more words follow; generic ``văn bản`` is none."""
    names = _type_names()
    for n in (4, 3, 2, 1):
        head = tuple(folded[:n])
        if len(folded) > n and head in names and head != ("van", "ban"):
            return names[head]
    return None


def known_type_codes() -> list[str]:
    """The type codes ``--type`` accepts (state and Party tables of
    ``extract/doctypes.py``)."""
    return sorted(set(STATE_CODES) | set(PARTY_CODES), key=lambda c: fold(c))


def type_key(value: str) -> str:
    """The index key of a ``--type`` value: a known code in any case or accents (``QD``,
    ``qđ``) or a type name (``kế hoạch``).

    Raises:
        BadQuery: not a known type (the message lists the codes).
    """
    v = value.strip()
    f = fold(v)
    for code in known_type_codes():
        if fold(code) == f:
            return f
    named = type_from_name(v)
    if named and len(fold(named[1])) == len(f):
        return fold(named[0])
    raise BadQuery("unknown document type (known codes: " + ", ".join(known_type_codes()) + ")",
                   subject=f"--type {v}")
