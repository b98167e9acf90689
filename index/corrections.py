"""The officer's corrections, applied over extraction.

Pure functions over :mod:`evidence.model` types; the catalogue stores the corrections
(table ``corrections``, keyed by document id + field) and calls :func:`apply_overlay` where
it turns rows into :class:`~evidence.model.Document` objects, so every reader — ``show``,
search and its index, ``refs``, ``tasks``, ``check``, ``pack``, reports — sees the corrected
facts, and ``Document.corrections`` says which fields an officer set.

Fields (:data:`FIELDS`; the CLI option names use dashes): ``number``, ``date``, ``issuer``,
``subject``, ``doc_type``, ``signer`` (the name), ``signer_position``, ``signer_authority``.
A correction sets a value, clears it (``value`` None: "the field is empty"), or confirms
the extracted value (``confirmed``: a review item that was right). Any of them removes the
field's review items, its ``fallbacks`` entry and its ``provenance`` (the source line no
longer speaks for the value). A corrected number rebuilds the symbol (``111/KH-UBND`` with
number ``112`` becomes ``112/KH-UBND``).

:func:`review_items` is the officer's to-do list for one document: extraction's ``review``
entries plus the empty fields that are not blank by design.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from evidence.model import Correction, Document, Facts, ReviewItem, Signer

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "REASON_TEXT",
    "REVIEW_FIELDS",
    "CitedNumber",
    "apply_overlay",
    "current_value",
    "field_from_option",
    "parse_value",
    "review_field",
    "review_items",
    "symbol_with_number",
]

#: stored field name -> Vietnamese label (what the officer reads)
FIELD_LABELS: dict[str, str] = {
    "number": "số văn bản",
    "date": "ngày ban hành",
    "issuer": "cơ quan ban hành",
    "subject": "trích yếu",
    "doc_type": "loại văn bản",
    "signer": "người ký",
    "signer_position": "chức vụ người ký",
    "signer_authority": "thẩm quyền ký",
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

#: the fields ``review`` looks at (the ones every verdict rests on)
REVIEW_FIELDS: tuple[str, ...] = ("number", "date", "issuer", "signer")

#: review reason code -> Vietnamese text (contract reasons, plus ``not_found``)
REASON_TEXT: dict[str, str] = {
    "handwritten": "viết tay, máy không đọc chắc chắn được",
    "low_confidence": "nhận dạng chữ (OCR) không chắc chắn",
    "stamp_only": "chỉ thấy trên dấu hoặc chữ ký số, không in trong văn bản",
    "garbage_text": "lớp chữ của tệp bị lỗi, không đọc được",
    "conflict": "các nguồn trong văn bản cho giá trị khác nhau",
    "not_found": "không tìm thấy trong văn bản",
}

_NUMBER = re.compile(r"\d{1,6}(?:\.\d{1,3})?")
_AUTHORITY = re.compile(r"(?i)^(tm|kt|tl|tuq|q|t/m|k/t)\.?$")

#: review reasons under which a stored document citing this one may fill its number
CITED_NUMBER_REASONS = frozenset({"handwritten", "low_confidence"})


@dataclass(frozen=True)
class CitedNumber:
    """A number filled from a stored document that cites this one."""

    number: str
    cited_by: str  # the citing document's id
    cited_by_symbol: str


def field_from_option(name: str) -> str:
    """``signer-position`` / ``type`` (CLI spellings) -> the stored field name.

    Raises:
        ValueError: not a correctable field (the message lists them, in Vietnamese).
    """
    key = name.strip().lower().replace("-", "_")
    key = {"type": "doc_type", "signer_name": "signer", "so": "number", "ngay": "date"}.get(key, key)
    if key not in FIELD_LABELS:
        names = ", ".join(f.replace("_", "-").replace("doc-type", "type") for f in FIELDS)
        raise ValueError(f"không sửa được trường {name!r}; các trường: {names}")
    return key


def parse_value(fieldname: str, text: str) -> str:
    """Check and normalise an officer's value for ``fieldname``.

    ``number``: digits as printed (``05`` stays ``05``); ``date``: ISO or dd/mm/yyyy,
    a month or a year allowed (``2023-10``, ``10/2023``), impossible days refused;
    ``doc_type``: a type code of the one type table (``QD`` = ``QĐ``); others: text, NFC,
    spaces collapsed.

    Raises:
        ValueError: the value does not fit the field (Vietnamese message).
    """
    from evidence.extract.normalize import clean_text

    value = re.sub(r"\s+", " ", clean_text(text)).strip()
    if not value:
        raise ValueError(f"giá trị trống cho {FIELD_LABELS[fieldname]}; "
                         f"dùng --clear {fieldname.replace('_', '-')} để xóa")
    if fieldname == "number":
        if not _NUMBER.fullmatch(value):
            raise ValueError(f"số văn bản phải là chữ số, ví dụ 111 (nhận được {value!r})")
        return value
    if fieldname == "date":
        from evidence.extract.dates import UserDateError, parse_user_date

        try:
            return parse_user_date(value).iso or ""
        except UserDateError:
            raise ValueError(f"ngày không hợp lệ: {value!r} "
                             "(dùng 2023-01-17 hoặc 17/01/2023)") from None
    if fieldname == "doc_type":
        return _type_code(value)
    if fieldname == "signer_authority":
        m = _AUTHORITY.match(value)
        if m:
            return m.group(1).upper().replace("/", "") + "."
    return value


def _type_code(value: str) -> str:
    from evidence.extract.doctypes import STATE_CODES, canonical_code, is_type_code
    from evidence.extract.normalize import fold

    ascii_types = {fold(c): c for c in STATE_CODES}
    code = canonical_code(value)
    if is_type_code(code) or code == "Luật":
        return code
    hit = ascii_types.get(fold(value))
    if hit:
        return hit
    known = ", ".join(sorted(c for c in STATE_CODES))
    raise ValueError(f"loại văn bản không có trong bảng mã: {value!r}; các mã: {known}")


def review_field(fieldname: str) -> str:
    """The review field a stored field belongs to (``signer_position`` -> ``signer``)."""
    return "signer" if fieldname.startswith("signer") else fieldname


def current_value(facts: Facts, fieldname: str) -> Any:
    """The value ``fieldname`` has in ``facts`` (None when empty)."""
    s = facts.signer
    if fieldname == "signer":
        return s.name if s else None
    if fieldname == "signer_position":
        return s.position if s else None
    if fieldname == "signer_authority":
        return s.authority if s else None
    return getattr(facts, fieldname)


def symbol_with_number(symbol: str | None, old_number: str | None,
                       number: str | None) -> str | None:
    """The symbol once its number is ``number``: ``111/KH-UBND`` -> ``112/KH-UBND``,
    ``/UBND-NV`` -> ``15/UBND-NV``, ``12-NQ/TU`` -> ``13-NQ/TU``; None and a number give
    the number alone."""
    suffix = symbol or ""
    if old_number and suffix.startswith(old_number):
        suffix = suffix[len(old_number):]
    else:
        m = re.match(r"\d+(?:\.\d+)?(?=[/-])", suffix)
        if m:
            suffix = suffix[m.end():]
    if suffix and suffix[0] not in "/-":
        suffix = "/" + suffix
    if number is None:
        return suffix or None
    return number + suffix


def _set(facts: Facts, fieldname: str, value: Any) -> None:
    if fieldname == "number":
        facts.symbol = symbol_with_number(facts.symbol, facts.number, value)
        facts.number = value
    elif fieldname == "doc_type":
        from evidence.extract.doctypes import type_name

        facts.doc_type = value
        facts.doc_type_name = type_name(value) if value else None
    elif fieldname.startswith("signer"):
        if facts.signer is None:
            facts.signer = Signer()
        attr = {"signer": "name", "signer_position": "position",
                "signer_authority": "authority"}[fieldname]
        setattr(facts.signer, attr, value)
        if fieldname == "signer_authority":
            facts.signer.authority_chain = [value] if value else []
        if not (facts.signer.name or facts.signer.position or facts.signer.authority):
            facts.signer = None
    else:
        setattr(facts, fieldname, value)


def apply_overlay(doc: Document, corrections: Sequence[Correction],
                  cited: CitedNumber | None = None) -> Document:
    """Apply the officer's corrections (and a number filled from a citing document) over
    ``doc``'s extracted facts, in place; returns ``doc``.

    A corrected or confirmed field loses its review items, fallback and provenance. The
    number from a citing document fills only an empty number that extraction flagged
    ``handwritten`` / ``low_confidence`` and that no correction touched; it is recorded in
    ``fallbacks["number"] = "cited by <symbol>"``.
    """
    if not corrections and cited is None:
        return doc
    f = copy.deepcopy(doc.facts)
    touched = {c.field for c in corrections}
    for c in corrections:
        if not c.confirmed:
            _set(f, c.field, c.value)
        f.fallbacks.pop(c.field, None)
        if not c.confirmed:
            f.provenance.pop(c.field, None)
            if c.field == "number":
                f.provenance.pop("symbol", None)
    reviewed = {review_field(x) for x in touched}
    if cited is not None and "number" not in touched and cited_number_wanted(f):
        f.symbol = symbol_with_number(f.symbol, f.number, cited.number)
        f.number = cited.number
        f.fallbacks["number"] = f"cited by {cited.cited_by_symbol}"
        reviewed.add("number")
    f.review = [r for r in f.review if r.field not in reviewed]
    doc.facts = f
    doc.corrections = [copy.copy(c) for c in corrections]
    return doc


def cited_number_wanted(facts: Facts) -> bool:
    """Whether a citing document may fill this document's number: it is empty and
    extraction says why (handwritten, low confidence), so it is not blank by design."""
    return not facts.number and any(
        r.field == "number" and r.reason in CITED_NUMBER_REASONS for r in facts.review)


def unnumbered_draft(facts: Facts) -> bool:
    """A number line printed blank (``Số: /UBND-NV``): an unnumbered draft, whose empty
    number, day and signer are blank by design."""
    return not facts.number and bool(facts.symbol) and not any(
        r.field == "number" for r in facts.review)


def review_items(doc: Document) -> list[ReviewItem]:
    """What the officer should check in ``doc`` (already overlaid): extraction's review
    entries for the fields verdicts rest on, plus those fields found empty where the
    document is not blank by design (an unnumbered draft has no number, day or signer; a
    number line that is not printed is no review item either). Fields an officer corrected
    or confirmed are not listed."""
    f = doc.facts
    done = {review_field(c.field) for c in doc.corrections}
    out = [r for r in f.review if r.field not in done]
    flagged = {r.field for r in out}
    if not (f.number or "number" in flagged):
        # not an issued document (an unnumbered draft, an annex, a table): its empty date,
        # issuer or signer is no omission
        return out
    draft = unnumbered_draft(f)
    empty = {
        "date": not f.date and not draft,
        "issuer": not f.issuer,
        "signer": not (f.signer and f.signer.name) and not draft,
    }
    for name in ("date", "issuer", "signer"):
        if empty[name] and name not in done and name not in flagged:
            out.append(ReviewItem(field=name, reason="not_found"))
    order = {n: i for i, n in enumerate(REVIEW_FIELDS)}
    out.sort(key=lambda r: order.get(r.field, len(order)))
    return out


def corrected_fields(corrections: Iterable[Correction]) -> list[str]:
    """Fields with an officer's value (confirmations left out), in :data:`FIELDS` order."""
    names = {c.field for c in corrections if not c.confirmed}
    return [f for f in FIELDS if f in names]


