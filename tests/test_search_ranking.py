"""The ranking spec and the query features of issues 12 and 14, on both engines: numbers
first, type words, OR and -word, exact totals under filters, missing words, suggestions,
bad queries; and the spec's own guarantees (one field table, the tiers in one module)."""

from __future__ import annotations

import inspect
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence.errors import BadQuery
from evidence.index.search import ranking, tantivy_engine, whoosh_compat, whoosh_engine, whoosh_eval
from evidence.index.search.engine import open_engine
from evidence.index.search.types import SearchQuery
from evidence.messages import translate
from evidence.model import Document, Facts, FileRef, Page

ENGINES = ["whoosh", "tantivy"]


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def doc(n: int, body: str, symbol: str | None, subject: str | None, doc_type: str | None,
        date: str = "2023-03-10") -> Document:
    path = f"/kho/{n:03d}.pdf"
    number = symbol.split("/")[0] if symbol else None
    return Document(
        id=f"{n:064x}", files=[FileRef(path)], path=path, format="pdf", ocr=False, pages=1,
        facts=Facts(doc_type=doc_type, symbol=symbol, number=number, subject=subject,
                    date=date, issuer="Ủy ban nhân dân huyện Đức Thọ"),
        page_texts=[Page(1, f"{subject or ''}\n{body}")],
    )


CORPUS = [
    # the plan numbered 111; its subject lacks the word "Kế hoạch"
    doc(1, "Mục đích, yêu cầu: nâng cao chỉ số cải cách hành chính của huyện.",
        "111/KH-UBND", "Cải cách hành chính năm 2023", "KH", "2023-01-17"),
    # documents that only mention 111, many times
    doc(2, "Thực hiện Kế hoạch số 111/KH-UBND; theo Kế hoạch 111/KH-UBND, mục 111, "
        "điểm 111. Báo cáo kết quả thực hiện cải cách hành chính năm 2023.",
        "480/BC-UBND", "Báo cáo kết quả thực hiện Kế hoạch số 111/KH-UBND", "BC", "2023-08-30"),
    doc(3, "Căn cứ Kế hoạch 111/KH-UBND; hướng dẫn cải cách hành chính năm 2023 tại xã.",
        "57/HD-UBND", "Hướng dẫn cải cách hành chính năm 2023", "HD", "2023-02-01"),
    # another document numbered 111, of another type
    doc(4, "Thành lập tổ công tác kiểm tra công vụ.", "111/QĐ-UBND",
        "Thành lập tổ kiểm tra công vụ", "QĐ", "2023-05-05"),
    doc(5, "Số 1074 ghi trong phụ lục; Quyết định 1074 được nhắc lại ở đây.",
        "2115/UBND-NV", "V/v khắc phục tồn tại hạn chế sau kiểm tra", "CV", "2023-08-03"),
    doc(6, "Phê duyệt quy hoạch xây dựng vùng.", "1074/QĐ-BXD",
        "Phê duyệt quy hoạch xây dựng vùng huyện", "QĐ", "2023-09-12"),
    doc(7, "Kết luận của Chủ tịch tại buổi làm việc về cải cách hành chính quý I.",
        "12/TB-UBND", "Kết luận của Chủ tịch UBND huyện tại buổi làm việc", "TB", "2023-04-02"),
    doc(8, "Kết luận kiểm tra công tác cải cách hành chính quý I tại các xã.",
        "33/BC-UBND", "Báo cáo kết luận kiểm tra công tác cải cách hành chính", "BC",
        "2023-04-20"),
    doc(9, "Tăng cường kỷ luật, kỷ cương hành chính; vật liệu nổ công nghiệp được quản lý.",
        "05/CT-UBND", "Tăng cường kỷ luật, kỷ cương hành chính", "CT", "2023-02-03"),
    doc(10, "Báo cáo tình hình sử dụng vật liệu nổ công nghiệp trên địa bàn.",
        "20/BC-UBND", "Báo cáo sử dụng vật liệu nổ công nghiệp", "BC", "2023-03-15"),
]


