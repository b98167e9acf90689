"""Catalogue loading and validation (schema_version 1): the sample, the shipped default,
and the one-line errors naming file, criterion and field."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from evidence.check import default_catalogue_path, load_catalogue
from evidence.errors import BadCriteriaFile

GOOD = """\
schema_version: 1
catalogue: {id: so-noi-vu-2025, level: so, year: 2025, title: "Chỉ số CCHC cấp sở"}
areas:
  - {code: "1", title: "Chỉ đạo, điều hành", max_score: 2.0}
groups:
  - {code: "1.9", area: "1", title: "Báo cáo", max_score: 1.0}
criteria:
  - code: "1.1"
    area: "1"
    parent: null
    title: "Kế hoạch CCHC năm của Sở"
    max_score: 1.0
    evidence:
      - id: "1.1-a"
        text: "Kế hoạch CCHC năm 2025 của Sở Nội vụ"
        doc_type: KH
        issuer_any: ["Sở Nội vụ"]
        keywords_all: ["cải cách hành chính"]
        issued_before: "2025-01-31"
  - code: "1.9.1"
    area: "1"
    parent: "1.9"
    title: "Báo cáo quý I"
    max_score: 1.0
    evidence:
      - id: "1.9.1-a"
        text: "Báo cáo quý I"
        doc_type: [BC]
        keywords_all: ["quý I"]
        year: null
        numeric: {metric: "tỷ lệ hồ sơ trực tuyến", unit: "%", op: report, value: null}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "tieu-chi.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def error_of(tmp_path: Path, text: str) -> str:
    p = write(tmp_path, text)
    with pytest.raises(BadCriteriaFile) as info:
        load_catalogue(p)
    msg = str(info.value)
    assert "\n" not in msg
    assert info.value.one_line() == f"error: {msg}"
    return msg.removeprefix(f"{p}: ")


def test_a_provincial_department_catalogue_loads(tmp_path: Path) -> None:
    cat = load_catalogue(write(tmp_path, GOOD))
    assert cat.level == "so" and cat.year == 2025
    r = cat.criteria[0].evidence[0]
    assert r.doc_type == ("KH",) and r.issuer_any == ("Sở Nội vụ",)
    assert r.year == 2025 and not r.year_any  # default: the catalogue's year
    assert r.must_be_numbered and r.must_be_signed and not r.annex_required and r.min_count == 1
    r2 = cat.criteria[1].evidence[0]
    assert r2.year is None and r2.year_any
    assert r2.numeric is not None and r2.numeric.op == "report" and r2.numeric.value is None
    assert cat.criteria[1].parent == "1.9"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('issued_before: "2025-01-31"', 'issued_before: "31/13/2025"',
     "tiêu chí 1.1: issued_before: không phải ngày có thật dạng YYYY-MM-DD hoặc DD/MM/YYYY"),
    ('issued_before: "2025-01-31"', 'issued_before: "2025-02-30"',
     "tiêu chí 1.1: issued_before: không phải ngày có thật"),
    ('issued_before: "2025-01-31"', 'issued_before: "01/2025"',
     "tiêu chí 1.1: issued_before: không phải ngày có thật"),
    ('issued_before: "2025-01-31"', 'issued_befor: "2025-01-31"',
     "tiêu chí 1.1: issued_befor: trường lạ"),
    ("doc_type: KH\n", "doc_type: KHH\n", "tiêu chí 1.1: doc_type: mã loại văn bản"),
    ('issuer_any: ["Sở Nội vụ"]', 'issuer_any: "Sở Nội vụ"', "tiêu chí 1.1: issuer_any: phải là một danh sách"),
    ('keywords_all: ["quý I"]', "keywords_all: [\"quý I\", \"\"]", "tiêu chí 1.9.1: keywords_all: mỗi mục phải là chữ"),
    ("op: report, value: null", "op: \">=\", value: null", "tiêu chí 1.9.1: numeric.value: phép so sánh '>=' cần một số"),
    ("op: report", "op: \"≥\"", "tiêu chí 1.9.1: numeric.op: phải là một trong"),
    ('parent: "1.9"', 'parent: "1.8"', "tiêu chí 1.9.1: parent: không có nhóm"),
    ('code: "1.9.1"\n    area: "1"\n    parent: "1.9"', 'code: "1.1"\n    area: "1"\n    parent: null',
     "tiêu chí 1.1: code: mã tiêu chí bị trùng"),
    ('code: "1.9.1"', "code: 1.10", "tiêu chí thứ 2: code: phải là chuỗi"),
    ('area: "1"\n    parent: null', 'area: "2"\n    parent: null', "tiêu chí 1.1: area: không có lĩnh vực"),
    ('id: "1.9.1-a"', 'id: "1.1-a"', "tiêu chí 1.9.1: id: mã yêu cầu"),
    ("year: null", "year: hai nghìn", "tiêu chí 1.9.1: year: không phải năm"),
    ('text: "Báo cáo quý I"', "text: \"\"", "tiêu chí 1.9.1: text: thiếu hoặc để trống"),
    ("keywords_all: [\"quý I\"]", "keywords_all: [\"quý I\"]\n        min_count: 0",
     "tiêu chí 1.9.1: min_count: phải là số nguyên >= 1"),
    ("keywords_all: [\"quý I\"]", "keywords_all: [\"quý I\"]\n        must_be_signed: \"có\"",
     "tiêu chí 1.9.1: must_be_signed: phải là true hoặc false"),
    ('issued_before: "2025-01-31"', 'issued_after: "2025-03-01"\n        issued_before: "2025-01-31"',
     "tiêu chí 1.1: issued_before: 2025-01-31 sớm hơn issued_after"),
])
def test_invalid_catalogue_names_criterion_and_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    assert error_of(tmp_path, GOOD.replace(old, new, 1)).startswith(expected)


