"""The store: SQLite catalogue (source of truth) and the Store facade."""

from __future__ import annotations

import hashlib
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from evidence.errors import StoreBusy, StoreError
from evidence.index.catalogue import CATALOGUE_NAME, CATALOGUE_SCHEMA_VERSION, Catalogue, FileInfo
from evidence.index.store import Store
from evidence.model import Citation, Document, Facts, FileRef, Page, Signer, part_id

TEXT_1 = ("ỦY BAN NHÂN DÂN\nHUYỆN HƯƠNG KHÊ\nSố: 214/KH-UBND\n"
          "Hương Khê, ngày 09 tháng 02 năm 2024\nKẾ HOẠCH\n"
          "Tuyên truyền cải cách hành chính năm 2024")
TEXT_2 = "Trang hai: các nhiệm vụ cụ thể về chuyển đổi số và Bộ phận Một cửa."


def _info(path: str, content: bytes) -> FileInfo:
    return FileInfo(path=path, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                    mtime=1.0, format="pdf", pages=2, ocr_pages=1)


def _doc(info: FileInfo, *, symbol: str = "214/KH-UBND", date: str = "2024-02-09",
         doc_id: str | None = None, pages: tuple[int, int] = (1, 2)) -> Document:
    facts = Facts(doc_type="KH", doc_type_name="Kế hoạch", number=symbol.split("/")[0],
                  symbol=symbol, date=date, place="Hương Khê",
                  issuer="Ủy ban nhân dân huyện Hương Khê",
                  subject="Tuyên truyền cải cách hành chính năm 2024",
                  signer=Signer(name="Lê Văn Hùng", position="Phó Chủ tịch", authority="KT.",
                                authority_chain=["TM.", "KT."]),
                  recipients=["Sở Nội vụ", "Lưu: VT"],
                  cited=[Citation(doc_type="KH", number="111", symbol="111/KH-UBND",
                                  date="2023-01-17", text="Kế hoạch số 111/KH-UBND")],
                  warnings=["from facts"])
    texts = [TEXT_1, TEXT_2][: pages[1] - pages[0] + 1]
    return Document(
        id=doc_id or info.sha256,
        files=[FileRef(info.path, list(pages))],
        path=info.path, format="pdf", ocr=True, pages=len(texts), facts=facts,
        page_texts=[Page(number=pages[0] + i, text=t, ocr=i == 1,
                         confidence=81.5 if i == 1 else None) for i, t in enumerate(texts)],
        warnings=["ingest warning"],
    )


@pytest.fixture
def cat(tmp_path: Path) -> Catalogue:
    c = Catalogue.open(tmp_path / CATALOGUE_NAME, engine="whoosh")
    yield c
    c.close()


# ---- opening, versions, never deleting -----------------------------------------------------


def test_new_catalogue_records_version_engine_and_uses_wal(cat: Catalogue) -> None:
    assert cat.schema_version == CATALOGUE_SCHEMA_VERSION
    assert cat.engine_name == "whoosh"
    assert cat.get_meta("created")
    mode = cat._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert cat._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / CATALOGUE_NAME
    Catalogue.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                 (str(CATALOGUE_SCHEMA_VERSION + 1),))
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer"):
        Catalogue.open(path)
    assert path.read_bytes() == before


def test_foreign_or_damaged_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / CATALOGUE_NAME
    path.write_bytes(b"this is not a database, it is a note from an officer" * 50)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"danh mục bị hỏng.*không ghi thêm"):
        Catalogue.open(path)
    assert path.read_bytes() == before
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an evidence catalogue"):
        Catalogue.open(other)
    assert sqlite3.connect(other).execute("SELECT count(*) FROM notes").fetchone() == (0,)


def test_no_store_and_create_false(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="evidence ingest"):
        Store.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


# ---- documents -----------------------------------------------------------------------------


def test_document_round_trip(cat: Catalogue) -> None:
    info = _info("/data/kh214.pdf", b"pdf bytes 214")
    doc = _doc(info)
    cat.put_document(doc, [info])
    got = cat.get_document(doc.id)
    assert got is not None
    assert got.to_dict(include_text=True) == doc.to_dict(include_text=True)
    assert got.warnings == ["ingest warning"]
    assert got.facts.warnings == ["from facts"]
    assert cat.count_documents() == 1
    assert [d.id for d in cat.iter_documents()] == [doc.id]
    assert cat.iter_documents(with_pages=False).__next__().page_texts == []


