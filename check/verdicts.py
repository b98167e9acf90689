"""Verdicts per requirement and per criterion, and the check report (contract JSON).

:func:`check` is pure over documents already loaded (``Store.iter_documents()``): for each
requirement it finds the candidates (content matches), tests their formal conditions, counts
distinct documents (issuer + symbol + date) and decides, exactly as the contract's
"Verdicts" section says:

- requirement **met**: at least ``min_count`` distinct documents pass every condition;
  **partial**: candidates exist but fail a formal condition or are too few (each failure a
  Vietnamese ``problems`` sentence and a stable ``problem_codes`` entry); **missing**:
  no candidate (``not_found``);
- criterion **met** when every required requirement is met, **missing** when no
  requirement is met or partial, **partial** otherwise.

Every listed document carries its ``reasons`` (each condition it satisfied or failed, in
Vietnamese); a missing requirement lists its nearest non-evidence (a plan that only
mentions the plan asked for) with why it is not evidence. The officer's manual links
(:class:`~evidence.model.ManualLink`) override the content match only: a linked document
is a candidate whatever its words, an unlinked one is not; formal conditions still apply.

Criteria without evidence items (``assessment: survey``: the Sở Nội vụ scores them, nothing
is submitted) are not judged; they are listed in ``not_checked``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidence.check.criteria import Catalogue, Criterion, Requirement, catalogue_id
from evidence.check.matching import (
    DocView,
    Failure,
    FormalResult,
    KeywordIndex,
    ReasonTuple,
    SiblingLookup,
    content_reasons,
    formal_failures,
    formal_reasons,
    keyword_hits,
    requirement_year,
    type_keys,
    word_rules,
)
from evidence.check.numeric import format_number
from evidence.model import Document, ManualLink

__all__ = [
    "PROBLEM_CODES",
    "STATUSES",
    "STATUS_LABELS",
    "CheckReport",
    "CriterionResult",
    "DocumentRef",
    "Reason",
    "RequirementResult",
    "check",
]

log = logging.getLogger(__name__)

STATUSES = ("met", "partial", "missing")
#: what officers read for each status
STATUS_LABELS = {"met": "Đạt", "partial": "Chưa đạt đủ", "missing": "Thiếu"}
PROBLEM_CODES = ("late", "early", "unnumbered", "unsigned", "wrong_issuer", "annex_missing",
                 "below_target", "not_cited", "unconfirmed", "too_few", "not_found")
_MAX_DOCS = 5  # candidates listed per requirement (all passing documents are listed)
_MAX_EXPLAINED = 3  # candidates whose failures are written out in problems
_MAX_NEAR = 3  # nearest non-evidence listed under a missing requirement


@dataclass
class Reason:
    """One condition of a requirement on one listed document (contract ``reasons``)."""

    id: str
    symbol: str | None
    condition: str  # type | subject | subject_none | body | keywords | year | issuer | date |
    #                 number | signer | annex | citation | figure | manual
    ok: bool
    detail: str  # Vietnamese

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "symbol": self.symbol, "condition": self.condition, "ok": self.ok,
                "detail": self.detail}


@dataclass
class DocumentRef:
    """A document listed under a requirement, with why it counts or does not."""

    id: str
    symbol: str | None
    date: str | None
    path: str
    doc_type: str | None = None
    issuer: str | None = None
    subject: str | None = None
    files: list[str] = field(default_factory=list)
    ocr: bool = False
    counts: bool = False  # passes every condition of the requirement
    deciding: bool = False  # one of the min_count best passing documents (what a pack copies)
    problem_codes: list[str] = field(default_factory=list)
    quote: str | None = None  # the line that decided (a figure, a date, a citation)
    figure: dict[str, Any] | None = None
    annex: str | None = None
    corrected: list[str] = field(default_factory=list)  # fields the officer corrected

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "symbol": self.symbol, "date": self.date, "path": self.path,
            "doc_type": self.doc_type, "issuer": self.issuer, "subject": self.subject,
            "files": list(self.files), "ocr": self.ocr, "counts": self.counts, "deciding": self.deciding,
            "problem_codes": list(self.problem_codes), "quote": self.quote,
        }
        if self.figure is not None:
            d["figure"] = dict(self.figure)
        if self.annex is not None:
            d["annex"] = self.annex
        if self.corrected:
            d["corrected"] = list(self.corrected)
        return d


@dataclass
class RequirementResult:
    id: str
    text: str
    status: str
    required: bool = True
    documents: list[DocumentRef] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_codes: list[str] = field(default_factory=list)
    min_count: int = 1
    found: int = 0  # distinct documents passing every condition
    reasons: list[Reason] = field(default_factory=list)
    manual: list[dict[str, Any]] = field(default_factory=list)  # the officer's links

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "text": self.text, "status": self.status,
            "status_label": STATUS_LABELS[self.status], "required": self.required,
            "documents": [d.to_dict() for d in self.documents],
            "problems": list(self.problems), "problem_codes": list(self.problem_codes),
            "min_count": self.min_count, "found": self.found,
            "reasons": [r.to_dict() for r in self.reasons],
            "manual": [dict(m) for m in self.manual],
        }

    def reasons_of(self, doc_id: str) -> list[Reason]:
        return [r for r in self.reasons if r.id == doc_id]


@dataclass
class CriterionResult:
    code: str
    title: str
    status: str
    requirements: list[RequirementResult]
    area: str = ""
    area_title: str | None = None
    parent: str | None = None
    max_score: float | None = None
    assessment: str = "documents"

    @property
    def points_at_stake(self) -> float:
        """Points not secured: the whole max score unless the criterion is met."""
        return 0.0 if self.status == "met" else float(self.max_score or 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "title": self.title, "status": self.status,
            "status_label": STATUS_LABELS[self.status], "area": self.area,
            "area_title": self.area_title, "parent": self.parent, "max_score": self.max_score,
            "points_at_stake": self.points_at_stake, "assessment": self.assessment,
            "requirements": [r.to_dict() for r in self.requirements],
        }


@dataclass
class CheckReport:
    year: int | None
    criteria_file: str | None
    criteria: list[CriterionResult]
    catalogue_id: str | None = None
    catalogue_title: str | None = None
    not_checked: list[dict[str, Any]] = field(default_factory=list)
    documents_checked: int = 0
    warnings: list[str] = field(default_factory=list)  # said once (``warning: …``)

    @property
    def summary(self) -> dict[str, int]:
        """Criteria per status (``met``, ``partial``, ``missing``)."""
        counts = dict.fromkeys(STATUSES, 0)
        for c in self.criteria:
            counts[c.status] += 1
        return counts

    @property
    def all_met(self) -> bool:
        return all(c.status == "met" for c in self.criteria)

    def points(self) -> dict[str, float]:
        """Max points of the judged criteria, secured by met ones, at stake in the rest."""
        total = sum(float(c.max_score or 0) for c in self.criteria)
        stake = sum(c.points_at_stake for c in self.criteria)
        return {"max": round(total, 2), "met": round(total - stake, 2), "at_stake": round(stake, 2)}

    def to_dict(self) -> dict[str, Any]:
        """The contract's check report (``check --json``), with extra fields."""
        req_summary = dict.fromkeys(STATUSES, 0)
        for c in self.criteria:
            for r in c.requirements:
                req_summary[r.status] += 1
        return {
            "year": self.year,
            "criteria_file": self.criteria_file,
            "catalogue_id": self.catalogue_id,
            "catalogue_title": self.catalogue_title,
            "documents_checked": self.documents_checked,
            "summary": self.summary,
            "requirements_summary": req_summary,
            "points": self.points(),
            "criteria": [c.to_dict() for c in self.criteria],
            "not_checked": list(self.not_checked),
            "warnings": list(self.warnings),
        }


