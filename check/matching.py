"""Per-condition matchers: does one document satisfy one requirement, and if not, why.

A requirement's conditions fall in two kinds (contract, "Verdicts"):

- **content** (:class:`KeywordIndex`): doc_type, the word rules (:func:`word_rules`: schema
  2 ``subject_*`` on what the document IS — :attr:`DocView.identity`, its type name and
  title block — and ``body_*`` on what it SAYS; schema 1 ``keywords_*`` anywhere), year.
  A document that matches the content is a candidate: the officer meant it.
- **formal** (:func:`formal_failures`): the date window, the number, the signature, the
  issuer, the annex, the citations and the stated figure. Each failure is a
  :class:`Failure` with a stable code and a Vietnamese sentence naming the document.

Documents are wrapped once in a :class:`DocView` that folds and keys their text lazily and
caches keyword answers, so a 55-criterion catalogue over 5,000 documents folds every text
once. Keywords are searched as exact substrings of the folded word key; in OCR'd text a
keyword that is not found exactly is searched again with ``rapidfuzz.fuzz.partial_ratio``
at :data:`FUZZY_THRESHOLD` (measured: ``bench/check_ocr_threshold.py``, docs/check.md).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from evidence.check.criteria import Requirement
from evidence.check.numeric import FigureIndex, FigureMatch, compare, format_number
from evidence.check.text import match_key
from evidence.extract.doctypes import type_name
from evidence.extract.normalize import fold, fold_keep_length
from evidence.extract.symbols import symbol_key
from evidence.extract.title import title_block
from evidence.model import Document
from rapidfuzz import fuzz

__all__ = [
    "FUZZY_THRESHOLD",
    "DocView",
    "Failure",
    "KeywordIndex",
    "WordRule",
    "content_reasons",
    "formal_failures",
    "formal_reasons",
    "format_date",
    "issuer_key",
    "normalize_symbol_key",
    "signer_in_text",
    "type_keys",
    "word_rules",
]

#: rapidfuzz partial_ratio cut-off for keywords in OCR'd text (measured, docs/check.md:
#: recall 0.959 -> 0.975 against a false-positive rate of 0.001 -> 0.012)
FUZZY_THRESHOLD = 94
_FUZZY_MIN_LEN = 8  # shorter keys ("rà soát") are only matched exactly
_HEADER_CHARS = 700
_YEAR = r"(?:19|20)\d\d"
_YEAR_RANGE = re.compile(rf"(?<!\d)({_YEAR})(?:\s*(?:-|den|toi)\s*(?:nam\s*)?({_YEAR}))?(?!\d)")
_BODY_YEAR = re.compile(rf" nam ({_YEAR}) ")
_ANNEX_HEADING = re.compile(r"^\s*(?:PHỤ\s*LỤC|PHU\s*LUC|DANH\s*MỤC|BIỂU\s*(?:MẪU|SỐ))\b", re.MULTILINE)
_ANNEX_NAME = ("phu luc", "phuluc", "danh muc", "annex", "bieu mau")
_ANNEX_FORMATS = {"xlsx", "xls", "csv"}


@dataclass(frozen=True)
class Failure:
    """One failed formal condition of one document."""

    code: str  # late | early | unnumbered | unsigned | wrong_issuer | annex_missing | below_target | not_cited | unconfirmed
    message: str  # Vietnamese sentence naming the document
    quote: str | None = None  # the line of the document that decided it
    condition: str | None = None  # the condition it fails (default: from the code)

    @property
    def cond(self) -> str:
        return self.condition or _CODE_CONDITION.get(self.code, self.code)


_CODE_CONDITION = {"late": "date", "early": "date", "unnumbered": "number", "unsigned": "signer",
                   "wrong_issuer": "issuer", "annex_missing": "annex", "not_cited": "citation",
                   "below_target": "figure"}


@lru_cache(maxsize=8192)
def normalize_symbol_key(symbol: str) -> str:
    """Comparison key of a symbol (:func:`evidence.extract.symbols.symbol_key`), cached."""
    return symbol_key(symbol) or ""


def format_date(iso: str | date | None) -> str:
    """``2023-03-20`` -> ``20/03/2023``; partial ``2023-12`` -> ``tháng 12/2023``."""
    if iso is None:
        return "không rõ ngày"
    if isinstance(iso, date):
        return iso.strftime("%d/%m/%Y")
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"tháng {parts[1]}/{parts[0]}"
    return f"năm {parts[0]}"


class DocView:
    """A document with the keys the matchers need, computed on first use."""

    def __init__(self, doc: Document, order: int = 0) -> None:
        self.doc = doc
        self.order = order
        f = doc.facts
        self.type_key = fold(f.doc_type).strip() if f.doc_type else None
        self.is_ocr = bool(doc.ocr or any(p.ocr for p in doc.page_texts))
        self.folder = str(Path(doc.path).parent) if doc.path else ""
        self._kw: dict[tuple[str, str], bool] = {}

    # -- text keys ------------------------------------------------------------------------
    @cached_property
    def text(self) -> str:
        """The whole text, NFC (tests and some parsers may hand NFD)."""
        t = self.doc.text
        return t if unicodedata.is_normalized("NFC", t) else unicodedata.normalize("NFC", t)

    @cached_property
    def key(self) -> str:
        """Subject and body as one folded word key (see :func:`match_key`)."""
        return match_key((self.doc.facts.subject or "") + "\n" + self.text)

    @cached_property
    def identity(self) -> str:
        """What the document IS: its type name and its whole title block as printed
        (``Facts.title_block``; computed from the stored text for documents stored before
        the field existed), else its subject. A subject the officer corrected is added."""
        f = self.doc.facts
        block = f.title_block if f.title_block is not None else title_block(self.text)
        parts = [type_name(f.doc_type) or f.doc_type_name or "", block or f.subject or ""]
        if block and f.subject and any(c.field == "subject" for c in self.doc.corrections):
            parts.append(f.subject)
        return "\n".join(p for p in parts if p)

    @cached_property
    def trich_yeu(self) -> str:
        """The title block without its type line (a V/v line is kept), on one line."""
        lines = self.identity.split("\n")[1:] if self.identity else []
        f = self.doc.facts
        if lines and type_name(f.doc_type) is not None and not re.match(r"(?i)[VW]\s?[/⁄|]\s?v|về việc", lines[0]) \
                and len(lines) > 1:
            lines = lines[1:]  # the printed type line ("KẾ HOẠCH")
        return " ".join(" ".join(lines).split()) or (f.subject or "")

    @cached_property
    def identity_key(self) -> str:
        return match_key(self.identity)

    @cached_property
    def name(self) -> str:
        return Path(self.doc.path).name if self.doc.path else ""

    @cached_property
    def annex_like(self) -> bool:
        """Whether this document looks like an annex: no number of its own, a spreadsheet,
        an annex-like file name, or a ``PHỤ LỤC``/``DANH MỤC`` heading at the top."""
        return (not self.doc.facts.number or self.doc.format in _ANNEX_FORMATS
                or _annex_named(self.name) or bool(_ANNEX_HEADING.match(self.text[:300].lstrip())))

    @cached_property
    def figures(self) -> FigureIndex:
        return FigureIndex(self.text)

    @cached_property
    def subject_key(self) -> str:
        return match_key(self.doc.facts.subject or "")

    @cached_property
    def header_key(self) -> str:
        return match_key(self.text[:_HEADER_CHARS])

    @cached_property
    def issuer_key(self) -> str:
        f = self.doc.facts
        return " ".join(issuer_key(x) for x in (f.issuer, f.parent_issuer) if x) or " "

    def field_key(self, where: str) -> str:
        """The key a word rule is matched in: ``identity`` or ``text`` (subject + body)."""
        return self.identity_key if where == "identity" else self.key

    def has(self, kw_key: str, where: str = "text") -> bool:
        """Whether the keyword key occurs in the text or the identity (fuzzily when the
        text is OCR'd: the keyword, never shorter than what it is searched in)."""
        cache = (where, kw_key)
        hit = self._kw.get(cache)
        if hit is None:
            hay = self.field_key(where)
            hit = kw_key in hay
            if not hit and self.is_ocr:
                hit = fuzzy_in(kw_key, hay)
            self._kw[cache] = hit
        return hit

    # -- dates and years ------------------------------------------------------------------
    @cached_property
    def date_range(self) -> tuple[date, date] | None:
        """Earliest and latest day the (possibly partial) issue date can be."""
        return _iso_range(self.doc.facts.date)

    @cached_property
    def subject_years(self) -> list[tuple[int, int]]:
        subj = fold(self.doc.facts.subject or "")
        out = []
        for m in _YEAR_RANGE.finditer(subj):
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            out.append((lo, max(lo, hi)))
        return out

    @cached_property
    def body_years(self) -> frozenset[int]:
        return frozenset(int(y) for y in _BODY_YEAR.findall(self.key))

    def about_year(self, year: int) -> bool:
        """Whether the document is about ``year``.

        The subject names it (or a range covering it: ``giai đoạn 2021-2025``); or it was
        issued that year and its subject does not name only later years (a 2024 plan
        issued in December 2023 is about 2024); or, undated or issued in the first quarter
        of the next year (annual reports), its body speaks of ``năm <year>``.
        """
        sy = self.subject_years
        if any(lo <= year <= hi for lo, hi in sy):
            return True
        if sy and all(lo > year for lo, _ in sy):
            return False
        rng = self.date_range
        if rng is not None and rng[0].year <= year <= rng[1].year:
            return True
        if rng is None or (rng[0].year == year + 1 and rng[0].month <= 3):
            return year in self.body_years
        return False

    # -- identity -------------------------------------------------------------------------
    @cached_property
    def symbol_key(self) -> str | None:
        s = self.doc.facts.symbol
        return normalize_symbol_key(s) if s else None

    @cached_property
    def dedup_key(self) -> tuple[str, ...]:
        """Documents count once per issuer + symbol + date (a DOCX and its scan are one).
        Unnumbered drafts also need the same subject; without a symbol, the id."""
        f = self.doc.facts
        if not f.symbol:
            return ("id", self.doc.id)
        issuer = self.issuer_key.strip()
        if f.number is None:
            return ("draft", issuer, self.symbol_key or "", f.date or "",
                    match_key(f.subject or "").strip())
        return ("doc", issuer, self.symbol_key or "", f.date or "")

    @cached_property
    def cited_keys(self) -> dict[str, str]:
        """Normalised symbols this document cites -> the citing text."""
        return {normalize_symbol_key(c.symbol): (c.text or c.symbol) for c in self.doc.facts.cited
                if c.symbol}

    @property
    def label(self) -> str:
        """How a problem sentence names the document."""
        f = self.doc.facts
        if f.symbol and f.number:
            return f"Văn bản {f.symbol}"
        subject = f" «{_short(f.subject)}»" if f.subject else ""
        if f.symbol:
            return f"Dự thảo {f.symbol}{subject}"
        name = Path(self.doc.path).name if self.doc.path else self.doc.id[:12]
        return f"Tệp {name}{subject}"

    @property
    def short_name(self) -> str:
        """The document's symbol, else its file name (reasons, lists)."""
        f = self.doc.facts
        return f.symbol or self.name or self.doc.id[:12]

    @property
    def ref(self) -> str:
        """How ``evidence fix`` names the document: its symbol when numbered, else its id."""
        f = self.doc.facts
        return f.symbol if f.symbol and f.number else self.doc.id[:12]

    @cached_property
    def doubtful(self) -> dict[str, str]:
        """Conditions whose field is under review (``Facts.review``; a field the officer
        corrected or confirmed is no longer in doubt) -> the review reason."""
        corrected = {c.field.split(".")[0] for c in self.doc.corrections}
        out: dict[str, str] = {}
        for r in self.doc.facts.review:
            cond = _REVIEW_FIELDS.get(r.field)
            if cond and r.field.split(".")[0] not in corrected and cond not in corrected:
                out.setdefault(cond, r.reason)
        return out

    def date_quote(self) -> str | None:
        span = self.doc.facts.provenance.get("date")
        return " ".join(span.text.split()) if span and span.text else None


# -- content ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WordRule:
    """One list of phrases of a requirement and where it is matched.

    ``condition`` names it in reasons (``subject``, ``subject_none``, ``body``,
    ``keywords``); ``where`` is ``identity`` (type name + title block) or ``text``;
    ``mode`` is ``all``, ``any`` or ``none``."""

    condition: str
    where: str
    mode: str
    words: tuple[str, ...]
    keys: tuple[str, ...]

    def holds(self, hits: Iterable[bool]) -> bool:
        """The rule on per-key hits (``keys`` is never empty: empty rules are dropped)."""
        if self.mode == "all":
            return all(hits)
        if self.mode == "any":
            return any(hits)
        return not any(hits)


@lru_cache(maxsize=4096)
def word_rules(req: Requirement) -> tuple[WordRule, ...]:
    """The requirement's word rules: schema 2 ``subject_*`` (identity) and ``body_*``
    (text), schema 1 ``keywords_*`` (text); empty lists are dropped."""
    spec = (("keywords", "text", "all", req.keywords_all), ("keywords", "text", "any", req.keywords_any),
            ("subject", "identity", "all", req.subject_all), ("subject", "identity", "any", req.subject_any),
            ("subject_none", "identity", "none", req.subject_none),
            ("body", "text", "all", req.body_all), ("body", "text", "any", req.body_any))
    return tuple(WordRule(cond, where, mode, words, keys)
                 for cond, where, mode, words in spec if words
                 for keys in [_kw_keys(words)] if keys)


def requirement_year(req: Requirement, year: int | None) -> int | None:
    """The year a requirement asks about: its own, or ``year`` unless it is year-free."""
    return req.year if req.year is not None else (None if req.year_any else year)


def fuzzy_in(kw_key: str, hay: str) -> bool:
    """OCR tolerance: ``kw_key`` found in ``hay`` at :data:`FUZZY_THRESHOLD`. Only a key
    of at least 10 characters, and never one longer than ``hay``: ``partial_ratio`` aligns
    the shorter string inside the longer, so a short ``hay`` would "contain" a longer key
    (an issuer read as ``Ủy ban nhân dân`` is not ``Ủy ban nhân dân huyện``)."""
    if len(kw_key) < _FUZZY_MIN_LEN + 2 or len(hay) < len(kw_key):
        return False
    return fuzz.partial_ratio(kw_key, hay, score_cutoff=FUZZY_THRESHOLD) > 0


class KeywordIndex:
    """Which documents of a type hold a keyword key exactly (in the text or the identity),
    computed once per (keyword, type, field) and shared by every requirement using them
    (``cải cách hành chính`` is in most), so the texts are not searched again. OCR'd
    documents that miss a keyword exactly are then tried with the fuzzy match, one
    requirement at a time (:meth:`candidates`)."""

    def __init__(self, by_type: dict[str | None, list[DocView]]) -> None:
        self.by_type = by_type
        self._sets: dict[tuple[str, str | None, str], frozenset[int]] = {}

    def exact(self, kw_key: str, type_key: str | None, where: str = "text") -> frozenset[int]:
        found = self._sets.get((kw_key, type_key, where))
        if found is None:
            pool = self.by_type.get(type_key, ())
            if where == "identity":
                found = frozenset(v.order for v in pool if kw_key in v.identity_key)
            else:
                found = frozenset(v.order for v in pool if kw_key in v.key)
            self._sets[(kw_key, type_key, where)] = found
        return found

    def candidates(self, req: Requirement, *, year: int | None) -> list[DocView]:
        """The documents that match the requirement's content: type, word rules, year."""
        rules = word_rules(req)
        types = list(type_keys(req)) if req.doc_type else list(self.by_type)
        y = requirement_year(req, year)
        out = []
        for t in types:
            pool = self.by_type.get(t, ())
            if not pool:
                continue
            sets = [[self.exact(k, t, r.where) for k in r.keys] for r in rules]
            # one set per rule: who holds all its words / one of them / one of the excluded
            need = [frozenset.intersection(*ss) if r.mode == "all" else frozenset.union(*ss)
                    for r, ss in zip(rules, sets, strict=True) if r.mode != "none"]
            banned = frozenset().union(*(s for r, ss in zip(rules, sets, strict=True)
                                         if r.mode == "none" for s in ss))
            must = [s for r, ss in zip(rules, sets, strict=True) if r.mode == "all" for s in ss]
            for v in pool:
                o = v.order
                ok = o not in banned and all(o in n for n in need)
                if not ok and v.is_ocr and o not in banned:
                    # fuzzy only where some keyword is there exactly: OCR noise rarely hits all
                    if len(must) >= 2 and not any(o in s for s in must):
                        continue
                    ok = all(rule_holds(v, r) for r in rules)
                if ok and (y is None or v.about_year(y)):
                    out.append(v)
        out.sort(key=lambda v: v.order)
        return out


def rule_holds(v: DocView, r: WordRule) -> bool:
    """A word rule on one document (fuzzy on OCR text; ``none`` rules match exactly, so
    OCR noise never excludes a document)."""
    if r.mode == "none":
        return r.holds(k in v.field_key(r.where) for k in r.keys)
    return r.holds(v.has(k, r.where) for k in r.keys)


def keyword_hits(v: DocView, req: Requirement) -> tuple[int, int]:
    """Ranking signals: how many of the requirement's positive words its identity (v2) or
    subject (v1) holds, and how many ``*_any`` words the document holds."""
    rules = word_rules(req)
    head = sum(k in (v.identity_key if r.where == "identity" else v.subject_key)
               for r in rules if r.mode != "none" for k in r.keys)
    anys = sum(v.has(k, r.where) for r in rules if r.mode == "any" for k in r.keys)
    return head, anys


_TYPE_CACHE: dict[tuple[str, ...], frozenset[str]] = {}
_KW_CACHE: dict[tuple[str, ...], tuple[str, ...]] = {}


def type_keys(req: Requirement) -> frozenset[str]:
    keys = _TYPE_CACHE.get(req.doc_type)
    if keys is None:
        keys = _TYPE_CACHE[req.doc_type] = frozenset(fold(t).strip() for t in req.doc_type)
    return keys


def _kw_keys(words: tuple[str, ...]) -> tuple[str, ...]:
    keys = _KW_CACHE.get(words)
    if keys is None:
        keys = _KW_CACHE[words] = tuple(k for k in (match_key(w) for w in words) if k.strip())
    return keys


# -- formal conditions --------------------------------------------------------------------

SiblingLookup = Callable[[DocView], Iterable[str]]


@dataclass
class FormalResult:
    failures: list[Failure]
    figure: FigureMatch | None = None
    cite_quote: str | None = None
    annex: str | None = None  # where the annex was found (a file path or "trong văn bản")


def formal_failures(v: DocView, req: Requirement, *, siblings: Iterable[DocView] = (),
                    files_beside: SiblingLookup | None = None) -> FormalResult:
    """Every formal condition ``v`` fails for ``req``, in the order the report lists them.

    Args:
        v: the candidate (it already matches the requirement's content).
        req: the requirement.
        siblings: other documents stored from the same folder (annex search).
        files_beside: optional lookup of file paths in the document's folder that are not
            stored documents (the CLI passes a filesystem listing; the API stays pure).
    """
    out: list[Failure] = []
    res = FormalResult(out)
    f = v.doc.facts
    doubt = v.doubtful
    if (req.issued_after or req.issued_before) and ("date" in doubt or not f.date):
        out.append(_unconfirmed(v, "date", doubt))
    else:
        _check_dates(v, req, out)
    if req.must_be_numbered and not f.number:
        if "number" in doubt or not f.symbol:
            out.append(_unconfirmed(v, "number", doubt))
        else:
            out.append(Failure("unnumbered", f"{v.label} chưa có số văn bản (bản dự thảo, chưa ban hành)",
                               _symbol_line(v)))
    elif req.must_be_numbered and "number" in doubt:
        out.append(_unconfirmed(v, "number", doubt))
    if req.must_be_signed:
        if "signer" in doubt:
            out.append(_unconfirmed(v, "signer", doubt))
        elif not (f.signer and f.signer.name) and not signer_in_text(v.text):
            out.append(Failure("unsigned", f"{v.label} không có họ tên người ký (chưa ký ban hành)"))
    if req.issuer_any:
        if "issuer" in doubt or not (f.issuer or f.parent_issuer):
            out.append(_unconfirmed(v, "issuer", doubt))
        elif not _issuer_ok(v, req):
            want = " hoặc ".join(req.issuer_any)
            out.append(Failure("wrong_issuer", f"{v.label} do {f.issuer} ban hành, không phải {want}", f.issuer))
    if req.annex_required:
        res.annex = _find_annex(v, siblings, files_beside)
        if res.annex is None:
            announced = _annex_line(v)
            if announced:
                msg = (f"{v.label} ghi có phụ lục/văn bản kèm theo nhưng không tìm thấy phụ lục "
                       "trong văn bản hay tệp cùng thư mục")
            else:
                msg = f"{v.label} không có phụ lục kèm theo (trong văn bản hay tệp cùng thư mục)"
            out.append(Failure("annex_missing", msg, announced))
    if req.cites_any:
        res.cite_quote = _cites(v, req.cites_any)
        if res.cite_quote is None:
            out.append(Failure("not_cited", f"{v.label} không viện dẫn {' hoặc '.join(req.cites_any)}"))
    if req.numeric is not None:
        n = req.numeric
        fig = v.figures.find(n.metric, n.unit)
        res.figure = fig
        unit = n.unit or ""
        target = f"{format_number(n.value)}{unit}" if n.value is not None else ""
        if fig is None:
            out.append(Failure("below_target", f"{v.label} không nêu số liệu «{n.metric}»"
                               + (f" (chỉ tiêu {n.op} {target})" if target else "")))
        elif not compare(fig.value, n.op, n.value):
            stated = f"{format_number(fig.value)}{unit}"
            rel = {">=": "thấp hơn chỉ tiêu", ">": "không vượt chỉ tiêu", "<=": "cao hơn mức tối đa",
                   "<": "không thấp hơn mức", "=": "khác chỉ tiêu"}[n.op]
            out.append(Failure("below_target", f"{v.label} nêu {n.metric} {stated}, {rel} {target}",
                               fig.quote))
    return res


_AUTHORITY = re.compile(r"\b(?:TM|KT|TL|TUQ|Q)\s*\.|CHỦ\s*TỊCH|GIÁM\s*ĐỐC|TRƯỞNG\s*(?:PHÒNG|BAN)|BÍ\s*THƯ")
_NAME_LINE = re.compile(r"^[A-ZĐÀ-Ỹ][^\W\d_]*(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){1,4}$")


def signer_in_text(text: str) -> str | None:
    """The signer's name read from the end of the text, when the extractor found none (OCR
    of a scan often breaks the signature block): the last name-like line (2-5 capitalised
    words, not all capitals) after an authority line (``TM.``, ``KT.``, ``CHỦ TỊCH``...)."""
    tail = text[-900:]
    auth = None
    for m in _AUTHORITY.finditer(tail):
        auth = m
    if auth is None:
        return None
    for line in reversed(tail[auth.end():].splitlines()):
        line = " ".join(line.split())
        if _NAME_LINE.match(line) and not line.isupper():
            return line
    return None


def _check_dates(v: DocView, req: Requirement, out: list[Failure]) -> None:
    if req.issued_after is None and req.issued_before is None:
        return
    rng = v.date_range
    shown = format_date(v.doc.facts.date)
    if rng is None:
        code = "late" if req.issued_before else "early"
        out.append(Failure(code, f"{v.label} không ghi ngày ban hành, không xác định được đã ban hành "
                           "đúng thời hạn"))
        return
    lo, hi = rng
    precise = lo == hi
    if req.issued_before and hi > req.issued_before:
        when = f"ngày {shown}" if precise else shown
        if lo > req.issued_before:
            msg = f"{v.label} ban hành {when}, sau thời hạn {format_date(req.issued_before)}"
        else:
            msg = (f"{v.label} chỉ ghi {shown}, không xác định được đã ban hành trước thời hạn "
                   f"{format_date(req.issued_before)}")
        out.append(Failure("late", msg, v.date_quote()))
    if req.issued_after and lo < req.issued_after:
        when = f"ngày {shown}" if precise else shown
        if hi < req.issued_after:
            msg = f"{v.label} ban hành {when}, trước ngày {format_date(req.issued_after)} (ngoài kỳ đánh giá)"
        else:
            msg = (f"{v.label} chỉ ghi {shown}, không xác định được đã ban hành từ ngày "
                   f"{format_date(req.issued_after)}")
        out.append(Failure("early", msg, v.date_quote()))


def _iso_range(iso: str | None) -> tuple[date, date] | None:
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso.split("-")]
        if len(parts) == 3:
            d = date(*parts)
            return d, d
        if len(parts) == 2:
            y, m = parts
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