def test_put_document_replaces_same_id(cat: Catalogue) -> None:
    info = _info("/data/kh214.pdf", b"pdf bytes 214")
    cat.put_document(_doc(info), [info])
    doc = _doc(info, pages=(1, 1))
    cat.put_document(doc, [info])
    got = cat.get_document(doc.id)
    assert got is not None and len(got.page_texts) == 1
    assert cat.count_documents() == 1
    n_pages = cat._conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert n_pages == 1


def test_put_document_without_file_info_is_refused(cat: Catalogue) -> None:
    info = _info("/data/kh214.pdf", b"pdf bytes 214")
    with pytest.raises(StoreError):
        cat.put_document(_doc(info), [])
    assert cat.count_documents() == 0


def test_find_documents_by_symbol_id_prefix_and_path(cat: Catalogue, tmp_path: Path) -> None:
    a = _info(str(tmp_path / "kh214.pdf"), b"a")
    b = _info(str(tmp_path / "qd245.pdf"), b"b")
    cat.put_document(_doc(a), [a])
    cat.put_document(_doc(b, symbol="245/QĐ-UBND", date="2024-03-02"), [b])
    cat.finish_files([a, b], [])
    assert [d.id for d in cat.find_documents("214/KH-UBND")] == [a.sha256]
    # spaces, a typographic dash and NFD input are the same symbol
    nfd = unicodedata.normalize("NFD", "245 / QĐ–UBND")
    assert [d.id for d in cat.find_documents(nfd)] == [b.sha256]
    assert [d.id for d in cat.find_documents(a.sha256)] == [a.sha256]
    assert [d.id for d in cat.find_documents(a.sha256[:10].upper())] == [a.sha256]
    assert [d.id for d in cat.find_documents(str(tmp_path / "qd245.pdf"))] == [b.sha256]
    assert cat.find_documents("999/KH-UBND") == []
    assert cat.find_documents("") == []


def test_same_symbol_twice_gives_both(cat: Catalogue) -> None:
    """The DOCX and the scan of one plan are two documents with one symbol."""
    a = _info("/data/kh214.docx", b"docx")
    b = _info("/data/kh214-scan.pdf", b"scan")
    cat.put_document(_doc(a), [a])
    cat.put_document(_doc(b), [b])
    assert {d.id for d in cat.find_documents("214/KH-UBND")} == {a.sha256, b.sha256}


def test_document_spanning_two_files(cat: Catalogue) -> None:
    p1 = _info("/photos/scan_001.jpg", b"p1")
    p2 = _info("/photos/scan_002.jpg", b"p2")
    doc_id = part_id([(p1.sha256, 1, 1), (p2.sha256, 1, 1)])
    doc = Document(id=doc_id, files=[FileRef(p1.path, [1, 1]), FileRef(p2.path, [1, 1])],
                   path=p1.path, format="image", ocr=True, pages=2,
                   page_texts=[Page(1, TEXT_1, True, 70.0, p1.path),
                               Page(1, TEXT_2, True, 75.0, p2.path)])
    cat.put_document(doc, [p1, p2])
    got = cat.get_document(doc_id)
    assert got is not None
    assert [f.path for f in got.files] == [p1.path, p2.path]
    assert [p.source for p in got.page_texts] == [p1.path, p2.path]
    assert cat.shas_of_document(doc_id) == [p1.sha256, p2.sha256]
    assert cat.documents_of_shas([p2.sha256]) == [doc_id]


# ---- files: move, copy, missing, prune -----------------------------------------------------


def test_move_keeps_the_document_and_follows_the_path(cat: Catalogue) -> None:
    old = _info("/data/old/kh214.pdf", b"x")
    cat.put_document(_doc(old), [old])
    cat.finish_files([old], [])
    new = FileInfo("/data/new/Kế hoạch 214.pdf", old.sha256, old.size, 2.0)
    cat.move_file(old.path, new)
    assert cat.file_by_path(old.path) is None
    row = cat.file_by_path(new.path)
    assert row is not None and row.status == "ok" and row.format == "pdf"
    doc = cat.get_document(old.sha256)
    assert doc is not None and doc.path == new.path