@pytest.fixture(scope="module", params=ENGINES)
def eng(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "tantivy":
        pytest.importorskip("tantivy")
    e = open_engine(tmp_path_factory.mktemp("home"), request.param)
    e.add(CORPUS)
    e.flush()
    yield e
    e.close()


def syms(e, text: str, **kw) -> list[str | None]:
    return [h.symbol for h in e.search(SearchQuery(text, **kw)).hits]


# ---- numbers first ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["111", nfd("số 111"), "0111"])
def test_number_only_ranks_documents_bearing_it_above_mentions(eng, query):
    top = syms(eng, query)
    assert set(top[:2]) == {"111/KH-UBND", "111/QĐ-UBND"}
    if query != "0111":  # (no text holds "0111")
        assert "480/BC-UBND" in top[2:]  # it mentions 111 five times, but bears 480


@pytest.mark.parametrize("query,want", [
    ("kh 111", "111/KH-UBND"), ("KH 111", "111/KH-UBND"), (nfd("kế hoạch 111"), "111/KH-UBND"),
    ("QĐ 111", "111/QĐ-UBND"), ("qd 111", "111/QĐ-UBND"), ("QĐ 1074", "1074/QĐ-BXD"),
    ("1074", "1074/QĐ-BXD"), ("cv 2115", "2115/UBND-NV"), (nfd("quyết định số 1074"),
                                                          "1074/QĐ-BXD"),
])
def test_type_and_number_first(eng, query, want):
    assert syms(eng, query)[0] == want


def test_title_is_type_name_and_subject(eng):
    # "Kế hoạch" is only the type of 111/KH-UBND, not in its subject
    assert syms(eng, "ke hoach cai cach hanh chinh nam 2023")[0] == "111/KH-UBND"


def test_query_opening_with_a_type_word_prefers_that_type(eng):
    assert syms(eng, "thông báo kết luận cải cách hành chính")[0] == "12/TB-UBND"
    assert syms(eng, "báo cáo kết luận cải cách hành chính")[0] == "33/BC-UBND"
    assert syms(eng, nfd("hướng dẫn cải cách hành chính"))[0] == "57/HD-UBND"


def test_symbol_with_leading_zero_shown_as_printed(eng):
    for q in ("05/CT-UBND", "5/CT-UBND", "ct ubnd 05"):
        assert syms(eng, q)[0] == "05/CT-UBND"


# ---- OR, -word, filters, totals -----------------------------------------------------------


def test_or_and_exclusion(eng):
    both = set(syms(eng, '"vật liệu nổ" OR "quy hoạch xây dựng"'))
    assert both == {"05/CT-UBND", "20/BC-UBND", "1074/QĐ-BXD"}
    assert syms(eng, "vat lieu no -ky") == ["20/BC-UBND"]
    assert syms(eng, 'cải cách hành chính -"kết luận"', limit=20).count("12/TB-UBND") == 0
    # "OR" in lower case and inside quotes is a word, not the operator
    assert eng.search(SearchQuery('"a OR b"')).total == 0


@pytest.mark.parametrize("kw", [{"date_from": "2023-03-01"}, {"date_to": "2023-02"},
                                {"doc_type": "BC"}, {"year": 2023, "date_from": "01/04/2023"}])
def test_total_is_exact_under_filters(eng, kw):
    # limit 1 leaves tiers unfinished: the total must still count the filtered documents
    res = eng.search(SearchQuery("cai cach hanh chinh", limit=1, **kw))
    full = eng.search(SearchQuery("cai cach hanh chinh", limit=100, **kw))
    assert res.total == full.total == len(full.hits)


def test_unknown_type_is_refused_listing_codes(eng):
    with pytest.raises(BadQuery) as err:
        eng.search(SearchQuery("ke hoach", doc_type="XYZ"))
    assert "KH" in str(err.value) and "QĐ" in str(err.value)
    assert syms(eng, "phe duyet", doc_type="quyết định") == ["1074/QĐ-BXD"]
    assert syms(eng, "phe duyet", doc_type="qd") == ["1074/QĐ-BXD"]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "… – ?"])
def test_empty_or_punctuation_query_is_an_error(eng, query):
    with pytest.raises(BadQuery) as err:
        eng.search(SearchQuery(query))
    assert translate(str(err.value))[0] in ("search_empty", "search_no_words")


