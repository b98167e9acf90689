"""The Vietnamese syllable: its letters and its shape (onset, nucleus, coda).

One home for the spelling test used by the text-layer judge (:mod:`evidence.ingest.textlayer`:
is this PDF layer Vietnamese or garbage?) and by the signer (:mod:`evidence.extract.signer`:
is this OCR line a person's name or the debris of a seal or a signature stroke?).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["SYLLABLE", "VN_LETTERS", "is_syllable", "splits", "strip_tones"]

#: the lower-case letters of Vietnamese (with their diacritics)
VN_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyz"
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEUS = (
    r"(?:uyê|uya|uyu|oai|oay|oeo|uây|uôi|ươi|ươu|iêu|yêu|"
    r"oa|oă|oe|uâ|uê|uy|ia|iê|yê|ua|uô|ưa|ươ|ai|ao|au|ay|âu|ây|eo|êu|iu|oi|ôi|ơi|ui|ưi|ưu|oo|"
    r"a|ă|â|e|ê|i|y|o|ô|ơ|u|ư)"
)
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
#: a syllable without its tone mark, lower case
SYLLABLE = re.compile(f"{_ONSET}{_NUCLEUS}{_CODA}")


@lru_cache(maxsize=65536)
def strip_tones(word: str) -> str:
    """``Nguyễn`` -> ``Nguyên``: the word without its tone marks (other diacritics kept)."""
    nfd = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Is ``word`` (any case) spelled as one Vietnamese syllable (``Thịnh``: yes; ``X``,
    ``Hsäng``, ``tzoang``: no)? (Cached: a page's words repeat, and the text-layer judge
    asks it of each run of letters.)"""
    low = word.lower()
    return (0 < len(low) <= 7 and all(c in VN_LETTERS for c in low)
            and SYLLABLE.fullmatch(strip_tones(low)) is not None)


MAX_SPLITS = 16  # readings of one glued word kept (the fewest syllables each)


def splits(word: str) -> list[tuple[int, ...]]:
    """The ways to read ``word`` as Vietnamese syllables written without spaces, with the
    fewest syllables (two at least): each a tuple of the offsets where a space goes.
    ``SỞVĂNHÓA`` -> ``[(2, 5)]``; ``CÁCHÀNH`` -> ``[(2,), (3,), (4,)]`` (cá chành, các
    hành, cách ành);
    ``[]`` for a word that is one syllable or that no syllables spell (``Department``)."""
    n = len(word)
    # best[i]: the fewest syllables spelling word[:i], and the readings with that many
    start_ways: list[tuple[int, ...]] = [()]
    best: list[tuple[int, list[tuple[int, ...]]]] = [(0, start_ways)] + [(n + 1, [])] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 7), end):
            count, ways = best[start]
            if not ways or not _spelled(word[start:end]):
                continue
            cut = () if start == 0 else (start,)
            if count + 1 < best[end][0]:
                best[end] = (count + 1, [w + cut for w in ways][:MAX_SPLITS])
            elif count + 1 == best[end][0]:
                best[end] = (count + 1, (best[end][1] + [w + cut for w in ways])[:MAX_SPLITS])
    count, ways = best[n]
    return ways if count >= 2 else []


# codas the short vowels ă, â take (never none: "vă", "vâ" are no syllables); "nh", "ch"
# close only a, ê, i, y ("vănh" is none)
_SHORT_OPEN = re.compile(r"(?:ă|â)$")
_NH_CH = re.compile(r"(?<![aêiy])(?:nh|ch)$")


def _spelled(piece: str) -> bool:
    """A syllable as words are written: :func:`is_syllable`, and no short vowel left open,
    no ``nh``/``ch`` after a vowel they never close (``vă``, ``vănh`` are no words)."""
    if not is_syllable(piece):
        return False
    low = strip_tones(piece.lower())
    return not (_SHORT_OPEN.search(low) or _NH_CH.search(low))
