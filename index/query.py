"""Query parsing: what the user typed -> an engine-independent :class:`QueryPlan`.

- Words outside quotes: every syllable must match (folded, so ``ke hoach`` = ``kế hoạch``);
  adjacent syllables also look up their bigram, so contiguous phrases rank first.
- ``"quoted phrases"``: all their bigrams must match; the phrase itself is then checked on
  the stored text of the candidates.
- Document numbers in any shape (``111/KH-UBND``, ``111/kh-ubnd``, ``111 KH UBND``,
  ``KH-UBND 111``) become look-ups of the ``symbol`` key (:func:`~evidence.index.analysis.
  query_symbol_keys`), boosted so the document itself ranks first.
- Filters (type, year, issuer, date range) are not scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidence.errors import BadQuery
from evidence.extract.dates import UserDateError, parse_user_date
from evidence.extract.doctypes import ABBREVIATIONS, STATE_CODES
from evidence.extract.normalize import clean_text, fold
from evidence.index.analysis import (
    analyze,
    bigrams,
    query_symbol_keys,
    start_keys,
    symbol_keys,
)
from evidence.index.ranking import FUZZY_MIN_LEN

if TYPE_CHECKING:
    from evidence.index.engine import SearchQuery

__all__ = ["QueryPlan", "date_bounds", "filter_date", "plan_query"]

_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]?")
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
    parts = [int(x) for x in filter_date(value).split("-")]
    fill = 99 if upper else 0
    y, month, day = (*parts, fill, fill)[:3]
    return y * 10000 + month * 100 + day


def plan_query(q: SearchQuery) -> QueryPlan:
    """Parse a :class:`~evidence.index.engine.SearchQuery` into a :class:`QueryPlan`."""
    text = clean_text(q.text or "")
    plan = QueryPlan(text=text)
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
        for f, e in zip(a.folded, a.exact, strict=True):
            if (f, e) not in seen:
                seen.add((f, e))
                plan.terms.append((f, e))
        plan.bigrams += a.bigrams
    plan.bigrams = list(dict.fromkeys(plan.bigrams))
    whole = analyze(text, clean=False)
    all_folded = whole.folded
    keys = query_symbol_keys(all_folded) + symbol_keys(text)
    plan.symkeys = list(dict.fromkeys(keys))
    if whole.folded == whole.exact:  # typed without accents: highlight every accent form
        plan.snippet_terms = set(whole.folded)
    else:  # typed with accents: "an toàn" highlights "an", not "án"
        plan.snippet_exact = set(whole.exact)
    if q.doc_type:
        plan.type_key = fold(q.doc_type.strip())
    plan.year = q.year
    if q.issuer:
        words: list[str] = []
        for w in analyze(q.issuer).folded:
            words += _ISSUER_ABBR.get(w, w).split()
        plan.issuer_terms = list(dict.fromkeys(words))
    plan.date_lo = date_bounds(q.date_from, upper=False)
    plan.date_hi = date_bounds(q.date_to, upper=True)
    return plan