def test_impossible_date_is_refused(eng):
    with pytest.raises(BadQuery):
        eng.search(SearchQuery("ke hoach", date_from="31/02/2023"))


# ---- missing words and suggestions --------------------------------------------------------


def test_a_word_found_nowhere_still_returns_the_others_marked(eng):
    res = eng.search(SearchQuery("kiem tra cong vu xyzq"))
    assert res.missing_terms == ["xyzq"]
    assert res.hits and res.hits[0].symbol == "111/QĐ-UBND"
    assert all(h.missing_terms == ["xyzq"] for h in res.hits)
    assert res.to_dict()["hits"][0]["missing_terms"] == ["xyzq"]


def test_full_matches_rank_above_partial_ones(eng):
    # "quý I" mistyped "quy l": no document has "l"; the others are still found
    res = eng.search(SearchQuery("kết luận cải cách hành chính quy l"))
    assert [h.symbol for h in res.hits[:2]] and "l" in res.missing_terms
    assert {h.symbol for h in res.hits} >= {"12/TB-UBND", "33/BC-UBND"}


@pytest.mark.parametrize(("quoted", "plain"), [
    ('"kiểm tra công vụ" xyzq', "kiểm tra công vụ xyzq"),
    ('"kiem tra" xyzq', "kiem tra xyzq"),
    ('xyzq "cong vu"', "xyzq cong vu"),
    ('"kiểm tra" công vụ xyzq', "kiểm tra công vụ xyzq"),
    # the missing word inside the quotes: the words around it stay phrases
    ('"kiem tra xyzq cong vu"', "kiem tra cong vu xyzq"),
    (nfd('"vật liệu nổ" xyzq'), "vật liệu nổ xyzq"),
])
def test_a_quoted_phrase_and_a_word_found_nowhere_drop_it_as_plain_words_do(eng, quoted,
                                                                            plain):
    got, want = eng.search(SearchQuery(quoted)), eng.search(SearchQuery(plain))
    assert want.hits and got.missing_terms == want.missing_terms == ["xyzq"]
    assert [(h.symbol, h.missing_terms) for h in got.hits] == [
        (h.symbol, h.missing_terms) for h in want.hits]
    assert got.total == want.total


def test_a_dropped_word_keeps_the_rest_of_its_phrase_a_phrase(eng):
    # "cải cách hành chính" without "xyzq": documents holding the words apart do not count
    got = {h.symbol for h in eng.search(SearchQuery('"cai cach xyzq hanh chinh"')).hits}
    assert got and got == {h.symbol for h in eng.search(SearchQuery('"cai cach" "hanh chinh"')).hits}
    assert "05/CT-UBND" not in got  # "hành chính" but never "cải cách"


def test_suggestion_for_a_typo(eng):
    res = eng.search(SearchQuery("vat leiu no"))
    assert res.suggestion == "vat lieu no"
    assert res.to_dict()["suggestion"] == "vat lieu no"
    assert eng.search(SearchQuery("vat lieu no")).suggestion is None


# ---- the spec: one field table, tiers in one place ----------------------------------------


def test_engines_index_the_fields_of_the_one_table(eng):
    if eng.name == "whoosh":
        assert set(ranking.FIELDS) <= set(whoosh_engine.whoosh_schema().names())
    else:
        import tantivy

        schema = tantivy_engine.tantivy_schema()
        for name in ranking.FIELDS:  # an unknown field raises
            tantivy.Query.term_query(schema, name, "x")
        with pytest.raises(ValueError):
            tantivy.Query.term_query(schema, "no_such_field", "x")


def test_no_engine_module_defines_tiers_or_weights():
    for mod in (whoosh_engine, tantivy_engine):
        src = inspect.getsource(mod)
        assert "def build_tiers" not in src and "W_SUBJ" not in src and "W_BODY" not in src
        assert "ranking" in src