def check(catalogue: Catalogue, documents: Sequence[Document] | Iterable[Document], *,
          year: int | None = None, files_beside: SiblingLookup | None = None,
          links: Sequence[ManualLink] = ()) -> CheckReport:
    """Check every criterion of ``catalogue`` against ``documents``.

    Args:
        catalogue: a validated catalogue (:func:`evidence.check.load_catalogue`).
        documents: stored documents with facts and page texts.
        year: the assessment year; when it differs from the catalogue's, the catalogue is
            re-targeted (:meth:`Catalogue.for_year`).
        files_beside: optional ``DocView -> file paths`` lookup for annexes kept beside a
            document but not stored; without it only stored documents are looked at.
        links: the officer's manual links; those of this catalogue
            (:func:`~evidence.check.criteria.catalogue_id`) apply to their requirement.

    Returns:
        The report; ``report.to_dict()`` is the contract's JSON.
    """
    cat = catalogue.for_year(year) if year is not None and year != catalogue.year else catalogue
    views = [DocView(d, i) for i, d in enumerate(documents)]
    by_type: dict[str | None, list[DocView]] = defaultdict(list)
    by_folder: dict[str, list[DocView]] = defaultdict(list)
    for v in views:
        by_type[v.type_key].append(v)
        by_folder[v.folder].append(v)
    kw_index = KeywordIndex(by_type)
    ctx = _Context(views, kw_index, by_folder, cat.year, files_beside,
                   _links_by_requirement(catalogue_id(catalogue), links))
    areas = {a.code: a for a in cat.areas}
    results: list[CriterionResult] = []
    not_checked: list[dict[str, Any]] = []
    for crit in cat.criteria:
        if not crit.evidence:
            not_checked.append({"code": crit.code, "title": crit.title,
                                "assessment": crit.assessment, "max_score": crit.max_score,
                                "reason": "không có tài liệu kiểm chứng để kiểm tra"})
            continue
        reqs = [_requirement(r, ctx) for r in crit.evidence]
        area = areas.get(crit.area)
        results.append(CriterionResult(
            code=crit.code, title=crit.title, status=_criterion_status(crit, reqs),
            requirements=reqs, area=crit.area, area_title=area.title if area else None,
            parent=crit.parent, max_score=crit.max_score, assessment=crit.assessment,
        ))
    return CheckReport(year=cat.year, criteria_file=cat.path, criteria=results,
                       catalogue_id=catalogue_id(cat), catalogue_title=cat.title,
                       not_checked=not_checked, documents_checked=len(views),
                       warnings=list(cat.warnings))


