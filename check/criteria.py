"""Criteria catalogues (schema_version 1 and 2): load, validate, re-target to another year.

Version 1 is the schema documented in the header of
``../shared/data/criteria/par-huyen-sample.yaml`` (contract, "Criteria catalogue"):
``keywords_all`` / ``keywords_any`` match anywhere in the text, so a plan that only lists
another plan among its tasks counts as that plan. Version 2 (contract, "Schema version 2")
replaces them by ``subject_all`` / ``subject_any`` / ``subject_none`` (matched against what
the document IS: its type name and whole title block) and ``body_all`` / ``body_any``
(matched against what it SAYS: the whole text); every other field is the same. A v2 file
with ``keywords_*`` is refused, naming the replacements; v1 files keep their v1 meaning and
:attr:`Catalogue.warnings` says that a mention may count there. Nothing
here assumes a district: the level, the issuers and the deadlines are data, so the same code
checks a commune (cấp xã) or a provincial department (sở) after the July-2025 reform.

A file that does not follow the schema is refused with :class:`BadCriteriaFile`, whose
one-line message is ``<file>: criterion <code>: <field>: <reason>``. Unknown fields in a
criterion or an evidence item are refused too: a misspelt ``issued_befor`` would otherwise
silently drop a deadline.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from evidence.errors import BadCriteriaFile
from evidence.extract.dates import UserDateError, parse_user_date

__all__ = [
    "DOC_TYPE_CODES",
    "SCHEMA_VERSIONS",
    "V1_WARNING",
    "Area",
    "Catalogue",
    "Criterion",
    "Group",
    "NumericRule",
    "Requirement",
    "catalogue_id",
    "default_catalogue_path",
    "load_catalogue",
    "parse_catalogue",
]

log = logging.getLogger(__name__)

#: Decree 30/2020 (Phụ lục III) type codes, plus CV (công văn) and a few common extras
#: (GCN, GP, BB). Compared case-insensitively after NFC.
DOC_TYPE_CODES: frozenset[str] = frozenset(
    {
        "NQ", "QĐ", "CT", "QC", "QYĐ", "TB", "HD", "CTR", "KH", "PA", "ĐA", "DA", "BC",
        "BB", "TTR", "HĐ", "CV", "CĐ", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "TC",
        "GCN", "GP", "BGN", "TTLT", "TT", "NĐ",
    }
)
ASSESSMENTS = ("documents", "data", "survey")
NUMERIC_OPS = (">=", "<=", "=", ">", "<", "report")
SOURCES = ("verified", "partial", "inferred")

_CRITERION_FIELDS = {
    "code", "area", "parent", "title", "max_score", "scoring", "assessment", "source",
    "refs", "seed_topics", "evidence", "notes",
}
_COMMON_EVIDENCE_FIELDS = {
    "id", "text", "doc_type", "issuer_any", "year",
    "issued_after", "issued_before", "min_count", "must_be_numbered", "must_be_signed",
    "annex_required", "cites_any", "numeric", "reference_hint", "required", "source",
    "refs", "notes",
}
_V1_CONTENT = ("keywords_all", "keywords_any")
_V2_CONTENT = ("subject_all", "subject_any", "subject_none", "body_all", "body_any")
_EVIDENCE_FIELDS = {1: _COMMON_EVIDENCE_FIELDS | set(_V1_CONTENT),
                    2: _COMMON_EVIDENCE_FIELDS | set(_V2_CONTENT)}
SCHEMA_VERSIONS = (1, 2)
#: what ``check`` says once when a catalogue is schema_version 1 (Vietnamese: officers read it)
V1_WARNING = ("{source}: bộ tiêu chí theo schema_version 1: từ khóa (keywords_all/keywords_any) "
              "được tìm trong toàn văn, nên một văn bản chỉ nhắc đến kế hoạch khác (trong nhiệm vụ) "
              "cũng có thể được tính là kế hoạch đó. Hãy chuyển sang schema_version: 2: dùng "
              "subject_all/subject_any/subject_none cho văn bản LÀ gì (loại và trích yếu), "
              "body_all/body_any cho nội dung văn bản NÊU (xem docs/check.md)")
_NUMERIC_FIELDS = {"metric", "unit", "op", "value", "full_score_at"}
_CODE = re.compile(r"^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$")
_YEAR_PHRASE = re.compile(r"(?i)\b(năm\s+)((?:19|20)\d\d)\b")
_SHORT_DATE_YEAR = re.compile(r"\b(\d{1,2}/\d{1,2}/)((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class NumericRule:
    """A figure the document must state, e.g. ``tỷ lệ hồ sơ trực tuyến >= 50 %``."""

    metric: str
    unit: str | None
    op: str
    value: float | None
    full_score_at: float | None = None


@dataclass(frozen=True)
class Requirement:
    """One ``evidence`` item; becomes one ``requirements[]`` entry of the check report."""

    id: str
    text: str
    doc_type: tuple[str, ...] = ()
    issuer_any: tuple[str, ...] = ()
    keywords_all: tuple[str, ...] = ()  # schema 1: anywhere in the text
    keywords_any: tuple[str, ...] = ()
    subject_all: tuple[str, ...] = ()  # schema 2: in the identity (type name + title block)
    subject_any: tuple[str, ...] = ()
    subject_none: tuple[str, ...] = ()
    body_all: tuple[str, ...] = ()  # schema 2: in the whole text
    body_any: tuple[str, ...] = ()
    year: int | None = None
    year_any: bool = False  # ``year: null`` written explicitly: standing documents, any year
    issued_after: date | None = None
    issued_before: date | None = None
    min_count: int = 1
    must_be_numbered: bool = True
    must_be_signed: bool = True
    annex_required: bool = False
    cites_any: tuple[str, ...] = ()
    numeric: NumericRule | None = None
    required: bool = True
    reference_hint: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Criterion:
    """A scorable leaf (tiêu chí or tiêu chí thành phần)."""

    code: str
    area: str
    title: str
    evidence: tuple[Requirement, ...]
    parent: str | None = None
    max_score: float | None = None
    scoring: str | None = None
    assessment: str = "documents"
    source: str | None = None
    refs: tuple[str, ...] = ()
    seed_topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    max_score: float | None = None
    assessment: str | None = None


@dataclass(frozen=True)
class Group:
    code: str
    area: str
    title: str
    max_score: float | None = None


@dataclass(frozen=True)
class Catalogue:
    """A validated catalogue. ``path`` is the file it came from (``None`` when built in memory)."""

    id: str | None
    year: int | None
    title: str | None
    criteria: tuple[Criterion, ...]
    areas: tuple[Area, ...] = ()
    groups: tuple[Group, ...] = ()
    level: str | None = None
    province: str | None = None
    path: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    schema_version: int = 2

    @property
    def warnings(self) -> list[str]:
        """What ``check`` says once about this catalogue (``warning: …`` lines)."""
        if self.schema_version == 1:
            return [V1_WARNING.format(source=self.path or self.id or "bộ tiêu chí")]
        return []

    def area(self, code: str) -> Area | None:
        """The area with this code, if the catalogue declares it."""
        return next((a for a in self.areas if a.code == code), None)

    def for_year(self, year: int) -> Catalogue:
        """The same catalogue re-targeted to ``year``.

        Every requirement year, deadline and ``năm YYYY`` keyword moves by
        ``year - self.year`` (a 2023 catalogue used for 2024 asks for the 2024 plan issued
        before 31/01/2024, and for the fix of the 2023 results). Symbols in ``cites_any``
        are not moved: they name real documents. Requirements with no year get ``year``
        when the catalogue has none.
        """
        if self.year is None:
            crit = tuple(
                replace(c, evidence=tuple(
                    r if (r.year is not None or r.year_any) else replace(r, year=year)
                    for r in c.evidence
                ))
                for c in self.criteria
            )
            return replace(self, year=year, criteria=crit)
        delta = year - self.year
        if delta == 0:
            return self
        return replace(
            self,
            year=year,
            criteria=tuple(
                replace(c, evidence=tuple(_shift_requirement(r, delta) for r in c.evidence))
                for c in self.criteria
            ),
        )


def _shift_requirement(r: Requirement, delta: int) -> Requirement:
    def shift_date(d: date | None) -> date | None:
        if d is None:
            return None
        try:
            return d.replace(year=d.year + delta)
        except ValueError:  # 29 February
            return d.replace(year=d.year + delta, day=28)

    def shift_kw(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            _YEAR_PHRASE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + delta}", w) for w in words
        )

    def shift_text(t: str) -> str:
        t = _YEAR_PHRASE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + delta}", t)
        return _SHORT_DATE_YEAR.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + delta}", t)

    return replace(
        r,
        text=shift_text(r.text),
        year=None if r.year is None else r.year + delta,
        issued_after=shift_date(r.issued_after),
        issued_before=shift_date(r.issued_before),
        keywords_all=shift_kw(r.keywords_all),
        keywords_any=shift_kw(r.keywords_any),
        subject_all=shift_kw(r.subject_all),
        subject_any=shift_kw(r.subject_any),
        subject_none=shift_kw(r.subject_none),
        body_all=shift_kw(r.body_all),
        body_any=shift_kw(r.body_any),
    )


def catalogue_id(catalogue: Catalogue) -> str:
    """The stable id manual links are stored under: the catalogue's ``catalogue.id``, else
    its file name without the extension (``tieu-chi-2023``), else ``"catalogue"``. The
    same file re-targeted with ``--year`` keeps its id."""
    if catalogue.id and catalogue.id.strip():
        return catalogue.id.strip()
    if catalogue.path and not catalogue.path.startswith("<"):
        return Path(catalogue.path).stem
    return "catalogue"


def default_catalogue_path() -> Path:
    """The catalogue shipped with the package (``check/data/default-criteria.yaml``);
    ``corpus/criteria.yaml`` in the repository is a symlink to it."""
    return Path(str(resources.files("evidence.check").joinpath("data/default-criteria.yaml")))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate a catalogue file (the shipped default when ``path`` is None).

    Raises:
        BadCriteriaFile: unreadable file, YAML syntax error, or a schema violation; the
            message is ``<file>: criterion <code>: <field>: <reason>``.
    """
    p = Path(path) if path is not None else default_catalogue_path()
    name = str(path) if path is not None else str(p)
    try:
        raw = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadCriteriaFile(f"{name}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BadCriteriaFile(f"{name}: cannot read: {exc}") from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadCriteriaFile(f"{name}: {where}YAML syntax error: {problem}") from exc
    return parse_catalogue(data, source=name)


def parse_catalogue(data: Any, *, source: str = "<catalogue>") -> Catalogue:
    """Validate an already-parsed YAML mapping (see :func:`load_catalogue`)."""
    v = _Validator(source)
    return v.catalogue(data)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source
        self.version = 2

    # -- errors ---------------------------------------------------------------------------
    def fail(self, where: str, fieldname: str, reason: str) -> BadCriteriaFile:
        head = f"{self.source}: {where}: " if where else f"{self.source}: "
        from evidence.messages import translate_criteria

        return BadCriteriaFile(f"{head}{fieldname}: {translate_criteria(reason)}".replace("\n", " "))

    # -- top level ------------------------------------------------------------------------
    def catalogue(self, data: Any) -> Catalogue:
        if not isinstance(data, dict):
            raise self.fail("", "schema_version", "the file is not a YAML mapping")
        if "schema_version" not in data:
            raise self.fail("", "schema_version", "missing (expected 1 or 2)")
        version = data["schema_version"]
        if version not in SCHEMA_VERSIONS or isinstance(version, bool):
            raise self.fail("", "schema_version", f"unsupported value {version!r} (expected 1 or 2)")
        self.version = int(version)
        meta = data.get("catalogue") or {}
        if not isinstance(meta, dict):
            raise self.fail("", "catalogue", "must be a mapping")
        year = meta.get("year")
        if year is not None and not _is_year(year):
            raise self.fail("catalogue", "year", f"not a year: {year!r}")
        areas = tuple(self.area(i, a) for i, a in enumerate(self.seq(data, "areas", "")))
        area_codes = {a.code for a in areas}
        if len(area_codes) != len(areas):
            raise self.fail("areas", "code", "duplicate area code")
        groups = tuple(self.group(i, g, area_codes) for i, g in enumerate(self.seq(data, "groups", "")))
        group_codes = {g.code for g in groups}
        crit_raw = data.get("criteria")
        if not isinstance(crit_raw, list) or not crit_raw:
            raise self.fail("", "criteria", "missing or empty (expected a list of criteria)")
        criteria: list[Criterion] = []
        seen: set[str] = set()
        req_ids: set[str] = set()
        for i, c in enumerate(crit_raw):
            crit = self.criterion(i, c, area_codes, group_codes, year)
            if crit.code in seen:
                raise self.fail(f"tiêu chí {crit.code}", "code", "duplicate code")
            seen.add(crit.code)
            for r in crit.evidence:
                if r.id in req_ids:
                    raise self.fail(f"tiêu chí {crit.code}", "id", f"duplicate evidence id {r.id!r}")
                req_ids.add(r.id)
            criteria.append(crit)
        return Catalogue(
            id=_opt_str(meta.get("id")),
            year=year,
            title=_opt_str(meta.get("title")),
            criteria=tuple(criteria),
            areas=areas,
            groups=groups,
            level=_opt_str(meta.get("level")),
            province=_opt_str(meta.get("province")),
            path=self.source,
            meta=dict(meta),
            schema_version=self.version,
        )

    def seq(self, data: dict[str, Any], key: str, where: str) -> list[Any]:
        val = data.get(key)
        if val is None:
            return []
        if not isinstance(val, list):
            raise self.fail(where, key, "must be a list")
        return val

    def area(self, i: int, a: Any) -> Area:
        where = f"lĩnh vực thứ {i + 1}"
        if not isinstance(a, dict):
            raise self.fail(where, "code", "must be a mapping")
        code = self.code(where, a.get("code"))
        where = f"lĩnh vực {code}"
        return Area(
            code=code,
            title=self.text(where, "title", a.get("title")),
            max_score=self.score(where, "max_score", a.get("max_score")),
            assessment=self.choice(where, "assessment", a.get("assessment"), ASSESSMENTS, None),
        )

    def group(self, i: int, g: Any, areas: set[str]) -> Group:
        where = f"nhóm thứ {i + 1}"
        if not isinstance(g, dict):
            raise self.fail(where, "code", "must be a mapping")
        code = self.code(where, g.get("code"))
        where = f"nhóm {code}"
        area = self.code(where, g.get("area"), fieldname="area")
        if areas and area not in areas:
            raise self.fail(where, "area", f"unknown area {area!r}")
        return Group(code=code, area=area, title=self.text(where, "title", g.get("title")),
                     max_score=self.score(where, "max_score", g.get("max_score")))

    # -- criteria -------------------------------------------------------------------------
    def criterion(self, i: int, c: Any, areas: set[str], groups: set[str],
                  default_year: int | None) -> Criterion:
        if not isinstance(c, dict):
            raise self.fail(f"tiêu chí thứ {i + 1}", "code", "must be a mapping")
        code = self.code(f"tiêu chí thứ {i + 1}", c.get("code"))
        where = f"tiêu chí {code}"
        unknown = sorted(set(c) - _CRITERION_FIELDS)
        if unknown:
            raise self.fail(where, unknown[0], "unknown field")
        area = c.get("area")
        if area is None:
            area = code.split(".")[0]
        area = self.code(where, area, fieldname="area")
        if areas and area not in areas:
            raise self.fail(where, "area", f"unknown area {area!r}")
        parent = c.get("parent")
        if parent is not None:
            parent = self.code(where, parent, fieldname="parent")
            if parent not in groups:
                raise self.fail(where, "parent", f"unknown group {parent!r}")
            if not code.startswith(parent + "."):
                raise self.fail(where, "parent", f"code does not start with the group code {parent!r}")
        ev = c.get("evidence")
        if ev is None:
            ev = []
        if not isinstance(ev, list):
            raise self.fail(where, "evidence", "must be a list of evidence items")
        evidence = tuple(self.requirement(where, j, e, default_year) for j, e in enumerate(ev))
        return Criterion(
            code=code,
            area=area,
            title=self.text(where, "title", c.get("title")),
            evidence=evidence,
            parent=parent,
            max_score=self.score(where, "max_score", c.get("max_score")),
            scoring=self.opt_text(where, "scoring", c.get("scoring")),
            assessment=self.choice(where, "assessment", c.get("assessment"), ASSESSMENTS, "documents")
            or "documents",
            source=self.choice(where, "source", c.get("source"), SOURCES, None),
            refs=self.strings(where, "refs", c.get("refs")),
            seed_topics=self.strings(where, "seed_topics", c.get("seed_topics")),
        )

    def requirement(self, where: str, j: int, e: Any, default_year: int | None) -> Requirement:
        if not isinstance(e, dict):
            raise self.fail(where, f"evidence[{j}]", "must be a mapping")
        if self.version == 2:
            old = next((k for k in _V1_CONTENT if k in e), None)
            if old is not None:
                suffix = old.split("_")[1]
                raise self.fail(where, old, (
                    f"not in schema_version 2: use subject_{suffix} (what the document is: type "
                    f"and title block), body_{suffix} (what its text says) or subject_none"))
        unknown = sorted(set(e) - _EVIDENCE_FIELDS[self.version])
        if unknown:
            hint = " (schema_version 2 only)" if unknown[0] in _V2_CONTENT else ""
            raise self.fail(where, unknown[0], "unknown field" + hint)
        rid = e.get("id")
        if not isinstance(rid, str) or not rid.strip():
            raise self.fail(where, "id", f"evidence[{j}] needs an id (a string such as \"<code>-a\")")
        rid = rid.strip()
        doc_type = e.get("doc_type")
        types: tuple[str, ...]
        if doc_type is None:
            types = ()
        else:
            types = self.strings(where, "doc_type", doc_type, allow_single=True)
            for t in types:
                if _type_key(t) not in _TYPE_KEYS:
                    raise self.fail(where, "doc_type", f"unknown document type code {t!r}")
        if "year" in e:
            year_val = e["year"]
            if year_val is not None and not _is_year(year_val):
                raise self.fail(where, "year", f"not a year: {year_val!r}")
            year, year_any = year_val, year_val is None
        else:
            year, year_any = default_year, False
        after = self.iso(where, "issued_after", e.get("issued_after"))
        before = self.iso(where, "issued_before", e.get("issued_before"))
        if after and before and after > before:
            raise self.fail(where, "issued_before", f"{before.isoformat()} is before issued_after {after.isoformat()}")
        min_count = e.get("min_count", 1)
        if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
            raise self.fail(where, "min_count", f"must be an integer >= 1, got {min_count!r}")
        words = {k: self.strings(where, k, e.get(k)) for k in (*_V1_CONTENT, *_V2_CONTENT)}
        return Requirement(
            id=rid,
            text=self.text(where, "text", e.get("text")),
            doc_type=types,
            issuer_any=self.strings(where, "issuer_any", e.get("issuer_any")),
            keywords_all=words["keywords_all"],
            keywords_any=words["keywords_any"],
            subject_all=words["subject_all"],
            subject_any=words["subject_any"],
            subject_none=words["subject_none"],
            body_all=words["body_all"],
            body_any=words["body_any"],
            year=year,
            year_any=year_any,
            issued_after=after,
            issued_before=before,
            min_count=min_count,
            must_be_numbered=self.flag(where, "must_be_numbered", e.get("must_be_numbered"), True),
            must_be_signed=self.flag(where, "must_be_signed", e.get("must_be_signed"), True),
            annex_required=self.flag(where, "annex_required", e.get("annex_required"), False),
            cites_any=self.strings(where, "cites_any", e.get("cites_any")),
            numeric=self.numeric(where, e.get("numeric")),
            required=self.flag(where, "required", e.get("required"), True),
            reference_hint=self.opt_text(where, "reference_hint", e.get("reference_hint")),
            source=self.choice(where, "source", e.get("source"), SOURCES, None),
        )

    def numeric(self, where: str, n: Any) -> NumericRule | None:
        if n is None:
            return None
        if not isinstance(n, dict):
            raise self.fail(where, "numeric", "must be a mapping {metric, unit, op, value}")
        unknown = sorted(set(n) - _NUMERIC_FIELDS)
        if unknown:
            raise self.fail(where, f"numeric.{unknown[0]}", "unknown field")
        metric = n.get("metric")
        if not isinstance(metric, str) or not metric.strip():
            raise self.fail(where, "numeric.metric", "missing (the words that name the figure)")
        op = n.get("op")
        if op not in NUMERIC_OPS:
            raise self.fail(where, "numeric.op", f"must be one of {', '.join(NUMERIC_OPS)}, got {op!r}")
        value = n.get("value")
        if op == "report":
            if value is not None and not _is_number(value):
                raise self.fail(where, "numeric.value", f"not a number: {value!r}")
        elif not _is_number(value):
            raise self.fail(where, "numeric.value", f"a number is needed with op {op!r}, got {value!r}")
        full = n.get("full_score_at")
        if full is not None and not _is_number(full):
            raise self.fail(where, "numeric.full_score_at", f"not a number: {full!r}")
        unit = n.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise self.fail(where, "numeric.unit", f"must be a string, got {unit!r}")
        return NumericRule(
            metric=metric.strip(),
            unit=unit.strip() if isinstance(unit, str) and unit.strip() else None,
            op=op,
            value=float(value) if value is not None else None,
            full_score_at=float(full) if full is not None else None,
        )

    # -- scalars --------------------------------------------------------------------------
    def code(self, where: str, val: Any, *, fieldname: str = "code") -> str:
        if isinstance(val, bool) or not isinstance(val, (str, int)):
            hint = " (quote it: \"1.10\" is not 1.1)" if isinstance(val, float) else ""
            raise self.fail(where, fieldname, f"must be a string such as \"1.1\", got {val!r}{hint}")
        s = str(val).strip()
        if not _CODE.match(s):
            raise self.fail(where, fieldname, f"not a dotted code: {s!r}")
        return s

    def text(self, where: str, fieldname: str, val: Any) -> str:
        if not isinstance(val, str) or not val.strip():
            raise self.fail(where, fieldname, "missing or empty (expected text)")
        return val.strip()

    def opt_text(self, where: str, fieldname: str, val: Any) -> str | None:
        if val is None:
            return None
        if not isinstance(val, str):
            raise self.fail(where, fieldname, f"must be text, got {val!r}")
        return val.strip() or None

    def strings(self, where: str, fieldname: str, val: Any, *, allow_single: bool = False) -> tuple[str, ...]:
        if val is None:
            return ()
        if allow_single and isinstance(val, str):
            val = [val]
        if not isinstance(val, list):
            raise self.fail(where, fieldname, f"must be a list of strings, got {val!r}")
        out = []
        for item in val:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(where, fieldname, f"every entry must be non-empty text, got {item!r}")
            out.append(item.strip())
        return tuple(out)

    def score(self, where: str, fieldname: str, val: Any) -> float | None:
        if val is None:
            return None
        if not _is_number(val) or val < 0:
            raise self.fail(where, fieldname, f"must be a number >= 0, got {val!r}")
        return float(val)

    def flag(self, where: str, fieldname: str, val: Any, default: bool) -> bool:
        if val is None:
            return default
        if not isinstance(val, bool):
            raise self.fail(where, fieldname, f"must be true or false, got {val!r}")
        return val

    def choice(self, where: str, fieldname: str, val: Any, allowed: tuple[str, ...],
               default: str | None) -> str | None:
        if val is None:
            return default
        if val not in allowed:
            raise self.fail(where, fieldname, f"must be one of {', '.join(allowed)}, got {val!r}")
        return str(val)

    def iso(self, where: str, fieldname: str, val: Any) -> date | None:
        if val is None:
            return None
        if isinstance(val, date):  # unquoted YAML dates arrive as datetime.date
            return val
        # ISO as the contract writes it, or as officers write dates (31/01/2024,
        # "ngày 31 tháng 01 năm 2024"): one grammar, extract.dates.parse_user_date
        try:
            return date.fromisoformat(parse_user_date(str(val), partial=False).iso or "")
        except (UserDateError, ValueError) as exc:
            raise self.fail(where, fieldname, f"not a date (YYYY-MM-DD or DD/MM/YYYY): "
                                              f"{val!r}") from exc


def _type_key(code: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", code.strip()).upper()


_TYPE_KEYS = frozenset(_type_key(c) for c in DOC_TYPE_CODES)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_year(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 2100


def _opt_str(v: Any) -> str | None:
    return str(v) if v is not None else None
