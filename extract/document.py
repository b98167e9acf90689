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
from dataclasses import replace
from pathlib import PurePath

from ..model import Attachment, Facts, Page, Received, ReviewItem, Signature, Span
from .bundle import attachment_pages, starts_document
from .citations import find_citations
from .doctypes import STATE_CODES, type_name
from .header import HeaderFacts, parse_header
from .layoutcheck import check_layout
from .normalize import clean_text, fold
from .recipients import find_recipients
from .signer import find_signer_block
from .symbols import parse_symbol
from .tasks import find_tasks
from .title import title_block_of

__all__ = ["PAGE_JOIN", "extract_facts"]

log = logging.getLogger(__name__)

PAGE_JOIN = "\n\f\n"
#: how much of the text the header and title-block parsers read (a page of header is far
#: less; a 60 MB single-line text must not cost minutes or gigabytes there)
HEADER_CHARS = 30_000

# "CV-813-CucHoaChat.pdf", "QD_1696_UBND.docx", "1696-QĐ-UBND.pdf"
_FILENAME_HINT = re.compile(r"(?<![0-9.])(?P<num>\d{1,5})(?![0-9])")


# Cyrillic look-alikes in Latin text (damaged text layers: "ВСТ" for "BCT")
_CYRILLIC = str.maketrans(dict(zip("АВСЕНКМОРТХаеорсху", "ABCEHKMOPTXaeopcxy", strict=True)))
_CYRILLIC_RX = re.compile("[\u0400-\u04ff]")
# a letter's salutation line, which opens the body of a công văn
_KINH_GUI = re.compile(r"^[ \t]*(?:Kính\s+gửi|KÍNH\s+GỬI)\s*:", re.MULTILINE)


