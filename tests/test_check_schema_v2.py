"""Catalogue schema v2 (subject_* on what a document IS, body_* on what it SAYS), the title
block it matches, issuer containment, unconfirmed fields, manual links and reasons. The
documents are written for these tests (NFC and NFD)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from evidence.check import check, load_catalogue, parse_catalogue
from evidence.check.criteria import catalogue_id
from evidence.errors import BadCriteriaFile
from evidence.extract.title import title_block
from evidence.model import Document, Facts, FileRef, ManualLink, Page, ReviewItem, Signer, Task

V2 = """
schema_version: 2
catalogue: {id: thu-v2-2024, level: xa, year: 2024, title: "Bộ tiêu chí thử v2"}
areas:
  - {code: "1", title: "Chỉ đạo, điều hành", max_score: 3.0}
criteria:
  - code: "1.1"
    area: "1"
    title: "Kế hoạch CCHC năm"
    evidence:
      - id: "1.1-a"
        text: "Kế hoạch CCHC năm 2024 của UBND xã"
        doc_type: KH
        issuer_any: ["Ủy ban nhân dân xã"]
        subject_all: ["cải cách hành chính", "năm 2024"]
        subject_none: ["tuyên truyền", "kiểm tra"]
        issued_before: "2024-01-31"
  - code: "1.2"
    area: "1"
    title: "Kế hoạch tuyên truyền CCHC"
    evidence:
      - id: "1.2-a"
        text: "Kế hoạch tuyên truyền CCHC năm 2024"
        doc_type: KH
        subject_all: ["tuyên truyền", "cải cách hành chính"]
  - code: "1.3"
    area: "1"
    title: "Báo cáo nêu số hồ sơ trực tuyến"
    evidence:
      - id: "1.3-a"
        text: "Báo cáo nêu hồ sơ trực tuyến"
        doc_type: BC
        body_all: ["hồ sơ trực tuyến"]
