"""Is a PDF text layer real Vietnamese text, or garbage that must be OCR'd instead?

Three kinds of bad layer occur in the real files (``../shared/data/realfiles``):

- a broken ToUnicode map: ``Số`` extracts as ``6ӕ``, ``CỘNG`` as ``&Ӝ1*`` — letters from
  unrelated Unicode blocks (Cyrillic, Armenian, Latin Extended-B), digits and symbols inside
  words, cp1252 punctuation (``‡``, ``·``, ``¿``) where vowels should be;
- an invisible layer left by an OCR run without Vietnamese (``DQc l6p - Tg do - H4nh
  phtc``): ASCII only, digits inside words, few valid syllables;
- legacy 8-bit fonts (TCVN3/VNI, §6.4 of the spec): those are *converted* by
  :mod:`evidence.ingest.legacy` when the font name says so; unconverted they also score low.

:func:`text_quality` scores a text from 0 (garbage) to 1 (clean Vietnamese) from three
signals: the rate of valid Vietnamese syllables among word tokens, the rate of characters
no Vietnamese text contains, and the share of syllables carrying Vietnamese diacritics.
:func:`is_born_digital_text` is the one decision ``--ocr auto`` uses (style guide, "Batch,
OCR and progress").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from evidence.extract.normalize import clean_text, fold
from evidence.extract.syllables import SYLLABLE, VN_LETTERS, is_syllable, splits, strip_tones

__all__ = [
    "MIN_LETTERS",
    "QUALITY_THRESHOLD",
    "TextScore",
    "drops_letters",
    "is_born_digital_text",
    "lost_spaces",
    "score_text",
    "text_quality",
    "without_signature_stamp",
]

#: below this many letters a page has "too little text" and is OCR'd under ``--ocr auto``
MIN_LETTERS = 40
#: share of words holding a Latin-1 / Latin Extended-A letter no Vietnamese word has
#: (``BØCÔNG``, ``SÑg8``: a font with its own encoding declared WinAnsi) from which a layer
#: is mojibake; clean layers and texts here stay under 2.5% (Spanish names: ``ñ``)
MOJIBAKE_WORDS = 0.04
#: quality under which a text layer is treated as garbage (calibrated on the real files:
#: clean layers score >= 0.9, damaged ones <= 0.2; see docs/ingest-formats-pdf.md)
QUALITY_THRESHOLD = 0.55

_STRIP = "()[]{}<>\"'“”‘’«».,;:!?…*•·-–—_/\\|"
_ACRONYM = re.compile(r"[A-ZĐ]{1,8}")
_CODE = re.compile(r"[A-Z0-9Đ]+")  # CT05, 1A, 2B: codes, not words
_NUMBER = re.compile(r"[0-9.,/%:+\-–]+")
_SYMBOL_OK = set("%+=<>&§#@$°№")
_NONSPACE = re.compile(r"\s+")  # removed to count non-space characters
_NONLETTER = re.compile(r"[\W\d_]+")
_VN_UPPER = "".join(sorted({c.upper() for c in VN_LETTERS if len(c.upper()) == 1}))
_COMMON = re.compile("[\\s0-9" + re.escape("".join(sorted(VN_LETTERS)) + _VN_UPPER)
                     + re.escape(".,;:!?()[]/-–—\"'“”‘’%…*+=<>&§#@$°") + "]+")
# pdfminer writes a glyph without a Unicode mapping as "(cid:123)"
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class TextScore:
    """The signals behind :func:`text_quality` (kept for logs and the benchmark doc)."""

    letters: int
    words: int  # word tokens judged (valid + invalid)
    valid_rate: float  # valid Vietnamese syllables / words
    foreign_rate: float  # characters no Vietnamese text has / non-space characters
    diacritic_rate: float  # valid syllables with Vietnamese diacritics / valid syllables
    quality: float
    # words holding a Latin letter no Vietnamese word has (mojibake: "BØCÔNG", "SÑg8")
    foreign_word_rate: float = 0.0


@lru_cache(maxsize=65536)
def _judge(token: str) -> int:
    """1 valid syllable, 0 invalid word, -1 not judged (number, acronym, code)."""
    letters = sum(c.isalpha() for c in token)
    if letters == 0:
        return -1
    if letters != len(token):
        if _CODE.fullmatch(token.upper()) and (token.isupper() or token[:-1].isdigit()):
            return -1  # "CT05", "1A"
        if any(c in "/-" for c in token):
            parts = [p for p in re.split(r"[/-]", token) if p]
            judged = [_judge(p) for p in parts]
            return 0 if 0 in judged else (1 if 1 in judged else -1)
        return 0  # letters mixed with digits/symbols: "6ӕ", "c6ng", "&Ӝ1*"
    low = token.lower()
    if not all(c in VN_LETTERS for c in low):
        return 0
    if _ACRONYM.fullmatch(token) and not SYLLABLE.fullmatch(strip_tones(low)):
        return -1  # UBND, CCHC, QĐ
    if len(low) > 7:
        return 0
    if token[0].islower() and any(c.isupper() for c in token[1:]):
        return 0  # "tZ", "DQc" starts upper: caught below
    if token[0].isupper() and len(token) > 2 and any(c.isupper() for c in token[1:]) \
            and any(c.islower() for c in token[1:]):
        return 0  # "DQc", "QăP", "NShi"
    return 1 if is_syllable(low) else 0


def _is_foreign(ch: str) -> bool:
    if ch.isspace() or ch.isdigit():
        return False
    if ch.isalpha():
        return ch.lower() not in VN_LETTERS
    cat = unicodedata.category(ch)
    if cat.startswith("P"):
        # cp1252 punctuation standing in for letters in broken layers
        return ch in "‡†·¿¡˙‰‹›"
    if cat.startswith("S"):
        return ch not in _SYMBOL_OK
    return cat in ("Co", "Cn", "Cs") or ch in "\ufffd\ufffe"


def score_text(text: str) -> TextScore:
    """Compute the signals and the quality of one page's text.

    Args:
        text: page text (NFC; any producer).

    Returns:
        A :class:`TextScore`; ``quality`` is in [0, 1].
    """
    # clean_text maps the ``ƣ`` of a common broken PDF font encoding to ``ư``: such a layer
    # is otherwise clean, so it is repaired, not scored as garbage
    text = _CID.sub("\ufffd", clean_text(text))
    nonspace = len(_NONSPACE.sub("", text))
    letters = len(_NONLETTER.sub("", text))
    # only characters outside the common set need a closer look (speed: C regex first)
    foreign = sum(_is_foreign(c) for c in _COMMON.sub("", text))
    valid = invalid = marked = alien = 0
    for raw in text.split():
        token = raw.strip(_STRIP)
        if not token or _NUMBER.fullmatch(token):
            continue
        if not token.isascii() and any("\u00c0" <= c <= "\u017f" and c.lower() not in VN_LETTERS
                                       for c in token):
            alien += 1
        verdict = _judge(token)
        if verdict == 1:
            valid += 1
            if not token.isascii():
                marked += 1
        elif verdict == 0:
            invalid += 1
    words = valid + invalid
    valid_rate = valid / words if words else 0.0
    foreign_rate = foreign / nonspace if nonspace else 0.0
    diacritic_rate = marked / valid if valid else 0.0
    # Vietnamese prose carries diacritics on about 60-75% of its syllables; a text with
    # almost none is an OCR layer made without Vietnamese (or text without accents).
    accent_factor = min(1.0, diacritic_rate / 0.3)
    # Lists of chemical or foreign names lower the syllable rate of clean pages, while
    # their headings keep the diacritics: weigh both signals equally.
    quality = max(0.0, 1.0 - 5.0 * foreign_rate) * (0.5 * valid_rate + 0.5 * accent_factor)
    return TextScore(letters, words, valid_rate, foreign_rate, diacritic_rate, round(quality, 4),
                     alien / words if words else 0.0)


def text_quality(text: str) -> float:
    """Score a page's text from 0 (garbage, or nothing) to 1 (clean Vietnamese).

    Args:
        text: page text (NFC).

    Returns:
        The quality in [0, 1]; see :class:`TextScore` for the signals.
    """
    return score_text(text).quality


def is_born_digital_text(text: str, *, min_letters: int = MIN_LETTERS,
                         threshold: float = QUALITY_THRESHOLD) -> bool:
    """Decide whether a page's text layer can be used as is (``--ocr auto``).

    Args:
        text: the page's extracted text (NFC).
        min_letters: fewer letters than this is "too little text" (a scan with a page
            number, a stamp) and the page is OCR'd.
        threshold: minimum :func:`text_quality`.

    Returns:
        True when the text is long enough and reads as Vietnamese; False for empty pages,
        broken ToUnicode layers (``6ӕ``), OCR layers made without Vietnamese,
        WinAnsi mojibake (``BØCÔNG AN``) and unconverted legacy-font text.
    """
    s = score_text(text)
    return (s.letters >= min_letters and s.quality >= threshold
            and s.foreign_word_rate < MOJIBAKE_WORDS)


# the lines of a visible e-signature stamp ("Ký bởi: Sở Nội vụ", "Email: …", "Cơ quan: …",
# "Ngày ký: 13-11-2025 14:01:26 +07:00", "Digitally signed by …"), matched folded
_STAMP_LINE = re.compile(
    r"^\W*(?:ky boi|nguoi ky|gio ky|ngay ky|thoi gian ky|email|e-mail|co quan|chuc vu|"
    r"to chuc|digitally signed|signed by|signature|date\s*:|reason\s*:|location\s*:)")


def without_signature_stamp(text: str) -> str:
    """The text without the lines of an e-signature stamp.

    A signed scan's text layer often holds only the stamp the signing tool wrote
    (``Ký bởi: … Ngày ký: …``): that text says nothing of the document, so the page must
    still be judged (and OCR'd) as the scan it is.

    Args:
        text: page text (NFC).

    Returns:
        ``text`` minus the stamp lines.
    """
    if "k" not in text.lower() and "sign" not in text.lower():
        return text
    return "\n".join(line for line in text.splitlines()
                     if not _STAMP_LINE.match(fold(line)))


# Known text that a page 1 nearly always carries: a font map without entries for some glyphs
# (pdfium then drops them: "Sở ội vụ", "/2024/Đ-CP") shows as these lines with letters
# missing — and the same font is missing them on every page.
_PROBES = ("conghoaxahoichunghiavietnam", "doclaptudohanhphuc")
_PROBE_LINES = 24
_MAX_DROPPED = 5
_DECREE_CUT = re.compile(r"/\s?Đ-CP\b")
# a glyph without a Unicode mapping given as its raw code: a control character in a word
_RAW_CODE = re.compile(r"\w[\x00-\x08\x0b\x0e-\x1f]|[\x00-\x08\x0b\x0e-\x1f]\w")


def drops_letters(text: str) -> bool:
    """Does this text layer lose letters (glyphs its font cannot map to Unicode)?

    Probes: control characters inside words (the raw codes of unmapped glyphs); the
    national motto in the top lines reading with 1-5 letters missing and
    nothing else wrong (``CỘG HÒA XÃ HỘI CHỦ GHĨA VIỆT AM``), or decree symbols that lost
    their ``N`` (``/2024/Đ-CP``) with no ``NĐ-CP`` anywhere. The other signals of
    :func:`score_text` cannot see this: what is left reads as clean Vietnamese.

    Args:
        text: page text (NFC).

    Returns:
        True when the layer is missing letters and must be read by OCR.
    """
    if _DECREE_CUT.search(text) and "NĐ-CP" not in text:
        return True
    if len(_RAW_CODE.findall(text)) >= 3:
        return True
    for line in text.splitlines()[:_PROBE_LINES]:
        raw = [c for c in line if c.isalpha()]
        letters = "".join(c for c in fold(line) if c.isalpha())
        if len(letters) < 12:
            continue
        # the motto in capitals (not the country's name in prose); its second line alone
        capitals = sum(c.isupper() for c in raw) >= 0.7 * len(raw)
        for probe, wanted in zip(_PROBES, (capitals, len(letters) <= len(_PROBES[1]) + 2),
                                 strict=True):
            if wanted and probe not in letters and _dropped_from(probe, letters):
                return True
    return False


def _dropped_from(probe: str, letters: str) -> bool:
    """Some window of ``letters`` is ``probe`` with 1-5 of its letters left out."""
    for i in range(len(letters)):
        if letters[i] not in probe[:_MAX_DROPPED + 1]:
            continue
        j = probe.index(letters[i])
        k, skipped = i, j
        while j < len(probe) and k < len(letters) and skipped <= _MAX_DROPPED:
            if letters[k] == probe[j]:
                k += 1
            else:
                skipped += 1
            j += 1
        skipped += len(probe) - j
        if 1 <= skipped <= _MAX_DROPPED and k - i >= len(probe) - _MAX_DROPPED:
            return True
    return False


# a word the text layer glued: letters (and the commas between its words) with no space,
# long enough to hold two syllables ("SỞVĂNHÓA,THỂTHAOVÀDULỊCH")
_LETTER = r"[^\W\d_][\u0300-\u036f]*"  # a letter with its combining marks (an NFD layer)
_GLUED = re.compile(rf"(?:{_LETTER}){{4,}}(?:[,;](?:{_LETTER})+)*")
SURE_GAP = 0.05  # em: how much wider a reading's gaps must be than the next reading's


def lost_spaces(text: str, gap: Callable[[int], float | None]) -> list[int]:
    """Where a text layer lost the spaces between words (a PDF that positions each glyph
    and prints no space character, which pdfium then does not guess): the offsets where
    a space goes, in order.

    A run of letters that is no syllable but reads as Vietnamese syllables written
    together (:func:`evidence.extract.syllables.splits`) is cut into them, and a comma in
    it gets its space. Where it reads several ways (``CÁCHÀNH``: các hành, cách ành) the
    glyphs decide: ``gap(i)`` is the white before character ``i`` in ems (None unknown),
    and the reading whose cuts fall in the widest white wins by :data:`SURE_GAP`;
    otherwise the run stays as it is. English words and codes (``Department``,
    ``SVHTTDL``) spell no syllables and are left alone."""
    out: list[int] = []
    for m in _GLUED.finditer(text):
        if is_syllable(m.group(0)):
            continue  # a word as it should be: most runs of a page, one test each
        cuts: list[int] = []
        split = False  # a run only missing the space after its comma is left alone
        pos = m.start()
        for chunk in re.split(r"([,;])", m.group(0)):
            if chunk in (",", ";"):
                pos += 1
                cuts.append(pos)
                continue
            # one composed letter per printed letter, and where each starts in the layer
            letters = [(g.start(), unicodedata.normalize("NFC", g.group(0)))
                       for g in re.finditer(_LETTER, chunk)]
            word = "".join(c for _, c in letters)
            if len(word) != len(letters):
                split = False  # marks that compose into no single letter: leave the run
                break
            at = [pos + k for k, _ in letters]
            readings = [] if is_syllable(word) else splits(word)
            chosen = _widest(readings, at, gap) if readings else ()
            if chosen is None or (not readings and not is_syllable(word)):
                split = False  # a code, a foreign word, or no sure reading in the run
                break
            cuts += [at[k] for k in chosen]
            split = split or bool(chosen)
            pos += len(chunk)
        if split:
            out += cuts
    return out


def _widest(readings: list[tuple[int, ...]], at: list[int],
            gap: Callable[[int], float | None]) -> tuple[int, ...] | None:
    if len(readings) == 1:
        return readings[0]
    scored = sorted(((sum(gap(at[k]) or 0.0 for k in r), r) for r in readings), reverse=True)
    return scored[0][1] if scored[0][0] - scored[1][0] >= SURE_GAP else None
