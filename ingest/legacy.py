"""Legacy Vietnamese 8-bit encodings (TCVN3/ABC, VNI-Windows) and UTF-8 mojibake -> Unicode.

Text typed in a legacy font is stored by Word, and extracted from PDFs, as the *font's
byte values* shown as Latin-1 characters: TCVN3 ``Céng hoµ`` is ``Cộng hoà``, VNI
``Coäng hoøa`` is ``Cộng hòa`` (``../shared/spec/vn-format.md`` §6.4). The font name is
the reliable signal, so converters decide per run (DOCX) or per char group (PDF):

>>> convert_run("Uû ban nh©n d©n", ".VnTime")
'Uỷ ban nhân dân'
>>> convert_run("ñy ban nh©n d©n", ".VnTimeH")
'ỦY BAN NHÂN DÂN'

Public API (stable; ``ingest.formats.pdf`` calls it for pdfplumber chars):

- :func:`font_encoding` -- ``"tcvn3" | "tcvn3-caps" | "vni" | None`` from a font name
  (PDF subset tags such as ``ABCDEF+`` are stripped).
- :func:`convert_run` -- convert the text of one run drawn in one font. Pass the text of
  *consecutive* characters sharing a font, not one character at a time: VNI stores a
  toned vowel as two characters (base + mark) that must be seen together.
- :func:`decode_tcvn3`, :func:`decode_vni` -- the raw converters.
- :func:`detect_legacy` -- with no font information, ``"tcvn3"``/``"vni"`` only when
  converting clearly raises the number of valid Vietnamese syllables.
- :func:`repair_mojibake` -- UTF-8 read as cp1252 (``Quyáº¿t Ä‘á»‹nh``) back to Unicode.
- :func:`fix_text_encoding` -- mojibake repair, then content-based legacy detection;
  what ``ingest.formats.txt`` and ``ingest.formats.docx`` apply to text without legacy font names.

The tables were written from the code-point facts in the spec and checked against glibc
``iconv -f TCVN5712-1`` (lower-case letters and A1-AE) and fixed phrases in the tests.
Output is NFC; callers still run ``extract.normalize.clean_text`` afterwards -- but only
*after* conversion, because TCVN3 ``ư`` is byte 0xAD, the soft hyphen that ``clean_text``
removes.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "LEGACY_ENCODINGS",
    "convert_run",
    "decode",
    "decode_tcvn3",
    "decode_vni",
    "detect_legacy",
    "fix_text_encoding",
    "font_encoding",
    "is_vietnamese_syllable",
    "legacy_evidence",
    "repair_mojibake",
]

log = logging.getLogger(__name__)

LEGACY_ENCODINGS = ("tcvn3", "vni")

# ---------------------------------------------------------------------------------------
# Surface characters -> the font byte they stand for.
#
# Word stores a legacy-font run as the Latin-1 character of each byte; a PDF extractor may
# have resolved bytes 0x80-0x9F through cp1252, and symbol-style fonts put byte b at
# U+F000+b (Private Use Area). A few PDF encodings turn TCVN3 0xAD (ư, the soft-hyphen
# slot) into U+2212 MINUS SIGN and 0xB7 (ã) into U+2219 BULLET OPERATOR.
_CP1252_HIGH = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0)
                if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def _surface_byte(ch: str) -> int | None:
    o = ord(ch)
    if 0x80 <= o <= 0xFF:
        return o
    if 0xF080 <= o <= 0xF0FF:
        return o - 0xF000
    return _CP1252_HIGH.get(ch)


# ---------------------------------------------------------------------------------------
# TCVN3 (ABC, TCVN 5712:1993 VN3). One byte per letter; no accented capitals.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
}


def _tcvn3_row(letter: str, codes: tuple[int, int, int, int, int]) -> None:
    # codes are the bytes of: grave, hook, tilde, acute, dot below (the VN3 order)
    for code, mark in zip(codes, ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323"), strict=True):
        _TCVN3_BYTES[code] = unicodedata.normalize("NFC", letter + mark)


_tcvn3_row("a", (0xB5, 0xB6, 0xB7, 0xB8, 0xB9))
_tcvn3_row("ă", (0xBB, 0xBC, 0xBD, 0xBE, 0xC6))
_tcvn3_row("â", (0xC7, 0xC8, 0xC9, 0xCA, 0xCB))
_tcvn3_row("e", (0xCC, 0xCE, 0xCF, 0xD0, 0xD1))
_tcvn3_row("ê", (0xD2, 0xD3, 0xD4, 0xD5, 0xD6))
_tcvn3_row("i", (0xD7, 0xD8, 0xDC, 0xDD, 0xDE))
_tcvn3_row("o", (0xDF, 0xE1, 0xE2, 0xE3, 0xE4))
_tcvn3_row("ô", (0xE5, 0xE6, 0xE7, 0xE8, 0xE9))
_tcvn3_row("ơ", (0xEA, 0xEB, 0xEC, 0xED, 0xEE))
_tcvn3_row("u", (0xEF, 0xF1, 0xF2, 0xF3, 0xF4))
_tcvn3_row("ư", (0xF5, 0xF6, 0xF7, 0xF8, 0xF9))
_tcvn3_row("y", (0xFA, 0xFB, 0xFC, 0xFD, 0xFE))

_TCVN3_EXTRA = {"\u2212": "ư", "\u2219": "ã"}

# ---------------------------------------------------------------------------------------
# VNI-Windows: a base letter followed by an accent byte; a few letters are single bytes.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

# accent byte (lower-case form; the upper-case form means the same) -> (kind, marks)
_VNI_MARKS: dict[str, tuple[str, str]] = {
    "ø": ("tone", _GRAVE), "ù": ("tone", _ACUTE), "û": ("tone", _HOOK),
    "õ": ("tone", _TILDE), "ï": ("tone", _DOT),
    "â": ("circ", _CIRC), "á": ("circ", _CIRC + _ACUTE), "à": ("circ", _CIRC + _GRAVE),
    "å": ("circ", _CIRC + _HOOK), "ã": ("circ", _CIRC + _TILDE), "ä": ("circ", _CIRC + _DOT),
    "ê": ("breve", _BREVE), "é": ("breve", _BREVE + _ACUTE), "è": ("breve", _BREVE + _GRAVE),
    "ú": ("breve", _BREVE + _HOOK), "ü": ("breve", _BREVE + _TILDE),
    "ë": ("breve", _BREVE + _DOT),
}
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})

# single-byte letters
_VNI_SINGLE = {
    "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì",
}
# which accent kinds a base letter takes
_VNI_BASES = {
    "a": {"tone", "circ", "breve"}, "e": {"tone", "circ"}, "o": {"tone", "circ"},
    "u": {"tone"}, "y": {"tone"}, "ơ": {"tone"}, "ư": {"tone"},
    "i": {"tone"},  # ì/í have single bytes, but "i" + accent byte also occurs
}


# ---------------------------------------------------------------------------------------
# Font names
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(
    r"(?i)[,\- ]+(?:bold|italic|oblique|regular|bolditalic|boldoblique|bi|b|i|mt|ps)$")
_VNI_FONT = re.compile(r"(?i)^vni(?:[-_ ]|$)")
_TCVN3_FONT = re.compile(r"(?i)^\.vn|^vn(?!i[-_ ])[a-z]")


@lru_cache(maxsize=4096)
def font_encoding(font_name: str | None) -> str | None:
    """Legacy encoding implied by a font name.

    Args:
        font_name: a DOCX ``w:rFonts`` value or a PDF font name (``ABCDEF+.VnTimeH,Bold``).

    Returns:
        ``"tcvn3"`` for ``.Vn*`` fonts (``.VnTime``, ``.VnArial``; PDF names may drop the
        dot: ``VnTime``), ``"tcvn3-caps"`` for their capital variants ending in ``H``
        (``.VnTimeH``, ``.VnArial NarrowH``), ``"vni"`` for ``VNI-*`` fonts, else ``None``.
    """
    if not font_name:
        return None
    name = _SUBSET_TAG.sub("", font_name.strip()).strip()
    if _VNI_FONT.match(name):
        return "vni"
    if not _TCVN3_FONT.match(name):
        return None
    family = name
    while True:
        shorter = _STYLE_SUFFIX.sub("", family)
        if shorter == family:
            break
        family = shorter
    if len(family) > 4 and family.endswith("H"):
        return "tcvn3-caps"
    return "tcvn3"


def decode_tcvn3(text: str, caps: bool = False) -> str:
    """Convert TCVN3 (ABC) surface text to NFC Unicode.

    Args:
        text: the run's characters as stored (Latin-1 view of the font bytes).
        caps: the run is set in a capital (``H``) font: upper-case after conversion.

    Returns:
        The Unicode text; characters that are not TCVN3 letters are kept.
    """
    out = []
    for ch in text:
        b = _surface_byte(ch)
        if b is not None and b in _TCVN3_BYTES:
            out.append(_TCVN3_BYTES[b])
        else:
            out.append(_TCVN3_EXTRA.get(ch, ch))
    result = unicodedata.normalize("NFC", "".join(out))
    return result.upper() if caps else result


def decode_vni(text: str) -> str:
    """Convert VNI-Windows surface text (``Coäng hoøa``) to NFC Unicode (``Cộng hòa``).

    A base vowel followed by an accent character is composed; the base letter's case
    decides the result's case. Accent characters that follow no valid base are kept.
    """
    chars = []
    for ch in text:
        b = _surface_byte(ch)
        chars.append(chr(b) if b is not None and b >= 0xC0 else ch)
    out: list[str] = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        base = _VNI_SINGLE.get(ch, ch)
        kinds = _VNI_BASES.get(base.lower())
        if kinds and i + 1 < n:
            mark = _VNI_MARKS.get(chars[i + 1])
            if mark and mark[0] in kinds:
                out.append(unicodedata.normalize("NFC", base + mark[1]))
                i += 2
                continue
        out.append(base)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode(text: str, encoding: str) -> str:
    """Convert ``text`` from ``encoding`` (``tcvn3``, ``tcvn3-caps`` or ``vni``)."""
    if encoding == "vni":
        return decode_vni(text)
    if encoding in ("tcvn3", "tcvn3-caps"):
        return decode_tcvn3(text, caps=encoding == "tcvn3-caps")
    raise ValueError(f"unknown legacy encoding: {encoding}")


def convert_run(text: str, font_name: str | None, *, check: bool = True) -> str:
    """Convert the text of one run drawn in ``font_name``; unchanged for Unicode fonts.

    Pass whole runs (consecutive characters in one font), never single characters: VNI
    needs the base letter and its accent character together.

    Args:
        text: the run's characters as extracted.
        font_name: the run's font (DOCX ``w:rFonts``, pdfplumber ``fontname``).
        check: leave the text alone when it is plainly Unicode already
            (:func:`legacy_evidence` < 0): Word documents built on old ``.VnTime``
            templates often carry Unicode text in runs still named ``.VnTime``.
    """
    enc = font_encoding(font_name)
    if enc is None:
        return text
    if check and legacy_evidence(text, enc) < 0:
        return text
    return decode(text, enc)


def legacy_evidence(text: str, encoding: str) -> int:
    """Does ``text`` look like ``encoding`` surface text (+1), Unicode (-1), or can't tell (0)?

    -1 when the text holds letters only Unicode Vietnamese has (ơ, ư, đ, ệ, combining
    marks...) or when converting loses valid syllables; +1 when converting gains valid
    syllables; 0 otherwise (ASCII only, or as many valid words either way: ``các`` is a
    word, and so is its TCVN3 reading ``cỏc``).
    """
    if _UNICODE_ONLY.search(text):
        return -1
    if not _LEGACY_SURFACE.search(text) and not any(c in _TCVN3_EXTRA for c in text):
        return 0
    before = _valid_count(_tokens(text))
    after = _valid_count(_tokens(decode(text, encoding)))
    return (after > before) - (after < before)


# ---------------------------------------------------------------------------------------
# Vietnamese syllables, for content-based detection (§6.4 step 2).
_TONE_MARKS = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_SYLLABLE = re.compile(
    r"(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?P<nucleus>uyê|uya|ươ|uô|ưa|iê|yê|ia|ua|oa|oă|oe|uâ|uê|uy|uơ|[aăâeêioôơuưy])"
    r"(?P<coda>ch|ng|nh|[cmnpt]|[iyou])?"
)
_EDGE_PUNCT = "\"'()[]{}<>.,;:!?*/\\|-_=+#%&@^~`0123456789\u201c\u201d\u2018\u2019\u2026\u2013\u2014"


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is spelled like one Vietnamese syllable (case-insensitive).

    Checks onset + nucleus + coda shape, at most one tone mark, placed on the nucleus.
    Used for scoring only: it accepts some non-words but rejects legacy-font surface text
    such as ``nh©n``, ``hoµ``, ``Coäng``.
    """
    nfd = unicodedata.normalize("NFD", word.lower())
    tone_at = -1
    base_chars: list[str] = []
    for ch in nfd:
        if ch in _TONE_MARKS:
            if tone_at >= 0:
                return False
            tone_at = len(unicodedata.normalize("NFC", "".join(base_chars))) - 1
            if tone_at < 0:
                return False
        else:
            base_chars.append(ch)
    base = unicodedata.normalize("NFC", "".join(base_chars))
    m = _SYLLABLE.fullmatch(base)
    if m is None:
        return False
    if tone_at >= 0 and not (m.start("nucleus") <= tone_at < m.end("nucleus")):
        # "gì"/"quỳ": the tone sits on the i/u that the regex read as part of the onset
        if not (m.group("onset") in ("gi", "qu") and tone_at == 1):
            return False
    return True