@dataclass
class _Context:
    views: list[DocView]
    kw_index: KeywordIndex
    by_folder: dict[str, list[DocView]]
    year: int | None
    files_beside: SiblingLookup | None
    links: dict[str, dict[str, ManualLink]]  # requirement id -> doc id -> link

    def __post_init__(self) -> None:
        self.by_id = {v.doc.id: v for v in self.views}


def _links_by_requirement(cat_id: str, links: Sequence[ManualLink]) -> dict[str, dict[str, ManualLink]]:
    out: dict[str, dict[str, ManualLink]] = {}
    for link in links:
        if link.catalogue == cat_id:
            out.setdefault(link.requirement, {})[link.doc_id] = link  # the last decision wins
    return out


def _criterion_status(crit: Criterion, reqs: list[RequirementResult]) -> str:
    required = [r for r in reqs if r.required] or reqs
    if all(r.status == "met" for r in required):
        return "met"
    if all(r.status == "missing" for r in reqs):
        return "missing"
    return "partial"


@dataclass
class _Candidate:
    view: DocView
    formal: FormalResult
    hits: tuple[int, int]  # keywords in the subject, keywords_any in the text
    link: ManualLink | None = None

    @property
    def failures(self) -> list[Failure]:
        return self.formal.failures

    def rank(self) -> tuple[int, int, int, int, int, int, int]:
        """Best first: most of the requirement's keywords in the subject (the document *is*
        what is asked, not a plan that mentions it), issued inside the date window (one from
        outside is more likely another document than a flawed copy of this one), fewest
        failures, most ``keywords_any`` in the text, born digital before OCR, latest."""
        rng = self.view.date_range
        outside = int(any(f.code in ("late", "early") for f in self.failures))
        return (-self.hits[0], outside, len(self.failures), -self.hits[1], int(self.view.is_ocr),
                -(rng[1].toordinal() if rng else 0), self.view.order)


