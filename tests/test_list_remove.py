"""``evidence list`` (filters as search, --needs-review, --file-type, --ocr, --export) and
``evidence remove`` (from the store, remembered, --force brings it back, --purge)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from evidence.index.store import Store
from evidence.ingest.pipeline import ingest_paths


def symbols(ev, home: Path, *args: str) -> list[str | None]:
    return [h["symbol"] for h in ev.json(home, "list", *args)["hits"]]


def test_list_filters_like_search(ev, officer_store: tuple[Path, Path]) -> None:
    _, home = officer_store
    out = ev.json(home, "list")
    assert out["total"] == 6 and out["query"] == ""
    hit = out["hits"][0]
    assert "score" not in hit and "snippet" not in hit
    assert set(hit) >= {"id", "symbol", "doc_type", "date", "subject", "issuer", "path"}
    # by date (a partial date, the draft's "2023", sorts at its start), undated last
    assert symbols(ev, home) == ["/QĐ-UBND", "111/KH-UBND", "111/QĐ-UBND", "45/TTr-UBND",
                             "2650/UBND-NV", "301/BC-UBND"]
    assert symbols(ev, home, "--type", "qd") == symbols(ev, home, "--type", "QĐ") == [
        "/QĐ-UBND", "111/QĐ-UBND"]
    assert symbols(ev, home, "--from", "01/03/2023", "--to", "2023-10") == ["45/TTr-UBND", "2650/UBND-NV"]
    assert symbols(ev, home, "--issuer", "UBND huyen Duc Tho", "--type", "KH") == ["111/KH-UBND"]
    assert symbols(ev, home, "--issuer", "UBND tỉnh") == []
    assert symbols(ev, home, "--needs-review") == ["301/BC-UBND"]
    assert symbols(ev, home, "--file-type", "pdf") == [] and len(symbols(ev, home, "--file-type", "txt")) == 6
    assert symbols(ev, home, "--ocr") == [] and len(symbols(ev, home, "--no-ocr")) == 6
    assert len(symbols(ev, home, "--limit", "2")) == 2 and ev.json(home, "list", "--limit", "2")["total"] == 6
    for bad in (["--type", "XYZ"], ["--from", "31/02/2023"]):
        r = ev.run(home, "list", *bad)
        assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, bad


def test_list_export_csv_and_xlsx(ev, officer_store: tuple[Path, Path], tmp_path: Path) -> None:
    _, home = officer_store
    r = ev.run(home, "list", "--type", "QĐ", "--export", str(tmp_path / "qd.csv"))
    assert r.exit_code == 0, r.stderr
    raw = (tmp_path / "qd.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the diacritics
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Số ký hiệu", "Loại", "Ngày"]
    assert {r[0] for r in rows[1:]} == {"111/QĐ-UBND", "/QĐ-UBND"}
    r = ev.run(home, "list", "--export", str(tmp_path / "tat-ca.xlsx"))
    assert r.exit_code == 0, r.stderr
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "tat-ca.xlsx").active
    assert ws.cell(1, 4).value == "Trích yếu" and ws.max_row == 7
    assert ws.cell(2, 7).hyperlink is not None
    for bad in (tmp_path / "x.pdf", tmp_path / "khong-co" / "x.csv"):
        r = ev.run(home, "list", "--export", str(bad))
        assert r.exit_code == 2 and r.stderr.startswith(f"error: {bad}: "), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_remove_is_remembered_until_force(ev, officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    assert ev.run(home, "fix", "2650/UBND-NV", "--date", "2023-10-06").exit_code == 0
    out = ev.json(home, "remove", "2650/UBND-NV")
    (gone,) = out["removed"]
    assert gone["symbol"] == "2650/UBND-NV" and gone["path"] == str(folder / "cong-van-2650.txt")
    assert (folder / "cong-van-2650.txt").exists()  # never from the disk
    assert ev.run(home, "show", "2650/UBND-NV").exit_code == 2
    assert "2650/UBND-NV" not in symbols(ev, home)
    assert all(h["id"] != gone["id"] for h in ev.json(home, "search", "đôn đốc")["hits"])
    assert ev.json(home, "status")["removed"] == 1
    with Store.open(home) as store:
        ingest_paths([folder], store, jobs=1)  # the next ingest does not bring it back
    assert "2650/UBND-NV" not in symbols(ev, home)
    with Store.open(home) as store:
        ingest_paths([folder], store, jobs=1, force=True)  # --force does
    assert ev.json(home, "show", "2650/UBND-NV")["date"] == "2023-10-06"  # correction kept
    assert ev.json(home, "status")["removed"] == 0


def test_remove_purge_drops_corrections(ev, officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    ev.run(home, "fix", "45/TTr-UBND", "--subject", "Về danh mục thủ tục trực tuyến")
    doc_id = ev.json(home, "show", "45/TTr-UBND")["id"]
    assert ev.run(home, "remove", "45/TTr-UBND").exit_code == 0
    assert len(ev.json(home, "fix", "--list")["corrections"]) == 1  # kept while removed
    out = ev.json(home, "remove", doc_id[:8], "--purge")  # purge a document already removed
    assert [r["id"] for r in out["removed"]] == [doc_id]
    assert ev.json(home, "fix", "--list")["corrections"] == []
    with Store.open(home) as store:
        ingest_paths([folder], store, jobs=1, force=True)
    assert ev.json(home, "show", "45/TTr-UBND")["subject"].startswith("Về việc phê duyệt")


@pytest.mark.parametrize("ref", ["9999/KH-UBND", "111"])
def test_remove_refuses_unknown_or_ambiguous(ev, officer_store: tuple[Path, Path], ref: str) -> None:
    _, home = officer_store
    r = ev.run(home, "remove", ref)
    assert r.exit_code == 2 and r.stderr.startswith(f"error: {ref}: ")
    assert ev.json(home, "list")["total"] == 6


def test_search_exports_with_the_same_function(ev, officer_store: tuple[Path, Path],
                                               tmp_path: Path) -> None:
    _, home = officer_store
    out = tmp_path / "ket-qua.csv"
    r = ev.run(home, "search", "cải cách hành chính", "--export", str(out))
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][5:7] == ["Điểm", "Đoạn khớp"]
    assert "111/KH-UBND" in {row[0] for row in rows[1:]}
    assert all(float(row[5]) > 0 for row in rows[1:])
