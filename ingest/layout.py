"""Page text in reading order from Tesseract's word boxes (its TSV output).

Tesseract's own text output reads a page line by line across the whole width, so the two
columns of a Vietnamese header (issuer left, national motto right) interleave when their
lines sit at the same height, and the signer block (bottom right) mixes with "Nơi nhận"
(bottom left). Here the same run's TSV (one pass, no extra cost) is regrouped:

1. Tesseract lines are cut into *segments* where two words are further apart than a column
   gap (:data:`GAP_HEIGHTS` line heights and at least :data:`GAP_MIN_WIDTH` of the page).
2. Segments that share a height form *rows*; consecutive rows form a *region* as long as a
   vertical strip of free space (the column gap) runs through all of them.
3. A region with content on both sides of its gap is read like the cells of a table, as a
   born-digital PDF or DOCX header reads: it is cut where a blank band of at least
   :data:`CELL_GAP_HEIGHTS` line heights crosses both columns, and each band gives its left
   column top to bottom, then its right column. Other rows are read left to right.

The header's column gap is often narrower than a column gap elsewhere (a long issuer line
nearly reaches the motto; a scan shifted sideways leaves a word space between them). Its
right column is known, though: the national motto (or the Party's) is a fixed text, and
its first word's left edge is the column boundary (:func:`~evidence.extract.bundle.
motto_start`, fuzzy). In the header's rows a line is also cut where the motto starts, or
at a gap of :data:`ANCHOR_GAP_HEIGHTS` line heights at that boundary, and a region may
start at a strip of any width there.

Every word keeps its box (fractions of the image, origin top left) and its offsets in the
returned text, so extraction can point at where a value was read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from statistics import median

from evidence.extract.bundle import motto_start
from evidence.extract.normalize import clean_text, fold
from evidence.model import Word

__all__ = ["TsvWord", "header_band", "layout_text", "merge_crops_tsv", "parse_tsv"]

#: a gap between two words of one Tesseract line wider than this many line heights is a
#: column gap (justified body text stays under ~1.5)
GAP_HEIGHTS = 3.0
#: ... and at least this share of the page width
GAP_MIN_WIDTH = 0.03
#: once a region has its column gap, the free strip may narrow to this many line heights
#: (the issuer's longest line nearly reaches the motto column)
KEEP_GAP_HEIGHTS = 0.4
#: a blank band at least this many line heights high, across both columns, separates two
#: rows of header cells (issuer | motto, then Số | date)
CELL_GAP_HEIGHTS = 0.9
#: a vertical gap above this many line heights between two lines starts a new paragraph
PARAGRAPH_HEIGHTS = 1.1
#: in the header's rows, a gap this many line heights wide at the column boundary parts
#: the columns (a word space is ~0.4; a centred title line has no such gap there)
ANCHOR_GAP_HEIGHTS = 1.0
#: the header's rows run from just above the motto to this many line heights under it
#: (issuer lines, the Số and place-date lines; the type line stands lower)
HEADER_ROWS = 6.0


@dataclass
class TsvWord:
    """One word row of Tesseract's TSV, in pixels."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line)

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def parse_tsv(tsv: str) -> tuple[list[TsvWord], tuple[int, int]]:
    """Word rows (level 5, non-blank text) and the page size in pixels of a TSV output."""
    words: list[TsvWord] = []
    size = (0, 0)
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            level = int(row.get("level") or 0)
            box = [int(row[k] or 0) for k in ("left", "top", "width", "height")]
        except (ValueError, KeyError, TypeError):
            continue
        if level == 1:
            size = (box[2], box[3])
            continue
        text = clean_text((row.get("text") or "").strip())
        if level != 5 or not text:
            continue
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if conf < 0:
            continue
        line = (int(row.get("block_num") or 0), int(row.get("par_num") or 0),
                int(row.get("line_num") or 0))
        words.append(TsvWord(text, conf, box[0], box[1], box[2], box[3], line))
    return words, size


