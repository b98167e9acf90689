"""Vietnamese text analysis for the search index (``vn-format.md`` §6).

One tokenizer for every engine, so Whoosh and Tantivy index exactly the same terms:

- text is NFC-cleaned (:func:`~evidence.extract.normalize.clean_text`) first, because a
  ``\\w``-style tokenizer splits NFD words at combining marks (``style.md``);
- tokens are runs of letters and digits (``[^\\W_]+``): ``111/KH-UBND`` gives ``111``,
  ``kh``, ``ubnd``; no stop list (the English one drops the syllable ``an``), minimum
  length 1 (single digits and ``a``/``ở`` are kept);
- every token has two search keys: *exact* (lower case, canonical tone placement, so
  ``hoà`` = ``hòa``) and *folded* (no diacritics, ``đ`` -> ``d``);
- adjacent folded tokens also form *bigram* keys (``cai_cach``), so a phrase becomes a few
  term look-ups instead of a positional scan (the reason Whoosh phrase queries were slow).

Snippets and phrase checks are computed here from stored text, the same way for every
engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, pairwise

from evidence.extract.normalize import canonical_tones, clean_text, fold

__all__ = [
    "ANALYZER_VERSION",
    "Analysis",
    "Token",
    "analyze",
    "bigrams",
    "contains_phrase",
    "folded_terms",
    "make_snippet",
    "query_symbol_keys",
    "start_keys",
    "symbol_keys",
    "term_keys",
    "text_has_phrase",
    "tokenize",
]

#: Bumped whenever the terms produced for a text change (index rebuild needed).
ANALYZER_VERSION = 1

_TOKEN = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")
# what may separate two highlighted words inside one [...] run ("ISO 9001", "111/KH-UBND")
_JOIN = re.compile(r"\s*[/-]?\s*")

# token -> (exact, folded). Vietnamese has a few thousand syllables, so this cache makes
# key computation (NFD + mark stripping per token) nearly free after the first documents.
_KEYS: dict[str, tuple[str, str]] = {}
_KEYS_MAX = 500_000


@dataclass(frozen=True, slots=True)
class Token:
    """A token of NFC text: its characters and offsets in that text."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class Analysis:
    """The search terms of one text: exact and folded unigrams, folded bigrams."""

    exact: list[str]
    folded: list[str]
    bigrams: list[str]


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (expected NFC; see :func:`analyze` for raw input)."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def term_keys(token: str) -> tuple[str, str]:
    """``(exact, folded)`` search keys of one token: ``Hoà`` -> ``("hòa", "hoa")``."""
    keys = _KEYS.get(token)
    if keys is None:
        exact = canonical_tones(token.lower())
        keys = (exact, fold(token))
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        _KEYS[token] = keys
    return keys


def bigrams(folded: Sequence[str]) -> list[str]:
    """Adjacent pairs joined by ``_`` (never inside a token, see ``_TOKEN``)."""
    return [f"{a}_{b}" for a, b in pairwise(folded)]


def analyze(text: str, *, clean: bool = True) -> Analysis:
    """Exact, folded and bigram terms of ``text``, in order (duplicates kept: frequencies).

    Args:
        text: any text; cleaned to NFC first unless ``clean`` is false (already clean).
        clean: apply :func:`clean_text` first.
    """
    if clean:
        text = clean_text(text)
    exact: list[str] = []
    folded: list[str] = []
    keys = _KEYS
    for tok in _TOKEN.findall(text):
        k = keys.get(tok)
        if k is None:
            k = term_keys(tok)
        exact.append(k[0])
        folded.append(k[1])
    return Analysis(exact, folded, bigrams(folded))


#: leading words of a subject that carry no content ("V/v", "Về việc")
_SUBJECT_LEADS = (("v", "v"), ("ve", "viec"))