@lru_cache(maxsize=4096)
def issuer_key(name: str) -> str:
    """Match key of an issuing body, its abbreviations expanded by the gazetteer
    (``evidence.extract.gazetteer.expand_abbreviation``: ``VP HĐND-UBND`` -> ``Văn phòng
    Hội đồng nhân dân - Ủy ban nhân dân``) when present, else by :data:`ABBREVIATIONS`."""
    try:
        from evidence.extract.gazetteer import expand_abbreviation
    except ImportError:  # pragma: no cover - the gazetteer ships with the package
        return match_key(name)
    return match_key(expand_abbreviation(name))


def _issuer_ok(v: DocView, req: Requirement) -> bool:
    """The document's issuer (or parent issuer) contains one of the catalogue's phrases —
    never the other way round: ``Ủy ban nhân dân`` alone is not ``Ủy ban nhân dân huyện``."""
    keys = tuple(k for k in (issuer_key(x) for x in req.issuer_any) if k.strip())
    hay = v.issuer_key
    if any(k in hay for k in keys):
        return True
    return v.is_ocr and any(fuzzy_in(k, hay) for k in keys)


#: review fields (``Facts.review``) -> the condition they leave unconfirmed
_REVIEW_FIELDS = {"number": "number", "symbol": "number", "date": "date", "issuer": "issuer",
                  "parent_issuer": "issuer", "signer": "signer", "signer.name": "signer",
                  "signer_name": "signer"}