def test_top_level_errors(tmp_path: Path) -> None:
    assert error_of(tmp_path, GOOD.replace("schema_version: 1", "schema_version: 3")).startswith(
        "schema_version: giá trị 3 không dùng được")
    assert error_of(tmp_path, "- a\n- b\n").startswith("schema_version: tệp không phải một bảng YAML")
    assert error_of(tmp_path, "schema_version: 1\ncriteria: []\n").startswith("criteria: thiếu hoặc để trống")
    assert "YAML syntax error" in error_of(tmp_path, "schema_version: 1\ncriteria: [\n")
    with pytest.raises(BadCriteriaFile, match="file not found"):
        load_catalogue(tmp_path / "khong-co.yaml")


def test_unquoted_yaml_dates_are_accepted(tmp_path: Path) -> None:
    cat = load_catalogue(write(tmp_path, GOOD.replace('"2025-01-31"', "2025-01-31")))
    assert cat.criteria[0].evidence[0].issued_before.isoformat() == "2025-01-31"  # type: ignore[union-attr]


@pytest.mark.parametrize("written", ["31/01/2025", "31-1-2025", "ngày 31 tháng 01 năm 2025",
                                     unicodedata.normalize("NFD", "ngày 31 tháng 1 năm 2025")])
def test_dates_as_officers_write_them_are_accepted(tmp_path: Path, written: str) -> None:
    cat = load_catalogue(write(tmp_path, GOOD.replace('"2025-01-31"', f'"{written}"')))
    assert cat.criteria[0].evidence[0].issued_before.isoformat() == "2025-01-31"  # type: ignore[union-attr]


def test_for_year_moves_deadlines_years_and_year_keywords(tmp_path: Path) -> None:
    text = GOOD.replace('keywords_all: ["cải cách hành chính"]', 'keywords_all: ["cải cách hành chính", "năm 2025"]')
    cat = load_catalogue(write(tmp_path, text)).for_year(2026)
    r = cat.criteria[0].evidence[0]
    assert cat.year == 2026 and r.year == 2026
    assert r.issued_before is not None and r.issued_before.isoformat() == "2026-01-31"
    assert r.keywords_all == ("cải cách hành chính", "năm 2026")
    assert r.text == "Kế hoạch CCHC năm 2026 của Sở Nội vụ"
    assert cat.criteria[1].evidence[0].year is None  # explicitly year-free stays so


def test_the_shared_sample_catalogue_loads(shared_dir: Path) -> None:
    cat = load_catalogue(shared_dir / "data" / "criteria" / "par-huyen-sample.yaml")
    assert len(cat.criteria) == 55
    assert sum(len(c.evidence) for c in cat.criteria) == 64
    assert cat.year == 2023 and cat.level == "huyen"
    codes = [c.code for c in cat.criteria]
    assert codes[0] == "1.1" and "1.9.4" in codes
    survey = [c for c in cat.criteria if c.assessment == "survey"]
    assert survey and survey[0].evidence == ()


def test_the_shipped_default_is_package_data_and_the_corpus_catalogue(repo_dir: Path) -> None:
    default = default_catalogue_path()
    assert default.is_file() and default.parent.name == "data"
    cat = load_catalogue()
    assert cat.year == 2023 and 12 <= len(cat.criteria) <= 25
    corpus = repo_dir / "corpus" / "criteria.yaml"
    assert corpus.exists()
    assert os.path.samefile(corpus, repo_dir / "check" / "data" / "default-criteria.yaml")
    statuses = {r.id for c in cat.criteria for r in c.evidence}
    assert len(statuses) == sum(len(c.evidence) for c in cat.criteria)
