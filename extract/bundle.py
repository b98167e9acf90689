"""Documents inside documents: where a page starts a header, and whether that header is
an attachment of the document before it (pure functions on page text).

A page that begins an official document carries its header (Decree 30/2020/NĐ-CP, spec
§1): the national motto ``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`` with ``Độc lập - Tự do -
Hạnh phúc``, or the Party's ``ĐẢNG CỘNG SẢN VIỆT NAM``, or an issuer block with a ``Số:``
line. Matching is accent-insensitive (:func:`~evidence.extract.normalize.fold`) and fuzzy
(rapidfuzz), so OCR noise such as ``CỘNG HOÀ XÁ HỘI CHU NGHIA VIÊT NAM`` still counts.

A later header is an **attachment** of the document before it — never a second issued
document, never the source of the first one's fields — when it is unnumbered (``Số:
/QĐ-UBND``, or no ``Số`` line at all), marked as a draft (``DỰ THẢO``), or of a type the
first document says it submits or attaches (``… trình dự thảo Quyết định …``, ``kèm theo
Báo cáo …``). A later header that is numbered and issued starts a new document (a scan of
two issued documents). ``ingest/split.py`` splits files with these rules; ``extract_facts``
reads the fields of a document from the pages before its first attachment.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from .doctypes import type_from_name
from .normalize import fold

__all__ = ["TOP_LINES", "attachment_pages", "is_attachment", "motto_start", "starts_document"]

#: how many non-empty lines at the top of a page are searched for a header
TOP_LINES = 14
_TOP_CHARS = 1500
_FUZZ = 85.0

_MOTTO = "cong hoa xa hoi chu nghia viet nam"
_MOTTO_2 = "doc lap tu do hanh phuc"
_PARTY = "dang cong san viet nam"
_ISSUERS = (
    "uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "tinh uy", "huyen uy",
    "thanh uy", "dang uy", "ban chap hanh", "ban thuong vu", "van phong", "chinh phu",
    "bo ", "so ", "phong ", "cuc ", "tong cuc", "ban quan ly", "trung tam", "cong an",
)
# "Số: 38/TB-UBND", "Số:    /SCT-CN", "Số 12-NQ/TU" (folded: "so: 38/tb-ubnd")
_SO_LINE = re.compile(r"so\s*[:;.]?\s*\d{0,6}\s*[-/]\s*[a-z]")
# an annex or regulation issued *with* the document on the pages before it: a caption line
# "(Ban hành kèm theo Quyết định số ...)" or a "PHỤ LỤC" heading — not "kèm theo" in prose
_ATTACHED = re.compile(r"^[(\[]?\s*(?:ban hanh |duoc )?kem theo (?:quyet dinh|ke hoach|"
                       r"cong van|thong bao|nghi quyet|chi thi|bao cao|to trinh|van ban)"
                       r"|^phu luc\b")


#: the first words of each motto, and the score a line's words must reach against them
_MOTTO_HEADS = (" ".join(_MOTTO.split()[:4]), " ".join(_PARTY.split()[:3]),
                " ".join(_MOTTO_2.split()[:4]))
_HEAD_FUZZ = 80.0
#: each head's first word and its number of words
_HEAD_FIRST = tuple((h.split(" ", 1)[0], h.count(" ") + 1) for h in _MOTTO_HEADS)
_FIRST_LENGTHS = frozenset(len(first) for first, _n in _HEAD_FIRST)
_NON_WORD = re.compile(r"\W+")


@functools.lru_cache(maxsize=16384)
def _motto_token(word: str) -> str:
    """A word as :func:`motto_start` compares it: accent-folded, letters and digits only
    (cached: a page's lines are cut at mottos many times, over the same words)."""
    return _NON_WORD.sub("", fold(word))


def motto_start(words: Sequence[str], *, second_line: bool = True) -> int | None:
    """Where a motto begins among the words of one printed line.

    OCR often reads the issuer's line and the motto beside it as one line ("BỘ CÔNG
    THƯƠNG CỘNG HÒA XÃ HỘI …"); the motto's first words, accent-folded and compared
    fuzzily (``XÃ.``, ``HOÀ``, ``CÔNG HÒA`` still count), tell where its column begins.

    Args:
        words: the line's words in reading order (punctuation-only words are skipped).
        second_line: also accept the motto's second line (``Độc lập - Tự do - …``).

    Returns:
        The index in ``words`` of the first word of the national motto, the Party's motto
        (``ĐẢNG CỘNG SẢN VIỆT NAM``) or, with ``second_line``, ``Độc lập - Tự do``; None
        when the line holds none of them.
    """
    return _motto_start(tuple(words), second_line)


@functools.lru_cache(maxsize=4096)
def _motto_start(words: tuple[str, ...], second_line: bool) -> int | None:
    # cached: the header's cells are cut several times over the same lines
    tokens = [(i, t) for i, w in enumerate(words) if (t := _motto_token(w))]
    heads = _MOTTO_HEADS if second_line else _MOTTO_HEADS[:2]
    best: tuple[float, int] | None = None
    for k, (i, t) in enumerate(tokens):
        if len(t) not in _FIRST_LENGTHS:
            continue
        for head, (first, n) in zip(heads, _HEAD_FIRST, strict=False):
            if len(t) != len(first) or (t != first and fuzz.ratio(t, first) < 75):
                continue  # the motto's first word as printed or one letter misread
            if k + n > len(tokens):
                continue
            score = fuzz.ratio(" ".join(x for _j, x in tokens[k:k + n]), head)
            if score >= _HEAD_FUZZ and (best is None or score > best[0]):
                best = (score, i)
    return None if best is None else best[1]


def _top(text: str) -> tuple[list[str], list[bool]]:
    """Folded top lines, and whether each is set in capitals (issuer blocks are)."""
    lines, caps = [], []
    for line in text[:_TOP_CHARS].splitlines():
        folded = " ".join(re.sub(r"[^\w/:;.\-]+", " ", fold(line)).split())
        if folded:
            lines.append(folded)
            letters = [c for c in line if c.isalpha()]
            caps.append(bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters))
        if len(lines) >= TOP_LINES:
            break
    return lines, caps