"""

COMMUNE = "Ủy ban nhân dân xã Thạch Lạc"


def cat():  # type: ignore[no-untyped-def]
    return parse_catalogue(yaml.safe_load(V2), source="v2.yaml")


def kh(doc_id: str, title: str, body: str, *, issuer: str | None = COMMUNE, date: str | None = "2024-01-12",
       nfd: bool = False, tasks: tuple[str, ...] = (), review: tuple[ReviewItem, ...] = ()) -> Document:
    text = (f"{(issuer or 'ỦY BAN NHÂN DÂN').upper()}\nSố: 07/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Độc lập - Tự do - Hạnh phúc\nThạch Lạc, ngày 12 tháng 01 năm 2024\nKẾ HOẠCH\n{title}\n"
            f"{body}\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Bình\n")
    if nfd:
        text = unicodedata.normalize("NFD", text)
    facts = Facts(doc_type="KH", doc_type_name="Kế hoạch", number="07", symbol="07/KH-UBND", date=date,
                  issuer=issuer, subject=title.replace("\n", " "), signer=Signer(name="Nguyễn Văn Bình"),
                  tasks=[Task(id=str(i), text=t) for i, t in enumerate(tasks, 1)], review=list(review))
    return Document(id=doc_id, files=[FileRef(path=f"/kc/{doc_id}.docx")], path=f"/kc/{doc_id}.docx",
                    format="docx", ocr=False, pages=1, facts=facts, page_texts=[Page(number=1, text=text)])


TASK = "Giao công chức Văn hóa - Xã hội xây dựng Kế hoạch tuyên truyền cải cách hành chính năm 2024"
ANNUAL = ("Cải cách hành chính xã Thạch Lạc năm 2024", f"Căn cứ Kế hoạch của UBND huyện;\nII. NHIỆM VỤ\n1. {TASK}.")


def req(rep, rid):  # type: ignore[no-untyped-def]
    return next(r for c in rep.to_dict()["criteria"] for r in c["requirements"] if r["id"] == rid)


@pytest.mark.parametrize("nfd", [False, True])
def test_a_plan_listed_as_a_task_is_not_that_plan(nfd: bool) -> None:
    rep = check(cat(), [kh("p7", *ANNUAL, nfd=nfd, tasks=(TASK,))])
    assert req(rep, "1.1-a")["status"] == "met"
    r = req(rep, "1.2-a")
    assert r["status"] == "missing"
    why = [x for x in r["reasons"] if x["condition"] == "subject"]
    assert why and not why[0]["ok"] and "chỉ được nhắc đến trong nhiệm vụ của 07/KH-UBND" in why[0]["detail"]


def test_the_plan_itself_matches_on_a_title_wrapped_over_lines() -> None:
    doc = kh("p8", "Tuyên truyền cải cách\nhành chính năm 2024", "Căn cứ Kế hoạch số 07/KH-UBND;")
    doc.facts.subject = "Tuyên truyền"  # a trích yếu cut short by extraction
    r = req(check(cat(), [doc]), "1.2-a")
    assert r["status"] == "met"
    assert any(x["condition"] == "subject" and x["ok"] and "«tuyên truyền»" in x["detail"] for x in r["reasons"])


def test_subject_none_tells_the_annual_plan_from_a_topic_plan() -> None:
    doc = kh("p9", "Kiểm tra công tác cải cách hành chính năm 2024", "Căn cứ Kế hoạch số 07/KH-UBND;")
    r = req(check(cat(), [doc]), "1.1-a")
    assert r["status"] == "missing"
    assert any(x["condition"] == "subject_none" and not x["ok"] and "«kiểm tra»" in x["detail"] for x in r["reasons"])


def test_body_conditions_match_the_whole_text() -> None:
    bc = kh("b1", "Kết quả công tác quý I", "Căn cứ;\nTỷ lệ hồ sơ trực tuyến đạt 60%.")
    bc.facts.doc_type = "BC"
    assert req(check(cat(), [bc]), "1.3-a")["status"] == "met"


def test_issuer_must_contain_the_catalogue_phrase_not_the_reverse() -> None:
    doc = kh("p1", *ANNUAL, issuer="Ủy ban nhân dân")  # the unit line lost by OCR
    doc.ocr = True
    doc.page_texts[0].ocr = True
    r = req(check(cat(), [doc]), "1.1-a")
    assert r["status"] == "partial" and r["problem_codes"] == ["wrong_issuer"]


@pytest.mark.parametrize(("fieldname", "option"), [("date", "--date"), ("number", "--number"),
                                                   ("issuer", "--issuer"), ("signer", "--signer")])
def test_a_field_under_review_is_unconfirmed_never_met(fieldname: str, option: str) -> None:
    doc = kh("p2", *ANNUAL, review=(ReviewItem(field=fieldname, reason="handwritten"),))
    r = req(check(cat(), [doc]), "1.1-a")
    assert r["status"] == "partial" and r["problem_codes"] == ["unconfirmed"]
    assert option in r["problems"][0] and "viết tay" in r["problems"][0]


def test_an_empty_issuer_is_unconfirmed() -> None:
    r = req(check(cat(), [kh("p3", *ANNUAL, issuer=None)]), "1.1-a")
    assert r["problem_codes"] == ["unconfirmed"] and "cơ quan ban hành" in r["problems"][0]


def test_manual_links_override_the_content_match_only() -> None:
    c = cat()
    annual = kh("p4", *ANNUAL, tasks=(TASK,))
    late = kh("p5", *ANNUAL, date="2024-03-02")
    links = [ManualLink(catalogue_id(c), "1.2-a", "p4", True, "kế hoạch tuyên truyền nằm trong mục II"),
             ManualLink(catalogue_id(c), "1.1-a", "p5", True, None),
             ManualLink("bo-khac", "1.1-a", "p4", False, None)]  # another catalogue: ignored
    rep = check(c, [annual, late], links=links)
    r = req(rep, "1.2-a")
    assert r["status"] == "met" and r["documents"][0]["id"] == "p4"
    assert r["manual"] == [{"id": "p4", "symbol": "07/KH-UBND", "counts": True,
                            "note": "kế hoạch tuyên truyền nằm trong mục II", "in_store": True}]
    assert any(x["condition"] == "manual" and x["ok"] for x in r["reasons"])
    # unlinking excludes a document that matches; a linked late plan stays late
    rep = check(c, [annual], links=[ManualLink(catalogue_id(c), "1.1-a", "p4", False, "bản cũ")])
    assert req(rep, "1.1-a")["status"] == "missing"
    rep = check(c, [late], links=[links[1]])
    assert req(rep, "1.1-a")["problem_codes"] == ["late"]


def test_every_verdict_has_reasons() -> None:
    rep = check(cat(), [kh("p6", *ANNUAL, tasks=(TASK,))])
    for rid in ("1.1-a", "1.2-a"):
        assert req(rep, rid)["reasons"], rid
    assert req(rep, "1.3-a")["reasons"] == []  # missing, and no document mentions it


def test_keywords_are_refused_in_v2_naming_the_replacements(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text(V2.replace('subject_all: ["tuyên truyền"', 'keywords_all: ["tuyên truyền"'), encoding="utf-8")
    with pytest.raises(BadCriteriaFile) as e:
        load_catalogue(p)
    msg = str(e.value)
    assert "tiêu chí 1.2: keywords_all: không còn ở schema_version 2" in msg
    assert "subject_all" in msg and "body_all" in msg


def _v1() -> str:
    """The v2 catalogue written in schema v1."""
    v1 = V2.replace("schema_version: 2", "schema_version: 1").replace("subject_none", "keywords_any") \
        .replace("subject_all", "keywords_all").replace("body_all", "keywords_all")
    return v1.replace('        keywords_any: ["tuyên truyền", "kiểm tra"]\n', "")


def test_v1_loads_with_its_meaning_and_warns_once(tmp_path: Path) -> None:
    v1 = _v1()
    p = tmp_path / "v1.yaml"
    p.write_text(v1, encoding="utf-8")
    c = load_catalogue(p)
    assert c.schema_version == 1 and len(c.warnings) == 1
    rep = check(c, [kh("p7", *ANNUAL, tasks=(TASK,))])
    assert rep.warnings == c.warnings and "schema_version: 2" in rep.warnings[0]
    assert req(rep, "1.2-a")["status"] == "met"  # v1: the mention counts (what the warning says)
    assert check(cat(), []).warnings == []
    with pytest.raises(BadCriteriaFile, match="subject_all: trường lạ"):
        p.write_text(v1.replace('keywords_all: ["tuyên', 'subject_all: ["tuyên'), encoding="utf-8")
        load_catalogue(p)


def test_default_catalogue_is_v2_and_has_an_id() -> None:
    c = load_catalogue()
    assert c.schema_version == 2 and catalogue_id(c) == "evidence-demo-huyen-2023"
    assert all(not r.keywords_all and not r.keywords_any for cr in c.criteria for r in cr.evidence)


# -- the title block ----------------------------------------------------------------------

def test_title_block_of_a_plan_stops_at_the_body() -> None:
    text = ("ỦY BAN NHÂN DÂN\nXÃ THẠCH LẠC\nSố: 07/KH-UBND\nKẾ HOẠCH\nTuyên truyền cải cách\n\nhành chính năm 2024\n"
            "Căn cứ Kế hoạch số 12/KH-UBND;\n1. Xây dựng kế hoạch kiểm tra.")
    assert title_block(text) == "KẾ HOẠCH\nTuyên truyền cải cách\nhành chính năm 2024"


def test_title_block_of_a_letter_is_its_vv_lines_across_columns() -> None:
    text = ("UBND XÃ THẠCH LẠC\nSố: 15/UBND-VP\nV/v đôn đốc thực hiện\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "kế hoạch cải cách hành chính\nThạch Lạc, ngày 02 tháng 3 năm 2024\nKính gửi: các thôn.\nNội dung.")
    assert title_block(text) == "V/v đôn đốc thực hiện\nkế hoạch cải cách hành chính"
    assert title_block(unicodedata.normalize("NFC", unicodedata.normalize("NFD", text))) == title_block(text)


def test_title_block_of_a_decision_stops_at_the_enacting_formula() -> None:
    text = ("ỦY BAN NHÂN DÂN\nSố: 30/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc kiện toàn Bộ phận Một cửa\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THẠCH LẠC\nCăn cứ Luật Tổ chức chính quyền địa phương;")
    assert title_block(text) == "QUYẾT ĐỊNH\nVề việc kiện toàn Bộ phận Một cửa"
    assert title_block("Biên nhận hồ sơ\nSố hồ sơ 12\n") is None


def test_check_command_says_the_v1_warning_once_on_stderr(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from evidence.cli import cli
    from evidence.index.store import Store

    v1 = _v1()
    p = tmp_path / "v1.yaml"
    p.write_text(v1, encoding="utf-8")
    home = tmp_path / "home"
    with Store.open(home):
        pass
    r = CliRunner().invoke(cli, ["--home", str(home), "check", "--criteria", str(p), "--json"])
    assert r.exit_code == 0, r.stderr
    said = [line for line in r.stderr.splitlines() if line.startswith("warning: ")]
    assert said == [f"warning: {load_catalogue(p).warnings[0]}"]