def _requirement(req: Requirement, ctx: _Context) -> RequirementResult:
    links = ctx.links.get(req.id, {})
    content = ctx.kw_index.candidates(req, year=ctx.year)
    matched = {v.doc.id for v in content}
    excluded = [v for v in content if v.doc.id in links and not links[v.doc.id].counts]
    forced = [ctx.by_id[i] for i, link in links.items()
              if link.counts and i in ctx.by_id and i not in matched]
    cands = []
    for v in [*(v for v in content if v not in excluded), *forced]:
        formal = formal_failures(v, req, siblings=ctx.by_folder.get(v.folder, ()),
                                 files_beside=ctx.files_beside)
        cands.append(_Candidate(v, formal, _hits(v, req), links.get(v.doc.id)))
    res = RequirementResult(id=req.id, text=req.text, status="missing", required=req.required,
                            min_count=req.min_count)
    res.manual = [_manual(link, ctx.by_id.get(i)) for i, link in links.items()]
    if not cands:
        res.problems = ["Không tìm thấy văn bản nào khớp loại văn bản, trích yếu/nội dung và năm của yêu cầu"]
        res.problem_codes = ["not_found"]
        near = [v for v in excluded if v.doc.id in links] + _near_misses(req, ctx, exclude=matched)
        for v in near[:_MAX_NEAR + len(excluded)]:
            res.reasons += _reasons(v, req, ctx, None, links.get(v.doc.id))
        return res
    ranked = sorted(_distinct(cands), key=_Candidate.rank)
    passing = [c for c in ranked if not c.failures]
    res.found = len(passing)
    if len(passing) >= req.min_count:
        res.status = "met"
        res.documents = [_ref(c, req) for c in passing[:max(_MAX_DOCS, req.min_count)]]
        for d in res.documents[:req.min_count]:
            d.deciding = True
        _add_reasons(res, ranked, req, ctx, excluded, links)
        return res
    res.status = "partial"
    failing = [c for c in ranked if c.failures]
    res.documents = [_ref(c, req) for c in [*passing, *failing][:max(_MAX_DOCS, len(passing))]]
    for d in res.documents[:req.min_count]:
        d.deciding = True  # the best found so far: what the officer must fix or complete
    _add_reasons(res, ranked, req, ctx, excluded, links)
    problems: list[str] = []
    codes: list[str] = []
    if passing:
        problems.append(f"Cần ít nhất {req.min_count} văn bản đạt yêu cầu, mới có {len(passing)}: "
                        + ", ".join(_name(c.view) for c in passing))
        codes.append("too_few")
    # explain the closest candidates: those with the fewest failures (the others are listed)
    explained = [c for c in failing if c.rank()[:3] == failing[0].rank()[:3]][:_MAX_EXPLAINED]
    for c in explained:
        for f in c.failures:
            problems.append(f.message + (f": «{f.quote}»" if f.quote and f.code == "below_target" else ""))
            if f.code not in codes:
                codes.append(f.code)
    if len(failing) > len(explained):
        problems.append(f"Ngoài ra còn {len(failing) - len(explained)} văn bản khác khớp nội dung "
                        "nhưng kém phù hợp hơn (xem danh sách văn bản)")
    res.problems = problems
    res.problem_codes = codes
    return res


def _add_reasons(res: RequirementResult, ranked: list[_Candidate], req: Requirement, ctx: _Context,
                 excluded: list[DocView], links: dict[str, ManualLink]) -> None:
    by_id = {c.view.doc.id: c for c in ranked}
    for d in res.documents:
        c = by_id[d.id]
        res.reasons += _reasons(c.view, req, ctx, c.formal, c.link)
    for v in excluded:
        res.reasons += _reasons(v, req, ctx, None, links.get(v.doc.id))


def _reasons(v: DocView, req: Requirement, ctx: _Context, formal: FormalResult | None,
             link: ManualLink | None) -> list[Reason]:
    """Every condition of ``req`` on ``v``: content (type, words, year), then formal (when
    ``v`` is a candidate), then the officer's link."""
    out: list[ReasonTuple] = []
    if link is not None:
        note = f": {link.note}" if link.note else ""
        out.append(("manual", link.counts, ("cán bộ đã xác định văn bản này được tính cho yêu cầu"
                                            if link.counts else
                                            "cán bộ đã loại văn bản này khỏi yêu cầu") + note))
    content = content_reasons(v, req, year=ctx.year)
    if link is not None and link.counts:
        # the link overrides the content match: what the words say is kept for the record
        content = [(c, ok, d if ok else d + " (không xét: đã liên kết thủ công)") for c, ok, d in content]
    out += content
    if formal is not None:
        out += formal_reasons(v, req, formal)
    sym = v.doc.facts.symbol
    return [Reason(v.doc.id, sym, c, ok, d) for c, ok, d in out]


