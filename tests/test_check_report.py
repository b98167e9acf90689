"""Renderers of the check report (rich table, Markdown, XLSX) and the CLI commands
``check`` and ``pack`` over a real store built from hand-made documents."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from evidence.check import check, parse_catalogue
from evidence.check.report import write_xlsx
from evidence.model import Document, Facts, FileRef, Page, Signer
from evidence.renderers import check_markdown, render_check

CATALOGUE = """
schema_version: 1
catalogue: {id: test-xa, level: xa, year: 2024, title: "Chỉ số CCHC cấp xã (thử)"}
areas:
  - {code: "1", title: "Chỉ đạo, điều hành", max_score: 2.0}
  - {code: "2", title: "Thể chế", max_score: 1.0}
criteria:
  - code: "1.1"
    area: "1"
    title: "Kế hoạch CCHC năm của xã"
    max_score: 1.0
    evidence:
      - id: "1.1-a"
        text: "Kế hoạch CCHC năm 2024 của UBND xã, ban hành trước 31/01/2024"
        doc_type: KH
        issuer_any: ["UBND xã"]
        keywords_all: ["cải cách hành chính", "năm 2024"]
        issued_before: "2024-01-31"
  - code: "1.2"
    area: "1"
    title: "Báo cáo quý I"
    max_score: 1.0
    evidence:
      - id: "1.2-a"
        text: "Báo cáo CCHC quý I năm 2024 của UBND xã"
        doc_type: BC
        issuer_any: ["UBND xã"]
        keywords_all: ["cải cách hành chính", "quý I"]
        issued_before: "2024-03-31"
  - code: "2.1"
    area: "2"
    title: "Quy chế làm việc"
    max_score: 1.0
    evidence:
      - id: "2.1-a"
        text: "Quy chế làm việc của UBND xã"
        doc_type: QĐ
        keywords_all: ["quy chế làm việc"]
