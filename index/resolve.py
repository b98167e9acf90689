"""The one reference resolver of ``show``, ``fix``, ``link`` and ``remove``.

A reference is anything search accepts for a document:

- a document id, or an id prefix of at least 6 hex digits (``9f2c1a``);
- a symbol as printed (``111/KH-UBND``), in any case, spacing or dash form
  (``111 kh ubnd``, ``111-KH-UBND``, ``KH-UBND 111``), NFC or NFD; a leading part of one
  (``111 KH``) matches every symbol that begins so;
- a bare number (``111``): every document with that number;
- a file path (absolute or relative; the documents of that file).

Every reading of the reference is tried and the candidates pooled, so ``111111`` is both a
number and an id prefix. One candidate: that document. None: :class:`NotFound`. Several:
:class:`Ambiguous`, whose one-line message is followed by one line per candidate — id
prefix, symbol, date, issuer, subject and file — so the officer can pick by id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.errors import Ambiguous as _AmbiguousBase
from evidence.errors import NotFound
from evidence.extract.dates import vn_date
from evidence.model import Document

if TYPE_CHECKING:
    from evidence.index.catalogue import Catalogue

__all__ = ["Ambiguous", "candidate_line", "find_candidates", "resolve"]

_HEX = re.compile(r"[0-9a-f]{6,64}")


class Ambiguous(_AmbiguousBase):
    """A reference that matches several documents; ``details`` lists them."""

    def __init__(self, ref: str, candidates: Sequence[Document]) -> None:
        super().__init__(
            f"{len(candidates)} văn bản khớp; chọn một bằng mã (id) ở đầu dòng hoặc số ký "
            "hiệu đầy đủ", subject=ref)
        self.candidates = list(candidates)
        self.details = [candidate_line(d) for d in self.candidates]


def candidate_line(doc: Document) -> str:
    """One line naming a document for the officer: id prefix, symbol, date (dd/mm/yyyy),
    issuer, subject, file name."""
    f = doc.facts
    parts = [doc.id[:12], f.symbol or "(không số)", vn_date(f.date) or "(không ngày)",
             f.issuer or "(không rõ cơ quan)", _short(f.subject) or "(không trích yếu)",
             Path(doc.path).name if doc.path else ""]
    return "  ".join(p for p in parts if p)


def _short(text: str | None, n: int = 80) -> str | None:
    if not text:
        return None
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def _tokens(text: str) -> list[str]:
    """Folded letter/digit parts of a symbol-like text, leading zeros dropped, the number
    first (:func:`evidence.index.search.analysis.symbol_keys`' parts)."""
    from evidence.extract.normalize import clean_text, fold

    parts = [p.lstrip("0") or "0" if p.isdigit() else p
             for p in re.findall(r"[^\W_]+", fold(clean_text(text)))]
    if parts and not parts[0][:1].isdigit():
        i = next((i for i, p in enumerate(parts) if p[:1].isdigit()), None)
        if i is not None:
            parts = [parts[i], *parts[:i], *parts[i + 1:]]
    return parts


def find_candidates(catalogue: Catalogue, ref: str) -> list[Document]:
    """Every stored document ``ref`` may mean (see the module docstring), most recent
    first; an empty list when none."""
    ref = unicodedata.normalize("NFC", ref).strip()
    if not ref:
        return []
    low = ref.lower()
    exact = catalogue.get_document(low, with_pages=False) if len(low) == 64 else None
    if exact is not None:
        return [exact]
    ids: dict[str, None] = {}
    for i in _symbol_ids(catalogue, ref):
        ids[i] = None
    if _HEX.fullmatch(low):
        for i in catalogue.ids_with_prefix(low):
            ids[i] = None
    for i in catalogue.ids_at_path(ref):
        ids[i] = None
    docs = catalogue.documents(list(ids), with_pages=False)
    docs.sort(key=lambda d: (d.facts.date or "", d.id), reverse=True)
    return docs


def _symbol_ids(catalogue: Catalogue, ref: str) -> list[str]:
    toks = _tokens(ref)
    if not toks or not toks[0].isdigit():
        return []
    rows = catalogue.symbols_with_number(toks[0])
    if len(toks) == 1:  # a bare number
        return [doc_id for doc_id, _symbol in rows]
    keyed = [(doc_id, _tokens(symbol or "")) for doc_id, symbol in rows]
    whole = [doc_id for doc_id, t in keyed if t == toks]
    if whole:
        return whole
    return [doc_id for doc_id, t in keyed if t[:len(toks)] == toks]


def resolve(catalogue: Catalogue, ref: str) -> Document:
    """The one stored document ``ref`` names (with its page texts).

    Raises:
        NotFound: nothing matches.
        Ambiguous: several documents match (listed in ``details``).
    """
    found = find_candidates(catalogue, ref)
    if not found:
        raise NotFound("không tìm thấy văn bản", subject=ref)
    if len(found) > 1:
        raise Ambiguous(ref, found)
    doc = catalogue.get_document(found[0].id)
    assert doc is not None
    return doc