_STATE_NAME = re.compile(r"\bnuoc cong hoa\b.*$")


def _has(phrase: str, lines: list[str]) -> bool:
    for line in lines:
        flat = line.replace("-", " ").replace(".", " ")
        flat = " ".join(flat.split())
        # "… được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam … thông qua" (a law's
        # adoption sentence, "Hiến pháp nước …") names the state; it is not the motto, also
        # where the line breaks inside the name ("… nước Cộng hòa xã hội chủ nghĩa Việt")
        flat = _STATE_NAME.sub("", flat)
        if phrase in flat:
            return True
        if len(flat) >= len(phrase) * 0.8 and fuzz.partial_ratio(phrase, flat) >= _FUZZ:
            return True
    return False


def starts_document(text: str) -> bool:
    """Does this page begin a new official document?

    Args:
        text: the page's text (NFC; OCR output is fine).

    Returns:
        True when the top of the page holds the national motto (or its second line), the
        Party's motto, or an issuer block together with a ``Số:`` line — and is not an annex
        or regulation issued with a previous document (``kèm theo Quyết định``, ``Phụ lục``).
    """
    lines, caps = _top(text)
    if not lines:
        return False
    # the motto and the Party's name are printed in capitals: in a sentence of the body
    # ("k) Cộng hòa xã hội chủ nghĩa Việt Nam: VN.") they do not start a document
    capitals = [line for line, cap in zip(lines, caps, strict=True) if cap]
    motto = _has(_MOTTO, capitals) or _has(_MOTTO_2, lines)
    party = _has(_PARTY, capitals)
    so_line = any(_SO_LINE.match(line) for line in lines)
    issuer = any(line.startswith(_ISSUERS) and cap
                 for line, cap in zip(lines[:6], caps[:6], strict=True))
    if not (motto or party or (so_line and issuer)):
        return False
    return not any(_ATTACHED.match(line) for line in lines)



# "Số: 38/TB-UBND" numbered, "Số:     /QĐ-UBND" blank (folded top lines)
_SO_NUMBER = re.compile(r"^(?:.*\s)?so\s*[:;.]?\s*(?P<num>[^\s/-]*)\s*[-/]\s*[a-z]")
_DRAFT = re.compile(r"\bdu thao\b")
_SUBMITS = ("du thao", "kem theo", "dinh kem", "gui kem")


def _number_state(lines: list[str]) -> str:
    """``numbered``, ``blank`` (a Số line without a number) or ``none``."""
    for line in lines:
        m = _SO_NUMBER.match(line)
        if m:
            return "numbered" if m.group("num") else "blank"
    return "none"


def _header_type(text: str) -> str | None:
    """The type name printed in the top lines of a page (``QUYẾT ĐỊNH`` -> its folded name)."""
    for line in text[:_TOP_CHARS].splitlines()[: TOP_LINES + 4]:
        found = type_from_name(line.strip())
        if found is not None and found[0] != "CV":
            return fold(found[1])
    return None


def is_attachment(text: str, before: str) -> bool:
    """Is the header at the top of ``text`` an attachment of the document in ``before``?

    Args:
        text: a page that starts a header (:func:`starts_document`).
        before: the text of the document before it.

    Returns:
        True when the header is unnumbered, marked as a draft, or of a type that ``before``
        says it submits or attaches; False for a numbered, issued document.
    """
    lines, _caps = _top(text)
    if any(_DRAFT.search(line) for line in lines):
        return True
    if _number_state(lines) != "numbered":
        return True
    kind = _header_type(text)
    if kind is None:
        return False
    said = " ".join(fold(before).split())
    return any(f"{verb} {kind}" in said for verb in _SUBMITS)


def attachment_pages(pages: Sequence[str]) -> int | None:
    """Index (0-based) of the first page that starts a header after the page holding the
    document's own header (a cover sheet may come first): within one document, that is
    where its attachments begin. None when there is none."""
    starts = [k for k in range(len(pages)) if starts_document(pages[k])]
    if not starts:
        return None
    return starts[1] if len(starts) > 1 else None