def _near_misses(req: Requirement, ctx: _Context, *, exclude: set[str]) -> list[DocView]:
    """The documents closest to evidence that are not: those whose text holds every
    positive word of the requirement (a plan that mentions it among its tasks), ranked by
    how many content conditions they pass (type, each word rule, year)."""
    rules = word_rules(req)
    must = [k for r in rules if r.mode == "all" for k in r.keys]
    some = [k for r in rules if r.mode == "any" for k in r.keys]
    if not must and not some:
        return []

    def mentioning(types: Iterable[str | None]) -> list[DocView]:
        """Documents of these types whose text holds every "all" word (or, without an
        "all" rule, one "any" word); the exact sets are those the candidates used."""
        out: set[int] = set()
        for t in types:
            sets = [ctx.kw_index.exact(k, t) for k in must] or \
                [frozenset().union(*(ctx.kw_index.exact(k, t) for k in some))]
            out |= frozenset.intersection(*sets)
        return [ctx.views[o] for o in sorted(out) if ctx.views[o].doc.id not in exclude]

    right = list(type_keys(req)) if req.doc_type else list(ctx.kw_index.by_type)
    found = mentioning(right)
    if req.doc_type and len(found) < _MAX_NEAR:  # the right type first; others when too few
        found += mentioning(t for t in ctx.kw_index.by_type if t not in right)
    y = requirement_year(req, ctx.year)
    scored = []
    for v in found:
        right_type = not req.doc_type or v.type_key in type_keys(req)
        passed = right_type + sum(  # exact matching: this only ranks
            r.holds(k in v.field_key(r.where) for k in r.keys) for r in word_rules(req))
        scored.append((-passed - (y is None or v.about_year(y)), not right_type, v.order, v))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored[:_MAX_NEAR]]


def _manual(link: ManualLink, v: DocView | None) -> dict[str, Any]:
    return {"id": link.doc_id, "symbol": v.doc.facts.symbol if v else None, "counts": link.counts,
            "note": link.note, "in_store": v is not None}


def _distinct(cands: list[_Candidate]) -> list[_Candidate]:
    """One candidate per distinct document, its best copy representing it.

    Documents are the same when symbol and date agree (drafts: and subject) and their
    issuers agree; issuers are compared fuzzily (``fuzz.ratio >= 90``), since the scan of a
    DOCX may read ``Đúc Thọ``; an issuer not extracted agrees with any.
    """
    groups: dict[tuple[str, ...], list[tuple[str, _Candidate]]] = {}
    for c in cands:
        key = c.view.dedup_key
        group, issuer = (key, "") if key[0] == "id" else ((key[0], *key[2:]), key[1])
        reps = groups.setdefault(group, [])
        for i, (rep_issuer, rep) in enumerate(reps):
            if _same_issuer(issuer, rep_issuer):
                if c.rank() < rep.rank():
                    reps[i] = (rep_issuer or issuer, c)
                break
        else:
            reps.append((issuer, c))
    return [c for reps in groups.values() for _, c in reps]


def _same_issuer(a: str, b: str) -> bool:
    if not a or not b or a == b:
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= 90


def _hits(v: DocView, req: Requirement) -> tuple[int, int]:
    return keyword_hits(v, req)


def _name(v: DocView) -> str:
    f = v.doc.facts
    return f.symbol or f.subject or v.doc.path


def _ref(c: _Candidate, req: Requirement) -> DocumentRef:
    v = c.view
    f = v.doc.facts
    quote = next((x.quote for x in c.failures if x.quote), None)
    fig = c.formal.figure
    if quote is None and fig is not None:
        quote = fig.quote
    if quote is None:
        quote = c.formal.cite_quote
    figure = None
    if fig is not None:
        figure = {"value": fig.value, "text": format_number(fig.value) + (fig.unit or ""),
                  "unit": fig.unit, "quote": fig.quote}
        n = req.numeric
        if n is not None:
            figure.update(op=n.op, target=n.value, full_score_at=n.full_score_at)
            if n.full_score_at:
                # share of the criterion's points the figure earns (linear up to full_score_at)
                share = fig.value / n.full_score_at if n.op != "<=" else n.full_score_at / max(fig.value, 1e-9)
                figure["score_share"] = round(min(1.0, max(0.0, share)), 3)
    return DocumentRef(
        id=v.doc.id, symbol=f.symbol, date=f.date, path=v.doc.path, doc_type=f.doc_type,
        issuer=f.issuer, subject=f.subject, files=[fr.path for fr in v.doc.files] or [v.doc.path],
        ocr=v.is_ocr, counts=not c.failures, problem_codes=[x.code for x in c.failures],
        quote=quote, figure=figure, annex=c.formal.annex,
        corrected=sorted({x.field for x in v.doc.corrections if not x.confirmed}),
    )
