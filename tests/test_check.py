"""Scenario tests of ``evidence.check``: a small catalogue of our own and hand-built
documents (facts filled in, Vietnamese page texts written for these tests, NFC and NFD)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml
from evidence.check import check, parse_catalogue
from evidence.model import Citation, Document, Facts, FileRef, Page, Signer

CATALOGUE = """
schema_version: 1
catalogue: {id: test-xa-2023, level: xa, year: 2023, title: "Bộ tiêu chí thử"}
areas:
  - {code: "1", title: "Chỉ đạo, điều hành", max_score: 6.0}
  - {code: "7", title: "Chính quyền số", max_score: 4.0}
criteria:
  - code: "1.1"
    area: "1"
    title: "Ban hành Kế hoạch CCHC năm"
    max_score: 1.0
    evidence:
      - id: "1.1-a"
        text: "Kế hoạch CCHC năm 2023 của UBND huyện, ban hành trước 31/01/2023"
        doc_type: [KH, QĐ]
        issuer_any: ["UBND huyện"]
        keywords_all: ["cải cách hành chính", "năm 2023"]
        keywords_any: ["kế hoạch"]
        issued_after: "2022-11-01"
        issued_before: "2023-01-31"
  - code: "1.2"
    area: "1"
    title: "Báo cáo CCHC năm"
    max_score: 0.5
    evidence:
      - id: "1.2-a"
        text: "Báo cáo CCHC năm 2023 của UBND huyện"
        doc_type: BC
        issuer_any: ["Ủy ban nhân dân huyện"]
        keywords_all: ["cải cách hành chính", "năm 2023"]
        issued_after: "2023-11-15"
        issued_before: "2023-12-31"
  - code: "1.3"
    area: "1"
    title: "Báo cáo kết quả thực hiện kế hoạch khắc phục"
    max_score: 1.0
    evidence:
      - id: "1.3-a"
        text: "Báo cáo kết quả khắc phục, viện dẫn Kế hoạch 137/KH-UBND"
        doc_type: BC
        keywords_all: ["khắc phục"]
        cites_any: ["137/KH-UBND"]
  - code: "1.4"
    area: "1"
    title: "Kiện toàn Bộ phận Một cửa"
    max_score: 1.0
    evidence:
      - id: "1.4-a"
        text: "Quyết định kiện toàn Bộ phận Một cửa, kèm danh mục TTHC"
        doc_type: QĐ
        keywords_all: ["Bộ phận Một cửa"]
        annex_required: true
  - code: "1.5"
    area: "1"
    title: "Quy chế làm việc"
    max_score: 1.5
    evidence:
      - id: "1.5-a"
        text: "Quy chế làm việc của UBND huyện"
        doc_type: QĐ
        keywords_all: ["quy chế làm việc"]
        year: null
  - code: "1.6"
    area: "1"
    title: "Kiểm tra công vụ"
    max_score: 1.0
    evidence:
      - id: "1.6-a"
        text: "Hai quyết định thành lập tổ kiểm tra công vụ"
        doc_type: QĐ
        keywords_all: ["tổ kiểm tra", "công vụ"]
        min_count: 2
      - id: "1.6-b"
        text: "Báo cáo kết quả kiểm tra công vụ (không bắt buộc)"
        doc_type: BC
        keywords_all: ["kiểm tra công vụ"]
        required: false
  - code: "7.1"
    area: "7"
    title: "Tỷ lệ hồ sơ trực tuyến"
    max_score: 2.0
    evidence:
      - id: "7.1-a"
        text: "Báo cáo nêu tỷ lệ hồ sơ trực tuyến, đạt từ 50%"
        doc_type: BC
        keywords_all: ["cải cách hành chính"]
        numeric: {metric: "tỷ lệ hồ sơ trực tuyến", unit: "%", op: ">=", value: 50, full_score_at: 50}
  - code: "7.2"
    area: "7"
    title: "Điều tra xã hội học"
    max_score: 2.0
    assessment: survey
    evidence: []
