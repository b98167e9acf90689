"""``evidence review``: the officer's to-do list of
empty or uncertain numbers, dates, issuers and signers, in ingest order; fix clears items."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from evidence.cli import cli
from evidence.index.corrections import review_items
from evidence.model import Document, Facts, FileRef, ReviewItem, Signer


def run(home: Path, *args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["--home", str(home), *args])


def items(home: Path) -> list[dict]:  # type: ignore[type-arg]
    r = run(home, "review", "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["items"]


def test_review_lists_empty_fields_not_blank_by_design(officer_store: tuple[Path, Path]) -> None:
    folder, home = officer_store
    got = items(home)
    # the unsigned report; the unnumbered draft (no number, day or signer by design) is not
    assert [(i["symbol"], i["field"], i["reason"]) for i in got] == [
        ("301/BC-UBND", "signer", "not_found")]
    (i,) = got
    assert set(i) >= {"id", "symbol", "path", "field", "reason", "page"}
    assert i["path"] == str(folder / "bao-cao-chua-ky.txt")
    r = run(home, "review")
    assert "Cần cán bộ kiểm tra: 1 văn bản, 1 mục" in r.stdout
    assert "không tìm thấy trong văn bản" in r.stdout and "người ký" in r.stdout
    status = json.loads(run(home, "status", "--json").stdout)
    assert status["review"] == {"documents": 1, "items": 1}
    assert "Cần cán bộ kiểm tra" in run(home, "status").stdout
    # the officer fixes it: the item is gone
    assert run(home, "fix", "301/BC-UBND", "--signer", "Trần Hoài Đức").exit_code == 0
    assert items(home) == []
    assert json.loads(run(home, "status", "--json").stdout)["review"]["items"] == 0


def _doc(review: list[ReviewItem], **facts: object) -> Document:
    f = Facts(doc_type="TTr", number=None, symbol="/TTr-UBND", date="2025-06-05",
              issuer="Ủy ban nhân dân xã Tùng Ảnh", signer=Signer(name="Lê Văn Hòa"),
              review=review)
    for k, v in facts.items():
        setattr(f, k, v)
    return Document(id="a" * 64, files=[FileRef("/kho/tt.pdf")], path="/kho/tt.pdf",
                    format="pdf", ocr=True, pages=1, facts=f)


def test_review_items_from_extraction_and_confirm_clears() -> None:
    from evidence.index.corrections import apply_overlay
    from evidence.model import Correction

    hand = ReviewItem("number", "handwritten", page=1, detail="#‡2##")
    doc = _doc([hand, ReviewItem("date", "stamp_only", page=1)], date=None)
    assert [(r.field, r.reason) for r in review_items(doc)] == [
        ("number", "handwritten"), ("date", "stamp_only")]
    # a handwritten number is not an unnumbered draft: the empty signer would be listed
    doc2 = _doc([hand], signer=None)
    assert [(r.field, r.reason) for r in review_items(doc2)] == [
        ("number", "handwritten"), ("signer", "not_found")]
    # an unnumbered draft, an annex sheet without a header: nothing
    assert review_items(_doc([], signer=None, date="2025")) == []
    assert review_items(_doc([], symbol=None, doc_type=None, issuer=None, signer=None,
                             date=None)) == []
    # a numbered document without date and issuer: both listed
    assert [(r.field, r.reason) for r in review_items(
        _doc([], number="12", symbol="12/TTr-UBND", date=None, issuer=None))] == [
        ("date", "not_found"), ("issuer", "not_found")]
    # the officer confirms the date was right, and gives the number
    apply_overlay(doc, [Correction("date", None, None, confirmed=True),
                        Correction("number", "347", None)])
    assert review_items(doc) == []
    assert doc.facts.symbol == "347/TTr-UBND" and doc.facts.number == "347"


def test_review_is_in_ingest_order(officer_store: tuple[Path, Path], tmp_path: Path) -> None:
    _, home = officer_store
    later = tmp_path / "them"
    later.mkdir()
    (later / "a-bao-cao.txt").write_text(
        "ỦY BAN NHÂN DÂN\nXÃ TÙNG ẢNH\nSố: 12/BC-UBND\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Tùng Ảnh, ngày 02 tháng 12 năm 2023\nBÁO CÁO\nKết quả cải cách hành chính của xã\n\n"
        "Năm 2023 xã đã hoàn thành các nhiệm vụ được giao.\n", encoding="utf-8")
    from evidence.index.store import Store
    from evidence.ingest.pipeline import ingest_paths

    with Store.open(home) as store:
        ingest_paths([later], store, jobs=1)
    # "a-bao-cao" sorts first by name and by id, but came last
    assert [i["symbol"] for i in items(home)] == ["301/BC-UBND", "12/BC-UBND"]


def test_status_count_agrees_with_the_review_list(officer_store: tuple[Path, Path]) -> None:
    from evidence.index.decisions import review
    from evidence.index.store import Store

    _, home = officer_store
    assert run(home, "fix", "2650/UBND-NV", "--clear", "signer", "--clear", "date").exit_code == 0
    assert run(home, "fix", "111/KH-UBND", "--clear", "issuer").exit_code == 0
    with Store.open(home) as store:
        listed = review(store)
        assert store.catalogue.review_count() == {
            "documents": len({i["id"] for i in listed}), "items": len(listed)}
    # cleared by the officer: not listed again (the officer said "empty")
    assert {i["symbol"] for i in listed} == {"301/BC-UBND"}
