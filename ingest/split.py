"""Documents, not files: split batch scans, group page photos.

A scanned PDF may hold several documents (an office scans a stack at once); a folder may
hold one document as several page photos (``scan_001.jpg``, ``scan_002.jpg``). Both are
resolved with the same signal: the top of a page that begins an official document carries
its header (:func:`evidence.extract.bundle.starts_document`). A later header that is an
attachment of the document before it (unnumbered, a draft, or what that document says it
submits: :func:`evidence.extract.bundle.is_attachment`) stays in that document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from evidence.extract.bundle import TOP_LINES, is_attachment, starts_document
from evidence.model import Page

__all__ = ["TOP_LINES", "group_page_images", "split_documents", "starts_document"]


def split_documents(pages: Sequence[Page]) -> list[tuple[int, int]]:
    """Split a file's pages into documents where a page starts a new, issued document.

    Args:
        pages: the file's pages in order.

    Returns:
        1-based inclusive ``(first, last)`` ranges by position in ``pages``, covering every
        page once; one range for an ordinary multi-page document, and for a document with
        its attachments (a tờ trình and the unnumbered draft it submits). Empty input
        gives ``[]``.
    """
    if not pages:
        return []
    ranges: list[tuple[int, int]] = []
    first = 1
    for pos in range(2, len(pages) + 1):
        text = pages[pos - 1].text
        if starts_document(text) and not is_attachment(
                text, "\n".join(p.text for p in pages[first - 1:pos - 1])):
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
