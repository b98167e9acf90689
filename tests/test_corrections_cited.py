"""A handwritten number filled from a stored document that cites it (store
side): recorded in ``fallbacks``, re-checked when a citing document arrives later, dropped
when it goes away, never over a printed or corrected number."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from evidence.index.catalogue import FileInfo
from evidence.index.resolve import resolve
from evidence.index.store import Store
from evidence.ingest.pipeline import ingest_paths
from evidence.model import Document, Facts, FileRef, Page, ReviewItem, Signer

TT_TEXT = ("ỦY BAN NHÂN DÂN\nXÃ TÙNG ẢNH\nSố:        /TTr-UBND\n"
           "Tùng Ảnh, ngày 05 tháng 06 năm 2025\nTỜ TRÌNH\n"
           "Về việc đề nghị công nhận xã đạt chuẩn tiếp cận pháp luật\n")

CV_TEXT = ("ỦY BAN NHÂN DÂN\nXÃ TÙNG ẢNH\nSố: {n}/UBND-VP\n"
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
           "Tùng Ảnh, ngày 20 tháng 06 năm 2025\n"
           "V/v bổ sung hồ sơ công nhận chuẩn tiếp cận pháp luật\n"
           "Kính gửi: Phòng Nội vụ huyện.\n\n"
           "Ủy ban nhân dân xã đã gửi Tờ trình số {cited}/TTr-UBND ngày {day} của UBND xã "
           "Tùng Ảnh về việc đề nghị công nhận xã đạt chuẩn tiếp cận pháp luật. Nay bổ sung "
           "hồ sơ kèm theo.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\n"
           "CHỦ TỊCH\nLê Văn Hòa\n")


def scanned_submission(number: str | None = None, reason: str = "handwritten") -> Document:
    """What extraction makes of a scan whose number was written by hand: empty, flagged."""
    doc_id = hashlib.sha256(f"to-trinh-scan-{number}-{reason}".encode()).hexdigest()
    facts = Facts(doc_type="TTr", doc_type_name="Tờ trình", number=number,
                  symbol=f"{number or ''}/TTr-UBND", date="2025-06-05",
                  issuer="Ủy ban nhân dân xã Tùng Ảnh",
                  subject="Về việc đề nghị công nhận xã đạt chuẩn tiếp cận pháp luật",
                  signer=Signer(name="Lê Văn Hòa", position="Chủ tịch", authority="TM."),
                  review=[] if number else [ReviewItem("number", reason, page=1, detail="3#7")])
    path = f"/kho/scan/to-trinh-{doc_id[:6]}.pdf"
    return Document(id=doc_id, files=[FileRef(path)], path=path, format="pdf", ocr=True,
                    pages=1, facts=facts, page_texts=[Page(1, TT_TEXT, ocr=True)])


def put(store: Store, doc: Document) -> None:
    store.put_document(doc, [FileInfo(doc.path, doc.id, 1, 0.0, "pdf", 1, 1)])


def letter(folder: Path, n: int, cited: str = "347", day: str = "05/06/2025") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"cong-van-{n}.txt"
    p.write_text(CV_TEXT.format(n=n, cited=cited, day=day), encoding="utf-8")
    return p


def test_number_filled_when_a_citing_letter_arrives_and_dropped_when_it_goes(
        tmp_path: Path) -> None:
    home = tmp_path / "kho"
    tt = scanned_submission()
    with Store.open(home) as store:
        put(store, tt)
        store.settle_cited_numbers()
        assert store.catalogue.get_document(tt.id).facts.number is None  # nobody cites it yet
        letter(tmp_path / "den", 20)
        ingest_paths([tmp_path / "den"], store, jobs=1)  # a citing letter arrives later
        got = store.catalogue.get_document(tt.id)
        assert (got.facts.number, got.facts.symbol) == ("347", "347/TTr-UBND")
        assert got.facts.fallbacks["number"] == "cited by 20/UBND-VP"
        assert got.facts.review == []  # settled by the citation
        assert got.facts.provenance.get("number") is None
        assert resolve(store.catalogue, "347/TTr-UBND").id == tt.id
        assert store.engine.search(_q("347/TTr-UBND")).hits[0].id == tt.id
        # the citing letter goes away: so does the number
        (tmp_path / "den" / "cong-van-20.txt").unlink()
        ingest_paths([tmp_path / "den"], store, jobs=1, prune=True)
        got = store.catalogue.get_document(tt.id)
        assert got.facts.number is None and "number" not in got.facts.fallbacks
        assert [r.reason for r in got.facts.review] == ["handwritten"]


def _q(text: str):  # type: ignore[no-untyped-def]
    from evidence.index.search.types import SearchQuery

    return SearchQuery(text=text)


@pytest.mark.parametrize("case", ["other_day", "disagree", "printed", "taken"])
def test_no_fill_without_agreement(tmp_path: Path, case: str) -> None:
    home = tmp_path / "kho"
    tt = scanned_submission("347" if case == "printed" else None)
    with Store.open(home) as store:
        put(store, tt)
        if case == "other_day":
            letter(tmp_path / "den", 20, day="06/06/2025")
        elif case == "disagree":
            letter(tmp_path / "den", 20, cited="347")
            letter(tmp_path / "den", 21, cited="348")
        elif case == "printed":
            letter(tmp_path / "den", 20, cited="349")
        else:  # 347/TTr-UBND of that year is already stored: the letter cites that one
            other = scanned_submission("347", reason="x")
            other.facts.date = "2025-06-05"
            other.id = hashlib.sha256(b"another").hexdigest()
            put(store, other)
            letter(tmp_path / "den", 20)
        ingest_paths([tmp_path / "den"], store, jobs=1)
        got = store.catalogue.get_document(tt.id)
        assert got.facts.number == ("347" if case == "printed" else None)
        assert "number" not in got.facts.fallbacks


def test_a_corrected_number_wins(tmp_path: Path) -> None:
    from evidence.index.decisions import fix

    home = tmp_path / "kho"
    tt = scanned_submission(reason="low_confidence")
    with Store.open(home) as store:
        put(store, tt)
        fix(store, store.catalogue.get_document(tt.id), values={"number": "346"})
        letter(tmp_path / "den", 20)
        ingest_paths([tmp_path / "den"], store, jobs=1)
        got = store.catalogue.get_document(tt.id)
        assert got.facts.number == "346" and "number" not in got.facts.fallbacks