"""

DISTRICT = "Ủy ban nhân dân huyện Đức Thọ"
COMMUNE = "Ủy ban nhân dân xã Tùng Ảnh"


def catalogue() -> object:
    return parse_catalogue(yaml.safe_load(CATALOGUE), source="test.yaml")


def header(issuer: str, symbol: str, place_date: str, kind: str, subject: str) -> str:
    return (f"{issuer.upper()}\nSố: {symbol}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"Độc lập - Tự do - Hạnh phúc\n{place_date}\n{kind}\n{subject}\n")


def doc(doc_id: str, *, doc_type: str | None, symbol: str | None, date: str | None,
        subject: str, body: str, issuer: str | None = DISTRICT, number: str | None = "auto",
        signer: str | None = "Trần Hoài Đức", cited: tuple[str, ...] = (), path: str | None = None,
        fmt: str = "docx", ocr: bool = False, nfd: bool = False, extra_pages: tuple[str, ...] = (),
        place_date: str = "Đức Thọ, ngày 17 tháng 01 năm 2023", kind: str = "KẾ HOẠCH") -> Document:
    if number == "auto":
        number = symbol.split("/")[0] if symbol and symbol.split("/")[0] else None
    text = header(issuer or "", symbol or "", place_date, kind, subject) + body
    if signer:
        text += f"\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n{signer}\n"
    pages = [text, *extra_pages]
    if nfd:
        pages = [unicodedata.normalize("NFD", p) for p in pages]
        subject = unicodedata.normalize("NFD", subject)
        issuer = unicodedata.normalize("NFD", issuer) if issuer else None
    p = path or f"/kiem-chung/{doc_id}.{fmt}"
    facts = Facts(doc_type=doc_type, number=number, symbol=symbol, date=date, issuer=issuer,
                  subject=subject, signer=Signer(name=signer, position="Chủ tịch") if signer else None,
                  cited=[Citation(doc_type="KH", number=s.split("/")[0], symbol=s,
                                  text=f"Kế hoạch số {s} của UBND huyện") for s in cited])
    return Document(id=doc_id, files=[FileRef(path=p)], path=p, format=fmt, ocr=ocr,
                    pages=len(pages), facts=facts,
                    page_texts=[Page(number=i + 1, text=t, ocr=ocr) for i, t in enumerate(pages)])


PLAN_BODY = ("Thực hiện Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030, "
             "Ủy ban nhân dân huyện ban hành Kế hoạch cải cách hành chính năm 2023 như sau:\n"
             "I. MỤC ĐÍCH, YÊU CẦU\n1. Đẩy mạnh cải cách thủ tục hành chính.\n")


def plan(doc_id: str = "plan111", symbol: str = "111/KH-UBND", date: str = "2023-01-17",
         **kw: object) -> Document:
    return doc(doc_id, doc_type="KH", symbol=symbol, date=date,
               subject="Kế hoạch cải cách hành chính năm 2023", body=PLAN_BODY, **kw)  # type: ignore[arg-type]


def annual_report(doc_id: str, symbol: str | None, date: str | None, **kw: object) -> Document:
    return doc(doc_id, doc_type="BC", symbol=symbol, date=date, kind="BÁO CÁO",
               subject="Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2023",
               body="Năm 2023, công tác cải cách hành chính của huyện đạt nhiều kết quả.\n",
               place_date="Đức Thọ, ngày    tháng 12 năm 2023", **kw)  # type: ignore[arg-type]


def requirement(report: object, rid: str) -> dict:
    data = report.to_dict()  # type: ignore[attr-defined]
    for c in data["criteria"]:
        for r in c["requirements"]:
            if r["id"] == rid:
                return r
    raise AssertionError(rid)


def criterion(report: object, code: str) -> dict:
    return next(c for c in report.to_dict()["criteria"] if c["code"] == code)  # type: ignore[attr-defined]


# -- scenarios ----------------------------------------------------------------------------

def test_plan_on_time_is_met() -> None:
    rep = check(catalogue(), [plan()])
    r = requirement(rep, "1.1-a")
    assert r["status"] == "met"
    assert r["problems"] == [] and r["problem_codes"] == []
    assert [d["symbol"] for d in r["documents"]] == ["111/KH-UBND"]
    assert r["documents"][0]["date"] == "2023-01-17"
    assert criterion(rep, "1.1")["status"] == "met"


def test_same_plan_issued_late_is_partial_late() -> None:
    rep = check(catalogue(), [plan("plan215", "215/KH-UBND", "2023-03-20")])
    r = requirement(rep, "1.1-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["late"]
    assert "Văn bản 215/KH-UBND ban hành ngày 20/03/2023, sau thời hạn 31/01/2023" in r["problems"]
    assert r["documents"][0]["symbol"] == "215/KH-UBND"
    assert r["documents"][0]["counts"] is False
    assert criterion(rep, "1.1")["status"] == "partial"


def test_on_time_copy_wins_over_late_one() -> None:
    rep = check(catalogue(), [plan("plan215", "215/KH-UBND", "2023-03-20"), plan()])
    r = requirement(rep, "1.1-a")
    assert r["status"] == "met"
    assert [d["symbol"] for d in r["documents"]] == ["111/KH-UBND"]


def test_only_an_unnumbered_draft_is_partial_unnumbered() -> None:
    draft = annual_report("draft", "/BC-UBND", "2023-12", number=None)
    rep = check(catalogue(), [draft])
    r = requirement(rep, "1.2-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["unnumbered"]
    assert any("chưa có số" in p and "/BC-UBND" in p for p in r["problems"])
    # a month-only date inside the window is on time
    assert "late" not in r["problem_codes"]


def test_unsigned_draft_reports_both_problems() -> None:
    draft = annual_report("draft", "/BC-UBND", "2023-12", number=None, signer=None)
    r = requirement(check(catalogue(), [draft]), "1.2-a")
    assert r["problem_codes"] == ["unnumbered", "unsigned"]


def test_commune_report_where_the_district_is_required_is_wrong_issuer() -> None:
    rep = annual_report("xa", "25/BC-UBND", "2023-12-05", issuer=COMMUNE)
    r = requirement(check(catalogue(), [rep]), "1.2-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["wrong_issuer"]
    assert any("Ủy ban nhân dân xã Tùng Ảnh" in p for p in r["problems"])


def test_abbreviated_issuer_matches_the_full_name() -> None:
    # catalogue says "UBND huyện"; the document's issuer is written out
    assert requirement(check(catalogue(), [plan()]), "1.1-a")["status"] == "met"
    # and the other way round: the extracted issuer is abbreviated
    short = plan(issuer="UBND huyện Đức Thọ")
    assert requirement(check(catalogue(), [short]), "1.2-a")["status"] == "missing"
    bc = annual_report("bc", "560/BC-UBND", "2023-12-10", issuer="UBND huyện Đức Thọ")
    assert requirement(check(catalogue(), [bc]), "1.2-a")["status"] == "met"


def quarterly(doc_id: str, symbol: str, rate: str, *, nfd: bool = False, ocr: bool = False) -> Document:
    body = ("1. Kết quả cải cách thủ tục hành chính\n"
            "Trong quý III, bộ phận một cửa tiếp nhận 1.240 hồ sơ; tỷ lệ hồ sơ tiếp nhận trực "
            f"tuyến đạt {rate}; tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC đạt 45,3%.\n"
            "2. Công tác cải cách hành chính khác\n")
    return doc(doc_id, doc_type="BC", symbol=symbol, date="2023-09-15", kind="BÁO CÁO",
               subject="Báo cáo công tác cải cách hành chính quý III năm 2023", body=body,
               nfd=nfd, ocr=ocr, place_date="Đức Thọ, ngày 15 tháng 9 năm 2023")


def test_rate_below_target_is_partial_below_target_with_the_quoted_line() -> None:
    r = requirement(check(catalogue(), [quarterly("q3", "530/BC-UBND", "42,5%")]), "7.1-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["below_target"]
    assert any("42,5%" in p and "50%" in p and "530/BC-UBND" in p for p in r["problems"])
    d = r["documents"][0]
    assert d["figure"]["value"] == 42.5
    assert d["figure"]["target"] == 50 and d["figure"]["op"] == ">=" and d["figure"]["score_share"] == 0.85
    assert "42,5%" in d["quote"] and "trực tuyến" in d["quote"] and "45,3" not in d["quote"]


def test_rate_above_target_is_met_nfd_text() -> None:
    r = requirement(check(catalogue(), [quarterly("q1", "95/BC-UBND", "62,5 %", nfd=True)]), "7.1-a")
    assert r["status"] == "met"
    assert r["documents"][0]["figure"]["value"] == 62.5


def test_report_without_the_figure_is_partial() -> None:
    d = annual_report("bc", "560/BC-UBND", "2023-12-10")
    r = requirement(check(catalogue(), [d]), "7.1-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["below_target"]
    assert any("không nêu số liệu" in p for p in r["problems"])


ANNEX_BODY = ("Điều 1. Kiện toàn Bộ phận Một cửa của huyện; ban hành kèm theo Quyết định này "
              "Danh mục thủ tục hành chính tiếp nhận tại Bộ phận Một cửa.\n"
              "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\n")


def one_stop(doc_id: str = "qd1020", *, extra_pages: tuple[str, ...] = (), folder: str = "/kc/1.4") -> Document:
    return doc(doc_id, doc_type="QĐ", symbol="1020/QĐ-UBND", date="2023-04-05", kind="QUYẾT ĐỊNH",
               subject="Về việc kiện toàn Bộ phận Một cửa huyện Đức Thọ", body=ANNEX_BODY,
               path=f"{folder}/QD-1020.docx", extra_pages=extra_pages,
               place_date="Đức Thọ, ngày 05 tháng 4 năm 2023")


def annex_sheet(name: str, folder: str = "/kc/1.4") -> Document:
    p = f"{folder}/{name}"
    return Document(id="xlsx-" + name, files=[FileRef(path=p)], path=p, format="xlsx", ocr=False,
                    pages=1, facts=Facts(),
                    page_texts=[Page(number=1, text="STT\tTên thủ tục hành chính\tLĩnh vực\n1\tĐăng ký khai sinh\tHộ tịch")])


def test_annex_announced_but_absent_is_annex_missing() -> None:
    r = requirement(check(catalogue(), [one_stop()]), "1.4-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["annex_missing"]
    assert r["documents"][0]["quote"] and "kèm theo" in r["documents"][0]["quote"]


def test_annex_beside_the_decision_is_found() -> None:
    r = requirement(check(catalogue(), [one_stop(), annex_sheet("QD-1020 phu luc.xlsx")]), "1.4-a")
    assert r["status"] == "met"
    assert r["documents"][0]["annex"] == "/kc/1.4/QD-1020 phu luc.xlsx"


def test_annex_in_another_folder_does_not_count() -> None:
    r = requirement(check(catalogue(), [one_stop(), annex_sheet("Danh muc.xlsx", "/khac")]), "1.4-a")
    assert r["problem_codes"] == ["annex_missing"]


def test_annex_inside_the_document_is_found() -> None:
    page2 = "DANH MỤC THỦ TỤC HÀNH CHÍNH\n(Kèm theo Quyết định số 1020/QĐ-UBND ngày 05/4/2023)\n1. Đăng ký khai sinh"
    r = requirement(check(catalogue(), [one_stop(extra_pages=(page2,))]), "1.4-a")
    assert r["status"] == "met"


def test_annex_beside_found_through_the_filesystem_lookup() -> None:
    seen = []

    def beside(v: object) -> list[str]:
        seen.append(v)
        return ["/kc/1.4/QD-1020.docx", "/kc/1.4/Phu luc danh muc TTHC.xlsx"]

    r = requirement(check(catalogue(), [one_stop()], files_beside=beside), "1.4-a")
    assert r["status"] == "met" and seen


def test_nothing_is_missing_not_found() -> None:
    rep = check(catalogue(), [plan(), quarterly("q3", "530/BC-UBND", "42,5%")])
    r = requirement(rep, "1.5-a")
    assert r["status"] == "missing"
    assert r["problem_codes"] == ["not_found"]
    assert r["documents"] == []
    assert criterion(rep, "1.5")["status"] == "missing"
    assert criterion(rep, "1.5")["points_at_stake"] == 1.5


FIX_BODY = "Thực hiện Kế hoạch khắc phục tồn tại, hạn chế; kết quả khắc phục như sau:\n"


def test_evidence_that_must_cite_a_plan() -> None:
    citing = doc("bc480", doc_type="BC", symbol="480/BC-UBND", date="2023-08-30", kind="BÁO CÁO",
                 subject="Báo cáo kết quả thực hiện Kế hoạch 137/KH-UBND", body=FIX_BODY,
                 cited=("137/KH-UBND",))
    silent = doc("bc481", doc_type="BC", symbol="481/BC-UBND", date="2023-08-31", kind="BÁO CÁO",
                 subject="Báo cáo kết quả khắc phục", body=FIX_BODY)
    r = requirement(check(catalogue(), [silent]), "1.3-a")
    assert r["status"] == "partial" and r["problem_codes"] == ["not_cited"]
    assert any("137/KH-UBND" in p for p in r["problems"])
    r = requirement(check(catalogue(), [silent, citing]), "1.3-a")
    assert r["status"] == "met"
    assert r["documents"][0]["symbol"] == "480/BC-UBND"
    assert "137/KH-UBND" in (r["documents"][0]["quote"] or "")


def test_citation_written_in_the_text_counts_when_extraction_missed_it() -> None:
    d = doc("bc482", doc_type="BC", symbol="482/BC-UBND", date="2023-09-01", kind="BÁO CÁO",
            subject="Báo cáo kết quả khắc phục",
            body=FIX_BODY + "Căn cứ Kế hoạch số 137 / KH-UBND ngày 31/01/2023 của UBND huyện.\n")
    assert requirement(check(catalogue(), [d]), "1.3-a")["status"] == "met"


def team(doc_id: str, symbol: str, date: str, *, fmt: str = "docx", ocr: bool = False) -> Document:
    return doc(doc_id, doc_type="QĐ", symbol=symbol, date=date, kind="QUYẾT ĐỊNH", fmt=fmt, ocr=ocr,
               subject="Về việc thành lập Tổ kiểm tra kỷ luật, kỷ cương hành chính, văn hóa công vụ",
               body="Điều 1. Thành lập Tổ kiểm tra công vụ năm 2023 gồm các ông, bà sau.\n")


def test_min_count_counts_a_docx_and_its_scan_once() -> None:
    docx = team("qd870-docx", "870/QĐ-UBND", "2023-05-10")
    scan = team("qd870-scan", "870/QĐ-UBND", "2023-05-10", fmt="pdf", ocr=True)
    r = requirement(check(catalogue(), [docx, scan]), "1.6-a")
    assert r["status"] == "partial"
    assert r["problem_codes"] == ["too_few"]
    assert r["found"] == 1
    assert len(r["documents"]) == 1 and r["documents"][0]["ocr"] is False  # the DOCX represents it
    assert any("ít nhất 2" in p for p in r["problems"])
    second = team("qd871", "871/QĐ-UBND", "2023-06-01")
    r = requirement(check(catalogue(), [docx, scan, second]), "1.6-a")
    assert r["status"] == "met" and r["found"] == 2


def test_optional_requirement_does_not_block_met() -> None:
    rep = check(catalogue(), [team("a", "870/QĐ-UBND", "2023-05-10"), team("b", "871/QĐ-UBND", "2023-06-01")])
    assert requirement(rep, "1.6-b")["status"] == "missing"
    assert criterion(rep, "1.6")["status"] == "met"


def test_survey_criterion_is_not_judged() -> None:
    rep = check(catalogue(), [])
    assert "7.2" not in [c["code"] for c in rep.to_dict()["criteria"]]
    assert [x["code"] for x in rep.to_dict()["not_checked"]] == ["7.2"]
    assert rep.summary == {"met": 0, "partial": 0, "missing": 7}


def test_nfd_documents_and_nfd_catalogue_match() -> None:
    nfd_cat = parse_catalogue(yaml.safe_load(unicodedata.normalize("NFD", CATALOGUE)), source="nfd.yaml")
    r = requirement(check(nfd_cat, [plan(nfd=True)]), "1.1-a")
    assert r["status"] == "met"


def test_ocr_noise_is_tolerated_only_in_ocr_text() -> None:
    # diacritic errors vanish with folding; letter and space errors need the fuzzy match
    noisy = ("Thực hiện Chương trình tổng thể cái cách hành chírh nhà nước, Ủy ban nhân dân "
             "huyện ban hành Kế hoạch cải cách hànhchính năm 2023 như sau:\n")

    def make(ocr: bool) -> Document:
        return doc("scan", doc_type="KH", symbol="111/KH-UBND", date="2023-01-17", ocr=ocr,
                   subject="Kế hoạch cải cách hànhchính năm 2023", body=noisy)

    assert requirement(check(catalogue(), [make(True)]), "1.1-a")["status"] == "met"
    assert requirement(check(catalogue(), [make(False)]), "1.1-a")["status"] == "missing"


def test_partial_dates() -> None:
    # a month-only date that may fall after the deadline cannot prove timeliness
    d = plan(date="2023-01")
    assert requirement(check(catalogue(), [d]), "1.1-a")["status"] == "met"
    d = plan(date="2023")
    r = requirement(check(catalogue(), [d]), "1.1-a")
    assert r["problem_codes"] == ["late"]
    assert any("năm 2023" in p for p in r["problems"])
    # no date read: the deadline cannot be confirmed (never met on a guess)
    r = requirement(check(catalogue(), [plan(date=None)]), "1.1-a")
    assert r["status"] == "partial" and r["problem_codes"] == ["unconfirmed"]
    assert any("ngày ban hành" in p and "--date" in p for p in r["problems"])


def test_document_about_another_year_is_not_a_candidate() -> None:
    old = doc("kh2022", doc_type="KH", symbol="05/KH-UBND", date="2022-01-10",
              subject="Kế hoạch cải cách hành chính năm 2022",
              body="Kế hoạch cải cách hành chính năm 2022 của huyện.\n")
    r = requirement(check(catalogue(), [old]), "1.1-a")
    assert r["status"] == "missing"
    # a plan for 2024 issued in December 2023 is about 2024
    nxt = doc("kh2024", doc_type="KH", symbol="300/KH-UBND", date="2023-12-20",
              subject="Kế hoạch cải cách hành chính năm 2024",
              body="Kế hoạch cải cách hành chính năm 2024; tổng kết năm 2023.\n")
    assert requirement(check(catalogue(), [nxt]), "1.1-a")["status"] == "missing"


def test_year_argument_retargets_the_catalogue() -> None:
    p2024 = doc("kh2024", doc_type="KH", symbol="12/KH-UBND", date="2024-01-15",
                subject="Kế hoạch cải cách hành chính năm 2024",
                body="Ủy ban nhân dân huyện ban hành Kế hoạch cải cách hành chính năm 2024.\n")
    rep = check(catalogue(), [p2024, plan()], year=2024)
    assert rep.year == 2024
    r = requirement(rep, "1.1-a")
    assert r["status"] == "met"
    assert [d["symbol"] for d in r["documents"]] == ["12/KH-UBND"]
    assert "31/01/2024" in r["text"]


def test_report_json_shape() -> None:
    rep = check(catalogue(), [plan(), quarterly("q3", "530/BC-UBND", "42,5%")])
    data = rep.to_dict()
    assert set(data) >= {"year", "criteria_file", "summary", "criteria"}
    assert data["year"] == 2023 and data["criteria_file"] == "test.yaml"
    assert set(data["summary"]) == {"met", "partial", "missing"}
    assert sum(data["summary"].values()) == len(data["criteria"])
    for c in data["criteria"]:
        assert set(c) >= {"code", "title", "status", "requirements"}
        assert c["status"] in ("met", "partial", "missing")
        for r in c["requirements"]:
            assert set(r) >= {"id", "text", "status", "documents", "problems", "problem_codes"}
            for d in r["documents"]:
                assert set(d) >= {"id", "symbol", "date", "path"}
            if r["status"] == "missing":
                assert r["problem_codes"] == ["not_found"]
            if r["status"] == "met":
                assert r["problem_codes"] == []


def test_pure_over_a_generator_and_repeatable() -> None:
    docs = [plan(), quarterly("q3", "530/BC-UBND", "42,5%")]
    a = check(catalogue(), iter(docs)).to_dict()
    b = check(catalogue(), docs).to_dict()
    assert a == b
    assert Path(docs[0].path).name == "plan111.docx"


def test_a_document_does_not_cite_itself() -> None:
    # "Số: 137/KH-UBND" in its own header is not a citation of 137/KH-UBND
    own = doc("kh137", doc_type="BC", symbol="137/KH-UBND", date="2023-01-31", kind="BÁO CÁO",
              subject="Báo cáo khắc phục tồn tại", body=FIX_BODY)
    r = requirement(check(catalogue(), [own]), "1.3-a")
    assert r["problem_codes"] == ["not_cited"]


def test_title_match_ranks_before_a_mention() -> None:
    # the plan that orders a propaganda plan mentions it; the propaganda plan is titled so
    mention = doc("kh111", doc_type="BC", symbol="111/BC-UBND", date="2023-08-30", kind="BÁO CÁO",
                  subject="Báo cáo tình hình", body="Thực hiện kết quả khắc phục theo Kế hoạch 137/KH-UBND.\n",
                  cited=("137/KH-UBND",))
    titled = doc("bc480", doc_type="BC", symbol="480/BC-UBND", date="2023-08-01", kind="BÁO CÁO",
                 subject="Báo cáo kết quả khắc phục", body=FIX_BODY, cited=("137/KH-UBND",))
    r = requirement(check(catalogue(), [mention, titled]), "1.3-a")
    assert [d["symbol"] for d in r["documents"]] == ["480/BC-UBND", "111/BC-UBND"]


def test_scan_with_an_ocr_misread_issuer_is_still_the_same_document() -> None:
    docx = team("qd870-docx", "870/QĐ-UBND", "2023-05-10")
    scan = team("qd870-scan", "870/QĐ-UBND", "2023-05-10", fmt="pdf", ocr=True)
    scan.facts.issuer = "Ủy ban nhân dân huyện Đúc Thọ"
    other = team("qd870-xa", "870/QĐ-UBND", "2023-05-10")
    other.facts.issuer = COMMUNE  # same number and date, another body: another document
    r = requirement(check(catalogue(), [docx, scan]), "1.6-a")
    assert r["found"] == 1 and r["problem_codes"] == ["too_few"]
    r = requirement(check(catalogue(), [docx, scan, other]), "1.6-a")
    assert r["found"] == 2 and r["status"] == "met"
