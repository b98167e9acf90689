"""The data passed between stages. ``Document.to_dict()`` is the contract's JSON shape.

See ``../shared/spec/contract.md`` ("Document"). Field names here are the contract's; add
fields freely, never rename or drop one.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from .messages import translate_all


@dataclass
class Span:
    """Where an extracted value came from: 1-based page, character offsets in that page."""

    page: int
    start: int
    end: int
    text: str
    # where on the page, for OCR'd or positioned text: [x0, y0, x1, y1] as fractions of the
    # page (0-1, origin top left), whatever the resolution (contract additions)
    box: list[float] | None = None


@dataclass
class Signer:
    name: str | None = None
    position: str | None = None
    authority: str | None = None
    authority_chain: list[str] = field(default_factory=list)
    rank: str | None = None  # a rank or academic title printed before the name ("Thượng tướng")


@dataclass
class Received:
    """A number or date printed on the document that is not the document's own: an
    incoming stamp ("ĐẾN Số: 1234 Ngày 05/06/2025"), a copy certification ("SAO Y …"), a
    signature timestamp ("Ký bởi … Ngày ký: …"), a forwarded copy's page header."""

    kind: str  # incoming | copy | signed | forwarded
    number: str | None = None
    date: str | None = None  # ISO (possibly partial) date
    text: str = ""
    page: int | None = None


@dataclass
class Signature:
    """One signature field of a signed PDF (contract additions, ``signatures``).

    Read from the file, not the text: no claim of cryptographic validity is made."""

    name: str | None = None  # certificate subject CN
    org: str | None = None  # certificate subject O (the văn thư's certificate names a body)
    time: str | None = None  # ISO 8601 with offset, "2025-12-15T20:18:21+07:00"
    page: int | None = None  # 1-based page of the widget
    box: list[float] | None = None  # widget rectangle, fractions of the page, origin top left
    stamp_text: str | None = None  # the visible appearance text
    covers_whole_file: bool | None = None  # signed byte range reaches the end of the file


@dataclass
class ReviewItem:
    """A field left empty or uncertain, for the officer to check (contract ``review``).

    ``reason``: handwritten | low_confidence | stamp_only | garbage_text | conflict.
    A field blank by design (an unnumbered draft) is not a review item."""

    field: str
    reason: str
    page: int | None = None
    detail: str | None = None  # what was seen, e.g. the OCR reading that was not trusted


@dataclass
class Correction:
    """An officer's correction of one field, applied over extraction (contract ``corrections``)."""

    field: str
    value: Any
    was: Any = None
    at: str | None = None  # ISO timestamp
    note: str | None = None
    stale: bool = False  # the file at its path now holds other content
    confirmed: bool = False  # the officer confirmed the extracted value (a review item was right)


@dataclass
class ManualLink:
    """An officer's decision that a document does (``counts``) or does not count for a
    requirement of a criteria catalogue. Overrides the content match only."""

    catalogue: str  # the catalogue's id
    requirement: str  # requirement id, "1.1-a"
    doc_id: str
    counts: bool = True
    note: str | None = None
    at: str | None = None


@dataclass
class Citation:
    doc_type: str | None
    number: str | None
    symbol: str
    date: str | None = None
    issuer: str | None = None
    text: str = ""
    cited_as: str | None = None  # the type word in the text ("Quyết định") when present
    span: Span | None = None


@dataclass
class Task:
    id: str
    text: str
    assignees: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO (possibly partial) date
    deadline_text: str | None = None
    recurring: bool = False
    span: Span | None = None


@dataclass
class Attachment:
    """A document attached to this one in the same file — the draft a tờ trình submits, an
    annex with its own header — recorded, searchable with this document's text, never the
    source of its fields and never a second issued document."""

    pages: list[int]  # [first, last], 1-based within the document
    doc_type: str | None = None
    symbol: str | None = None  # as printed ("/QĐ-UBND" for an unnumbered draft)
    subject: str | None = None


