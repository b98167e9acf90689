"""The Vietnamese syllable: its letters and its shape (onset, nucleus, coda).

One home for the spelling test used by the text-layer judge (:mod:`evidence.ingest.textlayer`:
is this PDF layer Vietnamese or garbage?) and by the signer (:mod:`evidence.extract.signer`:
is this OCR line a person's name or the debris of a seal or a signature stroke?).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["SYLLABLE", "VN_LETTERS", "is_syllable", "strip_tones"]

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


def is_syllable(word: str) -> bool:
    """Is ``word`` (any case) spelled as one Vietnamese syllable (``Thịnh``: yes; ``X``,
    ``Hsäng``, ``tzoang``: no)?"""
    low = word.lower()
    return (0 < len(low) <= 7 and all(c in VN_LETTERS for c in low)
            and SYLLABLE.fullmatch(strip_tones(low)) is not None)
