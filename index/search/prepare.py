"""A :class:`~evidence.model.Document` reduced to its index fields (:func:`prepare`, pure):
what every engine indexes, through :func:`evidence.index.search.ranking.field_values`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from evidence.index.search.analysis import analyze, start_keys, symbol_keys
from evidence.index.search.types import IndexedDoc

if TYPE_CHECKING:
    from evidence.model import Document

__all__ = ["MAX_INDEXED_CHARS", "number_key", "prepare"]

#: characters of a document's text the index reads (2,000 dense pages); the rest stays in
#: the catalogue (``show``, ``check``) but is not searchable
MAX_INDEXED_CHARS = 4_000_000


def number_key(number: str | None) -> str | None:
    """The number a document bears, as the index keys it: its leading digits without
    leading zeros (``05`` and ``05/CT-UBND`` -> ``5``); None without one."""
    m = re.match(r"\s*0*(\d+)", number or "")
    return (m.group(1) or "0") if m else None


def _title(type_name: str | None, subject: str | None) -> str:
    """The type name before the subject, unless the subject already begins with it."""
    from evidence.extract.normalize import clean_text, fold

    subject = subject or ""
    if not type_name:
        return subject
    name = clean_text(type_name)
    return subject if fold(subject).startswith(fold(name)) else f"{name} {subject}".strip()


def _with_title(text: str, title: str) -> str:
    """The text, followed by the title when its words are not all in the text."""
    from evidence.extract.normalize import fold

    if not title or title in text:
        return text
    words = set(fold(text).split())
    return text if all(w in words for w in fold(title).split()) else f"{text}\n{title}"


def _datenum(date: str | None) -> int:
    """``2023-01-17`` -> 20230117, ``2023-10`` -> 20231000, ``2023`` -> 20230000, else 0."""
    if not date:
        return 0
    parts = date.split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 0
        d = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        return 0
    return y * 10000 + m * 100 + d


def prepare(doc: Document) -> IndexedDoc:
    """Reduce a :class:`~evidence.model.Document` to its index fields (pure)."""
    from evidence.extract.normalize import clean_text, fold

    f = doc.facts
    # the catalogue keeps every page; the index reads the first MAX_INDEXED_CHARS, so
    # indexing one huge text cannot take the writing process's memory (~30 bytes a char)
    text = clean_text(doc.text[:MAX_INDEXED_CHARS])
    subject = clean_text(f.subject) if f.subject else None
    from evidence.extract.doctypes import type_name
    from evidence.extract.symbols import symbol_key

    # shown as printed (``05/CT-UBND``); only the keys are normalised
    symbol = " ".join(clean_text(f.symbol).split()) if f.symbol else None
    keys = symbol_keys(symbol_key(symbol))
    keys += [k for k in symbol_keys(symbol) if k not in keys]
    issuers = " ".join(x for x in (f.issuer, f.parent_issuer) if x)
    datenum = _datenum(f.date)
    subj = analyze(subject or "", clean=False)
    # the title is the type name and the subject ("Kế hoạch" + "Cải cách hành chính năm
    # 2023"): officers type both; the subject's own start stays a start key
    title_text = _title(f.doc_type_name or type_name(f.doc_type), subject)
    title = analyze(title_text, clean=False)
    starts = start_keys(title.folded)[:1]
    return IndexedDoc(
        id=doc.id, symbol=symbol, symkeys=keys, numkey=number_key(f.number or symbol),
        doc_type=f.doc_type,
        type_key=fold(f.doc_type) if f.doc_type else "",
        year=datenum // 10000, datenum=datenum, date=f.date,
        issuer=f.issuer, issuer_terms=analyze(issuers).folded if issuers else [],
        place=f.place, path=doc.path, subject=subject,
        subj=title, subj_start=starts + [k for k in start_keys(subj.folded) if k not in starts],
        # the body's terms include the title's (search "anywhere" looks at the body only)
        body=analyze(_with_title(text, title_text), clean=False),
        text=text,
    )