#: what the officer checks for each field, and the ``evidence fix`` option that corrects it
_FIELD_WORDS = {"date": ("ngày ban hành", "--date"), "number": ("số văn bản", "--number"),
                "issuer": ("cơ quan ban hành", "--issuer"), "signer": ("người ký", "--signer")}
_REVIEW_REASONS = {"handwritten": "viết tay", "low_confidence": "đọc không chắc chắn",
                   "stamp_only": "chỉ có dấu", "garbage_text": "văn bản lỗi phông/không đọc được",
                   "conflict": "các nguồn mâu thuẫn"}


def _unconfirmed(v: DocView, fieldname: str, doubt: dict[str, str]) -> Failure:
    words, option = _FIELD_WORDS[fieldname]
    why = doubt.get(fieldname)
    state = f"đang chờ kiểm tra ({_REVIEW_REASONS.get(why, why)})" if why else "không đọc được"
    return Failure("unconfirmed", (
        f"{v.label}: chưa xác nhận được {words} ({state}); kiểm tra {words} trên văn bản gốc "
        f"rồi sửa bằng «evidence fix {v.ref} {option} …» hoặc xác nhận bằng «--confirm {fieldname}»"),
        condition=fieldname)


def _symbol_line(v: DocView) -> str | None:
    span = v.doc.facts.provenance.get("number") or v.doc.facts.provenance.get("symbol")
    return " ".join(span.text.split()) if span and span.text else None


