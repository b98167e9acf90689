"""Text normalisation shared by every stage (``../shared/spec/vn-format.md`` §6).

- :func:`clean_text` is applied to all text at ingest: NFC, eth -> Đ (§6.3), invisible
  characters removed. Stored text is otherwise untouched.
- :func:`canonical_tones` moves tone marks to one canonical vowel per syllable (§6.2),
  for search keys only (``hoà`` and ``hòa`` both become ``hòa``).
- :func:`fold` removes all diacritics and maps đ to d, for accent-insensitive matching
  (§6.6): ``Đức Thọ`` -> ``duc tho``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "canonical_tones",
    "clean_text",
    "fold",
    "fold_keep_length",
    "normalize_span",
    "one_letter_off",
    "unify_marks",
]

# eth for Đ/đ (§6.3), and the Latin "oi" letters U+01A2/U+01A3 that some PDF fonts emit
# for Ư/ư ("Nhƣ trên"); no Vietnamese word uses either
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u01a2": "Ư", "\u01a3": "ư"})
# zero-width and BOM characters that break tokens; soft hyphen too
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_ODD_SPACES = "\u00a0\u2007\u202f\u3000"
_SPACES = str.maketrans(dict.fromkeys(_ODD_SPACES, " "))
# dash and slash look-alikes, each one character for one ASCII mark
_MARKS = str.maketrans({**{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
                        "\u2215": "/", "\uff0f": "/", "\u2044": "/"})

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")


# every character clean_text changes besides NFC: a text without them that is already NFC
# (the usual case: the pipeline cleans at ingest) is returned as it is, cheaply
_UNCLEAN = re.compile(f"[\r\u00d0\u00f0\u01a2\u01a3{_INVISIBLE_CHARS}{_ODD_SPACES}]")


def clean_text(text: str) -> str:
    """NFC, Ð/ð (eth) to Đ/đ, ƣ to ư, no zero-width characters, unusual spaces to spaces, ``\\n``
    line ends. Apply once at ingest, before any regex or index step."""
    if unicodedata.is_normalized("NFC", text) and not _UNCLEAN.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = text.translate(_SPACES)
    return unicodedata.normalize("NFC", text).translate(_ETH)


def one_letter_off(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with exactly one character replaced (what OCR does to a code
    or a word it misreads by one letter: ``TE`` for ``TT``, ``thong te`` for ``thong tu``)."""
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def unify_marks(text: str) -> str:
    """Dash and slash look-alikes (``–``, ``−``, ``⁄`` …) as ``-`` and ``/``, one character
    for one: offsets into ``text`` stay valid."""
    return text.translate(_MARKS)


def normalize_span(span: str) -> str:
    """Normalise a candidate number/symbol span (§3.1): NFC, eth, dash and slash look-alikes,
    whitespace next to ``/`` and ``-`` removed (``137 /KH–UBND`` -> ``137/KH-UBND``)."""
    s = unify_marks(clean_text(span))
    return re.sub(r"\s*([/-])\s*", r"\1", s).strip()


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_ETH))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def _build_fold_tables() -> tuple[dict[int, str | None], dict[int, str]]:
    """Per-character tables equal to :func:`_fold_slow` on Latin letters (built from it),
    so folding is one ``str.translate`` call: checks fold thousands of documents."""
    fold_table: dict[int, str | None] = {}
    keep_table: dict[int, str] = {}
    for lo, hi in ((0x41, 0x5A), (0xC0, 0x24F), (0x1E00, 0x1EFF)):
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            f = _fold_slow(ch)
            if f != ch:
                fold_table[cp] = f
            k = f[:1] if f else ch
            if k != ch:
                keep_table[cp] = k
    for cp in range(0x300, 0x370):  # combining marks (NFD input) are dropped
        fold_table[cp] = None
    return fold_table, keep_table


_FOLD_TABLE, _KEEP_TABLE = _build_fold_tables()


def fold(text: str) -> str:
    """Accent- and case-insensitive key: NFD, drop combining marks, đ/ð -> d, casefold.

    ``Đức Thọ`` -> ``duc tho``; NFC and NFD input give the same key."""
    out = text.translate(_FOLD_TABLE).casefold()
    if out.isascii():
        return out
    return _fold_slow(out)  # letters outside the tables (other scripts): the exact path


def fold_keep_length(text: str) -> str:
    """Like :func:`fold` but one output character per input character (NFC input), so
    offsets found in the folded text are valid in the original. Used for snippets and
    keyword spans."""
    kept = text.translate(_KEEP_TABLE)
    low = kept.lower()
    if len(low) == len(kept):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in kept)


_WORD = re.compile(r"\w+", re.UNICODE)


def canonical_tones(text: str) -> str:
    """Put the tone mark of every syllable on its canonical vowel (new style ``hòa``,
    ``thủy``, ``quý``, ``Ủy``). Input should be NFC; output is NFC."""
    return _WORD.sub(lambda m: _canonical_word(m.group(0)), text)


@lru_cache(maxsize=65536)
def _canonical_word(word: str) -> str:
    if len(word) > 7 or word.isascii():
        return word
    nfd = unicodedata.normalize("NFD", word)
    tones = [c for c in nfd if c in _TONES]
    if len(tones) != 1:
        return word
    tone = tones[0]
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if len(base.lower()) != len(base):
        return word  # "İ" lower-cases to two characters: no Vietnamese letter does
    pos = _tone_position(base)
    if pos is None:
        return word
    chars = list(base)
    chars[pos] = unicodedata.normalize("NFC", chars[pos] + tone)
    return "".join(chars)


def _tone_position(base: str) -> int | None:
    low = base.lower()
    start = 0
    if low.startswith("qu") and len(low) > 2 and low[2] in _VOWELS:
        start = 2
    elif low.startswith("gi") and len(low) > 2 and low[2] in _VOWELS:
        start = 2
    i = start
    while i < len(low) and low[i] not in _VOWELS:
        i += 1
    if i == len(low):
        # "gì", "quỳ": the i/u of gi/qu is the only vowel
        return start - 1 if start else None
    j = i
    while j < len(low) and low[j] in _VOWELS:
        j += 1
    nucleus = range(i, j)
    has_final = j < len(low)
    marked = [k for k in nucleus if low[k] in _MARKED_VOWELS]
    if marked:
        return marked[-1]  # ươ -> ơ, ê in iê/yê, â in uâ
    n = j - i
    if n == 1:
        return i
    if has_final:
        return j - 1  # "hoàn", "thuyết" (handled above), "toán"
    if n == 3:
        return i + 1  # "oai", "uyu", "oeo"
    return i  # open two-vowel syllables, incl. oa/oe/uy: "hòa", "khỏe", "thủy"