@dataclass
class Facts:
    """Everything ``extract`` finds in a document's text (pure function output)."""

    doc_type: str | None = None
    doc_type_name: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    signer: Signer | None = None
    recipients: list[str] = field(default_factory=list)
    cited: list[Citation] = field(default_factory=list)
    # every issuing body (joint documents: "Bộ Tài chính", "Bộ Nội vụ"); ``issuer`` is the first
    issuers: list[str] = field(default_factory=list)
    # numbers and dates stamped on the document that are not its own (incoming stamps, ...)
    received: list[Received] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # field name -> where it was read ("number", "date", "issuer", "subject", "signer", ...)
    provenance: dict[str, Span] = field(default_factory=dict)
    # field name -> how it was obtained when not read from the text ("filename" fallback)
    fallbacks: dict[str, str] = field(default_factory=dict)
    # signature fields of a signed PDF, copied from the pages (see Page.signatures)
    signatures: list[Signature] = field(default_factory=list)
    # fields left empty or uncertain, with the reason (handwritten, low_confidence, ...)
    review: list[ReviewItem] = field(default_factory=list)
    # the type line + the whole title block as printed (every trích yếu line up to the first
    # body line): what a document IS, for schema-v2 ``subject_*`` conditions
    title_block: str | None = None
    # documents attached to this one in the same file (see Attachment)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class FileRef:
    path: str
    pages: list[int] | None = None  # [first, last], 1-based inclusive; None = whole file


@dataclass
class Page:
    """One page of text as ingested (NFC). ``number`` is 1-based within its file."""

    number: int
    text: str
    ocr: bool = False
    confidence: float | None = None  # Tesseract mean word confidence 0-100 when OCR
    source: str | None = None  # file path when pages of one document come from several files
    # OCR word boxes of this page (fractions of the page, origin top left) when OCR'd
    words: list[Word] = field(default_factory=list)
    # coloured ink found on the page image: seals, pen marks (handwritten numbers and days)
    ink: list[InkMark] = field(default_factory=list)
    # an OCR'd page drawn from fonts and vector paths, no scanned picture on it (a
    # born-digital page whose text layer is broken): what it shows is type, never a pen
    drawn: bool = False
    # signature fields whose widget lies on this page (signed PDFs)
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class Word:
    """One OCR word: its text as it stands in ``Page.text`` from ``start`` to ``end``."""

    text: str
    conf: float  # 0-100
    box: list[float]  # [x0, y0, x1, y1], fractions of the page, origin top left
    start: int = -1  # offset in Page.text, -1 when not placed
    end: int = -1


@dataclass
class InkMark:
    """A region of coloured ink on a page image: ``kind`` seal | pen; ``color`` red | blue."""

    kind: str
    color: str
    box: list[float]  # fractions of the page, origin top left


@dataclass
class Document:
    id: str
    files: list[FileRef]
    path: str
    format: str  # pdf | docx | doc | image | txt | xlsx
    ocr: bool
    pages: int | None
    facts: Facts = field(default_factory=Facts)
    page_texts: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # ingest warnings (facts have their own)
    # the officer's corrections applied over ``facts`` (set by the store)
    corrections: list[Correction] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.page_texts)

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        f = self.facts
        out: dict[str, Any] = {
            "id": self.id,
            "files": [asdict(fr) for fr in self.files],
            "path": self.path,
            "format": self.format,
            "ocr": self.ocr,
            "pages": self.pages,
            "doc_type": f.doc_type,
            "doc_type_name": f.doc_type_name,
            "number": f.number,
            "symbol": f.symbol,
            "date": f.date,
            "place": f.place,
            "issuer": f.issuer,
            "parent_issuer": f.parent_issuer,
            "subject": f.subject,
            "signer": _signer_dict(f.signer),
            "recipients": list(f.recipients),
            "cited": [_citation_dict(c) for c in f.cited],
            "tasks": [_task_dict(t) for t in f.tasks],
            # Vietnamese texts for the officer, stable codes beside them (messages.py)
            "warnings": (warnings := translate_all([*self.warnings, *f.warnings]))[0],
            "warning_codes": warnings[1],
            "provenance": {k: asdict(v) for k, v in f.provenance.items()},
            "fallbacks": dict(f.fallbacks),
            "signatures": [asdict(sg) for sg in f.signatures],
            "review": [_review_dict(r) for r in f.review],
            "corrections": [asdict(c) for c in self.corrections],
        }
        if f.title_block:
            out["title_block"] = f.title_block
        if f.attachments:
            out["attachments"] = [asdict(a) for a in f.attachments]
        if f.issuers:
            out["issuers"] = list(f.issuers)
        if f.received:
            out["received"] = [asdict(r) for r in f.received]
        if include_text:
            out["text"] = [
                {"page": p.number, "text": p.text, "ocr": p.ocr, "confidence": p.confidence}
                for p in self.page_texts
            ]
        return out


