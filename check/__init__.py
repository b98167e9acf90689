"""Criteria -> verdicts: catalogue loading, matching, reports and evidence packs.

Public API::

    from evidence.check import load_catalogue, check
    report = check(load_catalogue("tieu-chi.yaml"), documents, year=2023)
    report.to_dict()          # the contract's check report
"""

from __future__ import annotations

from evidence.check.criteria import (
    Area,
    Catalogue,
    Criterion,
    Group,
    NumericRule,
    Requirement,
    default_catalogue_path,
    load_catalogue,
    parse_catalogue,
)
from evidence.check.numeric import find_metric_value, parse_number
from evidence.check.verdicts import (
    PROBLEM_CODES,
    STATUS_LABELS,
    CheckReport,
    CriterionResult,
    DocumentRef,
    RequirementResult,
    check,
)

__all__ = [
    "PROBLEM_CODES",
    "STATUS_LABELS",
    "Area",
    "Catalogue",
    "CheckReport",
    "Criterion",
    "CriterionResult",
    "DocumentRef",
    "Group",
    "NumericRule",
    "Requirement",
    "RequirementResult",
    "check",
    "default_catalogue_path",
    "find_metric_value",
    "load_catalogue",
    "parse_catalogue",
    "parse_number",
]