def _tokens(text: str) -> list[str]:
    return [t for t in (w.strip(_EDGE_PUNCT) for w in text.split()) if t]


def _valid_count(tokens: list[str]) -> int:
    return sum(1 for t in tokens if is_vietnamese_syllable(t))


# letters that only Unicode Vietnamese has (legacy surface text never contains them)
_UNICODE_VIET = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
_LEGACY_SURFACE = re.compile("[\u00a1-\u00ff]")
_DETECT_SAMPLE = 200_000
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")


def detect_legacy(text: str) -> str | None:
    """Guess a legacy encoding from content alone (no font information).

    Both converters are tried on the words they would change; one is chosen only on a
    clear gain: at least 3 such words, converted words >= 70 % valid syllables, and at
    least max(2, 30 %) more valid syllables than before. Text that already holds
    Vietnamese-only Unicode letters (ơ, ư, ệ, ...) in quantity is left alone.

    Returns:
        ``"tcvn3"``, ``"vni"`` or ``None``.
    """
    text = text[:_DETECT_SAMPLE]  # a large file decides on its first 200,000 characters
    surface = len(_LEGACY_SURFACE.findall(text))
    if surface < 3 or len(_UNICODE_VIET.findall(text)) > surface:
        return None
    tokens = [t for t in _tokens(text) if _LEGACY_SURFACE.search(t)]
    if len(tokens) < 3:
        return None
    best: tuple[int, str] | None = None
    for enc in LEGACY_ENCODINGS:
        changed = [(t, decode(t, enc)) for t in tokens]
        changed = [(a, b) for a, b in changed if a != b]
        if len(changed) < 3:
            continue
        before = _valid_count([a for a, _ in changed])
        after = _valid_count([b for _, b in changed])
        gain = after - before
        if after >= 0.7 * len(changed) and gain >= max(2, 0.3 * len(changed)):
            if best is None or gain > best[0]:
                best = (gain, enc)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# UTF-8 decoded as cp1252 (§6.5)
