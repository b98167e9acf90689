"""Search: the same suite against every engine, documents built in memory."""

from __future__ import annotations

import json
import threading
import unicodedata
from pathlib import Path

import pytest
from evidence.errors import BadQuery, StoreBusy, StoreError
from evidence.index.search.engine import open_engine
from evidence.index.search.types import SearchQuery
from evidence.model import Document, Facts, FileRef, Page

ENGINES = ["whoosh", "tantivy"]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def make_doc(n: int, body: str, *, symbol: str | None = None, subject: str | None = None,
             doc_type: str | None = "KH", date: str | None = "2023-01-17",
             issuer: str | None = "Ủy ban nhân dân huyện Đức Thọ") -> Document:
    path = f"/kho/ho-so/{n:03d}.docx"
    text = f"{subject}\n{body}" if subject else body
    return Document(
        id=f"{n:064x}", files=[FileRef(path)], path=path, format="docx", ocr=False, pages=1,
        facts=Facts(doc_type=doc_type, symbol=symbol, subject=subject, date=date,
                    issuer=issuer, number=symbol.split("/")[0] if symbol else None),
        page_texts=[Page(1, text)],
    )


CORPUS = [
    make_doc(1, "Triển khai thực hiện kế hoạch; bảo đảm an toàn thông tin mạng trong cơ quan.",
             symbol="111/KH-UBND", subject="Kế hoạch cải cách hành chính huyện Đức Thọ năm 2023"),
    make_doc(2, "Áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 tại các phòng.",
             symbol="245/QĐ-UBND", subject="Quyết định công bố Hệ thống quản lý chất lượng",
             doc_type="QĐ", date="2023-03-02"),
    make_doc(3, "Tiếp tục cách tân, chính sách hành động; cải thiện môi trường đầu tư.",
             symbol="12-NQ/TU", subject="Nghị quyết về chuyển đổi số",
             doc_type="NQ", date="2022-05-26", issuer="Tỉnh ủy Hà Tĩnh"),
    make_doc(4, "Căn cứ Kế hoạch số 111/KH-UBND ngày 17/01/2023; thực hiện Kế hoạch "
                "111/KH-UBND, báo cáo kết quả theo Kế hoạch 111/KH-UBND. Cộng hoà xã hội "
                "chủ nghĩa Việt Nam; công trình thuỷ lợi.",
             symbol="480/BC-UBND", subject="Báo cáo kết quả thực hiện kế hoạch",
             doc_type="BC", date="2023-08-30"),
    make_doc(5, "ke hoach tuyen truyen khong dau do may quet", symbol="152/KH-UBND",
             subject="ke hoach tuyen truyen", date="2023-02-10"),
    make_doc(6, "Quy trình tiếp nhận hồ sơ trực tuyến của Bộ phận Một cửa; hồ sơ trễ hẹn.",
             symbol="2115/UBND-NV", subject="V/v khắc phục tồn tại hạn chế",
             doc_type="CV", date="2023-08-03"),
    make_doc(7, "Kết quả kiểm tra công tác cải cách hành chlnh đợt I (bản quét lỗi).",
             symbol="420/BC-UBND", subject="Báo cáo kết quả kiểm tra", doc_type="BC",
             date="2023-07-20"),
    make_doc(8, "Cài đặt phần mềm quản lý văn bản; cái mới trong công tác.", symbol="9/TB-UBND",
             subject="Thông báo cài đặt phần mềm", doc_type="TB", date="2023-09-01",
             issuer="Ủy ban nhân dân xã Tùng Ảnh"),
]


