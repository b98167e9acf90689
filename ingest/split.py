"""Documents, not files: split batch scans, group page photos.

A scanned PDF may hold several documents (an office scans a stack at once); a folder may
hold one document as several page photos (``scan_001.jpg``, ``scan_002.jpg``). Both are
resolved with the same signal: the top of a page that begins an official document carries
its header (Decree 30/2020/NĐ-CP, spec §1) — the national motto ``CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM`` with ``Độc lập - Tự do - Hạnh phúc``, or the Party's ``ĐẢNG CỘNG SẢN
VIỆT NAM``, or an issuer block with a ``Số:`` line. Matching is accent-insensitive
(:func:`~evidence.extract.normalize.fold`) and fuzzy (rapidfuzz), so OCR noise such as
``CỘNG HOÀ XÁ HỘI CHU NGHIA VIÊT NAM`` still counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from evidence.extract.normalize import fold
from evidence.model import Page
from rapidfuzz import fuzz

__all__ = ["TOP_LINES", "group_page_images", "split_documents", "starts_document"]

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


def _has(phrase: str, lines: list[str]) -> bool:
    for line in lines:
        flat = line.replace("-", " ").replace(".", " ")
        flat = " ".join(flat.split())
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
    motto = _has(_MOTTO, lines) or _has(_MOTTO_2, lines)
    party = _has(_PARTY, lines)
    so_line = any(_SO_LINE.match(line) for line in lines)
    issuer = any(line.startswith(_ISSUERS) and cap
                 for line, cap in zip(lines[:6], caps[:6], strict=True))
    if not (motto or party or (so_line and issuer)):
        return False
    return not any(_ATTACHED.match(line) for line in lines)


def split_documents(pages: Sequence[Page]) -> list[tuple[int, int]]:
    """Split a file's pages into documents where a page starts a new header.

    Args:
        pages: the file's pages in order.

    Returns:
        1-based inclusive ``(first, last)`` ranges by position in ``pages``, covering every
        page once; one range for an ordinary multi-page document. Empty input gives ``[]``.
    """
    if not pages:
        return []
    ranges: list[tuple[int, int]] = []
    first = 1
    for pos in range(2, len(pages) + 1):
        if starts_document(pages[pos - 1].text):
            ranges.append((first, pos - 1))
            first = pos
    ranges.append((first, len(pages)))
    return ranges


_NUMBERED = re.compile(r"^(?P<prefix>.*?)(?P<num>\d+)(?P<tail>\s*\(\d+\))?$")
_NATURAL = re.compile(r"(\d+)")


def _natural_key(p: Path) -> tuple[object, ...]:
    parts = _NATURAL.split(p.name.casefold())
    return (str(p.parent), *((int(x), "") if x.isdigit() else (0, x) for x in parts))


def group_page_images(paths: Sequence[Path]) -> list[list[Path]]:
    """Group page photos of one folder into candidate documents by their names.

    ``scan_001.jpg``, ``scan_002.jpg`` go together; so do ``trang 1.png``, ``trang 2.png``
    and ``IMG_0001.JPG``, ``IMG_0002.JPG``. A group is one folder, one common stem (case
    ignored, extension ignored) and consecutive numbers; a gap in the numbers, another
    stem or a name without a number starts another group. The pipeline then splits a
    group again where a page starts a new header (:func:`starts_document`).

    Args:
        paths: image files, in any order.

    Returns:
        Groups in natural order (``2`` before ``10``); every path appears exactly once.
    """
    ordered = sorted(dict.fromkeys(paths), key=_natural_key)
    groups: list[list[Path]] = []
    run: list[Path] | None = None  # the numbered group being extended
    last: tuple[str, str, int] | None = None
    for p in ordered:
        m = _NUMBERED.match(p.stem)
        if m is None or m.group("tail"):
            groups.append([p])  # "bia.jpg", "scan_2 (1).jpg": a page of its own
            continue
        key = (str(p.parent), m.group("prefix").casefold().rstrip(" _-.").strip())
        num = int(m.group("num"))
        if run is not None and last is not None and last[:2] == key and num == last[2] + 1:
            run.append(p)
        else:
            run = [p]
            groups.append(run)
        last = (key[0], key[1], num)
    return groups