def cited_number_for(doc: Document, citing: Iterable[Document], *,
                     taken: Any = None) -> CitedNumber | None:
    """The number that stored documents citing ``doc`` give it, or None.

    A citation counts when it names ``doc``'s type and exact date, has a number, its
    symbol's tail agrees with ``doc``'s printed tail (``/TTr-UBND``), and its issuer is
    ``doc``'s (the cited issuer phrase fully inside ``doc``'s issuer; without one, the
    citing document must be of ``doc``'s issuer). Every such citation must give the same
    number, and no other stored document may already bear the resulting symbol
    (``taken(symbol, year, doc_id)``): that document would be the one cited.
    """
    from evidence.extract.normalize import fold
    from evidence.extract.symbols import normalize_symbol
    from evidence.index.refs import issuer_score

    f = doc.facts
    if not (f.date and f.doc_type and f.issuer):
        return None
    tail = normalize_symbol(symbol_with_number(f.symbol, None, None) or "") if f.symbol else ""
    found: dict[str, tuple[str, Document]] = {}
    for other in citing:
        if other.id == doc.id:
            continue
        for c in other.facts.cited:
            if c.doc_type != f.doc_type or c.date != f.date or not c.number:
                continue
            ctail = normalize_symbol(symbol_with_number(c.symbol, c.number, None) or "")
            if tail and ctail != tail:
                continue
            if c.issuer:
                if issuer_score(c.issuer, doc) < 1.0:
                    continue
            elif fold(other.facts.issuer or "") != fold(f.issuer):
                continue
            found.setdefault(c.number.lstrip("0") or "0", (c.number, other))
    if len(found) != 1:
        return None
    ((number, by),) = found.values()
    symbol = symbol_with_number(f.symbol, None, number) or number
    if taken is not None and taken(symbol, f.date[:4], doc.id):
        return None
    return CitedNumber(number=number, cited_by=by.id,
                       cited_by_symbol=by.facts.symbol or by.id[:12])