def _cites(v: DocView, symbols: tuple[str, ...]) -> str | None:
    cited = v.cited_keys
    own = v.symbol_key if v.doc.facts.number else None
    symbols = tuple(s for s in symbols if normalize_symbol_key(s) != own)  # its own "Số: ..."
    for s in symbols:
        quote = cited.get(normalize_symbol_key(s))
        if quote is not None:
            return quote
    # the citation extractor may have missed it: the symbol written in the text counts
    for s in symbols:
        k = _short_key(s)
        if k.strip() and k in v.key:
            return _find_line(v.text, s) or s
    return None


def _find_line(text: str, symbol: str) -> str | None:
    parts = [re.escape(p) for p in re.split(r"\s*([/-])\s*", symbol.strip()) if p]
    rx = re.compile(r"\s*".join(parts), re.IGNORECASE)
    m = rx.search(text)
    if not m:
        return None
    lo = text.rfind("\n", 0, m.start()) + 1
    hi = text.find("\n", m.end())
    return " ".join(text[lo: hi if hi >= 0 else len(text)].split())[:240]


_ANNEX_WORDS = re.compile(r"kèm\s+theo|phụ\s+lục|kem\s+theo|phu\s+luc", re.IGNORECASE)


def _annex_line(v: DocView) -> str | None:
    """The line announcing an annex (``kèm theo``, ``phụ lục``), or None."""
    if " kem theo " not in v.key and " phu luc " not in v.key:
        return None
    text = v.text
    m = _ANNEX_WORDS.search(text)
    if m is None:  # accents garbled by OCR: find it in the folded text (same offsets)
        folded = fold_keep_length(text)
        i = min((j for j in (folded.find("kem theo"), folded.find("phu luc")) if j >= 0), default=-1)
        if i < 0:
            return None
    else:
        i = m.start()
    lo = text.rfind("\n", 0, i) + 1
    hi = text.find("\n", i)
    return " ".join(text[lo: hi if hi >= 0 else len(text)].split())[:240]