def start_keys(folded: Sequence[str]) -> list[str]:
    """Keys of how a subject line begins: ``^`` and its first two folded tokens
    (``^ke_hoach``), also after a leading "V/v" or "Về việc". They live in the subject's
    bigram field (``^`` never occurs in a token), so "the subject starts with these words"
    is one term look-up: officers type the subject they remember from its beginning."""
    out = [f"^{folded[0]}_{folded[1]}"] if len(folded) >= 2 else []
    for lead in _SUBJECT_LEADS:
        if tuple(folded[:2]) == lead and len(folded) >= 4:
            out.append(f"^{folded[2]}_{folded[3]}")
    return out


def folded_terms(text: str) -> list[str]:
    """Folded keys of the tokens of ``text`` (query side)."""
    return analyze(text).folded


def symbol_keys(symbol: str | None) -> list[str]:
    """Loose keys of a document symbol: folded letter/digit parts joined by ``-``, leading
    zeros dropped, the number first. ``111/KH-UBND``, ``111 kh ubnd`` and ``KH-UBND 111``
    all give ``111-kh-ubnd``; ``12-NQ/TU`` gives ``12-nq-tu``. Empty for a symbol without a
    number (an unnumbered draft ``/BC-UBND`` is not findable by number)."""
    if not symbol:
        return []
    parts = [_strip_zeros(p) for p in _TOKEN.findall(fold(clean_text(symbol)))]
    if len(parts) < 2 or not any(p[:1].isdigit() for p in parts):
        return []
    if not parts[0][:1].isdigit():
        # "KH-UBND 111": the number goes first
        i = next(i for i, p in enumerate(parts) if p[:1].isdigit())
        parts = [parts[i], *parts[:i], *parts[i + 1:]]
    return ["-".join(parts)]


def _strip_zeros(part: str) -> str:
    if part.isdigit():
        return part.lstrip("0") or "0"
    return part


def query_symbol_keys(folded: Sequence[str]) -> list[str]:
    """Candidate symbol keys in a folded query: a number followed by up to four parts
    (``111 kh ubnd``, ``05 2023 tt bnv``) or preceded by up to four parts ending in letters
    (``kh ubnd 111``, ``2025 nd cp 178``). Wrong candidates cost one term look-up each and
    match nothing."""
    out: list[str] = []
    for i, tok in enumerate(folded):
        if not tok[:1].isdigit():
            continue
        num = _strip_zeros(tok)
        for k in range(1, 5):
            tail = folded[i + 1:i + 1 + k]
            if len(tail) == k:
                out.append("-".join([num, *(_strip_zeros(t) for t in tail)]))
        for k in range(1, 5):
            head = folded[max(0, i - k):i]
            # "KH-UBND 111", "2025/NĐ-CP 178": letters (and a year) before the number
            if len(head) == k and not head[-1].isdigit():
                out.append("-".join([num, *(_strip_zeros(t) for t in head)]))
    return list(dict.fromkeys(out))


