"""Matching keys for the check: folded words with abbreviations expanded.

:func:`match_key` turns a
text into the space-padded word sequence keywords are searched in: punctuation is a space
and administrative abbreviations are written out, so ``CCHC`` matches ``cải cách hành
chính`` and ``UBND huyện`` matches ``Ủy ban nhân dân huyện``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Iterator

from evidence.extract.abbreviations import folded_expansions

__all__ = [
    "ABBREVIATIONS",
    "expand_tokens",
    "match_key",
    "word_tokens",
]

#: folded abbreviation -> folded expansion (a view of the one vocabulary,
#: ``extract/data/abbreviations.yaml``, its ``criteria`` use)
ABBREVIATIONS: dict[str, str] = folded_expansions("criteria")


_ASCII_PUNCT = "".join(c for c in string.punctuation if c != "%")
_KEY_BYTES = bytes.maketrans(
    (string.ascii_uppercase + _ASCII_PUNCT).encode(),
    (string.ascii_lowercase + " " * len(_ASCII_PUNCT)).encode(),
)
_D_LIKE = (("đ", "d"), ("Đ", "d"), ("\u00f0", "d"), ("\u00d0", "d"))
# non-ASCII punctuation that separates words; dropped silently it would glue them
_NON_ASCII_SPACES = "–—―‐‑‒−“”‘’«»…•·§°\u00a0"


def match_key(text: str) -> str:
    """Space-padded folded words, punctuation removed, abbreviations expanded.

    ``"Kế hoạch CCHC, năm 2023"`` -> ``" ke hoach cai cach hanh chinh nam 2023 "``. A
    keyword's key is searched in a document's key as a substring, so matches fall on word
    boundaries. NFC or NFD input. For speed the fold goes through NFD and an ASCII encode
    (combining marks dropped; đ -> d first), which equals :func:`fold` on Vietnamese text
    and drops letters of other scripts.
    """
    if text.isascii():
        raw = text.encode("ascii")
    else:
        for a, b in _D_LIKE:
            if a in text:
                text = text.replace(a, b)
        for ch in _NON_ASCII_SPACES:
            if ch in text:
                text = text.replace(ch, " ")
        raw = unicodedata.normalize("NFD", text).encode("ascii", "ignore")
    s = " " + " ".join(raw.translate(_KEY_BYTES).decode("ascii").split()) + " "
    for abbr, exp in ABBREVIATIONS.items():
        pat = f" {abbr} "
        if pat in s:
            # twice: non-overlapping replace skips the second of two adjacent abbreviations
            s = s.replace(pat, f" {exp} ").replace(pat, f" {exp} ")
    return s


_TOKEN = re.compile(r"[a-z0-9]+")


def word_tokens(text: str) -> list[str]:
    """The words of a short text as in :func:`match_key` (folded, abbreviations written
    out), without building the key: for the many small windows around figures."""
    if not text.isascii():
        for a, b in _D_LIKE:
            if a in text:
                text = text.replace(a, b)
        text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
    return list(expand_tokens(_TOKEN.findall(text.lower())))


def expand_tokens(tokens: Iterable[str]) -> Iterator[str]:
    """Folded tokens with abbreviations written out (``tthc`` -> ``thu tuc hanh chinh``)."""
    for t in tokens:
        exp = ABBREVIATIONS.get(t)
        if exp:
            yield from exp.split()
        else:
            yield t