def _find_annex(v: DocView, siblings: Iterable[DocView],
                files_beside: SiblingLookup | None) -> str | None:
    """Where the annex is: a ``PHỤ LỤC``/``DANH MỤC`` heading after the first page of the
    document's own text, or a file beside it that names it (its number or symbol, or its
    file name as a prefix) or is a spreadsheet/annex-named file."""
    pages = v.doc.page_texts
    later = "\n".join(p.text for p in pages[1:]) if len(pages) > 1 else ""
    first = pages[0].text if pages else ""
    # on the first page, a heading only counts after the body started (not "PHỤ LỤC" in a subject)
    if _ANNEX_HEADING.search(unicodedata.normalize("NFC", later)) or \
            len(_ANNEX_HEADING.findall(unicodedata.normalize("NFC", first[400:]))) > 0:
        return "trong văn bản"
    own = Path(v.doc.path).stem if v.doc.path else ""
    number = v.doc.facts.number
    sym = v.symbol_key if number else None  # a draft's "/BC-UBND" names no document
    for s in siblings:
        if not s.annex_like or s.dedup_key == v.dedup_key or s.doc.id == v.doc.id:
            continue  # another document (a letter citing this one is not its annex), or its scan
        related = (bool(sym) and (sym in s.cited_keys or _short_key(v.doc.facts.symbol or "") in s.header_key)) \
            or _related_name(own, number, s.name) \
            or (s.doc.format in _ANNEX_FORMATS and _annex_named(s.name))
        if related:
            return s.doc.path
    if files_beside is not None:
        for p in files_beside(v):
            name = Path(p).name
            if p == v.doc.path or any(fr.path == p for fr in v.doc.files):
                continue
            if _related_name(own, number, name) or (
                    Path(name).suffix.lower().lstrip(".") in _ANNEX_FORMATS and _annex_named(name)):
                return p
    return None