def _addressed_letter(hf: HeaderFacts, head: str) -> bool:
    """A công văn without a V/v line: no type line, a symbol of the issuer's code alone
    (``40/HCCV``, ``45/UBND``: no type code in it) and a ``Kính gửi:`` line."""
    sym = hf.symbol
    return (sym is not None and sym.old and sym.number is not None and "/" in sym.symbol
            and bool(_KINH_GUI.search(head)))


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
    # a later page with a header of its own is an attachment (the pipeline splits issued
    # documents apart): the fields come from the pages before it, citations from all
    cut = attachment_pages(clean)
    main = PAGE_JOIN.join(clean[:cut]) if cut else text
    if cut:
        facts.attachments = _attachments(clean, cut)
        for a in facts.attachments:
            what = " ".join(x for x in (a.doc_type, a.symbol) if x) or "no header fields"
            facts.warnings.append(f"pages {a.pages[0]}-{a.pages[1]}: attached document "
                                  f"({what}); not read for this document's fields")
    # the header is at the top; its regexes cost ~5 s/MB
    hf = parse_header(main[:HEADER_CHARS])
    facts.warnings.extend(hf.warnings)

    # number and symbol
    if hf.symbol is not None:
        facts.symbol = hf.symbol.symbol
        facts.number = hf.symbol.number
        if hf.symbol.number is None and not hf.number_unreadable:
            facts.warnings.append("number is blank: unnumbered draft")
    if facts.number is None and hf.number_unreadable and filename:
        hint = _number_from_filename(filename, hf.symbol.symbol if hf.symbol else None)
        if hint and hf.symbol is not None and _printed_digits_disagree(main, hf.symbol.start, hint):
            hint = None
        if hint:
            facts.number = hint
            if facts.symbol and facts.symbol.startswith("/"):
                facts.symbol = hint + facts.symbol
            facts.fallbacks["number"] = f"filename: {PurePath(filename).name}"
            facts.warnings.append("number taken from the file name")

    # type: the type line decides; else a type code in the symbol (``03/BC-…`` is a báo
    # cáo even under a V/v line: a công văn's symbol opens with its issuer, vn-format §1);
    # else a V/v line makes a công văn
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
    elif sym_type:
        facts.doc_type, facts.doc_type_name = sym_type, type_name(sym_type)
        if hf.vv and sym_type != "CV":
            facts.warnings.append(f"doc_type: a V/v line, the symbol says {sym_type}")
    elif hf.vv or _addressed_letter(hf, main[:HEADER_CHARS]):
        facts.doc_type, facts.doc_type_name = "CV", STATE_CODES["CV"]
    elif hf.symbol is not None and hf.symbol.year and re.match(r"^(?:QH|UBTVQH)\d+$", (hf.symbol.issuers or [""])[0]):
        facts.doc_type, facts.doc_type_name = "Luật", "Luật"

    facts.date = hf.date
    facts.place = hf.place
    facts.issuer = hf.issuer
    facts.parent_issuer = hf.parent_issuer
    facts.subject = hf.subject
    facts.title_block = title_block_of(hf)
    facts.issuers = hf.issuers or ([hf.issuer] if hf.issuer else [])
    facts.received = [Received(k, n, d, t, where.span(text, at, at).page) for k, n, d, t, at in hf.stamps]
    facts.review.extend(ReviewItem(f, r, detail=d) for f, r, d in hf.review)

    party = bool(hf.symbol and hf.symbol.party) or hf.party_motto
    # a scan's footer: OCR debris of seals and signature strokes around the name
    scanned = any(p.ocr for p in layout)
    block = find_signer_block(main, party=party, ocr=scanned)
    if block is not None:
        facts.signer = block.signer
        s, e = block.name_span or (block.start, block.end)
        facts.provenance["signer"] = where.span(text, s, e)
        if scanned and block.signer.name is None:
            # a scan's signer block without a name OCR could read surely (a signature
            # across it): empty rather than a wrong name, and the officer is told
            facts.review.append(ReviewItem("signer", "low_confidence",
                                           facts.provenance["signer"].page,
                                           detail=f"OCR: {block.debris}" if block.debris else None))
        elif scanned and block.debris:
            # the garbled name line matched to the one name the document writes for it
            facts.fallbacks["signer"] = f"OCR: {block.debris}; the name as the text writes it"
            facts.warnings.append("signer name completed from the document's text")

    recipients, rspan = find_recipients(main)
    facts.recipients = recipients
    if recipients and rspan is not None:
        facts.provenance["recipients"] = where.span(text, *rspan)

    facts.cited = find_citations(
        text,
        own_symbol=facts.symbol,
        locate=lambda s, e: where.span(text, s, e),
        warnings=facts.warnings,
        own_span=hf.spans["symbol"][:2] if "symbol" in hf.spans else None,
        ocr=scanned,
    )
    facts.tasks = find_tasks(main)

    for name, (s, e, _t) in hf.spans.items():
        facts.provenance[name] = where.span(text, s, e)
        if name == "symbol" and "number" not in facts.fallbacks:
            facts.provenance["number"] = where.span(text, s, e)
    if layout:
        _use_signatures(facts, layout, date_unreadable=hf.date_unreadable)
    check_layout(facts, layout, clean, filename)
    return facts


# the certificate of a body (the văn thư's) rather than of a person
_BODY_WORDS = re.compile(
    r"^(?:so|bo|uy ban|ubnd|hdnd|hoi dong|van phong|cong an|hoi|hiep hoi|trung tam|cuc|"
    r"chi cuc|tong cuc|ban|phong|dang|tinh uy|huyen uy|thanh uy|dang uy|cong ty|tap doan|"
    r"tong cong ty|truong|benh vien|quy|lien doan|lien hiep|doan|mat tran|toa an|vien|"
    r"chinh phu|thu tuong chinh phu|quoc hoi|kiem toan|ngan hang|kho bac|chi nhanh|"
    r"thanh pho|tinh|huyen|xa|phuong|thi xa|dai hoc|hoc vien|tong lien doan)\b")


def _is_person(name: str | None) -> bool:
    if not name or any(c.isdigit() or c == "@" for c in name):
        return False
    words = fold(name).split()
    return 2 <= len(words) <= 6 and not _BODY_WORDS.match(" ".join(words))


def _same_body(cert: str | None, issuer: str | None) -> bool:
    if not cert or not issuer:
        return False
    a, b = f" {' '.join(fold(cert).split())} ", f" {' '.join(fold(issuer).split())} "
    return a in b or b in a