def test_missing_copy_path_and_prune(cat: Catalogue) -> None:
    a = _info("/data/a/kh214.pdf", b"same")
    b = FileInfo("/data/b/kh214 (copy).pdf", a.sha256, a.size, 1.0)
    lone = _info("/data/a/lone.pdf", b"lone")
    cat.put_document(_doc(a), [a])
    cat.put_document(_doc(lone, symbol="7/KH-UBND"), [lone])
    cat.finish_files([a, lone], [])
    row_a = cat.file_by_path(a.path)
    assert row_a is not None
    cat.copy_file(row_a, b)
    assert cat.mark_missing([a.path, lone.path]) == 2
    assert cat.mark_missing([a.path]) == 0
    # the copy still holds the content: the document is shown under its path
    doc = cat.get_document(a.sha256)
    assert doc is not None and doc.path == b.path
    stats = cat.stats()
    assert stats["missing"] == [a.path, lone.path]
    assert stats["files"] == {"ok": 1, "failed": 0, "missing": 2}
    paths, ids = cat.prune_missing()
    assert paths == [a.path, lone.path]
    assert ids == [lone.sha256]
    assert cat.get_document(lone.sha256) is None
    assert cat.get_document(a.sha256) is not None
    assert cat.stats()["missing"] == []


def test_failures_are_recorded_with_reason(cat: Catalogue) -> None:
    bad = _info("/data/locked.pdf", b"locked")
    cat.record_failure(bad, "encrypted", "encrypted PDF (password required)")
    row = cat.file_by_path(bad.path)
    assert row is not None and (row.status, row.reason) == ("failed", "encrypted")
    assert cat.stats()["failed"] == [{"path": bad.path, "reason": "encrypted",
                                      "error": "encrypted PDF (password required)"}]
    good = FileInfo(bad.path, "0" * 64, 3, 2.0, "pdf", 1, 0)
    cat.finish_files([good], [])
    row = cat.file_by_path(bad.path)
    assert row is not None and (row.status, row.reason, row.error) == ("ok", None, None)


def test_stats_counts(cat: Catalogue) -> None:
    a = _info("/d/a.pdf", b"a")
    b = _info("/d/b.pdf", b"b")
    cat.put_document(_doc(a), [a])
    cat.put_document(_doc(b, symbol="5/QĐ-UBND", date=None), [b])
    cat.finish_files([a, b], [])
    s = cat.stats()
    assert s["documents"] == 2
    assert s["pages"] == 4 and s["ocr_pages"] == 2
    assert s["by_type"] == {"KH": 2}
    assert s["by_year"] == {"null": 1, "2024": 1}
    assert s["by_format"] == {"pdf": 2}
    assert s["ocr"] == {"documents": 2, "text_layer": 0}


# ---- the Store facade with its search engine ------------------------------------------------


def test_store_indexes_and_repairs_the_engine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    info = _info(str(tmp_path / "kh214.pdf"), b"kh")
    with Store.open(home) as store:
        store.put_document(_doc(info), [info])
        store.flush()
        assert store.engine.ids() == {info.sha256}
    # the engine loses the document (a run killed before its commit): sync adds it back
    with Store.open(home) as store:
        store.engine.delete([info.sha256])
        store.engine.flush()
        assert store.engine.count() == 0
        assert store.sync_index() == (1, 0)
        assert store.engine.ids() == {info.sha256}
    # the catalogue lost one the engine still has: sync removes it
    with Store.open(home) as store:
        store.catalogue.remove_documents([info.sha256])
        assert store.sync_index() == (0, 1)
        assert store.engine.count() == 0


def test_store_remove_documents(tmp_path: Path) -> None:
    info = _info(str(tmp_path / "kh214.pdf"), b"kh")
    with Store.open(tmp_path / "home") as store:
        store.put_document(_doc(info), [info])
        assert store.remove_documents([info.sha256, "f" * 64]) == [info.sha256]
        store.flush()
        assert store.engine.count() == 0
        assert store.catalogue.count_documents() == 0


def test_store_stats_has_size_engine_and_index(tmp_path: Path) -> None:
    info = _info(str(tmp_path / "kh214.pdf"), b"kh")
    with Store.open(tmp_path / "home") as store:
        store.put_document(_doc(info), [info])
        store.flush()
        s = store.stats()
    assert s["engine"] == "whoosh"
    assert s["store_bytes"] > 0
    assert s["index"]["documents"] == 1 and s["index"]["up_to_date"] is True
    assert s["home"] == str(tmp_path / "home")


def test_engine_choice_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_ENGINE", raising=False)
    with Store.open(tmp_path / "h") as store:
        assert store.engine_name == "whoosh"
    monkeypatch.setenv("EVIDENCE_ENGINE", "tantivy")
    with Store.open(tmp_path / "h") as store:  # the recorded engine wins over the env
        assert store.engine_name == "whoosh"


def test_writer_lock_refuses_a_second_writer(tmp_path: Path) -> None:
    with Store.open(tmp_path / "home") as a, Store.open(tmp_path / "home") as b:
        with a.writer_lock():
            with pytest.raises(StoreBusy):
                with b.writer_lock():
                    pass
        with b.writer_lock():  # released
            pass