_CP1252_TO_BYTE = {**{chr(b): b for b in range(0x80, 0x100)},
                   **{ch: b for ch, b in _CP1252_HIGH.items()}}
_MOJIBAKE_RUN = re.compile("[" + re.escape("".join(_CP1252_TO_BYTE)) + "]+")
_MOJIBAKE_MARK = re.compile("Ã[\u0080-\u00bf]|á[º»¼½¾¿]|Ä[\u0080-\u00bf\u2018\u2019]|Æ[°¯¡ ]|Ì[\u0080-\u00bf\u0192\u2030]")


def repair_mojibake(text: str, *, force: bool = False) -> tuple[str, bool]:
    """Undo UTF-8 text that was decoded as cp1252 (``Quyáº¿t Ä‘á»‹nh`` -> ``Quyết định``).

    Each maximal run of cp1252 characters is mapped back to bytes and decoded as UTF-8.
    The repair is applied only when the text shows the pattern (at least 2 markers such
    as ``áº``/``á»``/``Ã¡``/``Ä‘``, and no more genuine Vietnamese letters than markers)
    and at least 80 % of the runs holding a marker decode. Lines holding genuine
    Vietnamese letters (ơ, ư, đ, ệ...) are never touched: mojibake has none, and Unicode
    capitals such as ``XÃ HỘI`` must stay.

    Args:
        text: the text to repair.
        force: skip the pattern-rate gates (the caller decided on a larger text).

    Returns:
        ``(text, repaired)``.
    """
    if not force:
        markers = len(_MOJIBAKE_MARK.findall(text))
        if markers < 2 or markers < len(_UNICODE_ONLY.findall(text)):
            return text, False
    marked = ok = 0
    lines = []
    for line in text.split("\n"):
        if _UNICODE_ONLY.search(line):
            lines.append(line)
            continue
        fixed, line_marked, line_ok = _repair_line(line)
        marked += line_marked
        ok += line_ok
        lines.append(fixed)
    if not force and (marked == 0 or ok < 0.8 * marked):
        return text, False
    result = unicodedata.normalize("NFC", "\n".join(lines))
    return result, result != text