@dataclass
class _Segment:
    words: list[TsvWord]
    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0
    mid_top: float = 0.0
    mid_bottom: float = 0.0

    def __post_init__(self) -> None:
        self.left = min(w.left for w in self.words)
        self.right = max(w.right for w in self.words)
        self.top = min(w.top for w in self.words)
        self.bottom = max(w.bottom for w in self.words)
        # the body of the line, without a stray tall mark or diacritic
        self.mid_top = median(w.top for w in self.words)
        self.mid_bottom = median(w.bottom for w in self.words)

    @property
    def para(self) -> tuple[int, int]:
        return self.words[0].line[:2]


@dataclass
class _Row:
    segments: list[_Segment] = field(default_factory=list)
    top: int = 0
    bottom: int = 0
    mid_top: float = 0.0
    mid_bottom: float = 0.0

    def add(self, seg: _Segment) -> None:
        if not self.segments:
            self.top, self.bottom = seg.top, seg.bottom
            self.mid_top, self.mid_bottom = seg.mid_top, seg.mid_bottom
        else:
            self.top, self.bottom = min(self.top, seg.top), max(self.bottom, seg.bottom)
            self.mid_top = min(self.mid_top, seg.mid_top)
            self.mid_bottom = max(self.mid_bottom, seg.mid_bottom)
        self.segments.append(seg)


def layout_text(words: list[TsvWord], size: tuple[int, int]) -> tuple[str, list[Word]]:
    """The page text in reading order and its words placed in it.

    Args:
        words: Tesseract's word rows (:func:`parse_tsv`).
        size: the image size in pixels (width, height).

    Returns:
        The text (NFC, lines joined with ``\\n``, a blank line between paragraphs) and one
        :class:`~evidence.model.Word` per word with its offsets and page-fraction box.
    """
    if not words:
        return "", []
    width, height = max(1, size[0]), max(1, size[1])
    line_h = median(w.height for w in words)
    split = _header_split(words, (width, height), line_h)
    segments = _segments(words, line_h, width, split)
    rows = _rows(segments)
    lines: list[list[_Segment]] = []  # the segments of each output line
    for region, gap in _regions(rows, line_h, width, split):
        lines.extend(_read_region(region, gap, line_h))
    return _compose(lines, line_h, width, height)


@dataclass
class _Split:
    """The header's column boundary (the motto's left edge) and the rows it parts."""

    x: int
    top: float
    bottom: float
    tol: float  # how near the boundary a gap or strip must come

    def holds(self, top: float, bottom: float) -> bool:
        return self.top <= (top + bottom) / 2 <= self.bottom


def _header_split(words: list[TsvWord], size: tuple[int, int], line_h: float) -> _Split | None:
    anchor = _motto_anchor(words, size)
    if anchor is None:
        return None
    return _Split(anchor.left, anchor.top - 1.5 * line_h, anchor.bottom + HEADER_ROWS * line_h,
                  line_h)


def _motto_anchor(words: list[TsvWord], size: tuple[int, int]) -> TsvWord | None:
    """The first word of the motto at the top of a page (national or Party; its second
    line when OCR lost the first), standing right of the page's first quarter: the left
    edge of the header's right column. None on a page without it."""
    width, height = size
    by_line: dict[tuple[int, int, int], list[TsvWord]] = {}
    for w in words:
        if w.top < HEADER_SHARE * height:
            by_line.setdefault(w.line, []).append(w)
    lines = sorted((sorted(ws, key=lambda w: w.left) for ws in by_line.values()),
                   key=lambda ws: min(w.top for w in ws))
    for second_line in (False, True):
        for ws in lines:
            k = motto_start([w.text for w in ws], second_line=second_line)
            if k is not None and ws[k].left >= 0.25 * width:
                return ws[k]
    return None


