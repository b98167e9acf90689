"""Text normalisation: NFC/eth at ingest, tone placement for search keys, folding."""

from __future__ import annotations

import unicodedata

import pytest
from evidence.extract.normalize import (
    _fold_slow,
    canonical_tones,
    clean_text,
    fold,
    fold_keep_length,
    normalize_span,
)
from hypothesis import example, given
from hypothesis import strategies as st

VN_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ĐĂÂÊÔƠƯÀÁẢÃẠỦÚỤỨỪ ÐðÇñßİ,.;:%0123456789-/()"
)
vn_text = st.text(alphabet=VN_LETTERS, max_size=80)


def test_clean_text_nfc_eth_invisibles() -> None:
    nfd = unicodedata.normalize("NFD", "Quyết định số 120/QÐ-UBND\u200b\r\nngày\u00a017/01/2023")
    out = clean_text(nfd)
    assert out == "Quyết định số 120/QĐ-UBND\nngày 17/01/2023"
    assert unicodedata.is_normalized("NFC", out)


def test_clean_text_maps_oi_letters_of_broken_pdf_fonts() -> None:
    assert clean_text("Nơi nhận:\n- Nhƣ trên;\n- ƢU TIÊN") == "Nơi nhận:\n- Như trên;\n- ƯU TIÊN"
    assert fold("Nhƣ") == "nhu"


@pytest.mark.parametrize(("raw", "expected"), [
    ("137 /KH-UBND", "137/KH-UBND"),
    ("Số:12/KH\u2013UBND", "Số:12/KH-UBND"),
    ("120/QÐ - UBND", "120/QĐ-UBND"),
    ("45\u2215UBND\u2212VP", "45/UBND-VP"),
])
def test_normalize_span(raw: str, expected: str) -> None:
    assert normalize_span(raw) == expected


@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("Uỷ", "Ủy"), ("qúy", "quý"), ("khoẻ", "khỏe"),
    ("HOÀ", "HÒA"), ("Quyết", "Quyết"), ("người", "người"), ("hoàn", "hoàn"),
    ("giữa", "giữa"), ("gì", "gì"), ("khoái", "khoái"),
])
def test_canonical_tones(old: str, new: str) -> None:
    assert canonical_tones(old) == new


def test_canonical_tones_keeps_text_shape() -> None:
    s = "Cộng hoà xã hội chủ nghĩa Việt Nam, Uỷ ban nhân dân huyện 111/KH-UBND"
    assert canonical_tones(s) == "Cộng hòa xã hội chủ nghĩa Việt Nam, Ủy ban nhân dân huyện 111/KH-UBND"


@pytest.mark.parametrize(("text", "key"), [
    ("Đức Thọ", "duc tho"),
    ("cải cách hành chính", "cai cach hanh chinh"),
    ("QUYẾT ĐỊNH", "quyet dinh"),
    ("Ðức", "duc"),
])
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key
    assert fold(unicodedata.normalize("NFD", text)) == key


@given(vn_text)
def test_fold_table_equals_decomposition(s: str) -> None:
    assert fold(s) == _fold_slow(s)
    assert fold(unicodedata.normalize("NFD", s)) == _fold_slow(s)


@given(vn_text)
def test_fold_keep_length_keeps_offsets(s: str) -> None:
    nfc = unicodedata.normalize("NFC", s)
    kept = fold_keep_length(nfc)
    assert len(kept) == len(nfc)
    if "ß" not in nfc:  # the one letter whose fold is two letters
        assert fold(kept) == fold(nfc)


@given(vn_text)
@example("Ạİ")  # a letter whose lower case is two characters (İ)
def test_canonical_tones_is_idempotent_and_fold_stable(s: str) -> None:
    nfc = unicodedata.normalize("NFC", s)
    once = canonical_tones(nfc)
    assert canonical_tones(once) == once
    assert fold(once) == fold(nfc)