"""

COMMUNE = "Ủy ban nhân dân xã Sơn Kim 1"


def make_doc(folder: Path, name: str, *, doc_type: str, symbol: str, date: str, subject: str,
             body: str, nfd: bool = False) -> Document:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"{symbol}\n{subject}\n{body}".encode())  # stands for the original file
    text = (f"ỦY BAN NHÂN DÂN\nXÃ SƠN KIM 1\nSố: {symbol}\nSơn Kim 1, ngày ... \n{subject}\n{body}\n"
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Thị Lan\n")
    if nfd:
        text = unicodedata.normalize("NFD", text)
    facts = Facts(doc_type=doc_type, number=symbol.split("/")[0] or None, symbol=symbol, date=date,
                  issuer=COMMUNE, subject=subject, signer=Signer(name="Nguyễn Thị Lan"))
    return Document(id=f"{name}-id".replace(" ", "_").encode().hex()[:40], files=[FileRef(path=str(path))],
                    path=str(path), format=path.suffix.lstrip("."), ocr=False, pages=1, facts=facts,
                    page_texts=[Page(number=1, text=text)])


def corpus(tmp: Path) -> list[Document]:
    return [
        make_doc(tmp / "kc", "KH 12 CCHC 2024.docx", doc_type="KH", symbol="12/KH-UBND", date="2024-01-10",
                 subject="Kế hoạch cải cách hành chính năm 2024",
                 body="Ủy ban nhân dân xã ban hành Kế hoạch cải cách hành chính năm 2024."),
        make_doc(tmp / "kc", "BC quy I.pdf", doc_type="BC", symbol="40/BC-UBND", date="2024-04-05",
                 subject="Báo cáo cải cách hành chính quý I năm 2024",
                 body="Kết quả cải cách hành chính quý I năm 2024 của xã.", nfd=True),
    ]


def catalogue() -> object:
    return parse_catalogue(yaml.safe_load(CATALOGUE), source="xa.yaml")


def test_markdown_lists_every_requirement(tmp_path: Path) -> None:
    rep = check(catalogue(), corpus(tmp_path))
    md = check_markdown(rep)
    for rid in ("1.1-a", "1.2-a", "2.1-a"):
        assert f"| {rid} |" in md
    assert "## Lĩnh vực 1. Chỉ đạo, điều hành" in md
    assert "sau thời hạn 31/03/2024" in md
    assert "Không tìm thấy văn bản nào khớp" in md
    assert "12/KH-UBND: ✓ ngày ban hành: ban hành 10/01/2024" in md  # reasons, met included


def test_rich_table_groups_by_area_with_totals(tmp_path: Path) -> None:
    from rich.console import Console

    rep = check(catalogue(), corpus(tmp_path))
    con = Console(record=True, width=100)
    render_check(rep, con)
    out = con.export_text()
    assert "Lĩnh vực 1. Chỉ đạo, điều hành" in out and "Lĩnh vực 2. Thể chế" in out
    assert "12/KH-UBND" in out and "Đạt" in out and "Thiếu" in out
    assert "Tổng:" in out and "1 đạt" in out and "1 chưa đạt đủ" in out and "1 thiếu" in out
    assert "có nguy cơ mất 2" in out


def test_xlsx_has_a_summary_and_one_row_per_requirement(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rep = check(catalogue(), corpus(tmp_path))
    path = write_xlsx(rep, tmp_path / "out" / "bao-cao.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết", "Văn bản"]
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=1, max_row=9, values_only=True)}
    assert summary["Tiêu chí đạt"] == 1 and summary["Tiêu chí thiếu"] == 1
    assert summary["Năm đánh giá"] == 2024
    ws = wb["Chi tiết"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Lĩnh vực", "Mã tiêu chí"] and "Trạng thái" in header and "Vấn đề" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[header.index("Mã yêu cầu")] for r in rows] == ["1.1-a", "1.2-a", "2.1-a"]
    assert [r[header.index("Trạng thái")] for r in rows] == ["Đạt", "Chưa đạt đủ", "Thiếu"]
    assert "12/KH-UBND" in rows[0][header.index("Văn bản")]
    assert "late" in rows[1][header.index("Mã vấn đề")]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    link = ws.cell(2, header.index("Tệp") + 1)
    assert link.hyperlink is not None and link.hyperlink.target.startswith("file://")
    assert "✓ ngày ban hành" in rows[0][header.index("Căn cứ")]  # a met verdict says why
    # every listed document gets its own row, its reasons and its own link
    wv = wb["Văn bản"]
    vh = [c.value for c in wv[1]]
    docs = list(wv.iter_rows(min_row=2, values_only=True))
    assert {(r[vh.index("Mã yêu cầu")], r[vh.index("Văn bản")]) for r in docs} >= {
        ("1.1-a", "12/KH-UBND"), ("1.2-a", "40/BC-UBND")}
    for i in range(2, wv.max_row + 1):
        assert wv.cell(i, vh.index("Tệp") + 1).hyperlink.target.startswith("file://")
    late = next(r for r in docs if r[vh.index("Văn bản")] == "40/BC-UBND")
    assert "✗" in late[vh.index("Căn cứ")] and "sau thời hạn" in late[vh.index("Căn cứ")]
    assert ws.column_dimensions["G"].width >= 40


# -- CLI over a real store ----------------------------------------------------------------

def build_store(home: Path, docs: list[Document]) -> None:
    import hashlib

    from evidence.index.catalogue import FileInfo
    from evidence.index.store import Store

    with Store.open(home) as store:
        for d in docs:
            p = Path(d.path)
            data = p.read_bytes()
            store.put_document(d, [FileInfo(path=d.path, sha256=hashlib.sha256(data).hexdigest(),
                                            size=len(data), mtime=p.stat().st_mtime, format=d.format)])
        store.flush()


@pytest.fixture
def store_home(tmp_path: Path, home: Path) -> Path:
    build_store(home, corpus(tmp_path))
    (tmp_path / "xa.yaml").write_text(CATALOGUE, encoding="utf-8")
    return home


def run(*args: str) -> object:
    from evidence.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_check_json_is_the_contract(store_home: Path, tmp_path: Path) -> None:
    res = run("check", "--criteria", str(tmp_path / "xa.yaml"), "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["year"] == 2024 and data["summary"] == {"met": 1, "partial": 1, "missing": 1}
    assert data["criteria_file"].endswith("xa.yaml")
    r = data["criteria"][1]["requirements"][0]
    assert r["status"] == "partial" and r["problem_codes"] == ["late"]
    assert r["documents"][0]["symbol"] == "40/BC-UBND"


def test_cli_check_strict_exits_1_and_formats(store_home: Path, tmp_path: Path) -> None:
    crit = str(tmp_path / "xa.yaml")
    res = run("check", "--criteria", crit, "--strict", "--format", "md")
    assert res.exit_code == 1
    assert "| 1.1-a |" in res.stdout
    res = run("check", "--criteria", crit, "--format", "xlsx")
    assert res.exit_code == 2 and "--out" in res.stderr
    out = tmp_path / "r.xlsx"
    res = run("check", "--criteria", crit, "--format", "xlsx", "--out", str(out))
    assert res.exit_code == 0 and out.stat().st_size > 0 and res.stdout == ""
    res = run("check", "--criteria", crit)
    assert res.exit_code == 0 and "Tổng:" in res.stdout


def test_cli_check_bad_catalogue_is_one_line_exit_2(store_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(CATALOGUE.replace('issued_before: "2024-01-31"', 'issued_before: "31/02/2024"'), encoding="utf-8")
    res = run("check", "--criteria", str(bad))
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: {bad}: tiêu chí 1.1: issued_before: không phải ngày có thật")
    assert res.stderr.count("\n") == 1 and res.stdout == ""


def test_cli_check_without_a_store_is_an_error(home: Path) -> None:
    res = run("check", "--json")
    assert res.exit_code == 2 and res.stderr.startswith("error:") and res.stdout == ""


def test_cli_pack_writes_folders_and_refuses_non_empty(store_home: Path, tmp_path: Path) -> None:
    crit = str(tmp_path / "xa.yaml")
    out = tmp_path / "pack"
    res = run("pack", "--criteria", crit, "--out", str(out), "--json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["copied"] == 2
    assert (out / "1.1 Kế hoạch CCHC năm của xã" / "1.1-a 12-KH-UBND 2024-01-10.docx").is_file()
    assert (out / "manifest.csv").is_file() and (out / "README.md").is_file()
    res = run("pack", "--criteria", crit, "--out", str(out))
    assert res.exit_code == 2 and "không trống" in res.stderr
    res = run("pack", "--criteria", crit, "--out", str(out), "--force")
    assert res.exit_code == 0
