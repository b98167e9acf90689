"""References to other documents in the text (``../shared/spec/vn-format.md`` §5).

Every number+symbol in the text is a citation, with what surrounds it:

``[Căn cứ|Thực hiện|…] <TypeWord> [số][:] <symbol> [ngày <date>] [của <issuer phrase>]``

- ``cited_as`` is the type word in the text (``Quyết định``) and ``doc_type`` the type of the
  symbol (``KH`` for ``111/KH-UBND``): when they disagree both are kept and a warning
  is returned (the plan was issued with a decision and is cited by the decision's name);
- lists joined by ``;``, ``,`` and ``và`` inherit the type word of their head
  (``các Quyết định số 12/QĐ-UBND và 13/QĐ-UBND``);
- not citations: standards (``TCVN ISO 9001:2015``, ``QCVN 05A:2020/BCT``), periods
  (``2021-2030``), dates, blank placeholders (``…/2026/NĐ-CP``), km markers (``110.55/QL279``).

Each symbol is listed once (first mention), without the document's own symbol.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz.distance import Indel, Levenshtein

from ..model import Citation, Span
from .dates import find_dates
from .doctypes import STATE_CODES, TYPE_NAMES, canonical_code
from .normalize import fold, unify_marks
from .symbols import (
    SYMBOL_PATTERN,
    SymbolParts,
    normalize_symbol,
    parts_from_match,
    repair_ocr_citation,
)
from .symbols import parse_symbol as parse_symbol_text

__all__ = ["find_citations"]

_TYPE_WORDS = [*TYPE_NAMES, "chương trình hành động"]
_TW = "|".join(re.escape(w) for w in sorted(_TYPE_WORDS, key=len, reverse=True))
# type word right before the symbol: "Quyết định số: ", "Nghị quyết ", "Văn bản Số: "
_TW_NEAR = re.compile(rf"(?P<tw>{_TW})\s*(?:số|SỐ|Số)?\s*(?:hiệu)?\s*[:.]?\s*$", re.IGNORECASE)
# type word some words before: "Luật Xây dựng số ", "Giấy phép khai thác khoáng sản số "
_TW_FAR = re.compile(
    rf"(?P<tw>{_TW})\b[^;.\n()]{{0,90}}?\s(?:số|SỐ|Số)\s*[:.]?\s*$", re.IGNORECASE
)
_TW_WORD = re.compile(rf"(?<!\w)(?P<tw>{_TW})(?!\w)", re.IGNORECASE)
_TW_FAR_TAIL = re.compile(r"[^;.\n()]{0,90}?\s(?:số|SỐ|Số)\s*[:.]?\s*$")
_SO_NEAR = re.compile(r"(?:số|SỐ|Số)\s*(?:hiệu)?\s*[:.]?\s*$")
_LIST_GAP = re.compile(r"^[\s,;]*(?:và|hoặc|,|;)?[\s,]*(?:các\s+)?(?:số\s*:?)?\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:được\s+)?(?:ban\s+hành\s+)?(?:ngày|ngay)\s*", re.IGNORECASE)
_ISSUER_AFTER = re.compile(
    r"^\s*,?\s*(?:của|do)\s+(?P<iss>[^;,.\n()]{2,90}?)"
    r"(?=\s+(?:về|quy\s+định|hướng\s+dẫn|ban\s+hành|phê\s+duyệt|sửa\s+đổi|V/v|về\s+việc|"
    r"triển\s+khai|thực\s+hiện|cấp|cho|đã|thì|được|tại|để|và|quy|công\s+bố|ngày)\b|[;,.\n()]|$)",
)
# single-segment old forms are citations only with a known issuer or after "số"/a type word
_OLD_ISSUERS = re.compile(r"^(?:TTG|CP|TW|QH\d*|UBTVQH\d*|HĐBT|BCT|UBND|HĐND|CTN|GCN|VPCP)$")
_PERIOD_TAIL = re.compile(r"^\d")


def _type_code(word: str) -> str:
    key = word.lower()
    for name, code in TYPE_NAMES.items():
        if fold(name) == fold(key):
            return code
    if fold(key) == fold("chương trình hành động"):
        return "CTr"
    return canonical_code(word)


def find_citations(
    text: str,
    *,
    own_symbol: str | None = None,
    locate: Callable[[int, int], Span] | None = None,
    warnings: list[str] | None = None,
    own_span: tuple[int, int] | None = None,
    ocr: bool = False,
) -> list[Citation]:
    """Every cited number+symbol in ``text``, once each, in order of first mention.

    Args:
        text: the document's text (all pages joined).
        own_symbol: the document's own symbol, left out.
        locate: maps (start, end) offsets in ``text`` to a :class:`Span` (page-relative).
        warnings: when given, receives one line per citation whose type word disagrees with
            its symbol (``Quyết định`` naming ``111/KH-UBND``).
        own_span: where the document's own Số line stands in ``text``: never a citation,
            also when its printed symbol differs from ``own_symbol`` (repaired OCR).
        ocr: the text was read by OCR: symbols with a damage only one reading undoes are
            repaired (:func:`~evidence.extract.symbols.repair_ocr_citation`).

    Returns:
        The citations.
    """
    text = unify_marks(text)  # "21 7⁄2025/NĐ-CP", "37/2020/TT–BCT": offsets kept
    if ocr:
        text = _SPECK_BEFORE.sub(" ", text)  # "số .23/2024/TT-BCT": a speck, as a space
    own = normalize_symbol(own_symbol) if own_symbol and own_symbol[:1].isdigit() else None
    seen: set[str] = set()
    counts: dict[str, int] = {}
    out: list[Citation] = []
    prev_end = -1
    prev_tw: str | None = None
    for m in SYMBOL_PATTERN.finditer(text):
        if own_span is not None and own_span[0] <= m.start() < own_span[1]:
            continue
        parts = _repair(parts_from_match(m), text, m)
        if ocr:
            parts = _repaired_ocr(_joined_number(parts, text), text, m.end())
        head = text[max(0, m.start() - 140) : m.start()]
        near = _TW_NEAR.search(head[-40:])
        tw: str | None = None
        if near:
            tw = near.group("tw")
        else:
            # the nearest type word whose clause reaches "số" ("Giấy phép khai thác số …")
            for far in reversed(list(_TW_WORD.finditer(head))):
                if _TW_FAR_TAIL.match(head, far.end()):
                    tw = far.group("tw")
                    break
        has_so = bool(_SO_NEAR.search(head[-20:]))
        gap = text[prev_end : m.start()] if prev_end >= 0 else None
        if tw is None and gap is not None and prev_tw and _LIST_GAP.match(_strip_date_issuer(gap)):
            tw = prev_tw
        if not _accept(parts, tw, has_so, text, m):
            continue
        prev_end, prev_tw = m.end(), tw
        key = normalize_symbol(parts.symbol)
        counts[key] = counts.get(key, 0) + 1
        if key == own or key in seen or (own and own.startswith(key + "-")):
            continue
        seen.add(key)
        tail = text[m.end() : m.end() + 200]
        date, issuer, tail_end = _date_issuer(tail)
        doc_type = parts.doc_type
        cited_as = tw[:1].upper() + tw[1:] if tw else None
        if doc_type is None and tw and fold(tw) == "luat":
            doc_type = "Luật"
        if tw and parts.doc_type and warnings is not None:
            code = _type_code(tw)
            if code not in ("CV", parts.doc_type) and not (parts.party and code == "QyĐ"):
                warnings.append(
                    f"citation {parts.symbol}: cited as {cited_as}, symbol type {parts.doc_type}"
                )
        start = m.start() - (len(near.group(0)) if near else 0)
        end = m.end() + tail_end
        while end > m.end() and text[end - 1].isspace():
            end -= 1
        out.append(
            Citation(
                doc_type=doc_type,
                number=parts.number,
                symbol=parts.symbol,
                date=date,
                issuer=issuer,
                text=re.sub(r"\s+", " ", text[start:end]).strip(),
                cited_as=cited_as,
                span=locate(start, end) if locate else None,
            )
        )
    return _merge_damaged(out, counts)


_STANDARD_BEFORE = re.compile(r"(?:QCVN|TCVN|ISO|IEC|TCN|TCXDVN)\b[^;\n]{0,14}$")
_SPACED_ISSUER = re.compile(r" (?P<code>[A-ZĐ]{2,8})(?![\wđĐ])")
_OCR_QH = re.compile(r"(?<=QH)[Il](?=\d)")


def _repair(parts: SymbolParts, text: str, m: re.Match[str]) -> SymbolParts:
    """Damage that the text layer adds: OCR ``QHI5`` for ``QH15``; a legal symbol whose
    dash was printed as a space (``145/2020/NĐ CP``)."""
    if _OCR_QH.search(parts.symbol):
        fixed = parse_symbol_text(_OCR_QH.sub("1", parts.symbol))
        if fixed is not None:
            fixed.start, fixed.end = parts.start, parts.end
            parts = fixed
    if parts.year and parts.doc_type and not parts.issuers:
        sm = _SPACED_ISSUER.match(text, m.end())
        if sm:
            fixed = parse_symbol_text(f"{parts.symbol}-{sm.group('code')}")
            if fixed is not None:
                fixed.start, fixed.end = parts.start, sm.end()
                parts = fixed
        elif parts.doc_type == "NĐ" and text[m.end() : m.end() + 1] == "-":
            # a decree symbol cut at a line end: decrees are issued by the Government
            fixed = parse_symbol_text(f"{parts.symbol}-CP")
            if fixed is not None:
                fixed.start, fixed.end = parts.start, m.end() + 1
                parts = fixed
    return parts


_DOT_ISSUER = re.compile(r"\.(?P<code>[A-ZĐ]{2,8})(?![\wđĐ])")
# the dash OCR read twice around a space: "50/NQ- -CP", "607/QĐ- -UBND"
_SPLIT_DASH = re.compile(r"-[ \t]+-(?P<code>[A-ZĐ]{2,8})(?![\wđĐ])")


# the committees a Party symbol names after its slash (Hướng dẫn 36-HD/VPTW): a code
# near "TW" that is none of them is the central committee's damaged by OCR
_COMMITTEES = frozenset({"TW", "TU", "HU", "ĐU", "QU", "TXU", "TPU", "ĐUK"})
# ... when the text says so right after it: "… ngày 16/8/2019 của Bộ Chính trị"
_CENTRAL_BODY = re.compile(
    r"^[^;\n]{0,40}?\bcủa\s+(?:Ban\s+Chấp\s+hành\s+Trung\s+ương|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư)")


def _central_party(parts: SymbolParts, text: str, end: int) -> SymbolParts:
    """A Party symbol whose ``/TW`` OCR damaged (``36-CT/TI``, ``132-KL/T /``,
    ``18-NQ/LFW``), repaired where the words after it name a central body."""
    if not parts.party or len(parts.issuers) != 1:
        return parts
    code = parts.issuers[0]
    if code in _COMMITTEES or len(code) > 3 or not {"T", "W"} & set(code) \
            or Levenshtein.distance(code, "TW") > 2 \
            or not _CENTRAL_BODY.match(text[end:end + 160]):
        return parts
    fixed = parse_symbol_text(f"{parts.number}-{parts.doc_type}/TW")
    if fixed is None or not fixed.party:
        return parts
    fixed.start, fixed.end = parts.start, parts.end
    return fixed


# an OCR speck between "số" and a number: "số .23/2024/TT-BCT", "số '151/GP-UBND"
_SPECK_BEFORE = re.compile(r"(?<=\bsố )[.,'`‘’](?=\d{1,5}/)", re.IGNORECASE)
# digits of the number OCR split by a space, right after "số": "số 21 7/2025/NĐ-CP"
_SPLIT_NUMBER = re.compile(r"(?:số|Số|SỐ)[ \t]+(?P<d>\d{1,3})[ \t]$")


def _joined_number(parts: SymbolParts, text: str) -> SymbolParts:
    """A cited number OCR split in two by a space (``Nghị định số 21 7/2025/NĐ-CP`` is
    217/2025/NĐ-CP): the digits right after ``số`` and before the number are its first."""
    split = _SPLIT_NUMBER.search(text, max(0, parts.start - 10), parts.start)
    if split is None or parts.number is None or not parts.symbol.startswith(parts.number):
        return parts
    joined = parse_symbol_text(split.group("d") + parts.symbol)
    if joined is None or joined.symbol != split.group("d") + parts.symbol:
        return parts
    joined.start, joined.end = split.start("d"), parts.end
    return joined


def _repaired_ocr(parts: SymbolParts, text: str, end: int) -> SymbolParts:
    """OCR damage to a cited symbol (:func:`repair_ocr_citation`), and the dash after a type
    code read as a dot (a normative document's: ``38/2025/TT`` then ``.BCT``) or twice
    around a space (``50/NQ- -CP``), the parse cut there."""
    symbol = parts.symbol
    # "50/NQ" alone reads as an old form (issuer NQ): the type code is what the dash follows
    code_last = (parts.doc_type and not parts.issuers) or (
        parts.old and len(parts.issuers) == 1 and parts.issuers[0] in STATE_CODES)
    cut = None
    if code_last:
        cut = _SPLIT_DASH.match(text, end) or (_DOT_ISSUER.match(text, end) if parts.year else None)
    if cut is not None:
        symbol = f"{symbol}-{cut.group('code')}"
    fixed_text = repair_ocr_citation(symbol, parts.year)
    fixed = parse_symbol_text(fixed_text) if fixed_text != parts.symbol else None
    if fixed is None or fixed.symbol != fixed_text:
        return _central_party(parts, text, end)
    fixed.start, fixed.end = parts.start, parts.end
    return fixed


def _merge_damaged(cites: list[Citation], counts: dict[str, int]) -> list[Citation]:
    """Drop a citation that is a damaged copy of another one in the same text: cut at a line
    end (``105/2025/NĐ`` for ``105/2025/NĐ-CP``), a footnote digit glued on
    (``42/2024/QH151`` for ``42/2024/QH15``), or a drafter's typo of a symbol cited more
    often with the same number and year (``57/2018/T-BCT`` next to ``57/2018/TT-BCT``)."""
    keys = [normalize_symbol(c.symbol) for c in cites]
    keyset = set(keys)
    out = []
    for c, k in zip(cites, keys, strict=True):
        if _is_typo_of_other(k, keyset, counts):
            continue
        longer = [o for o in keyset if o != k and (o.startswith(k + "-") or o.startswith(k + "/"))]
        stripped = re.sub(r"(?<=[A-ZĐa-z])\d{1,2}$", "", k)
        qh = re.match(r"^(.*/(?:UBTV)?QH\d\d)\d+$", k)
        if longer:
            continue
        if stripped != k and stripped in keyset:
            continue
        if qh and qh.group(1) in keyset:
            continue
        out.append(c)
    return out


def _is_typo_of_other(k: str, keys: set[str], counts: dict[str, int]) -> bool:
    m = re.match(r"^(\d+(?:\.\d+)?/(?:19|20)\d\d/)(.+)$", k)
    if not m:
        return False
    head, rest = m.groups()
    for o in keys:
        if o == k or not o.startswith(head) or counts.get(o, 0) <= counts.get(k, 0):
            continue
        orest = o[len(head) :]
        if orest.replace("-", "") == rest.replace("-", "") or Indel.distance(orest, rest) <= 1:
            return True
    return False


def _strip_date_issuer(gap: str) -> str:
    """The gap between two list members without the first one's date/issuer clause."""
    _, _, used = _date_issuer(gap)
    return gap[used:]


def _accept(parts: SymbolParts, tw: str | None, has_so: bool, text: str, m: re.Match[str]) -> bool:
    if parts.number is None:
        return False
    nxt = text[m.end() : m.end() + 1]
    if nxt and (nxt.isalnum() and not nxt.isspace()):
        return False
    if _STANDARD_BEFORE.search(text, max(0, m.start() - 30), m.start()):
        return False
    if "/" not in parts.symbol:
        # dash-only forms are old state numbers "518-TTg" (one known issuer code);
        # "2-DIMETYLAMINO-AXETONITRIL" is a chemical name, "01-ĐN" a form label
        seg = parts.issuers[0] if parts.issuers else ""
        return parts.old and bool(_OLD_ISSUERS.match(seg.upper()))
    if parts.old:
        seg = parts.issuers[0] if parts.issuers else ""
        if not (tw or has_so or _OLD_ISSUERS.match(seg.upper())):
            return False
        if "." in (parts.number or "") and not (tw or has_so):
            return False
    return True


def _date_issuer(tail: str) -> tuple[str | None, str | None, int]:
    """Date and issuer phrase right after a symbol; returns how much of ``tail`` they use."""
    used = 0
    date = None
    dm = _DATE_AFTER.match(tail)
    if dm:
        found = find_dates(tail[dm.end() - 5 if dm.end() >= 5 else 0 : dm.end() + 40])
        if found:
            base = dm.end() - 5 if dm.end() >= 5 else 0
            first = found[0]
            if first.start + base <= dm.end() + 1:
                date = first.iso
                used = base + first.end
    issuer = None
    im = _ISSUER_AFTER.match(tail[used:])
    if im:
        issuer = im.group("iss").strip()
        used += im.end()
    return date, issuer, used