def _segments(words: list[TsvWord], line_h: float, width: int,
              split: _Split | None = None) -> list[_Segment]:
    by_line: dict[tuple[int, int, int], list[TsvWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    out: list[_Segment] = []
    for ws in by_line.values():
        ws.sort(key=lambda w: w.left)
        h = median(w.height for w in ws)
        gap = max(GAP_HEIGHTS * max(h, line_h * 0.8), GAP_MIN_WIDTH * width)
        column = _column_cut(ws, h, split) if split is not None else set()
        cur = [ws[0]]
        for k, w in enumerate(ws[1:], 1):
            if w.left - cur[-1].right > gap or k in column:
                out.append(_Segment(cur))
                cur = []
            cur.append(w)
        out.append(_Segment(cur))
    return out


def _column_cut(ws: list[TsvWord], h: float, split: _Split) -> set[int]:
    """Where a line of the header's rows parts into its two columns: before the word where
    the motto starts, else at the widest gap of :data:`ANCHOR_GAP_HEIGHTS` line heights at
    the boundary; specks in the gap (``|``, ``:``) stand apart. Empty for a line of one
    column."""
    if len(ws) < 2 or not split.holds(median(w.top for w in ws), median(w.bottom for w in ws)):
        return set()
    cut = motto_start([w.text for w in ws])
    if cut is None or cut == 0 or ws[cut].left < split.x - split.tol:
        best: tuple[int, int] | None = None
        for k in range(1, len(ws)):
            a, b = ws[k - 1].right, ws[k].left
            if not (_wordlike(ws[k - 1]) and _wordlike(ws[k])):
                continue  # specks and handwriting strokes across the band part nothing
            if (b - a >= ANCHOR_GAP_HEIGHTS * h and a <= split.x + 2 * split.tol
                    and b >= split.x - 2 * split.tol and (best is None or b - a > best[0])):
                best = (b - a, k)
        if best is None:
            return set()
        cut = best[1]
    specks = cut
    while specks > 1 and not any(c.isalnum() for c in ws[specks - 1].text):
        specks -= 1
    return {specks, cut}


def _wordlike(w: TsvWord) -> bool:
    """A word of print, not a speck: two letters or digits at least, most of it."""
    alnum = sum(c.isalnum() for c in w.text)
    return alnum >= 2 and alnum >= 0.6 * len(w.text)


def _rows(segments: list[_Segment]) -> list[_Row]:
    """Segments whose line bodies overlap by half the smaller one form a row; two lines of
    one Tesseract paragraph never do (it has already told them apart)."""
    rows: list[_Row] = []
    for seg in sorted(segments, key=lambda s: (s.mid_top + s.mid_bottom) / 2):
        h = seg.mid_bottom - seg.mid_top
        for row in reversed(rows[-3:]):
            overlap = min(row.mid_bottom, seg.mid_bottom) - max(row.mid_top, seg.mid_top)
            if overlap >= 0.5 * min(h, row.mid_bottom - row.mid_top) and not any(
                    s.para == seg.para and s.words[0].line != seg.words[0].line
                    for s in row.segments):
                row.add(seg)
                break
        else:
            rows.append(_Row())
            rows[-1].add(seg)
    for row in rows:
        row.segments.sort(key=lambda s: s.left)
    return rows


def _free(intervals: list[tuple[int, int]], row: _Row) -> list[tuple[int, int]]:
    """``intervals`` minus the horizontal extents of ``row``'s segments."""
    out = intervals
    for seg in row.segments:
        nxt: list[tuple[int, int]] = []
        for a, b in out:
            if seg.right <= a or seg.left >= b:
                nxt.append((a, b))
                continue
            if seg.left > a:
                nxt.append((a, seg.left))
            if seg.right < b:
                nxt.append((seg.right, b))
        out = nxt
    return out


def _inner_gap(free: list[tuple[int, int]], rows: list[_Row], min_gap: float,
               split: _Split | None = None) -> tuple[int, int] | None:
    """The widest free strip with content on both sides in ``rows``, at least ``min_gap``
    wide; or, at the header's column boundary (``split``), the strip of any width nearest
    to it (a speck in the gap leaves two)."""
    left = min(s.left for r in rows for s in r.segments)
    right = max(s.right for r in rows for s in r.segments)
    best: tuple[int, int] | None = None
    best_key: tuple[float, float] = (0.0, 0.0)
    for a, b in free:
        if a <= left or b >= right:
            continue
        if split is not None and (away := max(0, a - split.x, split.x - b)) <= split.tol:
            key = (-1.0, away - (b - a) / 1e6)  # nearest first, then widest
        elif b - a >= min_gap:
            key = (0.0, float(a - b))
        else:
            continue
        if best is None or key < best_key:
            best, best_key = (a, b), key
    return best


def _regions(rows: list[_Row], line_h: float, width: int,
             split: _Split | None = None) -> list[tuple[list[_Row], tuple[int, int] | None]]:
    """Group consecutive rows sharing one column gap; the gap is None for ordinary rows."""
    min_gap = max(GAP_HEIGHTS * line_h, GAP_MIN_WIDTH * width)
    out: list[tuple[list[_Row], tuple[int, int] | None]] = []

    def at(row: _Row) -> _Split | None:  # the header's boundary, for its rows only
        return split if split is not None and split.holds(row.top, row.bottom) else None

    i = 0
    while i < len(rows):
        group = [rows[i]]
        free = _free([(0, width)], rows[i])
        gap = _inner_gap(free, group, min_gap, at(rows[i]))
        j = i + 1
        while j < len(rows):
            nfree = _free(free, rows[j])
            # a region starts at a wide gap; it then narrows as long as some space stays
            # (a body line is one segment across the page and closes it)
            need = min_gap if gap is None else KEEP_GAP_HEIGHTS * line_h
            ngap = _inner_gap(nfree, [*group, rows[j]], need, at(rows[j]))
            if ngap is None:
                break
            # the strip must stay where it was: a shifted gap is another layout
            if gap is not None and (ngap[1] <= gap[0] or ngap[0] >= gap[1]):
                break
            group.append(rows[j])
            free, gap = nfree, ngap
            j += 1
        if gap is not None and not _both_sides(group, gap):
            gap = None
        out.append((group, gap))
        i = j
    return out


def _both_sides(rows: list[_Row], gap: tuple[int, int]) -> bool:
    sides = {s.right <= gap[0] for r in rows for s in r.segments}
    return len(sides) == 2


def _read_region(rows: list[_Row], gap: tuple[int, int] | None,
                 line_h: float) -> list[list[_Segment]]:
    if gap is None:
        return [r.segments for r in rows]
    out: list[list[_Segment]] = []
    band: list[_Row] = []
    for row in rows:
        if band and row.top - max(r.bottom for r in band) >= CELL_GAP_HEIGHTS * line_h:
            out.extend(_read_band(band, gap))
            band = []
        band.append(row)
    out.extend(_read_band(band, gap))
    return out


def _read_band(rows: list[_Row], gap: tuple[int, int]) -> list[list[_Segment]]:
    """The left column's rows top to bottom, then the right column's."""
    out: list[list[_Segment]] = []
    for left_side in (True, False):
        for row in rows:
            segs = [s for s in row.segments if (s.right <= gap[0]) == left_side]
            if segs:
                out.append(segs)
    return out


def _compose(lines: list[list[_Segment]], line_h: float, width: int,
             height: int) -> tuple[str, list[Word]]:
    parts: list[str] = []
    placed: list[Word] = []
    pos = 0
    prev: tuple[int, int] | None = None  # top and bottom of the previous line
    for segs in lines:
        top, bottom = min(s.top for s in segs), max(s.bottom for s in segs)
        if prev is not None:
            # a blank line before a paragraph, and where reading goes back up (next column)
            new_para = top - prev[1] > PARAGRAPH_HEIGHTS * line_h or top < prev[0]
            sep = "\n\n" if new_para else "\n"
            parts.append(sep)
            pos += len(sep)
        for m, seg in enumerate(segs):
            if m:
                parts.append("   ")  # a column gap inside one row, as header cells read
                pos += 3
            for n, w in enumerate(seg.words):
                if n:
                    parts.append(" ")
                    pos += 1
                parts.append(w.text)
                placed.append(Word(text=w.text, conf=w.conf, start=pos, end=pos + len(w.text),
                                   box=[round(w.left / width, 4), round(w.top / height, 4),
                                        round(w.right / width, 4), round(w.bottom / height, 4)]))
                pos += len(w.text)
        prev = (top, bottom)
    return "".join(parts), placed


# -- the header band, read a second time -----------------------------------------------------

#: the header (issuer, motto, Số and place-date lines) stands in this top share of a page
HEADER_SHARE = 0.45
_GLUED_SO = re.compile(r"^[Ss$§]\S?:")
_YEAR_WORD = re.compile(r"^\(?(?:19|20)\d\d\)?[.,]?$")


def header_band(words: list[TsvWord], size: tuple[int, int]) -> list[tuple[int, int, int, int]] | None:
    """The two crops (left: issuer and Số; right: motto and place-date) of a page's
    Decree-30 header, in pixels ``(left, top, right, bottom)``, from the first pass's
    words; None when the page shows no national motto at its top.

    The columns part at the motto's left edge; each runs from the first line to just
    under its own anchor: the left one under the Số line, the right one under the date
    line (a column without its anchor down to the other's; without either, a fifth of the
    page under the motto)."""
    width, height = size
    if width <= 0 or height <= 0:
        return None
    top_words = [w for w in words if w.top < HEADER_SHARE * height]
    motto = _motto_anchor(top_words, size)
    if motto is None:
        return None
    line_h = median(w.height for w in top_words)
    split = max(0, motto.left - int(line_h))
    so = next((w for w in top_words if w.right <= split and w.top > motto.top
               and (w.text.rstrip(":.") in ("Số", "SỐ", "Sô", "S0") or _GLUED_SO.match(w.text))),
              None)
    date = next((w for i, w in enumerate(top_words) if i and w.left >= split
                 and w.top > motto.bottom and _YEAR_WORD.match(w.text)
                 and fold(top_words[i - 1].text) == "nam"), None)
    # each column down to its own anchor: the trích yếu under the Số line is not read again
    found = [w.bottom for w in (so, date) if w is not None]
    fallback = max(found) if found else motto.bottom + height // 5
    bottoms = [min(height, int((w.bottom if w is not None else fallback) + line_h * 0.8))
               for w in (so, date)]
    top = max(0, min(w.top for w in top_words) - int(line_h))
    if min(bottoms) - top < 2 * line_h:
        return None
    return [(0, top, split, bottoms[0]), (split, top, width, bottoms[1])]


def merge_crops_tsv(first: str, second: str,
                    pieces: list[tuple[tuple[int, int, int, int], int]]) -> str:
    """The first pass's TSV with the words inside some crops of the page (the header
    band's columns, the signer block) replaced by those of a second reading: ``second`` is
    the TSV of one image holding the crops stacked top to bottom, ``pieces`` each crop's
    box on the page and its top in that image; every word goes back to its place on the
    page (each crop its own blocks)."""
    lines = first.splitlines()
    if not lines:
        return first
    cols = lines[0].split("\t")
    try:
        idx = {k: cols.index(k) for k in ("level", "block_num", "left", "top", "width", "height")}
    except ValueError:
        return first
    out = [lines[0]]

    def centre(row: list[str]) -> tuple[float, float] | None:
        try:
            return (int(row[idx["left"]]) + int(row[idx["width"]]) / 2,
                    int(row[idx["top"]]) + int(row[idx["height"]]) / 2)
        except (ValueError, IndexError):
            return None

    for line in lines[1:]:
        row = line.split("\t")
        c = centre(row) if len(row) == len(cols) and row[idx["level"]] == "5" else None
        if c is not None and any(b[0] <= c[0] < b[2] and b[1] <= c[1] < b[3]
                                 for b, _y in pieces):
            continue
        out.append(line)
    for line in second.splitlines()[1:]:
        row = line.split("\t")
        if len(row) != len(cols) or row[idx["level"]] != "5" or (c := centre(row)) is None:
            continue
        n = next((k for k, (b, y) in enumerate(pieces) if y <= c[1] < y + b[3] - b[1]), None)
        if n is None:
            continue
        box, y = pieces[n]
        row[idx["left"]] = str(int(row[idx["left"]]) + box[0])
        row[idx["top"]] = str(int(row[idx["top"]]) - y + box[1])
        row[idx["block_num"]] = str(int(row[idx["block_num"]]) + 1000 * (n + 1))
        out.append("\t".join(row))
    return "\n".join(out) + "\n"