def _use_signatures(facts: Facts, layout: list[Page], *, date_unreadable: bool) -> None:
    """Copy the pages' signature fields; let them confirm the signer and, on a born-digital
    PDF, fill a day the text leaves blank (a fallback, never over a printed date)."""
    ocr_pages = {p.number for p in layout if p.ocr}
    for page in layout:
        for sig in page.signatures:
            facts.signatures.append(sig if sig.page is not None else replace(
                sig, page=page.number))
    if not facts.signatures:
        return
    # signatures of the born-digital pages: a scan's or a copy's signature is the copier's
    own = [s for s in facts.signatures
           if s.page not in ocr_pages and "sao y" not in fold(s.stamp_text or "")]
    people = [s for s in own if _is_person(s.name)]
    name = facts.signer.name if facts.signer else None
    certified = list(dict.fromkeys(_person_name(s.name) for s in people if s.name))
    if facts.signer is not None and not name and len(certified) == 1 \
            and not certified[0].isascii():
        # a signer block without a readable name line, signed by one person: the name the
        # certificate gives (an ASCII-only name would lose its diacritics: not used)
        facts.signer.name = certified[0]
        facts.fallbacks["signer"] = f"signature certificate: {people[0].name}"
        facts.warnings.append("signer name taken from the signature certificate")
    elif name and people and not any(_same_person(s.name, name) for s in people):
        seen = ", ".join(dict.fromkeys(s.name or "" for s in people))
        facts.warnings.append(f"signer: the signature certificate names {seen}, not {name}")
        facts.review.append(ReviewItem("signer", "conflict", people[0].page,
                                       f"chứng thư chữ ký số: {seen}"))
    _date_from_signature(facts, own, date_unreadable,
                         {i + 1 for i, p in enumerate(layout) if p.ocr})


def _person_name(cert: str) -> str:
    """``VƯƠNG QUỐC TUẤN`` -> ``Vương Quốc Tuấn`` (a name in capitals, as certificates
    often write it); a name in mixed case is kept."""
    words = cert.split()
    if all(w.isupper() for w in words):
        words = [w.capitalize() for w in words]
    return " ".join(words)


def _same_person(cert: str | None, name: str) -> bool:
    return cert is not None and fold(cert).split() == fold(name).split()


def _date_from_signature(facts: Facts, own: list[Signature], date_unreadable: bool,
                         ocr_pages: set[int]) -> None:
    """The issuing body's signing day for a numbered document whose printed day is blank."""
    partial = facts.date
    if date_unreadable or facts.number is None or not partial or len(partial) >= 10:
        return
    line = facts.provenance.get("date")
    if line is None or line.page in ocr_pages:  # a scan's date line: never from a signature
        return
    bodies = sorted((s for s in own if s.time and (_same_body(s.name, facts.issuer)
                                                   or _same_body(s.org, facts.issuer))
                     and not _is_person(s.name)), key=lambda s: s.time or "")
    for sig in bodies:
        day = (sig.time or "")[:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and day.startswith(partial):
            facts.date = day
            facts.fallbacks["date"] = f"signature: {sig.name} {sig.time}"
            facts.warnings.append("date: the day is blank; taken from the issuing body's "
                                  "signing time")
            return


def _attachments(pages: list[str], cut: int) -> list[Attachment]:
    """The attached documents from page ``cut`` (0-based) on, one per header."""
    starts = [cut] + [k for k in range(cut + 1, len(pages)) if starts_document(pages[k])]
    out = []
    for i, first in enumerate(starts):
        last = starts[i + 1] if i + 1 < len(starts) else len(pages)
        hf = parse_header(PAGE_JOIN.join(pages[first:last]))
        out.append(Attachment(
            pages=[first + 1, last],
            doc_type=hf.type_code or (hf.symbol.doc_type if hf.symbol else None),
            symbol=hf.symbol.symbol if hf.symbol else None, subject=hf.subject))
    return out


def _printed_digits_disagree(text: str, symbol_start: int, hint: str) -> bool:
    """Whether the unreadable number of the Số line still shows digits (``Số: 138-12/PT-NC``)
    that are not the file name's number: then the file name tells about something else."""
    line = text[text.rfind("\n", 0, symbol_start) + 1 : symbol_start]
    line = line[line.rfind("Số") + 2:] if "Số" in line else line
    printed = re.findall(r"\d+", line)
    return bool(printed) and all(int(d) != int(hint) for d in printed)


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