def test_cli_search_marks_missing_and_suggests(tmp_path: Path):
    from evidence.cli import cli
    from evidence.index.catalogue import FileInfo
    from evidence.index.store import Store

    home = tmp_path / "home"
    with Store.open(home) as st:
        for d in CORPUS:
            st.put_document(d, [FileInfo(d.path, d.id, 100, 0.0, "pdf")])
    run = CliRunner().invoke
    r = run(cli, ["--home", str(home), "search", "vat leiu no"])
    assert r.exit_code == 0, r.stderr
    assert "Có phải bạn muốn tìm: vat lieu no" in r.stdout and "thiếu từ: leiu" in r.stdout
    r = run(cli, ["--home", str(home), "search", "111", "--json"])
    d = json.loads(r.stdout)
    assert d["hits"][0]["symbol"] in ("111/KH-UBND", "111/QĐ-UBND") and "suggestion" in d
    r = run(cli, ["--home", str(home), "search", "05/CT-UBND"])
    assert "05/CT-UBND" in r.stdout
    r = run(cli, ["--home", str(home), "search", "ke hoach", "--type", "XYZ"])
    assert r.exit_code == 2 and r.stderr.startswith("error: --type XYZ: loại văn bản")
    assert len(r.stderr.strip().splitlines()) == 1
    r = run(cli, ["--home", str(home), "search", "!!!"])
    assert r.exit_code == 2 and r.stderr.startswith("error:") and "câu tìm kiếm" in r.stderr
    r = run(cli, ["--home", str(home), "search", "cai cach", "--from", "31/02/2023"])
    assert r.exit_code == 2 and r.stderr.startswith("error:") and "--from" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


# ---- Whoosh without its checked internals (index/search/whoosh_compat.py) ------------------------


COMPAT_QUERIES = ["111", "kh 111", "cai cach hanh chinh", '"vật liệu nổ"', "vat leiu no",
           "kết luận cải cách hành chính quy l", "ke hoach OR quy hoach -xay"]


def _whoosh_answers(home: Path) -> list[list[tuple[str | None, bool, list[str]]]]:
    eng = open_engine(home, "whoosh")
    eng.add(CORPUS[:5])
    eng.flush()
    eng.delete([CORPUS[2].id])  # a deletion: the fallback must skip it too
    eng.add(CORPUS[5:])
    eng.flush()
    out = [[(h.symbol, h.fuzzy, h.missing_terms) for h in eng.search(SearchQuery(q)).hits]
           for q in COMPAT_QUERIES]
    eng.close()
    return out


def test_installed_whoosh_has_the_internals():
    assert whoosh_compat.INTERNALS, whoosh_compat.MISSING


def test_fallback_answers_like_the_fast_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fast = _whoosh_answers(tmp_path / "fast")
    for mod in (whoosh_eval, whoosh_engine):
        monkeypatch.setattr(mod, "INTERNALS", False)

    def no_merging_writer(*a: object, **k: object) -> None:
        raise AssertionError("the fallback must use Whoosh's own writer")

    monkeypatch.setattr(whoosh_engine, "MergingWriter", no_merging_writer)
    slow = _whoosh_answers(tmp_path / "slow")
    assert slow == fast
    assert all("57/HD-UBND" not in [s for s, _, _ in hits] for hits in slow)


@pytest.mark.parametrize("name", ENGINES)
def test_type_name_query_ranks_that_type_above_a_letter_with_the_exact_phrase(tmp_path, name):
    if name == "tantivy":
        pytest.importorskip("tantivy")
    e = open_engine(tmp_path, name)
    e.add([doc(1, "Mục tiêu năm 2023.", "111/KH-UBND",
               "Cải cách hành chính huyện Đức Thọ năm 2023", "KH", "2023-01-17"),
           doc(2, "Đôn đốc các xã.", "2650/UBND-NV",
               "V/v đôn đốc thực hiện kế hoạch cải cách hành chính năm 2023", "CV")])
    e.flush()
    assert syms(e, "ke hoach cai cach hanh chinh nam 2023") == ["111/KH-UBND", "2650/UBND-NV"]
    # without the type word, the letter holding the exact phrase in its subject is first
    assert syms(e, "thuc hien ke hoach cai cach hanh chinh")[0] == "2650/UBND-NV"
    e.close()
