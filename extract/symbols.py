"""Number/symbol grammar (``../shared/spec/vn-format.md`` §3).

``parse_symbol("Số: 137 /KH–UBND")`` gives ``SymbolParts(number="137", doc_type="KH",
issuers=["UBND"], symbol="137/KH-UBND", …)``. Forms handled:

- state without year ``111/KH-UBND``; công văn ``2115/UBND-NV`` (type ``CV`` implicit,
  first segment is the issuer);
- state with year ``30/2020/NĐ-CP``, joint ``02/2015/TTLT-BTC-BNV``, laws ``80/2015/QH13``;
- Party ``12-NQ/TU`` (dash then slash: type, then issuer);
- old forms ``518-TTg``, ``666/TTg``;
- blank numbers ``Số: /UBND-NV``, ``Số: …/QĐ-UBND`` (``number`` is ``None``).

:func:`normalize_symbol` is the comparison key used everywhere symbols are matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .doctypes import PARTY_CODES, STATE_CODES, canonical_code, canonical_issuer_code
from .normalize import fold, normalize_span, one_letter_off, unify_marks

__all__ = [
    "SYMBOL_PATTERN",
    "SymbolParts",
    "find_symbols",
    "normalize_symbol",
    "parse_symbol",
    "parts_from_match",
    "repair_ocr_citation",
    "repair_ocr_symbol",
    "symbol_key",
]

# A code segment: an upper-case letter, then upper-case letters/digits, with at most one
# lower-case ASCII letter (QyĐ, QĐi, TTg, Ctr is allowed as a whole word). Non-ASCII
# lower-case letters never occur in codes, so "Kế hoạch" after a dash is not a segment.
_UP = "A-ZĐÂĂÊÔƠƯ"
_SEG = rf"(?:Ctr|Cty|[{_UP}][{_UP}0-9]*(?:&[{_UP}][{_UP}0-9]*)*[a-zđ]?[{_UP}0-9]*)(?![\wđĐ&])"
# later segments may be numbers ("3/VC/2026/HT", "93/CT-05")
_SEG_N = rf"(?:{_SEG}|\d{{1,4}}(?![\wđĐ]))"
_HSP = r"[ \t]*"
# a separator may be followed by a line break (symbol cut at a line end)
_SEP = rf"{_HSP}(?P<{{name}}>[/-]){_HSP}(?:\n{_HSP})?"
_NUM = r"(?P<num>\d{1,5}(?:\.\d{1,3})?)"
_YEAR = rf"(?:{_HSP}/{_HSP}(?P<year>(?:19|20)\d\d){_HSP}(?=/))"
_CHAIN = rf"(?P<chain>{_SEG}(?:{_HSP}(?:[/-]|//){_HSP}(?:{_SEG_N}|\n{_HSP}{_SEG}))*)"

SYMBOL_PATTERN = re.compile(
    rf"(?:(?<![\w./,-])|(?<=số)|(?<=Số)|(?<=SỐ))(?<![A-Z0-9]:){_NUM}{_YEAR}?{_HSP}(?P<sep>/{{1,2}}|-){_HSP}(?:\n{_HSP})?{_CHAIN}",
)
# blank number after a Số prefix: "Số: /UBND-NV", "Số:  …/QĐ-UBND", "Số: ....../GM-UBND"
_BLANK_AFTER_PREFIX = re.compile(
    rf"^[.…_ \t]*{_YEAR.replace('(?=/)', '')}?{_HSP}/{_HSP}{_CHAIN}",
)
_PREFIX = re.compile(r"(?:số|SỐ|Số)\s*(?:hiệu|HIỆU)?\s*[:.]?[ \t]*", re.IGNORECASE)

_STATE_UP = {c.upper() for c in STATE_CODES if c != "Luật"}
_PARTY_UP = {c.upper() for c in PARTY_CODES}


@dataclass
class SymbolParts:
    """A parsed number+symbol.

    Attributes:
        symbol: as printed with spaces removed and dashes/eth normalised
            (``"/UBND-NV"`` when the number is blank).
        number: the number as printed (``"05"``, ``"66.18"``), ``None`` when blank.
        year: the year segment of legal normative documents (``30/2020/NĐ-CP``).
        doc_type: canonical type code (``CV`` for công văn), ``None`` for laws and old forms.
        issuers: issuer codes (several for joint documents).
        units: drafting-unit codes after the issuer (``NV`` in ``UBND-NV``).
        party: Party form ``12-NQ/TU``.
        old: old form ``518-TTg`` / ``666/TTg``.
        start, end: offsets of the number+symbol in the text given to the parser.
    """

    symbol: str
    number: str | None
    year: int | None = None
    doc_type: str | None = None
    issuers: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    party: bool = False
    old: bool = False
    start: int = 0
    end: int = 0

    @property
    def blank(self) -> bool:
        """True when the number is not filled in (unnumbered draft)."""
        return self.number is None


def _segments(chain: str) -> tuple[list[str], list[str]]:
    """Split a code chain into segments and the separators between them."""
    parts = re.split(r"\s*(//|/|-)\s*", chain.strip())
    return [_digit_tail(p.strip()) for p in parts[0::2] if p.strip()], parts[1::2]


_LOOKALIKE_TAIL = re.compile(r"(?P<code>[A-ZĐ]+)(?P<tail>\d[\dOSIl]*[OSIl][\dOSIl]*)")


def _digit_tail(seg: str) -> str:
    """A unit code's digits with OCR look-alikes among them (``PA0S`` -> ``PA05``,
    ``QH1S`` -> ``QH15``): after the first digit of a code only digits follow."""
    m = _LOOKALIKE_TAIL.fullmatch(seg)
    if m is None:
        return seg
    return m.group("code") + m.group("tail").translate(str.maketrans("OSIl", "0511"))


# ASCII-folded type codes met in file names, URLs and OCR ("ND-CP", "QD-UBND")
_ASCII_TYPES = {"ND": "NĐ", "QD": "QĐ"}


def _interpret(number: str | None, year: str | None, sep: str, chain: str) -> SymbolParts:
    segs, seps = _segments(chain)
    printed_chain = "".join(s + (seps[i] if i < len(seps) else "") for i, s in enumerate(segs))
    yr = int(year) if year else None
    head = (number or "") + (f"/{year}" if year else "") + sep
    symbol = normalize_span(head + printed_chain).replace(" ", "")
    parts = SymbolParts(symbol=symbol, number=number, year=yr)
    if not segs:
        return parts
    first = segs[0].upper()
    if first in _ASCII_TYPES and len(segs) > 1:
        first = _ASCII_TYPES[first]
        segs = [first, *segs[1:]]
    if sep == "-" and seps and seps[0] == "/":
        # Party: n-TYPE/ISSUER
        parts.party = True
        parts.doc_type = canonical_code(segs[0]) if (first in _PARTY_UP or first == "QĐI") else None
        parts.issuers = [canonical_issuer_code(segs[1])] if len(segs) > 1 else []
        parts.units = [canonical_issuer_code(s) for s in segs[2:]]
        if parts.doc_type is None:
            parts.doc_type = canonical_code(segs[0])
        return parts
    if len(segs) == 1 and yr is not None and first in _STATE_UP:
        # "145/2020/NĐ" cut before its issuer: the type is known, the issuer is not
        parts.doc_type = canonical_code(segs[0])
        return parts
    if len(segs) == 1:
        # "518-TTg", "666/TTg", laws "80/2015/QH13", "35/2023/UBTVQH15"
        parts.old = yr is None
        parts.issuers = [canonical_issuer_code(segs[0])]
        return parts
    if first in _STATE_UP or first == "QYĐ":
        parts.doc_type = canonical_code(segs[0])
        rest = [canonical_issuer_code(s) for s in segs[1:]]
        if yr is not None or parts.doc_type in ("TTLT", "HDLN"):
            parts.issuers = rest  # joint documents list every issuer
        else:
            parts.issuers, parts.units = rest[:1], rest[1:]
        return parts
    # công văn: the first segment is the issuer, then units
    parts.doc_type = "CV"
    parts.issuers = [canonical_issuer_code(segs[0])]
    parts.units = [canonical_issuer_code(s) for s in segs[1:]]
    return parts


def parts_from_match(m: re.Match[str], offset: int = 0) -> SymbolParts:
    """Build :class:`SymbolParts` from a :data:`SYMBOL_PATTERN` match."""
    sep = "/" if m.group("sep").startswith("/") else "-"
    sep_printed = m.group("sep").strip()
    parts = _interpret(m.group("num"), m.group("year"), sep, m.group("chain"))
    if sep_printed == "//":
        parts.symbol = re.sub(r"\s+", "", normalize_span(m.group(0)))
    parts.start, parts.end = m.start() + offset, m.end() + offset
    return parts


def find_symbols(text: str) -> Iterator[SymbolParts]:
    """Every numbered symbol in ``text`` (no blank numbers), in order."""
    for m in SYMBOL_PATTERN.finditer(text):
        yield parts_from_match(m)


def parse_symbol(text: str) -> SymbolParts | None:
    """Parse the first number+symbol in ``text``.

    A leading ``Số``/``Số:``/``SỐ``/``Số hiệu:`` prefix is accepted; after it a blank
    number (nothing, dots, ``…``, underscores) gives ``number=None``.

    Args:
        text: a Số line, a citation or a bare symbol (any Unicode form).

    Returns:
        The parts, or ``None`` when no symbol is found.
    """
    try:
        return _parse_symbol(text)
    except Exception:  # pragma: no cover - the grammar must never raise on odd input
        return None


def _parse_symbol(text: str) -> SymbolParts | None:
    t = _prepare(text)
    pm = _PREFIX.search(t)
    starts = [0]
    if pm:
        starts.insert(0, pm.end())
    for st in starts:
        rest = t[st:]
        bm = _BLANK_AFTER_PREFIX.match(rest)
        if bm and (st > 0 or rest.lstrip(" .…_").startswith("/")):
            year = bm.group("year")
            parts = _interpret(None, year, "/", bm.group("chain"))
            if year:
                parts.symbol = "/" + parts.symbol.lstrip("/")
            parts.start, parts.end = st + bm.start(), st + bm.end()
            return parts
    m = SYMBOL_PATTERN.search(t)
    if m:
        return parts_from_match(m)
    return None


# what follows a Số line's symbol when OCR read the dash after the type code as a dot:
# "43/2025/TT.BCT", "25/2026/NĐ.CP"
_DOT_CODE = re.compile(rf"\.(?P<code>[{_UP}][{_UP}0-9]{{1,9}})(?![\wđĐ&.])")


# the National Assembly's terms (khóa) by the years their laws carry: a law of 2024 is QH15
_LEGISLATURES = {11: (2002, 2007), 12: (2007, 2011), 13: (2011, 2016), 14: (2016, 2021),
                 15: (2021, 2026), 16: (2026, 2031)}
_QH_DIGITS = re.compile(r"(?<![A-ZĐ])((?:UBTV)?QH)(\d{3}|\d)(?![\w])")
# Tesseract's W read as IV or VV in the Party's "/TW"
_TW_DAMAGE = re.compile(r"/T(?:IV|VV|1V)$")


def repair_ocr_citation(symbol: str, year: int | None) -> str:
    """A cited symbol that OCR damaged in a way only one reading undoes, repaired; else
    ``symbol`` as it is. The damages (each seen on real scans):

    - a letter of the type code doubled: ``7404/QĐĐ-BCA-C04`` -> ``7404/QĐ-BCA-C04`` (only
      where the code is no known type and one letter less makes a known one);
    - the dash after a normative document's type code lost: ``23/2024/TTBCT`` ->
      ``23/2024/TT-BCT`` (one known code that the rest follows);
    - a digit of the legislature doubled or lost: ``163/2024/QH115``, ``63/2025/QH1`` ->
      ``…/QH15`` (the term its year falls in, where that leaves one reading);
    - a decree's issuer misread or cut: ``93/2019/NĐ-CE``, ``146/2025/NĐ-GP``, ``…/NĐ-C``
      -> ``…/NĐ-CP`` (decrees are the Government's);
    - a Party type code's L read as 1, its ``TW`` as ``TIV``: ``132-K1/TIV`` ->
      ``132-KL/TW``;
    - a ministry's ``TT`` with one letter misread: ``38/2025/T1-BCT``, ``37/2025/TEBCT``
      -> ``…/TT-BCT``.
    """
    party = re.fullmatch(r"(?P<n>\d+[a-z]?)-(?P<code>[A-Za-zĐđ0-9]{2,4})(?P<tail>/.+)", symbol)
    if party is not None:
        code, tail = party.group("code"), _TW_DAMAGE.sub("/TW", party.group("tail"))
        if code not in PARTY_CODES and code.replace("1", "L") in PARTY_CODES:
            code = code.replace("1", "L")
        return f"{party.group('n')}-{code}{tail}"
    m = re.fullmatch(r"(?P<head>\d+(?:\.\d+)?/(?:(?:19|20)\d\d/)?)(?P<chain>.+)", symbol)
    if m is None:
        return symbol
    head, segs = m.group("head"), m.group("chain").split("-")
    first = segs[0]
    if first not in STATE_CODES:
        single = _one_letter_less(first) & set(STATE_CODES)
        # "23/2024/TTBCT": the dash lost after a normative document's type code
        glued = {code for code in STATE_CODES if year is not None and first.startswith(code)
                 and re.fullmatch(r"[A-ZĐ]{2,8}", first[len(code):])}
        if len(single) == 1:
            segs[0] = single.pop()
        elif len(glued) == 1 and not single:
            code = glued.pop()
            segs[0:1] = [code, first[len(code):]]
    if year is not None and segs[0] not in STATE_CODES:
        segs = _ministry_circular(segs)
    if segs[0] == "NĐ" and len(segs) == 2 and segs[1] != "CP" and (
            segs[1] == "C" or one_letter_off(segs[1], "CP")):
        segs[1] = "CP"  # "NĐ-CE", "NĐ-GP", "NĐ-C": decrees are the Government's
    chain = "-".join(segs)
    if year is not None:
        chain = _QH_DIGITS.sub(lambda q: _one_term(q, year), chain)
    return head + chain


# a ministry's code ("BCT", "BTNMT", "BNNPTNT"): what follows a circular's TT
_MINISTRY = re.compile(r"^B[A-ZĐ]{1,7}$")


def _ministry_circular(segs: list[str]) -> list[str]:
    """A normative document of a ministry whose ``TT`` OCR damaged by one letter, the dash
    kept (``38/2025/T1-BCT``) or lost (``37/2025/TEBCT``): a ministry issues thông tư
    (and quyết định, two letters away), so one reading undoes it."""
    first = segs[0]
    if len(segs) >= 2 and len(first) == 2 and _MINISTRY.match(segs[1]):
        code, rest = first, segs[1:]
    elif len(segs) == 1 and _MINISTRY.match(first[2:]):
        code, rest = first[:2], [first[2:]]
    else:
        return segs
    if one_letter_off(code, "TT"):
        return ["TT", *rest]
    return segs


def _one_letter_less(code: str) -> set[str]:
    """``QĐĐ`` -> ``{"QĐ"}``: the codes that one of its doubled letters less makes (what
    OCR that read a letter twice leaves)."""
    return {code[:i] + code[i + 1:] for i in range(1, len(code)) if code[i] == code[i - 1]}


def _one_term(m: re.Match[str], year: int) -> str:
    """The term a law of ``year`` belongs to, read from damaged digits: one doubled
    (``QH115``) or one lost (``QH1``); the digits as they are where two terms fit."""
    digits = m.group(2)
    if len(digits) == 3:
        terms = {int(digits[:i] + digits[i + 1:]) for i in range(3)}
    else:
        terms = {t for t in _LEGISLATURES if str(t).startswith(digits)}
    fits = [t for t in terms if t in _LEGISLATURES
            and _LEGISLATURES[t][0] <= year <= _LEGISLATURES[t][1]]
    return f"{m.group(1)}{fits[0]}" if len(fits) == 1 else m.group(0)


def repair_ocr_symbol(parts: SymbolParts, follow: str, doc_type: str | None,
                      issuer_codes: set[str]) -> tuple[SymbolParts, int] | None:
    """A Số line's symbol damaged by OCR, repaired where the document confirms it, with
    how many characters of ``follow`` it took; None when there is nothing to repair or
    the repair is not sure.

    Three damages of the type code (the segment after the number, or after its year):

    - the dash after it read as a dot, the parse cut there: ``43/2025/TT`` then
      ``.BCT`` (``follow``, the text right after the symbol) -> ``43/2025/TT-BCT``;
    - the dash lost: ``37/2020/TTBCT`` -> ``37/2020/TT-BCT``;
    - a letter doubled: ``/QĐĐ-UBND`` -> ``/QĐ-UBND`` (one letter of one pair).

    The repaired type code must be a known one (:data:`STATE_CODES`) and say what the
    document says: the type of its type line (``doc_type``, ``THÔNG TƯ`` -> ``TT``), or,
    for the two dash repairs, an issuer code that is the abbreviation of the issuer its
    header names (``issuer_codes``, folded: ``bct`` for Bộ Công Thương).
    """
    head = (parts.number or "") + (f"/{parts.year}" if parts.year else "") + "/"
    if not parts.symbol.startswith(head) or parts.party:
        return None
    chain = parts.symbol[len(head):]
    segs = chain.split("-")
    first = segs[0]

    def confirmed(code: str, issuer: str | None) -> bool:
        return code == doc_type or (issuer is not None and fold(issuer) in issuer_codes)

    def reparsed(new_chain: str) -> SymbolParts | None:
        fixed = parse_symbol(f"Số: {head}{new_chain}")
        return fixed if fixed is not None and fixed.symbol == head + new_chain else None

    dot = _DOT_CODE.match(follow)
    if len(segs) == 1 and first.upper() in _STATE_UP and dot is not None:
        code = canonical_code(first)
        if confirmed(code, dot.group("code")):
            fixed = reparsed(f"{code}-{dot.group('code')}")
            if fixed is not None:
                return fixed, dot.end()
        return None
    if len(segs) == 1 and first.upper() not in _STATE_UP:
        for n in range(min(4, len(first) - 2), 0, -1):
            code, rest = first[:n], first[n:]
            if code.upper() in _STATE_UP and re.fullmatch(rf"[{_UP}][{_UP}0-9]{{1,9}}", rest) \
                    and confirmed(canonical_code(code), rest):
                fixed = reparsed(f"{canonical_code(code)}-{rest}")
                if fixed is not None:
                    return fixed, 0
        return None
    if len(segs) > 1 and first.upper() not in _STATE_UP and doc_type is not None:
        singles = _one_letter_less(first)
        if len(singles) == 1 and (one := singles.pop()).upper() in _STATE_UP \
                and canonical_code(one) == doc_type:
            fixed = reparsed("-".join([canonical_code(one), *segs[1:]]))
            if fixed is not None:
                return fixed, 0
    return None


def symbol_key(symbol: str | None, *, numbered: bool = False) -> str | None:
    """The one look-up key of a symbol (:func:`normalize_symbol`), None for none; with
    ``numbered``, None as well for a symbol without a number (a draft's ``/BC-UBND``
    identifies nothing). A key, never a face: show the symbol as printed."""
    if not symbol:
        return None
    key = normalize_symbol(symbol)
    if not key or (numbered and not key[0].isdigit()):
        return None
    return key


def _prepare(text: str) -> str:
    """NFC, eth, dash and slash look-alikes mapped one-for-one where possible."""
    from .normalize import clean_text

    return unify_marks(clean_text(text))


def normalize_symbol(s: str) -> str:
    """Canonical comparison key of a symbol.

    Whitespace removed, dashes/slashes/eth normalised, repeated slashes collapsed, leading
    zeros of the number dropped (``05/CT-UBND`` equals ``5/CT-UBND``), type codes in their
    canonical case (``QyĐ``, ``CTr``, ``TTr``, ``QĐi``, ``TTg``), other codes upper-cased.
    """
    t = re.sub(r"\s+", "", normalize_span(s))
    t = re.sub(r"/{2,}", "/", t)
    m = re.match(r"^(\d+)(\.\d+)?", t)
    if m:
        t = str(int(m.group(1))) + (m.group(2) or "") + t[m.end():]
    out = []
    toks = re.split(r"([/-])", t)
    for i, tok in enumerate(toks):
        if not tok or tok in "/-" or tok[0].isdigit():
            out.append(tok)
        elif tok.upper() in _ASCII_TYPES and i + 1 < len(toks) and toks[i + 1] == "-":
            out.append(_ASCII_TYPES[tok.upper()])
        else:
            out.append(canonical_code(tok))
    return "".join(out)
