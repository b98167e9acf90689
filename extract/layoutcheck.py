"""Check the number and date read by OCR against the page layout (pure, no I/O).

A scanned form often has its number ("Số: 347 /TTr-…") and its day or month ("ngày 05
tháng 6") written by hand into printed blanks. Tesseract reads handwriting as confident
garbage ("4H09", "đ{", two wrong digits for three), and a wrong number is worse than none:
the officer would file the wrong document. With the ingested pages' layout
(:attr:`Page.words` — OCR words placed in the page text with their boxes and confidences —
and :attr:`Page.ink`, the coloured ink found on the page image), :func:`check_layout`

- gives every provenance span of an OCR'd page its box on the page (``Span.box``);
- for the number and for each of the day and month: finds the words of the value, or the
  blank between ``Số:`` and ``/…`` (``ngày`` and ``tháng``, ``tháng`` and ``năm``);
- if pen ink lies there, the value was written by hand; if the words are not clean digit
  tokens read with high confidence, the reading is unsure. Either way the value is cleared
  (the number and its digits in the symbol — ``/TTr-SNV`` stays; the date falls back to
  the part that was printed) and a :class:`~evidence.model.ReviewItem` says why
  (``handwritten`` or ``low_confidence``, with what OCR read) — unless the reading is sure:
  clean digits, every word at :data:`SURE_CONFIDENCE` or more, and other evidence agreeing
  (the file name carries the number; a signing time carries the date).

A page drawn from fonts (:attr:`Page.drawn`: a born-digital page OCR'd for its broken text
layer) holds no handwriting: nothing on it is taken for a pen, an unsure reading is
``low_confidence``, and a word with the ``Số:`` label stuck to the digits (``Số:1050``,
scored low against the dictionary as a whole) does not lower the digits' confidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from ..model import Facts, InkMark, Page, ReviewItem, Span, Word
from .dates import damaged_date_line
from .header import is_misread_so_label

__all__ = ["LOW_CONFIDENCE", "SURE_CONFIDENCE", "check_layout"]

#: a printed number or day read below this word confidence is not trusted
LOW_CONFIDENCE = 60.0
#: a handwritten value is kept only when every word of it reaches this confidence (and
#: other evidence agrees)
SURE_CONFIDENCE = 90.0
#: clean digits read below this confidence in a number or day slot are taken for
#: handwriting too (printed digits read at 90+)
HANDWRITING_CONFIDENCE = 50.0
#: the number line stands in this top share of the first page
HEADER_BAND = 0.4
#: handwriting strays above and below the printed line by up to this many line heights
_REACH = 0.6
#: a value word read with little confidence and this many times the header's print high is
#: handwriting over it (printed numbers measure 0.8-1.3 of it, handwritten ones 1.4-1.7)
TALL_HEIGHTS = 1.4

_DIGITS = re.compile(r"^\d{1,6}$")
# a document number may carry a dotted part, as the symbol grammar reads it ("66.18")
_NUMBER = re.compile(r"^\d{1,6}(?:\.\d{1,3})?$")
_DATE_PARTS = re.compile(
    r"ngày(?P<d>.*?)tháng(?P<m>.*?)năm\s*(?P<y>\d{4})", re.IGNORECASE | re.DOTALL)
DAMAGED_DATE_LINES = 25  # lines of page 1 searched for a damaged date line


@dataclass
class _Reading:
    """One value on the page: the words read for it and the region it occupies."""

    words: list[Word]
    region: list[float] | None  # [x0, y0, x1, y1] page fractions
    # the number glued to its symbol ("309/NQ-HHDN"), as printed numbers are: the word's
    # confidence is the whole token's (a long code scores low against the dictionary),
    # so it says nothing about the digits
    glued: bool = False
    # the Số label is glued into the same word ("Số:25/2026/NĐ-CP"): its box measures
    # the label's stacked diacritics too
    labelled: bool = False
    # the reading of a number slot (a dotted number is clean there), not of a day or month
    number: bool = False
    # the first word had the Số label stuck to it ("Số:1050"): its confidence is the mixed
    # token's
    stuck: bool = False
    # read on a page drawn from fonts (Page.drawn): type, not handwriting
    drawn: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def clean(self) -> bool:
        pattern = _NUMBER if self.number else _DIGITS
        return bool(self.words) and all(pattern.match(w.text) for w in self.words)

    def min_conf(self) -> float:
        words = self.words[:-1] if self.glued else self.words
        unmeasured = self.glued or (self.stuck and self.drawn)
        if self.stuck and self.drawn:
            words = words[1:]
        if unmeasured and not words:
            return 100.0
        return min((w.conf for w in words), default=0.0)


def check_layout(facts: Facts, layout: Sequence[Page], texts: Sequence[str],
                 filename: str | None = None) -> None:
    """Box the provenance spans and distrust handwritten or unsure numbers and dates.

    Args:
        facts: the facts read from the text; changed in place.
        layout: the ingested pages (``Page.words``, ``Page.ink``), in the order of ``texts``.
        texts: the page texts the spans refer to; a page whose text is not its layout's
            (edited since OCR) is left alone.
        filename: the file's name, evidence that can confirm a handwritten number.
    """
    pages = {i + 1: p for i, p in enumerate(layout)
             if p.words and i < len(texts) and len(texts[i]) == len(p.text)}
    if not pages:
        return
    for span in facts.provenance.values():
        page = pages.get(span.page)
        if page is not None and span.box is None:
            span.box = _union([w.box for w in _words_in(page.words, span.start, span.end)])
    _check_number(facts, pages, filename)
    _check_date(facts, pages)


# -- number ---------------------------------------------------------------------------------

def _check_number(facts: Facts, pages: dict[int, Page], filename: str | None) -> None:
    span = facts.provenance.get("symbol")
    found = _number_slot(facts, pages, span)
    if found is None:
        if "number" in facts.fallbacks and span is not None:
            # a number from the file name, the page's own number slot not found: nothing
            # on the page agrees with it
            source = facts.fallbacks.pop("number")
            _strip_number(facts)
            facts.warnings = [w for w in facts.warnings if w != "number taken from the file name"]
            facts.review.append(ReviewItem("number", "low_confidence", span.page,
                                           detail=source))
        return
    page_no, reading, pen = found
    digits = "".join(w.text for w in reading.words)
    sure = reading.clean() and reading.min_conf() >= SURE_CONFIDENCE and not pen
    if facts.symbol is None:
        # the header could not read the number line at all: say what stands there
        if pen or reading.words:
            facts.review.append(ReviewItem("number", _reason(pen, reading), page_no,
                                           detail=reading.text or None))
        return
    if "number" in facts.fallbacks:
        # a number from the file name on a page whose own number OCR could not read:
        # file names lie ("CV SỐ 1360" holding 1364), so it stands only if the page agrees
        if sure and digits == facts.number:
            return
        source = facts.fallbacks.pop("number")
        _strip_number(facts)
        facts.warnings = [w for w in facts.warnings if w != "number taken from the file name"]
        if not (sure and _NUMBER.match(digits)):
            _drop_number(facts, ReviewItem("number", _reason(pen, reading), page_no,
                                           detail=f"OCR: {reading.text or '—'}; {source}"))
            return
    if facts.number is None:
        if sure and _NUMBER.match(digits):
            # printed digits the header could not take as one number ("257 1/VNPT-…")
            facts.number = digits
            facts.symbol = digits + facts.symbol
            facts.warnings = [w for w in facts.warnings if w != "number unreadable"]
        elif pen or reading.words:
            # a blank with ink, or something OCR could not take for a number
            facts.review.append(ReviewItem("number", _reason(pen, reading), page_no,
                                           detail=reading.text or None))
        return
    if reading.clean() and reading.min_conf() >= SURE_CONFIDENCE and digits == facts.number \
            and (not pen or _in_filename(facts.number, filename)):
        return
    if pen or not reading.clean() or reading.min_conf() < LOW_CONFIDENCE:
        _drop_number(facts, ReviewItem("number", _reason(pen, reading), page_no,
                                       detail=reading.text))
    elif digits != facts.number:
        # more stands in the blank than the number taken ("Số: 3 39/C04-P6"): which
        # digits are the number is unsure
        _drop_number(facts, ReviewItem("number", _reason(pen, reading), page_no,
                                       detail=reading.text))


def _reason(pen: bool, reading: _Reading) -> str:
    """Pen ink, or garbage where digits are expected (what Tesseract makes of handwriting,
    also on a grey scan where the ink shows no colour): ``handwritten``; clean digits read
    with little confidence, or anything on a drawn page: ``low_confidence``."""
    if reading.drawn:
        return "low_confidence"
    if pen or not reading.clean() or reading.min_conf() < HANDWRITING_CONFIDENCE:
        return "handwritten"
    return "low_confidence"


def _unread(page: Page) -> str:
    """The reason for a value OCR could not read on ``page``: on a scan, what Tesseract
    makes of handwriting; on a drawn page, type it misread."""
    return "low_confidence" if page.drawn else "handwritten"


def _pen(page: Page, reading: _Reading, words: list[Word]) -> bool:
    """Whether a pen wrote the value: ink over its region, or hand-tall digits; never on a
    drawn page."""
    return not page.drawn and (_pen_over(page.ink, reading.region) or _tall(reading, words))


def _strip_number(facts: Facts) -> None:
    if facts.number is not None and facts.symbol and facts.symbol.startswith(facts.number):
        facts.symbol = facts.symbol[len(facts.number):]
    facts.number = None
    facts.provenance.pop("number", None)


def _drop_number(facts: Facts, item: ReviewItem) -> None:
    """Clear the number and its digits in the symbol (``/TTr-SNV`` stays), say why."""
    facts.review.append(item)
    _strip_number(facts)
    facts.warnings.append(f"number not trusted ({item.reason}): OCR read {item.detail!r}")


def _number_slot(facts: Facts, pages: dict[int, Page],
                 span: Span | None) -> tuple[int, _Reading, bool] | None:
    """The page, the reading of the number slot and whether pen ink lies over it: from
    the symbol's span, or — when the header found no symbol — from a ``Số`` label in the
    header band of the first page."""
    if span is not None and facts.symbol is not None:
        page = pages.get(span.page)
        if page is None:
            return None
        inside = _words_in(page.words, span.start, span.end)
        slash = next((w for w in inside if "/" in w.text or "-" in w.text), None)
        if slash is None:
            return None
        reading = _number_reading(page.words, page.words.index(slash),
                                  page.words.index(inside[0]), facts.number)
        page_no = span.page
    else:
        page = pages.get(1)
        if page is None:
            return None
        reading = _slot_without_symbol(page.words)
        page_no = 1
    if reading is None:
        return None
    reading.number, reading.drawn = True, page.drawn
    return page_no, reading, _pen(page, reading, page.words)


def _slot_without_symbol(words: list[Word]) -> _Reading | None:
    """The number slot of a Số line the header could not read, found in the header band
    by the symbol's suffix: ``/CAT-PA05`` with a label (or a glued ``Số:…``) before it,
    or glued to what OCR read in the blank after a capitalised label (``Số: 3 3Ø/C04-Pó``);
    a label glued to the whole symbol (``Sế:0J/NQ-HĐQL``); or the codes without their
    slash, lost to the handwriting over it (``Số: ©¿2 LĐLSVN-BTV``, ``Số: 3 ØjC04-P6``),
    after a label with something in the blank."""
    for k, w in enumerate(words):
        if w.box[1] > HEADER_BAND:
            continue
        whole = _GLUED_LABEL.match(w.text)
        if whole and (cut := re.search(r"/[A-ZĐ]", whole.group("v"))) and cut.start() > 0:
            value = whole.group("v")[: cut.start()]
            return _Reading([Word(value, w.conf, w.box)], _band(w.box[0], w.box[2], w))
        near = [j for j in range(max(0, k - 3), k) if _same_line(words[j], w)]
        # the label of a Số line, capitalised ("Nghị quyết số 33 NQ-CP" is a citation)
        label = next((j for j in reversed(near) if _is_label(words[j].text)
                      and not words[j].text.startswith("s")), None)
        if _GLUED_SUFFIX.match(w.text) and label is not None:
            return _number_reading(words, k, label + 1, None)
        if _SUFFIX.match(w.text):
            if any(_is_label(words[j].text) or _GLUED_LABEL.match(words[j].text)
                   for j in near):
                return _number_reading(words, k, near[0], None)
            continue
        bare = _BARE_SUFFIX.search(w.text)
        if bare is None or label is None or (bare.start() == 0 and label == k - 1):
            continue
        value = [x for x in words[label + 1 : k]]
        if bare.start() > 0:  # junk glued before the codes: what OCR made of the digits
            value.append(Word(w.text[: bare.start()], w.conf, w.box))
        return _Reading(value, _band(words[label].box[2], w.box[0], w))
    return None


def _tall(reading: _Reading, words: list[Word]) -> bool:
    """Digits written by hand over the blank, seen where the ink shows no colour (a grey
    scan): a word of the value read with little confidence whose box stands
    :data:`TALL_HEIGHTS` times the header's print or more (the median height of its
    confident words). A number glued to its symbol scores low whatever it is (the long
    code); tall as well, it is the handwriting. A word with the label glued in
    (``Số:25/…``) is left out: the label's stacked diacritics make it tall."""
    heights = sorted(w.box[3] - w.box[1] for w in words
                     if w.box[1] <= HEADER_BAND and w.conf >= 80
                     and sum(c.isalpha() for c in w.text) >= 2)
    if not heights or not reading.words or reading.labelled:
        return False
    median = heights[len(heights) // 2]
    return median > 0 and any(
        w.box[3] - w.box[1] >= TALL_HEIGHTS * median and w.conf < LOW_CONFIDENCE
        for w in reading.words)


def _is_label(text: str) -> bool:
    """``Số`` / ``Số:`` and what OCR makes of it next to handwriting (``Sá:``, ``S6:``)."""
    return _fold(text).strip().rstrip(":") == "so" or is_misread_so_label(text.strip())


# "Só:đÓ6", "$ố:4340": the label glued to what OCR read in the blank
_GLUED_LABEL = re.compile(r"^[Ss$§]\w?:(?P<v>.+)$")
# the ký hiệu after the number: "/CAT-PA05", "/QĐ-TTg"; or its codes with the slash lost
# to the handwriting over it ("LĐLSVN-BTV")
_SUFFIX = re.compile(r"^/[A-ZĐ]")
# ... glued to what OCR read in the blank ("3Ø/C04-Pó"; "60-NQ/TW" is a Party number)
_GLUED_SUFFIX = re.compile(r"^[^/\s-]{1,6}/[A-ZĐ]")
_BARE_SUFFIX = re.compile(r"[A-ZĐ][A-ZĐ0-9]{1,9}-[A-ZĐ][A-ZĐ0-9.&-]*$")


def _number_reading(words: list[Word], k: int, first: int,
                    number: str | None) -> _Reading | None:
    """The words between the ``Số`` label and the ``/`` of the symbol (word ``k``), and
    their region; ``first`` is where to start when no label is found."""
    slash = words[k]
    label = next((j for j in range(k - 1, max(-1, k - 6), -1) if _is_label(words[j].text)),
                 None)
    start = label + 1 if label is not None else first
    if label is None and start == k and k > 0 and _same_line(words[k - 1], slash) \
            and _GLUED_LABEL.match(words[k - 1].text):
        start = k - 1  # "Số:96ÿđ /BCA-C04": the label glued to the blank's reading
    value = [w for w in words[start:k] if _same_line(w, slash)]
    if label is None and value and (stuck := _GLUED_LABEL.match(value[0].text)):
        label_box = value[0].box
        value[0] = Word(stuck.group("v"), value[0].conf, value[0].box)
        glued_left = label_box[0] + (label_box[2] - label_box[0]) * 0.3
        right = slash.box[2] if "/" in slash.text and not slash.text.startswith("/") else slash.box[0]
        return _Reading(value, _band(glued_left, right, slash), stuck=True)
    head = slash.text.split("/", 1)[0].split(":")[-1]  # "Số:402/BCA" -> "402"
    glued = "/" in slash.text and bool(head) and not slash.text.startswith("/")
    if glued:
        value.append(Word(head, slash.conf, slash.box))
    if number is not None and not value:
        return None
    left = words[label].box[2] if label is not None else (value[0].box[0] if value else None)
    if left is None:
        return _Reading(value, None, glued)
    right = slash.box[2] if glued else slash.box[0]
    return _Reading(value, _band(left, right, slash), glued,
                    labelled=glued and ":" in slash.text.split("/", 1)[0])


def _in_filename(number: str, filename: str | None) -> bool:
    if not filename:
        return False
    stem = unicodedata.normalize("NFC", PurePath(filename).stem)
    return number.lstrip("0") in {n.lstrip("0") for n in re.findall(r"\d+", stem)}


# -- date -----------------------------------------------------------------------------------

def _check_date(facts: Facts, pages: dict[int, Page]) -> None:
    span = facts.provenance.get("date")
    if span is None:
        _damaged_date_line(facts, pages)
        return
    page = pages.get(span.page)
    if page is None:
        return
    m = _DATE_PARTS.search(span.text)
    if m is None:
        if not facts.date and "day or month unreadable" in facts.warnings:
            # "ngày lUthảng Ú năm 2025": garbage where the day and month stand, even
            # "tháng" lost: what OCR makes of them written by hand (no date is kept)
            facts.review.append(ReviewItem("date", _unread(page), span.page,
                                           detail=span.text))
        return
    words = page.words
    parts: dict[str, _Reading] = {}
    for key, (a, b) in (("day", m.span("d")), ("month", m.span("m"))):
        value = _words_in(words, span.start + a, span.start + b)
        before = _words_in(words, span.start + a - 1, span.start + a)
        after = _words_in(words, span.start + b, span.start + b + 1)
        region = None
        if before and after and _same_line(before[-1], after[0]):
            region = _band(before[-1].box[2], after[0].box[0], after[0])
        parts[key] = _Reading(value, region, drawn=page.drawn)
    pen = {k: _pen(page, r, words) for k, r in parts.items()}
    unsure = {k: bool(r.words) and (not r.clean() or r.min_conf() < LOW_CONFIDENCE)
              for k, r in parts.items()}
    bad = [k for k in ("day", "month") if pen[k] or unsure[k]]
    if not bad:
        return
    if facts.date and len(facts.date) == 10 and not any(unsure.values()) and all(
            r.min_conf() >= SURE_CONFIDENCE for k, r in parts.items() if k in bad) \
            and _signed_on(facts, facts.date):
        return  # sure digits, confirmed by a signing time
    # pen in the blank (ink over it, or hand-tall digits): the paper prints the rest, so
    # the printed year and month are kept, as for a blank day. Digits that are merely
    # unsure (garbled, little confidence) may be printed ones misread: no date at all
    was = facts.date
    facts.date = None
    if all(pen[k] for k in bad):
        month = parts["month"]
        printed_month = ("month" not in bad and month.clean()
                         and 1 <= int(month.words[0].text) <= 12)
        year = m.group("y")
        printed = f"{year}-{int(month.words[0].text):02d}" if printed_month else year
        if not was or was.startswith(printed):  # else the header read another: trust neither
            facts.date = printed
    reason = ("handwritten" if any(_reason(pen[k], parts[k]) == "handwritten" for k in bad)
              else "low_confidence")
    detail = " / ".join(f"{k}: {parts[k].text or '—'}" for k in bad)
    facts.review.append(ReviewItem("date", reason, span.page, detail=detail))
    facts.warnings.append(f"date not trusted ({reason}): OCR read {detail}")


def _damaged_date_line(facts: Facts, pages: dict[int, Page]) -> None:
    """No date was read, yet page 1's top holds a date line OCR could not read: garbage
    where the day or year is expected, what Tesseract makes of handwriting. The officer
    is told where to look."""
    page = pages.get(1)
    if facts.date or page is None:
        return
    line = next((x for x in page.text.splitlines()[:DAMAGED_DATE_LINES] if damaged_date_line(x)), None)
    if line is not None:
        facts.review.append(ReviewItem("date", _unread(page), 1, detail=line.strip()))


def _signed_on(facts: Facts, date: str) -> bool:
    return any(s.time and s.time[:10] == date for s in facts.signatures)


# -- geometry -------------------------------------------------------------------------------

def _words_in(words: list[Word], start: int, end: int) -> list[Word]:
    return [w for w in words if w.start >= 0 and w.start < end and w.end > start]


def _same_line(a: Word, b: Word) -> bool:
    return min(a.box[3], b.box[3]) - max(a.box[1], b.box[1]) > 0


def _band(left: float, right: float, ref: Word) -> list[float] | None:
    """The region from ``left`` to ``right`` on ``ref``'s line, with the reach of a pen."""
    if right <= left:
        return None
    h = ref.box[3] - ref.box[1]
    return [left, ref.box[1] - _REACH * h, right, ref.box[3] + _REACH * h]


def _pen_over(ink: list[InkMark], region: list[float] | None) -> bool:
    if region is None:
        return False
    x0, y0, x1, y1 = region
    for m in ink:
        if m.kind != "pen":
            continue
        ix = min(x1, m.box[2]) - max(x0, m.box[0])
        iy = min(y1, m.box[3]) - max(y0, m.box[1])
        if ix > 0 and iy > 0:
            return True
    return False


def _union(boxes: list[list[float]]) -> list[float] | None:
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFD", s.lower())
    return "".join(c for c in d if not unicodedata.combining(c)).replace("đ", "d")