def _build(name: str, home: Path, docs: list[Document] = CORPUS):
    if name == "tantivy":
        pytest.importorskip("tantivy")
    eng = open_engine(home, name)
    eng.add(docs)
    eng.flush()
    return eng


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The corpus indexed once per engine; for tests that only search."""
    eng = _build(request.param, tmp_path_factory.mktemp("home"))
    yield eng
    eng.close()


@pytest.fixture(params=ENGINES)
def fresh(request: pytest.FixtureRequest, tmp_path: Path):
    """The corpus in a new index, for tests that write."""
    eng = _build(request.param, tmp_path / "home")
    yield eng
    eng.close()


def ids(eng, text: str, **kw) -> list[str]:
    return [h.symbol or "" for h in eng.search(SearchQuery(text, **kw)).hits]


def first(eng, text: str, **kw) -> str | None:
    found = ids(eng, text, **kw)
    return found[0] if found else None


# ---- accents, tones, normal forms -------------------------------------------------------------


def test_unaccented_query_finds_accented_text(engine):
    assert first(engine, "ke hoach cai cach hanh chinh") == "111/KH-UBND"
    assert "245/QĐ-UBND" in ids(engine, "he thong quan ly chat luong")


def test_accented_query_finds_unaccented_text(engine):
    assert "152/KH-UBND" in ids(engine, "kế hoạch tuyên truyền")


def test_exact_diacritics_rank_higher(engine):
    # "cài" is in 8 only; "cải" is in 1, 3, 7; the folded "cai" matches all of them
    assert first(engine, "cài đặt") == "9/TB-UBND"
    top = ids(engine, "cải")
    assert top[0] != "9/TB-UBND" and "9/TB-UBND" in top


@pytest.mark.parametrize("query", ["hòa xã hội", "hoà xã hội", "thủy lợi", "thuỷ lợi",
                                   "CỘNG HÒA", "cong hoa"])
def test_tone_placement_variants(engine, query):
    assert first(engine, query) == "480/BC-UBND"


def test_nfd_query_and_nfd_document(fresh, tmp_path):
    assert first(fresh, nfd("Quyết định công bố")) == "245/QĐ-UBND"
    assert first(fresh, nfd("Đức Thọ")) == "111/KH-UBND"
    fresh.add([make_doc(20, nfd("Tổ chức hội nghị tập huấn nghiệp vụ văn thư"),
                         symbol="77/KH-UBND")])
    fresh.flush()
    assert first(fresh, "nghiệp vụ văn thư") == "77/KH-UBND"
    assert first(fresh, "nghiep vu van thu") == "77/KH-UBND"


def test_an_toan_not_dropped_by_a_stop_list(engine):
    assert first(engine, "an toàn") == "111/KH-UBND"
    assert first(engine, "an toan thong tin") == "111/KH-UBND"


# ---- document numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("query", ["111/KH-UBND", "111/kh-ubnd", "111 KH UBND", "KH-UBND 111",
                                   "111/KH–UBND", "số 111 /KH-UBND", "111/kh-ubnd ke hoach"])
def test_number_shapes_rank_the_document_first(engine, query):
    # document 4 cites 111/KH-UBND three times; the document itself must still come first
    assert first(engine, query) == "111/KH-UBND"


@pytest.mark.parametrize("query,symbol", [("12-NQ/TU", "12-NQ/TU"), ("NQ-TU 12", "12-NQ/TU"),
                                          ("2115/UBND-NV", "2115/UBND-NV"),
                                          ("UBND-NV 2115", "2115/UBND-NV"),
                                          ("245/QD-UBND", "245/QĐ-UBND"),
                                          ("09/TB-UBND", "9/TB-UBND")])
def test_other_number_shapes(engine, query, symbol):
    assert first(engine, query) == symbol


# ---- phrases ----------------------------------------------------------------------------------


def test_contiguous_phrase_ranks_first(engine):
    # 3 has "cách tân, chính sách hành động" (the syllables, scattered); 1 has the phrase
    found = ids(engine, "cách hành chính")
    assert found[0] in {"111/KH-UBND", "420/BC-UBND"}
    assert found.index("111/KH-UBND") < found.index("12-NQ/TU") if "12-NQ/TU" in found else True


def test_subject_remembered_from_its_beginning_ranks_first(fresh):
    # a short subject with the same words (and a repeat) would win on BM25 alone
    fresh.add([
        make_doc(20, "Nội dung kế hoạch.", symbol="31/KH-SCT", subject=(
            "Kiểm tra, cấp Giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công "
            "nghiệp, tiền chất thuốc nổ trên địa bàn tỉnh năm 2024")),
        make_doc(21, "Nội dung công văn.", symbol="77/SCT-CN", doc_type="CV",
                 subject="V/v đề nghị huấn luyện, kiểm tra cấp Giấy chứng nhận huấn luyện"),
        make_doc(22, "Nội dung quyết định.", symbol="78/QĐ-UBND", doc_type="QĐ",
                 subject="Về việc phê duyệt phương án nổ mìn tại mỏ đá"),
    ])
    fresh.flush()
    assert first(fresh, "kiem tra, cap giay chung nhan huan luyen") == "31/KH-SCT"
    assert first(fresh, nfd("Kiểm tra cấp giấy chứng nhận")) == "31/KH-SCT"
    # "V/v" and "Về việc" are not part of what an officer remembers
    assert first(fresh, "de nghi huan luyen kiem tra") == "77/SCT-CN"
    assert first(fresh, "phe duyet phuong an no min") == "78/QĐ-UBND"


def test_typed_number_outranks_every_text_tier(fresh):
    # the words of the number also appear, as a phrase, in another document's subject
    fresh.add([make_doc(23, "Nội dung.", symbol="14/BC-UBND", doc_type="BC",
                        subject="Báo cáo 137 KH UBND năm 2023")])
    fresh.flush()
    fresh.add([make_doc(24, "Nội dung.", symbol="137/KH-UBND", subject="Kế hoạch tuyên truyền")])
    fresh.flush()
    for q in ("137/KH-UBND", "137 KH UBND", "KH-UBND 137"):
        assert first(fresh, q) == "137/KH-UBND", q


def test_quoted_phrase_is_exact(engine):
    assert ids(engine, '"chính sách hành động"', fuzzy=False) == ["12-NQ/TU"]
    assert ids(engine, '"hành động chính sách"', fuzzy=False) == []
    assert ids(engine, '"quản lý chất lượng" ISO', fuzzy=False) == ["245/QĐ-UBND"]


# ---- filters ----------------------------------------------------------------------------------


def test_filters(engine):
    assert set(ids(engine, "kế hoạch", doc_type="KH")) == {"111/KH-UBND", "152/KH-UBND"}
    assert ids(engine, "quản lý", doc_type="qd") == ["245/QĐ-UBND"]
    assert ids(engine, "cải", year=2022) == ["12-NQ/TU"]
    assert ids(engine, "phần mềm", issuer="xã Tùng Ảnh") == ["9/TB-UBND"]
    assert ids(engine, "phần mềm", issuer="UBND huyện Đức Thọ") == []
    assert ids(engine, "cải cách", issuer="UBND huyen Duc Tho", fuzzy=False) == [
        "111/KH-UBND", "420/BC-UBND"] or set(ids(engine, "cải cách", issuer="UBND huyen Duc Tho",
                                                  fuzzy=False)) == {"111/KH-UBND", "420/BC-UBND"}
    got = set(ids(engine, "kế hoạch", date_from="2023-02-01", date_to="2023-08"))
    assert got == {"152/KH-UBND", "480/BC-UBND"}
    assert set(ids(engine, "", doc_type="BC")) == {"480/BC-UBND", "420/BC-UBND"}
    assert ids(engine, "kế hoạch", date_from="01/03/2023", date_to="31/12/2023") == ["480/BC-UBND"]


def test_bad_date_filter(engine):
    with pytest.raises(BadQuery):
        engine.search(SearchQuery("kế hoạch", date_from="hôm qua"))


# ---- snippets and output --------------------------------------------------------------------


def test_snippet_highlights_the_match(engine):
    res = engine.search(SearchQuery("ISO 9001"))
    assert res.hits[0].snippet.count("[ISO 9001]") == 1
    assert "TCVN [ISO 9001]:2015" in res.hits[0].snippet
    unacc = engine.search(SearchQuery("an toan")).hits[0].snippet
    assert "[an toàn]" in unacc


def test_results_json_shape(engine):
    d = engine.search(SearchQuery("ISO 9001", limit=5)).to_dict()
    json.dumps(d, ensure_ascii=False)
    assert d["query"] == "ISO 9001" and d["total"] >= 1 and d["fuzzy"] is False
    hit = d["hits"][0]
    for key in ("id", "symbol", "doc_type", "date", "subject", "issuer", "path", "score",
                "snippet"):
        assert key in hit
    assert hit["symbol"] == "245/QĐ-UBND" and hit["doc_type"] == "QĐ"
    assert hit["date"] == "2023-03-02" and isinstance(hit["score"], float)
    assert hit["path"] == "/kho/ho-so/002.docx" and hit["id"] == f"{2:064x}"


def test_limit(engine):
    assert len(engine.search(SearchQuery("cải", limit=2)).hits) == 2


# ---- fuzzy ----------------------------------------------------------------------------------


def test_fuzzy_finds_ocr_damaged_word(engine):
    strict = engine.search(SearchQuery("kiểm tra hành chính đợt", fuzzy=False))
    assert strict.hits == []
    res = engine.search(SearchQuery("kiểm tra hành chính đợt"))
    assert res.fuzzy is True
    assert res.hits[0].symbol == "420/BC-UBND" and res.hits[0].fuzzy is True
    assert "chlnh" in res.hits[0].snippet and "[" in res.hits[0].snippet


def test_no_fuzzy_when_strict_finds_enough(engine):
    res = engine.search(SearchQuery("cải cách hành chính"))
    assert res.hits[0].symbol == "111/KH-UBND" and res.hits[0].fuzzy is False


# ---- life-cycle -------------------------------------------------------------------------------


def test_update_and_delete(fresh):
    d = make_doc(1, "Nội dung đã sửa: phòng chống thiên tai.", symbol="111/KH-UBND",
                 subject="Kế hoạch phòng chống thiên tai")
    fresh.add(d)
    fresh.flush()
    assert first(fresh, "thiên tai") == "111/KH-UBND"
    assert ids(fresh, "an toàn thông tin", fuzzy=False) == []
    assert fresh.count() == len(CORPUS)
    fresh.delete([f"{2:064x}"])
    fresh.flush()
    assert ids(fresh, "ISO 9001") == []
    assert fresh.count() == len(CORPUS) - 1
    assert f"{2:064x}" not in fresh.ids()


def test_add_is_buffered_until_flush(fresh):
    fresh.add([make_doc(30, "Hội nghị trực tuyến về chuyển đổi số", symbol="31/TB-UBND")])
    other = open_engine(fresh.home, fresh.name)
    assert ids(other, "hội nghị trực tuyến") == []
    fresh.flush()
    assert ids(other, "hội nghị trực tuyến") == ["31/TB-UBND"]
    other.close()


def test_second_writer_is_told_busy(fresh):
    other = open_engine(fresh.home, fresh.name)
    other.lock.timeout = 0.2
    fresh.lock.acquire()
    try:
        assert other.writer_active()
        other.add([make_doc(40, "văn bản mới")])
        with pytest.raises(StoreBusy, match="busy"):
            other.flush()
    finally:
        fresh.lock.release()
    other.flush()
    assert fresh.count() == len(CORPUS) + 1
    other.close()


def test_search_during_ingest(fresh):
    """A reader keeps answering while another writer commits batch after batch."""
    writer = open_engine(fresh.home, fresh.name)
    writer.batch_size = 20
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            for i in range(100, 260):
                writer.add([make_doc(i, f"Biên bản họp số {i} về công tác văn thư lưu trữ",
                                     symbol=f"{i}/BB-UBND")])
            writer.flush()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=ingest)
    t.start()
    seen = []
    while t.is_alive():
        res = fresh.search(SearchQuery("văn thư lưu trữ", limit=500, fuzzy=False))
        seen.append(len(res.hits))
        assert first(fresh, "111/KH-UBND") == "111/KH-UBND"
    t.join()
    writer.close()
    assert not errors
    seen.append(len(fresh.search(SearchQuery("văn thư lưu trữ", limit=500, fuzzy=False)).hits))
    assert seen == sorted(seen) and seen[-1] == 160
    assert all(n % 20 == 0 for n in seen)  # whole batches only: never a torn commit
    assert first(fresh, "200/BB-UBND") == "200/BB-UBND"


def test_version_marker_refuses_instead_of_wiping(fresh):
    marker = fresh.dir / "evidence-index.json"
    m = json.loads(marker.read_text())
    m["analyzer"] = -1
    marker.write_text(json.dumps(m))
    with pytest.raises(StoreError, match="reindex"):
        fresh.search(SearchQuery("kế hoạch"))
    st = fresh.status()
    assert not st.schema_ok and "reindex" in (st.message or "")
    assert any(fresh.dir.iterdir())  # nothing deleted
    n = fresh.rebuild(CORPUS, len(CORPUS))
    assert n == len(CORPUS)
    assert first(fresh, "111/KH-UBND") == "111/KH-UBND"


def test_rebuild_resumes_and_drops_gone_documents(fresh):
    # an interrupted rebuild: the building folder holds part of the documents
    fresh.rebuild_batch = 3
    calls = []

    class Stop(Exception):
        pass

    def progress(done, total):
        calls.append(done)
        if done >= 3:
            raise Stop

    with pytest.raises(Stop):
        fresh.rebuild(CORPUS, len(CORPUS), progress=progress)
    assert fresh.status().rebuilding
    assert first(fresh, "ISO 9001") == "245/QĐ-UBND"  # the old index still answers
    remaining = [d for d in CORPUS if d.id != f"{2:064x}"]
    done = []
    n = fresh.rebuild(remaining, len(remaining), progress=lambda d, t: done.append(d))
    assert n == len(remaining)
    assert done[0] > 3  # resumed: the first batch was not redone
    assert ids(fresh, "ISO 9001") == []
    assert not fresh.status().rebuilding


# ---- the symbol as printed ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["05/CT-UBND", "5/CT-UBND", "05/ct-ubnd", "CT-UBND 5",
                                   nfd("05/CT-UBND")])
def test_symbol_shown_as_printed_leading_zero_kept(fresh, query):
    fresh.add([make_doc(30, "Tăng cường kỷ luật, kỷ cương hành chính trong cơ quan.",
                        symbol="05/CT-UBND", subject="Chỉ thị về tăng cường kỷ luật",
                        doc_type="CT")])
    fresh.flush()
    hits = fresh.search(SearchQuery(query)).hits
    assert hits[0].symbol == "05/CT-UBND"


# ---- the total is what paging delivers ------------------------------------------------------

# Forty plans of one district: every fourth says "kế hoạch số …" (the others hold its two
# bigrams apart, "kế hoạch; thu hoạch số"); a third of them have "hành chính" damaged by a
# scanner ("hành chlnh").
PAGING = [
    make_doc(100 + i,
             (f"Triển khai kế hoạch số {i} của huyện về cải cách hành chính."
              if i % 4 == 0 else
              f"Lập kế hoạch; thu hoạch số lúa vụ đông, cải cách hành {'chlnh' if i % 3 else 'chính'}."),
             symbol=f"{i + 1}/KH-UBND", subject=f"Kế hoạch sản xuất vụ đông đợt {i}")
    for i in range(40)
] + [
    # the same words in the title of a few, apart in the body of many
    make_doc(200 + i, "Tổ chức tiêm phòng dịch bệnh cho gia súc, gia cầm trên địa bàn xã.",
             symbol=f"{300 + i}/KH-UBND", subject="Kế hoạch tiêm phòng cho gia súc")
    for i in range(5)
] + [
    make_doc(210 + i, "Tiêm phòng cho trẻ em; chăm sóc sức khỏe ban đầu." if i % 2 else
             "Thống kê đàn gia súc, gia cầm; phòng trừ sâu bệnh.",
             symbol=f"{310 + i}/BC-UBND", subject="Báo cáo công tác y tế, nông nghiệp",
             doc_type="BC")
    for i in range(30)
]
PAGE = 3


@pytest.fixture(scope="module", params=ENGINES)
def paging(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    eng = _build(request.param, tmp_path_factory.mktemp("paging"), PAGING)
    yield eng
    eng.close()


@pytest.mark.parametrize("text", [
    '"kế hoạch số"',            # a quoted phrase: bigram candidates checked
    '"kế hoạch số" huyện',
    "kế hoạch qzxwv",           # a word no document holds: the partial matches
    "cải cách hành chlnhx",     # fuzzy matches, then the partial ones
    "tiêm gia súc",             # found in titles; in bodies each word apart, many times
])
def test_total_is_what_paging_delivers(paging, text):
    """Whatever the limit, the same total; every page up to the last it promises holds
    hits, and a search for the total returns them all."""
    totals = {paging.search(SearchQuery(text, limit=n)).total for n in (1, 2, 3, 5, 8, 13, 60)}
    assert len(totals) == 1, totals
    total = totals.pop()
    assert total > PAGE
    for page in range(1, -(-total // PAGE) + 1):
        hits = paging.search(SearchQuery(text, limit=page * PAGE)).hits
        assert hits[(page - 1) * PAGE:], (page, total)
    every = paging.search(SearchQuery(text, limit=total + 10)).hits
    assert len(every) == total and len({h.id for h in every}) == total
