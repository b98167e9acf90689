"""The whole extraction of one document: ``extract_facts(pages) -> Facts`` (pure, no I/O).

Pages are joined with ``"\\n\\f\\n"`` (as ``Document.text``); every span recorded in
``Facts.provenance`` is converted back to a 1-based page and offsets inside that page.
The function never raises: a failing part is logged and leaves its fields empty with a
warning, so one odd document never stops a batch.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import PurePath

from ..model import Facts, Page, Span
from .citations import find_citations
from .doctypes import STATE_CODES, type_name
from .header import parse_header
from .layoutcheck import check_layout
from .normalize import clean_text
from .recipients import find_recipients
from .signer import find_signer_block
from .symbols import parse_symbol
from .tasks import find_tasks
from .title import title_block

__all__ = ["PAGE_JOIN", "extract_facts"]

log = logging.getLogger(__name__)

PAGE_JOIN = "\n\f\n"

# "CV-813-CucHoaChat.pdf", "QD_1696_UBND.docx", "1696-QĐ-UBND.pdf"
_FILENAME_HINT = re.compile(r"(?<![0-9.])(?P<num>\d{1,5})(?![0-9])")


# Cyrillic look-alikes in Latin text (damaged text layers: "ВСТ" for "BCT")
_CYRILLIC = str.maketrans(dict(zip("АВСЕНКМОРТХаеорсху", "ABCEHKMOPTXaeopcxy", strict=True)))
_CYRILLIC_RX = re.compile("[\u0400-\u04ff]")


def _fix_lookalikes(page: str) -> str:
    """Map Cyrillic look-alike letters to Latin when they are stray letters in Vietnamese
    text (fewer than 1 in 50 letters), never in a real Cyrillic text."""
    n = len(_CYRILLIC_RX.findall(page))
    if n and n * 50 < sum(1 for c in page if c.isalpha()):
        return page.translate(_CYRILLIC)
    return page


class _Pages:
    """Maps offsets in the joined text back to (page, offset in page)."""

    def __init__(self, pages: list[str]) -> None:
        self.starts: list[int] = []
        pos = 0
        for p in pages:
            self.starts.append(pos)
            pos += len(p) + len(PAGE_JOIN)

    def span(self, text: str, start: int, end: int) -> Span:
        i = max(0, bisect_right(self.starts, start) - 1)
        base = self.starts[i] if self.starts else 0
        return Span(page=i + 1, start=start - base, end=end - base, text=text[start:end])


def extract_facts(
    pages: list[str], *, filename: str | None = None, layout: Sequence[Page] | None = None
) -> Facts:
    """Extract the Decree-30 metadata, citations and tasks of one document.

    Args:
        pages: the text of each page (any Unicode form; cleaned to NFC here).
        filename: the file's name, used only as a last-resort hint for a number that the
            text does not give (recorded in ``Facts.fallbacks``).
        layout: the ingested pages behind ``pages`` (same order), when known: their OCR
            words and confidences, coloured ink marks and signature fields. Optional; text
            alone gives the same facts minus what only the layout can tell.

    Returns:
        The facts. Fields that cannot be read are ``None``/empty, with a warning when the
        document shows the field but it is unreadable or blank.
    """
    try:
        return _extract(pages, filename, list(layout or []))
    except Exception:  # never stop a batch on one document
        log.exception("extraction failed%s", f" for {filename}" if filename else "")
        return Facts(warnings=["extraction failed"])


def _extract(pages: list[str], filename: str | None, layout: list[Page]) -> Facts:
    clean = [_fix_lookalikes(clean_text(p)) for p in (pages or [""])]
    text = PAGE_JOIN.join(clean)
    where = _Pages(clean)
    facts = Facts()
    hf = parse_header(text)
    facts.warnings.extend(hf.warnings)

    # number and symbol
    if hf.symbol is not None:
        facts.symbol = hf.symbol.symbol
        facts.number = hf.symbol.number
        if hf.symbol.number is None and not hf.number_unreadable:
            facts.warnings.append("number is blank: unnumbered draft")
    if facts.number is None and hf.number_unreadable and filename:
        hint = _number_from_filename(filename, hf.symbol.symbol if hf.symbol else None)
        if hint:
            facts.number = hint
            if facts.symbol and facts.symbol.startswith("/"):
                facts.symbol = hint + facts.symbol
            facts.fallbacks["number"] = f"filename: {PurePath(filename).name}"
            facts.warnings.append("number taken from the file name")

    # type: the type line decides; else the symbol; a công văn has neither
    sym_type = hf.symbol.doc_type if hf.symbol else None
    if hf.type_code:
        facts.doc_type = hf.type_code
        facts.doc_type_name = hf.type_name or type_name(hf.type_code)
        if sym_type and sym_type not in (hf.type_code, "CV") and not (
            hf.type_code == "HD" and sym_type == "HDLN"
        ):
            facts.warnings.append(
                f"doc_type: the type line says {facts.doc_type_name}, the symbol says {sym_type}"
            )
    elif hf.vv:
        facts.doc_type, facts.doc_type_name = "CV", STATE_CODES["CV"]
    elif sym_type:
        facts.doc_type, facts.doc_type_name = sym_type, type_name(sym_type)
    elif hf.symbol is not None and hf.symbol.year and re.match(r"^(?:QH|UBTVQH)\d+$", (hf.symbol.issuers or [""])[0]):
        facts.doc_type, facts.doc_type_name = "Luật", "Luật"

    facts.date = hf.date
    facts.place = hf.place
    facts.issuer = hf.issuer
    facts.parent_issuer = hf.parent_issuer
    facts.subject = hf.subject
    facts.title_block = title_block(text)

    party = bool(hf.symbol and hf.symbol.party) or hf.party_motto
    block = find_signer_block(text, party=party)
    if block is not None:
        facts.signer = block.signer
        s, e = block.name_span or (block.start, block.end)
        facts.provenance["signer"] = where.span(text, s, e)

    recipients, rspan = find_recipients(text)
    facts.recipients = recipients
    if recipients and rspan is not None:
        facts.provenance["recipients"] = where.span(text, *rspan)

    facts.cited = find_citations(
        text,
        own_symbol=facts.symbol,
        locate=lambda s, e: where.span(text, s, e),
        warnings=facts.warnings,
    )
    facts.tasks = find_tasks(text)

    for name, (s, e, _t) in hf.spans.items():
        facts.provenance[name] = where.span(text, s, e)
        if name == "symbol" and "number" not in facts.fallbacks:
            facts.provenance["number"] = where.span(text, s, e)
    check_layout(facts, layout, clean, filename)
    return facts


def _number_from_filename(filename: str, symbol: str | None) -> str | None:
    """A number from a file name such as ``CV-813-CucHoaChat.pdf`` (one number only)."""
    stem = unicodedata.normalize("NFC", PurePath(filename).stem)
    nums = [m.group("num") for m in _FILENAME_HINT.finditer(stem)]
    nums = [n for n in nums if not re.fullmatch(r"(?:19|20)\d\d", n)]
    if len(nums) != 1:
        return None
    candidate = nums[0]
    if symbol and parse_symbol(f"Số: {candidate}{symbol}") is None:
        return None
    return candidate