def contains_phrase(folded_text: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the folded token sequence contains ``phrase`` contiguously."""
    m = len(phrase)
    if m == 0:
        return True
    first = phrase[0]
    for i, tok in enumerate(folded_text):
        if tok == first and list(folded_text[i:i + m]) == list(phrase):
            return True
    return False


def text_has_phrase(text: str, phrase: Sequence[str]) -> bool:
    """Whether NFC ``text`` holds the folded ``phrase`` as consecutive tokens: the same
    answer as :func:`contains_phrase` over the folded tokens of the whole text, found
    first where the phrase's first word occurs (one accent-insensitive regex, then only
    ``len(phrase)`` tokens compared there); the whole text is tokenized only when no such
    place holds the phrase."""
    m = len(phrase)
    if m == 0:
        return True
    want = list(phrase)
    for hit in _terms_regex(frozenset([phrase[0]])).finditer(text):
        toks = [term_keys(t.group(0))[1] for t in islice(_TOKEN.finditer(text, hit.start()), m)]
        if toks == want:
            return True
    return contains_phrase(analyze(text, clean=False).folded, phrase)


def _near(a: str, b: str) -> bool:
    """Edit distance at most 1 (OCR slips: one letter wrong, missing or extra)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or min(la, lb) < 3:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Folded letter -> every character folding to it (``a`` -> ``aàáảãạăằ...``)."""
    out: dict[str, set[str]] = {}
    for cp in [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1EA0, 0x1EFA)]:
        ch = chr(cp)
        if not ch.isalpha():
            continue
        f = fold(ch)
        if len(f) == 1 and f.isascii():
            out.setdefault(f, set()).update({ch, ch.lower(), ch.upper()})
    return {k: "".join(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=256)
def _terms_regex(terms: frozenset[str]) -> re.Pattern[str]:
    """Accent-insensitive whole-word regex of folded terms (C-speed snippet search)."""
    var = _variants()
    alts = []
    for t in sorted(terms, key=len, reverse=True):
        alts.append("".join(f"[{re.escape(var[c])}]" if c in var else re.escape(c) for c in t))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alts) + r")(?![^\W_])")


@dataclass(frozen=True, slots=True)
class _Terms:
    """The query terms a snippet marks (see :func:`make_snippet`'s ``terms``/``exact``)."""

    loose: frozenset[str]
    strict: frozenset[str]
    strict_folded: frozenset[str]

    @classmethod
    def of(cls, terms: Iterable[str], exact: Iterable[str]) -> _Terms:
        strict = frozenset(e for e in exact if e)
        return cls(frozenset(t for t in terms if t), strict, frozenset(fold(e) for e in strict))

    @property
    def wanted(self) -> frozenset[str]:
        """Every folded key worth locating."""
        return self.loose | self.strict_folded

    def match(self, word: str) -> str | None:
        """The folded key ``word`` matches, or None (an accented query word matches its
        own form or the unaccented one, not another accent: ``cửa`` is not ``của``)."""
        e, f = term_keys(word)
        if f in self.loose or e in self.strict or (f in self.strict_folded and e == f):
            return f
        return None


def make_snippet(
    text: str,
    terms: Iterable[str],
    *,
    exact: Iterable[str] = (),
    fuzzy: bool = False,
    width: int = 24,
    max_chars: int = 200_000,
    mark: tuple[str, str] = ("[", "]"),
) -> str:
    """A short passage of ``text`` around the best cluster of query terms, each run of
    matching words wrapped in ``mark`` (``"... theo TCVN [ISO 9001]:2015 ..."``).

    The steps: locate the matches (:func:`_match_starts`, one regex), choose the window
    with the most distinct terms (:func:`_window_start`), tokenize only that window
    (:func:`_window_tokens`), mark its matching words (:func:`_mark_hits`) and render
    the runs with ellipses where the text goes on (:func:`_render`).

    Args:
        text: the stored (NFC) text.
        terms: folded keys matching a word in any accent form (unaccented query words).
        exact: exact keys of accented query words: they match that form, or the word
            written without any accent (``cửa`` marks ``cửa`` and ``cua``, not ``của``).
        fuzzy: also mark words one edit away from a term (OCR-damaged words).
        width: window size in tokens.
        max_chars: only this much of the text is scanned (long documents).
        mark: opening and closing marks.
    """
    text = text[:max_chars]
    if not text.strip():
        return ""
    want = _Terms.of(terms, exact)
    starts = _match_starts(text, want)
    if starts:
        lo = _window_start(starts, width)
    elif fuzzy:
        lo = _first_near(text, want.wanted)
    else:
        lo = 0
    toks = _window_tokens(text, lo, width)
    if not toks:
        return ""
    hit = _mark_hits(toks, want, fuzzy)
    out = _render(text, toks, hit, 0, len(toks), mark)
    prefix = "... " if toks[0].start > 0 and not out.startswith("... ") else ""
    suffix = " ..." if toks[-1].end < len(text.rstrip()) and not out.endswith(" ...") else ""
    return prefix + out.removeprefix("... ").removesuffix(" ...") + suffix


def _match_starts(text: str, want: _Terms, limit: int = 2000) -> list[tuple[int, str]]:
    """``(offset, folded key)`` of the first ``limit`` words of ``text`` matching a term,
    located with one accent-insensitive regex (C speed) and then checked word by word."""
    wanted = want.wanted
    starts: list[tuple[int, str]] = []
    if not wanted:
        return starts
    for m in _terms_regex(wanted).finditer(text):
        f = want.match(m.group(0))
        if f is not None:
            starts.append((m.start(), f))
            if len(starts) >= limit:
                break
    return starts


def _window_start(starts: list[tuple[int, str]], width: int) -> int:
    """Where the snippet begins: a little before the window of ``width`` tokens holding
    the most distinct terms (then the most matches); the first such window wins."""
    span = width * 7  # characters: ~7 per Vietnamese syllable with its space
    best, best_key = 0, (-1, -1)
    # a sliding window [i, j) with its term counts: linear in the matches
    counts: dict[str, int] = {}
    j = 0
    for i, (pos, term) in enumerate(starts):
        while j < len(starts) and starts[j][0] < pos + span:
            t = starts[j][1]
            counts[t] = counts.get(t, 0) + 1
            j += 1
        key = (len(counts), j - i)
        if key > best_key:
            best, best_key = i, key
        if counts[term] == 1:
            del counts[term]
        else:
            counts[term] -= 1
    return max(0, starts[best][0] - 40)


def _window_tokens(text: str, lo: int, width: int) -> list[Token]:
    """The first ``width`` whole tokens from offset ``lo`` (not starting inside a word)."""
    hi = min(len(text), lo + width * 12)
    while 0 < lo < len(text) and text[lo - 1].isalnum():
        lo += 1  # do not start inside a word
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, lo, hi)][:width]