def _signer_dict(s: Signer | None) -> dict[str, Any] | None:
    if s is None:
        return None
    d: dict[str, Any] = {"name": s.name, "position": s.position, "authority": s.authority}
    if s.authority_chain:
        d["authority_chain"] = list(s.authority_chain)
    if s.rank:
        d["rank"] = s.rank
    return d


def _review_dict(r: ReviewItem) -> dict[str, Any]:
    d: dict[str, Any] = {"field": r.field, "reason": r.reason}
    if r.page is not None:
        d["page"] = r.page
    if r.detail:
        d["detail"] = r.detail
    return d


def _citation_dict(c: Citation) -> dict[str, Any]:
    d: dict[str, Any] = {
        "doc_type": c.doc_type,
        "number": c.number,
        "symbol": c.symbol,
        "date": c.date,
        "issuer": c.issuer,
        "text": c.text,
    }
    if c.cited_as:
        d["cited_as"] = c.cited_as
    if c.span:
        d["span"] = asdict(c.span)
    return d


def _task_dict(t: Task) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": t.id,
        "text": t.text,
        "assignees": list(t.assignees),
        "coordinators": list(t.coordinators),
        "deadline": t.deadline,
    }
    if t.deadline_text:
        d["deadline_text"] = t.deadline_text
    if t.recurring:
        d["recurring"] = True
    if t.span:
        d["span"] = asdict(t.span)
    return d


def facts_from_dict(d: dict[str, Any]) -> Facts:
    """Inverse of the facts part of :meth:`Document.to_dict` (used by the catalogue)."""
    signer = d.get("signer")
    return Facts(
        doc_type=d.get("doc_type"),
        doc_type_name=d.get("doc_type_name"),
        number=d.get("number"),
        symbol=d.get("symbol"),
        date=d.get("date"),
        place=d.get("place"),
        issuer=d.get("issuer"),
        parent_issuer=d.get("parent_issuer"),
        subject=d.get("subject"),
        signer=Signer(
            name=signer.get("name"),
            position=signer.get("position"),
            authority=signer.get("authority"),
            authority_chain=list(signer.get("authority_chain") or []),
            rank=signer.get("rank"),
        ) if signer else None,
        recipients=list(d.get("recipients") or []),
        cited=[
            Citation(
                doc_type=c.get("doc_type"), number=c.get("number"), symbol=c["symbol"],
                date=c.get("date"), issuer=c.get("issuer"), text=c.get("text", ""),
                cited_as=c.get("cited_as"),
                span=Span(**c["span"]) if c.get("span") else None,
            )
            for c in d.get("cited") or []
        ],
        tasks=[
            Task(
                id=t["id"], text=t["text"], assignees=list(t.get("assignees") or []),
                coordinators=list(t.get("coordinators") or []), deadline=t.get("deadline"),
                deadline_text=t.get("deadline_text"), recurring=bool(t.get("recurring")),
                span=Span(**t["span"]) if t.get("span") else None,
            )
            for t in d.get("tasks") or []
        ],
        warnings=list(d.get("warnings") or []),
        provenance={k: Span(**v) for k, v in (d.get("provenance") or {}).items()},
        fallbacks=dict(d.get("fallbacks") or {}),
        signatures=[Signature(**sg) for sg in d.get("signatures") or []],
        review=[ReviewItem(**r) for r in d.get("review") or []],
        title_block=d.get("title_block"),
        attachments=[Attachment(**a) for a in d.get("attachments") or []],
        issuers=list(d.get("issuers") or []),
        received=[Received(**r) for r in d.get("received") or []],
    )


def part_id(parts: list[tuple[str, int, int]]) -> str:
    """Id of a document that is part of a file or spans several: sha256 over
    ``(file sha256, first page, last page)`` triples, per the contract."""
    h = hashlib.sha256()
    for sha, first, last in parts:
        h.update(f"{sha}:{first}-{last};".encode())
    return h.hexdigest()