def _repair_line(line: str) -> tuple[str, int, int]:
    """(repaired line, runs holding a marker, of which decoded)."""
    # an NBSP that became a plain space splits "Ã\xa0" (à): put it back before decoding
    line = line.replace("Ã ", "Ã\xa0")
    marked = ok = 0
    pieces: list[str] = []
    last = 0
    for m in _MOJIBAKE_RUN.finditer(line):
        run = m.group(0)
        has_marker = bool(_MOJIBAKE_MARK.search(run))
        marked += has_marker
        try:
            fixed = bytes(_CP1252_TO_BYTE[c] for c in run).decode("utf-8")
        except UnicodeDecodeError:
            continue
        ok += has_marker
        pieces.append(line[last:m.start()])
        pieces.append(fixed)
        last = m.end()
    pieces.append(line[last:])
    return "".join(pieces), marked, ok


def fix_text_encoding(text: str) -> tuple[str, str | None]:
    """Repair text whose encoding went wrong upstream, when the evidence is clear.

    Mojibake first (its repair produces Unicode that the legacy detector then leaves
    alone), then TCVN3/VNI detection by syllable gain on the whole text, applied line by
    line to the lines that do not look like Unicode (:func:`legacy_evidence` >= 0).

    Returns:
        ``(text, what)`` where ``what`` is ``"mojibake"``, ``"tcvn3"``, ``"vni"`` or
        ``None`` when nothing was changed.
    """
    fixed, repaired = repair_mojibake(text)
    if repaired:
        return fixed, "mojibake"
    enc = detect_legacy(text)
    if enc is None:
        return text, None
    # line by line: Unicode lines in a mostly-legacy text (a header pasted from a new
    # template) keep their letters ("phúc" would become "phỳc")
    lines = text.split("\n")
    return "\n".join(decode(ln, enc) if legacy_evidence(ln, enc) >= 0 else ln
                      for ln in lines), enc