def _mark_hits(toks: list[Token], want: _Terms, fuzzy: bool) -> list[str | None]:
    """Per token, the folded key it matches (or one edit away from, when ``fuzzy``: words
    of four letters or more with the same first letter), else None."""
    wanted = want.wanted
    hit: list[str | None] = []
    for t in toks:
        f = want.match(t.text)
        if f is None and fuzzy:
            g = term_keys(t.text)[1]
            if _near_any(g, wanted):
                f = g
        hit.append(f)
    return hit


def _near_any(folded: str, wanted: frozenset[str]) -> bool:
    """Whether a folded word (four letters or more) is one edit away from a wanted term
    with the same first letter."""
    return len(folded) >= 4 and any(w[:1] == folded[:1] and len(w) >= 4 and _near(folded, w)
                                    for w in wanted)


def _first_near(text: str, wanted: frozenset[str], limit: int = 30_000) -> int:
    """Offset of the first word one edit away from a wanted term (fuzzy snippets)."""
    for m in _TOKEN.finditer(text, 0, min(len(text), limit)):
        if _near_any(term_keys(m.group(0))[1], wanted):
            return max(0, m.start() - 40)
    return 0


def _render(text: str, toks: list[Token], hit: list[str | None], a: int, b: int,
            mark: tuple[str, str]) -> str:
    out: list[str] = []
    pos = toks[a].start
    i = a
    while i < b:
        if hit[i]:
            j = i
            # extend the run over following hits separated by spaces only
            while j + 1 < b and hit[j + 1] and _JOIN.fullmatch(text[toks[j].end:toks[j + 1].start]):
                j += 1
            out.append(text[pos:toks[i].start])
            out.append(mark[0] + text[toks[i].start:toks[j].end] + mark[1])
            pos = toks[j].end
            i = j + 1
        else:
            i += 1
    out.append(text[pos:toks[b - 1].end])
    body = " ".join("".join(out).split())
    prefix = "... " if a > 0 else ""
    suffix = " ..." if b < len(toks) else ""
    return prefix + body + suffix