@lru_cache(maxsize=8192)
def _short_key(text: str) -> str:
    return match_key(text)


@lru_cache(maxsize=8192)
def _annex_named(name: str) -> bool:
    k = match_key(Path(name).stem)
    return any(f" {w} " in k for w in _ANNEX_NAME) or " pl " in k


def _related_name(own_stem: str, number: str | None, name: str) -> bool:
    stem = Path(name).stem
    if own_stem and len(own_stem) >= 3 and stem != own_stem and stem.startswith(own_stem):
        return True
    if number and re.search(rf"(?<!\d){re.escape(number)}(?!\d)", stem) and _annex_named(name):
        return True
    return False


def _short(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


# -- reasons ------------------------------------------------------------------------------
#: (condition, ok, Vietnamese detail) for one document and one requirement
ReasonTuple = tuple[str, bool, str]


def _quoted(words: Iterable[str]) -> str:
    return ", ".join(f"«{w}»" for w in words)


def content_reasons(v: DocView, req: Requirement, *, year: int | None) -> list[ReasonTuple]:
    """What the document IS and SAYS against the requirement's content conditions: its
    type, the subject/body words found or missing (and, for a subject word only found in
    the body, where it is mentioned: a task of the plan), its year."""
    f = v.doc.facts
    out: list[ReasonTuple] = []
    if req.doc_type:
        ok = v.type_key in type_keys(req)
        tname = type_name(f.doc_type) or f.doc_type_name or "không rõ loại văn bản"
        code = f" ({f.doc_type})" if f.doc_type else ""
        out.append(("type", ok, f"là {tname}{code}" + ("" if ok else f", yêu cầu {' hoặc '.join(req.doc_type)}")))
    title = _short(v.trich_yeu, 100)
    for r in word_rules(req):
        pairs = [(w, k) for w in r.words for k in _kw_keys((w,))]
        hits = [(w, k, (k in v.field_key(r.where)) if r.mode == "none" else v.has(k, r.where))
                for w, k in pairs]
        found = [w for w, _, h in hits if h]
        lost = [(w, k) for w, k, h in hits if not h]
        ok = r.holds(h for _, _, h in hits)
        place = f"trích yếu «{title}»" if r.where == "identity" else "nội dung"
        if r.mode == "none":
            detail = (f"trích yếu không có {_quoted(r.words)}" if ok
                      else f"{place} có {_quoted(found)}: văn bản về việc khác")
        elif ok:
            detail = f"{place} có {_quoted(found)}"
        else:
            detail = f"{place} không có {_quoted(w for w, _ in lost)}"
            if r.where == "identity":
                where = mentioned(v, lost if r.mode == "all" else lost[:1])
                if where:
                    detail += f"; {where}"
        out.append((r.condition, ok, detail))
    y = requirement_year(req, year)
    if y is not None:
        ok = v.about_year(y)
        out.append(("year", ok, f"về năm {y}" if ok else f"không phải văn bản về năm {y}"))
    return out


def mentioned(v: DocView, words: list[tuple[str, str]]) -> str | None:
    """Where words missing from the identity (``(word, key)`` pairs) are only mentioned: in
    a task of the document (a plan listing the plans it asks for), or in its text; the
    quote is centred on the first word. None when they are not all in the text."""
    keys = [k for _, k in words]
    if not keys or not all(v.has(k) for k in keys):
        return None
    name = v.short_name
    first = words[0][0]
    for t in v.doc.facts.tasks:
        tk = match_key(t.text)
        if all(k in tk for k in keys):
            return f"chỉ được nhắc đến trong nhiệm vụ của {name}: «{_around(t.text, first)}»"
    line = _line_with(v.text, keys)
    return f"chỉ được nhắc đến trong nội dung của {name}" + (f": «{_around(line, first)}»" if line else "")


def _around(text: str, word: str, before: int = 50, after: int = 90) -> str:
    """``text`` on one line, cut to a window around ``word`` (folded search) with ``…``."""
    text = " ".join(text.split())
    i = fold_keep_length(text).lower().find(fold(word).lower())
    if i < 0:
        return _short(text, before + after)
    lo, hi = max(0, i - before), min(len(text), i + len(word) + after)
    if lo > 0:
        lo = text.find(" ", lo) + 1 or lo
    return ("…" if lo > 0 else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def _line_with(text: str, keys: list[str]) -> str | None:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i in range(len(lines)):
        window = " ".join(lines[i:i + 2])
        if all(k in match_key(window) for k in keys):
            return window
    return None


def formal_reasons(v: DocView, req: Requirement, formal: FormalResult) -> list[ReasonTuple]:
    """Every formal condition the requirement sets, passed (with what the document says)
    or failed (the failure's sentence)."""
    out: list[ReasonTuple] = []
    by_cond: dict[str, list[Failure]] = {}
    for x in formal.failures:
        by_cond.setdefault(x.cond, []).append(x)
    applicable = [
        ("date", bool(req.issued_after or req.issued_before)), ("number", req.must_be_numbered),
        ("signer", req.must_be_signed), ("issuer", bool(req.issuer_any)), ("annex", req.annex_required),
        ("citation", bool(req.cites_any)), ("figure", req.numeric is not None)]
    for cond, needed in applicable:
        if not needed:
            continue
        fails = by_cond.get(cond)
        if fails:
            out += [(cond, False, x.message + (f": «{x.quote}»" if x.quote and cond == "figure" else ""))
                    for x in fails]
        else:
            out.append((cond, True, _passed(cond, v, req, formal)))
    return out


def _passed(cond: str, v: DocView, req: Requirement, formal: FormalResult) -> str:
    f = v.doc.facts
    if cond == "date":
        window = (f"trong khoảng {format_date(req.issued_after)} – {format_date(req.issued_before)}"
                  if req.issued_after and req.issued_before else
                  f"trước thời hạn {format_date(req.issued_before)}" if req.issued_before else
                  f"từ ngày {format_date(req.issued_after)}")
        return f"ban hành {format_date(f.date)}, {window}"
    if cond == "number":
        return f"có số văn bản: {f.symbol}"
    if cond == "signer":
        if f.signer and f.signer.name:
            pos = f" ({f.signer.authority + ' ' if f.signer.authority else ''}{f.signer.position})" \
                if f.signer.position else ""
            return f"người ký: {f.signer.name}{pos}"
        return f"người ký (đọc ở cuối văn bản): {signer_in_text(v.text)}"
    if cond == "issuer":
        return f"do {f.issuer} ban hành (yêu cầu: {' hoặc '.join(req.issuer_any)})"
    if cond == "annex":
        where = formal.annex or ""
        return "có phụ lục " + ("trong văn bản" if where == "trong văn bản" else f"kèm theo: {Path(where).name}")
    if cond == "citation":
        return f"viện dẫn {' hoặc '.join(req.cites_any)}: «{formal.cite_quote}»"
    n = req.numeric
    fig = formal.figure
    if n is None or fig is None:
        return ""
    target = f" (chỉ tiêu {n.op} {format_number(n.value)}{n.unit or ''})" if n.value is not None else ""
    return f"nêu {n.metric} {format_number(fig.value)}{fig.unit or ''}{target}: «{fig.quote}»"
