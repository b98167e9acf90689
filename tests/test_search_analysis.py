"""Search analysis: tokens, keys, symbol keys, query plans, snippets."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.errors import BadQuery
from evidence.index.search.analysis import (
    analyze,
    make_snippet,
    query_symbol_keys,
    symbol_keys,
    term_keys,
    tokenize,
)
from evidence.index.search.query import date_bounds, plan_query
from evidence.index.search.types import SearchQuery
from hypothesis import given
from hypothesis import strategies as st


def test_tokens_keep_numbers_and_short_syllables():
    assert [t.text for t in tokenize("Số: 111/KH-UBND, an toàn ở 1 xã")] == [
        "Số", "111", "KH", "UBND", "an", "toàn", "ở", "1", "xã"]


def test_keys_exact_and_folded():
    assert term_keys("Hoà") == ("hòa", "hoa")
    assert term_keys("THUỶ") == ("thủy", "thuy")
    assert term_keys("Đức") == ("đức", "duc")
    a = analyze("Cải cách hành chính")
    assert a.folded == ["cai", "cach", "hanh", "chinh"]
    assert a.bigrams == ["cai_cach", "cach_hanh", "hanh_chinh"]


def test_eth_and_nfd_input_analyse_like_nfc():
    nfc = "Quyết định của Ủy ban nhân dân huyện Đức Thọ"
    assert analyze(unicodedata.normalize("NFD", nfc)).exact == analyze(nfc).exact
    assert analyze(nfc.replace("Đ", "\u00d0")).folded == analyze(nfc).folded


VIET = st.text(alphabet=st.sampled_from(list("aăâeêioôơuưyđdhnmtcgqlrsx áàảãạấầẩẫậếềểễệóòỏõọớờởỡợứừửữựíìỉĩịýỳỷỹỵ")),
               max_size=40)


@given(VIET)
def test_nfc_and_nfd_give_the_same_terms(text):
    a = analyze(unicodedata.normalize("NFC", text))
    b = analyze(unicodedata.normalize("NFD", text))
    assert (a.exact, a.folded) == (b.exact, b.folded)


@pytest.mark.parametrize("symbol,key", [
    ("111/KH-UBND", "111-kh-ubnd"), ("111/kh-ubnd", "111-kh-ubnd"),
    ("111 KH UBND", "111-kh-ubnd"), ("KH-UBND 111", "111-kh-ubnd"),
    ("12-NQ/TU", "12-nq-tu"), ("05/CT-UBND", "5-ct-ubnd"), ("245/QĐ-UBND", "245-qd-ubnd"),
    ("42/2024/QH15", "42-2024-qh15"),
])
def test_symbol_keys(symbol, key):
    assert symbol_keys(symbol) == [key]


def test_unnumbered_symbol_has_no_key():
    assert symbol_keys("/BC-UBND") == []
    assert symbol_keys(None) == []


@pytest.mark.parametrize("query,key", [
    ("ke hoach 111 kh ubnd", "111-kh-ubnd"), ("kh ubnd 111", "111-kh-ubnd"),
    ("2024 qh15 42", "42-2024-qh15"), ("05 2023 tt bnv", "5-2023-tt-bnv"),
])
def test_query_symbol_candidates(query, key):
    assert key in query_symbol_keys(query.split())


def test_plan_quotes_terms_and_filters():
    p = plan_query(SearchQuery('"cải cách hành chính" năm 2023', doc_type="QĐ",
                               issuer="UBND huyện", date_from="2023", date_to="03/2023"))
    assert p.phrases == [["cai", "cach", "hanh", "chinh"]]
    assert [f for f, _ in p.terms] == ["nam", "2023"]
    assert p.phrase_bigrams == ["cai_cach", "cach_hanh", "hanh_chinh"]
    assert p.type_key == "qd"
    assert p.issuer_terms == ["uy", "ban", "nhan", "dan", "huyen"]
    assert (p.date_lo, p.date_hi) == (20230000, 20230399)


def test_date_bounds():
    assert date_bounds("2023-01-31", upper=False) == 20230131
    assert date_bounds("31/01/2023", upper=True) == 20230131
    assert date_bounds("2023", upper=True) == 20239999
    assert date_bounds(None, upper=True) is None
    with pytest.raises(BadQuery):
        date_bounds("tháng trước", upper=False)
    with pytest.raises(BadQuery, match="month 2/2023 has 28 days"):
        date_bounds("2023-02-31", upper=True)
    assert date_bounds("29/02/2024", upper=False) == 20240229


def test_snippet_joins_a_symbol_and_respects_typed_accents():
    text = "Căn cứ Kế hoạch số 111/KH-UBND ngày 17/01/2023 của UBND huyện"
    assert "[111/KH-UBND]" in make_snippet(text, ["111", "kh", "ubnd"])
    text = "Đề xuất phương án bảo đảm an toàn thông tin; cửa hàng của xã"
    s = make_snippet(text, [], exact=["an", "toàn"])
    assert "[an toàn]" in s and "[án]" not in s
    s = make_snippet(text, ["an", "toan"])  # typed without accents: every form
    assert "[án]" in s and "[an toàn]" in s
    s = make_snippet(text, [], exact=["cửa"])
    assert "[cửa]" in s and "[của]" not in s


def test_snippet_fuzzy_marks_damaged_word_only_when_asked():
    text = "Kết quả kiểm tra công tác cải cách hành chlnh đợt I"
    assert "[" not in make_snippet(text, ["chinh"])
    assert "[chlnh]" in make_snippet(text, ["chinh"], fuzzy=True)


def test_text_has_phrase_agrees_with_the_token_scan() -> None:
    from evidence.index.search.analysis import analyze, contains_phrase, text_has_phrase

    text = ("Kế hoạch cải cách hành chính năm 2024 theo Kế hoạch số 111/KH-UBND; "
            "áp dụng TCVN ISO 9001:2015, hoà giải ở cơ sở; kế_hoạch rời; ĐỨC THỌ.")
    folded = analyze(text, clean=False).folded
    phrases = [["ke", "hoach"], ["ke", "hoach", "so", "111"], ["111", "kh", "ubnd"],
               ["iso", "9001", "2015"], ["hoa", "giai"], ["duc", "tho"], ["hoach", "ke"],
               ["cai", "cach", "nam"], ["ke", "hoach", "roi"], ["9001"], ["thu"], []]
    for phrase in phrases:
        assert text_has_phrase(text, phrase) == contains_phrase(folded, phrase), phrase
    assert text_has_phrase(text, ["ke", "hoach", "so", "111"])
    assert not text_has_phrase(text, ["hoach", "ke"])
